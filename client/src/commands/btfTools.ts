// The BTF tools as commands: Generate vmlinux.h from a target, Minimise BTF for the built object (btf_custom_path
// files per target), Merge app BTF with a kernel BTF (uprobe programs). Each runs the bundled CLI.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import type { Ctx } from '../extension';
import { TargetStatus, runCli, targetArgs } from '../tools';
import { ensureBuilt, sourceFor } from './build';

/** Where outputs go by default: the first workspace folder, else the home directory. */
function defaultDir(): string {
  return vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? os.homedir();
}

/** Picks one loaded target (skipping the picker when there is only one or a name is given). */
async function pickTarget(ctx: Ctx, title: string, name?: string, kind?: 'kernel'): Promise<TargetStatus | undefined> {
  const all = (await ctx.status()).targets.filter((t) => t.state === 'loaded' && (!kind || t.kind !== 'app'));
  if (name) return all.find((t) => t.name === name) ?? (void vscode.window.showErrorMessage(`CO-RE: no loaded target named ${name}`), undefined);
  if (all.length <= 1) return all[0];
  const p = await vscode.window.showQuickPick(all.map((t) => ({ label: t.name, description: t.path, t })), { title });
  return p?.t;
}

/** Fails with the CLI's first error line. */
function check(r: { code: number; stderr: string }, what: string): boolean {
  if (r.code === 0) return true;
  void vscode.window.showErrorMessage(`CO-RE: ${what} failed: ${r.stderr.trim().split('\n')[0] || `exit ${r.code}`}`);
  return false;
}

/** Registers the three BTF tool commands; each accepts an argument object so scripts and tests skip the pickers. */
export function registerBtfTools(ctx: Ctx): void {
  ctx.context.subscriptions.push(
    vscode.commands.registerCommand('corelens.generateHeader', async (args?: { target?: string; out?: string }) => {
      const t = await pickTarget(ctx, 'CO-RE: vmlinux.h from which target?', args?.target);
      if (!t) return undefined;
      const out = args?.out ?? (await vscode.window.showSaveDialog({
        defaultUri: vscode.Uri.file(path.join(defaultDir(), 'vmlinux.h')), filters: { 'C header': ['h'] }, title: `vmlinux.h of ${t.name}`,
      }))?.fsPath;
      if (!out) return undefined;
      const r = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `CO-RE: writing ${path.basename(out)} from ${t.name}` },
        () => runCli(['header', t.path, ...(t.base ? ['--base', t.base] : []), '--out', out]));
      if (!check(r, 'header')) return undefined;
      if (!args?.out) await vscode.window.showTextDocument(vscode.Uri.file(out), { preview: true });
      return out;
    }),

    vscode.commands.registerCommand('corelens.minimize', async (args?: { source?: string; outDir?: string }) => {
      const source = args?.source ? vscode.Uri.file(args.source) : sourceFor();
      if (!source) {
        void vscode.window.showWarningMessage('CO-RE: Minimise needs a BPF C file open in the editor.');
        return undefined;
      }
      const object = await ensureBuilt(ctx, source);
      if (!object) return undefined;
      const targets = (await ctx.status()).targets.filter((t) => t.state === 'loaded');
      const outDir = args?.outDir ?? path.join(path.dirname(object), `${path.basename(object, '.o')}.btf`);
      const r = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `CO-RE: minimising BTF for ${path.basename(object)}` },
        () => runCli(['minimize', object, ...targetArgs(targets), '--out', outDir, '--json']));
      if (!check(r, 'minimize')) return undefined;
      const files = fs.readdirSync(outDir).map((f) => path.join(outDir, f));
      ctx.output.appendLine(`corelens: minimised BTF for ${path.basename(object)} → ${outDir}\n${r.stdout.trim()}`);
      if (!args) {
        void vscode.window.showInformationMessage(`CO-RE: ${files.length} minimised BTF file(s) in ${outDir} (load with btf_custom_path).`, 'Reveal')
          .then((c) => c && vscode.commands.executeCommand('revealFileInOS', vscode.Uri.file(outDir)));
      }
      return { outDir, files };
    }),

    vscode.commands.registerCommand('corelens.merge', async (args?: { kernel?: string; apps?: string[]; out?: string }) => {
      let kernel = args?.kernel;
      if (!kernel) {
        const fromTargets = (await ctx.status().catch(() => undefined))?.targets.filter((t) => t.state === 'loaded' && t.kind !== 'app' && !t.base) ?? [];
        const p = await vscode.window.showQuickPick([...fromTargets.map((t) => ({ label: t.name, description: t.path, file: t.path })), { label: '$(file) Another kernel BTF file…', file: '' }],
          { title: 'CO-RE: Merge — the kernel BTF' });
        if (!p) return undefined;
        kernel = p.file || (await vscode.window.showOpenDialog({ title: 'Kernel BTF' }))?.[0]?.fsPath;
      }
      if (!kernel) return undefined;
      const apps = args?.apps ?? (await vscode.window.showOpenDialog({ canSelectMany: true, title: 'App binaries or their BTF (ELF with .BTF)' }))?.map((u) => u.fsPath);
      if (!apps?.length) return undefined;
      const out = args?.out ?? (await vscode.window.showSaveDialog({ defaultUri: vscode.Uri.file(path.join(defaultDir(), 'merged.btf')), title: 'Merged BTF' }))?.fsPath;
      if (!out) return undefined;
      const r = await runCli(['merge', kernel, ...apps, '--out', out, '--json']);
      if (!check(r, 'merge')) return undefined;
      ctx.output.appendLine(`corelens: merged ${path.basename(kernel)} + ${apps.map((a) => path.basename(a)).join(', ')} → ${out}`);
      if (!args) void vscode.window.showInformationMessage(`CO-RE: wrote ${out}`);
      return { out, summary: JSON.parse(r.stdout) as unknown };
    }),
  );
}
