// The server's targets as an editor sees them: loaded once per configuration (a settings echo reloads nothing, a
// status asked for during the load answers once loaded), one analysis per arch merged into one set of diagnostics,
// and BTFHub fleets from corelens.json read from the cache, picking up what `corelens targets fetch` adds.

import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { pathToFileURL } from 'url';
import { main } from '../../src/cli/main';
import { ServerStatus } from '../../src/status';
import { buildArchive } from '../support/btfhub';
import { TestClient, startClient } from '../support/lspClient';
import { FIXTURES, kernelPath } from '../support/paths';

const STATE = fs.readFileSync(path.join(FIXTURES, 'lsp', 'state.bpf.c'), 'utf8');

function workspace(tmp: string, name: string, config: unknown): string {
  const root = path.join(tmp, name);
  fs.mkdirSync(root, { recursive: true });
  fs.writeFileSync(path.join(root, 'corelens.json'), JSON.stringify(config, null, 2));
  fs.writeFileSync(path.join(root, 'state.bpf.c'), STATE);
  return root;
}

async function open(c: TestClient, root: string): Promise<string> {
  const uri = pathToFileURL(path.join(root, 'state.bpf.c')).toString();
  await c.conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'c', version: 1, text: STATE } });
  return uri;
}

/** How long to wait for the server on a machine other jobs keep busy: never a timing assertion, only a bound. */
const SLOW = 150_000;

/** A diagnostic's text (the protocol allows markup there too). */
const text = (d: { message: string | { value: string } }) => (typeof d.message === 'string' ? d.message : d.message.value);

async function until<T>(what: string, f: () => Promise<T | undefined> | T | undefined, ms = 60_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('language server targets: load once, arches merged, BTFHub fleets', function () {
  this.timeout(600_000);
  let tmp: string;
  let client: TestClient | undefined;
  before(() => { tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'corelens-lsp-targets-')); });
  afterEach(async () => {
    await client?.stop();
    client = undefined;
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('loads the targets once: a configuration echo right after start reloads nothing; a status asked meanwhile answers "loaded"', async () => {
    const root = workspace(tmp, 'once', { targets: [{ name: '6.1-amd64', path: kernelPath('6.1-amd64') }, { name: '6.18-amd64', path: kernelPath('6.18-amd64') }] });
    client = await startClient(root, {}, undefined, { env: { CORELENS_CACHE: path.join(tmp, 'cache-once') } });
    // What VS Code does right after registering for configuration changes: an empty didChangeConfiguration.
    await client.conn.sendNotification('workspace/didChangeConfiguration', { settings: null });
    const status = await client.conn.sendRequest<ServerStatus>('corelens/status');
    assert.deepStrictEqual(status.targets.map((t) => [t.name, t.state, t.arch]), [['6.1-amd64', 'loaded', 'x86_64'], ['6.18-amd64', 'loaded', 'x86_64']]);
    const uri = await open(client, root);
    await client.diagnostics(uri, (d) => d.some((x) => x.code === 'core-missing-field'), SLOW);
    await client.conn.sendNotification('workspace/didChangeConfiguration', { settings: null });
    await client.conn.sendRequest('corelens/status');
    assert.strictEqual(client.logs.filter((l) => /targets loaded/.test(l)).length, 1, client.logs.join('\n'));
  });

  it('x86_64 and arm64 targets: one analysis per arch, merged: one diagnostic and one hover over every target', async () => {
    const root = workspace(tmp, 'arches', { targets: ['5.10-amd64', '6.1-amd64', '5.10-arm64', '6.1-arm64'].map((k) => ({ name: k, path: kernelPath(k) })) });
    client = await startClient(root, {}, undefined, { env: { CORELENS_CACHE: path.join(tmp, 'cache-arches') } });
    const uri = await open(client, root);
    const d = await client.diagnostics(uri, (x) => x.some((y) => y.code === 'core-missing-field'), SLOW);
    const state = d.filter((x) => x.code === 'core-missing-field');
    assert.strictEqual(state.length, 1, JSON.stringify(state));
    assert.match(text(state[0]!), /`task_struct::state` does not exist on 6\.1-amd64, 6\.1-arm64/);
    const line = STATE.split('\n').findIndex((l) => l.includes('BPF_CORE_READ(prev, pid)'));
    const hover = await client.conn.sendRequest<{ contents: { value: string } }>('textDocument/hover', {
      textDocument: { uri }, position: { line, character: STATE.split('\n')[line]!.indexOf('pid);') + 1 },
    });
    // One hover over both arches: each kernel's offset, with the kernel named on its row.
    for (const [off, k] of [[2232, '5.10-amd64'], [2416, '6.1-amd64'], [1304, '5.10-arm64'], [1352, '6.1-arm64']] as const) {
      assert.match(hover.contents.value, new RegExp(`\\| ${off} \\(0x[0-9a-f]+\\) .*\\| ${k} +\\|`), `${k} at ${off} in\n${hover.contents.value}`);
    }
    const status = await client.conn.sendRequest<ServerStatus>('corelens/status');
    assert.deepStrictEqual(status.targets.map((t) => [t.name, t.arch, t.origin]), [
      ['5.10-amd64', 'x86_64', 'config'], ['6.1-amd64', 'x86_64', 'config'], ['5.10-arm64', 'arm64', 'config'], ['6.1-arm64', 'arm64', 'config']]);
  });

  it('a kprobe on x86_64 and arm64 kernels: di where x86 reads it, regs[0] where arm64 does, no register "missing"', async () => {
    // Both arches' register structs, as a per-arch vmlinux.h would give them; bpf_tracing.h picks by __TARGET_ARCH_*.
    const prog = `typedef unsigned long long __u64;
#define __VMLINUX_H__ 1
struct pt_regs { unsigned long di, si, dx, cx, r8, ax, sp, ip; } __attribute__((preserve_access_index));
struct user_pt_regs { __u64 regs[31]; __u64 sp, pc, pstate; } __attribute__((preserve_access_index));
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
SEC("kprobe/do_unlinkat")
int BPF_KPROBE(do_unlinkat, int dfd, void *name)
{
	return dfd;
}
char LICENSE[] SEC("license") = "GPL";
`;
    const root = workspace(tmp, 'kprobe', { targets: ['6.1-amd64', '6.1-arm64'].map((k) => ({ name: k, path: kernelPath(k) })) });
    fs.writeFileSync(path.join(root, 'state.bpf.c'), prog);
    client = await startClient(root, {}, undefined, { env: { CORELENS_CACHE: path.join(tmp, 'cache-kprobe') } });
    const uri = pathToFileURL(path.join(root, 'state.bpf.c')).toString();
    await client.conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'c', version: 1, text: prog } });
    const d = await client.diagnostics(uri, () => true, SLOW);
    assert.deepStrictEqual(d.filter((x) => x.code !== 'core-analysis').map(text), [], 'no register reported missing on either arch');
    const line = prog.split('\n').findIndex((l) => l.startsWith('int BPF_KPROBE'));
    const hints = await client.conn.sendRequest<{ label: string; tooltip: string }[]>('textDocument/inlayHint', {
      textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: { line: 20, character: 0 } },
    });
    const at = hints.map((h) => `${h.label} ${h.tooltip.replace(/\n/g, ' ')}`).join('\n');
    // Each arch's register, on that arch's kernel only.
    assert.match(at, /@112 pt_regs::di offset per target 112: 6\.1-amd64$/m, at);
    assert.match(at, /@0 user_pt_regs::regs\[0\] offset per target 0: 6\.1-arm64$/m, at);
    assert.ok(line > 0);
  });

  it('a stated kernel config that cannot be read: a problem on its target\'s line in corelens.json, the target still loads', async () => {
    const root = path.join(tmp, 'kconfig');
    fs.mkdirSync(root, { recursive: true });
    fs.writeFileSync(path.join(root, 'cut.config.gz'), Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0x01, 0x02]));
    const cfgFile = path.join(root, 'corelens.json');
    fs.writeFileSync(cfgFile, JSON.stringify({ targets: [
      { name: 'plain', path: kernelPath('6.1-amd64') },
      { name: 'cut', path: kernelPath('6.18-amd64'), kernel: '6.18.0-1-amd64', kconfig: 'cut.config.gz' },
    ] }, null, 2));
    fs.writeFileSync(path.join(root, 'state.bpf.c'), STATE);
    client = await startClient(root);
    await open(client, root);
    const problems = await client.diagnostics(pathToFileURL(cfgFile).toString(), (d) => d.some((x) => /cut\.config\.gz/.test(text(x))), SLOW);
    assert.strictEqual(problems.length, 1, JSON.stringify(problems));
    assert.match(text(problems[0]!), /^target cut: kernel config \S+cut\.config\.gz: not a kernel config: gzip data that does not decompress .*; its CONFIG_\* values stay unknown$/);
    const line = fs.readFileSync(cfgFile, 'utf8').split('\n').findIndex((l) => l.includes('"cut"'));
    assert.strictEqual(problems[0]!.range.start.line, line, 'on the target\'s line');
    const status = await until('targets loaded', async () => {
      const st = await client!.conn.sendRequest<ServerStatus>('corelens/status');
      return st.targets.every((t) => t.state === 'loaded') ? st : undefined;
    }, SLOW);
    assert.deepStrictEqual(status.targets.map((t) => t.name).sort(), ['cut', 'plain']);
  });

  it('a corelens.json BTFHub fleet: cached kernels are targets, missing ones a problem naming the fetch command, a fetch is picked up', async () => {
    const archive = buildArchive(path.join(tmp, 'hub'));
    const cache = path.join(tmp, 'cache-hub');
    const quiet = { out: () => undefined, err: () => undefined };
    assert.strictEqual(await main(['targets', 'fetch', '--source', archive, '--cache', cache, 'debian/12/x86_64'], quiet), 0);
    const root = workspace(tmp, 'fleet', { btfhub: { source: archive, select: [{ distro: 'debian', arch: 'x86_64' }] } });
    client = await startClient(root, {}, undefined, { env: { CORELENS_CACHE: cache } });
    const uri = await open(client, root);
    const cfg = pathToFileURL(path.join(root, 'corelens.json')).toString();
    const problems = await client.diagnostics(cfg, (d) => d.some((x) => /not cached/.test(text(x))), SLOW);
    assert.match(text(problems[0]!), /btfhub: 2 kernels of debian\/x86_64 are not cached \(5\.10\.0-32-amd64, 6\.12\.0-1-amd64\): run `corelens targets fetch --source \S+ --distro debian --arch x86_64`/);
    assert.strictEqual(problems[0]!.range.start.line, 1, 'on the "btfhub" line');
    const before = await client.conn.sendRequest<ServerStatus>('corelens/status');
    assert.deepStrictEqual(before.targets.map((t) => [t.name, t.origin, t.distro, t.release, t.arch]), [
      ['debian/12/x86_64/6.1.0-50-amd64', 'btfhub', 'debian', '12', 'x86_64'], ['debian/12/x86_64/6.1.0-50-rt-amd64', 'btfhub', 'debian', '12', 'x86_64']]);
    await client.diagnostics(uri, (d) => d.some((x) => /does not exist on every target \(2\)/.test(text(x))), SLOW);

    // `corelens targets fetch` in a terminal: the server sees the cache change and loads the new kernels.
    assert.strictEqual(await main(['targets', 'fetch', '--config', path.join(root, 'corelens.json'), '--cache', cache], quiet), 0);
    const after = await until('four fleet targets', async () => {
      const s = await client!.conn.sendRequest<ServerStatus>('corelens/status');
      return s.targets.length === 4 ? s : undefined;
    }, SLOW);
    assert.ok(after.targets.every((t) => t.state === 'loaded'));
    // The findings now name the new kernels (in data.targets; the message summarises a set this long).
    const targetsOf = (x: { code?: unknown; data?: unknown }) => (x.code === 'core-missing-field' ? [...((x.data as { targets?: string[] }).targets ?? [])].sort().join(' ') : '');
    const want = ['debian/12/x86_64/6.1.0-50-amd64', 'debian/12/x86_64/6.1.0-50-rt-amd64', 'debian/13/x86_64/6.12.0-1-amd64'].join(' ');
    await client.diagnostics(uri, (x) => x.some((y) => targetsOf(y) === want), SLOW);
    await client.diagnostics(cfg, (x) => x.length === 0, SLOW);
  });
});
