#!/usr/bin/env node
// Entry point of the corelens CLI (compiled TypeScript lives in ../out).
require('../out/src/cli/main.js').main(process.argv.slice(2)).then((code) => { process.exitCode = code; });
