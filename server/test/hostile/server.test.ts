// The language server never goes silent (issue 17 rows 1, 2, 3, 5, 12 in the server, and the protocol items):
// raw bytes go to `corelens lsp --stdio`, so broken framing can be sent exactly as a hostile client would.

import * as assert from 'assert';
import { execFileSync, fork, spawn, spawnSync } from 'child_process';
import * as net from 'net';
import * as fs from 'fs';
import * as path from 'path';
import { pathToFileURL } from 'url';
import { FramingFilter, FrameAwareOutput, frame } from '../../src/lspTransport';
import { openBtfFile } from '../../src/btf/open';
import { CORELENS_BIN, tempDir } from '../support/bounded';
import { Msg, RawServer } from '../support/rawLsp';
import { FIXTURES, kernelPath } from '../support/paths';

const HEADER = `#include "fixture.h"\nstruct task_struct { int pid; } __attribute__((preserve_access_index));\n`;

describe('the language server never goes silent (issue 17)', function () {
  this.timeout(300_000);
  let tmp: ReturnType<typeof tempDir>;
  const servers: RawServer[] = [];
  const start = (cwd = tmp.dir, env: NodeJS.ProcessEnv = {}) => {
    const s = new RawServer(cwd, env);
    servers.push(s);
    return s;
  };
  before(() => {
    tmp = tempDir('hostile-lsp');
    fs.copyFileSync(path.join(FIXTURES, 'programs', 'fixture.h'), path.join(tmp.dir, 'fixture.h'));
  });
  afterEach(() => { for (const s of servers.splice(0)) s.kill(); });
  after(() => tmp.cleanup());

  describe('row 5: broken framing is logged and the stream resynchronised; shutdown is still answered', () => {
    const cases: [string, string][] = [
      ['Content-Length: abc', 'Content-Length: abc\r\n\r\n{"jsonrpc":"2.0","id":5,"method":"shutdown"}'],
      ['Content-Length: -5', 'Content-Length: -5\r\n\r\n{"jsonrpc":"2.0","id":5,"method":"shutdown"}'],
      ['a huge Content-Length', 'Content-Length: 99999999999\r\n\r\n{"jsonrpc":"2.0","id":5,"method":"shutdown"}'],
      ['no Content-Length', 'Content-Type: application/vscode-jsonrpc\r\n\r\n{"jsonrpc":"2.0","id":5,"method":"shutdown"}'],
      ['a header line without a colon', 'Content-Length 12\r\n\r\n{"x":1}'],
      ['16 KB of garbage without a header end', 'x'.repeat(16 * 1024)],
    ];
    for (const [label, bytes] of cases) {
      it(label, async () => {
        const s = start();
        await s.initialize(tmp.dir);
        s.raw(bytes);
        s.send({ id: 2, method: 'shutdown' });
        assert.strictEqual((await s.response(2)).result, null);
        assert.match(s.stderr, /corelens: transport: .*skipping to the next message header/);
        s.send({ method: 'exit' });
        assert.strictEqual((await s.exited()).code, 0);
      });
    }

    it('a header split across writes, byte by byte, still works', async () => {
      const s = start();
      for (const b of frame({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { processId: null, rootUri: null, capabilities: {} } })) s.raw(Buffer.from([b]));
      assert.ok((await s.response(1)).result);
    });
  });

  describe('--socket and --pipe get the same filter as stdio', () => {
    // The client listens and the server connects to it (vscode-languageclient's socket and pipe transports).
    const overSocket = async (listenOn: number | string, serverArg: (addr: net.AddressInfo | string) => string) => {
      const srv = net.createServer();
      await new Promise<void>((r) => srv.listen(listenOn, r));
      const addr = srv.address()!;
      const conn = new Promise<net.Socket>((r) => srv.once('connection', r));
      const child = spawn(process.execPath, [CORELENS_BIN, 'lsp', serverArg(addr)], { cwd: tmp.dir, stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      child.stderr!.on('data', (c: Buffer) => { stderr += c.toString(); });
      const exited = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
      try {
        const sock = await conn;
        let got = '';
        sock.on('data', (c: Buffer) => { got += c.toString(); });
        const answered = (id: number) => new Promise<void>((resolve, reject) => {
          const t0 = Date.now();
          const poll = () => (new RegExp(`"id":${id}[,}]`).test(got) ? resolve() : Date.now() - t0 > 60_000 ? reject(new Error(`no answer ${id}: ${got.slice(0, 500)}`)) : setTimeout(poll, 20));
          poll();
        });
        sock.write('Content-Length: abc\r\n\r\n{"jsonrpc":"2.0","id":9,"method":"shutdown"}');
        sock.write(frame({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { processId: null, rootUri: null, capabilities: {} } }));
        await answered(1);
        sock.write(frame({ jsonrpc: '2.0', id: 2, method: 'shutdown' }));
        await answered(2);
        sock.write(frame({ jsonrpc: '2.0', method: 'exit' }));
        assert.strictEqual(await exited, 0);
        assert.match(stderr, /corelens: transport: .*skipping to the next message header/);
      } finally {
        child.kill();
        srv.close();
      }
    };

    it('--socket=PORT: broken framing is skipped, initialize and shutdown answered, exit 0', async () => {
      await overSocket(0, (a) => `--socket=${(a as net.AddressInfo).port}`);
    });

    it('--pipe=PATH: the same over a Unix socket', async () => {
      await overSocket(path.join(tmp.dir, 'lsp.sock'), (a) => `--pipe=${a as string}`);
    });
  });

  describe('protocol errors are answered as JSON-RPC and LSP say', () => {
    it('a body that is not JSON: -32700 (id null); a message that is not an object: -32600', async () => {
      const s = start();
      await s.initialize(tmp.dir);
      s.raw('Content-Length: 5\r\n\r\n{oops');
      assert.strictEqual((await s.waitFor((m) => m.error?.code === -32700, 'a -32700 answer')).id, null);
      s.raw(frame([1, 2, 3] as unknown as object));
      await s.waitFor((m) => m.error?.code === -32600, 'a -32600 answer');
      s.send({ id: 3, method: 'shutdown' });
      await s.response(3);
    });

    it('requests before initialize: -32002; notifications dropped; exit still exits', async () => {
      const s = start();
      s.send({ id: 7, method: 'textDocument/hover', params: { textDocument: { uri: 'file:///x.c' }, position: { line: 0, character: 0 } } });
      s.send({ method: 'textDocument/didOpen', params: { textDocument: { uri: 'file:///x.c', languageId: 'c', version: 1, text: 'int x;' } } });
      s.send({ id: 8, method: 'shutdown' });
      assert.strictEqual((await s.response(7)).error?.code, -32002);
      assert.strictEqual((await s.response(8)).error?.code, -32002);
      s.send({ method: 'exit' });
      await s.exited();
    });

    it('null or malformed params: -32602, and the server keeps answering', async () => {
      const s = start();
      await s.initialize(tmp.dir);
      let id = 10;
      for (const [method, params] of [['textDocument/hover', null], ['textDocument/inlayHint', null], ['textDocument/codeLens', null],
        ['textDocument/codeAction', null], ['textDocument/hover', { textDocument: {} }], ['textDocument/hover', [1]]] as const) {
        s.send({ id: ++id, method, params });
        assert.strictEqual((await s.response(id)).error?.code, -32602, `${method} ${JSON.stringify(params)}`);
      }
      s.send({ method: 'textDocument/didOpen', params: null });
      s.send({ id: 99, method: 'shutdown' });
      assert.strictEqual((await s.response(99)).result, null);
    });
  });

  describe('row 3: FIFOs and devices in the workspace never freeze the server', () => {
    it('corelens.json is a FIFO: the server answers, analyses documents, and exits on exit', async () => {
      const ws = path.join(tmp.dir, 'fifo-config');
      fs.mkdirSync(ws);
      fs.copyFileSync(path.join(FIXTURES, 'programs', 'fixture.h'), path.join(ws, 'fixture.h'));
      execFileSync('mkfifo', [path.join(ws, 'corelens.json')]);
      const s = start(ws);
      await s.initialize(ws, { defaultTargets: true });
      const uri = pathToFileURL(path.join(ws, 'p.bpf.c')).toString();
      s.send({ method: 'textDocument/didOpen', params: { textDocument: { uri, languageId: 'c', version: 1, text: `${HEADER}int f(struct task_struct *t) { return t->pid; }\n` } } });
      await s.waitFor((m) => m.method === 'textDocument/publishDiagnostics' && (m.params as { uri: string }).uri === uri, 'diagnostics for the document');
      const cfg = await s.waitFor((m) => m.method === 'textDocument/publishDiagnostics' && /corelens\.json$/.test((m.params as { uri: string }).uri)
        && (m.params as { diagnostics: unknown[] }).diagnostics.length > 0, 'a diagnostic on corelens.json');
      assert.match(JSON.stringify(cfg.params), /named pipe \(FIFO\)/);
      s.send({ id: 2, method: 'shutdown' });
      await s.response(2);
      s.send({ method: 'exit' });
      assert.strictEqual((await s.exited()).code, 0);
    });

    it('targets that are /dev/zero, /dev/urandom or a FIFO fail one by one; the others keep working', async () => {
      const ws = path.join(tmp.dir, 'dev-targets');
      fs.mkdirSync(ws);
      fs.copyFileSync(path.join(FIXTURES, 'programs', 'fixture.h'), path.join(ws, 'fixture.h'));
      execFileSync('mkfifo', [path.join(ws, 'pipe.btf')]);
      fs.writeFileSync(path.join(ws, 'corelens.json'), JSON.stringify({ targets: [
        { name: 'zero', path: '/dev/zero' }, { name: 'rand', path: '/dev/urandom' }, { name: 'pipe', path: 'pipe.btf' }, { name: 'good', path: kernelPath('6.1-amd64') }] }));
      const s = start(ws);
      await s.initialize(ws);
      const uri = pathToFileURL(path.join(ws, 'p.bpf.c')).toString();
      s.send({ method: 'textDocument/didOpen', params: { textDocument: { uri, languageId: 'c', version: 1, text: `${HEADER}int f(struct task_struct *t) { return t->pid; }\n` } } });
      await s.waitFor((m) => m.method === 'textDocument/publishDiagnostics' && (m.params as { uri: string }).uri === uri, 'diagnostics for the document');
      for (const t of ['zero', 'rand', 'pipe']) {
        await s.waitFor((m) => m.method === 'window/showMessage' && new RegExp(`target ${t}: .*not a regular file`).test((m.params as { message: string }).message), `the failure of ${t}`);
      }
      s.send({ id: 2, method: 'corelens/status' });
      const status = (await s.response(2)).result as { targets: { name: string; state: string }[] };
      assert.deepStrictEqual(status.targets.map((t) => `${t.name}:${t.state}`), ['zero:failed', 'rand:failed', 'pipe:failed', 'good:loaded']);
    });

    it('stdin closing ends the process, without shutdown or exit', async () => {
      const s = start();
      await s.initialize(tmp.dir);
      s.proc.stdin!.end();
      assert.strictEqual((await s.exited()).code, 1);
    });

    it('a target load in progress is abandoned on exit', async () => {
      // a valid kernel BTF padded with 200 MB of zeros: a few seconds of decompression, within the caps
      const raw = await openBtfFile(kernelPath('6.1-amd64'));
      assert.ok(raw.ok);
      const ws = path.join(tmp.dir, 'slow');
      fs.mkdirSync(ws);
      const xz = spawnSync('xz', ['-0', '-T1', '-c'], { input: Buffer.concat([Buffer.from(raw.value.btf.bytes), Buffer.alloc(200 << 20)]), maxBuffer: 1 << 26 }).stdout;
      for (let i = 0; i < 4; i++) fs.writeFileSync(path.join(ws, `slow${i}.btf.xz`), xz);
      fs.writeFileSync(path.join(ws, 'corelens.json'), JSON.stringify({ targets: [0, 1, 2, 3].map((i) => ({ name: `s${i}`, path: `slow${i}.btf.xz` })) }));
      const s = start(ws);
      await s.initialize(ws);
      s.send({ id: 2, method: 'shutdown' });
      await s.response(2);
      s.send({ method: 'exit' });
      assert.strictEqual((await s.exited()).code, 0);
    });
  });

  describe('rows 1, 2 and 12 in the server: one keystroke never kills it', () => {
    it('a stray `)` in a struct body, a macro bomb and an oversized document: notes, and the server answers', async () => {
      const s = start();
      await s.initialize(tmp.dir);
      const docs: [string, string, RegExp][] = [
        ['row1.bpf.c', `${HEADER}struct x { int a; ) };\nint f(struct task_struct *t) { return t->pid; }\n`, /cannot parse member declaration near '\)'/],
        ['row12.bpf.c', `${['#define A0 x', ...Array.from({ length: 23 }, (_, i) => `#define A${i + 1} A${i} A${i}`)].join('\n')}\nint f(void) { return A23; }\n`,
          /macro 'A23' expands to more than \d+ tokens/],
        ['big.bpf.c', `int x;\n${'/* padding */\n'.repeat(700_000)}`, /not analysed: the document is \d+ MB, over the 8 MB limit for C sources/],
      ];
      let id = 10;
      for (const [name, text, note] of docs) {
        const uri = pathToFileURL(path.join(tmp.dir, name)).toString();
        s.send({ method: 'textDocument/didOpen', params: { textDocument: { uri, languageId: 'c', version: 1, text } } });
        const d = await s.waitFor((m) => m.method === 'textDocument/publishDiagnostics' && (m.params as { uri: string }).uri === uri, `diagnostics for ${name}`);
        assert.match(JSON.stringify(d.params), note);
        s.send({ id: ++id, method: 'textDocument/hover', params: { textDocument: { uri }, position: { line: 1, character: 30 } } });
        await s.response(id);
      }
      s.send({ id: 99, method: 'shutdown' });
      await s.response(99);
    });
  });

  it('over --node-ipc the same rules hold: -32002 before initialize, -32602 for null params, exit on disconnect', async () => {
    const child = fork(CORELENS_BIN, ['lsp', '--node-ipc'], { cwd: tmp.dir, stdio: ['ignore', 'ignore', 'pipe', 'ipc'], execArgv: ['--max-old-space-size=384'] });
    const got: Msg[] = [];
    child.on('message', (m) => got.push(m as Msg));
    const exited = new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
    const wait = async (id: number) => {
      for (let k = 0; k < 600 && !got.some((m) => m.id === id); k++) await new Promise((r) => setTimeout(r, 100));
      return got.find((m) => m.id === id);
    };
    child.send({ jsonrpc: '2.0', id: 1, method: 'textDocument/hover', params: { textDocument: { uri: 'file:///x.c' }, position: { line: 0, character: 0 } } });
    assert.strictEqual((await wait(1))?.error?.code, -32002);
    child.send({ jsonrpc: '2.0', id: 2, method: 'initialize', params: { processId: null, rootUri: null, capabilities: {}, initializationOptions: { settings: { defaultTargets: false } } } });
    assert.ok((await wait(2))?.result);
    child.send({ jsonrpc: '2.0', id: 3, method: 'textDocument/codeLens', params: null });
    assert.strictEqual((await wait(3))?.error?.code, -32602);
    child.disconnect();
    assert.notStrictEqual(await Promise.race([exited, new Promise((r) => setTimeout(() => r('hung'), 60_000))]), 'hung');
  });

  describe('the transport pieces on their own', () => {
    it('FramingFilter passes good frames unchanged and re-frames after garbage', async () => {
      const sent: object[] = [];
      const logs: string[] = [];
      const f = new FramingFilter({ send: (m) => sent.push(m), log: (p) => logs.push(p) });
      const out: Buffer[] = [];
      f.on('data', (c: Buffer) => out.push(c));
      const init = frame({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { capabilities: {} } });
      const a = frame({ jsonrpc: '2.0', id: 2, method: 'shutdown' });
      f.write(Buffer.concat([init, Buffer.from('Content-Length: zz\r\n\r\n{}garbage'), a]));
      f.end();
      await new Promise((r) => f.on('end', r));
      assert.strictEqual(Buffer.concat(out).toString(), Buffer.concat([init, a]).toString());
      assert.strictEqual(logs.length, 1);
      assert.deepStrictEqual(sent, []);
    });

    it('FrameAwareOutput never splits a frame with an injected one', async () => {
      const chunks: string[] = [];
      const sink = new (require('stream').Writable)({ write(c: Buffer, _e: string, cb: () => void) { chunks.push(c.toString()); setImmediate(cb); } });
      const o = new FrameAwareOutput(sink);
      const body = JSON.stringify({ jsonrpc: '2.0', id: 1, result: 'x'.repeat(100) });
      o.write(`Content-Length: ${Buffer.byteLength(body)}\r\n\r\n`);
      o.inject(frame({ jsonrpc: '2.0', id: null, error: { code: -32700, message: 'p' } }));
      await new Promise((r) => setImmediate(r));
      o.write(body);
      await new Promise((r) => o.end(r));
      const all = chunks.join('');
      assert.ok(all.startsWith(`Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}Content-Length:`), all.slice(0, 200));
    });
  });
});
