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
