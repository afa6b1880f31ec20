// Lazy declaration parsing for big headers (a 135k-line vmlinux.h): only the declarations a program reaches are
// tokenized, expanded and parsed.
//
// Why: parsing all of a bpftool-generated vmlinux.h was ~90% of a cold `sites` run, while a program reaches a few
// hundred of its ~9,000 records. Why lazy parsing rather than taking the types from the BTF the header came from: a
// vmlinux.h does not say which BTF it came from (a fingerprint would need the user's targets, and fail for a header
// from a kernel nobody configured), hand-written big headers exist too, and lazy parsing keeps the one C front end,
// so its output is the full parse's by construction (a test compares both on every fixture and corpus program).
//
// How. A cheap scan of the raw text (no token objects) splits the header into top-level declarations. A *pure tag
// definition* — `struct|union|enum [NAME] { ... } [__attribute__((...))] ;` — is set aside and replaced in the text
// by a short marker of the same length (so are typedefs whose name is certain, and forward declarations such a
// definition makes redundant: setAsideForward); everything else (prototypes, functions, directives) is
// preprocessed and parsed in order as before. The preprocessor thus decides, per marker, whether the definition is
// in an active conditional branch and inside a preserve_access_index pragma region. A lookup of a set-aside tag
// returns a placeholder record whose first read of any layout property parses the definition (into the same
// object, which the C parser completes like a forward-declared record); a lookup of an enumerator parses its enum.
//
// Eligible headers (else the full parse runs): no #include, no #define/#undef after the first set-aside definition
// (so one macro snapshot serves every later parse), no directive inside a set-aside definition, no tag defined
// twice, and nothing declared by the includers before the header (its lookups then see exactly the headers before
// it, as in the full parse). Assumption, written down: macros used inside a record body do not expand to `;`, `{`,
// `}` (the scan reads the unexpanded text); true of every header we know, and of all C that declares types.

import * as path from 'path';
import { CParser, TypeEnv, isPending } from './cparse';
import { CType, EnumT, Record } from './ctypes';
import { Tk, Token, commentEnd, tokenize } from './lexer';
import { Macro, PreOptions, Preprocessor } from './preproc';
import { Code, WASM_PAGE, WasmMemory, builtModule, flatten, oneFunctionModule, op, wasmApi } from '../util/wasm';
import type { DeclRunner, RunOut } from './wasmScan';

/** Headers smaller than this are parsed in full (lazy parsing pays off on big generated headers only). */
export const LAZY_MIN_BYTES = { value: 256 * 1024 };

/** Counters for the bench and tests: definitions set aside and parsed, and those the scan's fast path took, since
 * the process started. */
export const lazyStats = { setAside: 0, parsed: 0, fast: 0, wasmSlots: 0, wasmScan: 0, wasmTypedefs: 0, wasmLookups: 0 };

/** A set-aside definition. */
interface LazyDecl {
  start: number;
  end: number;
  /** 0: not parsed yet; 1: parsed (or being parsed). */
  state: number;
  /** In an active branch (decided by the preprocessor's run over the marker text). */
  active: boolean;
  pai: boolean;
  /** The name a set-aside typedef declares. */
  name: string | undefined;
  /** Its index in the skim's decls (encodeSkim's references; the scan renumbers after dropping typedefs). */
  idx: number;
  /** A forward declaration set aside (`struct NAME;`, whose tag the header defines and sets aside): the tag's key.
   * Parsed in order it only made the definition's placeholder (see LazyDefs.forwardDeclared). */
  fwd: string | undefined;
}

/** Names to the set-aside definitions declaring them: the scan's Maps, or a cache file's tables (PackedNames). */
export interface NameIndex {
  readonly size: number;
  get(k: string): LazyDecl | undefined;
  has(k: string): boolean;
  keys(): IterableIterator<string>;
  forEach(f: (d: LazyDecl, k: string) => void): void;
  [Symbol.iterator](): IterableIterator<[string, LazyDecl]>;
}

/** The scan's result: set-aside definitions and what they declare. */
export interface Skim {
  decls: LazyDecl[];
  tags: NameIndex;
  consts: NameIndex;
  /** Set-aside typedefs by the name they declare. */
  typedefs: NameIndex;
  /** Names the header #defines (a set-aside typedef whose name is a macro is parsed in order after all). */
  defined: Set<string>;
}

/**
 * The scan's own result while it runs: per set-aside definition its position (and a typedef's name), per tag and
 * enumerator name its position in the header and its definition. Positions, not strings, Maps or objects: a cold run
 * scans a 6.18 vmlinux.h's ~16,000 definitions and ~30,000 names once, and the Maps, their key strings and one
 * object per definition were ~30% of the scan plus the young-generation collections copying them; what the run uses
 * is the packed form a second run reads from the cache (pack, decodeSkim), so the names become bytes directly.
 */
class ScanOut {
  /** Definitions recorded so far. */
  n = 0;
  /** Per definition its start and end (two numbers each): the current list the JavaScript paths add to, and the
   * lists before it (WebAssembly runs add theirs as copies of their records: wasmScan.ts). */
  se: number[] = [];
  readonly seDone: (number[] | Int32Array)[] = [];
  /** A set-aside typedef's name, by its definition's index. */
  readonly tdName = new Map<number, string>();
  /** Names as pack's entries, three numbers each: the name's position in the header (| its tag keyword, K, << 28),
   * its length, its definition. Tags and enumerators (current lists and the lists before them, as `se`), and
   * typedefs (in the scan's order, one per tds entry). */
  k: number[] = [];
  readonly kDone: (number[] | Int32Array)[] = [];
  c: number[] = [];
  readonly cDone: (number[] | Int32Array)[] = [];
  readonly td: number[] = [];
  readonly defined = new Set<string>();

  /** Closes the current lists (before a WebAssembly run's records are added, and at the end). */
  flush(): void {
    if (this.se.length) { this.seDone.push(this.se); this.se = []; }
    if (this.k.length) { this.kDone.push(this.k); this.k = []; }
    if (this.c.length) { this.cDone.push(this.c); this.c = []; }
  }
}

const enum T { Eof, Ident, Punct, Other, Directive }

/** The identifiers the scan cares about. */
const enum K { None, Struct, Union, Enum, Attribute, Typedef }

/** A typedef's top-level (depth 0) tokens, as the scan records them to find the name it declares. */
const enum E { Ident = 1, Tag, Attribute, Paren, Bracket, Brace, Star, Other }

/** Which of the scan's keywords the identifier at `start` is (by length and first character first: most are none). */
function keyword(s: string, start: number, len: number, c: number): K {
  if (len === 6) return c === 115 && s.startsWith('struct', start) ? K.Struct : K.None;
  if (len === 5) return c === 117 && s.startsWith('union', start) ? K.Union : K.None;
  if (len === 4) return c === 101 && s.startsWith('enum', start) ? K.Enum : K.None;
  if (len === 13) return c === 95 && s.startsWith('__attribute__', start) ? K.Attribute : K.None;
  if (len === 7) return c === 116 && s.startsWith('typedef', start) ? K.Typedef : K.None;
  return K.None;
}

/** A token scanner over raw text: positions only, no allocation per token. */
class Scanner {
  pos = 0;
  type = T.Eof;
  start = 0;
  end = 0;
  /** Punctuator character code (T.Punct). */
  ch = 0;
  /** Keyword of an identifier (T.Ident): computed once, so the scan compares no strings per identifier. */
  kw = K.None;
  /** At the beginning of a line (a `#` there starts a directive); the fast path (fastDecl) sets it too. */
  bol = true;
  constructor(readonly text: string) {}

  next(): T {
    const s = this.text;
    const n = s.length;
    let i = this.pos;
    for (;;) {
      if (i >= n) { this.type = T.Eof; this.pos = i; return T.Eof; }
      const c = s.charCodeAt(i);
      if (c === 10) { this.bol = true; i++; continue; }
      if (c === 32 || c === 9 || c === 13 || c === 12 || c === 11) { i++; continue; }
      if (c === 92 && (s.charCodeAt(i + 1) === 10 || s.charCodeAt(i + 1) === 13)) { i += s.charCodeAt(i + 1) === 10 ? 2 : 3; continue; }
      if (c === 47 && s.charCodeAt(i + 1) === 47) {
        while (i < n && s.charCodeAt(i) !== 10) { if (s.charCodeAt(i) === 92 && s.charCodeAt(i + 1) === 10) i++; i++; }
        continue;
      }
      if (c === 47 && s.charCodeAt(i + 1) === 42) { i = commentEnd(s, i + 2, n); continue; }
      break;
    }
    const c = s.charCodeAt(i);
    this.start = i;
    if (c === 35 && this.bol) {
      // a directive: to the end of its (continued) line, comments included
      while (i < n) {
        const d = s.charCodeAt(i);
        if (d === 10) break;
        if (d === 92 && s.charCodeAt(i + 1) === 10) { i += 2; continue; }
        if (d === 47 && s.charCodeAt(i + 1) === 42) { i = commentEnd(s, i + 2, n); continue; }
        i++;
      }
      this.type = T.Directive;
    } else if (isIdStart(c)) {
      while (i < n && isIdPart(s.charCodeAt(i))) i++;
      this.type = T.Ident;
      this.kw = keyword(s, this.start, i - this.start, c);
    } else if (c >= 48 && c <= 57) {
      while (i < n && (isIdPart(s.charCodeAt(i)) || s.charCodeAt(i) === 46)) i++;
      this.type = T.Other;
    } else if (c === 34 || c === 39) {
      i++;
      while (i < n && s.charCodeAt(i) !== c && s.charCodeAt(i) !== 10) { if (s.charCodeAt(i) === 92) i++; i++; }
      i++;
      this.type = T.Other;
    } else {
      i++;
      this.ch = c;
      this.type = T.Punct;
    }
    this.bol = false;
    this.end = Math.min(i, n);
    this.pos = this.end;
    return this.type;
  }

  is(word: string): boolean {
    return this.type === T.Ident && this.end - this.start === word.length && this.text.startsWith(word, this.start);
  }
  word(): string { return this.text.slice(this.start, this.end); }
}

function isIdStart(c: number): boolean { return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 36; }
function isIdPart(c: number): boolean { return isIdStart(c) || (c >= 48 && c <= 57); }

/** The directive's name (`define`, `include`, ...). */
function directiveName(text: string, start: number, end: number): string {
  return /^#\s*(\w*)/.exec(text.slice(start, Math.min(end, start + 40)))?.[1] ?? '';
}

/**
 * Splits a header into top-level declarations and sets aside its pure tag definitions; undefined when the header
 * is not eligible (see the file comment). `bytes`: the file's bytes `text` was decoded from, when the caller has them
 * (the names are copied from them when they sit at the text's offsets). The result reads its names from skimBytes'
 * bytes, as one from the cache does.
 */
export function skim(text: string, bytes?: Uint8Array): Skim | undefined {
  const b = skimBytes(text, bytes);
  return b ? decodeSkim(b, text) : undefined;
}

/**
 * The skim of `text` as encodeSkim's bytes (what the cache keeps), or null when the header is not eligible: made from
 * the scan's positions without a Skim in between (ScanOut says why).
 */
export function skimBytes(text: string, bytes?: Uint8Array): Buffer | null {
  // (positions share an int32 with a keyword: a header of 256 MB or more is parsed in full)
  if (text.length >= MAX_POS) return null;
  // the header's bytes at the text's offsets: the file's when they are (one byte a character), else the text's own
  // latin1 bytes, which are its characters when it is ASCII (the only case the WebAssembly matcher reads them in;
  // pack reads only names, ASCII in any case)
  const exact = bytes !== undefined && bytes.length === text.length;
  const hdr = exact ? bytes : Buffer.from(text, 'latin1');
  // (its module loaded here: a run that reads the scan from the cache never needs it)
  const runner = FAST_SCAN.value && WASM_SCAN.value && (exact || Buffer.byteLength(text, 'utf8') === text.length)
    ? (require('./wasmScan') as typeof import('./wasmScan')).DeclRunner.make(hdr) : undefined;
  const r = scan(text, runner);
  return r ? pack(text, hdr, r) : null;
}

/** Positions below this fit beside a keyword in pack's entries (position | keyword << 28). */
const MAX_POS = 1 << 28;

/** The WebAssembly matcher ahead of the fast path (wasmScan.ts); off, the fast path alone (tests compare both). */
export const WASM_SCAN = { value: process.env.CORELENS_WASM_SCAN !== '0' };


/** What the scan found, for settle and pack. */
interface Scanned { out: ScanOut; tds: TypedefCand[]; fwd: Set<string>; fwdDecls: FwdCand[]; conds: number[]; runner: DeclRunner | undefined }

/** The scan itself (see skim); undefined when the header is not eligible (a name defined twice is found by pack). */
function scan(text: string, runner?: DeclRunner): Scanned | undefined {
  const sc = new Scanner(text);
  const out = new ScanOut();
  // forward declarations of a struct or union (start, end, key), and where conditional directives are (settle)
  const fwdDecls: FwdCand[] = [];
  const conds: number[] = [];
  // typedefs: their depth-0 tokens (kind, and an identifier's position; for a parenthesis group the position of
  // the NAME of a `(*NAME)` inside it, else -1), tag mentions without a body, forward declarations
  const ev: number[] = [];
  const evS: number[] = [];
  const evE: number[] = [];
  const mentions: string[] = [];
  const fwd = new Set<string>();
  const tds: TypedefCand[] = [];
  let t = sc.next();
  while (t !== T.Eof) {
    if (t === T.Directive) {
      const d = directiveName(text, sc.start, sc.end);
      if (CONDITIONALS.has(d)) conds.push(sc.start);
      if (d === 'include' || d === 'include_next' || d === 'import') return undefined;
      if ((d === 'define' || d === 'undef') && out.n) {
        // one macro snapshot must serve every set-aside parse: typedefs before it are parsed in order instead
        if (out.n > tds.length) return undefined;
        for (const x of tds) x.ok = false;
      }
      if (d === 'define') { const m = /^#\s*define\s+([A-Za-z_$][\w$]*)/.exec(text.slice(sc.start, Math.min(sc.end, sc.start + 300))); if (m) out.defined.add(m[1]!); }
      t = sc.next();
      continue;
    }
    // one top-level declaration
    const start = sc.start;
    // a run of what the fast path would take (tag definitions, forward declarations, typedefs), in WebAssembly: it
    // stops where it is not sure, and the paths below go on
    if (runner && t === T.Ident && FAST_SCAN.value && ((sc.kw >= K.Struct && sc.kw <= K.Enum) || sc.kw === K.Typedef)) {
      const r = runner.run(start, out.n);
      if (r.end > start) {
        took(text, runner, r, out, fwd, fwdDecls, tds);
        sc.pos = r.end;
        sc.bol = false;
        t = sc.next();
        continue;
      }
    }
    if (t === T.Ident && sc.kw >= K.Struct && sc.kw <= K.Enum && FAST_SCAN.value) {
      const fend = fastDecl(text, start, sc.kw, out);
      if (fend >= 0) {
        record(out, start, fend);
        lazyStats.fast++;
        sc.pos = fend;
        sc.bol = false; // as after the `;` token the token path ends on
        t = sc.next();
        continue;
      }
      // a forward declaration (`struct NAME;`)
      FWD_RE.lastIndex = start;
      const f = FWD_RE.exec(text);
      if (f) {
        const key = `${f[1]} ${f[2]}`;
        fwd.add(key);
        if (f[1] !== 'enum') fwdDecls.push({ start, end: FWD_RE.lastIndex, key, at: (start + f[0].indexOf(f[2]!, f[1]!.length)) | (sc.kw << 28), len: f[2]!.length });
        sc.pos = FWD_RE.lastIndex;
        sc.bol = false;
        t = sc.next();
        continue;
      }
    }
    if (t === T.Ident && sc.kw === K.Typedef && FAST_SCAN.value) {
      const r = fastTypedef(text, start);
      if (r) {
        if (r.name !== undefined) {
          const d = record(out, start, r.end);
          out.tdName.set(d, r.name);
          out.td.push(r.at, r.name.length, d);
          tds.push({ d, mentions: r.mentions.length ? r.mentions : NONE, ok: true });
        }
        sc.pos = r.end;
        sc.bol = false;
        t = sc.next();
        continue;
      }
    }
    let pure = t === T.Ident && sc.kw >= K.Struct && sc.kw <= K.Enum;
    let depth = 0;
    let prevClose = false; // previous significant token was ')'
    let fnBody = false;
    let outerClosed = false;
    let directive = false;
    // the names it defines go straight to out, under the index its definition gets (dropped when it gets none)
    const k0 = out.k.length;
    const c0 = out.c.length;
    const di = out.n;
    // tag being declared: 1 after the keyword, 2 after its name; enum bodies collect enumerators
    let tagState = 0;
    let tagKw = '';
    let tagK = K.None;
    // the name's position: sliced only when a body follows (most tag names in a header are member types)
    let tagNameStart = 0;
    let tagNameEnd = 0;
    const enumDepths: number[] = [];
    let expectConst = false;
    let end = -1;
    const isTd = t === T.Ident && sc.kw === K.Typedef;
    let ntok = 0;
    let named = false; // the `;` that ended it followed a tag keyword and a name (`struct x;`)
    let semi = false;
    if (isTd) { ev.length = 0; evS.length = 0; evE.length = 0; mentions.length = 0; }
    for (; t !== T.Eof; t = sc.next()) {
      ntok++;
      if (isTd) typedefToken(sc, t, depth, tagState, tagKw, tagNameStart, tagNameEnd, ev, evS, evE, mentions);
      if (t === T.Directive) {
        directive = true;
        prevClose = false;
        if (CONDITIONALS.has(directiveName(text, sc.start, sc.end))) conds.push(sc.start);
        continue;
      }
      if (t === T.Ident) {
        const kw = sc.kw;
        if (outerClosed && depth === 0 && kw !== K.Attribute) pure = false;
        if (kw >= K.Struct && kw <= K.Enum) { tagState = 1; tagK = kw; tagKw = kw === K.Struct ? 'struct' : kw === K.Union ? 'union' : 'enum'; tagNameEnd = tagNameStart; }
        else if (tagState === 1 && kw === K.Attribute) { pure = false; tagState = 0; } // attributes before the name: parse in full
        else if (tagState === 1) { tagState = 2; tagNameStart = sc.start; tagNameEnd = sc.end; }
        else tagState = 0;
        if (expectConst && enumDepths.length && enumDepths[enumDepths.length - 1] === depth) { out.c.push(sc.start, sc.end - sc.start, di); expectConst = false; }
        prevClose = false;
        continue;
      }
      if (t !== T.Punct) { tagState = 0; prevClose = false; continue; }
      const c = sc.ch;
      if (c === 123 /* { */) {
        if (depth === 0 && prevClose) fnBody = true;
        if (depth === 0 && outerClosed) pure = false;
        if (tagState >= 1) {
          if (tagState === 2 && tagNameEnd > tagNameStart) out.k.push(tagNameStart | (tagK << 28), tagNameEnd - tagNameStart, di);
          if (tagKw === 'enum') { enumDepths.push(depth + 1); expectConst = true; }
        } else if (pure) pure = false; // a brace that opens no tag body (`struct x __attribute__(...) {`): parse in full
        tagState = 0;
        depth++;
      } else if (c === 125 /* } */) {
        if (enumDepths.length && enumDepths[enumDepths.length - 1] === depth) { enumDepths.pop(); expectConst = false; }
        depth--;
        if (depth === 0) {
          if (fnBody) { end = sc.end; t = sc.next(); break; }
          outerClosed = true;
        }
        tagState = 0;
      } else if (c === 40 || c === 91) { depth++; tagState = 0; } else if (c === 41 || c === 93) { depth--; tagState = 0; } else {
        if (c === 44 /* , */ && enumDepths.length && enumDepths[enumDepths.length - 1] === depth) expectConst = true;
        if (c === 59 /* ; */ && depth === 0) { named = tagState === 2; semi = true; tagState = 0; end = sc.end; t = sc.next(); break; }
        tagState = 0;
      }
      prevClose = c === 41;
    }
    if (end < 0) end = text.length;
    let kept = false;
    if (pure && outerClosed && !directive && !fnBody && depth === 0) {
      record(out, start, end);
      kept = true;
    } else if (isTd && semi && !directive && !fnBody) {
      const at = typedefName(ev, evS, evE, text);
      if (at >= 0) {
        const d = record(out, start, end);
        out.tdName.set(d, text.slice(evS[at]!, evE[at]!));
        out.td.push(evS[at]!, evE[at]! - evS[at]!, d);
        tds.push({ d, mentions: mentions.length ? [...mentions] : NONE, ok: true });
        kept = true;
      }
    } else if (ntok === 3 && named) {
      const key = `${tagKw} ${text.slice(tagNameStart, tagNameEnd)}`;
      fwd.add(key);
      if (tagKw !== 'enum') fwdDecls.push({ start, end, key, at: tagNameStart | (tagK << 28), len: tagNameEnd - tagNameStart });
    }
    if (!kept) { out.k.length = k0; out.c.length = c0; }
  }
  return { out, tds, fwd, fwdDecls, conds, runner };
}

/** The regular-expression fast path of the scan; off, every declaration takes the token path (tests compare both). */
export const FAST_SCAN = { value: true };

/** Forward declarations made redundant set aside (setAsideForward); off, parsed in order (tests compare both). */
export const FORWARD_ASIDE = { value: true };

/** Adjacent markers written as one (markerTokens' `group`); off, one marker per definition (the lazy-vs-full test runs
 * both). */
export const GROUP_MARKERS = { value: true };

/** A set-aside forward declaration's placeholder made when its tag is first asked for (LazyDefs: the tag's entry
 * holds UNMADE until then); off, made up front (CORELENS_UNMADE_FORWARDS=0; tests compare both). */
export const UNMADE_FORWARDS = { value: process.env.CORELENS_UNMADE_FORWARDS !== '0' };

// The fast path: one sticky regular expression per declaration shape, which V8's irregexp compiles to machine code,
// matches a whole pure tag definition in the shapes a generated vmlinux.h is made of (80% of its 2.8 MB are such
// struct, union and enum definitions; the token scanner spent ~50 ns per character on them, in a loop that ran once).
// The patterns are unambiguous (no two repetitions can share a character), so a failing match backtracks in
// linear time: a mutation test times them on broken text.
// It only ever accepts text on which the token path would come to the very same result, and declines everything
// else (that declaration then takes the token path from the same position, so nothing else changes):
// - no comment, string, character literal, `#` or backslash inside (the characters below exclude them);
// - (), [] and {} properly nested (a bracket's kind does not matter: the token path counts them all as one depth),
//   no brace inside () or [], at most 7 levels of braces and 4 of brackets: the declaration ends at the `;` the
//   token path ends on, and its outer `}` is the one that closes its depth;
// - every inner `{` directly after `struct` or `union` (checked after the match, see innerBracesAnonymous): no
//   named nested tag (a key of its own), no enum body (enumerators), no brace the token path would call impure;
// - no tag keyword directly followed by `__attribute__` (the token path calls that impure);
// - after the outer `}` only whitespace and `__attribute__((...))`, then `;`;
// - an enum body holds only `NAME`, `NAME = [-]NUMBER` items (the enumerators are then every item's first word).
// Its patterns are built from the strings below, so the nesting bounds are visible in one place.
const WSC = ' \\t\\n\\r\\f\\v';
const WS = `[${WSC}]`;
const ID = '[A-Za-z_$][\\w$]*';
/** A name the token path would read as one of its keywords (which changes its state) is declined. */
const NOT_KW = '(?!(?:struct|union|enum|__attribute__)(?![\\w$]))';
/** Any character but brackets and what starts a comment, literal, directive or line continuation. */
const PLAIN = `[^{}()\\[\\]/"'#\\\\]`;
/** () or [] groups, nested `depth` deep, without braces. */
function groups(depth: number): string {
  const inner = depth > 0 ? `(?:${groups(depth - 1)}${PLAIN}*)*` : '';
  return `[(\\[]${PLAIN}*${inner}[)\\]]`;
}
const GROUP = groups(3);
/** A brace body's content, braces nested `depth` deep (each loop unrolled: `x*(?:y x*)*`, never ambiguous, so a
 * failing match backtracks linearly). */
function body(depth: number): string {
  const alt = depth > 0 ? `${GROUP}|\\{${body(depth - 1)}\\}` : GROUP;
  return `${PLAIN}*(?:(?:${alt})${PLAIN}*)*`;
}
const ATTRS = `(?:${WS}|__attribute__${WS}*\\(\\((?:[\\w$${WSC},]|\\([\\w$${WSC},]*\\))*\\)\\))*;`;
const RECORD_RE = new RegExp(`(struct|union)${WS}+${NOT_KW}(${ID})${WS}*\\{(${body(6)})\\}${ATTRS}`, 'y');
// (never two whitespace runs side by side: on a failing match their splits multiply, item after item)
const NUM = `(?:-${WS}*)?(?:0[xX][0-9a-fA-F]+|[0-9]+)[uUlL]*`;
const ITEM = `${NOT_KW}${ID}${WS}*(?:=${WS}*${NUM}${WS}*)?`;
const ENUM_RE = new RegExp(`enum(?:${WS}+${NOT_KW}(${ID}))?${WS}*\\{(${WS}*(?:${ITEM},${WS}*)*(?:${ITEM})?)\\}${ATTRS}`, 'y');
/** A tag keyword followed by an attribute (conservatively: also where the keyword is the tail of a longer token). */
const KW_ATTR_RE = /(?:struct|union|enum)[ \t\n\r\f\v]*__attribute__/;
const ENUMERATOR_RE = /(?:^|,)[ \t\n\r\f\v]*([A-Za-z_$][\w$]*)/g;

/** A pure tag definition at `start` (a `struct`, `union` or `enum` token: `kw`) in a shape the fast path takes: its
 * end, the names the token path would record for it pushed to `out` under the next definition's index; -1 when it
 * declines (see above). */
function fastDecl(text: string, start: number, kw: K, out: ScanOut): number {
  const isEnum = kw === K.Enum;
  const re = isEnum ? ENUM_RE : RECORD_RE;
  re.lastIndex = start;
  const m = re.exec(text);
  if (!m) return -1;
  const end = re.lastIndex;
  const di = out.n;
  if (isEnum) {
    if (m[1] !== undefined) out.k.push((start + m[0].indexOf(m[1], 4)) | (kw << 28), m[1].length, di);
    // the body starts after the match's first `{` (none before it); an enumerator is its item's first word
    const b = m[2]!;
    const bodyAt = start + m[0].indexOf('{') + 1;
    ENUMERATOR_RE.lastIndex = 0;
    for (let e = ENUMERATOR_RE.exec(b); e; e = ENUMERATOR_RE.exec(b)) {
      const at = bodyAt + e.index + e[0].length - e[1]!.length;
      out.c.push(at, e[1]!.length, di);
    }
    return end;
  }
  const b = m[3]!;
  if (b.indexOf('{') >= 0 && !innerBracesAnonymous(b)) return -1;
  // `struct __attribute__((...)) x` anywhere makes the token path parse the declaration in full
  if (b.indexOf('__attribute__') >= 0 && KW_ATTR_RE.test(b)) return -1;
  const at = start + m[0].indexOf(m[2]!, m[1]!.length);
  out.k.push(at | (kw << 28), m[2]!.length, di);
  return end;
}

/** A forward declaration: what the token path reads as exactly three tokens, a tag keyword, a name that is none of its
 * keywords, `;` (it then notes the tag as declared). */
const FWD_RE = new RegExp(`(struct|union|enum)${WS}+${NOT_KW}(${ID})${WS}*;`, 'y');
/** Typedefs without braces, brackets, attributes, comments or literals: `typedef WORDS-AND-STARS;` and
 * `typedef WORDS-AND-STARS (*NAME)(WORDS-STARS-AND-COMMAS);` (6.18's vmlinux.h: 621 and ~2,200 of its 3,148). */
const TD_WORDS_RE = new RegExp(`typedef([\\w$*${WSC}]*);`, 'y');
const TD_FN_RE = new RegExp(`typedef([\\w$*${WSC}]*)\\(${WS}*\\*${WS}*(${ID})${WS}*\\)${WS}*\\(([\\w$*,${WSC}]*)\\)${WS}*;`, 'y');
/** The tokens of a text made of words and single punctuators (what the typedef patterns let through). */
const TD_TOKEN_RE = /[\w$]+|[^\w$ \t\n\r\f\v]/g;
const TAG_WORDS = new Set(['struct', 'union', 'enum']);

/**
 * The typedef at `start` when it has one of the two shapes above, with what the token path would record for it: the
 * name it declares (undefined where the token path finds none: typedefName's rules, restated for these shapes) and
 * the tags it names without a body (typedefToken's mentions, by the same state machine over its tokens); undefined
 * when it declines (a word starting with a digit, an `__attribute__`): the token path takes it from there. The scan's
 * fast-path test compares both paths on real headers, mutations and hostile text.
 */
function fastTypedef(text: string, start: number): { end: number; name: string | undefined; at: number; mentions: string[] } | undefined {
  let m: RegExpExecArray | null = null;
  let fn = false;
  // a function pointer's shape first: the words-only pattern stops at its `(` and fails
  TD_FN_RE.lastIndex = start;
  if (text.charCodeAt(start + 7) !== 59) m = TD_FN_RE.exec(text);
  if (m) fn = true;
  else { TD_WORDS_RE.lastIndex = start; m = TD_WORDS_RE.exec(text); }
  if (!m) return undefined;
  const end = fn ? TD_FN_RE.lastIndex : TD_WORDS_RE.lastIndex;
  const toks = m[0].slice(0, -1).match(TD_TOKEN_RE)!;
  // the token path's tag state over every token, `;` included: a tag keyword (1), then a name (2); a mention is a
  // name followed by anything but `{` (there is none here)
  const mentions: string[] = [];
  let tagState = 0;
  let tagKw = '';
  let tagName = '';
  for (let i = 0; i <= toks.length; i++) {
    const w = i < toks.length ? toks[i]! : ';';
    const c = w.charCodeAt(0);
    const word = isIdStart(c);
    if (!word && c >= 48 && c <= 57) return undefined; // a number: E.Other at depth 0, a token of another kind
    if (w === '__attribute__') return undefined;
    if (tagState === 2) mentions.push(`${tagKw} ${tagName}`);
    if (word && TAG_WORDS.has(w)) { tagState = 1; tagKw = w; } else if (word && tagState === 1) { tagState = 2; tagName = w; } else tagState = 0;
  }
  let name: string | undefined;
  let at = -1;
  if (fn) {
    // typedefName: the `(*NAME)` group's NAME, when it is no keyword of the scan's
    const n = m[2]!;
    name = TAG_WORDS.has(n) || n === 'typedef' ? undefined : n;
    // (only whitespace and `*` lie between the group's `(` and the name)
    at = start + m[0].indexOf(n, 7 + m[1]!.length);
  } else {
    // typedefName: the last token, a word that is not a tag keyword, after a token that is not one either
    const last = toks.length - 1;
    const w = toks[last];
    const prev = last >= 1 ? toks[last - 1]! : 'typedef';
    name = last >= 1 && w !== undefined && isIdStart(w.charCodeAt(0)) && !TAG_WORDS.has(w) && !TAG_WORDS.has(prev) && !TYPE_WORDS.has(w) ? w : undefined;
    // (the last token: only whitespace and the `;` follow it)
    if (name !== undefined) at = start + m[0].lastIndexOf(name);
  }
  return { end, name, at, mentions };
}

/** Whether every `{` of a record body directly follows a `struct` or `union` keyword (an anonymous member record:
 * the token path records nothing for it). */
function innerBracesAnonymous(b: string): boolean {
  for (let p = b.indexOf('{'); p >= 0; p = b.indexOf('{', p + 1)) {
    let q = p;
    while (q > 0) { const c = b.charCodeAt(q - 1); if (c === 32 || c === 9 || c === 10 || c === 13 || c === 12 || c === 11) q--; else break; }
    const k = q >= 6 && b.startsWith('struct', q - 6) ? 6 : q >= 5 && b.startsWith('union', q - 5) ? 5 : 0;
    if (!k) return false;
    // the keyword is a token of its own: not the tail of an identifier or of a number (`1.struct` is one token)
    const before = q - k > 0 ? b.charCodeAt(q - k - 1) : 32;
    if (isIdPart(before) || before === 46) return false;
  }
  return true;
}

/** A typedef's token, as `skim` reads it: depth-0 tokens recorded for `typedefName`, tags named without a body. */
function typedefToken(sc: Scanner, t: T, depth: number, tagState: number, tagKw: string, tagNameStart: number, tagNameEnd: number,
  ev: number[], evS: number[], evE: number[], mentions: string[]): void {
  const punct = t === T.Punct;
  const ch = sc.ch;
  // a tag named without a body: the typedef may only be set aside when the header declares that tag elsewhere
  if (tagState === 2 && !(punct && ch === 123)) mentions.push(`${tagKw} ${sc.text.slice(tagNameStart, tagNameEnd)}`);
  const last = ev.length - 1;
  if (depth === 0) {
    if (t === T.Ident) { const kw = sc.kw; ev.push(kw === K.Attribute ? E.Attribute : kw >= K.Struct && kw <= K.Enum ? E.Tag : E.Ident); evS.push(sc.start); evE.push(sc.end); }
    else if (punct && ch !== 59) {
      ev.push(ch === 40 ? E.Paren : ch === 91 ? E.Bracket : ch === 123 ? E.Brace : ch === 42 ? E.Star : E.Other);
      // a parenthesis group: evS counts its tokens (negated) until it is known to be exactly `* NAME`
      evS.push(-1); evE.push(-1);
    } else if (!punct) { ev.push(E.Other); evS.push(-1); evE.push(-1); }
  } else if (depth === 1 && last >= 0 && ev[last] === E.Paren && evE[last] !== -2) {
    // inside a depth-0 parenthesis group: is it exactly `* NAME )`? evE -1: nothing yet, -3: after `*`, >= 0: after
    // the name (evS then holds its start), -2: anything else
    const e = evE[last]!;
    if (e === -1 && punct && ch === 42) evE[last] = -3;
    else if (e === -3 && t === T.Ident && sc.kw === K.None) { evS[last] = -10 - sc.start; evE[last] = sc.end; }
    else if (e >= 0 && punct && ch === 41) evS[last] = -10 - evS[last]!; // closed right after the name: certain
    else { evS[last] = -1; evE[last] = -2; }
  }
}


/** Adds a WebAssembly run's records to the scan's (as fastDecl, record, the forward-declaration path and the typedef
 * path would). */
function took(text: string, runner: DeclRunner, r: RunOut, out: ScanOut, fwd: Set<string>, fwdDecls: FwdCand[], tds: TypedefCand[]): void {
  const i32 = runner.i32;
  out.flush();
  if (r.decls) {
    out.seDone.push(i32.slice(runner.declsAt, runner.declsAt + r.decls * 2));
    out.n += r.decls;
    // (the tag definitions, as the fast path counts them; typedefs apart)
    lazyStats.fast += r.decls - r.tds;
    lazyStats.wasmScan += r.decls - r.tds;
    lazyStats.wasmTypedefs += r.tds;
  }
  // named typedefs: (definition, name position, length, first mention, mentions); mentions: (position | keyword << 28,
  // length) — what the typedef path records (fastTypedef's name, at and mentions)
  for (let i = 0, w = runner.tdsAt; i < r.tds; i++, w += 5) {
    const d = i32[w]!;
    const at = i32[w + 1]!;
    const len = i32[w + 2]!;
    out.tdName.set(d, text.slice(at, at + len));
    out.td.push(at, len, d);
    const nm = i32[w + 4]!;
    let mentions = NONE as string[];
    if (nm) {
      mentions = [];
      for (let j = 0, m = runner.mentsAt + i32[w + 3]! * 2; j < nm; j++, m += 2) {
        const a = i32[m]!;
        const pos = a & 0x0fffffff;
        mentions.push(KW_TEXT[a >>> 28]! + text.slice(pos, pos + i32[m + 1]!));
      }
    }
    tds.push({ d, mentions, ok: true });
  }
  if (r.keys) out.kDone.push(i32.slice(runner.keysAt, runner.keysAt + r.keys * 3));
  if (r.consts) out.cDone.push(i32.slice(runner.constsAt, runner.constsAt + r.consts * 3));
  for (let i = 0, w = runner.fwdsAt; i < r.fwds; i++, w += 4) {
    const at = i32[w + 2]!;
    const kw = at >>> 28;
    const pos = at & 0x0fffffff;
    const key = KW_TEXT[kw]! + text.slice(pos, pos + i32[w + 3]!);
    fwd.add(key);
    if (kw !== K.Enum) fwdDecls.push({ start: i32[w]!, end: i32[w + 1]!, key, at, len: i32[w + 3]! });
  }
}

/** Records a set-aside declaration that ended at `end` (the names it defines are in `out` already): its index. */
function record(out: ScanOut, start: number, end: number): number {
  out.se.push(start, end);
  return out.n++;
}

/**
 * Which depth-0 token of a typedef is the name it declares, or -1 when its shape is not one whose name is certain
 * (it is then parsed in order, as before). The shapes: `typedef ... NAME;` (not `typedef struct NAME;`),
 * `typedef ... NAME[...]...;`, `typedef ... (*NAME)(...);` and `typedef ... NAME(...);`. An attribute or a comma
 * at depth 0 (`typedef int a, *b;`) is none of them.
 */
function typedefName(ev: number[], evS: number[], evE: number[], s: string): number {
  const m = ev.length;
  for (let k = 1; k < m; k++) if (ev[k] === E.Attribute || ev[k] === E.Other) return -1;
  if (m < 2) return -1;
  let k = m - 1;
  if (ev[k] === E.Paren) {
    if (ev[k - 1] === E.Paren) return evS[k - 1]! >= 0 ? k - 1 : -1;
    k--;
  } else {
    while (k > 0 && ev[k] === E.Bracket) k--;
  }
  return k > 0 && ev[k] === E.Ident && ev[k - 1] !== E.Tag && ev[k - 1] !== E.Paren && !TYPE_WORDS.has(s.slice(evS[k]!, evE[k]!)) ? k : -1;
}

/** Words that cannot be a typedef's name (`typedef unsigned int;` declares nothing; the WebAssembly matcher's too). */
export const TYPE_WORDS = new Set(['int', 'char', 'short', 'long', 'signed', 'unsigned', 'float', 'double', 'void', '_Bool', 'const', 'volatile', 'restrict', '__restrict', 'typedef']);

/**
 * The typedefs the scan may leave set aside: one whose name is declared once, and whose tags named without a body
 * are declared by the header (a set-aside definition or a forward declaration). Why the second rule: parsed in
 * order, `typedef struct x x_t;` declares `struct x` in the header even when nothing else does; parsed on demand it
 * would not, and a program's lookup of `struct x` would differ. Typedefs before a #define are parsed in order too.
 * The others are parsed in order after all (a decl left out of `decls` keeps its text, and its names resolve
 * through the in-order parse). `tags`: every tag name the scan recorded. Returns, per definition, whether it is
 * dropped (undefined: none is).
 */
function settle(out: ScanOut, tds: TypedefCand[], fwd: Set<string>, tags: PackedNames): { dropped: Uint8Array | undefined } {
  const names = out.tdName;
  // this runs once, in V8's interpreter: indexed loops, no destructuring or callbacks (an iterator protocol step and
  // a closure call per typedef cost more than the rest of the function)
  const count = new Map<string, number>();
  for (let i = 0; i < tds.length; i++) { const n = names.get(tds[i]!.d)!; count.set(n, (count.get(n) ?? 0) + 1); }
  let dropped: Uint8Array | undefined;
  // (the answer per tag named: a 6.18 vmlinux.h's typedefs name ~4,000 tags, mostly the same few hundred, and a
  // lookup in the packed table hashes and compares the name in JavaScript)
  const declared = new Map<string, boolean>();
  for (let i = 0; i < tds.length; i++) {
    const t = tds[i]!;
    let ok = t.ok && count.get(names.get(t.d)!) === 1;
    for (let j = 0; ok && j < t.mentions.length; j++) {
      const m = t.mentions[j]!;
      let yes = declared.get(m);
      if (yes === undefined) { yes = fwd.has(m) || tags.declOf(m) >= 0; declared.set(m, yes); }
      if (!yes) ok = false;
    }
    if (!ok) (dropped ??= new Uint8Array(out.n))[t.d] = 1;
  }
  return { dropped };
}

/** The directives that open, switch or close a conditional branch. */
const CONDITIONALS = new Set(['if', 'ifdef', 'ifndef', 'elif', 'elifdef', 'elifndef', 'else', 'endif']);

/** A forward declaration the scan met: `struct|union NAME;` at top level. */
interface FwdCand { start: number; end: number; key: string; /** the tag's name: position | keyword << 28, length */ at: number; len: number }

/**
 * The forward declarations made redundant by a set-aside definition of their tag, to be set aside too. Why: a 6.18
 * vmlinux.h forward-declares 1,254 tags it also defines (bpftool breaks cycles that way); parsed in order, each was
 * three tokens to preprocess and a declaration to parse, and made its definition's placeholder — most of the
 * in-order part and ~10% of a `sites` run. Parsed in order, `struct NAME;` looks the tag up (the definition's
 * placeholder when the definition is active) and, when that placeholder was already parsed and is incomplete, marks
 * it preserve_access_index in a pragma region (cparse recordSpec); LazyDefs.forwardDeclared does both, in order.
 * Only when that is all it can do: a struct or union (enums take another path), a definition of the tag set aside
 * as a plain tag definition (not a typedef's: one of those may be parsed in order after all), and no conditional
 * directive between the two (so the preprocessor keeps both or neither). A tag whose name is a macro keeps its
 * forward declarations in order (markerTokens). `tags`: every tag name recorded, `dropped` the typedefs settle drops
 * (their names are not the header's); `found`: each forward declaration's answer of `tags`, looked up beforehand.
 */
function setAsideForward(out: ScanOut, se: Int32Array, fwdDecls: readonly FwdCand[], conds: readonly number[], tags: PackedNames, dropped: Uint8Array | undefined, found?: Int32Array): FwdCand[] {
  const extra: FwdCand[] = [];
  for (let i = 0; i < fwdDecls.length && FORWARD_ASIDE.value; i++) {
    const f = fwdDecls[i]!;
    const d = found ? found[i]! : tags.declOf(f.key);
    if (d < 0 || (dropped && dropped[d]) || out.tdName.has(d) || se[d * 2 + 1]! - se[d * 2]! < MIN_DEF || condBetween(conds, f.start, se[d * 2]!)) continue;
    extra.push(f);
  }
  return extra;
}

/** The byte length of each tag keyword with its space (`struct `), by K. */
const KW_LEN = [0, 7, 6, 5];
const KW_TEXT = ['', 'struct ', 'union ', 'enum '];
/** The open-addressing table size for n names (encodeSkim's: a power of two, at least 4 and twice n). */
function capFor(n: number): number { let c = 4; while (c < n * 2) c *= 2; return c; }
const align4 = (n: number): number => (n + 3) & ~3;

/**
 * settle, setAsideForward and encodeSkim over the scan's positions: encodeSkim's bytes for the skim the scan
 * describes, or null when a tag or an enumerator is defined twice (not eligible: the scan's Maps used to tell).
 * Two tables are made: every tag and enumerator name (whether a name repeats, and the lookups settle and
 * setAsideForward make), then the skim's own (its definitions renumbered after the dropped typedefs and the forward
 * declarations set aside). The names' bytes are copied from the header's (`hdr`: the text's characters at its
 * offsets; names are ASCII identifiers), the tag keyword before a tag's; in a WebAssembly memory by namesModule and
 * fillModule when there is one (the loops run once, ~30,000 names: V8's interpreter took ~10 ms for encodeSkim's),
 * else by their JavaScript twins. The skim-cache test compares the bytes with encodeSkim's of a skim made from Maps.
 */
function pack(text: string, bytes: Uint8Array | undefined, r: Scanned): Buffer | null {
  const { out, tds, fwd, fwdDecls, conds } = r;
  out.flush();
  const n = out.n;
  const se = joined(out.seDone, n * 2);
  const ks = joined(out.kDone, -1);
  const cs = joined(out.cDone, -1);
  const nk = ks.length / 3;
  const nc = cs.length / 3;
  const nt = out.td.length / 3;
  const nf = fwdDecls.length;
  const hdr = bytes && bytes.length === text.length ? bytes : Buffer.from(text, 'latin1');
  const capK = capFor(nk);
  const capC = capFor(nc);
  // bounds: every name is a token of its own in the header (the names' bytes are at most the header's, with a
  // keyword each); the skim's region as if nothing were dropped and every forward declaration set aside
  let defBytes = 0;
  for (const k of out.defined) defBytes += k.length;
  const blobMax = text.length + 8 * (nk + nf) + defBytes;
  const wordsA = nk * 3 + capK + nc * 3 + capC;
  const wordsF = 1 + (n + nf) * 2 + 2 + nk * 3 + capK + 2 + nc * 3 + capC + 2 + nt * 3 + capFor(nt) + 1 + out.defined.size * 2 + 1 + nf * 3;
  const scratch = Math.max(nk, nc, nt, nf) * 3;
  const m = packMemory(hdr, (wordsA + n + scratch + wordsF) * 4 + 2 * blobMax, r.runner);
  const i32 = m.i32;
  // the first table: every tag and enumerator name, as recorded
  const entK = m.at >> 2;
  const slotsK = entK + nk * 3;
  const entC = slotsK + capK;
  const slotsC = entC + nc * 3;
  const baseA = (slotsC + capC) * 4;
  i32.set(ks, entK);
  i32.set(cs, entC);
  const blobEnd = m.names(entC, nc, baseA, m.names(entK, nk, baseA, 0));
  if (m.fill(entK, nk, slotsK, capK - 1, baseA) || m.fill(entC, nc, slotsC, capC - 1, baseA)) return null;
  const tags = new PackedNames(i32, m.u8, baseA, NO_DECLS, entK, nk, slotsK, capK);
  // setAsideForward's lookups in the first table, in one WebAssembly call when there is one; in the memory after the
  // first table's names (bytes) and after its region (entries), both unused until the skim is laid out below
  const looked = m.lookup && WASM_LOOKUP.value ? lookForwards(m, fwdDecls, entK, slotsK, capK, baseA, blobEnd, blobMax, (baseA + blobMax + 3) >> 2, m.i32.length) : undefined;
  const { dropped } = settle(out, tds, fwd, tags);
  const extra = setAsideForward(out, se, fwdDecls, conds, tags, dropped, looked);
  // the skim: its definitions (kept ones and forward declarations set aside merged in text order, renumbered; map:
  // the scan's index to the skim's, -1 for a dropped typedef)
  const map = (baseA + blobMax + 3) >> 2;
  const scr = map + n;
  const w0 = scr + scratch;
  let w = w0 + 1;
  let a = 0;
  let b = 0;
  let nd = 0;
  const extraIdx: number[] = [];
  while (a < n || b < extra.length) {
    if (a < n && dropped && dropped[a]) { i32[map + a++] = -1; continue; }
    if (b >= extra.length || (a < n && se[a * 2]! < extra[b]!.start)) { i32[w++] = se[a * 2]!; i32[w++] = se[a * 2 + 1]!; i32[map + a++] = nd++; }
    else { i32[w++] = extra[b]!.start; i32[w++] = extra[b]!.end; extraIdx.push(nd++); b++; }
  }
  i32[w0] = nd;
  // its tables (the names of what was kept, renumbered), #defined names and forward declarations; then the base of
  // the names' bytes is known, and they are written: tags and enumerators, typedefs, #defined, forward declarations
  const tables: number[] = [];
  for (const list of [ks, cs, out.td]) {
    i32.set(list, scr);
    const size = m.compact(scr, list.length / 3, w + 2, map);
    const cap = capFor(size);
    i32[w] = size;
    i32[w + 1] = cap;
    tables.push(w + 2, size, w + 2 + size * 3, cap);
    w += 2 + size * 3;
    i32.fill(0, w, w + cap);
    w += cap;
  }
  i32[w++] = out.defined.size;
  const defAt = w;
  w += out.defined.size * 2;
  i32[w++] = extra.length;
  const fwdAt = w;
  w += extra.length * 3;
  const base = w * 4;
  let off = 0;
  for (let t = 0; t < 3; t++) off = m.names(tables[t * 4]!, tables[t * 4 + 1]!, base, off);
  let j = defAt;
  for (const k of out.defined) { m.u8.write(k, base + off, 'latin1'); i32[j++] = off; i32[j++] = k.length; off += k.length; }
  for (let i = 0; i < extra.length; i++) { i32[scr + i * 3] = extra[i]!.at; i32[scr + i * 3 + 1] = extra[i]!.len; }
  off = m.names(scr, extra.length, base, off);
  for (let i = 0; i < extra.length; i++) { i32[fwdAt + i * 3] = extraIdx[i]!; i32[fwdAt + i * 3 + 1] = i32[scr + i * 3]!; i32[fwdAt + i * 3 + 2] = i32[scr + i * 3 + 1]!; }
  for (let t = 0; t < 3; t++) m.fill(tables[t * 4]!, tables[t * 4 + 1]!, tables[t * 4 + 2]!, tables[t * 4 + 3]! - 1, base);
  return m.u8.subarray(w0 * 4, base + off);
}

const NO_DECLS: LazyDecl[] = [];

/** The lists as one array (`total`: its length, or -1 to count it). */
function joined(lists: readonly (number[] | Int32Array)[], total: number): Int32Array {
  if (total < 0) { total = 0; for (let i = 0; i < lists.length; i++) total += lists[i]!.length; }
  const out = new Int32Array(total);
  for (let i = 0, at = 0; i < lists.length; i++) { out.set(lists[i]!, at); at += lists[i]!.length; }
  return out;
}

/** pack's memory: the header's bytes where namesModule reads them, then `size` bytes from `at`; `names` and `fill`
 * over it (WebAssembly, or the JavaScript twins). */
interface PackMemory {
  u8: Buffer;
  i32: Int32Array;
  at: number;
  /** Turns the entries at word `ent` from (position | keyword << 28, length, definition) into (offset, length,
   * definition), writing each name's bytes (its keyword's first) at `base + offset` from `off` on: the next offset. */
  names(ent: number, n: number, base: number, off: number): number;
  /** encodeSkim's slot loop over the entries at word `ent` (names at byte `base`); true when two names are equal. */
  fill(ent: number, n: number, slots: number, mask: number, base: number): boolean;
  /** Copies the entries at word `src` to word `dst`, each one's definition d replaced by the word at `map + d`, and
   * leaving out those mapped to -1: how many were copied. */
  compact(src: number, n: number, dst: number, map: number): number;
  /** Looks up the n names of the entries at word `q` (offset, length at `base + offset`, -) in the table whose
   * entries are at word `ent` and slots at `slots` (mask + 1 of them): each entry's third word becomes the
   * definition of the equal name, or -1. Absent: no WebAssembly (PackedNames.declOf answers one by one). */
  lookup?: (q: number, n: number, ent: number, slots: number, mask: number, base: number) => void;
}

let namesMod: object | undefined | null;
/** The modules whose code makes pack's and encodeSkim's WebAssembly bytes (this file and the assembler): their key in
 * the CLI's code cache. */
const PACK_FILES = [__filename, path.join(__dirname, '..', 'util', 'wasm.js')];
let fillMod: object | undefined | null;
let compactMod: object | undefined | null;
let lookupMod: object | undefined | null;

/** setAsideForward's lookups batched in WebAssembly (lookupModule); off (CORELENS_WASM_LOOKUP=0), each is
 * PackedNames.declOf in JavaScript, as before (tests compare both). */
export const WASM_LOOKUP = { value: process.env.CORELENS_WASM_LOOKUP !== '0' };

/**
 * setAsideForward's lookups in the first table (`tags`: entries at word `ent`, slots at `slots`, names at byte
 * `base`), made at once by PackMemory.lookup from each forward declaration's tag as the scan recorded it (its position
 * in the header and keyword): its definition there, or -1. Why: ~1,300 of them on 6.18's vmlinux.h, each a hash and a
 * byte comparison in JavaScript, in V8's interpreter (~2 ms of a cold `sites` run). (settle's lookups stay one by
 * one: they are of strings, the ~660 distinct tags typedefs mention, and gathering them cost what it saved.) The
 * names' bytes go from byte offset `blobEnd` (after the table's names) up to `blobMax`, the entries from word `words0`
 * up to `words1`; undefined (each is looked up in JavaScript then) when they do not fit.
 */
function lookForwards(m: PackMemory, fwdDecls: readonly FwdCand[], ent: number, slots: number, cap: number,
  base: number, blobEnd: number, blobMax: number, words0: number, words1: number): Int32Array | undefined {
  const n = fwdDecls.length;
  let bytes = 0;
  for (let i = 0; i < n; i++) bytes += KW_LEN[fwdDecls[i]!.at >>> 28]! + fwdDecls[i]!.len;
  if (!n || blobEnd + bytes > blobMax || words0 + n * 3 > words1) return undefined;
  const i32 = m.i32;
  // as the scan's entries (position | keyword << 28, length): names() writes their keys (`struct NAME`) after the
  // table's names, then each entry's third word becomes the answer
  for (let i = 0; i < n; i++) { i32[words0 + i * 3] = fwdDecls[i]!.at; i32[words0 + i * 3 + 1] = fwdDecls[i]!.len; }
  m.names(words0, n, base, blobEnd);
  m.lookup!(words0, n, ent, slots, cap - 1, base);
  lazyStats.wasmLookups += n;
  const found = new Int32Array(n);
  for (let i = 0; i < n; i++) found[i] = i32[words0 + i * 3 + 2]!;
  return found;
}

/** A PackMemory of `size` bytes after the header's (see PackMemory). */
function packMemory(hdr: Uint8Array, size: number, runner: DeclRunner | undefined): PackMemory {
  if (process.env.CORELENS_WASM_SLOTS !== '0' && wasmApi) {
    if (namesMod === undefined) namesMod = builtModule('names', PACK_FILES, namesModule) ?? null;
    if (fillMod === undefined) fillMod = builtModule('slots', PACK_FILES, slotsModule) ?? null;
    if (compactMod === undefined) compactMod = builtModule('compact', PACK_FILES, compactModule) ?? null;
    if (lookupMod === undefined) lookupMod = WASM_LOOKUP.value ? builtModule('lookup', PACK_FILES, lookupModule) ?? null : null;
    if (namesMod && fillMod && compactMod) {
      try {
        // the keyword table (KW_TEXT at 8-byte steps, their lengths at 32) right after the header, then the rest; in
        // the scan's memory when it had one (the header is there already: grown, after its records)
        const kw = runner ? runner.free : align4(hdr.length);
        const at = kw + 48;
        let memory: WasmMemory;
        if (runner) {
          memory = runner.memory;
          const need = Math.ceil((at + size) / WASM_PAGE) - memory.buffer.byteLength / WASM_PAGE;
          if (need > 0) memory.grow(need);
        } else {
          memory = new wasmApi.Memory({ initial: Math.ceil((at + size) / WASM_PAGE) });
          new Uint8Array(memory.buffer).set(hdr, 0);
        }
        const u8 = Buffer.from(memory.buffer);
        for (let k = 1; k < 4; k++) { u8.write(KW_TEXT[k]!, kw + k * 8, 'latin1'); u8.writeInt32LE(KW_LEN[k]!, kw + 32 + k * 4); }
        const imports = { m: { mem: memory } };
        const names = (new wasmApi.Instance(namesMod, imports).exports as { names: (ent: number, n: number, kw: number, base: number, off: number) => number }).names;
        const fill = (new wasmApi.Instance(fillMod, imports).exports as { fill: (ent: number, n: number, slots: number, mask: number, base: number) => number }).fill;
        const compact = (new wasmApi.Instance(compactMod, imports).exports as { compact: (src: number, n: number, dst: number, map: number) => number }).compact;
        const lookup = lookupMod ? (new wasmApi.Instance(lookupMod, imports).exports as { find: (q: number, n: number, ent: number, slots: number, mask: number, base: number) => number }).find : undefined;
        lazyStats.wasmSlots++;
        return {
          u8, i32: new Int32Array(memory.buffer), at,
          names: (ent, n, base, off) => names(ent, n, kw, base, off),
          fill: (ent, n, slots, mask, base) => fill(ent, n, slots, mask, base) !== 0,
          compact,
          ...(lookup ? { lookup: (q: number, n: number, ent: number, slots: number, mask: number, base: number) => { lookup(q, n, ent, slots, mask, base); } } : {}),
        };
      } catch {
        // (no memory to be had: the JavaScript loops)
      }
    }
  }
  const u8 = Buffer.alloc(size);
  const i32 = new Int32Array(u8.buffer, u8.byteOffset, size >> 2);
  return {
    u8, i32, at: 0,
    names(ent, n, base, off) {
      for (let e = 0; e < n; e++) {
        const p = ent + e * 3;
        const src = i32[p]! & 0x0fffffff;
        const len = i32[p + 1]!;
        const k = i32[p]! >>> 28;
        const kl = KW_LEN[k]!;
        if (kl) u8.write(KW_TEXT[k]!, base + off, 'latin1');
        for (let i = 0; i < len; i++) u8[base + off + kl + i] = hdr[src + i]!;
        i32[p] = off;
        i32[p + 1] = kl + len;
        off += kl + len;
      }
      return off;
    },
    fill(ent, n, slots, mask, base) {
      for (let e = 0; e < n; e++) {
        const off = base + i32[ent + e * 3]!;
        const len = i32[ent + e * 3 + 1]!;
        for (let h = hashBytes(u8, off, len) & mask; ; h = (h + 1) & mask) {
          const s = i32[slots + h]!;
          if (s === 0) { i32[slots + h] = e + 1; break; }
          const q = ent + (s - 1) * 3;
          if (i32[q + 1] !== len) continue;
          const o2 = base + i32[q]!;
          let i = 0;
          while (i < len && u8[off + i] === u8[o2 + i]) i++;
          if (i === len) return true;
        }
      }
      return false;
    },
    compact(src, n, dst, map) {
      let k = 0;
      for (let e = 0; e < n; e++) {
        const d = i32[map + i32[src + e * 3 + 2]!]!;
        if (d < 0) continue;
        i32[dst + k * 3] = i32[src + e * 3]!;
        i32[dst + k * 3 + 1] = i32[src + e * 3 + 1]!;
        i32[dst + k * 3 + 2] = d;
        k++;
      }
      return k;
    },
  };
}

/** A definition whose forward declarations are set aside is at least this long, so that it always has a marker
 * (markerTokens: a marker is `$L` and a base-36 number, and needs one character more). */
const MIN_DEF = 16;

/** Whether a conditional directive lies between positions `a` and `b` (`conds` ascending). */
function condBetween(conds: readonly number[], a: number, b: number): boolean {
  const lo = Math.min(a, b);
  const hi = Math.max(a, b);
  // the first directive after lo (binary search: a big header may have many)
  let l = 0;
  let h = conds.length;
  while (l < h) { const m = (l + h) >> 1; if (conds[m]! <= lo) l = m + 1; else h = m; }
  return l < conds.length && conds[l]! < hi;
}

/** A typedef the scan may set aside (its definition's index): the tags it names without a body. */
interface TypedefCand { d: number; mentions: readonly string[]; ok: boolean }
const NONE: readonly string[] = [];

const MARK = '$L';

/** CORELENS_RENAMED_TAGS=0: a tag definition whose name is a macro is set aside under the name as written (before). */
const RENAMED_TAGS = process.env.CORELENS_RENAMED_TAGS !== '0';

/**
 * The set-aside tag definitions whose tag name is a macro where the header is parsed: `#define bpf_iter_meta
 * bpf_iter_meta___not_used` before `#include "vmlinux.h"` (the kernel selftests' bpf_iter.h) makes the header's
 * `struct bpf_iter_meta {..}` define `struct bpf_iter_meta___not_used`, the type of the vmlinux records' `meta`
 * members, while the program defines its own `struct bpf_iter_meta`. Set aside under the name as written, the
 * renamed tag was unknown (an incomplete record, no relocation) and the program's name found the header's layout.
 * These are parsed in order instead, as a macro-named typedef is. `names`: the macros defined where the header
 * starts (the includer's and the header's own), looked up as tags (a few hundred lookups, not one per tag).
 */
export function renamedTagDecls(sk: Skim, names: Iterable<string>): Set<LazyDecl> | undefined {
  if (!RENAMED_TAGS) return undefined;
  let out: Set<LazyDecl> | undefined;
  const add = (n: string): void => {
    for (const kw of ['struct ', 'union ', 'enum ']) { const d = sk.tags.get(kw + n); if (d && d.fwd === undefined) (out ??= new Set()).add(d); }
  };
  for (const n of names) add(n);
  for (const n of sk.defined) add(n);
  return out;
}

/**
 * The header text with each set-aside definition replaced by a marker of the same length (offsets unchanged): what
 * the preprocessor reads, by definition; markerTokens makes its tokens without building it.
 * `isMacro`: a typedef whose name is a macro is parsed in order (the name the scan read is not the one declared).
 */
export function markerText(text: string, sk: Skim, isMacro: (name: string) => boolean = () => false, renamed?: ReadonlySet<LazyDecl>): { text: string; decls: LazyDecl[] } {
  const parts: string[] = [];
  const kept: LazyDecl[] = [];
  let at = 0;
  const inOrder = keptInOrder(sk, isMacro);
  for (const d of sk.decls) {
    if (inOrder(d) || renamed?.has(d)) continue;
    const m = `${MARK}${kept.length.toString(36)}`;
    if (d.end - d.start < m.length + 1) continue;
    // the padding is a comment where it fits: the tokenizer skips it with one indexOf instead of a step per space
    const pad = d.end - d.start - m.length;
    // (spaces sliced from one string: no 3 MB of padding allocated per header, the join copies them once)
    if (pad >= 5) parts.push(text.slice(at, d.start), m, ' /*', spaces(pad - 5), '*/');
    else parts.push(text.slice(at, d.start), m, spaces(pad));
    at = d.end;
    kept.push(d);
  }
  parts.push(text.slice(at));
  return { text: parts.join(''), decls: kept };
}

/**
 * The tokens of markerText's text, made without that text: each stretch between set-aside definitions tokenized from
 * the header itself, and one marker token per definition where the marker would start. Why: building the 3 MB marker
 * text and tokenizing its padding cost a cold `sites` run ~50 ms CPU and a 3 MB string. Exactly tokenize(markerText(
 * ...).text) (a test compares both on real headers and mutations of them): the padding holds no newline, so after
 * a marker a line goes on; the marker starts a line when the header's text before it ends one (tokenize's state).
 *
 * `group`: a marker that would directly follow another (only whitespace and comments between the two definitions) is
 * left out, and the one before stands for it too: `last[k]` is the last kept definition marker k stands for. Why:
 * a 6.18 vmlinux.h's 15,179 markers were 15,179 of the 19,167 tokens preprocessed in order, while the preprocessor
 * can only tell them apart at a token between them: a branch or a pragma region changes at a directive, a macro call
 * begins and ends at a name and parentheses, `_Pragma` is tokens too. A run of adjacent markers is thus kept, dropped,
 * swallowed by a macro's arguments or given a pragma state as a whole, exactly like its first marker — unless a
 * marker is itself a macro's name, which the caller rules out (no grouping then).
 */
export function markerTokens(text: string, sk: Skim, isMacro: (name: string) => boolean = () => false, group = false, renamed?: ReadonlySet<LazyDecl>): { tokens: Token[]; decls: LazyDecl[]; last: number[]; fwds: LazyDecl[] } {
  const tokens: Token[] = [];
  const kept: LazyDecl[] = [];
  const last: number[] = [];
  // the forward declarations set aside (LazyDefs.forwardDeclared)
  const fwds: LazyDecl[] = [];
  const state = { bol: true };
  let at = 0;
  // the kept index of the marker the current run of adjacent markers is written as (-1: none yet)
  let head = -1;
  // (indexed loops, as in record: 15,000 definitions and ~20,000 tokens, once per header)
  const decls = sk.decls;
  const macro = (n: string) => isMacro(n) || sk.defined.has(n);
  const kwMacro = macro('struct') || macro('union');
  let mlen = MARK.length + 1;
  let mgrow = 36;
  for (let i = 0; i < decls.length; i++) {
    const d = decls[i]!;
    // (keptInOrder, written out: a call per definition costs in a loop that runs once)
    if (d.name !== undefined && macro(d.name)) continue;
    if (d.fwd !== undefined && (kwMacro || macro(d.fwd.slice(d.fwd.indexOf(' ') + 1)))) continue;
    if (renamed?.has(d)) continue;
    // the marker's length without making its name (most markers are grouped away): one more character from each
    // power of 36 of its number on
    while (kept.length >= mgrow) { mlen++; mgrow *= 36; }
    if (d.end - d.start < mlen + 1) continue;
    // a stretch of whitespace alone (between two definitions, nearly always) has no token: only its newlines change
    // the line state, as tokenize would (anything else is tokenized)
    let blank = true;
    let nl = false;
    for (let j = at; j < d.start; j++) {
      const c = text.charCodeAt(j);
      if (c === 10) nl = true;
      else if (c !== 32 && c !== 9 && c !== 13 && c !== 12 && c !== 11) { blank = false; break; }
    }
    const part = blank ? NO_TOKENS : tokenize(text, at, d.start, state);
    if (blank && nl) state.bol = true;
    if (group && head >= 0 && part.length === 0) {
      last[head] = kept.length;
    } else {
      for (let j = 0; j < part.length; j++) tokens.push(part[j]!);
      const m = `${MARK}${kept.length.toString(36)}`;
      tokens.push({ t: Tk.Ident, s: m, start: d.start, end: d.start + m.length, exp: undefined, bol: state.bol, hide: undefined, pai: false });
      head = kept.length;
    }
    last.push(kept.length);
    state.bol = false;
    at = d.end;
    kept.push(d);
    if (d.fwd !== undefined) fwds.push(d);
  }
  const tail = tokenize(text, at, text.length, state);
  for (let j = 0; j < tail.length; j++) tokens.push(tail[j]!);
  return { tokens, decls: kept, last, fwds };
}

/** Which set-aside declarations are parsed in order after all: a typedef whose name is a macro (the name the scan
 * read is not the one declared), a forward declaration whose tag's name (or its keyword) is a macro (it would declare
 * another tag). */
function keptInOrder(sk: Skim, isMacro: (name: string) => boolean): (d: LazyDecl) => boolean {
  const macro = (n: string) => isMacro(n) || sk.defined.has(n);
  const kwMacro = macro('struct') || macro('union');
  return (d) => (d.name !== undefined && macro(d.name)) || (d.fwd !== undefined && (kwMacro || macro(d.fwd.slice(d.fwd.indexOf(' ') + 1))));
}

/** Whether markerTokens may group adjacent markers: no macro (the includer's, `macros`, or the header's own) is named
 * like a marker. */
export function markersGroupable(macros: ReadonlyMap<string, unknown>, sk: Skim): boolean {
  for (const k of macros.keys()) if (k.startsWith(MARK)) return false;
  for (const k of sk.defined) if (k.startsWith(MARK)) return false;
  return true;
}

const NO_TOKENS: Token[] = [];

let SPACES = ' '.repeat(4096);
/** `n` spaces, as a slice of one string grown as needed. */
function spaces(n: number): string {
  while (SPACES.length < n) SPACES += SPACES;
  return SPACES.slice(0, n);
}

/** Record and enum properties the C parser sets on a definition: reading any of them parses it first. */
const RECORD_PROPS: [string, unknown][] = [['fields', []], ['complete', false], ['pai', false], ['packed', false], ['size', 0], ['alignment', 1], ['laidOut', false], ['align', undefined], ['inner', undefined]];
const ENUM_PROPS: [string, unknown][] = [['values', []], ['complete', false], ['size', 4], ['signed', false]];

/** The parse each placeholder not parsed yet is waiting for (its accessors are shared: see armed). */
const PENDING = new WeakMap<object, () => void>();

/**
 * A placeholder's accessors, one set per kind shared by all: the first read or write of any of `props` replaces
 * them by plain properties with their defaults and parses the definition (which completes the same object). Shared
 * because a vmlinux.h's ~1,300 forward declarations each make a placeholder, and two closures per property each
 * made them ~4% of a `sites` run.
 */
function armed(props: [string, unknown][]): PropertyDescriptorMap {
  const fire = (obj: object): void => {
    const parse = PENDING.get(obj);
    PENDING.delete(obj);
    for (const [p, v] of props) Object.defineProperty(obj, p, { value: Array.isArray(v) ? [] : v, writable: true, enumerable: true, configurable: true });
    parse?.();
  };
  const out: PropertyDescriptorMap = {};
  for (const [p] of props) {
    out[p] = {
      configurable: true, enumerable: true,
      get(this: { [k: string]: unknown }) { fire(this); return this[p]; },
      set(this: { [k: string]: unknown }, v: unknown) { fire(this); this[p] = v; },
    };
  }
  return out;
}
const RECORD_ACCESSORS = armed(RECORD_PROPS);
const ENUM_ACCESSORS = armed(ENUM_PROPS);

// isPending (a placeholder whose definition was not parsed yet) lives in cparse.ts, which needs it too and which this
// module imports
export { isPending } from './cparse';

/** The entry of a forward-declared tag whose placeholder is not made yet (UNMADE_FORWARDS); never leaves LazyDefs:
 * its tags Map's `get` makes the placeholder in its place. */
const UNMADE = Object.freeze({ k: 'struct', name: '' }) as unknown as Record;

/** Makes `env` (a header's environment) answer set-aside names by parsing their definitions on first use. */
export class LazyDefs {
  private readonly pre = new Preprocessor();
  private readonly opts: PreOptions = { onInclude: () => undefined };
  /** Parse notes of set-aside definitions (kept for debugging; header parse notes never reach a document). */
  readonly notes: { start: number; end: number; message: string }[] = [];

  /** While the header's in-order part is parsed: the text position it is at (parseLazy sets it; see forwardDeclared). */
  position: (() => number) | undefined;
  /** Where the in-order parse was when a definition was parsed on demand during it. */
  private readonly firedAt = new Map<LazyDecl, number>();

  /** `fwds`: the forward declarations set aside and kept (markerTokens), their activity and pragma state marked (split). */
  constructor(private readonly text: string, private readonly sk: Skim, private readonly env: TypeEnv, macros: Map<string, Macro>, private readonly fwds: readonly LazyDecl[] = []) {
    for (const [k, v] of macros) this.pre.macros.set(k, v);
    lazyStats.setAside += sk.decls.length;
    const self = this;
    const tags = new (class extends Map<string, Record | EnumT> {
      override get(k: string): Record | EnumT | undefined {
        const v = super.get(k);
        return v === undefined || v === UNMADE ? self.placeholder(k, this) : v;
      }
    })();
    (env as { tags: Map<string, Record | EnumT> }).tags = tags;
    (env as { typedefs: Map<string, CType> }).typedefs = this.onDemand<CType>(sk.typedefs);
    (env as { enumConsts: Map<string, { value: bigint; type: EnumT }> }).enumConsts = this.onDemand<{ value: bigint; type: EnumT }>(sk.consts);
    // what each kept forward declaration did first when parsed in order: look its tag up (the definition's
    // placeholder: the header's tags hold the same names as before, in the same order, whatever asks for them later).
    // The entry holds UNMADE until something asks (every read of a tag goes through `get`, which then makes the
    // placeholder as it does for a tag no forward declaration named): a 6.18 vmlinux.h's 1,254 placeholders, each
    // with nine accessors defined, were ~5-6 ms of a second `sites` run that reads a few dozen of them
    for (let i = 0; i < fwds.length; i++) {
      const f = fwds[i]!;
      if (!f.active) continue;
      if (!UNMADE_FORWARDS.value) { tags.get(f.fwd!); continue; }
      // (placeholder's own condition: the tag's definition is in an active branch)
      if (!Map.prototype.has.call(tags, f.fwd!) && sk.tags.get(f.fwd!)?.active) Map.prototype.set.call(tags, f.fwd!, UNMADE);
    }
  }

  /**
   * The rest of what the set-aside forward declarations did in order, once the in-order part is parsed: `struct
   * NAME;` in a pragma region marks its tag preserve_access_index when the tag's record is then neither pending nor
   * complete (cparse recordSpec) — here, the definition's placeholder parsed on demand by an in-order declaration
   * before the forward declaration's place, and left incomplete (a definition our parser could not finish).
   */
  forwardDeclared(): void {
    this.position = undefined;
    if (!this.firedAt.size) return;
    for (let i = 0; i < this.fwds.length; i++) {
      const f = this.fwds[i]!;
      if (!f.active || !f.pai) continue;
      // (UNMADE: nothing asked for the tag, so nothing parsed its definition through it)
      const rec = Map.prototype.get.call(this.env.tags, f.fwd!) as Record | EnumT | undefined;
      if (rec === UNMADE) continue;
      const d = this.sk.tags.get(f.fwd!);
      const at = d && this.firedAt.get(d);
      if (rec && at !== undefined && at < f.start && !isPending(rec) && !(rec as Record).complete) (rec as Record).pai = true;
    }
  }

  /** A map that, asked a name it does not hold, parses the set-aside definition declaring it (enumerators, typedefs)
   * and answers from what that parse added. */
  private onDemand<V>(decls: NameIndex): Map<string, V> {
    const self = this;
    return new (class extends Map<string, V> {
      override get(k: string): V | undefined {
        const v = super.get(k);
        if (v !== undefined) return v;
        const d = decls.get(k);
        if (!d || !d.active || d.state) return undefined;
        self.parse(d);
        return super.get(k);
      }
    })();
  }

  /** How many set-aside definitions were parsed (the bench prints it). */
  get parsed(): number { return this.sk.decls.filter((d) => d.state).length; }

  private placeholder(key: string, into: Map<string, Record | EnumT>): Record | EnumT | undefined {
    const d = this.sk.tags.get(key);
    if (!d || !d.active) return undefined;
    const sp = key.indexOf(' ');
    const kw = key.slice(0, sp);
    const name = key.slice(sp + 1);
    const ph = (kw === 'enum' ? { k: 'enum', name } : { k: kw, name }) as Record | EnumT;
    PENDING.set(ph, () => this.parse(d));
    Object.defineProperties(ph, kw === 'enum' ? ENUM_ACCESSORS : RECORD_ACCESSORS);
    Map.prototype.set.call(into, key, ph);
    return ph;
  }

  /** Parses one set-aside definition into the header's environment (once). */
  private parse(d: LazyDecl): void {
    if (d.state) return;
    d.state = 1;
    if (this.position) this.firedAt.set(d, this.position());
    lazyStats.parsed++;
    this.pre.paiDepth = d.pai ? 1 : 0;
    let toks: Token[];
    try {
      toks = this.pre.run(this.text, this.opts, d.start, d.end).filter((x): x is Token => !('include' in x));
    } catch (e) {
      this.notes.push({ start: d.start, end: d.end, message: `preprocessing failed: ${(e as Error).message}` });
      return;
    }
    const p = new CParser(toks, this.env);
    while (!p.done) {
      const st = p.i;
      try { p.topLevel(() => undefined); } catch (e) {
        this.notes.push({ start: toks[p.i]?.start ?? d.start, end: toks[p.i]?.end ?? d.end, message: `parse error: ${(e as Error).message}` });
        p.skipStatement();
      }
      if (p.i === st) p.i++;
    }
    for (const n of p.notes) this.notes.push(n);
  }

  /** Marks which definitions the preprocessor kept (active branch) and their pragma state, from its marker tokens;
   * `last` (markerTokens'): the last definition each marker stands for. */
  static split(items: Token[], decls: LazyDecl[], last?: readonly number[]): Token[] {
    const rest: Token[] = [];
    for (let i = 0; i < items.length; i++) {
      const t = items[i]!;
      if (t.s.startsWith(MARK) && t.s.length > MARK.length) {
        const k = parseInt(t.s.slice(MARK.length), 36);
        const d = decls[k];
        if (d && !t.exp) {
          const to = last ? last[k]! : k;
          for (let j = k; j <= to; j++) { const e = decls[j]!; e.active = true; e.pai = !!t.pai; }
          continue;
        }
      }
      rest.push(t);
    }
    return rest;
  }
}

/** The packed tables' hash of a name: FNV-1a over its length and at most 9 of its characters (both ends, the middle),
 * a bounded cost: a cold run hashes ~33,000 names once, mostly in V8's interpreter, where a loop over every character
 * cost ~20 ms. Names sharing a prefix (`struct `, an enum's) differ at their ends. A lookup compares whole names. */
function hashName(k: string): number {
  const n = k.length;
  let h = Math.imul(0x811c9dc5 ^ n, 0x01000193);
  if (n <= 9) {
    for (let i = 0; i < n; i++) h = Math.imul(h ^ k.charCodeAt(i), 0x01000193);
  } else {
    const m = n >> 1;
    h = Math.imul(h ^ k.charCodeAt(n - 1), 0x01000193);
    h = Math.imul(h ^ k.charCodeAt(n - 2), 0x01000193);
    h = Math.imul(h ^ k.charCodeAt(n - 3), 0x01000193);
    h = Math.imul(h ^ k.charCodeAt(n - 4), 0x01000193);
    h = Math.imul(h ^ k.charCodeAt(n - 5), 0x01000193);
    h = Math.imul(h ^ k.charCodeAt(m), 0x01000193);
    h = Math.imul(h ^ k.charCodeAt(m - 1), 0x01000193);
    h = Math.imul(h ^ k.charCodeAt(n >> 2), 0x01000193);
    h = Math.imul(h ^ k.charCodeAt(7), 0x01000193);
  }
  return (h ^ (h >>> 15)) >>> 0;
}

/** hashName of the ASCII name at `b[off, off + n)`. */
function hashBytes(b: Uint8Array, off: number, n: number): number {
  let h = Math.imul(0x811c9dc5 ^ n, 0x01000193);
  if (n <= 9) {
    for (let i = 0; i < n; i++) h = Math.imul(h ^ b[off + i]!, 0x01000193);
  } else {
    const m = off + (n >> 1);
    const z = off + n;
    h = Math.imul(h ^ b[z - 1]!, 0x01000193);
    h = Math.imul(h ^ b[z - 2]!, 0x01000193);
    h = Math.imul(h ^ b[z - 3]!, 0x01000193);
    h = Math.imul(h ^ b[z - 4]!, 0x01000193);
    h = Math.imul(h ^ b[z - 5]!, 0x01000193);
    h = Math.imul(h ^ b[m]!, 0x01000193);
    h = Math.imul(h ^ b[m - 1]!, 0x01000193);
    h = Math.imul(h ^ b[off + (n >> 2)]!, 0x01000193);
    h = Math.imul(h ^ b[off + 7]!, 0x01000193);
  }
  return (h ^ (h >>> 15)) >>> 0;
}

/**
 * Names to set-aside definitions as encodeSkim wrote them, answered in place from the cache file's bytes (an
 * open-addressing table of entry indexes, each entry a name's offset and length in the names' bytes and a decl
 * index). Why: building the ~33,000 names and three Maps of a 6.18 vmlinux.h was ~40-50 ms of a second `sites` run
 * (with the collections it caused), while a run looks up a few hundred names. Iteration (tests, re-encoding) makes
 * the names then, in the order the scan's Map had.
 */
class PackedNames implements NameIndex {
  constructor(private readonly a: Int32Array, private readonly buf: Buffer, private readonly base: number, private readonly decls: readonly LazyDecl[],
    /** word index of the entries (3 words each), of the slots, their count (a power of two) */
    private readonly ent: number, readonly size: number, private readonly slots: number, private readonly cap: number) {}

  /** The entry holding `k`, or -1 (also where the table is not well formed: decodeSkim checked only its bounds, the
   * probe checks the rest, and at most `cap` slots, so a damaged table that passed the checksum never loops). */
  /** The decl index `k` names, or -1 (pack's lookups, before there are decls). */
  declOf(k: string): number { const e = this.find(k); return e < 0 ? -1 : this.a[this.ent + e * 3 + 2]!; }

  private find(k: string): number {
    const a = this.a;
    const b = this.buf;
    const mask = this.cap - 1;
    const len = k.length;
    for (let h = hashName(k) & mask, n = 0; n < this.cap; h = (h + 1) & mask, n++) {
      const e = a[this.slots + h]! - 1;
      if (e < 0 || e >= this.size) return -1;
      const at = this.ent + e * 3;
      if (a[at + 1] !== len) continue;
      const off = this.base + a[at]!;
      if (a[at]! < 0 || off + len > b.length) return -1;
      let i = 0;
      while (i < len && b[off + i] === k.charCodeAt(i)) i++;
      if (i === len) return e;
    }
    return -1;
  }

  /** Answers so far: the C parser asks the same names again and again (every identifier of a declaration is looked up
   * as a typedef name, the headers after this one ask through it), and V8's Map hashes a string once (its hash is
   * kept in the string), while find runs in JS, mostly unoptimised. */
  private readonly seen = new Map<string, LazyDecl | null>();

  get(k: string): LazyDecl | undefined {
    let d = this.seen.get(k);
    if (d === undefined) {
      const e = this.find(k);
      d = (e < 0 ? undefined : this.decls[this.a[this.ent + e * 3 + 2]!]) ?? null;
      this.seen.set(k, d);
    }
    return d ?? undefined;
  }
  has(k: string): boolean { return this.get(k) !== undefined; }
  private name(e: number): string { const at = this.ent + e * 3; const off = this.base + this.a[at]!; return this.buf.toString('latin1', off, off + this.a[at + 1]!); }
  forEach(f: (d: LazyDecl, k: string) => void): void { for (let e = 0; e < this.size; e++) f(this.decls[this.a[this.ent + e * 3 + 2]!]!, this.name(e)); }
  *keys(): IterableIterator<string> { for (let e = 0; e < this.size; e++) yield this.name(e); }
  *[Symbol.iterator](): IterableIterator<[string, LazyDecl]> { for (let e = 0; e < this.size; e++) yield [this.name(e), this.decls[this.a[this.ent + e * 3 + 2]!]!]; }
}

/**
 * A skim as bytes (source/skimCache.ts keeps it between processes), or undefined when it cannot be (a name that is
 * not ASCII, a named definition that is not its typedef's). Laid out to be read in place (decodeSkim builds the
 * definitions, not the names: PackedNames). Little-endian int32s: decl count, then per decl start and end; for tags,
 * consts and typedefs the entry count, the slot count (a power of two, at least twice the entries), the entries (name
 * offset, name length, decl index) and the slots (0 empty, else entry index + 1, linear probing from hashName); the
 * count of #defined names and their offsets and lengths; the count of forward declarations set aside and per one its decl index and its tag key's offset
 * and length — followed by every name's bytes, back to back (ASCII).
 * A decl's name is the typedefs entry naming it (the scan's typedefs map each named decl's name to it).
 */
export function encodeSkim(sk: Skim): Buffer | undefined {
  const nd = sk.decls.length;
  const lists = [sk.tags, sk.consts, sk.typedefs];
  // (a load of at most 1/2: most lookups are misses — the C parser asks whether each identifier is a typedef name —
  // and a miss probes to a free slot; at 3/4 the tags' probes were ~7 slots long)
  const caps = lists.map((m) => { let c = 4; while (c < m.size * 2) c *= 2; return c; });
  let nFwd = 0;
  for (let i = 0; i < nd; i++) if (sk.decls[i]!.fwd !== undefined) nFwd++;
  const ints = new Int32Array(1 + nd * 2 + lists.reduce((n, m, i) => n + 2 + m.size * 3 + caps[i]!, 0) + 1 + sk.defined.size * 2 + 1 + nFwd * 3);
  let w = 0;
  ints[w++] = nd;
  for (let i = 0; i < nd; i++) {
    const d = sk.decls[i]!;
    if (d.idx !== i || (d.name !== undefined && sk.typedefs.get(d.name) !== d)) return undefined;
    ints[w++] = d.start;
    ints[w++] = d.end;
  }
  const names: string[] = [];
  const tables: number[] = [];
  let off = 0;
  for (let m = 0; m < 3; m++) {
    const map = lists[m]!;
    const cap = caps[m]!;
    ints[w++] = map.size;
    ints[w++] = cap;
    const ent = w;
    let e = 0;
    let bad = false;
    map.forEach((d, k) => {
      const di = d.idx;
      if (sk.decls[di] !== d) { bad = true; return; }
      ints[ent + e * 3] = off;
      ints[ent + e * 3 + 1] = k.length;
      ints[ent + e * 3 + 2] = di;
      names.push(k);
      off += k.length;
      e++;
    });
    if (bad) return undefined;
    tables.push(ent, map.size, ent + map.size * 3, cap);
    w = ent + map.size * 3 + cap;
  }
  ints[w++] = sk.defined.size;
  sk.defined.forEach((k) => { ints[w++] = off; ints[w++] = k.length; names.push(k); off += k.length; });
  ints[w++] = nFwd;
  for (let i = 0; i < nd; i++) {
    const k = sk.decls[i]!.fwd;
    if (k === undefined) continue;
    ints[w++] = i;
    ints[w++] = off;
    ints[w++] = k.length;
    names.push(k);
    off += k.length;
  }
  const blob = names.join('');
  // eslint-disable-next-line no-control-regex
  if (/[^\x00-\x7f]/.test(blob)) return undefined;
  // the names' bytes written once, where they end up (a Buffer of their own and a concat copied 1.7 MB twice)
  const base = w * 4;
  const inWasm = slotsInWasm(ints, base, blob, tables);
  if (inWasm) return inWasm;
  const out = Buffer.allocUnsafe(base + blob.length);
  out.write(blob, base, 'latin1');
  // the slots, hashing each name's bytes (hashBytes: hashName's value, an element load where hashName calls
  // charCodeAt — in V8's interpreter, where this runs once, a call per character was ~10 ms of a cold run)
  for (let m = 0; m < 3; m++) {
    const ent = tables[m * 4]!;
    const n = tables[m * 4 + 1]!;
    const slots = tables[m * 4 + 2]!;
    const mask = tables[m * 4 + 3]! - 1;
    for (let e = 0; e < n; e++) {
      for (let h = hashBytes(out, base + ints[ent + e * 3]!, ints[ent + e * 3 + 1]!) & mask; ; h = (h + 1) & mask) if (ints[slots + h] === 0) { ints[slots + h] = e + 1; break; }
    }
  }
  out.set(new Uint8Array(ints.buffer, 0, base), 0);
  return out;
}

let slotModule: object | undefined | null;

/**
 * encodeSkim's output made in a WebAssembly memory, its hash slots filled there by slotsModule (undefined: no
 * WebAssembly, or CORELENS_WASM_SLOTS=0; the loop in JavaScript then does it). Why: encodeSkim runs once per header
 * and process, so its loop over ~33,000 names ran in V8's interpreter (~7 ms of a cold `sites` run); Liftoff
 * compiles this in a fraction of a millisecond. The bytes are the same (the test compares them).
 */
function slotsInWasm(ints: Int32Array, base: number, blob: string, tables: number[]): Buffer | undefined {
  if (process.env.CORELENS_WASM_SLOTS === '0' || !wasmApi) return undefined;
  if (slotModule === undefined) slotModule = builtModule('slots', PACK_FILES, slotsModule) ?? null;
  if (!slotModule) return undefined;
  try {
    const memory = new wasmApi.Memory({ initial: Math.ceil((base + blob.length) / WASM_PAGE) });
    const fill = (new wasmApi.Instance(slotModule, { m: { mem: memory } }).exports as { fill: (ent: number, n: number, slots: number, mask: number, base: number) => void }).fill;
    const out = Buffer.from(memory.buffer, 0, base + blob.length);
    out.set(new Uint8Array(ints.buffer, 0, base), 0);
    out.write(blob, base, 'latin1');
    for (let m = 0; m < 3; m++) fill(tables[m * 4]!, tables[m * 4 + 1]!, tables[m * 4 + 2]!, tables[m * 4 + 3]! - 1, base);
    lazyStats.wasmSlots++;
    return out;
  } catch {
    return undefined; // (no memory to be had: the JavaScript loop)
  }
}

/**
 * WebAssembly code leaving hashBytes(memory, off, len) in local `h` (i, m, z scratch): FNV-1a over every byte of a
 * short name, over nine sampled bytes of a long one, step for step as hashBytes; one text for the two modules that
 * must hash alike (slotsModule fills the table, lookupModule probes it).
 */
function hashBytesCode(l: { h: number; off: number; len: number; i: number; m: number; z: number }): Code {
  const { get, set, c, add, sub, mul, xor, shrS, ltS, geU, brIf, br } = op;
  const { h, off, len, i, m, z } = l;
  const P = 0x01000193;
  // h = Math.imul(h ^ b[<addr>], P)
  const mix = (addr: Code) => [get(h), addr, op.load8(), xor, c(P), mul, set(h)];
  return [
    c(0x811c9dc5), get(len), xor, c(P), mul, set(h),
    get(len), c(10), ltS, op.if,
    c(0), set(i),
    op.block, op.loop,
    get(i), get(len), geU, brIf(1),
    mix([get(off), get(i), add]),
    get(i), c(1), add, set(i),
    br(0),
    op.end, op.end,
    op.else,
    get(off), get(len), c(1), shrS, add, set(m),
    get(off), get(len), add, set(z),
    mix([get(z), c(1), sub]), mix([get(z), c(2), sub]), mix([get(z), c(3), sub]),
    mix([get(z), c(4), sub]), mix([get(z), c(5), sub]),
    mix(get(m)), mix([get(m), c(1), sub]),
    mix([get(off), get(len), c(2), shrS, add]), mix([get(off), c(7), add]),
    op.end,
  ];
}

/**
 * `fill(ent, n, slots, mask, base) -> 1 | 0`: encodeSkim's slot loop over the memory (int32 words from 0, names from
 * byte `base`): for each of the n entries (offset, length, decl) at word `ent`, hashBytes of its name, then the first
 * free slot from there (linear probing) gets entry + 1. Step for step hashBytes and the loop in encodeSkim. Returns 1
 * as soon as a slot on the way holds an equal name (pack: a name defined twice; encodeSkim's names never repeat).
 */
function slotsModule(): Uint8Array {
  const { get, set, tee, c, add, sub, mul, and, xor, shl, shrU, geU, eqz, eq, ne, brIf, br } = op;
  const [ent, n, slots, mask, base, e, p, off, len, h, m, z, i, q, j] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14];
  return oneFunctionModule('fill', 5, 10, true, flatten([
    op.block, op.loop,
    // for (let e = 0; e < n; e++)
    get(e), get(n), geU, brIf(1),
    // p = (ent + e * 3) * 4; off = base + ints[ent + e * 3]; len = ints[ent + e * 3 + 1]
    get(ent), get(e), c(3), mul, add, c(2), shl, tee(p), op.load(), get(base), add, set(off),
    get(p), op.load(4), set(len),
    // hashBytes(out, off, len)
    hashBytesCode({ h, off, len, i, m, z }),
    // h = ((h ^ (h >>> 15)) >>> 0) & mask, then probe from there
    get(h), get(h), c(15), shrU, xor, get(mask), and, set(h),
    op.block, op.loop,
    // p = (slots + h) * 4: free (0) takes e + 1
    get(slots), get(h), add, c(2), shl, tee(p), op.load(), tee(q), eqz, op.if,
    get(p), get(e), c(1), add, op.store(), br(2),
    op.end,
    // taken by entry q - 1: q = its word address * 4; same length, then the same bytes: return 1
    get(ent), get(q), c(1), sub, c(3), mul, add, c(2), shl, tee(q), op.load(4), get(len), eq, op.if,
    get(q), op.load(), get(base), add, set(q),
    c(0), set(j),
    op.block, op.loop,
    get(j), get(len), geU, op.if, c(1), op.return, op.end,
    get(off), get(j), add, op.load8(), get(q), get(j), add, op.load8(), ne, brIf(1),
    get(j), c(1), add, set(j),
    br(0),
    op.end, op.end,
    op.end,
    get(h), c(1), add, get(mask), and, set(h),
    br(0),
    op.end, op.end,
    get(e), c(1), add, set(e),
    br(0),
    op.end, op.end,
    c(0),
  ]));
}

/** `compact(src, n, dst, map) -> count`: PackMemory's JavaScript `compact` step for step (word addresses). */
function compactModule(): Uint8Array {
  const { get, set, tee, c, add, mul, shl, ltS, eqz, geU, brIf, br } = op;
  const [src, n, dst, map, e, p, d, q, k] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
  return oneFunctionModule('compact', 4, 5, true, flatten([
    op.block, op.loop,
    get(e), get(n), geU, brIf(1),
    // p = (src + e * 3) * 4; d = map[its definition]; kept when d >= 0
    get(src), get(e), c(3), mul, add, c(2), shl, tee(p),
    op.load(8), get(map), add, c(2), shl, op.load(), tee(d), c(0), ltS, eqz, op.if,
    get(dst), get(k), c(3), mul, add, c(2), shl, tee(q), get(p), op.load(), op.store(),
    get(q), get(p), op.load(4), op.store(4),
    get(q), get(d), op.store(8),
    get(k), c(1), add, set(k),
    op.end,
    get(e), c(1), add, set(e),
    br(0),
    op.end, op.end,
    get(k),
  ]));
}

/**
 * `find(q, n, ent, slots, mask, base) -> 0`: PackMemory.lookup, PackedNames.find step for step: for each of the n
 * entries (offset, length, -) at word `q`, hashBytes of its name (at byte `base` + offset), then linear probing from
 * there in the slots at word `slots` until a free slot (its third word becomes -1) or an entry of the table at word
 * `ent` with an equal name (its definition, the entry's third word). The table is pack's own, just filled: it has a
 * free slot (at most half full), so a probe ends.
 */
function lookupModule(): Uint8Array {
  const { get, set, tee, c, add, sub, mul, and, xor, shl, shrU, geU, eqz, eq, ne, brIf, br } = op;
  const [q, n, ent, slots, mask, base, e, p, off, len, h, m, z, i, s, r, j] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16];
  return oneFunctionModule('find', 6, 11, true, flatten([
    op.block, op.loop,
    // for (let e = 0; e < n; e++): p = (q + e * 3) * 4; off = base + its first word; len = its second
    get(e), get(n), geU, brIf(1),
    get(q), get(e), c(3), mul, add, c(2), shl, tee(p), op.load(), get(base), add, set(off),
    get(p), op.load(4), set(len),
    // hashBytes(memory, off, len), as slotsModule
    hashBytesCode({ h, off, len, i, m, z }),
    get(h), get(h), c(15), shrU, xor, get(mask), and, set(h),
    op.block, op.loop,
    // a free slot: not held
    get(slots), get(h), add, c(2), shl, op.load(), tee(s), eqz, op.if,
    get(p), c(-1), op.store(8), br(2),
    op.end,
    // entry s - 1 (r: its byte address): same length, then the same bytes: its definition
    get(ent), get(s), c(1), sub, c(3), mul, add, c(2), shl, tee(r), op.load(4), get(len), eq, op.if,
    get(r), op.load(), get(base), add, set(s),
    c(0), set(j),
    op.block, op.loop,
    get(j), get(len), geU, op.if, get(p), get(r), op.load(8), op.store(8), br(5), op.end,
    get(off), get(j), add, op.load8(), get(s), get(j), add, op.load8(), ne, brIf(1),
    get(j), c(1), add, set(j),
    br(0),
    op.end, op.end,
    op.end,
    get(h), c(1), add, get(mask), and, set(h),
    br(0),
    op.end, op.end,
    get(e), c(1), add, set(e),
    br(0),
    op.end, op.end,
    c(0),
  ]));
}

/**
 * `names(ent, n, kw, base, off) -> off`: pack's name copy over the memory (the header's bytes from 0, the keyword
 * table at `kw`: KW_TEXT[k] at kw + 8k, its length at kw + 32 + 4k): each of the n entries at word `ent`, (position |
 * keyword << 28, length, decl), becomes (off, keyword's length + length, decl) with the keyword's and the name's bytes
 * written at `base + off`; returns the offset after the last. PackMemory's JavaScript `names` step for step.
 */
function namesModule(): Uint8Array {
  const { get, set, tee, c, add, mul, and, shl, shrU, geU, brIf, br } = op;
  const [ent, n, kw, base, off, e, p, w, len, k, kl, dst] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
  return oneFunctionModule('names', 5, 7, true, flatten([
    op.block, op.loop,
    get(e), get(n), geU, brIf(1),
    // p = (ent + e * 3) * 4; w = its first word, len its second; k = w >>> 28; kl = the keyword's length
    get(ent), get(e), c(3), mul, add, c(2), shl, tee(p), op.load(), set(w),
    get(p), op.load(4), set(len),
    get(w), c(28), shrU, set(k),
    get(kw), get(k), c(2), shl, add, op.load(32), set(kl),
    get(base), get(off), add, set(dst),
    // the keyword, then the name's bytes from the header
    get(dst), get(kw), get(k), c(3), shl, add, get(kl), op.memoryCopy,
    get(dst), get(kl), add, get(w), c(0x0fffffff), and, get(len), op.memoryCopy,
    get(p), get(off), op.store(),
    get(p), get(kl), get(len), add, op.store(4),
    get(off), get(kl), add, get(len), add, set(off),
    get(e), c(1), add, set(e),
    br(0),
    op.end, op.end,
    get(off),
  ]));
}

/** The skim of `text` from encodeSkim's bytes, or undefined when they do not fit the text (a count, offset or index
 * out of range, positions outside it or not ascending). Only the shape is checked here: the caller keys the bytes
 * by the text's hash and checks their checksum. The names stay in `buf` (PackedNames answers from it). */
export function decodeSkim(buf: Buffer, text: string): Skim | undefined {
  if (buf.length < 4) return undefined;
  // an aligned copy of the int32 part (readFileSync's buffer may start anywhere in its ArrayBuffer)
  const words = Math.floor(buf.length / 4);
  const a = buf.byteOffset % 4 === 0 ? new Int32Array(buf.buffer, buf.byteOffset, words) : new Int32Array(Uint8Array.from(buf.subarray(0, words * 4)).buffer);
  // read in place, in plain indexed loops: this runs once per process, mostly before V8 optimises anything
  const nd = a[0]!;
  if (nd < 0 || 1 + nd * 2 > words) return undefined;
  let p = 1 + nd * 2;
  const tab: number[] = [];
  for (let m = 0; m < 3; m++) {
    const n = p + 1 < words ? a[p]! : -1;
    const cap = p + 1 < words ? a[p + 1]! : -1;
    // a power of two holding every entry with a free slot (a probe ends)
    if (n < 0 || cap < 4 || (cap & (cap - 1)) !== 0 || cap <= n || p + 2 + n * 3 + cap > words) return undefined;
    tab.push(p + 2, n, p + 2 + n * 3, cap);
    p += 2 + n * 3 + cap;
  }
  const nDef = p < words ? a[p++]! : -1;
  if (nDef < 0 || p + nDef * 2 > words) return undefined;
  const defAt = p;
  p += nDef * 2;
  const nFwd = p < words ? a[p++]! : -1;
  if (nFwd < 0 || p + nFwd * 3 > words) return undefined;
  const fwdAt = p;
  p += nFwd * 3;
  const base = p * 4;
  const nb = buf.length - base;
  const decls: LazyDecl[] = new Array(nd);
  let last = 0;
  for (let i = 0; i < nd; i++) {
    const start = a[1 + i * 2]!;
    const end = a[2 + i * 2]!;
    if (start < last || end <= start || end > text.length) return undefined;
    last = end;
    decls[i] = { start, end, state: 0, active: false, pai: false, name: undefined, idx: i, fwd: undefined };
  }
  const packed: PackedNames[] = [];
  for (let m = 0; m < 3; m++) {
    const ent = tab[m * 4]!;
    const n = tab[m * 4 + 1]!;
    const slots = tab[m * 4 + 2]!;
    const cap = tab[m * 4 + 3]!;
    // (the entries and slots are checked where a lookup reads them: a loop over ~100,000 words here, in V8's
    // interpreter, was ~10 ms of a run that looks up a few hundred names)
    packed.push(new PackedNames(a, buf, base, decls, ent, n, slots, cap));
  }
  // the names made here (typedefs', #defined, forward declarations' keys) checked first, then sliced from one string
  // of the names' bytes from the lowest of them (a Buffer#toString call per name was ~5 ms of a run)
  const td = tab[8]!;
  const tdEnd = td + tab[9]! * 3;
  let lo = nb;
  for (let e = td; e < tdEnd; e += 3) {
    const off = a[e]!;
    const len = a[e + 1]!;
    const di = a[e + 2]!;
    if (off < 0 || len < 0 || off + len > nb || di < 0 || di >= nd) return undefined;
    if (off < lo) lo = off;
  }
  for (let i = defAt; i < defAt + nDef * 2; i += 2) {
    const off = a[i]!;
    const len = a[i + 1]!;
    if (off < 0 || len < 0 || off + len > nb) return undefined;
    if (off < lo) lo = off;
  }
  for (let i = fwdAt; i < fwdAt + nFwd * 3; i += 3) {
    const di = a[i]!;
    const off = a[i + 1]!;
    const len = a[i + 2]!;
    if (di < 0 || di >= nd || off < 0 || len < 0 || off + len > nb) return undefined;
    if (off < lo) lo = off;
  }
  const str = buf.toString('latin1', base + lo, buf.length);
  // each typedef names its decl (encodeSkim's rule)
  for (let e = td; e < tdEnd; e += 3) decls[a[e + 2]!]!.name = str.slice(a[e]! - lo, a[e]! - lo + a[e + 1]!);
  const defined = new Set<string>();
  for (let i = defAt; i < defAt + nDef * 2; i += 2) defined.add(str.slice(a[i]! - lo, a[i]! - lo + a[i + 1]!));
  for (let i = fwdAt; i < fwdAt + nFwd * 3; i += 3) decls[a[i]!]!.fwd = str.slice(a[i + 1]! - lo, a[i + 1]! - lo + a[i + 2]!);
  return { decls, tags: packed[0]!, consts: packed[1]!, typedefs: packed[2]!, defined };
}
