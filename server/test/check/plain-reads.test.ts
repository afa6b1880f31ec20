// Loads with no relocation through a plain number (issue 12, held-out MagicEyes mem_watcher's procstat:
// `t = (long long *)rss.count; *t`): a member of a record without preserve_access_index, `*p` or `p[i]`, read through
// a kprobe argument, a number BPF_CORE_READ returned or a helper function returns (pr_return, plainRet), is refused by the verifier ("invalid mem access 'scalar'")
// as a relocated direct read is. The fixtures (test-fixtures/check/plain, the tool's records and inline helpers in
// app_stats.bpf.h) are compiled here with clang; per fixture `check FILE.bpf.c` must give the errors `check FILE.o`
// (the bytecode walk) gives, on the same targets at the same lines, and this machine's verifier must refuse every
// fixture with a finding and load pr_loads (map values, a dead read, the stack, a BTF-typed argument, a tc program's
// packet pointer made through a copy of ctx) and pr_member_arith (words copied out of a map value's byte array:
// `(u64 *)(p->arr + 8)` is an address, CORELENS_MEMBER_ARITH=0 fails it). CORELENS_PLAIN_READS=0 fails it (the source
// path finds none).

import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CheckFinding, DIRECT_READ, runCheck } from '../../src/check/run';
import { CODES, siteFindings } from '../../src/features/diagnostics';
import { LiveSite, evaluateSites } from '../../src/features/evaluate';
import { createAnalyzer } from '../../src/source/analyzer';
import { bundledKernelSpecs, TargetSpec } from '../../src/targets/registry';
import { CompiledFixture, compileFixtureDir, loadOnRunningKernel } from '../support/bpfLoad';
import { kernel } from '../support/kernels';
import { FIXTURES } from '../support/paths';
import { execFileSync } from 'child_process';

const DIR = path.join(FIXTURES, 'check', 'plain');
const INCLUDES = [path.join(FIXTURES, 'programs'), DIR];
const DEFINES = ['__TARGET_ARCH_x86'];

const key = (f: CheckFinding) => `${f.code} ${path.basename(f.location.file)}:${f.location.line} [${[...f.targets].sort().join(',')}]`;

/** The direct reads each fixture is written for, by line of the .bpf.c (the comparison decides whether they are right). */
const EXPECTED: { [name: string]: number[] } = {
  pr_kprobe: [13], pr_header: [10, 11], pr_deref: [15, 16, 17], pr_guarded: [13], pr_return: [13], pr_loads: [], pr_member_arith: [],
};

describe('check FILE.bpf.c finds the loads with no relocation through a plain number that check FILE.o finds', function () {
  this.timeout(900_000);
  let tmp: string;
  let programs: CompiledFixture[];
  let targets: TargetSpec[];
  const root = process.getuid?.() === 0;

  before(() => {
    execFileSync(path.join(FIXTURES, '..', 'scripts', 'build-fixtures.sh'), ['--vmlinux-h'], { stdio: 'inherit' });
    if (!root) console.log('      NOT ROOT: the verifier part is not run here');
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'corelens-plain-'));
    programs = compileFixtureDir(DIR, tmp, { includes: INCLUDES, arch: 'x86', target: 'bpf' });
    // 5.10 lacks `task_struct::__state` (pr_guarded's read never runs there), 6.18 has it
    targets = bundledKernelSpecs(false, path.join(FIXTURES, 'btf', 'kernels')).filter((t) => /^(5\.10|6\.18)-amd64$/.test(t.name));
  });

  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('same errors as the object on the same targets at the same lines; the verifier agrees', async () => {
    assert.strictEqual(targets.length, 2);
    assert.deepStrictEqual(programs.map((p) => p.name).sort(), Object.keys(EXPECTED).sort());
    for (const p of programs) {
      const common = { targets, workers: 0, includePaths: INCLUDES, defines: DEFINES };
      const src = await runCheck({ ...common, file: p.source });
      const obj = await runCheck({ ...common, file: p.object, source: p.source });
      const errors = (fs_: readonly CheckFinding[]) => [...new Set(fs_.filter((f) => f.severity === 'error').map(key))].sort();
      assert.deepStrictEqual(errors(src.findings), errors(obj.findings), `${p.name}: errors of check .bpf.c (actual) and check .o (expected)`);
      const lines = [...new Set(src.findings.filter((f) => f.code === DIRECT_READ).map((f) => f.location.line))].sort((a, b) => a - b);
      assert.deepStrictEqual(lines, EXPECTED[p.name], `${p.name}: the direct reads it is written for`);
      // a read with no relocation is no relocation
      assert.strictEqual(src.program.relocations, obj.program.relocations, `${p.name}: relocations`);
      if (root) {
        const asIs = loadOnRunningKernel(p.object);
        if (lines.length) {
          assert.ok(!asIs.ok, `${p.name} must be rejected`);
          assert.match(asIs.log, /invalid mem access 'scalar'/);
        } else {
          assert.ok(asIs.ok, `${p.name} loads:\n${asIs.log.slice(-2000)}`);
        }
      }
    }
  });

  it('the editor shows them as direct-read on the expression, with no BPF_CORE_READ fix text', async () => {
    const file = path.join(DIR, 'pr_kprobe.bpf.c');
    const text = fs.readFileSync(file, 'utf8');
    const a = (await createAnalyzer({ defines: DEFINES })).analyze(file, text, { includePaths: INCLUDES });
    assert.strictEqual(a.sites.filter((s) => s.plainRead !== undefined).length, 0, 'plain reads are never sites');
    const target = { name: '6.18-amd64', btf: await kernel('6.18-amd64') };
    const local = a.localBtf();
    const found = siteFindings(local, evaluateSites(local, a.plainReads as LiveSite[], [target]), [target.name]);
    assert.deepStrictEqual(found.map((f) => `${f.code} ${f.range.start.line + 1}:${f.range.start.character + 1} ${f.data.path}`),
      [`${CODES.directRead} 13:36 app_stats::count`]);
    assert.match(found[0]!.message, /bpf_probe_read_kernel\(\)/);
  });
});
