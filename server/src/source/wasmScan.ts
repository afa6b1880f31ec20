// The header scan's commonest declarations matched in WebAssembly, ahead of the regular-expression fast path.
//
// Why: a cold `sites` run scans a 6.18 vmlinux.h once; ~13,000 of its ~16,500 top-level declarations are plain tag
// definitions and forward declarations, and the scan's JavaScript around each regular-expression match (the match
// object and its substrings, the token after it, the pushes) ran mostly in V8's interpreter: ~60% of the scan.
// Liftoff compiles this module in well under a millisecond and matches a run of such declarations in one call.
//
// What it takes: from a `struct`, `union`, `enum` or `typedef` keyword token, consecutive declarations each of which the
// fast path (lazyHeader.ts RECORD_RE / ENUM_RE with fastDecl's checks, then FWD_RE; for typedefs fastTypedef's
// TD_FN_RE / TD_WORDS_RE and its walk over the tokens) takes with the same result — the same end, tag name and
// enumerators, a typedef's name, position and the tags it names without a body. It is a deterministic automaton for those unambiguous patterns, and where it is not
// sure it stops: the declaration it stops at is left to the JavaScript paths, which handle it as before. So it may
// take less than the fast path, never more or otherwise (the fast-path tests compare with the token path, with and
// without this module).
//
// Records (int32 words): the declarations (start, end), their tag names (position | keyword << 28, length, index),
// their enumerators (position, length, index) — lazyHeader.ts ScanOut's forms —, the forward declarations (start,
// end, name position | keyword << 28, name length), the named typedefs (index, name position, length, first mention,
// mentions) and their mentions (name position | keyword << 28, length). Typedefs were added in issue 16's perf20: a
// 6.18 vmlinux.h's ~2,800 brace-free typedefs went through fastTypedef's regular expressions, token arrays and
// strings in V8's interpreter, and each one ended a run (~860 runs; now ~680, most of the rest typedefs of an
// anonymous struct or enum, which the token path takes). A run stops before any list would overflow its room.

import * as path from 'path';
import { Code, WASM_PAGE, WasmMemory, builtModule, flatten, oneFunctionModule, op, wasmApi } from '../util/wasm';
// (lazyHeader loads this module when it scans: its exports are complete by then)
import { TYPE_WORDS } from './lazyHeader';

/** Room for one run's records (entries of each list). */
const ROOM = { decls: 8192, keys: 8192, consts: 32768, fwds: 4096, tds: 4096, ments: 16384 };
/** Word offsets, from the records' area, of the counts, the lists. */
const RES = 8;
const DECLS = RES;
const KEYS = DECLS + ROOM.decls * 2;
const CONSTS = KEYS + ROOM.keys * 3;
const FWDS = CONSTS + ROOM.consts * 3;
const TDS = FWDS + ROOM.fwds * 4;
const MENTS = TDS + ROOM.tds * 5;
const WORDS = MENTS + ROOM.ments * 2;

/** What one run took: its end (the position after the last declaration taken; the start when none), and the
 * records (word offsets into `i32`). */
export interface RunOut { end: number; decls: number; keys: number; consts: number; fwds: number; tds: number; ments: number }

/** A header's bytes in a WebAssembly memory and the run function over them. */
export class DeclRunner {
  private constructor(readonly memory: WasmMemory, readonly i32: Int32Array, readonly at: number, private readonly fn: (p: number, n: number, res: number, di: number) => void, private readonly n: number) {}

  /** The runner over `hdr` (the text's characters at its offsets, as bytes), or undefined when there is no
   * WebAssembly (or CORELENS_WASM_SCAN=0). */
  static make(hdr: Uint8Array): DeclRunner | undefined {
    if (process.env.CORELENS_WASM_SCAN === '0' || !wasmApi) return undefined;
    if (mod === undefined) mod = builtModule('scan', SCAN_FILES, scanModule) ?? null;
    if (!mod) return undefined;
    try {
      // the header, 16 bytes of zeros after it (the matcher reads at most 13 past a position it checked), the class
      // tables, the records
      const at = ((hdr.length + 16 + 3) & ~3) + 512;
      const memory = new wasmApi.Memory({ initial: Math.ceil((at + WORDS * 4) / WASM_PAGE) });
      const u8 = new Uint8Array(memory.buffer);
      u8.set(hdr, 0);
      u8.set(classTables(), at - 512);
      const fn = (new wasmApi.Instance(mod, { m: { mem: memory } }).exports as { run: (p: number, n: number, res: number, di: number) => void }).run;
      return new DeclRunner(memory, new Int32Array(memory.buffer), at, fn, hdr.length);
    } catch {
      return undefined;
    }
  }

  /** Takes the declarations from `p` (a struct, union, enum or typedef keyword token); `di`: the next declaration's index. */
  run(p: number, di: number): RunOut {
    const i32 = this.i32;
    const r = this.at >> 2;
    i32[r] = p;
    i32[r + 1] = 0;
    i32[r + 2] = 0;
    i32[r + 3] = 0;
    i32[r + 4] = 0;
    i32[r + 5] = 0;
    i32[r + 6] = 0;
    this.fn(p, this.n, this.at, di);
    return { end: i32[r]!, decls: i32[r + 1]!, keys: i32[r + 2]!, consts: i32[r + 3]!, fwds: i32[r + 4]!, tds: i32[r + 5]!, ments: i32[r + 6]! };
  }

  /** The first byte after the records (the memory's users after the scan: lazyHeader.ts pack). */
  get free(): number { return this.at + WORDS * 4; }

  /** Word offsets of the lists. */
  get declsAt(): number { return (this.at >> 2) + DECLS; }
  get keysAt(): number { return (this.at >> 2) + KEYS; }
  get constsAt(): number { return (this.at >> 2) + CONSTS; }
  get fwdsAt(): number { return (this.at >> 2) + FWDS; }
  get tdsAt(): number { return (this.at >> 2) + TDS; }
  get mentsAt(): number { return (this.at >> 2) + MENTS; }
}

let mod: object | undefined | null;
/** The modules whose code makes the matcher's bytes (this file, TYPE_WORDS' and the assembler's): its key in the
 * CLI's code cache. */
const SCAN_FILES = [__filename, path.join(__dirname, 'lazyHeader.js'), path.join(__dirname, '..', 'util', 'wasm.js')];

/**
 * Per byte value, its flags (bit 0 whitespace as the patterns' WS, 1 [A-Za-z_$], 2 [A-Za-z0-9_$], 3 [0-9], 4 hex
 * digit, 5 an attribute item's [\w$ WS ,]), then its class in a record body: 0 plain (PLAIN but `_`), 1 `{`, 2 `}`,
 * 3 `(` `[`, 4 `)` `]`, 5 refused (a comment's, literal's, directive's or continuation's start; 0, which also ends the
 * header), 6 `_` (where `__attribute__` may start).
 */
function classTables(): Uint8Array {
  const t = new Uint8Array(512);
  for (let b = 0; b < 256; b++) {
    const ch = String.fromCharCode(b);
    const ws = ' \t\n\r\f\v'.includes(ch) && b !== 0;
    const ids = /[A-Za-z_$]/.test(ch);
    const idp = /[A-Za-z0-9_$]/.test(ch);
    t[b] = (ws ? 1 : 0) | (ids ? 2 : 0) | (idp ? 4 : 0) | (/[0-9]/.test(ch) ? 8 : 0) | (/[0-9a-fA-F]/.test(ch) ? 16 : 0) | (idp || ws || ch === ',' ? 32 : 0);
    t[256 + b] = b === 0 || '/"\'#\\'.includes(ch) ? 5 : ch === '{' ? 1 : ch === '}' ? 2 : ch === '(' || ch === '[' ? 3 : ch === ')' || ch === ']' ? 4 : ch === '_' ? 6 : 0;
  }
  return t;
}

/** A structured `if` with no value (`els`: an else branch). */
function If(cond: Code, then: Code, els?: Code): Code { return [cond, op.if, then, els ? [op.else, els] : [], op.end]; }

/**
 * `run(p, n, res, di)`: the matcher (see the file comment). Memory: the header's bytes from 0 (n of them, zeros
 * after), the records' area at byte `res`: words 0-4 the end and the four counts (stored at each declaration taken:
 * a `return` anywhere leaves the last one taken), the lists at the word offsets above. `di`: the index of the first
 * declaration it may record.
 */
function scanModule(): Uint8Array {
  const { get, set, c, add, sub, mul, and, or, shl, shrU, gtU, geU, geS, eq, ne, eqz, brIf, br } = op;
  // (local 5 is unused)
  const L = { p: 0, n: 1, res: 2, di: 3, q: 4, kw: 6, start: 7, nameS: 8, nameE: 9, bodyS: 10, db: 11, dg: 12,
    nd: 13, nk: 14, nc: 15, nf: 16, k1: 17, c1: 18, t: 19, a: 20, isFwd: 21, tab: 22,
    // typedefs: taken, named, counts (committed, and the mentions tentatively), the token walk's position, token start,
    // tag state, keyword and name, the last two tokens, the token count, a `(*NAME)`'s name, the shape, word, tag code
    isTd: 23, tdNamed: 24, nt: 25, nm: 26, m1: 27, r: 28, tS: 29, ts: 30, tkw: 31, tnS: 32, tnE: 33, lastS: 34,
    lastE: 35, lastWord: 36, lastTag: 37, prevTag: 38, ntok: 39, fnS: 40, fnE: 41, isFn: 42, w: 43, tg: 44 };
  const ret = [op.return];
  const ld = (local: number, off = 0) => [get(local), op.load8(off)];
  // character classes of the byte on the stack (consumed), leaving 0 or 1: its flags in the table (classTables)
  const flag = (bit: number) => [get(L.tab), add, op.load8(), c(1 << bit), and, ...(bit ? [c(bit), shrU] : [])];
  const isWs = flag(0);
  const isIdStart = flag(1);
  const isIdPart = flag(2);
  const isDigit = flag(3);
  const isHex = flag(4);
  const inc = (local: number, by = 1) => [get(local), c(by), add, set(local)];
  const whileDo = (cond: Code, body: Code): Code => [op.block, op.loop, cond, eqz, brIf(1), body, br(0), op.end, op.end];
  const skipWs = whileDo([ld(L.q), isWs], inc(L.q));
  const chIs = (v: number) => [ld(L.q), c(v), eq];
  // the bytes from `local + off` are `word`: 0 or 1
  const bytesAre = (local: number, off: number, word: string) => {
    const out: Code[] = [];
    for (let i = 0; i < word.length; i++) { out.push(ld(local, off + i), c(word.charCodeAt(i)), eq); if (i) out.push(and); }
    return out;
  };
  // the identifier [nameS, nameE) is `word`
  const nameIs = (word: string) => [get(L.nameE), get(L.nameS), sub, c(word.length), eq, bytesAre(L.nameS, 0, word), and];
  // NOT_KW's words
  const nameIsKw = [nameIs('struct'), nameIs('union'), or, nameIs('enum'), or, nameIs('__attribute__'), or];
  // an identifier token from q: nameS, nameE, q after it; return unless one starts there
  const readName = [If([ld(L.q), isIdStart, eqz], ret), get(L.q), set(L.nameS), inc(L.q),
    whileDo([ld(L.q), isIdPart], inc(L.q)), get(L.q), set(L.nameE)];
  // t = the start of the whitespace run that ends at q, not before bodyS
  const backOverWs = [get(L.q), set(L.t),
    whileDo([get(L.t), get(L.bodyS), gtU, get(L.t), c(1), sub, op.load8(), isWs, and], [get(L.t), c(1), sub, set(L.t)])];
  // `word` ends at t and starts at or after bodyS (innerBracesAnonymous' and KW_ATTR_RE's reading of the body alone)
  const endsAtT = (word: string) => {
    const out: Code[] = [get(L.t), c(word.length), sub, get(L.bodyS), geS];
    for (let i = 0; i < word.length; i++) out.push(get(L.t), c(word.length - i), sub, op.load8(), c(word.charCodeAt(i)), eq, and);
    return out;
  };
  // [\w$ WS ,] (an attribute's item character) of `a`
  const attrChar = [get(L.a), flag(5)];
  // after a tag body's `}` (q after it): whitespace and `__attribute__((...))`, then `;` (q after it); else return
  const attrs = [
    op.block, op.loop,
    If([ld(L.q), isWs], [inc(L.q), br(1)]),
    If(chIs(59), [inc(L.q), br(2)]),
    If([bytesAre(L.q, 0, '__attribute__'), eqz], ret),
    inc(L.q, 13), skipWs,
    If([bytesAre(L.q, 0, '(('), eqz], ret),
    inc(L.q, 2),
    op.block, op.loop,
    ld(L.q), set(L.a),
    If(attrChar, [inc(L.q), br(1)]),
    If([get(L.a), c(40), eq], [
      inc(L.q),
      whileDo([ld(L.q), set(L.a), attrChar], inc(L.q)),
      If([ld(L.q), c(41), ne], ret),
      inc(L.q), br(1),
    ]),
    If([bytesAre(L.q, 0, '))'), eqz], ret),
    inc(L.q, 2),
    op.end, op.end,
    br(0),
    op.end, op.end,
  ];
  // list addresses (bytes): res + 4 * (list + index * width + field)
  const store = (base: number, width: number, idx: number, field: number, value: Code): Code =>
    [get(L.res), c((base + field) * 4), add, get(idx), c(width * 4), mul, add, value, op.store()];
  const thisDecl = [get(L.di), get(L.nd), add];
  // a tag name (position | keyword << 28, length), tentatively (k1); return when the list is full
  const pushKey = [
    If([get(L.k1), c(ROOM.keys), geU], ret),
    store(KEYS, 3, L.k1, 0, [get(L.nameS), get(L.kw), c(28), shl, or]), store(KEYS, 3, L.k1, 1, [get(L.nameE), get(L.nameS), sub]),
    store(KEYS, 3, L.k1, 2, thisDecl), inc(L.k1)];
  const pushConst = [
    If([get(L.c1), c(ROOM.consts), geU], ret),
    store(CONSTS, 3, L.c1, 0, get(L.nameS)), store(CONSTS, 3, L.c1, 1, [get(L.nameE), get(L.nameS), sub]),
    store(CONSTS, 3, L.c1, 2, thisDecl), inc(L.c1)];
  // `name WS* ;` after the keyword: a forward declaration (isFwd = 1, q after the `;`)
  const fwdIfSemi = If(chIs(59), [inc(L.q), c(1), set(L.isFwd)]);

  // struct|union WS+ NAME WS* { body } attrs ;  — or  struct|union WS+ NAME WS* ;
  const record = [
    get(L.q), set(L.t), skipWs, If([get(L.q), get(L.t), eq], ret),
    readName, If(nameIsKw, ret), skipWs,
    fwdIfSemi,
    If([get(L.isFwd), eqz], [
      If([chIs(123), eqz], ret),
      inc(L.q), get(L.q), set(L.bodyS), c(1), set(L.db), c(0), set(L.dg),
      op.block, op.loop,
      // the byte's body class (classTables: 0 plain, 1 {, 2 }, 3 ( [, 4 ) ], 5 what the fast path refuses, zeros
      // after the header included, 6 `_`)
      ld(L.q), get(L.tab), add, op.load8(256), set(L.a),
      If([get(L.a), eqz], [inc(L.q), br(1)]),
      // {: in no group, at most 7 levels, right after (whitespace and) a struct or union keyword token
      If([get(L.a), c(1), eq], [
        If([get(L.dg), get(L.db), c(7), eq, or], ret),
        backOverWs,
        If(endsAtT('struct'), [get(L.t), c(6), sub, set(L.t)],
          If(endsAtT('union'), [get(L.t), c(5), sub, set(L.t)], ret)),
        If([get(L.t), get(L.bodyS), gtU], [
          get(L.t), c(1), sub, op.load8(), set(L.a),
          If([get(L.a), isIdPart, get(L.a), c(46), eq, or], ret)]),
        inc(L.db), inc(L.q), br(1),
      ]),
      If([get(L.a), c(2), eq], [
        If([get(L.dg)], ret),
        get(L.db), c(1), sub, set(L.db), inc(L.q),
        If([get(L.db), eqz], br(3)),
        br(1),
      ]),
      If([get(L.a), c(3), eq], [If([get(L.dg), c(4), eq], ret), inc(L.dg), inc(L.q), br(1)]),
      If([get(L.a), c(4), eq], [If([get(L.dg), eqz], ret), get(L.dg), c(1), sub, set(L.dg), inc(L.q), br(1)]),
      If([get(L.a), c(5), eq], ret),
      // __attribute__ right after (whitespace and) `struct`, `union` or `enum`, even inside a longer word
      If([get(L.a), c(6), eq, get(L.q), op.load(), c(0x74615f5f), eq, and], [
        If(bytesAre(L.q, 0, '__attribute__'), [backOverWs, If([endsAtT('struct'), endsAtT('union'), or, endsAtT('enum'), or], ret)]),
      ]),
      inc(L.q), br(0),
      op.end, op.end,
      attrs,
      pushKey,
    ]),
  ];

  // enum [WS+ NAME] WS* { items } attrs ;  — or  enum WS+ NAME WS* ;
  const enumDecl = [
    get(L.q), set(L.t), skipWs,
    If([get(L.q), get(L.t), gtU, ld(L.q), isIdStart, and], [
      readName, If(nameIsKw, ret), skipWs, fwdIfSemi,
      If([get(L.isFwd), eqz], pushKey),
    ]),
    If([get(L.isFwd), eqz], [
      If([chIs(123), eqz], ret),
      inc(L.q),
      op.block, op.loop,
      skipWs,
      If(chIs(125), [inc(L.q), br(2)]),
      readName, If(nameIsKw, ret), pushConst, skipWs,
      If(chIs(61), [
        inc(L.q), skipWs,
        If(chIs(45), [inc(L.q), skipWs]),
        If([chIs(48), ld(L.q, 1), c(32), or, c(120), eq, and, ld(L.q, 2), isHex, and],
          [inc(L.q, 3), whileDo([ld(L.q), isHex], inc(L.q))],
          [If([ld(L.q), isDigit, eqz], ret), whileDo([ld(L.q), isDigit], inc(L.q))]),
        whileDo([ld(L.q), set(L.a), get(L.a), c(117), eq, get(L.a), c(85), eq, or, get(L.a), c(108), eq, or, get(L.a), c(76), eq, or], inc(L.q)),
        skipWs,
      ]),
      If(chIs(44), [inc(L.q), br(1)]),
      If(chIs(125), [inc(L.q), br(2)]),
      op.return,
      op.end, op.end,
      attrs,
    ]),
  ];

  // the identifier [s, e) (locals) is `word`
  const spanIs = (s: number, e: number, word: string) => [get(e), get(s), sub, c(word.length), eq, bytesAre(s, 0, word), and];
  // a tag named without a body (tkw, [tnS, tnE)), tentatively (m1); return when the list is full
  const pushMention = [
    If([get(L.m1), c(ROOM.ments), geU], ret),
    store(MENTS, 2, L.m1, 0, [get(L.tnS), get(L.tkw), c(28), shl, or]), store(MENTS, 2, L.m1, 1, [get(L.tnE), get(L.tnS), sub]),
    inc(L.m1)];
  // typedef WORDS-AND-STARS ;  — or  typedef WORDS-AND-STARS ( WS* * WS* NAME WS* ) WS* ( WORDS-STARS-AND-COMMAS ) WS* ;
  // (lazyHeader.ts TD_WORDS_RE / TD_FN_RE: the function pointer's shape is the one whose words end at a `(`), then
  // fastTypedef's walk over its tokens (words and single characters; `;` last): a word starting with a digit or
  // `__attribute__` returns (the JavaScript paths take it), a tag keyword then a word followed by anything is a mention;
  // the name as fastTypedef's (none: taken, nothing recorded)
  const typedefDecl = [
    c(1), set(L.isTd), c(0), set(L.isFn),
    whileDo([ld(L.q), set(L.a), get(L.a), get(L.tab), add, op.load8(), c(5), and, c(0), ne, get(L.a), c(42), eq, or], inc(L.q)),
    If(chIs(59), inc(L.q), If(chIs(40), [
      inc(L.q), skipWs, If([chIs(42), eqz], ret), inc(L.q), skipWs,
      readName, get(L.nameS), set(L.fnS), get(L.nameE), set(L.fnE), skipWs,
      If([chIs(41), eqz], ret), inc(L.q), skipWs, If([chIs(40), eqz], ret), inc(L.q),
      whileDo([ld(L.q), set(L.a), get(L.a), flag(5), get(L.a), c(42), eq, or], inc(L.q)),
      If([chIs(41), eqz], ret), inc(L.q), skipWs, If([chIs(59), eqz], ret), inc(L.q), c(1), set(L.isFn),
    ], ret)),
    // the tokens of [start, q - 1), then the `;`
    get(L.start), set(L.r), c(0), set(L.ts), c(0), set(L.ntok), c(0), set(L.lastTag), c(0), set(L.prevTag), c(0), set(L.lastWord),
    get(L.nm), set(L.m1),
    op.block, op.loop,
    whileDo([ld(L.r), isWs], inc(L.r)),
    If([get(L.r), get(L.q), c(1), sub, geU], br(2)),
    get(L.r), set(L.tS), ld(L.r), set(L.a),
    If([get(L.a), isIdPart], whileDo([ld(L.r), isIdPart], inc(L.r)), inc(L.r)),
    If([get(L.a), isDigit], ret),
    get(L.a), isIdStart, set(L.w),
    c(0), set(L.tg),
    If(get(L.w), [
      If(spanIs(L.tS, L.r, '__attribute__'), ret),
      If(spanIs(L.tS, L.r, 'struct'), [c(1), set(L.tg)]),
      If(spanIs(L.tS, L.r, 'union'), [c(2), set(L.tg)]),
      If(spanIs(L.tS, L.r, 'enum'), [c(3), set(L.tg)]),
    ]),
    If([get(L.ts), c(2), eq], pushMention),
    If(get(L.tg), [c(1), set(L.ts), get(L.tg), set(L.tkw)],
      If([get(L.w), get(L.ts), c(1), eq, and], [c(2), set(L.ts), get(L.tS), set(L.tnS), get(L.r), set(L.tnE)], [c(0), set(L.ts)])),
    get(L.lastTag), set(L.prevTag), get(L.tg), c(0), ne, set(L.lastTag), get(L.tS), set(L.lastS), get(L.r), set(L.lastE),
    get(L.w), set(L.lastWord), inc(L.ntok),
    br(0),
    op.end, op.end,
    If([get(L.ts), c(2), eq], pushMention),
    // the name: `(*NAME)`'s unless a keyword of the scan's; else the last token, a word that is neither a tag keyword
    // nor a type word, after one that is no tag keyword
    c(0), set(L.tdNamed),
    If(get(L.isFn),
      If([spanIs(L.fnS, L.fnE, 'struct'), spanIs(L.fnS, L.fnE, 'union'), or, spanIs(L.fnS, L.fnE, 'enum'), or, spanIs(L.fnS, L.fnE, 'typedef'), or, eqz],
        [c(1), set(L.tdNamed), get(L.fnS), set(L.nameS), get(L.fnE), set(L.nameE)]),
      If([get(L.ntok), c(2), geU, get(L.lastWord), and, get(L.lastTag), eqz, and, get(L.prevTag), eqz, and,
        [...TYPE_WORDS].map((tw, i) => (i ? [spanIs(L.lastS, L.lastE, tw), or] : spanIs(L.lastS, L.lastE, tw))), eqz, and],
      [c(1), set(L.tdNamed), get(L.lastS), set(L.nameS), get(L.lastE), set(L.nameE)])),
  ];

  const body: Code[] = [
    get(L.res), c(512), sub, set(L.tab),
    op.loop,
    // a keyword token at p
    get(L.p), set(L.q), readName,
    If(nameIs('struct'), [c(1), set(L.kw)], If(nameIs('union'), [c(2), set(L.kw)], If(nameIs('enum'), [c(3), set(L.kw)],
      If(nameIs('typedef'), [c(5), set(L.kw)], ret)))),
    get(L.p), set(L.start), c(0), set(L.isFwd), c(0), set(L.isTd), get(L.nk), set(L.k1), get(L.nc), set(L.c1),
    If([get(L.kw), c(3), eq], enumDecl, If([get(L.kw), c(5), eq], typedefDecl, record)),
    // taken: its records committed, the end and the counts stored
    If(get(L.isFwd), [
      If([get(L.nf), c(ROOM.fwds), geU], ret),
      store(FWDS, 4, L.nf, 0, get(L.start)), store(FWDS, 4, L.nf, 1, get(L.q)),
      store(FWDS, 4, L.nf, 2, [get(L.nameS), get(L.kw), c(28), shl, or]), store(FWDS, 4, L.nf, 3, [get(L.nameE), get(L.nameS), sub]),
      inc(L.nf),
    ], If(get(L.isTd), If(get(L.tdNamed), [
      // a named typedef: its definition, and (definition, name, length, first mention, mentions)
      If([get(L.nd), c(ROOM.decls), geU], ret),
      If([get(L.nt), c(ROOM.tds), geU], ret),
      store(TDS, 5, L.nt, 0, thisDecl), store(TDS, 5, L.nt, 1, get(L.nameS)), store(TDS, 5, L.nt, 2, [get(L.nameE), get(L.nameS), sub]),
      store(TDS, 5, L.nt, 3, get(L.nm)), store(TDS, 5, L.nt, 4, [get(L.m1), get(L.nm), sub]), inc(L.nt), get(L.m1), set(L.nm),
      store(DECLS, 2, L.nd, 0, get(L.start)), store(DECLS, 2, L.nd, 1, get(L.q)), inc(L.nd),
    ]), [
      If([get(L.nd), c(ROOM.decls), geU], ret),
      store(DECLS, 2, L.nd, 0, get(L.start)), store(DECLS, 2, L.nd, 1, get(L.q)), inc(L.nd),
      get(L.k1), set(L.nk), get(L.c1), set(L.nc),
    ])),
    get(L.res), get(L.q), op.store(0), get(L.res), get(L.nd), op.store(4), get(L.res), get(L.nk), op.store(8),
    get(L.res), get(L.nc), op.store(12), get(L.res), get(L.nf), op.store(16), get(L.res), get(L.nt), op.store(20),
    get(L.res), get(L.nm), op.store(24),
    // the next token
    skipWs, get(L.q), set(L.p),
    br(0),
    op.end,
  ];
  return oneFunctionModule('run', 4, 41, false, flatten(body));
}
