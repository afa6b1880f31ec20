// The header scan's disk cache (source/skimCache.ts): a cached skim equals a fresh scan; damaged, foreign and
// unwritable caches are ignored; the analysis of a program is the same with a cold and a warm cache.

import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { createAnalyzer } from '../../src/source/analyzer';
import { Skim, decodeSkim, encodeSkim, skim } from '../../src/source/lazyHeader';
import { skimCacheStats, skimCached } from '../../src/source/skimCache';
import { analysisShapes, fixtureSourcePrograms } from '../support/analysisShapes';

/** A skim's whole result as one string. */
function ser(sk: Skim | undefined): string {
  if (!sk) return 'not eligible';
  return JSON.stringify([sk.decls.map((d) => [d.start, d.end, d.name ?? null, d.state, d.active, d.pai]), [...sk.tags].map(([k, d]) => [k, sk.decls.indexOf(d)]),
    [...sk.consts].map(([k, d]) => [k, sk.decls.indexOf(d)]), [...sk.typedefs].map(([k, d]) => [k, sk.decls.indexOf(d)]), [...sk.defined]]);
}

/** decodeSkim as it was before it read the numbers in place (the reference its rewrite must equal on any bytes). */
function decodeReference(buf: Buffer, text: string): Skim | undefined {
  type D = Skim['decls'][number];
  if (buf.length < 4) return undefined;
  const words = Math.floor(buf.length / 4);
  const a = buf.byteOffset % 4 === 0 ? new Int32Array(buf.buffer, buf.byteOffset, words) : new Int32Array(Uint8Array.from(buf.subarray(0, words * 4)).buffer);
  let p = 0;
  const next = (): number => (p < a.length ? a[p++]! : -2);
  const nd = next();
  if (nd < 0 || nd * 3 > a.length) return undefined;
  const raw: number[] = [];
  for (let i = 0; i < nd * 3; i++) raw.push(next());
  const lists: number[][] = [];
  for (let m = 0; m < 3; m++) {
    const n = next();
    if (n < 0 || p + n * 2 > a.length) return undefined;
    lists.push(Array.from(a.subarray(p, p + n * 2)));
    p += n * 2;
  }
  const nDef = next();
  if (nDef < 0 || p + nDef > a.length) return undefined;
  const defIdx = Array.from(a.subarray(p, p + nDef));
  p += nDef;
  const names = buf.toString('utf8', p * 4).split('\n');
  const name = (i: number): string | undefined => (i >= 0 && i < names.length ? names[i] : undefined);
  const decls: D[] = [];
  let last = 0;
  for (let i = 0; i < nd; i++) {
    const start = raw[i * 3]!;
    const end = raw[i * 3 + 1]!;
    const ni = raw[i * 3 + 2]!;
    if (start < last || end <= start || end > text.length) return undefined;
    last = end;
    if (ni === -1) decls.push({ start, end, state: 0, active: false, pai: false });
    else { const n = name(ni); if (n === undefined) return undefined; decls.push({ start, end, state: 0, active: false, pai: false, name: n }); }
  }
  const maps: Map<string, D>[] = [];
  for (const l of lists) {
    const m = new Map<string, D>();
    for (let i = 0; i < l.length; i += 2) {
      const k = name(l[i]!);
      const d = decls[l[i + 1]!];
      if (k === undefined || !d) return undefined;
      m.set(k, d);
    }
    maps.push(m);
  }
  const defined = new Set<string>();
  for (const i of defIdx) { const k = name(i); if (k === undefined) return undefined; defined.add(k); }
  return { decls, tags: maps[0]!, consts: maps[1]!, typedefs: maps[2]!, defined };
}

/** encodeSkim as it was before it wrote into a typed array (the reference its bytes must equal). */
function encodeReference(sk: Skim): Buffer | undefined {
  const names: string[] = [];
  const ints: number[] = [sk.decls.length];
  const at = new Map<Skim['decls'][number], number>();
  for (let i = 0; i < sk.decls.length; i++) {
    const d = sk.decls[i]!;
    at.set(d, i);
    ints.push(d.start, d.end, d.name === undefined ? -1 : names.push(d.name) - 1);
  }
  for (const m of [sk.tags, sk.consts, sk.typedefs]) {
    ints.push(m.size);
    for (const [k, d] of m) ints.push(names.push(k) - 1, at.get(d)!);
  }
  ints.push(sk.defined.size);
  for (const k of sk.defined) ints.push(names.push(k) - 1);
  for (const n of names) if (n.includes('\n')) return undefined;
  const head = Buffer.from(Int32Array.from(ints).buffer);
  return Buffer.concat([head, Buffer.from(names.join('\n'), 'utf8')]);
}

describe('the header scan cache', function () {
  this.timeout(600_000);
  const saved = process.env.CORELENS_CACHE;
  let dir = '';
  beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'corelens-skimcache-')); process.env.CORELENS_CACHE = dir; });
  afterEach(() => {
    if (saved === undefined) delete process.env.CORELENS_CACHE; else process.env.CORELENS_CACHE = saved;
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('a cached skim equals the scan; damaged or misfitting files are ignored and replaced', () => {
    fixtureSourcePrograms(); // the fixtures' vmlinux.h
    const text = fs.readFileSync(path.join(__dirname, '..', '..', '..', '..', 'test-fixtures', 'programs', 'vmlinux.h'), 'utf8');
    const fresh = ser(skim(text));
    assert.ok(fresh.length > 100_000);
    assert.strictEqual(ser(decodeSkim(encodeSkim(skim(text)!)!, text)), fresh, 'the bytes round trip');
    // bytes that do not fit the text: refused
    assert.strictEqual(decodeSkim(encodeSkim(skim(text)!)!, text.slice(0, text.length / 2)), undefined);
    assert.strictEqual(decodeSkim(Buffer.from([1, 0, 0, 0, 9]), text), undefined);
    const s0 = { ...skimCacheStats };
    assert.strictEqual(ser(skimCached(text)), fresh);
    assert.strictEqual(ser(skimCached(text)), fresh);
    assert.deepStrictEqual([skimCacheStats.misses - s0.misses, skimCacheStats.hits - s0.hits, skimCacheStats.written - s0.written], [1, 1, 1]);
    const hdir = path.join(dir, 'headers');
    const [file] = fs.readdirSync(hdir);
    const good = fs.readFileSync(path.join(hdir, file!));
    const sha = (b: Buffer) => require('crypto').createHash('sha256').update(b).digest() as Buffer;
    // a flipped byte (the checksum), a payload that does not fit this text (checksum right), garbage, empty
    const misfit = Buffer.from(good.subarray(36));
    misfit.writeInt32LE(text.length + 10, 8); // the first decl's end
    const flipped = Buffer.from(good);
    flipped[100] = flipped[100]! ^ 1;
    for (const bad of [flipped, Buffer.concat([Buffer.from('CLS1', 'latin1'), sha(misfit), misfit]), Buffer.from('garbage'), Buffer.alloc(0)]) {
      fs.writeFileSync(path.join(hdir, file!), bad);
      const s1 = { ...skimCacheStats };
      assert.strictEqual(ser(skimCached(text)), fresh);
      assert.strictEqual(skimCacheStats.ignored - s1.ignored, 1, 'the file was ignored');
      assert.ok(fs.readFileSync(path.join(hdir, file!)).equals(good), 'replaced by a good file');
    }
    // another text (one character changed) has a key of its own
    const other = text.replace('struct', 'union ');
    assert.strictEqual(ser(skimCached(other)), ser(skim(other)));
    assert.strictEqual(fs.readdirSync(hdir).length, 2);
    // an ineligible header is cached as such
    const inel = `${'struct a { int x; };\n'.repeat(10)}#include "x.h"\n`;
    assert.strictEqual(skimCached(inel), undefined);
    assert.strictEqual(skimCached(inel), undefined);
    // an unwritable cache: scanned, no error
    fs.rmSync(hdir, { recursive: true });
    fs.writeFileSync(hdir, 'a file where the directory should be');
    assert.strictEqual(ser(skimCached(text)), fresh);
  });

  it('keyed by the file\'s bytes: the text\'s own key for UTF-8, an edited header misses, bytes that are not UTF-8 have a key of their own', () => {
    fixtureSourcePrograms();
    const text = fs.readFileSync(path.join(__dirname, '..', '..', '..', '..', 'test-fixtures', 'programs', 'vmlinux.h'), 'utf8');
    const fresh = ser(skim(text));
    const hdir = path.join(dir, 'headers');
    const s0 = { ...skimCacheStats };
    assert.strictEqual(ser(skimCached(text)), fresh);
    // the bytes a UTF-8 file holds give the digest of its text: the entry the text wrote is found
    assert.strictEqual(ser(skimCached(text, Buffer.from(text, 'utf8'))), fresh);
    assert.deepStrictEqual([skimCacheStats.misses - s0.misses, skimCacheStats.hits - s0.hits], [1, 1]);
    assert.strictEqual(fs.readdirSync(hdir).length, 1);
    // an edited header (one byte of a member name): a miss, scanned again, its own entry; the old one stays valid
    const edited = Buffer.from(text, 'utf8');
    const at = edited.indexOf('struct task_struct {');
    assert.ok(at > 0);
    edited[at + 'struct task_struct {'.length + 10] = 0x71; // a letter inside its first member line
    const etext = edited.toString('utf8');
    const s1 = { ...skimCacheStats };
    assert.strictEqual(ser(skimCached(etext, edited)), ser(skim(etext)));
    assert.strictEqual(ser(skimCached(etext, edited)), ser(skim(etext)));
    assert.deepStrictEqual([skimCacheStats.misses - s1.misses, skimCacheStats.hits - s1.hits], [1, 1]);
    assert.strictEqual(fs.readdirSync(hdir).length, 2);
    assert.strictEqual(ser(skimCached(text, Buffer.from(text, 'utf8'))), fresh);
    // bytes that are not UTF-8 (0xff in a comment): decoded with a replacement character; the key is the bytes', the
    // cached skim is that text's
    const latin = Buffer.concat([Buffer.from('/* \xff */\n', 'latin1'), Buffer.from(text, 'utf8')]);
    const ltext = latin.toString('utf8');
    assert.strictEqual(ser(skimCached(ltext, latin)), ser(skim(ltext)));
    assert.strictEqual(ser(skimCached(ltext, latin)), ser(skim(ltext)));
    assert.strictEqual(fs.readdirSync(hdir).length, 3);
  });

  it('the encoder and the decoder equal their references: the bytes; any bytes decoded (valid, truncated, changed numbers, unaligned)', () => {
    fixtureSourcePrograms();
    const text = fs.readFileSync(path.join(__dirname, '..', '..', '..', '..', 'test-fixtures', 'programs', 'vmlinux.h'), 'utf8');
    const small = 'typedef int t_t;\n#define X 1\ntypedef int u_t;\nstruct s { t_t a; };\nenum e { A, B };\nstruct w;\n';
    let seed = 5;
    const rnd = (n: number) => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed % n; };
    let refused = 0;
    let taken = 0;
    for (const t of [text, small]) {
      const good = encodeSkim(skim(t)!)!;
      assert.ok(good.equals(encodeReference(skim(t)!)!), 'the encoder\'s bytes are its reference\'s');
      const both = (b: Buffer, what: string) => {
        const want = ser(decodeReference(b, t));
        assert.strictEqual(ser(decodeSkim(b, t)), want, what);
        if (want === 'not eligible') refused++; else taken++;
      };
      both(good, 'valid');
      // unaligned: the same bytes one byte into their buffer
      const shifted = Buffer.alloc(good.length + 1);
      good.copy(shifted, 1);
      both(shifted.subarray(1), 'unaligned');
      const words = Math.floor(good.length / 4);
      for (let i = 0; i < 150; i++) {
        const b = Buffer.from(good);
        const op = rnd(4);
        if (op === 0) { both(b.subarray(0, rnd(b.length + 1)), `truncated (${i})`); continue; }
        // a number changed: one of the first words (counts), or any, to a value near a bound or anywhere
        const w = op === 1 ? rnd(Math.min(words, 8)) : rnd(words);
        const v = [-2, -1, 0, 1, b.readInt32LE(w * 4) + 1, b.readInt32LE(w * 4) - 1, words, words * 2, t.length, rnd(1 << 20)][rnd(10)]!;
        b.writeInt32LE(v | 0, w * 4);
        both(b, `word ${w} set to ${v} (${i})`);
      }
      // each kind of index out of range by one, in each list: a decl's name, a list entry's name and decl
      const nd = good.readInt32LE(0);
      let at = 1 + nd * 3;
      for (let m = 0; m < 3; m++) {
        const n = good.readInt32LE(at * 4);
        if (n > 0) {
          for (const [w, v] of [[at + 1, -1], [at + 1, 10_000_000], [at + 2, nd], [at + 2, -1]] as const) {
            const b = Buffer.from(good);
            b.writeInt32LE(v, w * 4);
            both(b, `list ${m}: word ${w - at} of its first entry set to ${v}`);
          }
        }
        at += 1 + n * 2;
      }
      for (const v of [-2, t.length + 1]) {
        const b = Buffer.from(good);
        b.writeInt32LE(v, 3 * 4);
        both(b, `the first decl's name set to ${v}`);
      }
      // the word counts at their exact bounds
      for (const v of [Math.floor(words / 3), Math.floor((words - 1) / 3), Math.floor((words - 1) / 3) + 1, nd + 1]) {
        const b = Buffer.from(good);
        b.writeInt32LE(v, 0);
        both(b, `decl count ${v}`);
      }
    }
    assert.ok(refused > 50 && taken > 5, `${refused} refused, ${taken} taken`);
  });

  it('every fixture and corpus program: the same analysis with a cold and a warm cache', async () => {
    const { files, includePaths } = fixtureSourcePrograms();
    const shapes = async () => {
      const an = await createAnalyzer({ includePaths });
      return files.map((f) => analysisShapes(an.analyze(f, fs.readFileSync(f, 'utf8'))));
    };
    const s0 = { ...skimCacheStats };
    const cold = await shapes();
    assert.ok(skimCacheStats.written - s0.written >= 1, 'the cold run wrote the vmlinux.h scan');
    const s1 = { ...skimCacheStats };
    const warm = await shapes();
    assert.ok(skimCacheStats.hits - s1.hits >= 1 && skimCacheStats.misses === s1.misses, 'the warm run read it');
    assert.deepStrictEqual(warm, cold);
  });
});
