// Raw BTF files (/sys/kernel/btf/vmlinux, pahole's detached .btf) read and parsed: what opening a kernel BTF costs is
// mostly that read and the record walk, so this is the path `libbpf btf__parse` is measured against.

import * as fs from 'fs';
import { BtfParseOptions, BtfScan, Btf } from './reader';
import { takeBuffer } from './recycle';
import { takeArena } from './wasmWalk';

/**
 * Bytes per read. One read for any kernel (like libbpf's single fread): walking each 128 KB piece right after reading
 * it (BtfScan.feed, to find it in the cache) was measured slower here than one read and one walk (warm CPU on 4
 * kernels, alternating runs: 2.21 vs 2.14 ms on 6.1, 2.45 vs 2.24 on 6.18, 2.98 vs 2.72 on cilium's, load ~10):
 * 43 read calls cost more than the cache saves, and one long walk is compiled once, not per piece. Larger files still
 * arrive in pieces of this size, each walked as it arrives.
 */
const CHUNK = 64 << 20;

/**
 * Reads and parses `path` if it is a regular file of raw BTF (first bytes are the BTF magic) no larger than
 * `maxBytes`; undefined otherwise (another container, a special file, a file that changed while read): the caller
 * then reads it the general way. Synchronous on purpose (a few milliseconds): a read on another thread would leave
 * the bytes in another core's cache. Throws BtfError for malformed BTF, and the fs error when it cannot be read.
 */
export function readRawBtfSync(path: string, opts: BtfParseOptions, maxBytes: number): Btf | undefined {
  // O_NONBLOCK: opening a FIFO must not wait for a writer (fstat then sends it to the general path, which refuses it)
  const fd = fs.openSync(path, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  try {
    const st = fs.fstatSync(fd);
    if (!st.isFile() || st.size < 32 || st.size > maxBytes) return undefined;
    const size = st.size;
    // The magic first, into a few bytes: an archive (the common case in a fleet) must not cost a file-sized buffer.
    const magic = Buffer.alloc(4);
    if (fs.readSync(fd, magic, 0, 4, 0) < 4 || !((magic[0] === 0x9f && magic[1] === 0xeb) || (magic[0] === 0xeb && magic[1] === 0x9f))) return undefined;
    // A kernel's bytes go straight into a WebAssembly memory whose walk needs no warming up (wasmWalk.ts); other
    // files into a buffer of their own (possibly one a released Btf left: recycle.ts). Either way Btf.release hands
    // the memory on again.
    const arena = takeArena(size);
    const bytes = arena ? arena.bytes(size) : Buffer.from(takeBuffer(size), 0, size);
    const scan = new BtfScan(bytes, path, opts, true, arena);
    const btf = readInto(fd, bytes, scan, size);
    if (!btf) arena?.release();
    return btf;
  } finally {
    fs.closeSync(fd);
  }
}

/** The read itself, walking each piece as it arrives: the Btf, or undefined when the file is not what it seemed. */
function readInto(fd: number, bytes: Buffer, scan: BtfScan, size: number): Btf | undefined {
  let filled = fs.readSync(fd, bytes, 0, Math.min(CHUNK, size), 0);
  if (filled < 4 || !((bytes[0] === 0x9f && bytes[1] === 0xeb) || (bytes[0] === 0xeb && bytes[1] === 0x9f))) return undefined;
  scan.feed(filled);
  while (filled < size) {
    const n = fs.readSync(fd, bytes, filled, Math.min(CHUNK, size - filled), filled);
    if (n === 0) return undefined;
    filled += n;
    scan.feed(filled);
  }
  return scan.finish();
}
