// The realistic corpus (test-fixtures/corpus): its programs with their build flags, and a comparer of the live
// analysis with the relocations clang wrote into each object. Reusable: the measuring test prints its figures; an
// asserting test (issue 12) can require `strictDifferences === 0` per program.
//
// What is compared, per program (ELF section): multisets of (kind, local type, access string). The clang side is
// every .BTF.ext core_relo record. The live side is, by default, what today's analyzer can say: the sites of the
// function carrying SEC() plus, once per call, those of the static document functions it calls (clang inlines
// them). A caller can pass its own expansion (`LiveExpansion`) once the analysis knows header helpers and call
// contexts. Differences are counted three ways:
//   - missing: clang emitted more records of a triple than the live side has (a triple clang has and live lacks
//     counts fully);
//   - extra: the live side has a triple clang never emitted in that section;
//   - merged: the live side has more of a triple than clang, clang at least one: a merge of clang's CSE the live
//     model (source/cse.ts) does not know. The live side already leaves out the copies it knows clang merges
//     (Site.merged), so these count in `strictDifferences` like any other difference.
// `strictDifferences` counts |clang - live| over all triples (what "equal as multisets" demands).
// One placement rule an expansion must follow: a `static __noinline` helper (path.bpf.h's path_walk) is not
// inlined; clang emits its relocations once, in section `.text`, however many programs call it.
// Every missing or extra relocation is attributed to a construct (header helper, PT_REGS_*, BPF_KSYSCALL...) from
// the source line clang recorded (.BTF.ext line_info, file + text) or the live site's own line.

import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { openBpfObject } from '../../src/btf/object';
import { cTypeName } from '../../src/btf/cnames';
import { RELO_KIND_NAMES } from '../../src/core/kinds';
import type { Analysis, Analyzer, Site } from '../../src/source/analyzer';
import { FIXTURES, REPO_ROOT } from './paths';

export const CORPUS_DIR = path.join(FIXTURES, 'corpus');
const BUILD_SCRIPT = path.join(REPO_ROOT, 'scripts', 'build-corpus.sh');

export type Arch = 'x86' | 'arm64';

/** One program as built: its source, object and the clang flags that matter to an analysis. */
export interface CorpusProgram {
  name: string;
  arch: Arch;
  source: string;
  object: string;
  /** -I directories in clang's order (absolute). */
  includePaths: string[];
  /** -D macros as written after -D (name or name=value). */
  defines: string[];
  /** Compiled against the newer libbpf headers fetched into .tmp (`// corpus-build: libbpf-1.5`). */
  newLibbpf: boolean;
}

/** Generates vmlinux.h for both arches and fetches the newer libbpf headers (no-op when present). */
export function prepareCorpus(): void {
  execFileSync(BUILD_SCRIPT, ['--prepare'], { stdio: 'inherit' });
}

/** Every program × arch the build script compiles, with the flags it compiles them with. */
export function corpusPrograms(): CorpusProgram[] {
  const out: CorpusProgram[] = [];
  const names = fs.readdirSync(CORPUS_DIR).filter((f) => f.endsWith('.bpf.c')).map((f) => f.slice(0, -'.bpf.c'.length)).sort();
  for (const name of names) {
    for (const arch of ['x86', 'arm64'] as const) {
      const object = path.join(CORPUS_DIR, 'objects', arch, `${name}.bpf.o`);
      if (!fs.existsSync(object)) continue;
      const flags = execFileSync(BUILD_SCRIPT, ['--print-flags', name, arch], { encoding: 'utf8' }).split('\n').filter((l) => l);
      const includePaths: string[] = [];
      const defines: string[] = [];
      for (let i = 0; i < flags.length; i++) {
        const f = flags[i]!;
        if (f === '-I') includePaths.push(path.resolve(REPO_ROOT, flags[++i]!));
        else if (f.startsWith('-I')) includePaths.push(path.resolve(REPO_ROOT, f.slice(2)));
        else if (f.startsWith('-D')) defines.push(f.slice(2));
      }
      out.push({
        name, arch, object, includePaths, defines,
        source: path.join(CORPUS_DIR, `${name}.bpf.c`),
        newLibbpf: includePaths.some((d) => d.includes(`${path.sep}.tmp${path.sep}`)),
      });
    }
  }
  return out;
}

/** A live site as the comparer needs it: the section it lands in and where it is written. */
export interface LiveSite { section: string; key: string; file: string; line: number }

/** Turns one analysis into live sites per program section (with each inlined copy listed once per copy). */
export type LiveExpansion = (a: Analysis, sourceFile: string) => LiveSite[];

function siteKey(s: Pick<Site, 'kind' | 'localType' | 'access'>): string {
  return `${RELO_KIND_NAMES[s.kind]} ${s.localType} ${s.access}`;
}

/** Today's expansion: a section's function plus, per call, the static document functions it calls. */
export const documentExpansion: LiveExpansion = (a, sourceFile) => {
  const byName = new Map(a.functions.map((f) => [f.name, f]));
  const out: LiveSite[] = [];
  for (const f of a.functions) {
    if (!f.section) continue;
    const section = f.section;
    const visit = (name: string, times: number, stack: string[]) => {
      if (stack.includes(name) || stack.length > 8) return;
      for (const s of a.sites) {
        if (s.func !== name) continue;
        // forward compatible: a site may one day name the header it is written in
        const file = (s as { file?: string }).file ?? sourceFile;
        for (let i = 0; i < times * (s.unalignedLoad ? 2 : 1); i++) out.push({ section, key: siteKey(s), file, line: s.line + 1 });
      }
      const fi = byName.get(name);
      for (const c of fi?.calls ?? []) if (byName.get(c)?.static) visit(c, times * (fi!.callCounts[c] ?? 1), [...stack, name]);
    };
    visit(f.name, 1, []);
  }
  return out;
};

/** The analysis's own call contexts (issue 12): `Analysis.sites` is one site per relocation clang emits, each with
 * its program section (`.text` for `__noinline` subprograms) and, for header code, the file it is written in. */
export const contextExpansion: LiveExpansion = (a, sourceFile) => {
  const out: LiveSite[] = [];
  for (const s of a.sites) {
    if (!s.section || s.merged) continue;
    const file = s.origin?.file ?? sourceFile;
    const line = (s.origin?.line ?? s.line) + 1;
    for (let i = 0; i < (s.unalignedLoad ? 2 : 1) * ((s.copies ?? 1) - (s.mergedCopies ?? 0)); i++) out.push({ section: s.section, key: siteKey(s), file, line });
  }
  return out;
};

/** One relocation (or live site) that has no counterpart on the other side. */
export interface Difference {
  section: string;
  key: string;
  /** How many records of this triple are unmatched. */
  count: number;
  file: string;
  line: number;
  text: string;
  construct: string;
}

export interface ProgramAgreement {
  program: string;
  arch: Arch;
  newLibbpf: boolean;
  sections: number;
  relocations: number;
  liveSites: number;
  /** clang records matched by a live site of the same triple in the same section. */
  matched: number;
  missing: Difference[];
  extra: Difference[];
  /** Live count above clang's for a triple clang has: clang's CSE may merge these. */
  merged: Difference[];
  strictDifferences: number;
  notes: number;
  /** The analysis threw: the message (then every relocation counts as missing). */
  crash?: string;
}

const lineCache = new Map<string, string[]>();

function sourceLine(file: string, line: number): string {
  let lines = lineCache.get(file);
  if (!lines) {
    try {
      lines = fs.readFileSync(file, 'utf8').split('\n');
    } catch {
      lines = [];
    }
    lineCache.set(file, lines);
  }
  return (lines[line - 1] ?? '').trim();
}

/** Construct names in priority order: the first whose test matches a line names the cause. */
const CONSTRUCTS: [string, RegExp][] = [
  ['BPF_CORE_READ_BITFIELD_PROBED', /BPF_CORE_READ_BITFIELD_PROBED/],
  ['BPF_CORE_READ_STR_INTO', /BPF_CORE_READ_STR_INTO/],
  ['BPF_CORE_READ_USER', /BPF_CORE_READ_USER/],
  ['bpf_core_cast', /bpf_core_cast/],
  ['user macros on ___type/___arrow (CORE_READ_OR, CORE_ADDR)', /CORE_READ_OR|CORE_ADDR/],
  ['READ_KERN / _() (explicit preserve_access_index)', /READ_KERN|\b_\(/],
  ['READ_ONCE', /READ_ONCE/],
  ['bpf_core_read() with nested CO-RE macros', /bpf_core_read\s*\(/],
  ['BPF_KSYSCALL / *_SYSCALL args', /BPF_KSYSCALL|_SYSCALL\s*\(/],
  ['BPF_KPROBE / BPF_KRETPROBE args', /BPF_K(RET)?PROBE\s*\(/],
  ['PT_REGS_*_CORE', /PT_REGS_\w+_CORE\s*\(/],
  ['PT_REGS_*', /PT_REGS_\w+\s*\(/],
  ['container_of', /container_of/],
  ['offsetof', /offsetof/],
  ['bpf_core_type_size/exists/id', /bpf_core_type_(size|exists|id)/],
  ['bpf_core_enum_value(_exists)', /bpf_core_enum_value/],
  ['bpf_core_field_exists/size/offset', /bpf_core_field_(exists|size|offset)/],
  ['BPF_CORE_READ_INTO', /BPF_CORE_READ_INTO/],
  ['BPF_CORE_READ with a variable index', /BPF_CORE_READ\s*\([^;]*\[[^\]]*[A-Za-z_][^\]]*\]/],
  ['BPF_CORE_READ', /BPF_CORE_READ\s*\(/],
  ['&p[1]', /&\w+\[1\]/],
  ['tracepoint context field (ctx->)', /ctx->/],
  ['direct member access (->, .)', /->|\.\w/],
];

/** Constructs a relocation's kind and local type name whatever the line says (line_info is often a line or two off). */
function constructByKey(key: string): string | undefined {
  const [kind, ...rest] = key.split(' ');
  const type = rest.slice(0, -1).join(' ');
  if (/^(struct (pt_regs|user_pt_regs|pt_regs___\w+))$/.test(type)) return 'pt_regs (PT_REGS_*, BPF_KPROBE, BPF_KSYSCALL args)';
  if (kind === 'type_exists' || kind === 'type_size' || kind === 'type_matches' || kind === 'local_type_id' || kind === 'target_type_id') {
    return type === 'struct bpf_ringbuf' ? 'bpf_core_type_exists(struct bpf_ringbuf) (compat)' : 'bpf_core_type_*';
  }
  if (kind === 'enumval_exists' || kind === 'enumval_value') return 'bpf_core_enum_value(_exists)';
  if (kind === 'field_exists') return 'bpf_core_field_exists';
  if (kind === 'lshift_u64' || kind === 'rshift_u64' || kind === 'signed') return 'BPF_CORE_READ_BITFIELD_PROBED';
  return undefined;
}

/** Names the construct behind a relocation: where it is written (program, header, libbpf) and what made it. */
export function constructOf(file: string, text: string, programFile: string, key = ''): string {
  const base = path.basename(file);
  const where = path.resolve(file) === path.resolve(programFile) ? '' : base.startsWith('bpf_') || file.includes(`${path.sep}bpf${path.sep}`) ? `libbpf ${base}: ` : `header ${base}: `;
  const byKey = constructByKey(key);
  if (byKey) return where + byKey;
  for (const [name, re] of CONSTRUCTS) if (re.test(text)) return where + name;
  return `${where}other`;
}

/** Object path → absolute source path clang recorded (relative to the repo root, `./` prefixed). */
function recordedFile(f: string): string {
  return path.isAbsolute(f) ? f : path.resolve(REPO_ROOT, f);
}

/** Compares one corpus program's live sites with its object's relocations. */
export async function compareProgram(analyzer: Analyzer, prog: CorpusProgram, expand: LiveExpansion = documentExpansion): Promise<ProgramAgreement> {
  const r = await openBpfObject(prog.object);
  if (!r.ok) throw new Error(`${prog.object}: ${r.error.message}`);
  const obj = r.value;
  const relos = obj.ext?.coreRelos ?? [];
  const lineInfo = obj.ext?.lineInfo ?? [];
  const text = fs.readFileSync(prog.source, 'utf8');
  let live: LiveSite[] = [];
  let notes = 0;
  let crash: string | undefined;
  try {
    const a = analyzer.analyze(prog.source, text, { includePaths: prog.includePaths });
    notes = a.notes.length;
    live = expand(a, prog.source);
  } catch (e) {
    crash = (e as Error).stack ?? String(e);
  }

  // clang side: triples per section, each with the line_info row covering its instruction
  interface Rec { key: string; file: string; line: number; text: string }
  const theirs = new Map<string, Rec[]>();
  for (const c of relos) {
    let best: (typeof lineInfo)[number] | undefined;
    for (const l of lineInfo) if (l.section === c.section && l.insnOff <= c.insnOff && (!best || l.insnOff >= best.insnOff)) best = l;
    const key = `${RELO_KIND_NAMES[c.kind]} ${cTypeName(obj.btf, c.typeId)} ${c.access}`;
    const k = `${c.section}\u0000${key}`;
    const list = theirs.get(k) ?? [];
    list.push({ key, file: best ? recordedFile(best.file) : prog.source, line: best?.line ?? 0, text: best?.lineText.trim() ?? '' });
    theirs.set(k, list);
  }
  const mine = new Map<string, LiveSite[]>();
  for (const s of live) {
    const k = `${s.section}\u0000${s.key}`;
    const list = mine.get(k) ?? [];
    list.push(s);
    mine.set(k, list);
  }

  const res: ProgramAgreement = {
    program: prog.name, arch: prog.arch, newLibbpf: prog.newLibbpf,
    sections: new Set(relos.map((c) => c.section)).size, relocations: relos.length, liveSites: live.length,
    matched: 0, missing: [], extra: [], merged: [], strictDifferences: 0, notes, crash,
  };
  for (const [k, recs] of theirs) {
    const section = k.split('\u0000')[0]!;
    const n = mine.get(k)?.length ?? 0;
    res.matched += Math.min(n, recs.length);
    res.strictDifferences += Math.abs(recs.length - n);
    if (recs.length > n) {
      // attribute each unmatched record by its own line (records of one triple may come from several lines)
      const byLine = new Map<string, Difference>();
      for (const rec of recs.slice(n)) {
        const lk = `${rec.file}:${rec.line}`;
        const d = byLine.get(lk);
        if (d) d.count++;
        else byLine.set(lk, { section, key: rec.key, count: 1, file: rec.file, line: rec.line, text: rec.text, construct: constructOf(rec.file, rec.text, prog.source, rec.key) });
      }
      res.missing.push(...byLine.values());
    } else if (n > recs.length) {
      const s = mine.get(k)![0]!;
      const t = sourceLine(s.file, s.line);
      res.merged.push({ section, key: recs[0]!.key, count: n - recs.length, file: s.file, line: s.line, text: t, construct: constructOf(s.file, t, prog.source, s.key) });
    }
  }
  for (const [k, sites] of mine) {
    if (theirs.has(k)) continue;
    const s = sites[0]!;
    const t = sourceLine(s.file, s.line);
    res.strictDifferences += sites.length;
    res.extra.push({ section: s.section, key: s.key, count: sites.length, file: s.file, line: s.line, text: t, construct: constructOf(s.file, t, prog.source, s.key) });
  }
  return res;
}

export interface CorpusTotals {
  programs: number;
  objects: number;
  sections: number;
  relocations: number;
  liveSites: number;
  matched: number;
  missing: number;
  extra: number;
  merged: number;
  strictDifferences: number;
  crashes: number;
  missingByConstruct: Map<string, number>;
  extraByConstruct: Map<string, number>;
}

/** Sums per-program results and groups the differences by construct. */
export function totals(results: readonly ProgramAgreement[]): CorpusTotals {
  const t: CorpusTotals = {
    programs: new Set(results.map((r) => r.program)).size, objects: results.length, sections: 0, relocations: 0, liveSites: 0,
    matched: 0, missing: 0, extra: 0, merged: 0, strictDifferences: 0, crashes: 0, missingByConstruct: new Map(), extraByConstruct: new Map(),
  };
  for (const r of results) {
    t.sections += r.sections;
    t.relocations += r.relocations;
    t.liveSites += r.liveSites;
    t.matched += r.matched;
    t.strictDifferences += r.strictDifferences;
    if (r.crash) t.crashes++;
    for (const d of r.missing) {
      t.missing += d.count;
      t.missingByConstruct.set(d.construct, (t.missingByConstruct.get(d.construct) ?? 0) + d.count);
    }
    for (const d of r.extra) {
      t.extra += d.count;
      t.extraByConstruct.set(d.construct, (t.extraByConstruct.get(d.construct) ?? 0) + d.count);
    }
    for (const d of r.merged) t.merged += d.count;
  }
  return t;
}

/** A plain-text report: per program, then the differences grouped by construct. */
export function formatReport(results: readonly ProgramAgreement[], detail = false): string {
  const t = totals(results);
  const pct = (n: number) => (t.relocations ? `${((100 * n) / t.relocations).toFixed(1)}%` : '-');
  const lines: string[] = [];
  lines.push(`corpus agreement: ${t.programs} programs, ${t.objects} objects, ${t.sections} sections, ${t.relocations} relocations; `
    + `live ${t.liveSites} sites; matched ${t.matched}; missing ${t.missing} (${pct(t.missing)}); extra ${t.extra} (${pct(t.extra)}); `
    + `merged-by-CSE candidates ${t.merged}; strict multiset differences ${t.strictDifferences}; analysis crashes ${t.crashes}`);
  lines.push('  program              arch   relocs  live  matched  missing  extra  merged  notes');
  for (const r of results) {
    const m = r.missing.reduce((s, d) => s + d.count, 0);
    const x = r.extra.reduce((s, d) => s + d.count, 0);
    const g = r.merged.reduce((s, d) => s + d.count, 0);
    lines.push(`  ${(r.program + (r.newLibbpf ? ' (1.5)' : '')).padEnd(20)} ${r.arch.padEnd(6)} ${String(r.relocations).padStart(6)} ${String(r.liveSites).padStart(5)} `
      + `${String(r.matched).padStart(8)} ${String(m).padStart(8)} ${String(x).padStart(6)} ${String(g).padStart(7)} ${String(r.notes).padStart(6)}${r.crash ? '  CRASH' : ''}`);
  }
  const group = (title: string, m: Map<string, number>) => {
    lines.push(`  ${title} by construct:`);
    for (const [c, n] of [...m].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))) lines.push(`    ${String(n).padStart(5)}  ${c}`);
  };
  group('missing', t.missingByConstruct);
  group('extra', t.extraByConstruct);
  if (detail) {
    for (const r of results) {
      for (const d of [...r.missing.map((d) => ['-', d] as const), ...r.extra.map((d) => ['+', d] as const), ...r.merged.map((d) => ['=', d] as const)]) {
        lines.push(`  ${d[0]} ${r.program}/${r.arch} ${d[1].section}: ${d[1].key} x${d[1].count}  ${path.relative(REPO_ROOT, d[1].file)}:${d[1].line}  ${d[1].text}`);
      }
    }
  }
  return lines.join('\n');
}
