// Name suggestions for messages: when a field is missing on a target, the member it was most likely renamed to.

import { Btf } from '../btf/reader';
import { isComposite } from '../btf/types';

/** Names of the members of composite `id`, including those reached through anonymous members (as C sees them). */
export function memberNames(btf: Btf, id: number, depth = 0): string[] {
  const t = btf.type(btf.skipModifiers(id));
  if (!isComposite(t) || depth > 16) return [];
  return t.members.flatMap((m) => (m.name ? [m.name] : memberNames(btf, m.type, depth + 1)));
}

/** Edit distance (insertions, deletions, substitutions) between two short identifiers. */
export function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length]!;
}

/**
 * Candidates that look like a rename of `name`, best first: names that differ only by leading/trailing
 * underscores (`state` → `__state`) rank first, then small edit distances relative to the length.
 */
export function closestNames(name: string, names: readonly string[], max = 3): string[] {
  const core = (s: string) => s.replace(/^_+|_+$/g, '').toLowerCase();
  const scored = names
    .filter((n) => n !== name)
    .map((n) => {
      const d = core(n) === core(name) ? 0 : editDistance(core(n), core(name)) + 1;
      return { n, d };
    })
    .filter(({ n, d }) => d <= Math.max(1, Math.floor(Math.min(n.length, name.length) / 3)))
    .sort((x, y) => x.d - y.d || x.n.localeCompare(y.n));
  return scored.slice(0, max).map((s) => s.n);
}
