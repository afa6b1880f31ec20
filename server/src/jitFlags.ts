// V8 tiering for the language server's process (issue 12: the big program's first diagnostics). Dependency-free, so
// the code-cache launcher (client/src/serverLoader.ts, its own bundle) applies the very same flags before it compiles.
//
// Why: on the 8,000-line bench program a fresh server spent ~2.4 s CPU in V8's background compiler threads against
// ~1.7 s on its main thread (per-thread CPU from /proc, and --no-concurrent-recompilation moved 1.2 s of it onto the
// main thread). TurboFan optimised hundreds of functions after a few milliseconds of feedback, many of them again after
// deoptimising; on a 2-core machine those compiles compete with the analysis for the second core, so the wall time was
// bounded by the process's CPU / 2, not by the main thread. A larger interrupt budget lets a function run longer in the
// interpreter / Sparkplug before it is optimised: fewer, better-informed optimisations. Measured on both arches'
// analyses of the bench program (5 runs each, main-thread CPU from /proc/<pid>/task/<pid>/schedstat): default budget
// process CPU 3.8-4.1 s, main thread 1.5-1.6 s; x4 3.1-3.4 / 1.5-1.6; x8 2.9-3.1 / 1.6-1.7; x16 2.9-3.2 / 1.8-2.0.
// Steady-state speed (edits, hovers) is unchanged: hot code still reaches TurboFan, a little later.
// The grammar's wasm stays in Liftoff (--liftoff-only), as for `sites`: with V8's dynamic tiering, the first parse of
// the 8,000-line bench program ran in baseline code while TurboFan compiled the grammar's hot functions beside it, and
// the main thread then waited for those compiles at the next turn of the event loop. Measured in-process (fresh Node,
// the bench program): default tiering, first parse 186-213 ms (a warm-up parse first: 30-50 ms + a 145-215 ms turn of
// the loop + 60 ms); Liftoff only, 69-70 ms and ~95 ms process CPU instead of ~500; a TurboFan parse, once there, is
// 55 ms. Edits re-parse a few nodes, where the difference is noise. Big bench, first diagnostics, alternating: wall
// ~2.15-2.35 s -> ~1.8-2.0 s, process CPU ~3.3-3.7 s -> ~2.6-2.9 s.
// The flag changes V8's flag hash, which a code cache must match: the launcher sets it before compiling the bundle
// with its cache, and setting the same value again here leaves the hash as it was.

import * as v8 from 'v8';

/** V8's default interrupt budget (bytes of bytecode executed before a function is considered for optimisation) x8;
 * WebAssembly (tree-sitter's grammar) in Liftoff only. */
export const SERVER_V8_FLAGS = '--interrupt-budget=540672 --liftoff-only';

/** Applies the server's V8 flags to this process (before the server's modules run; idempotent). */
export function applyServerJitFlags(): void {
  applyV8Flags(SERVER_V8_FLAGS);
}

/** `corelens sites`' V8 flags (src/cli/sites.ts says why): a one-shot run whose code mostly runs once, and whose
 * tree-sitter wasm is kept in Liftoff (no TurboFan tier-up of the grammar's functions). */
export const SITES_V8_FLAGS = '--interrupt-budget=1000000 --liftoff-only';

/** The V8 flags a CLI command runs with: its own, or CORELENS_V8_FLAGS in their place when set. The CLI's entry
 * applies them before any module loads, because the CLI's code cache (src/cli/codeCache.ts) must be made and used
 * under the same flags. */
export function commandV8Flags(cmd: string | undefined): string {
  return (process.env.CORELENS_V8_FLAGS ?? (cmd === 'sites' ? SITES_V8_FLAGS : cmd === 'lsp' ? SERVER_V8_FLAGS : '')).trim();
}

/** Applies `defaults` (a command's own V8 flags), or CORELENS_V8_FLAGS in their place when set (empty: V8's defaults),
 * for measuring against other settings and for a machine where ours would not suit. */
export function applyV8Flags(defaults: string): void {
  const flags = (process.env.CORELENS_V8_FLAGS ?? defaults).trim();
  if (flags) v8.setFlagsFromString(flags);
}
