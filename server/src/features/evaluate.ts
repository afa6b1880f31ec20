// Relocating live CO-RE sites (found in source) on every target, and deciding per target whether each site runs.
//
// A site runs on a target when every guard around it holds there: `if (bpf_core_field_exists(t->x)) read(t->x)`
// runs the read only where the check resolves non-zero. A failing site that does not run is what libbpf intends
// (the poisoned instruction is dead code the verifier drops), so it is not a problem.

import { Btf } from '../btf/reader';
import { CandidateCache, RelocationResult, relocate } from '../core/relocate';

/** Zero-based LSP-style position and range, kept free of LSP imports so the CLI can use this too. */
export interface Pos {
  line: number;
  character: number;
}
export interface Range {
  start: Pos;
  end: Pos;
}

/** An existence (or value) check under which a site runs. */
export interface LiveGuard {
  kind: number;
  typeId: number;
  localType: string;
  access: string;
  /** The site runs when the check is non-zero (true) or zero (false). */
  when: boolean;
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
  /** Set by the analysis for direct bitfield reads that bypass BPF_CORE_READ_BITFIELD. */
  directBitfield?: boolean;
  /** Width in bytes the program reads, when the read has a fixed width (direct loads, BPF_CORE_READ). */
  readSize?: number;
  /** The program (SEC function or subprogram) whose code holds the relocation, when the analysis knows it: a
   * helper inlined into two programs is one site per program. */
  program?: string;
}

export interface TargetRef {
  name: string;
  btf: Btf;
}

export interface SiteOnTarget {
  readonly result: RelocationResult;
  /** Whether the site's guards let it run on this target (undefined when a guard itself failed to resolve). */
  readonly runs: boolean | undefined;
  /** The first guard that switches it off here. */
  readonly offBy?: LiveGuard;
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
 * Relocates every site, and every guard, on every target. Sites go in source order through one candidate cache
 * per target, the closest live equivalent of libbpf's per-object pruning (clang emits records in code order).
 */
export function evaluateSites(localBtf: Btf, sites: readonly LiveSite[], targets: readonly TargetRef[]): SiteEvaluation[] {
  const caches = targets.map((t) => new CandidateCache(t, localBtf));
  const guardMemo = targets.map(() => new Map<string, RelocationResult>());
  return sites.map((site) => {
    const per = new Map<string, SiteOnTarget>();
    targets.forEach((t, i) => {
      const result = relocate(site, caches[i]!);
      let runs: boolean | undefined = true;
      let offBy: LiveGuard | undefined;
      for (const g of site.guards) {
        const key = `${g.kind}:${g.typeId}:${g.access}`;
        let r = guardMemo[i]!.get(key);
        if (!r) {
          r = relocate(g, caches[i]!);
          guardMemo[i]!.set(key, r);
        }
        if (r.status !== 'ok' || r.value === undefined) {
          runs = undefined;
          continue;
        }
        if ((r.value !== 0n) !== g.when) {
          runs = false;
          offBy = g;
          break;
        }
      }
      per.set(t.name, { result, runs, offBy });
    });
    return { site, targets: per };
  });
}
