// One program, several arches: the live analysis runs once per arch present among the targets (as clang would build
// one object per arch), each arch's sites are relocated on that arch's targets, and the results are put back
// together so a diagnostic, a hover or a lens speaks about every target at once.
//
// Sites the arches agree on (same place, kind, local type, access and guards: nearly all of them) become one
// evaluation over every target. Sites only one arch has (`PT_REGS_PARM1(ctx)` is `ctx->di` on x86 and
// `ctx->regs[0]` on arm64) stay separate, evaluated on that arch's targets only, with that arch's local BTF.

import { Btf } from '../btf/reader';
import { Finding, FindingOptions, siteFindings } from './diagnostics';
import { LiveGuard, LiveSite, SiteEvaluation, SiteOnTarget, cmpKey } from './evaluate';

/** One arch's analysis of a program, relocated on the targets of that arch. */
export interface ArchEvaluation {
  /** The arch (normalised name), or undefined for targets whose arch nothing says. */
  readonly arch?: string;
  readonly local: Btf;
  readonly evals: readonly SiteEvaluation[];
  /** The targets these evaluations cover, in configuration order. */
  readonly targets: readonly string[];
}

/** Evaluations sharing a local BTF and a target set: what one siteFindings call can take. */
export interface EvaluationGroup {
  readonly local: Btf;
  readonly targets: readonly string[];
  readonly evals: SiteEvaluation[];
}

/** Every evaluation of a program across arches, with the local BTF each must be read with. */
export interface MergedEvaluations {
  /** Every evaluation in source order (merged ones hold the results of every arch that has the site). */
  readonly evals: readonly SiteEvaluation[];
  /** The same evaluations grouped for findings and inlay hints. */
  readonly groups: readonly EvaluationGroup[];
  /** Every target, in the order the arch evaluations listed them. */
  readonly targets: readonly string[];
  /** The local BTF an evaluation's site ids refer to. */
  localOf(ev: SiteEvaluation): Btf;
}

const guardKey = (g: LiveGuard): string => ('any' in g ? `(${g.any.map((alt) => alt.map(guardKey).join('&')).join('|')})` : `${g.kind}:${g.localType}:${g.access}:${g.when}${cmpKey(g.cmp)}`);
const posKey = (s: LiveSite) => `${s.range.start.line}:${s.range.start.character}-${s.range.end.line}:${s.range.end.character}`;
/** What makes two arches' sites the same relocation: clang would emit the same record in both objects. */
const siteKey = (s: LiveSite): string => {
  // per site object: the analysis hands back the same objects for the programs an edit did not touch
  let k = siteKeys.get(s);
  if (k === undefined) siteKeys.set(s, k = siteKeyOf(s));
  return k;
};
const siteKeys = new WeakMap<LiveSite, string>();
const siteKeyOf = (s: LiveSite) => `${posKey(s)}|${s.kind}|${s.localType}|${s.access}|${s.readSize ?? ''}${s.directLoad ? 'd' : ''}|${s.directBitfield ? 1 : 0}${s.plainPointer ? 'p' : ''}${s.tpArg ? `t${s.tpArg.tp}:${s.tpArg.arg}` : ''}${s.knob ? `k${s.knob}` : ''}${s.kver ? `v${s.kver.map((c) => `${c.when ? '' : '!'}${c.op}${c.v}`).join(',')}` : ''}|${s.guards.map(guardKey).join('&')}`;

/**
 * Puts per-arch evaluations back together. The arch with the most targets is the primary one: its sites (and local
 * BTF) stand for every arch that has the same site; the sites only other arches have are kept beside them.
 */
export function mergeArchEvaluations(parts: readonly ArchEvaluation[]): MergedEvaluations {
  const targets = parts.flatMap((p) => p.targets);
  const owner = new Map<SiteEvaluation, Btf>();
  if (parts.length <= 1) {
    const p = parts[0];
    const evals = p ? [...p.evals] : [];
    for (const ev of evals) owner.set(ev, p!.local);
    return {
      evals, targets, groups: p ? [{ local: p.local, targets: p.targets, evals }] : [],
      localOf: (ev) => owner.get(ev) ?? p!.local,
    };
  }
  const ordered = [...parts].sort((a, b) => b.targets.length - a.targets.length);
  const primary = ordered[0]!;
  // Primary sites with the other arches' maps to merge into them (built at the end, or reused when unchanged).
  const merged = primary.evals.map((ev) => ({ ev, arches: [primary], inputs: [] as Map<string, SiteOnTarget>[] }));
  const byKey = new Map<string, number[]>();
  merged.forEach((m, i) => {
    const k = siteKey(m.ev.site);
    const l = byKey.get(k);
    if (l) l.push(i); else byKey.set(k, [i]);
  });
  const extras: { part: ArchEvaluation; evals: SiteEvaluation[] }[] = [];
  for (const part of ordered.slice(1)) {
    // Multiset matching: the n-th site with a key pairs with the n-th primary site with that key.
    const used = new Map<string, number>();
    const mine: SiteEvaluation[] = [];
    for (const ev of part.evals) {
      const k = siteKey(ev.site);
      const n = used.get(k) ?? 0;
      const at = byKey.get(k)?.[n];
      if (at === undefined) {
        mine.push(ev);
        continue;
      }
      used.set(k, n + 1);
      merged[at]!.arches.push(part);
      merged[at]!.inputs.push(ev.targets);
    }
    if (mine.length) extras.push({ part, evals: mine });
  }
  // Keyed in two levels, never by a concatenation: a names key spans every target (10 KB at 500 targets), and a fresh
  // concatenated string is hashed in full on every lookup, where a kept key string hashes once.
  const groups = new Map<string, Map<string, EvaluationGroup>>();
  const addTo = (local: Btf, localKey: string, names: readonly string[], ev: SiteEvaluation, namesKey: string) => {
    let byNames = groups.get(localKey);
    if (!byNames) groups.set(localKey, byNames = new Map());
    let g = byNames.get(namesKey);
    if (!g) byNames.set(namesKey, g = { local, targets: names, evals: [] });
    g.evals.push(ev);
    owner.set(ev, local);
  };
  const all: SiteEvaluation[] = [];
  const targetsKey = targets.join('\u0000');
  for (const m of merged) {
    const ev: SiteEvaluation = m.arches.length === 1 ? m.ev : { site: m.ev.site, targets: mergedMap(m.ev.targets, m.inputs) };
    // per map: unchanged sites keep their maps, and equal sites share one, so this is rarely computed
    let nm = namesOfMap.get(ev.targets);
    if (!nm || nm.targetsKey !== targetsKey) {
      const names = targets.filter((t) => ev.targets.has(t));
      namesOfMap.set(ev.targets, nm = { targetsKey, names, key: names.join('\u0000') });
    }
    addTo(primary.local, 'primary', nm.names, ev, nm.key);
    all.push(ev);
  }
  extras.forEach(({ part, evals }, i) => {
    const namesKey = part.targets.join('\u0000');
    for (const ev of evals) {
      addTo(part.local, `extra${i}`, part.targets, ev, namesKey);
      all.push(ev);
    }
  });
  all.sort((a, b) => a.site.range.start.line - b.site.range.start.line || a.site.range.start.character - b.site.range.start.character);
  return { evals: all, targets, groups: [...groups.values()].flatMap((m) => [...m.values()]), localOf: (ev) => owner.get(ev) ?? primary.local };
}

/** The targets (in merge order) a per-target map covers, per map object and target list. */
const namesOfMap = new WeakMap<Map<string, SiteOnTarget>, { targetsKey: string; names: string[]; key: string }>();

/**
 * The merged map of a site whose inputs are the very maps of the previous merge (an unchanged site: the evaluation
 * memo hands back the same maps) is the previous merged map, so per-map summaries downstream stay cached.
 */
const mergedMemo = new WeakMap<Map<string, SiteOnTarget>, { inputs: Map<string, SiteOnTarget>[]; merged: Map<string, SiteOnTarget> }>();

function mergedMap(primary: Map<string, SiteOnTarget>, inputs: Map<string, SiteOnTarget>[]): Map<string, SiteOnTarget> {
  const have = mergedMemo.get(primary);
  if (have && have.inputs.length === inputs.length && have.inputs.every((m, i) => m === inputs[i])) return have.merged;
  const fresh = new Map(primary);
  for (const m of inputs) for (const [name, st] of m) fresh.set(name, st);
  mergedMemo.set(primary, { inputs, merged: fresh });
  return fresh;
}

/** Findings of merged evaluations: one siteFindings call per group, so each names exactly the targets it covers. */
export function mergedFindings(m: MergedEvaluations, opts: FindingOptions = {}): Finding[] {
  const out: Finding[] = [];
  for (const g of m.groups) out.push(...siteFindings(g.local, g.evals, g.targets, opts));
  return out.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
}
