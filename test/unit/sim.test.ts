// SPDX-License-Identifier: Apache-2.0
// Simulated devices (src/sim, native/sim): every NPU configuration, their errors, the NPU model's
// real outputs for the Vela KWS models through network.run() and the ethosu CLI, cancel, the
// queue, worker threads, and an event loop that keeps turning while the model runs. The shared
// behaviour tests run on them in sim-behaviour.test.ts.

import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

import { afterAll, describe, expect, it } from 'vitest';

import { Device, type EthosUError } from '../../src/index.js';
import { simConfigurations, simFirmware } from '../../src/sim/device.js';
import { expectedCycles, expectedPmu, NPUS, type EmulatedNpu } from '../oracle/emulator.js';
import { KWS_HARDWARE_OUTPUT_PATH, KWS_INPUT_PATH, KWS_NPUS, kwsModelPath } from '../oracle/kws.js';
import { runNode, type NodeResult } from './helpers/node-process.js';
import { failure } from './helpers/setup.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const LIB = join(ROOT, 'lib/index.js');
const MAIN = join(ROOT, 'lib/cli/main.js');
const INPUT = new Uint8Array(readFileSync(KWS_INPUT_PATH));
const HARDWARE = new Uint8Array(readFileSync(KWS_HARDWARE_OUTPUT_PATH));

/** Every configuration Vela compiles for (its --accelerator-config list). */
const ALL = [
  'u55-32',
  'u55-64',
  'u55-128',
  'u55-256',
  'u65-256',
  'u65-512',
  'u85-128',
  'u85-256',
  'u85-512',
  'u85-1024',
  'u85-2048',
];

function statusOf(e: EthosUError): string | undefined {
  return (e as EthosUError & { status?: string }).status;
}

function needLib(): void {
  if (!existsSync(LIB)) throw new Error('lib/ is missing: run `npm run build:ts` first');
}

describe('sim: devices', () => {
  it('opens every NPU configuration Vela compiles for', async () => {
    expect(simConfigurations().map((c) => c.name)).toEqual(ALL);
    for (const name of ALL) {
      using dev = Device.open(`sim:${name}`);
      const caps = dev.capabilities();
      const [family, macs] = name.split('-');
      expect(dev.path).toBe(`sim:${name}`);
      expect(caps.npu).toBe(family!.toUpperCase());
      expect(2 ** caps.hwCfg.macsPerClockCycle).toBe(Number(macs));
      expect(caps.hwCfg.type).toBe('subsystem');
      await dev.ping();
    }
  });

  it('reports the same raw capabilities as the emulator for the NPUs both play', () => {
    // Two tables, one of each side (npu/npu_hw.c for the sim, the oracle for emu_npu.c): they
    // must agree field by field.
    for (const [name, spec] of Object.entries(NPUS) as [EmulatedNpu, (typeof NPUS)['u55-128']][]) {
      using dev = Device.open(`sim:${name}`);
      expect(dev.native.capabilities()).toEqual(spec.capabilities);
      expect(dev.capabilities().npu).toBe(spec.family);
    }
  });

  it('refuses an unknown configuration with EINVAL and the valid names', async () => {
    for (const bad of ['sim:', 'sim:u55-100', 'sim:U55-128', 'sim:u75-256', 'sim:u55-128 ']) {
      const e = await failure(() => Device.open(bad));
      expect([e.code, e.errno, e.syscall, e.path]).toEqual(['EINVAL', -22, 'open', bad]);
      expect(e.message).toContain(`no simulated NPU "${bad.slice(4)}"`);
      expect(e.message).toContain(ALL.map((n) => `sim:${n}`).join(', '));
    }
  });

  it('has no built-in networks: EBADF from NETWORK_INFO', async () => {
    using dev = Device.open('sim:u55-128');
    const e = await failure(() => dev.createNetwork({ index: 1 }));
    expect([e.code, e.errno, e.syscall]).toEqual(['EBADF', -9, 'ioctl(NETWORK_INFO)']);
    expect(e.message).toContain('no built-in networks');
    const e2 = await failure(() => dev.loadNetwork({ index: 1 }));
    expect(e2.code).toBe('EBADF');
  });

  it('refuses bytes that are not a TFLite model: EBADF from NETWORK_INFO', async () => {
    using dev = Device.open('sim:u55-128');
    const model = readFileSync(kwsModelPath('u55-128'));
    const e = await failure(() => dev.loadNetwork(model.subarray(model.length / 4)));
    expect([e.code, e.syscall]).toEqual(['EBADF', 'ioctl(NETWORK_INFO)']);
    expect(e.message).toContain('Invalid TFLite model');
  });

  for (const npu of KWS_NPUS) {
    it(`KWS Vela model on sim:${npu} through network.run(): the hardware's bytes`, async () => {
      using dev = Device.open(`sim:${npu}`);
      using net = await dev.loadNetwork(kwsModelPath(npu));
      expect(net.info).toEqual({ description: 'Vela Optimised', ifmSizes: [490], ofmSizes: [12] });
      const r = await net.run(INPUT, { pmu: ['NPU_ACTIVE'], cycles: true });
      expect(new Uint8Array(r.outputs[0]!.buffer)).toEqual(HARDWARE);
      expect(r.status).toBe('ok');
      // PMU and cycles: the emulator's documented formula (docs/sim.md).
      const counters = npu.startsWith('u85') ? 8 : 4;
      expect(r.pmu).toEqual({ NPU_ACTIVE: Number(expectedPmu([5], 490, counters)[0]) });
      expect(r.cycles).toBe(Number(expectedCycles(490, [12])));
    });
  }

  it('refuses a model compiled for another NPU, as the core driver does (ERR_CONFIG)', async () => {
    using dev = Device.open('sim:u65-256');
    using net = await dev.loadNetwork(kwsModelPath('u55-128'));
    const e = await failure(() => net.run(INPUT));
    expect([e.code, statusOf(e)]).toEqual(['ERR_ETHOSU_INFERENCE', 'error']);
    expect(e.message).toContain('ERR_CONFIG');
    // The device is still usable.
    using ok = await dev.loadNetwork(kwsModelPath('u65-256'));
    expect(new Uint8Array((await ok.run(INPUT)).outputs[0]!.buffer)).toEqual(HARDWARE);
  });

  it('low level: createInference on the NPU model writes only the tensor bytes', async () => {
    using dev = Device.open('sim:u55-128');
    using net = await dev.loadNetwork(kwsModelPath('u55-128'));
    using ifm = dev.createBuffer(490);
    using ofm = dev.createBuffer(16);
    ifm.data.set(INPUT);
    ofm.data.fill(0xee);
    using inf = await net.createInference([ifm], [ofm], { pmuEvents: [5, 6], cycles: true });
    expect(await inf.wait(30_000)).toBe(true);
    expect(inf.status).toBe('ok');
    expect(ofm.data.subarray(0, 12)).toEqual(HARDWARE);
    expect([...ofm.data.subarray(12)]).toEqual([0xee, 0xee, 0xee, 0xee]);
    expect(inf.pmuCounters).toEqual(expectedPmu([5, 6], 490, 4));
    expect(inf.cycleCount).toBe(expectedCycles(490, [12]));
  });

  it('64 KWS runs in flight all give the hardware bytes, and the event loop keeps turning', async () => {
    using dev = Device.open('sim:u55-128');
    using net = await dev.loadNetwork(kwsModelPath('u55-128'));
    let turns = 0;
    let pending = true;
    const spin = () => {
      turns++;
      if (pending) setImmediate(spin);
    };
    setImmediate(spin);
    const results = await Promise.all(
      Array.from({ length: 64 }, () => net.run(INPUT, { timeoutMs: 120_000 })),
    );
    pending = false;
    for (const r of results) expect(new Uint8Array(r.outputs[0]!.buffer)).toEqual(HARDWARE);
    // The model runs on libuv's worker threads: the loop turned while it worked (a model on the
    // JS thread would have run the 64 inferences back to back in between two turns at most).
    expect(turns).toBeGreaterThan(64);
  }, 300_000);

  it('cancel: the active inference is acknowledged and completes, status aborted', async () => {
    const fw = simFirmware('u55-128')!;
    await fw.idle();
    fw.latencyUs = 300_000;
    try {
      using dev = Device.open('sim:u55-128');
      using net = await dev.loadNetwork(kwsModelPath('u55-128'));
      using ifm = dev.createBuffer(490);
      using ofm = dev.createBuffer(12);
      ifm.data.set(INPUT);
      using inf = await net.createInference([ifm], [ofm]);
      expect(await inf.wait(20)).toBe(false);
      const aborted = fw.stats.inferencesAborted;
      expect(await inf.cancel()).toBe(true);
      expect(inf.status).toBe('aborted');
      expect(await inf.wait(30_000)).toBe(true);
      expect(inf.status).toBe('aborted');
      // It was active: the firmware ran it to the end (nothing removed from the queue).
      expect(fw.stats.inferencesAborted).toBe(aborted);
      expect(await inf.cancel()).toBe(false); // ended
    } finally {
      fw.latencyUs = 0;
      await fw.idle();
    }
  });

  it('a full queue (64) makes createInference wait, then ETIMEDOUT after queueTimeoutMs', async () => {
    const fw = simFirmware('u65-256')!;
    await fw.idle();
    fw.latencyUs = 2_000_000;
    try {
      using dev = Device.open('sim:u65-256');
      using net = await dev.loadNetwork(kwsModelPath('u65-256'));
      const infs = [];
      for (let i = 0; i < 64; i++) {
        infs.push(await net.createInference([dev.createBuffer(490)], [dev.createBuffer(12)]));
      }
      expect(fw.stats.queued + fw.stats.processing).toBe(64);
      const e = await failure(() =>
        net.createInference([dev.createBuffer(490)], [dev.createBuffer(12)], {
          queueTimeoutMs: 50,
        }),
      );
      expect(e.code).toBe('ETIMEDOUT');
      // Cancelling the waiting ones makes room at once.
      for (const inf of infs.slice(1)) expect(await inf.cancel()).toBe(true);
      using more = await net.createInference([dev.createBuffer(490)], [dev.createBuffer(12)], {
        queueTimeoutMs: 1000,
      });
      expect(await more.cancel()).toBe(true);
      for (const inf of infs) inf.close();
    } finally {
      fw.latencyUs = 0;
      await fw.idle();
    }
  });

  it('runs in worker threads: two workers, each its own sim device, hardware bytes', async () => {
    needLib();
    const code = `
      const { parentPort, workerData } = require('node:worker_threads');
      const { readFileSync } = require('node:fs');
      (async () => {
        const { Device } = await import(workerData.lib);
        const dev = Device.open('sim:' + workerData.npu);
        const net = await dev.loadNetwork(workerData.model);
        const r = await net.run(new Uint8Array(readFileSync(workerData.input)));
        dev.close();
        parentPort.postMessage([...new Uint8Array(r.outputs[0].buffer)]);
      })().catch((e) => parentPort.postMessage(String(e)));
    `;
    const answers = (['u55-128', 'u65-256'] as const).map((npu) => {
      const w = new Worker(code, {
        eval: true,
        workerData: { lib: LIB, npu, model: kwsModelPath(npu), input: KWS_INPUT_PATH },
      });
      return new Promise<unknown>((resolve, reject) => {
        w.once('message', (m) => void w.terminate().then(() => resolve(m)));
        w.once('error', reject);
      });
    });
    for (const a of await Promise.all(answers)) expect(a).toEqual([...HARDWARE]);
  });
  it('a worker terminated with sim inferences in flight leaves the process alive', async () => {
    needLib();
    // In a child process: an addon that threw while the worker's environment shut down would
    // abort the whole process ("terminate called after throwing ...").
    const script = `
      import { Worker } from 'node:worker_threads';
      const code = \`
        const { parentPort, workerData } = require('node:worker_threads');
        (async () => {
          const { Device } = await import(workerData.lib);
          const dev = Device.open('sim:u55-128');
          const net = await dev.loadNetwork(workerData.model);
          for (let i = 0; i < 20; i++) net.run(new Uint8Array(490)).catch(() => {});
          parentPort.postMessage('started');
        })();\`;
      for (let k = 0; k < 8; k++) {
        const w = new Worker(code, { eval: true, execArgv: [], workerData: ${JSON.stringify({
          lib: LIB,
          model: kwsModelPath('u55-128'),
        })} });
        await new Promise((r) => w.once('message', r));
        await new Promise((r) => setTimeout(r, k * 3));
        await w.terminate();
      }
      console.log('alive');
    `;
    const r = await runNode(['--input-type=module', '-e', script]);
    expect(r.stderr).toBe('');
    expect([r.code, r.stdout]).toEqual([0, 'alive\n']);
  }, 120_000);
});

function ethosu(args: string[]): Promise<NodeResult> {
  needLib();
  return runNode([MAIN, ...args], ROOT);
}

describe('ethosu CLI on sim: devices', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ethosu-sim-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  for (const npu of KWS_NPUS) {
    it(`ethosu run --device sim:${npu} on its KWS model: the hardware's bytes`, async () => {
      const prefix = join(dir, `out-${npu}`);
      const r = await ethosu([
        'run',
        '--device',
        `sim:${npu}`,
        '--network',
        kwsModelPath(npu),
        '--ifm',
        KWS_INPUT_PATH,
        '--ofm',
        prefix,
      ]);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(new Uint8Array(readFileSync(`${prefix}.0`))).toEqual(HARDWARE);
    });
  }

  it('ethosu info --device sim:u65-256 --json: the U65 capabilities', async () => {
    const r = await ethosu(['info', '--device', 'sim:u65-256', '--json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as {
      devices: {
        path: string;
        capabilities: { npu: string; hwCfg: { macsPerClockCycle: number } };
      }[];
    };
    expect(out.devices.map((d) => [d.path, d.capabilities.npu])).toEqual([['sim:u65-256', 'U65']]);
    expect(out.devices[0]!.capabilities.hwCfg.macsPerClockCycle).toBe(8);
  });

  it('ethosu info --device sim:u99-1: EINVAL naming the valid devices, exit 1', async () => {
    const r = await ethosu(['info', '--device', 'sim:u99-1']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('no simulated NPU "u99-1"; use one of sim:u55-32');
    expect(r.stdout).toContain('(EINVAL)');
  });

  it('ethosu bench --device sim:u55-128 runs the KWS model', async () => {
    const r = await ethosu([
      'bench',
      '--device',
      'sim:u55-128',
      '--network',
      kwsModelPath('u55-128'),
      '--count',
      '8',
      '--concurrency',
      '4',
      '--json',
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ device: 'sim:u55-128', count: 8 });
  });
});
