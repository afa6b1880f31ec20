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

import { Btf, RawRecords, essentialName } from '../btf/reader';
import { Kind } from '../btf/types';
import { PRUNE_ALL_MEMBERS, PRUNE_KEEP, pruneBtf, pruneRecords } from '../btf/writer';

export interface Slice {
  /** Raw BTF of the slice. */
  readonly bytes: Uint8Array;
  /** Original id of each slice id (index = slice id − 1), ascending: maps results back to the full BTF's numbering. */
  readonly ids: Uint32Array;
}

const LONG_NAMES = ['long', 'long int', 'unsigned long', 'long unsigned int'];

/**
 * Cuts the slice of `btf` (a base BTF) for relocations rooted at types with these essential names. The common case
 * (a base BTF in host byte order) walks and copies raw records (no type is decoded: decoding and re-encoding was
 * most of a cold check's JS per archive); anything else, and any odd record, goes the decoding way, whose output
 * the raw one equals byte for byte (test/check/slice.test.ts compares both on every bundled kernel).
 */
export function sliceBtf(btf: Btf, names: Iterable<string>): Slice {
  // (plain loops, not spreads of a Set: the spread's shapes changed after V8 first optimised this function, which
  // threw that code away and compiled it again in every cold run, --trace-deopt)
  const roots: string[] = [];
  const seen = new Set<string>();
  for (const n of names) {
    const e = essentialName(n);
    if (!seen.has(e)) {
      seen.add(e);
      roots.push(e);
    }
  }
  // (pt_regs: check reads the target's arch from it right after slicing; the BTF remembers this pass's answers)
  const asked = roots.slice();
  for (const n of LONG_NAMES) asked.push(essentialName(n));
  asked.push('pt_regs');
  const found = btf.idsWithEssentialNames(asked);
  const raw = btf.rawRecords();
  if (raw) {
    if (markScratch.length < btf.typeCount + 4) markScratch = new Uint8Array((btf.typeCount + 4) & ~3);
    const marks = markScratch;
    let out: Slice | undefined;
    try {
      if (markRaw(raw, btf.typeCount, roots.flatMap((name) => found.get(name) ?? []), marks)) {
        for (const id of longIds(btf, found)) marks[id]! |= PRUNE_KEEP;
        out = pruneRecords(btf, marks);
      }
    } finally {
      // all zeros again for the next target: every marked type is kept, so the kept ids are the marked ones
      if (out) for (const id of out.ids) marks[id] = 0;
      else marks.fill(0);
    }
    if (out) return out;
  }
  return sliceBtfDecoded(btf, names);
}

/** The ints named by each `long` spelling (libbpf infers the pointer size from them): kept in every slice. */
function longIds(btf: Btf, found: Map<string, number[]>): number[] {
  const out: number[] = [];
  for (const n of LONG_NAMES) {
    const id = (found.get(essentialName(n)) ?? []).find((x) => btf.kind(x) === Kind.Int && btf.name(x) === n);
    if (id) out.push(id);
  }
  return out;
}

/**
 * The walk's marks, one byte per type, kept between targets (all zeros between them): a fresh table per archive was
 * garbage the collector met every target. A whole number of words (pruneRecords skips unmarked words).
 */
let markScratch = new Uint8Array(0);

/** Walk marks: kept (PRUNE_KEEP), walked whole (PRUNE_ALL_MEMBERS: members kept for composites), walked as a stub. */
const STUB = 4;

/**
 * sliceBtfDecoded's walk over raw records: the same rules (see its switch), marks in one byte per type instead of
 * three sets, into `marks` (all zeros on entry). The final marks are the closure of the rules, whatever the visiting
 * order. False when a visited record names a string outside the string section (the decoding walk reports that).
 */
function markRaw(raw: RawRecords, typeCount: number, roots: number[], marks: Uint8Array): boolean {
  const { words, offsets, kinds, strLen } = raw;
  // entries: id * 2 + (walked whole ? 1 : 0); ids are checked before pushing, so this stays a small integer
  const stack: number[] = [];
  const push = (id: number, w: number) => {
    if (id > 0 && id < typeCount) stack.push(id * 2 + w);
  };
  for (const id of roots) push(id, 1);
  while (stack.length) {
    const e = stack.pop()!;
    const id = e >>> 1;
    const w = e & 1;
    let m = marks[id]!;
    if (w ? m & PRUNE_ALL_MEMBERS : m & (STUB | PRUNE_ALL_MEMBERS)) continue;
    m |= PRUNE_KEEP;
    const k = kinds[id - 1]!;
    const r = offsets[id - 1]! >>> 2;
    const vlen = words[r + 1]! & 0xffff;
    // the names the decoding walk would decode (and reject when out of range)
    if (words[r]! >= strLen) return false;
    switch (k) {
      case Kind.Struct: case Kind.Union:
        for (let i = 0; i < vlen; i++) if (words[r + 3 + 3 * i]! >= strLen) return false;
        if (!w) {
          m |= STUB;
          break;
        }
        m |= PRUNE_ALL_MEMBERS;
        for (let i = 0; i < vlen; i++) push(words[r + 4 + 3 * i]!, 1);
        break;
      case Kind.Ptr:
        m |= STUB | (w ? PRUNE_ALL_MEMBERS : 0);
        push(words[r + 2]!, 0);
        break;
      case Kind.Const: case Kind.Volatile: case Kind.Restrict: case Kind.Typedef: case Kind.TypeTag:
        m |= w ? PRUNE_ALL_MEMBERS : STUB;
        push(words[r + 2]!, w);
        break;
      case Kind.Array:
        m |= w ? PRUNE_ALL_MEMBERS : STUB;
        push(words[r + 3]!, w);
        push(words[r + 4]!, 0);
        break;
      case Kind.Func:
        m |= PRUNE_ALL_MEMBERS;
        push(words[r + 2]!, 0);
        break;
      case Kind.FuncProto:
        m |= w ? PRUNE_ALL_MEMBERS : STUB;
        push(words[r + 2]!, 0);
        for (let i = 0; i < vlen; i++) {
          if (words[r + 3 + 2 * i]! >= strLen) return false;
          push(words[r + 4 + 2 * i]!, 0);
        }
        break;
      case Kind.Enum:
        for (let i = 0; i < vlen; i++) if (words[r + 3 + 2 * i]! >= strLen) return false;
        m |= PRUNE_ALL_MEMBERS;
        break;
      case Kind.Enum64:
        for (let i = 0; i < vlen; i++) if (words[r + 3 + 3 * i]! >= strLen) return false;
        m |= PRUNE_ALL_MEMBERS;
        break;
      default:
        // Ints, floats, fwds, vars, datasecs, decl tags: leaves, kept as they are.
        m |= PRUNE_ALL_MEMBERS;
        break;
    }
    marks[id] = m;
  }
  return true;
}

/** sliceBtf by decoding every visited type and encoding the kept ones with the BTF writer (the reference path). */
export function sliceBtfDecoded(btf: Btf, names: Iterable<string>): Slice {
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
