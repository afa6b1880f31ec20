// Guards: which CO-RE checks must be true (or false) for a site to run, read from conditions and control flow.

import { Expr, Stmt } from './cparse';
import { disjunction } from './sites';
import type { GuardCmp, GuardRef, RawSite } from './sites';

/** Comparison operators, each with the operator that states it with the operands swapped (`2 < x` is `x > 2`). */
const FLIP = new Map<string, GuardCmp['op']>([['==', '=='], ['!=', '!='], ['<', '>'], ['<=', '>='], ['>', '<'], ['>=', '<=']]);

/** A check site with the truth value it must have (`via`: the inlined calls leading to the function holding it), or
 * a disjunction of conjunctions of them. */
export type CheckRef = GuardRef;

export interface GuardCtx {
  /** The check site an expression evaluated to (a bpf_core_*_exists call, a field/type/enum builtin). */
  checkOf: (x: Expr) => RawSite | undefined;
  /** The initialiser of a local variable that stores a check (`bool has = bpf_core_field_exists(...)`). */
  varCheck: (name: string) => Expr | undefined;
  /** The value of an integer constant expression (`sizeof(__u16)`, an enumerator), or undefined. */
  constOf?: (x: Expr) => bigint | undefined;
  /** A call of a helper whose result implies checks (`static bool has_x(void) { return bpf_core_field_exists(...); }`). */
  callGuards?: (x: Expr, when: boolean) => CheckRef[] | undefined;
  /** A call of a helper some of whose returns are constants: the checks under which a return whose value passes
   * `ok` runs (a return of no constant value passes), or undefined. */
  callValue?: (x: Expr, ok: (v: bigint) => boolean) => CheckRef[] | undefined;
}

/**
 * The condition on CO-RE checks implied by `x` evaluating to nonzero (`when`) or zero (`!when`), as a conjunction
 * (a disjunction is one element: the false side of `a && b` is `!a || !b`); [] when nothing is implied. A side
 * that implies nothing about checks (`p && exists(a)`: `p` is a run-time value) makes a disjunction implied by
 * nothing, and is dropped from a conjunction: the result is what must hold, never more.
 */
export function condGuards(x: Expr, when: boolean, g: GuardCtx, depth = 0): CheckRef[] | undefined {
  if (depth > 16) return undefined;
  const c = g.checkOf(x);
  if (c) return [{ check: c, when }];
  if (x.e === 'call') { const cg = g.callGuards?.(x, when); if (cg) return cg; }
  switch (x.e) {
    case 'unary':
      if (x.op === '!') return condGuards(x.x, !when, g, depth + 1);
      return undefined;
    case 'cast':
      return condGuards(x.x, when, g, depth + 1);
    case 'binary': {
      if (x.op === '&&' && when) return [...(condGuards(x.l, true, g, depth + 1) ?? []), ...(condGuards(x.r, true, g, depth + 1) ?? [])];
      if (x.op === '||' && !when) return [...(condGuards(x.l, false, g, depth + 1) ?? []), ...(condGuards(x.r, false, g, depth + 1) ?? [])];
      // `!(a && b)` is `!a || (a && !b)`: clang's short circuit evaluates b only where a holds, which the
      // disjunction `!a || !b` states as well (the checks are constants per target, with no side effects)
      if ((x.op === '&&' && !when) || (x.op === '||' && when)) {
        const l = condGuards(x.l, when, g, depth + 1);
        const r = condGuards(x.r, when, g, depth + 1);
        return l?.length && r?.length ? disjunction([l, r]) : [];
      }
      // `check & k` tested for truth: `(check & k) != 0`
      if (x.op === '&') {
        const m = masked(x, g);
        if (m?.mask !== undefined) return [{ check: m.check, when, cmp: { op: '!=', v: 0, mask: m.mask } }];
      }
      // `check != 0`, `check == 0`
      const zero = (e: Expr) => e.e === 'num' && e.v === 0n;
      if ((x.op === '!=' || x.op === '==') && (zero(x.r) || zero(x.l)) && masked(zero(x.r) ? x.l : x.r, g)?.mask === undefined) {
        const other = zero(x.r) ? x.l : x.r;
        return condGuards(other, x.op === '!=' ? when : !when, g, depth + 1);
      }
      // a helper's value masked or compared with a constant (`v = helper(..); if (v & 2)`): the returns that can pass
      // (the verifier knows a constant return's value, in an inlined copy and in a static subprogram alike)
      if ((x.op === '&' || FLIP.has(x.op)) && g.callValue && g.constOf) {
        for (const [a, b, flip] of [[x.l, x.r, false], [x.r, x.l, true]] as const) {
          const call = callIn(a, g);
          const k = call ? g.constOf(b) : undefined;
          if (!call || k === undefined || k < 0n) continue;
          const op = flip ? FLIP.get(x.op) ?? x.op : x.op;
          // (a negative or large constant: signedness and width unknown here, so it may pass either way)
          const pass = (v: bigint): boolean | undefined => {
            if (v < 0n || v >= 0x80000000n || k >= 0x80000000n) return undefined;
            switch (op) {
              case '&': return (v & k) !== 0n;
              case '==': return v === k;
              case '!=': return v !== k;
              case '<': return v < k;
              case '<=': return v <= k;
              case '>': return v > k;
              case '>=': return v >= k;
            }
            return undefined;
          };
          const r = g.callValue(call, (v) => { const p = pass(v); return p === undefined || p === when; });
          if (r) return r;
        }
      }
      // a check's value compared with a constant (`bpf_core_field_size(sk->sk_protocol) == sizeof(__u16)`): the value
      // is known per target exactly as the relocation computes it, so the comparison folds like an existence check
      if (FLIP.has(x.op) && g.constOf) {
        const lm = masked(x.l, g);
        const rm = lm ? undefined : masked(x.r, g);
        const v = lm ? g.constOf(x.r) : rm ? g.constOf(x.l) : undefined;
        if (v !== undefined && v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER)) {
          const op = lm ? (x.op as GuardCmp['op']) : FLIP.get(x.op)!;
          const m = (lm ?? rm)!;
          return [{ check: m.check, when, cmp: { op, v: Number(v), ...(m.mask !== undefined ? { mask: m.mask } : {}) } }];
        }
      }
      return undefined;
    }
    case 'id': {
      const init = g.varCheck(x.name);
      return init ? condGuards(init, when, g, depth + 1) : undefined;
    }
    case 'comma':
      return condGuards(x.r, when, g, depth + 1);
  }
  return undefined;
}

/** The call an expression's value is (through casts and a local initialised with it), or undefined. */
function callIn(x: Expr, g: GuardCtx): Expr | undefined {
  while (x.e === 'cast') x = x.x;
  if (x.e === 'id') { const init = g.varCheck(x.name); if (!init) return undefined; x = init; }
  while (x.e === 'cast') x = x.x;
  return x.e === 'call' ? x : undefined;
}

/** A check's value (`bpf_core_field_size(x)`), or that value masked by a constant (`.. & 3`, SWITCH_GUARDS). */
export function masked(x: Expr, g: GuardCtx): { check: RawSite; mask?: number } | undefined {
  // a check, or a local holding one (`v = bpf_core_field_offset(..)`)
  const checkIn = (e: Expr): RawSite | undefined => {
    while (e.e === 'cast') e = e.x;
    const init = e.e === 'id' ? g.varCheck(e.name) : undefined;
    return g.checkOf(e) ?? (init ? g.checkOf(init) : undefined);
  };
  while (x.e === 'cast') x = x.x;
  const c = g.checkOf(x);
  if (c) return { check: c };
  if (!SWITCH_GUARDS || x.e !== 'binary' || x.op !== '&' || !g.constOf) return undefined;
  for (const [a, b] of [[x.l, x.r], [x.r, x.l]] as const) {
    const ac = checkIn(a);
    const k = ac ? g.constOf(b) : undefined;
    if (ac && k !== undefined && k >= 0n && k <= 0xffffffffn) return { check: ac, mask: Number(k) };
  }
  return undefined;
}

/** CORELENS_SWITCH_GUARDS=0: a switch on a CO-RE check's value gives its cases no guards, and `(check & k) == v`
 * none either. */
export const SWITCH_GUARDS = process.env.CORELENS_SWITCH_GUARDS !== '0';

/** True when a statement never falls through (return, break, continue, goto, or a block ending in one). */
export function exits(s: Stmt): boolean {
  switch (s.s) {
    case 'return': case 'jump': return true;
    case 'block': return s.body.length > 0 && exits(s.body[s.body.length - 1]!);
    case 'if': return !!s.f && exits(s.t) && exits(s.f);
    default: return false;
  }
}
