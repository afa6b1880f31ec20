// The header scan's disk cache (source/skimCache.ts): a cached skim equals a fresh scan; damaged, foreign and
// unwritable caches are ignored; the analysis of a program is the same with a cold and a warm cache.

import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { createAnalyzer } from '../../src/source/analyzer';
import { Skim, WASM_LOOKUP, WASM_SCAN, decodeSkim, encodeSkim, lazyStats, skim, skimBytes } from '../../src/source/lazyHeader';
import { seal, unseal, writeSealedSync } from '../../src/util/cacheFiles';
import { skimCacheStats, skimCached } from '../../src/source/skimCache';
import { analysisShapes, fixtureSourcePrograms } from '../support/analysisShapes';

/** A skim's whole result as one string. */
function ser(sk: Skim | undefined): string {
  if (!sk) return 'not eligible';
  return JSON.stringify([sk.decls.map((d) => [d.start, d.end, d.name ?? null, d.state, d.active, d.pai, d.fwd ?? null]), [...sk.tags].map(([k, d]) => [k, sk.decls.indexOf(d)]),
    [...sk.consts].map(([k, d]) => [k, sk.decls.indexOf(d)]), [...sk.typedefs].map(([k, d]) => [k, sk.decls.indexOf(d)]), [...sk.defined]]);
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

  it('encodeSkim\'s hash slots filled in WebAssembly are the bytes the JavaScript loop writes (CORELENS_WASM_SLOTS=0)', () => {
    fixtureSourcePrograms();
    const texts = [fs.readFileSync(path.join(__dirname, '..', '..', '..', '..', 'test-fixtures', 'programs', 'vmlinux.h'), 'utf8'),
      'typedef int t_t;\n#define X 1\ntypedef int u_t;\nstruct s { t_t a; };\nenum e { A, B };\nstruct w;\n'];
    // names of every length 1..40 and many sharing the sampled characters (long probe chains, wrapping slots)
    let seed = 7;
    const rnd = (n: number) => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed % n; };
    const word = (n: number) => Array.from({ length: n }, (_, i) => (i === 0 ? 'abcxyz_' : 'ab_9z')[rnd(i === 0 ? 7 : 5)]).join('');
    const seen = new Set<string>();
    const parts: string[] = [];
    for (let i = 0; i < 6000; i++) {
      const n = 1 + rnd(40);
      const [a, b] = [word(n), word(1 + rnd(40))];
      if (seen.has(`s${a}`) || seen.has(`e${b}`) || seen.has(`t${a}`)) continue;
      seen.add(`s${a}`).add(`e${b}`).add(`t${a}`);
      parts.push(`struct ${a} { int x; };\nenum ${a}_e { ${b} = ${i} };\ntypedef struct ${a} ${a}_t;\n`);
    }
    texts.push(parts.join(''));
    const saved = process.env.CORELENS_WASM_SLOTS;
    try {
      for (const t of texts) {
        const sk = skim(t)!;
        assert.ok(sk, 'eligible');
        delete process.env.CORELENS_WASM_SLOTS;
        const before = lazyStats.wasmSlots;
        const wasm = encodeSkim(sk)!;
        assert.strictEqual(lazyStats.wasmSlots, before + 1, 'the slots were filled in WebAssembly');
        process.env.CORELENS_WASM_SLOTS = '0';
        const js = encodeSkim(sk)!;
        assert.strictEqual(lazyStats.wasmSlots, before + 1);
        assert.ok(wasm.equals(js), `the same bytes (${wasm.length} / ${js.length})`);
      }
    } finally {
      if (saved === undefined) delete process.env.CORELENS_WASM_SLOTS; else process.env.CORELENS_WASM_SLOTS = saved;
    }
  });

  it('the scan\'s bytes (pack) are the same made in WebAssembly or JavaScript, with or without the WebAssembly matcher or the batched lookups, and re-encode to themselves; a name defined twice is found either way (CORELENS_WASM_SLOTS=0, WASM_SCAN, CORELENS_WASM_LOOKUP=0)', () => {
    fixtureSourcePrograms();
    const vmlinux = fs.readFileSync(path.join(__dirname, '..', '..', '..', '..', 'test-fixtures', 'programs', 'vmlinux.h'));
    // a dropped typedef (its tag declared nowhere) and forward declarations set aside renumber the definitions
    const texts: [string, Uint8Array | undefined][] = [[vmlinux.toString('utf8'), vmlinux], [vmlinux.toString('utf8'), undefined],
      ['struct fw;\ntypedef struct nowhere nw_t;\nstruct fw { int a; long b; char c[8]; };\ntypedef struct fw fw_t;\nenum e { A = 1, B };\nunion u;\nunion u { int x; int y; };\n', undefined]];
    const twice = ['struct a { int x; };\nstruct a { int y; };\n', 'enum e { A, B };\nenum f { C, A };\n', 'typedef struct x { int a; } x_t;\nstruct x { int b; };\n',
      'typedef struct nowhere nw_t;\ntypedef enum { Q } q_t;\nenum r { Q };\n'];
    const saved = process.env.CORELENS_WASM_SLOTS;
    const ways = (f: () => void): void => {
      for (const slots of [undefined, '0']) for (const matcher of [true, false]) {
        if (slots === undefined) delete process.env.CORELENS_WASM_SLOTS; else process.env.CORELENS_WASM_SLOTS = slots;
        WASM_SCAN.value = matcher;
        try { f(); } finally { WASM_SCAN.value = true; }
      }
    };
    try {
      for (const [t, b] of texts) {
        delete process.env.CORELENS_WASM_SLOTS;
        const ref = skimBytes(t, b)!;
        assert.ok(ref && ref.length > 0, 'eligible');
        const sk = decodeSkim(ref, t)!;
        assert.ok(encodeSkim(sk)!.equals(ref), 'encodeSkim of its skim gives the same bytes');
        const slots0 = lazyStats.wasmSlots;
        const lookups0 = lazyStats.wasmLookups;
        ways(() => assert.ok(skimBytes(t, b)!.equals(ref), 'the same bytes every way'));
        assert.ok(lazyStats.wasmSlots > slots0, 'some ways in WebAssembly');
        // the forward declarations' lookups batched in WebAssembly (as the environment sets it: on by default), and
        // looked up one by one in JavaScript: the same bytes
        assert.ok(lazyStats.wasmLookups > lookups0, 'forward declarations looked up in WebAssembly');
        const lookup = WASM_LOOKUP.value;
        WASM_LOOKUP.value = false;
        try {
          const l0 = lazyStats.wasmLookups;
          ways(() => assert.ok(skimBytes(t, b)!.equals(ref), 'the same bytes with the lookups in JavaScript'));
          assert.strictEqual(lazyStats.wasmLookups, l0, 'none in WebAssembly when off');
        } finally { WASM_LOOKUP.value = lookup; }
      }
      ways(() => { for (const t of twice) assert.strictEqual(skimBytes(t), null, `not eligible: ${t}`); });
    } finally {
      if (saved === undefined) delete process.env.CORELENS_WASM_SLOTS; else process.env.CORELENS_WASM_SLOTS = saved;
    }
  });

  it('a cache file written from its payload in place (writeSealedSync) is seal\'s bytes, and unseals to the payload', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'corelens-seal-'));
    try {
      const big = Buffer.alloc(3 << 20);
      for (let i = 0; i < big.length; i++) big[i] = (i * 2654435761) >>> 24;
      for (const payload of [Buffer.alloc(0), Buffer.from('skim'), big, big.subarray(5, 1_000_005)]) {
        const f = path.join(dir, 'x.bin');
        writeSealedSync(f, 'CLS2', payload);
        const raw = fs.readFileSync(f);
        assert.ok(raw.equals(seal('CLS2', payload)), `seal's bytes for ${payload.length} bytes`);
        assert.ok(unseal('CLS2', raw)!.equals(payload));
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the packed tables answer every name as the scan\'s maps; names not held (same hash, other length, a prefix) miss; damaged bytes never throw', () => {
    fixtureSourcePrograms();
    const text = fs.readFileSync(path.join(__dirname, '..', '..', '..', '..', 'test-fixtures', 'programs', 'vmlinux.h'), 'utf8');
    const small = 'typedef int t_t;\n#define X 1\ntypedef int u_t;\nstruct s { t_t a; };\nenum e { A, B };\nstruct w;\n';
    let seed = 5;
    const rnd = (n: number) => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed % n; };
    let refused = 0;
    let taken = 0;
    for (const t of [text, small]) {
      const sk = skim(t)!;
      const good = encodeSkim(sk)!;
      const dec = decodeSkim(good, t)!;
      assert.strictEqual(ser(dec), ser(sk), 'the bytes round trip');
      // every name, and names that are not held: one character changed in the middle (the hash samples the ends and
      // the middle: many keep their hash), one more or fewer, a prefix, the empty name
      let asked = 0;
      for (const m of ['tags', 'consts', 'typedefs'] as const) {
        const names = [...sk[m].keys()];
        for (const k of names) {
          assert.strictEqual(dec[m].get(k)?.idx, sk[m].get(k)!.idx, `${m} ${k}`);
          assert.ok(dec[m].has(k));
          const i = k.length >> 2;
          for (const x of [k.slice(0, i) + (k[i] === 'q' ? 'z' : 'q') + k.slice(i + 1), k.slice(0, -1), `${k}_`, k.slice(0, 3), '']) {
            assert.strictEqual(dec[m].get(x)?.idx, sk[m].get(x)?.idx, `${m} ${JSON.stringify(x)} (not ${k})`);
            asked++;
          }
        }
      }
      assert.ok(t === small || asked > 100_000, `${asked} names asked`);
      // damaged bytes: refused, or decoded without throwing and answering only this skim's definitions (the checksum
      // of the cache file is what tells a damaged file; the decoder and the lookups must only stay in bounds)
      const decodeAny = (b: Buffer, what: string) => {
        let d: Skim | undefined;
        assert.doesNotThrow(() => { d = decodeSkim(b, t); }, what);
        if (!d) { refused++; return; }
        taken++;
        for (const m of ['tags', 'consts', 'typedefs'] as const) {
          for (const k of ['struct task_struct', 'task_struct', 'A', 'u32', 'struct s', 't_t', 'x'.repeat(40)]) {
            const r = d[m].get(k);
            assert.ok(r === undefined || d.decls.includes(r), `${what}: ${m} ${k}`);
          }
        }
      };
      decodeAny(good, 'valid');
      const shifted = Buffer.alloc(good.length + 1);
      good.copy(shifted, 1);
      decodeAny(shifted.subarray(1), 'unaligned');
      assert.strictEqual(ser(decodeSkim(shifted.subarray(1), t)), ser(sk), 'unaligned bytes decode the same');
      const words = Math.floor(good.length / 4);
      for (let i = 0; i < 150; i++) {
        const b = Buffer.from(good);
        const op = rnd(4);
        if (op === 0) { decodeAny(b.subarray(0, rnd(b.length + 1)), `truncated (${i})`); continue; }
        // a number changed: one of the first words (counts), or any, to a value near a bound or anywhere
        const w = op === 1 ? rnd(Math.min(words, 8)) : rnd(words);
        const v = [-2, -1, 0, 1, b.readInt32LE(w * 4) + 1, b.readInt32LE(w * 4) - 1, words, words * 2, t.length, rnd(1 << 20)][rnd(10)]!;
        b.writeInt32LE(v | 0, w * 4);
        decodeAny(b, `word ${w} set to ${v} (${i})`);
      }
      // every slot of the tags' table full (no free slot: a probe must still end)
      const nd = good.readInt32LE(0);
      const at = 1 + nd * 2;
      const n = good.readInt32LE(at * 4);
      const cap = good.readInt32LE(at * 4 + 4);
      const full = Buffer.from(good);
      for (let h = 0; h < cap; h++) full.writeInt32LE(1 + (h % Math.max(n, 1)), (at + 2 + n * 3 + h) * 4);
      decodeAny(full, 'no free slot');
    }
    assert.ok(refused > 30 && taken > 5, `${refused} refused, ${taken} taken`);
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
