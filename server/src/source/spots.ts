// The raw CO-RE spots of one function (core.scm's captures, before the arch's macro table filters calls and names),
// found without running core.scm's query on an error-free function.
//
// Why: the query walks every node of every function in wasm, and web-tree-sitter turns every capture into a JS node
// object (its identifier patterns match every identifier: ≈14,000 of the big bench program's ≈20,600 captures, of
// which ≈2,000 are spots); that was ≈65–90 ms of a first analysis's main thread. The scan finds the few places of
// the text where a capture may be (`->`, `.`, `[`, a word before `(`, a word an identifier pattern may match) and
// asks the tree for the node there, one lookup each. Functions with syntax errors keep the query (for its structural
// patterns) plus the word scan. Either way the result is the very list, in the very order, the full query gave
// (server/test/source/spots-equal.test.ts compares them on every C fixture, with cuts, and on the big program).

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
 * `defer`: a word only the generic name pattern (core.name) may match, followed by no `(`, is left as a `core.word`
 * spot, its tree lookup not made (see deferNames).
 */
export function rawSpots(h: CParserHandle, node: TsNode, text: string, base: number, defer = false): RawSpot[] {
  // hostile nesting (`F(F(F(..)))` 20,000 deep): each lookup below walks the tree from its root, so a function this
  // deep is one spot, typed whole (a spot only says which functions to type and where a site may come from; the
  // preprocessor's limits then cut what it expands). Linear, where per-word lookups were quadratic (43 s at 20,000).
  if (nestingDepth(text, node.startIndex - base, node.endIndex - base) > DEEP_NESTING) {
    return [{ name: 'core.deep', start: node.startIndex, end: node.endIndex }];
  }
  const prog = knownPatterns(h);
  // a tree with errors may hold MISSING tokens (an operator or a parenthesis of zero width), which the scan cannot
  // see: the query answers those functions. Only those: an ERROR node holds real tokens, and the nodes around them
  // are the ones the query captures (the scan asks the tree for the node at each token); a BPF program's
  // `SEC("...")` line before its function is one (no `;` after it), so most programs' functions have one, and asking
  // the query compiled it (~6 ms of every `corelens sites` run) and walked each such function's every node.
  // CORELENS_SCAN_ERROR_TREES=0: every function with an error goes to the query, as before.
  if (prog && !(node.hasError && (!SCAN_ERROR_TREES.value || hasMissing(node)))) {
    spotStats.scanned++;
    return scanSpots(h, node, text, base, prog, defer && deferNames.on);
  }
  spotStats.queried++;
  return querySpots(h, node, text, base);
}

/** Whether the scan answers functions whose tree has ERROR nodes but no MISSING token (see rawSpots). */
export const SCAN_ERROR_TREES = { value: process.env.CORELENS_SCAN_ERROR_TREES !== '0' };

/** Whether `n`'s tree holds a MISSING token (tree-sitter's zero-width insertion): only subtrees with an error are
 * walked (a missing token counts as one for each of its ancestors). */
function hasMissing(n: TsNode): boolean {
  if (n.isMissing) return true;
  if (!n.hasError) return false;
  for (const c of n.children) if (c.hasError && hasMissing(c)) return true;
  return false;
}

/** Parenthesis, bracket and brace nesting past which a function is one spot (no real BPF function comes close). */
export const DEEP_NESTING = 512;

/** The deepest nesting of (), [] and {} in text[from, to) (comments and strings counted too: only ever deeper). */
function nestingDepth(text: string, from: number, to: number): number {
  let d = 0;
  let max = 0;
  for (let i = Math.max(0, from); i < to && i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 40 || c === 91 || c === 123) { if (++d > max) max = d; }
    else if ((c === 41 || c === 93 || c === 125) && d > 0) d--;
  }
  return max;
}

/** Functions answered by the scan and by the query (the equality test checks both paths ran). */
export const spotStats = { scanned: 0, queried: 0 };

/** The structural patterns of core.scm the scan answers, as normalised text; the program-macro regex is group 1. */
const KNOWN = /^\(field_expression\) @core\.member \(function_declarator declarator: \(identifier\) @core\.prog \(#match\? @core\.prog "([^"\\]*)"\)\) \(call_expression function: \(identifier\) @core\.call\) \(subscript_expression\) @core\.index \(offsetof_expression\) @core\.offsetof$/;
const known = new WeakMap<CParserHandle, RegExp | null>();

/** The program-macro regex when core.scm's structural patterns are exactly those scanSpots answers, else null (an
 * edited core.scm is then answered by the query, never by a scan that no longer matches it). */
function knownPatterns(h: CParserHandle): RegExp | null {
  let k = known.get(h);
  if (k !== undefined) return k;
  const m = KNOWN.exec(h.coreSource.replace(/;[^\n]*/g, '').replace(/\s+/g, ' ').trim());
  k = m && tailTest(h.coreIdents) ? new RegExp(m[1]!) : null;
  known.set(h, k);
  return k;
}

/** Where a member access, a subscript or a call's parenthesis may be. */
const PUNCT = /->|\.|\[/g;
/** A word followed by `(`, or by what may come before it (whitespace of any kind; a comment, a line continuation or a
 * directive, by their first character): a call's identifier or a function declarator's name may end there. */
const PAREN = /(?<![A-Za-z0-9_])[A-Za-z0-9_]+(?=[\s\u0085]*[(/\\#])/g;
const namedRes = new WeakMap<[string, RegExp][], RegExp>();
/** The words (whole) with a tail some identifier pattern matches (see tailTest): one native scan instead of a test
 * per word in JavaScript. Only called when tailTest is not null (every pattern anchored). */
function namedWords(idents: [string, RegExp][]): RegExp {
  let r = namedRes.get(idents);
  if (!r) {
    r = new RegExp(`(?<![A-Za-z0-9_])[A-Za-z0-9_]*?(?:(?:${idents.map(([, re]) => re.source.slice(1, -1)).join(')|(?:')}))(?![A-Za-z0-9_])`, 'g');
    namedRes.set(idents, r);
  }
  return r;
}

/** Deferred name spots (rawSpots' `defer`): the generic name pattern matches nearly every identifier of a function
 * (≈12,000 of the big bench program's ≈18,500 raw spots), and each took a tree lookup (a wasm call and a node object)
 * though the arch's macro table then keeps only the few names that are macros which may expand to CO-RE. A deferred
 * word is looked up only when its name passes that filter (resolveWord). CORELENS_DEFER_NAMES=0 looks every word up
 * at once, as before (tests compare). */
export const deferNames = { on: process.env.CORELENS_DEFER_NAMES !== '0' };

/** [A-Za-z0-9_]: a character of a word (WORD), by code. */
const isWordChar = (c: number): boolean => (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;

const othersOf = new WeakMap<[string, RegExp][], { name: RegExp; rest: RegExp } | null>();
/** The name pattern, and one regex of every other identifier pattern (null: no core.name pattern to defer). */
function otherIdents(idents: [string, RegExp][]): { name: RegExp; rest: RegExp } | undefined {
  let o = othersOf.get(idents);
  if (o === undefined) {
    const name = idents.find(([n]) => n === 'core.name')?.[1];
    const rest = idents.filter(([n]) => n !== 'core.name').map(([, re]) => `(?:${re.source})`);
    // flags would not carry over to the joined regex (and a global one keeps state between tests): none, or no deferring
    o = name && idents.every(([, re]) => re.flags === '') ? { name, rest: rest.length ? new RegExp(rest.join('|')) : /(?!)/ } : null;
    othersOf.set(idents, o);
  }
  return o ?? undefined;
}

/** What the tree says of a deferred word: its core.name spot when an identifier of the function ends at its end (the
 * very spot the scan would have made), else undefined. Kept per spot object: every arch asks the same tree. */
export function resolveWord(node: TsNode, w: RawSpot): RawSpot | undefined {
  let r = resolved.get(w);
  if (r === undefined) {
    const n = node.descendantForIndex(w.end - 1, w.end);
    r = n.type === 'identifier' && n.endIndex === w.end && n.startIndex === w.start ? { name: 'core.name', text: w.text, start: w.start, end: w.end } : null;
    resolved.set(w, r);
  }
  return r ?? undefined;
}
const resolved = new WeakMap<RawSpot, RawSpot | null>();

/** A spot with what orders it as the query would: the captured node's span (`at`, `ce`: the identifier for calls,
 * program macros and identifier patterns), then the pattern's index in core.scm. */
interface Ordered { s: RawSpot; at: number; ce: number; pat: number; seq: number }

/**
 * The spots of an error-free function without running the query (its walk of every node of every function was most
 * of the spot step): member accesses and subscripts from each `->`, `.` and `[` of the text, calls and program macros
 * from each word followed by `(`, the identifier patterns from the words that may match one; each asks the tree for
 * the node there (the smallest named node around an operator is its expression; the leaf ending a word is the
 * identifier, if one ends there). Every field_expression and subscript_expression has its operator token, and only
 * whitespace, comments and line continuations separate a call's identifier from its `(`: nothing is missed.
 */
function scanSpots(h: CParserHandle, node: TsNode, text: string, base: number, prog: RegExp, defer: boolean): RawSpot[] {
  const items: Ordered[] = [];
  const from = node.startIndex - base;
  const to = node.endIndex - base;
  PUNCT.lastIndex = from;
  for (let m = PUNCT.exec(text); m && m.index < to; m = PUNCT.exec(text)) {
    const n = node.namedDescendantForIndex(m.index + base, m.index + m[0].length + base);
    if (m[0] === '[' ? n.type === 'subscript_expression' : n.type === 'field_expression') {
      const e = n.endIndex;
      items.push({ s: { name: m[0] === '[' ? 'core.index' : 'core.member', start: n.startIndex, end: e }, at: n.startIndex, ce: e, pat: m[0] === '[' ? 3 : 0, seq: items.length });
    }
  }
  // the words followed by `(` (calls, program macros; conservatively also by a comment, a line continuation or a
  // directive), and the words some identifier pattern may match, by the position they end at (1: paren, 2: named)
  // by `test` and lastIndex (the word's end), no match array per word; a word ending past `to` is dropped below (the
  // scan stops at the first: every later word ends later)
  const cands = new Map<number, number>();
  PAREN.lastIndex = from;
  while (PAREN.test(text) && PAREN.lastIndex <= to) cands.set(PAREN.lastIndex, 1);
  const named = namedWords(h.coreIdents);
  named.lastIndex = from;
  while (named.test(text) && named.lastIndex <= to) {
    const e = named.lastIndex;
    cands.set(e, (cands.get(e) ?? 0) | 2);
  }
  // forEach, not for-of over entries: no entry pair and iterator result allocated per candidate (this runs once per
  // function of a first analysis, mostly before the JIT has optimised it)
  const others = defer ? otherIdents(h.coreIdents) : undefined;
  cands.forEach((flags, end) => {
    if (end > to) return;
    const paren = (flags & 1) !== 0;
    if (others && !paren) {
      // a word starting with a letter or `_` after a character no identifier holds: if the tree has an identifier
      // ending at its end, that identifier is the word itself, so its core.name spot is the word's (deferNames)
      let ws = end;
      while (ws > 0 && isWordChar(text.charCodeAt(ws - 1))) ws--;
      const c0 = text.charCodeAt(ws);
      let before = ws > 0 ? text.charCodeAt(ws - 1) : 32;
      // a line continuation before the word joins it to what precedes (`FOO\<newline>BAR` may be one identifier)
      if (before === 10 || before === 13) {
        let k = ws - 1;
        if (before === 10 && text.charCodeAt(k - 1) === 13) k--;
        if (text.charCodeAt(k - 1) === 92) before = 92;
      }
      const word = text.slice(ws, end);
      if (ws >= from && !(c0 >= 48 && c0 <= 57) && before !== 36 && before !== 92 && before < 128 && others.name.test(word) && !others.rest.test(word)) {
        items.push({ s: { name: 'core.word', text: word, start: ws + base, end: end + base }, at: ws + base, ce: end + base, pat: 5, seq: items.length });
        return;
      }
    }
    // the leaf holding the word's last character: the identifier, if one ends there (it goes on past the word only
    // through a `$`, a `\\u` escape or a non-ASCII character)
    const n = node.descendantForIndex(end - 1 + base, end + base);
    if (n.type !== 'identifier') {
      // `offsetof(` is the keyword opening an offsetof_expression (core.scm's last structural pattern)
      if (paren && n.type === 'offsetof' && n.endIndex === end + base && n.parent?.type === 'offsetof_expression') {
        const p = n.parent;
        items.push({ s: { name: 'core.offsetof', start: p.startIndex, end: p.endIndex }, at: p.startIndex, ce: p.endIndex, pat: 4, seq: items.length });
      }
      return;
    }
    const after = text.charCodeAt(end);
    if ((after === 36 || after === 92 || after >= 128) && n.endIndex !== end + base) return;
    const id = text.slice(n.startIndex - base, end);
    const ne = end + base;
    let p: TsNode | null | undefined;
    let pt: string | undefined;
    if (paren) {
      // the identifier first in its parent: a call's function, a function declarator's name
      p = n.parent;
      pt = p?.type;
      if (p && p.startIndex === n.startIndex) {
        if (pt === 'call_expression') items.push({ s: { name: 'core.call', text: id, start: p.startIndex, end: p.endIndex }, at: n.startIndex, ce: ne, pat: 2, seq: items.length });
        else if (pt === 'function_declarator' && prog.test(id)) items.push({ s: { name: 'core.prog', start: p.startIndex, end: p.endIndex }, at: n.startIndex, ce: ne, pat: 1, seq: items.length });
      }
    }
    if (!(flags & 2)) return;
    const idents = h.coreIdents;
    for (let k = 0; k < idents.length; k++) {
      const name = idents[k]![0];
      if (!idents[k]![1].test(id)) continue;
      if (name === 'core.name') items.push({ s: { name, text: id, start: n.startIndex, end: ne }, at: n.startIndex, ce: ne, pat: 5, seq: items.length });
      else {
        // a CO-RE macro spans its invocation when tree-sitter could parse it as a call
        if (p === undefined) { p = n.parent; pt = p?.type; }
        const call = pt === 'call_expression' ? p! : undefined;
        items.push({ s: { name, start: call ? call.startIndex : n.startIndex, end: call ? call.endIndex : ne }, at: n.startIndex, ce: ne, pat: 5, seq: items.length });
      }
    }
  });
  // the query's order: the captured nodes in pre-order (by start, the outer of two first), one node's captures by
  // pattern, the identifier patterns in core.scm's order
  items.sort((a, b) => a.at - b.at || b.ce - a.ce || a.pat - b.pat || a.seq - b.seq);
  return items.map((x) => x.s);
}

/** The spots by the query (its structural patterns) and the identifier scan, merged. */
function querySpots(h: CParserHandle, node: TsNode, text: string, base: number): RawSpot[] {
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
