// Engine rules that the compiled fixtures cannot reach: module candidates, libbpf-version differences, big-endian
// shifts, and the words of failure reasons. Local types are built with the BTF writer, the way the live path does.

import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { Btf } from '../../src/btf/reader';
import { INT_SIGNED, Kind } from '../../src/btf/types';
import { BtfWriter } from '../../src/btf/writer';
import { ReloKind } from '../../src/core/kinds';
import { CandidateCache, CoreTarget, relocate } from '../../src/core/relocate';
import { FIXTURES } from '../support/paths';

/** A tiny BTF: `struct <name> { <fields> }` with int/long/array members, in the given byte order. */
function btfWith(name: string, fields: [string, 'int' | 'long' | 'u16' | 'char4' | 'bits3'][], le = true): { btf: Btf; id: number } {
  const w = new BtfWriter({ littleEndian: le });
  const int = w.add({ kind: Kind.Int, name: 'int', size: 4, encoding: INT_SIGNED, bitOffset: 0, bits: 32 });
  const long = w.add({ kind: Kind.Int, name: 'long', size: 8, encoding: INT_SIGNED, bitOffset: 0, bits: 64 });
  const u16 = w.add({ kind: Kind.Int, name: 'unsigned short', size: 2, encoding: 0, bitOffset: 0, bits: 16 });
  const char = w.add({ kind: Kind.Int, name: 'char', size: 1, encoding: INT_SIGNED, bitOffset: 0, bits: 8 });
  const arr = w.add({ kind: Kind.Array, name: '', elemType: char, indexType: int, nelems: 4 });
  const sid = w.reserve();
  let bit = 0;
  const members = fields.map(([n, t]) => {
    const size = { int: 4, long: 8, u16: 2, char4: 4, bits3: 0 }[t];
    const type = { int, long, u16, char4: arr, bits3: int }[t];
    const m = { name: n, type, bitOffset: bit, bitfieldSize: t === 'bits3' ? 3 : 0 };
    bit += t === 'bits3' ? 3 : size * 8;
    return m;
  });
  w.set(sid, { kind: Kind.Struct, name, size: Math.ceil(bit / 64) * 8, kindFlag: true, members });
  return { btf: Btf.parse(w.encode(), `${name}.btf`), id: sid };
}

const reloc = (local: { btf: Btf; id: number }, target: CoreTarget, access: string, kind: ReloKind, opts = {}) =>
  relocate({ typeId: local.id, access, kind }, new CandidateCache(target, local.btf), opts);

describe('CO-RE engine rules beyond the fixtures', () => {
  it('searches module BTF only when vmlinux has no candidate, and reports the module type id', () => {
    const dir = path.join(FIXTURES, 'btf', 'split');
    const base = Btf.parse(fs.readFileSync(path.join(dir, 'btf_testmod.btf.base')), 'base');
    const mod = Btf.parse(fs.readFileSync(path.join(dir, 'btf_testmod.btf')), 'mod', { base });
    const local = btfWith('bpf_testmod_test_read_ctx', [['buf', 'long'], ['off', 'long'], ['len', 'long']]);
    const viaModules = reloc(local, { name: 'k', btf: base, modules: [mod] }, '0', ReloKind.TypeIdTarget);
    assert.strictEqual(viaModules.value, 1381n, 'bpftool dump: [1381] STRUCT bpf_testmod_test_read_ctx');
    assert.strictEqual(reloc(local, { name: 'k', btf: base, modules: [mod] }, '0:2', ReloKind.FieldByteOffset).value, 16n);
    assert.strictEqual(reloc(local, { name: 'k', btf: base }, '0', ReloKind.TypeExists).value, 0n, 'no modules: not found');
    assert.strictEqual(reloc(local, { name: 'k', btf: mod }, '0', ReloKind.TypeIdTarget).value, 1381n, 'split BTF as the main target');
  });

  it('memory-size rule: current libbpf sizes an array member by its element, libbpf 1.1 by the whole array', () => {
    const local = btfWith('s', [['a', 'int'], ['c', 'char4']]);
    const target = { name: 't', btf: btfWith('s', [['a', 'long'], ['c', 'char4']]).btf };
    const latest = reloc(local, target, '0:1', ReloKind.FieldByteOffset);
    const v11 = reloc(local, target, '0:1', ReloKind.FieldByteOffset, { libbpf: '1.1' });
    assert.strictEqual(latest.value, 8n);
    assert.deepStrictEqual([latest.localSize, latest.targetSize], [1, 1]);
    assert.deepStrictEqual([v11.localSize, v11.targetSize], [4, 4]);
  });

  it('LSHIFT follows the byte order: 64-(bit_off+bit_sz-8*byte_off) little-endian, 8*(8-byte_sz)+(bit_off-8*byte_off) big-endian', () => {
    const local = btfWith('bf', [['x', 'u16'], ['b', 'bits3']]);
    const le = { name: 'le', btf: btfWith('bf', [['x', 'u16'], ['b', 'bits3']], true).btf };
    const be = { name: 'be', btf: btfWith('bf', [['x', 'u16'], ['b', 'bits3']], false).btf };
    // b: 3 bits at bit 16 of an int: byte_sz 4, byte_off 0.
    assert.strictEqual(reloc(local, le, '0:1', ReloKind.FieldLshiftU64).value, BigInt(64 - (16 + 3)));
    assert.strictEqual(reloc(local, be, '0:1', ReloKind.FieldLshiftU64).value, BigInt(8 * (8 - 4) + 16));
    assert.strictEqual(reloc(local, be, '0:1', ReloKind.FieldLshiftU64, { littleEndian: true }).value, 45n, 'as libbpf on an x86 host');
    assert.strictEqual(reloc(local, be, '0:1', ReloKind.FieldRshiftU64).value, 61n);
  });

  it('explains failures: the missing field, the likely rename, the type that is not there', () => {
    const local = btfWith('task_struct___o', [['pid', 'int'], ['state', 'long']]);
    const target = { name: 't', btf: btfWith('task_struct', [['pid', 'int'], ['__state', 'int']]).btf };
    const r = reloc(local, target, '0:1', ReloKind.FieldByteOffset);
    assert.strictEqual(r.status, 'poison');
    assert.strictEqual(r.failure, 'missing-field');
    assert.strictEqual(r.suggestion, '__state');
    assert.strictEqual(r.problem, 'struct task_struct has no field state; __state is the closest name');
    const e = reloc(local, target, '0:1', ReloKind.FieldExists);
    assert.deepStrictEqual([e.status, e.value], ['ok', 0n]);
    const none = reloc(btfWith('nope', [['a', 'int']]), target, '0:0', ReloKind.FieldByteOffset);
    assert.deepStrictEqual([none.failure, none.problem], ['missing-type', 'struct nope does not exist']);
    const bad = reloc(local, target, '0:9', ReloKind.FieldByteOffset);
    assert.deepStrictEqual([bad.status, bad.errno], ['error', 22]);
  });

  it('flavor names follow libbpf, not cilium: foo____bar and foo___ keep their whole name', () => {
    const target = { name: 't', btf: btfWith('foo', [['a', 'int']]).btf };
    assert.strictEqual(reloc(btfWith('foo___x', [['a', 'int']]), target, '0', ReloKind.TypeExists).value, 1n);
    assert.strictEqual(reloc(btfWith('foo____bar', [['a', 'int']]), target, '0', ReloKind.TypeExists).value, 0n);
    assert.strictEqual(reloc(btfWith('foo___', [['a', 'int']]), target, '0', ReloKind.TypeExists).value, 0n);
  });
});
