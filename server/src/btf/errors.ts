// Errors as values: every failure names the file, where in it, and what is wrong, in words a user can act on.

/** A problem with a BTF/ELF/archive input. Thrown only inside the library; public entry points return it. */
export class BtfError extends Error {
  override readonly name = 'BtfError';
  constructor(
    /** What is wrong, without the file name (added by `toString`). */
    readonly problem: string,
    /** The file the bytes came from (or a description such as "<memory>"). */
    readonly file: string,
    /** Byte offset inside the file (or inside the decompressed payload) where the problem was seen. */
    readonly offset?: number,
  ) {
    super(formatMessage(problem, file, offset));
  }
  /** An I/O condition (missing, permission...) rather than a property of the bytes: not worth caching. */
  transient?: boolean;
}

function formatMessage(problem: string, file: string, offset?: number): string {
  return offset === undefined ? `${file}: ${problem}` : `${file}: ${problem} (at byte ${offset})`;
}

/** Outcome of an operation that can fail on bad input: the value, or the error that explains why not. */
export type Result<T, E = BtfError> = { ok: true; value: T } | { ok: false; error: E };

/** Wraps a value as a successful Result. */
export function ok<T>(value: T): { ok: true; value: T } {
  return { ok: true, value };
}

/** Wraps an error as a failed Result. */
export function fail<E>(error: E): { ok: false; error: E } {
  return { ok: false, error };
}

/**
 * Runs `fn`, turning a thrown BtfError into a failed Result. Any other exception is a bug in corelens, but bad
 * input must still never take a caller down, so it is reported as a BtfError naming the file too.
 */
export function capture<T>(file: string, fn: () => T): Result<T> {
  try {
    return ok(fn());
  } catch (e) {
    return fail(asBtfError(e, file));
  }
}

/** Normalises anything thrown while reading `file` into a BtfError. */
export function asBtfError(e: unknown, file: string): BtfError {
  if (e instanceof BtfError) return e;
  if (e instanceof RangeError) return new BtfError(`data ends too early or is malformed (${e.message})`, file);
  const msg = e instanceof Error ? e.message : String(e);
  return new BtfError(`internal error while reading: ${msg}`, file);
}
