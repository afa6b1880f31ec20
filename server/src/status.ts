// `corelens/status`: which targets loaded and which failed (and why), for an editor's status bar and commands.
// A request (pull on demand) and the same payload as a notification after every (re)load, so clients need not poll.

import { TargetState } from './fleet';
import { TargetInfo } from './targets/info';
import { TargetError, TargetSpec } from './targets/registry';

/** Method name of both the request and the notification. */
export const STATUS_METHOD = 'corelens/status';

/** One configured target as the server sees it now. */
export interface TargetStatus {
  name: string;
  /** Absolute path (relative paths are resolved against the workspace or corelens.json when configured). */
  path: string;
  base?: string;
  kind?: 'kernel' | 'app';
  state: 'loaded' | 'failed' | 'loading';
  /** Why a failed target failed. */
  message?: string;
  /** Normalised arch (`x86_64`, `arm64`...), when known. */
  arch?: string;
  /** Kernel release or file stem, numeric version, where it comes from, distro and release: what grouping needs. */
  kernel?: string;
  version?: number[];
  origin?: string;
  distro?: string;
  release?: string;
}

/** The payload: every target in configuration order, plus the include paths the analysis uses. */
export interface ServerStatus {
  targets: TargetStatus[];
  includePaths: string[];
  /** Build on save (server/src/build/onSave.ts): whether saves build, and why not. */
  buildOnSave?: { enabled: boolean; reason?: string };
  /** Differences between the live analysis and the saved builds since start, each counted once. */
  buildDrift?: { missing: number; extra: number };
  /** The last finished build: when, how long, and its result. */
  lastBuild?: { file: string; time: string; ms: number; ok: boolean; message?: string; programs: number; failing: number };
}

/** What the status needs from the server's target store. */
export interface StatusSource {
  readonly specs: readonly TargetSpec[];
  state(name: string): TargetState;
  errorOf(name: string): TargetError | undefined;
  infos(): readonly TargetInfo[];
}

/** Snapshot of the target set; never throws, so a status query cannot disturb the session. */
export function serverStatus(targets: StatusSource, includePaths: readonly string[]): ServerStatus {
  const infos = new Map(targets.infos().map((i) => [i.name, i] as const));
  return {
    targets: targets.specs.map((s) => {
      const state = targets.state(s.name);
      const i = infos.get(s.name);
      return {
        name: s.name, path: s.path, ...(s.base ? { base: s.base } : {}), ...(s.kind ? { kind: s.kind } : {}),
        state, ...(state === 'failed' ? { message: targets.errorOf(s.name)?.message ?? 'failed' } : {}),
        ...(i?.arch ? { arch: i.arch } : {}), ...(i?.kernel ? { kernel: i.kernel } : {}), ...(i?.version ? { version: [...i.version] } : {}),
        ...(i ? { origin: i.origin } : {}), ...(i?.distro ? { distro: i.distro } : {}), ...(i?.release ? { release: i.release } : {}),
      };
    }),
    includePaths: [...includePaths],
  };
}
