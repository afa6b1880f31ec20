// A V8 code cache for the CLI's own modules (issue 16: `corelens sites` on a full vmlinux.h vs clang -fsyntax-only).
//
// Why: a CLI run loads ~100 modules from server/out and compiles, lazily, every function the command runs; on a
// `sites` run that was ~60 ms of module load and a good part of V8's compile work, paid again by every process.
// Node 20 has no module.enableCompileCache (Node 22), so this does what client/src/serverLoader.ts does for the
// server bundle, per module: each module under server/out is compiled as a vm.Script with the cached data of its
// last compile, and the whole set is written back (after the command ran, so the functions it compiled lazily are
// in it) when a module was missing from it or V8 rejected its entry.
//
// Safety: an entry is offered only to a module whose text has the same SHA-256 (V8 itself checks only the length);
// one cache file per node / V8 version, arch and V8 flags (V8 rejects data made under other flags); a rejected or
// corrupt entry means a plain compile, as require would do; a cache directory that cannot be written means no cache.
// A module that uses import() is compiled by Node as usual (a vm.Script has no dynamic-import loader of its own in
// Node 20), unless every import() names a Node builtin by a literal (cachedImports says why).
// The CLI's dependencies are cached too (depCached says why).
// CORELENS_CACHE=off disables it; CORELENS_CACHE=DIR puts it in DIR/code-cache, as the server's.
// The same file keeps the header scan's WebAssembly bytes (util/wasm.ts builtModule: their assembly in JavaScript
// was ~5 ms of a cold `sites` run), keyed by the hashes of the modules whose code assembles them.
//
// Dependency-free on purpose: it runs before any other module of the CLI is loaded.

import * as crypto from 'crypto';
import * as fs from 'fs';
import Module from 'module';
import * as path from 'path';
import * as vm from 'vm';
import { cacheSubdir, keepNewest } from '../util/cacheFiles';

/** How many CLI code-cache files stay (one per node version, V8 flags and install path). An install writes up to three
 * (the CLI's commands, `check`'s workers under their heap flag, the language server under its start-up flags): 12 keeps
 * four installs side by side (a checkout and an extension) without evicting each other's (~0.4-2.2 MB each). */
const MAX_FILES = 12;

/** What a run did with the cache (tests read it through CORELENS_DEBUG_CODE_CACHE). */
export const codeCacheStats = { used: 0, rejected: 0, missing: 0, skipped: 0, deps: 0, written: false, bytesUsed: 0, bytesBuilt: 0 };

/** CORELENS_CODE_CACHE_DEPS=0: only the CLI's own modules without import(), as before (measuring, a suspect cache). */
const DEPS = process.env.CORELENS_CODE_CACHE_DEPS !== '0';

/**
 * Whether a module outside server/out goes through the cache: a dependency's CommonJS file (under a node_modules
 * directory). Why: web-tree-sitter's 168 KB runtime was the one big module of a `sites` run that Node compiled
 * afresh every time (~5 ms CPU, plus its functions' lazy compiles, ~11 ms in all of a cold run). Its entry is keyed by
 * its text's SHA-256 like ours, so an upgraded dependency compiles afresh.
 */
function depCached(filename: string, content: string): boolean {
  // (a file starting with a `#!` line, a dependency's executable, is Node's: inside our wrapper it would not parse)
  return DEPS && (filename.endsWith('.js') || filename.endsWith('.cjs')) && filename.includes(`${path.sep}node_modules${path.sep}`) && !content.startsWith('#!');
}

/** A builtin-naming import() literal: `import("fs/promises")` (group 1: the argument). */
const BUILTIN_IMPORT = /\bimport\s*\((\s*(["'])[^"'`]+\2\s*)\)/g;

/**
 * What the module's import() calls are: 'none'; 'builtins' when each names a Node builtin by a string literal
 * (web-tree-sitter's `import("fs/promises")`, on a path we never take: parser.ts passes bytes); 'other' (a relative
 * or computed specifier): compiled by Node as before. Why: a vm.Script has no import() of its own in Node 20, and one
 * compiled from cached data loses even the main context's loader (ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING, measured on
 * 20.20), so a 'builtins' module is compiled with each such call turned into a call of importBuiltin (wrapImports).
 */
function cachedImports(content: string): 'none' | 'builtins' | 'other' {
  if (!/\bimport\s*\(/.test(content)) return 'none';
  if (!DEPS) return 'other';
  let builtins = 0;
  for (const m of content.matchAll(BUILTIN_IMPORT)) {
    if (!Module.isBuiltin(/["']([^"'`]+)["']/.exec(m[1]!)![1]!)) return 'other';
    builtins++;
  }
  // every import( of the text is one of those literals (none computed, none in another form)
  return builtins === (content.match(/\bimport\s*\(/g) ?? []).length ? 'builtins' : 'other';
}

/** import() of a builtin, for the modules wrapImports rewrote: a builtin resolves the same from any module. */
const importBuiltin = (specifier: string): Promise<unknown> => import(specifier);

/** The CommonJS wrapper with a sixth parameter, importBuiltin, called where the text had `import("builtin")`.
 * (The text is the module's own: a string literal holding exactly such a call would be rewritten too; a dependency
 * is cached only after its text was read here, and web-tree-sitter's one import() is code.) */
function wrapImports(content: string): string {
  return `(function (exports, require, module, __filename, __dirname, __corelensImport) { ${content.replace(BUILTIN_IMPORT, '__corelensImport($1)')}\n});`;
}

/** The cache this process installed (root and flags), on globalThis: check/pool.ts hands it to its worker threads. */
export const INSTALLED = Symbol.for('corelens.codeCache.installed');
export interface InstalledCodeCache { root: string; flags: string }

/** Index names of module bytes kept beside the code (util/wasm.ts builtModule): no module path starts so. */
const BYTES_PREFIX = 'bytes:';

interface Entry { hash: string; data: Buffer }


/** Reads the cache file: `CLC1`, a 4-byte index length, a JSON index { sum, entries: [path, hash, length][] }, then
 * the data. A file that does not parse, or whose data does not have the SHA-256 `sum`, is no cache: V8 does not
 * check cached data itself beyond its header (a damaged entry aborted the process in its deserializer). */
function readCache(file: string): Map<string, Entry> {
  const out = new Map<string, Entry>();
  let buf: Buffer;
  try { buf = fs.readFileSync(file); } catch { return out; }
  try {
    if (buf.length < 8 || buf.toString('latin1', 0, 4) !== 'CLC1') return out;
    const n = buf.readUInt32LE(4);
    const head = JSON.parse(buf.toString('utf8', 8, 8 + n)) as { sum?: unknown; entries?: unknown };
    const index = head.entries as [string, string, number][];
    if (!Array.isArray(index) || typeof head.sum !== 'string') return out;
    if (crypto.createHash('sha256').update(buf.subarray(8 + n)).digest('base64') !== head.sum) return out;
    let at = 8 + n;
    for (const [p, hash, len] of index) {
      if (typeof p !== 'string' || typeof hash !== 'string' || !Number.isInteger(len) || len < 0 || at + len > buf.length) return new Map();
      out.set(p, { hash, data: buf.subarray(at, at + len) });
      at += len;
    }
  } catch {
    return new Map();
  }
  return out;
}

/** The language server's use of the cache (`corelens lsp`, bin/corelens.js): `wrap` runs the write under the V8 flags
 * the process started with (jitFlags.ts withStartupJitFlags: the server settles its budget after its first
 * diagnostics, and V8 rejects data made under other flags). */
export interface ServerCodeCache { wrap<T>(fn: () => T): T }

/** The hook the server reads and calls once its first diagnostics are out (earlyStart.ts codeCacheState and
 * saveCodeCache; the bundle's launcher, client/src/serverLoader.ts, sets the same one). */
const SERVER_HOOK = Symbol.for('corelens.codeCache');

/**
 * Installs the cache for modules under `root` (server/out) for the rest of the process; `flags` are the V8 flags the
 * process runs with (applied before this call). Returns at once when the cache is disabled. `server`: the process is
 * the language server, which writes the cache after its first diagnostics (the hook) rather than only at exit.
 */
export function installCodeCache(root: string, flags: string, server?: ServerCodeCache): void {
  const dir = cacheSubdir('code-cache');
  if (!dir) return;
  // where it is, for the threads this process starts (check/workerEntry.ts); not the server's: its budget settles after
  // the first diagnostics (jitFlags.ts), so threads started later would compile under other flags than the key says
  if (!server) (globalThis as unknown as Record<symbol, unknown>)[INSTALLED] = { root, flags } satisfies InstalledCodeCache;
  const key = crypto.createHash('sha256').update(`${process.version}\0${process.versions.v8}\0${process.arch}\0${flags}\0${root}`).digest('hex').slice(0, 24);
  const file = path.join(dir, `cli-${key}.bin`);
  const old = readCache(file);
  const scripts = new Map<string, { hash: string; script: vm.Script }>();
  let dirty = false;
  const prefix = root.endsWith(path.sep) ? root : root + path.sep;
  const M = Module as unknown as { prototype: { _compile(content: string, filename: string): unknown }; _resolveFilename(r: string, m: unknown, main: boolean, o?: unknown): string; _cache: unknown };
  const plain = M.prototype._compile;
  // WebAssembly module bytes (util/wasm.ts builtModule), keyed by the SHA-256 of every module whose code makes them,
  // as compiled in this process: the same code assembles the same bytes (the assemblers read no input, nor the
  // environment); a module not compiled through this cache (its hash unknown) means assembling, as without a cache
  const bytes = new Map<string, Entry>();
  (globalThis as unknown as Record<symbol, unknown>)[Symbol.for('corelens.moduleBytesMemo')] = (name: string, files: readonly string[], build: () => Uint8Array): Uint8Array => {
    const hashes = files.map((f) => scripts.get(f)?.hash);
    if (hashes.some((h) => h === undefined)) return build();
    const key = hashes.join(' ');
    const e = old.get(BYTES_PREFIX + name);
    if (e && e.hash === key) { codeCacheStats.bytesUsed++; return e.data; }
    const made = build();
    bytes.set(BYTES_PREFIX + name, { hash: key, data: Buffer.from(made) });
    codeCacheStats.bytesBuilt++;
    dirty = true;
    return made;
  };
  M.prototype._compile = function (this: Module, content: string, filename: string): unknown {
    const ours = filename.startsWith(prefix) && filename.endsWith('.js');
    const dep = !ours && depCached(filename, content);
    const imports = ours || dep ? cachedImports(content) : 'none';
    if ((!ours && !dep) || imports === 'other') {
      if (ours) codeCacheStats.skipped++;
      return plain.call(this, content, filename);
    }
    if (dep) codeCacheStats.deps++;
    const hash = crypto.createHash('sha256').update(content).digest('base64');
    const e = old.get(filename);
    const cachedData = e && e.hash === hash ? e.data : undefined;
    const script = new vm.Script(imports === 'builtins' ? wrapImports(content) : Module.wrap(content), { filename, ...(cachedData ? { cachedData } : {}) });
    if (!cachedData) { codeCacheStats.missing++; dirty = true; } else if (script.cachedDataRejected) { codeCacheStats.rejected++; dirty = true; } else codeCacheStats.used++;
    scripts.set(filename, { hash, script });
    // the require Node would give the module (Module.prototype.require with its resolve, cache and main)
    const mod = this;
    const req = ((id: string) => mod.require(id)) as NodeRequire;
    req.resolve = ((r: string, o?: unknown) => M._resolveFilename(r, mod, false, o)) as NodeRequire['resolve'];
    req.cache = M._cache as NodeRequire['cache'];
    req.main = require.main;
    const wrapper = script.runInThisContext() as (e: unknown, r: NodeRequire, m: Module, f: string, d: string, i: typeof importBuiltin) => unknown;
    return wrapper.call(mod.exports, mod.exports, req, mod, filename, path.dirname(filename), importBuiltin);
  };
  /** Writes the file (every module compiled so far, with the functions they compiled) when anything was new. */
  const write = (): boolean => {
    if (!dirty) return false;
    try {
      // every module of this run (with the functions it compiled), plus the entries of modules it did not load
      const index: [string, string, number][] = [];
      const parts: Buffer[] = [];
      for (const [p, s] of scripts) { const d = s.script.createCachedData(); index.push([p, s.hash, d.length]); parts.push(d); }
      for (const [p, e] of bytes) { index.push([p, e.hash, e.data.length]); parts.push(e.data); }
      // (module bytes this run did not need stay: a second run's rewrite keeps a cold run's matcher)
      for (const [p, e] of old) {
        if (p.startsWith(BYTES_PREFIX) ? bytes.has(p) : scripts.has(p) || !fs.existsSync(p)) continue;
        index.push([p, e.hash, e.data.length]);
        parts.push(e.data);
      }
      const data = Buffer.concat(parts);
      const head = Buffer.from(JSON.stringify({ sum: crypto.createHash('sha256').update(data).digest('base64'), entries: index }));
      const pre = Buffer.alloc(8);
      pre.write('CLC1', 0, 'latin1');
      pre.writeUInt32LE(head.length, 4);
      fs.mkdirSync(dir, { recursive: true });
      const tmp = `${file}.${process.pid}.tmp`;
      fs.writeFileSync(tmp, Buffer.concat([pre, head, data]));
      fs.renameSync(tmp, file);
      codeCacheStats.written = true;
      // one file per node, V8 flags and install: the newest few stay (an upgrade or a new checkout leaves the old)
      keepNewest(dir, (f) => f.startsWith('cli-') && f.endsWith('.bin'), MAX_FILES);
      dirty = false;
      return true;
    } catch {
      // a read-only home: the next run compiles, as without a cache
      return false;
    }
  };
  process.once('exit', () => {
    if (dirty) { if (server) server.wrap(write); else write(); }
    if (process.env.CORELENS_DEBUG_CODE_CACHE) process.stderr.write(`${debugLabel()}: ${JSON.stringify(codeCacheStats)}\n`);
  });
  if (server) {
    // the server's modules load at its start and its first analysis compiles most of the functions an editing session
    // runs: the file is written once, after the first diagnostics (the server calls save), or at exit before them
    let saved: 'created' | 'failed' | undefined;
    (globalThis as unknown as Record<symbol, unknown>)[SERVER_HOOK] = {
      get state(): string {
        if (saved) return saved;
        return !dirty ? 'used (the CLI\'s modules)' : codeCacheStats.rejected ? 'rejected' : 'none';
      },
      save(): void { if (dirty) saved = server.wrap(write) ? 'created' : 'failed'; },
      marks: [],
    };
  }
}

/** The debug line's label: a worker thread's (check/workerEntry.ts) apart from the process's. */
function debugLabel(): string {
  return (require('worker_threads') as typeof import('worker_threads')).isMainThread ? 'corelens code cache' : 'corelens worker code cache';
}
