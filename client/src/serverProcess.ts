// The language server's process (issue 15, first problem in VS Code): forked by us rather than by the language client,
// so it can be told the workspace folders and the `corelens.*` settings at once (CORELENS_EARLY_START, read by
// server/src/earlyStart.ts) and start loading its targets and parser before the `initialize` handshake.
// Decision, measured: an earlier fork (while the extension bundle was still being evaluated, before activate()) was
// built and timed in code-server against this one and against a plain fork without the hint, 4 runs each on a quiet
// 2-core machine: fresh-profile first problem median 2.57 s (early fork) vs 1.87 s (this) vs 1.63 s (plain); the
// early fork competed with VS Code's own start for the cores and was removed. This one and the plain fork are within
// noise; this one is kept because the server's load then overlaps the handshake on machines with a free core.
import * as cp from 'child_process';
import * as readline from 'readline';
import * as vscode from 'vscode';
import { isBpfSource } from './bpfDocument';

/** Date.now() when the bundle's evaluation began (the first-run timeline separates our load from VS Code's work). */
export const BUNDLE_EVALUATION_BEGAN = Date.now();

/** Mirrors server/src/earlyStart.ts (the client bundle does not import server modules). */
const EARLY_START_ENV = 'CORELENS_EARLY_START';

/** An extension host under a debugger starts the server with --inspect from the module options instead. */
export const debugging = process.execArgv.some((a) => /^--(inspect|debug)(-brk)?(=|$)/.test(a));

/** A BPF document VS Code has open (what activates us and needs the server at once). */
export function isOpenBpf(d: vscode.TextDocument): boolean {
  return d.languageId === 'c' && d.uri.scheme === 'file' && isBpfSource(d.fileName, d.getText());
}

/** The working directory the language client would give the server: the first folder on disk. */
function workspaceDir(): string | undefined {
  return vscode.workspace.workspaceFolders?.find((f) => f.uri.scheme === 'file')?.uri.fsPath;
}

/** The `corelens` settings as plain JSON (what workspace/configuration will answer a moment later). */
function settingsJson(): Record<string, unknown> {
  try {
    return JSON.parse(JSON.stringify(vscode.workspace.getConfiguration('corelens'))) as Record<string, unknown>;
  } catch {
    return {};
  }
}

/**
 * Forks dist/corelens.js as the language client's `module` + `TransportKind.ipc` would (node IPC, `--clientProcessId`
 * so the server exits with the extension host, Electron's node mode), plus the early-start hint when asked.
 */
export function forkServer(script: string, early: boolean): { proc: cp.ChildProcess; spawnedAt: number } {
  const spawnedAt = Date.now();
  const env: NodeJS.ProcessEnv = { ...process.env, ELECTRON_RUN_AS_NODE: '1', ELECTRON_NO_ASAR: '1' };
  delete env[EARLY_START_ENV];
  if (early) {
    const roots = (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => f.uri.fsPath);
    // the open BPF programs whose text is the file's: the server checks them during the handshake (earlyStart.ts)
    const documents = vscode.workspace.textDocuments.filter((d) => isOpenBpf(d) && !d.isDirty && !d.isUntitled).map((d) => d.uri.toString());
    env[EARLY_START_ENV] = JSON.stringify({ roots, settings: settingsJson(), spawnedAt, documents });
  }
  const proc = cp.fork(script, ['lsp', '--node-ipc', `--clientProcessId=${process.pid}`], {
    cwd: workspaceDir(), env, execArgv: [], silent: true,
  });
  // a spawn failure must not throw out of the bundle's evaluation; the client reports it when it takes the process
  proc.on('error', () => undefined);
  return { proc, spawnedAt };
}

/** The server's stdout / stderr lines into the output channel, as the language client does for processes it forks. */
export function pipeOutput(proc: cp.ChildProcess, output: vscode.LogOutputChannel): void {
  if (proc.stdout) readline.createInterface({ input: proc.stdout, crlfDelay: Infinity, terminal: false, historySize: 0 }).on('line', (l) => output.info(l));
  if (proc.stderr) readline.createInterface({ input: proc.stderr, crlfDelay: Infinity, terminal: false, historySize: 0 }).on('line', (l) => output.error(l));
}

/**
 * Ends a server process the client no longer talks to: the client's `exit` notification normally ends it; a server
 * stuck past 2 s is killed (what the language client does for the processes it forks itself).
 */
export function reap(proc: cp.ChildProcess): void {
  if (proc.exitCode !== null || proc.signalCode !== null) return;
  const t = setTimeout(() => proc.kill(), 2000);
  proc.once('exit', () => clearTimeout(t));
}
