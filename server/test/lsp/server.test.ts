// The language server end to end, as an editor drives it: a real process over stdio, a real JSON-RPC client.

import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { pathToFileURL } from 'url';
import { CodeAction, CodeLens, Diagnostic, Hover, InlayHint, TextEdit } from 'vscode-languageserver-protocol/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { FIXTURES, kernelPath } from '../support/paths';
import { tempDir } from '../support/tmp';
import { TestClient, startClient } from '../support/lspClient';

/** A fresh workspace: the state.bpf.c fixture and a corelens.json naming real kernels (and optionally more). */
function workspace(extraTargets: object[] = []): { root: string; file: string; uri: string; text: string } {
  const root = tempDir('corelens-lsp-');
  const text = fs.readFileSync(path.join(FIXTURES, 'lsp', 'state.bpf.c'), 'utf8');
  const file = path.join(root, 'state.bpf.c');
  fs.writeFileSync(file, text);
  fs.writeFileSync(path.join(root, 'corelens.json'), JSON.stringify({
    targets: [{ name: '6.1-amd64', path: kernelPath('6.1-amd64') }, { name: '6.18-amd64', path: kernelPath('6.18-amd64') }, ...extraTargets],
  }, null, 2));
  return { root, file, uri: pathToFileURL(file).toString(), text };
}

const text = (d: Diagnostic) => (typeof d.message === 'string' ? d.message : d.message.value);

const posOf = (text: string, needle: string, offset = 0) => {
  const i = text.indexOf(needle);
  assert.ok(i >= 0, needle);
  const before = text.slice(0, i + offset).split('\n');
  return { line: before.length - 1, character: before[before.length - 1]!.length };
};

describe('language server over stdio (real process, real JSON-RPC client)', function () {
  this.timeout(90_000);
  let client: TestClient;
  let ws: ReturnType<typeof workspace>;

  before(async () => {
    ws = workspace([{ name: 'broken', path: '/etc/hostname' }]);
    client = await startClient(ws.root);
  });
  after(async () => {
    await client?.stop();
  });

  it('advertises hover, inlay hints, code lens and quick fixes', () => {
    const c = client.init.capabilities;
    assert.ok(c.hoverProvider && c.inlayHintProvider && c.codeLensProvider && c.codeActionProvider);
  });

  it('accepts a document whose languageId is plain "c" and reports the unguarded renamed field as an error', async () => {
    await client.conn.sendNotification('textDocument/didOpen', { textDocument: { uri: ws.uri, languageId: 'c', version: 1, text: ws.text } });
    const diags = await client.diagnostics(ws.uri, (d) => d.some((x) => x.code === 'core-missing-field'));
    const d = diags.find((x) => x.code === 'core-missing-field')!;
    assert.strictEqual(d.severity, 1);
    assert.strictEqual(d.source, 'corelens');
    assert.match(text(d), /`task_struct::state` does not exist on every target \(2\): the program will fail to load there \(invalid func unknown#195896080\); `__state` is the closest name/);
    assert.deepStrictEqual(d.range.start, posOf(ws.text, 'state);', 0));
    assert.ok(!diags.some((x) => /pid|real_parent/.test(text(x))), 'pid and real_parent resolve everywhere');
  });

  it('reports a target that cannot load once, and keeps serving the others', async () => {
    const cfg = pathToFileURL(path.join(ws.root, 'corelens.json')).toString();
    const diags = await client.diagnostics(cfg, (d) => d.length > 0);
    assert.match(text(diags[0]!), /target broken: \/etc\/hostname: not BTF/);
    const cfgLines = fs.readFileSync(path.join(ws.root, 'corelens.json'), 'utf8').split('\n');
    assert.strictEqual(diags[0]!.range.start.line, cfgLines.findIndex((l) => l.includes('"broken"')), 'points at the "broken" entry');
    assert.ok(client.messages.some((m) => /target broken/.test(m.message)));
  });

  it('hover on a field shows offset, size and type per target', async () => {
    const hover = await client.conn.sendRequest<Hover>('textDocument/hover', { textDocument: { uri: ws.uri }, position: posOf(ws.text, 'pid);', 1) });
    const md = (hover.contents as unknown as { value: string }).value;
    // one summary line, then one row per distinct value with the targets that have it
    assert.match(md, /^\*\*task_struct::pid\*\* · offset 2416 on 6\.1-amd64 · differs on 1\n/);
    assert.match(md, /\| 2416 \(0x970\) \| 4 +\| pid_t \| 6\.1-amd64 +\|/);
    assert.match(md, /\| 1264 \(0x4f0\) \| 4 +\| pid_t \| 6\.18-amd64 \|/);
    const missing = await client.conn.sendRequest<Hover>('textDocument/hover', { textDocument: { uri: ws.uri }, position: posOf(ws.text, 'state);', 1) });
    const mv = (missing.contents as unknown as { value: string }).value;
    assert.match(mv, /^\*\*task_struct::state\*\* · missing on every target \(2\)\n/);
    assert.match(mv, /\| missing +\| +\| +\| every target \(2\) \|/);
  });

  it('hover on a type name shows its size per target; on a CO-RE macro, each relocation it makes', async () => {
    const ty = await client.conn.sendRequest<Hover>('textDocument/hover', { textDocument: { uri: ws.uri }, position: posOf(ws.text, 'task_struct {', 3) });
    const md = (ty.contents as unknown as { value: string }).value;
    assert.match(md, /^\*\*struct task_struct\*\* · size 9792 on 6\.1-amd64 · differs on 1/);
    assert.match(md, /\| 9792 \| 8 +\| \d+ members \| 6\.1-amd64 +\|/, "natural alignment, as libbpf btf__align_of computes it");
    assert.match(md, /\| 3264 \| 8 +\| \d+ members \| 6\.18-amd64 \|/);
    const macro = await client.conn.sendRequest<Hover>('textDocument/hover', { textDocument: { uri: ws.uri }, position: posOf(ws.text, 'BPF_CORE_READ(prev, real_parent', 2) });
    const mm = (macro.contents as unknown as { value: string }).value;
    assert.match(mm, /^BPF_CORE_READ: 2 relocations/);
    assert.match(mm, /task_struct::real_parent\*\* · offset 2432 on 6\.1-amd64 · differs on 1/);
    assert.match(mm, /task_struct::pid\*\* · offset 2416 on 6\.1-amd64 · differs on 1/, 'the second hop reads pid of the parent');
  });

  it('inlay hints give the offset after each relocated access, marking where targets differ', async () => {
    const hints = await client.conn.sendRequest<InlayHint[]>('textDocument/inlayHint', {
      textDocument: { uri: ws.uri }, range: { start: { line: 0, character: 0 }, end: { line: 100, character: 0 } },
    });
    const labels = hints.map((h) => h.label);
    assert.ok(labels.includes('@2416 ≠'), JSON.stringify(labels));
    assert.ok(labels.includes('@missing'), JSON.stringify(labels));
  });

  it('code lens over the program counts relocations and names failing targets', async () => {
    const lenses = await client.conn.sendRequest<CodeLens[]>('textDocument/codeLens', { textDocument: { uri: ws.uri } });
    assert.strictEqual(lenses.length, 1);
    // 3, as clang's object of this program: real_parent's pid shares the first pid read's offset register (cse.ts `far`)
    assert.match(lenses[0]!.command!.title, /CO-RE: 3 relocations \(3 field\) · loads on 0\/2 targets · fails on every target \(2\)/);
  });

  it('the guard quick fix, applied, makes the error go away', async () => {
    const diags = client.latest.get(ws.uri)!.diagnostics;
    const target = diags.find((x) => x.code === 'core-missing-field')!;
    const actions = await client.conn.sendRequest<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri: ws.uri }, range: target.range, context: { diagnostics: [target] },
    });
    const titles = actions.map((a) => a.title);
    assert.ok(titles.includes('Guard with bpf_core_field_exists(struct task_struct, state)'), JSON.stringify(titles));
    assert.ok(titles.some((t) => /task_struct___new flavor/.test(t)), JSON.stringify(titles));
    const guard = actions.find((a) => a.title.startsWith('Guard'))!;
    const edits = guard.edit!.changes![ws.uri]! as TextEdit[];
    const doc = TextDocument.create(ws.uri, 'c', 1, ws.text);
    const next = TextDocument.applyEdits(doc, edits);
    // a declaration cannot be an if's body in C: it is split, so `state` stays declared for the code after it
    assert.match(next, /\tlong state = 0;\n\tif \(bpf_core_field_exists\(struct task_struct, state\)\)\n\t\tstate = BPF_CORE_READ\(prev, state\);\n/);
    await client.conn.sendNotification('textDocument/didChange', {
      textDocument: { uri: ws.uri, version: 2 }, contentChanges: [{ text: next }],
    });
    const after = await client.diagnostics(ws.uri, (d) => !d.some((x) => x.code === 'core-missing-field'));
    assert.ok(!after.some((x) => x.severity === 1), JSON.stringify(after));
  });

  it('the ___flavor quick fix reads __state where it exists and state elsewhere, and resolves cleanly', async () => {
    await client.conn.sendNotification('textDocument/didChange', {
      textDocument: { uri: ws.uri, version: 3 }, contentChanges: [{ text: ws.text }],
    });
    const diags = await client.diagnostics(ws.uri, (d) => d.some((x) => x.code === 'core-missing-field'));
    const target = diags.find((x) => x.code === 'core-missing-field')!;
    const actions = await client.conn.sendRequest<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri: ws.uri }, range: target.range, context: { diagnostics: [target] },
    });
    const flavor = actions.find((a) => /flavor/.test(a.title));
    if (!flavor) return assert.fail(`no flavor fix among ${actions.map((a) => a.title)}`);
    const next = TextDocument.applyEdits(TextDocument.create(ws.uri, 'c', 3, ws.text), flavor.edit!.changes![ws.uri]! as TextEdit[]);
    assert.match(next, /struct task_struct___new \{\n\tunsigned int __state;\n\} __attribute__\(\(preserve_access_index\)\);/);
    await client.conn.sendNotification('textDocument/didChange', { textDocument: { uri: ws.uri, version: 4 }, contentChanges: [{ text: next }] });
    const after = await client.diagnostics(ws.uri, (d) => !d.some((x) => x.severity === 1));
    assert.ok(!after.some((x) => x.severity === 1), JSON.stringify(after));
  });
});
