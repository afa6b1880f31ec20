// `npm run bench`: every benchmark, figures printed (never asserted: performance goals live here, not in tests),
// ending with one summary table (summary.ts) of every path beside its anchor and goal.

import { renderSummary } from './summary';

async function main(): Promise<void> {
  const only = process.argv.slice(2);
  const benches: [string, () => Promise<void>][] = [
    ['btf', async () => (await import('./btf.bench.js')).runBtfBench()],
    ['source', async () => (await import('./source.bench.js')).runSourceBench()],
    ['sitescli', async () => (await import('./sitescli.bench.js')).runSitesCliBench()],
    ['core', async () => (await import('./core.bench.js')).runCoreBench()],
    ['tools', async () => (await import('./tools.bench.js')).runToolsBench()],
    ['lsp', async () => (await import('./lsp.bench.js')).runLspBench()],
    ['firstrun', async () => (await import('./firstrun.bench.js')).runFirstRunBench()],
    ['big', async () => (await import('./big.bench.js')).runBigBench()],
    ['check', async () => (await import('./check.bench.js')).runCheckBench()],
    ['verdict', async () => (await import('./verdict.bench.js')).runVerdictBench()],
    ['fleet', async () => (await import('./fleet.bench.js')).runFleetBench()],
    ['hostile', async () => (await import('./hostile.bench.js')).runHostileBench()],
  ];
  const unknown = only.filter((o) => !benches.some(([n]) => n === o));
  if (unknown.length) throw new Error(`unknown bench ${unknown.join(', ')}: choose from ${benches.map(([n]) => n).join(', ')}`);
  for (const [name, run] of benches) {
    if (only.length && !only.includes(name)) continue;
    console.log(`\n== ${name} ==`);
    await run();
  }
  const table = renderSummary();
  if (table) console.log(`\n== summary ==\n${table}`);
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
