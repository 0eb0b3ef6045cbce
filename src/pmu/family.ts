// SPDX-License-Identifier: Apache-2.0
// The NPU family from the hardware ID register the firmware reports in CAPABILITIES_RSP.
//
// ID register fields: arch_major_rev is 1 for the Ethos-U55/U65 architecture and 2 for the
// Ethos-U85 (the mainline Linux accel driver tells U65 from U85 by it alone). U55 and U65 share
// architecture 1 and differ in product_major: 4 for the U55, 6 for the U65 (reset values of the
// ID register in the core driver's ethosu55_interface.h, 0x10104201, and ethosu65_interface.h,
// 0x10066001). Values we cannot place give 'unknown' rather than a guess.

import type { Capabilities, NpuFamily } from '../types.js';

/** The part of Capabilities.hwId that names the NPU. */
export type NpuHwId = Pick<Capabilities['hwId'], 'product' | 'architecture'>;

const ARCH_U55_U65 = 1;
const ARCH_U85 = 2;
const PRODUCT_U55 = 4;
const PRODUCT_U65 = 6;

export function npuFamily(hwId: NpuHwId): NpuFamily {
  const arch = hwId.architecture.major;
  if (arch === ARCH_U85) return 'U85';
  if (arch === ARCH_U55_U65) {
    if (hwId.product.major === PRODUCT_U55) return 'U55';
    if (hwId.product.major === PRODUCT_U65) return 'U65';
  }
  return 'unknown';
}

/**
 * Event counters of the NPU: 4 on U55/U65, 8 on U85. An unknown NPU gets 4, the number every
 * Ethos-U has; the UAPI's extra slots then read back as zero.
 */
export function pmuCounterCount(npu: NpuFamily): number {
  return npu === 'U85' ? 8 : 4;
}
