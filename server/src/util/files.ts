// Bounded reading of input files, the one primitive every reader uses (BTF, objects, sources, headers, configs,
// cache entries): regular files only, stat'ed before they are opened, the first bytes checked before the rest is
// read, and a size cap per kind of input that the error message names.
//
// Why: a language server opens whatever a workspace contains and a CI gate reads whatever a pull request adds.
// `/dev/zero` or `/dev/urandom` read without a bound ate 6-11 GB; a FIFO blocked forever (the server stopped
// answering); a 1.9 GB file was read whole before its first bytes said it was not BTF.
//
// Limits are set by environment variables (CORELENS_MAX_<KIND>_MB), not by corelens.json: the configuration file
// is itself untrusted input (a pull request could raise its own limits), and the environment reaches every place
// that reads (the CLI, the language server started by any editor, check's worker threads) in one way.
//
// util/ is below every other room: it imports nothing from the project.

import * as fs from 'fs';

/** What is being read; each kind has its own cap. */
export type InputKind = 'btf' | 'object' | 'source' | 'header' | 'config' | 'cache' | 'decompressed';

interface LimitInfo { readonly mb: number; readonly what: string }

/**
 * Default caps in MiB. Real inputs stay far below: a kernel's BTF is 5-10 MB (an ELF vmlinux is read section by
 * section, so only its .BTF counts), a BPF object well under 10 MB, vmlinux.h about 3 MB, a corelens.json a few KB.
 * `decompressed` bounds what one .xz/.gz expands to (the BTF inside a BTFHub archive is 5-10 MB).
 */
export const INPUT_LIMITS: Readonly<Record<InputKind, LimitInfo>> = {
  btf: { mb: 256, what: 'BTF files' },
  object: { mb: 128, what: 'BPF objects' },
  source: { mb: 8, what: 'C sources' },
  header: { mb: 16, what: 'headers' },
  config: { mb: 1, what: 'configuration files' },
  cache: { mb: 64, what: 'cache entries' },
  decompressed: { mb: 256, what: 'decompressed data' },
};

/** The environment variable that sets a kind's cap in MiB. */
export function limitEnvVar(kind: InputKind): string {
  return `CORELENS_MAX_${kind.toUpperCase()}_MB`;
}

/** The cap in bytes for a kind: its environment variable when set to a positive number, else the default. */
export function limitBytes(kind: InputKind): number {
  const raw = process.env[limitEnvVar(kind)];
  const mb = raw !== undefined && /^\d+(\.\d+)?$/.test(raw.trim()) && Number(raw) > 0 ? Number(raw) : INPUT_LIMITS[kind].mb;
  return Math.floor(mb * 1024 * 1024);
}

/** "1.9 GB", "512 MB", "12 KB": sizes in messages. */
export function formatSize(bytes: number): string {
  if (bytes >= 1024 ** 3) return `${(bytes / 1024 ** 3).toFixed(1)} GB`;
  if (bytes >= 1024 ** 2) return `${Math.round(bytes / 1024 ** 2)} MB`;
  if (bytes >= 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${bytes} bytes`;
}

/** The message for an input over its cap, naming the cap and how to raise it. */
export function overLimitMessage(kind: InputKind, size: number | string, what = 'file'): string {
  const s = typeof size === 'number' ? formatSize(size) : size;
  return `${what} is ${s}, over the ${formatSize(limitBytes(kind))} limit for ${INPUT_LIMITS[kind].what} (set ${limitEnvVar(kind)} to raise it)`;
}

/** The message for decompressed data that outgrew its cap: `${what} expands to more than 256 MB, the limit for ...`. */
export function expandsBeyondMessage(what: string): string {
  return `${what} expands to more than ${formatSize(limitBytes('decompressed'))}, the limit for ${INPUT_LIMITS.decompressed.what} `
    + `(set ${limitEnvVar('decompressed')} to raise it)`;
}

/**
 * A file that cannot or must not be read: `message` says why in words a user understands; `file` names it.
 * `transient`: an I/O condition (missing, permission, too many open files) that can change while the file does not,
 * as opposed to what the file is (a FIFO, too large, not BTF).
 */
export class InputError extends Error {
  constructor(message: string, readonly file: string, readonly transient = false) {
    super(message);
  }
}

/** Readable text for a failed file operation (missing file, permission, directory...). */
export function describeFsError(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  switch (err?.code) {
    case 'ENOENT': return 'file not found';
    case 'ENOTDIR': return 'file not found (a path component is not a directory)';
    case 'EACCES': case 'EPERM': return 'permission denied (try running as a user who can read it)';
    case 'EISDIR': return 'is a directory, not a file';
    case 'ELOOP': return 'too many levels of symbolic links (a symlink cycle?)';
    case 'ENAMETOOLONG': return 'the path is too long';
    case 'ENXIO': return 'is a socket or a device without a reader: not a regular file';
    case 'EMFILE': case 'ENFILE': return 'too many open files (raise ulimit -n)';
    default: return `cannot read: ${err?.message ?? String(e)}`;
  }
}

/** Why a stat result is not a readable data file, or undefined when it is a regular file. */
export function notRegular(st: fs.Stats): string | undefined {
  if (st.isFile()) return undefined;
  if (st.isDirectory()) return 'is a directory, not a file';
  if (st.isFIFO()) return 'is a named pipe (FIFO), not a regular file: not read (it could block forever)';
  if (st.isCharacterDevice()) return 'is a character device (like /dev/zero), not a regular file: not read';
  if (st.isBlockDevice()) return 'is a block device, not a regular file: not read';
  if (st.isSocket()) return 'is a socket, not a regular file: not read';
  return 'is not a regular file: not read';
}

/** An open input file whose size and type were checked; read ranges of it, then close it. */
export interface BoundedFile {
  readonly file: string;
  readonly size: number;
  /** Reads `length` bytes at `offset` (fewer at the end of the file) into `into` at `at` (or a new buffer). */
  readAt(offset: number, length: number, into?: Uint8Array, at?: number): Promise<Uint8Array>;
  close(): Promise<void>;
}

// O_NONBLOCK: if the path is swapped for a FIFO between the stat and the open, the open still returns at once
const OPEN_FLAGS = fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0);

/**
 * Opens an input for bounded reading: a regular file (`/sys/kernel/btf/*` are regular files too), stat'ed before
 * it is opened (a device or FIFO is never opened: opening some devices has effects) and again after (the same
 * file). Throws InputError.
 */
export async function openInput(file: string): Promise<BoundedFile> {
  let st: fs.Stats;
  try {
    st = await fs.promises.stat(file);
  } catch (e) {
    throw new InputError(describeFsError(e), file, true);
  }
  const bad = notRegular(st);
  if (bad) throw new InputError(bad, file);
  let fh: fs.promises.FileHandle;
  try {
    fh = await fs.promises.open(file, OPEN_FLAGS);
  } catch (e) {
    throw new InputError(describeFsError(e), file, true);
  }
  try {
    const st2 = await fh.stat();
    if (notRegular(st2) || st2.ino !== st.ino || st2.dev !== st.dev) throw new InputError('changed while being opened: not read', file, true);
    return {
      file,
      size: st2.size,
      async readAt(offset, length, into, at = 0) {
        const len = Math.max(0, Math.min(length, st2.size - offset));
        const buf = into ?? Buffer.allocUnsafe(len);
        let done = 0;
        while (done < len) {
          const { bytesRead } = await fh.read(buf, at + done, len - done, offset + done);
          if (bytesRead === 0) break; // the file shrank: what is there
          done += bytesRead;
        }
        return into ? buf : buf.subarray(0, done);
      },
      close: () => fh.close(),
    };
  } catch (e) {
    await fh.close().catch(() => undefined);
    throw e instanceof InputError ? e : new InputError(describeFsError(e), file, true);
  }
}

/** Bytes at the start of a file handed to `check` before the rest is read (magic numbers live there). */
export const HEAD_BYTES = 512;

/**
 * Reads a whole input file within its kind's cap. `check` sees the first bytes (up to HEAD_BYTES) before anything
 * else is read and returns a problem to refuse the file (wrong magic). Throws InputError.
 */
export async function readInput(file: string, kind: InputKind, check?: (head: Uint8Array) => string | undefined): Promise<Uint8Array> {
  const f = await openInput(file);
  try {
    const head = await f.readAt(0, Math.min(HEAD_BYTES, f.size));
    const problem = check?.(head);
    if (problem) throw new InputError(problem, file);
    if (f.size > limitBytes(kind)) throw new InputError(overLimitMessage(kind, f.size), file);
    if (f.size <= head.length) return head;
    const all = Buffer.allocUnsafe(f.size);
    all.set(head, 0);
    await f.readAt(head.length, f.size - head.length, all, head.length);
    return all;
  } catch (e) {
    throw e instanceof InputError ? e : new InputError(describeFsError(e), file, true);
  } finally {
    await f.close().catch(() => undefined);
  }
}

/** readInput for text (UTF-8); refuses binary data (a NUL in the first bytes). Throws InputError. */
export async function readTextInput(file: string, kind: InputKind): Promise<string> {
  const bytes = await readInput(file, kind, textCheck(kind));
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
}

const TEXT_NAMES: Partial<Record<InputKind, string>> = { source: 'C source', header: 'a C header', config: 'a configuration file' };

function textCheck(kind: InputKind): (head: Uint8Array) => string | undefined {
  return (head) => (head.includes(0) ? `holds binary data, not text: not read as ${TEXT_NAMES[kind] ?? 'text'}` : undefined);
}

/** Synchronous readInput, for the synchronous readers (headers while preprocessing, configuration). */
export function readInputSync(file: string, kind: InputKind, check?: (head: Uint8Array) => string | undefined): Uint8Array {
  let st: fs.Stats;
  try {
    st = fs.statSync(file);
  } catch (e) {
    throw new InputError(describeFsError(e), file, true);
  }
  const bad = notRegular(st);
  if (bad) throw new InputError(bad, file);
  let fd: number;
  try {
    fd = fs.openSync(file, OPEN_FLAGS);
  } catch (e) {
    throw new InputError(describeFsError(e), file, true);
  }
  try {
    const st2 = fs.fstatSync(fd);
    if (notRegular(st2) || st2.ino !== st.ino || st2.dev !== st.dev) throw new InputError('changed while being opened: not read', file, true);
    const readAt = (buf: Uint8Array, at: number, len: number, pos: number): number => {
      let done = 0;
      while (done < len) {
        const n = fs.readSync(fd, buf, at + done, len - done, pos + done);
        if (n === 0) break;
        done += n;
      }
      return done;
    };
    const headLen = Math.min(HEAD_BYTES, st2.size);
    const head = Buffer.allocUnsafe(headLen);
    const got = readAt(head, 0, headLen, 0);
    const problem = check?.(head.subarray(0, got));
    if (problem) throw new InputError(problem, file);
    if (st2.size > limitBytes(kind)) throw new InputError(overLimitMessage(kind, st2.size), file);
    if (st2.size <= got) return head.subarray(0, got);
    const all = Buffer.allocUnsafe(st2.size);
    all.set(head.subarray(0, got), 0);
    const n = readAt(all, got, st2.size - got, got);
    return all.subarray(0, got + n);
  } catch (e) {
    throw e instanceof InputError ? e : new InputError(describeFsError(e), file, true);
  } finally {
    fs.closeSync(fd);
  }
}

/** readTextInput, synchronously. Throws InputError. */
export function readTextInputSync(file: string, kind: InputKind): string {
  return readTextAndBytesSync(file, kind).text;
}

/** readTextInputSync, also giving the bytes the text was decoded from (hashing 3 MB of bytes costs ~2 ms, the same
 * text as a string ~14: crypto encodes it to UTF-8 first). Throws InputError. */
export function readTextAndBytesSync(file: string, kind: InputKind): { text: string; bytes: Uint8Array } {
  const bytes = readInputSync(file, kind, textCheck(kind));
  return { text: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'), bytes };
}

/** Shortens untrusted text (a tar member name, a type name) for a one-line message. */
export function clip(text: string, max = 200): string {
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length} characters)`;
}
