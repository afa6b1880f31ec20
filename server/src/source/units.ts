// The analysis units of a document: its outermost function definitions as tree-sitter sees them, each with the
// `SEC("...")` statement before it. Its own module (out of analyzer.ts) so the worker of ahead.ts finds the same units
// without loading the whole analyzer.

import { CParserHandle, TsNode, TsTree } from './parser';

/** A top-level function definition as tree-sitter sees it (with the SEC statement before it). */
export interface Unit { start: number; end: number; text: string; node: TsNode; env: boolean }

/** Top-level function definitions (outermost ones) from structure.scm, each extended over the SEC() before it.
 * Exported for the test that compares it with the node-object walk it replaced. */
export function findUnits(h: CParserHandle, tree: TsTree | undefined, text: string): Unit[] {
  if (!tree) return [];
  const fns: TsNode[] = [];
  const secs = new Set<number>();
  // What structure.scm's function and sec patterns capture, found by a walk that never enters a function body: the
  // query visited every node of every body on each edit (a tenth of an edit's time on an 8,000-line program), and
  // only the outermost definitions are kept anyway.
  void h;
  // A cursor walk: reading a node's children as objects (`children`) unmarshals every child of every top-level
  // declaration, which made this walk a seventh of an edit's analysis; the cursor reads type ids only, and makes a
  // node object for the definitions and SEC statements alone. Same nodes visited as the object walk (every child,
  // named or not, of every node but a function definition).
  const cur = tree.walk();
  try {
    const fnType = 'function_definition';
    for (;;) {
      const type = cur.nodeType;
      let descend = true;
      if (type === fnType) {
        fns.push(cur.currentNode);
        descend = false;
      } else if (type === 'expression_statement') {
        const id = cur.nodeId;
        if (cur.gotoFirstChild()) {
          if (cur.nodeType === 'call_expression' && cur.gotoFirstChild()) {
            if ((cur.nodeType as string) === 'identifier') {
              const callee = cur.currentNode;
              if (text.slice(callee.startIndex, callee.endIndex) === 'SEC') secs.add(id);
            }
            cur.gotoParent();
          }
          cur.gotoParent();
        }
      }
      if (descend && cur.gotoFirstChild()) continue;
      // next: a sibling, else the sibling of the nearest ancestor that has one
      let done = false;
      while (!cur.gotoNextSibling()) {
        if (!cur.gotoParent()) { done = true; break; }
      }
      if (done) break;
    }
  } finally {
    cur.delete();
  }
  return unitsOf(fns, secs, text);
}

/** The units from the function definitions and SEC statements a walk found: the outermost definitions, each with
 * the SEC statement just before it (comments between allowed). Shared with the walk's reference test. */
export function unitsOf(fns: TsNode[], secs: ReadonlySet<number>, text: string): Unit[] {
  fns.sort((a, b) => a.startIndex - b.startIndex || b.endIndex - a.endIndex);
  const units: Unit[] = [];
  let lastEnd = -1;
  for (const n of fns) {
    if (n.startIndex < lastEnd) continue;
    lastEnd = n.endIndex;
    let start = n.startIndex;
    let prev = n.previousSibling;
    while (prev && prev.type === 'comment') prev = prev.previousSibling;
    if (prev && secs.has(prev.id) && prev.startIndex > (units[units.length - 1]?.end ?? -1)) start = prev.startIndex;
    const body = text.slice(start, n.endIndex);
    // a function holding directives changes the macro state: it belongs to the environment, not a unit
    units.push({ start, end: n.endIndex, text: body, node: n, env: /^[ \t]*#/m.test(body) });
  }
  return units;
}
