// Whole-process `corelens sites` on a program including a full 6.18 vmlinux.h, against `clang -fsyntax-only` on the
// same file (issue 16's goal: faster than clang). Both run as fresh processes, alternating, and each is measured by
// wall time and by its CPU (user + system of the child, as bash's `times` reports it: what a CI job pays).

import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { REPO, RUNS, alternate } from './common';
import { PROGRAM, generateVmlinuxH } from './source.bench';
import { addRow, ratios, spread } from './summary';

interface Run { wallMs: number; cpuMs: number }

/** Runs `cmd args` in `cwd` under bash, whose `times` gives the child's CPU; throws when it fails. */
function timed(cmd: string, args: readonly string[], cwd: string): Run {
  const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  const t0 = performance.now();
  const r = spawnSync('bash', ['-c', `${[cmd, ...args].map(q).join(' ')} >/dev/null 2>&1 || exit 9; times`], { cwd, encoding: 'utf8' });
  const wallMs = performance.now() - t0;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (exit ${r.status}): ${r.stderr}`);
  // `times`: the shell's own user/system line, then its children's
  const m = /(\d+)m([\d.]+)s (\d+)m([\d.]+)s\s*$/.exec(r.stdout.trim());
  if (!m) throw new Error(`unexpected times output: ${r.stdout}`);
  const cpuMs = (Number(m[1]) * 60 + Number(m[2]) + Number(m[3]) * 60 + Number(m[4])) * 1000;
  return { wallMs, cpuMs };
}

/** Prints and records the figures: corelens vs clang, wall and CPU, per run and as min/median/max and ratio. */
export async function runSitesCliBench(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'corelens-sitescli-'));
  try {
    generateVmlinuxH(dir);
    fs.writeFileSync(path.join(dir, 'prog.bpf.c'), PROGRAM);
    const bin = path.join(REPO, 'server/bin/corelens.js');
    const clangArgs = ['-target', 'bpf', '-g', '-O2', '-D__TARGET_ARCH_x86', '-fsyntax-only', 'prog.bpf.c'];
    // one untimed run each: the toolchain answers (~/.cache/corelens) and the file cache are warm, as on a developer's machine
    timed(process.execPath, [bin, 'sites', 'prog.bpf.c'], dir);
    timed('clang', clangArgs, dir);
    const { ours, anchor } = alternate(RUNS, () => timed(process.execPath, [bin, 'sites', 'prog.bpf.c'], dir), () => timed('clang', clangArgs, dir));
    const show = (name: string, xs: number[]) => { const s = spread(xs); return `${name} median ${s.median.toFixed(0)} ms (${s.min.toFixed(0)}–${s.max.toFixed(0)})`; };
    for (const [what, key] of [['wall', 'wallMs'], ['CPU', 'cpuMs']] as const) {
      const c = ours.map((r) => r[key]);
      const a = anchor.map((r) => r[key]);
      const row = { path: `corelens sites on a program including a full 6.18 vmlinux.h (whole process) vs clang -fsyntax-only`, measure: `${what} ms`, corelens: c, anchor: { name: 'clang -fsyntax-only', runs: a }, goal: { maxRatio: 1.0 } };
      const rs = spread(ratios(row));
      console.log(`${what}: ${show('corelens', c)}; ${show('clang', a)}; ratio median ${rs.median.toFixed(2)}× (${rs.min.toFixed(2)}–${rs.max.toFixed(2)}) over ${RUNS} alternating runs`);
      addRow({ ...row, note: what === 'CPU' ? 'CPU: user + system of each process (bash times); load average at the end ' + os.loadavg()[0]!.toFixed(1) : undefined });
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
