// check's slices: the raw-record copy (sliceBtf's fast path) must equal the decoding path (sliceBtfDecoded) byte for
// byte, on every bundled kernel, for the root names of every fixture object and for broad name sets; odd input takes
// the decoding path, with its errors.

import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { openBpfObject } from '../../src/btf/object';
import { Btf } from '../../src/btf/reader';
import { BtfWriter } from '../../src/btf/writer';
import { rootNames, sliceBtf, sliceBtfDecoded } from '../../src/check/slice';
import { kernel } from '../support/kernels';
import { KERNELS, OBJECTS_DIR } from '../support/paths';
import { T } from '../btf/tools-support';

/** Root names of every little-endian fixture object (what check slices real targets for). */
async function objectNameSets(): Promise<[string, string[]][]> {
  const out: [string, string[]][] = [];
  for (const f of fs.readdirSync(OBJECTS_DIR).filter((x) => x.endsWith('.bpfel.o')).sort()) {
    const r = await openBpfObject(path.join(OBJECTS_DIR, f));
    if (r.ok) out.push([f, rootNames(r.value.btf, r.value.ext?.coreRelos ?? [])]);
  }
  return out;
}

function assertSame(btf: Btf, names: string[], what: string): void {
  const raw = sliceBtf(btf, names);
  const dec = sliceBtfDecoded(btf, names);
  assert.deepStrictEqual([...raw.ids], [...dec.ids], `${what}: kept ids`);
  assert.ok(Buffer.from(raw.bytes).equals(Buffer.from(dec.bytes)), `${what}: slice bytes differ (${raw.bytes.length} vs ${dec.bytes.length})`);
}

describe('check slices: raw-record copy = decode + re-encode', function () {
  this.timeout(600_000);

  it('byte-identical on every bundled kernel, for every fixture object and broad name sets', async () => {
    const sets = await objectNameSets();
    assert.ok(sets.length >= 10, `fixture objects found: ${sets.length}`);
    let compared = 0;
    for (const k of KERNELS) {
      const btf = await kernel(k);
      // the fast path must really be taken on these (else this test would compare the decoding path with itself)
      assert.ok(btf.rawRecords(), `${k}: no raw fast path`);
      const names: string[] = [];
      for (let id = 1; id < btf.typeCount; id += 37) if (btf.nameOff(id)) names.push(btf.name(id));
      for (const [what, set] of [...sets, ['every 37th type name', names] as [string, string[]], ['no name', []] as [string, string[]]]) {
        assertSame(btf, set, `${k} / ${what}`);
        compared++;
      }
    }
    console.log(`      ${compared} slices compared, 0 differences`);
  });

  it('takes the decoding path (same result or same error) where the raw one cannot serve', () => {
    const build = (le: boolean) => {
      const w = new BtfWriter({ littleEndian: le });
      const int = w.add(T.int('int', 4));
      const long = w.add(T.int('long', 8));
      const inner = w.add(T.struct('inner', 8, [['x', long, 0]]));
      const outer = w.reserve();
      const p = w.add(T.ptr(outer));
      w.set(outer, T.struct('outer', 24, [['a', int, 0], ['in', inner, 64], ['self', p, 128]]));
      w.add(T.struct('outer___v2', 8, [['a', int, 0]]));
      w.add(T.enumT('e', 4, [['E1', 1n], ['E2', -2n]]));
      return w.encode();
    };
    for (const le of [true, false]) {
      const btf = Btf.parse(build(le), `<small ${le ? 'le' : 'be'}>`);
      assert.strictEqual(!!btf.rawRecords(), le, 'raw records only in host byte order');
      assertSame(btf, ['outer', 'e'], le ? 'little-endian' : 'big-endian');
    }
    // A member name offset past the string section: both paths refuse it with the decoder's error.
    const bytes = build(true);
    const v = new DataView(bytes.buffer, bytes.byteOffset);
    const strLen = v.getUint32(20, true);
    // record 3 (struct inner) starts at 24 + 16 + 16; its first member's name_off is word 3 of the record
    v.setUint32(24 + 32 + 12, strLen + 5, true);
    const bad = Btf.parse(bytes, '<bad member name>');
    assert.throws(() => sliceBtfDecoded(bad, ['outer']), /string offset/);
    assert.throws(() => sliceBtf(bad, ['outer']), /string offset/);
  });
});
