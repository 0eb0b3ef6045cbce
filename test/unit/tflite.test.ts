// SPDX-License-Identifier: Apache-2.0
// The TFLite reader against every model in test/fixtures/models, checked against the values in
// shared/models/README.md (shapes, dtypes, scales, zero points, byte counts).

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { describe, expect, it } from 'vitest';

import { EthosUError } from '../../src/errors.js';
import { readTflite, readTfliteFile } from '../../src/tflite/index.js';
import { builtinOperatorName } from '../../src/tflite/schema.js';
import type { TensorInfo } from '../../src/types.js';

const MODELS = fileURLToPath(new URL('../fixtures/models/', import.meta.url));
const model = (name: string) => readTfliteFile(MODELS + name);

interface Expected {
  shape: number[];
  scale: number;
  zp: number;
}

/** README values are rounded to 6 significant digits. */
function expectTensor(t: TensorInfo | undefined, e: Expected): void {
  expect(t).toBeDefined();
  const tensor = t as TensorInfo;
  expect(tensor.dtype).toBe('int8');
  expect(tensor.shape).toEqual(e.shape);
  expect(tensor.byteSize).toBe(e.shape.reduce((a, b) => a * b, 1));
  expect(tensor.quantization?.scale).toHaveLength(1);
  const scale = tensor.quantization?.scale[0] as number;
  expect(Math.abs(scale - e.scale) / e.scale).toBeLessThan(5e-6);
  expect(tensor.quantization?.zeroPoint).toEqual([e.zp]);
}

describe('plain models', () => {
  it('test_conv2d_int8: one CONV_2D, 192 B in, 72 B out', () => {
    const m = model('plain/test_conv2d_int8.tflite');
    expect(m.version).toBe(3);
    expect(m.description).toBe('MLIR Converted.');
    expect(m.isVela).toBe(false);
    expect(m.velaTarget).toBeUndefined();
    expect(m.operators).toEqual(['CONV_2D']);
    expect(m.inputs).toHaveLength(1);
    expect(m.outputs).toHaveLength(1);
    expectTensor(m.inputs[0], { shape: [1, 8, 8, 3], scale: 0.0295304, zp: -1 });
    expectTensor(m.outputs[0], { shape: [1, 6, 6, 2], scale: 0.0307448, zp: 8 });
    expect(m.inputs[0]?.byteSize).toBe(192);
    expect(m.outputs[0]?.byteSize).toBe(72);
    expect(m.inputs[0]?.name).toBe('serving_default_input_1:0');
    expect(m.outputs[0]?.name).toBe('StatefulPartitionedCall:0');
  });

  it('test_fullconnected_int8: one FULLY_CONNECTED', () => {
    const m = model('plain/test_fullconnected_int8.tflite');
    expect(m.operators).toEqual(['FULLY_CONNECTED']);
    expectTensor(m.inputs[0], { shape: [1, 28], scale: 0.0259966, zp: -4 });
    expectTensor(m.outputs[0], { shape: [1, 4], scale: 0.0346581, zp: -15 });
  });

  it('test_add_int8: two inputs, one ADD', () => {
    const m = model('plain/test_add_int8.tflite');
    expect(m.operators).toEqual(['ADD']);
    expect(m.inputs).toHaveLength(2);
    expectTensor(m.inputs[0], { shape: [1, 2, 2], scale: 0.00195598, zp: -128 });
    expectTensor(m.inputs[1], { shape: [1, 2, 2], scale: 0.00195994, zp: -128 });
    expectTensor(m.outputs[0], { shape: [1, 2, 2], scale: 0.00379992, zp: -128 });
    expect(m.inputs.map((t) => t.name)).toEqual([
      'serving_default_input_1:0',
      'serving_default_input_2:0',
    ]);
  });

  it('test_softmax_int8: one SOFTMAX', () => {
    const m = model('plain/test_softmax_int8.tflite');
    expect(m.operators).toEqual(['SOFTMAX']);
    expectTensor(m.inputs[0], { shape: [1, 1, 3], scale: 0.0217516, zp: 32 });
    expectTensor(m.outputs[0], { shape: [1, 1, 3], scale: 0.00390625, zp: -128 });
  });

  it('hello_world_int8: three FULLY_CONNECTED', () => {
    const m = model('plain/hello_world_int8.tflite');
    expect(m.operators).toEqual(['FULLY_CONNECTED', 'FULLY_CONNECTED', 'FULLY_CONNECTED']);
    expectTensor(m.inputs[0], { shape: [1, 1], scale: 0.0244801, zp: -128 });
    expectTensor(m.outputs[0], { shape: [1, 1], scale: 0.00829096, zp: 5 });
  });
});

describe('Vela models', () => {
  const cases = [
    ['kws_cnn_small_int8_u55-128_vela.tflite', 'ethos-u55-128'],
    ['kws_cnn_small_int8_u65-256_vela.tflite', 'ethos-u65-256'],
    ['kws_cnn_small_int8_u85-256_vela.tflite', 'ethos-u85-256'],
  ] as const;

  for (const [file, target] of cases) {
    it(`${file}: one ethos-u operator, 490 B in, 12 B out, target ${target}`, () => {
      const m = model(`vela/${file}`);
      expect(m.isVela).toBe(true);
      expect(m.velaTarget).toBe(target);
      expect(m.operators).toEqual(['ethos-u']);
      expect(m.description).toBe('Vela Optimised');
      expectTensor(m.inputs[0], { shape: [1, 490], scale: 1.07422, zp: 102 });
      expectTensor(m.outputs[0], { shape: [1, 12], scale: 0.00390625, zp: -128 });
      expect(m.inputs[0]?.byteSize).toBe(490);
      expect(m.outputs[0]?.byteSize).toBe(12);
      expect(m.inputs[0]?.name).toBe('input');
      expect(m.outputs[0]?.name).toBe('Identity');
    });
  }

  it('reads the U85 model although newer Vela named and ordered its tensors differently', () => {
    // U55: tensors [Identity, input, main_split_1_command_stream, ...]; U85: [ethos_u_command_
    // stream, read_only, scratch, input, Identity]. The target comes from the COP1 payload, not
    // from a tensor name, and the I/O come from the subgraph's index lists.
    const bytes = readFileSync(MODELS + 'vela/kws_cnn_small_int8_u85-256_vela.tflite');
    const text = bytes.toString('latin1');
    expect(text).toContain('ethos_u_command_stream');
    expect(text).not.toContain('main_split_1_command_stream');
    const u55 = readFileSync(MODELS + 'vela/kws_cnn_small_int8_u55-128_vela.tflite');
    expect(u55.toString('latin1')).toContain('main_split_1_command_stream');
    const m = readTflite(bytes);
    expect(m.velaTarget).toBe('ethos-u85-256');
    expect(m.inputs.map((t) => t.name)).toEqual(['input']);
  });
});

describe('inputs that are not TFLite', () => {
  const notTflite = (bytes: Uint8Array) => {
    try {
      readTflite(bytes);
    } catch (err) {
      return err;
    }
    throw new Error('readTflite accepted it');
  };

  it('rejects an empty buffer', () => {
    const err = notTflite(new Uint8Array(0)) as EthosUError;
    expect(err).toBeInstanceOf(EthosUError);
    expect(err.code).toBe('ERR_ETHOSU_TFLITE');
    expect(err.message).toMatch(/too short/);
  });

  it('rejects a file without the TFL3 identifier', () => {
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
    const err = notTflite(png) as EthosUError;
    expect(err.code).toBe('ERR_ETHOSU_TFLITE');
    expect(err.message).toMatch(/"TFL3" file identifier/);
    expect(err.message).toMatch(/not a TFLite file/);
  });

  it('rejects a root offset past the end', () => {
    const bytes = new Uint8Array([0xff, 0xff, 0, 0, 0x54, 0x46, 0x4c, 0x33]);
    const err = notTflite(bytes) as EthosUError;
    expect(err.code).toBe('ERR_ETHOSU_TFLITE');
    expect(err.message).toMatch(/runs past the end of the file \(8 bytes\)/);
  });

  it('rejects a non-Uint8Array argument', () => {
    const err = notTflite('model.tflite' as unknown as Uint8Array) as EthosUError;
    expect(err.code).toBe('ERR_ETHOSU_TFLITE');
  });

  it('reports a missing file with its errno code and path', () => {
    const path = MODELS + 'no-such-model.tflite';
    expect(() => readTfliteFile(path)).toThrow(
      expect.objectContaining({ code: 'ENOENT', path, syscall: 'open' }),
    );
  });

  it('names the file in the message of a malformed model', () => {
    const path = fileURLToPath(import.meta.url); // this test's source: not a model
    expect(() => readTfliteFile(path)).toThrow(
      expect.objectContaining({ code: 'ERR_ETHOSU_TFLITE', path }),
    );
  });
});

describe('operator names', () => {
  it('follows the BuiltinOperator enum', () => {
    expect(builtinOperatorName(0)).toBe('ADD');
    expect(builtinOperatorName(3)).toBe('CONV_2D');
    expect(builtinOperatorName(9)).toBe('FULLY_CONNECTED');
    expect(builtinOperatorName(32)).toBe('CUSTOM');
    expect(builtinOperatorName(127)).toBe('PLACEHOLDER_FOR_GREATER_OP_CODES');
    expect(builtinOperatorName(162)).toBe('STABLEHLO_LOGISTIC');
    expect(builtinOperatorName(203)).toBe('DILATE');
    expect(builtinOperatorName(209)).toBe('STABLEHLO_CASE');
    expect(builtinOperatorName(210)).toBe('BUILTIN_210');
  });
});
