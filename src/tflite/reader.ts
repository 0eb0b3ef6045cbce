// SPDX-License-Identifier: Apache-2.0
// Reads what the library and the CLI need from a TFLite model: description, the inputs and
// outputs of subgraph 0, the operator list and whether (and for which NPU) Vela compiled it.

import { readFileSync } from 'node:fs';

import { EthosUError } from '../errors.js';
import type { Quantization, TensorInfo, TfliteModel } from '../types.js';
import { FlatReader, TfliteFormatError, type Table, type Vector } from './flatbuffer.js';
import * as S from './schema.js';
import { velaTargetFromPayload } from './vela.js';

const VELA_CUSTOM_CODE = 'ethos-u';

/** Parses a TFLite flatbuffer; throws EthosUError 'ERR_ETHOSU_TFLITE' saying what is wrong. */
export function readTflite(bytes: Uint8Array): TfliteModel {
  if (!(bytes instanceof Uint8Array)) {
    throw new EthosUError('TFLite model must be a Uint8Array', { code: 'ERR_ETHOSU_TFLITE' });
  }
  try {
    return parseModel(new FlatReader(bytes));
  } catch (err) {
    if (err instanceof TfliteFormatError) {
      throw new EthosUError(`Invalid TFLite model: ${err.message}`, { code: 'ERR_ETHOSU_TFLITE' });
    }
    throw err;
  }
}

/** Reads and parses a model file; file errors keep their errno code and path. */
export function readTfliteFile(path: string): TfliteModel {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new EthosUError(`Cannot read model ${path}: ${e.message}`, {
      code: e.code ?? 'EIO',
      ...(e.errno !== undefined ? { errno: e.errno } : {}),
      ...(e.syscall !== undefined ? { syscall: e.syscall } : {}),
      path,
      cause: err,
    });
  }
  try {
    return readTflite(bytes);
  } catch (err) {
    if (err instanceof EthosUError && err.code === 'ERR_ETHOSU_TFLITE') {
      throw new EthosUError(`${path}: ${err.message}`, { code: 'ERR_ETHOSU_TFLITE', path });
    }
    throw err;
  }
}

function parseModel(r: FlatReader): TfliteModel {
  if (r.size < 8) r.fail(`file is ${r.size} bytes, too short for a flatbuffer header`);
  const ident = String.fromCharCode(...r.bytes.subarray(4, 8));
  if (ident !== S.FILE_IDENTIFIER) {
    r.fail(
      `missing the "TFL3" file identifier (found ${JSON.stringify(ident)}): not a TFLite file`,
    );
  }
  const model = r.table(r.indirect(0, 'root offset'), 'model');

  const version = r.u32Field(model, S.Model.version, 'version');
  const description = r.stringField(model, S.Model.description, 'description') ?? '';
  const opNames = readOperatorCodes(r, model);
  const buffers = r.vectorField(model, S.Model.buffers, 4, 'buffers');

  const subgraphs = r.vectorField(model, S.Model.subgraphs, 4, 'subgraphs');
  if (subgraphs === undefined || subgraphs.length === 0) r.fail('model has no subgraphs');
  const sg = r.tableAt(subgraphs, 0, 'subgraph 0');

  const tensors = r.vectorField(sg, S.SubGraph.tensors, 4, 'tensors');
  const tensorCount = tensors?.length ?? 0;
  const tensorAt = (index: number, role: string): Table => {
    if (tensors === undefined || index < 0 || index >= tensorCount) {
      r.fail(`${role} refers to tensor ${index}, but subgraph 0 has ${tensorCount} tensors`);
    }
    return r.tableAt(tensors, index, `tensor ${index}`);
  };

  const inputs = r
    .i32Vector(r.vectorField(sg, S.SubGraph.inputs, 4, 'inputs'))
    .map((i, k) => readTensorInfo(r, tensorAt(i, `input ${k}`), i));
  const outputs = r
    .i32Vector(r.vectorField(sg, S.SubGraph.outputs, 4, 'outputs'))
    .map((i, k) => readTensorInfo(r, tensorAt(i, `output ${k}`), i));

  const operators: string[] = [];
  let velaTarget: string | undefined;
  const ops = r.vectorField(sg, S.SubGraph.operators, 4, 'operators');
  for (let k = 0; k < (ops?.length ?? 0); k++) {
    const op = r.tableAt(ops as Vector, k, `operator ${k}`);
    const index = r.u32Field(op, S.Operator.opcodeIndex, 'opcode_index');
    const name = opNames[index];
    if (name === undefined) {
      r.fail(`operator ${k} uses operator code ${index}, but the model has ${opNames.length}`);
    }
    operators.push(name);
    if (name === VELA_CUSTOM_CODE && velaTarget === undefined) {
      velaTarget = velaTargetOfOperator(r, op, k, tensorAt, buffers);
    }
  }

  const result: TfliteModel = {
    version,
    description,
    inputs,
    outputs,
    isVela: opNames.includes(VELA_CUSTOM_CODE),
    operators,
  };
  if (velaTarget !== undefined) result.velaTarget = velaTarget;
  return result;
}

/** Operator names by operator-code index: the builtin's name, or the custom code. */
function readOperatorCodes(r: FlatReader, model: Table): string[] {
  const codes = r.vectorField(model, S.Model.operatorCodes, 4, 'operator_codes');
  const names: string[] = [];
  for (let i = 0; i < (codes?.length ?? 0); i++) {
    const oc = r.tableAt(codes as Vector, i, `operator code ${i}`);
    // Old files only set the byte field, new ones both; the larger value is the real code.
    const deprecated = r.i8Field(
      oc,
      S.OperatorCode.deprecatedBuiltinCode,
      'deprecated_builtin_code',
    );
    const extended = r.i32Field(oc, S.OperatorCode.builtinCode, 'builtin_code');
    const code = Math.max(deprecated, extended);
    if (code < 0) r.fail(`operator code ${i} has a negative builtin code ${code}`);
    if (code === S.BUILTIN_CUSTOM) {
      const custom = r.stringField(oc, S.OperatorCode.customCode, 'custom_code');
      if (custom === undefined || custom === '') {
        r.fail(`operator code ${i} is CUSTOM but has no custom_code`);
      }
      names.push(custom);
    } else {
      names.push(S.builtinOperatorName(code));
    }
  }
  return names;
}

function readTensorInfo(r: FlatReader, t: Table, index: number): TensorInfo {
  const typeCode = r.i8Field(t, S.Tensor.type, 'type');
  const type = S.TENSOR_TYPES[typeCode];
  if (type === undefined) r.fail(`tensor ${index} has unknown element type ${typeCode}`);

  const shape = r.i32Vector(r.vectorField(t, S.Tensor.shape, 4, 'shape'));
  let elements = 1;
  for (const d of shape) {
    if (d < 0) r.fail(`tensor ${index} has a negative dimension in shape [${shape.join(', ')}]`);
    elements *= d;
  }
  const byteSize = Math.ceil((elements * type.bits) / 8);
  if (!Number.isSafeInteger(byteSize)) {
    r.fail(`tensor ${index} is too large: shape [${shape.join(', ')}]`);
  }

  const info: TensorInfo = {
    name: r.stringField(t, S.Tensor.name, 'name') ?? '',
    dtype: type.dtype,
    shape,
    byteSize,
  };
  const q = r.tableField(t, S.Tensor.quantization, 'quantization');
  if (q !== undefined) {
    const quantization = readQuantization(r, q);
    if (quantization !== undefined) info.quantization = quantization;
  }
  return info;
}

function readQuantization(r: FlatReader, q: Table): Quantization | undefined {
  const scales = r.vectorField(q, S.QuantizationParameters.scale, 4, 'scale');
  const zps = r.vectorField(q, S.QuantizationParameters.zeroPoint, 8, 'zero_point');
  if (scales === undefined || scales.length === 0) return undefined;
  const scale: number[] = [];
  const zeroPoint: number[] = [];
  for (let i = 0; i < scales.length; i++) scale.push(r.f32At(scales, i));
  for (let i = 0; i < (zps?.length ?? 0); i++) {
    const zp = r.i64At(zps as Vector, i);
    if (zp > BigInt(Number.MAX_SAFE_INTEGER) || zp < BigInt(Number.MIN_SAFE_INTEGER)) {
      r.fail(`zero point ${zp} does not fit a number`);
    }
    zeroPoint.push(Number(zp));
  }
  return { scale, zeroPoint };
}

/** Finds the operator's COP1 command-stream payload among its constant inputs. */
function velaTargetOfOperator(
  r: FlatReader,
  op: Table,
  k: number,
  tensorAt: (index: number, role: string) => Table,
  buffers: Vector | undefined,
): string | undefined {
  const inputs = r.i32Vector(r.vectorField(op, S.Operator.inputs, 4, 'inputs'));
  for (const index of inputs) {
    if (index < 0) continue; // optional input left out
    const tensor = tensorAt(index, `operator ${k} input`);
    const payload = bufferData(r, tensor, index, buffers);
    if (payload === undefined || payload.length < 4) continue;
    if (payload[0] !== 0x43 || payload[1] !== 0x4f || payload[2] !== 0x50 || payload[3] !== 0x31) {
      continue;
    }
    return velaTargetFromPayload(payload);
  }
  return undefined;
}

/** The constant data of a tensor: in the buffer's data vector, or (>2 GB models) after the
 * flatbuffer at an offset from the start of the file. */
function bufferData(
  r: FlatReader,
  tensor: Table,
  index: number,
  buffers: Vector | undefined,
): Uint8Array | undefined {
  const b = r.u32Field(tensor, S.Tensor.buffer, 'buffer');
  if (b === 0) return undefined;
  if (buffers === undefined || b >= buffers.length) {
    r.fail(`tensor ${index} refers to buffer ${b}, but the model has ${buffers?.length ?? 0}`);
  }
  const buf = r.tableAt(buffers, b, `buffer ${b}`);
  const data = r.vectorField(buf, S.Buffer.data, 1, 'data');
  if (data !== undefined && data.length > 0) {
    return r.bytes.subarray(data.start, data.start + data.length);
  }
  const offset = r.u64Field(buf, S.Buffer.offset, 'offset');
  const size = r.u64Field(buf, S.Buffer.size, 'size');
  if (offset <= 1n || size === 0n) return undefined;
  if (offset + size > BigInt(r.size)) {
    r.fail(`buffer ${b} (offset ${offset}, ${size} bytes) runs past the end of the file`);
  }
  return r.bytes.subarray(Number(offset), Number(offset + size));
}
