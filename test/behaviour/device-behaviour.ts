// SPDX-License-Identifier: Apache-2.0
// The library's behaviour on a device, written once and run against two devices with the same
// expected results: the kernel device in the guest (test/e2e/behaviour.test.ts: ethosu.ko and the
// firmware emulator) and the simulated device on the host (test/unit/sim-behaviour.test.ts).
// Networks are the plain fixture models, which take the emulator's documented formula on both
// (test/oracle/emulator.ts); what only one of them has (debugfs faults, built-in indexes, the
// NPU model's real bytes) is tested in that device's own files.

import { readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import {
  Device,
  resolvePmuEvent,
  type DeviceOpenOptions,
  type EthosUError,
} from '../../src/index.js';
import { expectedCycles, expectedOutputs, expectedPmu, NPUS } from '../oracle/emulator.js';

export interface BehaviourTarget {
  /** Names the suite, e.g. '/dev/ethosu0 (guest)' or 'sim:u55-128'. */
  name: string;
  /** False skips the suite (e.g. not in the guest). */
  enabled: boolean;
  /** A new Device on the device under test. */
  open(opts?: DeviceOpenOptions): Device;
  /**
   * Runs `fn` while each inference stays active at least `us` microseconds (the emulator's
   * latency_us), then restores the latency and waits until the device is idle.
   */
  withLatency<T>(us: number, fn: () => Promise<T>): Promise<T>;
  /** Inferences the firmware removed from its queue by a cancel, so far. */
  aborted(): number;
}

/** Plain (not Vela) models: the emulator's formula on every device. */
const NETWORKS = new URL('../fixtures/networks/', import.meta.url);
const CONV2D = { bytes: readFileSync(new URL('network-2.tflite', NETWORKS)), ifm: 192, ofm: 72 };
const ADD = { bytes: readFileSync(new URL('network-3.tflite', NETWORKS)), ifm: [4, 4], ofm: 4 };

function pattern(length: number, seed: number): Uint8Array {
  return Uint8Array.from({ length }, (_, i) => (i * 31 + seed * 7 + 3) % 256);
}

async function failure(fn: () => unknown): Promise<EthosUError> {
  try {
    await fn();
  } catch (err) {
    return err as EthosUError;
  }
  throw new Error('expected an EthosUError, nothing was thrown');
}

/** The oracle's entry for the device's NPU (PMU counters). */
function spec(dev: Device) {
  const caps = dev.capabilities();
  const found = Object.values(NPUS).find(
    (s) => s.family === caps.npu && s.macs === 2 ** caps.hwCfg.macsPerClockCycle,
  );
  if (found === undefined) throw new Error(`no oracle entry for ${caps.npu}`);
  return found;
}

function statusOf(e: EthosUError): string | undefined {
  return (e as EthosUError & { status?: string }).status;
}

export function deviceBehaviour(t: BehaviourTarget): void {
  describe.runIf(t.enabled)(`library behaviour on ${t.name}`, () => {
    it('checks the driver version; closes, and refuses use after close', async () => {
      const dev = t.open();
      expect(dev.driverVersion).toEqual({ major: 4, minor: 0, patch: 0 });
      dev.close();
      expect((await failure(() => dev.ping())).code).toBe('ERR_ETHOSU_CLOSED');
      expect((await failure(() => dev.createBuffer(4))).code).toBe('ERR_ETHOSU_CLOSED');
    });

    it('buffers: zero copy, the size asked for, zero-filled; sizes the UAPI cannot carry', async () => {
      using dev = t.open();
      using buf = dev.createBuffer(1024);
      expect(buf.size).toBe(1024);
      expect(buf.zeroCopy).toBe(true);
      expect(buf.fd).toBeGreaterThan(2);
      expect(buf.data.byteLength).toBe(1024);
      expect(buf.data.every((b) => b === 0)).toBe(true);
      buf.data.set(pattern(1024, 1));
      expect(buf.data).toEqual(pattern(1024, 1));
      expect((await failure(() => dev.createBuffer(0))).code).toBe('ERR_ETHOSU_INVALID_ARG');
      expect((await failure(() => dev.createBuffer(2 ** 32))).code).toBe('ERR_ETHOSU_INVALID_ARG');
    });

    it('stale views read zeros after close', async () => {
      using dev = t.open();
      const buf = dev.createBuffer(4096);
      const view = buf.data;
      const dv = new DataView(view.buffer);
      view.fill(42);
      buf.close();
      expect(view.byteLength).toBe(4096);
      expect(view.every((b) => b === 0)).toBe(true);
      expect(dv.getUint8(10)).toBe(0);
      view[10] = 7; // private memory now: harmless, and no device sees it
      expect(view[10]).toBe(7);
      expect((await failure(() => buf.data)).code).toBe('ERR_ETHOSU_CLOSED');
    });

    it('runs an inference: outputs byte for byte, PMU counts and cycles', async () => {
      using dev = t.open();
      const { family, pmuCounters } = spec(dev);
      using net = await dev.loadNetwork(CONV2D.bytes);
      expect(net.info.ifmSizes).toEqual([CONV2D.ifm]);
      expect(net.info.ofmSizes).toEqual([CONV2D.ofm]);
      using ifm = dev.createBuffer(CONV2D.ifm);
      using ofm = dev.createBuffer(CONV2D.ofm + 4); // bytes past the tensor stay untouched
      const x = pattern(CONV2D.ifm, 1);
      ifm.data.set(x);
      ofm.data.fill(0xee);
      const events = [resolvePmuEvent('NPU_ACTIVE', family), 0, resolvePmuEvent('CYCLE', family)];
      events.push(9, 7);
      using inf = await net.createInference([ifm], [ofm], { pmuEvents: events, cycles: true });
      expect(await inf.wait(10_000)).toBe(true);
      expect(inf.status).toBe('ok');
      expect(ofm.data.subarray(0, CONV2D.ofm)).toEqual(expectedOutputs([x], [CONV2D.ofm])[0]);
      expect([...ofm.data.subarray(CONV2D.ofm)]).toEqual([0xee, 0xee, 0xee, 0xee]);
      expect(inf.pmuEvents).toEqual([...events, 0, 0, 0]);
      expect(inf.pmuCounters).toEqual(expectedPmu(events, CONV2D.ifm, pmuCounters));
      expect(inf.cycleCount).toBe(expectedCycles(CONV2D.ifm, [CONV2D.ofm]));
      expect(await inf.cancel()).toBe(false); // already done
    });

    it('concatenates several inputs (ADD: 2 x 4 bytes)', async () => {
      using dev = t.open();
      using net = await dev.createNetwork(ADD.bytes);
      const a = dev.createBuffer(4);
      const b = dev.createBuffer(4);
      const out = dev.createBuffer(4);
      a.data.set([250, 1, 2, 3]);
      b.data.set([4, 5, 6, 255]);
      using inf = await net.createInference([a, b], [out]);
      expect(await inf.wait(10_000)).toBe(true);
      expect(out.data).toEqual(expectedOutputs([a.data, b.data], [4])[0]);
      expect([...out.data]).toEqual([251, 2, 3, 4]);
    });

    it('copy mode (zeroCopy: false) exchanges data around inferences', async () => {
      using dev = t.open({ zeroCopy: false });
      using net = await dev.createNetwork(CONV2D.bytes);
      using ifm = dev.createBuffer(CONV2D.ifm);
      using ofm = dev.createBuffer(CONV2D.ofm);
      expect(ifm.zeroCopy).toBe(false);
      const x = pattern(CONV2D.ifm, 5);
      ifm.data.set(x);
      using inf = await net.createInference([ifm], [ofm]);
      expect(await inf.wait(10_000)).toBe(true);
      expect(ofm.data).toEqual(expectedOutputs([x], [CONV2D.ofm])[0]);
      const r = await net.run(x);
      expect(new Uint8Array(r.outputs[0]!.buffer)).toEqual(expectedOutputs([x], [CONV2D.ofm])[0]);
    });

    it('wait(timeout) resolves false while the inference still runs, then true', async () => {
      // Long enough that a loaded TCG guest reads the status before the inference ends.
      await t.withLatency(2_000_000, async () => {
        using dev = t.open();
        using net = await dev.createNetwork(CONV2D.bytes);
        const make = () => net.createInference([dev.createBuffer(192)], [dev.createBuffer(72)]);
        using inf = await make();
        const t0 = performance.now();
        expect(await inf.wait(50)).toBe(false);
        expect(performance.now() - t0).toBeGreaterThanOrEqual(49);
        expect(inf.status).toBe('running');
        expect(await inf.wait(0)).toBe(false);
        expect(await inf.wait(10_000)).toBe(true);
        expect(inf.status).toBe('ok');
      });
    });

    it('several waits on one inference all settle', async () => {
      await t.withLatency(100_000, async () => {
        using dev = t.open();
        using net = await dev.createNetwork(CONV2D.bytes);
        using inf = await net.createInference([dev.createBuffer(192)], [dev.createBuffer(72)]);
        const r = await Promise.all([inf.wait(), inf.wait(10), inf.wait(10_000), inf.wait()]);
        expect(r).toEqual([true, false, true, true]);
      });
    });

    it('cancels a queued inference: cancel() true, status aborted, wait() true', async () => {
      await t.withLatency(500_000, async () => {
        using dev = t.open();
        using net = await dev.createNetwork(CONV2D.bytes);
        const make = () => net.createInference([dev.createBuffer(192)], [dev.createBuffer(72)]);
        using first = await make(); // being processed
        using queued = await make(); // waiting behind it
        const before = t.aborted();
        expect(queued.status).toBe('running');
        expect(await queued.cancel()).toBe(true);
        expect(queued.status).toBe('aborted');
        expect(await queued.wait(5_000)).toBe(true);
        expect(queued.status).toBe('aborted');
        expect(t.aborted()).toBe(before + 1);
        expect(await first.wait(10_000)).toBe(true);
        expect(first.status).toBe('ok');
      });
    });

    it('close() during a wait rejects it with ERR_ETHOSU_CLOSED', async () => {
      await t.withLatency(200_000, async () => {
        using dev = t.open();
        using net = await dev.createNetwork(CONV2D.bytes);
        const inf = await net.createInference([dev.createBuffer(192)], [dev.createBuffer(72)]);
        const waiting = inf.wait();
        inf.close();
        expect((await failure(() => waiting)).code).toBe('ERR_ETHOSU_CLOSED');
      });
    });

    it('refuses a closed buffer before the device sees it', async () => {
      using dev = t.open();
      using net = await dev.createNetwork(CONV2D.bytes);
      const b = dev.createBuffer(192);
      b.close();
      const e = await failure(() => net.createInference([b], [dev.createBuffer(72)]));
      expect([e.code, e.message]).toEqual([
        'ERR_ETHOSU_CLOSED',
        'input buffer 0 is closed: create a new one instead of reusing it',
      ]);
    });

    it('run() returns copies: later runs do not change earlier results', async () => {
      using dev = t.open();
      using net = await dev.createNetwork(CONV2D.bytes);
      const a = await net.run(pattern(192, 1));
      const b = await net.run(pattern(192, 2));
      expect(new Uint8Array(a.outputs[0]!.buffer)).toEqual(
        expectedOutputs([pattern(192, 1)], [72])[0],
      );
      expect(new Uint8Array(b.outputs[0]!.buffer)).toEqual(
        expectedOutputs([pattern(192, 2)], [72])[0],
      );
    });

    it('AbortSignal cancels a queued run: AbortError, and the inference ends aborted', async () => {
      await t.withLatency(1_000_000, async () => {
        using dev = t.open();
        using net = await dev.createNetwork(CONV2D.bytes);
        // The first run occupies the device, so the second is still queued when aborted.
        const busy = net.run(pattern(192, 0), { timeoutMs: 50 }).catch((e: EthosUError) => e.code);
        const before = t.aborted();
        const ac = new AbortController();
        const running = net.run(pattern(192, 1), { signal: ac.signal });
        setTimeout(() => ac.abort(new Error('stop')), 20);
        const t0 = performance.now();
        const e = await failure(() => running);
        expect(performance.now() - t0).toBeLessThan(1500);
        expect(e.name).toBe('AbortError');
        expect(e.code).toBe('ABORT_ERR');
        expect((e.cause as Error).message).toBe('stop');
        expect(statusOf(e)).toBe('aborted');
        expect(await busy).toBe('ETIMEDOUT');
        for (let i = 0; i < 100 && t.aborted() < before + 1; i++) {
          await new Promise((r) => setTimeout(r, 10));
        }
        // Only the queued one: the busy run's inference was active, which a cancel does not abort.
        expect(t.aborted()).toBe(before + 1);
      });
    });

    it('timeoutMs cancels and rejects with ETIMEDOUT, status aborted', async () => {
      await t.withLatency(1_000_000, async () => {
        using dev = t.open();
        using net = await dev.createNetwork(CONV2D.bytes);
        const t0 = performance.now();
        const e = await failure(() => net.run(pattern(192, 0), { timeoutMs: 100 }));
        const took = performance.now() - t0;
        expect(e.code).toBe('ETIMEDOUT');
        expect(took).toBeGreaterThanOrEqual(99);
        expect(took).toBeLessThan(900);
        expect(statusOf(e)).toBe('aborted');
      });
    });

    it('keeps 64 inferences in flight and gets every output right', async () => {
      using dev = t.open();
      using net = await dev.createNetwork(CONV2D.bytes);
      const inputs = Array.from({ length: 64 }, (_, i) => pattern(192, i));
      const results = await Promise.all(inputs.map((x) => net.run(x, { timeoutMs: 30_000 })));
      results.forEach((r, i) =>
        expect(new Uint8Array(r.outputs[0]!.buffer)).toEqual(
          expectedOutputs([inputs[i]!], [72])[0],
        ),
      );
    });
  });
}
