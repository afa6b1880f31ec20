// C tokenizer for the live path: tokens carry document offsets so every site maps back to a source range.

export const enum Tk { Ident, Number, String, Char, Punct, Directive, Eof }

/**
 * Where the block comment whose body starts at `from` ends (just past its `*\/`), or `to` when its `*\/` does not
 * start before `to` (a `*\/` starting at `to - 1` counts, as it always did). Found by a global regular expression
 * (irregexp's native search): a plain loop over the characters, which runs in V8's interpreter in a one-shot CLI
 * process, was ~3 ms of a `sites` run on libbpf's comment-heavy bpf_helper_defs.h (150 KB of comments).
 * Not `indexOf('*\/', i)`: V8's optimised indexOf once became about a thousand times slower on a 3 MB vmlinux.h after
 * the same code had first run on many small headers (an analysis after a lazy-header pass took minutes); the
 * regular expression was measured where that showed (the lazy-header and local-BTF tests: 21 s and 8 s, as with the
 * loop) and on the small headers of /usr/include/linux tokenized three times before a 6 MB two-byte cons string of
 * all of them and vmlinux.h, whole and in 5,000-character pieces: no slower than the loop.
 */
export function commentEnd(s: string, from: number, to: number): number {
  END_RE.lastIndex = from;
  return END_RE.test(s) && END_RE.lastIndex - 2 < to ? END_RE.lastIndex : to;
}
/** `*\/`, searched from commentEnd's `from` (global: lastIndex is where the search starts and where the match ends). */
const END_RE = /\*\//g;

export interface Token {
  readonly t: Tk;
  readonly s: string;
  /** Offset of the first character in the file the token was read from. */
  readonly start: number;
  readonly end: number;
  /** For tokens produced by a macro expansion: offsets of the outermost invocation (clang's expansion location). */
  exp?: { start: number; end: number };
  /** Set on the first token of a line (directive detection). */
  bol?: boolean;
  /** Names of macros this token came from (stops recursive re-expansion). */
  hide?: ReadonlySet<string>;
  /** Inside `#pragma clang attribute push(__attribute__((preserve_access_index)))` (all of vmlinux.h). */
  pai?: boolean;
}

/** Loop-unroll pragmas (`#pragma unroll`, `#pragma clang loop unroll(full)`, `#pragma GCC unroll N`) attach to the
 * next token: the count asked (0 = full). A side table, so tokens keep their one shape. */
export const UNROLL = new WeakMap<Token, number>();

const PUNCTS = [
  '...', '<<=', '>>=', '->', '++', '--', '<<', '>>', '<=', '>=', '==', '!=', '&&', '||', '*=', '/=', '%=', '+=', '-=',
  '&=', '^=', '|=', '##',
];

/** Punctuators by first character: a lookup per punctuation token instead of a scan of every punctuator (the
 * lexer's hottest line on a 135k-line vmlinux.h). */
const PUNCT_BY_FIRST = new Map<number, string[]>();
for (const p of PUNCTS) {
  const c = p.charCodeAt(0);
  const l = PUNCT_BY_FIRST.get(c) ?? [];
  l.push(p);
  PUNCT_BY_FIRST.set(c, l);
}

/** Length of the punctuator at `i` (1 for a character that starts none of the longer ones). */
function punctLength(text: string, i: number, c: number): number {
  const cands = PUNCT_BY_FIRST.get(c);
  if (cands) for (const p of cands) if (text.startsWith(p, i)) return p.length;
  return 1;
}

function isIdStart(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 36;
}
function isIdPart(c: number): boolean {
  return isIdStart(c) || (c >= 48 && c <= 57);
}

/** Clang's Unicode whitespace (Lexer's UnicodeWhitespaceCharRanges): a no-break space after a `;` (lmp's
 * old_project write.bpf.c, `PT_REGS_PARM1(ctx);\u00a0`) is whitespace to clang, with a -Wunicode-whitespace warning. */
function unicodeSpace(c: number): boolean {
  return c === 0x85 || c === 0xa0 || c === 0x1680 || c === 0x180e || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000;
}

/** Tokenizes C text; comments vanish, line continuations are honoured, `bol` marks tokens that start a line.
 * `state`: the line state at `from` (default: a line's start), updated to the state at `to`, so that a text can be
 * tokenized piece by piece exactly as whole (lazyHeader.ts markerTokens). */
export function tokenize(text: string, from = 0, to = text.length, state?: { bol: boolean }): Token[] {
  const out: Token[] = [];
  let i = from;
  let bol = state ? state.bol : true;
  while (i < to) {
    const c = text.charCodeAt(i);
    if (c === 10) { bol = true; i++; continue; }
    if (c === 32 || c === 9 || c === 13 || c === 12 || c === 11) { i++; continue; }
    if (c > 127 && unicodeSpace(c)) { i++; continue; }
    if (c === 92 && (text.charCodeAt(i + 1) === 10 || (text.charCodeAt(i + 1) === 13 && text.charCodeAt(i + 2) === 10))) {
      i += text.charCodeAt(i + 1) === 10 ? 2 : 3;
      continue;
    }
    if (c === 47 && text.charCodeAt(i + 1) === 47) {
      while (i < to && text.charCodeAt(i) !== 10) {
        if (text.charCodeAt(i) === 92 && text.charCodeAt(i + 1) === 10) i++;
        i++;
      }
      continue;
    }
    if (c === 47 && text.charCodeAt(i + 1) === 42) {
      i = commentEnd(text, i + 2, to);
      continue;
    }
    const start = i;
    let t: Tk;
    if (isIdStart(c)) {
      while (i < to && isIdPart(text.charCodeAt(i))) i++;
      t = Tk.Ident;
    } else if ((c >= 48 && c <= 57) || (c === 46 && text.charCodeAt(i + 1) >= 48 && text.charCodeAt(i + 1) <= 57)) {
      while (i < to) {
        const d = text.charCodeAt(i);
        if (isIdPart(d) || d === 46) i++;
        else if ((d === 43 || d === 45) && /[eEpP]/.test(text[i - 1]!) && !/^0[xX][0-9a-fA-F]*$/.test(text.slice(start, i - 1) + '0')) i++;
        else break;
      }
      t = Tk.Number;
    } else if (c === 34 || c === 39) {
      i++;
      while (i < to && text.charCodeAt(i) !== c && text.charCodeAt(i) !== 10) {
        if (text.charCodeAt(i) === 92) i++;
        i++;
      }
      i++;
      t = c === 34 ? Tk.String : Tk.Char;
    } else if (c === 35 && bol) {
      i++;
      t = Tk.Directive;
    } else {
      i += punctLength(text, i, c);
      t = Tk.Punct;
    }
    if (i > to) i = to;
    // every field present from the start: one object shape, and no property store allocated per token when the
    // preprocessor marks it later (half a million tokens in a vmlinux.h)
    out.push({ t, s: text.slice(start, i), start, end: i, exp: undefined, bol, hide: undefined, pai: false });
    bol = false;
  }
  if (state) state.bol = bol;
  return out;
}

/** Maps offsets to 0-based line/character positions (LSP style). */
export class LineMap {
  private readonly starts: number[] = [0];
  constructor(text: string) {
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) this.starts.push(i + 1);
  }
  position(off: number): { line: number; character: number } {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= off) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo, character: off - this.starts[lo]! };
  }
}
