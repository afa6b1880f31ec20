// Load verdicts against the real kernel verifier, program by program and target by target.
//
// The oracle (tools/oracle/verifier.c, run by scripts/verifier-oracle.sh) lets real libbpf 1.1 relocate each fixture
// object against each target BTF (btf_custom_path) and loads every program into THIS machine's kernel; corelens
// computes its verdict from the object alone and must agree: loads, or fails at the same instruction with the same
// kind of error (a reachable poisoned CO-RE relocation; a read through a plain number; libbpf refusing the object).
//
// What is compared, and why the rest is not:
//   - outcomes of other kinds ("other": fentry not supported by this kernel, bpf_core_cast() with a type id of another
//     kernel, ...) are not about CO-RE reachability: left out, and counted;
//   - tp_btf/fentry/lsm/iter programs (BTF-typed context) are loaded with every target's CO-RE offsets but checked
//     against the running kernel's own types: where that gives "invalid mem access 'scalar'" on a target other than
//     the running kernel it is an artefact of mixing the two, so left out too. Their loads and CO-RE failures on every
//     target are compared (the verifier walks them the same way), and on the running kernel everything is.
//   - what libbpf decides on the loading machine rather than from the target (__kconfig values, which __ksym
//     symbols exist, the CPU count) is read from the oracle's output and given to corelens as that machine's facts.
// Live when bpf() is permitted (root; CI runs it); otherwise the live test says loudly that it did not run, and the
// same comparison runs against the committed record of Linux 6.18's answers (test-fixtures/expected/verifier).

import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import {
  Comparison, VERIFIER_EXPECTED, compareVerdicts, newComparison, objectOfVerdictFile, readVerdicts, runOracleLive, summary,
} from '../support/verifier';

function files(dir: string): string[] {
  return fs.readdirSync(dir).filter((f) => f.endsWith('.jsonl')).sort().map((f) => path.join(dir, f));
}

describe('load verdicts equal the kernel verifier\'s (differential)', function () {
  this.timeout(300_000);

  it('live: this machine\'s verifier, every fixture program × target', async function () {
    const live = runOracleLive();
    if ('denied' in live) {
      const msg = `NOT RUN: the live verifier differential needs to load BPF programs (root): ${live.denied}`;
      console.warn(`\n      ${'!'.repeat(msg.length)}\n      ${msg}\n      ${'!'.repeat(msg.length)}`);
      this.skip();
    }
    const c: Comparison = newComparison();
    try {
      for (const f of files(live.dir)) {
        const obj = objectOfVerdictFile(f);
        const lines = readVerdicts(f);
        if (lines.length) await compareVerdicts(obj, lines, c);
      }
    } finally {
      fs.rmSync(live.dir, { recursive: true, force: true });
    }
    console.log(`      verifier (live, ${require('os').release()}): ${summary(c)}`);
    assert.ok(c.compared > 0, 'nothing compared');
    assert.deepStrictEqual(c.differences.slice(0, 30), [], `${c.differences.length} differences`);
  });

  it('committed: the record of Linux 6.18\'s verdicts', async () => {
    const c: Comparison = newComparison();
    for (const f of files(VERIFIER_EXPECTED)) {
      const obj = objectOfVerdictFile(f);
      if (!fs.existsSync(obj)) continue;
      const lines = readVerdicts(f);
      if (lines.length) await compareVerdicts(obj, lines, c);
    }
    console.log(`      verifier (committed record): ${summary(c)}`);
    assert.ok(c.compared > 0, 'nothing compared');
    assert.deepStrictEqual(c.differences.slice(0, 30), [], `${c.differences.length} differences`);
  });
});
