// The raw CO-RE spots of one function (core.scm's captures, before the arch's macro table filters calls and names):
// the query answers the structural patterns, a scan of the function's text answers the identifier patterns.
//
// Why: core.scm's identifier patterns match every identifier of a function (`[A-Z_][A-Z0-9_]*` is tested on each),
// and web-tree-sitter turns every capture into a JS node object and reads its text before a regex can reject it:
// ≈14,000 of the big bench program's ≈20,600 captures were identifiers of which ≈2,000 are spots, and the query was
// ≈65–90 ms of a first analysis's main thread. The scan finds the few words of the text that may be such an
// identifier and asks the tree for the node there (one lookup each); the result is the very list the full query gave
// (server/test/source/spots-equal.test.ts compares them on every fixture, corpus and bench program).

import { CParserHandle, TsNode } from './parser';
import { RawSpot } from './sharedTrees';

/** Per identifier-pattern list: a test a word must pass for some identifier ending with it to match a pattern. */
const tails = new WeakMap<[string, RegExp][], RegExp | null>();

/**
 * A regex true of every word (maximal run of [A-Za-z0-9_]) whose identifier may match one of `idents`: each pattern
 * with its leading `^` dropped, so it matches a suffix of the word. Why a suffix: an identifier whose text matches an
 * ASCII pattern ends where its word ends (the lexer takes the longest identifier), but a token glued before it (a
 * number's suffix, `1uFOO`) may start the word. null when a pattern is not anchored at both ends (every word is then
 * looked up: slower, still exact).
 */
function tailTest(idents: [string, RegExp][]): RegExp | null {
  let t = tails.get(idents);
  if (t !== undefined) return t;
  t = idents.every(([, re]) => re.source.startsWith('^') && re.source.endsWith('$') && !re.flags.includes('m'))
    ? new RegExp(`(?:${idents.map(([, re]) => re.source.slice(1, -1)).join(')$|(?:')})$`)
    : null;
  tails.set(idents, t);
  return t;
}

/** A word: what an ASCII-only identifier's text is made of. */
const WORD = /[A-Za-z0-9_]+/g;

/**
 * The raw spots of function `node`, in the order core.scm's full query returns them. `text` holds the node's text
 * from offset `base` on (text.slice(node.startIndex - base, node.endIndex - base) is the function as parsed).
 */
export function rawSpots(h: CParserHandle, node: TsNode, text: string, base: number): RawSpot[] {
  const out: RawSpot[] = [];
  // the structural captures: member accesses, subscripts, calls, program macros
  for (const c of h.core.captures(node)) {
    if (c.name === 'core.call') {
      const call = c.node.parent ?? c.node;
      out.push({ name: c.name, text: text.slice(c.node.startIndex - base, c.node.endIndex - base), start: call.startIndex, end: call.endIndex });
    } else if (c.name === 'core.prog') {
      // the program macro's reads are attributed to the program name, its first argument
      const decl = c.node.parent ?? c.node;
      out.push({ name: c.name, start: decl.startIndex, end: decl.endIndex });
    } else if (c.name.startsWith('core.')) {
      // a CO-RE macro spans its invocation when tree-sitter could parse it as a call
      const n = c.node.type === 'identifier' && c.node.parent?.type === 'call_expression' ? c.node.parent : c.node;
      out.push({ name: c.name, start: n.startIndex, end: n.endIndex });
    }
  }
  const idents = identSpots(h, node, text, base);
  if (!idents.length) return out;
  // merged as the query orders captures: by start, the identifier pattern (core.scm's last) after the others
  const merged: RawSpot[] = [];
  let i = 0;
  for (const s of idents) {
    while (i < out.length && out[i]!.start <= s.start) merged.push(out[i++]!);
    merged.push(s);
  }
  while (i < out.length) merged.push(out[i++]!);
  return merged;
}

/** The spots of core.scm's identifier patterns (h.coreIdents) inside `node`, by start. */
function identSpots(h: CParserHandle, node: TsNode, text: string, base: number): RawSpot[] {
  const out: RawSpot[] = [];
  if (!h.coreIdents.length) return out;
  const tail = tailTest(h.coreIdents);
  const from = node.startIndex - base;
  const to = node.endIndex - base;
  WORD.lastIndex = from;
  for (let m = WORD.exec(text); m && m.index < to; m = WORD.exec(text)) {
    const end = Math.min(m.index + m[0].length, to);
    if (tail && !tail.test(end === m.index + m[0].length ? m[0] : m[0].slice(0, end - m.index))) continue;
    // the leaf holding the word's last character: the identifier, if one ends there
    const n = node.descendantForIndex(end - 1 + base, end + base);
    if (n.type !== 'identifier' || n.endIndex !== end + base) continue;
    const id = text.slice(n.startIndex - base, n.endIndex - base);
    for (const [name, re] of h.coreIdents) {
      if (!re.test(id)) continue;
      if (name === 'core.name') out.push({ name, text: id, start: n.startIndex, end: n.endIndex });
      else {
        // a CO-RE macro spans its invocation when tree-sitter could parse it as a call
        const p = n.parent;
        const s = p?.type === 'call_expression' ? p : n;
        out.push({ name, start: s.startIndex, end: s.endIndex });
      }
    }
  }
  return out;
}
