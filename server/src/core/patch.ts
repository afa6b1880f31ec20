// What a relocation does to its instruction (libbpf's bpf_core_patch_insn): patched, poisoned, or a load error.
//
// The relocation value alone does not tell the whole story: a load/store whose size would change in a way libbpf
// refuses is poisoned, an instruction that does not hold the expected local value fails the load, and so on.

import { ElfFile } from '../btf/elf';
import { CLS, Insn, SRC_X, isLdimm64, sizeBytes, sizeCode } from './insn';
import { EINVAL, ERANGE, POISON_IMM } from './kinds';
import { RelocationResult } from './relocate';

export type { Insn };

/** Decodes instruction `index` of a program section (8-byte slots; register nibbles swap on big-endian). */
export function readInsn(code: Uint8Array, index: number, littleEndian: boolean): Insn | undefined {
  const p = index * 8;
  if (p < 0 || p + 8 > code.length) return undefined;
  const view = new DataView(code.buffer, code.byteOffset + p, 8);
  const regs = code[p + 1]!;
  return {
    code: code[p]!,
    dst: littleEndian ? regs & 0x0f : regs >> 4,
    src: littleEndian ? regs >> 4 : regs & 0x0f,
    off: view.getInt16(2, littleEndian),
    imm: view.getInt32(4, littleEndian),
  };
}

export interface PatchOutcome {
  /** The instruction ends up as `call 0xbad2310`. */
  readonly poisoned: boolean;
  /** libbpf's errno when patching fails the load. */
  readonly errno?: number;
  readonly reason?: string;
  /** The instruction(s) after patching (two for ldimm64); absent on error. */
  readonly patched?: Insn[];
}

function poison(insn: Insn, next: Insn | undefined): PatchOutcome {
  const bad = (): Insn => ({ code: 0x85, dst: 0, src: 0, off: 0, imm: POISON_IMM });
  return { poisoned: true, patched: isLdimm64(insn) && next ? [bad(), bad()] : [bad()] };
}

/** Applies `res` to the instruction (and, for ldimm64, its second slot) exactly as libbpf 1.x would. */
export function patchInsn(insn: Insn, next: Insn | undefined, res: RelocationResult): PatchOutcome {
  if (res.status === 'error') return { poisoned: false, errno: res.errno, reason: res.reason };
  if (res.status === 'poison') return poison(insn, next);
  const orig = BigInt.asUintN(64, res.localValue!);
  const val = BigInt.asUintN(64, res.value!);
  const cls = insn.code & 0x07;
  const fail = (reason: string, errno = EINVAL): PatchOutcome => ({ poisoned: false, errno, reason });
  switch (cls) {
    case CLS.ALU: case CLS.ALU64: {
      if ((insn.code & SRC_X) !== 0) return fail('the relocated ALU instruction uses a register operand');
      if (res.validate && BigInt.asUintN(64, BigInt(insn.imm)) !== orig) {
        return fail(`instruction holds ${insn.imm}, but the local types give ${orig}: object and BTF disagree`);
      }
      return { poisoned: false, patched: [{ ...insn, imm: Number(BigInt.asIntN(32, val)) }] };
    }
    case CLS.LDX: case CLS.ST: case CLS.STX: {
      if (res.validate && BigInt.asUintN(64, BigInt(insn.off)) !== orig) {
        return fail(`instruction offset is ${insn.off}, but the local types give ${orig}: object and BTF disagree`);
      }
      if (val > 32767n) return fail(`offset ${val} does not fit a load/store instruction (max 32767)`, ERANGE);
      if (res.failMemszAdjust) return poison(insn, next);
      const out = { ...insn, off: Number(val) };
      if (res.targetSize !== res.localSize) {
        const bytes = sizeBytes(insn.code);
        if (bytes !== res.localSize) return fail(`load/store of ${bytes} bytes, but the field is ${res.localSize} bytes`);
        const sz = sizeCode(res.targetSize);
        if (sz === undefined) return fail(`the field is ${res.targetSize} bytes on the target, which no load/store can read`);
        out.code = (insn.code & 0xe0) | sz | cls;
      }
      return { poisoned: false, patched: [out] };
    }
    case CLS.LD: {
      if (!isLdimm64(insn) || !next || insn.src !== 0 || insn.off !== 0 || next.code !== 0 || next.dst !== 0
        || next.src !== 0 || next.off !== 0) {
        return fail('the relocated 64-bit immediate load has an unexpected form');
      }
      const imm = BigInt(insn.imm >>> 0) | (BigInt(next.imm >>> 0) << 32n);
      if (res.validate && imm !== orig) return fail(`instruction holds ${imm}, but the local types give ${orig}: object and BTF disagree`);
      return {
        poisoned: false,
        patched: [{ ...insn, imm: Number(BigInt.asIntN(32, val)) }, { ...next, imm: Number(BigInt.asIntN(32, val >> 32n)) }],
      };
    }
    default:
      return fail(`instruction class ${cls} cannot carry a CO-RE relocation`);
  }
}

/** The code bytes of a program section, for reading relocated instructions. */
export function sectionCode(elf: ElfFile, section: string): Uint8Array | undefined {
  const s = elf.section(section);
  return s ? elf.data(s) : undefined;
}
