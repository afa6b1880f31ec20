// The document's function bodies preprocessed once for all arches (issue 12: the big program's first diagnostics).
// After the typings (sharedFunctions.ts), the second arch's largest cost was expanding the document's macros again:
// the same BPF_CORE_READ expansions, in the same bodies, with the same macro definitions.
//
// When is another arch's expansion of a body exactly ours? After the document's last directive line no macro is
// defined or undefined any more, so both arches expand the rest with their final macro tables. A body's expansion
// looks up the names its text spells, the names in the bodies of the macros those reach (transitively), and names
// that `##` pastes form. It is the same in both arches when none of these names is defined differently (`D`: the
// names whose definitions differ between the two tables, e.g. `__TARGET_ARCH_*`, `PT_REGS_*`, and every macro whose
// body reaches one, like BPF_KPROBE), and no paste can form a name of D. A pasted name is a concatenation of whole
// tokens (of the body text, or of the bodies of the macros met): when no name of D is such a concatenation, no paste
// can make one.
// `__COUNTER__` (its value depends on what ran before) and `_Pragma` (it can change the preserve_access_index
// region) keep a body per arch. The text outside bodies is still preprocessed by each arch (the bodies blanked out,
// offsets and lines kept), so a BPF_KPROBE declarator expands per arch; shared bodies' tokens are spliced in between
// their braces. The split at the last directive line needs no conditional open there (the nesting is textual: the
// same for every arch) and the same preserve_access_index pragma depth; a body with a preprocessor note stays per
// arch, and a run that hit a corelens limit is not recorded (the rest runs with an expansion bound of its own).
// Proof: server/test/source/shared-functions.test.ts (every fixture, corpus program and the big program, both arches
// sharing against analyses of their own: identical sites, notes, functions, plain accesses, local BTF).

import { Tk, Token, tokenize } from './lexer';
import { Macro, PreItem } from './preproc';

/** What one arch's preprocessing of a document left for the others. */
export interface BodyRecord {
  /** The document text it was made from. */
  text: string;
  /** Where the text after the last directive line starts. */
  from: number;
  /** The macro table after the document (a copy). */
  macros: Map<string, Macro>;
  /** Preserve_access_index pragma depth at the end of the document. */
  paiDepth: number;
  /** Per body interior start: the body's tokens (between its braces). */
  tokens: Map<number, Token[]>;
}

/** The document's function bodies for sharing, and the registry between the arches' analyzers. */
export interface DocBodies {
  /** Interiors of the document's function bodies (between the braces), sorted, disjoint (tree-sitter's units). */
  ranges: readonly { start: number; end: number }[];
  /** Another arch's record for this document, if any. */
  other(): BodyRecord | undefined;
  /** Keeps this arch's record for the others. */
  keep(r: BodyRecord): void;
  /** Says how many bodies were taken from another arch's record (tests, bench). */
  took(n: number): void;
}

/** The last definition each one was found alike to: a definition never changes once in a table, and the second arch
 * compares the same pairs (clang's predefined macros, a per-arch header's) once per header it includes. */
const alike = new WeakMap<Macro, Macro>();

/** Two macro definitions that expand alike (each analyzer defines its predefined macros as objects of its own). */
export function sameMacro(a: Macro | undefined, b: Macro | undefined): boolean {
  if (a === b) return true;
  if (!a || !b) return false;
  if (alike.get(a) === b) return true;
  if (!!a.variadic !== !!b.variadic || !!a.builtin !== !!b.builtin || (a.params?.join(',') ?? '-') !== (b.params?.join(',') ?? '-') || a.body.length !== b.body.length) return false;
  for (let i = 0; i < a.body.length; i++) if (a.body[i]!.s !== b.body[i]!.s || a.body[i]!.t !== b.body[i]!.t) return false;
  alike.set(a, b);
  return true;
}

/** Where the text after the last directive line starts (continuation lines included); 0 when there is none. */
export function afterLastDirective(text: string): number {
  let last = -1;
  for (const m of text.matchAll(/^[ \t]*#/gm)) last = m.index ?? last;
  if (last < 0) return 0;
  let i = last;
  for (;;) {
    const nl = text.indexOf('\n', i);
    if (nl < 0) return text.length;
    // a backslash before the newline continues the directive
    let k = nl - 1;
    if (text.charCodeAt(k) === 13) k--;
    if (text.charCodeAt(k) !== 92) return nl + 1;
    i = nl + 1;
  }
}

/** Where a token stands in the document: a macro's expansion stands at its invocation. */
const posOf = (t: Token): number => (t.exp ? t.exp.start : t.start);

/** Names whose expansion depends on what ran before, or that change the pragma state. */
const PER_ARCH = new Set(['__COUNTER__', '_Pragma', '__TIME__', '__DATE__', '__TIMESTAMP__']);

/** This arch's record of a document preprocessed in one run (`items` after `from`), for the other arches. */
export function recordBodies(text: string, from: number, items: readonly PreItem[], ranges: DocBodies['ranges'], macros: Map<string, Macro>,
  paiDepth: number, noteAt: readonly number[]): BodyRecord {
  const tokens = new Map<number, Token[]>();
  let i = 0;
  const at = (t: PreItem | undefined): t is Token => !!t && !('include' in t);
  for (const r of ranges) {
    if (r.start <= from) continue;
    // the `{` written before the interior, then tokens whose position lies inside, then the `}` after it
    while (i < items.length && !(at(items[i]) && posOf(items[i] as Token) >= r.start - 1)) i++;
    const open = items[i];
    if (!at(open) || open.start !== r.start - 1 || open.s !== '{' || open.exp) continue;
    let j = i + 1;
    for (; j < items.length; j++) {
      const t = items[j]!;
      if (!at(t)) break;
      const p = posOf(t);
      if (p < r.start || p >= r.end) break;
    }
    const close = items[j];
    const o = i;
    i = j;
    if (!at(close) || close.start !== r.end || close.s !== '}' || close.exp) continue;
    // a note the expansion made inside (a bound hit, an unterminated invocation) stays with the arch that made it
    if (noteAt.some((n) => n >= r.start && n < r.end)) continue;
    tokens.set(r.start, items.slice(o + 1, j) as Token[]);
  }
  return { text, from, macros: new Map(macros), paiDepth, tokens };
}

/**
 * The bodies this arch may take from `rec` (interior start -> tokens): `macros` is this arch's table after the text
 * before `from` was preprocessed. Empty when the record is for another text or another state.
 */
export function bodiesToShare(text: string, from: number, ranges: DocBodies['ranges'], rec: BodyRecord, macros: Map<string, Macro>, paiDepth: number): Map<number, Token[]> {
  const out = new Map<number, Token[]>();
  if (rec.text !== text || rec.from !== from || rec.paiDepth !== paiDepth || !rec.tokens.size) return out;
  const differ = new Set<string>();
  // forEach, not for-of over entries: thousands of macros (no entry pair and iterator result each)
  rec.macros.forEach((m, n) => { if (!sameMacro(m, macros.get(n))) differ.add(n); });
  macros.forEach((_, n) => { if (!rec.macros.has(n)) differ.add(n); });
  // a pasted name is a concatenation of whole tokens: of the body text, or of the bodies of the macros it reaches
  // (arguments are made of those too); only tokens that are part of a differing name can be its pieces
  const parts = new Set<string>();
  for (const d of differ) for (let a = 0; a < d.length; a++) for (let b = a + 1; b <= d.length; b++) parts.add(d.slice(a, b));
  /** Per macro: every macro its expansion may meet (itself included), and the tokens of their bodies that are parts
   * of differing names. Each computed whole (a walk of its own), so a cycle leaves nothing out. */
  const memo = new Map<string, { risky: boolean; pieces: Set<string> }>();
  const closure = (name: string): { risky: boolean; pieces: Set<string> } => {
    const have = memo.get(name);
    if (have) return have;
    const r = { risky: false, pieces: new Set<string>() };
    const seen = new Set<string>([name]);
    const todo = [name];
    while (todo.length && !r.risky) {
      const n = todo.pop()!;
      if (differ.has(n) || PER_ARCH.has(n)) { r.risky = true; break; }
      const m = macros.get(n);
      if (!m) continue;
      const params = new Set(m.params ?? []);
      if (m.variadic) params.add('__VA_ARGS__');
      for (const t of m.body) {
        if ((t.t !== Tk.Ident && t.t !== Tk.Number) || params.has(t.s)) continue;
        if (parts.has(t.s)) r.pieces.add(t.s);
        if (t.t === Tk.Ident && !seen.has(t.s)) { seen.add(t.s); todo.push(t.s); }
      }
    }
    memo.set(name, r);
    return r;
  };
  /** Whether some differing name is a concatenation of `pieces`. */
  const formable = (pieces: Set<string>): boolean => {
    if (!pieces.size) return false;
    for (const d of differ) {
      const ok: boolean[] = [true];
      for (let a = 0; a < d.length; a++) {
        if (!ok[a]) continue;
        for (let b = a + 1; b <= d.length; b++) if (pieces.has(d.slice(a, b))) ok[b] = true;
      }
      if (ok[d.length]) return true;
    }
    return false;
  };
  for (const r of ranges) {
    const toks = rec.tokens.get(r.start);
    if (!toks || r.start <= from) continue;
    let ok = true;
    const pieces = new Set<string>();
    const body = tokenize(text, r.start, r.end);
    for (let k = 0; k < body.length; k++) {
      const t = body[k]!;
      if (t.t !== Tk.Ident && t.t !== Tk.Number) continue;
      if (parts.has(t.s)) pieces.add(t.s);
      if (t.t !== Tk.Ident) continue;
      const c = closure(t.s);
      if (c.risky) { ok = false; break; }
      for (const p of c.pieces) pieces.add(p);
    }
    if (ok && !formable(pieces)) out.set(r.start, toks);
  }
  return out;
}

/** `s` with every character but a newline a space (what `s.replace(/[^\n]/g, ' ')` gives: the same code units,
 * counted per line), a line at a time: the global regular expression took ≈ 4× as long on a first analysis. */
export function blank(s: string): string {
  const lines = s.split('\n');
  for (let i = 0; i < lines.length; i++) lines[i] = ' '.repeat(lines[i]!.length);
  return lines.join('\n');
}

/** `text` with the shared bodies' interiors blanked (line breaks kept, so offsets, lines and `bol` stay). */
export function blankBodies(text: string, ranges: DocBodies['ranges'], shared: Map<number, Token[]>): string {
  const parts: string[] = [];
  let at = 0;
  for (const r of ranges) {
    if (!shared.has(r.start)) continue;
    parts.push(text.slice(at, r.start));
    parts.push(blank(text.slice(r.start, r.end)));
    at = r.end;
  }
  parts.push(text.slice(at));
  return parts.join('');
}

/** The items of the blanked text's run with each shared body's tokens put back between its braces; undefined when a
 * brace is not where the body's record says (the caller then runs the text itself). */
export function spliceBodies(items: readonly PreItem[], ranges: DocBodies['ranges'], shared: Map<number, Token[]>): PreItem[] | undefined {
  const out: PreItem[] = [];
  const want = ranges.filter((r) => shared.has(r.start));
  let w = 0;
  for (let i = 0; i < items.length; i++) {
    const t = items[i]!;
    out.push(t);
    const r = want[w];
    if (!r || 'include' in t) continue;
    if (posOf(t) >= r.start) return undefined;
    if (t.start === r.start - 1 && t.s === '{' && !t.exp) {
      const close = items[i + 1];
      if (!close || 'include' in close || close.start !== r.end || close.s !== '}' || close.exp) return undefined;
      const body = shared.get(r.start)!;
      for (let k = 0; k < body.length; k++) out.push(body[k]!);
      w++;
    }
  }
  return w === want.length ? out : undefined;
}
