// Parsing while the bytes arrive (BtfScan, readRawBtfSync) must be Btf.parse exactly: the same records, kinds and
// names for every real kernel, and the same BtfError (message and offset) for every mutated or truncated one,
// whatever the sizes of the pieces the bytes arrive in.

import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { BtfError } from '../../src/btf/errors';
import { openBtfBytes, openBtfFile } from '../../src/btf/open';
import { readRawBtfSync } from '../../src/btf/rawfile';
import { Btf, BtfScan } from '../../src/btf/reader';
import { Kind } from '../../src/btf/types';
import { kernel } from '../support/kernels';
import { KERNELS, TARGETS_DIR } from '../support/paths';
import { Prng } from '../support/prng';

/** What a parse gives: every record's offset-derived facts, or the error. */
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
  return facts.join(',');
}

/**
 * The release tests' protocol, whatever the file format: every kernel written into a fresh folder (`write`), then two
 * rounds over all of them (so each open may take a buffer another one released): open (`open`, with the format's own
 * checks), every answer exact, release, and then the BTF and a view of its bytes refuse to answer (`released` adds
 * the format's checks). `after` runs on the folder before it is removed.
 */
async function releaseRounds(prefix: string, files: readonly string[], write: (dir: string, k: string, bytes: Uint8Array) => void,
  open: (dir: string, k: string) => Promise<{ btf: Btf; released?: () => void }>, after?: (dir: string) => Promise<void>): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  try {
    const expected = new Map<string, string>();
    for (const k of files) {
      const bytes = (await kernel(k)).bytes;
      write(dir, k, bytes);
      expected.set(k, outcome(() => Btf.parse(Buffer.from(bytes), k)));
    }
    for (let round = 0; round < 2; round++) {
      for (const k of files) {
        const { btf, released } = await open(dir, k);
        assert.strictEqual(outcome(() => btf), expected.get(k), `${k}, round ${round}`);
        const kept = btf.bytes.subarray(0, 64);
        const id = btf.findByName('task_struct', Kind.Struct);
        assert.ok(id > 0);
        btf.release();
        assert.strictEqual(kept.length, 0, 'a view kept past release is detached, never another file\'s bytes');
        released?.();
        assert.throws(() => btf.type(id), /released/);
        assert.throws(() => btf.findByName('task_struct'), /released/);
      }
    }
    await after?.(dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Feeds `bytes` (copied into a fresh buffer piece by piece) in pieces of random sizes. */
function scanned(bytes: Uint8Array, rng: Prng): Btf {
  const buf = Buffer.alloc(bytes.length);
  const scan = new BtfScan(buf, 'x');
  let filled = 0;
  while (filled < bytes.length) {
    const n = Math.min(bytes.length - filled, 1 + rng.int(rng.int(2) ? 64 : 300_000));
    buf.set(bytes.subarray(filled, filled + n), filled);
    filled += n;
    scan.feed(filled);
  }
  return scan.finish();
}


/**
 * `bytes` (a raw little-endian BTF) rewritten with a kind layout section (in place of any it has) between its type and string sections,
 * describing kinds 0..`kinds`-1 with the sizes the format gives them (a kind this reader does not know: 12-byte
 * records). The reader walks records with its known-kind sizes when the layout names no kind beyond those, and with
 * a size table built from the layout when it names more: the two walks are compared through these files.
 */
function withLayout(bytes: Uint8Array, kinds: number): Buffer {
  const src = Buffer.from(bytes);
  const hdrLen = src.readUInt32LE(4);
  const [typeOff, typeLen, strOff, strLen] = [8, 12, 16, 20].map((o) => src.readUInt32LE(o)) as [number, number, number, number];
  // The format's sizes: [fixed part, per vlen entry] by kind (a u8 pair each in the layout section).
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

describe('parsing BTF while it is read (BtfScan)', () => {
  it('gives Btf.parse\'s records for every real kernel and small target, in pieces of any size', async () => {
    const rng = new Prng(16);
    const inputs: Uint8Array[] = [];
    for (const k of KERNELS) inputs.push((await kernel(k)).bytes);
    for (const f of fs.readdirSync(TARGETS_DIR).filter((x) => x.endsWith('.btf'))) inputs.push(fs.readFileSync(path.join(TARGETS_DIR, f)));
    for (const bytes of inputs) {
      const want = outcome(() => Btf.parse(Buffer.from(bytes), 'x'));
      assert.ok(!want.startsWith('error'));
      for (let i = 0; i < 3; i++) assert.strictEqual(outcome(() => scanned(bytes, rng)), want);
    }
  });

  it('reports exactly Btf.parse\'s error for mutated and truncated BTF', async () => {
    const rng = new Prng(1616);
    const base = (await kernel('6.1-amd64')).bytes;
    const small = fs.readFileSync(path.join(TARGETS_DIR, 'dups.btf'));
    let errors = 0;
    for (let c = 0; c < 300; c++) {
      const src = c % 3 === 0 ? Buffer.from(base) : Buffer.from(small);
      const typeEnd = src.readUInt32LE(4) + src.readUInt32LE(8) + src.readUInt32LE(12);
      const n = 1 + rng.int(4);
      for (let i = 0; i < n; i++) {
        const p = rng.int(3) === 0 ? rng.int(32) : 24 + rng.int(Math.max(1, typeEnd - 24));
        if (p < src.length) src[p] = rng.int(3) === 0 ? 0xff : rng.int(256);
      }
      const cut = rng.int(4) === 0 ? src.subarray(0, rng.int(src.length)) : src;
      const want = outcome(() => Btf.parse(Buffer.from(cut), 'x'));
      if (want.startsWith('error')) errors++;
      assert.strictEqual(outcome(() => scanned(cut, rng)), want, `case ${c}`);
    }
    assert.ok(errors > 100, `only ${errors} of 300 mutations were errors`);
  });

  it('walks records with the known kinds\' sizes exactly as with a size table from a layout section, errors included', async () => {
    // Real kernels: the plain file, the file with a layout of the known kinds only (the known-kind walk, with all
    // seven kind bits), and with one kind more (the table walk) give the same records.
    for (const k of ['6.18-amd64', 'cilium-ci-2026-04-amd64', '6.1-arm64', '5.10-amd64']) {
      const bytes = (await kernel(k)).bytes;
      const plain = outcome(() => Btf.parse(Buffer.from(bytes), 'x'));
      assert.ok(!plain.startsWith('error'));
      assert.strictEqual(outcome(() => Btf.parse(withLayout(bytes, Kind.Enum64 + 1), 'x')), plain, `${k}: known-kind walk`);
      assert.strictEqual(outcome(() => Btf.parse(withLayout(bytes, Kind.Enum64 + 2), 'x')), plain, `${k}: table walk`);
    }
    // Mutated type sections (kinds, vlens, sizes, lengths): both walks stop at the same record with the same error, or agree on
    // every record. A record mutated into kind 20 is the one real difference (the table knows it): those are skipped.
    const rng = new Prng(1617);
    const sources = fs.readdirSync(TARGETS_DIR).filter((f) => f.endsWith('.btf') && !f.includes('bpfeb'))
      .map((f) => fs.readFileSync(path.join(TARGETS_DIR, f)));
    const big = Buffer.from((await kernel('6.1-amd64')).bytes);
    let errors = 0;
    let compared = 0;
    for (let c = 0; c < 400; c++) {
      // a kernel now and then (each costs a walk of 100k records, thrice), small targets otherwise
      const src = Buffer.from(c % 25 === 0 ? big : rng.pick(sources));
      const plain = Btf.parse(Buffer.from(src), 'x').rawRecords();
      if (!plain || plain.offsets.length === 0) continue;
      const start = src.readUInt32LE(4) + src.readUInt32LE(8);
      for (let i = 1 + rng.int(3); i > 0; i--) {
        // mostly a record's info word (kind byte, vlen bytes), else any byte of the type section
        const rec = plain.offsets[rng.int(plain.offsets.length)]!; // (byte offsets in the file)
        const p = rng.int(4) ? rec + rng.pick([4, 5, 7, 7]) : start + rng.int(src.readUInt32LE(12));
        if (p < src.length) src[p] = rng.int(3) === 0 ? 0xff : rng.int(256);
      }
      // a type section cut short by a word or three: the last record runs past its end by so little
      if (rng.int(5) === 0) src.writeUInt32LE(src.readUInt32LE(12) - 4 * (1 + rng.int(3)), 12);
      const known = outcome(() => Btf.parse(withLayout(src, Kind.Enum64 + 1), 'x'));
      if (known.includes('unknown kind 20')) continue;
      const table = outcome(() => Btf.parse(withLayout(src, Kind.Enum64 + 2), 'x'));
      assert.strictEqual(known, table, `case ${c}`);
      compared++;
      if (known.startsWith('error')) errors++;
    }
    assert.ok(compared > 300 && errors > 150, `${compared} compared, ${errors} errors`);
  });

  it('readRawBtfSync reads raw files in one pass and leaves every other file to the general path', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'corelens-rawfile-'));
    try {
      const raw = path.join(dir, 'k.btf');
      const bytes = (await kernel('6.18-amd64')).bytes;
      fs.writeFileSync(raw, bytes);
      assert.strictEqual(outcome(() => readRawBtfSync(raw, {}, 1 << 30)!), outcome(() => Btf.parse(Buffer.from(bytes), raw)));
      assert.strictEqual(readRawBtfSync(raw, {}, 1000), undefined, 'over the size limit: the general path decides');
      const xz = path.join(dir, 'k.btf.xz');
      fs.writeFileSync(xz, Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00, ...new Array(40).fill(0)]));
      assert.strictEqual(readRawBtfSync(xz, {}, 1 << 30), undefined);
      assert.strictEqual(readRawBtfSync(dir, {}, 1 << 30), undefined, 'a directory is not read here');
      const bad = Buffer.from(bytes.subarray(0, 4096));
      fs.writeFileSync(raw, bad);
      assert.throws(() => readRawBtfSync(raw, {}, 1 << 30), (e: unknown) => e instanceof BtfError && e.message === outcome(() => Btf.parse(bad, raw)).replace(/^error (.*) @.*$/, '$1'));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('release hands the memory to the next open: answers stay exact, the released BTF and its views refuse to answer', async () => {
    await releaseRounds('corelens-recycle-', ['6.18-amd64', 'cilium-ci-2026-04-amd64', '6.1-amd64'],
      (dir, k, bytes) => fs.writeFileSync(path.join(dir, k), bytes),
      async (dir, k) => ({ btf: readRawBtfSync(path.join(dir, k), {}, 1 << 30)! }));
  });

  it('a BTF over borrowed bytes (an object file\'s section) never gives them away', async () => {
    const bytes = Buffer.from((await kernel('6.1-amd64')).bytes);
    const btf = Btf.parse(bytes, 'x');
    btf.release();
    assert.strictEqual(bytes.length > 0 && bytes[0], 0x9f, 'the caller\'s buffer is untouched');
  });

  it('a .btf.tar.xz opened from its file owns its buffer: release detaches it, the next archive reuses it exactly', async () => {
    await releaseRounds('corelens-recycle-tar-', ['6.18-amd64', '6.1-amd64', 'cilium-ci-2026-04-amd64'],
      (dir, k, bytes) => {
        fs.writeFileSync(path.join(dir, `${k}.btf`), bytes);
        execFileSync('tar', ['-cJf', path.join(dir, `${k}.btf.tar.xz`), '-C', dir, `${k}.btf`], { env: { ...process.env, XZ_OPT: '-0' } });
      },
      async (dir, k) => {
        // Every answer exact, although this archive's xz output may sit in memory another archive released.
        const r = await openBtfFile(path.join(dir, `${k}.btf.tar.xz`));
        assert.ok(r.ok, `${k}: ${!r.ok && r.error.message}`);
        assert.deepStrictEqual(r.value.containers.slice(0, 2), ['xz', `tar:${k}.btf`]);
        const whole = new Uint8Array(r.value.btf.bytes.buffer);
        // The whole tar buffer went (not only the BTF member inside it): every view of it is empty.
        return { btf: r.value.btf, released: () => assert.strictEqual(whole.length, 0, 'the tar around the BTF is detached too') };
      },
      async (dir) => {
        // The same archive bytes handed in by a caller are borrowed: releasing the BTF leaves them alone.
        const archive = fs.readFileSync(path.join(dir, '6.1-amd64.btf.tar.xz'));
        const borrowed = await openBtfBytes(archive, 'x.btf.tar.xz');
        assert.ok(borrowed.ok);
        const tarred = Buffer.from(borrowed.value.btf.bytes.subarray(0, 16));
        borrowed.value.btf.release();
        assert.strictEqual(archive.length > 0 && archive[0], 0xfd, 'the caller\'s xz bytes are untouched');
        assert.strictEqual(tarred[0], 0x9f);
      });
  });

  it('lookups by kind (four kinds a word) find exactly what a record-by-record walk finds', async () => {
    const rng = new Prng(16);
    for (const k of ['cilium-ci-2026-04-amd64', '5.10-arm64']) {
      const btf = await kernel(k);
      const fresh = Btf.parse(btf.bytes, k); // no name index yet: the linear scan is what is tested
      const ids = [...Array(40)].map(() => 1 + rng.int(btf.typeCount - 1));
      for (const id of ids) {
        const name = btf.name(id);
        if (!name) continue;
        for (const kind of [btf.kind(id), Kind.Struct, Kind.Typedef, Kind.Func]) {
          let walk = 0;
          for (let i = 1; i < btf.typeCount && !walk; i++) if (btf.kind(i) === kind && btf.name(i) === name) walk = i;
          const once = Btf.parse(btf.bytes, k);
          assert.strictEqual(once.findByName(name, kind), walk, `${k}: ${name} of kind ${kind}`);
        }
        // No kind: the first type of any kind with that (essential) name, as the walk finds it.
        let any = 0;
        for (let i = 1; i < btf.typeCount && !any; i++) if (btf.name(i) === name) any = i;
        assert.strictEqual(Btf.parse(btf.bytes, k).findByName(name), any, `${k}: ${name} of any kind`);
      }
      assert.strictEqual(fresh.findByName('task_struct', Kind.Struct) > 0, true);
    }
  });
});

