// Load verdicts: for a compiled object and each target, whether every program would load, and if not, the first
// instruction the kernel verifier rejects (a reachable poisoned CO-RE relocation, or a dereference of a plain number)
// with its relocation, source line and a reason in words; plus, for every poisoned relocation, whether it is dead
// code on that target (guarded) or reachable. A pure function of the object and the relocation results the engine
// computes (core/object.ts): check, relocate and the language server all call it on a built object.

import { readFileSync } from 'fs';
import { BtfError } from '../btf/errors';
import { LineIndex } from '../btf/ext';
import { BpfObject } from '../btf/object';
import { Btf } from '../btf/reader';
import { Enumerator, Kind } from '../btf/types';
import { ObjectRelocation, TargetOutcome } from '../core/object';
import { PatchOutcome } from '../core/patch';
import { ExternFailure, KsymExtern, externFailure, externOpenFailure, externRefusalReason, ksymAnswers, ksymExterns } from './externs';
import { errorArgs } from './rawtp';
import { KcfgExtern, KconfigSource, kconfigExterns, resolveKconfig, runningKconfig, runningVersionHere, statedKconfig, targetKernelVersion } from './kconfig';
import { helperName } from './helpers';
import { Insn, disasm } from './insn';
import { CtxKind, LoadedProgram, ObjectPrograms, loadPrograms } from './program';
import { VerifyResult, verify } from './verify';

export { loadPrograms } from './program';
export { errorArgs } from './rawtp';
export { ksymExterns, externFailure, externRefusalReason, sortKsymExterns } from './externs';
export type { KsymExtern, ExternFailure } from './externs';
export { kcfgExtern, sortKcfgExterns, kconfigExterns, resolveKconfig, runningKconfig, runningVersionHere, statedKconfig, targetKernelVersion } from './kconfig';
export type { KcfgExtern, KconfigSource } from './kconfig';
export type { LoadedProgram, CtxKind } from './program';

export interface VerdictOptions {
  /** Instructions processed per program before giving up (the kernel's own limit is 1,000,000). */
  readonly maxSteps?: number;
  /**
   * Treat frozen .rodata and .kconfig (the `const volatile` knobs a loader sets before the load, the __kconfig values
   * of the loading kernel) as unknown unless the target's facts give them: only CO-RE constants and facts decide branches. What the live analysis' guards can be compared with (issue 13): the source
   * knows the CO-RE checks, not the values a loader will write.
   */
  readonly unknownRodata?: boolean;
  /** Key every live number of a walk's states by its value (VerifyOptions.exactNumbers): for tests and A/B. */
  readonly exactNumbers?: boolean;
  /** Prune only equal states, without on-demand precision (VerifyOptions.equalStates): for tests and A/B. */
  readonly equalStates?: boolean;
  /** Drop states that keep failing to prune (VerifyOptions.evict; default on): for tests and A/B. */
  readonly evict?: boolean;
}

/**
 * What the loading machine decides beyond the target's CO-RE types: libbpf fills __kconfig externs and resolves
 * __ksym externs on the kernel that loads the program, not from btf_custom_path. factsFromBtf() derives them from a
 * target's BTF; a differential test against this machine passes what libbpf found here.
 */
export interface KernelFacts {
  /** Bytes of each __kconfig extern as libbpf stores them (object byte order); absent: unknown value. */
  readonly kconfig?: ReadonlyMap<string, Uint8Array>;
  /**
   * libbpf's refusals for the __kconfig externs on that machine (resolveKconfig): one before the ksyms are resolved
   * (-EINVAL: config unreadable, a value the extern's type cannot hold) and a strong CONFIG_ the config lacks (-ESRCH).
   * Absent: unknown, except what the object alone decides (an unrecognized strong LINUX_ extern), always applied.
   */
  readonly kconfigFailure?: { readonly early?: ExternFailure; readonly unresolved?: ExternFailure };
  /** __kconfig externs known only within bounds (inclusive): LINUX_KERNEL_VERSION of an Ubuntu release. */
  readonly kconfigRange?: ReadonlyMap<string, readonly [bigint, bigint]>;
  /** Whether the kernel has a symbol; undefined: unknown. */
  readonly hasKsym?: (name: string) => boolean | undefined;
  /** For a typed ksym or kfunc the kernel has: whether its type is compatible with the object's; undefined: unknown. */
  readonly ksymCompatible?: (name: string) => boolean | undefined;
  /** CPUs the machine may have (bounds bpf_get_smp_processor_id()); default: this machine's. */
  readonly nrCpuIds?: number;
  /**
   * The kernel's `__BPF_FUNC_MAX_ID` (the last value of its `enum bpf_func_id`): helper ids from there on do not exist
   * on it, and a reachable call of one is `invalid func unknown#<id>`. Absent (no such enum in the BTF): unknown, no
   * helper is refused.
   */
  readonly helperLimit?: number;
  /**
   * The tp_btf arguments the kernel types as a number, not a pointer (rawtp.ts: its table of arguments that may encode
   * an error), by tracepoint. Absent: none.
   */
  readonly tpErrArgs?: ReadonlyMap<string, readonly number[]>;
}

export interface VerdictTarget {
  readonly name: string;
  readonly facts?: KernelFacts;
}

/** Why a program does not load on a target. */
export type FailureKind =
  /** A poisoned CO-RE relocation is reachable: `invalid func unknown#195896080`. */
  | 'core'
  /** A load or store through a register holding a plain number: `invalid mem access 'scalar'`. */
  | 'scalar'
  /**
   * A load or store through memory that may still be NULL (a bpf_dynptr_slice() or bpf_ringbuf_reserve() result not
   * checked): `invalid mem access 'rdonly_mem_or_null'`.
   */
  | 'null'
  /** A reachable call of a helper the kernel does not have (added in a later kernel): `invalid func unknown#<id>`. */
  | 'helper'
  /** libbpf refuses the whole object before any program reaches the kernel (a relocation error). */
  | 'libbpf'
  /**
   * The verifier gives up: it processes more than 1,000,000 instructions (BPF_COMPLEXITY_LIMIT_INSNS), `BPF program
   * is too large`; the walk counts as the kernel does (COMPLEX).
   */
  | 'complex'
  /** The analysis hit its instruction budget: no verdict. */
  | 'unknown';

export interface SourcePlace {
  readonly file?: string;
  readonly line?: number;
  readonly column?: number;
}

export interface TargetVerdict extends SourcePlace {
  readonly loads: boolean;
  readonly kind?: FailureKind;
  /** The instruction the verifier names (index in the program as loaded, subprograms appended). */
  readonly insn?: number;
  /** The instruction as the verifier log prints it. */
  readonly text?: string;
  /** Index into the relocations passed in, for 'core' and 'libbpf'. */
  readonly relocation?: number;
  /** The register dereferenced, for 'scalar'. */
  readonly reg?: number;
  /** The helper called, for 'helper' (`bpf_loop`, or `helper #<id>` for an id corelens has no name for). */
  readonly helper?: string;
  /** For 'libbpf': the __ksym extern libbpf could not resolve (then every program of the object fails alike). */
  readonly extern?: string;
  readonly errno?: number;
  readonly reason?: string;
}

/** A direct read through a plain number, wherever it is reachable (not only the first error). */
export interface ScalarDeref extends SourcePlace {
  readonly insn: number;
  readonly reg: number;
  readonly text: string;
  readonly section: string;
  readonly insnOff: number;
}

export interface ProgramVerdict {
  readonly section: string;
  readonly name: string;
  readonly ctx: CtxKind;
  /** Instructions as loaded. */
  readonly insnCount: number;
  readonly targets: ReadonlyMap<string, TargetVerdict>;
  /** Reachable dereferences of plain numbers, per target (the same on most targets). */
  readonly scalarDerefs: ReadonlyMap<string, readonly ScalarDeref[]>;
}

/**
 * What became of a relocation's instruction on a target: not poisoned ('ok'), poisoned but dead code ('dead'),
 * poisoned and reached ('reachable'), a libbpf error ('error'), or unknown (the analysis ran out of budget).
 */
export type Reach = 'ok' | 'dead' | 'reachable' | 'error' | 'unknown';

export interface ObjectVerdicts {
  readonly programs: readonly ProgramVerdict[];
  /** Per target, per relocation (the order passed in): 'ok' when not poisoned, else dead or reachable. */
  readonly reach: ReadonlyMap<string, readonly Reach[]>;
  /** Programs the relocation's instruction belongs to (a .text subprogram may be in several, or in none). */
  readonly programsOf: readonly (readonly number[])[];
  /**
   * Per target, per relocation, whether its instruction runs, poisoned or not: 'reached' when some program's walk
   * visits it, 'dead' when no walk does (constant branches, frozen .rodata, guards), 'unknown' when a walk stopped
   * or libbpf refuses the object. What the live analysis' per-site "runs on T" is compared with (issue 13).
   */
  readonly runs: ReadonlyMap<string, readonly Runs[]>;
}

/** Whether a relocated instruction is visited by the verifier's walk of the programs holding it. */
export type Runs = 'reached' | 'dead' | 'unknown';

/**
 * What the verdicts read of a relocation (an ObjectRelocation is one): a caller relocating one target at a time can
 * keep just this, not the whole result (`check` on a 30,000-record object keeps 50 MB less per target).
 */
export interface VerdictRelocation extends Pick<ObjectRelocation, 'section' | 'insnOff' | 'path' | 'kindName' | 'file' | 'line' | 'column'> {
  /** Its outcome per target (a Map, or anything that answers for the targets verdicts are asked for). */
  readonly targets: { get(target: string): VerdictOutcome | undefined };
}

/** What the verdicts read of a relocation's outcome on a target. */
export interface VerdictOutcome extends Pick<TargetOutcome, 'outcome' | 'why' | 'errno'> {
  readonly patch?: Pick<PatchOutcome, 'patched' | 'errno'>;
}

/** What objectVerdicts needs of an object alone: computed once, it serves any number of calls (one per target). */
export interface PreparedVerdicts {
  readonly progs: ObjectPrograms;
  readonly lines: LineIndex;
  /** Per program: where each relocation sits in it. */
  readonly sites: readonly (readonly { pos: number; relo: number }[])[];
  readonly programsOf: readonly (readonly number[])[];
  /**
   * Walks already made, per program, by hash of their patches (see objectVerdicts): kept with the object, so a caller
   * asking one target at a time (check: one per archive) reuses the walk of an earlier target whose patched
   * instructions and facts agree. Bounded (MEMO_PER_PROGRAM).
   */
  readonly memo: Map<number, Memo[]>[];
}

/** Walks remembered per program and object; the oldest hash goes first. */
const MEMO_PER_PROGRAM = 64;

/**
 * The per-object half of objectVerdicts for `relos` (the object's records in .BTF.ext order; only their section
 * and offset are read). Throws BtfError when the object's ELF is malformed.
 */
export function prepareVerdicts(obj: BpfObject, relos: readonly { section: string; insnOff: number }[]): PreparedVerdicts {
  const progs = loadPrograms(obj);
  const lines = new LineIndex(obj.ext?.lineInfo ?? []);
  const sites = relocationSites(progs, relos);
  const programsOf: number[][] = relos.map(() => []);
  sites.forEach((ss, k) => ss.forEach((s) => {
    if (!programsOf[s.relo]!.includes(k)) programsOf[s.relo]!.push(k);
  }));
  return { progs, lines, sites, programsOf, memo: progs.programs.map(() => new Map<number, Memo[]>()) };
}

/**
 * Verdicts for every program of `obj` on every target named in `relos` (the result of relocateObject on the same
 * object, all records in .BTF.ext order). Throws BtfError when the object's ELF is malformed.
 */
export function objectVerdicts(obj: BpfObject, relos: readonly VerdictRelocation[], targetList: readonly (string | VerdictTarget)[],
  opts: VerdictOptions = {}, prepared: PreparedVerdicts = prepareVerdicts(obj, relos)): ObjectVerdicts {
  const targets = targetList.map((t) => (typeof t === 'string' ? { name: t } : t));
  const { progs: loaded, lines, sites, programsOf } = prepared;
  const progs = opts.unknownRodata
    ? { ...loaded, data: new Map([...loaded.data].map(([k, d]) => [k, { ...d, frozen: false }] as const)) }
    : loaded;
  const reach = new Map<string, Reach[]>();
  const runs = new Map<string, Runs[]>();
  const perProgram = progs.programs.map(() => new Map<string, TargetVerdict>());
  const perProgramDerefs = progs.programs.map(() => new Map<string, ScalarDeref[]>());
  const memo = prepared.memo;

  // What the object alone decides about its __kconfig externs on any machine: a weak LINUX_ name libbpf does not know
  // is zero, a strong one is refused, and so is an extern type libbpf cannot fill. With unknownRodata (what the source
  // can know) the zero stays unknown too: the live analysis does not fold a branch on an extern.
  const kcfgExterns = kconfigExterns(obj);
  const intrinsic = kcfgExterns.length ? resolveKconfig(kcfgExterns, progs.littleEndian, {}) : undefined;
  if (intrinsic && opts.unknownRodata) intrinsic.values.clear();
  const intrinsicKcfg = intrinsic?.early ? { early: intrinsic.early } : undefined;
  // libbpf's open refuses an extern the object's BTF does not describe, on every target alike
  const opened = externOpenFailure(obj);
  for (const target of targets) {
    const t = target.name;
    const given = target.facts ?? {};
    const facts: KernelFacts = intrinsic?.values.size && [...intrinsic.values.keys()].some((k) => !given.kconfig?.has(k))
      ? { ...given, kconfig: new Map([...intrinsic.values, ...(given.kconfig ?? [])]) } : given;
    const verifyOpts = {
      nrCpuIds: facts.nrCpuIds ?? possibleCpus(), maxSteps: opts.maxSteps, exactNumbers: opts.exactNumbers, equalStates: opts.equalStates, evict: opts.evict, kconfig: facts.kconfig, hasKsym: facts.hasKsym,
      kconfigRange: opts.unknownRodata ? undefined : facts.kconfigRange, helperLimit: facts.helperLimit, tpErrArgs: facts.tpErrArgs,
    };
    // Which ksyms exist is not in the key: a walk records the ones it asked about (few, often none), and is reused only
    // where the target answers each the same (the walk is a function of its inputs: same answers, same walk).
    const factKey = [...(facts.kconfig ?? new Map())].map(([k, v]) => `${k}=${Buffer.from(v).toString('hex')}`).join(',')
      + [...(verifyOpts.kconfigRange ?? new Map())].map(([k, [lo, hi]]) => `;${k}=${lo}..${hi}`).join('')
      + `|${verifyOpts.nrCpuIds}|${opts.maxSteps ?? ''}${opts.exactNumbers ? 'x' : ''}${opts.equalStates ? 'e' : ''}|${opts.unknownRodata ? 'u' : ''}${opts.evict === false ? 'n' : ''}|${facts.hasKsym ? 'k' : ''}|${facts.helperLimit ?? ''}|${[...(facts.tpErrArgs ?? [])].map(([k, a]) => `${k}:${a.join('.')}`).join(',')}`;
    const sameKsyms = (m: Memo) => m.ksyms.every(([n, v]) => facts.hasKsym?.(n) === v);
    // libbpf resolves the __ksym externs before anything else (a strong one the kernel lacks fails the object), then
    // relocates the whole object and stops at the first error: either way no program loads.
    const externs = opened ?? externFailure(ksymExterns(obj), facts.hasKsym, facts.kconfigFailure ?? intrinsicKcfg, facts.ksymCompatible);
    const firstError = relos.findIndex((r) => r.targets.get(t)?.outcome === 'error');
    // An object with no program (a userspace plugin: all code in .text, its entry chosen by the host runtime) gives
    // the kernel nothing to load: whether its code runs is the runtime's business, not something the walk can say.
    const noProgram = progs.programs.length === 0;
    const here: Reach[] = new Array(relos.length);
    relos.forEach((r, i) => {
      const o = r.targets.get(t)?.outcome;
      // an object refused for its externs is never walked: whether a poisoned instruction would run is not known
      here[i] = o === 'error' ? 'error' : o === 'poison' ? (noProgram || externs ? 'unknown' : 'dead') : 'ok';
    });
    reach.set(t, here);
    const ran: Runs[] = relos.map(() => (externs || firstError >= 0 || noProgram ? 'unknown' : 'dead'));
    runs.set(t, ran);
    progs.programs.forEach((p, k) => {
      if (externs) {
        perProgram[k]!.set(t, { loads: false, kind: 'libbpf', extern: externs.extern, errno: externs.errno, reason: externRefusalReason(externs) });
        return;
      }
      if (firstError >= 0 || p.problem) {
        for (const s of sites[k]!) if (ran[s.relo] === 'dead') ran[s.relo] = 'unknown';
        const r = firstError >= 0 ? relos[firstError]! : undefined;
        const res = r?.targets.get(t);
        perProgram[k]!.set(t, {
          loads: false, kind: 'libbpf', ...(r ? { relocation: firstError, file: r.file, line: r.line, column: r.column } : {}),
          errno: res?.errno ?? res?.patch?.errno ?? 22,
          reason: r
            ? `libbpf fails the whole object load: relocation of \`${r.path}\` (${r.kindName}) in ${r.section}: ${res?.why ?? 'error'}`
            : `libbpf fails the whole object load: ${p.problem}`,
        });
        return;
      }
      // Targets whose patches and facts agree give the same walk: a hash of the patched instructions finds an
      // earlier one, confirmed instruction by instruction.
      const patches: (readonly Insn[] | undefined)[] = sites[k]!.map((s) => relos[s.relo]!.targets.get(t)?.patch?.patched);
      let h = hashString(factKey);
      patches.forEach((out, j) => {
        if (!out) return;
        h = Math.imul(h ^ sites[k]![j]!.pos, 0x01000193);
        for (const x of out) h = Math.imul(h ^ x.code ^ (x.off << 8) ^ x.imm, 0x01000193);
      });
      const candidates = memo[k]!.get(h) ?? [];
      let res = candidates.find((m) => m.factKey === factKey && samePatches(m.patches, patches) && sameKsyms(m))?.res;
      let patched: Insn[] | undefined;
      if (!res) {
        patched = p.insns.slice();
        sites[k]!.forEach((s, j) => patches[j]?.forEach((ins, q) => {
          if (s.pos + q < patched!.length) patched![s.pos + q] = ins;
        }));
        const ksyms: [string, boolean | undefined][] = [];
        const hasKsym = facts.hasKsym;
        res = verify(p, patched, p.insns, progs.data, progs.littleEndian, hasKsym ? {
          ...verifyOpts, hasKsym: (n: string) => {
            const v = hasKsym(n);
            ksyms.push([n, v]);
            return v;
          },
        } : verifyOpts);
        const m = memo[k]!;
        m.delete(h);
        m.set(h, [...candidates, { factKey, patches, res, patched, ksyms }]);
        if (m.size > MEMO_PER_PROGRAM) m.delete(m.keys().next().value!);
      } else {
        patched = candidates.find((m) => m.res === res)!.patched;
      }
      for (const s of sites[k]!) {
        if (res.reachedPoison.has(s.pos)) here[s.relo] = 'reachable';
        else if (res.incomplete && here[s.relo] === 'dead') here[s.relo] = 'unknown';
        if (res.visited[s.pos]) ran[s.relo] = 'reached';
        else if ((res.incomplete || res.malformed) && ran[s.relo] === 'dead') ran[s.relo] = 'unknown';
      }
      perProgram[k]!.set(t, targetVerdict(p, patched, res, relos, sites[k]!, lines, t, opts.maxSteps ?? KERNEL_INSN_LIMIT));
      perProgramDerefs[k]!.set(t, [...res.scalarDerefs.values()].map((e) => ({
        insn: e.insn, reg: e.reg ?? 0, text: describeInsn(patched, e.insn), section: p.originSection[e.insn]!,
        insnOff: p.originOff[e.insn]!, ...place(lines, p, e.insn),
      })));
    });
  }
  return {
    programs: progs.programs.map((p, k) => ({
      section: p.section, name: p.name, ctx: p.ctx, insnCount: p.insns.length, targets: perProgram[k]!,
      scalarDerefs: perProgramDerefs[k]!,
    })),
    reach, programsOf, runs,
  };
}

/** BPF_COMPLEXITY_LIMIT_INSNS: the kernel verifier gives up on a program once it processed more instructions. */
export const KERNEL_INSN_LIMIT = 1_000_000;

/**
 * CORELENS_VERDICT_COMPLEX=0: a walk that reaches the kernel's limit has no verdict ('unknown'), as before. On: the
 * program is refused as too large, because the walk counts instructions as the kernel's do_check() does (every
 * instruction of every path, the pruned one included) and records and prunes states as is_state_visited() does; a
 * bounded loop of our own is counted to the instruction (999,999 and 1,000,001: verdict/complexity.test.ts).
 */
const COMPLEX = process.env.CORELENS_VERDICT_COMPLEX !== '0';

function targetVerdict(p: LoadedProgram, patched: readonly Insn[], res: VerifyResult, relos: readonly VerdictRelocation[],
  sites: readonly { pos: number; relo: number }[], lines: LineIndex, target: string, budget: number): TargetVerdict {
  if (!res.error) {
    if (res.malformed) return { loads: false, kind: 'unknown', reason: res.malformed };
    if (res.incomplete && COMPLEX && budget === KERNEL_INSN_LIMIT) {
      return {
        loads: false, kind: 'complex', errno: 7,
        reason: `refused: too complex (the kernel processes more than ${KERNEL_INSN_LIMIT.toLocaleString('en-US')} instructions`
          + ` of this program and gives up) — BPF program is too large. Processed ${res.steps} insn`,
      };
    }
    if (res.incomplete) {
      return { loads: false, kind: 'unknown', reason: `the analysis stopped after ${res.steps} instructions without a verdict` };
    }
    return { loads: true };
  }
  const e = res.error;
  const text = describeInsn(patched, e.insn);
  const where = place(lines, p, e.insn);
  if (e.kind === 'core') {
    const s = sites.find((x) => x.pos === e.insn || x.pos === e.insn - 1);
    const r = s ? relos[s.relo] : undefined;
    const why = r?.targets.get(target)?.why;
    const was = describeInsn(p.insns, s?.pos ?? e.insn);
    return {
      loads: false, kind: 'core', insn: e.insn, text, ...(s ? { relocation: s.relo } : {}), ...where, errno: 22,
      reason: `the verifier reaches instruction ${e.insn} (${was.replace(/^\d+: /, '')}), poisoned because its CO-RE relocation failed`
        + (r ? `: \`${r.path}\` (${r.kindName}): ${problemOf(why)}` : '') + ' — invalid func unknown#195896080',
    };
  }
  if (e.kind === 'helper') {
    const id = patched[e.insn]?.imm ?? 0;
    const named = helperName(id);
    const helper = named ?? `helper #${id}`;
    return {
      loads: false, kind: 'helper', insn: e.insn, text, helper, ...where, errno: 22,
      reason: `the verifier reaches instruction ${e.insn}, a call of ${helper} (helper ${id}), which this kernel does not `
        + `have (a later kernel added it): guard the call with `
        + `bpf_core_enum_value_exists(enum bpf_func_id, BPF_FUNC_${named ? named.slice(4) : '<name>'}) — ${e.message}`,
    };
  }
  if (e.kind === 'null') {
    return {
      loads: false, kind: 'null', insn: e.insn, text, reg: e.reg, ...where, errno: 13,
      reason: `${e.message}: instruction ${e.insn} (${text.replace(/^\d+: /, '')}) goes through a pointer that may be NULL `
        + `(what bpf_dynptr_slice() or bpf_ringbuf_reserve() returned); check it first (\`if (!p) return ...\`)`,
    };
  }
  return {
    loads: false, kind: 'scalar', insn: e.insn, text, reg: e.reg, ...where, errno: 13,
    reason: `R${e.reg} invalid mem access 'scalar': instruction ${e.insn} (${text.replace(/^\d+: /, '')}) reads kernel memory through `
      + `a plain number; in a ${p.section.split('/')[0]} program read it with BPF_CORE_READ() (bpf_probe_read_kernel)`,
  };
}

/** The relocation's problem without its generic consequence (which the verdict states itself). */
function problemOf(why: string | undefined): string {
  if (!why) return 'no candidate matches';
  return why.replace(/: the instruction is poisoned.*$/, '');
}

function describeInsn(insns: readonly Insn[], idx: number): string {
  const i = insns[idx];
  return i ? `${idx}: ${disasm(i, insns[idx + 1], helperName)}` : `${idx}`;
}

function place(lines: LineIndex, p: LoadedProgram, idx: number): SourcePlace {
  const sec = p.originSection[idx];
  const off = p.originOff[idx];
  if (sec === undefined || off === undefined) return {};
  const l = lines.find(sec, off);
  return l ? { file: l.file, line: l.line, column: l.column } : {};
}

/** Architectures' syscall wrapper prefixes (libbpf's arch_specific_syscall_pfx()). */
const SYSCALL_WRAPPERS = ['__x64_sys_bpf', '__arm64_sys_bpf', '__s390x_sys_bpf', '__s390_sys_bpf', '__ia32_sys_bpf',
  '__riscv_sys_bpf', '__powerpc_sys_bpf', '__arm_sys_bpf', '__loongarch_sys_bpf'];

/** Where a target's BTF came from, for the facts only the loading machine has. */
export interface FactsOptions {
  /**
   * The target is the kernel this process runs on (its BTF is /sys/kernel/btf/vmlinux): untyped ksyms are answered
   * from this machine's /proc/kallsyms, as libbpf loading here would.
   */
  readonly running?: boolean;
  /** The target kernel's release (`uname -r`) and distro, when known: its LINUX_KERNEL_VERSION (targetKernelVersion). */
  readonly release?: string;
  readonly distro?: string;
  /**
   * The target machine's kernel config file, as the user names it (StatedMachine.kconfig): its CONFIG_* values, read
   * as libbpf there reads /boot/config-$(uname -r). Unreadable: unknown (the CLI and the configuration report it).
   */
  readonly kconfig?: string;
}

/** The LINUX_KERNEL_VERSION the loading machine gives a program (a range where the patch level is unknown), or
 * undefined where its release is not known: what tp_btf arguments and kernel-version arms are decided by. */
export function loadingKernelVersion(opts: Pick<FactsOptions, 'running' | 'release' | 'distro'>): number | readonly [number, number] | undefined {
  return opts.running ? runningVersionHere() : targetKernelVersion(opts.release, opts.distro);
}

/** The tp_btf arguments the loading machine's kernel types as numbers (rawtp.ts errorArgs), by tracepoint: what
 * the object path's walk and the source path's direct-read findings both ask of a target. */
export function tpErrArgsOf(opts: Pick<FactsOptions, 'running' | 'release' | 'distro'>): ReadonlyMap<string, readonly number[]> | undefined {
  return errorArgs(loadingKernelVersion(opts));
}

/** A stated kernel config's values, or nothing (unknown) when it cannot be read: its readers already said why. */
function statedOrUnknown(file: string): Pick<KconfigSource, 'config' | 'configError'> {
  try {
    return statedKconfig(file);
  } catch {
    return {};
  }
}

/**
 * What a target kernel's BTF tells about the facts libbpf computes on the loading machine: which ksyms and kfuncs
 * exist, and LINUX_HAS_SYSCALL_WRAPPER (its `__<arch>_sys_bpf`). Each __ksym extern is answered where libbpf looks it
 * up: a typed variable is a VAR of the kernel's BTF, a kfunc a FUNC; an untyped one is an address from /proc/kallsyms,
 * which a BTF cannot tell exactly: a FUNC of that name is a text symbol, always in kallsyms (present); anything else
 * is unknown (kallsyms lists data symbols only with CONFIG_KALLSYMS_ALL), except on the running kernel, whose
 * /proc/kallsyms is read. Other __kconfig values (CONFIG_*, LINUX_KERNEL_VERSION) are not in BTF: they come from
 * `opts` (the running machine, a trusted or stated release, a stated kernel config) or stay unknown, so both outcomes
 * of a branch on them are considered.
 */
export function factsFromBtf(btf: Btf, obj: BpfObject, opts: FactsOptions = {}): KernelFacts {
  const helperLimit = helperLimitOf(btf);
  const tpErrArgs = tpErrArgsOf(opts);
  return {
    ...(helperLimit !== undefined ? { helperLimit } : {}),
    ...(tpErrArgs ? { tpErrArgs } : {}),
    ...ksymAnswers(btf, obj.btf, ksymExterns(obj), !!opts.running),
    ...kconfigFacts(btf, kconfigExterns(obj), obj.elf.littleEndian, opts),
  };
}

/**
 * The __kconfig side of factsFromBtf for these externs (an object's, or those the live analysis says clang emits):
 * the values libbpf stores on the target's machine, its refusals there (absent without externs), known bounds.
 */
export function kconfigFacts(btf: Btf, kcfg: readonly KcfgExtern[], littleEndian: boolean, opts: FactsOptions):
  Pick<KernelFacts, 'kconfig' | 'kconfigFailure' | 'kconfigRange'> {
  if (!kcfg.length) return { kconfig: new Map(), kconfigFailure: undefined };
  const names = new Set(kcfg.map((e) => e.name));
  const version = opts.running ? undefined : targetKernelVersion(opts.release, opts.distro);
  const src: KconfigSource = {
    ...(opts.running ? runningKconfig() : typeof version === 'number' ? { version } : version ? { versionRange: version } : {}),
    ...(!opts.running && opts.kconfig ? statedOrUnknown(opts.kconfig) : {}),
    ...(names.has('LINUX_HAS_SYSCALL_WRAPPER') ? { syscallWrapper: SYSCALL_WRAPPERS.some((n) => btf.findByName(n, Kind.Func) > 0) } : {}),
    ...(names.has('LINUX_HAS_BPF_COOKIE') ? { bpfCookie: hasBpfCookie(btf) } : {}),
  };
  const r = resolveKconfig(kcfg, littleEndian, src);
  return { kconfig: r.values, kconfigFailure: { early: r.early, unresolved: r.unresolved }, ...(r.ranges.size ? { kconfigRange: r.ranges } : {}) };
}

/**
 * Why libbpf refuses a program's object on a target for its externs, as objectVerdicts decides it (the source
 * path's side: the externs the live analysis says clang emits, typed in its local BTF); undefined: it does not.
 */
export function externRefusal(btf: Btf, local: Btf, ksyms: readonly KsymExtern[], kcfg: readonly KcfgExtern[], littleEndian: boolean, opts: FactsOptions = {}): ExternFailure | undefined {
  if (!ksyms.length && !kcfg.length) return undefined;
  const k = ksymAnswers(btf, local, ksyms, !!opts.running);
  return externFailure(ksyms, k.hasKsym, kconfigFacts(btf, kcfg, littleEndian, opts).kconfigFailure, k.ksymCompatible);
}

/** Names factsFromBtf() looks up in a target: the object's __ksym externs and the syscall wrappers (for slicing). */
export function factNames(obj: BpfObject): string[] {
  const out: string[] = [];
  try {
    for (const sym of obj.elf.symbols()) if (sym.shndx === 0 && sym.name && (sym.info >> 4) !== 0) out.push(sym.name);
  } catch {
    // no symbol table: nothing to look up
  }
  return externFactNames(out, kconfigExterns(obj).map((e) => e.name));
}

/** The names a target slice must hold to answer questions about these externs (factNames of any program). */
export function externFactNames(symbols: readonly string[], kcfg: readonly string[]): string[] {
  const out = new Set<string>(symbols);
  if (kcfg.includes('LINUX_HAS_SYSCALL_WRAPPER')) for (const n of SYSCALL_WRAPPERS) out.add(n);
  // the helper enum: its __BPF_FUNC_MAX_ID says which helpers the kernel has (helperLimitOf), and its values
  // LINUX_HAS_BPF_COOKIE
  out.add('bpf_func_id');
  return [...out].sort();
}

/** The enumerators of a kernel's `enum bpf_func_id` (its helper table), which every kernel with BPF and BTF has. */
function helperEnum(btf: Btf): readonly Enumerator[] | undefined {
  const id = btf.findByName('bpf_func_id', Kind.Enum);
  if (id <= 0) return undefined;
  const t = btf.type(id);
  return t.kind === Kind.Enum ? t.values : undefined;
}

/**
 * The kernel's `__BPF_FUNC_MAX_ID`: the number of helper ids it knows (check_helper_call() refuses any id from there
 * on); undefined without the helper enum.
 */
export function helperLimitOf(btf: Btf): number | undefined {
  const max = helperEnum(btf)?.find((v) => v.name === '__BPF_FUNC_MAX_ID');
  return max === undefined ? undefined : Number(max.value);
}

/**
 * LINUX_HAS_BPF_COOKIE as libbpf probes it (a program calling bpf_get_attach_cookie loads), read from the kernel's
 * BTF: its helper enum names BPF_FUNC_get_attach_cookie from the kernel (5.15) that added the helper on.
 */
function hasBpfCookie(btf: Btf): boolean | undefined {
  return helperEnum(btf)?.some((v) => v.name === 'BPF_FUNC_get_attach_cookie');
}

interface Memo {
  readonly factKey: string;
  readonly patches: readonly (readonly Insn[] | undefined)[];
  readonly res: VerifyResult;
  readonly patched: Insn[];
  /** The ksym questions the walk asked, with the answers it got. */
  readonly ksyms: readonly (readonly [string, boolean | undefined])[];
}

function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h;
}

function samePatches(a: readonly (readonly Insn[] | undefined)[], b: readonly (readonly Insn[] | undefined)[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    const y = b[i];
    if (x === y) continue;
    if (!x || !y || x.length !== y.length) return false;
    for (let j = 0; j < x.length; j++) {
      const p = x[j]!;
      const q = y[j]!;
      if (p.code !== q.code || p.off !== q.off || p.imm !== q.imm || p.dst !== q.dst || p.src !== q.src) return false;
    }
  }
  return true;
}

let cpus: number | undefined;
/** nr_cpu_ids of this machine (the highest possible CPU + 1), or 1 when /sys cannot tell. */
function possibleCpus(): number {
  if (cpus !== undefined) return cpus;
  try {
    const txt = readFileSync('/sys/devices/system/cpu/possible', 'utf8').trim();
    const last = txt.split(',').pop()!.split('-').pop()!;
    cpus = Number(last) + 1;
  } catch {
    cpus = 8192;
  }
  if (!Number.isFinite(cpus) || cpus <= 0) cpus = 8192;
  return cpus;
}

/** Where each relocation sits in each program: (instruction index as loaded, relocation index) pairs. */
function relocationSites(progs: ObjectPrograms, relos: readonly { section: string; insnOff: number }[]): { pos: number; relo: number }[][] {
  const bySection = new Map<string, Map<number, number>>();
  relos.forEach((r, i) => {
    let m = bySection.get(r.section);
    if (!m) bySection.set(r.section, (m = new Map()));
    m.set(r.insnOff, i);
  });
  return progs.programs.map((p) => {
    const out: { pos: number; relo: number }[] = [];
    let sec = '';
    let m: Map<number, number> | undefined;
    for (let pos = 0; pos < p.originSection.length; pos++) {
      if (p.originSection[pos] !== sec) {
        sec = p.originSection[pos]!;
        m = bySection.get(sec);
      }
      const r = m?.get(p.originOff[pos]!);
      if (r !== undefined) out.push({ pos, relo: r });
    }
    return out;
  });
}

/** Per relocation (in `relos` order): the indices of the programs its instruction is part of once loaded. */
export function relocationPrograms(obj: BpfObject, relos: readonly { section: string; insnOff: number }[]): number[][] {
  const out: number[][] = relos.map(() => []);
  relocationSites(loadPrograms(obj), relos).forEach((ss, k) => ss.forEach((s) => {
    if (!out[s.relo]!.includes(k)) out[s.relo]!.push(k);
  }));
  return out;
}

/** The loaded form of an object's programs (for tools that only need the program list). */
export function programsOf(obj: BpfObject): ObjectPrograms | BtfError {
  try {
    return loadPrograms(obj);
  } catch (e) {
    if (e instanceof BtfError) return e;
    throw e;
  }
}
