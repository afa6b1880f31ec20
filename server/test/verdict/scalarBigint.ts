// The BigInt version of src/verdict/scalar.ts (before issue 16), kept as the reference of verdict/scalar.test.ts: the
// number version must compute the very same bounds and tnums, operation for operation. Not used by the walk.
//
// What the kernel verifier knows about a number: a tnum (known bits) plus unsigned/signed bounds in 64 and 32 bits,
// with the same arithmetic, the same bound deduction and the same branch rules as kernel/bpf/verifier.c and tnum.c.

const M64 = (1n << 64n) - 1n;
const M32 = 0xffffffffn;
export const U64_MAX = M64;
export const S64_MIN = -(1n << 63n);
export const S64_MAX = (1n << 63n) - 1n;
const S32_MIN = -0x80000000;
const S32_MAX = 0x7fffffff;
const U32_MAX = 0xffffffff;

export const u64 = (x: bigint): bigint => BigInt.asUintN(64, x);
export const s64 = (x: bigint): bigint => BigInt.asIntN(64, x);
const u32n = (x: bigint): number => Number(x & M32);
const s32n = (x: bigint): number => Number(x & M32) | 0;
const u32 = (x: number): number => x >>> 0;
const s32 = (x: number): number => x | 0;

/** A tracked number: bits `value` are known where `mask` is 0 (kernel: struct tnum). */
export interface Tnum { v: bigint; m: bigint }

export const tnumConst = (v: bigint): Tnum => ({ v: u64(v), m: 0n });
export const TNUM_UNKNOWN: Tnum = { v: 0n, m: M64 };

/** The kernel's fls64 of a non-negative value below 2^64: the index of its highest set bit, plus one (0 for 0). */
function fls64(x: bigint): number {
  if (x === 0n) return 0;
  const hi = Number(x >> 32n);
  return hi ? 64 - Math.clz32(hi) : 32 - Math.clz32(Number(x & M32));
}
export function tnumRange(min: bigint, max: bigint): Tnum {
  const chi = min ^ max;
  const bits = fls64(chi);
  if (bits > 63) return TNUM_UNKNOWN;
  const delta = (1n << BigInt(bits)) - 1n;
  return { v: min & ~delta & M64, m: delta };
}
const tnumLshift = (a: Tnum, s: number): Tnum => ({ v: u64(a.v << BigInt(s)), m: u64(a.m << BigInt(s)) });
const tnumRshift = (a: Tnum, s: number): Tnum => ({ v: a.v >> BigInt(s), m: a.m >> BigInt(s) });
function tnumArshift(a: Tnum, s: number, bits: 32 | 64): Tnum {
  if (bits === 32) {
    return { v: BigInt(u32(s32(Number(a.v & M32)) >> s)), m: BigInt(u32(s32(Number(a.m & M32)) >> s)) };
  }
  return { v: u64(s64(a.v) >> BigInt(s)), m: u64(s64(a.m) >> BigInt(s)) };
}
export function tnumAdd(a: Tnum, b: Tnum): Tnum {
  const sm = u64(a.m + b.m);
  const sv = u64(a.v + b.v);
  const sigma = u64(sm + sv);
  const chi = sigma ^ sv;
  const mu = chi | a.m | b.m;
  return { v: sv & ~mu & M64, m: mu };
}
export function tnumSub(a: Tnum, b: Tnum): Tnum {
  const dv = u64(a.v - b.v);
  const alpha = u64(dv + a.m);
  const beta = u64(dv - b.m);
  const chi = alpha ^ beta;
  const mu = chi | a.m | b.m;
  return { v: dv & ~mu & M64, m: mu };
}
const tnumNeg = (a: Tnum): Tnum => tnumSub(tnumConst(0n), a);
function tnumAnd(a: Tnum, b: Tnum): Tnum {
  const alpha = a.v | a.m;
  const beta = b.v | b.m;
  const v = a.v & b.v;
  return { v, m: alpha & beta & ~v & M64 };
}
function tnumOr(a: Tnum, b: Tnum): Tnum {
  const v = a.v | b.v;
  const mu = a.m | b.m;
  return { v, m: mu & ~v & M64 };
}
function tnumXor(a: Tnum, b: Tnum): Tnum {
  const v = a.v ^ b.v;
  const mu = a.m | b.m;
  return { v: v & ~mu & M64, m: mu };
}
function tnumMul(a: Tnum, b: Tnum): Tnum {
  // Known bits multiply exactly; any unknown bit makes the product's known-ness follow the kernel's hma() rule.
  if (a.m === 0n && b.m === 0n) return tnumConst(a.v * b.v);
  const hma = (acc: Tnum, value: bigint, mask: bigint): Tnum => {
    while (mask) {
      if (mask & 1n) acc = tnumAdd(acc, { v: 0n, m: value });
      mask >>= 1n;
      value = u64(value << 1n);
    }
    return acc;
  };
  const pi = u64(a.v * b.v);
  const acc = hma({ v: pi, m: 0n }, a.m, b.m | b.v);
  return hma(acc, b.m, a.v);
}
export function tnumIntersect(a: Tnum, b: Tnum): Tnum {
  const v = a.v | b.v;
  const mu = a.m & b.m;
  return { v: v & ~mu & M64, m: mu };
}
const tnumCast = (a: Tnum, size: number): Tnum => {
  const mask = size >= 8 ? M64 : (1n << BigInt(size * 8)) - 1n;
  return { v: a.v & mask, m: a.m & mask };
};
export const tnumSubreg = (a: Tnum): Tnum => tnumCast(a, 4);
const tnumClearSubreg = (a: Tnum): Tnum => tnumLshift(tnumRshift(a, 32), 32);
const tnumWithSubreg = (reg: Tnum, sub: Tnum): Tnum => tnumOr(tnumClearSubreg(reg), tnumSubreg(sub));
const tnumConstSubreg = (a: Tnum, v: bigint): Tnum => tnumWithSubreg(a, tnumConst(v));
export const tnumIsConst = (a: Tnum): boolean => a.m === 0n;
const tnumSubregIsConst = (a: Tnum): boolean => (a.m & M32) === 0n;
const tnumOverlap = (a: Tnum, b: Tnum): boolean => ((a.v ^ b.v) & ~(a.m | b.m) & M64) === 0n;
function bswap(v: bigint, bytes: number): bigint {
  let out = 0n;
  for (let i = 0; i < bytes; i++) out = (out << 8n) | ((v >> BigInt(8 * i)) & 0xffn);
  return out;
}
const tnumBswap = (a: Tnum, bytes: number): Tnum => ({ v: bswap(a.v, bytes), m: bswap(a.m, bytes) });

/** The numeric part of a register: its tnum and bounds (kernel: var_off, {u,s}{min,max}_value, {u,s}32_{min,max}). */
export interface Scalar {
  t: Tnum;
  umin: bigint; umax: bigint; smin: bigint; smax: bigint;
  u32min: number; u32max: number; s32min: number; s32max: number;
}

/** A known value. Callers never modify the returned object (clone() before changing), so values are shared. */
export function known(v: bigint): Scalar {
  const u = u64(v);
  let k = knownCache.get(u);
  if (!k) {
    k = { t: { v: u, m: 0n }, umin: u, umax: u, smin: s64(u), smax: s64(u), u32min: u32n(u), u32max: u32n(u), s32min: s32n(u), s32max: s32n(u) };
    if (knownCache.size >= 65536) knownCache.clear();
    knownCache.set(u, k);
  }
  return k;
}
const knownCache = new Map<bigint, Scalar>();
export function unknown(): Scalar {
  return { t: TNUM_UNKNOWN, umin: 0n, umax: M64, smin: S64_MIN, smax: S64_MAX, u32min: 0, u32max: U32_MAX, s32min: S32_MIN, s32max: S32_MAX };
}
export const clone = (s: Scalar): Scalar => ({
  t: s.t, umin: s.umin, umax: s.umax, smin: s.smin, smax: s.smax, u32min: s.u32min, u32max: s.u32max, s32min: s.s32min, s32max: s.s32max,
});
export const isConst = (s: Scalar): boolean => s.t.m === 0n;
/** Constant value, as the kernel's reg_const_value (32-bit: the low half). */
export const constValue = (s: Scalar, w32: boolean): bigint => (w32 ? s.t.v & M32 : s.t.v);
export const isConstW = (s: Scalar, w32: boolean): boolean => (w32 ? tnumSubregIsConst(s.t) : s.t.m === 0n);

function unbound64(s: Scalar): void {
  s.smin = S64_MIN; s.smax = S64_MAX; s.umin = 0n; s.umax = M64;
}
function unbound32(s: Scalar): void {
  s.s32min = S32_MIN; s.s32max = S32_MAX; s.u32min = 0; s.u32max = U32_MAX;
}
function markKnown32(s: Scalar, v: bigint): void {
  s.t = tnumConstSubreg(s.t, v);
  s.s32min = s32n(v); s.s32max = s32n(v); s.u32min = u32n(v); s.u32max = u32n(v);
}
function setKnown(s: Scalar, v: bigint): void {
  Object.assign(s, known(v));
}

function updateBounds32(s: Scalar): void {
  const t = tnumSubreg(s.t);
  const v = Number(t.v);
  const m = Number(t.m);
  s.s32min = Math.max(s.s32min, s32(v | (m & 0x80000000)));
  s.s32max = Math.min(s.s32max, s32(v | (m & 0x7fffffff)));
  s.u32min = Math.max(s.u32min, u32(v));
  s.u32max = Math.min(s.u32max, u32(v | m));
}
function updateBounds64(s: Scalar): void {
  const { v, m } = s.t;
  const a = s64(v | (m & (1n << 63n)));
  const b = s64(v | (m & S64_MAX));
  if (a > s.smin) s.smin = a;
  if (b < s.smax) s.smax = b;
  if (v > s.umin) s.umin = v;
  if ((v | m) < s.umax) s.umax = v | m;
}
function updateBounds(s: Scalar): void {
  updateBounds32(s);
  updateBounds64(s);
}
const max = (a: bigint, b: bigint) => (a > b ? a : b);
const min = (a: bigint, b: bigint) => (a < b ? a : b);

function deduce32(s: Scalar): void {
  // the 64-bit bounds are only read here: their halves once, as numbers
  const uminHi = Number(s.umin >> 32n);
  const umaxHi = Number(s.umax >> 32n);
  const sminU = u64(s.smin);
  const smaxU = u64(s.smax);
  const sminHi = Number(sminU >> 32n);
  const smaxHi = Number(smaxU >> 32n);
  const uminLo = Number(s.umin & M32);
  const umaxLo = Number(s.umax & M32);
  const sminLo = Number(sminU & M32);
  const smaxLo = Number(smaxU & M32);
  if (uminHi === umaxHi) {
    s.u32min = Math.max(s.u32min, uminLo);
    s.u32max = Math.min(s.u32max, umaxLo);
    if ((uminLo | 0) <= (umaxLo | 0)) {
      s.s32min = Math.max(s.s32min, uminLo | 0);
      s.s32max = Math.min(s.s32max, umaxLo | 0);
    }
  }
  if (sminHi === smaxHi) {
    if (sminLo <= smaxLo) {
      s.u32min = Math.max(s.u32min, sminLo);
      s.u32max = Math.min(s.u32max, smaxLo);
    }
    if ((sminLo | 0) <= (smaxLo | 0)) {
      s.s32min = Math.max(s.s32min, sminLo | 0);
      s.s32max = Math.min(s.s32max, smaxLo | 0);
    }
  }
  if (u32(uminHi + 1) === umaxHi && (uminLo | 0) < 0 && (umaxLo | 0) >= 0) {
    s.s32min = Math.max(s.s32min, uminLo | 0);
    s.s32max = Math.min(s.s32max, umaxLo | 0);
  }
  if (u32(sminHi + 1) === smaxHi && (sminLo | 0) < 0 && (smaxLo | 0) >= 0) {
    s.s32min = Math.max(s.s32min, sminLo | 0);
    s.s32max = Math.min(s.s32max, smaxLo | 0);
  }
  if (s32(s.u32min) <= s32(s.u32max)) {
    s.s32min = Math.max(s.s32min, s32(s.u32min));
    s.s32max = Math.min(s.s32max, s32(s.u32max));
  }
  if (u32(s.s32min) <= u32(s.s32max)) {
    s.u32min = Math.max(u32(s.s32min), s.u32min);
    s.u32max = Math.min(u32(s.s32max), s.u32max);
  }
}
function deduce64(s: Scalar): void {
  if (s64(s.umin) <= s64(s.umax)) {
    s.smin = max(s.smin, s64(s.umin));
    s.smax = min(s.smax, s64(s.umax));
  }
  if (u64(s.smin) <= u64(s.smax)) {
    s.umin = max(u64(s.smin), s.umin);
    s.umax = min(u64(s.smax), s.umax);
  } else if (s.umax < u64(s.smin)) {
    // The u64 range overlaps only the non-negative part of the s64 range.
    s.smin = s64(s.umin);
    s.umax = min(s.umax, u64(s.smax));
  } else if (u64(s.smax) < s.umin) {
    // ... or only its negative part.
    s.smax = s64(s.umax);
    s.umin = max(s.umin, u64(s.smin));
  }
}
function deduceMixed(s: Scalar): void {
  const hi = ~M32 & M64;
  const nUmin = (s.umin & hi) | BigInt(s.u32min);
  const nUmax = (s.umax & hi) | BigInt(s.u32max);
  s.umin = max(s.umin, nUmin);
  s.umax = min(s.umax, nUmax);
  const nSmin = s64((u64(s.smin) & hi) | BigInt(s.u32min));
  const nSmax = s64((u64(s.smax) & hi) | BigInt(s.u32max));
  s.smin = max(s.smin, nSmin);
  s.smax = min(s.smax, nSmax);
  if (s.s32min >= 0 && s.smin >= BigInt(S32_MIN) && s.smax <= BigInt(S32_MAX)) {
    s.smin = BigInt(s.s32min); s.smax = BigInt(s.s32max);
    s.umin = BigInt(s.s32min); s.umax = BigInt(s.s32max);
    s.t = tnumIntersect(s.t, tnumRange(u64(s.smin), u64(s.smax)));
  }
}
function deduce(s: Scalar): void {
  deduce32(s);
  deduce64(s);
  deduceMixed(s);
}
function boundOffset(s: Scalar): void {
  const t64 = tnumIntersect(s.t, tnumRange(s.umin, s.umax));
  const t32 = tnumIntersect(tnumSubreg(t64), tnumRange(BigInt(s.u32min), BigInt(s.u32max)));
  s.t = tnumOr(tnumClearSubreg(t64), t32);
}
/** kernel reg_bounds_sync(): learn bounds from bits and bits from bounds. */
export function sync(s: Scalar): void {
  // Fast paths (the result of the full computation, without it): a consistent constant, a fully unknown value.
  if (s.t.m === 0n) {
    const v = s.t.v;
    if (s.umin === v && s.umax === v && s.smin === s64(v) && s.smax === s64(v) && s.u32min === u32n(v) && s.u32max === s.u32min
      && s.s32min === s32n(v) && s.s32max === s.s32min) return;
  } else if (s.t.m === M64 && s.t.v === 0n && s.umin === 0n && s.umax === M64 && s.smin === S64_MIN && s.smax === S64_MAX
    && s.u32min === 0 && s.u32max === U32_MAX && s.s32min === S32_MIN && s.s32max === S32_MAX) {
    return;
  }
  updateBounds(s);
  // deduce() is a function of the fields it rewrites: once a round changes none, the kernel's further rounds do not
  // either, and are skipped
  for (let round = 0; round < 3; round++) {
    const { t, umin, umax, smin, smax, u32min, u32max, s32min, s32max } = s;
    deduce(s);
    if (s.t.v === t.v && s.t.m === t.m && s.umin === umin && s.umax === umax && s.smin === smin && s.smax === smax && s.u32min === u32min
      && s.u32max === u32max && s.s32min === s32min && s.s32max === s32max) break;
  }
  boundOffset(s);
  updateBounds(s);
}
/** True when the bounds contradict each other: the kernel treats such a register as unbounded (sanity check). */
export function insane(s: Scalar): boolean {
  if (s.umin > s.umax || s.smin > s.smax || s.u32min > s.u32max || s.s32min > s.s32max) return true;
  if (s.t.m === 0n && (s.umin !== s.t.v || s.umax !== s.t.v || s.smin !== s64(s.t.v) || s.smax !== s64(s.t.v))) return true;
  if ((s.t.m & M32) === 0n) {
    const lo = s.t.v & M32;
    if (s.u32min !== Number(lo) || s.u32max !== Number(lo) || s.s32min !== s32n(lo) || s.s32max !== s32n(lo)) return true;
  }
  return false;
}
function sanity(s: Scalar): void {
  if (insane(s)) {
    unbound64(s);
    unbound32(s);
  }
}

function assign32into64(s: Scalar): void {
  s.umin = BigInt(s.u32min);
  s.umax = BigInt(s.u32max);
  if (s.s32min >= 0 && s.s32max >= 0) {
    s.smin = BigInt(s.s32min);
    s.smax = BigInt(s.s32max);
  } else {
    s.smin = 0n;
    s.smax = M32;
  }
}
/** A 32-bit operation's result zero-extends into the 64-bit register. */
export function zext32(s: Scalar): void {
  s.t = tnumSubreg(s.t);
  assign32into64(s);
}

/** A b/h/w load or a 32-bit truncation: the kernel's coerce_reg_to_size(). */
export function coerce(s: Scalar, size: number): void {
  s.t = tnumCast(s.t, size);
  const mask = (1n << BigInt(size * 8)) - 1n;
  if ((s.umin & ~mask & M64) === (s.umax & ~mask & M64)) {
    s.umin &= mask;
    s.umax &= mask;
  } else {
    s.umin = 0n;
    s.umax = mask;
  }
  s.smin = s.umin;
  s.smax = s.umax;
  if (size < 4) unbound32(s);
  sync(s);
}
/** A sign-extending load or move of `size` bytes. */
export function coerceSx(s: Scalar, size: number): void {
  const bits = BigInt(size * 8);
  if (isConst(s)) {
    setKnown(s, BigInt.asIntN(Number(bits), s.t.v));
    return;
  }
  Object.assign(s, unknown());
  s.smin = -(1n << (bits - 1n));
  s.smax = (1n << (bits - 1n)) - 1n;
  sync(s);
}
/** A 32-bit sign-extending move (`w1 = (s8)w2`). */
export function coerceSubregSx(s: Scalar, size: number): void {
  if (tnumSubregIsConst(s.t)) {
    const v = BigInt.asIntN(size * 8, s.t.v);
    Object.assign(s, known(BigInt(u32n(v))));
    return;
  }
  Object.assign(s, unknown());
  s.s32min = -(2 ** (size * 8 - 1));
  s.s32max = 2 ** (size * 8 - 1) - 1;
  zext32(s);
  sync(s);
}

// ---- ALU -------------------------------------------------------------------------------------------------------

function add32(d: Scalar, s: Scalar): void {
  const smin = d.s32min + s.s32min;
  const smax = d.s32max + s.s32max;
  if (smin < S32_MIN || smin > S32_MAX || smax < S32_MIN || smax > S32_MAX) {
    d.s32min = S32_MIN; d.s32max = S32_MAX;
  } else {
    d.s32min = smin; d.s32max = smax;
  }
  const umin = d.u32min + s.u32min;
  const umax = d.u32max + s.u32max;
  const minO = umin > U32_MAX;
  const maxO = umax > U32_MAX;
  d.u32min = u32(umin);
  d.u32max = u32(umax);
  if (!minO && maxO) {
    d.u32min = 0; d.u32max = U32_MAX;
  }
}
function add64(d: Scalar, s: Scalar): void {
  const smin = d.smin + s.smin;
  const smax = d.smax + s.smax;
  if (smin !== s64(smin) || smax !== s64(smax)) {
    d.smin = S64_MIN; d.smax = S64_MAX;
  } else {
    d.smin = smin; d.smax = smax;
  }
  const umin = d.umin + s.umin;
  const umax = d.umax + s.umax;
  const minO = umin > M64;
  const maxO = umax > M64;
  d.umin = u64(umin);
  d.umax = u64(umax);
  if (!minO && maxO) {
    d.umin = 0n; d.umax = M64;
  }
}
function sub32(d: Scalar, s: Scalar): void {
  const smin = d.s32min - s.s32max;
  const smax = d.s32max - s.s32min;
  if (smin < S32_MIN || smin > S32_MAX || smax < S32_MIN || smax > S32_MAX) {
    d.s32min = S32_MIN; d.s32max = S32_MAX;
  } else {
    d.s32min = smin; d.s32max = smax;
  }
  const minU = d.u32min - s.u32max < 0;
  const maxU = d.u32max - s.u32min < 0;
  d.u32min = u32(d.u32min - s.u32max);
  d.u32max = u32(d.u32max - s.u32min);
  if (minU && !maxU) {
    d.u32min = 0; d.u32max = U32_MAX;
  }
}
function sub64(d: Scalar, s: Scalar): void {
  const smin = d.smin - s.smax;
  const smax = d.smax - s.smin;
  if (smin !== s64(smin) || smax !== s64(smax)) {
    d.smin = S64_MIN; d.smax = S64_MAX;
  } else {
    d.smin = smin; d.smax = smax;
  }
  const minU = d.umin - s.umax < 0n;
  const maxU = d.umax - s.umin < 0n;
  d.umin = u64(d.umin - s.umax);
  d.umax = u64(d.umax - s.umin);
  if (minU && !maxU) {
    d.umin = 0n; d.umax = M64;
  }
}
function mul32(d: Scalar, s: Scalar): void {
  const umax = d.u32max * s.u32max;
  const umin = d.u32min * s.u32min;
  if (umax > U32_MAX || umin > U32_MAX) {
    d.u32min = 0; d.u32max = U32_MAX;
  } else {
    d.u32min = umin; d.u32max = umax;
  }
  const p = [d.s32min * s.s32min, d.s32min * s.s32max, d.s32max * s.s32min, d.s32max * s.s32max];
  if (p.some((x) => x < S32_MIN || x > S32_MAX)) {
    d.s32min = S32_MIN; d.s32max = S32_MAX;
  } else {
    d.s32min = Math.min(...p); d.s32max = Math.max(...p);
  }
}
function mul64(d: Scalar, s: Scalar): void {
  const umax = d.umax * s.umax;
  const umin = d.umin * s.umin;
  if (umax > M64 || umin > M64) {
    d.umin = 0n; d.umax = M64;
  } else {
    d.umin = umin; d.umax = umax;
  }
  const p = [d.smin * s.smin, d.smin * s.smax, d.smax * s.smin, d.smax * s.smax];
  if (p.some((x) => x !== s64(x))) {
    d.smin = S64_MIN; d.smax = S64_MAX;
  } else {
    d.smin = p.reduce((a, b) => (a < b ? a : b));
    d.smax = p.reduce((a, b) => (a > b ? a : b));
  }
}
function and32(d: Scalar, s: Scalar): void {
  const srcK = tnumSubregIsConst(s.t);
  const dstK = tnumSubregIsConst(d.t);
  const t = tnumSubreg(d.t);
  if (srcK && dstK) {
    markKnown32(d, t.v);
    return;
  }
  d.u32min = Number(t.v);
  d.u32max = Math.min(d.u32max, s.u32max);
  if (s32(d.u32min) <= s32(d.u32max)) {
    d.s32min = s32(d.u32min); d.s32max = s32(d.u32max);
  } else {
    d.s32min = S32_MIN; d.s32max = S32_MAX;
  }
}
function and64(d: Scalar, s: Scalar): void {
  if (isConst(s) && isConst(d)) {
    setKnown(d, d.t.v);
    return;
  }
  d.umin = d.t.v;
  d.umax = min(d.umax, s.umax);
  if (s64(d.umin) <= s64(d.umax)) {
    d.smin = s64(d.umin); d.smax = s64(d.umax);
  } else {
    d.smin = S64_MIN; d.smax = S64_MAX;
  }
  updateBounds(d);
}
function or32(d: Scalar, s: Scalar): void {
  const srcK = tnumSubregIsConst(s.t);
  const dstK = tnumSubregIsConst(d.t);
  const t = tnumSubreg(d.t);
  if (srcK && dstK) {
    markKnown32(d, t.v);
    return;
  }
  d.u32min = Math.max(d.u32min, s.u32min);
  d.u32max = u32(Number(t.v | t.m));
  if (s32(d.u32min) <= s32(d.u32max)) {
    d.s32min = s32(d.u32min); d.s32max = s32(d.u32max);
  } else {
    d.s32min = S32_MIN; d.s32max = S32_MAX;
  }
}
function or64(d: Scalar, s: Scalar): void {
  if (isConst(s) && isConst(d)) {
    setKnown(d, d.t.v);
    return;
  }
  d.umin = max(d.umin, s.umin);
  d.umax = d.t.v | d.t.m;
  if (s64(d.umin) <= s64(d.umax)) {
    d.smin = s64(d.umin); d.smax = s64(d.umax);
  } else {
    d.smin = S64_MIN; d.smax = S64_MAX;
  }
  updateBounds(d);
}
function xor32(d: Scalar, s: Scalar): void {
  const t = tnumSubreg(d.t);
  if (tnumSubregIsConst(s.t) && tnumSubregIsConst(d.t)) {
    markKnown32(d, t.v);
    return;
  }
  d.u32min = Number(t.v);
  d.u32max = u32(Number(t.v | t.m));
  if (s32(d.u32min) <= s32(d.u32max)) {
    d.s32min = s32(d.u32min); d.s32max = s32(d.u32max);
  } else {
    d.s32min = S32_MIN; d.s32max = S32_MAX;
  }
}
function xor64(d: Scalar, s: Scalar): void {
  if (isConst(s) && isConst(d)) {
    setKnown(d, d.t.v);
    return;
  }
  d.umin = d.t.v;
  d.umax = d.t.v | d.t.m;
  if (s64(d.umin) <= s64(d.umax)) {
    d.smin = s64(d.umin); d.smax = s64(d.umax);
  } else {
    d.smin = S64_MIN; d.smax = S64_MAX;
  }
  updateBounds(d);
}
function lsh32Bounds(d: Scalar, umin: number, umax: number): void {
  d.s32min = S32_MIN; d.s32max = S32_MAX;
  if (umax > 31 || d.u32max > 2 ** (31 - umax)) {
    d.u32min = 0; d.u32max = U32_MAX;
  } else {
    d.u32min = u32(d.u32min * 2 ** umin);
    d.u32max = u32(d.u32max * 2 ** umax);
  }
}
function lsh32(d: Scalar, s: Scalar): void {
  const sub = tnumSubreg(d.t);
  lsh32Bounds(d, s.u32min, s.u32max);
  d.t = tnumSubreg(tnumLshift(sub, s.u32min));
  unbound64(d);
  updateBounds32(d);
}
function lsh64(d: Scalar, s: Scalar): void {
  const umin = Number(s.umin);
  const umax = Number(s.umax);
  if (umin === 32 && umax === 32) {
    d.smax = BigInt(d.s32max) << 32n;
    d.smin = BigInt(d.s32min) << 32n;
  } else {
    d.smax = S64_MAX; d.smin = S64_MIN;
  }
  if (d.umax > 1n << BigInt(63 - umax)) {
    d.umin = 0n; d.umax = M64;
  } else {
    d.umin = u64(d.umin << BigInt(umin));
    d.umax = u64(d.umax << BigInt(umax));
  }
  lsh32Bounds(d, umin, umax);
  d.t = tnumLshift(d.t, umin);
  updateBounds(d);
}
function rsh32(d: Scalar, s: Scalar): void {
  const sub = tnumSubreg(d.t);
  d.s32min = S32_MIN; d.s32max = S32_MAX;
  d.t = tnumRshift(sub, s.u32min);
  d.u32min = d.u32min >>> s.u32max;
  d.u32max = d.u32max >>> s.u32min;
  unbound64(d);
  updateBounds32(d);
}
function rsh64(d: Scalar, s: Scalar): void {
  d.smin = S64_MIN; d.smax = S64_MAX;
  d.t = tnumRshift(d.t, Number(s.umin));
  d.umin = d.umin >> s.umax;
  d.umax = d.umax >> s.umin;
  unbound32(d);
  updateBounds(d);
}
function arsh32(d: Scalar, s: Scalar): void {
  const sh = s.u32min;
  d.s32min = s32(u32(d.s32min >> sh));
  d.s32max = s32(u32(d.s32max >> sh));
  d.t = tnumArshift(tnumSubreg(d.t), sh, 32);
  d.u32min = 0; d.u32max = U32_MAX;
  unbound64(d);
  updateBounds32(d);
}
function arsh64(d: Scalar, s: Scalar): void {
  const sh = s.umin;
  d.smin = d.smin >> sh;
  d.smax = d.smax >> sh;
  d.t = tnumArshift(d.t, Number(sh), 64);
  d.umin = 0n; d.umax = M64;
  unbound32(d);
  updateBounds(d);
}

/** ALU operation codes this module understands (the BPF_OP field). */
export const OP = {
  ADD: 0x00, SUB: 0x10, MUL: 0x20, DIV: 0x30, OR: 0x40, AND: 0x50, LSH: 0x60, RSH: 0x70, NEG: 0x80, MOD: 0x90,
  XOR: 0xa0, ARSH: 0xc0, END: 0xd0,
} as const;

/**
 * The kernel's adjust_scalar_min_max_vals() for two scalars: `d` is updated in place. Returns false when the result
 * cannot be computed (shift by an unknown or too large amount, division, modulo: the kernel marks it unknown).
 */
export function alu(d: Scalar, src: Scalar, opcode: number, alu32: boolean, endImm = 0, endSwap = false): void {
  const bits = alu32 ? 32 : 64;
  if (d.t.m === 0n && src.t.m === 0n && opcode !== OP.END && isExactConst(d) && isExactConst(src)) {
    // Two constants: every rule of the kernel yields the exact result (tnum arithmetic on known bits is exact).
    const r = constOp(d.t.v, src.t.v, opcode, alu32);
    if (r !== undefined) {
      Object.assign(d, known(r));
      return;
    }
  }
  const srcConst = alu32 ? tnumSubregIsConst(src.t) && src.s32min === src.s32max && src.u32min === src.u32max
    : isConst(src) && src.smin === src.smax && src.umin === src.umax;
  switch (opcode) {
    case OP.ADD: case OP.SUB: case OP.NEG: case OP.AND: case OP.OR: case OP.XOR: case OP.MUL: case OP.END:
      break;
    case OP.LSH: case OP.RSH: case OP.ARSH:
      // An unknown shift amount: the kernel marks the result unknown, before (so without) zero-extension.
      if (!(srcConst && (alu32 ? src.u32max : Number(src.umax)) < bits)) {
        Object.assign(d, unknown());
        return;
      }
      break;
    default:
      // Linux 6.18 computes no range for division and modulo (checked by the semantics probes).
      Object.assign(d, unknown());
      return;
  }
  switch (opcode) {
    case OP.ADD:
      add32(d, src); add64(d, src);
      d.t = tnumAdd(d.t, src.t);
      break;
    case OP.SUB:
      sub32(d, src); sub64(d, src);
      d.t = tnumSub(d.t, src.t);
      break;
    case OP.NEG: {
      const o = clone(d);
      setKnown(d, 0n);
      sub32(d, o); sub64(d, o);
      d.t = tnumNeg(o.t);
      break;
    }
    case OP.MUL:
      d.t = tnumMul(d.t, src.t);
      mul32(d, src); mul64(d, src);
      break;
    case OP.AND:
      d.t = tnumAnd(d.t, src.t);
      and32(d, src); and64(d, src);
      break;
    case OP.OR:
      d.t = tnumOr(d.t, src.t);
      or32(d, src); or64(d, src);
      break;
    case OP.XOR:
      d.t = tnumXor(d.t, src.t);
      xor32(d, src); xor64(d, src);
      break;
    case OP.LSH:
      if (alu32) lsh32(d, src); else lsh64(d, src);
      break;
    case OP.RSH:
      if (alu32) rsh32(d, src); else rsh64(d, src);
      break;
    case OP.ARSH:
      if (alu32) arsh32(d, src); else arsh64(d, src);
      break;
    case OP.END:
      if (endSwap) {
        d.t = tnumBswap(tnumCast(d.t, endImm / 8), endImm / 8);
        unbound64(d);
        unbound32(d);
      }
      if (endImm === 16 || endImm === 32) coerce(d, endImm / 8);
      sync(d);
      sanity(d);
      return;
  }
  if (alu32) zext32(d);
  sync(d);
  sanity(d);
}

const isExactConst = (s: Scalar): boolean => s.umin === s.t.v && s.umax === s.t.v;

/** The result of an ALU operation on two constants, or undefined where the kernel gives no constant. */
function constOp(a: bigint, b: bigint, opcode: number, alu32: boolean): bigint | undefined {
  const bits = alu32 ? 32 : 64;
  const mask = alu32 ? M32 : M64;
  const x = a & mask;
  const y = b & mask;
  let r: bigint;
  switch (opcode) {
    case OP.ADD: r = x + y; break;
    case OP.SUB: r = x - y; break;
    case OP.MUL: r = x * y; break;
    case OP.AND: r = x & y; break;
    case OP.OR: r = x | y; break;
    case OP.XOR: r = x ^ y; break;
    case OP.NEG: r = -x; break;
    case OP.LSH: if (y >= BigInt(bits)) return undefined; r = x << y; break;
    case OP.RSH: if (y >= BigInt(bits)) return undefined; r = x >> y; break;
    case OP.ARSH: if (y >= BigInt(bits)) return undefined; r = BigInt.asIntN(bits, x) >> y; break;
    default: return undefined;
  }
  return r & mask;
}

/** A value in [-1, 0] (64-bit, or in its low half) that AND/OR with a constant would blur: the kernel explores 0 and -1 apart. */
export function forkable(d: Scalar): 'w64' | 'w32' | undefined {
  if (d.smin === -1n && d.smax === 0n) return 'w64';
  if (d.s32min === -1 && d.s32max === 0) return 'w32';
  return undefined;
}
/** The two halves of a fork: the value known as 0 or as -1 (in its low 32 bits only for 'w32'). */
export function forkAs(d: Scalar, how: 'w64' | 'w32', v: 0n | -1n): Scalar {
  const out = clone(d);
  if (how === 'w64') setKnown(out, v);
  else markKnown32(out, v);
  return out;
}

// ---- branches ----------------------------------------------------------------------------------------------------

/** Comparison operation codes (the BPF_OP field of a jump). */
export const J = {
  JEQ: 0x10, JGT: 0x20, JGE: 0x30, JSET: 0x40, JNE: 0x50, JSGT: 0x60, JSGE: 0x70, JLT: 0xa0, JLE: 0xb0, JSLT: 0xc0,
  JSLE: 0xd0, JSET_NOT: 0x48,
} as const;

/** `a op b` becomes `b flip(op) a`. */
export function flipOp(op: number): number {
  switch (op) {
    case J.JGE: return J.JLE;
    case J.JGT: return J.JLT;
    case J.JLE: return J.JGE;
    case J.JLT: return J.JGT;
    case J.JSGE: return J.JSLE;
    case J.JSGT: return J.JSLT;
    case J.JSLE: return J.JSGE;
    case J.JSLT: return J.JSGT;
    default: return op;
  }
}
/** The condition that holds on the fall-through branch. */
export function revOp(op: number): number {
  switch (op) {
    case J.JEQ: return J.JNE;
    case J.JNE: return J.JEQ;
    case J.JSET: return J.JSET_NOT;
    case J.JSET_NOT: return J.JSET;
    case J.JGE: return J.JLT;
    case J.JGT: return J.JLE;
    case J.JLE: return J.JGT;
    case J.JLT: return J.JGE;
    case J.JSGE: return J.JSLT;
    case J.JSGT: return J.JSLE;
    case J.JSLE: return J.JSGT;
    case J.JSLT: return J.JSGE;
    default: return 0;
  }
}

/** The kernel's is_scalar_branch_taken(): 1 taken, 0 not taken, -1 unknown. `same`: both operands are one register. */
export function scalarBranchTaken(a: Scalar, b: Scalar, op: number, w32: boolean, same: boolean): number {
  const t1 = w32 ? tnumSubreg(a.t) : a.t;
  const t2 = w32 ? tnumSubreg(b.t) : b.t;
  const umin1 = w32 ? BigInt(a.u32min) : a.umin;
  const umax1 = w32 ? BigInt(a.u32max) : a.umax;
  const smin1 = w32 ? BigInt(a.s32min) : a.smin;
  const smax1 = w32 ? BigInt(a.s32max) : a.smax;
  const umin2 = w32 ? BigInt(b.u32min) : b.umin;
  const umax2 = w32 ? BigInt(b.u32max) : b.umax;
  const smin2 = w32 ? BigInt(b.s32min) : b.smin;
  const smax2 = w32 ? BigInt(b.s32max) : b.smax;
  if (same) {
    switch (op) {
      case J.JGE: case J.JLE: case J.JSGE: case J.JSLE: case J.JEQ: return 1;
      case J.JGT: case J.JLT: case J.JSGT: case J.JSLT: case J.JNE: return 0;
      case J.JSET:
        if (t1.m === 0n) return t1.v !== 0n ? 1 : 0;
        return smin1 <= 0n && smax1 >= 0n ? -1 : 1;
      default: return -1;
    }
  }
  switch (op) {
    case J.JEQ: case J.JNE: {
      const eq = op === J.JEQ;
      if (t1.m === 0n && t2.m === 0n) return (t1.v === t2.v) === eq ? 1 : 0;
      const never = !tnumOverlap(t1, t2) || umin1 > umax2 || umax1 < umin2 || smin1 > smax2 || smax1 < smin2
        || (!w32 && (a.u32min > b.u32max || a.u32max < b.u32min || a.s32min > b.s32max || a.s32max < b.s32min));
      if (never) return eq ? 0 : 1;
      return -1;
    }
    case J.JSET: {
      let x = t1;
      let y = t2;
      if (!(y.m === 0n)) [x, y] = [t2, t1];
      if (y.m !== 0n) return -1;
      if ((~x.m & x.v) & y.v) return 1;
      if (!((x.m | x.v) & y.v)) return 0;
      return -1;
    }
    case J.JGT: return umin1 > umax2 ? 1 : umax1 <= umin2 ? 0 : -1;
    case J.JSGT: return smin1 > smax2 ? 1 : smax1 <= smin2 ? 0 : -1;
    case J.JLT: return umax1 < umin2 ? 1 : umin1 >= umax2 ? 0 : -1;
    case J.JSLT: return smax1 < smin2 ? 1 : smin1 >= smax2 ? 0 : -1;
    case J.JGE: return umin1 >= umax2 ? 1 : umax1 < umin2 ? 0 : -1;
    case J.JSGE: return smin1 >= smax2 ? 1 : smax1 < smin2 ? 0 : -1;
    case J.JLE: return umax1 <= umin2 ? 1 : umin1 > umax2 ? 0 : -1;
    case J.JSLE: return smax1 <= smin2 ? 1 : smin1 > smax2 ? 0 : -1;
    default: return -1;
  }
}

/** The kernel's regs_refine_cond_op(): narrow `a` and `b` (in place) to the values for which `a op b` holds. */
export function refine(a: Scalar, b: Scalar, op: number, w32: boolean): void {
  switch (op) {
    case J.JGE: case J.JGT: case J.JSGE: case J.JSGT:
      [a, b] = [b, a];
      op = flipOp(op);
      break;
    default:
  }
  switch (op) {
    case J.JEQ:
      if (w32) {
        a.u32min = Math.max(a.u32min, b.u32min); a.u32max = Math.min(a.u32max, b.u32max);
        a.s32min = Math.max(a.s32min, b.s32min); a.s32max = Math.min(a.s32max, b.s32max);
        b.u32min = a.u32min; b.u32max = a.u32max; b.s32min = a.s32min; b.s32max = a.s32max;
        const t = tnumIntersect(tnumSubreg(a.t), tnumSubreg(b.t));
        a.t = tnumWithSubreg(a.t, t);
        b.t = tnumWithSubreg(b.t, t);
      } else {
        a.umin = max(a.umin, b.umin); a.umax = min(a.umax, b.umax);
        a.smin = max(a.smin, b.smin); a.smax = min(a.smax, b.smax);
        b.umin = a.umin; b.umax = a.umax; b.smin = a.smin; b.smax = a.smax;
        a.t = tnumIntersect(a.t, b.t);
        b.t = a.t;
      }
      break;
    case J.JNE: {
      if (!isConstW(b, w32)) [a, b] = [b, a];
      if (!isConstW(b, w32)) break;
      const v = constValue(b, w32);
      if (w32) {
        if (a.u32min === u32n(v)) a.u32min = u32(a.u32min + 1);
        if (a.u32max === u32n(v)) a.u32max = u32(a.u32max - 1);
        if (a.s32min === s32n(v)) a.s32min = s32(a.s32min + 1);
        if (a.s32max === s32n(v)) a.s32max = s32(a.s32max - 1);
      } else {
        if (a.umin === v) a.umin = u64(a.umin + 1n);
        if (a.umax === v) a.umax = u64(a.umax - 1n);
        if (a.smin === s64(v)) a.smin = s64(a.smin + 1n);
        if (a.smax === s64(v)) a.smax = s64(a.smax - 1n);
      }
      break;
    }
    case J.JSET: {
      if (!isConstW(b, w32)) [a, b] = [b, a];
      if (!isConstW(b, w32)) break;
      const v = constValue(b, w32);
      if (v === 0n || (v & (v - 1n)) !== 0n) break;
      if (w32) a.t = tnumWithSubreg(a.t, tnumOr(tnumSubreg(a.t), tnumConst(v)));
      else a.t = tnumOr(a.t, tnumConst(v));
      break;
    }
    case J.JSET_NOT: {
      if (!isConstW(b, w32)) [a, b] = [b, a];
      if (!isConstW(b, w32)) break;
      const v = constValue(b, w32);
      unbound64(a);
      unbound32(a);
      if (w32) a.t = tnumWithSubreg(a.t, tnumAnd(tnumSubreg(a.t), tnumConst(u64(~v))));
      else a.t = tnumAnd(a.t, tnumConst(u64(~v)));
      break;
    }
    case J.JLE:
      if (w32) {
        a.u32max = Math.min(a.u32max, b.u32max);
        b.u32min = Math.max(a.u32min, b.u32min);
      } else {
        a.umax = min(a.umax, b.umax);
        b.umin = max(a.umin, b.umin);
      }
      break;
    case J.JLT:
      if (w32) {
        a.u32max = Math.min(a.u32max, u32(b.u32max - 1));
        b.u32min = Math.max(u32(a.u32min + 1), b.u32min);
      } else {
        a.umax = min(a.umax, u64(b.umax - 1n));
        b.umin = max(u64(a.umin + 1n), b.umin);
      }
      break;
    case J.JSLE:
      if (w32) {
        a.s32max = Math.min(a.s32max, b.s32max);
        b.s32min = Math.max(a.s32min, b.s32min);
      } else {
        a.smax = min(a.smax, b.smax);
        b.smin = max(a.smin, b.smin);
      }
      break;
    case J.JSLT:
      if (w32) {
        a.s32max = Math.min(a.s32max, s32(b.s32max - 1));
        b.s32min = Math.max(s32(a.s32min + 1), b.s32min);
      } else {
        a.smax = min(a.smax, s64(b.smax - 1n));
        b.smin = max(s64(a.smin + 1n), b.smin);
      }
      break;
    default:
  }
}

/** After refine(): resynchronise and apply the kernel's sanity rule. */
export function settle(s: Scalar): void {
  sync(s);
  sanity(s);
}

/** tnum_in(): every value `b` stands for is one of `a`'s. */
export const tnumIn = (a: Tnum, b: Tnum): boolean => (b.m & ~a.m) === 0n && a.v === (b.v & ~a.m);

/** The kernel's range_within() && tnum_in() (regsafe of a precise scalar): `cur` stands for a subset of `old`'s values. */
export function within(old: Scalar, cur: Scalar): boolean {
  return old.umin <= cur.umin && cur.umax <= old.umax && old.smin <= cur.smin && cur.smax <= old.smax
    && old.u32min <= cur.u32min && cur.u32max <= old.u32max && old.s32min <= cur.s32min && cur.s32max <= old.s32max
    && tnumIn(old.t, cur.t);
}

/** Kernel get_reg_width(): bits needed for the largest unsigned value. */
export const regWidth = (s: Scalar): number => fls64(s.umax);

const keys = new WeakMap<Scalar, string>();
/** A compact, exact key for state comparison (cached: a Scalar held by a register is never changed again). */
export function scalarKey(s: Scalar): string {
  let k = keys.get(s);
  if (k === undefined) {
    k = s.t.m === 0n && isExactConst(s) ? `#${s.t.v.toString(16)}`
      : `${s.t.v.toString(16)}/${s.t.m.toString(16)}:${s.umin.toString(16)},${s.umax.toString(16)},${s.smin.toString(16)},`
        + `${s.smax.toString(16)},${s.u32min},${s.u32max},${s.s32min},${s.s32max}`;
    keys.set(s, k);
  }
  return k;
}
