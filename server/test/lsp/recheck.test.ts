// The language server's reuse of a document's last evaluation (features/recheck.ts): random edits applied one by one
// to a server give, at every version, the diagnostics and hovers a fresh server gives on the same text. The edits mix
// ones that keep every CO-RE access (the reuse path) with ones that change an access, move one on its line, move
// lines, or change an inlined helper (the evaluation must be recomputed), on targets of two arches.

import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { pathToFileURL } from 'url';
import { intern, sameValue } from '../../src/features/recheck';
import { TestClient, startClient } from '../support/lspClient';
import { kernelPath } from '../support/paths';

const PROGRAM = `// SPDX-License-Identifier: GPL-2.0
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>

struct task_struct {
	int pid;
	long state;
	unsigned int __state;
	struct task_struct *real_parent;
} __attribute__((preserve_access_index));

struct file_plain {
	unsigned int f_flags;
};

static __always_inline int parent_pid(struct task_struct *t)
{
	return BPF_CORE_READ(t, real_parent, pid) + 1;
}

SEC("kprobe/do_exit")
int BPF_KPROBE(on_exit, struct task_struct *t)
{
	int k = 10;
	if (bpf_core_field_exists(t->state))
		k += BPF_CORE_READ(t, state);
	// a load with no relocation through a kprobe argument (plain_reads): a direct-read the reuse must keep too
	return k + parent_pid(t) + ((struct file_plain *)t)->f_flags;
}

SEC("tp_btf/sched_switch")
int BPF_PROG(on_switch, bool preempt, struct task_struct *prev, struct task_struct *next)
{
	int pid = BPF_CORE_READ(prev, pid);
	int x = 20;
	struct file_plain *f = (void *)next;
	return pid + x + parent_pid(next) + next->pid + f->f_flags;
}

char LICENSE[] SEC("license") = "GPL";
`;

/** A small seeded generator: the same edits on every run (a failure names its step). */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** Edits as text rewrites, each applicable whatever came before: what they change is said in the file comment. */
const EDITS: { what: string; apply: (t: string, r: () => number) => string }[] = [
  { what: 'a literal in a program', apply: (t, r) => t.replace(/int k = \d+;/, `int k = ${10 + Math.floor(r() * 80)};`) },
  { what: 'another literal', apply: (t, r) => t.replace(/int x = \d+;/, `int x = ${10 + Math.floor(r() * 80)};`) },
  { what: 'the checked field renamed', apply: (t) => (t.includes('t->state') ? t.replace('t->state', 't->__state').replace('BPF_CORE_READ(t, state)', 'BPF_CORE_READ(t, __state)') : t.replace('t->__state', 't->state').replace('BPF_CORE_READ(t, __state)', 'BPF_CORE_READ(t, state)')) },
  { what: 'an access moved on its line', apply: (t) => (t.includes('int pid =  BPF') ? t.replace('int pid =  BPF', 'int pid = BPF') : t.replace('int pid = BPF', 'int pid =  BPF')) },
  { what: 'lines moved', apply: (t) => (t.includes('{\n\n\tint pid') ? t.replace('{\n\n\tint pid', '{\n\tint pid') : t.replace('{\n\tint pid', '{\n\n\tint pid')) },
  { what: 'the inlined helper changed', apply: (t) => (t.includes('pid) + 1;') ? t.replace('pid) + 1;', 'pid) + 2;') : t.replace('pid) + 2;', 'pid) + 1;')) },
  { what: 'the helper reads another field', apply: (t) => (t.includes('real_parent, pid)') ? t.replace('real_parent, pid)', 'real_parent, state)') : t.replace('real_parent, state)', 'real_parent, pid)')) },
  { what: 'a comment typed', apply: (t, r) => t.replace(/\t\/\/ note \d+\n|(\tint x = )/, (_m, x) => (x ? `\t// note ${Math.floor(r() * 9)}\n${x}` : '')) },
];

describe('language server: an edit reuses the last evaluation only when it is the same (features/recheck.ts)', function () {
  this.timeout(600_000);
  let tmp: string;
  const clients: TestClient[] = [];
  before(() => { tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'corelens-recheck-')); });
  after(async () => {
    for (const c of clients) await c.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('sameValue and intern: equal objects become the earlier ones, anything different stays', () => {
    assert.ok(sameValue({ a: 1, b: [{ c: 'x' }] }, { a: 1, b: [{ c: 'x' }] }));
    assert.ok(!sameValue({ a: 1, b: 2 }, { b: 2, a: 1 }), 'key order is part of the shape (serialised output)');
    assert.ok(!sameValue({ a: 1 }, { a: 1, b: undefined }));
    assert.ok(!sameValue(new Map(), new Map()), 'a Map only by identity');
    const a = { r: { line: 1 } };
    const b = { r: { line: 2 } };
    const first = intern(undefined, [a, b]);
    const again = intern(first, [{ r: { line: 1 } }, b]);
    assert.strictEqual(again.kept, first.kept, 'all equal: the kept array itself');
    const moved = intern(again, [a, { r: { line: 3 } }]);
    assert.strictEqual(moved.kept[0], a);
    assert.deepStrictEqual(moved.kept[1], { r: { line: 3 } });
    assert.notStrictEqual(moved.kept, first.kept);
  });

  it('random edits on two arches: each version\'s diagnostics and hover equal a fresh server\'s on the same text', async () => {
    const root = path.join(tmp, 'ws');
    fs.mkdirSync(root);
    const kernels = ['5.10-amd64', '5.10-arm64', '6.1-arm64', '6.18-amd64'];
    fs.writeFileSync(path.join(root, 'corelens.json'), JSON.stringify({ targets: kernels.map((k) => ({ name: k, path: kernelPath(k) })) }));
    const file = path.join(root, 'prog.bpf.c');
    fs.writeFileSync(file, PROGRAM);
    const uri = pathToFileURL(file).toString();
    const env = { env: { CORELENS_CACHE: path.join(tmp, 'cache') } };
    const live = await startClient(root, {}, undefined, env);
    clients.push(live);
    const fresh = await startClient(root, {}, undefined, env);
    clients.push(fresh);
    const at = (c: TestClient, version: number) => c.diagnostics(uri, () => c.latest.get(uri)?.version === version, 150_000);
    const hoverAt = async (c: TestClient, text: string) => {
      const lines = text.split('\n');
      const line = lines.findIndex((l) => l.includes('BPF_CORE_READ(t, real_parent'));
      return c.conn.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line, character: lines[line]!.indexOf('real_parent') + 2 } });
    };
    let text = PROGRAM;
    let version = 1;
    await live.conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'c', version, text } });
    const opened = await at(live, version);
    // the editor shows the load with no relocation through the kprobe argument (plain_reads), at its member
    const fLine = PROGRAM.split('\n').findIndex((l) => l.includes('->f_flags;'));
    assert.ok(opened.some((d) => d.code === 'direct-read' && d.range.start.line === fLine), `direct-read at line ${fLine + 1}`);
    const r = rng(12);
    let changed = 0;
    for (let step = 0; step < 24; step++) {
      const e = EDITS[Math.floor(r() * EDITS.length)]!;
      const next = e.apply(text, r);
      if (next === text) continue;
      changed++;
      text = next;
      version++;
      await live.conn.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [{ text }] });
      const got = await at(live, version);
      const gotHover = await hoverAt(live, text);
      // from scratch: a closed document leaves nothing behind (memos, interned sites, the last evaluation)
      if (version > 2) await fresh.conn.sendNotification('textDocument/didClose', { textDocument: { uri } });
      await fresh.conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'c', version, text } });
      const want = await at(fresh, version);
      const wantHover = await hoverAt(fresh, text);
      assert.deepStrictEqual(got, want, `step ${step} (${e.what}), version ${version}`);
      assert.deepStrictEqual(gotHover, wantHover, `hover, step ${step} (${e.what})`);
    }
    assert.ok(changed >= 15, `${changed} edits applied`);
    assert.ok(live.latest.get(uri)!.diagnostics.some((d) => d.code === 'core-missing-field'), 'the program has findings to compare');
  });
});
