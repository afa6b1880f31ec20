// The system `xz`, kept running: one process decompresses archive after archive, instead of one process per archive.
//
// Why: starting a process from Node forks the whole (large) process: about 10 ms of CPU per archive in a `check`
// worker, as much as everything else corelens does with a target. A long-lived `xz -dc` reads concatenated .xz
// streams from its stdin and writes their data one after the other; the output is cut back into archives by
//  - the uncompressed size each archive declares in its own index (read from its last bytes before starting), and
//  - a sentinel: after each archive, a tiny .xz stream of our own whose data is a random per-process marker. The
//    marker must come out exactly where the archive's declared size ends; xz checks every stream's index against
//    its data as it finishes it, so an archive that lies about its size makes xz fail or moves the marker, and the
//    archive is refused (the process is restarted for the archives queued behind it, which never mix with it).
// Archives whose size cannot be read this way (not .xz, several streams with odd padding) return undefined: the
// caller decompresses them as before. Memory stays bounded: the declared size is checked against the caller's cap
// before anything runs, and exactly that many bytes are ever kept.

import { ChildProcess, spawn } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { BtfError } from './errors';
import { takeBuffer } from './recycle';

/** Total uncompressed size declared by the index(es) of an .xz file, or undefined when it cannot be read. */
export function xzDeclaredSize(b: Uint8Array): number | undefined {
  let end = b.length;
  let total = 0;
  let streams = 0;
  while (end > 0) {
    // Stream padding (whole zero words) may follow a stream.
    while (end >= 4 && b[end - 1] === 0 && b[end - 2] === 0 && b[end - 3] === 0 && b[end - 4] === 0) end -= 4;
    if (end < 24) return undefined;
    const footer = end - 12;
    if (b[footer + 10] !== 0x59 || b[footer + 11] !== 0x5a) return undefined;
    const indexSize = (u32le(b, footer + 4) + 1) * 4;
    const index = footer - indexSize;
    if (index < 12 || b[index] !== 0) return undefined;
    let p = index + 1;
    const varint = (): number | undefined => {
      let v = 0;
      for (let i = 0, mul = 1; i < 9 && p < footer; i++, mul *= 128) {
        const byte = b[p++]!;
        v += (byte & 0x7f) * mul;
        if ((byte & 0x80) === 0) return v;
      }
      return undefined;
    };
    const records = varint();
    if (records === undefined) return undefined;
    let blocks = 0;
    for (let i = 0; i < records; i++) {
      const unpadded = varint();
      const uncompressed = varint();
      if (unpadded === undefined || uncompressed === undefined || p > footer) return undefined;
      blocks += Math.ceil(unpadded / 4) * 4;
      total += uncompressed;
    }
    const start = index - blocks - 12;
    if (start < 0 || b[start] !== 0xfd || b[start + 1] !== 0x37 || b[start + 2] !== 0x7a || b[start + 3] !== 0x58
      || b[start + 4] !== 0x5a || b[start + 5] !== 0) return undefined;
    end = start;
    if (++streams > 1024) return undefined;
  }
  return Number.isSafeInteger(total) ? total : undefined;
}

function u32le(b: Uint8Array, p: number): number {
  return (b[p]! | (b[p + 1]! << 8) | (b[p + 2]! << 16) | (b[p + 3]! << 24)) >>> 0;
}

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

function crc32(b: Uint8Array): number {
  let c = 0xffffffff;
  for (const x of b) c = CRC_TABLE[(c ^ x) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function le32(v: number): number[] {
  return [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff];
}

/**
 * A complete .xz stream (no integrity check, one block, LZMA2 holding `data` as one uncompressed chunk) written by
 * hand from the format specification: the sentinel that follows each archive.
 */
export function xzStoredStream(data: Uint8Array): Uint8Array {
  if (data.length === 0 || data.length > 0x10000) throw new Error('sentinel data must be 1..65536 bytes');
  const flags = [0x00, 0x00]; // check type: none
  const header = [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00, ...flags, ...le32(crc32(Uint8Array.from(flags)))];
  // Block header: size (3 → 12 bytes), flags (1 filter, no sizes), LZMA2 filter (id 0x21, 1 property byte: the
  // smallest dictionary), padding, CRC32.
  const bh = [0x02, 0x00, 0x21, 0x01, 0x00, 0x00, 0x00, 0x00];
  const blockHeader = [...bh, ...le32(crc32(Uint8Array.from(bh)))];
  // LZMA2: an uncompressed chunk with a dictionary reset (control 1), its size - 1 big-endian, the data, the end.
  const lzma2 = Buffer.concat([Uint8Array.from([0x01, ((data.length - 1) >> 8) & 0xff, (data.length - 1) & 0xff]), data, Uint8Array.from([0x00])]);
  const unpadded = blockHeader.length + lzma2.length;
  const blockPadding = new Array((4 - (unpadded % 4)) % 4).fill(0);
  const varint = (v: number) => {
    const out: number[] = [];
    while (v >= 0x80) {
      out.push((v & 0x7f) | 0x80);
      v = Math.floor(v / 128);
    }
    out.push(v);
    return out;
  };
  const idx = [0x00, ...varint(1), ...varint(unpadded), ...varint(data.length)];
  while (idx.length % 4) idx.push(0);
  const index = [...idx, ...le32(crc32(Uint8Array.from(idx)))];
  const backward = [...le32(index.length / 4 - 1), ...flags];
  const footer = [...le32(crc32(Uint8Array.from(backward))), ...backward, 0x59, 0x5a];
  return Buffer.concat([Uint8Array.from([...header, ...blockHeader]), lzma2, Uint8Array.from([...blockPadding, ...index, ...footer])]);
}

/** The marker the sentinel decompresses to: fixed text plus 16 random bytes, so no archive can forge it. */
const MARKER = Buffer.concat([Buffer.from('corelens-xz-sync'), crypto.randomBytes(16)]);
/**
 * xz writes its output 8 KiB at a time and holds back a partial buffer while it waits for more input, so the
 * sentinel's data continues after the marker with filler that pushes the marker (and the archive before it) out.
 * The filler is skipped on the way to the next archive's data.
 */
const FILLER = 0x10000 - MARKER.length;
/** How much of an archive's output the head check sees (open.ts's HEAD_BYTES, enough for every magic). */
const HEAD_CHECK_BYTES = 512;
let sentinel: Uint8Array | undefined;

interface Job {
  readonly input: Uint8Array;
  readonly size: number;
  readonly file: string;
  readonly out: Buffer;
  got: number;
  /** Looks at the first bytes once they are out; an error stops the archive there (a bomb of zeros ends early). */
  headCheck?: (head: Uint8Array) => BtfError | undefined;
  /** Hears each piece as it lands: `out` holds `got` bytes of output from its start (bytes beyond `size` are ours). */
  progress?: (out: Buffer, got: number) => void;
  readonly resolve: (b: Uint8Array) => void;
  readonly reject: (e: Error) => void;
}

/**
 * xz's standard output as a Unix socket pair made through a listening socket in a fresh private directory: our end
 * is read with net's `onread` (libuv reads into one reused buffer and calls back), the other end becomes xz's stdout.
 *
 * Why: xz writes 8 KiB at a time, so ~550 reads per kernel-sized archive. Through the child's ordinary stdout
 * stream each read allocated a 64 KiB ArrayBuffer, shrank it, wrapped it in a Buffer and went through the stream
 * machinery before our copy: in a whole-process profile of `corelens check` over 166 archives that was the largest
 * cost of ours per archive after the BTF work. With a reused buffer only the kernel's copy and ours remain.
 * Undefined when this cannot be set up (no Unix sockets, an unwritable temporary directory): the caller uses a pipe.
 */
async function socketPair(take: (chunk: Buffer, n: number) => boolean, into: (scratch: Buffer) => Uint8Array): Promise<{ ours: net.Socket; theirs: net.Socket } | undefined> {
  if (process.platform === 'win32') return undefined;
  let dir: string | undefined;
  try {
    // a directory only we can enter: nobody else can connect to the socket before we do
    dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'corelens-xz-'));
    const where = path.join(dir, 's');
    if (Buffer.byteLength(where) > 100) return undefined; // sun_path holds ~108 bytes
    const server = net.createServer({ pauseOnConnect: true });
    const theirs = new Promise<net.Socket>((resolve, reject) => {
      server.once('connection', resolve);
      server.once('error', reject);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(where, resolve);
    });
    const scratch = Buffer.allocUnsafe(READ_BUFFER);
    // (a function: asked before each read where that read should land; see XzProcess.readInto)
    const ours = net.connect({ path: where, onread: { buffer: () => into(scratch), callback: (n: number, b: Uint8Array) => take(b as Buffer, n) } });
    const connected = new Promise<void>((resolve, reject) => {
      ours.once('connect', resolve);
      ours.once('error', reject);
    });
    try {
      const [t] = await Promise.all([theirs, connected]);
      return { ours, theirs: t };
    } catch (e) {
      ours.destroy();
      throw e;
    } finally {
      // (libuv removes the socket file when the server closes)
      server.close();
    }
  } catch {
    return undefined;
  } finally {
    if (dir) await fs.promises.rm(dir, { recursive: true, force: true }).catch(() => undefined);
  }
}

/** Bytes one read of xz's output may take (it writes 8 KiB at a time; a backlog drains in one read). */
const READ_BUFFER = 256 * 1024;
/**
 * A read smaller than this, with an archive still coming, pauses our end for READ_PAUSE_MS so that xz's output
 * gathers in the socket's buffer (~200 KB) and the next read takes it in one go. Why: xz writes 8 KiB at a time, and
 * a reader that wakes for every write pays ~550 wake-ups per kernel-sized archive (epoll, read, a context switch, a
 * JavaScript callback each): in a CPU profile of `check` cold that was more of the worker's time than the BTF record
 * walk. While we sleep xz keeps decompressing (and blocks only when the buffer is full); CORELENS_XZ_EAGER=1 reads at
 * every write as before.
 */
const SMALL_READ = 64 * 1024;
const READ_PAUSE_MS = 2;

/** One long-lived `xz -dc`: jobs go in order; output is framed by declared sizes and checked by the marker. */
class XzProcess {
  private child?: ChildProcess;
  /** Our end of xz's stdout when it is a socket pair (else xz's stdout is a pipe, child.stdout). */
  private reader?: net.Socket;
  /** Writes for xz's stdin made before it runs (the socket pair is set up first). */
  private queued: Uint8Array[] = [];
  private ending = false;
  /** Resolves once xz has exited and all of its output has been read. */
  private readonly closed: Promise<void>;
  private readonly jobs: Job[] = [];
  /** Filler bytes of finished archives still to come before the next archive's data. */
  private skip = 0;
  private stderr = '';
  private dead = false;
  private idleNow = true;
  /** Resumes reading xz's output after a pause (see SMALL_READ). */
  private pauseTimer?: NodeJS.Timeout;

  constructor(private readonly onExit: (unfinished: Job[], culprit: Job | undefined, why: string) => void) {
    this.closed = this.start().catch((e: Error) => this.die(`xz: ${e.message}`));
  }

  private async start(): Promise<void> {
    const eager = !!process.env.CORELENS_XZ_EAGER;
    const pair = process.env.CORELENS_XZ_PIPE ? undefined : await socketPair((b, n) => {
      this.take(b, n);
      if (eager || n >= SMALL_READ || this.jobs.length === 0 || this.dead) return true;
      // (false pauses our end; the timer resumes it: see SMALL_READ)
      this.pauseTimer ??= setTimeout(() => {
        this.pauseTimer = undefined;
        this.reader?.resume();
      }, READ_PAUSE_MS);
      return false;
    }, (scratch) => this.readInto(scratch));
    let child: ChildProcess;
    try {
      child = spawn('xz', ['-dc'], { stdio: ['pipe', pair ? pair.theirs : 'pipe', 'pipe'] });
    } finally {
      // xz has its own copy of that end now (or none, if it did not start)
      pair?.theirs.destroy();
    }
    this.child = child;
    // Output ends (EOF on our end) after xz exits: its last bytes may still be on the way when 'close' comes.
    let outputDone: Promise<void>;
    if (pair) {
      this.reader = pair.ours;
      outputDone = new Promise((resolve) => pair.ours.once('close', () => resolve()));
    } else {
      child.stdout!.on('data', (c: Buffer) => this.take(c, c.length));
      outputDone = Promise.resolve(); // 'close' waits for a pipe stdout
    }
    child.stderr!.on('data', (c: Buffer) => { this.stderr += c.toString(); });
    child.stdin!.on('error', () => undefined); // the exit handler reports what went wrong
    const exited = new Promise<number | null>((resolve) => {
      child.on('error', (e) => {
        this.die(`xz: ${e.message}`);
        pair?.ours.destroy();
        resolve(null);
      });
      child.on('close', (code) => resolve(code));
    });
    this.idle(this.idleNow);
    for (const b of this.queued.splice(0)) child.stdin!.write(b);
    if (this.ending) child.stdin!.end();
    const code = await exited;
    await outputDone;
    this.die(code === 0 ? 'xz ended early' : this.stderr.trim().replace(/^xz: \(stdin\): /, '') || `xz exited with ${code}`);
  }

  get busy(): number {
    return this.jobs.length;
  }

  /** Ends the process once its jobs are done; resolves when it has exited (and been reaped: its CPU is ours). */
  end(): Promise<void> {
    this.idle(false);
    this.ending = true;
    this.child?.stdin!.end();
    return this.closed;
  }

  add(job: Job): void {
    this.jobs.push(job);
    this.idle(false);
    sentinel ??= xzStoredStream(Buffer.concat([MARKER, Buffer.alloc(FILLER)]));
    if (this.child) {
      this.child.stdin!.write(job.input);
      this.child.stdin!.write(sentinel);
    } else {
      this.queued.push(job.input, sentinel);
    }
  }

  /** Lets the process outlive no one: unreferenced while it has nothing to do. */
  private idle(yes: boolean): void {
    this.idleNow = yes;
    const c = this.child;
    if (!c) return; // (start() applies the state when xz runs; the set-up's own handles end by themselves)
    for (const h of [c, c.stdin, c.stdout, c.stderr, this.reader] as ({ ref?: () => void; unref?: () => void } | null | undefined)[]) {
      if (yes) h?.unref?.();
      else h?.ref?.();
    }
  }

  /**
   * Where the next read of xz's output lands: straight into the current archive's buffer, at the point it has reached
   * and no further than its end (its data and our marker), so that take() has nothing to copy; into `scratch` while
   * filler is skipped or no archive is waiting. Why: copying every archive out of a reused read buffer was ~0.6 ms
   * per archive (memmove in a CPU profile of `check` cold), and the data now lands once, where it stays.
   */
  private readInto(scratch: Buffer): Uint8Array {
    const job = this.jobs[0];
    if (this.skip > 0 || !job) return scratch;
    const end = job.size + MARKER.length;
    return job.got < end ? job.out.subarray(job.got, end) : scratch;
  }

  /**
   * Takes the first `length` bytes of `chunk`: a buffer reused for the next read (everything is copied out), or the
   * current archive's own buffer where readInto placed the read (then nothing is copied).
   */
  private take(chunk: Buffer, length: number): void {
    let off = 0;
    while (off < length) {
      if (this.skip > 0) {
        const n = Math.min(this.skip, length - off);
        this.skip -= n;
        off += n;
        continue;
      }
      const job = this.jobs[0];
      if (!job) {
        this.fail('xz wrote more than the archives declared');
        return;
      }
      const want = job.size + MARKER.length - job.got;
      const n = Math.min(want, length - off);
      if (chunk.buffer !== job.out.buffer || chunk.byteOffset + off !== job.out.byteOffset + job.got) chunk.copy(job.out, job.got, off, off + n);
      const before = job.got;
      job.got += n;
      off += n;
      const headEnd = Math.min(HEAD_CHECK_BYTES, job.size);
      if (job.headCheck && before < headEnd && job.got >= headEnd) {
        const problem = job.headCheck(job.out.subarray(0, headEnd));
        if (problem) {
          job.reject(problem);
          this.fail('stopped after the first bytes');
          return;
        }
      }
      job.progress?.(job.out, job.got);
      if (job.got < job.size + MARKER.length) continue;
      if (!job.out.subarray(job.size).equals(MARKER)) {
        // The archive produced more (or less) than its index says: refuse it, restart for the others.
        this.fail('xz data does not match the size its index declares');
        return;
      }
      this.jobs.shift();
      this.skip = FILLER;
      if (this.jobs.length === 0) this.idle(true);
      job.resolve(job.out.subarray(0, job.size));
    }
  }

  private fail(why: string): void {
    this.die(why);
    this.child?.kill();
  }

  private die(why: string): void {
    if (this.dead) return;
    this.dead = true;
    const [culprit, ...rest] = this.jobs.splice(0);
    this.onExit(rest, culprit, why);
  }
}

/** A few long-lived xz processes per thread (one per core at most), created as jobs need them. */
class XzPool {
  private readonly procs: XzProcess[] = [];
  private readonly max = Math.max(1, os.availableParallelism?.() ?? os.cpus().length);

  /** Ends every process (after their queued jobs) and waits for them to exit. */
  async end(): Promise<void> {
    await Promise.all(this.procs.splice(0).map((p) => p.end()));
  }

  run(job: Job): void {
    let p = this.procs.find((x) => x.busy === 0);
    if (!p && this.procs.length < this.max) {
      const made: XzProcess = new XzProcess((unfinished, culprit, why) => {
        this.procs.splice(this.procs.indexOf(made), 1);
        culprit?.reject(new BtfError(`xz data is corrupt or truncated: ${why}`, culprit.file));
        // Jobs queued behind the culprit never reached xz's output: they start again elsewhere, untouched.
        for (const j of unfinished) {
          j.got = 0;
          this.run(j);
        }
      });
      this.procs.push(made);
      p = made;
    }
    p ??= this.procs.reduce((a, b) => (b.busy < a.busy ? b : a));
    p.add(job);
  }
}

let pool: XzPool | undefined;

/**
 * Decompresses an .xz file with the pool's long-lived system xz; undefined when its declared size cannot be read
 * (the caller then decompresses it another way). Refuses, before decompressing, data declaring more than `cap`.
 * Resolves to the start of a buffer nobody else holds a view of: the caller owns it (Btf.release may recycle it).
 */
export function decompressWithXzPool(
  bytes: Uint8Array, file: string, cap: number, overCap: () => BtfError, headCheck?: (head: Uint8Array) => BtfError | undefined,
  progress?: (out: Buffer, got: number) => void,
): Promise<Uint8Array> | undefined {
  const size = xzDeclaredSize(bytes);
  if (size === undefined) return undefined;
  if (size > cap) return Promise.reject(overCap());
  pool ??= new XzPool();
  const p = pool;
  return new Promise((resolve, reject) => {
    // The output buffer may be one a released Btf gave back (recycle.ts): an archive loop then clears no fresh pages.
    // It is the caller's alone once resolved (this process keeps no view of it), so a Btf over it may release it.
    const out = Buffer.from(takeBuffer(size + MARKER.length), 0, size + MARKER.length);
    p.run({ input: bytes, size, file, out, got: 0, headCheck, progress, resolve, reject });
  });
}

/**
 * Ends this thread's xz processes once their work is done and waits until they have exited, so that they are
 * reaped by this process (their CPU time counts as ours, and nothing outlives the command). Callers that exit on
 * their own (a CLI command) may skip it: an idle process ends when its stdin closes with us.
 */
export async function stopXzProcesses(): Promise<void> {
  const p = pool;
  pool = undefined;
  await p?.end();
}
