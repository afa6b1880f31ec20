// Opening BTF from files as found in the wild: raw .btf, /sys/kernel/btf/*, ELF .BTF sections, .gz, .xz, tar.
//
// Decompression: gzip uses Node's zlib; xz uses the system `xz` when it runs (about 3x faster, which matters when
// hundreds of BTFHub archives are checked), else `xz-decompress` (xz-embedded compiled to WebAssembly), chosen
// because it needs no native build and bundles into the VS Code extension unchanged on every platform.
// tar is simple enough (512-byte ustar headers) that a reader here beats a dependency.

import { spawn, spawnSync } from 'child_process';
import { promises as fs } from 'fs';
import * as zlib from 'zlib';
import { BtfError, Result, asBtfError, fail, ok } from './errors';
import { dwarfToBtf, hasDwarf } from './dwarf';
import { ElfFile, isElf } from './elf';
import { Btf } from './reader';
import { readRawBtfSync } from './rawfile';
import { decompressWithXzPool } from './xz';

/** Decompressed payloads larger than this are refused: no real BTF comes close, and memory must stay bounded. */
export const MAX_PAYLOAD = 512 * 1024 * 1024;
const MAX_NESTING = 4;

export interface OpenOptions {
  /** Base BTF when the file is split BTF (a kernel module over vmlinux, an app over a kernel). */
  base?: Btf;
}

export interface OpenedBtf {
  btf: Btf;
  /** How the BTF was found, outermost first: e.g. ["xz", "tar:5.4.0-100-generic.btf", "raw"]. */
  containers: string[];
}

/** Reads and parses the BTF in `path`, unwrapping compression, archives and ELF as needed. Never throws. */
export async function openBtfFile(path: string, opts: OpenOptions = {}): Promise<Result<OpenedBtf>> {
  try {
    // Raw BTF (the running kernel's, pahole's .btf) is read and parsed in one pass; anything else goes on below.
    const raw = readRawBtfSync(path, opts, MAX_PAYLOAD);
    if (raw) return ok({ btf: raw, containers: ['raw'] });
  } catch (e) {
    if (e instanceof BtfError) return fail(e);
    // an fs error: the general path below reads again and describes it
  }
  let bytes: Uint8Array;
  try {
    bytes = await fs.readFile(path);
  } catch (e) {
    return fail(new BtfError(describeFsError(e), path));
  }
  return openBtfBytes(bytes, path, opts);
}

/** Parses BTF from bytes already in memory (any supported container). `file` names them in errors. Never throws. */
export async function openBtfBytes(bytes: Uint8Array, file: string, opts: OpenOptions = {}): Promise<Result<OpenedBtf>> {
  try {
    const containers: string[] = [];
    const payload = await unwrap(bytes, file, containers);
    return ok({ btf: Btf.parse(payload, file, opts), containers });
  } catch (e) {
    return fail(asBtfError(e, file));
  }
}

/** Strips compression and archive layers until raw BTF remains; records each layer in `containers`. */
export async function unwrap(bytes: Uint8Array, file: string, containers: string[]): Promise<Uint8Array> {
  for (let depth = 0; depth <= MAX_NESTING; depth++) {
    if (bytes.length >= 2 && (bytes[0] === 0x9f && bytes[1] === 0xeb || bytes[0] === 0xeb && bytes[1] === 0x9f)) {
      containers.push('raw');
      return bytes;
    }
    if (isXz(bytes)) {
      containers.push('xz');
      bytes = await xzDecompress(bytes, file);
    } else if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) {
      containers.push('gzip');
      bytes = gunzip(bytes, file);
    } else if (bytes.length >= 4 && bytes[0] === 0x28 && bytes[1] === 0xb5 && bytes[2] === 0x2f && bytes[3] === 0xfd) {
      throw new BtfError('zstd-compressed input is not supported yet; decompress it first: zstd -d FILE', file, 0);
    } else if (isTar(bytes)) {
      const member = pickTarMember(bytes, file);
      containers.push(`tar:${member.name}`);
      bytes = member.data;
    } else if (isElf(bytes)) {
      const elf = new ElfFile(bytes, file);
      const sec = elf.section('.BTF');
      if (!sec) {
        // A userspace binary built with plain -g: convert its DWARF so that no pahole step is needed.
        if (hasDwarf(elf)) {
          containers.push('elf:dwarf');
          return dwarfToBtf(elf).bytes;
        }
        throw new BtfError('ELF file has neither a .BTF section nor DWARF (.debug_info) (BPF objects need clang -g; kernels '
          + 'CONFIG_DEBUG_INFO_BTF; userspace binaries gcc -g, or pahole -J / --btf_encode_detached)', file);
      }
      containers.push('elf:.BTF');
      return elf.data(sec);
    } else {
      const head = Array.from(bytes.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join(' ');
      throw new BtfError(`not BTF, ELF, xz, gzip or tar data (starts with ${head || 'nothing: the file is empty'})`, file, 0);
    }
  }
  throw new BtfError(`more than ${MAX_NESTING} nested containers: refusing`, file);
}

function isXz(b: Uint8Array): boolean {
  return b.length >= 6 && b[0] === 0xfd && b[1] === 0x37 && b[2] === 0x7a && b[3] === 0x58 && b[4] === 0x5a && b[5] === 0;
}

function gunzip(bytes: Uint8Array, file: string): Uint8Array {
  try {
    return zlib.gunzipSync(bytes, { maxOutputLength: MAX_PAYLOAD });
  } catch (e) {
    throw new BtfError(`gzip data is corrupt or too large: ${(e as Error).message}`, file);
  }
}

type XzModule = { XzReadableStream: new (s: ReadableStream<Uint8Array>) => ReadableStream<Uint8Array> };
let xzModule: XzModule | undefined;

async function xzDecompress(bytes: Uint8Array, file: string): Promise<Uint8Array> {
  if (hasNativeXz()) {
    // A long-lived xz per thread when the archive declares its size (every real one does): no fork per archive.
    const pooled = decompressWithXzPool(bytes, file, MAX_PAYLOAD, () => new BtfError(`xz data expands beyond ${MAX_PAYLOAD} bytes: refusing`, file));
    return pooled ?? nativeXz(bytes, file);
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  xzModule ??= require('xz-decompress') as XzModule;
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    const input = new Blob([bytes]).stream() as ReadableStream<Uint8Array>;
    const reader = new xzModule.XzReadableStream(input).getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.length;
      if (total > MAX_PAYLOAD) {
        await reader.cancel();
        throw new BtfError(`xz data expands beyond ${MAX_PAYLOAD} bytes: refusing`, file);
      }
      chunks.push(value);
    }
  } catch (e) {
    if (e instanceof BtfError) throw e;
    throw new BtfError(`xz data is corrupt or truncated: ${e instanceof Error ? e.message : String(e)}`, file);
  }
  return Buffer.concat(chunks, total);
}

let nativeXzAvailable: boolean | undefined;

/** Whether the system `xz` runs (CORELENS_NO_NATIVE_XZ forces the WebAssembly decoder, e.g. to test it). */
function hasNativeXz(): boolean {
  if (process.env.CORELENS_NO_NATIVE_XZ) return false;
  nativeXzAvailable ??= spawnSync('xz', ['--version'], { stdio: 'ignore' }).status === 0;
  return nativeXzAvailable;
}

/** `xz -dc` on bytes, bounded like the WebAssembly path; errors are BtfErrors naming the file. */
function nativeXz(bytes: Uint8Array, file: string): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const child = spawn('xz', ['-dc'], { stdio: ['pipe', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    let total = 0;
    let err = '';
    child.stdout.on('data', (c: Buffer) => {
      total += c.length;
      if (total > MAX_PAYLOAD) {
        child.kill();
        reject(new BtfError(`xz data expands beyond ${MAX_PAYLOAD} bytes: refusing`, file));
      } else chunks.push(c);
    });
    child.stderr.on('data', (c: Buffer) => { err += c.toString(); });
    child.on('error', (e) => reject(new BtfError(`xz: ${e.message}`, file)));
    child.on('close', (code) => {
      if (code === 0) resolve(Buffer.concat(chunks, total));
      else reject(new BtfError(`xz data is corrupt or truncated: ${err.trim().replace(/^xz: \(stdin\): /, '') || `xz exited with ${code}`}`, file));
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(bytes);
  });
}

function isTar(b: Uint8Array): boolean {
  return b.length >= 512 && b[257] === 0x75 && b[258] === 0x73 && b[259] === 0x74 && b[260] === 0x61 && b[261] === 0x72;
}

export interface TarMember {
  name: string;
  data: Uint8Array;
}

/** Regular files of a tar archive (ustar/GNU), as views into `bytes`. */
export function tarMembers(bytes: Uint8Array, file: string): TarMember[] {
  const out: TarMember[] = [];
  let longName: string | undefined;
  for (let p = 0; p + 512 <= bytes.length;) {
    const h = bytes.subarray(p, p + 512);
    if (h.every((x) => x === 0)) break;
    const field = (s: number, n: number) => {
      let e = s;
      while (e < s + n && h[e] !== 0) e++;
      return Buffer.from(h.buffer, h.byteOffset + s, e - s).toString('utf8');
    };
    const sizeText = field(124, 12).trim();
    const size = parseInt(sizeText || '0', 8);
    if (!Number.isFinite(size) || size < 0) throw new BtfError(`tar header has a bad size field "${sizeText}"`, file, p + 124);
    const type = String.fromCharCode(h[156]!);
    const dataStart = p + 512;
    if (dataStart + size > bytes.length) throw new BtfError(`tar member at byte ${p} is cut off`, file, p);
    const prefix = field(345, 155);
    const name = longName ?? (prefix ? `${prefix}/${field(0, 100)}` : field(0, 100));
    longName = undefined;
    if (type === 'L') longName = Buffer.from(bytes.subarray(dataStart, dataStart + size)).toString('utf8').replace(/\0+$/, '');
    else if (type === '0' || type === '\0') out.push({ name, data: bytes.subarray(dataStart, dataStart + size) });
    p = dataStart + Math.ceil(size / 512) * 512;
  }
  return out;
}

function pickTarMember(bytes: Uint8Array, file: string): TarMember {
  const members = tarMembers(bytes, file);
  const btf = members.filter((m) => m.name.endsWith('.btf'));
  const pick = btf[0] ?? members[0];
  if (!pick) throw new BtfError('tar archive holds no regular file', file);
  if (btf.length > 1) {
    throw new BtfError(`tar archive holds ${btf.length} .btf files (${btf.map((m) => m.name).join(', ')}); extract the one you want`, file);
  }
  return pick;
}

/** Readable text for a failed file read (missing file, permission, directory...). */
export function describeFsError(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  switch (err?.code) {
    case 'ENOENT': return 'file not found';
    case 'EACCES': case 'EPERM': return 'permission denied (try running as a user who can read it)';
    case 'EISDIR': return 'is a directory, not a BTF file';
    default: return `cannot read: ${err?.message ?? String(e)}`;
  }
}
