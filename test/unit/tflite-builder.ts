// SPDX-License-Identifier: Apache-2.0
// Builds small synthetic TFLite flatbuffers for the reader's tests, with the flatbuffers Builder
// and the slot numbers of the schema (kept independent of src/tflite/schema.ts on purpose).

import { Builder } from 'flatbuffers';

export interface TensorSpec {
  name?: string;
  type: number;
  shape: number[];
  buffer?: number;
  scale?: number[];
  zeroPoint?: bigint[];
}

export interface OpCodeSpec {
  deprecated?: number;
  builtin?: number;
  custom?: string;
}

export interface OperatorSpec {
  opcode: number;
  inputs: number[];
  outputs: number[];
}

export interface ModelSpec {
  version?: number;
  description?: string;
  tensors: TensorSpec[];
  inputs: number[];
  outputs: number[];
  opcodes?: OpCodeSpec[];
  operators?: OperatorSpec[];
  /** Buffer contents; buffer 0 (the empty sentinel) is added in front. */
  buffers?: Uint8Array[];
  /** Leave out the subgraphs vector entirely. */
  noSubgraphs?: boolean;
}

function i32Vector(b: Builder, values: number[]): number {
  b.startVector(4, values.length, 4);
  for (let i = values.length - 1; i >= 0; i--) b.addInt32(values[i] as number);
  return b.endVector();
}

function offsetVector(b: Builder, offsets: number[]): number {
  b.startVector(4, offsets.length, 4);
  for (let i = offsets.length - 1; i >= 0; i--) b.addOffset(offsets[i] as number);
  return b.endVector();
}

function tensor(b: Builder, t: TensorSpec): number {
  const name = t.name === undefined ? 0 : b.createString(t.name);
  const shape = i32Vector(b, t.shape);
  let quant = 0;
  if (t.scale !== undefined) {
    const scale = t.scale;
    b.startVector(4, scale.length, 4);
    for (let i = scale.length - 1; i >= 0; i--) b.addFloat32(scale[i] as number);
    const scaleVec = b.endVector();
    const zps = t.zeroPoint ?? [];
    b.startVector(8, zps.length, 8);
    for (let i = zps.length - 1; i >= 0; i--) b.addInt64(zps[i] as bigint);
    const zpVec = b.endVector();
    b.startObject(7);
    b.addFieldOffset(2, scaleVec, 0);
    b.addFieldOffset(3, zpVec, 0);
    quant = b.endObject();
  }
  b.startObject(10);
  b.addFieldOffset(0, shape, 0);
  b.addFieldInt8(1, t.type, -1); // always written, even for FLOAT32 (0)
  b.addFieldInt32(2, t.buffer ?? 0, 0);
  if (name !== 0) b.addFieldOffset(3, name, 0);
  if (quant !== 0) b.addFieldOffset(4, quant, 0);
  return b.endObject();
}

export function buildModel(spec: ModelSpec): Uint8Array {
  const b = new Builder(1024);

  const opcodes = (spec.opcodes ?? []).map((oc) => {
    const custom = oc.custom === undefined ? 0 : b.createString(oc.custom);
    b.startObject(4);
    if (oc.deprecated !== undefined) b.addFieldInt8(0, oc.deprecated, -1);
    if (custom !== 0) b.addFieldOffset(1, custom, 0);
    if (oc.builtin !== undefined) b.addFieldInt32(3, oc.builtin, -1);
    return b.endObject();
  });

  const buffers = [new Uint8Array(0), ...(spec.buffers ?? [])].map((data) => {
    const vec = data.length === 0 ? 0 : b.createByteVector(data);
    b.startObject(3);
    if (vec !== 0) b.addFieldOffset(0, vec, 0);
    return b.endObject();
  });

  let subgraphs = 0;
  if (!spec.noSubgraphs) {
    const tensors = spec.tensors.map((t) => tensor(b, t));
    const ops = (spec.operators ?? []).map((op) => {
      const ins = i32Vector(b, op.inputs);
      const outs = i32Vector(b, op.outputs);
      b.startObject(13);
      b.addFieldInt32(0, op.opcode, -1);
      b.addFieldOffset(1, ins, 0);
      b.addFieldOffset(2, outs, 0);
      return b.endObject();
    });
    const tensorsVec = offsetVector(b, tensors);
    const inputs = i32Vector(b, spec.inputs);
    const outputs = i32Vector(b, spec.outputs);
    const opsVec = offsetVector(b, ops);
    b.startObject(5);
    b.addFieldOffset(0, tensorsVec, 0);
    b.addFieldOffset(1, inputs, 0);
    b.addFieldOffset(2, outputs, 0);
    b.addFieldOffset(3, opsVec, 0);
    subgraphs = offsetVector(b, [b.endObject()]);
  }

  const description = spec.description === undefined ? 0 : b.createString(spec.description);
  const opcodesVec = offsetVector(b, opcodes);
  const buffersVec = offsetVector(b, buffers);
  b.startObject(8);
  b.addFieldInt32(0, spec.version ?? 3, -1);
  b.addFieldOffset(1, opcodesVec, 0);
  if (subgraphs !== 0) b.addFieldOffset(2, subgraphs, 0);
  if (description !== 0) b.addFieldOffset(3, description, 0);
  b.addFieldOffset(4, buffersVec, 0);
  b.finish(b.endObject(), 'TFL3');
  return b.asUint8Array().slice();
}

/** A COP1 custom-operator payload: optional leading NOPs/stream, then OPTIMIZER_CONFIG. */
export function cop1(config: number, id: number, streamWords = 0): Uint8Array {
  const words: number[] = [0x31504f43];
  if (streamWords > 0) {
    words.push(2 | (streamWords << 16)); // COMMAND_STREAM, length in words
    for (let i = 0; i < streamWords; i++) words.push(0xdeadbeef);
  }
  words.push(5); // NOP
  words.push(1 | (0x0010 << 16), config >>> 0, id >>> 0); // OPTIMIZER_CONFIG
  const out = new Uint8Array(words.length * 4);
  const view = new DataView(out.buffer);
  words.forEach((w, i) => view.setUint32(i * 4, w >>> 0, true));
  return out;
}
