// BTF writer: encodes a type table (the decoded model of types.ts) into valid raw BTF in either byte order.
//
// Used to give source-derived types (the live path) the same form as clang's .BTF, so one relocation engine serves
// both paths, and by the BTF tools (minimise, merge). Strings are deduplicated. Encoding writes native-order words
// into one Uint32Array and byte-swaps once at the end when the other order is asked for: a DataView call per word
// cost most of the time on a 126k-type kernel.

import { Btf } from './reader';
import { BtfType, Kind } from './types';

/** A type to add: the decoded shape without its id (ids are assigned in order of addition, from `startId`). */
export type NewType = BtfType extends infer T ? (T extends { id: number } ? Omit<T, 'id'> : never) : never;

export interface WriterOptions {
  littleEndian?: boolean;
  /** For split BTF: the base it extends (ids and string offsets continue after it). */
  base?: Btf;
}

const HOST_LE = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
const HEADER_LEN = 24;

/** Accumulates types and strings, then encodes them. */
export class BtfWriter {
  readonly littleEndian: boolean;
  private readonly types: (NewType | undefined)[] = [];
  private readonly strings = new Map<string, number>();
  private readonly strParts: string[] = [];
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

  /** Number of types added so far (reserved ids included). */
  get count(): number {
    return this.types.length;
  }

  /** The type stored at `id` (undefined for a reserved, unset id): lets helpers post-process what they added. */
  get(id: number): NewType | undefined {
    return this.types[id - this.startId];
  }

  /** Offset of `s` in the string section, adding it once. */
  addString(s: string): number {
    let off = this.strings.get(s);
    if (off === undefined) {
      off = this.strBase + this.strLen;
      this.strParts.push(s);
      this.strLen += utf8Length(s) + 1;
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
    const types = this.types;
    let words = 0;
    for (let i = 0; i < types.length; i++) words += recordWords(must(types[i], this.startId + i));
    const w = new Uint32Array(words);
    let p = 0;
    const s = (x: string) => this.addString(x);
    for (let i = 0; i < types.length; i++) {
      const t = types[i]!;
      w[p] = s(t.name);
      w[p + 1] = (((kindFlag(t) ? 1 : 0) << 31) | (t.kind << 24) | vlenOf(t)) >>> 0;
      p += 2;
      switch (t.kind) {
        case Kind.Int:
          w[p++] = t.size;
          w[p++] = ((t.encoding << 24) | (t.bitOffset << 16) | t.bits) >>> 0;
          break;
        case Kind.Ptr: case Kind.Typedef: case Kind.Volatile: case Kind.Const: case Kind.Restrict: case Kind.TypeTag:
        case Kind.Func:
          w[p++] = t.type;
          break;
        case Kind.Array:
          w[p++] = 0;
          w[p++] = t.elemType;
          w[p++] = t.indexType;
          w[p++] = t.nelems;
          break;
        case Kind.Struct: case Kind.Union: {
          w[p++] = t.size;
          const kf = t.kindFlag;
          for (const m of t.members) {
            w[p++] = s(m.name);
            w[p++] = m.type;
            w[p++] = kf ? ((m.bitfieldSize << 24) | m.bitOffset) >>> 0 : m.bitOffset;
          }
          break;
        }
        case Kind.Enum:
          w[p++] = t.size;
          for (const e of t.values) {
            w[p++] = s(e.name);
            w[p++] = Number(BigInt.asUintN(32, e.value));
          }
          break;
        case Kind.Enum64:
          w[p++] = t.size;
          for (const e of t.values) {
            const x = BigInt.asUintN(64, e.value);
            w[p++] = s(e.name);
            w[p++] = Number(x & 0xffffffffn);
            w[p++] = Number(x >> 32n);
          }
          break;
        case Kind.Fwd:
          w[p++] = 0;
          break;
        case Kind.FuncProto:
          w[p++] = t.returnType;
          for (const prm of t.params) {
            w[p++] = s(prm.name);
            w[p++] = prm.type;
          }
          break;
        case Kind.Var:
          w[p++] = t.type;
          w[p++] = t.linkage;
          break;
        case Kind.Datasec:
          w[p++] = t.size;
          for (const d of t.vars) {
            w[p++] = d.type;
            w[p++] = d.offset;
            w[p++] = d.size;
          }
          break;
        case Kind.Float:
          w[p++] = t.size;
          break;
        case Kind.DeclTag:
          w[p++] = t.type;
          w[p++] = t.componentIdx >>> 0;
          break;
        case Kind.Void:
          throw new Error('void (id 0) is implicit and cannot be written');
      }
    }
    // Strings are complete only now (type names were interned above).
    const strs = Buffer.from(this.strParts.join('\0') + '\0', 'utf8');
    if (strs.length !== this.strLen) throw new Error('BTF writer: string section length mismatch');
    const typeBytes = words * 4;
    const out = new Uint8Array(HEADER_LEN + typeBytes + strs.length);
    const le = this.littleEndian;
    const v = new DataView(out.buffer);
    v.setUint16(0, 0xeb9f, le);
    out[2] = 1;
    out[3] = 0;
    v.setUint32(4, HEADER_LEN, le);
    v.setUint32(8, 0, le);
    v.setUint32(12, typeBytes, le);
    v.setUint32(16, typeBytes, le);
    v.setUint32(20, strs.length, le);
    const typeView = new Uint8Array(w.buffer, 0, typeBytes);
    if (le !== HOST_LE) swap32(typeView);
    out.set(typeView, HEADER_LEN);
    out.set(strs, HEADER_LEN + typeBytes);
    return out;
  }
}

/** Byte length of `s` in UTF-8 without encoding it (names are nearly always ASCII). */
function utf8Length(s: string): number {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) >= 0x80) return Buffer.byteLength(s, 'utf8');
  return s.length;
}

function swap32(b: Uint8Array): void {
  for (let i = 0; i + 3 < b.length; i += 4) {
    const a0 = b[i]!;
    const a1 = b[i + 1]!;
    b[i] = b[i + 3]!;
    b[i + 1] = b[i + 2]!;
    b[i + 2] = a1;
    b[i + 3] = a0;
  }
}

function must(t: NewType | undefined, id: number): NewType {
  if (!t) throw new Error(`BTF writer: type id ${id} was reserved but never set`);
  return t;
}

function vlenOf(t: NewType): number {
  switch (t.kind) {
    case Kind.Struct: case Kind.Union: return t.members.length;
    case Kind.Enum: case Kind.Enum64: return t.values.length;
    case Kind.FuncProto: return t.params.length;
    case Kind.Datasec: return t.vars.length;
    case Kind.Func: return t.linkage;
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

/** Record size in 4-byte words. */
function recordWords(t: NewType): number {
  switch (t.kind) {
    case Kind.Int: case Kind.Var: case Kind.DeclTag: return 4;
    case Kind.Array: return 6;
    case Kind.Struct: case Kind.Union: case Kind.Datasec: return 3 + 3 * vlenOf(t);
    case Kind.Enum64: return 3 + 3 * t.values.length;
    case Kind.Enum: case Kind.FuncProto: return 3 + 2 * vlenOf(t);
    default: return 3;
  }
}

/** Copies every type of `btf` (own types only, for split BTF) into a new writer: the basis of a round trip. */
export function writerFromBtf(btf: Btf, opts: WriterOptions = {}): BtfWriter {
  const w = new BtfWriter({ littleEndian: opts.littleEndian ?? btf.littleEndian, base: btf.base });
  // Decoded types carry their old `id`; the writer ignores it, so they are added without copying.
  for (let id = btf.startId; id < btf.typeCount; id++) w.add(btf.type(id) as NewType);
  return w;
}

/** Every type id `t` refers to, in record order (what a renumbering must rewrite). */
export function referencedIds(t: NewType | BtfType): number[] {
  switch (t.kind) {
    case Kind.Ptr: case Kind.Typedef: case Kind.Volatile: case Kind.Const: case Kind.Restrict: case Kind.TypeTag:
    case Kind.Func: case Kind.Var: case Kind.DeclTag:
      return [t.type];
    case Kind.Array: return [t.elemType, t.indexType];
    case Kind.Struct: case Kind.Union: return t.members.map((m) => m.type);
    case Kind.FuncProto: return [t.returnType, ...t.params.map((p) => p.type)];
    case Kind.Datasec: return t.vars.map((v) => v.type);
    default: return [];
  }
}

/** A copy of `t` with every referenced type id passed through `map` (the renumbering step of prune and merge). */
export function remapType(t: NewType | BtfType, map: (id: number) => number): NewType {
  const { id: _drop, ...rest } = t as BtfType & { id?: number };
  const c = rest as NewType;
  switch (c.kind) {
    case Kind.Ptr: case Kind.Typedef: case Kind.Volatile: case Kind.Const: case Kind.Restrict: case Kind.TypeTag:
      return { ...c, type: map(c.type) };
    case Kind.Func: case Kind.Var: return { ...c, type: map(c.type) };
    case Kind.DeclTag: return { ...c, type: map(c.type) };
    case Kind.Array: return { ...c, elemType: map(c.elemType), indexType: map(c.indexType) };
    case Kind.Struct: case Kind.Union: return { ...c, members: c.members.map((m) => ({ ...m, type: map(m.type) })) };
    case Kind.FuncProto:
      return { ...c, returnType: map(c.returnType), params: c.params.map((p) => ({ ...p, type: map(p.type) })) };
    case Kind.Datasec: return { ...c, vars: c.vars.map((v) => ({ ...v, type: map(v.type) })) };
    default: return c;
  }
}

export interface PruneSelection {
  /** Type ids of the source to keep (others are dropped; references to them become 0, i.e. void). */
  readonly types: ReadonlySet<number>;
  /** For kept structs/unions: the member indices to keep; a composite absent here keeps no member. */
  readonly members?: ReadonlyMap<number, ReadonlySet<number>>;
  /** Composites listed here keep all their members regardless of `members`. */
  readonly allMembers?: ReadonlySet<number>;
}

export interface Pruned {
  readonly writer: BtfWriter;
  /** Old id → new id (0 for dropped types). */
  readonly idMap: Map<number, number>;
}

/**
 * Copies the selected types of a base BTF into a new writer, in their original order, renumbered densely from 1;
 * composites keep only the selected members (offsets and sizes unchanged). This is bpftool's btfgen output step.
 */
export function pruneBtf(btf: Btf, sel: PruneSelection, opts: { littleEndian?: boolean } = {}): Pruned {
  const w = new BtfWriter({ littleEndian: opts.littleEndian ?? btf.littleEndian });
  const ids = [...sel.types].filter((id) => id > 0).sort((a, b) => a - b);
  const idMap = new Map<number, number>();
  ids.forEach((id, i) => idMap.set(id, i + 1));
  const map = (id: number) => idMap.get(id) ?? 0;
  for (const id of ids) {
    let t = btf.type(id) as BtfType;
    if ((t.kind === Kind.Struct || t.kind === Kind.Union) && !sel.allMembers?.has(id)) {
      const keep = sel.members?.get(id);
      t = { ...t, members: t.members.filter((_, i) => keep?.has(i) ?? false) };
    }
    w.add(remapType(t, map));
  }
  return { writer: w, idMap };
}
