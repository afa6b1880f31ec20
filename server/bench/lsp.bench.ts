// LSP bench (issues 5, 15, 16): a real server and a real client. The editor's first run (default targets); a
// 500-line program with the 6 real kernels as targets (first diagnostics, hover latency, RSS), then with 100 and 500
// small BTFHub-style targets (slices of the real kernels): the time from an edit to its diagnostics, which must not
// grow with the number of targets for edits that do not change a CO-RE access. Temporary folders are removed
// whatever happens.

import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { pathToFileURL } from 'url';
import { Hover } from 'vscode-languageserver-protocol/node';
import { TestClient, startClient } from '../test/support/lspClient';
import { Btf } from '../src/btf/reader';
import { sliceBtf } from '../src/check/slice';
import { renderTable } from '../src/util/format';
import { KERNELS, REPO, RUNS, percentile, rawKernel, spawnToFirstProblem } from './common';
import { addRow, spread } from './summary';

const FIELDS = ['pid', 'tgid', 'flags', 'prio', 'static_prio', 'normal_prio', 'policy', 'exit_code', 'real_parent', 'parent'];
const EDITS = 8;
/** The server's debounce between a change and its check (server.ts schedule()): part of what a user waits for. */
const DEBOUNCE_MS = 80;

/** A realistic 500-line program: 25 probes reading task_struct/mm_struct fields, guards included. */
export function program(): string {
  const out = [
    '// SPDX-License-Identifier: GPL-2.0',
    '#include <bpf/bpf_helpers.h>',
    '#include <bpf/bpf_core_read.h>',
    '#include <bpf/bpf_tracing.h>',
    '',
    'struct mm_struct { unsigned long total_vm; unsigned long stack_vm; unsigned long start_brk; } __attribute__((preserve_access_index));',
    'struct task_struct {',
    ...FIELDS.map((f) => (f === 'real_parent' || f === 'parent' ? `\tstruct task_struct *${f};` : `\tint ${f};`)),
    '\tstruct mm_struct *mm;',
    '\tlong state;',
    '} __attribute__((preserve_access_index));',
    'struct task_struct___x { unsigned int __state; } __attribute__((preserve_access_index));',
    '',
  ];
  for (let p = 0; out.length < 490; p++) {
    out.push(`SEC("kprobe/probe_${p}")`, `int probe_${p}(struct pt_regs *ctx)`, '{',
      '\tstruct task_struct *t = (void *)bpf_get_current_task();', '\tlong v = 0;');
    for (const f of FIELDS.slice(0, 8)) out.push(`\tv += BPF_CORE_READ(t, ${f});`);
    out.push('\tv += BPF_CORE_READ(t, real_parent, tgid);', '\tv += BPF_CORE_READ(t, mm, total_vm);',
      '\tif (bpf_core_field_exists(((struct task_struct___x *)t)->__state))',
      '\t\tv += BPF_CORE_READ((struct task_struct___x *)t, __state);', '\telse', '\t\tv += BPF_CORE_READ(t, state);',
      '\treturn v;', '}', '');
  }
  out.push('char LICENSE[] SEC("license") = "GPL";');
  return out.join('\n');
}

function rssKb(pid: number, key: 'VmHWM' | 'VmRSS'): number {
  const m = new RegExp(`${key}:\\s+(\\d+) kB`).exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) : NaN;
}

/** `n` small targets in `dir`: slices of the real kernels (task_struct, mm_struct), each under its own name. */
async function smallTargets(dir: string, n: number): Promise<{ name: string; path: string }[]> {
  const slices: Uint8Array[] = [];
  for (const k of KERNELS) {
    const raw = await rawKernel(k);
    slices.push(sliceBtf(Btf.parse(fs.readFileSync(raw), raw), ['task_struct', 'mm_struct']).bytes);
  }
  return [...Array(n).keys()].map((i) => {
    const file = path.join(dir, `k${String(i).padStart(3, '0')}.btf`);
    fs.writeFileSync(file, slices[i % slices.length]!);
    return { name: `${KERNELS[i % KERNELS.length]}-${i}`, path: file };
  });
}

interface Session {
  firstMs: number;
  editMs: number[];
  coreEditMs: number[];
  rssMb: number;
}

/** One server session over `targets`: first diagnostics, then edits that keep / change the CO-RE accesses. */
async function session(targets: { name: string; path: string }[], text: string): Promise<Session> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'corelens-lsp-bench-'));
  let client: TestClient | undefined;
  try {
    fs.writeFileSync(path.join(root, 'corelens.json'), JSON.stringify({ targets }));
    client = await startClient(root);
    const c = client;
    const uri = pathToFileURL(path.join(root, 'a.bpf.c')).toString();
    const published = (v: number) => c.diagnostics(uri, () => c.latest.get(uri)?.version === v, 300_000);
    const t0 = performance.now();
    await c.conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'c', version: 1, text } });
    await published(1);
    const firstMs = performance.now() - t0;
    let version = 1;
    const edit = async (line: number, from: number, to: number, newText: string) => {
      const s = performance.now();
      await c.conn.sendNotification('textDocument/didChange', {
        textDocument: { uri, version: ++version },
        contentChanges: [{ range: { start: { line, character: from }, end: { line, character: to } }, text: newText }],
      });
      await published(version);
      return performance.now() - s;
    };
    const lines = text.split('\n');
    // A body edit that keeps every CO-RE access: `long v = 0;` → `long v = 1;` and back, in the first probe.
    const vLine = lines.findIndex((l) => l === '\tlong v = 0;');
    const vCol = lines[vLine]!.indexOf('0');
    const editMs: number[] = [];
    for (let i = 0; i < EDITS; i++) editMs.push(await edit(vLine, vCol, vCol + 1, i % 2 ? '0' : '1'));
    // An edit that changes one CO-RE access to a field not read there in the last two edits (`pid` → `tgid` →
    // `flags` → ...): its relocations are new on every target, the other sites' are not.
    const rLine = lines.findIndex((l) => l === '\tv += BPF_CORE_READ(t, pid);');
    const rCol = lines[rLine]!.indexOf('pid');
    const coreEditMs: number[] = [];
    let cur = 'pid';
    for (let i = 0; i < EDITS; i++) {
      const next = FIELDS[(i + 1) % 8]!;
      coreEditMs.push(await edit(rLine, rCol, rCol + cur.length, next));
      cur = next;
    }
    return { firstMs, editMs, coreEditMs, rssMb: rssKb(c.proc.pid!, 'VmHWM') / 1024 };
  } finally {
    await client?.stop();
    fs.rmSync(root, { recursive: true, force: true });
  }
}

/**
 * The editor's first run, server side: a fresh server, no corelens.json (the default targets: the running kernel and
 * the bundled kernels), the 100-line first-run fixture opened at once; time from spawning the server to the first
 * CO-RE problem. Each run a new process.
 */
async function firstRun(): Promise<number[]> {
  const runs: number[] = [];
  const text = fs.readFileSync(path.join(REPO, 'test-fixtures', 'editor', 'first-run', 'tracer.bpf.c'), 'utf8');
  for (let i = 0; i < RUNS; i++) runs.push((await spawnToFirstProblem(text, {}, () => undefined)).wallMs);
  return runs;
}

/** `npm run bench -- lsp`. */
export async function runLspBench(): Promise<void> {
  const first = await firstRun();
  addRow({ path: 'editor first run: server spawn to first problem, 100 lines, default targets', measure: 'wall ms', corelens: first });
  const text = program();
  const lines = text.split('\n');
  const spots: { line: number; character: number }[] = [];
  lines.forEach((l, i) => {
    const m = /BPF_CORE_READ\(t, (\w+)\)/.exec(l);
    if (m) spots.push({ line: i, character: l.indexOf(m[1]!, m.index) + 1 });
  });
  const real = KERNELS.map((k) => ({ name: k, path: path.join(REPO, 'test-fixtures', 'btf', 'kernels', `${k}.btf.xz`) }));

  // Hover latency and memory with the real kernels (one session).
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'corelens-lsp-bench-'));
  const hover: number[] = [];
  let rss = '';
  try {
    fs.writeFileSync(path.join(root, 'corelens.json'), JSON.stringify({ targets: real }));
    const client = await startClient(root);
    try {
      const uri = pathToFileURL(path.join(root, 'a.bpf.c')).toString();
      await client.conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'c', version: 1, text } });
      await client.diagnostics(uri, (d) => d.length > 0, 120_000);
      for (let i = 0; i < 200; i++) {
        const position = spots[(i * 7) % spots.length]!;
        const s = performance.now();
        const h = await client.conn.sendRequest<Hover | null>('textDocument/hover', { textDocument: { uri }, position });
        hover.push(performance.now() - s);
        if (!h) throw new Error(`no hover at ${position.line}:${position.character}`);
      }
      rss = `${Math.round(rssKb(client.proc.pid!, 'VmRSS') / 1024)} MB / ${Math.round(rssKb(client.proc.pid!, 'VmHWM') / 1024)} MB`;
    } finally {
      await client.stop();
    }
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'corelens-lsp-bench-targets-'));
  const rows: string[][] = [];
  try {
    const sets: [string, { name: string; path: string }[]][] = [
      [`${KERNELS.length} real kernels`, real],
      ['100 small targets', await smallTargets(dir, 100)],
      ['500 small targets', await smallTargets(dir, 500)],
    ];
    for (const [label, targets] of sets) {
      const runs: Session[] = [];
      for (let r = 0; r < RUNS; r++) runs.push(await session(targets, text));
      const med = (xs: number[]) => spread(xs).median;
      const perRun = (f: (s: Session) => number[]) => runs.map((s) => med(f(s)));
      rows.push([label, med(runs.map((s) => s.firstMs)).toFixed(0), ...[perRun((s) => s.editMs), perRun((s) => s.coreEditMs)].map((xs) => {
        const sp = spread(xs);
        return `${sp.median.toFixed(0)} (${sp.min.toFixed(0)}–${sp.max.toFixed(0)})`;
      }), `${med(runs.map((s) => s.rssMb)).toFixed(0)} MB`]);
      addRow({ path: `language server: edit → diagnostics, ${label}`, measure: 'wall ms', corelens: perRun((s) => s.editMs),
        goal: { maxValue: 100 }, note: `a body edit that keeps every CO-RE access; median of ${EDITS} edits per server session, `
          + `${RUNS} sessions; includes the server's ${DEBOUNCE_MS} ms debounce` });
      addRow({ path: `language server: edit changing one CO-RE access, ${label}`, measure: 'wall ms', corelens: perRun((s) => s.coreEditMs) });
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  console.log(`program: ${lines.length} lines, ${spots.length} BPF_CORE_READ reads; ${RUNS} server sessions per target set, `
    + `${EDITS} edits of each kind per session; edit times include the server's ${DEBOUNCE_MS} ms debounce`);
  console.log(renderTable(['targets', 'first diagnostics ms', 'body edit → diagnostics ms', 'CO-RE edit → diagnostics ms', 'server peak RSS'], rows));
  console.log(renderTable(['measure (6 real kernels)', 'value'], [
    ['first run: spawn to first problem, 100 lines, default targets', `${spread(first).median.toFixed(0)} ms (${first.map((r) => r.toFixed(0)).join(', ')}; load ${os.loadavg()[0]!.toFixed(1)})`],
    ['hover latency, median of 200', `${spread(hover).median.toFixed(2)} ms`],
    ['hover latency, p99 of 200', `${percentile(hover, 99).toFixed(2)} ms`],
    ['server RSS now / peak', rss],
  ]));
}
