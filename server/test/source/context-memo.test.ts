// The call contexts' memo (contexts.ts contextMemo: a context made once per parent context and call, sites found by
// object) skips recomputing values, never changes one: analyses with it on equal analyses with it off, field by field
// (sites with their `merged` flags, notes, plain accesses, functions, local BTF), on every fixture and corpus program
// and the big program, both arches.

import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { createAnalyzer } from '../../src/source/analyzer';
import { contextMemo } from '../../src/source/contexts';
import { assertSameAnalyses, withEveryProgram } from '../support/analysisShapes';

describe('call-context memo: the same analyses', function () {
  this.timeout(600_000);

  const set = (on: boolean) => { contextMemo.on = on; };

  it('every fixture and corpus program and the big program, both arches', async () => {
    try {
      let merged = 0;
      await withEveryProgram('corelens-ctxmemo-', async (programs) => {
        for (const arch of ['x86', 'arm64']) {
          const off = await createAnalyzer({ defines: [`__TARGET_ARCH_${arch}`] });
          const on = await createAnalyzer({ defines: [`__TARGET_ARCH_${arch}`] });
          for (const { file: f, includePaths: inc, big } of programs) {
            const text = fs.readFileSync(f, 'utf8');
            set(false);
            const h0 = contextMemo.hits;
            const a = off.analyze(f, text, { includePaths: inc });
            assert.strictEqual(contextMemo.hits, h0, 'the memo is off');
            set(true);
            assertSameAnalyses(`${path.basename(f)} ${arch}`, on.analyze(f, text, { includePaths: inc }), a, 'with the memo');
            if (big) merged += a.sites.filter((s) => s.merged).length;
            off.close(f);
            on.close(f);
          }
        }
      });
      // the memo was used, and the merge replay had work to do (its flags are part of what was compared)
      assert.ok(contextMemo.hits > 10_000, `memo hits: ${contextMemo.hits}`);
      assert.ok(merged > 100, `merged sites of the big program: ${merged}`);
    } finally {
      set(true);
    }
  });
});
