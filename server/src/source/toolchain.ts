// What clang sees before the first line of a BPF program: its system include directories and predefined macros for
// `-target bpf`, asked once per clang binary (kept in ~/.cache/corelens, keyed by its path, mtime and size) from the
// clang on PATH, else a documented fallback.
//
// Why ask clang: `<asm-generic/errno.h>`, `<linux/...>` and `<bpf/...>` resolve through exactly these directories
// (`clang -target bpf -E -v -x c /dev/null` lists them), and `__bpf__`, `__clang_major__`, `__GNUC__`, the absence of
// `__linux__`/`__x86_64__` come from `clang -target bpf -dM -E`. Without clang (a machine with only the editor) the
// fallback is what clang 14 on Debian 12 answers: /usr/local/include, /usr/include (the resource directory is
// skipped: its headers are clang's own stddef/stdint, which BPF programs rarely include), and the macro list below.

import type { execFile as ExecFile } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

export interface Toolchain {
  /** System include directories in clang's search order (after -I directories). */
  includeDirs: string[];
  /** Predefined macros as NAME=VALUE pairs (arch-neutral: `__TARGET_ARCH_*` is the analyzer's). */
  predefined: [string, string][];
  /** Where the answer came from: 'clang' or 'fallback'. */
  source: 'clang' | 'fallback';
}

/** clang 14's predefined macros for -target bpf that BPF headers test (the full list has ~320). */
const FALLBACK_MACROS: [string, string][] = [
  ['__bpf__', '1'], ['__BPF__', '1'], ['__clang__', '1'], ['__clang_major__', '14'], ['__clang_minor__', '0'],
  ['__GNUC__', '4'], ['__GNUC_MINOR__', '2'], ['__GNUC_PATCHLEVEL__', '1'], ['__STDC__', '1'], ['__STDC_VERSION__', '201710L'],
  ['__LP64__', '1'], ['_LP64', '1'], ['__CHAR_BIT__', '8'], ['__SIZEOF_POINTER__', '8'], ['__SIZEOF_LONG__', '8'],
  ['__SIZEOF_INT__', '4'], ['__SIZEOF_LONG_LONG__', '8'], ['__SIZEOF_SHORT__', '2'],
  ['__BYTE_ORDER__', '__ORDER_LITTLE_ENDIAN__'], ['__ORDER_LITTLE_ENDIAN__', '1234'], ['__ORDER_BIG_ENDIAN__', '4321'],
  ['__ORDER_PDP_ENDIAN__', '3412'], ['__LITTLE_ENDIAN__', '1'], ['__OPTIMIZE__', '1'], ['__ELF__', '1'],
];

let cached: Toolchain | undefined;
let pending: Promise<Toolchain> | undefined;

const SEARCH_ARGS = ['-target', 'bpf', '-E', '-v', '-x', 'c', '/dev/null'];
const DEFINES_ARGS = ['-target', 'bpf', '-dM', '-E', '-x', 'c', '/dev/null'];

/** The facts from clang's two answers (the search list of `-E -v` on stderr, `-dM -E` on stdout); the fallback
 * when either says nothing. */
function fromAnswers(searchStderr: string, defs: string): Toolchain {
  const m = /#include <\.\.\.> search starts here:\n([\s\S]*?)End of search list/.exec(searchStderr);
  const dirs = m ? m[1]!.split('\n').map((l) => l.trim()).filter((l) => l && fs.existsSync(l)) : [];
  const predefined: [string, string][] = [];
  for (const line of defs.split('\n')) {
    const d = /^#define (\S+)(?: (.*))?$/.exec(line);
    if (d) predefined.push([d[1]!, d[2] ?? '']);
  }
  if (dirs.length && predefined.length) return { includeDirs: dirs, predefined, source: 'clang' };
  return { includeDirs: ['/usr/local/include', '/usr/include'].filter((d) => fs.existsSync(d)), predefined: FALLBACK_MACROS, source: 'fallback' };
}

/**
 * Where a clang binary is: `name` itself when it names a path, else the first `name` on PATH that is a file;
 * undefined when there is none (the analysis then uses the fallback, and the server does not build on save).
 */
export function findClang(name = 'clang', envPath = process.env.PATH ?? ''): string | undefined {
  const isFile = (p: string) => {
    try {
      return fs.statSync(p).isFile();
    } catch {
      return false;
    }
  };
  if (name.includes('/')) return isFile(name) ? path.resolve(name) : undefined;
  for (const dir of envPath.split(path.delimiter)) {
    if (!dir) continue;
    const p = path.join(dir, name);
    if (isFile(p)) return p;
  }
  return undefined;
}

/** The clang the analyzer runs (the first `clang` on PATH) as a cache key: path, mtime and size; undefined when none. */
function clangKey(): string | undefined {
  const p = findClang();
  if (!p) return undefined;
  try {
    const st = fs.statSync(p);
    return `v1\u0000${fs.realpathSync(p)}\u0000${st.mtimeMs}\u0000${st.size}`;
  } catch {
    return undefined;
  }
}

/** Where clang's answers are kept between processes (XDG cache directory). */
export function toolchainCacheFile(): string {
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'corelens', 'toolchain.json');
}

/** clang's answers from the disk cache when they were asked of this very clang binary; else undefined. Why: the two
 * clang runs are ~30 ms of CPU and two process spawns in every CLI run, for an answer that changes only when clang
 * does. The include directories are re-checked for existence (a cached directory removed since is dropped). */
function fromDisk(key: string): Toolchain | undefined {
  try {
    const j = JSON.parse(fs.readFileSync(toolchainCacheFile(), 'utf8')) as { key?: string; includeDirs?: string[]; predefined?: [string, string][] };
    if (j.key !== key || !Array.isArray(j.includeDirs) || !Array.isArray(j.predefined) || !j.predefined.length) return undefined;
    const includeDirs = j.includeDirs.filter((d) => typeof d === 'string' && fs.existsSync(d));
    if (!includeDirs.length) return undefined;
    return { includeDirs, predefined: j.predefined.filter((p) => Array.isArray(p) && p.length === 2).map((p) => [String(p[0]), String(p[1])]), source: 'clang' };
  } catch { return undefined; }
}

/** Keeps clang's answers for the next process; a read-only or missing home just means no cache. */
function toDisk(key: string, t: Toolchain): void {
  if (t.source !== 'clang') return;
  try {
    const f = toolchainCacheFile();
    fs.mkdirSync(path.dirname(f), { recursive: true });
    const tmp = `${f}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify({ key, includeDirs: t.includeDirs, predefined: t.predefined }));
    fs.renameSync(tmp, f);
  } catch { /* no cache */ }
}

/** The toolchain facts, computed once per process (and kept on disk per clang binary): both clang runs at once,
 * beside the analyzer's parser load (a first analysis waits for the slowest of the three only). */
export function loadToolchain(): Promise<Toolchain> {
  if (cached) return Promise.resolve(cached);
  const key = clangKey();
  const disk = key ? fromDisk(key) : undefined;
  if (disk) return Promise.resolve((cached = disk));
  const run = (args: string[], out: 'stdout' | 'stderr') => new Promise<string>((resolve) => {
    // child_process only on a cache miss: loading it (with net, dgram, streams) was a tenth of a cached CLI start
    (require('child_process') as { execFile: typeof ExecFile }).execFile('clang', args, { encoding: 'utf8', timeout: 20_000, maxBuffer: 1 << 24 }, (_e, stdout, stderr) => resolve(String((out === 'stdout' ? stdout : stderr) ?? '')));
  });
  pending ??= Promise.all([run(SEARCH_ARGS, 'stderr'), run(DEFINES_ARGS, 'stdout')]).then(([err, defs]) => {
    if (!cached) {
      cached = fromAnswers(err, defs);
      if (key) toDisk(key, cached);
    }
    return cached;
  });
  return pending;
}

/** The architectures libbpf's bpf_tracing.h knows (`__TARGET_ARCH_<arch>`). */
export const TARGET_ARCHES = ['x86', 's390', 'arm', 'arm64', 'mips', 'powerpc', 'sparc', 'riscv', 'arc', 'loongarch'];

/**
 * The `-D` list the analyzer applies: the user's defines in order, plus `__TARGET_ARCH_x86` when none of them names a
 * `__TARGET_ARCH_<arch>` (the documented default: most BPF code is built for x86-64).
 */
export function effectiveDefines(defines: readonly string[] | undefined): [string, string][] {
  const out: [string, string][] = [];
  let arch = false;
  for (const d of defines ?? []) {
    const s = d.trim();
    if (!s) continue;
    const eq = s.indexOf('=');
    const name = eq < 0 ? s : s.slice(0, eq);
    if (!/^[A-Za-z_][A-Za-z0-9_]*(\(.*\))?$/.test(name)) continue;
    if (/^__TARGET_ARCH_/.test(name)) arch = true;
    out.push([name, eq < 0 ? '1' : s.slice(eq + 1)]);
  }
  if (!arch) out.unshift(['__TARGET_ARCH_x86', '1']);
  return out;
}
