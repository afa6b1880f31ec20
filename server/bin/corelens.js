#!/usr/bin/env node
// Entry point of the corelens CLI (compiled TypeScript lives in ../out).
// The command's V8 flags first, then the code cache of the CLI's modules (src/cli/codeCache.ts says why), then the CLI.
// The language server's modules go through the same cache, under the server's V8 flags (src/jitFlags.ts).
const path = require('path');
const argv = process.argv.slice(2);
// A command whose node start-up flags this process lacks (`check`'s young generation, src/cli/nodeFlags.ts says why)
// runs in a node started with them.
const nodeFlags = argv[0] === 'lsp' ? undefined : require('../out/src/cli/nodeFlags.js');
const startup = nodeFlags ? nodeFlags.commandNodeFlags(argv) : [];
const run = (withStartup) => {
  if (argv[0] !== 'lsp') {
    const flags = require('../out/src/jitFlags.js').commandV8Flags(argv[0]);
    if (flags) require('v8').setFlagsFromString(flags);
    // V8 rejects code cached under other heap flags too: the start-up flags are part of the cache's key
    require('../out/src/cli/codeCache.js').installCodeCache(path.join(__dirname, '..', 'out'), [flags, ...(withStartup ? startup : [])].filter(Boolean).join(' '));
  } else if (process.env.CORELENS_LSP_CODE_CACHE !== '0') {
    // The language server through the same cache (CORELENS_LSP_CODE_CACHE=0: compiled from source, as before): its
    // first analysis compiles, lazily, most of the functions the server runs, ~100 ms of main-thread CPU of the big
    // program's first diagnostics (README "perf31"). Its V8 flags first: they are part of the hash V8 checks.
    const jit = require('../out/src/jitFlags.js');
    jit.applyServerJitFlags();
    require('../out/src/cli/codeCache.js').installCodeCache(path.join(__dirname, '..', 'out'), `lsp ${jit.serverStartupFlags()}`, { wrap: jit.withStartupJitFlags });
  }
  require('../out/src/cli/main.js').runProcess(argv);
};
if (nodeFlags) nodeFlags.followParent();
if (startup.length && nodeFlags.needsRelaunch(startup)) nodeFlags.relaunch(startup, __filename, argv, () => run(false));
else run(true);
