// dist/extension.js: what VS Code loads as the extension's main. It runs dist/extension-main.js (the extension bundle,
// ~500 KB, nearly all of it the language client library) through a V8 code cache, as dist/server.js does for the
// server (serverLoader.ts): the extension host compiles that bundle, and lazily every function its evaluation and the
// activation run, on the path from the activation event to the first problem (issue 15, first problem in VS Code).
//
// The cache: `code-cache/extension-<key>.bin` in the corelens cache directory (CORELENS_CACHE), the key being the
// SHA-256 of the bundle text and the node / V8 version and arch (V8 itself only checks the source's length), written
// once, a second after the first diagnostics were handed to VS Code (the activation's and the client's functions are
// compiled by then; extension.ts calls `save`), atomically, older ones removed. The .vsix ships one made by the
// packaging node evaluating the bundle (client/build.mjs; no activation there: a stand-in `vscode` module), named by
// the same key: a fresh install on that engine (code-server runs the system node) starts from it, any other engine
// (VS Code's Electron) finds no file of its key, compiles and writes its own. A rejected or damaged file, an unwritable
// folder, CORELENS_CACHE=off: the bundle is compiled as `require` would, nothing else changes.
import * as fs from 'fs';
import Module from 'module';
import * as path from 'path';
import * as vm from 'vm';
import { findCodeCache, writeCodeCache } from '../../server/src/util/cacheFiles';

/** What extension.ts reads (its log's timeline marks, the cache's state) and calls once its first diagnostics are out
 * (found under Symbol.for('corelens.extensionLoader'): the bundle does not import this file). */
interface ExtensionLoaderHook {
  /** Date.now() when this loader began (before reading and compiling the bundle). */
  began: number;
  state: 'used' | 'shipped' | 'rejected' | 'damaged' | 'created' | 'none' | 'off' | 'failed';
  save(): void;
}
const EXTENSION_LOADER_HOOK = Symbol.for('corelens.extensionLoader');

/** The format of the cache files (util/cacheFiles.ts seal: magic, SHA-256, V8's data). */
const MAGIC = 'CEC1';

/** Loads the bundle (through the cache when there is one for it) and returns its exports. */
function loadExtension(script: string, shippedDir: string): unknown {
  const began = Date.now();
  const source = fs.readFileSync(script, 'utf8');
  const at = findCodeCache('extension', MAGIC, source, shippedDir);
  const { dir, cached } = at;
  const compiled = new vm.Script(Module.wrap(source), { filename: script, ...(cached ? { cachedData: cached } : {}) });
  const hook: ExtensionLoaderHook = {
    began,
    state: !dir ? 'off' : !cached ? (at.damaged ? 'damaged' : 'none') : compiled.cachedDataRejected ? 'rejected' : at.from === 'shipped' ? 'shipped' : 'used',
    save() {
      if (!dir || (hook.state !== 'none' && hook.state !== 'rejected' && hook.state !== 'damaged')) return;
      try {
        writeCodeCache(at, 'extension', MAGIC, compiled.createCachedData());
        hook.state = 'created';
      } catch {
        hook.state = 'failed'; // a read-only home: the next start compiles, as without a cache
      }
    },
  };
  (globalThis as Record<symbol, unknown>)[EXTENSION_LOADER_HOOK] = hook;
  // run as Node's loader would: the same wrapper, and a require of the bundle's own path (VS Code's extension host
  // resolves `vscode` by the requiring module's path, which lies inside this extension)
  const mod = new Module(script, module);
  mod.filename = script;
  mod.paths = (Module as unknown as { _nodeModulePaths(d: string): string[] })._nodeModulePaths(path.dirname(script));
  const wrapper = compiled.runInThisContext() as (e: unknown, r: NodeRequire, m: Module, f: string, d: string) => void;
  wrapper.call(mod.exports, mod.exports, Module.createRequire(script), mod, script, path.dirname(script));
  return mod.exports;
}

module.exports = loadExtension(path.join(__dirname, 'extension-main.js'), path.join(__dirname, 'code-cache'));
