// The check cache: per target archive, the slice of its BTF covering the type names programs have asked about.
//
// Key: the archive's absolute path, size and mtime (a stat, never a read), so an unchanged archive is never
// re-read. Entry: the names covered, the slice's BTF, and the slice → original id map. A program edit that keeps to
// covered names is served from the cache; one that adds a root type re-reads each archive once, and the new entry
// covers the old names plus the new ones (entries only grow), so later edits are served again.
// Entries are written to a temporary file and renamed: concurrent runs (CI shards, two workers) never see a torn one.

import * as crypto from 'crypto';
import { promises as fs } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Slice } from './slice';

/** Bump when the slice rules or the entry format change: old entries are then simply not found. */
const FORMAT = 'check-v1';
const MAGIC = Buffer.from('CLSLICE1');

/** Where the cache lives by default: `$XDG_CACHE_HOME/corelens` (or `~/.cache/corelens`). */
export function defaultCacheDir(): string {
  const xdg = process.env.XDG_CACHE_HOME;
  return path.join(xdg && path.isAbsolute(xdg) ? xdg : path.join(os.homedir(), '.cache'), 'corelens');
}

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

/** Stats a file into a stamp; throws the fs error (ENOENT...) for the caller to report. */
export async function stampOf(file: string): Promise<FileStamp> {
  const st = await fs.stat(file);
  return { path: path.resolve(file), size: st.size, mtimeMs: st.mtimeMs };
}

/** One cache directory; safe to use from several workers and processes at once. */
export class SliceCache {
  readonly dir: string;
  constructor(root: string) {
    this.dir = path.join(root, FORMAT);
  }

  private fileFor(absPath: string): string {
    const h = crypto.createHash('sha256').update(absPath).digest('hex').slice(0, 40);
    return path.join(this.dir, h.slice(0, 2), `${h}.slice`);
  }

  /** The entry for this exact file version, or undefined (missing, stale, unreadable or corrupt: all misses). */
  async get(stamp: FileStamp): Promise<CacheEntry | undefined> {
    let buf: Buffer;
    try {
      buf = await fs.readFile(this.fileFor(stamp.path));
    } catch {
      return undefined;
    }
    try {
      if (buf.length < 16 || !buf.subarray(0, 8).equals(MAGIC)) return undefined;
      const metaLen = buf.readUInt32LE(8);
      const meta = JSON.parse(buf.subarray(12, 12 + metaLen).toString('utf8')) as { stamp: FileStamp; names: string[]; count: number; arch?: string };
      const s = meta.stamp;
      if (s.path !== stamp.path || s.size !== stamp.size || s.mtimeMs !== stamp.mtimeMs) return undefined;
      let off = 12 + metaLen;
      off = (off + 3) & ~3;
      const ids = new Uint32Array(meta.count);
      for (let i = 0; i < meta.count; i++) ids[i] = buf.readUInt32LE(off + 4 * i);
      off += 4 * meta.count;
      // A copy, so the BTF is 4-byte aligned for the reader's fast word view.
      const bytes = new Uint8Array(buf.length - off);
      bytes.set(buf.subarray(off));
      return { stamp: s, names: meta.names, ids, bytes, ...(typeof meta.arch === 'string' ? { arch: meta.arch } : {}) };
    } catch {
      return undefined;
    }
  }

  /** Stores an entry (atomically); failures to write are returned, never thrown: a cache must not fail a check. */
  async put(entry: CacheEntry): Promise<string | undefined> {
    const file = this.fileFor(entry.stamp.path);
    const meta = Buffer.from(JSON.stringify({ stamp: entry.stamp, names: entry.names, count: entry.ids.length, ...(entry.arch ? { arch: entry.arch } : {}) }), 'utf8');
    const head = Buffer.alloc(12);
    MAGIC.copy(head, 0);
    head.writeUInt32LE(meta.length, 8);
    const pad = Buffer.alloc(((12 + meta.length + 3) & ~3) - (12 + meta.length));
    const ids = Buffer.alloc(4 * entry.ids.length);
    entry.ids.forEach((v, i) => ids.writeUInt32LE(v, 4 * i));
    const tmp = `${file}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.tmp`;
    try {
      await fs.mkdir(path.dirname(file), { recursive: true });
      await fs.writeFile(tmp, Buffer.concat([head, meta, pad, ids, entry.bytes]));
      await fs.rename(tmp, file);
      return undefined;
    } catch (e) {
      await fs.rm(tmp, { force: true }).catch(() => undefined);
      return `cache ${this.dir}: cannot write: ${(e as Error).message}`;
    }
  }
}
