// A compiled BPF object (clang -target bpf -g): its ELF sections, .BTF and .BTF.ext, ready for relocation.

import { InputError, readInput } from '../util/files';
import { BtfError, Result, asBtfError, fail, ok } from './errors';
import { ElfFile, isElf } from './elf';
import { BtfExt, parseBtfExt } from './ext';
import { Btf } from './reader';

export interface BpfObject {
  readonly file: string;
  readonly elf: ElfFile;
  /** The object's own (local) BTF: the types the program was compiled against. */
  readonly btf: Btf;
  /** Absent when the object carries no .BTF.ext (then it has no CO-RE relocations). */
  readonly ext?: BtfExt;
}

/** Parses a BPF object from memory; throws BtfError when it is not one. */
export function parseBpfObject(bytes: Uint8Array, file: string): BpfObject {
  const elf = new ElfFile(bytes, file);
  const btfSec = elf.section('.BTF');
  if (!btfSec) throw new BtfError('object has no .BTF section: compile with clang -g -target bpf', file);
  const btf = Btf.parse(elf.data(btfSec), file);
  const extSec = elf.section('.BTF.ext');
  const ext = extSec ? parseBtfExt(elf.data(extSec), btf, file) : undefined;
  return { file, elf, btf, ext };
}

/** Reads a BPF object file's bytes within the object cap, refusing anything that does not start as ELF. */
export async function readBpfObjectBytes(path: string): Promise<Uint8Array> {
  return readInput(path, 'object', (head) => (isElf(head) ? undefined
    : `not an ELF file, so not a BPF object (starts with ${Array.from(head.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join(' ') || 'nothing: the file is empty'})`));
}

/** Reads and parses a BPF object file. Never throws. */
export async function openBpfObject(path: string): Promise<Result<BpfObject>> {
  let bytes: Uint8Array;
  try {
    bytes = await readBpfObjectBytes(path);
  } catch (e) {
    return fail(e instanceof InputError ? new BtfError(e.message, path) : asBtfError(e, path));
  }
  try {
    return ok(parseBpfObject(bytes, path));
  } catch (e) {
    return fail(asBtfError(e, path));
  }
}
