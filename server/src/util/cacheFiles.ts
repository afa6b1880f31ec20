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
