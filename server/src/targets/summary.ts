// Naming sets of targets briefly: "5.14 and newer, 212 kernels" instead of 212 names, from the versions names carry.

import { TargetSpec } from './registry';
import { compareVersions, describeTarget } from './tree';

export interface TargetInfo {
  readonly name: string;
  readonly version?: readonly number[];
  readonly kind?: 'kernel' | 'app';
}

/** What a target's name and place say about it (kernel version, kind), for summaries. */
export function targetInfo(spec: TargetSpec): TargetInfo {
  const d = describeTarget(spec);
  return { name: spec.name, version: d.version, kind: spec.kind };
}

/** Up to this many targets are simply named. */
const NAME_LIMIT = 4;

/**
 * Summarises `subset` of `all` targets: whole kernel minor versions where the subset covers them all, as ranges
 * ("5.14 and newer", "4.18 to 5.4", "5.10 and older"), partially covered minors with a count ("5.4: 3 of 20"), and
 * targets without a version by name; then the count.
 */
export function summarizeTargets(subset: readonly string[], all: readonly TargetInfo[]): string {
  const n = subset.length;
  const noun = all.some((t) => t.kind === 'app') ? (n === 1 ? 'target' : 'targets') : n === 1 ? 'kernel' : 'kernels';
  if (n === all.length && n > 1) return `every ${noun.replace(/s$/, '')} (${n})`;
  if (n <= NAME_LIMIT) return subset.join(', ');
  const inSet = new Set(subset);
  const minors = new Map<string, { v: number[]; total: number; hit: number }>();
  const unversioned: string[] = [];
  for (const t of all) {
    if (!t.version || t.version.length < 2) {
      if (inSet.has(t.name)) unversioned.push(t.name);
      continue;
    }
    const key = `${t.version[0]}.${t.version[1]}`;
    const m = minors.get(key) ?? { v: [t.version[0]!, t.version[1]!], total: 0, hit: 0 };
    m.total++;
    if (inSet.has(t.name)) m.hit++;
    minors.set(key, m);
  }
  const order = [...minors.entries()].sort((a, b) => compareVersions(a[1].v, b[1].v));
  const parts: string[] = [];
  for (let i = 0; i < order.length;) {
    const [key, m] = order[i]!;
    if (m.hit === 0) {
      i++;
      continue;
    }
    if (m.hit < m.total) {
      parts.push(`${key}: ${m.hit} of ${m.total}`);
      i++;
      continue;
    }
    let j = i;
    while (j + 1 < order.length && order[j + 1]![1].hit === order[j + 1]![1].total) j++;
    const first = key;
    const last = order[j]![0];
    if (i === 0 && j === order.length - 1) parts.push(order.length === 1 ? first : `${first} to ${last}`);
    else if (j === order.length - 1) parts.push(`${first} and newer`);
    else if (i === 0 && i !== j) parts.push(`${last} and older`);
    else parts.push(i === j ? first : `${first} to ${last}`);
    i = j + 1;
  }
  if (unversioned.length) {
    parts.push(unversioned.length <= 3 ? unversioned.join(', ') : `${unversioned.slice(0, 3).join(', ')} and ${unversioned.length - 3} more`);
  }
  return parts.length === 1 ? `${parts[0]}, ${n} ${noun}` : `${parts.join(', ')}; ${n} ${noun}`;
}
