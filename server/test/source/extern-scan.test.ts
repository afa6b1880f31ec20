// The externs' body scans kept per function body (externs.ts bodyScan, perf31): the externs of the extern fixtures
// (asm symbols, implicit and undefined functions, memcmp calls, error attributes, kfuncs; externs.test.ts proves them
// equal to clang's objects) are the same with the scans kept and without, and an edit's re-analysis scans only the
// bodies it changed. CORELENS_EXTERN_SCAN_MEMO=0 (every body scanned each time) fails the test.

import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { createAnalyzer } from '../../src/source/analyzer';
import { externScanMemo } from '../../src/source/externs';
import { FIXTURES } from '../support/paths';

const DIR = path.join(FIXTURES, 'check', 'externs');
const INCLUDES = [path.join(FIXTURES, 'programs'), DIR];
const DEFINES = ['__TARGET_ARCH_x86'];

/** The externs of every fixture, then of each after an edit in its last line, without their types' object graphs. */
async function externsOfFixtures(): Promise<unknown[]> {
  const analyzer = await createAnalyzer({ defines: DEFINES });
  const out: unknown[] = [];
  for (const f of fs.readdirSync(DIR).filter((x) => x.endsWith('.bpf.c')).sort()) {
    const file = path.join(DIR, f);
    const text = fs.readFileSync(file, 'utf8');
    const shape = (l: readonly { type: { k: string } }[]) => l.map((x) => ({ ...x, type: x.type.k }));
    out.push(f, shape(analyzer.analyze(file, text, { includePaths: INCLUDES }).externs()));
    out.push(shape(analyzer.update(file, `${text}\n/* edited */\n`).externs()));
  }
  return out;
}

describe('externs: body scans kept per function body', function () {
  this.timeout(300_000);

  it('the same externs with the scans kept and without; an edit rescans no unchanged body', async () => {
    const was = externScanMemo.on;
    try {
      const s0 = { ...externScanMemo };
      const kept = await externsOfFixtures();
      assert.ok(externScanMemo.scanned > s0.scanned, 'bodies were scanned');
      assert.ok(externScanMemo.reused > s0.reused, `the edits' re-analyses reused the unchanged bodies' scans (${JSON.stringify(externScanMemo)})`);
      assert.ok(kept.some((x) => Array.isArray(x) && x.length > 0), 'the fixtures have externs');
      externScanMemo.on = false;
      const s1 = { ...externScanMemo };
      assert.deepStrictEqual(await externsOfFixtures(), kept);
      assert.strictEqual(externScanMemo.scanned, s1.scanned, 'off: no summaries');
    } finally {
      externScanMemo.on = was;
    }
  });
});
