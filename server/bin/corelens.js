#!/usr/bin/env node
// Entry point of the corelens CLI (compiled TypeScript lives in ../out).
require('../out/src/cli/main.js').runProcess(process.argv.slice(2));
