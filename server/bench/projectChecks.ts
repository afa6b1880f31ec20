// `node server/out/bench/projectChecks.js [--detail] [--only NAME,...] [--libbpf DIR] [--arch A] PRESET=DIR... | --root DIR [options]`:
// issue 12's second held-out rule on real projects: `corelens check FILE.bpf.c` reports no error that
// `corelens check FILE.o --source FILE.bpf.c` (exact relocations, exact load verdicts) does not also report.
//
// Each program is compiled as server/bench/projects.ts compiles it (same presets, include dirs, defines, libbpf
// headers, vmlinux.h), then the CLI itself runs twice with the default targets of the project's arch, --format json.
// ERROR findings are compared by (code, target, source file:line), both ways: source-only errors break the rule;
// object-only errors are what the source path misses. Nothing of the projects is committed; objects live in --cache.
// Options are projects.ts's, plus `--arch A` (default x86_64: the presets build with -D__TARGET_ARCH_x86) and
// `--warnings`: warnings are compared too (a false `core-size-differs` is noise the user must read on every edit).

import { spawnSync } from 'child_process';
import * as path from 'path';
import { build, glob, libbpfDir, parseArgs, Recipe, vmlinuxDir } from './projects';
import { REPO_ROOT } from '../test/support/paths';

interface Finding {
  code: string;
  severity: string;
  cause: string;
  location: { file: string; line: number };
  targets: string[];
}

/** One error on one target at one source line: the unit both paths are compared in. */
interface ErrorKey { key: string; code: string; target: string; where: string; cause: string }

const CLI = path.join(REPO_ROOT, 'server', 'bin', 'corelens.js');

/** Severities compared: errors, and warnings with `--warnings`. */
let compared = new Set(['error']);

/** The CLI's compared findings for one input, one entry per (code, target, file:line). */
function errorsOf(input: string, extra: string[], root: string): ErrorKey[] | string {
  const r = spawnSync(process.execPath, [CLI, 'check', input, ...extra, '--format', 'json', '--fail-on', 'never'],
    { encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status !== 0) return `exit ${r.status}: ${(r.stderr ?? '').trim().split('\n').pop()}`;
  let report: { findings: Finding[] };
  try {
    report = JSON.parse(r.stdout) as { findings: Finding[] };
  } catch (e) {
    return `unreadable JSON: ${(e as Error).message}`;
  }
  const out = new Map<string, ErrorKey>();
  for (const f of report.findings) {
    if (!compared.has(f.severity)) continue;
    const where = `${path.relative(root, f.location.file)}:${f.location.line}`;
    for (const target of f.targets) {
      const key = `${f.code} @${target} ${where}`;
      out.set(key, { key, code: f.code, target, where, cause: f.cause });
    }
  }
  return [...out.values()];
}

interface Row { project: string; programs: number; compared: number; skipped: string[]; sourceOnly: string[]; objectOnly: string[]; failures: string[] }

/** Lines of differences grouped by (code, place, cause), the targets listed once. */
function grouped(prog: string, keys: ErrorKey[]): string[] {
  const g = new Map<string, string[]>();
  for (const k of keys) {
    const id = `${prog}: ${k.code} ${k.where} ${k.cause}`;
    g.set(id, [...(g.get(id) ?? []), k.target]);
  }
  return [...g].map(([id, ts]) => `${id} on ${ts.join(',')}`);
}

async function measure(recipe: Recipe, o: ReturnType<typeof parseArgs>, arch: string, detail: boolean): Promise<Row> {
  const vmlinux = recipe.ownVmlinux ? undefined : vmlinuxDir(o.cache, o.kernel);
  const libbpf = o.libbpf ? libbpfDir(o.cache, o.libbpf, recipe.libbpfTag) : undefined;
  const files = recipe.files.flatMap((g) => glob(recipe.root, g));
  const row: Row = { project: recipe.name, programs: files.length, compared: 0, skipped: [], sourceOnly: [], objectOnly: [], failures: [] };
  for (const file of files) {
    // --only before building: a project's other programs need not be compiled (build() names programs so)
    if (o.only.length && !o.only.includes(path.relative(recipe.root, file).replace(/\.bpf\.c$|\.c$/, ''))) continue;
    const b = build(recipe, file, o.cache, vmlinux, libbpf);
    const why = recipe.skip?.[b.prog.name] ?? b.error;
    if (why) {
      row.skipped.push(`${b.prog.name}: ${why}`);
      continue;
    }
    const flags = ['--arch', arch, ...b.prog.includePaths.flatMap((d) => ['-I', d]), ...b.prog.defines.flatMap((d) => ['-D', d])];
    const t0 = Date.now();
    const src = errorsOf(b.prog.source, flags, recipe.root);
    const obj = errorsOf(b.prog.object, [...flags, '--source', b.prog.source], recipe.root);
    if (typeof src === 'string' || typeof obj === 'string') {
      row.failures.push(`${b.prog.name}: ${typeof src === 'string' ? `source ${src}` : ''} ${typeof obj === 'string' ? `object ${obj}` : ''}`.trim());
      continue;
    }
    row.compared++;
    const objKeys = new Set(obj.map((k) => k.key));
    const srcKeys = new Set(src.map((k) => k.key));
    const so = grouped(b.prog.name, src.filter((k) => !objKeys.has(k.key)));
    const oo = grouped(b.prog.name, obj.filter((k) => !srcKeys.has(k.key)));
    row.sourceOnly.push(...so);
    row.objectOnly.push(...oo);
    if (detail) console.error(`  ${b.prog.name}: source ${src.length} errors, object ${obj.length}, source-only ${so.length}, object-only ${oo.length} (${Date.now() - t0} ms)`);
  }
  return row;
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  let arch = 'x86_64';
  const i = argv.indexOf('--arch');
  if (i >= 0) [arch] = argv.splice(i, 2).slice(1) as [string];
  const w = argv.indexOf('--warnings');
  if (w >= 0) { argv.splice(w, 1); compared = new Set(['error', 'warning']); }
  const o = parseArgs(argv);
  const rows: Row[] = [];
  for (const r of o.recipes) {
    const row = await measure(r, o, arch, o.detail);
    rows.push(row);
    console.log(`\n## ${row.project}: ${row.programs} programs, ${row.compared} compared, ${row.skipped.length} skipped, ${row.failures.length} check failures`);
    console.log(`   ${[...compared].join('s and ')}s the source path reports and the object path does not: ${row.sourceOnly.length}`);
    for (const l of row.sourceOnly) console.log(`   + ${l}`);
    console.log(`   ${[...compared].join('s and ')}s the object path reports and the source path does not: ${row.objectOnly.length}`);
    for (const l of row.objectOnly) console.log(`   - ${l}`);
    for (const l of row.failures) console.log(`   ! ${l}`);
    for (const l of row.skipped) console.log(`   skipped ${l}`);
  }
  console.log('\n## summary (per (code, place, cause) group; + source-only, - object-only)');
  for (const r of rows) {
    console.log(`  ${r.project.padEnd(32)} programs ${String(r.compared).padStart(3)}/${String(r.programs).padEnd(3)}  source-only ${String(r.sourceOnly.length).padStart(4)}  `
      + `object-only ${String(r.objectOnly.length).padStart(4)}  failures ${r.failures.length}`);
  }
}

main().catch((e) => {
  console.error((e as Error).message);
  process.exitCode = 1;
});
