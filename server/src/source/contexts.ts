// Call contexts: the relocations clang emits are per inlined copy, so each site of a helper becomes one public site
// per path from a program to it, under the guards of the whole path.
//
// The rule implemented (clang -O2 for -target bpf, checked on the fixtures and corpus):
//   - a function with SEC(), a plugin entry point, and any other non-static definition of the document are programs
//     (a non-static function is emitted on its own, in .text when it has no SEC);
//   - a called function with a body is inlined at every call (one copy of its sites per call) when it is
//     `__always_inline`, or static with a single call site in the unit (LLVM's last-call-to-static bonus),
//     or static and small: LLVM's inliner weighs the callee's cost against a threshold, estimated here by
//     `FuncResult.cost` (about one unit per IR instruction, inlined callees included) < INLINE_COST, or
//     INLINE_HINT_COST for a plain `inline` (only a hint to LLVM: KubeArmor's large `static inline` path matcher with
//     several callers stays a BPF-to-BPF call); a cold call site (CallRef.freq under 2% of its caller's entry, as
//     LLVM's static branch probabilities estimate it) has LLVM's threshold 45 and no bonus. A callee without a
//     conditional branch (its inlined callees' included) gets LLVM's single-basic-block bonus (threshold x 1.5), and
//     the loads and stores through a pointer parameter given the address of a caller's local are free (SROA splits
//     that alloca once inlined: FuncResult.sroa; netobserv's core_fill_in_l3(skb, &id, .., &protocol, &dscp)). Measured on the
//     57 multi-caller static helpers of bcc's libbpf-tools: 55 decided as clang does (a 64-cost helper outlined and
//     a 158-cost one inlined are the exceptions). `__noinline` and weak functions are never inlined; a global one
//     (neither static nor inline) by cost, without the last-call bonus, and emitted on its own as well. A callee
//     not inlined is a BPF-to-BPF call: a program of its own (".text"), its sites counted once;
//   - a non-static, non-inline definition in a header is emitted too (libbpf's usdt.bpf.h `__weak __hidden`
//     helpers): a .text program of its own, called or not;
//   - a static function of the document no program reaches is emitted by nobody: its sites are listed once, with
//     their own guards and `unreached` set, so an editor still shows them (a header opened on its own is all that);
//     helpers of headers no program reaches are not listed at all.
// A site's guards are the guards at each call on the path (outermost first) followed by its own. A guard that is a
// check made inside a helper (`if (has_x())`) refers to that helper's copy in the same context.

import { LineMap } from './lexer';
import { LocalBtfBuilder } from './localTypes';
import { CType, Record, spell, strip } from './ctypes';
import { FuncDef } from './cparse';
import { CallRef, ConstArm, ExitArm, FORWARDED, FuncResult, GuardRef, KverCond, MemberConsts, ParamCond, RawSite, callArgs, callCost, constArmDead, constSwitchSaved, inlinable, tripCapped } from './sites';
import type { CallStep, CheckGuard, Guard, Range, Site } from './analyzer';
import { FlowCopy, markMerged } from './cse';

interface Ctx {
  key: string;
  def: FuncDef;
  chain: CallStep[];
  /** The inlined call that brought `def` here and its caller's context (absent at a program or .text root). */
  up?: { call: CallRef; parent: Ctx };
  /** Guards of the calls leading here (already mapped). */
  prefix: Guard[];
  /** For code in a header: where the chain entered it from the document. */
  entry?: Range;
  program?: string;
  section?: string;
  unreached?: boolean;
  /** Emitted but never loaded: libbpf appends a .text function only to the programs that call it. */
  idle?: boolean;
  /** A .text function (and what it inlines) that some call the verifier walks on every target reaches: a call from a
   * program or from such a function, under no CO-RE guard (textWalked). Other .text functions claim no 'number'. */
  walked?: boolean;
  /** Constant arguments of the inlined call into `def` (by parameter index), for folding parameter conditions. */
  argv?: (bigint | undefined)[];
  /** Constant members of what a pointer argument points at (the caller's local struct, `&args`), by parameter. */
  argf?: (MemberConsts | undefined)[];
  /** Pointer arguments the caller tested non-null on the path to the call, by parameter. */
  argnn?: boolean[];
  /** The bounds of integer arguments that are no constant but a masked value plus a constant (CallRef args' `range`). */
  argr?: (readonly [bigint, bigint] | undefined)[];
  /** Pointer arguments to a caller's local nobody reads (CallRef args' `deadOut`, or such a parameter passed on). */
  argdo?: boolean[];
  /** Pointer arguments that are plain numbers to the verifier here, by parameter (CallRef args' `via`). */
  argpl?: boolean[];
  /** Pointer arguments that are a tp_btf program's arguments (their 0-based kernel index), by parameter (tp_err_args). */
  argtp?: (number | undefined)[];
  /** Copies of this context clang makes (calls inside fully unrolled loops on the path). */
  times?: number;
  /** Entered from a caller's unrolled loop that leaves on this call's value (CallRef.exitIf): the exit arms the test
   * takes are sunk across the caller's copies, so what they make has the caller's own copies, `times` (ExitArm). */
  outer?: { times: number; arms: ExitArm[] };
  /** A call on the path runs only when this `const volatile` knob is set to other than its default. */
  knob?: string;
  /** The LINUX_KERNEL_VERSION comparisons the calls on the path run under (CallRef.kver). */
  kver?: KverCond[];
  /** ool_callers: at the root of a static subprogram kept out of line, every call reaching it (OolCall). */
  vars?: OolCall[];
}

/**
 * ool_callers: one call of a static subprogram kept out of line (a BPF-to-BPF call). The verifier walks the
 * subprogram from each call it reaches with the caller's registers (check_func_call: a new frame holding R1-R5), so
 * the subprogram runs where one of its calls runs, and a constant argument is a known scalar there: do_check prunes the
 * branch it decides (is_branch_taken). LLVM's IPSCCP, before any inlining, folds a parameter every call passes the
 * same literal (internal linkage, no address taken): clang drops what it decides from the one copy.
 */
interface OolCall {
  /** The guards of the path to the call (its context's and the call's own). */
  guards: Guard[];
  /** The argument values as this call's context knows them (the verifier's scalars). */
  argv: (bigint | undefined)[];
  /** Arguments that are plain numbers to the verifier (text_args), from a call under no CO-RE guard only. */
  argpl: boolean[];
  /** The literal constants the call passes (what IPSCCP sees before inlining). */
  lit: (bigint | undefined)[];
  /** From an emitted but never loaded function: counts for clang, never walked by the verifier. */
  idle?: boolean;
}

/** False when a parameter condition is decided false by a constant argument of this inlined copy. */
function holds(conds: ParamCond[] | undefined, cx: ArgFacts): boolean {
  if (!conds) return true;
  return conds.every((c) => {
    if (c.dout) return !cx.argdo?.[c.param];
    if (c.fold) return cx.argf?.[c.param]?.[c.field!] === undefined;
    if (c.nand) return !c.nand.every((d) => decided(d, cx) === true);
    const v = masked(c, c.field !== undefined ? cx.argf?.[c.param]?.[c.field] : cx.argv?.[c.param]);
    return v === undefined ? !c.known && decided(c, cx) !== false : (v === c.v || !!c.alt?.includes(v)) === c.eq;
  });
}

/** setter_consts: a member's constant under the condition's mask (a value forwarded at run time is none). */
function masked(c: ParamCond, v: bigint | undefined): bigint | undefined {
  // switch_clamp: the value tested is min(argument, clamp); a negative argument is left unknown (its type decides)
  if (c.clamp !== undefined && v !== undefined) return v < 0n || v === FORWARDED ? undefined : v > c.clamp ? c.clamp : v;
  if (c.mask === undefined || v === undefined) return v;
  return v === FORWARDED ? undefined : BigInt.asUintN(64, v) & c.mask;
}

/** What an inlined copy knows of its arguments. */
interface ArgFacts { argv?: (bigint | undefined)[]; argf?: (MemberConsts | undefined)[]; argnn?: boolean[]; argr?: (readonly [bigint, bigint] | undefined)[]; argdo?: boolean[] }

/** A parameter condition's value in this copy: true or false when its arguments decide it, else undefined. */
function decided(c: ParamCond, cx: ArgFacts): boolean | undefined {
  if (c.dout) return cx.argdo?.[c.param] ? false : undefined;
  if (c.fold) return cx.argf?.[c.param]?.[c.field!] !== undefined ? false : undefined;
  if (c.nand) return c.nand.every((d) => decided(d, cx) === true) ? false : c.nand.some((d) => decided(d, cx) === false) ? true : undefined;
  const v = masked(c, c.field !== undefined ? cx.argf?.[c.param]?.[c.field] : cx.argv?.[c.param]);
  if (v !== undefined) return (v === c.v || !!c.alt?.includes(v)) === c.eq;
  if (c.mask !== undefined || c.clamp !== undefined) return undefined;
  // a pointer the caller tested non-null: `p == 0` is false
  if (c.field === undefined && c.v === 0n && !c.alt && cx.argnn?.[c.param]) return !c.eq;
  // an argument known to lie in [lo, hi] (`(spec & 0x0ff00000) >> 20` plus 1): LazyValueInfo folds a comparison with a
  // value outside it, so CorrelatedValuePropagation drops a `switch` case it can never take (retsnoop's
  // get_arg_reg_value(ctx, reg_idx + 1): no `case 0` arm in that copy)
  const r = c.field === undefined ? cx.argr?.[c.param] : undefined;
  if (r && [c.v, ...(c.alt ?? [])].every((v) => v < r[0] || v > r[1])) return !c.eq;
  return undefined;
}

/** The argument values of `call` in a context whose own parameters have values `argv` (constants, a parameter passed
 * on, `!param`). */
function argsAt(argv: (bigint | undefined)[] | undefined, call: CallRef): (bigint | undefined)[] | undefined {
  return call.args?.map((a) => {
    if (a.k !== undefined) return a.k;
    if (a.param !== undefined) return argv?.[a.param];
    const v = a.notParam !== undefined ? argv?.[a.notParam] : undefined;
    return v === undefined ? undefined : v === 0n ? 1n : 0n;
  });
}

export interface ContextEnv {
  file: string;
  lines: LineMap;
  rng: (a: number, b: number) => Range;
  builder: LocalBtfBuilder;
  linesOf: (file: string) => LineMap;
  /** Where the document includes a header (the include line bringing it in, directly or through others): a program
   * defined in that header is entered there, its sites shown on that line of the document. */
  includeEntry?: (file: string) => Range | undefined;
  /** Filled when given: the static functions some program calls out of line (BPF-to-BPF) and every function a
   * program reaches, as the inlining decisions above take them (source/externs.ts moduleOrder reads them). */
  inlining?: { readonly outlined: Set<FuncDef>; readonly reached: Set<FuncDef> };
}

const MAX_DEPTH = 24;

/** What one program's expansion used, so the next analysis can tell whether it would come out the same. */
interface RootMemo {
  /** Every function the expansion entered, with the result it read and (document functions) where it started. */
  funcs: Map<FuncDef, { res: FuncResult; at?: string }>;
  /** The inlining decision taken for every callee met (they depend on the whole unit's call counts). */
  decisions: Map<CallRef, boolean>;
  sites: Site[];
  /** plain_reads: the program's loads through a plain number with no relocation (FuncResult.reads), never sites. */
  reads: Site[];
  /** Callees kept out of line, in the order the expansion met them (each a program of its own). */
  pushes: FuncDef[];
  reached: FuncDef[];
  /** The types the expansion gave the local BTF builder, in order (replayed when another arch takes the expansion). */
  types: CType[];
  /** ool_callers: the calls of out-of-line subprograms the expansion met, the literal arguments of every call of a
   * static function and the functions it named as values (replayed when the expansion is reused). */
  ool?: [FuncDef, OolCall][];
  lits?: [FuncDef, (bigint | undefined)[]][];
  taken?: FuncDef[];
}

/**
 * One analyzer's program expansions of a document text, for the analyzers of the other arches (the language server's:
 * issue 12). The second arch took most of its typings from the first (sharedFunctions.ts), yet expanded every program
 * again: its call contexts, and clang's merge model (cse.ts) over them, about half of its analysis. An expansion is a
 * function of the program's definition, the results of the functions it enters (where they start, for a document's),
 * the inlining decisions it takes and the order of the types it gives the local BTF builder: where the other arch's
 * expansion of the very same definition entered the very same functions with the very same results and took the same
 * decisions here, it is this arch's, each type id taken from this arch's builder (after giving it the same types in
 * the same order, so the local BTF is the same too). CORELENS_SHARED_EXPANSIONS=0 turns it off; tests flip `on` (the
 * analyses must be identical either way).
 */
export const sharedExpansions = { on: process.env.CORELENS_SHARED_EXPANSIONS !== '0', hits: 0, remapped: 0 };

/** A document text's program expansions by one analyzer, by root (file, name, offsets) and mode. */
export interface ArchExpansions { text: string; roots: Map<string, { def: FuncDef; memo: RootMemo }> }

/** Where the expansions of the other arches' analyzers come from and where this one's go (sharedFunctions.ts). */
export interface ExpansionShare { text: string; from?: ArchExpansions; keep: (x: ArchExpansions) => void }

/** The local type a public site or check guard names (to give it this arch's id when another arch takes it). */
const typeOfId = new WeakMap<object, CType>();

const rootKey = (f: FuncDef, mode: string): string => `${f.file ?? ''}\u0000${f.name}\u0000${f.start}\u0000${f.end}\u0000${mode}`;

/**
 * The previous analysis's expansion per program, reused while nothing it read changed: an edit inside one function
 * re-expands only the programs whose call tree holds it (an 8,000-line program's 150 programs were all re-expanded
 * on every keystroke). Valid for one type environment only (the local type ids of its sites come from its builder).
 */
export class ContextCache {
  readonly roots = new Map<FuncDef, Map<string, RootMemo>>();
  /** Programs re-expanded / reused by the last contextSites call (tests, logs). */
  expanded = 0;
  reused = 0;
}
/** CORELENS_INLINED_IDLE=0: a function every call inlines (always_inline) is loaded when called, its .text copy too. */
const INLINED_IDLE = process.env.CORELENS_INLINED_IDLE !== '0';
/** Inlining threshold on `FuncResult.cost` for static helpers with several call sites (see the rule above). */
export const INLINE_COST = 75;
/** CORELENS_STRICT_INLINE=0: inline at cost <= threshold (rounded) instead of LLVM's Cost < max(1, Threshold). */
const STRICT = process.env.CORELENS_STRICT_INLINE !== '0';
/**
 * A global definition (no `static`, no `inline`) is emitted on its own (a .text program) and yet LLVM inlines its
 * calls in the unit by cost like a static one's, without the last-call bonus (learning-ebpf's `unsigned char
 * lookup_protocol(struct xdp_md *ctx)` in packet.h: in .text and inlined into its XDP program, two copies of its
 * relocations). Not a weak one (another unit may replace it), a `__noinline` one or a program.
 */
function globalByCost(f: FuncDef): boolean {
  return !!f.body && !f.static && !f.inline && !f.noinline && !f.weak && !f.section && !f.progMacro;
}

/** LLVM's threshold for an `inline` (inlinehint) callee: 325 against the default 225, scaled to our units. */
export const INLINE_HINT_COST = STRICT ? (INLINE_COST * 325) / 225 : Math.round((INLINE_COST * 325) / 225);
/** LLVM's LastCallToStaticBonus (15000) in our units. */
const LAST_CALL_BONUS = STRICT ? (INLINE_COST * 15000) / 225 : Math.round((INLINE_COST * 15000) / 225);
/** The inliner's cost threshold for one callee. */
const thresholdOf = (f: FuncDef): number => (f.inline ? INLINE_HINT_COST : INLINE_COST);
/** LLVM's SingleBBBonusPercent: a callee with a single reachable basic block has its threshold raised by half (the
 * bonus is applied up front and withdrawn at the first block with two successors; VectorBonus is 0 on BPF; a cold
 * call site gets no bonus at all). */
const SINGLE_BB_BONUS_PERCENT = 50;
/** CORELENS_SROA=0 / CORELENS_SINGLE_BB=0 leave the SROA savings / the single-block bonus out (before/after figures). */
const SROA = process.env.CORELENS_SROA !== '0';
const SINGLE_BB = process.env.CORELENS_SINGLE_BB !== '0';
/** CORELENS_SINGLE_BB_CONST=0: a callee's branches that constant arguments fold withdraw the single-block bonus too. */
const SINGLE_BB_CONST = process.env.CORELENS_SINGLE_BB_CONST !== '0';
/** CORELENS_NESTED_COST=0 weighs an inlined callee at its raw cost, its own out-of-line calls' bodies included. */
const NESTED = process.env.CORELENS_NESTED_COST !== '0';
/** LLVM's ColdCallSiteThreshold (45) in our units: the threshold of a call in a block run less than COLD_FREQ as often
 * as its caller's entry (InlineCostCallAnalyzer::isColdCallSite without a profile: the caller's block frequencies). */
const COLD_COST = STRICT ? (INLINE_COST * 45) / 225 : Math.round((INLINE_COST * 45) / 225);
/** LLVM's ColdCallSiteRelFreq: 2% of the caller's entry frequency. */
const COLD_FREQ = 0.02;
/** A call site LLVM weighs as cold (CallRef.freq; 0 is unknown: dead code, after a goto label). */
const coldAt = (call: CallRef | undefined): boolean => !!call?.freq && call.freq < COLD_FREQ;
/** CORELENS_CONST_ARMS=0: a call's constant arguments save nothing of its callee's cost (constSaved). */
const CONST_ARMS = process.env.CORELENS_CONST_ARMS !== '0';
/** `k op K` as C compares two integer constants. */
function compares(k: bigint, op: string, K: bigint): boolean {
  switch (op) {
    case '==': return k === K;
    case '!=': return k !== K;
    case '<': return k < K;
    case '>': return k > K;
    case '<=': return k <= K;
    default: return k >= K;
  }
}
/** CORELENS_COLD_REDECIDE=0: a call kept out of line at a cold site stays a call wherever its caller is inlined. */
const COLD_REDECIDE = process.env.CORELENS_COLD_REDECIDE !== '0';


/** One inlining decision of the model, as the differential harness (server/bench/inlinecost.ts) compares it with
 * clang's -Rpass=inline remarks: cost and threshold in our units, the last-call bonus included in the threshold. */
export interface InlineDecision { callee: FuncDef; cost: number; threshold: number; calls: number; inlined: boolean; call?: CallRef; caller?: FuncDef }
/**
 * The merge replay (cse.ts markMerged) walks each program again through FlowCopy.enter and .site: without this, every
 * inlined call made its context a second time (the call chain and guard prefix copied, the guards' sites looked up,
 * ranges converted) and every site was found by a string key built anew. On: a context made for (parent context,
 * call) is made once and given back, and each context finds its sites by object first. Both only skip recomputing
 * the same value: a context is a function of its parent and the call, and a site of its context's key and raw site.
 * CORELENS_CONTEXT_MEMO=0 turns it off; tests flip `on` (the analyses must be identical either way).
 */
export const contextMemo = { on: process.env.CORELENS_CONTEXT_MEMO !== '0', hits: 0 };

/** Set by a measuring harness to see every decision `contextSites` takes (unset in the server: no cost). */
export const inlineTrace: { on?: (d: InlineDecision) => void } = {};

/** Every site per call context, for the document's functions (`entries`) and the helpers they reach. */
export function contextSites(entries: { def: FuncDef; res: FuncResult }[], resultOf: (f: FuncDef) => FuncResult | undefined,
  deltaOf: Map<FuncDef, number>, ce: ContextEnv, headerRoots: readonly FuncDef[] = [], cache?: ContextCache, share?: ExpansionShare,
  reads: Site[] = []): Site[] {
  const out: Site[] = [];
  // expansions are recorded for the other arches (and taken from them) only where an analyzer shares them
  const crossArch = !!share && !!cache && sharedExpansions.on;
  const from = crossArch && share!.from?.text === share!.text ? share!.from : undefined;
  const seen = cache ? new Map<FuncDef, Map<string, RootMemo>>() : undefined;
  if (cache) { cache.expanded = 0; cache.reused = 0; }
  let rec: RootMemo | undefined;
  const isEntry = new Set(entries.map((e) => e.def));
  /** Where a document function starts now: its sites' positions follow from it while its text is the same. */
  const startOf = (def: FuncDef): string | undefined => {
    if (def.file) return undefined;
    const p = ce.lines.position(def.start + (deltaOf.get(def) ?? 0));
    return `${p.line}:${p.character}`;
  };
  const made = new Map<string, Site>();
  // (plain Maps, here and for the memo below: they live only as long as this call, so weak keys keep nothing alive
  // longer, and a WeakMap's insert costs more: an ephemeron entry the GC must trace)
  const ids = new Map<object, number>();
  let nextId = 0;
  const idOf = (o: object): number => { let i = ids.get(o); if (i === undefined) { i = ++nextId; ids.set(o, i); } return i; };
  const reached = new Set<FuncDef>();
  const rootsDone = new Set<FuncDef>();
  const pendingRoots: FuncDef[] = [];
  /**
   * text_args: per static subprogram kept out of line, the parameters some caller passes a plain number. The verifier
   * walks a static subprogram with each caller's registers (a global one is verified alone, with its own typed
   * arguments), so a direct read through such a parameter refuses the calling program. Merged over the callers
   * visited before the subprogram's own root is made (roots are made in the order the calls are met).
   */
  const textPlain = new Map<FuncDef, boolean[]>();
  /** .text functions a call under no CO-RE guard reaches from a program or from another such function (Ctx.walked):
   * the verifier walks them on every target, so a number read there is refused everywhere (a call only in a case
   * no target takes reaches nothing). */
  const textWalked = new Set<FuncDef>();
  /** ool_callers: per static subprogram kept out of line, the calls met so far (OolCall), in the order met. */
  const oolCalls = new Map<FuncDef, OolCall[]>();
  /** ool_callers: per static function, the literal arguments of every call met, inlined or not (IPSCCP's lattice). */
  const litCalls = new Map<FuncDef, (bigint | undefined)[][]>();
  /** Functions named as a value (a callback): IPSCCP keeps their parameters, unknown callers may pass anything. */
  const addressTaken = new Set<FuncDef>();

  const range = (def: FuncDef, a: number, b: number): Range => {
    if (!def.file) { const d = deltaOf.get(def) ?? 0; return ce.rng(a + d, b + d); }
    const l = ce.linesOf(def.file);
    return { start: l.position(Math.max(0, a)), end: l.position(Math.max(0, b)) };
  };
  const lineOf = (def: FuncDef, off: number): number => {
    if (!def.file) return ce.lines.position(off + (deltaOf.get(def) ?? 0)).line;
    return ce.linesOf(def.file).position(Math.max(0, off)).line;
  };

  const stepInto = (c: Ctx, call: CallRef): Ctx => {
    const callRange = range(c.def, call.start, call.end);
    // copies of the callee: the caller's own times the call's (a full unroll's, fewer where the bound is constant)
    const base = c.outer && c.outer.arms.some((a) => a.calls.has(call)) ? c.outer.times : c.times ?? 1;
    const times = base * tripCapped(call.times, call.cap, c.argv);
    const outer = call.exitIf && times > base ? exitArmsTaken(call, base) : undefined;
    const step: CallStep = { func: call.name, caller: c.def.name, range: callRange };
    if (c.def.file) step.file = c.def.file;
    return {
      key: `${c.key}/${idOf(call)}`, def: call.def, chain: [...c.chain, step], up: { call, parent: c }, prefix: [...c.prefix, ...guardsIn(c, call.guards)],
      entry: c.entry ?? (call.def.file && !c.def.file ? callRange : undefined), program: c.program, section: c.section, unreached: c.unreached, idle: c.idle,
      ...(c.walked ? { walked: true } : {}),
      argv: argsAt(c.argv, call),
      ...(call.args?.some((a) => a.fields || (a.param !== undefined && c.argf?.[a.param]))
        ? { argf: call.args.map((a) => a.fields ?? (a.param !== undefined ? c.argf?.[a.param] : undefined)) } : {}),
      ...(call.args?.some((a) => a.nonnull || (a.param !== undefined && c.argnn?.[a.param]))
        ? { argnn: call.args.map((a) => !!a.nonnull || (a.param !== undefined && !!c.argnn?.[a.param])) } : {}),
      ...(call.args?.some((a) => a.deadOut || (a.param !== undefined && c.argdo?.[a.param]))
        ? { argdo: call.args.map((a) => !!a.deadOut || (a.param !== undefined && !!c.argdo?.[a.param])) } : {}),
      ...(call.args?.some((a) => a.via && plainPointer(c, a.via))
        ? { argpl: call.args.map((a) => !!a.via && plainPointer(c, a.via)) } : {}),
      ...(call.args?.some((a) => a.k === undefined && a.via && tpArgOf(c, a.via) !== undefined)
        ? { argtp: call.args.map((a) => (a.k === undefined && a.via ? tpArgOf(c, a.via) : undefined)) } : {}),
      ...(call.args?.some((a) => a.range || (a.param !== undefined && c.argr?.[a.param]))
        ? { argr: call.args.map((a) => a.range ?? (a.param !== undefined ? c.argr?.[a.param] : undefined)) } : {}),
      ...(times !== 1 ? { times } : {}),
      ...(outer ? { outer } : {}),
      ...(c.knob ?? call.knob ? { knob: c.knob ?? call.knob } : {}),
      ...(c.kver || call.kver ? { kver: [...(c.kver ?? []), ...(call.kver ?? [])] } : {}),
    };
  };
  /** The callee's exit arms a caller's loop leaving on `call.exitIf` sinks across its copies (ExitArm): those whose
   * constant the test takes, naming no parameter given a value that differs between the copies unless the arm
   * sinks with every parameter differing too. */
  const exitArmsTaken = (call: CallRef, times: number): Ctx['outer'] => {
    const t = call.exitIf!;
    const takes = (k: bigint): boolean => t.op === '==' ? k === t.k : t.op === '!=' ? k !== t.k : t.op === 'truthy' ? k !== 0n : k === 0n;
    const arms = (resultOf(call.def)?.exitArms ?? []).filter((a) => takes(a.k) && (a.paramsLight || ![...a.params].some((i) => t.args.has(i))));
    return arms.length ? { times, arms } : undefined;
  };

  const guardsIn = (c: Ctx, gs: GuardRef[]): Guard[] => gs.map((g): Guard => {
    if ('any' in g) return { any: g.any.map((alt) => guardsIn(c, alt)) };
    let cc = c;
    for (const v of g.via ?? []) cc = stepOnce(cc, v);
    const s = siteIn(cc, g.check);
    const out: CheckGuard = { kind: s.kind, typeId: s.typeId, localType: s.localType, access: s.access, when: g.when, range: s.range };
    const t = crossArch ? typeOfId.get(s) : undefined;
    if (t) typeOfId.set(out, t);
    if (g.cmp) out.cmp = g.cmp;
    if (s.origin) out.origin = s.origin;
    return out;
  });

  /**
   * ool_callers: the calls of the out-of-line subprogram at the root of `c` under which code of `c` with parameter
   * conditions `pconds` runs: the verifier walks the subprogram from each with its constant arguments and never
   * enters a branch they decide (undefined: c's root is no subprogram rooted on its calls).
   */
  const liveCalls = (c: Ctx, pconds: ParamCond[] | undefined): OolCall[] | undefined => {
    const path: Ctx[] = [c];
    while (path[0]!.up) path.unshift(path[0]!.up.parent);
    const vars = path[0]!.vars;
    if (!vars) return undefined;
    return vars.filter((v) => {
      let argv: (bigint | undefined)[] | undefined = path[0]!.def.params.map((_, i) => path[0]!.argv?.[i] ?? v.argv[i]);
      for (let i = 1; i < path.length; i++) {
        const call = path[i]!.up!.call;
        if (!holds(call.pconds, { ...path[i - 1]!, argv })) return false;
        const next = argsAt(argv, call);
        argv = path[i]!.def.params.map((_, j) => path[i]!.argv?.[j] ?? next?.[j]);
      }
      return holds(pconds, { ...c, argv });
    });
  };
  /** ool_callers: the guards code of `c` under `pconds` gets from the calls it runs under (liveCalls): none when one
   * of them runs on every target, an alternative per call, false when no call reaches it. */
  const varGuards = (c: Ctx, pconds: ParamCond[] | undefined): Guard[] | undefined => {
    const live = liveCalls(c, pconds);
    if (!live) return undefined;
    if (!live.length) return [{ any: [] }];
    if (live.some((v) => !v.guards.length)) return [];
    return live.length === 1 ? live[0]!.guards : [{ any: live.map((v) => v.guards) }];
  };
  /** ool_callers: some call under which a site runs passes a plain number where it reads (text_args per call). */
  const plainUnder = (c: Ctx, r: RawSite): boolean => {
    const live = liveCalls(c, r.pconds);
    if (!live) return true;
    const via = r.viaPointer;
    if (typeof via !== 'object') return true; // a number of the subprogram's own: the guards say where it runs
    const own = !c.up ? via.param : undefined;
    return live.some((v) => (own !== undefined ? v.argpl[own] : v.argpl.some((x) => x)));
  };

  /** Contexts already made, per parent context and call (contextMemo). */
  const kids = new Map<Ctx, Map<CallRef, Ctx>>();
  /** Sites already made, per context object and raw site (contextMemo; `made` by key stays the reference). */
  const sitesOf = new Map<Ctx, Map<RawSite, Site>>();
  const memo = contextMemo.on;
  /** stepInto, once per parent context and call (contextMemo). */
  const stepOnce = (c: Ctx, call: CallRef): Ctx => {
    if (!memo) return stepInto(c, call);
    let m = kids.get(c);
    if (!m) kids.set(c, m = new Map());
    let k = m.get(call);
    if (k) contextMemo.hits++;
    else m.set(call, k = stepInto(c, call));
    return k;
  };

  /** The public site of raw site `r` of function `c.def` in context `c` (one object per context). */
  const siteIn = (c: Ctx, r: RawSite): Site => {
    let mine: Map<RawSite, Site> | undefined;
    if (memo) {
      mine = sitesOf.get(c);
      if (!mine) sitesOf.set(c, mine = new Map());
      const s = mine.get(r);
      if (s) { contextMemo.hits++; return s; }
    }
    const s = siteByKey(c, r);
    mine?.set(r, s);
    return s;
  };
  const siteByKey = (c: Ctx, r: RawSite): Site => {
    const k = `${c.key}#${idOf(r)}`;
    const have = made.get(k);
    if (have) return have;
    const own = range(c.def, r.start, r.end);
    rec?.types.push(r.root as CType);
    const s: Site = {
      kind: r.kind, typeId: ce.builder.idOf(r.root as CType), localType: spell(r.root as CType), access: r.access.join(':'),
      range: c.entry ?? own, line: lineOf(c.def, r.expStart ?? r.start), func: r.func, guards: [], chain: c.chain,
    };
    if (crossArch) typeOfId.set(s, r.root as CType);
    if (c.def.file) s.origin = { file: c.def.file, range: own, line: s.line };
    if (c.program !== undefined) s.program = c.program;
    if (c.section !== undefined) s.section = c.section;
    if (c.unreached) s.unreached = true;
    if (c.idle) s.idle = true;
    if (c.knob ?? r.knob) s.knob = c.knob ?? r.knob;
    if (c.kver || r.kver) s.kver = [...(c.kver ?? []), ...(r.kver ?? [])];
    if (r.directBitfield) s.directBitfield = true;
    if (r.directBitfield && r.paramPointer && btfTypedArg(c)) s.btfPointer = true;
    if (r.readSize !== undefined) s.readSize = r.readSize;
    if (r.directLoad) s.directLoad = true;
    if (r.viaPointer && plainPointer(c, r.viaPointer)) { if (!c.argpl || plainUnder(c, r)) s.plainPointer = true; }
    else if (r.viaPointer) { const a = tpArgOf(c, r.viaPointer); if (a !== undefined) s.tpArg = { tp: c.section!.replace(/^\??tp_btf\//, ''), arg: a }; }
    if (r.unalignedLoad) s.unalignedLoad = true;
    const copies = (c.outer && c.outer.arms.some((a) => a.sites.has(r)) ? c.outer.times : c.times ?? 1) * tripCapped(r.times, r.cap, c.argv);
    if (copies > 1) s.copies = copies;
    made.set(k, s);
    s.guards = [...(varGuards(c, r.pconds) ?? []), ...c.prefix, ...guardsIn(c, r.guards)];
    return s;
  };

  /** plain_reads: a load with no relocation through a plain number in context `c` (no type of the local BTF: it is no
   * relocation), or undefined where its pointer is not one there or the program type makes casts of numbers pointers. */
  const readIn = (c: Ctx, r: RawSite): Site | undefined => {
    if (!r.viaPointer || !c.section || !TRACE_SECTIONS.test(c.section)) return undefined;
    const plain = plainPointer(c, r.viaPointer);
    const tp = plain ? undefined : tpArgOf(c, r.viaPointer);
    if (!plain && tp === undefined) return undefined;
    if (plain && c.argpl && !plainUnder(c, r)) return undefined;
    const own = range(c.def, r.start, r.end);
    const s: Site = {
      kind: r.kind, typeId: 0, localType: '', access: '', range: c.entry ?? own, line: lineOf(c.def, r.start), func: r.func,
      guards: [...(varGuards(c, r.pconds) ?? []), ...c.prefix, ...guardsIn(c, r.guards)], chain: c.chain, plainRead: r.plainRead ?? '',
      ...(plain ? { plainPointer: true } : { tpArg: { tp: c.section.replace(/^\??tp_btf\//, ''), arg: tp! } }),
    };
    if (c.def.file) s.origin = { file: c.def.file, range: own, line: s.line };
    if (c.program !== undefined) s.program = c.program;
    s.section = c.section;
    if (c.idle) s.idle = true;
    if (c.knob ?? r.knob) s.knob = c.knob ?? r.knob;
    if (c.kver || r.kver) s.kver = [...(c.kver ?? []), ...(r.kver ?? [])];
    return s;
  };

  // call sites per function in the unit (the inliner's single-caller bonus)
  const callCount = new Map<FuncDef, number>();
  const counted = new Set<FuncDef>();
  const count = (res: FuncResult, depth: number): void => {
    for (const c of res.calls) {
      if (c.twin || c.copyOf) continue;
      callCount.set(c.def, (callCount.get(c.def) ?? 0) + 1);
      if (!counted.has(c.def) && c.def.body && depth < MAX_DEPTH) {
        counted.add(c.def);
        const r = c.def.file ? resultOf(c.def) : entries.find((e) => e.def === c.def)?.res ?? resultOf(c.def);
        if (r) count(r, depth + 1);
      }
    }
  };
  // every emitted function's calls count, the programs of an included .c file too (elastic/ebpf's EventProbe.bpf.c
  // is maps and three `#include "X/Probe.bpf.c"`: counting the document's functions only left every helper at 0
  // calls, each taken as its caller's last call and inlined, where LLVM keeps the large ones as BPF-to-BPF calls)
  for (const { def } of entries) counted.add(def);
  for (const d of headerRoots) counted.add(d);
  for (const { res } of entries) count(res, 0);
  for (const d of headerRoots) {
    const r = resultOf(d);
    if (r) count(r, 0);
  }
  const inlines = (f: FuncDef, call?: CallRef, caller?: FuncDef): boolean => {
    const global = globalByCost(f);
    if (!inlinable(f) && !global) return false;
    if (f.alwaysInline) return true;
    // the single call of a static function gets LLVM's LastCallToStaticBonus (15000), which a huge body still exceeds
    // (falco's task_file iterator: dump_pipe & co. cost ~44000 each and stay BPF-to-BPF calls); a cold call site gets
    // no bonus at all and at most ColdCallSiteThreshold (bcc's tcprtt: ipv6_are_different, cost 200, stays a
    // BPF-to-BPF call under three unlikely branches and a switch arm, inlined elsewhere)
    const calls = callCount.get(f) ?? 0;
    // LLVM weighs the body less what inlining saves at the call (getCallsiteCost: the call, its argument setup,
    // CallPenalty; retsnoop's 10-store reset_session: LLVM cost 15 = 50 - 35 <= 45, inlined at a cold site)
    // a callee whose body (its inlined callees' included) has no conditional branch keeps SingleBBBonus; the
    // loads and stores through a pointer parameter the call passes the address of a caller's local to are free
    // (SROA splits the alloca once inlined: netobserv's core_fill_in_l3(skb, &id, family, &protocol, &dscp), LLVM
    // cost 335 less 30 saved, inlined at 325); the last-call bonus is for a function of internal linkage only (a
    // global one stays emitted whatever its callers)
    const bonus = SINGLE_BB && (singleBB(f, 0) || (SINGLE_BB_CONST && singleWith(f, literals(call), 0))) ? (thresholdOf(f) * SINGLE_BB_BONUS_PERCENT) / 100 : 0;
    const threshold = coldAt(call) ? Math.min(thresholdOf(f), COLD_COST) : thresholdOf(f) + bonus + (calls <= 1 && !global ? LAST_CALL_BONUS : 0);
    const cost = costOf(f, 0) - callCost(callArgs(resultOf(f), f.params.length), true) - (SROA ? sroaSaved(f, call) : 0)
      - (CONST_ARMS ? constSaved(f, costLits(call), 0) : 0);
    // LLVM inlines at Cost < max(1, Threshold): a cost equal to the threshold stays a call (teleport's report_ip4_block,
    // cost=325, threshold=325); our costs are float sums of thirds (INSTR = 5/3), compared with a margin for their error
    const inl = STRICT ? cost < Math.max(threshold, 1 / 3) - 1e-6 : cost <= threshold;
    inlineTrace.on?.({ callee: f, cost, threshold, calls, inlined: inl, call, caller });
    return inl;
  };
  // A call the inliner kept out of line in its own function is decided again in each function that function is
  // inlined into, with that function's block frequencies; InlineFunction updates them in place (updateCallerBFI:
  // the callee's integer frequencies scaled to the call's block) instead of recomputing them, so the entry keeps the
  // integer it had before: 8 for a body without a branch (a BPF_STRUCT_OPS wrapper's `return impl(..)`), whose 2%
  // rounds to 0, and nothing inlined into it is cold (scx's p2dq_dispatch_impl: scx_bpf_dsq_insert_vtime under
  // `unlikely()` not inlined there at 45, inlined at 325 once it lands in ____p2dq_dispatch).
  // Only a function inlined by cost brings its calls into a caller whose frequencies are that stale ones: the
  // always_inline callees are inlined by the mandatory inliner run before (ModuleInlinerWrapperPass's
  // MandatoryFirst, per SCC), after which the caller's frequencies are computed afresh, the cold site cold again
  // (layered's xnuma_gate: 45 in pick_idle_cpu, ____layered_select_cpu and layered_select_cpu alike).
  const redecided = (f: FuncDef, call: CallRef, c: Ctx): boolean => {
    if (!COLD_REDECIDE || !coldAt(call)) return false;
    let freq = call.freq!;
    for (let x = c; x.up; x = x.up.parent) {
      const into = x.up.parent;
      freq *= x.up.call.freq ?? 0;
      if (!freq) return false;
      if (x.def.alwaysInline) continue;
      const e = entryFreqInt(into.def, 0);
      if (Math.floor(e * freq) >= Math.floor(e * COLD_FREQ)) return inlines(f, { ...call, freq: undefined }, into.def);
    }
    return false;
  };
  /** BlockFrequencyInfo's integer entry frequency of a function as the cost-based inliner first sees it, its
   * always_inline callees inlined (convertFloatingToInteger: the least block frequency scaled to 8, truncated); its
   * 2% (BranchProbability::scale, rounding down) is the cold-call-site bound: 0 below 50. */
  const entryFreqInt = (f: FuncDef, depth: number): number => Math.floor(8 / minFreqOf(f, depth));
  const minFreqOf = (f: FuncDef, depth: number): number => {
    const r = resultOf(f);
    let m = r?.minFreq ?? 1;
    if (r && depth < MAX_DEPTH) {
      for (const call of r.calls) {
        if (call.twin || !call.def.body || !call.def.alwaysInline || call.def === f || !call.freq) continue;
        m = Math.min(m, call.freq * minFreqOf(call.def, depth + 1));
      }
    }
    return m;
  };
  // The inliner works bottom-up: a callee it keeps out of line costs its caller a call, not its body (memleak's
  // two-line gen_alloc_exit around the large, 14-caller gen_alloc_exit2 is inlined into each of its 9 callers).
  const costs = new Map<FuncDef, number>();
  const costOf = (f: FuncDef, depth: number): number => {
    const have = costs.get(f);
    if (have !== undefined) return have;
    const r = resultOf(f);
    let c = r?.cost ?? 0;
    costs.set(f, c); // a recursion sees the estimate
    if (r && depth < MAX_DEPTH) {
      for (const call of r.calls) {
        if (call.cost === undefined || call.copyOf || !call.def.body || call.def === f) continue;
        if (!inlines(call.def, call, f)) {
          c -= call.cost - callCost(callArgs(resultOf(call.def), call.args?.length ?? 0), true);
        } else if (NESTED) {
          // the callee's own body after its inlining (what LLVM sees bottom-up), not its raw cost: the arms its
          // constant arguments decide are gone once SCCP and SimplifyCFG have run over the caller
          c -= call.cost - costOf(call.def, depth + 1) + (CONST_ARMS ? constSaved(call.def, costLits(call), depth + 1) : 0);
        }
      }
    }
    costs.set(f, c);
    return c;
  };

  /** The constants a call passes, per parameter (undefined where none). */
  const literals = (call: CallRef | undefined): (bigint | undefined)[] => call?.args?.map((a) => a.k) ?? [];
  /** const_switch: the constants a call passes to the inliner's cost analysis, sizes (`sizeof(buf)`) included. */
  const costLits = (call: CallRef | undefined): (bigint | undefined)[] => call?.args?.map((a) => a.k ?? a.kz) ?? [];
  /**
   * const_arms: what constant arguments save LLVM's cost analysis of f at one call. CallAnalyzer simplifies a
   * parameter's compare with the constant, the branch folds and the arm it never takes is never counted (scx's
   * namespace_impl.bpf.h: get_task_pid_ns(task, PIDTYPE_TGID) hands `type` to get_task_pid_ptr, inlined into it, whose
   * `type == PIDTYPE_PID ? BPF_CORE_READ(task, thread_pid) : ..` loses its first arm: cost 205, ours was 253). The
   * constants flow on into the callees f inlines (their arms on the parameters f hands them).
   */
  const constSaved = (f: FuncDef, kargs: (bigint | undefined)[], depth: number): number => {
    const r = resultOf(f);
    if (!r || depth >= MAX_DEPTH || !kargs.some((k) => k !== undefined)) return 0;
    // const_switch: the segments of its switches the constants never reach (sites.ts constSwitchSaved)
    const sw = constSwitchSaved(r, kargs);
    let saved = sw.k + sw.x;
    const dead = new Set<CallRef>();
    /** The arm a constant argument leaves dead, if any. */
    const deadSide = (a: ConstArm): 't' | 'f' | undefined => constArmDead(a, kargs, compares);
    for (const a of r.constArms ?? []) {
      const side = deadSide(a);
      if (side === undefined) continue;
      // inside an arm already dead: its cost went with that arm
      let up = a.in;
      while (up && deadSide(up.arm) !== up.side) up = up.arm.in;
      if (up) continue;
      const arm = a[side];
      saved += a.test + arm.cost;
      for (const c of arm.calls) {
        dead.add(c);
        if (c.cost === undefined || c.copyOf || !c.def.body || c.def === f) continue;
        // the arm's cost has the callee's raw body; costOf counted it as decided (less what its own constants save)
        saved += (inlines(c.def, c, f) ? costOf(c.def, depth + 1) - constSaved(c.def, costLits(c), depth + 1) : callCost(callArgs(resultOf(c.def), c.args?.length ?? 0), true)) - c.cost;
      }
    }
    for (const c of r.calls) {
      if (dead.has(c) || c.copyOf || c.twin || !c.def.body || c.def === f || !c.args) continue;
      const lit = costLits(c);
      const ks = c.args.map((a) => a.k ?? a.kz ?? (a.param !== undefined ? kargs[a.param] : undefined));
      if (!ks.some((k, i) => k !== undefined && lit[i] === undefined) || !inlines(c.def, c, f)) continue;
      // what the literals alone save is in costOf(f) already
      saved += constSaved(c.def, ks, depth + 1) - constSaved(c.def, lit, depth + 1);
    }
    return saved;
  };

  // Per parameter of a function, what SROA saves when a call passes the address of a local (FuncResult.sroa), its
  // inlinable callees' uses of the parameter added: a callee inlined brings its loads and stores into the body, one
  // kept out of line takes the pointer as a call operand, which defeats SROA (disableSROA).
  const sroas = new Map<FuncDef, (number | undefined)[]>();
  const sroaOf = (f: FuncDef, depth: number): (number | undefined)[] => {
    const have = sroas.get(f);
    if (have) return have;
    const r = resultOf(f);
    const out = f.params.map((_, i) => r?.sroa?.[i]);
    sroas.set(f, f.params.map(() => undefined)); // a recursion defeats it
    if (r && depth < MAX_DEPTH) {
      for (const call of r.calls) {
        if (call.copyOf || call.twin || !call.def.body) continue;
        call.args?.forEach((a, k) => {
          if (a.param === undefined || out[a.param] === undefined) return;
          const s = inlines(call.def, call, f) ? sroaOf(call.def, depth + 1)[k] : undefined;
          out[a.param] = s === undefined ? undefined : out[a.param]! + s;
        });
      }
    }
    sroas.set(f, out);
    return out;
  };
  const sroaSaved = (f: FuncDef, call: CallRef | undefined): number => {
    if (!call?.args?.some((a) => a.alloca)) return 0;
    const s = sroaOf(f, 0);
    let saved = 0;
    call.args.forEach((a, k) => { if (a.alloca) saved += s[k] ?? 0; });
    return saved;
  };
  // A single basic block: no branch of its own, nor in any callee inlined into it (one kept out of line is a call).
  const singles = new Map<FuncDef, boolean>();
  const singleBB = (f: FuncDef, depth: number): boolean => {
    const have = singles.get(f);
    if (have !== undefined) return have;
    const r = resultOf(f);
    singles.set(f, false);
    let one = !!r && !r.branches && depth < MAX_DEPTH;
    if (one) {
      for (const call of r!.calls) {
        if (call.copyOf || call.twin || !call.def.body || call.def === f) continue;
        if (inlines(call.def, call, f) && !singleBB(call.def, depth + 1)) { one = false; break; }
      }
    }
    singles.set(f, one);
    return one;
  };

  /**
   * single_bb_const: f is one block to the analysis of a call passing the constants `kargs`. CallAnalyzer folds a
   * branch on a parameter's compare with a constant argument and walks only the live successor; onBlockAnalyzed
   * withdraws SingleBBBonus at a block with two successors left, which a folded branch is not (probe seed 17's
   * `helper14(f, 2)`: `k == 1 ? x->f_inode->i_ino : tmp16` its one branch, LLVM threshold 325 + 162 = 487).
   */
  const singleWith = (f: FuncDef, kargs: (bigint | undefined)[], depth: number): boolean => {
    const r = resultOf(f);
    if (!r || depth >= MAX_DEPTH || !CONST_ARMS || !kargs.some((k) => k !== undefined)) return false;
    /** The arm a constant argument leaves dead, if any. */
    const deadSide = (a: ConstArm): 't' | 'f' | undefined => constArmDead(a, kargs, compares);
    const inDead = (x: { arm: ConstArm; side: 't' | 'f' } | null | undefined): boolean => {
      for (let u = x; u; u = u.arm.in) if (deadSide(u.arm) === u.side) return true;
      return false;
    };
    if (!(r.looseBranches ?? []).every(inDead)) return false;
    const dead = new Set<CallRef>();
    for (const a of r.constArms ?? []) {
      if (inDead(a.in)) continue;
      const side = deadSide(a);
      if (!side) return false;
      for (const c of a[side].calls) dead.add(c);
    }
    for (const call of r.calls) {
      if (dead.has(call) || call.copyOf || call.twin || !call.def.body || call.def === f) continue;
      if (!inlines(call.def, call, f)) continue;
      if (singleBB(call.def, depth + 1)) continue;
      const ks = (call.args ?? []).map((a) => a.k ?? (a.param !== undefined ? kargs[a.param] : undefined));
      if (!singleWith(call.def, ks, depth + 1)) return false;
    }
    return true;
  };

  const visit = (c: Ctx, res: FuncResult, stack: FuncDef[]): void => {
    reached.add(c.def);
    if (rec) { rec.reached.push(c.def); if (!rec.funcs.has(c.def)) rec.funcs.set(c.def, { res, at: startOf(c.def) }); }
    for (const r of res.sites) if (holds(r.pconds, c)) out.push(siteIn(c, r));
    // (after the sites: a read's guards are checks already made, so the local BTF gets no type in another order)
    for (const r of res.reads ?? []) {
      const s = holds(r.pconds, c) ? readIn(c, r) : undefined;
      if (s) { reads.push(s); rec?.reads.push(s); }
    }
    // a function named as a value (a bpf_loop callback): an out-of-line body, a program of its own, counted once
    for (const r of res.fnRefs ?? []) {
      if (!holds(r.pconds, c) || !r.def.body) continue;
      addressTaken.add(r.def);
      if (rec) (rec.taken ??= []).push(r.def);
      rec?.pushes.push(r.def);
      if (!rootsDone.has(r.def)) pendingRoots.push(r.def);
    }
    for (const call of res.calls) {
      if (call.twin || !holds(call.pconds, c)) continue;
      const callee = call.def;
      if (!callee.body) continue;
      const inl0 = inlines(callee, call, c.def);
      rec?.decisions.set(call, inl0);
      const inl = inl0 || redecided(callee, call, c);
      if (OOL_CALLERS && callee.static && !c.unreached) {
        let lits = litCalls.get(callee);
        if (!lits) litCalls.set(callee, lits = []);
        lits.push(literals(call));
        if (rec) (rec.lits ??= []).push([callee, literals(call)]);
      }
      // (a global function too, in a unit with programs: verified alone, and only once a walked call reaches it)
      if (!inl && OOL_CALLERS && (callee.static || (GLOBAL_WALK && programs.length)) && !callee.section && !c.unreached) {
        // the guards the call runs under: its context's, its own and, in a subprogram rooted on its calls, those of
        // the calls under whose constants it is live
        const vg = varGuards(c, call.pconds);
        const guards = [...(vg ?? []), ...c.prefix, ...guardsIn(c, call.guards)];
        const free = !guards.length;
        const argpl = (call.args ?? []).map((a) => free && a.k === undefined && !!a.via && plainPointer(c, a.via));
        let list = oolCalls.get(callee);
        if (!list) oolCalls.set(callee, list = []);
        const oc: OolCall = { guards, argv: argsAt(c.argv, call) ?? [], argpl, lit: literals(call), ...(c.idle ? { idle: true } : {}) };
        list.push(oc);
        if (rec) (rec.ool ??= []).push([callee, oc]);
      }
      if (!inl) {
        if (!c.prefix.length && !call.guards.length && !c.unreached && (c.section !== '.text' || c.walked)) textWalked.add(callee);
        // a BPF-to-BPF call: the callee is a program of its own, counted once
        // (only from a call that runs on every target: a call under CO-RE guards may be dead where the verifier never
        // walks the subprogram from it, and the subprogram's one copy cannot say per target)
        if (TEXT_ARGS && callee.static && !callee.section && call.args?.some((a) => a.via) && !c.prefix.length && !call.guards.length) {
          // (a constant argument, NULL above all, is a number the verifier knows: it prunes what tests it)
          const pl = call.args.map((a) => a.k === undefined && !!a.via && plainPointer(c, a.via));
          const was = textPlain.get(callee);
          textPlain.set(callee, was ? pl.map((x, i) => x || !!was[i]) : pl);
        }
        rec?.pushes.push(callee);
        if (!rootsDone.has(callee)) pendingRoots.push(callee);
        continue;
      }
      if (stack.includes(callee) || stack.length > MAX_DEPTH) continue;
      const cres = resultOf(callee);
      if (!cres) continue;
      visit(stepOnce(c, call), cres, [...stack, callee]);
    }
  };

  /** One inlined copy for the merge replay: the same site objects and contexts as `visit`. */
  const copyOf = (c: Ctx, stack: FuncDef[], parent?: FlowCopy, bases?: (string | undefined)[], mem?: (string | undefined)[], kargs?: (bigint | undefined)[], live?: (true | string | undefined)[]): FlowCopy => {
    const copy: FlowCopy = {
      id: (name) => {
        // `*p` (what parameter p points at, unwritten so far): the caller's memory value passed (`&x`)
        if (name[0] === '*' && !name.includes('@')) {
          const i = mem ? c.def.params.findIndex((p) => p.name === name.slice(1)) : -1;
          const m = i >= 0 ? mem![i] : undefined;
          return m !== undefined && parent ? parent.id(m) : `${c.key}|${name}`;
        }
        const i = bases ? c.def.params.findIndex((p) => p.name === name) : -1;
        const b = i >= 0 ? bases![i] : undefined;
        return b !== undefined && parent ? parent.id(b) : `${c.key}|${name}`;
      },
      params: () => c.def.params.map((p) => p.name),
      konst: (name) => {
        const i = c.def.params.findIndex((p) => p.name === name);
        return i < 0 ? undefined : kargs?.[i] ?? c.argv?.[i];
      },
      outLive: (name) => {
        const i = live ? c.def.params.findIndex((p) => p.name === name) : -1;
        const l = i >= 0 ? live![i] : undefined;
        return l === true || (typeof l === 'string' && !!parent?.outLive?.(l));
      },
      site: (r) => (holds(r.pconds, c) ? siteIn(c, r) : undefined),
      enter: (call, bs, ms, ks, ls) => {
        const callee = call.def;
        if (!holds(call.pconds, c) || !callee.body || !(inlines(callee, call) || redecided(callee, call, c)) || stack.includes(callee) || stack.length > MAX_DEPTH) return undefined;
        const cres = resultOf(callee);
        if (!cres?.flow) return undefined;
        return { flow: cres.flow, copy: copyOf(stepOnce(c, call), [...stack, callee], copy, bs, ms, ks, ls) };
      },
    };
    return copy;
  };

  const root = (def: FuncDef, res: FuncResult, section: string, unreached = false): void => {
    if (rootsDone.has(def)) return;
    rootsDone.add(def);
    const idle = !unreached && !loaded(def);
    const argpl = unreached ? undefined : textPlain.get(def);
    const walked = !unreached && section === '.text' && textWalked.has(def);
    const ool = unreached ? undefined : oolRoot(def);
    // (a header program's sites sit on the include line: its place is part of what a remembered expansion holds)
    const entry = def.file ? ce.includeEntry?.(def.file) : undefined;
    const mode = `${unreached ? 'u' : idle ? 'i' : 'p'}${section}${walked ? 'w' : ''}${argpl?.some((x) => x) ? `:${argpl.map((x) => (x ? 1 : 0)).join('')}` : ''}${ool ? `@${ool.key}` : ''}${entry ? `^${entry.start.line}:${entry.start.character}` : ''}`;
    if (cache) {
      const old = cache.roots.get(def)?.get(mode);
      if (old && stillValid(old, def, res)) {
        cache.reused++;
        replayOol(old);
        for (const s of old.sites) out.push(s);
        for (const s of old.reads) reads.push(s);
        for (const d of old.reached) reached.add(d);
        for (const d of old.pushes) if (!rootsDone.has(d)) pendingRoots.push(d);
        remember(def, mode, old);
        return;
      }
      const other = from?.roots.get(rootKey(def, mode));
      const taken = other && takeExpansion(other.def, other.memo, def, res);
      if (taken) {
        cache.reused++;
        sharedExpansions.hits++;
        replayOol(taken);
        for (const s of taken.sites) out.push(s);
        for (const s of taken.reads) reads.push(s);
        for (const d of taken.reached) reached.add(d);
        for (const d of taken.pushes) if (!rootsDone.has(d)) pendingRoots.push(d);
        remember(def, mode, taken);
        return;
      }
      cache.expanded++;
      rec = { funcs: new Map(), decisions: new Map(), sites: [], reads: [], pushes: [], reached: [], types: [] };
    }
    const start = out.length;
    const c: Ctx = { key: `${unreached ? 'u' : 'p'}${idOf(def)}`, def, chain: [], prefix: [], program: unreached ? undefined : def.name, section: unreached ? undefined : section, unreached };
    if (idle) c.idle = true;
    if (argpl?.some((x) => x)) c.argpl = argpl;
    if (walked) c.walked = true;
    if (ool) { c.vars = ool.vars; if (ool.argv.some((k) => k !== undefined)) c.argv = ool.argv; }
    if (def.file) c.entry = entry;
    visit(c, res, [def]);
    // clang's merge of repeated relocations (cse.ts): which of this program's site copies share an earlier record
    if (!unreached && res.flow) markMerged(res.flow, copyOf(c, [def]), def.params.map((p) => p.name));
    if (rec) {
      rec.sites = out.slice(start);
      remember(def, mode, rec);
      rec = undefined;
    }
  };
  /**
   * ool_callers: what a static subprogram kept out of line is rooted with, once every function that may call it has
   * been walked (the drain's order): the calls the verifier walks it from and the parameters IPSCCP folds (every
   * call passing the same literal, its address never taken). Undefined for any other root, or when a function still
   * to be rooted may call it (its calls would be missing: the old rule, nothing implied).
   */
  const oolRoot = (def: FuncDef): { vars: OolCall[]; argv: (bigint | undefined)[]; key: string } | undefined => {
    if (!OOL_CALLERS || def.section || (!def.static && !(GLOBAL_WALK && programs.length))) return undefined;
    const all = oolCalls.get(def);
    if (!all?.length || laterCallers(def)) return undefined;
    // a global function is verified with its own BTF-typed arguments, whatever its callers pass (btf_prepare_func_args)
    const vars = all.filter((v) => !v.idle).map((v) => (def.static ? v : { ...v, argv: [], argpl: [] }));
    const lits = litCalls.get(def) ?? [];
    const argv = def.params.map((_, i) => {
      if (!def.static || addressTaken.has(def) || !lits.length) return undefined;
      const k = lits[0]![i];
      return k !== undefined && lits.every((l) => l[i] === k) ? k : undefined;
    });
    const gkey = (g: Guard): string => ('any' in g ? `(${g.any.map((alt) => alt.map(gkey).join('&')).join('|')})`
      : `${g.kind}:${g.localType}:${g.access}:${g.when}:${g.cmp ? JSON.stringify(g.cmp, (_, v) => (typeof v === 'bigint' ? `${v}` : v)) : ''}@${g.range.start.line}.${g.range.start.character}`);
    const key = `${argv.map((k) => k ?? '').join(',')};${vars.map((v) => `${v.argv.map((k) => k ?? '').join(',')}/${v.argpl.map((x) => (x ? 1 : 0)).join('')}/${v.guards.map(gkey).join('&')}`).join(';')}`;
    return { vars, argv, key };
  };
  /** Reach per function through its calls and callbacks (laterCallers). */
  const reachOf = new Map<FuncDef, Set<FuncDef>>();
  const reaches = (from: FuncDef): Set<FuncDef> => {
    let r = reachOf.get(from);
    if (r) return r;
    reachOf.set(from, r = new Set());
    const stack = [from];
    while (stack.length) {
      const f = stack.pop()!;
      const res = isEntry.has(f) ? entries.find((e) => e.def === f)?.res : resultOf(f);
      for (const d of [...(res?.calls ?? []).map((c) => c.def), ...(res?.fnRefs ?? []).map((x) => x.def)]) {
        if (d.body && !r.has(d)) { r.add(d); stack.push(d); }
      }
    }
    return r;
  };
  /** ool_callers: a function still to be rooted (pending, or a global one deferred) may call `def`. */
  const laterCallers = (def: FuncDef): boolean => [...pendingRoots, ...deferred.map((d) => d.def)]
    .some((d) => d !== def && !rootsDone.has(d) && reaches(d).has(def));
  /** ool_callers: what a reused expansion's walk had recorded (its calls, literals, callbacks). */
  const replayOol = (m: RootMemo): void => {
    for (const [d, oc] of m.ool ?? []) {
      let list = oolCalls.get(d);
      if (!list) oolCalls.set(d, list = []);
      list.push(oc);
    }
    for (const [d, l] of m.lits ?? []) {
      let lits = litCalls.get(d);
      if (!lits) litCalls.set(d, lits = []);
      lits.push(l);
    }
    for (const d of m.taken ?? []) addressTaken.add(d);
  };
  const remember = (def: FuncDef, mode: string, m: RootMemo): void => {
    let byMode = seen!.get(def);
    if (!byMode) seen!.set(def, byMode = new Map());
    byMode.set(mode, m);
  };
  /**
   * Another arch's expansion of `od` as this arch's expansion of `def` (the same definition: sharedFunctions.ts
   * adoptDefs), or undefined when this one could come out otherwise: every function it entered must be a header's or
   * one of this document's, with the very same result here (a document's at the same place), and every inlining
   * decision the same here.
   */
  const takeExpansion = (od: FuncDef, m: RootMemo, def: FuncDef, res: FuncResult): RootMemo | undefined => {
    if (od !== def) return undefined;
    for (const [f, used] of m.funcs) {
      const now = f === def ? res : f.file || isEntry.has(f) ? resultOf(f) : undefined;
      if (now !== used.res || startOf(f) !== used.at) return undefined;
    }
    for (const [call, inl] of m.decisions) if (inlines(call.def, call) !== inl) return undefined;
    // every site and guard knows its type (one made while the sharing was off does not)
    const typed = (g: Guard): boolean => ('any' in g ? g.any.every((alt) => alt.every(typed)) : typeOfId.has(g));
    if (!m.sites.every((s) => typeOfId.has(s) && s.guards.every(typed)) || !m.reads.every((s) => s.guards.every(typed))
      || !(m.ool ?? []).every(([, oc]) => oc.guards.every(typed))) return undefined;
    // the same types given to this arch's builder in the same order, then each site and guard with this arch's id
    for (const t of m.types) ce.builder.idOf(t);
    const copied = new Map<Guard, Guard>();
    const guard = (g: Guard): Guard => {
      let c = copied.get(g);
      if (c) return c;
      if ('any' in g) {
        const any = g.any.map((alt) => alt.map(guard));
        c = any.every((alt, i) => alt.every((x, j) => x === g.any[i]![j])) ? g : { any };
      } else {
        const t = typeOfId.get(g)!;
        const id = ce.builder.idOf(t);
        if (id === g.typeId) c = g;
        else { c = { ...g, typeId: id }; typeOfId.set(c, t); sharedExpansions.remapped++; }
      }
      copied.set(g, c);
      return c;
    };
    const sites = m.sites.map((s) => {
      const t = typeOfId.get(s)!;
      const id = ce.builder.idOf(t);
      const guards = s.guards.map(guard);
      if (id === s.typeId && guards.every((g, i) => g === s.guards[i])) return s;
      sharedExpansions.remapped++;
      const c: Site = { ...s, typeId: id, guards };
      typeOfId.set(c, t);
      return c;
    });
    const rds = m.reads.map((s) => {
      const guards = s.guards.map(guard);
      return guards.every((g, i) => g === s.guards[i]) ? s : { ...s, guards };
    });
    const ool = m.ool?.map(([d, oc]): [FuncDef, OolCall] => [d, { ...oc, guards: oc.guards.map(guard) }]);
    return { funcs: m.funcs, decisions: m.decisions, sites, reads: rds, pushes: m.pushes, reached: m.reached, types: m.types,
      ...(ool ? { ool } : {}), ...(m.lits ? { lits: m.lits } : {}), ...(m.taken ? { taken: m.taken } : {}) };
  };
  /** The expansion would come out the same: every function it entered has the same result at the same place, and
   * every inlining decision is the same. */
  const stillValid = (m: RootMemo, def: FuncDef, res: FuncResult): boolean => {
    for (const [f, used] of m.funcs) {
      if (!f.file && !isEntry.has(f)) return false; // a document function that is gone (or was replaced)
      const now = f === def ? res : resultOf(f);
      if (now !== used.res || startOf(f) !== used.at) return false;
    }
    for (const [call, inl] of m.decisions) if (inlines(call.def, call) !== inl) return false;
    return true;
  };

  // What libbpf loads: the programs (SEC functions) and every function they call, transitively. In a unit with
  // programs, a .text function none of them calls (a `__weak __hidden` header helper nobody uses, a global function
  // left over) is emitted, so its relocations are in the object, but never loaded: its sites never run. A unit with
  // no program at all (a userspace plugin, a header on its own) runs its global functions as entries.
  const programs = entries.filter((e) => e.def.section);
  let loadedSet: Set<FuncDef> | undefined;
  const loaded = (def: FuncDef): boolean => {
    if (!programs.length || def.section) return true;
    if (!loadedSet) {
      loadedSet = new Set();
      // an always_inline callee's body runs inside its caller (its calls load what they call) but no call reaches
      // its own .text copy (skbtracer's header helpers, external definitions emitted and inlined everywhere):
      // libbpf never loads that copy, whose failed relocations it only poisons
      const walked = new Set<FuncDef>();
      const stack: [FuncDef, boolean][] = programs.map((e) => [e.def, true]);
      while (stack.length) {
        const [d, load] = stack.pop()!;
        if (load) loadedSet.add(d);
        if (walked.has(d)) continue;
        walked.add(d);
        const r = d.file ? resultOf(d) : entries.find((e) => e.def === d)?.res ?? resultOf(d);
        // every call, whatever its conditions: a call clang may drop still counts as loading (never claims idle wrongly)
        for (const call of r?.calls ?? []) if (call.def.body && !loadedSet.has(call.def)) stack.push([call.def, !(INLINED_IDLE && call.def.alwaysInline && !call.def.noinline)]);
        for (const fr of r?.fnRefs ?? []) if (fr.def.body && !loadedSet.has(fr.def)) stack.push([fr.def, true]);
      }
    }
    return loadedSet.has(def);
  };
  // GLOBAL_WALK: a global function of a unit with programs is rooted after the programs and what they call, so a
  // call reaching it under no CO-RE guard has made it walked (the verifier verifies a global subprogram a walked
  // call reaches, on every target: its 'number' reads are claimed as a static subprogram's are)
  const deferred: { def: FuncDef; res: FuncResult; section: string }[] = [];
  for (const { def, res } of entries) {
    const section = def.section ?? (!inlinable(def) || isPluginDef(def) ? '.text' : undefined);
    void inlines;
    if (section && !def.static && !def.section && GLOBAL_WALK && programs.length) deferred.push({ def, res, section });
    else if (section && !def.static) root(def, res, section);
    else if (def.section) root(def, res, def.section);
  }
  for (const d of headerRoots) if (!rootsDone.has(d)) pendingRoots.push(d);
  const drain = (): void => {
    while (pendingRoots.length) {
      // ool_callers: a subprogram after every pending function that may call it (its calls all met first)
      let at = 0;
      if (OOL_CALLERS) {
        at = pendingRoots.findIndex((d) => d.section || !pendingRoots.some((e) => e !== d && !rootsDone.has(e) && reaches(e).has(d)));
        if (at < 0) at = 0;
      }
      const d = pendingRoots.splice(at, 1)[0]!;
      const r = resultOf(d);
      if (r) root(d, r, d.section ?? '.text');
    }
  };
  drain();
  for (const { def, res, section } of deferred) { root(def, res, section); drain(); }
  if (ce.inlining) {
    for (const d of rootsDone) if (d.static && !d.section) ce.inlining.outlined.add(d);
    for (const d of reached) ce.inlining.reached.add(d);
  }
  // the document's functions nobody reaches: once, as if called from nowhere
  for (const { def, res } of entries) if (!reached.has(def)) root(def, res, '', true);
  if (cache && seen) {
    cache.roots.clear();
    for (const [d, m] of seen) cache.roots.set(d, m);
  }
  if (crossArch && seen) {
    const roots: ArchExpansions['roots'] = new Map();
    for (const [def, byMode] of seen) for (const [mode, memo] of byMode) roots.set(rootKey(def, mode), { def, memo });
    share!.keep({ text: share!.text, roots });
  }
  return out;
}

/**
 * Program types whose context arguments the verifier types from BTF (PTR_TO_BTF_ID): a pointer argument may be
 * read directly there. Everywhere else (kprobe, tracepoint, raw_tp, uprobe, ...) a pointer is a plain number.
 */
const BTF_SECTIONS = /^(tp_btf|fentry|fexit|fmod_ret|lsm|lsm\.s|lsm_cgroup|fentry\.s|fexit\.s|fmod_ret\.s|iter|iter\.s|struct_ops|struct_ops\.s)(\/|$)/;

/**
 * The context is the body of a BPF_PROG (`____name`, inlined once into the SEC function `name` of a BTF-typed
 * program type): its parameters are the program's BTF-typed arguments. Conservative: a helper called with them,
 * or any other pointer, is not trusted (the PROBED read is right everywhere; the direct one only here).
 */
function btfTypedArg(c: Ctx): boolean {
  return !!c.section && BTF_SECTIONS.test(c.section) && c.chain.length === 1 && c.def.name === `____${c.chain[0]!.caller}`;
}

/** CORELENS_TEXT_ARGS=0: a static subprogram's parameters are never plain numbers to its direct reads. */
const TEXT_ARGS = process.env.CORELENS_TEXT_ARGS !== '0';
/** CORELENS_GLOBAL_WALK=0: global functions are rooted before the programs calling them, never walked (before/after). */
const GLOBAL_WALK = process.env.CORELENS_GLOBAL_WALK !== '0';
/** CORELENS_OOL_CALLERS=0: a static subprogram kept out of line runs under no guard of its calls and knows none of
 * their constants (ool_callers, OolCall). */
const OOL_CALLERS = process.env.CORELENS_OOL_CALLERS !== '0';
/**
 * plain_reads: program types where an integer cast to a pointer is a number to the verifier. Packet programs (xdp,
 * tc, socket filters, cgroup skb...) cast `ctx->data` (a u32 the verifier rewrites into a packet pointer) through a
 * local copy of ctx the origin model does not follow: no claim there.
 */
/** CORELENS_PLAIN_READS=0: no plain reads (sites.ts), and direct reads claimed in any program type, as before. */
const PLAIN_READS = process.env.CORELENS_PLAIN_READS !== '0';
const TRACE_SECTIONS = /^(kprobe|kretprobe|uprobe|uretprobe|uprobe\.s|uretprobe\.s|ksyscall|kretsyscall|usdt|kprobe\.multi|kretprobe\.multi|uprobe\.multi|uretprobe\.multi|tracepoint|tp|raw_tracepoint|raw_tp|raw_tracepoint\.w|raw_tp\.w|perf_event|tp_btf|fentry|fexit|fmod_ret|fentry\.s|fexit\.s|fmod_ret\.s|lsm|lsm\.s|iter|iter\.s)(\/|$)/;

/** Program types whose BPF_KPROBE-style macros hand the body its arguments as plain numbers (read from pt_regs). */
const REGS_SECTIONS = /^(kprobe|kretprobe|uprobe|uretprobe|uprobe\.s|uretprobe\.s|ksyscall|kretsyscall|usdt|kprobe\.multi|kretprobe\.multi|uprobe\.multi|uretprobe\.multi)(\/|$)/;

/**
 * A direct load's pointer is a plain number to the verifier in this context: a plain origin in the body, an
 * argument (not the context, parameter 0) of a BPF_KPROBE/BPF_KRETPROBE/BPF_UPROBE/BPF_KSYSCALL/BPF_USDT body in
 * such a section, or a parameter of an inlined helper its caller passed a plain number (Ctx.argpl). Anything else
 * (typed sections, a .text function's parameters) is not claimed: no false error.
 */
function plainPointer(c: Ctx, via: NonNullable<RawSite['viaPointer']>): boolean {
  // a parameter a caller passes a plain number: that caller's context decided it, its program type included (an
  // inlined helper's, or a static subprogram's in .text: text_args)
  if (typeof via === 'object' && c.argpl?.[via.param]) return !c.unreached;
  // a number in every program type (a BPF_CORE_READ value, bpf_get_current_task()): a .text function verified alone,
  // or a packet program, meets it as a tracing program does (sites.ts Origin 'number', CORELENS_ANY_SECTION); in .text
  // only where the verifier walks the function on every target (Ctx.walked)
  if (via === 'number') return !c.unreached && (c.section !== '.text' || !!c.walked);
  // a packet program's `(void *)(long)s->data` through a copy of its ctx is a packet pointer the origin model takes
  // for a number (plain_reads: no claim outside tracing programs)
  if (PLAIN_READS && (!c.section || !TRACE_SECTIONS.test(c.section))) return false;
  if (via === 'plain') return !c.unreached;
  if (via === 'regs') return !c.unreached && !!c.section && REGS_SECTIONS.test(c.section);
  return via.param >= 1 && !!c.section && REGS_SECTIONS.test(c.section) && c.chain.length === 1 && c.def.name === `____${c.chain[0]!.caller}`;
}

/** CORELENS_TP_ERR_ARGS=0: the source path claims no direct read through a tp_btf argument (as before). */
const TP_ERR_ARGS = process.env.CORELENS_TP_ERR_ARGS !== '0';

/**
 * tp_err_args: the tp_btf argument (0-based, as the kernel's btf_ctx_access counts argN) a direct load's pointer is
 * in this context, or undefined: a BPF_PROG body's parameter (its parameter 0 is ctx) in a tp_btf section, or an
 * inlined helper's parameter its caller passed one (Ctx.argtp). Whether the target's kernel types that argument as a
 * number (raw_tp_null_args' IS_ERR entries: verdict/rawtp.ts) is per target, decided with the findings.
 */
function tpArgOf(c: Ctx, via: NonNullable<RawSite['viaPointer']>): number | undefined {
  if (!TP_ERR_ARGS || typeof via !== 'object' || c.unreached) return undefined;
  if (c.up) {
    const a = c.argtp?.[via.param];
    if (a !== undefined) return a;
  }
  if (!c.section || !/^\??tp_btf\//.test(c.section)) return undefined;
  return via.param >= 1 && c.chain.length === 1 && c.def.name === `____${c.chain[0]!.caller}` ? via.param - 1 : undefined;
}

/**
 * A non-static function with no SEC taking a pointer to a preserve_access_index record: a userspace plugin's entry
 * point, which clang emits in .text (the analyzer's sections and the contexts' both ask this).
 */
export function isPluginDef(f: FuncDef): boolean {
  if (f.static || f.section || f.progMacro || f.inlineDef) return false;
  return f.params.some((p) => {
    const t = strip(p.type);
    if (t.k !== 'ptr') return false;
    const r = strip(t.to);
    return (r.k === 'struct' || r.k === 'union') && (r as Record).pai;
  });
}
