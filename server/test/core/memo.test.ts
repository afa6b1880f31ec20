// Memoised evaluation (issue 16): the language server keeps relocation results between edits. These tests hold the
// memo to "exactly what a fresh evaluation gives" over real edit sequences, on real kernels and on purpose-built
// targets where the order of relocations decides the result (libbpf's candidate pruning), and check that it does
// reuse what it should (otherwise the editor would not be faster) and nothing it should not.

import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { openBtfFile } from '../../src/btf/open';
import { Btf } from '../../src/btf/reader';
import { localSignature } from '../../src/core/memo';
import { EvaluationMemo, LiveSite, SiteEvaluation, TargetRef, evaluateSites } from '../../src/features/evaluate';
import { Analysis, createAnalyzer } from '../../src/source/analyzer';
import { FIXTURES, TARGETS_DIR, kernelPath } from '../support/paths';

const INC = path.join(FIXTURES, 'programs');

async function kernel(name: string): Promise<Btf> {
  const r = await openBtfFile(kernelPath(name));
  if (!r.ok) throw r.error;
  return r.value.btf;
}

function target(name: string): Btf {
  const file = path.join(TARGETS_DIR, `${name}.btf`);
  return Btf.parse(fs.readFileSync(file), file);
}

/** Everything a result says (spec objects aside: they hold BTF objects), per site and target. */
function facts(evs: readonly SiteEvaluation[], targets: readonly TargetRef[]): unknown[] {
  return evs.map((ev) => targets.map((t) => {
    const st = ev.targets.get(t.name)!;
    const r = st.result;
    return {
      site: `${ev.site.kind}:${ev.site.localType}:${ev.site.access}`, target: t.name, status: r.status, value: r.value,
      localValue: r.localValue, errno: r.errno, reason: r.reason, problem: r.problem, failure: r.failure, suggestion: r.suggestion,
      targetTypeId: r.targetTypeId, candidates: r.candidates, matched: r.matched, validate: r.validate, localSize: r.localSize,
      targetSize: r.targetSize, failMemszAdjust: r.failMemszAdjust, runs: st.runs, offByIndex: st.offByIndex,
      targetPath: r.targetSpec ? `${r.targetSpec.rootTypeId}:${r.targetSpec.raw.join(':')}@${r.targetSpec.bitOffset}` : undefined,
    };
  }));
}

describe('memoised evaluation (language server edits)', () => {
  let targets: TargetRef[];
  before(async () => {
    targets = [
      { name: 'dups', btf: target('dups') }, { name: 'errs', btf: target('errs') }, { name: 'base', btf: target('base') },
      { name: 'kernel_old', btf: target('kernel_old') }, { name: 'missing', btf: target('missing') },
      { name: '6.1-amd64', btf: await kernel('6.1-amd64') }, { name: '6.18-amd64', btf: await kernel('6.18-amd64') },
    ];
  });

  /** Applies `edits` in turn (each a text transformation); after each, memo and fresh evaluations must agree. */
  async function replay(program: string, edits: ((t: string) => string)[]): Promise<{ reused: number[]; evals: SiteEvaluation[][] }> {
    const file = path.join(INC, program);
    let text = fs.readFileSync(file, 'utf8');
    const an = await createAnalyzer();
    const memo = new EvaluationMemo();
    const reused: number[] = [];
    const evals: SiteEvaluation[][] = [];
    let prev: SiteEvaluation[] | undefined;
    for (let step = 0; step <= edits.length; step++) {
      if (step > 0) text = edits[step - 1]!(text);
      const a: Analysis = step === 0 ? an.analyze(file, text, { includePaths: [INC] }) : an.update(file, text);
      const local = a.localBtf();
      const sites = a.sites as LiveSite[];
      const memoised = evaluateSites(local, sites, targets, memo);
      const fresh = evaluateSites(local, sites, targets);
      assert.deepStrictEqual(facts(memoised, targets), facts(fresh, targets), `step ${step}: memoised results differ from a fresh evaluation`);
      const before = new Set(prev?.map((e) => e.targets));
      reused.push(memoised.filter((e) => before.has(e.targets)).length);
      evals.push(memoised);
      prev = memoised;
    }
    return { reused, evals };
  }

  it('equals a fresh evaluation over body edits, access changes, declaration changes and undo, reusing unchanged sites', async () => {
    const { reused, evals } = await replay('kernel_task.bpf.c', [
      (t) => t.replace(/return 0;/, 'return 1;'), // a body edit: every access unchanged
      // one relocation changes into one the program has nowhere else (every task_struct field is read somewhere)
      (t) => t.replace('OUT(1, BPF_CORE_READ(task, tgid))', 'OUT(1, bpf_core_field_size(task->tgid))'),
      (t) => t.replace('OUT(1, bpf_core_field_size(task->tgid))', 'OUT(1, BPF_CORE_READ(task, tgid))'), // and back
      (t) => t.replace(/\bstruct task_struct \{/, 'struct task_struct {\n\tint corelens_memo_test_extra;'), // a declaration
    ]);
    const n = evals[0]!.length;
    assert.ok(n > 20, `kernel_task.bpf.c has ${n} sites`);
    assert.strictEqual(reused[1], n, 'a body edit reuses every site\'s results');
    assert.strictEqual(reused[2], n - 1, 'a changed relocation recomputes only its site');
    assert.ok(reused[3]! >= n - 2, `undoing it finds the earlier results (reused ${reused[3]} of ${n})`);
  });

  it('replays candidate pruning exactly: reordering two accesses of a multi-candidate root changes the results, and the memo follows', async () => {
    const swap = (t: string) => {
      const a = '\tOUT(0, bpf_core_field_offset(p->common));\n\tOUT(1, bpf_core_field_offset(p->only_b));';
      assert.ok(t.includes(a) || t.includes(a.replace(/\n.*$/, '')), 'failures.bpf.c still has the prune_late sequence');
      return t.replace('\tOUT(0, bpf_core_field_offset(p->common));\n\tOUT(1, bpf_core_field_offset(p->only_b));',
        '\tOUT(1, bpf_core_field_offset(p->only_b));\n\tOUT(0, bpf_core_field_offset(p->common));');
    };
    const { evals } = await replay('failures.bpf.c', [(t) => t.replace(/return 0;/, 'return 2;'), swap]);
    const pruneLate = (evs: SiteEvaluation[]) => evs.filter((e) => e.site.localType === 'struct prune_late')
      .map((e) => `${e.site.access}=${e.targets.get('dups')!.result.status}`).join(' ');
    assert.notStrictEqual(pruneLate(evals[1]!), pruneLate(evals[2]!), 'the order of prune_late relocations decides their results on dups.btf');
  });

  it('keys targets by name and generation: an equal BTF under the same generation is reused, a new generation is not', async () => {
    const file = path.join(INC, 'kernel_task.bpf.c');
    const text = fs.readFileSync(file, 'utf8');
    const a = (await createAnalyzer()).analyze(file, text, { includePaths: [INC] });
    const local = a.localBtf();
    const sites = a.sites as LiveSite[];
    const k61 = await kernel('6.1-amd64');
    const memo = new EvaluationMemo();
    const first = evaluateSites(local, sites, [{ name: 'k', btf: k61, generation: 1 }], memo);
    // The same content in a new object (what a reload or a slice hands over), same generation: reused.
    const again = evaluateSites(local, sites, [{ name: 'k', btf: Btf.parse(k61.bytes, k61.file), generation: 1 }], memo);
    assert.ok(again.every((e, i) => e.targets === first[i]!.targets));
    // Another kernel under the same name with a new generation: recomputed, and equal to a fresh evaluation.
    const k618: TargetRef = { name: 'k', btf: await kernel('6.18-amd64'), generation: 2 };
    const next = evaluateSites(local, sites, [k618], memo);
    assert.ok(next.every((e, i) => e.targets !== first[i]!.targets));
    assert.deepStrictEqual(facts(next, [k618]), facts(evaluateSites(local, sites, [k618]), [k618]));
    assert.notDeepStrictEqual(facts(next, [k618]), facts(first, [k618]), '6.1 and 6.18 differ for this program');
    // Without a generation, the BTF object is the identity: an equal copy is not assumed equal.
    const third = evaluateSites(local, sites, [{ name: 'k', btf: Btf.parse(k61.bytes, k61.file) }], memo);
    assert.ok(third.every((e, i) => e.targets !== first[i]!.targets));
  });

  it('local signatures: equal for equal types, different for any layout change the relocations can see', async () => {
    const an = await createAnalyzer();
    const sig = (src: string) => {
      const a = an.analyze(path.join(INC, 'sig.bpf.c'), `#include "fixture.h"\n${src}\nSEC("kprobe/x")\nint x(struct s *p) { return BPF_CORE_READ(p, b); }\n`,
        { includePaths: [INC] });
      const site = a.sites.find((s) => s.localType === 'struct s')!;
      return localSignature(a.localBtf(), site.typeId);
    };
    const base = 'struct t { int q; }; struct s { int a; int b; struct t *p; } __attribute__((preserve_access_index));';
    assert.strictEqual(sig(base), sig(base));
    assert.notStrictEqual(sig(base), sig(base.replace('int a;', 'long a;')), 'an earlier member grew');
    assert.notStrictEqual(sig(base), sig(base.replace('int b;', 'unsigned int b;')), 'the field\'s signedness');
    assert.notStrictEqual(sig(base), sig(base.replace('struct t *p;', 'struct t *p; int c;')), 'a member was added');
    // Behind a pointer a struct is named only (libbpf never walks through a pointer), but its kind still counts.
    assert.notStrictEqual(sig(base), sig(base.replace(/struct t/g, 'union t')));
    assert.notStrictEqual(sig(base), sig(base.replace(/struct t\b/g, 'struct u')));
  });
});
