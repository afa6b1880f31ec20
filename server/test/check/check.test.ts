// `corelens check` end to end: a generated BTFHub-style tree of the real kernels (plus a corrupt archive and a
// non-BTF file), text/JSON/SARIF, filters, exit codes, workers vs in-process, and the cache on a re-check.

import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { checkCommand } from '../../src/cli/check';
import { checkTargets } from '../../src/check/pool';
import { FIXTURES, kernelPath } from '../support/paths';

interface Run { code: number; out: string; err: string }

async function check(...argv: string[]): Promise<Run> {
  let out = '';
  let err = '';
  const code = await checkCommand(argv, { out: (s) => (out += s + '\n'), err: (s) => (err += s + '\n') });
  return { code, out, err };
}

/** Where each fixture kernel goes in the generated tree: BTFHub's <distro>/<release>/<arch>/<kernel>. */
const LAYOUT: Record<string, string> = {
  '6.1-amd64': 'debian/12/x86_64/6.1.0-1-amd64',
  '6.1-arm64': 'debian/12/arm64/6.1.0-1-arm64',
  '6.1-cloud-amd64': 'debian/12/x86_64/6.1.0-2-cloud-amd64',
  '6.1-rt-amd64': 'debian/12/x86_64/6.1.0-3-rt-amd64',
  '6.18-amd64': 'debian/13/x86_64/6.18.0-1-amd64',
  'cilium-ci-2026-04-amd64': 'ubuntu/24.04/x86_64/cilium-ci-2026-04-amd64',
};

const MTIME = 1_700_000_000;

/** Copies a fixture, waiting out a concurrent `npm run fixtures` that deletes and rebuilds the objects. */
async function snapshot(from: string, to: string): Promise<void> {
  for (let i = 0; ; i++) {
    try {
      fs.copyFileSync(from, to);
      return;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT' || i >= 120) throw e;
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
}

describe('corelens check', function () {
  this.timeout(300_000);
  let tmp: string;
  let tree: string;
  let prog: string;
  let obj: string;
  let cache: string;

  before(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'corelens-check-'));
    tree = path.join(tmp, 'tree');
    cache = path.join(tmp, 'cache');
    const progDir = path.join(tmp, 'prog');
    fs.mkdirSync(progDir);
    // Snapshots: other jobs may rebuild the fixtures while this runs.
    prog = path.join(progDir, 'kernel_task.bpf.c');
    fs.copyFileSync(path.join(FIXTURES, 'programs', 'kernel_task.bpf.c'), prog);
    fs.copyFileSync(path.join(FIXTURES, 'programs', 'fixture.h'), path.join(progDir, 'fixture.h'));
    const objDir = path.join(tmp, 'obj');
    fs.mkdirSync(objDir);
    obj = path.join(objDir, 'kernel_task.bpfel.o');
    await snapshot(path.join(FIXTURES, 'objects', 'kernel_task.bpfel.o'), obj);
    const stage = path.join(tmp, 'stage');
    fs.mkdirSync(stage);
    for (const [k, rel] of Object.entries(LAYOUT)) {
      const kernel = path.basename(rel);
      fs.writeFileSync(path.join(stage, `${kernel}.btf`), execFileSync('xz', ['-dc', kernelPath(k)], { maxBuffer: 1 << 30 }));
      fs.mkdirSync(path.join(tree, path.dirname(rel)), { recursive: true });
      const archive = path.join(tree, `${rel}.btf.tar.xz`);
      execFileSync('tar', ['-cJf', archive, '-C', stage, `${kernel}.btf`], { env: { ...process.env, XZ_OPT: '-0' } });
      // Whole seconds: the re-check test restores this mtime exactly after tampering with the file.
      fs.utimesSync(archive, MTIME, MTIME);
    }
    // A truncated archive and a file that is not BTF at all: reported by name and skipped.
    const good = fs.readFileSync(path.join(tree, `${LAYOUT['6.1-amd64']}.btf.tar.xz`));
    fs.writeFileSync(path.join(tree, 'debian/12/x86_64/6.2.0-9-broken.btf.tar.xz'), good.subarray(0, 4000));
    fs.writeFileSync(path.join(tree, 'debian/12/x86_64/notes.btf'), 'these are not the types you are looking for\n');
    fs.writeFileSync(path.join(tree, 'README.md'), 'a tree\n');
    fs.rmSync(stage, { recursive: true, force: true });
  });

  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  const base = () => ['--targets-dir', tree, '--cache', cache];

  it('text: the matrix grouped by cause, versions summarised, skipped files named and counted', async () => {
    const r = await check(prog, ...base());
    assert.strictEqual(r.code, 1, r.err);
    // One analysis per arch: PT_REGS_PARM1 is di on the x86 kernels and regs[0] on the arm64 one, so no
    // "pt_regs::di missing" there (the program's x86-only pt_regs is simply not what arm64 reads).
    assert.doesNotMatch(r.out, /pt_regs::di/);
    assert.match(r.out, /`dentry::d_iname` missing: debian\/13\/x86_64\/6\.18\.0-1-amd64, ubuntu\/24\.04\/x86_64\/cilium-ci-2026-04-amd64/);
    assert.match(r.out, /kernel_task\.bpf\.c:\d+:\d+: `dentry::d_iname` does not exist on/);
    assert.match(r.out, /6 targets? × 6 targets|× 6 targets \(2 skipped\)/);
    assert.match(r.out, /2 skipped \(not readable as BTF\):/);
    assert.match(r.out, /6\.2\.0-9-broken\.btf\.tar\.xz: xz data is corrupt/);
    assert.match(r.out, /notes\.btf: not BTF, ELF, xz, gzip or tar data/);
    assert.doesNotMatch(r.out, /README/);
  });

  it('JSON: the documented schema', async () => {
    const r = await check(prog, ...base(), '--format', 'json');
    assert.strictEqual(r.code, 1, r.err);
    const j = JSON.parse(r.out);
    assert.strictEqual(j.schema, 'corelens-check/1');
    assert.strictEqual(j.program.kind, 'source');
    assert.strictEqual(j.program.guards, 'source');
    assert.ok(j.program.relocations > 50);
    assert.strictEqual(j.stats.checked, 6);
    assert.strictEqual(j.stats.skipped, 2);
    assert.strictEqual(j.skipped.length, 2);
    assert.deepStrictEqual(j.targets.filter((t: { status: string }) => t.status === 'skipped').map((t: { name: string }) => t.name).sort(),
      ['debian/12/x86_64/6.2.0-9-broken', 'debian/12/x86_64/notes']);
    for (const f of j.findings) {
      for (const k of ['code', 'severity', 'cause', 'message', 'location', 'targets', 'summary', 'site']) assert.ok(k in f, k);
      assert.ok(f.location.line >= 1 && f.location.column >= 1);
      assert.ok(['error', 'warning', 'information', 'hint'].includes(f.severity));
    }
    assert.deepStrictEqual([...j.program.analyses].sort(), ['arm64', 'x86_64']);
    assert.ok(!j.findings.some((f: { cause: string }) => f.cause === '`pt_regs::di` missing'));
    for (const c of j.causes) for (const i of c.findings) assert.strictEqual(j.findings[i].cause, c.cause);
    assert.ok(j.targets.some((t: { status: string }) => t.status === 'fail') && j.targets.some((t: { status: string }) => t.status === 'pass'));
  });

  it('SARIF 2.1.0: required properties, rules with help, results on relative paths and lines', async () => {
    const cwd = process.cwd();
    process.chdir(tmp);
    let r: Run;
    try {
      r = await check(prog, ...base(), '--format', 'sarif');
    } finally {
      process.chdir(cwd);
    }
    assert.strictEqual(r.code, 1, r.err);
    const s = JSON.parse(r.out);
    // sarifLog: version and runs are required; run: tool; tool: driver; driver: name.
    assert.strictEqual(s.version, '2.1.0');
    assert.ok(Array.isArray(s.runs) && s.runs.length === 1);
    const run = s.runs[0];
    assert.strictEqual(typeof run.tool.driver.name, 'string');
    const rules = run.tool.driver.rules as { id: string; help: { text: string }; shortDescription: { text: string } }[];
    assert.ok(rules.length > 0);
    for (const rule of rules) {
      assert.strictEqual(typeof rule.id, 'string');
      assert.ok(rule.help.text.length > 20 && rule.shortDescription.text.length > 0, rule.id);
    }
    assert.ok(run.results.length > 0);
    for (const res of run.results) {
      // result: message is required (with text); ruleId names a rule; level is one of SARIF's.
      assert.strictEqual(typeof res.message.text, 'string');
      assert.ok(rules[res.ruleIndex]!.id === res.ruleId);
      assert.ok(['none', 'note', 'warning', 'error'].includes(res.level));
      const loc = res.locations[0].physicalLocation;
      assert.strictEqual(loc.artifactLocation.uri, 'prog/kernel_task.bpf.c');
      assert.ok(Number.isInteger(loc.region.startLine) && loc.region.startLine >= 1);
      assert.ok(Number.isInteger(loc.region.startColumn) && loc.region.startColumn >= 1);
    }
    const notes = run.invocations[0].toolExecutionNotifications.map((n: { message: { text: string } }) => n.message.text).join('\n');
    assert.match(notes, /broken\.btf\.tar\.xz/);
  });

  it('filters: arch, distro, kernel version ranges', async () => {
    const names = async (...f: string[]) => {
      const r = await check(prog, ...base(), '--format', 'json', '--fail-on', 'never', ...f);
      assert.strictEqual(r.code, 0, r.err);
      return (JSON.parse(r.out).targets as { name: string; status: string }[]).filter((t) => t.status !== 'skipped').map((t) => t.name);
    };
    assert.deepStrictEqual(await names('--arch', 'aarch64'), ['debian/12/arm64/6.1.0-1-arm64']);
    assert.deepStrictEqual(await names('--distro', 'ubuntu'), ['ubuntu/24.04/x86_64/cilium-ci-2026-04-amd64']);
    assert.deepStrictEqual(await names('--kernel', '>=6.2'), ['debian/13/x86_64/6.18.0-1-amd64']);
    assert.strictEqual((await names('--kernel', '6.1')).length, 4);
    assert.strictEqual((await names('--kernel', '>=5.4 <6.18', '--arch', 'amd64')).length, 3);
    assert.strictEqual((await names('--kernel', '6.1.0-2 || >=6.18')).length, 2);
    const bad = await check(prog, ...base(), '--kernel', '>=five');
    assert.strictEqual(bad.code, 2);
    assert.match(bad.err, /bad kernel range ">=five"/);
    const none = await check(prog, ...base(), '--arch', 's390x');
    assert.strictEqual(none.code, 2);
    assert.match(none.err, /no target left after the filters/);
  });

  it('exit codes: 0 clean, 1 findings, 2 usage and input errors', async () => {
    const clean = path.join(path.dirname(prog), 'clean.bpf.c');
    fs.writeFileSync(clean, `#include "fixture.h"
struct task_struct { int pid; } __attribute__((preserve_access_index));
SEC("kprobe/x") int probe(void *ctx) { struct task_struct *t = (void *)bpf_get_current_task(); return BPF_CORE_READ(t, pid); }
char LICENSE[] SEC("license") = "GPL";
`);
    const ok = await check(clean, ...base());
    assert.strictEqual(ok.code, 0, ok.out + ok.err);
    assert.match(ok.out, /no findings on 6 targets/);
    assert.strictEqual((await check(prog, ...base())).code, 1);
    assert.strictEqual((await check(prog, ...base(), '--fail-on', 'never')).code, 0);
    assert.strictEqual((await check()).code, 2);
    assert.strictEqual((await check(prog, '--format', 'xml')).code, 2);
    assert.strictEqual((await check(prog, '--bogus')).code, 2);
    const missing = await check(path.join(tmp, 'nope.bpf.c'), ...base());
    assert.strictEqual(missing.code, 2);
    assert.match(missing.err, /nope\.bpf\.c: file not found/);
    const noDir = await check(prog, '--targets-dir', path.join(tmp, 'nowhere'));
    assert.strictEqual(noDir.code, 2);
    const allBad = await check(prog, '--target', `x=${path.join(tree, 'debian/12/x86_64/notes.btf')}`, '--no-cache');
    assert.strictEqual(allBad.code, 2);
    assert.match(allBad.err, /notes\.btf: not BTF/);
  });

  it('workers and in-process give identical results; cache and full BTF too', async () => {
    const findings = async (...extra: string[]) => {
      const r = await check(prog, '--targets-dir', tree, '--format', 'json', ...extra);
      const j = JSON.parse(r.out);
      return JSON.stringify({ f: j.findings, c: j.causes, t: j.targets.map((t: { name: string; status: string }) => [t.name, t.status]) });
    };
    const workers = await findings('--jobs', '2', '--cache', cache);
    assert.strictEqual(await findings('--jobs', '0', '--cache', cache), workers);
    assert.strictEqual(await findings('--jobs', '2', '--no-cache'), workers);
    assert.strictEqual(await findings('--jobs', '0', '--no-cache'), workers);
    // Cold caches: every archive is read, sliced and released (its memory handed to the next archive's read, in one
    // thread and in workers); only the slice outlives it. The full-BTF runs above never release: same answers.
    for (const jobs of ['0', '2']) {
      const cold = fs.mkdtempSync(path.join(tmp, 'cache-cold-'));
      assert.strictEqual(await findings('--jobs', jobs, '--cache', cold), workers, `cold cache, --jobs ${jobs}`);
      fs.rmSync(cold, { recursive: true, force: true });
    }
  });

  it('the pool: one worker first, more while it is busy; a worker started mid-run changes no answer', async () => {
    // Forced to grow at the first answer (CORELENS_POOL_GROW), the second worker joins mid-run and the decompression
    // slots are shared out again: reports equal to in-process ones, with a cold cache and then a warm one.
    const objFile = path.join(FIXTURES, 'objects', 'kernel_task.bpfel.o');
    const payload = { kind: 'object' as const, file: objFile, object: new Uint8Array(fs.readFileSync(objFile)) };
    const specs = Object.values(LAYOUT).filter((rel) => !rel.includes('arm64'))
      .flatMap((rel) => [0, 1, 2].map((k) => ({ name: `${path.basename(rel)}#${k}`, path: path.join(tree, `${rel}.btf.tar.xz`) })));
    const run = async (workers: number, cacheDir: string) => {
      const out: string[] = new Array(specs.length);
      let grew = 0;
      await checkTargets(payload, specs, { workers, cacheDir, onGrow: (n) => { grew = n; } }, (r) => {
        // (whether a target came from the cache depends on which of an archive's three specs ran first: left out)
        out[r.index] = JSON.stringify(r, (k, v: unknown) => (k === 'cached' || k === 'archiveRead' ? undefined
          : v instanceof Map ? [...v] : typeof v === 'bigint' ? String(v) : v));
      });
      return { out, grew };
    };
    const before = process.env.CORELENS_POOL_GROW;
    process.env.CORELENS_POOL_GROW = 'always';
    const caches = [fs.mkdtempSync(path.join(tmp, 'cache-pool-')), fs.mkdtempSync(path.join(tmp, 'cache-pool-'))];
    try {
      for (const pass of ['cold', 'warm']) {
        const inProcess = await run(0, caches[0]!);
        const pooled = await run(2, caches[1]!);
        assert.strictEqual(pooled.grew, 2, `${pass}: a second worker joined`);
        assert.deepStrictEqual(pooled.out, inProcess.out, pass);
        assert.ok(pooled.out.every((x) => x && x.includes('"ok":true')), pass);
      }
    } finally {
      if (before === undefined) delete process.env.CORELENS_POOL_GROW;
      else process.env.CORELENS_POOL_GROW = before;
      for (const c of caches) fs.rmSync(c, { recursive: true, force: true });
    }
  });

  it('a re-check after an edit reads no archive (archives replaced by garbage of the same size and mtime)', async () => {
    const own = path.join(tmp, 'cache-recheck');
    const first = JSON.parse((await check(prog, '--targets-dir', tree, '--cache', own, '--format', 'json')).out);
    assert.strictEqual(first.stats.cacheHits, 0);
    assert.strictEqual(first.stats.archivesRead, 8);
    // Overwrite every good archive with zeros, keeping size and mtime: a re-read would now fail.
    const saved = new Map<string, Buffer>();
    for (const rel of Object.values(LAYOUT)) {
      const f = path.join(tree, `${rel}.btf.tar.xz`);
      saved.set(f, fs.readFileSync(f));
      fs.writeFileSync(f, Buffer.alloc(fs.statSync(f).size));
      fs.utimesSync(f, MTIME, MTIME);
    }
    try {
      // The edit: one more read of an already-used field, and the lines move.
      const edited = path.join(path.dirname(prog), 'kernel_task_edited.bpf.c');
      fs.writeFileSync(edited, '/* edited */\n\n' + fs.readFileSync(prog, 'utf8'));
      const r2 = await check(edited, '--targets-dir', tree, '--cache', own, '--format', 'json');
      assert.strictEqual(r2.code, 1, r2.err);
      const second = JSON.parse(r2.out);
      assert.strictEqual(second.stats.cacheHits, 6);
      // failures are cached like successes (issue 17 row 11): the two bad files are not read again either
      assert.strictEqual(second.stats.archivesRead, 0, 'no file is read again, not even the two bad ones');
      assert.deepStrictEqual(second.skipped, first.skipped, 'the bad files are still reported, with the same problem');
      assert.deepStrictEqual(second.findings.map((f: { cause: string; targets: string[]; location: { line: number } }) => [f.cause, f.targets, f.location.line - 2]),
        first.findings.map((f: { cause: string; targets: string[]; location: { line: number } }) => [f.cause, f.targets, f.location.line]));
    } finally {
      for (const [f, b] of saved) {
        fs.writeFileSync(f, b);
        fs.utimesSync(f, MTIME, MTIME);
      }
    }
  });

  it('a .o: load verdicts from the bytecode, failing programs first; the source only places findings', async () => {
    const without = await check(obj, ...base(), '--format', 'json');
    assert.strictEqual(without.code, 1, without.err);
    const a = JSON.parse(without.out);
    assert.strictEqual(a.program.kind, 'object');
    assert.strictEqual(a.program.guards, 'bytecode');
    assert.ok(a.notes.some((n: string) => /no source beside the object/.test(n)));
    const causes = (j: { findings: { cause: string }[] }) => new Set(j.findings.map((f) => f.cause));
    // task_struct___o::state is poisoned on every kernel here, but guarded by bpf_core_field_exists(__state): the
    // verifier never reaches it, so it is a hint ("guarded"), never an error, with or without the source.
    const state = a.findings.filter((f: { cause: string }) => /task_struct::state/.test(f.cause));
    assert.ok(state.length > 0);
    for (const f of state) assert.deepStrictEqual([f.code, f.severity], ['core-guarded', 'hint']);
    // The object reads x86 registers: the arm64 kernel is left out with one note, never "pt_regs::di missing".
    assert.ok(!causes(a).has('`pt_regs::di` missing'), [...causes(a)].join(', '));
    assert.strictEqual(a.program.arch, 'x86_64');
    assert.strictEqual(a.stats.otherArch, 1);
    assert.ok(a.notes.some((n: string) => /built for x86 \(its CO-RE relocations read di, si from struct pt_regs\): 1 arm64 target skipped \(debian\/12\/arm64\/6\.1\.0-1-arm64\); build one object per arch/.test(n)), a.notes.join('\n'));
    assert.deepStrictEqual(a.targets.filter((t: { error?: string }) => /another arch/.test(t.error ?? '')).map((t: { name: string }) => t.name), ['debian/12/arm64/6.1.0-1-arm64']);
    // On the x86 kernels one program fails: trace_vfs_read reads dentry::d_iname, gone in 6.18 (d_shortname).
    assert.deepStrictEqual(a.programs.filter((r: { fails?: string }) => r.fails).map((r: { name: string }) => r.name), ['trace_vfs_read']);
    assert.deepStrictEqual(Object.entries(a.programs[0].targets).filter(([, v]) => !(v as { loads: boolean }).loads).map(([k]) => k).sort(),
      [LAYOUT['6.18-amd64'], LAYOUT['cilium-ci-2026-04-amd64']]);
    assert.ok(a.findings.some((f: { cause: string; severity: string }) => f.cause === '`dentry::d_iname` missing' && f.severity === 'error'));

    // Said to be built for arm64 (as an object built without -D__TARGET_ARCH_arm64 by mistake would be): pt_regs::di
    // is missing there, and every kprobe program fails at its first instruction.
    const arm64 = await check(obj, ...base(), '--format', 'json', '--arch', 'arm64');
    assert.strictEqual(arm64.code, 1, arm64.err);
    const c = JSON.parse(arm64.out);
    type Row = { section: string; name: string; fails?: string; targets: Record<string, { loads: boolean; kind?: string; insn?: number; line?: number; reason?: string }> };
    const rows: Row[] = c.programs;
    assert.deepStrictEqual(rows.map((r) => r.name).sort(), ['handle_switch', 'trace_exit_mmap', 'trace_openat2', 'trace_vfs_read']);
    const arm = LAYOUT['6.1-arm64']!;
    assert.deepStrictEqual(Object.keys(rows[0]!.targets), [arm], 'only the arm64 kernel is checked');
    const vfs = rows.find((r) => r.name === 'trace_vfs_read')!;
    const t = vfs.targets[arm]!;
    assert.deepStrictEqual([t.loads, t.kind, t.insn], [false, 'core', 0]);
    assert.match(vfs.targets[arm]!.reason!, /pt_regs\.di.*invalid func unknown#195896080/);
    assert.strictEqual(rows.find((r) => r.name === 'handle_switch')!.fails, undefined, 'tp_btf reads no pt_regs');
    const firstLoading = rows.findIndex((r) => !r.fails);
    assert.ok(rows.slice(firstLoading).every((r) => !r.fails), 'failing programs come first');
    assert.ok(c.findings.some((f: { cause: string; severity: string }) => f.cause === '`pt_regs::di` missing' && f.severity === 'error'));
    // With the source the findings point at the expression, not just the line-info row.
    const withSrc = await check(obj, ...base(), '--format', 'json', '--arch', 'arm64', '--source', prog);
    const b = JSON.parse(withSrc.out);
    assert.strictEqual(b.program.source, prog);
    assert.deepStrictEqual(b.programs, c.programs.map((r: Row) => ({ ...r, targets: Object.fromEntries(Object.entries(r.targets).map(([tn, v]) => [tn, v.loads ? v : { ...v, file: prog }])) })));
    const di = b.findings.find((f: { cause: string }) => f.cause === '`pt_regs::di` missing');
    assert.strictEqual(di.location.file, prog);
    assert.ok(di.location.endColumn > di.location.column, 'an expression range');
    const text = await check(obj, ...base(), '--arch', 'arm64');
    assert.match(text.out, /guards read from the bytecode/);
    assert.match(text.out, /3 of 4 programs fail to load on some target:\n  FAIL kprobe\//);
    const sarif = JSON.parse((await check(obj, ...base(), '--format', 'sarif', '--arch', 'arm64')).out);
    assert.strictEqual(sarif.runs[0].results[0].ruleId, 'program-fails-to-load');
    const plain = await check(obj, ...base());
    assert.match(plain.out, /note: kernel_task\.bpfel\.o: built for x86 .*1 arm64 target skipped/);
  });
});
