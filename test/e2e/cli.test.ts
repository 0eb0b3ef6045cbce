// SPDX-License-Identifier: Apache-2.0
// The ethosu CLI as a user runs it, in the guest against ethosu.ko and the firmware emulator
// (subsystems=2: subsystem 0 = U55-128, subsystem 1 = U65-256, whichever /dev/ethosuN each probed
// as; built-in networks 1 = KWS,
// 2 = test_conv2d, 3 = test_add). Expected bytes and counts follow docs/emulator.md.

import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { nodeOfSubsystem } from './helpers.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const MAIN = join(ROOT, 'lib/cli/main.js');
const VELA_U55 = join(ROOT, 'test/fixtures/models/vela/kws_cnn_small_int8_u55-128_vela.tflite');
const KWS_INPUT = join(ROOT, 'test/fixtures/models/vela/kws_cnn_small_int8_u55-128_input.bin');
const DEBUGFS = '/sys/kernel/debug/ethosu_emu';

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

function ethosu(args: string[], env: Record<string, string> = {}): Promise<Result> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [MAIN, ...args],
      { cwd: ROOT, env: { ...process.env, ETHOSU_DEBUG: '', ...env }, timeout: 120_000 },
      (err, stdout, stderr) => {
        const code = err === null ? 0 : typeof err.code === 'number' ? err.code : -1;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** docs/emulator.md: OFM k byte j = (in[j mod T] + k + 1) mod 256. */
function emulatorOfm(input: Uint8Array, k: number, size: number): Buffer {
  const out = Buffer.alloc(size);
  for (let j = 0; j < size; j++) {
    out[j] = ((input.length ? (input[j % input.length] as number) : 0) + k + 1) % 256;
  }
  return out;
}

function knob(subsystem: number, name: string, value?: string): string {
  const path = `${DEBUGFS}/${subsystem}/${name}`;
  if (value !== undefined) writeFileSync(path, value);
  return readFileSync(path, 'utf8');
}

async function waitFor(cond: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond() && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
}

/** One line "ethosu: ...", and no stack trace. */
function expectOneLineError(stderr: string): void {
  expect(stderr).toMatch(/^ethosu: \S/);
  expect(stderr).not.toMatch(/\n\s+at /);
}

let dir: string;
// The node numbers of the two subsystems: they probe in parallel, so either may be ethosu0.
let U55: string;
let U65: string;

beforeAll(() => {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run "npm run build" first`);
  dir = mkdtempSync(join(tmpdir(), 'ethosu-cli-'));
  U55 = String(nodeOfSubsystem(0));
  U65 = String(nodeOfSubsystem(1));
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('ethosu info and ping', () => {
  it('info --json lists both emulated NPUs with their capabilities', async () => {
    const r = await ethosu(['info', '--json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.devices.map((d: { path: string }) => d.path)).toEqual([
      '/dev/ethosu0',
      '/dev/ethosu1',
    ]);
    const byPath = (n: string) =>
      out.devices.find((d: { path: string }) => d.path === `/dev/ethosu${n}`);
    const [u55, u65] = [byPath(U55), byPath(U65)];
    expect(u55.driverVersion.major).toBe(4);
    expect(u55.capabilities.npu).toBe('U55');
    expect(u55.capabilities.hwCfg.type).toBe('subsystem');
    expect(u55.capabilities.driver).toEqual({ major: 0, minor: 16, patch: 0 });
    // macs_per_cc is the CONFIG register's log2 field: U55-128 -> 7, U65-256 -> 8.
    expect(u55.capabilities.hwCfg.macsPerClockCycle).toBe(7);
    expect(u65.capabilities.hwCfg.macsPerClockCycle).toBe(8);
    expect(u65.capabilities.npu).toBe('U65');
    expect(u65.capabilities.hwId.architecture.major).toBe(1);
  });

  it('info prints every device as text', async () => {
    const r = await ethosu(['info']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('\n/dev/ethosu0\n');
    expect(r.stdout).toContain('\n/dev/ethosu1\n');
    expect(r.stdout).toMatch(/NPU\s+Ethos-U55/);
    expect(r.stdout).toMatch(/NPU\s+Ethos-U65/);
    expect(r.stdout).toMatch(/MACs\/cycle\s+128 \(macs_per_cc 7\)\n/);
    expect(r.stdout).toMatch(/MACs\/cycle\s+256 \(macs_per_cc 8\)\n/);
    expect(r.stdout).toMatch(/kernel driver\s+4\.\d+\.\d+/);
  });

  it('ping reaches the firmware of each device', async () => {
    const before = knob(1, 'stats');
    const pings = (stats: string) => Number(/^rx_ping (\d+)$/m.exec(stats)?.[1] ?? NaN);
    const r = await ethosu(['ping', '-d', U65]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`/dev/ethosu${U65}: ping sent\n`);
    // The kernel queues the message and returns; the emulator counts it when it arrives.
    await waitFor(() => pings(knob(1, 'stats')) === pings(before) + 1);
    expect(pings(knob(1, 'stats'))).toBe(pings(before) + 1);
  });

  it('a device that does not exist: exit 1, one line', async () => {
    const r = await ethosu(['ping', '-d', '/dev/ethosu7']);
    expect(r.code).toBe(1);
    expectOneLineError(r.stderr);
    expect(r.stderr).toContain('/dev/ethosu7');
  });
});

describe('ethosu run', () => {
  it('runs the Vela model file once per IFM and writes PREFIX.k', async () => {
    const kws = readFileSync(KWS_INPUT);
    const other = Buffer.from(Array.from({ length: 490 }, (_, i) => (i * 13) % 256));
    const second = join(dir, 'second.bin');
    writeFileSync(second, other);
    const prefix = join(dir, 'kws');
    const r = await ethosu([
      'run',
      '-d',
      U55,
      '-n',
      VELA_U55,
      '-i',
      KWS_INPUT,
      '-i',
      second,
      '-o',
      prefix,
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(readFileSync(`${prefix}.0`)).toEqual(emulatorOfm(kws, 0, 12));
    expect(readFileSync(`${prefix}.1`)).toEqual(emulatorOfm(other, 0, 12));
    expect(r.stdout).toContain('Ethos-U55');
    expect(r.stdout).toMatch(/2 inferences: 2 ok, 0 failed\n$/);
  });

  it('--pmu by name and id, --cycles and --json give the documented counts', async () => {
    const kws = readFileSync(KWS_INPUT);
    const r = await ethosu([
      'run',
      '-d',
      U55,
      '--index',
      '1',
      '-i',
      KWS_INPUT,
      '--pmu',
      '0',
      'NPU_ACTIVE',
      '-P',
      '1',
      '17',
      '--pmu=3:mac_active',
      '-C',
      '-p',
      '--json',
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.npu).toBe('U55');
    expect(out.network.ifmSizes).toEqual([490]);
    expect(out.network.ofmSizes).toEqual([12]);
    const inf = out.inferences[0];
    expect(inf.status).toBe('ok');
    expect(inf.output).toBe(emulatorOfm(kws, 0, 12).toString('hex'));
    // count[i] = 1000 * e + i + T with the firmware values NPU_ACTIVE 5, CYCLE 1, MAC_ACTIVE 6.
    expect(inf.pmu).toEqual([
      { counter: 0, event: 'NPU_ACTIVE', count: 5000 + 0 + 490 },
      { counter: 1, event: 'CYCLE', count: 1000 + 1 + 490 },
      { counter: 3, event: 'MAC_ACTIVE', count: 6000 + 3 + 490 },
    ]);
    expect(inf.cycles).toBe(100000 + 490 + 12);
  });

  it('splits an IFM over two inputs (built-in test_add)', async () => {
    const ifm = Buffer.from([10, 20, 30, 40, 250, 251, 252, 253]);
    const file = join(dir, 'add.bin');
    writeFileSync(file, ifm);
    const prefix = join(dir, 'add');
    const r = await ethosu(['run', '--index', '3', '-d', U65, '-i', file, '-o', prefix]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/inputs 4 \+ 4 bytes, outputs 4 bytes/);
    expect(readFileSync(`${prefix}.0`)).toEqual(emulatorOfm(ifm, 0, 4));
  });

  it('an IFM of the wrong size: exit 2, expected and actual size, nothing run', async () => {
    const file = join(dir, 'short.bin');
    writeFileSync(file, Buffer.alloc(100));
    const before = knob(0, 'stats');
    const r = await ethosu(['run', '-d', U55, '--index', '1', '-i', file]);
    expect(r.code).toBe(2);
    expectOneLineError(r.stderr);
    expect(r.stderr).toContain('is 100 bytes, but the network takes 490 bytes');
    const infs = (s: string) => /^rx_inference_req (\d+)$/m.exec(s)?.[1];
    expect(infs(knob(0, 'stats'))).toBe(infs(before));
  });

  it('a built-in network the firmware does not have: exit 1, one line', async () => {
    const r = await ethosu(['run', '--index', '9', '-i', KWS_INPUT]);
    expect(r.code).toBe(1);
    expectOneLineError(r.stderr);
  });

  it('a model file that is not TFLite: exit 2, one line', async () => {
    const r = await ethosu(['run', '-n', KWS_INPUT, '-i', KWS_INPUT]);
    expect(r.code).toBe(2);
    expectOneLineError(r.stderr);
    expect(r.stderr).toContain('Invalid TFLite model');
  });

  it('usage errors exit 2: unknown PMU event lists valid names; counter out of range', async () => {
    const bad = await ethosu(['run', '--index', '1', '-i', KWS_INPUT, '--pmu', '0', 'BOGUS']);
    expect(bad.code).toBe(2);
    expectOneLineError(bad.stderr);
    expect(bad.stderr).toMatch(/no PMU event "BOGUS"; valid names are: NO_EVENT, CYCLE, /);
    const range = await ethosu(['run', '--index', '1', '-i', KWS_INPUT, '--pmu', '4', 'CYCLE']);
    expect(range.code).toBe(2);
    expect(range.stderr).toMatch(/COUNTER must be an integer 0\.\.3/);
    const none = await ethosu(['run', '-i', KWS_INPUT]);
    expect(none.code).toBe(2);
  });

  it('a rejected inference: exit 1 and status rejected', async () => {
    knob(0, 'reject', '1');
    const r = await ethosu(['run', '-d', U55, '--index', '1', '-i', KWS_INPUT, '--json']);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).inferences[0].status).toBe('rejected');
  });

  it('a timeout cancels the inference and says so: exit 1', async () => {
    const saved = knob(1, 'latency_us').trim();
    knob(1, 'latency_us', '1500000');
    try {
      const prefix = join(dir, 'slow');
      const r = await ethosu([
        'run',
        '--index',
        '1',
        '-d',
        U65,
        '-i',
        KWS_INPUT,
        '-t',
        '300',
        '-o',
        prefix,
      ]);
      expect(r.code).toBe(1);
      expect(r.stdout).toMatch(/timed out after 300 ms, cancelled it; status aborted/);
      expect(existsSync(`${prefix}.0`)).toBe(false);
    } finally {
      knob(1, 'latency_us', saved);
    }
  });
});

describe('progress bar', () => {
  it('is drawn on a terminal for several inferences, and absent when piped', async () => {
    const args = ['run', '--index', '1', '-i', KWS_INPUT, '-i', KWS_INPUT, '-i', KWS_INPUT];
    const piped = await ethosu(args);
    expect(piped.code).toBe(0);
    expect(piped.stderr).toBe('');
    // script(1) gives the CLI a pseudo-terminal, as an interactive shell would.
    const cmd = [process.execPath, MAIN, ...args].map((a) => `'${a}'`).join(' ');
    const tty = await new Promise<Result>((resolve) => {
      execFile('script', ['-qec', cmd, '/dev/null'], { cwd: ROOT }, (err, stdout, stderr) => {
        resolve({ code: err === null ? 0 : Number(err.code), stdout, stderr });
      });
    });
    expect(tty.code).toBe(0);
    expect(tty.stdout).toMatch(/run \[#+\] 3\/3/);
    expect(tty.stdout).toContain('\r\x1b[2K');
    expect(tty.stdout).toMatch(/3 inferences: 3 ok, 0 failed/);
  });
});

describe('ethosu bench', () => {
  it('reports rate and percentiles for a built-in network', async () => {
    const r = await ethosu(['bench', '--index', '1', '-c', '20', '-j', '2', '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.count).toBe(20);
    expect(out.concurrency).toBe(2);
    expect(out.inferencesPerSecond).toBeGreaterThan(0);
    // Each inference spends latency_us (2000 us by default) in the emulator.
    expect(out.latencyMs.p50).toBeGreaterThanOrEqual(1.9);
    expect(out.latencyMs.p90).toBeGreaterThanOrEqual(out.latencyMs.p50);
    expect(out.latencyMs.p99).toBeGreaterThanOrEqual(out.latencyMs.p90);
  });
});
