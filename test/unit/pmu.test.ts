// SPDX-License-Identifier: Apache-2.0
// PMU tables, the firmware-value mapping and the NPU family, against pmu-events.md and the
// core driver's enum.

import { describe, expect, it } from 'vitest';

import { EthosUError } from '../../src/errors.js';
import {
  PMU_EVENTS,
  U55_U65_EVENTS,
  U85_EVENTS,
  npuFamily,
  pmuCounterCount,
  pmuEventHardwareId,
  pmuEventName,
  pmuEventNames,
  resolvePmuEvent,
} from '../../src/pmu/index.js';
import type { NpuFamily } from '../../src/types.js';

function pmuFailure(fn: () => unknown): EthosUError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(EthosUError);
    expect((err as EthosUError).code).toBe('ERR_ETHOSU_PMU_EVENT');
    return err as EthosUError;
  }
  throw new Error('no error thrown');
}

describe('hardware ids (pmu-events.md)', () => {
  it('U55/U65 ids', () => {
    const ids = PMU_EVENTS.U55;
    const expected: Record<string, number> = {
      NO_EVENT: 0,
      CYCLE: 17,
      NPU_IDLE: 32,
      CC_STALLED_ON_BLOCKDEP: 33,
      CC_STALLED_ON_SHRAM_RECONFIG: 34,
      NPU_ACTIVE: 35,
      MAC_ACTIVE: 48,
      MAC_ACTIVE_8BIT: 49,
      MAC_ACTIVE_16BIT: 50,
      MAC_DPU_ACTIVE: 51,
      MAC_STALLED_BY_WD_ACC: 52,
      MAC_STALLED_BY_WD: 53,
      MAC_STALLED_BY_ACC: 54,
      MAC_STALLED_BY_IB: 55,
      MAC_ACTIVE_32BIT: 56,
      MAC_STALLED_BY_INT_W: 57,
      MAC_STALLED_BY_INT_ACC: 58,
      AO_ACTIVE: 64,
      AO_ACTIVE_8BIT: 65,
      AO_ACTIVE_16BIT: 66,
      AO_STALLED_BY_OFMP_OB: 67,
      AO_STALLED_BY_IB: 72,
      WD_ACTIVE: 80,
      WD_STALLED: 81,
      WD_STALLED_BY_WS: 82,
      WD_STALLED_BY_WD_BUF: 83,
      WD_PARSE_ACTIVE: 84,
      WD_PARSE_STALLED: 85,
      WD_PARSE_STALLED_IN: 86,
      WD_PARSE_STALLED_OUT: 87,
      WD_TRANS_WS: 88,
      WD_TRANS_WB: 89,
      WD_TRANS_DW0: 90,
      WD_TRANS_DW1: 91,
      AXI0_RD_TRANS_ACCEPTED: 128,
      AXI0_RD_TRANS_COMPLETED: 129,
      AXI0_RD_DATA_BEAT_RECEIVED: 130,
      AXI0_RD_TRAN_REQ_STALLED: 131,
      AXI0_WR_TRANS_ACCEPTED: 132,
      AXI0_WR_TRANS_COMPLETED_M: 133,
      AXI0_WR_TRANS_COMPLETED_S: 134,
      AXI0_WR_DATA_BEAT_WRITTEN: 135,
      AXI0_WR_TRAN_REQ_STALLED: 136,
      AXI0_WR_DATA_BEAT_STALLED: 137,
      AXI0_ENABLED_CYCLES: 140,
      AXI0_RD_STALL_LIMIT: 142,
      AXI0_WR_STALL_LIMIT: 143,
      AXI_LATENCY_ANY: 160,
      AXI_LATENCY_32: 161,
      AXI_LATENCY_1024: 166,
      ECC_DMA: 176,
      ECC_SB0: 177,
      AXI1_RD_TRANS_ACCEPTED: 384,
      AXI1_WR_STALL_LIMIT: 399,
      ECC_SB1: 433,
    };
    for (const [name, id] of Object.entries(expected)) expect(ids.get(name), name).toBe(id);
    expect(ids.size).toBe(74);
    expect(Math.max(...ids.values())).toBe(433);
    expect(PMU_EVENTS.U65).toEqual(PMU_EVENTS.U55);
  });

  it('U85 ids', () => {
    const ids = PMU_EVENTS.U85;
    const expected: Record<string, number> = {
      CYCLE: 17,
      NPU_IDLE: 32,
      NPU_ACTIVE: 35,
      MAC_ACTIVE: 48,
      MAC_DPU_ACTIVE: 51,
      MAC_STALLED_BY_IB: 55,
      AO_ACTIVE: 64,
      AO_STALLED_BY_CB: 72,
      WD_ACTIVE: 80,
      WD_STALLED: 81,
      WD_TRANS_WBLK: 89,
      WD_STALLED_BY_WS_SC0: 96,
      WD_TRANS_WB3: 123,
      SRAM_RD_TRANS_ACCEPTED: 128,
      SRAM_WR_STALL_LIMIT: 143,
      AXI_LATENCY_ANY: 160,
      AXI_LATENCY_1024: 166,
      ECC_DMA: 176,
      ECC_AO_LUT: 181,
      EXT_RD_TRANS_ACCEPTED: 384,
      EXT_WR_STALL_LIMIT: 399,
      SRAM0_RD_TRANS_ACCEPTED: 512,
      SRAM3_WR_STALL_LIMIT: 575,
      EXT0_RD_TRANS_ACCEPTED: 640,
      EXT1_WR_STALL_LIMIT: 671,
    };
    for (const [name, id] of Object.entries(expected)) expect(ids.get(name), name).toBe(id);
    expect(ids.has('MAC_ACTIVE_8BIT')).toBe(false);
    expect(ids.has('AXI0_RD_TRANS_ACCEPTED')).toBe(false);
    expect(ids.size).toBe(172);
    expect(Math.max(...ids.values())).toBe(671);
  });

  it('tables are in strictly ascending hardware-id order with unique names', () => {
    for (const table of [U55_U65_EVENTS, U85_EVENTS]) {
      for (let i = 1; i < table.length; i++) {
        expect((table[i] as readonly [string, number])[1]).toBeGreaterThan(
          (table[i - 1] as readonly [string, number])[1],
        );
      }
      expect(new Set(table.map(([n]) => n)).size).toBe(table.length);
      // The firmware takes the value in one byte.
      expect(table.length).toBeLessThanOrEqual(256);
    }
  });

  it('has no events for an unknown NPU', () => {
    expect(PMU_EVENTS.unknown.size).toBe(0);
    expect(pmuEventNames('unknown')).toEqual([]);
  });
});

describe('firmware values (core driver enum ethosu_pmu_event_type)', () => {
  it('U55/U65: NO_EVENT 0, CYCLE 1, NPU_IDLE 2, ... MAC_ACTIVE 6 (pmu-events.md)', () => {
    for (const npu of ['U55', 'U65'] as const) {
      expect(resolvePmuEvent('NO_EVENT', npu)).toBe(0);
      expect(resolvePmuEvent('CYCLE', npu)).toBe(1);
      expect(resolvePmuEvent('NPU_IDLE', npu)).toBe(2);
      expect(resolvePmuEvent('CC_STALLED_ON_BLOCKDEP', npu)).toBe(3);
      expect(resolvePmuEvent('CC_STALLED_ON_SHRAM_RECONFIG', npu)).toBe(4);
      expect(resolvePmuEvent('NPU_ACTIVE', npu)).toBe(5);
      expect(resolvePmuEvent('MAC_ACTIVE', npu)).toBe(6);
      // Enum order of the 2024 header: AXI0, AXI_LATENCY, ECC_DMA, ECC_SB0, AXI1, ECC_SB1.
      expect(resolvePmuEvent('WD_TRANS_DW1', npu)).toBe(37);
      expect(resolvePmuEvent('AXI0_RD_TRANS_ACCEPTED', npu)).toBe(38);
      expect(resolvePmuEvent('AXI_LATENCY_ANY', npu)).toBe(51);
      expect(resolvePmuEvent('ECC_SB0', npu)).toBe(59);
      expect(resolvePmuEvent('AXI1_RD_TRANS_ACCEPTED', npu)).toBe(60);
      expect(resolvePmuEvent('ECC_SB1', npu)).toBe(73);
    }
  });

  it('U85 enum order', () => {
    expect(resolvePmuEvent('NPU_ACTIVE', 'U85')).toBe(5);
    expect(resolvePmuEvent('MAC_ACTIVE', 'U85')).toBe(6);
    expect(resolvePmuEvent('MAC_DPU_ACTIVE', 'U85')).toBe(7);
    expect(resolvePmuEvent('AO_ACTIVE', 'U85')).toBe(12);
    expect(resolvePmuEvent('WD_ACTIVE', 'U85')).toBe(19);
    expect(resolvePmuEvent('WD_TRANS_WB3', 'U85')).toBe(54);
    expect(resolvePmuEvent('SRAM_RD_TRANS_ACCEPTED', 'U85')).toBe(55);
    expect(resolvePmuEvent('ECC_AO_LUT', 'U85')).toBe(80);
    expect(resolvePmuEvent('EXT1_WR_STALL_LIMIT', 'U85')).toBe(171);
  });

  it('accepts hardware ids and spelling variants of names', () => {
    expect(resolvePmuEvent(35, 'U55')).toBe(5);
    expect(resolvePmuEvent(17, 'U85')).toBe(1);
    expect(resolvePmuEvent(671, 'U85')).toBe(171);
    expect(resolvePmuEvent('npu_active', 'U65')).toBe(5);
    expect(resolvePmuEvent(' ETHOSU_PMU_CYCLE ', 'U55')).toBe(1);
    expect(resolvePmuEvent('PMU_EVENT_MAC_ACTIVE', 'U85')).toBe(6);
  });

  it('round-trips every event of every family', () => {
    for (const npu of ['U55', 'U65', 'U85'] as NpuFamily[]) {
      pmuEventNames(npu).forEach((name, value) => {
        expect(resolvePmuEvent(name, npu)).toBe(value);
        expect(pmuEventName(value, npu)).toBe(name);
        const id = PMU_EVENTS[npu].get(name) as number;
        expect(pmuEventHardwareId(value, npu)).toBe(id);
        expect(resolvePmuEvent(id, npu)).toBe(value);
      });
    }
  });
});

describe('errors', () => {
  it('an unknown name lists the valid names', () => {
    const err = pmuFailure(() => resolvePmuEvent('BOGUS', 'U55'));
    expect(err.message).toMatch(/^Ethos-U55 has no PMU event "BOGUS"; valid names are: NO_EVENT, /);
    expect(err.message).toContain('NPU_ACTIVE');
    expect(err.message).toContain('ECC_SB1');
  });

  it('an event of another family is refused', () => {
    const err = pmuFailure(() => resolvePmuEvent('MAC_ACTIVE_8BIT', 'U85'));
    expect(err.message).toMatch(/^Ethos-U85 has no PMU event "MAC_ACTIVE_8BIT"/);
    expect(err.message).toContain('WD_TRANS_WBLK');
    pmuFailure(() => resolvePmuEvent('WD_TRANS_WBLK', 'U55'));
    pmuFailure(() => resolvePmuEvent(433, 'U85'));
    pmuFailure(() => resolvePmuEvent(512, 'U65'));
  });

  it('an id the NPU does not have, a fraction or a negative id is refused', () => {
    expect(pmuFailure(() => resolvePmuEvent(18, 'U55')).message).toMatch(
      /no PMU event with hardware id 18; valid names are: /,
    );
    pmuFailure(() => resolvePmuEvent(17.5, 'U55'));
    pmuFailure(() => resolvePmuEvent(-1, 'U55'));
    pmuFailure(() => resolvePmuEvent(Number.NaN, 'U55'));
  });

  it('an unknown NPU cannot map events', () => {
    expect(pmuFailure(() => resolvePmuEvent('CYCLE', 'unknown')).message).toMatch(
      /NPU type is unknown/,
    );
  });

  it('names of out-of-range firmware values are refused', () => {
    expect(pmuFailure(() => pmuEventName(74, 'U55')).message).toMatch(/firmware value 74/);
    pmuFailure(() => pmuEventName(-1, 'U85'));
    pmuFailure(() => pmuEventName(1.5, 'U85'));
    pmuFailure(() => pmuEventName(0, 'unknown'));
    pmuFailure(() => pmuEventHardwareId(172, 'U85'));
  });

  it('a value that is neither a name nor a number is refused', () => {
    pmuFailure(() => resolvePmuEvent({} as unknown as string, 'U55'));
  });
});

describe('NPU family and counters', () => {
  const hw = (archMajor: number, productMajor: number) => ({
    product: { major: productMajor },
    architecture: { major: archMajor, minor: 0, patch: 6 },
  });

  it('tells the families apart from the ID register', () => {
    expect(npuFamily(hw(1, 4))).toBe('U55');
    expect(npuFamily(hw(1, 6))).toBe('U65');
    expect(npuFamily(hw(2, 0))).toBe('U85');
    expect(npuFamily(hw(2, 7))).toBe('U85');
    expect(npuFamily(hw(1, 5))).toBe('unknown');
    expect(npuFamily(hw(0, 0))).toBe('unknown');
    expect(npuFamily(hw(3, 4))).toBe('unknown');
  });

  it('counts 4 event counters on U55/U65 and 8 on U85', () => {
    expect(pmuCounterCount('U55')).toBe(4);
    expect(pmuCounterCount('U65')).toBe(4);
    expect(pmuCounterCount('U85')).toBe(8);
    expect(pmuCounterCount('unknown')).toBe(4);
  });
});
