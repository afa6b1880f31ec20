// .BTF.ext reader: func_info, line_info and CO-RE relocation records of a compiled BPF object.

import { BtfError } from './errors';
import { Btf } from './reader';

export interface FuncInfo {
  readonly section: string;
  /** Byte offset of the instruction inside the ELF section (instruction index = insnOff / 8). */
  readonly insnOff: number;
  readonly typeId: number;
}

export interface LineInfo {
  readonly section: string;
  readonly insnOff: number;
  readonly file: string;
  /** The source line's text as clang recorded it. */
  readonly lineText: string;
  /** 1-based. */
  readonly line: number;
  /** 1-based; 0 when clang recorded no column. */
  readonly column: number;
}

export interface CoreRelo {
  readonly section: string;
  readonly insnOff: number;
  /** Root type id in the object's .BTF. */
  readonly typeId: number;
  readonly access: string;
  /** enum bpf_core_relo_kind value (0..12). */
  readonly kind: number;
}

export interface BtfExt {
  readonly funcInfo: readonly FuncInfo[];
  readonly lineInfo: readonly LineInfo[];
  readonly coreRelos: readonly CoreRelo[];
}

const MIN_REC = { func: 8, line: 16, core: 16 };

/** Parses .BTF.ext bytes; strings (section and file names, access strings) come from the object's `btf`. */
export function parseBtfExt(bytes: Uint8Array, btf: Btf, file: string): BtfExt {
  if (bytes.length < 8) throw new BtfError(`.BTF.ext is cut off (${bytes.length} bytes)`, file, 0);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint16(0, true);
  const le = magic === 0xeb9f;
  if (!le && magic !== 0x9feb) throw new BtfError(`.BTF.ext has wrong magic 0x${magic.toString(16)}`, file, 0);
  const u32 = (off: number) => view.getUint32(off, le);
  const hdrLen = u32(4);
  if (hdrLen < 24 || hdrLen > bytes.length) throw new BtfError(`.BTF.ext header length ${hdrLen} is invalid`, file, 4);
  const block = (offField: number, what: keyof typeof MIN_REC) => {
    if (offField + 8 > hdrLen) return undefined;
    const off = u32(offField);
    const len = u32(offField + 4);
    if (len === 0) return undefined;
    const start = hdrLen + off;
    if (start + len > bytes.length || start % 4 !== 0) {
      throw new BtfError(`.BTF.ext ${what} block (offset ${off}, ${len} bytes) lies outside the section`, file, offField);
    }
    return { start, end: start + len, what };
  };
  const walk = (b: ReturnType<typeof block>, each: (section: string, rec: number) => void) => {
    if (!b) return;
    if (b.end - b.start < 4) throw new BtfError(`.BTF.ext ${b.what} block has no record size`, file, b.start);
    const recSize = u32(b.start);
    if (recSize < MIN_REC[b.what] || recSize % 4 !== 0 || recSize > 1024) {
      throw new BtfError(`.BTF.ext ${b.what} record size ${recSize} is invalid`, file, b.start);
    }
    let p = b.start + 4;
    while (p < b.end) {
      if (p + 8 > b.end) throw new BtfError(`.BTF.ext ${b.what} group header is cut off`, file, p);
      const section = btf.str(u32(p));
      const n = u32(p + 4);
      p += 8;
      if (n === 0) throw new BtfError(`.BTF.ext ${b.what} group for "${section}" has no records`, file, p - 4);
      if (p + n * recSize > b.end) throw new BtfError(`.BTF.ext ${b.what} records for "${section}" run past the block`, file, p);
      for (let i = 0; i < n; i++, p += recSize) each(section, p);
    }
  };
  const funcInfo: FuncInfo[] = [];
  const lineInfo: LineInfo[] = [];
  const coreRelos: CoreRelo[] = [];
  walk(block(8, 'func'), (section, p) => funcInfo.push({ section, insnOff: u32(p), typeId: u32(p + 4) }));
  walk(block(16, 'line'), (section, p) => {
    const lineCol = u32(p + 12);
    lineInfo.push({
      section, insnOff: u32(p), file: btf.str(u32(p + 4)), lineText: btf.str(u32(p + 8)),
      line: lineCol >>> 10, column: lineCol & 0x3ff,
    });
  });
  walk(block(24, 'core'), (section, p) => {
    coreRelos.push({ section, insnOff: u32(p), typeId: u32(p + 4), access: btf.str(u32(p + 8)), kind: u32(p + 12) });
  });
  return { funcInfo, lineInfo, coreRelos };
}

/** Finds the line_info entry covering an instruction: the last one at or before it in the same section. */
export class LineIndex {
  private readonly bySection = new Map<string, LineInfo[]>();

  constructor(lines: readonly LineInfo[]) {
    for (const l of lines) {
      let list = this.bySection.get(l.section);
      if (!list) this.bySection.set(l.section, (list = []));
      list.push(l);
    }
    for (const list of this.bySection.values()) list.sort((a, b) => a.insnOff - b.insnOff);
  }

  /** The entry for `insnOff` in `section` (binary search), or undefined before the first entry. */
  find(section: string, insnOff: number): LineInfo | undefined {
    const list = this.bySection.get(section);
    if (!list) return undefined;
    let lo = 0;
    let hi = list.length - 1;
    let best: LineInfo | undefined;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (list[mid]!.insnOff <= insnOff) {
        best = list[mid];
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return best;
  }
}
