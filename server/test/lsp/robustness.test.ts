// The server never goes down: bad targets, broken code, a 100k-line vmlinux.h, live reconfiguration, IPC transport.

import * as assert from 'assert';
import { fork } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { pathToFileURL } from 'url';
import { Diagnostic, Hover, IPCMessageReader, IPCMessageWriter, createProtocolConnection } from 'vscode-languageserver-protocol/node';
import { emitCHeader } from '../../src/tools/cformat';
import { kernel } from '../support/kernels';
import { TestClient, startClient } from '../support/lspClient';
import { FIXTURES, REPO_ROOT, kernelPath } from '../support/paths';
import { tempDir } from '../support/tmp';

const text = (d: Diagnostic) => (typeof d.message === 'string' ? d.message : d.message.value);
const STATE = fs.readFileSync(path.join(FIXTURES, 'lsp', 'state.bpf.c'), 'utf8');

function makeWorkspace(targets: object[], files: Record<string, string>): string {
  const root = tempDir('corelens-robust-');
  fs.writeFileSync(path.join(root, 'corelens.json'), JSON.stringify({ targets }, null, 2));
  for (const [name, body] of Object.entries(files)) fs.writeFileSync(path.join(root, name), body);
  return root;
}

async function open(client: TestClient, root: string, name: string, body: string, version = 1): Promise<string> {
  const uri = pathToFileURL(path.join(root, name)).toString();
  await client.conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'c', version, text: body } });
  return uri;
}

describe('language server robustness', function () {
  this.timeout(180_000);
  const clients: TestClient[] = [];
  after(async () => {
    for (const c of clients) await c.stop();
  });

  it('corrupt, truncated, missing and wrong-arch targets: each reported by name, the good ones keep working', async () => {
    const k = await kernel('6.1-amd64');
    const root = makeWorkspace([], { 'state.bpf.c': STATE });
    fs.writeFileSync(path.join(root, 'truncated.btf'), k.bytes.subarray(0, 100_000));
    const corrupt = Buffer.from(k.bytes.subarray(0, 200_000));
    corrupt.writeUInt32LE(0xffffffff, 12);
    fs.writeFileSync(path.join(root, 'corrupt.btf'), corrupt);
    fs.writeFileSync(path.join(root, 'corelens.json'), JSON.stringify({
      targets: [
        { name: 'truncated', path: 'truncated.btf' }, { name: 'corrupt', path: 'corrupt.btf' },
        { name: 'missing', path: 'nowhere/vmlinux.btf' }, { name: 'arm64', path: kernelPath('6.1-arm64') },
        { name: 'good', path: kernelPath('6.18-amd64') }, { path: 42 },
      ],
    }, null, 2));
    const client = await startClient(root);
    clients.push(client);
    const uri = await open(client, root, 'state.bpf.c', STATE);
    const diags = await client.diagnostics(uri, (d) => d.some((x) => x.code === 'core-missing-field'));
    assert.match(text(diags.find((x) => x.code === 'core-missing-field')!), /on every target \(2\)/, 'only the two loadable targets count');
    const cfg = await client.diagnostics(pathToFileURL(path.join(root, 'corelens.json')).toString(), (d) => d.length >= 4);
    const msgs = cfg.map(text).join('\n');
    assert.match(msgs, /target truncated: .*truncated\.btf: string section .* runs past the end of the data/);
    assert.match(msgs, /target corrupt: .*corrupt\.btf: .*(overlaps|runs past)/);
    assert.match(msgs, /target missing: .*nowhere\/vmlinux\.btf: file not found/);
    assert.match(msgs, /target #6 has no "path"/);
    const hover = await client.conn.sendRequest<Hover>('textDocument/hover', {
      textDocument: { uri }, position: { line: STATE.split('\n').findIndex((l) => l.includes('prev, pid')), character: 33 },
    });
    assert.match((hover.contents as unknown as { value: string }).value, /\| 1264 \(0x4f0\) +\| 4 +\| pid_t +\| good +\|/);
  });

  it('half-typed and broken code never takes it down; the next good version is analysed', async () => {
    const root = makeWorkspace([{ name: 'k', path: kernelPath('6.18-amd64') }], {});
    const client = await startClient(root);
    clients.push(client);
    const broken = [
      STATE.replace('BPF_CORE_READ(prev, pid);', 'BPF_CORE_READ(prev, '),
      STATE.replace('{\n\tint pid', '{{{\n\tint pid'),
      STATE.replace('#include <bpf/bpf_tracing.h>', '#include "no/such/header.h"\n#include <bpf/bpf_tracing.h>'),
      STATE.replace('return pid + state + ppid;', 'return prev->'),
      STATE.replace('struct task_struct {', 'struct task_struct { UNKNOWN_MACRO(x) ;'),
      '\u0000\u0001 not C at all \uffff',
      '',
    ];
    const uri = await open(client, root, 'b.bpf.c', broken[0]!);
    for (let i = 1; i < broken.length; i++) {
      await client.conn.sendNotification('textDocument/didChange', { textDocument: { uri, version: i + 1 }, contentChanges: [{ text: broken[i]! }] });
    }
    await client.conn.sendNotification('textDocument/didChange', { textDocument: { uri, version: 99 }, contentChanges: [{ text: STATE }] });
    const diags = await client.diagnostics(uri, (d) => d.some((x) => x.code === 'core-missing-field'));
    assert.ok(diags.length > 0);
    assert.strictEqual(client.proc.exitCode, null, 'still running');
  });

  it('a missing header is a note naming it, not a failure', async () => {
    const root = makeWorkspace([{ name: 'k', path: kernelPath('6.18-amd64') }], {});
    const client = await startClient(root);
    clients.push(client);
    const body = STATE.replace('#include <bpf/bpf_tracing.h>', '#include "no/such/header.h"\n#include <bpf/bpf_tracing.h>');
    const uri = await open(client, root, 'h.bpf.c', body);
    const diags = await client.diagnostics(uri, (d) => d.some((x) => x.code === 'core-analysis'));
    assert.match(diags.filter((x) => x.code === 'core-analysis').map(text).join('\n'), /no\/such\/header\.h/);
    assert.ok(diags.some((x) => x.code === 'core-missing-field'), 'the rest is still analysed');
  });

  it('a program including a 100k-line vmlinux.h gets its diagnostics', async () => {
    const k = await kernel('6.18-amd64');
    const header = emitCHeader(k).text;
    assert.ok(header.split('\n').length > 100_000, `header has ${header.split('\n').length} lines`);
    const prog = [
      '#include "vmlinux.h"', '#include <bpf/bpf_helpers.h>', '#include <bpf/bpf_core_read.h>', '',
      'struct task_struct___o { long state; } __attribute__((preserve_access_index));', '',
      'SEC("kprobe/do_exit")', 'int on_exit(struct pt_regs *ctx)', '{',
      '\tstruct task_struct *t = (void *)bpf_get_current_task();',
      '\tint pid = BPF_CORE_READ(t, pid);',
      '\tlong s = BPF_CORE_READ((struct task_struct___o *)t, state);',
      '\treturn pid + s;', '}', '',
    ].join('\n');
    const root = makeWorkspace([{ name: '6.1', path: kernelPath('6.1-amd64') }, { name: '6.18', path: kernelPath('6.18-amd64') }],
      { 'vmlinux.h': header, 'big.bpf.c': prog });
    const client = await startClient(root);
    clients.push(client);
    const t0 = Date.now();
    const uri = await open(client, root, 'big.bpf.c', prog);
    const diags = await client.diagnostics(uri, (d) => d.some((x) => x.code === 'core-missing-field'), 120_000);
    const d = diags.find((x) => x.code === 'core-missing-field')!;
    assert.match(text(d), /task_struct::state/);
    assert.strictEqual(d.range.start.line, 11);
    const hover = await client.conn.sendRequest<Hover>('textDocument/hover', { textDocument: { uri }, position: { line: 10, character: 30 } });
    assert.match((hover.contents as unknown as { value: string }).value, /\| 2416 \(0x970\) +\| 4 +\| pid_t +\| 6\.1 +\|\n\| 1264 \(0x4f0\) +\| 4 +\| pid_t +\| 6\.18 +\|/);
    console.log(`      100k-line vmlinux.h: first diagnostics after ${Date.now() - t0} ms (including target loading)`);
  });

  it('picks up corelens.json changes without a restart', async () => {
    const root = makeWorkspace([{ name: 'old-only', path: kernelPath('6.18-amd64') }], { 'state.bpf.c': STATE });
    const client = await startClient(root);
    clients.push(client);
    const uri = await open(client, root, 'state.bpf.c', STATE);
    await client.diagnostics(uri, (d) => d.some((x) => /on old-only:/.test(text(x))));
    fs.writeFileSync(path.join(root, 'corelens.json'), JSON.stringify({ targets: [{ name: 'renamed', path: kernelPath('6.1-amd64') }] }));
    await client.conn.sendNotification('workspace/didChangeWatchedFiles', {
      changes: [{ uri: pathToFileURL(path.join(root, 'corelens.json')).toString(), type: 2 }],
    });
    const after = await client.diagnostics(uri, (d) => d.some((x) => /on renamed:/.test(text(x))));
    assert.ok(!after.some((x) => /old-only/.test(text(x))));
  });

  it('severity per code and the inlay-hint mode come from the settings', async () => {
    const root = makeWorkspace([{ name: 'a', path: kernelPath('6.1-amd64') }, { name: 'b', path: kernelPath('6.18-amd64') }], { 'state.bpf.c': STATE });
    const client = await startClient(root, { severity: { 'core-missing-field': 'warning' }, inlayHints: { offsets: 'all' } });
    clients.push(client);
    const uri = await open(client, root, 'state.bpf.c', STATE);
    const diags = await client.diagnostics(uri, (d) => d.some((x) => x.code === 'core-missing-field'));
    assert.strictEqual(diags.find((x) => x.code === 'core-missing-field')!.severity, 2);
    const hints = await client.conn.sendRequest<{ label: string }[]>('textDocument/inlayHint', {
      textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: { line: 99, character: 0 } },
    });
    assert.ok(hints.some((h) => h.label === '@2416|1264'), JSON.stringify(hints.map((h) => h.label)));
  });

  it('reloads a target whose file changed on disk', async () => {
    const root = makeWorkspace([{ name: 'k', path: 'k.btf.xz' }], { 'state.bpf.c': STATE });
    fs.copyFileSync(kernelPath('6.1-amd64'), path.join(root, 'k.btf.xz'));
    const client = await startClient(root);
    clients.push(client);
    const uri = await open(client, root, 'state.bpf.c', STATE);
    const pidHover = async () => {
      const h = await client.conn.sendRequest<Hover>('textDocument/hover', {
        textDocument: { uri }, position: { line: STATE.split('\n').findIndex((l) => l.includes('prev, pid')), character: 33 },
      });
      return (h.contents as unknown as { value: string }).value;
    };
    await client.diagnostics(uri, (d) => d.length > 0);
    assert.match(await pidHover(), /\| 2416 \(0x970\) .*\| k +\|/);
    fs.copyFileSync(kernelPath('6.18-amd64'), path.join(root, 'k.btf.xz'));
    await client.conn.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: pathToFileURL(path.join(root, 'k.btf.xz')).toString(), type: 2 }] });
    for (let i = 0; i < 100 && !/\| 1264 \(0x4f0\) .*\| k +\|/.test(await pidHover()); i++) await new Promise((r) => setTimeout(r, 100));
    assert.match(await pidHover(), /\| 1264 \(0x4f0\) .*\| k +\|/);
  });

  it('finds types in headers through corelens.json include paths', async () => {
    const decl = STATE.slice(STATE.indexOf('struct task_struct {'), STATE.indexOf('SEC('));
    const body = STATE.replace(decl, '').replace('#include <bpf/bpf_tracing.h>', '#include <bpf/bpf_tracing.h>\n#include <tasks.h>');
    const root = makeWorkspace([], { 'prog.bpf.c': body });
    fs.mkdirSync(path.join(root, 'inc'));
    fs.writeFileSync(path.join(root, 'inc', 'tasks.h'), decl);
    fs.writeFileSync(path.join(root, 'corelens.json'), JSON.stringify({ targets: [{ name: 'k', path: kernelPath('6.18-amd64') }], includePaths: ['inc'] }));
    const client = await startClient(root);
    clients.push(client);
    const uri = await open(client, root, 'prog.bpf.c', body);
    const diags = await client.diagnostics(uri, (d) => d.some((x) => x.code === 'core-missing-field'));
    assert.ok(!diags.some((x) => x.code === 'core-analysis' && /tasks\.h/.test(text(x))), 'the header was found');
  });

  it('also speaks LSP over node IPC', async () => {
    const child = fork(path.join(REPO_ROOT, 'server', 'bin', 'corelens.js'), ['lsp', '--node-ipc'], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
    const conn = createProtocolConnection(new IPCMessageReader(child), new IPCMessageWriter(child));
    conn.onRequest('workspace/configuration', (p: { items: unknown[] }) => p.items.map(() => ({ defaultTargets: false })));
    conn.onRequest('client/registerCapability', () => null);
    conn.listen();
    try {
      const init = await conn.sendRequest<{ serverInfo: { name: string } }>('initialize', { processId: process.pid, rootUri: null, capabilities: {} });
      assert.strictEqual(init.serverInfo.name, 'corelens');
      await conn.sendRequest('shutdown');
      await conn.sendNotification('exit');
    } finally {
      conn.dispose();
      child.kill();
    }
  });
});
