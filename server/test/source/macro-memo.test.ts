// Replayed macro expansions (source/preproc.ts, Expansion) are exactly what expanding gives: token by token (spelling,
// kind, positions, expansion ranges, hide sets, the preserve_access_index flag, line starts, unroll counts) on the
// shapes where a replay could go wrong, and analysis by analysis on every fixture and corpus program and the big
// program, both arches, against preprocessors that expand every invocation.

import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { createAnalyzer } from '../../src/source/analyzer';
import { UNROLL, Token } from '../../src/source/lexer';
import { PreItem, Preprocessor, macroMemoStats, setMacroMemo } from '../../src/source/preproc';
import { assertSameAnalyses, withEveryProgram } from '../support/analysisShapes';

/** Everything a consumer can read of a preprocessed token stream, as one string per token. */
function shapes(items: PreItem[]): string[] {
  return items.map((x) => {
    if ('include' in x) return `include ${x.include.name}`;
    const t = x as Token;
    return JSON.stringify([t.t, t.s, t.start, t.end, t.exp ? [t.exp.start, t.exp.end] : null, t.hide ? [...t.hide].sort() : null,
      !!t.pai, !!t.bol, UNROLL.get(t) ?? null]);
  });
}

/** Preprocesses `text` with the memo on or off; the notes and `##` spellings too. */
function run(text: string, memo: boolean): { toks: string[]; notes: string; pasted: string[] } {
  setMacroMemo(memo);
  try {
    const pre = new Preprocessor();
    pre.pasted = new Set();
    const toks = shapes(pre.run(text, { onInclude: () => undefined }));
    return { toks, notes: JSON.stringify(pre.notes), pasted: [...pre.pasted].sort() };
  } finally {
    setMacroMemo(true);
  }
}

/** Expands with and without the memo: the same; and says how many replays the memo made. */
function same(text: string): number {
  const off = run(text, false);
  const r0 = macroMemoStats.replayed;
  const on = run(text, true);
  assert.deepStrictEqual(on.toks, off.toks);
  assert.strictEqual(on.notes, off.notes);
  assert.deepStrictEqual(on.pasted, off.pasted);
  return macroMemoStats.replayed - r0;
}

describe('replayed macro expansions equal expanding', function () {
  this.timeout(600_000);

  it('libbpf-style reads repeated: replayed, with the positions of each copy', () => {
    const text = [
      '#define ___concat(a, b) a##b',
      '#define ___apply(fn, n) ___concat(fn, n)',
      '#define ___nth(_1, _2, _3, N, ...) N',
      '#define ___narg(...) ___nth(_, ##__VA_ARGS__, 2, 1, 0)',
      '#define ___read1(s, a) __builtin_preserve_access_index(&((typeof(s))(s))->a)',
      '#define ___read2(s, a, b) ___read1(___read1(s, a), b)',
      '#define READ(s, ...) ({ typeof(s) __r; bpf_core_read(&__r, sizeof(__r), ___apply(___read, ___narg(__VA_ARGS__))(s, __VA_ARGS__)); __r; })',
      '#define STR(x) #x',
      'int f(struct task_struct *task) {',
      '  int a = READ(task, tgid);',
      '  int b = READ(task, tgid);',
      '  int c = READ(task,   tgid) + READ(task, real_parent, tgid);',
      '    int d = READ(task, real_parent, tgid); const char *s = STR(task->pid); const char *t = STR(task->pid);',
      '  return a + b + c + d + READ(task, tgid);',
      '}',
    ].join('\n');
    assert.ok(same(text) >= 4, 'replays happened');
  });

  it('an expansion ending in a function-like name takes its arguments from after the invocation', () => {
    // the peek at the token after the invocation: never replayed across a different next token
    assert.strictEqual(same([
      '#define F(x) G', '#define G(y) [y]', '#define H G',
      'F(1) (2); F(1); F(1) (3); H (4); H; H (5); F(1) x; F(1) (6);',
    ].join('\n')), 0);
    // a function-like name hidden at the end is no peek, but it is kept conservative: still expanded each time
    same(['#define R(x) R(x)', 'R(1) (2); R(1); R(1) (2);'].join('\n'));
  });

  it('an expansion that reads on past its own tokens, and _Pragma at the end of one', () => {
    same([
      '#define OPEN f(', '#define f(a, b) <a|b>', 'OPEN 1, 2); OPEN 1, 2); OPEN 3, 4);',
      '#define P _Pragma', 'P("unroll") x; P("unroll") x; P y;',
    ].join('\n'));
  });

  it('macros redefined or undefined between two invocations', () => {
    assert.ok(same([
      '#define A(x) (x + 1)', 'A(1); A(1);', '#undef A', 'A(1);', '#define A(x) (x + 2)', 'A(1); A(1);',
      '#define B C', '#define C 1', 'B; B;', '#undef C', '#define C 2', 'B; B;',
    ].join('\n')) >= 3);
  });

  it('GNU comma paste, stringizing, pastes forming names, nested invocations in arguments', () => {
    const n = same([
      '#define E(fmt, ...) call(fmt, ##__VA_ARGS__)', '#define S(x) #x', '#define CAT(a, b) a ## b', '#define ONE 1',
      '#define X_1 one', '#define PICK(n) CAT(X_, n)', '#define TWICE(x) x x',
      'E("a"); E("a"); E("a", 1, 2); E("a", 1, 2); S(a  +  b); S(a + b); S(a+b);',
      'CAT(x, y); CAT(x, y); PICK(1); PICK(1); PICK(ONE); TWICE(E("b", ONE)); TWICE(E("b", ONE)); TWICE(S(ONE)) TWICE(S(ONE))',
    ].join('\n'));
    assert.ok(n >= 6, `${n} replays`);
  });

  it('inside and outside a preserve_access_index region, and unroll pragmas on the tokens of an invocation', () => {
    same([
      '#define R(p, f) __builtin_preserve_access_index(&(p)->f)', 'R(a, b); R(a, b);',
      '#pragma clang attribute push(__attribute__((preserve_access_index)), apply_to = record)',
      'R(a, b); R(a, b);', '#pragma clang attribute pop', 'R(a, b);',
      '#define LOOP(n) for (int i = 0; i < n; i++) body(i)', '#pragma unroll', 'LOOP(4); LOOP(4);', '#pragma unroll', 'LOOP(4);',
    ].join('\n'));
  });

  it('unbalanced and hostile input: the same notes and limits', () => {
    same(['#define F(x) (x)', 'F(1; F((1); F(1)); F(1)); F(', '#define A1 A0 A0', '#define A0 x', 'A1 A1'].join('\n'));
    const lines = ['#define A0 x'];
    for (let i = 1; i <= 17; i++) lines.push(`#define A${i} A${i - 1} A${i - 1}`);
    lines.push('A17; A17;');
    same(lines.join('\n'));
  });

  it('every fixture and corpus program and the big program, both arches: the same analyses', async () => {
    const r0 = macroMemoStats.replayed;
    try {
      await withEveryProgram('corelens-memo-', async (programs) => {
        for (const arch of ['x86', 'arm64']) {
          setMacroMemo(false);
          const off = await createAnalyzer({ defines: [`__TARGET_ARCH_${arch}`] });
          setMacroMemo(true);
          const on = await createAnalyzer({ defines: [`__TARGET_ARCH_${arch}`] });
          for (const { file: f, includePaths: inc } of programs) {
            const text = fs.readFileSync(f, 'utf8');
            setMacroMemo(false);
            const want = off.analyze(f, text, { includePaths: inc });
            setMacroMemo(true);
            assertSameAnalyses(`${path.basename(f)} ${arch}`, on.analyze(f, text, { includePaths: inc }), want, 'with replayed expansions');
            off.close(f);
            on.close(f);
          }
        }
      });
      assert.ok(macroMemoStats.replayed - r0 > 1000, `expansions replayed: ${macroMemoStats.replayed - r0}`);
    } finally {
      setMacroMemo(true);
    }
  });
});
