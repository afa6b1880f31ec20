// Memory a released Btf hands to the next open: fresh multi-megabyte buffers cost a page fault and a kernel page
// clear per 4 KB on first touch (a quarter of a warm raw open), which libbpf never pays because malloc reuses what
// btf__free gave back. Recycling is explicit (Btf.release) and safe: a buffer enters the pool by being transferred,
// which detaches every view the released Btf (or anyone holding a subarray of its bytes) still has, so old views read
// nothing instead of the next file's bytes.

/** At most this many buffers wait in the pool (one open needs three: file bytes, record offsets, kinds). */
const MAX_POOLED = 6;
/** Never pin more than this much idle memory. */
const MAX_POOLED_BYTES = 64 << 20;

const pool: ArrayBuffer[] = [];
let pooledBytes = 0;

// V8 compiles typed-array code without detach checks until the first ArrayBuffer of the process is detached; that
// first detach (the first release) then throws away every compiled loop over BTF bytes (the record walk, the name
// lookups), and the next open walks ~30k records in the interpreter again before it is recompiled: ~5 ms of CPU per
// process, measured. Detaching a tiny buffer when this module loads, before anything is compiled, makes that happen
// once with nothing to lose. (structuredClone with a transfer list is how recycleBuffer detaches, too.)
try {
  const probe = new ArrayBuffer(8);
  structuredClone(probe, { transfer: [probe] });
} catch {
  // (no structuredClone: recycleBuffer will not detach either, so nothing is lost)
}

/**
 * An ArrayBuffer of at least `bytes` bytes, uninitialised: the smallest pooled one that fits without wasting more than
 * half of it (a 200 KB module must not pin a 6 MB vmlinux buffer), else a fresh one.
 */
export function takeBuffer(bytes: number): ArrayBuffer {
  let best = -1;
  for (let i = 0; i < pool.length; i++) {
    const len = pool[i]!.byteLength;
    if (len >= bytes && len <= 2 * bytes + 4096 && (best < 0 || len < pool[best]!.byteLength)) best = i;
  }
  if (best < 0) return Buffer.allocUnsafeSlow(bytes).buffer as ArrayBuffer;
  const [buf] = pool.splice(best, 1);
  pooledBytes -= buf!.byteLength;
  return buf!;
}

/**
 * Gives `buf` to the pool, detaching it: every existing view of it becomes empty (reads yield undefined, DataView
 * and subarray throw). Buffers that cannot be transferred (shared, already detached, Node's pooled small-Buffer slab
 * which other Buffers share) are left alone.
 */
export function recycleBuffer(buf: ArrayBufferLike): void {
  if (!(buf instanceof ArrayBuffer) || buf.byteLength < 64 * 1024) return;
  let moved: ArrayBuffer;
  try {
    moved = structuredClone(buf, { transfer: [buf] });
  } catch {
    return;
  }
  pool.push(moved);
  pooledBytes += moved.byteLength;
  // Oldest first out: the pool serves a loop of opens of similar files, not a long history.
  while (pool.length > MAX_POOLED || pooledBytes > MAX_POOLED_BYTES) pooledBytes -= pool.shift()!.byteLength;
}
