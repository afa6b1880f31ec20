// `corelens/status`: which targets loaded and which failed (and why), for an editor's status bar and commands.
// A request (pull on demand) and the same payload as a notification after every (re)load, so clients need not poll.

import { TargetSet } from './targets/registry';

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
}

/** The payload: every target in configuration order, plus the include paths the analysis uses. */
export interface ServerStatus {
  targets: TargetStatus[];
  includePaths: string[];
}

/** Snapshot of the target set; never throws, so a status query cannot disturb the session. */
export function serverStatus(targets: TargetSet, includePaths: readonly string[]): ServerStatus {
  const loaded = new Set(targets.loaded().map((t) => t.spec.name));
  const failed = new Map(targets.failed().map((f) => [f.target, f.message] as const));
  return {
    targets: targets.specs.map((s) => ({
      name: s.name, path: s.path, ...(s.base ? { base: s.base } : {}), ...(s.kind ? { kind: s.kind } : {}),
      state: loaded.has(s.name) ? 'loaded' : failed.has(s.name) ? 'failed' : 'loading',
      ...(failed.has(s.name) ? { message: failed.get(s.name)! } : {}),
    })),
    includePaths: [...includePaths],
  };
}
