// `corelens check` at fleet scale (issues 9, 16): N targets in a BTFHub-style tree (the 6 real kernels repeated
// under different names, as .btf.tar.xz), cold and warm cache, beside the shell loops a CI would otherwise run:
// `tar -xJ` + `bpftool gen min_core_btf` per archive, serially and on both cores (xargs -P 2).
//
// Every figure is a whole process tree under /usr/bin/time (wall, and user+system CPU of the process and the
// children it waited for: xz, tar, bpftool), RUNS alternating runs. The per-target JavaScript cost is corelens'
// CPU minus what `xz -dc` alone costs on the same archives (the decompression both sides pay), divided by N.

import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { renderTable } from '../src/util/format';
import { KERNELS, REPO, RUNS, TMP, kernelArchives, rawKernel } from './common';
import { addRow, spread } from './summary';

const TARGETS = Number(process.env.CHECK_BENCH_TARGETS ?? 200);
const CLI = path.join(REPO, 'server', 'bin', 'corelens.js');
const FIXTURE_OBJECT = path.join(REPO, 'test-fixtures', 'objects', 'kernel_task.bpfel.o');
const FIXTURE_SOURCE = path.join(REPO, 'test-fixtures', 'programs', 'kernel_task.bpf.c');

/** A BTFHub-style tree of `n` links, each named like a distinct kernel build; also the archive list, in order. */
function makeTree(dir: string, n: number, arch: Map<string, string>): string[] {
  const list: string[] = [];
  for (let i = 0; i < n; i++) {
    const k = KERNELS[i % KERNELS.length]!;
    const ver = /^(\d+\.\d+)/.exec(k)?.[1] ?? '6.6';
    const archDir = k.includes('arm64') ? 'arm64' : 'x86_64';
    const distro = i % 2 ? 'ubuntu' : 'debian';
    const rel = path.join(distro, String(20 + (i % 5)), archDir);
    fs.mkdirSync(path.join(dir, rel), { recursive: true });
    const link = path.join(dir, rel, `${ver}.0-${i}-${k.replace(/^[\d.]+-/, '')}.btf.tar.xz`);
    // Hard links (a copy where they cannot be made): the tree scan lists a real file once, however many symlinks
    // reach it, so 200 symlinks to 6 archives would be 6 targets.
    try {
      fs.linkSync(arch.get(k)!, link);
    } catch {
      fs.copyFileSync(arch.get(k)!, link);
    }
    list.push(link);
  }
  return list;
}

interface Timed {
  wallS: number;
  cpuS: number;
  rssMb: number;
  status: number;
  stderr: string;
}

/** Runs a command under /usr/bin/time: wall seconds, CPU seconds (user + system, children included), peak RSS. */
function timed(cmd: string, args: string[]): Timed {
  const fmtFile = path.join(os.tmpdir(), `corelens-time-${process.pid}`);
  let stderr = '';
  let status = 0;
  try {
    stderr = String(execFileSync('/usr/bin/time', ['-f', '%e %U %S %M', '-o', fmtFile, cmd, ...args], { stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 1 << 28 }) ?? '');
  } catch (e) {
    // check exits 1 when it has findings: the expected outcome here, and the timing is still valid.
    const err = e as { stderr?: Buffer; status?: number };
    stderr = String(err.stderr ?? '');
    status = err.status ?? -1;
  }
  const [e, u, s, kb] = fs.readFileSync(fmtFile, 'utf8').trim().split('\n').pop()!.split(' ').map(Number);
  fs.rmSync(fmtFile, { force: true });
  return { wallS: e!, cpuS: u! + s!, rssMb: Math.round(kb! / 1024), status, stderr };
}

/** `npm run bench -- check`. */
export async function runCheckBench(): Promise<void> {
  const arch = await kernelArchives(KERNELS, 'archives');
  for (const k of KERNELS) await rawKernel(k);
  // beside the archives (same file system, for hard links)
  const work = fs.mkdtempSync(path.join(TMP, 'check-bench-'));
  try {
    const tree = path.join(work, 'tree');
    const list = makeTree(tree, TARGETS, arch);
    // Snapshots of the program: the fixtures may be rebuilt while the bench runs.
    const OBJECT = path.join(work, 'kernel_task.bpfel.o');
    const SOURCE = path.join(work, 'kernel_task.bpf.c');
    fs.copyFileSync(FIXTURE_OBJECT, OBJECT);
    fs.copyFileSync(FIXTURE_SOURCE, SOURCE);
    fs.copyFileSync(path.join(path.dirname(FIXTURE_SOURCE), 'fixture.h'), path.join(work, 'fixture.h'));
    const listFile = path.join(work, 'archives');
    fs.writeFileSync(listFile, list.join('\n') + '\n');
    const scratch = path.join(work, 'scratch');
    fs.mkdirSync(scratch);
    // The anchors: what a CI script does per archive (extract the BTF, let bpftool's libbpf relocate the object).
    const one = `tar -xJOf "$1" > "$0/$$.btf" && bpftool -d gen min_core_btf "$0/$$.btf" "$0/$$.min" ${OBJECT} >/dev/null 2>&1; s=$?; rm -f "$0/$$.btf" "$0/$$.min"; exit $s`;
    const serial = `while read f; do sh -c '${one}' ${scratch} "$f" || exit 1; done < ${listFile}`;
    const parallel = `xargs -P 2 -n 1 sh -c '${one}' ${scratch} < ${listFile}`;
    const xzOnly = `while read f; do xz -dc "$f" > /dev/null || exit 1; done < ${listFile}`;
    const check = (file: string, cache: string, extra: string[] = []) =>
      timed('node', [CLI, 'check', file, '--targets-dir', tree, '--cache', cache, '--format', 'json', '--stats', ...extra]);
    const runs: { cold: Timed; warm: Timed; edit: Timed; par: Timed; ser: Timed; xz: Timed }[] = [];
    for (let r = 0; r < RUNS; r++) {
      const cache = fs.mkdtempSync(path.join(work, 'cache-'));
      const cold = check(OBJECT, cache);
      const par = timed('sh', ['-c', parallel]);
      const warm = check(OBJECT, cache);
      const ser = timed('sh', ['-c', serial]);
      const edit = check(SOURCE, cache);
      const xz = timed('sh', ['-c', xzOnly]);
      fs.rmSync(cache, { recursive: true, force: true });
      for (const [what, t] of [['cold', cold], ['warm', warm], ['edit', edit]] as const) {
        if (t.status > 1) throw new Error(`check (${what}) failed with exit ${t.status}: ${t.stderr.slice(0, 400)}`);
      }
      for (const [what, t] of [['parallel loop', par], ['serial loop', ser], ['xz loop', xz]] as const) {
        if (t.status !== 0) throw new Error(`anchor ${what} failed (exit ${t.status}): ${t.stderr.slice(0, 400)}`);
      }
      runs.push({ cold, warm, edit, par, ser, xz });
    }
    const col = (f: (x: (typeof runs)[number]) => number) => runs.map(f);
    const med = (xs: number[]) => spread(xs).median;
    const what = `check cold over ${TARGETS} BTFHub archives`;
    const parAnchor = (f: (t: Timed) => number) => ({ name: 'tar -xJ + bpftool, 2 cores (xargs -P 2)', runs: col((x) => f(x.par)) });
    addRow({ path: what, measure: 'wall s', corelens: col((x) => x.cold.wallS), anchor: parAnchor((t) => t.wallS), goal: { maxRatio: 1.0 } });
    addRow({ path: what, measure: 'CPU s', corelens: col((x) => x.cold.cpuS), anchor: parAnchor((t) => t.cpuS), goal: { maxRatio: 1.0 },
      note: 'user + system of the whole process tree (xz, tar, bpftool children included)' });
    // Targets of another arch than the object's are left out unread: xz's share and the count are what was read.
    const read = (t: Timed) => Number(/archives read (\d+)/.exec(t.stderr)?.[1] ?? TARGETS) || TARGETS;
    addRow({ path: what, measure: 'JS CPU ms per target', corelens: col((x) => ((x.cold.cpuS - (x.xz.cpuS * read(x.cold)) / TARGETS) * 1000) / read(x.cold)),
      goal: { maxValue: 20 }, note: 'corelens CPU minus `xz -dc` alone on the archives it read, per archive read (startup included)' });
    addRow({ path: `check warm (cache) over ${TARGETS} targets`, measure: 'wall s', corelens: col((x) => x.warm.wallS),
      anchor: { name: 'tar -xJ + bpftool, serial loop', runs: col((x) => x.ser.wallS) }, goal: { maxRatio: 1 / 13 },
      note: 'goal: at least 13x faster than the loop (ratio ≤ 0.077)' });
    addRow({ path: what, measure: 'peak RSS MB', corelens: col((x) => x.cold.rssMb), anchor: parAnchor((t) => t.rssMb) });
    const stats = (t: Timed) => /stats: (.*)/.exec(t.stderr)?.[1] ?? '';
    const fmt = (xs: number[], d = 1) => `${med(xs).toFixed(d)} (${spread(xs).min.toFixed(d)}–${spread(xs).max.toFixed(d)})`;
    console.log(`${TARGETS} targets (${KERNELS.length} real kernels repeated, .btf.tar.xz hard links), ${os.availableParallelism?.() ?? os.cpus().length} cores, `
      + `${RUNS} alternating runs; medians (min–max)`);
    console.log(renderTable(['run', 'wall s', 'CPU s', 'peak RSS MB', 'corelens stats (last run)'], [
      ['check .o, cold cache', fmt(col((x) => x.cold.wallS)), fmt(col((x) => x.cold.cpuS)), fmt(col((x) => x.cold.rssMb), 0), stats(runs.at(-1)!.cold)],
      ['check .o, warm cache', fmt(col((x) => x.warm.wallS)), fmt(col((x) => x.warm.cpuS)), fmt(col((x) => x.warm.rssMb), 0), stats(runs.at(-1)!.warm)],
      ['check .bpf.c, warm cache', fmt(col((x) => x.edit.wallS)), fmt(col((x) => x.edit.cpuS)), fmt(col((x) => x.edit.rssMb), 0), stats(runs.at(-1)!.edit)],
      ['anchor: tar -xJ + bpftool, xargs -P 2', fmt(col((x) => x.par.wallS)), fmt(col((x) => x.par.cpuS)), fmt(col((x) => x.par.rssMb), 0), ''],
      ['anchor: tar -xJ + bpftool, serial', fmt(col((x) => x.ser.wallS)), fmt(col((x) => x.ser.cpuS)), fmt(col((x) => x.ser.rssMb), 0), ''],
      ['xz -dc alone, serial', fmt(col((x) => x.xz.wallS)), fmt(col((x) => x.xz.cpuS)), fmt(col((x) => x.xz.rssMb), 0), ''],
    ]));
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}
