// `npm run bench`: every benchmark, figures printed (never asserted: performance goals live here, not in tests).

import { runBtfBench } from './btf.bench';
import { runCoreBench } from './core.bench';

async function main(): Promise<void> {
  const only = process.argv[2];
  const benches: [string, () => Promise<void>][] = [
    ['btf', runBtfBench],
    ['source', async () => (await import('./source.bench.js')).runSourceBench()],
    ['core', runCoreBench],
    ['tools', async () => (await import('./tools.bench.js')).runToolsBench()],
    ['lsp', async () => (await import('./lsp.bench.js')).runLspBench()],
    ['check', async () => (await import('./check.bench.js')).runCheckBench()],
    ['fleet', async () => (await import('./fleet.bench.js')).runFleetBench()],
    ['hostile', async () => (await import('./hostile.bench.js')).runHostileBench()],
  ];
  for (const [name, run] of benches) {
    if (only && only !== name) continue;
    console.log(`\n== ${name} ==`);
    await run();
  }
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
