// What users read beside the code: inlay offsets after relocated accesses, per-program lens summaries, and finding
// what is under the cursor (hover text itself is in hover.ts).

import { Btf } from '../btf/reader';
import { ReloKind, isFieldBased } from '../core/kinds';
import { siteLabel } from './diagnostics';
import { Pos, Range, SiteEvaluation } from './evaluate';
import { TargetContext, describeSubset, offsetTooltip, targetContext } from './hover';

/** Position order helpers (LSP ranges are end-exclusive; a hover at the end still belongs to the access). */
export function contains(r: Range, p: Pos): boolean {
  const after = (a: Pos, b: Pos) => a.line > b.line || (a.line === b.line && a.character >= b.character);
  return after(p, r.start) && after(r.end, p);
}

function size(r: Range): number {
  return (r.end.line - r.start.line) * 10000 + (r.end.character - r.start.character);
}

/** The innermost site under the cursor (the hop of a chain, not the whole macro), if any. */
export function siteAt(evals: readonly SiteEvaluation[], p: Pos): SiteEvaluation | undefined {
  let best: SiteEvaluation | undefined;
  for (const e of evals) if (contains(e.site.range, p) && (!best || size(e.site.range) < size(best.site.range))) best = e;
  return best;
}

export type InlayMode = 'off' | 'primary' | 'all';

export interface InlayHintData {
  position: Pos;
  label: string;
  tooltip: string;
}

/**
 * An offset hint after each relocated field access: `@2416` when every target agrees, `@1264 ≠` when they differ
 * (primary mode: the first target's value), or every distinct value (all mode); `@missing` where it fails.
 */
export function inlayHints(localBtf: Btf, evals: readonly SiteEvaluation[], targetNames: readonly string[], mode: InlayMode, ctx?: TargetContext): InlayHintData[] {
  if (mode === 'off' || targetNames.length === 0) return [];
  const out: InlayHintData[] = [];
  for (const ev of evals) {
    if (ev.site.kind !== ReloKind.FieldByteOffset) continue;
    const vals = targetNames.map((n) => {
      const r = ev.targets.get(n)?.result;
      return !r ? '?' : r.status === 'ok' ? String(r.value) : r.status === 'poison' ? 'missing' : 'error';
    });
    const distinct = [...new Set(vals)];
    const label = distinct.length === 1 ? `@${distinct[0]}` : mode === 'primary' ? `@${vals[0]} ≠` : `@${distinct.join('|')}`;
    out.push({ position: ev.site.range.end, label, tooltip: offsetTooltip(siteLabel(localBtf, ev.site), vals, ctx ?? targetContext(targetNames)) });
  }
  return out;
}

export interface ProgramInfo {
  name: string;
  section?: string;
  range: Range;
}

export interface LensData {
  range: Range;
  title: string;
  failing: string[];
}

/** Per program: how many of its relocations resolve on how many targets, and which targets fail. */
export function programLenses(programs: readonly ProgramInfo[], evals: readonly SiteEvaluation[], targetNames: readonly string[], ctx?: TargetContext,
  refused: ReadonlySet<string> = new Set()): LensData[] {
  return programs.map((p) => {
    // by the program the relocation belongs to (a BPF_KPROBE body is an inlined inner function, a helper may live
    // in a header); by position for sites from an analysis that does not say
    const mine = evals.filter((e) => (e.site.program !== undefined ? e.site.program === p.name : contains(p.range, e.site.range.start)));
    // (`refused`: targets where libbpf refuses the whole object for an extern: every program fails there)
    const failing = targetNames.filter((n) => refused.has(n) || mine.some((e) => {
      const st = e.targets.get(n);
      return st && st.runs !== false && st.result.status !== 'ok';
    }));
    const okTargets = targetNames.length - failing.length;
    // a copy clang merges with an earlier one (Site.merged) is no relocation of its own: not counted, still checked
    const counted = mine.filter((e) => !e.site.merged);
    const fields = counted.filter((e) => isFieldBased(e.site.kind)).length;
    const title = counted.length === 0
      ? `CO-RE: no relocations${failing.length ? ` · fails on ${describeSubset(failing, ctx ?? targetContext(targetNames), 60)}: libbpf refuses the object` : ''}`
      : `CO-RE: ${counted.length} relocation${counted.length === 1 ? '' : 's'} (${fields} field) · loads on ${okTargets}/${targetNames.length} targets`
        + (failing.length ? ` · fails on ${describeSubset(failing, ctx ?? targetContext(targetNames), 60)}` : '');
    return { range: p.range, title, failing };
  });
}

/** The identifier under the cursor and what precedes it (`struct`, `union`, `enum`), from the document text. */
export function wordAt(text: string, p: Pos): { word: string; keyword?: string; start: Pos; end: Pos } | undefined {
  const line = text.split('\n')[p.line];
  if (line === undefined) return undefined;
  let s = p.character;
  let e = p.character;
  while (s > 0 && /\w/.test(line[s - 1]!)) s--;
  while (e < line.length && /\w/.test(line[e]!)) e++;
  if (s === e) return undefined;
  const word = line.slice(s, e);
  const kw = /\b(struct|union|enum)\s+$/.exec(line.slice(0, s));
  return { word, keyword: kw?.[1], start: { line: p.line, character: s }, end: { line: p.line, character: e } };
}

/** CO-RE macro names whose hover shows the relocations of their invocation. */
export const CORE_MACRO = /^(BPF_CORE_READ\w*|bpf_core_\w+|__builtin_preserve_\w+|__builtin_btf_type_id|BPF_PROBE_READ\w*)$/;

/** The sites of the macro invocation starting at `at`: those on the same line after it (before the next macro). */
export function sitesOfMacro(evals: readonly SiteEvaluation[], text: string, at: Pos): SiteEvaluation[] {
  const line = text.split('\n')[at.line] ?? '';
  const next = line.slice(at.character + 1).search(/\b(BPF_CORE_READ\w*|bpf_core_\w+)\s*\(/);
  const limit = next < 0 ? Infinity : at.character + 1 + next;
  return evals.filter((e) => e.site.range.start.line === at.line && e.site.range.start.character > at.character
    && e.site.range.start.character < limit);
}
