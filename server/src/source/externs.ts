// The __ksym and __kconfig externs a .bpf.c makes clang emit: libbpf resolves those before relocating anything
// (bpf_object__resolve_externs), and one it cannot resolve on a kernel fails the whole object there. clang emits an
// extern (an undefined symbol, a VAR or FUNC of the `.ksyms` / `.kconfig` DATASEC) only when code it keeps refers to
// it: measured with clang 14 -O2, a declaration nobody uses, a use under `if (0)`, after a `return`, in a static
// function no kept code calls, or inside sizeof leaves no trace in the object; a use under a CO-RE check
// (`if (bpf_core_type_exists(..))`, `bpf_ksym_exists(x)`) or a `const volatile` knob stays (neither is a constant
// to clang). Kept code: every program (SEC), every non-static non-inline definition (a .text function of its own),
// and the static functions those refer to from their own kept code.

import { Btf } from '../btf/reader';
import { Kind } from '../btf/types';
import { KsymExtern, sortKsymExterns } from '../verdict/externs';
import { KcfgExtern, kcfgExtern, sortKcfgExterns } from '../verdict/kconfig';
import type { LocalExtern, Range } from './analyzer';
import { CParser, Expr, ExternDecl, FuncDef, Stmt, TypeEnv, constValue } from './cparse';
import { CType } from './ctypes';
import { isPluginDef } from './contexts';

/** An extern clang emits, as the source declares it. */
export interface SourceExtern {
  readonly name: string;
  readonly section: '.ksyms' | '.kconfig';
  /** A kernel function (kfunc): `extern int f(...) __ksym`. */
  readonly func: boolean;
  readonly weak: boolean;
  readonly type: CType;
  /** Its declaration's name in the document (offsets); absent when a header declares it. */
  readonly decl?: { readonly start: number; readonly end: number };
  /** The first reference clang keeps that is written in the document (offsets; a macro's invocation). */
  readonly use?: { readonly start: number; readonly end: number };
}

/** A function definition of the analysis, with the shift from its parse-time offsets to the document's (0: header). */
export interface DefinedFunction { readonly def: FuncDef; readonly delta: number; readonly inDocument: boolean }

/**
 * The externs clang emits for this document, in declaration order of the document then the headers. `defs`: every
 * function definition (document and headers); `env`: the document's type environment (its headers imported).
 */
export function emittedExterns(env: TypeEnv, defs: readonly DefinedFunction[]): SourceExtern[] {
  const declared = new Map<string, { d: ExternDecl; own: boolean }>();
  for (const [n, d] of env.externs) declared.set(n, { d, own: true });
  for (const h of env.imports) for (const [n, d] of h.externs) if (!declared.has(n)) declared.set(n, { d, own: false });
  if (!declared.size) return [];
  const byName = new Map<string, DefinedFunction>();
  // the document's definition wins over a header's (TypeEnv.func's order)
  for (const f of defs) if (f.def.body && (!byName.has(f.def.name) || f.inDocument)) byName.set(f.def.name, f);
  const uses = new Map<string, { start: number; end: number } | null>();
  const kept = new Set<DefinedFunction>();
  const queue: DefinedFunction[] = [];
  const keep = (f: DefinedFunction | undefined) => {
    if (f && !kept.has(f)) { kept.add(f); queue.push(f); }
  };
  for (const f of byName.values()) {
    const d = f.def;
    if (d.section || isPluginDef(d) || (!d.static && !d.inlineDef)) keep(f);
  }
  while (queue.length) {
    const f = queue.pop()!;
    let body: Stmt[];
    try {
      body = new CParser(f.def.body ?? [], env).blockItems();
    } catch {
      continue; // a body the parser cannot read: its sites say so; its externs stay unknown (none assumed)
    }
    const onId = (x: Extract<Expr, { e: 'id' }>) => {
      if (declared.has(x.name)) {
        const at = x.exp ?? x;
        const here = f.inDocument ? { start: at.start + f.delta, end: at.end + f.delta } : null;
        const had = uses.get(x.name);
        if (had === undefined || (had === null && here) || (had && here && here.start < had.start)) uses.set(x.name, here);
      }
      keep(byName.get(x.name));
    };
    new Walker(env, onId).stmts(body);
  }
  const out: SourceExtern[] = [];
  for (const [name, { d, own }] of declared) {
    const use = uses.get(name);
    if (use === undefined) continue;
    out.push({
      name, section: d.section, func: d.type.k === 'func', weak: d.weak, type: d.type,
      ...(own && d.tok ? { decl: { start: d.tok.start, end: d.tok.end } } : {}),
      ...(use ? { use } : {}),
    });
  }
  return out;
}

/** Visits the identifiers of code clang keeps: constant conditions fold, code after an exit is dropped. */
class Walker {
  constructor(private readonly env: TypeEnv, private readonly onId: (x: Extract<Expr, { e: 'id' }>) => void) {}

  /** A statement list; after a statement that never falls through, nothing runs until a label. */
  stmts(list: readonly Stmt[]): void {
    let dead = false;
    for (const s of list) {
      if (dead && !hasLabel(s)) continue;
      dead = false;
      this.stmt(s);
      if (exits(s)) dead = true;
    }
  }

  stmt(s: Stmt): void {
    switch (s.s) {
      case 'expr': this.expr(s.x); return;
      case 'return': if (s.x) this.expr(s.x); return;
      case 'decl': for (const v of s.vars) if (v.init) this.expr(v.init); return;
      case 'block': this.stmts(s.body); return;
      case 'if': {
        const cv = constValue(s.c, this.env);
        if (cv === undefined) {
          this.expr(s.c);
          this.stmt(s.t);
          if (s.f) this.stmt(s.f);
        } else {
          const live = cv !== 0n ? s.t : s.f;
          if (live) this.stmt(live);
        }
        return;
      }
      // `do { } while (0)` runs its body once: loops are never folded
      case 'loop':
        if (s.init) this.stmt(s.init);
        if (s.c) this.expr(s.c);
        this.stmt(s.body);
        if (s.step) this.expr(s.step);
        return;
      case 'switch': this.expr(s.c); this.stmt(s.body); return;
      case 'label': if (s.x) this.expr(s.x); this.stmt(s.body); return;
      default: return;
    }
  }

  expr(x: Expr): void {
    switch (x.e) {
      case 'id': this.onId(x); return;
      case 'member': this.expr(x.obj); return;
      case 'index': this.expr(x.arr); this.expr(x.idx); return;
      case 'call': this.expr(x.fn); for (const a of x.args) this.expr(a); return;
      case 'unary': case 'postfix': this.expr(x.x); return;
      case 'cast': this.expr(x.x); return;
      case 'binary': {
        // `0 && x`, `1 || x`: clang never evaluates x
        const l = x.op === '&&' || x.op === '||' ? constValue(x.l, this.env) : undefined;
        this.expr(x.l);
        if (l !== undefined && (x.op === '&&' ? l === 0n : l !== 0n)) return;
        this.expr(x.r);
        return;
      }
      case 'cond': {
        const c = constValue(x.c, this.env);
        if (c === undefined) { this.expr(x.c); this.expr(x.a); this.expr(x.b); } else this.expr(c !== 0n ? x.a : x.b);
        return;
      }
      case 'assign': case 'comma': this.expr(x.l); this.expr(x.r); return;
      case 'stmtexpr': this.stmts(x.body); return;
      case 'init': for (const i of x.items) this.expr(i); return;
      // the association _Generic picks is not known here: each is taken as kept
      case 'generic': for (const a of x.assoc) this.expr(a.x); return;
      // sizeof's operand is never evaluated
      default: return;
    }
  }
}

/** A statement after which control never reaches the next one (the live analysis' block rule, sites.ts). */
function exits(s: Stmt): boolean {
  switch (s.s) {
    case 'return': return true;
    case 'jump': return true;
    case 'block': return s.body.length > 0 && s.body.some((x, i) => exits(x) && !s.body.slice(i + 1).some(hasLabel));
    case 'if': return !!s.f && exits(s.t) && exits(s.f);
    default: return false;
  }
}

/** A label (goto target or case) inside: code reachable by a jump. */
function hasLabel(s: Stmt): boolean {
  switch (s.s) {
    case 'label': return true;
    case 'block': return s.body.some(hasLabel);
    case 'if': return hasLabel(s.t) || (!!s.f && hasLabel(s.f));
    case 'loop': return hasLabel(s.body);
    case 'switch': return false;
    default: return false;
  }
}

/** A source's externs as libbpf collects them from the object clang would build, in libbpf's orders. */
export interface LibbpfExterns {
  readonly ksyms: readonly KsymExtern[];
  readonly kcfg: readonly KcfgExtern[];
  /**
   * Where a finding about each one goes: its declaration when the document declares it, else its first kept use in
   * the document; absent when both are in headers (the finding then sits at the top of the document).
   */
  readonly places: { readonly [name: string]: Range };
}

/**
 * What libbpf would collect (ksymExterns, kconfigExterns) from the object of this source, from the externs clang
 * emits and their types in the analysis' local BTF (the BTF clang would write for them).
 */
export function libbpfExterns(list: readonly LocalExtern[], local: Btf): LibbpfExterns {
  const ksyms: KsymExtern[] = [];
  const kcfg: KcfgExtern[] = [];
  const places: { [name: string]: Range } = {};
  for (const e of list) {
    const at = e.declRange ?? e.useRange;
    if (at) places[e.name] = at;
    if (e.section === '.kconfig') { kcfg.push(kcfgExtern(local, e.name, e.typeId, e.weak)); continue; }
    const t = e.func ? e.typeId : local.skipModifiers(e.typeId);
    const untyped = !e.func && local.type(t).kind === Kind.Void;
    ksyms.push({ name: e.name, untyped, func: e.func, weak: e.weak, localType: untyped ? 0 : t });
  }
  return { ksyms: sortKsymExterns(ksyms), kcfg: sortKcfgExterns(kcfg), places };
}
