// SPDX-License-Identifier: Apache-2.0
// ethosu bench, and the helpers behind the commands: argument parsing, statistics, progress.

import { describe, expect, it } from 'vitest';

import { extractPairs, integer } from '../../src/cli/args.js';
import { runCli } from '../../src/cli/cli.js';
import { UsageError } from '../../src/cli/errors.js';
import { hexDump } from '../../src/cli/format.js';
import { progressBar } from '../../src/cli/progress.js';
import { latencyStats, percentile } from '../../src/cli/stats.js';
import { Captured, CliWorld, cliContext } from './helpers/cli-context.js';

describe('bench', () => {
  it('runs warm-up plus --count inferences and reports rate and percentiles', async () => {
    const ctx = cliContext();
    expect(await runCli(['bench', '--index', '1', '-c', '50', '-w', '3', '--json'], ctx)).toBe(0);
    const out = JSON.parse(ctx.out.text);
    expect(ctx.world.inferences).toHaveLength(53);
    expect(out).toMatchObject({
      device: '/dev/ethosu0',
      npu: 'U55',
      network: 'built-in network 1',
      count: 50,
      concurrency: 1,
      warmup: 3,
    });
    // The fake clock advances 1 ms per reading: each inference takes exactly 1 ms.
    expect(out.latencyMs).toMatchObject({ count: 50, min: 1, max: 1, p50: 1, p90: 1, p99: 1 });
    expect(out.inferencesPerSecond).toBeGreaterThan(0);
    expect(out.elapsedMs).toBeGreaterThan(0);
    const dev = ctx.world.device();
    expect(dev?.closed).toBe(true);
    expect([...(dev?.buffers.values() ?? [])].every((b) => b.closed)).toBe(true);
  });

  it('uses --concurrency buffer sets and the given IFM', async () => {
    const ifm = Uint8Array.from({ length: 490 }, (_, i) => i % 256);
    const ctx = cliContext();
    ctx.files.set('in.bin', ifm);
    const argv = ['bench', '--index', '1', '-c', '20', '-j', '4', '-w', '0', '-i', 'in.bin'];
    expect(await runCli(argv, ctx)).toBe(0);
    const buffers = [...(ctx.world.device()?.buffers.values() ?? [])];
    expect(buffers).toHaveLength(8); // 4 sets of 1 IFM + 1 OFM
    for (const set of [0, 2, 4, 6]) expect(buffers[set]?.device).toEqual(ifm);
    expect(ctx.world.inferences).toHaveLength(20);
    // Every inference read the given IFM, from one of the 4 sets.
    expect(
      ctx.world.inferences.every((inf) => inf.ifms[0]?.device.every((x, i) => x === ifm[i])),
    ).toBe(true);
    expect(new Set(ctx.world.inferences.map((inf) => inf.ifms[0])).size).toBe(4);
    expect(ctx.out.text).toMatch(/20 inferences, concurrency 4\n/);
    expect(ctx.out.text).toMatch(/inferences\/s\s+\d+\.\d\n/);
    expect(ctx.out.text).toMatch(/latency p50\s+\d+\.\d{3} ms\n/);
    expect(ctx.out.text).toMatch(/latency p90\s+\d+\.\d{3} ms\n/);
    expect(ctx.out.text).toMatch(/latency p99\s+\d+\.\d{3} ms\n/);
  });

  it('a failed inference stops the run: exit 1', async () => {
    const world = new CliWorld();
    world.setOutcome((k) => (k === 7 ? 'error' : 'ok'));
    const ctx = cliContext(world);
    expect(await runCli(['bench', '--index', '1', '-c', '30', '-w', '0'], ctx)).toBe(1);
    expect(ctx.err.text).toBe('ethosu: inference failed after 7 of 30: status error\n');
    expect(world.inferences).toHaveLength(8);
  });

  it('a failed warm-up stops before measuring', async () => {
    const world = new CliWorld();
    world.setOutcome(() => 'hang');
    const ctx = cliContext(world);
    expect(await runCli(['bench', '--index', '1', '-t', '5'], ctx)).toBe(1);
    expect(ctx.err.text).toBe('ethosu: warm-up inference failed: timed out after 5 ms\n');
  });

  it('usage errors', async () => {
    const cases: [string[], RegExp][] = [
      [['bench'], /exactly one of --network FILE and --index N/],
      [['bench', '--index', '1', '-c', '0'], /--count must be an integer 1\.\./],
      [['bench', '--index', '1', '-j', '65'], /--concurrency must be an integer 1\.\.64/],
      [['bench', '--index', '1', '-i', 'none.bin'], /cannot read IFM file 'none.bin'/],
    ];
    for (const [argv, message] of cases) {
      const ctx = cliContext();
      expect(await runCli(argv, ctx), argv.join(' ')).toBe(2);
      expect(ctx.err.text).toMatch(message);
    }
    const ctx = cliContext();
    ctx.files.set('short.bin', new Uint8Array(10));
    expect(await runCli(['bench', '--index', '1', '-i', 'short.bin'], ctx)).toBe(2);
    expect(ctx.err.text).toBe(
      "ethosu: IFM file 'short.bin' is 10 bytes, but the network takes 490 bytes\n",
    );
  });
});

describe('statistics', () => {
  it('nearest-rank percentiles', () => {
    const samples = Array.from({ length: 100 }, (_, i) => 100 - i); // 1..100 shuffled order
    const s = latencyStats(samples);
    expect(s).toEqual({ count: 100, min: 1, max: 100, mean: 50.5, p50: 50, p90: 90, p99: 99 });
    expect(percentile([5], 0.99)).toBe(5);
    expect(percentile([1, 2, 3, 4], 0.5)).toBe(2);
    expect(Number.isNaN(percentile([], 0.5))).toBe(true);
    expect(Number.isNaN(latencyStats([]).mean)).toBe(true);
  });
});

describe('argument helpers', () => {
  it('extractPairs takes "--pmu C E", "--pmu C:E" and "--pmu=C:E"', () => {
    const { rest, pairs } = extractPairs(
      ['-i', 'a', '--pmu', '0', 'CYCLE', '-P', '1:NPU_IDLE', '--pmu=2=35', '-p'],
      ['--pmu', '-P'],
      'COUNTER EVENT',
    );
    expect(rest).toEqual(['-i', 'a', '-p']);
    expect(pairs).toEqual([
      ['0', 'CYCLE'],
      ['1', 'NPU_IDLE'],
      ['2', '35'],
    ]);
  });

  it('extractPairs leaves everything after "--" alone and rejects a missing value', () => {
    expect(extractPairs(['--', '--pmu', '0'], ['--pmu'], 'C E').rest).toEqual(['--', '--pmu', '0']);
    expect(() => extractPairs(['--pmu', '0', '-C'], ['--pmu'], 'COUNTER EVENT')).toThrow(
      UsageError,
    );
    expect(() => extractPairs(['--pmu'], ['--pmu'], 'COUNTER EVENT')).toThrow(
      "option '--pmu' takes two values: COUNTER EVENT",
    );
  });

  it('integer accepts decimal and hex within range only', () => {
    expect(integer('42', 'x')).toBe(42);
    expect(integer('0x11', 'x')).toBe(17);
    expect(() => integer('-1', 'x')).toThrow("x must be an integer at least 0, got '-1'");
    expect(() => integer('1.5', 'x')).toThrow(UsageError);
    expect(() => integer('', 'x')).toThrow(UsageError);
    expect(() => integer('9', 'x', 0, 8)).toThrow("x must be an integer 0..8, got '9'");
    expect(() => integer('99999999999999999999', 'x')).toThrow(UsageError);
  });

  it('hexDump prints 16 bytes a line with offsets', () => {
    const bytes = Uint8Array.from({ length: 18 }, (_, i) => i * 15);
    expect(hexDump(bytes)).toBe(
      '00000000  00 0f 1e 2d 3c 4b 5a 69 78 87 96 a5 b4 c3 d2 e1\n00000010  f0 ff',
    );
  });
});

describe('progress bar', () => {
  it('draws on a TTY, keeps logged lines above it and clears at the end', () => {
    const err = new Captured(true, 100);
    const out = new Captured(false);
    let t = 0;
    const p = progressBar(err, 4, 'run', () => (t += 100), true);
    p.tick(1);
    p.log(out, 'line one');
    p.tick(4);
    p.finish();
    expect(out.text).toBe('line one\n');
    expect(err.text).toContain('run [');
    expect(err.text).toContain('] 4/4');
    expect(err.text.endsWith('\r\x1b[2K')).toBe(true);
  });

  it('stays silent when stderr is not a TTY, when disabled, or for one item', () => {
    for (const [tty, enabled, total] of [
      [false, true, 5],
      [true, false, 5],
      [true, true, 1],
    ] as const) {
      const err = new Captured(tty);
      const out = new Captured(false);
      const p = progressBar(err, total, 'x', () => 0, enabled);
      p.tick(1);
      p.log(out, 'l');
      p.finish();
      expect(err.text).toBe('');
      expect(out.text).toBe('l\n');
    }
  });
});
