// Where corelens keeps what it caches between processes, and how a cache file proves it is whole.
//
// Why one place: the check's target slices, the header scans, the CLI's and the language server's V8 code caches
// each live in a folder of the same root, which CORELENS_CACHE moves (`off` turns every cache off); and a cache file
// read back by V8 or by a decoder must be exactly what was written (V8 checks little of cached data itself: a
// damaged code cache aborted its process), so each one carries a SHA-256 of its payload.
//
// Dependency-free on purpose (Node's own modules only): the CLI's code cache and the VS Code launcher load it before
// any other module.

import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/** The default cache root: `$XDG_CACHE_HOME/corelens` (or `~/.cache/corelens`), whatever CORELENS_CACHE says. */
export function defaultCacheRoot(): string {
  const xdg = process.env.XDG_CACHE_HOME;
  return path.join(xdg && path.isAbsolute(xdg) ? xdg : path.join(os.homedir(), '.cache'), 'corelens');
}

/** A cache's folder under the root CORELENS_CACHE names (DIR/name; unset: the default root); undefined when `off`. */
export function cacheSubdir(name: string): string | undefined {
  const c = process.env.CORELENS_CACHE;
  if (c === 'off') return undefined;
  return path.join(c || defaultCacheRoot(), name);
}

/** A cache file's bytes: a 4-character magic naming the format, the SHA-256 of the payload, the payload. */
export function seal(magic: string, payload: Uint8Array): Buffer {
  return Buffer.concat([Buffer.from(magic, 'latin1'), crypto.createHash('sha256').update(payload).digest(), payload]);
}

/** Writes seal(magic, payload) to `file` without making it in memory first: its head, then the payload as it is (one
 * vectored write). Why: the header scan's payload is ~1.7 MB for a 6.18 vmlinux.h, and a copy of it (a fresh buffer,
 * ~420 pages faulted in) was ~1 ms of a cold `sites` run. The same bytes as seal's. */
export function writeSealedSync(file: string, magic: string, payload: Uint8Array): void {
  const head = Buffer.concat([Buffer.from(magic, 'latin1'), crypto.createHash('sha256').update(payload).digest()]);
  const fd = fs.openSync(file, 'w');
  try {
    let parts: Uint8Array[] = [head, payload];
    // (a short write, which a regular file rarely gives: the rest from where it stopped)
    for (let left = head.length + payload.length; left > 0;) {
      const n = fs.writevSync(fd, parts);
      if (n <= 0) throw new Error(`${file}: nothing written`);
      left -= n;
      if (left > 0) parts = rest(parts, n);
    }
  } finally {
    fs.closeSync(fd);
  }
}

/** `parts` without their first `n` bytes. */
function rest(parts: readonly Uint8Array[], n: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (const p of parts) {
    if (n >= p.length) { n -= p.length; continue; }
    out.push(n > 0 ? p.subarray(n) : p);
    n = 0;
  }
  return out;
}

/** The payload of a sealed file, or undefined when it is not one of `magic` or its checksum does not match. */
export function unseal(magic: string, file: Buffer): Buffer | undefined {
  if (file.length < 36 || file.toString('latin1', 0, 4) !== magic) return undefined;
  const payload = file.subarray(36);
  return crypto.createHash('sha256').update(payload).digest().equals(file.subarray(4, 36)) ? payload : undefined;
}

/**
 * Keeps the `max` newest files of `dir` whose names `match` (by modification time) and removes the others: caches
 * keyed by content, engine or install path would otherwise grow with every upgrade and every checkout.
 */
export function keepNewest(dir: string, match: (name: string) => boolean, max: number): void {
  let files: string[];
  try {
    files = fs.readdirSync(dir).filter(match);
  } catch {
    return;
  }
  if (files.length <= max) return;
  const aged = files.map((f) => { try { return { f, t: fs.statSync(path.join(dir, f)).mtimeMs }; } catch { return { f, t: 0 }; } }).sort((a, b) => b.t - a.t);
  for (const { f } of aged.slice(max)) fs.rmSync(path.join(dir, f), { force: true });
}

/** A bundle's V8 code cache as the loaders look it up (client/src/serverLoader.ts, extensionLoader.ts). */
export interface CodeCacheLookup {
  /** The user's cache folder (undefined: CORELENS_CACHE=off or no home). */
  dir: string | undefined;
  /** The file name, keyed by the bundle text and the node / V8 version and arch (V8 itself checks only the length). */
  name: string;
  /** The user's cache file, where it is written. */
  file: string | undefined;
  cached?: Buffer;
  from?: 'user' | 'shipped';
  /** A file was found but not sealed right (a damaged user file is removed). */
  damaged: boolean;
}

/**
 * Finds `<prefix>-<key>.bin` for `source`: the user's cache first, then the one shipped in `shippedDir`; none at all
 * when the cache is off (no folder).
 */
export function findCodeCache(prefix: string, magic: string, source: string, shippedDir: string): CodeCacheLookup {
  const dir = cacheSubdir('code-cache');
  const key = crypto.createHash('sha256').update(source).update(`\0${process.version}\0${process.versions.v8}\0${process.arch}`).digest('hex').slice(0, 32);
  const name = `${prefix}-${key}.bin`;
  const file = dir && path.join(dir, name);
  const out: CodeCacheLookup = { dir, name, file, damaged: false };
  for (const [f, where] of [[file, 'user'], [dir && path.join(shippedDir, name), 'shipped']] as const) {
    let bytes: Buffer;
    try {
      if (!f) continue;
      bytes = fs.readFileSync(f);
    } catch {
      continue; // none yet (the user's), or not made for this engine (the shipped one)
    }
    const data = unseal(magic, bytes);
    if (!data || !data.length) {
      out.damaged = true;
      if (where === 'user') fs.rmSync(f, { force: true });
      continue;
    }
    out.cached = data;
    out.from = where;
    break;
  }
  return out;
}

/** Writes a bundle's code cache where findCodeCache looks first (atomically) and removes the prefix's older files;
 * throws when the folder cannot be written. */
export function writeCodeCache(at: CodeCacheLookup, prefix: string, magic: string, data: Buffer): void {
  if (!at.dir || !at.file) return;
  fs.mkdirSync(at.dir, { recursive: true });
  const tmp = `${at.file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, seal(magic, data));
  fs.renameSync(tmp, at.file);
  for (const f of fs.readdirSync(at.dir)) if (f.startsWith(`${prefix}-`) && f !== at.name && !f.endsWith('.tmp')) fs.rmSync(path.join(at.dir, f), { force: true });
}
