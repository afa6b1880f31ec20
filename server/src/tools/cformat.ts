// C header emitter: what `bpftool btf dump file X format c` prints (vmlinux.h), from any BTF corelens can read.
//
// The output must compile with `clang -target bpf` and reproduce every struct's offsets and size, so layouts are not
// trusted to the compiler: each struct is simulated with the BPF target's alignment rules, and where the natural
// layout disagrees with BTF, unnamed bit-field padding (`long: 64;`) or `__attribute__((packed))` is emitted, as
// bpftool does. Types are ordered so every by-value use follows its definition; pointers only need a forward
// declaration. Duplicate tag or typedef names (kernel BTF has some) get `___N` suffixes, like bpftool.

import { BtfError } from '../btf/errors';
import { Btf } from '../btf/reader';
import { BtfType, CompositeType, EnumType, Kind, Member } from '../btf/types';

export interface HeaderOptions {
  /** Include guard macro; bpftool uses __VMLINUX_H__. */
  guard?: string;
  /** Wrap the types in the preserve_access_index pragma (default true), as bpftool does for CO-RE programs. */
  preserveAccessIndex?: boolean;
}

export interface CHeader {
  readonly text: string;
  /** Tag name each struct/union/enum/fwd id was emitted under (differs from the BTF name only for duplicates). */
  readonly tagNames: ReadonlyMap<number, string>;
  /** Typedef name each typedef id was emitted under. */
  readonly typedefNames: ReadonlyMap<number, string>;
  /** Composites whose BTF layout could not be expressed in C (emitted anyway, with a comment). */
  readonly unreproducible: readonly number[];
}

/** BPF target facts the emitted layout depends on (clang -target bpf: LP64, __int128 aligned to 16). */
const PTR_SIZE = 8;
/**
 * Emitting a type first emits what it uses, recursively: a hostile BTF (a 10,000-deep typedef chain) would overflow
 * the stack. Real kernels nest at most 17 levels (6.1, 6.18, a 2026 CI kernel); deeper is refused with a BtfError
 * naming the file.
 */
const MAX_NESTING = 500;
/** Holes wider than this are padded with one named char array instead of `long: 64` per 8 bytes (a 4 GB struct
 * would otherwise become half a billion lines). No real struct has a hole this large. */
const MAX_BITFIELD_PAD_BYTES = 4096;

const enum St { None = 0, Ordering = 1, Done = 2 }

interface PlanItem {
  /** Index of a BTF member to emit, or -1 for padding. */
  member: number;
  /** Padding declaration, e.g. "long: 64". */
  pad?: string;
}

interface Plan {
  packed: boolean;
  items: PlanItem[];
  align: number;
  ok: boolean;
}

/** Renders `btf` (own and base types) as one C header. */
export function emitCHeader(btf: Btf, opts: HeaderOptions = {}): CHeader {
  return new Emitter(btf).run(opts);
}

class Emitter {
  private readonly out: string[] = [];
  private readonly n: number;
  private readonly defState: Uint8Array;
  private readonly fwdDone: Uint8Array;
  private readonly tdState: Uint8Array;
  private readonly tagNames = new Map<number, string>();
  private readonly tdNames = new Map<number, string>();
  /** Ordinary identifiers in use (typedef names, enumerators): C forbids redeclaring them differently. */
  private readonly ordinary = new Map<string, number>();
  private readonly plans = new Map<number, Plan>();
  private readonly unreproducible: number[] = [];

  constructor(private readonly btf: Btf) {
    this.n = btf.typeCount;
    this.defState = new Uint8Array(this.n);
    this.fwdDone = new Uint8Array(this.n);
    this.tdState = new Uint8Array(this.n);
  }

  run(opts: HeaderOptions): CHeader {
    const guard = opts.guard ?? '__VMLINUX_H__';
    const pai = opts.preserveAccessIndex ?? true;
    this.assignNames();
    const o = this.out;
    o.push(`#ifndef ${guard}\n#define ${guard}\n\n`);
    if (pai) {
      o.push('#ifndef BPF_NO_PRESERVE_ACCESS_INDEX\n'
        + '#pragma clang attribute push (__attribute__((preserve_access_index)), apply_to = record)\n#endif\n\n');
    }
    const referenced = this.referencedAnonEnums();
    const { btf } = this;
    for (let id = 1; id < this.n; id++) {
      const k = btf.kind(id);
      if (k === Kind.Struct || k === Kind.Union) {
        if (btf.name(id)) this.define(id);
      } else if (k === Kind.Enum || k === Kind.Enum64) {
        if (btf.name(id)) this.defineEnum(id);
        else if (!referenced.has(id)) o.push(`${this.enumBody(btf.type(id) as EnumType, '')};\n\n`);
      } else if (k === Kind.Typedef) {
        if (btf.name(id) !== '__builtin_va_list') this.emitTypedef(id);
      } else if (k === Kind.Fwd) {
        this.declare(id);
      }
    }
    if (pai) o.push('#ifndef BPF_NO_PRESERVE_ACCESS_INDEX\n#pragma clang attribute pop\n#endif\n\n');
    o.push(`#endif /* ${guard} */\n`);
    return { text: o.join(''), tagNames: this.tagNames, typedefNames: this.tdNames, unreproducible: this.unreproducible };
  }

  // ---- names -----------------------------------------------------------------------------------------------

  /** Tags share one C namespace (struct, union, enum); typedefs share another with enumerators. */
  private assignNames(): void {
    const { btf } = this;
    const tagCount = new Map<string, number>();
    const tagKind = new Map<string, number>();
    const fwds: number[] = [];
    for (let id = 1; id < this.n; id++) {
      const k = btf.kind(id);
      if (k === Kind.Struct || k === Kind.Union || k === Kind.Enum || k === Kind.Enum64) {
        const name = btf.name(id);
        if (!name) continue;
        const c = (tagCount.get(name) ?? 0) + 1;
        tagCount.set(name, c);
        if (c === 1) tagKind.set(name, k === Kind.Enum64 ? Kind.Enum : k);
        this.tagNames.set(id, c === 1 ? name : `${name}___${c}`);
      } else if (k === Kind.Fwd) {
        fwds.push(id);
      } else if (k === Kind.Typedef) {
        const name = btf.name(id);
        const c = (this.ordinary.get(name) ?? 0) + 1;
        this.ordinary.set(name, c);
        this.tdNames.set(id, c === 1 ? name : `${name}___${c}`);
      }
    }
    for (const id of fwds) {
      const t = btf.type(id) as { name: string; isUnion: boolean };
      const existing = tagKind.get(t.name);
      const want = t.isUnion ? Kind.Union : Kind.Struct;
      // A forward declaration names the same type as a definition of that name, unless the tag kinds clash.
      this.tagNames.set(id, existing === undefined || existing === want ? t.name : `${t.name}___fwd`);
    }
  }

  /** A fresh enumerator name: the BTF name, or NAME___N when that identifier is taken. */
  private enumeratorName(name: string): string {
    const c = (this.ordinary.get(name) ?? 0) + 1;
    this.ordinary.set(name, c);
    return c === 1 ? name : `${name}___${c}`;
  }

  private referencedAnonEnums(): Set<number> {
    const { btf } = this;
    const refs = new Set<number>();
    const note = (id: number) => {
      const k = btf.kind(id);
      if ((k === Kind.Enum || k === Kind.Enum64) && !btf.name(id)) refs.add(id);
    };
    for (let id = 1; id < this.n; id++) {
      const t = btf.type(id);
      switch (t.kind) {
        case Kind.Struct: case Kind.Union: for (const m of t.members) note(m.type); break;
        case Kind.Typedef: case Kind.Ptr: case Kind.Const: case Kind.Volatile: case Kind.Restrict: case Kind.TypeTag:
          note(t.type); break;
        case Kind.Array: note(t.elemType); break;
        case Kind.FuncProto: note(t.returnType); for (const p of t.params) note(p.type); break;
        default: break;
      }
    }
    return refs;
  }

  // ---- ordering ----------------------------------------------------------------------------------------------

  /** Types being made usable right now (need → define → need ...): bounded, see MAX_NESTING. */
  private nesting = 0;

  /** Makes type `id` usable at this point of the output: declared, or completely defined when `full`. */
  private need(id: number, full: boolean, depth = 0): void {
    ++this.nesting;
    if (this.nesting > MAX_NESTING) {
      throw new BtfError(`types nest more than ${MAX_NESTING} levels deep at type #${id} (a typedef or by-value chain no real BTF has): `
        + 'refusing to emit a header', this.btf.file);
    }
    try {
      this.needInner(id, full, depth);
    } finally {
      this.nesting--;
    }
  }

  private needInner(id: number, full: boolean, depth: number): void {
    if (depth > 512) return;
    const t = this.btf.type(id);
    switch (t.kind) {
      case Kind.Ptr: this.need(t.type, false, depth + 1); return;
      case Kind.Const: case Kind.Volatile: case Kind.Restrict: case Kind.TypeTag: this.need(t.type, full, depth + 1); return;
      case Kind.Array: this.need(t.elemType, true, depth + 1); return;
      case Kind.Typedef:
        if (t.name === '__builtin_va_list') {
          this.need(t.type, full, depth + 1);
          return;
        }
        this.emitTypedef(id);
        if (full) this.need(t.type, true, depth + 1);
        return;
      case Kind.FuncProto:
        this.need(t.returnType, false, depth + 1);
        for (const p of t.params) if (p.type) this.need(p.type, false, depth + 1);
        return;
      case Kind.Struct: case Kind.Union:
        if (!t.name) {
          // Anonymous: its body is written inline where it is used, so its members must be usable there.
          for (const m of t.members) this.need(m.type, true, depth + 1);
        } else if (full) this.define(id);
        else this.declare(id);
        return;
      case Kind.Enum: case Kind.Enum64:
        if (t.name) this.defineEnum(id);
        return;
      case Kind.Fwd: this.declare(id); return;
      default: return;
    }
  }

  private declare(id: number): void {
    if (this.fwdDone[id] || this.defState[id] === St.Done) return;
    this.fwdDone[id] = 1;
    const k = this.btf.kind(id);
    const kw = k === Kind.Union || (k === Kind.Fwd && (this.btf.type(id) as { isUnion: boolean }).isUnion) ? 'union' : 'struct';
    this.out.push(`${kw} ${this.tagNames.get(id)};\n\n`);
  }

  private define(id: number): void {
    if (this.defState[id] === St.Done) return;
    if (this.defState[id] === St.Ordering) {
      // A by-value cycle cannot exist in C; a pointer back to a type being defined only needs its declaration.
      this.declare(id);
      return;
    }
    this.defState[id] = St.Ordering;
    const t = this.btf.type(id) as CompositeType;
    for (const m of t.members) this.need(m.type, true);
    const body = this.compositeBody(t, '');
    this.defState[id] = St.Done;
    this.out.push(`${body};\n\n`);
  }

  private defineEnum(id: number): void {
    if (this.defState[id] === St.Done) return;
    this.defState[id] = St.Done;
    const t = this.btf.type(id) as EnumType;
    if (t.values.length === 0) {
      // An enum declared but never defined in the source: C has no incomplete enums, so give it a size only.
      this.out.push(`enum ${this.tagNames.get(id)} {\n\t${this.enumeratorName(`__${t.name}_undefined`)} = 0,\n}${enumMode(t.size)};\n\n`);
      return;
    }
    this.out.push(`${this.enumBody(t, '')};\n\n`);
  }

  private emitTypedef(id: number): void {
    if (this.tdState[id] !== St.None) return;
    this.tdState[id] = St.Ordering;
    // A compiler built-in: redefining it breaks the build when the header is compiled by another compiler (libbpf
    // skips it for the same reason); uses of the name still resolve to the built-in.
    if (this.btf.name(id) === '__builtin_va_list') return;
    const t = this.btf.type(id) as { type: number };
    this.need(t.type, false);
    this.tdState[id] = St.Done;
    this.out.push(`typedef ${this.decl(t.type, this.tdNames.get(id)!, '')};\n\n`);
  }

  // ---- declarations ------------------------------------------------------------------------------------------

  /** C declaration of type `id` with declarator `inner` (a name, `*name`, `name[4]`, or empty). */
  private decl(id: number, inner: string, indent: string, depth = 0): string {
    const t = this.btf.type(id);
    const join = (base: string) => (inner ? (inner.startsWith('[') ? `${base}${inner}` : `${base} ${inner}`) : base);
    if (depth > 64) return join('void /* type chain too deep */');
    switch (t.kind) {
      case Kind.Void: return join('void');
      case Kind.Int: case Kind.Float: return join(t.name);
      case Kind.Typedef:
        // The BTF records what __builtin_va_list is on the kernel's arch (x86-64: struct __va_list_tag[1], 24 bytes);
        // on the BPF target the built-in is a void *, so spelling out the recorded type keeps layouts right.
        if (t.name === '__builtin_va_list') return this.decl(t.type, inner, indent, depth + 1);
        return join(this.tdNames.get(id)!);
      case Kind.Struct: case Kind.Union:
        return join(t.name ? `${t.kind === Kind.Struct ? 'struct' : 'union'} ${this.tagNames.get(id)}` : this.compositeBody(t, indent));
      case Kind.Enum: case Kind.Enum64:
        return join(t.name ? `enum ${this.tagNames.get(id)}` : this.enumBody(t, indent));
      case Kind.Fwd: return join(`${t.isUnion ? 'union' : 'struct'} ${this.tagNames.get(id)}`);
      case Kind.Ptr: {
        const pk = this.btf.kind(this.skipCv(t.type));
        const star = `*${inner}`;
        return this.decl(t.type, pk === Kind.Array || pk === Kind.FuncProto ? `(${star})` : star, indent, depth + 1);
      }
      case Kind.Const: case Kind.Volatile: case Kind.Restrict: {
        if (this.btf.kind(this.skipCv(t.type)) === Kind.FuncProto) return this.decl(t.type, inner, indent, depth + 1);
        const q = t.kind === Kind.Const ? 'const' : t.kind === Kind.Volatile ? 'volatile' : 'restrict';
        if (inner === q || inner.startsWith(`${q} `)) return this.decl(t.type, inner, indent, depth + 1);
        return this.decl(t.type, inner ? `${q} ${inner}` : q, indent, depth + 1);
      }
      case Kind.TypeTag: return this.decl(t.type, inner, indent, depth + 1);
      case Kind.Array: return this.decl(t.elemType, `${inner}[${t.nelems}]`, indent, depth + 1);
      case Kind.FuncProto: {
        const ps = t.params.map((p) => (p.type === 0 ? '...' : this.decl(p.type, '', indent, depth + 1)));
        return this.decl(t.returnType, `${inner}(${ps.length ? ps.join(', ') : 'void'})`, indent, depth + 1);
      }
      default: return join('void');
    }
  }

  private skipCv(id: number): number {
    for (let i = 0; i < 64; i++) {
      const k = this.btf.kind(id);
      if (k !== Kind.Const && k !== Kind.Volatile && k !== Kind.Restrict && k !== Kind.TypeTag) return id;
      id = (this.btf.type(id) as { type: number }).type;
    }
    return id;
  }

  private enumBody(t: EnumType, indent: string): string {
    const name = t.name ? ` ${this.tagNames.get(t.id)}` : '';
    const lines = t.values.map((v) => `${indent}\t${this.enumeratorName(v.name)} = ${enumValue(t, v.value)},\n`);
    return `enum${name} {\n${lines.join('')}${indent}}${enumMode(t.size)}`;
  }

  private compositeBody(t: CompositeType, indent: string, anonymous = false): string {
    const plan = this.plan(t.id);
    const kw = t.kind === Kind.Struct ? 'struct' : 'union';
    const name = t.name && !anonymous ? ` ${this.tagNames.get(t.id)}` : '';
    const inner = `${indent}\t`;
    const lines: string[] = [];
    if (!plan.ok) lines.push(`${inner}/* corelens: this layout cannot be reproduced in C; offsets below may differ from BTF */\n`);
    for (const it of plan.items) {
      if (it.member < 0) {
        lines.push(`${inner}${it.pad};\n`);
        continue;
      }
      const m = t.members[it.member]!;
      const bf = bitfieldOf(this.btf, m);
      const embedded = m.name === '' ? this.btf.skipModifiers(m.type) : 0;
      if (embedded && this.btf.name(embedded) && (this.btf.kind(embedded) === Kind.Struct || this.btf.kind(embedded) === Kind.Union)) {
        // `struct foo;` as an unnamed member is a Microsoft extension (newer kernels build with -fms-extensions);
        // plain C gets the same layout and member names from an anonymous copy of foo's body.
        lines.push(`${inner}${this.compositeBody(this.btf.type(embedded) as CompositeType, inner, true)};\n`);
        continue;
      }
      lines.push(`${inner}${this.decl(m.type, m.name, inner)}${bf.size ? `: ${bf.size}` : ''};\n`);
    }
    return `${kw}${name} {\n${lines.join('')}${indent}}${plan.packed ? ' __attribute__((packed))' : ''}`;
  }

  // ---- layout ------------------------------------------------------------------------------------------------

  /** Size in bytes of type `id` as the emitted C declares it. */
  private sizeOf(id: number, depth = 0): number {
    const t = this.btf.type(id);
    if (depth > 64) return 0;
    switch (t.kind) {
      case Kind.Int: case Kind.Float: case Kind.Struct: case Kind.Union: case Kind.Enum: case Kind.Enum64: return t.size;
      case Kind.Ptr: return PTR_SIZE;
      case Kind.Array: return t.nelems * this.sizeOf(t.elemType, depth + 1);
      case Kind.Typedef: case Kind.Const: case Kind.Volatile: case Kind.Restrict: case Kind.TypeTag:
        return this.sizeOf(t.type, depth + 1);
      default: return 0;
    }
  }

  /** Alignment clang gives the emitted declaration of type `id` on the BPF target. */
  private alignOf(id: number, depth = 0): number {
    const t = this.btf.type(id);
    if (depth > 64) return 1;
    switch (t.kind) {
      case Kind.Int: case Kind.Float: case Kind.Enum: case Kind.Enum64:
        return t.size >= 16 ? 16 : Math.max(1, Math.min(PTR_SIZE, pow2Floor(t.size)));
      case Kind.Ptr: return PTR_SIZE;
      case Kind.Array: return this.alignOf(t.elemType, depth + 1);
      case Kind.Typedef: case Kind.Const: case Kind.Volatile: case Kind.Restrict: case Kind.TypeTag:
        return this.alignOf(t.type, depth + 1);
      case Kind.Struct: case Kind.Union: return this.plan(id).align;
      default: return 1;
    }
  }

  private plan(id: number): Plan {
    let p = this.plans.get(id);
    if (p) return p;
    const t = this.btf.type(id) as CompositeType;
    // Placeholder against pathological by-value cycles while planning members.
    this.plans.set(id, { packed: false, items: [], align: 1, ok: false });
    p = t.kind === Kind.Union ? this.planUnion(t) : this.planStruct(t);
    if (!p.ok) this.unreproducible.push(id);
    this.plans.set(id, p);
    return p;
  }

  private planStruct(t: CompositeType): Plan {
    return this.simulateStruct(t, false) ?? this.simulateStruct(t, true)
      ?? { packed: false, items: t.members.map((_, i) => ({ member: i })), align: 1, ok: false };
  }

  /** Lays `t` out like clang would with the given packing, adding padding where BTF places members later. */
  private simulateStruct(t: CompositeType, packed: boolean): Plan | undefined {
    const items: PlanItem[] = [];
    let cur = 0;
    let align = 1;
    for (let i = 0; i < t.members.length; i++) {
      const m = t.members[i]!;
      const bf = bitfieldOf(this.btf, m);
      const off = bf.offset;
      const size = this.sizeOf(m.type);
      const a = this.alignOf(m.type);
      if (bf.size === 0) {
        const natural = packed ? cur : alignUp(cur, 8 * a);
        if (natural > off) return undefined;
        if (natural < off) {
          pad(items, cur, off);
          if (!packed && off % (8 * a) !== 0) return undefined;
        }
        cur = off + size * 8;
      } else {
        const unit = 8 * Math.max(1, size);
        const fits = (pos: number) => packed || Math.floor(pos / unit) === Math.floor((pos + bf.size - 1) / unit);
        let pos = cur;
        if (!fits(pos)) pos = alignUp(pos, 8 * a);
        if (pos > off) return undefined;
        if (pos < off) {
          pad(items, cur, off);
          if (!fits(off)) return undefined;
        }
        cur = off + bf.size;
      }
      if (!packed) align = Math.max(align, a);
      items.push({ member: i });
    }
    const want = t.size * 8;
    if (alignUp(cur, 8 * align) > want) return undefined;
    // Tail padding only where the compiler's own rounding to the alignment falls short of the BTF size.
    if (alignUp(cur, 8 * align) < want) pad(items, cur, want);
    if (alignUp(want, 8 * align) !== want) return undefined;
    return { packed, items, align, ok: true };
  }

  private planUnion(t: CompositeType): Plan {
    for (const packed of [false, true]) {
      let align = 1;
      let max = 0;
      let bad = false;
      for (const m of t.members) {
        const bf = bitfieldOf(this.btf, m);
        if (bf.offset !== 0) bad = true;
        const size = this.sizeOf(m.type);
        const bytes = bf.size ? (packed ? Math.ceil(bf.size / 8) : Math.max(1, size)) : size;
        max = Math.max(max, bytes);
        if (!packed) align = Math.max(align, this.alignOf(m.type));
      }
      if (bad) break;
      const natural = alignUp(max, align);
      if (natural > t.size || t.size % align !== 0) continue;
      const items: PlanItem[] = t.members.map((_, i) => ({ member: i }));
      if (natural < t.size) {
        const extra = t.size - max;
        // Unnamed bit-fields all sit at offset 0 in a union, so one wide enough pads it; past 8 bytes use an array.
        if (t.size <= 8) items.push({ member: -1, pad: `${unitType(pow2Ceil(t.size))}: ${t.size * 8}` });
        else items.push({ member: -1, pad: `char __corelens_pad[${t.size}]` });
        void extra;
      }
      return { packed, items, align, ok: true };
    }
    return { packed: false, items: t.members.map((_, i) => ({ member: i })), align: 1, ok: false };
  }
}

/** Bit offset and bit-field width of a member; widths of old-style BTF (INT tail, no kind_flag) included. */
function bitfieldOf(btf: Btf, m: Member): { offset: number; size: number } {
  if (m.bitfieldSize) return { offset: m.bitOffset, size: m.bitfieldSize };
  const it = btf.type(btf.skipModifiers(m.type));
  if (it.kind === Kind.Int && (it.bitOffset !== 0 || it.bits !== it.size * 8)) {
    return { offset: m.bitOffset + it.bitOffset, size: it.bits };
  }
  return { offset: m.bitOffset, size: 0 };
}

/** Unnamed bit-field padding from bit `from` to bit `to`, in units that never straddle their own alignment. */
function pad(items: PlanItem[], from: number, to: number): void {
  let cur = from;
  if (to - from > MAX_BITFIELD_PAD_BYTES * 8) {
    // byte-align with bit-fields, then one array for the whole byte run, then the bit-field remainder
    const startByte = Math.ceil(cur / 8);
    const endByte = Math.floor(to / 8);
    if (cur % 8) items.push({ member: -1, pad: `unsigned char: ${8 - (cur % 8)}` });
    items.push({ member: -1, pad: `unsigned char __corelens_pad_${startByte}[${endByte - startByte}]` });
    cur = endByte * 8;
  }
  while (cur < to) {
    if (cur % 8 !== 0 || to - cur < 8) {
      const n = Math.min(8 - (cur % 8), to - cur);
      items.push({ member: -1, pad: `unsigned char: ${n}` });
      cur += n;
      continue;
    }
    const byte = cur / 8;
    const left = Math.floor((to - cur) / 8);
    let u = 8;
    while (u > 1 && (byte % u !== 0 || u > left)) u /= 2;
    items.push({ member: -1, pad: `${unitType(u)}: ${u * 8}` });
    cur += u * 8;
  }
}

function unitType(bytes: number): string {
  return bytes >= 8 ? 'long' : bytes === 4 ? 'int' : bytes === 2 ? 'short' : 'char';
}

function alignUp(x: number, a: number): number {
  return Math.ceil(x / a) * a;
}

function pow2Floor(x: number): number {
  let p = 1;
  while (p * 2 <= x) p *= 2;
  return p;
}

function pow2Ceil(x: number): number {
  let p = 1;
  while (p < x) p *= 2;
  return p;
}

/** `__attribute__((mode(...)))` forcing an enum to its BTF size (clang would pick 4 bytes otherwise). */
function enumMode(size: number): string {
  switch (size) {
    case 1: return ' __attribute__((mode(byte)))';
    case 2: return ' __attribute__((mode(HI)))';
    case 8: return ' __attribute__((mode(DI)))';
    default: return '';
  }
}

/** An enumerator's value as a C constant of the enum's signedness and width. */
function enumValue(t: EnumType | BtfType, v: bigint): string {
  const e = t as EnumType;
  if (e.kind === Kind.Enum) {
    return e.signed ? String(BigInt.asIntN(32, v)) : `${BigInt.asUintN(32, v)}${BigInt.asUintN(32, v) > 0x7fffffffn ? 'U' : ''}`;
  }
  if (e.signed) {
    const s = BigInt.asIntN(64, v);
    return s === -(1n << 63n) ? '(-9223372036854775807LL - 1)' : `${s}LL`;
  }
  return `${BigInt.asUintN(64, v)}ULL`;
}
