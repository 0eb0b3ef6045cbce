// SPDX-License-Identifier: Apache-2.0
// Ethos-U PMU events: name and hardware event id (the PMEVTYPER EV_TYPE value) per NPU family.
//
// Each table is in ascending hardware-id order, which is also the order of the Cortex-M core
// driver's `enum ethosu_pmu_event_type` (ethos-u-core-driver include/pmu_ethosu.h, the 2024
// version, "Copyright 2019-2024", which has one enum for ETHOSU55/ETHOSU65 and one for ETHOSU85).
// The rpmsg firmware takes that enum's value in one byte, so a row's index is the value we send.
// Later drivers (2026) moved to one alphabetically sorted enum for all NPUs in
// ethosu_pmu_types.h, where NO_EVENT is no longer 0; the rpmsg protocol uses 0 for "counter
// off" and shared/reference/pmu-events.md fixes the numbering used here (NO_EVENT = 0, CYCLE = 1,
// ... NPU_ACTIVE = 5, MAC_ACTIVE = 6).

export type PmuEventRow = readonly [name: string, hardwareId: number];

/** The 13 counters of one AXI port (or aggregate of ports), at hardware id base + offset. */
function axiPort(prefix: string, base: number): PmuEventRow[] {
  const events: [string, number][] = [
    ['RD_TRANS_ACCEPTED', 0],
    ['RD_TRANS_COMPLETED', 1],
    ['RD_DATA_BEAT_RECEIVED', 2],
    ['RD_TRAN_REQ_STALLED', 3],
    ['WR_TRANS_ACCEPTED', 4],
    ['WR_TRANS_COMPLETED_M', 5],
    ['WR_TRANS_COMPLETED_S', 6],
    ['WR_DATA_BEAT_WRITTEN', 7],
    ['WR_TRAN_REQ_STALLED', 8],
    ['WR_DATA_BEAT_STALLED', 9],
    ['ENABLED_CYCLES', 12],
    ['RD_STALL_LIMIT', 14],
    ['WR_STALL_LIMIT', 15],
  ];
  return events.map(([name, offset]) => [`${prefix}_${name}`, base + offset]);
}

/** Events numbered consecutively from a first hardware id. */
function run(first: number, names: readonly string[]): PmuEventRow[] {
  return names.map((name, i) => [name, first + i]);
}

/** Four per-core events (suffix _SC0.._SC3 or 0..3) from a first hardware id. */
function perCore(first: number, name: string, sep = '_SC'): PmuEventRow[] {
  return run(
    first,
    [0, 1, 2, 3].map((i) => `${name}${sep}${i}`),
  );
}

const AXI_LATENCY: PmuEventRow[] = run(160, [
  'AXI_LATENCY_ANY',
  'AXI_LATENCY_32',
  'AXI_LATENCY_64',
  'AXI_LATENCY_128',
  'AXI_LATENCY_256',
  'AXI_LATENCY_512',
  'AXI_LATENCY_1024',
]);

const COMMON_HEAD: PmuEventRow[] = [
  ['NO_EVENT', 0],
  ['CYCLE', 17],
  ['NPU_IDLE', 32],
  ['CC_STALLED_ON_BLOCKDEP', 33],
  ['CC_STALLED_ON_SHRAM_RECONFIG', 34],
  ['NPU_ACTIVE', 35],
];

/** Ethos-U55 and Ethos-U65 (same event set). */
export const U55_U65_EVENTS: readonly PmuEventRow[] = [
  ...COMMON_HEAD,
  ...run(48, [
    'MAC_ACTIVE',
    'MAC_ACTIVE_8BIT',
    'MAC_ACTIVE_16BIT',
    'MAC_DPU_ACTIVE',
    'MAC_STALLED_BY_WD_ACC',
    'MAC_STALLED_BY_WD',
    'MAC_STALLED_BY_ACC',
    'MAC_STALLED_BY_IB',
    'MAC_ACTIVE_32BIT',
    'MAC_STALLED_BY_INT_W',
    'MAC_STALLED_BY_INT_ACC',
  ]),
  ...run(64, [
    'AO_ACTIVE',
    'AO_ACTIVE_8BIT',
    'AO_ACTIVE_16BIT',
    'AO_STALLED_BY_OFMP_OB',
    'AO_STALLED_BY_OFMP',
    'AO_STALLED_BY_OB',
    'AO_STALLED_BY_ACC_IB',
    'AO_STALLED_BY_ACC',
    'AO_STALLED_BY_IB',
  ]),
  ...run(80, [
    'WD_ACTIVE',
    'WD_STALLED',
    'WD_STALLED_BY_WS',
    'WD_STALLED_BY_WD_BUF',
    'WD_PARSE_ACTIVE',
    'WD_PARSE_STALLED',
    'WD_PARSE_STALLED_IN',
    'WD_PARSE_STALLED_OUT',
    'WD_TRANS_WS',
    'WD_TRANS_WB',
    'WD_TRANS_DW0',
    'WD_TRANS_DW1',
  ]),
  ...axiPort('AXI0', 128),
  ...AXI_LATENCY,
  ['ECC_DMA', 176],
  ['ECC_SB0', 177],
  ...axiPort('AXI1', 384),
  ['ECC_SB1', 433],
];

/** Ethos-U85. */
export const U85_EVENTS: readonly PmuEventRow[] = [
  ...COMMON_HEAD,
  ['MAC_ACTIVE', 48],
  ...run(51, [
    'MAC_DPU_ACTIVE',
    'MAC_STALLED_BY_W_OR_ACC',
    'MAC_STALLED_BY_W',
    'MAC_STALLED_BY_ACC',
    'MAC_STALLED_BY_IB',
  ]),
  ['AO_ACTIVE', 64],
  ...run(67, [
    'AO_STALLED_BY_BS_OR_OB',
    'AO_STALLED_BY_BS',
    'AO_STALLED_BY_OB',
    'AO_STALLED_BY_AB_OR_CB',
    'AO_STALLED_BY_AB',
    'AO_STALLED_BY_CB',
  ]),
  ['WD_ACTIVE', 80],
  ['WD_STALLED', 81],
  ...run(83, ['WD_STALLED_BY_WD_BUF', 'WD_STALLED_BY_WS_FC', 'WD_STALLED_BY_WS_TC']),
  ...run(89, ['WD_TRANS_WBLK', 'WD_TRANS_WS_FC', 'WD_TRANS_WS_TC']),
  ...perCore(96, 'WD_STALLED_BY_WS'),
  ...perCore(100, 'WD_PARSE_ACTIVE'),
  ...perCore(104, 'WD_PARSE_STALL'),
  ...perCore(108, 'WD_PARSE_STALL_IN'),
  ...perCore(112, 'WD_PARSE_STALL_OUT'),
  ...perCore(116, 'WD_TRANS_WS'),
  ...perCore(120, 'WD_TRANS_WB', ''),
  ...axiPort('SRAM', 128),
  ...AXI_LATENCY,
  ...run(176, ['ECC_DMA', 'ECC_MAC_IB', 'ECC_MAC_AB', 'ECC_AO_CB', 'ECC_AO_OB', 'ECC_AO_LUT']),
  ...axiPort('EXT', 384),
  ...axiPort('SRAM0', 512),
  ...axiPort('SRAM1', 528),
  ...axiPort('SRAM2', 544),
  ...axiPort('SRAM3', 560),
  ...axiPort('EXT0', 640),
  ...axiPort('EXT1', 656),
];
