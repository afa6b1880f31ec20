// When builds run: debounced per document after a save, one at a time per document (a newer save aborts the older
// build), only in a trusted workspace with build on save on and clang found; plus the drift counters and the last
// build's outcome for `corelens/status`. LSP-free: server.ts wires saves, trust and publishing to it.

import { fileURLToPath } from 'url';
import { BUILD_DEBOUNCE_MS, BuildEnv, BuildState, Drift, buildAndVerdict } from './editor';

/** `corelens/status`'s view of the builds. */
export interface BuildStatus {
  /** Whether saves build (trusted workspace, `corelens.buildOnSave` not false, clang found), and why not. */
  readonly buildOnSave: { enabled: boolean; reason?: string };
  /** Differences between the live analysis and the builds since start, each counted once. */
  readonly buildDrift: { missing: number; extra: number };
  readonly lastBuild?: { file: string; time: string; ms: number; ok: boolean; message?: string; programs: number; failing: number };
}

export interface SaveBuildHooks {
  /** Whether builds may run now, or why not (untrusted, switched off, no clang). */
  gate(): { ok: true; env: () => Promise<BuildEnv> } | { ok: false; reason: string };
  /** The document's version now (undefined: closed). */
  version(uri: string): number | undefined;
  /** A build finished and is the newest for its document: re-publish. */
  done(uri: string, state: BuildState): void;
  log(message: string): void;
}

/** Per-document build scheduling and what the builds found. */
export class SaveBuilds {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly running = new Map<string, AbortController>();
  private readonly states = new Map<string, BuildState>();
  private readonly seenDrift = new Set<string>();
  private readonly said = new Set<string>();
  private readonly drift = { missing: 0, extra: 0 };
  private last?: BuildStatus['lastBuild'];

  constructor(private readonly hooks: SaveBuildHooks, private readonly debounceMs = BUILD_DEBOUNCE_MS) {}

  /** A document was saved: build it after the debounce, superseding any build of it in progress. */
  saved(uri: string): void {
    // Programs only: a saved header (`maps.bpf.h`) is not a translation unit; its programs build when they are saved.
    if (!uri.startsWith('file:') || !/\.c$/i.test(uri)) return;
    const g = this.hooks.gate();
    if (!g.ok) {
      // Said once per reason: a user without clang saving every minute does not need a log line each time.
      if (!this.said.has(g.reason)) {
        this.said.add(g.reason);
        this.hooks.log(`build on save: not building (${g.reason})`);
      }
      return;
    }
    const version = this.hooks.version(uri);
    if (version === undefined) return;
    clearTimeout(this.timers.get(uri));
    this.timers.set(uri, setTimeout(() => {
      this.timers.delete(uri);
      void this.run(uri, version, g.env).catch((e) => this.hooks.log(`build of ${uri} failed: ${e instanceof Error ? e.stack : String(e)}`));
    }, this.debounceMs));
  }

  private async run(uri: string, version: number, env: () => Promise<BuildEnv>): Promise<void> {
    this.running.get(uri)?.abort();
    const ctl = new AbortController();
    this.running.set(uri, ctl);
    const file = fileURLToPath(uri);
    this.hooks.log(`building ${file} (saved version ${version})`);
    try {
      const state = await buildAndVerdict(file, version, await env(), ctl.signal);
      if (!state || ctl.signal.aborted) return; // superseded: only the newest save's result is shown
      this.states.set(uri, state);
      const failing = state.programs.filter((p) => Object.values(p.targets).some((v) => !v.loads)).length;
      this.last = { file, time: state.time, ms: Math.round(state.ms), ok: state.ok, ...(state.message ? { message: state.message } : {}), programs: state.programs.length, failing };
      this.hooks.log(state.ok
        ? `built ${file} (saved version ${version}) in ${Math.round(state.ms)} ms: ${state.programs.length} program(s), ${failing} failing on some of ${state.targetNames.length} ${state.arch} target(s)`
        : state.message ?? `build of ${file} failed`);
      this.hooks.done(uri, state);
    } finally {
      if (this.running.get(uri) === ctl) this.running.delete(uri);
    }
  }

  /** The last finished build of a document, if any. */
  state(uri: string): BuildState | undefined {
    return this.states.get(uri);
  }

  /** Counts and logs differences, each once (a re-check of the same version finds the same ones again); true when new. */
  noteDrift(uri: string, drift: readonly Drift[]): boolean {
    let added = false;
    for (const d of drift) {
      const key = `${uri}\u0000${d.key}`;
      if (this.seenDrift.has(key)) continue;
      this.seenDrift.add(key);
      this.drift[d.kind]++;
      added = true;
      this.hooks.log(`build drift (${d.kind === 'missing' ? 'the build finds what the live analysis missed' : 'the live analysis reports what the build shows is dead'}) in ${uri}: ${d.message}`);
    }
    return added;
  }

  /** For `corelens/status`. */
  status(): BuildStatus {
    const g = this.hooks.gate();
    return { buildOnSave: { enabled: g.ok, ...(g.ok ? {} : { reason: g.reason }) }, buildDrift: { ...this.drift }, ...(this.last ? { lastBuild: { ...this.last } } : {}) };
  }

  /** A closed document: its pending build is dropped. */
  close(uri: string): void {
    clearTimeout(this.timers.get(uri));
    this.timers.delete(uri);
    this.running.get(uri)?.abort();
    this.states.delete(uri);
  }

  dispose(): void {
    for (const u of [...this.timers.keys(), ...this.running.keys()]) this.close(u);
  }
}
