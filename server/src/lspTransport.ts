// The language server's transport, hardened: the server never goes silent, whatever bytes a client sends.
//
// vscode-jsonrpc does the framing, and on bad framing it stops for good: `Content-Length: abc`, `-5` or a missing
// length fire a reader error and leave the stream where it was (every later message, `shutdown` included, is
// lost); a huge length waits forever for a body that never comes; a body that is not JSON is dropped without the
// -32700 answer JSON-RPC asks for. It also hands requests that arrive before `initialize` to their handlers (which
// answer `null`, not LSP's -32002) and answers `null` params with -32603 (a TypeError in the handler) rather than
// -32602. Replacing its reader would also drop what vscode-languageserver does for a stdio stream (exit when stdin
// ends, console.log redirected away from the protocol), so instead the raw stdin goes through a filter stream that
// re-frames every good message and deals with the rest, and stdout through a writer that injects our own answers
// only between two of vscode-jsonrpc's messages (it writes a header and a body as two writes).
//
//   framing error (no/invalid/negative/oversized Content-Length, no header end within 8 KB): logged (stderr and
//     window/logMessage), the stream resynchronised at the next `Content-Length:` header
//   body not JSON: -32700 (id null); not a JSON-RPC message: -32600
//   request before `initialize`: -32002; notification before it: dropped (except `exit`)
//   a request whose params are missing, null or of the wrong shape: -32602; such a notification: dropped, logged

import * as net from 'net';
import { Transform, TransformCallback, Writable } from 'stream';
import {
  Connection, IPCMessageReader, IPCMessageWriter, ProposedFeatures, createConnection,
  AbstractMessageReader, DataCallback, Disposable, Message, MessageReader,
} from 'vscode-languageserver/node';
import { formatSize, limitBytes } from './util/files';

const CRLF2 = Buffer.from('\r\n\r\n');
const CL = 'content-length:';
/** A header block longer than this is garbage (real ones are ~25 bytes). */
const MAX_HEADER = 8 * 1024;

/** JSON-RPC / LSP error codes this transport answers with. */
export const RPC = { ParseError: -32700, InvalidRequest: -32600, InvalidParams: -32602, ServerNotInitialized: -32002 } as const;

/** The cap on one message body (CORELENS_MAX_MESSAGE_MB: a document is sent whole in didOpen, so twice the source cap). */
export function maxMessageBytes(): number {
  return Math.max(limitBytes('source') * 2 + 1024 * 1024, 1024 * 1024);
}

type Verdict = { pass: true } | { respond: object; log?: string } | { drop: string };

/** What the server needs of each request's params; anything else is -32602 (a handler would only crash on it). */
const PARAM_SHAPES: Record<string, (p: Record<string, unknown>) => boolean> = {
  initialize: (p) => typeof p.capabilities === 'object' && p.capabilities !== null,
  'textDocument/hover': (p) => hasUri(p.textDocument) && isPosition(p.position),
  'textDocument/inlayHint': (p) => hasUri(p.textDocument) && isRange(p.range),
  'textDocument/codeLens': (p) => hasUri(p.textDocument),
  'textDocument/codeAction': (p) => hasUri(p.textDocument) && isRange(p.range) && typeof p.context === 'object' && p.context !== null
    && Array.isArray((p.context as { diagnostics?: unknown }).diagnostics),
  'textDocument/didOpen': (p) => hasUri(p.textDocument) && typeof (p.textDocument as { text?: unknown }).text === 'string',
  'textDocument/didChange': (p) => hasUri(p.textDocument) && Array.isArray(p.contentChanges),
  'textDocument/didClose': (p) => hasUri(p.textDocument),
  'workspace/didChangeWatchedFiles': (p) => Array.isArray(p.changes),
};

function hasUri(d: unknown): boolean {
  return typeof d === 'object' && d !== null && typeof (d as { uri?: unknown }).uri === 'string';
}
function isPosition(x: unknown): boolean {
  const p = x as { line?: unknown; character?: unknown } | null;
  return typeof p === 'object' && p !== null && Number.isInteger(p.line) && Number.isInteger(p.character);
}
function isRange(x: unknown): boolean {
  const r = x as { start?: unknown; end?: unknown } | null;
  return typeof r === 'object' && r !== null && isPosition(r.start) && isPosition(r.end);
}

/** Decides per message, in order: the LSP life cycle (initialize first) and the shape of params. */
export class MessageGate {
  /** `initialize` went through: the client may now be sent notifications (window/logMessage). */
  initialized = false;
  /** A `shutdown` request went through: exiting afterwards is orderly (exit code 0). */
  shutdown = false;

  check(msg: unknown): Verdict {
    if (typeof msg !== 'object' || msg === null || Array.isArray(msg)) {
      return { respond: errorResponse(null, RPC.InvalidRequest, 'Invalid Request: a JSON-RPC message is an object'), log: 'a message that is not a JSON object' };
    }
    const m = msg as { id?: unknown; method?: unknown; params?: unknown; result?: unknown; error?: unknown };
    const hasId = typeof m.id === 'number' || typeof m.id === 'string';
    if (typeof m.method !== 'string') {
      if (hasId && ('result' in m || 'error' in m)) return { pass: true }; // a response to one of our requests
      return { respond: errorResponse(hasId ? m.id as number | string : null, RPC.InvalidRequest, 'Invalid Request: no method'), log: 'a message without a method' };
    }
    const method = m.method;
    if (!this.initialized) {
      if (method === 'initialize' && hasId) {
        const bad = this.badParams(method, m.params);
        if (bad) return { respond: errorResponse(m.id as number | string, RPC.InvalidParams, bad) };
        this.initialized = true;
        return { pass: true };
      }
      if (method === 'exit') return { pass: true };
      if (hasId) return { respond: errorResponse(m.id as number | string, RPC.ServerNotInitialized, `the server is not initialized: "${clipText(method)}" before "initialize"`) };
      return { drop: `notification "${clipText(method)}" before "initialize" dropped` };
    }
    if (method === 'shutdown') this.shutdown = true;
    const bad = this.badParams(method, m.params);
    if (bad) {
      if (hasId) return { respond: errorResponse(m.id as number | string, RPC.InvalidParams, bad), log: bad };
      return { drop: bad };
    }
    return { pass: true };
  }

  private badParams(method: string, params: unknown): string | undefined {
    const shape = PARAM_SHAPES[method];
    if (!shape) return undefined;
    if (typeof params !== 'object' || params === null || Array.isArray(params)) {
      return `Invalid params: "${method}" needs an object, got ${params === null ? 'null' : Array.isArray(params) ? 'a list' : typeof params}`;
    }
    return shape(params as Record<string, unknown>) ? undefined : `Invalid params: "${method}" params lack required fields`;
  }
}

function errorResponse(id: number | string | null, code: number, message: string): object {
  return { jsonrpc: '2.0', id, error: { code, message } };
}

function clipText(s: string, max = 100): string {
  return s.length > max ? `${s.slice(0, max)}…` : s;
}

/** A JSON-RPC message as its wire bytes. */
export function frame(msg: object): Buffer {
  const body = Buffer.from(JSON.stringify(msg), 'utf8');
  return Buffer.concat([Buffer.from(`Content-Length: ${body.length}\r\n\r\n`, 'ascii'), body]);
}

/**
 * stdout for vscode-jsonrpc, plus `inject(bytes)` for our own messages: vscode-jsonrpc writes a header, waits, then
 * writes the body, so an answer written straight to stdout could land in between. This writer follows the frames
 * it passes on and lets injected ones through only at a frame boundary.
 */
export class FrameAwareOutput extends Writable {
  private remaining = 0; // body bytes still to come of the frame being written
  private header = '';
  private readonly queue: Buffer[] = [];

  constructor(private readonly out: NodeJS.WritableStream) {
    super();
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, done: (e?: Error | null) => void): void {
    let at = 0;
    while (at < chunk.length) {
      if (this.remaining > 0) {
        const n = Math.min(this.remaining, chunk.length - at);
        this.remaining -= n;
        at += n;
        continue;
      }
      // in a header: read up to its blank line
      const text = chunk.subarray(at).toString('latin1');
      const end = (this.header + text).indexOf('\r\n\r\n');
      if (end < 0) {
        this.header += text;
        at = chunk.length;
        break;
      }
      const used = end + 4 - this.header.length;
      const m = /content-length:\s*(\d+)/i.exec(this.header + text.slice(0, used));
      this.header = '';
      this.remaining = m ? Number(m[1]) : 0;
      at += used;
    }
    this.out.write(chunk, (e) => {
      if (this.remaining === 0 && !this.header) this.flushQueue();
      done(e ?? null);
    });
  }

  /** Writes a whole frame of ours as soon as no frame of vscode-jsonrpc's is half written. */
  inject(bytes: Buffer): void {
    if (this.remaining === 0 && !this.header && this.writableLength === 0) this.out.write(bytes);
    else this.queue.push(bytes);
  }

  private flushQueue(): void {
    while (this.queue.length) this.out.write(this.queue.shift()!);
  }
}

export interface FilterHooks {
  /** Sends a message of ours to the client (an error answer, a log message). */
  send(msg: object): void;
  /** Records a transport problem (stderr; the caller may also tell the client). */
  log(problem: string): void;
}

/**
 * The byte stream from the client, re-framed: every well-formed, admissible message passes unchanged (with a fresh,
 * correct header); framing errors are logged and skipped up to the next `Content-Length:` header; bodies that are
 * not JSON or not admissible (MessageGate) are answered as JSON-RPC says. Memory is bounded by the message cap.
 */
export class FramingFilter extends Transform {
  private buf: Buffer = Buffer.alloc(0);
  /** Chunks of a long body still arriving: joined once, when complete (joining per chunk is quadratic). */
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private bodyLength = -1; // -1: reading a header
  readonly gate = new MessageGate();

  constructor(private readonly hooks: FilterHooks, private readonly maxBody = maxMessageBytes()) {
    super();
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    if (this.bodyLength >= 0 && this.buf.length + this.pendingBytes + chunk.length < this.bodyLength) {
      this.pending.push(chunk);
      this.pendingBytes += chunk.length;
      done();
      return;
    }
    this.buf = Buffer.concat([this.buf, ...this.pending, chunk]);
    this.pending = [];
    this.pendingBytes = 0;
    try {
      this.drain();
    } catch (e) {
      this.hooks.log(`transport: ${(e as Error).message}`);
      this.buf = Buffer.alloc(0);
      this.bodyLength = -1;
    }
    done();
  }

  private drain(): void {
    for (;;) {
      if (this.bodyLength < 0) {
        const end = this.buf.indexOf(CRLF2);
        if (end < 0) {
          if (this.buf.length > MAX_HEADER) this.resync(`no end of header within ${MAX_HEADER} bytes`);
          return;
        }
        if (end > MAX_HEADER) {
          this.resync(`a header of ${end} bytes`);
          continue;
        }
        const header = this.buf.subarray(0, end).toString('latin1');
        this.buf = this.buf.subarray(end + 4);
        const len = this.contentLength(header);
        if (typeof len === 'string') {
          this.resync(len);
          continue;
        }
        this.bodyLength = len;
      }
      if (this.buf.length < this.bodyLength) return;
      const body = this.buf.subarray(0, this.bodyLength);
      this.buf = this.buf.subarray(this.bodyLength);
      this.bodyLength = -1;
      this.message(body);
    }
  }

  /** The header's Content-Length, or why it has none usable. */
  private contentLength(header: string): number | string {
    let value: string | undefined;
    for (const line of header.split('\r\n')) {
      const colon = line.indexOf(':');
      if (colon < 0) return `a header line without ":" (${JSON.stringify(clipText(line, 60))})`;
      if (line.slice(0, colon).trim().toLowerCase() === 'content-length') value = line.slice(colon + 1).trim();
    }
    if (value === undefined) return 'a header without Content-Length';
    if (!/^\d+$/.test(value)) return `Content-Length ${JSON.stringify(clipText(value, 40))} is not a byte count`;
    const n = Number(value);
    if (n > this.maxBody) return `Content-Length ${clipText(value, 40)} is over the ${formatSize(this.maxBody)} message limit (CORELENS_MAX_SOURCE_MB raises it)`;
    return n;
  }

  /** Logs a framing problem and skips to the next `Content-Length:` header. */
  private resync(problem: string): void {
    this.hooks.log(`transport: ${problem}; skipping to the next message header`);
    const at = nextHeader(this.buf, 1);
    // no header in sight: keep only a tail that may be the start of one split across chunks
    this.buf = at < 0 ? this.buf.subarray(this.buf.length - headerPrefixTail(this.buf)) : this.buf.subarray(at);
    this.bodyLength = -1;
  }

  private message(body: Buffer): void {
    let msg: unknown;
    try {
      msg = JSON.parse(body.toString('utf8'));
    } catch (e) {
      this.hooks.log(`transport: a message body that is not JSON (${clipText((e as Error).message, 100)})`);
      this.hooks.send(errorResponse(null, RPC.ParseError, `Parse error: ${clipText((e as Error).message, 200)}`));
      return;
    }
    const v = this.gate.check(msg);
    if ('pass' in v) {
      this.push(Buffer.concat([Buffer.from(`Content-Length: ${body.length}\r\n\r\n`, 'ascii'), body]));
    } else if ('respond' in v) {
      if (v.log) this.hooks.log(`transport: ${v.log}`);
      this.hooks.send(v.respond);
    } else this.hooks.log(`transport: ${v.drop}`);
  }
}

/** Length of the longest tail of `buf` that begins `Content-Length:` (any case), so a header split across reads survives. */
function headerPrefixTail(buf: Buffer): number {
  const tail = buf.subarray(Math.max(0, buf.length - (CL.length - 1))).toString('latin1').toLowerCase();
  for (let k = tail.length; k > 0; k--) if (CL.startsWith(tail.slice(tail.length - k))) return k;
  return 0;
}

/** Position of the next `Content-Length:` header (as clients spell it, or lower case) at or after `from`, or -1. */
function nextHeader(buf: Buffer, from: number): number {
  const a = buf.indexOf('Content-Length:', from, 'latin1');
  const b = buf.indexOf('content-length:', from, 'latin1');
  return a < 0 ? b : b < 0 ? a : Math.min(a, b);
}

/** A reader that applies the MessageGate to an IPC channel (no framing there, but the same life-cycle rules). */
class GatedReader extends AbstractMessageReader implements MessageReader {
  readonly gate = new MessageGate();
  constructor(private readonly inner: MessageReader, private readonly hooks: FilterHooks) {
    super();
    inner.onError((e) => this.fireError(e));
    inner.onClose(() => this.fireClose());
  }

  listen(callback: DataCallback): Disposable {
    return this.inner.listen((msg: Message) => {
      const v = this.gate.check(msg);
      if ('pass' in v) callback(msg);
      else if ('respond' in v) {
        if (v.log) this.hooks.log(`transport: ${v.log}`);
        this.hooks.send(v.respond);
      } else this.hooks.log(`transport: ${v.drop}`);
    });
  }
}

/**
 * The connection `corelens lsp` serves on: stdio through the framing filter, node-ipc through the gate, other
 * transports (--socket, --pipe) as vscode-languageserver sets them up.
 */
export function createServerConnection(argv: readonly string[] = process.argv): Connection {
  // transport problems go to stderr at once, and to the client's log once the connection exists
  let connection: Connection | undefined;
  let gate: MessageGate | undefined;
  const log = (problem: string) => {
    process.stderr.write(`corelens: ${problem}\n`);
    // LSP forbids notifications before initialize: until then, stderr only
    if (gate?.initialized) connection?.console.error(`corelens: ${problem}`);
  };
  if (argv.includes('--stdio')) {
    const output = new FrameAwareOutput(process.stdout);
    const input = new FramingFilter({ send: (m) => output.inject(frame(m)), log });
    gate = input.gate;
    process.stdin.pipe(input);
    // vscode-languageserver exits when its input stream ends (stdin closed); the filter ends with stdin
    process.stdin.on('error', () => input.end());
    connection = createConnection(ProposedFeatures.all, input, output);
    return connection;
  }
  if (argv.includes('--node-ipc') && process.send) {
    const writer = new IPCMessageWriter(process);
    const reader = new GatedReader(new IPCMessageReader(process), { send: (m) => void writer.write(m as Message), log });
    gate = reader.gate;
    // the IPC channel closing is stdin closing: nobody is left to talk to
    process.on('disconnect', () => process.exit(reader.gate.shutdown ? 0 : 1));
    connection = createConnection(ProposedFeatures.all, reader, writer);
    return connection;
  }
  const endpoint = socketEndpoint(argv);
  if (endpoint) {
    // --socket=PORT / --pipe=NAME: the client listens, the server connects (vscode-languageclient's convention);
    // the bytes go through the same filter and writer as stdio, so a socket client gets the same hardening.
    const socket = net.createConnection(endpoint);
    const output = new FrameAwareOutput(socket);
    const input = new FramingFilter({ send: (m) => output.inject(frame(m)), log });
    gate = input.gate;
    socket.pipe(input);
    socket.on('error', (e) => {
      log(`transport: ${'port' in endpoint ? `port ${endpoint.port}` : endpoint.path}: ${e.message}`);
      input.end();
    });
    // the client going away is stdin closing: nobody is left to talk to
    socket.on('close', () => process.exit(input.gate.shutdown ? 0 : 1));
    connection = createConnection(ProposedFeatures.all, input, output);
    return connection;
  }
  connection = createConnection(ProposedFeatures.all);
  return connection;
}

/** `--socket=PORT` / `--pipe=NAME` from the command line, as vscode-languageserver spells them. */
function socketEndpoint(argv: readonly string[]): { port: number; host: string } | { path: string } | undefined {
  const value = (name: string): string | undefined => {
    for (let i = 0; i < argv.length; i++) {
      const a = argv[i]!;
      if (a.startsWith(`${name}=`)) return a.slice(name.length + 1);
      if (a === name) return argv[i + 1];
    }
    return undefined;
  };
  const port = value('--socket');
  if (port !== undefined) {
    const n = Number(port);
    if (!Number.isInteger(n) || n <= 0 || n > 65535) throw new Error(`--socket ${port}: not a port number`);
    return { port: n, host: '127.0.0.1' };
  }
  const pipe = value('--pipe');
  return pipe ? { path: pipe } : undefined;
}
