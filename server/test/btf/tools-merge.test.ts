// Merge: app BTF (pahole --btf_encode_detached) merged with each real kernel; real libbpf (the oracle harness)
// relocates the uprobe fixture against the merged file and finds the app's struct data and the kernel's pt_regs,
// with exactly the results it gets against the kernel alone (pt_regs) and the app alone (struct data).

import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { mergeBtf } from '../../src/tools/merge';
import { Btf } from '../../src/btf/reader';
import { Kind } from '../../src/btf/types';
import { kernel } from '../support/kernels';
import { FIXTURES, KERNELS, OBJECTS_DIR } from '../support/paths';
import { MISSING_TOOLS, T, TOOLS_TMP, oracle, rawKernelFile, runOracle, smallBtf } from './tools-support';

const APPS_DIR = path.join(FIXTURES, 'btf', 'apps');

describe('merge (hand-built BTF, no system tools)', () => {
  const k = smallBtf((w) => {
    const int = w.add(T.int('int', 4));
    w.add(T.struct('pt_regs', 8, [['di', int, 0], ['si', int, 32]]));
    w.add(T.struct('shared', 4, [['x', int, 0]]));
  });
  const app = smallBtf((w) => {
    const int = w.add(T.int('int', 4));
    const ch = w.add(T.int('char', 1));
    const s = w.reserve();
    w.set(s, T.struct('data', 8, [['a', int, 0], ['c', int, 32], ['self', w.add(T.ptr(s)), 0]]));
    w.add(T.struct('shared', 4, [['x', ch, 0]]));
  });

  it('keeps kernel ids, appends the app renumbered and folds identical base types', () => {
    const m = mergeBtf(k, [app]);
    const out = Btf.parse(m.bytes, 'merged');
    assert.strictEqual(m.kernelTypes, 3);
    for (let id = 1; id < k.typeCount; id++) assert.deepStrictEqual(out.type(id), k.type(id));
    const map = m.apps[0]!.idMap;
    assert.strictEqual(map.get(1), 1, 'app int folded into the kernel int');
    assert.strictEqual(m.apps[0]!.folded, 2 - 1);
    const data = out.type(out.findByName('data', Kind.Struct)) as unknown as { members: { type: number }[] };
    assert.strictEqual(data.members[0]!.type, 1);
    assert.strictEqual(out.kind(data.members[2]!.type), Kind.Ptr);
    assert.strictEqual((out.type(data.members[2]!.type) as { type: number }).type, out.findByName('data', Kind.Struct));
    assert.strictEqual(out.typeCount, k.typeCount + app.ownTypeCount - 1);
  });

  it('warns about names that CO-RE would see twice', () => {
    const m = mergeBtf(k, [app, app]);
    assert.ok(m.warnings.some((w) => /struct shared also exists in the kernel/.test(w)));
    assert.ok(m.warnings.some((w) => /struct data also comes from/.test(w)));
  });

  it('writes the byte order asked for', () => {
    const be = Btf.parse(mergeBtf(k, [app], { littleEndian: false }).bytes, 'be');
    assert.strictEqual(be.littleEndian, false);
    assert.strictEqual(be.name(be.findByName('data')), 'data');
  });
});

describe('merge: libbpf relocates a uprobe program against kernel + app BTF', function () {
  this.timeout(300_000);
  let proved = 0;
  before(function () {
    if (!oracle()) {
      console.log(`      skipped: ${MISSING_TOOLS}`);
      this.skip();
    }
  });

  for (const name of KERNELS) {
    for (const appName of ['btf-base', 'btf-base-new']) {
      it(`${name} + ${appName}: struct data from the app, struct pt_regs from the kernel`, async () => {
        const kb = await kernel(name);
        const appFile = path.join(APPS_DIR, `${appName}.btf`);
        const app = Btf.parse(fs.readFileSync(appFile), appFile);
        const m = mergeBtf(kb, [app]);
        assert.deepStrictEqual(m.warnings, []);
        const dir = path.join(TOOLS_TMP, 'merge');
        fs.mkdirSync(dir, { recursive: true });
        const merged = path.join(dir, `${name}+${appName}.btf`);
        fs.writeFileSync(merged, m.bytes);
        const kfile = await rawKernelFile(name);
        const appMap = m.apps[0]!.idMap;
        const data = app.findByName('data', Kind.Struct);
        const dataT = app.type(data) as unknown as { size: number; members: { name: string; bitOffset: number }[] };
        const cOff = dataT.members.find((x) => x.name === 'c')!.bitOffset / 8;
        const regs = kb.findByName('pt_regs', Kind.Struct);
        const di = (kb.type(regs) as unknown as { members: { name: string; bitOffset: number }[] }).members.find((x) => x.name === 'di');
        for (const objName of ['uprobe_data.bpfel.o', 'uprobe_data.bpfeb.o']) {
          const obj = path.join(OBJECTS_DIR, objName);
          const [viaMerged, viaKernel, viaApp] = [runOracle(obj, [`m=${merged}`]), runOracle(obj, [`k=${kfile}`]), runOracle(obj, [`a=${appFile}`])];
          assert.ok(viaMerged.length >= 4);
          viaMerged.forEach((r, i) => {
            const isRegs = r.access === '0:0' && r.insnOff === 0;
            const alone = isRegs ? viaKernel[i]! : viaApp[i]!;
            const want = { ...alone, target: 'm' };
            const got = { ...r };
            // App ids are renumbered in the merged file; kernel ids are not.
            if (!isRegs && got.newTypeId) got.newTypeId = [...appMap].find(([, v]) => v === got.newTypeId)?.[0] ?? -1;
            assert.deepStrictEqual(got, want, `${objName} relocation #${i} (${r.section}+${r.insnOff} ${r.access})`);
            assert.strictEqual(r.err, 0);
            proved++;
          });
          // The facts in words: pt_regs->di at the kernel's offset (arm64 has no di: poisoned there too), data->c
          // at the app's offset, struct data's size from the app.
          const regsRelo = viaMerged.find((r) => r.insnOff === 0)!;
          if (di) assert.strictEqual(regsRelo.newVal, String(di.bitOffset / 8));
          else assert.strictEqual(regsRelo.poison, true);
          assert.strictEqual(viaMerged.find((r) => r.kind === 0 && r.access === '0:1')!.newVal, String(cOff));
          assert.strictEqual(viaMerged.find((r) => r.kind === 9)!.newVal, String(dataT.size));
          assert.strictEqual(viaKernel.find((r) => r.kind === 9)!.newVal, '0', 'the kernel alone has no struct data');
        }
      });
    }
  }

  after(() => {
    if (proved) console.log(`      ${proved} relocation results against merged files equal libbpf's against kernel / app alone`);
  });
});
