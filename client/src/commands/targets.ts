// CO-RE: Add Target… — pick a BTF, an ELF with .BTF, an archive, BTFHub archives from a folder, or the running
// kernel; checks it loads (CLI `btf info`) and appends it to the `corelens.targets` setting.
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import type { Ctx } from '../extension';
import { runCli } from '../tools';

const RUNNING_KERNEL_BTF = '/sys/kernel/btf/vmlinux';

/** A `corelens.targets` entry. */
export interface TargetEntry { name: string; path: string; base?: string; kind?: 'kernel' | 'app' }

/** A target name from a file: `5.4.0-42-generic.btf.tar.xz` → `5.4.0-42-generic` (the CLI's rule). */
export function nameFromFile(file: string): string {
  if (path.resolve(file) === RUNNING_KERNEL_BTF) return 'running';
  return path.basename(file).replace(/(\.btf)?(\.tar)?(\.(xz|gz))?$/, '').replace(/\.btf$/, '');
}

/** BTFHub archives under a folder (`<distro>/<version>/<arch>/<kernel>.btf.tar.xz`), named distro-version-kernel. */
export function btfhubArchives(dir: string, limit = 5000): TargetEntry[] {
  const found: TargetEntry[] = [];
  const walk = (d: string, depth: number) => {
    if (depth > 6 || found.length >= limit) return;
    let ents: fs.Dirent[] = [];
    try {
      ents = fs.readdirSync(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of ents.sort((a, b) => a.name.localeCompare(b.name))) {
      const p = path.join(d, e.name);
      if (e.isDirectory() && !e.name.startsWith('.')) walk(p, depth + 1);
      else if (/\.btf(\.tar)?\.(xz|gz)$|\.btf$/.test(e.name)) {
        const rel = path.relative(dir, path.dirname(p)).split(path.sep).filter((s) => !/^(x86_64|arm64|aarch64)$/.test(s));
        found.push({ name: [...rel, nameFromFile(p)].join('-'), path: p, kind: 'kernel' });
      }
    }
  };
  walk(dir, 0);
  return found;
}

/** Appends entries to corelens.targets (workspace settings when a folder is open), with unique names and paths
 * relative to the workspace folder when inside it. Returns the entries as written. */
export async function addTargets(entries: TargetEntry[]): Promise<TargetEntry[]> {
  const folder = vscode.workspace.workspaceFolders?.[0];
  const cfg = vscode.workspace.getConfiguration('corelens', folder);
  const existing = cfg.get<TargetEntry[]>('targets', []);
  const names = new Set(existing.map((t) => t.name));
  const written: TargetEntry[] = [];
  for (const e of entries) {
    let name = e.name;
    for (let i = 2; names.has(name); i++) name = `${e.name}-${i}`;
    names.add(name);
    const rel = (p: string) => {
      if (!folder) return p;
      const r = path.relative(folder.uri.fsPath, p);
      return r && !r.startsWith('..') && !path.isAbsolute(r) ? r : p;
    };
    written.push({ name, path: rel(e.path), ...(e.base ? { base: rel(e.base) } : {}), ...(e.kind && e.kind !== 'kernel' ? { kind: e.kind } : {}) });
  }
  await cfg.update('targets', [...existing, ...written], folder ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global);
  return written;
}

/** Checks that a file reads as BTF (via the CLI) before it becomes a target; the reason when it does not. */
async function checkLoads(file: string, base?: string): Promise<string | undefined> {
  const r = await runCli(['btf', 'info', file, ...(base ? ['--base', base] : []), '--json']);
  return r.code === 0 ? undefined : (r.stderr.trim().split('\n')[0] || `exit ${r.code}`);
}

/** The interactive flow: what kind of source, which file(s), which name. */
async function pickTargets(): Promise<TargetEntry[] | undefined> {
  type Src = vscode.QuickPickItem & { id: string };
  const running = fs.existsSync(RUNNING_KERNEL_BTF);
  const items: Src[] = [
    { id: 'btf', label: '$(file-binary) BTF file…', detail: 'raw BTF: /sys/kernel/btf/vmlinux copied from a machine, pahole --btf_encode_detached output' },
    { id: 'elf', label: '$(file-code) ELF with a .BTF section…', detail: 'vmlinux, a kernel module (split BTF: asks for its vmlinux), or a userspace app binary' },
    { id: 'archive', label: '$(file-zip) Archive…', detail: '.btf.tar.xz from BTFHub, .xz or .gz' },
    { id: 'btfhub', label: '$(folder) BTFHub folder…', detail: 'pick archives from a btfhub-archive checkout (distro/version/arch/kernel.btf.tar.xz)' },
    ...(running ? [{ id: 'running', label: '$(vm) The running kernel', detail: RUNNING_KERNEL_BTF }] : []),
  ];
  const src = await vscode.window.showQuickPick(items, { title: 'CO-RE: Add Target', placeHolder: 'Where does the BTF come from?' });
  if (!src) return undefined;
  if (src.id === 'running') return [{ name: 'running', path: RUNNING_KERNEL_BTF, kind: 'kernel' }];
  if (src.id === 'btfhub') {
    const dir = await vscode.window.showOpenDialog({ canSelectFolders: true, canSelectFiles: false, title: 'BTFHub archive folder' });
    if (!dir?.[0]) return undefined;
    const found = btfhubArchives(dir[0].fsPath);
    if (!found.length) {
      void vscode.window.showWarningMessage(`CO-RE: no .btf.tar.xz under ${dir[0].fsPath}`);
      return undefined;
    }
    const picks = await vscode.window.showQuickPick(found.map((t) => ({ label: t.name, description: path.relative(dir[0]!.fsPath, t.path), t })),
      { canPickMany: true, title: `CO-RE: ${found.length} BTFHub kernels`, placeHolder: 'Pick the kernels you ship to' });
    return picks?.map((p) => p.t);
  }
  const filters: Record<string, Record<string, string[]>> = {
    btf: { 'BTF': ['btf', 'raw', 'bin'], 'All files': ['*'] },
    elf: { 'All files': ['*'] },
    archive: { 'Archives': ['xz', 'gz'], 'All files': ['*'] },
  };
  const file = await vscode.window.showOpenDialog({ canSelectMany: false, filters: filters[src.id], title: src.label.replace(/^\$\([^)]*\) /, '') });
  if (!file?.[0]) return undefined;
  let kind: 'kernel' | 'app' = 'kernel';
  let base: string | undefined;
  if (src.id === 'elf') {
    const k = await vscode.window.showQuickPick([
      { label: 'Kernel (vmlinux)', targetKind: 'kernel' as const, split: false },
      { label: 'Kernel module (split BTF over a vmlinux)', targetKind: 'kernel' as const, split: true },
      { label: 'Userspace app binary (uprobes)', targetKind: 'app' as const, split: false },
    ], { title: 'What is this ELF file?' });
    if (!k) return undefined;
    kind = k.targetKind;
    if (k.split) {
      const b = await vscode.window.showOpenDialog({ title: 'The vmlinux (or its BTF) the module was built against' });
      if (!b?.[0]) return undefined;
      base = b[0].fsPath;
    }
  }
  const name = await vscode.window.showInputBox({ title: 'Target name', prompt: 'Shown in hovers, diagnostics and reports', value: nameFromFile(file[0].fsPath) });
  if (!name) return undefined;
  return [{ name, path: file[0].fsPath, kind, ...(base ? { base } : {}) }];
}

/** Registers CO-RE: Add Target… (argument for scripts/tests: a TargetEntry, skipping the pickers). */
export function registerTargets(ctx: Ctx): void {
  ctx.context.subscriptions.push(vscode.commands.registerCommand('corelens.addTarget', async (given?: TargetEntry) => {
    const entries = given && typeof given === 'object' && given.path
      ? [{ ...given, name: given.name || nameFromFile(given.path) }]
      : await pickTargets();
    if (!entries?.length) return undefined;
    const ok: TargetEntry[] = [];
    for (const e of entries) {
      const why = await checkLoads(e.path, e.base);
      if (why) void vscode.window.showErrorMessage(`CO-RE: ${e.name} is not usable BTF: ${why}`);
      else ok.push(e);
    }
    if (!ok.length) return undefined;
    const written = await addTargets(ok);
    ctx.output.appendLine(`corelens: added target${written.length === 1 ? '' : 's'} ${written.map((t) => `${t.name} (${t.path})`).join(', ')}`);
    void vscode.window.showInformationMessage(`CO-RE: added ${written.map((t) => t.name).join(', ')}. Diagnostics refresh as it loads.`);
    return written;
  }));
}
