// Small output helpers shared by the CLI and reports: aligned text tables and JSON with 64-bit integers.

/** Renders rows as left-aligned columns separated by two spaces; the header is underlined. */
export function renderTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  // a loop, not Math.max(...rows): spreading 100,000+ rows overflows the call stack
  const widths = header.map((h, i) => rows.reduce((w, r) => Math.max(w, (r[i] ?? '').length), h.length));
  const line = (cells: readonly string[]) => cells.map((c, i) => (c ?? '').padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** JSON.stringify that writes bigint values as plain integers (exact, even beyond 2^53). */
export function toJson(value: unknown, indent?: number): string {
  const marks: string[] = [];
  const text = JSON.stringify(value, (_k, v) => {
    if (typeof v !== 'bigint') return v;
    if (v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER)) return Number(v);
    marks.push(v.toString());
    return `\u0000big${marks.length - 1}\u0000`;
  }, indent);
  return text.replace(/"\\u0000big(\d+)\\u0000"/g, (_m, i: string) => marks[Number(i)]!);
}
