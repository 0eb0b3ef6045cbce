// SPDX-License-Identifier: Apache-2.0
// ethosu bench: throughput and latency percentiles of one network.

import { deviceArg, flag, integer, parse, str } from '../args.js';
import type { Context } from '../context.js';
import { EXIT_FAILURE, EXIT_OK, UsageError } from '../errors.js';
import { readNetworkFile, readUserFile } from '../files.js';
import { npuName, table, toJson } from '../format.js';
import { allocate, fillInputs, release, runInference, type Buffers } from '../job.js';
import type { CliNetwork } from '../library.js';
import { progressBar } from '../progress.js';
import { latencyStats } from '../stats.js';

export const summary = 'measure inferences per second and latency percentiles';

export const help = `Usage: ethosu bench (--network FILE | --index N) [--count N] [--concurrency N]
                    [--warmup N] [--ifm FILE] [--timeout MS] [--json]
                    [--device PATH|N]

Run a network many times and report inferences per second and the latency
percentiles p50, p90 and p99. Latency runs from creating an inference to its
completion; with --concurrency above 1 it includes time queued behind others.

Options:
  -n, --network FILE     the network: a Vela-compiled .tflite file
      --index N          a network built into the firmware instead
  -c, --count N          measured inferences (default 100)
  -j, --concurrency N    inferences in flight at once (default 1)
  -w, --warmup N         unmeasured inferences first (default 2)
  -i, --ifm FILE         input bytes for every inference (default zeros)
  -t, --timeout MS       fail an inference not done after MS ms (default 60000)
  -d, --device PATH|N    the device (default /dev/ethosu0; N means /dev/ethosuN)
                         sim:NPU (e.g. sim:u55-128) is a simulated device, no kernel needed
      --json             print JSON instead of text
  -h, --help             show this help
`;

export async function run(ctx: Context, argv: string[]): Promise<number> {
  const { values } = parse('bench', argv, {
    network: { type: 'string', short: 'n' },
    index: { type: 'string' },
    count: { type: 'string', short: 'c' },
    concurrency: { type: 'string', short: 'j' },
    warmup: { type: 'string', short: 'w' },
    ifm: { type: 'string', short: 'i' },
    timeout: { type: 'string', short: 't' },
    device: { type: 'string', short: 'd' },
    json: { type: 'boolean' },
  });
  const network = str(values.network);
  const indexArg = str(values.index);
  if ((network === undefined) === (indexArg === undefined)) {
    throw new UsageError('bench needs exactly one of --network FILE and --index N');
  }
  const opt = (name: string, dflt: number, min: number, max: number) => {
    const v = str(values[name]);
    return v === undefined ? dflt : integer(v, `--${name}`, min, max);
  };
  const count = opt('count', 100, 1, 10_000_000);
  const concurrency = opt('concurrency', 1, 1, 64);
  const warmup = opt('warmup', 2, 0, 1_000_000);
  const timeoutMs = opt('timeout', 60000, 1, 2 ** 31 - 1);
  const index = indexArg === undefined ? 0 : integer(indexArg, '--index', 0, 0xffffffff);
  const json = flag(values.json);
  const ifmPath = str(values.ifm);
  const ifm = ifmPath === undefined ? undefined : readUserFile(ctx, ifmPath, 'IFM file');
  const networkBytes = network === undefined ? undefined : readNetworkFile(ctx, network);

  const lib = await ctx.library();
  const dev = lib.Device.open(deviceArg(str(values.device)));
  let net: CliNetwork | undefined;
  const slots: Buffers[] = [];
  try {
    const npu = dev.capabilities().npu;
    net = await dev.loadNetwork(networkBytes ?? { index });
    const { ifmSizes } = net.info;
    const ifmTotal = ifmSizes.reduce((a, b) => a + b, 0);
    if (ifm !== undefined && ifm.length !== ifmTotal) {
      throw new UsageError(
        `IFM file '${ifmPath}' is ${ifm.length} bytes, but the network takes ${ifmTotal} bytes`,
        '',
      );
    }
    const workers = Math.min(concurrency, count);
    for (let w = 0; w < workers; w++) {
      const bufs = allocate(dev, net);
      slots.push(bufs);
      fillInputs(bufs, ifmSizes, ifm ?? new Uint8Array(ifmTotal));
    }

    const loaded = net;
    const failures: string[] = [];
    const once = async (bufs: Buffers): Promise<number | undefined> => {
      const r = await runInference(loaded, bufs, { timeoutMs }, ctx.now);
      if (r.timedOut) failures.push(`timed out after ${timeoutMs} ms`);
      else if (r.status !== 'ok') failures.push(`status ${r.status}`);
      return r.timedOut || r.status !== 'ok' ? undefined : r.latencyMs;
    };

    for (let i = 0; i < warmup && failures.length === 0; i++) await once(slots[0] as Buffers);
    if (failures.length > 0) {
      ctx.stderr.write(`ethosu: warm-up inference failed: ${failures[0]}\n`);
      return EXIT_FAILURE;
    }

    const progress = progressBar(ctx.stderr, count, 'bench', ctx.now, !json);
    const latencies: number[] = [];
    let next = 0;
    let finished = 0;
    const start = ctx.now();
    const worker = async (bufs: Buffers) => {
      while (next < count && failures.length === 0) {
        next++;
        const ms = await once(bufs);
        if (ms !== undefined) latencies.push(ms);
        progress.tick(++finished);
      }
    };
    await Promise.all(slots.map(worker));
    const elapsedMs = ctx.now() - start;
    progress.finish();

    if (failures.length > 0) {
      ctx.stderr.write(
        `ethosu: inference failed after ${latencies.length} of ${count}: ${failures[0]}\n`,
      );
      return EXIT_FAILURE;
    }
    const stats = latencyStats(latencies);
    const perSecond = elapsedMs > 0 ? (count * 1000) / elapsedMs : 0;
    const source = network ?? `built-in network ${index}`;
    if (json) {
      ctx.stdout.write(
        toJson({
          device: dev.path,
          npu,
          network: source,
          count,
          concurrency: workers,
          warmup,
          elapsedMs,
          inferencesPerSecond: perSecond,
          latencyMs: stats,
        }) + '\n',
      );
    } else {
      const ms = (v: number) => `${v.toFixed(3)} ms`;
      ctx.stdout.write(
        `${dev.path}: ${npuName(npu)}, network ${source}, ${count} inferences, ` +
          `concurrency ${workers}\n` +
          table([
            ['inferences/s', perSecond.toFixed(1)],
            ['latency p50', ms(stats.p50)],
            ['latency p90', ms(stats.p90)],
            ['latency p99', ms(stats.p99)],
            ['latency min', ms(stats.min)],
            ['latency max', ms(stats.max)],
            ['latency mean', ms(stats.mean)],
          ]) +
          '\n',
      );
    }
    return EXIT_OK;
  } finally {
    for (const b of slots) release(b);
    net?.close();
    dev.close();
  }
}
