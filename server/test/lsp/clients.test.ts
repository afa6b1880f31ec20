// Every LSP client gets what it can take: dynamic registration only when the client supports it, `corelens/status`
// only for the client that asks (the VS Code extension), plain-text hovers for clients without Markdown, clang's
// own complaints left to clangd unless `corelens.syntaxDiagnostics` asks for them, and unknown configuration keys
// reported where they are written. Real server process, real JSON-RPC client.

import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { pathToFileURL } from 'url';
import { Diagnostic, Hover } from 'vscode-languageserver-protocol/node';
import { FIXTURES, kernelPath } from '../support/paths';
import { TestClient, startClient } from '../support/lspClient';
import { scratch } from '../support/bpfLoad';

const text = (d: Diagnostic) => (typeof d.message === 'string' ? d.message : d.message.value);
const STATE = fs.readFileSync(path.join(FIXTURES, 'lsp', 'state.bpf.c'), 'utf8');

/** A client with the capabilities of a small editor: no dynamic registration, no workspace/configuration. */
const MINIMAL = { workspace: {}, textDocument: { publishDiagnostics: {}, hover: { contentFormat: ['plaintext'] } } };
/** VS Code-like: dynamic registration of both. */
const FULL = {
  workspace: { configuration: true, didChangeConfiguration: { dynamicRegistration: true }, didChangeWatchedFiles: { dynamicRegistration: true } },
  window: { workDoneProgress: true },
  textDocument: { publishDiagnostics: {}, hover: { contentFormat: ['markdown', 'plaintext'] } },
};

describe('every LSP client gets what it supports', function () {
  this.timeout(120_000);
  const roots: string[] = [];
  const clients: TestClient[] = [];
  afterEach(async () => {
    for (const c of clients.splice(0)) await c.stop();
    for (const r of roots.splice(0)) fs.rmSync(r, { recursive: true, force: true });
  });

  function workspace(config: string | object = { targets: [{ name: '6.1-amd64', path: kernelPath('6.1-amd64') }, { name: '6.18-amd64', path: kernelPath('6.18-amd64') }] }): string {
    const root = scratch('corelens-clients-');
    roots.push(root);
    fs.writeFileSync(path.join(root, 'corelens.json'), typeof config === 'string' ? config : JSON.stringify(config, null, 2));
    return root;
  }
  async function start(root: string, caps: object, init: Record<string, unknown> = {}, settings: Record<string, unknown> = {}): Promise<TestClient> {
    const c = await startClient(root, settings, undefined, { capabilities: caps as Record<string, unknown>, initializationOptions: init });
    clients.push(c);
    return c;
  }
  async function open(c: TestClient, root: string, name: string, body: string): Promise<string> {
    const file = path.join(root, name);
    fs.writeFileSync(file, body);
    const uri = pathToFileURL(file).toString();
    await c.conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'c', version: 1, text: body } });
    return uri;
  }

  it('registers nothing dynamically with a client that does not support it, and sends it no corelens/status', async () => {
    const root = workspace();
    const c = await start(root, MINIMAL);
    const uri = await open(c, root, 'state.bpf.c', STATE);
    await c.diagnostics(uri, (d) => d.some((x) => x.code === 'core-missing-field'));
    // The status request still answers (a client may ask); the notification is for clients that opt in.
    const s = await c.conn.sendRequest<{ targets: { state: string }[] }>('corelens/status');
    assert.deepStrictEqual(s.targets.map((t) => t.state), ['loaded', 'loaded']);
    assert.deepStrictEqual(c.registrations, []);
    assert.deepStrictEqual(c.notifications.filter((n) => n.method === 'corelens/status'), []);
  });

  it('registers configuration changes and file watching with a client that supports it; status when asked for', async () => {
    const root = workspace();
    const c = await start(root, FULL, { statusNotifications: true });
    const uri = await open(c, root, 'state.bpf.c', STATE);
    await c.diagnostics(uri, (d) => d.some((x) => x.code === 'core-missing-field'));
    assert.deepStrictEqual([...c.registrations].sort(), ['workspace/didChangeConfiguration', 'workspace/didChangeWatchedFiles']);
    assert.ok(c.notifications.some((n) => n.method === 'corelens/status'), 'the opted-in client gets corelens/status');
  });

  it('hovers as plain text for a client without Markdown, the same readable text', async () => {
    const root = workspace();
    const c = await start(root, MINIMAL);
    const uri = await open(c, root, 'state.bpf.c', STATE);
    await c.diagnostics(uri, (d) => d.length > 0);
    const line = STATE.split('\n').findIndex((l) => l.includes('prev, pid'));
    const h = await c.conn.sendRequest<Hover>('textDocument/hover', { textDocument: { uri }, position: { line, character: STATE.split('\n')[line]!.indexOf('pid);') + 1 } });
    const contents = h.contents as { kind: string; value: string };
    assert.strictEqual(contents.kind, 'plaintext');
    assert.match(contents.value, /^\*\*task_struct::pid\*\* · offset 2416 on 6\.1-amd64 · differs on 1\n/);
  });

  it('leaves syntax errors and unknown members to clangd by default; corelens.syntaxDiagnostics shows them', async () => {
    const root = workspace();
    const c = await start(root, MINIMAL);
    const broken = STATE
      .replace('#include <bpf/bpf_tracing.h>', '#include <bpf/bpf_tracing.h>\n#include "no/such/header.h"')
      .replace('int pid = BPF_CORE_READ(prev, pid);', 'int pid = BPF_CORE_READ(prev, pidd);')
      .replace('char LICENSE', 'int g = (1 + ;\nchar LICENSE');
    const uri = await open(c, root, 'broken.bpf.c', broken);
    const first = await c.diagnostics(uri, (d) => d.some((x) => x.code === 'core-analysis'));
    const notes = first.filter((x) => x.code === 'core-analysis').map(text);
    assert.ok(notes.some((m) => /header not found: "no\/such\/header\.h"/.test(m)), 'a header corelens cannot find is its own news');
    assert.ok(!notes.some((m) => /has no member|expected|unexpected/.test(m)), `clang's complaints are clangd's: ${notes.join(' | ')}`);
    assert.ok(first.some((x) => x.code === 'core-missing-field'), 'CO-RE findings are unaffected');
    // A client without workspace/configuration sends settings with the notification.
    await c.conn.sendNotification('workspace/didChangeConfiguration', { settings: { corelens: { syntaxDiagnostics: true } } });
    const all = await c.diagnostics(uri, (d) => d.some((x) => x.code === 'core-analysis' && /has no member 'pidd'/.test(text(x))));
    const shown = all.filter((x) => x.code === 'core-analysis').map(text);
    assert.ok(shown.some((m) => /struct task_struct has no member 'pidd'/.test(m)), shown.join(' | '));
    assert.ok(shown.some((m) => /syntax: missing '\)'/.test(m)), shown.join(' | '));
  });

  it('reports an unknown key of corelens.json on its line with the closest known name; the rest still applies', async () => {
    const cfg = [
      '{',
      '  "includePath": ["include"],',
      '  "targets": [',
      `    { "name": "6.1-amd64", "path": ${JSON.stringify(kernelPath('6.1-amd64'))}, "bas": "x" }`,
      '  ]',
      '}',
    ].join('\n');
    const root = workspace(cfg);
    const c = await start(root, MINIMAL);
    const cfgUri = pathToFileURL(path.join(root, 'corelens.json')).toString();
    const diags = await c.diagnostics(cfgUri, (d) => d.length >= 2);
    const inc = diags.find((d) => /"includePath"/.test(text(d)))!;
    assert.match(text(inc), /unknown key "includePath": it is ignored; did you mean "includePaths"\?/);
    assert.deepStrictEqual(inc.range, { start: { line: 1, character: 2 }, end: { line: 1, character: 15 } });
    const bas = diags.find((d) => /"bas"/.test(text(d)))!;
    assert.match(text(bas), /unknown key "bas" in targets #1: it is ignored; did you mean "base"\?/);
    assert.strictEqual(bas.range.start.line, 3);
    assert.strictEqual(cfg.split('\n')[3]!.slice(bas.range.start.character, bas.range.end.character), '"bas"');
    const uri = await open(c, root, 'state.bpf.c', STATE);
    const d = await c.diagnostics(uri, (x) => x.some((y) => y.code === 'core-missing-field'));
    assert.match(text(d.find((y) => y.code === 'core-missing-field')!), /on 6\.1-amd64/, 'the valid target still loads');
  });

  it('reports unknown settings: on their line in .vscode/settings.json, else as a message naming the closest one', async () => {
    const root = workspace();
    fs.mkdirSync(path.join(root, '.vscode'));
    fs.writeFileSync(path.join(root, '.vscode', 'settings.json'), '{\n  "editor.tabSize": 8,\n  "corelens.inlayHint.offsets": "all"\n}\n');
    const c = await start(root, MINIMAL, {}, { includePath: ['x'], inlayHint: { offsets: 'all' }, severity: { 'core-missing-feild': 'off' } });
    const settingsUri = pathToFileURL(path.join(root, '.vscode', 'settings.json')).toString();
    const diags = await c.diagnostics(settingsUri, (d) => d.length > 0);
    assert.strictEqual(diags.length, 1);
    assert.match(text(diags[0]!), /settings: unknown key "inlayHint" \(corelens\.inlayHint\): it is ignored; did you mean "inlayHints"\?/);
    assert.strictEqual(diags[0]!.range.start.line, 2);
    const uri = await open(c, root, 'state.bpf.c', STATE);
    await c.diagnostics(uri, (d) => d.length > 0);
    const msgs = c.messages.map((m) => m.message).join('\n');
    assert.match(msgs, /unknown key "includePath" \(corelens\.includePath\): it is ignored; did you mean "includePaths"\?/);
    assert.match(msgs, /unknown key "core-missing-feild" in severity \(corelens\.severity\.core-missing-feild\): it is ignored; did you mean "core-missing-field"\?/);
  });
});
