// The early start (issue 15): the VS Code extension forks the server itself and names the workspace folders and the
// `corelens.*` settings in CORELENS_EARLY_START. The server then starts what `initialize` would start (the targets'
// load and the parser's wasm) at once, so that work overlaps the handshake instead of following it.
// Nothing else changes: `initialize` recomputes the configuration from its own parameters, and every target whose spec
// is the same keeps its load in progress (FleetTargets.configure), so a stale or wrong hint only costs the work.

import * as fs from 'fs';

/** What the extension hands over: the workspace folders (paths) and the `corelens` settings it read. */
export interface EarlyStart {
  roots: string[];
  settings: Record<string, unknown>;
  /** Date.now() in the extension when it spawned the server (the log says how much earlier the server started). */
  spawnedAt?: number;
  /**
   * The BPF documents open in the editor and saved (`file:` URIs): the server reads them from disk and checks them
   * during the handshake, without publishing, so the `didOpen` that follows finds the analysis and the relocations
   * done (server.ts, the early check). A document whose `didOpen` text differs is simply checked again.
   */
  documents?: string[];
}

/** At most this many documents are checked early: a restored session with many open programs would delay the first. */
export const EARLY_DOCUMENTS_MAX = 4;

export const EARLY_START_ENV = 'CORELENS_EARLY_START';

/**
 * Reads (and removes, so clang and the CLI children never see it) the hint from the environment. A malformed value
 * is ignored with a reason: the server then starts at `initialize`, as every other client has it.
 */
export function takeEarlyStart(env: NodeJS.ProcessEnv = process.env): { early?: EarlyStart; problem?: string } {
  const raw = env[EARLY_START_ENV];
  if (raw === undefined) return {};
  delete env[EARLY_START_ENV];
  try {
    const v = JSON.parse(raw) as Partial<EarlyStart>;
    if (!v || typeof v !== 'object' || !Array.isArray(v.roots) || !v.roots.every((r) => typeof r === 'string')) {
      return { problem: `${EARLY_START_ENV} ignored: no "roots" list of paths` };
    }
    const settings = v.settings && typeof v.settings === 'object' && !Array.isArray(v.settings) ? v.settings : {};
    // documents are an optimisation: anything but file: URIs is left out, never a reason to drop the hint
    const documents = Array.isArray(v.documents)
      ? v.documents.filter((u): u is string => typeof u === 'string' && u.startsWith('file:')).slice(0, EARLY_DOCUMENTS_MAX) : [];
    return {
      early: {
        roots: v.roots, settings, ...(typeof v.spawnedAt === 'number' ? { spawnedAt: v.spawnedAt } : {}),
        ...(documents.length ? { documents } : {}),
      },
    };
  } catch (e) {
    return { problem: `${EARLY_START_ENV} ignored: ${(e as Error).message}` };
  }
}

/** The V8 code cache of the bundle, set by dist/server.js (client/src/serverLoader.ts) when it launched us. */
interface CodeCacheHook { state: string; save(): void; marks?: [string, number, number][] }
const codeCacheHook = (): CodeCacheHook | undefined => (globalThis as Record<symbol, unknown>)[Symbol.for('corelens.codeCache')] as CodeCacheHook | undefined;

/** For the start-up log: whether the bundle was compiled from the code cache (none when not launched by dist/server.js). */
export function codeCacheState(): string {
  return codeCacheHook()?.state ?? 'not used: started without dist/server.js';
}

/** Writes the code cache, once, after the first diagnostics: every function a whole analysis needs is compiled then. */
export function saveCodeCache(): string | undefined {
  const h = codeCacheHook();
  if (!h || (h.state !== 'none' && h.state !== 'rejected' && h.state !== 'damaged')) return undefined;
  h.save();
  return h.state;
}

/** The server's own start-up steps after the launcher's (same shape: name, ms since process start, process CPU ms). */
const serverMarks: [string, number, number][] = [];

/** The process's CPU time so far (user + system, ms): logged beside wall times, which a busy machine stretches. */
export function cpuMs(): number {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1000;
}

/** The main thread's CPU time so far (ms), where Linux tells it (/proc/self/task/PID/schedstat; else NaN): V8's GC
 * and compiler threads run beside it, and the main thread is what a first answer waits for. */
export function mainThreadMs(): number {
  try {
    return Number(fs.readFileSync(`/proc/self/task/${process.pid}/schedstat`, 'utf8').split(' ')[0]) / 1e6;
  } catch {
    return NaN;
  }
}

/** Notes a start-up step (issue 15: where the time from spawn to the early check goes, and whether it is CPU). */
export function markStartup(name: string): void {
  const c = process.cpuUsage();
  serverMarks.push([name, performance.now(), (c.user + c.system) / 1000]);
}

/** One log line: every start-up step as `name at ms (CPU ms)`, the launcher's first. */
export function startupLine(): string {
  const all = [...(codeCacheHook()?.marks ?? []), ...serverMarks];
  return all.map(([n, t, c]) => `${n} ${t.toFixed(0)} (cpu ${c.toFixed(0)})`).join(', ');
}
