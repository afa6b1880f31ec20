// Function typings, preprocessed function bodies, document definitions and program expansions shared between the
// analyzers of two arches (source/sharedFunctions.ts, source/docBodies.ts, contexts.ts sharedExpansions) give exactly
// what each arch's own work gives: x86 and arm64
// analyzers sharing trees, header parses, typings and bodies against analyzers of their own, on every fixture and
// corpus program and on the big program (open, then an edit): identical sites, notes, plain accesses, functions and
// local BTF bytes; the sharing really happened; and the cases that must stay per arch (a call of a per-arch header's
// function, a global declared per arch, a body naming a macro defined per arch, a body pasting such a name out of
// pieces) do, where the arches really differ.

import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Analysis, Analyzer, createAnalyzer } from '../../src/source/analyzer';
import { HeaderCache } from '../../src/source/localTypes';
import { SharedFunctions } from '../../src/source/sharedFunctions';
import { sharedExpansions } from '../../src/source/contexts';
import { SharedTrees } from '../../src/source/sharedTrees';
import { writeBigProgram } from '../../bench/bigProgram';
import { generateVmlinuxH } from '../../bench/source.bench';
import { analysisShapes, fixtureSourcePrograms } from '../support/analysisShapes';

const ARCHES = ['x86', 'arm64'];

/** Analyzers of both arches sharing everything the language server shares, and analyzers of their own. */
async function pairs(): Promise<{ functions: SharedFunctions; shared: Analyzer[]; alone: Analyzer[] }> {
  const trees = new SharedTrees();
  const headers = new HeaderCache();
  const functions = new SharedFunctions();
  const shared = await Promise.all(ARCHES.map((a) => createAnalyzer({ defines: [`__TARGET_ARCH_${a}`], trees, headers, functions })));
  const alone = await Promise.all(ARCHES.map((a) => createAnalyzer({ defines: [`__TARGET_ARCH_${a}`] })));
  return { functions, shared, alone };
}

/** Both arches, shared against alone: equal part by part; returns the alone analyses' shapes. */
function compare(label: string, got: Analysis[], want: Analysis[]): { [k: string]: string }[] {
  const g = got.map(analysisShapes);
  const w = want.map(analysisShapes);
  for (let i = 0; i < ARCHES.length; i++) {
    for (const k of Object.keys(w[i]!)) assert.strictEqual(g[i]![k], w[i]![k], `${label} ${ARCHES[i]}: ${k} differ with shared typings`);
  }
  return w;
}

describe('function typings and bodies shared between arches', function () {
  this.timeout(600_000);

  it('every fixture and corpus program: each arch gets what its own typing gives', async () => {
    const { files, includePaths } = fixtureSourcePrograms();
    const { functions, shared, alone } = await pairs();
    let sites = 0;
    for (const f of files) {
      const text = fs.readFileSync(f, 'utf8');
      const w = compare(path.basename(f), shared.map((an) => an.analyze(f, text, { includePaths })), alone.map((an) => an.analyze(f, text, { includePaths })));
      sites += JSON.parse(w[0]!.sites!).length + JSON.parse(w[1]!.sites!).length;
      for (const an of [...shared, ...alone]) an.close(f);
    }
    assert.ok(files.length >= 45, `${files.length} programs`);
    assert.ok(sites > 2000, `${sites} sites compared`);
    assert.ok(functions.hits > 100, `the second arch took the first arch's typings (${functions.hits})`);
    assert.ok(functions.bodyHits > 50, `the second arch took the first arch's preprocessed bodies (${functions.bodyHits})`);
  });

  it('keeps per arch a function calling a per-arch header function, reading a global declared per arch, or naming (or pasting) a macro defined per arch', async () => {
    // arch.h is parsed per arch (it tests __TARGET_ARCH_*): its helper reads another member per arch, and its
    // FIELD_x86 names another member per arch; the document's global has another type per arch. `calls` and `reads`
    // have the same tokens on both arches, their typings differ; `named` spells the per-arch macro, `pasted` forms it
    // with ## from pieces no text spells whole: their bodies expand differently per arch.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'corelens-shared-functions-'));
    try {
      fs.writeFileSync(path.join(dir, 'types.h'), [
        'struct task { int pid; int tgid; } __attribute__((preserve_access_index));',
        'struct a { long x; } __attribute__((preserve_access_index));',
        'struct b { int pad; long x; } __attribute__((preserve_access_index));',
        '',
      ].join('\n'));
      fs.writeFileSync(path.join(dir, 'arch.h'), [
        '#ifdef __TARGET_ARCH_x86',
        'static __attribute__((always_inline)) int who(struct task *t) { return __builtin_preserve_access_index(t->pid); }',
        '#define FIELD_x86 pid',
        '#else',
        'static __attribute__((always_inline)) int who(struct task *t) { return __builtin_preserve_access_index(t->tgid); }',
        '#define FIELD_x86 tgid',
        '#endif',
        '#define CAT(a, b) a ## b',
        '',
      ].join('\n'));
      const file = path.join(dir, 'p.bpf.c');
      const text = [
        '#include "types.h"',
        '#include "arch.h"',
        '#ifdef __TARGET_ARCH_x86',
        'struct a *g;',
        '#else',
        'struct b *g;',
        '#endif',
        '__attribute__((section("kprobe/f"))) int calls(struct task *t) { return who(t); }',
        '__attribute__((section("kprobe/g"))) int reads(void *ctx) { return __builtin_preserve_access_index(g->x); }',
        '__attribute__((section("kprobe/h"))) int same(struct task *t) { return __builtin_preserve_access_index(t->pid); }',
        '__attribute__((section("kprobe/i"))) int named(struct task *t) { return __builtin_preserve_access_index(t->FIELD_x86); }',
        '__attribute__((section("kprobe/j"))) int pasted(struct task *t) { return __builtin_preserve_access_index(t->CAT(FIELD_, x86)); }',
        'char LICENSE[] __attribute__((section("license"))) = "GPL";',
        '',
      ].join('\n');
      fs.writeFileSync(file, text);
      const { functions, shared, alone } = await pairs();
      const want = alone.map((an) => an.analyze(file, text));
      compare('per-arch cases', shared.map((an) => an.analyze(file, text)), want);
      // the arches really differ in both callers (so taking the other arch's typing would be wrong), and the
      // function that reads nothing per arch was shared
      for (const prog of ['calls', 'reads', 'named', 'pasted']) {
        const of = (a: Analysis) => JSON.stringify(a.sites.filter((s) => s.program === prog).map((s) => [s.localType, s.access]));
        assert.notStrictEqual(of(want[0]!), of(want[1]!), `${prog}: the arches differ`);
      }
      assert.ok(functions.hits >= 1, 'the arch-independent function was shared');
      assert.ok(functions.bodyHits >= 1, 'the arch-independent bodies were preprocessed once');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the big program (150 programs, helpers in headers, full vmlinux.h): open and an edit, each arch as its own', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'corelens-shared-functions-big-'));
    try {
      generateVmlinuxH(dir);
      fs.rmSync(path.join(dir, 'vmlinux.btf'));
      const big = writeBigProgram(dir);
      const { functions, shared, alone } = await pairs();
      const pause = () => new Promise<void>((r) => setImmediate(r));
      const got: Analysis[] = [];
      const x0 = sharedExpansions.hits;
      const r0 = sharedExpansions.remapped;
      for (const an of shared) got.push(await an.analyzeAsync(big.file, big.text, {}, pause));
      const w = compare('big program', got, alone.map((an) => an.analyze(big.file, big.text)));
      assert.notStrictEqual(w[0]!.sites, w[1]!.sites, 'the arches differ (BPF_KPROBE reads pt_regs per arch)');
      assert.ok(functions.hits > 300, `most functions typed once (${functions.hits} taken)`);
      assert.ok(functions.bodyHits >= 140, `most bodies preprocessed once (${functions.bodyHits} taken)`);
      // BPF_PROG programs' wrappers and every program's body are the first arch's definitions, and the BPF_PROG
      // programs' expansions are taken whole (BPF_KPROBE wrappers read pt_regs per arch: theirs are not), some with
      // type ids of this arch's own (what the comparison above checked, local BTF included)
      assert.ok(functions.defHits >= 200, `document definitions shared (${functions.defHits})`);
      assert.ok(sharedExpansions.hits - x0 >= 90 && sharedExpansions.hits - x0 < 150, `program expansions taken (${sharedExpansions.hits - x0})`);
      assert.ok(sharedExpansions.remapped > r0, 'some taken sites name types at other ids on this arch');
      // an edit inside one program body: each arch's update equals its own
      const edited = big.text.replace('\tev.kind = 0;', '\tev.kind = 7;');
      assert.notStrictEqual(edited, big.text);
      const hits = functions.hits;
      const upd: Analysis[] = [];
      for (const an of shared) upd.push(await an.updateAsync(big.file, edited, pause));
      compare('big program after an edit', upd, alone.map((an) => an.update(big.file, edited)));
      assert.ok(functions.hits > hits, 'the edited function was typed once for both arches');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
