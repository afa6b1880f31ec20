// The abstract interpreter's rules against the kernel verifier's, one hand-written instruction sequence at a time.
//
// Each probe puts a poisoned instruction (`call 0xbad2310`) behind a condition whose outcome depends on one rule of
// the verifier (constant folding of an ALU operation, what a stack fill remembers, linked registers, bounds of a
// narrow load, a subprogram's return value, ...). The kernel either reaches it (invalid func unknown#195896080), or
// proves it dead and loads the program; corelens must say the same, at the same instruction. Probes also cover the
// read through a plain number. The kernel's answers are taken live (tools/oracle/verifier.c --raw) when bpf() is
// permitted, else from the committed record test-fixtures/expected/verifier-probes.jsonl (Linux 6.18); run with
// CORELENS_UPDATE_PROBES=1 as root to rewrite the record.

import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { Insn } from '../../src/core/patch';
import { LoadedProgram } from '../../src/verdict/program';
import { POISON_IMM, verify } from '../../src/verdict/verify';
import { FIXTURES, REPO_ROOT } from '../support/paths';

const RECORD = path.join(FIXTURES, 'expected', 'verifier-probes.jsonl');

// ---- a small assembler -------------------------------------------------------------------------------------------
const I = (code: number, dst = 0, src = 0, off = 0, imm = 0): Insn => ({ code, dst, src, off, imm });
const B = 0x10; const W = 0x00; const DW = 0x18;
const ALU = { add: 0x00, sub: 0x10, mul: 0x20, div: 0x30, or: 0x40, and: 0x50, lsh: 0x60, rsh: 0x70, mod: 0x90, xor: 0xa0, arsh: 0xc0 };
const JOP = { jeq: 0x10, jgt: 0x20, jge: 0x30, jset: 0x40, jne: 0x50, jsgt: 0x60, jsge: 0x70, jlt: 0xa0, jle: 0xb0, jslt: 0xc0, jsle: 0xd0 };
const mov = (d: number, imm: number) => I(0xb7, d, 0, 0, imm);
const mov32 = (d: number, imm: number) => I(0xb4, d, 0, 0, imm);
const movr = (d: number, s: number) => I(0xbf, d, s);
const alu = (o: keyof typeof ALU, d: number, imm: number) => I(0x07 | ALU[o], d, 0, 0, imm);
const alu32 = (o: keyof typeof ALU, d: number, imm: number) => I(0x04 | ALU[o], d, 0, 0, imm);
const alur = (o: keyof typeof ALU, d: number, s: number) => I(0x0f | ALU[o], d, s);
const neg = (d: number) => I(0x87, d);
const be = (d: number, bits: number) => I(0xdc, d, 0, 0, bits);
const ldx = (sz: number, d: number, s: number, off: number) => I(0x61 | sz, d, s, off);
const stx = (sz: number, d: number, s: number, off: number) => I(0x63 | sz, d, s, off);
const st = (sz: number, d: number, off: number, imm: number) => I(0x62 | sz, d, 0, off, imm);
const jmp = (o: keyof typeof JOP, d: number, imm: number, off: number) => I(0x05 | JOP[o], d, 0, off, imm);
const jmp32 = (o: keyof typeof JOP, d: number, imm: number, off: number) => I(0x06 | JOP[o], d, 0, off, imm);
const jmpr = (o: keyof typeof JOP, d: number, s: number, off: number) => I(0x0d | JOP[o], d, s, off);
const call = (id: number) => I(0x85, 0, 0, 0, id);
const callsub = (off: number) => I(0x85, 0, 1, 0, off);
const exit = () => I(0x95);
const poison = () => I(0x85, 0, 0, 0, POISON_IMM);
const ld64 = (d: number, v: bigint): Insn[] => [I(0x18, d, 0, 0, Number(BigInt.asIntN(32, v))), I(0, 0, 0, 0, Number(BigInt.asIntN(32, v >> 32n)))];
const ret0 = () => [mov(0, 0), exit()];
/** `if (rX op imm) skip the poison`: the poison is reached exactly when the condition can be false. */
const unlessThen = (o: keyof typeof JOP, r: number, imm: number) => [jmp(o, r, imm, 1), poison(), ...ret0()];
const ctxArg = (d: number) => ldx(DW, d, 1, 112); // pt_regs->di: an unknown number

interface Probe { name: string; insns: Insn[] }
const P = (name: string, ...parts: (Insn | Insn[])[]): Probe => ({ name, insns: parts.flat() });

const PROBES: Probe[] = [
  // constant folding
  P('add-const', mov(1, 40), alu('add', 1, 2), unlessThen('jeq', 1, 42)),
  P('mul-const', mov(1, 6), alu('mul', 1, 7), unlessThen('jeq', 1, 42)),
  P('div-const-unknown-in-6.18', mov(1, 100), alu('div', 1, 4), unlessThen('jeq', 1, 25)),
  P('mod-const-unknown-in-6.18', mov(1, 103), alu('mod', 1, 4), unlessThen('jeq', 1, 3)),
  P('neg-const', mov(1, 5), neg(1), unlessThen('jeq', 1, -5)),
  P('be16-const', mov(1, 0x1234), be(1, 16), unlessThen('jeq', 1, 0x3412)),
  P('lsh-rsh-const', mov(1, 1), alu('lsh', 1, 40), alu('rsh', 1, 38), unlessThen('jeq', 1, 4)),
  P('arsh-const', mov(1, -64), alu('arsh', 1, 3), unlessThen('jeq', 1, -8)),
  P('alu32-zext', mov(1, -1), alu32('add', 1, 1), unlessThen('jeq', 1, 0)),
  P('mov32-zext', mov32(1, -1), unlessThen('jgt', 1, 0x7fffffff)),
  P('ld64-const', ld64(1, 0x100000002n), alu('rsh', 1, 32), unlessThen('jeq', 1, 1)),
  P('xor-self-unknown', ctxArg(1), alur('xor', 1, 1), unlessThen('jeq', 1, 0)),
  P('shift-by-unknown', ctxArg(2), mov(1, 1), alur('lsh', 1, 2), unlessThen('jle', 1, 1)),
  // bounds
  P('u8-load-range', ctxArg(1), stx(DW, 10, 1, -8), ldx(B, 1, 10, -8), unlessThen('jle', 1, 255)),
  P('u8-ctx-load-range', ldx(B, 1, 1, 0), unlessThen('jle', 1, 255)),
  P('u32-ctx-load-range', ldx(W, 1, 1, 0), unlessThen('jle', 1, 0xffff)),
  P('and-mask-range', ctxArg(1), alu('and', 1, 0xf), unlessThen('jlt', 1, 16)),
  P('refine-then-decide', mov(0, 0), ctxArg(1), jmp('jgt', 1, 10, 2), jmp('jlt', 1, 20, 1), poison(), exit()),
  P('signed-refine', mov(0, 0), ctxArg(1), jmp('jsgt', 1, 0, 2), jmp('jsle', 1, 0, 1), poison(), exit()),
  P('refine-both-regs', mov(0, 0), ctxArg(1), ctxArg(2), jmpr('jgt', 1, 2, 2), jmpr('jle', 1, 2, 1), poison(), exit()),
  P('jset-known-bit', ctxArg(1), alu('or', 1, 4), unlessThen('jset', 1, 4)),
  P('jmp32-low-half', ld64(1, 0x500000007n), jmp32('jeq', 1, 7, 1), poison(), ret0()),
  P('fork-and', ctxArg(1), alu('lsh', 1, 63), alu('arsh', 1, 63), alu('and', 1, 5), jmp('jne', 1, 1, 1), poison(), ret0()),
  P('fork-or', ctxArg(1), alu('lsh', 1, 63), alu('arsh', 1, 63), alu('or', 1, 4), jmp('jne', 1, 0, 1), poison(), ret0()),
  P('no-fork-xor', ctxArg(1), alu('lsh', 1, 63), alu('arsh', 1, 63), alu('xor', 1, 4), jmp('jne', 1, 5, 1), poison(), ret0()),
  // linked registers
  P('linked-copy', mov(0, 0), ctxArg(1), movr(2, 1), jmp('jne', 1, 3, 2), jmp('jeq', 2, 3, 1), poison(), exit()),
  P('linked-add-const', mov(0, 0), ctxArg(1), movr(2, 1), alu('add', 2, 1), jmp('jne', 1, 3, 2), jmp('jeq', 2, 4, 1), poison(), exit()),
  P('linked-through-spill', mov(0, 0), ctxArg(1), stx(DW, 10, 1, -8), jmp('jne', 1, 3, 2), ldx(DW, 2, 10, -8), unlessThen('jeq', 2, 3)),
  P('linked-broken-by-alu', mov(0, 0), ctxArg(1), movr(2, 1), alu('mul', 2, 1), jmp('jne', 1, 3, 2), jmp('jeq', 2, 3, 1), poison(), exit()),
  // stack: what a fill remembers
  P('spill8-fill8', mov(1, 7), stx(DW, 10, 1, -8), ldx(DW, 2, 10, -8), unlessThen('jeq', 2, 7)),
  P('st8-imm-fill8', st(DW, 10, -8, 9), ldx(DW, 2, 10, -8), unlessThen('jeq', 2, 9)),
  P('spill4-aligned-fill4', mov(1, 1), stx(W, 10, 1, -8), ldx(W, 2, 10, -8), unlessThen('jeq', 2, 1)),
  P('spill4-unaligned-one', mov(1, 1), stx(W, 10, 1, -4), ldx(W, 2, 10, -4), unlessThen('jeq', 2, 1)),
  P('spill4-unaligned-zero', mov(1, 0), stx(W, 10, 1, -4), ldx(W, 2, 10, -4), unlessThen('jeq', 2, 0)),
  P('st1-unaligned-zero', st(B, 10, -1, 0), ldx(B, 2, 10, -1), unlessThen('jeq', 2, 0)),
  P('st1-unaligned-one', st(B, 10, -1, 1), ldx(B, 2, 10, -1), unlessThen('jeq', 2, 1)),
  P('spill8-fill4-low', mov(1, 1), stx(DW, 10, 1, -8), ldx(W, 2, 10, -8), unlessThen('jeq', 2, 1)),
  P('spill8-fill4-high', mov(1, 1), stx(DW, 10, 1, -8), ldx(W, 2, 10, -4), unlessThen('jeq', 2, 0)),
  P('spill8-zero-fill4-high', mov(1, 0), stx(DW, 10, 1, -8), ldx(W, 2, 10, -4), unlessThen('jeq', 2, 0)),
  P('spill4-then-zero-fill8', mov(1, 1), stx(W, 10, 1, -8), st(W, 10, -4, 0), ldx(DW, 2, 10, -8), unlessThen('jeq', 2, 1)),
  P('partial-overwrite', mov(1, 3), stx(DW, 10, 1, -8), st(B, 10, -1, 0), ldx(DW, 2, 10, -8), unlessThen('jeq', 2, 3)),
  P('helper-write-clobbers', mov(1, 5), stx(DW, 10, 1, -16), movr(1, 10), alu('add', 1, -16), mov(2, 8), mov(3, 0), call(113),
    ldx(DW, 2, 10, -16), unlessThen('jeq', 2, 5)),
  P('helper-write-leaves-other-slot', mov(1, 5), stx(DW, 10, 1, -8), movr(1, 10), alu('add', 1, -16), mov(2, 8), mov(3, 0), call(113),
    ldx(DW, 2, 10, -8), unlessThen('jeq', 2, 5)),
  // helpers
  P('helper-ret-unknown', call(5), unlessThen('jne', 0, 77)),
  P('smp-processor-id-bound', call(8), unlessThen('jlt', 0, 1024)),
  P('probe-read-str-bound', movr(1, 10), alu('add', 1, -16), mov(2, 16), mov(3, 0), call(115), unlessThen('jsle', 0, 16)),
  P('helper-clobbers-r1', mov(6, 3), mov(1, 3), call(5), movr(1, 6), unlessThen('jeq', 1, 3)),
  // pointers against 0
  P('ctx-not-decided', mov(0, 0), jmp('jne', 1, 0, 1), poison(), exit()),
  P('fp-not-decided', mov(0, 0), movr(1, 10), jmp('jne', 1, 0, 1), poison(), exit()),
  // subprograms
  P('subprog-returns-const', callsub(4), jmp('jeq', 0, 1, 1), poison(), ret0(), mov(0, 1), exit()),
  P('subprog-keeps-r6', mov(6, 9), callsub(4), jmp('jeq', 6, 9, 1), poison(), ret0(), mov(0, 1), exit()),
  P('subprog-arg-const', mov(1, 4), callsub(2), mov(0, 0), exit(), jmp('jeq', 1, 4, 1), poison(), ret0()),
  // loops: the counter is known in every iteration
  P('loop-poison-in-last-iteration', mov(0, 0), mov(6, 0), jmp('jne', 6, 3, 1), poison(), alu('add', 6, 1), jmp('jlt', 6, 4, -4), exit()),
  P('loop-poison-never', mov(0, 0), mov(6, 0), jmp('jne', 6, 7, 1), poison(), alu('add', 6, 1), jmp('jlt', 6, 4, -4), exit()),
  // reads through a plain number
  P('deref-scalar-load', call(35), ldx(W, 1, 0, 16), ret0()),
  P('deref-scalar-store', mov(1, 4096), st(W, 1, 0, 1), ret0()),
  P('deref-ctx-value', ctxArg(1), ldx(DW, 2, 1, 0), ret0()),
  P('deref-after-poison-path', ctxArg(1), jmp('jeq', 1, 0, 1), poison(), ldx(DW, 2, 1, 8), ret0()),
  P('deref-stack-ok', mov(1, 1), stx(DW, 10, 1, -8), ldx(DW, 2, 10, -8), ret0()),
];

function asProgram(p: Probe): LoadedProgram {
  const starts = new Set<number>([0]);
  p.insns.forEach((i, k) => {
    if (i.code === 0x85 && i.src === 1) starts.add(k + i.imm + 1);
  });
  const sorted = [...starts].sort((a, b) => a - b);
  return {
    name: p.name, section: 'kprobe/probe', ctx: 'plain', insns: p.insns, originSection: p.insns.map(() => 'kprobe/probe'),
    originOff: p.insns.map((_, k) => k * 8), refs: p.insns.map(() => undefined),
    funcs: sorted.map((s, k) => ({ name: `f${s}`, start: s, end: sorted[k + 1] ?? p.insns.length, global: false })),
  };
}

function hex(insns: readonly Insn[]): string {
  const b = Buffer.alloc(insns.length * 8);
  insns.forEach((i, k) => {
    b[k * 8] = i.code;
    b[k * 8 + 1] = (i.dst & 0xf) | ((i.src & 0xf) << 4);
    b.writeInt16LE(i.off, k * 8 + 2);
    b.writeInt32LE(i.imm, k * 8 + 4);
  });
  return b.toString('hex');
}

interface KernelAnswer { name: string; hex?: string; class: string; insn: number; message: string }

function kernelAnswers(): { live: boolean; answers: Map<string, KernelAnswer>; denied?: string } {
  const input = PROBES.map((p) => `${p.name} 2 ${hex(p.insns)}`).join('\n') + '\n';
  const r = spawnSync(path.join(REPO_ROOT, 'scripts', 'verifier-oracle.sh'), ['--raw'], { input, encoding: 'utf8' });
  if (r.status === 0) {
    const answers = new Map<string, KernelAnswer>();
    for (const l of r.stdout.split('\n').filter(Boolean)) {
      const a = JSON.parse(l) as KernelAnswer;
      answers.set(a.name, { ...a, hex: hex(PROBES.find((p) => p.name === a.name)!.insns) });
    }
    if (process.env.CORELENS_UPDATE_PROBES) {
      fs.writeFileSync(RECORD, [...answers.values()].map((a) => JSON.stringify(a)).join('\n') + '\n');
    }
    return { live: true, answers };
  }
  if (r.status !== 3) throw new Error(`scripts/verifier-oracle.sh --raw failed (${r.status}): ${r.stderr}`);
  const answers = new Map<string, KernelAnswer>();
  for (const l of fs.readFileSync(RECORD, 'utf8').split('\n').filter(Boolean)) {
    const a = JSON.parse(l) as KernelAnswer;
    answers.set(a.name, a);
  }
  return { live: false, answers, denied: (r.stderr || '').trim().split('\n').pop() };
}

describe('the abstract interpreter follows the kernel verifier\'s rules (instruction-level probes)', function () {
  this.timeout(120_000);
  let kernel: ReturnType<typeof kernelAnswers>;
  before(() => {
    kernel = kernelAnswers();
    if (!kernel.live) {
      const msg = `probes NOT loaded into a kernel (${kernel.denied}): compared with the committed Linux 6.18 record`;
      console.warn(`\n      ${'!'.repeat(msg.length)}\n      ${msg}\n      ${'!'.repeat(msg.length)}`);
    }
  });

  it('every probe: same outcome and instruction as the kernel', () => {
    const diffs: string[] = [];
    const counts: Record<string, number> = {};
    for (const p of PROBES) {
      const k = kernel.answers.get(p.name);
      assert.ok(k, `no kernel answer for probe ${p.name} (rerun with CORELENS_UPDATE_PROBES=1 as root)`);
      if (!kernel.live) assert.strictEqual(k.hex, hex(p.insns), `probe ${p.name} changed since the record was written`);
      const res = verify(asProgram(p), p.insns, p.insns, new Map(), true, { nrCpuIds: 2 });
      const ours = res.error ? res.error.kind : 'ok';
      const want = k.class === 'core' || k.class === 'scalar' || k.class === 'ok' ? k.class : `other: ${k.message}`;
      counts[k.class] = (counts[k.class] ?? 0) + 1;
      if (ours !== want || (res.error && res.error.insn !== k.insn)) {
        diffs.push(`${p.name}: kernel ${want}${k.insn >= 0 ? `@${k.insn}` : ''}, corelens ${ours}${res.error ? `@${res.error.insn}` : ''}`);
      }
    }
    console.log(`      ${PROBES.length} probes (${Object.entries(counts).map(([c, n]) => `${n} ${c}`).join(', ')}) ${kernel.live ? 'loaded live' : 'against the record'}, ${diffs.length} differences`);
    assert.deepStrictEqual(diffs, []);
  });
});
