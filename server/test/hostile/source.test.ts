// Hostile source text (issue 17, rows 1 and 12): the live analysis must end, in bounded memory, and say which limit
// it hit. Each case runs `corelens sites` in a child process under a heap cap, so a regression fails the test
// instead of hanging or killing the test runner.

import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { createAnalyzer } from '../../src/source/analyzer';
import { MACRO_LIMITS } from '../../src/source/preproc';
import { MAX_INCLUDE_DEPTH } from '../../src/source/localTypes';
import { assertClean, runBounded, tempDir } from '../support/bounded';

const PAI = '__attribute__((preserve_access_index))';

describe('hostile source: the analysis always ends, bounded (issue 17)', function () {
  this.timeout(300_000);
  let tmp: ReturnType<typeof tempDir>;
  before(() => { tmp = tempDir('hostile-src'); });
  after(() => tmp.cleanup());

  const sites = async (name: string, text: string, heapMb = 256) => {
    const file = path.join(tmp.dir, name);
    fs.writeFileSync(file, text);
    const r = await runBounded(['sites', file], { heapMb, cwd: tmp.dir });
    assertClean(r, [0], `sites ${name}`);
    return r;
  };

  // row 1: the C parser looped on a stray `)`/`]` in a record body (skipStatement stopped on it without consuming)
  for (const [label, text] of [
    ['stray ) in a struct body', 'struct x { int a; ) };\n'],
    ['stray ] in a union body', 'union x { int a; ] };\n'],
    ['stray ) in a nested anonymous struct', 'struct x { struct { int a; ) }; int b; };\n'],
    ['stray ) before a member', `struct x { ) int a; } ${PAI};\nint f(struct x *p) { return p->a; }\n`],
  ] as const) {
    it(`row 1: ${label}: ends with a note`, async () => {
      const r = await sites('row1.bpf.c', text);
      assert.match(r.stderr, /cannot parse member declaration near '[)\]]'/);
    });
  }

  it('row 1: recovery is bounded per declaration, and what follows is still analysed', async () => {
    const r = await sites('recover.bpf.c', `struct x { ${') '.repeat(5000)} int z; };\nstruct y { int q; } ${PAI};\n`
      + 'int f(struct y *p) { return p->q; }\n');
    const notes = r.stderr.split('\n').filter((l) => /cannot parse member/.test(l));
    assert.ok(notes.length <= 16, `${notes.length} recovery notes for one declaration`);
    assert.match(r.stderr, /too many errors in struct x: the rest of its body is skipped/);
    assert.match(r.stdout, /struct y +0:0/);
  });

  it('row 12: #define A1 A0 A0 ... A23 (2^23 tokens) is cut at the per-invocation token limit, with a note', async () => {
    const defs = ['#define A0 x', ...Array.from({ length: 23 }, (_, i) => `#define A${i + 1} A${i} A${i}`)];
    const r = await sites('doubling.bpf.c', `${defs.join('\n')}\nint f(void) { return A23; }\n`);
    assert.match(r.stderr, new RegExp(`macro 'A23' expands to more than ${MACRO_LIMITS.tokensPerInvocation} tokens \\(a corelens limit\\)`));
  });

  it('row 12: F(F(F(...))) 20,000 deep is cut (work of argument collection counts), with a note', async () => {
    const r = await sites('nested.bpf.c', `#define F(x) x\nint f(void) { return ${'F('.repeat(20000)}1${')'.repeat(20000)}; }\n`);
    assert.match(r.stderr, /macro 'F' (expands to more than \d+ tokens|nests more than \d+ macro invocations deep) \(a corelens limit\)/);
  });

  it('row 12: a chain of 300 object-like macros stops at the nesting depth limit', async () => {
    const defs = ['#define B0 1', ...Array.from({ length: 300 }, (_, i) => `#define B${i + 1} B${i}`)];
    const r = await sites('chain.bpf.c', `${defs.join('\n')}\nint f(void) { return B300; }\n`);
    assert.match(r.stderr, new RegExp(`macro 'B300' nests more than ${MACRO_LIMITS.depth} macro invocations deep`));
  });

  it('row 12: every use of an exploding macro is cut; the whole run stays within the per-run budget', async () => {
    const defs = ['#define A0 x', ...Array.from({ length: 20 }, (_, i) => `#define A${i + 1} A${i} A${i}`)];
    const uses = Array.from({ length: 400 }, (_, i) => `int f${i}(void) { return A20; }`).join('\n');
    const r = await sites('many.bpf.c', `${defs.join('\n')}\n${uses}\n`, 512);
    assert.match(r.stderr, /macro expansion stopped: the document's macros expand to more than \d+ tokens in all/);
    assert.ok(r.stderr.split('\n').filter((l) => /a corelens limit/.test(l)).length <= 8, 'limit notes are not repeated per use');
  });

  it('include depth: a header including itself without a guard stops at the depth limit, with a note', async () => {
    fs.writeFileSync(path.join(tmp.dir, 'self.h'), '#include "self.h"\n#include "self.h"\nstruct s1 { int a; };\n');
    const r = await sites('incl.bpf.c', '#include "self.h"\nint x;\n');
    assert.match(r.stderr, new RegExp(`includes nested more than ${MAX_INCLUDE_DEPTH} deep \\(a corelens limit`));
  });

  it('constant expressions wrap at 128 bits instead of building gigabyte BigInts', async () => {
    const r = await sites('shift.bpf.c', `#if (1 << 4000000000) || (1 << 100) * (1 << 100) * (1 << 100)\nint y;\n#endif\n`
      + `struct big { char a[1 << 4000000000]; char b[(1 << 120) * (1 << 120)]; } ${PAI};\nint f(struct big *p) { return p->b[0]; }\n`);
    assert.doesNotMatch(r.stderr, /parse error|BigInt/);
  });

  it('row 12: the analysis is linear: array elements scanned per function stay flat from 250 to 1,000 functions', async () => {
    // a deterministic measure of work, not a timing: every find/some/filter/includes/indexOf counts the elements it
    // may scan. Before the fix, functions were matched to tree-sitter units with a scan per function (quadratic).
    const analyzer = await createAnalyzer();
    const gen = (n: number) => ['struct task_struct { int pid; struct task_struct *parent; } __attribute__((preserve_access_index));',
      ...Array.from({ length: n }, (_, i) => `struct rec${i} { int a; struct task_struct *t; } __attribute__((preserve_access_index));\n`
        + `int f${i}(struct rec${i} *r) { return r->t->pid + r->a; }`)].join('\n');
    const methods = ['find', 'some', 'every', 'filter', 'includes', 'indexOf', 'findIndex'] as const;
    const saved = methods.map((m) => Array.prototype[m]);
    let scanned = 0;
    const perFunction: number[] = [];
    try {
      methods.forEach((m, k) => {
        const orig = saved[k] as (...a: unknown[]) => unknown;
        (Array.prototype as unknown as Record<string, unknown>)[m] = function (this: unknown[], ...args: unknown[]) { scanned += this.length; return orig.apply(this, args); };
      });
      for (const n of [250, 1000]) {
        scanned = 0;
        analyzer.analyze(path.join(tmp.dir, `linear${n}.bpf.c`), gen(n));
        perFunction.push(scanned / n);
      }
    } finally {
      methods.forEach((m, k) => { (Array.prototype as unknown as Record<string, unknown>)[m] = saved[k]; });
    }
    assert.ok(perFunction[1]! <= perFunction[0]! * 1.2, `elements scanned per function: ${perFunction.map((x) => x.toFixed(0)).join(' → ')}`);
  });

  it('row 12: a source over CORELENS_MAX_SOURCE_MB is refused by sites, naming the cap', async () => {
    const file = path.join(tmp.dir, 'huge.bpf.c');
    fs.writeFileSync(file, `int x;\n${'/* padding */\n'.repeat(700_000)}`);
    const r = await runBounded(['sites', file], { heapMb: 256, cwd: tmp.dir });
    assertClean(r, [1], 'sites huge.bpf.c');
    assert.match(r.stderr, /huge\.bpf\.c: file is \d+ MB, over the 8 MB limit for C sources \(set CORELENS_MAX_SOURCE_MB to raise it\)/);
  });
});

