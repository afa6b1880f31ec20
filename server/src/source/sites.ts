// CO-RE sites of one function body: types each expression, and records the (root, access, kind) clang would emit.
//
// The rules mirror clang's BPF CO-RE lowering: a chain of member/array steps on preserve_access_index records (or
// inside __builtin_preserve_access_index) is one relocation, closed when its value is loaded or its address used;
// every pointer dereference starts a new chain rooted at the pointee type as written (typedefs kept, cv dropped).

import { ReloKind } from '../core/kinds';
import { CParser, Expr, FuncDef, Stmt, TypeEnv, constValue } from './cparse';
import { CType, INT, LONG, Record, ULONG, VOID, findMember, sizeOf, strip, unqual } from './ctypes';
import { CheckRef, GuardCtx, condGuards, exits } from './guards';
import { Token } from './lexer';

/** A site before its root has an id in the local BTF. */
export interface RawSite {
  kind: ReloKind;
  root: CType;
  access: number[];
  start: number;
  end: number;
  /** Macro invocation the site came from (clang attributes the instruction to it). */
  expStart?: number;
  func: string;
  guards: { check: RawSite; when: boolean }[];
  /** Bytes the program reads at the relocated field (direct load or BPF_CORE_READ hop), when fixed. */
  readSize?: number;
  /** A direct load of a bitfield member (not through BPF_CORE_READ_BITFIELD*). */
  directBitfield?: boolean;
  /** A direct multi-byte load through a packed record: the BPF backend splits it into byte loads. */
  unalignedLoad?: boolean;
}

/** A member access through a record without preserve_access_index: clang bakes its offset into the program. */
export interface RawPlain { root: CType; access: number[]; start: number; end: number }

export interface FuncResult {
  sites: RawSite[];
  plain: RawPlain[];
  calls: string[];
  notes: { start: number; end: number; message: string }[];
}

interface Ctx {
  preserve: boolean;
  noEmit: boolean;
  guards: { check: RawSite; when: boolean }[];
}

interface Val {
  type: CType;
  /** An open access chain; `bits` when its last step is a bitfield member. */
  chain?: { root: CType; access: number[]; start: number; end: number; bits?: boolean; packed?: boolean };
  /** Set when the value is a CO-RE check result (for guards). */
  check?: RawSite;
}

const READ_MACROS: { [k: string]: { into: boolean } } = {
  BPF_CORE_READ: { into: false }, BPF_CORE_READ_USER: { into: false },
  BPF_CORE_READ_INTO: { into: true }, BPF_CORE_READ_USER_INTO: { into: true },
  BPF_CORE_READ_STR_INTO: { into: true }, BPF_CORE_READ_USER_STR_INTO: { into: true },
};
const PROBE_MACROS = new Set(['BPF_PROBE_READ', 'BPF_PROBE_READ_USER', 'BPF_PROBE_READ_INTO', 'BPF_PROBE_READ_USER_INTO',
  'BPF_PROBE_READ_STR_INTO', 'BPF_PROBE_READ_USER_STR_INTO']);
const CORE_READ_FNS = new Set(['bpf_core_read', 'bpf_core_read_user', 'bpf_core_read_str', 'bpf_core_read_user_str']);
const FIELD_MACROS: { [k: string]: ReloKind } = {
  bpf_core_field_exists: ReloKind.FieldExists, bpf_core_field_size: ReloKind.FieldByteSize,
  bpf_core_field_offset: ReloKind.FieldByteOffset, bpf_core_field_signed: ReloKind.FieldSigned,
};
const TYPE_MACROS: { [k: string]: ReloKind } = {
  bpf_core_type_id_local: ReloKind.TypeIdLocal, bpf_core_type_id_kernel: ReloKind.TypeIdTarget,
  bpf_core_type_exists: ReloKind.TypeExists, bpf_core_type_size: ReloKind.TypeSize, bpf_core_type_matches: ReloKind.TypeMatches,
  bpf_core_cast: ReloKind.TypeIdTarget,
};
/** x86 pt_regs registers for PT_REGS_PARM1..5 and RC: kernel (vmlinux.h) names and uapi names. */
const X86_REGS = { kernel: ['di', 'si', 'dx', 'cx', 'r8', 'ax'], uapi: ['rdi', 'rsi', 'rdx', 'rcx', 'r8', 'rax'], sys4k: 'r10' };

export interface SiteOptions {
  /** `__VMLINUX_H__` (or `__KERNEL__`) defined when bpf_tracing.h was included: kernel pt_regs names. */
  kernelRegs: boolean;
}

/** Analyses one function definition. Never throws: broken code yields notes. */
export function analyzeFunction(f: FuncDef, env: TypeEnv, opts: SiteOptions): FuncResult {
  const res: FuncResult = { sites: [], plain: [], calls: [], notes: [] };
  const scopes: Map<string, CType>[] = [new Map()];
  const checkVars: Map<string, Expr>[] = [new Map()];
  const lookup = (n: string): CType | undefined => {
    for (let i = scopes.length - 1; i >= 0; i--) { const t = scopes[i]!.get(n); if (t) return t; }
    return undefined;
  };
  const checkOf = new Map<Expr, RawSite>();
  const lookupCheckVar = (n: string): Expr | undefined => {
    for (let i = checkVars.length - 1; i >= 0; i--) { const t = checkVars[i]!.get(n); if (t) return t; }
    return undefined;
  };
  const gctx: GuardCtx = { checkOf: (x) => checkOf.get(x), varCheck: lookupCheckVar };

  const emit = (kind: ReloKind, root: CType, access: number[], start: number, end: number, ctx: Ctx, exp?: { start: number }): RawSite | undefined => {
    if (ctx.noEmit) return undefined;
    const s: RawSite = { kind, root, access, start, end, func: f.name, guards: ctx.guards.slice(), expStart: exp?.start };
    res.sites.push(s);
    return s;
  };
  /** Ends an access chain; `load` when its value is read (not its address taken or stored to). */
  const close = (v: Val, ctx: Ctx, load = false): void => {
    if (v.chain && v.chain.access.length > 1) {
      const s = emit(ReloKind.FieldByteOffset, v.chain.root, v.chain.access, v.chain.start, v.chain.end, ctx);
      const k = strip(v.type).k;
      if (s && load && v.chain.bits) s.directBitfield = true;
      else if (s && load && (k === 'int' || k === 'ptr' || k === 'enum' || k === 'float')) {
        s.readSize = sizeOf(v.type);
        if (v.chain.packed && s.readSize > 1) s.unalignedLoad = true;
      }
    }
    v.chain = undefined;
  };
  const use = (x: Expr, ctx: Ctx): Val => {
    const v = ev(x, ctx);
    close(v, ctx, true);
    return v;
  };

  const parserFor = (toks: Token[]): CParser => {
    const p = new CParser(toks, env, lookup);
    p.typeofHook = (ts) => {
      const sub = new CParser(ts, env, lookup);
      return ev(sub.expr(), { preserve: false, noEmit: true, guards: [] }).type;
    };
    return p;
  };

  /** A member step: returns the path through anonymous members and the member type. */
  const member = (t: CType, name: string, at: Expr): { path: number[]; type: CType; rec?: Record; bits?: boolean; packed?: boolean } | undefined => {
    const r = strip(t);
    if (r.k !== 'struct' && r.k !== 'union') {
      res.notes.push({ start: at.start, end: at.end, message: `'${name}' accessed on a non-record type` });
      return undefined;
    }
    if (!r.complete) {
      res.notes.push({ start: at.start, end: at.end, message: `${r.k} ${r.name} is incomplete here: its layout is unknown` });
      return undefined;
    }
    const m = findMember(r, name);
    if (!m) {
      if (name) res.notes.push({ start: at.start, end: at.end, message: `${r.k} ${r.name || '(anon)'} has no member '${name}'` });
      return undefined;
    }
    return { path: m.path, type: m.field.type, rec: r, bits: m.field.bits !== undefined, packed: r.packed || !!m.field.packed };
  };

  function ev(x: Expr, ctx: Ctx): Val {
    const v = ev0(x, ctx);
    if (v.check) checkOf.set(x, v.check);
    return v;
  }

  function ev0(x: Expr, ctx: Ctx): Val {
    switch (x.e) {
      case 'num': return { type: INT };
      case 'str': return { type: { k: 'ptr', to: { k: 'int', name: 'char', size: 1, signed: true, char: true } } };
      case 'id': {
        const t = lookup(x.name) ?? env.global(x.name);
        if (t) return { type: t };
        const ec = env.enumConst(x.name);
        if (ec) return { type: ec.type };
        const fn = env.func(x.name);
        if (fn) return { type: fn.type };
        return { type: LONG };
      }
      case 'member': {
        let base: Val;
        let root: CType | undefined;
        if (x.arrow) {
          base = use(x.obj, ctx);
          const p = strip(base.type);
          if (p.k !== 'ptr' && p.k !== 'array') {
            if (x.name) res.notes.push({ start: x.start, end: x.end, message: `'->${x.name}' on a non-pointer` });
            return { type: LONG };
          }
          root = unqual(p.k === 'ptr' ? p.to : p.of);
        } else {
          base = ev(x.obj, ctx);
        }
        const container = x.arrow ? root! : base.type;
        const m = member(container, x.name, x);
        if (!m) { close(base, ctx); return { type: LONG }; }
        const preserved = ctx.preserve || m.rec!.pai;
        if (!preserved && !ctx.noEmit) res.plain.push({ root: unqual(container), access: [0, ...m.path], start: x.nameStart, end: x.nameEnd });
        if (x.arrow) {
          return preserved ? { type: m.type, chain: { root: root!, access: [0, ...m.path], start: x.start, end: x.end, bits: m.bits, packed: m.packed } } : { type: m.type };
        }
        if (base.chain && preserved) {
          return { type: m.type, chain: { ...base.chain, access: [...base.chain.access, ...m.path], end: x.end, bits: m.bits, packed: m.packed } };
        }
        close(base, ctx);
        // `v.a` on a preserve_access_index record value (a local struct qstr): clang roots a new chain at its type
        if (preserved) return { type: m.type, chain: { root: unqual(base.type), access: [0, ...m.path], start: x.start, end: x.end, bits: m.bits, packed: m.packed } };
        return { type: m.type };
      }
      case 'index': {
        const a = ev(x.arr, ctx);
        const i = use(x.idx, { ...ctx, preserve: false });
        void i;
        const t = strip(a.type);
        const k = constValue(x.idx, env);
        if (t.k === 'array') {
          if (a.chain && k !== undefined) return { type: t.of, chain: { ...a.chain, access: [...a.chain.access, Number(k)], end: x.end } };
          close(a, ctx);
          return { type: t.of };
        }
        close(a, ctx);
        if (t.k === 'ptr') {
          if (ctx.preserve && k !== undefined) return { type: t.to, chain: { root: unqual(t.to), access: [Number(k)], start: x.start, end: x.end } };
          return { type: t.to };
        }
        return { type: LONG };
      }
      case 'call': return call(x, ctx);
      case 'unary': {
        if (x.op === '&') {
          const v = ev(x.x, ctx);
          close(v, ctx);
          return { type: { k: 'ptr', to: v.type } };
        }
        if (x.op === '*') {
          const v = use(x.x, ctx);
          const t = strip(v.type);
          const to = t.k === 'ptr' ? t.to : t.k === 'array' ? t.of : LONG;
          const r = strip(to);
          if ((r.k === 'struct' || r.k === 'union') && (ctx.preserve || r.pai)) return { type: to, chain: { root: unqual(to), access: [0], start: x.start, end: x.end } };
          return { type: to };
        }
        if (x.op === '!') {
          use(x.x, ctx);
          return { type: INT };
        }
        const v = use(x.x, ctx);
        return { type: v.type };
      }
      case 'postfix': return { type: use(x.x, ctx).type };
      case 'binary': {
        if (x.op === '&&' || x.op === '||') {
          use(x.l, ctx);
          const g = condGuards(x.l, x.op === '&&', gctx) ?? [];
          use(x.r, { ...ctx, guards: [...ctx.guards, ...g] });
          return { type: INT };
        }
        const l = use(x.l, ctx);
        const r = use(x.r, ctx);
        const lt = strip(l.type);
        if (lt.k === 'ptr' && (x.op === '+' || x.op === '-') && strip(r.type).k !== 'ptr') return { type: l.type };
        if (['==', '!=', '<', '>', '<=', '>='].includes(x.op)) return { type: INT };
        return { type: lt.k === 'int' && lt.size >= 8 ? l.type : r.type };
      }
      case 'cond': {
        use(x.c, ctx);
        const a = use(x.a, { ...ctx, guards: [...ctx.guards, ...(condGuards(x.c, true, gctx) ?? [])] });
        use(x.b, { ...ctx, guards: [...ctx.guards, ...(condGuards(x.c, false, gctx) ?? [])] });
        return { type: a.type };
      }
      case 'assign': {
        const l = ev(x.l, ctx);
        close(l, ctx);
        use(x.r, ctx);
        if (x.l.e === 'id' && x.op === '=') checkVars[checkVars.length - 1]!.delete(x.l.name);
        return { type: l.type };
      }
      case 'cast': {
        const v = ev(x.x, ctx);
        close(v, ctx, true);
        return { type: x.type, check: v.check };
      }
      case 'sizeof': {
        if (x.x) ev(x.x, { ...ctx, noEmit: true });
        return { type: ULONG };
      }
      case 'comma': use(x.l, ctx); return { type: use(x.r, ctx).type };
      case 'stmtexpr': {
        scopes.push(new Map());
        checkVars.push(new Map());
        let last: Val = { type: VOID };
        for (const s of x.body) last = stmt(s, ctx) ?? { type: VOID };
        scopes.pop();
        checkVars.pop();
        return last;
      }
      case 'init': for (const i of x.items) use(i, ctx); return { type: VOID };
      case 'type': return { type: x.type };
      case 'bad': return { type: LONG };
    }
  }

  /** Accessor argument of BPF_CORE_READ & co: `a`, `a.b`, `a[2].b` as member/index steps. */
  const accessorSteps = (a: Expr): ({ name: string; at: Expr } | { index: number; at: Expr })[] | undefined => {
    if (a.e === 'id') return [{ name: a.name, at: a }];
    if (a.e === 'member' && !a.arrow) { const s = accessorSteps(a.obj); return s && [...s, { name: a.name, at: a }]; }
    if (a.e === 'index') {
      const s = accessorSteps(a.arr);
      const k = constValue(a.idx, env);
      return s && k !== undefined ? [...s, { index: Number(k), at: a }] : undefined;
    }
    return undefined;
  };

  /** One field relocation rooted at `root` through accessor steps; returns the field type. */
  const fieldSite = (kind: ReloKind, root: CType, acc: Expr, ctx: Ctx, exp: Expr): { type: CType; site?: RawSite } | undefined => {
    const steps = accessorSteps(acc);
    if (!steps) { res.notes.push({ start: acc.start, end: acc.end, message: 'unsupported field accessor' }); return undefined; }
    let t = root;
    const access = [0];
    for (const s of steps) {
      if ('name' in s) {
        const m = member(t, s.name, s.at);
        if (!m) return undefined;
        access.push(...m.path);
        t = m.type;
      } else {
        const a = strip(t);
        if (a.k !== 'array') { res.notes.push({ start: s.at.start, end: s.at.end, message: 'index on a non-array member' }); return undefined; }
        access.push(s.index);
        t = a.of;
      }
    }
    const site = emit(kind, unqual(root), access, acc.start, acc.end, ctx, exp.exp ?? exp);
    return { type: t, site };
  };

  const pointee = (t: CType): CType | undefined => {
    const p = strip(t);
    return p.k === 'ptr' ? unqual(p.to) : p.k === 'array' ? unqual(p.of) : undefined;
  };

  /** Type argument of a type-based macro: a type name or (typeof) an expression. */
  const typeArg = (a: Expr | undefined, ctx: Ctx): CType | undefined => {
    if (!a) return undefined;
    if (a.e === 'type') return a.type;
    return ev(a, { ...ctx, noEmit: true }).type;
  };

  function call(x: Expr & { e: 'call' }, ctx: Ctx): Val {
    const name = x.fn.e === 'id' ? x.fn.name : '';
    const args = x.args;
    const rd = READ_MACROS[name];
    if (rd) {
      const [dst, src, ...accs] = rd.into ? args : [undefined, ...args];
      const dstType = dst ? use(dst, ctx).type : undefined;
      if (!src) return { type: LONG };
      let t: CType | undefined = use(src, ctx).type;
      for (let i = 0; i < accs.length; i++) {
        const acc = accs[i];
        if (!acc) continue;
        const root = t && pointee(t);
        if (!root) { res.notes.push({ start: acc.start, end: acc.end, message: 'BPF_CORE_READ hop on a non-pointer' }); return { type: LONG }; }
        const r = fieldSite(ReloKind.FieldByteOffset, root, acc, ctx, x);
        if (!r) return { type: LONG };
        t = r.type;
        // every hop but the last reads a pointer; the last reads sizeof(field), or sizeof(*dst) for _INTO
        if (r.site) {
          const last = i === accs.length - 1;
          const into = last && dstType ? pointee(dstType) : undefined;
          if (!(last && /STR/.test(name))) r.site.readSize = into ? sizeOf(into) : sizeOf(r.type);
        }
      }
      return { type: t ?? LONG };
    }
    if (PROBE_MACROS.has(name)) { for (const a of args.slice(0, 2)) use(a, ctx); return { type: LONG }; }
    if (CORE_READ_FNS.has(name) || name === '__builtin_preserve_access_index') {
      const src = name === '__builtin_preserve_access_index' ? args[0] : args[2];
      if (name !== '__builtin_preserve_access_index') { if (args[0]) use(args[0], ctx); if (args[1]) ev(args[1], { ...ctx, noEmit: true }); }
      if (!src) return { type: LONG };
      const before = res.sites.length;
      const v = withExp(() => use(src, { ...ctx, preserve: true }), x);
      const sz = name === 'bpf_core_read' || name === 'bpf_core_read_user' ? (args[1] && constValue(args[1], env)) : undefined;
      if (sz !== undefined && res.sites.length > before) res.sites[res.sites.length - 1]!.readSize = Number(sz);
      return { type: name === '__builtin_preserve_access_index' ? v.type : LONG };
    }
    const fk = FIELD_MACROS[name];
    if (fk !== undefined || name === '__builtin_preserve_field_info') {
      const kind = fk ?? Number(constValue(args[1] ?? x, env) ?? 0n) as ReloKind;
      if (fk !== undefined && args.length === 2) {
        const t = typeArg(args[0], ctx);
        const r = t && fieldSite(kind, t, args[1]!, ctx, x);
        return { type: INT, check: r?.site };
      }
      const fx = args[0];
      if (!fx) return { type: INT };
      const v = ev(fx, { ...ctx, preserve: true });
      let site: RawSite | undefined;
      if (v.chain && v.chain.access.length >= 1) site = emit(kind, v.chain.root, v.chain.access, v.chain.start, v.chain.end, ctx, x.exp ?? x);
      else res.notes.push({ start: fx.start, end: fx.end, message: `${name} needs a field access` });
      return { type: INT, check: site };
    }
    const tk = TYPE_MACROS[name];
    if (tk !== undefined) {
      const t = typeArg(args[0], ctx);
      if (!t) return { type: INT };
      const site = emit(tk, unqualTop(t), [0], args[0]!.start, args[0]!.end, ctx, x.exp ?? x);
      return { type: name === 'bpf_core_cast' ? { k: 'ptr', to: t } : INT, check: site };
    }
    if (name === '__builtin_preserve_type_info' || name === '__builtin_btf_type_id') {
      const t = typeArg(args[0], ctx);
      const k = Number(constValue(args[1] ?? x, env) ?? 0n);
      const kind = name === '__builtin_btf_type_id' ? (k ? ReloKind.TypeIdTarget : ReloKind.TypeIdLocal)
        : k === 0 ? ReloKind.TypeExists : k === 1 ? ReloKind.TypeSize : ReloKind.TypeMatches;
      const site = t && emit(kind, unqualTop(t), [0], args[0]!.start, args[0]!.end, ctx, x.exp ?? x);
      return { type: INT, check: site };
    }
    if (name === 'bpf_core_enum_value_exists' || name === 'bpf_core_enum_value' || name === '__builtin_preserve_enum_value') {
      let t: CType | undefined;
      let vname = '';
      let at: Expr | undefined;
      let kind: ReloKind;
      if (name === '__builtin_preserve_enum_value') {
        // *(typeof(E) *)V
        const a = args[0];
        const inner = a?.e === 'unary' && a.op === '*' ? a.x : undefined;
        if (inner?.e === 'cast') { const p = strip(inner.type); t = p.k === 'ptr' ? p.to : undefined; at = inner.x; vname = inner.x.e === 'id' ? inner.x.name : ''; }
        kind = Number(constValue(args[1] ?? x, env) ?? 0n) ? ReloKind.EnumvalValue : ReloKind.EnumvalExists;
      } else {
        t = typeArg(args[0], ctx);
        at = args[1];
        vname = at?.e === 'id' ? at.name : '';
        kind = name === 'bpf_core_enum_value' ? ReloKind.EnumvalValue : ReloKind.EnumvalExists;
      }
      const en = t && strip(t);
      const idx = en?.k === 'enum' ? en.values.findIndex((v) => v.name === vname) : -1;
      if (!t || idx < 0 || !at) {
        res.notes.push({ start: x.start, end: x.end, message: `${name}: '${vname}' is not an enumerator of ${t ? 'that enum' : 'a known enum'}` });
        return { type: INT };
      }
      const site = emit(kind, unqualTop(t), [idx], at.start, at.end, ctx, x.exp ?? x);
      return { type: kind === ReloKind.EnumvalValue ? LONG : INT, check: site };
    }
    if (BITFIELD_MACROS.has(name)) {
      const [s, fld] = args;
      if (!s || !fld) return { type: LONG };
      const root = pointee(use(s, ctx).type);
      if (!root) return { type: LONG };
      const kinds = name === 'BPF_CORE_READ_BITFIELD_PROBED' || name === 'BPF_CORE_READ_BITFIELD'
        ? [ReloKind.FieldByteOffset, ReloKind.FieldByteSize, ReloKind.FieldLshiftU64, ReloKind.FieldSigned, ReloKind.FieldRshiftU64, ReloKind.FieldRshiftU64]
        : [ReloKind.FieldByteOffset, ReloKind.FieldByteSize, ReloKind.FieldLshiftU64, ReloKind.FieldRshiftU64];
      for (const k of kinds) fieldSite(k, root, fld, ctx, x);
      return { type: ULONG };
    }
    // ordinary call: a helper, a function of this program, or a function-pointer variable
    const fv = x.fn.e === 'id' ? undefined : use(x.fn, ctx);
    for (const a of args) use(a, ctx);
    const def = name ? env.func(name) : undefined;
    if (def?.body) res.calls.push(name);
    if (name && !def && !lookup(name) && !env.global(name) && /^[A-Z_][A-Z0-9_]*$/.test(name)) {
      res.notes.push({ start: x.fn.start, end: x.fn.end, message: `unknown macro '${name}': not defined in this file or its headers; read as a function call, so CO-RE accesses inside it may be missed` });
    }
    const ft = def?.type ?? fv?.type;
    const fs = ft && strip(ft);
    if (fs?.k === 'func') return { type: fs.ret };
    if (fs?.k === 'ptr') { const q = strip(fs.to); if (q.k === 'func') return { type: q.ret }; }
    return { type: LONG };
  }

  /** Runs `f` so that sites it emits carry the macro invocation as their expansion location. */
  function withExp<T>(fn: () => T, x: Expr): T {
    const before = res.sites.length;
    const r = fn();
    for (let i = before; i < res.sites.length; i++) res.sites[i]!.expStart ??= (x.exp ?? x).start;
    return r;
  }

  /** Evaluates a statement; returns the value of an expression statement (for statement expressions). */
  function stmt(s: Stmt, ctx: Ctx): Val | undefined {
    switch (s.s) {
      case 'expr': return use(s.x, ctx);
      case 'decl':
        for (const v of s.vars) {
          if (v.init) {
            const iv = use(v.init, ctx);
            if (condGuards(v.init, true, gctx)?.length || iv.check) checkVars[checkVars.length - 1]!.set(v.name, v.init);
          }
          scopes[scopes.length - 1]!.set(v.name, v.type);
        }
        return undefined;
      case 'if': {
        use(s.c, ctx);
        const gt = condGuards(s.c, true, gctx) ?? [];
        const gf = condGuards(s.c, false, gctx) ?? [];
        stmt(s.t, { ...ctx, guards: [...ctx.guards, ...gt] });
        if (s.f) stmt(s.f, { ...ctx, guards: [...ctx.guards, ...gf] });
        return undefined;
      }
      case 'return': if (s.x) use(s.x, ctx); return undefined;
      case 'block': block(s.body, ctx); return undefined;
      case 'loop':
        scopes.push(new Map());
        if (s.init) stmt(s.init, ctx);
        if (s.c) use(s.c, ctx);
        stmt(s.body, ctx);
        if (s.step) use(s.step, ctx);
        scopes.pop();
        return undefined;
      case 'switch': use(s.c, ctx); stmt(s.body, ctx); return undefined;
      case 'label': return stmt(s.body, ctx);
      default: return undefined;
    }
  }

  /** A block: early exits narrow the guards of the statements after them. */
  function block(body: Stmt[], ctx: Ctx): void {
    scopes.push(new Map());
    checkVars.push(new Map());
    let guards = ctx.guards;
    for (const s of body) {
      stmt(s, { ...ctx, guards });
      if (s.s === 'if') {
        const tExit = exits(s.t);
        const fExit = s.f ? exits(s.f) : false;
        if (tExit && !fExit) guards = [...guards, ...(condGuards(s.c, false, gctx) ?? [])];
        else if (fExit && !tExit) guards = [...guards, ...(condGuards(s.c, true, gctx) ?? [])];
      }
    }
    scopes.pop();
    checkVars.pop();
  }

  try {
    for (const p of f.params) if (p.name) scopes[0]!.set(p.name, p.type);
    const parser = parserFor(f.body ?? []);
    const body = parser.blockItems();
    for (const n of parser.notes) res.notes.push(n);
    if (f.progMacro) progMacroSites(f, body, env, opts, res);
    const ctx: Ctx = { preserve: false, noEmit: false, guards: [] };
    block(body, ctx);
  } catch (e) {
    res.notes.push({ start: f.start, end: f.end, message: `analysis stopped: ${(e as Error).message}` });
  }
  return res;

  // eslint-disable-next-line no-unreachable
  function unqualTop(t: CType): CType { return unqual(t); }
}


const BITFIELD_MACROS = new Set(['BPF_CORE_READ_BITFIELD', 'BPF_CORE_READ_BITFIELD_PROBED', 'BPF_CORE_WRITE_BITFIELD']);

/** Parameter reads the libbpf program macros generate (only for parameters the body uses: clang drops the rest). */
function progMacroSites(f: FuncDef, body: Stmt[], env: TypeEnv, opts: SiteOptions, res: FuncResult): void {
  const m = f.progMacro!;
  // BPF_PROG, BPF_PROG2 and BPF_USDT fetch their arguments from a u64 array / the USDT spec: no pt_regs access
  if (!/K(RET)?PROBE|U(RET)?PROBE|KSYSCALL/.test(m)) return;
  const regs = env.tag('struct pt_regs');
  if (!regs || regs.k !== 'struct' || !regs.complete) return;
  const names = opts.kernelRegs ? X86_REGS.kernel : X86_REGS.uapi;
  const used = usedNames(f.body ?? []);
  f.params.forEach((p, i) => {
    if (!p.name || !used.has(p.name)) return;
    const start = p.tok?.start ?? f.start;
    const end = p.tok?.end ?? f.start;
    // `core`: read with BPF_CORE_READ (the syscall arguments of the inner pt_regs), a relocation even without pai
    const push = (reg: string, kind: ReloKind, core = false) => {
      const mm = findMember(regs as Record, reg);
      if (!mm) return;
      if (!(regs as Record).pai && !core) { res.plain.push({ root: regs, access: [0, ...mm.path], start, end }); return; }
      res.sites.push({ kind, root: regs, access: [0, ...mm.path], start, end, func: f.name, guards: [], expStart: f.nameTok?.start ?? f.start, readSize: sizeOf(mm.field.type) });
    };
    if (/RET/.test(m)) { push(names[5]!, ReloKind.FieldByteOffset); return; }
    if (/SYSCALL/.test(m)) {
      if ((regs as Record).pai) push(names[0]!, ReloKind.FieldByteOffset);
      push(i === 3 ? (opts.kernelRegs ? X86_REGS.sys4k : 'r10') : names[i]!, ReloKind.FieldByteOffset, true);
      return;
    }
    if (i < 5) push(names[i]!, ReloKind.FieldByteOffset);
  });
  void body;
}

function usedNames(toks: Token[]): Set<string> {
  const s = new Set<string>();
  for (const t of toks) s.add(t.s);
  return s;
}

export type { CheckRef };
