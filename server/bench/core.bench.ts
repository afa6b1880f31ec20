// CO-RE bench (issues 3, 16): relocate a 200+-relocation object against 4 real kernels in-process (parse targets +
// relocate), beside real libbpf doing the same in-process (tools/oracle/oracle.c --bench), and the engine alone.
//
// The object is generated at bench time: a vmlinux.h from the 6.1 kernel (bpftool) and a program reading many
// fields of common kernel structs through BPF_CORE_READ, compiled with clang -target bpf.

import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { BpfObject, openBpfObject } from '../src/btf/object';
import { maxPayload } from '../src/btf/open';
import { readRawBtfSync } from '../src/btf/rawfile';
import { Btf } from '../src/btf/reader';
import { Kind, isComposite } from '../src/btf/types';
import { relocateObject } from '../src/core/object';
import { renderTable } from '../src/util/format';
import { Cost, KERNELS, REPO, RUNS, RunFigures, TMP, alternate, buildNative, measureIterations, rawKernel, runJson, runNodeJson, sum } from './common';
import { addRow, spread } from './summary';

const STRUCTS = ['task_struct', 'mm_struct', 'file', 'inode', 'dentry', 'super_block', 'sock', 'sk_buff', 'net_device', 'cred',
  'vm_area_struct', 'signal_struct', 'tcp_sock', 'socket', 'bio'];

/** Writes and compiles the bench program; returns the object path, or undefined when clang/bpftool are missing. */
async function buildObject(): Promise<string | undefined> {
  const dir = path.join(TMP, 'core');
  fs.mkdirSync(dir, { recursive: true });
  const raw = await rawKernel('6.1-amd64');
  const obj = path.join(dir, 'fleet.bpf.o');
  try {
    const header = execFileSync('bpftool', ['btf', 'dump', 'file', raw, 'format', 'c'], { maxBuffer: 64 << 20 });
    fs.writeFileSync(path.join(dir, 'vmlinux.h'), header);
    const btf = Btf.parse(fs.readFileSync(raw), raw);
    const lines = ['#include "vmlinux.h"', '#include <bpf/bpf_helpers.h>', '#include <bpf/bpf_core_read.h>', ''];
    let reads = 0;
    for (const s of STRUCTS) {
      const t = btf.type(btf.findByName(s, Kind.Struct));
      if (!isComposite(t)) continue;
      lines.push(`SEC("kprobe/read_${s}")`, `int read_${s}(struct ${s} *p)`, '{', '\tlong v = 0;');
      let here = 0;
      for (const m of t.members) {
        const mt = btf.type(btf.skipModifiers(m.type));
        if (!m.name || m.bitfieldSize || !(mt.kind === Kind.Int || mt.kind === Kind.Ptr || mt.kind === Kind.Enum)) continue;
        lines.push(`\tv += (long)BPF_CORE_READ(p, ${m.name});`);
        reads++;
        if (++here === 30) break;
      }
      lines.push('\treturn v;', '}', '');
    }
    lines.push('char LICENSE[] SEC("license") = "GPL";');
    fs.writeFileSync(path.join(dir, 'fleet.bpf.c'), lines.join('\n'));
    execFileSync('clang', ['-g', '-O2', '-target', 'bpf', '-D__TARGET_ARCH_x86', '-I', dir, '-c', path.join(dir, 'fleet.bpf.c'), '-o', obj]);
    return obj;
  } catch (e) {
    console.log(`cannot build the bench object (${(e as Error).message.split('\n')[0]}); run: apt-get install -y clang bpftool libbpf-dev`);
    return undefined;
  }
}

/** The four kernels of the in-process row: both byte-order-neutral x86 flavours, arm64, and the newest CI kernel. */
const FOUR = ['6.1-amd64', '6.1-arm64', '6.18-amd64', 'cilium-ci-2026-04-amd64'];
const ITERATIONS = 12;

/** What both sides count, so that a figure is only printed when both did the same work with the same results. */
interface Tally {
  relos: number;
  errors: number;
  poisoned: number;
  values: string;
}
type Figures = RunFigures & Tally;

/**
 * One iteration of the in-process row: read and parse each target, then relocate every record of the object on all
 * of them, as `corelens relocate` does (libbpf 1.1 rules, so the tally must equal the oracle's).
 */
function relocateOnce(obj: BpfObject, targets: { name: string; file: string }[]): Tally {
  // Targets opened the way openBtfFile opens raw BTF files (libbpf's side: btf__parse).
  const opened = targets.map((t) => ({ name: t.name, btf: readRawBtfSync(t.file, {}, maxPayload()) ?? Btf.parse(fs.readFileSync(t.file), t.file) }));
  const relos = relocateObject(obj, opened, { libbpf: '1.1' });
  const tally = { relos: 0, errors: 0, poisoned: 0, values: 0n };
  for (const t of opened) {
    for (const r of relos) {
      const res = r.targets.get(t.name)!;
      tally.relos++;
      if (res.status === 'error') tally.errors++;
      else if (res.status === 'poison') tally.poisoned++;
      else tally.values = BigInt.asIntN(64, tally.values + BigInt.asIntN(64, res.value!));
    }
  }
  return { ...tally, values: String(tally.values) };
}

/** `npm run bench core`. */
export async function runCoreBench(): Promise<void> {
  const objFile = await buildObject();
  if (!objFile) return;
  const o = await openBpfObject(objFile);
  if (!o.ok) throw o.error;
  const nrelos = o.value.ext?.coreRelos.length ?? 0;
  const oracle = buildNative('oracle', path.join(REPO, 'tools', 'oracle', 'oracle.c'));

  // The in-process row: parse 4 targets + relocate, each side in its own fresh process, alternating.
  const four = await Promise.all(FOUR.map(async (k) => `${k}=${await rawKernel(k)}`));
  const runs = alternate(RUNS,
    () => runNodeJson<Figures>(__filename, ['--child', objFile, String(ITERATIONS), ...four]),
    oracle ? () => runJson<Figures>(oracle, ['--bench', String(ITERATIONS), objFile, ...four]) : undefined);
  if (oracle) {
    const ours = runs.ours[0]!;
    const lib = runs.anchor[0] as unknown as { relos: number; errors: number; poisoned: number; values: number; runs: Cost[] };
    if (ours.relos !== lib.relos || ours.errors !== lib.errors || ours.poisoned !== lib.poisoned || ours.values !== String(lib.values)) {
      throw new Error(`core bench: corelens and libbpf disagree (${JSON.stringify({ ...ours, cold: 0, warm: 0 })} vs ${JSON.stringify({ ...lib, runs: 0 })})`);
    }
  }
  const libFigures = (runs.anchor as unknown as { runs: Cost[]; peakRssKb: number }[]).map((r) => ({
    cold: r.runs[0]!, warm: { wallMs: sum(r.runs.slice(1).map((x) => x.wallMs)) / (r.runs.length - 1), cpuMs: sum(r.runs.slice(1).map((x) => x.cpuMs)) / (r.runs.length - 1) },
    peakRssKb: r.peakRssKb,
  }));
  const what = `relocate one object (${nrelos} relocations) against 4 kernels, in-process (parse + relocate)`;
  const anchor = (f: (x: RunFigures) => number) => (oracle ? { name: 'libbpf bpf_core_calc_relo_insn loop', runs: libFigures.map(f) } : undefined);
  addRow({ path: what, measure: 'warm CPU ms', corelens: runs.ours.map((x) => x.warm.cpuMs), anchor: anchor((x) => x.warm.cpuMs), goal: { maxRatio: 1.0 },
    note: `mean of iterations 2..${ITERATIONS}, GC counted; libbpf: btf__parse + bpf_core_add_cands per root + calc + patch, per target (tools/oracle --bench)` });
  addRow({ path: what, measure: 'warm wall ms', corelens: runs.ours.map((x) => x.warm.wallMs), anchor: anchor((x) => x.warm.wallMs) });
  addRow({ path: what, measure: 'cold CPU ms', corelens: runs.ours.map((x) => x.cold.cpuMs), anchor: anchor((x) => x.cold.cpuMs) });
  addRow({ path: what, measure: 'peak RSS MB', corelens: runs.ours.map((x) => x.peakRssKb / 1024), anchor: anchor((x) => x.peakRssKb / 1024) });
  const med = (xs: number[]) => spread(xs).median;
  console.log(`relocating ${path.relative(REPO, objFile)}: ${nrelos} CO-RE relocations × ${FOUR.length} kernels (${FOUR.join(', ')}), `
    + `${RUNS} alternating runs of ${ITERATIONS} iterations; results equal libbpf's (relocations, errors, poisoned, sum of values)`);
  console.log(renderTable(['side', 'warm CPU ms', 'warm wall ms', 'cold CPU ms', 'cold wall ms', 'peak RSS MB'], [
    ['corelens', ...[(x: RunFigures) => x.warm.cpuMs, (x: RunFigures) => x.warm.wallMs, (x: RunFigures) => x.cold.cpuMs, (x: RunFigures) => x.cold.wallMs]
      .map((f) => med(runs.ours.map(f)).toFixed(1)), (med(runs.ours.map((x) => x.peakRssKb)) / 1024).toFixed(0)],
    ...(oracle ? [['libbpf', ...[(x: RunFigures) => x.warm.cpuMs, (x: RunFigures) => x.warm.wallMs, (x: RunFigures) => x.cold.cpuMs, (x: RunFigures) => x.cold.wallMs]
      .map((f) => med(libFigures.map(f)).toFixed(1)), (med(libFigures.map((x) => x.peakRssKb)) / 1024).toFixed(0)]] : []),
  ]));

  // Relocation alone on every real kernel (targets already open), as before: throughput of the engine.
  const rows: string[][] = [];
  for (const k of KERNELS) {
    const raw = await rawKernel(k);
    const btf = Btf.parse(fs.readFileSync(raw), raw);
    const target = { name: k, btf };
    const times: number[] = [];
    let failing = 0;
    for (let r = 0; r < 15; r++) {
      const t1 = performance.now();
      const relos = relocateObject(o.value, [target]);
      times.push(performance.now() - t1);
      failing = relos.filter((x) => x.targets.get(k)!.outcome !== 'ok').length;
    }
    const ms = med(times.slice(1));
    rows.push([k, String(failing), times[0]!.toFixed(1), ms.toFixed(2), Math.round(nrelos / (ms / 1000)).toLocaleString('en')]);
  }
  console.log(renderTable(['kernel (open)', 'not ok', 'first relocate ms', 'relocate ms (median of 14)', 'relocations/s'], rows));
}

if (process.argv[2] === '--child') {
  // One measuring run in this fresh process: the object is opened once (outside the timing, like the oracle's).
  const [objFile, n, ...targets] = process.argv.slice(3);
  void (async () => {
    const o = await openBpfObject(objFile!);
    if (!o.ok) throw o.error;
    const list = targets.map((t) => ({ name: t.slice(0, t.indexOf('=')), file: t.slice(t.indexOf('=') + 1) }));
    let tally: Tally | undefined;
    const r = measureIterations(Number(n), () => { tally = relocateOnce(o.value, list); });
    process.stdout.write(JSON.stringify({ ...r, ...tally! }) + '\n');
  })();
}
