// Relocating live CO-RE sites (found in source) on every target, and deciding per target whether each site runs.
//
// A site runs on a target when every guard around it holds there: `if (bpf_core_field_exists(t->x)) read(t->x)`
// runs the read only where the check resolves non-zero. A failing site that does not run is what libbpf intends
// (the poisoned instruction is dead code the verifier drops), so it is not a problem.

import { Btf } from '../btf/reader';
import { RelocationMemo } from '../core/memo';
import { RelocationInput, RelocationResult } from '../core/relocate';

/** Zero-based LSP-style position and range, kept free of LSP imports so the CLI can use this too. */
export interface Pos {
  line: number;
  character: number;
}
export interface Range {
  start: Pos;
  end: Pos;
}

/** One conjunct of the condition a site runs under: a check, or a disjunction of conjunctions of guards. */
export type LiveGuard = LiveCheckGuard | LiveAnyGuard;

/** Holds when every guard of at least one alternative holds. */
export interface LiveAnyGuard {
  any: LiveGuard[][];
}

/** Every single check a guard is made of, in the order written (each is a relocation of the object). */
export function guardChecks(g: LiveGuard): LiveCheckGuard[] {
  return 'any' in g ? g.any.flatMap((alt) => alt.flatMap(guardChecks)) : [g];
}

/** A guard as C-like text, each check spelled by `check` (`(!a || !b)` for a disjunction). */
export function guardText(g: LiveGuard, check: (c: LiveCheckGuard) => string): string {
  if (!('any' in g)) return g.cmp ? `${g.when ? '' : '!'}(${g.cmp.mask !== undefined ? `(${check(g)} & ${g.cmp.mask})` : check(g)} ${g.cmp.op} ${g.cmp.v})` : `${g.when ? '' : '!'}${check(g)}`;
  return `(${g.any.map((alt) => alt.map((h) => guardText(h, check)).join(' && ')).join(' || ')})`;
}

/** An existence (or value) check under which a site runs. */
export interface LiveCheckGuard {
  kind: number;
  typeId: number;
  localType: string;
  access: string;
  /** The site runs when the check is non-zero (true) or zero (false); with `cmp`, when `value op v` is. */
  when: boolean;
  /** The check's value compared with a constant (`bpf_core_field_size(x) == 2`), folded per target like the
   * existence checks: the value is the relocation's, exactly as libbpf patches it. */
  cmp?: { op: '==' | '!=' | '<' | '<=' | '>' | '>='; v: number; mask?: number };
  range?: Range;
}

/** A relocation found in source: what clang will emit, where, and under which checks. */
export interface LiveSite {
  kind: number;
  typeId: number;
  localType: string;
  access: string;
  range: Range;
  guards: LiveGuard[];
  /** Never loaded (see analyzer.ts Site.idle): runs on no target, whatever its guards. */
  idle?: boolean;
  /** Set by the analysis for direct bitfield reads that bypass BPF_CORE_READ_BITFIELD. */
  directBitfield?: boolean;
  /** The bitfield's pointer is BTF-typed (see analyzer.ts Site.btfPointer). */
  btfPointer?: boolean;
  /** A direct load through a plain number (see analyzer.ts Site.plainPointer). */
  plainPointer?: boolean;
  /** tp_err_args: a direct load through this tp_btf argument of the program's tracepoint (0-based, the kernel's argN):
   * a plain number on the kernels whose btf_ctx_access marks it as possibly an error (verdict/rawtp.ts), per target. */
  tpArg?: { tp: string; arg: number };
  /** Runs only when this `const volatile` knob is set to other than its default (see analyzer.ts Site.knob). */
  knob?: string;
  /** Runs only where these LINUX_KERNEL_VERSION comparisons hold (see analyzer.ts Site.kver). */
  kver?: { op: '==' | '!=' | '<' | '<=' | '>' | '>='; v: number; when: boolean }[];
  /** A load with no relocation (see analyzer.ts Site.plainRead): only its guards are relocated; its label. */
  plainRead?: string;
  /** Width in bytes the program reads, when the read has a fixed width (direct loads, BPF_CORE_READ). */
  readSize?: number;
  /** The fixed-width read is a direct load, which libbpf resizes or poisons (see analyzer.ts Site.directLoad). */
  directLoad?: boolean;
  /** The program (SEC function or subprogram) whose code holds the relocation, when the analysis knows it: a
   * helper inlined into two programs is one site per program. */
  program?: string;
  /** clang shares this copy's relocation with an earlier one (see analyzer.ts Site.merged): counted once. */
  merged?: boolean;
}

export interface TargetRef {
  name: string;
  btf: Btf;
  /**
   * Bumped by the owner whenever the BTF behind this name changes (reload, new slice). With it, memoised results
   * (EvaluationMemo) are keyed by (name, generation) and survive the BTF object being swapped for an equivalent
   * one; without it they are keyed by the BTF object (safe, but not shared with a replacement).
   */
  generation?: number;
}

export interface SiteOnTarget {
  readonly result: RelocationResult;
  /** Whether the site's guards let it run on this target (undefined when a guard itself failed to resolve). */
  readonly runs: boolean | undefined;
  /**
   * The first guard that switches it off here. With an EvaluationMemo, the map of an unchanged site is reused from
   * an earlier evaluation: this is then an equal guard of that analysis (same check; its range may be older).
   */
  readonly offBy?: LiveGuard;
  /** Index of `offBy` in the site's guards (stable across analyses, unlike the guard object). */
  readonly offByIndex?: number;
  /** `runs` is undefined only because a guard's own relocation is poisoned here (poisoned_guards): the verifier
   * stops at that poisoned check, the object path's walk goes on past it into both of its branches. */
  readonly pastPoison?: boolean;
  /**
   * Size of the field the site ends at on this target, for results shipped without their target spec (the
   * `check` workers drop each target's BTF, and the spec with it); diagnostics use it when the spec is absent.
   */
  readonly targetFieldSize?: number;
}

export interface SiteEvaluation {
  readonly site: LiveSite;
  readonly targets: Map<string, SiteOnTarget>;
}

/**
 * What an evaluation can reuse from the previous ones of the same document: relocation results per (target,
 * root-type program) and, per site, its whole per-target map when nothing it depends on changed. Keep one per
 * document; it holds about two evaluations' worth of results (older entries are dropped after each evaluation).
 */
export class EvaluationMemo {
  readonly relocations: RelocationMemo;
  /** The same for plainAccessFindings (its relocations go through candidate caches of their own). */
  readonly plain: RelocationMemo;
  /** `shared: false`: a memo for one evaluation only (what evaluateSites uses when given none). */
  constructor(opts: { shared?: boolean } = {}) {
    this.relocations = new RelocationMemo(opts);
    this.plain = new RelocationMemo(opts);
  }
  private readonly siteMaps = new Map<string, { used: number; targets: Map<string, SiteOnTarget> }>();
  private clock = 0;

  /** The per-target map of a site whose key was seen by this or the previous evaluation. */
  siteMap(key: string): Map<string, SiteOnTarget> | undefined {
    const e = this.siteMaps.get(key);
    if (e) e.used = this.clock;
    return e?.targets;
  }

  remember(key: string, targets: Map<string, SiteOnTarget>): void {
    this.siteMaps.set(key, { used: this.clock, targets });
  }

  begin(): void {
    this.clock++;
  }

  end(): void {
    for (const [k, e] of this.siteMaps) if (e.used < this.clock - 1) this.siteMaps.delete(k);
    this.relocations.sweep();
  }
}

/**
 * Relocates every site, and every guard, on every target. Relocations go through one candidate cache per target in
 * the order clang emits them (libbpf prunes candidate lists in that order): per site in source order, first its
 * guards (the checks precede the code they guard; each distinct check once, where it first appears), then the site.
 * Every guard is relocated on every target, as libbpf relocates every record of an object whatever runs.
 *
 * With a memo, an edit that keeps every CO-RE access costs O(sites), independent of the number of targets: sites
 * whose inputs are unchanged get their previous per-target map back. Results are the same with or without it.
 */
export function evaluateSites(localBtf: Btf, sites: readonly LiveSite[], targets: readonly TargetRef[], memo?: EvaluationMemo): SiteEvaluation[] {
  const m = memo ?? new EvaluationMemo({ shared: false });
  m.begin();
  try {
    // The relocation calls, in order (target-independent), and each site's call and guards' calls.
    const calls: RelocationInput[] = [];
    const guardCall = new Map<string, number>();
    const callOf = (g: LiveCheckGuard): number => {
      const key = `${g.kind}:${g.typeId}:${g.access}`;
      let c = guardCall.get(key);
      if (c === undefined) {
        guardCall.set(key, (c = calls.length));
        calls.push({ kind: g.kind, typeId: g.typeId, access: g.access });
      }
      return c;
    };
    const planOf = (g: LiveGuard): GuardPlan => ('any' in g ? { any: g.any.map((alt) => alt.map(planOf)) } : callOf(g));
    const plan = sites.map((site) => {
      const guards = site.guards.map(planOf);
      // a plain read relocates nothing of its own: only whether it runs is asked (PLAIN_READ stands for its result)
      if (site.plainRead !== undefined) return { call: -1, guards };
      calls.push({ kind: site.kind, typeId: site.typeId, access: site.access });
      return { call: calls.length - 1, guards };
    });
    const prep = m.relocations.prepare(localBtf, calls, targets);
    const setKey = m.relocations.targetSetKey(prep);
    const gkey = (g: LiveGuard, p: GuardPlan): string => (typeof p === 'number'
      ? `${(g as LiveCheckGuard).when ? '+' : '-'}${prep.callIds[p]}${cmpKey((g as LiveCheckGuard).cmp)}`
      : `(${p.any.map((alt, i) => alt.map((q, j) => gkey((g as LiveAnyGuard).any[i]![j]!, q)).join(',')).join('|')})`);
    const keys = plan.map((p, i) => `${setKey}\u0002${sites[i]!.idle ? 'idle|' : ''}${p.call < 0 ? 'plain' : prep.callIds[p.call]}|${sites[i]!.guards.map((g, j) => gkey(g, p.guards[j]!)).join(',')}`);
    const maps = keys.map((k) => m.siteMap(k));
    // Only the sites without a map of their own need relocation results, and only for their own calls.
    const needed: number[] = [];
    const callsIn = (p: GuardPlan): number[] => (typeof p === 'number' ? [p] : p.any.flatMap((alt) => alt.flatMap(callsIn)));
    maps.forEach((map, i) => { if (!map) needed.push(...(plan[i]!.call < 0 ? [] : [plan[i]!.call]), ...plan[i]!.guards.flatMap(callsIn)); });
    const results = needed.length ? m.relocations.resolve(prep, needed) : [];
    return sites.map((site, si) => {
      // A site equal to an earlier one of this evaluation (same calls, same guards) shares its map.
      let per = maps[si] ?? m.siteMap(keys[si]!);
      if (!per) {
        per = new Map<string, SiteOnTarget>();
        const { call, guards } = plan[si]!;
        targets.forEach((t, ti) => {
          const r = results[ti]!;
          let runs: boolean | undefined = !site.idle;
          let offByIndex: number | undefined;
          let pastPoison = true;
          for (let gi = 0; gi < guards.length && runs !== false; gi++) {
            const v = holds(site.guards[gi]!, guards[gi]!, r);
            if (v === undefined) {
              runs = undefined;
              if (!callsIn(guards[gi]!).some((c) => r[c]!.status === 'poison')) pastPoison = false;
              continue;
            }
            if (!v) {
              runs = false;
              offByIndex = gi;
              break;
            }
          }
          const result = call < 0 ? PLAIN_READ : r[call]!;
          per!.set(t.name, offByIndex === undefined
            ? { result, runs, ...(runs === undefined && pastPoison && POISONED_GUARDS ? { pastPoison: true } : {}) }
            : { result, runs, offBy: site.guards[offByIndex], offByIndex });
        });
        m.remember(keys[si]!, per);
      }
      return { site, targets: per };
    });
  } finally {
    m.end();
  }
}

/** CORELENS_POISONED_GUARDS=0: a site under a guard whose check is poisoned on a target is never `pastPoison`. */
const POISONED_GUARDS = process.env.CORELENS_POISONED_GUARDS !== '0';

/** What a plain read (LiveSite.plainRead) stands on: nothing to relocate, so nothing fails. */
export const PLAIN_READ: RelocationResult = {
  kind: 0, status: 'ok', validate: false, localSize: 0, targetSize: 0, failMemszAdjust: false, targetTypeId: 0, candidates: 0, matched: 0,
};

/** A guard's relocation calls: the call index of a check, or the same shape as a disjunction. */
type GuardPlan = number | { any: GuardPlan[][] };

/**
 * Whether a guard holds on a target, from the relocated checks `r` (Kleene logic: undefined when a check failed to
 * resolve and the others do not decide). A disjunction holds when one alternative holds entirely.
 */
function holds(g: LiveGuard, p: GuardPlan, r: readonly RelocationResult[]): boolean | undefined {
  if (typeof p === 'number') {
    const x = r[p]!;
    if (x.status !== 'ok' || x.value === undefined) return undefined;
    const c = (g as LiveCheckGuard).cmp;
    if (!c) return (x.value !== 0n) === (g as LiveCheckGuard).when;
    const v = compare(x.value, c);
    return v === undefined ? undefined : v === (g as LiveCheckGuard).when;
  }
  let out: boolean | undefined = false;
  p.any.forEach((alt, i) => {
    if (out === true) return;
    let all: boolean | undefined = true;
    for (let j = 0; j < alt.length && all !== false; j++) {
      const v = holds((g as LiveAnyGuard).any[i]![j]!, alt[j]!, r);
      if (v === false) all = false;
      else if (v === undefined) all = undefined;
    }
    if (all === true) out = true;
    else if (all === undefined) out = undefined;
  });
  return out;
}

/** A guard's comparison as a key part ('' without one). */
export function cmpKey(c: LiveCheckGuard['cmp']): string {
  return c ? `${c.mask !== undefined ? `&${c.mask}` : ''}${c.op}${c.v}` : '';
}

/**
 * `value op v` for a relocated check value (what libbpf patches into the instruction). Equality compares the 64-bit
 * patterns (clang compares a 64-bit value with the constant converted to its type); an ordering is decided only
 * when both sides are non-negative and below 2^31, where signed and unsigned comparisons agree (undefined else).
 */
function compare(value: bigint, c: NonNullable<LiveCheckGuard['cmp']>): boolean | undefined {
  const k = BigInt(c.v);
  if (c.mask !== undefined) value = BigInt.asUintN(64, value) & BigInt(c.mask);
  if (c.op === '==' || c.op === '!=') return (BigInt.asUintN(64, value) === BigInt.asUintN(64, k)) === (c.op === '==');
  const small = (x: bigint) => x >= 0n && x < 0x80000000n;
  if (!small(value) || !small(k)) return undefined;
  switch (c.op) {
    case '<': return value < k;
    case '<=': return value <= k;
    case '>': return value > k;
    default: return value >= k;
  }
}

/** kver_guards: whether a site under these LINUX_KERNEL_VERSION comparisons never runs on a machine of this version
 * (one of them decided false there); the check engine and the editor's findings both ask it. */
export function kverRulesOut(kver: LiveSite['kver'], version: number | readonly [number, number] | undefined): boolean {
  return !!kver && version !== undefined && kver.some((c) => kverHolds(c, version) === false);
}

/** Whether `LINUX_KERNEL_VERSION op v` is `when` on a machine of this version (a range: Ubuntu's unknown patch
 * level), undefined when the range does not decide it. */
function kverHolds(c: NonNullable<LiveSite['kver']>[number], version: number | readonly [number, number]): boolean | undefined {
  const at = (x: number): boolean => {
    switch (c.op) {
      case '==': return x === c.v;
      case '!=': return x !== c.v;
      case '<': return x < c.v;
      case '<=': return x <= c.v;
      case '>': return x > c.v;
      case '>=': return x >= c.v;
    }
  };
  const [lo, hi] = typeof version === 'number' ? [version, version] : version;
  // every comparison is monotonic in x or true at one point only: the ends decide unless v lies between them
  const a = at(lo);
  if (a !== at(hi) || (lo < c.v && c.v < hi && (c.op === '==' || c.op === '!='))) return undefined;
  return a === c.when;
}
