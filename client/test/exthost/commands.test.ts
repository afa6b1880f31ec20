// Integration tests in a real VS Code extension host (code-server): the packaged extension's language client,
// status, document selection, and every CO-RE command end to end on the fixture workspace (test-fixtures/vscode).
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Polls until `f` returns a truthy value (or fails with `what`). */
async function until<T>(what: string, f: () => T | Promise<T>, ms = 30_000): Promise<NonNullable<T>> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v) return v as NonNullable<T>;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

interface Api { status(): Promise<{ targets: { name: string; path: string; state: string }[] }>; onServer: ReadonlySet<string> }

describe('corelens extension in VS Code (code-server extension host)', function () {
  const ws = vscode.workspace.workspaceFolders![0]!.uri.fsPath;
  const file = (n: string) => vscode.Uri.file(path.join(ws, n));
  const probe = file('probe.bpf.c');
  let api: Api;
  let probeText: string;
  const posOf = (needle: string, offset = 0) => {
    const i = probeText.indexOf(needle);
    assert.ok(i >= 0, needle);
    const before = probeText.slice(0, i + offset).split('\n');
    return new vscode.Position(before.length - 1, before[before.length - 1]!.length);
  };

  before(async () => {
    const doc = await vscode.workspace.openTextDocument(probe);
    probeText = doc.getText();
    await vscode.window.showTextDocument(doc);
    const ext = vscode.extensions.getExtension<Api>('corelens.corelens');
    assert.ok(ext, 'extension corelens.corelens is installed');
    api = await ext.activate();
    await until('both targets loaded', async () => (await api.status()).targets.every((t) => t.state === 'loaded'));
  });

  it('loads the targets of corelens.json and reports them (status bar data)', async () => {
    const s = await api.status();
    assert.deepStrictEqual(s.targets.map((t) => [t.name, t.state]), [['6.1-amd64', 'loaded'], ['6.18-amd64', 'loaded']]);
  });

  it('publishes the CO-RE error for task_struct::state on the languageId "c" document', async () => {
    const d = await until('corelens diagnostics', () => vscode.languages.getDiagnostics(probe).find((x) => x.source === 'corelens' && x.code === 'core-missing-field'));
    assert.strictEqual(vscode.window.activeTextEditor?.document.languageId, 'c', 'stays on languageId c (clangd keeps working)');
    assert.match(d.message, /`task_struct::state` does not exist on every target \(2\)/);
    assert.strictEqual(d.severity, vscode.DiagnosticSeverity.Error);
  });

  it('hover shows the offset per target', async () => {
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', probe, posOf('pid);', 1));
    const md = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
    assert.match(md, /^\*\*task_struct::pid\*\* · offset 2416 on 6\.1-amd64 · differs on 1\n/);
    assert.match(md, /\| 2416 \(0x970\) \| 4 +\| pid_t \| 6\.1-amd64 +\|/);
    assert.match(md, /\| 1264 \(0x4f0\) \| 4 +\| pid_t \| 6\.18-amd64 \|/);
  });

  it('analyses a C file that includes bpf/bpf_helpers.h, and leaves plain C alone', async () => {
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(file('tracer.c')));
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(file('plain.c')));
    await until('tracer.c on the server', () => api.onServer.has(file('tracer.c').toString()));
    await sleep(1500);
    assert.ok(!api.onServer.has(file('plain.c').toString()), 'plain.c is not sent to the server');
    assert.deepStrictEqual(vscode.languages.getDiagnostics(file('plain.c')).filter((d) => d.source === 'corelens'), []);
    await vscode.window.showTextDocument(probe);
  });

  it('Build compiles the program with clang as a task and writes the object', async () => {
    const r = await vscode.commands.executeCommand<{ object: string; exitCode: number }>('corelens.build', probe);
    assert.strictEqual(r.exitCode, 0);
    assert.strictEqual(r.object, path.join(ws, 'probe.bpf.o'));
    assert.deepStrictEqual([...fs.readFileSync(r.object).subarray(0, 4)], [0x7f, 0x45, 0x4c, 0x46], 'an ELF object');
  });

  it('Build puts clang errors in the Problems panel through the problem matcher', async () => {
    const broken = file('broken.bpf.c');
    const r = await vscode.commands.executeCommand<{ exitCode: number }>('corelens.build', broken);
    assert.notStrictEqual(r.exitCode, 0);
    const d = await until('clang diagnostics', () => vscode.languages.getDiagnostics(broken).find((x) => /undeclared identifier/.test(x.message)), 10_000);
    assert.strictEqual(d.range.start.line, 17);
  });

  it('Relocate shows one row per relocation and one column per target, failures with the reason', async () => {
    const r = await vscode.commands.executeCommand<{
      targets: string[]; failures: number; html: string;
      relocations: { access: string; line: number; targets: Record<string, { poison: boolean; value?: number; reason?: string }> }[];
    }>('corelens.relocate', probe);
    assert.deepStrictEqual(r.targets, ['6.1-amd64', '6.18-amd64']);
    assert.ok(r.relocations.length >= 3, `${r.relocations.length} relocations`); // clang -O2 folds the two pid reads of one task
    const state = r.relocations.find((x) => x.access === '0:1')!;
    // line info comes from the object: clang -O2 may attribute the load to a neighbouring line
    assert.ok(Math.abs(state.line - (posOf('state);').line + 1)) <= 1, `state relocation at line ${state.line}`);
    for (const t of r.targets) {
      assert.strictEqual(state.targets[t]!.poison, true);
      assert.match(state.targets[t]!.reason!, /no field state/);
    }
    const pid = r.relocations.find((x) => x.access === '0:0')!;
    assert.strictEqual(pid.targets['6.1-amd64']!.value, 2416);
    assert.strictEqual(r.failures, 1);
    assert.match(r.html, /class="fail"><b>POISON<\/b>/);
    assert.match(r.html, new RegExp(`data-file="${ws.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/probe\\.bpf\\.c" data-line="${state.line}"`));
  });

  it('Show layout lays out the type side by side on every target', async () => {
    const r = await vscode.commands.executeCommand<{ targets: Record<string, { members: { name: string; offset: number }[] }>; html: string }>(
      'corelens.showLayout', 'struct task_struct');
    assert.strictEqual(r.targets['6.1-amd64']!.members.find((m) => m.name === 'pid')!.offset, 2416);
    assert.strictEqual(r.targets['6.18-amd64']!.members.find((m) => m.name === 'pid')!.offset, 1264);
    assert.match(r.html, /class="num moved/);
  });

  it('Generate vmlinux.h writes a C header of a target', async () => {
    const out = path.join(ws, 'vmlinux.h');
    assert.strictEqual(await vscode.commands.executeCommand('corelens.generateHeader', { target: '6.18-amd64', out }), out);
    const text = fs.readFileSync(out, 'utf8');
    assert.match(text, /struct task_struct \{/);
    assert.match(text, /preserve_access_index/);
  });

  it('Minimise writes one small BTF per target for the built object', async () => {
    const r = await vscode.commands.executeCommand<{ files: string[] }>('corelens.minimize', { source: probe.fsPath, outDir: path.join(ws, 'min') });
    assert.deepStrictEqual(r.files.map((f) => path.basename(f)).sort(), ['6.1-amd64.btf', '6.18-amd64.btf']);
    for (const f of r.files) assert.ok(fs.statSync(f).size < 20_000, `${f} is small`);
  });

  it('Merge writes a kernel BTF merged with an app BTF', async () => {
    const kernel = (await api.status()).targets[0]!.path;
    const out = path.join(ws, 'merged.btf');
    const r = await vscode.commands.executeCommand<{ out: string }>('corelens.merge', { kernel, apps: [path.join(ws, 'probe.bpf.o')], out });
    assert.strictEqual(r.out, out);
    assert.ok(fs.statSync(out).size > 1_000_000);
  });

  it('Configure clangd for BPF writes a .clangd fragment for the BPF files only (plain.c is userspace C)', async () => {
    const r = await vscode.commands.executeCommand<{ file: string; summary: string }>('corelens.configureClangd');
    try {
      assert.strictEqual(r.file, path.join(ws, '.clangd'));
      const text = fs.readFileSync(r.file, 'utf8');
      assert.match(text, /PathMatch: \[".*\\\\.bpf\\\\.\(c\|h\)", "tracer\\\\.c"\]/, 'tracer.c includes bpf_helpers.h: a BPF program too');
      assert.match(text, /Add: \[--target=bpf, -D__TARGET_ARCH_x86/);
    } finally {
      fs.rmSync(path.join(ws, '.clangd'), { force: true });
    }
  });

  it('Add target writes corelens.targets and the server loads it', async () => {
    const kernels = path.dirname((await api.status()).targets[0]!.path);
    const written = await vscode.commands.executeCommand<{ name: string }[]>('corelens.addTarget', { name: 'cloud', path: path.join(kernels, '6.1-cloud-amd64.btf.xz') });
    assert.deepStrictEqual(written.map((t) => t.name), ['cloud']);
    assert.deepStrictEqual(vscode.workspace.getConfiguration('corelens').get<{ name: string }[]>('targets')!.map((t) => t.name), ['cloud']);
    await until('cloud loaded', async () => (await api.status()).targets.some((t) => t.name === 'cloud' && t.state === 'loaded'));
    await vscode.workspace.getConfiguration('corelens').update('targets', undefined, vscode.ConfigurationTarget.Workspace);
  });
});
