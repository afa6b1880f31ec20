// Reusing a document's last relocation, merge and findings when an edit changed none of their inputs.
//
// Why: an edit inside one function re-analyses that function (and the programs inlining it), whose sites and plain
// accesses come back as new objects — usually equal, field for field, to the old ones (typing inside a function
// body rarely changes a CO-RE access or moves one). Everything after the analysis (relocation per arch, the arch
// merge, findings) is memoised per site, but still walks all ~30,000 sites of a big program per edit (≈40 ms of
// the big program's edit in a profile). So: new objects equal to the old ones at the same index are replaced by the
// old objects (interning), and when every input of the evaluation is then the very same as last time (same arrays,
// local BTF, target BTFs and slices, settings), the last evaluation is the answer — it is a pure function of them.

/**
 * Whether two analysis values are equal in every field: primitives by Object.is, arrays and plain objects (same keys
 * in the same order, same prototype) recursively; anything else (a Map, a class instance) only by identity.
 */
export function sameValue(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  const pa = Object.getPrototypeOf(a);
  if (pa !== Object.getPrototypeOf(b)) return false;
  if (Array.isArray(a)) {
    const y = b as unknown[];
    if (a.length !== y.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameValue(a[i], y[i])) return false;
    return true;
  }
  if (pa !== Object.prototype) return false;
  // key order too: whatever serialises these objects (JSON output, LSP data) gives the same text
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  for (let i = 0; i < ka.length; i++) {
    const k = ka[i]!;
    if (k !== kb[i] || !sameValue((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])) return false;
  }
  return true;
}

/** One list as the analysis gave it (`raw`) and as interned (`kept`): what the next list is interned against. */
export interface Interned<T> {
  readonly raw: readonly T[];
  readonly kept: readonly T[];
}

/**
 * `next` with each element equal (sameValue) to the kept element at the same index of `prev` replaced by that kept
 * object. An element identical to the previous raw one maps to the previous kept one without a comparison, so the
 * cost follows what the analysis re-created, not the document's size. When every element maps to the previous kept
 * one, the kept array itself comes back (one identity comparison tells a caller nothing changed).
 */
export function intern<T>(prev: Interned<T> | undefined, next: readonly T[]): Interned<T> {
  if (!prev || prev.kept.length !== next.length || prev.raw.length !== next.length) return { raw: next, kept: next };
  const out: T[] = new Array(next.length);
  let all = true;
  for (let i = 0; i < next.length; i++) {
    const x = next[i]!;
    const k = prev.kept[i]!;
    if (x === prev.raw[i] || x === k || sameValue(x, k)) out[i] = k;
    else {
      out[i] = x;
      all = false;
    }
  }
  return { raw: next, kept: all ? prev.kept : out };
}

/** What one arch's evaluation read: if all of it is identical next time, so is the evaluation. */
export interface EvaluationInputs {
  readonly local: object;
  readonly sites: readonly object[];
  readonly plain: readonly object[];
  /** plain_reads (analyzer.ts Analysis.plainReads): absent where none are evaluated. */
  readonly reads?: readonly object[];
  /** The targets of the arch, by what relocation reads of each: name, BTF, slice ids, generation, info. */
  readonly targets: readonly { readonly name: string; readonly btf: object; readonly ids?: object; readonly generation?: number; readonly info?: object }[];
}

/** Whether two evaluations' inputs are the same objects (per arch, in order) and their settings key is equal. */
export function sameInputs(a: { key: string; arches: readonly EvaluationInputs[] }, b: { key: string; arches: readonly EvaluationInputs[] }): boolean {
  if (a.key !== b.key || a.arches.length !== b.arches.length) return false;
  return a.arches.every((x, i) => {
    const y = b.arches[i]!;
    return x.local === y.local && x.sites === y.sites && x.plain === y.plain && x.reads === y.reads && x.targets.length === y.targets.length
      && x.targets.every((t, j) => {
        const u = y.targets[j]!;
        return t.name === u.name && t.btf === u.btf && t.ids === u.ids && t.generation === u.generation && t.info === u.info;
      });
  });
}
