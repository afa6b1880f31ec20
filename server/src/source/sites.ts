// CO-RE sites of one function body: types each expression, and records the (root, access, kind) clang would emit.
//
// The rules mirror clang's BPF CO-RE lowering: a chain of member/array steps on preserve_access_index records (or
// inside __builtin_preserve_access_index) is one relocation, closed when its value is loaded or its address used;
// every pointer dereference starts a new chain rooted at the pointee type as written (typedefs kept, cv dropped).

import { ReloKind } from '../core/kinds';
import { CParser, Expr, FuncDef, Stmt, TypeEnv, constValue } from './cparse';
import { CType, INT, LONG, Record, ULONG, VOID, alignOf, findMember, sizeOf, spell, strip, unqual } from './ctypes';
import { CheckRef, GuardCtx, SWITCH_GUARDS, condGuards, exits, masked } from './guards';
import { Tk, Token } from './lexer';

/** A site before its root has an id in the local BTF. */
export interface RawSite {
  kind: ReloKind;
  root: CType;
  access: number[];
  start: number;
  end: number;
  /** Macro invocation the site came from (clang attributes the instruction to it). */
  expStart?: number;
  func: string;
  guards: GuardRef[];
  /** Bytes the program reads at the relocated field (direct load or BPF_CORE_READ hop), when fixed. */
  readSize?: number;
  /** readSize is a direct load's width: libbpf resizes it on a target (see analyzer.ts Site.directLoad). */
  directLoad?: boolean;
  /** A direct load of a bitfield member (not through BPF_CORE_READ_BITFIELD*). */
  directBitfield?: boolean;
  /**
   * The pointer a direct load goes through is one of this function's parameters, or reached from one by member
   * steps (`prev->in_execve`, `prev->mm->flags`), never assigned in the body: what contexts.ts needs to tell a
   * BTF-typed pointer (an argument of a BPF_PROG in tp_btf/fentry/lsm/iter) from a plain number.
   */
  paramPointer?: boolean;
  /**
   * A direct load (of a number or pointer) through a `->` chain, and where its pointer comes from, as far as the body
   * tells: 'plain' when it is a plain number to the verifier (bpf_get_current_task(), a BPF_CORE_READ or
   * bpf_probe_read* result, a cast from an integer, a pointer loaded from a map value), 'regs' for a number read
   * from the context (plain in a kprobe, typed in tp_btf), `param` when it is (reached
   * by `->` from) parameter `param`, which only the call context can type. Absent: unknown or a typed pointer.
   * 'number': a plain number in every program type, not only in tracing ones (Origin).
   */
  viaPointer?: 'plain' | 'number' | 'regs' | { param: number };
  /** A direct multi-byte load through a packed record: the BPF backend splits it into byte loads. */
  unalignedLoad?: boolean;
  /** Conditions on this function's parameters the site runs under. */
  pconds?: ParamCond[];
  /** Copies clang makes of it in one copy of the function (a fully unrolled loop: one per iteration). */
  times?: number;
  /** Of those, the copies a fully unrolled loop's `if (i == E) break;` leaves per context (tripCapped). */
  cap?: TripCap;
  /** Runs only when this `const volatile` knob is set to other than its default (Ctx.knob). */
  knob?: string;
  /** Runs only where these comparisons of a `__kconfig` LINUX_KERNEL_VERSION hold (Ctx.kver). */
  kver?: KverCond[];
  /** plain_reads: no relocation but a load with no record of its own (FuncResult.reads), named as the finding says
   * (`app_rec::count`, `*(long long *)`). */
  plainRead?: string;
}

/** A member access through a record without preserve_access_index: clang bakes its offset into the program. */
export interface RawPlain { root: CType; access: number[]; start: number; end: number }

/** A check the site's execution depends on; `via` names the inlined calls (from this function) that lead to the
 * function holding the check, for checks made inside helpers (`if (has_x())`). */
export interface CheckGuardRef { check: RawSite; when: boolean; via?: CallRef[]; cmp?: GuardCmp }
/** A check's value compared with a constant (`bpf_core_field_size(x) == 2`): the guard holds when `value op v` is
 * `when`. Without it the test is `value != 0`. `v` is a safe integer (sites are JSON: LSP, caches, `sites --json`). */
export interface GuardCmp { op: '==' | '!=' | '<' | '<=' | '>' | '>='; v: number; /** compared after `& mask` (a switch on `check & 3`) */ mask?: number }
/**
 * `LINUX_KERNEL_VERSION op v` is `when` (a `__kconfig` extern on the left, a constant on the right): libbpf fills the
 * frozen .kconfig map from the loading machine's release before the verifier runs, which reads the value as a known
 * constant and never walks the arm the comparison does not take there (proven for `check FILE.o` by the kconfig
 * verdict fixtures); the source path decides it per target where the target's release is known (check/engine.ts).
 */
export interface KverCond { op: GuardCmp['op']; v: number; when: boolean }
/** Same comparison (both absent, or equal). */
export function sameCmp(a: GuardCmp | undefined, b: GuardCmp | undefined): boolean {
  return a === b || (!!a && !!b && a.op === b.op && a.v === b.v && a.mask === b.mask);
}
/** A disjunction: holds when every guard of at least one alternative holds (the false side of `a && b`, the true
 * side of `a || b`, the final `else` of an if/else-if chain). Alternatives nest, so any and/or/not is expressible. */
export interface AnyGuardRef { any: GuardRef[][] }
/** One conjunct of the condition a site (or call) runs under. */
export type GuardRef = CheckGuardRef | AnyGuardRef;

/** A condition on a parameter of the function (`ip_ver == 4`): clang folds it away when an inlined call passes a
 * constant, so sites under a false one vanish from that copy. `alt`: further values (`case 2: case 10:` of a switch
 * on the parameter), the condition being "the parameter is (eq) / is not one of v, ...alt". */
export interface ParamCond {
  param: number; eq: boolean; v: bigint; alt?: bigint[];
  /** "Not all of these": the else side of `a && b` (the then side of `a || b` negated), each exactly its operand's
   * condition; decided false only when every one is decided true (param, eq and v are then unused). */
  nand?: ParamCond[];
  /** switch_clamp: the condition is on min(argument, clamp) (the parameter clamped before the switch, sites.ts clampOf). */
  clamp?: bigint;
  /** The condition is on the member `field` of what the (pointer) parameter points at (`p->field == v`). */
  field?: string;
  /** setter_consts: the condition is on `field & mask` (`p->flag & F`, `(p->flag & F) == F`). */
  mask?: bigint;
  /** The condition also needs the argument to be a constant in the context (a copy of a loop LLVM unrolls only once
   * its trip count is known): it fails where the argument is unknown, where the others hold. */
  known?: boolean;
  /** dead_out: holds unless the argument is the address of a caller's local nobody reads (CallRef args' `deadOut`):
   * the value stored through the parameter dies there, and the loads computing it (eq and v are unused) */
  dout?: true;
  /** literal_args: a read of member `field` of a by-value record parameter, which holds unless the argument is a
   * compound literal (its members in argf, literalFields; eq and v are unused): GVN forwards the stored value, the
   * load and its relocation die */
  fold?: true;
}

/**
 * Which of a fully unrolled loop's n copies (`for (i = a; ..; i++)`) of a site or call clang emits, LLVM having folded
 * the induction variable's comparisons in each copy:
 *   - `live`: the values of i whose copy runs it, when it sits in the then arm of an `if` whose condition compares i
 *     with constants (`i == 2`, `i < 3`, `&&` of such and of anything else; the else arm when the condition is only
 *     that): clang emits the arm in those copies only (absent: every copy);
 *   - `k` (with `param`, `max`): the loop's `if (i == E) break;`, E being `k` plus parameter `param`'s argument when
 *     given (at most `max`: the function clamps it with `if (p >= max) p = max;`). Once inlining makes E a constant
 *     the copy where `i == E` exits unconditionally and the copies after it are unreachable: copies up to E of what
 *     precedes the break, before E of what follows it (`after`). Hades' save_pid_tree_to_buf(data, 8, ..):
 *     `if (i == limit - 1) break;` in a 12-copy walk.
 * `loop` is the loop's start; `unit` the count per copy when the cap was set, `times0` the count right after (an
 * outer unroll scales both).
 */
export interface TripCap {
  loop: number; n: number; a: bigint; live?: bigint[];
  k?: bigint; param?: number; max?: bigint; after?: boolean;
  unit: number; times0: number;
}

/** CORELENS_DIRECT_LOAD_SIZE=0: a direct load of a field whose size differs on a target warns `core-size-differs` as a
 * probe read does, though libbpf resizes an unsigned integer's or a pointer's load and poisons any other (an error the
 * object path reports: `core-unresizable-load`). */
const DIRECT_LOAD_SIZE = process.env.CORELENS_DIRECT_LOAD_SIZE !== '0';
/** CORELENS_ASSIGNED_CHECKS=0: a CO-RE check assigned to a variable after its declaration guards nothing. */
const ASSIGNED_CHECKS = process.env.CORELENS_ASSIGNED_CHECKS !== '0';
/** CORELENS_MEMBER_ARITH=0: `(T *)(p->arr + k)` is taken for a number read (a false direct-read error). */
const MEMBER_ARITH = process.env.CORELENS_MEMBER_ARITH !== '0';
/** CORELENS_VAR_INDEX_READ=0: a probe read of `&p->arr[i]` (i unknown) keeps the element's size as the relocated
 * field's read width, so a length differing between kernels warned `core-size-differs` where the object path does not. */
const VAR_INDEX_READ = process.env.CORELENS_VAR_INDEX_READ !== '0';
/** CORELENS_UNROLL_EXIT=0: a full unroll's `if (i == E) break;` keeps every copy (its before/after figures). */
const UNROLL_EXIT = process.env.CORELENS_UNROLL_EXIT !== '0';
/** CORELENS_UNROLL_FOLD=0: an arm on the induction variable in a full unroll keeps every copy (before/after). */
export const UNROLL_FOLD = process.env.CORELENS_UNROLL_FOLD !== '0';

/** How many copies of a site or call of `times` copies (with `cap`) clang emits where the arguments are `argv`. */
export function tripCapped(times: number | undefined, cap: TripCap | undefined, argv: readonly (bigint | undefined)[] | undefined): number {
  const t = times ?? 1;
  if (!cap) return t;
  let e: bigint | undefined;
  if (cap.k !== undefined && UNROLL_EXIT) {
    e = cap.k;
    if (cap.param !== undefined) {
      const v = argv?.[cap.param];
      e = v === undefined ? undefined : e + (cap.max !== undefined && v > cap.max ? cap.max : v);
    }
  }
  const last = cap.a + BigInt(cap.n);
  const inRange = (v: bigint): boolean => e === undefined || e < cap.a || e >= last || (cap.after ? v < e : v <= e);
  let count = 0;
  if (cap.live && UNROLL_FOLD) { for (const v of cap.live) if (inRange(v)) count++; }
  else for (let v = cap.a; v < last; v++) if (inRange(v)) count++;
  // no copy at all (an arm no copy takes, code after a break in the first copy): left at one (an extra, not a missing)
  return Math.max(1, t - (t / cap.times0) * cap.unit * (cap.n - count));
}

/** Constant members of a struct by name (what `&args` of a caller's local holds at an inlined call). */
export type MemberConsts = { [member: string]: bigint };

/** A call of a function with a body, as written in this function. */
export interface CallRef {
  name: string;
  def: FuncDef;
  start: number;
  end: number;
  /** Guards in effect at the call (the whole callee runs under them). */
  guards: GuardRef[];
  /** Parameter conditions in effect at the call. */
  pconds?: ParamCond[];
  /** The callee runs only when this `const volatile` knob is set to other than its default (Ctx.knob). */
  knob?: string;
  /** The callee runs only where these LINUX_KERNEL_VERSION comparisons hold (Ctx.kver). */
  kver?: KverCond[];
  /** Each argument: a constant, or this function's own parameter passed through. */
  args?: { k?: bigint; /** const_switch: a size (`sizeof(buf)`, `sizeof(s) - 1`) the inliner's cost sees constant */ kz?: bigint;
    param?: number; local?: string; /** `local + add` */ add?: bigint; fields?: MemberConsts;
    /** `!p`, p this function's own parameter: a constant argument for p folds it too (ptcpdump's
     * `parse_skb_meta(skb, !cgroup_skb, ..)`) */ notParam?: number;
    /** a pointer the caller tested non-null on the path to the call (Ctx.nonnull) */ nonnull?: true;
    /** the address of one of the caller's locals, or of a plain member of one (an alloca plus a constant offset:
     * what LLVM's inline cost weighs with SROA in mind, FuncResult.sroa) */ alloca?: true;
    /** the bounds of an integer argument that is a masked local plus a constant (argRange) */ range?: readonly [bigint, bigint];
    /** `&x`, x a local of the caller named nowhere else but in its declaration: what the callee stores there is
     * never read (dead_out) */ deadOut?: true;
    /** where the pointer passed comes from, as the caller's body tells (RawSite.viaPointer): a plain number, a number
     * read from the context, or the caller's own parameter (typed or not by the caller's context) */
    via?: 'plain' | 'number' | 'regs' | { param: number } }[];
  /** Copies of the call after a full unroll (each inlined copy of the callee is one more context). */
  times?: number;
  /** In an unrolled loop, the statement after the call leaves the loop on the call's value (`if (v == 1) return ..;`):
   * the callee's exit arms returning a constant the test takes (ExitArm) sink across the loop's copies. `args`: the
   * arguments that differ between those copies (they name something the loop writes). */
  exitIf?: { op: '==' | '!=' | 'truthy' | 'falsy'; k?: bigint; args: Set<number> };
  /** Of those, the copies a fully unrolled loop's `if (i == E) break;` leaves per context (tripCapped). */
  cap?: TripCap;
  /** What this call added to the caller's `FuncResult.cost` (the callee's whole cost when it may be inlined). */
  cost?: number;
  /** A copy of `copyOf` made by a full unroll after inlining (unrollInductionCalls): the inliner saw one call. */
  copyOf?: CallRef;
  /** clang sinks this call into `twin` (the same call in the other branch of an if/else): not a call of its own. */
  twin?: CallRef;
  /** Another call was sunk into this one: it runs after the if/else, not where it is written. */
  sunk?: boolean;
  /** How often the call runs per run of the caller, as LLVM estimates it without a profile (branchProb); 0 when
   * unknown (after a goto label, dead code). Below 2%, LLVM's inliner weighs it as a cold call site (contexts.ts). */
  freq?: number;
}

/**
 * The body's CO-RE loads, inlined calls and what separates them, in evaluation order: what contexts.ts replays per
 * program to find the sites whose relocation clang's CSE shares with an earlier one (see cse.ts for the rules).
 *   - `s`: a site; `c` its use: 'v' a check's value, 'a' an address (a BPF_CORE_READ hop, `&p->f`), 'l' a direct
 *     scalar load (`b` names its base pointer), 'x' one that never merges (stores, bitfields, copies...);
 *   - `call`: a call of a function with a body (inlined: its own events run here); `bases`: per argument, the
 *     pointer variable passed (a parameter of the callee then names the same value);
 *   - `cut`: what ends a run of direct loads (a call, a store, asm, a label; `soft`: a store or a statement's start,
 *     which SimplifyCFG can still fold into a select);
 *   - `sub`: nested code: the arms of an if or ?: (`alt` the else arm; none: a path around `sub`, as for the right
 *     side of && and ||), a loop's condition, body and step, a switch's body;
 *   - `exit`: a return ('ret') or a break, continue or goto ('jump'): the code after it in its region never runs;
 *   - `clob`: what may write a global that a hard `cut` does not already say: a store through a pointer or to a
 *     global, a probe read (BPF_CORE_READ & co. are calls of bpf_probe_read_kernel): GVN's availability of a check;
 *   - `cond` on a check's site: its value only decides an if statement's branch (no copy of it to keep alive);
 *   - `full` on a loop: LLVM unrolls it fully (a pragma's count equal to the trip count, or -O2's full unroll of a
 *     constant trip count within its threshold): its copies are straight code when the body has no branch;
 *   - `guard` on a loop: a while/for whose trip count is unknown (rotated, its guard skips it);
 *   - `sc` on an if: '&&'/'||' the right side of a short circuit; true an if statement whose condition is the short
 *     circuit of the event right before it (the right side's block then dominates one of its arms, or what follows).
 */
export type FlowEv = { s: RawSite; c: 'v' | 'a' | 'l' | 'x'; b?: string; cond?: true; /** a check a `?:` branches on (cse.ts `hoist`) */ sel?: true;
    /** local_loads: a scalar read of a member of this local aggregate (`s.sin_port`, its stack slot): cse.ts merges it
     * with the same read earlier in the statement */ lb?: string;
    /** the check is the first instruction of an if arm (its first statement branches on it: cse.ts `hoist`) */ lead?: true; /** a read's base as written (exprKey) */ src?: string;
    /** the access goes through `b->m..`, a constant offset `off` from pointer `b` (a plain member holding the relocated
     * record: kyanos's `conn_info->raddr.in6.sin6_port`): that address is a value of the program from here on */
    pk?: { b: string; off: number };
    /** a struct copy's second record (structCopySecondSite), only when `pk`'s address was there before it */ need?: true;
    /** the address is inside this local aggregate (a stack slot: `&v.a.b`, `v.a.b = x`), cse.ts `frame` */ fr?: string;
    /** a direct load of a pointer dereferenced at once in the same expression (`ctx->meta->seq`): cse.ts `hop` */ hop?: true;
    /** a direct load LLVM sinks out of its block with the statement's value (sites.ts sunkInto): no `hop` reaches it */ sunk?: true;
    /** an address through a null pointer (`&((T *)0)->m`: offsetof, container_of's offset): cse.ts `cof` */ nul?: true;
    /** container_of(&p->m, T, m)'s address ('a') and offset ('o') of one relocation, which cancel: cse.ts `cc` */ co?: 'a' | 'o';
    /** a check that is a `?:` arm's value (sites.ts preArms): cse.ts `pre` counts a second MOV for GVN's phi */ tv?: true;
    /** a check computed in a `?:`'s condition (cse.ts `offset_mov`) */ tc?: true;
    /** licm_loads: a load's invariance facts, the variable its pointer chain starts from and the TBAA class of each
     * load on the way (the pointers, then the value: sites.ts loopHoisted) */ lic?: { root: string; tys: string[] } }
  | { call: CallRef; bases?: (string | undefined)[]; /** per argument with no base, the named pointer an address
    * argument is computed from (`&e->hdr`: e), cse.ts `far` */ roots?: (string | undefined)[]; split?: SplitLoop; /** the arguments as written (exprKey), cse.ts `tails` */ akey?: string;
    /** hoist_calls: the arguments as written, one by one, and which of them are no instruction (a constant, `&global`) */
    aks?: string[]; acst?: boolean[]; /** the call is its if arm's first statement (hoist_calls) */ lead?: true;
    /** per argument, the memory value it passes the address of (`&x`: `*&x@n`; a pointer parameter passed on: `*p`),
     * and its constant value (a literal, or a local holding one): cse.ts `implied` */ mem?: (string | undefined)[]; kargs?: (bigint | undefined)[];
    /** per argument `&x`, true when this function reads the local x by value somewhere (what the callee stores through
     * it is a live register value after SROA); a pointer parameter passed on: its name (the caller decides): cse.ts
     * `tails` */ live?: (true | string | undefined)[] }
  | { cut: true; all?: true; soft?: true; /** a helper call's callee and operands as written, relocated ones '#' (cse.ts `sunk`) */ sig?: string;
    /** (soft) a `?:` arm's load of a local in memory, its size when the arm is that load alone, else 0 (sites.ts
     * preArms): the arm is a block for cse.ts */ ld?: number;
    /** a store that may write what a later direct load reads (not only a statement's end: cse.ts `hop`) */ store?: true;
    /** the pointer variables those stores write through (`*p = ..`, `p->f = ..`, `p[i] = ..`): cse.ts `tails` asks
     * whether one points at a caller's local, a register value after SROA; `at` the place and `v` the value as
     * written */ outs?: { p: string; at: string; v: string }[];
    /** the named variables a helper call is given (`bpf_ringbuf_output(&rb, e, n, (long)ctx)`) or a store writes
     * (`st->bytes += count`): live until it, cse.ts `far` */ uses?: string[];
    /** a switch arm's case label whose arm is the same code as an earlier arm's, which records this site first (cse.ts
     * `armTwins`) */ twin?: RawSite }
  | { clob: true; /** only stores to a named array's elements (cse.ts `pre`) */ named?: true }
  | { sub: FlowEv[]; alt?: FlowEv[]; kind: 'if' | 'loop' | 'switch'; sc?: '&&' | '||' | true; full?: true; guard?: true; ck?: CondKey;
    /** a switch as written (its body a block of case arms): whether it has a default label (cse.ts `pre_switch`) */ dflt?: boolean;
    /** a pragma's full unroll: its copies (the trip count), each site of the body `copies` times as many (cse.ts `alt`) */ trips?: number;
    /** a comparison's value materialised in a register (a select the BPF backend lowers to a branch over one move, no
     * setcc): an if whose empty arm is still a block (cse.ts `diamond`) */ diamond?: true;
    /** the locals an if's arms declare (fresh values of each run of it: cse.ts `tails` compares them by name) */ decls?: string[];
    /** the condition is the call just recorded, whose value an inlined callee may return as a short circuit (cse.ts
     * `thread`; 'neg': its negation, `!f(..)`) */ cc?: true | 'neg';
    /** the head of an if-else chain comparing one value with constants (a switch after SimplifyCFG: switchChain) */ sw?: true;
    /** the if's one arm only gives a local a value (`if (nh == 0) nh = mh + 14;`): a select once SimplifyCFG
     * speculates it, which the BPF backend lowers to a branch over a move (selectArm; cse.ts `select_block`) */ selb?: true;
    /** the whole if is speculated into the block before it (sites.ts speculated; cse.ts `ifcvt_loads`) */ spec?: true;
    /** the condition is an unwritten parameter (sites.ts paramTestOnly; cse.ts `hoist_join`) */ pc?: true;
    /** the then arm is `p[i] = K; return ..;` and the function ends `p[j] = K; return ..;`: SimplifyCFG sinks the
     * store into the return block, the arm is only a return (sinksWithTail; cse.ts `early`) */ sst?: true;
    /** both arms end with the same expression statements (as code): where their events begin in `sub` and `alt`
     * (sameTail; cse.ts `tailsink`) */ tl?: [number, number];
    /** a loop's scalar locals kept in registers through its body (loopRegs): cse.ts `cof` counts them as pressure */ regs?: number;
    /** the locals and parameters a loop reads and never writes (loopInv): in registers throughout it, cse.ts `cof` */ inv?: string[];
    /** the condition is a short circuit (`a || b`): a branch per operand, blocks of their own (cse.ts `alt_inv`) */ scb?: true }
  | { exit: 'ret' | 'jump'; /** a return of the short circuit just recorded (`return L || R;`, cse.ts `thread`) */ sc?: true;
    /** a `break` of the innermost switch (cse.ts `pre_switch`: a way into the switch's join) */ brk?: true;
    /** a `continue` or `goto`: the next iteration may start without what follows (sites.ts licm_loads) */ skip?: true;
    /** the integer constant returned (`return 1;`): an if on the call's value is jump-threaded by it (cse.ts `jt`) */ k?: bigint };

/** An if statement's condition as a comparison of two byte pointers plus constants (`data + 34 > data_end`, `*head +
 * offset > *tail`), for cse.ts `implied`; `neg`: the condition is its negation (`!(..)`). */
export interface CondKey { op: string; neg: boolean; l: CondSide; r: CondSide }
/** One side: a pointer value (`v`: a FlowCopy name), plus `k` bytes, plus the constant arguments of parameters `p`. */
export interface CondSide { v: string; k: bigint; p: string[] }

/** The copies unrollInductionCalls made of a call given a loop's induction variable (one per iteration, in order),
 * and the trip counts at which LLVM keeps that loop rolled after all (see `rolledTrips`): cse.ts then counts each
 * position of the callee once, whatever the copies (the loop's one body holds every arm the range allows). */
export interface SplitLoop { copies: CallRef[]; rolled: number[] }

/** Per arm of a `switch (param)` in this function: its case values (none: the default arm) and its cost, in the
 * loop-size part of `FuncResult.cost` (what a full unroll's simulation drops from a copy where the arm is dead). */
export interface ParamArm { param: number; vals: bigint[]; dflt: boolean; cost: number }
/**
 * const_switch: a `switch` at the top of a function's body on one of its parameters, which straight statements before
 * it may adjust (`if (len > 1 && len % 2 == 1) { ..; len -= 1; }`): each transform of the parameter's value before the
 * switch, and the switch's body cut at its top-level labels. Once the function is inlined with a constant there, SCCP
 * folds the condition and SimplifyCFG (ConstantFoldTerminator) keeps only the code that case reaches, falling through
 * or by goto (constSwitchSaved): the fixed-size copy/compare/zero helpers of cilium-style builtins.h.
 */
export interface ConstSwitch {
  param: number;
  /** per statement before the switch that writes the parameter: its new value given the old (undefined: unknown) */
  pre: ((v: bigint) => bigint | undefined)[];
  /** the code between one top-level label and the next: its case values, default, goto names, what it costs (the
   * loop-size part k and the inliner-only part x) and where it goes at its end */
  segs: { vals: bigint[]; dflt: boolean; names: string[]; k: number; x: number; next: 'fall' | 'exit' | { goto: string };
    /** memset_runs: the segment is only stores of 0 through one pointer local stepped by constants (`*(u64 *)(d -=
     * 8) = 0;`): that pointer, how many stores and bytes */ zs?: { base: string; n: number; bytes: number } }[];
}
/** LLVM 14 MemsetRanges::isProfitableToUseMemset: a run of at least 4 stores, or of 16 bytes, becomes a memset. */
const MEMSET_MIN_STORES = 4;
const MEMSET_MIN_BYTES = 16;

/** const_switch: what a call passing `kargs` saves of f's own ConstSwitches (the segments its constants never reach). */
export function constSwitchSaved(r: FuncResult, kargs: readonly (bigint | undefined)[]): { k: number; x: number } {
  const out = { k: 0, x: 0 };
  if (!CONST_SWITCH) return out;
  for (const cs of r.constSwitches ?? []) {
    let v = kargs[cs.param];
    for (const t of cs.pre) if (v !== undefined) v = t(v);
    if (v === undefined) continue;
    let i = cs.segs.findIndex((g) => g.vals.includes(v!));
    if (i < 0) i = cs.segs.findIndex((g) => g.dflt);
    const kept = new Set<number>();
    while (i >= 0 && i < cs.segs.length && !kept.has(i)) {
      kept.add(i);
      const nx = cs.segs[i]!.next;
      if (nx === 'exit') break;
      i = nx === 'fall' ? i + 1 : cs.segs.findIndex((g) => g.names.includes(nx.goto));
    }
    cs.segs.forEach((g, j) => { if (!kept.has(j)) { out.k += g.k; out.x += g.x; } });
    // memset_runs: the kept segments, once SimplifyCFG has merged them into one block, are a run of zero stores
    // through one pointer stepping over adjacent bytes; MemCpyOpt (tryMergingIntoMemset, in the function's
    // simplification before the inliner weighs it as a callee) makes them one llvm.memset, one instruction to the
    // inliner (measured: a 65-byte zeroing of 9 stores costs clang's inliner 5, the 8-byte one store 5). Told to the
    // inliner's cost only (the x part): the backend expands the memset back into stores for the unroller's size.
    if (MEMSET_RUNS && kept.size) {
      const ks = [...kept].map((j) => cs.segs[j]!);
      const base = ks[0]!.zs?.base;
      if (base !== undefined && ks.every((g) => g.zs?.base === base)) {
        const n = ks.reduce((a, g) => a + g.zs!.n, 0);
        const bytes = ks.reduce((a, g) => a + g.zs!.bytes, 0);
        if (n >= 2 && (n >= MEMSET_MIN_STORES || bytes >= MEMSET_MIN_BYTES)) out.x += ks.reduce((a, g) => a + g.k + g.x, 0) - INSTR;
      }
    }
  }
  return out;
}

/** const_arms: an if or `?:` deciding on a parameter of its function (`type == PIDTYPE_PID ? a : b`): what each arm
 * costs the inliner (cost units) and the calls it makes, and what the test itself costs (its compare and branch). */
/** const_conds: a condition over parameters and constants (ConstArm.x): a parameter's value, a constant,
 * `__builtin_constant_p` of a parameter, or an operator on such. */
export type ParamExpr = { p: number } | { k: bigint } | { isc: number } | { op: string; l: ParamExpr; r?: ParamExpr };
/** const_conds: the value of a ParamExpr given constant arguments (undefined: not known at compile time). A
 * parameter given a constant is that constant once inlined (InstCombine, SCCP); `__builtin_constant_p` of it is
 * llvm.is.constant of a constant, true (CallAnalyzer's simplifyIntrinsicCallIsConstant, InstCombine); `&&` / `||`
 * decided by one known side fold as the branches they are. */
export function paramExprValue(x: ParamExpr, ks: readonly (bigint | undefined)[]): bigint | undefined {
  if ('p' in x) return ks[x.p];
  if ('k' in x) return x.k;
  if ('isc' in x) return ks[x.isc] !== undefined ? 1n : undefined;
  const l = paramExprValue(x.l, ks);
  if (!x.r) {
    if (l === undefined) return undefined;
    return x.op === '!' ? (l === 0n ? 1n : 0n) : x.op === '-' ? -l : x.op === '~' ? ~l : undefined;
  }
  if (x.op === '&&' && l === 0n) return 0n;
  if (x.op === '||' && l !== undefined && l !== 0n) return 1n;
  const r = paramExprValue(x.r, ks);
  if (x.op === '&&' && r === 0n) return 0n;
  if (x.op === '||' && r !== undefined && r !== 0n) return 1n;
  return l === undefined || r === undefined ? undefined : arith(x.op, l, r);
}
/** The arm of a ConstArm that constant arguments `ks` leave dead ('t' or 'f'), or undefined when they decide nothing. */
export function constArmDead(a: ConstArm, ks: readonly (bigint | undefined)[], compare: (k: bigint, op: string, K: bigint) => boolean): 't' | 'f' | undefined {
  if (a.x) { const v = paramExprValue(a.x, ks); return v === undefined ? undefined : v !== 0n ? 'f' : 't'; }
  const k = ks[a.param];
  return k === undefined ? undefined : compare(k, a.op, a.k) ? 'f' : 't';
}

export interface ConstArm { param: number; op: string; k: bigint; test: number; t: { cost: number; calls: CallRef[] }; f: { cost: number; calls: CallRef[] };
  /** const_conds: the test as an expression over parameters (op, k unused; param its first parameter) */ x?: ParamExpr;
  /** the arm of an enclosing ConstArm this one lies in (its cost is in that arm's already) */ in?: { arm: ConstArm; side: 't' | 'f' } }

export interface FuncResult {
  /** Events for clang's merge of repeated relocations (FlowEv). */
  flow?: FlowEv[];
  sites: RawSite[];
  plain: RawPlain[];
  /**
   * plain_reads: loads clang bakes no relocation into (a member of a record without preserve_access_index, `*p`,
   * `p[i]`) through a pointer whose origin says it may be a plain number (RawSite.viaPointer, plainRead set): the
   * verifier rejects them as it does a relocated direct read. Never relocations: no site list counts them.
   */
  reads?: RawSite[];
  /** plain_reads: every return gives a plain number to the verifier (bpftime's lookupKeyWriteOrReply returns a ufunc
   * helper's u64 cast to `robj *`): a caller's pointer from a call of it is one too. */
  plainRet?: true;
  /** Calls of functions with a body (helpers of this file or of any header). */
  calls: CallRef[];
  notes: { start: number; end: number; message: string }[];
  /** What a nonzero (t) / zero (f) result of this function implies about CO-RE checks it made. */
  ret?: { t: GuardRef[]; f: GuardRef[] };
  /** Each return's constant value (undefined: not a constant) and the checks it runs under (RET_VALUES: a caller
   * testing the value against a constant keeps the returns that can pass). */
  rets?: { k?: bigint; guards: GuardRef[] }[];
  /** Functions whose analysis this one used (summaries, parameter use): an edit to one re-analyses this one. */
  deps: Set<string>;
  /** A rough count of the IR instructions the body becomes (inlined callees included): the inlining estimate. */
  cost?: number;
  /** The part of `cost` only the inliner's estimate counts (LLVM's per-instruction prices: relocation intrinsics,
   * locals kept in memory, argument setup); the rest is also the loop size the unroll model was calibrated on. */
  xcost?: number;
  /** Per parameter, what LLVM's inline cost saves when the caller passes the address of one of its locals (an
   * alloca SROA splits once inlined: CallAnalyzer's SROAArgValues): the loads and stores through the parameter,
   * InstrCost each (onAggregateSROAUse), in our units; undefined where another use defeats SROA (a call operand, a
   * relocated access, pointer arithmetic, a compare...: disableSROA). Calls to callees with a body that take the
   * parameter as is are weighed per call site by contexts.ts (the callee inlined or not). */
  sroa?: (number | undefined)[];
  /** The least frequency of a block of the body's own (an if arm doing more than jump, a case, the right side of `&&`
   * / `||` calling a function) relative to its entry, as `CallRef.freq` counts it; absent: 1 (no such block). What
   * BlockFrequencyInfo's integer entry frequency comes from (contexts.ts entryFreqInt). */
  minFreq?: number;
  /** The body has a conditional branch of its own (an if, a loop, a switch, `&&`, `||`, `?:`), what withdraws LLVM's
   * single-basic-block threshold bonus (InlineCostCallAnalyzer::onBlockAnalyzed); callees' bodies apart. */
  branches?: true;
  /** single_bb_const: each conditional branch of the body that no ConstArm stands for, by the ConstArm arm it lies in
   * (null: none). A branch a constant argument folds keeps the bonus (onBlockAnalyzed counts the successors of the
   * blocks the analysis reaches, a folded branch reaching one), so the callee is one block at a call whose constants
   * decide every ConstArm outside dead arms and leave each of these in a dead arm. */
  looseBranches?: ({ arm: ConstArm; side: 't' | 'f' } | null)[];
  /** The body (inlined callees included) calls a helper (a function without a body: bpf_probe_read_kernel & co.). */
  helper?: boolean;
  /** How many arguments a call of this function passes once LLVM's DeadArgumentElimination (run before the inliner)
   * has removed the parameters a static function never reads (callArgs); absent: all of them. */
  liveArgs?: number;
  /** The arms of its switches on a parameter (ParamArm). */
  paramArms?: ParamArm[];
  /** Its ifs and `?:` deciding on a parameter (ConstArm), outside loops: what a constant argument saves the inliner. */
  constArms?: ConstArm[];
  /** Its switches on a parameter a constant argument folds (ConstSwitch). */
  constSwitches?: ConstSwitch[];
  /** Functions with a body this one names as a value (`bpf_loop(n, cb, &d, 0)`): clang emits each out of line, an
   * always_inline one too, as a subprogram of its own (with the conditions in effect where it is named). */
  fnRefs?: { def: FuncDef; pconds?: ParamCond[] }[];
  /** The sunk exit arms (sinkExitArm) of this function's unrolled loops that return a constant: a caller whose
   * unrolled loop leaves on that constant sinks them across its own copies too (CallRef.exitIf, ExitArm). */
  exitArms?: ExitArm[];
}

/**
 * An arm of an unrolled loop that returns the constant `k` from its function, sunk into one copy (sinkTail): once
 * the function is inlined into each copy of a caller's unrolled loop that leaves the loop when the call returns `k`
 * (`flag = f(..); if (flag == 1) return pid;`), JumpThreading sends every copy's arm straight to the caller's exit
 * and SimplifyCFG sinks them again, one copy for all the caller's copies (Hades' get_socket_info over
 * get_socket_info_sub; measured with clang 14, held-out shape `exit_calls`).
 */
export interface ExitArm {
  k: bigint;
  sites: Set<RawSite>;
  calls: Set<CallRef>;
  /** Parameters the arm names (their arguments may differ between the caller's copies). */
  params: Set<number>;
  /** The arm still sinks when every parameter is one more operand the copies differ in (phiLight). */
  paramsLight: boolean;
}

interface Ctx {
  preserve: boolean;
  noEmit: boolean;
  /**
   * Inside a field-info builtin's argument (`bpf_core_field_size(p->a->b)`): the loads that reach the field never
   * run (the builtin's value is a constant, clang deletes them), so they are no reads: no read size, no direct read,
   * no direct bitfield; their sites are dropped after the walk (no record either).
   */
  unevaluated?: boolean;
  guards: GuardRef[];
  pconds?: ParamCond[];
  /** Pointers a condition on the path tested non-null (`if (p)`, `if (!p) return;`), each written once before the
   * test (a parameter never): passed to an inlined call, the callee's `p != NULL` folds (`nonnull` arguments). */
  nonnull?: Set<string>;
  /** A dry run (with noEmit) counting the relocations the expression would make: `__builtin_constant_p`'s test. */
  seen?: { n: number };
  /** The `const volatile` knob whose default keeps this code from running (withK). */
  knob?: string;
  /** The LINUX_KERNEL_VERSION comparisons this code runs under (withV). */
  kver?: KverCond[];
  /** Orders between two plain variables the left side of a `&&` on the path established (`mac < network`): LLVM
   * folds a later `network == mac` under it to false (withOrd). Each as `a<b` (strict) or `a!=b`, operands exprKeys. */
  ords?: string[];
}

interface Val {
  type: CType;
  /** An open access chain; `bits` when its last step is a bitfield member. */
  chain?: { root: CType; access: number[]; start: number; end: number; bits?: boolean; packed?: boolean; indexed?: boolean;
    /** The pointer expression the chain starts from (`p` of `p->a.b`). */
    base?: Expr;
    /** The record value the chain starts from (`v` of `v.a`, a local copy): which copy a read reads (cse.ts `sunk`). */
    of?: Expr };
  /** Set when the value is a CO-RE check result (for guards). */
  check?: RawSite;
  /** plain_reads: the value is loaded, with no relocation, through pointer `p` (`p->m` of a plain record, `*p`,
   * `p[i]`, and members and elements of those); start/end: what the finding points at; label: how it names the load. */
  ld?: { p: Expr; start: number; end: number; label: string };
}

const READ_MACROS: { [k: string]: { into: boolean } } = {
  BPF_CORE_READ: { into: false }, BPF_CORE_READ_USER: { into: false },
  BPF_CORE_READ_INTO: { into: true }, BPF_CORE_READ_USER_INTO: { into: true },
  BPF_CORE_READ_STR_INTO: { into: true }, BPF_CORE_READ_USER_STR_INTO: { into: true },
};
const PROBE_MACROS = new Set(['BPF_PROBE_READ', 'BPF_PROBE_READ_USER', 'BPF_PROBE_READ_INTO', 'BPF_PROBE_READ_USER_INTO',
  'BPF_PROBE_READ_STR_INTO', 'BPF_PROBE_READ_USER_STR_INTO']);
const CORE_READ_FNS = new Set(['bpf_core_read', 'bpf_core_read_user', 'bpf_core_read_str', 'bpf_core_read_user_str']);
const FIELD_MACROS: { [k: string]: ReloKind } = {
  bpf_core_field_exists: ReloKind.FieldExists, bpf_core_field_size: ReloKind.FieldByteSize,
  bpf_core_field_offset: ReloKind.FieldByteOffset, bpf_core_field_signed: ReloKind.FieldSigned,
};
const TYPE_MACROS: { [k: string]: ReloKind } = {
  bpf_core_type_id_local: ReloKind.TypeIdLocal, bpf_core_type_id_kernel: ReloKind.TypeIdTarget,
  bpf_core_type_exists: ReloKind.TypeExists, bpf_core_type_size: ReloKind.TypeSize, bpf_core_type_matches: ReloKind.TypeMatches,
  bpf_core_cast: ReloKind.TypeIdTarget,
};
/** x86 pt_regs registers for PT_REGS_PARM1..5 and RC: kernel (vmlinux.h) names and uapi names. */
const X86_REGS = { kernel: ['di', 'si', 'dx', 'cx', 'r8', 'ax'], uapi: ['rdi', 'rsi', 'rdx', 'rcx', 'r8', 'rax'], sys4k: 'r10' };

export interface SiteOptions {
  /** `__VMLINUX_H__` (or `__KERNEL__`) defined when bpf_tracing.h was included: kernel pt_regs names (only used by
   * the built-in fallback for libbpf's program macros, when libbpf's headers cannot be found). */
  kernelRegs: boolean;
  /** The analysis of another function (memoised by the caller), for its result summary; undefined while it is on
   * the current call stack (recursion). */
  summaryOf?: (f: FuncDef) => FuncResult | undefined;
}

/** A static or inline function with a body that is not `__noinline`: clang may inline it (a global one only by
 * cost, decided in contexts.ts `globalByCost`). */
export function inlinable(f: FuncDef): boolean {
  return !!f.body && !f.noinline && (f.static || !!f.inline);
}

/** Names a function body mentions (parameter use for dead-argument elimination); a member name after `.` or `->`
 * is no mention of a variable (lmp's fraginfo: `zone_data.order = a_order;` leaves the parameter `order` unread). */
const bodyNames = new WeakMap<FuncDef, Set<string>>();
function namesOf(f: FuncDef): Set<string> {
  let s = bodyNames.get(f);
  if (!s) {
    const b = f.body ?? [];
    const skip = unevaluatedOf(b);
    s = new Set();
    for (let i = 0; i < b.length; i++) if (!skip[i] && !memberName(b, i)) s.add(b[i]!.s);
    bodyNames.set(f, s);
  }
  return s;
}
/** CORELENS_UNEVALUATED_NAMES=0: a name inside sizeof/typeof or a CO-RE builtin's operand counts as a read
 * (before/after of the rule). */
const UNEVALUATED_NAMES = process.env.CORELENS_UNEVALUATED_NAMES !== '0';
/** Builtins whose first operand clang never evaluates (it only reads its type and access path): libbpf's
 * bpf_core_field_exists/size/offset, bpf_core_type_*, bpf_core_enum_value*, bpf_core_type_id_*. */
const UNEVALUATED_FIRST = new Set(['__builtin_preserve_field_info', '__builtin_preserve_type_info', '__builtin_preserve_enum_value', '__builtin_btf_type_id']);
const unevalMasks = new WeakMap<readonly Token[], Uint8Array>();
/**
 * Per token of a body: 1 inside an operand C never evaluates (`sizeof(..)`, `typeof(..)`, `_Alignof(..)`, the
 * controlling expression of `_Generic`, the first operand of a CO-RE builtin). A parameter named only there is never
 * read, so the load of its value dies (measured: `BPF_KPROBE(p, struct task_struct *t)` whose body only tests
 * `bpf_core_field_exists(t->__state)` has no PT_REGS record).
 */
function unevaluatedOf(b: readonly Token[]): Uint8Array {
  let m = unevalMasks.get(b);
  if (m) return m;
  m = new Uint8Array(b.length);
  if (UNEVALUATED_NAMES) {
    for (let i = 0; i + 1 < b.length; i++) {
      const w = b[i]!.s;
      const whole = w === 'sizeof' || w === 'typeof' || w === '__typeof__' || w === '__typeof' || w === '_Alignof' || w === '__alignof__';
      const first = UNEVALUATED_FIRST.has(w) || w === '_Generic';
      if ((!whole && !first) || b[i + 1]!.s !== '(') continue;
      // to the matching parenthesis (whole) or the operand's top-level comma (first)
      let d = 0;
      for (let j = i + 1; j < b.length; j++) {
        const t = b[j]!.s;
        if (t === '(' || t === '[' || t === '{') d++;
        else if (t === ')' || t === ']' || t === '}') { d--; if (d === 0) break; }
        else if (first && t === ',' && d === 1) break;
        m[j] = 1;
      }
    }
  }
  unevalMasks.set(b, m);
  return m;
}
/** Names in the body's `static` declarations, to the `;` (a superset: types and initialisers too): a static local
 * outlives the call, the next call may read a store a read above it sees (one never read at all LLVM's GlobalOpt
 * deletes, stores and loads: not modelled, kept). */
const staticNames = new WeakMap<FuncDef, Set<string>>();
function staticLocals(f: FuncDef): Set<string> {
  let s = staticNames.get(f);
  if (s) return s;
  s = new Set();
  const b = f.body ?? [];
  for (let i = 0; i < b.length; i++) {
    if (b[i]!.s !== 'static') continue;
    let depth = 0;
    for (let j = i + 1; j < b.length; j++) {
      const t = b[j]!.s;
      if (t === '(' || t === '{' || t === '[') depth++;
      else if (t === ')' || t === '}' || t === ']') depth--;
      else if ((t === ';' && depth <= 0) || depth < 0) break;
      s.add(t);
    }
  }
  staticNames.set(f, s);
  return s;
}
/** The token at i names a member (`x.name`, `p->name`, `.name =`), not a variable. */
function memberName(b: readonly { s: string }[], i: number): boolean {
  const p = b[i - 1]?.s;
  return p === '.' || p === '->';
}

/**
 * A parameter of an inlined function whose value clang drops: the body never names it, or only hands it on whole as
 * an argument for a parameter of an inlinable callee that drops it in turn (a BPF_KPROBE body passing `ssl`, read
 * from pt_regs by the wrapper, to a helper that never reads it: kubeshark's ssl_uprobe; the PT_REGS load dies).
 */
const dropped = new WeakMap<TypeEnv, WeakMap<FuncDef, Map<number, boolean>>>();
function paramDropped(f: FuncDef, i: number, env: TypeEnv, depth = 0): boolean {
  const name = f.params[i]?.name;
  if (!name || !namesOf(f).has(name)) return true;
  if (depth > 6) return false;
  // per environment: the callees' names resolve in it
  let byFunc = dropped.get(env);
  if (!byFunc) { byFunc = new WeakMap(); dropped.set(env, byFunc); }
  let memo = byFunc.get(f);
  if (!memo) { memo = new Map(); byFunc.set(f, memo); }
  const have = memo.get(i);
  if (have !== undefined) return have;
  memo.set(i, false); // a recursion sees it used
  const body = f.body!;
  const skip = unevaluatedOf(body);
  let all = true;
  for (let k = 0; k < body.length && all; k++) {
    if (body[k]!.s !== name || memberName(body, k) || skip[k]) continue;
    // `g(.., name, ..)`: the argument is the name alone; find the call's open parenthesis and the argument's index
    // `g(.., (T)name, ..)`: a conversion of the name alone (InstCombine/DCE drop the sext/trunc with its unused
    // result, and the load feeding it): the argument starts at the cast's open parenthesis
    const start = CAST_DROPPED ? castStart(body, k) : k;
    const prev = body[start - 1]?.s;
    const next = body[k + 1]?.s;
    if ((prev !== '(' && prev !== ',') || (next !== ',' && next !== ')')) { all = false; break; }
    let d = 0;
    let arg = 0;
    let j = start - 1;
    for (; j >= 0; j--) {
      const t = body[j]!.s;
      if (t === ')' || t === ']' || t === '}') d++;
      else if (t === '(' || t === '[' || t === '{') { if (d === 0) break; d--; }
      else if (t === ',' && d === 0) arg++;
    }
    const callee = j > 0 && body[j]!.s === '(' ? env.func(body[j - 1]!.s) : undefined;
    if (!callee || callee === f || !callee.body || !inlinable(callee) || !paramDropped(callee, arg, env, depth + 1)) all = false;
  }
  memo.set(i, all);
  return all;
}

/** CORELENS_CONST_SHORT=0: the right side of `K && X` / `K || X` with K a constant that decides it emits its sites. */
const CONST_SHORT = process.env.CORELENS_CONST_SHORT !== '0';
/** CORELENS_STRICT_REL=0: a relational test of a parameter against a constant gives no parameter condition (paramConds). */
const STRICT_REL = process.env.CORELENS_STRICT_REL !== '0';
/** cast_dropped: a parameter handed on as `(T)name` is dropped as `name` is (the conversion dies with its value). */
const CAST_DROPPED = process.env.CORELENS_CAST_DROPPED !== '0';
/** Tokens a cast's type name is made of (a conservative set: a parenthesised expression has operators or numbers). */
const CAST_TYPE_WORDS = new Set(['struct', 'union', 'enum', 'const', 'volatile', 'unsigned', 'signed', 'char', 'short', 'int',
  'long', 'void', '_Bool', '*']);
/** Where the casts in front of the token at k start (`(size_t)(int)name`: the first open parenthesis), else k. */
function castStart(b: readonly { s: string }[], k: number): number {
  let start = k;
  while (b[start - 1]?.s === ')') {
    let j = start - 2;
    let words = 0;
    for (; j >= 0; j--) {
      const t = b[j]!.s;
      if (t === '(') break;
      if (!CAST_TYPE_WORDS.has(t) && !/^[A-Za-z_]\w*$/.test(t)) return start;
      words++;
    }
    // a parenthesised single identifier before a name is a cast in C (`(x) y` parses no other way)
    if (j < 0 || words === 0) return start;
    start = j;
  }
  return start;
}

/** A block of a body being walked: the guards and parameter conditions it runs under; `stop`: a loop or switch body,
 * where MachineSink does not move a value into. */
interface Region { guards: GuardRef[]; pconds?: ParamCond[]; stop?: true }

/** How many regions two nests share from the outermost (the same region objects). */
function commonDepth(a: readonly Region[], b: readonly Region[]): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
}

/** No side effect clang must keep: its loads die with an unused result (calls of helpers and statements do not). */
function pure(x: Expr): boolean {
  switch (x.e) {
    case 'num': case 'str': case 'id': case 'type': case 'bad': return true;
    case 'member': return pure(x.obj);
    case 'index': return pure(x.arr) && pure(x.idx);
    case 'call': return x.fn.e === 'id' && /^__builtin_(preserve_|btf_type_id)/.test(x.fn.name) && x.args.every(pure);
    case 'unary': return x.op !== '++' && x.op !== '--' && pure(x.x);
    case 'postfix': return false;
    case 'binary': return pure(x.l) && pure(x.r);
    case 'cond': return pure(x.c) && pure(x.a) && pure(x.b);
    case 'assign': return false;
    case 'cast': return pure(x.x);
    case 'sizeof': return true;
    case 'comma': return pure(x.l) && pure(x.r);
    case 'stmtexpr': return false;
    case 'init': return x.items.every(pure);
  }
  return false;
}

/** One IR instruction LLVM's inline cost analysis cannot simplify away (InlineConstants::InstrCost, 5) in our cost
 * units (INLINE_COST = 75 stands for LLVM's 225: one unit is 3 of LLVM's). */
const INSTR = 5 / 3;

/** What a call the inliner keeps costs its caller (LLVM 14 CallAnalyzer): the call instruction and one instruction per
 * argument set up; a direct call of a function adds CallPenalty (25), a helper (a call through a constant address,
 * not a Function) does not. */
export function callCost(args: number, direct: boolean): number {
  return INSTR * (1 + args + (direct ? 5 : 0));
}

/** CORELENS_CSE_DIAMOND=0: a comparison's value an asm takes in a register is no block boundary (its before/after). */
const DIAMOND = process.env.CORELENS_CSE_DIAMOND !== '0';
/** CORELENS_UB_ARMS=0: an arm storing through a pointer that never gets a value is walked as any (its before/after). */
const UB_ARMS = process.env.CORELENS_UB_ARMS !== '0';
/** CORELENS_CSE_TAIL_SINK=0: no `tl` mark on if events (cse.ts `tailsink`; its before/after figures). */
const TAIL_SINK = process.env.CORELENS_CSE_TAIL_SINK !== '0';
/** CORELENS_REMAT=0: a check kept in a local and given to several helper calls is one record (rematArg; before/after). */
const REMAT = process.env.CORELENS_REMAT !== '0';
/** CORELENS_DEAD_OUT=0: a value an inlined callee stores through an out-parameter its caller never reads keeps its
 * loads (dead_out; its before/after figures). */
const DEAD_OUT = process.env.CORELENS_DEAD_OUT !== '0';
/** CORELENS_CSE_SINK_STORE=0: an arm's constant store that SimplifyCFG sinks into the return block keeps the arm a
 * block of its own for cse.ts `early` (sinksWithTail; its before/after figures). */
const SINK_STORE = process.env.CORELENS_CSE_SINK_STORE !== '0';
/** CORELENS_CSE_SWITCH2=0: a one-case switch stays a switch event for cse.ts, not an if (twoWay; before/after). */
const SWITCH2 = process.env.CORELENS_CSE_SWITCH2 !== '0';
/** CORELENS_CSE_COF=0 turns cse.ts `cof` off (no `nul` or `regs` marks: its before/after figures). */
const COF = process.env.CORELENS_CSE_COF !== '0';

/**
 * CORELENS_CONTAINER_CANCEL=0: `container_of(&p->m, T, m)` keeps both records (its before/after figures). libbpf's
 * offsetof is `&((T *)0)->m`; under preserve_access_index it and `&p->m` are both loads of the one global
 * BPFAbstractMemberAccess makes per (type, access, kind), nothing between them writes memory, so EarlyCSE makes them
 * one load and InstCombine folds `p + R - R` to `p`: neither record exists (measured with clang 14: nested members,
 * array elements and BPF_CORE_READ of the result alike). Another member, type or a pointer read from memory keep both.
 */
const CONTAINER_CANCEL = process.env.CORELENS_CONTAINER_CANCEL !== '0';

/** The pointer an address `&x->a.b[2]` is computed from (`x`), or undefined when no `->` roots it. */
function arrowBase(x: Expr): Expr | undefined {
  for (let d = 0; d < 32; d++) {
    if (x.e === 'member') { if (x.arrow) return x.obj; x = x.obj; }
    else if (x.e === 'index') x = x.arr;
    else return undefined;
  }
  return undefined;
}

/** An expression through its casts. */
function uncast(x: Expr): Expr {
  while (x.e === 'cast') x = x.x;
  return x;
}

/** cof: `(T *)0` as an access's base (offsetof's `&((T *)0)->m`, container_of's offset). */
function nullBase(x: Expr | undefined): boolean {
  if (!COF) return false;
  for (let d = 0; x && d < 8; d++) {
    if (x.e === 'cast') { x = x.x; continue; }
    return x.e === 'num' && x.v === 0n;
  }
  return false;
}

/** A literal 0 through casts (`NULL`, `(void *)0`). */
function nullConst(x: Expr): boolean {
  while (x.e === 'cast') x = x.x;
  return x.e === 'num' && x.v === 0n;
}

/** An expression whose value is a comparison's, 0 or 1 (`!x`, `a < b`, `a && b`; through casts and a statement
 * expression's last value: libbpf's bpf_ksym_exists is `({ _Static_assert(..); !!sym; })`). */
function comparison(e: Expr): boolean {
  if (e.e === 'cast') return comparison(e.x);
  if (e.e === 'unary') return e.op === '!';
  if (e.e === 'binary') return ['==', '!=', '<', '>', '<=', '>=', '&&', '||'].includes(e.op);
  if (e.e === 'stmtexpr') { const last = e.body[e.body.length - 1]; return last?.s === 'expr' && comparison(last.x); }
  return false;
}

/** CORELENS_DEAD_ARGS=0 counts every parameter of a call in the inline cost, the dead ones too (FuncResult.liveArgs). */
const DEAD_ARGS = process.env.CORELENS_DEAD_ARGS !== '0';

/** The arguments a call of `f` sets up after DeadArgumentElimination (FuncResult.liveArgs), `given` without a result. */
export function callArgs(r: FuncResult | undefined, given: number): number {
  return r?.liveArgs ?? given;
}

/** CORELENS_CORE_PASSTHROUGH=0 leaves out the passthrough call of a relocated access (its before/after figures). */
const CORE_PASSTHROUGH = process.env.CORELENS_CORE_PASSTHROUGH === '0' ? 0 : INSTR;

/** CORELENS_BRANCH_COST=0 leaves out the conditional branch instruction of an if or a short circuit. */
const BRANCH_COST = process.env.CORELENS_BRANCH_COST === '0' ? 0 : INSTR;

/** CORELENS_RMW_COST=1: a compound assignment to memory costs its load and operation too (measured, not proven: off). */
const RMW_COST = process.env.CORELENS_RMW_COST === '1';
/** CORELENS_CSE_SELECT_BLOCK=0: an if whose one arm SimplifyCFG makes a select leaves no block behind (cse.ts). */
const SELECT_BLOCK = process.env.CORELENS_CSE_SELECT_BLOCK !== '0';
/** CORELENS_ADDR_FREE=1: `&p->m` of a plain record costs nothing (off: the other prices were fitted with the '&' and
 * member nodes counted; alone it undercounts ebpf_exporter's handle, KubeArmor's get_task_file, sysak's get_tcp_info). */
const ADDR_FREE = process.env.CORELENS_ADDR_FREE === '1';

/** IR instructions an expression node costs (the inlining estimate; calls are counted where they are typed). */
const EXPR_COST: { [k: string]: number } = { member: 1, index: 1, unary: 1, postfix: 1, binary: 1, cond: 2, assign: 1 };

/** Helpers whose result the verifier sees as a plain number, even when the program casts it to a pointer. */
const PLAIN_RESULT = new Set(['bpf_get_current_task']);

/** A record's name as findings say it (`app_rec` of `struct app_rec`). */
const plainName = (t: CType): string => spell(t).replace(/^(struct|union) /, '');

/**
 * Where a pointer comes from, for the direct-read rule (see RawSite.viaPointer). 'number' is a plain number whatever
 * the program type (bpf_get_current_task()'s value, what a probe read or BPF_CORE_READ wrote: a scalar to the
 * verifier in a packet program or a .text function verified alone too); 'plain' one only in tracing programs (a cast
 * from an integer may be a packet pointer, a map value's pointer member is claimed there only).
 */
type Origin = 'plain' | 'number' | 'regs' | 'typed' | 'map' | { param: number };
/** CORELENS_ANY_SECTION=0: every plain number is 'plain' (claimed in tracing programs only), as before. */
const ANY_SECTION = process.env.CORELENS_ANY_SECTION !== '0';
/** A number in every program type (ANY_SECTION), else a tracing program's plain number. */
const NUMBER: Origin = ANY_SECTION ? 'number' : 'plain';
/** Either kind of plain number. */
const isPlain = (o: Origin | 'mixed' | undefined): o is 'plain' | 'number' => o === 'plain' || o === 'number';
/** A plain number of both strengths is the weaker one ('plain'). */
const samePlain = (a: Origin | 'mixed' | undefined, b: Origin | undefined): boolean => isPlain(a) && isPlain(b);
const sameOrigin = (a: Origin | 'mixed' | undefined, b: Origin | undefined): boolean =>
  a === b || samePlain(a, b) || (typeof a === 'object' && typeof b === 'object' && a.param === b.param);

/** Copy builtins clang expands inline, with the indexes of their pointer arguments (see memcpySecondSite);
 * `__builtin_memcpy_inline` (scx's scxtop: `__builtin_memcpy_inline(comm, &task->comm, MAX_COMM)`) is llvm.memcpy.inline,
 * expanded as llvm.memcpy is (CORELENS_MEMCPY_INLINE=0: a call of its own, one record). */
const MEM_BUILTINS: { [name: string]: number[] | undefined } = { __builtin_memcpy: [0, 1], __builtin_memmove: [0, 1], __builtin_memset: [0],
  ...(process.env.CORELENS_MEMCPY_INLINE !== '0' ? { __builtin_memcpy_inline: [0, 1] } : {}) };
/** CORELENS_SWITCH_FREQ=0: an if-else chain on one value weighs its arms as nested ifs (halving per link), as before
 * (chainProbs). */
const SWITCH_FREQ = process.env.CORELENS_SWITCH_FREQ !== '0';
/** CORELENS_UNROLLED_INDEX=0: `p->arr[i]` in a fully unrolled loop is one record, as before (unrolledIndexSites). */
const UNROLLED_INDEX = process.env.CORELENS_UNROLLED_INDEX !== '0';
/** CORELENS_COPY_LOCAL_BASE=0: a struct copy `dst = p->m` through a local pointer (not a parameter) is one record,
 * as before (sites.ts localBaseInRegister). */
const COPY_LOCAL_BASE = process.env.CORELENS_COPY_LOCAL_BASE !== '0';
/**
 * copy_local_base: the value a local pointer is initialised with (the tokens from `i` to the declaration's or
 * statement's end) is a register whatever uses it has: a load (`skb->data`, `*pp`), a call's result or another
 * pointer plus a variable (`isVar`), not another pointer plus a constant (`data + 14`, `(void *)data +
 * sizeof(struct ethhdr)`) nor a plain name.
 */
function initOpaque(b: readonly { s: string }[], i: number, isVar: (name: string) => boolean, skip: Uint8Array): boolean {
  let d = 0;
  let load = false;
  let plus = false;
  for (let j = i; j < b.length; j++) {
    const t = b[j]!.s;
    // `data + off`, off a variable: no constant for the DAG to fold, `q + off` is a register like a load (measured)
    if (plus && !skip[j] && /^[A-Za-z_]\w*$/.test(t) && b[j - 1]?.s !== '.' && b[j - 1]?.s !== '->' && isVar(t)) return true;
    if (t === '(' || t === '[') { if (d === 0 && j > i && /^[A-Za-z_]\w*$/.test(b[j - 1]!.s) && !['sizeof', '__builtin_offsetof', 'offsetof', '__alignof__', '_Alignof'].includes(b[j - 1]!.s)) load = true; d++; continue; }
    if (t === ')' || t === ']') { if (--d < 0) break; continue; }
    if (d === 0 && (t === ';' || t === ',')) break;
    if (t === '->' || t === '.') load = true;
    if (d === 0 && (t === '+' || t === '-')) plus = true;
    if (t === '?' || t === '[') return true;
  }
  // `(void *)(long)skb->data + 14`: q + C with q a load is still q + C
  return load && !plus;
}
/** CORELENS_COPY_ARRAY_ADDR=0: a copy from `&p->arr` (an array member's address) is one record, as before. */
const COPY_ARRAY_ADDR = process.env.CORELENS_COPY_ARRAY_ADDR !== '0';
const PROBE_READ_HELPERS = new Set(['bpf_probe_read', 'bpf_probe_read_kernel', 'bpf_probe_read_user']);
/** CORELENS_ARG_ORIGIN=0: a pointer passed to a helper function is of unknown origin there (no direct-read). */
const ARG_ORIGIN = process.env.CORELENS_ARG_ORIGIN !== '0';
/** CORELENS_LOADED_VIA=0: a pointer member indexed (`q->argv[i]`) or a bitfield loaded tells no pointer origin. */
const LOADED_VIA = process.env.CORELENS_LOADED_VIA !== '0';
/** CORELENS_PTR_INDEX_RULES=0: `p[k]` relocates for any pointee inside the builtin and roots at the pointee as written. */
const PTR_INDEX_RULES = process.env.CORELENS_PTR_INDEX_RULES !== '0';
/** CORELENS_STMTEXPR_ORIGIN=0: a statement expression's value (BPF_CORE_READ expanded) has no known origin. */
const STMTEXPR_ORIGIN = process.env.CORELENS_STMTEXPR_ORIGIN !== '0';
/** CORELENS_DOT_ORIGIN=0: `p->a.b` tells no origin (only `p->a` does). */
const DOT_ORIGIN = process.env.CORELENS_DOT_ORIGIN !== '0';
/** CORELENS_LOOP_CARRIED=0: a variable a loop assigns a plain number is 'mixed' (unclaimed) in the loop too. */
const LOOP_CARRIED = process.env.CORELENS_LOOP_CARRIED !== '0';
/** CORELENS_DEAD_LAST=0 keeps counting a full unroll's last copy of a dead `v = &p->f;` (its before/after figures). */
const DEAD_LAST = process.env.CORELENS_DEAD_LAST !== '0';
/** CORELENS_FULL_UNROLL_COPIES=0: a loop without pragma that LoopFullUnrollPass unrolls (a small constant trip
 * count) keeps its body's sites once, as before (their before/after figures). */
const FULL_UNROLL_COPIES = process.env.CORELENS_FULL_UNROLL_COPIES !== '0';
/** CORELENS_COUNTER_LOOPS=0: while / do-while loops counted by a local have no trip count (counterTrip's before/after). */
const COUNTER_LOOPS = process.env.CORELENS_COUNTER_LOOPS !== '0';
/** CORELENS_DEAD_LAST_LOAD=0: deadLastCopy takes `v = &p->m` only, not a direct load `v = p->m` (its before/after). */
const DEAD_LAST_LOAD = process.env.CORELENS_DEAD_LAST_LOAD !== '0';
/** CORELENS_LICM_HOIST=0: every site of an unrolled body is copied, invariant ones too (loopHoisted's before/after). */
const LICM_HOIST = process.env.CORELENS_LICM_HOIST !== '0';
/**
 * CORELENS_LICM_LOADS=0: a direct load in an unrolled body is copied whatever LICM could hoist (licm_loads' before/after).
 * LLVM 14's LICM (loop pipeline, before LoopFullUnrollPass) hoists a load to the preheader when its pointer is loop
 * invariant, it runs on every iteration (its block dominates the loop's exits) and MemorySSA finds no clobber in the
 * loop: no call (a helper, a subprogram: may write anything), no asm, and no store TBAA cannot tell apart from it
 * (clang's C TBAA: one class per builtin type, signedness aside, all pointers one class, char and enums alias all).
 * The CO-RE access's global load is invariant and speculatable, so the whole access leaves the loop: one record for
 * every copy (see loopHoisted).
 */
const LICM_LOADS = process.env.CORELENS_LICM_LOADS !== '0';
/** clang 14's C TBAA class of a scalar access of type `t` ('*': aliases every class, char and enums). */
function tbaaClass(t: CType | undefined): string {
  if (!t) return '*';
  for (let i = 0; i < 64 && (t.k === 'typedef' || t.k === 'qual'); i++) { if (t.k === 'qual' && t.q === 'volatile') return 'volatile'; t = t.k === 'typedef' ? t.to : t.of; }
  if (t.k === 'ptr') return 'ptr';
  if (t.k === 'float') return t.name;
  if (t.k !== 'int' || t.char) return '*';
  return t.bool ? '_Bool' : t.name.replace(/^unsigned /, '').replace(/^signed /, '');
}
/** Whether an access path (a chain's root and indexes) steps into a union member: clang gives such an access
 * may-alias TBAA (EmitLValueForField on a union's field), like char. */
function throughUnion(root: CType, access: readonly number[]): boolean {
  let t = strip(root);
  for (const i of access.slice(1)) {
    if (t.k === 'union') return true;
    if (t.k === 'struct') { const m = t.fields[i]; if (!m) return true; t = strip(m.type); }
    else if (t.k === 'array') t = strip(t.of);
    else return true;
  }
  return t.k === 'union';
}
/** CORELENS_CONST_CONDS=0: only `p op K` / `p` tests of a parameter fold on a constant argument (ConstArm), not a
 * condition computed from parameters (`len > 1 && len % 2 == 1`) nor `__builtin_constant_p(p)` (paramExprValue). */
const CONST_CONDS = process.env.CORELENS_CONST_CONDS !== '0';
/** CORELENS_MEMSET_RUNS=0: a folded switch's kept zero stores cost the inliner each store (no memset; constSwitchSaved). */
const MEMSET_RUNS = process.env.CORELENS_MEMSET_RUNS !== '0';
/** CORELENS_BYVAL_FIELDS=0: a record passed by value carries no constant members into the callee (`switch (v.type)` of
 * a local initialized by an inlined `return (T){ .type = K, .. }` keeps every arm; returnedConsts). */
const BYVAL_FIELDS = process.env.CORELENS_BYVAL_FIELDS !== '0';
/** CORELENS_LITERAL_ARGS=0: a by-value parameter's member read stays where the argument is a constant compound
 * literal (literalFields). */
const LITERAL_ARGS = process.env.CORELENS_LITERAL_ARGS !== '0';
/** A member value literalFields knows is stored and read back but not as a constant: no condition compares equal to it
 * (outside any C integer's range). */
export const FORWARDED = -(1n << 80n);
/** CORELENS_KNOWN_LOCALS=0: a local's constant value (`bool first = true; .. first = false;`) decides no if (known). */
const KNOWN_LOCALS = process.env.CORELENS_KNOWN_LOCALS !== '0';
/**
 * CORELENS_UNSIGNED_ZERO=0: `u < 0` / `u >= 0` on an unsigned value stay unknown conditions (unsigned_zero; before/after).
 * An unsigned value is never below zero: InstSimplify folds `icmp ult %x, 0` to false and `icmp uge %x, 0` to true
 * (clang's -Wtautological-unsigned-zero-compare), so the arm is dead before any block is laid out (kvisor's
 * get_pid_in_ns: `if ((level - i) < 0) break;` at the top of each unrolled copy, `level` unsigned).
 */
const UNSIGNED_ZERO = process.env.CORELENS_UNSIGNED_ZERO !== '0';
/** CORELENS_SWITCH_CLAMP=0: a switch on a parameter clamped before it (`n = n > K ? K : n;`) is no switch on the
 * parameter (clampOf; its before/after figures). */
const SWITCH_CLAMP = process.env.CORELENS_SWITCH_CLAMP !== '0';
/** CORELENS_VARARGS_DROPPED=0: the variadic arguments of an inlined function that never reads them keep their loads. */
const VARARGS_DROPPED = process.env.CORELENS_VARARGS_DROPPED !== '0';
/** CORELENS_CSE_HOIST_CALLS=0: `hoist` looks at an arm's own first check only, not into an inlined call it starts with. */
export const HOIST_CALLS = process.env.CORELENS_CSE_HOIST_CALLS !== '0';
/** CORELENS_INIT_STORES=0: a brace list into a preserve_access_index record has no records (initPlan). */
export const INIT_STORES = process.env.CORELENS_INIT_STORES !== '0';
/** CORELENS_MAX_TRIPS=0: a pragma-count loop bounded only by its max trip count (`i < N && i < len`) stays rolled
 * (maxCountedExit). */
const MAX_TRIPS = process.env.CORELENS_MAX_TRIPS !== '0';
/** CORELENS_SIZEOF_BOUNDS=0: a loop bound `sizeof(expr)` (ARRAY_SIZE of a member) is no constant, the loop rolled. */
const SIZEOF_BOUNDS = process.env.CORELENS_SIZEOF_BOUNDS !== '0';
/** CORELENS_PLAIN_READS=0: a load with no relocation of its own through a plain number is no read (FuncResult.reads). */
const PLAIN_READS = process.env.CORELENS_PLAIN_READS !== '0';
/** CORELENS_CLEANUPS=0 leaves out the destructor call of `__attribute__((cleanup(fn)))` locals (block cleanups). */
const CLEANUPS = process.env.CORELENS_CLEANUPS !== '0';

/** Analyses one function definition. Never throws: broken code yields notes. */
/** The write scan of analyzeFunction as it was (CORELENS_WRITE_SCAN=0): a regular expression, array literals and a
 * closure per token. */
function writesAsBefore(f: FuncDef, b: readonly Token[], o: { assigned: Set<string>; rebound: Set<string>; writes: Map<string, number>; addrTaken: Set<string>; memBad: Set<string> }): void {
  const { assigned, rebound, writes, addrTaken, memBad } = o;
  for (let i = 0; i < b.length; i++) {
    const t = b[i]!;
    if (t.t !== 0 || b[i - 1]?.s === '.' || b[i - 1]?.s === '->') continue;
    const assign = /^([-+*/%&|^]|<<|>>)?=$/.test(b[i + 1]?.s ?? '');
    if (assign) assigned.add(t.s);
    if ((assign && b[i - 1]?.s !== '*') || b[i + 1]?.s === '++' || b[i + 1]?.s === '--' || b[i - 1]?.s === '++' || b[i - 1]?.s === '--') rebound.add(t.s);
    const inside = ['->', '.', '['].includes(b[i + 1]?.s ?? '');
    const w = assign || b[i + 1]?.s === '++' || b[i + 1]?.s === '--' || b[i - 1]?.s === '++' || b[i - 1]?.s === '--' || (b[i - 1]?.s === '&' && !inside);
    if (w) writes.set(t.s, (writes.get(t.s) ?? 0) + 1);
    if (b[i - 1]?.s === '&' && !inside) addrTaken.add(t.s);
    const wholeArg = ['(', ','].includes(b[i - (b[i - 1]?.s === '&' ? 2 : 1)]?.s ?? '') && [',', ')'].includes(b[i + 1]?.s ?? '');
    if (b[i - 1]?.s === '&' && !inside && !wholeArg) memBad.add(t.s);
    if (f.params.some((q) => q.name === t.s) && b[i - 1]?.s !== '*' && !wholeArg) memBad.add(`*${t.s}`);
  }
}

/** CORELENS_WRITE_SCAN=0: analyzeFunction's scan of how each name is written runs as before (writesAsBefore: the
 * same sets, ≈ 6% more instructions in a first analysis of the big program). Tests flip `on`. */
export const writeScan = { on: process.env.CORELENS_WRITE_SCAN !== '0' };

/** The assignment operators: `=`, and `=` after one of - + * / % & | ^ << >> (a regular expression did this). */
export const ASSIGN_OPS = new Set(['=', '+=', '-=', '*=', '/=', '%=', '&=', '|=', '^=', '<<=', '>>=']);

export function analyzeFunction(f: FuncDef, env: TypeEnv, opts: SiteOptions): FuncResult {
  const res: FuncResult = { sites: [], plain: [], calls: [], notes: [], deps: new Set() };
  /** Local structs with members that are constants where the struct is passed to inlined calls (constMembers). */
  let localStructs = new Map<string, LocalDecl[]>();
  /** Locals declared once with a null initializer, with where they are written after (nullInits). */
  let nullLocals = new Map<string, number[] | undefined>();
  /** Such a local non-null only in some arms of a switch on a parameter's member: the arms' values (switchOnParam). */
  const nullUnless = new Map<string, ParamCond>();
  let flow: FlowEv[] = [];
  const topFlow = flow;
  /** Sites of a pure local initialiser, kept only once the variable is read (clang drops dead loads). */
  const tentative = new Map<string, RawSite[]>();
  /** Unread stores into a local (its tentative sites) with the regions they lie in, to tell a later store follows. */
  const storesAt = new Map<string, { sites: RawSite[]; at: Region[] }[]>();
  /** Sites of stores overwritten before any read: dead. */
  const killed = new Set<RawSite>();
  /** plain_reads: reads whose value went into a local nothing has read since (dead loads clang drops, as tentative). */
  const unreadReads = new Map<string, RawSite[]>();
  /** Statement expressions being walked (a store there may be the expression's value). */
  let stmtExprDepth = 0;
  /** container_cancel: the address site each `&..` expression closed (its last relocation), and the statement
   * expression locals initialised with one (container_of's `__mptr`). */
  const addrSite = new Map<Expr, RawSite>();
  const addrLocals = new Map<string, RawSite>();
  /** container_cancel: `ptr - offsetof(T, m)` with ptr `&q->m` (directly or through container_of's `__mptr`) of the
   * same relocation as the offset's: the two loads of one global are one value and the difference folds to `q`. */
  const containerCancel = (x: Expr & { e: 'binary' }): void => {
    const rx = uncast(x.r);
    const off = rx.e === 'unary' && rx.op === '&' ? addrSite.get(rx) : undefined;
    const nb = rx.e === 'unary' ? arrowBase(rx.x) : undefined;
    if (!off || !nb || !nullConst(nb)) return;
    const lx = uncast(x.l);
    const a = lx.e === 'unary' && lx.op === '&' ? addrSite.get(lx) : lx.e === 'id' && stmtExprDepth ? addrLocals.get(lx.name) : undefined;
    if (!a || a === off || killed.has(a) || killed.has(off) || a.kind !== off.kind || a.access.length !== off.access.length) return;
    if (!a.access.every((v, i) => v === off.access[i]) || (a.root !== off.root && spell(a.root) !== spell(off.root))) return;
    // cse.ts decides per block (an earlier container_of's offset reaching this block stops the fold); without the
    // events, both records go
    const ea = evOf.get(a);
    const eo = evOf.get(off);
    if (ea && eo && 's' in ea && 's' in eo) { ea.co = 'a'; eo.co = 'o'; return; }
    killed.add(a);
    killed.add(off);
  };
  /** A local or parameter whose store dies unread: scalar, not volatile, not static, never reached through a pointer,
   * in a body without goto (a jump back would let an earlier read see it). */
  const deadStorable = (n: string): boolean => {
    const t = lookup(n);
    return !!t && scalarLocal(n) && !addrTaken.has(n) && !isVolatileObject(t) && !namesOf(f).has('goto') && !staticLocals(f).has(n);
  };
  /** dead_aggr: a local array or struct (not a parameter, static or volatile) whose every mention in the body is its
   * declaration, the target of a plain `x[..] = ..;` / `x.m = ..;` statement, `sizeof` or the memset clearing it:
   * nothing ever reads it, so InstCombine erases the alloca with its stores (isAllocSiteRemovable: only stores and
   * memsets use it) and the loads computing the stored values die (aws-network-policy-agent's
   * `src_ip[0] = ip->saddr & 0xff; ..` into an array no statement reads; measured with clang 14: no record). */
  const writeOnlyAggr = (n: string): boolean => {
    const t = lookup(n);
    if (!t || f.params.some((q) => q.name === n) || isVolatileObject(t) || staticLocals(f).has(n)) return false;
    const k = strip(t).k;
    if (k !== 'array' && k !== 'struct' && k !== 'union') return false;
    // a member of a preserve_access_index record is stored through a relocated address, which BPFAbstractMemberAccess
    // hands to llvm.bpf.passthrough: a call the alloca escapes into, so it stays with every store (measured: tracee's
    // `connect_id.address.s6_addr16[5] = 0xffff;`, connect_id never read, keeps its record)
    if (holdsPai(t, 0)) return false;
    const cached = writeOnly.get(n);
    if (cached !== undefined) return cached;
    const b = f.body ?? [];
    const u = usesOf(n);
    const ok = u.length > 1 && u.every((i, j) => {
      const prev = b[i - 1]?.s ?? '';
      const next = b[i + 1]?.s ?? '';
      // the declaration: first, after its type's last token
      if (j === 0) return /^[A-Za-z_]\w*$/.test(prev) && prev !== 'return' && prev !== 'sizeof' && [';', '[', '=', ','].includes(next);
      if (prev === 'sizeof' || (prev === '(' && b[i - 2]?.s === 'sizeof' && next === ')')) return true;
      const fn = prev === '&' ? b[i - 3]?.s : b[i - 2]?.s;
      if ((prev === '&' ? b[i - 2]?.s === '(' : prev === '(') && (fn === '__builtin_memset' || fn === 'memset') && next === ',') return true;
      // a statement storing into it: `x`, then members and subscripts, then `=`
      if (![';', '{', '}', ')', 'else'].includes(prev)) return false;
      let m = i + 1;
      for (;;) {
        if (b[m]?.s === '.' && /^[A-Za-z_]\w*$/.test(b[m + 1]?.s ?? '')) { m += 2; continue; }
        if (b[m]?.s === '[') {
          let d = 0;
          for (; m < b.length; m++) { if (b[m]!.s === '[') d++; else if (b[m]!.s === ']' && --d === 0) break; }
          m++;
          continue;
        }
        break;
      }
      return m > i + 1 && b[m]?.s === '=';
    });
    writeOnly.set(n, ok);
    return ok;
  };
  const writeOnly = new Map<string, boolean>();
  /** dead_aggr: `t` is or holds (through members and array elements) a preserve_access_index record. */
  const holdsPai = (t: CType, depth: number): boolean => {
    const r = strip(t);
    if (depth > 8) return true;
    if (r.k === 'array') return holdsPai(r.of, depth + 1);
    if (r.k !== 'struct' && r.k !== 'union') return false;
    return !!(r as Record).pai || r.fields.some((x) => holdsPai(x.type, depth + 1));
  };
  /** The nest of blocks being walked (an if's arm, the rest of a block after an early exit, a loop or switch body),
   * innermost last, each with the guards and parameter conditions it runs under (sinkable). */
  const regions: Region[] = [];
  /** Locals initialised with a relocated constant (relocConst): their sites, the regions at the declaration, and the
   * regions every read so far lies in (their common part). Finished after the walk (sinkSites). */
  const sinkable = new Map<string, { sites: RawSite[]; at: Region[]; reads?: Region[] }>();
  /** Names declared more than once in this body, or written after their declaration: never sunk (which value a read
   * sees would take more than the names to tell). */
  const unsinkable = new Set<string>();
  /** `v = &p->f;` assignments (deadLastCopy): the address site, the variable, where the statement ends. */
  const addrSets: { site: RawSite; v: string; end: number; depth: number }[] = [];
  const returns: { x?: Expr; guards: GuardRef[] }[] = [];
  /** The block frequency of the code being evaluated relative to the function's entry (BlockFrequencyInfo without a
   * profile, branch by branch with branchProb); 0 = unknown. `breakable`: the loops and switches a break leaves,
   * with what the breaks carry out and, for a switch, its entry frequency and successor count (each case value and
   * the default one equal share, as BranchProbabilityInfo gives a switch without metadata). */
  let freq = 1;
  /** FuncResult.minFreq so far; blockAt(f) notes a block of frequency f (0: unknown, not counted). */
  let minFreq = 1;
  const blockAt = (f: number): void => { if (f > 0 && f < minFreq) minFreq = f; };
  /** An arm that only jumps (`return;`, `return 0;`, `break;`, `continue;`, a goto) is no block after SimplifyCFG:
   * its predecessor branches straight to the target. */
  const jumpOnly = (st: Stmt): boolean => {
    const one = st.s === 'block' && st.body.length === 1 ? st.body[0]! : st;
    if (one.s === 'jump') return true;
    return one.s === 'return' && (!one.x || one.x.e === 'num');
  };
  const breakable: { out: number; sw?: { f0: number; n: number; dflt: boolean }; join?: SwitchJoin }[] = [];
  /** The state after the if, switch or block walked last (FALL_JOIN): set by those statements only; undefined when
   * unknown (a caller then takes the statement's entry state). */
  let fall: Fall | null | undefined;
  /** `fall` as the last walk left it (a function: the compiler would narrow the variable to its reset value). */
  const takeFall = (): Fall | null | undefined => fall;
  /** What the gotos met so far carry to each label; inside loops capped at the outermost loop's entry frequency (a
   * loop's exits share its entry's mass; the x32 of the body is its header's repetition, not more flow out). */
  const gotoFreq = new Map<string, number>();
  const loopEntry: number[] = [];
  /** Per loop being walked: the arms that leave it (SimplifyCFG sinks an unrolled loop's copies of such an arm into
   * one: sinkArm), the sites and calls they made, their cost, the switches open since the loop. */
  /** licm_loads: per enclosing loop, the TBAA classes its stores write and whether a call or asm may write anything */
  const licmFrames: { stores: Set<string>; any: boolean }[] = [];
  const sinkFrames: { variant: Set<string>; ind: Set<string>; sw: number; inArm: number; sites: Set<RawSite>; calls: Set<CallRef>; cost: number; xcost: number }[] = [];
  /** An arm's block whose tail (from `first` on) sinkExitArm sinks: block() records from there. */
  const tailStart = new Map<Stmt[], { first: Stmt; fr: (typeof sinkFrames)[number] }>();
  /** armTwins: a switch arm's first case label -> the earlier arm whose code it repeats (its first label); and where
   * each such earlier arm's sites begin in res.sites */
  const twinLabel = new Map<Stmt, { of: Stmt; end: number }>();
  const armSites = new Map<Stmt, number>();
  /** hop: the statement being walked puts its value in a local LLVM sinks into one arm of the next if (sunkInto):
   * its loads leave this block, so none of them is a `hop` */
  let sunkChain = false;
  const callOf = new Map<Expr, { ref: CallRef; sum?: FuncResult }>();
  const scopes: Map<string, CType>[] = [new Map()];
  const checkVars: Map<string, Expr>[] = [new Map()];
  /** Parameters the body assigns to: conditions on them are not folded. */
  const assigned = new Set<string>();
  /** switch_freq: each link of an if-else chain that is a switch to LLVM, its branch probability (chainProbs) */
  const chainPt = new Map<Stmt, number>();
  /** copy_local_base: localBaseInRegister's answer per local, for this body */
  const baseInReg = new Map<string, boolean>();
  /** unrolled_index: sites of `p->arr[i]` (a variable index, i a name): the index, p, the element size */
  const varIndexSites = new Map<RawSite, { idx: string; base: string; size: number }>();
  /** The function's own statements (capByExit looks for a parameter's clamp there). */
  let topBody: Stmt[] = [];
  /** The locals the function's body reads by value (not `&x`, not `x = ..`'s left side), each with the place of its
   * last read, but none whose address escapes (liveAddr), made at first need. */
  let valueReads: Map<string, number> | undefined;
  const writes = new Map<string, number>();
  /** Variables whose address the body takes (or that meet a binary `&`: the tokens cannot tell): memory a pointer
   * may reach, so a store to one may write what a later direct load reads. */
  const addrTaken = new Set<string>();
  /** implied: address-taken locals (`x`) and pointer parameters (`*p`) whose memory no value is named for. */
  const memBad = new Set<string>();
  /** implied: per address-taken local (`x`) or dereferenced parameter (`*p`), its memory's version in evaluation
   * order, arms scoped (a write in one arm is not seen in the other; after the if, what either arm wrote is new). */
  let mver = new Map<string, number>();
  let mfresh = 0;
  const bumpMem = (n: string): void => { mver.set(n, ++mfresh); };
  /** implied: locals holding a known constant (declared with one, not written since). */
  const kval = new Map<string, bigint>();
  /**
   * known: scalar locals (address never taken) whose value here is a constant on every path: a declaration or a
   * statement `x = K;` sets it, any other write forgets it; after an if, what both arms that fall through agree on; a
   * loop forgets what its body writes, a switch or a label everything. SROA and SCCP/jump threading make those
   * values constants to LLVM, so `if (x)` on one takes one arm only (skywalking-rover's list.h
   * `list_for_each_entry_data` unrolled by hand: `list_is_first` true then false, ten copies of which clang keeps the
   * first arm once). condValue reads it.
   */
  let known = new Map<string, bigint>();
  /** The statement expression being walked (known: `x = K;` at statement level only). */
  let stmtX: Expr | undefined;
  /** Names given another value (`p = q`, `p++`): a parameter no longer the caller's argument throughout the body. */
  const rebound = new Set<string>();
  {
    const b = f.body ?? [];
    // how often each name may be written (assigned, stepped, its address taken): a pointer written at most once (a
    // parameter never, a local at its declaration) names one value in a copy of the body (cse.ts's same-base rule)
    // (once per token of every body typed, mostly in code not yet optimised: the neighbours read once, no regular
    // expression, array literal or closure per token)
    const paramNames = new Set<string>();
    for (let i = 0; i < f.params.length; i++) paramNames.add(f.params[i]!.name);
    if (!writeScan.on) writesAsBefore(f, b, { assigned, rebound, writes, addrTaken, memBad });
    else for (let i = 0; i < b.length; i++) {
      const t = b[i]!;
      if (t.t !== 0) continue;
      const prev = b[i - 1]?.s;
      if (prev === '.' || prev === '->') continue;
      const next = b[i + 1]?.s;
      const assign = next !== undefined && ASSIGN_OPS.has(next);
      if (assign) assigned.add(t.s);
      const stepped = next === '++' || next === '--' || prev === '++' || prev === '--';
      // `*p = v` writes what p points to, not p (the scan above cannot tell them apart for its own uses)
      if ((assign && prev !== '*') || stepped) rebound.add(t.s);
      // `&v->f`, `&v.f`, `&v[i]` take an address inside what v points to or holds: no write of v (tetragon's IS_ROOT
      // reads `_(&dentry->d_parent)` of a parameter that stays one value)
      const inside = next === '->' || next === '.' || next === '[';
      const w = assign || stepped || (prev === '&' && !inside);
      if (w) writes.set(t.s, (writes.get(t.s) ?? 0) + 1);
      // `&v` (not `&v->f`, `&v.f`, `&v[i]`: addresses inside what v points to or holds)
      if (prev === '&' && !inside) addrTaken.add(t.s);
      // implied: `&x` only ever a call's whole argument; a pointer parameter only dereferenced or passed as a whole
      // argument (anything else may let another pointer reach the memory: no value is named for it)
      const before = b[i - (prev === '&' ? 2 : 1)]?.s;
      const wholeArg = (before === '(' || before === ',') && (next === ',' || next === ')');
      if (prev === '&' && !inside && !wholeArg) memBad.add(t.s);
      if (paramNames.has(t.s) && prev !== '*' && !wholeArg) memBad.add(`*${t.s}`);
    }
  }
  /** Writes of each variable met so far in evaluation order: `name#n` is one value of it (SSA-like), as long as
   * nothing writes it through its address. */
  const version = new Map<string, number>();
  /** Values stored into each variable so far in evaluation order (a declaration without initializer stores none). */
  const stored = new Map<string, number>();
  /**
   * alias_nonnull: pointer locals declared (outside any loop) with a pointer parameter as their value, `T *ns = (T
   * *)socket;`, and how many values they held then: until the next store the local is the parameter to SROA, so a
   * test on it is a test on the parameter (gala-gopher's new_sock_conn: `if (new_socket == NULL) { ..sock_get_by_fd..
   * }` with a caller that returned on `socket == NULL` before the call: the arm and its relocations are gone).
   */
  const paramAlias = new Map<string, { param: number; stored: number }>();
  /** alias_nonnull: the parameter local `n` still equals here, or -1. */
  const aliasParam = (n: string): number => {
    const a = ALIAS_NONNULL && !loopEntry.length ? paramAlias.get(n) : undefined;
    return a && (stored.get(n) ?? 0) === a.stored ? a.param : -1;
  };
  const written = (name: string, ctx: Ctx, value = true): void => {
    if (sinkable.delete(name)) unsinkable.add(name);
    known.delete(name);
    if (ctx.noEmit) return;
    kval.delete(name);
    if (addrTaken.has(name)) bumpMem(name);
    version.set(name, (version.get(name) ?? 0) + 1);
    if (value) stored.set(name, (stored.get(name) ?? 0) + 1);
  };
  /** Locals declared so far (a second declaration of a name makes it unsinkable). */
  const declared = new Set<string>();
  /**
   * An initialiser whose value is relocated constants alone: field/type/enum info and BTF ids, numbers, locals kept
   * in registers, and arithmetic BPF does without a branch. No memory read (a direct load, a global), no call, no
   * comparison, `!`, `&&`, `||` or `?:` (BPF has no set-on-condition: each becomes a branch and a phi, which stays).
   * The BPF backend turns each relocation into a move of an immediate before MachineSink runs (BPFMISimplifyPatchable
   * comes first), so such a value sinks past calls and stores to the block that dominates all its uses.
   */
  const relocConst = (x: Expr): boolean => {
    let reloc = false;
    const ok = (e: Expr, d: number): boolean => {
      if (d > 32) return false;
      switch (e.e) {
        case 'num': case 'sizeof': return true;
        case 'id': return (!!lookup(e.name) && !addrTaken.has(e.name)) || (!lookup(e.name) && !env.global(e.name) && !!env.enumConst(e.name));
        case 'cast': return ok(e.x, d + 1);
        case 'unary': return (e.op === '-' || e.op === '~' || e.op === '+') && ok(e.x, d + 1);
        case 'binary': return ['+', '-', '*', '/', '%', '<<', '>>', '&', '|', '^'].includes(e.op) && ok(e.l, d + 1) && ok(e.r, d + 1);
        case 'call':
          if (e.fn.e === 'id' && /^__builtin_(preserve_(field_info|type_info|enum_value)|btf_type_id)$/.test(e.fn.name)) { reloc = true; return true; }
          return false;
      }
      return false;
    };
    return ok(x, 0) && reloc;
  };
  /**
   * Moves the sites of each sinkable local to the innermost region holding every read of it, as LLVM's MachineSink
   * moves the relocated moves (measured with clang 14: test/source/sunk.test.ts). Never into a loop or switch body,
   * nor out of one (not profitable there; a loop's invariant is hoisted, an unrolled body copied); never when another
   * site of this body has the same relocation (MachineCSE runs first: the merged move is no longer the local's alone).
   */
  const sinkSites = (): void => {
    // spelled once per type and only for sites of the same kind and access (spell walks the whole type)
    const spelled = new Map<CType, string>();
    const typeKey = (t: CType) => { let k = spelled.get(t); if (k === undefined) spelled.set(t, (k = spell(t))); return k; };
    const same = (a: RawSite, b: RawSite) => a.kind === b.kind && a.access.length === b.access.length
      && a.access.every((v, i) => v === b.access[i]) && (a.root === b.root || typeKey(a.root) === typeKey(b.root));
    for (const [name, sk] of sinkable) {
      // a declaration inside a loop: LICM hoists an invariant relocation out, a full unroll copies it (measured: both)
      if (!sk.reads || unsinkable.has(name) || sk.at.some((r) => r.stop)) continue;
      let n = commonDepth(sk.at, sk.reads);
      if (n < sk.at.length) continue;
      for (n = sk.at.length; n < sk.reads.length && !sk.reads[n]!.stop; n++);
      if (n === sk.at.length) continue;
      const mine = new Set(sk.sites);
      if (res.sites.some((x) => !mine.has(x) && sk.sites.some((y) => same(x, y)))) continue;
      const to = sk.reads[n - 1]!;
      for (const x of sk.sites) {
        x.guards = to.guards.slice();
        if (to.pconds?.length) x.pconds = to.pconds; else delete x.pconds;
      }
    }
  };
  /** The pointer a site's access starts from, as one value of this copy of the body: a parameter never written is
   * itself (an inlined call's argument names the caller's value), a variable whose address is never taken is its
   * current version; anything else (a global, an expression) is unknown. */
  const baseName = (x: Expr | undefined): string | undefined => {
    for (let d = 0; x && d < 8; d++) {
      if (x.e === 'cast') { x = x.x; continue; }
      if (x.e !== 'id') return undefined;
      const name = x.name;
      const param = lookupParam(name);
      if (param && !(writes.get(name) ?? 0)) return name;
      if (addrTaken.has(name) || !lookup(name)) return undefined;
      return `${name}#${version.get(name) ?? 0}`;
    }
    return undefined;
  };
  /** far: the named pointer an address argument is computed from (`&e->hdr`, `&p->a.b[1]`, `(void *)&e->x`). */
  const addrRoot = (x: Expr): string | undefined => {
    while (x.e === 'cast') x = x.x;
    if (x.e !== 'unary' || x.op !== '&') return undefined;
    let y = x.x;
    for (let d = 0; d < 16; d++) {
      if (y.e === 'member') { if (y.arrow) return baseName(y.obj); y = y.obj; continue; }
      if (y.e === 'index') { y = y.arr; continue; }
      return undefined;
    }
    return undefined;
  };
  /** The pointer an array member argument is reached through (`addr` of `addr->name[0].sun_path`); undefined for one
   * inside a local (`v.arr`: a stack slot, its offset folded into each access). */
  const arrayArgPtr = (x: Expr): Expr | undefined => {
    for (let d = 0; d < 16; d++) {
      if (x.e === 'member') { if (x.arrow) return x.obj; x = x.obj; continue; }
      if (x.e === 'index') { x = x.arr; continue; }
      return undefined;
    }
    return undefined;
  };
  /** While typing a `typeof(expr)` during parsing: the parser's view of the locals declared so far. */
  let parseLookup: ((n: string) => CType | undefined) | undefined;
  const lookup = (n: string): CType | undefined => {
    for (let i = scopes.length - 1; i >= 0; i--) { const t = scopes[i]!.get(n); if (t) return t; }
    return undefined;
  };
  const checkOf = new Map<Expr, RawSite>();
  /** Conditions minMaxDecides settled (true or false), by the if's condition expression. */
  const decided = new Map<Expr, boolean>();
  /** cof: how many integer locals declared before loop `s` its body writes (not the induction variable, not one whose
   * address is taken): each iteration's value lives in a register across the body's helper calls (`count++`, `out =
   * i`, read after the loop) */
  const loopRegs = (s: Extract<Stmt, { s: 'loop' }>): number => {
    const inner = new Set<string>();
    declaredIn(s.body, inner, true);
    if (s.init) declaredIn(s.init, inner, true);
    const ind = inductionNames(s);
    let n = 0;
    for (const name of writtenIn(s)) {
      if (inner.has(name) || ind.has(name) || addrTaken.has(name)) continue;
      const t = lookup(name);
      const k = t ? strip(t).k : undefined;
      if (k === 'int' || k === 'enum') n++;
    }
    return n;
  };
  /** cof: the locals and parameters of scalar or pointer type that loop `s` reads and never writes (`head` of `if
   * (&cur->entry == head) break;`), their address never taken: one register each, live across the whole body */
  const loopInv = (s: Extract<Stmt, { s: 'loop' }>): string[] => {
    const written = writtenIn(s);
    const ind = inductionNames(s);
    const out = new Set<string>();
    const reads = (e: Expr) => walkExpr(e, (x) => {
      if (x.e !== 'id' || written.has(x.name) || ind.has(x.name) || addrTaken.has(x.name)) return;
      const t = lookup(x.name);
      const k = t ? strip(t).k : undefined;
      if (k === 'int' || k === 'enum' || k === 'ptr') out.add(x.name);
    });
    eachExpr(s.body, reads);
    if (s.c) reads(s.c);
    if (s.step) reads(s.step);
    return [...out];
  };
  /** ub: the arm's first statement is `p->f = ..` or `*p = ..`, p a pointer local (not a parameter) never written,
   * its address never taken: its value is undef, the store undefined behaviour. */
  const undefStore = (arm: Stmt): boolean => {
    let st: Stmt | undefined = arm;
    while (st?.s === 'block') st = st.body[0];
    if (st?.s !== 'expr' || st.x.e !== 'assign') return false;
    let l = st.x.l;
    while (l.e === 'member' && !l.arrow) l = l.obj;
    const p = l.e === 'member' && l.arrow ? l.obj : l.e === 'unary' && l.op === '*' ? l.x : undefined;
    if (p?.e !== 'id' || f.params.some((q) => q.name === p.name) || addrTaken.has(p.name) || (writes.get(p.name) ?? 0) > 0) return false;
    const t = lookup(p.name);
    return !!t && strip(t).k === 'ptr' && declaredBare(p.name);
  };
  /** ub: `name` is declared in the body without an initialiser (`struct fs_t *e;`). */
  const declaredBare = (name: string): boolean => {
    const b = f.body ?? [];
    const u = usesOf(name);
    const k = u[0];
    return k !== undefined && (b[k + 1]?.s === ';' || b[k + 1]?.s === ',');
  };
  /** remat: the checks kept in locals (their one site, how many helper-call arguments name them so far, the first
   * of those, the loop depth of the declaration; `bad`: a use the rule does not model). */
  const rematVars = new Map<string, { site: RawSite; k: number; first?: { a: Expr; ctx: Ctx }; loops: number; bad: boolean }>();
  /** if/else arms and `?:` operands being walked: a helper call in one may be sunk with its twin (remat leaves it). */
  let twoArms = 0;
  /**
   * remat: a check's value is a MOV of an immediate (relocated), and an argument of a helper call is a COPY into an
   * argument register, which RegisterCoalescer's reMaterializeTrivialDef turns into the MOV itself: one record per
   * helper-call argument naming the kept check, plus the def's own when anything else reads it (a comparison, a
   * store, arithmetic). Measured with clang 14: `u32 s = bpf_core_type_size(struct iphdr);` given to two calls, or
   * twice to one, is two records; to one call and a comparison or a store, two; two stores, one (libbpfgo's
   * cgroup-legacy: s_iphdr given to two bpf_skb_load_bytes_relative). Not modelled (the count stays one): a use in
   * a loop, in an if/else arm or `?:` operand (two calls in the arms are sunk into one: one record), as an argument of
   * a function with a body (inlined or not), and `return v` (a COPY to r0 too, not counted).
   */
  const rematArg = (a: Expr, helper: boolean, ctx: Ctx): void => {
    let x = a;
    while (x.e === 'cast') x = x.x;
    if (x.e !== 'id') return;
    const rv = rematVars.get(x.name);
    if (!rv || rv.bad) return;
    if (!helper || loopEntry.length !== rv.loops || twoArms > 0) { rv.bad = true; return; }
    rv.k++;
    if (rv.k === 1) rv.first = { a, ctx };
    else rematSite(rv.site, a, ctx);
  };
  /** remat: one more record of check `o` at the argument `a` (no cost: the inliner never sees it, the allocator makes it). */
  const rematSite = (o: RawSite, a: Expr, ctx: Ctx): void => {
    record({ kind: o.kind, root: o.root, access: o.access, start: a.start, end: a.end, func: f.name, guards: ctx.guards.slice() }, 'x', ctx);
  };
  /** Records a new site of this function in its context (pointer conditions, knob) and as a flow event of use `c`. */
  const record = (s: RawSite, c: 'a' | 'x', ctx: Ctx): void => {
    if (ctx.pconds?.length) s.pconds = ctx.pconds;
    if (ctx.knob) s.knob = ctx.knob;
    if (ctx.kver) s.kver = ctx.kver;
    res.sites.push(s);
    const fe: FlowEv = { s, c };
    flow.push(fe);
    evOf.set(s, fe);
  };
  /** A site's event is a direct scalar load. */
  const isLoadEv = (e: FlowEv | undefined): boolean => !!e && 's' in e && e.c === 'l';
  /** dead_out: the non-member uses of `name` in the body (its tokens, macro arguments included). */
  const usesOf = (name: string): number[] => {
    const b = f.body ?? [];
    const out: number[] = [];
    for (let k = 0; k < b.length; k++) if (b[k]!.s === name && !memberName(b, k)) out.push(k);
    return out;
  };
  /** dead_out: a local (not a parameter) named only twice in the body, its declaration and one `&x`. */
  const unreadLocal = (name: string): boolean => {
    if (!lookup(name) || f.params.some((q) => q.name === name)) return false;
    const u = usesOf(name);
    return u.length === 2 && f.body![u[1]! - 1]?.s === '&';
  };
  /** dead_out: a parameter named only as `*p = ..` statements (`*dscp = ipv4_get_dscp(&ip);`): never read here. */
  const storedOnly = (name: string): boolean => {
    const b = f.body ?? [];
    const u = usesOf(name);
    return u.length > 0 && u.every((k) => b[k - 1]?.s === '*' && [';', '{', '}'].includes(b[k - 2]?.s ?? '') && b[k + 1]?.s === '=');
  };
  /** dead_out: an expression whose value alone matters: pure() or a call of a function whose body is one `return E;`
   * with no call, assignment or increment (netobserv's ipv4_get_dscp), on pure arguments. */
  const pureValue = (x: Expr): boolean => {
    if (pure(x)) return true;
    if (x.e !== 'call' || x.fn.e !== 'id' || !x.args.every(pure)) return false;
    const b = env.func(x.fn.name)?.body;
    if (!b || b[0]?.s !== 'return' || b[b.length - 1]?.s !== ';') return false;
    return b.every((t, k) => (t.s !== ';' || k === b.length - 1) && !/^(?:[-+*/%&|^]|<<|>>)?=$/.test(t.s) && t.s !== '++' && t.s !== '--'
      && !(/^[A-Za-z_]\w*$/.test(t.s) && t.s !== 'sizeof' && t.s !== 'return' && b[k + 1]?.s === '('));
  };
  /** tailsink: where each statement's events begin in the event list being recorded (block()). */
  const stmtAt = new Map<Stmt, number>();
  /** tailsink: two arms (blocks) ending with the same expression statements as code (`bpf_map_update_elem(&m, &k, &v,
   * 0);` in both): the index of the first such statement's events in each arm's list; undefined when none. */
  const sameTail = (t: Stmt, e: Stmt): [number, number] | undefined => {
    const a = t.s === 'block' ? t.body : [t];
    const b = e.s === 'block' ? e.body : [e];
    let n = 0;
    while (n < a.length && n < b.length) {
      const x = a[a.length - 1 - n]!;
      const y = b[b.length - 1 - n]!;
      const key = (z: Expr): string => (z.e === 'assign' ? `${exprKey(z.l)}${z.op}${exprKey(z.r)}` : exprKey(z));
      if (x.s !== 'expr' || y.s !== 'expr' || key(x.x) !== key(y.x) || key(x.x).includes('?')) break;
      n++;
    }
    if (!n || t.s !== 'block' || e.s !== 'block') return undefined;
    const i = stmtAt.get(a[a.length - n]!);
    const j = stmtAt.get(b[b.length - n]!);
    return i !== undefined && j !== undefined ? [i, j] : undefined;
  };
  /** sst: `p[i] = K;` or `*p = K;` through a pointer variable p, K a constant: its pointer (as written) and K. */
  const constStore = (st: Stmt | undefined): { base: string; k: bigint } | undefined => {
    if (!st || st.s !== 'expr' || st.x.e !== 'assign' || st.x.op !== '=') return undefined;
    const l = st.x.l;
    const base = l.e === 'index' ? l.arr : l.e === 'unary' && l.op === '*' ? l.x : undefined;
    const k = constValue(st.x.r, env);
    return base?.e === 'id' && k !== undefined ? { base: base.name, k } : undefined;
  };
  /** sst: an if's then arm `p[i] = K; return ..;` in a function whose last statements are `p[j] = K; return ..;`
   * (elastic's ebpf_argv__fill: `buf[0] = '\0'; return 1;` and `buf[size - 1] = '\0'; return size;`): both reach the
   * return block with the same store but its index, which SimplifyCFG's sinking of common code makes one store
   * there (a phi of the index), leaving the arm only a return */
  const sinksWithTail = (t: Stmt): boolean => {
    const arm = t.s === 'block' ? t.body : [t];
    if (arm.length !== 2 || arm[1]!.s !== 'return') return false;
    const a = constStore(arm[0]);
    const n = topBody.length;
    if (!a || n < 2 || topBody[n - 1]!.s !== 'return' || (writes.get(a.base) ?? 0) > 0) return false;
    const b = constStore(topBody[n - 2]);
    return b !== undefined && b.base === a.base && b.k === a.k;
  };
  /** A local (or parameter) of scalar or pointer type: one load reads it. */
  const scalarLocal = (n: string): boolean => {
    const t = lookup(n);
    const k = t ? strip(t).k : undefined;
    return k === 'int' || k === 'ptr' || k === 'enum';
  };
  const lookupCheckVar = (n: string): Expr | undefined => {
    for (let i = checkVars.length - 1; i >= 0; i--) { const t = checkVars[i]!.get(n); if (t) return t; }
    return undefined;
  };
  const gctx: GuardCtx = {
    checkOf: (x) => checkOf.get(x), varCheck: lookupCheckVar, constOf: (x) => constValue(x, env),
    callGuards: (x, when) => {
      const c = callOf.get(x);
      const r = c?.sum?.ret;
      if (!c || !r) return undefined;
      return (when ? r.t : r.f).map((g) => throughCall(g, c.ref));
    },
    callValue: (x, ok) => {
      const c = callOf.get(x);
      const rs = c?.sum?.rets;
      if (!c || !rs) return undefined;
      const pass = rs.filter((r) => r.k === undefined || ok(r.k));
      if (!pass.length) return undefined;
      return disjunction(pass.map((r) => r.guards)).map((g) => throughCall(g, c.ref));
    },
  };

  const emit = (kind: ReloKind, root: CType, access: number[], start: number, end: number, ctx: Ctx, exp?: { start: number }): RawSite | undefined => {
    if (ctx.noEmit) { if (ctx.seen) ctx.seen.n++; return undefined; }
    // the relocated access is an llvm.preserve.*.access.index call in the IR the inliner weighs: an instruction
    xcost += INSTR;
    const s: RawSite = { kind, root, access, start, end, func: f.name, guards: ctx.guards.slice(), expStart: exp?.start };
    record(s, 'a', ctx);
    return s;
  };
  /** Each site's event (emit): its use class is set by useOf, a check's condition mark by condUse. */
  const evOf = new Map<RawSite, FlowEv>();
  /** The event of site `s`: its use class for clang's merge. */
  /**
   * For cse.ts `pre`, what a `?:`'s arms are once LLVM is done, beyond their CO-RE sites: an arm reading only a local
   * whose address escapes (`c ? tmp : x->mm->..`, tmp written by a probe read) is a load from the stack, a block of
   * its own when the other arm cannot be speculated (a relocated access: its passthrough call), so the `?:` is a
   * diamond, not a triangle (pre_stack: FlowEv `ld`, the load's size when the arm is that load alone, for `pre`'s
   * sunk loads); an arm whose value is a check (`c ? bpf_core_field_offset(..) : ..`, or that check with a constant
   * in arithmetic) gives that check's register to the `?:`'s phi as well as to a phi GVN makes of it (pre_value:
   * FlowEv `tv`).
   */
  const preArms = (x: Extract<Expr, { e: 'cond' }>, fa: FlowEv[], fb: FlowEv[]): void => {
    const bare = (e: Expr): Expr => (e.e === 'cast' ? bare(e.x) : e);
    const own = (xs: FlowEv[]): boolean => xs.some((e) => !('cut' in e && e.soft));
    for (const [arm, xs, other] of [[x.a, fa, fb], [x.b, fb, fa]] as const) {
      const b = bare(arm);
      if (PRE_STACK && !own(xs) && other.some((e) => 's' in e)) {
        const local = (e: Expr): string | undefined => {
          const y = bare(e);
          if (y.e === 'id') return addrTaken.has(y.name) && scalarLocal(y.name) ? y.name : undefined;
          if (y.e === 'binary' && !['&&', '||'].includes(y.op)) return local(y.l) ?? local(y.r);
          if (y.e === 'unary' && y.op !== '&') return local(y.x);
          return undefined;
        };
        const n = local(b);
        if (n !== undefined) xs.push(b.e === 'id' && arm.e === 'id' ? { cut: true, soft: true, ld: sizeOf(lookup(n)!) } : { cut: true, soft: true, ld: 0 });
      }
      if (PRE_VALUE) {
        const num = (e: Expr): boolean => constValue(e, env) !== undefined;
        const val = (e: Expr): boolean => { const y = bare(e); return y.e === 'call' || (y.e === 'binary' && ['+', '-', '*', '/', '%', '<<', '>>', '&', '|', '^'].includes(y.op) && ((num(y.r) && val(y.l)) || (num(y.l) && val(y.r)))); };
        const sites = xs.filter((e): e is Extract<FlowEv, { s: RawSite }> => 's' in e);
        const last = sites[sites.length - 1];
        if (sites.length === 1 && last!.c === 'v' && !last!.cond && val(b)) last!.tv = true;
      }
    }
  };
  const useOf = (s: RawSite | undefined, c: 'v' | 'a' | 'l' | 'x', b?: string): void => {
    const e = s && evOf.get(s);
    if (!e || !('s' in e)) return;
    e.c = c;
    if (b !== undefined) e.b = b; else delete e.b;
    if (c === 'l' && sunkChain) e.sunk = true;
  };
  /** licm_loads: the variable a load's pointer `x` is read from and the TBAA classes of the loads computing it
   * (`t->real_parent->mm`: t, a pointer load), or undefined when it is anything else (an index, a call, a local in
   * memory). */
  const licChain = (x: Expr | undefined): { root: string; tys: string[] } | undefined => {
    const tys: string[] = [];
    for (let d = 0; x && d < 16; d++) {
      if (x.e === 'cast') { x = x.x; continue; }
      if (x.e === 'id') {
        if (addrTaken.has(x.name)) return undefined;
        if (!lookup(x.name) && !lookupParam(x.name)) { const g = env.global(x.name); if (!g) return undefined; tys.push(tbaaClass(g)); }
        return { root: x.name, tys };
      }
      if (x.e !== 'member') return undefined;
      const xv = ev(x, { preserve: false, noEmit: true, guards: [] });
      const t = xv.type;
      const k = t ? strip(t).k : undefined;
      // a member that is a record or an array is an address (no load): `f->f_path.dentry`'s `f->f_path`
      if (k !== 'struct' && k !== 'union' && k !== 'array') tys.push(xv.chain ? (throughUnion(xv.chain.root, xv.chain.access) ? '*' : tbaaClass(t)) : '*');
      x = x.obj;
    }
    return undefined;
  };
  /** The last short circuit recorded (its expression and right side's event), for an if statement on it. */
  let lastSc: { x: Expr; ev: FlowEv } | undefined;
  /** Runs `fn` recording its events apart: the nested code of a FlowEv `sub`. */
  const region = <T>(fn: () => T): [T, FlowEv[]] => {
    const outer = flow;
    const inner: FlowEv[] = [];
    flow = inner;
    try { return [fn(), inner]; } finally { flow = outer; }
  };
  /** A store to anything but a local variable may write what a later direct load reads (measured: a global, a
   * local array element, a map value all keep clang's second load). */
  const storeCut = (l: Expr, value = '?', r?: Expr, t?: CType): void => {
    if (l.e === 'id' && lookup(l.name) && !addrTaken.has(l.name)) return;
    if (licmFrames.length) { const c = tbaaClass(t); for (const fr of licmFrames) fr.stores.add(c === 'volatile' ? '*' : c); }
    cut(true, true);
    // the named variables a stored value reads (`st->read_bytes += count`, `e->min = t[0] + y`) are values in
    // registers until here (cse.ts `far`)
    if (r) liveUse(r);
    // the pointer written through, when it is a plain variable (a parameter: `*tgid = ..`), and what is written
    const p = l.e === 'unary' && l.op === '*' ? l.x : l.e === 'member' && l.arrow ? l.obj : l.e === 'index' ? l.arr : undefined;
    const last = flow[flow.length - 1];
    if (p?.e === 'id' && last && 'cut' in last) (last.outs ??= []).push({ p: p.name, at: exprKey(l), v: value });
    // a named variable (a global, a local's member) is no CO-RE global: BasicAA tells distinct globals apart
    // (measured: `total = a;` between two checks keeps one record); a store through a pointer may be anything
    let n = l;
    while (n.e === 'member' && !n.arrow) n = n.obj;
    if (n.e === 'id') return;
    // an element of a named array (`out[1] = v`) is no CO-RE global either, but the GVN rule for checks was
    // measured counting it: marked `named` (cse.ts `pre` tells it apart)
    const at = n.e === 'index' && n.arr.e === 'id' ? lookup(n.arr.name) ?? env.global(n.arr.name) : undefined;
    clob(!!at && strip(at).k === 'array');
  };
  /** Something that may write a global (FlowEv `clob`); a hard cut says it already. `named`: a store to a named
   * array's element only. */
  const clob = (named = false): void => {
    const last = flow[flow.length - 1];
    if (!last || !('clob' in last)) flow.push(named ? { clob: true, named: true } : { clob: true });
    else if (!named) delete last.named;
  };
  /** Marks the checks an if statement's condition branches on (through `!`, `&&`, `||`, casts, `== K`, `!= K`). */
  const condUse = (e: Expr, sel = false): void => {
    for (let d = 0; d < 16; d++) {
      if (e.e === 'unary' && e.op === '!') e = e.x;
      else if (e.e === 'cast') e = e.x;
      else if (e.e === 'binary' && (e.op === '&&' || e.op === '||')) { condUse(e.l, sel); e = e.r; }
      else if (e.e === 'binary' && (e.op === '==' || e.op === '!=') && constValue(e.r, env) !== undefined) e = e.l;
      else break;
    }
    const s = checkOf.get(e);
    const fe = s && evOf.get(s);
    if (fe && 's' in fe && fe.c === 'v') { if (sel) fe.sel = true; else fe.cond = true; }
  };
  /** The check an if arm computes before anything else: its first statement branches on it (`if (C)`, `v = C ? ..`,
   * `T v = C ? ..`, `return C ? ..`), C a check under `!`, casts and `== K` only; else undefined (cse.ts `hoist`). */
  const leadCheck = (st: Stmt | undefined, d = 0): Expr | undefined => {
    if (!st || d > 8) return undefined;
    let c: Expr | undefined;
    if (st.s === 'block') {
      // declarations without an initialiser and empty statements emit nothing
      const first = st.body.find((b) => !(b.s === 'empty' && !b.asm) && !(b.s === 'decl' && b.vars.every((v) => v.init === undefined)));
      return leadCheck(first, d + 1);
    }
    if (st.s === 'if') c = st.c;
    else if (st.s === 'expr' && st.x.e === 'assign' && st.x.op === '=' && st.x.l.e === 'id' && st.x.r.e === 'cond') c = st.x.r.c;
    else if (st.s === 'expr' && st.x.e === 'cond') c = st.x.c;
    else if (st.s === 'decl' && st.vars.length === 1 && st.vars[0]!.init?.e === 'cond') c = (st.vars[0]!.init as Extract<Expr, { e: 'cond' }>).c;
    else if (st.s === 'return' && st.x?.e === 'cond') c = st.x.c;
    for (let k = 0; c && k < 16; k++) {
      if (c.e === 'unary' && c.op === '!') c = c.x;
      else if (c.e === 'cast') c = c.x;
      else if (c.e === 'binary' && (c.op === '==' || c.op === '!=') && constValue(c.r, env) !== undefined) c = c.l;
      else break;
    }
    return c;
  };
  /** Marks the check `leadCheck` finds in an if arm as its arm's first instruction (FlowEv `lead`). */
  const markLead = (st: Stmt | undefined, evs?: FlowEv[]): void => {
    // hoist_calls: the arm's first statement is a call, its value unused or returned (`(void)f(..);`, `return f(..);`)
    if (HOIST_CALLS) {
      let first = st;
      for (let d = 0; first?.s === 'block' && d < 8; d++) first = first.body.find((b) => !(b.s === 'empty' && !b.asm) && !(b.s === 'decl' && b.vars.every((v) => v.init === undefined)));
      let x = first?.s === 'expr' ? first.x : first?.s === 'return' ? first.x : undefined;
      while (x?.e === 'cast') x = x.x;
      const ref = x?.e === 'call' ? callOf.get(x)?.ref : undefined;
      const ce = ref && evs?.find((y) => 'call' in y && y.call === ref);
      if (ce && 'call' in ce) ce.lead = true;
    }
    const c = leadCheck(st);
    const s = c && checkOf.get(c);
    const fe = s && evOf.get(s);
    if (fe && 's' in fe && fe.c === 'v') fe.lead = true;
  };
  const cut = (soft = false, store = false): void => {
    const last = flow[flow.length - 1];
    if (last && 'cut' in last) { if (!soft) delete last.soft; if (store) last.store = true; return; }
    flow.push(soft ? { cut: true, soft: true, ...(store ? { store: true as const } : {}) } : { cut: true });
  };
  /** far (cse.ts): the named variables `x` reads (or, `def`, the local it defines) are values in registers up to (from)
   * here; noted on the statement's last cut (a call or a store ends it), none when it has no event to carry them. */
  const liveUse = (x: Expr, def = false): void => {
    const last = flow[flow.length - 1];
    if (!last || !('cut' in last)) return;
    const names: string[] = [];
    if (def) { const b = baseName(x); if (b !== undefined) names.push(b); }
    else walkExpr(x, (y) => { if (y.e === 'id') { const b = baseName(y); if (b !== undefined && !names.includes(b)) names.push(b); } });
    if (names.length) (last.uses ??= []).push(...names);
  };
  /** Ends an access chain; `load` when its value is read (not its address taken or stored to). */
  const close = (v: Val, ctx: Ctx, load = false): void => {
    if (v.ld) {
      if (load && !v.chain) plainRead(v.ld, v.type, ctx);
      v.ld = undefined;
    }
    if (v.chain && (v.chain.access.length > 1 || v.chain.indexed)) {
      const s = emit(ReloKind.FieldByteOffset, v.chain.root, v.chain.access, v.chain.start, v.chain.end, ctx);
      // BPFAbstractMemberAccess (run at the pipeline's start, before the inliner weighs anything) makes the access a
      // load of the relocation's global, a GEP and an llvm.bpf.passthrough call: the global's load is emit's
      // instruction, the passthrough one more, the GEP free (opt's print<inline-cost> of netobserv's set_flags: 30
      // per `th->ack` test; BPF_CORE_READ's hop: 10 and the probe read's 20)
      if (s) xcost += CORE_PASSTHROUGH;
      // a bitfield read extracts its bits from the storage unit it loads (an `and`, a shift)
      if (s && load && v.chain.bits && !ctx.unevaluated) xcost += CORE_PASSTHROUGH;
      const k = strip(v.type).k;
      const b = baseName(v.chain.base);
      // an address through a pointer that is no value of the body (a variable whose address is taken, a member) is
      // still an address: cse.ts merges it only with the relocation just before it (`adj`), never by pointer value
      if (load || ctx.unevaluated) useOf(s, 'x');
      else useOf(s, 'a', b);
      const fe = s && evOf.get(s);
      const from = v.chain.base ?? v.chain.of;
      if (fe && 's' in fe && load && from) fe.src = exprKey(from);
      if (fe && 's' in fe && v.chain.of && !v.chain.base) { const pk = prefixKey(v.chain.of); if (pk) fe.pk = pk; }
      if (fe && 's' in fe && !load && nullBase(v.chain.base)) fe.nul = true;
      if (LICM_LOADS && fe && 's' in fe && load && !ctx.unevaluated && !ctx.noEmit && licmFrames.length && !v.chain.bits && (k === 'int' || k === 'ptr' || k === 'enum' || k === 'float')) {
        const lic = licChain(v.chain.base);
        if (lic) { lic.tys.push(throughUnion(v.chain.root, v.chain.access) ? '*' : tbaaClass(v.type)); fe.lic = lic; }
      }
      if (s && b !== undefined && load && !ctx.unevaluated && !v.chain.bits && (k === 'int' || k === 'ptr' || k === 'enum' || k === 'float') && !(v.chain.packed && sizeOf(v.type) > 1)) {
        useOf(s, 'l', b);
      } else if (LOCAL_LOADS && fe && 's' in fe && load && !ctx.unevaluated && !v.chain.bits
        && (k === 'int' || k === 'ptr' || k === 'enum') && !(v.chain.packed && sizeOf(v.type) > 1)) {
        // a member of a local aggregate (no pointer: its stack slot), read as a scalar
        let root = v.chain.base ?? v.chain.of;
        while (root?.e === 'cast') root = root.x;
        const t = root?.e === 'id' && !lookupParam(root.name) ? lookup(root.name) : undefined;
        const rk = t ? strip(t).k : undefined;
        if (root?.e === 'id' && (rk === 'struct' || rk === 'union')) fe.lb = `${root.name}@${version.get(root.name) ?? 0}`;
      }
      // literal_args: `u.m` read from a by-value record parameter never written: gone in a copy whose argument is a
      // compound literal (measured: Hades' `hades_uid_val(right)` of ROOT_UID, `(const kuid_t){ 0 }`; `(T){ x + 1 }`
      // too: GVN forwards the literal's store)
      if (LITERAL_ARGS && s && load && !ctx.unevaluated && v.chain.of?.e === 'id' && v.chain.access.length === 2 && !v.chain.bits) {
        const pn = v.chain.of.name;
        const pi = f.params.findIndex((q) => q.name === pn);
        const rec = pi >= 0 ? strip(f.params[pi]!.type) : undefined;
        if (rec?.k === 'struct' && !assigned.has(pn) && !addrTaken.has(pn)) {
          const fd = rec.fields[v.chain.access[1]!];
          if (fd?.name) s.pconds = [...(s.pconds ?? []), { param: pi, eq: true, v: 0n, field: fd.name, fold: true }];
        }
      }
      if (ctx.unevaluated) { /* not a load that runs: see Ctx.unevaluated */ }
      else if (s && load && v.chain.bits) {
        s.directBitfield = true;
        if (v.chain.base && rootedAtParam(v.chain.base)) s.paramPointer = true;
        // the storage unit is loaded through the pointer as any other field is (bpftime's `((robj *)base)->type`)
        const o = LOADED_VIA && v.chain.base ? originOf(v.chain.base) : undefined;
        if (isPlain(o) || o === 'regs' || (o && typeof o === 'object')) s.viaPointer = o;
      }
      else if (s && load && (k === 'int' || k === 'ptr' || k === 'enum' || k === 'float')) {
        s.readSize = sizeOf(v.type);
        if (DIRECT_LOAD_SIZE) s.directLoad = true;
        if (v.chain.packed && s.readSize > 1) s.unalignedLoad = true;
        const o = v.chain.base && originOf(v.chain.base);
        if (isPlain(o) || o === 'regs') s.viaPointer = o;
        else if (o && typeof o === 'object') s.viaPointer = o;
      }
    }
    v.chain = undefined;
  };
  /**
   * `p->f += v`, `p->f++`: one relocated address, read and written. The BPF backend folds the relocation into each
   * memory access at that address, so clang emits two relocations, the load's and the store's (bpftool's profiler
   * `accum->counter += diff.counter`); a bitfield's storage unit too (measured: `v->g += 1` on `int g : 4`).
   */
  const readModifyWrite = (v: Val, ctx: Ctx, load: boolean): void => {
    const before = res.sites.length;
    close(v, ctx, load);
    if (res.sites.length !== before + 1) return;
    const s = res.sites[before]!;
    if (s.kind !== ReloKind.FieldByteOffset) return;
    const store: RawSite = { ...s, guards: s.guards.slice() };
    delete store.readSize;
    delete store.directLoad;
    delete store.viaPointer;
    delete store.unalignedLoad;
    delete store.paramPointer;
    res.sites.push(store);
    useOf(s, 'x');
    flow.push({ s: store, c: 'x' }, { cut: true });
  };
  /**
   * plain_reads: a scalar loaded with no relocation through `ld.p`, kept when the pointer may be a plain number to the
   * verifier (its origin, as for a relocated direct read; contexts.ts decides per call context). A record copy
   * (`v = *p`) is not claimed.
   */
  const plainRead = (ld: NonNullable<Val['ld']>, type: CType, ctx: Ctx): void => {
    if (!PLAIN_READS || ctx.noEmit || ctx.unevaluated) return;
    const k = strip(type).k;
    if (k !== 'int' && k !== 'ptr' && k !== 'enum' && k !== 'float') return;
    const o = originOf(ld.p);
    if (!isPlain(o) && o !== 'regs' && !(o && typeof o === 'object')) return;
    const s: RawSite = { kind: ReloKind.FieldByteOffset, root: VOID, access: [], start: ld.start, end: ld.end, func: f.name, guards: ctx.guards.slice(), viaPointer: o, plainRead: ld.label };
    if (ctx.pconds?.length) s.pconds = ctx.pconds;
    if (ctx.knob) s.knob = ctx.knob;
    if (ctx.kver) s.kver = ctx.kver;
    (res.reads ??= []).push(s);
  };
  /** `p`, `p->a`, `(T *)p->a->b` where `p` is a parameter of this function the body never assigns. */
  const rootedAtParam = (x: Expr): boolean => {
    for (let d = 0; d < 32; d++) {
      if (x.e === 'cast') x = x.x;
      else if (x.e === 'member' && x.arrow) x = x.obj;
      else if (x.e === 'id') {
        const name = x.name;
        return !assigned.has(name) && lookupParam(name);
      }
      else return false;
    }
    return false;
  };
  /**
   * Where a pointer value comes from (see RawSite.viaPointer); 'typed' for pointers the verifier tracks (a BTF-typed
   * helper result, a map value), undefined when the body does not tell. Conservative: a variable assigned twice
   * from different origins, or whose address escapes, is unknown.
   */
  const originOf = (x: Expr, d = 0): Origin | undefined => {
    if (d > 32) return undefined;
    switch (x.e) {
      case 'cast': {
        const notes = res.notes.length;
        const k = strip(ev(x.x, { preserve: false, noEmit: true, guards: [] }).type).k;
        res.notes.length = notes;
        if (k !== 'int' && k !== 'enum') return originOf(x.x, d + 1);
        // `(T *)(long)p`: a pointer's round trip through an integer is still that pointer to the verifier
        if (PLAIN_READS && x.x.e === 'cast') {
          const n2 = res.notes.length;
          const k2 = strip(ev(x.x.x, { preserve: false, noEmit: true, guards: [] }).type).k;
          res.notes.length = n2;
          if (k2 === 'ptr' || k2 === 'array') return originOf(x.x.x, d + 1);
        }
        // `(char *)(temp + 2)`, temp an array or a pointer (typed as a number here): pointer arithmetic, temp's origin
        // (otel-go's w3c_string_to_span_context((char *)(temp + W3C_KEY_LENGTH + 2), ..), temp a local array)
        if (PLAIN_READS) {
          let b = x.x;
          for (let i = 0; i < 16 && (b.e === 'cast' || (b.e === 'binary' && (b.op === '+' || b.op === '-'))); i++) b = b.e === 'cast' ? b.x : b.l;
          let t = b.e === 'id' ? lookup(b.name) ?? env.global(b.name) : undefined;
          // member_arith: `(u64 *)(parent->trace_id + 8)`, an array member plus a constant, is the address inside
          // what parent points to (OBI's tp_from_parent on a map value), not a number read
          if (!t && MEMBER_ARITH && b !== x.x && b.e === 'member') {
            const n2 = res.notes.length;
            t = ev(b, { preserve: false, noEmit: true, guards: [] }).type;
            res.notes.length = n2;
          }
          const bk = t && strip(t).k;
          if (bk === 'array' || bk === 'ptr') return originOf(b, d + 1);
        }
        // a number read from the context (`PT_REGS_PARM1(ctx)`, `ctx[0]`): a plain number in a kprobe, but a
        // BTF-typed pointer in tp_btf/fentry (the verifier types those context slots): the section decides
        return readsParam(x.x) ? 'regs' : 'plain';
      }
      case 'call': {
        const n = x.fn.e === 'id' ? x.fn.name : '';
        if (PLAIN_READS && READ_MACROS[n] && !READ_MACROS[n]!.into) {
          // BPF_CORE_READ of an array member is the address of its copy on the stack, no number
          const n2 = res.notes.length;
          const k2 = strip(ev(x, { preserve: false, noEmit: true, guards: [] }).type).k;
          res.notes.length = n2;
          if (k2 === 'array') return undefined;
        }
        if (PLAIN_RESULT.has(n) || (READ_MACROS[n] && !READ_MACROS[n]!.into)) return NUMBER;
        if (n === 'bpf_get_current_task_btf' || n === 'bpf_core_cast') return 'typed';
        if (n === 'bpf_map_lookup_elem') return 'map';
        // a function of the unit whose every return is a plain number (its summary, as for `ret`)
        const callee = PLAIN_READS && n ? env.func(n) : undefined;
        if (callee?.body && callee !== f && opts.summaryOf?.(callee)?.plainRet) { res.deps.add(n); return 'plain'; }
        return undefined;
      }
      case 'id': {
        // assigned a plain number later in an enclosing loop (a parent walk's `t = BPF_CORE_READ(t, real_parent)`):
        // the verifier walks the next iteration with that number in it
        for (const m of loopPlain) if (m.has(x.name)) return m.get(x.name);
        // an array (not a parameter) is its address on the stack or in a global, whatever a probe read wrote into it
        // (hello-libbpfgo's `bpf_probe_read_kernel_str(&file_name_str, ..)` then `file_name_str[i]`)
        if (PLAIN_READS && !f.params.some((p) => p.name === x.name)) {
          const t = lookup(x.name) ?? env.global(x.name);
          if (t && strip(t).k === 'array') return undefined;
        }
        const o = varOrigin.get(x.name);
        if (o !== undefined) return o === 'mixed' ? undefined : o;
        // parameters live in the outermost scope too: a name declared in the body was met above (varOrigin)
        const i = f.params.findIndex((p) => p.name === x.name);
        return i >= 0 && !assigned.has(x.name) ? { param: i } : undefined;
      }
      case 'member': {
        // `p->a.b`: a member of a record reached through `->` is loaded through p as `p->a` is (a local record's
        // member, `v.a`, tells nothing)
        let y: Expr = x;
        if (!x.arrow) {
          if (!DOT_ORIGIN) return undefined;
          y = x.obj;
          while (y.e === 'member' && !y.arrow) y = y.obj;
          if (y.e !== 'member') return undefined;
        }
        const o = originOf((y as Expr & { e: 'member' }).obj, d + 1);
        if (o === 'map') {
          // an array member is an address inside the map value, not a load (kubeshark's `(struct iphdr *)p->buf`,
          // p a map value: the verifier reads it as a map value pointer, not as a number)
          const notes = res.notes.length;
          const k = strip(ev(x, { preserve: false, noEmit: true, guards: [] }).type).k;
          res.notes.length = notes;
          if (k === 'array') return 'map';
        }
        // a pointer loaded from a map value (or through a plain number) is a plain number; `->` from a BTF-typed
        // pointer stays typed (the verifier types the loaded field from BTF)
        return o === 'map' ? 'plain' : o;
      }
      case 'unary': return x.op === '*' && originOf(x.x, d + 1) === 'map' ? 'plain' : undefined;
      case 'index': return originOf(x.arr, d + 1) === 'map' ? 'plain' : undefined;
      case 'comma': return originOf(x.r, d + 1);
      case 'stmtexpr': {
        // `({ T __r; bpf_probe_read_kernel((void *)(&__r), ..); __r; })`: BPF_CORE_READ's expansion is the value of
        // its last statement, a probe read's destination: a plain number. Read from the body, not from varOrigin: the
        // origin of a declaration's or assignment's value is asked before the value is evaluated
        const last = x.body[x.body.length - 1];
        if (!STMTEXPR_ORIGIN || last?.s !== 'expr') return undefined;
        // (an array `__r`, BPF_CORE_READ of an array member, is its own address on the stack: no number)
        if (last.x.e === 'id' && probeWritten(x.body, last.x.name)) return declaredArray(x.body, last.x.name) ? undefined : NUMBER;
        // nothing else: the body's locals are not declared yet when this is asked (nettrace's CONFIG(), a map value
        // cast from a `void *` local, would read as a cast from an integer)
        return undefined;
      }
      // `p + 1`: pointer arithmetic keeps what the pointer is (an integer sum is a cast's business, above)
      case 'binary': return PLAIN_READS && (x.op === '+' || x.op === '-') ? originOf(x.l, d + 1) : undefined;
      default: return undefined;
    }
  };
  /**
   * loop_carried: the variables a loop's body or step assigns a plain number (`w = BPF_CORE_READ(w, real_parent)`)
   * that live across its iterations (declared before it). A direct read through one anywhere in the loop meets that
   * number on the next iteration, which the verifier walks whenever the loop may run twice (clang's copies of an
   * unrolled loop are those iterations), so it refuses the program there as on a kprobe argument.
   */
  const loopCarried = (s: Extract<Stmt, { s: 'loop' }>): Map<string, 'plain' | 'number'> => {
    const out = new Map<string, 'plain' | 'number'>();
    const tc = tripCount(s);
    if (!LOOP_CARRIED || (tc !== undefined && tc <= 1)) return out;
    const inner = new Set<string>();
    declaredIn(s.body, inner, true);
    const look = (e: Expr) => walkExpr(e, (y) => {
      if (y.e !== 'assign' || y.op !== '=' || y.l.e !== 'id' || inner.has(y.l.name)) return;
      const o = originOf(y.r);
      // the weaker kind when the loop assigns both
      if (isPlain(o)) out.set(y.l.name, out.get(y.l.name) === 'plain' ? 'plain' : o);
    });
    eachExpr(s.body, look);
    if (s.step) look(s.step);
    return out;
  };
  /** `ctx->di`, `ctx[1]`, `*(ctx + 1)`: a value read from one of this function's parameters. */
  const readsParam = (x: Expr): boolean => {
    for (let d = 0; d < 8; d++) {
      if (x.e === 'cast') x = x.x;
      else if (x.e === 'member') x = x.obj;
      else if (x.e === 'index') x = x.arr;
      else if (x.e === 'unary' && x.op === '*') x = x.x;
      else if (x.e === 'binary' && (x.op === '+' || x.op === '-')) x = x.l;
      else return x.e === 'id' && lookupParam(x.name);
    }
    return false;
  };
  /** Locals whose value is a comparison's (`bool b = x > 3`, `bpf_ksym_exists(..)`), as last written (cse.ts `diamond`). */
  const boolLocals = new Set<string>();
  /** Per enclosing loop, the variables declared outside it that its body assigns a plain number (loopCarried). */
  const loopPlain: Map<string, 'plain' | 'number'>[] = [];
  /** Origins of local variables, in evaluation order (see originOf). */
  const varOrigin = new Map<string, Origin | 'mixed'>();
  /** `&v` arguments of probe reads (what they write is a plain number). */
  const probeDst = new Set<Expr>();
  const setOrigin = (name: string, o: Origin | undefined): void => {
    const have = varOrigin.get(name);
    if (!varOrigin.has(name)) varOrigin.set(name, o ?? 'mixed');
    else if (have !== 'mixed' && !sameOrigin(have, o)) varOrigin.set(name, 'mixed');
    else if (samePlain(have, o) && have !== o) varOrigin.set(name, 'plain');
  };
  const use = (x: Expr, ctx: Ctx): Val => {
    // a local whose address escapes (`&v` passed to a helper) stays in memory (SROA cannot promote it): reading its
    // value is a load LLVM's inline cost counts (BPF_CORE_READ's `__r` after the probe read)
    if (x.e === 'id' && !ctx.noEmit && addrTaken.has(x.name) && scalarLocal(x.name)) xcost += INSTR;
    const v = ev(x, ctx);
    close(v, ctx, true);
    return v;
  };
  /** A brace list clang folds to a constant (isConstantInitializer): numbers, strings, addresses of globals. */
  const constInit = (x: Expr): boolean => {
    if (x.e === 'init') return x.items.every(constInit);
    if (constValue(x, env) !== undefined || x.e === 'str') return true;
    if (x.e === 'cast') return constInit(x.x);
    const g = x.e === 'unary' && x.op === '&' ? x.x : x;
    return g.e === 'id' && !lookup(g.name) && (env.global(g.name) !== undefined || env.func(g.name) !== undefined);
  };
  /**
   * init_stores: the member stores of a brace list into a record with preserve_access_index: a local's initializer
   * clang cannot fold to a constant, or a compound literal (always built member by member). CGExprAgg's
   * VisitInitListExpr takes every member's address (EmitLValueForFieldInitialization, a relocated access) and stores
   * its value, a member without one getting zero; one record each, in member order, kept even when nothing reads the
   * local (measured: scx's compat.bpf.h `struct scx_bpf_dsq_insert_vtime_args args = { .dsq_id = dsq_id, .. }`, 4
   * records). Over 16 bytes of which at most a quarter is not a literal zero, CheckAggExprForMemSetUse clears the
   * whole first and the zero members get no store and no record. A member record in a record chains onto the
   * outer one's access (`0:1:1`). Returns the steps in emission order (a record, then the value it stores), or
   * undefined for shapes not modelled (unions, bitfields, arrays given a brace list, nested memsets, designators
   * other than one `.name`, a member given twice): the caller evaluates the list as before.
   */
  type InitStep = { root?: CType; access?: number[]; item?: Expr; start: number; end: number };
  const initPlan = (t: CType, init: Extract<Expr, { e: 'init' }>, compound: boolean, ctx: Ctx): InitStep[] | undefined => {
    const top = strip(t);
    if (!INIT_STORES || ctx.preserve || ctx.noEmit || top.k !== 'struct' || !top.complete || isVolatileObject(t)) return undefined;
    if (!compound && constInit(init)) return undefined;
    const simpleZero = (x: Expr): boolean => {
      while (x.e === 'cast') x = x.x;
      return x.e === 'num' && x.v === 0n;
    };
    /** The item each member gets (C's designation: a `.name` moves the cursor, a positional item takes the next). */
    const assign = (rec: Record, il: Extract<Expr, { e: 'init' }>): (Expr | undefined)[] | undefined => {
      if (il.complex?.some((c) => c)) return undefined;
      if (rec.fields.some((f) => f.bits !== undefined || !f.name)) return undefined;
      const out: (Expr | undefined)[] = rec.fields.map(() => undefined);
      let cur = 0;
      for (let j = 0; j < il.items.length; j++) {
        const name = il.names?.[j];
        if (name !== undefined) cur = rec.fields.findIndex((f) => f.name === name);
        if (cur < 0 || cur >= rec.fields.length || out[cur] !== undefined) return undefined;
        out[cur++] = il.items[j];
      }
      return out;
    };
    /** GetNumNonZeroBytesInInit: the bytes the list does not set to a literal zero. */
    const nonZero = (rec: Record, il: Extract<Expr, { e: 'init' }>): number | undefined => {
      const a = assign(rec, il);
      if (!a) return undefined;
      let n = 0;
      for (let i = 0; i < a.length; i++) {
        const x = a[i];
        if (!x || simpleZero(x)) continue;
        const ft = strip(rec.fields[i]!.type);
        if (x.e === 'init') {
          if (ft.k !== 'struct') return undefined;
          const m = nonZero(ft, x);
          if (m === undefined) return undefined;
          n += m;
        } else n += sizeOf(ft);
      }
      return n;
    };
    const memsets = (rec: Record, il: Extract<Expr, { e: 'init' }>): boolean | undefined => {
      const size = sizeOf(rec);
      if (size <= 16) return false;
      const n = nonZero(rec, il);
      return n === undefined ? undefined : n * 4 <= size;
    };
    const steps: InitStep[] = [];
    let sites = 0;
    const walk = (rec: Record, self: CType, il: Extract<Expr, { e: 'init' }>, chain: { root: CType; access: number[] } | undefined, zeroed: boolean): boolean => {
      const a = assign(rec, il);
      if (!a || rec.k !== 'struct' || (chain && !rec.pai)) return false;
      for (let i = 0; i < a.length; i++) {
        const x = a[i];
        const ft = strip(rec.fields[i]!.type);
        if (ft.k === 'array' && ft.n === 0) return false;
        if (zeroed && (!x || simpleZero(x))) continue;
        const at = rec.pai ? { root: chain ? chain.root : unqual(self), access: chain ? [...chain.access, i] : [0, i] } : undefined;
        if (x?.e === 'init') {
          if (ft.k !== 'struct' || !ft.complete) return false;
          const z = zeroed || memsets(ft, x);
          // a member record cleared by a memset of its own: that memset's record is not modelled
          if (z === undefined || (z && !zeroed)) return false;
          if (!walk(ft, rec.fields[i]!.type, x, at, zeroed)) return false;
          continue;
        }
        if (x?.e === 'str' || (x && ft.k === 'array')) return false;
        const where = x ?? il;
        if (at) sites++;
        steps.push({ ...(at ?? {}), item: x, start: where.start, end: where.end });
      }
      return true;
    };
    const z = memsets(top, init);
    if (z === undefined || !walk(top, t, init, undefined, z) || !sites) return undefined;
    return steps;
  };
  /** Runs initPlan's steps: each member's record, then its value. */
  const initStores = (steps: InitStep[], ctx: Ctx): void => {
    for (const st of steps) {
      if (st.root && st.access) {
        const s = emit(ReloKind.FieldByteOffset, st.root, st.access, st.start, st.end, ctx);
        if (s) xcost += CORE_PASSTHROUGH;
        useOf(s, 'x');
      }
      if (st.item) use(st.item, ctx);
    }
  };

  const parserFor = (toks: Token[]): CParser => {
    const p = new CParser(toks, env, lookup);
    p.typeofHook = (ts, locals) => {
      const sub = new CParser(ts, env, locals);
      sub.typeofHook = p.typeofHook;
      const outer = parseLookup;
      parseLookup = locals;
      try { return ev(sub.expr(), { preserve: false, noEmit: true, guards: [] }).type; } finally { parseLookup = outer; }
    };
    return p;
  };

  /** A member step: returns the path through anonymous members and the member type. */
  const member = (t: CType, name: string, at: Expr): { path: number[]; type: CType; rec?: Record; bits?: boolean; packed?: boolean } | undefined => {
    const r = strip(t);
    if (r.k !== 'struct' && r.k !== 'union') {
      res.notes.push({ start: at.start, end: at.end, message: `'${name}' accessed on a non-record type` });
      return undefined;
    }
    if (!r.complete) {
      res.notes.push({ start: at.start, end: at.end, message: `${r.k} ${r.name} is incomplete here: its layout is unknown` });
      return undefined;
    }
    const m = findMember(r, name);
    if (!m) {
      if (name) res.notes.push({ start: at.start, end: at.end, message: `${r.k} ${r.name || '(anon)'} has no member '${name}'` });
      return undefined;
    }
    return { path: m.path, type: m.field.type, rec: r, bits: m.field.bits !== undefined, packed: r.packed || !!m.field.packed };
  };

  let cost = 0;
  let xcost = 0;
  /** Per parameter: its evaluations, those SROA goes through (loads/stores, copy builtins, inlinable calls), what
   * they save, and a use that defeats SROA outright (FuncResult.sroa). */
  const sroaSeen = f.params.map(() => 0);
  const sroaOk = f.params.map(() => 0);
  const sroaSave = f.params.map(() => 0);
  const sroaBad = f.params.map(() => false);
  let branches = false;
  const looseBranches: ({ arm: ConstArm; side: 't' | 'f' } | null)[] = [];
  /** A conditional branch of the body; `folds` when a ConstArm stands for it (single_bb_const). */
  const branchHere = (folds: boolean): void => {
    branches = true;
    if (folds) return;
    const up = constArmIn[constArmIn.length - 1];
    looseBranches.push(up ? { ...up } : null);
  };
  /** The parameter `x` names (through casts), when its value is the caller's argument throughout the body. */
  const sroaParam = (x: Expr): number | undefined => {
    while (x.e === 'cast') x = x.x;
    if (x.e !== 'id' || rebound.has(x.name) || addrTaken.has(x.name) || lookup(x.name) !== f.params.find((p) => p.name === x.name)?.type) return undefined;
    const i = f.params.findIndex((p) => p.name === (x as { name: string }).name);
    return i >= 0 ? i : undefined;
  };
  /** The parameter an address inside what it points to is taken from (`&p->f`, `p->arr`, `&p[i]`). */
  const sroaInside = (x: Expr): number | undefined => {
    while (x.e === 'cast') x = x.x;
    if (x.e === 'unary' && x.op === '&') x = x.x;
    for (let d = 0; d < 16; d++) {
      if (x.e === 'cast') x = x.x;
      else if (x.e === 'member' && !x.arrow) x = x.obj;
      else if (x.e === 'index') x = x.arr;
      else if (x.e === 'member' && x.arrow) return sroaParam(x.obj);
      else break;
    }
    return undefined;
  };
  /** helper calls met so far (inlined callees' count as one): whether a loop's body makes one */
  let helpers = 0;
  /** the call event of each call (a full unroll's split rewrites it, see SplitLoop) */
  const callEv = new Map<CallRef, Extract<FlowEv, { call: CallRef }>>();
  /** `&e`, or `&e` under casts to a pointer to e's own type (qualifiers and typedefs aside): no step between. */
  function sameTypeAddr(x: Expr): (Expr & { e: 'unary' }) | undefined {
    if (x.e === 'unary' && x.op === '&') return x;
    if (x.e !== 'cast') return undefined;
    const to = strip(x.type);
    const a = sameTypeAddr(x.x);
    if (!a || to.k !== 'ptr') return undefined;
    const want = strip(to.to);
    const have = strip(ev(a.x, { preserve: false, noEmit: true, guards: [] }).type);
    const same = want === have || ((want.k === 'struct' || want.k === 'union') && want.k === have.k && !!want.name && want.name === have.name);
    return same ? a : undefined;
  }

  /** addr_free: how many member / constant-index nodes `x` is made of down to the pointer or variable they offset
   * (`p->a.b[2]`: 3; `s.m`: 1), 0 when it is not such an address (a variable index, a pointer indexed). */
  function constSpine(x: Expr): number {
    let n = 0;
    for (let d = 0; d < 32; d++) {
      if (x.e === 'member') { n++; if (x.arrow) return n; x = x.obj; continue; }
      if (x.e === 'index' && constValue(x.idx, env) !== undefined && strip(ev(x.arr, { preserve: false, noEmit: true, guards: [] }).type).k === 'array') { n++; x = x.arr; continue; }
      return x.e === 'id' && n > 0 ? n : 0;
    }
    return 0;
  }

  function ev(x: Expr, ctx: Ctx): Val {
    if (!ctx.noEmit) cost += EXPR_COST[x.e] ?? 0;
    const v = ev0(x, ctx);
    if (v.check) checkOf.set(x, v.check);
    return v;
  }

  /** The association `_Generic` selects: the one whose type is the controlling expression's (after lvalue
   * conversion: qualifiers dropped, arrays and functions decayed), else `default`. */
  function generic(x: Expr & { e: 'generic' }): Expr | undefined {
    let t = strip(ev(x.x, { preserve: false, noEmit: true, guards: [] }).type);
    if (t.k === 'array') t = { k: 'ptr', to: (t as { of: CType }).of };
    const key = spell(unqual(t));
    return (x.assoc.find((a) => a.type && spell(unqual(strip(a.type))) === key) ?? x.assoc.find((a) => !a.type))?.x;
  }

  function ev0(x: Expr, ctx: Ctx): Val {
    switch (x.e) {
      case 'generic': {
        const chosen = generic(x);
        return chosen ? ev(chosen, ctx) : { type: LONG };
      }
      case 'num': return { type: INT };
      case 'str': return { type: { k: 'ptr', to: { k: 'int', name: 'char', size: 1, signed: true, char: true } } };
      case 'id': {
        if (!ctx.noEmit && !ctx.unevaluated) { const i = f.params.findIndex((p) => p.name === x.name); if (i >= 0) sroaSeen[i]!++; }
        if (!ctx.noEmit && tentative.size) tentative.delete(x.name);
        if (!ctx.noEmit && unreadReads.size) unreadReads.delete(x.name);
        if (!ctx.noEmit && !ctx.unevaluated && sinkable.size) {
          const sk = sinkable.get(x.name);
          if (sk) sk.reads = sk.reads ? sk.reads.slice(0, commonDepth(sk.reads, regions)) : regions.slice();
        }
        const t = parseLookup?.(x.name) ?? lookup(x.name) ?? env.global(x.name);
        if (t) return { type: t };
        const ec = env.enumConst(x.name);
        if (ec) return { type: ec.type };
        const fn = env.func(x.name);
        if (fn) {
          if (FN_REFS && fn.body && !ctx.noEmit && !ctx.unevaluated) {
            (res.fnRefs ??= []).push({ def: fn, ...(ctx.pconds?.length ? { pconds: ctx.pconds } : {}) });
            res.deps.add(x.name);
          }
          return { type: fn.type };
        }
        return { type: LONG };
      }
      case 'member': {
        let base: Val = { type: LONG };
        let root: CType | undefined;
        const amp = x.arrow ? sameTypeAddr(x.obj) : undefined;
        if (amp) {
          // `(&a->b)->c` (PT_REGS_IP(&ctx->regs) on x86): no load between the steps, so clang's access chain goes
          // on through the member of the member: one relocation `a 0:b:c`, not two; so through casts to the type it
          // has (BPF_CORE_READ(&q->q, qlen) is `&((typeof(&q->q))(&q->q))->qlen`: one relocation `Qdisc 0:16:2`,
          // nettrace's qdisc probes), where LLVM's chain check finds the member's type as the next step's base
          if (!ctx.noEmit) cost += EXPR_COST.unary!;
          const inner = ev(amp.x, ctx);
          const m = inner.chain ? member(inner.type, x.name, x) : undefined;
          if (inner.chain && m && (ctx.preserve || m.rec!.pai)) {
            return { type: m.type, chain: { ...inner.chain, access: [...inner.chain.access, ...m.path], end: x.end, bits: m.bits, packed: m.packed } };
          }
          close(inner, ctx);
          if (inner.chain && !m) return { type: LONG };
          base = { type: { k: 'ptr', to: inner.type } };
        } else if (x.arrow) {
          const n0 = flow.length;
          base = use(x.obj, ctx);
          // hop: a pointer loaded directly to be dereferenced at once (`ctx->meta->seq`) is used in its own block,
          // where nothing sinks it: a later load of it in that block is the same load (cse.ts)
          const last = flow.length > n0 ? flow[flow.length - 1] : undefined;
          if (HOPS && !sunkChain && last && 's' in last && last.c === 'l') last.hop = true;
        }
        if (x.arrow) {
          const p = strip(base.type);
          if (p.k !== 'ptr' && p.k !== 'array') {
            if (x.name) res.notes.push({ start: x.start, end: x.end, message: `'->${x.name}' on a non-pointer` });
            return { type: LONG };
          }
          root = unqual(p.k === 'ptr' ? p.to : p.of);
        } else {
          base = ev(x.obj, ctx);
        }
        const container = x.arrow ? root! : base.type;
        const m = member(container, x.name, x);
        if (!m) { close(base, ctx); return { type: LONG }; }
        const preserved = ctx.preserve || m.rec!.pai;
        if (x.arrow && !ctx.noEmit && !ctx.unevaluated) {
          // a plain member of what a parameter points to: a constant GEP, and a load or store SROA removes once the
          // caller's alloca is split (a scalar member; an array or record member is an address or a copy, no saving);
          // a relocated member is a GEP by a loaded offset, which defeats SROA (set_flags' tcphdr bitfields)
          const i = sroaParam(x.obj);
          const mk = strip(m.type).k;
          if (i !== undefined && !preserved) { sroaOk[i]!++; if (mk === 'int' || mk === 'ptr' || mk === 'enum' || mk === 'float') sroaSave[i]! += INSTR; }
        }
        if (!preserved && !ctx.noEmit) res.plain.push({ root: unqual(container), access: [0, ...m.path], start: x.nameStart, end: x.nameEnd });
        if (x.arrow) {
          // `&((T)(src))->acc` from a macro body (BPF_CORE_READ): the base is the invocation, the accessor is the
          // user's argument; the site is the accessor as written, where the user looks for it
          const start = (x.obj.exp || x.obj.mac) && !x.exp && x.nameStart >= 0 ? x.nameStart : x.start;
          return preserved ? { type: m.type, chain: { root: bitfieldRoot(root!, m), access: [0, ...m.path], start, end: x.end, bits: m.bits, packed: m.packed, base: x.obj } }
            : { type: m.type, ld: { p: x.obj, start: x.nameStart, end: x.nameEnd, label: `${plainName(root!)}::${x.name}` } };
        }
        if (base.chain && preserved) {
          return { type: m.type, chain: { ...base.chain, access: [...base.chain.access, ...m.path], end: x.end, bits: m.bits, packed: m.packed } };
        }
        // `p->a.b` (a plain record): still a load through p
        const ld = !preserved && !base.chain && base.ld ? { ...base.ld, end: x.nameEnd, label: `${base.ld.label}.${x.name}` } : undefined;
        close(base, ctx);
        if (ld) return { type: m.type, ld };
        // `v.a` on a preserve_access_index record value (a local struct qstr): clang roots a new chain at its type
        if (preserved) return { type: m.type, chain: { root: bitfieldRoot(unqual(base.type), m), access: [0, ...m.path], start: x.start, end: x.end, bits: m.bits, packed: m.packed, of: x.obj } };
        return { type: m.type };
      }
      case 'index': {
        if (!ctx.noEmit && !ctx.unevaluated) {
          const ip = sroaParam(x.arr);
          if (constValue(x.idx, env) === undefined) { const i = ip ?? sroaInside(x.arr); if (i !== undefined) sroaBad[i] = true; }
          else if (ip !== undefined) { sroaOk[ip]!++; sroaSave[ip]! += INSTR; }
        }
        const a = ev(x.arr, ctx);
        const i = use(x.idx, { ...ctx, preserve: false });
        void i;
        const t = strip(a.type);
        const k = constValue(x.idx, env);
        if (t.k === 'array') {
          if (a.chain && k !== undefined) return { type: t.of, chain: { ...a.chain, access: [...a.chain.access, Number(k)], end: x.end } };
          // `p->arr[i]` of a plain record: an element loaded through p
          const ld = !a.chain && a.ld ? { ...a.ld, label: `${a.ld.label}[]` } : undefined;
          const n0 = res.sites.length;
          const cb = a.chain?.base;
          close(a, ctx);
          // unrolled_index: `p->arr[i]`, i a name, one relocation of the array's address (see unrolledIndexSites)
          if (UNROLLED_INDEX && cb?.e === 'id' && x.idx.e === 'id' && res.sites.length === n0 + 1 && !ctx.noEmit && !ctx.unevaluated) {
            varIndexSites.set(res.sites[n0]!, { idx: x.idx.name, base: cb.name, size: sizeOf(t.of) });
          }
          return ld ? { type: t.of, ld } : { type: t.of };
        }
        const before = res.sites.length;
        const base = t.k === 'ptr' && !ctx.unevaluated ? a.chain?.base : undefined;
        // clang's IsPreserveAIArrayBase: outside the builtin, a pointer is indexed as a CO-RE step only when it is a
        // variable or a member of a preserve_access_index record (a chain), never a cast or a call's value
        const paiBase = x.arr.e === 'id' || (x.arr.e === 'member' && !!a.chain);
        close(a, ctx);
        // `q->argv[i]`: the pointer member is loaded before it is indexed, a load through q like any other (bpftime's
        // redis-patch `((client *)base)->argv[idx]`, base a uprobe argument)
        if (base && LOADED_VIA && res.sites.length === before + 1 && res.sites[before]!.kind === ReloKind.FieldByteOffset) {
          const o = originOf(base);
          if (isPlain(o) || o === 'regs' || (o && typeof o === 'object')) res.sites[before]!.viaPointer = o;
        }
        if (t.k === 'ptr') {
          // p[k] on a pointer to a record is relocated like a member step (`&tp[1]`: access "1"). BPFAbstractMemberAccess
          // roots such a chain at the pointee with typedefs and qualifiers stripped (`atomic_t *a; &a[1]` is the
          // anonymous struct's), and drops it when the pointee is no struct or union (`&fd[1]`, fd a `struct file **`)
          const el = strip(t.to);
          const rec = el.k === 'struct' || el.k === 'union';
          if (PTR_INDEX_RULES) {
            if (rec && k !== undefined && (ctx.preserve || (el.pai && paiBase))) return { type: t.to, chain: { root: el, access: [Number(k)], start: x.start, end: x.end, indexed: k !== 0n } };
            return { type: t.to, ld: { p: x.arr, start: x.start, end: x.end, label: `*(${spell(t)})` } };
          }
          const paiEl = rec && el.pai;
          if ((ctx.preserve || paiEl) && k !== undefined) return { type: t.to, chain: { root: unqual(t.to), access: [Number(k)], start: x.start, end: x.end, indexed: k !== 0n } };
          return { type: t.to, ld: { p: x.arr, start: x.start, end: x.end, label: `*(${spell(t)})` } };
        }
        return { type: LONG };
      }
      case 'call': {
        const v = call(x, ctx);
        // implied: a call given `&x` or a pointer parameter may write that memory
        if (IMPLIED && !ctx.noEmit) for (const a of x.args) { const m = memArg(a); if (m) bumpMem(m); }
        return v;
      }
      case 'unary': {
        if (x.op === '&') {
          // an address taken lets anything write the variable: its origin is unknown, unless a probe read fills it
          if (x.x.e === 'id' && !ctx.noEmit) setOrigin(x.x.name, probeDst.has(x) ? NUMBER : undefined);
          const v = ev(x.x, ctx);
          // addr_free: `&p->a.b[2]` of a record no relocation reaches is getelementptrs by constant indices, which the
          // inliner counts as free (CallAnalyzer::isGEPFree: BPF addresses base + immediate), the `&` no instruction
          // either: the '&' and the member/index nodes of its spine cost nothing (caretta's parse_sock_data,
          // `bpf_core_read(&out_tuple->dst_ip, ..)` six times: LLVM 285, ours 343)
          if (ADDR_FREE && !ctx.noEmit && !v.chain) cost -= EXPR_COST.unary! + constSpine(x.x) * EXPR_COST.member!;
          const n1 = res.sites.length;
          close(v, ctx);
          if (CONTAINER_CANCEL && res.sites.length === n1 + 1) addrSite.set(x, res.sites[n1]!);
          return { type: { k: 'ptr', to: v.type } };
        }
        if (x.op === '*') {
          const ip = ctx.noEmit || ctx.unevaluated ? undefined : sroaParam(x.x);
          if (ip !== undefined) { sroaOk[ip]!++; sroaSave[ip]! += INSTR; }
          const v = use(x.x, ctx);
          const t = strip(v.type);
          const to = t.k === 'ptr' ? t.to : t.k === 'array' ? t.of : LONG;
          const r = strip(to);
          if ((r.k === 'struct' || r.k === 'union') && (ctx.preserve || r.pai)) return { type: to, chain: { root: unqual(to), access: [0], start: x.start, end: x.end } };
          return t.k === 'ptr' ? { type: to, ld: { p: x.x, start: x.start, end: x.end, label: `*(${spell(t)})` } } : { type: to };
        }
        if (x.op === '!') {
          use(x.x, ctx);
          return { type: INT };
        }
        if (x.op === '++' || x.op === '--') { const v = ev(x.x, ctx); readModifyWrite(v, ctx, true); storeCut(x.x, '?', undefined, v.type); if (x.x.e === 'id') written(x.x.name, ctx); return { type: v.type }; }
        const v = use(x.x, ctx);
        return { type: v.type };
      }
      case 'postfix': { const v = ev(x.x, ctx); readModifyWrite(v, ctx, true); storeCut(x.x, '?', undefined, v.type); if (x.x.e === 'id') written(x.x.name, ctx); return { type: v.type }; }
      case 'binary': {
        if (x.op === '&&' || x.op === '||') {
          // the short circuit is a conditional branch of its own (set_flags' `th->ack && th->syn`)
          if (!ctx.noEmit) { branchHere(false); xcost += BRANCH_COST; }
          // sc_dead_left: `L && R` with R a test of parameters only and L free of side effects: in a copy where R is
          // false the whole is false whatever L is (InstCombine folds `and i1 %l, false`), and L's loads die with it
          // (`||`: R true); L's sites exist only where R may decide (bpfcontain's `inode_is_sock(inode) && (access &
          // ~(R | W | A)) == 0` with access MAY_DELETE: no i_mode record; measured with clang 14)
          const lconds = SC_DEAD_LEFT && !ctx.noEmit && scPure(x.l) && pure(x.r) ? scParamConds(x.r, x.op === '&&') : [];
          use(x.l, lconds.length ? { ...ctx, pconds: [...(ctx.pconds ?? []), ...lconds] } : ctx);
          const g = condGuards(x.l, x.op === '&&', gctx) ?? [];
          const f0 = freq;
          const pl = branchProb(x.l);
          freq = f0 * (x.op === '&&' ? pl : 1 - pl);
          // the right side runs only where the left is true (`&&`) or false (`||`): a constant parameter folds it in a
          // copy (bcc's biolatency: `if (issue && targ_queued && BPF_CORE_READ(rq, q, elevator))` with issue false)
          const when = x.op === '&&';
          let rctx: Ctx = SC_CONDS ? { ...ctx, guards: [...ctx.guards, ...g], pconds: withP(ctx, x.l, when), nonnull: withNN(ctx, x.l, when), knob: withK(ctx, x.l, when) } : { ...ctx, guards: [...ctx.guards, ...g] };
          if (ORDERS && when) {
            // the left side false under what the path established (ptcpdump's `mac < network && !(.. && network ==
            // mac && BPF_CORE_READ(skb, mac_len) == 0)`): InstCombine folds it, the right side never runs
            const ords = withOrd(ctx.ords, x.l);
            if (ords !== ctx.ords) rctx = { ...rctx, ords };
            if (ctx.ords?.length && decidedFalse(x.l, ctx.ords)) rctx = { ...rctx, noEmit: true };
          }
          // const_short: a constant left side decides the short circuit (`0 && X`, `1 || X`, a macro of constant flags:
          // calico's `CALI_F_FROM_HEP && bpf_core_enum_value_exists(..)`): clang's front end never emits the right side
          // (CodeGenFunction::EmitBranchOnBoolExpr / ScalarExprEmitter::VisitBinLAnd fold it), so no relocation
          const lk = CONST_SHORT ? constValue(x.l, env) : undefined;
          if (lk !== undefined && (lk !== 0n) !== when) rctx = { ...rctx, noEmit: true };
          const scC0 = res.calls.length;
          const scEv: FlowEv = { sub: region(() => use(x.r, rctx))[1], kind: 'if', sc: x.op };
          // a call on the right is a block of its own (a compare alone becomes a select)
          if (res.calls.length > scC0 && !ctx.noEmit) blockAt(freq);
          flow.push(scEv);
          lastSc = { x, ev: scEv };
          freq = f0;
          return { type: INT };
        }
        // `v & 0`, `v * 0`: clang folds the result to 0 and the load of a side-effect-free `v` dies with it
        const zero = (x.op === '&' || x.op === '*') ? (constValue(x.r, env) === 0n ? 'r' : constValue(x.l, env) === 0n ? 'l' : undefined) : undefined;
        const dead = (side: 'l' | 'r') => zero !== undefined && zero !== side && pure(x[side]);
        const l = use(x.l, dead('l') ? { ...ctx, noEmit: true } : ctx);
        const r = use(x.r, dead('r') ? { ...ctx, noEmit: true } : ctx);
        const lt = strip(l.type);
        if (CONTAINER_CANCEL && x.op === '-' && !ctx.noEmit && lt.k === 'ptr' && strip(r.type).k !== 'ptr') containerCancel(x);
        if (lt.k === 'ptr' && (x.op === '+' || x.op === '-') && strip(r.type).k !== 'ptr') return { type: l.type };
        if (['==', '!=', '<', '>', '<=', '>='].includes(x.op)) return { type: INT };
        return { type: lt.k === 'int' && lt.size >= 8 ? l.type : r.type };
      }
      case 'cond': {
        // `__builtin_constant_p(v) ? A : B` (bpf_ntohs, bpf_htonl...): clang folds it to one arm, so only that arm's
        // relocations exist. A constant `v` takes A; a `v` that reads through a relocated offset can never be a
        // constant (the offset is patched at load time) and takes B. Any other `v` may still become a constant after
        // inlining: both arms stay, as before.
        const cp = x.c.e === 'call' && x.c.fn.e === 'id' && x.c.fn.name === '__builtin_constant_p' ? x.c.args[0] : undefined;
        if (cp) {
          let arm: 'a' | 'b' | undefined;
          if (constValue(cp, env) !== undefined) arm = 'a';
          else {
            const seen = { n: 0 };
            const notes = res.notes.length;
            use(cp, { ...ctx, noEmit: true, seen });
            res.notes.length = notes;
            if (seen.n) arm = 'b';
          }
          if (arm) {
            const v = use(x[arm], ctx);
            use(x[arm === 'a' ? 'b' : 'a'], { ...ctx, noEmit: true });
            return { type: v.type };
          }
        }
        // `__builtin_constant_p(v) ? ..` is no branch to the inliner: llvm.is.constant folds (simplifyIntrinsicCallIsConstant)
        const pk = !ctx.noEmit && !cp && !loopEntry.length ? paramTest(x.c) : undefined;
        if (!ctx.noEmit && !cp) branchHere(!!pk);
        const ca = pk ? constArm(pk) : undefined;
        const x0 = cost + xcost;
        const k0 = res.calls.length;
        const f0 = flow.length;
        use(x.c, ctx);
        // (the checks computed in the condition: cse.ts `offset_mov` keeps their MOV from the accesses after the `?:`)
        for (let i = f0; i < flow.length; i++) { const fe = flow[i]!; if ('s' in fe && fe.c === 'v') fe.tc = true; }
        const xc = cost + xcost;
        if (!ctx.noEmit && !cp) condUse(x.c, true);
        twoArms++;
        if (ca) constArmIn.push({ arm: ca, side: 't' });
        const [a, fa] = region(() => use(x.a, { ...ctx, guards: [...ctx.guards, ...(condGuards(x.c, true, gctx) ?? [])], pconds: withP(ctx, x.c, true), knob: withK(ctx, x.c, true) }));
        const xa = cost + xcost;
        const k1 = res.calls.length;
        if (ca) constArmIn[constArmIn.length - 1] = { arm: ca, side: 'f' };
        const [, fb] = region(() => use(x.b, { ...ctx, guards: [...ctx.guards, ...(condGuards(x.c, false, gctx) ?? [])], pconds: withP(ctx, x.c, false), knob: withK(ctx, x.c, false) }));
        if (ca) constArmIn.pop();
        twoArms--;
        // a `?:` is a branch and a phi to the inliner until SimplifyCFG makes a select of it: its test costs the compare
        if (ca) Object.assign(ca, { test: xc - x0, t: { cost: xa - xc, calls: res.calls.slice(k0, k1) }, f: { cost: cost + xcost - xa, calls: res.calls.slice(k1) } });
        if (!ctx.noEmit && !cp) preArms(x, fa, fb);
        flow.push({ sub: fa, alt: fb, kind: 'if' });
        return { type: a.type };
      }
      case 'assign': {
        if (x.l.e === 'id' && !ctx.noEmit) setOrigin(x.l.name, x.op === '=' ? originOf(x.r) : undefined);
        if (x.l.e === 'id' && !ctx.noEmit) { if (x.op === '=' && comparison(x.r)) boolLocals.add(x.l.name); else boolLocals.delete(x.l.name); }
        // `v = ..` writes v without reading it: an earlier unread load into v stays dead
        const unread = x.op === '=' && x.l.e === 'id' ? tentative.get(x.l.name) : undefined;
        const unreadR = x.op === '=' && x.l.e === 'id' ? unreadReads.get(x.l.name) : undefined;
        const l = ev(x.l, ctx);
        if (unread && x.l.e === 'id') tentative.set(x.l.name, unread);
        if (unreadR && x.l.e === 'id') unreadReads.set(x.l.name, unreadR);
        const n0 = res.sites.length;
        // rmw_cost (off unless CORELENS_RMW_COST=1, not proven): `out[k] += v` on memory is a load, the operation and
        // a store to LLVM (15), where the node count prices it as a store (`=`)
        if (RMW_COST && x.op !== '=' && !ctx.noEmit && !ctx.unevaluated && inMemory(x.l)) xcost += 2 * INSTR;
        if (x.op === '=') close(l, ctx); else readModifyWrite(l, ctx, false);
        for (let i = n0; i < res.sites.length; i++) useOf(res.sites[i], 'x');
        const before = res.sites.length;
        const calls0 = res.calls.length;
        const rv = use(x.r, ctx);
        // dead_out: `*p = E` with E free of side effects, p a parameter only ever stored through: in a copy whose
        // caller passes the address of a local it never reads, the store dies (DSE) and E's loads with it (DCE)
        if (DEAD_OUT && x.op === '=' && !ctx.noEmit && x.l.e === 'unary' && x.l.op === '*' && x.l.x.e === 'id') {
          const pi = f.params.findIndex((q) => q.name === (x.l as { x: { name: string } }).x.name);
          if (pi >= 0 && storedOnly(f.params[pi]!.name!) && pureValue(x.r)) {
            const dc: ParamCond = { param: pi, eq: false, v: 0n, dout: true };
            for (let i = before; i < res.sites.length; i++) res.sites[i]!.pconds = [...(res.sites[i]!.pconds ?? []), dc];
            for (let i = calls0; i < res.calls.length; i++) res.calls[i]!.pconds = [...(res.calls[i]!.pconds ?? []), dc];
          }
        }
        if (x.op === '=' && res.sites.length === before + 1) structCopySecondSite(x.l, x.r, l.type);
        if (x.op === '=' && x.l.e === 'id' && x.r.e === 'unary' && x.r.op === '&' && res.sites.length === before + 1 && !ctx.noEmit) addrSets.push({ site: res.sites[before]!, v: x.l.name, end: x.end, depth: loopEntry.length });
        // a direct load is as pure (`t = t->real_parent;` at the end of a walk: the last copy's load is dead too)
        else if (DEAD_LAST_LOAD && x.op === '=' && x.l.e === 'id' && res.sites.length === before + 1 && !ctx.noEmit && isLoadEv(evOf.get(res.sites[before]!))) addrSets.push({ site: res.sites[before]!, v: x.l.name, end: x.end, depth: loopEntry.length });
        if (x.l.e === 'id') written(x.l.name, ctx);
        if (KNOWN_LOCALS && x.op === '=' && x.l.e === 'id' && stmtX === x && !ctx.noEmit) knowLocal(x.l.name, x.r);
        if (x.l.e === 'id' && !ctx.noEmit) liveUse(x.l, true);
        if (IMPLIED && x.l.e === 'unary' && x.l.op === '*' && x.l.x.e === 'id' && !ctx.noEmit) bumpMem(`*${x.l.x.name}`);
        storeCut(x.l, x.op === '=' ? exprKey(x.r) : `${x.op}${exprKey(x.r)}`, x.r, l.type);
        if (x.l.e === 'id' && x.op === '=') {
          checkVars[checkVars.length - 1]!.delete(x.l.name);
          // assigned_checks: `int e; .. e = bpf_core_field_exists(t->thread_pid); if (e) ..` (tetragon's
          // get_task_pid_vnr_by_task) guards as a declaration's initialiser does, in the scope of the assignment
          if (ASSIGNED_CHECKS && !ctx.noEmit && (condGuards(x.r, true, gctx)?.length || rv.check)) checkVars[checkVars.length - 1]!.set(x.l.name, x.r);
        }
        return { type: l.type };
      }
      case 'cast': {
        // a compound literal `(T){ .. }`: built member by member (initPlan)
        const plan = x.x.e === 'init' ? initPlan(x.type, x.x, true, ctx) : undefined;
        if (plan) { initStores(plan, ctx); return { type: x.type }; }
        const v = ev(x.x, ctx);
        close(v, ctx, true);
        return { type: x.type, check: v.check };
      }
      case 'sizeof': {
        if (x.x) ev(x.x, { ...ctx, noEmit: true });
        return { type: ULONG };
      }
      case 'comma': use(x.l, ctx); return { type: use(x.r, ctx).type };
      case 'stmtexpr': {
        scopes.push(new Map());
        checkVars.push(new Map());
        let last: Val = { type: VOID };
        stmtExprDepth++;
        for (const s of x.body) last = stmt(s, ctx) ?? { type: VOID };
        stmtExprDepth--;
        scopes.pop();
        checkVars.pop();
        return last;
      }
      case 'init': for (const i of x.items) use(i, ctx); return { type: VOID };
      case 'type': return { type: x.type };
      case 'bad': return { type: LONG };
    }
  }

  /** Accessor argument of BPF_CORE_READ & co: `a`, `a.b`, `a[2].b` as member/index steps. */
  const accessorSteps = (a: Expr): ({ name: string; at: Expr } | { index: number; at: Expr })[] | undefined => {
    if (a.e === 'id') return [{ name: a.name, at: a }];
    if (a.e === 'member' && !a.arrow) { const s = accessorSteps(a.obj); return s && [...s, { name: a.name, at: a }]; }
    if (a.e === 'index') {
      const s = accessorSteps(a.arr);
      const k = constValue(a.idx, env);
      return s && k !== undefined ? [...s, { index: Number(k), at: a }] : undefined;
    }
    return undefined;
  };

  /**
   * A probe read's source `&p->arr[i]` with i unknown (through casts and __builtin_preserve_access_index): the
   * relocation is the array's offset and the element is found at run time, so the read is one element, not the
   * relocated field, and a length differing between kernels moves no element (the object path warns nothing either).
   */
  const runtimeIndexed = (e: Expr): boolean => {
    let x = e;
    for (;;) {
      if (x.e === 'cast') x = x.x;
      else if (x.e === 'call' && x.fn.e === 'id' && x.fn.name === '__builtin_preserve_access_index' && x.args[0]) x = x.args[0];
      else break;
    }
    if (x.e === 'unary' && x.op === '&') x = x.x;
    return VAR_INDEX_READ && x.e === 'index' && constValue(x.idx, env) === undefined;
  };

  /** One field relocation rooted at `root` through accessor steps; returns the field type. */
  const fieldSite = (kind: ReloKind, root: CType, acc: Expr, ctx: Ctx, exp: Expr): { type: CType; site?: RawSite } | undefined => {
    const steps = accessorSteps(acc);
    if (!steps) { res.notes.push({ start: acc.start, end: acc.end, message: 'unsupported field accessor' }); return undefined; }
    let t = root;
    const access = [0];
    for (const s of steps) {
      if ('name' in s) {
        const m = member(t, s.name, s.at);
        if (!m) return undefined;
        access.push(...m.path);
        t = m.type;
      } else {
        const a = strip(t);
        if (a.k !== 'array') { res.notes.push({ start: s.at.start, end: s.at.end, message: 'index on a non-array member' }); return undefined; }
        access.push(s.index);
        t = a.of;
      }
    }
    const site = emit(kind, unqual(root), access, acc.start, acc.end, ctx, exp.exp ?? exp);
    return { type: t, site };
  };

  const pointee = (t: CType): CType | undefined => {
    const p = strip(t);
    return p.k === 'ptr' ? unqual(p.to) : p.k === 'array' ? unqual(p.of) : undefined;
  };

  /** Type argument of a type-based macro: a type name or (typeof) an expression. */
  const typeArg = (a: Expr | undefined, ctx: Ctx): CType | undefined => {
    if (!a) return undefined;
    if (a.e === 'type') return a.type;
    return ev(a, { ...ctx, noEmit: true }).type;
  };

  function call(x: Expr & { e: 'call' }, ctx: Ctx): Val {
    // `_Generic(ctx, T1: f1, T2: f2)(args)` calls the function the association names
    if (x.fn.e === 'generic') {
      const chosen = generic(x.fn);
      if (chosen) x = { ...x, fn: chosen };
    }
    const name = x.fn.e === 'id' ? x.fn.name : '';
    const args = x.args;
    const rd = READ_MACROS[name];
    if (rd) {
      const [dst, src, ...accs] = rd.into ? args : [undefined, ...args];
      if (dst?.e === 'unary' && dst.op === '&' && dst.x.e === 'id' && !ctx.noEmit) probeDst.add(dst);
      const dstType = dst ? use(dst, ctx).type : undefined;
      if (!src) return { type: LONG };
      let t: CType | undefined = use(src, ctx).type;
      for (let i = 0; i < accs.length; i++) {
        const acc = accs[i];
        if (!acc) continue;
        const root = t && pointee(t);
        if (!root) { res.notes.push({ start: acc.start, end: acc.end, message: 'BPF_CORE_READ hop on a non-pointer' }); return { type: LONG }; }
        const r = fieldSite(ReloKind.FieldByteOffset, root, acc, ctx, x);
        if (!r) return { type: LONG };
        // a hop's address is the pointer it starts from plus the relocated offset: only the first hop's pointer is
        // a value of the body (the others come from a probe read each time)
        const hb = i === 0 ? baseName(src) : undefined;
        useOf(r.site, 'a', hb);
        t = r.type;
        // every hop but the last reads a pointer; the last reads sizeof(field), or sizeof(*dst) for _INTO
        if (r.site) {
          const last = i === accs.length - 1;
          const into = last && dstType ? pointee(dstType) : undefined;
          if (!(last && /STR/.test(name))) r.site.readSize = into ? sizeOf(into) : sizeOf(r.type);
        }
      }
      if (!ctx.noEmit) clob();
      return { type: t ?? LONG };
    }
    // its argument is never evaluated: clang only asks whether it is a constant
    if (name === '__builtin_constant_p') {
      const notes = res.notes.length;
      for (const a of args) use(a, { ...ctx, noEmit: true });
      res.notes.length = notes;
      return { type: INT };
    }
    if (PROBE_MACROS.has(name)) { for (const a of args.slice(0, 2)) use(a, ctx); if (!ctx.noEmit) clob(); return { type: LONG }; }
    if (CORE_READ_FNS.has(name) || name === '__builtin_preserve_access_index') {
      const src = name === '__builtin_preserve_access_index' ? args[0] : args[2];
      if (name !== '__builtin_preserve_access_index') { if (args[0]) use(args[0], ctx); if (args[1]) ev(args[1], { ...ctx, noEmit: true }); }
      if (!src) return { type: LONG };
      const before = res.sites.length;
      const v = withExp(() => use(src, { ...ctx, preserve: true }), x);
      const sz = name === 'bpf_core_read' || name === 'bpf_core_read_user' ? (args[1] && constValue(args[1], env)) : undefined;
      if (sz !== undefined && res.sites.length > before && !runtimeIndexed(src)) res.sites[res.sites.length - 1]!.readSize = Number(sz);
      if (name !== '__builtin_preserve_access_index' && !ctx.noEmit) clob();
      return { type: name === '__builtin_preserve_access_index' ? v.type : LONG };
    }
    const fk = FIELD_MACROS[name];
    if (fk !== undefined || name === '__builtin_preserve_field_info') {
      const kind = fk ?? Number(constValue(args[1] ?? x, env) ?? 0n) as ReloKind;
      if (fk !== undefined && args.length === 2) {
        const t = typeArg(args[0], ctx);
        const r = t && fieldSite(kind, t, args[1]!, ctx, x);
        useOf(r?.site, 'v');
        return { type: INT, check: r?.site };
      }
      const fx = args[0];
      if (!fx) return { type: INT };
      const before = res.sites.length;
      const fl = flow.length;
      const v = ev(fx, { ...ctx, preserve: true, unevaluated: true });
      // the hops that reach the field (`p->a` in bpf_core_field_exists(p->a->b)) are no relocations: the builtin reads
      // nothing, its argument's loads are dead from the start and clang emits a record for the last access only
      // (measured with clang 14 at -O2 and -O0; tetragon's field_exists(nsproxy->uts_ns->ns)); their cost stays
      const hops = new Set(res.sites.splice(before));
      if (hops.size) for (let i = flow.length - 1; i >= fl; i--) { const e = flow[i]!; if ('s' in e && hops.has(e.s)) flow.splice(i, 1); }
      let site: RawSite | undefined;
      if (v.chain && v.chain.access.length >= 1) site = emit(kind, v.chain.root, v.chain.access, v.chain.start, v.chain.end, ctx, x.exp ?? x);
      else res.notes.push({ start: fx.start, end: fx.end, message: `${name} needs a field access` });
      useOf(site, 'v');
      return { type: INT, check: site };
    }
    const tk = TYPE_MACROS[name];
    if (tk !== undefined) {
      const t = typeArg(args[0], ctx);
      if (!t) return { type: INT };
      const site = emit(tk, unqualTop(t), [0], args[0]!.start, args[0]!.end, ctx, x.exp ?? x);
      useOf(site, 'v');
      return { type: name === 'bpf_core_cast' ? { k: 'ptr', to: t } : INT, check: site };
    }
    if (name === '__builtin_preserve_type_info' || name === '__builtin_btf_type_id') {
      const t = typeArg(args[0], ctx);
      const k = Number(constValue(args[1] ?? x, env) ?? 0n);
      const kind = name === '__builtin_btf_type_id' ? (k ? ReloKind.TypeIdTarget : ReloKind.TypeIdLocal)
        : k === 0 ? ReloKind.TypeExists : k === 1 ? ReloKind.TypeSize : ReloKind.TypeMatches;
      const site = t && emit(kind, unqualTop(t), [0], args[0]!.start, args[0]!.end, ctx, x.exp ?? x);
      useOf(site || undefined, 'v');
      return { type: INT, check: site };
    }
    if (name === 'bpf_core_enum_value_exists' || name === 'bpf_core_enum_value' || name === '__builtin_preserve_enum_value') {
      let t: CType | undefined;
      let vname = '';
      let at: Expr | undefined;
      let kind: ReloKind;
      if (name === '__builtin_preserve_enum_value') {
        // *(typeof(E) *)V
        const a = args[0];
        const inner = a?.e === 'unary' && a.op === '*' ? a.x : undefined;
        if (inner?.e === 'cast') { const p = strip(inner.type); t = p.k === 'ptr' ? p.to : undefined; at = inner.x; vname = inner.x.e === 'id' ? inner.x.name : ''; }
        kind = Number(constValue(args[1] ?? x, env) ?? 0n) ? ReloKind.EnumvalValue : ReloKind.EnumvalExists;
      } else {
        t = typeArg(args[0], ctx);
        at = args[1];
        vname = at?.e === 'id' ? at.name : '';
        kind = name === 'bpf_core_enum_value' ? ReloKind.EnumvalValue : ReloKind.EnumvalExists;
      }
      const en = t && strip(t);
      const idx = en?.k === 'enum' ? en.values.findIndex((v) => v.name === vname) : -1;
      if (!t || idx < 0 || !at) {
        res.notes.push({ start: x.start, end: x.end, message: `${name}: '${vname}' is not an enumerator of ${t ? 'that enum' : 'a known enum'}` });
        return { type: INT };
      }
      const site = emit(kind, unqualTop(t), [idx], at.start, at.end, ctx, x.exp ?? x);
      useOf(site, 'v');
      return { type: kind === ReloKind.EnumvalValue ? LONG : INT, check: site };
    }
    if (BITFIELD_MACROS.has(name)) {
      const [s, fld] = args;
      if (!s || !fld) return { type: LONG };
      const root = pointee(use(s, ctx).type);
      if (!root) return { type: LONG };
      const kinds = name === 'BPF_CORE_READ_BITFIELD_PROBED' || name === 'BPF_CORE_READ_BITFIELD'
        ? [ReloKind.FieldByteOffset, ReloKind.FieldByteSize, ReloKind.FieldLshiftU64, ReloKind.FieldSigned, ReloKind.FieldRshiftU64, ReloKind.FieldRshiftU64]
        : [ReloKind.FieldByteOffset, ReloKind.FieldByteSize, ReloKind.FieldLshiftU64, ReloKind.FieldRshiftU64];
      for (const k of kinds) useOf(fieldSite(k, root, fld, ctx, x)?.site, 'x');
      return { type: ULONG };
    }
    // ordinary call: a helper, a function of this program or a header, or a function-pointer variable
    const fv = x.fn.e === 'id' ? undefined : use(x.fn, ctx);
    const def = name ? env.func(name) : undefined;
    const inl = def?.body && inlinable(def) ? def : undefined;
    const sizeArg = PROBE_READ_HELPERS.has(name) ? args[1] : undefined;
    // `bpf_probe_read_kernel(&t, sizeof(t), ...)`: what lands in `t` is a plain number to the verifier
    // (through casts: libbpf's ___read passes `(void *)(dst)`, so BPF_CORE_READ's expansion writes `__r` that way)
    let dst = /^bpf_probe_read/.test(name) ? args[0] : undefined;
    while (STMTEXPR_ORIGIN && dst?.e === 'cast') dst = dst.x;
    if (dst?.e === 'unary' && dst.op === '&' && dst.x.e === 'id' && !ctx.noEmit) probeDst.add(dst);
    args.forEach((a, i) => {
      if (!ctx.noEmit && !ctx.unevaluated) {
        // a parameter a copy builtin takes is an intrinsic's operand SROA still sees through (no saving, no harm); one
        // an inlinable callee takes as is is weighed by contexts.ts per call site; any other call operand, or an
        // address inside what the parameter points to passed on, defeats SROA
        const ip = sroaParam(a);
        if (ip !== undefined && (MEM_BUILTINS[name] || (inl && a.e === 'id'))) sroaOk[ip]!++;
        const ii = ip === undefined && !MEM_BUILTINS[name] ? sroaInside(a) : undefined;
        if (ii !== undefined) sroaBad[ii] = true;
      }
      if (REMAT && rematVars.size && !ctx.noEmit && !ctx.unevaluated) rematArg(a, !def?.body && !/^__(sync|atomic|builtin)_/.test(name) && !MEM_BUILTINS[name], ctx);
      const before = res.sites.length;
      const p = inl?.params[i];
      // an inlined callee that never reads the parameter: a side-effect-free argument is dead code for clang
      if (inl && p && paramDropped(inl, i, env) && pure(a)) { ev(a, { ...ctx, noEmit: true }); return; }
      // varargs_dropped: an argument past the named parameters of an inlined variadic function that never starts its
      // va_list (sched-ext's `___scx_bpf_bstr_format_checker(fmt, ...) {}`, handed scx_bpf_error's arguments again
      // for -Wformat) is read by nothing once inlined: a side-effect-free one is dead code (its loads go)
      if (VARARGS_DROPPED && inl && !p && i >= inl.params.length && !inl.body!.some((t) => t.s === '__builtin_va_start' || t.s === 'va_start') && pure(a)) { ev(a, { ...ctx, noEmit: true }); return; }
      const av = use(a, ctx);
      if (MEM_BUILTINS[name]?.includes(i) && res.sites.length === before + 1) memcpySecondSite(name, args, av, a);
      // an array member passed as is to a call neither inlined nor a copy builtin (ebpf_exporter's
      // `__builtin_memcmp(addr->name[0].sun_path, ..)`, `bpf_probe_read_kernel_str(buf, n, t->comm)`) is its decayed
      // address, computed into the argument register: an address (cse.ts merges it), not a value read
      else if (ARRAY_ARG && !inl && !MEM_BUILTINS[name] && !ctx.noEmit && !ctx.unevaluated && res.sites.length === before + 1 && strip(av.type).k === 'array') {
        const ptr = arrayArgPtr(a);
        if (ptr) useOf(res.sites[before], 'a', baseName(ptr));
      }
      if (p?.tok && p.tok.start >= 0 && !inl!.file) {
        // sites made by a program macro's wrapper (all tokens from the macro body) point at the parameter they feed
        for (let k = before; k < res.sites.length; k++) {
          const st = res.sites[k]!;
          if (st.expStart !== undefined && st.start === st.expStart && st.start <= p.tok.start && p.tok.end <= st.end) { st.start = p.tok.start; st.end = p.tok.end; }
        }
      }
      if (i === 2 && sizeArg && res.sites.length > before && !runtimeIndexed(a)) {
        const sz = sizeValue(sizeArg);
        if (sz !== undefined) res.sites[res.sites.length - 1]!.readSize = sz;
      }
    });
    // a compiler builtin other than a copy (`__sync_fetch_and_add`, `__builtin_bswap32`) is one instruction, no call
    const builtin = /^__(sync|atomic|builtin)_/.test(name) && !MEM_BUILTINS[name];
    const sum = inl && !ctx.noEmit ? opts.summaryOf?.(inl) : undefined;
    // const_switch: the segments of the callee's switches (its always_inline callees' too) the constants this call
    // passes never reach are gone once it is inlined (SCCP, SimplifyCFG): neither the inliner nor the unroller counts them
    const folded = sum && inl?.alwaysInline ? switchSaved(inl, args.map((a) => sizeConst(a)), 0) : { k: 0, x: 0 };
    const added = ctx.noEmit ? 0 : inl ? (sum?.cost ?? 10) - folded.k - folded.x : builtin ? INSTR : MEM_BUILTINS[name] ? memCost(name, args) : callCost(args.length, KFUNC_PENALTY ? !!def : !!def?.body);
    // the loop-size part as it was calibrated (2 + args a call), the rest the inliner's alone
    const sized = ctx.noEmit ? 0 : inl ? (sum?.cost ?? 10) - (sum?.xcost ?? 0) - folded.k : 2 + args.length;
    cost += sized;
    xcost += added - sized;
    if (!ctx.noEmit && !builtin && (inl ? sum?.helper : !def?.body)) helpers++;
    // licm_loads: any call but a pure builtin may write memory, an inlined one through its own stores
    if (!ctx.noEmit && (!builtin || /^__(sync|atomic)_/.test(name))) for (const fr of licmFrames) fr.any = true;
    if (def?.body) {
      res.deps.add(name);
      const ref: CallRef = { name, def, start: x.start, end: x.end, guards: ctx.guards.slice(), cost: added, freq };
      if (ctx.pconds?.length) ref.pconds = ctx.pconds;
      if (ctx.knob) ref.knob = ctx.knob;
      if (ctx.kver) ref.kver = ctx.kver;
      ref.args = args.map((a) => {
        const r = argRef(a);
        if (allocaAddr(a)) r.alloca = true;
        if (DEAD_OUT && a.e === 'unary' && a.op === '&' && a.x.e === 'id' && unreadLocal(a.x.name)) r.deadOut = true;
        // a plain number stays one through an inline helper's parameter (bpftime's `read_argc(c)`, c a uprobe argument)
        if (ARG_ORIGIN && !ctx.noEmit) {
          const o = originOf(a);
          if (isPlain(o) || o === 'regs' || (o && typeof o === 'object')) r.via = o;
        }
        return r;
      });
      function argRef(a: Expr): NonNullable<CallRef['args']>[number] {
        const k = constValue(a, env);
        if (k !== undefined) return { k };
        const kz = CONST_SWITCH && inl ? sizeConst(a) : undefined;
        if (kz !== undefined) return { kz };
        const pi = a.e === 'id' ? f.params.findIndex((p) => p.name === a.name) : -1;
        const fields = inl ? constFieldsAt(a, x.start, x) ?? literalFields(a) : undefined;
        if (fields) return { fields };
        if (pi >= 0) return { param: pi };
        if (a.e === 'unary' && a.op === '!' && a.x.e === 'id') {
          const name = a.x.name;
          const q = f.params.findIndex((p) => p.name === name);
          if (q >= 0 && !assigned.has(name)) return { notParam: q };
        }
        if (a.e === 'id' && lookup(a.name)) return { local: a.name };
        // `i + 1`, `1 + i`, `i - 1` (traceloop's get_arg(args, i + 1)): a local plus a constant, so a full unroll's
        // copy of the call gets the constant the variable has there plus this one
        const off = a.e === 'binary' ? localPlusConst(a) : undefined;
        return off ?? {};
      }
      // a pointer the path tested non-null (`if (lc_oi) update_stats(.., lc_oi)`): the callee's `oi` test folds
      if (NONNULL) args.forEach((a, i) => { if (nonNullArg(a, ctx)) ref.args![i]!.nonnull = true; });
      // an integer known to lie in a range: the callee's switch drops the cases outside it
      if (ARG_RANGE) args.forEach((a, i) => { const r = ref.args![i]!.k === undefined ? argRange(a, def?.params[i]?.type) : undefined; if (r) ref.args![i]!.range = r; });
      // a call in code clang never evaluates (a cast's or sizeof's operand typed apart, `typeof`, a dropped arm,
      // `__builtin_constant_p`'s argument) is no inlined copy: recorded, it doubled the callee's sites (falco's
      // `(unsigned long)extract__syscall_argument(regs, 0)`: 1,770 sites counted twice)
      if (!ctx.noEmit) {
        res.calls.push(ref);
        const bases = args.map((a) => baseName(a));
        const cev: Extract<FlowEv, { call: CallRef }> = bases.some((b) => b !== undefined) ? { call: ref, bases } : { call: ref };
        // far (cse.ts): an argument that is an address inside what a named pointer points at (`&e->hdr`) is that
        // pointer's register, so the parameter and the pointer are one value for the register count
        const roots = args.map((a, i) => (bases[i] === undefined ? addrRoot(a) : undefined));
        if (roots.some((r) => r !== undefined)) cev.roots = roots;
        cev.akey = args.map((a) => exprKey(a)).join(',');
        // hoist_calls (cse.ts): per argument as written, and whether it computes nothing at run time (a constant, the
        // address of a global): two calls differing only there are the same instructions up to the callee's body
        if (HOIST_CALLS) { cev.aks = args.map((a) => exprKey(a)); cev.acst = args.map((a) => noCode(a)); }
        if (IMPLIED) {
          const mem = args.map((a) => memName(a));
          if (mem.some((m) => m !== undefined)) cev.mem = mem;
          const kargs = args.map((a) => constValue(a, env) ?? (a.e === 'id' ? kval.get(a.name) : undefined));
          if (kargs.some((k) => k !== undefined)) cev.kargs = kargs;
        }
        const live = args.map((a) => liveAddr(a, loopEntry.length ? -1 : x.end));
        if (live.some((l) => l !== undefined)) cev.live = live;
        callEv.set(ref, cev);
        flow.push(cev);
      }
      // What the result implies: an inlined callee's checks, and a static __noinline subprogram's too (the verifier
      // walks a static subprogram with its caller's state and knows the constant it returns; a global function is
      // verified apart and returns an unknown scalar to its caller, so nothing is implied there)
      const summarised = inl ?? (def.static ? def : undefined);
      callOf.set(x, { ref, sum: summarised ? opts.summaryOf?.(summarised) : undefined });
    }
    if (!def?.body) {
      cut();
      const last = flow[flow.length - 1];
      if (last && 'cut' in last && name) last.sig = `${name}(${args.map((a) => (res.sites.some((r) => r.start >= a.start && r.end <= a.end) ? '#' : exprKey(a))).join(',')})`;
      // the named pointers the helper is given are values in registers until it (cse.ts `far` counts them)
      const uses = args.map((a) => baseName(a)).filter((b): b is string => b !== undefined);
      if (last && 'cut' in last && uses.length) (last.uses ??= []).push(...uses);
    }
    if (name && !def && !lookup(name) && !env.global(name) && /^[A-Z_][A-Z0-9_]*$/.test(name)) {
      res.notes.push({ start: x.fn.start, end: x.fn.end, message: `unknown macro '${name}': not defined in this file or its headers; read as a function call, so CO-RE accesses inside it may be missed` });
    }
    const ft = def?.type ?? fv?.type ?? (name ? lookup(name) ?? env.global(name) : undefined);
    const fs = ft && strip(ft);
    if (fs?.k === 'func') return { type: fs.ret };
    if (fs?.k === 'ptr') { const q = strip(fs.to); if (q.k === 'func') return { type: q.ret }; }
    return { type: LONG };
  }

  /**
   * `__builtin_memcpy(dst, p->arr, n)` with a relocated array member (or a struct/union member's address, `&p->addr`)
   * as source or destination: clang expands the copy
   * into loads/stores off the member's relocated address, and the BPF backend (BPFMISimplifyPatchable) folds that
   * relocation into the access at offset 0 while the other accesses keep the relocated address: two relocations of
   * the same field, whenever the copy takes more than one access. One access is min(8, alignment of both sides)
   * bytes (addressAlign: what clang derives from the types and member offsets).
   */
  function memcpySecondSite(name: string, args: readonly Expr[], v: Val, a?: Expr): void {
    // an array member, or the address of a struct/union member (`&iph->saddr`, an in6_addr: ecapture's and
    // netobserv's copies of IPv6 addresses into a map key, two relocations each as for an array)
    const vt = strip(v.type);
    // `&t->comm`, an array member's address, is the array's own (scxtop's record_real_comm: COPY_ARRAY_ADDR)
    const memberAddr = a?.e === 'unary' && a.op === '&' && a.x.e === 'member' && vt.k === 'ptr' && (COPY_ARRAY_ADDR ? ['struct', 'union', 'array'] : ['struct', 'union']).includes(strip((vt as { to: CType }).to).k);
    if (vt.k !== 'array' && !memberAddr) return;
    const n = args[2] ? sizeValue(args[2]) : undefined;
    if (n === undefined || n <= 0) return;
    let width = 8;
    for (const i of MEM_BUILTINS[name]!) {
      const a = args[i];
      if (a) width = Math.min(width, addressAlign(a, 0));
    }
    if (n <= width) return;
    const s = res.sites[res.sites.length - 1]!;
    const second: RawSite = { ...s, guards: s.guards.slice() };
    res.sites.push(second);
    useOf(s, 'x');
    // frame: a copy into a local's member (`&v.a.b`, the destination) addresses it as `slot + relocation`, each
    // access's offset folded into its displacement (measured: two 16-byte copies into `&indexer.src.in6_u`,
    // `&indexer.dst.in6_u`, one record); not a copy out of a local (`&ip.daddr`, ip a local ipv6hdr, keeps the
    // memcpy's two records: held-out-shapes memcpy_member), nor stores into a local's members (cse.ts `frame`)
    const fe = evOf.get(s);
    const fr = FRAME && a !== undefined && a === args[0] && a.e === 'unary' && a.op === '&' ? frameOf(a.x) : undefined;
    if (fr !== undefined && fe && 's' in fe) fe.fr = fr;
    flow.push(fr !== undefined ? { s: second, c: 'x', fr } : { s: second, c: 'x' });
  }

  /**
   * `*dst = p->m` with m a struct or union member (OBI's `id->src_ip = ip->saddr`, an in6_addr): clang copies it with
   * llvm.memcpy, expanded as __builtin_memcpy's is (memcpySecondSite): the relocated address feeds the copy's first
   * access directly and the others through a register, two relocations when the copy takes more than one access.
   * Only where `p` is a parameter of the function: a pointer the body derived with a constant offset (`data + 14`)
   * folds every access's offset, one relocation then (measured with clang 14).
   */
  function structCopySecondSite(dst: Expr, src: Expr, t: CType): void {
    const k = strip(t).k;
    if ((k !== 'struct' && k !== 'union') || src.e !== 'member') return;
    // `p->a.in6.m` (m the relocated step, a, in6 plain members): the relocation's base is p plus a constant
    const pk = !src.arrow && src.obj.e === 'member' ? prefixKey(src.obj) : undefined;
    if (!pk && (!src.arrow || src.obj.e !== 'id')) return;
    let top: Expr = src;
    while (top.e === 'member' && !top.arrow) top = top.obj;
    if (top.e !== 'member' || top.obj.e !== 'id') return;
    const base = top.obj.name;
    if (lookupParam(base) ? assigned.has(base) : !(COPY_LOCAL_BASE && !pk && localBaseInRegister(base))) return;
    const n = sizeOf(t);
    const width = Math.min(8, addressAlign({ ...src, e: 'unary', op: '&', x: src } as Expr, 0), addressAlign({ ...dst, e: 'unary', op: '&', x: dst } as Expr, 0));
    if (!(n > width)) return;
    const st = res.sites[res.sites.length - 1]!;
    const second: RawSite = { ...st, guards: st.guards.slice() };
    res.sites.push(second);
    // as memcpySecondSite: both are accesses of the copy, never merged with a value read
    useOf(st, 'x');
    // p plus a constant: the copy's accesses fold p + R + k (one record) unless p + a is a value already, computed
    // before the copy's block where it dominates (GVN reuses that GEP): then the first access folds R into its load
    // from that register and the others go through p + a + R, two records (kyanos's filter_conn_info `test =
    // conn_info->raddr.in6.sin6_addr`, its caller having stored new_conn_info->raddr.in6.sin6_port; cse.ts `need`)
    // (the first record's own event is no earlier use of p + a: the second one stands for the copy)
    const fe = evOf.get(st);
    if (fe && 's' in fe) delete fe.pk;
    // copy_local_base: the second record is the address `p + R` in a register, an address through the local p (cse.ts
    // merges it as any: copies of one member through p share it where it dominates, measured: three `k.x = ip->saddr`
    // in a row are one MOV and three folded loads, and the copies after a call reuse it while registers allow)
    const lb = !pk && !lookupParam(base);
    flow.push(pk && pk.off !== 0 ? { s: second, c: 'x', pk, need: true } : lb ? { s: second, c: 'a', b: base } : { s: second, c: 'x' });
  }
  /**
   * copy_local_base: a local pointer `p` (not a parameter) a struct copy `dst = p->m` reads through is a register of
   * the copy's block, so that the BPF backend folds the relocation into the copy's offset-0 access and the others go
   * through `p + R` (two records, as for a parameter), unless `p` is another pointer plus a constant used by this copy
   * alone: InstCombine then sinks that GEP into the copy's block and the DAG reassociates `(q + C) + R` into
   * `(q + R) + C`, every access's offset nonzero (one record). Measured with clang 14: `ip = data + 14` read by the
   * copy only: one; the same `ip` also read by `ip->nexthdr` (before or after, any block), by a second copy, or `ip`
   * loaded from memory (`(void *)(long)skb->data`) or returned by a call: two each. Token-level: `p` assigned once
   * (its declaration or one `p = E;`); a deref (`p->`, `p[`, `*p`) or a call argument is a use, `sizeof` and
   * constant arithmetic (`(void *)(p + 1) > end`, which InstCombine folds into `q + C'`) are not.
   */
  function localBaseInRegister(name: string): boolean {
    let r = baseInReg.get(name);
    if (r === undefined) baseInReg.set(name, (r = baseInRegisterOf(name)));
    return r;
  }
  /** localBaseInRegister, computed (a scan of the body's tokens). */
  function baseInRegisterOf(name: string): boolean {
    const b = f.body ?? [];
    if (!lookup(name)) return false;
    const skip = unevaluatedOf(b);
    let inits = 0;
    let opaque = false;
    let uses = 0;
    const ident = (t: string | undefined) => t !== undefined && /^[A-Za-z_]\w*$/.test(t);
    for (const k of usesOf(name)) {
      if (skip[k]) continue;
      const nx = b[k + 1]?.s;
      const pv = b[k - 1]?.s;
      if (nx === '=') { inits++; opaque = initOpaque(b, k + 2, (n) => !!lookup(n) || lookupParam(n), skip); continue; }
      if (nx === '++' || nx === '--' || pv === '++' || pv === '--' || (nx !== undefined && /^(?:[-+*/%&|^]|<<|>>)=$/.test(nx))) return false;
      if (pv === '&') return false;
      const unaryStar = pv === '*' && !ident(b[k - 2]?.s) && ![')', ']'].includes(b[k - 2]?.s ?? '') && !/^\d/.test(b[k - 2]?.s ?? '');
      const callArg = (pv === ',' || (pv === '(' && ident(b[k - 2]?.s) && !['if', 'while', 'return', 'sizeof', 'switch'].includes(b[k - 2]!.s))) && (nx === ')' || nx === ',');
      if (nx === '->' || nx === '[' || unaryStar || callArg) uses++;
    }
    if (inits !== 1) return false;
    return opaque || uses >= 2;
  }
  /**
   * unrolled_index: `v = p->arr[i]` in a loop LLVM unrolls fully, i the induction variable from 0 by 1: clang relocates
   * the array's address once (`p + R`, loop invariant: LICM hoists it) and each copy loads `p + R + i * size`; the BPF
   * backend (BPFMISimplifyPatchable) folds R into copy 0's load, at offset 0, and keeps `p + R` for the others: two
   * records, as for a copy's memcpy expansion, when p is a register there (a parameter, or localBaseInRegister);
   * `p = q + C` read by the loop alone has every offset nonzero after the DAG reassociates C (one). Measured with clang
   * 14: aws-network-policy-agent's `trie_key.ip[i] = ip->daddr.in6_u.u6_addr8[i]` over 16 bytes, `k[i] = t->comm[i]`.
   */
  function unrolledIndexSites(s: Extract<Stmt, { s: 'loop' }>, hoisted: Set<RawSite>): void {
    const iv = zeroStepOne(s);
    if (iv === undefined) return;
    for (const [site, v] of varIndexSites) {
      if (v.idx !== iv || !hoisted.has(site) || site.times !== undefined && site.times !== 1) continue;
      if (!(lookupParam(v.base) ? !assigned.has(v.base) : localBaseInRegister(v.base))) continue;
      varIndexSites.delete(site);
      const second: RawSite = { ...site, guards: site.guards.slice() };
      res.sites.push(second);
      flow.push({ s: second, c: 'x' });
    }
  }
  /** The induction variable of `for (i = 0; ..; i++)` (or `i += 1`), or undefined. */
  function zeroStepOne(s: Extract<Stmt, { s: 'loop' }>): string | undefined {
    let v: string | undefined;
    let a: bigint | undefined;
    if (s.init?.s === 'decl' && s.init.vars.length === 1 && s.init.vars[0]!.init) { v = s.init.vars[0]!.name; a = constValue(s.init.vars[0]!.init!, env); }
    else if (s.init?.s === 'expr' && s.init.x.e === 'assign' && s.init.x.op === '=' && s.init.x.l.e === 'id') { v = s.init.x.l.name; a = constValue(s.init.x.r, env); }
    const st = s.step;
    if (v === undefined || a !== 0n || !st) return undefined;
    if ((st.e === 'unary' || st.e === 'postfix') && st.op === '++' && st.x.e === 'id' && st.x.name === v) return v;
    if (st.e === 'assign' && st.op === '+=' && st.l.e === 'id' && st.l.name === v && constValue(st.r, env) === 1n) return v;
    return undefined;
  }
  /** `p->a.b..` through plain members: pointer p (a name) and the constant byte offset of the member reached. */
  function prefixKey(x: Expr): { b: string; off: number } | undefined {
    let off = 0;
    for (let d = 0; d < 12; d++) {
      if (x.e !== 'member') return undefined;
      const t = strip(ev(x.obj, { preserve: false, noEmit: true, guards: [] }).type);
      const rec = strip(x.arrow ? (t.k === 'ptr' ? t.to : VOID) : t);
      if ((rec.k !== 'struct' && rec.k !== 'union') || rec.pai) return undefined;
      const o = memberOffset(rec, x.name);
      if (o === undefined) return undefined;
      off += o;
      if (x.arrow) { const b = baseName(x.obj); return b !== undefined ? { b, off } : undefined; }
      x = x.obj;
    }
    return undefined;
  }
  /**
   * The alignment clang knows for the address an expression gives (a decayed array, `&x`, a pointer): a member's is
   * its container's alignment cut down by the member's offset (gcd), as clang derives it for the copy's accesses.
   */
  function addressAlign(a: Expr, d: number): number {
    if (d > 16) return 1;
    const tyOf = (e: Expr) => ev(e, { preserve: false, noEmit: true, guards: [] }).type;
    const gcd = (x: number, y: number): number => (y ? gcd(y, x % y) : x);
    const valueAlign = (e: Expr): number => {
      if (e.e === 'member') {
        const base = e.arrow ? strip(tyOf(e.obj)) : undefined;
        const container = strip(e.arrow ? (base?.k === 'ptr' ? base.to : base?.k === 'array' ? base.of : VOID) : tyOf(e.obj));
        if (container.k !== 'struct' && container.k !== 'union') return 1;
        const off = memberOffset(container, e.name);
        if (off === undefined) return 1;
        const outer = e.arrow ? alignOf(container) : valueAlign(e.obj);
        return Math.min(gcd(outer, off) || outer, 8);
      }
      return Math.min(Math.max(1, alignOf(tyOf(e))), 8);
    };
    if (a.e === 'cast') return addressAlign(a.x, d + 1);
    if (a.e === 'unary' && a.op === '&') return valueAlign(a.x);
    const t = strip(tyOf(a));
    if (t.k === 'array') return valueAlign(a);
    if (t.k === 'ptr') { const k = strip(t.to).k; return k === 'void' || k === 'func' ? 1 : Math.min(Math.max(1, alignOf(t.to)), 8); }
    return 1;
  }
  /** Byte offset of member `name` in record `r`, through anonymous members as findMember descends. */
  function memberOffset(r: Record, name: string): number | undefined {
    alignOf(r);
    for (const f of r.fields) {
      if (f.name === '' && f.bits !== undefined) continue;
      if (f.name === name) return f.bits !== undefined ? undefined : f.bitOffset / 8;
      if (f.name === '') {
        const sub = strip(f.type);
        if (sub.k === 'struct' || sub.k === 'union') {
          const o = memberOffset(sub, name);
          if (o !== undefined) return f.bitOffset / 8 + o;
        }
      }
    }
    return undefined;
  }

  /** A size argument's value: a constant, or sizeof of a typed expression (`sizeof(*(&__t))` in BPF_CORE_READ). */
  /** A statement expression whose value is a scalar temporary of its own whose address it takes (BPF_CORE_READ's
   * `({ typeof(..) __r; bpf_core_read(&__r, ..); __r; })`). */
  function callSlot(x: Expr): boolean {
    while (x.e === 'cast') x = x.x;
    if (x.e !== 'stmtexpr') return false;
    const last = x.body[x.body.length - 1];
    if (last?.s !== 'expr' || last.x.e !== 'id' || !addrTaken.has(last.x.name)) return false;
    const name = last.x.name;
    const d = x.body.find((st) => st.s === 'decl' && st.vars.some((v) => v.name === name));
    const t = d?.s === 'decl' ? d.vars.find((v) => v.name === name)?.type : undefined;
    const k = t ? strip(t).k : undefined;
    return k === 'int' || k === 'ptr' || k === 'enum';
  }
  /** `&v`, `&v.a.b`, `&v.arr[2]` or a local array `v`, `v` a local (or a parameter kept in memory) of this body:
   * an alloca of the caller plus a constant offset (stripAndComputeInBoundsConstantOffsets). A member of a
   * preserve_access_index record is a relocated offset, no constant one. */
  function allocaAddr(a: Expr): boolean {
    while (a.e === 'cast') a = a.x;
    let x: Expr;
    if (a.e === 'unary' && a.op === '&') x = a.x;
    else if (a.e === 'id') { const t = lookup(a.name); return !!t && strip(t).k === 'array'; }
    else return false;
    for (let d = 0; d < 16; d++) {
      if (x.e === 'member' && !x.arrow) {
        const r = strip(ev(x.obj, { preserve: false, noEmit: true, guards: [] }).type);
        if ((r.k === 'struct' || r.k === 'union') && r.pai) return false;
        x = x.obj;
      } else if (x.e === 'index' && constValue(x.idx, env) !== undefined) {
        const t = strip(ev(x.arr, { preserve: false, noEmit: true, guards: [] }).type);
        if (t.k !== 'array') return false;
        x = x.arr;
      } else break;
    }
    return x.e === 'id' && !!lookup(x.name);
  }
  /** What a copy builtin costs the inliner (CallAnalyzer::visitCallBase): the llvm.memcpy/memmove/memset intrinsic
   * is one instruction, no argument setup and no CallPenalty; one of 1, 2, 4 or 8 bytes InstCombine already made a
   * load and a store (a store for memset) before the callee is weighed. */
  function memCost(name: string, args: readonly Expr[]): number {
    const n = args[2] ? sizeValue(args[2]) : undefined;
    return n !== undefined && [1, 2, 4, 8].includes(n) && name !== '__builtin_memset' ? 2 * INSTR : INSTR;
  }
  /** const_switch: an argument's constant value, a `sizeof` of a typed expression (a local array, a member) and
   * arithmetic on such sizes included. */
  function sizeConst(a: Expr, d = 0): bigint | undefined {
    const k = constValue(a, env);
    if (k !== undefined || d > 8) return k;
    const u = uncast(a);
    if (u.e === 'sizeof' && u.x) {
      const n = sizeOf(ev(u.x, { preserve: false, noEmit: true, guards: [] }).type);
      return n !== undefined && n > 0 ? BigInt(n) : undefined;
    }
    if (u.e === 'binary') {
      const l = sizeConst(u.l, d + 1);
      const r = l === undefined ? undefined : sizeConst(u.r, d + 1);
      return l === undefined || r === undefined ? undefined : arith(u.op, l, r);
    }
    return undefined;
  }
  function sizeValue(a: Expr): number | undefined {
    const k = constValue(a, env);
    if (k !== undefined) return Number(k);
    if (a.e === 'sizeof' && a.x) return sizeOf(ev(a.x, { preserve: false, noEmit: true, guards: [] }).type);
    if (a.e === 'cast') return sizeValue(a.x);
    return undefined;
  }

  /** Per `param->member`: the body never writes it (paramField's token scan, made once). */
  const fieldUnwritten = new Map<string, boolean>();
  /** The name is one of this function's parameters. */
  function lookupParam(n: string): boolean { return f.params.some((q) => q.name === n); }

  /** frame: the local aggregate variable an object expression is a part of (`v`, `v.a`, `v.a[2]`), if any. */
  function frameOf(x: Expr | undefined): string | undefined {
    for (let d = 0; x && d < 16; d++) {
      if (x.e === 'member' && !x.arrow) { x = x.obj; continue; }
      if (x.e === 'index' && constValue(x.idx, env) !== undefined) { x = x.arr; continue; }
      break;
    }
    if (x?.e !== 'id' || lookupParam(x.name) || !lookup(x.name)) return undefined;
    const k = strip(lookup(x.name)!).k;
    return k === 'struct' || k === 'union' || k === 'array' ? x.name : undefined;
  }

  /** tails: an argument `&x` of a local this function reads by value after the call (true; `after` -1 in a loop:
   * anywhere), or a pointer parameter passed on (its name): FlowEv `live`. */
  function liveAddr(a: Expr, after: number): true | string | undefined {
    while (a.e === 'cast') a = a.x;
    if (a.e === 'id' && lookupParam(a.name)) return a.name;
    if (a.e !== 'unary' || a.op !== '&' || a.x.e !== 'id' || !lookup(a.x.name) || lookupParam(a.x.name)) return undefined;
    if (!valueReads) {
      const reads = new Map<string, number>();
      // a local whose address goes anywhere but an argument of a function with a body (a helper, a store, a
      // pointer kept) stays in memory: no SROA, no phi (measured: `bpf_map_update_elem(&m, &k, &tgid, 0)` after it)
      const escapes = new Set<string>();
      for (const st of topBody) eachExpr(st, (e) => walkExpr(e, (x, parent) => {
        if (x.e === 'unary' && x.op === '&' && x.x.e === 'id') {
          const inlinable = parent?.e === 'call' && parent.fn.e === 'id' && !!env.func(parent.fn.name)?.body;
          if (!inlinable) escapes.add(x.x.name);
          return;
        }
        if (x.e !== 'id') return;
        if (parent?.e === 'unary' && parent.op === '&') return;
        if (parent?.e === 'assign' && parent.op === '=' && parent.l === x) return;
        reads.set(x.name, Math.max(reads.get(x.name) ?? -1, x.start));
      }));
      for (const n of escapes) reads.delete(n);
      valueReads = reads;
    }
    return (valueReads.get(a.x.name) ?? -2) > after ? true : undefined;
  }
  /** implied: the memory an argument passes the address of, as `bumpMem` names it (`&x` -> x, `p` -> *p). */
  function memArg(a: Expr): string | undefined {
    while (a.e === 'cast') a = a.x;
    if (a.e === 'unary' && a.op === '&' && a.x.e === 'id' && addrTaken.has(a.x.name) && lookup(a.x.name)) return a.x.name;
    if (a.e === 'id' && lookupParam(a.name)) return `*${a.name}`;
    return undefined;
  }
  /** implied: the value of the memory an argument passes the address of (FlowEv `mem`), when one is named. */
  function memName(a: Expr): string | undefined {
    const m = memArg(a);
    if (!m || memBad.has(m)) return undefined;
    // `*p = v` is no write of p (rebound): p stays the caller's pointer
    if (m[0] === '*') return rebound.has(m.slice(1)) ? undefined : mver.has(m) ? `${m}@${mver.get(m)}` : m;
    return `*&${m}@${mver.get(m) ?? 0}`;
  }
  /** implied: a pointer value a condition reads, named as FlowCopy resolves it, with its type. */
  function condLeaf(x: Expr): { v: string; t: CType } | undefined {
    if (x.e === 'id') {
      const name = x.name;
      const t = lookup(name) ?? f.params.find((q) => q.name === name)?.type;
      if (!t) return undefined;
      if (lookupParam(name)) return (writes.get(name) ?? 0) || assigned.has(name) ? undefined : { v: name, t };
      if (addrTaken.has(name)) return memBad.has(name) ? undefined : { v: `*&${name}@${mver.get(name) ?? 0}`, t };
      return { v: `${name}#${version.get(name) ?? 0}`, t };
    }
    if (x.e === 'unary' && x.op === '*' && x.x.e === 'id' && lookupParam(x.x.name)) {
      const p = x.x.name;
      const pt = f.params.find((q) => q.name === p)!.type;
      const s = strip(pt);
      if (s.k !== 'ptr' || memBad.has(`*${p}`) || rebound.has(p)) return undefined;
      const m = `*${p}`;
      return { v: mver.has(m) ? `${m}@${mver.get(m)}` : m, t: s.to };
    }
    return undefined;
  }
  /** implied: `ptr + consts <op> ptr + consts` over byte pointers (char, u8, void), `!` and __builtin_expect around. */
  function condKey(c: Expr): CondKey | undefined {
    let neg = false;
    for (let d = 0; d < 8; d++) {
      if (c.e === 'unary' && c.op === '!') { neg = !neg; c = c.x; continue; }
      if (c.e === 'call' && c.fn.e === 'id' && c.fn.name === '__builtin_expect' && c.args.length === 2) { c = c.args[0]!; continue; }
      break;
    }
    if (c.e !== 'binary' || !['<', '>', '<=', '>=', '==', '!='].includes(c.op)) return undefined;
    const side = (e: Expr): CondSide | undefined => {
      const terms: Expr[] = [];
      while (e.e === 'binary' && e.op === '+' && terms.length < 8) { terms.push(e.r); e = e.l; }
      const leaf = condLeaf(e);
      const lt = leaf && strip(leaf.t);
      if (!leaf || lt?.k !== 'ptr') return undefined;
      const el = strip(lt.to);
      if (terms.length && !(el.k === 'void' || (el.k === 'int' && el.size === 1))) return undefined;
      let k = 0n;
      const p: string[] = [];
      for (const t of terms) {
        const v = constValue(t, env);
        if (v !== undefined) k += v;
        else if (t.e === 'id' && lookupParam(t.name) && !(writes.get(t.name) ?? 0) && !assigned.has(t.name)) p.push(t.name);
        else return undefined;
      }
      return { v: leaf.v, k, p };
    };
    const l = side(c.l);
    const r = l && side(c.r);
    return l && r ? { op: c.op, neg, l, r } : undefined;
  }

  /** literal_args: the members of a compound literal of a record passed by value (`(const kuid_t){ 0 }`, Hades'
   * ROOT_UID) that fits a register: each is the value the literal stores, which GVN forwards to a read in the inlined
   * copy, a constant (the ones not named are 0) or FORWARDED when computed at run time; undefined otherwise. */
  function literalFields(a: Expr): MemberConsts | undefined {
    if (!LITERAL_ARGS || a.e !== 'cast' || a.x.e !== 'init' || a.x.complex?.some((c) => c)) return undefined;
    const r = strip(a.type);
    // a record of at most 8 bytes, passed in one register (measured: a 24-byte one passed by value keeps a member's
    // read in the inlined copy while another folds)
    if (r.k !== 'struct' || !r.complete || sizeOf(r) > 8 || r.fields.some((fd) => !fd.name || fd.bits !== undefined)) return undefined;
    const out: MemberConsts = {};
    for (const fd of r.fields) { const k = strip(fd.type).k; if (k === 'int' || k === 'enum' || k === 'ptr') out[fd.name] = 0n; }
    let cur = 0;
    for (let j = 0; j < a.x.items.length; j++) {
      const n = a.x.names?.[j];
      if (n !== undefined) cur = r.fields.findIndex((fd) => fd.name === n);
      const fd = r.fields[cur++];
      if (!fd || !(fd.name in out) || a.x.items[j]!.e === 'init') return undefined;
      out[fd.name] = constValue(a.x.items[j]!, env) ?? FORWARDED;
    }
    return out;
  }
  /** Constant members of `&v` (a local struct whose address only reaches inlined calls) at a call starting at `at`. */
  function constFieldsAt(a: Expr, at: number, call?: Expr): MemberConsts | undefined {
    while (a.e === 'cast') a = a.x;
    // byval_fields: a record passed by value is a copy of the local (or of what the call returns) that SROA splits
    // into scalars once both functions are inlined, so its constant members are the callee's constants too
    if (BYVAL_FIELDS && a.e === 'call') {
      const d = a.fn.e === 'id' ? env.func(a.fn.name) : undefined;
      const m = d?.body && inlinable(d) ? returnedConsts(d, env) : undefined;
      return m && Object.keys(m).length ? m : undefined;
    }
    const byValue = BYVAL_FIELDS && a.e === 'id';
    if (!byValue && (a.e !== 'unary' || a.op !== '&' || a.x.e !== 'id')) return undefined;
    const name = a.e === 'id' ? a.name : (a as { x: { name: string } }).x.name;
    if (lookupParam(name)) return undefined;
    const t = lookup(name);
    if (!t || strip(t).k !== 'struct') return undefined;
    const d = declAt(localStructs.get(name), at);
    if (!d || d.escaped) return undefined;
    let out: MemberConsts | undefined;
    if (d.hist) {
      // setter_consts: the last straight-line store before the call decides each member
      const seq = call && callSeq.get(call);
      if (seq === undefined) return undefined;
      at = seq;
      for (const [m, h] of d.hist) {
        let last: { v?: bigint; at: number } | undefined;
        for (const w of h ?? []) if (w.at < at) last = w;
        if (last?.v !== undefined) (out ??= {})[m] = last.v;
      }
      return out;
    }
    for (const [m, w] of d.fields) if (w && w.at < at) (out ??= {})[m] = w.v;
    return out;
  }
  /** `p->m` on a pointer parameter never assigned, whose member `m` this body never writes (nor takes the address
   * of): a condition on it can be decided by the constant members an inlined call passes (constFieldsAt). */
  function paramField(x: Expr): { param: number; field: string } | undefined {
    if (x.e !== 'member' || x.obj.e !== 'id') return undefined;
    const pn = x.obj.name;
    const param = f.params.findIndex((p) => p.name === pn);
    if (param < 0 || assigned.has(pn) || addrTaken.has(pn)) return undefined;
    // byval_fields: `v.m` of a record parameter passed by value, its argument's members known (constFieldsAt)
    if (!x.arrow && !(BYVAL_FIELDS && strip(f.params[param]!.type).k === 'struct')) return undefined;
    // the body's tokens are scanned once per (parameter, member): conditions ask again for each if, ?: and arm
    const op = x.arrow ? '->' : '.';
    const key = `${pn}${op}${x.name}`;
    let unwritten = fieldUnwritten.get(key);
    if (unwritten === undefined) fieldUnwritten.set(key, (unwritten = memberUnwritten(pn, x.name, op)));
    return unwritten ? { param, field: x.name } : undefined;
  }
  /** setter_consts: `p->m & K` (either order, through casts), p->m a paramField: the member and the mask. */
  function maskedField(x: Expr): { param: number; field: string; mask: bigint } | undefined {
    while (x.e === 'cast') x = x.x;
    if (!SETTER_CONSTS || x.e !== 'binary' || x.op !== '&') return undefined;
    const strip1 = (e: Expr): Expr => { while (e.e === 'cast') e = e.x; return e; };
    const l = strip1(x.l);
    const r = strip1(x.r);
    const [pf, k] = paramField(l) ? [paramField(l)!, constValue(r, env)] : [paramField(r), constValue(l, env)];
    return pf && k !== undefined && k >= 0n ? { ...pf, mask: k } : undefined;
  }
  /** Whether the body never writes `pn->m` (nor takes its address, nor indexes into it). */
  function memberUnwritten(pn: string, m: string, op = '->'): boolean {
    const b = f.body ?? [];
    for (let i = 1; i + 1 < b.length; i++) {
      if (b[i]!.s !== m || b[i - 1]!.s !== op || b[i - 2]?.s !== pn) continue;
      const nx = b[i + 1]!.s;
      if (/^([-+*/%&|^]|<<|>>)?=$/.test(nx) || nx === '++' || nx === '--' || nx === '.' || nx === '[') return false;
      const pv = b[i - 3]?.s;
      if (pv === '&' || pv === '++' || pv === '--') return false;
    }
    return true;
  }

  /**
   * Walks an if's arm; inside a loop, an arm that leaves the loop (sinkArm) records its sites, calls and cost on the
   * loop's frame, so that unrolling counts them once (the outermost such arm only: an inner one is part of it).
   */
  function sinkExitArm(arm: Stmt, ctx: Ctx, walk: () => void): void {
    const fr = sinkFrames[sinkFrames.length - 1];
    const tail = SINK_EXIT_ARMS && fr && !fr.inArm && !ctx.noEmit ? sinkTail(arm, fr) : undefined;
    if (!tail || !fr) { walk(); return; }
    fr.inArm++;
    const s0 = fr.sites.size;
    const c0 = fr.calls.size;
    if (arm.s === 'block' && tail !== arm) {
      // only the arm's last straight-line statements: block() records them when it reaches the first one
      tailStart.set(arm.body, { first: tail, fr });
      walk();
      tailStart.delete(arm.body);
    } else {
      const m = mark();
      walk();
      sinkSince(m, fr);
    }
    fr.inArm--;
    // an arm returning a constant: what a caller's unrolled loop leaving on that constant sinks again (ExitArm)
    const last = arm.s === 'block' ? arm.body[arm.body.length - 1] : arm;
    const k = EXIT_CALLS && last?.s === 'return' && last.x ? constValue(last.x, env) : undefined;
    if (k === undefined) return;
    const t: Stmt = arm.s === 'block' && tail !== arm ? { s: 'block', body: arm.body.slice(arm.body.indexOf(tail)), start: tail.start, end: arm.end } : arm;
    const params = new Set<number>();
    eachExpr(t, (e) => walkExpr(e, (x) => {
      if (x.e !== 'id') return;
      const i = f.params.findIndex((p) => p.name === x.name);
      if (i >= 0) params.add(i);
    }, undefined, 0, true));
    const all = new Set([...fr.variant, ...f.params.map((p) => p.name).filter((n): n is string => !!n)]);
    (res.exitArms ??= []).push({ k, sites: new Set([...fr.sites].slice(s0)), calls: new Set([...fr.calls].slice(c0)), params, paramsLight: phiLight(t, all, fr.ind, isConstHere) });
  }
  /**
   * `v = f(..);` (or `T v = f(..);`) in a loop, followed by `if (TEST(v)) return ..;` (or a break out of the loop,
   * `{ ..; return ..; }`), TEST being `v == K`, `v != K`, `v` or `!v`: marks the call's CallRef with the test
   * (CallRef.exitIf) and the arguments that differ between the loop's copies (they name something the loop writes,
   * or its induction variable).
   */
  function exitOnCall(s: Stmt, next: Stmt | undefined, from: number): void {
    let v: string | undefined;
    let call: Expr | undefined;
    const bare = (x: Expr | undefined): Expr | undefined => (x?.e === 'cast' ? bare(x.x) : x);
    if (s.s === 'decl' && s.vars.length === 1) { v = s.vars[0]!.name; call = bare(s.vars[0]!.init); }
    else if (s.s === 'expr' && s.x.e === 'assign' && s.x.op === '=' && s.x.l.e === 'id') { v = s.x.l.name; call = bare(s.x.r); }
    if (!v || call?.e !== 'call' || next?.s !== 'if' || next.f) return;
    const fr = sinkFrames[sinkFrames.length - 1]!;
    const arm = next.t.s === 'block' ? next.t.body[next.t.body.length - 1] : next.t;
    if (!(arm?.s === 'return' || (arm?.s === 'jump' && arm.kind === 'break' && fr.sw === 0 && sinkFrames.length === 1))) return;
    const c = bare(next.c)!;
    const isV = (x: Expr | undefined) => bare(x)?.e === 'id' && (bare(x) as { name: string }).name === v;
    let test: Omit<NonNullable<CallRef['exitIf']>, 'args'> | undefined;
    if (isV(c)) test = { op: 'truthy' };
    else if (c.e === 'unary' && c.op === '!' && isV(c.x)) test = { op: 'falsy' };
    else if (c.e === 'binary' && (c.op === '==' || c.op === '!=')) {
      const k = isV(c.l) ? constValue(c.r, env) : isV(c.r) ? constValue(c.l, env) : undefined;
      if (k !== undefined) test = { op: c.op, k };
    }
    const ref = res.calls.slice(from).find((r) => r.start === call!.start);
    if (!test || !ref) return;
    const variant = new Set<string>();
    for (const x of sinkFrames) { for (const n of x.variant) variant.add(n); for (const n of x.ind) variant.add(n); }
    const args = new Set<number>();
    call.args.forEach((a, i) => walkExpr(a, (x) => { if (x.e === 'id' && variant.has(x.name)) args.add(i); }, undefined, 0, true));
    ref.exitIf = { ...test, args };
  }
  /** Where the walk stands: what sinkSince counts from. */
  function mark(): { s: number; c: number; k: number; x: number } {
    return { s: res.sites.length, c: res.calls.length, k: cost, x: xcost };
  }
  /** Records what the walk made since `m` as sunk on a loop's frame (counted once when the loop is unrolled). */
  function sinkSince(m: { s: number; c: number; k: number; x: number }, fr: { sites: Set<RawSite>; calls: Set<CallRef>; cost: number; xcost: number }): void {
    for (let i = m.s; i < res.sites.length; i++) fr.sites.add(res.sites[i]!);
    for (let i = m.c; i < res.calls.length; i++) fr.calls.add(res.calls[i]!);
    fr.cost += cost - m.k;
    fr.xcost += xcost - m.x;
  }
  /**
   * An arm of an if in an unrolled loop's body that ends by leaving the loop (a return, or a break not inside a
   * switch) branches, in every copy, to the same block: SimplifyCFG's SinkCommonCodeFromPredecessors sinks the copies'
   * identical instructions into it, from the last one up, one copy left (measured with clang 14: a helper called in
   * such an arm of an 8-copy loop has one copy of each relocation; Hades' get_socket_info_sub). An instruction sinks
   * only when its copies differ in at most one operand (one PHI): the arm may name at most one variable the loop body
   * writes (the address of one, `&v`, is the same stack slot in every copy), and never the induction variable (each
   * copy a constant: the calls given it are split per copy). No loop or label inside it.
   */
  function sinkTail(arm: Stmt, fr: { variant: Set<string>; ind: Set<string>; sw: number }): Stmt | undefined {
    const exit = (x: Stmt | undefined) => !!x && (x.s === 'return' || (x.s === 'jump' && x.kind === 'break' && fr.sw === 0));
    if (arm.s !== 'block') return exit(arm) && phiLight(arm, fr.variant, fr.ind, isConstHere) ? arm : undefined;
    const body = arm.body;
    if (!exit(body[body.length - 1])) return undefined;
    // the straight-line statements before the exit: the block that branches to the loop's exit, and the ifs among
    // them whose arms only fall through (quietIf: their blocks reach the exit only, outside the loop too). What comes
    // before them (an inner exit or continue) ends blocks of its own, which stay per copy (measured: an arm that
    // first continues on a test keeps that part per iteration and sinks the rest; falco's d_path walk)
    let i = body.length - 1;
    while (i > 0 && (body[i - 1]!.s === 'expr' || body[i - 1]!.s === 'decl' || body[i - 1]!.s === 'empty' || (SINK_EXIT_IFS && quietIf(body[i - 1]!)))) i--;
    const tail = body.slice(i);
    if (!phiLight({ s: 'block', body: tail, start: tail[0]!.start, end: arm.end }, fr.variant, fr.ind, isConstHere)) return undefined;
    return i === 0 ? arm : body[i];
  }
  /** phiLight: a value every copy of an unrolled body knows as a constant (a literal, an enum, a known local). */
  function isConstHere(x: Expr): boolean {
    return constValue(x, env) !== undefined || (KNOWN_LOCALS && knownValue(x) !== undefined);
  }
  /** A condition's value where clang knows it: a constant, or a min/max comparison minMaxDecides settled. */
  function condValue(c: Expr): bigint | undefined {
    const v = constValue(c, env);
    if (v !== undefined) return v;
    const kv = KNOWN_LOCALS ? knownValue(c) : undefined;
    if (kv !== undefined) return kv;
    const d = decided.get(c);
    if (d !== undefined) return d ? 1n : 0n;
    return UNSIGNED_ZERO ? unsignedZero(c) : undefined;
  }
  /** unsigned_zero: `u < 0` is 0, `u >= 0` is 1 (either side), u an unsigned arithmetic of locals and constants (no
   * call, no load: the folded condition leaves nothing to evaluate). */
  function unsignedZero(c: Expr): bigint | undefined {
    if (c.e !== 'binary' || !['<', '>=', '>', '<='].includes(c.op)) return undefined;
    const zero = (x: Expr) => x.e === 'num' && x.v === 0n;
    const [x, op] = zero(c.r) ? [c.l, c.op] : zero(c.l) ? [c.r, c.op === '>' ? '<' : c.op === '<=' ? '>=' : ''] : [undefined, ''];
    if (!x || (op !== '<' && op !== '>=')) return undefined;
    const plain = (e: Expr, d = 0): boolean => d < 12 && (e.e === 'num' || e.e === 'id' || (e.e === 'cast' && plain(e.x, d + 1))
      || (e.e === 'binary' && ['+', '-', '*', '&', '|', '^', '<<', '>>'].includes(e.op) && plain(e.l, d + 1) && plain(e.r, d + 1)));
    if (!plain(x)) return undefined;
    const t = valueType(x);
    if (!t || t.signed) return undefined;
    // (the usual conversions with the literal 0, an int, keep an unsigned int or wider unsigned)
    return op === '<' ? 0n : 1n;
  }
  /** known: `x`, `!x`, `x == K`, `x != K` (casts skipped) on a local whose value is known here. */
  function knownValue(c: Expr): bigint | undefined {
    while (c.e === 'cast') c = c.x;
    if (c.e === 'id') return known.get(c.name);
    if (c.e === 'unary' && c.op === '!') { const x = knownValue(c.x); return x === undefined ? undefined : x === 0n ? 1n : 0n; }
    if (c.e === 'binary' && (c.op === '==' || c.op === '!=')) {
      let l = c.l;
      while (l.e === 'cast') l = l.x;
      const a = l.e === 'id' ? known.get(l.name) : undefined;
      const b = constValue(c.r, env);
      if (a === undefined || b === undefined) return undefined;
      return (a === b) === (c.op === '==') ? 1n : 0n;
    }
    return undefined;
  }
  /** known: local `n` now holds `x` when x is a constant and n a scalar local whose address is never taken. */
  function knowLocal(n: string, x: Expr): void {
    const t = lookup(n);
    const k = t ? strip(t).k : undefined;
    if (f.params.some((q) => q.name === n) || addrTaken.has(n) || (k !== 'int' && k !== 'enum') || isVolatileObject(t!)) return;
    const v = constValue(x, env);
    if (v === undefined) return;
    // the value as the local holds it (a bool is 0 or 1)
    known.set(n, (t && strip(t).k === 'int' && (strip(t) as { bool?: boolean }).bool) ? (v !== 0n ? 1n : 0n) : v);
  }
  /** known after an if: what the arms that fall through agree on (none: nothing follows, keep the entry's). */
  function knownJoin(arms: (Map<string, bigint> | undefined)[], entry: Map<string, bigint>): Map<string, bigint> {
    const live = arms.filter((a): a is Map<string, bigint> => !!a);
    if (!live.length) return entry;
    const out = new Map<string, bigint>();
    for (const [n, v] of live[0]!) if (live.every((a) => a.get(n) === v)) out.set(n, v);
    return out;
  }
  /** The statement never falls through: an exit (guards.ts `exits`), or an if whose condition is known and whose
   * arm taken exits. */
  function neverFallsThrough(s: Stmt): boolean {
    if (exits(s)) return true;
    if (s.s === 'label') return neverFallsThrough(s.body);
    if (s.s === 'block') return s.body.length > 0 && neverFallsThrough(s.body[s.body.length - 1]!);
    if (s.s !== 'if') return false;
    const v = condValue(s.c);
    if (v === undefined) return !!s.f && neverFallsThrough(s.t) && neverFallsThrough(s.f);
    const live = v !== 0n ? s.t : s.f;
    return !!live && neverFallsThrough(live);
  }
  /**
   * `x = A < B ? A : B;` (a min, `min()` macros) followed at once by `if (x <= A)`: InstSimplify folds a comparison of
   * a min or max with one of its operands (simplifyICmpWithMinMax: `umin(A, B) ule A` is true) once SROA has
   * forwarded the store to x and GVN merged the two loads of A (nothing runs between the store and the test), so
   * only the arm the condition takes exists (bpftune's tcp_nearly_out_of_memory: `mem_new[2] = min(pages >> 2,
   * ..); if (mem_new[2] <= (pages >> 2)) { ..; return true; }` leaves no code after the if). The fold needs one
   * signedness and width for both comparisons and no truncation on the store; x is a local or an element of a local
   * array at a constant index (stores to it cannot write A or B); A and B are free of side effects and volatile loads.
   */
  function minMaxDecides(s: Stmt, c: Expr): void {
    let l: Expr | undefined;
    let r: Expr | undefined;
    let lt: CType | undefined;
    if (s.s === 'expr' && s.x.e === 'assign' && s.x.op === '=') { l = s.x.l; r = s.x.r; lt = localSlot(l); }
    else if (s.s === 'decl' && s.vars.length === 1 && s.vars[0]!.init) {
      const v = s.vars[0]!;
      l = { e: 'id', name: v.name, start: v.start, end: v.start };
      r = v.init;
      lt = lookup(v.name);
    }
    while (r?.e === 'cast' && l && lt) { const ct = arithType(r.type); if (!ct || ct.size !== sizeOf(strip(lt))) return; r = r.x; }
    if (!l || !r || !lt || r.e !== 'cond' || r.c.e !== 'binary' || !['<', '<=', '>', '>='].includes(r.c.op)) return;
    const x = r.c.l;
    const y = r.c.r;
    const kx = valueKey(x);
    const ky = valueKey(y);
    if (kx === undefined || ky === undefined || kx === ky) return;
    const ka = valueKey(r.a);
    const kb = valueKey(r.b);
    const lessFirst = r.c.op === '<' || r.c.op === '<=';
    let min: boolean;
    if (ka === kx && kb === ky) min = lessFirst;
    else if (ka === ky && kb === kx) min = !lessFirst;
    else return;
    if (!steady(x) || !steady(y)) return;
    const tx = valueType(x);
    const ty = valueType(y);
    const tl = arithType(lt);
    if (!tx || !ty || !tl) return;
    const sel = usual(tx, ty);
    if (tl.size !== sel.size) return;
    if (c.e !== 'binary' || !['<', '<=', '>', '>='].includes(c.op)) return;
    const kl = valueKey(l);
    if (kl === undefined) return;
    let op = c.op;
    let other: Expr;
    if (valueKey(c.l) === kl) other = c.r;
    else if (valueKey(c.r) === kl) { other = c.l; op = op === '<' ? '>' : op === '>' ? '<' : op === '<=' ? '>=' : '<='; }
    else return;
    const ko = valueKey(other);
    if (ko !== kx && ko !== ky) return;
    const to = valueType(other);
    if (!to) return;
    const cmp = usual(tl, to);
    if (cmp.size !== sel.size || cmp.signed !== sel.signed) return;
    // x op other: a min is <= both operands, a max >= both
    if (min ? op === '<=' : op === '>=') decided.set(c, true);
    else if (min ? op === '>' : op === '<') decided.set(c, false);
  }
  /** An integer expression as written (variables, constants, arithmetic, casts, `?:` — min() macros nest), for
   * telling two evaluations of it apart; undefined for anything else. */
  function valueKey(e: Expr, d = 0): string | undefined {
    if (d > 16) return undefined;
    const k = (x: Expr) => valueKey(x, d + 1);
    switch (e.e) {
      case 'id': return e.name;
      case 'num': return String(e.v);
      case 'index': { const a = k(e.arr); const i = k(e.idx); return a === undefined || i === undefined ? undefined : `${a}[${i}]`; }
      case 'unary': { const a = k(e.x); return a === undefined || !['-', '~', '!'].includes(e.op) ? undefined : `${e.op}(${a})`; }
      case 'binary': { const a = k(e.l); const b = k(e.r); return a === undefined || b === undefined ? undefined : `(${a}${e.op}${b})`; }
      case 'cast': { const a = k(e.x); return a === undefined ? undefined : `(${spell(e.type)})${a}`; }
      case 'cond': { const c = k(e.c); const a = k(e.a); const b = k(e.b); return c === undefined || a === undefined || b === undefined ? undefined : `(${c}?${a}:${b})`; }
      default: return undefined;
    }
  }
  /** The type of `x` when it is a local variable or an element of a local array at a constant index. */
  function localSlot(x: Expr): CType | undefined {
    if (x.e === 'id') return lookup(x.name);
    if (x.e === 'index' && x.arr.e === 'id' && constValue(x.idx, env) !== undefined) {
      const t = lookup(x.arr.name);
      const st = t ? strip(t) : undefined;
      return st?.k === 'array' ? st.of : undefined;
    }
    return undefined;
  }
  /** No side effect and no volatile load: two evaluations with nothing between them give one value to LLVM. */
  function steady(x: Expr): boolean {
    if (!pure(x)) return false;
    let ok = true;
    const walk = (e: Expr, d: number): void => {
      if (!ok || d > 16) { ok = false; return; }
      if (e.e === 'id') { const t = lookup(e.name) ?? env.global(e.name); if (t && isVolatile(t)) ok = false; return; }
      if (e.e === 'member') return walk(e.obj, d + 1);
      if (e.e === 'index') { walk(e.arr, d + 1); return walk(e.idx, d + 1); }
      if (e.e === 'unary') return e.op === '*' ? void (ok = false) : walk(e.x, d + 1);
      if (e.e === 'binary') { walk(e.l, d + 1); return walk(e.r, d + 1); }
      if (e.e === 'cast') return walk(e.x, d + 1);
      if (e.e === 'cond') { walk(e.c, d + 1); walk(e.a, d + 1); return walk(e.b, d + 1); }
      if (e.e !== 'num') ok = false;
    };
    walk(x, 0);
    return ok;
  }
  /** An integer expression's type after C's promotions, where it is plain to see (variables, constants, arithmetic). */
  function valueType(e: Expr, d = 0): { size: number; signed: boolean } | undefined {
    if (d > 12) return undefined;
    switch (e.e) {
      case 'num': return literalType(e.v, e.lit);
      case 'id': { const t = lookup(e.name) ?? env.global(e.name); return t ? arithType(t) : undefined; }
      case 'index': { const t = e.arr.e === 'id' ? lookup(e.arr.name) ?? env.global(e.arr.name) : undefined; const st = t ? strip(t) : undefined; return st?.k === 'array' || st?.k === 'ptr' ? arithType(st.k === 'array' ? st.of : st.to) : undefined; }
      case 'cast': return arithType(e.type);
      case 'binary': {
        const a = valueType(e.l, d + 1);
        if (e.op === '<<' || e.op === '>>') return a;
        const b = valueType(e.r, d + 1);
        if (!a || !b || !['+', '-', '*', '/', '%', '&', '|', '^'].includes(e.op)) return undefined;
        return usual(a, b);
      }
      default: return undefined;
    }
  }
  /** `ords` with what `c` being true establishes between two plain variables (a strict order or `!=`). */
  function withOrd(ords: string[] | undefined, c: Expr): string[] | undefined {
    const add: string[] = [];
    const walk = (x: Expr, d: number): void => {
      if (d > 8) return;
      if (x.e === 'binary' && x.op === '&&') { walk(x.l, d + 1); walk(x.r, d + 1); return; }
      const o = ordOf(x);
      if (o) add.push(o);
    };
    walk(c, 0);
    return add.length ? [...(ords ?? []), ...add] : ords;
  }
  /** `a < b` as 'a<b' (`b > a` the same), `a != b` as 'a!=b': variables only (a local or parameter by name). */
  function ordOf(x: Expr): string | undefined {
    if (x.e !== 'binary' || x.l.e !== 'id' || x.r.e !== 'id' || !lookup(x.l.name) || !lookup(x.r.name)) return undefined;
    if (x.op === '<') return `${x.l.name}<${x.r.name}`;
    if (x.op === '>') return `${x.r.name}<${x.l.name}`;
    if (x.op === '!=') return `${x.l.name}!=${x.r.name}`;
    return undefined;
  }
  /** `c` is false under `ords`: `a == b` where a < b, b < a or a != b holds; a `&&` with a side false. */
  function decidedFalse(c: Expr, ords: string[], d = 0): boolean {
    if (d > 8) return false;
    if (c.e === 'binary' && c.op === '&&') return decidedFalse(c.l, ords, d + 1) || decidedFalse(c.r, ords, d + 1);
    if (c.e !== 'binary' || c.op !== '==' || c.l.e !== 'id' || c.r.e !== 'id') return false;
    const a = c.l.name;
    const b = c.r.name;
    return ords.some((o) => o === `${a}<${b}` || o === `${b}<${a}` || o === `${a}!=${b}` || o === `${b}!=${a}`);
  }
  /** rmw_cost: an lvalue LLVM keeps in memory: a global, an element or member through a pointer; not a local nor a
   * member or constant element of one (SROA makes them values). */
  function inMemory(x: Expr): boolean {
    for (let d = 0; d < 32; d++) {
      if (x.e === 'member' && !x.arrow) { x = x.obj; continue; }
      if (x.e === 'index' && constValue(x.idx, env) !== undefined && x.arr.e === 'id' && lookup(x.arr.name) && strip(lookup(x.arr.name)!).k === 'array') { x = x.arr; continue; }
      break;
    }
    return x.e !== 'id' || !lookup(x.name);
  }
  /** select_block: an arm that is one assignment (`=`, `op=`) to a local of this function, through a block of one
   * statement: what SimplifyCFG turns into a select when it is cheap (cse.ts decides that from the arm's events). */
  function selectArm(s: Extract<Stmt, { s: 'if' }>): boolean {
    let t = s.t;
    while (t.s === 'block' && t.body.length === 1) t = t.body[0]!;
    if (t.s !== 'expr' || t.x.e !== 'assign' || t.x.l.e !== 'id') return false;
    const n = t.x.l.name;
    if (!lookup(n) || f.params.some((q) => q.name === n)) return false;
    // the select stays where the if was only when the next statement (an expression, a return, a declaration) reads
    // its value at once (get_l3_header's `return head + network_header;`); a value read later, in an arm or after
    // other code (`if (!entry) entry = &zero;` .. `*entry`, profiler's `k = n` read in a later if), is sunk towards
    // its use, and the code between stays in one block (measured: shapes threaded_returns, store_arms)
    const next = selNext.get(s);
    if (!next) return false;
    const xs = next.s === 'expr' || next.s === 'return' ? (next.x ? [next.x] : []) : next.s === 'decl' ? next.vars.flatMap((v) => (v.init ? [v.init] : [])) : [];
    let reads = false;
    for (const x of xs) walkExpr(x, (e) => { if (e.e === 'id' && e.name === n) reads = true; });
    return reads;
  }
  /** ifcvt_loads: an if (no else) whose condition's `&&`/`||` right sides and whose one-statement arm, a value given a
   * scalar local (`access |= MAY_READ;`), are arithmetic on locals and constants: SimplifyCFG folds the right sides
   * into the branching block (FoldBranchToCommonDest) and speculates the arm as a select (SpeculativelyExecuteBB),
   * so the IR block goes on after the if (cse.ts `ifcvt_loads`). */
  function speculated(s: Extract<Stmt, { s: 'if' }>): boolean {
    if (s.f) return false;
    let t = s.t;
    while (t.s === 'block' && t.body.length === 1) t = t.body[0]!;
    if (t.s !== 'expr' || t.x.e !== 'assign' || t.x.l.e !== 'id' || !scalarLocal(t.x.l.name) || addrTaken.has(t.x.l.name)) return false;
    if (!['=', '|=', '&=', '^=', '+=', '-='].includes(t.x.op) || !specArith(t.x.r)) return false;
    let ok = true;
    walkExpr(s.c, (x) => { if (x.e === 'binary' && (x.op === '&&' || x.op === '||') && !specArith(x.r)) ok = false; });
    return ok;
  }
  /** ifcvt_loads: an expression of scalar locals and constants that cannot trap (no load, call, division). */
  function specArith(x: Expr): boolean {
    if (constValue(x, env) !== undefined) return true;
    switch (x.e) {
      case 'num': return true;
      case 'id': return scalarLocal(x.name) && !addrTaken.has(x.name);
      case 'unary': return (x.op === '!' || x.op === '~' || x.op === '-') && specArith(x.x);
      case 'cast': return specArith(x.x);
      case 'binary': return !['/', '%', '&&', '||', ','].includes(x.op) && specArith(x.l) && specArith(x.r);
      default: return false;
    }
  }
  /** hoist_join (cse.ts): the condition is a parameter never written (or its negation): a value from before the
   * function, no phi of the joins inside it. */
  function paramTestOnly(c: Expr): boolean {
    while ((c.e === 'unary' && c.op === '!') || c.e === 'cast') c = c.x;
    return c.e === 'id' && f.params.some((q) => q.name === (c as { name: string }).name) && !assigned.has(c.name) && !rebound.has(c.name);
  }
  /** select_block: each if without else to the statement after it in its block. */
  const selNext = new WeakMap<Stmt, Stmt>();
  /** `if (v == K1) .. else if (v == K2) ..`: SimplifyCFG makes the chain one switch on v (its arms the cases), which
   * SelectionDAG lowers to a compare per case: each arm, an empty one too, is entered from its own compare, and the
   * code after the chain from the last compare and the arms (FlowEv `sw`). */
  function switchChain(s: Extract<Stmt, { s: 'if' }>): boolean {
    let f = s.f;
    while (f?.s === 'block' && f.body.length === 1) f = f.body[0];
    if (f?.s !== 'if') return false;
    const v = chainOn(s.c);
    return v !== undefined && !v.includes('?') && chainOn(f.c) === v;
  }
  /** switchChain: the value `v == K` (or `K == v`) compares, v pure, as written. */
  function chainOn(c: Expr): string | undefined {
    if (c.e !== 'binary' || c.op !== '==') return undefined;
    if (constValue(c.r, env) !== undefined && pure(c.l)) return exprKey(c.l);
    if (constValue(c.l, env) !== undefined && pure(c.r)) return exprKey(c.r);
    return undefined;
  }
  /**
   * switch_freq: the branch probability of each link of an if-else chain SimplifyCFG makes one switch (switchChain):
   * BranchProbabilityInfo gives a switch without weights the same probability on every edge, so each of n cases and
   * the default runs 1/(n+1) of the chain's entry (link j, reached with 1 - j/(n+1) of it, takes 1/(n+1-j)), where
   * nested ifs would halve it per link. The inliner's cold call site test reads those frequencies (measured with
   * clang 14 -Rpass=inline: a helper called in the 5th arm of x-monitor's filter_ts chain on `args->scope_type` is
   * weighed at threshold 337, not 45; the same call in the 19th arm of a 19-link chain at 45).
   */
  function chainProbs(s: Extract<Stmt, { s: 'if' }>): void {
    if (chainPt.has(s) || !switchChain(s)) return;
    const v = chainOn(s.c)!;
    const links: Stmt[] = [s];
    let f = s.f;
    for (;;) {
      while (f?.s === 'block' && f.body.length === 1) f = f.body[0];
      if (f?.s !== 'if' || chainOn(f.c) !== v) break;
      links.push(f);
      f = f.f;
    }
    const n = links.length;
    links.forEach((l, j) => chainPt.set(l, 1 / (n + 1 - j)));
  }
  /** An expression as written, for comparing two arms' operands (cse.ts `sunk`); '?' parts never compare equal. */
  /** hoist_calls: the argument computes nothing at run time: a constant, a string, the address of (or a decayed array
   * that is) a global variable (a relocation of the instruction using it, no instruction of its own). */
  function noCode(e: Expr): boolean {
    while (e.e === 'cast') e = e.x;
    if (constValue(e, env) !== undefined || e.e === 'str') return true;
    const g = (x: Expr) => x.e === 'id' && !lookup(x.name) && env.global(x.name) !== undefined;
    if (e.e === 'unary' && e.op === '&') return g(e.x);
    return e.e === 'id' && g(e) && strip(env.global(e.name)!).k === 'array';
  }
  function exprKey(e: Expr, d = 0): string {
    if (d > 12) return `?${e.start}`;
    const k = (x: Expr) => exprKey(x, d + 1);
    switch (e.e) {
      case 'id': return e.name;
      case 'num': return String(e.v);
      case 'member': return `${k(e.obj)}${e.arrow ? '->' : '.'}${e.name}`;
      case 'index': return `${k(e.arr)}[${k(e.idx)}]`;
      case 'unary': return `${e.op}(${k(e.x)})`;
      case 'postfix': return `(${k(e.x)})${e.op}`;
      case 'binary': return `(${k(e.l)}${e.op}${k(e.r)})`;
      case 'cast': return `(${spell(e.type)})${k(e.x)}`;
      case 'sizeof': return `sizeof(${e.x ? k(e.x) : e.type ? spell(e.type) : '?'})`;
      case 'call': return `${k(e.fn)}(${e.args.map(k).join(',')})`;
      default: return `?${e.start}`;
    }
  }
  /** An argument LLVM knows is not null: a pointer the path tested (Ctx.nonnull), the address of a variable or of
   * a member of one (an alloca or a global), the address of a member through a tested pointer (an inbounds GEP from
   * a non-null base; not a relocated member: its address comes from an intrinsic LLVM knows nothing of). */
  function nonNullArg(a: Expr, ctx: Ctx): boolean {
    const n = idName(a);
    if (n !== undefined) return !!ctx.nonnull?.has(n);
    while (a.e === 'cast') a = a.x;
    if (a.e !== 'unary' || a.op !== '&' || !ADDR_NONNULL) return false;
    let b = a.x;
    while (b.e === 'member' && !b.arrow) b = b.obj;
    const relocated = res.sites.some((r) => r.start >= a.start && r.end <= a.end);
    if (b.e === 'id') return !relocated && !!(lookup(b.name) ?? env.global(b.name));
    if (b.e === 'member' && b.arrow) { const p = idName(b.obj); return !relocated && p !== undefined && !!ctx.nonnull?.has(p); }
    return false;
  }
  /** The name `x` is (through casts), if an identifier. */
  function idName(x: Expr): string | undefined {
    while (x.e === 'cast') x = x.x;
    return x.e === 'id' ? x.name : undefined;
  }
  /** The context's non-null pointers plus those `c` evaluating to `when` tests non-null: a parameter never written,
   * or a local whose only write (its declaration or one assignment, address never taken) is already evaluated. */
  function withNN(ctx: Ctx, c: Expr, when: boolean): Set<string> | undefined {
    if (!NONNULL) return ctx.nonnull;
    const names: string[] = [];
    const walk = (x: Expr, w: boolean, d: number): void => {
      if (d > 8) return;
      while (x.e === 'cast') x = x.x;
      if (x.e === 'unary' && x.op === '!') { walk(x.x, !w, d + 1); return; }
      if (x.e === 'id') { if (w) names.push(x.name); return; }
      if (x.e !== 'binary') return;
      if ((x.op === '&&' && w) || (x.op === '||' && !w)) { walk(x.l, w, d + 1); walk(x.r, w, d + 1); return; }
      if ((x.op === '!=' && w) || (x.op === '==' && !w)) {
        const n = constValue(x.r, env) === 0n ? idName(x.l) : constValue(x.l, env) === 0n ? idName(x.r) : undefined;
        if (n !== undefined) names.push(n);
      }
    };
    walk(c, when, 0);
    const ok = names.filter((n) => !addrTaken.has(n) && (lookupParam(n) ? !(writes.get(n) ?? 0) : lookup(n) && writes.get(n) === 1 && stored.get(n) === 1));
    return ok.length ? new Set([...(ctx.nonnull ?? []), ...ok]) : ctx.nonnull;
  }
  /**
   * The LINUX_KERNEL_VERSION comparisons code under `c` being `when` runs under (KverCond): `LINUX_KERNEL_VERSION <=
   * KERNEL_VERSION(5, 15, 0)` (either side), the conjuncts of a true `&&`, the disjuncts of a false `||`, through `!`;
   * LINUX_KERNEL_VERSION a `__kconfig` extern no local or parameter shadows. CORELENS_KVER_GUARDS=0: none.
   */
  function withV(ctx: Ctx, c: Expr, when: boolean): KverCond[] | undefined {
    if (!KVER_GUARDS) return ctx.kver;
    const out: KverCond[] = [];
    const bare = (x: Expr): Expr => { while (x.e === 'cast') x = x.x; return x; };
    const isKver = (x: Expr): boolean => {
      x = bare(x);
      if (x.e !== 'id' || x.name !== 'LINUX_KERNEL_VERSION' || lookup(x.name) || lookupParam(x.name)) return false;
      return env.extern(x.name)?.section === '.kconfig';
    };
    const flip: { [op: string]: KverCond['op'] } = { '==': '==', '!=': '!=', '<': '>', '<=': '>=', '>': '<', '>=': '<=' };
    const walk = (x: Expr, w: boolean, d: number): void => {
      if (d > 16) return;
      x = bare(x);
      if (x.e === 'unary' && x.op === '!') { walk(x.x, !w, d + 1); return; }
      if (x.e !== 'binary') return;
      if ((x.op === '&&' && w) || (x.op === '||' && !w)) { walk(x.l, w, d + 1); walk(x.r, w, d + 1); return; }
      if (!(x.op in flip)) return;
      const op = x.op as KverCond['op'];
      const [k, other, o] = isKver(x.l) ? [true, x.r, op] : isKver(x.r) ? [true, x.l, flip[op]!] : [false, x.r, op];
      if (!k) return;
      const v = constValue(other, env);
      if (v === undefined || v < 0n || v > 0xffffffffn) return;
      out.push({ op: o, v: Number(v), when: w });
    };
    walk(c, when, 0);
    return out.length ? [...(ctx.kver ?? []), ...out] : ctx.kver;
  }
  /**
   * The `const volatile` knob whose default decides `c` against `when` (`if (targ_x)` with targ_x false, `if (!on)
   * return 0;` with on false before the code after it): clang keeps the code (volatile), the object as compiled does
   * not run it (the verifier reads the default from the frozen .rodata, and `check FILE.o` with it), the loader may
   * set the knob. Three-valued: a condition the knob alone does not decide (`a || knob`, a unknown) decides nothing.
   */
  function withK(ctx: Ctx, c: Expr, when: boolean): string | undefined {
    if (ctx.knob) return ctx.knob;
    let name: string | undefined;
    const ev = (x: Expr, d: number): bigint | undefined => {
      if (d > 16) return undefined;
      while (x.e === 'cast') x = x.x;
      if (x.e === 'id') {
        if (lookup(x.name) || lookupParam(x.name)) return undefined;
        const k = env.knob(x.name);
        if (k !== undefined) { name ??= x.name; return k; }
        return constValue(x, env);
      }
      if (x.e === 'member' && !x.arrow && x.obj.e === 'id') {
        // a scalar member of a `const volatile` struct global (`if (user_config.groupby_ifindex)`)
        if (lookup(x.obj.name) || lookupParam(x.obj.name)) return undefined;
        const key = `${x.obj.name}.${x.name}`;
        const k = env.knob(key);
        if (k !== undefined) { name ??= key; return k; }
        return undefined;
      }
      if (x.e === 'num') return x.v;
      if (x.e === 'unary') {
        const v = ev(x.x, d + 1);
        if (v === undefined) return undefined;
        return x.op === '!' ? (v === 0n ? 1n : 0n) : x.op === '-' ? -v : x.op === '~' ? ~v : undefined;
      }
      if (x.e !== 'binary') return undefined;
      const l = ev(x.l, d + 1);
      if (x.op === '&&' && l === 0n) return 0n;
      if (x.op === '||' && l !== undefined && l !== 0n) return 1n;
      const r = ev(x.r, d + 1);
      if (x.op === '&&') return r === 0n ? 0n : l !== undefined && r !== undefined ? 1n : undefined;
      if (x.op === '||') return r !== undefined && r !== 0n ? 1n : l !== undefined && r !== undefined ? 0n : undefined;
      if (l === undefined || r === undefined) return undefined;
      switch (x.op) {
        case '==': return l === r ? 1n : 0n;
        case '!=': return l !== r ? 1n : 0n;
        case '<': return l < r ? 1n : 0n;
        case '<=': return l <= r ? 1n : 0n;
        case '>': return l > r ? 1n : 0n;
        case '>=': return l >= r ? 1n : 0n;
        case '&': return l & r;
        case '|': return l | r;
        default: return undefined;
      }
    };
    const v = ev(c, 0);
    return v !== undefined && name !== undefined && (v !== 0n) !== when ? name : undefined;
  }
  /** Conditions on parameters that `x` evaluating to `when` is exactly equivalent to (undefined: not expressible). */
  function exactConds(x: Expr, when: boolean, depth: number): ParamCond[] | undefined {
    if (depth > 8) return undefined;
    const pi = (e: Expr) => (e.e === 'id' ? (lookupParam(e.name) ? f.params.findIndex((p) => p.name === e.name && !assigned.has(e.name)) : aliasParam(e.name)) : -1);
    while (x.e === 'cast' || unexpect(x) !== x) x = x.e === 'cast' ? x.x : unexpect(x);
    if (x.e === 'unary' && x.op === '!') return exactConds(x.x, !when, depth + 1);
    if (x.e === 'id' && pi(x) >= 0) return [{ param: pi(x), eq: !when, v: 0n }];
    if (x.e !== 'binary') return undefined;
    if ((x.op === '&&' && when) || (x.op === '||' && !when)) {
      const l = exactConds(x.l, when, depth + 1);
      const r = l && exactConds(x.r, when, depth + 1);
      return l && r ? [...l, ...r] : undefined;
    }
    if (x.op === '==' || x.op === '!=') {
      const [p, k] = pi(x.l) >= 0 ? [pi(x.l), constValue(x.r, env)] : [pi(x.r), constValue(x.l, env)];
      if (p >= 0 && k !== undefined) return [{ param: p, eq: (x.op === '==') === when, v: k }];
    }
    return undefined;
  }

  /** The context's parameter conditions plus those `c` evaluating to `when` implies. */
  function withP(ctx: Ctx, c: Expr, when: boolean): ParamCond[] | undefined {
    const more = paramConds(c, when, 0);
    return more.length ? [...(ctx.pconds ?? []), ...more] : ctx.pconds;
  }
  /** sc_dead_left: R's parameter conditions (paramConds), or `(p & K) == V` / `!= V` on an unwritten parameter p. */
  function scParamConds(x: Expr, when: boolean): ParamCond[] {
    const pc = paramConds(x, when, 0);
    if (pc.length) return pc;
    const un = (e: Expr): Expr => { while (e.e === 'cast') e = e.x; return e; };
    x = un(x);
    if (x.e !== 'binary' || (x.op !== '==' && x.op !== '!=')) return [];
    const [m, k] = constValue(x.r, env) !== undefined ? [un(x.l), constValue(x.r, env)!] : [un(x.r), constValue(x.l, env)];
    if (k === undefined || m.e !== 'binary' || m.op !== '&') return [];
    const [pe, mk] = un(m.l).e === 'id' ? [un(m.l), constValue(m.r, env)] : [un(m.r), constValue(m.l, env)];
    if (pe.e !== 'id' || mk === undefined || assigned.has(pe.name) || !lookupParam(pe.name)) return [];
    const param = f.params.findIndex((q) => q.name === (pe as { name: string }).name);
    return param >= 0 ? [{ param, eq: (x.op === '==') === when, v: BigInt.asUintN(64, k), mask: BigInt.asUintN(64, mk) }] : [];
  }
  /** sc_dead_left: no side effect (pure()), or a call of an inline function whose body is one `return E;` with E pure
   * once its macros are expanded (a mode test `S_ISSOCK(inode->i_mode)`) on pure arguments. */
  function scPure(x: Expr): boolean {
    if (pure(x)) return true;
    while (x.e === 'unary' && x.op === '!') x = x.x;
    if (x.e !== 'call' || x.fn.e !== 'id' || !x.args.every(pure)) return false;
    const d = env.func(x.fn.name);
    const b = d?.body;
    if (!b || b[0]?.s !== 'return' || b[b.length - 1]?.s !== ';' || b.some((t, k) => (t.s === ';' && k !== b.length - 1) || t.s === '{')) return false;
    // its tokens as written: no assignment, increment, helper or builtin, and no call of a function or function
    // pointer (a name before `(` is then a macro: `S_ISSOCK(m)` is arithmetic)
    return b.every((t, k) => !/^(?:[-+*/%&|^]|<<|>>)?=$/.test(t.s) && t.s !== '++' && t.s !== '--' && !/^bpf_|^__builtin_(?!preserve_)/.test(t.s)
      && !(/^[A-Za-z_]\w*$/.test(t.s) && b[k + 1]?.s === '(' && (env.func(t.s) !== undefined || env.global(t.s) !== undefined)));
  }
  function paramConds(x: Expr, when: boolean, depth: number): ParamCond[] {
    if (depth > 8) return [];
    const pi = (e: Expr) => (e.e === 'id' ? (lookupParam(e.name) ? f.params.findIndex((p) => p.name === e.name && !assigned.has(e.name)) : aliasParam(e.name)) : -1);
    x = unexpect(x);
    if (x.e === 'unary' && x.op === '!') return paramConds(x.x, !when, depth + 1);
    if (x.e === 'id' && pi(x) >= 0) return [{ param: pi(x), eq: !when, v: 0n }];
    const pf = paramField(x);
    if (pf) return [{ ...pf, eq: !when, v: 0n }];
    // setter_consts: a flag test of a member, `p->flag & F` (InstCombine folds the and of a constant member)
    const mf = maskedField(x);
    if (mf) return [{ ...mf, eq: !when, v: 0n }];
    // `p` / `p != NULL` true on a local null unless the switch took one of some arms: those arms' values
    const nu = (e: Expr): ParamCond | undefined => {
      while (e.e === 'cast') e = e.x;
      return e.e === 'id' && !lookupParam(e.name) ? nullUnless.get(e.name) : undefined;
    };
    if (when && nu(x)) return [nu(x)!];
    if (x.e === 'binary' && (x.op === '!=' || x.op === '==') && (x.op === '!=') === when) {
      const [a, b] = nu(x.l) && constValue(x.r, env) === 0n ? [x.l, x.r] : [x.r, x.l];
      if (nu(a) && constValue(b, env) === 0n) return [nu(a)!];
    }
    // the else side of `a && b` (then side of `a || b` negated): not all of a's and b's exact conditions hold
    if (NAND && x.e === 'binary' && ((x.op === '&&' && !when) || (x.op === '||' && when))) {
      const all = exactConds(x, !when, depth + 1);
      if (all && all.length > 1) return [{ param: -1, eq: false, v: 0n, nand: all }];
    }
    if (x.e === 'binary') {
      if (x.op === '&&' && when) return [...paramConds(x.l, true, depth + 1), ...paramConds(x.r, true, depth + 1)];
      if (x.op === '||' && !when) return [...paramConds(x.l, false, depth + 1), ...paramConds(x.r, false, depth + 1)];
      if (x.op === '==' || x.op === '!=') {
        const [p, k] = pi(x.l) >= 0 ? [pi(x.l), constValue(x.r, env)] : [pi(x.r), constValue(x.l, env)];
        if (p >= 0 && k !== undefined) return [{ param: p, eq: (x.op === '==') === when, v: k }];
        const [q, kq] = paramField(x.l) ? [paramField(x.l)!, constValue(x.r, env)] : [paramField(x.r), constValue(x.l, env)];
        if (q && kq !== undefined) return [{ ...q, eq: (x.op === '==') === when, v: kq }];
        const [mq, km] = maskedField(x.l) ? [maskedField(x.l)!, constValue(x.r, env)] : [maskedField(x.r), constValue(x.l, env)];
        if (mq && km !== undefined) return [{ ...mq, eq: (x.op === '==') === when, v: km }];
      }
      // strict_rel: `p > k` / `p < k` true (`p >= k` / `p <= k` false) cannot hold with p equal to k, whatever the
      // signedness: a necessary condition, so a context passing the constant k decides the branch dead (InstCombine
      // folds the icmp of two constants once the call is inlined: `if (n > 0) .. args[i]` with `log(ctx, 0, NULL)`)
      if (STRICT_REL && ['<', '>', '<=', '>='].includes(x.op) && (x.op.length === 1) === when) {
        const [p, k] = pi(x.l) >= 0 ? [pi(x.l), constValue(x.r, env)] : [pi(x.r), constValue(x.l, env)];
        if (p >= 0 && k !== undefined) return [{ param: p, eq: false, v: k }];
      }
    }
    return [];
  }

  /** Runs `f` so that sites it emits carry the macro invocation as their expansion location. */
  function withExp<T>(fn: () => T, x: Expr): T {
    const before = res.sites.length;
    const r = fn();
    for (let i = before; i < res.sites.length; i++) res.sites[i]!.expStart ??= (x.exp ?? x).start;
    return r;
  }

  /** Evaluates a statement; returns the value of an expression statement (for statement expressions). */
  function stmt(s: Stmt, ctx: Ctx): Val | undefined {
    if (!ctx.noEmit) cost += s.s === 'if' ? 1 : s.s === 'loop' ? 3 : s.s === 'switch' ? 2 : 0;
    if (!ctx.noEmit && (s.s === 'loop' || s.s === 'switch' || (s.s === 'if' && constValue(s.c, env) === undefined))) {
      // (the ConstArm the if case records for a parameter's test, under the same conditions)
      branchHere(s.s === 'if' && !loopEntry.length && !!paramTest(s.c));
    }
    // an if's conditional branch is an instruction the inliner counts (visitBranchInst: free only when it folds)
    if (!ctx.noEmit && s.s === 'if' && constValue(s.c, env) === undefined) xcost += BRANCH_COST;
    // direct loads merge only within one statement: a value kept for a later statement may be sunk by LLVM next to
    // its use, away from the second load (measured: `u32 tgid = p->tgid; if (p->pid != p->tgid) ...` is two loads)
    cut(true);
    switch (s.s) {
      case 'expr': {
        stmtX = s.x;
        // `v = load;` into a scalar local nothing reads after: a dead store, its load gone with it (lmp's fs_watcher
        // `filp = PT_REGS_PARM1(ctx);`, filp never read). Not in a loop (a read before it in the body or the
        // condition sees it on the back edge), a statement expression (its last value is the expression's) or a
        // body with goto.
        const x = s.x;
        if (x.e === 'assign' && x.op === '=' && x.l.e === 'id' && !ctx.noEmit && !loopEntry.length && !stmtExprDepth && pure(x.r) && deadStorable(x.l.name)) {
          const name = x.l.name;
          // an earlier unread store this one surely follows (here or in a block nested here, no switch between)
          // is dead whatever reads v later: `t = PT_REGS_PARM1(ctx); t = PT_REGS_PARM2(ctx); ..t->pid`
          const unread = new Set(tentative.get(name));
          const stays: RawSite[] = [];
          // `hl = hl << 2;` reads the earlier value before it writes the new one: that store is read, not dead
          // (measured with clang 14: `__u32 hl = iph.ihl; hl = hl << 2;` keeps ihl's record; ebpf-apps' http_trace)
          const selfRead = DEAD_SELF_READ && mentionsName(x.r, name);
          for (const e of selfRead ? [] : storesAt.get(name) ?? []) {
            if (!e.sites.every((x) => unread.has(x))) continue;
            const follows = !regions.some((r) => r.stop) && !e.at.some((r) => r.stop) && commonDepth(regions, e.at) === regions.length;
            if (follows) for (const x of e.sites) { killed.add(x); unread.delete(x); }
          }
          for (const x of unread) stays.push(x);
          const before = res.sites.length;
          const r0 = res.reads?.length ?? 0;
          const unreadR = unreadReads.get(name) ?? [];
          const v = use(x, ctx);
          // (the reads of an earlier store nobody read stay dead too)
          if ((res.reads?.length ?? 0) > r0 || unreadR.length) unreadReads.set(name, [...unreadR, ...res.reads!.slice(r0)]);
          const mine = res.sites.slice(before);
          if (mine.length) {
            tentative.set(name, [...stays, ...mine]);
            storesAt.set(name, [...(storesAt.get(name) ?? []), { sites: mine, at: regions.slice() }]);
          } else if (stays.length) tentative.set(name, stays);
          else tentative.delete(name);
          return v;
        }
        if (DEAD_AGGR && x.e === 'assign' && x.op === '=' && !ctx.noEmit && !stmtExprDepth && pure(x.l) && pure(x.r)) {
          let n = x.l;
          while ((n.e === 'member' && !n.arrow) || n.e === 'index') n = n.e === 'member' ? n.obj : n.arr;
          if (n !== x.l && n.e === 'id' && writeOnlyAggr(n.name)) {
            // dead_aggr: the store into a local nothing reads dies with the loads of its value (see writeOnlyAggr)
            const before = res.sites.length;
            const r0 = res.reads?.length ?? 0;
            const v = use(x, ctx);
            for (const d of res.sites.slice(before)) killed.add(d);
            if ((res.reads?.length ?? 0) > r0) unreadReads.set(`#${n.name}`, [...unreadReads.get(`#${n.name}`) ?? [], ...res.reads!.slice(r0)]);
            return v;
          }
        }
        return use(x, ctx);
      }
      case 'decl':
        for (const v of s.vars) {
          const before0 = res.sites.length;
          let r0 = res.reads?.length ?? 0;
          if (v.name && !ctx.noEmit) varOrigin.delete(v.name);
          if (v.name && !ctx.noEmit) { if (v.init && comparison(v.init)) boolLocals.add(v.name); else boolLocals.delete(v.name); }
          if (v.init) {
            const before = res.sites.length;
            // the initial store(s) of a local kept in memory: one per value computed at run time (constant members
            // fold into one copy from a constant), one for a scalar
            if (v.name && addrTaken.has(v.name) && !ctx.noEmit && callSlot(v.init)) {
              // `T v = BPF_CORE_READ(..)`, v's address taken: MemCpyOpt's call slot optimisation has the probe read
              // write v itself before the inliner looks, so neither the store nor the temporary's read (counted by
              // `use`) is left (slabratetop's probe_entry: one alloca, the probe read into it)
              xcost -= INSTR;
            } else if (v.name && addrTaken.has(v.name) && !ctx.noEmit) {
              xcost += INSTR * (v.init.e === 'init' ? v.init.items.filter((i) => constValue(i, env) === undefined && i.e !== 'init').length : 1);
            }
            if (v.name && !ctx.noEmit) setOrigin(v.name, originOf(v.init));
            const plan = v.init.e === 'init' ? initPlan(v.type, v.init, false, ctx) : undefined;
            if (plan) initStores(plan, ctx);
            r0 = res.reads?.length ?? 0;
            const iv: Val = plan ? { type: VOID } : use(v.init, ctx);
            if (CONTAINER_CANCEL && v.name) {
              const ax = uncast(v.init);
              const a = stmtExprDepth && ax.e === 'unary' && ax.op === '&' ? addrSite.get(ax) : undefined;
              if (a) addrLocals.set(v.name, a); else addrLocals.delete(v.name);
            }
            // a volatile local's initial store is a volatile access clang keeps even when nothing reads the local
            // (measured: cilium/ebpf's `const volatile int val = bpf_core_enum_value(..)`, never read, has its record)
            if (v.name && !plan && res.sites.length > before && pure(v.init) && !isVolatileObject(v.type)) {
              tentative.set(v.name, res.sites.slice(before));
              storesAt.set(v.name, [{ sites: res.sites.slice(before), at: regions.slice() }]);
            }
            // measured (ebpf_exporter's `u32 tgid = p->tgid; if (p->pid != p->tgid)`, tgid's address taken later):
            // the store into an address-taken local keeps clang's second load
            if (addrTaken.has(v.name)) cut(true, true);
            if (condGuards(v.init, true, gctx)?.length || iv.check) checkVars[checkVars.length - 1]!.set(v.name, v.init);
            // remat: a check kept in a local written only here, its address never taken (see rematArg)
            if (REMAT && v.name && !ctx.noEmit && iv.check && res.sites.length === before + 1 && (writes.get(v.name) ?? 0) === 1 && !addrTaken.has(v.name)) {
              const e0 = evOf.get(res.sites[before]!);
              if (e0 && 's' in e0 && e0.c === 'v') rematVars.set(v.name, { site: res.sites[before]!, k: 0, loops: loopEntry.length, bad: false });
            }
          }
          scopes[scopes.length - 1]!.set(v.name, v.type);
          // a plain read into a local nothing reads is dead (clang drops the load)
          if (v.name && (res.reads?.length ?? 0) > r0 && deadStorable(v.name)) unreadReads.set(v.name, res.reads!.slice(r0));
          if (v.name) written(v.name, ctx, !!v.init);
          if (v.name) paramAlias.delete(v.name);
          if (ALIAS_NONNULL && v.name && v.init && !loopEntry.length && !addrTaken.has(v.name) && strip(v.type).k === 'ptr') {
            const x = uncast(v.init);
            const pi = x.e === 'id' && !assigned.has(x.name) ? f.params.findIndex((q) => q.name === (x as { name: string }).name && lookup(q.name) === q.type) : -1;
            if (pi >= 0 && strip(f.params[pi]!.type).k === 'ptr') paramAlias.set(v.name, { param: pi, stored: stored.get(v.name) ?? 0 });
          }
          if (v.name && v.init && !ctx.noEmit) liveUse({ e: 'id', name: v.name, start: v.init.start, end: v.init.end }, true);
          if (IMPLIED && v.name && v.init && !addrTaken.has(v.name) && !ctx.noEmit) {
            const k = constValue(v.init, env);
            if (k !== undefined) kval.set(v.name, k);
          }
          if (KNOWN_LOCALS && v.name && v.init && !ctx.noEmit) knowLocal(v.name, v.init);
          if (v.name && !ctx.noEmit && SINK) {
            if (declared.has(v.name)) unsinkable.add(v.name);
            declared.add(v.name);
            if (v.init && res.sites.length > before0 && !unsinkable.has(v.name) && !addrTaken.has(v.name) && !isVolatileObject(v.type) && relocConst(v.init)) {
              sinkable.set(v.name, { sites: res.sites.slice(before0), at: regions.slice() });
            }
          }
        }
        return undefined;
      case 'if': {
        // a condition constant at compile time (tetragon's `if (CONFIG(ITER_NUM))`, CONFIG() defined to 0): clang
        // never emits the dead arm, so it has no relocation (measured with clang 14: `if (0) BPF_CORE_READ(..)`
        // has no record); only the live arm is walked (a label in the dead arm is not looked for). A comparison of
        // a min/max with one of its operands is decided the same way (minMaxDecides).
        const cv = condValue(s.c);
        if (cv !== undefined) {
          const live = cv !== 0n ? s.t : s.f;
          if (live) stmt(live, ctx);
          return undefined;
        }
        // ub: an arm whose first statement stores through a pointer local that never gets a value is undefined on
        // entry: SimplifyCFG removes the edge into it (passingValueIsAlwaysUndefined), so only the other arm is left
        // and a pure condition dies with the branch (lmp's fs_watcher: `struct fs_t *e; .. if (fd >= 0) { e->fd =
        // fd; .. }`, no record of the PT_REGS_RC read fd holds)
        if (UB_ARMS && pure(s.c) && (undefStore(s.t) || (s.f && undefStore(s.f)))) {
          const live = undefStore(s.t) ? s.f : s.t;
          if (live) stmt(live, ctx);
          return undefined;
        }
        const pk = !ctx.noEmit && !loopEntry.length ? paramTest(s.c) : undefined;
        const ca = pk ? constArm(pk) : undefined;
        const x0 = cost + xcost;
        use(s.c, ctx);
        const xc = cost + xcost;
        // the condition is a short circuit whose right side is the last thing recorded (cse.ts: its block dominates)
        const sc = lastSc?.x === s.c && flow[flow.length - 1] === lastSc.ev;
        // the condition is a call recorded just now (an inlined helper's value: cse.ts `thread`)
        const lastEv = flow[flow.length - 1];
        const neg = s.c.e === 'unary' && s.c.op === '!';
        const cx = s.c.e === 'unary' && s.c.op === '!' ? s.c.x : s.c;
        const cc = THREAD && !sc && cx.e === 'call' && lastEv !== undefined && 'call' in lastEv && lastEv.call.start === cx.start && lastEv.call.end === cx.end;
        if (!ctx.noEmit) condUse(s.c);
        const gt = condGuards(s.c, true, gctx) ?? [];
        const gf = condGuards(s.c, false, gctx) ?? [];
        const ck = IMPLIED && !ctx.noEmit ? condKey(s.c) : undefined;
        const m0 = IMPLIED ? new Map(mver) : undefined;
        const c0 = res.calls.length;
        const f0 = freq;
        if (SWITCH_FREQ) chainProbs(s);
        const pt = chainPt.get(s) ?? branchProb(s.c);
        freq = f0 * pt;
        // each arm is a region of its own (sinkable; an exception ends the whole walk, so no finally)
        const tc: Ctx = { ...ctx, guards: [...ctx.guards, ...gt], pconds: withP(ctx, s.c, true), nonnull: withNN(ctx, s.c, true), knob: withK(ctx, s.c, true), kver: withV(ctx, s.c, true) };
        regions.push({ guards: tc.guards, pconds: tc.pconds });
        if (s.f) twoArms++;
        // (whether an arm falls through, asked with what is known on entry, before its own writes)
        const known0 = known;
        const tExits = neverFallsThrough(s.t);
        const fExits = !!s.f && neverFallsThrough(s.f);
        known = new Map(known0);
        if (!jumpOnly(s.t) && !ctx.noEmit) blockAt(freq);
        if (ca) constArmIn.push({ arm: ca, side: 't' });
        fall = undefined;
        const [, ft] = region(() => sinkExitArm(s.t, ctx, () => stmt(s.t, tc)));
        const fallT = armFall(s.t, tc);
        if (ca) constArmIn[constArmIn.length - 1] = { arm: ca, side: 'f' };
        const knownT = tExits ? undefined : known;
        known = new Map(known0);
        regions.pop();
        const fAfterT = freq;
        freq = f0 * (1 - pt);
        const c1 = res.calls.length;
        const xt = cost + xcost;
        const mt = mver;
        if (m0) mver = new Map(m0);
        let ff: FlowEv[] | undefined;
        let fallF: Fall | null = { guards: [...ctx.guards, ...gf], knob: withK(ctx, s.c, false), narrowed: false };
        if (s.f) {
          if (!jumpOnly(s.f) && !ctx.noEmit) blockAt(freq);
          const fc: Ctx = { ...ctx, guards: [...ctx.guards, ...gf], pconds: withP(ctx, s.c, false), nonnull: withNN(ctx, s.c, false), knob: withK(ctx, s.c, false), kver: withV(ctx, s.c, false) };
          regions.push({ guards: fc.guards, pconds: fc.pconds });
          fall = undefined;
          ff = region(() => sinkExitArm(s.f!, ctx, () => stmt(s.f!, fc)))[1];
          fallF = armFall(s.f, fc);
          regions.pop();
          twoArms--;
        }
        if (FALL_JOIN) { const [t0, f0] = [fallT, fallF]; fall = joinFalls(ctx, [t0, f0]); }
        if (ca) constArmIn.pop();
        known = knownJoin([knownT, fExits ? undefined : known], known0);
        freq += fAfterT;
        if (m0) {
          const mf = mver;
          mver = new Map(m0);
          for (const n of new Set([...mt.keys(), ...mf.keys()])) if (mt.get(n) !== m0.get(n) || mf.get(n) !== m0.get(n)) bumpMem(n);
        }
        const armDecls = TAIL_DECLS ? declaredNames(s) : [];
        const tl = TAIL_SINK && s.f ? sameTail(s.t, s.f) : undefined;
        flow.push({ sub: ft, ...(ff ? { alt: ff } : {}), kind: 'if', ...(shortCircuit(s.c) ? { scb: true as const } : {}), ...(tl ? { tl } : {}), ...(SINK_STORE && !s.f && sinksWithTail(s.t) ? { sst: true as const } : {}), ...(armDecls.length ? { decls: armDecls } : {}), ...(sc ? { sc: true as const } : {}), ...(cc ? { cc: neg ? 'neg' as const : true as const } : {}), ...(ck ? { ck } : {}),
          ...(switchChain(s) ? { sw: true as const } : {}), ...(SELECT_BLOCK && !s.f && selectArm(s) ? { selb: true as const } : {}),
          ...(IFCVT_LOADS && speculated(s) ? { spec: true as const } : {}), ...(paramTestOnly(s.c) ? { pc: true as const } : {}) });
        if (s.f && !ctx.noEmit) { markLead(s.t, ft); markLead(s.f, ff); }
        if (ca) Object.assign(ca, { test: xc - x0 + 1 + BRANCH_COST, t: { cost: xt - xc, calls: res.calls.slice(c0, c1) }, f: { cost: cost + xcost - xt, calls: res.calls.slice(c1) } });
        if (s.f) sinkTwinCalls(s.t, s.f, res.calls.slice(c0, c1), res.calls.slice(c1), ctx);
        return undefined;
      }
      case 'return': {
        if (s.x) use(s.x, ctx);
        returns.push({ x: s.x, guards: ctx.guards });
        // `return L || R;` with R the last thing recorded: a caller branching on the value is jump-threaded into R's
        // branch (cse.ts `thread`)
        const rsc = THREAD && s.x !== undefined && lastSc?.x === s.x && flow[flow.length - 1] === lastSc.ev;
        const rk = s.x !== undefined ? constValue(s.x, env) : undefined;
        flow.push({ exit: 'ret', ...(rsc ? { sc: true as const } : {}), ...(rk !== undefined ? { k: rk } : {}) });
        freq = 0;
        return undefined;
      }
      case 'block': block(s.body, ctx); return undefined;
      case 'loop': {
        scopes.push(new Map());
        if (s.init) stmt(s.init, ctx);
        // a for's own declarations are its scope's: their cleanups run once the loop is left (scoped_guard)
        const loopCleanups: Cleanup[] = [];
        if (s.init) cleanupsOf(s.init, ctx, loopCleanups);
        counterTrip(s);
        // known: what the body, condition or step writes changes on the back edge
        const loopWrites = writtenIn(s);
        for (const n of loopWrites) known.delete(n);
        const s0 = res.sites.length;
        const c0 = res.calls.length;
        const k0 = cost;
        const x0 = xcost;
        const h0 = helpers;
        // a loop body runs about 32 times per entry (BranchProbabilityInfo's loop-branch weights 124:4): never cold
        // unless the loop is; after the loop, as before it (breaks and returns inside are not weighed)
        const f0 = freq;
        freq = f0 * 32;
        // loop_join: the breaks' states, for the state after a loop that runs at least once (its body's end otherwise)
        const loopJoin: SwitchJoin | undefined = LOOP_JOIN && FALL_JOIN && (s.post || (tripCount(s) ?? 0) >= 1) && !oddExit(s.body) && !hasLabel(s.body)
          ? { base: ctx.guards, baseKnob: ctx.knob, paths: [] } : undefined;
        breakable.push(loopJoin ? { out: 0, join: loopJoin } : { out: 0 });
        loopEntry.push(f0);
        const frame = { variant: writtenIn(s), ind: inductionNames(s), sw: 0, inArm: 0, sites: new Set<RawSite>(), calls: new Set<CallRef>(), cost: 0, xcost: 0 };
        sinkFrames.push(frame);
        const licm = { stores: new Set<string>(), any: false };
        licmFrames.push(licm);
        // `do { } while (0)` (a statement macro) is straight code, no block of its own
        const once = s.c?.e === 'num' && s.c.v === 0n && s.c.start > s.body.start;
        if (!once) regions.push({ guards: ctx.guards, pconds: ctx.pconds, stop: true });
        loopPlain.push(once ? new Map() : loopCarried(s));
        let condEvs = 0;
        let bodyEnd: Fall | null | undefined;
        const loopEv: Extract<FlowEv, { kind: 'loop' | 'if' | 'switch' }> = { sub: region(() => {
          if (s.c) use(s.c, ctx);
          condEvs = flow.length;
          fall = undefined;
          stmt(s.body, ctx);
          bodyEnd = loopJoin ? armFall(s.body, ctx) : undefined;
          if (s.step) use(s.step, ctx);
        })[1], kind: 'loop' };
        loopPlain.pop();
        if (!once) regions.pop();
        sinkFrames.pop();
        licmFrames.pop();
        const regs = COF ? loopRegs(s) : 0;
        if (regs) loopEv.regs = regs;
        const inv = COF ? loopInv(s) : [];
        if (inv.length) loopEv.inv = inv;
        // (cse.ts sees it as the straight code it is unless a break or continue leaves it: a join after it then)
        // licm_hoist: what LICM takes out of a loop that runs at least once (a constant trip count) is straight code
        // before it, where GVN merges it like any other (the same address in every read of one iteration is one)
        const hoisted = !once && tripCount(s) !== 0 ? loopHoisted(loopEv.sub, loopWrites, helpers > h0, condEvs, licm) : new Set<RawSite>();
        if (hoisted.size) {
          const moved: FlowEv[] = [];
          const take = (es: FlowEv[]): FlowEv[] => es.filter((e) => {
            if ('s' in e && hoisted.has(e.s)) { moved.push(e); return false; }
            if ('sub' in e) { e.sub = take(e.sub); if (e.alt) e.alt = take(e.alt); }
            return true;
          });
          loopEv.sub = take(loopEv.sub);
          // into the preheader: straight code before a loop that runs at least once, else behind the guard that
          // skips the rotated loop when it runs no iteration
          if (s.post || !s.c || tripCount(s) !== undefined) flow.push(...moved);
          else flow.push({ sub: moved, kind: 'if' });
        }
        if (ONCE_STRAIGHT && s.post && s.c?.e === 'num' && s.c.v === 0n && !breaksLoop(s.body)) flow.push(...loopEv.sub);
        else flow.push(loopEv);
        breakable.pop();
        loopEntry.pop();
        freq = f0;
        scopes.pop();
        for (const n of loopWrites) known.delete(n);
        // a while/for loop whose trip count is unknown: loop rotation leaves a guard branching from the block
        // before it straight to the code after it (cse.ts `guard`)
        if (s.c && s.c.start < s.body.start && s.unroll === undefined && tripCount(s) === undefined) loopEv.guard = true;
        // an unrolled loop (a pragma over a constant trip count): clang emits every relocation of the body once per
        // copy, inlined calls included (the inliner runs first, the unroller after it). How many copies is LLVM's
        // decision (unrollCount): all iterations when the unrolled size fits the pragma threshold, else the
        // largest divisor of the trip count that fits (tracee's 330- and 500-iteration loops: 22 and 25 copies)
        const exit = s.unroll !== undefined && tripCount(s) === undefined ? countedExit(s) : undefined;
        const bound = !exit && MAX_TRIPS && s.unroll !== undefined && s.unroll > 0 && tripCount(s) === undefined ? maxCountedExit(s) : undefined;
        const counted = exit ? { ...s, c: exit } : bound ? { ...s, c: bound } : s;
        let n = s.unroll !== undefined ? tripCount(counted) : undefined;
        // a count below the max trip count unrolls with a remainder loop (run-time trip count): not modelled
        if (bound && n !== undefined && s.unroll! < n) n = undefined;
        const body = cost - k0;
        const xbody = xcost - x0;
        const copies = n !== undefined ? unrollCount(n, Math.round(body * LOOP_SIZE_SCALE), s.unroll!) : 0;
        // the arms leaving the loop are sunk into one copy (sinkArm): their sites, calls and cost count once; what LICM
        // hoisted too (licm_hoist). The other sites and calls of the body count once per copy; on a full unroll, the
        // copies a break on the induction variable leaves (capByExit). `kept`: calls already one per copy.
        const sunk = SINK_EXIT_ARMS ? frame : undefined;
        const copySites = (k: number, full: boolean): void => {
          const xs = res.sites.slice(s0).filter((x) => !sunk?.sites.has(x) && !hoisted.has(x));
          for (const x of xs) x.times = (x.times ?? 1) * k;
          if (full) capByExit(s, xs, k);
        };
        const copyCalls = (k: number, full: boolean, kept: Set<CallRef>): void => {
          const xs = res.calls.slice(c0).filter((x) => !kept.has(x) && !sunk?.calls.has(x));
          for (const x of xs) x.times = (x.times ?? 1) * k;
          if (full) capByExit(s, xs, k);
        };
        if (copies > 1) {
          cost += (body - (sunk?.cost ?? 0)) * (copies - 1);
          xcost += (xbody - (sunk?.xcost ?? 0)) * (copies - 1);
          copySites(copies, copies === n);
          // a full unroll: a call given the induction variable gets its constant in each copy instead
          if (copies === n) { loopEv.full = true; loopEv.trips = copies; if (DEAD_LAST) deadLastCopy(s, s0, copies); }
          copyCalls(copies, copies === n, copies === n && copies <= MAX_SPLIT_COPIES ? unrollInductionCalls(counted, c0, copies) : new Set<CallRef>());
        } else if (s.unroll === undefined) {
          const made = unrollInductionCalls(s, c0, MAX_ANALYZED_TRIPS);
          if (made.size && helpers > h0) rolledTrips(body);
          // LoopFullUnrollPass runs in each function's simplification, before the inliner weighs the function as a
          // callee: a constant-trip loop whose unrolled size fits -O2's UnrollThreshold (150) costs every copy
          // (bcc's tcprtt: ipv6_is_not_zero's 16-byte loop, LLVM cost 205 where one copy is 20)
          const tc = tripCount(s);
          const size = Math.max(Math.round(body * LOOP_SIZE_SCALE), BE_INSNS + 1);
          if (tc !== undefined && tc > 1 && (size - BE_INSNS) * tc + BE_INSNS <= FULL_UNROLL_THRESHOLD) {
            loopEv.full = true;
            cost += body * (tc - 1);
            xcost += xbody * (tc - 1);
            // and clang emits the body's relocations once per copy, as for a pragma's full unroll (the calls given
            // the induction variable are already one per copy: unrollInductionCalls)
            if (FULL_UNROLL_COPIES && !hasLoop(s.body) && fullUnrollFits(body, loopEv.sub, tc)) {
              copySites(tc, true);
              loopEv.trips = tc;
              if (DEAD_LAST) deadLastCopy(s, s0, tc);
              copyCalls(tc, true, made);
            }
          }
        }
        if (UNROLLED_INDEX && loopEv.full && loopEv.trips !== undefined && loopEv.trips > 1) unrolledIndexSites(s, hoisted);
        if (loopCleanups.length) {
          scopes.push(new Map(s.init?.s === 'decl' ? s.init.vars.map((v) => [v.name, v.type] as const) : []));
          try { runCleanups(loopCleanups); } finally { scopes.pop(); }
        }
        // loop_join: a loop entered at least once is left from the end of an iteration (its condition false) or by a
        // break: a check's value is the same in every iteration, so what a path through the whole body adds (`if
        // (bpf_core_field_exists(..)) return;` in it) holds after the loop too; the verifier, walking the first
        // iteration (an unrolled copy or its bounded-loop walk), never goes past a return a known constant takes
        fall = loopJoin && bodyEnd !== undefined ? joinFalls(ctx, [bodyEnd, ...loopJoin.paths]) : undefined;
        return undefined;
      }
      case 'switch': {
        known.clear();
        use(s.c, ctx);
        const f0 = freq;
        const join: SwitchJoin = { base: ctx.guards, baseKnob: ctx.knob, paths: [] };
        breakable.push({ out: 0, sw: switchShares(s.body, f0), join });
        freq = 0;
        regions.push({ guards: ctx.guards, pconds: ctx.pconds, stop: true });
        const swFrame = sinkFrames[sinkFrames.length - 1];
        if (swFrame) swFrame.sw++;
        try { const r = switchStmt(s, ctx, join); fall = FALL_JOIN ? switchFall(s, ctx, join) : undefined; return r; } finally {
          known.clear();
          if (swFrame) swFrame.sw--;
          regions.pop();
          const b = breakable.pop()!;
          freq = b.out + freq + (b.sw!.dflt ? 0 : f0 / b.sw!.n);
        }
      }
      case 'label': {
        // const_switch: where each top-level label of the switch being recorded starts, in cost
        const rec = swRecs[swRecs.length - 1];
        if (rec?.tops.has(s)) rec.marks.push({ st: s, k: cost, x: xcost });
        known.clear();
        const sw = breakable[breakable.length - 1]?.sw;
        // a case (or default) label: its share of the switch's entry; a goto target: what falls into it and what
        // the gotos before it carry (a goto after it, a loop back: unknown, never cold)
        if (s.name !== undefined) {
          const carried = gotoFreq.get(s.name);
          const name = s.name;
          const later = (f.body ?? []).some((t, i) => t.s === 'goto' && t.start > s.start && f.body![i + 1]?.s === name);
          freq = later || (carried ?? 0) < 0 ? 0 : freq + (carried ?? 0);
        } else if (sw) freq += sw.f0 / sw.n;
        else freq = 0;
        flow.push(caseCut(s));
        fall = undefined;
        const r = stmt(s.body, ctx);
        if (!STRUCTURED.has(s.body.s)) fall = undefined;
        return r;
      }
      case 'jump': {
        const b = breakable[breakable.length - 1];
        flow.push(s.kind === 'break' && b?.sw ? { exit: 'jump', brk: true } : s.kind === 'break' ? { exit: 'jump' } : { exit: 'jump', skip: true });
        if (s.kind === 'break' && b) b.out += freq;
        // a break out of a switch: a path to the code after it, with its guards (FALL_JOIN)
        if (s.kind === 'break' && b?.join) {
          const j = b.join;
          j.paths.push({ guards: ctx.guards, knob: ctx.knob, narrowed: ctx.guards.length > j.base.length || ctx.knob !== j.baseKnob, reach: j.reach });
        }
        // a goto from code of unknown frequency makes its label unknown (-1)
        if (s.target !== undefined && (gotoFreq.get(s.target) ?? 0) >= 0) {
          gotoFreq.set(s.target, freq > 0 ? (gotoFreq.get(s.target) ?? 0) + Math.min(freq, loopEntry[0] ?? freq) : -1);
        }
        freq = 0;
        return undefined;
      }
      // asm may write memory (barrier(), barrier_var): a later direct load is a load of its own
      case 'empty':
        if (!s.asm) return undefined;
        for (const fr of licmFrames) fr.any = true;
        cut();
        // barrier_var(v) with v holding a comparison's value (below's `bool has_get = bpf_ksym_exists(..)`): the asm
        // takes it in a register, so the comparison is a select, a branch over one move (cse.ts `diamond`)
        if (DIAMOND && !ctx.noEmit) for (const v of s.asmVars ?? []) if (boolLocals.has(v)) flow.push({ sub: [], kind: 'if', diamond: true });
        return undefined;
      default: return undefined;
    }
  }

  /** The flow event of a label (a case starts a block the switch enters), naming the earlier arm's first site when
   * armTwins found this arm to repeat it: that site, its own and within its text, tells cse.ts whether that arm is
   * there in a copy (a switch on a parameter an inlined caller gives a constant keeps one arm). */
  function caseCut(label: Stmt): FlowEv {
    const tw = twinLabel.get(label);
    const first = tw && armSites.get(tw.of);
    const probe = first !== undefined ? res.sites[first] : undefined;
    armSites.set(label, res.sites.length);
    return probe && probe.start >= tw!.of.start && probe.end <= tw!.end ? { cut: true, all: true, twin: probe } : { cut: true, all: true };
  }

  /** switch2: a switch with one case label (and a default) is a conditional branch once SimplifyCFG is done
   * (ConstantFoldTerminator turns a one-case switch into `icmp eq` and `br`): its events as an if's, each arm's
   * own (the case's, the default's), without the `break` that ends one. Only arms that end in a break or an exit and
   * hold no other break of the switch and no label; else undefined (the switch event). */
  function twoWay(s: Extract<Stmt, { s: 'switch' }>, evs: FlowEv[]): FlowEv | undefined {
    if (s.body.s !== 'block') return undefined;
    // the arms as statements: each label's own statement and those after it up to the next label
    const arms: Stmt[][] = [];
    for (const st of s.body.body) {
      if (st.s === 'label' && st.name === undefined) arms.push([st.body]);
      else if (!arms.length) return undefined;
      else arms[arms.length - 1]!.push(st);
    }
    const cases = s.body.body.filter((x) => x.s === 'label' && x.name === undefined && x.x !== undefined).length;
    if (cases !== 1 || arms.length > 2) return undefined;
    const inner = (st: Stmt, top: boolean): boolean => {
      // a break of the switch before an arm's end, a label (a goto target, a nested case) inside: not an if
      switch (st.s) {
        case 'jump': return st.kind === 'break' && !top;
        case 'label': return true;
        case 'block': return st.body.some((x, i) => inner(x, top && i === st.body.length - 1));
        case 'if': return inner(st.t, false) || (!!st.f && inner(st.f, false));
        case 'loop': case 'switch': return hasLabel(st.body);
        default: return false;
      }
    };
    const brk = (st: Stmt | undefined): boolean => st?.s === 'jump' && st.kind === 'break';
    const exits = (st: Stmt | undefined): boolean => st?.s === 'return' || (st?.s === 'jump' && st.kind !== 'break');
    for (const [i, arm] of arms.entries()) {
      if (arm.some((x, k) => inner(x, k === arm.length - 1))) return undefined;
      // the first arm may not fall into the second
      const last = arm[arm.length - 1];
      if (i < arms.length - 1 && !brk(last) && !exits(last)) return undefined;
    }
    // the events per arm: split at the labels' cuts (top level: the arms hold no label)
    const parts: FlowEv[][] = [[]];
    for (const e of evs) {
      if ('cut' in e && e.all) parts.push([]);
      else parts[parts.length - 1]!.push(e);
    }
    if (parts.length !== arms.length + 1 || parts[0]!.some((e) => !('cut' in e && e.soft))) return undefined;
    const armEvs = arms.map((arm, i) => {
      const xs = parts[i + 1]!;
      // the arm's break goes on after the switch: no exit
      if (!brk(arm[arm.length - 1])) return xs;
      let k = xs.length - 1;
      while (k >= 0 && 'cut' in xs[k]! && (xs[k] as { soft?: true }).soft) k--;
      return k >= 0 && 'exit' in xs[k]! ? [...xs.slice(0, k), ...xs.slice(k + 1)] : xs;
    });
    return { sub: armEvs[0]!, ...(armEvs[1] ? { alt: armEvs[1] } : {}), kind: 'if' };
  }

  /**
   * switch_guards: the cases of a switch on a CO-RE check's value (`switch (bpf_core_field_size(t->x))`, or that value
   * masked, `& 3`) run only on targets where the value matches one of the labels reaching them; the default where it
   * matches none. The value is a constant per target (libbpf patches it), so the verifier walks only that way, and a
   * failure in another case is no failure there.
   */
  function switchOnCheck(s: Extract<Stmt, { s: 'switch' }>): SwitchOnCheck | undefined {
    if (!SWITCH_GUARDS || s.body.s !== 'block' || !masked(s.c, gctx)) return undefined;
    const values: bigint[] = [];
    let ok = true;
    const collect = (st: Stmt, d = 0): void => {
      if (d > 64 || !ok) return;
      if (st.s === 'label' && st.x) { const v = constValue(st.x, env); if (v === undefined) ok = false; else values.push(v); }
      if (st.s === 'label') collect(st.body, d + 1);
      else if (st.s === 'block') st.body.forEach((b) => collect(b, d + 1));
      else if (st.s === 'if') { collect(st.t, d + 1); if (st.f) collect(st.f, d + 1); }
      else if (st.s === 'loop') collect(st.body, d + 1);
    };
    collect(s.body);
    // a label inside a nested statement (Duff's device) is not modelled: no guards
    const top = s.body.body.reduce((n, st) => n + (caseLabels(st)?.filter((x) => x !== 'default').length ?? 0), 0);
    return ok && top === values.length ? { c: s.c, values } : undefined;
  }

  /** The case labels a statement starts with (`case 1: case 2: x;`), 'default' for a default, or undefined (a goto
   * label ends them; a label clang cannot fold was refused by switchOnCheck). */
  function caseLabels(s: Stmt): (bigint | 'default')[] | undefined {
    const out: (bigint | 'default')[] = [];
    for (let cur: Stmt = s, d = 0; cur.s === 'label' && d < 64; cur = cur.body, d++) {
      if (!cur.x) { if (cur.name !== undefined) break; out.push('default'); continue; }
      const v = constValue(cur.x, env);
      if (v !== undefined) out.push(v);
    }
    return out.length ? out : undefined;
  }

  /** The state falling out of an if's arm just walked (`fall` as its walk left it): null when it never falls through. */
  function armFall(st: Stmt, c: Ctx): Fall | null {
    if (neverFallsThrough(st)) return null;
    const f = STRUCTURED.has(st.s) ? fall : undefined;
    if (f === null) return null;
    return f ?? { guards: c.guards, knob: c.knob, narrowed: false };
  }

  /**
   * FALL_JOIN: the state after a statement whose paths leave it in these states (null: a path that never falls out),
   * entered in `entry`: its guards and the disjunction of what each path adds, a path that runs only with a knob set
   * dropped while another runs with the default (the verifier, and `check FILE.o`, read the default). Unchanged
   * (narrowed false) when every path falls out as it entered.
   */
  function joinFalls(entry: Ctx, paths: (Fall | null)[]): Fall | null {
    const same: Fall = { guards: entry.guards, knob: entry.knob, narrowed: false };
    let live = paths.filter((p): p is Fall => p !== null);
    if (!live.length) return null;
    if (!entry.knob && live.some((p) => !p.knob)) live = live.filter((p) => !p.knob);
    if (live.length === paths.length && !live.some((p) => p.narrowed)) return same;
    const n = entry.guards.length;
    const extras: GuardRef[][] = [];
    for (const p of live) {
      if (p.guards.length < n || entry.guards.some((g, k) => p.guards[k] !== g)) return same;
      extras.push(p.guards.slice(n));
    }
    const guards = [...entry.guards, ...disjunction(extras)];
    const knob = entry.knob ?? (live.every((p) => p.knob) ? live[0]!.knob : undefined);
    return { guards, knob, narrowed: guards.length > n || knob !== entry.knob };
  }

  /** FALL_JOIN: the state after a switch, from its breaks, its body's end and, with no default label, the values no
   * case takes. Case guards alone (every label reached by a path that adds nothing else) imply nothing. */
  function switchFall(s: Extract<Stmt, { s: 'switch' }>, entry: Ctx, join: SwitchJoin): Fall | null | undefined {
    if (join.bad) return undefined;
    const paths = [...join.paths];
    const dflt = s.body.s === 'block' && s.body.body.some((x) => caseLabels(x)?.includes('default'));
    if (!dflt) paths.push({ guards: [...entry.guards, ...(join.sw ? caseGuards(join.sw, ['default']) ?? [] : [])], knob: entry.knob, narrowed: false, reach: ['default'] });
    if (join.sw && paths.every((p) => !p.narrowed)) {
      const hit = new Set(paths.flatMap((p) => p.reach ?? []).map(String));
      if (hit.has('default') && join.sw.values.every((v) => hit.has(String(v)))) return { guards: entry.guards, knob: entry.knob, narrowed: false };
      // a path falling out under its case guards only: what the others add is implied
      return joinFalls(entry, paths.map((p) => ({ ...p, narrowed: true })));
    }
    return joinFalls(entry, paths);
  }

  /** The guards of code reached from these case labels of a switch on a check (undefined: nothing implied). */
  function caseGuards(sw: SwitchOnCheck, reach: readonly (bigint | 'default')[]): GuardRef[] | undefined {
    const num = (v: bigint): Expr => ({ e: 'num', v, start: sw.c.start, end: sw.c.end });
    const cmp = (op: string, v: bigint): Expr => ({ e: 'binary', op, l: sw.c, r: num(v), start: sw.c.start, end: sw.c.end });
    const ors: Expr[] = reach.filter((v): v is bigint => v !== 'default').map((v) => cmp('==', v));
    if (reach.includes('default')) {
      let none: Expr | undefined;
      for (const v of sw.values) { const c = cmp('!=', v); none = none ? { e: 'binary', op: '&&', l: none, r: c, start: sw.c.start, end: sw.c.end } : c; }
      if (!none) return undefined;
      ors.push(none);
    }
    if (!ors.length) return [];
    const cond = ors.reduce((a, b) => ({ e: 'binary', op: '||', l: a, r: b, start: sw.c.start, end: sw.c.end }));
    return condGuards(cond, true, gctx);
  }

  /** const_switch: what inlining `d` with the constants `ks` saves of its switches and those of the always_inline
   * callees it hands them to (a constant it passes itself is counted in its own summary already). */
  function switchSaved(d: FuncDef, ks: (bigint | undefined)[], depth: number): { k: number; x: number } {
    const r = CONST_SWITCH && depth < 16 && ks.some((k) => k !== undefined) ? opts.summaryOf?.(d) : undefined;
    if (!r) return { k: 0, x: 0 };
    const out = constSwitchSaved(r, ks);
    for (const c of r.calls) {
      if (!c.def.alwaysInline || !c.def.body || !c.args || c.twin || c.copyOf || c.def === d) continue;
      const lit = c.args.map((a) => a.k ?? a.kz);
      const all = c.args.map((a) => a.k ?? a.kz ?? (a.param !== undefined ? ks[a.param] : undefined));
      if (!all.some((k, i) => k !== undefined && lit[i] === undefined)) continue;
      const a = switchSaved(c.def, all, depth + 1);
      const b = switchSaved(c.def, lit, depth + 1);
      out.k += a.k - b.k;
      out.x += a.x - b.x;
    }
    return out;
  }
  /** const_switch: the switches being walked whose top-level labels are being marked (ConstSwitch). */
  const swRecs: { tops: Set<Stmt>; marks: { st: Stmt; k: number; x: number }[] }[] = [];
  /**
   * const_switch: a switch statement of the function's top-level body on a parameter, with the transforms the
   * statements before it make of that parameter; undefined when it is not one, or when a statement before it writes
   * the parameter otherwise than `p op= K` (alone, or in the arm of an if without else whose condition is the
   * parameter's and constants' only) or takes its address.
   */
  function constSwitchOf(s: Extract<Stmt, { s: 'switch' }>): { param: number; pre: ConstSwitch['pre']; body: Stmt[] } | undefined {
    if (!CONST_SWITCH || s.body.s !== 'block') return undefined;
    const c = uncast(s.c);
    if (c.e !== 'id') return undefined;
    const param = f.params.findIndex((q) => q.name === c.name);
    const at = topBody.indexOf(s);
    if (param < 0 || at < 0 || addrTaken.has(c.name)) return undefined;
    const name = c.name;
    /** Whether the expression writes the parameter. */
    const writes = (x: Expr): boolean => {
      let w = false;
      walkExpr(x, (y) => {
        if (y.e === 'assign' && uncast(y.l).e === 'id' && (uncast(y.l) as { name: string }).name === name) w = true;
        if ((y.e === 'postfix' || y.e === 'unary') && (y.op === '++' || y.op === '--' || y.op === '&') && uncast(y.x).e === 'id' && (uncast(y.x) as { name: string }).name === name) w = true;
      });
      return w;
    };
    const stmtWrites = (st: Stmt): boolean => { let w = false; eachExpr(st, (e) => { if (writes(e)) w = true; }); return w; };
    /** `p op= K` as a transform of p's value. */
    const step = (st: Stmt): ((v: bigint) => bigint | undefined) | undefined => {
      if (st.s !== 'expr' || st.x.e !== 'assign' || uncast(st.x.l).e !== 'id' || (uncast(st.x.l) as { name: string }).name !== name) return undefined;
      const k = constValue(st.x.r, env);
      if (k === undefined) return undefined;
      const op = st.x.op;
      return (v) => (op === '=' ? k : arith(op.slice(0, -1), v, k));
    };
    const pre: ConstSwitch['pre'] = [];
    for (const st of topBody.slice(0, at)) {
      if (!stmtWrites(st)) continue;
      const t = step(st);
      if (t) { pre.push(t); continue; }
      if (st.s !== 'if' || st.f || writes(st.c)) return undefined;
      const cond = valueOf(st.c, name);
      const arm = st.t.s === 'block' ? st.t.body : [st.t];
      const steps: ((v: bigint) => bigint | undefined)[] = [];
      for (const a of arm) {
        if (!stmtWrites(a)) continue;
        const t2 = step(a);
        if (!t2) return undefined;
        steps.push(t2);
      }
      if (!cond) return undefined;
      pre.push((v) => {
        const b = cond(v);
        if (b === undefined) return undefined;
        if (b === 0n) return v;
        let w: bigint | undefined = v;
        for (const t2 of steps) if (w !== undefined) w = t2(w);
        return w;
      });
    }
    return { param, pre, body: s.body.body };
  }
  /** const_switch: an expression's value given the parameter `name`'s (constants and that parameter only). */
  function valueOf(x: Expr, name: string): ((v: bigint) => bigint | undefined) | undefined {
    const u = uncast(x);
    if (u.e === 'id' && u.name === name) return (v) => v;
    const k = constValue(u, env);
    if (k !== undefined) return () => k;
    if (u.e === 'unary' && (u.op === '!' || u.op === '-' || u.op === '~')) {
      const a = valueOf(u.x, name);
      return a && ((v) => { const w = a(v); return w === undefined ? undefined : u.op === '!' ? (w === 0n ? 1n : 0n) : u.op === '-' ? -w : ~w; });
    }
    if (u.e === 'binary') {
      const a = valueOf(u.l, name);
      const b = valueOf(u.r, name);
      return a && b && ((v) => { const l = a(v); const r = b(v); return l === undefined || r === undefined ? undefined : arith(u.op, l, r); });
    }
    return undefined;
  }
  /** const_switch: the walk of a ConstSwitch done: its segments from the marks, recorded unless its body calls a
   * function with a body (contexts.ts weighs those calls apart) or a segment leaves otherwise than at its end. */
  function constSwitchDone(cs: { param: number; pre: ConstSwitch['pre']; body: Stmt[] }, rec: { marks: { st: Stmt; k: number; x: number }[] }, c0: number): void {
    if (res.calls.slice(c0).some((c) => c.def.body) || !rec.marks.length) return;
    const segs: ConstSwitch['segs'] = [];
    const ends = [...rec.marks.slice(1).map((m) => ({ k: m.k, x: m.x })), { k: cost, x: xcost }];
    for (let i = 0; i < rec.marks.length; i++) {
      const m = rec.marks[i]!;
      const from = cs.body.indexOf(m.st);
      const to = i + 1 < rec.marks.length ? cs.body.indexOf(rec.marks[i + 1]!.st) : cs.body.length;
      if (from < 0 || to < from) return;
      const vals: bigint[] = [];
      const names: string[] = [];
      let dflt = false;
      let first: Stmt = m.st;
      while (first.s === 'label') {
        if (first.x) { const v = constValue(first.x, env); if (v === undefined) return; vals.push(v); } else if (first.name !== undefined) names.push(first.name); else dflt = true;
        first = first.body;
      }
      const stmts = [first, ...cs.body.slice(from + 1, to)];
      const last = stmts[stmts.length - 1]!;
      // a jump anywhere but at the end: the segment may leave early, which a cut at labels cannot tell
      if (stmts.slice(0, -1).some((x) => hasJump(x)) || (last.s !== 'jump' && last.s !== 'return' && hasJump(last))) return;
      const next: ConstSwitch['segs'][number]['next'] = last.s === 'return' || (last.s === 'jump' && last.kind !== 'goto') ? 'exit'
        : last.s === 'jump' ? (last.target !== undefined ? { goto: last.target } : 'exit') : 'fall';
      const zs = MEMSET_RUNS ? zeroRun(last.s === 'jump' ? stmts.slice(0, -1) : stmts) : undefined;
      segs.push({ vals, dflt, names, k: ends[i]!.k - m.k, x: ends[i]!.x - m.x, next, ...(zs ? { zs } : {}) });
    }
    (res.constSwitches ??= []).push({ param: cs.param, pre: cs.pre, segs });
  }
  /** memset_runs: statements that are all `*(T *)(p op= K) = 0;` / `*(T *)p = 0;` stores through one pointer local
   * (or parameter) stepped by constants, each store's address next to the last one's: the pointer (with the step's
   * direction), stores and bytes. */
  function zeroRun(stmts: Stmt[]): { base: string; n: number; bytes: number } | undefined {
    let base: string | undefined;
    let bytes = 0;
    for (const st of stmts) {
      if (st.s !== 'expr' || st.x.e !== 'assign' || st.x.op !== '=' || constValue(st.x.r, env) !== 0n) return undefined;
      const l = st.x.l;
      if (l.e !== 'unary' || l.op !== '*' || l.x.e !== 'cast') return undefined;
      const pt = strip(l.x.type);
      const size = pt.k === 'ptr' ? sizeOf(pt.to) : undefined;
      let a = l.x.x;
      while (a.e === 'cast') a = a.x;
      // `p -= K` with K the store's size (the address it stores at is the one just below the last store's)
      if (a.e !== 'assign' || (a.op !== '-=' && a.op !== '+=') || a.l.e !== 'id' || !size || constValue(a.r, env) !== BigInt(size)) return undefined;
      // (the direction is part of the run: `d -= 8` downwards, `d += 8` upwards)
      if (base !== undefined && base !== `${a.l.name}${a.op}`) return undefined;
      base = `${a.l.name}${a.op}`;
      bytes += size;
    }
    return base !== undefined ? { base, n: stmts.length, bytes } : undefined;
  }
  /** A switch statement's arms (the condition already evaluated). */
  function switchStmt(s: Extract<Stmt, { s: 'switch' }>, ctx: Ctx, join?: SwitchJoin): undefined {
    if (ARM_TWINS && s.body.s === 'block') for (const [b, a] of armTwins(s.body.body)) twinLabel.set(b, a);
    const pf = paramField(s.c);
    const clamp = !pf && s.c.e === 'id' ? clampOf(s.c.name, s) : undefined;
    const p = pf ? pf.param : s.c.e === 'id' ? f.params.findIndex((q) => q.name === (s.c as { name: string }).name && (!assigned.has(q.name!) || clamp !== undefined)) : -1;
    // a switch is not modelled for clang's merge (measured: a check before it, in an arm and after it gave two
    // relocations, not one): nothing before it is available inside, nothing inside after it
    if (p < 0 || s.body.s !== 'block') {
      const sw = switchOnCheck(s);
      if (join) join.sw = sw;
      fall = undefined;
      const cs = !sw && !ctx.noEmit ? constSwitchOf(s) : undefined;
      if (cs) swRecs.push({ tops: new Set(cs.body), marks: [] });
      const c0 = res.calls.length;
      const evs = region(() => {
        if (sw) block((s.body as Extract<Stmt, { s: 'block' }>).body, ctx, sw);
        else {
          stmt(s.body, ctx);
          if (cs) constSwitchDone(cs, swRecs.pop()!, c0);
          const bf = takeFall();
          if (join && bf !== null) join.paths.push(bf && s.body.s === 'block' ? bf : { guards: ctx.guards, knob: ctx.knob, narrowed: false });
        }
      })[1];
      const dflt = s.body.s === 'block' ? { dflt: s.body.body.some((x) => caseLabels(x)?.includes('default')) } : {};
      flow.push(SWITCH2 ? twoWay(s, evs) ?? { sub: evs, kind: 'switch', ...dflt } : { sub: evs, kind: 'switch', ...dflt });
      return undefined;
    }
    const arms = s.body.body;
    if (join) join.bad = true;
    flow.push({ sub: region(() => switchOnParam(p, arms, ctx, pf?.field, clamp))[1], kind: 'switch' });
    return undefined;
  }

  /**
   * switch_clamp: the bound K when the parameter `name`'s only writes before the top-level statement `sw` are one
   * clamp `name = name > K ? K : name;` (or its mirrors: min(name, K)), its address never taken. After inlining, a
   * constant argument A makes that value min(A, K), a constant to InstCombine, and the switch on it folds to one arm
   * (SimplifyCFG): the others' reads are never emitted (tracee's and kvisor's cgroup_skb_submit: `size = size > FULL
   * ? FULL : size; switch (size) { case HEADERS: ..; case FULL: size = ctx->len; ..; default: .. ctx->len ..}` with
   * HEADERS or FULL given). Writes after `sw` (its arms' `size = ..`) come after the test.
   */
  function clampOf(name: string, sw: Stmt): bigint | undefined {
    if (!SWITCH_CLAMP || addrTaken.has(name) || !f.params.some((q) => q.name === name)) return undefined;
    const j = topBody.indexOf(sw);
    let k: bigint | undefined;
    for (let i = 0; i < j; i++) {
      const t = topBody[i]!;
      const c = k === undefined ? clampStmt(t, name) : undefined;
      if (c !== undefined) k = c;
      else if (writesVar(t, name)) return undefined;
    }
    return k !== undefined && k >= 0n ? k : undefined;
  }
  /** `n = n > K ? K : n;` (`>=`, `K < n`, `n < K ? n : K`, ..): K, the min's constant bound. */
  function clampStmt(t: Stmt, n: string): bigint | undefined {
    if (t.s !== 'expr' || t.x.e !== 'assign' || t.x.op !== '=' || t.x.l.e !== 'id' || t.x.l.name !== n) return undefined;
    const r = t.x.r;
    if (r.e !== 'cond' || r.c.e !== 'binary') return undefined;
    const isN = (e: Expr) => e.e === 'id' && e.name === n;
    const { op, l, r: rr } = r.c;
    // normalise to `n OP K`
    const [o, kx] = isN(l) ? [op, rr] : isN(rr) ? [({ '<': '>', '>': '<', '<=': '>=', '>=': '<=' } as { [o: string]: string })[op], l] : [undefined, undefined];
    if (!o || !kx) return undefined;
    const k = constValue(kx, env);
    if (k === undefined) return undefined;
    // n > K ? K : n  and  n < K ? n : K  are min(n, K)
    const ka = constValue(r.a, env);
    const kb = constValue(r.b, env);
    if ((o === '>' || o === '>=') && ka === k && isN(r.b)) return k;
    if ((o === '<' || o === '<=') && isN(r.a) && kb === k) return k;
    return undefined;
  }

  /** A switch's successors for branchProb: one per case value, one for the default (written or not). */
  function switchShares(body: Stmt, f0: number): { f0: number; n: number; dflt: boolean } {
    let n = 1;
    let dflt = false;
    for (const st of body.s === 'block' ? body.body : [body]) {
      for (let cur: Stmt = st; cur.s === 'label'; cur = cur.body) if (cur.x) n++; else dflt = true;
    }
    return { f0, n, dflt };
  }

  /**
   * The probability LLVM 14's BranchProbabilityInfo gives a branch on `c` being taken, without a profile:
   * `__builtin_expect` 2000:1; pointer comparisons (PH: `p == q` / `!p` 12:20, `!=` 20:12); integer comparisons with
   * 0 / -1 / 1 (ZH: `== 0`, `< 0`, `<= 0`, `== -1` 12:20, the opposite ones 20:12; not on a single-bit mask `x & 4`),
   * a plain value tested (`if (x)`: `x != 0`) 20:12 unless it is a bool (a bare i1 branch: no heuristic); else even.
   * `&&`, `||` and `!` compose as the short-circuit branches they are.
   */
  function branchProb(c: Expr): number {
    const LIKELY = 20 / 32;
    const mirror: { [op: string]: string } = { '<': '>', '>': '<', '<=': '>=', '>=': '<=', '==': '==', '!=': '!=' };
    switch (c.e) {
      case 'unary': return c.op === '!' ? 1 - branchProb(c.x) : LIKELY;
      case 'cast': return branchProb(c.x);
      case 'comma': return branchProb(c.r);
      case 'binary': {
        if ((c.op === '&&' || c.op === '||') && FOLD_CONDS) return chainProb(c, c.op);
        if (c.op === '&&') return branchProb(c.l) * branchProb(c.r);
        if (c.op === '||') return 1 - (1 - branchProb(c.l)) * (1 - branchProb(c.r));
        if (!(c.op in mirror)) return c.op === '&' && powerOfTwo(c.r) ? 0.5 : LIKELY;
        let op = c.op;
        let x = c.l;
        let k = constValue(c.r, env);
        if (k === undefined && (k = constValue(c.l, env)) !== undefined) { op = mirror[op]!; x = c.r; }
        const nullPtr = (e: Expr) => e.e === 'cast' && constValue(e.x, env) === 0n || e.e === 'id' && e.name === 'NULL';
        if (k === undefined) return nullPtr(c.r) || nullPtr(c.l) ? (op === '==' ? 1 - LIKELY : op === '!=' ? LIKELY : 0.5) : 0.5;
        if (x.e === 'binary' && x.op === '&' && (powerOfTwo(x.r) || powerOfTwo(x.l))) return 0.5;
        if (k === 0n) return op === '==' || op === '<' || op === '<=' ? 1 - LIKELY : LIKELY;
        if (k === -1n) return op === '==' ? 1 - LIKELY : op === '!=' || op === '>' ? LIKELY : 0.5;
        if (k === 1n && op === '<') return 1 - LIKELY;
        return 0.5;
      }
      case 'call': {
        if (c.fn.e === 'id' && c.fn.name === '__builtin_expect' && c.args.length === 2) {
          const v = constValue(c.args[1]!, env);
          if (v !== undefined) return v === 0n ? 1 / 2001 : 2000 / 2001;
        }
        const ft = c.fn.e === 'id' ? env.func(c.fn.name)?.type : undefined;
        return ft && ft.k === 'func' && isBool(ft.ret) ? 0.5 : LIKELY;
      }
      case 'id': {
        const t = lookup(c.name) ?? env.global(c.name);
        return t && isBool(t) ? 0.5 : LIKELY;
      }
      default: return LIKELY;
    }
  }

  /**
   * fold_conds: the probability of a `&&` / `||` chain's branch once SimplifyCFG's FoldBranchToCommonDest has merged
   * its conjuncts' blocks (LLVM 14, before the inliner weighs a call site). clang branches once per conjunct; a
   * conjunct's block whose instructions may all run unconditionally, at most one besides its compare
   * (BonusInstThreshold 1), folds into the block before it, the branch then on a `select` no BranchProbabilityInfo
   * heuristic knows: even. Two runs decide: the early SimplifyCFG, before SROA, where each variable read is a load of
   * its alloca, then the one after InstCombine, where locals are SSA values and only a conjunct still alone can join
   * (one that took others in has their compares as bonus instructions). Not merged after a branch
   * `__builtin_expect` makes predictable towards the common successor (99%); merged weights as
   * performBranchToCommonDestFolding computes them. InstCombine turns a merged `a == 0 && b == 0` of parameters (not
   * poison) into `(a | b) == 0`, whose zero heuristic counts again. Measured with clang 14 and
   * `opt -passes='print<block-freq>'` on the IR before the inliner (scx pandemonium's `!last_cpu_idle_miss && tctx &&
   * anchor >= 0 && (u64)anchor < nr_cpu_ids && bpf_cpumask_test_cpu(..)`: 1/2 * 1/2 * 1/2, not 1/2 * 5/8 * 5/8 ...).
   */
  function chainProb(c: Expr, op: string): number {
    const terms: { x: Expr; neg: boolean }[] = [];
    const flat = (e: Expr, neg: boolean): void => {
      if (e.e === 'unary' && e.op === '!' && e.x.e === 'binary' && (e.x.op === '&&' || e.x.op === '||')) return flat(e.x, !neg);
      if (e.e === 'binary' && (e.op === '&&' || e.op === '||') && (e.op === op) !== neg) { flat(e.l, neg); flat(e.r, neg); return; }
      terms.push({ x: e, neg });
    };
    flat(c, false);
    const and = op === '&&';
    const probOf = (t: { x: Expr; neg: boolean }): number => t.neg ? 1 - branchProb(t.x) : branchProb(t.x);
    /** __builtin_expect's weights on the term's branch (taken, not taken), or undefined. */
    const weightsOf = (t: { x: Expr; neg: boolean }): [number, number] | undefined => {
      let x = t.x;
      let neg = t.neg;
      while (x.e === 'unary' && x.op === '!') { neg = !neg; x = x.x; }
      if (x.e !== 'call' || x.fn.e !== 'id' || x.fn.name !== '__builtin_expect' || x.args.length !== 2) return undefined;
      const v = constValue(x.args[1]!, env);
      if (v === undefined) return undefined;
      const w: [number, number] = v === 0n ? [1, 2000] : [2000, 1];
      return neg ? [w[1], w[0]] : w;
    };
    interface Group { terms: number[]; w?: [number, number] }
    const costs = terms.map((t) => foldCost(t.x));
    // a branch predictable towards the common successor keeps the next conjunct's block (the 99% threshold)
    const predictable = (g: Group): boolean => !!g.w && (and ? g.w[1] : g.w[0]) / (g.w[0] + g.w[1]) >= 0.99;
    const merge = (g: Group, i: number): void => {
      const sw = weightsOf(terms[i]!);
      if (g.w || sw) {
        const [pt, pf] = g.w ?? [1, 1];
        const [st, sf] = sw ?? [1, 1];
        g.w = and ? [pt * st, pf * (sf + st) + pt * sf] : [pt * (sf + st) + pf * st, pf * sf];
      }
      g.terms.push(i);
    };
    const groups: Group[] = [];
    terms.forEach((t, i) => {
      const g = groups[groups.length - 1];
      const c = costs[i];
      if (g && c && c.pre <= 1 && !predictable(g)) merge(g, i);
      else groups.push({ terms: [i], ...(weightsOf(t) ? { w: weightsOf(t)! } : {}) });
    });
    // after InstCombine: a conjunct left alone joins the group before it when its SSA form is cheap enough
    for (let k = 1; k < groups.length; k++) {
      const g = groups[k]!;
      const c = costs[g.terms[0]!];
      if (g.terms.length !== 1 || !c || c.ssa > 1 || predictable(groups[k - 1]!)) continue;
      merge(groups[k - 1]!, g.terms[0]!);
      groups.splice(k--, 1);
    }
    let p = 1;
    for (const g of groups) {
      const q = g.w ? g.w[0] / (g.w[0] + g.w[1]) : g.terms.length === 1 ? probOf(terms[g.terms[0]!]!) : combined(g.terms.map((i) => terms[i]!), and);
      p *= and ? q : 1 - q;
    }
    return and ? p : 1 - p;
  }
  /**
   * A merged group's probability: even (a `select`), unless InstCombine makes one compare of it: `a == 0 && b == 0`
   * is `(a | b) == 0`, `a || b` is `(a | b) != 0`, `a < 0 && b < 0` is `(a & b) < 0`, `a >= 0 && b >= 0` is
   * `(a | b) > -1` (their zero heuristics: 12:20, 20:12), when every value after the first is a parameter never
   * written (noundef: a `select` becomes an `and` only when its second value cannot be poison).
   */
  function combined(ts: { x: Expr; neg: boolean }[], and: boolean): number {
    const form = (t: { x: Expr; neg: boolean }): { v: Expr; rel: string } | undefined => {
      let x = t.x;
      let neg = t.neg;
      while (x.e === 'unary' && x.op === '!') { neg = !neg; x = x.x; }
      let v: Expr;
      let rel: string;
      if (x.e === 'binary' && ['==', '!=', '<', '>='].includes(x.op) && constValue(x.r, env) === 0n) { v = x.l; rel = x.op; }
      else if (x.e === 'binary' && x.op === '>' && constValue(x.r, env) === -1n) { v = x.l; rel = '>='; }
      else if (x.e === 'id') { v = x; rel = '!='; }
      else return undefined;
      if (neg) rel = { '==': '!=', '!=': '==', '<': '>=', '>=': '<' }[rel]!;
      if (v.e !== 'id') return undefined;
      const t0 = lookup(v.name) ?? env.global(v.name);
      if (!t0 || strip(t0).k !== 'int' || isBool(t0)) return undefined;
      return { v, rel };
    };
    const fs = ts.map(form);
    if (fs.some((x) => !x)) return 0.5;
    const rel = fs[0]!.rel;
    if (fs.some((x) => x!.rel !== rel)) return 0.5;
    const param = (e: Expr): boolean => e.e === 'id' && f.params.some((q) => q.name === e.name) && !(writes.get(e.name) ?? 0) && !addrTaken.has(e.name);
    if (!fs.slice(1).every((x) => param(x!.v))) return 0.5;
    const LIKELY = 20 / 32;
    if (and && rel === '==') return 1 - LIKELY;
    if (!and && rel === '!=') return LIKELY;
    if (rel === '<') return 1 - LIKELY;
    if (rel === '>=') return LIKELY;
    return 0.5;
  }
  /**
   * What a conjunct's block costs FoldBranchToCommonDest: its instructions other than the compare it branches on
   * (bonus instructions), before SROA (`pre`: each variable read a load) and after InstCombine (`ssa`: locals are
   * values; `x + K < C` is `x < C - K`, a widened value compared with a constant is compared unwidened); undefined
   * when one may not run unconditionally (a load through a pointer, a volatile load, a call, a store, a division by
   * a variable) or the condition is no instruction of its own block (a bool local: its compare is elsewhere).
   */
  function foldCost(x: Expr): { pre: number; ssa: number } | undefined {
    let pre = 0;
    let ssa = 0;
    let bad = false;
    const isConst = (e: Expr): boolean => constValue(e, env) !== undefined;
    const sizeOfInt = (t: CType | undefined): number | undefined => { const s = t ? strip(t) : undefined; return s?.k === 'int' || s?.k === 'enum' ? s.size : undefined; };
    const typeOf = (e: Expr): CType | undefined => e.e === 'id' ? lookup(e.name) ?? env.global(e.name) : e.e === 'cast' ? e.type : undefined;
    const read = (name: string): void => {
      const local = lookup(name);
      const t = local ?? env.global(name);
      if (!t) { if (!env.enumConst(name) && !env.func(name)) bad = true; return; }
      if (isVolatile(t)) { bad = true; return; }
      if (strip(t).k === 'array' || strip(t).k === 'func') return;
      pre++;
      if (!local || addrTaken.has(name)) ssa++;
    };
    const walk = (e: Expr, vsConst: boolean, d: number): void => {
      if (bad || d > 24) { bad = true; return; }
      if (isConst(e)) return;
      switch (e.e) {
        case 'num': case 'sizeof': case 'type': return;
        case 'id': return read(e.name);
        case 'member': {
          let o: Expr = e;
          while (o.e === 'member' && !o.arrow) o = o.obj;
          if (o.e !== 'id') { bad = true; return; }
          return read(o.name);
        }
        case 'unary':
          if (e.op === '&') { if (e.x.e !== 'id' && !(e.x.e === 'member' && !e.x.arrow)) bad = true; return; }
          if (e.op === '+') return walk(e.x, vsConst, d + 1);
          if (e.op === '-' || e.op === '~' || e.op === '!') { pre++; ssa++; return walk(e.x, false, d + 1); }
          bad = true;
          return;
        case 'cast': {
          const to = sizeOfInt(e.type);
          const from = sizeOfInt(typeOf(e.x));
          if (to !== undefined && from !== undefined && to > from) { pre++; if (!vsConst) ssa++; }
          return walk(e.x, vsConst, d + 1);
        }
        case 'binary': {
          if (['==', '!=', '<', '>', '<=', '>='].includes(e.op)) { pre++; ssa++; walk(e.l, false, d + 1); return walk(e.r, false, d + 1); }
          if ((e.op === '/' || e.op === '%') && !isConst(e.r)) { bad = true; return; }
          if (!['+', '-', '*', '/', '%', '&', '|', '^', '<<', '>>'].includes(e.op)) { bad = true; return; }
          pre++;
          // InstCombine moves a constant addend to the other side of a compare with a constant
          if (!(vsConst && (e.op === '+' || e.op === '-') && (isConst(e.l) || isConst(e.r)))) ssa++;
          walk(e.l, false, d + 1);
          return walk(e.r, false, d + 1);
        }
        case 'call': {
          if (e.fn.e === 'id' && e.fn.name === '__builtin_expect' && e.args.length === 2) { pre += 2; return top(e.args[0]!, d + 1); }
          bad = true;
          return;
        }
        default: bad = true;
      }
    };
    const top = (e: Expr, d: number): void => {
      while (e.e === 'unary' && e.op === '!') e = e.x;
      if (e.e === 'binary' && ['==', '!=', '<', '>', '<=', '>='].includes(e.op)) {
        const kl = isConst(e.l);
        const kr = isConst(e.r);
        walk(e.l, kr, d + 1);
        walk(e.r, kl, d + 1);
        return;
      }
      if (e.e === 'call' && e.fn.e === 'id' && e.fn.name === '__builtin_expect') return walk(e, false, d);
      // a bool local's branch is on a compare made where the value was (not in this block); a parameter's folds
      if (e.e === 'id') { const t = lookup(e.name); if (t && isBool(t) && !f.params.some((q) => q.name === e.name)) { bad = true; return; } }
      walk(e, true, d + 1);
    };
    if (x.e === 'binary' && (x.op === '&&' || x.op === '||')) return undefined;
    top(x, 0);
    return bad ? undefined : { pre, ssa };
  }

  /** const_arms: the arms being walked of the ConstArms around here, innermost last. */
  const constArmIn: { arm: ConstArm; side: 't' | 'f' }[] = [];
  /** A ConstArm for a test of a parameter, recorded before its arms are walked (so the ones inside know it). */
  function constArm(pk: { param: number; op: string; k: bigint; x?: ParamExpr }): ConstArm {
    const in_ = constArmIn[constArmIn.length - 1];
    const a: ConstArm = { ...pk, test: 0, t: { cost: 0, calls: [] }, f: { cost: 0, calls: [] }, ...(in_ ? { in: { ...in_ } } : {}) };
    (res.constArms ??= []).push(a);
    return a;
  }
  /** const_arms: `c` as a test of one of this function's parameters against a constant (`p == K`, `K < p`, `!p`, `p`),
   * the parameter never written nor its address taken (a constant argument then decides it), else undefined. */
  let hasGotoMemo: boolean | undefined;
  /** Whether the body has a goto (a test may then run again after a write). */
  const hasGotoOf = (): boolean => (hasGotoMemo ??= (f.body ?? []).some((t) => t.s === 'goto'));
  function paramTest(c: Expr): { param: number; op: string; k: bigint } | undefined {
    if (!CONST_ARMS) return undefined;
    let neg = false;
    while ((c.e === 'unary' && c.op === '!') || c.e === 'cast' || unexpect(c) !== c) { if (c.e === 'unary') { neg = !neg; c = c.x; } else c = c.e === 'cast' ? c.x : unexpect(c); }
    const idx = (e: Expr): number => {
      while (e.e === 'cast') e = e.x;
      if (e.e !== 'id' || (writes.get(e.name) ?? 0) > 0 || addrTaken.has(e.name)) return -1;
      return f.params.findIndex((q) => q.name === e.name && lookup(e.name) === q.type);
    };
    const mirror: { [op: string]: string } = { '<': '>', '>': '<', '<=': '>=', '>=': '<=', '==': '==', '!=': '!=' };
    const negate: { [op: string]: string } = { '<': '>=', '>': '<=', '<=': '>', '>=': '<', '==': '!=', '!=': '==' };
    let r: { param: number; op: string; k: bigint; x?: ParamExpr } | undefined;
    if (c.e === 'binary' && c.op in mirror) {
      const kr = constValue(c.r, env);
      const kl = constValue(c.l, env);
      if (kr !== undefined && idx(c.l) >= 0) r = { param: idx(c.l), op: c.op, k: kr };
      else if (kl !== undefined && idx(c.r) >= 0) r = { param: idx(c.r), op: mirror[c.op]!, k: kl };
    } else if (idx(c) >= 0) r = { param: idx(c), op: '!=', k: 0n };
    if (r && neg) r.op = negate[r.op]!;
    if (!r && CONST_CONDS) {
      // const_conds: any condition over parameters and constants (`!__builtin_constant_p(len)`, `len > 1 && len % 2
      // == 1`): CallAnalyzer simplifies it on the constant arguments and walks only the live successor
      const ps: number[] = [];
      // a parameter written later in the body (`len -= 1` in the arm) still holds the argument here, when no write
      // was walked before this test and no goto may come back to it
      const idx = (e: Expr): number => {
        while (e.e === 'cast') e = e.x;
        if (e.e !== 'id' || addrTaken.has(e.name) || (version.get(e.name) ?? 0) > 0 || hasGotoOf()) return -1;
        return f.params.findIndex((q) => q.name === e.name && lookup(e.name) === q.type);
      };
      const px = (e: Expr, d: number): ParamExpr | undefined => {
        if (d > 12) return undefined;
        while (e.e === 'cast') e = e.x;
        const k = constValue(e, env);
        if (k !== undefined) return { k };
        if (e.e === 'id') { const i = idx(e); if (i >= 0) ps.push(i); return i >= 0 ? { p: i } : undefined; }
        if (e.e === 'call' && e.fn.e === 'id' && e.args.length === 1 && e.fn.name === '__builtin_constant_p') {
          const a = e.args[0]!;
          const i = idx(a);
          if (i >= 0) { ps.push(i); return { isc: i }; }
          return undefined;
        }
        if (e.e === 'call' && e.fn.e === 'id' && e.args.length === 2 && e.fn.name === '__builtin_expect') return px(e.args[0]!, d + 1);
        if (e.e === 'unary' && (e.op === '!' || e.op === '-' || e.op === '~')) { const l = px(e.x, d + 1); return l && { op: e.op, l }; }
        if (e.e === 'binary' && ['+', '-', '*', '/', '%', '&', '|', '^', '<<', '>>', '<', '>', '<=', '>=', '==', '!=', '&&', '||'].includes(e.op)) {
          const l = px(e.l, d + 1);
          const rr = l && px(e.r, d + 1);
          return rr && { op: e.op, l: l!, r: rr };
        }
        return undefined;
      };
      const x = px(c, 0);
      if (x && ps.length) r = { param: ps[0]!, op: '!=', k: 0n, x: neg ? { op: '!', l: x } : x };
    }
    return r;
  }

  /** `if (c) return f(a); else return f(b);` (or the same as plain calls) where f is a static function clang's inliner
   * weighs: SimplifyCFG sinks the two calls into one when that needs at most one PHI, before the inliner sees them,
   * so f has one call site there: one copy (inlined, or one BPF-to-BPF call), run whichever way the branch goes.
   * Measured with clang 14 `-Rpass=inline` (bcc's bitesize: `trace_rq_issue((void *)ctx[0])` / `ctx[1]`; the
   * live_inline fixture). The second call becomes the first's twin (contexts skip it). */
  function sinkTwinCalls(t: Stmt, e: Stmt, tCalls: CallRef[], eCalls: CallRef[], ctx: Ctx): void {
    const tail = (st: Stmt): Expr | undefined => {
      while (st.s === 'block' && st.body.length === 1) st = st.body[0]!;
      const x = st.s === 'return' ? st.x : st.s === 'expr' ? st.x : undefined;
      return x?.e === 'call' && x.fn.e === 'id' ? x : undefined;
    };
    const a = tail(t);
    const b = tail(e);
    if (!a || !b || a.e !== 'call' || b.e !== 'call' || a.fn.e !== 'id' || b.fn.e !== 'id' || a.fn.name !== b.fn.name) return;
    if (lastIsReturn(t) !== lastIsReturn(e)) return;
    if (a.args.length !== b.args.length) return;
    // PHIs the sunk call needs: an argument computed in the branch with one differing leaf (`(void *)ctx[0]` /
    // `ctx[1]`) sinks along with one PHI of its own; a differing value from before the branch or a constant costs
    // the call a PHI. SimplifyCFG sinks an instruction only when it needs at most one.
    let phis = 0;
    for (let i = 0; i < a.args.length; i++) {
      const x = (a.raw[i] ?? []).map((k) => k.s);
      const y = (b.raw[i] ?? []).map((k) => k.s);
      if (x.join(' ') === y.join(' ')) continue;
      const oneLeaf = x.length > 1 && x.length === y.length && x.filter((t, j) => t !== y[j]).length === 1;
      if (!oneLeaf) phis++;
    }
    if (phis > 1) return;
    const ra = tCalls.find((r) => r.start === a.start && r.end === a.end);
    const rb = eCalls.find((r) => r.start === b.start && r.end === b.end);
    if (!ra || !rb || ra.def !== rb.def || ra.def.inline || !inlinable(ra.def)) return;
    rb.twin = ra;
    ra.sunk = true;
    ra.freq = ra.freq && rb.freq ? ra.freq + rb.freq : 0;
    ra.guards = ctx.guards.slice();
    if (ctx.pconds?.length) ra.pconds = ctx.pconds; else delete ra.pconds;
    ra.args = ra.args?.map((x, i) => {
      const y = rb.args?.[i];
      return y && x.k !== undefined && x.k === y.k ? x : y && x.param !== undefined && x.param === y.param ? x : {};
    });
  }
  function lastIsReturn(st: Stmt): boolean {
    while (st.s === 'block' && st.body.length === 1) st = st.body[0]!;
    return st.s === 'return';
  }

  /**
   * Caps the n copies of a fully unrolled loop's sites or calls `xs` (TripCap): i the induction variable counting up
   * by one from a constant, an arm of an `if` on i's comparisons with constants runs in the copies whose i takes it,
   * and an `if (i == E) break;` among the body's own statements ends the copies at E, E a constant, or a parameter
   * the body never writes (or only clamps, `if (p >= K) p = K;` at the function's top) plus or minus a constant.
   * What an inner loop capped keeps its cap.
   */
  function capByExit(s: Extract<Stmt, { s: 'loop' }>, xs: (RawSite | CallRef)[], n: number): void {
    if (!xs.length) return;
    let v: string | undefined;
    let a: bigint | undefined;
    if (s.init?.s === 'decl' && s.init.vars.length === 1 && s.init.vars[0]!.init) { v = s.init.vars[0]!.name; a = constValue(s.init.vars[0]!.init!, env); }
    else if (s.init?.s === 'expr' && s.init.x.e === 'assign' && s.init.x.op === '=' && s.init.x.l.e === 'id') { v = s.init.x.l.name; a = constValue(s.init.x.r, env); }
    const st = s.step;
    const stepped = st && (st.e === 'unary' || st.e === 'postfix') ? (st as { x: Expr }).x : undefined;
    const up = !!st && ((stepped?.e === 'id' && stepped.name === v && (st as { op: string }).op === '++')
      || (st.e === 'assign' && st.op === '+=' && st.l.e === 'id' && st.l.name === v && constValue(st.r, env) === 1n));
    if (v === undefined || a === undefined || !up || writesVar(s.body, v)) return;
    const ind = v;
    const a0 = a;
    const mine = (x: RawSite | CallRef): boolean => !x.cap || x.cap.loop === s.start;
    const capOf = (x: RawSite | CallRef): TripCap => (x.cap ??= { loop: s.start, n, a: a0, unit: (x.times ?? 1) / n, times0: x.times ?? 1 });
    const values: bigint[] = [];
    for (let k = 0; k < n; k++) values.push(a0 + BigInt(k));
    // the arms: each site or call in one gets the copies whose i takes it (nested arms: both)
    const arm = (t: Stmt, live: bigint[]): void => {
      for (const x of xs) {
        if (x.start < t.start || x.end > t.end || !mine(x)) continue;
        const c = capOf(x);
        c.live = c.live ? c.live.filter((y) => live.includes(y)) : live;
      }
    };
    const visit = (t: Stmt): void => {
      if (t.s === 'block') { for (const u of t.body) visit(u); return; }
      if (t.s === 'if') {
        const part = inductionPart(t.c, ind);
        const only = part === t.c;
        if (UNROLL_FOLD && part) {
          const yes = values.filter((y) => evalAt(part, ind, y) === true);
          arm(t.t, yes);
          if (t.f && only) arm(t.f, values.filter((y) => evalAt(part, ind, y) === false));
        } else if (UNROLL_FOLD && !loopEntry.length && firstCopyDecided(t, ind, a0, s)) arm(t.t, values.slice(1));
        visit(t.t);
        if (t.f) visit(t.f);
        return;
      }
      if (t.s === 'loop') { visit(t.body); return; }
      if (t.s === 'label') visit(t.body);
    };
    visit(s.body);
    if (!UNROLL_EXIT) return;
    const items = s.body.s === 'block' ? s.body.body : [s.body];
    for (const t of items) {
      if (t.s !== 'if' || t.f) continue;
      const armStmt = t.t.s === 'block' && t.t.body.length === 1 ? t.t.body[0]! : t.t;
      if (armStmt.s !== 'jump' || armStmt.kind !== 'break' || t.c.e !== 'binary' || t.c.op !== '==') continue;
      const e = t.c.l.e === 'id' && t.c.l.name === v ? t.c.r : t.c.r.e === 'id' && t.c.r.name === v ? t.c.l : undefined;
      const bound = e && exitBound(e, v);
      if (!bound) continue;
      for (const x of xs) {
        if (x.start > s.end || !mine(x)) continue;
        Object.assign(capOf(x), bound, { after: x.start > t.end });
      }
      return;
    }
  }
  /**
   * `if ((i == A || i == B) && R)` whose first copy is decided (Hades' `((i == 1) || (i == 2)) && (privilege_flag ==
   * 0)`): BPFAdjustOpt hides `i == A` behind a passthrough call, so the arm stays in every copy (above), but in the
   * first one R is a constant when it reads only a local declared with a constant that nothing but this arm writes:
   * the condition is then the passthrough of `false` alone, which the backend folds once the call is gone (measured:
   * 7 of 8 copies; R reading memory, written before the if, or `i == A` true in the first copy: 8). Not in a loop
   * nested in another (an earlier outer iteration's arm may have written the local).
   */
  function firstCopyDecided(t: Extract<Stmt, { s: 'if' }>, ind: string, a: bigint, loop: Stmt): boolean {
    const c = t.c;
    if (c.e !== 'binary' || c.op !== '&&' || c.l.e !== 'binary' || c.l.op !== '||') return false;
    const l = c.l;
    if (!onInduction(l, ind) || hasOr(l.l) || hasOr(l.r) || evalAt(l, ind, a) !== false) return false;
    let v: string | undefined;
    walkExpr(c.r, (y) => { if (y.e === 'id' && constValue(y, env) === undefined) v = v === undefined || v === y.name ? y.name : '\0'; });
    if (v === undefined || v === '\0' || v === ind || addrTaken.has(v) || !onInduction(c.r, v) || hasOr(c.r)) return false;
    // its declaration with a constant before the loop, every other write inside the arm
    const b = f.body ?? [];
    let init: bigint | undefined;
    for (let i = 0; i < b.length; i++) {
      const k = b[i]!;
      if (k.t !== Tk.Ident || k.s !== v || b[i - 1]?.s === '.' || b[i - 1]?.s === '->') continue;
      const next = b[i + 1]?.s ?? '';
      const w = /^([-+*/%&|^]|<<|>>)?=$/.test(next) || next === '++' || next === '--' || b[i - 1]?.s === '++' || b[i - 1]?.s === '--';
      if (!w) continue;
      const at = k.exp?.start ?? k.start;
      if (at >= t.t.start && at < t.t.end) continue;
      const decl = next === '=' && b[i - 1]?.t === Tk.Ident && b[i + 2]?.t === Tk.Number && [';', ','].includes(b[i + 3]?.s ?? '') && at < loop.start;
      if (!decl || init !== undefined) return false;
      try { init = BigInt(b[i + 2]!.s.replace(/[uUlL]+$/, '')); } catch { return false; }
    }
    return init !== undefined && evalAt(c.r, v, init) !== undefined;
  }
  /** `x` reads the variable `v`, constants and nothing else. */
  function onInduction(x: Expr, v: string): boolean {
    let uses = false;
    const ok = (y: Expr): boolean => {
      switch (y.e) {
        case 'num': return true;
        case 'id': if (y.name === v) { uses = true; return true; } return constValue(y, env) !== undefined;
        case 'binary': return ['==', '!=', '<', '<=', '>', '>=', '&&', '||', '&', '+', '-', '%'].includes(y.op) && ok(y.l) && ok(y.r);
        case 'unary': return y.op === '!' && ok(y.x);
        default: return false;
      }
    };
    return ok(x) && uses;
  }
  /**
   * The conjuncts of `c` (`&&`) that compare the induction variable with constants, joined, or undefined: what decides
   * the then arm per copy whatever the rest is. `||` is left alone: the BPF backend (BPFAdjustOpt) hides one of two
   * comparisons of one value behind a passthrough call so that they stay two branches, and a chain of them combined
   * with another condition stays in every copy (measured: `(i == 1 || i == 2) && x`, `i == 1 || i == 2 || i == 5`).
   */
  function inductionPart(c: Expr, v: string, top = true): Expr | undefined {
    if (onInduction(c, v) && !hasOr(c)) return c;
    // the whole condition two comparisons of i `||`-ed: folded (measured: `i == 1 || i == 5`, `i < 2 || i > 5`)
    if (top && c.e === 'binary' && c.op === '||' && onInduction(c, v) && !hasOr(c.l) && !hasOr(c.r)) return c;
    if (c.e !== 'binary' || c.op !== '&&') return undefined;
    const l = inductionPart(c.l, v, false);
    const r = inductionPart(c.r, v, false);
    return l && r ? { ...c, l, r } : l ?? r;
  }
  function hasOr(c: Expr): boolean {
    let or = false;
    walkExpr(c, (y) => { if (y.e === 'binary' && y.op === '||') or = true; });
    return or;
  }
  /** `x` (onInduction) with `v` = `k`: true, false, or undefined when it cannot say. */
  function evalAt(x: Expr, v: string, k: bigint): boolean | undefined {
    const num = (y: Expr): bigint | undefined => {
      switch (y.e) {
        case 'id': return y.name === v ? k : constValue(y, env);
        case 'num': return constValue(y, env);
        case 'unary': { if (y.op !== '!') return undefined; const b = num(y.x); return b === undefined ? undefined : b === 0n ? 1n : 0n; }
        case 'binary': {
          const l = num(y.l); const r = num(y.r);
          if (l === undefined || r === undefined) return undefined;
          switch (y.op) {
            case '==': return l === r ? 1n : 0n; case '!=': return l !== r ? 1n : 0n;
            case '<': return l < r ? 1n : 0n; case '<=': return l <= r ? 1n : 0n;
            case '>': return l > r ? 1n : 0n; case '>=': return l >= r ? 1n : 0n;
            case '&&': return l !== 0n && r !== 0n ? 1n : 0n; case '||': return l !== 0n || r !== 0n ? 1n : 0n;
            case '&': return l & r;
            case '+': return l + r; case '-': return l - r; case '%': return r === 0n ? undefined : l % r;
            default: return undefined;
          }
        }
        default: return undefined;
      }
    };
    const r = num(x);
    return r === undefined ? undefined : r !== 0n;
  }
  /** `E` of an unrolled loop's `if (i == E) break;` as a constant plus (maybe) a parameter's argument, or undefined. */
  function exitBound(e: Expr, v: string): { k: bigint; param?: number; max?: bigint } | undefined {
    const k = constValue(e, env);
    if (k !== undefined) return { k };
    let p: Expr = e;
    let d = 0n;
    if (e.e === 'binary' && (e.op === '+' || e.op === '-')) {
      const r = constValue(e.r, env);
      const l = e.op === '+' ? constValue(e.l, env) : undefined;
      if (r !== undefined) { p = e.l; d = e.op === '+' ? r : -r; } else if (l !== undefined) { p = e.r; d = l; } else return undefined;
    }
    if (p.e !== 'id' || p.name === v) return undefined;
    const pname = p.name;
    const param = f.params.findIndex((q) => q.name === pname);
    if (param < 0 || (rebound.has(pname) && !assigned.has(pname))) return undefined;
    if (!assigned.has(pname)) return { k: d, param };
    // written once, by a clamp among the function's own statements: `if (p >= K) p = K;` (or `>`)
    if ((writes.get(pname) ?? 0) !== 1) return undefined;
    for (const t of topBody) {
      if (t.s !== 'if' || t.f || t.c.e !== 'binary' || (t.c.op !== '>=' && t.c.op !== '>') || t.c.l.e !== 'id' || t.c.l.name !== pname) continue;
      const arm = t.t.s === 'block' && t.t.body.length === 1 ? t.t.body[0]! : t.t;
      const max = constValue(t.c.r, env);
      if (max === undefined || arm.s !== 'expr' || arm.x.e !== 'assign' || arm.x.op !== '=' || arm.x.l.e !== 'id' || arm.x.l.name !== pname || constValue(arm.x.r, env) !== max) continue;
      return { k: d, param, max };
    }
    return undefined;
  }

  /** Iterations of `for (i = A; i < B; i++)` and its variants (<=, >, >=, !=, ++/--, += k/-= k), or undefined. */
  /**
   * A full unroll's last copy of `v = &p->f;` when `v` is read only by the next iteration (before the assignment in
   * the body, not in the condition or step, not after the loop): the value is dead there and clang emits no record
   * for it (measured: the path walks' `vfsmnt = &mnt_p->mnt; continue;`, one record per iteration but the last).
   */
  /** counter_loops: the trip counts counterTrip found, per loop statement (tripCount's answer for them). */
  const counterTrips = new Map<Stmt, number>();
  /**
   * counter_loops: a while or do-while loop counted by a local with a known constant value before it and stepped once,
   * unconditionally, at the top level of its body (`int i = 0; do { ..; i++; } while (i < 3);`): SCEV computes its
   * trip count as for a `for` loop (a do-while runs at least once), so LLVM unrolls it alike (measured: g2-style
   * shapes `counter_loops`). Called before the loop's writes forget the local's value.
   */
  function counterTrip(s: Extract<Stmt, { s: 'loop' }>): void {
    if (!COUNTER_LOOPS || s.init || s.step || !s.c || s.c.e !== 'binary' || s.c.l.e !== 'id') return;
    const v = s.c.l.name;
    const a = known.get(v);
    const b = boundValue(s.c.r);
    if (a === undefined || b === undefined) return;
    const top = s.body.s === 'block' ? s.body.body : [s.body];
    let d: bigint | undefined;
    let steps = 0;
    for (const st of top) {
      if (st.s !== 'expr') continue;
      const x = st.x;
      if ((x.e === 'unary' || x.e === 'postfix') && (x.op === '++' || x.op === '--') && x.x.e === 'id' && x.x.name === v) { steps++; d = x.op === '++' ? 1n : -1n; }
      else if (x.e === 'assign' && x.l.e === 'id' && x.l.name === v && (x.op === '+=' || x.op === '-=')) { const k = constValue(x.r, env); steps++; d = k === undefined ? undefined : x.op === '+=' ? k : -k; }
    }
    // the step is the loop's only write of the counter (a nested one, a second step or an assignment: no count)
    let writes = 0;
    eachExpr(s.body, (e) => walkExpr(e, (x) => {
      if (x.e === 'assign' && x.l.e === 'id' && x.l.name === v) writes++;
      if ((x.e === 'postfix' || (x.e === 'unary' && (x.op === '++' || x.op === '--'))) && x.x.e === 'id' && x.x.name === v) writes++;
      if (x.e === 'unary' && x.op === '&' && x.x.e === 'id' && x.x.name === v) writes += 2;
    }));
    if (steps !== 1 || writes !== 1 || !d) return;
    const n = tripsOf(a, b, d, s.c.op);
    if (n !== undefined) counterTrips.set(s, s.post && n < 1 ? 1 : n);
  }
  /**
   * full_unroll: whether LoopFullUnrollPass unrolls a loop without pragma, of `tc` trips and `body` cost units, whose
   * events are `evs`: the unrolled size (LLVM's ApproximateLoopSize, right after inlining: FULL_UNROLL_SCALE) must fit
   * UnrollThreshold. A direct CO-RE load weighs more there than in the inliner's cost (its relocation global's load,
   * the GEP and the llvm.bpf.passthrough call all count): DIRECT_LOAD_LOOP_SIZE more units each. Measured, not derived,
   * with -Rpass=loop-unroll on grids of our own (2 to 12 trips, 1 to 8 reads per iteration, direct loads and
   * BPF_CORE_READ; held-out shape `full_unroll`): every unrolled body fits with an extra weight up to 1.56 and every
   * rolled one exceeds it from 1.23 on; 1.4 is the middle.
   */
  function fullUnrollFits(body: number, evs: FlowEv[], tc: number): boolean {
    let direct = 0;
    const count = (es: FlowEv[]): void => { for (const e of es) { if ('s' in e && e.c === 'l') direct++; else if ('sub' in e) { count(e.sub); if (e.alt) count(e.alt); } } };
    count(evs);
    const size = Math.max(Math.round((body + direct * DIRECT_LOAD_LOOP_SIZE) * LOOP_SIZE_SCALE * FULL_UNROLL_SCALE), BE_INSNS + 1);
    return (size - BE_INSNS) * tc + BE_INSNS <= FULL_UNROLL_THRESHOLD;
  }
  /**
   * licm_hoist: the sites of a loop body that share one record for every iteration (and every copy of an unrolled
   * body), as if LICM had moved them before the loop. A HEURISTIC over two mechanisms, measured with clang 14 (held-out
   * shape `licm_hoist`, grids of our own), not derived: without calls in the body, LICM hoists a field check's load of
   * its relocation global wherever it is in the body (a global load is speculatable); with calls (a probe read may
   * write any global), a check stays per copy, and only a body of straight code (no if, switch, loop or short circuit
   * after the loop's own condition) shares its addresses through a pointer the loop never writes (`BPF_CORE_READ(t, ..)`'s first hop, `bpf_core_read(.., &t->f)`, `&t->comm[i]`'s
   * base). Never in a loop that may be left early (measured: two records of four), never a direct load's record (on
   * each copy's load), nor inlined calls' sites. Measured and left: a branchy body with calls merges some copies'
   * addresses (two records of four) where the model keeps all.
   */
  function loopHoisted(evs: FlowEv[], written: Set<string>, calls: boolean, cond: number, licm: { stores: Set<string>; any: boolean }): Set<RawSite> {
    const out = new Set<RawSite>();
    if (!LICM_HOIST) return out;
    const exits = (es: FlowEv[]): boolean => es.some((e) => 'exit' in e || ('sub' in e && (exits(e.sub) || (!!e.alt && exits(e.alt)))));
    // licm_loads: the body's own direct loads at its top level, their chain invariant and unclobbered (see
    // LICM_LOADS). Before any exit LICM hoists them (they run on every iteration); after a break or return, each
    // unrolled copy's load is dominated by the copy before's, which GVN (after the unroll, the same MemorySSA and
    // TBAA facts) reuses: one record either way. A continue or goto before it lets the next copy start without it.
    const skips = (es: FlowEv[]): boolean => es.some((e) => ('exit' in e && !!e.skip) || ('sub' in e && (skips(e.sub) || (!!e.alt && skips(e.alt)))));
    if (LICM_LOADS && !calls && !licm.any && !licm.stores.has('*')) {
      for (const e of evs) {
        if (('exit' in e && e.exit === 'jump' && !e.brk) || ('sub' in e && (skips(e.sub) || (!!e.alt && skips(e.alt))))) break;
        if (!('s' in e) || !e.lic || written.has(e.lic.root)) continue;
        if (e.lic.tys.every((c) => c !== 'volatile' && c !== '*' && !licm.stores.has(c))) out.add(e.s);
      }
    }
    if (exits(evs)) return out;
    // (an inlined call may branch inside: its blocks split the copies alike)
    const branchy = evs.slice(cond).some((e) => 'sub' in e || 'call' in e);
    const checks = (es: FlowEv[]): void => { for (const e of es) { if ('s' in e && e.c === 'v') out.add(e.s); else if ('sub' in e) { checks(e.sub); if (e.alt) checks(e.alt); } } };
    if (!calls) checks(evs);
    if (!branchy) for (const e of evs) if ('s' in e && e.c === 'a' && e.b !== undefined && !e.nul && !e.co && !written.has(e.b.split('#')[0]!)) out.add(e.s);
    return out;
  }
  function deadLastCopy(s: Extract<Stmt, { s: 'loop' }>, s0: number, copies: number): void {
    for (const a of addrSets) {
      const i = res.sites.indexOf(a.site);
      // only the innermost loop around the assignment (an outer loop's last iteration still runs every inner one)
      if (i < s0 || a.end > s.end || a.end < s.body.start || a.depth !== loopEntry.length + 1) continue;
      if (readsVar(s.body, a.v, a.end, s.end) || (s.c && readsExpr(s.c, a.v, 0, Infinity)) || (s.step && readsExpr(s.step, a.v, 0, Infinity))) continue;
      // after the loop, in the function's tokens (a macro's by its invocation)
      if ((f.body ?? []).some((t) => t.s === a.v && (t.exp?.start ?? t.start) >= s.end)) continue;
      const t = a.site.times ?? 1;
      if (t >= copies) a.site.times = t - t / copies;
      // a break on the induction variable ends the walk earlier: its last copy is dead too (tripCapped)
      if (a.site.cap) a.site.cap.times0 = a.site.times ?? 1;
    }
  }
  /**
   * The compare of `for (i = A; i < B && R; i++)` that LLVM 14 counts the loop by, or undefined. LoopUnrollPass takes
   * the smallest exact trip count among the loop's exiting blocks (getSmallConstantTripCount per block), so a full
   * unroll needs the compare to stay a block of its own: clang branches on it first (it is the leftmost `&&`
   * conjunct) and SimplifyCFG's FoldBranchToCommonDest cannot merge the next conjunct's block into that branch,
   * because its first instruction may trap (a load through a pointer, a helper call: not speculatable). Merged, the
   * exit is one `select` whose exact count SCEV cannot compute (its max only), and the pragma loop stays rolled
   * (-Wpass-failed). A next conjunct of locals the loop never writes is invariant (the guard before the loop
   * decides it): LLVM unrolls fully when the merged exit is the loop's only one, no break, return or goto in the
   * body (measured; with one, rolled: which pass makes the difference is not pinned down). Measured with clang 14 -Rpass=loop-unroll on kubeshark's packet sniffer (`(i < 16) && p->counter`, 16
   * copies) and the grid of test-fixtures/held-out/unroll-exits (`p->counter && (i < 16)`, a written local or a
   * global as next conjunct, an unknown start: rolled). Anything else stays as before (no count).
   */
  function countedExit(s: Extract<Stmt, { s: 'loop' }>): Expr | undefined {
    if (s.c?.e !== 'binary' || s.c.op !== '&&') return undefined;
    let x: Extract<Expr, { e: 'binary' }> = s.c;
    while (x.l.e === 'binary' && x.l.op === '&&') x = x.l;
    const first = x.l;
    if (first.e !== 'binary' || !['<', '<=', '>', '>=', '!='].includes(first.op)) return undefined;
    return mayTrap(x.r) || (invariantIn(x.r, s) && !leavesLoop(s.body)) ? first : undefined;
  }
  /**
   * The compare of `for (i = A; i < B && R; i++)` that bounds the loop when R merges with it: R neither traps
   * (mayTrap) nor is invariant, so SimplifyCFG folds both into one exit branch whose exact count SCEV cannot compute
   * but whose max count it can (umin of B - A and R's unknown). LLVM 14's LoopUnrollPass unrolls such a loop by a
   * pragma count (`#pragma unroll(N)`, `GCC unroll N`, `unroll_count(N)`) of at least that max completely, one copy per
   * possible iteration, each keeping its test ("completely unrolled loop with N iterations"; coolbpf's iovec walk
   * `i < VEC_LEN && i < iovlen` under `#pragma unroll(VEC_LEN)`: 44 copies); a smaller count leaves a remainder loop,
   * `unroll(full)` refuses ("runtime trip count") and a bare `#pragma unroll` (unroll.enable) goes by UnrollMaxUpperBound
   * and the size thresholds (measured irregular: left as before). Measured with clang 14 -Rpass=loop-unroll over
   * counts 4/8/20/64, bodies with a helper call, a return and 12 more calls, R a local compare, a global load or a
   * product. Another conjunct counting the variable (`&& i != 3`) is not modelled.
   */
  function maxCountedExit(s: Extract<Stmt, { s: 'loop' }>): Expr | undefined {
    if (s.c?.e !== 'binary' || s.c.op !== '&&') return undefined;
    const conj: Expr[] = [];
    const flat = (x: Expr): void => { if (x.e === 'binary' && x.op === '&&') { flat(x.l); flat(x.r); } else conj.push(x); };
    flat(s.c);
    // max_trips_any: the counted compare need not come first (`i < n && i < MAX`, odigos' runtime-detector): SCEV's
    // max trip count of an exit on `a && b` is the least of its conjuncts' (computeExitLimitFromCond), so the
    // constant one bounds the loop whatever its place, when those before it cannot trap (speculated, one branch)
    const counted = (x: Expr): boolean => x.e === 'binary' && ['<', '<=', '>', '>=', '!='].includes(x.op) && tripCount({ ...s, c: x }) !== undefined;
    const j = MAX_TRIPS_ANY ? conj.findIndex(counted) : 0;
    if (j < 0 || conj.slice(0, j).some((x) => mayTrap(x))) return undefined;
    const first = conj[j]!;
    if (first.e !== 'binary' || !['<', '<=', '>', '>=', '!='].includes(first.op) || tripCount({ ...s, c: first }) === undefined) return undefined;
    const rest = [...conj.slice(0, j), ...conj.slice(j + 1)];
    if (rest.some((x) => mayTrap(x) || tripCount({ ...s, c: x }) !== undefined) || rest.every((x) => invariantIn(x, s))) return undefined;
    return first;
  }
  /** The block evaluating `x` first (the left of a short circuit) loads through a pointer or calls a helper. */
  function mayTrap(x: Expr): boolean {
    switch (x.e) {
      case 'binary': return x.op === '&&' || x.op === '||' ? mayTrap(x.l) : mayTrap(x.l) || mayTrap(x.r);
      case 'cond': return mayTrap(x.c);
      case 'member': return (x.arrow && unknownPointer(x.obj)) || mayTrap(x.obj);
      case 'unary': return (x.op === '*' && unknownPointer(x.x)) || mayTrap(x.x);
      case 'cast': return mayTrap(x.x);
      case 'index': { const t = ev(x.arr, { preserve: false, noEmit: true, guards: [] }).type; return (!!t && strip(t).k === 'ptr' && unknownPointer(x.arr)) || mayTrap(x.arr) || mayTrap(x.idx); }
      // a BPF helper is a call through a constant address: never speculated (an inlined function may be)
      case 'call': return (x.fn.e === 'id' && /^bpf_/.test(x.fn.name) && !lookup(x.fn.name)) || (x.fn.e === 'id' && x.fn.name === '__builtin_expect' && x.args.length > 0 && mayTrap(x.args[0]!));
      default: return false;
    }
  }
  /**
   * A pointer LLVM cannot prove dereferenceable: not the address of an object (`&x`), nor a variable this function
   * ever sets to one (`q = &loc`, `q = (T *)&g`: a load through it is speculated, measured rolled). A parameter
   * counts as unknown: a caller passing `&local` to a helper with such a loop is not seen here.
   */
  function unknownPointer(x: Expr): boolean {
    while (x.e === 'cast') x = x.x;
    if (x.e === 'unary' && x.op === '&') return false;
    if (x.e !== 'id') return true;
    const b = f.body ?? [];
    for (let i = 0; i + 2 < b.length; i++) {
      if (b[i]!.s !== x.name || b[i + 1]!.s !== '=' || b[i - 1]?.s === '.' || b[i - 1]?.s === '->') continue;
      let j = i + 2;
      // a cast: `(T *)`
      if (b[j]!.s === '(') { let d = 0; do { d += b[j]!.s === '(' ? 1 : b[j]!.s === ')' ? -1 : 0; j++; } while (d > 0 && j < b.length); }
      if (b[j]?.s === '&') return false;
    }
    return true;
  }
  /** `x` reads only constants and locals of this function the loop never writes. */
  function invariantIn(x: Expr, s: Extract<Stmt, { s: 'loop' }>): boolean {
    switch (x.e) {
      case 'num': case 'sizeof': return true;
      case 'id': return !!lookup(x.name) && !addrTaken.has(x.name) && !writesVar(s.body, x.name) && !(s.step && writesVar({ s: 'expr', x: s.step, start: s.step.start, end: s.step.end }, x.name)) && !(s.c && writesVar({ s: 'expr', x: s.c, start: s.c.start, end: s.c.end }, x.name));
      case 'binary': return invariantIn(x.l, s) && invariantIn(x.r, s);
      case 'unary': return ['!', '-', '~', '+'].includes(x.op) && invariantIn(x.x, s);
      case 'cast': return invariantIn(x.x, s);
      case 'cond': return invariantIn(x.c, s) && invariantIn(x.a, s) && invariantIn(x.b, s);
      default: return false;
    }
  }
  /** A loop bound's value: a constant, where `sizeof` of an expression counts too (the kernel selftests'
   * `i < ARRAY_SIZE(p->array)`, `sizeof(p->array) / sizeof(p->array[0])`: clang folds it like a literal). */
  function boundValue(x: Expr): bigint | undefined {
    if (!SIZEOF_BOUNDS) return constValue(x, env);
    switch (x.e) {
      case 'sizeof': {
        if (x.type || !x.x) return constValue(x, env);
        const n = sizeOf(ev(x.x, { preserve: false, noEmit: true, guards: [] }).type);
        return n > 0 ? BigInt(n) : undefined;
      }
      case 'binary': {
        const a = boundValue(x.l);
        const b = a === undefined ? undefined : boundValue(x.r);
        return a === undefined || b === undefined ? undefined : constValue({ ...x, l: { e: 'num', v: a }, r: { e: 'num', v: b } } as Expr, env);
      }
      case 'cast': return boundValue(x.x);
      default: return constValue(x, env);
    }
  }
  function tripCount(s: Extract<Stmt, { s: 'loop' }>): number | undefined {
    if (!s.init && !s.step) return counterTrips.get(s);
    let v: string | undefined;
    let a: bigint | undefined;
    if (s.init?.s === 'decl' && s.init.vars.length === 1 && s.init.vars[0]!.init) { v = s.init.vars[0]!.name; a = boundValue(s.init.vars[0]!.init!); }
    else if (s.init?.s === 'expr' && s.init.x.e === 'assign' && s.init.x.op === '=' && s.init.x.l.e === 'id') { v = s.init.x.l.name; a = boundValue(s.init.x.r); }
    if (v === undefined || a === undefined || !s.c || s.c.e !== 'binary' || s.c.l.e !== 'id' || s.c.l.name !== v || !s.step) return undefined;
    const b = boundValue(s.c.r);
    if (b === undefined) return undefined;
    let d: bigint | undefined;
    const st = s.step;
    if ((st.e === 'unary' || st.e === 'postfix') && (st as { x: Expr }).x.e === 'id') d = st.op === '++' ? 1n : st.op === '--' ? -1n : undefined;
    else if (st.e === 'assign' && st.l.e === 'id' && st.l.name === v && (st.op === '+=' || st.op === '-=')) { const k = constValue(st.r, env); d = k === undefined ? undefined : st.op === '+=' ? k : -k; }
    if (!d) return undefined;
    return tripsOf(a, b, d, s.c.op);
  }

  /**
   * A loop without pragma over a small constant trip count (`for (int i = 0; i < n; i++) out[i] = arg(regs, i)`, n a
   * constant or a parameter a caller passes as one) that passes its induction variable to an inlined call: LLVM's
   * full unroll (LoopFullUnrollPass after inlining, LoopUnrollPass later) simulates up to 10 iterations
   * (UnrollMaxIterationsCountToAnalyze) with the variable's constant value in each copy, so a `switch (i)` in the
   * callee keeps one arm per copy and the unroll pays off; clang then emits the callee's relocations of arms 0..n-1
   * only (falco's extract__network_args over extract__syscall_argument). Each such call becomes one copy per
   * iteration with its constant argument; where the count is a parameter, copy k runs under "n is a constant above k"
   * and the loop as written (the variable unknown) under "n is not one of the small counts". Other sites of the body
   * are left as they are (their count is clang's CSE business, reported apart). Loops whose count is unknown, or above
   * 10, or that write the variable in their body, stay as written.
   */
  /** The calls unrollInductionCalls last split: where each one's copies start in its output, the callee's parameter
   * given the induction variable and the variable's start value. */
  const splitGroups = new Map<CallRef, { first: number; count: number; param: number; start: bigint; out: CallRef[] }>();

  /**
   * Which trip counts LLVM 14 keeps a loop split by unrollInductionCalls rolled at, recorded on each split call's flow
   * event (SplitLoop) for cse.ts. A full unroll without pragma is taken when (size - BEInsns) * trips + BEInsns fits
   * UnrollThreshold (150), or when analyzeLoopUnrollCost's simulation of the copies boosts that threshold; but the
   * simulation gives up on a loop whose body calls anything that is not an intrinsic ("Can't analyze cost of loop
   * with call": a BPF helper is a call through a constant address), so a body calling a helper (the caller checks:
   * `helpers`) has only the plain test. Its size is the rolled loop's after CorrelatedValuePropagation pruned the
   * switch arms the induction range never takes (a `switch (i)` in the inlined callee keeps arms a..a+n-1; measured:
   * a 2-trip loop over a small syscall-argument reader is unrolled, the 3-trip one is not and keeps arms 0..2, and
   * falco's extract__network_args over extract__syscall_argument stays rolled from 2 trips on). Where rolled, clang
   * emits the body once: one record per relocation of the callee (the kept arms each once) instead of one per copy.
   */
  function rolledTrips(body: number): void {
    for (const [orig, g] of splitGroups) {
      const ev = callEv.get(orig);
      const arms = opts.summaryOf?.(orig.def)?.paramArms?.filter((x) => x.param === g.param);
      if (!ev || !arms) continue;
      const copies = g.out.slice(g.first, g.first + g.count);
      const vals = new Set(arms.flatMap((x) => x.vals.map(String)));
      const rolled: number[] = [];
      for (let n = 2; n <= MAX_ANALYZED_TRIPS; n++) {
        const range = Array.from({ length: n }, (_, i) => String(g.start + BigInt(i)));
        // an arm no value of the range takes is pruned; the default arm when every value of the range has a case
        const dead = arms.filter((x) => (x.dflt ? range.every((v) => vals.has(v)) && !x.vals.some((v) => range.includes(String(v))) : !x.vals.some((v) => range.includes(String(v)))));
        const size = Math.max(Math.round((body - dead.reduce((t, x) => t + x.cost, 0)) * LOOP_SIZE_SCALE * FULL_UNROLL_SCALE), BE_INSNS + 1);
        if ((size - BE_INSNS) * n + BE_INSNS > FULL_UNROLL_THRESHOLD) rolled.push(n);
      }
      if (rolled.length) ev.split = { copies, rolled };
    }
  }

  function unrollInductionCalls(s: Extract<Stmt, { s: 'loop' }>, c0: number, maxTrips: number): Set<CallRef> {
    const made = new Set<CallRef>();
    const ind = induction(s, maxTrips);
    if (!ind) return made;
    const { v, a } = ind;
    const idx = (c: CallRef) => c.args?.findIndex((x) => x.local === v) ?? -1;
    const split = res.calls.slice(c0).filter((c) => idx(c) >= 0);
    // LLVM fully unrolls an innermost loop only: a loop in the body, or in what the body inlines, keeps it rolled
    // (measured: an outer 2-trip loop around an inlined counted loop keeps every arm)
    if (!split.length || writesVar(s.body, v) || hasLoop(s.body) || res.calls.slice(c0).some((c) => loopIn(c.def, 0, env))) return made;
    const copyWith = (c: CallRef, k: bigint, pconds?: ParamCond[]): CallRef => {
      const args = c.args!.map((x) => (x.local === v ? { k: k + (x.add ?? 0n) } : x));
      const all = [...(c.pconds ?? []), ...(pconds ?? [])];
      return { ...c, args, ...(all.length ? { pconds: all } : {}), copyOf: c.copyOf ?? c };
    };
    const out: CallRef[] = [];
    splitGroups.clear();
    for (const c of res.calls.slice(c0)) {
      if (idx(c) < 0) { out.push(c); continue; }
      const first = out.length;
      splitGroups.set(c, { first, count: ind.n ?? maxTrips, param: idx(c), start: a, out });
      if (ind.n !== undefined) {
        for (let i = 0; i < ind.n; i++) out.push(copyWith(c, a + BigInt(i)));
        if (!c.copyOf) delete out[first]!.copyOf;
        continue;
      }
      // the count is parameter `p`, bounded by `b`: `i < b` runs b - a times
      const { p, b0 } = ind.param!;
      const tcs = Array.from({ length: MAX_ANALYZED_TRIPS + 1 }, (_, i) => b0 + BigInt(i));
      for (let i = 0; i < MAX_ANALYZED_TRIPS; i++) {
        // copy i runs when the bound is a known constant in b0+i+1 .. b0+MAX (the count is above i and at most MAX)
        const runs = tcs.slice(i + 1);
        out.push(copyWith(c, a + BigInt(i), [{ param: p, eq: true, v: runs[0]!, alt: runs.slice(1), known: true }]));
      }
      out.push({ ...c, pconds: [...(c.pconds ?? []), { param: p, eq: false, v: tcs[0]!, alt: tcs.slice(1) }], copyOf: c.copyOf ?? c });
      // the first copy stands for the call the inliner counts (unless the call is itself a copy of an inner loop's)
      if (!c.copyOf) delete out[first]!.copyOf;
    }
    for (const c of out) if (!res.calls.includes(c)) made.add(c);
    res.calls.splice(c0, res.calls.length - c0, ...out);
    return made;
  }

  /** `for (T i = A; i < B; i++)` (or `<=`, `!=`): the variable, its start, and the trip count when B is a constant
   * (at most 10), or the parameter B is with the bound value that makes 0 trips. */
  function induction(s: Extract<Stmt, { s: 'loop' }>, maxTrips: number): { v: string; a: bigint; n?: number; param?: { p: number; b0: bigint } } | undefined {
    const d = s.init?.s === 'decl' && s.init.vars.length === 1 ? s.init.vars[0]! : undefined;
    // `for (i = A; ...)` over a variable declared before the loop (traceloop's two loops) is the same loop to LLVM
    const asg = s.init?.s === 'expr' && s.init.x.e === 'assign' && s.init.x.op === '=' && s.init.x.l.e === 'id' && INDUCTION_ASSIGN ? s.init.x : undefined;
    const v = d?.init ? d.name : asg?.l.e === 'id' ? asg.l.name : undefined;
    const a = d?.init ? constValue(d.init, env) : asg ? constValue(asg.r, env) : undefined;
    if (!v || a === undefined || !s.c || s.c.e !== 'binary' || s.c.l.e !== 'id' || s.c.l.name !== v || !s.step) return undefined;
    const st = s.step;
    const inc = (st.e === 'unary' || st.e === 'postfix') && st.op === '++' && st.x.e === 'id' && st.x.name === v;
    if (!inc || !['<', '<=', '!='].includes(s.c.op)) return undefined;
    const b = constValue(s.c.r, env);
    // the bound that makes zero trips
    const shift = s.c.op === '<=' ? -1n : 0n;
    if (b !== undefined) {
      const n = b - (a + shift);
      return n >= 1n && n <= BigInt(maxTrips) ? { v, a, n: Number(n) } : undefined;
    }
    const r = s.c.r;
    const p = r.e === 'id' ? f.params.findIndex((q) => q.name === r.name && !assigned.has(r.name)) : -1;
    return p >= 0 ? { v, a, param: { p, b0: a + shift } } : undefined;
  }

  /** `v + k`, `k + v`, `v - k` with `v` a local of this function and `k` a constant: the local and the addend. */
  /**
   * The bounds of an integer argument `x`, `x + K` or a masked expression, x a local of this function every write of
   * which is a masked value (`x = (spec & M) >> S;`, `x = v & M;`: LLVM's known bits give 0 <= x <= M >> S), when it
   * fits the parameter's type (4 bytes or more) without wrapping. Undefined when unknown.
   */
  function argRange(a: Expr, to: CType | undefined): readonly [bigint, bigint] | undefined {
    const pt = to && arithType(to);
    if (!pt || pt.size < 4) return undefined;
    let r: readonly [bigint, bigint] | undefined;
    if (a.e === 'binary' && a.op === '+') {
      const [x, y] = constValue(a.r, env) !== undefined ? [a.l, a.r] : [a.r, a.l];
      const k = constValue(y, env);
      const rx = k !== undefined && k >= 0n ? (x.e === 'id' ? localRange(x.name) : maskRange(x)) : undefined;
      if (rx) r = [rx[0] + k!, rx[1] + k!];
    } else r = a.e === 'id' ? localRange(a.name) : maskRange(a);
    return r && r[1] < 1n << 31n ? r : undefined;
  }
  /** `v & M`, `(v & M) >> S`, `(v >> S) & M` with constants M and S: [0, bound]. */
  function maskRange(x: Expr): readonly [bigint, bigint] | undefined {
    while (x.e === 'cast') x = x.x;
    if (x.e !== 'binary') return undefined;
    if (x.op === '&') {
      const m = constValue(x.r, env) ?? constValue(x.l, env);
      return m !== undefined && m >= 0n ? [0n, m] : undefined;
    }
    if (x.op === '>>') {
      const s = constValue(x.r, env);
      const inner = s !== undefined && s >= 0n && s < 64n ? maskRange(x.l) : undefined;
      return inner ? [0n, inner[1] >> s!] : undefined;
    }
    return undefined;
  }
  /** A local (not a parameter) every write of which in the body is a masked value, never incremented nor taken the
   * address of: the union of those ranges. */
  function localRange(name: string): readonly [bigint, bigint] | undefined {
    // (4 bytes or more: a narrower local truncates the masked value, a signed one may make it negative)
    const lt = lookup(name);
    if (!lt || !arithType(lt) || sizeOf(lt) < 4 || f.params.some((p) => p.name === name) || addrTaken.has(name)) return undefined;
    let hi = -1n;
    let ok = true;
    const take = (m: readonly [bigint, bigint] | undefined): void => { if (m) hi = hi > m[1] ? hi : m[1]; else ok = false; };
    // declarations with an initialiser (statements nested in ifs, loops, switches, blocks)
    const decls = (st: Stmt, d: number): void => {
      if (d > 64) { ok = false; return; }
      switch (st.s) {
        case 'decl': for (const v of st.vars) if (v.name === name && v.init) take(maskRange(v.init)); return;
        case 'if': decls(st.t, d + 1); if (st.f) decls(st.f, d + 1); return;
        case 'block': st.body.forEach((x) => decls(x, d + 1)); return;
        case 'loop': if (st.init) decls(st.init, d + 1); decls(st.body, d + 1); return;
        case 'switch': decls(st.body, d + 1); return;
        case 'label': decls(st.body, d + 1); return;
        default: return;
      }
    };
    for (const st of topBody ?? []) {
      decls(st, 0);
      eachExpr(st, (e) => walkExpr(e, (x) => {
        if (x.e === 'assign' && x.l.e === 'id' && x.l.name === name) take(x.op === '=' ? maskRange(x.r) : undefined);
        if ((x.e === 'postfix' || x.e === 'unary') && (x.op === '++' || x.op === '--' || x.op === '&') && x.x.e === 'id' && x.x.name === name) ok = false;
      }));
    }
    return ok && hi >= 0n ? [0n, hi] : undefined;
  }
  function localPlusConst(a: Extract<Expr, { e: 'binary' }>): { local: string; add: bigint } | undefined {
    if (!INDUCTION_OFFSET || (a.op !== '+' && a.op !== '-')) return undefined;
    const [x, y] = a.l.e === 'id' ? [a.l, a.r] : a.op === '+' ? [a.r, a.l] : [undefined, undefined];
    if (x?.e !== 'id' || !y || !lookup(x.name) || f.params.some((p) => p.name === x.name)) return undefined;
    const k = constValue(y, env);
    return k === undefined ? undefined : { local: x.name, add: a.op === '+' ? k : -k };
  }

  /** `switch (param)`: each arm runs under "param is one of its case values" (or, for `default`, none of the others),
   * so an inlined copy with a constant argument keeps only the arm clang keeps. Arms reached by falling through
   * take the union; an arm with a non-constant case (or reached from `default` by falling through) is unconditioned. */
  function switchOnParam(p: number, body: Stmt[], ctx: Ctx, field?: string, clamp?: bigint): void {
    const fx = { ...(field !== undefined ? { field } : {}), ...(clamp !== undefined ? { clamp } : {}) };
    const caseValues: bigint[] = [];
    let constant = true;
    const labelsOf = (st: Stmt): { vals: (bigint | undefined)[]; dflt: boolean; inner: Stmt } | undefined => {
      if (st.s !== 'label') return undefined;
      const vals: (bigint | undefined)[] = [];
      let dflt = false;
      let cur: Stmt = st;
      while (cur.s === 'label') {
        // a goto label inside the switch carries no case: treat its arm as reachable from anywhere
        if (cur.x) vals.push(constValue(cur.x, env));
        else dflt = true;
        cur = cur.body;
      }
      return { vals, dflt, inner: cur };
    };
    for (const st of body) {
      const l = labelsOf(st);
      if (!l) continue;
      for (const v of l.vals) if (v === undefined) constant = false; else caseValues.push(v);
    }
    if (!constant) { block(body, ctx); return; }
    scopes.push(new Map());
    checkVars.push(new Map());
    // the arm's condition: undefined = none; else values (eq) or, for default, the values it excludes (not eq)
    let arm: { vals: bigint[]; dflt: boolean } | undefined;
    let fallsIn = false;
    const spans: { start: number; end: number; vals: bigint[]; dflt: boolean }[] = [];
    // after an arm's exit, statements before the next case are unreachable (block's rule)
    let unreachable = false;
    for (const st of body) {
      const l = labelsOf(st);
      if (!l && unreachable && !hasLabel(st)) continue;
      unreachable = false;
      let inner = st;
      if (l) {
        inner = l.inner;
        // a case starts a block the switch enters (cse.ts: code after an earlier arm's break runs again here)
        flow.push(caseCut(st));
        const sw = breakable[breakable.length - 1]?.sw;
        if (sw) { freq += (sw.f0 * (l.vals.length + (l.dflt ? 1 : 0))) / sw.n; if (!ctx.noEmit) blockAt(freq); }
        const vals = l.vals as bigint[];
        arm = fallsIn && arm ? { vals: [...arm.vals, ...vals], dflt: arm.dflt || l.dflt } : { vals, dflt: l.dflt };
      }
      let pc: ParamCond[] = [];
      if (arm && !arm.dflt && arm.vals.length) pc = [{ param: p, eq: true, v: arm.vals[0]!, ...(arm.vals.length > 1 ? { alt: arm.vals.slice(1) } : {}), ...fx }];
      else if (arm && arm.dflt && !arm.vals.length) {
        const others = caseValues.filter((v) => !arm!.vals.includes(v));
        if (others.length) pc = [{ param: p, eq: false, v: others[0]!, ...(others.length > 1 ? { alt: others.slice(1) } : {}), ...fx }];
      }
      const k0 = cost;
      stmt(inner, { ...ctx, pconds: pc.length ? [...(ctx.pconds ?? []), ...pc] : ctx.pconds });
      // (an arm of a clamped value is no arm of the argument's: not told to the inline cost)
      if (field === undefined && clamp === undefined && arm) (res.paramArms ??= []).push({ param: p, vals: arm.vals, dflt: arm.dflt, cost: cost - k0 });
      spans.push({ start: inner.start, end: inner.end, vals: arm?.vals ?? [], dflt: !arm || arm.dflt });
      fallsIn = !exits(inner);
      if (!fallsIn) arm = undefined;
      if (DEAD_AFTER_EXIT && neverFallsThrough(inner)) unreachable = true;
    }
    if (field !== undefined) {
      // a local null at its declaration, written only in arms with case values: non-null means one of those values
      const sw = spans.length ? { start: spans[0]!.start, end: spans[spans.length - 1]!.end } : undefined;
      for (const [v, ws] of nullLocals) {
        if (!ws?.length || !sw || ws.some((w) => w < sw.start || w > sw.end)) continue;
        const vals: bigint[] = [];
        let ok = true;
        for (const w of ws) {
          const sp = spans.find((x) => x.start <= w && w < x.end);
          if (!sp || sp.dflt || !sp.vals.length) { ok = false; break; }
          for (const k of sp.vals) if (!vals.includes(k)) vals.push(k);
        }
        if (ok) nullUnless.set(v, { param: p, field, eq: true, v: vals[0]!, ...(vals.length > 1 ? { alt: vals.slice(1) } : {}) });
      }
    }
    scopes.pop();
    checkVars.pop();
  }

  /** A local declared with `__attribute__((cleanup(fn)))` as its scope's walk saw it: where and under what. */
  interface Cleanup { name: string; fn: string; at: number; ctx: Ctx; freq: number; regions: Region[] }

  /** The cleanups the declaration `s` starts (only while the walk emits). */
  function cleanupsOf(s: Stmt, ctx: Ctx, out: Cleanup[]): void {
    if (!CLEANUPS || s.s !== 'decl' || ctx.noEmit) return;
    for (const v of s.vars) {
      if (v.cleanup === undefined || !v.name) continue;
      // a pointer set to NULL and never named again is NULL at every exit: the destructor's `if (_T)` folds and its
      // code goes (measured: `struct task_struct *g __free(..) = NULL;` alone leaves no record of the destructor)
      if (v.init && nullConst(v.init) && usesOf(v.name).length === 1) continue;
      out.push({ name: v.name, fn: v.cleanup, at: v.start, ctx, freq, regions: regions.slice() });
    }
  }

  /**
   * cleanups: the destructors of a scope's `__attribute__((cleanup(fn)))` locals, `fn(&v)` in reverse declaration
   * order. clang emits one normal cleanup per variable (CodeGenFunction::PopCleanupBlock): every way out of the scope
   * (its end, each return, break, continue or goto leaving it) branches through that one copy, the return value
   * already computed, then on to its destination (measured with clang 14: two returns in a guarded scope, one inlined
   * destructor; sched-ext's cleanup.bpf.h `guard(rcu)` / `scoped_guard(rcu)`, `class_rcu_destructor` reading
   * `_T->lock` of a preserve_access_index class_rcu_t). So it runs under the conditions of the declaration, once,
   * whatever code after it exits: walked here as a call made where the declaration was, after the scope's code.
   */
  function runCleanups(cs: readonly Cleanup[]): void {
    for (let i = cs.length - 1; i >= 0; i--) {
      const c = cs[i]!;
      const at = { start: c.at, end: c.at };
      const x: Expr = { e: 'call', fn: { e: 'id', name: c.fn, ...at }, args: [{ e: 'unary', op: '&', x: { e: 'id', name: c.name, ...at }, ...at }], raw: [], ...at };
      const f0 = freq;
      const r0 = regions.splice(0, regions.length, ...c.regions);
      freq = c.freq;
      try { stmt({ s: 'expr', x, ...at }, c.ctx); } finally { freq = f0; regions.splice(0, regions.length, ...r0); }
    }
  }

  /** A block: early exits narrow the guards of the statements after them. */
  function block(body: Stmt[], ctx: Ctx, sw?: SwitchOnCheck): void {
    scopes.push(new Map());
    // a switch on a check's value: the case labels reaching a statement (fall-through included), and whether it
    // follows one at all (code before the first label never runs)
    let reach: (bigint | 'default')[] = [];
    let falls = false;
    checkVars.push(new Map());
    const cleanups: Cleanup[] = [];
    let guards = ctx.guards;
    let pconds = ctx.pconds;
    let nonnull = ctx.nonnull;
    let knob = ctx.knob;
    let kver = ctx.kver;
    const depth = regions.length;
    // code after a statement that never falls through is unreachable until a label (a case or a goto target): clang
    // emits none of it (measured: `if (1) return 1;` then a BPF_CORE_READ has no record)
    let unreachable = false;
    const tail = tailStart.get(body);
    let tailMark: ReturnType<typeof mark> | undefined;
    // FALL_JOIN: what the joins after earlier statements add, up to the next label (entered from elsewhere too)
    let joinExtra: GuardRef[] = [];
    let joinKnob: string | undefined;
    const swJoin = sw ? breakable[breakable.length - 1]?.join : undefined;
    for (let i = 0; i < body.length; i++) {
      const s = body[i]!;
      if (unreachable) {
        if (!hasLabel(s)) continue;
        unreachable = false;
      }
      if (tail && s === tail.first) tailMark = mark();
      if (TAIL_SINK) stmtAt.set(s, flow.length);
      if (SELECT_BLOCK && s.s === 'if' && !s.f && i + 1 < body.length) selNext.set(s, body[i + 1]!);
      const sunk0 = sunkChain;
      sunkChain = HOPS && sunkInto(body, i);
      const callsBefore = res.calls.length;
      let sguards = guards;
      if (sw) {
        const labels = caseLabels(s);
        if (labels) reach = falls ? [...reach, ...labels] : labels;
        sguards = [...guards, ...(caseGuards(sw, reach) ?? [])];
        if (swJoin) Object.assign(swJoin, { base: sguards, baseKnob: knob, reach });
      }
      let inner = s;
      while (inner.s === 'label') inner = inner.body;
      if (FALL_JOIN && (s.s === 'label' || hasLabel(s))) { joinExtra = []; joinKnob = undefined; }
      // a label may be entered by a goto from before the early exit that added a version comparison
      if (hasLabel(s)) kver = ctx.kver;
      const sctx = { ...ctx, guards: joinExtra.length ? [...sguards, ...joinExtra] : sguards, pconds, nonnull, knob: knob ?? joinKnob, kver };
      fall = undefined;
      try { stmt(s, sctx); } finally { sunkChain = sunk0; }
      const sf = FALL_JOIN && STRUCTURED.has(s.s) && !hasLabel(inner) ? takeFall() : undefined;
      if (sw) falls = !neverFallsThrough(s) && !exits(s);
      cleanupsOf(s, sctx, cleanups);
      if (EXIT_CALLS && sinkFrames.length) exitOnCall(s, body[i + 1], callsBefore);
      if (MINMAX) { const n = body[i + 1]; if (n?.s === 'if') minMaxDecides(s, n.c); }
      if (DEAD_AFTER_EXIT && neverFallsThrough(s)) unreachable = true;
      if (s.s === 'if') {
        const tExit = exits(s.t);
        const fExit = s.f ? exits(s.f) : false;
        if (tExit && !fExit) { guards = [...guards, ...(condGuards(s.c, false, gctx) ?? [])]; pconds = withP({ ...ctx, pconds }, s.c, false); nonnull = withNN({ ...ctx, nonnull }, s.c, false); knob = withK({ ...ctx, knob }, s.c, false); kver = withV({ ...ctx, kver }, s.c, false); }
        else if (fExit && !tExit) { guards = [...guards, ...(condGuards(s.c, true, gctx) ?? [])]; pconds = withP({ ...ctx, pconds }, s.c, true); nonnull = withNN({ ...ctx, nonnull }, s.c, true); knob = withK({ ...ctx, knob }, s.c, true); kver = withV({ ...ctx, kver }, s.c, true); }
        // what follows an early exit is a block of its own, entered only from the test's other side
        if (tExit !== fExit) regions.push({ guards, pconds });
      }
      // an if, switch or block some paths of which leave (or run only with a knob set): what follows runs where one
      // of the others falls out (FALL_JOIN; the verifier never walks past a branch a known constant decides)
      if (sf?.narrowed && !(s.s === 'if' && exits(s.t) !== (s.f ? exits(s.f) : false))) {
        const n = sctx.guards.length;
        if (sf.guards.length >= n && sctx.guards.every((g, k) => sf.guards[k] === g)) {
          joinExtra = [...joinExtra, ...sf.guards.slice(n)];
          if (!knob && !joinKnob && sf.knob) joinKnob = sf.knob;
        }
      }
    }
    // the state falling out of the block's end (none after an exit)
    const last = body[body.length - 1];
    const endGuards = [...guards, ...(sw ? caseGuards(sw, reach) ?? [] : []), ...joinExtra];
    const endKnob = knob ?? joinKnob;
    const end: Fall | null = unreachable || (last && neverFallsThrough(last)) ? null
      : { guards: endGuards, knob: endKnob, narrowed: guards.length > ctx.guards.length || joinExtra.length > 0 || endKnob !== ctx.knob, reach: sw ? reach : undefined };
    if (tail && tailMark) sinkSince(tailMark, tail.fr);
    runCleanups(cleanups);
    regions.length = depth;
    // known: a local declared in the block may shadow an outer one of the same name
    for (const n of scopes[scopes.length - 1]!.keys()) known.delete(n);
    scopes.pop();
    checkVars.pop();
    if (swJoin && end) swJoin.paths.push(end);
    fall = end === null ? null : end;
  }

  try {
    for (const p of f.params) if (p.name) scopes[0]!.set(p.name, p.type);
    const parser = parserFor(f.body ?? []);
    const body = parser.blockItems();
    topBody = body;
    for (const n of parser.notes) res.notes.push(n);
    localStructs = constMembers(body, env, f, res.deps);
    nullLocals = nullInits(body, env);
    if (f.progMacro) progMacroSites(f, body, env, opts, res);
    const ctx: Ctx = { preserve: false, noEmit: false, guards: [] };
    block(body, ctx);
    // remat: the def's own record stays when anything but those arguments reads the local
    for (const [name, rv] of rematVars) if (!rv.bad && rv.first && usesOf(name).length - 1 > rv.k) rematSite(rv.site, rv.first.a, rv.first.ctx);
    if (sinkable.size && !namesOf(f).has('goto')) sinkSites();
    if (unreadReads.size && res.reads) {
      const dead = new Set([...unreadReads.values()].flat());
      res.reads = res.reads.filter((x) => !dead.has(x));
    }
    // loads into locals never read are dead: clang emits no relocation for them
    if (tentative.size || killed.size) {
      const dead = new Set([...tentative.values()].flat().concat([...killed]));
      res.sites = res.sites.filter((x) => !dead.has(x));
      const keep = (evs: FlowEv[]): FlowEv[] => evs.filter((e) => !('s' in e) || !dead.has(e.s))
        .map((e) => ('sub' in e ? { ...e, sub: keep(e.sub), ...(e.alt ? { alt: keep(e.alt) } : {}) } : e));
      topFlow.splice(0, topFlow.length, ...keep(topFlow));
    }
    res.flow = topFlow;
    res.ret = summarize(returns);
    if (RET_VALUES && returns.length && returns.every((r) => r.x) && returns.some((r) => constValue(r.x!, env) !== undefined)) {
      res.rets = returns.map((r) => ({ k: constValue(r.x!, env), guards: r.guards }));
    }
    if (PLAIN_READS && returns.length && returns.every((r) => r.x && isPlain(originOf(r.x)))) res.plainRet = true;
    res.cost = cost + xcost;
    res.xcost = xcost;
    if (f.params.length) res.sroa = f.params.map((_, i) => (sroaBad[i] || sroaSeen[i] !== sroaOk[i] ? undefined : sroaSave[i]));
    if (branches) res.branches = true;
    if (looseBranches.length) res.looseBranches = looseBranches;
    if (minFreq < 1) res.minFreq = minFreq;
    if (helpers) res.helper = true;
    if (DEAD_ARGS && f.static && f.params.length) {
      const live = f.params.filter((_, i) => !paramDropped(f, i, env)).length;
      if (live < f.params.length) res.liveArgs = live;
    }
  } catch (e) {
    res.notes.push({ start: f.start, end: f.end, message: `analysis stopped: ${(e as Error).message}` });
  }
  return res;

  // eslint-disable-next-line no-unreachable
  function unqualTop(t: CType): CType { return unqual(t); }

  /** What the result implies: the disjunction, over every return that can produce a nonzero (zero) value, of the
   * checks that return runs under (and its expression implies). */
  function summarize(rs: { x?: Expr; guards: GuardRef[] }[]): FuncResult['ret'] {
    if (!rs.length || rs.some((r) => !r.x)) return undefined;
    const side = (when: boolean): GuardRef[] => {
      let acc: GuardRef[][] | undefined;
      for (const r of rs) {
        const k = constValue(r.x!, env);
        if (k !== undefined && (k !== 0n) !== when) continue; // this return cannot give that result
        const implied = [...r.guards, ...(k !== undefined ? [] : condGuards(r.x!, when, gctx) ?? [])];
        (acc ??= []).push(implied);
      }
      return acc ? disjunction(acc) : [];
    };
    const t = side(true);
    const f = side(false);
    return t.length || f.length ? { t, f } : undefined;
  }
}

function sameVia(a: CallRef[] | undefined, b: CallRef[] | undefined): boolean {
  if ((a?.length ?? 0) !== (b?.length ?? 0)) return false;
  return (a ?? []).every((x, i) => x === b![i]);
}

/** Structural equality of two guards (same check objects, same truth values, same call paths). */
export function sameGuard(a: GuardRef, b: GuardRef): boolean {
  if ('any' in a || 'any' in b) {
    if (!('any' in a) || !('any' in b) || a.any.length !== b.any.length) return false;
    return a.any.every((alt, i) => alt.length === b.any[i]!.length && alt.every((g, j) => sameGuard(g, b.any[i]![j]!)));
  }
  return a.check === b.check && a.when === b.when && sameCmp(a.cmp, b.cmp) && sameVia(a.via, b.via);
}

/** A guard of a helper seen from its caller: every check in it is reached through the call `ref` first. */
export function throughCall(g: GuardRef, ref: CallRef): GuardRef {
  if ('any' in g) return { any: g.any.map((alt) => alt.map((h) => throughCall(h, ref))) };
  return { check: g.check, when: g.when, via: [ref, ...(g.via ?? [])], ...(g.cmp ? { cmp: g.cmp } : {}) };
}

/** Alternatives beyond this many are not kept as a disjunction (only their common conjuncts): a bound on formula
 * size for pathological chains; no real program measured comes near it. */
const MAX_ALTERNATIVES = 16;

/**
 * The conjunction list equivalent to "one of these conjunctions holds": the conjuncts common to every alternative,
 * then (when what remains of each alternative is not trivially true) one disjunction of the remainders. Factoring
 * the common part out keeps single checks single, so the per-guard explanation ("off by") names them.
 */
export function disjunction(alts: GuardRef[][]): GuardRef[] {
  const uniq: GuardRef[][] = [];
  for (const a of alts) if (!uniq.some((u) => u.length === a.length && u.every((g, i) => sameGuard(g, a[i]!)))) uniq.push(a);
  if (!uniq.length) return [];
  if (uniq.length === 1) return uniq[0]!;
  const common = uniq[0]!.filter((g) => uniq.every((a) => a.some((h) => sameGuard(g, h))));
  const rest = uniq.map((a) => a.filter((g) => !common.some((h) => sameGuard(g, h))));
  if (rest.some((a) => !a.length) || rest.length > MAX_ALTERNATIVES) return common;
  return [...common, { any: rest }];
}


/** LLVM's UnrollMaxIterationsCountToAnalyze: loops of at most this many iterations are unrolled in a simulation that
 * folds each copy's constant induction value. */
const MAX_ANALYZED_TRIPS = 10;
/** CORELENS_INDUCTION_OFFSET=0: a call given `i + k` keeps every arm in each unrolled copy (its before/after figures). */
const INDUCTION_OFFSET = process.env.CORELENS_INDUCTION_OFFSET !== '0';
/** CORELENS_CSE_ARRAY=0: an array member passed to a helper keeps use class 'x' (cse.ts never merges it). */
const ARRAY_ARG = process.env.CORELENS_CSE_ARRAY !== '0';
/** CORELENS_CSE_THREAD=0: no `cc` on ifs nor `sc` on returns, cse.ts's `thread` rule off (its before/after figures). */
const THREAD = process.env.CORELENS_CSE_THREAD !== '0';
/** CORELENS_CSE_IMPLIED=0: no condition keys, cse.ts's `implied` rule off (its before/after figures). */
const IMPLIED = process.env.CORELENS_CSE_IMPLIED !== '0';
/** CORELENS_CSE_FRAME=0: no `fr` on sites, cse.ts's `frame` rule off (its before/after figures). */
const FRAME = process.env.CORELENS_CSE_FRAME !== '0';
/** CORELENS_INDUCTION_ASSIGN=0: `for (i = A; ...)` over an earlier-declared variable is not split (before/after). */
const INDUCTION_ASSIGN = process.env.CORELENS_INDUCTION_ASSIGN !== '0';
/** CORELENS_FN_REFS=0: a function named as a value (a bpf_loop callback) is not emitted out of line (before/after). */
const FN_REFS = process.env.CORELENS_FN_REFS !== '0';
/** CORELENS_SC_CONDS=0: the right side of `&&`/`||` carries no parameter condition from the left (before/after). */
const SC_CONDS = process.env.CORELENS_SC_CONDS !== '0';
/** CORELENS_NONNULL=0: a pointer the caller tested non-null is unknown in the callee (its before/after figures). */
const NONNULL = process.env.CORELENS_NONNULL !== '0';
/** CORELENS_ALIAS_NONNULL=0: a pointer local initialised from a pointer parameter is not that parameter in conditions
 * (alias_nonnull: before/after). */
const ALIAS_NONNULL = process.env.CORELENS_ALIAS_NONNULL !== '0';
/** CORELENS_ADDR_NONNULL=0: `&v`, `&p->m` arguments are not known non-null in the callee (before/after). */
const ADDR_NONNULL = process.env.CORELENS_ADDR_NONNULL !== '0';
/** CORELENS_ORDERS=0: `a < b && !(a == b && R)` keeps R's relocations (its before/after figures). */
const ORDERS = process.env.CORELENS_ORDERS !== '0';
/** CORELENS_DEAD_AFTER_EXIT=0: statements after a return, break, continue or goto keep their relocations (before/after). */
const DEAD_AFTER_EXIT = process.env.CORELENS_DEAD_AFTER_EXIT !== '0';
/** CORELENS_MINMAX=0: `x = min(a, b); if (x <= a)` keeps both arms (its before/after figures). */
const MINMAX = process.env.CORELENS_MINMAX !== '0';
/** CORELENS_CSE_HOPS=0: a pointer loaded and dereferenced at once merges with a later load of it only within its
 * statement, as other direct loads (before/after of cse.ts `hop`). */
const HOPS = process.env.CORELENS_CSE_HOPS !== '0';
/** CORELENS_CSE_PRE_STACK=0: a `?:` arm reading a local in memory is no block for cse.ts (its before/after figures). */
const PRE_STACK = process.env.CORELENS_CSE_PRE !== '0' && process.env.CORELENS_CSE_PRE_STACK !== '0';
/** CORELENS_CSE_PRE_VALUE=0: a check that is a `?:` arm's value gets no second record under `pre` (before/after). */
const PRE_VALUE = process.env.CORELENS_CSE_PRE !== '0' && process.env.CORELENS_CSE_PRE_VALUE !== '0';

/**
 * hop: whether statement i of a block (`T v = expr;`, or `v = expr;` for a local declared in the block) computes a
 * value InstCombine sinks out of the block (TryToSinkInstruction: every use in one successor whose one predecessor is
 * this block), its loads with it: v is read neither in the statements up to the if that ends the block nor in its
 * condition, and after it only inside one of that if's arms (measured: `u32 a = p->real_parent->tgid; if
 * (p->real_parent->pid > 100) out = a;` is two real_parent records, one when a is also read before the if).
 */
function sunkInto(body: readonly Stmt[], i: number): boolean {
  const s = body[i]!;
  let v: string | undefined;
  if (s.s === 'decl' && s.vars.length === 1 && s.vars[0]!.init) v = s.vars[0]!.name;
  else if (s.s === 'expr' && s.x.e === 'assign' && s.x.op === '=' && s.x.l.e === 'id') {
    const n = s.x.l.name;
    if (body.some((d, k) => k < i && d.s === 'decl' && d.vars.some((x) => x.name === n))) v = n;
  }
  if (v === undefined) return false;
  for (let j = i + 1; j < body.length; j++) {
    const n = body[j]!;
    if (n.s === 'if') {
      // the blocks of the if: a short circuit's operands after the first each have one (entered from the one
      // before), then the arms; the first operand is evaluated in this block
      let c: Expr = n.c;
      while (c.e === 'cast' || (c.e === 'call' && c.fn.e === 'id' && c.fn.name === '__builtin_expect' && c.args.length === 2)) c = c.e === 'cast' ? c.x : c.args[0]!;
      const op = c.e === 'binary' && (c.op === '&&' || c.op === '||') ? c.op : undefined;
      const ops: Expr[] = [];
      for (let x: Expr = c; ; x = (x as { l: Expr }).l) {
        if (op && x.e === 'binary' && x.op === op) ops.unshift(x.r);
        else { ops.unshift(x); break; }
      }
      const places: string[] = [];
      ops.forEach((x, k) => { if (readsExpr(x, v!, 0, Infinity)) places.push(k === 0 ? 'cur' : `x${k}`); });
      if (readsVar(n.t, v, 0, Infinity)) places.push('t');
      if (n.f && readsVar(n.f, v, 0, Infinity)) places.push('f');
      // nothing after the if reads it (its join has several predecessors)
      if (body.slice(j + 1).some((x) => readsVar(x, v!, 0, Infinity))) return false;
      if (places.length !== 1) return false;
      const at = places[0]!;
      // an arm entered from one block only: the then arm of `&&` (or of a plain test), the else arm of `||`
      return at.startsWith('x') || (at === 't' && op !== '||') || (at === 'f' && op !== '&&');
    }
    if (n.s !== 'expr' && n.s !== 'decl' && n.s !== 'empty') return false;
    if (readsVar(n, v, 0, Infinity) || writesVar(n, v)) return false;
  }
  return false;
}

/** CORELENS_ARM_TWINS=0: a switch's arms that repeat an earlier arm's code keep their own records (before/after). */
const ARM_TWINS = process.env.CORELENS_ARM_TWINS !== '0';

/**
 * armTwins: a switch's arms (a case label's statements up to the next case label) that are the same code as an
 * earlier arm and go on to the same place are one block after LLVM (measured with clang 14: three `case X:
 * bpf_sock_ops_cb_flags_set(skops, skops->bpf_sock_ops_cb_flags | F); break;` arms, libbpf-rs' tcp_option, one
 * record; two BPF_CORE_READ arms apart with another between, one; arms falling into twin arms, one): the later arm's
 * relocations are the earlier's. Only straight-line arms (expressions, declarations, a block of them; no branch, no
 * `?:`, `&&`, `||`, no string) ending in `break`, or falling into an arm that is itself the twin of the one after the
 * earlier arm; an arm ending in `return` keeps its records (measured: `case 1: return BPF_CORE_READ(t, pid); ...
 * case 3: return BPF_CORE_READ(t, pid);` is two). Returns each later arm's first label -> the earlier arm's.
 */
function armTwins(body: readonly Stmt[]): Map<Stmt, { of: Stmt; end: number }> {
  const out = new Map<Stmt, { of: Stmt; end: number }>();
  // the arms: from a case (or default) label to the next, the label's own statement first
  const arms: { label: Stmt; stmts: Stmt[] }[] = [];
  for (const st of body) {
    if (st.s === 'label' && st.name === undefined) {
      let inner: Stmt = st;
      while (inner.s === 'label' && inner.name === undefined) inner = inner.body;
      arms.push({ label: st, stmts: [inner] });
    } else if (arms.length) arms[arms.length - 1]!.stmts.push(st);
    else return out;
  }
  const keys = arms.map((a) => {
    // `case X: { ..; break; }` ends in a break as well
    const whole = a.stmts.length === 1 && a.stmts[0]!.s === 'block' ? a.stmts[0]!.body : a.stmts;
    const last = whole[whole.length - 1];
    const brk = !!last && last.s === 'jump' && last.kind === 'break';
    const code = brk ? whole.slice(0, -1) : whole;
    const k = code.map((x) => straightKey(x, 0)).join(';');
    return k.includes('\u0000') || !code.length ? undefined : { k, brk };
  });
  const twin = new Array<number>(arms.length).fill(-1);
  for (let j = arms.length - 1; j > 0; j--) {
    const kj = keys[j];
    if (!kj) continue;
    for (let i = 0; i < j; i++) {
      const ki = keys[i];
      if (!ki || ki.k !== kj.k) continue;
      // both leave the switch (a break, or the last arm's end), or both fall into twins of each other
      const outI = ki.brk || i === arms.length - 1;
      const outJ = kj.brk || j === arms.length - 1;
      if (outI && outJ || (!outI && !outJ && twin[j + 1] === i + 1)) { twin[j] = i; break; }
    }
    if (twin[j] >= 0) { const a = arms[twin[j]!]!; out.set(arms[j]!.label, { of: a.label, end: a.stmts[a.stmts.length - 1]!.end }); }
  }
  return out;
}

/** A straight-line statement's code as a key (\u0000 when it branches, labels, or holds what the key cannot tell
 * apart: a string, an unparsed expression). */
function straightKey(s: Stmt, d: number): string {
  if (d > 8) return '\u0000';
  switch (s.s) {
    case 'expr': return exprCode(s.x, 0);
    case 'decl': return 'D' + s.vars.map((v) => `${v.name}:${spell(v.type)}=${v.init ? exprCode(v.init, 0) : ''}`).join(',');
    case 'block': return '{' + s.body.map((x) => straightKey(x, d + 1)).join(';') + '}';
    case 'empty': return s.asm ? '\u0000' : '';
    default: return '\u0000';
  }
}

/** An expression's code as a key for armTwins (\u0000 inside when it branches or cannot be told apart). */
function exprCode(e: Expr, d: number): string {
  if (d > 24) return '\u0000';
  const k = (x: Expr) => exprCode(x, d + 1);
  switch (e.e) {
    case 'id': return e.name;
    case 'num': return `${e.v}${e.lit ?? ''}`;
    case 'member': return `${k(e.obj)}${e.arrow ? '->' : '.'}${e.name}`;
    case 'index': return `${k(e.arr)}[${k(e.idx)}]`;
    case 'unary': return `${e.op}(${k(e.x)})`;
    case 'postfix': return `(${k(e.x)})${e.op}`;
    case 'binary': return e.op === '&&' || e.op === '||' ? '\u0000' : `(${k(e.l)}${e.op}${k(e.r)})`;
    case 'assign': return `(${k(e.l)}${e.op}${k(e.r)})`;
    case 'comma': return `(${k(e.l)},${k(e.r)})`;
    case 'cast': return `((${spell(e.type)})${k(e.x)})`;
    case 'sizeof': return `sizeof(${e.x ? k(e.x) : e.type ? spell(e.type) : '\u0000'})`;
    case 'type': return `T(${spell(e.type)})`;
    case 'call': return `${k(e.fn)}(${e.args.map(k).join(',')})`;
    case 'stmtexpr': return `({${e.body.map((x) => straightKey(x, 0)).join(';')}})`;
    case 'init': return e.complex?.some((c) => c) ? '\u0000' : `{${e.items.map((x, i) => `${e.names?.[i] ?? ''}=${k(x)}`).join(',')}}`;
    default: return '\u0000';
  }
}

/** CORELENS_DEAD_SELF_READ=0: `v = f(v);` kills v's earlier unread store as if it did not read it (before/after). */
const DEAD_SELF_READ = process.env.CORELENS_DEAD_SELF_READ !== '0';
/** CORELENS_SC_DEAD_LEFT=0: `L && R`'s left side keeps its sites where a constant argument makes R false (before/after). */
const SC_DEAD_LEFT = process.env.CORELENS_SC_DEAD_LEFT !== '0';
/** CORELENS_IFCVT_LOADS=0: a direct load in an if's condition is available to the next statements only within its
 * own statement, if-converted or not (before/after). */
const IFCVT_LOADS = process.env.CORELENS_IFCVT_LOADS !== '0';
/** CORELENS_DEAD_AGGR=0: stores into a local array or struct nothing reads keep their values' records (before/after). */
const DEAD_AGGR = process.env.CORELENS_DEAD_AGGR !== '0';

/** Whether an expression names the variable `name` (a read of it, sizeof's operand aside). */
function mentionsName(x: Expr, name: string): boolean {
  let hit = false;
  walkExpr(x, (y) => { if (y.e === 'id' && y.name === name) hit = true; }, undefined, 0, true);
  return hit;
}

/** CORELENS_SINK_EXIT_ARMS=0: an unrolled loop's arms that leave it keep one copy per iteration (before/after). */
const SINK_EXIT_ARMS = process.env.CORELENS_SINK_EXIT_ARMS !== '0';
/** CORELENS_LOCAL_LOADS=0: a local aggregate's member read twice in a statement keeps both records (cse.ts). */
const LOCAL_LOADS = process.env.CORELENS_LOCAL_LOADS !== '0';
/** CORELENS_KVER_GUARDS=0: no site records the LINUX_KERNEL_VERSION comparisons it runs under (withV). */
const KVER_GUARDS = process.env.CORELENS_KVER_GUARDS !== '0';
/** CORELENS_SINK_EXIT_IFS=0: an if before an exit arm's last statements ends the part sunk (its before/after figures). */
const SINK_EXIT_IFS = process.env.CORELENS_SINK_EXIT_IFS !== '0';

/**
 * An if whose arms hold only straight-line code and ifs of the same kind (no jump, loop, switch or label): in an exit
 * arm of a loop (sinkTail), after its last way back into the loop (a continue), such an if's blocks reach only the
 * exit, never the latch, so they are no part of the natural loop LoopUnroll copies: one copy for all iterations,
 * entered through PHIs of the values the copies hand over (measured with clang 14: `if (off >= 5 &&
 * BPF_CORE_READ(d, d_sb, s_magic) == M) {..} break;` after a test that continues, in an 80-copy d_path walk: one
 * record per inlined walk; kubescape node-agent's trace_open).
 */
function quietIf(st: Stmt, d = 0): boolean {
  if (d > 64) return false;
  switch (st.s) {
    case 'expr': case 'decl': case 'empty': return true;
    case 'block': return st.body.every((x) => quietIf(x, d + 1));
    case 'if': return quietIf(st.t, d + 1) && (!st.f || quietIf(st.f, d + 1));
    default: return false;
  }
}
/** CORELENS_SINK_IND_ARITH=0: an exit arm naming the induction variable in any way stays per copy (phiLight). */
const SINK_IND_ARITH = process.env.CORELENS_SINK_IND_ARITH !== '0';
/** The binary operators that compute a value (no comparison, no && or ||: those branch or test). */
const ARITH_OPS = new Set(['+', '-', '*', '/', '%', '<<', '>>', '&', '|', '^']);
/** The tails rule's declared-locals record (cse.ts `tails`, switched with it). */
const TAIL_DECLS = process.env.CORELENS_CSE_TAILS !== '0';

/** The names an if statement's arms declare (nested blocks, ifs, loops and switches included). */
function declaredNames(st: Extract<Stmt, { s: 'if' }>): string[] {
  const out = new Set<string>();
  const walk = (x: Stmt | undefined, d: number): void => {
    if (!x || d > 64) return;
    switch (x.s) {
      case 'decl': for (const v of x.vars) out.add(v.name); return;
      case 'if': walk(x.t, d + 1); walk(x.f, d + 1); return;
      case 'block': for (const y of x.body) walk(y, d + 1); return;
      case 'loop': walk(x.init, d + 1); walk(x.body, d + 1); return;
      case 'switch': walk(x.body, d + 1); return;
      case 'label': walk(x.body, d + 1); return;
      default: return;
    }
  };
  walk(st.t, 0);
  walk(st.f, 0);
  return [...out];
}

/** CORELENS_ARG_RANGE=0: a masked argument's range decides none of the callee's switch cases (before/after figures). */
const ARG_RANGE = process.env.CORELENS_ARG_RANGE !== '0';
/** CORELENS_SINK_EXIT_CALLS=0: a callee's sunk exit arms keep one copy per copy of a caller's unrolled loop that leaves
 * on their value (ExitArm; before/after figures). */
const EXIT_CALLS = process.env.CORELENS_SINK_EXIT_CALLS !== '0';

/** A switch on a check's value (switch_guards): its condition and every case label's value. */
interface SwitchOnCheck { c: Expr; values: bigint[] }
/** The guards and knob code falling out of a statement runs under (FALL_JOIN); narrowed: more than on its entry. */
interface Fall { guards: GuardRef[]; knob?: string; narrowed: boolean; reach?: (bigint | 'default')[] }
/** A switch's paths out (FALL_JOIN): each break's state, the current case's guards (`base`) and labels. */
interface SwitchJoin { base: GuardRef[]; baseKnob?: string; reach?: (bigint | 'default')[]; paths: Fall[]; sw?: SwitchOnCheck; bad?: boolean }
/** Statements whose walk sets `fall`. */
const STRUCTURED = new Set<Stmt['s']>(['if', 'switch', 'block', 'label', ...(process.env.CORELENS_LOOP_JOIN !== '0' ? ['loop' as const] : [])]);
/** CORELENS_LOOP_JOIN=0: code after a loop runs under the loop's entry guards whatever every path through its body
 * adds (loop_join): before/after. */
const LOOP_JOIN = process.env.CORELENS_LOOP_JOIN !== '0';
/** CORELENS_FALL_JOIN=0: code after an if, switch or block runs under the entry's guards whatever its paths add (only
 * an if with one exiting arm narrows): before/after. */
const FALL_JOIN = process.env.CORELENS_FALL_JOIN !== '0';
/** CORELENS_RET_VALUES=0: a callee's value compared with a constant (`v & 2`, `v > 3`) implies nothing about the
 * checks its constant returns run under (only its truth does): before/after. */
const RET_VALUES = process.env.CORELENS_RET_VALUES !== '0';

/** const_switch: `l op r` on integers as C computes it for the values a size parameter takes (no width: a negative
 * result or a shift past 63 is unknown). */
function arith(op: string, l: bigint, r: bigint): bigint | undefined {
  const b = (x: boolean): bigint => (x ? 1n : 0n);
  let v: bigint | undefined;
  switch (op) {
    case '+': v = l + r; break;
    case '-': v = l - r; break;
    case '*': v = l * r; break;
    case '/': v = r === 0n ? undefined : l / r; break;
    case '%': v = r === 0n ? undefined : l % r; break;
    case '&': v = l & r; break;
    case '|': v = l | r; break;
    case '^': v = l ^ r; break;
    case '<<': v = r < 0n || r > 63n ? undefined : l << r; break;
    case '>>': v = r < 0n || r > 63n ? undefined : l >> r; break;
    case '<': return b(l < r);
    case '>': return b(l > r);
    case '<=': return b(l <= r);
    case '>=': return b(l >= r);
    case '==': return b(l === r);
    case '!=': return b(l !== r);
    case '&&': return b(l !== 0n && r !== 0n);
    case '||': return b(l !== 0n || r !== 0n);
    default: return undefined;
  }
  return v === undefined || v < 0n ? undefined : v;
}

/** A jump or return anywhere in the statement (const_switch: a segment that may leave before its end). */
function hasJump(st: Stmt, d = 0): boolean {
  if (d > 64) return true;
  switch (st.s) {
    case 'jump': case 'return': return true;
    case 'if': return hasJump(st.t, d + 1) || (!!st.f && hasJump(st.f, d + 1));
    case 'block': return st.body.some((x) => hasJump(x, d + 1));
    case 'loop': case 'switch': case 'label': return hasJump(st.body, d + 1);
    default: return false;
  }
}

/** Calls `fn` on every expression of a statement (not into statement expressions' bodies twice). */
function eachExpr(s: Stmt, fn: (e: Expr) => void, d = 0): void {
  if (d > 64) return;
  const sub = (x: Stmt) => eachExpr(x, fn, d + 1);
  switch (s.s) {
    case 'expr': fn(s.x); return;
    case 'decl': for (const v of s.vars) if (v.init) fn(v.init); return;
    case 'if': fn(s.c); sub(s.t); if (s.f) sub(s.f); return;
    case 'return': if (s.x) fn(s.x); return;
    case 'block': s.body.forEach(sub); return;
    case 'loop': if (s.init) sub(s.init); if (s.c) fn(s.c); sub(s.body); if (s.step) fn(s.step); return;
    case 'switch': fn(s.c); sub(s.body); return;
    case 'label': if (s.x) fn(s.x); sub(s.body); return;
    default: return;
  }
}

/** A probe read (`bpf_probe_read*`) in these statements, nested statement expressions included, writes `&name`
 * (through casts): what the variable holds after them is a plain number to the verifier. */
function probeWritten(body: readonly Stmt[], name: string): boolean {
  let hit = false;
  for (const st of body) {
    eachExpr(st, (e) => walkExpr(e, (y) => {
      if (hit || y.e !== 'call' || y.fn.e !== 'id' || !/^bpf_probe_read/.test(y.fn.name)) return;
      let a = y.args[0];
      while (a?.e === 'cast') a = a.x;
      if (a?.e === 'unary' && a.op === '&' && a.x.e === 'id' && a.x.name === name) hit = true;
    }));
    if (hit) return true;
  }
  return false;
}

/** `name` is declared an array by one of these statements (a statement expression's own local). */
function declaredArray(body: readonly Stmt[], name: string): boolean {
  return body.some((st) => st.s === 'decl' && st.vars.some((v) => v.name === name && strip(v.type).k === 'array'));
}

/** Every sub-expression of an expression, the expression first (statement expressions' statements included). */
function walkExpr(e: Expr, fn: (e: Expr, parent?: Expr) => void, parent?: Expr, d = 0, noSizeof = false, prune?: (e: Expr) => boolean): void {
  if (d > 256 || prune?.(e)) return;
  fn(e, parent);
  if (noSizeof && e.e === 'sizeof') return;
  const k = (x: Expr) => walkExpr(x, fn, e, d + 1, noSizeof, prune);
  switch (e.e) {
    case 'member': return k(e.obj);
    case 'index': k(e.arr); return k(e.idx);
    case 'call': k(e.fn); e.args.forEach(k); return;
    case 'unary': case 'postfix': case 'cast': return k(e.x);
    case 'binary': case 'assign': case 'comma': k(e.l); return k(e.r);
    case 'cond': k(e.c); k(e.a); return k(e.b);
    case 'sizeof': if (e.x) k(e.x); return;
    case 'init': e.items.forEach(k); return;
    case 'generic': k(e.x); e.assoc.forEach((a) => k(a.x)); return;
    case 'stmtexpr': e.body.forEach((st) => eachExpr(st, (x) => walkExpr(x, fn, e, d + 1, noSizeof, prune))); return;
    default: return;
  }
}

/** Adds the names a statement declares, in its nested blocks, arms and cases (and loops, with `loops`). */
function declaredIn(st: Stmt, out: Set<string>, loops: boolean, d = 0): void {
  if (d > 64) return;
  if (st.s === 'decl') for (const v of st.vars) out.add(v.name);
  else if (st.s === 'block') st.body.forEach((x) => declaredIn(x, out, loops, d + 1));
  else if (st.s === 'if') { declaredIn(st.t, out, loops, d + 1); if (st.f) declaredIn(st.f, out, loops, d + 1); }
  else if (st.s === 'loop' && loops) { declaredIn(st.body, out, loops, d + 1); if (st.init) declaredIn(st.init, out, loops, d + 1); }
  else if (st.s === 'switch' || st.s === 'label') declaredIn(st.body, out, loops, d + 1);
}

/** The variables a loop's body, condition and step write or declare (different in each unrolled copy). */
function writtenIn(s: Extract<Stmt, { s: 'loop' }>): Set<string> {
  const out = new Set<string>();
  declaredIn(s.body, out, true);
  if (s.init) declaredIn(s.init, out, true);
  const writes = (e: Expr) => walkExpr(e, (x) => {
    if (x.e === 'assign' && x.l.e === 'id') out.add(x.l.name);
    if ((x.e === 'postfix' || (x.e === 'unary' && (x.op === '++' || x.op === '--'))) && x.x.e === 'id') out.add(x.x.name);
  });
  eachExpr(s.body, writes);
  if (s.c) writes(s.c);
  if (s.step) writes(s.step);
  if (s.init) eachExpr(s.init, writes);
  return out;
}

/** A loop's induction variables: what its init declares or assigns and its step writes. */
function inductionNames(s: Extract<Stmt, { s: 'loop' }>): Set<string> {
  const out = new Set<string>();
  if (s.init?.s === 'decl') for (const v of s.init.vars) out.add(v.name);
  if (s.init) eachExpr(s.init, (e) => walkExpr(e, (x) => { if (x.e === 'assign' && x.l.e === 'id') out.add(x.l.name); }));
  if (s.step) walkExpr(s.step, (x) => {
    if (x.e === 'assign' && x.l.e === 'id') out.add(x.l.name);
    if ((x.e === 'postfix' || x.e === 'unary') && x.x.e === 'id') out.add(x.x.name);
  });
  return out;
}

/**
 * Whether an arm's copies differ in at most one operand per operation (SinkCommonCodeFromPredecessors' profitability:
 * one PHI per sunk instruction): a value the copies differ in is a variable the loop writes (`variant`) read by
 * value (its address `&v` is one stack slot, a plain store `v = ..` writes without reading it, sizeof never
 * evaluates); values the arm computes itself are sunk with it. The induction variable (a constant per copy) may be
 * such an operand, but not in a condition or a call's argument: there it folds each copy's code differently.
 */
function phiLight(s: Stmt, variant: ReadonlySet<string>, ind: ReadonlySet<string>, isConst?: (x: Expr) => boolean): boolean {
  const declared = new Set<string>();
  declaredIn(s, declared, false);
  const hasInd = (x: Expr): boolean => {
    let hit = false;
    walkExpr(x, (y) => { if (y.e === 'id' && ind.has(y.name) && !declared.has(y.name)) hit = true; }, undefined, 0, true);
    return hit;
  };
  // `level - i`: the induction variable in arithmetic with a value no copy knows (isConst says so, the other side
  // free of it) is no constant in any copy, so nothing folds on it (no relocation's access string, no call split
  // per copy: unrollInductionCalls wants the variable itself); it is one value differing per copy, one PHI like a
  // variant local (measured with clang 14: kvisor's pid-namespace walk, `numbers[level - i].nr` in a break arm of a
  // 10-copy loop, sunk into one copy)
  const absorbed = (x: Expr): boolean => {
    if (!SINK_IND_ARITH || !isConst || x.e !== 'binary' || !ARITH_OPS.has(x.op)) return false;
    const [a, b] = hasInd(x.l) ? [x.l, x.r] : [x.r, x.l];
    return !hasInd(b) && !isConst(b) && (a.e === 'id' || absorbed(a)) && hasInd(a);
  };
  const differs = (x: Expr): boolean => (x.e === 'id' && variant.has(x.name) && !declared.has(x.name)) || absorbed(x);
  const mentionsInd = (x: Expr): boolean => {
    let hit = false;
    walkExpr(x, (y) => { if (y.e === 'id' && ind.has(y.name) && !declared.has(y.name)) hit = true; }, undefined, 0, true, absorbed);
    return hit;
  };
  let ok = true;
  const operands = (x: Expr): Expr[] => {
    switch (x.e) {
      case 'binary': return [x.l, x.r];
      case 'assign': return x.op === '=' ? [x.r, ...(x.l.e === 'id' ? [] : [x.l])] : [x.l, x.r];
      case 'index': return [x.arr, x.idx];
      case 'call': return x.args;
      default: return [];
    }
  };
  const check = (e: Expr) => walkExpr(e, (x) => {
    if (!ok) return;
    if (x.e === 'call' && x.args.some(mentionsInd)) { ok = false; return; }
    if (x.e === 'cond' && mentionsInd(x.c)) { ok = false; return; }
    if (x.e === 'binary' && (x.op === '&&' || x.op === '||') && mentionsInd(x)) { ok = false; return; }
    // `&v` and sizeof are no reads
    const ops = operands(x).filter((o) => !(o.e === 'unary' && o.op === '&') && o.e !== 'sizeof');
    if (ops.filter((o) => differs(o)).length > 1) ok = false;
  }, undefined, 0, true);
  const conds = (st: Stmt, d = 0): void => {
    if (d > 64 || !ok) return;
    if (st.s === 'if') { if (mentionsInd(st.c)) ok = false; conds(st.t, d + 1); if (st.f) conds(st.f, d + 1); }
    else if (st.s === 'block') st.body.forEach((x) => conds(x, d + 1));
    else if (st.s === 'switch') { if (mentionsInd(st.c)) ok = false; conds(st.body, d + 1); }
    else if (st.s === 'label') conds(st.body, d + 1);
  };
  conds(s);
  eachExpr(s, check);
  return ok;
}

/** An integer (or enum) type after the integer promotions: its width and signedness; undefined for anything else. */
/** A condition that is a short circuit (`a && b`, `!(a || b)`): each operand a branch of its own. */
function shortCircuit(c: Expr): boolean {
  while (c.e === 'unary' && c.op === '!') c = c.x;
  return c.e === 'binary' && (c.op === '&&' || c.op === '||');
}

function arithType(t: CType): { size: number; signed: boolean } | undefined {
  const s = strip(t);
  if (s.k === 'enum') return s.size < 4 ? { size: 4, signed: true } : { size: s.size, signed: s.signed };
  if (s.k !== 'int') return undefined;
  return s.size < 4 ? { size: 4, signed: true } : { size: s.size, signed: s.signed };
}

/** An integer literal's type (C11 6.4.4.1): the first of its candidate types that holds the value, by suffix and base
 * (a decimal without `u` is never unsigned); undefined for a floating literal. A character constant is an int. */
function literalType(v: bigint, lit?: string): { size: number; signed: boolean } | undefined {
  if (lit === undefined) return { size: 4, signed: true };
  if (/[.pP]/.test(lit) || (/[eE]/.test(lit) && !/^0[xX]/.test(lit))) return undefined;
  const suf = /[uUlL]*$/.exec(lit)![0].toLowerCase();
  const u = suf.includes('u');
  const long = suf.includes('l');
  const decimal = !/^0/.test(lit) || lit === '0' || /^0[uUlL]*$/.test(lit);
  const cands: { size: number; signed: boolean; max: bigint }[] = [];
  if (!long) { if (!u) cands.push({ size: 4, signed: true, max: 0x7fffffffn }); if (u || !decimal) cands.push({ size: 4, signed: false, max: 0xffffffffn }); }
  if (!u) cands.push({ size: 8, signed: true, max: 0x7fffffffffffffffn });
  if (u || !decimal) cands.push({ size: 8, signed: false, max: 0xffffffffffffffffn });
  const c = cands.find((k) => v <= k.max);
  return c ? { size: c.size, signed: c.signed } : undefined;
}

/** C's usual arithmetic conversions of two promoted integer types. */
function usual(a: { size: number; signed: boolean }, b: { size: number; signed: boolean }): { size: number; signed: boolean } {
  if (a.size === b.size) return { size: a.size, signed: a.signed && b.signed };
  return a.size > b.size ? a : b;
}

/** Volatile anywhere in the type's qualifiers (a `const volatile` knob: every read is a load of its own). */
function isVolatile(t: CType): boolean {
  for (let i = 0; i < 32; i++) {
    if (t.k === 'qual') { if (t.q === 'volatile') return true; t = t.of; }
    else if (t.k === 'typedef') t = t.to;
    else return false;
  }
  return false;
}

/** The statement is, or holds, a label control can enter it by (a goto target anywhere, a case or default of the
 * enclosing switch): unreachable code before it ends there. The cases of a switch inside it are that switch's. */
export function hasLabel(s: Stmt, d = 0, inSwitch = false): boolean {
  if (d > 64) return true;
  switch (s.s) {
    case 'label': return s.name !== undefined || !inSwitch || hasLabel(s.body, d + 1, inSwitch);
    case 'block': return s.body.some((x) => hasLabel(x, d + 1, inSwitch));
    case 'if': return hasLabel(s.t, d + 1, inSwitch) || (!!s.f && hasLabel(s.f, d + 1, inSwitch));
    case 'loop': return hasLabel(s.body, d + 1, inSwitch) || (!!s.init && hasLabel(s.init, d + 1, inSwitch));
    case 'switch': return hasLabel(s.body, d + 1, true);
    default: return false;
  }
}
/** CORELENS_NAND=0: the else side of `a && b` on parameters carries no condition (its before/after figures). */
/** CORELENS_KFUNC_PENALTY=0: a call of a declared function without a body (a kfunc, `extern .. __ksym`) costs as a
 * helper's (no CallPenalty). */
const KFUNC_PENALTY = process.env.CORELENS_KFUNC_PENALTY !== '0';
/** CORELENS_MAX_TRIPS_ANY=0: a loop `i < n && i < MAX` (the constant bound not first) is no bounded loop for a
 * pragma's count (maxCountedExit). */
const MAX_TRIPS_ANY = process.env.CORELENS_MAX_TRIPS_ANY !== '0';
/** CORELENS_CONST_SWITCH=0: a constant argument saves the inliner and the unroller nothing of its callee's switch on
 * that parameter (ConstSwitch). */
const CONST_SWITCH = process.env.CORELENS_CONST_SWITCH !== '0';
/** CORELENS_CONST_ARMS=0: a constant argument saves the inliner nothing of its callee's ifs on that parameter
 * (ConstArm, contexts.ts constSaved). */
const CONST_ARMS = process.env.CORELENS_CONST_ARMS !== '0';
/** CORELENS_FOLD_CONDS=0: each conjunct of a `&&` / `||` branch keeps its own heuristic probability (no
 * FoldBranchToCommonDest merging: sites.ts chainProb). */
const FOLD_CONDS = process.env.CORELENS_FOLD_CONDS !== '0';
const NAND = process.env.CORELENS_NAND !== '0';
/**
 * CORELENS_EXPECT_PARAMS=0: `__builtin_expect(x, c)` around a test of a parameter (`if (likely(is_v4))`) tells no
 * condition on the parameter, as before. clang lowers the builtin to llvm.expect, which LowerExpectIntrinsic replaces
 * by its first operand (leaving only branch weights) before the inliner runs, so once a caller's constant reaches the
 * parameter InstSimplify folds the branch as for `if (is_v4)`: the other arm has no relocation (openshift's
 * ingress-node-firewall: ip_extract_l4info(.., is_v4) called with 1 and 0).
 */
const EXPECT_PARAMS = process.env.CORELENS_EXPECT_PARAMS !== '0';
/** expect_params: `x` of `__builtin_expect(x, c)` / `__builtin_expect_with_probability(x, c, p)`, else `x` itself. */
function unexpect(x: Expr): Expr {
  while (EXPECT_PARAMS && x.e === 'call' && x.fn.e === 'id' && ((x.fn.name === '__builtin_expect' && x.args.length === 2)
    || (x.fn.name === '__builtin_expect_with_probability' && x.args.length === 3))) x = x.args[0]!;
  return x;
}
/** CORELENS_INDUCTION_DO_ONCE=0: a `do { } while (0)` in a loop's body keeps the loop from being split (before/after). */
const DO_ONCE = process.env.CORELENS_INDUCTION_DO_ONCE !== '0';
/**
 * The root type of a chain whose first step is `m`: the base's type as written (typedef kept), except for a bitfield
 * member reached in that one step, which clang 14 roots at the record itself, its typedef dropped (CGExpr's bitfield
 * path takes the record's debug type, the other members the base expression's; measured: `((robj *)p)->type`, a
 * bitfield, is `struct redisObject 0:0`, `((robj *)p)->refcount` is `robj 0:1`; bpftime's redis hotpatch).
 */
function bitfieldRoot(root: CType, m: { path: number[]; bits?: boolean }): CType {
  if (!m.bits || m.path.length !== 1 || root.k !== 'typedef') return root;
  const r = strip(root);
  return r.k === 'struct' || r.k === 'union' ? r : root;
}

/**
 * A volatile scalar, or array of them (not a pointer to one): clang initialises it with volatile stores LLVM keeps.
 * A volatile struct or union is not: clang 14 stores its members as their own (unqualified) types (measured:
 * `volatile struct two { u32 a, b; } s = { bpf_core_field_size(..), .. }` nobody reads has no record).
 */
function isVolatileObject(t: CType): boolean {
  let v = false;
  for (let i = 0; i < 32; i++) {
    if (t.k === 'qual') { if (t.q === 'volatile') v = true; t = t.of; }
    else if (t.k === 'typedef') t = t.to;
    else if (t.k === 'array') t = t.of;
    else return v && (t.k === 'int' || t.k === 'enum' || t.k === 'float' || t.k === 'ptr');
  }
  return false;
}

/** CORELENS_SINK=0: a local holding a relocated constant keeps its declaration's guards (its before/after figures). */
const SINK = process.env.CORELENS_SINK !== '0';
/** Copies of a call a pragma's full unroll is split into (each an inlined context): beyond, the copies share one. */
const MAX_SPLIT_COPIES = 64;

/** CORELENS_CSE_DO_ONCE=0: a `do { } while (0)` is a loop to cse.ts (nothing merged in it or across it; before). */
const ONCE_STRAIGHT = process.env.CORELENS_CSE_DO_ONCE !== '0';

/** The statement has a break or continue of the loop around it (a nested loop's are its own, a switch's break too). */
function breaksLoop(st: Stmt, inSwitch = false): boolean {
  switch (st.s) {
    case 'jump': return st.kind === 'continue' || (st.kind === 'break' && !inSwitch);
    case 'loop': return false;
    case 'switch': return breaksLoop(st.body, true);
    case 'label': return breaksLoop(st.body, inSwitch);
    case 'if': return breaksLoop(st.t, inSwitch) || (!!st.f && breaksLoop(st.f, inSwitch));
    case 'block': return st.body.some((b) => breaksLoop(b, inSwitch));
    default: return false;
  }
}

/** loop_join: a continue of the loop around, or a goto, in a loop's body: a path out that no join here follows. */
function oddExit(st: Stmt, inLoop = false): boolean {
  switch (st.s) {
    case 'jump': return st.kind === 'goto' || (st.kind === 'continue' && !inLoop);
    case 'loop': return oddExit(st.body, true);
    case 'switch': case 'label': return oddExit(st.body, inLoop);
    case 'if': return oddExit(st.t, inLoop) || (!!st.f && oddExit(st.f, inLoop));
    case 'block': return st.body.some((b) => oddExit(b, inLoop));
    default: return false;
  }
}

/** The statement contains a loop. */
/** The statement may leave a loop around it other than by its condition: a return, break or goto (continue stays). */
function leavesLoop(st: Stmt): boolean {
  switch (st.s) {
    case 'return': return true;
    case 'jump': return st.kind !== 'continue';
    case 'loop': case 'switch': case 'label': return leavesLoop(st.body);
    case 'if': return leavesLoop(st.t) || (!!st.f && leavesLoop(st.f));
    case 'block': return st.body.some(leavesLoop);
    default: return false;
  }
}

function hasLoop(st: Stmt): boolean {
  switch (st.s) {
    // `do { ... } while (0)` (a statement macro: traceloop's bpf_error_printk) runs once, no loop to LLVM (its
    // condition and body may share one macro position, so the condition alone decides; a `while (0)` never runs)
    case 'loop': return !(DO_ONCE && st.c?.e === 'num' && st.c.v === 0n) || hasLoop(st.body);
    case 'if': return hasLoop(st.t) || (!!st.f && hasLoop(st.f));
    case 'block': return st.body.some(hasLoop);
    case 'switch': case 'label': return hasLoop(st.body);
    default: return false;
  }
}

/** A function's body (or a function it names, a few levels down) has a loop keyword: what an inlined call brings. */
function loopIn(def: FuncDef, depth: number, env?: TypeEnv): boolean {
  const toks = def.body ?? [];
  // `do { ... } while (0)` (statement macros, expanded in the body's tokens) is no loop
  if (toks.some((t, i) => t.s === 'for' || (t.s === 'while' && !(toks[i + 1]?.s === '(' && toks[i + 2]?.s === '0' && toks[i + 3]?.s === ')')))) return true;
  if (depth >= 4 || !env) return false;
  return toks.some((t, i) => t.t === 0 && toks[i + 1]?.s === '(' && t.s !== def.name && ((d) => !!d?.body && loopIn(d, depth + 1, env))(env.func(t.s)));
}

/** One declaration of a local: where its scope runs, its members written once with a constant (undefined: written
 * otherwise), and whether its address may escape (then nothing about it is known). */
interface LocalDecl { start: number; end: number; fields: Map<string, { v: bigint; at: number } | undefined>; escaped: boolean;
  /** setter_consts: each member's straight-line writes in order (`v` undefined: not a constant), or null where a write
   * is under a branch or a loop (unknown everywhere) */ hist?: Map<string, { v?: bigint; at: number }[] | null> }

/** CORELENS_SETTER_CONSTS=0: a local struct's members are known only when written once in the function itself (no
 * memset, no brace-list zeroes, no inlined setter, no later overwrite), as before (setter_consts: before/after). */
const SETTER_CONSTS = process.env.CORELENS_SETTER_CONSTS !== '0';

/** setter_consts: what an inlined callee does to the record its parameter points at: straight-line member writes
 * (in order; `v` undefined when not a constant), members written otherwise (under a branch, a loop, after a return,
 * compound or through their address), and whether the pointer escapes (to a helper, a store, a non-inlined call). */
interface SetterSummary { writes: { m: string; v?: bigint }[]; spoilt: Set<string>; escapes: boolean; deps: string[] }
/** (per type environment: a callee's callees are looked up in it, and an edit makes a new one) */
const setterMemo = new WeakMap<TypeEnv, WeakMap<FuncDef, (SetterSummary | undefined)[]>>();
/** setter_consts: each call's place in constMembers' evaluation order (what LocalDecl.hist's `at` counts). */
const callSeq = new WeakMap<Expr, number>();

/**
 * setter_consts: the writes an inlined call of `def` makes through its parameter `pi`, what SROA sees after inlining
 * (the alloca's stores in the caller's flow): a statement `p->m = K;` at the body's top level before any return is a
 * store every path makes; a write of `p->m` anywhere else (or `&p->m`) leaves m unknown; `p` handed whole to an inlinable
 * callee brings that callee's writes; `p` given anything else (a helper, a non-inlined function, stored) escapes.
 */
function setterWrites(def: FuncDef, pi: number, env: TypeEnv, depth = 0): SetterSummary {
  let byDef = setterMemo.get(env);
  if (!byDef) setterMemo.set(env, (byDef = new WeakMap()));
  const memo = byDef.get(def);
  const hit = memo?.[pi];
  if (hit) return hit;
  const out: SetterSummary = { writes: [], spoilt: new Set(), escapes: false, deps: [def.name] };
  const pn = def.params[pi]?.name;
  let body: Stmt[] | undefined;
  try { body = pn ? new CParser(def.body ?? [], env).blockItems() : undefined; } catch { body = undefined; }
  if (!body || depth > 4) { out.escapes = true; return out; }
  let exited = false;
  const isP = (e: Expr): boolean => { while (e.e === 'cast') e = e.x; return e.e === 'id' && e.name === pn; };
  /** `p->m` (or deeper into it, `p->m.x`, `p->m[i]`): m */
  const memberOf = (e: Expr): string | undefined => {
    for (let d = 0; d < 16; d++) {
      if (e.e === 'member' && e.arrow && isP(e.obj)) return e.name;
      if (e.e === 'member' && !e.arrow) e = e.obj;
      else if (e.e === 'index') e = e.arr;
      else return undefined;
    }
    return undefined;
  };
  const ex = (e: Expr | undefined, top: boolean): void => {
    if (!e) return;
    switch (e.e) {
      case 'id': if (e.name === pn) out.escapes = true; return;
      case 'member': {
        if (e.arrow && isP(e.obj)) return; // a read of p->m
        return ex(e.obj, false);
      }
      case 'assign': {
        const m = memberOf(e.l);
        if (m !== undefined) {
          const k = e.op === '=' && e.l.e === 'member' && e.l.arrow ? constValue(e.r, env) : undefined;
          if (top && !exited && e.op === '=' && e.l.e === 'member' && e.l.arrow) out.writes.push(k !== undefined ? { m, v: k } : { m });
          else out.spoilt.add(m);
        } else if (isP(e.l)) out.escapes = true;
        else ex(e.l, false);
        return ex(e.r, false);
      }
      case 'unary':
        if (e.op === '&' || e.op === '++' || e.op === '--') { const m = memberOf(e.x); if (m !== undefined) { out.spoilt.add(m); return; } }
        if (e.op === '*' && isP(e.x)) { out.escapes = true; return; }
        return ex(e.x, false);
      case 'postfix': { const m = memberOf(e.x); if (m !== undefined) { out.spoilt.add(m); return; } return ex(e.x, false); }
      case 'call': {
        const name = e.fn.e === 'id' ? e.fn.name : '';
        const callee = name ? env.func(name) : undefined;
        if (e.fn.e !== 'id') ex(e.fn, false);
        e.args.forEach((a, i) => {
          if (!isP(a)) return ex(a, false);
          if (!callee?.body || !inlinable(callee)) { out.escapes = true; return; }
          const sub = setterWrites(callee, i, env, depth + 1);
          out.deps.push(...sub.deps);
          if (sub.escapes) out.escapes = true;
          for (const m of sub.spoilt) out.spoilt.add(m);
          for (const w of sub.writes) if (top && !exited) out.writes.push(w); else out.spoilt.add(w.m);
        });
        return;
      }
      case 'index': ex(e.arr, false); return ex(e.idx, false);
      case 'binary': case 'comma': ex(e.l, false); return ex(e.r, false);
      case 'cond': ex(e.c, false); ex(e.a, false); return ex(e.b, false);
      case 'cast': return ex(e.x, false);
      case 'sizeof': return;
      case 'stmtexpr': for (const b of e.body) st(b, false); return;
      case 'init': for (const i of e.items) ex(i, false); return;
      case 'generic': return ex(e.x, false);
      default: return;
    }
  };
  const st = (s: Stmt, top: boolean): void => {
    switch (s.s) {
      case 'expr': return ex(s.x, top);
      case 'decl': for (const v of s.vars) ex(v.init, false); return;
      case 'if': ex(s.c, false); st(s.t, false); if (s.f) st(s.f, false); if (leaves(s)) exited = true; return;
      case 'return': ex(s.x, false); exited = true; return;
      case 'block': for (const b of s.body) st(b, top); return;
      case 'loop': if (s.init) st(s.init, false); ex(s.c, false); ex(s.step, false); st(s.body, top && onceBlock(s)); return;
      case 'switch': ex(s.c, false); st(s.body, false); exited = true; return;
      case 'label': ex(s.x, false); st(s.body, false); exited = true; return;
      case 'jump': exited = true; return;
      default: return;
    }
  };
  for (const s of body) st(s, true);
  if (!memo) byDef.set(def, []);
  byDef.get(def)![pi] = out;
  return out;
}

/** A statement holding a return or a goto anywhere: the code after it may not run. */
function leaves(t: Stmt): boolean {
  switch (t.s) {
    case 'return': return true;
    case 'jump': return t.kind === 'goto';
    case 'if': return leaves(t.t) || (!!t.f && leaves(t.f));
    case 'block': return t.body.some(leaves);
    case 'loop': case 'switch': case 'label': return leaves(t.body);
    default: return false;
  }
}

/** `do { .. } while (0)` with no break or continue of its own: straight-line code (a statement macro's body). */
function onceBlock(s: Extract<Stmt, { s: 'loop' }>): boolean {
  if (!s.post || s.c?.e !== 'num' || s.c.v !== 0n) return false;
  const jumps = (t: Stmt): boolean => {
    switch (t.s) {
      case 'jump': return t.kind === 'break' || t.kind === 'continue';
      case 'if': return jumps(t.t) || (!!t.f && jumps(t.f));
      case 'block': return t.body.some(jumps);
      case 'label': return jumps(t.body);
      default: return false; // a nested loop's or switch's own
    }
  };
  return !jumps(s.body);
}

const returnedMemo = new WeakMap<TypeEnv, WeakMap<FuncDef, MemberConsts | null>>();
/**
 * byval_fields: the constant scalar members of the compound literal a function returns as its only statement
 * (`return (T){ .type = K, .p = p };`, the members it does not name 0), or undefined. Once the function is inlined,
 * the returned aggregate is the caller's alloca: SROA splits it into one scalar per member, the constant ones
 * propagate (SCCP / InstCombine) into every inlined callee the record is passed to by value, and a `switch (v.type)`
 * there folds to one arm (SimplifyCFG). Members named through an anonymous union or struct are skipped.
 */
function returnedConsts(def: FuncDef, env: TypeEnv): MemberConsts | undefined {
  let byDef = returnedMemo.get(env);
  if (!byDef) returnedMemo.set(env, (byDef = new WeakMap()));
  const hit = byDef.get(def);
  if (hit !== undefined) return hit ?? undefined;
  let out: MemberConsts | undefined;
  let body: Stmt[] | undefined;
  try { body = new CParser(def.body ?? [], env).blockItems(); } catch { body = undefined; }
  const items = (body ?? []).filter((st) => !(st.s === 'empty' && !st.asm));
  const ret = items.length === 1 && items[0]!.s === 'return' ? items[0]!.x : undefined;
  if (ret?.e === 'cast' && ret.x.e === 'init' && !ret.x.complex?.some((c) => c)) {
    const r = strip(ret.type);
    const lit = ret.x;
    if (r.k === 'struct' && r.complete && !r.fields.some((fd) => fd.bits !== undefined)) {
      const vals: MemberConsts = {};
      for (const fd of r.fields) { const k = strip(fd.type).k; if (fd.name && (k === 'int' || k === 'enum' || k === 'ptr')) vals[fd.name] = 0n; }
      let cur = 0;
      let ok = true;
      for (let j = 0; j < lit.items.length && ok; j++) {
        const n = lit.names?.[j];
        if (n !== undefined) cur = r.fields.findIndex((fd) => fd.name === n);
        // a member of an anonymous union / struct (`.skb` of pktbuf's union): the position after it is unknown
        if (cur < 0) { if (lit.names?.[j + 1] === undefined && j + 1 < lit.items.length) ok = false; continue; }
        const fd = r.fields[cur++];
        if (!fd) { ok = false; break; }
        if (!fd.name || !(fd.name in vals)) continue;
        const k = lit.items[j]!.e === 'init' ? undefined : constValue(lit.items[j]!, env);
        if (k === undefined) delete vals[fd.name]; else vals[fd.name] = k;
      }
      if (ok && Object.keys(vals).length) out = vals;
    }
  }
  byDef.set(def, out ?? null);
  return out;
}

/** setter_consts: the scalar members a zeroing store writes (a memset, `= {}`), by name: what SROA's slices see. */
function zeroMembers(t: CType): string[] | undefined {
  const r = strip(t);
  // (a bitfield too: its storage unit is a slice whose loads and read-modify-write stores fold the same way, measured)
  if (r.k !== 'struct' || !r.complete || r.fields.some((fd) => !fd.name)) return undefined;
  return r.fields.filter((fd) => { const k = strip(fd.type).k; return k === 'int' || k === 'enum' || k === 'ptr'; }).map((fd) => fd.name);
}

/** The declaration of a name in scope at `at`: the latest one started before it whose block is still open. */
function declAt(ds: LocalDecl[] | undefined, at: number): LocalDecl | undefined {
  let best: LocalDecl | undefined;
  for (const d of ds ?? []) if (d.start <= at && at <= d.end && (!best || d.start > best.start)) best = d;
  return best;
}

/**
 * Members of local structs clang knows as constants where the struct's address is passed to an inlined call: after
 * inlining, SROA splits the struct into scalars and constant propagation folds `switch (args->evt_type)` in the
 * callee to one arm (falco's apply_dynamic_snaplen). A member counts when it is written exactly once, by a designated
 * initializer or by a `v.m = K;` statement outside any if/loop/switch; the struct's address must never reach
 * anything but a direct argument of an inlinable call (a helper, a store, `&v.m`, a non-inlined function: anything
 * may write it). Anything else leaves the member unknown (today's behaviour: every arm kept).
 */
function constMembers(body: Stmt[], env: TypeEnv, f: FuncDef, deps?: Set<string>): Map<string, LocalDecl[]> {
  const decls = new Map<string, LocalDecl[]>();
  let seq = 0;
  /** setter_consts: a straight-line write of member m of `d` ending at `pos` (v undefined: not a constant), or one
   * under a branch or a loop (unknown everywhere). */
  const hist = (d: LocalDecl, m: string, pos: number, v: bigint | undefined, top: boolean): void => {
    if (!d.hist) return;
    // in evaluation order (a statement macro's expansion gives every expression the invocation's offsets)
    pos = ++seq;
    const h = d.hist.get(m);
    if (h === null) return;
    if (!top) { d.hist.set(m, null); return; }
    if (h) h.push(v !== undefined ? { v, at: pos } : { at: pos }); else d.hist.set(m, [v !== undefined ? { v, at: pos } : { at: pos }]);
  };
  const params = new Set(f.params.map((p) => p.name));
  const at = (name: string, pos: number): LocalDecl | undefined => declAt(decls.get(name), pos);
  const rootOf = (e: Expr): string | undefined => {
    while (e.e === 'member' && !e.arrow) e = e.obj;
    while (e.e === 'index') e = e.arr;
    return e.e === 'id' ? e.name : undefined;
  };
  const spoil = (e: Expr): void => {
    // a write of `v.m` (or deeper) that is not the single constant one: m unknown; a write of `v` itself: all unknown
    const top = e.e === 'member' && !e.arrow && e.obj.e === 'id' ? e : undefined;
    const d = top ? at((top.obj as { name: string }).name, e.start) : undefined;
    if (top && d) { d.fields.set(top.name, undefined); hist(d, top.name, e.end, undefined, false); }
    else {
      // setter_consts: a write inside member m (`v.m.x = ..`, `v.m[i] = ..`) leaves m unknown, not the rest
      let x = e;
      while (SETTER_CONSTS && ((x.e === 'member' && !x.arrow && x.obj.e !== 'id') || x.e === 'index')) x = x.e === 'member' ? x.obj : x.arr;
      const dm = SETTER_CONSTS && x.e === 'member' && !x.arrow && x.obj.e === 'id' ? at(x.obj.name, e.start) : undefined;
      if (dm && x.e === 'member') { dm.fields.set(x.name, undefined); hist(dm, x.name, e.end, undefined, false); return; }
      const r = rootOf(e); const dd = r !== undefined ? at(r, e.start) : undefined; if (dd) dd.escaped = true;
    }
  };
  const ex = (e: Expr | undefined, direct: boolean, stmtTop: boolean): void => {
    if (!e) return;
    switch (e.e) {
      case 'unary':
        if (e.op === '&') {
          const r = rootOf(e.x);
          if (r !== undefined && !(direct && e.x.e === 'id')) { const d = at(r, e.start); if (d) d.escaped = true; }
        } else if (e.op === '++' || e.op === '--') spoil(e.x);
        return ex(e.x, false, false);
      case 'postfix': spoil(e.x); return ex(e.x, false, false);
      case 'assign': {
        const l = e.l;
        const k = e.op === '=' ? constValue(e.r, env) : undefined;
        if (l.e === 'member' && !l.arrow && l.obj.e === 'id' && stmtTop && k !== undefined) {
          const d = at(l.obj.name, e.start);
          if (d) { d.fields.set(l.name, d.fields.has(l.name) ? undefined : { v: k, at: e.end }); hist(d, l.name, e.end, k, true); }
        } else if (SETTER_CONSTS && l.e === 'member' && !l.arrow && l.obj.e === 'id' && stmtTop && e.op === '=' && at(l.obj.name, e.start)?.hist) {
          // `v.m = x;` at the top: m holds an unknown value from here on (a later constant store replaces it)
          const d = at(l.obj.name, e.start)!;
          d.fields.set(l.name, undefined);
          hist(d, l.name, e.end, undefined, true);
        } else spoil(l);
        ex(l.e === 'member' && !l.arrow ? undefined : l, false, false);
        return ex(e.r, false, false);
      }
      case 'call': {
        const name = e.fn.e === 'id' ? e.fn.name : '';
        const def = name ? env.func(name) : undefined;
        const inl = !!def?.body && inlinable(def);
        if (e.fn.e !== 'id') ex(e.fn, false, false);
        if (SETTER_CONSTS) callSeq.set(e, ++seq);
        if (SETTER_CONSTS && memsetZero(e, stmtTop)) return;
        e.args.forEach((a0, i) => {
          const a = a0.e === 'cast' ? a0.x : a0;
          ex(a, inl, false);
          // setter_consts: what the inlined callee stores through `&v` is in v's flow once inlined
          if (!SETTER_CONSTS || !inl || a.e !== 'unary' || a.op !== '&' || a.x.e !== 'id') return;
          const d = at(a.x.name, e.start);
          if (!d?.hist || d.escaped) return;
          const w = setterWrites(def!, i, env);
          for (const n of w.deps) deps?.add(n);
          if (w.escapes) { d.escaped = true; return; }
          for (const m of w.spoilt) { d.fields.set(m, undefined); hist(d, m, e.end, undefined, false); }
          for (const x of w.writes) { d.fields.set(x.m, undefined); hist(d, x.m, e.end, x.v, stmtTop); }
        });
        return;
      }
      case 'member': return ex(e.obj, false, false);
      case 'index': ex(e.arr, false, false); return ex(e.idx, false, false);
      case 'binary': case 'comma': ex(e.l, false, false); return ex(e.r, false, false);
      case 'cond': ex(e.c, false, false); ex(e.a, false, false); return ex(e.b, false, false);
      case 'cast': return ex(e.x, false, false);
      case 'stmtexpr': for (const b of e.body) st(b, false, e.end); return;
      case 'init': for (const i of e.items) ex(i, false, false); return;
      case 'generic': ex(e.x, false, false); for (const a of e.assoc) ex(a.x, false, false); return;
      default: return;
    }
  };
  const st = (s: Stmt, top: boolean, end: number): void => {
    switch (s.s) {
      case 'expr': return ex(s.x, false, top);
      case 'decl':
        for (const v of s.vars) {
          ex(v.init, false, false);
          if (!v.name || params.has(v.name)) continue;
          const d: LocalDecl = { start: v.start, end, fields: new Map(), escaped: false, ...(SETTER_CONSTS && top ? { hist: new Map() } : {}) };
          let ts = types.get(v.name);
          if (!ts) types.set(v.name, (ts = []));
          ts.push({ start: v.start, end, type: v.type });
          // setter_consts: a brace list zeroes the members it names not (`= {}`, `= {0}`, designators): a store of 0
          const returned = BYVAL_FIELDS ? returnedInit(v.init) : undefined;
          const zs = d.hist && v.init?.e === 'init' ? zeroMembers(v.type) : undefined;
          if (zs && v.init?.e === 'init') {
            const r = strip(v.type) as Record;
            const vals = new Map<string, bigint | undefined>(zs.map((m) => [m, 0n]));
            let cur = 0;
            const init = v.init;
            init.items.forEach((it, j) => {
              const n = init.names?.[j];
              if (n !== undefined) cur = r.fields.findIndex((fd) => fd.name === n);
              const fd = r.fields[cur++];
              if (fd && (init.complex?.[j] || it.e === 'init' || !vals.has(fd.name))) { if (fd.name) vals.set(fd.name, undefined); }
              else if (fd) vals.set(fd.name, constValue(it, env));
            });
            for (const [m, k] of vals) hist(d, m, v.start, k, true);
          } else if (d.hist && v.init && !returned) d.hist = undefined;
          if (returned) {
            // byval_fields: `T v = make(..);` with make returning a compound literal: v's members are the literal's
            deps?.add(returned.def);
            for (const [m, k] of Object.entries(returned.m)) { d.fields.set(m, { v: k, at: v.start }); hist(d, m, v.start, k, true); }
          } else if (v.init?.e === 'init' && v.init.names) {
            v.init.names.forEach((m, i) => {
              if (m === undefined) return;
              const k = constValue(v.init!.e === 'init' ? v.init!.items[i]! : v.init!, env);
              d.fields.set(m, k !== undefined && !d.fields.has(m) ? { v: k, at: v.start } : undefined);
            });
          } else if (v.init) d.escaped = v.init.e !== 'init';
          let ds = decls.get(v.name);
          if (!ds) decls.set(v.name, (ds = []));
          ds.push(d);
        }
        return;
      case 'if': ex(s.c, false, false); st(s.t, false, s.t.end); if (s.f) st(s.f, false, s.f.end); return;
      case 'return': return ex(s.x, false, false);
      case 'block': for (const b of s.body) st(b, top, s.end); return;
      // setter_consts: a statement macro's `do { .. } while (0)` is straight-line code
      case 'loop': if (s.init) st(s.init, false, s.end); ex(s.c, false, false); ex(s.step, false, false); return st(s.body, SETTER_CONSTS && top && onceBlock(s), s.body.end);
      case 'switch': ex(s.c, false, false); return st(s.body, false, s.body.end);
      case 'label': ex(s.x, false, false); return st(s.body, false, end);
      default: return;
    }
  };
  /** byval_fields: an initializer that is a call of an inlinable function returning a compound literal (through
   * casts): the function's name and the literal's constant members. */
  function returnedInit(x: Expr | undefined): { def: string; m: MemberConsts } | undefined {
    while (x?.e === 'cast') x = x.x;
    if (x?.e !== 'call' || x.fn.e !== 'id') return undefined;
    const def = env.func(x.fn.name);
    const m = def?.body && inlinable(def) ? returnedConsts(def, env) : undefined;
    return m && def ? { def: def.name, m } : undefined;
  }
  /** setter_consts: `memset(&v, 0, ..)` at statement level stores 0 into every scalar member of v (a whole-record
   * memset of a local that SROA splits: each slice a constant 0); true when it was one (the call is then handled). */
  function memsetZero(e: Extract<Expr, { e: 'call' }>, stmtTop: boolean): boolean {
    const name = e.fn.e === 'id' ? e.fn.name : '';
    if (name !== '__builtin_memset' && name !== 'memset') return false;
    let a = e.args[0];
    while (a?.e === 'cast') a = a.x;
    if (!a || a.e !== 'unary' || a.op !== '&' || a.x.e !== 'id' || constValue(e.args[1]!, env) !== 0n) return false;
    const d = at(a.x.name, e.start);
    const zs = d?.hist ? zeroMembers(lookupLocal(a.x.name, e.start) ?? VOID) : undefined;
    if (!d || !zs || !stmtTop) return false;
    for (const m of zs) { d.fields.set(m, undefined); hist(d, m, e.end, 0n, true); }
    return true;
  }
  const types = new Map<string, { start: number; end: number; type: CType }[]>();
  const lookupLocal = (name: string, pos: number): CType | undefined => {
    let best: { start: number; end: number; type: CType } | undefined;
    for (const d of types.get(name) ?? []) if (d.start <= pos && pos <= d.end && (!best || d.start > best.start)) best = d;
    return best?.type;
  };
  for (const s of body) st(s, true, Infinity);
  return decls;
}

/**
 * Locals declared exactly once with a null (constant 0) initializer, with the positions of their later writes
 * (`v = x` only); undefined for one whose address is taken, that is stepped, or declared twice (unknown).
 */
function nullInits(body: Stmt[], env: TypeEnv): Map<string, number[] | undefined> {
  const out = new Map<string, number[] | undefined>();
  const seen = new Set<string>();
  const spoil = (n: string): void => { if (out.has(n)) out.set(n, undefined); };
  const ex = (e: Expr | undefined): void => {
    if (!e) return;
    switch (e.e) {
      case 'assign':
        if (e.l.e === 'id') { const w = out.get(e.l.name); if (e.op === '=' && w) w.push(e.start); else spoil(e.l.name); } else ex(e.l);
        return ex(e.r);
      case 'unary':
        if ((e.op === '&' || e.op === '++' || e.op === '--') && e.x.e === 'id') spoil(e.x.name);
        return ex(e.x);
      case 'postfix': if (e.x.e === 'id') spoil(e.x.name); return ex(e.x);
      case 'member': return ex(e.obj);
      case 'index': ex(e.arr); return ex(e.idx);
      case 'call': ex(e.fn); for (const a of e.args) ex(a); return;
      case 'binary': case 'comma': ex(e.l); return ex(e.r);
      case 'cond': ex(e.c); ex(e.a); return ex(e.b);
      case 'cast': return ex(e.x);
      case 'stmtexpr': for (const b of e.body) st(b); return;
      case 'init': for (const i of e.items) ex(i); return;
      case 'generic': ex(e.x); for (const a of e.assoc) ex(a.x); return;
      default: return;
    }
  };
  const st = (s: Stmt): void => {
    switch (s.s) {
      case 'expr': return ex(s.x);
      case 'decl':
        for (const v of s.vars) {
          ex(v.init);
          if (!v.name) continue;
          if (seen.has(v.name)) { out.set(v.name, undefined); continue; }
          seen.add(v.name);
          if (v.init && strip(v.type).k === 'ptr' && constValue(v.init, env) === 0n) out.set(v.name, []);
        }
        return;
      case 'if': ex(s.c); st(s.t); if (s.f) st(s.f); return;
      case 'return': return ex(s.x);
      case 'block': for (const b of s.body) st(b); return;
      case 'loop': if (s.init) st(s.init); ex(s.c); ex(s.step); return st(s.body);
      case 'switch': ex(s.c); return st(s.body);
      case 'label': ex(s.x); return st(s.body);
      default: return;
    }
  };
  for (const s of body) st(s);
  return out;
}

/**
 * Whether `x` holds for an expression of the statement or of a statement nested in it (the walk readsVar and
 * writesVar share); `decl` also hears each name a declaration declares.
 */
function someInStmt(st: Stmt, x: (e: Expr) => boolean, decl?: (name: string | undefined) => boolean): boolean {
  const ex = (e: Expr | undefined): boolean => !!e && x(e);
  const sub = (b: Stmt): boolean => someInStmt(b, x, decl);
  switch (st.s) {
    case 'expr': return ex(st.x);
    case 'decl': return st.vars.some((d) => (!!decl && decl(d.name)) || ex(d.init));
    case 'if': return ex(st.c) || sub(st.t) || (!!st.f && sub(st.f));
    case 'return': return ex(st.x);
    case 'block': return st.body.some(sub);
    case 'loop': return ex(st.c) || ex(st.step) || sub(st.body) || (!!st.init && sub(st.init));
    case 'switch': return ex(st.c) || sub(st.body);
    case 'label': return ex(st.x) || sub(st.body);
    default: return false;
  }
}

/** The statement reads variable `v` at a position in [from, to) (any mention but the target of a plain `=`). */
function readsVar(st: Stmt, v: string, from: number, to: number): boolean {
  return st.end > from && st.start < to && someInStmt(st, (e) => readsExpr(e, v, from, to));
}

/** The expression mentions `v` at a position in [from, to), other than as the target of a plain `=`. */
function readsExpr(e: Expr, v: string, from: number, to: number): boolean {
  const x = (y: Expr | undefined): boolean => !!y && readsExpr(y, v, from, to);
  switch (e.e) {
    case 'id': return e.name === v && e.start >= from && e.start < to;
    case 'assign': return (e.op === '=' && e.l.e === 'id' ? false : x(e.l)) || x(e.r);
    case 'unary': case 'postfix': case 'cast': return x(e.x);
    case 'member': return x(e.obj);
    case 'index': return x(e.arr) || x(e.idx);
    case 'call': return x(e.fn) || e.args.some(x) || e.raw.some((r) => r.some((t) => t.s === v && t.start >= from && t.start < to));
    case 'binary': case 'comma': return x(e.l) || x(e.r);
    case 'cond': return x(e.c) || x(e.a) || x(e.b);
    // sizeof's operand is never evaluated (no VLA in BPF C)
    case 'sizeof': return !UNEVALUATED_NAMES && x(e.x);
    case 'stmtexpr': return e.body.some((b) => readsVar(b, v, from, to));
    case 'init': return e.items.some(x);
    case 'generic': return x(e.x) || e.assoc.some((a) => x(a.x));
    default: return false;
  }
}

/** The statement writes variable `v` (assignment, ++/--, or takes its address). */
function writesVar(st: Stmt, v: string): boolean {
  const x = (e: Expr | undefined): boolean => {
    if (!e) return false;
    switch (e.e) {
      case 'assign': return (e.l.e === 'id' && e.l.name === v) || x(e.l) || x(e.r);
      case 'unary': return ((e.op === '++' || e.op === '--' || e.op === '&') && e.x.e === 'id' && e.x.name === v) || x(e.x);
      case 'postfix': return (e.x.e === 'id' && e.x.name === v) || x(e.x);
      case 'member': return x(e.obj);
      case 'index': return x(e.arr) || x(e.idx);
      case 'call': return x(e.fn) || e.args.some(x);
      case 'binary': case 'comma': return x(e.l) || x(e.r);
      case 'cond': return x(e.c) || x(e.a) || x(e.b);
      case 'cast': return x(e.x);
      case 'sizeof': return false;
      case 'stmtexpr': return e.body.some((b) => writesVar(b, v));
      case 'init': return e.items.some(x);
      case 'generic': return x(e.x) || e.assoc.some((a) => x(a.x));
      default: return false;
    }
  };
  return someInStmt(st, x, (name) => name === v);
}

/** The trip count of a loop whose counter starts at `a`, moves by `d` each iteration and runs while `counter op b`:
 * 0 when it never runs, undefined for a comparison that does not bound it or a count over 4096. */
function tripsOf(a: bigint, b: bigint, d: bigint, op: string): number | undefined {
  const span = d > 0n ? (op === '<' || op === '!=' ? b - a : op === '<=' ? b - a + 1n : undefined) : (op === '>' || op === '!=' ? a - b : op === '>=' ? a - b + 1n : undefined);
  if (span === undefined) return undefined;
  if (span <= 0n) return 0;
  const step = d > 0n ? d : -d;
  const n = (span + step - 1n) / step;
  return n > 4096n ? undefined : Number(n);
}

/** LLVM's -pragma-unroll-threshold (16 * 1024): the largest unrolled size a `#pragma unroll` loop is unrolled to. */
const PRAGMA_UNROLL_THRESHOLD = 16 * 1024;
/**
 * Our cost units (calibrated on the inliner's view of a function, before the late simplification passes) to LLVM's
 * ApproximateLoopSize at the late LoopUnrollPass, where InstCombine/GVN/SimplifyCFG have removed some instructions.
 * Measured, not derived: on 28 partially unrolled loops (24 of our own shapes, 5 to 90 CO-RE reads per iteration
 * over trip counts 96/240/330/500, and tracee's four) every factor clang 14 reports with -Rpass=loop-unroll is
 * reproduced for a scale in [0.926, 0.942] (a narrow band: the model is linear, LLVM is not); 0.934 is the middle. A body near a band edge can still be off by one
 * divisor (the count is then wrong, never the set of relocations).
 */
const LOOP_SIZE_SCALE = 0.934;
/** LLVM 14's UnrollThreshold at -O2 (150): the unrolled size up to which LoopFullUnrollPass unrolls a constant-trip
 * loop without a pragma. */
const FULL_UNROLL_THRESHOLD = 150;
/**
 * LOOP_SIZE_SCALE was calibrated on the late LoopUnrollPass (pragma loops, after InstCombine/GVN); LoopFullUnrollPass
 * weighs a loop without pragma earlier, in the function simplification right after inlining, where more instructions
 * are left. A HEURISTIC calibration, measured, not derived: on 12 loops of our own and falco's passing their induction
 * variable to an inlined helper-calling argument reader (-Rpass=loop-unroll, 2 and 3 trips), LLVM unrolled at 2 trips
 * every body up to 64 of our scaled units and kept falco's (68) rolled, but also kept two of ours rolled at 62 and 65
 * (our estimate is a few percent off LLVM's there). Predicting rolled where LLVM unrolls would merge copies clang
 * keeps (missing relocations), predicting unrolled where it keeps the loop rolled leaves extra copies counted (the
 * CSE column): the factor is the lowest that keeps every measured unrolled body unrolled with a margin and falco's
 * 2-trip loop rolled (1.125 <= k < 1.195): 1.14.
 */
const FULL_UNROLL_SCALE = 1.14;
/** full_unroll (fullUnrollFits): the extra weight of a direct CO-RE load in a loop's size over its inline cost. */
const DIRECT_LOAD_LOOP_SIZE = Number(process.env.CORELENS_DIRECT_LOAD_LOOP_SIZE ?? 1.4);
/** LLVM's UP.BEInsns: the loop's back-edge instructions, not replicated by unrolling. */
const BE_INSNS = 2;

/**
 * Copies of a loop body clang 14 makes for an unroll pragma over a constant trip count `tc`, the body costing
 * `size` (our estimate of LLVM's ApproximateLoopSize after inlining); 0 or 1: the loop stays as it is.
 * LLVM 14 LoopUnrollPass computeUnrollCount, for `#pragma unroll` / `unroll(full)` (pragma = 0) and
 * `#pragma unroll N` (pragma = N), with the pragma threshold (16K) as both full and partial threshold:
 *   - `unroll N`: N copies when (size - BE) * N + BE < 16K (a count of at least the trip count is a full unroll);
 *   - full: all `tc` iterations when (size - BE) * tc + BE < 16K;
 *   - else partial: count = (16K - BE) / (size - BE), lowered to the largest divisor of `tc` (no remainder loop);
 *     when only 1 divides, the largest power of two <= 8 whose unrolled size fits (a remainder loop follows: its
 *     copies are not modelled, so 0 then); under 2, no unrolling (-Rpass-missed "unrolled size is too large").
 * Verified with -Rpass=loop-unroll on tracee (330 -> 22, 240 -> 20, 500 -> 25) and on live_nested.bpf.c.
 */
export function unrollCount(tc: number, size: number, pragma: number): number {
  if (tc <= 1) return 0;
  const sz = Math.max(size, BE_INSNS + 1);
  const unrolled = (count: number) => (sz - BE_INSNS) * count + BE_INSNS;
  if (pragma > 0) {
    if (pragma >= tc) return unrolled(tc) < PRAGMA_UNROLL_THRESHOLD ? tc : 0;
    // a count that leaves a remainder makes an epilogue loop whose copies are not modelled
    return tc % pragma === 0 && unrolled(pragma) < PRAGMA_UNROLL_THRESHOLD ? pragma : 0;
  }
  if (unrolled(tc) < PRAGMA_UNROLL_THRESHOLD) return tc;
  let count = Math.floor((PRAGMA_UNROLL_THRESHOLD - BE_INSNS) / (sz - BE_INSNS));
  while (count > 0 && tc % count !== 0) count--;
  if (count <= 1) {
    // LLVM then unrolls by a power of two with a remainder loop; its extra copies are not modelled
    return 0;
  }
  return count;
}

const BITFIELD_MACROS = new Set(['BPF_CORE_READ_BITFIELD', 'BPF_CORE_READ_BITFIELD_PROBED', 'BPF_CORE_WRITE_BITFIELD']);

/** Parameter reads the libbpf program macros generate (only for parameters the body uses: clang drops the rest). */
function progMacroSites(f: FuncDef, body: Stmt[], env: TypeEnv, opts: SiteOptions, res: FuncResult): void {
  const m = f.progMacro!;
  // BPF_PROG, BPF_PROG2 and BPF_USDT fetch their arguments from a u64 array / the USDT spec: no pt_regs access
  if (!/K(RET)?PROBE|U(RET)?PROBE|KSYSCALL/.test(m)) return;
  const regs = env.tag('struct pt_regs');
  if (!regs || regs.k !== 'struct' || !regs.complete) return;
  const names = opts.kernelRegs ? X86_REGS.kernel : X86_REGS.uapi;
  const used = usedNames(f.body ?? []);
  f.params.forEach((p, i) => {
    if (!p.name || !used.has(p.name)) return;
    const start = p.tok?.start ?? f.start;
    const end = p.tok?.end ?? f.start;
    // `core`: read with BPF_CORE_READ (the syscall arguments of the inner pt_regs), a relocation even without pai
    const push = (reg: string, kind: ReloKind, core = false) => {
      const mm = findMember(regs as Record, reg);
      if (!mm) return;
      if (!(regs as Record).pai && !core) { res.plain.push({ root: regs, access: [0, ...mm.path], start, end }); return; }
      res.sites.push({ kind, root: regs, access: [0, ...mm.path], start, end, func: f.name, guards: [], expStart: f.nameTok?.start ?? f.start, readSize: sizeOf(mm.field.type) });
    };
    if (/RET/.test(m)) { push(names[5]!, ReloKind.FieldByteOffset); return; }
    if (/SYSCALL/.test(m)) {
      if ((regs as Record).pai) push(names[0]!, ReloKind.FieldByteOffset);
      push(i === 3 ? (opts.kernelRegs ? X86_REGS.sys4k : 'r10') : names[i]!, ReloKind.FieldByteOffset, true);
      return;
    }
    if (i < 5) push(names[i]!, ReloKind.FieldByteOffset);
  });
  void body;
}

function usedNames(toks: Token[]): Set<string> {
  const s = new Set<string>();
  const skip = unevaluatedOf(toks);
  toks.forEach((t, i) => { if (!skip[i]) s.add(t.s); });
  return s;
}

export type { CheckRef };

/** A constant with one bit set (a flag mask: BranchProbabilityInfo has no heuristic for testing it). */
function powerOfTwo(x: Expr): boolean {
  const k = x.e === 'num' ? x.v : undefined;
  return k !== undefined && k > 0n && (k & (k - 1n)) === 0n;
}

/** C's bool: a branch on it is a bare i1 branch, which no BranchProbabilityInfo heuristic weighs. */
function isBool(t: CType): boolean {
  const s = strip(t);
  return s.k === 'int' && /bool/i.test(s.name);
}

