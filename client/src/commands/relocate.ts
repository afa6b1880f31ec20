// CO-RE: Relocate — the built object against every target (the bundled CLI's `relocate --json`, the same engine
// the server uses), shown as a matrix: one row per relocation, one column per target, failures red with the reason.
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import type { Ctx } from '../extension';
import { parseJsonExact } from '../bpfDocument';
import { runCli, targetArgs } from '../tools';
import { ensureBuilt, sourceFor } from './build';
import { esc, page, showPanel, sourceLink } from '../webview';

/** One target's outcome of one relocation (README "relocate --json"). */
interface Outcome { poison: boolean; error?: boolean; errno?: number; localValue?: number | string; value?: number | string; targetTypeId: number; reason?: string }
/** One relocation row of `relocate --json`. */
export interface Relocation {
  section: string; insnOff: number; kind: string; localType: string; access: string;
  file: string | null; line: number | null; column: number | null;
  targets: Record<string, Outcome>;
}
/** What the command returns (the integration tests read it). */
export interface RelocateReport { object: string; targets: string[]; relocations: Relocation[]; failures: number; html: string }

const panels = new Map<string, vscode.WebviewPanel>();

/** DWARF may record the file relative to clang's working directory: resolve it against the object's directory. */
function sourcePath(file: string, object: string): string {
  return path.isAbsolute(file) ? file : path.resolve(path.dirname(object), file);
}

/** The matrix page. */
export function relocationHtml(object: string, targets: string[], relos: Relocation[]): string {
  const failures = relos.filter((r) => targets.some((t) => r.targets[t]?.poison || r.targets[t]?.error)).length;
  const head = `<tr><th>source</th><th>kind</th><th>type · access</th><th>local</th>${targets.map((t) => `<th>${esc(t)}</th>`).join('')}</tr>`;
  let section: string | undefined;
  const rows = relos.map((r) => {
    // One header row per program (SEC name) instead of a column: keeps the target columns in view.
    const sec = r.section === section ? '' : `<tr class="section"><th colspan="${4 + targets.length}">SEC("${esc(r.section)}")</th></tr>\n`;
    section = r.section;
    const where = r.file && r.line
      ? sourceLink(sourcePath(r.file, object), r.line, r.column ?? 1, `${path.basename(r.file)}:${r.line}`)
      : esc(`${r.section}+${r.insnOff}`);
    const local = Object.values(r.targets)[0]?.localValue;
    const cells = targets.map((t) => {
      const o = r.targets[t];
      if (!o) return '<td></td>';
      if (o.poison || o.error) {
        return `<td class="fail"><b>${o.error ? `ERROR${o.errno ? ` (errno ${esc(o.errno)})` : ''}` : 'POISON'}</b>${o.reason ? `<div class="reason">${esc(o.reason)}</div>` : ''}</td>`;
      }
      return `<td class="num"${o.reason ? ` title="${esc(o.reason)}"` : ''}>${esc(o.value ?? '')}</td>`;
    }).join('');
    return `${sec}<tr><td class="nowrap">${where}</td><td>${esc(r.kind)}</td><td class="nowrap">${esc(r.localType)} <code>${esc(r.access)}</code></td><td class="num">${esc(local ?? '')}</td>${cells}</tr>`;
  }).join('\n');
  const summary = `${relos.length} CO-RE relocation${relos.length === 1 ? '' : 's'} × ${targets.length} target${targets.length === 1 ? '' : 's'}`
    + (failures ? ` — <b>${failures} fail on at least one target</b>` : ' — every relocation resolves on every target');
  return page(`Relocations of ${path.basename(object)}`, `<h2>${esc(path.basename(object))}</h2><p>${summary}. Values are what libbpf patches into the instruction (offsets in bytes); click a source location to open it.</p>
<div class="scroll"><table>${head}\n${rows}</table></div>`);
}

/** Builds if needed, relocates against the server's targets, shows the matrix. */
export async function relocate(ctx: Ctx, source: vscode.Uri): Promise<RelocateReport | undefined> {
  const object = await ensureBuilt(ctx, source);
  if (!object) return undefined;
  const status = await ctx.status();
  const args = targetArgs(status.targets);
  if (!args.length) {
    void vscode.window.showErrorMessage('CO-RE: no target loaded; add one with CO-RE: Add Target…');
    return undefined;
  }
  const r = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `CO-RE: relocating ${path.basename(object)}` },
    () => runCli(['relocate', object, ...args, '--json'], path.dirname(object)));
  if ((r.code !== 0 && r.code !== 1) || !r.stdout.trim()) {
    void vscode.window.showErrorMessage(`CO-RE: relocate failed: ${r.stderr.trim().split('\n')[0] ?? `exit ${r.code}`}`);
    return undefined;
  }
  const doc = parseJsonExact(r.stdout) as { relocations: Relocation[] };
  const targets = status.targets.filter((t) => t.state !== 'failed').map((t) => t.name);
  const html = relocationHtml(object, targets, doc.relocations);
  showPanel('corelens.relocations', `CO-RE: ${path.basename(object)}`, html, panels);
  const failures = doc.relocations.filter((x) => Object.values(x.targets).some((o) => o.poison || o.error)).length;
  ctx.output.appendLine(`corelens: ${path.basename(object)}: ${doc.relocations.length} relocations, ${failures} failing on some target`);
  return { object, targets, relocations: doc.relocations, failures, html };
}

/** Registers CO-RE: Relocate. */
export function registerRelocate(ctx: Ctx): void {
  ctx.context.subscriptions.push(vscode.commands.registerCommand('corelens.relocate', async (uri?: vscode.Uri) => {
    const source = sourceFor(uri);
    if (!source || !fs.existsSync(source.fsPath)) {
      void vscode.window.showWarningMessage('CO-RE: Relocate needs a BPF C file open in the editor.');
      return undefined;
    }
    try {
      return await relocate(ctx, source);
    } catch (e) {
      void vscode.window.showErrorMessage(`CO-RE: relocate failed: ${(e as Error).message}`);
      return undefined;
    }
  }));
}
