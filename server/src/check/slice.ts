// A target's slice: the part of a kernel's BTF that relocations rooted at a given set of type names can ever look
// at. It is what the check cache stores per target, so re-checks parse a few kilobytes instead of an archive.
//
// Why the slice relocates exactly like the full BTF (libbpf's relo_core.c rules):
// - candidates are looked up by essential name: every type of every covered name is kept, and ids are renumbered
//   in their original order, so candidate lists (and their order, which ambiguity and pruning depend on) match;
// - field specs walk members by name through embedded structs, unions and arrays: those are kept whole, recursively;
// - pointers are followed by type compatibility (bpf_core_types_are_compat) and TYPE_MATCHES only to compare
//   kinds and names: a struct behind a pointer is kept as a stub (name, size, no members) unless covered itself;
// - enums are kept whole (enumerator relocations, and they are small); `long` is kept for the pointer size.
// Unlike bpftool's min_core_btf (which keeps what one object's relocations matched), a slice is keyed by names, so
// any edit of the program that keeps to the same root types is served by it: that is what makes the cache useful.

import { Btf, essentialName } from '../btf/reader';
import { Kind } from '../btf/types';
import { pruneBtf } from '../btf/writer';

export interface Slice {
  /** Raw BTF of the slice. */
  readonly bytes: Uint8Array;
  /** Original id of each slice id (index = slice id − 1), ascending: maps results back to the full BTF's numbering. */
  readonly ids: Uint32Array;
}

const LONG_NAMES = ['long', 'long int', 'unsigned long', 'long unsigned int'];

/** Cuts the slice of `btf` (a base BTF) for relocations rooted at types with these essential names. */
export function sliceBtf(btf: Btf, names: Iterable<string>): Slice {
  const types = new Set<number>();
  const whole = new Set<number>();
  const stubWalked = new Set<number>();

  const walk = (start: number, full: boolean): void => {
    const stack: [number, boolean][] = [[start, full]];
    while (stack.length) {
      const [id, w] = stack.pop()!;
      if (id === 0 || id >= btf.typeCount) continue;
      if (w ? whole.has(id) : stubWalked.has(id) || whole.has(id)) continue;
      const t = btf.type(id);
      types.add(id);
      switch (t.kind) {
        case Kind.Struct: case Kind.Union:
          if (!w) {
            stubWalked.add(id);
            continue;
          }
          whole.add(id);
          for (const m of t.members) stack.push([m.type, true]);
          continue;
        case Kind.Ptr:
          stubWalked.add(id);
          if (w) whole.add(id);
          stack.push([t.type, false]);
          continue;
        case Kind.Const: case Kind.Volatile: case Kind.Restrict: case Kind.Typedef: case Kind.TypeTag:
          (w ? whole : stubWalked).add(id);
          stack.push([t.type, w]);
          continue;
        case Kind.Array:
          (w ? whole : stubWalked).add(id);
          stack.push([t.elemType, w], [t.indexType, false]);
          continue;
        case Kind.Func:
          // Kernel functions are looked up by name only (do __ksym externs and syscall wrappers exist): the
          // prototype is kept as a stub.
          whole.add(id);
          stack.push([t.type, false]);
          continue;
        case Kind.FuncProto:
          (w ? whole : stubWalked).add(id);
          stack.push([t.returnType, false], ...t.params.map((p): [number, boolean] => [p.type, false]));
          continue;
        default:
          // Ints, floats, enums, fwds: leaves, kept as they are.
          whole.add(id);
          continue;
      }
    }
  };

  // One pass over the target for every root name and the `long` spellings (pointer size), instead of building the
  // full name index for a handful of lookups on a BTF that is dropped right after.
  const roots = [...new Set([...names].map(essentialName))];
  const found = btf.idsWithEssentialNames([...roots, ...LONG_NAMES.map(essentialName)]);
  for (const name of roots) for (const id of found.get(name) ?? []) walk(id, true);
  for (const n of LONG_NAMES) {
    const id = (found.get(essentialName(n)) ?? []).find((x) => btf.kind(x) === Kind.Int && btf.name(x) === n);
    if (id) types.add(id);
  }
  const composites = new Set([...whole].filter((id) => {
    const k = btf.kind(id);
    return k === Kind.Struct || k === Kind.Union;
  }));
  const { writer } = pruneBtf(btf, { types, allMembers: composites });
  const ids = Uint32Array.from([...types].filter((id) => id > 0).sort((a, b) => a - b));
  return { bytes: writer.encode(), ids };
}

/** The essential names of the root types relocations are searched by (TYPE_ID_LOCAL needs no target type). */
export function rootNames(localBtf: Btf, relos: Iterable<{ typeId: number; kind: number }>): string[] {
  const out = new Set<string>();
  // a live document has tens of thousands of sites over a few hundred root types: each type id is named once
  const seen = new Set<number>();
  for (const r of relos) {
    if (r.kind === 6 /* TYPE_ID_LOCAL */ || seen.has(r.typeId)) continue;
    seen.add(r.typeId);
    let name = '';
    try {
      name = localBtf.name(r.typeId);
    } catch {
      continue;
    }
    if (name) out.add(essentialName(name));
  }
  return [...out].sort();
}
