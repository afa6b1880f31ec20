// CO-RE: Show Layout Across Targets — the type under the cursor side by side on every target (CLI `layout --json`):
// one row per member, offset/size per target, moved members and holes highlighted, missing ones red.
import * as vscode from 'vscode';
import type { Ctx } from '../extension';
import { typeAt } from '../bpfDocument';
import { runCli, targetArgs } from '../tools';
import { esc, page, showPanel } from '../webview';

interface Member { name: string; depth: number; type: string; offset: number; size: number; bitOffset?: number; bitSize?: number; holeBefore: number }
interface Layout { name: string; size: number; align: number; members: Member[]; holes: number; padding: number }
/** What the command returns (the integration tests read it). */
export interface LayoutReport { type: string; targets: Record<string, Layout | { missing: true; error?: string }>; html: string }

const panels = new Map<string, vscode.WebviewPanel>();

/** The side-by-side page. */
export function layoutHtml(type: string, cols: LayoutReport['targets']): string {
  const names = Object.keys(cols);
  const present = names.filter((n) => !('missing' in cols[n]!)) as string[];
  const lay = (n: string) => cols[n] as Layout;
  const key = (m: Member) => m.name || `<anon@${m.offset}>`;
  const order: string[] = [];
  const info = new Map<string, Member>();
  for (const n of present) for (const m of lay(n).members) if (!info.has(key(m))) { info.set(key(m), m); order.push(key(m)); }
  const ref = present[0];
  const head = `<tr><th>member</th><th>type</th>${names.map((n) => `<th>${esc(n)}</th>`).join('')}</tr>`;
  const rows = order.map((k) => {
    const refM = ref ? lay(ref).members.find((m) => key(m) === k) : undefined;
    const cells = names.map((n) => {
      if (!present.includes(n)) return '<td class="missing"></td>';
      const m = lay(n).members.find((x) => key(x) === k);
      if (!m) return '<td class="missing">missing</td>';
      const moved = refM && refM.offset !== m.offset;
      const pos = m.bitSize !== undefined ? `${m.offset}:${m.bitOffset! - m.offset * 8}` : `${m.offset}`;
      const size = m.bitSize !== undefined ? `${m.bitSize} bits` : `${m.size}`;
      const cls = ['num', moved ? 'moved' : '', m.holeBefore ? 'hole' : ''].filter(Boolean).join(' ');
      // A hole is the blue bar above the cell, its size in the tooltip: the column stays narrow beside the editor.
      return `<td class="${cls}"${m.holeBefore ? ` title="${m.holeBefore} byte hole before"` : ''}>${esc(pos)} / ${esc(size)}</td>`;
    }).join('');
    const m = info.get(k)!;
    return `<tr><td class="nowrap">${'&nbsp;&nbsp;'.repeat(m.depth)}${esc(k)}</td><td><code>${esc(m.type)}</code></td>${cells}</tr>`;
  });
  const foot = [
    `<tr><th>size (align)</th><th></th>${names.map((n) => `<td class="num">${present.includes(n) ? `${lay(n).size} (${lay(n).align})` : 'missing'}</td>`).join('')}</tr>`,
    `<tr><th>holes / padding</th><th></th>${names.map((n) => `<td class="num">${present.includes(n) ? `${lay(n).holes} / ${lay(n).padding}` : ''}</td>`).join('')}</tr>`,
  ];
  return page(`Layout of ${type}`, `<h2>${esc(type)}</h2>
<p class="legend">offset / size in bytes (bitfields: byte:bit / width) · <span class="moved">moved vs ${esc(ref ?? '')}</span><span class="hole">hole before (size in the tooltip)</span><span class="missing">missing</span></p>
<div class="scroll"><table>${head}\n${rows.join('\n')}\n${foot.join('\n')}</table></div>`);
}

/** Lays out `type` on every loaded target and shows it. */
export async function showLayout(ctx: Ctx, type: string): Promise<LayoutReport | undefined> {
  const status = await ctx.status();
  const r = await runCli(['layout', ...targetArgs(status.targets), type, '--json']);
  if (!r.stdout.trim()) {
    void vscode.window.showErrorMessage(`CO-RE: layout of ${type} failed: ${r.stderr.trim().split('\n')[0] ?? `exit ${r.code}`}`);
    return undefined;
  }
  const doc = JSON.parse(r.stdout) as { type: string; targets: LayoutReport['targets'] };
  if (Object.values(doc.targets).every((t) => 'missing' in t)) {
    void vscode.window.showWarningMessage(`CO-RE: ${type} exists on no target.`);
  }
  const html = layoutHtml(type, doc.targets);
  showPanel('corelens.layout', `CO-RE: ${type}`, html, panels);
  return { type, targets: doc.targets, html };
}

/** Registers CO-RE: Show Layout Across Targets (argument: a type spelling; default: the type under the cursor). */
export function registerLayout(ctx: Ctx): void {
  ctx.context.subscriptions.push(vscode.commands.registerCommand('corelens.showLayout', async (spelling?: string) => {
    let type = typeof spelling === 'string' ? spelling : undefined;
    const ed = vscode.window.activeTextEditor;
    if (!type && ed) type = typeAt(ed.document.lineAt(ed.selection.active.line).text, ed.selection.active.character);
    // Nothing type-like under the cursor: ask.
    type ??= await vscode.window.showInputBox({
      title: 'CO-RE: Show Layout Across Targets', prompt: 'A type: struct task_struct, union bpf_attr, or a typedef name', value: 'struct ',
    });
    if (!type?.trim()) return undefined;
    try {
      return await showLayout(ctx, type.trim());
    } catch (e) {
      void vscode.window.showErrorMessage(`CO-RE: layout failed: ${(e as Error).message}`);
      return undefined;
    }
  }));
}
