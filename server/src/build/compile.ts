// Compiling a saved BPF source into an object in a private temp directory: bounded (timeout, output cap), no shell
// (execFile), cancellable (a newer save supersedes an older build), never beside the user's files.

import { execFile } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ClangFlagOptions, clangArgs } from './flags';

/** The most clang may take before the build is given up (a pathological macro expansion must not pin a core). */
export const BUILD_TIMEOUT_MS = 60_000;
/** clang's diagnostics kept (stdout + stderr); beyond this the build fails rather than buffer without bound. */
const OUTPUT_CAP = 1 << 20;
/** Objects larger than this are not analysed (the verdicts hold the whole object in memory). */
const OBJECT_CAP = 64 << 20;

export type CompileResult =
  | { readonly ok: true; readonly object: Uint8Array; readonly ms: number; readonly args: readonly string[] }
  | { readonly ok: false; readonly cancelled?: boolean; readonly message: string; readonly ms: number; readonly args: readonly string[] };

/**
 * Compiles `source` (as it is on disk) with `clang` and the configured flags; the object is read back and its temp
 * directory removed. Never throws: a failure is a value whose message names the file and clang's first error.
 */
export async function compileObject(clang: string, source: string, opts: ClangFlagOptions, signal?: AbortSignal,
  timeoutMs = BUILD_TIMEOUT_MS): Promise<CompileResult> {
  const t0 = performance.now();
  let dir: string | undefined;
  let args: string[] = [];
  const ms = () => performance.now() - t0;
  try {
    dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'corelens-build-'));
    const out = path.join(dir, path.basename(source).replace(/\.c$/, '') + '.o');
    args = clangArgs(source, out, opts);
    const run = await new Promise<{ error?: { code?: string | number | null; killed?: boolean; message: string }; stderr: string }>((resolve) => {
      execFile(clang, args, { cwd: path.dirname(source), timeout: timeoutMs, maxBuffer: OUTPUT_CAP, encoding: 'utf8', signal, windowsHide: true },
        (error, _stdout, stderr) => resolve({ error: error ?? undefined, stderr: String(stderr ?? '') }));
    });
    if (signal?.aborted) return { ok: false, cancelled: true, message: `${source}: build superseded by a newer save`, ms: ms(), args };
    if (run.error) {
      const e = run.error;
      const why = e.code === 'ENOENT' ? `clang not found (${clang})`
        : e.killed ? `clang did not finish within ${timeoutMs / 1000} s`
          : e.code === 'ERR_CHILD_PROCESS_STDIO_MAXBUFFER' ? 'clang wrote more than 1 MB of diagnostics'
            : firstError(run.stderr) ?? e.message;
      return { ok: false, message: `${source}: build failed: ${why}`, ms: ms(), args };
    }
    const st = await fs.promises.stat(out);
    if (st.size > OBJECT_CAP) return { ok: false, message: `${source}: built object is ${(st.size >> 20)} MB, over the ${OBJECT_CAP >> 20} MB the editor analyses`, ms: ms(), args };
    return { ok: true, object: new Uint8Array(await fs.promises.readFile(out)), ms: ms(), args };
  } catch (e) {
    return { ok: false, message: `${source}: build failed: ${(e as Error).message}`, ms: ms(), args };
  } finally {
    if (dir) await fs.promises.rm(dir, { recursive: true, force: true }).catch(() => undefined);
  }
}

/** clang's first `error:` line, without the path prefix noise; undefined when it printed none. */
function firstError(stderr: string): string | undefined {
  const line = stderr.split('\n').find((l) => /\berror:/.test(l));
  return line?.trim().slice(0, 300);
}
