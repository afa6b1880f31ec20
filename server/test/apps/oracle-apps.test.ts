// Proof (b) of issue 8: the engine on app targets equals libbpf (committed oracle output, test-fixtures/expected/
// oracle-apps) for every app_* relocation × app version: pahole's BTF, corelens' DWARF conversion, and the app
// merged over a kernel; and relocating against the in-process DWARF conversion gives what pahole's BTF gives.

import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { openBpfObject } from '../../src/btf/object';
import { openBtfFile } from '../../src/btf/open';
import { Btf } from '../../src/btf/reader';
import { ObjectRelocation, TargetOutcome, relocateObject } from '../../src/core/object';
import { loadTarget } from '../../src/targets/registry';
import { OracleLine, readOracle } from '../support/oracle';
import { OBJECTS_DIR, kernelPath } from '../support/paths';
import { APPS_BIN, APPS_ORACLE, SCENARIO_APPS } from './support';

const KERNEL = '6.1-amd64';

/**
 * The engine's BTF for an oracle target name. libbpf read files; the engine reads the binaries themselves:
 * `NAME` pahole's detached BTF, `NAME.dwarf` the DWARF-only binary (converted in-process, the same bytes libbpf
 * was given as NAME.dwarf.btf), `NAME+KERNEL` the binary as an app target over the kernel (merged in-process).
 */
async function engineTarget(name: string): Promise<Btf> {
  const merged = /^(.*)\+(.*)$/.exec(name);
  if (merged) {
    const r = await loadTarget({ name, path: path.join(APPS_BIN, merged[1]!), base: kernelPath(merged[2]!), kind: 'app' });
    if (!r.ok) throw r.error;
    assert.deepStrictEqual(r.value.containers, ['elf:dwarf', `merged:${KERNEL}.btf.xz`]);
    return r.value.btf;
  }
  const file = name.endsWith('.dwarf') ? path.join(APPS_BIN, name.slice(0, -'.dwarf'.length))
    : path.join(APPS_BIN, '..', 'btf', `${name}.btf`);
  const r = await openBtfFile(file);
  if (!r.ok) throw r.error;
  return r.value.btf;
}

/** Every field where the engine's outcome differs from libbpf's line (as server/test/support/oracle.ts does). */
function differences(where: string, e: OracleLine, r: ObjectRelocation, got: TargetOutcome): string[] {
  const out: string[] = [];
  const diff = (what: string, want: unknown, have: unknown) => out.push(`${where}: ${what}: libbpf ${want}, engine ${have}`);
  if (e.section !== r.section || e.insnOff !== r.insnOff || e.kind !== r.kind || e.access !== r.access) {
    diff('record', `${e.section}+${e.insnOff} ${e.kind} ${e.access}`, `${r.section}+${r.insnOff} ${r.kind} ${r.access}`);
    return out;
  }
  const engineErr = got.status === 'error' ? -(got.errno ?? 0) : 0;
  if (e.err !== engineErr) return [`${where}: error: libbpf ${e.err}, engine ${engineErr} (${got.reason ?? ''})`];
  if (e.err !== 0) return out;
  if (e.poison !== (got.status === 'poison')) diff('poison', e.poison, got.status);
  if (e.origVal !== BigInt.asIntN(64, got.localValue!)) diff('local value', e.origVal, got.localValue);
  if (!e.poison && e.newVal !== BigInt.asIntN(64, got.value ?? -1n)) diff('value', e.newVal, got.value);
  if (e.validate !== got.validate) diff('validate', e.validate, got.validate);
  if (e.failMemszAdjust !== got.failMemszAdjust) diff('failMemszAdjust', e.failMemszAdjust, got.failMemszAdjust);
  if (e.origSz !== got.localSize || e.newSz !== got.targetSize) diff('memory sizes', `${e.origSz}->${e.newSz}`, `${got.localSize}->${got.targetSize}`);
  const patchErr = got.patch?.errno !== undefined ? -got.patch.errno : 0;
  if (e.patchErr !== patchErr) diff('patch error', e.patchErr, patchErr);
  else if (e.patchErr === 0 && e.insnPoisoned !== !!got.patch?.poisoned) diff('instruction poisoned', e.insnPoisoned, got.patch?.poisoned);
  return out;
}

function appObjects(): string[] {
  return fs.readdirSync(APPS_ORACLE).filter((f) => f.endsWith('.jsonl')).map((f) => f.replace(/\.jsonl$/, '')).sort();
}

describe('userspace CO-RE: the engine on app targets equals libbpf (issue 8, proof b)', function () {
  this.timeout(120_000);
  const targetCache = new Map<string, Promise<Btf>>();
  const target = (n: string) => {
    let p = targetCache.get(n);
    if (!p) targetCache.set(n, (p = engineTarget(n)));
    return p;
  };
  let compared = 0;

  it('the oracle covers every app_* object (both byte orders) × every scenario app three ways', () => {
    const objects = appObjects();
    assert.deepStrictEqual(objects, ['app_plugin.bpfeb', 'app_plugin.bpfel', 'app_uprobe.bpfeb', 'app_uprobe.bpfel']);
    for (const o of objects) {
      const names = new Set(readOracle(path.join(APPS_ORACLE, `${o}.jsonl`)).map((l) => l.target));
      const want = SCENARIO_APPS.flatMap((a) => [a, `${a}.dwarf`, `${a}+${KERNEL}`]);
      assert.deepStrictEqual([...names].sort(), want.sort());
    }
  });

  for (const object of ['app_plugin.bpfeb', 'app_plugin.bpfel', 'app_uprobe.bpfeb', 'app_uprobe.bpfel']) {
    it(`${object}: every relocation × app target equals libbpf`, async () => {
      const lines = readOracle(path.join(APPS_ORACLE, `${object}.jsonl`));
      const obj = await openBpfObject(path.join(OBJECTS_DIR, `${object}.o`));
      if (!obj.ok) throw obj.error;
      const names = [...new Set(lines.map((l) => l.target))];
      const targets = await Promise.all(names.map(async (name) => ({ name, btf: await target(name) })));
      const relos = relocateObject(obj.value, targets, { littleEndian: true, libbpf: '1.1' });
      const diffs: string[] = [];
      for (const name of names) {
        const expected = lines.filter((l) => l.target === name);
        assert.strictEqual(expected.length, relos.length, `${name}: relocation count`);
        expected.forEach((e, i) => {
          compared++;
          diffs.push(...differences(`${object} @ ${name} #${i}`, e, relos[i]!, relos[i]!.targets.get(name)!));
        });
      }
      assert.deepStrictEqual(diffs.slice(0, 30), [], `${diffs.length} differences`);
    });
  }

  it('relocating against the DWARF conversion gives what pahole\'s BTF gives (values, sizes, poison, errors)', async () => {
    for (const object of appObjects()) {
      const obj = await openBpfObject(path.join(OBJECTS_DIR, `${object}.o`));
      if (!obj.ok) throw obj.error;
      const targets = await Promise.all(SCENARIO_APPS.flatMap((a) => [a, `${a}.dwarf`]).map(async (name) => ({ name, btf: await target(name) })));
      for (const r of relocateObject(obj.value, targets)) {
        for (const a of SCENARIO_APPS) {
          const p = r.targets.get(a)!;
          const d = r.targets.get(`${a}.dwarf`)!;
          const pick = (x: TargetOutcome) => [x.outcome, x.status, x.value, x.localValue, x.targetSize, x.errno, x.patch?.poisoned];
          assert.deepStrictEqual(pick(d), pick(p), `${object} ${r.section}+${r.insnOff} ${r.access} on ${a}`);
        }
      }
    }
  });

  it('shows the scenarios: c moves 4 → 8 (uprobe v1 → v2) and 8 → 12 (plugin v1 → v2); pt_regs only in the merged view', async () => {
    const byteOff = async (object: string, name: string, access: string, section?: string) => {
      const obj = await openBpfObject(path.join(OBJECTS_DIR, `${object}.o`));
      if (!obj.ok) throw obj.error;
      const rs = relocateObject(obj.value, [{ name, btf: await target(name) }])
        .filter((r) => r.kindName === 'byte_off' && r.access === access && (!section || r.section === section));
      return rs.map((r) => { const t = r.targets.get(name)!; return t.outcome === 'ok' ? Number(t.value) : t.outcome; })[0];
    };
    assert.strictEqual(await byteOff('app_uprobe.bpfel', 'uprobe_v1.dwarf', '0:1'), 4);
    assert.strictEqual(await byteOff('app_uprobe.bpfel', 'uprobe_v2.dwarf', '0:1'), 8);
    assert.strictEqual(await byteOff('app_plugin.bpfel', 'plugin_v1.dwarf', '0:2'), 8);
    assert.strictEqual(await byteOff('app_plugin.bpfel', 'plugin_v2.dwarf', '0:2'), 12);
    assert.strictEqual(await byteOff('app_uprobe.bpfel', 'uprobe_v2.dwarf', '0:0', 'uprobe/add_test'), 'poison');
    assert.strictEqual(await byteOff('app_uprobe.bpfel', `uprobe_v2+${KERNEL}`, '0:0', 'uprobe/add_test'), 112);
  });

  after(() => console.log(`      oracle-apps: ${compared} relocation × app target results compared`));
});
