// The one table `npm run bench` ends with: every bench file adds rows here (path, corelens, anchor, ratio, goal,
// met?), so a reader sees at a glance where corelens stands, and a new bench slots in with a single addRow call.

import { renderTable } from '../src/util/format';

/** What a row promises: a ratio to its anchor (CPU 1.0× = as fast as libbpf), or an absolute ceiling. */
export type Goal = { maxRatio: number } | { maxValue: number } | { text: string };

export interface SummaryRow {
  /** The path measured, as the issue names it ("BTF open + task_struct + 20 offsets, 6 kernels"). */
  path: string;
  /** What the numbers are: "CPU ms", "wall ms", "peak RSS MB", ... (corelens and anchor share it). */
  measure: string;
  /** One figure per run (at least 5 runs, alternating with the anchor's when there is one). */
  corelens: number[];
  /** The native tool doing the same work, one figure per run, paired with corelens' by index. */
  anchor?: { name: string; runs: number[] };
  goal?: Goal;
  /** A short qualifier printed under the table (how it was measured, what is excluded). */
  note?: string;
}

const rows: SummaryRow[] = [];

/** Registers a row for the final table; call once per figure (a bench may add several). */
export function addRow(row: SummaryRow): void {
  if (row.anchor && row.anchor.runs.length !== row.corelens.length) {
    throw new Error(`${row.path}: ${row.corelens.length} corelens runs but ${row.anchor.runs.length} anchor runs (they must be paired)`);
  }
  rows.push(row);
}

/** The rows added so far (tests and the index read them). */
export function summaryRows(): readonly SummaryRow[] {
  return rows;
}

export interface Spread {
  min: number;
  median: number;
  max: number;
}

/** min / median / max of some runs (the median of an even count is the mean of the middle two). */
export function spread(xs: readonly number[]): Spread {
  if (xs.length === 0) return { min: NaN, median: NaN, max: NaN };
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  const median = s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
  return { min: s[0]!, median, max: s[s.length - 1]! };
}

/** Per-run ratios corelens / anchor, pairing run i with run i (alternating runs share the machine's mood). */
export function ratios(row: SummaryRow): number[] {
  return row.anchor ? row.corelens.map((c, i) => c / row.anchor!.runs[i]!) : [];
}

function fmt(v: number): string {
  if (!Number.isFinite(v)) return 'n/a';
  const a = Math.abs(v);
  return a >= 100 ? v.toFixed(0) : a >= 10 ? v.toFixed(1) : a >= 1 ? v.toFixed(2) : v.toFixed(3);
}

function cell(xs: readonly number[], suffix = ''): string {
  if (xs.length === 0) return '';
  const s = spread(xs);
  return `${fmt(s.median)}${suffix} (${fmt(s.min)}–${fmt(s.max)})`;
}

function goalText(g: Goal | undefined): string {
  if (!g) return '';
  if ('maxRatio' in g) return `≤ ${Number(g.maxRatio.toPrecision(2))}×`;
  if ('maxValue' in g) return `≤ ${g.maxValue}`;
  return g.text;
}

/** "yes" / "no" on the median, with how many single runs met the goal on their own. */
export function met(row: SummaryRow): string {
  const g = row.goal;
  if (!g || 'text' in g) return '';
  const values = 'maxRatio' in g ? ratios(row) : row.corelens;
  const limit = 'maxRatio' in g ? g.maxRatio : g.maxValue;
  if (values.length === 0) return 'n/a';
  const ok = values.filter((v) => v <= limit).length;
  return `${spread(values).median <= limit ? 'yes' : 'NO'} (${ok}/${values.length} runs)`;
}

/** The final table (and its notes); empty when no bench added a row. */
export function renderSummary(list: readonly SummaryRow[] = rows): string {
  if (list.length === 0) return '';
  const body = list.map((r) => [
    r.path, r.measure, cell(r.corelens), r.anchor ? `${cell(r.anchor.runs)} ${r.anchor.name}` : '',
    r.anchor ? cell(ratios(r), '×') : '', goalText(r.goal), met(r),
  ]);
  const notes = list.filter((r) => r.note).map((r) => `- ${r.path}, ${r.measure}: ${r.note}`);
  return [
    renderTable(['path', 'measure', 'corelens median (min–max)', 'anchor median (min–max)', 'ratio', 'goal', 'met?'], body),
    'Figures are per run; where there is an anchor, runs alternate with its runs (each side in a fresh process) and ratios pair',
    'run i of each side. met?: on the median, and how many single runs met the goal on their own.',
    ...notes,
  ].join('\n');
}
