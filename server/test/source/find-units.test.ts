// findUnits (the analysis units: outermost function definitions with their SEC statement) walks the tree with a
// cursor; this compares it with the node-object walk it replaced, on every fixture and corpus program, on the big
// program, on broken texts (ERROR nodes) and on trees re-parsed incrementally after random edits.

import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { findUnits, Unit, unitsOf } from '../../src/source/analyzer';
import { CParserHandle, loadCParser, TsNode, TsTree } from '../../src/source/parser';
import { randomKeystroke } from '../support/typing';
import { writeBigProgram } from '../../bench/bigProgram';
import { FIXTURES } from '../support/paths';
import { Prng } from '../support/prng';

/** The walk findUnits used before the cursor (kept here as the reference). */
function referenceUnits(tree: TsTree, text: string): Unit[] {
  const fns: TsNode[] = [];
  const secs = new Set<number>();
  const stack: TsNode[] = [tree.rootNode];
  while (stack.length) {
    const n = stack.pop()!;
    if (n.type === 'function_definition') { fns.push(n); continue; }
    if (n.type === 'expression_statement') {
      const call = n.childCount ? n.children[0] : undefined;
      const callee = call?.type === 'call_expression' && call.childCount ? call.children[0] : undefined;
      if (callee?.type === 'identifier' && text.slice(callee.startIndex, callee.endIndex) === 'SEC') secs.add(n.id);
    }
    if (n.childCount) stack.push(...n.children);
  }
  return unitsOf(fns, secs, text);
}

const shape = (us: Unit[]) => us.map((u) => ({ start: u.start, end: u.end, text: u.text, env: u.env, node: [u.node.id, u.node.startIndex, u.node.endIndex] }));

function same(h: CParserHandle, tree: TsTree, text: string, what: string): number {
  const got = findUnits(h, tree, text);
  assert.deepStrictEqual(shape(got), shape(referenceUnits(tree, text)), what);
  return got.length;
}

describe('findUnits: cursor walk = node walk', function () {
  this.timeout(600_000);
  let h: CParserHandle;
  before(async () => { h = await loadCParser(); });

  it('every fixture and corpus program, whole and with random deletions (syntax errors)', () => {
    const dirs = [path.join(FIXTURES, 'programs'), path.join(FIXTURES, 'corpus')];
    const files = dirs.flatMap((d) => fs.readdirSync(d).filter((f) => f.endsWith('.bpf.c')).map((f) => path.join(d, f)));
    assert.ok(files.length > 40, `${files.length} programs`);
    const rnd = new Prng(12);
    let units = 0;
    let secs = 0;
    for (const f of files) {
      const text = fs.readFileSync(f, 'utf8');
      const t = h.parser.parse(text)!;
      units += same(h, t, text, f);
      secs += findUnits(h, t, text).filter((u) => /^SEC\(/.test(u.text)).length;
      t.delete();
      for (let k = 0; k < 3; k++) {
        // a few characters cut out: braces, parentheses and semicolons go missing, tree-sitter makes ERROR nodes
        const at = rnd.int(text.length);
        const broken = text.slice(0, at) + text.slice(at + 1 + rnd.int(40));
        const b = h.parser.parse(broken)!;
        same(h, b, broken, `${f} with a cut at ${at}`);
        b.delete();
      }
    }
    assert.ok(units > 200 && secs > 50, `${units} units, ${secs} with SEC`);
  });

  it('the big program, re-parsed incrementally after random edits', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'corelens-units-'));
    try {
      const big = writeBigProgram(dir);
      let text = big.text;
      let tree = h.parser.parse(text)!;
      assert.ok(same(h, tree, text, 'big program') >= 150);
      const rnd = new Prng(7);
      for (let i = 0; i < 40; i++) {
        // a character typed or deleted, a brace among them now and then (units appear, merge and split)
        const k = randomKeystroke(h, tree, text, rnd, ['x', '1', ' ', '\n', '{', '}', ';', '(', '']);
        ({ tree, text } = k);
        same(h, tree, text, `edit ${i} at ${k.at}`);
      }
      tree.delete();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
