// The check pipeline: analyse the program once, check every target (workers, cache), then turn per-target results
// into the language server's findings, each naming the targets it applies to, grouped by cause.

import { promises as fs } from 'fs';
import * as path from 'path';
import { capture } from '../btf/errors';
import { parseBpfObject, readBpfObjectBytes } from '../btf/object';
import { InputError, describeFsError, readTextInput } from '../util/files';
import { Btf } from '../btf/reader';
import { essentialName } from '../btf/reader';
import { reloKindName } from '../core/kinds';
import { ObjectRelocation, relocateObject } from '../core/object';
import { RelocationResult } from '../core/relocate';
import { ArchEvaluation, mergeArchEvaluations, mergedFindings } from '../features/arches';
import { CODES, Finding, FindingOptions, Severity, siteLabel } from '../features/diagnostics';
import { LiveSite, SiteEvaluation, SiteOnTarget } from '../features/evaluate';
import { createAnalyzer } from '../source/analyzer';
import { Arch, archDefines, archSkipNote, hostArch, objectArch, parseArch, sameObjectArch, targetArchName } from '../targets/arch';
import { TargetSpec } from '../targets/registry';
import { SkippedFile, describeTarget } from '../targets/tree';
import { LiteRecord, LiteSite, ObjectPayload, ProgramPayload, SourcePayload, TargetReport } from './engine';
import { ArchPlan, planArches } from './arches';
import { checkTargets } from './pool';
import { TargetInfo, summarizeTargets } from '../targets/summary';

export type SeverityName = 'error' | 'warning' | 'information' | 'hint';

/** Code of a check-only finding: a .o load/store whose size libbpf cannot adjust (seen only with instructions). */
export const UNRESIZABLE_LOAD = 'core-unresizable-load';

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

export interface TargetRow {
  readonly name: string;
  readonly file: string;
  readonly status: 'pass' | 'fail' | 'skipped';
  readonly error?: string;
  readonly cached?: boolean;
}

export interface CheckReport {
  readonly program: { readonly file: string; readonly kind: 'source' | 'object'; readonly relocations: number; readonly guards: 'source' | 'none'; readonly source?: string;
    /** The arch the program is built for (objects, or sources given one arch); absent when nothing says. */
    readonly arch?: string;
    /** What says it (`its CO-RE relocations read di, si from struct pt_regs`, `--arch`). */
    readonly archEvidence?: string;
    /** Source analyses run, one per arch present among the targets. */
    readonly analyses?: readonly string[] };
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
  /** For a .o: the source to read guards from (default: FILE.bpf.c beside it, if any). */
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
  let meta: ObjectRelocation[] = [];
  let sourceFile: string | undefined;
  let plan: ArchPlan;
  if (isObject) {
    // read once, within the object cap; the same bytes go to the workers
    let bytes: Uint8Array;
    try {
      bytes = await readBpfObjectBytes(file);
    } catch (e) {
      throw new CheckInputError(e instanceof InputError ? `${file}: ${e.message}` : String(e));
    }
    const obj = capture(file, () => parseBpfObject(bytes, file));
    if (!obj.ok) throw new CheckInputError(obj.error.message);
    programArch ??= objectArch(obj.value);
    plan = planArches(arches, programArch?.arch);
    meta = relocateObject(obj.value, []);
    sourceFile = o.source ? path.resolve(o.source) : await siblingSource(file);
    let source: SourcePayload | undefined;
    let recordSites: number[][] | undefined;
    if (sourceFile) {
      source = await analyse(sourceFile, o, notes, plan.groups[0]?.arch ?? programArch?.arch);
      recordSites = meta.map((r) => matchSites(r, source!.sites as AnalysedSite[]));
    } else {
      notes.push(`${path.basename(file)}: no source beside the object (${path.basename(file).replace(/(\.bpf(el|eb)?)?\.o$/i, '.bpf.c')}; or pass --source): `
        + 'poisoned instructions are reported even where a guard may make them dead code');
    }
    payload = { kind: 'object', file, object: bytes, ...(source ? { source, recordSites } : {}) } satisfies ObjectPayload;
    const indices = plan.groups.flatMap((g) => g.indices).sort((a, b) => a - b);
    await checkTargets(payload, indices.map((i) => o.targets[i]!), { workers: o.workers, cacheDir: o.cacheDir },
      (r) => { reports[indices[r.index]!] = { ...r, index: indices[r.index]! }; });
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
    const run = async (arch: Arch, indices: number[]) => {
      let a = analyses.find((x) => x.arch === arch);
      if (!a) analyses.push(a = { arch, payload: await analyse(file, o, notes, arch), indices: [] });
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
    ? sourceFindings(file, analyses.map((a) => ({ arch: a.arch, payload: a.payload, reports: okReports.filter((r) => a.indices.includes(r.index)) })), describe, o.severities)
    : objectFindings(payload, meta, okReports, describe);
  findings.sort((a, b) => a.location.file.localeCompare(b.location.file) || a.location.line - b.location.line
    || a.location.column - b.location.column || a.code.localeCompare(b.code));

  const failing = new Set(findings.filter((f) => f.severity === 'error' || f.severity === 'warning').flatMap((f) => f.targets));
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
      relocations: payload.kind === 'source' ? payload.sites.length : meta.length,
      guards: payload.kind === 'source' || payload.source ? 'source' : 'none',
      ...(payload.kind === 'object' && sourceFile ? { source: sourceFile } : {}),
      ...(programArch ? { arch: programArch.arch, archEvidence: programArch.evidence } : {}),
      ...(payload.kind === 'source' ? { analyses: analyses.map((a) => a.arch) } : {}),
    },
    findings, causes: groupByCause(findings, describe), targets, skipped, notes,
    stats: {
      targets: o.targets.length + (o.skipped?.length ?? 0), checked: okReports.length, failing: [...failing].filter((n) => names.includes(n)).length,
      skipped: skipped.length, workers: o.workers, cacheHits: okReports.filter((r) => r.cached).length,
      archivesRead: reports.filter((r) => r?.archiveRead).length, wallMs: Math.round(performance.now() - t0),
      peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024), otherArch: plan.skipped.length,
    },
  };
}

export type AnalysedSite = LiveSite & { line?: number };

/** Analyses the source with the defines of `arch` (clang's -D__TARGET_ARCH_*), unless the user gave their own. */
async function analyse(file: string, o: CheckOptions, notes: string[], arch: Arch | undefined): Promise<SourcePayload> {
  let text: string;
  try {
    text = await readTextInput(file, 'source');
  } catch (e) {
    throw new CheckInputError(`${file}: ${e instanceof InputError ? e.message : describeFsError(e)}`);
  }
  const own = (o.defines ?? []).some((d) => d.startsWith('__TARGET_ARCH_'));
  const analyzer = await createAnalyzer({ defines: [...(arch && !own ? archDefines(arch) : []), ...(o.defines ?? [])] });
  const a = analyzer.analyze(file, text, { includePaths: [...(o.includePaths ?? []), path.dirname(file)].map((d) => path.resolve(d)) });
  for (const n of a.notes) {
    // info notes are the analysis's own business, except a limit it hit: that changes what was checked
    if (n.severity === 'info' && !/a corelens limit/.test(n.message)) continue;
    const note = `${file}:${n.range.start.line + 1}:${n.range.start.character + 1}: ${n.severity}: ${n.message}`;
    if (!notes.includes(note)) notes.push(note); // every arch's analysis says it: once is enough
  }
  if (a.notes.some((n) => /analysis failed/.test(n.message))) throw new CheckInputError(a.notes.find((n) => /analysis failed/.test(n.message))!.message);
  // a function no program reaches is not in the object: its sites (listed for the editor) are not checked
  return { kind: 'source', file, localBtf: a.localBtf().bytes, sites: a.sites.filter((s) => !s.unreached) as AnalysedSite[] };
}

/** `prog.bpf.o`, `prog.bpfel.o`, `prog.o` → `prog.bpf.c` (or `prog.c`) in the same folder, when it exists. */
async function siblingSource(obj: string): Promise<string | undefined> {
  const stem = obj.replace(/(\.bpf(el|eb)?)?\.o$/i, '');
  for (const c of [`${stem}.bpf.c`, `${stem}.c`]) {
    try {
      if ((await fs.stat(c)).isFile()) return c;
    } catch {
      // not there: try the next spelling
    }
  }
  return undefined;
}

/**
 * Source sites a .BTF.ext record was compiled from: same kind, access and local type, at the nearest line. clang's
 * line_info is approximate for relocations (a read can sit on the line before, inlined checks on the caller's line),
 * so the nearest site within 3 lines wins, else every site with that relocation (guarded off only if all are).
 */
export function matchSites(r: ObjectRelocation, sites: readonly AnalysedSite[]): number[] {
  const same: { i: number; d: number }[] = [];
  sites.forEach((s, i) => {
    if (s.kind !== r.kind || s.access !== r.access || s.localType !== r.localType) return;
    const line = (s.line ?? s.range.start.line) + 1;
    same.push({ i, d: r.line ? Math.abs(line - r.line) : Infinity });
  });
  const best = same.reduce((m, x) => Math.min(m, x.d), Infinity);
  return best <= 3 ? same.filter((x) => x.d === best).map((x) => x.i) : same.map((x) => x.i);
}

/**
 * Rebuilds the evaluations siteFindings expects from compact per-target results (no target BTF needed), per arch
 * analysis, and merges the arches: a site every arch has is one finding over all its targets.
 */
function sourceFindings(file: string, parts: readonly { arch: Arch; payload: SourcePayload; reports: readonly Extract<TargetReport, { ok: true }>[] }[],
  describe: (t: readonly string[]) => string, severities: FindingOptions['severities']): CheckFinding[] {
  // Identical results on many targets share one object: memory grows with distinct results, not with targets.
  const intern = new Map<string, RelocationResult>();
  const archEvals: ArchEvaluation[] = parts.filter((p) => p.reports.length).map(({ arch, payload: p, reports }) => {
    const local = Btf.parse(p.localBtf, p.file);
    const evals: SiteEvaluation[] = p.sites.map((site, i) => {
      const per = new Map<string, SiteOnTarget>();
      for (const r of reports) {
        const l = r.sites![i]!;
        per.set(r.name, {
          result: internResult(intern, site.kind, l), runs: l.runs === 2 ? undefined : l.runs === 1,
          ...(l.off !== undefined ? { offBy: site.guards[l.off] } : {}), ...(l.fs !== undefined ? { targetFieldSize: l.fs } : {}),
        });
      }
      return { site, targets: per };
    });
    return { arch, local, evals, targets: reports.map((r) => r.name) };
  });
  const found = mergedFindings(mergeArchEvaluations(archEvals), { severities, describeTargets: (t) => describe(t) });
  return found.map((f) => fromFinding(file, f, describe));
}

function internResult(intern: Map<string, RelocationResult>, kind: number, l: LiteSite | LiteRecord): RelocationResult {
  const key = `${kind}|${l.s}|${l.f ?? ''}|${l.p ?? ''}|${l.g ?? ''}|${l.why ?? ''}|${'v' in l && l.v !== undefined ? l.v : ''}`;
  let r = intern.get(key);
  if (!r) {
    r = {
      kind, status: l.s, validate: false, localSize: 0, targetSize: 0, failMemszAdjust: false, targetTypeId: 0, candidates: 0, matched: 0,
      ...(l.f ? { failure: l.f } : {}), ...(l.p ? { problem: l.p } : {}), ...(l.g ? { suggestion: l.g } : {}), ...(l.why ? { reason: l.why } : {}),
      ...('v' in l && l.v !== undefined ? { value: l.v } : {}),
    };
    intern.set(key, r);
  }
  return r;
}

function fromFinding(file: string, f: Finding, describe: (t: readonly string[]) => string): CheckFinding {
  const { data } = f;
  return {
    code: f.code, severity: SEVERITY[f.severity], cause: causeOf(f.code, data.path, data.localType), message: f.message,
    location: { file, line: f.range.start.line + 1, column: f.range.start.character + 1, endLine: f.range.end.line + 1, endColumn: f.range.end.character + 1 },
    targets: f.targets, summary: describe(f.targets),
    site: { kind: reloKindName(data.kind), localType: data.localType, access: data.access, path: data.path },
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
    case UNRESIZABLE_LOAD: return `\`${label}\` load cannot be resized`;
    default: return `\`${label}\` ${code}`;
  }
}

/** Findings of a compiled object from its records' outcomes (instruction patching included), guards from the source when known. */
function objectFindings(p: ObjectPayload, meta: readonly ObjectRelocation[], reports: readonly Extract<TargetReport, { ok: true }>[],
  describe: (t: readonly string[]) => string): CheckFinding[] {
  const obj = parseBpfObject(p.object, p.file);
  const out: CheckFinding[] = [];
  meta.forEach((r, i) => {
    const label = siteLabel(obj.btf, r);
    const groups = new Map<string, { l: LiteRecord; targets: string[] }>();
    for (const rep of reports) {
      const l = rep.records![i]!;
      if (l.o === 'ok') continue;
      if (l.o === 'poison' && l.runs === 0) continue; // guarded off there: the verifier drops the dead instruction
      const key = `${l.o}|${l.s}|${l.f ?? ''}|${l.p ?? l.why ?? ''}|${l.o === 'poison' ? l.runs : ''}`;
      const g = groups.get(key);
      if (g) g.targets.push(rep.name);
      else groups.set(key, { l, targets: [rep.name] });
    }
    for (const { l, targets } of groups.values()) {
      const code = l.o === 'error' ? (l.f === 'ambiguous' ? CODES.ambiguous : CODES.loadError)
        : l.s === 'ok' ? UNRESIZABLE_LOAD
          : l.f === 'missing-field' ? CODES.missingField : l.f === 'missing-type' ? CODES.missingType
            : l.f === 'missing-enum-value' ? CODES.missingEnumValue : CODES.incompatible;
      const what = l.s === 'ok' ? l.why ?? 'the load cannot be resized' : l.p ?? l.why ?? 'does not resolve';
      const consequence = l.o === 'error' ? 'libbpf refuses to load the program'
        : l.runs === 1 ? 'the program will fail to load there (invalid func unknown#195896080)'
          : `the instruction is poisoned: the program fails to load there if it is reachable (${p.source ? 'the source\'s guards do not decide it' : 'no source to read guards from'})`;
      const line = r.line ?? 0;
      const col = r.column ?? 1;
      out.push({
        code, severity: 'error', cause: causeOf(code, label, r.localType),
        message: `\`${label}\` (${r.kindName}): ${what} on ${describe(targets)}: ${consequence}`,
        location: { file: sourceOf(p, r), line, column: col, endLine: line, endColumn: col },
        targets, summary: describe(targets),
        site: { kind: r.kindName, localType: r.localType, access: r.access, path: label },
      });
    }
  });
  return out;
}

/** The file a record's line_info names, resolved like clang recorded it (absolute, or relative to the object). */
function sourceOf(p: ObjectPayload, r: ObjectRelocation): string {
  if (!r.file) return p.file;
  if (path.isAbsolute(r.file)) return r.file;
  if (p.source && path.basename(p.source.file) === path.basename(r.file)) return p.source.file;
  return path.resolve(path.dirname(p.file), r.file);
}

/** Rows of the matrix: findings with the same cause and target set, most targets first. */
function groupByCause(findings: readonly CheckFinding[], describe: (t: readonly string[]) => string): CauseGroup[] {
  const groups = new Map<string, { code: string; severity: SeverityName; cause: string; targets: readonly string[]; findings: number[] }>();
  findings.forEach((f, i) => {
    const key = `${f.code}\u0000${f.cause}\u0000${f.targets.join('\u0001')}`;
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
