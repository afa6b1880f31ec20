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
// by a short marker of the same length; everything else (typedefs, prototypes, functions, directives) is
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

import { CParser, TypeEnv } from './cparse';
import { EnumT, Record } from './ctypes';
import { Token, commentEnd } from './lexer';
import { Macro, PreOptions, Preprocessor } from './preproc';

/** Headers smaller than this are parsed in full (lazy parsing pays off on big generated headers only). */
export const LAZY_MIN_BYTES = { value: 256 * 1024 };

/** Counters for the bench: definitions set aside and parsed, since the process started. */
export const lazyStats = { setAside: 0, parsed: 0 };

/** A set-aside definition. */
interface LazyDecl {
  start: number;
  end: number;
  /** 0: not parsed yet; 1: parsed (or being parsed). */
  state: number;
  /** In an active branch (decided by the preprocessor's run over the marker text). */
  active: boolean;
  pai: boolean;
}

/** The scan's result: set-aside definitions and what they declare. */
export interface Skim {
  decls: LazyDecl[];
  tags: Map<string, LazyDecl>;
  consts: Map<string, LazyDecl>;
}

const enum T { Eof, Ident, Punct, Other, Directive }

/** The identifiers the scan cares about. */
const enum K { None, Struct, Union, Enum, Attribute }

/** Which of the scan's keywords the identifier at `start` is (by length and first character first: most are none). */
function keyword(s: string, start: number, len: number, c: number): K {
  if (len === 6) return c === 115 && s.startsWith('struct', start) ? K.Struct : K.None;
  if (len === 5) return c === 117 && s.startsWith('union', start) ? K.Union : K.None;
  if (len === 4) return c === 101 && s.startsWith('enum', start) ? K.Enum : K.None;
  if (len === 13) return c === 95 && s.startsWith('__attribute__', start) ? K.Attribute : K.None;
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
  private bol = true;
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
 * is not eligible (see the file comment).
 */
export function skim(text: string): Skim | undefined {
  const sc = new Scanner(text);
  const out: Skim = { decls: [], tags: new Map(), consts: new Map() };
  let t = sc.next();
  while (t !== T.Eof) {
    if (t === T.Directive) {
      const d = directiveName(text, sc.start, sc.end);
      if (d === 'include' || d === 'include_next' || d === 'import') return undefined;
      if ((d === 'define' || d === 'undef') && out.decls.length) return undefined;
      t = sc.next();
      continue;
    }
    // one top-level declaration
    const start = sc.start;
    let pure = t === T.Ident && sc.kw >= K.Struct && sc.kw <= K.Enum;
    let depth = 0;
    let prevClose = false; // previous significant token was ')'
    let fnBody = false;
    let outerClosed = false;
    let directive = false;
    const keys: string[] = [];
    const consts: string[] = [];
    // tag being declared: 1 after the keyword, 2 after its name; enum bodies collect enumerators
    let tagState = 0;
    let tagKw = '';
    // the name's position: sliced only when a body follows (most tag names in a header are member types)
    let tagNameStart = 0;
    let tagNameEnd = 0;
    const enumDepths: number[] = [];
    let expectConst = false;
    let end = -1;
    for (; t !== T.Eof; t = sc.next()) {
      if (t === T.Directive) { directive = true; prevClose = false; continue; }
      if (t === T.Ident) {
        const kw = sc.kw;
        if (outerClosed && depth === 0 && kw !== K.Attribute) pure = false;
        if (kw >= K.Struct && kw <= K.Enum) { tagState = 1; tagKw = kw === K.Struct ? 'struct' : kw === K.Union ? 'union' : 'enum'; tagNameEnd = tagNameStart; }
        else if (tagState === 1 && kw === K.Attribute) { pure = false; tagState = 0; } // attributes before the name: parse in full
        else if (tagState === 1) { tagState = 2; tagNameStart = sc.start; tagNameEnd = sc.end; }
        else tagState = 0;
        if (expectConst && enumDepths.length && enumDepths[enumDepths.length - 1] === depth) { consts.push(sc.word()); expectConst = false; }
        prevClose = false;
        continue;
      }
      if (t !== T.Punct) { tagState = 0; prevClose = false; continue; }
      const c = sc.ch;
      if (c === 123 /* { */) {
        if (depth === 0 && prevClose) fnBody = true;
        if (depth === 0 && outerClosed) pure = false;
        if (tagState >= 1) {
          if (tagState === 2 && tagNameEnd > tagNameStart) keys.push(`${tagKw} ${text.slice(tagNameStart, tagNameEnd)}`);
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
        tagState = 0;
        if (c === 59 /* ; */ && depth === 0) { end = sc.end; t = sc.next(); break; }
      }
      prevClose = c === 41;
    }
    if (end < 0) end = text.length;
    if (pure && outerClosed && !directive && !fnBody && depth === 0) {
      const d: LazyDecl = { start, end, state: 0, active: false, pai: false };
      for (const k of keys) { if (out.tags.has(k)) return undefined; out.tags.set(k, d); }
      for (const k of consts) { if (out.consts.has(k)) return undefined; out.consts.set(k, d); }
      out.decls.push(d);
    }
  }
  return out;
}

const MARK = '$L';

/** The header text with each set-aside definition replaced by a marker of the same length (offsets unchanged). */
export function markerText(text: string, sk: Skim): { text: string; decls: LazyDecl[] } {
  const parts: string[] = [];
  const kept: LazyDecl[] = [];
  let at = 0;
  for (const d of sk.decls) {
    const m = `${MARK}${kept.length.toString(36)}`;
    if (d.end - d.start < m.length + 1) continue;
    // the padding is a comment where it fits: the tokenizer skips it with one indexOf instead of a step per space
    const pad = d.end - d.start - m.length;
    parts.push(text.slice(at, d.start), m, pad >= 5 ? ` /*${' '.repeat(pad - 5)}*/` : ' '.repeat(pad));
    at = d.end;
    kept.push(d);
  }
  parts.push(text.slice(at));
  return { text: parts.join(''), decls: kept };
}

/** Record and enum properties the C parser sets on a definition: reading any of them parses it first. */
const RECORD_PROPS: [string, unknown][] = [['fields', []], ['complete', false], ['pai', false], ['packed', false], ['size', 0], ['alignment', 1], ['laidOut', false], ['align', undefined], ['inner', undefined]];
const ENUM_PROPS: [string, unknown][] = [['values', []], ['complete', false], ['size', 4], ['signed', false]];

/** True for a placeholder whose set-aside definition was not parsed yet (it exists and is in an active branch, so
 * the record is complete); reading nothing, it parses nothing. */
export function isPending(r: Record): boolean {
  return typeof Object.getOwnPropertyDescriptor(r, 'complete')?.get === 'function';
}

/** Makes `env` (a header's environment) answer set-aside names by parsing their definitions on first use. */
export class LazyDefs {
  private readonly pre = new Preprocessor();
  private readonly opts: PreOptions = { onInclude: () => undefined };
  /** Parse notes of set-aside definitions (kept for debugging; header parse notes never reach a document). */
  readonly notes: { start: number; end: number; message: string }[] = [];

  constructor(private readonly text: string, private readonly sk: Skim, private readonly env: TypeEnv, macros: Map<string, Macro>) {
    for (const [k, v] of macros) this.pre.macros.set(k, v);
    lazyStats.setAside += sk.decls.length;
    const self = this;
    const tags = new (class extends Map<string, Record | EnumT> {
      override get(k: string): Record | EnumT | undefined { return super.get(k) ?? self.placeholder(k, this); }
    })();
    const consts = new (class extends Map<string, { value: bigint; type: EnumT }> {
      override get(k: string): { value: bigint; type: EnumT } | undefined {
        const v = super.get(k);
        if (v !== undefined) return v;
        const d = self.sk.consts.get(k);
        if (!d || !d.active || d.state) return undefined;
        self.parse(d);
        return super.get(k);
      }
    })();
    (env as { tags: Map<string, Record | EnumT> }).tags = tags;
    (env as { enumConsts: Map<string, { value: bigint; type: EnumT }> }).enumConsts = consts;
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
    const props = kw === 'enum' ? ENUM_PROPS : RECORD_PROPS;
    const obj = ph as unknown as { [p: string]: unknown };
    const disarm = () => { for (const [p, v] of props) Object.defineProperty(ph, p, { value: Array.isArray(v) ? [] : v, writable: true, enumerable: true, configurable: true }); };
    for (const [p] of props) {
      Object.defineProperty(ph, p, {
        configurable: true, enumerable: true,
        get: () => { disarm(); this.parse(d); return obj[p]; },
        set: (v: unknown) => { disarm(); this.parse(d); obj[p] = v; },
      });
    }
    Map.prototype.set.call(into, key, ph);
    return ph;
  }

  /** Parses one set-aside definition into the header's environment (once). */
  private parse(d: LazyDecl): void {
    if (d.state) return;
    d.state = 1;
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

  /** Marks which definitions the preprocessor kept (active branch) and their pragma state, from its marker tokens. */
  static split(items: Token[], decls: LazyDecl[]): Token[] {
    const rest: Token[] = [];
    for (const t of items) {
      if (t.s.startsWith(MARK) && t.s.length > MARK.length) {
        const k = parseInt(t.s.slice(MARK.length), 36);
        const d = decls[k];
        if (d && !t.exp) { d.active = true; d.pai = !!t.pai; continue; }
      }
      rest.push(t);
    }
    return rest;
  }
}
