// SPDX-License-Identifier: Apache-2.0
// The Vela KWS models and what real Ethos-U hardware answers for them (test/fixtures/models:
// one input and one expected output serve all three NPUs), and what the simulated devices give
// today. Flip an entry to 'hardware' when the NPU model learns that NPU: every test follows.

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

/**
 * What `sim:<npu>` gives for the KWS model: the hardware's bytes, or an inference status
 * 'error' whose reason names the NPU model's ERR_UNSUPPORTED for U85 (npu/ refuses U85 command
 * streams for now: docs/npu-model.md).
 */
export const KWS_SIM_RESULT: Readonly<Record<KwsNpu, 'hardware' | 'unsupported'>> = {
  'u55-128': 'hardware',
  'u65-256': 'hardware',
  'u85-256': 'hardware',
};
/** The reason a U85 inference fails on the simulator while KWS_SIM_RESULT says 'unsupported'. */
export const SIM_UNSUPPORTED_DETAIL = /ERR_UNSUPPORTED: U85 command streams not modelled yet/;
