// Hover text for CO-RE sites, CO-RE macros and type names: one summary line, then targets grouped by identical value.
//
// Why grouped: a fleet of 100-500 kernels would otherwise give a hover of 500 rows that pushes clangd's hover (shown
// in the same widget, below ours) out of sight. Targets with the same outcome share a row, named by kernel range
// where their names carry versions (targets/summary.ts), and a hover never exceeds HOVER_LINE_BUDGET lines.
//
// Why aligned plain tables: eldoc (Emacs in a terminal) and Neovim 0.7 show the raw Markdown. Padded columns, no
// backticks or escapes inside cells and a bounded width read as an ASCII table there and as a table in VS Code.

import { cTypeName } from '../btf/cnames';
import { Btf } from '../btf/reader';
import { isComposite, isEnum } from '../btf/types';
import { ReloKind, reloKindName } from '../core/kinds';
import { RelocationResult } from '../core/relocate';
import { Spec, parseSpec } from '../core/spec';
import { TargetInfo, summarizeTargets } from '../targets/summary';
import { siteLabel } from './diagnostics';
import { SiteEvaluation, SiteOnTarget, guardText } from './evaluate';

/** Most lines a hover may take (rendered or raw), so clangd's hover below it stays on screen. */
export const HOVER_LINE_BUDGET = 12;
/** Widest raw line: eldoc and Neovim's float show the text as is. */
export const HOVER_WIDTH = 100;
/** Table rows before the rest are folded into one "other values" row. */
const MAX_ROWS = 5;
/** Widest "targets" cell. */
const TARGETS_WIDTH = 50;

/** Names the targets of a hover: their order, and what their names say (versions), for summaries. */
export interface TargetContext {
  readonly names: readonly string[];
  readonly infos: readonly TargetInfo[];
}

/** A context from target names alone (versions read from the names by the caller, or none). */
export function targetContext(names: readonly string[], infos?: readonly TargetInfo[]): TargetContext {
  return { names, infos: infos ?? names.map((name) => ({ name })) };
}

/** Targets sharing one outcome. */
interface Group {
  key: string;
  cells: string[];
  targets: string[];
  kind: 'ok' | 'missing' | 'error' | 'off';
  headline?: string;
  problem?: string;
}

const clip = (s: string, n: number) => (s.length <= n ? s : `${s.slice(0, n - 1)}…`);
/** Cells never carry Markdown: pipes and backticks would be noise in raw text. */
const cell = (s: string) => s.replace(/\|/g, '/').replace(/`/g, '');

/**
 * A short name for a subset of targets: "every target (6)", up to 4 names, or a kernel-range summary
 * ("5.14 and newer, 212 kernels"); clipped so a table row stays within HOVER_WIDTH.
 */
export function describeSubset(subset: readonly string[], ctx: TargetContext, width = TARGETS_WIDTH): string {
  const all = ctx.names.length;
  if (subset.length === all && all > 1) return `every target (${all})`;
  let s = summarizeTargets(subset, ctx.infos);
  // "6.1: 30 of 190" does not say which 30: the build flavors they share do (rt-amd64, cloud-amd64, arm64).
  if (/ of \d+/.test(s)) {
    const flavors = [...new Set(subset.map(flavorOf))];
    if (flavors.length <= 2 && flavors.every(Boolean)) s += ` (${flavors.join(', ')})`;
  }
  if (s.length > width && subset.length > 1) {
    // Long names (BTFHub paths): keep their last component; then as many names as fit, and a count.
    const short = subset.map((n) => n.split('/').pop()!);
    s = short.join(', ');
    for (let k = short.length - 1; s.length > width && k >= 1; k--) s = `${short.slice(0, k).join(', ')} and ${short.length - k} more`;
    if (s.length > width) s = `${subset.length} targets`;
  }
  return clip(s, width);
}

/** What a kernel name says after its version: `6.1.0-13-rt-amd64` → `rt-amd64`, `5.4.0-100-generic` → `generic`. */
function flavorOf(name: string): string {
  return name.split('/').pop()!.replace(/^\d+(\.\d+)+(-\d+)?[-.]?/, '');
}

/** "on every target (6)", "on 6.1-amd64", "on 3 targets". */
function onCount(subset: readonly string[], ctx: TargetContext): string {
  if (subset.length === ctx.names.length && subset.length > 1) return `every target (${subset.length})`;
  if (subset.length === 1) return clip(subset[0]!, 30);
  return `${subset.length} targets`;
}

/** Groups targets by key, in first-seen order, then largest group first (stable). */
function groupBy(ctx: TargetContext, outcome: (name: string) => Omit<Group, 'targets'> | undefined): Group[] {
  const map = new Map<string, Group>();
  for (const name of ctx.names) {
    const o = outcome(name);
    if (!o) continue;
    const g = map.get(o.key);
    if (g) g.targets.push(name);
    else map.set(o.key, { ...o, targets: [name] });
  }
  const rank = (g: Group) => (g.kind === 'ok' ? 0 : 1);
  return [...map.values()].sort((a, b) => rank(a) - rank(b) || b.targets.length - a.targets.length);
}

/** An aligned Markdown table whose raw text is a readable plain table. */
function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => (c ?? '').padEnd(widths[i]!)).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)];
}

/** Folds rows beyond MAX_ROWS into one "N other values" row naming their targets. */
function fold(groups: Group[], ctx: TargetContext, columns: number, maxRows = MAX_ROWS): string[][] {
  const limit = Math.max(2, Math.min(MAX_ROWS, maxRows));
  const shown = groups.length > limit ? groups.slice(0, limit - 1) : groups;
  const rows = shown.map((g) => [...g.cells, describeSubset(g.targets, ctx)]);
  if (groups.length > limit) {
    const rest = groups.slice(limit - 1);
    const targets = rest.flatMap((g) => g.targets);
    rows.push([`${rest.length} other values`, ...Array<string>(columns - 1).fill(''), describeSubset(targets, ctx)]);
  }
  return rows;
}

/**
 * "offset 2416 on 5 targets · differs on 2 · missing on 5.10-amd64", within `width` characters: target sets are
 * named ever more briefly (ranges, then counts) until it fits.
 */
function summaryLine(groups: Group[], ctx: TargetContext, width = HOVER_WIDTH): string {
  let line = '';
  for (const w of [60, 40, 24, 0]) {
    const parts: string[] = [];
    const ok = groups.filter((g) => g.kind === 'ok');
    if (ok.length) {
      parts.push(`${ok[0]!.headline} on ${onCount(ok[0]!.targets, ctx)}`);
      const others = ok.slice(1).reduce((n, g) => n + g.targets.length, 0);
      if (others) parts.push(`differs on ${others}`);
    }
    const named = (kind: Group['kind'], what: string) => {
      const ts = groups.filter((g) => g.kind === kind).flatMap((g) => g.targets);
      if (ts.length) parts.push(`${what} on ${w ? describeSubset(ts, ctx, w) : onCount(ts, ctx)}`);
    };
    named('missing', 'missing');
    named('off', 'guarded off');
    named('error', 'load error');
    line = parts.join(' · ');
    if (line.length <= width) break;
  }
  return line;
}

interface FieldFacts {
  offset: string;
  size: string;
  type: string;
}

/** Offset/size/type of the field a spec ends at. */
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
  if (m.bitfieldSize) return { offset: `${byte} + bit ${spec.bitOffset % 8}`, size: `${m.bitfieldSize} bits`, type: safeName(btf, m.type) };
  return { offset: hex(byte), size: String(btf.resolveSize(m.type) ?? '?'), type: safeName(btf, m.type) };
}

function safeName(btf: Btf, id: number): string {
  try {
    return cTypeName(btf, id);
  } catch {
    return `type #${id}`;
  }
}

const FIELD_TABLE_KINDS = new Set<number>([ReloKind.FieldByteOffset, ReloKind.FieldByteSize, ReloKind.FieldExists]);

/** Groups of one site's outcomes, per target. */
function siteGroups(ev: SiteEvaluation, ctx: TargetContext): { groups: Group[]; header: string[] } {
  const kind = ev.site.kind;
  const failed = (st: SiteOnTarget, r: RelocationResult): Omit<Group, 'targets'> => {
    if (r.status === 'error') return { key: `error|${r.problem}`, kind: 'error', cells: [], problem: r.problem };
    const off = st.runs === false;
    return { key: off ? 'off' : 'missing', kind: off ? 'off' : 'missing', cells: [], problem: r.problem };
  };
  if (FIELD_TABLE_KINDS.has(kind)) {
    const groups = groupBy(ctx, (name) => {
      const st = ev.targets.get(name);
      if (!st) return undefined;
      const r = st.result;
      if (r.status === 'error' || !r.targetSpec) {
        const g = failed(st, r);
        return { ...g, cells: [g.kind === 'error' ? 'load error' : g.kind === 'off' ? 'missing (guarded off)' : 'missing', '', ''] };
      }
      const f = fieldFacts(r.targetSpec);
      const headline = kind === ReloKind.FieldByteOffset ? `offset ${f.offset.replace(/ \(0x.*\)$/, '')}`
        : kind === ReloKind.FieldByteSize ? `size ${f.size}` : 'present';
      return { key: `${f.offset}|${f.size}|${f.type}`, kind: 'ok', cells: [f.offset, f.size, cell(f.type)], headline };
    });
    return { groups, header: ['offset', 'size', 'type', 'targets'] };
  }
  const groups = groupBy(ctx, (name) => {
    const st = ev.targets.get(name);
    if (!st) return undefined;
    const r = st.result;
    if (r.status !== 'ok') {
      const g = failed(st, r);
      return { ...g, cells: [g.kind === 'error' ? 'load error' : g.kind === 'off' ? 'fails, guarded off' : 'fails (poisoned)'] };
    }
    const v = String(BigInt.asIntN(64, r.value!));
    return { key: v, kind: 'ok', cells: [v], headline: `value ${v}` };
  });
  return { groups, header: ['value', 'targets'] };
}

/** The lines of one site's hover: summary, table, what it was compiled against, and its guards. */
function siteLines(localBtf: Btf, ev: SiteEvaluation, ctx: TargetContext, withTable: boolean): string[] {
  const { site } = ev;
  const label = siteLabel(localBtf, site);
  const { groups, header } = siteGroups(ev, ctx);
  const head = `**${label}** · ${ctx.names.length ? summaryLine(groups, ctx, HOVER_WIDTH - label.length - 7) : 'no target loaded'}`;
  if (!withTable) return [clip(head, HOVER_WIDTH)];
  const lines = [clip(head, HOVER_WIDTH)];
  const err = groups.find((g) => g.kind === 'error' || g.kind === 'missing');
  const tail: string[] = [];
  if (err?.problem) tail.push(clip(`${err.kind === 'error' ? 'load error' : 'missing'}: ${err.problem.replace(/`/g, '')}`, HOVER_WIDTH));
  let compiled = `${reloKindName(site.kind)} relocation, access ${site.access}`;
  try {
    const local = parseSpec(localBtf, site.typeId, site.access, site.kind);
    if (FIELD_TABLE_KINDS.has(site.kind)) {
      const f = fieldFacts(local);
      compiled += `; compiled: offset ${f.offset.replace(/ \(0x.*\)$/, '')}, size ${f.size}, ${f.type}`;
    }
  } catch {
    // the label already says the local type could not be read
  }
  const first = ev.targets.values().next().value as SiteOnTarget | undefined;
  if (!FIELD_TABLE_KINDS.has(site.kind) && first?.result.localValue !== undefined) compiled += `; compiled value ${BigInt.asIntN(64, first.result.localValue)}`;
  tail.push(clip(compiled, HOVER_WIDTH));
  if (site.guards.length) {
    tail.push(clip('Runs only when ' + site.guards.map((g) => guardText(g, (c) => `${reloKindName(c.kind)}(${siteLabel(localBtf, c)})`)).join(' && '), HOVER_WIDTH));
  }
  // head, blank, table header (2), blank, tail: the rest of the budget is for rows
  const rowBudget = HOVER_LINE_BUDGET - 5 - tail.length;
  if (groups.length) lines.push('', ...table(header, fold(groups, ctx, header.length - 1, rowBudget)));
  lines.push('', ...tail);
  return lines;
}

/** Markdown for a hover on one CO-RE site. */
export function siteHover(localBtf: Btf, ev: SiteEvaluation, ctx: TargetContext): string {
  return siteLines(localBtf, ev, ctx, true).join('\n');
}

/**
 * Markdown for a hover on a CO-RE macro: every relocation it makes. A full table each when that fits the budget,
 * else one summary line per relocation (hovering a field of the macro shows its table).
 */
export function macroHover(localBtf: Btf, macro: string, hops: readonly SiteEvaluation[], ctx: TargetContext): string {
  const title = `${macro}: ${hops.length} relocation${hops.length === 1 ? '' : 's'}`;
  const full = hops.map((h) => siteLines(localBtf, h, ctx, true));
  const fullLines = 2 + full.reduce((n, l) => n + l.length + 2, 0);
  if (fullLines <= HOVER_LINE_BUDGET) return [title, '', ...full.flatMap((l, i) => (i ? ['', '---', '', ...l] : l))].join('\n');
  const brief = hops.slice(0, HOVER_LINE_BUDGET - 3).map((h) => `- ${siteLines(localBtf, h, ctx, false)[0]!}`);
  if (hops.length > brief.length) brief.push(`- … ${hops.length - brief.length} more`);
  return [title, '', ...brief, '', 'Hover a field for its table.'].join('\n');
}

/** Markdown for a hover on a type name: size and alignment per target group, or where it is missing. */
export function typeHover(keyword: string, name: string, targets: readonly { name: string; btf: Btf }[], ctx: TargetContext): string | undefined {
  const kind = keyword === 'union' ? 5 : keyword === 'enum' ? 6 : 4;
  const ess = name.replace(/___[^_].*$/, '');
  const byName = new Map(targets.map((t) => [t.name, t.btf]));
  const groups = groupBy(ctx, (tn) => {
    const btf = byName.get(tn);
    if (!btf) return undefined;
    let id = btf.findByName(ess, kind);
    if (!id && kind === 6) id = btf.findByName(ess, 19);
    if (!id) return { key: 'missing', kind: 'missing', cells: ['missing', '', ''] };
    const size = btf.resolveSize(id);
    const ty = btf.type(id);
    const members = isComposite(ty) ? `${ty.members.length} members` : isEnum(ty) ? `${ty.values.length} values` : '';
    const align = String(btf.alignOf(id));
    return { key: `${size}|${align}|${members}`, kind: 'ok', cells: [String(size ?? '?'), align, members], headline: `size ${size ?? '?'}` };
  });
  if (!groups.some((g) => g.kind === 'ok') && !groups.length) return undefined;
  const flavor = ess !== name ? ` (flavor of ${keyword} ${ess}, matched by that name)` : '';
  const title = `**${keyword} ${name}**${flavor}`;
  return [clip(`${title} · ${summaryLine(groups, ctx, HOVER_WIDTH - title.length - 3)}`, HOVER_WIDTH), '',
    ...table(['size', 'align', 'members', 'targets'], fold(groups, ctx, 3))].join('\n');
}

/** The tooltip of an offset inlay hint: one line per distinct value. */
export function offsetTooltip(label: string, values: readonly string[], ctx: TargetContext): string {
  const by = new Map<string, string[]>();
  ctx.names.forEach((n, i) => by.set(values[i]!, [...(by.get(values[i]!) ?? []), n]));
  const rows = [...by].sort((a, b) => b[1].length - a[1].length);
  const shown = rows.slice(0, MAX_ROWS).map(([v, ts]) => `${v}: ${describeSubset(ts, ctx, 60)}`);
  if (rows.length > MAX_ROWS) shown.push(`… ${rows.length - MAX_ROWS} other values`);
  return `${label} offset per target\n${shown.join('\n')}`;
}
