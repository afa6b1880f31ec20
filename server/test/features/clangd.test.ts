// `corelens clangd-config`, proven with the real clangd (Debian's clangd 14, `clangd --check=FILE` prints the
// diagnostics an editor would show): before, BPF-only builtins are unknown and corelens' include paths missing;
// after, nothing. Each of the three formats, following what the workspace already uses.

import * as assert from 'assert';
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { main } from '../../src/cli/main';
import { REPO_ROOT, kernelPath } from '../support/paths';
import { scratch } from '../support/bpfLoad';

const PROGRAM = `#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>

SEC("kprobe/do_exit")
int BPF_KPROBE(on_exit, long code)
{
	struct task_struct *t = (void *)bpf_get_current_task();
	if (bpf_core_field_exists(t->__state))
		return BPF_CORE_READ(t, pid) + code;
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
`;

/** The diagnostics clangd reports for FILE (its `E[...]` lines), and the target triple it parsed for. */
function clangdCheck(dir: string, file: string): { errors: string[]; triple: string } {
  const r = spawnSync('clangd', [`--check=${file}`], { cwd: dir, encoding: 'utf8', timeout: 120_000 });
  const log = `${r.stdout}${r.stderr}`;
  assert.ok(/All checks completed|Testing features/.test(log) || r.status === 0 || r.status === 1, log.slice(-2000));
  return {
    errors: log.split('\n').filter((l) => /^E\[/.test(l)).map((l) => l.replace(/^E\[[^\]]*\] /, '')),
    triple: /-triple (\S+)/.exec(log)?.[1] ?? '?',
  };
}

async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, { out: (s) => (out += s + '\n'), err: (s) => (err += s + '\n') });
  return { code, out, err };
}

describe('corelens clangd-config with the real clangd', function () {
  this.timeout(240_000);
  let header: string;
  const roots: string[] = [];

  before(async () => {
    execFileSync(path.join(REPO_ROOT, 'scripts', 'ensure-tools.sh'), ['clangd'], { stdio: 'inherit' });
    // A real vmlinux.h (what BPF projects include), generated from a real kernel by corelens itself.
    const tmp = scratch('corelens-clangd-h-');
    roots.push(tmp);
    header = path.join(tmp, 'vmlinux.h');
    const r = await run('header', kernelPath('6.1-amd64'), '--out', header);
    assert.strictEqual(r.code, 0, r.err);
  });
  after(() => {
    for (const r of roots) fs.rmSync(r, { recursive: true, force: true });
  });

  /** A project: the program, vmlinux.h under include/ (corelens.json says so), optional extra files. */
  function project(files: Record<string, string> = {}): string {
    const root = scratch('corelens-clangd-');
    roots.push(root);
    fs.mkdirSync(path.join(root, 'include'));
    fs.copyFileSync(header, path.join(root, 'include', 'vmlinux.h'));
    fs.writeFileSync(path.join(root, 'probe.bpf.c'), PROGRAM);
    fs.writeFileSync(path.join(root, 'corelens.json'), JSON.stringify({ includePaths: ['include'] }));
    for (const [n, t] of Object.entries(files)) fs.writeFileSync(path.join(root, n), t);
    return root;
  }

  it('compile_flags.txt: before, unknown builtin and missing header; after, clangd is clean', async () => {
    const root = project();
    const before = clangdCheck(root, 'probe.bpf.c');
    assert.ok(before.errors.some((e) => /use of unknown builtin '__builtin_preserve_field_info'/.test(e)), before.errors.join('\n'));
    assert.ok(before.errors.some((e) => /'vmlinux\.h' file not found/.test(e)), before.errors.join('\n'));
    const r = await run('clangd-config', root);
    assert.strictEqual(r.code, 0, r.err);
    assert.match(r.out, /wrote .*compile_flags\.txt: --target=bpf -D__TARGET_ARCH_x86 -Iinclude/);
    const flags = fs.readFileSync(path.join(root, 'compile_flags.txt'), 'utf8').split('\n');
    assert.deepStrictEqual(flags.slice(0, 3), ['--target=bpf', '-D__TARGET_ARCH_x86', '-Iinclude']);
    const after = clangdCheck(root, 'probe.bpf.c');
    assert.deepStrictEqual(after.errors, []);
    assert.strictEqual(after.triple, 'bpf');
    // Running it again changes nothing.
    assert.strictEqual((await run('clangd-config', root)).code, 0);
    assert.deepStrictEqual(fs.readFileSync(path.join(root, 'compile_flags.txt'), 'utf8').split('\n'), flags);
  });

  it('userspace C beside the program: a .clangd fragment for BPF files only; the loader stays a host program', async () => {
    const root = project({ 'loader.c': '#include <stdio.h>\nint main(void) { printf("hi\\n"); return 0; }\n' });
    assert.strictEqual((await run('clangd-config', root)).code, 0);
    assert.ok(!fs.existsSync(path.join(root, 'compile_flags.txt')));
    const cfg = fs.readFileSync(path.join(root, '.clangd'), 'utf8');
    assert.match(cfg, /PathMatch: \[".*\\\\.bpf\\\\.\(c\|h\)"\]/);
    const bpf = clangdCheck(root, 'probe.bpf.c');
    assert.deepStrictEqual(bpf.errors, []);
    assert.strictEqual(bpf.triple, 'bpf');
    const host = clangdCheck(root, 'loader.c');
    assert.deepStrictEqual(host.errors, []);
    assert.match(host.triple, /^x86_64|^aarch64/);
  });

  it('an existing .clangd keeps its content; the fragment is replaced, not repeated', async () => {
    const root = project({ '.clangd': 'CompileFlags:\n  Add: [-Wall]\n' });
    assert.strictEqual((await run('clangd-config', root)).code, 0);
    assert.strictEqual((await run('clangd-config', root, '-D', 'DEBUG=1')).code, 0);
    const cfg = fs.readFileSync(path.join(root, '.clangd'), 'utf8');
    assert.ok(cfg.startsWith('CompileFlags:\n  Add: [-Wall]\n'));
    assert.strictEqual(cfg.match(/corelens: BPF programs/g)!.length, 1);
    assert.match(cfg, /-DDEBUG=1/);
    assert.deepStrictEqual(clangdCheck(root, 'probe.bpf.c').errors, []);
  });

  it('compile_commands.json: an entry for the BPF program is added, other entries untouched', async () => {
    const loader = { directory: '/x', file: 'loader.c', command: 'cc -c loader.c' };
    const root = project({ 'compile_commands.json': JSON.stringify([loader]) });
    const r = await run('clangd-config', root, '--arch', 'x86');
    assert.strictEqual(r.code, 0, r.err);
    const db = JSON.parse(fs.readFileSync(path.join(root, 'compile_commands.json'), 'utf8')) as { file: string; arguments?: string[] }[];
    assert.deepStrictEqual(db[0], loader);
    assert.strictEqual(db[1]!.file, path.join(root, 'probe.bpf.c'));
    assert.deepStrictEqual(db[1]!.arguments!.slice(0, 4), ['clang', '--target=bpf', '-D__TARGET_ARCH_x86', `-I${path.join(root, 'include')}`]);
    assert.deepStrictEqual(clangdCheck(root, 'probe.bpf.c').errors, []);
  });

  it('an existing entry for the program gets only the flags it lacks', async () => {
    const root = project();
    fs.writeFileSync(path.join(root, 'compile_commands.json'), JSON.stringify([{ directory: root, file: 'probe.bpf.c', command: 'clang -target bpf -g -O2 -c probe.bpf.c' }]));
    assert.strictEqual((await run('clangd-config', root)).code, 0);
    const db = JSON.parse(fs.readFileSync(path.join(root, 'compile_commands.json'), 'utf8')) as { arguments: string[] }[];
    assert.strictEqual(db.length, 1);
    assert.deepStrictEqual(db[0]!.arguments.slice(0, 3), ['clang', '-D__TARGET_ARCH_x86', `-I${path.join(root, 'include')}`]);
    assert.ok(db[0]!.arguments.includes('-target'), 'keeps its own -target bpf');
    assert.deepStrictEqual(clangdCheck(root, 'probe.bpf.c').errors, []);
  });

  it('bad input: an unreadable compile_commands.json or an unknown arch is an error naming it', async () => {
    const root = project({ 'compile_commands.json': '[{' });
    const r = await run('clangd-config', root);
    assert.strictEqual(r.code, 1);
    assert.match(r.err, new RegExp(`${path.join(root, 'compile_commands.json').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: not valid JSON`));
    const r2 = await run('clangd-config', project(), '--arch', 'vax');
    assert.strictEqual(r2.code, 1);
    assert.match(r2.err, /unknown BPF target architecture "vax"/);
    assert.strictEqual((await run('clangd-config', '--format', 'yaml')).code, 2);
  });
});
