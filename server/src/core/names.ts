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

/** Suggestions already computed, per target BTF, per (composite id, missing name): see closestMemberNames. */
const suggestionMemo = new WeakMap<Btf, Map<string, string[]>>();
/** The same across BTFs, keyed by the member list itself: hundreds of kernels share a struct's member names. */
const byMembers = new Map<string, string[]>();
const BY_MEMBERS_MAX = 1024;

/**
 * closestNames over the members of composite `typeId` of `btf`, computed once per (missing name, member list): a
 * missing field fails on every relocation that names it, on every target, and each would ask again. The per-BTF
 * memo lives as long as the BTF object (a WeakMap); the shared one is bounded (oldest entries leave first).
 */
export function closestMemberNames(btf: Btf, typeId: number, name: string): string[] {
  let memo = suggestionMemo.get(btf);
  if (!memo) suggestionMemo.set(btf, (memo = new Map()));
  const key = `${typeId}:${name}`;
  let near = memo.get(key);
  if (near) return near;
  const members = memberNames(btf, typeId);
  const shared = `${name}\0${members.join('\0')}`;
  near = byMembers.get(shared);
  if (!near) {
    near = closestNames(name, members);
    if (byMembers.size >= BY_MEMBERS_MAX) byMembers.delete(byMembers.keys().next().value!);
    byMembers.set(shared, near);
  }
  memo.set(key, near);
  return near;
}
