// SPDX-License-Identifier: Apache-2.0
// `npm run bench` inside the guest (scripts/bench boots it): one table comparing the C floor
// (test/bench/floor.c), the addon called directly, Inference + wait() and network.run(), each
// sequential and with 4, 16 and 64 in flight, measured side by side in one run; then memory and
// fds over 100,000 inferences and the cost of 1 MiB tensors. Prints results, asserts nothing
// about time.
//
//   node build/bench/test/bench/bench.js --repo DIR --floor BIN [--count N] [--soak N]
//     [--json FILE] [--syscalls FILE] [--addon DIR (where node-gyp-build finds the addon;
//     default the repo)]
//   node build/bench/test/bench/bench.js --repo DIR --only addon|inference|run --count N
//     (the syscall mode: N sequential inferences of one path, for strace -c to count)

import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';

import {
  type NativeBinding,
  type NativeInference,
  type NativeNetwork,
  setBinding,
} from '../../src/binding.js';
import { Device, type DmaBuffer, type Network } from '../../src/index.js';
import { expectedOutputs } from '../oracle/emulator.js';
import { buildModel } from '../unit/tflite-builder.js';
import { loopDelays } from './loop-delay.js';

const { values: opts } = parseArgs({
  options: {
    repo: { type: 'string' },
    addon: { type: 'string' },
    floor: { type: 'string' },
    only: { type: 'string' },
    count: { type: 'string' },
    device: { type: 'string', default: '0' },
    index: { type: 'string', default: '3' },
    soak: { type: 'string', default: '100000' },
    json: { type: 'string' },
    syscalls: { type: 'string' },
  },
});
if (opts.repo === undefined) throw new Error('--repo DIR (the repository root) is required');
// The addon from the repository's build, wherever this compiled file sits.
const require = createRequire(import.meta.url);
const nodeGypBuild = require('node-gyp-build') as (dir: string) => NativeBinding;
setBinding(nodeGypBuild(opts.addon ?? opts.repo));

const DEV = Number(opts.device);
const INDEX = Number(opts.index);
const COUNT = Number(opts.count ?? 3000);
const INFLIGHT = [1, 4, 16, 64];
const UINT8 = 3; // TFLite TensorType

type PathName = 'floor' | 'addon' | 'worker' | 'inference' | 'run';
const LABEL: Record<PathName, string> = {
  floor: 'C floor (CREATE, poll, STATUS, close)',
  addon: 'addon directly',
  worker: 'addon, CREATE on a worker (AsyncWorker)',
  inference: 'Inference + wait()',
  run: 'network.run()',
};

interface Measured {
  path: PathName;
  inflight: number;
  n: number;
  seconds: number;
  p50: number;
  p99: number;
  /** CPU time (user + sys, all threads) per inference, us. */
  cpu: number;
  /** Event-loop delay p99 (ms) while it ran; Node paths only. */
  loopP99?: number;
}

/** One chunk of a row: summed over the rounds. */
interface Chunk {
  n: number;
  seconds: number;
  cpuUs: number;
  lat: number[];
  loop: number[];
}

function percentile(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  return sorted[Math.min(n - 1, Math.floor((p / 100) * n))] ?? 0;
}

function knob(name: string, value?: string): string {
  const link = readlinkSync(`/sys/class/ethosu/ethosu${DEV}/device`);
  const m = /ethosu-emu\.(\d+)\./.exec(link);
  if (m === null) throw new Error(`/dev/ethosu${DEV} is not an emulator device`);
  const path = `/sys/kernel/debug/ethosu_emu/${m[1]}/${name}`;
  if (value !== undefined) writeFileSync(path, value);
  return readFileSync(path, 'utf8').trim();
}

const fdCount = () => readdirSync('/proc/self/fd').length;
const MiB = 2 ** 20;

interface MemorySample {
  runs: number;
  rss: number;
  rssAfterGc: number | null;
  /** After the collection: /proc/self/status's split of RSS, and V8's own counts. */
  rssAnon: number;
  rssFile: number;
  rssShmem: number;
  heapTotal: number;
  heapUsed: number;
  external: number;
  fds: number;
}

/** A "Name:   N kB" field of /proc/self/status, in MiB. */
function statusMiB(status: string, field: string): number {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
  return m === null ? NaN : Number(m[1]) / 1024;
}

/** Memory (MiB) and open fds now, then RSS again after a full collection where gc() is exposed. */
function memorySample(runs: number): MemorySample {
  const rss = process.memoryUsage().rss / MiB;
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const m = process.memoryUsage();
  const status = readFileSync('/proc/self/status', 'utf8');
  return {
    runs,
    rss,
    rssAfterGc: gc ? m.rss / MiB : null,
    rssAnon: statusMiB(status, 'RssAnon'),
    rssFile: statusMiB(status, 'RssFile'),
    rssShmem: statusMiB(status, 'RssShmem'),
    heapTotal: m.heapTotal / MiB,
    heapUsed: m.heapUsed / MiB,
    external: m.external / MiB,
    fds: fdCount(),
  };
}

function printSoak(samples: MemorySample[]): void {
  console.log('Memory and fds over the soak (16 in flight), MiB:');
  console.log(
    '| run()s | RSS | RSS after GC | of it anon / file / shmem | V8 heap total / used | external | open fds |',
  );
  console.log('|---|---|---|---|---|---|---|');
  for (const s of samples) {
    const afterGc = s.rssAfterGc === null ? '-' : fmt(s.rssAfterGc, 1);
    const split = `${fmt(s.rssAnon, 1)} / ${fmt(s.rssFile, 1)} / ${fmt(s.rssShmem, 1)}`;
    const heap = `${fmt(s.heapTotal, 1)} / ${fmt(s.heapUsed, 1)}`;
    console.log(
      `| ${s.runs.toLocaleString('en')} | ${fmt(s.rss, 1)} | ${afterGc} | ${split} | ${heap} | ` +
        `${fmt(s.external, 1)} | ${s.fds} |`,
    );
  }
  const first = samples[0];
  const last = samples[samples.length - 1];
  if (first === undefined || last === undefined) return;
  const gcGrowth =
    first.rssAfterGc === null || last.rssAfterGc === null
      ? ''
      : `, after GC ${fmt(last.rssAfterGc - first.rssAfterGc, 1)} MiB`;
  console.log(
    `Growth from ${first.runs.toLocaleString('en')} to ${last.runs.toLocaleString('en')}: ` +
      `RSS ${fmt(last.rss - first.rss, 1)} MiB${gcGrowth}, ${last.fds - first.fds} fds`,
  );
}

/** Runs `one` `count` times with `inflight` at a time. */
async function drive(count: number, inflight: number, one: () => Promise<void>): Promise<Chunk> {
  const lat: number[] = new Array<number>(count);
  let next = 0;
  const loop = loopDelays();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: inflight }, async () => {
      while (next < count) {
        const i = next++;
        const t = performance.now();
        await one();
        lat[i] = (performance.now() - t) * 1000;
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  return { n: count, seconds, cpuUs: cpu.user + cpu.system, lat, loop: loop.stop() };
}

function floor(count: number, inflight: number): Chunk {
  if (opts.floor === undefined) throw new Error('--floor BIN is required');
  const args = [`/dev/ethosu${DEV}`, String(INDEX), String(count), String(inflight)];
  const r = JSON.parse(execFileSync(opts.floor, args, { encoding: 'utf8' })) as {
    seconds: number;
    cpu_us: number;
    lat_us: number[];
  };
  return { n: count, seconds: r.seconds, cpuUs: r.cpu_us, lat: r.lat_us, loop: [] };
}

function summarise(path: PathName, inflight: number, chunks: Chunk[]): Measured {
  const n = chunks.reduce((a, c) => a + c.n, 0);
  const lat = chunks.flatMap((c) => c.lat).sort((a, b) => a - b);
  const loop = chunks.flatMap((c) => c.loop).sort((a, b) => a - b);
  return {
    path,
    inflight,
    n,
    seconds: chunks.reduce((a, c) => a + c.seconds, 0),
    p50: percentile(lat, 50),
    p99: percentile(lat, 99),
    cpu: chunks.reduce((a, c) => a + c.cpuUs, 0) / n,
    ...(path === 'floor' ? {} : { loopP99: percentile(loop, 99) }),
  };
}

interface Rig {
  dev: Device;
  net: Network;
  nativeNet: NativeNetwork;
  ifms: DmaBuffer[];
  ofms: DmaBuffer[];
  inputs: Uint8Array[];
}

async function rig(): Promise<Rig> {
  const dev = Device.open(DEV);
  const net = await dev.loadNetwork({ index: INDEX });
  // The addon path's own network, straight from the binding (closed with the rig).
  const nativeNet = dev.native.createNetworkIndex(INDEX);
  const ifms = net.info.ifmSizes.map((s) => dev.createBuffer(Math.max(1, s)));
  const ofms = net.info.ofmSizes.map((s) => dev.createBuffer(Math.max(1, s)));
  const inputs = net.info.ifmSizes.map((s, i) => Uint8Array.from({ length: s }, (_, j) => i + j));
  return { dev, net, nativeNet, ifms, ofms, inputs };
}

/** One inference per path, as a user of that layer writes it. */
function oneOf(r: Rig, path: Exclude<PathName, 'floor'>): () => Promise<void> {
  const ok = 0;
  const ifmFds = r.ifms.map((b) => b.fd);
  const ofmFds = r.ofms.map((b) => b.fd);
  switch (path) {
    case 'addon':
      return async () => {
        let inf = r.nativeNet.createInference(ifmFds, ofmFds, [], false);
        while (inf === null) {
          await new Promise((res) => setTimeout(res, 1));
          inf = r.nativeNet.createInference(ifmFds, ofmFds, [], false);
        }
        await inf.wait(-1);
        if (inf.status().status !== ok) throw new Error('addon: inference failed');
        inf.close();
      };
    case 'worker':
      // What INFERENCE_CREATE would cost on a libuv worker thread instead of the O_NONBLOCK call
      // (a benchmark-only method of the addon).
      return async () => {
        const net = r.nativeNet as NativeNetwork & {
          _benchCreateInferenceOnWorker: (
            ...a: Parameters<NativeNetwork['createInference']>
          ) => Promise<NativeInference | null>;
        };
        let inf = await net._benchCreateInferenceOnWorker(ifmFds, ofmFds, [], false);
        while (inf === null) {
          await new Promise((res) => setTimeout(res, 1));
          inf = await net._benchCreateInferenceOnWorker(ifmFds, ofmFds, [], false);
        }
        await inf.wait(-1);
        if (inf.status().status !== ok) throw new Error('worker: inference failed');
        inf.close();
      };
    case 'inference':
      return async () => {
        const inf = await r.net.createInference(r.ifms, r.ofms);
        await inf.wait();
        if (inf.status !== 'ok') throw new Error('Inference: failed');
        inf.close();
      };
    case 'run':
      return async () => {
        await r.net.run(r.inputs);
      };
  }
}

/** The syscall mode: `count` sequential inferences of one path, nothing else. */
async function only(path: Exclude<PathName, 'floor'>, count: number): Promise<void> {
  const r = await rig();
  const one = oneOf(r, path);
  // ETHOSU_BENCH_EXP=monitor,fork: what the table mode adds (the 2 ms loop-delay timer; a
  // floor child process run first), to see which of them changes the cost.
  const exp = process.env.ETHOSU_BENCH_EXP ?? '';
  if (exp.includes('fork')) floor(10, 1);
  const loop = exp.includes('monitor') ? loopDelays() : undefined;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < count; i++) await one();
  if (exp !== '') {
    const cpu = process.cpuUsage(cpu0);
    const delays = loop?.stop() ?? [];
    console.error(
      `${path} ${count} [${exp}]: ${fmt(performance.now() - t0)} ms, CPU ` +
        `${fmt((cpu.user + cpu.system) / Math.max(1, count))} us per inference, ` +
        `${delays.length} ticks`,
    );
  }
  r.nativeNet.close();
  r.dev.close();
}

function fmt(n: number, digits = 0): string {
  return n.toFixed(digits);
}

async function main(): Promise<void> {
  const oldLatency = knob('latency_us');
  knob('latency_us', '0');
  try {
    if (opts.only !== undefined) {
      await only(opts.only as Exclude<PathName, 'floor'>, COUNT);
      return;
    }
    await table();
  } finally {
    knob('latency_us', oldLatency);
  }
}

const ROUNDS = 5;
const PATHS = ['floor', 'addon', 'worker', 'inference', 'run'] as const;

async function table(): Promise<void> {
  const r = await rig();
  const rows: Measured[] = [];
  console.log(
    `# ${COUNT} inferences per row in ${ROUNDS} interleaved rounds, network index ${INDEX}, ` +
      `/dev/ethosu${DEV}, latency_us 0`,
  );
  // Warm up every path (JIT, pools, the emulator's queue).
  floor(300, 1);
  for (const p of ['addon', 'worker', 'inference', 'run'] as const) {
    await drive(300, 4, oneOf(r, p));
  }
  for (const k of INFLIGHT) {
    // Side by side: each round runs every path in turn, so a busy host slows them alike.
    const chunks = new Map<PathName, Chunk[]>(PATHS.map((p) => [p, []]));
    for (let round = 0; round < ROUNDS; round++) {
      const n = Math.ceil(COUNT / ROUNDS);
      for (const p of PATHS) {
        chunks.get(p)!.push(p === 'floor' ? floor(n, k) : await drive(n, k, oneOf(r, p)));
      }
    }
    for (const p of PATHS) rows.push(summarise(p, k, chunks.get(p)!));
  }

  printTable(rows);
  console.log('');

  // Memory and fds across the soak (16 in flight), sampled five times. RSS as found includes
  // garbage V8 has not collected yet; RSS after a full collection (guest.sh gives --expose-gc) is
  // what the process keeps, so a leak shows there as a steady climb.
  const soak = Number(opts.soak);
  const runOne = oneOf(r, 'run');
  const marks = [1000];
  for (const q of [1, 2, 3, 4]) {
    const n = Math.round((soak * q) / 4);
    if (n > (marks.at(-1) ?? 0)) marks.push(n);
  }
  const samples: MemorySample[] = [];
  let done = 0;
  for (const mark of marks) {
    await drive(mark - done, 16, runOne);
    done = mark;
    samples.push(memorySample(mark));
  }
  printSoak(samples);
  console.log('');

  const big = await mib(r.dev);
  r.nativeNet.close();
  r.dev.close();
  console.log('1 MiB IFM and OFM, sequential, us per inference:');
  for (const b of big.rows) console.log(`  ${b.label.padEnd(52)} ${fmt(b.us).padStart(7)}`);
  console.log(`  zero-copy: ${big.proof}`);

  const json = { count: COUNT, rows, soak: samples, big };
  if (opts.json !== undefined) writeFileSync(opts.json, JSON.stringify(json, null, 2));
}

/** Per path: syscalls and ioctls per sequential inference (scripts/bench counts them). */
type Syscalls = Partial<Record<PathName, { total: number; ioctl: number }>>;

function printTable(rows: Measured[]): void {
  const sys: Syscalls =
    opts.syscalls === undefined
      ? {}
      : (JSON.parse(readFileSync(opts.syscalls, 'utf8')) as Syscalls);
  const floorOf = (k: number) => rows.find((x) => x.path === 'floor' && x.inflight === k);
  const head = [
    'path',
    'in flight',
    'inf/s',
    'p50 us',
    'p99 us',
    'x floor',
    'CPU us per inf.',
    'loop p99 ms',
    'syscalls (ioctls) per inf.',
  ];
  console.log(`| ${head.join(' | ')} |`);
  console.log(`|${head.map(() => '---').join('|')}|`);
  for (const k of INFLIGHT) {
    for (const p of PATHS) {
      const m = rows.find((x) => x.path === p && x.inflight === k);
      const f = floorOf(k);
      if (m === undefined || f === undefined) continue;
      const rate = m.n / m.seconds;
      const ratio = rate / (f.n / f.seconds);
      console.log(
        `| ${LABEL[p]} | ${k} | ${fmt(rate)} | ${fmt(m.p50)} | ${fmt(m.p99)} | ` +
          `${fmt(ratio, 2)} | ${fmt(m.cpu)} | ${m.loopP99 === undefined ? '-' : fmt(m.loopP99, 2)} | ` +
          `${k === 1 && sys[p] ? `${fmt(sys[p].total, 1)} (${fmt(sys[p].ioctl, 1)})` : ''} |`,
      );
    }
  }
}

/** 1 MiB tensors: what copies cost, and that the zero-copy path copies nothing. */
async function mib(dev: Device): Promise<{ rows: { label: string; us: number }[]; proof: string }> {
  const SIZE = 1 << 20;
  const N = 200;
  const model = buildModel({
    description: 'bench 1 MiB',
    tensors: [
      { name: 'in', type: UINT8, shape: [SIZE] },
      { name: 'out', type: UINT8, shape: [SIZE] },
    ],
    inputs: [0],
    outputs: [1],
  });
  const rows: { label: string; us: number }[] = [];
  const time = async (label: string, fn: () => Promise<void>) => {
    for (let i = 0; i < 5; i++) await fn();
    const t = performance.now();
    for (let i = 0; i < N; i++) await fn();
    rows.push({ label, us: ((performance.now() - t) * 1000) / N });
  };

  const input = Uint8Array.from({ length: SIZE }, (_, j) => (j * 7) & 0xff);
  const want = expectedOutputs([input], [SIZE])[0] as Uint8Array;
  const scratch = new Uint8Array(SIZE);
  await time('memcpy of 1 MiB in JS (Uint8Array.set)', () => {
    scratch.set(input);
    return Promise.resolve();
  });

  // Zero copy: the IFM is written in place once, the OFM is read in place.
  const net = await dev.loadNetwork(model);
  const ifm = dev.createBuffer(SIZE);
  const ofm = dev.createBuffer(SIZE);
  ifm.data.set(input);
  const ofmView = ofm.data;
  const ofmBacking = ofmView.buffer;
  ofmView.fill(0);
  const once = async () => {
    const inf = await net.createInference([ifm], [ofm]);
    await inf.wait();
    inf.close();
  };
  await once();
  const inPlace =
    ofm.zeroCopy &&
    ofm.data === ofmView &&
    ofm.data.buffer === ofmBacking &&
    Buffer.compare(ofmView, want) === 0;
  ofmView.fill(0);
  await time('Inference + wait(), zero-copy DmaBuffers', once);
  const stillRight = Buffer.compare(ofmView, want) === 0;
  await time('network.run() (copies the input in, the output out)', async () => {
    await net.run(input);
  });
  net.close();

  // Copy mode: the library copies to and from the device around each inference.
  const cdev = Device.open(DEV, { zeroCopy: false });
  const cnet = await cdev.loadNetwork(model);
  const cifm = cdev.createBuffer(SIZE);
  const cofm = cdev.createBuffer(SIZE);
  cifm.data.set(input);
  await time('Inference + wait(), zeroCopy: false (2 copies)', async () => {
    const inf = await cnet.createInference([cifm], [cofm]);
    await inf.wait();
    inf.close();
  });
  const copyRight = Buffer.compare(cofm.data, want) === 0;
  cdev.close();
  ifm.close();
  ofm.close();
  const proof =
    inPlace && stillRight && copyRight
      ? 'the OFM bytes appeared in the same ArrayBuffer the caller held (the device mapping), ' +
        'right by the oracle, with no call in between; 0 bytes copied by the library'
      : `FAILED (in place ${inPlace}, right after ${N} ${stillRight}, copy mode ${copyRight})`;
  return { rows, proof };
}

await main();
