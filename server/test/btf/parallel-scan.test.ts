// The record walk at open runs four chains at once from guessed record starts (reader.ts scanWordsParallel): its
// result must be the one-record-at-a-time walk's, exactly, whatever the bytes. Checked against a reference walk written
// here (DataView, one record after another, nothing shared with the reader): every real kernel, sections built to
// fool the guesses (struct members that read as records), and thousands of single-word mutations of a real kernel.

import * as assert from 'assert';
import { BtfError } from '../../src/btf/errors';
import { Btf } from '../../src/btf/reader';
import { kernel } from '../support/kernels';
import { KERNELS } from '../support/paths';
import { Prng } from '../support/prng';

/** Bytes after the 12-byte header, and per vlen entry, of each kind (BTF's format document). */
const FIXED: Record<number, number> = { 1: 4, 2: 0, 3: 12, 4: 0, 5: 0, 6: 0, 7: 0, 8: 0, 9: 0, 10: 0, 11: 0, 12: 0, 13: 0, 14: 4,
  15: 0, 16: 0, 17: 4, 18: 0, 19: 0 };
const PER_VLEN: Record<number, number> = { 4: 12, 5: 12, 6: 8, 13: 8, 15: 12, 19: 12 };

/** What the walk must give for a little-endian base BTF without a layout section: record offsets and kinds, or the error. */
function referenceWalk(bytes: Uint8Array): string {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const hdrLen = v.getUint32(4, true);
  let pos = hdrLen + v.getUint32(8, true);
  const end = pos + v.getUint32(12, true);
  const out: string[] = [];
  for (let id = 1; pos < end; id++) {
    if (end - pos < 12) return `error type record #${id} is cut off (${end - pos} bytes left)`;
    const info = v.getUint32(pos + 4, true);
    const kind = (info >>> 24) & 0x1f;
    if (FIXED[kind] === undefined) return `error type #${id} has unknown kind ${kind}`;
    const next = pos + 12 + FIXED[kind]! + (PER_VLEN[kind] ?? 0) * (info & 0xffff);
    if (next > end) return `error type #${id} runs past the end`;
    out.push(`${pos}:${kind}`);
    pos = next;
  }
  return out.join(',');
}

/** The reader's walk in the same terms (its error messages cut to what the reference says). */
function readerWalk(bytes: Uint8Array): string {
  let btf: Btf;
  try {
    btf = Btf.parse(bytes, 'test.btf');
  } catch (e) {
    if (!(e instanceof BtfError)) throw e;
    return `error ${e.message.replace(/ \([a-z_#0-9]+\) runs past the end of the type section/, ' runs past the end')
      .replace(' (UNKN is not a valid stored kind)', '')}`;
  }
  const raw = btf.rawRecords();
  assert.ok(raw, 'a little-endian kernel BTF gives its raw records');
  const out: string[] = [];
  for (let i = 0; i < raw.offsets.length; i++) out.push(`${raw.offsets[i]}:${raw.kinds[i]}`);
  return out.join(',');
}

/** A little-endian base BTF: the given type records, and a string section of "\0a\0". */
function btfOf(records: Uint32Array): Uint8Array {
  const typeLen = records.length * 4;
  const bytes = new Uint8Array(24 + typeLen + 3);
  const v = new DataView(bytes.buffer);
  v.setUint16(0, 0xeb9f, true);
  bytes[2] = 1;
  v.setUint32(4, 24, true);
  v.setUint32(8, 0, true);
  v.setUint32(12, typeLen, true);
  v.setUint32(16, typeLen, true);
  v.setUint32(20, 3, true);
  new Uint32Array(bytes.buffer, 24, records.length).set(records);
  bytes.set([0, 0x61, 0], 24 + typeLen);
  return bytes;
}

const info = (kind: number, vlen: number) => ((kind << 24) | vlen) >>> 0;

describe('the record walk at open (four chains from guessed starts)', () => {
  it('gives every real kernel\'s records exactly as a one-at-a-time walk does', async () => {
    for (const k of KERNELS) {
      const bytes = new Uint8Array((await kernel(k)).bytes);
      const want = referenceWalk(bytes);
      assert.ok(want.split(',').length > 50000, k);
      assert.strictEqual(readerWalk(bytes), want, k);
    }
  });

  it('is not fooled by struct members that read as records around the quarter points', () => {
    // Small records, then structs whose members look like FUNC records (name 1, "info" FUNC, and a third word a
    // record would not have read as info), covering every quarter point; then more records. A walker started inside
    // a struct walks its members as records and joins the true walk where the struct ends: only the check that the
    // walk before it lands exactly on its start rejects it.
    for (const memberCount of [3000, 20000, 65535]) {
      for (const lead of [0, 1, 7, 1000]) {
        const words: number[] = [];
        for (let i = 0; i < lead; i++) words.push(1, info(2, 0), 0); // PTR
        for (let s = 0; s < 3; s++) {
          words.push(1, info(4, memberCount), 8);
          for (let m = 0; m < memberCount; m++) words.push(1, info(12, 0), m * 8);
          for (let i = 0; i < 50; i++) words.push(1, info(1, 0), 4, 32); // INT
        }
        const bytes = btfOf(new Uint32Array(words));
        const want = referenceWalk(bytes);
        assert.strictEqual(readerWalk(bytes), want, `${memberCount} members after ${lead} records`);
        assert.strictEqual(want.split(',').length, lead + 3 * 51);
      }
    }
  });

  it('reports the first bad record exactly, wherever it lies (single-word mutations of a real kernel)', async () => {
    const base = new Uint8Array((await kernel('6.1-amd64')).bytes);
    const v = new DataView(base.buffer, base.byteOffset, base.byteLength);
    const start = v.getUint32(4, true) + v.getUint32(8, true);
    const typeWords = v.getUint32(12, true) >>> 2;
    const rng = new Prng(0x5ca11);
    const values = [0, 0xffffffff, info(0, 0), info(20, 0), info(31, 0), info(4, 0xffff), info(13, 0x7fff), info(2, 0)];
    let errors = 0;
    for (let i = 0; i < 300; i++) {
      const bytes = new Uint8Array(base);
      // Near the quarter points (where the walkers start) half the time, anywhere otherwise.
      const q = rng.int(4);
      const w = rng.int(2) ? Math.min(typeWords - 1, Math.max(0, ((q * typeWords) >> 2) + rng.int(512) - 256)) : rng.int(typeWords);
      new DataView(bytes.buffer).setUint32(start + 4 * w, rng.pick(values), true);
      const want = referenceWalk(bytes);
      if (want.startsWith('error')) errors++;
      assert.strictEqual(readerWalk(bytes), want, `mutation ${i}: word ${w} of the type section`);
    }
    assert.ok(errors > 50, `the mutations hit records (${errors} errors)`);
  });
});
