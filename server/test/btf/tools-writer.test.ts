// BTF writer: hand-built BTFs round-trip in both byte orders with deduplicated strings; pruning renumbers densely;
// every real kernel round-trips with equal types and bpftool reads the written file (LE and BE).

import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { Btf } from '../../src/btf/reader';
import { Kind } from '../../src/btf/types';
import { BtfWriter, pruneBtf, referencedIds, remapType, writerFromBtf } from '../../src/btf/writer';
import { kernel } from '../support/kernels';
import { KERNELS } from '../support/paths';
import { MISSING_TOOLS, T, TOOLS_TMP, have, smallBtf } from './tools-support';

/** Every kind the writer knows, with awkward values (negative enum, enum64 above 2^63, bitfields, varargs). */
function everyKind(w: BtfWriter): void {
  const int = w.add(T.int('int', 4));
  const ulong = w.add(T.int('long unsigned int', 8, false));
  const s = w.reserve();
  const p = w.add(T.ptr(s));
  w.set(s, T.struct('node', 24, [['next', p, 0], ['val', int, 64], ['flags', ulong, 128, 3], ['', int, 131, 5]]));
  w.add(T.struct('u', 8, [['a', int, 0], ['b', ulong, 0]], true));
  w.add(T.array(int, int, 16));
  w.add(T.enumT('e', 4, [['NEG', -5n], ['BIG', 0x7fffffffn]], true));
  w.add(T.enumT('e64', 8, [['TOP', 0xfedcba9876543210n], ['ONE', 1n]], false, true));
  w.add(T.fwd('fwd_s'));
  w.add(T.fwd('fwd_u', true));
  w.add(T.typedef('node_t', s));
  w.add(T.cnst(int));
  w.add(T.volatile(int));
  const proto = w.add(T.proto(int, [p, 0]));
  w.add(T.func('f', proto));
  w.add({ kind: Kind.Var, name: 'v', type: int, linkage: 1 });
  w.add({ kind: Kind.Datasec, name: '.data', size: 4, vars: [{ type: w.nextId - 1, offset: 0, size: 4 }] });
  w.add(T.float('double', 8));
  w.add(T.declTag('tag', s, 1));
  w.add({ kind: Kind.TypeTag, name: 'user', type: int });
  w.add({ kind: Kind.Restrict, name: '', type: p });
}

describe('BTF writer (hand-built BTF, no system tools)', () => {
  for (const le of [true, false]) {
    it(`round-trips every kind (${le ? 'little' : 'big'}-endian)`, () => {
      const btf = smallBtf(everyKind, le);
      assert.strictEqual(btf.littleEndian, le);
      const again = Btf.parse(writerFromBtf(btf).encode(), '<again>');
      assert.strictEqual(again.typeCount, btf.typeCount);
      for (let id = 1; id < btf.typeCount; id++) assert.deepStrictEqual(again.type(id), btf.type(id), `type ${id}`);
      const e64 = btf.type(btf.findByName("e64")) as unknown as { values: { value: bigint }[] };
      assert.strictEqual(e64.values[0]!.value, 0xfedcba9876543210n);
      const e = btf.type(btf.findByName("e")) as unknown as { values: { value: bigint }[] };
      assert.strictEqual(e.values[0]!.value, -5n);
    });
  }

  it('swapping byte order changes every word and nothing else', () => {
    const le = writerFromBtf(smallBtf(everyKind), { littleEndian: true }).encode();
    const be = writerFromBtf(smallBtf(everyKind), { littleEndian: false }).encode();
    assert.strictEqual(le.length, be.length);
    const leBtf = Btf.parse(le, 'le');
    const strStart = 24 + leBtf.header.strOff;
    for (let i = 0; i < strStart; i += 4) {
      if (i === 0) continue; // magic u16 + version/flags bytes
      assert.deepStrictEqual([...be.subarray(i, i + 4)], [...le.subarray(i, i + 4)].reverse(), `word at ${i}`);
    }
    assert.deepStrictEqual(be.subarray(strStart), le.subarray(strStart));
  });

  it('stores each string once', () => {
    const w = new BtfWriter();
    const int = w.add(T.int('int', 4));
    w.add(T.struct('a', 8, [['x', int, 0], ['y', int, 32]]));
    w.add(T.struct('b', 8, [['x', int, 0], ['y', int, 32]]));
    w.add(T.typedef('x', int));
    const btf = Btf.parse(w.encode(), 'dedup');
    // "", int, a, x, y, b: each once.
    assert.strictEqual(btf.header.strLen, 1 + 4 + 2 + 2 + 2 + 2);
    assert.strictEqual(w.addString('x'), w.addString('x'));
  });

  it('encodes non-ASCII names with correct offsets', () => {
    const btf = smallBtf((w) => {
      w.add(T.int('ünï', 4));
      w.add(T.int('after', 4));
    });
    assert.strictEqual(btf.name(1), 'ünï');
    assert.strictEqual(btf.name(2), 'after');
  });

  it('refuses a reserved id that was never set', () => {
    const w = new BtfWriter();
    w.reserve();
    assert.throws(() => w.encode(), /reserved but never set/);
  });

  it('prunes to selected types and members, renumbering densely and voiding dropped references', () => {
    const btf = smallBtf(everyKind);
    const node = btf.findByName('node', Kind.Struct);
    const ptr = btf.findByName('node_t'); // typedef → node
    const { writer, idMap } = pruneBtf(btf, { types: new Set([node, ptr]), members: new Map([[node, new Set([1])]]) });
    const out = Btf.parse(writer.encode(), 'pruned');
    assert.strictEqual(out.typeCount, 3);
    const n = out.type(idMap.get(node)!) as unknown as { members: { name: string; type: number; bitOffset: number }[]; size: number };
    assert.deepStrictEqual(n.members.map((m) => [m.name, m.type, m.bitOffset]), [['val', 0, 64]]);
    assert.strictEqual(n.size, 24);
    assert.strictEqual((out.type(idMap.get(ptr)!) as { type: number }).type, idMap.get(node));
  });

  it('remaps every reference of every kind', () => {
    const btf = smallBtf(everyKind);
    for (let id = 1; id < btf.typeCount; id++) {
      const t = btf.type(id);
      const mapped = remapType(t, (x) => x + 1000);
      assert.deepStrictEqual(referencedIds(mapped), referencedIds(t).map((x) => x + 1000), `kind ${t.kind}`);
    }
  });
});

describe('BTF writer on real kernels (types equal; bpftool reads the result)', function () {
  this.timeout(180_000);
  const bpftool = have('bpftool', ['version']);
  for (const name of KERNELS) {
    for (const le of [true, false]) {
      it(`${name} round-trips ${le ? 'little' : 'big'}-endian`, async function () {
        const src = await kernel(name);
        const t0 = performance.now();
        const bytes = writerFromBtf(src, { littleEndian: le }).encode();
        const ms = performance.now() - t0;
        const out = Btf.parse(bytes, `${name}.rt`);
        assert.strictEqual(out.littleEndian, le);
        assert.strictEqual(out.typeCount, src.typeCount);
        for (let id = 1; id < src.typeCount; id++) {
          const a = src.type(id);
          const b = out.type(id);
          if (JSON.stringify(a, big) !== JSON.stringify(b, big)) assert.deepStrictEqual(b, a, `${name} type ${id}`);
        }
        console.log(`      ${name} ${le ? 'LE' : 'BE'}: ${src.typeCount - 1} types, ${bytes.length} bytes (source ${src.bytes.length}), copy+encode ${ms.toFixed(0)} ms`);
        if (!bpftool) {
          console.log(`      bpftool check skipped: ${MISSING_TOOLS}`);
          return;
        }
        const file = path.join(TOOLS_TMP, `${name}.${le ? 'le' : 'be'}.btf`);
        fs.mkdirSync(TOOLS_TMP, { recursive: true });
        fs.writeFileSync(file, bytes);
        const dump = execFileSync('bpftool', ['btf', 'dump', 'file', file], { encoding: 'utf8', maxBuffer: 1 << 30 });
        let count = 0;
        for (let i = dump.indexOf('\n['); i >= 0; i = dump.indexOf('\n[', i + 1)) count++;
        if (dump.startsWith('[')) count++;
        assert.strictEqual(count, src.typeCount - 1, 'bpftool type count');
        fs.rmSync(file);
      });
    }
  }
});

function big(_k: string, v: unknown): unknown {
  return typeof v === 'bigint' ? v.toString() : v;
}
