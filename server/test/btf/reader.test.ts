// The BTF reader against facts about real kernels (test-fixtures/btf/kernels, see shared btf/README.md).

import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as zlib from 'zlib';
import { Btf, essentialName } from '../../src/btf/reader';
import { openBtfBytes, openBtfFile } from '../../src/btf/open';
import { Kind } from '../../src/btf/types';
import { BtfWriter, writerFromBtf } from '../../src/btf/writer';
import { computeLayout } from '../../src/btf/layout';
import { cTypeName } from '../../src/btf/cnames';
import { kernel } from '../support/kernels';
import { FIXTURES, KERNELS, kernelPath } from '../support/paths';

// From the shared btf/README.md table: types, task_struct size, pid offset.
const FACTS: Record<string, { types: number; taskSize: number; pid: number; state?: number }> = {
  '6.1-amd64': { types: 100642, taskSize: 9792, pid: 2416 },
  '6.1-cloud-amd64': { types: 95068, taskSize: 9728, pid: 2416 },
  '6.1-rt-amd64': { types: 100397, taskSize: 9792, pid: 2480 },
  '5.10-amd64': { types: 82904, taskSize: 9408, pid: 2232, state: 16 },
  '5.10-arm64': { types: 66992, taskSize: 3904, pid: 1304, state: 24 },
  '6.12-amd64': { types: 113921, taskSize: 9792, pid: 2432 },
  '6.1-arm64': { types: 109496, taskSize: 4160, pid: 1352 },
  '6.18-amd64': { types: 126610, taskSize: 3264, pid: 1264 },
  'cilium-ci-2026-04-amd64': { types: 103406, taskSize: 5504, pid: 2536 },
};

describe('BTF reader on real kernels', function () {
  this.timeout(60_000);
  for (const name of KERNELS) {
    it(`${name}: type count, task_struct size and pid offset match the known facts`, async () => {
      const btf = await kernel(name);
      const f = FACTS[name]!;
      assert.strictEqual(btf.ownTypeCount, f.types);
      assert.strictEqual(btf.littleEndian, true);
      assert.strictEqual(btf.pointerSize, 8);
      const id = btf.findByName('task_struct', Kind.Struct);
      const t = btf.composite(id);
      assert.strictEqual(t.size, f.taskSize);
      const pid = t.members.find((m) => m.name === 'pid')!;
      assert.strictEqual(pid.bitOffset / 8, f.pid);
      // 5.14 renamed `volatile long state` to `unsigned int __state`: the case most CO-RE programs guard.
      const state = t.members.find((m) => m.name === 'state');
      if (f.state !== undefined) {
        assert.strictEqual(state?.bitOffset, f.state * 8, 'a pre-5.14 kernel has state');
        assert.ok(!t.members.some((m) => m.name === '__state'));
      } else {
        assert.ok(t.members.some((m) => m.name === '__state'), 'a 5.14+ kernel has __state');
        assert.strictEqual(state, undefined);
      }
    });
  }

  it('the 2026 CI kernel carries DECL_TAG types (kind 17)', async () => {
    const btf = await kernel('cilium-ci-2026-04-amd64');
    let tags = 0;
    for (let id = 1; id < btf.typeCount; id++) if (btf.kind(id) === Kind.DeclTag) tags++;
    assert.ok(tags > 0);
  });

  it('PREEMPT_RT moves pid by 64 bytes against the generic config of the same 6.1.176 source', async () => {
    const gen = await kernel('6.1-amd64');
    const rt = await kernel('6.1-rt-amd64');
    const off = (b: Btf) => computeLayout(b, b.findByName('task_struct', Kind.Struct)).members.find((m) => m.name === 'pid')!.offset;
    assert.strictEqual(off(rt) - off(gen), 64);
  });

  it('name lookup gives the same answers before and after the index is built', async () => {
    const btf = await kernel('6.18-amd64');
    const names = ['task_struct', 'file', 'inode', 'sk_buff', 'mm_struct', 'dentry', 'pt_regs', 'sock', 'cred', 'no_such_type'];
    const first = names.map((n) => btf.findByName(n, Kind.Struct));
    const again = names.map((n) => btf.findByName(n, Kind.Struct));
    assert.deepStrictEqual(again, first);
    assert.strictEqual(first[names.length - 1], 0);
    assert.ok(first.slice(0, -1).every((id) => id > 0));
  });

  it('the one-pass batch lookup finds exactly what the name index finds', async () => {
    const fresh = await openBtfBytes((await kernel('6.1-rt-amd64')).bytes, 'batch');
    assert.ok(fresh.ok);
    const btf = fresh.value.btf;
    const names = ['task_struct', 'sk_buff', 'file', 'long unsigned int', 'pid_type', 'no_such', 'callback_head'];
    const batch = btf.idsWithEssentialNames(names);
    for (let i = 0; i < 6; i++) btf.findByName(`warm_${i}`); // builds the index
    for (const n of names) assert.deepStrictEqual(batch.get(n), btf.idsWithEssentialName(n), n);
    assert.deepStrictEqual(batch.get('no_such'), []);
  });

  it('the batch lookup agrees with the name index on hundreds of names, one-byte and flavoured names, and kind filters', async () => {
    const src = (await kernel('cilium-ci-2026-04-amd64')).bytes;
    const indexed = Btf.parse(src, 'indexed');
    for (let i = 0; i < 6; i++) indexed.findByName(`warm_${i}`); // builds the index: the reference
    const names = new Set<string>(['x', 'a', 's', 'u8', 'long', 'long unsigned int', 'no_such']);
    for (let id = 1; id < indexed.typeCount; id += 97) if (indexed.name(id)) names.add(essentialName(indexed.name(id)));
    // One-byte and flavoured names, which kernels rarely have: a small BTF of our own holds them beside a kernel type.
    const w = new BtfWriter();
    const int = w.add({ name: 'int', kind: Kind.Int, size: 4, encoding: 1, bitOffset: 0, bits: 32 });
    for (const n of ['x', 'x___v1', 'x_y', 'a___b___c', 's', 'ss___2', 'task_struct___old']) {
      w.add({ name: n, kind: Kind.Typedef, type: int });
    }
    w.add({ name: 'x', kind: Kind.Struct, size: 4, kindFlag: false, members: [{ name: 'v', type: int, bitOffset: 0, bitfieldSize: 0 }] });
    const small = w.encode();
    for (const n of ['a___b', 'ss', 'task_struct', 'x_y', 'int']) names.add(n);
    for (const [label, bytes] of [['cilium', src], ['small', small]] as const) {
      const ref = Btf.parse(bytes, label);
      for (let i = 0; i < 6; i++) ref.findByName(`warm_${i}`);
      for (const kinds of [undefined, [Kind.Struct], [Kind.Typedef, Kind.Int], [Kind.Func, 40]]) {
        const batch = Btf.parse(bytes, label).idsWithEssentialNames(names, kinds);
        let hits = 0;
        for (const n of names) {
          const want = ref.idsWithEssentialName(n).filter((id) => !kinds || kinds.includes(40) || kinds.includes(ref.kind(id)));
          assert.deepStrictEqual(batch.get(n), want, `${label}: ${n} (kinds ${kinds})`);
          hits += want.length;
        }
        assert.ok(hits > 0, `${label}: something found (kinds ${kinds})`);
      }
    }
    assert.deepStrictEqual(Btf.parse(small, 'small').idsWithEssentialNames(['x']).get('x')!.length, 3); // x, x___v1, struct x
  });

  it('resolves sizes, typedefs and C names', async () => {
    const btf = await kernel('6.18-amd64');
    const t = btf.composite(btf.findByName('task_struct', Kind.Struct));
    const comm = t.members.find((m) => m.name === 'comm')!;
    assert.strictEqual(cTypeName(btf, comm.type), 'char[16]');
    assert.strictEqual(btf.resolveSize(comm.type), 16);
    const rp = t.members.find((m) => m.name === 'real_parent')!;
    assert.strictEqual(cTypeName(btf, rp.type), 'struct task_struct *');
    const u32 = btf.findByName('u32', Kind.Typedef);
    assert.strictEqual(btf.kind(btf.skipModifiers(u32)), Kind.Int);
    assert.strictEqual(btf.resolveSize(u32), 4);
  });
});

describe('essential names (flavors)', () => {
  const cases: [string, string][] = [
    ['task_struct___v2', 'task_struct'], ['a___b___c', 'a___b'], ['foo____bar', 'foo____bar'], ['foo___', 'foo___'],
    ['___foo', '___foo'], ['x___y', 'x'], ['plain', 'plain'], ['core_reloc_nesting___err_dup_incompat_types__1', 'core_reloc_nesting'],
  ];
  for (const [name, ess] of cases) it(`${name} → ${ess}`, () => assert.strictEqual(essentialName(name), ess));
});

describe('split BTF (module over a distilled base, 32-byte header)', () => {
  const dir = path.join(FIXTURES, 'btf', 'split');
  it('continues type ids and strings after the base', async function () {
    if (!fs.existsSync(dir)) this.skip();
    const base = await openBtfFile(path.join(dir, 'btf_testmod.btf.base'));
    assert.ok(base.ok);
    const split = await openBtfFile(path.join(dir, 'btf_testmod.btf'), { base: base.value.btf });
    assert.ok(split.ok, split.ok ? '' : split.error.message);
    const btf = split.value.btf;
    assert.strictEqual(btf.header.hdrLen, 32);
    assert.strictEqual(btf.startId, base.value.btf.typeCount);
    // Every split type decodes, and every reference resolves through the base.
    for (let id = btf.startId; id < btf.typeCount; id++) {
      const t = btf.type(id);
      if ('type' in t) btf.kind(t.type);
    }
    const id = btf.findByName('bpf_testmod_test_read_ctx', Kind.Struct);
    assert.ok(id >= btf.startId);
    // Lookups of split types (with and without a kind, on fresh opens: no name index) match a walk over all ids,
    // including names the split blob shares with its base (the base's answer comes first, as in libbpf).
    for (let sid = btf.startId; sid < btf.typeCount; sid += 7) {
      const name = btf.name(sid);
      if (!name) continue;
      const kind = btf.kind(sid);
      let walk = 0;
      let any = 0;
      for (let i = 1; i < btf.typeCount && !walk; i++) {
        if (btf.name(i) !== name) continue;
        any ||= i;
        if (btf.kind(i) === kind) walk = i;
      }
      const fresh = await openBtfFile(path.join(dir, 'btf_testmod.btf'), { base: base.value.btf });
      assert.ok(fresh.ok);
      assert.strictEqual(fresh.value.btf.findByName(name, kind), walk, `${name} of kind ${kind}`);
      assert.strictEqual(fresh.value.btf.findByName(name), any, `${name} of any kind`);
    }
  });
  it('without its base it is refused with a clear message', async function () {
    if (!fs.existsSync(dir)) this.skip();
    const r = await openBtfFile(path.join(dir, 'btf_testmod.btf'));
    assert.ok(!r.ok);
    assert.match(r.error.message, /btf_testmod\.btf: string section does not start with the empty string/);
  });
});

describe('containers', function () {
  this.timeout(30_000);
  it('reads raw, gzip, tar (BTFHub style) and big-endian BTF with identical types', async () => {
    const k = await kernel('6.1-arm64');
    const raw = k.bytes;
    const gz = zlib.gzipSync(raw);
    const tar = makeTar('5.10.0-arm64.btf', raw);
    for (const [label, bytes, chain] of [
      ['raw', raw, ['raw']], ['gzip', gz, ['gzip', 'raw']], ['tar', tar, ['tar:5.10.0-arm64.btf', 'raw']],
      ['tar.gz', zlib.gzipSync(tar), ['gzip', 'tar:5.10.0-arm64.btf', 'raw']],
    ] as const) {
      const r = await openBtfBytes(bytes, label);
      assert.ok(r.ok, label);
      assert.deepStrictEqual(r.value.containers, chain);
      assert.strictEqual(r.value.btf.ownTypeCount, k.ownTypeCount);
    }
    const be = writerFromBtf(k, { littleEndian: false }).encode();
    const r = await openBtfBytes(be, 'be');
    assert.ok(r.ok);
    assert.strictEqual(r.value.btf.littleEndian, false);
    const id = r.value.btf.findByName('task_struct', Kind.Struct);
    assert.strictEqual(r.value.btf.composite(id).size, 4160);
  });

  it('reads the .BTF section of ELF objects (a compiled BPF program)', async () => {
    const r = await openBtfFile(path.join(FIXTURES, 'objects', 'kernel_task.bpfel.o'));
    assert.ok(r.ok, r.ok ? '' : r.error.message);
    assert.deepStrictEqual(r.value.containers, ['elf:.BTF']);
    const be = await openBtfFile(path.join(FIXTURES, 'objects', 'kernel_task.bpfeb.o'));
    assert.ok(be.ok);
    assert.strictEqual(be.value.btf.littleEndian, false);
    assert.strictEqual(be.value.btf.ownTypeCount, r.value.btf.ownTypeCount);
  });

  it('names the file and the problem for bad inputs', async () => {
    const cases: [Uint8Array, RegExp][] = [
      [new Uint8Array(0), /x\.bin: not BTF, ELF, xz, gzip or tar data \(starts with nothing: the file is empty\)/],
      [Buffer.from('hello world, not btf at all'), /not BTF, ELF, xz, gzip or tar data \(starts with 68 65 6c 6c\)/],
      [Uint8Array.from([0x9f, 0xeb, 1, 0, 24, 0, 0, 0]), /too short to be BTF: 8 bytes/],
      [Uint8Array.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]), /ELF header is cut off/],
      [zlib.gzipSync(Buffer.from('junk')).subarray(0, 12), /gzip data is corrupt/],
      [Uint8Array.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0, 1, 2, 3]), /xz data is corrupt or truncated/],
    ];
    for (const [bytes, re] of cases) {
      const r = await openBtfBytes(bytes, 'x.bin');
      assert.ok(!r.ok);
      assert.match(r.error.message, re);
    }
    const missing = await openBtfFile('/nonexistent/dir/k.btf');
    assert.ok(!missing.ok);
    assert.strictEqual(missing.error.message, '/nonexistent/dir/k.btf: file not found');
    const dir = await openBtfFile(FIXTURES);
    assert.ok(!dir.ok);
    assert.match(dir.error.message, /is a directory/);
  });

  it('the WebAssembly xz decoder (used where no system xz runs) reads what the system xz reads', async () => {
    const native = await openBtfFile(kernelPath('6.1-cloud-amd64'));
    process.env.CORELENS_NO_NATIVE_XZ = '1';
    try {
      const wasm = await openBtfFile(kernelPath('6.1-cloud-amd64'));
      assert.ok(native.ok && wasm.ok);
      assert.ok(Buffer.from(native.value.btf.bytes).equals(Buffer.from(wasm.value.btf.bytes)));
      const bad = await openBtfBytes(Uint8Array.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0, 1, 2, 3]), 'x.bin');
      assert.ok(!bad.ok);
      assert.match(bad.error.message, /x\.bin: xz data is corrupt or truncated/);
    } finally {
      delete process.env.CORELENS_NO_NATIVE_XZ;
    }
  });

  it('reads an xz-compressed kernel exactly like its decompressed bytes', async () => {
    const viaXz = await kernel('6.18-amd64');
    const again = await openBtfBytes(viaXz.bytes, 'raw');
    assert.ok(again.ok);
    assert.strictEqual(again.value.btf.ownTypeCount, viaXz.ownTypeCount);
    assert.ok(fs.statSync(kernelPath('6.18-amd64')).size < viaXz.bytes.length / 3);
  });
});

/** A one-member ustar archive, as BTFHub's .btf.tar.xz files hold. */
export function makeTar(name: string, data: Uint8Array): Uint8Array {
  const h = Buffer.alloc(512);
  h.write(name, 0);
  h.write('0000644\0', 100);
  h.write('0000000\0', 108);
  h.write('0000000\0', 116);
  h.write(data.length.toString(8).padStart(11, '0') + '\0', 124);
  h.write('00000000000\0', 136);
  h.write('        ', 148);
  h.write('0', 156);
  h.write('ustar\0' + '00', 257);
  let sum = 0;
  for (const b of h) sum += b;
  h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148);
  const pad = Buffer.alloc((512 - (data.length % 512)) % 512);
  return Buffer.concat([h, Buffer.from(data), pad, Buffer.alloc(1024)]);
}
