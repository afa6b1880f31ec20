// A raw LSP client for hostile tests: writes bytes as given (broken framing included) to `corelens lsp --stdio` and
// reads framed messages back; the server runs under a heap cap and reports its peak RSS when it exits.

import { ChildProcess, spawn } from 'child_process';
import { pathToFileURL } from 'url';
import { frame } from '../../src/lspTransport';
import { CORELENS_BIN, peakRssProbe } from './bounded';

export type Msg = { id?: number | string | null; method?: string; params?: unknown; result?: unknown; error?: { code: number; message: string } };

/** A client that writes raw bytes and reads framed messages; the server runs under a heap cap. */
export class RawServer {
  readonly proc: ChildProcess;
  readonly messages: Msg[] = [];
  stderr = '';
  exit?: { code: number | null; signal: NodeJS.Signals | null };
  private buf = Buffer.alloc(0);
  private waiters: (() => void)[] = [];

  private readonly probe = peakRssProbe();

  constructor(cwd: string, env: NodeJS.ProcessEnv = {}, heapMb = 384) {
    this.proc = spawn(process.execPath, [`--max-old-space-size=${heapMb}`, ...this.probe.nodeArgs, CORELENS_BIN, 'lsp', '--stdio'],
      { cwd, env: { ...process.env, ...env, ...this.probe.env }, stdio: ['pipe', 'pipe', 'pipe'] });
    this.proc.stdout!.on('data', (c: Buffer) => {
      this.buf = Buffer.concat([this.buf, c]);
      for (;;) {
        const end = this.buf.indexOf('\r\n\r\n');
        if (end < 0) break;
        const len = Number(/Content-Length: (\d+)/i.exec(this.buf.subarray(0, end).toString())?.[1]);
        if (this.buf.length < end + 4 + len) break;
        this.messages.push(JSON.parse(this.buf.subarray(end + 4, end + 4 + len).toString()) as Msg);
        this.buf = this.buf.subarray(end + 4 + len);
      }
      this.wake();
    });
    this.proc.stderr!.on('data', (c: Buffer) => { this.stderr += c.toString(); });
    this.proc.stdin!.on('error', () => undefined);
    this.proc.on('exit', (code, signal) => {
      this.exit = { code, signal };
      this.rss = this.probe.read();
      this.probe.cleanup();
      this.wake();
    });
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }

  raw(bytes: string | Buffer): void {
    this.proc.stdin!.write(bytes);
  }

  send(msg: object): void {
    this.raw(frame({ jsonrpc: '2.0', ...msg }));
  }

  /** The first message satisfying `pred`; fails after `ms` (a hang detector for a busy machine, not a speed goal). */
  async waitFor(pred: (m: Msg) => boolean, what: string, ms = 90_000): Promise<Msg> {
    const deadline = Date.now() + ms;
    for (;;) {
      const m = this.messages.find(pred);
      if (m) return m;
      if (this.exit) throw new Error(`server exited (${this.exit.code ?? this.exit.signal}) before ${what}; stderr: ${this.stderr.slice(-2000)}`);
      if (Date.now() > deadline) throw new Error(`no ${what} within ${ms} ms; stderr: ${this.stderr.slice(-2000)}`);
      await new Promise<void>((r) => { this.waiters.push(r); setTimeout(r, 500); });
    }
  }

  response(id: number): Promise<Msg> {
    return this.waitFor((m) => m.id === id && !m.method, `the response to request ${id}`);
  }

  async initialize(root: string, settings: object = { defaultTargets: false }): Promise<void> {
    this.send({ id: 1, method: 'initialize', params: { processId: null, rootUri: pathToFileURL(root).toString(), capabilities: {}, initializationOptions: { settings } } });
    await this.response(1);
    this.send({ method: 'initialized', params: {} });
  }

  async exited(ms = 60_000): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    const deadline = Date.now() + ms;
    while (!this.exit) {
      if (Date.now() > deadline) {
        this.proc.kill('SIGKILL');
        throw new Error('the server did not exit');
      }
      await new Promise<void>((r) => { this.waiters.push(r); setTimeout(r, 500); });
    }
    return this.exit;
  }

  kill(): void {
    if (!this.exit) this.proc.kill('SIGKILL');
  }

  private rss = 0;
  /** Peak RSS in MB once the server exited normally (0 when it was killed). */
  peakRssMb(): number {
    return this.rss;
  }
}
