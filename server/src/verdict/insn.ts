// The BPF instruction model: opcode fields, classes, the 64-bit immediate load, and the kernel verifier's own
// spelling of an instruction (so a reason reads like the log users see: `r1 = *(u32 *)(r6 +2416)`).

import * as enc from '../core/insn';
import type { Insn } from '../core/insn';

// The encoding is the engine's (core/insn.ts), re-exported here as plain constants so the verdict room reads it from
// one module. Not `export *`: CommonJS turns that into a getter per name, and the walk reads these in its hottest
// loops (a getter per access made verdicts 2.3x slower).
export type { Insn };
export const CLS = enc.CLS;
export const SIZE = enc.SIZE;
export const MODE = enc.MODE;
export const ALU = enc.ALU;
export const JMP = enc.JMP;
export const SRC_X = enc.SRC_X;
export const ATOMIC = enc.ATOMIC;
export const PSEUDO = enc.PSEUDO;
export const CALL = enc.CALL;
export const cls = enc.cls;
export const op = enc.op;
export const isX = enc.isX;
export const sizeBytes = enc.sizeBytes;
export const sizeCode = enc.sizeCode;
export const isLdimm64 = enc.isLdimm64;

export const isJmpClass = (i: Insn): boolean => cls(i) === CLS.JMP || cls(i) === CLS.JMP32;
export const isCall = (i: Insn): boolean => i.code === (CLS.JMP | JMP.CALL);
export const isExit = (i: Insn): boolean => i.code === (CLS.JMP | JMP.EXIT);
export const isSubprogCall = (i: Insn): boolean => isCall(i) && i.src === CALL.PSEUDO;
export const isPseudoFunc = (i: Insn): boolean => isLdimm64(i) && i.src === PSEUDO.FUNC;

/** The target of a jump (`JA` of class JMP32 keeps its offset in imm: `gotol`). */
export function jumpTarget(i: Insn, idx: number): number {
  return idx + 1 + (cls(i) === CLS.JMP32 && op(i) === JMP.JA ? i.imm : i.off);
}

const SZ_NAME: Record<number, string> = { [SIZE.W]: 'u32', [SIZE.H]: 'u16', [SIZE.B]: 'u8', [SIZE.DW]: 'u64' };
const SSZ_NAME: Record<number, string> = { [SIZE.W]: 's32', [SIZE.H]: 's16', [SIZE.B]: 's8', [SIZE.DW]: 's64' };
const ALU_SYM: Record<number, string> = {
  [ALU.ADD]: '+=', [ALU.SUB]: '-=', [ALU.MUL]: '*=', [ALU.DIV]: '/=', [ALU.OR]: '|=', [ALU.AND]: '&=', [ALU.LSH]: '<<=',
  [ALU.RSH]: '>>=', [ALU.MOD]: '%=', [ALU.XOR]: '^=', [ALU.MOV]: '=', [ALU.ARSH]: 's>>=',
};
const JMP_SYM: Record<number, string> = {
  [JMP.JEQ]: '==', [JMP.JGT]: '>', [JMP.JGE]: '>=', [JMP.JSET]: '&', [JMP.JNE]: '!=', [JMP.JSGT]: 's>', [JMP.JSGE]: 's>=',
  [JMP.JLT]: '<', [JMP.JLE]: '<=', [JMP.JSLT]: 's<', [JMP.JSLE]: 's<=',
};
const hex = (n: number) => `0x${(n >>> 0).toString(16)}`;
const signed = (n: number) => (n < 0 ? `${n}` : `+${n}`);

/**
 * The instruction as the kernel's verifier log prints it (kernel/bpf/disasm.c), with `(code)` in front. `helper`
 * names helper calls; `next` is the second slot of a 64-bit immediate load.
 */
export function disasm(i: Insn, next?: Insn, helper?: (id: number) => string | undefined): string {
  const code = `(${i.code.toString(16).padStart(2, '0')})`;
  const c = cls(i);
  const r = (n: number, w = false) => `${w ? 'w' : 'r'}${n}`;
  if (c === CLS.ALU || c === CLS.ALU64) {
    const w = c === CLS.ALU;
    if (op(i) === ALU.NEG) return `${code} ${r(i.dst, w)} = -${r(i.dst, w)}`;
    if (op(i) === ALU.END) {
      const kind = c === CLS.ALU64 ? 'bswap' : isX(i) ? 'be' : 'le';
      return `${code} ${r(i.dst)} = ${kind}${i.imm} ${r(i.dst)}`;
    }
    const src = isX(i) ? r(i.src, w) : op(i) === ALU.MOV || i.imm >= 0 ? `${i.imm}` : `${i.imm}`;
    const sx = op(i) === ALU.MOV && i.off ? `(s${i.off})` : '';
    return `${code} ${r(i.dst, w)} ${ALU_SYM[op(i)] ?? '?='} ${sx}${src}`;
  }
  if (c === CLS.LDX) {
    const names = (i.code & 0xe0) === MODE.MEMSX ? SSZ_NAME : SZ_NAME;
    return `${code} ${r(i.dst)} = *(${names[i.code & 0x18]} *)(${r(i.src)} ${signed(i.off)})`;
  }
  if (c === CLS.ST) return `${code} *(${SZ_NAME[i.code & 0x18]} *)(${r(i.dst)} ${signed(i.off)}) = ${i.imm}`;
  if (c === CLS.STX) {
    if ((i.code & 0xe0) === MODE.ATOMIC) return `${code} atomic ${hex(i.imm)} (${SZ_NAME[i.code & 0x18]} *)(${r(i.dst)} ${signed(i.off)}), ${r(i.src)}`;
    return `${code} *(${SZ_NAME[i.code & 0x18]} *)(${r(i.dst)} ${signed(i.off)}) = ${r(i.src)}`;
  }
  if (c === CLS.LD) {
    if (isLdimm64(i)) {
      const v = (BigInt(next?.imm ?? 0) << 32n) | BigInt(i.imm >>> 0);
      const what = i.src === PSEUDO.MAP_FD ? 'map_fd' : i.src === PSEUDO.MAP_VALUE ? 'map_value' : i.src === PSEUDO.FUNC ? 'func'
        : i.src === PSEUDO.BTF_ID ? 'btf_id' : '';
      return `${code} ${r(i.dst)} = ${what ? `${what}[${i.imm}]` : `0x${BigInt.asUintN(64, v).toString(16)}`}`;
    }
    return `${code} r0 = *(${SZ_NAME[i.code & 0x18]} *)skb[${(i.code & 0xe0) === MODE.IND ? `${r(i.src)} + ` : ''}${i.imm}]`;
  }
  // JMP / JMP32
  const w = c === CLS.JMP32;
  switch (op(i)) {
    case JMP.CALL:
      if (i.src === CALL.PSEUDO) return `${code} call pc${signed(i.imm)}`;
      if (i.src === CALL.KFUNC) return `${code} call kernel-function#${i.imm}`;
      return `${code} call ${helper?.(i.imm) ?? 'unknown'}#${i.imm}`;
    case JMP.EXIT: return `${code} exit`;
    case JMP.JA: return `${code} goto pc${signed(w ? i.imm : i.off)}`;
    case JMP.JCOND: return `${code} may_goto pc${signed(i.off)}`;
    default: {
      const rhs = isX(i) ? r(i.src, w) : hex(i.imm);
      return `${code} if ${r(i.dst, w)} ${JMP_SYM[op(i)] ?? '?'} ${rhs} goto pc${signed(i.off)}`;
    }
  }
}
