// clang's merge of repeated CO-RE relocations: which site copies of one program share the relocation of an earlier
// one, so that a count of the program's sites equals the count of clang's .BTF.ext records.
//
// Why: BPFAbstractMemberAccess turns each CO-RE access into a load of a module-wide global named by (type, kind,
// access); the BPF backend turns each load left after -O2 into an instruction carrying the relocation (a LD_imm64 or
// MOV of its value, or the memory instruction it folds into: BPFMISimplifyPatchable), one record each. Measured with
// clang 14 -g -O2 -target bpf (README, "clang's merge of repeated relocations"):
//   - checks (field_exists, type_exists, enum values...) and addresses (a BPF_CORE_READ hop, `&p->f`): MachineCSE
//     reuses an earlier identical instruction whose block dominates this one and is this block or an immediate
//     predecessor (the instruction is as cheap as a move); calls, stores and asm do not stop it. An address merges
//     only from the same pointer value (a parameter never written, a variable's version, followed through inlined
//     calls' arguments); other pointers: see `adj`;
//   - adj (a register-pressure HEURISTIC, measured on five real projects and our corpus, README): the relocation of
//     an address is a MOV of the offset that MachineCSE shares across pointers; the helper call of each probe read
//     clobbers r0-r5, so the next read reuses it only from a callee-saved register (r6-r9), else the allocator
//     rematerialises the MOV per use (a record each). Modelled: an address right after an address of the same
//     relocation in the same block (nothing relocated between) merges when the pointers live across the gap plus
//     the offset fit in r6-r9; in an unrolled loop, copies pair within one iteration. Globals' addresses and kept
//     locals are not counted (a wrong merge there is a missing record: none on the corpus, 1 in tracee's 34,753);
//   - gap (a register-pressure HEURISTIC like `adj`, round 8): the same relocation one address back in the run, with
//     one other relocation's read between (`BPF_CORE_READ(BPF_CORE_READ(BPF_CORE_READ(t, group_leader),
//     real_parent), group_leader)`): merges when the pointers crossing the reads between plus the offset fit in
//     three registers, with the offsets earlier gap merges keep across them; in unrolled bodies within an iteration;
//   - early: an inlined helper's arm that only returns (`if (!ns) return 0;`) is folded into the return's phi, so
//     the caller's code after the call has the helper's block as an immediate predecessor (what every return had
//     available stays available there);
//   - straight: a loop LLVM unrolls fully whose body is only arithmetic and stores is no block boundary;
//   - guard: a while/for over an unknown count is rotated behind a guard branching from the block before it to the
//     code after it, which has that block as an immediate predecessor;
//   - a direct scalar load (`t->pid`) merges with an earlier one through the same pointer in the same statement with
//     nothing between that may write memory (SelectionDAG); so does, across statements of one block, a pointer
//     loaded and dereferenced at once (`hop`: `seq = ctx->meta->seq; num = ctx->meta->seq_num;`, one record: used
//     in its own block, LLVM never sinks that load away, unlike a value kept for a later statement);
//   - a short circuit's right side R dominates what it alone decides (`if (L || R) return;` what follows, `||`'s
//     else arm, `&&`'s then arm; R's block is their immediate predecessor): R's addresses are available there;
//   - never: stores, read-modify-writes, bitfields, packed loads, memcpy's second record, anything in a loop (LLVM
//     unrolls small constant loops unasked, LICM hoists) but `adj` and same-pointer addresses within one iteration of
//     an unrolled body, across a switch.
//   - rolled: the per-iteration copies of a call a loop passes its induction variable (sites.ts splits them) count
//     once per callee position where LLVM keeps the loop rolled (SplitLoop.rolled: a helper call stops the unroll
//     simulation and the plain size test fails): see rolledCopies;
//   - labels: code after an exit runs again at a label (a case, a goto target), in a block of its own;
//   - twins: two identical arms (addresses only, not in loops) are one block after SimplifyCFG: see twinOf; a
//     switch's arms that repeat an earlier arm's code (straight-line, same way out) too: sites.ts armTwins;
//   - diamond: an asm taking a comparison's value in a register (`barrier_var(b)`, b = bpf_ksym_exists(..)) makes it a
//     select, a branch over one move (BPF has no setcc): a block boundary even with nothing relocated in it;
//   - chains: an if-else chain comparing one value with constants is a switch, lowered to a compare per case: its
//     arms, empty ones too, are blocks (FlowEv `sw`), so the block before it is no immediate predecessor after it;
//   - prefix: a struct copy out of `p->a.m` has its second record only where an access through p + a dominates it
//     (FlowEv `pk`/`need`; sites.ts structCopySecondSite);
//   - sunk: two arms ending in the same helper call whose relocated operands differ share their identical reads: see
//     sunkOf;
//   - implied: an if whose comparison of two byte pointers (`data + 34 > data_end`) the dominating path already
//     decided (an earlier `if (same) return;`, or the arm it is in) is folded by JumpThreading: only the arm it takes
//     is emitted, the other arm's sites are counted like merged ones (ecapture's inlined skb_revalidate_data after
//     capture_packets' first bounds check; measured with -print-after-all: JumpThreadingPass drops the pull and the
//     reloads). Only the same comparison of the same values (a local passed as `&x` to an inlined helper is its
//     `*param` there); another predicate or the operands swapped, which LLVM also folds in small programs, are left;
//   - frame: a __builtin_memcpy into a local aggregate's member (`&indexer.src.in6_u`) addresses it as
//     `stack slot + relocation`, the member offsets folded into each access's displacement: within one block with no
//     call between, the copies share that one value (tracee's and kubeshark's indexer: four records in the model, one
//     in clang). Stores into a local's members were measured both ways (one record for two u6_addr32[0] stores, two
//     for kyanos's two sa_family stores): not modelled;
//   - succ: the block after an if whose other ways exit (an early return, an inlined helper's `if (!x) return 0;`)
//     has the block before the branch as its one immediate predecessor: `adj` goes on there (ptcpdump's handle_fork);
//   - thread: an if on an inlined helper's value that helper returns as `L || R` (`if (is_kernel_thread(t)) return;`)
//     is jump-threaded into R's branch: the `sc` rule applies as if the short circuit were the if's own condition;
//   - hoist: an if/else both of whose arms first branch on the same check (`if (failed) fmt = sane ? A : B; else
//     fmt = sane ? C : D;`, retsnoop): SimplifyCFG hoists the identical load into the if's block, one record;
//   - GVN: a check that decides an if statement (`cond`) is the value of an earlier identical one that decided an if
//     and dominates it, when nothing that may write a global lies between on any path (`clob`: a call not inlined,
//     a probe read, a store through a pointer, asm; not a store to a named variable, which BasicAA tells apart from
//     the CO-RE global): one record however many blocks apart. Only conditions: a check kept as a value may be
//     copied (into r0 for a return), and the register allocator rematerialises the copy as a second record.
//   - jt: an if on an inlined helper's value (`if (!f(..)) return 0;`) whose returns are all constants is threaded
//     by JumpThreading: the code after it has the blocks of the returns whose constant reaches it as immediate
//     predecessors, with what dominates all of them (huatuo's should_process_device: `if (!COUNT) return 1;` leaves
//     the caller's block a predecessor there);
//   - tails: an arm ending `X; return;` and the function's own last statement X, the same code on the same values, are
//     one block (SimplifyCFG sinks the return's predecessors' identical code: OBI's server_or_client_trace twice).
//   - tailsink: the identical events ending both arms of an if/else (a helper call among them) are sunk into the join
//     (SinkCommonCodeFromPredecessors): the else arm's copies of those reads are merged: see tailSunkOf;
//   - cof (register pressure, like `adj`): in a fully unrolled list walk, container_of's offset (`&((T *)0)->m`)
//     after `&cur->m` in the same block shares its MOV when the loop's register values leave it room: see COF.
//   - pre (pre18, pre19): GVN's load PRE and full redundancy of a relocation's global at a join (an if's arms, the
//     edge from the branching block, a switch's breaks): see PRE and preJoin.
//   - rolled_remat (register pressure, like `cof`): a check a rolled loop's body tests first is hoisted by MachineLICM
//     and, with r6-r9 taken, rematerialised after each helper call in the body's arms: see rolledRemat.
//   - copy_checks (register pressure, like `alt`): a fully unrolled body without a branch is one block, so MachineCSE
//     keeps a check's first MOV for every copy when the allocator has a callee-saved register for it: see copyChecks;
//     alt_checks: a walk's copies alternate a check as `alt` does addresses, when a register is spare (see alternate).
//     alt_inv: an address through a pointer the loop never writes alternates whatever the pressure, and its copy in
//     the sunk exit arm reuses copy 0's (see alternate);
// Not modelled (measured, README): GVN's load PRE where the rule above does not reach (falco's READ_TASK_FIELD_INTO,
// a probe read in one arm between, where MachineCSE may merge the inserted load again under register pressure);
// a check returned by an inlined helper and tested by the caller;
// SimplifyCFG hoisting both arms' identical first instruction beyond `hoist`'s checks (an address, a load); the
// register allocator rematerialising one merged offset per stretch of code (different pointers, unrolled walks). A
// rule unsure leaves the site unmerged (the count before this pass). What this decides is only the count: a merged copy still relocates (through the shared instruction) and keeps its verdict and diagnostics;
// counting code skips `Site.merged`.

import { ReloKind } from '../core/kinds';
import type { Site } from './analyzer';
import { HOIST_CALLS } from './sites';
import type { CallRef, CondKey, FlowEv, RawSite } from './sites';

/**
 * How the replay copies its states' maps and sets. `new Map(m)` / `new Set(s)` walk their argument with the iterator
 * protocol: in code not yet optimised (the replay runs mostly once, in a first analysis) each entry allocates an
 * iterator result and a `[key, value]` pair; `forEach` allocates neither. The copy is the same either way (same
 * entries, same order). CORELENS_CSE_COPY=0 goes back to the constructors; tests flip `on` and count `copies`.
 */
export const cseCopies = { on: process.env.CORELENS_CSE_COPY !== '0', copies: 0 };

/** A copy of `m` (see cseCopies). */
function copyMap<K, V>(m: Map<K, V>): Map<K, V> {
  if (!cseCopies.on) return new Map(m);
  cseCopies.copies++;
  const c = new Map<K, V>();
  m.forEach((v, k) => { c.set(k, v); });
  return c;
}

/** A copy of `s` (see cseCopies). */
function copySet<T>(s: Set<T>): Set<T> {
  if (!cseCopies.on) return new Set(s);
  cseCopies.copies++;
  const c = new Set<T>();
  s.forEach((v) => { c.add(v); });
  return c;
}

/** What the replay needs from the call-context expansion (contexts.ts), for one inlined copy of a function. */
export interface FlowCopy {
  /** The value a pointer variable of this copy names (a parameter: the caller's variable passed to it, if any). */
  id(name: string): string;
  /** The constant a parameter of this copy is given (a literal or a local holding one), if any. */
  konst(name: string): bigint | undefined;
  /** The public site of `r` in this copy, or undefined when this copy does not keep it (a folded condition). */
  site(r: RawSite): Site | undefined;
  /** This copy's function's parameter names (`far`: what an inlined call is given is a value from the call on). */
  params?(): string[];
  /** Whether pointer parameter `name` of this copy points at a caller's local that caller reads by value (`tails`). */
  outLive?(name: string): boolean;
  /** The inlined callee's events and copy; undefined when the call is not inlined here (or dropped). */
  enter(call: CallRef, bases: (string | undefined)[] | undefined, mem?: (string | undefined)[], kargs?: (bigint | undefined)[], live?: (true | string | undefined)[]): { flow: FlowEv[]; copy: FlowCopy } | undefined;
}

/** Marks `merged` on every site copy of one program whose relocation clang shares with an earlier one. */
export function markMerged(flow: FlowEv[], copy: FlowCopy, params: (string | undefined)[] = []): void {
  const st: State = { avail: new Map(), facts: new Map(), frame: new Map(), calls: { n: 0 }, helpers: { n: 0 }, gvn: new Map(), clob: { n: 0 }, named: { n: 0 }, loads: new Set(), cur: 0, preds: new Set(), exited: false, rets: [], next: { n: 1 },
    seq: { n: 0 }, lastUse: new Map(), firstUse: new Map(), lastAny: new Map(), firstAny: new Map(), defSeq: new Map(), spans: [], alias: new Map(), cands: [], copyc: [] };
  // the program's own parameters are in registers from its entry
  for (const p of params) if (p !== undefined) { st.firstUse.set(copy.id(p), -1); st.firstAny.set(copy.id(p), -1); }
  run(flow, st, copy, 0, true);
  // copy_checks: with the pointers live across the whole loop (used before it and after it: the allocator spills
  // one of them or rematerialises the check, measured both) no room is left for the check
  for (const c of st.copyc ?? []) {
    let cross = 0;
    for (const [id, last] of st.lastUse) if ((st.firstUse.get(id) ?? last) < c.from && last >= c.to) cross++;
    if (c.regs + cross > CALLEE_SAVED) continue;
    for (const x of c.checks) { if (x.copies) x.s.mergedCopies = x.copies; else x.s.merged = true; }
  }
  // register pressure (adjacent addresses through other pointers, `adj`): the shared offset stays in a callee-saved
  // register (r6-r9) across the first read's probe-read call only when, with the pointers still used after it, it
  // fits in those four; otherwise the allocator rematerialises it, one record per read
  if (!st.cands.length) return;
  // live at seq = first <= seq <= last (first <= last always): (firsts <= seq) - (lasts < seq), two sorted lists
  const firsts: number[] = [];
  const lasts: number[] = [];
  for (const [id, last] of st.lastUse) { firsts.push(st.firstUse.get(id) ?? last); lasts.push(last); }
  firsts.sort((a, b) => a - b);
  lasts.sort((a, b) => a - b);
  // gap offsets kept so far (each from its earlier read to its merged one): they cross the reads between too
  const held: { from: number; seq: number }[] = [];
  // far: the values the replay saw and the same-pointer spans, as sorted bounds (built at the first far candidate)
  let any: { firsts: number[]; lasts: number[]; from: number[]; to: number[] } | undefined;
  for (const c of st.cands) {
    const live = below(firsts, c.seq + 1) - below(lasts, c.seq);
    // gap: the offset is held from the earlier read to this one, across the calls of the reads from the earlier one
    // on: what crosses each of those calls (used at or before it and after it) shares r6-r9 with it
    // cof: the offset crosses the probe read between; what else does in registers: the pointers live there and the
    // scalars the unrolled loop keeps
    if (c.regs !== undefined) {
      const inv = new Set((c.inv ?? []).filter((id) => !((st.firstUse.get(id) ?? Infinity) <= c.seq && c.seq <= (st.lastUse.get(id) ?? -Infinity)))).size;
      if (live + c.regs + inv + 1 <= COF_REGS) c.s.merged = true;
      continue;
    }
    if (c.far !== undefined) {
      // far, offsets competing: another offset held across some of the same calls (a far or gap candidate whose
      // span overlaps this one's) weighs about the same to the allocator, which keeps one of them or neither
      // (measured: neither in four shapes of ours, one in a fifth): left unmerged
      const f = c.far;
      if (FAR_ALONE && st.cands.some((o) => o !== c && (o.far ?? o.from) !== undefined && (o.far ?? o.from)! < c.seq && f < o.seq)) continue;
      // far: every value the replay sees crossing each read between (used at or before its call and after it: read
      // bases, pointers handed to inlined calls, pointers stored through), the offsets gap merges hold there, the
      // addresses same-pointer merges keep from their first computation to their reuse, and this offset, in r6-r9
      // (positions are site events, or halves between them: `<= x` is `< x + 0.25`; a span's first <= its last)
      any ??= {
        firsts: [...st.lastAny].map(([id, last]) => st.firstAny.get(id) ?? last).sort((a, b) => a - b),
        lasts: [...st.lastAny.values()].sort((a, b) => a - b),
        from: st.spans.map((h) => h.from).sort((a, b) => a - b),
        to: st.spans.map((h) => h.seq).sort((a, b) => a - b),
      };
      let cross = 0;
      for (let x = c.far; x < c.seq; x++) {
        const at = x + 0.25;
        const n = held.filter((h) => h.from <= x && x < h.seq).length + below(any.from, at) - below(any.to, at) + below(any.firsts, at) - below(any.lasts, at);
        cross = Math.max(cross, n);
      }
      if (cross + 1 <= CALLEE_SAVED) { c.s.merged = true; held.push({ from: c.far, seq: c.seq }); }
      continue;
    }
    if (c.from !== undefined) {
      if (!GAP_P) { c.s.merged = true; continue; }
      let cross = 0;
      for (let x = c.from; x < c.seq; x++) {
        const offs = GAP_HELD ? held.filter((h) => h.from <= x && x < h.seq).length : 0;
        cross = Math.max(cross, below(firsts, x + 1) - below(lasts, x + 1) + offs);
      }
      if (cross + 1 <= GAP_REGS) { c.s.merged = true; held.push({ from: c.from, seq: c.seq }); }
      continue;
    }
    if (live + 1 <= CALLEE_SAVED) c.s.merged = true;
  }
}

/** far: value `id` is used at `at` (a register from its first use to its last). */
function useAny(st: State, id0: string, at: number): void {
  const id = st.alias.get(id0) ?? id0;
  st.lastAny.set(id, at);
  if (!st.firstAny.has(id)) st.firstAny.set(id, at);
}

/** How many of the sorted `xs` are below `v`. */
function below(xs: number[], v: number): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) { const m = (lo + hi) >> 1; if (xs[m]! < v) lo = m + 1; else hi = m; }
  return lo;
}

/** BPF's callee-saved registers: what survives a helper call (r6-r9). */
const CALLEE_SAVED = 4;

/** CORELENS_CSE_ADJ=0 turns the `adj` heuristic off: how its before/after figures (README) are measured. */
const ADJ = process.env.CORELENS_CSE_ADJ !== '0';
/** CORELENS_CSE_UNROLLED=0 turns the same-pointer rule in unrolled bodies off (its before/after figures). */
const UNROLLED = process.env.CORELENS_CSE_UNROLLED !== '0';
/** CORELENS_LOCAL_LOADS_ACROSS=0: a local aggregate's member read again in a later statement keeps its own record
 * (local_loads only within one statement). */
const LOCAL_LOADS_ACROSS = process.env.CORELENS_LOCAL_LOADS_ACROSS !== '0';
/** CORELENS_CSE_STRAIGHT=0 keeps a fully unrolled loop of arithmetic a block boundary (its before/after figures). */
const STRAIGHT = process.env.CORELENS_CSE_STRAIGHT !== '0';
/** CORELENS_CSE_EARLY=0: an inlined helper's bare early return keeps a block of its own (its before/after figures). */
const EARLY = process.env.CORELENS_CSE_EARLY !== '0';
/** CORELENS_CSE_GUARD=0: the code after a rolled loop reuses nothing from before it (its before/after figures). */
const GUARD = process.env.CORELENS_CSE_GUARD !== '0';
/** CORELENS_CSE_THREAD=0 turns the `thread` rule off (its before/after figures). */
const THREAD = process.env.CORELENS_CSE_THREAD !== '0';
/** CORELENS_CSE_SUCC=0: `adj` stops at every branch, even into a block whose one predecessor holds the offset. */
const SUCC = process.env.CORELENS_CSE_SUCC !== '0';
/** CORELENS_CSE_JT=0: an if on an inlined helper's returned constants is not threaded (`jt`; its before/after figures). */
const JT = process.env.CORELENS_CSE_JT !== '0';
/** CORELENS_CSE_COF=0 turns the `cof` heuristic off (its before/after figures; sites.ts reads it too). */
const COF = process.env.CORELENS_CSE_COF !== '0';
/**
 * cof (a register-pressure HEURISTIC like `adj`): in a fully unrolled list walk, `tmp = READ(cur->entry); cur =
 * container_of(tmp.next, T, entry);` computes `&cur->entry` and container_of's offset from one relocated MOV of
 * offsetof(T, entry), which MachineCSE shares when the second is in the same block or a successor (Hades'
 * trigger_module_scan: 256 copies, one record each, where each copy was counted twice). The copy of the struct in
 * between is a load that folds its own relocation and takes no register. The offset survives the probe read's
 * call in r6-r9 only when few other values do; measured with clang 14 on our walk (held-out shape `cof`): with the
 * loop's scalars `out = i; count++` in memory or one of them in a register, one record per copy at 4, 8 and 32
 * copies; with both in registers the MOV is rematerialised per use at 4 and 8 copies (two records) and shared at
 * 32 (the greedy allocator's choice: the rule keeps two there, a surplus, never a missing record). Hence: the
 * pointers live there, the loop's register scalars and the offset within COF_REGS (the memset zero READ_KERN
 * stores keeps a register too, which no event shows).
 */
const COF_REGS = Number(process.env.CORELENS_CSE_COF_REGS ?? 2);
/**
 * cc (sites.ts CONTAINER_CANCEL): container_of(&p->m, T, m)'s `p + R - R` folds in the SelectionDAG, after the BPF
 * backend drops the passthrough calls that keep the IR from seeing it, so only within one block: its address and
 * offset have no record. GVN and EarlyCSE make a later container_of of the same relocation, in a block an earlier one
 * dominates with nothing between that may write the global, use that one's values: `R` and `0 + R` come in as two
 * registers, nothing folds, and the one MOV of the earlier block is a record (measured with clang 14: a switch on
 * container_of(&prev->se, ..)->pid whose case reads container_of(&next->se, ..)->prio, one record; the same in one
 * block or after a call, none). CORELENS_CONTAINER_CANCEL_BLOCKS=0 cancels every pair (its before/after figures).
 */
const CC_BLOCKS = process.env.CORELENS_CONTAINER_CANCEL !== '0' && process.env.CORELENS_CONTAINER_CANCEL_BLOCKS !== '0';
/** cc: the pairs a switch's condition block has that nothing clobbered up to `clob` (`keep`: the others go), as of
 * `clob` (a case label: the clobbers of the arms before it are on no path from the condition to it). */
function ccRebase(m: State['ccAvail'], clob: number, keep = false): State['ccAvail'] {
  if (!m) return undefined;
  const out: NonNullable<State['ccAvail']> = new Map();
  for (const [k, v] of m) if (!keep || v.clob === clob) out.set(k, { ...v, clob });
  return out;
}
/**
 * pre: GVN's load PRE (LLVM 14 GVN::PerformLoadPRE) of a relocation's global. A load after an if/else whose one arm
 * loaded the same global (nothing that may write it after, to the join) and whose other arm did not, nor the code
 * before the if: the load is available on all predecessors but one, so GVN inserts it at the end of that one and
 * the access after the join takes the value through a phi. Records: the inserted load in the other arm is one (the
 * access after has none, the count moves); the arm's own access keeps its record and, when it was a direct load the
 * backend folds the relocation into, needs one more for the phi (a MOV of the offset). Later accesses of the same
 * relocation in the join block, nothing writing memory between, reuse the phi: none. Only diamonds (both arms
 * blocks of their own): with one arm empty the predecessor is the block before the if, where the inserted load
 * dominates both ways (modelled as before). Measured with clang 14 (held-out shape `load_pre`): `v = exists(f->x) ?
 * f->f_inode->i_ino : offset(f->y); BPF_CORE_READ(f, f_inode)`, three f_inode records. CORELENS_CSE_PRE=0 turns it off.
 */
const PRE = process.env.CORELENS_CSE_PRE !== '0';
/**
 * pre_full: the same phi when both arms of an if/else load the global (each after anything that may write it): the
 * load after the join is fully redundant, GVN replaces it by a phi of the arms' loads and inserts none, so the access
 * after has no record and each arm's folded load keeps a MOV for the phi (measured with clang 14: `if (c) { out[5] =
 * x->pid; out[1] = x->mm->total_vm; } else { out[6] = x->tgid; out[2] = x->mm->arg_end; } out[4] += x->mm->arg_start;`,
 * four task_struct 0:53 records where the model counted three). Not when both arms begin with that load:
 * SimplifyCFG hoists it into the block before the if, each access folds it (three records, as before).
 * CORELENS_CSE_PRE_FULL=0 turns it off.
 */
const PRE_FULL = PRE && process.env.CORELENS_CSE_PRE_FULL !== '0';
/**
 * pre_hoist: an if without else (or a `?:` whose other arm is no block) whose arm's first instruction loads a check's
 * global that the code after the join loads again: GVN inserts the load on the edge from the branching block, and
 * SimplifyCFG hoists the two identical first instructions into that block, so the check is one value for the arm and
 * the access after (measured with clang 14: `if (c) out[1] = bpf_core_field_offset(x->__state) + x->pid; out[4] +=
 * bpf_core_field_offset(x->__state);`, one record where the model counted two). A folded load keeps one record per
 * use (as before). Another instruction first in the arm (a store, another relocation's load): the load is inserted on
 * the edge, records as `pre`. CORELENS_CSE_PRE_HOIST=0 turns it off.
 */
const PRE_HOIST = PRE && process.env.CORELENS_CSE_PRE_HOIST !== '0';
/**
 * pre_edge: `pre` with the edge from the branching block as the way without the load (an if without else, a `?:` or
 * if/else whose other arm is no block): GVN splits that critical edge and inserts the load there (measured with clang
 * 14: `if (c) { out[3] = 1; out[1] = x->mm->total_vm; } out[4] += x->mm->arg_start;`, three task_struct 0:53 records,
 * the arm's MOV for the phi beside its folded load, the edge's, none after). With the load first in the arm, see
 * pre_hoist. CORELENS_CSE_PRE_EDGE=0 turns it off.
 */
const PRE_EDGE = PRE && process.env.CORELENS_CSE_PRE_EDGE !== '0';
/** pre_x: `pre` takes the last hop of `a->b->c` (its pointer no variable's) and stores as the folded loads they are
 * (measured: `c ? offset(p->real_parent) : p->pid; .. next->real_parent->pid`, a pid MOV for the phi beside the arm's
 * folded load). CORELENS_CSE_PRE_X=0 turns it off. */
const PRE_X = PRE && process.env.CORELENS_CSE_PRE_X !== '0';
/** pre_taint: a way that loaded the global and then may have written it is a way without it (GVN inserts there), and
 * a later join sees the phi's value in a register, no folded load (measured: seed 102's nested if/else, see preJoin).
 * CORELENS_CSE_PRE_TAINT=0: such a way leaves the relocation alone (pre18's rule). */
const PRE_TAINT = PRE && process.env.CORELENS_CSE_PRE_TAINT !== '0';
/**
 * pre_switch: the same PRE at the join after a switch, whose ways in are its breaks, the end of its last arm and,
 * without a default label, the switch's own edge (measured with clang 14: `switch (x->prio & 3) { case 0: out[1] =
 * x->mm->total_vm; break; case 1: out[2] = x->mm->arg_end; break; default: out[3] = x->tgid; break; } out[4] +=
 * x->mm->arg_start;`, five task_struct 0:53 records: a MOV beside each case's folded load, the one inserted into the
 * default, none after; with all three loading it six; with one of three, three as before). A case falling into the
 * next one starts a block the switch also enters: what it loaded before the label is not available there (GVN
 * would insert a second load on that edge: not modelled). CORELENS_CSE_PRE_SWITCH=0 turns it off.
 */
const PRE_SWITCH = PRE && process.env.CORELENS_CSE_PRE_SWITCH !== '0';
/** CORELENS_CSE_CHECKS_UNROLLED=0: checks in fully unrolled bodies never merge, as before (checks_unrolled). */
const CHECKS_UNROLLED = process.env.CORELENS_CSE_CHECKS_UNROLLED !== '0';
/** CORELENS_CSE_GAP=0 turns the `gap` heuristic off (its before/after figures). */
const GAP = process.env.CORELENS_CSE_GAP !== '0';
/** How many addresses back `gap` looks for the same relocation (the run kept per block). */
const GAP_MAX = Number(process.env.CORELENS_CSE_GAP_MAX ?? 1);
/**
 * far (a register-pressure HEURISTIC like `gap`, round 15): the same relocation three to FAR_MAX addresses back in the
 * run of one block, the two to five reads between other relocations' (the corpus's exitsnoop: fill_hdr_task's
 * `BPF_CORE_READ(t, tgid)`, then pid and real_parent, then task_ppid's `real_parent->tgid`; cgtrace:
 * `BPF_CORE_READ(dst, kn, id)`, dst's level, then `BPF_CORE_READ(t, cgroups, dfl_cgrp, kn)`): MachineCSE left one MOV
 * for both, and the greedy allocator keeps it in a callee-saved register across the calls between when the values
 * crossing them leave one free. Unlike `gap` the count takes every value the replay sees, from its definition or
 * first use to its last use: a read's base, a parameter given to an inlined call (an address inside a caller's
 * pointer, `&e->hdr`, is that pointer), a local's definition, a named variable a helper call is given or a store
 * writes (`submit(ctx, e)`, `st->bytes += count`), a pointer stored through, an address a same-pointer merge keeps,
 * an offset an earlier gap or far merge holds; the offset fits when those plus itself are at most r6-r9's four
 * (measured: exitsnoop's p, hdr and ctx, one record; forkstat's fork_raw, the same code with the parent kept for
 * later, two; kernel_vfs's i_sb with file, st, count and the kept f_inode address, two). Two offsets held across the
 * same calls are both left (FAR_ALONE). Values the replay does not see (a frame address kept for a later helper
 * call, a scalar computed in arithmetic) take registers too, and the greedy allocator weighs each by its uses over its
 * length, which a count does not follow: a rule that errs both ways (README).
 */
const FAR = process.env.CORELENS_CSE_FAR !== '0';
/** CORELENS_CSE_FAR_ALONE=0: `far` merges an offset whose span overlaps another's too (measurement). */
const FAR_ALONE = process.env.CORELENS_CSE_FAR_ALONE !== '0';
/** How many addresses back `far` looks (its run of one block). */
const FAR_MAX = Number(process.env.CORELENS_CSE_FAR_MAX ?? 6);
/** Registers `gap` lets the pointers crossing the reads between plus the offset take: one below r6-r9, a heuristic
 * (measured: three parameters crossing keep no offset, `gap_three` in the cse_merge construct; the values the replay
 * does not see, a context or map value pointer, a kept scalar, take the rest). */
const GAP_REGS = Number(process.env.CORELENS_CSE_GAP_REGS ?? 3);
/** CORELENS_CSE_GAP_UNROLLED=0: `gap` leaves unrolled bodies alone (in them it pairs copies of one iteration). */
const GAP_UNROLLED = process.env.CORELENS_CSE_GAP_UNROLLED !== '0';
/**
 * gap_one_block: a fully unrolled body without a branch is one block with the code around it, so MachineCSE gives
 * every copy's `gap` offset (the same relocation a few addresses back in its iteration) one value, defined in the
 * first copy and live to the last, across every call of the copies between; the greedy allocator does not keep it in
 * r6-r9 that long and rematerialises the MOV at its uses: a record per copy, as if unmerged (measured, clang 14:
 * krie's `for (i = 0; i <= CGROUP_SUBSYS_COUNT; i++) { BPF_CORE_READ_INTO(.., task, cgroups, subsys[i], id);
 * BPF_CORE_READ_INTO(.., task, cgroups, subsys[i], cgroup, kn, name); .. }`, 14 copies, 26 css_set 0:0 records;
 * with an `if (..) bpf_printk(..)` ending the body each copy is its own block and they merge, 8 records).
 * CORELENS_CSE_GAP_ONE_BLOCK=0 turns it off.
 */
const GAP_ONE_BLOCK = process.env.CORELENS_CSE_GAP_ONE_BLOCK !== '0';
/** gap_one_block: the `gap` candidates of unrolled copies an unrolled body's replay queued from `from` on are dropped. */
function oneBlockGaps(st: State, from: number): void {
  const kept = st.cands.slice(from).filter((c) => c.from === undefined || (c.s.copies ?? 1) === 1);
  st.cands.splice(from, st.cands.length - from, ...kept);
}
/** CORELENS_CSE_GAP_HELD=0: `gap` ignores the offsets earlier gap merges keep across the same reads (measurement). */
const GAP_HELD = process.env.CORELENS_CSE_GAP_HELD !== '0';
/** CORELENS_CSE_GAP_P=0: `gap` ignores register pressure (measurement only). */
const GAP_P = process.env.CORELENS_CSE_GAP_P !== '0';
const keyOf = (s: Site): string => `${s.kind}|${s.typeId}|${s.access}`;
/**
 * offset_mov (CORELENS_CSE_OFFSET_MOV=0 turns it off): `bpf_core_field_offset(p->m)` and an address through any
 * pointer of the same member (`BPF_CORE_READ(q, m)`, `&q->m`) are one relocation (byte_off of the same access), and
 * after BPFMISimplifyPatchable both are the same `MOV rX, <offset>`: MachineCSE keeps the first for the second under
 * its usual rule (same block or an immediate predecessor), whichever comes first. Measured with clang 14 (the check
 * before or after a probe read of the member, an address in the next if's arm, a check in a `?:` after an address):
 * one record; in a fully unrolled body per copy (the same copies), as checks_unrolled pairs checks. A direct load
 * folds the offset into its LDX instead and keeps its own record; so does an address after a check that is a `?:`'s
 * condition or arm value (measured: the check's register meets the arms' phi, the address gets its own MOV). What
 * the rule leaves is the register allocator's (a MOV kept across several calls or rematerialised): generated probes
 * seeds 1-200, merged copies 411 -> 353 for missing 105 -> 112.
 */
const OFFSET_MOV = process.env.CORELENS_CSE_OFFSET_MOV !== '0';

/**
 * Where the replay stands. Blocks are numbered as met; MachineCSE reuses an earlier identical instruction when its
 * block dominates this one (the scoping of `avail`: what nested code defines is dropped when it ends) and, the
 * relocation being as cheap as a move, when that block is this one or an immediate predecessor (`preds`).
 */
interface State {
  /** checks and addresses: the block each was last defined in, along the dominating path */
  avail: Map<string, number>;
  /** frame: per local and relocation, the block and call count where its `slot + relocation` value was made */
  frame: Map<string, { block: number; calls: number }>;
  /** calls met so far in replay order (helper calls, probe reads, calls not inlined; not memcpy/memset; not stores) */
  calls: { n: number };
  /** checks_unrolled: helper calls (hard cuts) replayed so far, inlined calls' entries not counted */
  helpers?: { n: number };
  /** implied: the comparisons (condKeyIn) an if decided on the dominating path, with their value there */
  facts: Map<string, boolean>;
  /** checks whose value is an if's condition: the clobber count when each was last loaded, along the dominating
   * path (GVN: a later identical load with no clobber since is the same value) */
  gvn: Map<string, number>;
  /** calls, probe reads, stores that may write a global, loops and switches (not replayed) met so far, in replay
   * order: anything between a dominating definition and a use comes between them in that order */
  clob: { n: number };
  /** of those, the stores to a named array's element (`out[1] = v`): BasicAA tells them from a CO-RE global, but the
   * GVN rule for checks was measured counting them; `pre` does not (clob.n - named.n) */
  named: { n: number };
  /** direct loads since the last thing that may write memory, in this block */
  loads: Set<string>;
  cur: number;
  preds: Set<number>;
  /** the code from here on never runs (after a return, break, continue or goto) */
  exited: boolean;
  /** blocks returning from the function being replayed */
  rets: number[];
  next: { n: number };
  /** site events replayed so far (one program-wide numbering) */
  seq: { n: number };
  /** the last site event using each pointer value as its base (the pointer is live in a register until then) */
  lastUse: Map<string, number>;
  /** the first site event using each pointer value (a local pointer is loaded then; a parameter of the program: -1) */
  firstUse: Map<string, number>;
  /** far: as lastUse/firstUse, with the pointers inlined calls are given and stores write through (between the
   * site events: n - 0.5) */
  lastAny: Map<string, number>;
  firstAny: Map<string, number>;
  /** far: the site event where each address (`a|pointer|relocation`) was last computed, and the spans over which a
   * same-pointer merge keeps one in a register (computed there, reused at `seq`) */
  defSeq: Map<string, number>;
  spans: { from: number; seq: number }[];
  /** far: a parameter given an address inside what a caller's pointer points at (`&e->hdr`) is that pointer */
  alias: Map<string, string>;
  /** the last relocated site in this block, for `adj` (undefined: none since the block began) */
  adj?: { key: string; block: number; copies: number; seq: number; run?: AdjEntry[] };
  /** the availability at each return of the inlined call being replayed (`early`) */
  early?: Map<string, number>[];
  /** jt: each return of the inlined call being replayed, loops' included: its block, what dominates it, its constant */
  outs?: { block: number; avail: Map<string, number>; k?: bigint }[];
  /** inside a loop body: the availability where the loop was entered (what dominates the returns in it) */
  entry?: Map<string, number>;
  /** inside a loop body: only `adj` applies, to unrolled copies */
  loop?: boolean;
  /** address sites `adj` merges if register pressure allows (decided after the replay, from `lastUse`); `regs`: a
   * `cof` candidate, with the scalars its loop keeps in registers */
  cands: { s: Site; seq: number; from?: number; far?: number; regs?: number; inv?: string[] }[];
  /** copy_checks: the checks of a straight unrolled body, merged if the pointers live across the loop leave room
   * (decided after the replay, from `lastUse`): the loop's site events [from, to), the registers the body needs */
  copyc?: { checks: { s: Site; copies: number }[]; from: number; to: number; regs: number }[];
  /** cc: the address of the container_of pair being replayed; per block and relocation, the first pair's address
   * (its record when a later pair in another block uses its values) */
  ccAddr?: Site;
  /** never changed in place (a nested state's pairs stay its own, as `avail`'s scoping does): per relocation, the
   * dominating pair's block, the clobber count there and its address */
  ccAvail?: Map<string, { block: number; clob: number; site: Site }>;
  /** pre: per relocation, the load of its global last made on this path (its block, the clobber count then, its
   * site and use class); never changed in place, so an arm's loads stay its own */
  got?: Map<string, PreLoad>;
  /** inside a loop body LLVM unrolls fully (a pragma's count): `pre` applies within each copy */
  unrolled?: boolean;
  /** pre_switch: in a switch's arms, the ways into its join met so far (its breaks); undefined elsewhere */
  brks?: PreWay[];
  /** pre_switch: the loads of the arm the current case label was fallen into from (clobber counts at its end and
   * after the label) */
  fall?: { got: Map<string, PreLoad>; end: number; at: number };
  /** pre: the relocations GVN's load PRE makes a phi of at this join block (see PRE) */
  pre?: Map<string, PreJoin>;
  /** cc: in a switch's arms, the pairs its condition's block has (every case label starts from them) */
  ccEntry?: Map<string, { block: number; clob: number; site: Site }>;
  /** cof: the last address of this block's run (a folded load of another relocation between does not end it) */
  cof?: { key: string; block: number; copies: number };
  /** cof: inside a loop body, the scalar locals it keeps in registers (FlowEv `regs`) and the values it only reads
   * (`inv`, as this copy names them) */
  loopRegs?: number;
  loopInv?: string[];
  /** inside the copies of a loop LLVM keeps rolled (`rolled`): the positions (call path and site) met so far, and
   * this copy's path to here */
  rolled?: { seen: Set<string>; path: string };
  /** twins: every site replayed from here on in this region is a copy of an identical arm's (see twinOf) */
  dup?: boolean;
  /** `dup` was set by a switch arm's twin label (sites.ts armTwins), so the next case label ends it */
  twinArm?: boolean;
  /** tails: the events replayed as twins of an earlier arm's last statement (see tailTwins) */
  dupEvs?: Set<FlowEv>;
  /** thread: the short circuit the function being replayed returns as its value (`return L || R;`), per return */
  retSc?: ({ op: '&&' | '||'; arm: State } | undefined)[];
}

/** pre: a load of a relocation's global on the replayed path (`tv`: a check that is a `?:` arm's value). */
interface PreLoad { block: number; clob: number; s: Site; c: 'a' | 'l' | 'v'; tv?: true; /** an access loaded it (64 bits) */ w?: true }
/** pre: at a join, a relocation GVN makes a phi of: the load of a way in (`also`: the other ways' that had it too);
 * `full`: every way in had it, no load inserted (pre_full); `done`: the access after met. */
type PreJoin = PreLoad & { also?: PreLoad[]; full?: true; done?: true; /** a way had only a check's 32-bit load */ narrow?: true };
/** pre: one way into a join (an arm's end, a break, the edge from the branching block): the loads of its path, the
 * clobber count at its end, and its own code when it is a block of its own (`evs`; pre_hoist). */
interface PreWay { got?: Map<string, PreLoad>; end: number; evs?: FlowEv[]; fall?: State['fall']; /** its last block */ cur?: number }

/**
 * pre: the relocations GVN's load PRE (LLVM 14 GVN::PerformLoadPRE) makes a phi of at a join, from the ways into it.
 * A relocation none of them had before the branch (`got0` as of `clob0`) and that the ways load after anything that
 * may write it: when all ways but one have it, GVN inserts the load into that one (an edge from the branching block is
 * split for it) and the access after takes the phi; when all have it (pre_full), nothing is inserted; with more than
 * one way without it, nothing (GVN inserts into one predecessor only). A way that loads it and then may write it
 * leaves it as before. `hoist` (an if): with the edge from the branching block as the one way without it and the
 * arm's load its first instruction, SimplifyCFG hoists the load and the inserted one into the branching block instead
 * (pre_hoist): a check is then one value for both ways and the access after (a folded load or an address keeps its
 * records, as before); both arms beginning with the load: the same hoist, nothing here.
 */
function preJoin(ways: PreWay[], got0: Map<string, PreLoad> | undefined, clob0: number, st: State, copy: FlowCopy, hoist: boolean): Map<string, PreJoin> | undefined {
  const pre = new Map<string, PreJoin>();
  // the first event of a way's own code: a site's relocation, or '' (anything else: a call, a store, a local's load)
  const first = (xs: FlowEv[] | undefined): string | undefined => {
    if (!xs) return undefined;
    for (const x of xs) {
      if ('cut' in x && x.soft && x.ld === undefined) continue;
      const fs = 's' in x ? copy.site(x.s) : undefined;
      return fs ? keyOf(fs) : '';
    }
    return '';
  };
  const keys = new Set<string>();
  for (const w of ways) for (const [k, g] of w.got ?? []) if (g !== got0?.get(k)) keys.add(k);
  for (const k of keys) {
    if (got0?.get(k)?.clob === clob0) continue;
    const have: PreLoad[] = [];
    let lacking: PreWay | undefined;
    let missing = 0;
    // pre_taint: a way that loaded it and then may have written it lacks it too; when that load was a MOV (an address,
    // a check) in the block the way ends in, MachineCSE makes the inserted MOV that one (nothing inserted, as far as
    // records go: measured, seed 102's nested if/else whose arm reads `&x->d_name.len` before two probe reads)
    let reused = false;
    for (const w of ways) {
      const g = w.got?.get(k);
      if (g !== undefined && g !== got0?.get(k)) {
        if (g.clob === w.end) { have.push(g); continue; }
        if (!PRE_TAINT) { missing = Infinity; break; }
        reused = (g.c === 'a' || g.c === 'v') && g.block === w.cur;
      }
      missing++;
      lacking = w;
    }
    if (!have.length || missing > 1) continue;
    if (reused) { pre.set(k, { ...have[0]!, block: st.cur, clob: preClob(st), ...(have.some((h) => !h.w) ? { narrow: true as const } : {}), also: have.slice(1), full: true }); continue; }
    const at = { block: st.cur, clob: preClob(st), ...(have.some((h) => !h.w) ? { narrow: true as const } : {}) };
    if (missing === 1) {
      if (hoist && !lacking!.evs) {
        const arm = ways.find((w) => w !== lacking)!;
        if (first(arm.evs) === k) {
          if (PRE_HOIST && have[0]!.c === 'v') pre.set(k, { ...have[0]!, ...at, full: true });
          continue;
        }
        if (!PRE_EDGE) continue;
      }
      // (a case the way without it was fallen into from an arm that had it, nothing that may write it since the label:
      // GVN moves the inserted load once more, onto the switch's edge into that case, and that arm's load takes a
      // phi too)
      const fall = lacking!.fall;
      const fg = fall?.got.get(k);
      const more = fall && fg && fg !== got0?.get(k) && fg.clob === fall.end && lacking!.end === fall.at ? [fg] : [];
      pre.set(k, { ...have[0]!, ...at, also: [...have.slice(1), ...more] });
    } else if (PRE_FULL) {
      if (hoist && ways.every((w) => first(w.evs) === k)) continue;
      pre.set(k, { ...have[0]!, ...at, also: have.slice(1), full: true });
    }
  }
  return pre.size ? pre : undefined;
}

/** The size of the direct load an arm ends with (its value), if it ends in one (pre_stack: a local's load alone). */
function lastLoad(xs: FlowEv[], copy: FlowCopy): number | undefined {
  for (let i = xs.length - 1; i >= 0; i--) {
    const x = xs[i]!;
    if ('cut' in x && x.soft) { if (x.ld !== undefined) return x.ld || undefined; continue; }
    return 's' in x && (x.c === 'l' || x.c === 'x') ? copy.site(x.s)?.readSize : undefined;
  }
  return undefined;
}
/** pre: what may write a CO-RE global so far (a store to a named array's element cannot). */
const preClob = (st: State): number => st.clob.n - st.named.n;

/** An address of the current run of addresses in one block (`adj`, `gap`). */
interface AdjEntry { key: string; block: number; copies: number; seq: number }

/** CORELENS_CSE_PREFIX=0: a struct copy through `p->a.` keeps both records whatever came before (before/after). */
const PREFIX = process.env.CORELENS_CSE_PREFIX !== '0';
/** CORELENS_CSE_SELECT_BLOCK=0: an if SimplifyCFG makes a select leaves the code after it in the block before. */
const SELECT_BLOCK = process.env.CORELENS_CSE_SELECT_BLOCK !== '0';
/** CORELENS_CSE_HOIST_JOIN=0: an if's arms after a join hoist nothing (before/after). */
const HOIST_JOIN = process.env.CORELENS_CSE_HOIST_JOIN !== '0';
/** CORELENS_CSE_SWITCH_CHAINS=0: an empty arm of an if-else compare chain is no block (its before/after figures). */
const SWITCH_CHAINS = process.env.CORELENS_CSE_SWITCH_CHAINS !== '0';

/** CORELENS_CSE_TWINS=0 turns the `twins` rule off (its before/after figures). */
const TWINS = process.env.CORELENS_CSE_TWINS !== '0';

/**
 * twins: SimplifyCFG makes one block of two arms that are the same code (HoistThenElseCodeToIf hoists every
 * instruction of two identical successors; when both end in a return, the returns' blocks are merged), so their
 * relocations are one record each (measured: `if (c) v = BPF_CORE_READ(r, dx); else v = BPF_CORE_READ(r, dx);`,
 * falco's extract__syscall_argument(regs, 2), whose compat and native switches both read `dx`: one record; an arm
 * reading one more field keeps both: construct cse_merge). The arms must be the same in this copy: the same live
 * sites (relocation, use and pointer value) in the same order, the same calls inlined the same way, the same
 * clobbers, exits and nesting. Arithmetic and stores that make no event are not compared (said so: two arms
 * differing only there would be merged here and not by clang — none measured). 'alt': the else arm is the twin;
 * 'rest': the then arm returns and the code after the if, to its own return, is the twin.
 */
function twinOf(e: Extract<FlowEv, { sub: FlowEv[] }>, evs: FlowEv[], i: number, copy: FlowCopy): 'alt' | 'rest' | undefined {
  const a = sigOf(e.sub, copy, 0);
  if (!a || !a.includes('S')) return undefined;
  if (e.alt) return sigOf(e.alt, copy, 0) === a ? 'alt' : undefined;
  const last = e.sub[e.sub.length - 1];
  if (!last || !('exit' in last) || last.exit !== 'ret') return undefined;
  const end = evs.findIndex((x, k) => k > i && 'exit' in x);
  if (end < 0 || (evs[end] as { exit: string }).exit !== 'ret') return undefined;
  return sigOf(evs.slice(i + 1, end + 1), copy, 0) === a ? 'rest' : undefined;
}

/** CORELENS_CSE_SUNK=0 turns the `sunk` rule off (its before/after figures). */
const SUNK = process.env.CORELENS_CSE_SUNK !== '0';

/**
 * sunk: SimplifyCFG's SinkCommonCodeFromPredecessors moves the identical tails of an if's two arms into the join, an
 * operand that differs becoming a phi (measured: tetragon's get_namespaces, `if (field_exists(..)) probe_read(
 * &msg->uts_inum, 4, _(&nsp.uts_ns->ns.inum)); else { ns = (T *)_(nsp.uts_ns); probe_read(&msg->uts_inum, 4,
 * _(&ns->proc_inum)); }`: one record for the load of nsp.uts_ns, the two offsets stay per arm). Not when the call's
 * other operands differ too (`&msg->a` / `&msg->b`: two records, measured), nor for one member of two different
 * copies (construct cse_sunk). Modelled narrowly: two arms of straight code (no nested branch, inlined call or exit)
 * whose events pair one to one (the same cuts and clobbers), ending in the same helper call as written (its callee
 * and unrelocated operands: FlowEv `sig`), where a pair is either the same relocation read from the same base as
 * written (`src`, or the same pointer value) or two addresses of different relocations (the operands that become a
 * phi), with at least one of each: the else arm's copies of the same reads are merged.
 */
function sunkOf(a: FlowEv[], b: FlowEv[], copy: FlowCopy): Site[] {
  const strip = (xs: FlowEv[]): FlowEv[] | undefined => {
    const out: FlowEv[] = [];
    for (const x of xs) {
      if ('cut' in x && x.soft) continue;
      if ('sub' in x || 'call' in x || 'exit' in x) return undefined;
      if ('s' in x && !copy.site(x.s)) continue;
      out.push(x);
    }
    return out;
  };
  const xa = strip(a);
  const xb = strip(b);
  if (!xa || !xb || xa.length !== xb.length || !xa.length) return [];
  const la = xa[xa.length - 1]!;
  const lb = xb[xb.length - 1]!;
  if (!('cut' in la) || !('cut' in lb) || la.sig === undefined || la.sig !== lb.sig) return [];
  const same: Site[] = [];
  let differ = 0;
  for (let i = 0; i < xa.length; i++) {
    const p = xa[i]!;
    const q = xb[i]!;
    if ('s' in p !== 's' in q) return [];
    if (!('s' in p) || !('s' in q)) {
      if (('cut' in p) !== ('cut' in q) || ('clob' in p) !== ('clob' in q)) return [];
      if ('cut' in p && 'cut' in q && (!!p.all !== !!q.all || p.sig !== q.sig)) return [];
      continue;
    }
    const sp = copy.site(p.s)!;
    const sq = copy.site(q.s)!;
    const sameBase = p.b !== undefined ? q.b !== undefined && copy.id(p.b) === copy.id(q.b) : q.b === undefined && p.src !== undefined && p.src === q.src;
    if (keyOf(sp) === keyOf(sq) && p.c === q.c && sameBase) same.push(sq);
    else if (p.c === 'a' && q.c === 'a' && keyOf(sp) !== keyOf(sq)) differ++;
    else return [];
  }
  return differ ? same : [];
}

/** CORELENS_CSE_TAIL_SINK=0 turns the `tailsink` rule off (its before/after figures). */
const TAIL_SINK = process.env.CORELENS_CSE_TAIL_SINK !== '0';

/**
 * tailsink: SimplifyCFG's SinkCommonCodeFromPredecessors moves the identical instructions that end both arms of an
 * if/else into the join, from the last one back while they are the same (measured, clang 14: lmp's schedule_delay,
 * `if (history) { ..; h.last[1].pid = prev->pid; bpf_probe_read_kernel_str(.., prev->comm); update(..); } else { ..;
 * h.last[1].pid = prev->pid; bpf_probe_read_kernel_str(.., prev->comm); update(..); }`: one pid and one comm record;
 * also after a helper call in one arm; none when the arms' last calls differ in one constant, nor for `v =
 * BPF_CORE_READ(r, dx);` against `v = BPF_CORE_READ(r, si) + BPF_CORE_READ(r, dx);`, whose last instructions, the
 * arithmetic making v, differ). Only the arms' trailing expression statements that are the same code (sites.ts
 * sameTail, FlowEv `tl`): their events are paired from the ends while they are the same (a site's relocation, use
 * and pointer value or base as written, a helper call's signature, cuts and clobbers), over straight code only (no
 * nested branch, inlined call or exit among them); returns the else arm's sites of that common tail.
 */
function tailSunkOf(a: FlowEv[], b: FlowEv[], copy: FlowCopy): Site[] {
  const strip = (xs: FlowEv[]): FlowEv[] => xs.filter((x) => !('cut' in x && x.soft) && !('s' in x && !copy.site(x.s)));
  const xa = strip(a);
  const xb = strip(b);
  const out: Site[] = [];
  let calls = 0;
  for (let i = xa.length - 1, j = xb.length - 1; i >= 0 && j >= 0; i--, j--) {
    const p = xa[i]!;
    const q = xb[j]!;
    if ('s' in p && 's' in q) {
      const sp = copy.site(p.s)!;
      const sq = copy.site(q.s)!;
      const sameBase = p.b !== undefined ? q.b !== undefined && copy.id(p.b) === copy.id(q.b) : q.b === undefined && p.src !== undefined && p.src === q.src;
      if (keyOf(sp) !== keyOf(sq) || p.c !== q.c || !sameBase || p.c === 'v') break;
      out.push(sq);
    } else if ('cut' in p && 'cut' in q) {
      if (!!p.all !== !!q.all || p.all || p.sig === undefined || p.sig !== q.sig || !!p.store !== !!q.store) break;
      calls++;
    } else if ('clob' in p && 'clob' in q) continue;
    else break;
  }
  // (a tail with no helper call is a few loads and stores SimplifyCFG may as well hoist or leave: not measured)
  return calls ? out : [];
}

/** CORELENS_CSE_TAILS=0 turns the `tails` rule off (its before/after figures). */
const TAILS = process.env.CORELENS_CSE_TAILS !== '0';

/**
 * tails: an arm that ends `X; return;` (at any depth of ifs, not in a loop or switch) and the function's own last
 * statement X', the same code on the same values, both branch to the function's return: SimplifyCFG sinks the
 * identical instructions of its predecessors into one block (their operands the same values, or values sunk with
 * them), so X' has no code of its own (measured, clang 14: OBI's http_get_or_create_trace_info, `if (meta) { ..;
 * server_or_client_trace(meta->type, conn, tp_p, ssl); } return;` in an arm and the same `if (meta)` statement
 * ending the function: one copy of its task_tid reads; a differing store before the call too, another condition
 * too; an argument that differs (`tp_p + 1`) or a call more after it in one of them keeps both). X is an if statement
 * or a call; compared as twinOf does, an inlined copy's own locals by position and each call's arguments as written.
 * Returns the events of X' to replay as twins.
 */
function tailTwins(evs: FlowEv[], copy: FlowCopy): Set<FlowEv> {
  const out = new Set<FlowEv>();
  const tail = lastStatement(evs, false);
  if (!tail) return out;
  // the tail's signature and stores, made at the first arm like it (lazyTails): most programs have none, and the
  // signature walks every call the tail inlines; made before any arm's, as when made first
  let want: string | undefined | null = null;
  let finalOuts = '';
  /** The tail's signature, or undefined when it cannot have a twin (no signature, or no relocation in it). */
  const wanted = (): string | undefined => {
    if (want === null) {
      want = tailSig(tail, copy);
      if (want !== undefined && !want.includes('S')) want = undefined;
      // what the path to the last statement stores into callers' locals (its own statements before it, not in an if)
      if (want !== undefined) finalOuts = liveOuts(evs.slice(0, evs.indexOf(tail)).filter((x) => !('sub' in x)), copy);
    }
    return want;
  };
  if (!lazyTails.on && wanted() === undefined) return out;
  // the arms ending in `X; return;` before it (ifs only: a loop's or a switch's return leaves through their blocks)
  const arms = (xs: FlowEv[], d: number): boolean => xs.some((x) => {
    if (x === tail || d > 16 || !('kind' in x) || x.kind !== 'if') return false;
    for (const a of [x.sub, x.alt ?? []]) {
      const l = lastStatement(a, true);
      // (the same kind of statement, the same callee, before the whole comparison)
      const like = l && ('call' in l ? 'call' in tail && l.call.def === tail.call.def : !('call' in tail));
      // (a tail with no signature has no twin: the walk stops, nothing found)
      if (like && wanted() === undefined) return true;
      if (like && tailSig(l, copy) === want && !(TAIL_OUTS && liveOuts(a, copy) !== finalOuts)) return true;
      if (arms(a, d + 1)) return true;
    }
    return false;
  });
  if (arms(evs, 0) && want !== undefined && want !== null) { out.add(tail); lazyTails.found++; }
  if (want === null) lazyTails.skipped++;
  return out;
}

/** CORELENS_CSE_LAZY_TAILS=0: `tails` makes the last statement's signature before looking for arms like it, and
 * `suffix` shapes a lone candidate call (as before; the same twins either way, see tailTwins and suffixTwins). Tests
 * flip `on`; `skipped` counts the signatures and shapes not made, `found` the tails twins, `suffixes` the suffix
 * pairs. */
export const lazyTails = { on: process.env.CORELENS_CSE_LAZY_TAILS !== '0', skipped: 0, found: 0, suffixes: 0 };

/** CORELENS_CSE_TAIL_OUTS=0: `tails` merges an arm that writes a caller's local too (its before/after figures). */
const TAIL_OUTS = process.env.CORELENS_CSE_TAIL_OUTS !== '0';

/**
 * tails, kept apart: the arm stores through a pointer parameter into a caller's local (`*tgid = pid >> 32;` with
 * `&tgid` passed), which SROA makes a register value: the join takes it in a phi, and the copy or computation that
 * feeds the phi ends the arm's block (the BPF code of `r6 >>= 32` after the arm's last call), so two paths that store different values there
 * (or one of them none) no longer end in the same instructions and BranchFolding has no common tail to merge (measured, clang 14: netdata's
 * netdata_get_pid, `if (*level == REAL_PARENT) { ..; *tgid = ..; return get_real_parent_pid(); } .. return
 * get_real_parent_pid();`: two copies of its task_struct reads; with the caller's tgid unused after the call, one).
 * Returns those stores (place = value, as written) of the statements given, ifs included, inlined calls not: two
 * paths merge only when they store the same. A local the caller never reads by value is no phi (FlowEv `live`).
 */
function liveOuts(xs: FlowEv[], copy: FlowCopy): string {
  const out: string[] = [];
  const walk = (ys: FlowEv[], d: number): void => {
    if (d > 16) return;
    for (let i = 0; i < ys.length; i++) {
      const x = ys[i]!;
      if ('cut' in x) { const os = x.outs; if (os) for (let j = 0; j < os.length; j++) { const o = os[j]!; if (copy.outLive?.(o.p)) out.push(`${o.at}=${o.v}`); } }
      else if ('sub' in x && x.kind === 'if') { walk(x.sub, d + 1); walk(x.alt ?? [], d + 1); }
    }
  };
  walk(xs, 0);
  return out.join(';');
}

/** CORELENS_CSE_SUFFIX=0 turns the `suffix` rule off (its before/after figures). */
const SUFFIX = process.env.CORELENS_CSE_SUFFIX !== '0';

/** One instruction-ish step of an inlined call's straight code (`suffix`): a site with its relocation key apart. */
interface SuffixTok { tag: string; key: string; site?: Site }

/**
 * suffix: two paths that return through inlined calls whose code is the same but for the relocations it starts with
 * (`return get_real_parent_pid();` and `return get_parent_pid();`, each reading its own task_struct member and then
 * the same `->tgid` of the pointer read) end in the same instructions after the last differing one, the differing
 * offsets being only immediates in registers: BranchFolding merges that common tail into one, so each relocation
 * after it is one record (measured, clang 14: netdata's netdata_get_pid, the real_parent and parent arms: one tgid
 * record for both). The candidates are the returning arms' last statements (ifs at any depth, as `tails`) and the
 * function's own last one, each an inlined call of straight code (no branch inside); their steps are compared one
 * to one: sites by use and pointer value (an inlined copy's own values by their order of first use, others as they
 * are), relocation keys apart, helper calls by what they call, cuts and clobbers as such. Two paths merge only when
 * they store the same into callers' locals (see liveOuts). The later path's sites after the last differing
 * relocation are merged; nothing when more than the keys differ.
 */
function suffixTwins(evs: FlowEv[], copy: FlowCopy): Site[] {
  const out: Site[] = [];
  // the candidates' calls first, with what their paths store made when needed: two at least, or nothing can merge
  // (lazyTails; otherwise each is shaped, in the same order as when shaped at once)
  const calls: { x: Extract<FlowEv, { call: CallRef }>; outs: () => string }[] = [];
  const add = (x: FlowEv | undefined, outs: () => string): void => {
    if (x && 'call' in x) calls.push({ x, outs });
  };
  const walk = (xs: FlowEv[], d: number): void => {
    if (d > 16) return;
    for (let i = 0; i < xs.length; i++) {
      const x = xs[i]!;
      if (!('kind' in x) || x.kind !== 'if') continue;
      const sub = x.sub;
      add(lastStatement(sub, true), () => liveOuts(sub, copy));
      walk(sub, d + 1);
      const alt = x.alt ?? [];
      add(lastStatement(alt, true), () => liveOuts(alt, copy));
      walk(alt, d + 1);
    }
  };
  walk(evs, 0);
  const tail = lastStatement(evs, false);
  if (tail) add(tail, () => liveOuts(evs.slice(0, evs.indexOf(tail)).filter((x) => !('sub' in x)), copy));
  if (lazyTails.on && calls.length < 2) { if (calls.length) lazyTails.skipped++; return out; }
  const cands: { toks: SuffixTok[]; outs: string }[] = [];
  for (const c of calls) {
    const toks = suffixShape(c.x, copy);
    if (toks?.some((t) => t.site)) cands.push({ toks, outs: c.outs() });
  }
  for (let j = 1; j < cands.length; j++) {
    const b = cands[j]!;
    for (let i = 0; i < j; i++) {
      const a = cands[i]!;
      if (a.outs !== b.outs || a.toks.length !== b.toks.length) continue;
      let last = -1;
      let ok = true;
      for (let k = 0; k < a.toks.length && ok; k++) {
        const p = a.toks[k]!;
        const q = b.toks[k]!;
        if (p.tag !== q.tag) ok = false;
        else if (p.key !== q.key) last = k;
      }
      if (!ok) continue;
      for (let k = last + 1; k < b.toks.length; k++) if (b.toks[k]!.site) out.push(b.toks[k]!.site!);
      lazyTails.suffixes++;
      break;
    }
  }
  return out;
}

/** suffix: the steps of one inlined call's straight code, or undefined (not inlined, a branch inside, too deep). */
function suffixShape(x: Extract<FlowEv, { call: CallRef }>, copy: FlowCopy): SuffixTok[] | undefined {
  const sub = x.split ? undefined : copy.enter(x.call, x.bases, x.mem, x.kargs, x.live);
  if (!sub) return undefined;
  const own = sub.copy.id('\u0001').slice(0, -2);
  const order = new Map<string, number>();
  const name = (id: string): string => {
    if (!id.startsWith(`${own}|`) && !id.startsWith(`${own}/`)) return id;
    let n = order.get(id);
    if (n === undefined) order.set(id, n = order.size);
    return `#${n}`;
  };
  const toks: SuffixTok[] = [];
  const flat = (xs: FlowEv[], cp: FlowCopy, d: number): boolean => {
    if (d > 8) return false;
    for (const e of xs) {
      if ('s' in e) {
        const s = cp.site(e.s);
        if (!s) continue;
        toks.push({ tag: `S${e.c}:${e.b === undefined ? `src:${e.src ?? ''}` : name(cp.id(e.b))}`, key: keyOf(s), site: s });
      } else if ('call' in e) {
        if (e.call.twin) continue;
        const inner = e.split ? undefined : cp.enter(e.call, e.bases, e.mem, e.kargs, e.live);
        if (!inner) { toks.push({ tag: `X${e.call.name}`, key: '' }); continue; }
        if (!flat(inner.flow, inner.copy, d + 1)) return false;
      } else if ('clob' in e) toks.push({ tag: 'K', key: '' });
      else if ('cut' in e) { if (!e.soft && !e.all) toks.push({ tag: `C${e.sig ?? ''}`, key: '' }); }
      else if ('exit' in e) { if (e.exit !== 'ret') return false; }
      else return false;
    }
    return true;
  };
  return flat(sub.flow, sub.copy, 0) ? toks : undefined;
}

/** The last statement of an arm that returns (`exit`: the arm must end in a return) or of a function, when it is a
 * call or an if; soft cuts are skipped. */
function lastStatement(xs: FlowEv[], exit: boolean): FlowEv | undefined {
  let i = xs.length - 1;
  while (i >= 0 && 'cut' in xs[i]! && (xs[i] as { soft?: true }).soft) i--;
  if (exit) {
    const x = xs[i];
    if (!x || !('exit' in x) || x.exit !== 'ret') return undefined;
    i--;
  } else if (xs[i] && 'exit' in xs[i]!) {
    if ((xs[i] as { exit: string }).exit !== 'ret') return undefined;
    i--;
  }
  while (i >= 0 && 'cut' in xs[i]! && (xs[i] as { soft?: true }).soft) i--;
  const x = xs[i];
  return x && (('call' in x && !x.call.twin && !x.split) || ('kind' in x && x.kind === 'if')) ? x : undefined;
}

/** tails: what twinOf's sigOf says of one event, with each inlined copy's own names by position (two copies of one
 * callee given the same arguments compute the same) and each call's arguments as written. */
function tailSig(e: FlowEv, copy: FlowCopy): string | undefined {
  const sig = (evs: FlowEv[], cp: FlowCopy, depth: number, own: string[], fresh: Set<string>): string | undefined => {
    if (depth > 8) return undefined;
    const name = (id: string): string => {
      for (let i = own.length - 1; i >= 0; i--) if (id.startsWith(own[i]!)) return `L${i}${id.slice(own[i]!.length)}`;
      // a local the statement declares: a fresh value of its own, whichever version it is in this run
      const h = id.lastIndexOf('|');
      const bare = id.slice(h + 1).replace(/#\d+$/, '');
      return fresh.has(`${id.slice(0, h + 1)}${bare}`) ? `D${id.slice(0, h + 1)}${bare}` : id;
    };
    const out: string[] = [];
    for (let i = 0; i < evs.length; i++) {
      const x = evs[i]!;
      if ('s' in x) {
        const s = cp.site(x.s);
        if (!s) continue;
        out.push(`S${keyOf(s)}:${x.c}:${x.b === undefined ? x.src ?? '' : name(cp.id(x.b))}`);
      } else if ('call' in x) {
        if (x.call.twin) continue;
        const args = `${x.akey ?? '?'}|${(x.bases ?? []).map((b) => (b === undefined ? '' : name(cp.id(b)))).join(',')}|${(x.kargs ?? []).join(',')}`;
        const sub = x.split ? undefined : cp.enter(x.call, x.bases, x.mem, x.kargs, x.live);
        if (!sub) { out.push(`X${x.call.name}(${args})`); continue; }
        // the copy's own names: what its FlowCopy calls a name no argument gives (its key, then the name)
        const probe = sub.copy.id('\u0001');
        const inner = sig(sub.flow, sub.copy, depth + 1, [...own, probe.slice(0, -1)], fresh);
        if (inner === undefined) return undefined;
        out.push(`I${x.call.name}(${args})[${inner}]`);
      } else if ('clob' in x) out.push('K');
      else if ('cut' in x) { if (!x.soft && !x.all) out.push(`C${x.sig ?? ''}`); }
      else if ('exit' in x) out.push(x.exit === 'ret' ? 'R' : 'J');
      else {
        if (x.kind !== 'if') return undefined;
        // its declared locals as this copy names them (the name with the copy's prefix, no version)
        const inIf = copySet(fresh);
        for (const n of x.decls ?? []) { const id = cp.id(n); inIf.add(`${id.slice(0, id.lastIndexOf('|') + 1)}${n}`); }
        const a = sig(x.sub, cp, depth + 1, own, inIf);
        const b = x.alt ? sig(x.alt, cp, depth + 1, own, inIf) : '';
        if (a === undefined || b === undefined) return undefined;
        out.push(`if[${a}|${b}]`);
      }
    }
    return out.join(',');
  };
  return sig([e], copy, 0, [], new Set());
}

/** What twinOf compares of some code in one copy; undefined when it cannot tell (too deep). */
function sigOf(evs: FlowEv[], copy: FlowCopy, depth: number): string | undefined {
  if (depth > 8) return undefined;
  const out: string[] = [];
  for (const e of evs) {
    if ('s' in e) {
      const s = copy.site(e.s);
      if (!s) continue;
      // only addresses: a check or a load used as a value sits in arithmetic the events do not show (a bitfield's
      // signed and unsigned shifts by one RSHIFT relocation stay two records)
      if (e.c !== 'a' || e.b === undefined) return undefined;
      out.push(`S${keyOf(s)}:${copy.id(e.b)}`);
    } else if ('call' in e) {
      if (e.call.twin) continue;
      const sub = e.split ? undefined : copy.enter(e.call, e.bases);
      if (!sub) { out.push(`X${e.call.name}`); continue; }
      const inner = sigOf(sub.flow, sub.copy, depth + 1);
      if (inner === undefined) return undefined;
      out.push(`I${e.call.name}(${inner})`);
    } else if ('clob' in e) out.push('K');
    else if ('cut' in e) { if (!e.soft && !e.all) out.push('C'); }
    else if ('exit' in e) out.push(e.exit === 'ret' ? 'R' : 'J');
    else {
      const a = sigOf(e.sub, copy, depth + 1);
      const b = e.alt ? sigOf(e.alt, copy, depth + 1) : '';
      if (a === undefined || b === undefined) return undefined;
      out.push(`${e.kind}[${a}|${b}]`);
    }
  }
  return out.join(',');
}

/** CORELENS_CSE_HOIST=0 turns the `hoist` rule off (its before/after figures). */
const HOIST = process.env.CORELENS_CSE_HOIST !== '0';

/**
 * hoist: SimplifyCFG's HoistThenElseCodeToIf moves the identical leading instructions of an if's two arms into the
 * block before the branch; a check (enum value, field/type exists...) is a load of one CO-RE global, identical in
 * both arms when it is the first thing each arm computes (measured, clang 14: retsnoop's print_exit, `if (failed)
 * fmt = sane ? A : B; else fmt = sane ? C : D;` with `sane` an enum value check: one record, on the if's line;
 * a helper call, a store or arithmetic before the check in an arm keeps two: construct cse_hoist). Modelled
 * narrowly: both arms' first event is a live check of the same relocation that the arm's first statement branches
 * on (FlowEv `lead`: `if (C)`, `v = C ? ..`; code that makes no event, stores and arithmetic, comes first otherwise),
 * not in a loop, not a short circuit's arm; the else arm's is merged. Returns that site, if any.
 */
function hoistOf(a: FlowEv[], b: FlowEv[], copy: FlowCopy): Site | undefined {
  // hoist_calls: both arms start with a call of one inlined function whose arguments differ only where they are no
  // instruction (`buf_output(ctx, &chan_a, &e, n)` / `&chan_b`: gala-gopher's stackprobe): after inlining the
  // arms' leading instructions are the callee's, pairwise identical up to its first check, which is hoisted
  const lead = (xs: FlowEv[]): FlowEv | undefined => xs.find((x) => !('cut' in x && x.soft));
  const ca = HOIST_CALLS ? lead(a) : undefined;
  const cb = ca && 'call' in ca ? lead(b) : undefined;
  if (ca && cb && 'call' in ca && 'call' in cb && ca.lead && cb.lead && ca.call.name === cb.call.name && ca.aks && cb.aks && ca.aks.length === cb.aks.length
    && ca.aks.every((k, i) => k === cb.aks![i] || (ca.acst?.[i] && cb.acst?.[i]))) {
    const ia = copy.enter(ca.call, ca.bases, ca.mem, ca.kargs, ca.live);
    const ib = ia && copy.enter(cb.call, cb.bases, cb.mem, cb.kargs, cb.live);
    if (ia && ib) {
      const ha = firstCheck(ia.flow, ia.copy);
      const hb = ha && firstCheck(ib.flow, ib.copy);
      return ha && hb && keyOf(ha) === keyOf(hb) ? hb : undefined;
    }
  }
  const sa = firstCheck(a, copy, 4);
  const sb = sa && firstCheck(b, copy, 4);
  return sa && sb && keyOf(sa) === keyOf(sb) ? sb : undefined;
}

/** hoist: the live check an arm's first event is, when its first statement branches on it (FlowEv `lead`); an
 * inlined call first (hoist_calls, below `depth` 4; an arm's own call only as hoistOf allows): its callee's first
 * check, when its arguments made no event. */
function firstCheck(xs: FlowEv[], copy: FlowCopy, depth = 0): Site | undefined {
  {
    for (const x of xs) {
      if ('cut' in x && x.soft) continue;
      if (HOIST_CALLS && 'call' in x && depth < 4) {
        const sub = copy.enter(x.call, x.bases, x.mem, x.kargs, x.live);
        return sub ? firstCheck(sub.flow, sub.copy, depth + 1) : undefined;
      }
      // a callee that only returns its check (`static inline char has_ringbuf(void) { return (char)
      // bpf_core_type_exists(struct bpf_ringbuf); }`, the caller branching on it): the check is its first instruction
      if (HOIST_CALLS && depth > 0 && depth < 4 && 's' in x && x.c === 'v' && !(x.cond || x.sel)) {
        const next = xs.slice(xs.indexOf(x) + 1).find((y) => !('cut' in y && y.soft));
        const s = next && 'exit' in next && next.exit === 'ret' ? copy.site(x.s) : undefined;
        return s && copies1(s) && !s.unreached && !s.merged ? s : undefined;
      }
      // a check used as a value (a bitfield's shift) sits in arithmetic the events do not show: only branch conditions
      if (!('s' in x) || x.c !== 'v' || !(x.cond || x.sel) || !x.lead) return undefined;
      const s = copy.site(x.s);
      return s && copies1(s) && !s.unreached && !s.merged ? s : undefined;
    }
    return undefined;
  }
}

/** CORELENS_CSE_FRAME=0 turns the `frame` rule off (its before/after figures; sites.ts records no `fr` then). */
const FRAME = process.env.CORELENS_CSE_FRAME !== '0';
const copies1 = (s: Site): boolean => (s.copies ?? 1) === 1;

/** CORELENS_CSE_IMPLIED=0 turns the `implied` rule off (its before/after figures; sites.ts records no keys then). */
const IMPLIED = process.env.CORELENS_CSE_IMPLIED !== '0';

/**
 * implied: an if's comparison (FlowEv `ck`) as one value of this copy: both pointers named as FlowCopy names them
 * (what an inlined helper's `*head` reads is the caller's `data` passed as `&data`), a parameter's constant
 * argument folded into its side. Undefined when a parameter of a side has no constant here.
 */
function condKeyIn(ck: CondKey, copy: FlowCopy): string | undefined {
  const side = (s: CondKey['l']): string | undefined => {
    let k = s.k;
    for (const p of s.p) { const v = copy.konst(p); if (v === undefined) return undefined; k += v; }
    return `${copy.id(s.v)}+${k}`;
  };
  const l = side(ck.l);
  const r = l === undefined ? undefined : side(ck.r);
  return r === undefined ? undefined : `${l}${ck.op}${r}`;
}

/** CORELENS_CSE_LABELS=0: code after an exit is not replayed even where a label makes it reachable (as before). */
const LABELS = process.env.CORELENS_CSE_LABELS !== '0';
/** CORELENS_CSE_ROLLED=0 turns the `rolled` rule off (its before/after figures). */
const ROLLED = process.env.CORELENS_CSE_ROLLED !== '0';
const oids = new WeakMap<object, number>();
let nextOid = 0;
/** A number per object (call or site of a function's analysis: shared by every copy of it). */
const oid = (o: object): number => { let i = oids.get(o); if (i === undefined) oids.set(o, i = ++nextOid); return i; };

/** `avail` with the addresses (not the checks) another state defined: a short circuit's right side, see `run`. */
function withAddrs(avail: Map<string, number>, from: Map<string, number>): Map<string, number> {
  const m = copyMap(avail);
  for (const [k, b] of from) if (k.startsWith('a|')) m.set(k, b);
  return m;
}

/** Whether nested code may write a global (a call, a probe read, a store through a pointer, asm, a label). */
function mayClobber(evs: FlowEv[]): boolean {
  return evs.some((e) => 'clob' in e || 'call' in e || ('cut' in e && !e.soft) || ('sub' in e && (mayClobber(e.sub) || (e.alt !== undefined && mayClobber(e.alt)))));
}

/** offset_mov: whether this check or address reuses the MOV of the other role's earlier site of its relocation (see
 * OFFSET_MOV); records this one for later sites either way. `own`: it already merges by its own role's rule. */
function offsetMov(e: Extract<FlowEv, { s: RawSite }>, s: Site, st: State, own: boolean): boolean {
  if (!OFFSET_MOV || s.kind !== ReloKind.FieldByteOffset || (e.c !== 'a' && e.c !== 'v')) return false;
  // per copy of an unrolled body: the same copies pair (one iteration), no helper call between (checks_unrolled's
  // measurement: the register then lives across the call, rematerialised in the body's pressure)
  const copies = s.copies ?? 1;
  const key = `${keyOf(s)}#${copies}`;
  const h = copies > 1 ? st.helpers?.n ?? -1 : 0;
  const other = e.c === 'a' ? `o|${key}` : `a|*|${key}`;
  const d = st.avail.get(other);
  // (an address's own probe read is one call after it: measured, `if (BPF_CORE_READ(x, f_mode) > 52) return 1;
  // out[11] += bpf_core_field_offset(x->f_mode);` in 4 copies, 4 records)
  const hit = !own && d !== undefined && (d === st.cur || st.preds.has(d)) && (copies === 1 || h - (st.gvn.get(other) ?? -9) <= (e.c === 'v' ? 1 : 0));
  // (the address's MOV, for a later check; a check's, for a later address, unless the check is a `?:`'s condition or
  // arm value, a phi's operand next to the arms' values: measured, the address after it keeps its own record)
  const mine = e.c === 'a' ? `a|*|${key}` : !e.sel && !e.tv && !e.tc ? `o|${key}` : undefined;
  if (mine && !hit && !own) { st.avail.set(mine, st.cur); if (copies > 1) st.gvn.set(mine, h); }
  if (hit) s.merged = true;
  return hit;
}

/** The rules by value: direct loads in one statement, checks and addresses through one pointer value, GVN. */
function byValue(e: Extract<FlowEv, { s: RawSite }>, s: Site, st: State, copy: FlowCopy): void {
  // local_loads: the same member of a local aggregate read twice in one statement, nothing between that may write
  // memory: EarlyCSE merges the two identical llvm.preserve.struct.access.index calls on the one stack slot and GVN
  // the two loads, one record (measured with clang 14: `(s.sin_port >> 8) | ((s.sin_port & 0xFF) << 8)` after
  // bpf_probe_read(&s, ..), SysmonForLinux's TCPaccept; through a pointer the rule above already merges)
  if (e.c === 'x' && e.lb !== undefined) {
    const k = `lb|${copy.id(e.lb)}/${s.readSize}|${keyOf(s)}`;
    if (st.loads.has(k)) s.merged = true;
    else st.loads.add(k);
    return;
  }
  if (e.c === 'l') {
    const k = `${copy.id(e.b!)}/${s.readSize}|${keyOf(s)}`;
    if (st.loads.has(k) || (!e.sunk && st.loads.has(`h|${k}`))) s.merged = true;
    else { st.loads.add(k); if (e.hop) st.loads.add(`h|${k}`); }
    return;
  }
  if (e.c === 'a' && e.b === undefined) return;
  const k = e.c === 'a' ? `a|${copy.id(e.b!)}|${keyOf(s)}` : `v|${keyOf(s)}`;
  const d = st.avail.get(k);
  // offset_mov: a byte_off check and an address of one relocation are the same MOV (see OFFSET_MOV)
  if (offsetMov(e, s, st, d !== undefined && (d === st.cur || st.preds.has(d)))) {
    if (e.c === 'a') st.avail.set(k, st.cur);
    return;
  }
  if (d !== undefined && (d === st.cur || st.preds.has(d))) {
    s.merged = true;
    // far: the address is kept in a register from where it was computed to here
    const f = e.c === 'a' ? st.defSeq.get(k) : undefined;
    if (f !== undefined) st.spans.push({ from: f, seq: st.seq.n - 1 });
  } else if (e.c === 'v' && e.cond && st.gvn.get(k) === st.clob.n) { s.merged = true; return; }
  else { st.avail.set(k, st.cur); if (e.c === 'a') st.defSeq.set(k, st.seq.n - 1); }
  if (e.c === 'v' && e.cond) st.gvn.set(k, st.clob.n);
}

function run(evs: FlowEv[], st: State, copy: FlowCopy, depth: number, top = false): void {
  // tails: the function's last statement repeats an arm's last statement before its return (see tailTwins)
  if (top && TAILS) {
    const dups = tailTwins(evs, copy);
    if (dups.size) st.dupEvs = new Set([...(st.dupEvs ?? []), ...dups]);
  }
  // suffix: returning arms whose inlined code differs only in leading relocations share what follows the last one
  if (top && SUFFIX) for (const s of suffixTwins(evs, copy)) s.merged = true;
  const newBlock = (preds: number[]): void => { st.cur = st.next.n++; st.preds = new Set(preds); st.loads.clear(); st.adj = undefined; };
  // the right side of the short circuit just replayed, and its block's state at its end (see the if below)
  let sc: { op: '&&' | '||'; arm: State } | undefined;
  // the ways out of the inlined call just replayed, when it has several (`jt`)
  let jt: { outs: NonNullable<State['outs']>; avail: Map<string, number> } | undefined;
  for (let ei = 0; ei < evs.length; ei++) {
    const e = evs[ei]!;
    // pre_switch: a label the code before it falls into (not after an exit)
    const fellIn = !st.exited;
    if (st.exited) {
      // a label (a switch's `case`, a goto target) is entered from elsewhere: the code after it runs again, in a
      // block of its own (the cut below); other code after an exit is dead (tetragon's generic_path: `case INIT:
      // return path_init(..); case WORK: return path_work(..);` left path_work's walk unreplayed, its reads unmerged)
      if (!(LABELS && 'cut' in e && e.all)) continue;
      st.exited = false;
    }
    if (st.dupEvs?.has(e) && !st.dup) {
      // a twin of an earlier arm's tail: one code after SimplifyCFG, every site in it that arm's
      st.dup = true;
      try { run([e], st, copy, depth); } finally { st.dup = false; }
      continue;
    }
    const prevSc = sc;
    sc = undefined;
    const prevJt = jt;
    jt = undefined;
    if ('s' in e) {
      const s = copy.site(e.s);
      if (!s) continue;
      if (e.co) {
        // cc: the pair cancels in its block (see CC_BLOCKS); the offset decides for both
        s.merged = true;
        if (e.co === 'a') { st.ccAddr = s; continue; }
        const k = keyOf(s);
        const d = CC_BLOCKS && !st.loop ? st.ccAvail?.get(k) : undefined;
        if (d && d.block !== st.cur && d.clob === st.clob.n) d.site.merged = false;
        else if (CC_BLOCKS && st.ccAddr && !st.loop) st.ccAvail = new Map(st.ccAvail ?? []).set(k, { block: st.cur, clob: st.clob.n, site: st.ccAddr });
        st.ccAddr = undefined;
        continue;
      }
      // pre: this load is the one GVN's load PRE made a phi of at this join (see PRE); record the path's loads
      // (pre_x: an access through a pointer no variable holds, `p->a->b`'s last hop, or a store, folds its relocation
      // as a direct load does)
      const ec = e.c === 'x' && PRE_X ? 'l' : e.c;
      if (PRE && (!st.loop || st.unrolled) && !st.rolled && !st.dup && (ec === 'a' || ec === 'l' || ec === 'v') && !s.mergedCopies && !s.unreached) {
        const k = keyOf(s);
        const p = st.pre?.get(k);

        // (a check loads its global as 32 bits, which gives no access's 64-bit load: measured, `c ?
        // bpf_core_field_offset(p->real_parent) : p->pid; .. next->real_parent->pid`, no PRE)
        const phi = p !== undefined && p.block === st.cur && p.clob === preClob(st) && !(p.narrow && ec !== 'v');
        if (p && phi) {
          if (p.done) s.merged = true;
          else if (!s.merged) {
            // in an unrolled body, per copy: the arm's load needs its MOV in each (a check that is also a `?:`'s
            // value too: the two phis take two registers, and the coalescer rematerialises the MOV for the second)
            for (const q of [p, ...(p.also ?? [])]) {
              if ((q.c === 'l' || (q.c === 'v' && q.tv)) && !q.s.merged && !q.s.mergedCopies && (q.s.copies ?? 1) === (s.copies ?? 1)) q.s.copies = 2 * (s.copies ?? 1);
            }
            p.done = true;
            // pre_full: every way in had it, nothing inserted: this access is the phi
            if (p.full) s.merged = true;
          }
        }
        // (the access a phi feeds has its value in a register, no folded load: an address's for the next join; pre_taint)
        const gc = phi && PRE_TAINT ? 'a' : ec;
        const g = st.got?.get(k);
        if (!g || g.block !== st.cur || g.clob !== preClob(st)) st.got = new Map(st.got ?? []).set(k, { block: st.cur, clob: preClob(st), s, c: gc, ...(e.tv ? { tv: true as const } : {}), ...(ec !== 'v' ? { w: true as const } : {}) });
        else if ((g.c === 'l' && gc !== 'l') || (!g.w && ec !== 'v')) st.got = new Map(st.got).set(k, { block: g.block, clob: g.clob, s: g.s, c: g.c === 'l' && gc !== 'l' ? gc : g.c, ...((g.c === 'l' && gc !== 'l' ? e.tv : g.tv) ? { tv: true as const } : {}), ...(g.w || ec !== 'v' ? { w: true as const } : {}) });
      }
      // prefix: a struct copy's second record needs its base address p + a computed before it (sites.ts
      // structCopySecondSite); any access through p + a makes that address available where it dominates
      if (PREFIX && e.pk) {
        const k = `p|${copy.id(e.pk.b)}|${e.pk.off}`;
        if (e.need && !st.avail.has(k)) s.merged = true;
        if (!st.avail.has(k)) st.avail.set(k, st.cur);
      }
      const seq = st.seq.n++;
      if (e.b !== undefined && (e.c === 'a' || e.c === 'l')) {
        const id = copy.id(e.b);
        st.lastUse.set(id, seq);
        if (!st.firstUse.has(id)) st.firstUse.set(id, seq);
        useAny(st, id, seq);
      }
      // twins: this code is the twin of an arm replayed before it (SimplifyCFG made them one block)
      if (st.dup) { s.merged = true; st.adj = undefined; continue; }
      // rolled: a position an earlier copy of the rolled loop's body already has is that one instruction
      if (st.rolled) {
        const k = `${st.rolled.path}#${oid(e.s)}`;
        if (st.rolled.seen.has(k)) { s.merged = true; st.adj = undefined; continue; }
        st.rolled.seen.add(k);
      }
      // frame: an address inside a local aggregate (a stack slot) is `slot + relocation`, the member offsets folded
      // into each access's displacement; within one block and with no call between (nothing to clobber the register)
      // the BPF backend computes it once (measured: tracee's and kubeshark's `indexer`, two u6_addr32[0] stores and
      // two 16-byte __builtin_memcpy into `&indexer.src.in6_u` / `&indexer.dst.in6_u`: one record each)
      if (FRAME && e.fr !== undefined && !st.loop && copies1(s) && !s.unreached) {
        const k = `${copy.id(e.fr)}|${keyOf(s)}`;
        const d = st.frame.get(k);
        if (d && d.block === st.cur && d.calls === st.calls.n) { s.merged = true; st.adj = undefined; continue; }
        st.frame.set(k, { block: st.cur, calls: st.calls.n });
      }
      // adj: an address whose previous relocated site, in this block, is the same relocation through another (or the
      // same) pointer: MachineCSE shares the one instruction, kept across the first read's call (register pressure
      // permitting, decided at the end); unrolled copies pair within one iteration (each copy with its own)
      const key = keyOf(s);
      const copies = s.copies ?? 1;
      const prev = st.adj;
      // only an address before it leaves the offset in a register (a direct load folds it into its own instruction:
      // mmapsnoop's `PT_REGS_PARM1(ctx)` then `BPF_CORE_READ(regs, di)` are two records); anything else breaks the run
      st.adj = e.c === 'a' && !s.unalignedLoad
        ? { key, block: st.cur, copies, seq, run: prev && prev.block === st.cur ? [...(prev.run ?? []), { key: prev.key, block: prev.block, copies: prev.copies, seq: prev.seq }].slice(-Math.max(GAP_MAX, FAR ? FAR_MAX - 1 : 0)) : undefined }
        : undefined;
      // cof: container_of's offset (`&((T *)0)->m`) right after an address of the same member in this block, only
      // folded loads between (they take no register): the one MOV of the offset serves both (see COF)
      const cofPrev = st.cof;
      if (e.c === 'a' && !e.nul) st.cof = { key, block: st.cur, copies };
      else if (e.c !== 'x' && e.c !== 'l') st.cof = undefined;
      if (COF && UNROLLED && e.nul && e.c === 'a' && st.loop && copies > 1 && !s.unreached && cofPrev && cofPrev.key === key && cofPrev.block === st.cur && cofPrev.copies === copies
        && !(prev && prev.key === key && prev.block === st.cur)) {
        st.cands.push({ s, seq, regs: st.loopRegs ?? 0, inv: st.loopInv ?? [] });
        continue;
      }
      if (ADJ && e.c === 'a' && !s.unreached && prev && prev.key === key && (prev.block === st.cur || st.preds.has(prev.block)) && prev.copies === copies && (copies > 1 || !st.loop)) {
        // the same pointer's rule below may merge it regardless of pressure; if it does not, pressure decides
        if (!st.loop ? copies === 1 : copies > 1 && UNROLLED) byValue(e, s, st, copy);
        if (!s.merged) st.cands.push({ s, seq });
        continue;
      }
      // gap: the same relocation a few addresses back in this run, only other relocations' addresses between (tracee's
      // `BPF_CORE_READ(BPF_CORE_READ(BPF_CORE_READ(t, group_leader), real_parent), group_leader)`): MachineCSE shares
      // the instruction as for `adj`, and the allocator keeps it across the reads between when pressure allows
      if (GAP && e.c === 'a' && !s.unreached && !s.unalignedLoad && (copies === 1 ? !st.loop : st.loop && GAP_UNROLLED) && prev && prev.block === st.cur && prev.key !== key) {
        const back = [...(prev.run ?? [])].reverse();
        const hit = back.slice(0, GAP_MAX).find((r) => r.key === key);
        if (hit && hit.block === st.cur && hit.copies === copies) {
          if (copies === 1 || UNROLLED) byValue(e, s, st, copy);
          if (!s.merged) st.cands.push({ s, seq, from: hit.seq });
          continue;
        }
        // far: further back, all the values crossing counted (see FAR); straight code only
        const far = FAR && copies === 1 ? back.slice(GAP_MAX).find((r) => r.key === key) : undefined;
        if (far && far.block === st.cur && far.copies === copies) {
          byValue(e, s, st, copy);
          if (!s.merged) st.cands.push({ s, seq, far: far.seq });
          continue;
        }
      }
      // a fully unrolled body (copies > 1): an address through the same pointer value within one iteration (its
      // replay's `avail` starts empty) merges as in straight code (measured: KubeArmor's walk reading
      // mnt->mnt_parent before and in `if (mnt != m)`, one record per iteration; construct cse_merge)
      if (UNROLLED && st.loop && copies > 1 && e.c === 'a' && !s.unalignedLoad && !s.unreached) { byValue(e, s, st, copy); continue; }
      if (e.c === 'x' && e.lb !== undefined && (LOCAL_LOADS_ACROSS ? !st.loop || st.unrolled : !st.loop && copies === 1) && !s.unalignedLoad && !s.unreached) { byValue(e, s, st, copy); continue; }
      // checks_unrolled: a check in a fully unrolled body merges with an identical one earlier in the same iteration
      // (the same copies) as in straight code, by MachineCSE (this block or an immediate predecessor; measured: a
      // ringbuf test in an inlined reserve's if and again in the inlined submit's, one record per copy), but only with
      // no helper call between: the merged MOV's register then lives across the call, and in an unrolled body's
      // pressure the allocator rematerialises it (probe seed 73: two `bpf_core_field_size(f->f_flags)` around a
      // BPF_CORE_READ_INTO, kept apart in one copy of two)
      if (CHECKS_UNROLLED && st.unrolled && !st.rolled && e.c === 'v' && copies > 1 && !s.unreached) {
        if (offsetMov(e, s, st, false)) continue;
        const k = `u|${keyOf(s)}#${copies}`;
        const d = st.avail.get(k);
        const h = st.helpers?.n ?? -1;
        if (d !== undefined && (d === st.cur || st.preds.has(d)) && st.gvn.get(k) === h) s.merged = true;
        else { st.avail.set(k, st.cur); st.gvn.set(k, h); }
        continue;
      }
      if (e.c === 'x' || st.loop) continue;
      // unrolled copies are not modelled (measured: 4 copies of a loop whose reads merge in one iteration gave 5
      // records, not 4): they stay unmerged
      if (copies > 1 || s.unalignedLoad || s.unreached) continue;
      byValue(e, s, st, copy);
    } else if ('clob' in e) {
      st.clob.n++;
      if (e.named) st.named.n++;
    } else if ('call' in e) {
      st.loads.clear();
      st.calls.n++;
      const bs = e.bases;
      if (bs) for (let i = 0; i < bs.length; i++) { const b = bs[i]; if (b !== undefined) useAny(st, copy.id(b), st.seq.n - 0.5); }
      if (e.call.twin || depth > 24) { st.clob.n++; continue; }
      if (ROLLED && e.split && rolledCopies(e, st, copy, depth)) {
        // what follows is another block, nothing of the body available to it
        st.clob.n++;
        newBlock([]);
        continue;
      }
      const sub = copy.enter(e.call, e.bases, e.mem, e.kargs, e.live);
      if (!sub) { st.clob.n++; continue; }
      // far: a parameter given a value that is no named pointer (`(void *)ctx[0]` in BPF_PROG, `&e->hdr`) holds it
      // from the call on
      // (`&e->hdr`: e's register, the same value)
      if (FAR) {
        for (const [i, n] of (sub.copy.params?.() ?? []).entries()) {
          if (e.bases?.[i] !== undefined) continue;
          const root = e.roots?.[i];
          if (root !== undefined) { st.alias.set(sub.copy.id(n), copy.id(root)); useAny(st, copy.id(root), st.seq.n - 0.5); }
          else if (!st.firstAny.has(sub.copy.id(n))) useAny(st, sub.copy.id(n), st.seq.n - 0.5);
        }
      }
      // a call sunk out of an if/else runs after the join: its own blocks, nothing before it reused
      if (e.call.sunk) { newBlock([]); st.avail = copyMap(st.avail); st.gvn = new Map(); st.clob.n++; }
      const inner: State = { ...st, avail: copyMap(st.avail), facts: copyMap(st.facts), gvn: copyMap(st.gvn), loads: new Set(), preds: copySet(st.preds), exited: false, rets: [], early: [],
        rolled: st.rolled && { seen: st.rolled.seen, path: `${st.rolled.path}/${oid(e.call)}` }, retSc: [], outs: [], entry: undefined, brks: undefined };
      run(sub.flow, inner, sub.copy, depth + 1, true);
      const ends = [...inner.rets, ...(inner.exited ? [] : [inner.cur])];
      if (ends.length && ends.every((b) => b === inner.cur)) {
        // one way out, at the end: the callee's straight-line code continues the caller's block
        st.avail = inner.avail;
        st.facts = inner.facts;
        st.gvn = inner.gvn;
        st.cur = inner.cur;
        st.preds = inner.preds;
        st.adj = inner.adj;
        st.ccAvail = inner.ccAvail;
        // thread: its one return is `return L || R;`: an if branching on this call's value right after it is
        // jump-threaded into R's branch, as if the short circuit were its own condition (the `sc` rule below)
        if (THREAD && inner.rets.length === 1 && inner.exited && inner.retSc?.length === 1 && inner.retSc[0]) sc = inner.retSc[0];
      } else if (ends.length) {
        // what every way out (each return, the end) had available is defined in blocks dominating the join (`early`)
        const outs = [...inner.early!, ...(inner.exited ? [] : [inner.avail])];
        if (outs.length === ends.length) {
          const avail = copyMap(st.avail);
          for (const [k, b] of outs[0]!) if (outs.every((o) => o.get(k) === b)) avail.set(k, b);
          st.avail = avail;
        }
        newBlock(ends);
        // jt: an if on this call's value right after it (`if (!f(..)) return 0;`) is threaded by the returned constants
        if (JT && inner.exited && inner.outs!.length) jt = { outs: inner.outs!, avail: st.avail };
      } else st.exited = true;
      st.loads.clear();
    } else if ('cut' in e) {
      const os = e.outs;
      if (os) for (let i = 0; i < os.length; i++) useAny(st, copy.id(os[i]!.p), st.seq.n - 0.5);
      const us = e.uses;
      if (us) for (let i = 0; i < us.length; i++) useAny(st, copy.id(us[i]!), st.seq.n - 0.5);
      // hop: a statement's end keeps the pointers loaded to be dereferenced at once (no store, call or block between)
      // local_loads_across: the member loads of a local aggregate stay available past a statement that stores through
      // no pointer and calls nothing: GVN forwards the first load of the stack slot to the next (nothing between may
      // write it), one record (intelops/tarian-detector's `len += (d_name.len + 1) ..; s->pos = max - (d_name.len + 1)`)
      if (e.soft && !e.store) { for (const k of st.loads) if (!k.startsWith('h|') && !(LOCAL_LOADS_ACROSS && k.startsWith('lb|'))) st.loads.delete(k); }
      else st.loads.clear();
      if (!e.soft && !e.sig?.startsWith('__builtin_mem')) { st.calls.n++; if (st.helpers) st.helpers.n++; }
      const fallEnd = preClob(st);
      if (!e.soft) st.clob.n++;
      if (e.all) {
        // pre_switch: what the arm before a case label it falls into loaded (see preJoin)
        st.fall = st.brks && fellIn && st.got ? { got: st.got, end: fallEnd, at: preClob(st) } : undefined;
        st.avail = new Map(); st.facts = new Map(); st.gvn = new Map(); st.ccAvail = ccRebase(st.ccEntry, st.clob.n); newBlock([]);
        // pre: the label's block is also entered from elsewhere (the switch, a goto): no load of the way before it is
        // available on every path there
        st.got = undefined;
        // armTwins: a switch arm repeating an earlier arm's code (sites.ts) is that arm's block when the earlier arm
        // is there in this copy; the next case label ends it
        if (e.twin && !st.loop && !st.rolled && copy.site(e.twin)) { st.dup = true; st.twinArm = true; }
        else if (st.twinArm) { st.dup = false; st.twinArm = false; }
      }
    } else if ('exit' in e) {
      // pre_switch: a break of the switch being replayed is a way into its join, with the loads of its path
      if (e.brk && st.brks && !st.dup) st.brks.push({ got: st.got, end: preClob(st), cur: st.cur, ...(st.fall ? { fall: st.fall } : {}) });
      if (e.exit === 'ret') {
        st.rets.push(st.cur); st.early?.push(copyMap(st.avail)); st.retSc?.push(e.sc ? prevSc : undefined);
        st.outs?.push({ block: st.cur, avail: copyMap(st.entry ?? st.avail), ...(e.k !== undefined ? { k: e.k } : {}) });
      }
      st.exited = true;
    } else if (e.kind === 'if') {
      // void tail: `if (c) return;` as the last statement of an inlined void function (nothing after it, no return
      // value): both ways reach the same return with nothing between, so SimplifyCFG leaves no branch (netdata's
      // set_common_udp_nv_data: the caller's read of sk->skc_state after the call reuses the helper's, one record)
      if (VOID_TAIL && depth > 0 && !e.alt && !e.sc && voidTail(e.sub) && evs.slice(ei + 1).every((x) => 'cut' in x && x.soft)) continue;
      // implied: a comparison the dominating path already decided (JumpThreading / GVN fold the branch: measured,
      // ecapture's capture_packets, see IMPLIED) leaves only the arm it takes; the other is never emitted
      const key = IMPLIED && e.ck && !st.loop && !st.rolled ? condKeyIn(e.ck, copy) : undefined;
      const known = key !== undefined ? st.facts.get(key) : undefined;
      if (known !== undefined) {
        const taken = known !== e.ck!.neg;
        const dead = taken ? e.alt : e.sub;
        const live = taken ? e.sub : e.alt;
        if (dead) run(dead, { ...st, avail: copyMap(st.avail), facts: copyMap(st.facts), gvn: copyMap(st.gvn), loads: new Set(), cur: st.next.n++, preds: new Set(), exited: false, rets: [], early: [], outs: [], adj: undefined, dup: true, brks: undefined }, copy, depth);
        if (live) run(live, st, copy, depth);
        continue;
      }
      const from = st.cur;
      // an if on `L || R` runs its else arm (or, when its then arm always exits, what follows) only after R was
      // evaluated false: R's block dominates it and is its immediate predecessor (on `L && R`, the then arm), so
      // what R defined is reused there (measured: tetragon's `if (d == root || IS_ROOT(d)) return 1;` then a read
      // of d->d_parent as IS_ROOT's: one record; construct cse_merge). Only when R ends in a block of its own, and
      // only R's addresses: a check R compares (kernel_net's `exists && field_size(..) == 4` then the bitfield read's
      // byte size) keeps its second record (measured; not understood, so not merged).
      // thread: an if on an inlined helper's returned short circuit (`if (f(..))`, f ending in `return L || R;`) is the
      // same branch once JumpThreading is done; negated (`if (!f(..))`), `!(L || R)` takes the arm `L && R` would
      const dom = e.sc === true || (THREAD && e.cc === true) ? prevSc
        : THREAD && e.cc === 'neg' && prevSc ? { op: prevSc.op === '&&' ? '||' as const : '&&' as const, arm: prevSc.arm } : undefined;
      // cc: the pairs before the if, as either arm sees them (the other arm's clobbers are on no path to it)
      const ccAt = st.ccAvail && ccRebase(st.ccAvail, st.clob.n, true);
      // both arms end in a load of one size (sunk into the join as one load: see `pre` below); an arm that was only a
      // local's load is then empty (pre_stack)
      const ls = e.alt ? lastLoad(e.sub, copy) : undefined;
      const sunkLoads = ls !== undefined && ls === lastLoad(e.alt!, copy);
      const arm = (evs2: FlowEv[], base?: State, dup = false): State => {
        // an arm with no relocation, call, asm or exit (a comparison on the right of &&, `v = 0xff000002;` in an
        // else) is no block of its own once SimplifyCFG is done (measured: sel_fields' existence checks, filetop,
        // tcplife's arm with calls is one): its way out is the block it came from
        // (not an arm of a compare chain, a case of a switch once lowered: entered from its own compare, sw)
        // (diamond: a select's arm is the move the BPF backend branches over, a block of its own however empty)
        // (store arms: the one arm of an if without else that writes through a pointer stays a block: SimplifyCFG
        // speculates a store only after a store to the same address before the branch; measured, profiler3's
        // `if (len <= MAX) data->len = len;` between two reads of task->mm: two records)
        // (pre_stack: a `?:` arm reading a local in memory is a load, a block, FlowEv `ld`, unless sunk; left as no
        // block in a loop body: there the unrolled copies reuse offsets across the diamond in ways the replay does not
        // follow, and the old triangle counted closer: measured on seeds 1-200, 13 more merged by clang in unrolled
        // bodies for 4 fewer missing)
        if (!(SWITCH_CHAINS && e.sw) && !e.diamond && !(STORE_ARMS && !e.alt && evs2.some((x) => 'clob' in x)) && evs2.every((x) => ('cut' in x && x.soft && (x.ld === undefined || sunkLoads || st.loop)) || 'clob' in x)) {
          if (evs2.some((x) => 'clob' in x)) st.clob.n++;
          return { ...st, exited: false };
        }
        // early: an arm that only returns (`if (!ns) return 0;` in an inlined helper) is no block either once
        // SimplifyCFG folds it into the return's phi: the caller's join after the call has this block as its
        // immediate predecessor (measured: KubeArmor's get_task_pid_ns_id then get_task_mnt_ns_id, one nsproxy record)
        // (sst: the arm's constant store is sunk into the return block with the function's last one: only a return)
        if (EARLY && depth > 0 && evs2.every((x) => ('cut' in x && x.soft) || ('exit' in x && x.exit === 'ret') || (e.sst && evs2 === e.sub && 'clob' in x)) && evs2.some((x) => 'exit' in x)) {
          st.rets.push(from);
          st.early?.push(copyMap(st.avail));
          const x = evs2.find((y): y is Extract<FlowEv, { exit: 'ret' | 'jump' }> => 'exit' in y);
          st.outs?.push({ block: from, avail: copyMap(st.entry ?? st.avail), ...(x?.k !== undefined ? { k: x.k } : {}) });
          return { ...st, exited: true };
        }
        const a: State = base
          ? { ...st, avail: withAddrs(st.avail, base.avail), facts: copyMap(st.facts), gvn: copyMap(st.gvn), loads: new Set(), cur: st.next.n++, preds: new Set([base.cur]), exited: false, adj: base.adj }
          : { ...st, avail: copyMap(st.avail), facts: copyMap(st.facts), gvn: copyMap(st.gvn), loads: new Set(), cur: st.next.n++, preds: new Set([from]), exited: false, adj: undefined };
        if (dup) a.dup = true;
        if (ccAt) a.ccAvail = ccRebase(ccAt, st.clob.n);
        // implied: in the arm, the comparison has the value its branch took
        if (key !== undefined) a.facts.set(key, evs2 === e.sub ? !e.ck!.neg : e.ck!.neg);
        run(evs2, a, copy, depth);
        a.dup = st.dup;
        return a;
      };
      const got0 = st.got;
      const clob0 = preClob(st);
      const t = arm(e.sub, dom?.op === '&&' ? dom.arm : undefined);
      const tClob = preClob(st);
      // twins: an else arm, or what follows an arm that returns up to its own return, identical to the then arm
      // (not in a loop: a rolled loop's copy has its induction variable as a constant the real body does not)
      const twin = TWINS && !e.sc && !(e.cc && dom) && !st.loop && !st.rolled ? twinOf(e, evs, ei, copy) : undefined;
      const f = e.alt ? arm(e.alt, dom?.op === '||' ? dom.arm : undefined, twin === 'alt') : undefined;
      // (not after a join: a condition that is a phi, like an inlined helper's several returns, is jump-threaded into
      // the paths before it, and an arm with several predecessors is hoisted into none; retsnoop's IS_ERR_VALUE32)
      // (hoist_join: after a join, on a condition that is no phi — an unwritten parameter, `pc`, not a local computed
      // on the way (retsnoop's `failed`, measured: kept apart) — the if's block still branches on it and SimplifyCFG
      // hoists into it: gala-gopher stackprobe's update_statistics,
      // `if (lang == PY) {..}` then `if (cur) out(.., &a, ..); else out(.., &b, ..);`, one record)
      if (HOIST && e.alt && !twin && !e.sc && !st.loop && !st.rolled && !st.dup && (st.preds.size <= 1 || (HOIST_JOIN && e.pc && !e.cc))) { const h = hoistOf(e.sub, e.alt, copy); if (h) h.merged = true; }
      // implied: what follows an if one of whose arms always exits is dominated by the other arm's edge
      if (key !== undefined) {
        if (t.exited && !f) st.facts = copyMap(st.facts).set(key, e.ck!.neg);
        else if (t.exited && f && !f.exited) st.facts = copyMap(f.facts);
        else if (f?.exited && !t.exited) st.facts = copyMap(t.facts);
      }
      if (SUNK && e.alt && !twin && !e.sc && !(e.cc && dom) && !st.loop && !st.rolled) {
        const sunk = sunkOf(e.sub, e.alt, copy);
        for (const x of sunk) x.merged = true;
        // tailsink: the identical end of both arms, in the join once SimplifyCFG is done
        if (TAIL_SINK && e.tl && !sunk.length && !t.exited && !f?.exited) for (const x of tailSunkOf(e.sub.slice(e.tl[0]), e.alt.slice(e.tl[1]), copy)) x.merged = true;
      }
      // jt: `if (!f(..)) return 0;` on an inlined helper returning only constants: JumpThreading sends each return
      // straight to the arm its constant takes, so the code after the if has the blocks of the returns that reach it
      // as its immediate predecessors, and what dominates all of them available (huatuo's should_process_device:
      // `if (!FILTER_DEV_COUNT) return 1;` leaves the caller's block a predecessor of the code after the test)
      if (JT && e.cc && prevJt && !e.alt && t.exited && !st.loop && !st.rolled && prevJt.outs.every((o) => o.k !== undefined)) {
        const cont = prevJt.outs.filter((o) => (e.cc === 'neg' ? o.k !== 0n : o.k === 0n));
        if (cont.length) {
          const avail = copyMap(prevJt.avail);
          for (const [k, b] of cont[0]!.avail) if (cont.every((o) => o.avail.get(k) === b)) avail.set(k, b);
          st.avail = avail;
          newBlock(cont.map((o) => o.block));
          continue;
        }
      }
      if (twin === 'rest' && t.exited) st.dup = true;
      if (e.sc === '&&' || e.sc === '||') {
        // R's own block, ending in its branch: not when it is no block (an empty arm), exits, or ends in a join of
        // its own (a nested short circuit or ?: whose arms branch straight on)
        const last = e.sub[e.sub.length - 1];
        if (t.cur !== from && !t.exited && !(last && 'kind' in last)) sc = { op: e.sc, arm: t };
      }
      if (dom?.op === '||' && !f && t.exited) {
        st.avail = withAddrs(st.avail, dom.arm.avail);
        newBlock([dom.arm.cur]);
        st.adj = dom.arm.adj;
        continue;
      }
      const ends: number[] = [];
      if (!t.exited) ends.push(t.cur);
      if (!f) ends.push(from);
      else if (!f.exited) ends.push(f.cur);
      if (!ends.length) { st.exited = true; return; }
      // no branch left at all (every arm empty): still the same block; an arm that exits leaves a branch behind
      if (!t.exited && !f?.exited && ends.every((b) => b === from)) {
        // select_block: an arm that gave a local a value is a select, which the BPF backend (no select instruction,
        // no setcc) lowers to a branch over a move: what follows is a new machine block whose immediate predecessors
        // are the block before the if and the move's. MachineCSE still reuses an offset of the block before here,
        // but not past the next branch (skbtracer's get_l3_header, `if (network_header == 0) network_header =
        // mac_header + MAC_HEADER_SIZE;`, then `if (ip_version == 4) set_ipv4_info(..)` reading skb->head again:
        // three records more per program). IR-level merges (loads, GVN) are unaffected: no block in the IR.
        if (SELECT_BLOCK && e.selb && t.cur === from) { st.cur = st.next.n++; st.preds = new Set([from]); }
        // ifcvt_loads: an if speculated whole (sites.ts `spec`: `if (S_ISDIR(inode->i_mode) && (mask & X)) access |=
        // Y;`) leaves its condition's direct loads in the one IR block, consumed by the branch there (nothing to
        // sink): the next statements' load of the same field through the same pointer, nothing between that may
        // write memory, is the same SelectionDAG node (same chain, same address), one record (measured with clang
        // 14 on bpfcontain's inode_permission and file_receive: `inode->i_mode`, `file->f_mode` read once)
        if (e.spec && !st.loop) for (const k of [...st.loads]) if (!k.startsWith('h|') && !k.startsWith('lb|')) st.loads.add(`h|${k}`);
        continue;
      }
      // succ: the block after an if whose other ways exit has the block of the last address as its one immediate
      // predecessor: MachineCSE reuses that address's offset there as in one block (`adj`, pressure permitting)
      // (and after a store arm, a block now: the block before the if is one of the join's immediate predecessors,
      // the offset still in its register: profiler2's two `bpf_probe_read_str(.., BPF_CORE_READ(kn, name))` around
      // `if (len <= MAX_PATH) { data->len = len; payload += len; }`, one record)
      const storeArm = STORE_ARMS && !e.alt && e.sub.some((x) => 'clob' in x) && e.sub.every((x) => ('cut' in x && x.soft) || 'clob' in x);
      const keep = (SUCC && ends.length === 1 && st.adj?.block === ends[0]) || (storeArm && st.adj?.block === from) ? st.adj : undefined;
      newBlock(ends);
      st.adj = keep;
      st.got = got0;
      // pre: a load of one arm only, the other arm a block of its own or the edge from the block before the if (see
      // PRE); pre_full: of both arms
      if (PRE && !e.sc && (!st.loop || st.unrolled) && !st.rolled && !st.dup) {
        const ways: PreWay[] = [];
        if (!t.exited) ways.push({ got: t.got, end: tClob, evs: t.cur !== from ? e.sub : undefined, cur: t.cur });
        if (f && !f.exited) ways.push({ got: f.got, end: preClob(st), evs: f.cur !== from ? e.alt : undefined, cur: f.cur });
        else if (!f) ways.push({ got: got0, end: clob0 });
        const pre = ways.length > 1 ? preJoin(ways, got0, clob0, st, copy, true) : undefined;
        // both arms ending in a direct load of one size (the ternary's value): SimplifyCFG sinks the two loads into the
        // join as one on a phi of the addresses, so the arm's relocation is an address already (measured: `c ?
        // f->..->d_name.len : f->f_flags`, one f_flags record in the arm, none more)
        if (pre && sunkLoads) {
          for (const [k, g] of pre) if (g.c === 'l' || g.also?.some((q) => q.c === 'l')) pre.set(k, { ...g, c: g.c === 'l' ? 'a' : g.c, also: g.also?.map((q) => (q.c === 'l' ? { ...q, c: 'a' } : q)) });
        }
        st.pre = pre;
      }
      // (a check the block before a store arm computed is still reused after it as if the arm were no block:
      // measured on cse14's switch2 `checks` shape, clang one field_exists record; an address is not, above. Why
      // the check differs is not understood: GVN's load PRE into the arm is the guess)
      if (storeArm) { const avail = copyMap(st.avail); for (const [k, b] of st.avail) if (b === from && k.startsWith('v|')) avail.set(k, st.cur); st.avail = avail; }
    } else if (e.kind === 'switch') {
      // a switch is not modelled: its arms reuse nothing from before it, nothing of theirs is reused after it (but
      // for GVN's load PRE at its join: pre_switch)
      const got0 = st.got;
      const clob0 = preClob(st);
      const brks: PreWay[] | undefined = PRE_SWITCH && e.dflt !== undefined && (!st.loop || st.unrolled) && !st.rolled && !st.dup ? [] : undefined;
      const inner: State = { ...st, avail: new Map(), facts: new Map(), gvn: new Map(), loads: new Set(), cur: st.next.n++, preds: new Set(), exited: false, adj: undefined, entry: st.entry ?? copyMap(st.avail), ccEntry: ccRebase(st.ccAvail, st.clob.n, true), brks };
      run(e.sub, inner, copy, depth);
      const endClob = preClob(st);
      st.clob.n++;
      newBlock([]);
      if (brks) {
        // the ways into the join: each break, the end of the last arm, and the switch's own edge when it has no default
        const ways = [...brks, ...(inner.exited ? [] : [{ got: inner.got, end: endClob, cur: inner.cur }]), ...(e.dflt ? [] : [{ got: got0, end: clob0 }])];
        st.pre = ways.length > 1 ? preJoin(ways, got0, clob0, st, copy, false) : undefined;
      }
    } else if (STRAIGHT && e.full && e.sub.every((x) => 'cut' in x || 'clob' in x)) {
      // straight: a loop LLVM unrolls fully whose body is only arithmetic and stores (IG's fnv_32a_update_u64, an
      // 8-byte hash loop between two reads of task->mm) leaves no branch behind: the block goes on
      run(e.sub, st, copy, depth);
    } else {
      // a loop's code stays unmerged: LLVM may unroll it (fully, without a pragma, for a small constant trip count:
      // falco's uid map walk keeps three records per iteration of one triple) or hoist out of it (LICM); its body is
      // not replayed: a clobber for GVN if anything in it may write a global (measured: a loop of arithmetic between
      // two checks keeps one record)
      if (mayClobber(e.sub)) st.clob.n++;
      // replayed for `adj` only (an unrolled body's copies pair within one iteration) and for register pressure
      const from = st.cur;
      const body: State = { ...st, avail: new Map(), facts: new Map(), gvn: new Map(), loads: new Set(), cur: st.next.n++, preds: new Set(), exited: false, rets: [], adj: undefined, loop: true, unrolled: !!e.full && !!e.trips, got: undefined, pre: undefined, brks: undefined, loopRegs: e.regs ?? 0, loopInv: (e.inv ?? []).map((n) => copy.id(n)), entry: st.entry ?? copyMap(st.avail) };
      const first = body.cur;
      const seq0 = st.seq.n;
      const cand0 = st.cands.length;
      run(e.sub, body, copy, depth);
      if (GAP_ONE_BLOCK && body.unrolled && !body.exited && body.cur === first) oneBlockGaps(st, cand0);
      if (ALT && e.trips && e.trips > 1) alternate(e.sub, e.trips, first, body, st, copy, seq0);
      if (COPY_CHECKS && e.trips && e.trips > 1) copyChecks(e.sub, e.trips, st, copy, seq0);
      if (ROLLED_REMAT && !e.full && !e.trips && !st.loop && !st.rolled && !st.dup) rolledRemat(e, copy, depth);
      // guard: a rotated loop's guard branches from the block before it to the code after it, an immediate
      // predecessor there (measured: task->mm before and after a rolled hash loop over an unknown count, one record)
      newBlock(GUARD && e.guard ? [from] : []);
    }
  }
}

/** CORELENS_CSE_STORE_ARMS=0: an if's one arm that only stores through a pointer is no block (as before). */
const STORE_ARMS = process.env.CORELENS_CSE_STORE_ARMS !== '0';
/** CORELENS_CSE_VOID_TAIL=0: `if (c) return;` ending an inlined void function is a branch (its before/after figures). */
const VOID_TAIL = process.env.CORELENS_CSE_VOID_TAIL !== '0';
/** An if arm that only returns, without a value (soft cuts, then `return;`: no constant, no site, no call). */
const voidTail = (xs: FlowEv[]): boolean => {
  const last = xs[xs.length - 1];
  return !!last && 'exit' in last && last.exit === 'ret' && last.k === undefined && xs.slice(0, -1).every((x) => 'cut' in x && x.soft);
};
/** CORELENS_CSE_ALT=0 turns the `alt` rule off (its before/after figures). */
const ALT = process.env.CORELENS_CSE_ALT !== '0';
/** CORELENS_CSE_ALT_INV=0: `alt` ignores whether a carried address's pointer is loop-invariant (alt_inv, before/after). */
const ALT_INV = ALT && process.env.CORELENS_CSE_ALT_INV !== '0';
/** CORELENS_CSE_ALT_EXIT=0: the sunk exit arm's address of an invariant pointer keeps its record (alt_inv's exit part). */
const ALT_EXIT = ALT_INV && process.env.CORELENS_CSE_ALT_EXIT !== '0';
/** CORELENS_CSE_ALT_CHECKS=0: `alt` carries addresses only, not checks (its before/after figures). */
const ALT_CHECKS = ALT && process.env.CORELENS_CSE_ALT_CHECKS !== '0';

/**
 * alt: a fully unrolled body (a pragma's, `trips` copies) that begins with a straight block F and ends in an if
 * without else (`subsys = BPF_CORE_READ(task, cgroups, subsys[i]); if (subsys) { .. }`, the kernel selftests'
 * profiler.inc.h): each copy's F is an immediate predecessor of the next copy's F, which F dominates, so MachineCSE
 * reuses an address offset the previous F computed, but not one the previous F itself reused (that instruction is
 * gone, its def two blocks up): the copies alternate, one record every other copy (measured, clang 14: 14 copies of
 * `task->cgroups` give 7 records; 5 copies 3; 6 copies after the same address of the same pointer in the block
 * before the loop 2, that block's own record serving copies 0 and 1). Only addresses of F that F defines in one copy (not merged within it);
 * `Site.mergedCopies` holds the copies that share a record.
 */
function alternate(evs: FlowEv[], trips: number, first: number, end: State, st: State, copy: FlowCopy, seq0: number): void {
  // F is a predecessor of what follows the body (the if has no else, nothing after it in the body)
  if (end.exited || !end.preds.has(first)) return;
  const last = evs[evs.length - 1];
  if (!last || !('kind' in last) || last.kind !== 'if' || last.alt) return;
  // (alt_inv: an exit test of several branches, `if (v == a || v == b)`, ends each copy in blocks of its own after
  // F: F is no immediate predecessor of the next copy's F, nothing alternates; measured, clang 14: a record per copy)
  if (ALT_INV && last.scb) return;
  const carried: Extract<FlowEv, { s: RawSite }>[] = [];
  for (const x of evs) {
    if ('sub' in x || 'call' in x || 'exit' in x || ('cut' in x && x.all)) break;
    // (alt_checks: a check's MOV alternates alike; measured: `out[6] += bpf_core_field_offset(p->tgid)` in a
    // parent walk of 4 copies, 2 records)
    if (!('s' in x) || (x.c !== 'a' && !(ALT_CHECKS && x.c === 'v'))) continue;
    const s = copy.site(x.s);
    if (!s || s.merged || s.unreached || s.unalignedLoad || s.mergedCopies || !s.copies || s.copies % trips) continue;
    carried.push(x);
  }
  // register pressure (a HEURISTIC like `adj`): each offset is kept across the copy's probe-read calls in r6-r9,
  // with the pointers the body uses that live across the whole loop (first used before it); measured: three such
  // offsets and one pointer alternate, four offsets and one pointer do not all (clang drops one: which, not modelled:
  // none merged, a CSE surplus, never a missing record)
  // (a carried offset's own pointer too: it is loop-invariant, or the phi of the copies' values)
  const live = new Set<string>();
  for (const [id, lastSeq] of st.lastUse) if (lastSeq >= seq0 && (st.firstUse.get(id) ?? lastSeq) < seq0) live.add(id);
  for (const x of carried) if (x.b !== undefined) live.add(copy.id(x.b));
  // (alt_inv: with an address of an invariant pointer carried, that address is a value live across the whole loop, and
  // the locals and parameters the loop reads and never writes hold a register throughout it too: the level and the
  // inode compared in each copy of kvisor's walk beside its task: measured, then the per-copy pointers' offsets are
  // rematerialised per copy, only the invariant pointer's address alternates; without one, as before: probe seed
  // 110's parent walk, its tp_btf arguments named in the loop, alternates)
  // (alt_inv: the loop's invariants; a base is a variable's version, `task#1`, and the loop writes none of an
  // invariant's, so any version is the one before)
  const inv = ALT_INV ? new Set(end.loopInv ?? []) : new Set<string>();
  const fixed = (x: Extract<FlowEv, { s: RawSite }>): boolean => x.c === 'a' && x.b !== undefined && inv.has(copy.id(x.b).replace(/#\d+$/, ''));
  if (ALT_INV && carried.some(fixed)) {
    const named = new Set([...live].map((id) => id.replace(/#\d+$/, '')));
    for (const id of end.loopInv ?? []) if (!named.has(id)) live.add(id);
  }
  // (alt_checks: the addresses decide as before; the checks come along only when they leave a register spare, else
  // they keep a record per copy: measured, a check and one address of the walk's pointer alternate; a check beside
  // two addresses, before them or between, a record per copy)
  const addrs = carried.filter((x) => x.c === 'a').length;
  // alt_inv: an address through a pointer the loop never writes (`task` from bpf_get_current_task() before the walk)
  // is, after MachineCSE, one ADD of the pointer and the shared MOV, itself merged with the previous copy's ADD: the
  // MOV's only use is that ADD, next to it, so no pressure keeps it live across the copies' calls and the allocator
  // has nothing to rematerialise (the ADD has a register operand: not rematerialisable; it is spilled and reloaded,
  // no record). Such an address alternates with MachineCSE whatever the pressure test below says of the others
  // (measured, clang 14: kvisor's get_pid_in_ns, `BPF_CORE_READ(task, group_leader, thread_pid, numbers[level -
  // i].ns, ns.inum)` over 10 copies: 2480's group_leader MOV every other copy, the per-copy pointers' offsets
  // rematerialised per copy)
  const fits = addrs + live.size <= CALLEE_SAVED;
  if (!fits && !carried.some(fixed)) return;
  const room = carried.length + live.size < CALLEE_SAVED;
  for (const x of carried) {
    if (!fits && !fixed(x)) continue;
    if (x.c === 'v' && !room) continue;
    const s = copy.site(x.s)!;
    // copy 0 reuses what the block before the loop computed through the same pointer (a check: the same check)
    const k = x.c === 'v' ? `v|${keyOf(s)}` : x.b !== undefined ? `a|${copy.id(x.b)}|${keyOf(s)}` : undefined;
    const d = k !== undefined ? st.avail.get(k) : undefined;
    // in the block before it (one block with copy 0, whose successor copy 1 reuses it too: records from copy 2 on,
    // every other one) or in its immediate predecessor (copy 0 reuses it, copy 1 computes it again)
    const records = d === st.cur ? Math.floor((trips - 1) / 2) : d !== undefined && st.preds.has(d) ? Math.floor(trips / 2) : Math.ceil(trips / 2);
    s.mergedCopies = (s.copies! / trips) * (trips - records);
    // alt_inv, the exit: the if's arm that leaves the loop, sunk into one block every copy branches to (sites.ts
    // sinkTail), has copy 0's block as immediate predecessor and dominator; an address of the same invariant pointer
    // there reuses copy 0's MOV and ADD (MachineCSE), unless copy 0 itself reused them from the block before (then
    // they live further up: a record; measured, clang 14, the same walk: no group_leader record in the exit)
    if (ALT_EXIT && fixed(x) && !(d !== undefined && d !== st.cur && st.preds.has(d))) {
      for (const y of last.sub) {
        if ('sub' in y || 'call' in y) break;
        if (!('s' in y) || y.c !== 'a' || y.b === undefined || copy.id(y.b) !== copy.id(x.b!)) continue;
        const a = copy.site(y.s);
        if (!a || a.merged || a.unreached || a.unalignedLoad || a.mergedCopies || keyOf(a) !== keyOf(s) || (a.copies ?? 1) * trips !== s.copies) continue;
        if ((a.copies ?? 1) === 1) a.merged = true;
        else a.mergedCopies = a.copies;
        break;
      }
    }
  }
}

/** CORELENS_CSE_COPY_CHECKS=0 turns the `copy_checks` rule off (its before/after figures). */
const COPY_CHECKS = process.env.CORELENS_CSE_COPY_CHECKS !== '0';

/**
 * copy_checks: a fully unrolled body (a pragma's, `trips` copies) without a branch is, copies and all, one block: a
 * check's MOV (BPFMISimplifyPatchable makes the load of its global one) is the same instruction in every copy, and
 * MachineCSE keeps the first, in a callee-saved register across the copies' probe reads (measured, clang 14: 4
 * copies of `BPF_CORE_READ_INTO(&t, x, f_flags); out[6] += bpf_core_field_offset(x->f_path.dentry);`, one record;
 * GVN and LICM cannot, the probe read's call may write the global). Only checks: an address through another
 * pointer per copy is `adj`'s, through one pointer licm_hoist's (sites.ts).
 */
function copyChecks(evs: FlowEv[], trips: number, st: State, copy: FlowCopy, seq0: number): void {
  // one block: no nested code, no exit, no inlined call (its branches split the copies), no label
  if (!evs.every((x) => 's' in x || 'clob' in x || ('cut' in x && !x.all))) return;
  const isCall = (x: FlowEv): boolean => 'cut' in x && !x.soft && !x.all;
  const checks: { s: Site; k: string }[] = [];
  let called = false;
  let stmt = false;
  for (const x of evs) {
    if (isCall(x)) { called = true; stmt = false; } else if ('cut' in x && x.soft) stmt = true;
    if (!('s' in x) || x.c !== 'v') continue;
    const s = copy.site(x.s);
    if (!s || s.merged || s.unreached || s.mergedCopies || !s.copies || s.copies % trips) continue;
    // a check before the body's first call is live across every copy's call from the loop's start: rematerialised
    // (measured: the same check and probe read the other way round, a record per copy); one in the probe read's own
    // statement (`out[i] += BPF_CORE_READ(t, pid) + bpf_core_field_size(t->comm)`) is the two-address add's
    // destination, rematerialised into it per copy (measured: four records; licm_hoist's h2)
    if (!called || !stmt) return;
    checks.push({ s, k: `v|${keyOf(s)}` });
  }
  if (!checks.length) return;
  // register pressure (a HEURISTIC, as `alt`'s): the checks kept, the pointers the body reads through (each copy
  // reads them: live across all), per helper call its two address operands the copies repeat (the local it writes,
  // the source LICM hoisted) and the named global the body stores to, all across the copies' calls, fit r6-r9 with
  // the pointers live across the whole loop (decided after the replay); else the allocator rematerialises the MOVs,
  // one per copy (measured: one check after one probe read and `out[i] +=`, one record; two checks beside a direct
  // read through the pointer, or four checks, a record per copy each)
  const live = new Set<string>();
  for (const x of evs) if ('s' in x && x.b !== undefined && (x.c === 'a' || x.c === 'l')) live.add(copy.id(x.b));
  const calls = evs.filter(isCall).length;
  const named = evs.some((x) => 'clob' in x && x.named) ? 1 : 0;
  const regs = new Set(checks.map((c) => c.k)).size + live.size + 2 * calls + named;
  if (regs > CALLEE_SAVED) return;
  const seen = new Set<string>();
  const out: { s: Site; copies: number }[] = [];
  for (const { s, k } of checks) {
    // a check the block before the loop defines too is one value from there on, live across more than the loop: the
    // allocator rematerialises it first, a record per copy (measured: `out[5] = bpf_core_field_size(x->f_inode)`
    // before three copies of `out[6] += bpf_core_field_size(x->f_inode)` beside a probe read, four records)
    const d = st.avail.get(k);
    if (d !== undefined && (d === st.cur || st.preds.has(d))) continue;
    // another copy of this check earlier in the body: the same instruction (copies 0: merged whole)
    out.push({ s, copies: seen.has(k) ? 0 : s.copies! - s.copies! / trips });
    seen.add(k);
  }
  if (out.length) st.copyc?.push({ checks: out, from: seq0, to: st.seq.n, regs });
}

/** CORELENS_CSE_ROLLED_REMAT=0 turns the `rolled_remat` rule off (its before/after figures). */
const ROLLED_REMAT = process.env.CORELENS_CSE_ROLLED_REMAT !== '0';

/**
 * rolled_remat: a check's value is a MOV of an immediate (relocated; BPFMISimplifyPatchable), loop-invariant and
 * trivially rematerialisable, which MachineLICM always hoists out of a loop LLVM keeps rolled ("the register
 * allocator can just pull them down again when needed"). A check the body tests on every iteration before any
 * branch or call is then live across the whole loop; with no callee-saved register (r6-r9) left for it, the greedy
 * allocator splits it around each helper call on a path back to the loop's header (the call clobbers r0-r5) and
 * rematerialises the MOV after the call: one record per such call besides the preheader's (measured, clang 14: a
 * 64-trip loop over filter entries whose inlined helper tests bpf_core_field_exists first and calls
 * bpf_get_current_uid_gid in two switch arms, three records; a check only an arm uses is pulled down to that use,
 * one record). Only checks before the body's first branch or call, calls only in arms (a call every iteration makes,
 * a nested loop, a call not inlined, an arm of the loop's own function that leaves the loop with a call in it: not
 * modelled), and only under register pressure, a HEURISTIC as `cof`'s: the check, used once per iteration and
 * rematerialisable (half its spill weight), loses r6-r9 to values the body uses every iteration. Required: a pointer
 * the body dereferences (relocated) outside any arm, and the loop's scalar locals, its invariant locals and
 * parameters, a named global it stores to (its address hoisted too), the induction variable and the checks over four
 * (measured, the rolled_remat shape: a task pointer read every iteration beside the rule table, the induction
 * variable and `hits`, three records; the same pointer read only in arms is spilled instead, one record).
 */
function rolledRemat(e: Extract<FlowEv, { sub: FlowEv[] }>, copy: FlowCopy, depth: number): void {
  const checks: Site[] = [];
  let calls = 0;
  let bad = false;
  const hot = new Set<string>();
  let named = 0;
  // still in the body's first block (no branch, no call yet, in program order through inlined calls)
  let first = true;
  // `arm`: inside an if/switch arm; `top`: the loop's own function (its exits leave the loop)
  const walk = (evs: FlowEv[], c: FlowCopy, arm: boolean, top: boolean, d: number): void => {
    for (const x of evs) {
      if (bad) return;
      if ('s' in x) {
        // a pointer the body dereferences on every iteration (a relocated load or address outside any arm)
        if ((x.c === 'l' || x.c === 'a') && x.b !== undefined && !arm && c.site(x.s)) hot.add(c.id(x.b));
        if (x.c !== 'v' || !first) continue;
        const s = c.site(x.s);
        if (s && !s.merged && !s.unreached && !s.mergedCopies && (s.copies ?? 1) === 1 && !checks.includes(s)) checks.push(s);
      } else if ('clob' in x) {
        // a store to a named global's elements: its address, a MOV MachineLICM hoists too, holds a register
        if (x.named) named = 1;
      } else if ('cut' in x) {
        // a helper call (its `sig`; a label's cut may carry the call right after it), not a builtin
        if (x.sig === undefined || /^__(sync|atomic|builtin)_/.test(x.sig)) continue;
        if (!arm) { bad = true; return; }
        calls++;
        first = false;
      } else if ('call' in x) {
        if (x.call.twin || x.split || d > 24) { bad = true; return; }
        const sub = c.enter(x.call, x.bases, x.mem, x.kargs, x.live);
        if (!sub) { bad = true; return; }
        walk(sub.flow, sub.copy, arm, false, d + 1);
      } else if ('sub' in x) {
        if (x.kind === 'loop') { bad = true; return; }
        first = false;
        for (const xs of [x.sub, x.alt ?? []]) {
          const n0 = calls;
          walk(xs, c, true, top, d);
          // an arm of the loop's function that leaves the loop with a call in it: the value is dead after that call
          if (top && calls > n0 && xs.some((y) => 'exit' in y)) { bad = true; return; }
        }
      }
    }
  };
  walk(e.sub, copy, false, true, depth);
  if (bad || !calls || !checks.length) return;
  if (!hot.size || (e.regs ?? 0) + (e.inv?.length ?? 0) + named + 1 + checks.length <= CALLEE_SAVED) return;
  for (const s of checks) s.copies = 1 + calls;
}

/**
 * rolled: the copies of a call a loop passes its induction variable (sites.ts: unrollInductionCalls, one copy per
 * iteration with its constant) when LLVM keeps the loop rolled at this trip count (SplitLoop.rolled: the size test
 * of a full unroll without pragma fails and a helper call stops the simulation that could boost it). The loop's one
 * body then holds each relocation of the callee once: the arms the induction range keeps (one per copy, each its
 * own position) and everything else once (measured: falco's extract__network_args over extract__syscall_argument,
 * 3 to 5 trips: bpf_in_ia32_syscall's thread_info.status read and enum checks once per loop, not per argument).
 * The trip count is the number of copies that hold in this context. Returns false (nothing replayed) when the loop
 * is unrolled here: the call is then replayed as before; true: the caller starts the block that follows.
 */
function rolledCopies(e: Extract<FlowEv, { call: CallRef }>, st: State, copy: FlowCopy, depth: number): boolean {
  const subs = e.split!.copies.map((c) => copy.enter(c, e.bases)).filter((x) => x !== undefined);
  if (subs.length < 2 || !e.split!.rolled.includes(subs.length)) return false;
  const rolled = { seen: st.rolled?.seen ?? new Set<string>(), path: `${st.rolled?.path ?? ''}/r${oid(e.split!)}` };
  for (const sub of subs) {
    const inner: State = { ...st, avail: copyMap(st.avail), facts: new Map(), gvn: copyMap(st.gvn), loads: new Set(), preds: copySet(st.preds), exited: false, rets: [], adj: undefined, rolled, brks: undefined };
    run(sub!.flow, inner, sub!.copy, depth + 1);
  }
  return true;
}
