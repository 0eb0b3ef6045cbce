// SPDX-License-Identifier: Apache-2.0
// ethosu run through the real library over the mock binding: files written, PMU and cycle
// values, size checks, timeouts and exit codes.

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { describe, expect, it } from 'vitest';

import { runCli } from '../../src/cli/cli.js';
import { readTflite } from '../../src/tflite/index.js';
import { CliWorld, cliContext, type CliContext } from './helpers/cli-context.js';
import { expectedOutput } from './helpers/setup.js';

function input(n: number, seed: number): Uint8Array {
  return Uint8Array.from({ length: n }, (_, i) => (i * 7 + seed) % 256);
}

function withFiles(ctx: CliContext, files: Record<string, Uint8Array>): CliContext {
  for (const [k, v] of Object.entries(files)) ctx.files.set(k, v);
  return ctx;
}

const fixture = (name: string) =>
  readFileSync(fileURLToPath(new URL(`../fixtures/models/vela/${name}`, import.meta.url)));
const MODEL_U65 = fixture('kws_cnn_small_int8_u65-256_vela.tflite');
const MODEL = readFileSync(
  fileURLToPath(
    new URL('../fixtures/models/vela/kws_cnn_small_int8_u55-128_vela.tflite', import.meta.url),
  ),
);

describe('run: outputs', () => {
  it('runs one inference per IFM and writes PREFIX.k', async () => {
    const a = input(490, 1);
    const b = input(490, 2);
    const ctx = withFiles(cliContext(), { 'm.tflite': MODEL, 'a.bin': a, 'b.bin': b });
    const code = await runCli(
      ['run', '-n', 'm.tflite', '-i', 'a.bin', '--ifm', 'b.bin', '-o', 'out'],
      ctx,
    );
    expect(code).toBe(0);
    expect(ctx.files.get('out.0')).toEqual(expectedOutput(a, 12, 0));
    expect(ctx.files.get('out.1')).toEqual(expectedOutput(b, 12, 0));
    expect(ctx.out.text).toContain('inference 0 (a.bin): ok\n  wrote 12 bytes to out.0\n');
    expect(ctx.out.text).toContain('inference 1 (b.bin): ok\n  wrote 12 bytes to out.1\n');
    expect(ctx.out.text).toMatch(/2 inferences: 2 ok, 0 failed\n$/);
    // The network bytes read from the file went to loadNetwork.
    expect(ctx.world.device()?.loads).toEqual([new Uint8Array(MODEL)]);
  });

  it('splits an IFM file across several inputs and concatenates several outputs', async () => {
    const world = new CliWorld(['U55'], { description: '', ifmSizes: [4, 4], ofmSizes: [4, 2] });
    const data = Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8]);
    const ctx = withFiles(cliContext(world), { 'x.bin': data });
    expect(await runCli(['run', '--index', '3', '-i', 'x.bin', '-o', 'o'], ctx)).toBe(0);
    // T = 8; OFM 0: in[j]+1 for 4 bytes; OFM 1: in[j]+2 for 2 bytes.
    expect(Array.from(ctx.files.get('o.0') as Uint8Array)).toEqual([2, 3, 4, 5, 3, 4]);
    const net = world.device()?.networks[0];
    expect(world.device()?.loads).toEqual([{ index: 3 }]);
    expect(net?.requests).toEqual([{ pmuEvents: [], cycles: false }]);
  });

  it('--print dumps the output bytes in hex', async () => {
    const a = input(490, 5);
    const ctx = withFiles(cliContext(), { 'a.bin': a });
    expect(await runCli(['run', '--index', '1', '-i', 'a.bin', '-p'], ctx)).toBe(0);
    const o = expectedOutput(a, 12, 0);
    const hex = Array.from(o, (x) => x.toString(16).padStart(2, '0')).join(' ');
    expect(ctx.out.text).toContain(`  00000000  ${hex}\n`);
  });

  it('--pmu by name and by hardware id, and --cycles, give the firmware values', async () => {
    const a = input(490, 3);
    const world = new CliWorld(['U55']);
    const ctx = withFiles(cliContext(world), { 'a.bin': a });
    const code = await runCli(
      ['run', '--index', '1', '-i', 'a.bin', '--pmu', '0', 'NPU_ACTIVE', '-P', '3', '17', '-C'],
      ctx,
    );
    expect(code).toBe(0);
    // Firmware values: NPU_ACTIVE = 5, CYCLE (hw id 17) = 1; counts 1000*e + i + T (T = 490).
    const net = world.device()?.networks[0];
    expect(net?.requests).toEqual([{ pmuEvents: [5, 0, 0, 1], cycles: true }]);
    expect(ctx.out.text).toContain('  PMU 0 NPU_ACTIVE: 5490\n');
    expect(ctx.out.text).toContain('  PMU 3 CYCLE: 1493\n');
    expect(ctx.out.text).toContain(`  cycles: ${100000 + 490 + 12}\n`);
  });

  it('--json reports every inference with PMU counts, cycles and output', async () => {
    const a = input(490, 9);
    const world = new CliWorld(['U85']);
    const ctx = withFiles(cliContext(world), { 'a.bin': a });
    const code = await runCli(
      ['run', '--index', '1', '-i', 'a.bin', '--pmu=7:mac_active', '-C', '--json', '-p', '-o', 'r'],
      ctx,
    );
    expect(code).toBe(0);
    const out = JSON.parse(ctx.out.text);
    expect(out.device).toBe('/dev/ethosu0');
    expect(out.npu).toBe('U85');
    expect(out.network).toMatchObject({ source: 'built-in network 1', ifmSizes: [490] });
    expect(out.ok).toBe(1);
    expect(out.failed).toBe(0);
    expect(out.inferences).toEqual([
      {
        index: 0,
        ifm: 'a.bin',
        status: 'ok',
        ofmSizes: [12],
        ofmFile: 'r.0',
        output: Buffer.from(expectedOutput(a, 12, 0)).toString('hex'),
        pmu: [{ counter: 7, event: 'MAC_ACTIVE', count: 6000 + 7 + 490 }],
        cycles: 100502,
      },
    ]);
    expect(world.device()?.networks[0]?.requests).toEqual([
      { pmuEvents: [0, 0, 0, 0, 0, 0, 0, 6], cycles: true },
    ]);
  });

  it('warns when the model was compiled for another NPU, and still runs it', async () => {
    // The library reads the Vela target from the model file itself.
    expect(readTflite(MODEL_U65).velaTarget).toBe('ethos-u65-256');
    const ctx = withFiles(cliContext(new CliWorld(['U55'])), {
      'm.tflite': MODEL_U65,
      'a.bin': input(490, 1),
    });
    expect(await runCli(['run', '-n', 'm.tflite', '-i', 'a.bin'], ctx)).toBe(0);
    expect(ctx.err.text).toBe(
      'ethosu: warning: the model was compiled by Vela for ethos-u65-256, but the device is ' +
        'ethos-u55-128\n',
    );
    // The same model on the NPU it was compiled for: no warning.
    const ok = withFiles(cliContext(new CliWorld(['U65'])), {
      'm.tflite': MODEL_U65,
      'a.bin': input(490, 1),
    });
    expect(await runCli(['run', '-n', 'm.tflite', '-i', 'a.bin'], ok)).toBe(0);
    expect(ok.err.text).toBe('');
  });

  it('releases the device, network and every buffer', async () => {
    const ctx = withFiles(cliContext(), { 'a.bin': input(490, 0) });
    expect(await runCli(['run', '--index', '1', '-i', 'a.bin', '-i', 'a.bin'], ctx)).toBe(0);
    const dev = ctx.world.device();
    expect(dev?.closed).toBe(true);
    expect(dev?.networks.every((n) => n.closed)).toBe(true);
    expect(dev?.buffers.size).toBeGreaterThan(0);
    expect([...(dev?.buffers.values() ?? [])].every((b) => b.closed)).toBe(true);
    expect(ctx.world.inferences).toHaveLength(2);
    expect(ctx.world.inferences.every((i) => i.closed)).toBe(true);
    expect(ctx.world.openFds.size).toBe(0);
  });
});

describe('run: failures', () => {
  it('an inference that fails: exit 1, the others still run, no OFM file for it', async () => {
    const world = new CliWorld();
    world.setOutcome((k) => (k === 1 ? 'error' : 'ok'));
    const a = input(490, 1);
    const ctx = withFiles(cliContext(world), { 'a.bin': a });
    const code = await runCli(
      ['run', '--index', '1', '-i', 'a.bin', '-i', 'a.bin', '-i', 'a.bin', '-o', 'o'],
      ctx,
    );
    expect(code).toBe(1);
    expect(ctx.files.has('o.0')).toBe(true);
    expect(ctx.files.has('o.1')).toBe(false);
    expect(ctx.files.has('o.2')).toBe(true);
    expect(ctx.out.text).toContain('inference 1 (a.bin): error\n');
    expect(ctx.out.text).toMatch(/3 inferences: 2 ok, 1 failed\n$/);
  });

  it('a rejected inference is a failure', async () => {
    const world = new CliWorld();
    world.setOutcome(() => 'rejected');
    const ctx = withFiles(cliContext(world), { 'a.bin': input(490, 1) });
    expect(await runCli(['run', '--index', '1', '-i', 'a.bin', '--json'], ctx)).toBe(1);
    expect(JSON.parse(ctx.out.text).inferences[0].status).toBe('rejected');
  });

  it('a timeout cancels the inference and says so; exit 1', async () => {
    const world = new CliWorld();
    world.setOutcome((k) => (k === 0 ? 'hang' : 'ok'));
    const ctx = withFiles(cliContext(world), { 'a.bin': input(490, 1) });
    const code = await runCli(
      ['run', '--index', '1', '-i', 'a.bin', '-i', 'a.bin', '-t', '250', '-o', 'o'],
      ctx,
    );
    expect(code).toBe(1);
    expect(ctx.out.text).toContain(
      'inference 0 (a.bin): timed out after 250 ms, cancelled it; status aborted\n',
    );
    expect(ctx.out.text).toContain('inference 1 (a.bin): ok\n');
    expect(ctx.files.has('o.0')).toBe(false);
    expect(ctx.files.has('o.1')).toBe(true);
    const dev = world.device();
    // The second inference got fresh buffers: the first set may still be written to.
    expect(dev?.buffers.size).toBe(4);
    expect([...(dev?.buffers.values() ?? [])].every((b) => b.closed)).toBe(true);
    expect(world.inferences[1]?.ifms[0]).not.toBe(world.inferences[0]?.ifms[0]);
  });

  it('a timeout whose cancel is not confirmed says that too', async () => {
    const world = new CliWorld();
    world.setOutcome(() => 'hang');
    world.refuseCancel = Infinity;
    const ctx = withFiles(cliContext(world), { 'a.bin': input(490, 1) });
    expect(await runCli(['run', '--index', '1', '-i', 'a.bin', '--json', '-t', '20'], ctx)).toBe(1);
    const inf = JSON.parse(ctx.out.text).inferences[0];
    expect(inf).toMatchObject({ status: 'timeout', cancelled: false, finalStatus: 'running' });
    const text = withFiles(cliContext(world), { 'a.bin': input(490, 1) });
    expect(await runCli(['run', '--index', '1', '-i', 'a.bin', '-t', '20'], text)).toBe(1);
    expect(text.out.text).toContain(
      'inference 0 (a.bin): timed out after 20 ms, the firmware refused to cancel it (it may ' +
        'still write the old buffers, so the next inference gets new ones); status running\n',
    );
  });

  it('an IFM of the wrong size: exit 2, says expected and actual, runs nothing', async () => {
    const ctx = withFiles(cliContext(), { 'a.bin': input(100, 1) });
    expect(await runCli(['run', '--index', '1', '-i', 'a.bin'], ctx)).toBe(2);
    expect(ctx.err.text).toBe(
      "ethosu: IFM file 'a.bin' is 100 bytes, but the network takes 490 bytes (1 input: 490)\n",
    );
    expect(ctx.world.inferences).toHaveLength(0);
    expect(ctx.world.device()?.closed).toBe(true);
  });

  it('a network file that is not TFLite: exit 2 before the device is opened', async () => {
    const ctx = withFiles(cliContext(), { 'm.bin': input(64, 1), 'a.bin': input(490, 1) });
    expect(await runCli(['run', '-n', 'm.bin', '-i', 'a.bin'], ctx)).toBe(2);
    expect(ctx.err.text).toMatch(
      /^ethosu: network file 'm.bin': Invalid TFLite model: missing the "TFL3" file identifier/,
    );
    expect(ctx.err.text.split('\n')).toHaveLength(2);
    expect(ctx.world.opened).toHaveLength(0);
  });

  it('a missing IFM file: exit 2 before the device is opened', async () => {
    const ctx = cliContext();
    expect(await runCli(['run', '--index', '1', '-i', 'nope.bin'], ctx)).toBe(2);
    expect(ctx.err.text).toBe(
      "ethosu: cannot read IFM file 'nope.bin': no such file or directory\n",
    );
    expect(ctx.world.opened).toHaveLength(0);
  });

  it('an OFM prefix that cannot be written: exit 2 with the reason', async () => {
    const ctx = withFiles(cliContext(), { 'a.bin': input(490, 1) });
    expect(await runCli(['run', '--index', '1', '-i', 'a.bin', '-o', '/readonly/o'], ctx)).toBe(2);
    expect(ctx.err.text).toBe("ethosu: cannot write OFM file '/readonly/o.0': permission denied\n");
  });

  it('a built-in network the firmware does not have: exit 1 with the errno message', async () => {
    const ctx = withFiles(cliContext(), { 'a.bin': input(490, 1) });
    expect(await runCli(['run', '--index', '0', '-i', 'a.bin'], ctx)).toBe(1);
    expect(ctx.err.text).toBe('ethosu: ioctl(NETWORK_INFO) failed: Bad file descriptor (EBADF).\n');
  });

  it('usage errors: network choice, IFM, PMU counter and event, timeout', async () => {
    const cases: [string[], RegExp][] = [
      [['run', '-i', 'a.bin'], /exactly one of --network FILE and --index N/],
      [['run', '-n', 'm', '--index', '1', '-i', 'a.bin'], /exactly one of --network/],
      [['run', '--index', '1'], /at least one --ifm FILE/],
      [['run', '--index', 'x', '-i', 'a.bin'], /--index must be an integer/],
      [
        ['run', '--index', '1', '-i', 'a.bin', '--pmu', '4', 'CYCLE'],
        /COUNTER must be an integer 0\.\.3, got '4'/,
      ],
      [
        ['run', '--index', '1', '-i', 'a.bin', '--pmu', '0'],
        /option '--pmu' takes two values: COUNTER EVENT/,
      ],
      [
        ['run', '--index', '1', '-i', 'a.bin', '--pmu', '0', 'CYCLE', '--pmu', '0', 'NPU_IDLE'],
        /counter 0 is given twice/,
      ],
      [
        ['run', '--index', '1', '-i', 'a.bin', '--pmu', '0', 'BOGUS'],
        /Ethos-U55 has no PMU event "BOGUS"; valid names are: NO_EVENT, CYCLE/,
      ],
      [
        ['run', '--index', '1', '-i', 'a.bin', '--pmu', '1', '999'],
        /no PMU event with hardware id 999/,
      ],
      [['run', '--index', '1', '-i', 'a.bin', '-t', '0'], /--timeout must be an integer 1\.\./],
    ];
    for (const [argv, message] of cases) {
      const ctx = withFiles(cliContext(), { 'a.bin': input(490, 1) });
      expect(await runCli(argv, ctx), argv.join(' ')).toBe(2);
      expect(ctx.err.text.split('\n')[0]).toMatch(message);
      expect(ctx.err.text.split('\n')[0]).toMatch(/^ethosu: /);
    }
  });
});

describe('run: progress', () => {
  it('draws a progress bar on a TTY for many inferences, none with --json', async () => {
    const files = { 'a.bin': input(490, 1) };
    const argv = ['run', '--index', '1', '-i', 'a.bin', '-i', 'a.bin', '-i', 'a.bin'];
    const tty = withFiles(cliContext(new CliWorld(), { tty: true }), files);
    expect(await runCli(argv, tty)).toBe(0);
    expect(tty.err.text).toMatch(/run \[#+-*\] 1\/3/);
    // eslint-disable-next-line no-control-regex -- the escape sequence is what is tested
    expect(tty.err.text).toMatch(/\r\x1b\[2K$/); // cleared at the end

    const json = withFiles(cliContext(new CliWorld(), { tty: true }), files);
    expect(await runCli([...argv, '--json'], json)).toBe(0);
    expect(json.err.text).toBe('');

    const pipe = withFiles(cliContext(new CliWorld(), { tty: false }), files);
    expect(await runCli(argv, pipe)).toBe(0);
    expect(pipe.err.text).toBe('');
  });
});
