// A small C preprocessor: conditionals, object/function-like macros, includes and clang's attribute pragma regions.
//
// What BPF programs, bpftool-generated headers and libbpf's own headers use: libbpf's bpf/*.h are read like any
// header, so BPF_CORE_READ & co expand down to clang's builtins (__builtin_preserve_*), the typer's primitives.
// `_Pragma` operators vanish (an unroll one leaves its loop hint), `__has_include`/`__has_builtin`/`__has_attribute` answer as clang 14 for -target bpf
// would for what BPF code asks, `#pragma once` and `#include_next` work, and every #undef is recorded so a cached
// header replays exactly the macro state it left.

import { Tk, Token, UNROLL, tokenize } from './lexer';

export interface Macro {
  params?: string[];
  variadic?: boolean;
  body: Token[];
  /** Defined by the analyzer (libbpf / arch), not by a document. */
  builtin?: boolean;
}

/** An `#include` found in the active text. */
export interface IncludeRef {
  name: string;
  angle: boolean;
  /** `#include_next`: search the include paths after the one the including file was found in. */
  next?: boolean;
  start: number;
  end: number;
}

export interface PreNote { start: number; end: number; message: string }

/** Output item: a token, or an include marker at the position it appeared. */
export type PreItem = Token | { include: IncludeRef };

export interface PreOptions {
  /** Called for each include with the items produced so far (parsed before the header, which sees them). */
  onInclude: (ref: IncludeRef, pre: Preprocessor, before: PreItem[]) => void;
  /** `#pragma once` in this text. */
  onPragmaOnce?: () => void;
  /** `__has_include(...)` in an #if: does the header resolve? */
  hasInclude?: (ref: IncludeRef) => boolean;
  /** The tokens of the whole text, already made (a lazily parsed header's, lazyHeader.ts markerTokens): used instead
   * of tokenizing it. */
  tokens?: Token[];
}

/** Builtins clang 14 answers `__has_builtin` with 1 for (the ones BPF code asks about). */
const HAS_BUILTIN = /^__builtin_(preserve_access_index|preserve_field_info|preserve_type_info|preserve_enum_value|btf_type_id|bswap(16|32|64)|memcpy|memset|memmove|expect|constant_p|offsetof|types_compatible_p|choose_expr|unreachable|trap|clz|ctz|popcount|ffs|abs)/;
/** Attributes clang 14 knows for -target bpf among those BPF code asks about. */
const HAS_ATTRIBUTE = new Set(['preserve_access_index', 'btf_decl_tag', 'btf_type_tag', 'packed', 'aligned', 'section', 'used', 'unused',
  'always_inline', 'noinline', 'weak', 'visibility', 'maybe_unused', 'address_space', '__preserve_access_index__', 'fallthrough', 'noreturn']);
/**
 * Bounds on macro expansion, so that no document can make the analysis run away (`#define A1 A0 A0` ... `A23`
 * doubles 23 times; `F(F(F(...)))` nests as deep as the text is long). Real programs stay far below: libbpf's
 * 9-level BPF_CORE_READ expands to about 400 tokens. `depth` matches clang's default -fbracket-depth (256).
 * Hitting a bound leaves the rest unexpanded and adds one note (a core-analysis diagnostic).
 */
export const MACRO_LIMITS = {
  /** Macro invocations nested inside each other (through bodies or arguments). */
  depth: 256,
  /** Tokens one top-level invocation may expand to. */
  tokensPerInvocation: 1 << 16,
  /** Tokens all expansions of one preprocessing run (a document with its headers) may produce. */
  tokensPerRun: 1 << 23,
};

/** The macro an `#ifndef X` / `#if !defined X` / `#if !defined(X)` line tests, if it is one of those. */
function guardName(d: string, rest: Token[]): string | undefined {
  if (d === 'ifndef') return rest.length === 1 && rest[0]!.t === Tk.Ident ? rest[0]!.s : undefined;
  if (d !== 'if' || rest[0]?.s !== '!' || rest[1]?.s !== 'defined') return undefined;
  const r = rest.slice(2);
  if (r.length === 1 && r[0]!.t === Tk.Ident) return r[0]!.s;
  if (r.length === 3 && r[0]!.s === '(' && r[1]!.t === Tk.Ident && r[2]!.s === ')') return r[1]!.s;
  return undefined;
}

/** A macro table that counts its changes: a recorded expansion (Expansion) is valid only for the table it ran with. */
class MacroTable extends Map<string, Macro> {
  version = 0;
  override set(name: string, m: Macro): this {
    this.version++;
    return super.set(name, m);
  }
  override delete(name: string): boolean {
    this.version++;
    return super.delete(name);
  }
  override clear(): void {
    this.version++;
    super.clear();
  }
}

/**
 * One top-level macro invocation's expansion, recorded to be replayed (issue 12: the big program's first diagnostics,
 * where expanding macros was a third of the analysis and 80% of the invocations repeat one seen before, like
 * `BPF_CORE_READ(task, tgid)` in every program). An expansion depends only on the invocation's tokens (spelling and
 * layout), on the macro table (its version), on the preserve_access_index flag its tokens carry and, through a peek,
 * on the token after it: recordings are made only where that peek cannot matter (see finishRecording). Every position
 * an expansion produces is -1 or one of its input tokens', so a replay shifts them by the distance between the two
 * invocations; tokens of the input come out as the very input tokens, as they do when expanding.
 */
interface Expansion {
  /** Per output token: the index of an input token of the invocation, or a template made with the recording's
   * positions. */
  readonly out: (number | Token)[];
  /** Where the recorded invocation started (its first token's start). */
  readonly at: number;
  /** Expansion work counted against MACRO_LIMITS (`spent`). */
  readonly spent: number;
  /** Spellings `##` made (the `pasted` set). */
  readonly pastes: readonly string[];
}

/** Recorded expansions a preprocessor keeps at most (a hostile text cannot grow it without bound). */
const MEMO_ENTRIES = 20_000;

/** Replayed and recorded expansions since the process started (tests, bench). */
export const macroMemoStats = { replayed: 0, recorded: 0 };

/** Off with CORELENS_MACRO_MEMO=0 (the test compares both, token by token). */
let macroMemo = process.env.CORELENS_MACRO_MEMO !== '0';
/** Turns the expansion memo on or off for preprocessors made afterwards (tests). */
export function setMacroMemo(on: boolean): void {
  macroMemo = on;
}

/** Preprocesses one file's text into a token stream; macros persist across files of a translation unit. */
/** CORELENS_PRAGMA_MACROS=0: an unroll pragma's count spelled as a macro (`#pragma unroll(VEC_LEN)`) is a full unroll. */
const PRAGMA_MACROS = process.env.CORELENS_PRAGMA_MACROS !== '0';

/** The count of an unroll pragma whose argument is a macro: clang's loop-hint handler lexes the argument with macro
 * expansion (coolbpf's `#pragma unroll(VEC_LEN)`, 44 copies). A single number after expansion, else 0 (full) as before. */
function macroCount(arg: Token[]): number {
  const text = arg.map((t) => t.s).join(' ').replace(/^unroll_count /, '');
  const m = /^\(?\s*(\d+)\s*\)?$/.exec(text);
  if (m) return Number(m[1]);
  // pragma_count_expr: the argument is an integer constant expression to clang (Sema evaluates it): a macro defined
  // with parentheses or arithmetic (`#define MAX_NS (8)`: `unroll ( ( 8 ) )`, odigos' runtime-detector) counts too
  const v = PRAGMA_COUNT_EXPR ? countExpr(text) : undefined;
  return v !== undefined && v > 0 && v <= 1 << 20 ? v : 0;
}

/** CORELENS_PRAGMA_COUNT_EXPR=0: an unroll count other than a number or a parenthesized number is a full unroll. */
const PRAGMA_COUNT_EXPR = process.env.CORELENS_PRAGMA_COUNT_EXPR !== '0';

/** pragma_count_expr: the value of an integer constant expression of decimal numbers, parentheses and + - * / % << >>
 * (space-separated tokens, as the expanded pragma argument), or undefined. */
export function countExpr(text: string): number | undefined {
  const toks = text.trim().split(/\s+/).filter((t) => t.length);
  let i = 0;
  const prec: { [op: string]: number } = { '*': 3, '/': 3, '%': 3, '+': 2, '-': 2, '<<': 1, '>>': 1 };
  const primary = (): number | undefined => {
    const t = toks[i++];
    if (t === '(') { const v = binary(0); return toks[i++] === ')' ? v : undefined; }
    if (t === '-') { const v = primary(); return v === undefined ? undefined : -v; }
    if (t === '+') return primary();
    const m = t !== undefined ? /^(\d+)[uUlL]*$/.exec(t) : null;
    return m ? Number(m[1]) : undefined;
  };
  const binary = (min: number): number | undefined => {
    let l = primary();
    for (let op = toks[i]; l !== undefined && op !== undefined && prec[op] !== undefined && prec[op]! > min; op = toks[i]) {
      i++;
      const r = binary(prec[op]!);
      if (r === undefined) return undefined;
      l = op === '*' ? l * r : op === '/' ? (r ? Math.trunc(l / r) : NaN) : op === '%' ? (r ? l % r : NaN) : op === '+' ? l + r : op === '-' ? l - r : op === '<<' ? l * 2 ** r : Math.floor(l / 2 ** r);
      if (!Number.isFinite(l)) return undefined;
    }
    return l;
  };
  const v = binary(0);
  return v !== undefined && i === toks.length && Number.isSafeInteger(v) ? v : undefined;
}

/** CORELENS_UNROLL_IN_MACROS=0: a loop hint inside a macro (`_Pragma("unroll")`) or before a macro invocation is lost. */
const UNROLL_IN_MACROS = process.env.CORELENS_UNROLL_IN_MACROS !== '0';

/** The unroll count a pragma's tokens ask (0 = full), or undefined when it is no unroll pragma. `expand` gives a
 * macro count its value (clang's loop-hint handler lexes the argument with macro expansion). */
function unrollHint(rest: Token[], expand: (t: Token[]) => Token[]): number | undefined {
  const s = rest.map((t) => t.s).join(' ');
  const un = /^(?:unroll|GCC unroll|clang loop unroll \( full \)|clang loop unroll_count \()\s*\(?\s*(\d*)/.exec(s);
  if (!un) return undefined;
  return un[1] ? Number(un[1]) : PRAGMA_MACROS ? macroCount(expand(rest.slice(/^(?:GCC|clang)/.test(s) ? 2 : 1))) : 0;
}

/** The tokens of a `_Pragma("...")` operand: the string literal destringized (C11 6.10.9: `\"` and `\\` lose
 * their backslash) and lexed again, as clang does before handling it as a #pragma line. */
function pragmaOperand(arg: Token[]): Token[] {
  const lit = arg.length === 1 && arg[0]!.t === Tk.String ? /^(?:L|u8|u|U)?"([\s\S]*)"$/.exec(arg[0]!.s) : null;
  return lit ? tokenize(lit[1]!.replace(/\\(["\\])/g, '$1')) : [];
}

export class Preprocessor {
  readonly macros: Map<string, Macro> = new MacroTable();
  /** Recorded top-level expansions by key (version, flags, tokens with their layout); undefined when off. */
  private readonly memo: Map<string, Expansion> | undefined = macroMemo ? new Map() : undefined;
  /** The top-level invocation being recorded. */
  private rec: { key: string; input: Token[]; outStart: number; endLeft: number; spent: number; pastes: string[] } | undefined;
  readonly notes: PreNote[] = [];
  /** Macros #undef'd since the last `takeUndefs()` (a header's cached effect replays them). */
  undefs = new Set<string>();
  /** Tokens produced by expansion in the current outermost run, and at the start of the current invocation. */
  private spent = 0;
  private invocationStart = 0;
  private runDepth = 0;
  /** Set when a bound was hit: that expansion is abandoned (its note is made once per invocation). */
  private overBudget: string | undefined;
  /** When set, every spelling a `##` paste makes is added (header sharing between arches: a paste can form a macro
   * name that no text spells whole, see HeaderCache.agrees). */
  pasted?: Set<string>;
  /** True while inside `#pragma clang attribute push(__attribute__((preserve_access_index)), ...)`. */
  paiDepth = 0;
  private readonly paiStack: boolean[] = [];

  define(name: string, value = '1', builtin = true): void {
    this.macros.set(name, { body: tokenize(value).map((t) => ({ ...t, start: -1, end: -1 })), builtin });
  }

  /** Preprocesses `text`; tokens in a pai pragma region get `pai` set. */
  run(text: string, opts: PreOptions, from = 0, to = text.length): PreItem[] {
    // headers are run from inside their includer's run: the budget is per outermost run (one analysis)
    if (this.runDepth++ === 0) this.spent = 0;
    try {
      return this.runInner(text, opts, from, to);
    } finally {
      this.runDepth--;
    }
  }

  private runInner(text: string, opts: PreOptions, from: number, to: number): PreItem[] {
    const toks = opts.tokens ?? tokenize(text, from, to);
    const out: PreItem[] = [];
    // conditional stack: [active, anyTaken, parentActive]
    const cond: { active: boolean; taken: boolean; parent: boolean }[] = [];
    const active = () => cond.length === 0 || cond[cond.length - 1]!.active;
    let pending: Token[] = [];
    let pendingUnroll: number | undefined;
    const flush = () => {
      if (pending.length) {
        const ex = this.expand(pending);
        for (let k = 0; k < ex.length; k++) out.push(ex[k]!);
        pending = [];
      }
    };
    // the include guard (clang's multiple-include optimisation): the text is one `#ifndef X` (or `#if !defined X`)
    // group with nothing outside it and no #else/#elif of its own; `guardState` 1 while inside it, 2 once it closed
    let guard: string | undefined;
    let guardState = 0;
    for (let i = 0; i < toks.length; i++) {
      const tk = toks[i]!;
      if (guardState === 2) guard = undefined;
      if (tk.t === Tk.Directive) {
        let j = i + 1;
        while (j < toks.length && !toks[j]!.bol) j++;
        const line = toks.slice(i + 1, j);
        i = j - 1;
        const d = line[0]?.s ?? '';
        const rest = line.slice(1);
        if (tk === toks[0] && from === 0) {
          const g = guardName(d, rest);
          if (g) { guard = g; guardState = 1; }
        } else if (guard && cond.length === 1 && (d === 'else' || d === 'elif' || d === 'elifdef' || d === 'elifndef')) guard = undefined;
        else if (guard && cond.length === 1 && d === 'endif') guardState = 2;
        if (d === 'ifdef' || d === 'ifndef' || d === 'if') {
          const par = active();
          let v = false;
          if (par) {
            if (d === 'if') v = this.evalCond(rest, opts.hasInclude);
            else v = this.macros.has(rest[0]?.s ?? '') === (d === 'ifdef');
          }
          cond.push({ active: par && v, taken: v, parent: par });
        } else if (d === 'elif') {
          const c = cond[cond.length - 1];
          if (c) {
            const v = c.parent && !c.taken && this.evalCond(rest, opts.hasInclude);
            c.active = v;
            c.taken ||= v;
          }
        } else if (d === 'elifdef' || d === 'elifndef') {
          const c = cond[cond.length - 1];
          if (c) {
            const v = c.parent && !c.taken && this.macros.has(rest[0]?.s ?? '') === (d === 'elifdef');
            c.active = v;
            c.taken ||= v;
          }
        } else if (d === 'else') {
          const c = cond[cond.length - 1];
          if (c) {
            c.active = c.parent && !c.taken;
            c.taken = true;
          }
        } else if (d === 'endif') {
          cond.pop();
        } else if (!active()) {
          continue;
        } else if (d === 'define') {
          flush();
          this.defineFrom(rest, text);
        } else if (d === 'undef') {
          // what precedes expands with the macro still defined (X-macros: `LIST(X)` then `#undef X`)
          flush();
          if (rest[0]) { this.macros.delete(rest[0].s); this.undefs.add(rest[0].s); }
        } else if (d === 'include' || d === 'include_next' || d === 'import') {
          flush();
          const ref = parseInclude(rest.length && rest[0]!.t === Tk.Ident ? this.expand(rest) : rest, tk, line, text);
          if (ref) {
            if (d === 'include_next') ref.next = true;
            opts.onInclude(ref, this, out);
            out.push({ include: ref });
          }
        } else if (d === 'pragma') {
          const s = rest.map((t) => t.s).join(' ');
          if (s === 'once') opts.onPragmaOnce?.();
          const un = unrollHint(rest, (t) => this.expand(t));
          if (un !== undefined) pendingUnroll = un;
          if (/^clang attribute push/.test(s)) {
            const pai = /preserve_access_index/.test(s);
            flush();
            this.paiStack.push(pai);
            if (pai) this.paiDepth++;
          } else if (/^clang attribute pop/.test(s)) {
            flush();
            if (this.paiStack.pop()) this.paiDepth--;
          }
        } else if (d === 'error') {
          // #error in an active branch: clang would stop; keep going and say so
          this.notes.push({ start: tk.start, end: line[line.length - 1]?.end ?? tk.end, message: `#error ${rest.map((t) => t.s).join(' ')}` });
        }
        continue;
      }
      if (!active()) continue;
      if (this.paiDepth > 0) tk.pai = true;
      if (pendingUnroll !== undefined) { UNROLL.set(tk, pendingUnroll); pendingUnroll = undefined; }
      pending.push(tk);
    }
    flush();
    this.openConds = cond.length;
    this.lastGuard = guardState === 2 && to === text.length ? guard : undefined;
    return out;
  }

  /** The include guard of the text the last run (of a whole text) read, if it has one (see runInner). */
  lastGuard: string | undefined;

  /** `#if` groups still open at the end of the last run (an unterminated one hides what follows). */
  openConds = 0;

  private defineFrom(rest: Token[], text: string): void {
    const name = rest[0];
    if (!name || name.t !== Tk.Ident) return;
    const m: Macro = { body: [] };
    let k = 1;
    // function-like only when '(' immediately follows the name
    if (rest[1] && rest[1].s === '(' && rest[1].start === name.end) {
      m.params = [];
      k = 2;
      while (k < rest.length && rest[k]!.s !== ')') {
        const p = rest[k]!;
        if (p.s === '...') { m.variadic = true; m.params.push('__VA_ARGS__'); }
        else if (p.t === Tk.Ident) {
          if (rest[k + 1]?.s === '...') { m.variadic = true; k++; }
          m.params.push(p.s);
        }
        k++;
      }
      k++;
    }
    m.body = rest.slice(k);
    void text;
    this.macros.set(name.s, m);
  }

  /** Evaluates an #if expression: defined(), integers, unknown names are 0 (as C says). */
  evalCond(toks: Token[], hasInclude?: (ref: IncludeRef) => boolean): boolean {
    const pre: Token[] = [];
    for (let i = 0; i < toks.length; i++) {
      const t = toks[i]!;
      if ((t.s === '__has_include' || t.s === '__has_include_next') && toks[i + 1]?.s === '(') {
        let j = i + 2;
        let depth = 1;
        while (j < toks.length && depth > 0) { if (toks[j]!.s === '(') depth++; else if (toks[j]!.s === ')') depth--; j++; }
        const inner = toks.slice(i + 2, j - 1);
        let ref: IncludeRef | undefined;
        if (inner[0]?.t === Tk.String) ref = { name: inner[0].s.slice(1, -1), angle: false, start: 0, end: 0 };
        else if (inner[0]?.s === '<') ref = { name: inner.slice(1, -1).map((x) => x.s).join(''), angle: true, start: 0, end: 0 };
        if (ref && t.s === '__has_include_next') ref.next = true;
        pre.push({ t: Tk.Number, s: ref && hasInclude?.(ref) ? '1' : '0', start: t.start, end: t.end });
        i = j - 1;
        continue;
      }
      if ((t.s === '__has_builtin' || t.s === '__has_attribute' || t.s === '__has_feature' || t.s === '__has_extension' || t.s === '__has_c_attribute') && toks[i + 1]?.s === '(') {
        const n = toks[i + 2]?.s ?? '';
        const yes = t.s === '__has_builtin' ? HAS_BUILTIN.test(n) : t.s === '__has_attribute' ? HAS_ATTRIBUTE.has(n.replace(/^__(.*)__$/, '$1')) || HAS_ATTRIBUTE.has(n) : false;
        pre.push({ t: Tk.Number, s: yes ? '1' : '0', start: t.start, end: t.end });
        let j = i + 2;
        while (j < toks.length && toks[j]!.s !== ')') j++;
        i = j;
        continue;
      }
      if (t.s === 'defined') {
        let n = toks[i + 1];
        if (n?.s === '(') { n = toks[i + 2]; i += 3; } else i += 1;
        pre.push({ t: Tk.Number, s: this.macros.has(n?.s ?? '') ? '1' : '0', start: t.start, end: t.end });
      } else pre.push(t);
    }
    const ex = this.expand(pre).map((t) => (t.t === Tk.Ident ? { ...t, t: Tk.Number, s: '0' } : t));
    try {
      return evalTokens(ex) !== 0n;
    } catch {
      return false;
    }
  }

  /** Expands macros in a token list (Prosser-style hide sets); invocation ranges are kept on the results. */
  expand(input: Token[], level = 0): Token[] {
    // an expansion can start another at level 0 (a GNU `, ## __VA_ARGS__` argument): only the outermost records and
    // replays, so one recording is never ended by another's
    this.expanding++;
    try {
      return this.expandIn(input, level, this.expanding === 1 ? this.memo : undefined);
    } finally {
      this.expanding--;
    }
  }

  private expanding = 0;

  private expandIn(input: Token[], level: number, memo: Map<string, Expansion> | undefined): Token[] {
    const out: Token[] = [];
    if (memo) this.rec = undefined; // one left by an expansion that threw
    const work = input.slice().reverse();
    // `work` holds the input's remaining tokens at the bottom and expansion output above them: while no expansion
    // output is pending, the next macro starts a new top-level invocation with a budget of its own
    let inputLeft = work.length;
    let top: Token | undefined;
    let outStart = 0;
    // a loop hint waiting for the next token out: clang attaches a pragma to the statement that follows it once
    // expanded, so `_Pragma("unroll") for (..)` in a macro body (a LOOP macro) and `#pragma unroll` before a macro
    // whose expansion begins with the loop both reach its `for`
    let hint: number | undefined;
    const emit = (t: Token) => {
      if (hint !== undefined) { UNROLL.set(t, hint); hint = undefined; }
      out.push(t);
    };
    while (work.length) {
      if (level === 0 && work.length <= inputLeft) {
        if (memo && this.rec) this.finishRecording(memo, out, work.length, inputLeft);
        if (top && this.overBudget) {
          // the abandoned invocation stays as its name: what it produced so far is dropped too
          out.length = outStart;
          this.limitNote(top);
          out.push(top);
        }
        top = undefined;
      }
      const t = work.pop()!;
      if (work.length < inputLeft) inputLeft = work.length;
      if (t.t !== Tk.Ident) { emit(t); continue; }
      if (t.s === '_Pragma' && work[work.length - 1]?.s === '(') {
        // the operator form of #pragma: dropped with its operand; an unroll pragma's hint goes to the next token
        work.pop();
        let depth = 1;
        const arg: Token[] = [];
        while (work.length && depth > 0) {
          const a = work.pop()!;
          if (a.s === '(') depth++; else if (a.s === ')') depth--;
          if (depth > 0) arg.push(a);
        }
        if (UNROLL_IN_MACROS) hint = unrollHint(pragmaOperand(arg), (x) => this.expand(x, level + 1)) ?? hint;
        continue;
      }
      const m = this.macros.get(t.s);
      if (!m || t.hide?.has(t.s)) { emit(t); continue; }
      // a hint on the invocation's name goes to the expansion's first token
      const named = UNROLL_IN_MACROS ? UNROLL.get(t) : undefined;
      if (named !== undefined) hint = named;
      if (level === 0 && !top) {
        if (memo && named === undefined && hint === undefined && this.spent < MACRO_LIMITS.tokensPerRun) {
          const hit = this.replay(memo, t, m, work, out);
          if (hit) {
            inputLeft = work.length;
            continue;
          }
        }
        top = t;
        outStart = out.length;
        this.invocationStart = this.spent;
        this.overBudget = undefined;
      }
      if (this.overBudget !== undefined || this.spent >= MACRO_LIMITS.tokensPerRun) {
        this.overBudget ??= `macro expansion stopped: the document's macros expand to more than ${MACRO_LIMITS.tokensPerRun} tokens in all (a corelens limit); the rest is analysed unexpanded`;
        if (level > 0) return out;
        work.length = inputLeft; // drop what this invocation produced so far
        continue;
      }
      if ((t.hide?.size ?? 0) >= MACRO_LIMITS.depth || level >= MACRO_LIMITS.depth) {
        this.overBudget = `macro '${(top ?? t).s}' nests more than ${MACRO_LIMITS.depth} macro invocations deep (a corelens limit): not expanded`;
        if (level > 0) return out;
        work.length = inputLeft;
        continue;
      }
      if (this.spent - this.invocationStart > MACRO_LIMITS.tokensPerInvocation) {
        this.overBudget = `macro '${(top ?? t).s}' expands to more than ${MACRO_LIMITS.tokensPerInvocation} tokens (a corelens limit): not expanded`;
        if (level > 0) return out;
        work.length = inputLeft;
        continue;
      }
      if (!m.params) {
        const exp = t.exp ?? { start: t.start, end: t.end };
        const hide = this.withHidden(t.hide, t.s);
        this.spent += m.body.length;
        for (let i = m.body.length - 1; i >= 0; i--) work.push(retag(m.body[i]!, exp, hide, t));
        continue;
      }
      if (work.length === 0 || work[work.length - 1]!.s !== '(') { emit(t); continue; }
      // collect arguments
      work.pop();
      const args: Token[][] = [[]];
      let depth = 0;
      let closed: Token | undefined;
      while (work.length) {
        const a = work.pop()!;
        if (a.s === '(' || a.s === '[' || a.s === '{') depth++;
        else if (a.s === ')' || a.s === ']' || a.s === '}') {
          if (depth === 0 && a.s === ')') { closed = a; break; }
          depth--;
        } else if (a.s === ',' && depth === 0 && !(m.variadic && args.length === m.params.length)) {
          args.push([]);
          continue;
        }
        args[args.length - 1]!.push(a);
      }
      if (work.length < inputLeft) inputLeft = work.length;
      // collecting arguments is work too: F(F(F(...))) re-collects the nested text once per level
      this.spent += args.reduce((n, a) => n + a.length, 0);
      const fullExp = t.exp ?? { start: t.start, end: closed?.end ?? t.end };
      // Prosser: a function-like result hides (HS(name) & HS(')')) + name, so a macro whose name came out of its
      // own expansion can still be invoked with arguments from outside it (libbpf's ___apply(___core_read, ...))
      let fhide: ReadonlySet<string> = this.withHidden(undefined, t.s);
      if (t.hide && closed?.hide) for (const h of t.hide) if (h !== t.s && closed.hide.has(h)) fhide = this.withHidden(fhide, h);
      const body = this.substitute(m, args, fullExp, fhide, t, level);
      this.spent += body.length;
      if (this.overBudget !== undefined) {
        if (level > 0) return out;
        work.length = inputLeft;
        continue;
      }
      for (let i = body.length - 1; i >= 0; i--) work.push(body[i]!);
    }
    if (level === 0 && memo && this.rec) this.finishRecording(memo, out, work.length, inputLeft);
    if (level === 0 && top && this.overBudget) {
      out.length = outStart;
      this.limitNote(top);
      out.push(top);
    }
    if (level === 0) this.overBudget = undefined;
    return out;
  }

  /**
   * At a top-level invocation of `m` named by input token `t` (just taken from `work`): replays a recorded expansion
   * of the same invocation into `out` and takes its tokens from `work` (true), or starts recording this one (false).
   */
  private replay(memo: Map<string, Expansion>, t: Token, m: Macro, work: Token[], out: Token[]): boolean {
    // the invocation's input tokens, found as the argument collection finds them: to the `)` closing at depth 0
    let last = work.length; // index in work of the invocation's last token (work is reversed); `last === work.length`: t alone
    if (m.params) {
      if (work.length === 0 || work[work.length - 1]!.s !== '(') return false;
      let depth = 0;
      let k = work.length - 2;
      for (; k >= 0; k--) {
        const a = work[k]!.s;
        if (a === '(' || a === '[' || a === '{') depth++;
        else if (a === ')' || a === ']' || a === '}') {
          if (depth === 0 && a === ')') break;
          depth--;
        }
      }
      if (k < 0) return false;
      last = k;
    }
    const base = t.start;
    const pai = !!t.pai;
    if (t.hide || t.exp || base < 0) return false;
    let key = `${(this.macros as MacroTable).version}${pai ? 'p' : 'n'}${t.s}\u0000${t.end - base}`;
    for (let k = work.length - 1; k >= last; k--) {
      const a = work[k]!;
      if (a.hide || a.exp || !!a.pai !== pai || a.start < base) return false;
      key += `\u0000${a.s}\u0000${a.start - base}\u0000${a.end - base}`;
    }
    const hit = memo.get(key);
    const input: Token[] = [t];
    for (let k = work.length - 1; k >= last; k--) input.push(work[k]!);
    if (!hit) {
      this.rec = { key, input, outStart: out.length, endLeft: last, spent: this.spent, pastes: [] };
      return false;
    }
    work.length = last;
    const shift = base - hit.at;
    const exps = new Map<{ start: number; end: number }, { start: number; end: number }>();
    const tpl = hit.out;
    for (let k = 0; k < tpl.length; k++) {
      const o = tpl[k]!;
      if (typeof o === 'number') { out.push(input[o]!); continue; }
      const c = { ...o } as { -readonly [K in keyof Token]: Token[K] };
      if (c.start >= 0) { c.start += shift; c.end += shift; }
      if (o.exp) {
        let e = exps.get(o.exp);
        if (!e) exps.set(o.exp, e = { start: o.exp.start + shift, end: o.exp.end + shift });
        c.exp = e;
      }
      out.push(c);
    }
    this.spent += hit.spent;
    macroMemoStats.replayed++;
    if (this.pasted) for (const p of hit.pastes) this.pasted.add(p);
    return true;
  }

  /** Ends the recording of a top-level invocation whose expansion is complete: keeps it when replaying it elsewhere
   * gives exactly what expanding there would. */
  private finishRecording(memo: Map<string, Expansion>, out: Token[], workLeft: number, inputLeft: number): void {
    const rec = this.rec!;
    this.rec = undefined;
    // it read input past its own tokens (an expansion ending in a function-like name whose `(` follows), or a bound
    // was hit: not the invocation's alone
    if (workLeft !== rec.endLeft || inputLeft !== rec.endLeft || this.overBudget !== undefined) return;
    const made = out.slice(rec.outStart);
    // the last token produced was looked at with only the input after the invocation beyond it: if it names a
    // macro (or is _Pragma), what follows could have changed it
    const tail = made[made.length - 1];
    if (tail && tail.t === Tk.Ident && (tail.s === '_Pragma' || this.macros.has(tail.s))) return;
    const index = new Map<Token, number>();
    rec.input.forEach((x, i) => index.set(x, i));
    const lo = rec.input[0]!.start;
    const hi = rec.input[rec.input.length - 1]!.end;
    const inside = (p: number) => p === -1 || (p >= lo && p <= hi);
    const tpl: (number | Token)[] = [];
    // templates are copies (nothing that reads the output can change a recording), sharing exp ranges as the output did
    const exps = new Map<{ start: number; end: number }, { start: number; end: number }>();
    for (let k = 0; k < made.length; k++) {
      const x = made[k]!;
      const i = index.get(x);
      if (i !== undefined) { tpl.push(i); continue; }
      // positions come from the invocation's tokens (or are -1): anything else could not be shifted
      if (!inside(x.start) || !inside(x.end) || (x.start < 0) !== (x.end < 0) || (x.exp && (!inside(x.exp.start) || !inside(x.exp.end) || x.exp.start < 0))) return;
      if (UNROLL.has(x)) return;
      const c = { ...x };
      if (x.exp) {
        let e = exps.get(x.exp);
        if (!e) exps.set(x.exp, e = { start: x.exp.start, end: x.exp.end });
        c.exp = e;
      }
      tpl.push(c);
    }
    if (memo.size >= MEMO_ENTRIES) memo.clear();
    macroMemoStats.recorded++;
    memo.set(rec.key, { out: tpl, at: lo, spent: this.spent - rec.spent, pastes: rec.pastes });
  }

  private readonly hideKids = new Map<ReadonlySet<string> | undefined, Map<string, ReadonlySet<string>>>();

  /** `hide ∪ {name}`, interned per preprocessor: every invocation of a macro from the same hide set shares one set
   * (a fresh copy per invocation made exponential macro trees spend most of their time copying sets). */
  private withHidden(hide: ReadonlySet<string> | undefined, name: string): ReadonlySet<string> {
    let kids = this.hideKids.get(hide);
    if (!kids) this.hideKids.set(hide, kids = new Map());
    let h = kids.get(name);
    if (!h) {
      const u = new Set(hide ?? []);
      u.add(name);
      kids.set(name, h = u);
    }
    return h;
  }

  /** Notes the bound an invocation hit, once per invocation (a hostile file cannot flood the notes either). */
  private limitNote(at: Token): void {
    const message = this.overBudget!;
    const range = at.exp ?? { start: at.start, end: at.end };
    const seen = this.limitNotes.get(message) ?? 0;
    this.limitNotes.set(message, seen + 1);
    if (seen < (message.startsWith('macro expansion stopped') ? 1 : 4)) this.notes.push({ start: range.start, end: range.end, message });
  }
  private readonly limitNotes = new Map<string, number>();

  private substitute(m: Macro, args: Token[][], exp: { start: number; end: number }, hide: ReadonlySet<string>, at: Token, level: number): Token[] {
    const params = m.params!;
    // the variadic argument joined once per invocation: BPF_CORE_READ's macros name __VA_ARGS__ several times each
    // (nobody mutates an argument list: expand copies its input, pastes build new lists)
    let varArgs: Token[] | undefined;
    const argOf = (name: string): Token[] | undefined => {
      const i = params.indexOf(name);
      if (i < 0) return undefined;
      if (name === '__VA_ARGS__' || (m.variadic && i === params.length - 1)) {
        return varArgs ??= args.slice(i).flatMap((a, k) => (k === 0 ? a : [{ t: Tk.Punct, s: ',', start: a[0]?.start ?? -1, end: a[0]?.start ?? -1 } as Token, ...a]));
      }
      return args[i] ?? [];
    };
    const out: Token[] = [];
    const body = m.body;
    for (let i = 0; i < body.length; i++) {
      const b = body[i]!;
      if (b.s === '#' && body[i + 1] && argOf(body[i + 1]!.s)) {
        const a = argOf(body[++i]!.s)!;
        out.push({ t: Tk.String, s: JSON.stringify(a.map((x) => x.s).join(' ')), start: exp.start, end: exp.end, exp, hide });
        continue;
      }
      if (body[i + 1]?.s === '##' || (b.s === '##')) {
        // token pasting: paste the spelling of neighbours
        if (b.s === '##') continue;
        // tokens of the arguments keep their spelling positions (the accessor of BPF_CORE_READ's last hop travels
        // through `, ## __VA_ARGS__`); body and pasted tokens take the invocation's
        const fromArg = new Set<Token>();
        const arg = (n: string): Token[] | undefined => { const a = argOf(n); a?.forEach((x) => fromArg.add(x)); return a; };
        let left = arg(b.s) ?? [b];
        while (body[i + 1]?.s === '##') {
          const rn = body[i + 2];
          i += 2;
          if (!rn) break;
          const right = arg(rn.s) ?? [rn];
          // GNU `, ## __VA_ARGS__`: the comma goes when the variadic argument is empty, else both stay (no paste)
          if (b.s === ',' && left.length === 1 && left[0]!.s === ',' && params.indexOf(rn.s) === params.length - 1 && m.variadic) {
            if (right.length === 0) left = [];
            else { const ex = this.expand(right); ex.forEach((x) => fromArg.add(x)); left = [...left, ...ex]; }
            continue;
          }
          const l = left[left.length - 1];
          const r = right[0];
          if (l && r) {
            const s = l.s + r.s;
            this.pasted?.add(s);
            this.rec?.pastes.push(s);
            left = [...left.slice(0, -1), { ...tokenize(s)[0]!, start: exp.start, end: exp.end }, ...right.slice(1)];
          } else left = [...left, ...right];
        }
        for (let k = 0; k < left.length; k++) { const x = left[k]!; out.push(fromArg.has(x) && x.start >= 0 ? x : retag(x, exp, hide, at)); }
        continue;
      }
      const a = argOf(b.s);
      if (a) {
        // arguments are fully expanded first; their tokens keep their own (spelling) positions
        const ex = this.expand(a, level + 1);
        for (let k = 0; k < ex.length; k++) { const x = ex[k]!; out.push(x.start >= 0 ? x : retag(x, exp, hide, at)); }
        if (this.overBudget !== undefined) return out;
      } else out.push(retag(b, exp, hide, at));
    }
    return out;
  }
}

function retag(b: Token, exp: { start: number; end: number }, hide: ReadonlySet<string>, at: Token): Token {
  // hide sets are never mutated once made: a body token with no hide set of its own shares the invocation's
  // (copying it per token made deep expansions cost depth × tokens)
  let h: ReadonlySet<string> = hide;
  if (b.hide && b.hide.size) {
    const u = new Set(hide);
    b.hide.forEach((x) => u.add(x));
    h = u;
  }
  return { t: b.t, s: b.s, start: exp.start, end: exp.end, exp, bol: false, hide: h, pai: !!at.pai };
}

function parseInclude(rest: Token[], hash: Token, line: Token[], text: string): IncludeRef | undefined {
  const f = rest[0];
  if (!f) return undefined;
  const end = line[line.length - 1]!.end;
  if (f.t === Tk.String) return { name: f.s.slice(1, -1), angle: false, start: hash.start, end };
  if (f.s === '<') {
    const close = text.indexOf('>', f.end);
    if (close < 0) return undefined;
    return { name: text.slice(f.end, close).trim(), angle: true, start: hash.start, end };
  }
  return undefined;
}

/** Integer constant expression over tokens (for #if). */
export function evalTokens(toks: Token[]): bigint {
  let i = 0;
  const peek = () => toks[i]?.s;
  const prim = (): bigint => {
    const t = toks[i++];
    if (!t) throw new Error('eof');
    if (t.s === '(') { const v = ternary(); i++; return v; }
    if (t.s === '!') return prim() === 0n ? 1n : 0n;
    if (t.s === '-') return -prim();
    if (t.s === '+') return prim();
    if (t.s === '~') return ~prim();
    if (t.t === Tk.Number) return parseIntLit(t.s);
    if (t.t === Tk.Char) return BigInt(t.s.charCodeAt(1));
    return 0n;
  };
  const bin = (level: number): bigint => {
    const levels = [['||'], ['&&'], ['|'], ['^'], ['&'], ['==', '!='], ['<', '>', '<=', '>='], ['<<', '>>'], ['+', '-'], ['*', '/', '%']];
    if (level >= levels.length) return prim();
    let a = bin(level + 1);
    while (levels[level]!.includes(peek() ?? '')) {
      const op = toks[i++]!.s;
      const b = bin(level + 1);
      a = applyOp(op, a, b);
    }
    return a;
  };
  const ternary = (): bigint => {
    const c = bin(0);
    if (peek() === '?') {
      i++;
      const a = ternary();
      i++;
      const b = ternary();
      return c !== 0n ? a : b;
    }
    return c;
  };
  return ternary();
}

export function applyOp(op: string, a: bigint, b: bigint): bigint {
  // C integers have at most 128 bits: wrapping there keeps `1 << 4000000000` or repeated products from building
  // gigabyte-sized BigInts (or throwing), and changes nothing a real program can write
  if (op === '<<' || op === '>>') {
    if (b < 0n || b >= 128n) return op === '>>' && a < 0n ? -1n : 0n;
    return BigInt.asIntN(128, op === '<<' ? a << b : a >> b);
  }
  if (op === '+' || op === '-' || op === '*') return BigInt.asIntN(128, op === '+' ? a + b : op === '-' ? a - b : a * b);
  switch (op) {
    case '||': return a !== 0n || b !== 0n ? 1n : 0n;
    case '&&': return a !== 0n && b !== 0n ? 1n : 0n;
    case '|': return a | b;
    case '^': return a ^ b;
    case '&': return a & b;
    case '==': return a === b ? 1n : 0n;
    case '!=': return a !== b ? 1n : 0n;
    case '<': return a < b ? 1n : 0n;
    case '>': return a > b ? 1n : 0n;
    case '<=': return a <= b ? 1n : 0n;
    case '>=': return a >= b ? 1n : 0n;
    case '<<': return a << b;
    case '>>': return a >> b;
    case '+': return a + b;
    case '-': return a - b;
    case '*': return a * b;
    case '/': return b === 0n ? 0n : a / b;
    case '%': return b === 0n ? 0n : a % b;
  }
  return 0n;
}

/** Parses a C integer literal (suffixes ignored). */
export function parseIntLit(s: string): bigint {
  const m = /^(0[xX][0-9a-fA-F]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)/.exec(s);
  if (!m) return 0n;
  const d = m[1]!;
  if (/^0[0-7]+$/.test(d)) return BigInt('0o' + d.slice(1));
  return BigInt(d);
}
