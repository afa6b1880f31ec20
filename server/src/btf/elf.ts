// Minimal ELF reader: section headers and section bytes for ELF32/ELF64 in either byte order, bounds-checked.

import { BtfError } from './errors';

export const ELF_MAGIC = [0x7f, 0x45, 0x4c, 0x46] as const;

export const SHT_PROGBITS = 1;
export const SHT_SYMTAB = 2;
export const SHT_REL = 9;
export const SHT_NOBITS = 8;
export const SHF_EXECINSTR = 0x4;
export const STT_FUNC = 2;
export const STT_SECTION = 3;
export const STB_LOCAL = 0;
export const STB_WEAK = 2;
export const STV_INTERNAL = 1;
export const STV_HIDDEN = 2;

export interface ElfSection {
  readonly index: number;
  readonly name: string;
  readonly type: number;
  readonly flags: number;
  readonly offset: number;
  readonly size: number;
  readonly link: number;
  readonly info: number;
  readonly entsize: number;
}

export interface ElfSymbol {
  readonly name: string;
  readonly value: number;
  readonly size: number;
  readonly info: number;
  /** st_other: the symbol's visibility in its low two bits. */
  readonly other: number;
  readonly shndx: number;
}

export interface ElfRel {
  /** Byte offset of the relocated place inside the target section. */
  readonly offset: number;
  readonly symbol: number;
  readonly type: number;
}

/** True when `bytes` starts with the ELF magic. */
export function isElf(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && ELF_MAGIC.every((b, i) => bytes[i] === b);
}

/** A parsed ELF file: its class, byte order, machine and sections; section data are views, not copies. */
export class ElfFile {
  readonly is64: boolean;
  readonly littleEndian: boolean;
  readonly machine: number;
  readonly sections: readonly ElfSection[];
  private readonly view: DataView;

  constructor(readonly bytes: Uint8Array, readonly file: string) {
    if (!isElf(bytes)) throw new BtfError('not an ELF file (no \\x7fELF magic)', file, 0);
    if (bytes.length < 52) throw new BtfError(`ELF header is cut off (${bytes.length} bytes)`, file, 0);
    const cls = bytes[4];
    const data = bytes[5];
    if (cls !== 1 && cls !== 2) throw new BtfError(`unknown ELF class ${cls}`, file, 4);
    if (data !== 1 && data !== 2) throw new BtfError(`unknown ELF byte order ${data}`, file, 5);
    this.is64 = cls === 2;
    this.littleEndian = data === 1;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (this.is64 && bytes.length < 64) throw new BtfError(`ELF64 header is cut off (${bytes.length} bytes)`, file, 0);
    this.machine = this.u16(18);
    this.sections = this.readSections();
  }

  private u16(off: number): number {
    return this.view.getUint16(off, this.littleEndian);
  }

  private u32(off: number): number {
    return this.view.getUint32(off, this.littleEndian);
  }

  private addr(off: number): number {
    if (!this.is64) return this.u32(off);
    const v = this.view.getBigUint64(off, this.littleEndian);
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new BtfError(`ELF field value ${v} is absurdly large`, this.file, off);
    return Number(v);
  }

  private readSections(): ElfSection[] {
    const { file, bytes } = this;
    const shoff = this.addr(this.is64 ? 0x28 : 0x20);
    const shentsize = this.u16(this.is64 ? 0x3a : 0x2e);
    let shnum = this.u16(this.is64 ? 0x3c : 0x30);
    let shstrndx = this.u16(this.is64 ? 0x3e : 0x32);
    if (shoff === 0) return [];
    const minEnt = this.is64 ? 64 : 40;
    if (shentsize < minEnt) throw new BtfError(`section header entry size ${shentsize} is below ${minEnt}`, file, shoff);
    if (shoff + minEnt > bytes.length) throw new BtfError('section header table lies outside the file', file, shoff);
    // Extended numbering: the real count/index live in section 0.
    const raw0 = this.rawSection(shoff, 0);
    if (shnum === 0) shnum = raw0.size;
    if (shstrndx === 0xffff) shstrndx = raw0.link;
    if (shoff + shnum * shentsize > bytes.length) {
      throw new BtfError(`section header table (${shnum} entries) runs past the end of the file`, file, shoff);
    }
    const raws = [];
    for (let i = 0; i < shnum; i++) raws.push(this.rawSection(shoff + i * shentsize, i));
    const strtab = raws[shstrndx];
    if (!strtab) throw new BtfError(`section name table index ${shstrndx} is out of range`, file);
    this.checkRange(strtab, 'section name table');
    return raws.map((s) => ({ ...s, name: s.nameOff < strtab.size ? this.cstr(strtab.offset + s.nameOff, strtab.offset + strtab.size) : '' }));
  }

  private rawSection(p: number, index: number): Omit<ElfSection, 'name'> & { nameOff: number } {
    const is64 = this.is64;
    return {
      index,
      nameOff: this.u32(p),
      type: this.u32(p + 4),
      flags: is64 ? this.addr(p + 8) : this.u32(p + 8),
      offset: is64 ? this.addr(p + 0x18) : this.u32(p + 0x10),
      size: is64 ? this.addr(p + 0x20) : this.u32(p + 0x14),
      link: this.u32(is64 ? p + 0x28 : p + 0x18),
      info: this.u32(is64 ? p + 0x2c : p + 0x1c),
      entsize: is64 ? this.addr(p + 0x38) : this.u32(p + 0x24),
    };
  }

  private checkRange(s: { offset: number; size: number; type: number }, what: string): void {
    if (s.type !== SHT_NOBITS && s.offset + s.size > this.bytes.length) {
      throw new BtfError(`${what} (offset ${s.offset}, ${s.size} bytes) runs past the end of the file (${this.bytes.length} bytes)`,
        this.file, s.offset);
    }
  }

  private cstr(start: number, limit: number): string {
    let end = start;
    while (end < limit && this.bytes[end] !== 0) end++;
    return Buffer.from(this.bytes.buffer, this.bytes.byteOffset + start, end - start).toString('utf8');
  }

  /** First section with this name. */
  section(name: string): ElfSection | undefined {
    return this.sections.find((s) => s.name === name);
  }

  /** The bytes of a section (a view into the file). */
  data(s: ElfSection): Uint8Array {
    if (s.type === SHT_NOBITS) return new Uint8Array(0);
    this.checkRange(s, `section ${s.name}`);
    return this.bytes.subarray(s.offset, s.offset + s.size);
  }

  /** Symbols of the symbol table (empty when the file has none). */
  symbols(): ElfSymbol[] {
    const symtab = this.sections.find((s) => s.type === SHT_SYMTAB);
    if (!symtab) return [];
    const strtab = this.sections[symtab.link];
    if (!strtab) throw new BtfError('symbol table names a missing string table', this.file);
    const data = this.data(symtab);
    const strs = this.data(strtab);
    const ent = this.is64 ? 24 : 16;
    const out: ElfSymbol[] = [];
    for (let p = symtab.offset; p + ent <= symtab.offset + data.length; p += ent) {
      const nameOff = this.u32(p);
      const sym = this.is64
        ? { value: this.addr(p + 8), size: this.addr(p + 16), info: this.bytes[p + 4]!, other: this.bytes[p + 5]!, shndx: this.u16(p + 6) }
        : { value: this.u32(p + 4), size: this.u32(p + 8), info: this.bytes[p + 12]!, other: this.bytes[p + 13]!, shndx: this.u16(p + 14) };
      out.push({ name: nameOff < strs.length ? this.cstr(strtab.offset + nameOff, strtab.offset + strtab.size) : '', ...sym });
    }
    return out;
  }

  /** Entries of a SHT_REL section (Elf64_Rel / Elf32_Rel), bounds-checked. */
  rels(sec: ElfSection): ElfRel[] {
    const ent = this.is64 ? 16 : 8;
    this.checkRange(sec, `section ${sec.name}`);
    const out: ElfRel[] = [];
    for (let p = sec.offset; p + ent <= sec.offset + sec.size; p += ent) {
      if (this.is64) {
        const info = this.view.getBigUint64(p + 8, this.littleEndian);
        out.push({ offset: this.addr(p), symbol: Number(info >> 32n), type: Number(info & 0xffffffffn) });
      } else {
        const info = this.u32(p + 4);
        out.push({ offset: this.u32(p), symbol: info >>> 8, type: info & 0xff });
      }
    }
    return out;
  }
}
