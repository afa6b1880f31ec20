// Load verdicts against the real kernel verifier, program by program and target by target.
//
// The oracle (tools/oracle/verifier.c, run by scripts/verifier-oracle.sh) lets real libbpf 1.1 relocate each fixture
// object against each target BTF (btf_custom_path) and loads every program into THIS machine's kernel; corelens
// computes its verdict from the object alone and must agree: loads, or fails at the same instruction with the same
// kind of error (a reachable poisoned CO-RE relocation; a read through a plain number; a reachable call of a helper
// the target kernel lacks, which the oracle makes this kernel refuse as the target would; libbpf refusing the object).
//
// What is compared, and why the rest is not:
//   - outcomes of other kinds ("other": fentry not supported by this kernel, bpf_core_cast() with a type id of another
//     kernel, arm64 builds reading pt_regs beyond this x86 machine's, ...) are not about CO-RE reachability: left out,
//     and counted;
//   - tp_btf/fentry/lsm/iter programs (BTF-typed context) are loaded with every target's CO-RE offsets but checked
//     against the running kernel's own types: where that gives "invalid mem access 'scalar'" on a target other than
//     the running kernel it is an artefact of mixing the two, so left out too. Their loads and CO-RE failures on every
//     target are compared (the verifier walks them the same way), and on the running kernel everything is.
//   - what libbpf decides on the loading machine rather than from the target (__kconfig values, which __ksym
//     symbols exist, the CPU count) is read from the oracle's output and given to corelens as that machine's facts.
// Live when bpf() is permitted (root; CI runs it); otherwise the live test says loudly that it did not run, and the
// same comparison runs against the committed record of Linux 6.18's answers (test-fixtures/expected/verifier). When
// the live run happens on the record's kernel version, the record is checked against it instead (it must not go
// stale).

import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import {
  Comparison, VERIFIER_EXPECTED, VerdictLine, compareVerdicts, newComparison, objectOfVerdictFile, readVerdicts, runOracleLive,
  summary,
} from '../support/verifier';

function files(dir: string): string[] {
  return fs.readdirSync(dir).filter((f) => f.endsWith('.jsonl')).sort().map((f) => path.join(dir, f));
}

describe('load verdicts equal the kernel verifier\'s (differential)', function () {
  this.timeout(300_000);
  let live: { dir: string } | { denied: string };
  before(() => {
    live = runOracleLive();
  });
  after(() => {
    if ('dir' in live) fs.rmSync(live.dir, { recursive: true, force: true });
  });

  it('live: this machine\'s verifier, every fixture program × target', async function () {
    if ('denied' in live) {
      const msg = `NOT RUN: the live verifier differential needs to load BPF programs (root): ${live.denied}`;
      console.warn(`\n      ${'!'.repeat(msg.length)}\n      ${msg}\n      ${'!'.repeat(msg.length)}`);
      this.skip();
    }
    const c: Comparison = newComparison();
    for (const f of files(live.dir)) {
      const lines = readVerdicts(f);
      if (lines.length) await compareVerdicts(objectOfVerdictFile(f), lines, c);
    }
    console.log(`      verifier (live, ${os.release()}): ${summary(c)}`);
    assert.ok(c.compared > 0, 'nothing compared');
    assert.deepStrictEqual(c.differences.slice(0, 30), [], `${c.differences.length} differences`);
  });

  it('committed: the record of Linux 6.18\'s verdicts (checked against this kernel, or compared with corelens)', async () => {
    const recorded = fs.readFileSync(path.join(VERIFIER_EXPECTED, 'KERNEL'), 'utf8').trim();
    const running = os.release().split('.').slice(0, 2).join('.');
    if ('dir' in live && recorded === running) {
      // Same kernel: the record must say what the kernel says now, for every (object, program, target) both have.
      const key = (l: VerdictLine) => `${l.target}\u0000${l.section}\u0000${l.name}`;
      let checked = 0;
      const stale: string[] = [];
      for (const f of files(VERIFIER_EXPECTED)) {
        const fresh = path.join(live.dir, path.basename(f));
        if (!fs.existsSync(fresh)) continue;
        const now = new Map(readVerdicts(fresh).map((l) => [key(l), l]));
        for (const l of readVerdicts(f)) {
          const n = now.get(key(l));
          if (!n) continue;
          // An 'other' outcome both times is left out, as the comparisons leave it out: its place can hang on this
          // kernel build's own BTF (a kfunc's type ID relocated against another target's BTF, checked here against
          // the running kernel's types), which changes between builds of one release.
          if (l.class === 'other' && n.class === 'other') continue;
          // Nor does a program that passes a relocated type ID to bpf_rdonly_cast get a fixed verdict here: the ID
          // is the target's, the kernel reads it as its own, so whether the load gets past it (ok or other) hangs
          // on this build's BTF too (two machines running 6.18.44 builds disagreed on corecast's 6.18 verdict).
          if (l.ksyms?.bpf_rdonly_cast && n.ksyms?.bpf_rdonly_cast && l.class !== 'core' && n.class !== 'core') continue;
          checked++;
          if (n.class !== l.class || n.insn !== l.insn || n.insns !== l.insns) stale.push(`${path.basename(f)} ${l.name} on ${l.target}: record ${l.class}@${l.insn}, kernel ${n.class}@${n.insn}`);
        }
      }
      console.log(`      verifier record (Linux ${recorded}): ${checked} verdicts equal this kernel's, ${stale.length} stale`);
      assert.ok(checked > 0);
      assert.deepStrictEqual(stale.slice(0, 30), [], 'the record is stale: run scripts/verifier-oracle.sh as root');
      return;
    }
    const c: Comparison = newComparison();
    for (const f of files(VERIFIER_EXPECTED)) {
      const obj = objectOfVerdictFile(f);
      if (!fs.existsSync(obj)) continue;
      const lines = readVerdicts(f);
      if (lines.length) await compareVerdicts(obj, lines, c);
    }
    console.log(`      verifier (committed record, Linux ${recorded}): ${summary(c)}`);
    assert.ok(c.compared > 0, 'nothing compared');
    assert.deepStrictEqual(c.differences.slice(0, 30), [], `${c.differences.length} differences`);
  });
});
