// CO-RE: Build — compiles the current BPF program with clang as a VS Code task (type `corelens`), so errors land in
// the Problems panel through the `$corelens-clang` problem matcher and tasks.json can pin its own variants.
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import type { Ctx } from '../extension';
import { clangArgs, objectFor, targetArch } from '../bpfDocument';

/** tasks.json shape of a corelens build task (package.json taskDefinitions). */
interface BuildDefinition extends vscode.TaskDefinition {
  type: 'corelens';
  file: string;
  out?: string;
  arch?: string;
  clangArgs?: string[];
}

/** Result of a build: the object and clang's exit code (undefined when clang could not be started). */
export interface BuildResult { object: string; exitCode: number | undefined }

/** Include directories for a build: corelens.includePaths (relative to the workspace folder) and corelens.json's. */
async function includePaths(ctx: Ctx, folder: vscode.WorkspaceFolder | undefined): Promise<string[]> {
  const fromSettings = vscode.workspace.getConfiguration('corelens', folder).get<string[]>('includePaths', [])
    .map((p) => (folder ? path.resolve(folder.uri.fsPath, p) : path.resolve(p)));
  let fromServer: string[] = [];
  try {
    fromServer = (await ctx.status()).includePaths.map((p) => (folder ? path.resolve(folder.uri.fsPath, p) : p));
  } catch {
    // server not running: the settings' paths still apply
  }
  return [...new Set([...fromSettings, ...fromServer])];
}

/** The task for a definition: clang from the settings, flags from the settings plus the definition. */
async function taskFor(ctx: Ctx, def: BuildDefinition, folder: vscode.WorkspaceFolder | undefined, file = def.file): Promise<vscode.Task> {
  const cfg = vscode.workspace.getConfiguration('corelens', folder);
  const archSetting = cfg.get<string>('build.arch', 'auto');
  const arch = def.arch ?? (archSetting === 'auto' ? targetArch(process.arch) : archSetting);
  const out = def.out ?? objectFor(file);
  const args = clangArgs(file, out, {
    arch, includePaths: await includePaths(ctx, folder), flags: [...cfg.get<string[]>('clang.flags', []), ...(def.clangArgs ?? [])],
  });
  const exec = new vscode.ProcessExecution(cfg.get<string>('clang.path', 'clang') || 'clang', args, { cwd: path.dirname(file) });
  const task = new vscode.Task(def, folder ?? vscode.TaskScope.Workspace, `build ${path.basename(file)}`, 'corelens', exec, ['$corelens-clang']);
  task.group = vscode.TaskGroup.Build;
  task.presentationOptions = { reveal: vscode.TaskRevealKind.Silent, clear: true };
  return task;
}

/** The BPF source a command acts on: the argument, else the active C editor. */
export function sourceFor(uri?: vscode.Uri): vscode.Uri | undefined {
  if (uri instanceof vscode.Uri) return uri;
  const ed = vscode.window.activeTextEditor;
  return ed && ed.document.languageId === 'c' && ed.document.uri.scheme === 'file' ? ed.document.uri : undefined;
}

/** Builds `source` (saving it first) and waits for clang; errors appear in Problems through the matcher. */
export async function build(ctx: Ctx, source: vscode.Uri): Promise<BuildResult> {
  const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === source.toString());
  if (open?.isDirty) await open.save();
  const folder = vscode.workspace.getWorkspaceFolder(source);
  const task = await taskFor(ctx, { type: 'corelens', file: source.fsPath }, folder);
  const object = objectFor(source.fsPath);
  const started = Date.now();
  const exitCode = await new Promise<number | undefined>((resolve) => {
    let execution: vscode.TaskExecution | undefined;
    let code: number | undefined;
    const subs = [
      vscode.tasks.onDidEndTaskProcess((e) => { if (e.execution === execution) code = e.exitCode; }),
      // onDidEndTask also fires when clang could not even start (no onDidEndTaskProcess then).
      vscode.tasks.onDidEndTask((e) => {
        if (e.execution !== execution) return;
        subs.forEach((s) => s.dispose());
        resolve(code);
      }),
    ];
    void vscode.tasks.executeTask(task).then((x) => { execution = x; }, (err) => {
      subs.forEach((s) => s.dispose());
      ctx.output.appendLine(`corelens: build task failed to start: ${err}`);
      resolve(undefined);
    });
  });
  const fresh = exitCode === 0 && fs.existsSync(object) && fs.statSync(object).mtimeMs >= started - 2000;
  if (fresh) void vscode.window.setStatusBarMessage(`$(check) CO-RE: built ${path.basename(object)}`, 5000);
  else {
    void vscode.window.showErrorMessage(exitCode === undefined
      ? `CO-RE: could not run clang (${vscode.workspace.getConfiguration('corelens').get('clang.path')}); set corelens.clang.path.`
      : `CO-RE: clang failed on ${path.basename(source.fsPath)} (exit ${exitCode}); see the Problems panel.`);
  }
  return { object, exitCode };
}

/** The built object for a source, building it when missing or older than the source. */
export async function ensureBuilt(ctx: Ctx, source: vscode.Uri): Promise<string | undefined> {
  const object = objectFor(source.fsPath);
  const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === source.toString());
  const stale = !fs.existsSync(object) || open?.isDirty || fs.statSync(object).mtimeMs < fs.statSync(source.fsPath).mtimeMs;
  if (!stale) return object;
  const r = await build(ctx, source);
  return r.exitCode === 0 ? r.object : undefined;
}

/** Registers CO-RE: Build and the `corelens` task provider. */
export function registerBuild(ctx: Ctx): void {
  ctx.context.subscriptions.push(
    vscode.commands.registerCommand('corelens.build', async (uri?: vscode.Uri) => {
      const source = sourceFor(uri);
      if (!source) {
        void vscode.window.showWarningMessage('CO-RE: Build needs a BPF C file open in the editor.');
        return undefined;
      }
      return build(ctx, source);
    }),
    vscode.tasks.registerTaskProvider('corelens', {
      // Offered in "Run Build Task": the active BPF program.
      provideTasks: async () => {
        const source = sourceFor();
        if (!source || !/\.bpf\.c$/.test(source.fsPath)) return [];
        return [await taskFor(ctx, { type: 'corelens', file: source.fsPath }, vscode.workspace.getWorkspaceFolder(source))];
      },
      // A corelens task written in tasks.json: fill in clang and its arguments.
      resolveTask: async (task) => {
        const def = task.definition as BuildDefinition;
        if (!def.file) return undefined;
        const folder = typeof task.scope === 'object' ? task.scope : undefined;
        const file = folder ? path.resolve(folder.uri.fsPath, def.file.replace('${workspaceFolder}', folder.uri.fsPath)) : def.file;
        return taskFor(ctx, def, folder, file); // same definition object: VS Code requires it
      },
    }),
  );
}
