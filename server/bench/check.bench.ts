// `corelens check` at fleet scale (issue 9): 500 targets in a BTFHub-style tree (the 6 real kernels repeated under
// different names), cold and warm cache, wall time and peak RSS, beside a shell loop of bpftool min_core_btf.

import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { renderTable } from '../src/util/format';
import { KERNELS, REPO, TMP, rawKernel } from './common';

const TARGETS = Number(process.env.CHECK_BENCH_TARGETS ?? 500);
const CLI = path.join(REPO, 'server', 'bin', 'corelens.js');
const FIXTURE_OBJECT = path.join(REPO, 'test-fixtures', 'objects', 'kernel_task.bpfel.o');
const FIXTURE_SOURCE = path.join(REPO, 'test-fixtures', 'programs', 'kernel_task.bpf.c');

/** `<kernel>.btf.tar.xz` of each fixture kernel, BTFHub's container, made once with the system tar and xz. */
async function archives(): Promise<Map<string, string>> {
  const dir = path.join(TMP, 'archives');
  fs.mkdirSync(dir, { recursive: true });
  const out = new Map<string, string>();
  for (const k of KERNELS) {
    const file = path.join(dir, `${k}.btf.tar.xz`);
    if (!fs.existsSync(file)) {
      const raw = await rawKernel(k);
      const stage = fs.mkdtempSync(path.join(os.tmpdir(), 'corelens-tar-'));
      fs.copyFileSync(raw, path.join(stage, `${k}.btf`));
      execFileSync('tar', ['-cJf', file, '-C', stage, `${k}.btf`]);
      fs.rmSync(stage, { recursive: true, force: true });
    }
    out.set(k, file);
  }
  return out;
}

/** A BTFHub-style tree of `n` symlinks, each named like a distinct kernel build. */
function makeTree(n: number, arch: Map<string, string>): { dir: string; raws: string[] } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'corelens-fleet-'));
  const raws: string[] = [];
  for (let i = 0; i < n; i++) {
    const k = KERNELS[i % KERNELS.length]!;
    const ver = /^(\d+\.\d+)/.exec(k)?.[1] ?? '6.6';
    const archDir = k.includes('arm64') ? 'arm64' : 'x86_64';
    const distro = i % 2 ? 'ubuntu' : 'debian';
    const rel = path.join(distro, String(20 + (i % 5)), archDir);
    fs.mkdirSync(path.join(dir, rel), { recursive: true });
    fs.symlinkSync(arch.get(k)!, path.join(dir, rel, `${ver}.0-${i}-${k.replace(/^[\d.]+-/, '')}.btf.tar.xz`));
    raws.push(path.join(TMP, `${k}.btf`));
  }
  return { dir, raws };
}

/** Runs a command under /usr/bin/time: wall seconds and peak RSS (MB) of the whole process tree's largest member. */
function timed(cmd: string, args: string[]): { s: number; rssMb: number; stderr: string; status: number } {
  const fmtFile = path.join(os.tmpdir(), `corelens-time-${process.pid}`);
  let stderr = '';
  let status = 0;
  try {
    stderr = String(execFileSync('/usr/bin/time', ['-f', '%e %M', '-o', fmtFile, cmd, ...args], { stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 1 << 28 }) ?? '');
  } catch (e) {
    // check exits 1 when it has findings: the expected outcome here, and the timing is still valid.
    const err = e as { stderr?: Buffer; status?: number };
    stderr = String(err.stderr ?? '');
    status = err.status ?? -1;
  }
  const [s, kb] = fs.readFileSync(fmtFile, 'utf8').trim().split('\n').pop()!.split(' ').map(Number);
  fs.rmSync(fmtFile, { force: true });
  return { s: s!, rssMb: Math.round(kb! / 1024), stderr, status };
}

/** `npm run bench -- check`. */
export async function runCheckBench(): Promise<void> {
  const arch = await archives();
  for (const k of KERNELS) await rawKernel(k);
  const { dir, raws } = makeTree(TARGETS, arch);
  // Snapshots of the program: the fixtures may be rebuilt while the bench runs.
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'corelens-prog-'));
  const OBJECT = path.join(work, 'kernel_task.bpfel.o');
  const SOURCE = path.join(work, 'kernel_task.bpf.c');
  fs.copyFileSync(FIXTURE_OBJECT, OBJECT);
  fs.copyFileSync(FIXTURE_SOURCE, SOURCE);
  fs.copyFileSync(path.join(path.dirname(FIXTURE_SOURCE), 'fixture.h'), path.join(work, 'fixture.h'));
  const cache = fs.mkdtempSync(path.join(os.tmpdir(), 'corelens-cache-'));
  const rows: string[][] = [];
  const stats = (err: string) => /stats: (.*)/.exec(err)?.[1] ?? '';
  const run = (label: string, file: string, extra: string[] = []) => {
    const r = timed('node', [CLI, 'check', file, '--targets-dir', dir, '--cache', cache, '--format', 'json', '--stats', ...extra]);
    rows.push([label, `${r.s.toFixed(1)} s`, `${r.rssMb} MB`, r.status > 1 ? `failed (exit ${r.status}): ${r.stderr.slice(0, 200)}` : stats(r.stderr)]);
  };
  try {
    console.log(`${TARGETS} targets (${KERNELS.length} real kernels repeated, .btf.tar.xz symlinks), ${os.availableParallelism?.() ?? os.cpus().length} cores`);
    run('check .o, cold cache', OBJECT);
    run('check .o, warm cache', OBJECT);
    run('check .bpf.c (edit), warm cache', SOURCE);
    run('check .o, --no-cache', OBJECT, ['--no-cache']);
    // Anchor: bpftool per kernel on pre-extracted raw BTF (extraction not timed), as a CI shell loop would.
    const list = path.join(work, 'raw-list');
    fs.writeFileSync(list, raws.join('\n') + '\n');
    const out = path.join(work, 'min.btf');
    const loop = `while read f; do bpftool -d gen min_core_btf "$f" ${out} ${OBJECT} >/dev/null 2>&1 || exit 1; done < ${list}`;
    const a = timed('sh', ['-c', loop]);
    rows.push([`anchor: bpftool -d gen min_core_btf × ${TARGETS} (raw BTF)`, `${a.s.toFixed(1)} s`, `${a.rssMb} MB`, a.status ? 'FAILED' : '']);
    const archList = path.join(work, 'arch-list');
    fs.writeFileSync(archList, [...Array(TARGETS).keys()].map((i) => arch.get(KERNELS[i % KERNELS.length]!)!).join('\n') + '\n');
    const loop2 = `while read f; do tar -xJOf "$f" > ${out}.raw && bpftool -d gen min_core_btf ${out}.raw ${out} ${OBJECT} >/dev/null 2>&1 || exit 1; done < ${archList}`;
    const b = timed('sh', ['-c', loop2]);
    rows.push([`anchor: tar -xJ + bpftool × ${TARGETS} (archives)`, `${b.s.toFixed(1)} s`, `${b.rssMb} MB`, b.status ? 'FAILED' : '']);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(work, { recursive: true, force: true });
    fs.rmSync(cache, { recursive: true, force: true });
  }
  console.log(renderTable(['run', 'wall', 'peak RSS', 'corelens stats'], rows));
  console.log('(one run each; the machine is shared, figures are noisy)');
}
