// Header parses shared between the analyzers of two arches (HeaderCache.agrees) give exactly what each arch's own
// parse gives: on every fixture and corpus program, x86 and arm64 analyzers sharing one header cache against two
// analyzers with caches of their own, the sites, notes, plain accesses, functions and local BTF bytes are identical;
// and the sharing really happened (vmlinux.h parsed once) while a header testing __TARGET_ARCH_* was not shared.
// Re-includes of a header whose include guard is defined are skipped (clang's multiple-include optimisation): the
// same comparison against reading them, and the guard recognition's edge cases.

import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Analyzer, createAnalyzer } from '../../src/source/analyzer';
import { GUARD_SKIP, HeaderCache } from '../../src/source/localTypes';
import { Preprocessor } from '../../src/source/preproc';
import { analysisShapes, fixtureSourcePrograms } from '../support/analysisShapes';

/** The analysis of a document, as comparable strings. */
function shapes(an: Analyzer, file: string, text: string, includePaths: string[]): { [k: string]: string } {
  return analysisShapes(an.analyze(file, text, { includePaths }));
}

/**
 * Writes `headers` and the program `text` into a fresh folder, analyses it for each define set with analyzers sharing
 * one header cache and with analyzers of their own, and checks both give the same; returns the shared cache and the
 * per-set results.
 */
async function sharedEqualsAlone(headers: Record<string, string>, text: string, defs: string[][]): Promise<{ cache: HeaderCache; want: { [k: string]: string }[] }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'corelens-shared-headers-'));
  try {
    for (const [name, body] of Object.entries(headers)) fs.writeFileSync(path.join(dir, name), body);
    const file = path.join(dir, 'p.bpf.c');
    fs.writeFileSync(file, text);
    const cache = new HeaderCache();
    const shared = await Promise.all(defs.map((defines) => createAnalyzer({ defines, headers: cache })));
    const alone = await Promise.all(defs.map((defines) => createAnalyzer({ defines })));
    const got = shared.map((an) => shapes(an, file, text, []));
    const want = alone.map((an) => shapes(an, file, text, []));
    assert.deepStrictEqual(got, want);
    return { cache, want };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe('header parses shared between arches, and guarded re-includes skipped', function () {
  this.timeout(600_000);

  it('every fixture and corpus program: each arch gets what its own parse gives', async () => {
    const { files, includePaths } = fixtureSourcePrograms();
    const arches = ['x86', 'arm64'];
    const headers = new HeaderCache();
    const shared = await Promise.all(arches.map((a) => createAnalyzer({ defines: [`__TARGET_ARCH_${a}`], headers })));
    const alone = await Promise.all(arches.map((a) => createAnalyzer({ defines: [`__TARGET_ARCH_${a}`] })));
    let sites = 0;
    let archDiffer = 0;
    for (const f of files) {
      const text = fs.readFileSync(f, 'utf8');
      const got = shared.map((an) => shapes(an, f, text, includePaths));
      const want = alone.map((an) => shapes(an, f, text, includePaths));
      for (let i = 0; i < arches.length; i++) {
        for (const k of Object.keys(want[i]!)) assert.strictEqual(got[i]![k], want[i]![k], `${path.basename(f)} ${arches[i]}: ${k} differ with shared headers`);
        sites += JSON.parse(want[i]!.sites!).length;
      }
      if (want[0]!.sites !== want[1]!.sites) archDiffer++;
    }
    assert.ok(files.length >= 45, `${files.length} programs`);
    assert.ok(sites > 2000, `${sites} sites compared`);
    assert.ok(headers.sharedHits > 0, 'the second arch reused the first arch\'s header parses');
    assert.ok(archDiffer > 0, 'the arches still differ where a header tests __TARGET_ARCH_* (bpf_tracing.h)');
  });

  it('a header whose conditionals or expansions meet a differing macro is parsed per arch', async () => {
    // arch.h tests the arch directly; indirect.h names ARCH_OFF only, defined alike for both arches, but as PADV,
    // which differs: it must not be shared either (the closure over macro bodies); headers after arch.h may be
    // shared only when they name nothing it declares: uses.h embeds its struct regs (per arch too), later.h does not
    const { cache, want } = await sharedEqualsAlone({
      'arch.h': '#ifdef __TARGET_ARCH_x86\nstruct regs { long a; long b; } __attribute__((preserve_access_index));\n#else\nstruct regs { int b; long a; } __attribute__((preserve_access_index));\n#endif\n',
      'indirect.h': 'struct two { char pad[ARCH_OFF]; long f; } __attribute__((preserve_access_index));\n',
      'plain.h': 'struct plain { int x; long y; } __attribute__((preserve_access_index));\n',
      'uses.h': 'struct uses { char c; struct regs r; } __attribute__((preserve_access_index));\n',
      'later.h': 'struct later { int z; long w; } __attribute__((preserve_access_index));\n',
    }, '#include "plain.h"\n#include "indirect.h"\n#include "arch.h"\n#include "uses.h"\n#include "later.h"\n'
      + 'int f(struct regs *r, struct two *t, struct plain *p, struct uses *u, struct later *l) { return r->b + t->f + p->y + u->r.a + l->w; }\n',
    [['__TARGET_ARCH_x86', 'ARCH_OFF=PADV', 'PADV=4'], ['__TARGET_ARCH_arm64', 'ARCH_OFF=PADV', 'PADV=8']]);
    assert.notStrictEqual(want[0]!.btf, want[1]!.btf, 'the arches see different layouts');
    assert.strictEqual(cache.sharedHits, 2, 'plain.h and later.h are shared, nothing else');
  });

  it('a header that pastes a differing name out of pieces (no text spells it whole) is parsed per arch', async () => {
    // `ARCH_IS(x86)` is `__TARGET_ARCH_x86` only after the paste: a text search for the differing names misses it
    const { cache, want } = await sharedEqualsAlone({
      'paste.h': '#define ARCH_IS(a) __TARGET_ARCH_##a\n#if ARCH_IS(x86)\n'
        + 'struct regs { long a; long b; } __attribute__((preserve_access_index));\n#else\n'
        + 'struct regs { int b; long a; } __attribute__((preserve_access_index));\n#endif\n',
      'plain.h': '#define CAT(a, b) a##b\nstruct CAT(pl, ain) { int x; long y; } __attribute__((preserve_access_index));\n',
    }, '#include "plain.h"\n#include "paste.h"\nint f(struct regs *r, struct plain *p) { return r->b + p->y; }\n',
    [['__TARGET_ARCH_x86'], ['__TARGET_ARCH_arm64']]);
    assert.notStrictEqual(want[0]!.btf, want[1]!.btf, 'the arches see different layouts');
    assert.strictEqual(cache.sharedHits, 1, 'plain.h (whose paste makes no differing name) is shared, paste.h is not');
  });

  it('skipping re-includes of guarded headers gives what reading them gives, on every fixture and corpus program', async () => {
    const { files, includePaths } = fixtureSourcePrograms();
    const skipping = new HeaderCache();
    const reading = new HeaderCache();
    const skip = await createAnalyzer({ headers: skipping });
    const read = await createAnalyzer({ headers: reading });
    for (const f of files) {
      const text = fs.readFileSync(f, 'utf8');
      const got = shapes(skip, f, text, includePaths);
      GUARD_SKIP.value = false;
      try {
        const want = shapes(read, f, text, includePaths);
        for (const k of Object.keys(want)) assert.strictEqual(got[k], want[k], `${path.basename(f)}: ${k} differ when guarded re-includes are skipped`);
      } finally { GUARD_SKIP.value = true; }
    }
    assert.ok(skipping.guardSkips > 0, 'some re-include was skipped');
    assert.strictEqual(reading.guardSkips, 0);
  });

  it('recognises an include guard only when the whole text is one #ifndef group', () => {
    const guard = (text: string) => { const p = new Preprocessor(); p.run(text, { onInclude: () => undefined }); return p.lastGuard; };
    assert.strictEqual(guard('// c\n/* x */\n#ifndef A_H\n#define A_H\nint a;\n#endif /* A_H */\n// end\n'), 'A_H');
    assert.strictEqual(guard('#if !defined(B_H)\n#define B_H\n#if X\nint a;\n#else\nint b;\n#endif\n#endif\n'), 'B_H');
    assert.strictEqual(guard('#if !defined C_H\nint a;\n#endif\n'), 'C_H');
    assert.strictEqual(guard('#ifndef A_H\nint a;\n#endif\nint b;\n'), undefined, 'text after the group');
    assert.strictEqual(guard('int b;\n#ifndef A_H\nint a;\n#endif\n'), undefined, 'text before the group');
    assert.strictEqual(guard('#ifndef A_H\nint a;\n#else\nint c;\n#endif\n'), undefined, 'an #else of its own');
    assert.strictEqual(guard('#ifndef A_H\nint a;\n#endif\n#ifndef B_H\nint b;\n#endif\n'), undefined, 'two groups');
    assert.strictEqual(guard('#ifdef A_H\nint a;\n#endif\n'), undefined, '#ifdef is no guard');
  });
});
