// CO-RE: Configure clangd for BPF — runs the bundled `corelens clangd-config` on the workspace folder with the
// build's architecture and the settings' include paths, so clangd reads BPF programs as clang -target bpf does.
import * as path from 'path';
import * as vscode from 'vscode';
import type { Ctx } from '../extension';
import { targetArch } from '../bpfDocument';
import { runCli } from '../tools';

/** What the command returns (the integration tests read it). */
export interface ClangdResult { file: string; summary: string }

/** Configures clangd for `folder` (default: the folder of the active editor, else the first one). */
export async function configureClangd(ctx: Ctx, folder?: vscode.WorkspaceFolder): Promise<ClangdResult | undefined> {
  const ed = vscode.window.activeTextEditor;
  folder ??= (ed && vscode.workspace.getWorkspaceFolder(ed.document.uri)) ?? vscode.workspace.workspaceFolders?.[0];
  if (!folder) {
    void vscode.window.showWarningMessage('CO-RE: Configure clangd needs a workspace folder.');
    return undefined;
  }
  const cfg = vscode.workspace.getConfiguration('corelens', folder);
  const archSetting = cfg.get<string>('build.arch', 'auto');
  const arch = archSetting === 'auto' ? targetArch(process.arch) : archSetting;
  // corelens.json's include paths and defines are read by the CLI itself; the settings' ones are passed here.
  const args = ['clangd-config', folder.uri.fsPath, '--arch', arch];
  for (const p of cfg.get<string[]>('includePaths', [])) args.push('-I', path.resolve(folder.uri.fsPath, p));
  for (const d of cfg.get<string[]>('defines', [])) args.push('-D', d);
  const r = await runCli(args, folder.uri.fsPath);
  if (r.code !== 0) {
    void vscode.window.showErrorMessage(`CO-RE: ${r.stderr.trim().split('\n')[0] ?? `clangd-config failed (exit ${r.code})`}`);
    return undefined;
  }
  const summary = r.stdout.trim().replace(/^corelens: /, '');
  const file = /(\S*(?:compile_flags\.txt|\.clangd|compile_commands\.json))/.exec(summary)?.[1] ?? '';
  ctx.output.appendLine(`corelens: ${summary}`);
  void vscode.window.showInformationMessage(`CO-RE: ${summary}. clangd picks it up for newly opened files (or run clangd: Restart language server).`, 'Open')
    .then((pick) => (pick && file ? vscode.window.showTextDocument(vscode.Uri.file(file)) : undefined));
  return { file, summary };
}

/** Registers CO-RE: Configure clangd for BPF. */
export function registerClangd(ctx: Ctx): void {
  ctx.context.subscriptions.push(vscode.commands.registerCommand('corelens.configureClangd', async (folder?: vscode.WorkspaceFolder) => {
    try {
      return await configureClangd(ctx, folder);
    } catch (e) {
      void vscode.window.showErrorMessage(`CO-RE: Configure clangd failed: ${(e as Error).message}`);
      return undefined;
    }
  }));
}
