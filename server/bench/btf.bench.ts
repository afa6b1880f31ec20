// BTF bench (issue 2): open + index a real kernel BTF, find task_struct, compute 20 field offsets; beside libbpf.
//
// Each kernel runs in a fresh child process so that peak memory is per kernel, and both sides read the same raw
// (decompressed) file, which is what libbpf's btf__parse reads.

import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { Btf } from '../src/btf/reader';
import { Kind } from '../src/btf/types';
import { memberNames } from '../src/core/names';
import { renderTable } from '../src/util/format';
import { REPO, KERNELS, rawKernel, buildNative, median } from './common';

export const FIELDS = ['pid', 'tgid', 'real_parent', 'parent', 'comm', 'flags', 'prio', 'static_prio', 'normal_prio',
  'policy', 'mm', 'active_mm', 'cred', 'real_cred', 'files', 'fs', 'nsproxy', 'signal', 'exit_code', '__state'];

/** Bit offset of a named member, looking through anonymous members. */
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

/** One measured job in this process: returns timings; used by the child-process mode below. */
export function measureOpen(file: string, runs: number): { medianMs: number; firstMs: number; indexMs: number; maxRssKb: number; checksum: number } {
  const times: number[] = [];
  let checksum = 0;
  const gc = (globalThis as { gc?: () => void }).gc;
  for (let r = 0; r < runs; r++) {
    // Free the previous run's buffers outside the timed region, as the C anchor's btf__free is outside its own.
    gc?.();
    const t0 = performance.now();
    const btf = Btf.parse(fs.readFileSync(file), file);
    const id = btf.findByName('task_struct', Kind.Struct);
    for (const f of FIELDS) checksum += memberOffset(btf, id, f);
    times.push(performance.now() - t0);
  }
  // Full name index (what repeated lookups, e.g. CO-RE candidate search, use after a few queries).
  const btf = Btf.parse(fs.readFileSync(file), file);
  const t1 = performance.now();
  for (let i = 0; i < 6; i++) btf.findByName(`no_such_type_${i}`);
  const indexMs = performance.now() - t1;
  if (memberNames(btf, btf.findByName('task_struct', Kind.Struct)).length === 0) throw new Error('no members');
  return { medianMs: median(times.slice(1)), firstMs: times[0]!, indexMs, maxRssKb: 0, checksum: checksum / runs };
}

/** Peak memory of one open + lookup in a fresh process: RSS (Node's own ~40 MB included) and JS+buffer growth. */
export function measureMemory(file: string): { maxRssKb: number; baseRssKb: number; retainedKb: number } {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const before = process.memoryUsage();
  const baseRssKb = process.resourceUsage().maxRSS;
  const btf = Btf.parse(fs.readFileSync(file), file);
  const id = btf.findByName('task_struct', Kind.Struct);
  for (const f of FIELDS) memberOffset(btf, id, f);
  gc?.();
  const after = process.memoryUsage();
  const retained = after.heapUsed + after.external + after.arrayBuffers - (before.heapUsed + before.external + before.arrayBuffers);
  if (!btf.typeCount) throw new Error('unreachable');
  return { maxRssKb: process.resourceUsage().maxRSS, baseRssKb, retainedKb: Math.round(retained / 1024) };
}

/** `npm run bench btf`. */
export async function runBtfBench(): Promise<void> {
  const anchor = buildNative('btf_anchor', path.join(__dirname, '../../bench/native/btf_anchor.c'));
  const rows: string[][] = [];
  const RUNS = 31;
  for (const k of KERNELS) {
    const raw = await rawKernel(k);
    const ours = JSON.parse(execFileSync(process.execPath, ['--expose-gc', __filename, '--child', raw, String(RUNS)], { encoding: 'utf8' }));
    const mem = JSON.parse(execFileSync(process.execPath, ['--expose-gc', __filename, '--mem', raw], { encoding: 'utf8' }));
    const lib = anchor ? JSON.parse(execFileSync(anchor, [raw, String(RUNS)], { encoding: 'utf8' })) : undefined;
    if (lib && lib.checksum !== ours.checksum) throw new Error(`${k}: offsets differ from libbpf (${ours.checksum} vs ${lib.checksum})`);
    rows.push([
      k, `${(fs.statSync(raw).size / 1e6).toFixed(1)} MB`, ours.medianMs.toFixed(2), ours.firstMs.toFixed(1), ours.indexMs.toFixed(1),
      `${Math.round(mem.maxRssKb / 1024)} MB (Node alone ${Math.round(mem.baseRssKb / 1024)})`, `${(mem.retainedKb / 1024).toFixed(1)} MB`,
      lib ? lib.medianMs.toFixed(2) : 'n/a', lib ? (ours.medianMs / lib.medianMs).toFixed(2) + 'x' : 'n/a',
      lib ? `${Math.round(lib.maxRssKb / 1024)} MB` : 'n/a',
    ]);
  }
  console.log(`open + find task_struct + 20 field offsets, median of ${RUNS - 1} warm runs (first run shown apart), raw BTF files`);
  console.log(renderTable(['kernel', 'size', 'corelens ms', 'first run ms', 'name index ms', 'peak RSS (one open)',
    'retained', 'libbpf ms', 'ratio', 'libbpf RSS'], rows));
  console.log('corelens ms: warm median (JIT-compiled), GC of the previous run kept out of the timed region like the C side\'s btf__free;'
    + ' first run ms: the same work cold, in a fresh process; retained: memory still held for the open BTF after one lookup.');
  if (!anchor) console.log('(libbpf anchor not built: install libbpf-dev libelf-dev zlib1g-dev clang)');
  void REPO;
}

if (process.argv[2] === '--child') {
  const r = measureOpen(process.argv[3]!, Number(process.argv[4]));
  process.stdout.write(JSON.stringify(r) + '\n');
} else if (process.argv[2] === '--mem') {
  process.stdout.write(JSON.stringify(measureMemory(process.argv[3]!)) + '\n');
}
