// Fuzzing the DWARF reader and converter: truncated and mutated fixture app binaries must only ever produce
// BtfError values naming the file, never another exception or a hang.

import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { ElfFile } from '../../src/btf/elf';
import { dwarfToBtf } from '../../src/btf/dwarf';
import { BtfError } from '../../src/btf/errors';
import { Btf } from '../../src/btf/reader';
import { Prng } from '../support/prng';
import { APPS_BIN } from './support';

const SEED = Number(process.env.CORELENS_FUZZ_SEED ?? 20261123);
const CASES = Number(process.env.CORELENS_FUZZ_CASES ?? 1);

/** Converts and then reads back every type: only BtfError may escape. */
function attempt(bytes: Uint8Array, label: string): 'ok' | 'rejected' {
  try {
    const c = dwarfToBtf(new ElfFile(bytes, label));
    const btf = Btf.parse(c.bytes, label);
    for (let id = 1; id < btf.typeCount; id++) btf.type(id);
    return 'ok';
  } catch (e) {
    if (e instanceof BtfError) {
      assert.ok(e.file === label && e.problem.length > 0, `${label}: error without file or message: ${e.message}`);
      return 'rejected';
    }
    throw new Error(`${label}: ${e instanceof Error ? e.stack : String(e)}`);
  }
}

/** Byte ranges of the DWARF sections, where mutations hurt most. */
function dwarfRanges(bytes: Uint8Array): [number, number][] {
  const elf = new ElfFile(bytes, 'x');
  return elf.sections.filter((s) => s.name.startsWith('.debug_') && s.size > 0).map((s) => [s.offset, s.offset + s.size]);
}

describe(`fuzz: DWARF → BTF never crashes (seed ${SEED}; CORELENS_FUZZ_SEED / CORELENS_FUZZ_CASES to vary)`, function () {
  this.timeout(300_000);
  const bins = ['uprobe_v2', 'plugin_v3', 'shapes', 'shapes.dwarf4', 'shapes.bpfeb.o'];

  it(`mutated DWARF sections and headers (${bins.length} binaries × ${1000 * CASES} cases)`, () => {
    const rng = new Prng(SEED);
    let ok = 0;
    let rejected = 0;
    for (const name of bins) {
      const orig = fs.readFileSync(path.join(APPS_BIN, name));
      const ranges = dwarfRanges(orig);
      for (let i = 0; i < 1000 * CASES; i++) {
        const bytes = Uint8Array.from(orig);
        const n = 1 + rng.int(6);
        for (let k = 0; k < n; k++) {
          const where = rng.int(10);
          let p: number;
          if (where < 8) {
            const [a, b] = rng.pick(ranges);
            // Unit and abbreviation headers sit at the start of their sections: bias towards them.
            p = a + (rng.int(3) === 0 ? rng.int(Math.min(32, b - a)) : rng.int(b - a));
          } else {
            p = rng.int(bytes.length);
          }
          const style = rng.int(4);
          bytes[p] = style === 0 ? bytes[p]! ^ (1 << rng.int(8)) : style === 1 ? rng.int(256) : style === 2 ? 0xff : 0;
        }
        (attempt(bytes, `${name}#${i}`) === 'ok' ? ok++ : rejected++);
      }
    }
    console.log(`      dwarf fuzz (mutate): ${ok} converted, ${rejected} rejected with BtfError`);
    assert.ok(rejected > 0 && ok > 0);
  });

  it('truncated binaries and truncated DWARF sections', () => {
    const rng = new Prng(SEED + 1);
    let cases = 0;
    for (const name of bins) {
      const orig = fs.readFileSync(path.join(APPS_BIN, name));
      for (let i = 0; i < 200 * CASES; i++) {
        attempt(orig.subarray(0, rng.int(orig.length)), `${name}@cut${i}`);
        cases++;
      }
      // Shrink one DWARF section's size field in the section header table: data ends mid-unit.
      const elf = new ElfFile(orig, name);
      const shoff = Number(Buffer.from(orig).readBigUInt64LE(0x28));
      const le = elf.littleEndian;
      for (const s of elf.sections.filter((x) => x.name.startsWith('.debug_'))) {
        for (let k = 0; k < 40 * CASES; k++) {
          const bytes = Buffer.from(orig);
          const at = (le ? shoff : Number(bytes.readBigUInt64BE(0x28))) + s.index * 64 + 0x20;
          const size = rng.int(s.size);
          if (le) bytes.writeBigUInt64LE(BigInt(size), at);
          else bytes.writeBigUInt64BE(BigInt(size), at);
          attempt(bytes, `${name}:${s.name}=${size}`);
          cases++;
        }
      }
    }
    console.log(`      dwarf fuzz (truncate): ${cases} cases`);
  });

  it('refuses DWARF64 and zstd-compressed sections with a message saying so', () => {
    const orig = Buffer.from(fs.readFileSync(path.join(APPS_BIN, 'uprobe_v2')));
    const info = new ElfFile(orig, 'x').section('.debug_info')!;
    const b64 = Buffer.from(orig);
    b64.writeUInt32LE(0xffffffff, info.offset);
    assert.throws(() => dwarfToBtf(new ElfFile(b64, 'dw64')), (e: BtfError) => /64-bit DWARF/.test(e.message) && e.file === 'dw64' && e.offset === info.offset);
    const z = Buffer.from(orig);
    const shoff = Number(z.readBigUInt64LE(0x28));
    z.writeBigUInt64LE(BigInt(info.flags | 0x800), shoff + info.index * 64 + 8); // SHF_COMPRESSED
    z.writeUInt32LE(2, info.offset); // ELFCOMPRESS_ZSTD
    assert.throws(() => dwarfToBtf(new ElfFile(z, 'zst')), (e: BtfError) => /zstd.*objcopy --decompress-debug-sections/.test(e.message) && e.file === 'zst');
  });
});
