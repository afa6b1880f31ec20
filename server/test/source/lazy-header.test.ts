// Lazy declaration parsing of headers (lazyHeader.ts) equals the full parse: on every fixture program and every
// corpus program, with every header parsed lazily (threshold 0, so libbpf's headers and the small helper headers take
// the lazy path too) and with none, the sites, notes, plain accesses and the local BTF's bytes are identical.

import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Analyzer, createAnalyzer } from '../../src/source/analyzer';
import { FAST_SCAN, WASM_SCAN, FORWARD_ASIDE, GROUP_MARKERS, LAZY_MIN_BYTES, LazyDefs, UNMADE_FORWARDS, lazyStats, markerText, markerTokens, markersGroupable, skim } from '../../src/source/lazyHeader';
import { TypeEnv, isPending } from '../../src/source/cparse';
import type { EnumT, Record } from '../../src/source/ctypes';
import { tokenize } from '../../src/source/lexer';
import { analysisShapes, fixtureSourcePrograms } from '../support/analysisShapes';
import { generateVmlinuxH } from '../../bench/source.bench';

/** The analysis of a file with headers from `threshold` bytes up parsed lazily, as comparable strings. */
/** The headers both scan tests read: a generated 6.18 vmlinux.h (in `dir`) first, then every header of the fixtures
 * (their 6.1 vmlinux.h among them). */
function realHeaders(dir: string): string[] {
  fixtureSourcePrograms(); // generates the fixtures' vmlinux.h when needed
  const fixtures = path.join(__dirname, '..', '..', '..', '..', 'test-fixtures');
  const headers: string[] = [generateVmlinuxH(dir)];
  const walk = (d: string): void => { for (const e of fs.readdirSync(d, { withFileTypes: true })) { const p = path.join(d, e.name); if (e.isDirectory()) walk(p); else if (e.name.endsWith('.h')) headers.push(p); } };
  walk(fixtures);
  return headers;
}

/** `n` slices of 20-40k characters of `big`, each with 1-6 random edits (a piece inserted, up to 5 characters
 * deleted, or one replaced by a piece), drawn from `seed`: the same texts every run. */
function* mutatedSlices(big: string, pieces: readonly string[], seed: number, n: number): Generator<string> {
  const rnd = (k: number) => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed % k; };
  for (let i = 0; i < n; i++) {
    const at = rnd(big.length - 40_000);
    let t = big.slice(at, at + 20_000 + rnd(20_000));
    for (let j = 1 + rnd(6); j > 0; j--) {
      const p = rnd(t.length);
      const op = rnd(3);
      t = op === 0 ? t.slice(0, p) + pieces[rnd(pieces.length)] + t.slice(p) : op === 1 ? t.slice(0, p) + t.slice(p + 1 + rnd(5)) : t.slice(0, p) + pieces[rnd(pieces.length)] + t.slice(p + 1);
    }
    yield t;
  }
}

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

  it('forward declarations a set-aside definition makes redundant are set aside: branches, pragma regions, macros, enums, typedefs, a definition parsed early give the full parse', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'corelens-lazy-fwd-'));
    // the scan itself each time (a cached scan would be the one made with the other setting of FORWARD_ASIDE)
    const cache = process.env.CORELENS_HEADER_CACHE;
    process.env.CORELENS_HEADER_CACHE = 'off';
    try {
      const PAI = '(__attribute__((preserve_access_index)), apply_to = record)';
      const header = [
        '#ifndef F_H', '#define F_H', `#pragma clang attribute push ${PAI}`,
        // in order: a conditional directive between the forward declaration and the definition (the program defines
        // `struct c` itself: it inherits preserve_access_index from the header's declaration, in the region)
        'struct b;', '#ifdef NOPE', 'struct nope { int n; };', '#endif',
        'struct c;', '#if 0', 'struct c { int gone; };', '#endif',
        // set aside: plain struct and union definitions, one before and one after its forward declaration
        'struct a;', 'union u;', 'struct early { int e; };', 'struct early;',
        // in order: an enum, a typedef's definition; a macro-named tag (in order when the includer defines the macro:
        // it then declares `struct renamed`, which that program defines)
        'enum e;', 'typedef struct t { int z; } t_t;', 'struct t;', 'struct mac;',
        // a definition the in-order part parses early (sizeof, in a typedef with an attribute: in order)
        'struct q { int x; int 5y; };', 'typedef char q_size_t[sizeof(struct q)] __attribute__((aligned(8)));',
        'struct q;', 'struct p;', 'struct r;', 'struct pp;',
        'struct a { int x; };', 'union u { int v; long w; };', 'struct b { int y; };', 'enum e { E0, E1 = 2 };',
        'struct mac { int m; };', 'struct r { int rr; };',
        '#pragma clang attribute pop',
        'struct p { int pp; };', 'struct fwonly;',
        // (`struct p`, `struct pp`: declared in the pragma region, defined after it: the full parse marks the records from
        // the declaration, the lazy parse does not, with the declarations in order too; read only by the third
        // program, which is compared with the lazy parse with forward declarations in order only)
        'struct pp { int ppp; };',
        '#endif', '',
      ].join('\n');
      fs.writeFileSync(path.join(dir, 'f.h'), header);
      const sk = skim(header)!;
      assert.ok(sk, 'the header is eligible');
      assert.deepStrictEqual(sk.decls.filter((d) => d.fwd !== undefined).map((d) => d.fwd), ['struct a', 'union u', 'struct early', 'struct mac', 'struct q', 'struct p', 'struct r', 'struct pp'],
        'the forward declarations set aside');
      for (const [macro, pp] of [[false, false], [true, false], [false, true]]) {
        const prog = path.join(dir, `p${macro ? 'm' : ''}${pp ? 'p' : ''}.bpf.c`);
        fs.writeFileSync(prog, [
          ...(macro ? ['#define mac renamed'] : []),
          '#include "f.h"', '#include <bpf/bpf_helpers.h>', '#include <bpf/bpf_core_read.h>',
          'struct c { int cc; };', ...(macro ? ['struct renamed { int m; };'] : []),
          `SEC("kprobe/x") int f(struct a *a, union u *u, struct early *ea, struct b *b, struct t *t, struct ${macro ? 'renamed' : 'mac'} *m, struct q *q, struct p *p, struct r *r, struct c *c) {`,
          '  long s = c->cc + a->x + BPF_CORE_READ(a, x) + u->w + BPF_CORE_READ(u, v) + ea->e + b->y + BPF_CORE_READ(b, y) + t->z + m->m + BPF_CORE_READ(m, m);',
          `  s += q->x + BPF_CORE_READ(q, x) + ${pp ? 'p->pp + BPF_CORE_READ(p, pp) + ' : ''}r->rr + bpf_core_type_exists(struct c) + bpf_core_type_exists(struct fwonly);`,
          `  return s + bpf_core_enum_value(enum e, E1) + bpf_core_type_exists(struct nope)${pp ? ' + ((struct pp *)p)->ppp' : ''};`,
          '}', 'char LICENSE[] SEC("license") = "GPL";', '',
        ].join('\n'));
        const g = shapes(await createAnalyzer(), prog, Infinity);
        const l = shapes(await createAnalyzer(), prog, 0);
        FORWARD_ASIDE.value = false;
        let o: { [k: string]: string };
        try { o = shapes(await createAnalyzer(), prog, 0); } finally { FORWARD_ASIDE.value = true; }
        for (const key of Object.keys(g)) assert.strictEqual(l[key], o[key], `macro ${macro}: ${key} differ between forward declarations set aside and parsed in order`);
        // (the lazy parse is not the full parse with a definition whose tag name is the includer's macro either: the
        // scan keys it by the name it reads; so the second program too is compared with forward declarations in order)
        if (!pp && !macro) for (const key of Object.keys(g)) assert.strictEqual(l[key], g[key], `${key} differ between the lazy and the full parse`);
        assert.ok((JSON.parse(g.sites!) as unknown[]).length >= 10, g.sites);
      }
    } finally {
      if (cache === undefined) delete process.env.CORELENS_HEADER_CACHE; else process.env.CORELENS_HEADER_CACHE = cache;
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a set-aside forward declaration\'s placeholder is made when its tag is first asked for: the same names in the same order, the same records', () => {
    const header = [
      '#pragma clang attribute push (__attribute__((preserve_access_index)), apply_to = record)',
      'struct a;', 'union u;', 'struct early { int e; };', 'struct early;', 'struct later;', 'struct never;',
      'struct a { int x; struct later *l; };', 'union u { int v; long w; };', 'struct later { struct a a; union u u; };',
      'struct never { char c[3]; };', 'enum e { E0, E1 };', '#pragma clang attribute pop', '',
    ].join('\n');
    /** A header environment made by LazyDefs as parseLazy makes it (every definition in an active branch). */
    const make = (unmade: boolean) => {
      const sk = skim(header)!;
      const mt = markerTokens(header, sk, () => false, true);
      for (const d of mt.decls) { d.active = true; d.pai = true; }
      const env = new TypeEnv();
      UNMADE_FORWARDS.value = unmade;
      try { new LazyDefs(header, { ...sk, decls: mt.decls }, env, new Map(), mt.fwds); } finally { UNMADE_FORWARDS.value = true; }
      return { env, fwds: mt.fwds.map((d) => d.fwd!) };
    };
    const on = make(true);
    const off = make(false);
    assert.deepStrictEqual(on.fwds, ['struct a', 'union u', 'struct early', 'struct later', 'struct never']);
    // the names a forward declaration put there, in the same order (sizes and iteration: declaresNothing,
    // sharedFunctions' stamps, the header-sharing test read them)
    assert.deepStrictEqual([...on.env.tags.keys()], [...off.env.tags.keys()]);
    assert.deepStrictEqual([...on.env.tags.keys()], on.fwds);
    // made up front when off; when on, made by the first lookup (the raw entry is no record before it)
    const raw = (env: TypeEnv, k: string) => Map.prototype.get.call(env.tags, k) as Record | EnumT | undefined;
    assert.ok(isPending(raw(off.env, 'struct later')!));
    const before = raw(on.env, 'struct later');
    const got = on.env.tags.get('struct later')!;
    assert.notStrictEqual(before, got, 'the placeholder is made by the lookup, not up front');
    assert.ok(isPending(got));
    assert.strictEqual(raw(on.env, 'struct later'), got);
    // every record as the up-front placeholders give it, once read (reading parses the definition)
    const shape = (r: Record | EnumT | undefined): unknown => r && (r.k === 'enum' ? { k: r.k, name: r.name, values: r.values.map((v) => v.name) }
      : { k: r.k, name: r.name, complete: r.complete, pai: r.pai, size: r.size, fields: r.fields.map((f) => `${f.name}:${f.type.k}`) });
    for (const k of [...off.env.tags.keys(), 'struct never', 'enum e', 'struct missing']) assert.deepStrictEqual(shape(on.env.tag(k)), shape(off.env.tag(k)), k);
    assert.deepStrictEqual([...on.env.tags.keys()], [...off.env.tags.keys()]);
  });

  it('adjacent markers written as one: branches, pragma regions, _Pragma, comments between definitions give the full parse', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'corelens-lazy-group-'));
    try {
      const PAI = '(__attribute__((preserve_access_index)), apply_to = record)';
      const header = [
        '#ifndef G_H', '#define G_H', '#define WRAP(x) x',
        'struct a { int x; };', 'struct b { int y; }; struct c { int z; };',
        '#if 0', 'struct d { int w; };', '#endif',
        'struct e { int v; };',
        `#pragma clang attribute push ${PAI}`,
        'struct f { int u; };', '/* between */ struct g { int t; }; // after', 'enum ge { GE0, GE1 = 3 };',
        '#pragma clang attribute pop',
        'struct h { int s; };',
        `_Pragma("clang attribute push ${PAI.replace(/"/g, '\\"')}")`,
        'struct i { int r; };', 'struct j { int q; };',
        '_Pragma("clang attribute pop")',
        'struct k { int p; };',
        '#ifdef NOPE', 'struct l { int o; };', 'struct m { int n; };', '#endif',
        'struct fw;', 'struct n { struct fw *f; int mm; };', 'struct o { int ll; };',
        '#endif', '',
      ].join('\n');
      fs.writeFileSync(path.join(dir, 'g.h'), header);
      const reads = ['a', 'b', 'c', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'n', 'o'];
      const field: { [k: string]: string } = { a: 'x', b: 'y', c: 'z', e: 'v', f: 'u', g: 't', h: 's', i: 'r', j: 'q', k: 'p', n: 'mm', o: 'll' };
      const prog = path.join(dir, 'p.bpf.c');
      fs.writeFileSync(prog, [
        '#include "g.h"', '#include <bpf/bpf_helpers.h>', '#include <bpf/bpf_core_read.h>',
        `SEC("kprobe/x") int f(${reads.map((r) => `struct ${r} *${r}${r}`).join(', ')}) {`,
        // plain accesses (relocated only where a pragma region applies) and CO-RE reads of each
        `  long s = ${reads.map((r) => `${r}${r}->${field[r]} + BPF_CORE_READ(${r}${r}, ${field[r]})`).join(' + ')};`,
        '  return s + bpf_core_type_exists(struct d) + bpf_core_type_exists(struct l) + bpf_core_type_exists(struct m) + bpf_core_enum_value(enum ge, GE1);',
        '}', 'char LICENSE[] SEC("license") = "GPL";', '',
      ].join('\n'));
      const sk = skim(header)!;
      assert.ok(sk, 'the header is eligible');
      const grouped = markerTokens(header, sk, () => false, true);
      assert.ok(grouped.tokens.length < markerTokens(header, sk).tokens.length - 5, 'markers were grouped');
      const g = shapes(await createAnalyzer(), prog, Infinity);
      const sites = JSON.parse(g.sites!) as unknown[];
      assert.ok(sites.length >= reads.length + 4, g.sites);
      for (const group of [true, false]) {
        GROUP_MARKERS.value = group;
        try {
          const l = shapes(await createAnalyzer(), prog, 0);
          for (const key of Object.keys(g)) assert.strictEqual(l[key], g[key], `grouped ${group}: ${key} differ between the lazy and the full parse`);
        } finally { GROUP_MARKERS.value = true; }
      }
      // a macro named like a marker: no grouping
      assert.strictEqual(markersGroupable(new Map([['$L1', 0]]), sk), false);
      assert.strictEqual(markersGroupable(new Map([['L1', 0]]), sk), true);
      assert.strictEqual(markersGroupable(new Map(), skim(`#define $L2 x\n${header}`)!), false);
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

  it('the scan\'s regular-expression fast path, and the WebAssembly matcher ahead of it, give what the token path gives: real headers, mutations, hostile text', () => {
    /** A skim's whole result as one string (positions, names, typedef names, #defines). */
    const ser = (text: string): string => {
      const sk = skim(text);
      if (!sk) return 'not eligible';
      return JSON.stringify([sk.decls.map((d) => [d.start, d.end, d.name ?? null, d.fwd ?? null]), [...sk.tags].map(([k, d]) => [k, d.start]),
        [...sk.consts].map(([k, d]) => [k, d.start]), [...sk.typedefs].map(([k, d]) => [k, d.start]), [...sk.defined]]);
    };
    const both = (text: string, what: string): void => {
      FAST_SCAN.value = false;
      let slow: string;
      try { slow = ser(text); } finally { FAST_SCAN.value = true; }
      assert.strictEqual(ser(text), slow, `${what}: the fast path differs from the token path`);
      // the fast path's regular expressions alone (the WebAssembly matcher ahead of them off: wasmScan.ts)
      WASM_SCAN.value = false;
      try { assert.strictEqual(ser(text), slow, `${what}: the fast path without the WebAssembly matcher differs from the token path`); } finally { WASM_SCAN.value = true; }
    };
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'corelens-fastscan-'));
    try {
      const headers = realHeaders(dir);
      assert.ok(headers.some((h) => h.endsWith(path.join('programs', 'vmlinux.h'))), 'the fixtures\' vmlinux.h');
      const before = lazyStats.fast;
      const beforeWasm = lazyStats.wasmScan;
      const beforeTypedefs = lazyStats.wasmTypedefs;
      for (const h of headers) both(fs.readFileSync(h, 'utf8'), h);
      assert.ok(lazyStats.fast - before > 15_000, `the fast path took ${lazyStats.fast - before} definitions`);
      assert.ok(lazyStats.wasmScan - beforeWasm > 15_000, `the WebAssembly matcher took ${lazyStats.wasmScan - beforeWasm} definitions`);
      // (6.18's vmlinux.h alone has ~2,800 typedefs of the two shapes the matcher takes)
      assert.ok(lazyStats.wasmTypedefs - beforeTypedefs > 2_500, `the WebAssembly matcher took ${lazyStats.wasmTypedefs - beforeTypedefs} typedefs`);
      // mutations of vmlinux.h slices: every character the fast path declines, inserted, deleted or replaced
      const big = fs.readFileSync(headers[0]!, 'utf8');
      const pieces = ['{', '}', '(', ')', '[', ']', ';', '/*', '*/', '//', '"', "'", '#', '\\\n', '\n#define X 1\n', 'struct ', 'union ', 'enum ',
        'enum { A, B } e;', 'struct q {', '__attribute__((packed))', ' x', ',', '=', '-', '1.struct {', '$', 'struct struct {', '0x1F', '\u00a0', '  ', '\t= -\t', 'struct __attribute__((packed))', 'union __attribute__((',
        'typedef ', 'typedef int t_t;', '(*', ')(', 'typedef struct q q_t;', 'unsigned ', '1', '*'];
      let i = 0;
      for (const t of mutatedSlices(big, pieces, 7, 300)) both(t, `mutation ${i++}`);
      // text on which an ambiguous pattern would backtrack for hours (the test would time out): long enums and
      // record bodies that fail at their very end, deep nesting that never closes
      const items = Array.from({ length: 3000 }, (_, i) => `\tE${i}  =  ${i % 2 ? '-  ' : ''}${i}  ,  `).join('\n');
      both(`enum e {\n${items}\n  x y };\n`, 'an enum failing at its end');
      both(`struct s {\n${'\tint a; struct { int (*f)(int [4]); } b;\n'.repeat(3000)} } x y;\n`, 'a record failing at its end');
      both(`struct s { ${'struct { '.repeat(2000)} int a; ${'} '.repeat(1999)} };\n`, 'nesting deeper than the fast path takes');
      both(`struct s { ${'('.repeat(5000)} };\nstruct t { int a; };\n`, 'brackets that never close');
      // typedefs and forward declarations the fast path takes or declines, alone and with what decides whether a
      // typedef naming a tag stays set aside (a forward declaration, a definition, neither)
      const tds = ['typedef;', 'typedef int;', 'typedef unsigned int;', 'typedef int typedef;', 'typedef struct x;', 'typedef struct x x_t;',
        'typedef struct x *xp;', 'typedef int *ip;', 'typedef int*p2;', 'typedef int (*f)(void);', 'typedef int(*f4)(void);', 'typedef int (*struct)(void);',
        'typedef int (*typedef)(int);', 'typedef int (* f1 )( struct a *, union b * , enum c );', 'typedef struct s (*g)(struct t);',
        'typedef enum e (*h)(void);', 'typedef int (*f2)(int (*)(void));', 'typedef int (*f3)(1);', 'typedef int 1x;', 'typedef struct struct s;',
        'typedef struct __attribute__ s;', 'typedef int __attribute__;', 'typedef $x $y;', 'typedef int (*$f)($a);', 'typedef\nint\nnl_t\n;',
        'typedef int (*f5)(void) ;', 'typedef int f6(void);', 'typedef int a, b;', 'typedef int (*)(void);', 'typedef int (*f7)(void) __attribute__((x));',
        'typedef struct x (*f8)(struct y *, struct x);', 'typedef struct\tx\ty_t;', 'typedef union u u;', 'typedef enum e e_t;', 'typedef int (*int)(void);',
        'typedef struct x * (*f9)(void);', 'typedef int (*f10)(struct);', 'typedef int (*f11)(struct typedef *);', 'typedef long long ll;',
        // the matcher's name rules: type words, tag keywords before and as the name, a `(*NAME)` named like a keyword
        'typedef unsigned long;', 'typedef int const;', 'typedef int volatile;', 'typedef int restrict;', 'typedef int __restrict;', 'typedef char _Bool;',
        'typedef int void;', 'typedef int signed;', 'typedef double float;', 'typedef int typedef_t;', 'typedef int structx;', 'typedef struct x struct;',
        'typedef enum e union;', 'typedef int (*union)(void);', 'typedef int (*enum)(void);', 'typedef int (*__attribute__)(void);', 'typedef int (*f12)(__attribute__);',
        'typedef int (*f13)(int) ;', 'typedef int(*f14)(int,int);', 'typedef int (*f15) (struct x*);', 'typedef int ( * f16 ) ( ) ;', 'typedef int (**f17)(void);',
        'typedef int (*f18)(void)(int);', 'typedef struct x struct_x;', 'typedef union u *up, uq;', 'typedef struct x1 y1; typedef struct x2 y2;', 'typedef int 9;',
        'typedef int x9;', 'typedef int x$;', 'typedef*p;', 'typedef(*f19)(void);', 'typedef struct\nx\nx_t;', 'typedef unsigned\tint\tu_t;'];
      const fwds = ['', 'struct x;', 'struct x ;', 'union typedef;', 'enum struct x;', 'struct __attribute__;', 'struct 1x;', 'struct y;\nstruct x;', 'union u;', 'enum e;', 'struct x { int v; };'];
      for (const f of fwds) for (const td of tds) {
        both(`struct zz { int q; };\n${td}\n${f}\n`, `${JSON.stringify(td)} then ${JSON.stringify(f)}`);
        both(`${f}\nstruct zz { int q; };\n${td}\ntypedef struct y y_t;\n`, `${JSON.stringify(f)} then ${JSON.stringify(td)}`);
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
  it('the marker tokens (made per stretch of the header) are the tokens of the marker text: real headers, mutations, edge cases', () => {
    /** Both ways for one text and one choice of macro-named typedefs; false when the text is not eligible. */
    const same = (text: string, what: string, isMacro: (n: string) => boolean = () => false): boolean => {
      const sk = skim(text);
      if (!sk) return false;
      const old = markerText(text, sk, isMacro);
      const now = markerTokens(text, sk, isMacro);
      assert.deepStrictEqual(now.decls, old.decls, `${what}: the definitions set aside differ`);
      const a = tokenize(old.text);
      const b = now.tokens;
      // a first difference is named (a deepStrictEqual of 100k tokens would print them all)
      const sameTokens = (x: typeof a, y: typeof a, how: string): void => {
        for (let i = 0; i < Math.max(x.length, y.length); i++) {
          if (JSON.stringify(x[i]) !== JSON.stringify(y[i])) assert.fail(`${what}${how}: token ${i} differs: ${JSON.stringify(x[i])} (marker text) vs ${JSON.stringify(y[i])}`);
        }
      };
      sameTokens(a, b, '');
      assert.deepStrictEqual(now.last, old.decls.map((_, k) => k), `${what}: ungrouped, each marker stands for its own definition`);
      // grouped: the marker text's tokens without each marker that directly follows the one before it (marker k
      // right after marker k - 1), which the run's first marker stands for
      const isMarker = (t: (typeof a)[number] | undefined, k: number): boolean => !!t && k >= 0 && k < old.decls.length && t.s === `$L${k.toString(36)}` && t.start === old.decls[k]!.start;
      const want: typeof a = [];
      const wantLast = old.decls.map((_, k) => k);
      let head = -1;
      let k = 0; // the next marker's kept index
      for (let i = 0; i < a.length; i++) {
        if (!isMarker(a[i], k)) { want.push(a[i]!); continue; }
        if (head >= 0 && isMarker(a[i - 1], k - 1)) wantLast[head] = k;
        else { want.push(a[i]!); head = k; }
        k++;
      }
      assert.strictEqual(k, old.decls.length, `${what}: every marker met`);
      const grouped = markerTokens(text, sk, isMacro, true);
      assert.deepStrictEqual(grouped.decls, old.decls, `${what}: grouped, the definitions set aside differ`);
      sameTokens(want, grouped.tokens, ' (grouped)');
      assert.deepStrictEqual(grouped.last, wantLast, `${what}: the definitions each grouped marker stands for`);
      return true;
    };
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'corelens-markers-'));
    try {
      const headers = realHeaders(dir);
      let eligible = 0;
      for (const h of headers) {
        const text = fs.readFileSync(h, 'utf8');
        if (same(text, h)) eligible++;
        // typedefs a macro renames stay in the text (and shift every later marker's number)
        same(text, `${h} (typedefs with a name of 5, 10... characters macro-named)`, (n) => n.length % 5 === 0);
      }
      assert.ok(eligible >= 3, `${eligible} eligible headers`);
      // definitions side by side on one line, after a directive's line, between comments, continuations, a
      // definition too short for its marker, a file that ends right after one, CRLF lines
      const edge = [
        'struct a { int x; }; struct b { int y; };\tstruct c { char z; } /* c */ ; // tail\n',
        '#ifndef E_H\n#define E_H\nstruct d { int w; };\n#endif\nstruct e{};',
        '/* head */struct f { int v; };/* mid\n */struct g { int u; };\\\nstruct h { int t; };\r\nenum i { I0, I1 };\r\n',
        'typedef int u_t;\ntypedef struct j { u_t s; } j_t; struct k { j_t r; };',
        'struct l { int q; };',
      ];
      for (let i = 0; i < edge.length; i++) assert.ok(same(edge[i]!, `edge case ${i}`), `edge case ${i} is eligible`);
      // mutations of vmlinux.h slices (as the fast-path test makes them)
      const big = fs.readFileSync(headers[0]!, 'utf8');
      const pieces = ['{', '}', '(', ')', ';', '/*', '*/', '//', '"', "'", '#', '\\\n', '\n', '\r\n', 'struct ', 'enum ', 'typedef int t;', ' x', '1.struct {', '$', '\u00a0', '\t'];
      let mutated = 0;
      let i = 0;
      for (const t of mutatedSlices(big, pieces, 11, 200)) if (same(t, `mutation ${i++}`)) mutated++;
      assert.ok(mutated > 50, `${mutated} eligible mutations compared`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
