// The check pipeline: analyse the program once, check every target (workers, cache), then turn per-target results
// into the language server's findings, each naming the targets it applies to, grouped by cause.

import { existsSync } from 'fs';
import * as path from 'path';
import { capture } from '../btf/errors';
import { BpfObject, parseBpfObject, readBpfObjectBytes } from '../btf/object';
import { InputError, describeFsError, readTextInput } from '../util/files';
import { Btf } from '../btf/reader';
import { essentialName } from '../btf/reader';
import { reloKindName } from '../core/kinds';
import { RecordInfo } from '../core/object';
import { RelocationResult } from '../core/relocate';
import { readInsn, sectionCode } from '../core/patch';
import { describe as describeType, parseSpec } from '../core/spec';
import { cTypeName } from '../btf/cnames';
import { isComposite } from '../btf/types';
import { ArchEvaluation, mergeArchEvaluations, mergedFindings } from '../features/arches';
import { CODES, Finding, FindingOptions, Severity, siteLabel } from '../features/diagnostics';
import { LiveSite, SiteEvaluation, SiteOnTarget } from '../features/evaluate';
import { createAnalyzer } from '../source/analyzer';
import { HeaderCache } from '../source/localTypes';
import { SharedFunctions } from '../source/sharedFunctions';
import { Arch, archDefines, archSkipNote, hostArch, objectArch, parseArch, sameObjectArch, targetArchName } from '../targets/arch';
import { TargetSpec, loadingMachineOf } from '../targets/registry';
import { SkippedFile, describeTarget } from '../targets/tree';
import { LiteRecord, LiteSite, ObjectPayload, PreparedProgram, ProgramPayload, Refusal, SourcePayload, TargetReport, objectParts, prepareProgram } from './engine';
import { hasPrograms, libbpfExterns } from '../source/externs';
import type { Analysis, Range } from '../source/analyzer';
import { ScalarDeref, loadPrograms, relocationPrograms, tpErrArgsOf } from '../verdict/index';
import { LoadSite, RecordKey, analyseSource, assignRecords, loadSite, mergedSites, recordFunctions, siblingSource, siteMatcher } from './places';
import { ArchPlan, planArches } from './arches';
import { checkTargets } from './pool';
import { TargetInfo, summarizeTargets } from '../targets/summary';
import { peakRssKb } from '../util/memory';

export type SeverityName = 'error' | 'warning' | 'information' | 'hint';

/** Code of a check-only finding: a .o load/store whose size libbpf cannot adjust (seen only with instructions). */
export const UNRESIZABLE_LOAD = CODES.unresizableLoad;


/** One finding of a check: a place in the program, what is wrong, and on which targets. */
export interface CheckFinding {
  readonly code: string;
  readonly severity: SeverityName;
  /** Short statement of what is wrong, shared by every place with the same problem ("`task_struct::state` missing"). */
  readonly cause: string;
  readonly message: string;
  /** 1-based; `line` 0 when the object carries no line info for the record. */
  readonly location: { readonly file: string; readonly line: number; readonly column: number; readonly endLine: number; readonly endColumn: number };
  readonly targets: readonly string[];
  /** The targets in brief ("5.14 and newer, 212 kernels"). */
  readonly summary: string;
  readonly site: { readonly kind: string; readonly localType: string; readonly access: string; readonly path: string };
}

/** Findings with one cause on one target set: a row of the matrix. */
export interface CauseGroup {
  readonly code: string;
  readonly severity: SeverityName;
  readonly cause: string;
  readonly targets: readonly string[];
  readonly summary: string;
  /** Indices into CheckReport.findings. */
  readonly findings: readonly number[];
}

/** A program of a .o and whether it loads on each target (the JSON `programs` rows). */
export interface ProgramRow {
  readonly section: string;
  readonly name: string;
  readonly targets: Readonly<Record<string, ProgramOnTarget>>;
  /** Targets it fails on, in brief ("5.10 and older, 2 kernels"); absent when it loads everywhere. */
  readonly fails?: string;
}

export interface ProgramOnTarget {
  readonly loads: boolean;
  /**
   * core: a reachable poisoned CO-RE relocation; scalar: a read through a plain number; helper: a reachable call of a
   * helper that kernel does not have; libbpf: the object is refused.
   */
  readonly kind?: string;
  /** For helper: which one (`bpf_loop`). */
  readonly helper?: string;
  /** Instruction index in the program as loaded (what the verifier log names). */
  readonly insn?: number;
  readonly file?: string;
  readonly line?: number;
  readonly column?: number;
  readonly reason?: string;
  /** For libbpf: its errno, and the __ksym extern it could not resolve (then every program of the object fails alike). */
  readonly errno?: number;
  readonly extern?: string;
}

export interface TargetRow {
  readonly name: string;
  readonly file: string;
  readonly status: 'pass' | 'fail' | 'skipped';
  readonly error?: string;
  readonly cached?: boolean;
}

export interface CheckReport {
  /**
   * guards: 'source' for a .bpf.c (the live analysis reads them), 'bytecode' for a .o (the load verdicts walk the
   * instructions as the verifier does; a source beside it, `source`, only places findings on expressions).
   */
  readonly program: { readonly file: string; readonly kind: 'source' | 'object'; readonly relocations: number; readonly guards: 'source' | 'bytecode'; readonly source?: string;
    /** The arch the program is built for (objects, or sources given one arch); absent when nothing says. */
    readonly arch?: string;
    /** What says it (`its CO-RE relocations read di, si from struct pt_regs`, `--arch`). */
    readonly archEvidence?: string;
    /** Source analyses run, one per arch present among the targets. */
    readonly analyses?: readonly string[] };
  /** For a .o: every program's load verdict on every checked target, failing programs first. */
  readonly programs?: readonly ProgramRow[];
  readonly findings: readonly CheckFinding[];
  readonly causes: readonly CauseGroup[];
  readonly targets: readonly TargetRow[];
  /** Files that were not targets after all: unreadable, corrupt, not BTF. */
  readonly skipped: readonly SkippedFile[];
  readonly notes: readonly string[];
  readonly stats: { readonly targets: number; readonly checked: number; readonly failing: number; readonly skipped: number;
    readonly workers: number; readonly cacheHits: number; readonly archivesRead: number; readonly wallMs: number; readonly peakRssMb: number;
    /** Targets left out because the program is built for another arch. */
    readonly otherArch?: number };
}

export interface CheckOptions {
  readonly file: string;
  readonly targets: readonly TargetSpec[];
  /** Files a tree scan already found unusable. */
  readonly skipped?: readonly SkippedFile[];
  readonly includePaths?: readonly string[];
  readonly defines?: readonly string[];
  /** For a .o: the source findings point into (default: FILE.bpf.c beside it, if any). */
  readonly source?: string;
  readonly workers: number;
  readonly cacheDir?: string;
  readonly severities?: FindingOptions['severities'];
  /**
   * The arch the program is built for, when the user says (`--arch` with one arch, or `-D__TARGET_ARCH_x86`): targets
   * of other arches are left out with one note. Without it, an object's arch is inferred and a source is analysed
   * once per arch present.
   */
  readonly arch?: Arch;
}

/** Input problems (unreadable program, no targets): exit code 2 material, as a value. */
export class CheckInputError extends Error {}

const SEVERITY: Record<Severity, SeverityName> = { 1: 'error', 2: 'warning', 3: 'information', 4: 'hint' } as Record<Severity, SeverityName>;

/** Runs a whole check. Throws CheckInputError for a program that cannot be read or analysed. */
export async function runCheck(o: CheckOptions): Promise<CheckReport> {
  const t0 = performance.now();
  const file = path.resolve(o.file);
  const notes: string[] = [];
  const isObject = /\.o$/i.test(file);
  const declared = o.arch ?? archOfDefines(o.defines);
  // What the specs say (configuration, BTFHub path, manifest, name); the BTF of a target whose spec says nothing is
  // read by the worker anyway, and the arch it reports corrects the plan afterwards (no extra read here).
  const arches = specArches(o.targets);
  let programArch: { arch: Arch; evidence: string } | undefined = declared
    ? { arch: declared, evidence: o.arch ? '--arch' : `-D__TARGET_ARCH_${targetArchName(declared)}` } : undefined;
  const reports: TargetReport[] = new Array(o.targets.length);
  let payload: ProgramPayload;
  /** Per analysis arch: its payload and the target indices it served (sources). */
  const analyses: { arch: Arch; payload: SourcePayload; indices: number[] }[] = [];
  let meta: readonly RecordInfo[] = [];
  let sourceFile: string | undefined;
  let places: Places | undefined;
  let progIds: ProgramId[] = [];
  let match: ((r: RecordKey) => number[]) | undefined;
  let parsed: BpfObject | undefined;
  let prepared: PreparedProgram;
  let plan: ArchPlan;
  if (isObject) {
    // read once, within the object cap; the same bytes go to the workers
    let bytes: Uint8Array;
    try {
      bytes = await readBpfObjectBytes(file);
    } catch (e) {
      throw new CheckInputError(e instanceof InputError ? `${file}: ${e.message}` : String(e));
    }
    payload = { kind: 'object', file, object: bytes } satisfies ObjectPayload;
    // Parsed once here: the main thread checks targets too (pool.ts), and its findings reuse the same work.
    prepared = objectEssentials(file, payload);
    const compiledFor = objectArch(prepared.obj!);
    programArch ??= compiledFor;
    progIds = loadPrograms(prepared.obj!).programs.map((x) => ({ section: x.section, name: x.name }));
    plan = planArches(arches, programArch?.arch);
    sourceFile = o.source ? path.resolve(o.source) : await siblingSource(file);
    if (sourceFile) {
      // The source only places findings on expressions; whether code runs comes from the bytecode. It is read with
      // the arch the object's own relocations show it was compiled for (whatever --arch claims), so its sites match.
      const src = await analyseSource(sourceFile, { includePaths: o.includePaths, defines: withArch(o.defines, compiledFor?.arch ?? programArch?.arch) });
      if ('error' in src) throw new CheckInputError(src.error);
      for (const n of src.analysis.notes) {
        if (n.severity !== 'info' || /a corelens limit/.test(n.message)) notes.push(`${sourceFile}:${n.range.start.line + 1}:${n.range.start.character + 1}: ${n.severity}: ${n.message}`);
      }
      const sites = src.analysis.sites;
      // the records are described after the targets ran (the object is prepared once, see below): matched then
      match = siteMatcher(sites, src.analysis.functions);
      const externs: { [name: string]: Range } = {};
      for (const e of src.analysis.externs()) {
        const at = e.declRange ?? e.useRange;
        if (at) externs[e.name] = at;
      }
      places = { source: sourceFile, sites, recordSites: [], merged: [], externs, reads: src.analysis.plainReads };
    } else {
      notes.push(`${path.basename(file)}: no source beside the object (${path.basename(file).replace(/(\.bpf(el|eb)?)?\.o$/i, '.bpf.c')}; or pass --source): `
        + 'findings point at the line-info rows of the object');
    }
    const indices = plan.groups.flatMap((g) => g.indices).sort((a, b) => a - b);
    await checkTargets(payload, indices.map((i) => o.targets[i]!), { workers: o.workers, cacheDir: o.cacheDir, prepared },
      (r) => { reports[indices[r.index]!] = { ...r, index: indices[r.index]! }; });
    parsed = prepared.obj!;
    meta = objectParts(prepared).relocs.records;
    if (places && match) {
      // matched on the type as C spells it, which is how the live sites name their root (`class_rcu_t`, not the
      // record's `typedef class_rcu_t`): a typedef-rooted record found no site and kept its line-info row (sched-ext's
      // cleanup.bpf.h destructor of a guard, reported in the header by the object path, at the guard by the source)
      const spelled = meta.map((r) => { try { return { ...r, localType: cTypeName(parsed!.btf, r.typeId) }; } catch { return r; } });
      const recordSites = assignRecords(spelled, places.sites, match, recordFunctions(parsed, meta));
      places = { ...places, recordSites, merged: mergedSites(spelled, recordSites, places.sites) };
    }
    // A target of unknown arch whose BTF turned out to be another arch's: left out after all, like the others.
    if (programArch) {
      for (const i of indices) {
        const a = arches[i] ? undefined : reportedArch(reports[i]);
        if (!a || sameObjectArch(a, programArch.arch)) continue;
        delete reports[i];
        plan.skipped.push({ index: i, arch: a });
      }
    }
  } else {
    plan = planArches(arches, programArch?.arch);
    // one header cache for every arch's analysis, as the language server has: a header no arch macro can reach
    // (a bpftool vmlinux.h) is parsed once (HeaderCache.agrees decides, per header)
    const headers = new HeaderCache();
    // and one registry of function typings: a function reading nothing the arches differ in is typed once
    const functions = new SharedFunctions();
    const run = async (arch: Arch, indices: number[]) => {
      let a = analyses.find((x) => x.arch === arch);
      if (!a) analyses.push(a = { arch, payload: await analyse(file, o, notes, arch, headers, functions), indices: [] });
      a.indices.push(...indices);
      await checkTargets(a.payload, indices.map((i) => o.targets[i]!), { workers: o.workers, cacheDir: o.cacheDir },
        (r) => { reports[indices[r.index]!] = { ...r, index: indices[r.index]! }; });
    };
    for (const g of plan.groups) await run(g.arch, g.indices);
    // Targets whose spec said no arch ran with the largest group's analysis; one whose BTF says another arch is
    // checked again with that arch's (its slice is in the cache by now): each target's findings from its own arch.
    const again = new Map<Arch, number[]>();
    for (const a of analyses) {
      for (const i of [...a.indices]) {
        const got = arches[i] ? undefined : reportedArch(reports[i]);
        if (!got || sameObjectArch(got, a.arch)) continue;
        if (programArch) {
          delete reports[i];
          plan.skipped.push({ index: i, arch: got });
        } else again.set(got, [...(again.get(got) ?? []), i]);
        a.indices.splice(a.indices.indexOf(i), 1);
      }
    }
    for (const [arch, indices] of again) await run(arch, indices);
    for (const a of analyses) a.indices.sort((x, y) => x - y);
    if (analyses.length === 0) analyses.push({ arch: hostArch() ?? 'x86_64', payload: await analyse(file, o, notes, undefined), indices: [] });
    payload = analyses[0]!.payload;
  }
  if (plan.skipped.length && programArch) {
    notes.push(`${path.basename(file)}: ${archSkipNote(programArch.arch, programArch.evidence, plan.skipped.map((k) => ({ name: o.targets[k.index]!.name, arch: k.arch })))}`);
  }
  const otherArch = new Map(plan.skipped.map((k) => [k.index, k.arch] as const));

  const skipped: SkippedFile[] = [...(o.skipped ?? [])];
  const okReports = reports.filter((r): r is Extract<TargetReport, { ok: true }> => !!r && r.ok);
  for (const r of reports) if (r && !r.ok) skipped.push({ file: r.file, problem: r.error });
  for (const r of okReports) if (r.cacheProblem && !notes.includes(r.cacheProblem)) notes.push(r.cacheProblem);
  const infos: TargetInfo[] = okReports.map((r) => {
    const d = describeTarget(o.targets[r.index]!);
    return { name: d.name, version: d.version, kind: d.kind };
  });
  const names = okReports.map((r) => r.name);
  const describe = (t: readonly string[]) => summarizeTargets(t, infos);

  const findings = payload.kind === 'source'
    ? sourceFindings(file, analyses.map((a) => ({ arch: a.arch, payload: a.payload, reports: okReports.filter((r) => a.indices.includes(r.index)) })), describe, o.severities,
      tpErrArgsByName(okReports.map((r) => [r.name, o.targets[r.index]!] as const)))
    : [...objectFindings(payload, parsed!, meta, okReports, describe, places, progIds), ...externFindings(okReports, describe, (name) => {
      const at = places?.externs?.[name];
      return at ? rangeLocation(places!.source, at) : places ? { file: places.source, line: 1, column: 1, endLine: 1, endColumn: 1 }
        : { file, line: 0, column: 1, endLine: 0, endColumn: 1 };
    })];
  const programs = payload.kind === 'object' ? programRows(okReports, describe, progIds, (f) => resolveSource(payload, f, places)) : undefined;
  dedupe(findings);
  findings.sort((a, b) => a.location.file.localeCompare(b.location.file) || a.location.line - b.location.line
    || a.location.column - b.location.column || a.code.localeCompare(b.code));

  const failing = new Set(findings.filter((f) => f.severity === 'error' || f.severity === 'warning').flatMap((f) => f.targets));
  for (const p of programs ?? []) for (const [t, v] of Object.entries(p.targets)) if (!v.loads) failing.add(t);
  const targets: TargetRow[] = o.targets.map((spec, i) => {
    const r = reports[i];
    if (!r) return { name: spec.name, file: spec.path, status: 'skipped', error: `built for another arch (${otherArch.get(i) ?? 'unknown'})` };
    return r.ok
      ? { name: r.name, file: spec.path, status: failing.has(r.name) ? 'fail' : 'pass', cached: r.cached }
      : { name: r.name, file: spec.path, status: 'skipped', error: r.error };
  });
  return {
    program: {
      file, kind: payload.kind,
      // a copy clang merges with an earlier one is no record of its own (source/cse.ts)
      relocations: payload.kind === 'source' ? payload.sites.filter((s) => !s.merged && s.plainRead === undefined).length : meta.length,
      guards: payload.kind === 'source' ? 'source' : 'bytecode',
      ...(payload.kind === 'object' && sourceFile ? { source: sourceFile } : {}),
      ...(programArch ? { arch: programArch.arch, archEvidence: programArch.evidence } : {}),
      ...(payload.kind === 'source' ? { analyses: analyses.map((a) => a.arch) } : {}),
    },
    ...(programs ? { programs } : {}),
    findings, causes: groupByCause(findings, describe), targets, skipped, notes,
    stats: {
      targets: o.targets.length + (o.skipped?.length ?? 0), checked: okReports.length, failing: [...failing].filter((n) => names.includes(n)).length,
      skipped: skipped.length, workers: o.workers, cacheHits: okReports.filter((r) => r.cached).length,
      archivesRead: reports.filter((r) => r?.archiveRead).length, wallMs: Math.round(performance.now() - t0),
      peakRssMb: Math.round(peakRssKb() / 1024), otherArch: plan.skipped.length,
    },
  };
}

/** The object parsed and its programs assembled, as the workers will (CheckInputError when it is malformed). */
function objectEssentials(file: string, payload: ObjectPayload): PreparedProgram {
  const prog = capture(file, () => prepareProgram(payload));
  if (!prog.ok) throw new CheckInputError(prog.error.message);
  try {
    loadPrograms(prog.value.obj!);
  } catch (e) {
    throw new CheckInputError(e instanceof Error ? `${file}: ${e.message}` : String(e));
  }
  return prog.value;
}

export type AnalysedSite = LiveSite & { line?: number };

/** Drops findings identical to an earlier one (two records of one expression, e.g. a helper inlined twice on a line). */
function dedupe(findings: CheckFinding[]): void {
  const seen = new Set<string>();
  let w = 0;
  for (const f of findings) {
    const k = `${f.code}\u0000${f.message}\u0000${f.location.file}:${f.location.line}:${f.location.column}`;
    if (seen.has(k)) continue;
    seen.add(k);
    findings[w++] = f;
  }
  findings.length = w;
}

/** The user's defines with `arch`'s (clang's -D__TARGET_ARCH_*) in front, unless the user chose an arch. */
function withArch(defines: readonly string[] | undefined, arch: Arch | undefined): string[] {
  const own = (defines ?? []).some((d) => d.startsWith('__TARGET_ARCH_'));
  return [...(arch && !own ? archDefines(arch) : []), ...(defines ?? [])];
}

/** Analyses the source with the defines of `arch` (clang's -D__TARGET_ARCH_*), unless the user gave their own. */
async function analyse(file: string, o: CheckOptions, notes: string[], arch: Arch | undefined, headers?: HeaderCache, functions?: SharedFunctions): Promise<SourcePayload> {
  let text: string;
  try {
    text = await readTextInput(file, 'source');
  } catch (e) {
    throw new CheckInputError(`${file}: ${e instanceof InputError ? e.message : describeFsError(e)}`);
  }
  const analyzer = await createAnalyzer({ defines: withArch(o.defines, arch), ...(headers ? { headers } : {}), ...(functions ? { functions } : {}) });
  const a = analyzer.analyze(file, text, { includePaths: [...(o.includePaths ?? []), path.dirname(file)].map((d) => path.resolve(d)) });
  for (const n of a.notes) {
    // info notes are the analysis's own business, except a limit it hit: that changes what was checked
    if (n.severity === 'info' && !/a corelens limit/.test(n.message)) continue;
    const note = `${file}:${n.range.start.line + 1}:${n.range.start.character + 1}: ${n.severity}: ${n.message}`;
    if (!notes.includes(note)) notes.push(note); // every arch's analysis says it: once is enough
  }
  if (a.notes.some((n) => /analysis failed/.test(n.message))) throw new CheckInputError(a.notes.find((n) => /analysis failed/.test(n.message))!.message);
  // the externs first: their types join the local BTF before its bytes are taken
  const emitted = a.externs();
  const local = a.localBtf();
  // a function no program reaches is not in the object: its sites (listed for the editor) are not checked
  // plain_reads ride along as sites that relocate nothing (only their guards), to be walked per target like the rest
  // a unit with no program (a component of a static link) refuses no extern (hasPrograms)
  return { kind: 'source', file, localBtf: local.bytes, sites: [...a.sites.filter((s) => !s.unreached), ...a.plainReads] as AnalysedSite[],
    ...(emitted.length && hasPrograms(a.functions) ? { externs: libbpfExterns(emitted, local) } : {}) };
}

/**
 * Rebuilds the evaluations siteFindings expects from compact per-target results (no target BTF needed), per arch
 * analysis, and merges the arches: a site every arch has is one finding over all its targets.
 */
/** Per target name, the tp_btf arguments its loading machine's kernel types as numbers (FindingOptions.tpErrArgs),
 * each computed once. */
function tpErrArgsByName(targets: readonly (readonly [string, TargetSpec])[]): FindingOptions['tpErrArgs'] {
  const specs = new Map(targets);
  const memo = new Map<string, ReadonlyMap<string, readonly number[]> | undefined>();
  return (name) => {
    if (!memo.has(name)) { const spec = specs.get(name); memo.set(name, spec ? tpErrArgsOf(loadingMachineOf(spec)) : undefined); }
    return memo.get(name);
  };
}

function sourceFindings(file: string, parts: readonly { arch: Arch; payload: SourcePayload; reports: readonly Extract<TargetReport, { ok: true }>[] }[],
  describe: (t: readonly string[]) => string, severities: FindingOptions['severities'], tpErrArgs?: FindingOptions['tpErrArgs']): CheckFinding[] {
  // Identical results on many targets share one object: memory grows with distinct results, not with targets.
  const intern = new Map<string, RelocationResult>();
  // the root type as libbpf and the object path name it (`typedef kernel_cap_t`, not its C spelling)
  const rootNames = new Map<string, string>();
  const archEvals: ArchEvaluation[] = parts.filter((p) => p.reports.length).map(({ arch, payload: p, reports }) => {
    const local = Btf.parse(p.localBtf, p.file);
    for (const site of p.sites) {
      if (site.plainRead === undefined && !rootNames.has(site.localType)) { try { rootNames.set(site.localType, describeType(local, site.typeId)); } catch { /* named as spelled */ } }
    }
    const evals: SiteEvaluation[] = p.sites.map((site, i) => {
      const per = new Map<string, SiteOnTarget>();
      for (const r of reports) {
        const l = r.sites![i]!;
        per.set(r.name, {
          result: internResult(intern, site.kind, l), runs: l.runs === 2 ? undefined : l.runs === 1,
          ...(l.off !== undefined ? { offBy: site.guards[l.off] } : {}), ...(l.fs !== undefined ? { targetFieldSize: l.fs } : {}),
          ...(l.pp ? { pastPoison: true } : {}),
        });
      }
      return { site, targets: per };
    });
    return { arch, local, evals, targets: reports.map((r) => r.name) };
  });
  const found = mergedFindings(mergeArchEvaluations(archEvals), { severities, describeTargets: (t) => describe(t), ...(tpErrArgs ? { tpErrArgs } : {}) });
  const places = (name: string): CheckFinding['location'] => {
    const at = parts.map((p) => p.payload.externs?.places[name]).find((r) => r);
    return at ? rangeLocation(file, at) : { file, line: 1, column: 1, endLine: 1, endColumn: 1 };
  };
  return [...found.map((f) => fromFinding(file, f, describe, rootNames)), ...externFindings(parts.flatMap((p) => p.reports), describe, places)];
}

/** Code of a finding on the whole object: libbpf refuses it on some targets for an extern (__ksym, __kconfig). */
export const EXTERN_REFUSED = 'core-extern-refused';

/**
 * One error per distinct extern refusal (libbpf's own warning), over the targets it happens on; the same from a .o
 * and from its source (the engine decides it from the object's verdicts, or from the externs the source makes
 * clang emit), at the same place: the extern's declaration in the source, else its first kept use there, else the
 * top of the source (`place`).
 */
function externFindings(reports: readonly Extract<TargetReport, { ok: true }>[], describe: (t: readonly string[]) => string,
  place: (extern: string) => CheckFinding['location']): CheckFinding[] {
  const groups = new Map<string, { r: Refusal; targets: string[] }>();
  for (const rep of reports) {
    if (!rep.refused) continue;
    const g = groups.get(rep.refused.reason);
    if (g) g.targets.push(rep.name);
    else groups.set(rep.refused.reason, { r: rep.refused, targets: [rep.name] });
  }
  return [...groups.values()].map(({ r, targets }) => ({
    code: EXTERN_REFUSED, severity: 'error', cause: `extern \`${r.extern}\` refused by libbpf`,
    message: `${r.reason}: no program of the object loads on ${describe(targets)}`,
    location: place(r.extern), targets, summary: describe(targets),
    site: { kind: 'extern', localType: '', access: '', path: r.extern },
  }));
}

/** An LSP range of `file` as a finding's location (1-based). */
function rangeLocation(file: string, r: Range): CheckFinding['location'] {
  return { file, line: r.start.line + 1, column: r.start.character + 1, endLine: r.end.line + 1, endColumn: r.end.character + 1 };
}

function internResult(intern: Map<string, RelocationResult>, kind: number, l: LiteSite | LiteRecord): RelocationResult {
  const m = 'm' in l && l.m === true;
  const key = `${kind}|${l.s}|${l.f ?? ''}|${l.p ?? ''}|${l.g ?? ''}|${l.why ?? ''}|${'v' in l && l.v !== undefined ? l.v : ''}|${m ? 'm' : ''}`;
  let r = intern.get(key);
  if (!r) {
    r = {
      kind, status: l.s, validate: false, localSize: 0, targetSize: 0, failMemszAdjust: m, targetTypeId: 0, candidates: 0, matched: 0,
      ...(l.f ? { failure: l.f } : {}), ...(l.p ? { problem: l.p } : {}), ...(l.g ? { suggestion: l.g } : {}), ...(l.why ? { reason: l.why } : {}),
      ...('v' in l && l.v !== undefined ? { value: l.v } : {}),
    };
    intern.set(key, r);
  }
  return r;
}

function fromFinding(file: string, f: Finding, describe: (t: readonly string[]) => string, rootNames?: ReadonlyMap<string, string>): CheckFinding {
  const { data } = f;
  const localType = rootNames?.get(data.localType) ?? data.localType;
  return {
    code: f.code, severity: SEVERITY[f.severity], cause: causeOf(f.code, data.path, localType), message: f.message,
    location: { file, line: f.range.start.line + 1, column: f.range.start.character + 1, endLine: f.range.end.line + 1, endColumn: f.range.end.character + 1 },
    targets: f.targets, summary: describe(f.targets),
    site: { kind: reloKindName(data.kind), localType, access: data.access, path: data.path },
  };
}

/** The short cause a matrix row is titled with. */
function causeOf(code: string, label: string, localType: string): string {
  const type = localType.replace(/(\w+)$/, (n) => essentialName(n));
  switch (code) {
    case CODES.missingField: case CODES.missingEnumValue: return `\`${label}\` missing`;
    case CODES.missingType: return `\`${type}\` missing`;
    case CODES.incompatible: return `\`${label}\` incompatible`;
    case CODES.ambiguous: return `\`${label}\` ambiguous`;
    case CODES.loadError: return `\`${label}\` fails the load`;
    case CODES.sizeDiffers: return `\`${label}\` has another size`;
    case CODES.directBitfield: return `\`${label}\` bitfield read directly`;
    case CODES.guardConstant: return `check \`${label}\` is constant`;
    case CODES.directRead: return `\`${label}\` read directly through a plain number`;
    case UNRESIZABLE_LOAD: return `\`${label}\` load cannot be resized`;
    default: return `\`${label}\` ${code}`;
  }
}

/** Where findings of a .o point: the source's expression (matched sites) when the source is at hand. */
interface Places {
  readonly source: string;
  readonly sites: readonly LoadSite[];
  /** Per .BTF.ext record: indices of the source sites it was compiled from. */
  readonly recordSites: readonly (readonly number[])[];
  /** Per record: further source reads clang merged into it (CSE), which share its outcome. */
  readonly merged?: readonly (readonly number[])[];
  /** Where each extern the source makes clang emit is declared (or first used) in the source. */
  readonly externs?: { readonly [name: string]: Range };
  /** plain_reads of the source (loads with no record): where a read through a plain number with no record goes. */
  readonly reads?: Analysis['plainReads'];
}

/** Code of a check finding on a .o: a load or store through a plain number, which the verifier rejects. */
export const DIRECT_READ = CODES.directRead;
/** Code of a hint on a .o: a poisoned relocation in code the verifier never reaches on those targets. */
export const GUARDED = 'core-guarded';

/**
 * Findings of a compiled object: each relocation's outcome per target (instruction patching included), an error
 * only where its poisoned instruction is reached (a hint where it is dead code), and every read through a plain
 * number the verifier rejects.
 */
function objectFindings(p: ObjectPayload, obj: BpfObject, meta: readonly RecordInfo[], reports: readonly Extract<TargetReport, { ok: true }>[],
  describe: (t: readonly string[]) => string, places: Places | undefined, ids: readonly ProgramId[]): CheckFinding[] {
  const programName = (k: number) => (ids[k] ? `${ids[k]!.section} ${ids[k]!.name}` : `program ${k}`);
  const containing = relocationPrograms(obj, meta);
  const out: CheckFinding[] = [];
  const byOrigin = new Map(meta.map((r, i) => [`${r.section}\u0000${r.insnOff}`, i]));
  meta.forEach((r, i) => {
    const label = siteLabel(obj.btf, r);
    const groups = new Map<string, { l: LiteRecord; targets: string[] }>();
    for (const rep of reports) {
      const l = rep.records!.get(i);
      if (!l) continue;
      const key = `${l.o}|${l.s}|${l.f ?? ''}|${l.p ?? l.why ?? ''}|${l.o === 'poison' ? l.runs : ''}`;
      const g = groups.get(key);
      if (g) g.targets.push(rep.name);
      else groups.set(key, { l, targets: [rep.name] });
    }
    for (const { l, targets } of groups.values()) {
      const dead = l.o === 'poison' && l.runs === 0;
      const code = dead ? GUARDED : l.o === 'error' ? (l.f === 'ambiguous' ? CODES.ambiguous : CODES.loadError)
        : l.s === 'ok' ? UNRESIZABLE_LOAD
          : l.f === 'missing-field' ? CODES.missingField : l.f === 'missing-type' ? CODES.missingType
            : l.f === 'missing-enum-value' ? CODES.missingEnumValue : CODES.incompatible;
      const what = l.s === 'ok' ? l.why ?? 'the load cannot be resized' : l.p ?? l.why ?? 'does not resolve';
      const progs = programsWith(reports, targets, i, programName, containing[i] ?? []);
      const consequence = l.o === 'error' ? 'libbpf refuses to load the object'
        : dead ? 'the poisoned instruction is dead code there (guarded): the verifier never reaches it'
          : l.runs === 1 ? `the verifier reaches the poisoned instruction: ${progs || 'the program'} fail${/, | and /.test(progs) ? '' : 's'} to load there (invalid func unknown#195896080)`
            : 'the instruction is poisoned; whether the verifier reaches it is unknown (the analysis stopped): the program may fail to load there';
      out.push({
        code, severity: dead ? 'hint' : 'error', cause: dead ? `\`${label}\` ${causeWord(l)} (guarded)` : causeOf(code, label, r.localType),
        message: `\`${label}\` (${r.kindName}): ${what} on ${describe(targets)}: ${consequence}`,
        location: place(p, r, i, places),
        targets, summary: describe(targets),
        site: { kind: r.kindName, localType: r.localType, access: r.access, path: label },
      });
      // the same finding at each read clang merged into this record
      for (const m of places?.merged?.[i] ?? []) out.push({ ...out[out.length - 1]!, location: siteLocation(places!, m) });
    }
  });
  // A bitfield loaded directly (`skb->pkt_type`): one finding on every target, as the live analysis reports it.
  const all = reports.map((rep) => rep.name);
  meta.forEach((r, i) => {
    if (!all.length || !directBitfieldLoad(obj, r)) return;
    const label = siteLabel(obj.btf, r);
    const f: CheckFinding = {
      code: CODES.directBitfield, severity: 'warning', cause: causeOf(CODES.directBitfield, label, r.localType),
      message: `\`${label}\` is a bitfield read directly: its load is not relocated bit by bit; use BPF_CORE_READ_BITFIELD (or _PROBED)`,
      location: place(p, r, i, places), targets: all, summary: describe(all),
      site: { kind: r.kindName, localType: r.localType, access: r.access, path: label },
    };
    out.push(f);
    for (const m of places?.merged?.[i] ?? []) out.push({ ...f, location: siteLocation(places!, m) });
  });
  // Reads through a plain number, grouped per instruction across targets.
  const derefs = new Map<string, { d: ScalarDeref; targets: string[]; program: string; k: number }>();
  reports.forEach((rep) => rep.programs?.forEach((v, k) => {
    for (const d of v.derefs ?? []) {
      const key = `${d.section}\u0000${d.insnOff}`;
      const g = derefs.get(key);
      if (g) {
        if (!g.targets.includes(rep.name)) g.targets.push(rep.name);
      } else {
        derefs.set(key, { d, targets: [rep.name], program: programName(k), k });
      }
    }
  }));
  // a read with no record: the source's plain read of that program at that line (its header line for an inlined
  // helper, then placed where the document enters it, as the source path places it), each in turn
  const taken = new Map<string, number>();
  const plainReadOf = (d: ScalarDeref, k: number): Analysis['plainReads'][number] | undefined => {
    if (!places?.reads?.length || !d.file || !d.line || process.env.CORELENS_PLAIN_READS === '0') return undefined;
    const name = ids[k]?.name;
    const base = path.basename(d.file);
    const all = places.reads.filter((r) => r.program === name && r.line + 1 === d.line
      && path.basename(r.origin ? r.origin.file : places.source) === base);
    if (!all.length) return undefined;
    const key = `${name}\u0000${base}:${d.line}`;
    const n = taken.get(key) ?? 0;
    taken.set(key, n + 1);
    return all[Math.min(n, all.length - 1)];
  };
  for (const { d, targets, program, k } of derefs.values()) {
    // The read's own relocation, else the field offset computed just before it (BPF_CORE_READ_BITFIELD adds a
    // relocated offset to the pointer, then reads at +0).
    let ri = byOrigin.get(`${d.section}\u0000${d.insnOff}`);
    let moveOff: number | undefined;
    for (let back = 8; ri === undefined && back <= 32; back += 8) {
      const j = byOrigin.get(`${d.section}\u0000${d.insnOff - back}`);
      if (j !== undefined && meta[j]!.kindName === 'byte_off' && offsetMove(obj, meta[j]!)) { ri = j; moveOff = d.insnOff - back; }
    }
    const r = ri !== undefined ? meta[ri] : undefined;
    const pr = r ? undefined : plainReadOf(d, k);
    const label = r ? siteLabel(obj.btf, r) : pr ? pr.plainRead! : d.text.replace(/^\d+: \(\w+\) /, '');
    // the refused load's own line, where the record was paired with another statement's read of the field
    const paired = ri !== undefined ? places?.recordSites[ri]?.[0] : undefined;
    const own = places && paired !== undefined && d.file && d.line
      ? loadSite(places.sites, paired, { file: d.file, line: d.line, section: d.section }, places.source, ids[k]?.name) : undefined;
    const loc = own !== undefined ? siteLocation(places!, own) : r && ri !== undefined ? place(p, r, ri, places) : pr ? rangeLocation(places!.source, pr.range)
      : { file: d.file ? resolveSource(p, d.file, places) : p.file, line: d.line ?? 0, column: d.column || 1, endLine: d.line ?? 0, endColumn: d.column || 1 };
    out.push({
      code: DIRECT_READ, severity: 'error', cause: `\`${label}\` read directly through a plain number`,
      message: `${program}: \`${label}\` is read directly (${d.text.replace(/^\d+: \(\w+\) /, '')}) through R${d.reg}, which holds a plain `
        + `number, not a pointer the verifier knows: it rejects the program with "R${d.reg} invalid mem access 'scalar'" on ${describe(targets)}. `
        + 'Read kernel memory with BPF_CORE_READ() (bpf_probe_read_kernel), or attach as tp_btf/fentry where arguments are typed pointers',
      location: loc, targets, summary: describe(targets),
      site: { kind: r?.kindName ?? 'direct', localType: r?.localType ?? '', access: r?.access ?? '', path: label },
    });
    if (!SUNK_LOADS || ri === undefined || !places) continue;
    // the refused load is each source load it stands for: the direct loads its record was compiled from (the reads
    // clang merged into it: CSE), and the other arms' loads SimplifyCFG sank into it (sunkMoves) with theirs
    const seen = new Set([`${loc.file}:${loc.line}:${loc.column}`]);
    const f = out[out.length - 1]!;
    const again = (at: CheckFinding['location'], rj: number) => {
      const key = `${at.file}:${at.line}:${at.column}`;
      if (seen.has(key)) return;
      seen.add(key);
      const lj = siteLabel(obj.btf, meta[rj]!);
      out.push({ ...f, location: at, cause: `\`${lj}\` read directly through a plain number`, site: { ...f.site, localType: meta[rj]!.localType, access: meta[rj]!.access, path: lj } });
    };
    const records = [ri, ...(moveOff !== undefined ? sunkMoves(obj, byOrigin, meta, d.section, moveOff) : [])];
    for (const rj of records) {
      // (a read of the field by a probe read, which a record may be paired with by line, is no load of this one)
      for (const m of [...(places.recordSites[rj] ?? []), ...(places.merged?.[rj] ?? [])]) if (places.sites[m]!.directLoad) again(siteLocation(places, m), rj);
    }
  }
  return out;
}

/** CORELENS_SUNK_LOADS=0: a read through a plain number is placed at one source read only (its record's), as before. */
const SUNK_LOADS = process.env.CORELENS_SUNK_LOADS !== '0';

/**
 * sunk_loads: the other relocated offset moves that reach the join a refused load sits in. SimplifyCFG's
 * SinkCommonCodeFromPredecessors merges the identical loads ending several arms (`spid = info->_sifields._kill._pid;
 * break;` per switch case) into one load in their common successor, its offset a PHI of each arm's relocated move:
 * the arm laid out before the join falls into it (the move `moveOff` the load's record was found by), the others jump
 * to it right after their own move of the offset into the same register. Record indices, `moveOff`'s excluded.
 */
function sunkMoves(obj: BpfObject, byOrigin: ReadonlyMap<string, number>, meta: readonly RecordInfo[], section: string, moveOff: number): number[] {
  const code = sectionCode(obj.elf, section);
  const le = obj.elf.littleEndian;
  const mv = code && moveOff % 8 === 0 ? readInsn(code, moveOff / 8, le) : undefined;
  if (!code || !mv) return [];
  const join = moveOff / 8 + 1;
  const out: number[] = [];
  const isJump = (c: number) => ((c & 0x07) === 0x05 || (c & 0x07) === 0x06) && (c & 0xf0) !== 0x80 && (c & 0xf0) !== 0x90;
  for (let q = 0; q < code.length / 8; q++) {
    const insn = readInsn(code, q, le)!;
    if (!isJump(insn.code) || q + 1 + insn.off !== join) continue;
    // the last write of the register before the jump, in the jump's own block (a few instructions back)
    for (let b = q - 1; b >= Math.max(0, q - 4); b--) {
      const w = readInsn(code, b, le)!;
      if (isJump(w.code)) break;
      const cls = w.code & 0x07;
      if (w.dst !== mv.dst || !(cls === 0x04 || cls === 0x07 || cls === 0x00 || cls === 0x01)) continue;
      const j = byOrigin.get(`${section}\u0000${b * 8}`);
      if (j !== undefined && meta[j]!.kindName === 'byte_off' && offsetMove(obj, meta[j]!)) out.push(j);
      break;
    }
  }
  return out;
}

/**
 * The record's instruction computes the offset into a register (a `mov`/`add` of an immediate), as
 * BPF_CORE_READ_BITFIELD's does before its load at +0; a record on a load of its own is another read (MagicEyes'
 * `t = (long long *)rss.count; *t`: the relocated stack load of `rss.count` is not what `*t` reads through).
 * CORELENS_PLAIN_READS=0: any byte_off record before the read, as before.
 */
function offsetMove(obj: ReturnType<typeof parseBpfObject>, r: RecordInfo): boolean {
  if (process.env.CORELENS_PLAIN_READS === '0') return true;
  const code = sectionCode(obj.elf, r.section);
  const insn = code && r.insnOff % 8 === 0 ? readInsn(code, r.insnOff / 8, obj.elf.littleEndian) : undefined;
  if (!insn) return true;
  const cls = insn.code & 0x07;
  return cls === 0x04 || cls === 0x07 || cls === 0x00; // ALU, ALU64, LD (ld_imm64)
}

/**
 * A byte_off record on a memory load whose field is a bitfield: clang loaded the storage unit and shifts with this
 * build's bit positions, which libbpf never relocates (what `core-direct-bitfield` says on the live path).
 */
function directBitfieldLoad(obj: ReturnType<typeof parseBpfObject>, r: RecordInfo): boolean {
  if (r.kindName !== 'byte_off' || r.insnOff % 8) return false;
  const code = sectionCode(obj.elf, r.section);
  const insn = code && readInsn(code, r.insnOff / 8, obj.elf.littleEndian);
  if (!insn || (insn.code & 0x07) !== 0x01 || (insn.code & 0xe0) !== 0x60) return false; // BPF_LDX | BPF_MEM
  try {
    const spec = parseSpec(obj.btf, r.typeId, r.access, r.kind);
    const acc = spec.accessors[spec.accessors.length - 1];
    if (!acc || acc.name === undefined) return false;
    const t = obj.btf.type(acc.typeId);
    return isComposite(t) && (t.members[acc.idx]?.bitfieldSize ?? 0) > 0;
  } catch {
    return false;
  }
}

function causeWord(l: LiteRecord): string {
  return l.f === 'missing-type' ? 'type missing' : l.f === 'missing-enum-value' ? 'enumerator missing' : l.f === 'missing-field' ? 'missing' : 'does not resolve';
}

/** Names of the programs that hold record `i` and fail on these targets (those whose first failure it is first). */
function programsWith(reports: readonly Extract<TargetReport, { ok: true }>[], targets: readonly string[], i: number,
  programName: (k: number) => string, holding: readonly number[]): string {
  const names = new Set<string>();
  for (const rep of reports) {
    if (!targets.includes(rep.name)) continue;
    rep.programs?.forEach((v, k) => {
      if (!v.loads && v.relocation === i) names.add(programName(k));
    });
  }
  for (const rep of reports) {
    if (!targets.includes(rep.name)) continue;
    for (const k of holding) if (rep.programs?.[k] && !rep.programs[k]!.loads) names.add(programName(k));
  }
  const list = [...names];
  return list.length <= 3 ? list.join(', ') : `${list.slice(0, 3).join(', ')} and ${list.length - 3} more`;
}

interface ProgramId { readonly section: string; readonly name: string }

/** A record's place: the matched source expression when the source is at hand, else its line-info row. */
function place(p: ObjectPayload, r: RecordInfo, i: number, places: Places | undefined): CheckFinding['location'] {
  const matches = places?.recordSites[i] ?? [];
  if (places && matches.length) {
    return siteLocation(places, matches[0]!);
  }
  const line = r.line ?? 0;
  const col = r.column || 1;
  return { file: r.file ? resolveSource(p, r.file, places) : p.file, line, column: col, endLine: line, endColumn: col };
}

/** A source site's expression as a finding's location. */
function siteLocation(places: Places, k: number): CheckFinding['location'] {
  const s = places.sites[k]!;
  return { file: places.source, line: s.range.start.line + 1, column: s.range.start.character + 1, endLine: s.range.end.line + 1, endColumn: s.range.end.character + 1 };
}

/**
 * The file a line_info names. clang records it relative to the directory it ran in, which the object does not say:
 * the first of the object's folder, its ancestors and the working directory where the file exists wins.
 */
function resolveSource(p: ObjectPayload, file: string, places: Places | undefined): string {
  if (path.isAbsolute(file)) return file;
  if (places && path.basename(places.source) === path.basename(file)) return places.source;
  const key = `${p.file}\u0000${file}`;
  let hit = resolved.get(key);
  if (hit === undefined) {
    const dirs: string[] = [];
    for (let d = path.dirname(p.file); ; d = path.dirname(d)) {
      dirs.push(d);
      if (path.dirname(d) === d) break;
    }
    dirs.push(process.cwd());
    hit = dirs.map((d) => path.resolve(d, file)).find((f) => existsSync(f)) ?? path.resolve(path.dirname(p.file), file);
    resolved.set(key, hit);
  }
  return hit;
}
const resolved = new Map<string, string>();

/** The JSON `programs` rows: one per program, failing ones first. */
function programRows(reports: readonly Extract<TargetReport, { ok: true }>[], describe: (t: readonly string[]) => string,
  ids: readonly ProgramId[], resolve: (file: string) => string): ProgramRow[] {
  const rows = ids.map((id, k) => {
    const targets: Record<string, ProgramOnTarget> = {};
    const fails: string[] = [];
    for (const rep of reports) {
      const v = rep.programs?.[k];
      if (!v) continue;
      if (!v.loads) fails.push(rep.name);
      targets[rep.name] = v.loads ? { loads: true } : {
        loads: false, kind: v.kind, ...(v.insn !== undefined ? { insn: v.insn } : {}),
        ...(v.file ? { file: resolve(v.file), line: v.line, column: v.column } : {}), reason: v.reason,
        ...(v.kind === 'libbpf' ? { errno: v.errno, ...(v.extern ? { extern: v.extern } : {}) } : {}),
        ...(v.kind === 'helper' && v.helper ? { helper: v.helper } : {}),
      };
    }
    return { section: id.section, name: id.name, targets, ...(fails.length ? { fails: describe(fails) } : {}), failing: fails.length };
  });
  // Failing programs first, then in object order (the sort is stable).
  return rows.sort((a, b) => (b.failing > 0 ? 1 : 0) - (a.failing > 0 ? 1 : 0)).map(({ failing, ...row }) => {
    void failing;
    return row;
  });
}

/** Rows of the matrix: findings with the same cause and target set, most targets first. */
function groupByCause(findings: readonly CheckFinding[], describe: (t: readonly string[]) => string): CauseGroup[] {
  const groups = new Map<string, { code: string; severity: SeverityName; cause: string; targets: readonly string[]; findings: number[] }>();
  findings.forEach((f, i) => {
    const key = `${f.severity}\u0000${f.code}\u0000${f.cause}\u0000${f.targets.join('\u0001')}`;
    const g = groups.get(key);
    if (g) g.findings.push(i);
    else groups.set(key, { code: f.code, severity: f.severity, cause: f.cause, targets: f.targets, findings: [i] });
  });
  const rank: Record<SeverityName, number> = { error: 0, warning: 1, information: 2, hint: 3 };
  return [...groups.values()]
    .map((g) => ({ ...g, summary: describe(g.targets) }))
    .sort((a, b) => rank[a.severity] - rank[b.severity] || b.targets.length - a.targets.length || a.cause.localeCompare(b.cause));
}

/** The arch each spec says (configuration, BTFHub path, bundled manifest, name), without reading any file. */
function specArches(specs: readonly TargetSpec[]): (Arch | undefined)[] {
  return specs.map((s) => parseArch(s.arch) ?? parseArch(describeTarget(s).arch));
}

/** The arch a worker found in a target's BTF, if it read one. */
function reportedArch(r: TargetReport | undefined): Arch | undefined {
  return r && r.ok ? parseArch(r.arch) : undefined;
}

/** The arch a `-D__TARGET_ARCH_<arch>` among the user's defines selects, if any. */
function archOfDefines(defines: readonly string[] | undefined): Arch | undefined {
  for (const d of defines ?? []) {
    const m = /^__TARGET_ARCH_(\w+)/.exec(d);
    if (m) return parseArch(m[1]);
  }
  return undefined;
}
