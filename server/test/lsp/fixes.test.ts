// Quick fixes that stay right, through the real server: computed against the document version they are applied to
// (lines deleted above a stale diagnostic: recomputed or dropped, never applied to another statement), versioned
// edits, and every fix compiled with the real clang and loaded by the running kernel's verifier.

import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { pathToFileURL } from 'url';
import { CodeAction, Diagnostic, TextDocumentEdit, TextEdit } from 'vscode-languageserver-protocol/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { FIXTURES, REPO_ROOT, kernelPath } from '../support/paths';
import { TestClient, startClient } from '../support/lspClient';
import { compileBpf, loadOnRunningKernel, scratch } from '../support/bpfLoad';

const OLD_KERNEL = path.join(FIXTURES, 'btf', 'kernels', '5.10-amd64.btf.xz');

/** An editor that applies versioned edits (VS Code, Neovim, eglot all do). */
const CAPABILITIES = {
  workspace: { configuration: true, workspaceEdit: { documentChanges: true }, didChangeWatchedFiles: { dynamicRegistration: true } },
  textDocument: { publishDiagnostics: {}, hover: { contentFormat: ['markdown'] }, codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix'] } } } },
};

interface Doc { uri: string; file: string; version: number; text: string }

/** The edits of an action for `uri`, and the document version they were computed for. */
function editsOf(a: CodeAction, uri: string): { version: number | null | undefined; edits: TextEdit[] } {
  const dc = a.edit?.documentChanges?.[0] as TextDocumentEdit | undefined;
  if (dc) {
    assert.strictEqual(dc.textDocument.uri, uri);
    return { version: dc.textDocument.version, edits: dc.edits as TextEdit[] };
  }
  return { version: undefined, edits: a.edit!.changes![uri]! };
}

describe('quick fixes that stay right (real server, clang, the running kernel\'s verifier)', function () {
  this.timeout(120_000);
  let root: string;
  let client: TestClient;

  before(async () => {
    root = scratch('corelens-fixes-');
    fs.writeFileSync(path.join(root, 'corelens.json'), JSON.stringify({
      targets: [{ name: '5.10-amd64', path: OLD_KERNEL }, { name: '6.1-amd64', path: kernelPath('6.1-amd64') }, { name: '6.18-amd64', path: kernelPath('6.18-amd64') }],
    }, null, 2));
    client = await startClient(root, {}, undefined, { capabilities: CAPABILITIES });
  });
  after(async () => {
    await client?.stop();
    fs.rmSync(root, { recursive: true, force: true });
  });

  async function open(name: string, text: string): Promise<Doc> {
    const file = path.join(root, name);
    fs.writeFileSync(file, text);
    const uri = pathToFileURL(file).toString();
    await client.conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'c', version: 1, text } });
    return { uri, file, version: 1, text };
  }
  async function change(d: Doc, text: string): Promise<void> {
    d.version++;
    d.text = text;
    await client.conn.sendNotification('textDocument/didChange', { textDocument: { uri: d.uri, version: d.version }, contentChanges: [{ text }] });
  }
  const actions = (d: Doc, diag: Diagnostic, range = diag.range) => client.conn.sendRequest<CodeAction[]>('textDocument/codeAction', {
    textDocument: { uri: d.uri }, range, context: { diagnostics: [diag] },
  });
  /** Applies an action to the text it was computed for, checking the version it names. */
  function apply(d: Doc, a: CodeAction): string {
    const { version, edits } = editsOf(a, d.uri);
    assert.strictEqual(version, d.version, 'the edit names the version it was computed against');
    return TextDocument.applyEdits(TextDocument.create(d.uri, 'c', d.version, d.text), edits);
  }
  /** Compiles the text with clang and loads it into the running kernel. */
  function build(name: string, text: string): { ok: boolean; log: string } {
    const file = path.join(root, name);
    fs.writeFileSync(file, text);
    return loadOnRunningKernel(compileBpf(file));
  }

  it('the unfixed program fails to load on this kernel: task_struct::state does not exist here', () => {
    const text = fs.readFileSync(path.join(FIXTURES, 'vscode', 'probe.bpf.c'), 'utf8');
    const r = build('unfixed.bpf.c', text);
    assert.strictEqual(r.ok, false, 'libbpf poisons the read and the verifier rejects it');
    assert.match(r.log, /failed to resolve CO-RE relocation <byte_off> \[\d+\] struct task_struct\.state|invalid func unknown#195896080/);
  });

  it('lines deleted above a stale diagnostic: the fix is dropped at the old place, recomputed at the new one', async () => {
    const text = fs.readFileSync(path.join(FIXTURES, 'vscode', 'probe.bpf.c'), 'utf8');
    const d = await open('stale.bpf.c', text);
    const diags = await client.diagnostics(d.uri, (x) => x.some((y) => y.code === 'core-missing-field'));
    const stale = diags.find((x) => x.code === 'core-missing-field')!;
    assert.match(text.split('\n')[stale.range.start.line]!, /long state = BPF_CORE_READ\(prev, state\);/);
    // Delete a comment line at the top: the diagnostic the client holds now points one line too low, at
    // `int ppid = BPF_CORE_READ(prev, real_parent, pid);`, a statement a position-only fix would wrap.
    const lines = text.split('\n');
    await change(d, [lines[0], ...lines.slice(2)].join('\n'));
    const atOld = d.text.split('\n')[stale.range.start.line]!;
    assert.match(atOld, /int ppid = BPF_CORE_READ\(prev, real_parent, pid\);/, `line ${stale.range.start.line} now holds another statement`);
    // Asked at the old place: nothing there is that access any more, so no fix (never wrap that statement).
    assert.deepStrictEqual((await actions(d, stale)).map((a) => a.title), []);
    // Asked where the access is now (the cursor moved with the text, as editors do): recomputed from this version.
    const here = { start: { line: stale.range.start.line - 1, character: stale.range.start.character }, end: { line: stale.range.end.line - 1, character: stale.range.end.character } };
    const fixes = await actions(d, stale, here);
    const guard = fixes.find((a) => a.title === 'Guard with bpf_core_field_exists(struct task_struct, state)');
    assert.ok(guard, JSON.stringify(fixes.map((a) => a.title)));
    const fixed = apply(d, guard);
    assert.match(fixed, /\tlong state = 0;\n\tif \(bpf_core_field_exists\(struct task_struct, state\)\)\n\t\tstate = BPF_CORE_READ\(prev, state\);\n\tint ppid = BPF_CORE_READ\(prev, real_parent, pid\);/);
    assert.strictEqual(fixed.split('\n').length, d.text.split('\n').length + 2, 'only the state line changed');
    // The fixed program compiles, loads on this kernel, and the server has nothing left to say against any target.
    const r = build('stale-fixed.bpf.c', fixed);
    assert.ok(r.ok, r.log);
    await change(d, fixed);
    const after = await client.diagnostics(d.uri, (x) => !x.some((y) => y.severity === 1));
    assert.deepStrictEqual(after.filter((x) => x.severity === 1), []);
  });

  it('a request for an older version than the server has is answered from the current one', async () => {
    const text = fs.readFileSync(path.join(FIXTURES, 'vscode', 'probe.bpf.c'), 'utf8');
    const d = await open('race.bpf.c', text);
    const stale = (await client.diagnostics(d.uri, (x) => x.some((y) => y.code === 'core-missing-field'))).find((x) => x.code === 'core-missing-field')!;
    // An edit above and the request sent back to back, before any new diagnostics: the server analyses the new text.
    await change(d, `// one more line\n${text}`);
    // The client's range is one line stale: it now covers `int pid = ...`, which has no such access: dropped.
    assert.deepStrictEqual((await actions(d, stale)).map((a) => a.title), []);
    const moved = { start: { ...stale.range.start, line: stale.range.start.line + 1 }, end: { ...stale.range.end, line: stale.range.end.line + 1 } };
    const fixes = await actions(d, stale, moved);
    assert.ok(fixes.length >= 2, 'guard and flavor, recomputed one line lower');
    for (const a of fixes) {
      const out = apply(d, a);
      // whatever it offers wraps the state read, never the line now at the stale range
      assert.match(out, /bpf_core_field_exists[^\n]*\n[^\n]*BPF_CORE_READ\((?:prev|\(\(struct task_struct___new \*\)prev\)), (?:__)?state\)/, out);
    }
  });

  it('the ___new flavor fix compiles, loads on this kernel, and resolves on 5.10, 6.1 and 6.18', async () => {
    const text = fs.readFileSync(path.join(FIXTURES, 'vscode', 'probe.bpf.c'), 'utf8');
    const d = await open('new.bpf.c', text);
    const diag = (await client.diagnostics(d.uri, (x) => x.some((y) => y.code === 'core-missing-field'))).find((x) => x.code === 'core-missing-field')!;
    assert.match(diag.message as string, /does not exist on 6\.1-amd64, 6\.18-amd64/);
    const flavor = (await actions(d, diag)).find((a) => /___new flavor/.test(a.title));
    assert.ok(flavor, 'a ___new flavor fix');
    const fixed = apply(d, flavor);
    assert.match(fixed, /struct task_struct___new \{\n\tunsigned int __state;\n\} __attribute__\(\(preserve_access_index\)\);/);
    assert.match(fixed, /\tlong state = 0;\n\tif \(bpf_core_field_exists\(\(\(struct task_struct___new \*\)prev\)->__state\)\)\n\t\tstate = BPF_CORE_READ\(\(\(struct task_struct___new \*\)prev\), __state\);\n\telse\n\t\tstate = BPF_CORE_READ\(prev, state\);/);
    const r = build('new-fixed.bpf.c', fixed);
    assert.ok(r.ok, r.log);
    await change(d, fixed);
    const after = await client.diagnostics(d.uri, (x) => !x.some((y) => y.severity === 1));
    assert.deepStrictEqual(after.filter((x) => x.severity === 1), []);
  });

  it('the ___old flavor fix: a program reading __state falls back to state on 5.10; compiles and loads', async () => {
    const text = fs.readFileSync(path.join(FIXTURES, 'editor', 'renamed_old.bpf.c'), 'utf8');
    const d = await open('old.bpf.c', text);
    const diag = (await client.diagnostics(d.uri, (x) => x.some((y) => y.code === 'core-missing-field'))).find((x) => x.code === 'core-missing-field')!;
    assert.match(diag.message as string, /`task_struct::__state` does not exist on 5\.10-amd64: .*`state` is the closest name/);
    const titles = (await actions(d, diag)).map((a) => a.title);
    const flavor = (await actions(d, diag)).find((a) => /___old flavor/.test(a.title));
    assert.ok(flavor, JSON.stringify(titles));
    assert.strictEqual(flavor.title, 'Fall back to state through a task_struct___old flavor where __state does not exist yet');
    const fixed = apply(d, flavor);
    // the old layout's member, with 5.10's own type, and the written (new) name tried first
    assert.match(fixed, /struct task_struct___old \{\n\tvolatile long int state;\n\} __attribute__\(\(preserve_access_index\)\);\n\nSEC\("tp_btf\/sched_switch"\)/);
    assert.match(fixed, /\tlong state = 0;\n\tif \(bpf_core_field_exists\(prev->__state\)\)\n\t\tstate = BPF_CORE_READ\(prev, __state\);\n\telse\n\t\tstate = BPF_CORE_READ\(\(\(struct task_struct___old \*\)prev\), state\);/);
    const r = build('old-fixed.bpf.c', fixed);
    assert.ok(r.ok, r.log);
    await change(d, fixed);
    const after = await client.diagnostics(d.uri, (x) => !x.some((y) => y.severity === 1));
    assert.deepStrictEqual(after.filter((x) => x.severity === 1), [], 'resolves on 5.10 (state) and 6.x (__state)');
  });

  it('the guard fix of an expression statement wraps just that statement, and loads', async () => {
    const text = fs.readFileSync(path.join(FIXTURES, 'vscode', 'probe.bpf.c'), 'utf8')
      .replace('\tlong state = BPF_CORE_READ(prev, state);', '\tlong state = 0;\n\tstate += BPF_CORE_READ(prev, state);');
    const d = await open('expr.bpf.c', text);
    const diag = (await client.diagnostics(d.uri, (x) => x.some((y) => y.code === 'core-missing-field'))).find((x) => x.code === 'core-missing-field')!;
    const guard = (await actions(d, diag)).find((a) => a.title.startsWith('Guard'))!;
    const fixed = apply(d, guard);
    assert.match(fixed, /\tlong state = 0;\n\tif \(bpf_core_field_exists\(struct task_struct, state\)\)\n\t\tstate \+= BPF_CORE_READ\(prev, state\);\n/);
    const r = build('expr-fixed.bpf.c', fixed);
    assert.ok(r.ok, r.log);
  });

  it('a const declaration is guarded as a plain variable (it is assigned after), and compiles and loads', async () => {
    const text = fs.readFileSync(path.join(FIXTURES, 'vscode', 'probe.bpf.c'), 'utf8')
      .replace('\tlong state = BPF_CORE_READ(prev, state);', '\tconst long state = BPF_CORE_READ(prev, state);');
    const d = await open('const.bpf.c', text);
    const diag = (await client.diagnostics(d.uri, (x) => x.some((y) => y.code === 'core-missing-field'))).find((x) => x.code === 'core-missing-field')!;
    const guard = (await actions(d, diag)).find((a) => a.title.startsWith('Guard'))!;
    const fixed = apply(d, guard);
    assert.match(fixed, /\tlong state = 0;\n\tif \(bpf_core_field_exists\(struct task_struct, state\)\)\n\t\tstate = BPF_CORE_READ\(prev, state\);\n/);
    const r = build('const-fixed.bpf.c', fixed);
    assert.ok(r.ok, r.log);
  });

  it('offers no guard where it could not keep the program compiling (a struct value, two declarators)', async () => {
    const two = fs.readFileSync(path.join(FIXTURES, 'vscode', 'probe.bpf.c'), 'utf8')
      .replace('\tlong state = BPF_CORE_READ(prev, state);', '\tlong state = BPF_CORE_READ(prev, state), more = 1;')
      .replace('return pid + state + ppid;', 'return pid + state + ppid + more;');
    const d2 = await open('two.bpf.c', two);
    const diag2 = (await client.diagnostics(d2.uri, (x) => x.some((y) => y.code === 'core-missing-field'))).find((x) => x.code === 'core-missing-field')!;
    assert.deepStrictEqual((await actions(d2, diag2)).filter((a) => a.title.startsWith('Guard')), []);

    const text = fs.readFileSync(path.join(REPO_ROOT, 'test-fixtures', 'vscode', 'probe.bpf.c'), 'utf8')
      .replace('struct task_struct {', 'struct pair { long a; long b; };\nstruct task_struct {\n\tstruct pair sp;')
      .replace('\tlong state = BPF_CORE_READ(prev, state);', '\tstruct pair sp = BPF_CORE_READ(prev, sp);\n\tlong state = sp.a;');
    const d = await open('value.bpf.c', text);
    const diags = await client.diagnostics(d.uri, (x) => x.some((y) => y.code === 'core-missing-field' && /sp/.test(y.message as string)));
    const diag = diags.find((y) => y.code === 'core-missing-field' && /sp/.test(y.message as string))!;
    assert.deepStrictEqual((await actions(d, diag)).filter((a) => a.title.startsWith('Guard')), []);
  });
});
