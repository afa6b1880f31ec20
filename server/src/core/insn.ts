// The BPF instruction encoding (opcode classes, sizes, modes, operations): one definition for the engine, which
// patches instructions, and the verdict room above it, which walks them.

/** One 8-byte BPF instruction, decoded. */
export interface Insn {
  code: number;
  dst: number;
  src: number;
  off: number;
  imm: number;
}

export const CLS = { LD: 0x00, LDX: 0x01, ST: 0x02, STX: 0x03, ALU: 0x04, JMP: 0x05, JMP32: 0x06, ALU64: 0x07 } as const;
export const SIZE = { W: 0x00, H: 0x08, B: 0x10, DW: 0x18 } as const;
export const MODE = { IMM: 0x00, ABS: 0x20, IND: 0x40, MEM: 0x60, MEMSX: 0x80, ATOMIC: 0xc0 } as const;
export const ALU = {
  ADD: 0x00, SUB: 0x10, MUL: 0x20, DIV: 0x30, OR: 0x40, AND: 0x50, LSH: 0x60, RSH: 0x70, NEG: 0x80, MOD: 0x90,
  XOR: 0xa0, MOV: 0xb0, ARSH: 0xc0, END: 0xd0,
} as const;
export const JMP = {
  JA: 0x00, JEQ: 0x10, JGT: 0x20, JGE: 0x30, JSET: 0x40, JNE: 0x50, JSGT: 0x60, JSGE: 0x70, CALL: 0x80, EXIT: 0x90,
  JLT: 0xa0, JLE: 0xb0, JSLT: 0xc0, JSLE: 0xd0, JCOND: 0xe0,
} as const;
/** The source bit: the operand is a register (BPF_X), not the immediate (BPF_K). */
export const SRC_X = 0x08;
export const ATOMIC = { ADD: 0x00, OR: 0x40, AND: 0x50, XOR: 0xa0, FETCH: 0x01, XCHG: 0xe1, CMPXCHG: 0xf1, LOAD_ACQ: 0x100, STORE_REL: 0x110 } as const;

/** src_reg values of a 64-bit immediate load (BPF_PSEUDO_*). */
export const PSEUDO = { MAP_FD: 1, MAP_VALUE: 2, BTF_ID: 3, FUNC: 4, MAP_IDX: 5, MAP_IDX_VALUE: 6 } as const;
/** src_reg values of a call: helper, bpf-to-bpf call, kernel function. */
export const CALL = { HELPER: 0, PSEUDO: 1, KFUNC: 2 } as const;

export const cls = (i: Insn): number => i.code & 0x07;
export const op = (i: Insn): number => i.code & 0xf0;
export const isX = (i: Insn): boolean => (i.code & SRC_X) !== 0;
const SIZE_BYTES = [4, 2, 1, 8];
/** Bytes a load/store of this opcode moves. */
export const sizeBytes = (code: number): number => SIZE_BYTES[(code & 0x18) >> 3]!;
const BYTES_SIZE: Record<number, number> = { 8: SIZE.DW, 4: SIZE.W, 2: SIZE.H, 1: SIZE.B };
/** The size field of a load/store of `bytes` bytes; undefined when no load/store moves that many. */
export const sizeCode = (bytes: number): number | undefined => BYTES_SIZE[bytes];
export const isLdimm64 = (i: Insn): boolean => i.code === (CLS.LD | MODE.IMM | SIZE.DW);
