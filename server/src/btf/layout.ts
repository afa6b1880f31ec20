// pahole-style layout of one struct/union on one BTF: members (anonymous ones flattened), offsets, holes, padding.

import { BtfError } from './errors';
import { cTypeName } from './cnames';
import { Btf } from './reader';
import { Kind, isComposite, kindName } from './types';

export interface LayoutMember {
  /** Member name; anonymous struct/union members are flattened, so this is the name C code uses. */
  readonly name: string;
  /** How many anonymous struct/union levels this member sits inside. */
  readonly depth: number;
  readonly type: string;
  /** Byte offset from the start of the outer type. */
  readonly offset: number;
  /** Size in bytes (for a bitfield: its storage type's size). */
  readonly size: number;
  /** Bitfields only: absolute bit offset and width. */
  readonly bitOffset?: number;
  readonly bitSize?: number;
  /** Bytes of hole between the previous member of the same struct and this one. */
  readonly holeBefore: number;
}

export interface TypeLayout {
  readonly id: number;
  /** "struct task_struct" */
  readonly name: string;
  readonly size: number;
  readonly align: number;
  readonly members: readonly LayoutMember[];
  /** Sum of the holes between members, in bytes. */
  readonly holes: number;
  /** Trailing padding of the outer type, in bytes. */
  readonly padding: number;
}

const KIND_KEYWORDS: Record<string, number> = { struct: Kind.Struct, union: Kind.Union, enum: Kind.Enum, typedef: Kind.Typedef };

/** Finds a type by a C-like spelling: `struct task_struct`, `union bpf_attr`, `enum x`, or a bare name. 0 if absent. */
export function findTypeBySpelling(btf: Btf, spelling: string): number {
  const m = /^\s*(struct|union|enum|typedef)?\s*([A-Za-z_][A-Za-z0-9_]*)\s*$/.exec(spelling);
  if (!m) return 0;
  const [, kw, name] = m;
  if (kw) {
    const id = btf.findByName(name!, KIND_KEYWORDS[kw]);
    return id || (kw === 'enum' ? btf.findByName(name!, Kind.Enum64) : 0);
  }
  for (const k of [Kind.Struct, Kind.Union, Kind.Typedef, Kind.Enum, Kind.Enum64, Kind.Int]) {
    const id = btf.findByName(name!, k);
    if (id) return id;
  }
  return 0;
}

/** Layout of composite type `id` (typedefs and modifiers are looked through). */
export function computeLayout(btf: Btf, id: number): TypeLayout {
  const cid = btf.skipModifiers(id);
  const t = btf.type(cid);
  if (!isComposite(t)) throw new BtfError(`type #${id} is a ${kindName(t.kind)}, not a struct or union`, btf.file);
  const members: LayoutMember[] = [];
  let holes = 0;
  const walk = (tid: number, base: number, depth: number) => {
    const ct = btf.type(tid);
    if (!isComposite(ct) || depth > 16) return;
    let endBits = base;
    for (const m of ct.members) {
      const bit = base + m.bitOffset;
      const mid = btf.skipModifiers(m.type);
      const size = m.bitfieldSize ? btf.resolveSize(mid) ?? 0 : btf.resolveSize(m.type) ?? 0;
      const hole = ct.kind === Kind.Struct && bit > endBits ? Math.floor((bit - endBits) / 8) : 0;
      holes += hole;
      if (m.name === '' && isComposite(btf.type(mid))) {
        walk(mid, bit, depth + 1);
      } else {
        members.push({
          name: m.name, depth, type: cTypeName(btf, m.type), offset: Math.floor(bit / 8), size,
          ...(m.bitfieldSize ? { bitOffset: bit, bitSize: m.bitfieldSize } : {}), holeBefore: hole,
        });
      }
      const end = bit + (m.bitfieldSize || size * 8);
      endBits = ct.kind === Kind.Union ? Math.max(endBits, end) : end;
    }
  };
  walk(cid, 0, 0);
  const lastEnd = members.reduce((e, m) => Math.max(e, m.bitSize !== undefined ? Math.ceil((m.bitOffset! + m.bitSize) / 8) : m.offset + m.size), 0);
  return {
    id: cid, name: `${t.kind === Kind.Union ? 'union' : 'struct'} ${t.name || '<anon>'}`, size: t.size,
    align: btf.alignOf(cid), members, holes, padding: Math.max(0, t.size - lastEnd),
  };
}
