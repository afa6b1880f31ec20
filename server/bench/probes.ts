// `node server/out/bench/probes.js [--seed S] [--count N] [--keep DIR] [--arch x86|arm64] [--wide] [--events] [--without ..]`: random BPF programs
// built from C and libbpf constructs (helpers in a header and in the file, call contexts with constant arguments,
// guards through field checks and knobs, loops, switches, early returns, every CO-RE read form), compiled by clang;
// each program's live sites are compared with its object's relocations, as the corpus is. Why: the held-out
// programs and hidden probes exercise combinations no hand-written fixture has; a generator finds the rules the
// model lacks from the language, not from a few files. Every seed replays (the program is printed or kept).
// `--check`: also `corelens check` on the source and on the object against the bundled x86 kernels (all of them), and
// the error findings compared by (code, target, line), as projectChecks.ts compares real projects: the object path's
// verdicts are the loader's and verifier's, so a source-only error is a false one on a kind of program nobody wrote.

import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CheckFinding } from '../src/check/run';
import { Analyzer, createAnalyzer } from '../src/source/analyzer';
import { bundledKernelSpecs } from '../src/targets/registry';
import { compileBpf } from '../test/support/bpfLoad';
import { checkBothWays } from '../test/support/checkBoth';
import { compareProgram, contextExpansion, ProgramAgreement } from '../test/support/corpus';
import { REPO_ROOT } from '../test/support/paths';
import { generate, STATEMENTS } from '../test/support/probeGen';

function arg(name: string, dflt: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : dflt;
}

const PROGRAMS = path.join(REPO_ROOT, 'test-fixtures', 'programs');
/** Where an arch's vmlinux.h is: the fixtures' (6.1 amd64) for x86, the corpus' (scripts/build-corpus.sh) for arm64. */
const vmlinuxDir = (arch: string): string => (arch === 'x86' ? PROGRAMS : path.join(REPO_ROOT, 'test-fixtures', 'corpus', 'vmlinux', arch));

/** One difference as printed: sign (- missing, + extra, = merged by clang), section, key, count, place. */
interface Diff { sign: '-' | '+' | '='; section: string; key: string; count: number; where: string; text: string }

/** Writes the pair into `dir`, compiles it with clang (the tests' compileBpf) and compares: the differences, or
 * clang's first error line when it refuses the program. */
async function compareOnce(analyzer: Analyzer, dir: string, header: string, program: string, arch: string):
Promise<{ agree: ProgramAgreement; diffs: Diff[] } | { error: string }> {
  fs.writeFileSync(path.join(dir, 'probe.bpf.h'), header);
  const src = path.join(dir, 'probe.bpf.c');
  fs.writeFileSync(src, program);
  const obj = path.join(dir, 'probe.bpf.o');
  const inc = vmlinuxDir(arch);
  try {
    compileBpf(src, obj, { includes: [inc, dir], arch });
  } catch (e) {
    const m = (e as Error).message;
    return { error: m.split('\n').find((l) => l.includes('error:')) ?? m.slice(0, 200) };
  }
  let agree: ProgramAgreement;
  try {
    agree = await compareProgram(analyzer, { name: 'probe', arch: arch as 'x86', source: src, object: obj, includePaths: [inc, dir], defines: [], newLibbpf: false }, contextExpansion);
  } catch (e) {
    // (a minimiser's trial that left no relocated code: an object without .BTF, no program to compare)
    return { error: (e as Error).message.split('\n')[0]! };
  }
  const diffs: Diff[] = [];
  const add = (sign: Diff['sign'], list: ProgramAgreement['missing']) => {
    for (const d of list) diffs.push({ sign, section: d.section, key: d.key, count: d.count, where: `${path.basename(d.file)}:${d.line}`, text: d.text });
  };
  add('-', agree.missing);
  add('+', agree.extra);
  add('=', agree.merged);
  return { agree, diffs };
}

/** Error findings keyed by (code, target, file:line), one key per target. */
function errorKeys(found: readonly CheckFinding[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const f of found) {
    if (f.severity !== 'error') continue;
    for (const t of f.targets) out.set(`${f.code} @${t} ${path.basename(f.location.file)}:${f.location.line}`, f.cause);
  }
  return out;
}

/** `check` of the compiled pair on its source and on its object (x86 kernels bundled): the groups of errors only one
 * path reports, by (code, place, cause), targets listed once. */
async function checkOnce(dir: string, arch: string): Promise<{ sourceOnly: string[]; objectOnly: string[]; errors: number }> {
  const src = path.join(dir, 'probe.bpf.c');
  const targets = bundledKernelSpecs(false).filter((t) => (arch === 'x86' ? /amd64$/ : /arm64$/).test(t.name));
  const common = { targets, workers: 0, includePaths: [vmlinuxDir(arch), dir], defines: [`__TARGET_ARCH_${arch}`] };
  const both = await checkBothWays(common, src, path.join(dir, 'probe.bpf.o'));
  const S = errorKeys(both.S);
  const O = errorKeys(both.O);
  const group = (keys: [string, string][]) => {
    const g = new Map<string, string[]>();
    for (const [k, cause] of keys) {
      const [code, target, where] = k.split(' ');
      const id = `${code} ${where} ${cause}`;
      g.set(id, [...(g.get(id) ?? []), target!.slice(1)]);
    }
    return [...g].map(([id, ts]) => `${id} on ${ts.join(',')}`);
  };
  return { sourceOnly: group([...S].filter(([k]) => !O.has(k))), objectOnly: group([...O].filter(([k]) => !S.has(k))), errors: O.size };
}

/** Statement units of a text: [first, last] line ranges whose braces balance and that end a statement; removing one
 * keeps the rest well-formed more often than not (clang decides). */
function units(lines: readonly string[]): [number, number][] {
  const out: [number, number][] = [];
  for (let i = 0; i < lines.length; i++) {
    const t = lines[i]!.trim();
    if (!t || t === '}' || t.startsWith('#include') || t.startsWith('/*') || t === '#pragma once' || t.startsWith('else')) continue;
    let bal = 0;
    for (let j = i; j < lines.length; j++) {
      for (const ch of lines[j]!) bal += ch === '{' ? 1 : ch === '}' ? -1 : 0;
      if (bal < 0) break;
      const e = lines[j]!.trim();
      if (bal === 0 && (e.endsWith(';') || e.endsWith('}'))) {
        // an if's arm with an else after it goes with the else
        const next = lines[j + 1]?.trim() ?? '';
        if (next.startsWith('else')) continue;
        out.push([i, j]);
        break;
      }
    }
  }
  return out;
}

/** Deletes statement units from the pair while `keep` holds (greedy, largest units first, until nothing goes). */
async function minimize(analyzer: Analyzer, dir: string, pair: { header: string; program: string }, arch: string,
  keep: (diffs: Diff[]) => boolean): Promise<{ header: string; program: string; tries: number }> {
  let cur = { header: pair.header.split('\n'), program: pair.program.split('\n') };
  let tries = 0;
  for (let changed = true; changed;) {
    changed = false;
    for (const file of ['program', 'header'] as const) {
      const us = units(cur[file]).sort((a, b) => (b[1] - b[0]) - (a[1] - a[0]));
      const gone = new Set<number>();
      for (const [a, b] of us) {
        if ([...Array(b - a + 1).keys()].some((k) => gone.has(a + k))) continue;
        const lines = cur[file].map((l, i) => (i >= a && i <= b ? null : gone.has(i) ? null : l)).filter((l): l is string => l !== null);
        const trial = { ...cur, [file]: lines };
        tries++;
        const r = await compareOnce(analyzer, dir, trial.header.join('\n'), trial.program.join('\n'), arch);
        if ('error' in r || !keep(r.diffs)) continue;
        for (let k = a; k <= b; k++) gone.add(k);
        changed = true;
      }
      cur = { ...cur, [file]: cur[file].filter((_, i) => !gone.has(i)) };
    }
  }
  return { header: cur.header.join('\n'), program: cur.program.join('\n'), tries };
}

async function main(): Promise<void> {
  const first = Number(arg('--seed', '1'));
  const count = Number(arg('--count', '50'));
  const keep = arg('--keep', '');
  const arch = arg('--arch', 'x86');
  const min = process.argv.includes('--minimize');
  const without = new Set(arg('--without', '').split(',').filter(Boolean));
  const unknown = [...without].filter((w) => !STATEMENTS.includes(w));
  if (unknown.length) throw new Error(`--without ${unknown.join(',')}: choose from ${[...new Set(STATEMENTS)].join(', ')}`);
  if (!fs.existsSync(path.join(PROGRAMS, 'vmlinux.h'))) spawnSync(path.join(REPO_ROOT, 'scripts/build-fixtures.sh'), ['--vmlinux-h'], { stdio: 'inherit' });
  if (!fs.existsSync(path.join(vmlinuxDir(arch), 'vmlinux.h'))) spawnSync(path.join(REPO_ROOT, 'scripts/build-corpus.sh'), ['--prepare'], { stdio: 'inherit' });
  // the arch as clang's -D gives it (the analyzer's default is x86)
  const analyzer = await createAnalyzer({ defines: [`__TARGET_ARCH_${arch}`] });
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'corelens-probes-'));
  const tot = { programs: 0, failedCompile: 0, relocations: 0, missing: 0, extra: 0, merged: 0, crashes: 0, bad: [] as number[],
    checkErrors: 0, sourceOnly: 0, objectOnly: 0, checkBad: [] as number[] };
  const check = process.argv.includes('--check');
  try {
    for (let seed = first; seed < first + count; seed++) {
      const dir = path.join(tmp, String(seed));
      fs.mkdirSync(dir);
      const pair = generate(seed, without, process.argv.includes('--wide'), process.argv.includes('--events'));
      const r = await compareOnce(analyzer, dir, pair.header, pair.program, arch);
      if ('error' in r) {
        tot.failedCompile++;
        console.log(`seed ${seed}: clang failed: ${r.error}`);
        continue;
      }
      const a = r.agree;
      tot.programs++;
      tot.relocations += a.relocations;
      const sum = (sign: string) => r.diffs.filter((d) => d.sign === sign).reduce((n, d) => n + d.count, 0);
      const miss = sum('-');
      const extra = sum('+');
      const merged = sum('=');
      tot.missing += miss; tot.extra += extra; tot.merged += merged;
      if (a.crash) tot.crashes++;
      if (check) {
        const c = await checkOnce(dir, arch);
        tot.checkErrors += c.errors; tot.sourceOnly += c.sourceOnly.length; tot.objectOnly += c.objectOnly.length;
        if (c.sourceOnly.length || c.objectOnly.length) {
          tot.checkBad.push(seed);
          console.log(`seed ${seed}: check: object errors ${c.errors}, source-only groups ${c.sourceOnly.length}, object-only ${c.objectOnly.length}`);
          for (const l of c.sourceOnly) console.log(`   + ${l}`);
          for (const l of c.objectOnly) console.log(`   - ${l}`);
          if (keep) {
            const k = path.join(keep, String(seed));
            fs.mkdirSync(k, { recursive: true });
            for (const f of ['probe.bpf.h', 'probe.bpf.c']) fs.copyFileSync(path.join(dir, f), path.join(k, f));
          }
        }
      }
      if (miss || extra || merged || a.crash) {
        tot.bad.push(seed);
        console.log(`seed ${seed}: ${a.relocations} relocations, missing ${miss}, extra ${extra}, CSE ${merged}${a.crash ? ` CRASH ${a.crash.split('\n')[0]}` : ''}`);
        for (const d of r.diffs) console.log(`   ${d.sign} ${d.section} ${d.key} x${d.count} ${d.where} ${d.text}`);
        if (keep) {
          const k = path.join(keep, String(seed));
          fs.mkdirSync(k, { recursive: true });
          for (const f of ['probe.bpf.h', 'probe.bpf.c']) fs.copyFileSync(path.join(dir, f), path.join(k, f));
        }
        // --minimize: the first missing or extra difference (else the first merged one), by sign and key, kept
        // while statements go
        const want = arg('--target', '');
        const target = want ? r.diffs.find((d) => d.sign === want) : r.diffs.find((d) => d.sign !== '=') ?? r.diffs[0];
        if (min && target) {
          const m = await minimize(analyzer, dir, pair, arch, (ds) => ds.some((d) => d.sign === target.sign && d.key === target.key));
          console.log(`   minimized (${m.tries} compiles) for ${target.sign} ${target.key}:\n----- probe.bpf.h\n${m.header}\n----- probe.bpf.c\n${m.program}\n-----`);
          if (keep) {
            const k = path.join(keep, `${seed}-min`);
            fs.mkdirSync(k, { recursive: true });
            fs.writeFileSync(path.join(k, 'probe.bpf.h'), m.header);
            fs.writeFileSync(path.join(k, 'probe.bpf.c'), m.program);
          }
        }
      }
      fs.rmSync(dir, { recursive: true, force: true });
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  const pct = (n: number) => (tot.relocations ? ((100 * n) / tot.relocations).toFixed(2) : '0');
  console.log(`\nprobes ${first}..${first + count - 1}: ${tot.programs} programs (${tot.failedCompile} not compiled), ${tot.relocations} relocations, missing ${tot.missing} (${pct(tot.missing)}%), extra ${tot.extra} (${pct(tot.extra)}%), CSE ${tot.merged} (${pct(tot.merged)}%), crashes ${tot.crashes}; seeds with differences: ${tot.bad.length}`);
  if (check) console.log(`check: ${tot.checkErrors} object errors (code x target x line), source-only groups ${tot.sourceOnly}, object-only groups ${tot.objectOnly}; seeds: ${tot.checkBad.join(' ') || 'none'}`);
}

if (require.main === module) {
  main().catch((e) => {
    console.error(e);
    process.exitCode = 1;
  });
}
