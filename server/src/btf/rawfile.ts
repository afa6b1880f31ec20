// Raw BTF files (/sys/kernel/btf/vmlinux, pahole's detached .btf) read and parsed in one pass: each piece is walked
// by the record scan right after it is read, while it is still in the CPU cache (BtfScan). What opening a kernel
// BTF costs is mostly that read and that walk, so this is the path `libbpf btf__parse` is measured against.

import * as fs from 'fs';
import { BtfParseOptions, BtfScan, Btf } from './reader';
import { takeBuffer } from './recycle';

/** Bytes per read: small enough to stay in the cache between the read and the walk, large enough to be cheap. */
const CHUNK = 128 * 1024;

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
    // A buffer of its own (possibly one a released Btf left: recycle.ts), so Btf.release can hand it on again.
    const bytes = Buffer.from(takeBuffer(size), 0, size);
    let filled = fs.readSync(fd, bytes, 0, Math.min(CHUNK, size), 0);
    if (filled < 4 || !((bytes[0] === 0x9f && bytes[1] === 0xeb) || (bytes[0] === 0xeb && bytes[1] === 0x9f))) return undefined;
    const scan = new BtfScan(bytes, path, opts, true);
    scan.feed(filled);
    while (filled < size) {
      const n = fs.readSync(fd, bytes, filled, Math.min(CHUNK, size - filled), filled);
      if (n === 0) return undefined;
      filled += n;
      scan.feed(filled);
    }
    return scan.finish();
  } finally {
    fs.closeSync(fd);
  }
}
