// The record walk in WebAssembly (btf/wasmWalk.ts) must be the JavaScript walk exactly: the same records, kinds and
// stops for every real kernel, and through Btf's checks the same BtfError for every mutated or truncated one; its
// memory must behave as a recycled buffer does (views detached at release, the next open exact).

import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { BtfError } from '../../src/btf/errors';
import { readRawBtfSync } from '../../src/btf/rawfile';
import { Btf, BtfScan } from '../../src/btf/reader';
import { Kind } from '../../src/btf/types';
import { ARENA_LIMIT, arenaCounts, takeArena } from '../../src/btf/wasmWalk';
import { kernel } from '../support/kernels';
import { KERNELS } from '../support/paths';
import { Prng } from '../support/prng';

/** What a parse gives: every record's kind and name offset, or the error. */
function outcome(parse: () => Btf): string {
  let btf: Btf;
  try {
    btf = parse();
  } catch (e) {
    if (!(e instanceof BtfError)) throw e;
    return `error ${e.message} @${e.offset}`;
  }
  const facts: string[] = [`${btf.typeCount}`];
  for (let id = btf.startId; id < btf.typeCount; id++) facts.push(`${btf.kind(id)}:${btf.nameOff(id)}`);
  btf.release();
  return facts.join(',');
}

/** `bytes` copied into an arena piece by piece (random sizes), walked there as they arrive. */
function inArena(bytes: Uint8Array, rng: Prng): Btf {
  const arena = takeArena(bytes.length);
  assert.ok(arena, 'an arena for a kernel-sized file');
  const buf = arena.bytes(bytes.length);
  const scan = new BtfScan(buf, 'x', {}, true, arena);
  let filled = 0;
  while (filled < bytes.length) {
    const n = Math.min(bytes.length - filled, 1 + rng.int(rng.int(2) ? 4096 : 2_000_000));
    buf.set(bytes.subarray(filled, filled + n), filled);
    filled += n;
    scan.feed(filled);
  }
  return scan.finish();
}

/** `bytes` (raw little-endian BTF) with a kind layout section naming kinds 0..kinds-1: the 7-bit kind mask. */
function withLayout(bytes: Uint8Array, kinds: number): Buffer {
  const src = Buffer.from(bytes);
  const hdrLen = src.readUInt32LE(4);
  const [typeOff, typeLen, strOff, strLen] = [8, 12, 16, 20].map((o) => src.readUInt32LE(o)) as [number, number, number, number];
  const sizes: Record<number, [number, number]> = {
    [Kind.Int]: [4, 0], [Kind.Var]: [4, 0], [Kind.DeclTag]: [4, 0], [Kind.Array]: [12, 0],
    [Kind.Struct]: [0, 12], [Kind.Union]: [0, 12], [Kind.Datasec]: [0, 12], [Kind.Enum64]: [0, 12],
    [Kind.Enum]: [0, 8], [Kind.FuncProto]: [0, 8],
  };
  const layout = Buffer.alloc(kinds * 4);
  for (let k = 0; k < kinds; k++) [layout[4 * k], layout[4 * k + 1]] = sizes[k] ?? [0, 0];
  const hdr = Buffer.alloc(32);
  hdr.set(src.subarray(0, 4));
  hdr.writeUInt32LE(32, 4);
  hdr.writeUInt32LE(0, 8);
  hdr.writeUInt32LE(typeLen, 12);
  hdr.writeUInt32LE(typeLen + layout.length, 16);
  hdr.writeUInt32LE(strLen, 20);
  hdr.writeUInt32LE(typeLen, 24);
  hdr.writeUInt32LE(layout.length, 28);
  return Buffer.concat([hdr, src.subarray(hdrLen + typeOff, hdrLen + typeOff + typeLen), layout,
    src.subarray(hdrLen + strOff, hdrLen + strOff + strLen)]);
}

describe('the record walk in WebAssembly (wasmWalk)', () => {
  // (the limit on arenas made counts per process: this process may have opened many kernels before these tests)
  const limit = ARENA_LIMIT.value;
  beforeEach(() => { ARENA_LIMIT.value = Infinity; });
  afterEach(() => { ARENA_LIMIT.value = limit; });

  it('readRawBtfSync walks a kernel in an arena (CORELENS_WASM_WALK=0: a buffer), both exactly Btf.parse', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'corelens-wasmwalk-'));
    const saved = process.env.CORELENS_WASM_WALK;
    try {
      for (const k of ['6.18-amd64', '5.10-arm64']) {
        const bytes = (await kernel(k)).bytes;
        const file = path.join(dir, k);
        fs.writeFileSync(file, bytes);
        const want = outcome(() => Btf.parse(Buffer.from(bytes), file));
        const before = arenaCounts.taken;
        assert.strictEqual(outcome(() => readRawBtfSync(file, {}, 1 << 30)!), want);
        assert.strictEqual(arenaCounts.taken, before + 1, `${k}: the walk in WebAssembly was taken`);
        process.env.CORELENS_WASM_WALK = '0';
        assert.strictEqual(outcome(() => readRawBtfSync(file, {}, 1 << 30)!), want);
        assert.strictEqual(arenaCounts.taken, before + 1, `${k}: switched off, no arena`);
        if (saved === undefined) delete process.env.CORELENS_WASM_WALK;
        else process.env.CORELENS_WASM_WALK = saved;
      }
    } finally {
      if (saved === undefined) delete process.env.CORELENS_WASM_WALK;
      else process.env.CORELENS_WASM_WALK = saved;
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('gives Btf.parse\'s records for every real kernel, in pieces of any size', async () => {
    const rng = new Prng(1618);
    for (const k of KERNELS) {
      const bytes = (await kernel(k)).bytes;
      const want = outcome(() => Btf.parse(Buffer.from(bytes), 'x'));
      assert.ok(!want.startsWith('error'));
      for (let i = 0; i < 2; i++) assert.strictEqual(outcome(() => inArena(bytes, rng)), want, k);
      assert.strictEqual(outcome(() => inArena(withLayout(bytes, Kind.Enum64 + 1), rng)), want, `${k}, 7-bit kinds`);
    }
  });

  it('stops where the JavaScript walk stops: the same BtfError for mutated and truncated kernels', async () => {
    const rng = new Prng(1619);
    const sources = await Promise.all(['6.1-amd64', '6.18-amd64', 'cilium-ci-2026-04-amd64'].map(async (k) => (await kernel(k)).bytes));
    let errors = 0;
    for (let c = 0; c < 120; c++) {
      const plainSrc = Buffer.from(rng.pick(sources));
      // every third case with a layout section: kinds 7 bits wide, and one kind more than known for some
      const src = c % 3 === 0 ? withLayout(plainSrc, Kind.Enum64 + 1 + rng.int(2)) : plainSrc;
      const plain = Btf.parse(Buffer.from(src), 'x').rawRecords();
      const start = src.readUInt32LE(4) + src.readUInt32LE(8);
      for (let i = 1 + rng.int(3); i > 0; i--) {
        // mostly a record's info word (kind byte, vlen bytes), else any byte of the type section or the header
        const rec = plain ? plain.offsets[rng.int(plain.offsets.length)]! : start;
        const p = rng.int(8) === 0 ? rng.int(32) : rng.int(4) ? rec + rng.pick([4, 5, 7, 7]) : start + rng.int(src.readUInt32LE(12));
        if (p < src.length) src[p] = rng.int(3) === 0 ? 0xff : rng.int(256);
      }
      if (rng.int(5) === 0) src.writeUInt32LE(Math.max(0, src.readUInt32LE(12) - 4 * (1 + rng.int(3))), 12);
      const cut = rng.int(5) === 0 ? src.subarray(0, (1 << 20) + rng.int(src.length - (1 << 20))) : src;
      const want = outcome(() => Btf.parse(Buffer.from(cut), 'x'));
      if (want.startsWith('error')) errors++;
      assert.strictEqual(outcome(() => inArena(cut, rng)), want, `case ${c}`);
    }
    assert.ok(errors > 40, `only ${errors} of 120 mutations were errors`);
  });

  it('release detaches every view and the next open, in the same memory grown or not, is exact', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'corelens-wasmwalk-'));
    try {
      // smallest first: the pooled memory is grown in place for the bigger ones
      const names = ['6.1-cloud-amd64', '6.1-amd64', '6.18-amd64', '6.1-cloud-amd64'];
      for (const k of names) fs.writeFileSync(path.join(dir, k), (await kernel(k)).bytes);
      const made = arenaCounts.made;
      for (const k of names) {
        const want = outcome(() => Btf.parse(fs.readFileSync(path.join(dir, k)), k));
        const btf = readRawBtfSync(path.join(dir, k), {}, 1 << 30)!;
        const kept = btf.bytes.subarray(0, 64);
        const keptRecords = btf.rawRecords()!.offsets;
        const id = btf.findByName('task_struct', Kind.Struct);
        assert.ok(id > 0);
        assert.strictEqual(outcome(() => btf), want, k);
        assert.strictEqual(kept.length, 0, 'a view kept past release is detached, never another file\'s bytes');
        assert.strictEqual(keptRecords.length, 0, 'the record table too');
        assert.throws(() => btf.type(id), /released/);
      }
      assert.ok(arenaCounts.made - made <= 1, `${arenaCounts.made - made} memories made for 4 opens in a row`);
      // past the limit on arenas made, an open without a pooled one reads into a buffer, exactly as before
      ARENA_LIMIT.value = arenaCounts.made;
      const held = [];
      for (let a = takeArena(8 << 20); a; a = takeArena(8 << 20)) held.push(a); // every pooled one
      const taken = arenaCounts.taken;
      assert.strictEqual(outcome(() => readRawBtfSync(path.join(dir, '6.18-amd64'), {}, 1 << 30)!), outcome(() => Btf.parse(fs.readFileSync(path.join(dir, '6.18-amd64')), '6.18-amd64')));
      assert.strictEqual(arenaCounts.taken, taken, 'no arena past the limit');
      for (const a of held) a.release();
      ARENA_LIMIT.value = Infinity;
      // a malformed file gives its memory back too
      const bad = Buffer.from((await kernel('6.1-amd64')).bytes);
      bad.writeUInt32LE(bad.readUInt32LE(12) - 4, 12);
      fs.writeFileSync(path.join(dir, 'bad'), bad);
      assert.throws(() => readRawBtfSync(path.join(dir, 'bad'), {}, 1 << 30), BtfError);
      const again = arenaCounts.made;
      outcome(() => readRawBtfSync(path.join(dir, '6.18-amd64'), {}, 1 << 30)!);
      assert.strictEqual(arenaCounts.made, again, 'the memory of the failed open served the next one');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
