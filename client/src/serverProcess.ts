// The language server's process, spawned as early as VS Code lets us (issue 15, first problem in VS Code).
//
// extension.ts imports this module first, so esbuild evaluates it before the language client library (~450 KB) and
// before VS Code calls activate() (which also waits for the extension's storage from the window). When a BPF document
// is already open, which is how the extension gets activated in the common case (`onLanguage:c` on opening one, or
// VS Code restoring the last editors), the server is forked right here, told the workspace folders and the
// `corelens.*` settings (server/src/earlyStart.ts), and starts its node, its bundle, its targets and its parser while
// the extension host is still activating us. The language client then takes this process instead of forking one
// (the `ServerOptions` function below); every later start (restart command, crash) forks a fresh one the same way.
// Decision: only an open BPF document spawns early. A workspace merely holding BPF programs starts the server from
// activate() (its findFiles is asynchronous), so a plain C workspace never pays for a server it does not use.
import * as cp from 'child_process';
import * as path from 'path';
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
    env[EARLY_START_ENV] = JSON.stringify({ roots, settings: settingsJson(), spawnedAt });
  }
  const proc = cp.fork(script, ['lsp', '--node-ipc', `--clientProcessId=${process.pid}`], {
    cwd: workspaceDir(), env, execArgv: [], silent: true,
  });
  // a spawn failure must not throw out of the bundle's evaluation; the client reports it when it takes the process
  proc.on('error', () => undefined);
  return { proc, spawnedAt };
}

let early: { proc: cp.ChildProcess; spawnedAt: number } | undefined;
if (!debugging) {
  try {
    if (vscode.workspace.textDocuments.some(isOpenBpf)) early = forkServer(path.join(__dirname, 'server.js'), true);
  } catch {
    early = undefined; // activate() starts the server the ordinary way
  }
}

/** The early process, once (alive), or undefined: the caller forks its own. */
export function takeEarlyServer(): { proc: cp.ChildProcess; spawnedAt: number } | undefined {
  const e = early;
  early = undefined;
  if (e && e.proc.exitCode === null && e.proc.signalCode === null && e.proc.pid !== undefined) return e;
  if (e) e.proc.kill();
  return undefined;
}

/** Kills the early process if nothing took it (deactivation before any start). */
export function dropEarlyServer(): void {
  early?.proc.kill();
  early = undefined;
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
