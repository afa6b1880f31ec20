// Recursive-descent C parser over preprocessed tokens: declarations (into a TypeEnv), statements and expressions.
//
// Error-tolerant by construction: an unparsable declaration or statement is skipped to the next `;` or `}` and
// reported as a note, never thrown to the caller.

import { Tk, Token, UNROLL } from './lexer';
import { applyOp, parseIntLit } from './preproc';
import { CHAR, CType, EnumT, Field, INT, LONG, Record, VOID, alignOf, layout, sizeOf } from './ctypes';

/** Names visible at file scope: tags, typedefs, enumerators, globals and functions. */
export class TypeEnv {
  readonly tags = new Map<string, Record | EnumT>();
  readonly typedefs = new Map<string, CType>();
  readonly enumConsts = new Map<string, { value: bigint; type: EnumT }>();
  readonly globals = new Map<string, CType>();
  /** `const volatile` scalar globals (libbpf's .rodata knobs) with their value as written (0 without initializer):
   * the loader may set them before load, the object as compiled carries this default. A scalar member of a
   * `const volatile` struct global is one too, keyed `global.member` (bpf-examples' `user_config.groupby_ifindex`). */
  readonly knobs = new Map<string, bigint>();
  readonly funcs = new Map<string, FuncDef>();
  /** `extern` declarations placed in libbpf's `.ksyms` / `.kconfig` sections (`__ksym`, `__kconfig`): what libbpf
   * resolves before relocating, once clang emits them (source/externs.ts decides which it does). */
  readonly externs = new Map<string, ExternDecl>();
  /** `extern` variables in no section (`extern struct sys_stat sys_stat;`, defined in another object a build links
   * later): source/externs.ts decides whether clang emits them (a BTF VAR no DATASEC lists). */
  readonly linkedVars = new Map<string, ExternDecl>();
  /** File-scope variables declared without `extern` (a definition, tentative or not, in this unit). */
  readonly definedVars = new Set<string>();
  /** Header environments visible from here (flat: each is searched at its own names only, never its imports, so a
   * chain of N headers costs N lookups, not 2^N). */
  imports: TypeEnv[] = [];
  private find<T>(get: (e: TypeEnv) => T | undefined): T | undefined {
    for (let i = this.imports.length - 1; i >= 0; i--) {
      const v = get(this.imports[i]!);
      if (v !== undefined) return v;
    }
    return undefined;
  }
  // (the hottest lookups, once per identifier the parser meets, walk the imports without a closure per call)
  tag(key: string): Record | EnumT | undefined {
    const own = this.tags.get(key);
    if (own !== undefined) return own;
    for (let i = this.imports.length - 1; i >= 0; i--) { const v = this.imports[i]!.tags.get(key); if (v !== undefined) return v; }
    return undefined;
  }
  typedef(n: string): CType | undefined {
    const own = this.typedefs.get(n);
    if (own !== undefined) return own;
    for (let i = this.imports.length - 1; i >= 0; i--) { const v = this.imports[i]!.typedefs.get(n); if (v !== undefined) return v; }
    return undefined;
  }
  enumConst(n: string): { value: bigint; type: EnumT } | undefined {
    const own = this.enumConsts.get(n);
    if (own !== undefined) return own;
    for (let i = this.imports.length - 1; i >= 0; i--) { const v = this.imports[i]!.enumConsts.get(n); if (v !== undefined) return v; }
    return undefined;
  }
  global(n: string): CType | undefined {
    const own = this.globals.get(n);
    if (own !== undefined) return own;
    for (let i = this.imports.length - 1; i >= 0; i--) { const v = this.imports[i]!.globals.get(n); if (v !== undefined) return v; }
    return undefined;
  }
  knob(n: string): bigint | undefined { return this.knobs.get(n) ?? this.find((e) => e.knobs.get(n)); }
  /** A `__ksym` / `__kconfig` extern by name, declared here or in a header. */
  extern(n: string): ExternDecl | undefined { return this.externs.get(n) ?? this.find((e) => e.externs.get(n)); }
  /** A function by name; a definition (with a body) wins over a prototype seen elsewhere. */
  func(n: string): FuncDef | undefined {
    const own = this.funcs.get(n);
    if (own?.body) return own;
    for (let i = this.imports.length - 1; i >= 0; i--) { const v = this.imports[i]!.funcs.get(n); if (v?.body) return v; }
    return own ?? this.find((e) => e.funcs.get(n));
  }
  /** Makes a header's names visible from here on. */
  absorb(o: TypeEnv): void { if (o !== this && !this.imports.includes(o)) this.imports.push(o); }
}

export interface FuncDef {
  name: string;
  type: CType;
  params: { name: string; type: CType; tok?: Token }[];
  static: boolean;
  /** Body tokens (without the braces); absent for prototypes. */
  body?: Token[];
  start: number;
  end: number;
  /** `SEC("...")` attached to the definition. */
  section?: string;
  /** libbpf program macro wrapping the definition: BPF_KPROBE etc. */
  progMacro?: string;
  nameTok?: Token;
  /** The header the definition is written in (absolute path); undefined for the analysed document itself. */
  file?: string;
  /** `__attribute__((noinline))` (libbpf's `__noinline`): clang keeps it a BPF-to-BPF call, never inlined. */
  noinline?: boolean;
  /** `__attribute__((weak))` (libbpf's `__weak`): another unit may replace the definition, so LLVM never inlines it. */
  weak?: boolean;
  /** `asm("llvm.bpf.load.byte")` after the prototype: the name is an alias clang calls instead (an LLVM intrinsic),
   * no symbol of its own (bpf-developer-tutorial's `load_byte`). */
  asmLabel?: boolean;
  /** `__attribute__((always_inline))` or `inline`. */
  inline?: boolean;
  /** `__attribute__((always_inline))` itself: clang always inlines it. A plain `inline` is only LLVM's inlinehint (a
   * higher cost threshold), which a large helper with several callers exceeds (KubeArmor's path matchers). */
  alwaysInline?: boolean;
  /** A C99 inline definition: the `inline` keyword (libbpf's `__always_inline` spells it), neither `static` nor
   * `extern`. clang (C17) emits no symbol for it: it is only ever inlined, never a .text function of its own
   * (ptcpdump's non-static `__always_inline void handle_tc_ingress(struct __sk_buff *skb, ...)`). An
   * `__attribute__((always_inline))` without the keyword, or `extern inline`, is an external definition, emitted. */
  inlineDef?: boolean;
}

/** GNU's attribute keyword, in either spelling. */
function isAttribute(s: string | undefined): boolean {
  return s === '__attribute__' || s === '__attribute';
}

/** `mac`: the expression's first token came from a macro body (`((T)(src))` in BPF_CORE_READ's expansion). */
export type Expr = { start: number; end: number; exp?: { start: number; end: number }; mac?: boolean } & (
  | { e: 'id'; name: string }
  | { e: 'num'; v: bigint; /** the literal as written (its suffix and base decide its type); absent for characters */ lit?: string }
  | { e: 'str' }
  | { e: 'member'; obj: Expr; name: string; arrow: boolean; nameStart: number; nameEnd: number }
  | { e: 'index'; arr: Expr; idx: Expr }
  | { e: 'call'; fn: Expr; args: Expr[]; raw: Token[][] }
  | { e: 'unary'; op: string; x: Expr }
  | { e: 'postfix'; op: string; x: Expr }
  | { e: 'binary'; op: string; l: Expr; r: Expr }
  | { e: 'cond'; c: Expr; a: Expr; b: Expr }
  | { e: 'assign'; op: string; l: Expr; r: Expr }
  | { e: 'cast'; type: CType; x: Expr }
  | { e: 'sizeof'; x?: Expr; type?: CType }
  | { e: 'comma'; l: Expr; r: Expr }
  | { e: 'stmtexpr'; body: Stmt[] }
  | { e: 'init'; items: Expr[]; names?: (string | undefined)[]; /** per item: a designator other than one `.name` */ complex?: boolean[] }
  | { e: 'type'; type: CType }
  /** `_Generic(x, T1: a, T2: b, default: c)`: the association is chosen by x's type when the function is typed. */
  | { e: 'generic'; x: Expr; assoc: { type?: CType; x: Expr }[] }
  | { e: 'bad' }
);

export type Stmt = { start: number; end: number } & (
  | { s: 'expr'; x: Expr }
  | { s: 'decl'; vars: { name: string; type: CType; init?: Expr; start: number; /** `__attribute__((cleanup(fn)))`: fn's
      * name, called with the variable's address whenever its scope is left (sites.ts cleanups) */ cleanup?: string }[] }
  | { s: 'if'; c: Expr; t: Stmt; f?: Stmt }
  | { s: 'return'; x?: Expr }
  | { s: 'block'; body: Stmt[] }
  | { s: 'loop'; c?: Expr; body: Stmt; init?: Stmt; step?: Expr; unroll?: number; /** `do { } while (c);` */ post?: true }
  | { s: 'switch'; c: Expr; body: Stmt }
  | { s: 'jump'; kind: string; /** `goto`'s label */ target?: string }
  | { s: 'label'; x?: Expr; body: Stmt; /** a goto target's name (no `x`) */ name?: string }
  | { s: 'empty'; asm?: boolean; /** the variables an asm statement takes as register operands (`"+r"(v)`) */ asmVars?: string[];
      /** symbols its template loads as 64-bit immediates (`"%0 = SYM ll"`): a relocation to SYM (asmSymbols) */ asmSyms?: string[] }
);

export interface ParseNote { start: number; end: number; message: string }

const TYPE_KW = new Set(['void', 'char', 'short', 'int', 'long', 'float', 'double', 'signed', 'unsigned', '_Bool', 'struct', 'union',
  'enum', 'const', 'volatile', 'restrict', '__restrict', '__restrict__', '__const', '__volatile__', 'typeof', '__typeof__', '__typeof',
  'static', 'extern', 'inline', '__inline', '__inline__', 'register', 'auto', '_Thread_local', '__attribute__', '__attribute',
  '__int128', '_Atomic', '__extension__', '__signed__', '__always_inline', '__noinline', '__weak', '__hidden', 'SEC',
  '__ksym', '__kconfig', '__maybe_unused', '__section', '__uint', '__type', '__array', '__builtin_va_list', '__uint128_t', '__int128_t',
  '_Static_assert', '__auto_type']);
/** CORELENS_STATIC_ASSERT_STMT=0: `_Static_assert(..);` in a block is parsed as a declaration (a false "expected ';'
 * after declaration" note, before/after). */
const STATIC_ASSERT_STMT = process.env.CORELENS_STATIC_ASSERT_STMT !== '0';
/** Error recoveries per struct/union body before the rest of it is skipped: bounds the notes a garbage body makes. */
const MAX_RECOVERIES = 16;
/** libbpf/bpf_helpers.h decoration macros that are attributes or storage classes, not types. */
const NOISE = new Set(['static', 'extern', 'inline', '__inline', '__inline__', 'register', 'auto', '_Thread_local', '__extension__',
  '__always_inline', '__noinline', '__weak', '__hidden', '__ksym', '__kconfig', '__maybe_unused', '_Atomic', '__cpu']);

/** CORELENS_KSYM_PROTOS=0: a function prototype without `extern` is no __ksym extern, whatever its section. */
const KSYM_PROTOS = process.env.CORELENS_KSYM_PROTOS !== '0';

/** An `extern ... __ksym` / `__kconfig` declaration as written (the first one of its name; `weak` from any). */
export interface ExternDecl { name: string; type: CType; section: '.ksyms' | '.kconfig'; weak: boolean; tok?: Token; /** defined nowhere, no `__ksym` (source/externs.ts) */ linked?: true;
  /** declared nowhere, named only in inline asm: no BTF at all (source/externs.ts) */ noBtf?: true }

export interface DeclaredVar { name: string; type: CType; tok?: Token; init?: Expr; isTypedef: boolean; storage: string[] }

/** Parser over one token array; `pos` advances; every method tolerates garbage. */
export class CParser {
  i = 0;
  readonly notes: ParseNote[] = [];
  /** Records defined while parsing (for preserve_access_index propagation). */
  private recordStack: Record[][] = [];
  /** Prototypes met while a definition of the same name is in the environment: the incremental re-parse of one
   * function (libbpf's BPF_KPROBE puts SEC() on a prototype right before the new definition) must see their
   * attributes, as a parse from the top would. */
  private readonly shadowProtos = new Map<string, FuncDef>();
  constructor(readonly toks: Token[], public env: TypeEnv, readonly locals?: (n: string) => CType | undefined) {}

  peek(k = 0): Token | undefined { return this.toks[this.i + k]; }
  is(s: string, k = 0): boolean { return this.toks[this.i + k]?.s === s; }
  eat(s: string): boolean { if (this.is(s)) { this.i++; return true; } return false; }
  next(): Token | undefined { return this.toks[this.i++]; }
  get done(): boolean { return this.i >= this.toks.length; }
  private note(t: Token | undefined, message: string): void {
    const at = t ?? this.toks[this.toks.length - 1];
    this.notes.push({ start: at?.exp?.start ?? at?.start ?? 0, end: at?.exp?.end ?? at?.end ?? 0, message });
  }

  /** Skips to after the next `;` at depth 0 (or before an unmatched `}`). */
  skipStatement(): void {
    let depth = 0;
    while (!this.done) {
      const s = this.peek()!.s;
      if (s === '(' || s === '[' || s === '{') depth++;
      else if (s === ')' || s === ']' || s === '}') {
        if (depth === 0) return;
        depth--;
        if (depth === 0 && s === '}' && !this.is(';', 1) && !this.is(',', 1)) { this.i++; return; }
      } else if (s === ';' && depth === 0) { this.i++; return; }
      this.i++;
    }
  }

  /** Skips a balanced group starting at the current opening token. */
  skipGroup(): void {
    const open = this.peek()?.s;
    const close = open === '(' ? ')' : open === '[' ? ']' : '}';
    let depth = 0;
    while (!this.done) {
      const s = this.next()!.s;
      if (s === open) depth++;
      else if (s === close && --depth === 0) return;
    }
  }

  isTypeStart(k = 0): boolean {
    const t = this.peek(k);
    if (!t || t.t !== Tk.Ident) return false;
    if (TYPE_KW.has(t.s)) return true;
    if (this.localType(t.s)) return false;
    return this.env.typedef(t.s) !== undefined;
  }

  // ------------------------------------------------------------------ declarations

  /** Attributes: returns what layout/CO-RE cares about. */
  private attributes(into: { packed?: boolean; align?: number; pai?: boolean; section?: string; noinline?: boolean; inline?: boolean; alwaysInline?: boolean; gnuInline?: boolean; weak?: boolean; cleanup?: string }): void {
    for (;;) {
      const t = this.peek();
      if (!t) return;
      if (t.s === '__attribute__' || t.s === '__attribute') {
        this.i++;
        const st = this.i;
        this.skipGroup();
        const inner = this.toks.slice(st, this.i);
        for (let k = 0; k < inner.length; k++) {
          const s = inner[k]!.s;
          if (s === 'packed' || s === '__packed__') into.packed = true;
          else if (s === 'preserve_access_index' || s === '__preserve_access_index__') into.pai = true;
          else if (s === 'noinline' || s === '__noinline__') into.noinline = true;
          else if (s === 'always_inline' || s === '__always_inline__') { into.inline = true; into.alwaysInline = true; }
          else if (s === 'gnu_inline' || s === '__gnu_inline__') into.gnuInline = true;
          else if (s === 'weak' || s === '__weak__') into.weak = true;
          else if ((s === 'cleanup' || s === '__cleanup__') && inner[k + 1]?.s === '(' && inner[k + 2]?.t === Tk.Ident && inner[k + 3]?.s === ')') into.cleanup = inner[k + 2]!.s;
          else if ((s === 'aligned' || s === '__aligned__') && inner[k + 1]?.s === '(') {
            const close = inner.findIndex((x, j) => j > k + 1 && x.s === ')');
            const sub = new CParser(inner.slice(k + 2, close < 0 ? undefined : close), this.env);
            into.align = Number(sub.constExpr());
          } else if ((s === 'aligned' || s === '__aligned__')) into.align = 8;
          else if ((s === 'section' || s === '__section__') && inner[k + 1]?.s === '(') {
            // `section(("raw_tracepoint/x"))`, `section((MAIN))` once MAIN expanded: parentheses around the string
            let j = k + 2;
            while (inner[j]?.s === '(') j++;
            if (inner[j]?.t === Tk.String) into.section = joinStrings(inner, j);
          }
        }
      } else if (t.s === 'SEC' && this.is('(', 1)) {
        const str = this.peek(2);
        if (str?.t === Tk.String) into.section = joinStrings(this.toks, this.i + 2);
        this.i++;
        this.skipGroup();
      } else if (t.s === '__section' && this.is('(', 1)) {
        this.i++;
        this.skipGroup();
      } else if (t.s === '__aligned' && this.is('(', 1)) {
        this.i++;
        this.skipGroup();
      } else return;
    }
  }

  /** Declaration specifiers: the base type plus storage class words. Undefined if none found. */
  declSpecs(storage: string[] = [], attrs: { packed?: boolean; align?: number; pai?: boolean; section?: string; noinline?: boolean; inline?: boolean; alwaysInline?: boolean; gnuInline?: boolean; weak?: boolean; cleanup?: string } = {}): CType | undefined {
    let base: CType | undefined;
    const words: string[] = [];
    const quals: ('const' | 'volatile' | 'restrict')[] = [];
    for (;;) {
      this.attributes(attrs);
      const t = this.peek();
      if (!t || t.t !== Tk.Ident) break;
      const s = t.s;
      if (NOISE.has(s)) { storage.push(s); this.i++; continue; }
      if (s === 'typedef') { storage.push(s); this.i++; continue; }
      if (s === 'const' || s === '__const') { quals.push('const'); this.i++; continue; }
      if (s === 'volatile' || s === '__volatile__') { quals.push('volatile'); this.i++; continue; }
      if (s === 'restrict' || s === '__restrict' || s === '__restrict__') { quals.push('restrict'); this.i++; continue; }
      if (['void', 'char', 'short', 'int', 'long', 'float', 'double', 'signed', 'unsigned', '_Bool', '__int128', '__signed__'].includes(s)) {
        words.push(s === '__signed__' ? 'signed' : s);
        this.i++;
        continue;
      }
      if (s === '__builtin_va_list') { this.i++; base = { k: 'ptr', to: CHAR }; continue; }
      // GNU `__auto_type x = init`: the declaration types x from its initializer (tetragon's with_errmetrics)
      if (s === '__auto_type' && !base && !words.length) { this.i++; base = AUTO; continue; }
      if ((s === '__uint128_t' || s === '__int128_t') && !base && !words.length) { this.i++; base = { k: 'int', name: s, size: 16, signed: s === '__int128_t' }; continue; }
      if (s === 'struct' || s === 'union') { base = this.recordSpec(s); continue; }
      if (s === 'enum') { base = this.enumSpec(); continue; }
      if (s === 'typeof' || s === '__typeof__' || s === '__typeof') {
        this.i++;
        this.eat('(');
        if (this.isTypeStart()) base = this.typeName();
        else {
          const st = this.i;
          this.depthSkipTo(')');
          base = this.typeofHook?.(this.toks.slice(st, this.i), (n) => this.localType(n)) ?? INT;
        }
        this.eat(')');
        continue;
      }
      if (!base && !words.length && !this.localType(s)) {
        const td = this.env.typedef(s);
        if (td) { base = { k: 'typedef', name: s, to: td }; this.i++; continue; }
      }
      break;
    }
    if (!base && words.length) base = intFromWords(words);
    if (!base) {
      if (!quals.length && !storage.length) return undefined;
      base = INT;
    }
    for (const q of quals) base = { k: 'qual', q, of: base };
    return base;
  }

  /** Hook for `typeof(expr)`: sites.ts installs an expression typer. */
  typeofHook?: (toks: Token[], locals: (n: string) => CType | undefined) => CType | undefined;

  /** Block scopes of the body being parsed: `typeof(local)` (every BPF_CORE_READ has one) is typed at parse time. */
  private scopes: Map<string, CType>[] = [];
  /** A local variable's type: this parser's scopes, then the caller's. */
  localType(n: string): CType | undefined {
    for (let i = this.scopes.length - 1; i >= 0; i--) { const t = this.scopes[i]!.get(n); if (t) return t; }
    return this.locals?.(n);
  }

  private depthSkipTo(close: string): void {
    let depth = 0;
    while (!this.done) {
      const s = this.peek()!.s;
      if (depth === 0 && s === close) return;
      if (s === '(' || s === '[' || s === '{') depth++;
      else if (s === ')' || s === ']' || s === '}') depth--;
      this.i++;
    }
  }

  private recordSpec(kw: string): Record {
    const kwTok = this.next()!;
    const attrs: { packed?: boolean; align?: number; pai?: boolean } = {};
    this.attributes(attrs);
    let name = '';
    if (this.peek()?.t === Tk.Ident && !this.is('{')) name = this.next()!.s;
    this.attributes(attrs);
    const key = `${kw} ${name}`;
    let rec: Record | undefined;
    if (name) {
      const prev = this.env.tags.get(key) ?? (this.is('{') ? undefined : this.env.tag(key));
      if (prev && prev.k === kw) rec = prev as Record;
    }
    // clang: a declaration of a tag inside a preserve_access_index pragma region (`struct msg;`, or its first mention
    // `struct msg *p` there) carries the attribute, and a later definition inherits it from that declaration (a
    // declaration after the definition is ignored: -Wignored-attributes). vmlinux.h forward-declares ~120 tags it
    // never defines (`struct msg;`): a program defining one of them gets relocated accesses.
    const inRegion = !!(kwTok as { pai?: boolean }).pai;
    if (!this.is('{')) {
      if (!rec) {
        rec = newRecord(kw as 'struct', name);
        if (name) this.env.tags.set(key, rec);
        if (inRegion) rec.pai = true;
      } else if (inRegion && this.is(';') && !isPending(rec) && !rec.complete && this.env.tags.get(key) === rec) {
        rec.pai = true; // a redeclaration of this document's own tag (a header's records are shared: left alone)
      }
      return rec;
    }
    if (!rec || rec.complete) {
      // the definition completes a tag declared by an included header: it inherits that declaration's attribute
      const declared = name && !rec ? this.env.tag(key) : undefined;
      rec = newRecord(kw as 'struct', name);
      if (name) this.env.tags.set(key, rec);
      if (declared && declared.k === kw && !isPending(declared) && (declared as Record).pai && !(declared as Record).complete) rec.pai = true;
    }
    if ((kwTok as { pai?: boolean }).pai) rec.pai = true;
    this.i++; // {
    this.recordStack.push([]);
    const fields: Field[] = [];
    let recoveries = 0;
    /** Error recovery inside the body: always consumes input (a stray `)` or `]` used to stop skipStatement where
     * it stood, looping forever), and gives up on the rest of the body after MAX_RECOVERIES. */
    const recover = (st: number, message: string): boolean => {
      if (++recoveries > MAX_RECOVERIES) {
        this.note(this.peek(), `too many errors in ${kw} ${name || '(anonymous)'}: the rest of its body is skipped`);
        for (let braces = 0; !this.done; this.i++) {
          const s = this.peek()!.s;
          if (s === '{') braces++;
          else if (s === '}' && braces-- === 0) break;
        }
        return false;
      }
      this.note(this.peek(), message);
      this.skipStatement();
      if (this.i === st) this.i++;
      return true;
    };
    while (!this.done && !this.is('}')) {
      const st = this.i;
      const fattrs: { packed?: boolean; align?: number; pai?: boolean } = {};
      if (this.peek()!.s === '__uint' || this.peek()!.s === '__type' || this.peek()!.s === '__array') {
        this.skipStatement();
        if (this.i === st) this.i++;
        continue;
      }
      const base = this.declSpecs([], fattrs);
      if (!base) { if (!recover(st, `cannot parse member declaration near '${this.peek()?.s}'`)) break; continue; }
      if (this.eat(';')) {
        // anonymous struct/union member
        const s = base;
        if (s.k === 'struct' || s.k === 'union') fields.push({ name: '', type: s, bitOffset: 0 });
        continue;
      }
      for (;;) {
        let fname = '';
        let ftype: CType = base;
        if (!this.is(':')) {
          const d = this.declarator(base);
          fname = d.name;
          ftype = d.type;
        }
        let bits: number | undefined;
        if (this.eat(':')) bits = Number(this.constExpr());
        const a2 = { ...fattrs };
        this.attributes(a2);
        fields.push({ name: fname, type: ftype, bits, bitOffset: 0, align: a2.align, packed: a2.packed });
        if (!this.eat(',')) break;
      }
      if (!this.eat(';') && !recover(st, `expected ';' after member`)) break;
    }
    const inner = this.recordStack.pop()!;
    this.eat('}');
    this.attributes(attrs);
    rec.fields = fields;
    rec.complete = true;
    rec.packed = !!attrs.packed;
    rec.align = attrs.align;
    if (attrs.pai) rec.pai = true;
    rec.laidOut = false;
    if (rec.pai) for (const r of inner) markPai(r);
    (rec as Record & { inner?: Record[] }).inner = inner;
    this.recordStack[this.recordStack.length - 1]?.push(rec);
    // attributes after the closing brace of a later declarator list also apply: handled by callers via pai on tag
    return rec;
  }

  private enumSpec(): EnumT {
    this.i++;
    const attrs: { packed?: boolean } = {};
    this.attributes(attrs);
    let name = '';
    if (this.peek()?.t === Tk.Ident && !this.is('{')) name = this.next()!.s;
    const key = `enum ${name}`;
    let en = name ? (this.env.tags.get(key) ?? (this.is('{') ? undefined : this.env.tag(key))) as EnumT | undefined : undefined;
    if (!en || (this.is('{') && en.complete)) {
      en = { k: 'enum', name, values: [], complete: false, size: 4, signed: false };
      if (name) this.env.tags.set(key, en);
    }
    if (!this.eat('{')) return en;
    let v = 0n;
    const values: { name: string; value: bigint }[] = [];
    while (!this.done && !this.is('}')) {
      const n = this.next()!;
      this.attributes({});
      if (this.eat('=')) v = this.constExpr();
      values.push({ name: n.s, value: v });
      this.env.enumConsts.set(n.s, { value: v, type: en });
      v++;
      if (!this.eat(',')) break;
    }
    this.eat('}');
    this.attributes(attrs);
    en.values = values;
    en.complete = true;
    let min = 0n;
    let max = 0n;
    for (const x of values) { if (x.value < min) min = x.value; if (x.value > max) max = x.value; }
    en.signed = min < 0n;
    en.size = attrs.packed ? (max < 256n && min >= -128n ? 1 : max < 65536n ? 2 : 4) : (max > 0xffffffffn || min < -0x80000000n ? 8 : 4);
    return en;
  }

  /** A declarator: returns the declared name and the full type built inside-out. */
  /** `trailing` receives the attributes written after the name (`x __ksym`, `f(..) __weak`), which only the extern
   * bookkeeping reads: layout and inlining keep ignoring them, as before. */
  declarator(base: CType, trailing?: { section?: string; weak?: boolean; cleanup?: string }): { name: string; type: CType; tok?: Token } {
    let ptrs = 0;
    const ptrQuals: ('const' | 'volatile' | 'restrict')[][] = [];
    // `__attribute` is the same keyword as `__attribute__` (sched-ext's `#define __arg_arena __attribute((..))` in
    // `typedef struct scx_bitmap * __arg_arena scx_bitmap_t`)
    while (this.is('*') || isAttribute(this.peek()?.s)) {
      if (isAttribute(this.peek()!.s)) { this.attributes({}); continue; }
      this.i++;
      ptrs++;
      const qs: ('const' | 'volatile' | 'restrict')[] = [];
      for (;;) {
        const s = this.peek()?.s;
        if (s === 'const' || s === '__const') qs.push('const');
        else if (s === 'volatile') qs.push('volatile');
        else if (s === 'restrict' || s === '__restrict' || s === '__restrict__') qs.push('restrict');
        else if (s === '__user' || s === '__kernel' || s === '__iomem' || s === '__rcu' || s === '__percpu' || s === '__force') { /* sparse annotations */ }
        else break;
        this.i++;
      }
      ptrQuals.push(qs);
    }
    let t = base;
    for (let p = 0; p < ptrs; p++) {
      t = { k: 'ptr', to: t };
      for (const q of ptrQuals[p]!) t = { k: 'qual', q, of: t };
    }
    // direct declarator
    let name = '';
    let tok: Token | undefined;
    let innerStart = -1;
    let innerEnd = -1;
    if (this.is('(') && !this.isParamListStart(1)) {
      // parenthesised declarator: parse later with the completed outer type
      innerStart = this.i + 1;
      this.skipGroup();
      innerEnd = this.i - 1;
    } else if (this.peek()?.t === Tk.Ident && !TYPE_KW.has(this.peek()!.s)) {
      tok = this.next()!;
      name = tok.s;
    }
    const suffixes: (() => CType)[] = [];
    void suffixes;
    // suffixes apply right-to-left relative to the type: collect then build
    const sfx: ({ arr: number } | { fn: { name: string; type: CType }[]; variadic: boolean })[] = [];
    for (;;) {
      this.attributes(trailing ?? {});
      if (this.eat('[')) {
        let n = 0;
        if (!this.is(']')) {
          const st = this.i;
          this.depthSkipTo(']');
          const sub = new CParser(this.toks.slice(st, this.i), this.env);
          n = Number(sub.constExpr());
        }
        this.eat(']');
        sfx.push({ arr: n });
      } else if (this.is('(')) {
        const ps = this.paramList();
        sfx.push({ fn: ps.params, variadic: ps.variadic });
      } else break;
    }
    for (let k = sfx.length - 1; k >= 0; k--) {
      const s = sfx[k]!;
      if ('arr' in s) t = { k: 'array', of: t, n: s.arr };
      else t = { k: 'func', ret: t, params: s.fn, variadic: s.variadic };
    }
    if (innerStart >= 0) {
      const sub = new CParser(this.toks.slice(innerStart, innerEnd), this.env, (n) => this.localType(n));
      const d = sub.declarator(t);
      return d;
    }
    return { name, type: t, tok };
  }

  private isParamListStart(k: number): boolean {
    const t = this.peek(k);
    if (!t) return false;
    if (t.s === ')') return true;
    if (t.s === '*' || t.s === '(' || t.s === '^') return false;
    return this.isTypeStart(k) && !isAttribute(this.peek(k)!.s);
  }

  /** `( params )`: parameter names and types; `(void)` is empty. */
  paramList(): { params: { name: string; type: CType; tok?: Token }[]; variadic: boolean } {
    this.eat('(');
    const params: { name: string; type: CType; tok?: Token }[] = [];
    let variadic = false;
    while (!this.done && !this.is(')')) {
      if (this.eat('...')) { variadic = true; continue; }
      const st = this.i;
      const base = this.declSpecs();
      if (!base) {
        // K&R name or a macro argument like BPF_KPROBE(name, ...): keep the identifier as an untyped param
        const t = this.next()!;
        params.push({ name: t.t === Tk.Ident ? t.s : '', type: INT, tok: t });
        this.depthSkipToAny([',', ')']);
      } else {
        const d = this.declarator(base);
        params.push({ name: d.name, type: d.type, tok: d.tok });
      }
      if (this.i === st) this.i++;
      if (!this.eat(',')) break;
    }
    this.eat(')');
    if (params.length === 1 && params[0]!.type.k === 'void' && !params[0]!.name) params.length = 0;
    return { params, variadic };
  }

  /** A type name as in casts and sizeof: specifiers plus an abstract declarator. */
  typeName(): CType {
    const base = this.declSpecs() ?? INT;
    return this.declarator(base).type;
  }

  /** Parses one top-level item; function definitions are returned with their body tokens unparsed. */
  topLevel(onFunc: (f: FuncDef) => void, onVar?: (v: DeclaredVar) => void): void {
    const st = this.i;
    const first = this.peek()!;
    if (first.s === ';') { this.i++; return; }
    if (first.s === '_Static_assert' || first.s === 'asm' || first.s === '__asm__') { this.skipStatement(); return; }
    const storage: string[] = [];
    const attrs: { section?: string; pai?: boolean; noinline?: boolean; inline?: boolean; alwaysInline?: boolean; gnuInline?: boolean; weak?: boolean } = {};
    const base = this.declSpecs(storage, attrs);
    if (!base) {
      // expression statement at top level: SEC("...") before a function or an unknown macro invocation
      this.note(first, `unknown construct '${first.s}' at file scope`);
      this.skipStatement();
      if (this.i === st) this.i++;
      return;
    }
    if (this.eat(';')) return;
    for (;;) {
      const trailing: { section?: string; weak?: boolean } = {};
      const d = this.declarator(base, trailing);
      this.attributes(attrs);
      let asmLabel = false;
      if ((this.is('asm') || this.is('__asm__') || this.is('__asm')) && this.peek(1)?.s === '(') {
        // an asm label (`f(..) asm("llvm.bpf.load.byte");`): skipped to its `)`, remembered on a prototype
        this.i++;
        this.eat('(');
        this.depthSkipTo(')');
        this.eat(')');
        asmLabel = true;
        this.attributes(attrs);
      }
      const isTypedef = storage.includes('typedef');
      // a function prototype is extern without the keyword: `bool f(s32 cpu) __ksym;` (sched-ext's common.bpf.h) is a
      // kfunc clang lists in .ksyms like `extern bool f(s32 cpu) __ksym;` (measured: FUNC linkage=extern, DATASEC .ksyms)
      const proto = KSYM_PROTOS && d.type.k === 'func' && !storage.includes('static') && !this.is('{');
      if (d.name && !isTypedef && (storage.includes('extern') || proto)) {
        this.noteExtern(d.name, d.type, d.tok, storage, { section: attrs.section ?? trailing.section, weak: attrs.weak || trailing.weak });
      }
      if (d.type.k === 'func' && this.is('{')) {
        const bodyStart = this.i + 1;
        this.skipGroup();
        const progMacro = d.name && /^BPF_(KPROBE|KRETPROBE|UPROBE|URETPROBE|KSYSCALL|KPROBE_SYSCALL|PROG|PROG2|USDT)$/.test(d.name) ? d.name : undefined;
        let name = d.name;
        let params = d.type.params;
        if (progMacro) {
          name = params[0]?.name ?? '';
          params = params.slice(1);
          // BPF_PROG2(name, type1, arg1, type2, arg2, ...): a type and a name per argument, as separate macro arguments
          if (progMacro === 'BPF_PROG2') {
            const pairs: typeof params = [];
            for (let k = 0; k + 1 < params.length; k += 2) pairs.push({ name: params[k + 1]!.name, type: params[k]!.type, tok: params[k + 1]!.tok });
            params = pairs;
          }
        }
        // attributes of earlier declarations apply to the definition (libbpf's BPF_KPROBE puts SEC() on a prototype)
        const proto = this.shadowProtos.get(name) ?? this.env.func(name);
        this.shadowProtos.delete(name);
        const f: FuncDef = {
          name, type: d.type, params, static: storage.includes('static') || !!proto?.static, body: this.toks.slice(bodyStart, this.i - 1),
          start: first.exp?.start ?? first.start, end: this.toks[this.i - 1]!.end, section: attrs.section ?? (proto && !proto.body ? proto.section : undefined), progMacro,
          nameTok: progMacro ? d.type.params[0]?.tok : d.tok,
        };
        if (attrs.noinline || storage.includes('__noinline') || (proto && !proto.body && proto.noinline)) f.noinline = true;
        if (attrs.inline || storage.includes('__always_inline') || storage.includes('inline') || storage.includes('__inline') || storage.includes('__inline__') || proto?.inline) f.inline = true;
        if (attrs.alwaysInline || storage.includes('__always_inline') || proto?.alwaysInline) f.alwaysInline = true;
        if (attrs.weak || storage.includes('__weak') || proto?.weak) f.weak = true;
        if (!f.static && !storage.includes('extern') && !attrs.gnuInline && ['inline', '__inline', '__inline__', '__always_inline'].some((k) => storage.includes(k))) f.inlineDef = true;
        this.env.funcs.set(name, f);
        onFunc(f);
        return;
      }
      if (isTypedef) { if (d.name) this.env.typedefs.set(d.name, d.type); }
      else if (d.type.k === 'func') {
        if (d.name && !this.env.funcs.has(d.name)) {
          const proto: FuncDef = { name: d.name, type: d.type, params: d.type.params, static: storage.includes('static'), start: first.start, end: first.end };
          if (attrs.section) proto.section = attrs.section;
          if (attrs.noinline) proto.noinline = true;
          if (attrs.inline || storage.includes('inline')) proto.inline = true;
          if (attrs.alwaysInline || storage.includes('__always_inline')) proto.alwaysInline = true;
          if (attrs.weak || storage.includes('__weak')) proto.weak = true;
          if (asmLabel) proto.asmLabel = true;
          this.env.funcs.set(d.name, proto);
        } else if (d.name && !this.env.funcs.get(d.name)!.body) {
          // a second prototype (falco's `int t1_sched_p_exec(...);` before its `SEC(...) int BPF_PROG(t1_...)`):
          // clang merges the attributes of every declaration into the function
          const proto = this.env.funcs.get(d.name)!;
          if (attrs.section) proto.section = attrs.section;
          if (attrs.noinline) proto.noinline = true;
          if (attrs.inline || storage.includes('inline')) proto.inline = true;
          if (attrs.alwaysInline || storage.includes('__always_inline')) proto.alwaysInline = true;
          if (attrs.weak || storage.includes('__weak')) proto.weak = true;
          if (storage.includes('static')) proto.static = true;
        } else if (d.name && this.env.funcs.get(d.name)?.body) {
          const proto: FuncDef = { name: d.name, type: d.type, params: d.type.params, static: storage.includes('static'), start: first.start, end: first.end };
          if (attrs.section) proto.section = attrs.section;
          if (attrs.noinline) proto.noinline = true;
          if (attrs.inline || storage.includes('inline')) proto.inline = true;
          if (attrs.alwaysInline || storage.includes('__always_inline')) proto.alwaysInline = true;
          if (attrs.weak || storage.includes('__weak')) proto.weak = true;
          this.shadowProtos.set(d.name, proto);
        }
      } else if (d.name) {
        this.env.globals.set(d.name, d.type);
        if (!isTypedef && !storage.includes('extern')) this.env.definedVars.add(d.name);
        onVar?.({ name: d.name, type: d.type, tok: d.tok, isTypedef, storage });
      }
      // a `const volatile` global: a scalar knob, or a config record whose scalar members are knobs
      const cv = !!d.name && !isTypedef && d.type.k !== 'func' && !storage.includes('extern') ? underConstVolatile(d.type) : undefined;
      const knob = cv?.k === 'int' || cv?.k === 'enum';
      const knobRec = cv?.k === 'struct' && cv.complete ? cv : undefined;
      if (this.eat('=')) {
        const from = this.i;
        this.depthSkipToAny([',', ';']);
        if (knob) {
          const v = constValue(new CParser(this.toks.slice(from, this.i), this.env).assignExpr(), this.env);
          if (v !== undefined) this.env.knobs.set(d.name!, v);
        }
        if (knobRec && this.toks[from]?.s === '{') {
          const init = new CParser(this.toks.slice(from, this.i), this.env).initList();
          if (init.e === 'init') this.setMemberKnobs(d.name!, knobRec, init);
        }
      } else if (knob) this.env.knobs.set(d.name!, 0n);
      else if (knobRec) this.setMemberKnobs(d.name!, knobRec, undefined);
      if (this.eat(',')) continue;
      break;
    }
    if (!this.eat(';')) {
      this.note(this.peek() ?? first, `expected ';' after declaration`);
      this.skipStatement();
    }
    if (this.i === st) this.i++;
  }

  /** Records an extern of libbpf's `.ksyms` or `.kconfig` section (a later declaration may add `__weak`). */
  private noteExtern(name: string, type: CType, tok: Token | undefined, storage: string[], attrs: { section?: string; weak?: boolean }): void {
    const section = attrs.section === '.ksyms' || storage.includes('__ksym') ? '.ksyms' : attrs.section === '.kconfig' || storage.includes('__kconfig') ? '.kconfig' : undefined;
    const weak = !!attrs.weak || storage.includes('__weak');
    if (!section && type.k !== 'func' && storage.includes('extern')) {
      const v = this.env.linkedVars.get(name);
      if (v) { if (weak) v.weak = true; } else this.env.linkedVars.set(name, { name, type, section: '.ksyms', weak, linked: true, ...(tok ? { tok } : {}) });
      return;
    }
    const have = this.env.externs.get(name);
    if (have) { if (weak) have.weak = true; return; }
    if (section) this.env.externs.set(name, { name, type, section, weak, ...(tok ? { tok } : {}) });
  }

  private depthSkipToAny(stops: string[]): void {
    let depth = 0;
    while (!this.done) {
      const s = this.peek()!.s;
      if (depth === 0 && stops.includes(s)) return;
      if (s === '(' || s === '[' || s === '{') depth++;
      else if (s === ')' || s === ']' || s === '}') { if (depth === 0) return; depth--; }
      this.i++;
    }
  }

  // ------------------------------------------------------------------ expressions

  /** Integer constant expression with the env's enumerators, sizeof and casts. */
  constExpr(): bigint {
    const x = this.assignExpr();
    return constValue(x, this.env) ?? 0n;
  }

  expr(): Expr {
    let l = this.assignExpr();
    while (this.is(',')) {
      this.i++;
      const r = this.assignExpr();
      l = { e: 'comma', l, r, start: l.start, end: r.end };
    }
    return l;
  }

  assignExpr(): Expr {
    const l = this.condExpr();
    const t = this.peek();
    if (t && ['=', '+=', '-=', '*=', '/=', '%=', '&=', '|=', '^=', '<<=', '>>='].includes(t.s)) {
      this.i++;
      const r = this.assignExpr();
      return { e: 'assign', op: t.s, l, r, start: l.start, end: r.end };
    }
    return l;
  }

  condExpr(): Expr {
    const c = this.binExpr(0);
    if (this.eat('?')) {
      const a = this.is(':') ? c : this.expr();
      this.eat(':');
      const b = this.condExpr();
      return { e: 'cond', c, a, b, start: c.start, end: b.end };
    }
    return c;
  }

  private static LEVELS = [['||'], ['&&'], ['|'], ['^'], ['&'], ['==', '!='], ['<', '>', '<=', '>='], ['<<', '>>'], ['+', '-'], ['*', '/', '%']];
  binExpr(level: number): Expr {
    if (level >= CParser.LEVELS.length) return this.castExpr();
    let l = this.binExpr(level + 1);
    while (this.peek() && CParser.LEVELS[level]!.includes(this.peek()!.s)) {
      const op = this.next()!.s;
      const r = this.binExpr(level + 1);
      l = { e: 'binary', op, l, r, start: l.start, end: r.end };
    }
    return l;
  }

  castExpr(): Expr {
    const t = this.peek();
    if (t?.s === '(' && this.isTypeStart(1)) {
      this.i++;
      const type = this.typeName();
      this.eat(')');
      if (this.is('{')) {
        const init = this.initList();
        return { e: 'cast', type, x: init, start: pos(t), end: init.end, mac: !!t.exp };
      }
      const x = this.castExpr();
      return { e: 'cast', type, x, start: pos(t), end: x.end, mac: !!t.exp };
    }
    return this.unaryExpr();
  }

  unaryExpr(): Expr {
    const t = this.peek();
    if (!t) return bad(this.toks[this.toks.length - 1]);
    if (['&', '*', '-', '+', '!', '~', '++', '--'].includes(t.s) && t.t === Tk.Punct) {
      this.i++;
      const x = this.castExpr();
      return { e: 'unary', op: t.s, x, start: pos(t), end: x.end };
    }
    if (t.s === 'sizeof' || t.s === '__alignof__' || t.s === '_Alignof') {
      this.i++;
      if (this.is('(') && this.isTypeStart(1)) {
        this.i++;
        const type = this.typeName();
        const close = this.peek();
        this.eat(')');
        return { e: 'sizeof', type, start: pos(t), end: close?.end ?? t.end };
      }
      const x = this.unaryExpr();
      return { e: 'sizeof', x, start: pos(t), end: x.end };
    }
    return this.postfixExpr();
  }

  postfixExpr(): Expr {
    let x = this.primary();
    for (;;) {
      const t = this.peek();
      if (!t) break;
      if (t.s === '->' || t.s === '.') {
        this.i++;
        const n = this.next();
        if (!n || n.t !== Tk.Ident) {
          this.notes.push({ start: t.start, end: t.end, message: `expected a member name after '${t.s}'` });
          x = { e: 'member', obj: x, name: '', arrow: t.s === '->', nameStart: t.end, nameEnd: t.end, start: x.start, end: t.end };
          if (n) this.i--;
          break;
        }
        x = { e: 'member', obj: x, name: n.s, arrow: t.s === '->', nameStart: n.start, nameEnd: n.end, start: x.start, end: n.end, exp: n.exp };
      } else if (t.s === '[') {
        this.i++;
        const idx = this.expr();
        const close = this.peek();
        this.eat(']');
        x = { e: 'index', arr: x, idx, start: x.start, end: close?.end ?? idx.end };
      } else if (t.s === '(') {
        this.i++;
        const raw: Token[][] = [];
        const args: Expr[] = [];
        let cur: Token[] = [];
        let depth = 0;
        let close: Token | undefined;
        while (!this.done) {
          const a = this.next()!;
          if (a.s === '(' || a.s === '[' || a.s === '{') depth++;
          else if (a.s === ')' || a.s === ']' || a.s === '}') {
            if (depth === 0) { close = a; break; }
            depth--;
          } else if (a.s === ',' && depth === 0) { raw.push(cur); cur = []; continue; }
          cur.push(a);
        }
        if (cur.length || raw.length) raw.push(cur);
        for (const r of raw) {
          const sub = new CParser(r, this.env, (n) => this.localType(n));
          sub.typeofHook = this.typeofHook;
          if (sub.isTypeStart() && !(sub.peek()?.s === 'sizeof')) {
            const type = sub.typeName();
            args.push({ e: 'type', type, start: pos(r[0]), end: r[r.length - 1]!.end });
          } else if (r.length) {
            const ex = sub.expr();
            args.push(ex);
          } else args.push(bad(close));
          for (const n of sub.notes) this.notes.push(n);
        }
        x = { e: 'call', fn: x, args, raw, start: x.start, end: close?.end ?? x.end };
      } else if (t.s === '++' || t.s === '--') {
        this.i++;
        x = { e: 'postfix', op: t.s, x, start: x.start, end: t.end };
      } else break;
    }
    return x;
  }

  primary(): Expr {
    const t = this.next();
    if (!t) return bad(this.toks[this.toks.length - 1]);
    const base = { start: t.start, end: t.end, exp: t.exp };
    if (t.s === '_Generic' && this.is('(')) {
      this.i++;
      const x = this.assignExpr();
      const assoc: { type?: CType; x: Expr }[] = [];
      while (this.eat(',')) {
        let type: CType | undefined;
        if (this.eat('default')) type = undefined;
        else type = this.typeName();
        this.eat(':');
        assoc.push({ type, x: this.assignExpr() });
      }
      const close = this.peek();
      this.eat(')');
      return { e: 'generic', x, assoc, start: t.start, end: close?.end ?? t.end, exp: t.exp };
    }
    switch (t.t) {
      case Tk.Ident: return { e: 'id', name: t.s, ...base };
      case Tk.Number: return { e: 'num', v: /[.eE]/.test(t.s) && !/^0[xX]/.test(t.s) ? 0n : parseIntLit(t.s), lit: t.s, ...base };
      case Tk.String: {
        while (this.peek()?.t === Tk.String) this.i++;
        return { e: 'str', ...base };
      }
      case Tk.Char: return { e: 'num', v: BigInt(t.s.charCodeAt(1) || 0), ...base };
    }
    if (t.s === '(') {
      if (this.is('{')) {
        this.i++;
        this.scopes.push(new Map());
        const body = this.blockItems();
        this.scopes.pop();
        this.eat('}');
        const close = this.peek();
        this.eat(')');
        return { e: 'stmtexpr', body, start: t.start, end: close?.end ?? t.end };
      }
      const x = this.expr();
      const close = this.peek();
      this.eat(')');
      return { ...x, start: t.start, end: close?.end ?? x.end, mac: !!t.exp || x.mac } as Expr;
    }
    if (t.s === '{') { this.i--; return this.initList(); }
    this.i--;
    this.notes.push({ start: t.exp?.start ?? t.start, end: t.exp?.end ?? t.end, message: `unexpected '${t.s}' in expression` });
    this.i++;
    return { e: 'bad', ...base };
  }

  /**
   * The scalar members of a `const volatile` struct global as knobs (`name.member`), with the default its
   * initialiser gives (0 where it gives none). An initialiser this cannot follow exactly (a nested or index
   * designator, a member given twice, a value not constant) declares no knob for the members it may touch.
   */
  private setMemberKnobs(name: string, rec: Record, init: Extract<Expr, { e: 'init' }> | undefined): void {
    const vals = new Map<string, bigint | undefined>();
    let pos = 0;
    let lost = false;
    for (let i = 0; init && i < init.items.length; i++) {
      const n = init.names?.[i];
      if (init.complex?.[i]) { lost = true; break; }
      // positional items skip unnamed bitfields (C11 6.7.9p9)
      while (n === undefined && rec.fields[pos] && !rec.fields[pos]!.name && rec.fields[pos]!.bits !== undefined) pos++;
      const at = n !== undefined ? rec.fields.findIndex((f) => f.name === n) : pos;
      const field = rec.fields[at];
      if (!field) { lost = true; break; }
      const it = init.items[i]!;
      vals.set(field.name, vals.has(field.name) ? undefined : it.e === 'init' ? undefined : constValue(it, this.env));
      pos = at + 1;
    }
    if (lost) return;
    for (const f of rec.fields) {
      if (!f.name || !isScalarKnob(f.type)) continue;
      const v = vals.has(f.name) ? vals.get(f.name) : 0n;
      if (v !== undefined) this.env.knobs.set(`${name}.${f.name}`, v);
    }
  }

  initList(): Expr {
    const open = this.next()!;
    const items: Expr[] = [];
    // the member each item initialises when its designator is one `.name` (sites.ts folds constant members of a
    // local struct passed to inlined helpers); anything else (positional, `[i]`, `.a.b`) stays undefined
    const names: (string | undefined)[] = [];
    const complex: boolean[] = [];
    let named = false;
    let anyComplex = false;
    while (!this.done && !this.is('}')) {
      let name: string | undefined;
      let designated = false;
      if (this.is('.') || this.is('[')) {
        // designator
        designated = true;
        let parts = 0;
        while (this.is('.') || this.is('[')) {
          parts++;
          if (this.eat('.')) { const t = this.peek(); if (parts === 1 && t?.t === Tk.Ident) name = t.s; this.i++; } else { name = undefined; this.skipGroup(); }
        }
        if (parts > 1) name = undefined;
        this.eat('=');
      }
      if (name !== undefined) named = true;
      names.push(name);
      complex.push(designated && name === undefined);
      if (designated && name === undefined) anyComplex = true;
      items.push(this.is('{') ? this.initList() : this.assignExpr());
      if (!this.eat(',')) break;
    }
    const close = this.peek();
    this.eat('}');
    return { e: 'init', items, ...(named ? { names } : {}), ...(anyComplex ? { complex } : {}), start: open.start, end: close?.end ?? open.end };
  }

  // ------------------------------------------------------------------ statements

  /** Statements until `}` or end; declarations are recognised by type-start tokens. */
  blockItems(): Stmt[] {
    const out: Stmt[] = [];
    while (!this.done && !this.is('}')) {
      const st = this.i;
      out.push(this.statement());
      if (this.i === st) this.i++;
    }
    return out;
  }

  statement(): Stmt {
    const t = this.peek();
    // half-typed: the body ends where a statement is due (`if (_T->lock)` as the last thing typed)
    if (!t) { const end = this.toks[this.toks.length - 1]?.end ?? 0; return { s: 'empty', start: end, end }; }
    const start = pos(t);
    const s = t.s;
    if (s === '{') {
      this.i++;
      this.scopes.push(new Map());
      const body = this.blockItems();
      this.scopes.pop();
      const close = this.peek();
      if (!this.eat('}')) this.notes.push({ start, end: start + 1, message: `unbalanced '{': missing '}'` });
      return { s: 'block', body, start, end: close?.end ?? start };
    }
    if (s === ';') { this.i++; return { s: 'empty', start, end: t.end }; }
    // a static assertion in a block (C11 allows it wherever a declaration may stand: perf's sample_filter
    // BUILD_CHECK_SAMPLE) is checked at compile time and emits no code: nothing to analyse, no declaration
    if (s === '_Static_assert' && STATIC_ASSERT_STMT) {
      this.skipStatement();
      return { s: 'empty', start, end: this.toks[this.i - 1]?.end ?? t.end };
    }
    if (t.t === Tk.Ident) {
      if (s === 'if') {
        this.i++;
        this.eat('(');
        const c = this.expr();
        this.eat(')');
        const th = this.statement();
        let f: Stmt | undefined;
        if (this.eat('else')) f = this.statement();
        return { s: 'if', c, t: th, f, start, end: (f ?? th).end };
      }
      if (s === 'while') {
        this.i++;
        this.eat('(');
        const c = this.expr();
        this.eat(')');
        const body = this.statement();
        return { s: 'loop', c, body, start, end: body.end };
      }
      if (s === 'do') {
        this.i++;
        const body = this.statement();
        this.eat('while');
        this.eat('(');
        const c = this.expr();
        this.eat(')');
        this.eat(';');
        return { s: 'loop', c, body, start, end: c.end, post: true };
      }
      if (s === 'for') {
        const unroll = UNROLL.get(t);
        this.i++;
        this.eat('(');
        let init: Stmt | undefined;
        if (!this.eat(';')) init = this.isTypeStart() ? this.declaration() : this.exprStatement();
        const c = this.is(';') ? undefined : this.expr();
        this.eat(';');
        const step = this.is(')') ? undefined : this.expr();
        this.eat(')');
        const body = this.statement();
        return { s: 'loop', c, body, init, step, start, end: body.end, ...(unroll !== undefined ? { unroll } : {}) };
      }
      if (s === 'switch') {
        this.i++;
        this.eat('(');
        const c = this.expr();
        this.eat(')');
        const body = this.statement();
        return { s: 'switch', c, body, start, end: body.end };
      }
      if (s === 'case' || s === 'default') {
        this.i++;
        const x = s === 'case' ? this.condExpr() : undefined;
        this.eat(':');
        const body = this.is('}') ? { s: 'empty' as const, start, end: start } : this.statement();
        return { s: 'label', x, body, start, end: body.end };
      }
      if (s === 'asm' || s === '__asm__' || s === '__asm') {
        // inline assembly (libbpf's barrier_var in BPF_CORE_READ_BITFIELD): no CO-RE access, nothing to type
        const i0 = this.i;
        this.skipStatement();
        // register operands `"constraint"(name)`: the value the asm takes in a register (cse.ts `diamond`)
        const vars: string[] = [];
        for (let k = i0; k + 3 < this.i; k++) {
          const [a, b, c, d] = [this.toks[k]!, this.toks[k + 1]!, this.toks[k + 2]!, this.toks[k + 3]!];
          if (a.s.startsWith('"') && /r/.test(a.s) && b.s === '(' && /^[A-Za-z_]\w*$/.test(c.s) && d.s === ')') vars.push(c.s);
        }
        const syms = asmSymbols(this.toks, i0, this.i);
        return { s: 'empty', asm: true, ...(vars.length ? { asmVars: vars } : {}), ...(syms.length ? { asmSyms: syms } : {}), start, end: this.toks[this.i - 1]?.end ?? start };
      }
      if (s === 'return') {
        this.i++;
        const x = this.is(';') ? undefined : this.expr();
        this.eat(';');
        return { s: 'return', x, start, end: x?.end ?? t.end };
      }
      if (s === 'break' || s === 'continue' || s === 'goto') {
        this.i++;
        const target = s === 'goto' ? this.toks[this.i++]?.s : undefined;
        this.eat(';');
        return target !== undefined ? { s: 'jump', kind: s, target, start, end: t.end } : { s: 'jump', kind: s, start, end: t.end };
      }
      if (this.is(':', 1) && !TYPE_KW.has(s)) {
        this.i += 2;
        const body = this.is('}') ? { s: 'empty' as const, start, end: start } : this.statement();
        return { s: 'label', body, name: s, start, end: body.end };
      }
      if (this.isTypeStart() && !(this.env.typedef(s) && (this.is('=', 1) || this.is('->', 1) || this.is('.', 1)))) return this.declaration();
    }
    return this.exprStatement();
  }

  private exprStatement(): Stmt {
    const start = pos(this.peek());
    const x = this.expr();
    if (!this.eat(';')) {
      if (!this.is('}')) {
        this.notes.push({ start: x.start, end: x.end, message: `expected ';' after expression` });
        this.skipStatement();
      }
    }
    return { s: 'expr', x, start, end: x.end };
  }

  declaration(): Stmt {
    const start = pos(this.peek());
    const storage: string[] = [];
    const specAttrs: { cleanup?: string } = {};
    const base = this.declSpecs(storage, specAttrs) ?? INT;
    const vars: { name: string; type: CType; init?: Expr; start: number; cleanup?: string }[] = [];
    if (!this.is(';')) {
      for (;;) {
        const attrs: { cleanup?: string } = {};
        const d = this.declarator(base, attrs);
        this.attributes(attrs);
        const cleanup = attrs.cleanup ?? specAttrs.cleanup;
        let init: Expr | undefined;
        let type = d.type;
        if (this.eat('=')) {
          const st = this.i;
          init = this.is('{') ? this.initList() : this.assignExpr();
          if (type === AUTO) type = this.typeofHook?.(this.toks.slice(st, this.i), (n) => this.localType(n)) ?? LONG;
        }
        if (type === AUTO) type = INT;
        d.type = type;
        if (storage.includes('typedef')) { if (d.name) this.env.typedefs.set(d.name, d.type); }
        else {
          vars.push({ name: d.name, type: d.type, init, start: d.tok ? pos(d.tok) : start, ...(cleanup !== undefined && d.name ? { cleanup } : {}) });
          if (d.name) (this.scopes[this.scopes.length - 1] ?? (this.scopes[0] = new Map())).set(d.name, d.type);
        }
        if (!this.eat(',')) break;
      }
    }
    const endTok = this.peek();
    if (!this.eat(';')) {
      if (!this.is('}')) { this.notes.push({ start, end: endTok?.end ?? start, message: `expected ';' after declaration` }); this.skipStatement(); }
    }
    return { s: 'decl', vars, start, end: endTok?.end ?? start };
  }
}

/** The placeholder type of `__auto_type` until the initializer is typed (identity-compared, never escapes). */
const AUTO: CType = { ...LONG };

function pos(t: Token | undefined): number {
  return t ? (t.start >= 0 ? t.start : t.exp?.start ?? 0) : 0;
}

function bad(t: Token | undefined): Expr {
  return { e: 'bad', start: t?.start ?? 0, end: t?.end ?? 0 };
}

function newRecord(k: 'struct' | 'union', name: string): Record {
  return { k, name, fields: [], complete: false, pai: false, packed: false, size: 0, alignment: 1, laidOut: false };
}

function markPai(r: Record): void {
  r.pai = true;
  for (const x of (r as Record & { inner?: Record[] }).inner ?? []) markPai(x);
}

/**
 * A big header's set-aside definition not parsed yet (a lazyHeader.ts placeholder: it exists and is in an active
 * branch, so the record is complete): reading any of its properties would parse it there and then, in the middle of
 * this parse; reading nothing, this parses nothing. Nothing to inherit from it.
 */
export function isPending(r: Record | EnumT): boolean {
  return typeof Object.getOwnPropertyDescriptor(r, 'complete')?.get === 'function';
}

/** Marks a record and the records declared inside it preserve_access_index (clang propagates the attribute). */
export function setPai(r: Record): void { markPai(r); }

function intFromWords(w: string[]): CType {
  const has = (s: string) => w.includes(s);
  const longs = w.filter((x) => x === 'long').length;
  const uns = has('unsigned');
  if (has('void')) return VOID;
  if (has('_Bool')) return { k: 'int', name: '_Bool', size: 1, signed: false, bool: true };
  if (has('float')) return { k: 'float', name: 'float', size: 4 };
  if (has('double')) return { k: 'float', name: longs ? 'long double' : 'double', size: longs ? 16 : 8 };
  if (has('__int128')) return { k: 'int', name: uns ? 'unsigned __int128' : '__int128', size: 16, signed: !uns };
  if (has('char')) return { k: 'int', name: uns ? 'unsigned char' : has('signed') ? 'signed char' : 'char', size: 1, signed: !uns, char: true };
  if (has('short')) return { k: 'int', name: uns ? 'unsigned short' : 'short', size: 2, signed: !uns };
  if (longs >= 2) return { k: 'int', name: uns ? 'unsigned long long' : 'long long', size: 8, signed: !uns };
  if (longs === 1) return { k: 'int', name: uns ? 'unsigned long' : 'long', size: 8, signed: !uns };
  return { k: 'int', name: uns ? 'unsigned int' : 'int', size: 4, signed: !uns };
}

/**
 * The type under both `const` and `volatile` (typedefs followed), or undefined without both: what libbpf puts in
 * .rodata for the loader to set — an integer, enum or bool is a knob, a struct a config record of knobs.
 */
function underConstVolatile(t: CType): CType | undefined {
  let c = false;
  let v = false;
  for (let i = 0; i < 16; i++) {
    if (t.k === 'qual') { if (t.q === 'const') c = true; else if (t.q === 'volatile') v = true; t = t.of; }
    else if (t.k === 'typedef') t = t.to;
    else break;
  }
  return c && v ? t : undefined;
}

/** An integer, enum or bool member type (qualifiers and typedefs aside): a member knob's. */
function isScalarKnob(t: CType): boolean {
  for (let i = 0; i < 16 && (t.k === 'qual' || t.k === 'typedef'); i++) t = t.k === 'qual' ? t.of : t.to;
  return t.k === 'int' || t.k === 'enum';
}

/** CORELENS_CONST_SHORT=0: `0 && X` / `1 || X` are constant only when X is (as before). */
const CONST_SHORT = process.env.CORELENS_CONST_SHORT !== '0';

/** Value of an integer constant expression, or undefined when it is not one. */
export function constValue(x: Expr, env: TypeEnv): bigint | undefined {
  switch (x.e) {
    case 'num': return x.v;
    case 'id': return env.enumConst(x.name)?.value ?? BUILTIN_CONSTS.get(x.name);
    case 'unary': {
      const v = constValue(x.x, env);
      if (v === undefined) return undefined;
      return x.op === '-' ? -v : x.op === '!' ? (v === 0n ? 1n : 0n) : x.op === '~' ? ~v : x.op === '+' ? v : undefined;
    }
    case 'binary': {
      const a = constValue(x.l, env);
      // const_short: `0 && X` is 0 and `K || X` (K not 0) is 1 whatever X is: clang folds the left operand and never
      // emits X (CodeGenFunction::ConstantFoldsToSimpleInteger in EmitBranchOnBoolExpr and VisitBinLAnd/LOr)
      if (CONST_SHORT && a !== undefined && ((x.op === '&&' && a === 0n) || (x.op === '||' && a !== 0n))) return x.op === '&&' ? 0n : 1n;
      const b = constValue(x.r, env);
      return a === undefined || b === undefined ? undefined : applyOp(x.op, a, b);
    }
    case 'cond': {
      const c = constValue(x.c, env);
      return c === undefined ? undefined : constValue(c !== 0n ? x.a : x.b, env);
    }
    case 'cast': return constValue(x.x, env);
    case 'sizeof': return x.type ? BigInt(sizeOf(x.type)) : undefined;
  }
  return undefined;
}

/** Enumerators of libbpf's bpf_core_read.h enums (the headers are not parsed). */
export const BUILTIN_CONSTS = new Map<string, bigint>([
  ['BPF_FIELD_BYTE_OFFSET', 0n], ['BPF_FIELD_BYTE_SIZE', 1n], ['BPF_FIELD_EXISTS', 2n], ['BPF_FIELD_SIGNED', 3n],
  ['BPF_FIELD_LSHIFT_U64', 4n], ['BPF_FIELD_RSHIFT_U64', 5n], ['BPF_TYPE_ID_LOCAL', 0n], ['BPF_TYPE_ID_TARGET', 1n],
  ['BPF_TYPE_EXISTS', 0n], ['BPF_TYPE_SIZE', 1n], ['BPF_TYPE_MATCHES', 2n], ['BPF_ENUMVAL_EXISTS', 0n], ['BPF_ENUMVAL_VALUE', 1n],
]);

export { layout, alignOf };

/** Adjacent string literals from `i` on, concatenated as C does (`SEC("kprobe/" SYS_PREFIX "umount")`). */
function joinStrings(toks: readonly Token[], i: number): string {
  let out = '';
  for (let k = i; toks[k]?.t === Tk.String; k++) out += SECTION_ESCAPES ? unescapeC(toks[k]!.s.slice(1, -1)) : toks[k]!.s.slice(1, -1);
  return out;
}

/** CORELENS_SECTION_ESCAPES=0: a section name keeps its string literal's escape sequences as written. */
const SECTION_ESCAPES = process.env.CORELENS_SECTION_ESCAPES !== '0';
const SIMPLE_ESCAPES: { [c: string]: string } = { n: '\n', t: '\t', r: '\r', a: '\x07', b: '\b', f: '\f', v: '\v', e: '\x1b', '\\': '\\', "'": "'", '"': '"', '?': '?' };
/**
 * section_escapes: the characters a string literal's body stands for (C translation phase 5: escape sequences are
 * converted before adjacent literals are concatenated), as clang writes them into the section name. A stringized
 * string argument keeps its quotes escaped: `#define KPROBE(h) SEC("kprobe/" #h)` with `KPROBE("__x64_sys_execve")`
 * names the section `kprobe/"__x64_sys_execve"` (intelops/tarian-detector).
 */
export function unescapeC(body: string): string {
  if (!body.includes('\\')) return body;
  return body.replace(/\\(?:([0-7]{1,3})|x([0-9a-fA-F]+)|(.))/g, (_m, oct?: string, hex?: string, ch?: string) => {
    if (oct !== undefined) return String.fromCharCode(parseInt(oct, 8) & 0xff);
    if (hex !== undefined) return String.fromCharCode(parseInt(hex, 16) & 0xff);
    return SIMPLE_ESCAPES[ch!] ?? ch!;
  });
}

/**
 * The symbols an inline asm statement's template (its string literals before the first `:`) loads as 64-bit
 * immediates, `%0 = SYM ll` (skywalking-rover's `asm("%0 = MONITOR_PID ll" : "=r"(pid))`, a constant its Go loader
 * writes): clang leaves an undefined symbol and a relocation to it, with no BTF. toks[from, to): the statement.
 */
export function asmSymbols(toks: readonly Token[], from: number, to: number): string[] {
  let text = '';
  let depth = 0;
  for (let k = from; k < to; k++) {
    const t = toks[k]!.s;
    if (t === '(') depth++;
    else if (t === ')') depth--;
    else if (t === ':' && depth === 1) break;
    else if (depth >= 1 && t.startsWith('"')) text += t.slice(1, -1);
  }
  const out: string[] = [];
  for (const m of text.matchAll(/=\s*([A-Za-z_][A-Za-z0-9_]*)\s+ll\b/g)) {
    if (!/^[rw]\d+$/.test(m[1]!) && !out.includes(m[1]!)) out.push(m[1]!);
  }
  return out;
}
