// Raw BTF reader: validates the header, indexes type records by id over the file's own bytes, decodes lazily.
//
// Design: opening a 5 MB vmlinux BTF must cost about what libbpf's btf__parse costs, so nothing is
// materialised up front. Opening records one u32 offset per type; a type is decoded into an object only
// when asked for, and cached; strings are decoded on demand; names are compared as bytes.

import { BtfError } from './errors';
import { recycleBuffer, takeBuffer } from './recycle';
import {
  BtfType, CompositeType, DatasecVar, Enumerator, Kind, Member, MAX_KNOWN_KIND, Param, isModifierKind, kindName,
} from './types';

export const BTF_MAGIC = 0xeb9f;
const MIN_HEADER = 24;
/** Type ids are u32 in the format, but the kernel caps them far lower; this bound keeps arrays sane. */
const MAX_TYPES = 1 << 24;
/** Depth bound for following references; the kernel's BTF verifier uses 32 for the same purpose. */
const MAX_RESOLVE_DEPTH = 32;

export interface BtfHeader {
  readonly version: number;
  readonly flags: number;
  readonly hdrLen: number;
  readonly typeOff: number;
  readonly typeLen: number;
  readonly strOff: number;
  readonly strLen: number;
  /** Optional kind-layout section (32-byte headers); 0/0 when absent. */
  readonly layoutOff: number;
  readonly layoutLen: number;
}

export interface BtfParseOptions {
  /** The base BTF this one is split over (a module over vmlinux, an app over a kernel). */
  base?: Btf;
}

/** Names libbpf accepts as "long" when it infers a BTF's pointer size. */
const LONG_NAMES = new Set([
  'long', 'long int', 'int long', 'unsigned long', 'long unsigned', 'unsigned long int', 'unsigned int long',
  'long unsigned int', 'long int unsigned', 'int unsigned long', 'int long unsigned',
]);

const VOID: BtfType = Object.freeze({ id: 0, name: '', kind: Kind.Void });
const HOST_LE = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

interface RecordSizes {
  /** Bytes after the 12-byte common header: a fixed part plus one entry per vlen; fixed -1 marks an unknown kind. */
  readonly fixed: Int32Array;
  readonly perVlen: Int32Array;
  /** The same in 4-byte words, packed for the scan loop: (3 + fixed/4) | (perVlen/4) << 16, or -1 (aligned only). */
  readonly packedWords: Int32Array;
  /** Every size a multiple of 4, so records stay word-aligned and the scan can read words. */
  readonly aligned: boolean;
}

function recordSizes(fixed: Int32Array, perVlen: Int32Array): RecordSizes {
  const packedWords = new Int32Array(128).fill(-1);
  let aligned = true;
  for (let k = 0; k < 128; k++) {
    if (fixed[k]! < 0) continue;
    if (fixed[k]! % 4 || perVlen[k]! % 4) aligned = false;
    // Sizes come from a u8 layout table at most, so both fields fit their 16 bits.
    packedWords[k] = (3 + (fixed[k]! >> 2)) | ((perVlen[k]! >> 2) << 16);
  }
  return { fixed, perVlen, packedWords, aligned };
}

/** Record sizes of the kinds this reader knows (table, not switch: the scan is the hot loop of every open). */
const RECORD_SIZES = (() => {
  const fixed = new Int32Array(128).fill(-1);
  const perVlen = new Int32Array(128);
  const set = (kinds: Kind[], f: number, v: number) => kinds.forEach((k) => { fixed[k] = f; perVlen[k] = v; });
  set([Kind.Int, Kind.Var, Kind.DeclTag], 4, 0);
  set([Kind.Ptr, Kind.Fwd, Kind.Typedef, Kind.Volatile, Kind.Const, Kind.Restrict, Kind.Func, Kind.Float, Kind.TypeTag], 0, 0);
  set([Kind.Array], 12, 0);
  set([Kind.Struct, Kind.Union, Kind.Datasec, Kind.Enum64], 0, 12);
  set([Kind.Enum, Kind.FuncProto], 0, 8);
  return recordSizes(fixed, perVlen);
})();
const utf8 = new TextDecoder('utf-8');

/**
 * RECORD_SIZES again, as bit fields in four int32 constants for scanKnownWords: two bits per kind of extra words
 * (fixed part, and words per vlen entry), kinds 0..15 in the LO constants and 16..31 in the HI ones. Known kinds are
 * exactly 1..MAX_KNOWN_KIND. Derived from the table (never written by hand), so the two cannot disagree; the module
 * refuses to load if the table ever stops fitting this shape.
 */
const [FIX_LO, FIX_HI, PER_LO, PER_HI] = (() => {
  const f = [0, 0, 0, 0];
  for (let k = 0; k < 128; k++) {
    const fixed = RECORD_SIZES.fixed[k]!;
    const per = RECORD_SIZES.perVlen[k]!;
    const known = k >= 1 && k <= MAX_KNOWN_KIND;
    if (known !== fixed >= 0 || (known && (fixed % 4 || per % 4 || fixed > 12 || per > 12))) {
      throw new Error(`record size table does not fit scanKnownWords at kind ${k}`);
    }
    if (!known) continue;
    const hi = k >= 16 ? 1 : 0;
    const sh = (k & 15) << 1;
    f[hi] |= (fixed >> 2) << sh;
    f[2 + hi] |= (per >> 2) << sh;
  }
  return f;
})();

/** The walk's constants, for the same walk written in WebAssembly (wasmWalk.ts): one derivation, one truth. */
export const WALK_CONSTANTS = { fixLo: FIX_LO!, fixHi: FIX_HI!, perLo: PER_LO!, perHi: PER_HI!, maxKnownKind: MAX_KNOWN_KIND };

/**
 * Where a BtfScan keeps its tables and how it walks, when the bytes live in a WebAssembly memory of their own
 * (wasmWalk.ts): the tables beside the bytes, the walk scanKnownWords' twin. release() ends the bytes' life.
 */
export interface ScanArena {
  /** Tables for up to maxRecords records placed after a blob of blobBytes; undefined when they do not fit. */
  tables(blobBytes: number, maxRecords: number): { out: Uint32Array; kinds: Uint8Array } | undefined;
  /** scanKnownWords(w32, mask, w, endW, out, kinds, n) over the tables tables() gave; the stop word in stopWord. */
  walk(mask: number, w: number, endW: number, n: number): number;
  readonly stopWord: number;
  /** Detaches every view of the bytes and tables and gives the memory to the next open. */
  release(): void;
}

/** Records walked so far: where the type section lies, where the walk stopped, and the tables it filled. */
interface ScanState {
  readonly start: number;
  readonly end: number;
  readonly mask: number;
  pos: number;
  n: number;
  readonly out: Uint32Array;
  readonly kinds: Uint8Array;
  /** The tables lie in this arena and it walks them (else they are buffers of their own, walked here). */
  readonly arena?: ScanArena;
}

/**
 * The hot loop of every open (100k+ records): one word load and one table load per record, in word units and int32
 * arithmetic (no float conversions on the chain from one record to the next). Walks from word `w` while whole
 * records lie below word `endW`; stops early at anything odd (an unknown kind, a record running past `endW`), which
 * the caller's checks then explain. Returns the record count; the word position reached goes to `scanStopWord`.
 * (Nothing after the loop may need type feedback: when the first long walk is compiled on-stack, that code has never
 * run, and an array literal returned there sent V8 into a loop of ~20 deoptimisations and recompilations per process.)
 */
function scanWords(w32: Int32Array, packed: Int32Array, mask: number, w: number, endW: number, out: Uint32Array,
  kinds: Uint8Array, n: number): number {
  while (endW - w >= 3) {
    const info = w32[w + 1]!;
    const kind = (info >> 24) & mask;
    const e = packed[kind]!;
    if (e < 0) break;
    const next = (w + (e & 0xffff) + Math.imul(e >> 16, info & 0xffff)) | 0;
    if (next > endW) break;
    kinds[n] = kind;
    out[n++] = w << 2;
    w = next;
  }
  scanStopWord = w;
  return n;
}
/** Where the last scanWords stopped, in words (a context slot: no type feedback needed to write it). */
let scanStopWord = 0;

/**
 * scanWords for the kinds this reader knows (RECORD_SIZES, whatever the kind mask): the same walk, the same stops,
 * the same tables filled, but each record's size comes from shifts of constants instead of a table load. The walk is
 * a chain (each record's start depends on the previous record's size), so its speed is that chain's latency: a load
 * on it cost more than the shifts (scan of 6.18's 126k records: 0.84 -> 0.67 ms, cilium's: 0.66 -> 0.52, 6.1's:
 * 0.65 -> 0.54, min of 9 alternating).
 */
function scanKnownWords(w32: Int32Array, mask: number, w: number, endW: number, out: Uint32Array, kinds: Uint8Array,
  n: number): number {
  while (endW - w >= 3) {
    const info = w32[w + 1]!;
    const kind = (info >> 24) & mask;
    // known kinds are 1..MAX_KNOWN_KIND: one unsigned compare (kind 0 wraps to the top)
    if ((kind - 1) >>> 0 >= MAX_KNOWN_KIND) break;
    // kind is 1..MAX_KNOWN_KIND (< 32) here, so (kind & 15) << 1 is info's bits 24..27 one place down, and kind >= 16
    // is its bit 28: both straight from the loaded word, a step shorter on the chain than from `kind`
    const sh = (info >>> 23) & 0x1e;
    const hi = (info & 0x10000000) !== 0;
    const fix = ((hi ? FIX_HI : FIX_LO) >>> sh) & 3;
    const per = ((hi ? PER_HI : PER_LO) >>> sh) & 3;
    const next = (w + 3 + fix + Math.imul(per, info & 0xffff)) | 0;
    if (next > endW) break;
    kinds[n] = kind;
    out[n++] = w << 2;
    w = next;
  }
  scanStopWord = w;
  return n;
}

/**
 * Parses raw BTF while its bytes arrive: feed() walks the records that have fully arrived, so each piece of the
 * type section is walked while it is still in the CPU cache from being read (a 5 MB kernel BTF is larger than the
 * cache: walking it after the whole read costs about twice as much). finish() then does everything Btf.parse does
 * (every check, in the same order, with the same errors) and continues the walk where feed() stopped. feed()
 * never throws: whatever looks odd is left for finish() to report.
 */
export class BtfScan {
  private state?: ScanState;
  private stopped = false;

  /**
   * `bytes`: the whole buffer the data is being read into (its final size). `ownsBuffer`: bytes.buffer belongs to
   * this BTF alone (nobody else holds a view of it), so Btf.release may recycle it. `arena`: the bytes lie at the
   * start of this arena's memory, which the Btf then owns (ownsBuffer is ignored).
   */
  constructor(readonly bytes: Uint8Array, readonly file: string, private readonly opts: BtfParseOptions = {},
    private readonly ownsBuffer = false, private readonly arena?: ScanArena) {}

  /** Walks whatever whole records lie in bytes[0, filled). */
  feed(filled: number): void {
    if (this.stopped) return;
    const b = this.bytes;
    let st = this.state;
    if (!st) {
      if (filled < 32 && filled < b.length) return;
      const u32 = (p: number) => (b[p]! | (b[p + 1]! << 8) | (b[p + 2]! << 16) | (b[p + 3]! << 24)) >>> 0;
      // Only the common case is walked early: native-order (little-endian host), aligned, sane header.
      const hdrLen = u32(4);
      const plain = HOST_LE && b.byteOffset % 4 === 0 && b.length >= MIN_HEADER && b[0] === 0x9f && b[1] === 0xeb
        && hdrLen >= MIN_HEADER && hdrLen <= Math.min(filled, b.length) && hdrLen % 4 === 0;
      const typeOff = plain ? u32(8) : 0;
      const typeLen = plain ? u32(12) : 0;
      const start = hdrLen + typeOff;
      const maxRecords = Math.floor(typeLen / 12) + 1;
      if (!plain || typeOff % 4 !== 0 || start + typeLen > b.length || maxRecords > MAX_TYPES) {
        this.stopped = true;
        return;
      }
      const mask = hdrLen >= 32 && u32(28) > 0 ? 0x7f : 0x1f;
      const inArena = this.arena && b.byteOffset === 0 ? this.arena.tables(b.length, maxRecords) : undefined;
      st = this.state = inArena ? { start, end: start + typeLen, mask, pos: start, n: 0, ...inArena, arena: this.arena } : {
        start, end: start + typeLen, mask, pos: start, n: 0,
        out: new Uint32Array(takeBuffer(maxRecords * 4), 0, maxRecords),
        kinds: new Uint8Array(takeBuffer(maxRecords), 0, maxRecords),
      };
    }
    const limit = Math.min(st.end, filled);
    if (st.arena) {
      st.n = st.arena.walk(st.mask, st.pos >> 2, limit >> 2, st.n);
      st.pos = st.arena.stopWord << 2;
    } else {
      const w32 = new Int32Array(b.buffer, b.byteOffset, b.byteLength >>> 2);
      st.n = scanKnownWords(w32, st.mask, st.pos >> 2, limit >> 2, st.out, st.kinds, st.n);
      st.pos = scanStopWord << 2;
    }
    // Stopped short of what has arrived: an unknown kind or an overrun. finish() takes it from here.
    if (st.pos < st.end && limit - st.pos >= 12 && limit === st.end) this.stopped = true;
  }

  /** Every byte has arrived: the Btf, exactly as Btf.parse(bytes) would make it (or its BtfError). */
  finish(): Btf {
    return Btf.parseScanned(this.bytes, this.file, this.opts, this.state, this.ownsBuffer, this.arena);
  }
}

/** A base BTF's records as they lie in its bytes (see Btf.rawRecords); views only valid until release(). */
export interface RawRecords {
  /** The whole blob as host-order words. */
  readonly words: Uint32Array;
  /** Byte offset of each own type's record (index = id - 1); always a multiple of 4 here. */
  readonly offsets: Uint32Array;
  /** Kind of each own type (index = id - 1). */
  readonly kinds: Uint8Array;
  readonly bytes: Uint8Array;
  /** Byte offset of the string section in `bytes`, and its length. */
  readonly strStart: number;
  readonly strLen: number;
}

/** One BTF blob (base or split), read lazily from its bytes. */
export class Btf {
  readonly littleEndian: boolean;
  readonly header: BtfHeader;
  /** Id of the first type stored in this blob: 1 for a base, the base's typeCount for split BTF. */
  readonly startId: number;
  /** String offset at which this blob's own string section starts (non-zero only for split BTF). */
  readonly startStrOff: number;

  private readonly view: DataView;
  /** Native-endian word view of the blob when its byte order and alignment allow: much faster than DataView. */
  private readonly words?: Uint32Array;
  private readonly strStart: number;
  private readonly offsets: Uint32Array;
  /** Kind of each own type, recorded during the scan: lets kind-filtered lookups skip records with one byte load. */
  private readonly kinds: Uint8Array;
  /** Every record starts on a word boundary of `words` (host order, aligned section, sizes multiples of 4). */
  private wordAligned = false;
  /** Record sizes of kinds this reader does not know, from the layout section: [infoSize, elemSize] by kind. */
  private readonly unknownKinds?: Map<number, [number, number]>;
  private readonly kindMask: number;
  /** Decoded types; a Map because questions touch few types and a 100k-slot array costs more than it saves. */
  private readonly cache = new Map<number, BtfType>();
  private readonly strCache = new Map<number, string>();
  private index?: NameIndex;
  /** The last one-pass lookup of every kind (idsWithEssentialNames): its names are answered without a walk. */
  private found?: Map<string, number[]>;
  private lookups = 0;
  private ptrSizeCache?: number;
  /** bytes.buffer is this BTF's alone (read from a file into a buffer of its own): release() may recycle it. */
  private ownsBuffer = false;
  /** The memory bytes, offsets and kinds lie in (wasmWalk.ts): release() hands it on instead of the buffers. */
  private arena?: ScanArena;
  private released = false;
  private kindWordsCache?: Uint32Array;

  private constructor(
    readonly bytes: Uint8Array,
    readonly file: string,
    readonly base: Btf | undefined,
    scan?: ScanState,
  ) {
    if (bytes.length < MIN_HEADER) {
      throw new BtfError(`too short to be BTF: ${bytes.length} bytes, a header needs ${MIN_HEADER}`, file, 0);
    }
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const magicLe = this.view.getUint16(0, true);
    if (magicLe === BTF_MAGIC) this.littleEndian = true;
    else if (magicLe === 0x9feb) this.littleEndian = false;
    else throw new BtfError(`not BTF: magic is 0x${magicLe.toString(16).padStart(4, '0')}, expected 0xeb9f`, file, 0);
    if (this.littleEndian === HOST_LE && bytes.byteOffset % 4 === 0) {
      this.words = new Uint32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength >>> 2);
    }
    this.header = this.parseHeader();
    this.kindMask = this.header.layoutLen > 0 ? 0x7f : 0x1f;
    this.startId = base ? base.typeCount : 1;
    this.startStrOff = base ? base.startStrOff + base.header.strLen : 0;
    this.strStart = this.header.hdrLen + this.header.strOff;
    this.checkStrings();
    this.unknownKinds = this.parseLayout();
    [this.offsets, this.kinds] = this.scanTypes(scan);
  }

  /** Parses raw BTF bytes; throws BtfError on malformed input. */
  static parse(bytes: Uint8Array, file: string, opts: BtfParseOptions = {}): Btf {
    return new Btf(bytes, file, opts.base);
  }

  /** Btf.parse, continuing the record scan a BtfScan did while the bytes arrived (see BtfScan). */
  static parseScanned(bytes: Uint8Array, file: string, opts: BtfParseOptions, scan: ScanState | undefined,
    ownsBuffer = false, arena?: ScanArena): Btf {
    let btf: Btf;
    try {
      btf = new Btf(bytes, file, opts.base, scan);
    } catch (e) {
      arena?.release();
      throw e;
    }
    btf.ownsBuffer = ownsBuffer;
    btf.arena = arena;
    return btf;
  }

  /**
   * Ends this BTF's life and hands its memory to the next open (recycle.ts): what btf__free is to libbpf, for callers
   * that open, ask and drop (a loop over many kernels). Afterwards every question about it fails with an error saying
   * so, and any view of its bytes a caller kept is empty (detached), never another file's data. A split BTF over
   * this one must be released first (or not used any more).
   */
  release(): void {
    if (this.released) return;
    this.released = true;
    this.kindWordsCache = undefined;
    this.cache.clear();
    this.strCache.clear();
    this.index = undefined;
    this.found = undefined;
    if (this.arena) {
      // (bytes and tables in one wasm memory: recycleBuffer would copy it, not detach it)
      this.arena.release();
      this.arena = undefined;
      return;
    }
    if (this.ownsBuffer) recycleBuffer(this.bytes.buffer);
    recycleBuffer(this.offsets.buffer);
    recycleBuffer(this.kinds.buffer);
  }

  /**
   * The raw records of a base BTF in host byte order with word-aligned records of known kinds, for tools that copy
   * records instead of decoding them (check's slices); undefined otherwise (they then decode as usual).
   */
  rawRecords(): RawRecords | undefined {
    this.checkAlive();
    if (!this.words || !this.wordAligned || this.base || this.unknownKinds) return undefined;
    return { words: this.words, offsets: this.offsets, kinds: this.kinds, bytes: this.bytes, strStart: this.strStart,
      strLen: this.header.strLen };
  }

  /** Number of type ids, counting void and (for split BTF) every base type: valid ids are 0..typeCount-1. */
  get typeCount(): number {
    return this.startId + this.offsets.length;
  }

  /** Number of types stored in this blob itself. */
  get ownTypeCount(): number {
    return this.offsets.length;
  }

  private u32(off: number): number {
    // Records are 4-byte aligned, so the word view serves every record read when it exists.
    return this.words && (off & 3) === 0 ? this.words[off >>> 2]! : this.view.getUint32(off, this.littleEndian);
  }

  private parseHeader(): BtfHeader {
    const { file, bytes } = this;
    const hdrLen = this.u32(4);
    if (hdrLen < MIN_HEADER) throw new BtfError(`header length ${hdrLen} is below the minimum ${MIN_HEADER}`, file, 4);
    if (hdrLen > bytes.length) {
      throw new BtfError(`header length ${hdrLen} is larger than the data (${bytes.length} bytes)`, file, 4);
    }
    const version = bytes[2]!;
    if (version !== 1) throw new BtfError(`unsupported BTF version ${version} (only version 1 exists)`, file, 2);
    const h = {
      version,
      flags: bytes[3]!,
      hdrLen,
      typeOff: this.u32(8),
      typeLen: this.u32(12),
      strOff: this.u32(16),
      strLen: this.u32(20),
      layoutOff: hdrLen >= 32 ? this.u32(24) : 0,
      layoutLen: hdrLen >= 32 ? this.u32(28) : 0,
    };
    const room = bytes.length - hdrLen;
    if (h.strOff + h.strLen > room) {
      throw new BtfError(
        `string section (offset ${h.strOff}, ${h.strLen} bytes) runs past the end of the data (${room} bytes after the header)`,
        file, 16);
    }
    if (h.typeOff + h.typeLen > h.strOff) {
      throw new BtfError(`type section (offset ${h.typeOff}, ${h.typeLen} bytes) overlaps the string section at ${h.strOff}`, file, 8);
    }
    if (h.typeOff % 4 !== 0) throw new BtfError(`type section offset ${h.typeOff} is not 4-byte aligned`, file, 8);
    if (h.layoutLen > 0) {
      if (h.layoutOff % 4 !== 0 || h.layoutLen % 4 !== 0) {
        throw new BtfError('kind layout section is not 4-byte aligned', file, 24);
      }
      if (h.layoutOff < h.typeOff + h.typeLen || h.layoutOff + h.layoutLen > h.strOff) {
        throw new BtfError('kind layout section must lie between the type and string sections', file, 24);
      }
    }
    return h;
  }

  private checkStrings(): void {
    const { header: h, file, bytes } = this;
    if (h.strLen === 0) {
      if (!this.base) throw new BtfError('string section is empty', file, 20);
      return;
    }
    if (bytes[this.strStart + h.strLen - 1] !== 0) {
      throw new BtfError('string section does not end with a NUL byte', file, this.strStart + h.strLen - 1);
    }
    if (!this.base && bytes[this.strStart] !== 0) {
      throw new BtfError('string section does not start with the empty string', file, this.strStart);
    }
  }

  private parseLayout(): Map<number, [number, number]> | undefined {
    const { header: h } = this;
    if (h.layoutLen === 0) return undefined;
    const m = new Map<number, [number, number]>();
    const start = h.hdrLen + h.layoutOff;
    for (let k = 0; k * 4 < h.layoutLen; k++) {
      const p = start + k * 4;
      if (k > MAX_KNOWN_KIND) m.set(k, [this.bytes[p]!, this.bytes[p + 1]!]);
    }
    // (a layout naming only kinds this reader knows changes nothing: the shared size table serves, no copy per open)
    return m.size > 0 ? m : undefined;
  }

  /**
   * Walks the type section once, recording where each record starts and checking that each fits. `scan`: records
   * already walked while the bytes arrived (same header, same rules), continued from where it stopped.
   */
  private scanTypes(scan?: ScanState): [Uint32Array, Uint8Array] {
    const { header: h, file } = this;
    const start = h.hdrLen + h.typeOff;
    const end = start + h.typeLen;
    const maxRecords = Math.floor(h.typeLen / 12) + 1;
    // Checked before allocating: the offset table is the one allocation that grows with the input.
    if (maxRecords > MAX_TYPES) throw new BtfError(`type section of ${h.typeLen} bytes: more than ${MAX_TYPES} types, refusing`, file, 12);
    const sizes = this.recordSizes();
    const mask = this.kindMask;
    const words = this.words;
    const resume = scan && scan.start === start && scan.end === end && scan.mask === mask && scan.out.length >= maxRecords;
    // Uninitialised memory (no zero-fill of a table sized for the worst case): only slots below n are ever read.
    const out = resume ? scan.out : new Uint32Array(takeBuffer(maxRecords * 4), 0, maxRecords);
    const kinds = resume ? scan.kinds : new Uint8Array(takeBuffer(maxRecords), 0, maxRecords);
    let pos = resume ? scan.pos : start;
    let n = resume ? scan.n : 0;
    if (words && start % 4 === 0 && sizes.aligned) {
      this.wordAligned = true;
      // The hot loop of every open (100k+ records): one word load and one table load per record, in word units and
      // int32 arithmetic (no float conversions on the chain from one record to the next). Anything odd (a cut-off
      // record, an unknown kind, a record running past the end) leaves it; the checks below say what.
      const packed = sizes.packedWords;
      const w32 = new Int32Array(words.buffer, words.byteOffset, words.length);
      n = sizes === RECORD_SIZES
        ? scanKnownWords(w32, mask, pos >> 2, end >> 2, out, kinds, n)
        : scanWords(w32, packed, mask, pos >> 2, end >> 2, out, kinds, n);
      pos = scanStopWord << 2;
    }
    const { fixed, perVlen } = sizes;
    while (pos < end) {
      if (end - pos < 12) throw new BtfError(`type record #${this.startId + n} is cut off (${end - pos} bytes left)`, file, pos);
      const info = this.view.getUint32(pos + 4, this.littleEndian);
      const kind = (info >>> 24) & mask;
      const f = fixed[kind]!;
      if (f < 0) {
        throw new BtfError(
          `type #${this.startId + n} has unknown kind ${kind}${kind === 0 ? ' (UNKN is not a valid stored kind)' : ''}`, file, pos + 4);
      }
      const next = pos + 12 + f + perVlen[kind]! * (info & 0xffff);
      if (next > end) throw new BtfError(`type #${this.startId + n} (${kindName(kind)}) runs past the end of the type section`, file, pos);
      kinds[n] = kind;
      out[n++] = pos;
      pos = next;
    }
    return [out.subarray(0, n), kinds.subarray(0, n)];
  }

  /** Record sizes by kind for this file (its layout section may describe kinds this reader does not know). */
  private recordSizes(): RecordSizes {
    if (!this.unknownKinds) return RECORD_SIZES;
    const fixed = RECORD_SIZES.fixed.slice();
    const perVlen = RECORD_SIZES.perVlen.slice();
    for (const [k, [info, elem]] of this.unknownKinds) {
      fixed[k] = info;
      perVlen[k] = elem;
    }
    return recordSizes(fixed, perVlen);
  }

  /** The kinds table four to a word (it starts on a word boundary: its buffer is its own), for nextOfKind. */
  private kindWords(): Uint32Array | undefined {
    const k = this.kinds;
    if (k.byteOffset % 4 !== 0) return undefined;
    return (this.kindWordsCache ??= new Uint32Array(k.buffer, k.byteOffset, k.length >>> 2));
  }

  /** Scans over a released BTF would see no records: say why instead of answering "absent". */
  private checkAlive(): void {
    if (this.released) throw new BtfError('name lookup in a BTF that was released (its memory went to another open)', this.file);
  }

  // ---- strings -------------------------------------------------------------------------------------------

  /** Locates a string: which blob holds it and its byte range there. Throws on an out-of-range offset. */
  strRange(off: number): { btf: Btf; start: number; end: number } {
    if (off < this.startStrOff) return this.base!.strRange(off);
    const rel = off - this.startStrOff;
    if (rel >= this.header.strLen) {
      throw new BtfError(`string offset ${off} is outside the string section (${this.startStrOff + this.header.strLen} bytes)`,
        this.file, this.strStart);
    }
    const start = this.strStart + rel;
    const end = this.bytes.indexOf(0, start); // the section ends with NUL, so this stays inside it
    return { btf: this, start, end };
  }

  /** The string at `off` (a name_off or similar). */
  str(off: number): string {
    if (off === 0) return '';
    if (off < this.startStrOff) return this.base!.str(off);
    let s = this.strCache.get(off);
    if (s === undefined) {
      const r = this.strRange(off);
      s = decodeName(this.bytes, r.start, r.end);
      this.strCache.set(off, s);
    }
    return s;
  }

  // ---- raw per-type accessors (no allocation; used by scans) ---------------------------------------------

  private recordOffset(id: number): number {
    const idx = id - this.startId;
    if (idx < 0 || idx >= this.offsets.length || !Number.isInteger(id)) {
      if (this.released) throw new BtfError(`type id ${id} asked of a BTF that was released (its memory went to another open)`, this.file);
      throw new BtfError(`type id ${id} is out of range (valid ids: 0..${this.typeCount - 1})`, this.file);
    }
    return this.offsets[idx]!;
  }

  /** Kind number of type `id` (0 for void). */
  kind(id: number): number {
    if (id === 0) return Kind.Void;
    if (id < this.startId) return this.base!.kind(id);
    this.recordOffset(id); // range check with a clear error
    return this.kinds[id - this.startId]!;
  }

  /** name_off of type `id`. */
  nameOff(id: number): number {
    if (id === 0) return 0;
    if (id < this.startId) return this.base!.nameOff(id);
    return this.u32(this.recordOffset(id));
  }

  /** Name of type `id` ("" when anonymous). */
  name(id: number): string {
    return this.str(this.nameOff(id));
  }

  /** The blob (this one or a base) that stores type `id`. */
  owner(id: number): Btf {
    return id !== 0 && id < this.startId ? this.base!.owner(id) : this;
  }

  // ---- decoded types -------------------------------------------------------------------------------------

  /** Decodes type `id` (cached). Throws BtfError for an id out of range or a malformed record. */
  type(id: number): BtfType {
    if (id === 0) return VOID;
    if (id < this.startId) {
      if (!this.base) throw new BtfError(`type id ${id} is out of range`, this.file);
      return this.base.type(id);
    }
    const cached = this.cache.get(id);
    if (cached) return cached;
    const t = this.decode(id, this.recordOffset(id));
    this.cache.set(id, t);
    return t;
  }

  private decode(id: number, pos: number): BtfType {
    const nameOff = this.u32(pos);
    const info = this.u32(pos + 4);
    const st = this.u32(pos + 8);
    const kind = (info >>> 24) & this.kindMask;
    const vlen = info & 0xffff;
    const kflag = (info >>> 31) === 1;
    const name = this.str(nameOff);
    const p = pos + 12;
    switch (kind) {
      case Kind.Int: {
        const v = this.u32(p);
        return { id, name, kind, size: st, encoding: (v >>> 24) & 0x0f, bitOffset: (v >>> 16) & 0xff, bits: v & 0xff };
      }
      case Kind.Ptr: return { id, name, kind, type: st };
      case Kind.Array:
        return { id, name, kind, elemType: this.u32(p), indexType: this.u32(p + 4), nelems: this.u32(p + 8) };
      case Kind.Struct: case Kind.Union: {
        const members: Member[] = new Array(vlen);
        for (let i = 0; i < vlen; i++) {
          const m = p + 12 * i;
          const off = this.u32(m + 8);
          members[i] = {
            name: this.str(this.u32(m)),
            type: this.u32(m + 4),
            bitOffset: kflag ? off & 0xffffff : off,
            bitfieldSize: kflag ? off >>> 24 : 0,
          };
        }
        return { id, name, kind, size: st, kindFlag: kflag, members };
      }
      case Kind.Enum: {
        const values: Enumerator[] = new Array(vlen);
        for (let i = 0; i < vlen; i++) {
          values[i] = { name: this.str(this.u32(p + 8 * i)), value: BigInt(this.view.getInt32(p + 8 * i + 4, this.littleEndian)) };
        }
        return { id, name, kind, size: st, signed: kflag, values };
      }
      case Kind.Enum64: {
        const values: Enumerator[] = new Array(vlen);
        for (let i = 0; i < vlen; i++) {
          const e = p + 12 * i;
          const v = (BigInt(this.u32(e + 8)) << 32n) | BigInt(this.u32(e + 4));
          values[i] = { name: this.str(this.u32(e)), value: kflag ? BigInt.asIntN(64, v) : v };
        }
        return { id, name, kind, size: st, signed: kflag, values };
      }
      case Kind.Fwd: return { id, name, kind, isUnion: kflag };
      case Kind.Typedef: case Kind.Volatile: case Kind.Const: case Kind.Restrict: case Kind.TypeTag:
        return { id, name, kind, type: st };
      case Kind.Func: return { id, name, kind, type: st, linkage: vlen };
      case Kind.FuncProto: {
        const params: Param[] = new Array(vlen);
        for (let i = 0; i < vlen; i++) params[i] = { name: this.str(this.u32(p + 8 * i)), type: this.u32(p + 8 * i + 4) };
        return { id, name, kind, returnType: st, params };
      }
      case Kind.Var: return { id, name, kind, type: st, linkage: this.u32(p) };
      case Kind.Datasec: {
        const vars: DatasecVar[] = new Array(vlen);
        for (let i = 0; i < vlen; i++) {
          vars[i] = { type: this.u32(p + 12 * i), offset: this.u32(p + 12 * i + 4), size: this.u32(p + 12 * i + 8) };
        }
        return { id, name, kind, size: st, vars };
      }
      case Kind.Float: return { id, name, kind, size: st };
      case Kind.DeclTag: return { id, name, kind, type: st, componentIdx: this.view.getInt32(p, this.littleEndian) };
      default:
        throw new BtfError(`type #${id} has kind ${kind}, which this reader cannot decode`, this.file, pos + 4);
    }
  }

  /** Decodes `id` and checks that it is a struct or union. */
  composite(id: number): CompositeType {
    const t = this.type(id);
    if (t.kind !== Kind.Struct && t.kind !== Kind.Union) {
      throw new BtfError(`type #${id} is a ${kindName(t.kind)}, not a struct or union`, this.file);
    }
    return t;
  }

  // ---- resolution helpers --------------------------------------------------------------------------------

  /** Follows const/volatile/restrict/type tags (and typedefs when asked) to the first other type. */
  skipModifiers(id: number, typedefs = true): number {
    for (let depth = 0; depth <= MAX_RESOLVE_DEPTH * 8; depth++) {
      const k = this.kind(id);
      if (!(isModifierKind(k) || (typedefs && k === Kind.Typedef))) return id;
      id = (this.type(id) as { type: number }).type;
    }
    throw new BtfError(`type reference loop (or a chain of more than ${MAX_RESOLVE_DEPTH * 8} modifiers) at type #${id}`, this.file);
  }

  /** Pointer size of this BTF's target, inferred the way libbpf does (from `long`), else 8. */
  get pointerSize(): number {
    if (this.ptrSizeCache !== undefined) return this.ptrSizeCache;
    let size = this.base ? this.base.pointerSize : 0;
    if (!this.base) {
      for (let id = 1; id < this.typeCount && size === 0; id++) {
        if (this.kind(id) !== Kind.Int) continue;
        const t = this.type(id) as { size: number; name: string };
        if ((t.size === 4 || t.size === 8) && LONG_NAMES.has(t.name)) size = t.size;
      }
      if (size === 0) size = 8;
    }
    this.ptrSizeCache = size;
    return size;
  }

  /** Size in bytes of type `id` as libbpf's btf__resolve_size computes it; undefined when it has none. */
  resolveSize(id: number): number | undefined {
    let nelems = 1;
    for (let depth = 0; depth < MAX_RESOLVE_DEPTH; depth++) {
      const t = this.type(id);
      switch (t.kind) {
        case Kind.Int: case Kind.Struct: case Kind.Union: case Kind.Enum: case Kind.Enum64: case Kind.Datasec:
        case Kind.Float: {
          const size = t.size * nelems;
          return size > 0xffffffff ? undefined : size;
        }
        case Kind.Ptr: {
          const size = this.pointerSize * nelems;
          return size > 0xffffffff ? undefined : size;
        }
        case Kind.Typedef: case Kind.Volatile: case Kind.Const: case Kind.Restrict: case Kind.Var: case Kind.DeclTag:
        case Kind.TypeTag:
          id = t.type;
          break;
        case Kind.Array:
          if (nelems !== 0 && t.nelems > Math.floor(0xffffffff / nelems)) return undefined;
          nelems *= t.nelems;
          id = t.elemType;
          break;
        default:
          return undefined;
      }
    }
    return undefined;
  }

  /** Alignment in bytes of type `id` (1 for packed structs), as a C compiler for the target would use. */
  alignOf(id: number, depth = 0): number {
    if (depth > MAX_RESOLVE_DEPTH) return 1;
    const t = this.type(id);
    switch (t.kind) {
      case Kind.Int: case Kind.Enum: case Kind.Enum64: case Kind.Float:
        return Math.max(1, Math.min(this.pointerSize, t.size));
      case Kind.Ptr: return this.pointerSize;
      case Kind.Typedef: case Kind.Volatile: case Kind.Const: case Kind.Restrict: case Kind.TypeTag:
        return this.alignOf(t.type, depth + 1);
      case Kind.Array: return this.alignOf(t.elemType, depth + 1);
      case Kind.Struct: case Kind.Union: {
        let align = 1;
        for (const m of t.members) {
          const a = this.alignOf(m.type, depth + 1);
          // A member placed off its natural alignment means the struct is packed.
          if (m.bitfieldSize === 0 && m.bitOffset % (8 * a) !== 0) return 1;
          align = Math.max(align, a);
        }
        if (t.size % align !== 0) return 1;
        return align;
      }
      default: return 1;
    }
  }

  // ---- name lookup ---------------------------------------------------------------------------------------

  /**
   * First type named exactly `name` (of `kind`, when given), searching the base first like libbpf. Returns 0
   * when absent. Early queries scan the bytes directly (cheap, no index); after a few, an index is built.
   */
  findByName(name: string, kind?: number): number {
    this.checkAlive();
    if (this.base) {
      const b = this.base.findByName(name, kind);
      if (b) return b;
    }
    const ids = this.ownIdsWithEssentialName(essentialName(name), name, kind, true);
    return ids[0] ?? 0;
  }

  /** All type ids of this blob (not the base) whose essential name (see `essentialName`) equals `essential`. */
  idsWithEssentialName(essential: string): number[] {
    return this.ownIdsWithEssentialName(essential);
  }

  /**
   * Ids (of this blob, ascending) for several essential names in ONE pass over the records, without building the
   * name index: what a one-shot job (slicing a target, relocating an object) needs, at a fraction of the index's
   * cost. With `kinds`, only types of those kinds (kinds >= 32 cannot be filtered: then every kind is kept).
   */
  idsWithEssentialNames(names: Iterable<string>, kinds?: Iterable<number>): Map<string, number[]> {
    this.checkAlive();
    const out = new Map<string, number[]>();
    const wants = [...new Set(names)].map((name) => ({ name, bytes: Buffer.from(name, 'utf8') })).filter((w) => w.bytes.length > 0);
    for (const w of wants) out.set(w.name, []);
    // Optional kind filter: a record of another kind is skipped with one byte load, its name never touched.
    let kindMask = -1;
    if (kinds) {
      kindMask = 0;
      for (const k of kinds) kindMask |= k >= 0 && k < 32 ? 1 << k : -1;
    }
    if (this.index) {
      for (const w of wants) {
        out.set(w.name, this.ownIdsWithEssentialName(w.name).filter((id) => kindWanted(kindMask, this.kind(id))));
      }
      return out;
    }
    // Every kind's ids are remembered, so a later single lookup of one of these names needs no walk of its own
    // (check slices a target, then asks it for pt_regs: one pass serves both).
    if (kindMask === -1) this.found = out;
    const { bytes, offsets, startStrOff, strStart, kinds: ownKinds, words } = this;
    const ownStrEnd = startStrOff + this.header.strLen;
    if (words && this.wordAligned) {
      // Wants chained by a hash of their first two bytes (a one-byte want under both spellings its records can
      // have: "x" and "x___flavor"); the walk, a small function V8 optimises well, stops only at records whose
      // first two bytes hash to a chain. Bucketing by the first byte alone left ~60 wants in a few long lists.
      const heads = new Int32Array(PAIR_BUCKETS);
      const next = new Int32Array(wants.length);
      const chain = (h: number, wi: number) => {
        next[wi] = heads[h]!;
        heads[h] = wi + 1;
      };
      const wantBytes: Uint8Array[] = [];
      const lists: number[][] = [];
      for (let wi = 0; wi < wants.length; wi++) {
        const b = wants[wi]!.bytes;
        wantBytes.push(b);
        lists.push(out.get(wants[wi]!.name)!);
        if (b.length > 1) chain(pairHash(b[0]!, b[1]!), wi);
        else {
          chain(pairHash(b[0]!, 0), wi);
          if (pairHash(b[0]!, 0x5f) !== pairHash(b[0]!, 0)) chain(pairHash(b[0]!, 0x5f), wi);
        }
      }
      this.walkNamePairs(new Int32Array(words.buffer, words.byteOffset, words.length), heads, next, wantBytes, lists, kindMask);
      return out;
    }
    const byFirst: (typeof wants)[] = new Array(256);
    for (const w of wants) (byFirst[w.bytes[0]!] ??= []).push(w);
    for (let i = 0; i < offsets.length; i++) {
      if (!kindWanted(kindMask, ownKinds[i]!)) continue;
      // (words exist only in host order; one load, no DataView call, for a record on a word boundary)
      const rec = offsets[i]!;
      const nameOff = words && (rec & 3) === 0 ? words[rec >>> 2]! : this.u32(rec);
      if (nameOff === 0) continue;
      let p: number;
      let src = bytes;
      if (nameOff >= startStrOff && nameOff < ownStrEnd) p = strStart + nameOff - startStrOff;
      else {
        const r = this.strRange(nameOff);
        p = r.start;
        src = r.btf.bytes;
      }
      const list = byFirst[src[p]!];
      if (!list) continue;
      for (const w of list) if (bytesEqual(src, p, w.bytes)) this.pushIfNameMatches(out.get(w.name)!, this.startId + i, w.bytes);
    }
    return out;
  }

  /**
   * idsWithEssentialNames' walk over word-aligned records: each record whose name's first two bytes hash to a chain
   * of wants is compared with those wants. A function of its own, taking only typed arrays and plain arrays, so that
   * V8 optimises this loop alone: inside idsWithEssentialNames its optimised code also held the set-up (Set, map,
   * Buffer.from), whose changing object shapes threw it away twice per process, and each recompilation of that large
   * function cost more background compiler time than a dozen archives' walks (--trace-opt over 166 archives).
   */
  private walkNamePairs(w32: Int32Array, heads: Int32Array, next: Int32Array, wantBytes: readonly Uint8Array[],
    lists: readonly number[][], kindMask: number): void {
    const { bytes, offsets, startStrOff, strStart, kinds: ownKinds } = this;
    const ownStrEnd = startStrOff + this.header.strLen;
    const strBase = strStart - startStrOff;
    for (let i = 0; ; i++) {
      i = nextPairCandidate(w32, offsets, ownKinds, kindMask, i, bytes, startStrOff, ownStrEnd, strBase, heads);
      if (i < 0) break;
      const nameOff = w32[offsets[i]! >>> 2]! >>> 0;
      let p = strBase + nameOff;
      let src = bytes;
      if (nameOff < startStrOff || nameOff >= ownStrEnd) {
        const r = this.strRange(nameOff);
        p = r.start;
        src = r.btf.bytes;
      }
      for (let wi = heads[pairHash(src[p]!, src[p + 1]!)]! - 1; wi >= 0; wi = next[wi]! - 1) {
        if (bytesEqual(src, p, wantBytes[wi]!)) this.pushIfNameMatches(lists[wi]!, this.startId + i, wantBytes[wi]!);
      }
    }
  }

  /** Ids in ascending order; with `firstOnly`, the scan stops at the first match (as btf__find_by_name_kind does). */
  private ownIdsWithEssentialName(essential: string, exact?: string, kind?: number, firstOnly = false): number[] {
    this.checkAlive();
    const want = Buffer.from(essential, 'utf8');
    const known = this.index ? undefined : this.found?.get(essential);
    if (known) {
      const out: number[] = [];
      for (const id of known) {
        if (kind === undefined || this.kind(id) === kind) this.pushIfNameMatches(out, id, want, exact);
        if (firstOnly && out.length > 0) break;
      }
      return out;
    }
    if (!this.index && ++this.lookups > 4) this.index = buildNameIndex(this);
    const out: number[] = [];
    if (this.index) {
      const { heads, next, mask } = this.index;
      for (let i = heads[hashBytes(want, 0, want.length) & mask]!; i !== -1; i = next[i]!) {
        const id = this.startId + i;
        if (kind === undefined || this.kind(id) === kind) this.pushIfNameMatches(out, id, want, exact);
      }
      out.sort((a, b) => a - b);
      return out;
    }
    // Linear scan over the raw records, like libbpf's btf__find_by_name_kind, comparing name bytes in place.
    const { bytes, offsets, kinds, startStrOff, strStart, words } = this;
    const ownStrEnd = startStrOff + this.header.strLen;
    const first = want[0]!;
    const last = want[want.length - 1]!;
    const wantKind = kind ?? -1;
    const kindWords = wantKind >= 0 ? this.kindWords() : undefined;
    if (words && this.wordAligned && (wantKind < 0 || kindWords)) {
      // The common case (host-order, aligned): a small function of typed arrays and integers, which V8 compiles once
      // and well; inlined here, the same loop stayed in baseline code (60 ns a struct: 0.5 ms to reach a late one).
      const w32 = new Int32Array(words.buffer, words.byteOffset, words.length);
      const kw = kindWords ? new Int32Array(kindWords.buffer, kindWords.byteOffset, kindWords.length) : w32;
      const strBase = strStart - startStrOff;
      for (let i = 0; ; i++) {
        i = nextNameCandidate(w32, offsets, kinds, kw, wantKind, i, bytes, startStrOff, ownStrEnd, strBase, first, last, want.length);
        if (i < 0) break;
        this.pushIfNameMatches(out, this.startId + i, want, exact);
        if (firstOnly && out.length > 0) break;
      }
      return out;
    }
    for (let i = 0; i < offsets.length; i++) {
      if (wantKind >= 0 && kinds[i] !== wantKind) {
        i = nextOfKind(kinds, kindWords, wantKind, i + 1);
        if (i < 0) break;
      }
      const rec = offsets[i]!;
      const nameOff = words && (rec & 3) === 0 ? words[rec >>> 2]! : this.u32(rec);
      if (nameOff === 0) continue;
      if (nameOff >= startStrOff && nameOff < ownStrEnd) {
        const p = strStart + nameOff - startStrOff;
        if (bytes[p] !== first || bytes[p + want.length - 1] !== last) continue;
      }
      this.pushIfNameMatches(out, this.startId + i, want, exact);
      if (firstOnly && out.length > 0) break;
    }
    return out;
  }

  private pushIfNameMatches(out: number[], id: number, want: Uint8Array, exact?: string): void {
    const r = this.strRange(this.nameOff(id));
    const len = essentialLength(r.btf.bytes, r.start, r.end);
    if (len !== want.length || !bytesEqual(r.btf.bytes, r.start, want)) return;
    if (exact !== undefined && this.name(id) !== exact) return;
    out.push(id);
  }
}

/**
 * Index of the first type of kind `k` at or after `i`, or -1: a name lookup by kind skips the other kinds four at a
 * time (SWAR: a word whose bytes are XORed with k has a zero byte exactly where a kind equals k), which makes finding
 * a late struct (task_struct is #95333 in some kernels) cost less than libbpf's record-by-record walk.
 */
function nextOfKind(kinds: Uint8Array, words: Uint32Array | undefined, k: number, i: number): number {
  const n = kinds.length;
  if (words) {
    while (i < n && (i & 3) !== 0) {
      if (kinds[i] === k) return i;
      i++;
    }
    const pattern = Math.imul(k, 0x01010101);
    const wn = words.length;
    let j = i >>> 2;
    for (; j < wn; j++) {
      const x = words[j]! ^ pattern;
      if ((((x - 0x01010101) | 0) & ~x & 0x80808080) !== 0) break;
    }
    // (never backwards: the alignment walk may already have reached an unaligned end)
    i = j < wn ? j << 2 : Math.max(i, wn << 2);
  }
  for (; i < n; i++) if (kinds[i] === k) return i;
  return -1;
}

/**
 * Index (>= i) of the next record that may carry the wanted name: of kind `k` (any kind when k < 0), named, and, when
 * its name lies in this blob's strings (at strBase + nameOff), with the wanted first and last bytes; -1 at the end.
 * Records are word-aligned here (w32 is the blob's host-order word view); `kw` is the kinds table four to a word.
 * The caller checks candidates fully, so this only has to be cheap and never skip a real match.
 */
function nextNameCandidate(w32: Int32Array, offsets: Uint32Array, kinds: Uint8Array, kw: Int32Array, k: number,
  i: number, bytes: Uint8Array, strLo: number, strHi: number, strBase: number, first: number, last: number,
  len: number): number {
  const n = offsets.length;
  const pattern = Math.imul(k, 0x01010101);
  const kwn = kw.length;
  while (i < n) {
    if (k >= 0 && kinds[i] !== k) {
      // Skip four kinds a word (SWAR, see nextOfKind) once aligned.
      i++;
      if ((i & 3) !== 0) continue;
      let j = i >>> 2;
      for (; j < kwn; j++) {
        const x = kw[j]! ^ pattern;
        if ((((x - 0x01010101) | 0) & ~x & 0x80808080) !== 0) break;
      }
      if (j << 2 > i) i = j << 2;
      continue;
    }
    const nameOff = w32[offsets[i]! >>> 2]! >>> 0;
    if (nameOff !== 0) {
      if (nameOff < strLo || nameOff >= strHi) return i;
      const p = strBase + nameOff;
      if (bytes[p] === first && bytes[p + len - 1] === last) return i;
    }
    i++;
  }
  return -1;
}

/** Buckets of the first-two-bytes hash idsWithEssentialNames chains its wants by (a power of two). */
const PAIR_BUCKETS = 4096;

/** Hash of a name's first two bytes (the second is 0 for a one-byte name). */
function pairHash(b0: number, b1: number): number {
  return ((b0 << 5) ^ b1) & (PAIR_BUCKETS - 1);
}

/**
 * Index (>= i) of the next record of a wanted kind (`kindMask`: bit k for kind k; -1 for all) whose name's first two
 * bytes hash to a non-empty bucket of `heads`, or whose name lies outside this blob's strings (the caller looks it
 * up); -1 at the end. Word-aligned records only (as nextNameCandidate).
 */
function nextPairCandidate(w32: Int32Array, offsets: Uint32Array, kinds: Uint8Array, kindMask: number, i: number,
  bytes: Uint8Array, strLo: number, strHi: number, strBase: number, heads: Int32Array): number {
  const n = offsets.length;
  for (; i < n; i++) {
    if (kindMask !== -1) {
      const k = kinds[i]!;
      if (k >= 32 || (kindMask & (1 << k)) === 0) continue;
    }
    const nameOff = w32[offsets[i]! >>> 2]! >>> 0;
    if (nameOff === 0) continue;
    if (nameOff < strLo || nameOff >= strHi) return i;
    const p = strBase + nameOff;
    if (heads[((bytes[p]! << 5) ^ bytes[p + 1]!) & (PAIR_BUCKETS - 1)] !== 0) return i;
  }
  return -1;
}

/** Whether kind `k` passes a kind mask (-1: every kind; kinds beyond 31 pass only that). */
function kindWanted(mask: number, k: number): boolean {
  return mask === -1 || (k < 32 && (mask & (1 << k)) !== 0);
}

interface NameIndex {
  heads: Int32Array;
  next: Int32Array;
  mask: number;
}

/** Hash chains over the essential names of all named types of one blob, in typed arrays (no strings). */
function buildNameIndex(btf: Btf): NameIndex {
  const n = btf.ownTypeCount;
  let size = 1;
  while (size < n * 2) size <<= 1;
  const heads = new Int32Array(size).fill(-1);
  const next = new Int32Array(n).fill(-1);
  const mask = size - 1;
  // Insert in descending id order so that chains come out ascending when walked.
  for (let i = n - 1; i >= 0; i--) {
    const nameOff = btf.nameOff(btf.startId + i);
    if (nameOff === 0) continue;
    const r = btf.strRange(nameOff);
    const len = essentialLength(r.btf.bytes, r.start, r.end);
    const h = hashBytes(r.btf.bytes, r.start, r.start + len) & mask;
    next[i] = heads[h]!;
    heads[h] = i;
  }
  return { heads, next, mask };
}

function hashBytes(b: Uint8Array, start: number, end: number): number {
  let h = 0x811c9dc5;
  for (let i = start; i < end; i++) h = Math.imul(h ^ b[i]!, 0x01000193);
  return h >>> 0;
}

function bytesEqual(b: Uint8Array, start: number, want: Uint8Array): boolean {
  for (let i = 0; i < want.length; i++) if (b[start + i] !== want[i]) return false;
  return true;
}

/**
 * Node's native Latin-1 decoder, which works on any Uint8Array (Buffer.toString uses it): for ASCII bytes it equals
 * UTF-8 decoding, at half the cost of String.fromCharCode over a subarray and with no view to allocate.
 */
const latin1Slice = (Buffer.prototype as unknown as { latin1Slice?: (this: Uint8Array, start: number, end: number) => string }).latin1Slice;

function decodeName(b: Uint8Array, start: number, end: number): string {
  // Names are nearly always ASCII; building short strings by hand beats TextDecoder's call overhead.
  if (end - start < 64) {
    let ascii = true;
    for (let i = start; i < end; i++) if (b[i]! >= 0x80) { ascii = false; break; }
    if (ascii) {
      return latin1Slice ? latin1Slice.call(b, start, end) : String.fromCharCode.apply(null, b.subarray(start, end) as unknown as number[]);
    }
  }
  return utf8.decode(b.subarray(start, end));
}

/**
 * Length of the CO-RE "essential" part of a name held in bytes [start, end): the name without a trailing
 * `___flavor`. Mirrors libbpf's bpf_core_essential_name_len: the right-most X___Y with X, Y not '_'.
 */
export function essentialLength(b: Uint8Array, start: number, end: number): number {
  const n = end - start;
  for (let i = n - 5; i >= 0; i--) {
    const p = start + i;
    if (b[p] !== 0x5f && b[p + 1] === 0x5f && b[p + 2] === 0x5f && b[p + 3] === 0x5f && b[p + 4] !== 0x5f) {
      return i + 1;
    }
  }
  return n;
}

/** The essential name of a CO-RE type or enumerator name: `task_struct___o` → `task_struct`. */
export function essentialName(name: string): string {
  const b = Buffer.from(name, 'utf8');
  return b.subarray(0, essentialLength(b, 0, b.length)).toString('utf8');
}
