// Proof (c) of issue 8: `corelens relocate` with app targets, end to end: DWARF-only binaries as FILE, kind=app,
// over a kernel base; the table shows c moving from 4 to 8 between the app versions.

import * as assert from 'assert';
import * as path from 'path';
import { main } from '../../src/cli/main';
import { OBJECTS_DIR, kernelPath } from '../support/paths';
import { APPS_BIN } from './support';

async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, { out: (s) => (out += s + '\n'), err: (s) => (err += s + '\n') });
  return { code, out, err };
}

describe('corelens relocate with app targets (issue 8, proof c)', function () {
  this.timeout(120_000);
  const obj = path.join(OBJECTS_DIR, 'app_uprobe.bpfel.o');
  const app = (name: string, v: string) => `${name}=${path.join(APPS_BIN, v)},base=${kernelPath('6.1-amd64')},kind=app`;

  it('--json: c at 4 on v1 and 8 on v2, pt_regs resolved through the kernel base', async () => {
    const r = await run('relocate', obj, '--target', app('v1', 'uprobe_v1'), '--target', app('v2', 'uprobe_v2'), '--json');
    assert.strictEqual(r.err, '');
    const doc = JSON.parse(r.out) as { relocations: { section: string; kind: string; access: string; targets: Record<string, { value?: number; poison: boolean }> }[] };
    const c = doc.relocations.filter((x) => x.kind === 'byte_off' && x.access === '0:1' && /data/.test(JSON.stringify(x)));
    assert.ok(c.length > 0);
    for (const x of c) {
      assert.strictEqual(x.targets.v1!.value, 4);
      assert.strictEqual(x.targets.v2!.value, 8);
    }
    const di = doc.relocations.find((x) => x.section === 'uprobe/add_test' && x.access === '0:0' && x.kind === 'byte_off')!;
    assert.strictEqual(di.targets.v1!.value, 112);
    assert.strictEqual(di.targets.v2!.poison, false);
    assert.strictEqual(r.code, 0, 'every relocation resolves on v1 and v2');
  });

  it('table: shows 4 and 8 side by side; v3 (d removed) poisons only the guarded read, dead code there: it loads (exit 0)', async () => {
    const r = await run('relocate', obj, '--target', app('v1', 'uprobe_v1'), '--target', app('v2', 'uprobe_v2'),
      '--target', app('v3', 'uprobe_v3'));
    assert.match(r.out, /app_uprobe\.bpfel\.o: \d+ CO-RE relocations × 3 targets/);
    const cRows = r.out.split('\n').filter((l) => /\bc\b.*\(0:1\)/.test(l) && /byte_off/.test(l));
    assert.ok(cRows.length > 0, r.out);
    for (const row of cRows) assert.match(row, /\b4\b.*\b4\b.*\b8\b.*\b8\b/, row);
    assert.match(r.out, /v3/);
    // bpf_core_field_exists(d) is 0 on v3: the verifier never reaches the poisoned read of d.
    const dRow = r.out.split('\n').find((l) => /byte_off\s+data\.d \(0:2\)/.test(l));
    assert.ok(dRow, r.out);
    assert.match(dRow, /\bdead\s*$/, dRow);
    assert.match(r.out, /\nv3: all \d+ programs? load; 1 poisoned relocation \(1 dead\)/);
    assert.strictEqual(r.code, 0);
  });

  it('an app without a kernel base: pahole\'s detached BTF and the DWARF binary give the same table', async () => {
    const a = await run('relocate', path.join(OBJECTS_DIR, 'app_plugin.bpfel.o'), '--target', `v2=${path.join(APPS_BIN, '..', 'btf', 'plugin_v2.btf')},kind=app`);
    const b = await run('relocate', path.join(OBJECTS_DIR, 'app_plugin.bpfel.o'), '--target', `v2=${path.join(APPS_BIN, 'plugin_v2')},kind=app`);
    assert.strictEqual(a.out, b.out);
    assert.match(b.out, /\b12\b/);
  });

  it('a bad app target names the file', async () => {
    const r = await run('relocate', obj, '--target', `x=${path.join(OBJECTS_DIR, '..', 'apps', 'src', 'uprobe_v1.c')},kind=app`);
    assert.notStrictEqual(r.code, 0);
    assert.match(r.err, /uprobe_v1\.c/);
  });
});
