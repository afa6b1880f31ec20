// The engine against real libbpf: every relocation of every fixture object, on every target, field by field.

import * as assert from 'assert';
import { compareObject, oracleObjects } from '../support/oracle';

describe('CO-RE engine agrees with libbpf 1.1.2 (differential, committed oracle output)', function () {
  this.timeout(120_000);
  let total = 0;
  let totalDiffs = 0;
  for (const object of oracleObjects()) {
    it(`${object}: every relocation × target equals libbpf`, async () => {
      const c = await compareObject(object);
      total += c.compared;
      totalDiffs += c.differences.length;
      assert.ok(c.compared > 0, 'nothing compared');
      assert.deepStrictEqual(c.differences.slice(0, 40), [], `${c.differences.length} differences`);
    });
  }
  after(() => {
    console.log(`      oracle: ${total} relocation × target results compared, ${totalDiffs} differences`);
  });
});
