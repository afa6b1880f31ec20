// Bundles the extension with esbuild: dist/extension.js (client), dist/corelens.js (language server + CLI), the
// web-tree-sitter runtime wasm beside it, and the extension-host / unit tests into client/out/test.
// Usage: node client/build.mjs [--production] [--watch] | --report-size [FILE.vsix] | --code-cache-only
import * as esbuild from 'esbuild';
import { fork, spawnSync } from 'child_process';
import * as os from 'os';
import * as fs from 'fs';
import * as path from 'path';
import { fileURLToPath } from 'url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);

if (args[0] === '--report-size') {
  // vsce names the package <name>-<version>.vsix
  const { name, version } = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  const file = path.resolve(root, args[1] ?? `${name}-${version}.vsix`);
  const kb = (fs.statSync(file).size / 1024).toFixed(0);
  console.log(`corelens: ${path.relative(root, file)} is ${kb} KB`);
  process.exit(0);
}

if (args[0] === '--code-cache-only') {
  // dist/code-cache/ for the dist/corelens.js built last (the firstrun bench installs what a .vsix would ship)
  await shipCodeCache();
  // and the extension bundle's, when it was built too (the firstrun bench needs the server's only)
  if (!process.exitCode && fs.existsSync(path.join(root, 'dist/extension-main.js'))) shipExtensionCodeCache();
  process.exit(process.exitCode ?? 0);
}

const production = args.includes('--production');
const watch = args.includes('--watch');

/**
 * The server's modules find their data (grammars/, test-fixtures/btf/kernels/) relative to `__dirname`, i.e. where
 * tsc puts them (server/out/src/<dir>/). In the bundle every module shares dist/'s `__dirname`, so each one gets the
 * directory it would have in that layout instead: the same relative paths then work, from the repo or the .vsix.
 */
const keepServerDirname = {
  name: 'keep-server-dirname',
  setup(build) {
    build.onLoad({ filter: /[\\/]server[\\/]src[\\/].*\.ts$/ }, async (a) => {
      let text = await fs.promises.readFile(a.path, 'utf8');
      if (/\b__dirname\b/.test(text)) {
        const rel = path.relative(path.join(root, 'server'), path.dirname(a.path)).split(path.sep).join('/');
        text = `const __corelens_dirname = require('path').join(__dirname, '..', 'server', 'out', ${JSON.stringify(rel)});\n`
          + text.replace(/\b__dirname\b/g, '__corelens_dirname');
      }
      return { contents: text, loader: 'ts' };
    });
  },
};

const common = {
  bundle: true, platform: 'node', target: 'node20', format: 'cjs', logLevel: 'warning',
  sourcemap: production ? false : 'linked', minify: production, keepNames: true,
};

const builds = [
  // The extension: vscode is provided by the host. dist/extension.js, the main VS Code loads, is its launcher: it runs
  // dist/extension-main.js through a V8 code cache (client/src/extensionLoader.ts).
  { ...common, entryPoints: [path.join(root, 'client/src/extension.ts')], outfile: path.join(root, 'dist/extension-main.js'), external: ['vscode'] },
  { ...common, entryPoints: [path.join(root, 'client/src/extensionLoader.ts')], outfile: path.join(root, 'dist/extension.js') },
  // The server's launcher: runs corelens.js through a V8 code cache (client/src/serverLoader.ts); not bundled with it.
  { ...common, entryPoints: [path.join(root, 'client/src/serverLoader.ts')], outfile: path.join(root, 'dist/server.js') },
  // Server + CLI in one file.
  // No import() left in it (web-tree-sitter's `import('fs/promises')` becomes a require): dist/server.js runs it as a
  // vm.Script from a V8 code cache, where a dynamic import has no loader to call.
  // keepNames off: it wraps every function expression in a `__name(fn, "...")` call (2,000-odd in the server), so each
  // closure the analysis makes (a macro invocation's argOf, the typer's per-function helpers) cost an
  // Object.defineProperty on creation: the bundle ran the big program's first analysis on ~20% more main-thread CPU
  // than server/out (issue 12). Nothing of ours reads a function's or class's `name`; stack traces use the source's
  // names either way (minified in production, with or without it).
  { ...common, keepNames: false, entryPoints: [path.join(root, 'client/src/corelensMain.ts')], outfile: path.join(root, 'dist/corelens.js'), plugins: [keepServerDirname],
    supported: { 'dynamic-import': false } },
  // Tests: run from the repo (extension host via extensionTestsPath, or plain mocha), so mocha and vscode stay external.
  {
    ...common, minify: false, sourcemap: 'inline', outdir: path.join(root, 'client/out/test'), outbase: path.join(root, 'client/test'),
    entryPoints: [path.join(root, 'client/test/exthost/index.ts'), path.join(root, 'client/test/exthost/commands.test.ts'),
      path.join(root, 'client/test/unit/documents.test.ts')],
    external: ['vscode', 'mocha'],
  },
];

fs.mkdirSync(path.join(root, 'dist'), { recursive: true });
// web-tree-sitter's Emscripten loader looks for its runtime next to the script that loaded it (the bundle).
fs.copyFileSync(path.join(root, 'node_modules/web-tree-sitter/web-tree-sitter.wasm'), path.join(root, 'dist/web-tree-sitter.wasm'));

// The packaged extension's default targets (.vscodeignore ships dist/kernels, not test-fixtures): the kernels
// kernels.json names as defaults, copied as they are (.btf.xz) with kernels.json. Raw BTF would open ~80 ms faster per
// kernel on the very first start, but 30 MB of raw kernels do not fit a 10 MB .vsix (deflate gets them to 10 MB alone);
// after the first start the server reads slices from its cache and no archive at all.
if (production) {
  const from = path.join(root, 'test-fixtures/btf/kernels');
  const to = path.join(root, 'dist/kernels');
  fs.rmSync(to, { recursive: true, force: true });
  fs.mkdirSync(to, { recursive: true });
  const manifest = JSON.parse(fs.readFileSync(path.join(from, 'kernels.json'), 'utf8'));
  for (const name of manifest.defaults) fs.copyFileSync(path.join(from, `${name}.btf.xz`), path.join(to, `${name}.btf.xz`));
  fs.copyFileSync(path.join(from, 'kernels.json'), path.join(to, 'kernels.json'));
}

if (watch) {
  for (const b of builds) await (await esbuild.context(b)).watch();
  console.log('corelens: esbuild watching client and server');
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
  if (production) {
    // Seed slices beside the bundled kernels (server/src/check/cache.ts, readSeed), cut by the bundle just built: a
    // fresh install's first start then reads no archive (each seed is used only with the archive it was cut from).
    const archives = fs.readdirSync(path.join(root, 'dist/kernels')).filter((n) => n.endsWith('.btf.xz')).map((n) => path.join(root, 'dist/kernels', n));
    const r = spawnSync(process.execPath, [path.join(root, 'dist/corelens.js'), 'targets', 'seed', ...archives], { encoding: 'utf8' });
    if (r.status !== 0) {
      console.error(`corelens: seeding the bundled kernels failed:\n${r.stdout}${r.stderr}`);
      process.exit(1);
    }
    await shipCodeCache();
    if (!process.exitCode) shipExtensionCodeCache();
    if (process.exitCode) process.exit(process.exitCode);
  }
}

/**
 * dist/code-cache/corelens-<key>.bin: the bundle's V8 code cache as the launcher writes it (client/src/serverLoader.ts),
 * made by this node running the bundled language server on a program of ours (test-fixtures/vscode/probe.bpf.c, not
 * the first-run program the e2e times) until its first diagnostics, so the functions a first check runs are in it.
 * Named by the bundle's hash and this node's version: only the same engine ever reads it (code-server runs the
 * system node; VS Code's Electron has another key and compiles as before). Issue 15: a fresh install's first start.
 */
async function shipCodeCache() {
  const to = path.join(root, 'dist/code-cache');
  fs.rmSync(to, { recursive: true, force: true }); // an earlier build's, which the launcher would start from
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'corelens-codecache-'));
  try {
    const ws = path.join(tmp, 'ws');
    fs.mkdirSync(ws);
    const text = fs.readFileSync(path.join(root, 'test-fixtures/vscode/probe.bpf.c'), 'utf8');
    fs.writeFileSync(path.join(ws, 'probe.bpf.c'), text);
    const env = { ...process.env, CORELENS_CACHE: path.join(tmp, 'cache') };
    // the launcher's own flags and no hint: what the extension's fork has, less the early check
    delete env.CORELENS_V8_FLAGS;
    delete env.CORELENS_EARLY_START;
    const proc = fork(path.join(root, 'dist/server.js'), ['lsp', '--node-ipc', `--clientProcessId=${process.pid}`], { cwd: ws, env, execArgv: [], stdio: ['ignore', 'ignore', 'ignore', 'ipc'] });
    const uri = `file://${path.join(ws, 'probe.bpf.c')}`;
    const send = (m) => { if (proc.connected) proc.send({ jsonrpc: '2.0', ...m }); };
    proc.on('error', () => undefined); // a server gone early: reported below with its log
    const logs = [];
    let asked = false;
    const state = await new Promise((resolve) => {
      const timer = setTimeout(() => resolve('no "code cache" line within 120 s'), 120_000);
      proc.on('exit', (code) => resolve(`the server exited (${code})`));
      proc.on('message', (m) => {
        if (m.id === 1) {
          send({ method: 'initialized', params: {} });
          send({ method: 'textDocument/didOpen', params: { textDocument: { uri, languageId: 'c', version: 1, text } } });
        }
        // the editor's follow-up requests once the diagnostics are out (their code is compiled before the cache is written)
        if (m.method === 'textDocument/publishDiagnostics' && m.params.diagnostics.length && !asked) {
          asked = true;
          const textDocument = { uri };
          const line = text.split('\n').findIndex((l) => l.includes('BPF_CORE_READ('));
          send({ id: 10, method: 'textDocument/inlayHint', params: { textDocument, range: { start: { line: 0, character: 0 }, end: { line: 400, character: 0 } } } });
          send({ id: 11, method: 'textDocument/codeLens', params: { textDocument } });
          send({ id: 12, method: 'textDocument/hover', params: { textDocument, position: { line: Math.max(line, 0), character: text.split('\n')[Math.max(line, 0)].indexOf('BPF_CORE_READ(') + 2 } } });
        }
        if (m.method === 'window/logMessage') {
          logs.push(m.params.message);
          // written a second after the first diagnostics (server.ts)
          const c = /code cache (created|failed)/.exec(m.params.message);
          if (c) {
            clearTimeout(timer);
            resolve(c[1]);
          }
        }
        // requests the server makes (configuration, progress, refresh): answered empty
        if (m.id !== undefined && m.method) send({ id: m.id, result: m.method === 'workspace/configuration' ? [null] : null });
      });
      send({ id: 1, method: 'initialize', params: { processId: process.pid, rootUri: `file://${ws}`, workspaceFolders: [{ uri: `file://${ws}`, name: 'ws' }], capabilities: {} } });
    });
    send({ id: 2, method: 'shutdown' });
    send({ method: 'exit' });
    // a server that does not end on `exit` within 5 s is killed (the build must never hang on it)
    await new Promise((r) => {
      if (proc.exitCode !== null || proc.signalCode !== null) return r();
      const t = setTimeout(() => proc.kill('SIGKILL'), 5000);
      proc.once('exit', () => { clearTimeout(t); r(); });
    });
    const made = state === 'created' ? fs.readdirSync(path.join(tmp, 'cache', 'code-cache')).filter((f) => /^corelens-[0-9a-f]{32}\.bin$/.test(f)) : [];
    if (made.length !== 1) {
      console.error(`corelens: the shipped code cache was not made (${state}):\n${logs.join('\n')}`);
      process.exitCode = 1; // after the finally below removed the temporary folder
      return;
    }
    fs.mkdirSync(to, { recursive: true });
    fs.copyFileSync(path.join(tmp, 'cache', 'code-cache', made[0]), path.join(to, made[0]));
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/**
 * dist/code-cache/extension-<key>.bin: the extension bundle's V8 code cache as its launcher writes it
 * (client/src/extensionLoader.ts), made by this node evaluating dist/extension-main.js in a fresh process, with a
 * stand-in for the `vscode` module (nothing is activated: the bundle's modules only define things when they run), so
 * the functions its evaluation compiles are in it. Named by the bundle's hash and this node's version, like the
 * server's: only the same engine reads it (code-server's extension host runs the system node).
 */
function shipExtensionCodeCache() {
  const to = path.join(root, 'dist/code-cache');
  fs.mkdirSync(to, { recursive: true });
  const make = `
    const Module = require('module'); const vm = require('vm'); const fs = require('fs'); const path = require('path'); const crypto = require('crypto');
    const stand = () => new Proxy(function () {}, { get: (t, k) => (k === '__esModule' ? true : k === 'prototype' ? {} : stand()), apply: () => stand(), construct: () => stand() });
    const vscode = stand();
    const resolve = Module._resolveFilename;
    Module._resolveFilename = function (r, ...a) { return r === 'vscode' ? 'vscode' : resolve.call(this, r, ...a); };
    require.cache.vscode = { id: 'vscode', filename: 'vscode', loaded: true, exports: vscode };
    const [script, to] = process.argv.slice(1);
    const source = fs.readFileSync(script, 'utf8');
    const key = crypto.createHash('sha256').update(source).update('\\0' + process.version + '\\0' + process.versions.v8 + '\\0' + process.arch).digest('hex').slice(0, 32);
    const compiled = new vm.Script(Module.wrap(source), { filename: script });
    const mod = new Module(script, module); mod.filename = script; mod.paths = Module._nodeModulePaths(path.dirname(script));
    compiled.runInThisContext().call(mod.exports, mod.exports, Module.createRequire(script), mod, script, path.dirname(script));
    if (typeof mod.exports.activate !== 'function') throw new Error('the bundle exports no activate()');
    const data = compiled.createCachedData();
    const sealed = Buffer.concat([Buffer.from('CEC1', 'latin1'), crypto.createHash('sha256').update(data).digest(), data]);
    fs.writeFileSync(path.join(to, 'extension-' + key + '.bin'), sealed);
  `;
  const r = spawnSync(process.execPath, ['-e', make, path.join(root, 'dist/extension-main.js'), to], { encoding: 'utf8', env: { ...process.env, CORELENS_CACHE: 'off' } });
  if (r.status !== 0) {
    console.error(`corelens: the extension's shipped code cache was not made:\n${r.stdout}${r.stderr}`);
    process.exitCode = 1;
  }
}
