// dist/server.js: what the extension forks to run the language server. It runs dist/corelens.js (the server + CLI
// bundle, ~800 KB) through a V8 code cache, because compiling that bundle, and lazily every function the first
// analysis runs, is a good part of the server's start-up CPU, on the path of the first problem (issue 15).
//
// The cache lives in the corelens cache directory (CORELENS_CACHE, else $XDG_CACHE_HOME or ~/.cache /corelens), in
// code-cache/, one file named by the SHA-256 of the bundle text and the node / V8 version and arch: V8 itself only
// checks the source's length, so a file is never offered to another bundle or engine. It is written once, after the
// server published its first diagnostics (the functions of a whole analysis are compiled by then), atomically, and
// older files are removed (or at exit, if the server ends before). A V8 that rejects it, a cache directory that cannot be written, CORELENS_CACHE=off: the
// bundle is simply compiled as `require` would.
// Each file is `CSC1`, the SHA-256 of the data, then V8's data: V8 checks little of cached data itself (a damaged CLI
// cache aborted the process in its deserializer, server/src/cli/codeCache.ts), so a file whose data does not match is
// no cache (a damaged user's file is removed, and rewritten after the first diagnostics).
// The .vsix ships one too (dist/code-cache/, client/build.mjs): made at package time by the packaging node running the
// bundled server on a program of ours, named by the same key, so a fresh install whose engine is the packaging one
// (code-server runs the system node) starts from it; any other engine (VS Code's Electron) finds no file of its key
// and compiles, then writes its own as before. A user's own cache, when there is one, goes first.
import * as fs from 'fs';
import Module from 'module';
import * as path from 'path';
import * as vm from 'vm';
import { applyServerJitFlags, withStartupJitFlags } from '../../server/src/jitFlags';
import { findCodeCache, writeCodeCache } from '../../server/src/util/cacheFiles';

/** What the server reads to log the cache's state, and calls once its first diagnostics are out. */
const HOOK = Symbol.for('corelens.codeCache');
interface Hook {
  state: 'used' | 'shipped' | 'rejected' | 'damaged' | 'created' | 'none' | 'off' | 'failed'; save(): void;
  /** The launcher's steps (ms since the process started, and the process's CPU ms by then), for the start-up log. */
  marks: [string, number, number][];
}

/** performance.now() and the process's CPU ms (user + system) now: the start-up log separates waiting from work. */
const mark = (name: string): [string, number, number] => {
  const c = process.cpuUsage();
  return [name, performance.now(), (c.user + c.system) / 1000];
};

const script = path.join(__dirname, 'corelens.js');

/** The format of the server's code cache files (util/cacheFiles.ts seal: magic, SHA-256, V8's data). */
const MAGIC = 'CSC1';

/** Runs the bundle as Node's loader would (same wrapper, require, module, __filename, __dirname). */
function run(): void {
  const marks = [mark('launcher')];
  const source = fs.readFileSync(script, 'utf8');
  const at = findCodeCache('corelens', MAGIC, source, path.join(__dirname, 'code-cache'));
  const { dir, cached } = at;
  // (client/build.mjs leaves no import() in the bundle: a script from a code cache has no dynamic-import loader)
  // the server's V8 flags before compiling: they are part of the hash the cache must match (server/src/jitFlags.ts)
  applyServerJitFlags();
  marks.push(mark('read'));
  const compiled = new vm.Script(Module.wrap(source), { filename: script, ...(cached ? { cachedData: cached } : {}) });
  marks.push(mark('compiled'));
  const hook: Hook = {
    marks,
    state: !dir ? 'off' : !cached ? (at.damaged ? 'damaged' : 'none') : compiled.cachedDataRejected ? 'rejected' : at.from === 'shipped' ? 'shipped' : 'used',
    save() {
      if (!dir || (hook.state !== 'none' && hook.state !== 'rejected' && hook.state !== 'damaged')) return;
      try {
        // under the start-up flags: a cache made after the server settled its budget would be rejected at the next start
        writeCodeCache(at, 'corelens', MAGIC, withStartupJitFlags(() => compiled.createCachedData()));
        hook.state = 'created';
      } catch {
        hook.state = 'failed'; // a read-only home: the next start compiles, as without a cache
      }
    },
  };
  (globalThis as Record<symbol, unknown>)[HOOK] = hook;
  // a server ended before its first diagnostics (a short session, a benchmark) still leaves the cache for the next
  process.once('exit', () => hook.save());
  const mod = new Module(script, module);
  mod.filename = script;
  mod.paths = (Module as unknown as { _nodeModulePaths(d: string): string[] })._nodeModulePaths(path.dirname(script));
  const wrapper = compiled.runInThisContext() as (e: unknown, r: NodeRequire, m: Module, f: string, d: string) => void;
  wrapper.call(mod.exports, mod.exports, Module.createRequire(script), mod, script, path.dirname(script));
  marks.push(mark('ran'));
}

run();
