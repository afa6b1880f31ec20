// clang's merge of repeated CO-RE relocations: which site copies of one program share the relocation of an earlier
// one, so that a count of the program's sites equals the count of clang's .BTF.ext records.
//
// Why: BPFAbstractMemberAccess turns each CO-RE access into a load of a module-wide global named by (type, kind,
// access) and the BPF backend writes one record per load of it left after -O2 (one per memory instruction for a
// direct load it folds into: BPFMISimplifyPatchable). Measured with clang 14 -g -O2 -target bpf (see README,
// "clang's merge of repeated relocations"):
//   - a check's value (field_exists, type_exists, enum values, ...) and an address (a BPF_CORE_READ hop, `&p->f`)
//     merge with an earlier one of the same triple whenever the earlier dominates: across helper calls, asm
//     barriers, stores, other bases (`BPF_CORE_READ(t, pid) + BPF_CORE_READ(u, pid)` is one record), an early
//     return and code after an if/else; not with one inside an arm of an if, ?:, && or || (two records), nor across
//     a switch (measured: two where dominance says one);
//   - a direct scalar load (`t->pid`) merges only with an earlier load of the same field through the same pointer
//     with nothing between that may write memory (a call, asm, a store other than to a local variable) and no
//     control flow: its record sits on the load instruction itself, and a second load is a second record;
//   - stores, read-modify-writes, bitfields, packed loads, memcpy copies, unrolled copies never merge (several
//     records per access, modelled in sites.ts).
// A rule unsure leaves the site unmerged (the count before this pass): everything not listed above is that.
// What this decides is only the count: a merged site still relocates (through the shared load) and keeps its
// diagnostics; counting code skips `Site.merged`.

import type { Site } from './analyzer';
import type { CallRef, FlowEv, RawSite } from './sites';

/** What the replay needs from the call-context expansion (contexts.ts), for one inlined copy of a function. */
export interface FlowCopy {
  /** The value a pointer variable of this copy names (a parameter: the caller's variable passed to it, if any). */
  id(name: string): string;
  /** The public site of `r` in this copy, or undefined when this copy does not keep it (a folded condition). */
  site(r: RawSite): Site | undefined;
  /** The inlined callee's events and copy; undefined when the call is not inlined here (or dropped). */
  enter(call: CallRef, bases: (string | undefined)[] | undefined): { flow: FlowEv[]; earlyReturn: boolean; copy: FlowCopy } | undefined;
}

/** Marks `merged` on every site copy of one program whose relocation clang shares with an earlier one. */
export function markMerged(flow: FlowEv[], copy: FlowCopy): void {
  run(flow, new Set(), new Set(), copy, 0);
}

const keyOf = (s: Site): string => `${s.kind}|${s.typeId}|${s.access}`;

/** `avail`: checks and addresses loaded on every path to here; `loads`: direct loads since the last clobber. */
function run(evs: FlowEv[], avail: Set<string>, loads: Set<string>, copy: FlowCopy, depth: number): void {
  for (const e of evs) {
    if ('s' in e) {
      if (e.c === 'x') continue;
      const s = copy.site(e.s);
      if (!s || (s.copies ?? 1) > 1 || s.unalignedLoad || s.unreached) continue;
      if (e.c === 'l') {
        const k = `${copy.id(e.b!)}/${s.readSize}|${keyOf(s)}`;
        if (loads.has(k)) s.merged = true; else loads.add(k);
      } else {
        if (e.c === 'a' && e.b === undefined) continue;
        const k = e.c === 'a' ? `a|${copy.id(e.b!)}|${keyOf(s)}` : `v|${keyOf(s)}`;
        if (avail.has(k)) s.merged = true; else avail.add(k);
      }
    } else if ('call' in e) {
      loads.clear();
      if (e.call.twin || depth > 24) continue;
      const sub = copy.enter(e.call, e.bases);
      if (!sub) continue;
      // a call sunk out of an if/else runs after the join: nothing of either arm is available to it
      if (e.call.sunk) run(sub.flow, new Set(), new Set(), sub.copy, depth + 1);
      // an early return joins the callee's end from elsewhere: what it loads is not available after it
      else if (sub.earlyReturn) run(sub.flow, new Set(avail), new Set(), sub.copy, depth + 1);
      else run(sub.flow, avail, new Set(), sub.copy, depth + 1);
      loads.clear();
    } else if ('cut' in e) {
      loads.clear();
      if (e.all) avail.clear();
    } else {
      loads.clear();
      run(e.sub, e.fresh ? new Set() : new Set(avail), new Set(), copy, depth);
      loads.clear();
    }
  }
}
