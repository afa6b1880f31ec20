// BTF bench (issues 2, 16): open a real kernel BTF, find task_struct, compute 20 field offsets; beside libbpf doing
// the same (btf__parse + btf__find_by_name_kind + the same member walk + btf__free, server/bench/native/btf_anchor.c).
//
// Protocol (common.ts): each run is a fresh process per side, alternating ours and libbpf's; the first iteration
// is reported apart (cold: nothing compiled, fresh pages); the warm figure is the mean of the other iterations with
// garbage collection counted (never forced outside the timed part: the C side frees inside it too); peak RSS is
// each process's own VmHWM, from a separate run that opens once.

import * as fs from 'fs';
import * as path from 'path';
import { maxPayload } from '../src/btf/open';
import { readRawBtfSync } from '../src/btf/rawfile';
import { Btf } from '../src/btf/reader';
import { Kind } from '../src/btf/types';
import { renderTable } from '../src/util/format';
import { KERNELS, RUNS, TMP, RunFigures, alternate, buildNative, measureIterations, peakRssKb, rawKernel, runJson, runNodeJson, sum } from './common';
import { addRow, spread } from './summary';

export const FIELDS = ['pid', 'tgid', 'real_parent', 'parent', 'comm', 'flags', 'prio', 'static_prio', 'normal_prio',
  'policy', 'mm', 'active_mm', 'cred', 'real_cred', 'files', 'fs', 'nsproxy', 'signal', 'exit_code', '__state'];

const ITERATIONS = 100;

/** Bit offset of a named member, looking through anonymous members (as C name lookup does). */
function memberOffset(btf: Btf, id: number, name: string, depth = 0): number {
  const t = btf.type(btf.skipModifiers(id));
  if ((t.kind !== Kind.Struct && t.kind !== Kind.Union) || depth > 16) return -1;
  for (const m of t.members) {
    if (m.name === name) return m.bitOffset;
    if (!m.name) {
      const inner = memberOffset(btf, m.type, name, depth + 1);
      if (inner >= 0) return m.bitOffset + inner;
    }
  }
  return -1;
}

/**
 * The measured work, once: what libbpf's side does (read the file, parse, find, 20 offsets), through the code
 * openBtfFile runs for a raw BTF file (its synchronous first step; the async wrapper adds only a promise).
 */
function openOnce(file: string): number {
  const btf = readRawBtfSync(file, {}, maxPayload());
  if (!btf) throw new Error(`${file}: not a raw BTF file`);
  const id = btf.findByName('task_struct', Kind.Struct);
  let checksum = 0;
  for (const f of FIELDS) checksum += memberOffset(btf, id, f);
  // libbpf's side ends with btf__free (its malloc reuses those pages for the next parse); release is ours.
  btf.release();
  return checksum;
}

type Figures = RunFigures & { checksum: number };

/** `npm run bench -- btf`. */
export async function runBtfBench(): Promise<void> {
  const anchor = buildNative('btf_anchor', path.join(__dirname, '../../bench/native/btf_anchor.c'));
  const per = new Map<string, { ours: Figures[]; lib: Figures[]; oursMem: number[]; libMem: number[] }>();
  for (const k of KERNELS) {
    const raw = await rawKernel(k);
    const t = alternate(RUNS,
      () => runNodeJson<Figures>(__filename, ['--child', raw, String(ITERATIONS)]),
      anchor ? () => runJson<Figures>(anchor, [raw, String(ITERATIONS)]) : undefined);
    for (const l of t.anchor) {
      if (l.checksum !== t.ours[0]!.checksum) throw new Error(`${k}: offsets differ from libbpf (${t.ours[0]!.checksum} vs ${l.checksum})`);
    }
    const m = alternate(RUNS,
      () => runNodeJson<Figures>(__filename, ['--child', raw, '1']).peakRssKb,
      anchor ? () => runJson<Figures>(anchor, [raw, '1']).peakRssKb : undefined);
    per.set(k, { ours: t.ours, lib: t.anchor, oursMem: m.ours, libMem: m.anchor });
  }
  const med = (xs: number[]) => spread(xs).median;
  const rows = [...per].map(([k, p]) => {
    const ratio = (f: (x: Figures) => number) => (anchor ? `${(med(p.ours.map(f)) / med(p.lib.map(f))).toFixed(2)}×` : 'n/a');
    const lib = (f: (x: Figures) => number) => (anchor ? med(p.lib.map(f)).toFixed(2) : 'n/a');
    return [k, med(p.ours.map((x) => x.warm.cpuMs)).toFixed(2), lib((x) => x.warm.cpuMs), ratio((x) => x.warm.cpuMs),
      med(p.ours.map((x) => x.warm.wallMs)).toFixed(2), lib((x) => x.warm.wallMs), ratio((x) => x.warm.wallMs),
      med(p.ours.map((x) => x.cold.wallMs)).toFixed(1), lib((x) => x.cold.wallMs), ratio((x) => x.cold.wallMs),
      `${Math.round(med(p.oursMem) / 1024)} / ${anchor ? Math.round(med(p.libMem) / 1024) : 'n/a'} MB`];
  });
  console.log(`open + find task_struct + 20 field offsets on raw BTF files; medians of ${RUNS} alternating runs per side, `
    + `${ITERATIONS} iterations each (warm: mean of iterations 2..${ITERATIONS} with GC counted; cold: the first)`);
  console.log(renderTable(['kernel', 'warm CPU ms', 'libbpf', 'ratio', 'warm wall ms', 'libbpf', 'ratio', 'cold wall ms', 'libbpf',
    'ratio', 'peak RSS ours / libbpf'], rows));
  if (!anchor) {
    console.log('(libbpf anchor not built: install libbpf-dev libelf-dev zlib1g-dev clang)');
    return;
  }
  // The summary: per run index, the sum over all kernels (each run of each kernel paired with libbpf's).
  const total = (side: 'ours' | 'lib', f: (x: Figures) => number) =>
    [...Array(RUNS).keys()].map((i) => sum([...per.values()].map((p) => f(p[side][i]!))));
  const what = `BTF open + task_struct + 20 offsets (${KERNELS.length} kernels, sum)`;
  const lib = (f: (x: Figures) => number) => ({ name: 'libbpf btf__parse', runs: total('lib', f) });
  addRow({ path: what, measure: 'warm CPU ms', corelens: total('ours', (x) => x.warm.cpuMs), anchor: lib((x) => x.warm.cpuMs),
    goal: { maxRatio: 1.0 }, note: 'mean per iteration, GC and every Node thread counted (process CPU)' });
  addRow({ path: what, measure: 'warm wall ms', corelens: total('ours', (x) => x.warm.wallMs), anchor: lib((x) => x.warm.wallMs) });
  addRow({ path: what, measure: 'cold CPU ms', corelens: total('ours', (x) => x.cold.cpuMs), anchor: lib((x) => x.cold.cpuMs),
    goal: { maxRatio: 2.0 } });
  addRow({ path: what, measure: 'cold wall ms', corelens: total('ours', (x) => x.cold.wallMs), anchor: lib((x) => x.cold.wallMs),
    goal: { maxRatio: 2.0 }, note: 'first iteration in a fresh process (module loading excluded on our side, process start on both)' });
  const big = [...per.keys()].sort((a, b) => fs.statSync(rawPathOf(b)).size - fs.statSync(rawPathOf(a)).size)[0]!;
  addRow({ path: `BTF open, one open of ${big}`, measure: 'peak RSS MB', corelens: per.get(big)!.oursMem.map((k) => k / 1024),
    anchor: { name: 'libbpf', runs: per.get(big)!.libMem.map((k) => k / 1024) },
    note: 'VmHWM of each side\'s own process; ours includes Node itself (about 40 MB before any work)' });
}

function rawPathOf(k: string): string {
  return path.join(TMP, `${k}.btf`);
}

if (process.argv[2] === '--child') {
  // One measuring run in this fresh process (see the protocol at the top).
  const file = process.argv[3]!;
  const n = Number(process.argv[4]);
  let checksum = 0;
  const r = n > 1 ? measureIterations(n, () => { checksum = openOnce(file); }) : undefined;
  if (!r) checksum = openOnce(file);
  process.stdout.write(JSON.stringify({ ...(r ?? { peakRssKb: peakRssKb() }), checksum }) + '\n');
}
