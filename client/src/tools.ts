// Running the bundled corelens CLI (dist/corelens.js) for the commands: same libraries as the server, separate
// process, so a long relocation or header generation never blocks the language server.
import { spawn } from 'child_process';
import * as vscode from 'vscode';
import type { ServerStatus, TargetStatus } from '../../server/src/status';

export type { ServerStatus, TargetStatus };

/** What a CLI run produced. */
export interface CliResult { code: number; stdout: string; stderr: string }

let extensionPath = '';
let log: vscode.OutputChannel | undefined;

/** Called once on activation: where dist/corelens.js is, and where to log command lines. */
export function initTools(context: vscode.ExtensionContext, channel: vscode.OutputChannel): void {
  extensionPath = context.extensionPath;
  log = channel;
}

/** The bundled server/CLI script. */
export function corelensScript(): string {
  return vscode.Uri.joinPath(vscode.Uri.file(extensionPath), 'dist', 'corelens.js').fsPath;
}

/**
 * Runs `corelens ARGS...` with the extension host's Node. In desktop VS Code that is Electron, hence
 * ELECTRON_RUN_AS_NODE; code-server's host is plain Node, which ignores it. Exit code 1 means "findings" for
 * relocate/layout, so the caller decides what is a failure.
 */
export function runCli(args: string[], cwd?: string): Promise<CliResult> {
  log?.appendLine(`[command] corelens ${args.map((a) => (/\s/.test(a) ? JSON.stringify(a) : a)).join(' ')}`);
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [corelensScript(), ...args], {
      cwd, env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    p.stdout.on('data', (b: Buffer) => out.push(b));
    p.stderr.on('data', (b: Buffer) => err.push(b));
    p.on('error', reject);
    p.on('close', (code) => {
      const r = { code: code ?? 1, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') };
      if (r.stderr.trim()) log?.appendLine(r.stderr.trimEnd());
      resolve(r);
    });
  });
}

/** `--target NAME=FILE[,base=B][,kind=K]` arguments for the targets the server loaded (failed ones are skipped). */
export function targetArgs(targets: readonly TargetStatus[]): string[] {
  return targets.filter((t) => t.state !== 'failed').flatMap((t) => [
    '--target', `${t.name}=${t.path}${t.base ? `,base=${t.base}` : ''}${t.kind ? `,kind=${t.kind}` : ''}`,
  ]);
}
