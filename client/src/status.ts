// The status bar item: how many targets loaded / failed, from the server's `corelens/status`; click for details.
import * as vscode from 'vscode';
import type { ServerStatus } from './tools';

/** Owns the status bar item and the latest status snapshot. */
export class StatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('corelens.status', vscode.StatusBarAlignment.Left, 10);
  /** The last snapshot the server pushed or answered; undefined while it starts. */
  status: ServerStatus | undefined;

  constructor() {
    this.item.name = 'CO-RE targets';
    this.item.command = 'corelens.showStatus';
    this.starting();
  }

  /** Shown from activation until the server's first status. */
  starting(): void {
    this.item.text = '$(sync~spin) CO-RE';
    this.item.tooltip = 'corelens: starting the language server and loading targets…';
    this.item.backgroundColor = undefined;
    this.item.show();
  }

  /** Not started yet (no BPF document open): nothing to say. */
  hide(): void {
    this.item.hide();
  }

  /** The server stopped (crash or restart): say so rather than show stale numbers. */
  stopped(reason: string): void {
    this.item.text = '$(error) CO-RE';
    this.item.tooltip = `corelens: language server stopped (${reason}). Click for details.`;
    this.item.backgroundColor = new vscode.ThemeColor('statusBarItem.errorBackground');
  }

  /** Renders a snapshot: "CO-RE 5/6 targets", warning colour when any failed. */
  update(s: ServerStatus): void {
    this.status = s;
    const loaded = s.targets.filter((t) => t.state === 'loaded').length;
    const failed = s.targets.filter((t) => t.state === 'failed');
    const loading = s.targets.length - loaded - failed.length;
    this.item.text = `${failed.length ? '$(warning)' : loading ? '$(sync~spin)' : '$(check)'} CO-RE ${loaded}/${s.targets.length} targets`;
    const md = new vscode.MarkdownString(undefined, true);
    md.appendMarkdown(`**corelens targets** — ${loaded} loaded${failed.length ? `, ${failed.length} failed` : ''}${loading ? `, ${loading} loading` : ''}\n\n`);
    for (const t of s.targets) {
      const icon = t.state === 'loaded' ? '$(check)' : t.state === 'failed' ? '$(error)' : '$(sync)';
      md.appendMarkdown(`${icon} \`${t.name}\`${t.state === 'failed' ? ` — ${t.message ?? 'failed'}` : ''}\n\n`);
    }
    // build on save: the last build's verdict, pushed by the server when a build finishes
    const b = s.lastBuild;
    if (b) {
      const what = !b.ok ? `failed: ${b.message ?? 'see the log'}` : b.failing ? `${b.failing} of ${b.programs} program(s) fail to load somewhere` : `all ${b.programs} program(s) load`;
      md.appendMarkdown(`${b.ok && !b.failing ? '$(check)' : '$(warning)'} last build (\`${b.file.split('/').pop()}\`, ${b.ms} ms): ${what}\n\n`);
    } else if (s.buildOnSave && !s.buildOnSave.enabled) {
      md.appendMarkdown(`build on save is off: ${s.buildOnSave.reason ?? ''}\n\n`);
    }
    md.appendMarkdown('Click for details.');
    this.item.tooltip = md;
    this.item.backgroundColor = failed.length ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    this.item.show();
  }

  dispose(): void {
    this.item.dispose();
  }
}

/** `CO-RE: Show Targets`: one entry per target (path, state, reason); picking one offers its file or the log. */
export async function showStatusDetails(status: ServerStatus | undefined, showLog: () => void): Promise<void> {
  if (!status) {
    showLog();
    return;
  }
  type Item = vscode.QuickPickItem & { path?: string; log?: boolean };
  const items: Item[] = status.targets.map((t) => ({
    label: `${t.state === 'loaded' ? '$(check)' : t.state === 'failed' ? '$(error)' : '$(sync)'} ${t.name}`,
    description: t.kind === 'app' ? 'app' : t.base ? 'split BTF' : 'kernel',
    detail: t.state === 'failed' ? `${t.message} — ${t.path}` : t.path,
    path: t.path,
  }));
  items.push({ label: '$(output) Show the server log', log: true }, { label: '$(add) Add a target…', detail: 'CO-RE: Add Target…' });
  const pick = await vscode.window.showQuickPick(items, { title: 'corelens targets', placeHolder: 'Targets every relocation is checked against' });
  if (!pick) return;
  if (pick.log) showLog();
  else if (pick.path) await vscode.commands.executeCommand('revealFileInOS', vscode.Uri.file(pick.path)).then(undefined, () => undefined);
  else await vscode.commands.executeCommand('corelens.addTarget');
}
