// Raw BTF encoding for hostile inputs the writer refuses to produce: cycles, dangling ids, string offsets out of
// range, absurd sizes. Each type is written exactly as given (little-endian), so tests state the bytes they mean.

export const K = {
  INT: 1, PTR: 2, ARRAY: 3, STRUCT: 4, UNION: 5, ENUM: 6, FWD: 7, TYPEDEF: 8, VOLATILE: 9, CONST: 10, RESTRICT: 11,
  FUNC: 12, FUNC_PROTO: 13, VAR: 14, DATASEC: 15, FLOAT: 16, DECL_TAG: 17, TYPE_TAG: 18, ENUM64: 19,
} as const;

export interface RawType {
  /** A name (added to the string table) or a raw string offset (to point outside it). */
  name?: string | number;
  kind: number;
  vlen?: number;
  kflag?: boolean;
  /** The size or type field. */
  sizeOrType: number;
  /** Kind-specific words after the 12-byte record (members are [name, type, offset] triples, names as offsets). */
  extra?: number[];
}

/** Encodes types (ids from 1) into a raw .BTF blob; `names(s)` gives the offset a member name will have. */
export function rawBtf(build: (names: (s: string) => number) => RawType[]): Uint8Array {
  const strs: string[] = [''];
  let strLen = 1;
  const offsets = new Map<string, number>([['', 0]]);
  const names = (s: string): number => {
    let o = offsets.get(s);
    if (o === undefined) {
      o = strLen;
      offsets.set(s, o);
      strs.push(s);
      strLen += Buffer.byteLength(s) + 1;
    }
    return o;
  };
  const types = build(names);
  const words: number[] = [];
  for (const t of types) {
    const nameOff = typeof t.name === 'number' ? t.name : names(t.name ?? '');
    words.push(nameOff >>> 0, ((t.kflag ? 1 : 0) << 31 | (t.kind & 0x1f) << 24 | ((t.vlen ?? 0) & 0xffff)) >>> 0, t.sizeOrType >>> 0);
    for (const w of t.extra ?? []) words.push(w >>> 0);
  }
  const typeBytes = Buffer.alloc(words.length * 4);
  words.forEach((w, i) => typeBytes.writeUInt32LE(w, i * 4));
  const strBytes = Buffer.from(strs.join('\0') + '\0', 'utf8');
  const hdr = Buffer.alloc(24);
  hdr.writeUInt16LE(0xeb9f, 0);
  hdr[2] = 1;
  hdr[3] = 0;
  hdr.writeUInt32LE(24, 4);
  hdr.writeUInt32LE(0, 8);
  hdr.writeUInt32LE(typeBytes.length, 12);
  hdr.writeUInt32LE(typeBytes.length, 16);
  hdr.writeUInt32LE(strBytes.length, 20);
  return Buffer.concat([hdr, typeBytes, strBytes]);
}

/** An `int` of 4 bytes (BTF_INT_SIGNED, 32 bits). */
export function int(name = 'int'): RawType {
  return { name, kind: K.INT, sizeOrType: 4, extra: [(1 << 24) | 32] };
}

/** The hostile BTF files of issue 17 row 6, by name. */
export function hostileBtfs(): Record<string, Uint8Array> {
  const chainLen = 10_000;
  return {
    // typedef a -> typedef b -> typedef a
    'typedef-cycle': rawBtf(() => [int(), { name: 'a', kind: K.TYPEDEF, sizeOrType: 3 }, { name: 'b', kind: K.TYPEDEF, sizeOrType: 2 },
      { name: 's', kind: K.STRUCT, vlen: 1, sizeOrType: 4, extra: [0, 2, 0] }]),
    // a const that is its own type, and a struct whose member is that const
    'self-const': rawBtf((n) => [int(), { kind: K.CONST, sizeOrType: 2 }, { name: 's', kind: K.STRUCT, vlen: 1, sizeOrType: 4, extra: [n('m'), 2, 0] }]),
    // struct s { struct s m; } (infinitely large by value), and an array of itself
    'struct-cycle': rawBtf((n) => [int(), { name: 's', kind: K.STRUCT, vlen: 2, sizeOrType: 8, extra: [n('m'), 2, 0, n('a'), 3, 32] },
      { kind: K.ARRAY, sizeOrType: 0, extra: [2, 1, 1] }]),
    // typedef t1 -> t2 -> ... -> t10000 -> int, used by a struct member
    'deep-chain': rawBtf((n) => [int(), ...Array.from({ length: chainLen }, (_, i): RawType => ({ name: `t${i + 1}`, kind: K.TYPEDEF, sizeOrType: i + 1 < chainLen ? i + 3 : 1 })),
      { name: 's', kind: K.STRUCT, vlen: 1, sizeOrType: 4, extra: [n('m'), 2, 0] }]),
    // pointers and members to ids that do not exist
    'dangling-id': rawBtf((n) => [int(), { kind: K.PTR, sizeOrType: 99999 }, { name: 's', kind: K.STRUCT, vlen: 2, sizeOrType: 16, extra: [n('p'), 2, 0, n('q'), 0xffffffff, 64] }]),
    // names at string offsets far outside the string table
    'string-offset': rawBtf(() => [int(), { name: 0xfffff0, kind: K.STRUCT, vlen: 1, sizeOrType: 4, extra: [0x7ffffff0, 1, 0] }, { name: 0xffffffff, kind: K.TYPEDEF, sizeOrType: 2 }]),
    // an int whose name lies outside the strings (found by the command fuzzer: `btf info` looks ints up by name)
    'int-bad-name': rawBtf(() => [{ ...int(), name: 0xffffffff }, { name: 'long', kind: K.INT, sizeOrType: 8, extra: [(1 << 24) | 64] }]),
    // struct of size 0xffffffff with members at the far end (a header would pad it with 4 GB of chars)
    'huge-struct': rawBtf((n) => [int(), { name: 'huge', kind: K.STRUCT, vlen: 2, sizeOrType: 0xffffffff, extra: [n('a'), 1, 0, n('z'), 1, 0xffffffe0] },
      { name: 'arr', kind: K.ARRAY, sizeOrType: 0, extra: [1, 1, 0xffffffff] }, { name: 'big', kind: K.STRUCT, vlen: 1, sizeOrType: 0xfffffffc, extra: [n('x'), 3, 0] }]),
  };
}

/** struct wide { int m0; ... int m65534; }: the most members a BTF struct can have (issue 17 row 14). */
export function wideStruct(): Uint8Array {
  return rawBtf((n) => {
    const extra: number[] = [];
    for (let i = 0; i < 65535; i++) extra.push(n(`m${i}`), 1, i * 32);
    return [int(), { name: 'wide', kind: K.STRUCT, vlen: 65535, sizeOrType: 65535 * 4, extra }];
  });
}

/** A copy of a BPF object whose first (or every) .BTF.ext CO-RE record names `typeId` (issue 17 row 7: 0xffffffff). */
export function withCoreReloTypeId(object: Uint8Array, typeId: number, every = false): Uint8Array {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { ElfFile } = require('../../src/btf/elf') as typeof import('../../src/btf/elf');
  const bytes = Buffer.from(object);
  const elf = new ElfFile(bytes, 'object');
  const ext = elf.section('.BTF.ext');
  if (!ext || !elf.littleEndian) throw new Error('needs a little-endian object with .BTF.ext');
  const at = ext.offset;
  const hdrLen = bytes.readUInt32LE(at + 4);
  const reloOff = bytes.readUInt32LE(at + 24);
  const reloLen = bytes.readUInt32LE(at + 28);
  if (!reloLen) throw new Error('object has no CO-RE relocations');
  const start = at + hdrLen + reloOff;
  const recSize = bytes.readUInt32LE(start);
  // sections: sec_name_off, num_info, then num_info records of insn_off, type_id, access_str_off, kind
  for (let p = start + 4; p < start + reloLen;) {
    const n = bytes.readUInt32LE(p + 4);
    for (let i = 0; i < n; i++) {
      bytes.writeUInt32LE(typeId >>> 0, p + 8 + i * recSize + 4);
      if (!every) return bytes;
    }
    p += 8 + n * recSize;
  }
  return bytes;
}
