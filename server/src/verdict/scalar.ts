// What the kernel verifier knows about a number: a tnum (known bits) plus unsigned/signed bounds in 64 and 32 bits,
// with the same arithmetic, the same bound deduction and the same branch rules as kernel/bpf/verifier.c and tnum.c.
//
// Reachability is decided by these rules, so they follow the kernel's, imprecision included: where the kernel loses
// a value (a division, a narrowing stack fill), so do we, and where it keeps one (a 4-byte spill at an 8-byte aligned
// slot, a [-1, 0] value split in two by AND/OR) we keep it too. The behaviours that differ between kernel versions
// were checked against the verifier of Linux 6.18 (server/test/verdict/semantics.test.ts loads probes into it).
//
// Numbers, not BigInt (issue 16): every 64-bit quantity (the tnum's value and mask, the u64/s64 bounds) is held as two
// 32-bit halves, each stored as a signed 32-bit integer (`x | 0`), so V8 keeps them unboxed in the object and an
// operation allocates nothing but its result. BigInt arithmetic allocated a heap number per operation: the verdict
// walk of tracee's object spent ~15% of its time in sync/deduce and ~20% in garbage collection. Signed bounds are
// held as their two's complement bits. The rules are the BigInt version's, operation for operation: the test
// verdict/scalar.test.ts runs every exported operation on random and edge values against that version
// (test/verdict/scalarBigint.ts). Multiplication, which needs 128-bit products, still goes through BigInt (rare).

const S32_MIN = -0x80000000;
const S32_MAX = 0x7fffffff;
const U32_MAX = 0xffffffff;
const TWO32 = 4294967296;

/** The 64-bit limits and wraps as BigInt, for the callers that still hold a 64-bit value as one (rare paths). */
export const U64_MAX = (1n << 64n) - 1n;
export const S64_MIN = -(1n << 63n);
export const S64_MAX = (1n << 63n) - 1n;
export const u64 = (x: bigint): bigint => BigInt.asUintN(64, x);
export const s64 = (x: bigint): bigint => BigInt.asIntN(64, x);
const u32 = (x: number): number => x >>> 0;
const s32 = (x: number): number => x | 0;

/**
 * The numeric part of a register: its tnum (kernel: var_off, known where the mask bit is 0) and bounds (kernel:
 * {u,s}{min,max}_value, {u,s}32_{min,max}_value). 64-bit fields in halves H (bits 63-32) and L (bits 31-0), each as
 * `x | 0`; u32min/u32max as unsigned numbers, s32min/s32max as signed ones.
 */
export class Scalar {
  constructor(
    public vH: number, public vL: number, public mH: number, public mL: number,
    public uminH: number, public uminL: number, public umaxH: number, public umaxL: number,
    public sminH: number, public sminL: number, public smaxH: number, public smaxL: number,
    public u32min: number, public u32max: number, public s32min: number, public s32max: number,
  ) {}
}

// ---- 64-bit pairs ------------------------------------------------------------------------------------------------
// Results of the pair helpers (module registers, so no pair is allocated).
let RH = 0;
let RL = 0;

/** Unsigned a < b. */
const ult = (ah: number, al: number, bh: number, bl: number): boolean => (ah !== bh ? (ah >>> 0) < (bh >>> 0) : (al >>> 0) < (bl >>> 0));
/** Signed a < b. */
const slt = (ah: number, al: number, bh: number, bl: number): boolean => (ah !== bh ? ah < bh : (al >>> 0) < (bl >>> 0));
/** a + b (mod 2^64) into RH/RL; returns the unsigned carry out. */
function add(ah: number, al: number, bh: number, bl: number): boolean {
  const lo = (al >>> 0) + (bl >>> 0);
  const hi = (ah >>> 0) + (bh >>> 0) + (lo > U32_MAX ? 1 : 0);
  RL = lo | 0;
  RH = hi | 0;
  return hi > U32_MAX;
}
/** a - b (mod 2^64) into RH/RL; returns the unsigned borrow (a < b). */
function sub(ah: number, al: number, bh: number, bl: number): boolean {
  const lo = (al >>> 0) - (bl >>> 0);
  const hi = (ah >>> 0) - (bh >>> 0) - (lo < 0 ? 1 : 0);
  RL = lo | 0;
  RH = hi | 0;
  return hi < 0;
}
/** a << n (0 <= n < 64) into RH/RL. */
function shl(h: number, l: number, n: number): void {
  if (n === 0) { RH = h; RL = l; } else if (n < 32) { RH = (h << n) | (l >>> (32 - n)); RL = l << n; } else { RH = l << (n - 32); RL = 0; }
}
/** a >> n, logical (0 <= n < 64), into RH/RL. */
function shr(h: number, l: number, n: number): void {
  if (n === 0) { RH = h; RL = l; } else if (n < 32) { RL = ((l >>> n) | (h << (32 - n))) | 0; RH = (h >>> n) | 0; } else { RL = (h >>> (n - 32)) | 0; RH = 0; }
}
/** a >> n, arithmetic (0 <= n < 64), into RH/RL. */
function sar(h: number, l: number, n: number): void {
  if (n === 0) { RH = h; RL = l; } else if (n < 32) { RL = ((l >>> n) | (h << (32 - n))) | 0; RH = h >> n; } else { RL = h >> (n - 32); RH = h >> 31; }
}
/** The 64-bit bits of a pair as an unsigned BigInt. */
const big = (h: number, l: number): bigint => (BigInt(h >>> 0) << 32n) | BigInt(l >>> 0);
/** A BigInt's low 64 bits into RH/RL. */
function fromBig(v: bigint): void {
  RH = Number(BigInt.asIntN(32, v >> 32n));
  RL = Number(BigInt.asIntN(32, v));
}
/** The kernel's fls64: the index of the highest set bit, plus one (0 for 0). */
const fls64 = (h: number, l: number): number => (h ? 64 - Math.clz32(h) : 32 - Math.clz32(l));

// ---- tnums ---------------------------------------------------------------------------------------------------------
// A tnum result goes to TVH/TVL (value) and TMH/TML (mask).
let TVH = 0;
let TVL = 0;
let TMH = 0;
let TML = 0;

/** tnum_range(min, max). */
function range(minH: number, minL: number, maxH: number, maxL: number): void {
  const bits = fls64(minH ^ maxH, minL ^ maxL);
  if (bits > 63) {
    TVH = 0; TVL = 0; TMH = -1; TML = -1;
    return;
  }
  const dH = bits >= 32 ? ((1 << (bits - 32)) - 1) | 0 : 0;
  const dL = bits >= 32 ? -1 : ((1 << bits) - 1) | 0;
  TVH = minH & ~dH; TVL = minL & ~dL; TMH = dH; TML = dL;
}
/** tnum_add. */
function tadd(avH: number, avL: number, amH: number, amL: number, bvH: number, bvL: number, bmH: number, bmL: number): void {
  add(amH, amL, bmH, bmL);
  const smH = RH; const smL = RL;
  add(avH, avL, bvH, bvL);
  const svH = RH; const svL = RL;
  add(smH, smL, svH, svL);
  const muH = (RH ^ svH) | amH | bmH;
  const muL = (RL ^ svL) | amL | bmL;
  TVH = svH & ~muH; TVL = svL & ~muL; TMH = muH; TML = muL;
}
/** tnum_sub. */
function tsub(avH: number, avL: number, amH: number, amL: number, bvH: number, bvL: number, bmH: number, bmL: number): void {
  sub(avH, avL, bvH, bvL);
  const dvH = RH; const dvL = RL;
  add(dvH, dvL, amH, amL);
  const alH = RH; const alL = RL;
  sub(dvH, dvL, bmH, bmL);
  const muH = (alH ^ RH) | amH | bmH;
  const muL = (alL ^ RL) | amL | bmL;
  TVH = dvH & ~muH; TVL = dvL & ~muL; TMH = muH; TML = muL;
}
/** tnum_mul (through BigInt: it needs the kernel's shift-and-add over 64 bits). */
function tmul(avH: number, avL: number, amH: number, amL: number, bvH: number, bvL: number, bmH: number, bmL: number): void {
  const M64 = U64_MAX;
  const av = big(avH, avL); const am = big(amH, amL); const bv = big(bvH, bvL); const bm = big(bmH, bmL);
  let v: bigint;
  let m: bigint;
  if (am === 0n && bm === 0n) {
    v = (av * bv) & M64; m = 0n;
  } else {
    const tadd1 = (x: { v: bigint; m: bigint }, bmask: bigint): { v: bigint; m: bigint } => {
      const sm = (x.m + bmask) & M64;
      const sv = x.v;
      const sigma = (sm + sv) & M64;
      const mu = (sigma ^ sv) | x.m | bmask;
      return { v: sv & ~mu & M64, m: mu };
    };
    const hma = (acc: { v: bigint; m: bigint }, value: bigint, mask: bigint): { v: bigint; m: bigint } => {
      while (mask) {
        if (mask & 1n) acc = tadd1(acc, value);
        mask >>= 1n;
        value = (value << 1n) & M64;
      }
      return acc;
    };
    const acc = hma({ v: (av * bv) & M64, m: 0n }, am, bm | bv);
    const r = hma(acc, bm, av);
    v = r.v; m = r.m;
  }
  fromBig(v); TVH = RH; TVL = RL;
  fromBig(m); TMH = RH; TML = RL;
}
/** Byte swap of the low `bytes` bytes of a 32-bit half (as `x | 0`). */
function bswap32(x: number, bytes: number): number {
  if (bytes === 2) return ((x & 0xff) << 8) | ((x >>> 8) & 0xff);
  return ((x & 0xff) << 24) | ((x & 0xff00) << 8) | ((x >>> 8) & 0xff00) | ((x >>> 24) & 0xff);
}
/** The tnum's value as an unsigned BigInt. */
export const tnumValue = (s: Scalar): bigint => big(s.vH, s.vL);

// ---- values --------------------------------------------------------------------------------------------------------

function makeKnown(h: number, l: number): Scalar {
  return new Scalar(h, l, 0, 0, h, l, h, l, h, l, h, l, l >>> 0, l >>> 0, l, l);
}
const knownCache = new Map<number, Scalar>();
/** A known value from its halves (`| 0`). Callers never modify the returned object (clone() before changing). */
export function knownHL(h: number, l: number): Scalar {
  // the key h * 2^32 + unsigned l is exact (and distinct) for |h| < 2^20: the constants of real programs
  if (h <= -0x100000 || h >= 0x100000) return makeKnown(h, l);
  const key = h * TWO32 + (l >>> 0);
  let k = knownCache.get(key);
  if (!k) {
    k = makeKnown(h, l);
    if (knownCache.size >= 65536) knownCache.clear();
    knownCache.set(key, k);
  }
  return k;
}
/** A known value (its low 64 bits). Callers never modify the returned object (clone() before changing), so values are shared. */
export function known(v: bigint): Scalar {
  fromBig(v);
  return knownHL(RH, RL);
}
/** A known value from a whole JS number (|x| < 2^53: an immediate, an offset, a delta). */
export const knownNum = (x: number): Scalar => knownHL(Math.floor(x / TWO32) | 0, x | 0);
/** Any number (a fresh object: callers may change it). */
export function unknown(): Scalar {
  return new Scalar(0, 0, -1, -1, 0, 0, -1, -1, S32_MIN, 0, S32_MAX, -1, 0, U32_MAX, S32_MIN, S32_MAX);
}
/** A copy to change (registers share their Scalars). */
export const clone = (s: Scalar): Scalar => new Scalar(s.vH, s.vL, s.mH, s.mL, s.uminH, s.uminL, s.umaxH, s.umaxL,
  s.sminH, s.sminL, s.smaxH, s.smaxL, s.u32min, s.u32max, s.s32min, s.s32max);
/** Every field of `s` into `d`. */
export function assign(d: Scalar, s: Scalar): void {
  d.vH = s.vH; d.vL = s.vL; d.mH = s.mH; d.mL = s.mL;
  d.uminH = s.uminH; d.uminL = s.uminL; d.umaxH = s.umaxH; d.umaxL = s.umaxL;
  d.sminH = s.sminH; d.sminL = s.sminL; d.smaxH = s.smaxH; d.smaxL = s.smaxL;
  d.u32min = s.u32min; d.u32max = s.u32max; d.s32min = s.s32min; d.s32max = s.s32max;
}
/** Every field equal (the kernel's memcmp of two scalar states). */
export const same = (a: Scalar, b: Scalar): boolean => a === b || (a.vH === b.vH && a.vL === b.vL && a.mH === b.mH
  && a.mL === b.mL && a.uminH === b.uminH && a.uminL === b.uminL && a.umaxH === b.umaxH && a.umaxL === b.umaxL
  && a.sminH === b.sminH && a.sminL === b.sminL && a.smaxH === b.smaxH && a.smaxL === b.smaxL && a.u32min === b.u32min
  && a.u32max === b.u32max && a.s32min === b.s32min && a.s32max === b.s32max);
/** Every bit known. */
export const isConst = (s: Scalar): boolean => (s.mH | s.mL) === 0;
/** Known to be 0 (64 bits). */
export const isZero = (s: Scalar): boolean => (s.mH | s.mL | s.vH | s.vL) === 0;
/** Constant value, as the kernel's reg_const_value (32-bit: the low half). */
export const constValue = (s: Scalar, w32: boolean): bigint => (w32 ? BigInt(s.vL >>> 0) : big(s.vH, s.vL));
/** Every bit known, of the low half only for a 32-bit operation. */
export const isConstW = (s: Scalar, w32: boolean): boolean => (w32 ? s.mL === 0 : (s.mH | s.mL) === 0);
/** The tnum's value as a signed number (Number(s64(value)): exact below 2^53, rounded to nearest above). */
export const constNum = (s: Scalar): number => s.vH * TWO32 + (s.vL >>> 0);
/** The tnum's value as an unsigned number (exact below 2^53). */
export const constUnsigned = (s: Scalar): number => (s.vH >>> 0) * TWO32 + (s.vL >>> 0);
/** smin, smax and umax as numbers (exact below 2^53, rounded to nearest above, as Number() of the BigInt). */
export const sminNum = (s: Scalar): number => s.sminH * TWO32 + (s.sminL >>> 0);
export const smaxNum = (s: Scalar): number => s.smaxH * TWO32 + (s.smaxL >>> 0);
export const umaxNum = (s: Scalar): number => (s.umaxH >>> 0) * TWO32 + (s.umaxL >>> 0);
/** umax as an unsigned BigInt. */
export const umaxBig = (s: Scalar): bigint => big(s.umaxH, s.umaxL);

/** [lo, hi] in all four bound pairs (0 <= lo <= hi < 2^31); the tnum is left for the caller. */
export function setSmallRange(s: Scalar, lo: number, hi: number): void {
  s.uminH = 0; s.uminL = lo; s.umaxH = 0; s.umaxL = hi;
  s.sminH = 0; s.sminL = lo; s.smaxH = 0; s.smaxL = hi;
  s.u32min = lo; s.u32max = hi; s.s32min = lo; s.s32max = hi;
}
/** A number in [lo, hi] (0 <= lo <= hi < 2^31): bounds, the tnum of the range, synced (a .kconfig range). */
export function smallRange(lo: number, hi: number): Scalar {
  const s = unknown();
  setSmallRange(s, lo, hi);
  range(0, lo, 0, hi);
  s.vH = TVH; s.vL = TVL; s.mH = TMH; s.mL = TML;
  sync(s);
  return s;
}
/**
 * A helper's return bounded by another number's umax (the kernel's msize_max_value): smax is that umax, s32max its low
 * half, smin and s32min -4095, settled. A umax of 2^63 or more (no s64) leaves smax at S64_MAX: sync then takes the
 * bound from the tnum, as the kernel's min with the tnum's bound would.
 */
export function boundedReturn(bound: Scalar): Scalar {
  const s = unknown();
  if (bound.umaxH >= 0) { s.smaxH = bound.umaxH; s.smaxL = bound.umaxL; }
  s.s32max = bound.umaxL | 0;
  s.sminH = -1; s.sminL = -4095; s.s32min = -4095;
  settle(s);
  return s;
}

function unbound64(s: Scalar): void {
  s.sminH = S32_MIN; s.sminL = 0; s.smaxH = S32_MAX; s.smaxL = -1; s.uminH = 0; s.uminL = 0; s.umaxH = -1; s.umaxL = -1;
}
function unbound32(s: Scalar): void {
  s.s32min = S32_MIN; s.s32max = S32_MAX; s.u32min = 0; s.u32max = U32_MAX;
}
/** The low half known as `l`, the high half's tnum kept (kernel: tnum_const_subreg + the 32-bit bounds). */
function markKnown32(s: Scalar, l: number): void {
  s.mH &= ~s.vH;
  s.vL = l | 0; s.mL = 0;
  s.s32min = l | 0; s.s32max = l | 0; s.u32min = l >>> 0; s.u32max = l >>> 0;
}
function setKnown(s: Scalar, h: number, l: number): void {
  assign(s, knownHL(h, l));
}

function updateBounds32(s: Scalar): void {
  const v = s.vL >>> 0;
  const m = s.mL >>> 0;
  s.s32min = Math.max(s.s32min, s32(v | (m & 0x80000000)));
  s.s32max = Math.min(s.s32max, s32(v | (m & 0x7fffffff)));
  s.u32min = Math.max(s.u32min, u32(v));
  s.u32max = Math.min(s.u32max, u32(v | m));
}
function updateBounds64(s: Scalar): void {
  const vH = s.vH; const vL = s.vL; const mH = s.mH; const mL = s.mL;
  const aH = vH | (mH & S32_MIN);
  const bH = vH | (mH & S32_MAX);
  const bL = vL | mL;
  if (slt(s.sminH, s.sminL, aH, vL)) { s.sminH = aH; s.sminL = vL; }
  if (slt(bH, bL, s.smaxH, s.smaxL)) { s.smaxH = bH; s.smaxL = bL; }
  if (ult(s.uminH, s.uminL, vH, vL)) { s.uminH = vH; s.uminL = vL; }
  const oH = vH | mH;
  if (ult(oH, bL, s.umaxH, s.umaxL)) { s.umaxH = oH; s.umaxL = bL; }
}
function updateBounds(s: Scalar): void {
  updateBounds32(s);
  updateBounds64(s);
}

function deduce32(s: Scalar): void {
  const uminHi = s.uminH >>> 0;
  const umaxHi = s.umaxH >>> 0;
  const sminHi = s.sminH >>> 0;
  const smaxHi = s.smaxH >>> 0;
  const uminLo = s.uminL >>> 0;
  const umaxLo = s.umaxL >>> 0;
  const sminLo = s.sminL >>> 0;
  const smaxLo = s.smaxL >>> 0;
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
  if (!slt(s.umaxH, s.umaxL, s.uminH, s.uminL)) {
    // s64(umin) <= s64(umax)
    if (slt(s.sminH, s.sminL, s.uminH, s.uminL)) { s.sminH = s.uminH; s.sminL = s.uminL; }
    if (slt(s.umaxH, s.umaxL, s.smaxH, s.smaxL)) { s.smaxH = s.umaxH; s.smaxL = s.umaxL; }
  }
  if (!ult(s.smaxH, s.smaxL, s.sminH, s.sminL)) {
    // u64(smin) <= u64(smax)
    if (ult(s.uminH, s.uminL, s.sminH, s.sminL)) { s.uminH = s.sminH; s.uminL = s.sminL; }
    if (ult(s.smaxH, s.smaxL, s.umaxH, s.umaxL)) { s.umaxH = s.smaxH; s.umaxL = s.smaxL; }
  } else if (ult(s.umaxH, s.umaxL, s.sminH, s.sminL)) {
    // The u64 range overlaps only the non-negative part of the s64 range.
    s.sminH = s.uminH; s.sminL = s.uminL;
    if (ult(s.smaxH, s.smaxL, s.umaxH, s.umaxL)) { s.umaxH = s.smaxH; s.umaxL = s.smaxL; }
  } else if (ult(s.smaxH, s.smaxL, s.uminH, s.uminL)) {
    // ... or only its negative part.
    s.smaxH = s.umaxH; s.smaxL = s.umaxL;
    if (ult(s.uminH, s.uminL, s.sminH, s.sminL)) { s.uminH = s.sminH; s.uminL = s.sminL; }
  }
}
function deduceMixed(s: Scalar): void {
  const lo = s.u32min | 0;
  const hi = s.u32max | 0;
  if (ult(s.uminH, s.uminL, s.uminH, lo)) s.uminL = lo;
  if (ult(s.umaxH, hi, s.umaxH, s.umaxL)) s.umaxL = hi;
  if (slt(s.sminH, s.sminL, s.sminH, lo)) s.sminL = lo;
  if (slt(s.smaxH, hi, s.smaxH, s.smaxL)) s.smaxL = hi;
  // smin >= S32_MIN && smax <= S32_MAX
  if (s.s32min >= 0 && (s.sminH >= 0 || (s.sminH === -1 && s.sminL < 0)) && (s.smaxH < 0 || (s.smaxH === 0 && s.smaxL >= 0))) {
    const minH = s.s32min >> 31;
    const maxH = s.s32max >> 31;
    s.sminH = minH; s.sminL = s.s32min; s.smaxH = maxH; s.smaxL = s.s32max;
    s.uminH = minH; s.uminL = s.s32min; s.umaxH = maxH; s.umaxL = s.s32max;
    range(minH, s.s32min, maxH, s.s32max);
    const vH = s.vH | TVH; const vL = s.vL | TVL;
    s.mH &= TMH; s.mL &= TML;
    s.vH = vH & ~s.mH; s.vL = vL & ~s.mL;
  }
}
function deduce(s: Scalar): void {
  deduce32(s);
  deduce64(s);
  deduceMixed(s);
}
function boundOffset(s: Scalar): void {
  // t64 = var_off ∩ range(umin, umax); t32 = subreg(t64) ∩ range(u32min, u32max); var_off = clear_subreg(t64) | t32
  range(s.uminH, s.uminL, s.umaxH, s.umaxL);
  let vH = s.vH | TVH; let vL = s.vL | TVL;
  let mH = s.mH & TMH; let mL = s.mL & TML;
  vH &= ~mH; vL &= ~mL;
  range(0, s.u32min | 0, 0, s.u32max | 0);
  vL |= TVL;
  mL &= TML;
  vL &= ~mL;
  s.vH = vH; s.vL = vL; s.mH = mH & ~vH; s.mL = mL & ~vL;
}
/** kernel reg_bounds_sync(): learn bounds from bits and bits from bounds. */
export function sync(s: Scalar): void {
  // Fast paths (the result of the full computation, without it): a consistent constant, a fully unknown value.
  if ((s.mH | s.mL) === 0) {
    const vH = s.vH; const vL = s.vL;
    if (s.uminH === vH && s.uminL === vL && s.umaxH === vH && s.umaxL === vL && s.sminH === vH && s.sminL === vL
      && s.smaxH === vH && s.smaxL === vL && s.u32min === vL >>> 0 && s.u32max === s.u32min && s.s32min === (vL | 0)
      && s.s32max === s.s32min) return;
  } else if ((s.mH & s.mL) === -1 && (s.vH | s.vL | s.uminH | s.uminL) === 0 && (s.umaxH & s.umaxL) === -1
    && s.sminH === S32_MIN && s.sminL === 0 && s.smaxH === S32_MAX && s.smaxL === -1
    && s.u32min === 0 && s.u32max === U32_MAX && s.s32min === S32_MIN && s.s32max === S32_MAX) {
    return;
  }
  updateBounds(s);
  // deduce() is a function of the fields it rewrites: once a round changes none, the kernel's further rounds do not
  // either, and are skipped
  for (let round = 0; round < 3; round++) {
    const { vH, vL, mH, mL, uminH, uminL, umaxH, umaxL, sminH, sminL, smaxH, smaxL, u32min, u32max, s32min, s32max } = s;
    deduce(s);
    if (s.vH === vH && s.vL === vL && s.mH === mH && s.mL === mL && s.uminH === uminH && s.uminL === uminL
      && s.umaxH === umaxH && s.umaxL === umaxL && s.sminH === sminH && s.sminL === sminL && s.smaxH === smaxH
      && s.smaxL === smaxL && s.u32min === u32min && s.u32max === u32max && s.s32min === s32min && s.s32max === s32max) break;
  }
  boundOffset(s);
  updateBounds(s);
}
/** True when the bounds contradict each other: the kernel treats such a register as unbounded (sanity check). */
export function insane(s: Scalar): boolean {
  if (ult(s.umaxH, s.umaxL, s.uminH, s.uminL) || slt(s.smaxH, s.smaxL, s.sminH, s.sminL) || s.u32min > s.u32max
    || s.s32min > s.s32max) return true;
  if ((s.mH | s.mL) === 0 && (s.uminH !== s.vH || s.uminL !== s.vL || s.umaxH !== s.vH || s.umaxL !== s.vL
    || s.sminH !== s.vH || s.sminL !== s.vL || s.smaxH !== s.vH || s.smaxL !== s.vL)) return true;
  if (s.mL === 0) {
    const lo = s.vL;
    if (s.u32min !== lo >>> 0 || s.u32max !== lo >>> 0 || s.s32min !== (lo | 0) || s.s32max !== (lo | 0)) return true;
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
  s.uminH = 0; s.uminL = s.u32min | 0;
  s.umaxH = 0; s.umaxL = s.u32max | 0;
  s.sminH = 0; s.smaxH = 0;
  if (s.s32min >= 0 && s.s32max >= 0) {
    s.sminL = s.s32min; s.smaxL = s.s32max;
  } else {
    s.sminL = 0; s.smaxL = -1;
  }
}
/** A 32-bit operation's result zero-extends into the 64-bit register. */
export function zext32(s: Scalar): void {
  s.vH = 0; s.mH = 0;
  assign32into64(s);
}

/** A b/h/w load or a 32-bit truncation: the kernel's coerce_reg_to_size() (size 1, 2, 4 or 8). */
export function coerce(s: Scalar, size: number): void {
  const maskH = size >= 8 ? -1 : 0;
  const maskL = size >= 4 ? -1 : (1 << (size * 8)) - 1;
  s.vH &= maskH; s.vL &= maskL; s.mH &= maskH; s.mL &= maskL;
  if ((s.uminH & ~maskH) === (s.umaxH & ~maskH) && (s.uminL & ~maskL) === (s.umaxL & ~maskL)) {
    s.uminH &= maskH; s.uminL &= maskL; s.umaxH &= maskH; s.umaxL &= maskL;
  } else {
    s.uminH = 0; s.uminL = 0; s.umaxH = maskH; s.umaxL = maskL;
  }
  s.sminH = s.uminH; s.sminL = s.uminL; s.smaxH = s.umaxH; s.smaxL = s.umaxL;
  if (size < 4) unbound32(s);
  sync(s);
}
/** The low `size` bytes of a half, sign-extended (size 1, 2 or 4). */
const sext = (l: number, size: number): number => (size === 1 ? (l << 24) >> 24 : size === 2 ? (l << 16) >> 16 : l | 0);
/** A sign-extending load or move of `size` bytes (1, 2 or 4; 8 changes nothing). */
export function coerceSx(s: Scalar, size: number): void {
  if (isConst(s)) {
    if (size >= 8) setKnown(s, s.vH, s.vL);
    else {
      const l = sext(s.vL, size);
      setKnown(s, l >> 31, l);
    }
    return;
  }
  assign(s, unknown());
  if (size < 8) {
    const half = 2 ** (size * 8 - 1);
    s.sminH = -1; s.sminL = -half | 0; s.smaxH = 0; s.smaxL = (half - 1) | 0;
  }
  sync(s);
}
/** A 32-bit sign-extending move (`w1 = (s8)w2`). */
export function coerceSubregSx(s: Scalar, size: number): void {
  if (s.mL === 0) {
    assign(s, knownHL(0, sext(s.vL, size)));
    return;
  }
  assign(s, unknown());
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
  add(d.sminH, d.sminL, s.sminH, s.sminL);
  const minH = RH; const minL = RL;
  const minOv = ((d.sminH ^ minH) & (s.sminH ^ minH)) < 0;
  add(d.smaxH, d.smaxL, s.smaxH, s.smaxL);
  const maxOv = ((d.smaxH ^ RH) & (s.smaxH ^ RH)) < 0;
  if (minOv || maxOv) {
    d.sminH = S32_MIN; d.sminL = 0; d.smaxH = S32_MAX; d.smaxL = -1;
  } else {
    d.sminH = minH; d.sminL = minL; d.smaxH = RH; d.smaxL = RL;
  }
  const minO = add(d.uminH, d.uminL, s.uminH, s.uminL);
  const uminH = RH; const uminL = RL;
  const maxO = add(d.umaxH, d.umaxL, s.umaxH, s.umaxL);
  if (!minO && maxO) {
    d.uminH = 0; d.uminL = 0; d.umaxH = -1; d.umaxL = -1;
  } else {
    d.uminH = uminH; d.uminL = uminL; d.umaxH = RH; d.umaxL = RL;
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
  sub(d.sminH, d.sminL, s.smaxH, s.smaxL);
  const minH = RH; const minL = RL;
  const minOv = ((d.sminH ^ s.smaxH) & (d.sminH ^ minH)) < 0;
  sub(d.smaxH, d.smaxL, s.sminH, s.sminL);
  const maxOv = ((d.smaxH ^ s.sminH) & (d.smaxH ^ RH)) < 0;
  if (minOv || maxOv) {
    d.sminH = S32_MIN; d.sminL = 0; d.smaxH = S32_MAX; d.smaxL = -1;
  } else {
    d.sminH = minH; d.sminL = minL; d.smaxH = RH; d.smaxL = RL;
  }
  const minU = sub(d.uminH, d.uminL, s.umaxH, s.umaxL);
  const uminH = RH; const uminL = RL;
  const maxU = sub(d.umaxH, d.umaxL, s.uminH, s.uminL);
  if (minU && !maxU) {
    d.uminH = 0; d.uminL = 0; d.umaxH = -1; d.umaxL = -1;
  } else {
    d.uminH = uminH; d.uminL = uminL; d.umaxH = RH; d.umaxL = RL;
  }
}
function mul32(d: Scalar, s: Scalar): void {
  // products of two 32-bit values may exceed 2^53 and round, but only where they are far outside the 32-bit range
  const umax = d.u32max * s.u32max;
  const umin = d.u32min * s.u32min;
  if (umax > U32_MAX || umin > U32_MAX) {
    d.u32min = 0; d.u32max = U32_MAX;
  } else {
    d.u32min = umin; d.u32max = umax;
  }
  const p0 = d.s32min * s.s32min;
  const p1 = d.s32min * s.s32max;
  const p2 = d.s32max * s.s32min;
  const p3 = d.s32max * s.s32max;
  const lo = Math.min(p0, p1, p2, p3);
  const hi = Math.max(p0, p1, p2, p3);
  if (lo < S32_MIN || hi > S32_MAX) {
    d.s32min = S32_MIN; d.s32max = S32_MAX;
  } else {
    d.s32min = lo; d.s32max = hi;
  }
}
/** A pair's bits as a signed BigInt. */
const sbig = (h: number, l: number): bigint => (BigInt(h) << 32n) | BigInt(l >>> 0);
function mul64(d: Scalar, s: Scalar): void {
  // 128-bit products: BigInt (multiplications are rare in BPF programs)
  const umax = big(d.umaxH, d.umaxL) * big(s.umaxH, s.umaxL);
  const umin = big(d.uminH, d.uminL) * big(s.uminH, s.uminL);
  if (umax > U64_MAX || umin > U64_MAX) {
    d.uminH = 0; d.uminL = 0; d.umaxH = -1; d.umaxL = -1;
  } else {
    fromBig(umin); d.uminH = RH; d.uminL = RL;
    fromBig(umax); d.umaxH = RH; d.umaxL = RL;
  }
  const dmin = sbig(d.sminH, d.sminL); const dmax = sbig(d.smaxH, d.smaxL);
  const smin = sbig(s.sminH, s.sminL); const smax = sbig(s.smaxH, s.smaxL);
  const p = [dmin * smin, dmin * smax, dmax * smin, dmax * smax];
  if (p.some((x) => x !== s64(x))) {
    d.sminH = S32_MIN; d.sminL = 0; d.smaxH = S32_MAX; d.smaxL = -1;
  } else {
    fromBig(p.reduce((a, b) => (a < b ? a : b))); d.sminH = RH; d.sminL = RL;
    fromBig(p.reduce((a, b) => (a > b ? a : b))); d.smaxH = RH; d.smaxL = RL;
  }
}
/** The 32-bit signed bounds from the unsigned ones where they do not wrap (the ALU ops' common tail). */
function s32FromU32(d: Scalar): void {
  if (s32(d.u32min) <= s32(d.u32max)) {
    d.s32min = s32(d.u32min); d.s32max = s32(d.u32max);
  } else {
    d.s32min = S32_MIN; d.s32max = S32_MAX;
  }
}
/** The 64-bit signed bounds from the unsigned ones where they do not wrap. */
function s64FromU64(d: Scalar): void {
  if (!slt(d.umaxH, d.umaxL, d.uminH, d.uminL)) {
    d.sminH = d.uminH; d.sminL = d.uminL; d.smaxH = d.umaxH; d.smaxL = d.umaxL;
  } else {
    d.sminH = S32_MIN; d.sminL = 0; d.smaxH = S32_MAX; d.smaxL = -1;
  }
}
function and32(d: Scalar, s: Scalar): void {
  if (s.mL === 0 && d.mL === 0) {
    markKnown32(d, d.vL);
    return;
  }
  d.u32min = d.vL >>> 0;
  d.u32max = Math.min(d.u32max, s.u32max);
  s32FromU32(d);
}
function and64(d: Scalar, s: Scalar): void {
  if (isConst(s) && isConst(d)) {
    setKnown(d, d.vH, d.vL);
    return;
  }
  d.uminH = d.vH; d.uminL = d.vL;
  if (ult(s.umaxH, s.umaxL, d.umaxH, d.umaxL)) { d.umaxH = s.umaxH; d.umaxL = s.umaxL; }
  s64FromU64(d);
  updateBounds(d);
}
function or32(d: Scalar, s: Scalar): void {
  if (s.mL === 0 && d.mL === 0) {
    markKnown32(d, d.vL);
    return;
  }
  d.u32min = Math.max(d.u32min, s.u32min);
  d.u32max = (d.vL | d.mL) >>> 0;
  s32FromU32(d);
}
function or64(d: Scalar, s: Scalar): void {
  if (isConst(s) && isConst(d)) {
    setKnown(d, d.vH, d.vL);
    return;
  }
  if (ult(d.uminH, d.uminL, s.uminH, s.uminL)) { d.uminH = s.uminH; d.uminL = s.uminL; }
  d.umaxH = d.vH | d.mH; d.umaxL = d.vL | d.mL;
  s64FromU64(d);
  updateBounds(d);
}
function xor32(d: Scalar, s: Scalar): void {
  if (s.mL === 0 && d.mL === 0) {
    markKnown32(d, d.vL);
    return;
  }
  d.u32min = d.vL >>> 0;
  d.u32max = (d.vL | d.mL) >>> 0;
  s32FromU32(d);
}
function xor64(d: Scalar, s: Scalar): void {
  if (isConst(s) && isConst(d)) {
    setKnown(d, d.vH, d.vL);
    return;
  }
  d.uminH = d.vH; d.uminL = d.vL;
  d.umaxH = d.vH | d.mH; d.umaxL = d.vL | d.mL;
  s64FromU64(d);
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
  const vL = d.vL; const mL = d.mL;
  lsh32Bounds(d, s.u32min, s.u32max);
  const sh = s.u32min;
  d.vH = 0; d.mH = 0;
  d.vL = sh >= 32 ? 0 : vL << sh;
  d.mL = sh >= 32 ? 0 : mL << sh;
  unbound64(d);
  updateBounds32(d);
}
function lsh64(d: Scalar, s: Scalar): void {
  // the shift is a constant below 64 (alu() checks): its low half is the amount
  const umin = s.uminL >>> 0;
  const umax = s.umaxL >>> 0;
  if (umin === 32 && umax === 32) {
    d.smaxH = d.s32max; d.smaxL = 0;
    d.sminH = d.s32min; d.sminL = 0;
  } else {
    d.sminH = S32_MIN; d.sminL = 0; d.smaxH = S32_MAX; d.smaxL = -1;
  }
  shl(0, 1, 63 - umax);
  if (ult(RH, RL, d.umaxH, d.umaxL)) {
    d.uminH = 0; d.uminL = 0; d.umaxH = -1; d.umaxL = -1;
  } else {
    shl(d.uminH, d.uminL, umin); d.uminH = RH; d.uminL = RL;
    shl(d.umaxH, d.umaxL, umax); d.umaxH = RH; d.umaxL = RL;
  }
  lsh32Bounds(d, umin, umax);
  shl(d.vH, d.vL, umin); d.vH = RH; d.vL = RL;
  shl(d.mH, d.mL, umin); d.mH = RH; d.mL = RL;
  updateBounds(d);
}
function rsh32(d: Scalar, s: Scalar): void {
  const sh = s.u32min;
  d.s32min = S32_MIN; d.s32max = S32_MAX;
  d.vL = sh >= 32 ? 0 : (d.vL >>> sh) | 0;
  d.mL = sh >= 32 ? 0 : (d.mL >>> sh) | 0;
  d.vH = 0; d.mH = 0;
  d.u32min = d.u32min >>> s.u32max;
  d.u32max = d.u32max >>> s.u32min;
  unbound64(d);
  updateBounds32(d);
}
function rsh64(d: Scalar, s: Scalar): void {
  d.sminH = S32_MIN; d.sminL = 0; d.smaxH = S32_MAX; d.smaxL = -1;
  const umin = s.uminL >>> 0;
  const umax = s.umaxL >>> 0;
  shr(d.vH, d.vL, umin); d.vH = RH; d.vL = RL;
  shr(d.mH, d.mL, umin); d.mH = RH; d.mL = RL;
  shr(d.uminH, d.uminL, umax); d.uminH = RH; d.uminL = RL;
  shr(d.umaxH, d.umaxL, umin); d.umaxH = RH; d.umaxL = RL;
  unbound32(d);
  updateBounds(d);
}
function arsh32(d: Scalar, s: Scalar): void {
  const sh = s.u32min;
  d.s32min = d.s32min >> sh;
  d.s32max = d.s32max >> sh;
  d.vL = d.vL >> sh; d.mL = d.mL >> sh;
  d.vH = 0; d.mH = 0;
  d.u32min = 0; d.u32max = U32_MAX;
  unbound64(d);
  updateBounds32(d);
}
function arsh64(d: Scalar, s: Scalar): void {
  const sh = s.uminL >>> 0;
  sar(d.sminH, d.sminL, sh); d.sminH = RH; d.sminL = RL;
  sar(d.smaxH, d.smaxL, sh); d.smaxH = RH; d.smaxL = RL;
  sar(d.vH, d.vL, sh); d.vH = RH; d.vL = RL;
  sar(d.mH, d.mL, sh); d.mH = RH; d.mL = RL;
  d.uminH = 0; d.uminL = 0; d.umaxH = -1; d.umaxL = -1;
  unbound32(d);
  updateBounds(d);
}

/** ALU operation codes this module understands (the BPF_OP field). */
export const OP = {
  ADD: 0x00, SUB: 0x10, MUL: 0x20, DIV: 0x30, OR: 0x40, AND: 0x50, LSH: 0x60, RSH: 0x70, NEG: 0x80, MOD: 0x90,
  XOR: 0xa0, ARSH: 0xc0, END: 0xd0,
} as const;

/**
 * The kernel's adjust_scalar_min_max_vals() for two scalars: `d` is updated in place. Where the result cannot be
 * computed (shift by an unknown or too large amount, division, modulo) the kernel marks it unknown, and so does this.
 */
export function alu(d: Scalar, src: Scalar, opcode: number, alu32: boolean, endImm = 0, endSwap = false): void {
  const bits = alu32 ? 32 : 64;
  if ((d.mH | d.mL | src.mH | src.mL) === 0 && opcode !== OP.END && isExactConst(d) && isExactConst(src)) {
    // Two constants: every rule of the kernel yields the exact result (tnum arithmetic on known bits is exact).
    if (constOp(d.vH, d.vL, src.vH, src.vL, opcode, alu32)) {
      assign(d, knownHL(RH, RL));
      return;
    }
  }
  const srcConst = alu32 ? src.mL === 0 && src.s32min === src.s32max && src.u32min === src.u32max
    : (src.mH | src.mL) === 0 && src.sminH === src.smaxH && src.sminL === src.smaxL && src.uminH === src.umaxH
      && src.uminL === src.umaxL;
  switch (opcode) {
    case OP.ADD: case OP.SUB: case OP.NEG: case OP.AND: case OP.OR: case OP.XOR: case OP.MUL: case OP.END:
      break;
    case OP.LSH: case OP.RSH: case OP.ARSH:
      // An unknown shift amount: the kernel marks the result unknown, before (so without) zero-extension.
      if (!(srcConst && (alu32 ? src.u32max < bits : src.umaxH === 0 && (src.umaxL >>> 0) < bits))) {
        assign(d, unknown());
        return;
      }
      break;
    default:
      // Linux 6.18 computes no range for division and modulo (checked by the semantics probes).
      assign(d, unknown());
      return;
  }
  switch (opcode) {
    case OP.ADD:
      add32(d, src); add64(d, src);
      tadd(d.vH, d.vL, d.mH, d.mL, src.vH, src.vL, src.mH, src.mL);
      d.vH = TVH; d.vL = TVL; d.mH = TMH; d.mL = TML;
      break;
    case OP.SUB:
      sub32(d, src); sub64(d, src);
      tsub(d.vH, d.vL, d.mH, d.mL, src.vH, src.vL, src.mH, src.mL);
      d.vH = TVH; d.vL = TVL; d.mH = TMH; d.mL = TML;
      break;
    case OP.NEG: {
      const o = clone(d);
      setKnown(d, 0, 0);
      sub32(d, o); sub64(d, o);
      tsub(0, 0, 0, 0, o.vH, o.vL, o.mH, o.mL);
      d.vH = TVH; d.vL = TVL; d.mH = TMH; d.mL = TML;
      break;
    }
    case OP.MUL:
      tmul(d.vH, d.vL, d.mH, d.mL, src.vH, src.vL, src.mH, src.mL);
      d.vH = TVH; d.vL = TVL; d.mH = TMH; d.mL = TML;
      mul32(d, src); mul64(d, src);
      break;
    case OP.AND: {
      const vH = d.vH & src.vH; const vL = d.vL & src.vL;
      d.mH = (d.vH | d.mH) & (src.vH | src.mH) & ~vH;
      d.mL = (d.vL | d.mL) & (src.vL | src.mL) & ~vL;
      d.vH = vH; d.vL = vL;
      and32(d, src); and64(d, src);
      break;
    }
    case OP.OR: {
      const vH = d.vH | src.vH; const vL = d.vL | src.vL;
      d.mH = (d.mH | src.mH) & ~vH; d.mL = (d.mL | src.mL) & ~vL;
      d.vH = vH; d.vL = vL;
      or32(d, src); or64(d, src);
      break;
    }
    case OP.XOR: {
      const mH = d.mH | src.mH; const mL = d.mL | src.mL;
      d.vH = (d.vH ^ src.vH) & ~mH; d.vL = (d.vL ^ src.vL) & ~mL;
      d.mH = mH; d.mL = mL;
      xor32(d, src); xor64(d, src);
      break;
    }
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
        const bytes = endImm / 8;
        if (bytes >= 8) {
          const vH = d.vH; const mH = d.mH;
          d.vH = bswap32(d.vL, 4); d.mH = bswap32(d.mL, 4);
          d.vL = bswap32(vH, 4); d.mL = bswap32(mH, 4);
        } else {
          const keep = bytes >= 4 ? -1 : (1 << (bytes * 8)) - 1;
          d.vL = bswap32(d.vL & keep, bytes); d.mL = bswap32(d.mL & keep, bytes);
          d.vH = 0; d.mH = 0;
        }
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

const isExactConst = (s: Scalar): boolean => s.uminH === s.vH && s.uminL === s.vL && s.umaxH === s.vH && s.umaxL === s.vL;

/** The result of an ALU operation on two constants into RH/RL; false where the kernel gives no constant. */
function constOp(aH: number, aL: number, bH: number, bL: number, opcode: number, alu32: boolean): boolean {
  if (alu32) {
    let r: number;
    switch (opcode) {
      case OP.ADD: r = aL + bL; break;
      case OP.SUB: r = aL - bL; break;
      case OP.MUL: r = Math.imul(aL, bL); break;
      case OP.AND: r = aL & bL; break;
      case OP.OR: r = aL | bL; break;
      case OP.XOR: r = aL ^ bL; break;
      case OP.NEG: r = -aL; break;
      case OP.LSH: if ((bL >>> 0) >= 32) return false; r = aL << bL; break;
      case OP.RSH: if ((bL >>> 0) >= 32) return false; r = aL >>> bL; break;
      case OP.ARSH: if ((bL >>> 0) >= 32) return false; r = aL >> bL; break;
      default: return false;
    }
    RH = 0;
    RL = r | 0;
    return true;
  }
  switch (opcode) {
    case OP.ADD: add(aH, aL, bH, bL); return true;
    case OP.SUB: sub(aH, aL, bH, bL); return true;
    case OP.MUL: fromBig(big(aH, aL) * big(bH, bL)); return true;
    case OP.AND: RH = aH & bH; RL = aL & bL; return true;
    case OP.OR: RH = aH | bH; RL = aL | bL; return true;
    case OP.XOR: RH = aH ^ bH; RL = aL ^ bL; return true;
    case OP.NEG: sub(0, 0, aH, aL); return true;
    case OP.LSH: if (bH !== 0 || (bL >>> 0) >= 64) return false; shl(aH, aL, bL); return true;
    case OP.RSH: if (bH !== 0 || (bL >>> 0) >= 64) return false; shr(aH, aL, bL); return true;
    case OP.ARSH: if (bH !== 0 || (bL >>> 0) >= 64) return false; sar(aH, aL, bL); return true;
    default: return false;
  }
}

/** A value in [-1, 0] (64-bit, or in its low half) that AND/OR with a constant would blur: the kernel explores 0 and -1 apart. */
export function forkable(d: Scalar): 'w64' | 'w32' | undefined {
  if (d.sminH === -1 && d.sminL === -1 && d.smaxH === 0 && d.smaxL === 0) return 'w64';
  if (d.s32min === -1 && d.s32max === 0) return 'w32';
  return undefined;
}
/** The two halves of a fork: the value known as 0 or as -1 (in its low 32 bits only for 'w32'). */
export function forkAs(d: Scalar, how: 'w64' | 'w32', v: 0 | -1): Scalar {
  const out = clone(d);
  if (how === 'w64') setKnown(out, v, v);
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
  return w32 ? branchTaken32(a, b, op, same) : branchTaken64(a, b, op, same);
}
function branchTaken32(a: Scalar, b: Scalar, op: number, same: boolean): number {
  const v1 = a.vL; const m1 = a.mL; const v2 = b.vL; const m2 = b.mL;
  const umin1 = a.u32min; const umax1 = a.u32max; const smin1 = a.s32min; const smax1 = a.s32max;
  const umin2 = b.u32min; const umax2 = b.u32max; const smin2 = b.s32min; const smax2 = b.s32max;
  if (same) {
    switch (op) {
      case J.JGE: case J.JLE: case J.JSGE: case J.JSLE: case J.JEQ: return 1;
      case J.JGT: case J.JLT: case J.JSGT: case J.JSLT: case J.JNE: return 0;
      case J.JSET:
        if (m1 === 0) return v1 !== 0 ? 1 : 0;
        return smin1 <= 0 && smax1 >= 0 ? -1 : 1;
      default: return -1;
    }
  }
  switch (op) {
    case J.JEQ: case J.JNE: {
      const eq = op === J.JEQ;
      if (m1 === 0 && m2 === 0) return (v1 === v2) === eq ? 1 : 0;
      const never = ((v1 ^ v2) & ~(m1 | m2)) !== 0 || umin1 > umax2 || umax1 < umin2 || smin1 > smax2 || smax1 < smin2;
      if (never) return eq ? 0 : 1;
      return -1;
    }
    case J.JSET: {
      let xv = v1; let xm = m1; let yv = v2; let ym = m2;
      if (ym !== 0) { xv = v2; xm = m2; yv = v1; ym = m1; }
      if (ym !== 0) return -1;
      if ((~xm & xv) & yv) return 1;
      if (!((xm | xv) & yv)) return 0;
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
function branchTaken64(a: Scalar, b: Scalar, op: number, same: boolean): number {
  if (same) {
    switch (op) {
      case J.JGE: case J.JLE: case J.JSGE: case J.JSLE: case J.JEQ: return 1;
      case J.JGT: case J.JLT: case J.JSGT: case J.JSLT: case J.JNE: return 0;
      case J.JSET:
        if ((a.mH | a.mL) === 0) return (a.vH | a.vL) !== 0 ? 1 : 0;
        // smin <= 0 && smax >= 0
        return !slt(0, 0, a.sminH, a.sminL) && !slt(a.smaxH, a.smaxL, 0, 0) ? -1 : 1;
      default: return -1;
    }
  }
  switch (op) {
    case J.JEQ: case J.JNE: {
      const eq = op === J.JEQ;
      if ((a.mH | a.mL | b.mH | b.mL) === 0) return (a.vH === b.vH && a.vL === b.vL) === eq ? 1 : 0;
      const never = ((a.vH ^ b.vH) & ~(a.mH | b.mH)) !== 0 || ((a.vL ^ b.vL) & ~(a.mL | b.mL)) !== 0
        || ult(b.umaxH, b.umaxL, a.uminH, a.uminL) || ult(a.umaxH, a.umaxL, b.uminH, b.uminL)
        || slt(b.smaxH, b.smaxL, a.sminH, a.sminL) || slt(a.smaxH, a.smaxL, b.sminH, b.sminL)
        || a.u32min > b.u32max || a.u32max < b.u32min || a.s32min > b.s32max || a.s32max < b.s32min;
      if (never) return eq ? 0 : 1;
      return -1;
    }
    case J.JSET: {
      let x = a;
      let y = b;
      if ((y.mH | y.mL) !== 0) { x = b; y = a; }
      if ((y.mH | y.mL) !== 0) return -1;
      if (((~x.mH & x.vH & y.vH) | (~x.mL & x.vL & y.vL)) !== 0) return 1;
      if ((((x.mH | x.vH) & y.vH) | ((x.mL | x.vL) & y.vL)) === 0) return 0;
      return -1;
    }
    case J.JGT:
      return ult(b.umaxH, b.umaxL, a.uminH, a.uminL) ? 1 : !ult(b.uminH, b.uminL, a.umaxH, a.umaxL) ? 0 : -1;
    case J.JSGT:
      return slt(b.smaxH, b.smaxL, a.sminH, a.sminL) ? 1 : !slt(b.sminH, b.sminL, a.smaxH, a.smaxL) ? 0 : -1;
    case J.JLT:
      return ult(a.umaxH, a.umaxL, b.uminH, b.uminL) ? 1 : !ult(a.uminH, a.uminL, b.umaxH, b.umaxL) ? 0 : -1;
    case J.JSLT:
      return slt(a.smaxH, a.smaxL, b.sminH, b.sminL) ? 1 : !slt(a.sminH, a.sminL, b.smaxH, b.smaxL) ? 0 : -1;
    case J.JGE:
      return !ult(a.uminH, a.uminL, b.umaxH, b.umaxL) ? 1 : ult(a.umaxH, a.umaxL, b.uminH, b.uminL) ? 0 : -1;
    case J.JSGE:
      return !slt(a.sminH, a.sminL, b.smaxH, b.smaxL) ? 1 : slt(a.smaxH, a.smaxL, b.sminH, b.sminL) ? 0 : -1;
    case J.JLE:
      return !ult(b.uminH, b.uminL, a.umaxH, a.umaxL) ? 1 : ult(b.umaxH, b.umaxL, a.uminH, a.uminL) ? 0 : -1;
    case J.JSLE:
      return !slt(b.sminH, b.sminL, a.smaxH, a.smaxL) ? 1 : slt(b.smaxH, b.smaxL, a.sminH, a.sminL) ? 0 : -1;
    default: return -1;
  }
}

/** The low half of `a`'s tnum replaced by (v, m) (kernel: tnum_with_subreg). */
function withSubreg(a: Scalar, v: number, m: number): void {
  a.mH &= ~a.vH;
  a.vL = v;
  a.mL = m & ~v;
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
        const m = a.mL & b.mL;
        const v = (a.vL | b.vL) & ~m;
        withSubreg(a, v, m);
        withSubreg(b, v, m);
      } else {
        if (ult(a.uminH, a.uminL, b.uminH, b.uminL)) { a.uminH = b.uminH; a.uminL = b.uminL; }
        if (ult(b.umaxH, b.umaxL, a.umaxH, a.umaxL)) { a.umaxH = b.umaxH; a.umaxL = b.umaxL; }
        if (slt(a.sminH, a.sminL, b.sminH, b.sminL)) { a.sminH = b.sminH; a.sminL = b.sminL; }
        if (slt(b.smaxH, b.smaxL, a.smaxH, a.smaxL)) { a.smaxH = b.smaxH; a.smaxL = b.smaxL; }
        b.uminH = a.uminH; b.uminL = a.uminL; b.umaxH = a.umaxH; b.umaxL = a.umaxL;
        b.sminH = a.sminH; b.sminL = a.sminL; b.smaxH = a.smaxH; b.smaxL = a.smaxL;
        const mH = a.mH & b.mH; const mL = a.mL & b.mL;
        a.vH = (a.vH | b.vH) & ~mH; a.vL = (a.vL | b.vL) & ~mL; a.mH = mH; a.mL = mL;
        b.vH = a.vH; b.vL = a.vL; b.mH = mH; b.mL = mL;
      }
      break;
    case J.JNE: {
      if (!isConstW(b, w32)) [a, b] = [b, a];
      if (!isConstW(b, w32)) break;
      if (w32) {
        const v = b.vL;
        if (a.u32min === v >>> 0) a.u32min = u32(a.u32min + 1);
        if (a.u32max === v >>> 0) a.u32max = u32(a.u32max - 1);
        if (a.s32min === (v | 0)) a.s32min = s32(a.s32min + 1);
        if (a.s32max === (v | 0)) a.s32max = s32(a.s32max - 1);
      } else {
        const vH = b.vH; const vL = b.vL;
        if (a.uminH === vH && a.uminL === vL) { add(vH, vL, 0, 1); a.uminH = RH; a.uminL = RL; }
        if (a.umaxH === vH && a.umaxL === vL) { sub(vH, vL, 0, 1); a.umaxH = RH; a.umaxL = RL; }
        if (a.sminH === vH && a.sminL === vL) { add(vH, vL, 0, 1); a.sminH = RH; a.sminL = RL; }
        if (a.smaxH === vH && a.smaxL === vL) { sub(vH, vL, 0, 1); a.smaxH = RH; a.smaxL = RL; }
      }
      break;
    }
    case J.JSET: {
      if (!isConstW(b, w32)) [a, b] = [b, a];
      if (!isConstW(b, w32)) break;
      const vH = w32 ? 0 : b.vH;
      const vL = b.vL;
      // a single bit set
      if (!(vH === 0 ? vL !== 0 && (vL & (vL - 1)) === 0 : vL === 0 && (vH & (vH - 1)) === 0)) break;
      if (w32) {
        const v = a.vL | vL;
        withSubreg(a, v, a.mL & ~v);
      } else {
        a.vH |= vH; a.vL |= vL;
        a.mH &= ~a.vH; a.mL &= ~a.vL;
      }
      break;
    }
    case J.JSET_NOT: {
      if (!isConstW(b, w32)) [a, b] = [b, a];
      if (!isConstW(b, w32)) break;
      const vH = w32 ? 0 : b.vH;
      const vL = b.vL;
      unbound64(a);
      unbound32(a);
      if (w32) {
        const v = a.vL & ~vL;
        withSubreg(a, v, (a.vL | a.mL) & ~vL & ~v);
      } else {
        const nH = a.vH & ~vH; const nL = a.vL & ~vL;
        a.mH = (a.vH | a.mH) & ~vH & ~nH; a.mL = (a.vL | a.mL) & ~vL & ~nL;
        a.vH = nH; a.vL = nL;
      }
      break;
    }
    case J.JLE:
      if (w32) {
        a.u32max = Math.min(a.u32max, b.u32max);
        b.u32min = Math.max(a.u32min, b.u32min);
      } else {
        if (ult(b.umaxH, b.umaxL, a.umaxH, a.umaxL)) { a.umaxH = b.umaxH; a.umaxL = b.umaxL; }
        if (ult(b.uminH, b.uminL, a.uminH, a.uminL)) { b.uminH = a.uminH; b.uminL = a.uminL; }
      }
      break;
    case J.JLT:
      if (w32) {
        a.u32max = Math.min(a.u32max, u32(b.u32max - 1));
        b.u32min = Math.max(u32(a.u32min + 1), b.u32min);
      } else {
        sub(b.umaxH, b.umaxL, 0, 1);
        if (ult(RH, RL, a.umaxH, a.umaxL)) { a.umaxH = RH; a.umaxL = RL; }
        add(a.uminH, a.uminL, 0, 1);
        if (ult(b.uminH, b.uminL, RH, RL)) { b.uminH = RH; b.uminL = RL; }
      }
      break;
    case J.JSLE:
      if (w32) {
        a.s32max = Math.min(a.s32max, b.s32max);
        b.s32min = Math.max(a.s32min, b.s32min);
      } else {
        if (slt(b.smaxH, b.smaxL, a.smaxH, a.smaxL)) { a.smaxH = b.smaxH; a.smaxL = b.smaxL; }
        if (slt(b.sminH, b.sminL, a.sminH, a.sminL)) { b.sminH = a.sminH; b.sminL = a.sminL; }
      }
      break;
    case J.JSLT:
      if (w32) {
        a.s32max = Math.min(a.s32max, s32(b.s32max - 1));
        b.s32min = Math.max(s32(a.s32min + 1), b.s32min);
      } else {
        sub(b.smaxH, b.smaxL, 0, 1);
        if (slt(RH, RL, a.smaxH, a.smaxL)) { a.smaxH = RH; a.smaxL = RL; }
        add(a.sminH, a.sminL, 0, 1);
        if (slt(b.sminH, b.sminL, RH, RL)) { b.sminH = RH; b.sminL = RL; }
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

/** The kernel's range_within() && tnum_in() (regsafe of a precise scalar): `cur` stands for a subset of `old`'s values. */
export function within(old: Scalar, cur: Scalar): boolean {
  return !ult(cur.uminH, cur.uminL, old.uminH, old.uminL) && !ult(old.umaxH, old.umaxL, cur.umaxH, cur.umaxL)
    && !slt(cur.sminH, cur.sminL, old.sminH, old.sminL) && !slt(old.smaxH, old.smaxL, cur.smaxH, cur.smaxL)
    && old.u32min <= cur.u32min && cur.u32max <= old.u32max && old.s32min <= cur.s32min && cur.s32max <= old.s32max
    // tnum_in(old, cur)
    && (cur.mH & ~old.mH) === 0 && (cur.mL & ~old.mL) === 0 && old.vH === (cur.vH & ~old.mH) && old.vL === (cur.vL & ~old.mL);
}

/** Kernel get_reg_width(): bits needed for the largest unsigned value. */
export const regWidth = (s: Scalar): number => fls64(s.umaxH, s.umaxL);

const keys = new WeakMap<Scalar, string>();
/** A compact, exact key for state comparison (cached: a Scalar held by a register is never changed again). */
export function scalarKey(s: Scalar): string {
  let k = keys.get(s);
  if (k === undefined) {
    k = (s.mH | s.mL) === 0 && isExactConst(s) ? `#${s.vH},${s.vL}`
      : `${s.vH},${s.vL}/${s.mH},${s.mL}:${s.uminH},${s.uminL},${s.umaxH},${s.umaxL},${s.sminH},${s.sminL},${s.smaxH},`
        + `${s.smaxL},${s.u32min},${s.u32max},${s.s32min},${s.s32max}`;
    keys.set(s, k);
  }
  return k;
}
