// `corelens check FILE.bpf.c` reports the direct reads through a plain number that `corelens check FILE.o` (the
// verifier's walk of the bytecode) reports, in shapes beyond `p->f` in the program's own body (issue 12's second
// rule, the held-out projects bpftime and lmp): the plain number handed to an inline helper's parameter
// (CORELENS_ARG_ORIGIN), a pointer member loaded then indexed and a bitfield's storage unit loaded through it
// (CORELENS_LOADED_VIA), a load whose relocation is poisoned on a target (CORELENS_POISONED_DIRECT_READ), and a
// refused load placed on its own line where its record pairs with another read of the field (CORELENS_LOAD_LINE), and
// a direct load of a field whose size differs on a target, which libbpf resizes (an unsigned integer) or poisons (a
// signed one: CORELENS_DIRECT_LOAD_SIZE, the error `core-unresizable-load` both paths then give). The
// fixtures (test-fixtures/check/direct: many programs per object, helpers in direct.bpf.h) hold each shape with a
// plain number and with a typed pointer (no finding). They are compiled here with clang, and both checks must give
// the same errors on the same targets at the same lines. Warnings are not compared: the object path does not see a
// bitfield read whose relocation is on the offset's `mov` (clang 14 for `p->in_execve`), which the source path
// warns about (a difference of core-direct-bitfield, not of this rule).

import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CheckFinding, DIRECT_READ, UNRESIZABLE_LOAD } from '../../src/check/run';
import { bundledKernelSpecs, TargetSpec } from '../../src/targets/registry';
import { CompiledFixture, compileFixtureDir, loadOnRunningKernel } from '../support/bpfLoad';
import { checkBothWays } from '../support/checkBoth';
import { FIXTURES } from '../support/paths';

const DIR = path.join(FIXTURES, 'check', 'direct');
const INCLUDES = [path.join(FIXTURES, 'programs'), DIR];
const ARCH = 'x86';
const DEFINES = [`__TARGET_ARCH_${ARCH}`];

function key(f: CheckFinding): string {
  return `${f.code} ${f.cause} ${path.basename(f.location.file)}:${f.location.line} [${[...f.targets].sort().join(',')}]`;
}

describe('check FILE.bpf.c finds the direct reads check FILE.o finds: helpers, indexed members, bitfields, poisoned loads', function () {
  this.timeout(900_000);
  let tmp: string;
  let programs: CompiledFixture[];
  let targets: TargetSpec[];

  before(() => {
    execFileSync(path.join(FIXTURES, '..', 'scripts', 'build-fixtures.sh'), ['--vmlinux-h'], { stdio: 'inherit' });
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'corelens-direct-'));
    programs = compileFixtureDir(DIR, tmp, { includes: INCLUDES, arch: ARCH, target: 'bpf' });
    // 5.10 lacks `task_struct::__state` (the poisoned case), 6.18 has it
    targets = bundledKernelSpecs(false, path.join(FIXTURES, 'btf', 'kernels')).filter((t) => /^(5\.10|6\.18)-amd64$/.test(t.name));
  });

  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('same errors on the same targets at the same lines; the fixtures do exercise each shape', async () => {
    assert.strictEqual(targets.length, 2);
    const reads = new Map<string, string[]>();
    const sized = new Map<string, string[]>();
    for (const p of programs) {
      const common = { targets, workers: 0, includePaths: INCLUDES, defines: DEFINES };
      const { S, O } = await checkBothWays(common, p.source, p.object);
      const errors = (fs_: readonly CheckFinding[]) => [...new Set(fs_.filter((f) => f.severity === 'error').map(key))].sort();
      assert.deepStrictEqual(errors(S), errors(O), `${p.name}: errors of check .bpf.c (actual) and check .o (expected)`);
      reads.set(p.name, S.filter((f) => f.code === DIRECT_READ).map((f) => `${f.location.line} ${[...f.targets].sort().join(',')}`));
      sized.set(p.name, S.filter((f) => f.severity !== 'hint' && /size|resiz/.test(f.code)).map((f) => `${f.code} ${f.location.line} ${[...f.targets].sort().join(',')}`));
    }
    // what each fixture is written for (the comparison above decides whether it is right)
    const at = (name: string, line: number) => (reads.get(name) ?? []).filter((r) => r.startsWith(`${line} `));
    for (const line of [12, 20, 30, 38]) assert.ok(at('dr_helpers', line).length, `dr_helpers:${line}: a plain number passed to a helper`);
    for (const line of [49, 57]) assert.deepStrictEqual(at('dr_helpers', line), [], `dr_helpers:${line}: typed pointers load`);
    for (const line of [14, 22]) assert.ok(at('dr_loads', line).length, `dr_loads:${line}: a pointer member loaded, then indexed`);
    for (const line of [30, 38]) assert.ok(at('dr_loads', line).length, `dr_loads:${line}: a bitfield's storage unit`);
    for (const line of [46, 54]) assert.deepStrictEqual(at('dr_loads', line), [`${line} 5.10-amd64,6.18-amd64`], `dr_loads:${line}: poisoned on 5.10, still a direct read`);
    assert.deepStrictEqual(at('dr_loads', 62), [], 'dr_loads:62: typed pointers load');
    // the refused load's own line (CORELENS_LOAD_LINE): the helper's read entered at line 14, not the document's
    // read of the same field that its record pairs with by line number (15); the unrolled copy's at 31, not at 33
    for (const line of [14, 31]) assert.ok(at('dr_lines', line).length, `dr_lines:${line}: a refused load`);
    for (const line of [15, 33]) assert.deepStrictEqual(at('dr_lines', line), [], `dr_lines:${line}: not the load refused`);
    // the kernel's verifier names the refused instruction by its line info: the helper's line in lines.bpf.h
    const lines = programs.find((p) => p.name === 'dr_lines')!;
    const load = loadOnRunningKernel(lines.object);
    assert.ok(!load.ok && /; v \+= t->mm->arg_end; @ lines\.bpf\.h:15\n[^\n]*\nR\d+ invalid mem access 'scalar'/.test(load.log), load.log.slice(-2000));
    // sizes (CORELENS_DIRECT_LOAD_SIZE): the unsigned field is resized, no finding, not even a size warning; the signed
    // one is poisoned on 6.18 (an int in 6.1's vmlinux.h, a u16 there), and this 6.18 kernel's verifier says so
    assert.deepStrictEqual(sized.get('dr_resized'), [], 'dr_resized: libbpf resizes an unsigned load');
    assert.deepStrictEqual(sized.get('dr_unresized'), [`${UNRESIZABLE_LOAD} 12 6.18-amd64`], 'dr_unresized: poisoned on 6.18');
    const resized = loadOnRunningKernel(programs.find((p) => p.name === 'dr_resized')!.object);
    assert.ok(resized.ok, resized.log.slice(-2000));
    const unresized = loadOnRunningKernel(programs.find((p) => p.name === 'dr_unresized')!.object);
    assert.ok(!unresized.ok && /out = sk->sk_gso_type; @ dr_unresized\.bpf\.c:12\n1: <invalid CO-RE relocation>/.test(unresized.log), unresized.log.slice(-2000));
  });
});
