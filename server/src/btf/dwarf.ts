// DWARF → BTF in-process, so that an app binary built with plain `gcc -g` is a CO-RE target without pahole.
//
// Every type DIE becomes one BTF node; identical nodes are then merged by partition refinement (the coarsest
// equivalence where two types are equal when their own shape and the classes of everything they refer to are
// equal), which handles cyclic types (`struct list { struct list *next; }`) and merges the copies every compile
// unit carries of `int`, `struct data` and friends. Forward declarations are resolved to the single full
// definition of that name when there is exactly one, as pahole (through libbpf's dedup) does.

import { Die, DwarfInfo, TAG, readDwarf } from './dwarf-read';
import { ElfFile } from './elf';
import { BtfError } from './errors';
import { INT_BOOL, INT_SIGNED, Kind, Member } from './types';
import { BtfWriter, NewType } from './writer';

export { hasDwarf } from './dwarf-read';

/** What the conversion produced, with counts for messages and tests. */
export interface DwarfConversion {
  readonly bytes: Uint8Array;
  /** Type DIEs read. */
  readonly dies: number;
  /** BTF types written (after merging identical ones). */
  readonly types: number;
  readonly units: number;
  /** DWARF versions seen, ascending. */
  readonly versions: readonly number[];
}

// DW_ATE_* base type encodings.
const ATE_BOOLEAN = 0x02;
const ATE_COMPLEX_FLOAT = 0x03;
const ATE_FLOAT = 0x04;
const ATE_SIGNED = 0x05;
const ATE_SIGNED_CHAR = 0x06;

const FLOAT_SIZES = new Set([2, 4, 8, 12, 16]);
const MAX_REF_CHAIN = 256;

/** Converts the DWARF of `elf` to raw BTF (in the ELF's byte order unless told otherwise). Throws BtfError. */
export function dwarfToBtf(elf: ElfFile, opts: { littleEndian?: boolean } = {}): DwarfConversion {
  const info = readDwarf(elf);
  if (!info) throw new BtfError('ELF file has neither .BTF nor .debug_info (build it with -g, or use pahole -J)', elf.file);
  return convert(info, elf.file, opts.littleEndian ?? elf.littleEndian);
}

interface Node {
  readonly kind: Kind;
  readonly name: string;
  /** Shape without references: equal keys and equal referenced classes make equal types. */
  readonly key: string;
  refs: number[];
  /** Builds the BTF record given the final id of each ref (same order as refs). */
  readonly make: (ids: number[]) => NewType;
  /** Set when this node (a forward declaration) stands for another node. */
  alias?: number;
}

/** Turns the kept DIEs into deduplicated BTF. */
function convert(info: DwarfInfo, file: string, littleEndian: boolean): DwarfConversion {
  const le = info.littleEndian;
  const nodes: Node[] = [];
  const nodeOf = new Map<number, number>();
  const err = (die: Die, problem: string): never => {
    throw new BtfError(`${problem} (DIE at .debug_info offset ${die.off})`, file,
      info.infoFileOffset >= 0 ? info.infoFileOffset + die.off : undefined);
  };

  // DIEs that are transparent in BTF (no node of their own).
  const isAlias = (d: Die) => d.tag === TAG.atomic_type || d.tag === TAG.unspecified_type || d.tag === TAG.subrange_type;
  for (const d of info.dies) if (!isAlias(d)) nodeOf.set(d.off, -1);

  /** The DIE a DW_AT_type names, or undefined for void / unknown targets. */
  const target = (d: Die): Die | undefined => {
    let off = d.type;
    if (d.typeSig !== undefined) off = info.signatures.get(d.typeSig) ?? -1;
    return off < 0 ? undefined : info.byOffset.get(off);
  };
  /** Node index of a referenced type, looking through transparent DIEs; -1 for void. */
  const ref = (d: Die): number => {
    let t = target(d);
    for (let i = 0; t; i++) {
      if (i > MAX_REF_CHAIN) err(d, 'type references loop through qualifiers');
      if (!isAlias(t)) return nodeIndex(t);
      if (t.tag === TAG.unspecified_type) return -1;
      t = target(t);
    }
    return -1;
  };
  const nodeIndex = (d: Die): number => {
    const i = nodeOf.get(d.off);
    if (i === undefined) return -1;
    if (i >= 0) return i;
    const idx = nodes.length;
    nodes.push(undefined as unknown as Node); // placeholder: filled below, referenced meanwhile
    nodeOf.set(d.off, idx);
    return idx;
  };
  const put = (idx: number, n: Node) => {
    nodes[idx] = n;
  };
  /** Byte size of a type DIE through typedefs/qualifiers (for DWARF 2-4 bitfields without DW_AT_byte_size). */
  const sizeOf = (d: Die | undefined): number | undefined => {
    for (let i = 0; d && i < MAX_REF_CHAIN; i++) {
      if (d.byteSize !== undefined) return d.byteSize;
      d = target(d);
    }
    return undefined;
  };
  /** Whether an enum's values are signed: from its underlying type when given, else from a negative value. */
  const enumSigned = (d: Die): boolean => {
    for (let t = target(d), i = 0; t && i < MAX_REF_CHAIN; t = target(t), i++) {
      if (t.tag === TAG.base_type) return t.encoding === ATE_SIGNED || t.encoding === ATE_SIGNED_CHAR;
    }
    return d.children.some((c) => c.constSigned && (c.constValue ?? 0n) < 0n);
  };

  let indexType = -1;
  const arrayIndexType = () => {
    if (indexType < 0) {
      indexType = nodes.length;
      nodes.push({
        kind: Kind.Int, name: '__ARRAY_SIZE_TYPE__', key: 'i|__ARRAY_SIZE_TYPE__|4|0|32', refs: [],
        make: () => ({ kind: Kind.Int, name: '__ARRAY_SIZE_TYPE__', size: 4, encoding: 0, bitOffset: 0, bits: 32 }),
      });
    }
    return indexType;
  };

  let byteNode = -1;
  const byteType = () => {
    if (byteNode < 0) {
      byteNode = nodes.length;
      nodes.push({
        kind: Kind.Int, name: 'unsigned char', key: 'i|unsigned char|1|0|8', refs: [],
        make: () => ({ kind: Kind.Int, name: 'unsigned char', size: 1, encoding: 0, bitOffset: 0, bits: 8 }),
      });
    }
    return byteNode;
  };

  for (const d of info.dies) {
    if (isAlias(d)) continue;
    const idx = nodeIndex(d);
    const name = d.name;
    switch (d.tag) {
      case TAG.base_type: {
        const size = d.byteSize ?? 0;
        const enc = d.encoding ?? 0;
        if ((enc === ATE_FLOAT || enc === ATE_COMPLEX_FLOAT) && FLOAT_SIZES.has(size)) {
          put(idx, { kind: Kind.Float, name, key: `f|${name}|${size}`, refs: [], make: () => ({ kind: Kind.Float, name, size }) });
          break;
        }
        const encoding = enc === ATE_BOOLEAN ? INT_BOOL : enc === ATE_SIGNED || enc === ATE_SIGNED_CHAR ? INT_SIGNED : 0;
        const bits = Math.min(128, d.bitSize ?? size * 8);
        if (size < 0 || size > 0xffffffff) err(d, `base type ${name} has size ${size}`);
        if (size > 16 || (size > 8 && size !== 16 && enc !== ATE_FLOAT)) {
          // Wider than any BTF INT (complex long double, vectors): keep the layout as bytes.
          put(idx, {
            kind: Kind.Array, name: '', key: `a|${size}`, refs: [byteType(), arrayIndexType()],
            make: ([e, ix]) => ({ kind: Kind.Array, name: '', elemType: e!, indexType: ix!, nelems: size }),
          });
          break;
        }
        put(idx, {
          kind: Kind.Int, name, key: `i|${name}|${size}|${encoding}|${bits}`, refs: [],
          make: () => ({ kind: Kind.Int, name, size, encoding, bitOffset: 0, bits }),
        });
        break;
      }
      case TAG.pointer_type: case TAG.reference_type: case TAG.rvalue_reference_type: case TAG.ptr_to_member_type:
        put(idx, { kind: Kind.Ptr, name: '', key: 'p', refs: [ref(d)], make: ([t]) => ({ kind: Kind.Ptr, name: '', type: t! }) });
        break;
      case TAG.const_type: case TAG.volatile_type: case TAG.restrict_type: {
        const kind = d.tag === TAG.const_type ? Kind.Const : d.tag === TAG.volatile_type ? Kind.Volatile : Kind.Restrict;
        put(idx, { kind, name: '', key: `q${kind}`, refs: [ref(d)], make: ([t]) => ({ kind, name: '', type: t! }) });
        break;
      }
      case TAG.typedef:
        put(idx, { kind: Kind.Typedef, name, key: `t|${name}`, refs: [ref(d)], make: ([t]) => ({ kind: Kind.Typedef, name, type: t! }) });
        break;
      case TAG.structure_type: case TAG.class_type: case TAG.union_type: {
        const isUnion = d.tag === TAG.union_type;
        const kind = isUnion ? Kind.Union : Kind.Struct;
        if (d.declaration && d.byteSize === undefined) {
          put(idx, { kind: Kind.Fwd, name, key: `w|${isUnion ? 'u' : 's'}|${name}`, refs: [], make: () => ({ kind: Kind.Fwd, name, isUnion }) });
          break;
        }
        const size = d.byteSize ?? 0;
        const members: Omit<Member, 'type'>[] = [];
        const refs: number[] = [];
        for (const m of d.children) {
          if (m.tag !== TAG.member && m.tag !== TAG.inheritance) continue;
          if (m.external || m.declaration) continue; // C++ static data members take no room
          let bitOffset: number;
          if (m.dataBitOffset !== undefined) {
            bitOffset = m.dataBitOffset;
          } else {
            const loc = m.memberLoc ?? 0;
            if (Number.isNaN(loc)) continue; // offset computed at run time (virtual base): not describable
            bitOffset = loc * 8;
            if (m.bitSize !== undefined && m.bitOffset !== undefined) {
              const storage = m.byteSize ?? sizeOf(target(m)) ?? err(m, `bitfield ${m.name} has DW_AT_bit_offset but no storage size`);
              bitOffset = le ? loc * 8 + storage * 8 - m.bitOffset - m.bitSize : loc * 8 + m.bitOffset;
            }
          }
          const bitfieldSize = m.bitSize ?? 0;
          if (bitOffset < 0 || bitOffset > 0xffffffff) err(m, `member ${m.name} has bit offset ${bitOffset}`);
          if (bitfieldSize < 0 || bitfieldSize > 255) err(m, `member ${m.name} has bit size ${bitfieldSize}`);
          members.push({ name: m.name, bitOffset, bitfieldSize });
          refs.push(ref(m));
        }
        const kindFlag = members.some((m) => m.bitfieldSize > 0);
        if (kindFlag && members.some((m) => m.bitOffset > 0xffffff)) {
          err(d, `${name || 'anonymous'} has bitfields and members beyond bit 2^24, which BTF cannot encode`);
        }
        if (members.length > 0xffff) err(d, `${name || 'anonymous'} has more than 65535 members`);
        const key = `${isUnion ? 'U' : 'S'}|${name}|${size}|${members.map((m) => `${m.name}@${m.bitOffset}:${m.bitfieldSize}`).join(',')}`;
        put(idx, {
          kind, name, key, refs,
          make: (ids) => ({ kind, name, size, kindFlag, members: members.map((m, i) => ({ ...m, type: ids[i]! })) }),
        });
        break;
      }
      case TAG.enumeration_type: {
        const size = d.byteSize ?? 4;
        const signed = enumSigned(d);
        const values = d.children.filter((c) => c.tag === TAG.enumerator).map((c) => {
          let v = c.constValue ?? 0n;
          if (signed && c.constWidth) v = BigInt.asIntN(c.constWidth * 8, v);
          return { name: c.name, value: v };
        });
        if (values.length > 0xffff) err(d, `enum ${name} has more than 65535 values`);
        const kind = size > 4 ? Kind.Enum64 : Kind.Enum;
        const norm = values.map((e) => ({
          name: e.name,
          value: kind === Kind.Enum ? BigInt.asIntN(32, e.value) : signed ? BigInt.asIntN(64, e.value) : BigInt.asUintN(64, e.value),
        }));
        put(idx, {
          kind, name, key: `e|${kind}|${name}|${size}|${signed}|${norm.map((e) => `${e.name}=${e.value}`).join(',')}`, refs: [],
          make: () => ({ kind, name, size, signed, values: norm }),
        });
        break;
      }
      case TAG.array_type: {
        const dims = d.children.filter((c) => c.tag === TAG.subrange_type).map((s) => {
          let n = 0;
          if (s.count !== undefined) n = s.count;
          else if (s.upperBound !== undefined && !s.boundNotConst) n = s.upperBound - (s.lowerBound ?? 0) + 1;
          return n >= 0 && n <= 0xffffffff ? n : 0;
        });
        if (dims.length === 0) dims.push(0);
        const index = arrayIndexType();
        // Dimension k is an array of dimension k+1; the DIE's own node is the outermost one.
        let inner = ref(d);
        for (let k = dims.length - 1; k >= 0; k--) {
          const nelems = dims[k]!;
          const at = k === 0 ? idx : nodes.length;
          if (k !== 0) nodes.push(undefined as unknown as Node);
          put(at, {
            kind: Kind.Array, name: '', key: `a|${nelems}`, refs: [inner, index],
            make: ([e, ix]) => ({ kind: Kind.Array, name: '', elemType: e!, indexType: ix!, nelems }),
          });
          inner = at;
        }
        break;
      }
      case TAG.subroutine_type: {
        const params = d.children.filter((c) => c.tag === TAG.formal_parameter || c.tag === TAG.unspecified_parameters);
        const refs = [ref(d), ...params.map((p) => (p.tag === TAG.unspecified_parameters ? -1 : ref(p)))];
        if (params.length > 0xffff) err(d, 'function type has more than 65535 parameters');
        put(idx, {
          kind: Kind.FuncProto, name: '', key: `F|${params.length}`, refs,
          make: ([r, ...ps]) => ({ kind: Kind.FuncProto, name: '', returnType: r!, params: ps.map((t) => ({ name: '', type: t })) }),
        });
        break;
      }
      default:
        err(d, `internal: DIE tag 0x${d.tag.toString(16)} has no BTF form`);
    }
  }

  // Arrays index with the program's own `int` when it has one, as pahole does; else with a synthesized type.
  if (indexType >= 0) {
    const int = nodes.findIndex((n) => n.key === 'i|int|4|1|32');
    if (int >= 0) nodes[indexType]!.alias = int;
  }
  const cls = refine(nodes);
  resolveForwards(nodes, cls);
  const final = refine(nodes);

  // One BTF type per class, in order of first appearance; a class's first live node speaks for it.
  const idOfClass = new Map<number, number>();
  const reps: number[] = [];
  for (let i = 0; i < nodes.length; i++) {
    if (nodes[i]!.alias !== undefined || idOfClass.has(final[i]!)) continue;
    idOfClass.set(final[i]!, reps.length + 1);
    reps.push(i);
  }
  const w = new BtfWriter({ littleEndian });
  const idOf = (n: number) => (n < 0 ? 0 : idOfClass.get(final[follow(nodes, n)]!)!);
  for (const i of reps) {
    const n = nodes[i]!;
    w.add(n.make(n.refs.map(idOf)));
  }
  return { bytes: w.encode(), dies: info.dies.length, types: w.count, units: info.units, versions: [...info.versions].sort() };
}

function follow(nodes: Node[], n: number): number {
  for (let i = 0; nodes[n]!.alias !== undefined && i < 4; i++) n = nodes[n]!.alias!;
  return n;
}

/** Moore-style partition refinement: the coarsest classes in which members agree on key and referenced classes. */
function refine(nodes: Node[]): Int32Array {
  const cls = new Int32Array(nodes.length);
  let ids = new Map<string, number>();
  for (let i = 0; i < nodes.length; i++) {
    const k = nodes[i]!.key;
    let c = ids.get(k);
    if (c === undefined) ids.set(k, (c = ids.size));
    cls[i] = c;
  }
  let count = ids.size;
  for (;;) {
    ids = new Map();
    const next = new Int32Array(nodes.length);
    for (let i = 0; i < nodes.length; i++) {
      const refs = nodes[i]!.refs;
      let sig = `${cls[i]}`;
      for (const r of refs) sig += r < 0 ? ',v' : `,${cls[follow(nodes, r)]}`;
      let c = ids.get(sig);
      if (c === undefined) ids.set(sig, (c = ids.size));
      next[i] = c;
    }
    cls.set(next);
    if (ids.size === count) return cls;
    count = ids.size;
  }
}

/** Points each struct/union forward declaration at the full definition of its name when that is unique. */
function resolveForwards(nodes: Node[], cls: Int32Array): void {
  const defs = new Map<string, { cls: number; node: number; many: boolean }>();
  for (let i = 0; i < nodes.length; i++) {
    const n = nodes[i]!;
    if ((n.kind !== Kind.Struct && n.kind !== Kind.Union) || !n.name) continue;
    const k = `${n.kind === Kind.Union ? 'u' : 's'}|${n.name}`;
    const d = defs.get(k);
    if (!d) defs.set(k, { cls: cls[i]!, node: i, many: false });
    else if (d.cls !== cls[i]) d.many = true;
  }
  for (const n of nodes) {
    if (n.kind !== Kind.Fwd) continue;
    const d = defs.get(`${n.key.slice(2, 3)}|${n.name}`);
    if (d && !d.many) n.alias = d.node;
  }
  for (const n of nodes) n.refs = n.refs.map((r) => (r < 0 ? r : follow(nodes, r)));
}
