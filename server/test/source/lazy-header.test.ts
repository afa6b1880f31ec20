// Lazy declaration parsing of headers (lazyHeader.ts) equals the full parse: on every fixture program and every
// corpus program, with every header parsed lazily (threshold 0, so libbpf's headers and the small helper headers take
// the lazy path too) and with none, the sites, notes, plain accesses and the local BTF's bytes are identical.

import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { Analyzer, createAnalyzer } from '../../src/source/analyzer';
import { LAZY_MIN_BYTES, lazyStats, skim } from '../../src/source/lazyHeader';
import { analysisShapes, fixtureSourcePrograms } from '../support/analysisShapes';

/** The analysis of a file with headers from `threshold` bytes up parsed lazily, as comparable strings. */
function shapes(an: Analyzer, file: string, threshold: number): { [k: string]: string } {
  const saved = LAZY_MIN_BYTES.value;
  LAZY_MIN_BYTES.value = threshold;
  try {
    return analysisShapes(an.analyze(file, fs.readFileSync(file, 'utf8')));
  } finally {
    LAZY_MIN_BYTES.value = saved;
  }
}

describe('lazy header parsing equals the full parse', function () {
  this.timeout(600_000);

  it('every fixture and corpus program: same sites, notes, plain accesses, functions and local BTF bytes', async () => {
    const { files, includePaths } = fixtureSourcePrograms();
    const opts = { includePaths };
    // one analyzer per mode: each keeps its own header cache, so neither sees the other's parse
    const lazy = await createAnalyzer(opts);
    const full = await createAnalyzer(opts);
    const before = { ...lazyStats };
    let sites = 0;
    for (const f of files) {
      const l = shapes(lazy, f, 0);
      const g = shapes(full, f, Infinity);
      for (const k of Object.keys(g)) assert.strictEqual(l[k], g[k], `${path.basename(f)}: ${k} differ between the lazy and the full parse`);
      sites += JSON.parse(g.sites!).length;
    }
    assert.ok(files.length >= 45, `${files.length} programs`);
    assert.ok(sites > 1000, `${sites} sites compared`);
    // the lazy path really ran, and left most of vmlinux.h unparsed
    const setAside = lazyStats.setAside - before.setAside;
    const parsed = lazyStats.parsed - before.parsed;
    assert.ok(setAside > 9000, `${setAside} definitions set aside`);
    assert.ok(parsed < setAside / 2, `${parsed} of ${setAside} parsed`);
  });

  it('headers it cannot take lazily are parsed in full', () => {
    assert.ok(skim('struct a { int x; };\nstruct b { struct a y; };\n'), 'plain definitions are eligible');
    assert.strictEqual(skim('struct a { int x; };\n#include "x.h"\n'), undefined, 'an #include');
    assert.strictEqual(skim('struct a { int x; };\n#define X 1\nstruct b { int y[X]; };\n'), undefined, 'a #define after a definition');
    assert.strictEqual(skim('struct a { int x; };\nstruct a { int y; };\n'), undefined, 'a tag defined twice');
    const sk = skim('enum e { A = (1, 2), B };\nstruct s { enum { C } c; struct t { int z; } u; } __attribute__((packed));\ntypedef struct s s_t;\nstruct f { int x; } g;\nstatic int h(void) { return 0; }\n')!;
    assert.deepStrictEqual([...sk.tags.keys()].sort(), ['enum e', 'struct s', 'struct t']);
    assert.deepStrictEqual([...sk.consts.keys()].sort(), ['A', 'B', 'C']);
    assert.strictEqual(sk.decls.length, 2, 'a typedef, a definition with a declarator and a function stay in order');
  });
});
