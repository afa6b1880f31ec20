// Where a compiled object's relocations sit in the source: the live analysis' sites (the accessor as written) matched
// to .BTF.ext records, for check and relocate findings that point at the expression rather than the nearest
// line-info row (clang's line for a relocation is often the statement's, one or two lines off the access).

import { promises as fs } from 'fs';
import * as path from 'path';
import { InputError, describeFsError, readTextInput } from '../util/files';
import { Analysis, createAnalyzer } from '../source/analyzer';
import type { BpfObject } from '../btf/object';

/** What matching needs of a .BTF.ext record. */
export interface RecordKey {
  readonly section: string;
  readonly kind: number;
  readonly localType: string;
  readonly access: string;
  /** 1-based line-info line, when the object has one. */
  readonly line?: number;
}

/** A site as the matcher sees it: where it is written and in which function. */
export type PlaceSite = Pick<Analysis['sites'][number], 'kind' | 'localType' | 'access' | 'range' | 'line' | 'func'>;

/** `prog.bpf.o`, `prog.bpfel.o`, `prog.o` → `prog.bpf.c` (or `prog.c`) in the same folder, when it exists. */
export async function siblingSource(obj: string): Promise<string | undefined> {
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

export interface SourceSites {
  readonly file: string;
  readonly analysis: Analysis;
}

/** Analyses a source for placing findings; a value naming the file when it cannot be read. */
export async function analyseSource(file: string, opts: { includePaths?: readonly string[]; defines?: readonly string[] } = {}):
  Promise<SourceSites | { error: string }> {
  let text: string;
  try {
    text = await readTextInput(file, 'source');
  } catch (e) {
    return { error: `${file}: ${e instanceof InputError ? e.message : describeFsError(e)}` };
  }
  const analyzer = await createAnalyzer({ defines: opts.defines });
  const analysis = analyzer.analyze(file, text, { includePaths: [...(opts.includePaths ?? []), path.dirname(file)].map((d) => path.resolve(d)) });
  return { file, analysis };
}

/**
 * The source sites a record was compiled from: same kind, access string and local type, written in the record's
 * program (its SEC function or a function it calls, which clang inlines), at the nearest line. clang's line_info is
 * approximate for relocations, so the nearest site within 3 lines wins, else every candidate.
 */
export function matchRecord(r: RecordKey, sites: readonly PlaceSite[], functions?: Analysis['functions']): number[] {
  return siteMatcher(sites, functions)(r);
}

/**
 * matchRecord for many records of one analysis: sites indexed by (kind, local type, access) and the functions of
 * each section computed once, so matching an object's records is linear, not records × sites.
 */
export function siteMatcher(sites: readonly PlaceSite[], functions?: Analysis['functions']): (r: RecordKey) => number[] {
  const byKey = new Map<string, number[]>();
  const byKeyFunc = new Map<string, number[]>();
  const add = (m: Map<string, number[]>, k: string, i: number) => {
    const list = m.get(k);
    if (list) list.push(i);
    else m.set(k, [i]);
  };
  sites.forEach((s, i) => {
    const k = `${s.kind}\u0000${s.localType}\u0000${s.access}`;
    add(byKey, k, i);
    add(byKeyFunc, `${k}\u0000${s.func}`, i);
  });
  const sections = new Map<string, Set<string>>();
  return (r) => {
    const k = `${r.kind}\u0000${r.localType}\u0000${r.access}`;
    if (functions) {
      let inSection = sections.get(r.section);
      if (!inSection) sections.set(r.section, (inSection = functionsOfSection(r.section, functions)));
      // The sites written in the record's program come first; others only when it has none.
      const own: number[] = [];
      for (const f of inSection) for (const i of byKeyFunc.get(`${k}\u0000${f}`) ?? []) own.push(i);
      if (own.length) return pick(r, own, sites, undefined);
    }
    return pick(r, byKey.get(k) ?? [], sites, undefined);
  };
}

function pick(r: RecordKey, candidates: readonly number[], sites: readonly PlaceSite[], inSection: Set<string> | undefined): number[] {
  const same: { i: number; d: number; own: boolean }[] = [];
  for (const i of candidates) {
    const s = sites[i]!;
    const line = s.line + 1;
    same.push({ i, d: r.line ? Math.abs(line - r.line) : Infinity, own: !inSection || inSection.has(s.func) });
  }
  const pool = same.some((x) => x.own) ? same.filter((x) => x.own) : same;
  const best = Math.min(...pool.map((x) => x.d));
  return best <= 3 ? pool.filter((x) => x.d === best).map((x) => x.i) : pool.map((x) => x.i);
}

/** The functions whose code ends up in a section: its SEC functions and, transitively, what they call. */
function functionsOfSection(section: string, functions: Analysis['functions']): Set<string> {
  const byName = new Map(functions.map((f) => [f.name, f]));
  const out = new Set<string>();
  const stack = functions.filter((f) => f.section === section).map((f) => f.name);
  while (stack.length) {
    const n = stack.pop()!;
    if (out.has(n)) continue;
    out.add(n);
    for (const c of byName.get(n)?.calls ?? []) stack.push(c);
  }
  return out;
}

/**
 * Source sites clang merged into a record (issue 12): clang's CSE keeps one relocated load for two reads of the same
 * field that dominate each other (`if (p->f == 0) ...; return g(p->f);`), so a program section has fewer records of
 * a (kind, type, access) than the live analysis has sites. The sites no record matched are the merged ones; each
 * belongs to the nearest record before it in the same section (the dominating read), whose outcome it shares, so a
 * finding of that record is a finding at these expressions too (the live analysis reports them there).
 */
export function mergedSites(records: readonly RecordKey[], recordSites: readonly (readonly number[])[],
  sites: readonly (PlaceSite & { section?: string; unreached?: boolean })[]): number[][] {
  const out: number[][] = records.map(() => []);
  const key = (section: string, kind: number, localType: string, access: string) => `${section}\u0000${kind}\u0000${localType}\u0000${access}`;
  const recs = new Map<string, number[]>();
  records.forEach((r, i) => {
    const k = key(r.section, r.kind, r.localType, r.access);
    recs.set(k, [...(recs.get(k) ?? []), i]);
  });
  const live = new Map<string, number[]>();
  sites.forEach((s, i) => {
    if (s.unreached || !s.section) return;
    const k = key(s.section, s.kind, s.localType, s.access);
    live.set(k, [...(live.get(k) ?? []), i]);
  });
  for (const [k, list] of live) {
    const rs = recs.get(k);
    if (!rs || list.length <= rs.length) continue;
    const matched = new Set(rs.flatMap((i) => recordSites[i] ?? []));
    // the same expression in another call context matched already: not a separate read
    const at = (i: number) => `${sites[i]!.range.start.line}:${sites[i]!.range.start.character}`;
    const matchedAt = new Set([...matched].map(at));
    for (const i of list) {
      if (matched.has(i) || matchedAt.has(at(i))) continue;
      const line = sites[i]!.range.start.line;
      let best: { r: number; d: number } | undefined;
      let after: { r: number; d: number } | undefined;
      for (const r of rs) {
        for (const m of recordSites[r] ?? []) {
          const d = line - sites[m]!.range.start.line;
          if (d >= 0 && (!best || d < best.d)) best = { r, d };
          if (d < 0 && (!after || -d < after.d)) after = { r, d: -d };
        }
      }
      // sunk_loads: SimplifyCFG's sinking merges the identical reads ending several arms into the join, the earlier
      // arm's with a later one's too: a read with no record before it belongs to the nearest after it
      if (!best && SUNK_LOADS) best = after;
      if (best) out[best.r]!.push(i);
    }
  }
  return out;
}

/** CORELENS_SUNK_LOADS=0: a read no record matched is merged only into a record before it (CSE's dominating read). */
const SUNK_LOADS = process.env.CORELENS_SUNK_LOADS !== '0';

/**
 * One source site per record where the live analysis knows each site's program section (issue 12): within a section
 * and (kind, type, access), records and sites are paired one to one, closest lines first (clang's line for a record
 * is the statement's, a line or two off), so two reads of one field in one program land on their own expressions
 * rather than both on the nearest. A record left without a partner (the live side has fewer sites) keeps what
 * `fallback` says (nearest line).
 */
export function assignRecords(records: readonly RecordKey[], sites: readonly (PlaceSite & { section?: string; unreached?: boolean; program?: string })[],
  fallback: (r: RecordKey) => number[], funcs?: readonly (string | undefined)[]): number[][] {
  const out: number[][] = records.map(() => []);
  const key = (section: string, kind: number, localType: string, access: string) => `${section}\u0000${kind}\u0000${localType}\u0000${access}`;
  const live = new Map<string, number[]>();
  sites.forEach((s, i) => {
    if (s.unreached || !s.section) return;
    const k = key(s.section, s.kind, s.localType, s.access);
    live.set(k, [...(live.get(k) ?? []), i]);
  });
  const recs = new Map<string, number[]>();
  records.forEach((r, i) => {
    const k = key(r.section, r.kind, r.localType, r.access);
    recs.set(k, [...(recs.get(k) ?? []), i]);
  });
  for (const [k, rs] of recs) {
    const ss = live.get(k) ?? [];
    const pairs: { r: number; s: number; d: number }[] = [];
    // .text holds several functions: a record pairs with a site of the function holding it before any other (two
    // inlined copies of one helper in two subprograms carry the same line)
    const other = (r: number, s: number) => (funcs?.[r] && sites[s]!.program && funcs[r] !== sites[s]!.program ? 1e9 : 0);
    for (const r of rs) for (const s of ss) pairs.push({ r, s, d: (records[r]!.line ? Math.abs(sites[s]!.line + 1 - records[r]!.line!) : 0) + other(r, s) });
    pairs.sort((a, b) => a.d - b.d || a.r - b.r || a.s - b.s);
    const usedS = new Set<number>();
    for (const p of pairs) {
      if (out[p.r]!.length || usedS.has(p.s)) continue;
      out[p.r]!.push(p.s);
      usedS.add(p.s);
    }
    for (const r of rs) if (!out[r]!.length) out[r] = fallback(records[r]!);
  }
  return out;
}

/**
 * The function symbol whose code holds each record (by section and offset; undefined where no FUNC symbol covers
 * it), for assignRecords: an object's .text holds every subprogram.
 */
export function recordFunctions(obj: BpfObject, records: readonly { section: string; insnOff: number }[]): (string | undefined)[] {
  const bySection = new Map<string, { name: string; start: number; end: number }[]>();
  for (const sym of obj.elf.symbols()) {
    const sec = obj.elf.sections[sym.shndx];
    if (!sec || (sym.info & 0xf) !== 2 /* STT_FUNC */ || !sym.size) continue;
    const list = bySection.get(sec.name) ?? [];
    list.push({ name: sym.name, start: sym.value, end: sym.value + sym.size });
    bySection.set(sec.name, list);
  }
  return records.map((r) => bySection.get(r.section)?.find((f) => r.insnOff >= f.start && r.insnOff < f.end)?.name);
}

/** A site as loadSite needs it: its key, where clang attributes it, the file it is written in and its program. */
export type LoadSite = PlaceSite & { section?: string; unreached?: boolean; program?: string; origin?: { file: string }; directLoad?: boolean };

/**
 * The source site of a load the verifier refuses, at the load's own line-info row (`file`:`line`, 1-based) rather
 * than where its relocation record was paired (issue 12): clang merges one field's relocation across statements and
 * unrolled copies, and records pair with sites by nearest line in any file, so the record of a load in an inlined
 * header helper may pair with a document expression of the same field, or an unrolled copy's record with another
 * statement's read. The refused instruction's line is the truth: the paired site when it is written there, else a
 * site of the same (kind, type, access) and section written there (the load's program's first), else undefined.
 * CORELENS_LOAD_LINE=0: the paired site, as before.
 */
export function loadSite(sites: readonly LoadSite[], paired: number, load: { file: string; line: number; section: string },
  source: string, program?: string): number | undefined {
  const p = sites[paired];
  if (!p || process.env.CORELENS_LOAD_LINE === '0') return undefined;
  const base = path.basename(load.file);
  const at = (s: LoadSite) => path.basename(s.origin ? s.origin.file : source) === base && s.line + 1 === load.line;
  if (at(p)) return paired;
  let best: number | undefined;
  sites.forEach((s, i) => {
    if (s.unreached || s.section !== load.section || s.kind !== p.kind || s.localType !== p.localType || s.access !== p.access || !at(s)) return;
    if (best === undefined || (program && s.program === program && sites[best]!.program !== program)) best = i;
  });
  return best;
}
