// `npm start` (corelens demo): fits a 120-column terminal and tells the state/__state story on 5.10 vs 6.x, with the
// arm64 defaults skipped for an x86 object, and one line each on POISON, dead code and arch mismatch.

import * as assert from 'assert';
import { main } from '../../src/cli/main';

describe('corelens demo (npm start)', function () {
  this.timeout(120_000);

  it('fits 120 columns, shows the 5.14 rename per kernel, skips the arm64 targets, explains itself', async () => {
    const lines: string[] = [];
    const err: string[] = [];
    const code = await main(['demo'], { out: (s) => lines.push(...s.split('\n')), err: (s) => err.push(s) });
    assert.strictEqual(code, 0, err.join('\n'));
    const wide = lines.filter((l) => [...l].length > 120);
    assert.deepStrictEqual(wide, [], 'every line fits 120 columns');
    const text = lines.join('\n');
    // The story, computed from the real 5.10 and 6.x BTFs: state at 16 on 5.10 only, __state at 24 (rt: 32) elsewhere.
    assert.match(text, /field_exists\(__state\) +(1 +)?0 +1 +1 +1 +1/);
    assert.match(text, /offset of __state +(24 +)?dead +24 +32 +24 +24/);
    assert.match(text, /offset of state +(dead +)?16 +dead +dead +dead +dead/);
    assert.match(text, /— +5\.10-arm64 — Debian 11 5\.10\.223, arm64: skipped, another arch/);
    assert.match(text, /^ {2}POISON {2}/m);
    assert.match(text, /^ {2}dead {4}/m);
    assert.match(text, /^ {2}arch {4}the object reads x86 registers \(pt_regs\); 2 arm64 targets are skipped, not failed/m);
    assert.doesNotMatch(text, /pt_regs\.di .*POISON/, 'no x86 register read reported on arm64');
  });
});
