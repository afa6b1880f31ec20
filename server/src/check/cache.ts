// The check cache: per target archive, the slice of its BTF covering the type names programs have asked about.
//
// Key: the archive's absolute path, size and mtime (a stat, never a read), so an unchanged archive is never
// re-read. Entry: the names covered, the slice's BTF, and the slice → original id map. A program edit that keeps to
// covered names is served from the cache; one that adds a root type re-reads each archive once, and the new entry
// covers the old names plus the new ones (entries only grow), so later edits are served again.
// Entries are written to a temporary file and renamed: concurrent runs (CI shards, two workers) never see a torn one.
// Each entry carries a SHA-256 of its contents: a corrupt entry (disk error, a partial copy of a cache directory) is
// a miss, and the fresh read replaces it, instead of a good archive being reported unreadable on every run.
// Failures are cached like successes, under the same key: a file that is not BTF is not re-read on every warm run
// (I/O errors such as "permission denied" are not cached: they can change without the file changing).

import * as crypto from 'crypto';
import * as fsCb from 'fs';
import { promises as fs } from 'fs';
import * as path from 'path';
import { promisify } from 'util';
import { threadId } from 'worker_threads';
import { defaultCacheRoot } from '../util/cacheFiles';
import { InputError, limitBytes, readInput } from '../util/files';
import { Slice } from './slice';

/** Bump when the slice rules or the entry format change: old entries are then simply not found. */
const FORMAT = 'check-v2';
const MAGIC = Buffer.from('CLSLICE2');
const HEADER = 8 + 4 + 32; // magic, meta length, SHA-256 of everything after the header

/** Where the cache lives by default: `$XDG_CACHE_HOME/corelens` (or `~/.cache/corelens`). */
export const defaultCacheDir = defaultCacheRoot;

/** What identifies one version of a target file without reading it. */
export interface FileStamp {
  readonly path: string;
  readonly size: number;
  readonly mtimeMs: number;
}

export interface CacheEntry extends Slice {
  readonly stamp: FileStamp;
  readonly names: readonly string[];
  /** The arch the full BTF's `struct pt_regs` says (absent: none, or an entry written before arches were kept). */
  readonly arch?: string;
}

/** A cached failure: this file version could not be read as BTF, and why (the message reported). */
export interface CachedFailure {
  readonly stamp: FileStamp;
  readonly error: string;
}

/** What a failure depends on besides the file itself: the size caps in force when it was found. */
function failureContext(): string {
  return `btf=${limitBytes('btf')};decompressed=${limitBytes('decompressed')}`;
}

/** Stats a file into a stamp; throws the fs error (ENOENT...) for the caller to report. */
export async function stampOf(file: string): Promise<FileStamp> {
  const st = await fs.stat(file);
  return { path: path.resolve(file), size: st.size, mtimeMs: st.mtimeMs };
}

/** One cache directory; safe to use from several workers and processes at once. */
export class SliceCache {
  readonly dir: string;
  /** Entry file per target path: a cold target asks twice (get, then put), a warm run's edit check again. */
  private readonly files = new Map<string, string>();
  constructor(root: string) {
    this.dir = path.join(root, FORMAT);
  }

  private fileFor(absPath: string): string {
    let file = this.files.get(absPath);
    if (file === undefined) {
      const h = crypto.createHash('sha256').update(absPath).digest('hex').slice(0, 40);
      this.files.set(absPath, (file = path.join(this.dir, h.slice(0, 2), `${h}.slice`)));
    }
    return file;
  }

  /**
   * The entry for this exact file version, or undefined (missing, stale, unreadable or corrupt: all misses; the
   * caller's put replaces a corrupt one). A cached failure is returned as such.
   */
  async get(stamp: FileStamp): Promise<CacheEntry | CachedFailure | undefined> {
    let buf: Buffer;
    try {
      const bytes = await readInput(this.fileFor(stamp.path), 'cache');
      buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    } catch {
      return undefined;
    }
    const d = decodeEntry(buf);
    if (!d) return undefined;
    const s = d.meta.stamp as FileStamp | undefined;
    if (!s || s.path !== stamp.path || s.size !== stamp.size || s.mtimeMs !== stamp.mtimeMs) return undefined;
    if (typeof d.meta.error === 'string') return d.meta.context === failureContext() ? { stamp: s, error: d.meta.error } : undefined;
    if (!d.slice) return undefined;
    return { stamp: s, ...d.slice };
  }

  /** Stores an entry (atomically); failures to write are returned, never thrown: a cache must not fail a check. */
  async put(entry: CacheEntry): Promise<string | undefined> {
    const ids = Buffer.alloc(4 * entry.ids.length);
    entry.ids.forEach((v, i) => ids.writeUInt32LE(v, 4 * i));
    return this.write(entry.stamp, { stamp: entry.stamp, names: entry.names, count: entry.ids.length, ...(entry.arch ? { arch: entry.arch } : {}) }, [ids, entry.bytes]);
  }

  /** Remembers that this file version is not readable BTF (same key as a success). */
  async putFailure(stamp: FileStamp, error: string): Promise<string | undefined> {
    return this.write(stamp, { stamp, error, context: failureContext() }, []);
  }

  private async write(stamp: FileStamp, metaObj: object, body: Uint8Array[]): Promise<string | undefined> {
    const err = await writeAtomically(this.fileFor(stamp.path), encodeEntry(metaObj, body));
    return err && `cache ${this.dir}: cannot write: ${err}`;
  }
}

/** The entry's container: magic, meta length, SHA-256 of the rest; then the meta JSON, padding to 4, the body. */
function encodeEntry(metaObj: object, body: Uint8Array[]): Buffer {
  const meta = Buffer.from(JSON.stringify(metaObj), 'utf8');
  const pad = Buffer.alloc(((HEADER + meta.length + 3) & ~3) - (HEADER + meta.length));
  const rest = Buffer.concat([meta, pad, ...body]);
  const head = Buffer.alloc(HEADER);
  MAGIC.copy(head, 0);
  head.writeUInt32LE(meta.length, 8);
  crypto.createHash('sha256').update(rest).digest().copy(head, 12);
  return Buffer.concat([head, rest]);
}

/** The meta and (when it holds one) the slice of an entry; undefined when it is not one or its checksum fails. */
function decodeEntry(buf: Buffer): { meta: Record<string, unknown>; slice?: { names: string[]; ids: Uint32Array; bytes: Uint8Array; arch?: string } } | undefined {
  try {
    if (buf.length < HEADER || !buf.subarray(0, 8).equals(MAGIC)) return undefined;
    const sum = crypto.createHash('sha256').update(buf.subarray(HEADER)).digest();
    if (!sum.equals(buf.subarray(12, HEADER))) return undefined;
    const metaLen = buf.readUInt32LE(8);
    const meta = JSON.parse(buf.subarray(HEADER, HEADER + metaLen).toString('utf8')) as
      { names?: unknown; count?: number; arch?: unknown } & Record<string, unknown>;
    if (!Array.isArray(meta.names) || !meta.names.every((n) => typeof n === 'string')) return { meta };
    const count = typeof meta.count === 'number' ? meta.count : 0;
    let off = HEADER + metaLen;
    off = (off + 3) & ~3;
    if (off + 4 * count > buf.length) return undefined;
    const ids = new Uint32Array(count);
    for (let i = 0; i < count; i++) ids[i] = buf.readUInt32LE(off + 4 * i);
    off += 4 * count;
    // A copy, so the BTF is 4-byte aligned for the reader's fast word view.
    const bytes = new Uint8Array(buf.length - off);
    bytes.set(buf.subarray(off));
    return { meta, slice: { names: meta.names as string[], ids, bytes, ...(typeof meta.arch === 'string' ? { arch: meta.arch } : {}) } };
  } catch {
    return undefined;
  }
}

let tmpSerial = 0;
/**
 * The callback forms: fs.promises' writeFile goes through a FileHandle (a native object to create and close), which
 * cost 0.05–0.4 ms more CPU per entry written (measured, 100 KB entries); an entry is written per archive read.
 */
const writeFile = promisify(fsCb.writeFile);
const rename = promisify(fsCb.rename);

/** Writes a file through a temporary one and a rename (readers never see a torn file); the error text, or undefined. */
async function writeAtomically(file: string, data: Buffer): Promise<string | undefined> {
  // Unique without randomness (randomBytes per entry showed in profiles): other processes differ by pid, other
  // threads of this one by thread id, and this thread's writes by the counter.
  const tmp = `${file}.${process.pid}.${threadId}.${++tmpSerial}.tmp`;
  try {
    // The directory usually exists (256 of them, one per hash prefix): made only when the write says it is missing
    // (a mkdir per entry cost as much as the write itself).
    try {
      await writeFile(tmp, data);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      await fs.mkdir(path.dirname(file), { recursive: true });
      await writeFile(tmp, data);
    }
    await rename(tmp, file);
    return undefined;
  } catch (e) {
    await fs.rm(tmp, { force: true }).catch(() => undefined);
    return (e as Error).message;
  }
}

// Seed slices: a slice shipped beside an archive (`6.1-amd64.btf.xz.slice`, written when the extension is packaged),
// so the very first start of a fresh install reads a few kilobytes per bundled kernel instead of decompressing and
// slicing every archive (the cache above is keyed by path and mtime, which a new install never has). A seed names the
// SHA-256 of the archive it was cut from and is used only when the archive beside it has that hash: an archive
// replaced or edited by hand is read as usual. Its slice is what `sliceBtf` cuts from that archive for its names.

/** Where the seed of an archive lives. */
export function seedFileOf(archive: string): string {
  return `${archive}.slice`;
}

/** Writes the seed of an archive (its bytes, the slice cut from them); the error text, or undefined. */
export async function writeSeed(archive: string, archiveBytes: Uint8Array, slice: { names: readonly string[]; ids: Uint32Array; bytes: Uint8Array; arch?: string }): Promise<string | undefined> {
  const ids = Buffer.alloc(4 * slice.ids.length);
  slice.ids.forEach((v, i) => ids.writeUInt32LE(v, 4 * i));
  const meta = { format: FORMAT, archive: crypto.createHash('sha256').update(archiveBytes).digest('hex'), names: slice.names, count: slice.ids.length, ...(slice.arch ? { arch: slice.arch } : {}) };
  return writeAtomically(seedFileOf(archive), encodeEntry(meta, [ids, slice.bytes]));
}

/**
 * The seed beside an archive, when there is one, it is intact, of this format, and cut from exactly this archive
 * (hashed now: a few milliseconds for a bundled kernel); else undefined, and the archive is read as usual.
 */
export async function readSeed(archive: string): Promise<{ names: string[]; ids: Uint32Array; bytes: Uint8Array; arch?: string } | undefined> {
  try {
    const seed = await readInput(seedFileOf(archive), 'cache');
    const d = decodeEntry(Buffer.from(seed.buffer, seed.byteOffset, seed.byteLength));
    if (!d?.slice || d.meta.format !== FORMAT || typeof d.meta.archive !== 'string') return undefined;
    const bytes = await readInput(archive, 'btf');
    if (crypto.createHash('sha256').update(bytes).digest('hex') !== d.meta.archive) return undefined;
    return d.slice;
  } catch {
    return undefined;
  }
}

/** Whether an error reading a target depends only on the file's contents (then it may be cached with its stamp). */
export function cacheableFailure(e: unknown): boolean {
  return !(e as { transient?: boolean })?.transient && !(e instanceof InputError && e.transient);
}
