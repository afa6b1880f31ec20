// The long-lived xz processes (btf/xz.ts): archives decompressed side by side through the pool come out exactly as
// `xz -dc` gives them, bad ones are refused without touching the archives queued behind them, and nothing is left
// behind (processes, the socket pair's private directory), whether xz's output is a socket pair or a pipe.

import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { BtfError } from '../../src/btf/errors';
import { decompressWithXzPool, stopXzProcesses, xzDeclaredSize } from '../../src/btf/xz';
import { kernelPath } from '../support/paths';

/** Position of the uncompressed-size varint of a one-block, one-stream .xz file's only index record. */
function uncompressedSizeAt(b: Uint8Array): number {
  const footer = b.length - 12;
  const backward = (b[footer + 4]! | (b[footer + 5]! << 8) | (b[footer + 6]! << 16) | (b[footer + 7]! << 24)) >>> 0;
  const index = footer - (backward + 1) * 4;
  assert.strictEqual(b[index], 0);
  assert.strictEqual(b[index + 1], 1, 'one record');
  let p = index + 2;
  while (b[p]! & 0x80) p++; // unpadded size
  return p + 1;
}

function xzDc(b: Uint8Array): Buffer {
  return spawnSync('xz', ['-dc'], { input: b, maxBuffer: 1 << 28 }).stdout;
}

describe('xz pool (long-lived xz processes)', function () {
  let tmp: string;
  let savedTmp: string | undefined;
  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'corelens-xzpool-test-'));
    savedTmp = process.env.TMPDIR;
    // the socket pair's private directory is made here: the test sees that it is removed
    process.env.TMPDIR = tmp;
  });
  afterEach(async () => {
    await stopXzProcesses();
    if (savedTmp === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = savedTmp;
    delete process.env.CORELENS_XZ_PIPE;
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  for (const mode of ['socket pair', 'pipe'] as const) {
    it(`through a ${mode}: exact output side by side, a lying index and corrupt data refused alone`, async () => {
      if (mode === 'pipe') process.env.CORELENS_XZ_PIPE = '1';
      const names = ['6.1-amd64', '6.18-amd64', '5.10-arm64', 'cilium-ci-2026-04-amd64'];
      const good = names.map((n) => new Uint8Array(fs.readFileSync(kernelPath(n))));
      // an index declaring 16 bytes fewer than the data holds (same varint length; xz finds the index's CRC wrong
      // only after writing all the data, so the pool must notice the marker is not where the size says)
      const lying = Uint8Array.from(good[0]!);
      const q = uncompressedSizeAt(lying); // a varint's first byte holds its lowest 7 bits
      const low = lying[q]! & 0x7f;
      lying[q] = (lying[q]! & 0x80) | (low >= 16 ? low - 16 : low + 16);
      assert.notStrictEqual(xzDeclaredSize(lying), xzDeclaredSize(good[0]!));
      // corrupt compressed data in the middle of the block
      const corrupt = Uint8Array.from(good[1]!);
      for (let i = 0; i < 64; i++) corrupt[Math.floor(corrupt.length / 2) + i] ^= 0x5a;
      const over = () => new BtfError('over the cap', 'x');
      const run = (b: Uint8Array, f: string) => decompressWithXzPool(b, f, 1 << 28, over)!.then((v) => ({ ok: true as const, v }), (e: Error) => ({ ok: false as const, e }));
      const all = await Promise.all([
        run(good[0]!, 'g0'), run(lying, 'lying'), run(good[1]!, 'g1'), run(corrupt, 'corrupt'), run(good[2]!, 'g2'), run(good[3]!, 'g3'),
        run(good[0]!, 'g0 again'),
      ]);
      const expect = [good[0], undefined, good[1], undefined, good[2], good[3], good[0]];
      all.forEach((r, i) => {
        const want = expect[i];
        if (want) {
          assert.ok(r.ok, `archive ${i}: ${r.ok ? '' : r.e.message}`);
          assert.ok(Buffer.from(r.v).equals(xzDc(want)), `archive ${i} differs from xz -dc`);
        } else {
          assert.ok(!r.ok, `archive ${i} should be refused`);
          assert.match(r.e.message, /xz data is corrupt or truncated/);
        }
      });
      // the pool still works after the failures
      const again = await decompressWithXzPool(good[3]!, 'g3', 1 << 28, over)!;
      assert.ok(Buffer.from(again).equals(xzDc(good[3]!)));
      await stopXzProcesses();
      assert.deepStrictEqual(fs.readdirSync(tmp), [], 'the private socket directory is removed');
    });
  }
});
