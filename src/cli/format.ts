// SPDX-License-Identifier: Apache-2.0
// Small text formatters shared by the commands.

import type { Capabilities, NpuFamily, SemanticVersion } from '../types.js';

export const version = (v: SemanticVersion): string => `${v.major}.${v.minor}.${v.patch}`;

export function npuName(npu: NpuFamily): string {
  return npu === 'unknown' ? 'unknown NPU' : `Ethos-${npu}`;
}

/** Hex dump, 16 bytes a line: offset, bytes. */
export function hexDump(bytes: Uint8Array, indent = ''): string {
  const lines: string[] = [];
  for (let off = 0; off < bytes.length; off += 16) {
    const row = Array.from(bytes.subarray(off, off + 16), (b) => b.toString(16).padStart(2, '0'));
    lines.push(`${indent}${off.toString(16).padStart(8, '0')}  ${row.join(' ')}`);
  }
  return lines.join('\n');
}

export function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

/** Aligned "label  value" lines. */
export function table(rows: [string, string][], indent = '  '): string {
  const width = Math.max(0, ...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `${indent}${k.padEnd(width)}  ${v}`).join('\n');
}

/**
 * MACs per clock cycle. The capabilities carry the NPU CONFIG register's macs_per_cc field as
 * the firmware reports it, which is the log2 of the count (7 for a 128-MAC NPU).
 */
export function macsPerCycle(caps: Capabilities): number {
  return 2 ** caps.hwCfg.macsPerClockCycle;
}

export function capabilityRows(caps: Capabilities): [string, string][] {
  const id = caps.hwId;
  return [
    ['NPU', npuName(caps.npu)],
    ['architecture', version(id.architecture)],
    ['product', String(id.product.major)],
    ['hw version', `${id.version.major}.${id.version.minor} (status ${id.versionStatus})`],
    ['MACs/cycle', `${macsPerCycle(caps)} (macs_per_cc ${caps.hwCfg.macsPerClockCycle})`],
    ['cmd stream', `v${caps.hwCfg.cmdStreamVersion}`],
    ['custom DMA', caps.hwCfg.customDma ? 'yes' : 'no'],
    ['device type', caps.hwCfg.type],
    ['firmware NPU driver', version(caps.driver)],
  ];
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** JSON with bigints as numbers (or strings past 2^53). */
export function toJson(value: unknown): string {
  return JSON.stringify(
    value,
    (_k, v: unknown) =>
      typeof v === 'bigint' ? (v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v.toString()) : v,
    2,
  );
}
