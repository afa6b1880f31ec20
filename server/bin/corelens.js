#!/usr/bin/env node
// Entry point of the corelens CLI (compiled TypeScript lives in ../out).
// The command's V8 flags first, then the code cache of the CLI's modules (src/cli/codeCache.ts says why), then the CLI.
// The language server keeps its own start-up path (src/cli/main.ts runProcess).
const path = require('path');
const argv = process.argv.slice(2);
if (argv[0] !== 'lsp') {
  const flags = require('../out/src/jitFlags.js').commandV8Flags(argv[0]);
  if (flags) require('v8').setFlagsFromString(flags);
  require('../out/src/cli/codeCache.js').installCodeCache(path.join(__dirname, '..', 'out'), flags);
}
require('../out/src/cli/main.js').runProcess(argv);
