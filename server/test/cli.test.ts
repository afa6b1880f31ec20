// The CLI as users run it: exit codes, error messages naming files, and the documented JSON shapes.

import * as assert from 'assert';
import * as path from 'path';
import { main } from '../src/cli/main';
import { FIXTURES, kernelPath } from './support/paths';

async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, { out: (s) => (out += s + '\n'), err: (s) => (err += s + '\n') });
  return { code, out, err };
}

const OBJ = path.join(FIXTURES, 'objects', 'kernel_task.bpfel.o');

describe('corelens CLI', function () {
  this.timeout(60_000);

  it('bad usage exits 2 with the usage text', async () => {
    for (const argv of [[], ['frobnicate'], ['layout'], ['relocate'], ['btf', 'info'], ['layout', '--target'], ['layout', '--bogus', 'x']]) {
      const r = await run(...argv);
      assert.strictEqual(r.code, 2, argv.join(' '));
      assert.match(r.out + r.err, /usage: corelens/);
    }
  });

  it('btf info: byte order, type counts per kind, strings (text and JSON)', async () => {
    const r = await run('btf', 'info', kernelPath('6.1-amd64'));
    assert.strictEqual(r.code, 0, r.err);
    assert.match(r.out, /container: +xz → raw/);
    assert.match(r.out, /byte order: +little-endian/);
    assert.match(r.out, /types: +100642 \(ids 1\.\.100642\)/);
    const j = await run('btf', 'info', '--json', kernelPath('6.18-amd64'));
    const info = JSON.parse(j.out).files[0];
    assert.strictEqual(info.types, 126610);
    assert.strictEqual(Object.values(info.kinds as Record<string, number>).reduce((a, b) => a + b, 0), 126610);
    assert.strictEqual(info.kinds.decl_tag, 205);
  });

  it('btf info on a split BTF names its base', async () => {
    const dir = path.join(FIXTURES, 'btf', 'split');
    const r = await run('btf', 'info', '--base', path.join(dir, 'btf_testmod.btf.base'), path.join(dir, 'btf_testmod.btf'));
    assert.strictEqual(r.code, 0, r.err);
    assert.match(r.out, /ids 158\.\.1601\), split over .*btf_testmod\.btf\.base \(157 types\)/);
  });

  it('a missing or corrupt file exits 1 with the file and the problem on stderr, and other files still print', async () => {
    const r = await run('btf', 'info', '/no/such.btf', OBJ);
    assert.strictEqual(r.code, 1);
    assert.match(r.err, /corelens: \/no\/such\.btf: file not found/);
    assert.match(r.out, /kernel_task\.bpfel\.o/);
  });

  it('layout --json: pid moves by 64 bytes between generic and PREEMPT_RT 6.1', async () => {
    const r = await run('layout', '--json', '-t', `gen=${kernelPath('6.1-amd64')}`, '-t', `rt=${kernelPath('6.1-rt-amd64')}`, 'struct task_struct');
    assert.strictEqual(r.code, 0, r.err);
    const j = JSON.parse(r.out);
    const pid = (t: string) => j.targets[t].members.find((m: { name: string }) => m.name === 'pid').offset;
    assert.strictEqual(pid('gen'), 2416);
    assert.strictEqual(pid('rt'), 2480);
    assert.strictEqual(j.targets.gen.size, 9792);
  });

  it('layout text marks moved and missing members; --changed hides identical ones', async () => {
    const args = ['-t', `a=${kernelPath('6.1-amd64')}`, '-t', `b=${kernelPath('6.18-amd64')}`, 'struct file'];
    const full = await run('layout', ...args);
    assert.strictEqual(full.code, 0, full.err);
    assert.match(full.out, /f_version +u64 +184 +8 +— missing/);
    assert.match(full.out, /f_op +const struct file_operations \* +40 +8 +8 +8\*/);
    const changed = await run('layout', '--changed', ...args);
    assert.ok(!/f_inode/.test(changed.out), 'f_inode is at 32 on both: hidden');
    assert.match(changed.out, /members identical on every target not shown/);
  });

  it('layout of a type that exists nowhere exits 1', async () => {
    const r = await run('layout', '-t', `a=${kernelPath('6.1-amd64')}`, 'struct no_such_struct');
    assert.strictEqual(r.code, 1);
    assert.match(r.out, /missing on every target/);
  });

  it('relocate --json has exactly the documented shape, and the values libbpf computes', async () => {
    const r = await run('relocate', '--json', OBJ, '-t', `k=${kernelPath('6.1-amd64')}`);
    assert.strictEqual(r.code, 0, 'task_struct___o.state is poisoned on 6.1 but guarded: every program loads');
    const j = JSON.parse(r.out);
    // `arch` (what the object is built for) was added to the documented shape; `skipped` appears when targets are.
    assert.deepStrictEqual(Object.keys(j), ['arch', 'relocations', 'programs']);
    assert.strictEqual(j.arch, 'x86_64');
    assert.strictEqual(j.relocations.length, 78);
    for (const rel of j.relocations) {
      assert.deepStrictEqual(Object.keys(rel), ['section', 'insnOff', 'kind', 'localType', 'access', 'path', 'file', 'line', 'column', 'place', 'programs', 'targets']);
      const t = rel.targets.k;
      assert.strictEqual(typeof t.poison, 'boolean');
      assert.strictEqual(typeof t.targetTypeId, 'number');
      assert.strictEqual(typeof t.localValue, 'number');
      assert.strictEqual('value' in t, !t.poison, 'value is absent exactly when poisoned');
    }
    // Hand-checked facts (test-fixtures/README.md): type id of task_struct on 6.1-amd64 is 192, its size 9792.
    const tid = j.relocations.find((x: { kind: string; localType: string }) => x.kind === 'target_type_id' && x.localType === 'struct task_struct');
    assert.strictEqual(tid.targets.k.value, 192);
    const size = j.relocations.find((x: { kind: string; localType: string }) => x.kind === 'type_size' && x.localType === 'struct task_struct');
    assert.strictEqual(size.targets.k.value, 9792);
    const state = j.relocations.find((x: { localType: string; kind: string }) => x.localType === 'struct task_struct___o' && x.kind === 'byte_off');
    assert.strictEqual(state.targets.k.poison, true);
    assert.strictEqual(state.targets.k.dead, true, 'guarded by bpf_core_field_exists(__state): dead code');
    assert.strictEqual(state.path, 'task_struct___o.state');
    assert.deepStrictEqual(j.programs.map((p: { name: string; targets: { k: { loads: boolean } } }) => [p.name, p.targets.k.loads]),
      [['trace_openat2', true], ['trace_vfs_read', true], ['trace_exit_mmap', true], ['handle_switch', true]]);
    assert.match(state.targets.k.reason, /struct task_struct has no field state; __state is the closest name/);
    assert.match(state.file, /kernel_task\.bpf\.c$/);
    assert.ok(state.line > 0 && state.column > 0);
  });

  it('relocate text reports every finding once, naming its targets', async () => {
    const r = await run('relocate', OBJ, '-t', `a=${kernelPath('6.1-amd64')}`, '-t', `rt=${kernelPath('6.1-rt-amd64')}`, '-t', `old=${kernelPath('5.10-amd64')}`,
      '-t', `arm=${kernelPath('6.1-arm64')}`);
    assert.strictEqual(r.code, 0, 'on the x86 kernels every poisoned read is guarded: every program loads');
    assert.match(r.out, /dead: byte_off task_struct___o\.state \(0:0\) on a, rt: struct task_struct has no field state; __state is the closest name \(guarded/);
    assert.match(r.out, /dead: byte_off task_struct___x\.__state \(0:0\) on old: struct task_struct has no field __state/);
    // The x86 object's register reads are not findings on the arm64 kernel: it is skipped, with one note.
    assert.doesNotMatch(r.out, /pt_regs\.di .* on arm/);
    assert.match(r.out, /note: kernel_task\.bpfel\.o: built for x86 .*: 1 arm64 target skipped \(arm\)/);
    // Said to be built for arm64, it is checked there only, and every kprobe program fails at its first instruction.
    const a64 = await run('relocate', OBJ, '--arch', 'arm64', '-t', `a=${kernelPath('6.1-amd64')}`, '-t', `arm=${kernelPath('6.1-arm64')}`);
    assert.strictEqual(a64.code, 1);
    // (the one target checked is "every target")
    assert.match(a64.out, /poison: byte_off pt_regs\.di \(0:0\) on every target: struct pt_regs has no field di: the verifier reaches the poisoned instruction/);
    assert.match(a64.out, /note: kernel_task\.bpfel\.o: built for arm64 \(--arch\): 1 x86 target skipped \(a\)/);
    // task_struct___o.state is relocated twice (an inlined helper): two records, both dead.
    assert.match(a64.out, /\narm: 3 of 4 programs fail to load \(trace_openat2: insn 0, trace_vfs_read: insn 0, trace_exit_mmap: insn 0\); 6 poisoned relocations \(2 dead\)/);
  });

  it('a bad target is reported by name and the other targets still relocate', async () => {
    const r = await run('relocate', OBJ, '-t', 'broken=/etc/hostname', '-t', `k=${kernelPath('6.18-amd64')}`);
    assert.match(r.err, /target broken: \/etc\/hostname: not BTF, ELF, xz, gzip or tar data/);
    assert.match(r.out, /78 CO-RE relocations × 1 target/);
  });
});
