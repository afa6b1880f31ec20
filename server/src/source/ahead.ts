// A document's first analysis, partly ahead on a worker thread (issue 12: the big program's first diagnostics).
//
// Why: the language server's main thread bounds the first diagnostics (≈ 1.9 s of ≈ 2.2 s wall on the bench), while
// the second core is half idle. Two steps of a first analysis read nothing but files and the document's text, and
// their results are plain data: the scan of a big header (lazyHeader.ts skim of vmlinux.h, ≈ 100 ms) and the raw
// CO-RE spots of each function (spots.ts rawSpots over a tree-sitter parse, ≈ 75 ms). The analyzer asks for both
// when a document's analysis starts (before its own tree-sitter parse); the worker (aheadWorker.ts) scans while the
// main thread parses, then parses and finds the spots while the main thread builds the type environment.
//
// Exactness: an answer is the very function the main thread would run, on the same input, moved across as data.
//   - A scan is taken only for the file the preprocessor resolved, and only when the bytes the main thread read are
//     the bytes the worker scanned (compared whole); it crosses as encodeSkim's bytes and is decoded against the main
//     thread's text (the scan's disk cache does the same between processes).
//   - Spots are taken only for exactly the text the worker parsed, for an analysis whose tree is a fresh parse (no
//     edited old tree: both sides parsed the same text from scratch with the same grammar), keyed by the function
//     node's span as the analyzer keys them; a key the analyzer has already filled is never overwritten.
// Anything missing, late or failed: the main thread computes it itself, as before. A scan the main thread needs while
// the worker runs it is waited for (the worker started first; bounded); one still queued is done by the main thread.
// Proof: server/test/source/ahead.test.ts (analyses with and without the worker are identical, and the worker's
// answers were the ones used).

import * as fs from 'fs';
import * as path from 'path';
import { MessageChannel, MessagePort, Worker, receiveMessageOnPort } from 'worker_threads';
import { LAZY_MIN_BYTES, Skim, decodeSkim } from './lazyHeader';
import type { RawSpot } from './sharedTrees';

/** Main thread -> worker: the big headers to scan, then the document to parse for its spots. */
export interface AheadRequest { files: string[]; uri?: string; text?: string }
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

/** Longest wait for a scan the worker is running (ms): past it the main thread scans itself. */
const SKIM_WAIT_MS = 3000;

/** The worker and what it answered; one per language server. */
export class Ahead {
  private readonly worker: Worker | undefined;
  private readonly port: MessagePort | undefined;
  /** [0]: answers posted so far (a waiting main thread wakes on its change), [1]: 1 while a scan runs, [2]: 1 once the
   * worker listens. */
  private readonly sig: Int32Array;
  private readonly skims = new Map<string, AheadAnswer & { kind: 'skim' } | 'pending'>();
  private readonly spots = new Map<string, AheadAnswer & { kind: 'spots' } | 'pending'>();
  private dead = false;
  /** What was taken from the worker (tests, bench). */
  readonly stats = { skims: 0, spots: 0, skimWaitMs: 0 };

  constructor() {
    this.sig = new Int32Array(new SharedArrayBuffer(12));
    try {
      const { port1, port2 } = new MessageChannel();
      const w = new Worker(path.join(__dirname, 'aheadWorker.js'), { workerData: { port: port2, signal: this.sig.buffer }, transferList: [port2] });
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
    if (!files.length && !withSpots) return;
    for (const f of files) this.skims.set(f, 'pending');
    if (withSpots) this.spots.set(uri, 'pending');
    this.port.postMessage({ files, ...(withSpots ? { uri, text } : {}) } satisfies AheadRequest);
  }

  /**
   * The worker's scan of `file` when it scanned exactly `bytes` (`{ skim }`, undefined inside when the scan found the
   * header ineligible), else undefined: the caller scans. Waits for a scan the worker is running.
   */
  skimFor(file: string, text: string, bytes: Uint8Array | undefined): { skim: Skim | undefined } | undefined {
    if (!bytes || !this.skims.has(file)) return undefined;
    const t0 = performance.now();
    for (;;) {
      const seen = Atomics.load(this.sig, 0);
      this.drain();
      const a = this.skims.get(file);
      if (a === undefined) return undefined;
      if (a !== 'pending') {
        this.skims.delete(file);
        this.stats.skimWaitMs += performance.now() - t0;
        if (a.failed || a.kind !== 'skim' || !a.bytes || a.length !== bytes.byteLength) return undefined;
        if (!Buffer.from(a.bytes, 0, a.length).equals(bytes)) return undefined;
        if (a.none) { this.stats.skims++; return { skim: undefined }; }
        const sk = a.payload && decodeSkim(Buffer.from(a.payload), text);
        if (!sk) return undefined;
        this.stats.skims++;
        return { skim: sk };
      }
      // queued behind other work, or the worker gone: not waited for (once more to the port first: the answer may
      // have come in since, the scan over)
      const left = SKIM_WAIT_MS - (performance.now() - t0);
      if (this.dead || Atomics.load(this.sig, 1) === 0 || left <= 0) {
        this.drain();
        if (this.skims.get(file) !== 'pending') continue;
        this.skims.delete(file);
        this.stats.skimWaitMs += performance.now() - t0;
        return undefined;
      }
      Atomics.wait(this.sig, 0, seen, left);
    }
  }

  /** The raw spots per function span the worker found for exactly `text` of `uri`, if it answered already. */
  spotsFor(uri: string, text: string): [string, RawSpot[]][] | undefined {
    this.drain();
    const a = this.spots.get(uri);
    if (!a || a === 'pending') return undefined;
    this.spots.delete(uri);
    if (a.kind !== 'spots' || a.failed || !a.spots || a.text !== text) return undefined;
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
    const a = this.skims.get(key) ?? this.spots.get(key);
    return a !== undefined && a !== 'pending';
  }

  /** Forgets what was asked for a closed document. */
  forget(uri: string): void {
    this.spots.delete(uri);
  }

  close(): void {
    this.dead = true;
    void this.worker?.terminate();
    this.port?.close();
  }

  private drain(): void {
    if (!this.port) return;
    for (let m = receiveMessageOnPort(this.port); m; m = receiveMessageOnPort(this.port)) {
      const a = m.message as AheadAnswer;
      if (a.kind === 'skim') { if (this.skims.get(a.file) === 'pending') this.skims.set(a.file, a); }
      else if (this.spots.get(a.uri) === 'pending') this.spots.set(a.uri, a);
    }
  }
}
