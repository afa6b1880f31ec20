// `node server/out/bench/projectVerdicts.js [--kernels A,B,...] [--no-host] [--detail] OBJ.o|DIR...`: corelens' load
// verdicts of real projects' objects against the kernel verifier of THIS machine (issue 13 on held-out programs).
//
// The objects are whatever the user built (server/bench/projects.ts leaves them in <cache>/objects/...; nothing of
// a project is committed). Per object, the verifier oracle (tools/oracle/verifier.c: real libbpf 1.1 relocates the
// object against each target BTF with btf_custom_path, the running kernel verifies every program) gives one line per
// program × target, and server/test/support/verifier.ts compares corelens' verdict with it exactly as the fixture
// differential does (loads, or fails at the same instruction with the same kind of CO-RE / scalar / libbpf error).
// Outcomes of other kinds (helper not allowed, context access this kernel refuses, ...) are not CO-RE outcomes:
// counted and left out, as the issue says. So are programs the oracle, acting as the project's loader, does not load:
// an attach target the running kernel lacks, and a section name libbpf 1.1 does not know (uprobe.multi, tcx, ...):
// libbpf 1.1 would refuse the whole object for it ("missing BPF prog type"), which says nothing of CO-RE, so that
// program is left unloaded and the object's other programs still get their verdicts. Default targets: the bundled amd64 kernels (x86 objects), plus "host"
// (the running kernel's own BTF) unless --no-host. Needs root (bpf()); exits 3 with a message otherwise.

import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { Comparison, VerdictLine, compareVerdicts, kernelFiles, newComparison, summary } from '../test/support/verifier';
import { REPO_ROOT } from '../test/support/paths';

/** The oracle binary, built as scripts/verifier-oracle.sh builds it (rebuilt when verifier.c is newer). */
function oracle(): string {
  const out = path.join(REPO_ROOT, '.tmp', 'verifier');
  const src = path.join(REPO_ROOT, 'tools', 'oracle', 'verifier.c');
  if (!fs.existsSync(out) || fs.statSync(src).mtimeMs > fs.statSync(out).mtimeMs) {
    fs.mkdirSync(path.dirname(out), { recursive: true });
    const tmp = `${out}.${process.pid}`;
    execFileSync('cc', ['-O1', '-g', src, '-o', tmp, '-l:libbpf.a', '-lelf', '-lz', '-Wl,--wrap=bpf_prog_load'], { stdio: 'inherit' });
    fs.renameSync(tmp, out);
  }
  return out;
}

/** Raw BTF of a bundled kernel (the oracle wants it uncompressed), cached under .tmp/kernels like the script does. */
function rawKernel(name: string, xz: string): string {
  const raw = path.join(REPO_ROOT, '.tmp', 'kernels', `${name}.btf`);
  if (!fs.existsSync(raw) || fs.statSync(xz).mtimeMs > fs.statSync(raw).mtimeMs) {
    fs.mkdirSync(path.dirname(raw), { recursive: true });
    fs.writeFileSync(`${raw}.${process.pid}`, execFileSync('xz', ['-dc', xz], { maxBuffer: 1 << 30 }));
    fs.renameSync(`${raw}.${process.pid}`, raw);
  }
  return raw;
}

function objectsOf(arg: string): string[] {
  const st = fs.statSync(arg);
  if (st.isFile()) return [arg];
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.o')) out.push(p);
    }
  };
  walk(arg);
  return out;
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  let kernels = [...kernelFiles().keys()].filter((k) => k.endsWith('-amd64'));
  let host = true;
  let detail = false;
  const inputs: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--kernels') kernels = (argv[++i] ?? '').split(',').filter(Boolean);
    else if (a === '--no-host') host = false;
    else if (a === '--detail') detail = true;
    else inputs.push(a);
  }
  if (!inputs.length) throw new Error('usage: projectVerdicts.js [--kernels A,B] [--no-host] [--detail] OBJ.o|DIR...');
  const files = kernelFiles();
  const targetArgs = kernels.map((k) => {
    const xz = files.get(k);
    if (!xz) throw new Error(`unknown kernel ${k} (bundled: ${[...files.keys()].join(', ')})`);
    return `${k}=${rawKernel(k, xz)}`;
  });
  if (host) targetArgs.unshift('host=host');
  const bin = oracle();
  const c: Comparison = newComparison();
  const perObject: string[] = [];
  for (const obj of inputs.flatMap(objectsOf)) {
    const r = spawnSync(bin, [obj, ...targetArgs], { encoding: 'utf8', maxBuffer: 1 << 28, env: { ...process.env, VERIFIER_AS_LOADER: '1' } });
    if (r.status === 3) {
      console.error(`the verifier oracle may not load BPF programs here (needs root): ${(r.stderr ?? '').trim().split('\n').pop()}`);
      process.exitCode = 3;
      return;
    }
    if (r.status !== 0) {
      perObject.push(`  ${obj}: oracle failed (${r.status}): ${(r.stderr ?? '').trim().split('\n').pop()}`);
      continue;
    }
    const lines = r.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as VerdictLine);
    const before = { compared: c.compared, differences: c.differences.length };
    try {
      await compareVerdicts(obj, lines, c);
    } catch (e) {
      perObject.push(`  ${obj}: corelens failed: ${(e as Error).message}`);
      continue;
    }
    const classes = new Map<string, number>();
    for (const l of lines) classes.set(l.class, (classes.get(l.class) ?? 0) + 1);
    if (detail || c.differences.length > before.differences) {
      perObject.push(`  ${path.basename(obj)}: ${c.compared - before.compared} compared, ${c.differences.length - before.differences} differences `
        + `(oracle: ${[...classes].map(([k, n]) => `${n} ${k}`).join(', ')})`);
    }
    if (detail) {
      for (const l of lines) if (l.class === 'other') perObject.push(`    other: ${l.name} on ${l.target}: ${l.message.trim().split('\n').pop()}`);
    }
  }
  for (const l of perObject) console.log(l);
  console.log(`targets: ${targetArgs.map((t) => t.split('=')[0]).join(', ')}`);
  console.log(summary(c));
  for (const d of c.differences) console.log(`  difference: ${d}`);
}

main().catch((e) => {
  console.error((e as Error).message);
  process.exitCode = 1;
});
