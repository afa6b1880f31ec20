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

// The start-up budget (issue 15, the editor's first problem): the server starts with twice the interrupt budget above
// (x16) and settles to it (settleServerJitFlags, server.ts) when its first diagnostics are out, or earlier when its
// first analyses pass 250 ms of main-thread CPU. A fresh server's first check of a small program runs most of its code
// a few times only (module initialisation, the running kernel's BTF read and sliced, the seeds, two analyses), and
// TurboFan's compiles of it on V8's background threads were CPU the first problem waited for on a busy 2-core machine;
// a long first analysis (the 8,000-line big program) gains from the earlier optimisations, so it settles early
// (x16 throughout cost it ~0.5 s of main thread: issue 12's tuning above).
// Measured (fresh packaged server forked as the extension does, fresh cache, spawn → first diagnostics of the
// first-run program, alternating pairs, load 3-7): x16 throughout the first check, process CPU -70 ms median pairwise
// (13 of 15 pairs better; 420 -> 360 ms); x16 only until the first analysis began, -10 to -35 ms (8-10 of 12-15).
// Big bench first diagnostics (BIG_FIRST_ONLY, 6 each, alternating with CORELENS_STARTUP_BUDGET=0): process CPU
// median 2535 -> 2350 ms, main thread 1705 -> 1625 ms: no worse.
// The bundle's V8 code cache must be made under the flags the next start compiles with (V8 compares a hash of them),
// so the launcher writes it under the start-up budget (withStartupJitFlags). CORELENS_STARTUP_BUDGET=0: the budget
// above from the start, as before; CORELENS_V8_FLAGS set: those flags throughout.

/** The interrupt budget until the server settles (x16 V8's default) and the one after it (SERVER_V8_FLAGS'). */
const STARTUP_BUDGET = '--interrupt-budget=1081344';
const STEADY_BUDGET = '--interrupt-budget=540672';

/** Whether this process is past its start-up budget; on globalThis because the launcher (dist/server.js) and the
 * server bundle (dist/corelens.js) each have their own copy of this module. */
const SETTLED = Symbol.for('corelens.jitFlags.settled');
const settled = (): boolean => (globalThis as Record<symbol, unknown>)[SETTLED] === true;

/** Whether the server starts with the start-up budget (not when CORELENS_V8_FLAGS replaces the flags, nor when
 * switched off). */
export function startupBudgetOn(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.CORELENS_V8_FLAGS === undefined && env.CORELENS_STARTUP_BUDGET !== '0';
}

/** Applies the server's V8 flags to this process (before the server's modules run; idempotent): the start-up budget
 * until settleServerJitFlags. */
export function applyServerJitFlags(): void {
  applyV8Flags(SERVER_V8_FLAGS);
  if (startupBudgetOn() && !settled()) v8.setFlagsFromString(STARTUP_BUDGET);
}

/** Whether the server runs under its steady budget already (settled, or no start-up budget at all): nothing left to
 * settle, so the analyses' pauses need not read the main thread's CPU time for it (server.ts settleWhenLong). */
export function serverJitSettled(): boolean {
  return settled() || !startupBudgetOn();
}

/** The server's start-up is over: the budget of SERVER_V8_FLAGS from now on. True the first time it changed. */
export function settleServerJitFlags(): boolean {
  if (settled() || !startupBudgetOn()) return false;
  (globalThis as Record<symbol, unknown>)[SETTLED] = true;
  v8.setFlagsFromString(STEADY_BUDGET);
  return true;
}

/** The V8 flags the server's modules are compiled under from its start (applyServerJitFlags): the key of the CLI's
 * code cache for `corelens lsp` (bin/corelens.js), whose data V8 takes only under the same flags. */
export function serverStartupFlags(): string {
  if (process.env.CORELENS_V8_FLAGS !== undefined) return process.env.CORELENS_V8_FLAGS.trim();
  return startupBudgetOn() ? `${SERVER_V8_FLAGS} ${STARTUP_BUDGET}` : SERVER_V8_FLAGS;
}

/** Runs `fn` (the bundle's code cache being written) under the flags the process started with, so a next start,
 * which compiles under them, takes the cache. */
export function withStartupJitFlags<T>(fn: () => T): T {
  if (!settled() || !startupBudgetOn()) return fn();
  v8.setFlagsFromString(STARTUP_BUDGET);
  try {
    return fn();
  } finally {
    v8.setFlagsFromString(STEADY_BUDGET);
  }
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
