// Half-typed and broken code never throws: the analysis returns what it can and notes for the rest.

import * as assert from 'assert';
import * as path from 'path';
import { createAnalyzer } from '../../src/source/analyzer';
import { RELO_KIND_NAMES } from '../../src/core/kinds';
import { FIXTURES } from '../support/paths';

const INC = path.join(FIXTURES, 'programs');
const HEAD = `#include "fixture.h"\nstruct task_struct { int pid; int __state; struct task_struct *parent; } __attribute__((preserve_access_index));\n`;

describe('live analysis of broken code', () => {
  const cases: [string, string, RegExp][] = [
    ['unbalanced braces', `${HEAD}SEC("kprobe/x") int f(struct task_struct *t) { if (t) { return t->pid;\n`, /missing|unbalanced/],
    ['unknown macro', `${HEAD}SEC("kprobe/x") int f(struct task_struct *t) { return FROBNICATE(t->pid, 3) + t->parent->pid; }\n`, /./],
    ['missing header', `#include "nope.h"\n#include <missing/also.h>\n${HEAD}int f(struct task_struct *t) { return t->pid; }\n`, /header not found/],
    ['half-typed member access', `${HEAD}SEC("kprobe/x") int f(struct task_struct *t) { return t->\n}\n`, /member name|unexpected/],
    ['unknown member', `${HEAD}int f(struct task_struct *t) { return t->nosuch; }\n`, /no member 'nosuch'/],
    ['garbage', `}}}{{ struct ; ( ) -> . [ 0x ## #if\n`, /./],
  ];
  for (const [name, text, expect] of cases) {
    it(`${name}: no throw, a note`, async () => {
      const a = (await createAnalyzer()).analyze(path.join(INC, 'broken.bpf.c'), text, { includePaths: [INC] });
      assert.ok(a.notes.some((n) => expect.test(n.message)), JSON.stringify(a.notes));
      for (const n of a.notes) assert.ok(n.range.start.line >= 0 && typeof n.message === 'string');
      a.localBtf();
    });
  }
  // static_assert_stmt (CORELENS_STATIC_ASSERT_STMT): a C11 static assertion inside a function body is valid code
  // (linux perf's sample_filter checks its term enum against PERF_SAMPLE_* so), no declaration: no note, and the
  // sites around it stay
  it('a _Static_assert statement in a function body: no note, the sites around it kept', async () => {
    const text = `${HEAD}enum { A = 1, B = 2 };
int f(struct task_struct *t) {
  int x = t->pid;
  _Static_assert((1 << (B - A)) == 2, "B follows A");
  _Static_assert(sizeof(int) == 4, "int is 4 bytes");
  return x + t->parent->pid;
}\n`;
    const a = (await createAnalyzer()).analyze(path.join(INC, 'sa.bpf.c'), text, { includePaths: [INC] });
    assert.deepStrictEqual(a.notes.map((n) => n.message), []);
    assert.deepStrictEqual(a.sites.map((s) => `${s.localType} ${s.access}`), ['struct task_struct 0:0', 'struct task_struct 0:2', 'struct task_struct 0:0']);
  });
  it('keeps the sites it can still see in a broken function', async () => {
    const a = (await createAnalyzer()).analyze(path.join(INC, 'b.bpf.c'), `${HEAD}int f(struct task_struct *t) { int x = t->parent->pid; if (x) return t->\n}\n`, { includePaths: [INC] });
    assert.deepStrictEqual(a.sites.map((s) => `${s.localType} ${s.access}`), ['struct task_struct 0:2', 'struct task_struct 0:0']);
  });
});

describe('guards', () => {
  it('if/else, early return, ?:, &&, ||, !, and checks stored in a variable', async () => {
    const text = `${HEAD}struct task_struct___o { long state; } __attribute__((preserve_access_index));
int f(struct task_struct *t) {
  bool has = bpf_core_field_exists(t->__state);
  int a = has ? t->__state : 0;
  int b = !bpf_core_field_exists(t->parent) || t->parent->pid;
  if (!has) return BPF_CORE_READ((struct task_struct___o *)t, state);
  return t->__state + a + b;
}\n`;
    const a = (await createAnalyzer()).analyze(path.join(INC, 'g.bpf.c'), text, { includePaths: [INC] });
    const show = a.sites.map((s) => `${RELO_KIND_NAMES[s.kind]} ${s.localType} ${s.access} [${s.guards.map((g) => ('any' in g ? 'any' : `${g.when ? '' : '!'}${g.access}`)).join(',')}]`);
    assert.deepStrictEqual(show, [
      'field_exists struct task_struct 0:1 []',
      'byte_off struct task_struct 0:1 [0:1]',
      'field_exists struct task_struct 0:2 []',
      'byte_off struct task_struct 0:2 [0:2]',
      'byte_off struct task_struct 0:0 [0:2]',
      'byte_off struct task_struct___o 0:0 [!0:1]',
      'byte_off struct task_struct 0:1 [0:1]',
    ]);
  });
});
