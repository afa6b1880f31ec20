// An abstract interpreter that walks a loaded program the way the kernel verifier's do_check() does: depth first,
// the fall-through of an undecided branch before its target, branches on known values decided, static subprograms
// entered, global ones verified on their own. It answers one question exactly: which instructions the verifier
// visits, and the first error it meets among those this analysis models:
//   - `invalid func unknown#195896080`: a CO-RE relocation libbpf poisoned, reached;
//   - `R<n> invalid mem access 'scalar'`: a load or store through a register holding a plain number (the classic
//     `task->field` after bpf_get_current_task() in a kprobe);
//   - `invalid func unknown#<id>`: a call of a helper the loading kernel does not have (VerifyOptions.helperLimit).
// Everything else the kernel checks (bounds, helper argument types, reference leaks, ...) is out of scope: the
// verdict is exact about CO-RE reachability, and the differential test only compares outcomes of those kinds.
//
// What is modelled, because reachability depends on it: registers and stack slots with the kernel's scalar
// tracking (scalar.ts), spills and fills of 1/2/4/8 bytes with the kernel's alignment rules, linked scalar registers
// (a copy is narrowed with its original), NULL checks of helper results, constants read from frozen .rodata,
// pointer types as far as "is this a plain number" needs them, helper effects on the stack, bpf-to-bpf calls with
// their own frames, callbacks of bpf_loop & co. A state at a prune point is not explored again when one already
// explored there covers it, as the kernel's is_state_visited() decides: numbers whose value nothing below the explored
// state looked at (not precise; precision found on demand by backtracking, see visitState) count as any number, the
// precise ones by range inclusion; numbers the walk never looks at again (needOf) count as equal whatever their value,
// and so do stack slots no path below the explored state reads before writing them whole (read marks, markRead).

import { Insn, disasm } from './insn';
import {
  ALU, ATOMIC, CALL, CLS, JMP, MODE, PSEUDO, SRC_X, cls, isLdimm64, jumpTarget, op, sizeBytes,
} from './insn';
import { CallbackArg, HELPER, MEM_OR_NULL_DEREF, helperInfo, helperName } from './helpers';
import { CtxKind, DataSection, InsnRef, LoadedProgram, namedProgramType, packetFields } from './program';
import * as S from './scalar';

/** Stands for a kernel symbol's address: a known constant to the verifier, and never 0. */
const KSYM_ADDRESS = 0xffffffff81000000n;

/** Helper ids libbpf rewrites to bpf_probe_read / bpf_probe_read_str on a kernel without them (112-115). */
const SANITIZED_PROBE_READS: ReadonlySet<number> = new Set([112, 113, 114, 115]);

/** POISON_IMM: what libbpf writes into an instruction whose relocation failed. */
export const POISON_IMM = 0xbad2310;

type RegType = 'ni' | 'sc' | 'ctx' | 'stk' | 'mptr' | 'mval' | 'null' | 'mem' | 'btf' | 'fn' | 'any';

/** A register: its type and, for numbers, what is known about the value (for pointers: the offset). */
interface Reg {
  readonly t: RegType;
  readonly s: S.Scalar;
  /** Link id (scalars copied from one another) or NULL-check id (nullable pointers). */
  readonly id: number;
  /** A linked copy that had a constant added: `r1 = r2; r1 += delta`. */
  readonly delta: number;
  readonly ac: 0 | 32 | 64;
  /** Stack pointers: which frame. */
  readonly fr: number;
  /** Map values: the data section (for frozen .rodata reads) or map name. */
  readonly map?: string;
  /** Nullable pointers: the type once checked not NULL. */
  readonly nn?: RegType;
  /** BTF pointers known not to be NULL (trusted). */
  readonly trusted?: boolean;
  /** Functions: instruction index. */
  readonly fn?: number;
  /** Memory that may be NULL ('null' with nn 'mem'): the kernel's name of its type, for the error a read through it gives. */
  readonly memName?: string;
}

interface Slot {
  /**
   * Per byte b (kernel slot_type[b]; b = 7 is the slot's lowest address), two bits: INVALID, MISC, ZERO or SPILL.
   * A number, not a string: slots are rewritten at every store.
   */
  readonly ty: number;
  readonly spill: Reg;
}

const INVALID = 0;
const MISC = 1;
const ZERO = 2;
const SPILL = 3;
const tyAt = (ty: number, b: number): number => (ty >> (b * 2)) & 3;
const withTy = (ty: number, b: number, v: number): number => (ty & ~(3 << (b * 2))) | (v << (b * 2));
const EMPTY: Slot = { ty: 0, spill: NOT_INIT_SLOT() };
function NOT_INIT_SLOT(): Reg {
  return { t: 'ni', s: S.unknown(), id: 0, delta: 0, ac: 0, fr: 0 };
}

/**
 * A frame's stack slots by index (spi 0-63: every access is within the kernel's 512 bytes), in an array: a state is
 * copied at every branch and checkpoint, and compared slot by slot, far more often than a slot is written. Walked
 * by index (`a`), in slot order.
 */
class Slots {
  readonly a: (Slot | undefined)[];
  constructor(from?: Slots) {
    this.a = from ? from.a.slice() : [];
  }
  get(spi: number): Slot | undefined {
    return this.a[spi];
  }
  set(spi: number, slot: Slot): void {
    this.a[spi] = slot;
  }
}

interface Frame {
  readonly regs: Reg[];
  readonly stack: Slots;
  /** Index of the call instruction in the caller (-1 for the entry frame). */
  readonly callsite: number;
  /** The frame runs a callback: returning from it ends the path. */
  readonly callback: boolean;
  /**
   * Which frame this is (a new id at every call): a slot's read reaches the recorded states of this frame only, not
   * those of an earlier frame at the same depth (the kernel's parentage chain of a new frame starts empty).
   */
  readonly fid: number;
}

interface State {
  frames: Frame[];
  /** The last checkpoint of this path (the kernel's cur->parent), undefined before the first. */
  cp?: Ckpt;
  /** The instructions this path ran since `cp` (the kernel's jmp_history; here every instruction), packed: see Hist. */
  hist: number[];
  /**
   * Per frame, two words (slots 0-31, 32-63): the stack slots this path wrote whole (8 aligned bytes) since `cp`, the
   * kernel's REG_LIVE_WRITTEN: a later read of such a slot depends on this write, not on the recorded state's value.
   */
  wr: number[];
}

/**
 * One instruction a path ran, as precision backtracking needs it (the kernel's jmp_history entry and its flags): the
 * frame that ran it, the stack slot a fill read or a spill wrote (INSN_F_STACK_ACCESS), the registers and slots
 * linked at a conditional jump (linked_regs), the start of a callback's frame. A path keeps them packed in a number
 * array (one entry per instruction walked, no object each): the instruction as i * 32 + f, followed by negative
 * numbers for what else it has: a stack access -(1 + sf * 64 + spi), a callback start H_CB, linked registers
 * H_LINKED - k (k: their index in Walker.linkedStore).
 */
const H_CB = -4096;
const H_LINKED = -8192;

interface Hist {
  i: number;
  f: number;
  /** Fill or spill: the slot's frame and index. */
  sf?: number;
  spi?: number;
  /** Linked scalars at a conditional jump, as pairs (frame, reg) with a slot spi written as -1-spi. */
  linked?: number[];
  /** A callback frame starts here: precision is not followed into the caller (all is marked precise instead). */
  cb?: boolean;
}

/**
 * A state recorded at a prune point (the kernel's explored bpf_verifier_state): its registers and stack as they were,
 * the path segment that led to it from its parent, how many paths below it are still being explored (branches: 0 =
 * fully explored), and which of its scalars some instruction below it needed the value of (precise, set on demand by
 * backtracking, mark_chain_precision, and by states pruned against a state below it, propagate_precision).
 */
interface Ckpt {
  readonly parent: Ckpt | undefined;
  readonly idx: number;
  readonly frames: Frame[];
  readonly hist: number[];
  branches: number;
  /** Per frame: precise registers (bit per register); precise spilled slots, two words per frame (slots 0-31, 32-63). */
  readonly pr: number[];
  readonly ps: number[];
  /** Every scalar precise (mark_all_scalars_precise), this state's and its parents'. */
  all: boolean;
  /**
   * Per frame, two words: the stack slots some path below read before writing them whole (the kernel's REG_LIVE_READ
   * on spilled_ptr, propagated up the parentage chain by mark_reg_read and, when a state is pruned, by
   * propagate_liveness). Only those slots are compared when this state covers another: the others never influence
   * what happens below it.
   */
  readonly rd: number[];
  /** The slots the path segment that led here wrote whole (screens reads from below off the parent). */
  readonly wr: number[];
  /** is_state_visited()'s hit_cnt and miss_cnt: how often this state pruned another, and failed to (EVICT). */
  hit: number;
  miss: number;
  /** The visit of the strongly connected component this state is in (SCC), by its call chain. */
  visit?: SccVisit;
}

/**
 * One visit of a strongly connected component by one call chain (the kernel's bpf_scc_visit): its first recorded
 * state (entry, until fully explored) and the paths pruned inside it by range while it was being explored.
 */
interface SccVisit {
  entry?: Ckpt;
  backedges: { st: State; old: Ckpt; idx: number }[];
}

/**
 * The recorded states of a prune point whose bucket key (what bucketHash hashes, sameBucket compares) is the same:
 * `rep`, the frames of the first one, stands for the key; buckets whose hashes collide are chained by `next`.
 */
interface Bucket {
  readonly rep: readonly Frame[];
  readonly list: Ckpt[];
  readonly next: Bucket | undefined;
}

/** How many precision marks recorded states got (markIn, allPrecise): a fixed point is reached when it stops growing. */
let precMarks = 0;

/**
 * CORELENS_VERDICT_EVICT=0: recorded states are never dropped from their bucket. On (is_state_visited's heuristic,
 * counted per bucket): a state that keeps failing to prune (miss_cnt > n * hit_cnt + n; a miss counted only when a new
 * state will be recorded) leaves the list later visits compare with. Why: without it the states of a long bounded
 * loop's head pile up and every visit compares with all of them (bad-bpf's textreplace2, a 64 × 64 loop pair: ≈ 228 s
 * CPU per kernel, half of it comparing states; 5.9 s with it). n = 64 for every state, the kernel's margin for
 * checkpoints: its n = 3 for the others made this walk (which prunes differently) run out of budget on textreplace2's
 * check_possible_addresses (8, 16 too; 32 and 64 decide it), and when tried before on filelife's path_walk. Dropping a
 * state only prunes less: verdicts stay what the walk proves (the fixture differential unchanged; of the 941 objects with
 * BTF the project measurements build, 938 get the same verdicts, reach and runs with and without it, three are decided
 * within a smaller budget than before).
 */
const EVICT = process.env.CORELENS_VERDICT_EVICT !== '0';

/**
 * CORELENS_VERDICT_SCC=0: the walk before the kernel's loop accounting. On: a synchronous callback (bpf_loop & co.)
 * returns to its call instruction, where the state is compared with the one recorded there before the callback ran
 * (by range: the kernel's calls_callback case of is_state_visited) and, when not covered, the call runs again with a
 * new callback (the kernel verifies callbacks as called any number of times); and the states of a strongly connected
 * component of the control flow (a loop, or a callback-calling instruction with what runs below it), once a path in
 * it was pruned against a state of the same component still being explored (a backedge), compare every register and
 * slot, numbers by range, precise or not (RANGE_WITHIN: incomplete_read_marks), until the component's first recorded
 * state is fully explored, when the backedges' precision is propagated (propagate_backedges); a returning callback's
 * numbers that changed and were not needed are widened (widen_imprecise_scalars). Why: the kernel's instruction
 * count, and so its "too large" refusal, depends on it (falco's sendmmsg_x and recvmmsg_x: their bpf_loop callbacks,
 * compared by range, take the kernel past 1,000,001 instructions; the walk before decided them in 65,391 and 7,969
 * steps).
 */
const SCC = process.env.CORELENS_VERDICT_SCC !== '0';

/**
 * CORELENS_VERDICT_AFTER_CALL=1 (off by default): the instruction after every call is a prune point, as in the
 * kernel's check_cfg() (visit_func_call_insn), not only after a bpf-to-bpf call. With it the walk records states where
 * the kernel does and counts branchy code without loops to the instruction (verdict/complexity: 9,724, the kernel's;
 * 10,234 without); off because it costs the verdict bench's object (a helper call every few instructions) 25% more
 * CPU for 20,191 states instead of 780, the same 410,066 steps.
 */
const AFTER_CALL = process.env.CORELENS_VERDICT_AFTER_CALL === '1';
const EVICT_N = 64;
/** Buckets of at most this many states keep them all: eviction everywhere cost the verdict bench's object 1.8× its
 * CPU (less pruning, more steps), while the pile-ups it is for hold thousands. */
const EVICT_MIN = 64;

/** Registers and slots whose values backtracking still looks for (the kernel's backtrack_state), per frame. */
interface Bt {
  r: number[];
  s: Set<number>[];
}

const NOT_INIT: Reg = { t: 'ni', s: S.unknown(), id: 0, delta: 0, ac: 0, fr: 0 };
// Registers are values: never changed once made (a change makes a new one), so common ones are shared.
const scalarReg = (s: S.Scalar): Reg => ({ t: 'sc', s, id: 0, delta: 0, ac: 0, fr: 0 });
const UNKNOWN: Reg = scalarReg(S.unknown());
const unknownReg = (): Reg => UNKNOWN;
const knownRegs = new Map<number, Reg>();
/** A known number from a whole JS number (|v| < 2^53: immediates, offsets, bytes). */
const knownReg = (v: number): Reg => {
  let r = knownRegs.get(v);
  if (!r) {
    if (knownRegs.size >= 65536) knownRegs.clear();
    knownRegs.set(v, (r = scalarReg(S.knownNum(v))));
  }
  return r;
};
/** A known number of any 64 bits (a 64-bit immediate, an 8-byte read). */
const knownRegBig = (v: bigint): Reg => {
  const n = Number(BigInt.asIntN(64, v));
  return Number.isSafeInteger(n) ? knownReg(n) : scalarReg(S.known(v));
};
const ANY: Reg = { t: 'any', s: S.knownNum(0), id: 0, delta: 0, ac: 0, fr: 0 };
const anyReg = (): Reg => ANY;
const ptrReg = (t: RegType, extra: Partial<Reg> = {}): Reg => ({ t, s: S.knownNum(0), id: 0, delta: 0, ac: 0, fr: 0, ...extra });

/** Options of one verification: what the kernel knows that the object does not say. */
export interface VerifyOptions {
  /** How many CPUs the machine may have (bpf_get_smp_processor_id() is bounded by it). */
  readonly nrCpuIds: number;
  /** The bytes libbpf puts into the frozen .kconfig map for each extern, by name (object byte order). */
  readonly kconfig?: ReadonlyMap<string, Uint8Array>;
  /** Externs whose value is known within bounds only: a read of the whole extern gives a scalar in that range. */
  readonly kconfigRange?: ReadonlyMap<string, readonly [bigint, bigint]>;
  /** Whether the loading kernel has a symbol (libbpf resolves ksyms and kfuncs there); undefined: unknown. */
  readonly hasKsym?: (name: string) => boolean | undefined;
  /** Stop after this many instructions processed (the kernel's limit is 1,000,000). */
  readonly maxSteps?: number;
  /**
   * Key every live number by its value, also those the walk never looks at again (the walk before needOf()): for
   * tests and A/B measurements. Same verdicts, more states.
   */
  readonly exactNumbers?: boolean;
  /**
   * The loading kernel's `__BPF_FUNC_MAX_ID` (KernelFacts.helperLimit): a helper call with a higher or equal id is
   * `invalid func unknown#<id>` where the walk reaches it. Absent: every helper is taken to exist.
   */
  readonly helperLimit?: number;
  /**
   * Prune only states equal to one seen before (numbers needOf() rules out count as equal), the walk before on-demand
   * precision and inclusion: for tests and A/B measurements. Same verdicts, more states.
   */
  readonly equalStates?: boolean;
  /** The tp_btf arguments the loading kernel types as numbers (KernelFacts.tpErrArgs), by tracepoint. */
  readonly tpErrArgs?: ReadonlyMap<string, readonly number[]>;
  /** Drop recorded states that keep failing to prune (EVICT; default: CORELENS_VERDICT_EVICT, on). */
  readonly evict?: boolean;
  /** The kernel's callback iterations and loop accounting (SCC; default: CORELENS_VERDICT_SCC, on). */
  readonly scc?: boolean;
  /** A prune point after every call, as the kernel's (AFTER_CALL; default: CORELENS_VERDICT_AFTER_CALL, off). */
  readonly afterCall?: boolean;
  /** Count the walks through each instruction (VerifyResult.counts): to compare with a kernel log of level 2. */
  readonly countVisits?: boolean;
}

/** An error the verifier would report, at an instruction index of the loaded program. */
export interface VerifyError {
  /** 'helper': a call of a helper the loading kernel does not have. */
  readonly kind: 'core' | 'scalar' | 'helper' | 'null';
  readonly insn: number;
  /** The register used as a pointer, for 'scalar' and 'null' (memory that may be NULL, not checked yet). */
  readonly reg?: number;
  /** The kernel's message. */
  readonly message: string;
}

export interface VerifyResult {
  /** The first error in the verifier's exploration order, if any. */
  readonly error?: VerifyError;
  /** Every poisoned instruction that some explored path reaches (also those after the first error). */
  readonly reachedPoison: ReadonlySet<number>;
  /** Scalar dereferences reached, by instruction. */
  readonly scalarDerefs: ReadonlyMap<number, VerifyError>;
  /** Instructions visited by some path. */
  readonly visited: Uint8Array;
  readonly steps: number;
  /** States recorded for pruning (the kernel's total_states). */
  readonly states: number;
  /** Recorded states compared with a visiting one (is_state_visited's states_equal calls): the walk's pruning cost. */
  readonly compares: number;
  /** The exploration stopped at maxSteps: reachability beyond is unknown. */
  readonly incomplete: boolean;
  /** A reachable instruction the kernel would refuse as malformed (bad register, bad opcode). */
  readonly malformed?: string;
  /** With countVisits: per instruction, how often a path ran it (the lines of a level-2 kernel log). */
  readonly counts?: Uint32Array;
}

/**
 * Walks `insns` (the loaded program after CO-RE patching). `original` are the unpatched instructions: past a
 * poisoned one the walk goes on with what the instruction was, to find the poisoned instructions behind it too.
 */
export function verify(prog: LoadedProgram, insns: readonly Insn[], original: readonly Insn[],
  data: ReadonlyMap<string, DataSection>, littleEndian: boolean, opts: VerifyOptions): VerifyResult {
  return new Walker(prog, insns, original, data, littleEndian, opts).run();
}

interface Cfg {
  prunePoint: Uint8Array;
  liveIn: Uint16Array;
  needIn: Uint16Array;
  /** Per instruction: its strongly connected component (1..), 0 for none (compute_scc). */
  scc: Int32Array;
  /**
   * Bit 1: a helper call that runs a callback in place (bpf_loop & co.: calls_callback), a forced checkpoint (SCC);
   * bit 2: the instruction after a call (AFTER_CALL). Both are prune points of the kernel's check_cfg().
   */
  callsCb: Uint8Array;
}

const cfgCache = new WeakMap<readonly Insn[], Cfg>();

/** The control flow's successors of each instruction, at most two: `a` then `b` (-1: none). */
interface Succ {
  readonly a: Int32Array;
  readonly b: Int32Array;
}

/** needOf()'s backward rule per instruction: in = (out & ~kill) | gen | (out & cond ? condGen : 0). */
interface NeedMasks {
  readonly kill: Uint16Array;
  readonly gen: Uint16Array;
  readonly cond: Uint16Array;
  readonly condGen: Uint16Array;
}

class Walker {
  private readonly n: number;
  private readonly visited: Uint8Array;
  /** Instructions invalid() found valid (1). */
  private readonly valid: Uint8Array;
  private readonly reachedPoison = new Set<number>();
  private readonly scalarDerefs = new Map<number, VerifyError>();
  private error?: VerifyError;
  private malformed?: string;
  private steps = 0;
  private incomplete = false;
  private idGen = 0;
  /** Jump instructions and steps walked, and both when the last state was recorded (the kernel's checkpoint policy). */
  private jmps = 0;
  private prevJmps = 0;
  private prevSteps = 0;
  private states = 0;
  private compares = 0;
  private fidGen = 0;
  private readonly seen = new Map<number, Set<string>>();
  /** Checkpoints per prune point, by the part of their state compared exactly (bucketKey). */
  private readonly explored = new Map<number, Map<number, Bucket>>();
  /** The history entry of the instruction being executed (for fills, spills, linked registers). */
  /** The path running the current instruction (stack accesses and linked registers are added to its history). */
  private curSt: State | undefined;
  /** The linked-register lists of conditional jumps, by the index history entries hold. */
  private readonly linkedStore: number[][] = [];
  /** One decoded history entry, reused by backtracking. */
  private readonly scratch: Hist = { i: -1, f: 0 };
  private prunePoint: Uint8Array;
  private liveIn: Uint16Array;
  /** Per instruction, the registers whose value (not only type) the walk may still look at: see needOf(). */
  private needIn: Uint16Array;
  private scc: Int32Array;
  private callsCb: Uint8Array;
  private readonly sccOn: boolean;
  /** Which callsCb bits make a prune point: 1 (callback-calling calls) with SCC, 2 (after a call) with AFTER_CALL. */
  private readonly extraPrune: number;
  private readonly visits = new Map<string, SccVisit>();
  private readonly funcOf: Int32Array;
  private readonly globalsQueued: number[] = [];
  private readonly maxSteps: number;
  private readonly counts?: Uint32Array;

  constructor(private readonly prog: LoadedProgram, private readonly insns: readonly Insn[],
    private readonly original: readonly Insn[], private readonly data: ReadonlyMap<string, DataSection>, private readonly le: boolean, private readonly opts: VerifyOptions) {
    this.n = insns.length;
    this.visited = new Uint8Array(this.n);
    this.valid = new Uint8Array(this.n);
    if (opts.countVisits) this.counts = new Uint32Array(this.n);
    this.maxSteps = opts.maxSteps ?? 1_000_000;
    this.funcOf = new Int32Array(this.n).fill(-1);
    prog.funcs.forEach((f, k) => {
      for (let i = f.start; i < f.end && i < this.n; i++) this.funcOf[i] = k;
    });
    // The control flow and liveness of the original instructions: the walk follows them past poisoned ones too, and
    // patching changes only immediates and offsets otherwise. Computed once per program, whatever the target.
    // (not in the A/B walks before on-demand precision: equal states only would not let a callback's iterations meet)
    this.sccOn = (opts.scc ?? SCC) && !opts.equalStates && !opts.exactNumbers;
    this.extraPrune = (this.sccOn ? 1 : 0) | ((opts.afterCall ?? AFTER_CALL) ? 2 : 0);
    let cfg = cfgCache.get(original);
    if (!cfg) {
      cfg = {
        prunePoint: new Uint8Array(this.n + 1), liveIn: new Uint16Array(this.n + 2), needIn: new Uint16Array(this.n + 2),
        scc: new Int32Array(this.n + 1), callsCb: new Uint8Array(this.n + 1),
      };
      this.prunePoint = cfg.prunePoint;
      this.liveIn = cfg.liveIn;
      this.needIn = cfg.needIn;
      this.scc = cfg.scc;
      this.callsCb = cfg.callsCb;
      this.analyzeCfg(original);
      cfgCache.set(original, cfg);
    }
    this.prunePoint = cfg.prunePoint;
    this.liveIn = cfg.liveIn;
    this.needIn = cfg.needIn;
    this.scc = cfg.scc;
    this.callsCb = cfg.callsCb;
  }

  run(): VerifyResult {
    this.explore(this.entryState(0, this.prog.ctx), 0);
    // Global subprograms called from reachable code are verified after the main program, in function order.
    const done = new Set<number>();
    for (;;) {
      const next = this.globalsQueued.filter((k) => !done.has(k)).sort((a, b) => a - b)[0];
      if (next === undefined || this.incomplete) break;
      done.add(next);
      const f = this.prog.funcs[next]!;
      this.explore(this.entryState(f.start, 'global', f.ctxArgs), f.start);
    }
    return {
      error: this.error, reachedPoison: this.reachedPoison, scalarDerefs: this.scalarDerefs, visited: this.visited,
      steps: this.steps, states: this.states, compares: this.compares, incomplete: this.incomplete, ...(this.malformed ? { malformed: this.malformed } : {}),
      ...(this.counts ? { counts: this.counts } : {}),
    };
  }

  private entryState(start: number, kind: CtxKind | 'global', ctxArgs?: readonly number[]): State {
    const regs: Reg[] = new Array(11).fill(NOT_INIT);
    regs[10] = ptrReg('stk', { fr: 0 });
    // a global function's arguments: the context where its BTF says so (the kernel's PTR_TO_CTX), else unknown
    if (kind === 'global') for (let r = 1; r <= 5; r++) regs[r] = ctxArgs?.includes(r) ? ptrReg('ctx') : anyReg();
    else regs[1] = ptrReg('ctx');
    void start;
    return { frames: [{ regs, stack: new Slots(), callsite: -1, callback: false, fid: ++this.fidGen }], hist: [], wr: [0, 0] };
  }

  /** Static facts: where states are compared (jump targets, after calls) and which registers are live. */
  private analyzeCfg(insns: readonly Insn[]): void {
    const { n } = this;
    // at most two successors per instruction, in two arrays (-1: none): an array or two per instruction were
    // tracee's third largest allocation (with the tuples of useDef and needOf, ~300 MB over its 169 programs)
    const succ: Succ = { a: new Int32Array(n).fill(-1), b: new Int32Array(n).fill(-1) };
    const add = (i: number, x: number) => {
      if (x < 0 || x > n) return;
      if (succ.a[i] === -1) succ.a[i] = x;
      else succ.b[i] = x;
    };
    for (let i = 0; i < n; i++) {
      const insn = insns[i]!;
      const c = cls(insn);
      if (c === CLS.JMP || c === CLS.JMP32) {
        const o = op(insn);
        if (o === JMP.EXIT) {
          // no successor
        } else if (o === JMP.CALL) {
          add(i, i + 1);
          // States meet again after a bpf-to-bpf call (the callee's paths all return here); after a helper call
          // there is one predecessor, so nothing to compare.
          if (insn.src === CALL.PSEUDO) this.prunePoint[i + 1] = 1;
          if (insn.src === CALL.HELPER) {
            const cb = helperInfo(insn.imm).callback;
            if (cb && !cb.async) this.callsCb[i] = 1;
          }
          // the kernel's visit_func_call_insn() makes the instruction after any call a prune point (AFTER_CALL)
          if (i + 1 <= n) this.callsCb[i + 1] |= 2;
        } else if (o === JMP.JA) {
          add(i, jumpTarget(insn, i));
          this.prunePoint[jumpTarget(insn, i)] = 1;
        } else {
          add(i, i + 1);
          add(i, jumpTarget(insn, i));
          this.prunePoint[jumpTarget(insn, i)] = 1;
          this.prunePoint[i] = 1;
        }
      } else {
        add(i, isLdimm64(insn) ? i + 2 : i + 1);
      }
    }
    for (const f of this.prog.funcs) if (f.start < n) this.prunePoint[f.start] = 1;
    sccOf(succ, this.scc, this.callsCb);
    // Backward liveness of r0-r9 (bit per register), iterated to a fixed point.
    const use = new Uint16Array(n);
    const def = new Uint16Array(n);
    for (let i = 0; i < n; i++) useDef(insns[i]!, i, use, def);
    backwardFixpoint(succ, this.liveIn, def, use);
    // The same backward analysis for "the value matters" (a subset of live); a round cap would leave it too small,
    // so past the cap every register counts as needed. needOf's rule per instruction, as masks: in = (out & ~kill) |
    // gen | (out & cond ? condGen : 0).
    const m: NeedMasks = { kill: new Uint16Array(n), gen: new Uint16Array(n), cond: new Uint16Array(n), condGen: new Uint16Array(n) };
    for (let i = 0; i < n; i++) this.needOf(insns[i]!, i, m);
    if (!backwardFixpoint(succ, this.needIn, m.kill, m.gen, m.cond, m.condGen)) this.needIn.fill(0x7ff);
  }

  /**
   * Precision, decided statically: the registers whose value the walk may look at from instruction `i` on, as the
   * masks of a backward rule (analyzeCfg: in = (out & ~kill) | gen | (out & cond ? condGen : 0)). A value is looked
   * at by a branch (is_branch_taken, the narrowing), as the base of a memory access (stack slot, frozen .rodata
   * offset, packet field), when stored (a spill keeps it), as a helper's size or written-memory argument or its
   * return bound, as an argument of a bpf-to-bpf call or callback, as a returned r0; an ALU result needs its
   * operands only if it is needed itself. A scalar register outside this set can hold any number without changing
   * which instructions the walk reaches or which errors it meets (its type still matters: a number dereferenced is an
   * error whatever its value), so stateKey() writes it as "a number": states that differ only there are one state.
   * The kernel's imprecise scalars are the same idea decided on demand (mark_chain_precision); this set is larger
   * than the kernel's precise one (a branch it does not decide needs no precision there), never smaller.
   */
  private needOf(insn: Insn, i: number, m: NeedMasks): void {
        const b = bit;
    const c = cls(insn);
    const x = (insn.code & SRC_X) !== 0;
    switch (c) {
      case CLS.ALU: case CLS.ALU64: {
        const o = op(insn);
        if (o === ALU.MOV) return setMasks(m, i, b(insn.dst), 0, b(insn.dst), x ? b(insn.src) : 0);
        return setMasks(m, i, 0, 0, b(insn.dst), x && o !== ALU.END ? b(insn.src) : 0);
      }
      case CLS.LDX: return setMasks(m, i, b(insn.dst), b(insn.src), 0, 0);
      case CLS.ST: return setMasks(m, i, 0, b(insn.dst), 0, 0);
      case CLS.STX: return setMasks(m, i, 0, b(insn.dst) | b(insn.src) | ((insn.code & 0xe0) === MODE.ATOMIC ? b(0) : 0), 0, 0);
      case CLS.LD:
        if (isLdimm64(insn)) return setMasks(m, i, b(insn.dst), 0, 0, 0);
        return setMasks(m, i, 0x3f, b(6) | b(insn.src), 0, 0);
      default: {
        const o = op(insn);
        if (o === JMP.EXIT) return setMasks(m, i, 0x7ff, b(0), 0, 0);
        if (o === JMP.JA || o === JMP.JCOND) return setMasks(m, i, 0, 0, 0, 0);
        if (o === JMP.CALL) {
          const kfunc = insn.src === CALL.KFUNC || this.prog.refs[i]?.kind === 'kfunc';
          if (kfunc) return setMasks(m, i, 0x3f, 0, 0, 0);
          if (insn.src !== CALL.HELPER) return setMasks(m, i, 0x3f, 0x3e, 0, 0);
          const info = helperInfo(insn.imm);
          let g = 0;
          for (const wr of info.writes ?? []) g |= b(wr.ptr) | (typeof wr.size === 'number' ? b(wr.size) : 0);
          if (info.retBoundedBy) g |= b(info.retBoundedBy);
          if (info.callback) g |= 0x3e;
          return setMasks(m, i, 0x3f, g, 0, 0);
        }
        if (c !== CLS.JMP && c !== CLS.JMP32) return setMasks(m, i, 0, 0x7ff, 0, 0);
        return setMasks(m, i, 0, b(insn.dst) | (x ? b(insn.src) : 0), 0, 0);
      }
    }
  }

  // ---- exploration ----------------------------------------------------------------------------------------------

  private explore(start: State, at: number): void {
    const pending: { st: State; idx: number }[] = [{ st: start, idx: at }];
    while (pending.length) {
      const { st, idx } = pending.pop()!;
      this.path(st, idx, pending);
      if (this.incomplete) return;
    }
  }

  /** Follows one path until it ends; undecided branches push their target. */
  private path(st: State, idx: number, pending: { st: State; idx: number }[]): void {
    for (;;) {
      if (idx < 0 || idx >= this.n) return this.endPath(st);
      if (++this.steps > this.maxSteps) {
        this.incomplete = true;
        return;
      }
      // (with SCC also a callback-calling call, where the callback returns; with AFTER_CALL the one after a call)
      if (this.prunePoint[idx] || this.callsCb[idx]! & this.extraPrune) {
        if (this.opts.equalStates || this.opts.exactNumbers) {
          const key = this.stateKey(st, idx);
          let set = this.seen.get(idx);
          if (!set) this.seen.set(idx, (set = new Set()));
          if (set.has(key)) return;
          set.add(key);
        } else if (this.visitState(st, idx)) {
          return this.endPath(st);
        }
      }
      this.visited[idx] = 1;
      if (this.counts) this.counts[idx]++;
      const insn = this.insns[idx]!;
      // each instruction checked once per walk (1: valid), not at every step
      const bad = this.valid[idx] === 1 ? undefined : invalid(insn);
      if (bad === undefined) this.valid[idx] = 1;
      else {
        // The kernel refuses such a program outright; nothing after it is modelled.
        this.malformed ??= `instruction ${idx} is not valid BPF (${bad}): the kernel refuses the program`;
        return this.endPath(st);
      }
      const ic = cls(insn);
      if (ic === CLS.JMP || ic === CLS.JMP32) this.jmps++;
      this.curSt = st;
      st.hist.push(idx * 32 + st.frames.length - 1);
      const next = this.step(st, idx, insn, pending);
      if (next === undefined) return this.endPath(st);
      idx = next;
    }
  }

  private frame(st: State): Frame {
    return st.frames[st.frames.length - 1]!;
  }

  /**
   * widen_imprecise_scalars() as prepare_func_exit() does it when a callback returns: against the state recorded at
   * the same call earlier on this path (find_prev_entry), every number neither marked precise there nor equal to it
   * becomes unknown, so that a callback counting something in its caller's memory converges (the kernel's own
   * example: ctx->i++ in a bpf_loop callback).
   */
  private widen(st: State, at: number): void {
    let old = st.cp;
    const nf = st.frames.length;
    const same = (c: Ckpt) => {
      if (c.idx !== at || c.frames.length !== nf || c.branches <= 0) return false;
      for (let k = 0; k < nf; k++) if (c.frames[k]!.callsite !== st.frames[k]!.callsite) return false;
      return true;
    };
    while (old && !same(old)) old = old.parent;
    if (!old) return;
    this.idsUsed = false;
    const exactReg = (a: Reg, b: Reg) => sameScalar(a.s, b.s) && a.ac === b.ac && a.delta === b.delta
      && (a.id === 0) === (b.id === 0) && (!a.id || this.sameId(a.id, b.id));
    for (let k = nf - 1; k >= 0; k--) {
      const of = old.frames[k]!;
      const cf = st.frames[k]!;
      const pr = old.all ? 0x7ff : old.pr[k]!;
      for (let r = 0; r < 11; r++) {
        const a = of.regs[r]!;
        const b = cf.regs[r]!;
        if (a.t !== 'sc' || b.t !== 'sc' || pr & (1 << r) || exactReg(a, b)) continue;
        cf.regs[r] = unknownReg();
      }
      const oa = of.stack.a;
      for (let spi = 0; spi < oa.length; spi++) {
        const sl = oa[spi];
        const cs = cf.stack.get(spi);
        if (!sl || !cs || tyAt(sl.ty, 7) !== SPILL || tyAt(cs.ty, 7) !== SPILL) continue;
        const precise = old.all || (old.ps[2 * k + (spi >> 5)]! & (1 << (spi & 31))) !== 0;
        if (sl.spill.t !== 'sc' || cs.spill.t !== 'sc' || precise || exactReg(sl.spill, cs.spill)) continue;
        cf.stack.set(spi, { ty: cs.ty, spill: unknownReg() });
      }
    }
  }

  /** A copy of the state for a path explored later: one more path in progress below its checkpoint. */
  private clone(st: State): State {
    if (st.cp) st.cp.branches++;
    return {
      frames: st.frames.map((f) => ({ regs: f.regs.slice(), stack: new Slots(f.stack), callsite: f.callsite, callback: f.callback, fid: f.fid })),
      cp: st.cp, hist: st.hist.slice(), wr: st.wr.slice(),
    };
  }

  /** Executes one instruction; returns the next index, or undefined when the path ends. */
  private step(st: State, idx: number, insn: Insn, pending: { st: State; idx: number }[]): number | undefined {
    const c = cls(insn);
    const regs = this.frame(st).regs;
    switch (c) {
      case CLS.ALU: case CLS.ALU64:
        this.alu(st, idx, insn, pending);
        return idx + 1;
      case CLS.LDX:
        this.load(st, idx, insn);
        return idx + 1;
      case CLS.ST: case CLS.STX:
        if ((insn.code & 0xe0) === MODE.ATOMIC) this.atomic(st, idx, insn);
        else this.store(st, idx, insn);
        return idx + 1;
      case CLS.LD:
        if (isLdimm64(insn)) {
          this.ldimm64(st, idx, insn);
          return idx + 2;
        }
        // LD_ABS / LD_IND: r0 gets packet data, r1-r5 are clobbered.
        for (let r = 1; r <= 5; r++) regs[r] = NOT_INIT;
        regs[0] = scalarReg(coerced(S.unknown(), sizeBytes(insn.code)));
        return idx + 1;
      default:
        return this.jump(st, idx, insn, pending);
    }
  }

  // ---- ALU ------------------------------------------------------------------------------------------------------

  private alu(st: State, idx: number, insn: Insn, pending: { st: State; idx: number }[]): void {
    const regs = this.frame(st).regs;
    const a64 = cls(insn) === CLS.ALU64;
    const o = op(insn);
    const dst = regs[insn.dst]!;
    if (o === ALU.MOV) {
      if (insn.code & SRC_X) {
        const src = regs[insn.src]!;
        if (a64) {
          if (insn.off === 0) {
            const s = this.linkForMove(st, insn.src, src);
            regs[insn.dst] = s;
          } else if (src.t === 'sc') {
            const noSext = S.umaxNum(src.s) < 2 ** (insn.off - 1);
            const from = noSext ? this.linkForMove(st, insn.src, src) : src;
            const s = S.clone(from.s);
            S.coerceSx(s, insn.off / 8);
            regs[insn.dst] = { ...from, s, id: noSext ? from.id : 0, delta: noSext ? from.delta : 0, ac: noSext ? from.ac : 0 };
          } else {
            regs[insn.dst] = src.t === 'any' ? anyReg() : unknownReg();
          }
        } else if (src.t === 'sc') {
          if (insn.off === 0) {
            const fits = S.regWidth(src.s) <= 32;
            const from = fits ? this.linkForMove(st, insn.src, src) : src;
            const s = S.clone(from.s);
            S.zext32(s);
            S.sync(s);
            regs[insn.dst] = { ...from, s, id: fits ? from.id : 0, delta: fits ? from.delta : 0, ac: fits ? from.ac : 0 };
          } else {
            const noSext = S.umaxNum(src.s) < 2 ** (insn.off - 1);
            const from = noSext ? this.linkForMove(st, insn.src, src) : src;
            const s = S.clone(from.s);
            S.coerceSubregSx(s, insn.off / 8);
            regs[insn.dst] = { ...from, s, id: noSext ? from.id : 0, delta: 0, ac: 0 };
          }
        } else {
          // A 32-bit copy of a pointer: the kernel (privileged) makes it an unknown number.
          const s = S.unknown();
          S.zext32(s);
          S.sync(s);
          regs[insn.dst] = src.t === 'any' ? anyReg() : scalarReg(s);
        }
      } else {
        regs[insn.dst] = knownReg(a64 ? insn.imm : insn.imm >>> 0);
      }
      return;
    }
    if (dst.t !== 'sc') {
      this.pointerAlu(st, insn, dst);
      return;
    }
    let src: S.Scalar;
    if (o === ALU.NEG || o === ALU.END) {
      src = dst.s;
    } else if (insn.code & SRC_X) {
      const sr = regs[insn.src]!;
      if (sr.t !== 'sc') {
        if (sr.t !== 'any' && sr.t !== 'ni') this.needPrecise(st, [insn.dst]);
        // scalar += pointer: the kernel turns it into pointer arithmetic; anything else is a number or an error.
        regs[insn.dst] = o === ALU.ADD && sr.t !== 'any' ? { ...sr, s: addOffset(sr.s, dst.s, a64) } : sr.t === 'any' ? anyReg() : unknownReg();
        return;
      }
      src = sr.s;
    } else {
      src = S.knownNum(insn.imm);
    }
    const d = S.clone(dst.s);
    if ((o === ALU.AND || o === ALU.OR) && S.isConst(src)) {
      const how = S.forkable(d);
      if (how) {
        // The kernel explores the 0 and the -1 case apart (maybe_fork_scalars); on Linux 6.18 the 0 case runs this
        // instruction again (0 | k is k: the semantics probe fork-or shows it).
        const other = this.clone(st);
        this.frame(other).regs[insn.dst] = { ...dst, s: S.forkAs(d, how, 0) };
        pending.push({ st: other, idx });
        S.assign(d, S.forkAs(d, how, -1));
      }
    }
    const dstU32 = d.umaxH === 0;
    const endSwap = o === ALU.END && (cls(insn) === CLS.ALU64 || ((insn.code & SRC_X) !== 0) === this.le);
    S.alu(d, src, o, !a64, insn.imm, endSwap);
    let id = 0;
    let delta = 0;
    let ac: 0 | 32 | 64 = 0;
    const srcConst = S.isConstW(src, !a64) && (insn.code & SRC_X ? true : true);
    if ((o === ALU.ADD || o === ALU.SUB) && dst.id && srcConst && (o === ALU.ADD || o === ALU.SUB)) {
      // the constant as a signed number (exact within the 32-bit range, the only one that links)
      const v = a64 ? S.constNum(src) : src.vL | 0;
      const ok = a64 ? v >= -0x80000000 && v <= 0x7fffffff : dstU32;
      if (ok && !dst.ac && !(o === ALU.SUB && v === -0x80000000)) {
        id = dst.id;
        delta = o === ALU.SUB ? -v : v;
        ac = a64 ? 64 : 32;
      }
    }
    regs[insn.dst] = { t: 'sc', s: d, id, delta, ac, fr: 0 };
  }

  /** Moving a scalar: the kernel gives the source an id first so the two stay linked. */
  private linkForMove(st: State, r: number, src: Reg): Reg {
    if (src.t !== 'sc') return src;
    let s = src;
    if (s.ac) s = { ...s, id: 0, delta: 0, ac: 0 };
    if (!s.id && !S.isConst(s.s)) s = { ...s, id: ++this.idGen };
    if (s !== src) this.frame(st).regs[r] = s;
    return s;
  }

  private pointerAlu(st: State, insn: Insn, dst: Reg): void {
    const regs = this.frame(st).regs;
    const o = op(insn);
    const a64 = cls(insn) === CLS.ALU64;
    if (dst.t === 'any' || dst.t === 'ni') {
      regs[insn.dst] = dst.t === 'ni' ? dst : anyReg();
      return;
    }
    let off: S.Scalar | undefined;
    if (insn.code & SRC_X) {
      const sr = regs[insn.src]!;
      // adjust_reg_min_max_vals(): the number added to (or taken from) a pointer is precise
      if (sr.t === 'sc') this.needPrecise(st, [insn.src]);
      if (sr.t === 'sc') off = sr.s;
      else if (o === ALU.SUB && sr.t !== 'any') {
        regs[insn.dst] = unknownReg(); // pointer - pointer: a number
        return;
      } else {
        regs[insn.dst] = anyReg();
        return;
      }
    } else {
      off = S.knownNum(insn.imm);
    }
    if (!a64 || (o !== ALU.ADD && o !== ALU.SUB) || dst.t === 'null') {
      // 32-bit or bitwise arithmetic on a pointer: the kernel refuses it; what follows is not modelled.
      regs[insn.dst] = anyReg();
      return;
    }
    const s = S.clone(dst.s);
    if (o === ALU.ADD) regs[insn.dst] = { ...dst, s: addOffset(s, off, true) };
    else {
      S.alu(s, off, S.OP.SUB, false);
      regs[insn.dst] = { ...dst, s };
    }
  }

  // ---- memory ---------------------------------------------------------------------------------------------------

  private scalarDeref(idx: number, reg: number): void {
    if (this.scalarDerefs.has(idx)) return;
    const e: VerifyError = { kind: 'scalar', insn: idx, reg, message: `R${reg} invalid mem access 'scalar'` };
    this.scalarDerefs.set(idx, e);
    this.error ??= e;
  }

  /**
   * check_mem_access() on memory that may be NULL (a bpf_dynptr_slice() or bpf_ringbuf_reserve() result not checked
   * yet): `R<n> invalid mem access '<type>_or_null'`. Other nullable pointers (map values, sockets) are not refused
   * here: their reads say nothing about CO-RE, and the walk stays silent where it has not been proven.
   */
  private nullDeref(idx: number, reg: number, base: Reg): boolean {
    if (!MEM_OR_NULL_DEREF || base.t !== 'null' || base.nn !== 'mem' || !base.memName) return false;
    this.error ??= { kind: 'null', insn: idx, reg, message: `R${reg} invalid mem access '${base.memName}_or_null'` };
    return true;
  }

  private load(st: State, idx: number, insn: Insn): void {
    const regs = this.frame(st).regs;
    const base = regs[insn.src]!;
    const size = sizeBytes(insn.code);
    const sx = (insn.code & 0xe0) === MODE.MEMSX;
    this.nullDeref(idx, insn.src, base);
    let out: Reg;
    switch (base.t) {
      case 'sc':
        this.scalarDeref(idx, insn.src);
        out = unknownReg();
        break;
      case 'stk':
        out = this.stackRead(st, base, insn.off, size, idx);
        break;
      case 'ctx':
        out = this.prog.ctx === 'plain' || (size < 8 && !this.packetField(base, insn.off, size) && namedProgramType(this.prog.section))
          || this.errorArg(base, insn.off, size) ? unknownReg() : anyReg();
        break;
      case 'mval':
        out = this.mapValueRead(base, insn.off, size, sx);
        break;
      case 'mem':
        out = unknownReg();
        break;
      case 'any':
        // memory of unknown kind may be a context whose 4-byte fields are packet pointers (a global function's
        // argument the walk cannot type): unknown, never a number to report a read through
        out = anyReg();
        break;
      default:
        out = size < 8 ? unknownReg() : anyReg();
    }
    if (out.t === 'sc' && size < 8) {
      const s = S.clone(out.s);
      if (sx) S.coerceSx(s, size);
      else S.coerce(s, size);
      out = { ...out, s };
    }
    regs[insn.dst] = out;
  }

  /**
   * A tp_btf argument the loading kernel types as a number because it may encode an error (btf_ctx_access's
   * raw_tp table, rawtp.ts): the whole 8-byte argument slot, read at its offset.
   */
  private errorArg(base: Reg, off: number, size: number): boolean {
    const args = this.prog.ctx === 'btf' && this.prog.attachTo && /^\??tp_btf\//.test(this.prog.section) ? this.opts.tpErrArgs?.get(this.prog.attachTo) : undefined;
    if (!args || size !== 8 || !S.isConst(base.s)) return false;
    const at = S.constNum(base.s) + off;
    return at % 8 === 0 && args.includes(at / 8);
  }

  /** A 4-byte context load the verifier rewrites into a packet pointer (skb->data, xdp->data_end...): not a number. */
  private packetField(base: Reg, off: number, size: number): boolean {
    if (size !== 4 || this.prog.ctx !== 'other') return false;
    const fields = packetFields(this.prog.section);
    return fields.size > 0 && S.isConst(base.s) && fields.has(S.constNum(base.s) + off);
  }

  private mapValueRead(base: Reg, off: number, size: number, sx: boolean): Reg {
    const kc = base.map?.startsWith('.kconfig:') ? this.opts.kconfig?.get(base.map.slice(9)) : undefined;
    const range = !kc && base.map?.startsWith('.kconfig:') ? this.opts.kconfigRange?.get(base.map.slice(9)) : undefined;
    if (range && S.isConst(base.s) && S.constUnsigned(base.s) + off === 0 && size >= 4 && range[0] >= 0n && range[1] < 0x80000000n) {
      // the real verifier reads one constant; any value of the range may be it, so a branch it does not decide forks
      return scalarReg(S.smallRange(Number(range[0]), Number(range[1])));
    }
    const sec = kc ? { frozen: true, bytes: kc } : base.map ? this.data.get(base.map) : undefined;
    if (!sec || !sec.frozen || !S.isConst(base.s)) return unknownReg();
    const at = S.constNum(base.s) + off;
    if (at < 0 || at + size > sec.bytes.length) return unknownReg();
    let v = 0n;
    for (let i = 0; i < size; i++) {
      const b = BigInt(sec.bytes[at + (this.le ? size - 1 - i : i)]!);
      v = (v << 8n) | b;
    }
    if (sx) v = BigInt.asIntN(size * 8, v);
    return knownRegBig(v);
  }

  private store(st: State, idx: number, insn: Insn): void {
    const regs = this.frame(st).regs;
    const base = regs[insn.dst]!;
    const size = sizeBytes(insn.code);
    const isSt = cls(insn) === CLS.ST;
    if (this.nullDeref(idx, insn.dst, base)) return;
    if (base.t === 'sc') {
      this.scalarDeref(idx, insn.dst);
      return;
    }
    if (base.t !== 'stk') return;
    const value = isSt ? undefined : regs[insn.src]!;
    this.stackWrite(st, base, insn.off, size, value, isSt ? insn.imm : undefined, idx, isSt ? -1 : insn.src);
  }

  private atomic(st: State, idx: number, insn: Insn): void {
    const regs = this.frame(st).regs;
    const base = regs[insn.dst]!;
    const size = sizeBytes(insn.code);
    if (base.t === 'sc') {
      this.scalarDeref(idx, insn.dst);
      return;
    }
    if (insn.imm !== ATOMIC.LOAD_ACQ && insn.imm !== ATOMIC.STORE_REL) this.nullDeref(idx, insn.dst, base);
    if (insn.imm === ATOMIC.LOAD_ACQ) {
      this.load(st, idx, { ...insn, dst: insn.src, src: insn.dst, code: (insn.code & 0x18) | CLS.LDX | MODE.MEM });
      return;
    }
    if (insn.imm === ATOMIC.STORE_REL) {
      this.store(st, idx, { ...insn, code: (insn.code & 0x18) | CLS.STX | MODE.MEM });
      return;
    }
    if (base.t === 'stk') {
      // read, then written (the kernel checks the access both ways)
      if (S.isConst(base.s)) {
        const at = S.constNum(base.s) + insn.off;
        this.markReadRange(st, base.fr, at, at + size);
      } else this.markReadRange(st, base.fr, S.sminNum(base.s) + insn.off, S.smaxNum(base.s) + insn.off + size);
      this.stackWrite(st, base, insn.off, size, undefined, undefined, idx);
    }
    if (insn.imm === ATOMIC.CMPXCHG) regs[0] = size < 8 ? scalarReg(coerced(S.unknown(), size)) : unknownReg();
    else if (insn.imm & ATOMIC.FETCH) regs[insn.src] = size < 8 ? scalarReg(coerced(S.unknown(), size)) : unknownReg();
  }

  private stackFrame(st: State, base: Reg): Frame | undefined {
    return st.frames[base.fr];
  }

  /** check_stack_read_fixed_off / check_stack_read_var_off. */
  private stackRead(st: State, base: Reg, off: number, size: number, idx: number): Reg {
    const fr = this.stackFrame(st, base);
    if (!fr) return unknownReg();
    if (!S.isConst(base.s)) {
      const lo = S.sminNum(base.s) + off;
      const hi = S.smaxNum(base.s) + off + size;
      this.markReadRange(st, base.fr, lo, hi);
      return this.zerosIn(fr, lo, hi) ? knownReg(0) : unknownReg();
    }
    const at = S.constNum(base.s) + off;
    if (at < -512 || at + size > 0) return unknownReg();
    this.markReadRange(st, base.fr, at, at + size);
    const slotIdx = -at - 1;
    const spi = Math.floor(slotIdx / 8);
    const slot = fr.stack.get(spi);
    if (!slot) return unknownReg();
    const ty = slot.ty;
    const byteOf = (i: number) => tyAt(ty, (slotIdx - i) % 8); // byte i of the access
    if (tyAt(ty, 7) === SPILL) {
      let spillSize = 1;
      for (let i = 7; i > 0 && tyAt(ty, i - 1) === SPILL; i--) spillSize++;
      const reg = slot.spill;
      if (size !== 8 || spillSize !== 8) {
        if (reg.t !== 'sc') return reg.t === 'any' ? (size < 8 ? unknownReg() : anyReg()) : unknownReg();
        const narrowOk = this.le ? at % 8 === 0 : (at - (spillSize - size)) % 8 === 0;
        if (size <= spillSize && narrowOk) {
          let src = reg;
          if (size === 4 && spillSize === 4 && S.regWidth(reg.s) <= 32) src = this.linkSpill(fr, spi, slot);
          let out: Reg = src;
          if (S.regWidth(src.s) > size * 8) out = { ...src, id: 0, delta: 0, ac: 0 };
          this.stackAccess(base.fr, spi);
          return out;
        }
        let spills = 0;
        let zeros = 0;
        for (let i = 0; i < size; i++) {
          const t = byteOf(i);
          if (t === SPILL) spills++;
          else if (t === ZERO) zeros++;
        }
        if (spills === size && S.isZero(reg.s)) {
          this.stackAccess(base.fr, spi); // "this IS register fill": the slot's value decided it
          return knownReg(0);
        }
        if (zeros === size) return knownReg(0);
        return unknownReg();
      }
      this.stackAccess(base.fr, spi);
      return this.linkSpill(fr, spi, slot);
    }
    let zeros = 0;
    for (let i = 0; i < size; i++) if (byteOf(i) === ZERO) zeros++;
    void idx;
    return zeros === size ? knownReg(0) : unknownReg();
  }

  /** A fill restores the spilled register; the kernel links the two (assign_scalar_id_before_mov). */
  private linkSpill(fr: Frame, spi: number, slot: Slot): Reg {
    let reg = slot.spill;
    if (reg.t !== 'sc') return reg;
    if (reg.ac) reg = { ...reg, id: 0, delta: 0, ac: 0 };
    if (!reg.id && !S.isConst(reg.s)) reg = { ...reg, id: ++this.idGen };
    if (reg !== slot.spill) fr.stack.set(spi, { ty: slot.ty, spill: reg });
    return reg;
  }

  private zerosIn(fr: Frame, lo: number, hi: number): boolean {
    for (let a = lo; a < hi; a++) {
      const slotIdx = -a - 1;
      const slot = fr.stack.get(Math.floor(slotIdx / 8));
      if (!slot || tyAt(slot.ty, slotIdx % 8) !== ZERO) return false;
    }
    return hi > lo;
  }

  /** check_stack_write_fixed_off / check_stack_write_var_off. `value` undefined: an unknown write (helper, atomic). */
  private stackWrite(st: State, base: Reg, off: number, size: number, value: Reg | undefined, imm: number | undefined,
    idx: number, valueRegNo = -1): void {
    const fr = this.stackFrame(st, base);
    if (!fr) return;
    void idx;
    if (!S.isConst(base.s)) {
      const lo = S.sminNum(base.s) + off;
      const hi = S.smaxNum(base.s) + off + size;
      const zero = (value && value.t === 'sc' && S.isZero(value.s)) || imm === 0;
      // check_stack_write_var_off(): STACK_ZERO from a register's value makes that value precise
      if (zero && value && valueRegNo >= 0) this.needPrecise(st, [valueRegNo]);
      for (let a = lo; a < hi && a < 0; a++) {
        if (a < -512) continue;
        const slotIdx = -a - 1;
        const spi = Math.floor(slotIdx / 8);
        const slot = fr.stack.get(spi) ?? EMPTY;
        const b = slotIdx % 8;
        if (zero && tyAt(slot.ty, b) === SPILL && tyAt(slot.ty, 7) === SPILL && slot.spill.t === 'sc' && S.isZero(slot.spill.s)) continue;
        const nt = zero && tyAt(slot.ty, b) === ZERO ? ZERO : MISC;
        fr.stack.set(spi, { ty: withTy(slot.ty, b, nt), spill: NOT_INIT });
      }
      return;
    }
    const at = S.constNum(base.s) + off;
    if (at < -512 || at + size > 0) return;
    const slotIdx = -at - 1;
    const spi = Math.floor(slotIdx / 8);
    const old = fr.stack.get(spi) ?? EMPTY;
    const aligned = at % 8 === 0;
    // REG_LIVE_WRITTEN: only a write of the whole slot screens later reads from what was there before
    if (size === 8 && aligned && !this.opts.equalStates && !this.opts.exactNumbers) st.wr[2 * base.fr + (spi >> 5)] |= 1 << (spi & 31);
    const spillOf = (reg: Reg): Slot => {
      let ty = old.ty;
      for (let i = 8; i > 8 - size; i--) ty = withTy(ty, i - 1, SPILL);
      for (let i = 8 - size; i > 0; i--) {
        const t = tyAt(ty, i - 1);
        if (t !== ZERO && t !== INVALID) ty = withTy(ty, i - 1, MISC);
      }
      return { ty, spill: reg };
    };
    if (value && aligned && value.t === 'sc') {
      const fits = S.regWidth(value.s) <= 8 * size;
      // A register spilled whole stays linked with its slot: the kernel gives it an id first.
      const v = fits && valueRegNo >= 0 ? this.linkForMove(st, valueRegNo, value) : value;
      fr.stack.set(spi, spillOf(fits ? v : { ...v, id: 0, delta: 0, ac: 0 }));
      this.stackAccess(base.fr, spi);
      return;
    }
    if (!value && imm !== undefined && aligned) {
      fr.stack.set(spi, spillOf(knownReg(imm)));
      this.stackAccess(base.fr, spi);
      return;
    }
    if (value && value.t !== 'sc' && value.t !== 'ni' && value.t !== 'any') {
      if (size !== 8) return; // "invalid size of register spill": the kernel refuses, not modelled further
      fr.stack.set(spi, spillOf(value));
      return;
    }
    if (value && value.t === 'any' && size === 8 && aligned) {
      fr.stack.set(spi, spillOf(value));
      return;
    }
    const zero = (value && value.t === 'sc' && S.isZero(value.s)) || (!value && imm === 0);
    // check_stack_write_fixed_off(): STACK_ZERO from a register's value makes that value precise
    if (zero && value && valueRegNo >= 0) this.needPrecise(st, [valueRegNo]);
    // A plain write destroys a spilled register; bytes not written keep their type (as in the kernel).
    let ty = old.ty;
    for (let i = 0; i < size; i++) ty = withTy(ty, (slotIdx - i) % 8, zero ? ZERO : MISC);
    fr.stack.set(spi, { ty, spill: NOT_INIT });
  }

  /**
   * A helper writing `size` bytes at a fixed stack offset: what the kernel's byte-by-byte check_mem_access(BPF_WRITE)
   * of each byte does, slot by slot (each touched slot loses its spilled register, its written bytes become data).
   */
  private helperWrite(st: State, base: Reg, size: number): void {
    const fr = this.stackFrame(st, base);
    if (!fr) return;
    const start = S.constNum(base.s);
    for (let a = start; a < start + size; ) {
      if (a < -512 || a >= 0) {
        a++;
        continue;
      }
      const slotIdx = -a - 1;
      const spi = Math.floor(slotIdx / 8);
      const slotStart = -(spi + 1) * 8; // lowest address of the slot
      const upto = Math.min(start + size, slotStart + 8);
      const old = fr.stack.get(spi) ?? EMPTY;
      let ty = old.ty;
      for (let b = a; b < upto; b++) ty = withTy(ty, (-b - 1) % 8, MISC);
      fr.stack.set(spi, { ty, spill: NOT_INIT });
      a = upto;
    }
  }


  // ---- ldimm64 ----------------------------------------------------------------------------------------------------

  private ldimm64(st: State, idx: number, insn: Insn): void {
    const regs = this.frame(st).regs;
    const ref: InsnRef | undefined = this.prog.refs[idx];
    const second = this.insns[idx + 1];
    if (ref?.kind === 'map' || insn.src === PSEUDO.MAP_FD || insn.src === PSEUDO.MAP_IDX) {
      regs[insn.dst] = ptrReg('mptr', { map: ref?.kind === 'map' ? ref.name : undefined });
      return;
    }
    if (ref?.kind === 'data') {
      regs[insn.dst] = ptrReg('mval', { map: ref.section, s: S.knownNum(ref.offset) });
      return;
    }
    if (ref?.kind === 'kconfig') {
      regs[insn.dst] = ptrReg('mval', { map: `.kconfig:${ref.name}` });
      return;
    }
    if (ref?.kind === 'ksym') {
      const exists = this.opts.hasKsym?.(ref.name);
      if (exists === false) {
        // An unresolved weak extern: libbpf writes 0 (a missing one that is not weak fails the load).
        regs[insn.dst] = knownReg(0);
      } else if (exists === undefined) {
        regs[insn.dst] = ref.typed ? anyReg() : unknownReg();
      } else if (ref.func) {
        regs[insn.dst] = ptrReg('mem'); // PTR_TO_MEM | MEM_RDONLY: never NULL
      } else {
        // Typed: a BTF pointer the verifier cannot assume non-NULL; untyped: the symbol's (non-zero) address.
        regs[insn.dst] = ref.typed ? anyReg() : knownRegBig(KSYM_ADDRESS);
      }
      return;
    }
    if (ref?.kind === 'func' || insn.src === PSEUDO.FUNC) {
      regs[insn.dst] = ptrReg('fn', { fn: ref?.kind === 'func' ? ref.target : idx + insn.imm + 1 });
      return;
    }
    if (insn.src === PSEUDO.BTF_ID) {
      regs[insn.dst] = anyReg();
      return;
    }
    const v = (BigInt(second?.imm ?? 0) << 32n) | BigInt(insn.imm >>> 0);
    regs[insn.dst] = knownRegBig(v);
  }

  // ---- jumps and calls ------------------------------------------------------------------------------------------

  private jump(st: State, idx: number, insn: Insn, pending: { st: State; idx: number }[]): number | undefined {
    const o = op(insn);
    switch (o) {
      case JMP.EXIT: return this.exit(st);
      case JMP.CALL: return this.call(st, idx, insn, pending);
      case JMP.JA: return jumpTarget(insn, idx);
      case JMP.JCOND: {
        // may_goto: the kernel explores the fall-through later and follows the jump first.
        pending.push({ st: this.clone(st), idx: idx + 1 });
        return idx + insn.off + 1;
      }
      default: return this.cond(st, idx, insn, pending);
    }
  }

  private exit(st: State): number | undefined {
    if (st.frames.length === 1) return undefined;
    const callee = st.frames.pop()!;
    st.wr.length -= 2;
    // a synchronous callback goes back to the helper call that ran it (SCC: which may run it again); r0 stays
    if (callee.callback) {
      if (!this.sccOn) return undefined;
      this.widen(st, callee.callsite);
      return callee.callsite;
    }
    const caller = this.frame(st);
    caller.regs[0] = callee.regs[0]!;
    return callee.callsite + 1;
  }

  private call(st: State, idx: number, insn: Insn, pending: { st: State; idx: number }[]): number | undefined {
    const regs = this.frame(st).regs;
    // A call to an extern is a kernel function call whatever clang wrote in src_reg (clang 14 emits extern calls as
    // `call -1` with src_reg 1, a BPF-to-BPF call to itself; libbpf rewrites them to BPF_PSEUDO_KFUNC_CALL).
    if (insn.src === CALL.PSEUDO && this.prog.refs[idx]?.kind !== 'kfunc') {
      const ref = this.prog.refs[idx];
      const target = ref?.kind === 'call' ? ref.target : idx + insn.imm + 1;
      const fk = this.funcOf[target] ?? -1;
      const f = fk >= 0 ? this.prog.funcs[fk] : undefined;
      if (f?.global) {
        if (!this.globalsQueued.includes(fk)) this.globalsQueued.push(fk);
        for (let r = 0; r <= 5; r++) regs[r] = NOT_INIT;
        regs[0] = unknownReg();
        return idx + 1;
      }
      if (st.frames.length >= 8) return undefined; // the kernel refuses deeper call chains
      const calleeRegs: Reg[] = new Array(11).fill(NOT_INIT);
      for (let r = 1; r <= 5; r++) calleeRegs[r] = regs[r]!;
      calleeRegs[10] = ptrReg('stk', { fr: st.frames.length });
      for (let r = 0; r <= 5; r++) regs[r] = NOT_INIT;
      st.frames.push({ regs: calleeRegs, stack: new Slots(), callsite: idx, callback: false, fid: ++this.fidGen });
      st.wr.push(0, 0);
      return target;
    }
    if (insn.src === CALL.KFUNC || this.prog.refs[idx]?.kind === 'kfunc') {
      const ref = this.prog.refs[idx];
      const ret = ref?.kind === 'kfunc' ? ref.returns : 'scalar';
      for (let r = 0; r <= 5; r++) regs[r] = NOT_INIT;
      regs[0] = ret === 'void' ? NOT_INIT : ref?.kind === 'kfunc' && ref.mem ? ptrReg('null', { nn: 'mem', id: ++this.idGen, memName: ref.mem })
        : ret === 'pointer' ? anyReg() : unknownReg();
      return idx + 1;
    }
    if (insn.imm === POISON_IMM && insn.src === CALL.HELPER) {
      this.reachedPoison.add(idx);
      this.error ??= { kind: 'core', insn: idx, message: 'invalid func unknown#195896080' };
      // The kernel stops here. To tell which other poisoned instructions are reachable (not only guarded), the
      // walk goes on with what the instruction was, its relocated value unknown.
      const orig = this.original[idx];
      if (!orig || (orig.code === insn.code && orig.imm === POISON_IMM) || invalid(orig)) return undefined;
      const c = cls(orig);
      if (isLdimm64(orig) || ((c === CLS.ALU || c === CLS.ALU64) && op(orig) === ALU.MOV && !(orig.code & SRC_X))) {
        regs[orig.dst] = unknownReg();
        return idx + (isLdimm64(orig) ? 2 : 1);
      }
      return this.step(st, idx, orig, pending);
    }
    const limit = this.opts.helperLimit;
    if (limit !== undefined && insn.src === CALL.HELPER && insn.imm >= limit) {
      // libbpf (bpf_object__sanitize_prog) turns probe_read_{user,kernel}[_str] into probe_read[_str] on a kernel
      // without them (its FEAT_PROBE_READ_KERN probe): same arguments, same effects, so the walk goes on unchanged.
      // Any other id past the kernel's table is check_helper_call()'s `invalid func unknown#<id>`: the kernel stops;
      // the walk goes on as if the helper existed, to find the poisoned relocations behind it too (see above).
      if (!SANITIZED_PROBE_READS.has(insn.imm)) {
        this.error ??= { kind: 'helper', insn: idx, message: `invalid func unknown#${insn.imm}` };
      }
    }
    return this.helper(st, idx, insn, pending);
  }

  private helper(st: State, idx: number, insn: Insn, pending: { st: State; idx: number }[]): number | undefined {
    const regs = this.frame(st).regs;
    const info = helperInfo(insn.imm);
    // check_mem_size_reg(): a size argument is precise (what the helper writes and returns is bounded by it)
    const sizes: number[] = [];
    for (const wr of info.writes ?? []) if (typeof wr.size === 'number' && regs[wr.size]!.t === 'sc') sizes.push(wr.size);
    if (info.retBoundedBy && regs[info.retBoundedBy]!.t === 'sc') sizes.push(info.retBoundedBy);
    if (sizes.length) this.needPrecise(st, sizes);
    // Memory the helper writes: those stack bytes become unknown data (check_mem_access of each byte).
    for (const wr of info.writes ?? []) {
      const p = regs[wr.ptr]!;
      if (p.t !== 'stk') continue;
      let size: number;
      if (wr.size === 'long') size = 8;
      else if (wr.size === 'int') size = 4;
      else {
        const sz = regs[wr.size]!;
        if (sz.t !== 'sc') continue;
        size = Math.min(S.umaxNum(sz.s), 512);
      }
      if (S.isConst(p.s)) this.helperWrite(st, p, size);
      else for (let i = 0; i < size; i++) this.stackWrite(st, p, i, 1, undefined, undefined, idx);
    }
    let retBound: S.Scalar | undefined;
    if (info.retBoundedBy) {
      const sz = regs[info.retBoundedBy]!;
      retBound = sz.t === 'sc' ? sz.s : undefined;
    }
    if (info.callback) this.pushCallback(st, idx, info.callback, pending);
    for (let r = 1; r <= 5; r++) regs[r] = NOT_INIT;
    let r0: Reg;
    switch (info.ret) {
      case 'void': r0 = NOT_INIT; break;
      case 'nullable-map-value': r0 = ptrReg('null', { nn: 'mval', id: ++this.idGen }); break;
      case 'nullable-mem': r0 = ptrReg('null', { nn: 'mem', id: ++this.idGen, memName: info.memName }); break;
      case 'nullable-ptr': r0 = ptrReg('null', { nn: 'any', id: ++this.idGen }); break;
      case 'ptr': r0 = ptrReg('mem'); break;
      case 'btf': r0 = ptrReg('btf', { trusted: true }); break;
      default: {
        if (retBound !== undefined) {
          r0 = scalarReg(S.boundedReturn(retBound));
        } else if (insn.imm === HELPER.GET_SMP_PROCESSOR_ID) {
          const s = S.unknown();
          S.setSmallRange(s, 0, this.opts.nrCpuIds - 1);
          S.settle(s);
          r0 = scalarReg(s);
        } else {
          r0 = unknownReg(); // the shared one: no number and register allocated per helper call
        }
      }
    }
    regs[0] = r0;
    return idx + 1;
  }

  /** A callback runs as a frame of its own: explored after the caller's path (the kernel queues it likewise). */
  private pushCallback(st: State, idx: number, cb: { reg: number; async?: boolean; args: readonly CallbackArg[] },
    pending: { st: State; idx: number }[]): void {
    const regs = this.frame(st).regs;
    const fnReg = regs[cb.reg]!;
    if (fnReg.t !== 'fn' || fnReg.fn === undefined) return;
    const calleeRegs: Reg[] = new Array(11).fill(NOT_INIT);
    cb.args.forEach((a, k) => {
      const r = k + 1;
      if (typeof a === 'object') calleeRegs[r] = regs[a.from]!;
      else if (a === 'scalar') calleeRegs[r] = unknownReg();
      else if (a === 'map-value') calleeRegs[r] = ptrReg('mval');
      else calleeRegs[r] = anyReg();
    });
    let cbState: State;
    if (cb.async) {
      if (st.cp) st.cp.branches++;
      cbState = { frames: [], cp: st.cp, hist: st.hist.slice(), wr: [] };
    } else {
      cbState = this.clone(st);
    }
    cbState.hist.push(idx * 32 + cbState.frames.length, H_CB);
    calleeRegs[10] = ptrReg('stk', { fr: cbState.frames.length });
    cbState.frames.push({ regs: calleeRegs, stack: new Slots(), callsite: idx, callback: true, fid: ++this.fidGen });
    cbState.wr.push(0, 0);
    pending.push({ st: cbState, idx: fnReg.fn });
  }

  private cond(st: State, idx: number, insn: Insn, pending: { st: State; idx: number }[]): number {
    const regs = this.frame(st).regs;
    const o = op(insn);
    const w32 = cls(insn) === CLS.JMP32;
    const isX = (insn.code & SRC_X) !== 0;
    const dst = regs[insn.dst]!;
    const src: Reg = isX ? regs[insn.src]! : knownReg(insn.imm);
    const target = jumpTarget(insn, idx);
    if (dst.t === 'sc' && (dst.id || (isX && src.t === 'sc' && src.id))) this.linkedAt(st, dst.id, isX && src.t === 'sc' ? src.id : 0);
    const pred = this.branchTaken(dst, src, o, w32, isX && insn.src === insn.dst);
    if (pred !== -1) {
      // check_cond_jmp_op(): a branch decided by a number's value makes that value precise
      const want: number[] = [];
      if (dst.t === 'sc') want.push(insn.dst);
      if (isX && src.t === 'sc') want.push(insn.src);
      if (want.length) this.needPrecise(st, want);
    }
    if (pred === 1) return target;
    if (pred === 0) return idx + 1;

    const other = this.clone(st);
    const oregs = this.frame(other).regs;
    if (dst.t === 'sc' && src.t === 'sc' && !(isX && insn.src === insn.dst)) {
      const fd = S.clone(dst.s);
      const fs = S.clone(src.s);
      S.refine(fd, fs, S.revOp(o), w32);
      S.settle(fd);
      S.settle(fs);
      const td = S.clone(dst.s);
      const ts = S.clone(src.s);
      S.refine(td, ts, o, w32);
      S.settle(td);
      S.settle(ts);
      regs[insn.dst] = { ...dst, s: fd };
      oregs[insn.dst] = { ...dst, s: td };
      if (isX) {
        regs[insn.src] = { ...regs[insn.src]!, s: fs };
        oregs[insn.src] = { ...oregs[insn.src]!, s: ts };
        if (src.id) {
          this.syncLinked(st, regs[insn.src]!);
          this.syncLinked(other, oregs[insn.src]!);
        }
      }
      if (dst.id) {
        this.syncLinked(st, regs[insn.dst]!);
        this.syncLinked(other, oregs[insn.dst]!);
      }
    }
    if (!w32 && !isX && insn.imm === 0 && (o === JMP.JEQ || o === JMP.JNE) && dst.t === 'null') {
      this.markNull(st, dst.id, o === JMP.JNE);
      this.markNull(other, dst.id, o === JMP.JEQ);
    }
    pending.push({ st: other, idx: target });
    return idx + 1;
  }

  /** The kernel's is_branch_taken(): numbers by their bounds, a pointer against 0 when it cannot be NULL. */
  private branchTaken(a: Reg, b: Reg, o: number, w32: boolean, same: boolean): number {
    const op2 = o as number;
    const isPtr = (r: Reg) => r.t !== 'sc' && r.t !== 'any' && r.t !== 'ni';
    if (isPtr(a) || isPtr(b)) {
      let p = a;
      let k = b;
      let oo = op2;
      if (!(k.t === 'sc' && S.isConstW(k.s, w32))) {
        [p, k] = [b, a];
        oo = S.flipOp(oo);
      }
      if (!(k.t === 'sc' && S.isConstW(k.s, w32))) return -1;
      if (!notNull(p)) return -1;
      if (w32 ? k.s.vL !== 0 : !S.isZero(k.s)) return -1;
      return oo === JMP.JEQ ? 0 : oo === JMP.JNE ? 1 : -1;
    }
    if (a.t !== 'sc' || b.t !== 'sc') return -1;
    return S.scalarBranchTaken(a.s, b.s, op2, w32, same);
  }

  /** sync_linked_regs(): every register and spilled slot sharing the id learns the narrowed range. */
  private syncLinked(st: State, known: Reg): void {
    const id = known.id;
    const apply = (reg: Reg): Reg | undefined => {
      if (reg.t !== 'sc' || reg.id !== id || reg === known) return undefined;
      if ((!reg.ac && !known.ac) || reg.delta === known.delta) return { ...known, id: reg.id, delta: reg.delta, ac: reg.ac };
      const s = S.clone(known.s);
      S.alu(s, S.knownNum(reg.delta - known.delta), S.OP.ADD, false);
      if (known.ac === 32) {
        S.zext32(s);
        S.sync(s);
      }
      return { ...reg, s };
    };
    for (const f of st.frames) {
      for (let r = 0; r < 10; r++) {
        const nr = apply(f.regs[r]!);
        if (nr) f.regs[r] = nr;
      }
      const sa = f.stack.a;
      for (let spi = 0; spi < sa.length; spi++) {
        const slot = sa[spi];
        if (!slot || tyAt(slot.ty, 7) !== SPILL) continue;
        const nr = apply(slot.spill);
        if (nr) f.stack.set(spi, { ty: slot.ty, spill: nr });
      }
    }
  }

  /** mark_ptr_or_null_regs(): after `if (p == NULL)`, every copy of p is NULL on one side, the object on the other. */
  private markNull(st: State, id: number, isNull: boolean): void {
    const fix = (reg: Reg): Reg | undefined => {
      if (reg.t !== 'null' || reg.id !== id) return undefined;
      return isNull ? knownReg(0) : { ...reg, t: reg.nn ?? 'any', id: 0, nn: undefined };
    };
    for (const f of st.frames) {
      for (let r = 0; r < 10; r++) {
        const nr = fix(f.regs[r]!);
        if (nr) f.regs[r] = nr;
      }
      const sa = f.stack.a;
      for (let spi = 0; spi < sa.length; spi++) {
        const slot = sa[spi];
        if (!slot) continue;
        const nr = fix(slot.spill);
        if (nr) f.stack.set(spi, { ty: slot.ty, spill: nr });
      }
    }
  }

  // ---- pruning: the kernel's is_state_visited() with on-demand precision ---------------------------------------
  //
  // Why inclusion with precision keeps "the first error met" the kernel's: a state is pruned only against a recorded
  // state whose paths are all explored (branches 0) and that covers it: same types, pointers, stack slot kinds and call
  // chain (the bucket key), and every number the recorded state's paths ever needed the value of (precise) holds a
  // subset of the recorded values (range_within + tnum_in, ids consistent: check_scalar_ids). A number nothing below
  // the recorded state looked at can be any number: the paths below the new state then take the same branches, meet
  // the same instructions and the same errors as those below the recorded one, which were already walked. So pruning
  // skips only paths with nothing new on them, and the first error in depth-first order is the one of the walk that
  // prunes nothing, the kernel's too (it prunes the same way, with its precision a superset of what this walk's
  // verdicts depend on for the errors modelled here). What "looked at" means is exactly the places below that call
  // needPrecise(): a branch decided by a value (check_cond_jmp_op), a number added to a pointer
  // (adjust_reg_min_max_vals), a helper's size argument (check_mem_size_reg), a zero written to the stack as
  // STACK_ZERO; backtracking (backtrack_insn over the path's history) carries the need back to the registers and stack
  // slots the value came from, into every recorded state of the path (mark_chain_precision), and a pruned state
  // hands the recorded state's precise numbers to its own path (propagate_precision). A recorded state still being
  // explored (a loop back to it) only prunes an equal state (the walk before: numbers needOf() rules out count as
  // equal), and then every number of the pruned state becomes precise on its path: its future is the one still
  // being walked, whose needs are not known yet. The stack the same way: a recorded state compares only the slots
  // some path below it read before writing them whole (read marks carried up the path's recorded states as the
  // kernel's mark_reg_read does, stopped by a whole-slot write of the segment; a pruned state takes the read marks of
  // the state that covers it, propagate_liveness): a slot nothing below reads cannot change what happens there.

  /** is_state_visited(): true when a recorded state covers this one (the path ends); else records it. */
  private visitState(st: State, idx: number): boolean {
    // The kernel records a new state only when the walk has gone at least 2 jumps and 8 instructions since it last
    // recorded one (fewer states to compare and copy; a state not recorded only prunes less). Its eviction of states
    // that keep failing to prune is followed with a wider margin (EVICT).
    const sinceJmps = this.jmps - this.prevJmps;
    const sinceSteps = this.steps - this.prevSteps;
    const cbCall = this.sccOn && (this.callsCb[idx]! & 1) === 1;
    const force = cbCall || (this.insns[idx] !== undefined && cls(this.insns[idx]!) === CLS.JMP && op(this.insns[idx]!) === JMP.JCOND);
    let addNew = force || (sinceJmps >= 2 && sinceSteps >= 8);
    let byKey = this.explored.get(idx);
    // nothing recorded here and nothing to record: no bucket key to build (most prune points after a call)
    if (!byKey && !addNew) return false;
    const key = this.bucketHash(st, idx);
    let bucket = byKey?.get(key);
    while (bucket && !this.sameBucket(bucket.rep, st, idx)) bucket = bucket.next;
    if (!bucket && !addNew) return false;
    const list = bucket ? bucket.list : [];
    const exact = !!this.opts.exactNumbers;
    let kept = 0;
    for (let li = 0; li < list.length; li++) {
      const old = list[li]!;
      if (old.branches > 0 && cbCall) {
        // calls_callback(): the callback came back to its call; covered by range, its iterations converged
        if (this.covers(old, st, idx, false, true)) {
          this.hitBy(old, st, idx, true);
          if (kept < li) list.splice(kept, li - kept);
          return true;
        }
        if (!force && sinceJmps < 20 && sinceSteps < 100) addNew = false;
      } else if (old.branches > 0) {
        if (this.covers(old, st, idx, true)) {
          old.hit++;
          if (!exact) this.backtrack(st, this.allScalars(st, idx), false);
          // its future is still being walked: any slot may be read there
          for (let k = 0; k < st.frames.length; k++) this.markReadAll(st, k);
          if (kept < li) list.splice(kept, li - kept);
          return true;
        }
        // a loop: its iterations differ, record one only now and then
        if (!force && sinceJmps < 20 && sinceSteps < 100) addNew = false;
      } else {
        // incomplete_read_marks(): inside a component still explored after a backedge, everything by range
        const loop = !exact && this.sccOn && !!old.visit && old.visit.backedges.length > 0;
        if (this.covers(old, st, idx, exact, loop)) {
          this.hitBy(old, st, idx, loop);
          if (kept < li) list.splice(kept, li - kept);
          return true;
        }
      }
      // a miss (counted only when a state will be recorded here: a loop's iterations do not evict the early ones)
      if (this.opts.evict ?? EVICT) {
        if (addNew) old.miss++;
        // (only from a long bucket: a short one costs little to scan and its states prune the common programs)
        if (list.length > EVICT_MIN && old.miss > old.hit * EVICT_N + EVICT_N) continue; // evicted: not kept
      }
      list[kept++] = old;
    }
    list.length = kept;
    if (!addNew) return false;
    this.prevJmps = this.jmps;
    this.prevSteps = this.steps;
    this.states++;
    const c: Ckpt = {
      parent: st.cp, idx, hist: st.hist, branches: 1, all: false,
      frames: st.frames.map((f) => ({ regs: f.regs.slice(), stack: new Slots(f.stack), callsite: f.callsite, callback: f.callback, fid: f.fid })),
      pr: st.frames.map(() => 0), ps: new Array(2 * st.frames.length).fill(0),
      rd: new Array(st.wr.length).fill(0), wr: st.wr, hit: 0, miss: 0,
    };
    if (bucket) list.push(c);
    else {
      if (!byKey) this.explored.set(idx, (byKey = new Map()));
      // a new bucket; its first state's frames (never changed once recorded) stand for its key
      list.push(c);
      byKey.set(key, { rep: c.frames, list, next: byKey.get(key) });
    }
    if (this.sccOn) {
      // maybe_enter_scc(): the first state recorded in a component's visit is its entry
      const chain = this.callchain(st, idx);
      if (chain !== undefined) {
        let v = this.visits.get(chain);
        if (!v) this.visits.set(chain, (v = { backedges: [] }));
        v.entry ??= c;
        c.visit = v;
      }
    }
    st.cp = c;
    st.hist = [];
    st.wr = new Array(st.wr.length).fill(0);
    return false;
  }

  /**
   * A state covered by `old` ends its path: the numbers `old` needed precise are needed on this path too
   * (propagate_precision) and what is read below `old` is read below it (propagate_liveness); loop: pruned by range
   * inside a component still being explored, a backedge whose precision is settled when the component's visit ends.
   */
  private hitBy(old: Ckpt, st: State, idx: number, loop: boolean): void {
    old.hit++;
    if (!this.opts.exactNumbers) this.backtrack(st, this.preciseOf(old, st, idx), false);
    for (let w = 0; w < old.rd.length; w++) {
      for (let m = old.rd[w]!; m; m &= m - 1) this.markRead(st, w >> 1, ((w & 1) << 5) + (31 - Math.clz32(m & -m)));
    }
    if (loop && old.visit) old.visit.backedges.push({ st, old, idx });
  }

  /**
   * compute_scc_callchain(): the call sites from the entry frame to the first frame whose instruction (the top
   * frame's idx, a lower one's call) is in a component, and that component; undefined when none is.
   */
  private callchain(st: State, idx: number): string | undefined {
    let key = '';
    const cur = st.frames.length - 1;
    for (let k = 0; k <= cur; k++) {
      const at = k === cur ? idx : st.frames[k + 1]!.callsite;
      const c = this.scc[at]!;
      if (c) return key + c;
      if (k === cur) return undefined;
      key += `${at},`;
    }
    return undefined;
  }

  /** A path ended: its checkpoints with no other path in progress below them are fully explored (update_branch_counts). */
  private endPath(st: State): void {
    for (let c = st.cp; c; c = c.parent) {
      if (--c.branches > 0) break;
      if (c.visit && c.visit.entry === c) this.exitScc(c.visit);
    }
  }

  /**
   * maybe_exit_scc(): the component's entry is fully explored; the precision the states that pruned its backedges
   * ended with is carried up the backedges' paths until nothing changes (propagate_backedges), and its states compare
   * by precision again.
   */
  private exitScc(v: SccVisit): void {
    v.entry = undefined;
    const bes = v.backedges;
    v.backedges = [];
    if (this.opts.exactNumbers) return;
    for (let round = 0; round < 1000; round++) {
      const before = precMarks;
      for (const be of bes) this.backtrack(be.st, this.preciseOf(be.old, be.st, be.idx), false);
      if (precMarks === before) break;
    }
  }

  /** Registers live in frame k at idx (as stateKey keys them). */
  private liveMask(st: State, k: number, idx: number): number {
    return k === st.frames.length - 1 ? this.liveIn[idx]! : (this.liveIn[st.frames[k + 1]!.callsite + 1]! & 0x3c0);
  }

  /** Registers of frame k at idx whose value needOf() says may matter. */
  private needMask(st: State, k: number, idx: number): number {
    if (this.opts.exactNumbers) return 0x7ff;
    return k === st.frames.length - 1 ? this.needIn[idx]! : this.needIn[st.frames[k + 1]!.callsite + 1]!;
  }

  /**
   * states_equal(): whether `old` (same bucket key as `cur`) covers `cur`. exact: every number needOf() keeps must be
   * equal; else only the precise ones, and those within (regsafe: range_within && tnum_in, check_scalar_ids).
   */
  private covers(old: Ckpt, cur: State, idx: number, exact: boolean, range = false): boolean {
    this.compares++;
    this.idsUsed = false;
    this.idFresh = 0;
    const nf = old.frames.length;
    if (range) return this.coversByRange(old, cur);
    for (let k = 0; k < nf; k++) {
      const of = old.frames[k]!;
      const cf = cur.frames[k]!;
      const live = this.liveMask(cur, k, idx);
      const need = this.needMask(cur, k, idx);
      const pr = old.all ? 0x7ff : old.pr[k]!;
      const look = exact ? live & need : live & need & pr;
      for (let r = 0; r < 10; r++) {
        if (!(look & (1 << r))) continue;
        const a = of.regs[r]!;
        if (a.t === 'sc' && !this.sameNum(a, cf.regs[r]!, exact)) return false;
      }
      if (exact) {
        // a state still being explored: the whole stack, every number by its value
        const oa = of.stack.a;
        const ca = cf.stack.a;
        for (let spi = 0; spi < oa.length; spi++) {
          const sl = oa[spi];
          if (!sl) continue;
          const cs = ca[spi] ?? EMPTY;
          if (sl.ty !== cs.ty) return false;
          if (tyAt(sl.ty, 7) === SPILL && !(sl.spill.t === 'sc' ? cs.spill.t === 'sc' && this.sameNum(sl.spill, cs.spill, true) : this.samePtr(sl.spill, cs.spill))) return false;
        }
        for (let spi = 0; spi < ca.length; spi++) if (ca[spi] && ca[spi]!.ty !== 0 && !oa[spi]) return false;
        continue;
      }
      // stacksafe(): only the slots read below `old` (rd), byte by byte; an uninitialized or MISC byte of `old` covers
      // anything (the kernel allows reading uninitialized stack to privileged programs: MISC is any value). The read
      // marks are few: walk them, not the whole stack.
      const ps0 = old.ps[2 * k]!;
      const ps1 = old.ps[2 * k + 1]!;
      for (let half = 0; half < 2; half++) {
        for (let m = old.rd[2 * k + half]!; m; m &= m - 1) {
          const spi = (half << 5) + (31 - Math.clz32(m & -m));
          const sl = of.stack.get(spi);
          if (!sl || sl.ty === 0) continue;
          const cs = cf.stack.get(spi) ?? EMPTY;
          const precise = old.all || ((spi < 32 ? ps0 : ps1) & (1 << (spi & 31))) !== 0;
          // scalar_reg_for_stack(): a 64-bit spilled number and a slot of unknown bytes are both a number
          const or = slotScalar(sl);
          if (sl === cs) {
            // the same slot (states share slots until one is written): what the byte loop below checks of it
            if (or ? precise && !this.sameNum(or, or, false)
              : tyAt(sl.ty, 7) === SPILL && (sl.spill.t === 'sc' ? precise && !this.sameNum(sl.spill, sl.spill, false) : !this.samePtr(sl.spill, sl.spill))) return false;
            continue;
          }
          const cr = or && slotScalar(cs);
          for (let b = 0; b < 8; b++) {
            const ot = tyAt(sl.ty, b);
            if (ot === INVALID || ot === MISC) continue;
            if (or && cr) {
              if (precise && !this.sameNum(or, cr, false)) return false;
              break;
            }
            if (ot !== tyAt(cs.ty, b)) return false;
            if (b === 7 && ot === SPILL) {
              if (sl.spill.t === 'sc' ? cs.spill.t !== 'sc' || (precise && !this.sameNum(sl.spill, cs.spill, false)) : !this.samePtr(sl.spill, cs.spill)) return false;
            }
          }
        }
      }
    }
    return true;
  }

  /**
   * states_equal(RANGE_WITHIN) against a state of a component explored since a backedge: the kernel leaves such states
   * uncleaned (clean_live_states skips them: their liveness is not final), so every register, live or not, and every
   * stack slot is compared: the same kinds, numbers by range and tnum whether precise or not, pointers equal.
   */
  private coversByRange(old: Ckpt, cur: State): boolean {
    const nf = old.frames.length;
    // the kinds first (registers' types, slots' byte kinds): cheap, and where most comparisons fail
    for (let k = 0; k < nf; k++) {
      const of = old.frames[k]!;
      const cf = cur.frames[k]!;
      for (let r = 0; r < 10; r++) if (of.regs[r]!.t !== cf.regs[r]!.t) return false;
      const oa = of.stack.a;
      const ca = cf.stack.a;
      for (let spi = 0; spi < oa.length; spi++) {
        const sl = oa[spi] ?? EMPTY;
        const cs = ca[spi] ?? EMPTY;
        if (sl.ty !== cs.ty || (tyAt(sl.ty, 7) === SPILL && sl.spill.t !== cs.spill.t)) return false;
      }
    }
    for (let k = 0; k < nf; k++) {
      const of = old.frames[k]!;
      const cf = cur.frames[k]!;
      for (let r = 0; r < 10; r++) if (!this.sameByRange(of.regs[r]!, cf.regs[r]!)) return false;
      const oa = of.stack.a;
      const ca = cf.stack.a;
      for (let spi = 0; spi < oa.length; spi++) {
        const sl = oa[spi];
        if (sl && tyAt(sl.ty, 7) === SPILL && !this.sameByRange(sl.spill, ca[spi]!.spill)) return false;
      }
    }
    return true;
  }

  /** regsafe(RANGE_WITHIN) of two values of the same kind; the same value object (states share them) holds itself. */
  private sameByRange(a: Reg, b: Reg): boolean {
    if (a.t === 'sc') {
      if (a === b) return !a.id || this.sameId(a.id, b.id);
      // the 32-bit bounds are plain numbers: compared before the 64-bit ones and the tnum
      const x = a.s;
      const y = b.s;
      if (x.u32min > y.u32min || y.u32max > x.u32max || x.s32min > y.s32min || y.s32max > x.s32max) return false;
      return this.sameNum(a, b, false);
    }
    return a === b ? (a.t !== 'null' || this.sameId(a.id, b.id)) : this.samePtr(a, b);
  }


  // check_ids() of one covers() call: old ids map one to one onto current ones. The map is two arrays indexed by id,
  // stamped with the comparison they belong to (a new stamp empties them at once): a comparison allocates nothing
  // (Map.clear() allocated a fresh table at each one that met an id: 110 MB of tracee's check). The fresh negative
  // ids sameNum gives unlinked numbers are unique within a comparison: never looked up again, so not stored.
  private idFwd = new Int32Array(256);
  private idFwdAt = new Uint32Array(256);
  private idRevAt = new Uint32Array(256);
  private idEpoch = 0;
  private idsUsed = false;
  private idFresh = 0;

  private sameId(ai: number, bi: number): boolean {
    if (!this.idsUsed) {
      this.idsUsed = true;
      this.idEpoch = (this.idEpoch + 1) >>> 0;
      if (this.idEpoch === 0) {
        // 2^32 comparisons later: old stamps could look current again
        this.idFwdAt.fill(0);
        this.idRevAt.fill(0);
        this.idEpoch = 1;
      }
    }
    const e = this.idEpoch;
    if (ai >= this.idFwdAt.length || bi >= this.idRevAt.length) this.growIds(Math.max(ai, bi));
    if (ai >= 0 && this.idFwdAt[ai] === e) return this.idFwd[ai] === bi;
    if (bi >= 0 && this.idRevAt[bi] === e) return false;
    if (ai >= 0) {
      this.idFwdAt[ai] = e;
      this.idFwd[ai] = bi;
    }
    if (bi >= 0) this.idRevAt[bi] = e;
    return true;
  }

  private growIds(max: number): void {
    const n = Math.max(max + 1, this.idFwdAt.length * 2);
    const grow = <T extends Int32Array | Uint32Array>(a: T, b: T): T => {
      b.set(a);
      return b;
    };
    this.idFwd = grow(this.idFwd, new Int32Array(n));
    this.idFwdAt = grow(this.idFwdAt, new Uint32Array(n));
    this.idRevAt = grow(this.idRevAt, new Uint32Array(n));
  }

  private samePtr(a: Reg, b: Reg): boolean {
    return (a === b || samePointer(a, b)) && (a.t !== 'null' || this.sameId(a.id, b.id));
  }

  /** regsafe() of two numbers: exact, equal value sets; else the old one's range and tnum hold the current one. */
  private sameNum(a: Reg, b: Reg, exact: boolean): boolean {
    // one value (registers are shared between states until written): equal, its link mapped onto itself
    if (a === b) return !a.id || this.sameId(a.id, a.id);
    if (exact ? !sameScalar(a.s, b.s) : !S.within(a.s, b.s)) return false;
    if (a.ac !== b.ac || (a.ac && a.delta !== b.delta)) return false;
    if (exact && (a.id === 0) !== (b.id === 0)) return false;
    // two unlinked numbers: fresh ids on both sides, which always map
    if (!a.id && !b.id) return true;
    return this.sameId(a.id || -++this.idFresh, b.id || -++this.idFresh);
  }

  private newBt(): Bt {
    return { r: new Array(16).fill(0), s: [] };
  }

  /** propagate_precision(): the numbers `old` has precise, as a need of the current state (same layout). */
  private preciseOf(old: Ckpt, cur: State, idx: number): Bt {
    const bt = this.newBt();
    for (let k = 0; k < old.frames.length; k++) {
      const live = this.liveMask(cur, k, idx);
      const need = this.needMask(cur, k, idx);
      const pr = old.all ? 0x3ff : old.pr[k]!;
      let m = 0;
      for (let r = 0; r < 10; r++) if (live & need & pr & (1 << r) && cur.frames[k]!.regs[r]!.t === 'sc') m |= 1 << r;
      bt.r[k] = m;
      const sa = cur.frames[k]!.stack.a;
      for (let spi = 0; spi < sa.length; spi++) {
        const sl = sa[spi];
        if (sl && tyAt(sl.ty, 7) === SPILL && sl.spill.t === 'sc' && (old.all || (old.ps[2 * k + (spi >> 5)]! & (1 << (spi & 31))) !== 0)) (bt.s[k] ??= new Set()).add(spi);
      }
    }
    return bt;
  }

  /** Every live number of the state and every spilled one, as a need. */
  private allScalars(st: State, idx: number): Bt {
    const bt = this.newBt();
    st.frames.forEach((f, k) => {
      const live = this.liveMask(st, k, idx);
      for (let r = 0; r < 10; r++) if (live & (1 << r) && f.regs[r]!.t === 'sc') bt.r[k] |= 1 << r;
      const sa = f.stack.a;
      for (let spi = 0; spi < sa.length; spi++) {
        const sl = sa[spi];
        if (sl && tyAt(sl.ty, 7) === SPILL && sl.spill.t === 'sc') (bt.s[k] ??= new Set()).add(spi);
      }
    });
    return bt;
  }

  /** mark_chain_precision(): this instruction looks at the values of `regs` (current frame, before it runs). */
  private needPrecise(st: State, regs: readonly number[]): void {
    if (this.opts.equalStates || this.opts.exactNumbers) return;
    const bt = this.newBt();
    const f = st.frames.length - 1;
    for (const r of regs) bt.r[f] |= 1 << r;
    this.backtrack(st, bt, true);
  }

  /** markRead() of every stack slot of frame `k`, a word of 32 slots at a time (the same marks, bit by bit). */
  private markReadAll(st: State, k: number): void {
    if (this.opts.equalStates || this.opts.exactNumbers) return;
    const fid = st.frames[k]!.fid;
    for (let w = 2 * k; w < 2 * k + 2; w++) {
      let pending = ~st.wr[w]! | 0;
      for (let c = st.cp; c && pending; c = c.parent) {
        if (k >= c.frames.length || c.frames[k]!.fid !== fid) break;
        pending &= ~c.rd[w]!;
        c.rd[w] |= pending;
        pending &= ~c.wr[w]!;
      }
    }
  }

  /**
   * mark_reg_read() of stack slot `spi` of frame `k`: the recorded states of the path depend on its value, up to the
   * one whose incoming segment wrote it whole (and not past the frame's first recorded state).
   */
  private markRead(st: State, k: number, spi: number): void {
    if (spi < 0 || spi >= 64 || this.opts.equalStates || this.opts.exactNumbers) return;
    const w = 2 * k + (spi >> 5);
    const bit = 1 << (spi & 31);
    if (st.wr[w]! & bit) return;
    const fid = st.frames[k]!.fid;
    for (let c = st.cp; c; c = c.parent) {
      if (k >= c.frames.length || c.frames[k]!.fid !== fid || c.rd[w]! & bit) return;
      c.rd[w] |= bit;
      if (c.wr[w]! & bit) return;
    }
  }

  /** The stack bytes [lo, hi) of frame k are read. */
  private markReadRange(st: State, k: number, lo: number, hi: number): void {
    if (lo < -512) lo = -512;
    if (hi > 0) hi = 0;
    if (lo >= hi) return;
    const first = Math.floor((-hi) / 8);
    const last = Math.floor((-lo - 1) / 8);
    for (let spi = first; spi <= last; spi++) this.markRead(st, k, spi);
  }

  /** The instruction being run read (fill) or wrote (spill) a register through stack slot `spi` of frame `fr`. */
  private stackAccess(fr: number, spi: number): void {
    this.curSt?.hist.push(-(1 + fr * 64 + spi));
  }

  /** collect_linked_regs(): the scalars sharing an id with a conditional jump's operands, narrowed with them. */
  private linkedAt(st: State, id1: number, id2: number): void {
    const out: number[] = [];
    const hit = (r: Reg) => r.t === 'sc' && r.id !== 0 && (r.id === id1 || r.id === id2);
    st.frames.forEach((f, k) => {
      for (let r = 0; r < 10; r++) if (hit(f.regs[r]!)) out.push(k, r);
      const sa = f.stack.a;
      for (let spi = 0; spi < sa.length; spi++) {
        const sl = sa[spi];
        if (sl && tyAt(sl.ty, 7) === SPILL && hit(sl.spill)) out.push(k, -1 - spi);
      }
    });
    if (out.length > 2) {
      this.linkedStore.push(out);
      st.hist.push(H_LINKED - (this.linkedStore.length - 1));
    }
  }

  /**
   * __mark_chain_precision(): goes back over the path's history from the current instruction (skipLast: the one being
   * run, whose operands `bt` names) through every recorded state of the path, marking the numbers `bt` needs precise
   * in each. Where it cannot follow (a callback's start), every number of the path's states becomes precise.
   */
  private backtrack(st: State, bt: Bt, skipLast: boolean): void {
    if (btEmpty(bt)) return;
    let hist = st.hist;
    let k = hist.length;
    if (skipLast) {
      while (k > 0 && hist[k - 1]! < 0) k--;
      k--;
    }
    let nextF = st.frames.length - 1;
    let c = st.cp;
    const e = this.scratch;
    for (;;) {
      e.spi = undefined;
      e.sf = undefined;
      e.linked = undefined;
      e.cb = undefined;
      while (k-- > 0) {
        const v = hist[k]!;
        if (v < 0) {
          if (v === H_CB) e.cb = true;
          else if (v <= H_LINKED) e.linked = this.linkedStore[H_LINKED - v];
          else {
            e.sf = (-v - 1) >> 6;
            e.spi = (-v - 1) & 63;
          }
          continue;
        }
        e.i = v >> 5;
        e.f = v & 31;
        if (!this.backInsn(e, nextF, bt)) return allPrecise(c);
        nextF = e.f;
        e.spi = undefined;
        e.sf = undefined;
        e.linked = undefined;
        e.cb = undefined;
        if (btEmpty(bt)) return;
      }
      if (!c) return;
      if (!markIn(c, bt)) return allPrecise(c);
      if (btEmpty(bt)) return;
      hist = c.hist;
      k = hist.length;
      nextF = c.frames.length - 1;
      c = c.parent;
    }
  }

  /** backtrack_insn(): what `bt` needs before instruction e, given what it needs after; false: cannot follow. */
  private backInsn(e: Hist, nextF: number, bt: Bt): boolean {
    if (e.cb || e.f >= 15) return false;
    let insn = this.insns[e.i]!;
    if (cls(insn) === CLS.JMP && op(insn) === JMP.CALL && insn.src === CALL.HELPER && insn.imm === POISON_IMM) {
      const o = this.original[e.i];
      if (o && !(o.code === insn.code && o.imm === POISON_IMM)) insn = o; // the walk ran what it was
    }
    const f = e.f;
    const b = bit;
    const c = cls(insn);
    const x = (insn.code & SRC_X) !== 0;
    if (e.linked) syncLinkedBt(bt, e.linked);
    const m = bt.r[f]!;
    switch (c) {
      case CLS.ALU: case CLS.ALU64: {
        if (!(m & b(insn.dst))) break;
        const o = op(insn);
        if (o === ALU.END || o === ALU.NEG) break;
        if (o === ALU.MOV) bt.r[f] = (m & ~b(insn.dst)) | (x && insn.src !== 10 ? b(insn.src) : 0);
        else if (x && insn.src !== 10) bt.r[f] = m | b(insn.src);
        break;
      }
      case CLS.LDX:
        if (!(m & b(insn.dst))) break;
        bt.r[f] = m & ~b(insn.dst);
        if (e.spi !== undefined) (bt.s[e.sf!] ??= new Set()).add(e.spi);
        break;
      case CLS.ST: case CLS.STX: {
        if ((insn.code & 0xe0) === MODE.ATOMIC) {
          if (insn.imm === ATOMIC.LOAD_ACQ) {
            if (!(m & b(insn.src))) break;
            bt.r[f] = m & ~b(insn.src);
            if (e.spi !== undefined) (bt.s[e.sf!] ??= new Set()).add(e.spi);
            break;
          }
          if (insn.imm === ATOMIC.CMPXCHG) bt.r[f] = m & ~b(0);
          else if (insn.imm & ATOMIC.FETCH) bt.r[f] = m & ~b(insn.src);
          if (insn.imm !== ATOMIC.STORE_REL) break;
        }
        if (e.spi === undefined || !bt.s[e.sf!]?.has(e.spi)) break;
        bt.s[e.sf!]!.delete(e.spi);
        if (c === CLS.STX) bt.r[f] |= b(insn.src);
        break;
      }
      case CLS.LD:
        bt.r[f] = m & ~(isLdimm64(insn) ? b(insn.dst) : 0x3f);
        break;
      default: {
        const o = op(insn);
        if (o === JMP.EXIT) {
          if (nextF !== f - 1) return false;
          const r0 = bt.r[f - 1]! & 1;
          bt.r[f - 1] &= ~1;
          bt.r[f] = r0;
          bt.s[f]?.clear();
        } else if (o === JMP.CALL) {
          if (nextF === f + 1) {
            // entering a callee: its arguments are the caller's r1-r5
            const callee = bt.r[f + 1]!;
            if (callee & ~0x3e || bt.s[f + 1]?.size) return false;
            bt.r[f] = (m & ~0x3f) | callee;
            bt.r[f + 1] = 0;
          } else {
            bt.r[f] = m & ~0x3f;
          }
        } else if (o !== JMP.JA && o !== JMP.JCOND && x) {
          // dreg <cond> sreg: each narrowed the other
          if (m & (b(insn.dst) | b(insn.src))) bt.r[f] = m | b(insn.dst) | b(insn.src);
        }
      }
    }
    if (e.linked) syncLinkedBt(bt, e.linked);
    return true;
  }

  // ---- state keys -------------------------------------------------------------------------------------------------

  /**
   * The recorded states' bucket at a prune point: the call chain, the live registers' types and pointers (a number is
   * just "a number"); the stack is compared slot by slot (covers: only the slots read below a recorded state). Made at
   * every prune point the walk passes, so as a 32-bit hash of those parts (no string: building one per visit was
   * tracee's largest allocation, 357 MB), with sameBucket() deciding equality: the same parts as the string key
   * the walk had before (ptrKey, scalarKey, NULL-check ids numbered in order of appearance), so the same buckets.
   */
  private bucketHash(st: State, idx: number): number {
    const ids = this.keyIdsA;
    ids.n = 0;
    const nf = st.frames.length;
    let h = mix(0x2f1d, nf);
    for (let k = 0; k < nf; k++) {
      const f = st.frames[k]!;
      const live = this.liveMask(st, k, idx);
      h = mix(mix(h, f.callsite), f.callback ? 1 : 0);
      for (let r = 0; r < 10; r++) {
        if (!(live & (1 << r))) continue;
        const reg = f.regs[r]!;
        h = mix(mix(h, r), REG_TYPE_CODE[reg.t]);
        switch (reg.t) {
          case 'ni': case 'sc': break;
          case 'null': {
            h = mix(h, REG_TYPE_CODE[reg.nn ?? 'ni'] + (reg.nn ? 16 : 0));
            h = mix(h, reg.id ? keyIdOf(ids, reg.id) : 0);
            break;
          }
          case 'stk': h = scalarHash(mix(h, reg.fr), reg.s); break;
          case 'mval': case 'mptr': h = scalarHash(mix(h, stringCode(reg.map ?? '')), reg.s); break;
          case 'fn': h = mix(h, reg.fn ?? -1); break;
          case 'btf': h = scalarHash(mix(h, reg.trusted ? 1 : 0), reg.s); break;
          default: h = scalarHash(h, reg.s);
        }
      }
    }
    return h;
  }

  /** Whether the state's bucket key at idx is the one `rep` (frames of a recorded state at idx) has. */
  private sameBucket(rep: readonly Frame[], st: State, idx: number): boolean {
    const nf = st.frames.length;
    if (rep.length !== nf) return false;
    const ia = this.keyIdsA;
    const ib = this.keyIdsB;
    ia.n = 0;
    ib.n = 0;
    for (let k = 0; k < nf; k++) {
      const rf = rep[k]!;
      const f = st.frames[k]!;
      if (rf.callsite !== f.callsite || rf.callback !== f.callback) return false;
    }
    for (let k = 0; k < nf; k++) {
      const rf = rep[k]!;
      const f = st.frames[k]!;
      // the same call chain: the same live registers
      const live = this.liveMask(st, k, idx);
      for (let r = 0; r < 10; r++) {
        if (!(live & (1 << r))) continue;
        const a = rf.regs[r]!;
        const b = f.regs[r]!;
        if (a.t !== b.t) return false;
        if (a === b && a.t !== 'null') continue;
        switch (a.t) {
          case 'ni': case 'sc': break;
          case 'null':
            if (a.nn !== b.nn || (a.id ? keyIdOf(ia, a.id) : 0) !== (b.id ? keyIdOf(ib, b.id) : 0)) return false;
            break;
          case 'stk': if (a.fr !== b.fr || !sameScalarKey(a.s, b.s)) return false; break;
          case 'mval': case 'mptr': if ((a.map ?? '') !== (b.map ?? '') || !sameScalarKey(a.s, b.s)) return false; break;
          case 'fn': if (a.fn !== b.fn) return false; break;
          case 'btf': if (!!a.trusted !== !!b.trusted || !sameScalarKey(a.s, b.s)) return false; break;
          default: if (!sameScalarKey(a.s, b.s)) return false;
        }
      }
    }
    return true;
  }

  /** NULL-check ids met by bucketHash / sameBucket, in order of appearance (the key numbers them so). */
  private readonly keyIdsA: KeyIds = { ids: new Int32Array(32), n: 0 };
  private readonly keyIdsB: KeyIds = { ids: new Int32Array(32), n: 0 };

  /** An exact key of everything that can influence the future: live registers, stack slots, call chain. */
  private stateKey(st: State, idx: number): string {
    const ids = new Map<number, number>();
    const idOf = (id: number) => {
      if (!id) return 0;
      let v = ids.get(id);
      if (v === undefined) ids.set(id, (v = ids.size + 1));
      return v;
    };
    let value = true;
    const regKey = (r: Reg): string => {
      switch (r.t) {
        case 'ni': return '-';
        case 'sc':
          // a value never looked at again: its range, and its links (which only narrow it), change nothing
          if (!value) return 'sc';
          return `${S.scalarKey(r.s)}${r.id ? `@${idOf(r.id)}${r.ac ? `+${r.ac}:${r.delta}` : ''}` : ''}`;
        case 'null': return `${ptrKey(r)}@${idOf(r.id)}`;
        default: return ptrKey(r);
      }
    };
    const parts: string[] = [];
    st.frames.forEach((f, k) => {
      const top = k === st.frames.length - 1;
      // a frame below the top waits in the call that made the frame above it (not in its own callsite, which is in
      // its caller's code): it goes on after that call, where only its callee-saved registers survive
      const back = top ? -1 : st.frames[k + 1]!.callsite + 1;
      const live = top ? this.liveIn[idx]! : (this.liveIn[back]! & 0x3c0);
      const need = this.opts.exactNumbers ? 0x7ff : top ? this.needIn[idx]! : this.needIn[back]!;
      parts.push(`F${f.callsite}${f.callback ? 'c' : ''}`);
      for (let r = 0; r < 10; r++) {
        if (!(live & (1 << r))) continue;
        value = (need & (1 << r)) !== 0;
        parts.push(`${r}=${regKey(f.regs[r]!)}`);
      }
      value = true; // spilled registers: stack slots are not in needOf's scope
      const sa = f.stack.a;
      for (let spi = 0; spi < sa.length; spi++) {
        const sl = sa[spi];
        if (!sl || sl.ty === 0) continue;
        parts.push(`s${spi}=${sl.ty}${tyAt(sl.ty, 7) === SPILL ? regKey(sl.spill) : ''}`);
      }
    });
    return parts.join(' ');
  }

  /** For messages: the instruction as the verifier prints it. */
  describe(idx: number): string {
    return `${idx}: ${disasm(this.insns[idx]!, this.insns[idx + 1], helperName)}`;
  }
}

/** A pointer (any register but a number), as states compare it: its kind, what it points to, its offset. */
function ptrKey(r: Reg): string {
  switch (r.t) {
    case 'ni': return '-';
    case 'stk': return `stk${r.fr}:${S.scalarKey(r.s)}`;
    case 'mval': case 'mptr': return `${r.t}:${r.map ?? ''}:${S.scalarKey(r.s)}`;
    case 'null': return `null:${r.nn}`;
    case 'fn': return `fn${r.fn}`;
    case 'btf': return `btf${r.trusted ? 't' : ''}:${S.scalarKey(r.s)}`;
    default: return `${r.t}:${S.scalarKey(r.s)}`;
  }
}

/** A small code per register type (bucketHash). */
const REG_TYPE_CODE: Readonly<Record<RegType, number>> = { ni: 1, sc: 2, ctx: 3, stk: 4, mptr: 5, mval: 6, null: 7, mem: 8, btf: 9, fn: 10, any: 11 };

/** One step of bucketHash's 32-bit hash. */
function mix(h: number, x: number): number {
  h = Math.imul(h ^ (x | 0), 0x9e3779b1);
  return h ^ (h >>> 15);
}

/** The hash of what scalarKey() writes: a known constant by its value, else every field. */
function scalarHash(h: number, s: S.Scalar): number {
  if (isKeyConst(s)) return mix(mix(mix(h, 1), s.vH), s.vL);
  h = mix(mix(mix(mix(mix(h, 2), s.vH), s.vL), s.mH), s.mL);
  h = mix(mix(mix(mix(h, s.uminH), s.uminL), s.umaxH), s.umaxL);
  h = mix(mix(mix(mix(h, s.sminH), s.sminL), s.smaxH), s.smaxL);
  return mix(mix(mix(mix(h, s.u32min), s.u32max), s.s32min), s.s32max);
}

/** Whether scalarKey() writes `s` as a constant (`#v`). */
function isKeyConst(s: S.Scalar): boolean {
  return (s.mH | s.mL) === 0 && s.uminH === s.vH && s.uminL === s.vL && s.umaxH === s.vH && s.umaxL === s.vL;
}

/** Whether scalarKey(a) === scalarKey(b), without making the keys. */
function sameScalarKey(a: S.Scalar, b: S.Scalar): boolean {
  if (a === b) return true;
  const ca = isKeyConst(a);
  if (ca !== isKeyConst(b)) return false;
  return ca ? a.vH === b.vH && a.vL === b.vL : S.same(a, b);
}

/** NULL-check ids in order of appearance: the first n of ids (reused, so a key allocates nothing). */
interface KeyIds {
  ids: Int32Array;
  n: number;
}

/** 1-based position of `id` among the ids met so far (appended when new). */
function keyIdOf(k: KeyIds, id: number): number {
  for (let i = 0; i < k.n; i++) if (k.ids[i] === id) return i + 1;
  if (k.n === k.ids.length) {
    const more = new Int32Array(k.ids.length * 2);
    more.set(k.ids);
    k.ids = more;
  }
  k.ids[k.n++] = id;
  return k.n;
}

const stringCodes = new Map<string, number>();
/** A number per map name (bucketHash), the same for the whole process. */
function stringCode(name: string): number {
  let c = stringCodes.get(name);
  if (c === undefined) stringCodes.set(name, (c = stringCodes.size + 1));
  return c;
}

/** Whether two scalars are the same value set (what equal scalarKey()s say, without making the keys). */
function sameScalar(a: S.Scalar, b: S.Scalar): boolean {
  return S.same(a, b);
}

/** Whether two registers that are not numbers are the same pointer (what equal ptrKey()s say; ids aside). */
function samePointer(a: Reg, b: Reg): boolean {
  if (a.t !== b.t) return false;
  switch (a.t) {
    case 'ni': return true;
    case 'null': return a.nn === b.nn;
    case 'fn': return a.fn === b.fn;
    case 'stk': return a.fr === b.fr && sameScalar(a.s, b.s);
    case 'mval': case 'mptr': return (a.map ?? '') === (b.map ?? '') && sameScalar(a.s, b.s);
    case 'btf': return !!a.trusted === !!b.trusted && sameScalar(a.s, b.s);
    default: return sameScalar(a.s, b.s);
  }
}

const UNBOUND_SLOT: Reg = { t: 'sc', s: S.unknown(), id: 0, delta: 0, ac: 0, fr: 0 };

/** scalar_reg_for_stack(): a slot holding a 64-bit spilled number, or unknown bytes only (a number too), as a number. */
function slotScalar(sl: Slot): Reg | undefined {
  if (tyAt(sl.ty, 0) === SPILL) return sl.spill.t === 'sc' ? sl.spill : undefined;
  for (let b = 0; b < 8; b++) if (tyAt(sl.ty, b) !== MISC && tyAt(sl.ty, b) !== INVALID) return undefined;
  return UNBOUND_SLOT;
}

function btEmpty(bt: Bt): boolean {
  for (const m of bt.r) if (m) return false;
  for (const set of bt.s) if (set?.size) return false;
  return true;
}

/** bt_sync_linked_regs(): when one of the scalars linked at a jump is needed, all are (each narrowed the others). */
function syncLinkedBt(bt: Bt, linked: readonly number[]): void {
  let any = false;
  for (let i = 0; i < linked.length && !any; i += 2) {
    const f = linked[i]!;
    const r = linked[i + 1]!;
    any = r >= 0 ? (bt.r[f]! & (1 << r)) !== 0 : !!bt.s[f]?.has(-1 - r);
  }
  if (!any) return;
  for (let i = 0; i < linked.length; i += 2) {
    const f = linked[i]!;
    const r = linked[i + 1]!;
    if (r >= 0) bt.r[f] |= 1 << r;
    else (bt.s[f] ??= new Set()).add(-1 - r);
  }
}

/**
 * The need `bt` reached recorded state c: its numbers there become precise (non-numbers, and those already precise,
 * whose sources were marked when they became so, leave `bt`). False when bt names a frame c does not have.
 */
function markIn(c: Ckpt, bt: Bt): boolean {
  if (c.all) {
    bt.r.fill(0);
    bt.s.length = 0;
    return true;
  }
  for (let f = 0; f < bt.r.length; f++) {
    let m = bt.r[f]!;
    const slots = bt.s[f];
    if (!m && !slots?.size) continue;
    if (f >= c.frames.length) return false;
    const fr = c.frames[f]!;
    for (let r = 0; r < 10; r++) {
      const bit = 1 << r;
      if (!(m & bit)) continue;
      if (fr.regs[r]!.t !== 'sc' || c.pr[f]! & bit) m &= ~bit;
      else {
        c.pr[f]! |= bit;
        precMarks++;
      }
    }
    bt.r[f] = m;
    if (!slots) continue;
    for (const spi of [...slots]) {
      const sl = fr.stack.get(spi);
      const w = 2 * f + (spi >> 5);
      const bit = 1 << (spi & 31);
      if (!sl || tyAt(sl.ty, 7) !== SPILL || sl.spill.t !== 'sc' || c.ps[w]! & bit) slots.delete(spi);
      else {
        c.ps[w] |= bit;
        precMarks++;
      }
    }
  }
  return true;
}

/** mark_all_scalars_precise(): where backtracking cannot follow, every number of the path's recorded states. */
function allPrecise(c: Ckpt | undefined): void {
  for (; c && !c.all; c = c.parent) {
    c.all = true;
    precMarks++;
  }
}

function notNull(r: Reg): boolean {
  return r.t === 'mval' || r.t === 'mptr' || r.t === 'mem' || (r.t === 'btf' && !!r.trusted);
}

function coerced(s: S.Scalar, size: number): S.Scalar {
  if (size < 8) S.coerce(s, size);
  return s;
}

function addOffset(off: S.Scalar, add: S.Scalar, a64: boolean): S.Scalar {
  const s = S.clone(off);
  S.alu(s, add, S.OP.ADD, !a64);
  return s;
}


/** Register r's bit in a register mask (one function, not a closure per call: backtracking runs it per instruction). */
function bit(r: number): number {
  return 1 << r;
}

/** Why the kernel would refuse this instruction outright (register numbers, writes to r10), or undefined. */
function invalid(insn: Insn): string | undefined {
  if (insn.dst > 10 || insn.src > 10) return `register r${Math.max(insn.dst, insn.src)} does not exist`;
  const c = cls(insn);
  const writesDst = c === CLS.ALU || c === CLS.ALU64 || c === CLS.LDX || (c === CLS.LD && isLdimm64(insn));
  if (writesDst && insn.dst === 10) return 'the frame pointer r10 is read only';
  if ((c === CLS.ALU || c === CLS.ALU64) && op(insn) > ALU.END) return `unknown ALU operation 0x${op(insn).toString(16)}`;
  if ((c === CLS.ALU || c === CLS.ALU64) && op(insn) === ALU.MOV && (insn.code & SRC_X)
    && !(insn.off === 0 || insn.off === 8 || insn.off === 16 || (c === CLS.ALU64 && insn.off === 32))) return 'BPF_MOV uses reserved fields';
  if ((c === CLS.ALU || c === CLS.ALU64) && op(insn) !== ALU.MOV && insn.off !== 0
    && !(insn.off === 1 && (op(insn) === ALU.DIV || op(insn) === ALU.MOD))) return 'BPF_ALU uses reserved fields';
  if ((c === CLS.ST || c === CLS.STX || c === CLS.LD) && (insn.code & 0xe0) === MODE.MEMSX) return 'unknown memory mode';
  if ((c === CLS.JMP || c === CLS.JMP32) && op(insn) > JMP.JCOND) return `unknown jump operation 0x${op(insn).toString(16)}`;
  return undefined;
}

/**
 * A backward register analysis to its fixed point (bit n = rn): per instruction, in = (out & ~kill) | gen | (out & cond
 * ? condGen : 0), out the union of the successors' in. Liveness is kill = def, gen = use; need (Walker.needOf) uses
 * the conditional part. At most 1000 rounds: returns false when that cap stopped it before the fixed point.
 */
function backwardFixpoint(succ: Succ, into: Uint16Array, kill: Uint16Array, gen: Uint16Array, cond?: Uint16Array,
  condGen?: Uint16Array): boolean {
  const { a, b } = succ;
  let changed = true;
  for (let round = 0; changed && round < 1000; round++) {
    changed = false;
    for (let i = a.length - 1; i >= 0; i--) {
      const sa = a[i]!;
      const sb = b[i]!;
      const out = (sa >= 0 ? into[sa]! : 0) | (sb >= 0 ? into[sb]! : 0);
      const inn = (out & ~kill[i]!) | gen[i]! | (cond && out & cond[i]! ? condGen![i]! : 0);
      if (inn !== into[i]) {
        into[i] = inn;
        changed = true;
      }
    }
  }
  return !changed;
}

/**
 * compute_scc(): numbers the strongly connected components of the control flow (Tarjan's, iterative) that are loops:
 * more than one instruction, or one jumping to itself, or a call that runs a callback in place (callsCb: the
 * callback's returns lead back to it). 0: in none.
 */
function sccOf(succ: Succ, out: Int32Array, callsCb: Uint8Array): void {
  const n = succ.a.length;
  const index = new Int32Array(n).fill(-1);
  const low = new Int32Array(n);
  const onStack = new Uint8Array(n);
  // Tarjan's stack and the DFS's, as arrays of at most n entries each (no array grown per program or component)
  const stack = new Int32Array(n);
  let sp = 0;
  const work = new Int32Array(n);
  let wp = 0;
  const pos = new Int32Array(n);
  let next = 0;
  let comps = 0;
  for (let root = 0; root < n; root++) {
    if (index[root] !== -1) continue;
    work[wp++] = root;
    while (wp) {
      const v = work[wp - 1]!;
      if (index[v] === -1) {
        index[v] = low[v] = next++;
        stack[sp++] = v;
        onStack[v] = 1;
      }
      const p = pos[v]!;
      const w = p === 0 ? succ.a[v]! : p === 1 ? succ.b[v]! : -1;
      if (w >= 0) {
        pos[v]++;
        if (w >= n) continue;
        if (index[w] === -1) work[wp++] = w;
        else if (onStack[w]) low[v] = Math.min(low[v]!, index[w]!);
        continue;
      }
      wp--;
      if (wp) {
        const u = work[wp - 1]!;
        low[u] = Math.min(low[u]!, low[v]!);
      }
      if (low[v] !== index[v]) continue;
      // the component: stack[from..sp) (v and what was pushed after it)
      let from = sp - 1;
      while (stack[from] !== v) from--;
      if (sp - from > 1 || succ.a[v] === v || succ.b[v] === v || callsCb[v]! & 1) {
        comps++;
        for (let k = from; k < sp; k++) out[stack[k]!] = comps;
      }
      for (let k = from; k < sp; k++) onStack[stack[k]!] = 0;
      sp = from;
    }
  }
}

/** Registers an instruction reads and writes (bit n = rn), for liveness. */
function useDef(insn: Insn, i: number, use: Uint16Array, def: Uint16Array): void {
  const b = bit;
  const c = cls(insn);
  const x = (insn.code & SRC_X) !== 0;
  switch (c) {
    case CLS.ALU: case CLS.ALU64: {
      const o = op(insn);
      if (o === ALU.MOV) return setUseDef(use, def, i, x ? b(insn.src) : 0, b(insn.dst));
      return setUseDef(use, def, i, b(insn.dst) | (x && o !== ALU.END ? b(insn.src) : 0), b(insn.dst));
    }
    case CLS.LDX: return setUseDef(use, def, i, b(insn.src), b(insn.dst));
    case CLS.ST: return setUseDef(use, def, i, b(insn.dst), 0);
    case CLS.STX:
      if ((insn.code & 0xe0) === MODE.ATOMIC) {
        if (insn.imm === ATOMIC.CMPXCHG) return setUseDef(use, def, i, b(insn.dst) | b(insn.src) | b(0), b(0));
        if (insn.imm === ATOMIC.LOAD_ACQ) return setUseDef(use, def, i, b(insn.dst), b(insn.src));
        return setUseDef(use, def, i, b(insn.dst) | b(insn.src), insn.imm & ATOMIC.FETCH ? b(insn.src) : 0);
      }
      return setUseDef(use, def, i, b(insn.dst) | b(insn.src), 0);
    case CLS.LD:
      if (isLdimm64(insn)) return setUseDef(use, def, i, 0, b(insn.dst));
      return setUseDef(use, def, i, b(6) | ((insn.code & 0xe0) === MODE.IND ? b(insn.src) : 0), 0x3f);
    default: {
      const o = op(insn);
      if (o === JMP.CALL) return setUseDef(use, def, i, 0x3e, 0x3f);
      if (o === JMP.EXIT) return setUseDef(use, def, i, b(0), 0);
      if (o === JMP.JA || o === JMP.JCOND) return setUseDef(use, def, i, 0, 0);
      return setUseDef(use, def, i, b(insn.dst) | (x ? b(insn.src) : 0), 0);
    }
  }
}

/** useDef's answer for instruction i: the registers it reads (use) and writes (def). */
function setUseDef(use: Uint16Array, def: Uint16Array, i: number, u: number, d: number): void {
  use[i] = u;
  def[i] = d;
}

/** needOf's answer for instruction i (NeedMasks). */
function setMasks(m: NeedMasks, i: number, kill: number, gen: number, cond: number, condGen: number): void {
  m.kill[i] = kill;
  m.gen[i] = gen;
  m.cond[i] = cond;
  m.condGen[i] = condGen;
}
