// SPDX-License-Identifier: Apache-2.0
// Event names <-> hardware ids <-> the value the rpmsg firmware takes (its core driver's
// symbolic enum, which is the row index of the tables in events.ts).

import { EthosUError } from '../errors.js';
import type { NpuFamily } from '../types.js';
import { U55_U65_EVENTS, U85_EVENTS, type PmuEventRow } from './events.js';

const TABLES: Record<NpuFamily, readonly PmuEventRow[]> = {
  U55: U55_U65_EVENTS,
  U65: U55_U65_EVENTS,
  U85: U85_EVENTS,
  unknown: [],
};

/** Event name -> hardware event id, per NPU family (empty for an unknown NPU). */
export const PMU_EVENTS: Record<NpuFamily, ReadonlyMap<string, number>> = {
  U55: new Map(U55_U65_EVENTS),
  U65: new Map(U55_U65_EVENTS),
  U85: new Map(U85_EVENTS),
  unknown: new Map(),
};

function npuLabel(npu: NpuFamily): string {
  return npu === 'unknown' ? 'this NPU' : `Ethos-${npu}`;
}

function pmuError(message: string): EthosUError {
  return new EthosUError(message, { code: 'ERR_ETHOSU_PMU_EVENT' });
}

function unknownEvent(what: string, npu: NpuFamily): EthosUError {
  if (npu === 'unknown') {
    return pmuError(`Cannot use PMU event ${what}: the NPU type is unknown, so its events are too`);
  }
  const names = TABLES[npu].map(([name]) => name);
  return pmuError(
    `${npuLabel(npu)} has no PMU event ${what}; valid names are: ${names.join(', ')}`,
  );
}

/** Accepts "npu_active", "NPU_ACTIVE", "ETHOSU_PMU_NPU_ACTIVE" and "PMU_EVENT_NPU_ACTIVE". */
function canonicalName(name: string): string {
  return name
    .trim()
    .toUpperCase()
    .replace(/^(ETHOSU_PMU_|PMU_EVENT_)/, '');
}

/**
 * The firmware value for an event given by name, or by hardware event id (the number in the
 * NPU's technical reference manual, e.g. 17 for CYCLE). Throws ERR_ETHOSU_PMU_EVENT, listing
 * the valid names, when the NPU has no such event.
 */
export function resolvePmuEvent(nameOrId: string | number, npu: NpuFamily): number {
  const table = TABLES[npu];
  if (typeof nameOrId === 'number') {
    if (!Number.isInteger(nameOrId)) throw unknownEvent(`id ${nameOrId}`, npu);
    const index = table.findIndex(([, id]) => id === nameOrId);
    if (index < 0) throw unknownEvent(`with hardware id ${nameOrId}`, npu);
    return index;
  }
  if (typeof nameOrId !== 'string') {
    throw pmuError(`PMU event must be a name or a hardware id, got ${typeof nameOrId}`);
  }
  const wanted = canonicalName(nameOrId);
  const index = table.findIndex(([name]) => name === wanted);
  if (index < 0) throw unknownEvent(JSON.stringify(nameOrId), npu);
  return index;
}

/** The name of a firmware event value (as resolvePmuEvent returns it). */
export function pmuEventName(value: number, npu: NpuFamily): string {
  const row = Number.isInteger(value) ? TABLES[npu][value] : undefined;
  if (row === undefined) {
    throw pmuError(`${npuLabel(npu)} has no PMU event with firmware value ${value}`);
  }
  return row[0];
}

/** The hardware event id of a firmware event value. */
export function pmuEventHardwareId(value: number, npu: NpuFamily): number {
  const row = Number.isInteger(value) ? TABLES[npu][value] : undefined;
  if (row === undefined) {
    throw pmuError(`${npuLabel(npu)} has no PMU event with firmware value ${value}`);
  }
  return row[1];
}

/** Every event name of the NPU, in hardware-id order. */
export function pmuEventNames(npu: NpuFamily): string[] {
  return TABLES[npu].map(([name]) => name);
}
