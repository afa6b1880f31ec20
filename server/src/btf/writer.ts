// BTF writer: encodes a type table (the decoded model of types.ts) into valid raw BTF in either byte order.
//
// Used to give source-derived types (the live path) the same form as clang's .BTF, so one relocation engine serves
// both paths, and by the BTF tools (minimise, merge). Strings are deduplicated.

import { Btf } from './reader';
import { BtfType, Kind } from './types';

/** A type to add: the decoded shape without its id (ids are assigned in order of addition, from `startId`). */
export type NewType = BtfType extends infer T ? (T extends { id: number } ? Omit<T, 'id'> : never) : never;

export interface WriterOptions {
  littleEndian?: boolean;
  /** For split BTF: the base it extends (ids and string offsets continue after it). */
  base?: Btf;
}

/** Accumulates types and strings, then encodes them. */
export class BtfWriter {
  readonly littleEndian: boolean;
  private readonly types: (NewType | undefined)[] = [];
  private readonly strings = new Map<string, number>();
  private readonly strParts: Buffer[] = [];
  private strLen = 0;
  readonly startId: number;
  private readonly strBase: number;

  constructor(opts: WriterOptions = {}) {
    this.littleEndian = opts.littleEndian ?? true;
    this.startId = opts.base ? opts.base.typeCount : 1;
    this.strBase = opts.base ? opts.base.startStrOff + opts.base.header.strLen : 0;
    if (!opts.base) this.addString('');
  }

  /** Id the next added type will get. */
  get nextId(): number {
    return this.startId + this.types.length;
  }

  /** Offset of `s` in the string section, adding it once. */
  addString(s: string): number {
    let off = this.strings.get(s);
    if (off === undefined) {
      off = this.strBase + this.strLen;
      const b = Buffer.from(s + '\0', 'utf8');
      this.strParts.push(b);
      this.strLen += b.length;
      this.strings.set(s, off);
    }
    return off;
  }

  /** Adds a type; returns its id. */
  add(t: NewType): number {
    this.types.push(t);
    return this.nextId - 1;
  }

  /** Reserves an id to be filled later with `set` (for self-referencing or forward-referenced types). */
  reserve(): number {
    this.types.push(undefined);
    return this.nextId - 1;
  }

  /** Fills a reserved id (or replaces a type). */
  set(id: number, t: NewType): void {
    this.types[id - this.startId] = t;
  }

  /** Encodes header, type section and string section. Throws if a reserved id was never filled. */
  encode(): Uint8Array {
    const typeBytes = this.types.reduce((n, t, i) => n + recordSize(must(t, this.startId + i)), 0);
    // Names are interned before the string section is laid out.
    for (const t of this.types) internNames(this, must(t, 0));
    const strs = Buffer.concat(this.strParts);
    const hdr = 24;
    const out = new Uint8Array(hdr + typeBytes + strs.length);
    const v = new DataView(out.buffer);
    const le = this.littleEndian;
    v.setUint16(0, 0xeb9f, le);
    out[2] = 1;
    out[3] = 0;
    v.setUint32(4, hdr, le);
    v.setUint32(8, 0, le);
    v.setUint32(12, typeBytes, le);
    v.setUint32(16, typeBytes, le);
    v.setUint32(20, strs.length, le);
    let p = hdr;
    const u32 = (x: number) => {
      v.setUint32(p, x >>> 0, le);
      p += 4;
    };
    const s = (x: string) => this.strings.get(x)!;
    for (const t of this.types as NewType[]) {
      const vlen = vlenOf(t);
      const kflag = kindFlag(t);
      u32(s(t.name));
      u32(((kflag ? 1 : 0) << 31) | (t.kind << 24) | vlen);
      switch (t.kind) {
        case Kind.Int:
          u32(t.size);
          u32((t.encoding << 24) | (t.bitOffset << 16) | t.bits);
          break;
        case Kind.Ptr: case Kind.Typedef: case Kind.Volatile: case Kind.Const: case Kind.Restrict: case Kind.TypeTag:
          u32(t.type);
          break;
        case Kind.Array:
          u32(0);
          u32(t.elemType);
          u32(t.indexType);
          u32(t.nelems);
          break;
        case Kind.Struct: case Kind.Union:
          u32(t.size);
          for (const m of t.members) {
            u32(s(m.name));
            u32(m.type);
            u32(t.kindFlag ? (m.bitfieldSize << 24) | m.bitOffset : m.bitOffset);
          }
          break;
        case Kind.Enum:
          u32(t.size);
          for (const e of t.values) {
            u32(s(e.name));
            u32(Number(BigInt.asUintN(32, e.value)));
          }
          break;
        case Kind.Enum64:
          u32(t.size);
          for (const e of t.values) {
            const x = BigInt.asUintN(64, e.value);
            u32(s(e.name));
            u32(Number(x & 0xffffffffn));
            u32(Number(x >> 32n));
          }
          break;
        case Kind.Fwd:
          u32(0);
          break;
        case Kind.Func:
          u32(t.type);
          break;
        case Kind.FuncProto:
          u32(t.returnType);
          for (const prm of t.params) {
            u32(s(prm.name));
            u32(prm.type);
          }
          break;
        case Kind.Var:
          u32(t.type);
          u32(t.linkage);
          break;
        case Kind.Datasec:
          u32(t.size);
          for (const d of t.vars) {
            u32(d.type);
            u32(d.offset);
            u32(d.size);
          }
          break;
        case Kind.Float:
          u32(t.size);
          break;
        case Kind.DeclTag:
          u32(t.type);
          u32(t.componentIdx);
          break;
        case Kind.Void:
          throw new Error('void (id 0) is implicit and cannot be written');
      }
    }
    out.set(strs, p);
    return out;
  }
}

function must(t: NewType | undefined, id: number): NewType {
  if (!t) throw new Error(`BTF writer: type id ${id} was reserved but never set`);
  return t;
}

function internNames(w: BtfWriter, t: NewType): void {
  w.addString(t.name);
  if (t.kind === Kind.Struct || t.kind === Kind.Union) for (const m of t.members) w.addString(m.name);
  else if (t.kind === Kind.Enum || t.kind === Kind.Enum64) for (const e of t.values) w.addString(e.name);
  else if (t.kind === Kind.FuncProto) for (const p of t.params) w.addString(p.name);
}

function vlenOf(t: NewType): number {
  switch (t.kind) {
    case Kind.Struct: case Kind.Union: return t.members.length;
    case Kind.Enum: case Kind.Enum64: return t.values.length;
    case Kind.FuncProto: return t.params.length;
    case Kind.Datasec: return t.vars.length;
    case Kind.Func: case Kind.Var: return t.kind === Kind.Func ? t.linkage : 0;
    default: return 0;
  }
}

function kindFlag(t: NewType): boolean {
  switch (t.kind) {
    case Kind.Struct: case Kind.Union: return t.kindFlag;
    case Kind.Enum: case Kind.Enum64: return t.signed;
    case Kind.Fwd: return t.isUnion;
    default: return false;
  }
}

function recordSize(t: NewType): number {
  switch (t.kind) {
    case Kind.Int: case Kind.Var: case Kind.DeclTag: return 16;
    case Kind.Array: return 24;
    case Kind.Struct: case Kind.Union: case Kind.Datasec: case Kind.Enum64: return 12 + 12 * vlenOf(t);
    case Kind.Enum: case Kind.FuncProto: return 12 + 8 * vlenOf(t);
    default: return 12;
  }
}

/** Copies every type of `btf` (own types only, for split BTF) into a new writer: the basis of a round trip. */
export function writerFromBtf(btf: Btf, opts: WriterOptions = {}): BtfWriter {
  const w = new BtfWriter({ littleEndian: opts.littleEndian ?? btf.littleEndian, base: btf.base });
  for (let id = btf.startId; id < btf.typeCount; id++) {
    const { id: _id, ...rest } = btf.type(id) as BtfType & { id: number };
    w.add(rest as NewType);
  }
  return w;
}
