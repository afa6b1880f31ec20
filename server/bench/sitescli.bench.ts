// Whole-process `corelens sites` on a program including a full 6.18 vmlinux.h, against `clang -fsyntax-only` on the
// same file (issue 16's goal: faster than clang). Both run as fresh processes, alternating, and each is measured by
// wall time and by its CPU (user + system of the child, as bash's `times` reports it: what a CI job pays).
// Two figures: cold (the header was never scanned: the goal), and a second run whose header scan comes from the
// disk cache (source/skimCache.ts), reported separately.

import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { REPO, RUNS, alternate } from './common';
import { PROGRAM, generateVmlinuxH } from './source.bench';
import { addRow, ratios, spread } from './summary';

interface Run { wallMs: number; cpuMs: number }

/** Runs `cmd args` in `cwd` under bash, whose `times` gives the child's CPU; throws when it fails. */
function timed(cmd: string, args: readonly string[], cwd: string, env?: NodeJS.ProcessEnv): Run {
  const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  const t0 = performance.now();
  const r = spawnSync('bash', ['-c', `${[cmd, ...args].map(q).join(' ')} >/dev/null 2>&1 || exit 9; times`], { cwd, encoding: 'utf8', env: env ?? process.env });
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
    // corelens' caches in a directory of the bench's own: the installation's code cache (cli/codeCache.ts) is warm
    // after the untimed run, as on a developer's machine; the header scan cache (source/skimCache.ts) is removed
    // before every cold run (a header never seen before) and kept for the second figure
    const cache = path.join(dir, 'cache');
    const env = { ...process.env, CORELENS_CACHE: cache };
    const sites = (coldHeader: boolean) => {
      if (coldHeader) fs.rmSync(path.join(cache, 'headers'), { recursive: true, force: true });
      return timed(process.execPath, [bin, 'sites', 'prog.bpf.c'], dir, env);
    };
    // one untimed run each: the toolchain answers (~/.cache/corelens), the code cache and the file cache are warm
    sites(true);
    timed('clang', clangArgs, dir);
    const show = (name: string, xs: number[]) => { const s = spread(xs); return `${name} median ${s.median.toFixed(0)} ms (${s.min.toFixed(0)}–${s.max.toFixed(0)})`; };
    for (const coldHeader of [true, false]) {
      const { ours, anchor } = alternate(RUNS, () => sites(coldHeader), () => timed('clang', clangArgs, dir));
      const label = coldHeader ? 'cold: header never scanned before' : 'second run: header scan from the disk cache';
      console.log(label);
      for (const [what, key] of [['wall', 'wallMs'], ['CPU', 'cpuMs']] as const) {
        const c = ours.map((r) => r[key]);
        const a = anchor.map((r) => r[key]);
        const row = {
          path: coldHeader ? `corelens sites on a program including a full 6.18 vmlinux.h (whole process) vs clang -fsyntax-only`
            : `corelens sites, second run (header scan from the disk cache), full 6.18 vmlinux.h vs clang -fsyntax-only`,
          measure: `${what} ms`, corelens: c, anchor: { name: 'clang -fsyntax-only', runs: a }, goal: { maxRatio: 1.0 },
        };
        const rs = spread(ratios(row));
        console.log(`  ${what}: ${show('corelens', c)}; ${show('clang', a)}; ratio median ${rs.median.toFixed(2)}× (${rs.min.toFixed(2)}–${rs.max.toFixed(2)}) over ${RUNS} alternating runs`);
        addRow({ ...row, note: what === 'CPU' ? 'CPU: user + system of each process (bash times); load average at the end ' + os.loadavg()[0]!.toFixed(1) : undefined });
      }
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
