// Node start-up flags of a CLI command: V8 reads some heap settings only when it makes the isolate's heap, before any
// of our code runs (v8.setFlagsFromString then changes nothing), so bin/corelens.js starts node again with them.
// Dependency-free: it runs before the CLI's code cache and modules.
//
// Why for `check`: a large object's load verdicts allocate ~1.7 GB over a run whose live heap stays under ~300 MB;
// with V8's default young generation (16 MB semi-spaces) the walks' states that live a few milliseconds survive two
// scavenges and are promoted, and the old generation then grows to several times the live heap before a full
// collection (tracee.bpf.o on one kernel: peak RSS 465-543 MB). With 32 MB semi-spaces fewer of them are promoted
// (measured in README "check15"). Set at run time it changed nothing (187 scavenges against 175).

import type { spawn as Spawn } from 'child_process';

/** `corelens check`'s start-up flags (CORELENS_NODE_FLAGS in their place when set; empty: none, no second process). */
export const CHECK_NODE_FLAGS = '--max-semi-space-size=32';

/**
 * The node start-up flags a command (`argv`: the command and its arguments) runs with, or none. A `check` over a
 * targets dir or BTFHub fleet gets none: its targets run in worker threads (the main thread is a lane only below 32
 * targets, check/pool.ts), where the flag only added memory, and the second node its start-up: over 166 archives
 * the process's own CPU (xz aside) was 13.7 ms per archive without it and 16.5-18.8 with it (README "check15").
 */
export function commandNodeFlags(argv: readonly string[]): string[] {
  const fleet = argv.some((a) => a === '--targets-dir' || a === '--btfhub' || a.startsWith('--targets-dir=') || a.startsWith('--btfhub='));
  const flags = process.env.CORELENS_NODE_FLAGS ?? (argv[0] === 'check' && !fleet ? CHECK_NODE_FLAGS : '');
  return flags.split(/\s+/).filter((f) => f.length > 0);
}

const RELAUNCHED = 'CORELENS_RELAUNCHED';

/**
 * In a process relaunch() started: it ends when the process that started it does (a parent killed by a timeout
 * must not leave the command running). The channel does not keep this process alive.
 */
export function followParent(): void {
  if (process.env[RELAUNCHED] !== '1' || !process.channel) return;
  delete process.env[RELAUNCHED];
  process.channel.unref();
  process.on('disconnect', () => process.exit(1));
}

/** Whether this process was started without some of `flags` (then relaunch() starts one with them). */
export function needsRelaunch(flags: readonly string[]): boolean {
  return flags.some((f) => !process.execArgv.includes(f));
}

/**
 * Runs `script argv` in a new node with `flags` added, the same standard streams, and ends this process as the
 * child ends (its exit code, or the signal that ended it). Signals sent to this process go to the child. When the
 * child cannot be started, `fallback` runs here instead (the command still runs, with V8's default heap).
 */
export function relaunch(flags: readonly string[], script: string, argv: readonly string[], fallback: () => void): void {
  let child;
  try {
    // an IPC channel only so that the child sees this process end (followParent), even by SIGKILL
    // (child_process loaded here, not at the top: every other command's process paid ~2.5 ms for it)
    const { spawn } = require('child_process') as { spawn: typeof Spawn };
    child = spawn(process.execPath, [...process.execArgv, ...flags, script, ...argv], { stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
      env: { ...process.env, [RELAUNCHED]: '1' } });
  } catch {
    fallback();
    return;
  }
  const forward = (sig: NodeJS.Signals) => () => { child.kill(sig); };
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  const handlers = signals.map((s) => [s, forward(s)] as const);
  for (const [s, h] of handlers) process.on(s, h);
  let started = false;
  let fellBack = false;
  child.once('spawn', () => { started = true; });
  child.once('error', () => {
    if (started) return;
    fellBack = true;
    for (const [s, h] of handlers) process.off(s, h);
    fallback();
  });
  child.once('exit', (code, signal) => {
    if (fellBack) return;
    for (const [s, h] of handlers) process.off(s, h);
    if (signal) {
      // ended by a signal: end this process with it too (a shell sees the same status)
      process.kill(process.pid, signal);
      return;
    }
    process.exit(code ?? 1);
  });
}
