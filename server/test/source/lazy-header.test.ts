// Lazy declaration parsing of headers (lazyHeader.ts) equals the full parse: on every fixture program and every
// corpus program, with every header parsed lazily (threshold 0, so libbpf's headers and the small helper headers take
// the lazy path too) and with none, the sites, notes, plain accesses and the local BTF's bytes are identical.

import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
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

  it('typedefs: set aside, macro-named, in order before a #define, tags met only through them: same as the full parse', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'corelens-lazy-td-'));
    try {
      // a header whose typedefs take every path: set aside, parsed in order because a macro renames them, before a
      // #define, naming a tag only they declare; the program reaches each through a CO-RE read
      fs.writeFileSync(path.join(dir, 'big.h'), [
        '#ifndef BIG_H', '#define BIG_H', 'typedef unsigned long long early_t;', '#define renamed_t real_t', '#define WIDTH 4',
        '#pragma clang attribute push (__attribute__((preserve_access_index)), apply_to = record)',
        'typedef unsigned int u32;', 'typedef int renamed_t;', 'typedef struct only_here only_t;', 'struct inner;',
        'typedef struct inner inner_t;', 'typedef void (*cb_t)(struct inner *, u32);', 'typedef u32 arr_t[WIDTH];',
        'typedef struct { u32 a; early_t b; } anon_t;', 'typedef enum { K0, K1 = 5 } k_t;',
        'struct inner { u32 x; real_t r; arr_t arr; cb_t cb; anon_t an; k_t k; only_t *o; };',
        'struct outer { inner_t *in; early_t e; };', '#pragma clang attribute pop', '#endif', '',
      ].join('\n'));
      const prog = path.join(dir, 'p.bpf.c');
      fs.writeFileSync(prog, [
        '#include "big.h"', '#include <bpf/bpf_helpers.h>', '#include <bpf/bpf_core_read.h>',
        'SEC("kprobe/x") int f(struct outer *o) {',
        '  return BPF_CORE_READ(o, in, x) + BPF_CORE_READ(o, in, an.b) + BPF_CORE_READ(o, in, r) + BPF_CORE_READ(o, in, arr[2])',
        '    + BPF_CORE_READ(o, in, k) + (BPF_CORE_READ(o, in, o) != 0) + (long)BPF_CORE_READ(o, in, cb) + bpf_core_enum_value(k_t, K1);',
        '}', 'char LICENSE[] SEC("license") = "GPL";', '',
      ].join('\n'));
      const l = shapes(await createAnalyzer(), prog, 0);
      const g = shapes(await createAnalyzer(), prog, Infinity);
      for (const k of Object.keys(g)) assert.strictEqual(l[k], g[k], `${k} differ between the lazy and the full parse`);
      assert.ok(JSON.parse(g.sites!).length >= 8, g.sites);
      const sk = skim(fs.readFileSync(path.join(dir, 'big.h'), 'utf8'))!;
      assert.deepStrictEqual([...sk.typedefs.keys()].sort(), ['anon_t', 'arr_t', 'cb_t', 'inner_t', 'k_t', 'renamed_t', 'u32']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('headers it cannot take lazily are parsed in full', () => {
    assert.ok(skim('struct a { int x; };\nstruct b { struct a y; };\n'), 'plain definitions are eligible');
    assert.strictEqual(skim('struct a { int x; };\n#include "x.h"\n'), undefined, 'an #include');
    assert.strictEqual(skim('struct a { int x; };\n#define X 1\nstruct b { int y[X]; };\n'), undefined, 'a #define after a definition');
    assert.strictEqual(skim('struct a { int x; };\nstruct a { int y; };\n'), undefined, 'a tag defined twice');
    const sk = skim('enum e { A = (1, 2), B };\nstruct s { enum { C } c; struct t { int z; } u; } __attribute__((packed));\ntypedef struct s s_t;\nstruct f { int x; } g;\nstatic int h(void) { return 0; }\n')!;
    assert.deepStrictEqual([...sk.tags.keys()].sort(), ['enum e', 'struct s', 'struct t']);
    assert.deepStrictEqual([...sk.consts.keys()].sort(), ['A', 'B', 'C']);
    assert.strictEqual(sk.decls.length, 3, 'a definition with a declarator and a function stay in order');
    assert.deepStrictEqual([...sk.typedefs.keys()], ['s_t'], 'a typedef of a defined tag is set aside');
  });

  it('sets aside the typedefs whose name is certain, and only those', () => {
    const names = (text: string) => [...skim(`struct s { int x; };\nstruct fw;\n${text}`)!.typedefs.keys()].sort();
    assert.deepStrictEqual(names('typedef unsigned int u32;\ntypedef const struct s *sp;\ntypedef struct fw fw_t;\n'), ['fw_t', 'sp', 'u32']);
    assert.deepStrictEqual(names('typedef int arr_t[4][2];\ntypedef void (*fn_t)(int, struct s *);\ntypedef int fnt(void);\n'), ['arr_t', 'fn_t', 'fnt']);
    assert.deepStrictEqual(names('typedef struct { int a; } anon_t;\ntypedef enum { E1, E2 } e_t;\n'), ['anon_t', 'e_t']);
    // in order: attributes or commas at depth 0, shapes whose name is not certain, tags nothing else declares,
    // a name declared twice, and a declaration without a name
    assert.deepStrictEqual(names('typedef int al __attribute__((aligned(8)));\ntypedef int a, *b;\ntypedef int (*pa)[4];\n'), []);
    assert.deepStrictEqual(names('typedef struct nowhere nw_t;\ntypedef int d;\ntypedef int d;\ntypedef unsigned int;\ntypedef struct s;\n'), []);
    // a #define after typedefs only: those typedefs are parsed in order, the header stays eligible
    const sk = skim('typedef int a_t;\n#define X 1\ntypedef int b_t;\nstruct s { a_t y[X]; };\n')!;
    assert.deepStrictEqual([...sk.typedefs.keys()], ['b_t']);
    assert.deepStrictEqual([...sk.defined], ['X']);
    assert.strictEqual(sk.decls.length, 2);
  });
});
