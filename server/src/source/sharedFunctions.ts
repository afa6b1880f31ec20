// Function typings shared between the analyzers of several arches (the language server's: issue 12, the big
// program's first diagnostics). Most functions of a BPF program read nothing that differs between arches, yet each
// arch's analyzer typed every one of them again (a third of the second arch's time).
//
// When is another arch's result exactly ours? analyzeFunction(f, env, opts) reads: f's tokens, parameters and type;
// the environment, by name only (tags, typedefs, enum constants, globals, functions), for names spelled in f's body;
// the results of the functions it calls (summaries, `deps`); and opts.kernelRegs. So a result computed for f1 in env1
// is the result for f2 in env2 when: the tokens are equal (the same array for a header both arches share; equal token
// by token for the document, whose text is the same but preprocessed per arch), parameters and type are the same
// types, kernelRegs agrees, every callee's result the other arch used is the very result this arch has for it, and no
// name of f's body can resolve differently. The last is found as HeaderCache.agrees finds it for headers: a name
// resolves the same in both environments unless one of them declares it itself (the document's own declarations are
// a parse per arch) or in a header environment that is not the same parse in both (bpf_tracing.h, parsed per arch);
// a global of both documents whose types are the same shape over the same named types counts as the same (a
// `const volatile u32` filter every program reads). Anything else — a call of another document function, a
// per-arch header's name — types the function per arch, as before.
// Proof: server/test/source/shared-functions.test.ts (every fixture and corpus program and the big program, both
// arches, shared against separate analyses: identical sites, notes, functions, plain accesses and local BTF).

import { CType } from './ctypes';
import { FuncDef, TypeEnv } from './cparse';
import { Tk, Token } from './lexer';
import type { BodyRecord } from './docBodies';
import type { ArchExpansions } from './contexts';
import type { FuncResult } from './sites';

/** One arch's typing of one function, with what it read. */
interface Entry {
  def: FuncDef;
  env: TypeEnv;
  kernelRegs: boolean;
  res: FuncResult;
  /** Names the body may look up (identifiers not after `.` or `->`), found at the first take (a server whose
   * targets are of one arch never takes any). */
  names?: string[];
  /** The callee results the typing used, by name. */
  deps: Map<string, FuncResult>;
}

/** Typing results of functions, shared between analyzers of different defines over the same document and headers. */
export class SharedFunctions {
  /** Per document file: entries by function (file, name, offsets). */
  private readonly docs = new Map<string, Map<string, Entry>>();
  /** Names that may resolve differently, per pair of environments (computed once per pair and state of their declarations). */
  private readonly differs = new WeakMap<TypeEnv, WeakMap<TypeEnv, { stamp: string; names: Set<string> | undefined }>>();
  /** Per document file: the last record of its function bodies' tokens (docBodies.ts), with the analyzer that made it. */
  private readonly bodies = new Map<string, { owner: object; rec: BodyRecord }>();
  /** Per document file: the last analyzer's program expansions (contexts.ts), with that analyzer. */
  private readonly expansions = new Map<string, { owner: object; rec: ArchExpansions }>();
  /** Per document file: the last analyzer's document function definitions by key, with that analyzer. */
  private readonly defs = new Map<string, { owner: object; byKey: Map<string, FuncDef> }>();
  /** Document definitions taken from another arch's analyzer (tests, bench). */
  defHits = 0;
  /** Typings taken from another arch's analyzer (tests, bench). */
  hits = 0;
  /** Function bodies whose preprocessed tokens were taken from another arch's analyzer (tests, bench). */
  bodyHits = 0;

  /** Another analyzer's record of the document's preprocessed function bodies (`owner`: the asking analyzer). */
  bodyRecord(doc: string, owner: object): BodyRecord | undefined {
    const b = this.bodies.get(doc);
    return b && b.owner !== owner ? b.rec : undefined;
  }

  /** Keeps an analyzer's record of the document's preprocessed function bodies for the others. */
  keepBodies(doc: string, owner: object, rec: BodyRecord): void {
    this.bodies.set(doc, { owner, rec });
  }

  /**
   * The document's function definitions of this analyzer's parse (`funcs`, registered in `env`), each replaced by
   * another analyzer's definition of the same function where that is equal in everything typing and the call
   * contexts read (tokens, parameters, type, attributes): that definition is then this environment's too. Why: a
   * typing naming a document function was never shared (its lookup gave each arch its own object), so no program
   * wrapper (BPF_PROG's SEC function calls its `____name` body) was, nor its expansion. `owner`: the asking analyzer.
   */
  adoptDefs(doc: string, owner: object, funcs: FuncDef[], env: TypeEnv): FuncDef[] {
    const other = sharedDefs.on ? this.defs.get(doc) : undefined;
    const from = other && other.owner !== owner ? other.byKey : undefined;
    const mine = new Map<string, FuncDef>();
    const out = funcs.map((f) => {
      if (!f.body || f.file) return f;
      const o = from?.get(keyOf(f));
      if (o && o !== f && env.funcs.get(f.name) === f && sameDef(o, f) && !!o.weak === !!f.weak && !!o.inlineDef === !!f.inlineDef) {
        env.funcs.set(f.name, o);
        mine.set(keyOf(o), o);
        this.defHits++;
        return o;
      }
      mine.set(keyOf(f), f);
      return f;
    });
    this.defs.set(doc, { owner, byKey: mine });
    return out;
  }

  /** Another analyzer's program expansions of the document (contexts.ts ExpansionShare; `owner`: the asking analyzer). */
  expansionsOf(doc: string, owner: object): ArchExpansions | undefined {
    const x = this.expansions.get(doc);
    return x && x.owner !== owner ? x.rec : undefined;
  }

  /** Keeps an analyzer's program expansions of the document for the others. */
  keepExpansions(doc: string, owner: object, rec: ArchExpansions): void {
    this.expansions.set(doc, { owner, rec });
  }

  /** Records `res`, the typing of `f` in `env` (a document's analyzer), for the other arches' analyzers. */
  put(doc: string, f: FuncDef, env: TypeEnv, kernelRegs: boolean, res: FuncResult, resultOf: (f: FuncDef) => FuncResult | undefined): void {
    if (!f.body) return;
    const deps = new Map<string, FuncResult>();
    for (const n of res.deps) {
      const d = env.func(n);
      const r = d && resultOf(d);
      // a callee whose typing is unknown here (a recursion cut) leaves nothing to compare with: not shared
      if (!r) return;
      deps.set(n, r);
    }
    let m = this.docs.get(doc);
    if (!m) this.docs.set(doc, (m = new Map()));
    m.set(keyOf(f), { def: f, env, kernelRegs, res, deps });
  }

  /** Another arch's typing of `f`, when it is exactly what typing `f` in `env` gives; else undefined. */
  take(doc: string, f: FuncDef, env: TypeEnv, kernelRegs: boolean, resultOf: (f: FuncDef) => FuncResult | undefined): FuncResult | undefined {
    const e = this.docs.get(doc)?.get(keyOf(f));
    if (!e || e.env === env || e.kernelRegs !== kernelRegs || !sameDef(e.def, f)) return undefined;
    const differ = this.differ(e.env, env);
    if (!differ) return undefined;
    for (const n of (e.names ??= bodyNames(e.def.body!))) {
      if (differ.has(n)) return undefined;
      // a document function resolves the same only to the very same definition (adoptDefs): looked up now, since an
      // edit re-parses a function without changing the sizes that stamp `differ`
      if (e.env.funcs.get(n) !== env.funcs.get(n)) return undefined;
    }
    for (const [n, r] of e.deps) {
      const d = env.func(n);
      if (!d || resultOf(d) !== r) return undefined;
    }
    this.hits++;
    return e.res;
  }

  /** Forgets a closed document. */
  close(doc: string): void {
    this.docs.delete(doc);
    this.bodies.delete(doc);
    this.expansions.delete(doc);
    this.defs.delete(doc);
  }

  /** The names that may resolve differently in `a` and `b` (both a document's environment); undefined: any may. */
  private differ(a: TypeEnv, b: TypeEnv): Set<string> | undefined {
    // the document environments' own maps change on the incremental path (functions added, removed): their sizes
    // stamp the computed set
    const stamp = [a, b].map((e) => `${e.tags.size},${e.typedefs.size},${e.enumConsts.size},${e.globals.size},${e.funcs.size},${e.imports.length}`).join(';');
    let inner = this.differs.get(a);
    if (!inner) this.differs.set(a, (inner = new WeakMap()));
    const have = inner.get(b);
    if (have && have.stamp === stamp) return have.names;
    const names = differingNames(a, b);
    inner.set(b, { stamp, names });
    return names;
  }
}

/**
 * Document definitions shared between the arches' analyzers (adoptDefs), and with them the typings of functions
 * calling them and the program expansions (contexts.ts sharedExpansions). CORELENS_SHARED_DEFS=0 turns it off; tests
 * flip `on` (the analyses must be identical either way).
 */
export const sharedDefs = { on: process.env.CORELENS_SHARED_DEFS !== '0' };

function keyOf(f: FuncDef): string {
  return `${f.file ?? ''}\u0000${f.name}\u0000${f.start}\u0000${f.end}`;
}

/** Identifiers of a body that name something in the environment: a member name after `.`/`->` names none. */
function bodyNames(body: readonly Token[]): string[] {
  const out = new Set<string>();
  for (let i = 0; i < body.length; i++) {
    const t = body[i]!;
    if (t.t !== Tk.Ident) continue;
    const p = body[i - 1]?.s;
    if (p === '.' || p === '->') continue;
    out.add(t.s);
  }
  return [...out];
}

/** Names whose lookup may differ between two document environments (see the file comment); undefined: their header
 * environments are not in step (another include order), so nothing is shared. */
function differingNames(a: TypeEnv, b: TypeEnv): Set<string> | undefined {
  if (a.imports.length !== b.imports.length) return undefined;
  const out = new Set<string>();
  const all = (e: TypeEnv, funcs = true) => {
    for (const k of e.tags.keys()) out.add(k.slice(k.indexOf(' ') + 1));
    for (const m of funcs ? [e.typedefs, e.enumConsts, e.funcs] : [e.typedefs, e.enumConsts]) for (const k of m.keys()) out.add(k);
  };
  for (let i = 0; i < a.imports.length; i++) {
    const x = a.imports[i]!;
    const y = b.imports[i]!;
    if (x === y) continue;
    all(x);
    all(y);
    for (const k of x.globals.keys()) out.add(k);
    for (const k of y.globals.keys()) out.add(k);
  }
  // the documents' own declarations are parses of their own: the same only for globals of the same shape, and for
  // functions of the very same definition (checked per lookup in take: adoptDefs shares them)
  all(a, !sharedDefs.on);
  all(b, !sharedDefs.on);
  // (a knob's default too: it decides which sites run as compiled, Site.knob)
  for (const [n, t] of a.globals) if (!sameType(t, b.globals.get(n)) || a.knobs.get(n) !== b.knobs.get(n)) out.add(n);
  // a member knob's default (`cfg.member`) is its struct global's
  for (const k of new Set([...a.knobs.keys(), ...b.knobs.keys()])) {
    const dot = k.indexOf('.');
    if (dot > 0 && a.knobs.get(k) !== b.knobs.get(k)) out.add(k.slice(0, dot));
  }
  for (const n of b.globals.keys()) if (!a.globals.has(n)) out.add(n);
  return out;
}

/** The same type: the same object, or the same shape (pointers, arrays, qualifiers, typedef references, functions,
 * scalars) over the very same records and enums (identities the local BTF is built from). */
export function sameType(x: CType | undefined, y: CType | undefined, depth = 0): boolean {
  if (x === y) return true;
  if (!x || !y || x.k !== y.k || depth > 32) return false;
  switch (x.k) {
    case 'void': return true;
    case 'int': { const o = y as typeof x; return x.name === o.name && x.size === o.size && x.signed === o.signed && x.bool === o.bool && x.char === o.char; }
    case 'float': { const o = y as typeof x; return x.name === o.name && x.size === o.size; }
    case 'ptr': return sameType(x.to, (y as typeof x).to, depth + 1);
    case 'array': { const o = y as typeof x; return x.n === o.n && sameType(x.of, o.of, depth + 1); }
    case 'qual': { const o = y as typeof x; return x.q === o.q && sameType(x.of, o.of, depth + 1); }
    case 'func': {
      const o = y as typeof x;
      return x.variadic === o.variadic && x.params.length === o.params.length && sameType(x.ret, o.ret, depth + 1)
        && x.params.every((p, i) => p.name === o.params[i]!.name && sameType(p.type, o.params[i]!.type, depth + 1));
    }
    // a typedef reference is a node of its own per use (cparse): the same name over the same aliased type
    case 'typedef': { const o = y as typeof x; return x.name === o.name && sameType(x.to, o.to, depth + 1); }
    default: return false; // records and enums: only the same object
  }
}

/** The same definition as typing sees it: tokens, parameters, type and attributes. */
function sameDef(a: FuncDef, b: FuncDef): boolean {
  if (a === b) return true;
  if (a.name !== b.name || a.start !== b.start || a.end !== b.end || a.file !== b.file || a.static !== b.static
    || a.section !== b.section || a.progMacro !== b.progMacro || a.noinline !== b.noinline || a.inline !== b.inline
    || a.alwaysInline !== b.alwaysInline || !sameType(a.type, b.type) || a.params.length !== b.params.length) return false;
  for (let i = 0; i < a.params.length; i++) {
    const p = a.params[i]!;
    const q = b.params[i]!;
    if (p.name !== q.name || !sameType(p.type, q.type) || !sameToken(p.tok, q.tok)) return false;
  }
  if (!sameToken(a.nameTok, b.nameTok)) return false;
  const x = a.body!;
  const y = b.body!;
  if (x === y) return true;
  if (x.length !== y.length) return false;
  for (let i = 0; i < x.length; i++) if (!sameToken(x[i], y[i])) return false;
  return true;
}

function sameToken(a: Token | undefined, b: Token | undefined): boolean {
  if (a === b) return true;
  if (!a || !b || a.t !== b.t || a.s !== b.s || a.start !== b.start || a.end !== b.end || !!a.bol !== !!b.bol || !!a.pai !== !!b.pai) return false;
  if (a.exp !== b.exp && (!a.exp || !b.exp || a.exp.start !== b.exp.start || a.exp.end !== b.exp.end)) return false;
  if (a.hide !== b.hide) {
    if (!a.hide || !b.hide || a.hide.size !== b.hide.size) return false;
    for (const n of a.hide) if (!b.hide.has(n)) return false;
  }
  return true;
}
