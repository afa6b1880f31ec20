// Build on save for the editor: the saved .bpf.c compiled with clang in the background (compile.ts), its load
// verdicts on the document's targets of the build's arch (verdict/), and what the editor shows from them: a code lens
// per program, diagnostics the live analysis missed, live errors the build proves dead, and the drift between both.
// LSP-free: server.ts passes in the targets, the configuration and the live result, and publishes what comes back.

import { parseBpfObject } from '../btf/object';
import { ObjectRelocation, relocateObject } from '../core/object';
import { siteMatcher } from '../check/places';
import { Finding } from '../features/diagnostics';
import { Range } from '../features/evaluate';
import { TargetContext, describeSubset } from '../features/hover';
import { ReadyTarget } from '../fleet';
import { loadingMachineOfInfo } from '../targets/info';
import { Analysis } from '../source/analyzer';
import { Reach, TargetVerdict, factNames, factsFromBtf, objectVerdicts } from '../verdict/index';
import { rootNames } from '../check/slice';
import { CompileResult, compileObject } from './compile';
import { ClangFlagOptions } from './flags';

/** Debounce between a save and its build: a burst of saves (format on save, save all) builds once. */
export const BUILD_DEBOUNCE_MS = 500;
/** The diagnostics' source, so users tell the build's findings from the live analysis'. */
export const BUILD_SOURCE = 'corelens (build)';

/** One program's verdicts, the shape of `corelens check OBJ.o --format json`'s `programs` rows. */
export interface BuiltProgram {
  readonly section: string;
  readonly name: string;
  readonly targets: Readonly<Record<string, TargetVerdict>>;
}

/** What the last finished build of a document gave. */
export interface BuildState {
  /** The document version that was saved when the build started (its text is what clang compiled). */
  readonly savedVersion: number;
  /** ISO time the build finished. */
  readonly time: string;
  readonly ms: number;
  readonly ok: boolean;
  /** Why it failed (clang's first error, no clang...), naming the file. */
  readonly message?: string;
  readonly arch?: string;
  readonly targetNames: readonly string[];
  readonly programs: readonly BuiltProgram[];
  readonly relos: readonly ObjectRelocation[];
  readonly reach: ReadonlyMap<string, readonly Reach[]>;
  /** Per program and target: lines of reachable direct reads through plain numbers (1-based). */
  readonly derefLines: readonly ReadonlyMap<string, readonly { line: number; column?: number; text: string }[]>[];
}

/** What the server gives a build: where clang is, the flags, the arch's targets (covering the object's names). */
export interface BuildEnv {
  readonly clang: string;
  readonly flags: ClangFlagOptions;
  readonly arch: string;
  /** The ready targets of the build's arch, after making sure their slices cover `names`. */
  targets(names: readonly string[]): Promise<readonly ReadyTarget[]>;
}

/** Verdicts of an object on targets, as the check engine computes them per target (facts from each target's BTF). */
export function builtVerdicts(object: Uint8Array, file: string, targets: readonly ReadyTarget[]):
  Pick<BuildState, 'programs' | 'relos' | 'reach' | 'derefLines' | 'targetNames'> {
  const obj = parseBpfObject(object, file);
  const relos = relocateObject(obj, targets.map((t) => ({ name: t.name, btf: t.btf })));
  const v = objectVerdicts(obj, relos, targets.map((t) => ({ name: t.name, facts: factsFromBtf(t.btf, obj, loadingMachineOfInfo(t.info)) })));
  return {
    targetNames: targets.map((t) => t.name),
    programs: v.programs.map((p) => ({ section: p.section, name: p.name, targets: Object.fromEntries(p.targets) })),
    relos, reach: v.reach,
    derefLines: v.programs.map((p) => new Map([...p.scalarDerefs].map(([t, ds]) => [t, ds.filter((d) => d.line).map((d) => ({ line: d.line!, column: d.column, text: d.text }))]))),
  };
}

/** The root type names an object relocates and the kernel symbols its verdicts ask about (what slices must cover). */
export function objectNames(object: Uint8Array, file: string): string[] {
  const obj = parseBpfObject(object, file);
  return [...new Set([...rootNames(obj.btf, obj.ext?.coreRelos ?? []), ...factNames(obj)])].sort();
}

/** Builds a source and computes its verdicts; never throws (a failed build is a state with a message). */
export async function buildAndVerdict(source: string, savedVersion: number, env: BuildEnv, signal?: AbortSignal): Promise<BuildState | undefined> {
  const c: CompileResult = await compileObject(env.clang, source, env.flags, signal);
  const base = { savedVersion, time: new Date().toISOString(), ms: c.ms, arch: env.arch, targetNames: [], programs: [], relos: [], reach: new Map(), derefLines: [] };
  if (!c.ok) return c.cancelled ? undefined : { ...base, ok: false, message: c.message };
  try {
    const targets = await env.targets(objectNames(c.object, source));
    if (signal?.aborted) return undefined;
    const t0 = performance.now();
    const v = builtVerdicts(c.object, source, targets);
    return { ...base, ...v, ok: true, ms: c.ms + performance.now() - t0 };
  } catch (e) {
    return { ...base, ok: false, message: `${source}: the built object could not be analysed: ${(e as Error).message}` };
  }
}

/** A program's lens: `build: loads on 7/9 · fails on 5.10, 6.1: on_exit line 41`, marked when the text changed since. */
export function buildLensTitle(p: BuiltProgram, targetNames: readonly string[], ctx: TargetContext, stale: boolean): string {
  const head = stale ? 'build (last save): ' : 'build: ';
  const failing = targetNames.filter((t) => p.targets[t] && !p.targets[t]!.loads);
  const n = targetNames.length;
  if (!failing.length) return `${head}loads on ${n === 1 ? 'its target' : n === 2 ? 'both targets' : `all ${n} targets`}`;
  const first = p.targets[failing[0]!]!;
  const where = first.kind === 'unknown' ? 'no verdict' : first.line ? `${p.name} line ${first.line}` : first.kind === 'libbpf' ? 'libbpf refuses the object' : p.name;
  return `${head}loads on ${n - failing.length}/${n} · fails on ${describeSubset(failing, ctx, 40)}: ${where}`;
}

/** Lenses of a build: one per program, on its SEC function's line (programs the analysis does not list are left out). */
export function buildLenses(b: BuildState, functions: Analysis['functions'], ctx: TargetContext, stale: boolean): { range: Range; title: string }[] {
  if (!b.ok) {
    const first = functions.find((f) => f.section !== undefined);
    return first ? [{ range: first.range, title: `build${stale ? ' (last save)' : ''}: ${b.message?.replace(/^.*?: build failed: /, 'failed: ') ?? 'failed'}` }] : [];
  }
  const out: { range: Range; title: string }[] = [];
  for (const p of b.programs) {
    const f = functions.find((x) => x.name === p.name && x.section !== undefined) ?? functions.find((x) => x.section === p.section);
    if (f) out.push({ range: f.range, title: buildLensTitle(p, b.targetNames, ctx, stale) });
  }
  return out;
}

/** A diagnostic of the build (LSP shape, severity 1 = error, 3 = information). */
export interface BuildDiagnostic {
  range: Range;
  severity: 1 | 2 | 3 | 4;
  source: string;
  code: string;
  message: string;
}

/** One difference between the live analysis and the build, with a key that stays the same across re-checks. */
export interface Drift {
  readonly kind: 'missing' | 'extra';
  readonly key: string;
  readonly message: string;
}

/** What the build changes in a live result of the same version: diagnostics to add, live findings to downgrade. */
export interface Reconciled {
  readonly added: BuildDiagnostic[];
  /** Indices into the live findings that the build proves wrong (dead code where the live analysis says error). */
  readonly downgraded: ReadonlyMap<number, string>;
  readonly drift: readonly Drift[];
}

const lineRange = (line: number, column?: number): Range => ({
  start: { line: Math.max(0, line - 1), character: Math.max(0, (column ?? 1) - 1) }, end: { line: Math.max(0, line - 1), character: 1000 },
});
const same = (a: Range, b: Range) => a.start.line === b.start.line && a.start.character === b.start.character
  && a.end.line === b.end.line && a.end.character === b.end.character;

/**
 * Compares a build with the live result of the version it compiled. missing: a poisoned relocation the verifier
 * reaches, or a direct read it rejects, that the live analysis reports nowhere at that place (added, source
 * `corelens (build)`); extra: a live error at a site whose every compiled relocation is dead or fine on the finding's
 * targets (downgraded: the build is exact for that version).
 */
export function reconcile(b: BuildState, analysis: Pick<Analysis, 'sites' | 'functions'> & Partial<Pick<Analysis, 'externs'>>, findings: readonly Finding[], ctx: TargetContext): Reconciled {
  const added: BuildDiagnostic[] = [];
  const downgraded = new Map<number, string>();
  const drift: Drift[] = [];
  if (!b.ok) return { added, downgraded, drift };
  const match = siteMatcher(analysis.sites, analysis.functions);
  const on = (ts: readonly string[]) => describeSubset(ts, ctx, 60);
  const isError = (f: Finding) => (f.severity as number) === 1;
  // Relocation → the live sites it was compiled from (their ranges).
  const placeOf = b.relos.map((r) => match({ section: r.section, kind: r.kind, localType: r.localType, access: r.access, line: r.line })
    .map((i) => analysis.sites[i]!.range));
  // missing: reachable poisoned relocations
  b.relos.forEach((r, i) => {
    const reached = b.targetNames.filter((t) => b.reach.get(t)?.[i] === 'reachable');
    if (!reached.length) return;
    const ranges = placeOf[i]!;
    const range = ranges[0] ?? (r.line ? lineRange(r.line, r.column) : undefined);
    if (!range) return;
    const reported = findings.some((f) => isError(f) && (ranges.length ? ranges.some((x) => same(x, f.range)) : f.range.start.line === range.start.line)
      && reached.every((t) => f.targets.includes(t)));
    if (reported) return;
    const why = r.targets.get(reached[0]!)?.why;
    const message = `\`${r.path}\` (${r.kindName}) is poisoned and reached on ${on(reached)}: the program does not load there`
      + `${why ? ` (${why.replace(/: the instruction is poisoned.*$/, '')})` : ''}; the saved build's verifier walk reaches it, the live analysis did not report it`;
    added.push({ range, severity: 1, source: BUILD_SOURCE, code: 'core-build-poisoned', message });
    drift.push({ kind: 'missing', key: `missing\u0000${r.section}\u0000${r.insnOff}\u0000${reached.join(',')}`, message: `line ${range.start.line + 1}: ${message}` });
  });
  // missing: direct reads through plain numbers (the live analysis reports those on the line, code core-not-relocated)
  const derefs = new Map<string, { line: number; column?: number; text: string; targets: string[]; prog: string }>();
  b.derefLines.forEach((m, k) => m.forEach((ds, t) => ds.forEach((d) => {
    const key = `${d.line}`;
    const e = derefs.get(key) ?? { ...d, targets: [], prog: b.programs[k]!.name };
    if (!e.targets.includes(t)) e.targets.push(t);
    derefs.set(key, e);
  })));
  for (const d of derefs.values()) {
    if (findings.some((f) => f.range.start.line === d.line - 1)) continue;
    const message = `a direct read through a plain number (${d.text.replace(/^\d+: /, '')}) in ${d.prog}: the verifier rejects it on ${on(d.targets)} `
      + `(invalid mem access 'scalar'); read it with BPF_CORE_READ()`;
    added.push({ range: lineRange(d.line, d.column), severity: 1, source: BUILD_SOURCE, code: 'core-build-scalar', message });
    drift.push({ kind: 'missing', key: `scalar\u0000${d.line}\u0000${d.targets.join(',')}`, message: `line ${d.line}: ${message}` });
  }
  // reachable calls of a helper some targets' kernels do not have: only the build knows (the live analysis does not
  // follow helper ids); one diagnostic per call line and helper, naming every target that refuses it there
  const calls = new Map<string, { line: number; column?: number; helper: string; targets: string[]; prog: string; kernelSays: string }>();
  for (const p of b.programs) {
    for (const t of b.targetNames) {
      const v = p.targets[t];
      if (!v || v.loads || v.kind !== 'helper' || !v.line) continue;
      const key = `${v.line}\u0000${v.helper ?? ''}`;
      const e = calls.get(key) ?? { line: v.line, ...(v.column !== undefined ? { column: v.column } : {}), helper: v.helper ?? 'a helper', targets: [], prog: p.name,
        kernelSays: /invalid func unknown#\d+$/.exec(v.reason ?? '')?.[0] ?? 'invalid func unknown' };
      if (!e.targets.includes(t)) e.targets.push(t);
      calls.set(key, e);
    }
  }
  for (const c of calls.values()) {
    const message = `${c.helper} does not exist on ${on(c.targets)}: the verifier reaches this call in ${c.prog} and rejects the program there `
      + `(${c.kernelSays}); guard it with bpf_core_enum_value_exists(enum bpf_func_id, BPF_FUNC_${c.helper.replace(/^bpf_/, '')})`;
    // not drift: the live analysis does not claim to know helper ids, so it missed nothing it models
    added.push({ range: lineRange(c.line, c.column), severity: 1, source: BUILD_SOURCE, code: 'core-build-helper', message });
  }
  // libbpf refusing the whole object for an extern (__ksym, __kconfig) on some targets: every program fails alike
  // there (lenses say "libbpf refuses the object"); one error per refusal at the extern's declaration, as `corelens
  // check` places it (else its first use, else the top of the document). The live analysis decides externs too
  // (features/externs.ts): one it reports on the same line for these targets is not added again; one it missed is
  // added and counted as drift.
  const refusals = new Map<string, { extern: string; reason: string; targets: string[] }>();
  for (const t of b.targetNames) {
    const vs = b.programs.map((p) => p.targets[t]);
    const first = vs[0];
    if (!first || first.loads || first.kind !== 'libbpf' || first.extern === undefined || !vs.every((v) => v && !v.loads && v.extern === first.extern)) continue;
    const reason = first.reason ?? `libbpf refuses extern '${first.extern}'`;
    const e = refusals.get(reason) ?? { extern: first.extern, reason, targets: [] };
    e.targets.push(t);
    refusals.set(reason, e);
  }
  if (refusals.size) {
    const places = new Map((analysis.externs?.() ?? []).map((e) => [e.name, e.declRange ?? e.useRange] as const));
    for (const r of refusals.values()) {
      const range = places.get(r.extern) ?? lineRange(1);
      if (findings.some((f) => f.code === 'core-extern-refused' && f.range.start.line === range.start.line && r.targets.every((t) => f.targets.includes(t)))) continue;
      const message = `${r.reason}: no program of the object loads on ${on(r.targets)}`;
      added.push({ range, severity: 1, source: BUILD_SOURCE, code: 'core-extern-refused', message });
      drift.push({ kind: 'missing', key: `extern\u0000${r.extern}\u0000${r.targets.join(',')}`, message: `line ${range.start.line + 1}: ${message}` });
    }
  }
  // extra: live errors on sites whose compiled relocations the verifier never reaches
  findings.forEach((f, k) => {
    if (!isError(f) || !f.data || f.data.kind === undefined) return;
    const relos = b.relos.map((_, i) => i).filter((i) => placeOf[i]!.some((x) => same(x, f.range)));
    if (!relos.length) return;
    const ts = f.targets.filter((t) => b.targetNames.includes(t));
    if (!ts.length || ts.length !== f.targets.length) return;
    const fine = ts.every((t) => relos.every((i) => {
      const x = b.reach.get(t)?.[i];
      return x === 'ok' || x === 'dead';
    }));
    if (!fine) return;
    const note = `the saved build loads on ${on(ts)}: this access is dead code there (the verifier never reaches it)`;
    downgraded.set(k, note);
    drift.push({ kind: 'extra', key: `extra\u0000${f.range.start.line}:${f.range.start.character}\u0000${f.code}\u0000${ts.join(',')}`, message: `line ${f.range.start.line + 1}: live ${f.code} (${f.message.slice(0, 120)}), but ${note}` });
  });
  return { added, downgraded, drift };
}
