// SPDX-License-Identifier: Apache-2.0
// The reader on synthetic models built for one feature or one defect each.

import { describe, expect, it } from 'vitest';

import { EthosUError } from '../../src/errors.js';
import { readTflite, velaTargetFromPayload } from '../../src/tflite/index.js';
import { buildModel, cop1, type ModelSpec } from './tflite-builder.js';

const INT8 = 9;
const FLOAT32 = 0;

function failure(spec: ModelSpec): EthosUError {
  try {
    readTflite(buildModel(spec));
  } catch (err) {
    expect(err).toBeInstanceOf(EthosUError);
    expect((err as EthosUError).code).toBe('ERR_ETHOSU_TFLITE');
    return err as EthosUError;
  }
  throw new Error('the model was accepted');
}

const oneTensor = (type: number, shape: number[]): ModelSpec => ({
  tensors: [{ name: 't', type, shape }],
  inputs: [0],
  outputs: [0],
});

describe('tensors', () => {
  it('reads a float32 tensor without quantization', () => {
    const m = readTflite(buildModel({ ...oneTensor(FLOAT32, [2, 3]), description: 'synthetic' }));
    expect(m.description).toBe('synthetic');
    expect(m.inputs).toEqual([{ name: 't', dtype: 'float32', shape: [2, 3], byteSize: 24 }]);
    expect(m.outputs[0]?.quantization).toBeUndefined();
    expect(m.operators).toEqual([]);
    expect(m.isVela).toBe(false);
  });

  it('gives an empty description when the model has none', () => {
    expect(readTflite(buildModel(oneTensor(INT8, [1]))).description).toBe('');
  });

  it('rounds int4 byte sizes up', () => {
    const m = readTflite(buildModel(oneTensor(17, [3, 3])));
    expect(m.inputs[0]?.dtype).toBe('int4');
    expect(m.inputs[0]?.byteSize).toBe(5);
  });

  it('sizes 16-bit, 64-bit and complex types', () => {
    expect(readTflite(buildModel(oneTensor(7, [5]))).inputs[0]?.byteSize).toBe(10); // int16
    expect(readTflite(buildModel(oneTensor(4, [5]))).inputs[0]?.byteSize).toBe(40); // int64
    expect(readTflite(buildModel(oneTensor(11, [2]))).inputs[0]?.byteSize).toBe(32); // complex128
    expect(readTflite(buildModel(oneTensor(18, [3]))).inputs[0]?.dtype).toBe('bfloat16');
  });

  it('treats a scalar (empty shape) as one element', () => {
    expect(readTflite(buildModel(oneTensor(INT8, []))).inputs[0]?.byteSize).toBe(1);
  });

  it('reads per-channel quantization', () => {
    const m = readTflite(
      buildModel({
        tensors: [{ type: INT8, shape: [2], scale: [0.5, 0.25], zeroPoint: [3n, -7n] }],
        inputs: [0],
        outputs: [0],
      }),
    );
    expect(m.inputs[0]?.quantization).toEqual({ scale: [0.5, 0.25], zeroPoint: [3, -7] });
    expect(m.inputs[0]?.name).toBe('');
  });

  it('rejects an unknown element type', () => {
    expect(failure(oneTensor(42, [1])).message).toMatch(/tensor 0 has unknown element type 42/);
  });

  it('rejects a negative dimension', () => {
    expect(failure(oneTensor(INT8, [1, -1])).message).toMatch(/negative dimension in shape/);
  });

  it('rejects a tensor too large to size', () => {
    expect(failure(oneTensor(FLOAT32, [2 ** 30, 2 ** 30, 2 ** 10])).message).toMatch(/too large/);
  });

  it('rejects an input index past the tensor list', () => {
    const spec = { ...oneTensor(INT8, [1]), inputs: [5] };
    expect(failure(spec).message).toMatch(/input 0 refers to tensor 5, but subgraph 0 has 1/);
  });

  it('rejects a model without subgraphs', () => {
    expect(failure({ ...oneTensor(INT8, [1]), noSubgraphs: true }).message).toMatch(/no subgraphs/);
  });
});

describe('operators', () => {
  const withOps = (opcodes: ModelSpec['opcodes'], opcode = 0): ModelSpec => ({
    ...oneTensor(INT8, [1]),
    opcodes,
    operators: [{ opcode, inputs: [0], outputs: [0] }],
  });

  it('takes the larger of deprecated_builtin_code and builtin_code', () => {
    expect(readTflite(buildModel(withOps([{ deprecated: 9 }]))).operators).toEqual([
      'FULLY_CONNECTED',
    ]);
    expect(readTflite(buildModel(withOps([{ deprecated: 127, builtin: 150 }]))).operators).toEqual([
      'GELU',
    ]);
    expect(readTflite(buildModel(withOps([{ builtin: 25 }]))).operators).toEqual(['SOFTMAX']);
  });

  it('names custom operators by their custom code', () => {
    const m = readTflite(buildModel(withOps([{ deprecated: 32, custom: 'MyOp' }])));
    expect(m.operators).toEqual(['MyOp']);
    expect(m.isVela).toBe(false);
  });

  it('rejects a CUSTOM operator code without a name', () => {
    expect(failure(withOps([{ deprecated: 32 }])).message).toMatch(/CUSTOM but has no custom_code/);
  });

  it('rejects an operator whose opcode index is out of range', () => {
    expect(failure(withOps([{ deprecated: 0 }], 3)).message).toMatch(
      /operator 0 uses operator code 3, but the model has 1/,
    );
  });
});

describe('Vela target', () => {
  /** A model whose ethos-u operator takes a constant tensor holding `payload`. */
  const velaModel = (payload: Uint8Array): ModelSpec => ({
    tensors: [
      { name: 'command_stream', type: 3, shape: [payload.length], buffer: 1 },
      { name: 'in', type: INT8, shape: [4] },
      { name: 'out', type: INT8, shape: [4] },
    ],
    inputs: [1],
    outputs: [2],
    opcodes: [{ deprecated: 32, custom: 'ethos-u' }],
    operators: [{ opcode: 0, inputs: [0, 1], outputs: [2] }],
    buffers: [payload],
  });

  const U55 = 0x0000_1800; // product 0, shram 0x18
  const U65 = 0x1000_3000; // product 1
  const U85 = 0x2000_0110; // product 2
  const ARCH1 = 0x1006_0000;
  const ARCH2 = 0x2000_7000;

  it('reads product and MACs from the OPTIMIZER_CONFIG driver action', () => {
    const m = readTflite(buildModel(velaModel(cop1(U55 | 6, ARCH1))));
    expect(m.isVela).toBe(true);
    expect(m.operators).toEqual(['ethos-u']);
    expect(m.velaTarget).toBe('ethos-u55-64');
    expect(readTflite(buildModel(velaModel(cop1(U65 | 9, ARCH1, 3)))).velaTarget).toBe(
      'ethos-u65-512',
    );
    expect(readTflite(buildModel(velaModel(cop1(U85 | 11, ARCH2)))).velaTarget).toBe(
      'ethos-u85-2048',
    );
  });

  it('leaves the target undefined when the payload does not decode to a real NPU', () => {
    const undecodable = [
      cop1(U55 | 9, ARCH1), // a U55 has no 512-MAC configuration
      cop1(U85 | 8, ARCH1), // U85 product with a U55/U65 architecture
      cop1(0x3000_0008, ARCH2), // product 3 does not exist
      new TextEncoder().encode('not a command stream'),
      cop1(U55 | 7, ARCH1).subarray(0, 12), // cut inside OPTIMIZER_CONFIG
    ];
    for (const payload of undecodable) {
      const m = readTflite(buildModel(velaModel(payload)));
      expect(m.isVela).toBe(true);
      expect(m.velaTarget).toBeUndefined();
    }
  });

  it('rejects a tensor whose buffer index is out of range', () => {
    const spec = velaModel(cop1(U55 | 7, ARCH1));
    (spec.tensors[0] as { buffer: number }).buffer = 9;
    expect(failure(spec).message).toMatch(/tensor 0 refers to buffer 9, but the model has 2/);
  });

  it('decodes payloads directly', () => {
    expect(velaTargetFromPayload(cop1(U55 | 7, ARCH1))).toBe('ethos-u55-128');
    expect(velaTargetFromPayload(cop1(U65 | 8, ARCH1, 1000))).toBe('ethos-u65-256');
    expect(velaTargetFromPayload(new Uint8Array(0))).toBeUndefined();
    expect(velaTargetFromPayload(new Uint8Array([0x43, 0x4f, 0x50, 0x31]))).toBeUndefined();
    // A command stream claiming more words than the payload holds ends the walk.
    const bad = cop1(U55 | 7, ARCH1, 1);
    new DataView(bad.buffer).setUint32(4, 2 | (0xffff << 16), true);
    expect(velaTargetFromPayload(bad)).toBeUndefined();
    // An unknown driver action stops the walk instead of guessing.
    const unknown = cop1(U55 | 7, ARCH1);
    new DataView(unknown.buffer).setUint32(4, 0x77, true);
    expect(velaTargetFromPayload(unknown)).toBeUndefined();
  });
});
