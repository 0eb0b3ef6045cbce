// SPDX-License-Identifier: Apache-2.0
// Bounds-checked access to flatbuffer tables, vectors and strings. The flatbuffers runtime
// reads whatever offset it is given; every position here is checked against the file first,
// so a truncated or hostile file ends in a TfliteFormatError instead of garbage or a crash.

import { ByteBuffer } from 'flatbuffers';

/** Thrown for any structural problem; readTflite() wraps it into an EthosUError. */
export class TfliteFormatError extends Error {
  override name = 'TfliteFormatError';
}

/** A table: its position, and its vtable's position and sizes. */
export interface Table {
  readonly pos: number;
  readonly vtable: number;
  readonly vtableSize: number;
  readonly inlineSize: number;
  readonly what: string;
}

/** A vector: the position of element 0 and the element count. */
export interface Vector {
  readonly start: number;
  readonly length: number;
  readonly what: string;
}

const UTF8 = new TextDecoder('utf-8');

export class FlatReader {
  readonly bb: ByteBuffer;
  readonly size: number;

  constructor(readonly bytes: Uint8Array) {
    this.bb = new ByteBuffer(bytes);
    this.size = bytes.length;
  }

  fail(message: string): never {
    throw new TfliteFormatError(message);
  }

  /** Throws unless [pos, pos + len) lies inside the file. */
  check(pos: number, len: number, what: string): void {
    if (!Number.isSafeInteger(pos) || pos < 0 || len < 0 || pos + len > this.size) {
      this.fail(
        `${what} at offset ${pos} (${len} bytes) runs past the end of the file (${this.size} bytes)`,
      );
    }
  }

  u8(pos: number, what: string): number {
    this.check(pos, 1, what);
    return this.bb.readUint8(pos);
  }

  u16(pos: number, what: string): number {
    this.check(pos, 2, what);
    return this.bb.readUint16(pos);
  }

  i32(pos: number, what: string): number {
    this.check(pos, 4, what);
    return this.bb.readInt32(pos);
  }

  u32(pos: number, what: string): number {
    this.check(pos, 4, what);
    return this.bb.readUint32(pos);
  }

  /** Follows a uoffset_t stored at pos. */
  indirect(pos: number, what: string): number {
    return pos + this.u32(pos, what);
  }

  /** Validates the table at pos and its vtable. */
  table(pos: number, what: string): Table {
    const vtable = pos - this.i32(pos, what);
    this.check(vtable, 4, `${what} vtable`);
    const vtableSize = this.bb.readUint16(vtable);
    const inlineSize = this.bb.readUint16(vtable + 2);
    if (vtableSize < 4 || vtableSize % 2 !== 0) {
      this.fail(`${what} has a malformed vtable (size ${vtableSize})`);
    }
    if (inlineSize < 4) this.fail(`${what} has a malformed vtable (object size ${inlineSize})`);
    this.check(vtable, vtableSize, `${what} vtable`);
    this.check(pos, inlineSize, what);
    return { pos, vtable, vtableSize, inlineSize, what };
  }

  /** Position of a field's inline value, or 0 when the field is absent. */
  field(t: Table, slot: number, size: number, name: string): number {
    const entry = 4 + 2 * slot;
    if (entry + 2 > t.vtableSize) return 0;
    const off = this.bb.readUint16(t.vtable + entry);
    if (off === 0) return 0;
    if (off < 4 || off + size > t.inlineSize) {
      this.fail(`${t.what} field ${name} lies outside its table`);
    }
    return t.pos + off;
  }

  u8Field(t: Table, slot: number, name: string, dflt = 0): number {
    const p = this.field(t, slot, 1, name);
    return p === 0 ? dflt : this.bb.readUint8(p);
  }

  i8Field(t: Table, slot: number, name: string, dflt = 0): number {
    const p = this.field(t, slot, 1, name);
    return p === 0 ? dflt : this.bb.readInt8(p);
  }

  u32Field(t: Table, slot: number, name: string, dflt = 0): number {
    const p = this.field(t, slot, 4, name);
    return p === 0 ? dflt : this.bb.readUint32(p);
  }

  i32Field(t: Table, slot: number, name: string, dflt = 0): number {
    const p = this.field(t, slot, 4, name);
    return p === 0 ? dflt : this.bb.readInt32(p);
  }

  u64Field(t: Table, slot: number, name: string): bigint {
    const p = this.field(t, slot, 8, name);
    return p === 0 ? 0n : this.bb.readUint64(p);
  }

  tableField(t: Table, slot: number, name: string): Table | undefined {
    const p = this.field(t, slot, 4, name);
    if (p === 0) return undefined;
    const what = `${t.what} ${name}`;
    return this.table(this.indirect(p, what), what);
  }

  /** A vector field whose elements are elemSize bytes each. */
  vectorField(t: Table, slot: number, elemSize: number, name: string): Vector | undefined {
    const p = this.field(t, slot, 4, name);
    if (p === 0) return undefined;
    const what = `${t.what} ${name}`;
    const at = this.indirect(p, what);
    const length = this.u32(at, `${what} length`);
    this.check(at + 4, length * elemSize, what);
    return { start: at + 4, length, what };
  }

  stringField(t: Table, slot: number, name: string): string | undefined {
    const v = this.vectorField(t, slot, 1, name);
    if (v === undefined) return undefined;
    return UTF8.decode(this.bytes.subarray(v.start, v.start + v.length));
  }

  /** Element i of a vector of tables. */
  tableAt(v: Vector, i: number, what: string): Table {
    const slot = v.start + 4 * i;
    return this.table(this.indirect(slot, what), what);
  }

  i32At(v: Vector, i: number): number {
    return this.bb.readInt32(v.start + 4 * i);
  }

  f32At(v: Vector, i: number): number {
    return this.bb.readFloat32(v.start + 4 * i);
  }

  i64At(v: Vector, i: number): bigint {
    return this.bb.readInt64(v.start + 8 * i);
  }

  i32Vector(v: Vector | undefined): number[] {
    if (v === undefined) return [];
    const out = new Array<number>(v.length);
    for (let i = 0; i < v.length; i++) out[i] = this.i32At(v, i);
    return out;
  }
}
