// Shared bits of the report webviews (relocation matrix, layout): escaping, a strict CSP page, "open source line".
import * as path from 'path';
import * as vscode from 'vscode';

/** HTML-escapes text for the reports. */
export function esc(s: unknown): string {
  return String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]!));
}

/** A page with a nonce-only CSP, the theme's colours, and a click handler that asks the extension to open a line. */
export function page(title: string, body: string): string {
  const nonce = Math.random().toString(36).slice(2) + Date.now().toString(36);
  return `<!DOCTYPE html><html><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'nonce-${nonce}'; script-src 'nonce-${nonce}';">
<title>${esc(title)}</title>
<style nonce="${nonce}">
body { font-family: var(--vscode-font-family); font-size: var(--vscode-font-size); color: var(--vscode-foreground); }
/* Beside the editor (half the window) a report keeps one line per header and scrolls sideways when it has many
   targets, rather than squeezing every column until headers wrap. */
.scroll { overflow-x: auto; }
table { border-collapse: collapse; margin-top: .5em; }
th, td { border: 1px solid var(--vscode-panel-border, #8884); padding: 2px 6px; text-align: left; vertical-align: top; }
th { background: var(--vscode-editorWidget-background); position: sticky; top: 0; white-space: nowrap; }
td.num, td.nowrap { white-space: nowrap; }
/* the row's name stays in view while the target columns scroll */
tr > :first-child { position: sticky; left: 0; background: var(--vscode-editor-background); z-index: 1; }
th:first-child { z-index: 2; background: var(--vscode-editorWidget-background); }
td.num { text-align: right; font-family: var(--vscode-editor-font-family); }
td.fail { background: rgba(220, 40, 40, .22); color: var(--vscode-errorForeground, #e55); }
td.moved { background: rgba(230, 160, 0, .22); }
td.hole { box-shadow: inset 0 3px 0 rgba(80, 140, 255, .8); }
td.missing { background: rgba(220, 40, 40, .22); }
.reason { font-size: 90%; opacity: .9; white-space: normal; min-width: 10em; max-width: 20em; }
tr.section th { text-align: left; font-family: var(--vscode-editor-font-family); }
a { color: var(--vscode-textLink-foreground); cursor: pointer; }
.legend span { margin-right: 1.5em; padding: 0 .4em; }
</style></head><body>
${body}
<script nonce="${nonce}">
const vscode = acquireVsCodeApi();
document.addEventListener('click', (e) => {
  const a = e.target.closest('a[data-file]');
  if (a) vscode.postMessage({ type: 'open', file: a.dataset.file, line: Number(a.dataset.line), column: Number(a.dataset.column || 1) });
});
</script></body></html>`;
}

/** A link the page's click handler turns into "open this file at this line". */
export function sourceLink(file: string, line: number, column: number, label: string): string {
  return `<a data-file="${esc(file)}" data-line="${line}" data-column="${column}" title="${esc(file)}:${line}:${column}">${esc(label)}</a>`;
}

/** Opens (or reuses) a report panel beside the editor and wires its "open line" messages. */
export function showPanel(viewType: string, title: string, html: string, panels: Map<string, vscode.WebviewPanel>): vscode.WebviewPanel {
  let panel = panels.get(viewType);
  if (!panel) {
    panel = vscode.window.createWebviewPanel(viewType, title, { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, { enableScripts: true });
    panels.set(viewType, panel);
    panel.onDidDispose(() => panels.delete(viewType));
    panel.webview.onDidReceiveMessage(async (m: { type: string; file: string; line: number; column: number }) => {
      if (m.type !== 'open') return;
      const pos = new vscode.Position(Math.max(0, m.line - 1), Math.max(0, m.column - 1));
      await vscode.window.showTextDocument(vscode.Uri.file(path.resolve(m.file)), { viewColumn: vscode.ViewColumn.One, selection: new vscode.Range(pos, pos) });
    });
  }
  panel.title = title;
  panel.webview.html = html;
  panel.reveal(undefined, true);
  return panel;
}
