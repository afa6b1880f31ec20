// BTF writer: encodes a type table (the decoded model of types.ts) into valid raw BTF in either byte order.
//
// Used to give source-derived types (the live path) the same form as clang's .BTF, so one relocation engine serves
// both paths, and by the BTF tools (minimise, merge). Strings are deduplicated. Encoding writes native-order words
// into one Uint32Array and byte-swaps once at the end when the other order is asked for: a DataView call per word
// cost most of the time on a 126k-type kernel.

import { Btf, RawRecords } from './reader';
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

/** pruneRecords' marks: keep the type; for a struct or union, keep all its members (else none). */
export const PRUNE_KEEP = 1;
export const PRUNE_ALL_MEMBERS = 2;

/**
 * pruneBtf(btf, sel) + encode() without decoding: the kept records are copied from the raw bytes, their type ids
 * renumbered and their names re-based into a fresh, deduplicated string section, in the same order the writer
 * interns them. `marks[id]` (id 1..typeCount-1) holds PRUNE_KEEP / PRUNE_ALL_MEMBERS. The output is byte-identical
 * to the decoding path's for every name that is valid UTF-8 (not starting with a BOM): the decoder would replace
 * invalid bytes, this copies them as they are. Undefined when the BTF has no raw fast path (another byte order, split
 * BTF, kinds only a layout section describes) or when a name offset is out of range: the caller then decodes, which
 * gives the very error the decoding path gives.
 */
export function pruneRecords(btf: Btf, marks: Uint8Array): { bytes: Uint8Array; ids: Uint32Array } | undefined {
  const raw = btf.rawRecords();
  if (!raw) return undefined;
  const n = raw.offsets.length;
  const ids = keptIds(marks, n);
  if (idScratch.length < n + 1) idScratch = new Int32Array(n + 1);
  const newId = idScratch;
  try {
    return copyRecords(raw, btf.littleEndian, marks, ids, newId);
  } finally {
    // back to all zeros for the next call: only the kept ids were written
    for (let i = 0; i < ids.length; i++) newId[ids[i]!] = 0;
  }
}

/**
 * The old → new id table pruneRecords renumbers through, kept between calls (all zeros between them): a fresh one
 * per archive (500 KB) was garbage the collector met every target.
 */
let idScratch = new Int32Array(0);

/** pruneRecords' copy, given the kept ids and a zeroed table to number them in. */
function copyRecords(raw: RawRecords, le: boolean, marks: Uint8Array, ids: Uint32Array, newId: Int32Array):
  { bytes: Uint8Array; ids: Uint32Array } | undefined {
  const { words, offsets, kinds, bytes, strStart, strLen } = raw;
  const n = offsets.length;
  const kept = ids.length;
  let total = 0;
  let names = 1;
  for (let i = 0; i < kept; i++) {
    const id = ids[i]!;
    newId[id] = i + 1;
    const k = kinds[id - 1]!;
    const vlen = words[(offsets[id - 1]! >>> 2) + 1]! & 0xffff;
    const v = (k === Kind.Struct || k === Kind.Union) && (marks[id]! & PRUNE_ALL_MEMBERS) === 0 ? 0 : vlen;
    total += rawRecordWords(k, v);
    names += 1 + v;
  }
  const w = new Uint32Array(total);
  const strs = new StringOut(bytes, strStart, strLen, names);
  const intern = (off: number): number => strs.intern(off);
  const map = (id: number): number => (id > 0 && id <= n ? newId[id]! : 0);
  let q = 0;
  for (let i = 0; i < kept; i++) {
    const id = ids[i]!;
    const m = marks[id]!;
    const k = kinds[id - 1]!;
    const r = offsets[id - 1]! >>> 2;
    const info = words[r + 1]!;
    const vlen = info & 0xffff;
    const third = words[r + 2]!;
    w[q] = intern(words[r]!);
    let outVlen = 0;
    let kflag = 0;
    let p = q + 3;
    let e = r + 3;
    switch (k) {
      case Kind.Int:
        w[q + 2] = third;
        w[p++] = words[e]! & 0x0fff00ff;
        break;
      case Kind.Ptr: case Kind.Typedef: case Kind.Volatile: case Kind.Const: case Kind.Restrict: case Kind.TypeTag:
        w[q + 2] = map(third);
        break;
      case Kind.Func:
        w[q + 2] = map(third);
        outVlen = vlen;
        break;
      case Kind.Array:
        w[q + 2] = 0;
        w[p++] = map(words[e]!);
        w[p++] = map(words[e + 1]!);
        w[p++] = words[e + 2]!;
        break;
      case Kind.Struct: case Kind.Union:
        w[q + 2] = third;
        kflag = info >>> 31;
        outVlen = (m & PRUNE_ALL_MEMBERS) === 0 ? 0 : vlen;
        for (let i = 0; i < outVlen; i++, e += 3) {
          w[p++] = intern(words[e]!);
          w[p++] = map(words[e + 1]!);
          w[p++] = words[e + 2]!;
        }
        break;
      case Kind.Enum:
        w[q + 2] = third;
        kflag = info >>> 31;
        outVlen = vlen;
        for (let i = 0; i < vlen; i++, e += 2) {
          w[p++] = intern(words[e]!);
          w[p++] = words[e + 1]!;
        }
        break;
      case Kind.Enum64:
        w[q + 2] = third;
        kflag = info >>> 31;
        outVlen = vlen;
        for (let i = 0; i < vlen; i++, e += 3) {
          w[p++] = intern(words[e]!);
          w[p++] = words[e + 1]!;
          w[p++] = words[e + 2]!;
        }
        break;
      case Kind.Fwd:
        w[q + 2] = 0;
        kflag = info >>> 31;
        break;
      case Kind.FuncProto:
        w[q + 2] = map(third);
        outVlen = vlen;
        for (let i = 0; i < vlen; i++, e += 2) {
          w[p++] = intern(words[e]!);
          w[p++] = map(words[e + 1]!);
        }
        break;
      case Kind.Var:
        w[q + 2] = map(third);
        w[p++] = words[e]!;
        break;
      case Kind.Datasec:
        w[q + 2] = third;
        outVlen = vlen;
        for (let i = 0; i < vlen; i++, e += 3) {
          w[p++] = map(words[e]!);
          w[p++] = words[e + 1]!;
          w[p++] = words[e + 2]!;
        }
        break;
      case Kind.Float:
        w[q + 2] = third;
        break;
      case Kind.DeclTag:
        w[q + 2] = map(third);
        w[p++] = words[e]!;
        break;
      default:
        return undefined;
    }
    w[q + 1] = ((kflag << 31) | (k << 24) | outVlen) >>> 0;
    q = p;
  }
  if (strs.bad) return undefined;
  const sLen = strs.length;
  const sbuf = strs.buf;
  const typeBytes = total * 4;
  const out = new Uint8Array(HEADER_LEN + typeBytes + sLen);
  const v = new DataView(out.buffer);
  v.setUint16(0, 0xeb9f, le);
  out[2] = 1;
  v.setUint32(4, HEADER_LEN, le);
  v.setUint32(12, typeBytes, le);
  v.setUint32(16, typeBytes, le);
  v.setUint32(20, sLen, le);
  out.set(new Uint8Array(w.buffer, 0, typeBytes), HEADER_LEN);
  out.set(sbuf.subarray(0, sLen), HEADER_LEN + typeBytes);
  return { bytes: out, ids };
}

/** Record size in words of a kind with `vlen` entries (the raw counterpart of recordWords). */
function rawRecordWords(k: number, vlen: number): number {
  switch (k) {
    case Kind.Int: case Kind.Var: case Kind.DeclTag: return 4;
    case Kind.Array: return 6;
    case Kind.Struct: case Kind.Union: case Kind.Datasec: case Kind.Enum64: return 3 + 3 * vlen;
    case Kind.Enum: case Kind.FuncProto: return 3 + 2 * vlen;
    default: return 3;
  }
}

/** Ids (ascending) of the types marked PRUNE_KEEP; whole words of unmarked types are skipped four at a time. */
function keptIds(marks: Uint8Array, n: number): Uint32Array {
  const limit = Math.min(n + 1, marks.length);
  const mw = marks.byteOffset % 4 === 0 ? new Uint32Array(marks.buffer, marks.byteOffset, marks.length >>> 2) : undefined;
  const out: number[] = [];
  for (let id = 1; id < limit; id++) {
    if (mw && (id & 3) === 0) {
      let j = id >>> 2;
      while (j < mw.length && mw[j] === 0) j++;
      id = j << 2;
      if (id >= limit) break;
    }
    if ((marks[id]! & PRUNE_KEEP) !== 0) out.push(id);
  }
  return Uint32Array.from(out);
}

/** A string section being built: names copied from a source section on first use, deduplicated by content. */
class StringOut {
  buf: Uint8Array;
  /** Bytes used; offset 0 is the empty string. */
  length = 1;
  /** A name offset fell outside the source section. */
  bad = false;
  private readonly table: Int32Array;
  private readonly mask: number;

  constructor(private readonly src: Uint8Array, private readonly srcStart: number, private readonly srcLen: number,
    maxStrings: number) {
    let size = 16;
    while (size < maxStrings * 2) size <<= 1;
    // open addressing, new offset + 1 per slot; at most half full, so probes end
    this.table = new Int32Array(size);
    this.mask = size - 1;
    this.buf = new Uint8Array(Math.max(256, maxStrings * 12));
  }

  /** New offset of the source string at `off`. */
  intern(off: number): number {
    if (off >= this.srcLen) {
      this.bad = true;
      return 0;
    }
    const src = this.src;
    const p = this.srcStart + off;
    let e = p;
    let h = 0x811c9dc5;
    while (src[e] !== 0) h = Math.imul(h ^ src[e++]!, 0x01000193);
    const len = e - p;
    if (len === 0) return 0;
    const table = this.table;
    for (let s = h & this.mask; ; s = (s + 1) & this.mask) {
      const at = table[s]! - 1;
      if (at < 0) {
        const to = this.length;
        if (to + len + 1 > this.buf.length) {
          const grown = new Uint8Array(Math.max(this.buf.length * 2, to + len + 1));
          grown.set(this.buf.subarray(0, to));
          this.buf = grown;
        }
        const buf = this.buf;
        for (let i = 0; i < len; i++) buf[to + i] = src[p + i]!;
        buf[to + len] = 0;
        table[s] = to + 1;
        this.length = to + len + 1;
        return to;
      }
      const buf = this.buf;
      if (buf[at + len] !== 0) continue;
      let i = 0;
      while (i < len && buf[at + i] === src[p + i]) i++;
      if (i === len) return at;
    }
  }
}
