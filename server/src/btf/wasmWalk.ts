// The record walk of a raw BTF file as a tiny WebAssembly function, over file bytes read straight into its memory.
//
// Why: a process opens its first kernel BTF with the walk (126k records on 6.18) still in V8's interpreter and
// baseline tiers: ~75-120 ns a record until Turbofan's on-stack replacement arrives, ~4 ms of the main thread plus
// ~4 ms of compiling the loop twice (OSR, then the whole function). Liftoff compiles this module in well under a
// millisecond and walks at a few ns a record from the first one. The walk is scanKnownWords (reader.ts) instruction
// for instruction, on the same word arithmetic and the same constants, so it stops where it stops and fills the same
// tables; the rest of the open (every check, every error) stays Btf's own.
//
// Memory: a file's bytes, its record offsets and kinds live in one WebAssembly.Memory (an "arena"), which the Btf
// holds until release(); release grows it by zero pages, which by the JS API detaches every view of the old buffer
// (as recycle.ts detaches a released buffer), and pools it for the next open. CORELENS_WASM_WALK=0 turns it off.

import { WALK_CONSTANTS, ScanArena } from './reader';
import { WASM_PAGE, WasmGlobal, WasmMemory, compileModule, oneFunctionModule, op, wasmApi } from '../util/wasm';

/** Files below this size keep the JavaScript walk: the arena's fixed costs are not worth it for a module's BTF. */
export const MIN_ARENA_BYTES = 1 << 20;
/** Idle arenas kept for the next open (each at most the largest file seen: a few MB). */
const MAX_POOLED = 4;
/**
 * At most this many arenas are made per process (released ones are reused without limit). A fresh memory is fresh
 * pages from the kernel (a page fault and a clear per 4 KB), where a dropped buffer's pages come back through malloc:
 * a loop that opens kernels without releasing them (the core bench opens 4 per iteration) paid ~13 ms more per
 * iteration with a fresh arena per open. The walk only needs an arena while the JavaScript one is cold, which is the
 * first few opens of a process; after those, an open without a pooled arena reads into a buffer as before. (An object
 * so tests can lift it: the count is per process, and a test process has opened many kernels before.)
 */
export const ARENA_LIMIT = { value: 4 };

/**
 * The module: `walk(w, endW, out, kinds, n, mask) -> n` over an imported memory, the stop word in the exported global
 * `stop`. Locals and steps mirror scanKnownWords line by line (same signed compares, shifts and masks), so the two
 * cannot differ on any input: w and endW are word indexes of the blob at byte 0 of the memory, out and kinds byte
 * offsets of the tables.
 */
function moduleBytes(): Uint8Array {
  const { fixLo, fixHi, perLo, perHi, maxKnownKind } = WALK_CONSTANTS;
  const { get, set, tee, c, add, sub, mul, and, shl, shrS, shrU, ltS, gtS, geU, select, brIf, br } = op;
  const [w, endW, out, kinds, n, mask, info, kind, sh, next] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
  // ((hi ? HI : LO) >>> sh) & 3, hi = info & 0x10000000
  const field = (hi: number, lo: number) => [...c(hi), ...c(lo), ...get(info), ...c(0x10000000), and, select, ...get(sh), shrU, ...c(3), and];
  return oneFunctionModule('walk', 6, 4, true, [
    ...op.block, ...op.loop,
    // while (endW - w >= 3)
    ...get(endW), ...get(w), sub, ...c(3), ltS, ...brIf(1),
    // info = w32[w + 1]
    ...get(w), ...c(2), shl, ...op.load(4), ...set(info),
    // kind = (info >> 24) & mask; if ((kind - 1) >>> 0 >= MAX_KNOWN_KIND) break
    ...get(info), ...c(24), shrS, ...get(mask), and, ...tee(kind), ...c(1), sub, ...c(maxKnownKind), geU, ...brIf(1),
    // sh = (info >>> 23) & 0x1e
    ...get(info), ...c(23), shrU, ...c(0x1e), and, ...set(sh),
    // next = (w + 3 + fix + Math.imul(per, info & 0xffff)) | 0; if (next > endW) break
    ...get(w), ...c(3), add, ...field(fixHi, fixLo), add,
    ...field(perHi, perLo), ...get(info), ...c(0xffff), and, mul, add, ...tee(next),
    ...get(endW), gtS, ...brIf(1),
    // kinds[n] = kind; out[n++] = w << 2; w = next
    ...get(kinds), ...get(n), add, ...get(kind), ...op.store8(),
    ...get(out), ...get(n), ...c(2), shl, add, ...get(w), ...c(2), shl, ...op.store(),
    ...get(n), ...c(1), add, ...set(n),
    ...get(next), ...set(w),
    ...br(0),
    op.end, op.end,
    ...get(w), ...op.globalSet(0), // stop = w
    ...get(n),
  ], 'stop');
}

let compiled: object | undefined | null;

function walkModule(): object | undefined {
  if (compiled === undefined) compiled = compileModule(moduleBytes()) ?? null;
  return compiled ?? undefined;
}

type WalkExports = { walk: (w: number, endW: number, out: number, kinds: number, n: number, mask: number) => number; stop: WasmGlobal };

/** One memory and its instance of the walk: a raw BTF file's home from its read to its Btf's release. */
class Arena implements ScanArena {
  private readonly exports: WalkExports;
  private outAt = 0;
  private kindsAt = 0;
  stopWord = 0;

  constructor(readonly memory: WasmMemory, module: object) {
    this.exports = new wasmApi!.Instance(module, { m: { mem: memory } }).exports as WalkExports;
  }

  get capacity(): number {
    return this.memory.buffer.byteLength;
  }

  /** The file's bytes: the memory's first `size` bytes. */
  bytes(size: number): Buffer {
    return Buffer.from(this.memory.buffer, 0, size);
  }

  tables(blobBytes: number, maxRecords: number): { out: Uint32Array; kinds: Uint8Array } | undefined {
    const outAt = (blobBytes + 7) & ~7;
    const kindsAt = outAt + maxRecords * 4;
    if (kindsAt + maxRecords > this.capacity) return undefined;
    this.outAt = outAt;
    this.kindsAt = kindsAt;
    const buf = this.memory.buffer;
    return { out: new Uint32Array(buf, outAt, maxRecords), kinds: new Uint8Array(buf, kindsAt, maxRecords) };
  }

  walk(mask: number, w: number, endW: number, n: number): number {
    const r = this.exports.walk(w, endW, this.outAt, this.kindsAt, n, mask);
    this.stopWord = this.exports.stop.value as number;
    return r;
  }

  release(): void {
    // grow(0) detaches the buffer every view was made over (the JS API's "refresh the memory buffer"): views a caller
    // kept read nothing, never the next file's bytes
    this.memory.grow(0);
    pool.push(this);
    if (pool.length > MAX_POOLED) pool.shift();
  }
}

const pool: Arena[] = [];
/** Arenas handed out and made since the process started (tests read them: was the walk taken at all?). */
export const arenaCounts = { taken: 0, made: 0 };

/**
 * Room for a raw BTF file of `size` bytes and its tables (at most one record per 12 bytes), or undefined: walk off,
 * a small file, or no memory to be had (the caller then reads into an ordinary buffer).
 */
export function takeArena(size: number): Arena | undefined {
  if (size < MIN_ARENA_BYTES || process.env.CORELENS_WASM_WALK === '0') return undefined;
  const need = ((size + 7) & ~7) + 5 * (Math.floor(size / 12) + 1);
  const pages = Math.ceil(need / WASM_PAGE);
  // The pooled one that fits with the least room to spare, grown in place when a little short.
  let best = -1;
  for (let i = 0; i < pool.length; i++) {
    const cap = pool[i]!.capacity;
    if (cap <= 2 * need + WASM_PAGE && (best < 0 || Math.abs(cap - need) < Math.abs(pool[best]!.capacity - need))) best = i;
  }
  try {
    if (best >= 0) {
      const [a] = pool.splice(best, 1);
      if (a!.capacity < need) a!.memory.grow(pages - a!.capacity / WASM_PAGE);
      arenaCounts.taken++;
      return a;
    }
    if (arenaCounts.made >= ARENA_LIMIT.value) return undefined;
    const module = walkModule();
    if (!module) return undefined;
    const made = new Arena(new wasmApi!.Memory({ initial: pages }), module);
    arenaCounts.taken++;
    arenaCounts.made++;
    return made;
  } catch {
    return undefined; // (address space or memory exhausted: the ordinary buffer serves)
  }
}
