// Fuzzing the binary parsers: truncated and mutated real BTF, ELF objects and .BTF.ext must only ever produce
// BtfError values (or engine error results), never another exception, a hang or unbounded memory.

import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { BtfError } from '../../src/btf/errors';
import { computeLayout } from '../../src/btf/layout';
import { cTypeName } from '../../src/btf/cnames';
import { parseBpfObject, BpfObject } from '../../src/btf/object';
import { Btf } from '../../src/btf/reader';
import { Kind } from '../../src/btf/types';
import { relocateObject } from '../../src/core/object';
import { kernel } from '../support/kernels';
import { FIXTURES, OBJECTS_DIR, TARGETS_DIR } from '../support/paths';
import { Prng } from '../support/prng';

const SEED = Number(process.env.CORELENS_FUZZ_SEED ?? 20261123);
const CASES = Number(process.env.CORELENS_FUZZ_CASES ?? 1);

/** Mutates `bytes` in place at a few positions biased to the header and record headers; returns an undo. */
function mutate(bytes: Uint8Array, rng: Prng, typeEnd: number): () => void {
  const saved: [number, number][] = [];
  const set = (p: number, v: number) => {
    if (p < 0 || p >= bytes.length) return;
    saved.push([p, bytes[p]!]);
    bytes[p] = v & 0xff;
  };
  const n = 1 + rng.int(4);
  for (let i = 0; i < n; i++) {
    const region = rng.int(10);
    const p = region < 3 ? rng.int(32) : region < 8 ? 24 + rng.int(Math.max(1, typeEnd - 24)) : rng.int(bytes.length);
    const style = rng.int(5);
    if (style === 0) set(p, bytes[p]! ^ (1 << rng.int(8)));
    else if (style === 1) set(p, rng.int(256));
    else {
      const v = style === 2 ? 0xffffffff : style === 3 ? rng.int(0x20000) : 0;
      const q = p & ~3;
      for (let k = 0; k < 4; k++) set(q + k, v >>> (8 * k));
    }
  }
  return () => {
    for (let i = saved.length - 1; i >= 0; i--) bytes[saved[i]![0]] = saved[i]![1];
  };
}

/** Touches what the tools touch: lookups, decoding, sizes, names, layouts; only BtfError may escape. */
function exercise(btf: Btf, rng: Prng): void {
  const id = btf.findByName('task_struct', Kind.Struct) || btf.findByName('core_reloc_flavors', Kind.Struct);
  if (id) computeLayout(btf, id);
  for (let i = 0; i < 60; i++) {
    const t = btf.startId + rng.int(Math.max(1, btf.ownTypeCount));
    if (t >= btf.typeCount) break;
    try {
      btf.type(t);
      btf.resolveSize(t);
      btf.skipModifiers(t);
      btf.alignOf(t);
      cTypeName(btf, t);
    } catch (e) {
      if (!(e instanceof BtfError)) throw e;
    }
  }
}

function expectOnlyBtfErrors(label: string, fn: () => void): 'ok' | 'rejected' {
  try {
    fn();
    return 'ok';
  } catch (e) {
    if (e instanceof BtfError) {
      assert.ok(e.message.length > 0 && e.file.length > 0, `${label}: error without message or file`);
      return 'rejected';
    }
    throw new Error(`${label}: ${e instanceof Error ? e.stack : String(e)}`);
  }
}

describe(`fuzz: binary parsers never crash (seed ${SEED}; CORELENS_FUZZ_SEED / CORELENS_FUZZ_CASES to vary)`, function () {
  this.timeout(300_000);

  it('truncated and mutated real kernel BTF (6.18, 6.1-arm64): 1,200 cases', async () => {
    const stats = { ok: 0, rejected: 0 };
    for (const name of ['6.18-amd64', '6.1-arm64']) {
      const k = await kernel(name);
      const bytes = new Uint8Array(k.bytes); // our own copy to mutate in place
      const typeEnd = k.header.hdrLen + k.header.typeOff + k.header.typeLen;
      const rng = new Prng(SEED ^ name.length);
      for (let c = 0; c < 300 * CASES; c++) {
        const len = c < 40 ? c : rng.int(bytes.length);
        stats[expectOnlyBtfErrors(`${name} truncated to ${len}`, () => exercise(Btf.parse(bytes.subarray(0, len), name), rng))]++;
      }
      for (let c = 0; c < 300 * CASES; c++) {
        const undo = mutate(bytes, rng, typeEnd);
        try {
          stats[expectOnlyBtfErrors(`${name} mutation #${c}`, () => exercise(Btf.parse(bytes, name), rng))]++;
        } finally {
          undo();
        }
      }
    }
    console.log(`      kernel BTF: ${stats.ok} parsed, ${stats.rejected} rejected with a BtfError`);
    assert.ok(stats.rejected > 100 && stats.ok > 100, 'fuzzing should both break and keep inputs');
  });

  it('mutated targets never make the engine throw: a real object (78 relocations) against 20 broken kernels', async () => {
    const obj = parseBpfObject(fs.readFileSync(path.join(OBJECTS_DIR, 'kernel_task.bpfel.o')), 'kernel_task.bpfel.o');
    const k = await kernel('6.1-amd64');
    const bytes = new Uint8Array(k.bytes);
    const typeEnd = k.header.hdrLen + k.header.typeOff + k.header.typeLen;
    const rng = new Prng(SEED + 7);
    let errors = 0;
    let relocs = 0;
    for (let c = 0; c < 20 * CASES; c++) {
      const undo = mutate(bytes, rng, typeEnd);
      try {
        let target: Btf;
        try {
          target = Btf.parse(bytes, 'mutated.btf');
        } catch (e) {
          if (e instanceof BtfError) continue;
          throw e;
        }
        for (const r of relocateObject(obj, [{ name: 'mutated', btf: target }])) {
          relocs++;
          if (r.targets.get('mutated')!.status === 'error') errors++;
        }
      } finally {
        undo();
      }
    }
    console.log(`      engine: ${relocs} relocations against mutated kernels, ${errors} reported as errors`);
    assert.ok(relocs > 500);
  });

  it('truncated and mutated BPF objects (ELF + .BTF + .BTF.ext) and small targets: 3,000 cases', () => {
    const files = [
      ...fs.readdirSync(OBJECTS_DIR).map((f) => path.join(OBJECTS_DIR, f)),
      ...fs.readdirSync(TARGETS_DIR).filter((f) => f.endsWith('.btf')).map((f) => path.join(TARGETS_DIR, f)),
    ];
    const target = Btf.parse(fs.readFileSync(path.join(TARGETS_DIR, 'diff.btf')), 'diff.btf');
    const rng = new Prng(SEED + 1);
    const stats = { ok: 0, rejected: 0 };
    for (let c = 0; c < 3000 * CASES; c++) {
      const file = rng.pick(files);
      const orig = fs.readFileSync(file);
      const bytes = rng.int(3) === 0 ? orig.subarray(0, rng.int(orig.length)) : orig;
      const undo = bytes === orig ? mutate(bytes, rng, bytes.length) : () => undefined;
      const label = `${path.basename(file)} case ${c}`;
      stats[expectOnlyBtfErrors(label, () => {
        if (file.endsWith('.o')) {
          const obj: BpfObject = parseBpfObject(bytes, file);
          relocateObject(obj, [{ name: 'diff', btf: target }]);
        } else {
          exercise(Btf.parse(bytes, file), rng);
        }
      })]++;
      undo();
    }
    console.log(`      objects/targets: ${stats.ok} accepted, ${stats.rejected} rejected with a BtfError`);
    assert.ok(stats.rejected > 100);
  });

  it('a reference loop (a typedef naming itself) is reported, not followed forever', () => {
    const bytes = fs.readFileSync(path.join(FIXTURES, 'targets', 'base.btf'));
    const btf = Btf.parse(bytes, 'base.btf');
    // Find a typedef and point it at itself through its own id.
    let td = 0;
    for (let id = 1; id < btf.typeCount && !td; id++) if (btf.kind(id) === Kind.Typedef) td = id;
    assert.ok(td);
    const copy = new Uint8Array(bytes);
    const b2 = Btf.parse(copy, 'loop.btf');
    // The typedef's size_or_type field is at its record offset + 8.
    const off = recordOffset(b2, td);
    new DataView(copy.buffer).setUint32(off + 8, td, true);
    const looped = Btf.parse(copy, 'loop.btf');
    assert.throws(() => looped.skipModifiers(td), (e: unknown) => e instanceof BtfError && /loop/.test(e.message));
    assert.strictEqual(looped.resolveSize(td), undefined);
  });
});

/** Byte offset of a type record, found by scanning for its name offset (test helper). */
function recordOffset(btf: Btf, id: number): number {
  const hdr = btf.header.hdrLen + btf.header.typeOff;
  const view = new DataView(btf.bytes.buffer, btf.bytes.byteOffset, btf.bytes.byteLength);
  const nameOff = btf.nameOff(id);
  const kind = btf.kind(id);
  for (let p = hdr; p < hdr + btf.header.typeLen; p += 4) {
    if (view.getUint32(p, true) === nameOff && ((view.getUint32(p + 4, true) >>> 24) & 0x1f) === kind) {
      const probe = Btf.parse(btf.bytes, 'probe');
      if (probe.kind(id) === kind) return p;
    }
  }
  throw new Error('record not found');
}
