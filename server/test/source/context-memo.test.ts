// The call contexts' memo (contexts.ts contextMemo: a context made once per parent context and call, sites found by
// object) skips recomputing values, never changes one: analyses with it on equal analyses with it off, field by field
// (sites with their `merged` flags, notes, plain accesses, functions, local BTF), on every fixture and corpus program
// and the big program, both arches.

import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { createAnalyzer } from '../../src/source/analyzer';
import { contextMemo } from '../../src/source/contexts';
import { writeBigProgram } from '../../bench/bigProgram';
import { generateVmlinuxH } from '../../bench/source.bench';
import { analysisShapes, fixtureSourcePrograms } from '../support/analysisShapes';

describe('call-context memo: the same analyses', function () {
  this.timeout(600_000);

  const set = (on: boolean) => { contextMemo.on = on; };

  it('every fixture and corpus program and the big program, both arches', async () => {
    const { files, includePaths } = fixtureSourcePrograms();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'corelens-ctxmemo-'));
    try {
      generateVmlinuxH(dir);
      const big = writeBigProgram(dir);
      const programs = [...files.map((f) => ({ f, includePaths })), { f: big.file, includePaths: [dir] }];
      let merged = 0;
      for (const arch of ['x86', 'arm64']) {
        const off = await createAnalyzer({ defines: [`__TARGET_ARCH_${arch}`] });
        const on = await createAnalyzer({ defines: [`__TARGET_ARCH_${arch}`] });
        for (const { f, includePaths: inc } of programs) {
          const text = fs.readFileSync(f, 'utf8');
          set(false);
          const h0 = contextMemo.hits;
          const a = off.analyze(f, text, { includePaths: inc });
          assert.strictEqual(contextMemo.hits, h0, 'the memo is off');
          const want = analysisShapes(a);
          set(true);
          const got = analysisShapes(on.analyze(f, text, { includePaths: inc }));
          for (const k of Object.keys(want)) assert.strictEqual(got[k], want[k], `${path.basename(f)} ${arch}: ${k} differ with the memo`);
          if (f === big.file) merged += a.sites.filter((s) => s.merged).length;
          off.close(f);
          on.close(f);
        }
      }
      assert.ok(programs.length >= 46, `${programs.length} programs`);
      // the memo was used, and the merge replay had work to do (its flags are part of what was compared)
      assert.ok(contextMemo.hits > 10_000, `memo hits: ${contextMemo.hits}`);
      assert.ok(merged > 100, `merged sites of the big program: ${merged}`);
    } finally {
      set(true);
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
