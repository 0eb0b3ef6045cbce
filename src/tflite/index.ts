// SPDX-License-Identifier: Apache-2.0
export { readTflite, readTfliteFile } from './reader.js';
export { velaTargetFromPayload } from './vela.js';
