// SPDX-License-Identifier: Apache-2.0
// ethosu run: the upstream inference_runner's job. One inference per IFM file; the OFMs of
// inference k are written, concatenated, to PREFIX.k.

import { deviceArg, extractPairs, flag, integer, parse, str, strs } from '../args.js';
import type { Context } from '../context.js';
import { EXIT_FAILURE, EXIT_OK, UsageError } from '../errors.js';
import { readNetworkFile, readUserFile, writeUserFile } from '../files.js';
import { hex, hexDump, macsPerCycle, npuName, plural, toJson } from '../format.js';
import {
  allocate,
  collectOutputs,
  fillInputs,
  release,
  runInference,
  type Buffers,
} from '../job.js';
import type { CliNetwork } from '../library.js';
import { progressBar } from '../progress.js';
import { pmuCounterCount, pmuEventName, resolvePmuEvent } from '../../pmu/index.js';
import type { NpuFamily } from '../../types.js';

export const summary = 'run inferences, one per input file, like inference_runner';

export const help = `Usage: ethosu run (--network FILE | --index N) --ifm FILE [--ifm FILE...]
                  [--ofm PREFIX] [--pmu COUNTER EVENT]... [--cycles]
                  [--timeout MS] [--print] [--json] [--device PATH|N]

Run one inference per IFM file. An IFM file holds the raw bytes of all
network inputs, in order; its size must equal the network's total input size.
The outputs of inference k are written, concatenated, to PREFIX.k.

Options:
  -n, --network FILE     the network: a Vela-compiled .tflite file
      --index N          a network built into the firmware instead
  -i, --ifm FILE         input bytes; repeat for more inferences
  -o, --ofm PREFIX       write the outputs of inference k to PREFIX.k
  -P, --pmu COUNTER EVENT
                         count EVENT on PMU counter COUNTER (0-3 on U55/U65,
                         0-7 on U85); EVENT is a name such as NPU_ACTIVE or a
                         hardware event id such as 35; repeatable
  -C, --cycles           count NPU cycles
  -t, --timeout MS       cancel an inference not done after MS ms (default 60000)
  -p, --print            print the output bytes in hex
  -d, --device PATH|N    the device (default /dev/ethosu0; N means /dev/ethosuN)
                         sim:NPU (e.g. sim:u55-128) is a simulated device, no kernel needed
      --json             print JSON instead of text
  -h, --help             show this help

Exit status: 0 when every inference succeeded, 1 when one failed or timed out,
2 for a usage error.
`;

interface Counter {
  counter: number;
  event: string;
}

interface RunOptions {
  device: string | number | undefined;
  network: string | undefined;
  index: number | undefined;
  ifms: string[];
  ofm: string | undefined;
  pmu: [string, string][];
  cycles: boolean;
  timeoutMs: number;
  print: boolean;
  json: boolean;
}

function options(argv: string[]): RunOptions {
  const { rest, pairs } = extractPairs(argv, ['--pmu', '-P'], 'COUNTER EVENT');
  const { values } = parse('run', rest, {
    network: { type: 'string', short: 'n' },
    index: { type: 'string' },
    ifm: { type: 'string', short: 'i', multiple: true },
    ofm: { type: 'string', short: 'o' },
    cycles: { type: 'boolean', short: 'C' },
    timeout: { type: 'string', short: 't' },
    print: { type: 'boolean', short: 'p' },
    device: { type: 'string', short: 'd' },
    json: { type: 'boolean' },
  });
  const network = str(values.network);
  const indexArg = str(values.index);
  if ((network === undefined) === (indexArg === undefined)) {
    throw new UsageError('run needs exactly one of --network FILE and --index N');
  }
  const ifms = strs(values.ifm);
  if (ifms.length === 0) throw new UsageError('run needs at least one --ifm FILE');
  const timeout = str(values.timeout);
  return {
    device: deviceArg(str(values.device)),
    network,
    index: indexArg === undefined ? undefined : integer(indexArg, '--index', 0, 0xffffffff),
    ifms,
    ofm: str(values.ofm),
    pmu: pairs,
    cycles: flag(values.cycles),
    timeoutMs: timeout === undefined ? 60000 : integer(timeout, '--timeout', 1, 2 ** 31 - 1),
    print: flag(values.print),
    json: flag(values.json),
  };
}

/** PMU slots for the NPU: the firmware value of each configured counter, 0 elsewhere. */
function pmuConfig(
  pairs: [string, string][],
  npu: NpuFamily,
): { events: number[]; used: Counter[] } {
  const count = pmuCounterCount(npu);
  const events = new Array<number>(count).fill(0);
  const used: Counter[] = [];
  for (const [c, e] of pairs) {
    const counter = integer(c, '--pmu COUNTER', 0, count - 1);
    if (used.some((u) => u.counter === counter)) {
      throw new UsageError(`PMU counter ${counter} is given twice`);
    }
    const id = /^(\d+|0x[0-9a-f]+)$/i.test(e.trim()) ? integer(e, '--pmu EVENT') : e;
    const value = resolvePmuEvent(id, npu);
    events[counter] = value;
    used.push({ counter, event: pmuEventName(value, npu) });
  }
  return { events, used };
}

/**
 * A warning when Vela compiled the model for another NPU than the device's: the core driver on
 * real hardware refuses such a command stream, so the inference would fail there.
 */
export function targetMismatch(
  target: string | undefined,
  npu: NpuFamily,
  macs: number,
): string | undefined {
  if (target === undefined || npu === 'unknown') return undefined;
  const device = `ethos-${npu.toLowerCase()}-${macs}`;
  if (target === device) return undefined;
  return `the model was compiled by Vela for ${target}, but the device is ${device}`;
}

function sizeList(sizes: readonly number[]): string {
  return sizes.length === 0 ? 'none' : sizes.map((n) => `${n}`).join(' + ');
}

export async function run(ctx: Context, argv: string[]): Promise<number> {
  const o = options(argv);
  // Read every input first: a typo in the last file should not cost a device round trip.
  const inputs = o.ifms.map((path) => ({ path, bytes: readUserFile(ctx, path, 'IFM file') }));
  const networkBytes = o.network === undefined ? undefined : readNetworkFile(ctx, o.network);

  const lib = await ctx.library();
  const dev = lib.Device.open(o.device);
  let net: CliNetwork | undefined;
  let bufs: Buffers | undefined;
  try {
    const caps = dev.capabilities();
    const npu = caps.npu;
    const pmu = o.pmu.length > 0 ? pmuConfig(o.pmu, npu) : undefined;
    net = await dev.loadNetwork(networkBytes ?? { index: o.index as number });
    const { ifmSizes, ofmSizes } = net.info;
    const ifmTotal = ifmSizes.reduce((a, b) => a + b, 0);
    for (const input of inputs) {
      if (input.bytes.length !== ifmTotal) {
        throw new UsageError(
          `IFM file '${input.path}' is ${input.bytes.length} bytes, but the network takes ` +
            `${ifmTotal} bytes (${plural(ifmSizes.length, 'input')}: ${sizeList(ifmSizes)})`,
          '',
        );
      }
    }

    const source = o.network ?? `built-in network ${o.index}`;
    const mismatch = targetMismatch(net.model?.velaTarget, npu, macsPerCycle(caps));
    if (mismatch !== undefined) ctx.stderr.write(`ethosu: warning: ${mismatch}\n`);
    if (!o.json) {
      ctx.stdout.write(
        `${dev.path}: ${npuName(npu)}, network ${source}` +
          `${net.info.description ? ` "${net.info.description}"` : ''}: ` +
          `inputs ${sizeList(ifmSizes)} bytes, outputs ${sizeList(ofmSizes)} bytes\n`,
      );
    }

    bufs = allocate(dev, net);
    const progress = progressBar(ctx.stderr, inputs.length, 'run', ctx.now, !o.json);
    const results: Record<string, unknown>[] = [];
    let failures = 0;
    for (const [k, input] of inputs.entries()) {
      fillInputs(bufs, ifmSizes, input.bytes);
      for (const b of bufs.ofms) b.data.fill(0);
      const outcome = await runInference(
        net,
        bufs,
        { ...(pmu ? { pmuEvents: pmu.events } : {}), cycles: o.cycles, timeoutMs: o.timeoutMs },
        ctx.now,
      );
      const ok = outcome.status === 'ok' && !outcome.timedOut;
      if (!ok) failures++;
      const lines: string[] = [];
      const result: Record<string, unknown> = {
        index: k,
        ifm: input.path,
        status: outcome.timedOut ? 'timeout' : outcome.status,
      };
      if (outcome.timedOut) {
        result.cancelled = outcome.cancelled;
        result.finalStatus = outcome.status;
        lines.push(
          `inference ${k} (${input.path}): timed out after ${o.timeoutMs} ms, ` +
            (outcome.cancelled
              ? 'cancelled it'
              : 'the firmware refused to cancel it (it may still write the old buffers, so ' +
                'the next inference gets new ones)') +
            `; status ${outcome.status}`,
        );
      } else {
        lines.push(
          `inference ${k} (${input.path}): ${outcome.status}` +
            (outcome.detail !== undefined ? ` (${outcome.detail})` : ''),
        );
        if (outcome.detail !== undefined) result.detail = outcome.detail;
      }
      if (ok) {
        const output = collectOutputs(bufs, ofmSizes);
        result.ofmSizes = ofmSizes;
        if (o.ofm !== undefined) {
          const file = `${o.ofm}.${k}`;
          writeUserFile(ctx, file, output, 'OFM file');
          result.ofmFile = file;
          lines.push(`  wrote ${output.length} bytes to ${file}`);
        }
        if (o.print) {
          result.output = hex(output);
          lines.push(hexDump(output, '  '));
        }
        if (pmu) {
          result.pmu = pmu.used.map((u) => ({
            counter: u.counter,
            event: u.event,
            count: outcome.pmuCounters[u.counter] ?? 0n,
          }));
          for (const u of pmu.used) {
            const count = outcome.pmuCounters[u.counter] ?? 0n;
            lines.push(`  PMU ${u.counter} ${u.event}: ${count}`);
          }
        }
        if (o.cycles) {
          result.cycles = outcome.cycleCount;
          lines.push(`  cycles: ${outcome.cycleCount}`);
        }
      }
      results.push(result);
      if (!o.json) progress.log(ctx.stdout, lines.join('\n'));
      if (outcome.timedOut) {
        // The firmware may still write into the old buffers; give the next inference new ones.
        release(bufs);
        bufs = undefined;
        bufs = allocate(dev, net);
      }
      progress.tick(k + 1);
    }
    progress.finish();

    if (o.json) {
      ctx.stdout.write(
        toJson({
          device: dev.path,
          npu,
          network: {
            source,
            description: net.info.description,
            ifmSizes,
            ofmSizes,
            inputs: net.inputs,
            outputs: net.outputs,
          },
          inferences: results,
          ok: results.length - failures,
          failed: failures,
        }) + '\n',
      );
    } else if (inputs.length > 1) {
      ctx.stdout.write(
        `${plural(inputs.length, 'inference')}: ${inputs.length - failures} ok, ${failures} failed\n`,
      );
    }
    return failures > 0 ? EXIT_FAILURE : EXIT_OK;
  } finally {
    release(bufs);
    net?.close();
    dev.close();
  }
}
