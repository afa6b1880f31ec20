// A few hand-assembled WebAssembly functions for loops that run once per process (a kernel BTF's record walk, the
// header-scan cache's hash slots): V8 runs such a loop in its interpreter until Turbofan replaces it, while Liftoff
// compiles a tiny module in well under a millisecond and runs it at native-like speed from the first iteration.
// This file holds what they share: the JS API's few shapes, LEB128 and the one-function module layout.

// The project compiles without the WebAssembly lib's typings (as source/parser.ts): the shapes used here.
/** A WebAssembly.Memory: its buffer (replaced, the old one detached, by every grow) and grow(pages). */
export interface WasmMemory { readonly buffer: ArrayBuffer; grow(pages: number): number }
/** An exported WebAssembly.Global. */
export interface WasmGlobal { readonly value: unknown }
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { readonly exports: object };
  Memory: new (desc: { initial: number }) => WasmMemory;
}

/** The engine's WebAssembly object, when there is one. */
export const wasmApi = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;
/** Bytes per WebAssembly memory page. */
export const WASM_PAGE = 65536;

/** Unsigned LEB128. */
export function uleb(v: number): number[] {
  const out: number[] = [];
  do {
    let b = v & 0x7f;
    v >>>= 7;
    if (v) b |= 0x80;
    out.push(b);
  } while (v);
  return out;
}

/** Signed LEB128 of an int32. */
export function sleb(v: number): number[] {
  const out: number[] = [];
  for (;;) {
    const b = v & 0x7f;
    v >>= 7;
    if ((v === 0 && !(b & 0x40)) || (v === -1 && (b & 0x40))) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

/** Instructions by name (i32 only), so a function's body reads as its JavaScript twin does. */
export const op = {
  get: (l: number) => [0x20, l], set: (l: number) => [0x21, l], tee: (l: number) => [0x22, l],
  c: (v: number) => [0x41, ...sleb(v | 0)],
  add: 0x6a, sub: 0x6b, mul: 0x6c, and: 0x71, or: 0x72, xor: 0x73, shl: 0x74, shrS: 0x75, shrU: 0x76,
  eqz: 0x45, eq: 0x46, ne: 0x47, ltS: 0x48, ltU: 0x49, gtS: 0x4a, gtU: 0x4b, geS: 0x4e, geU: 0x4f, select: 0x1b,
  brIf: (depth: number) => [0x0d, depth], br: (depth: number) => [0x0c, depth],
  block: [0x02, 0x40], loop: [0x03, 0x40], if: [0x04, 0x40], else: 0x05, end: 0x0b, return: 0x0f,
  /** memory.copy (bulk memory) of the imported memory: dst, src, length on the stack. */
  memoryCopy: [0xfc, 0x0a, 0x00, 0x00],
  /** i32.load / i32.store (align 4) and i32.load8_u / i32.store8, with a constant offset. */
  load: (offset = 0) => [0x28, 0x02, ...uleb(offset)], store: (offset = 0) => [0x36, 0x02, ...uleb(offset)],
  load8: (offset = 0) => [0x2d, 0x00, ...uleb(offset)], store8: (offset = 0) => [0x3a, 0x00, ...uleb(offset)],
  globalSet: (g: number) => [0x24, g],
} as const;

/** Instructions as nested arrays, flattened once at the end (a module built by spreading them at every level took
 * ~15 ms in a cold process: lazyHeader.ts's scan matcher). */
export type Code = number | readonly Code[];

/** The instructions, in order (Array#flat, native; its TypeScript type would recurse on an unbounded depth). */
export function flatten(code: Code): number[] { return [code].flat(Infinity as 1) as number[]; }

/**
 * A module of one exported function `name` over an imported memory `m.mem`: `params` i32 parameters, `locals` more
 * i32 locals, returning one i32 when `returns`; with `global`, one mutable i32 global exported as `global`.
 */
export function oneFunctionModule(name: string, params: number, locals: number, returns: boolean, body: number[],
  global?: string): Uint8Array {
  // Written with pushes into one array: the spreads of a 4,400-byte body into each enclosing array (several copies, in
  // V8's interpreter: this runs once per process) were ~2.8 ms of the scan matcher's ~5.5 ms set-up in a cold `sites`
  const I32 = 0x7f;
  const out: number[] = [0x00, 0x61, 0x73, 0x6d, 1, 0, 0, 0];
  const push = (xs: readonly number[]): void => { for (let i = 0; i < xs.length; i++) out.push(xs[i]!); };
  const text = (s: string): number[] => { const b = uleb(s.length); for (let i = 0; i < s.length; i++) b.push(s.charCodeAt(i) & 0xff); return b; };
  const section = (id: number, parts: readonly (readonly number[])[]): void => {
    let n = 0;
    for (const p of parts) n += p.length;
    out.push(id);
    push(uleb(n));
    for (const p of parts) push(p);
  };
  const paramTypes = new Array<number>(params).fill(I32);
  section(1, [[1, 0x60, params], paramTypes, returns ? [1, I32] : [0]]);
  section(2, [[1], text('m'), text('mem'), [0x02, 0x00, 0x00]]);
  section(3, [[1, 0]]);
  if (global) section(6, [[1, I32, 1, 0x41, 0, op.end]]);
  section(7, [[global ? 2 : 1], text(name), [0x00, 0], global ? text(global) : [], global ? [0x03, 0] : []]);
  const localDecl = locals ? [1, ...uleb(locals), I32] : [0];
  const fnLen = localDecl.length + body.length + 1;
  section(10, [[1], uleb(fnLen), localDecl, body, [op.end]]);
  return Uint8Array.from(out);
}

/** A store of module bytes across processes: `build`'s result for `name`, kept while the `files` that make it are
 * unchanged (the CLI's code cache provides it: src/cli/codeCache.ts). */
export type ModuleBytesMemo = (name: string, files: readonly string[], build: () => Uint8Array) => Uint8Array;

/** Where the CLI's code cache puts its ModuleBytesMemo: a global, so that the code cache (loaded before any other
 * module, dependency-free) and this file need not import each other. */
export const MODULE_BYTES_MEMO = Symbol.for('corelens.moduleBytesMemo');

/**
 * The module `build` assembles, compiled; its bytes from the CLI's code cache when it has them for the same `files`
 * (the modules whose code makes the bytes). Why: assembling the scan matcher in JavaScript was 3-4 ms of a cold
 * `sites` run, compiling its bytes ~0.3 ms. CORELENS_WASM_BYTES_CACHE=0 assembles every time.
 */
export function builtModule(name: string, files: readonly string[], build: () => Uint8Array): object | undefined {
  const memo = process.env.CORELENS_WASM_BYTES_CACHE === '0' ? undefined
    : (globalThis as unknown as Record<symbol, ModuleBytesMemo | undefined>)[MODULE_BYTES_MEMO];
  return compileModule(memo ? memo(name, files, build) : build());
}

/** The compiled module, or undefined when the engine has no WebAssembly or refuses it (callers then stay in JS). */
export function compileModule(bytes: Uint8Array): object | undefined {
  try {
    return wasmApi ? new wasmApi.Module(bytes) : undefined;
  } catch {
    return undefined;
  }
}
