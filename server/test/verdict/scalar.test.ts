// The verdict walk's number domain (src/verdict/scalar.ts: 64-bit bounds and tnums as two 32-bit halves) against its
// BigInt version (scalarBigint.ts, the code the walk ran before issue 16): every exported operation, on edge values
// (0, ±1, the 32- and 64-bit signed and unsigned limits and their neighbours), random values and ranges built the
// way the walk builds them (branches on constants, masks, shifts, loads), must give the same bounds and tnum, the
// same branch decisions and the same subset answers. Seeded, so a failure replays; the reference's result is
// compared through u64/s64 (the BigInt version's fields are BigInts that some paths leave unnormalised; the count of
// such results is checked to be zero on the compared paths).

import * as assert from 'assert';
import * as N from '../../src/verdict/scalar';
import * as R from './scalarBigint';

const M64 = (1n << 64n) - 1n;
const hi = (x: bigint): number => Number(BigInt.asIntN(32, x >> 32n));
const lo = (x: bigint): number => Number(BigInt.asIntN(32, x));
const ubig = (h: number, l: number): bigint => (BigInt(h >>> 0) << 32n) | BigInt(l >>> 0);
const sbig = (h: number, l: number): bigint => BigInt.asIntN(64, ubig(h, l));

/** The reference's scalar in the number representation. */
function toN(r: R.Scalar): N.Scalar {
  const tv = R.u64(r.t.v); const tm = R.u64(r.t.m);
  const umin = R.u64(r.umin); const umax = R.u64(r.umax); const smin = R.u64(r.smin); const smax = R.u64(r.smax);
  return new N.Scalar(hi(tv), lo(tv), hi(tm), lo(tm), hi(umin), lo(umin), hi(umax), lo(umax), hi(smin), lo(smin),
    hi(smax), lo(smax), r.u32min, r.u32max, r.s32min, r.s32max);
}
let unnormalised = 0;
/** The reference's fields, normalised, as text (counting fields the reference left outside their range). */
function showR(r: R.Scalar): string {
  const inU = (x: bigint) => x >= 0n && x <= M64;
  const inS = (x: bigint) => x >= R.S64_MIN && x <= R.S64_MAX;
  if (!inU(r.t.v) || !inU(r.t.m) || !inU(r.umin) || !inU(r.umax) || !inS(r.smin) || !inS(r.smax)) unnormalised++;
  return [R.u64(r.t.v), R.u64(r.t.m), R.u64(r.umin), R.u64(r.umax), R.s64(r.smin), R.s64(r.smax), r.u32min, r.u32max,
    r.s32min, r.s32max].join(' ');
}
function showN(n: N.Scalar): string {
  for (const k of ['vH', 'vL', 'mH', 'mL', 'uminH', 'uminL', 'umaxH', 'umaxL', 'sminH', 'sminL', 'smaxH', 'smaxL', 's32min', 's32max'] as const) {
    assert.ok(Number.isInteger(n[k]) && n[k] === (n[k] | 0), `${k} = ${n[k]} is not an int32`);
  }
  assert.ok(Number.isInteger(n.u32min) && n.u32min === n.u32min >>> 0 && n.u32max === n.u32max >>> 0, 'u32 bounds');
  return [ubig(n.vH, n.vL), ubig(n.mH, n.mL), ubig(n.uminH, n.uminL), ubig(n.umaxH, n.umaxL), sbig(n.sminH, n.sminL),
    sbig(n.smaxH, n.smaxL), n.u32min, n.u32max, n.s32min, n.s32max].join(' ');
}

/** xorshift32, seeded: the same cases at every run. */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0;
    return x;
  };
}

const EDGES: bigint[] = (() => {
  const out = new Set<bigint>();
  for (const b of [0n, 1n, 7n, 8n, 15n, 16n, 31n, 32n, 63n, 64n]) for (const d of [-1n, 0n, 1n]) out.add(R.u64(b + d));
  for (const p of [7n, 8n, 15n, 16n, 31n, 32n, 33n, 52n, 53n, 63n, 64n]) {
    for (const d of [-2n, -1n, 0n, 1n]) {
      out.add(R.u64((1n << p) + d));
      out.add(R.u64(-(1n << p) + d));
    }
  }
  for (const v of [0x7fffffffn, 0x80000000n, 0xffffffffn, 0x100000000n, 0xffffffff81000000n, -4095n, 512n, 0xff00ff00n, 0x5555555555555555n]) out.add(R.u64(v));
  return [...out];
})();

/** A pool of reference scalars the walk could hold: constants, unknowns, ranges, and the results of operations on them. */
function pool(next: () => number, size: number): R.Scalar[] {
  const rand64 = (): bigint => {
    switch (next() % 4) {
      case 0: return EDGES[next() % EDGES.length]!;
      case 1: return BigInt(next() % 4096);
      case 2: return R.u64(-BigInt(next() % 4096));
      default: return (BigInt(next()) << 32n) | BigInt(next());
    }
  };
  const out: R.Scalar[] = [R.unknown()];
  for (let i = 0; i < 40; i++) out.push(R.known(rand64()));
  // ranges: an unknown number narrowed by branches on constants, as the walk narrows one
  const ops = [R.J.JLE, R.J.JLT, R.J.JGE, R.J.JGT, R.J.JSLE, R.J.JSLT, R.J.JSGE, R.J.JSGT, R.J.JNE, R.J.JEQ, R.J.JSET];
  while (out.length < size / 2) {
    const s = R.clone(out[next() % out.length]!);
    const k = R.known(rand64());
    const op = ops[next() % ops.length]!;
    const w32 = next() % 3 === 0;
    const kk = R.clone(k);
    R.refine(s, kk, next() % 2 ? op : R.revOp(op), w32);
    R.settle(s);
    out.push(s);
  }
  // ALU results
  const aluOps = [R.OP.ADD, R.OP.SUB, R.OP.MUL, R.OP.AND, R.OP.OR, R.OP.XOR, R.OP.LSH, R.OP.RSH, R.OP.ARSH, R.OP.NEG];
  while (out.length < size) {
    const d = R.clone(out[next() % out.length]!);
    const op = aluOps[next() % aluOps.length]!;
    const src = op === R.OP.LSH || op === R.OP.RSH || op === R.OP.ARSH ? R.known(BigInt(next() % 70)) : out[next() % out.length]!;
    R.alu(d, src, op, next() % 3 === 0);
    out.push(d);
    if (next() % 8 === 0) {
      const c = R.clone(d);
      R.coerce(c, [1, 2, 4][next() % 3]!);
      out.push(c);
    }
  }
  return out;
}

describe('verdict scalar domain: numbers against the BigInt version', function () {
  const next = rng(0x16c0de);
  const P = pool(next, 600);

  it('builds the same values (known, unknown, ranges, helpers)', () => {
    for (const v of EDGES) assert.strictEqual(showN(N.known(v)), showR(R.known(v)), `known ${v}`);
    for (const v of [0, 1, -1, 2 ** 31, -(2 ** 31), 2 ** 32, -(2 ** 32), 2 ** 53 - 1, -(2 ** 53 - 1), 123456789012]) {
      assert.strictEqual(showN(N.knownNum(v)), showR(R.known(BigInt(v))), `knownNum ${v}`);
    }
    assert.strictEqual(showN(N.unknown()), showR(R.unknown()));
    for (const s of P) {
      const n = toN(s);
      assert.strictEqual(N.constNum(n), Number(R.s64(s.t.v)));
      assert.strictEqual(N.sminNum(n), Number(s.smin));
      assert.strictEqual(N.smaxNum(n), Number(s.smax));
      assert.strictEqual(N.umaxNum(n), Number(s.umax));
      assert.strictEqual(N.regWidth(n), R.regWidth(s));
      assert.strictEqual(N.insane(n), R.insane(s));
      assert.strictEqual(N.forkable(n), R.forkable(s));
      // the helper-return rule of verify.ts (smax = the size's umax, smin = -4095), before as field writes
      const r = R.unknown();
      r.smax = s.umax; r.s32max = Number(BigInt.asIntN(32, s.umax));
      r.smin = -4095n; r.s32min = -4095;
      R.settle(r);
      assert.strictEqual(showN(N.boundedReturn(n)), showR(r), `boundedReturn ${showR(s)}`);
    }
    for (const [a, b] of [[0, 0], [0, 1], [3, 200], [0, 0x7fffffff], [1000, 1000]] as const) {
      const r = R.unknown();
      r.umin = BigInt(a); r.umax = BigInt(b); r.smin = BigInt(a); r.smax = BigInt(b);
      r.u32min = a; r.u32max = b; r.s32min = a; r.s32max = b;
      r.t = R.tnumRange(BigInt(a), BigInt(b));
      R.sync(r);
      assert.strictEqual(showN(N.smallRange(a, b)), showR(r), `smallRange ${a} ${b}`);
    }
  });

  it('computes every ALU operation (64 and 32 bits) as the BigInt version', () => {
    const ops = Object.values(R.OP);
    let cases = 0;
    for (let i = 0; i < 60000; i++) {
      const a = P[next() % P.length]!;
      const shiftSrc = next() % 2 === 0;
      const b = shiftSrc ? R.known(BigInt(next() % 70)) : P[next() % P.length]!;
      const op = ops[next() % ops.length]!;
      const w32 = next() % 2 === 0;
      const endImm = [16, 32, 64][next() % 3]!;
      const endSwap = next() % 2 === 0;
      const rd = R.clone(a);
      R.alu(rd, op === R.OP.NEG || op === R.OP.END ? a : b, op, w32, endImm, endSwap);
      const nd = N.clone(toN(a));
      N.alu(nd, op === R.OP.NEG || op === R.OP.END ? toN(a) : toN(b), op, w32, endImm, endSwap);
      assert.strictEqual(showN(nd), showR(rd), `alu op ${op} w32 ${w32} end ${endImm}/${endSwap}\n a ${showR(a)}\n b ${showR(b)}`);
      cases++;
    }
    assert.strictEqual(unnormalised, 0, 'the reference left a field unnormalised');
    assert.ok(cases === 60000);
  });

  it('narrows on branches and decides them as the BigInt version', () => {
    const ops = Object.values(R.J);
    for (let i = 0; i < 60000; i++) {
      const a = P[next() % P.length]!;
      const b = next() % 3 === 0 ? R.known(EDGES[next() % EDGES.length]!) : P[next() % P.length]!;
      const op = ops[next() % ops.length]!;
      const w32 = next() % 2 === 0;
      const same = next() % 16 === 0;
      const what = `op ${op} w32 ${w32}\n a ${showR(a)}\n b ${showR(b)}`;
      if (op !== R.J.JSET_NOT) assert.strictEqual(N.scalarBranchTaken(toN(a), toN(b), op, w32, same), R.scalarBranchTaken(a, b, op, w32, same), `taken ${what} same ${same}`);
      const ra = R.clone(a); const rb = R.clone(b);
      R.refine(ra, rb, op, w32); R.settle(ra); R.settle(rb);
      const na = N.clone(toN(a)); const nb = N.clone(toN(b));
      N.refine(na, nb, op, w32); N.settle(na); N.settle(nb);
      assert.strictEqual(showN(na), showR(ra), `refine a ${what}`);
      assert.strictEqual(showN(nb), showR(rb), `refine b ${what}`);
      assert.strictEqual(N.within(toN(a), toN(b)), R.within(a, b), `within ${what}`);
      assert.strictEqual(N.within(toN(ra), toN(a)), R.within(ra, a), `within refined ${what}`);
    }
    assert.strictEqual(unnormalised, 0, 'the reference left a field unnormalised');
  });

  it('loads, extends, forks and syncs as the BigInt version', () => {
    for (const a of P) {
      for (const size of [1, 2, 4]) {
        const r = R.clone(a); R.coerce(r, size);
        const n = N.clone(toN(a)); N.coerce(n, size);
        assert.strictEqual(showN(n), showR(r), `coerce ${size} ${showR(a)}`);
        const rx = R.clone(a); R.coerceSx(rx, size);
        const nx = N.clone(toN(a)); N.coerceSx(nx, size);
        assert.strictEqual(showN(nx), showR(rx), `coerceSx ${size} ${showR(a)}`);
        if (size < 4) {
          const rs = R.clone(a); R.coerceSubregSx(rs, size);
          const ns = N.clone(toN(a)); N.coerceSubregSx(ns, size);
          assert.strictEqual(showN(ns), showR(rs), `coerceSubregSx ${size} ${showR(a)}`);
        }
      }
      const rz = R.clone(a); R.zext32(rz); R.sync(rz);
      const nz = N.clone(toN(a)); N.zext32(nz); N.sync(nz);
      assert.strictEqual(showN(nz), showR(rz), `zext32 ${showR(a)}`);
      const how = R.forkable(a);
      if (how) {
        for (const v of [0, -1] as const) assert.strictEqual(showN(N.forkAs(toN(a), how, v)), showR(R.forkAs(a, how, BigInt(v) as 0n | -1n)));
      }
    }
    // sync on arbitrary (also contradictory) field combinations taken from different values of the pool
    for (let i = 0; i < 20000; i++) {
      const x = P[next() % P.length]!; const y = P[next() % P.length]!; const z = P[next() % P.length]!;
      const r: R.Scalar = { t: x.t, umin: y.umin, umax: z.umax, smin: y.smin, smax: x.smax, u32min: z.u32min, u32max: y.u32max, s32min: x.s32min, s32max: z.s32max };
      if (r.umin > r.umax || r.smin > r.smax || r.u32min > r.u32max || r.s32min > r.s32max) continue;
      const n = toN(r);
      const rr = R.clone(r); R.settle(rr);
      N.settle(n);
      assert.strictEqual(showN(n), showR(rr), `settle ${showR(r)}`);
    }
    assert.strictEqual(unnormalised, 0, 'the reference left a field unnormalised');
  });
});
