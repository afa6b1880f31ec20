// A document's first analysis, partly ahead on a worker thread (issue 12: the big program's first diagnostics).
//
// Why: the language server's main thread bounds the first diagnostics (≈ 1.9 s of ≈ 2.2 s wall on the bench), while
// the second core is half idle. Two steps of a first analysis read nothing but files and the document's text, and
// their results are plain data: the scan of a big header (lazyHeader.ts skim of vmlinux.h, ≈ 100 ms) and the raw
// CO-RE spots of each function (spots.ts rawSpots over a tree-sitter parse, ≈ 75 ms). The analyzer asks when a
// document's analysis starts (before its own tree-sitter parse); the worker (aheadWorker.ts) scans while the main
// thread parses. Optionally (constructor) it then parses too and finds the spots while the main thread builds the type
// environment: off by default, as on two cores that costs the worker about twice what it saves the main thread.
//
// Exactness: an answer is the very function the main thread would run, on the same input, moved across as data.
//   - A scan is taken only for the file the preprocessor resolved, and only when the bytes the main thread read are
//     the bytes the worker scanned (compared whole); it crosses as encodeSkim's bytes and is decoded against the main
//     thread's text (the scan's disk cache does the same between processes).
//   - Spots are taken only for exactly the text the worker parsed, for an analysis whose tree is a fresh parse (no
//     edited old tree: both sides parsed the same text from scratch with the same grammar), keyed by the function
//     node's span as the analyzer keys them; a key the analyzer has already filled is never overwritten.
// Anything missing, late or failed: the main thread computes it itself, as before. When the main thread needs a scan
// the worker is still running, it first finds the spots itself (the worker then skips them), then waits a little
// (SKIM_WAIT_MS), then scans itself; one still queued is never waited for.
// Proof: server/test/source/ahead.test.ts (analyses with and without the worker are identical, and the worker's
// answers were the ones used).

import * as fs from 'fs';
import * as path from 'path';
import { MessageChannel, MessagePort, Worker, receiveMessageOnPort } from 'worker_threads';
import { LAZY_MIN_BYTES, Skim, decodeSkim } from './lazyHeader';
import type { RawSpot } from './sharedTrees';

/** Main thread -> worker: the big headers to scan, then the document to parse for its spots. */
export interface AheadRequest { files: string[]; seq: number; uri?: string; text?: string }
/** Worker -> main thread. A scan comes with the bytes it scanned (`bytes`: the first `length` of them). */
export type AheadAnswer =
  | { kind: 'skim'; file: string; bytes?: ArrayBuffer; length?: number; payload?: ArrayBuffer; none?: boolean; failed?: boolean }
  | { kind: 'spots'; uri: string; text: string; spots?: PackedSpots; failed?: boolean };

/**
 * Raw spots per function span, flat: a structured clone of 18,500 spot objects (the big program's) took ≈ 130 ms to
 * receive, more than finding them. `ints`: per function its span's start and end and its spot count, then per spot the
 * index of its name in `strs`, of its text (-1: none), its start and end.
 */
export interface PackedSpots { ints: Int32Array; strs: string[] }

/** Packs spots (worker side). */
export function packSpots(list: [number, number, RawSpot[]][]): PackedSpots {
  const strs: string[] = [];
  const index = new Map<string, number>();
  const idx = (x: string) => { let i = index.get(x); if (i === undefined) { i = strs.length; strs.push(x); index.set(x, i); } return i; };
  let n = 0;
  for (const [, , l] of list) n += 3 + 4 * l.length;
  const ints = new Int32Array(n);
  let w = 0;
  for (const [a, b, l] of list) {
    ints[w++] = a; ints[w++] = b; ints[w++] = l.length;
    for (const s of l) { ints[w++] = idx(s.name); ints[w++] = s.text === undefined ? -1 : idx(s.text); ints[w++] = s.start; ints[w++] = s.end; }
  }
  return { ints, strs };
}

/** The spots as rawSpots gives them (the same fields, in the same order), keyed like the analyzer keys them. */
export function unpackSpots(p: PackedSpots): [string, RawSpot[]][] {
  const { ints, strs } = p;
  const out: [string, RawSpot[]][] = [];
  for (let r = 0; r < ints.length;) {
    const key = `${ints[r]}:${ints[r + 1]}`;
    const n = ints[r + 2]!;
    r += 3;
    const l: RawSpot[] = [];
    for (let i = 0; i < n; i++, r += 4) {
      const t = ints[r + 1]!;
      l.push(t < 0 ? { name: strs[ints[r]!]!, start: ints[r + 2]!, end: ints[r + 3]! } : { name: strs[ints[r]!]!, text: strs[t]!, start: ints[r + 2]!, end: ints[r + 3]! });
    }
    out.push([key, l]);
  }
  return out;
}

/** Longest idle wait for a scan the worker is running (ms): past it the main thread scans itself. Short: a worker
 * starved of CPU (a busy machine) can take seconds, and a scan is ≈ 100 ms of the main thread's own. */
const SKIM_WAIT_MS = 40;

/** The worker and what it answered; one per language server. */
export class Ahead {
  private readonly worker: Worker | undefined;
  private readonly port: MessagePort | undefined;
  /** [0]: answers posted so far (a waiting main thread wakes on its change), [1]: 1 while a scan runs, [2]: 1 once the
   * worker listens, [3]: the last request whose spots the main thread found itself, [4]: 1 once a held worker may
   * scan (tests: `hold`). */
  private readonly sig: Int32Array;
  private readonly skims = new Map<string, AheadAnswer & { kind: 'skim' } | 'pending'>();
  /** Per document: the text asked for, and the answer once in. */
  private readonly spots = new Map<string, { text: string; answer?: AheadAnswer & { kind: 'spots' } }>();
  private dead = false;
  private readonly withSpots: boolean;
  /** Requests made (the worker is told which one's spots the main thread found itself: spotsDone). */
  private seq = 0;
  private readonly spotSeq = new Map<string, number>();
  private idle: (() => void) | undefined;
  /** What was taken from the worker, and how often the main thread did useful work while a scan ran (tests, bench). */
  readonly stats = { skims: 0, spots: 0, skimWaitMs: 0, idleTasks: 0 };

  /**
   * `spots`: the worker also parses the text and finds its spots. Off by default: on two cores its parse and spots
   * cost the worker about twice what they save the main thread (which finds them itself while a scan runs instead).
   * `hold` (tests): the worker starts its first scan and stays in it until `release()`, so that 'a scan the worker
   * is still running' does not depend on how busy the machine is.
   */
  constructor(opts: { spots?: boolean; hold?: boolean } = {}) {
    this.withSpots = !!opts.spots;
    this.sig = new Int32Array(new SharedArrayBuffer(20));
    try {
      // only beside its own worker file (tsc's output): the bundle (dist/corelens.js) has none of its own, and a
      // worker loading server/out beside it could run other code than the bundle's (its scan must be this one)
      if (path.basename(__filename) !== 'ahead.js') throw new Error('no worker file');
      const { port1, port2 } = new MessageChannel();
      const w = new Worker(path.join(__dirname, 'aheadWorker.js'), { workerData: { port: port2, signal: this.sig.buffer, spots: this.withSpots, hold: !!opts.hold }, transferList: [port2] });
      w.unref();
      w.on('error', () => { this.dead = true; });
      w.on('exit', () => { this.dead = true; });
      this.worker = w;
      this.port = port1;
    } catch {
      this.dead = true;
    }
  }

  /**
   * A document's analysis starts: the worker scans the big headers its `#include` lines name (resolved like the
   * preprocessor resolves them: quoted ones beside the document first, then `includePaths`), then parses `text` for
   * its spots when `withSpots`.
   */
  request(uri: string, file: string, text: string, includePaths: readonly string[], withSpots: boolean): void {
    if (this.dead || !this.port) return;
    const files: string[] = [];
    for (const m of text.matchAll(/^[ \t]*#[ \t]*include[ \t]*(["<])([^">\n]+)[">]/gm)) {
      const dirs = m[1] === '"' ? [path.dirname(file), ...includePaths] : includePaths;
      for (const d of dirs) {
        const p = path.resolve(d, m[2]!);
        let st: fs.Stats | undefined;
        try { st = fs.statSync(p); } catch { continue; }
        if (st.isDirectory()) continue;
        if (st.isFile() && st.size >= LAZY_MIN_BYTES.value && !this.skims.has(p) && !files.includes(p)) files.push(p);
        break;
      }
    }
    // (the spots of this very text asked for already: not again)
    const spots = withSpots && this.withSpots && this.spots.get(uri)?.text !== text;
    if (!files.length && !spots) return;
    for (const f of files) this.skims.set(f, 'pending');
    const seq = ++this.seq;
    if (spots) { this.spots.set(uri, { text }); this.spotSeq.set(uri, seq); }
    this.port.postMessage({ files, seq, ...(spots ? { uri, text } : {}) } satisfies AheadRequest);
  }

  /**
   * Work the main thread does instead of waiting for a scan the worker is still running (once): the analyzer finds
   * the document's spots itself then (spotsDone), rather than idle while the worker scans and then find them there.
   */
  whileWaiting(task: (() => void) | undefined): void {
    this.idle = task;
  }

  /** The main thread found the spots of `uri` itself: the worker skips them (if it has not begun), any answer is
   * dropped. */
  spotsDone(uri: string): void {
    const seq = this.spotSeq.get(uri);
    if (seq !== undefined) Atomics.store(this.sig, 3, seq);
    this.spots.delete(uri);
    this.spotSeq.delete(uri);
  }

  /**
   * The worker's scan of `file` when it scanned exactly `bytes` (`{ skim }`, undefined inside when the scan found the
   * header ineligible), else undefined: the caller scans. Waits for a scan the worker is running.
   */
  skimFor(file: string, text: string, bytes: Uint8Array | undefined): { skim: Skim | undefined } | undefined {
    if (!bytes || !this.skims.has(file)) return undefined;
    // the idle wait starts after any useful work done meanwhile
    let from = performance.now();
    const waited = () => { this.stats.skimWaitMs += performance.now() - from; };
    for (;;) {
      const seen = Atomics.load(this.sig, 0);
      this.drain();
      const a = this.skims.get(file);
      if (a === undefined) return undefined;
      if (a !== 'pending') {
        waited();
        this.skims.delete(file);
        if (a.failed || a.kind !== 'skim' || !a.bytes || a.length !== bytes.byteLength) return undefined;
        if (!Buffer.from(a.bytes, 0, a.length).equals(bytes)) return undefined;
        if (a.none) { this.stats.skims++; return { skim: undefined }; }
        const sk = a.payload && decodeSkim(Buffer.from(a.payload), text);
        if (!sk) return undefined;
        this.stats.skims++;
        return { skim: sk };
      }
      const running = !this.dead && Atomics.load(this.sig, 1) === 1;
      if (running && this.idle) {
        // useful work first; the scan may be over after it
        const task = this.idle;
        this.idle = undefined;
        this.stats.idleTasks++;
        task();
        from = performance.now();
        continue;
      }
      // not running (queued behind other work, the worker still loading or gone), or not over within the wait: this
      // thread scans (once more to the port first: the answer may have come in since)
      const left = SKIM_WAIT_MS - (performance.now() - from);
      if (!running || left <= 0) {
        this.drain();
        if (this.skims.get(file) !== 'pending') continue;
        waited();
        this.skims.delete(file);
        return undefined;
      }
      Atomics.wait(this.sig, 0, seen, left);
    }
  }


  /** The raw spots per function span the worker found for exactly `text` of `uri`, if it answered already. */
  spotsFor(uri: string, text: string): [string, RawSpot[]][] | undefined {
    this.drain();
    const a = this.spots.get(uri)?.answer;
    if (!a) return undefined;
    this.spots.delete(uri);
    this.spotSeq.delete(uri);
    if (a.failed || !a.spots || a.text !== text) return undefined;
    this.stats.spots++;
    return unpackSpots(a.spots);
  }

  /** Whether the worker has loaded and listens (tests: a request made before is queued, and a scan the main thread
   * needs before the worker runs it is done by the main thread). */
  ready(): boolean {
    return Atomics.load(this.sig, 2) === 1;
  }

  /** Whether the worker answered for `key` (a header file or a document uri) and the answer was not taken (tests). */
  answered(key: string): boolean {
    this.drain();
    const a = this.skims.get(key) ?? this.spots.get(key)?.answer;
    return a !== undefined && a !== 'pending';
  }

  /** Forgets what was asked for a closed document. */
  forget(uri: string): void {
    this.spots.delete(uri);
    this.spotSeq.delete(uri);
  }

  /** Lets a worker made with `hold` go on (tests). */
  release(): void {
    Atomics.store(this.sig, 4, 1);
    Atomics.notify(this.sig, 4);
  }

  close(): void {
    // a held worker blocks in Atomics.wait, which terminate() may not interrupt
    this.release();
    this.dead = true;
    void this.worker?.terminate();
    this.port?.close();
  }

  private drain(): void {
    if (!this.port) return;
    for (let m = receiveMessageOnPort(this.port); m; m = receiveMessageOnPort(this.port)) {
      const a = m.message as AheadAnswer;
      if (a.kind === 'skim') { if (this.skims.get(a.file) === 'pending') this.skims.set(a.file, a); }
      else {
        const p = this.spots.get(a.uri);
        if (p && !p.answer && p.text === a.text) p.answer = a;
      }
    }
  }
}
