// What users read: hover tables per target, inlay offsets after relocated accesses, and per-program lens summaries.

import { cTypeName } from '../btf/cnames';
import { Btf } from '../btf/reader';
import { isComposite, isEnum } from '../btf/types';
import { ReloKind, isFieldBased, reloKindName } from '../core/kinds';
import { RelocationResult } from '../core/relocate';
import { Spec, parseSpec } from '../core/spec';
import { siteLabel } from './diagnostics';
import { Pos, Range, SiteEvaluation, SiteOnTarget } from './evaluate';

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

interface FieldFacts {
  offset: string;
  size: string;
  type: string;
}

/** Offset/size/type of the field a spec ends at, as the hover shows them. */
function fieldFacts(spec: Spec): FieldFacts {
  const { btf } = spec;
  const acc = spec.accessors[spec.accessors.length - 1]!;
  const byte = Math.floor(spec.bitOffset / 8);
  const hex = (n: number) => `${n} (0x${n.toString(16)})`;
  if (acc.name === undefined) {
    return { offset: hex(byte), size: String(btf.resolveSize(acc.typeId) ?? '?'), type: safeName(btf, acc.typeId) };
  }
  const t = btf.type(acc.typeId);
  const m = isComposite(t) ? t.members[acc.idx] : undefined;
  if (!m) return { offset: hex(byte), size: '?', type: '?' };
  if (m.bitfieldSize) {
    return { offset: `${byte} + bit ${spec.bitOffset % 8}`, size: `${m.bitfieldSize} bits`, type: safeName(btf, m.type) };
  }
  return { offset: hex(byte), size: String(btf.resolveSize(m.type) ?? '?'), type: safeName(btf, m.type) };
}

function safeName(btf: Btf, id: number): string {
  try {
    return cTypeName(btf, id);
  } catch {
    return `type #${id}`;
  }
}

const mdCell = (s: string) => s.replace(/\|/g, '\\|');

function runsNote(st: SiteOnTarget): string {
  return st.runs === false ? ' (guarded: does not run)' : '';
}

/** Markdown for a hover on a site: one row per target with offset, size and type (fields) or the value. */
export function hoverMarkdown(localBtf: Btf, ev: SiteEvaluation, targetNames: readonly string[]): string {
  const { site } = ev;
  const label = siteLabel(localBtf, site);
  const lines: string[] = [];
  let localSpec: Spec | undefined;
  try {
    localSpec = parseSpec(localBtf, site.typeId, site.access, site.kind);
  } catch {
    localSpec = undefined;
  }
  lines.push(`**${label}** — CO-RE \`${reloKindName(site.kind)}\` relocation, access \`${site.access}\``, '');
  if (site.kind === ReloKind.FieldByteOffset || site.kind === ReloKind.FieldByteSize || site.kind === ReloKind.FieldExists) {
    lines.push('| target | offset | size | type |', '|---|---|---|---|');
    let firstOffset: string | undefined;
    for (const name of targetNames) {
      const st = ev.targets.get(name);
      if (!st) continue;
      const r = st.result;
      if (r.status === 'error') {
        lines.push(`| ${mdCell(name)} | **load error** | | ${mdCell(r.problem ?? '')} |`);
      } else if (!r.targetSpec) {
        lines.push(`| ${mdCell(name)} | **missing**${runsNote(st)} | | |`);
      } else {
        const f = fieldFacts(r.targetSpec);
        firstOffset ??= f.offset;
        const moved = f.offset !== firstOffset ? ' ✱' : '';
        lines.push(`| ${mdCell(name)} | ${f.offset}${moved}${runsNote(st)} | ${f.size} | \`${mdCell(f.type)}\` |`);
      }
    }
    if (localSpec) {
      const f = fieldFacts(localSpec);
      lines.push('', `Compiled against: offset ${f.offset}, size ${f.size}, \`${f.type}\`. ✱ = differs from the first target.`);
    }
  } else {
    lines.push('| target | value |', '|---|---|');
    for (const name of targetNames) {
      const st = ev.targets.get(name);
      if (st) lines.push(`| ${mdCell(name)} | ${valueText(st.result)}${runsNote(st)} |`);
    }
    const first = ev.targets.values().next().value as SiteOnTarget | undefined;
    if (first?.result.localValue !== undefined) lines.push('', `Compiled value: ${BigInt.asIntN(64, first.result.localValue)}.`);
  }
  if (site.guards.length) {
    lines.push('', 'Runs only when: ' + site.guards.map((g) => `${g.when ? '' : '!'}${reloKindName(g.kind)}(\`${siteLabel(localBtf, g)}\`)`).join(' && '));
  }
  return lines.join('\n');
}

function valueText(r: RelocationResult): string {
  if (r.status === 'poison') return `**fails** (poisoned): ${mdCell(r.problem ?? '')}`;
  if (r.status === 'error') return `**load error**: ${mdCell(r.problem ?? '')}`;
  return String(BigInt.asIntN(64, r.value!));
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
export function inlayHints(localBtf: Btf, evals: readonly SiteEvaluation[], targetNames: readonly string[], mode: InlayMode): InlayHintData[] {
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
    const tooltip = targetNames.map((n, i) => `${n}: ${vals[i]}`).join('\n');
    out.push({ position: ev.site.range.end, label, tooltip: `${siteLabel(localBtf, ev.site)} offset per target\n${tooltip}` });
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
export function programLenses(programs: readonly ProgramInfo[], evals: readonly SiteEvaluation[], targetNames: readonly string[]): LensData[] {
  return programs.map((p) => {
    // by the program the relocation belongs to (a BPF_KPROBE body is an inlined inner function, a helper may live
    // in a header); by position for sites from an analysis that does not say
    const mine = evals.filter((e) => (e.site.program !== undefined ? e.site.program === p.name : contains(p.range, e.site.range.start)));
    const failing = targetNames.filter((n) => mine.some((e) => {
      const st = e.targets.get(n);
      return st && st.runs !== false && st.result.status !== 'ok';
    }));
    const okTargets = targetNames.length - failing.length;
    const fields = mine.filter((e) => isFieldBased(e.site.kind)).length;
    const title = mine.length === 0
      ? 'CO-RE: no relocations'
      : `CO-RE: ${mine.length} relocation${mine.length === 1 ? '' : 's'} (${fields} field) · loads on ${okTargets}/${targetNames.length} targets`
        + (failing.length ? ` · fails on ${failing.join(', ')}` : '');
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

/** Markdown for a hover on a type name: size and alignment per target, or where it is missing. */
export function typeHoverMarkdown(keyword: string, name: string, targets: readonly { name: string; btf: Btf }[]): string | undefined {
  const kind = keyword === 'union' ? 5 : keyword === 'enum' ? 6 : 4;
  const ess = name.replace(/___[^_].*$/, '');
  const rows: string[] = [];
  let seen = false;
  let firstSize: number | undefined;
  for (const t of targets) {
    let id = t.btf.findByName(ess, kind);
    if (!id && kind === 6) id = t.btf.findByName(ess, 19);
    if (!id) {
      rows.push(`| ${mdCell(t.name)} | **missing** | | |`);
      continue;
    }
    seen = true;
    const size = t.btf.resolveSize(id);
    firstSize ??= size;
    const ty = t.btf.type(id);
    const members = isComposite(ty) ? `${ty.members.length} members` : isEnum(ty) ? `${ty.values.length} values` : '';
    rows.push(`| ${mdCell(t.name)} | ${size ?? '?'}${size !== firstSize ? ' ✱' : ''} | ${t.btf.alignOf(id)} | ${members} |`);
  }
  if (!seen && !rows.length) return undefined;
  const flavor = ess !== name ? ` (flavor of \`${keyword} ${ess}\`: matched by that name on the targets)` : '';
  return [`**${keyword} ${name}**${flavor}`, '', '| target | size | align | |', '|---|---|---|---|', ...rows,
    '', '✱ = size differs from the first target.'].join('\n');
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
