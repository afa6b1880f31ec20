// DWARF 2-5 reader for the type-describing part of .debug_info: just enough DIEs and attributes to rebuild BTF,
// bounds-checked everywhere so that a corrupt binary yields a BtfError naming the file and offset, never a crash.
//
// Only DIEs that describe types are kept (plus their members, enumerators, subranges and parameters); everything
// else (functions, variables, lexical blocks) is walked through, because C allows types declared inside functions.

import { limitBytes, overLimitMessage } from '../util/files';
import * as zlib from 'zlib';
import { BtfError } from './errors';
import { ElfFile, ElfSection, SHT_NOBITS } from './elf';

// Tags (DWARF 5, section 7.5.3) this reader keeps.
export const TAG = {
  array_type: 0x01, class_type: 0x02, enumeration_type: 0x04, formal_parameter: 0x05, member: 0x0d,
  pointer_type: 0x0f, reference_type: 0x10, compile_unit: 0x11, structure_type: 0x13, subroutine_type: 0x15,
  typedef: 0x16, union_type: 0x17, unspecified_parameters: 0x18, inheritance: 0x1c, ptr_to_member_type: 0x1f,
  subrange_type: 0x21, base_type: 0x24, const_type: 0x26, enumerator: 0x28, volatile_type: 0x35,
  restrict_type: 0x37, unspecified_type: 0x3b, rvalue_reference_type: 0x42, atomic_type: 0x47, type_unit: 0x41,
} as const;

/** Tags of DIEs that are types (what a DW_AT_type may point at). */
const TYPE_TAGS = new Set<number>([
  TAG.array_type, TAG.class_type, TAG.enumeration_type, TAG.pointer_type, TAG.reference_type, TAG.structure_type,
  TAG.subroutine_type, TAG.typedef, TAG.union_type, TAG.ptr_to_member_type, TAG.subrange_type, TAG.base_type,
  TAG.const_type, TAG.volatile_type, TAG.restrict_type, TAG.unspecified_type, TAG.rvalue_reference_type,
  TAG.atomic_type,
]);

/** Child tags kept under a kept type DIE. */
const CHILD_TAGS = new Set<number>([
  TAG.member, TAG.inheritance, TAG.enumerator, TAG.subrange_type, TAG.formal_parameter, TAG.unspecified_parameters,
]);

const AT = {
  name: 0x03, byte_size: 0x0b, bit_offset: 0x0c, bit_size: 0x0d, const_value: 0x1c, upper_bound: 0x2f,
  lower_bound: 0x22, count: 0x37, data_member_location: 0x38, declaration: 0x3c, encoding: 0x3e, external: 0x3f,
  type: 0x49, data_bit_offset: 0x6b, str_offsets_base: 0x72, signature: 0x69,
} as const;

/** A kept DIE with the attributes BTF needs; references are absolute .debug_info offsets (-1: none). */
export interface Die {
  readonly off: number;
  readonly tag: number;
  readonly children: Die[];
  name: string;
  /** DW_AT_type target (absolute offset), or -1; -2 when it pointed at something unreadable (alt file). */
  type: number;
  /** For DW_FORM_ref_sig8 references: the type signature, resolved through type units. */
  typeSig?: bigint;
  byteSize?: number;
  bitSize?: number;
  bitOffset?: number;
  dataBitOffset?: number;
  /** Member offset in bytes; undefined when absent, NaN when given by an expression we do not evaluate. */
  memberLoc?: number;
  encoding?: number;
  upperBound?: number;
  /** True when an array bound is present but not a constant (a VLA). */
  boundNotConst?: boolean;
  lowerBound?: number;
  count?: number;
  constValue?: bigint;
  /** Byte width of a DW_FORM_dataN constant (0 for sdata/udata), needed to sign-extend it for signed enums. */
  constWidth?: number;
  constSigned?: boolean;
  declaration?: boolean;
  external?: boolean;
}

export interface DwarfInfo {
  /** Kept DIEs in .debug_info order. */
  readonly dies: Die[];
  readonly byOffset: Map<number, Die>;
  /** Type unit signature → absolute offset of its type DIE. */
  readonly signatures: Map<bigint, number>;
  readonly units: number;
  readonly versions: Set<number>;
  readonly littleEndian: boolean;
  /** File offset of .debug_info (-1 when it was decompressed), so that errors can point into the file. */
  readonly infoFileOffset: number;
}

interface Section {
  readonly name: string;
  readonly bytes: Uint8Array;
  readonly view: DataView;
  /** File offset of byte 0, or -1 for a decompressed section (errors then give the offset in the section). */
  readonly fileOff: number;
}

/** Limits that keep a hostile input from exhausting memory or time. */
const MAX_DIES = 20_000_000;
const MAX_DEPTH = 4096;
const MAX_SECTION = 1024 * 1024 * 1024;
const SHF_COMPRESSED = 0x800;

/** Reads the DWARF sections of an ELF file; undefined when it has no .debug_info. */
export function readDwarf(elf: ElfFile): DwarfInfo | undefined {
  const info = section(elf, '.debug_info');
  if (!info) return undefined;
  const abbrev = section(elf, '.debug_abbrev');
  if (!abbrev) throw new BtfError('.debug_info is present but .debug_abbrev is missing', elf.file);
  const r = new Reader(elf.file, elf.littleEndian, info, abbrev, section(elf, '.debug_str'),
    section(elf, '.debug_line_str'), section(elf, '.debug_str_offsets'));
  r.run();
  return { dies: r.dies, byOffset: r.byOffset, signatures: r.signatures, units: r.units, versions: r.versions, littleEndian: elf.littleEndian,
    infoFileOffset: info.fileOff };
}

/** True when the ELF carries DWARF type information (.debug_info). */
export function hasDwarf(elf: ElfFile): boolean {
  return elf.section('.debug_info') !== undefined;
}

function section(elf: ElfFile, name: string): Section | undefined {
  const s = elf.section(name);
  if (!s) {
    if (elf.section(name.replace(/^\.debug/, '.zdebug'))) {
      throw new BtfError(`${name.replace(/^\.debug/, '.zdebug')} (GNU-style compressed DWARF) is not supported; `
        + 'rewrite it with: objcopy --decompress-debug-sections FILE', elf.file);
    }
    return undefined;
  }
  if (s.type === SHT_NOBITS) return undefined;
  let bytes = elf.data(s);
  let fileOff = s.offset;
  if (s.flags & SHF_COMPRESSED) {
    bytes = decompress(elf, s, bytes);
    fileOff = -1;
  }
  return { name, bytes, view: new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength), fileOff };
}

/** Inflates an SHF_COMPRESSED section (ELF compression header + zlib stream). */
function decompress(elf: ElfFile, s: ElfSection, bytes: Uint8Array): Uint8Array {
  const hdr = elf.is64 ? 24 : 12;
  if (bytes.length < hdr) throw new BtfError(`compressed section ${s.name} is shorter than its header`, elf.file, s.offset);
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const type = v.getUint32(0, elf.littleEndian);
  const size = elf.is64 ? Number(v.getBigUint64(8, elf.littleEndian)) : v.getUint32(4, elf.littleEndian);
  if (type !== 1) {
    throw new BtfError(`section ${s.name} is compressed with ${type === 2 ? 'zstd' : `method ${type}`}, which is not supported; `
      + 'rewrite it with: objcopy --decompress-debug-sections FILE', elf.file, s.offset);
  }
  if (size > Math.min(MAX_SECTION, limitBytes('decompressed'))) {
    throw new BtfError(overLimitMessage('decompressed', size, `compressed section ${s.name} says it`), elf.file, s.offset);
  }
  try {
    const out = zlib.inflateSync(bytes.subarray(hdr), { maxOutputLength: Math.max(1, size) });
    if (out.length !== size) throw new Error(`inflated to ${out.length} bytes, header says ${size}`);
    return out;
  } catch (e) {
    throw new BtfError(`compressed section ${s.name} is corrupt: ${(e as Error).message}`, elf.file, s.offset);
  }
}

interface Abbrev {
  readonly tag: number;
  readonly children: boolean;
  /** attr, form pairs. */
  readonly specs: Uint32Array;
  /** DW_FORM_implicit_const values by spec index. */
  readonly implicit: Map<number, bigint>;
}

interface Unit {
  readonly start: number;
  readonly end: number;
  readonly version: number;
  readonly addrSize: number;
  strOffsetsBase: number;
}

/** Attribute value as read: numbers for constants/references/offsets, bigint for 64-bit data, or bytes. */
type Value = number | bigint | Uint8Array | string;

class Reader {
  readonly dies: Die[] = [];
  readonly byOffset = new Map<number, Die>();
  readonly signatures = new Map<bigint, number>();
  units = 0;
  readonly versions = new Set<number>();
  private readonly abbrevCache = new Map<number, Map<number, Abbrev>>();
  private pos = 0;
  private cur: Section;
  private readonly le: boolean;
  /** Form of the last value read (lets callers distinguish constants from references and blocks). */
  private form = 0;
  private pendingStrx: { die: Die; index: number } | undefined;

  constructor(
    private readonly file: string, le: boolean, private readonly info: Section, private readonly abbrev: Section,
    private readonly str?: Section, private readonly lineStr?: Section, private readonly strOffsets?: Section,
  ) {
    this.le = le;
    this.cur = info;
  }

  private fail(problem: string, at = this.pos, sec: Section = this.cur): never {
    const off = sec.fileOff >= 0 ? sec.fileOff + at : at;
    throw new BtfError(`${problem} in ${sec.name}${sec.fileOff < 0 ? ' (offset within the decompressed section)' : ''}`, this.file, off);
  }

  private need(n: number, end: number): void {
    if (this.pos + n > end) this.fail(`value of ${n} bytes runs past the end of its unit`);
  }

  private u8(end: number): number {
    this.need(1, end);
    return this.cur.bytes[this.pos++]!;
  }

  private u16(end: number): number {
    this.need(2, end);
    const v = this.cur.view.getUint16(this.pos, this.le);
    this.pos += 2;
    return v;
  }

  private u24(end: number): number {
    this.need(3, end);
    const b = this.cur.bytes;
    const p = this.pos;
    this.pos += 3;
    return this.le ? b[p]! | (b[p + 1]! << 8) | (b[p + 2]! << 16) : (b[p]! << 16) | (b[p + 1]! << 8) | b[p + 2]!;
  }

  private u32(end: number): number {
    this.need(4, end);
    const v = this.cur.view.getUint32(this.pos, this.le);
    this.pos += 4;
    return v;
  }

  private u64(end: number): bigint {
    this.need(8, end);
    const v = this.cur.view.getBigUint64(this.pos, this.le);
    this.pos += 8;
    return v;
  }

  /** Unsigned LEB128 that must fit a JS number exactly (codes, lengths, offsets). */
  private uleb(end: number): number {
    let result = 0;
    let mul = 1;
    const start = this.pos;
    for (;;) {
      if (this.pos >= end) this.fail('LEB128 number runs past the end of its unit', start);
      const b = this.cur.bytes[this.pos++]!;
      result += (b & 0x7f) * mul;
      if (!(b & 0x80)) break;
      mul *= 128;
      if (mul > 2 ** 49) this.fail('LEB128 number is too large', start);
    }
    return result;
  }

  private ulebBig(end: number): bigint {
    let result = 0n;
    let shift = 0n;
    const start = this.pos;
    for (;;) {
      if (this.pos >= end) this.fail('LEB128 number runs past the end of its unit', start);
      const b = this.cur.bytes[this.pos++]!;
      if (shift < 64n) result |= BigInt(b & 0x7f) << shift;
      shift += 7n;
      if (!(b & 0x80)) break;
      if (shift > 640n) this.fail('LEB128 number is absurdly long', start);
    }
    return BigInt.asUintN(64, result);
  }

  private slebBig(end: number): bigint {
    let result = 0n;
    let shift = 0n;
    const start = this.pos;
    let b: number;
    do {
      if (this.pos >= end) this.fail('LEB128 number runs past the end of its unit', start);
      b = this.cur.bytes[this.pos++]!;
      if (shift < 64n) result |= BigInt(b & 0x7f) << shift;
      shift += 7n;
      if (shift > 640n) this.fail('LEB128 number is absurdly long', start);
    } while (b & 0x80);
    if (shift < 64n && b & 0x40) result |= -1n << shift;
    return BigInt.asIntN(64, result);
  }

  private cstr(sec: Section, off: number, what: string): string {
    if (off >= sec.bytes.length) this.fail(`${what} string offset ${off} lies outside ${sec.name} (${sec.bytes.length} bytes)`);
    const e = sec.bytes.indexOf(0, off);
    if (e < 0) this.fail(`string at offset ${off} of ${sec.name} is not terminated`);
    return Buffer.from(sec.bytes.buffer, sec.bytes.byteOffset + off, e - off).toString('utf8');
  }

  private strx(index: number, unit: Unit): string {
    const so = this.strOffsets;
    if (!so) this.fail('DW_FORM_strx used but the file has no .debug_str_offsets');
    const at = unit.strOffsetsBase + index * 4;
    if (at + 4 > so.bytes.length) this.fail(`string index ${index} lies outside .debug_str_offsets`);
    if (!this.str) this.fail('DW_FORM_strx used but the file has no .debug_str');
    return this.cstr(this.str, so.view.getUint32(at, this.le), 'indexed');
  }

  run(): void {
    const info = this.info;
    if (info.bytes.length > MAX_SECTION) this.fail('.debug_info is larger than 1 GiB: refusing', 0);
    while (this.pos < info.bytes.length) {
      this.cur = info;
      const start = this.pos;
      const len = this.u32(info.bytes.length);
      if (len === 0xffffffff) this.fail('64-bit DWARF units are not supported (only 32-bit DWARF)', start);
      if (len >= 0xfffffff0) this.fail(`unit length 0x${len.toString(16)} is a reserved value`, start);
      const end = this.pos + len;
      if (end > info.bytes.length) this.fail(`unit of ${len} bytes runs past the end of the section`, start);
      const version = this.u16(end);
      if (version < 2 || version > 5) this.fail(`DWARF version ${version} is not supported (2 to 5 are)`, start + 4);
      let unitType = 1;
      let addrSize: number;
      let abbrevOff: number;
      let typeOffset = -1;
      let sig = 0n;
      if (version >= 5) {
        unitType = this.u8(end);
        addrSize = this.u8(end);
        abbrevOff = this.u32(end);
        if (unitType === 2 || unitType === 6) {
          sig = this.u64(end);
          typeOffset = this.u32(end);
        } else if (unitType === 4 || unitType === 5) {
          this.u64(end);
        } else if (unitType !== 1 && unitType !== 3) {
          this.fail(`unknown unit type ${unitType}`, start + 6);
        }
      } else {
        abbrevOff = this.u32(end);
        addrSize = this.u8(end);
      }
      if (addrSize !== 1 && addrSize !== 2 && addrSize !== 4 && addrSize !== 8) this.fail(`address size ${addrSize} is not 1, 2, 4 or 8`, start);
      if (typeOffset >= 0) {
        if (typeOffset >= len + 4) this.fail(`type unit's type offset ${typeOffset} lies outside the unit`, start);
        this.signatures.set(sig, start + typeOffset);
      }
      this.units++;
      this.versions.add(version);
      const diesStart = this.pos;
      const abbrevs = this.abbrevs(abbrevOff);
      this.cur = info;
      this.pos = diesStart;
      this.unitDies({ start, end, version, addrSize, strOffsetsBase: 8 }, abbrevs);
      this.pos = end;
    }
  }

  private abbrevs(off: number): Map<number, Abbrev> {
    let m = this.abbrevCache.get(off);
    if (m) return m;
    m = new Map();
    const sec = this.abbrev;
    this.cur = sec;
    if (off >= sec.bytes.length) this.fail(`abbreviation table offset ${off} lies outside .debug_abbrev`, off);
    this.pos = off;
    const end = sec.bytes.length;
    for (;;) {
      const code = this.uleb(end);
      if (code === 0) break;
      const tag = this.uleb(end);
      const children = this.u8(end) !== 0;
      const specs: number[] = [];
      const implicit = new Map<number, bigint>();
      for (;;) {
        const attr = this.uleb(end);
        const form = this.uleb(end);
        if (attr === 0 && form === 0) break;
        if (form === 0x21) implicit.set(specs.length / 2, this.slebBig(end));
        specs.push(attr, form);
        if (specs.length > 2 * 4096) this.fail('abbreviation has more than 4096 attributes');
      }
      m.set(code, { tag, children, specs: Uint32Array.from(specs), implicit });
    }
    this.abbrevCache.set(off, m);
    return m;
  }

  private unitDies(unit: Unit, abbrevs: Map<number, Abbrev>): void {
    // One entry per open DIE with children: the kept parent DIE (or undefined when its children are not kept).
    const stack: (Die | undefined)[] = [];
    const typeAtDepth: boolean[] = [];
    let first = true;
    while (this.pos < unit.end) {
      const dieOff = this.pos;
      const code = this.uleb(unit.end);
      if (code === 0) {
        if (stack.length === 0) continue; // padding after the unit DIE
        stack.pop();
        typeAtDepth.pop();
        continue;
      }
      const ab = abbrevs.get(code);
      if (!ab) this.fail(`DIE uses abbreviation code ${code}, which its table does not define`, dieOff);
      const parent = stack.length ? stack[stack.length - 1] : undefined;
      const insideType = typeAtDepth.length ? typeAtDepth[typeAtDepth.length - 1]! : false;
      // A subrange under an array is a dimension, not a type of its own (Ada's standalone subranges are types).
      const keep = parent && insideType && CHILD_TAGS.has(ab.tag) ? 'child' : TYPE_TAGS.has(ab.tag) ? 'type' : undefined;
      const die: Die | undefined = keep ? { off: dieOff, tag: ab.tag, children: [], name: '', type: -1 } : undefined;
      this.attrs(unit, ab, die, first);
      first = false;
      if (die) {
        if (this.pendingStrx) {
          die.name = this.strx(this.pendingStrx.index, unit);
          this.pendingStrx = undefined;
        }
        if (keep === 'type') {
          if (this.dies.length >= MAX_DIES) this.fail(`more than ${MAX_DIES} type DIEs: refusing`, dieOff);
          this.dies.push(die);
          this.byOffset.set(dieOff, die);
        }
        if (keep === 'child') parent!.children.push(die);
      }
      if (ab.children) {
        if (stack.length >= MAX_DEPTH) this.fail(`DIEs nest more than ${MAX_DEPTH} deep`, dieOff);
        const keepsChildren = die !== undefined && keep === 'type';
        stack.push(keepsChildren ? die : undefined);
        typeAtDepth.push(keepsChildren);
      }
    }
  }

  /** Reads every attribute of one DIE, storing those BTF needs into `die` (when kept). */
  private attrs(unit: Unit, ab: Abbrev, die: Die | undefined, isUnitDie: boolean): void {
    const specs = ab.specs;
    for (let i = 0; i < specs.length; i += 2) {
      const attr = specs[i]!;
      const v = this.value(unit, specs[i + 1]!, ab.implicit.get(i / 2));
      if (isUnitDie && attr === AT.str_offsets_base) unit.strOffsetsBase = num(v);
      if (!die) continue;
      const form = this.form;
      switch (attr) {
        case AT.name:
          if (typeof v === 'string') die.name = v;
          else if (isStrx(form) && typeof v === 'number') this.pendingStrx = { die, index: v };
          break;
        case AT.type:
          if (form === 0x20) die.typeSig = v as bigint;
          else die.type = typeof v === 'number' && isRef(form) ? v : -2;
          break;
        case AT.byte_size: die.byteSize = constOr(v, form); break;
        case AT.bit_size: die.bitSize = constOr(v, form); break;
        case AT.bit_offset: die.bitOffset = form === 0x0d ? Number(v) : constOr(v, form); break;
        case AT.data_bit_offset: die.dataBitOffset = constOr(v, form); break;
        case AT.encoding: die.encoding = constOr(v, form); break;
        case AT.lower_bound: die.lowerBound = isConst(form) ? Number(BigInt.asIntN(64, BigInt(v as number | bigint))) : undefined; break;
        case AT.upper_bound:
          if (isConst(form)) die.upperBound = Number(BigInt.asIntN(64, BigInt(v as number | bigint)));
          else die.boundNotConst = true;
          break;
        case AT.count:
          if (isConst(form)) die.count = constOr(v, form);
          else die.boundNotConst = true;
          break;
        case AT.data_member_location:
          die.memberLoc = isConst(form) ? constOr(v, form) : v instanceof Uint8Array ? locExpr(v) : NaN;
          break;
        case AT.const_value:
          if (isConst(form)) {
            die.constValue = BigInt(v as number | bigint);
            die.constWidth = dataWidth(form);
            die.constSigned = form === 0x0d || form === 0x21;
          }
          break;
        case AT.declaration: die.declaration = flag(v, form); break;
        case AT.external: die.external = flag(v, form); break;
        default: break;
      }
    }
  }

  /** Reads one attribute value of `form`; references are made absolute. */
  private value(unit: Unit, form: number, implicit: bigint | undefined): Value {
    const end = unit.end;
    this.form = form;
    switch (form) {
      case 0x01: return unit.addrSize === 8 ? this.u64(end) : unit.addrSize === 4 ? this.u32(end) : unit.addrSize === 2 ? this.u16(end) : this.u8(end);
      case 0x03: return this.block(this.u16(end), end);
      case 0x04: return this.block(this.u32(end), end);
      case 0x05: return this.u16(end);
      case 0x06: return this.u32(end);
      case 0x07: return this.u64(end);
      case 0x08: {
        const e = this.cur.bytes.indexOf(0, this.pos);
        if (e < 0 || e >= end) this.fail('inline string runs past the end of its unit');
        const s = Buffer.from(this.cur.bytes.buffer, this.cur.bytes.byteOffset + this.pos, e - this.pos).toString('utf8');
        this.pos = e + 1;
        return s;
      }
      case 0x09: case 0x18: return this.block(this.uleb(end), end);
      case 0x0a: return this.block(this.u8(end), end);
      case 0x0b: return this.u8(end);
      case 0x0c: return this.u8(end);
      case 0x0d: return this.slebBig(end);
      case 0x0e: {
        const off = this.u32(end);
        if (!this.str) this.fail('DW_FORM_strp used but the file has no .debug_str');
        return this.cstr(this.str, off, 'DW_FORM_strp');
      }
      case 0x1f: {
        const off = this.u32(end);
        if (!this.lineStr) this.fail('DW_FORM_line_strp used but the file has no .debug_line_str');
        return this.cstr(this.lineStr, off, 'DW_FORM_line_strp');
      }
      case 0x0f: return this.ulebBig(end);
      case 0x10: return unit.version <= 2 ? (unit.addrSize === 8 ? Number(this.u64(end)) : this.u32(end)) : this.u32(end);
      case 0x11: return unit.start + this.u8(end);
      case 0x12: return unit.start + this.u16(end);
      case 0x13: return unit.start + this.u32(end);
      case 0x14: {
        const v = this.u64(end);
        return v > 0xffffffffn ? -2 : unit.start + Number(v);
      }
      case 0x15: return unit.start + this.uleb(end);
      case 0x16: {
        const f = this.uleb(end);
        if (f === 0x16) this.fail('DW_FORM_indirect points at DW_FORM_indirect');
        return this.value(unit, f, implicit);
      }
      case 0x17: return this.u32(end);
      case 0x19: return 1;
      case 0x1a: return this.uleb(end);
      case 0x1b: return this.uleb(end);
      case 0x1c: return this.u32(end);
      case 0x1d: return this.u32(end);
      case 0x1e: return this.block(16, end);
      case 0x20: return this.u64(end);
      case 0x21:
        if (implicit === undefined) this.fail('DW_FORM_implicit_const without a value');
        return implicit;
      case 0x22: case 0x23: return this.uleb(end);
      case 0x24: return Number(this.u64(end) & 0xffffffffn);
      case 0x25: return this.u8(end);
      case 0x26: return this.u16(end);
      case 0x27: return this.u24(end);
      case 0x28: return this.u32(end);
      case 0x29: return this.u8(end);
      case 0x2a: return this.u16(end);
      case 0x2b: return this.u24(end);
      case 0x2c: return this.u32(end);
      case 0x1f01: case 0x1f02: return this.uleb(end);
      case 0x1f20: case 0x1f21: return this.u32(end);
      default: return this.fail(`unknown attribute form 0x${form.toString(16)}`);
    }
  }

  private block(n: number, end: number): Uint8Array {
    this.need(n, end);
    const b = this.cur.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return b;
  }
}

function isStrx(form: number): boolean {
  return form === 0x1a || (form >= 0x25 && form <= 0x28) || form === 0x1f02;
}

function isRef(form: number): boolean {
  return (form >= 0x10 && form <= 0x15);
}

/** Forms holding a constant (class "constant" in DWARF 5). */
function isConst(form: number): boolean {
  return form === 0x05 || form === 0x06 || form === 0x07 || form === 0x0b || form === 0x0d || form === 0x0f || form === 0x21;
}

function dataWidth(form: number): number {
  return form === 0x0b ? 1 : form === 0x05 ? 2 : form === 0x06 ? 4 : form === 0x07 ? 8 : 0;
}

function num(v: Value): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return v > BigInt(Number.MAX_SAFE_INTEGER) || v < 0n ? 0 : Number(v);
  return 0;
}

/** A constant attribute as a number, or undefined when the form is not a constant or the value is unreasonable. */
function constOr(v: Value, form: number): number | undefined {
  if (!isConst(form)) return undefined;
  const n = typeof v === 'bigint' ? (v > 0xffffffffffffn || v < -0xffffffffffffn ? undefined : Number(v)) : (v as number);
  return n;
}

function flag(v: Value, form: number): boolean {
  return form === 0x19 || (typeof v === 'number' ? v !== 0 : typeof v === 'bigint' ? v !== 0n : false);
}

/** Evaluates the member-offset expressions compilers emit (DW_OP_plus_uconst N, DW_OP_constu N); NaN otherwise. */
function locExpr(b: Uint8Array): number {
  if (b.length === 0) return NaN;
  const op = b[0]!;
  if (op !== 0x23 && op !== 0x10) return NaN;
  let v = 0;
  let mul = 1;
  for (let i = 1; i < b.length; i++) {
    v += (b[i]! & 0x7f) * mul;
    mul *= 128;
    if (!(b[i]! & 0x80)) return i === b.length - 1 ? v : NaN;
    if (mul > 2 ** 49) return NaN;
  }
  return NaN;
}
