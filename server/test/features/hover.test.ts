// Hovers that stay short and read well raw: one summary line, targets grouped by identical value (named by kernel
// range), at most HOVER_LINE_BUDGET lines of at most HOVER_WIDTH characters, for 2 targets and for a fleet of 300.
// The values are the engine's on real kernels; the grouping is checked against the per-target results.

import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { pathToFileURL } from 'url';
import { openBtfFile } from '../../src/btf/open';
import { Btf } from '../../src/btf/reader';
import { SiteEvaluation, evaluateSites, LiveSite } from '../../src/features/evaluate';
import { HOVER_LINE_BUDGET, HOVER_WIDTH, TargetContext, describeSubset, macroHover, siteHover, typeHover } from '../../src/features/hover';
import { inlayHints, programLenses } from '../../src/features/present';
import { siteLabel } from '../../src/features/diagnostics';
import { createAnalyzer } from '../../src/source/analyzer';
import { targetInfo } from '../../src/targets/summary';
import { FIXTURES } from '../support/paths';
import { kernel } from '../support/kernels';

/** A fleet the way BTFHub lays it out: many builds per kernel series, each series with its real layout. */
const SERIES: { kernel: string; name: (n: number) => string; count: number }[] = [
  { kernel: '5.10', name: (n) => `debian/11/x86_64/5.10.0-${n}-amd64`, count: 80 },
  { kernel: '6.1-amd64', name: (n) => `debian/12/x86_64/6.1.0-${n}-amd64`, count: 90 },
  { kernel: '6.1-cloud-amd64', name: (n) => `debian/12/x86_64/6.1.0-${n}-cloud-amd64`, count: 40 },
  { kernel: '6.1-rt-amd64', name: (n) => `debian/12/x86_64/6.1.0-${n}-rt-amd64`, count: 30 },
  { kernel: '6.1-arm64', name: (n) => `debian/12/arm64/6.1.0-${n}-arm64`, count: 30 },
  { kernel: '6.18-amd64', name: (n) => `debian/13/x86_64/6.18.0-${n}-amd64`, count: 30 },
];

let old: Promise<Btf> | undefined;
const kernel510 = () => (old ??= openBtfFile(path.join(FIXTURES, 'btf', 'kernels', '5.10-amd64.btf.xz')).then((r) => {
  if (!r.ok) throw r.error;
  return r.value.btf;
}));

/** Every line within the width, the whole within the budget, tables aligned, no Markdown noise inside cells. */
function assertReadable(md: string, what: string): void {
  const lines = md.split('\n');
  assert.ok(lines.length <= HOVER_LINE_BUDGET, `${what}: ${lines.length} lines > ${HOVER_LINE_BUDGET}:\n${md}`);
  for (const l of lines) assert.ok(l.length <= HOVER_WIDTH, `${what}: line of ${l.length} > ${HOVER_WIDTH}: ${l}`);
  const rows = lines.filter((l) => l.startsWith('|'));
  if (rows.length) {
    assert.strictEqual(new Set(rows.map((r) => r.length)).size, 1, `${what}: table columns aligned in the raw text:\n${md}`);
    for (const r of rows) assert.ok(!/`|\\\|/.test(r), `${what}: no backticks or escaped pipes in a row: ${r}`);
  }
  assert.ok(!/<[a-z]+[ >]/i.test(md), `${what}: no HTML`);
}

/** Table rows as cells. */
const cells = (md: string) => md.split('\n').filter((l) => /^\| /.test(l)).slice(1).map((l) => l.slice(1, -1).split('|').map((c) => c.trim()));

describe('hover text: a summary line, grouped targets, a line budget, readable raw', function () {
  this.timeout(120_000);
  let evals: SiteEvaluation[];
  let local: Btf;
  let fleet: TargetContext;
  let fleetRefs: { name: string; btf: Btf }[];
  let fleetEvals: SiteEvaluation[];
  let smallEvals: SiteEvaluation[];
  let small: TargetContext;
  let smallRefs: { name: string; btf: Btf }[];

  before(async () => {
    const file = path.join(FIXTURES, 'programs', 'kernel_task.bpf.c');
    const a = await createAnalyzer();
    const an = a.analyze(pathToFileURL(file).toString(), fs.readFileSync(file, 'utf8'), {});
    local = an.localBtf();
    const btfs = new Map<string, Btf>();
    for (const s of SERIES) btfs.set(s.kernel, s.kernel === '5.10' ? await kernel510() : await kernel(s.kernel));
    fleetRefs = SERIES.flatMap((s) => Array.from({ length: s.count }, (_, i) => ({ name: s.name(i + 1), btf: btfs.get(s.kernel)! })));
    fleet = { names: fleetRefs.map((r) => r.name), infos: fleetRefs.map((r) => targetInfo({ name: r.name, path: `${r.name}.btf.tar.xz` })) };
    fleetEvals = evaluateSites(local, an.sites as LiveSite[], fleetRefs);
    smallRefs = [{ name: '6.1-amd64', btf: btfs.get('6.1-amd64')! }, { name: '6.18-amd64', btf: btfs.get('6.18-amd64')! }];
    small = { names: smallRefs.map((r) => r.name), infos: smallRefs.map((r) => targetInfo({ name: r.name, path: r.name })) };
    smallEvals = evaluateSites(local, an.sites as LiveSite[], smallRefs);
    evals = fleetEvals;
    assert.strictEqual(fleetRefs.length, 300);
  });

  it('every site of a realistic program: within the budget and width, aligned, for 2 and for 300 targets', () => {
    assert.ok(evals.length > 40, `${evals.length} sites`);
    for (const [ctx, es] of [[small, smallEvals], [fleet, fleetEvals]] as const) {
      for (const ev of es) assertReadable(siteHover(local, ev, ctx), `${ev.site.localType} ${ev.site.access} on ${ctx.names.length}`);
    }
  });

  it('groups the fleet by value: rows agree with the engine per target, and name kernel ranges', () => {
    let checked = 0;
    for (const ev of fleetEvals) {
      if (ev.site.kind !== 0) continue;
      const md = siteHover(local, ev, fleet);
      const rows = cells(md);
      // Every row that is not folded: its targets are exactly those with that offset (or missing).
      const byOffset = new Map<string, string[]>();
      for (const n of fleet.names) {
        const r = ev.targets.get(n)!.result;
        const key = r.status === 'ok' && r.targetSpec ? String(Math.floor(r.targetSpec.bitOffset / 8)) : 'missing';
        byOffset.set(key, [...(byOffset.get(key) ?? []), n]);
      }
      for (const row of rows) {
        if (/other values$/.test(row[0]!)) continue;
        const key = row[0] === 'missing' || row[0] === 'missing (guarded off)' ? 'missing' : /^(\d+)/.exec(row[0]!)?.[1];
        if (!key || /bit/.test(row[0]!)) continue;
        const expected = byOffset.get(key)!;
        assert.ok(expected, `${md}\nrow ${row.join('|')}`);
        if (key === 'missing') continue; // may be split between guarded-off and not
        assert.strictEqual(row[row.length - 1], describeSubset(expected, fleet), md);
        checked++;
      }
    }
    assert.ok(checked > 20, `${checked} rows checked`);
  });

  it('task_struct::pid on the fleet: one line that says where it differs, rows by kernel series', () => {
    const ev = fleetEvals.find((e) => e.site.kind === 0 && siteLabel(local, e.site) === 'task_struct::pid')!;
    const md = siteHover(local, ev, fleet);
    const first = md.split('\n')[0]!;
    // 6.1 generic and cloud share 2416: the largest group; the others differ
    assert.strictEqual(first, '**task_struct::pid** · offset 2416 on 130 targets · differs on 170');
    const rows = cells(md);
    assert.deepStrictEqual(rows[0], ['2416 (0x970)', '4', 'pid_t', '6.1: 130 of 190, 130 kernels (amd64, cloud-amd64)']);
    assert.ok(rows.some((r) => r[0] === '2232 (0x8b8)' && r[3] === '5.10, 80 kernels'), md);
    assert.ok(rows.some((r) => r[0] === '2480 (0x9b0)' && r[3] === '6.1: 30 of 190, 30 kernels (rt-amd64)'), md);
    assert.ok(rows.some((r) => r[0] === '1352 (0x548)' && r[3] === '6.1: 30 of 190, 30 kernels (arm64)'), md);
    assert.ok(rows.some((r) => r[0] === '1264 (0x4f0)' && r[3] === '6.18 and newer, 30 kernels'), md);
  });

  it('a field renamed in 5.14: "missing on" names the kernel range, not 220 names', () => {
    const ev = fleetEvals.find((e) => e.site.kind === 0 && e.site.localType === 'struct task_struct___o')!;
    assert.ok(ev, 'kernel_task reads state through task_struct___o');
    const md = siteHover(local, ev, fleet);
    const first = md.split('\n')[0]!;
    // the state read runs only where the field exists: elsewhere it is guarded off, as libbpf intends
    assert.strictEqual(first, '**task_struct::state** · offset 16 on 80 targets · guarded off on 6.1 and newer, 220 kernels');
  });

  it('a macro with many hops, a type, inlay tooltips and lenses stay short on the fleet too', async () => {
    const byLine = new Map<number, SiteEvaluation[]>();
    for (const e of fleetEvals) byLine.set(e.site.range.start.line, [...(byLine.get(e.site.range.start.line) ?? []), e]);
    const longest = [...byLine.values()].sort((a, b) => b.length - a.length)[0]!;
    assert.ok(longest.length >= 2);
    assertReadable(macroHover(local, 'BPF_CORE_READ', longest, fleet), 'macro');
    assertReadable(macroHover(local, 'BPF_CORE_READ', longest, small), 'macro, 2 targets');
    const ty = typeHover('struct', 'task_struct', fleetRefs, fleet)!;
    assertReadable(ty, 'type');
    assert.match(ty.split('\n')[0]!, /^\*\*struct task_struct\*\* · size \d+ on \d+ targets · differs on \d+$/);
    for (const h of inlayHints(local, fleetEvals, fleet.names, 'primary', fleet)) {
      assert.ok(h.tooltip.split('\n').length <= 7, h.tooltip);
    }
    const lenses = programLenses([{ name: 'p', section: 'x', range: { start: { line: 0, character: 0 }, end: { line: 10_000, character: 0 } } }], fleetEvals, fleet.names, fleet);
    assert.ok(lenses[0]!.title.length <= 160, lenses[0]!.title);
  });

  it('two targets: every value in the table, and the compiled layout at the end', () => {
    const ev = smallEvals.find((e) => e.site.kind === 0 && siteLabel(local, e.site) === 'task_struct::pid')!;
    const md = siteHover(local, ev, small);
    assert.deepStrictEqual(md.split('\n'), [
      '**task_struct::pid** · offset 2416 on 6.1-amd64 · differs on 1',
      '',
      '| offset       | size | type  | targets    |',
      '|--------------|------|-------|------------|',
      '| 2416 (0x970) | 4    | pid_t | 6.1-amd64  |',
      '| 1264 (0x4f0) | 4    | pid_t | 6.18-amd64 |',
      '',
      md.split('\n')[7]!,
    ]);
    assert.match(md.split('\n')[7]!, /^byte_off relocation, access 0:\d+; compiled: offset \d+, size 4, int$/);
  });
});
