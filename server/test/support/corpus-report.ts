// `node server/out/test/support/corpus-report.js [--detail] [NAME...]`: how today's live analysis agrees with
// clang on the realistic corpus, per program and per construct (see corpus.ts); --detail lists every difference.

import { createAnalyzer, Analyzer } from '../../src/source/analyzer';
import { compareProgram, contextExpansion, corpusPrograms, formatReport, prepareCorpus, ProgramAgreement } from './corpus';

/** Prints the agreement report; exit code 0 whatever the figures (this measures, it does not judge). */
async function main(argv: string[]): Promise<void> {
  const detail = argv.includes('--detail');
  const only = argv.filter((a) => !a.startsWith('--'));
  prepareCorpus();
  const analyzers = new Map<string, Analyzer>();
  const results: ProgramAgreement[] = [];
  for (const prog of corpusPrograms()) {
    if (only.length && !only.includes(prog.name)) continue;
    const key = prog.defines.join(' ');
    let analyzer = analyzers.get(key);
    if (!analyzer) analyzers.set(key, (analyzer = await createAnalyzer({ defines: prog.defines })));
    results.push(await compareProgram(analyzer, prog, contextExpansion));
  }
  console.log(formatReport(results, detail));
}

main(process.argv.slice(2)).catch((e) => {
  console.error(e);
  process.exit(1);
});
