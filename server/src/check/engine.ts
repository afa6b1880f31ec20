// One target of a check: load it (from the cache when possible), relocate the program's sites or records on it, and
// keep only a compact per-site result; the target's BTF is dropped when this returns. Runs in workers and, for
// --jobs 0, on the main thread: one code path, so both give identical results.

import { openBtfFile } from '../btf/open';
import { BpfObject, parseBpfObject } from '../btf/object';
import { Btf } from '../btf/reader';
import { ReloKind, isExistenceKind } from '../core/kinds';
import { PreparedObject, prepareObject, relocateEach } from '../core/object';
import { FailureKind, PreparedVerdicts, ScalarDeref, VerdictOutcome, VerdictRelocation, externFactNames, externRefusal, externRefusalReason, factNames, factsFromBtf, objectVerdicts, prepareVerdicts, loadingKernelVersion } from '../verdict/index';
import type { LibbpfExterns } from '../source/externs';
import { FailureClass, RelocationResult, RelocationStatus } from '../core/relocate';
import { fieldSize } from '../features/diagnostics';
import { LiveSite, evaluateSites, guardChecks, kverRulesOut } from '../features/evaluate';
import { archFromBtf } from '../targets/arch';
import { TargetSpec, loadingMachineOf } from '../targets/registry';
import { describeFsError } from '../util/files';
import { SliceCache, cacheableFailure, stampOf } from './cache';
import { rootNames, sliceBtf } from './slice';

/** A .bpf.c after analysis: what workers need to relocate its sites (plain data, cheap to post to a worker). */
export interface SourcePayload {
  readonly kind: 'source';
  readonly file: string;
  /** The local types clang would emit, as raw BTF. */
  readonly localBtf: Uint8Array;
  readonly sites: readonly LiveSite[];
  /** The __ksym / __kconfig externs clang emits for it (absent: none), which libbpf resolves before relocating. */
  readonly externs?: LibbpfExterns;
}

/** A compiled object; its verdicts come from the bytecode, the source beside it only places findings. */
export interface ObjectPayload {
  readonly kind: 'object';
  readonly file: string;
  readonly object: Uint8Array;
}

export type ProgramPayload = SourcePayload | ObjectPayload;

/** A site's result on one target, without the target's BTF. `runs`: 1 runs, 0 guarded off, 2 unknown. */
export interface LiteSite {
  readonly s: RelocationStatus;
  readonly f?: FailureClass;
  readonly p?: string;
  readonly g?: string;
  readonly why?: string;
  /** The value, for existence checks only (what guard findings compare). */
  readonly v?: bigint;
  readonly runs: 0 | 1 | 2;
  /** Index of the guard that switches the site off. */
  readonly off?: number;
  /** runs 2 only because a guard's check is poisoned there (SiteOnTarget.pastPoison). */
  readonly pp?: true;
  /** Target field size for byte-offset sites (what size findings compare). */
  readonly fs?: number;
  /** libbpf cannot resize a load of this field there (RelocationResult.failMemszAdjust). */
  readonly m?: true;
}

/**
 * A .BTF.ext record's result on one target: the outcome after patching, and whether its instruction runs (from the
 * load verdicts: 1 reached, 0 dead code, 2 not applicable or unknown).
 */
export interface LiteRecord {
  readonly o: RelocationStatus;
  readonly s: RelocationStatus;
  readonly f?: FailureClass;
  readonly p?: string;
  readonly g?: string;
  readonly why?: string;
  readonly runs: 0 | 1 | 2;
}

/** A program's load verdict on one target, compact (what crosses from a worker). */
export interface LiteVerdict {
  readonly loads: boolean;
  readonly kind?: FailureKind;
  readonly insn?: number;
  readonly relocation?: number;
  readonly reg?: number;
  readonly errno?: number;
  readonly reason?: string;
  /** For 'libbpf': the __ksym extern libbpf could not resolve on that kernel. */
  readonly extern?: string;
  /** For 'helper': the helper that kernel does not have. */
  readonly helper?: string;
  readonly file?: string;
  readonly line?: number;
  readonly column?: number;
  /** Every reachable read through a plain number. */
  readonly derefs?: readonly ScalarDeref[];
}

export type TargetReport =
  | { readonly index: number; readonly name: string; readonly ok: true; readonly sites?: LiteSite[];
    /**
     * A .o's records that do not simply resolve, by record index (sparse: most records of a large object resolve,
     * and every report crosses from a worker to the main thread, so only the interesting ones are sent).
     */
    readonly records?: ReadonlyMap<number, LiteRecord>;
    readonly programs?: LiteVerdict[]; readonly cached: boolean; readonly archiveRead: boolean; readonly cacheProblem?: string;
    /** The arch the target's BTF says (its pt_regs), when known: a target whose spec said none may need another analysis. */
    readonly arch?: string;
    /** libbpf refuses the whole object on this target for its externs (a .o's verdicts, or the source's externs). */
    readonly refused?: Refusal }
  | { readonly index: number; readonly name: string; readonly ok: false; readonly file: string; readonly error: string; readonly archiveRead: boolean };

/** Why libbpf refuses an object for its externs on one target: the extern, errno and the verdicts' reason text. */
export interface Refusal { readonly extern: string; readonly errno: number; readonly reason: string }

/** A payload parsed once per worker. */
export interface PreparedProgram {
  readonly payload: ProgramPayload;
  readonly localBtf?: Btf;
  readonly obj?: BpfObject;
  /** Root type names the target slice must cover. */
  readonly names: readonly string[];
  /**
   * An object's per-object work (record descriptions, local specs, loaded programs, line index), done on the first
   * target and shared by the rest: only what depends on the target is done per target.
   */
  parts?: { relocs: PreparedObject; verdicts: PreparedVerdicts };
}

/** Parses what a worker received. */
export function prepareProgram(payload: ProgramPayload): PreparedProgram {
  const siteRoots = (btf: Btf, sites: readonly LiveSite[]) => rootNames(btf, sites.flatMap((s) => [s, ...s.guards.flatMap(guardChecks)]));
  if (payload.kind === 'source') {
    const localBtf = Btf.parse(payload.localBtf, payload.file);
    const roots = siteRoots(localBtf, payload.sites);
    const ex = payload.externs;
    // the slice also covers the kernel symbols the extern check asks about (as an object's factNames)
    const names = ex ? [...new Set([...roots, ...externFactNames(ex.ksyms.map((e) => e.name), ex.kcfg.map((e) => e.name))])].sort() : roots;
    return { payload, localBtf, names };
  }
  const obj = parseBpfObject(payload.object, payload.file);
  // The slice also covers the kernel symbols the verdicts ask about (do the __ksym externs exist, the syscall wrapper).
  const names = new Set([...rootNames(obj.btf, obj.ext?.coreRelos ?? []), ...factNames(obj)]);
  return { payload, obj, names: [...names].sort() };
}

/** An object's per-object work, done on first use. Throws BtfError when the object's ELF is malformed. */
export function objectParts(prog: PreparedProgram): { relocs: PreparedObject; verdicts: PreparedVerdicts } {
  if (!prog.parts) {
    const relocs = prepareObject(prog.obj!);
    prog.parts = { relocs, verdicts: prepareVerdicts(prog.obj!, relocs.records) };
  }
  return prog.parts;
}

export interface EngineOptions {
  /** Undefined: no cache (always read the archive, relocate on the full BTF). */
  readonly cache?: SliceCache;
}

/** Checks one target; never throws (a bad target is a value naming its file). */
export async function checkTarget(prog: PreparedProgram, spec: TargetSpec, index: number, opts: EngineOptions): Promise<TargetReport> {
  let archiveRead = false;
  try {
    const loaded = await loadForCheck(spec, prog.names, opts.cache, () => { archiveRead = true; });
    const target = { name: spec.name, btf: loaded.btf };
    const remap = loaded.ids ? (t: string | undefined) => remapAmbiguity(t, loaded.ids!) : (t: string | undefined) => t;
    if (prog.payload.kind === 'source') {
      const ex = prog.payload.externs;
      // (byte order: only whether libbpf refuses is read here, which no kconfig value's byte order changes)
      const machine = loadingMachineOf(spec);
      const f = ex ? externRefusal(loaded.btf, prog.localBtf!, ex.ksyms, ex.kcfg, true, machine) : undefined;
      const refused: Refusal | undefined = f && { extern: f.extern, errno: f.errno, reason: externRefusalReason(f) };
      const evs = evaluateSites(prog.localBtf!, prog.payload.sites, [target]);
      const version = loadingKernelVersion(machine);
      const sites = evs.map((ev): LiteSite => {
        const st = ev.targets.get(spec.name)!;
        // an object libbpf refuses is never walked by the verifier: as for a .o, whether a site runs is unknown
        // there (its guards decide nothing: nothing loads)
        if (refused) return { ...lite(st.result, remap), runs: 2, ...(ev.site.kind === ReloKind.FieldByteOffset ? sizeOf(st.result) : {}) };
        // an arm a LINUX_KERNEL_VERSION comparison does not take on this target's machine: the verifier, reading
        // the frozen .kconfig value as a constant, never walks it (as objectVerdicts decides for the .o)
        if (kverRulesOut(ev.site.kver, version)) {
          return { ...lite(st.result, remap), runs: 0, ...(ev.site.kind === ReloKind.FieldByteOffset ? sizeOf(st.result) : {}) };
        }
        return {
          ...lite(st.result, remap), runs: st.runs === undefined ? 2 : st.runs ? 1 : 0,
          ...(st.offBy ? { off: ev.site.guards.indexOf(st.offBy) } : {}),
          ...(st.pastPoison ? { pp: true as const } : {}),
          ...(ev.site.kind === ReloKind.FieldByteOffset ? sizeOf(st.result) : {}),
        };
      });
      return { index, name: spec.name, ok: true, sites, cached: loaded.cached, archiveRead, ...(loaded.problem ? { cacheProblem: loaded.problem } : {}),
        ...(loaded.arch ? { arch: loaded.arch } : {}), ...(refused ? { refused } : {}) };
    }
    // (prepared inside the try: a malformed object is reported per target, as before, not as a worker crash)
    const parts = objectParts(prog);
    // Only what the verdicts and the report read is kept of each result (most of a result is garbage at once).
    const infos = parts.relocs.records;
    const relos: VerdictRelocation[] = new Array(infos.length);
    const records = new Map<number, LiteRecord>();
    relocateEach(prog.obj!, target, parts.relocs, {}, (i, res) => {
      const info = infos[i]!;
      const out: VerdictOutcome = { outcome: res.outcome, why: res.why, errno: res.errno, patch: res.patch };
      relos[i] = {
        section: info.section, insnOff: info.insnOff, path: info.path, kindName: info.kindName, file: info.file, line: info.line,
        column: info.column, targets: { get: (t: string) => (t === spec.name ? out : undefined) },
      };
      // `runs` is filled in from the verdicts below
      if (res.outcome !== 'ok') records.set(i, { o: res.outcome, ...lite(res, remap), why: remap(res.why), runs: 2 });
    });
    // Whether each poisoned instruction is reached, and each program's verdict: from the bytecode, as the kernel's
    // verifier walks it (verdict/), with what libbpf would find on that kernel (ksyms, syscall wrapper).
    const v = objectVerdicts(prog.obj!, relos, [{ name: spec.name, facts: factsFromBtf(loaded.btf, prog.obj!, loadingMachineOf(spec)) }], {}, parts.verdicts);
    const reach = v.reach.get(spec.name)!;
    for (const [i, l] of records) {
      const r = reach[i];
      records.set(i, { ...l, runs: r === 'reachable' ? 1 : r === 'dead' ? 0 : 2 });
    }
    const programs = v.programs.map((p): LiteVerdict => {
      const tv = p.targets.get(spec.name)!;
      const derefs = p.scalarDerefs.get(spec.name) ?? [];
      return { ...tv, ...(tv.reason ? { reason: remap(tv.reason) } : {}), ...(derefs.length ? { derefs } : {}) };
    });
    // every program carries the same refusal (objectVerdicts): the first says it for the object
    const first = programs[0];
    const refused: Refusal | undefined = first && !first.loads && first.kind === 'libbpf' && first.extern !== undefined
      ? { extern: first.extern, errno: first.errno ?? 0, reason: first.reason ?? '' } : undefined;
    return { index, name: spec.name, ok: true, records, programs, cached: loaded.cached, archiveRead, ...(loaded.problem ? { cacheProblem: loaded.problem } : {}),
      ...(loaded.arch ? { arch: loaded.arch } : {}), ...(refused ? { refused } : {}) };
  } catch (e) {
    return { index, name: spec.name, ok: false, file: spec.path, error: e instanceof Error ? e.message : String(e), archiveRead };
  }
}

function lite(r: RelocationResult, remap: (t: string | undefined) => string | undefined): Omit<LiteSite, 'runs'> {
  return {
    s: r.status,
    ...(r.failure ? { f: r.failure } : {}),
    ...(r.problem ? { p: remap(r.problem) } : {}),
    ...(r.suggestion ? { g: r.suggestion } : {}),
    ...(r.reason ? { why: remap(r.reason) } : {}),
    ...(isExistenceKind(r.kind) && r.value !== undefined ? { v: r.value } : {}),
    ...(r.failMemszAdjust ? { m: true as const } : {}),
  };
}

function sizeOf(r: RelocationResult): { fs?: number } {
  if (r.status !== 'ok' || !r.targetSpec) return {};
  try {
    const size = fieldSize(r.targetSpec);
    return size === undefined ? {} : { fs: size };
  } catch {
    return {};
  }
}

/**
 * Ambiguity messages name target type ids ("struct foo [12] and struct foo [34] for ..."); on a slice those are
 * slice ids, so they are mapped back to the archive's numbering to keep reports identical with and without cache.
 */
export function remapAmbiguity(text: string | undefined, ids: Uint32Array): string | undefined {
  if (!text || !/ between .* \[\d+\] and .* \[\d+\] for /.test(text)) return text;
  const cut = text.indexOf(' for ');
  return text.slice(0, cut).replace(/\[(\d+)\]/g, (m, n: string) => {
    const orig = ids[Number(n) - 1];
    return orig === undefined ? m : `[${orig}]`;
  }) + text.slice(cut);
}

interface Loaded {
  btf: Btf;
  /** Slice id → original id, when `btf` is a slice. */
  ids?: Uint32Array;
  cached: boolean;
  problem?: string;
  /** What the BTF's pt_regs say (from the whole BTF when read, else from the cache entry). */
  arch?: string;
}

/** The target's BTF for this program: the cached slice when it covers `names`, else the archive (then cached). */
async function loadForCheck(spec: TargetSpec, names: readonly string[], cache: SliceCache | undefined, onRead: () => void): Promise<Loaded> {
  if (spec.base || !cache) {
    // Split targets (module or app over a base) are relocated on the full BTF: a slice needs a base BTF.
    let base: Btf | undefined;
    if (spec.base) base = await readBtf(spec.base, undefined, onRead);
    const btf = await readBtf(spec.path, base, onRead);
    const arch = archFromBtf(btf)?.arch;
    return { btf, cached: false, ...(arch ? { arch } : {}) };
  }
  const stamp = await stampOf(spec.path).catch((e: NodeJS.ErrnoException) => {
    throw new Error(describeFsError(e));
  });
  let entry = await cache.get(stamp);
  if (entry && 'error' in entry) throw new CachedFailureError(entry.error);
  if (entry) {
    const have = new Set(entry.names);
    if (names.every((n) => have.has(n))) {
      // an entry that passes its checksum but does not parse (written by a buggy version?) is replaced below
      try {
        return { btf: Btf.parse(entry.bytes, spec.path), ids: entry.ids, cached: true, ...(entry.arch ? { arch: entry.arch } : {}) };
      } catch {
        entry = undefined;
      }
    }
  }
  let full: Btf;
  try {
    full = await readBtf(spec.path, undefined, onRead);
  } catch (e) {
    if (cacheableFailure(e)) await cache.putFailure(stamp, (e as Error).message);
    throw e;
  }
  const covered = [...new Set([...(entry?.names ?? []), ...names])].sort();
  let slice: ReturnType<typeof sliceBtf>;
  let arch: string | undefined;
  try {
    slice = sliceBtf(full, covered);
    // The arch is kept beside the slice (which may not hold pt_regs), so later runs know it without the archive.
    arch = archFromBtf(full)?.arch;
  } finally {
    // The whole archive ends here: the slice is a fresh encoding (its own buffer) and the arch a string, so nothing
    // read from `full` outlives this line. Its memory goes to the next archive's xz output and record tables
    // (recycle.ts) instead of fresh pages the kernel must clear.
    full.release();
  }
  const problem = await cache.put({ stamp, names: covered, ...slice, ...(arch ? { arch } : {}) });
  return { btf: Btf.parse(slice.bytes, spec.path), ids: slice.ids, cached: false, ...(problem ? { problem } : {}), ...(arch ? { arch } : {}) };
}

/** Reads and parses one BTF file of any container open.ts knows; errors carry the problem without the file name. */
async function readBtf(file: string, base: Btf | undefined, onRead: () => void): Promise<Btf> {
  onRead();
  const r = await openBtfFile(file, { base });
  if (!r.ok) {
    const e = new Error(r.error.message.startsWith(file) ? r.error.message.slice(file.length).replace(/^:\s*/, '') : r.error.message);
    if (r.error.transient) (e as { transient?: boolean }).transient = true;
    throw e;
  }
  return r.value.btf;
}

/** A failure found on an earlier run for this very file version (same size and mtime): reported as then. */
class CachedFailureError extends Error {}
