// Minimise: for every fixture object × every small target and real kernel, real libbpf (the oracle harness) must
// relocate against the minimised BTF exactly as against the full BTF; sizes are printed beside bpftool's.

import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { minimizeBtf } from '../../src/tools/minimize';
import { openBpfObject } from '../../src/btf/object';
import { Btf } from '../../src/btf/reader';
import { Kind } from '../../src/btf/types';
import { kernel } from '../support/kernels';
import { KERNELS, OBJECTS_DIR, TARGETS_DIR } from '../support/paths';
import { MISSING_TOOLS, OracleRecord, T, TOOLS_TMP, have, oracle, rawKernelFile, runOracle, smallBtf } from './tools-support';

interface Target {
  name: string;
  file: string;
  btf: Btf;
}

/** Compares one relocation's full and minimised oracle records; type ids are compared through the id map. */
function differences(full: OracleRecord, min: OracleRecord, back: Map<number, number>): string[] {
  const out: string[] = [];
  for (const k of Object.keys(full)) {
    if (k === 'target') continue;
    let want = full[k];
    let got = min[k];
    if (k === 'newTypeId' && got) got = back.get(got as number) ?? `unmapped ${got}`;
    if (k === 'newVal' && full.kind === 7 && !full.err && got !== '0') {
      got = String(back.get(Number(got)) ?? `unmapped ${got}`);
      want = String(want);
    }
    if (want !== got) out.push(`${k}: full ${want}, minimised ${got}`);
  }
  return out;
}

describe('minimize (hand-built BTF, no system tools)', () => {
  it('keeps the long INT that fixes the pointer size of a 32-bit target', async () => {
    const obj = await openBpfObject(path.join(OBJECTS_DIR, 'kernel_task.bpfel.o'));
    if (!obj.ok) throw obj.error;
    const target = smallBtf((w) => {
      w.add(T.int('long int', 4));
      w.add(T.int('int', 4));
    });
    assert.strictEqual(target.pointerSize, 4);
    const m = minimizeBtf(target, [obj.value]);
    const out = Btf.parse(m.bytes, 'min');
    assert.strictEqual(out.pointerSize, 4);
    assert.ok(out.findByName('long int', Kind.Int));
  });
});

describe('minimize: libbpf relocates identically against full and minimised BTF', function () {
  this.timeout(300_000);
  const objects = fs.readdirSync(OBJECTS_DIR).filter((f) => f.endsWith('.o')).sort();
  const targets: Target[] = [];
  const sizes: string[][] = [];
  let compared = 0;
  let sameAsBpftool = 0;
  let differentFromBpftool = 0;
  const bpftool = have('bpftool', ['version']);

  before(async function () {
    if (!oracle()) {
      console.log(`      skipped: ${MISSING_TOOLS}`);
      this.skip();
    }
    for (const f of fs.readdirSync(TARGETS_DIR).filter((x) => x.endsWith('.btf')).sort()) {
      const file = path.join(TARGETS_DIR, f);
      targets.push({ name: f.replace(/\.btf$/, ''), file, btf: Btf.parse(fs.readFileSync(file), file) });
    }
    for (const k of KERNELS) targets.push({ name: k, file: await rawKernelFile(k), btf: await kernel(k) });
  });

  for (const objFile of objects) {
    it(`${objFile} × ${'every small target and real kernel'}`, async () => {
      const objPath = path.join(OBJECTS_DIR, objFile);
      const obj = await openBpfObject(objPath);
      if (!obj.ok) throw obj.error;
      const dir = path.join(TOOLS_TMP, 'min', objFile);
      fs.mkdirSync(dir, { recursive: true });
      const minArgs: string[] = [];
      const maps: Map<number, number>[] = [];
      for (const t of targets) {
        const t0 = performance.now();
        const m = minimizeBtf(t.btf, [obj.value]);
        const ms = performance.now() - t0;
        const file = path.join(dir, `${t.name}.btf`);
        fs.writeFileSync(file, m.bytes);
        minArgs.push(`${t.name}=${file}`);
        maps.push(new Map([...m.idMap].map(([a, b]) => [b, a])));
        let theirs = 'n/a';
        if (objFile.includes('.bpfeb.')) {
          theirs = 'n/a (libbpf 1.1 cannot open non-native objects)';
        } else if (bpftool) {
          const bt = path.join(dir, `${t.name}.bpftool.btf`);
          try {
            execFileSync('bpftool', ['gen', 'min_core_btf', t.file, bt, objPath], { stdio: 'pipe' });
            theirs = String(fs.statSync(bt).size);
          } catch (e) {
            const msg = String((e as { stderr?: Buffer }).stderr ?? '').split('\n').find((l) => /relo|Error/.test(l)) ?? 'failed';
            theirs = `fails: ${msg.replace(/^libbpf: /, '').slice(0, 60)}`;
          }
        }
        if (theirs === String(m.bytes.length)) sameAsBpftool++;
        else if (/^\d+$/.test(theirs)) differentFromBpftool++;
        if ((t.btf.typeCount > 1000 && !objFile.includes('.bpfeb.')) || (theirs !== String(m.bytes.length) && !theirs.startsWith('n/a'))) {
          sizes.push([objFile, t.name, String(m.types), String(m.bytes.length), theirs, `${ms.toFixed(0)}`]);
        }
      }
      const full = runOracle(objPath, targets.map((t) => `${t.name}=${t.file}`));
      const min = runOracle(objPath, minArgs);
      assert.strictEqual(min.length, full.length);
      const problems: string[] = [];
      full.forEach((f, i) => {
        const ti = targets.findIndex((t) => t.name === f.target);
        for (const d of differences(f, min[i]!, maps[ti]!)) problems.push(`${f.target} ${f.section}+${f.insnOff} kind ${f.kind} ${f.access}: ${d}`);
      });
      compared += full.length;
      assert.deepStrictEqual(problems.slice(0, 20), []);
    });
  }

  after(() => {
    if (sizes.length === 0) return;
    console.log(`\n      ${compared} relocation × target results compared, 0 differences. Output size equal to bpftool's in`
      + ` ${sameAsBpftool} cases, different in ${differentFromBpftool}; bpftool fails on the others (errors or big-endian objects).`
      + ' Sizes (bytes) for real kernels and where bpftool differs or fails on a little-endian object:');
    const w = [24, 24, 6, 7, 40, 4];
    console.log(`      ${['object', 'target', 'types', 'ours', 'bpftool gen min_core_btf', 'ms'].map((h, i) => h.padEnd(w[i]!)).join(' ')}`);
    for (const r of sizes) console.log(`      ${r.map((c, i) => c.padEnd(w[i]!)).join(' ')}`);
  });
});
