// `corelens layout`: a type's layout on every target, side by side (pahole-like, with moves and holes).

import { computeLayout, findTypeBySpelling, TypeLayout } from '../btf/layout';
import { renderTable, toJson } from '../util/format';
import { Io, Parsed, UsageError, loadOrDefault } from './common';

interface LayoutColumn {
  target: string;
  layout?: TypeLayout;
  error?: string;
}

/** Prints the layout table (or JSON); exit 1 when the type is missing everywhere or a target failed. */
export async function layout(p: Parsed, io: Io): Promise<number> {
  if (p.positional.length !== 1) throw new UsageError('layout needs exactly one TYPE, e.g. "struct task_struct"');
  const spelling = p.positional[0]!;
  const targets = await loadOrDefault(p, io);
  if (!targets) return 1;
  const cols: LayoutColumn[] = targets.map((t) => {
    try {
      const id = findTypeBySpelling(t.btf, spelling);
      if (!id) return { target: t.spec.name, error: 'missing' };
      return { target: t.spec.name, layout: computeLayout(t.btf, id) };
    } catch (e) {
      return { target: t.spec.name, error: e instanceof Error ? e.message : String(e) };
    }
  });
  if (p.json) {
    io.out(toJson({
      type: spelling,
      targets: Object.fromEntries(cols.map((c) => [c.target, c.layout ?? { missing: true, error: c.error }])),
    }));
  } else {
    io.out(renderLayout(spelling, cols, p.changed));
  }
  return cols.some((c) => c.layout) ? (targets.length < (p.targets.length || targets.length) ? 1 : 0) : 1;
}

/** Side-by-side layout: one row per member (union over targets), one column pair (offset, size) per target. */
export function renderLayout(spelling: string, cols: LayoutColumn[], changedOnly = false): string {
  const present = cols.filter((c) => c.layout);
  // what --json says, in words: a target whose BTF failed to decode is not "missing" the type
  const why = (c: LayoutColumn) => (c.error && c.error !== 'missing' ? `${c.target}: ${c.error}` : c.target);
  if (present.length === 0) {
    const failed = cols.filter((c) => c.error && c.error !== 'missing');
    if (failed.length === 0) return `${spelling}: missing on every target (${cols.map((c) => c.target).join(', ')})`;
    const missing = cols.filter((c) => !c.error || c.error === 'missing');
    return `${spelling}: not found on any target: ${failed.map(why).join('; ')}${missing.length ? `; missing on ${missing.map((c) => c.target).join(', ')}` : ''}`;
  }
  // Row order: the first target's members, then members only other targets have, in their order.
  const order: string[] = [];
  const seen = new Set<string>();
  const typeOf = new Map<string, string>();
  const depthOf = new Map<string, number>();
  for (const c of present) {
    for (const m of c.layout!.members) {
      const key = m.name || `<anon@${m.offset}>`;
      if (!seen.has(key)) {
        seen.add(key);
        order.push(key);
        typeOf.set(key, m.type);
        depthOf.set(key, m.depth);
      }
    }
  }
  const ref = present[0]!;
  const refOffsets = new Map(ref.layout!.members.map((m) => [m.name || `<anon@${m.offset}>`, m.offset]));
  // one map per target: a find() per row and target made a 65,535-member struct take 43 s
  const byKey = new Map(cols.map((c) => {
    const m = new Map<string, TypeLayout['members'][number]>();
    for (const x of c.layout?.members ?? []) {
      const k = x.name || `<anon@${x.offset}>`;
      if (!m.has(k)) m.set(k, x);
    }
    return [c, m] as const;
  }));
  const header = ['member', 'type', ...cols.map((c) => c.target)];
  const rows: string[][] = [];
  let hidden = 0;
  for (const key of order) {
    if (changedOnly) {
      const seenAt = present.map((c) => byKey.get(c)!.get(key));
      const same = seenAt.every((m) => m && m.offset === seenAt[0]!.offset && m.size === seenAt[0]!.size && m.bitOffset === seenAt[0]!.bitOffset);
      if (same) {
        hidden++;
        continue;
      }
    }
    const cells = cols.map((c) => {
      if (!c.layout) return '';
      const m = byKey.get(c)!.get(key);
      if (!m) return '— missing';
      const moved = refOffsets.has(key) && refOffsets.get(key) !== m.offset ? '*' : ' ';
      const pos = m.bitSize !== undefined ? `${m.offset}:${m.bitOffset! - m.offset * 8}` : `${m.offset}`;
      const size = m.bitSize !== undefined ? `${m.bitSize}b` : `${m.size}`;
      const hole = m.holeBefore ? ` (+${m.holeBefore} hole)` : '';
      return `${pos.padStart(6)} ${size.padStart(4)}${moved}${hole}`;
    });
    rows.push([`${'  '.repeat(depthOf.get(key)!)}${key}`, typeOf.get(key)!, ...cells]);
  }
  rows.push(['', '', ...cols.map(() => '')]);
  rows.push(['size', '', ...cols.map((c) => (c.layout ? `${c.layout.size} (align ${c.layout.align})` : c.error ?? ''))]);
  rows.push(['holes / padding', '', ...cols.map((c) => (c.layout ? `${c.layout.holes} / ${c.layout.padding} bytes` : ''))]);
  const title = `${ref.layout!.name} — offset and size in bytes (bitfields: byte:bit and width); * moved vs ${ref.target}`
    + (changedOnly ? `; ${hidden} members identical on every target not shown` : '');
  return `${title}\n${renderTable(header, rows)}`;
}

