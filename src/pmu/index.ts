// SPDX-License-Identifier: Apache-2.0
export { U55_U65_EVENTS, U85_EVENTS, type PmuEventRow } from './events.js';
export { npuFamily, pmuCounterCount, type NpuHwId } from './family.js';
export {
  PMU_EVENTS,
  pmuEventHardwareId,
  pmuEventName,
  pmuEventNames,
  resolvePmuEvent,
} from './resolve.js';
