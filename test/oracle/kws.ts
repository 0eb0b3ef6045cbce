// SPDX-License-Identifier: Apache-2.0
// The Vela KWS models and what real Ethos-U hardware answers for them (test/fixtures/models:
// one input and one expected output serve all three NPUs). The emulator and the simulated
// devices must answer these bytes on each of the three.

import { fileURLToPath } from 'node:url';

const VELA = new URL('../fixtures/models/vela/', import.meta.url);

export type KwsNpu = 'u55-128' | 'u65-256' | 'u85-256';
export const KWS_NPUS: readonly KwsNpu[] = ['u55-128', 'u65-256', 'u85-256'];

export function kwsModelPath(npu: KwsNpu): string {
  return fileURLToPath(new URL(`kws_cnn_small_int8_${npu}_vela.tflite`, VELA));
}
export const KWS_INPUT_PATH = fileURLToPath(new URL('kws_cnn_small_int8_u55-128_input.bin', VELA));
export const KWS_HARDWARE_OUTPUT_PATH = fileURLToPath(
  new URL('kws_cnn_small_int8_u55-128_expected_output.bin', VELA),
);
