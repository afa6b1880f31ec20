// LSP bench (issue 5): first diagnostics for a 500-line program with the 6 real kernels as targets, hover latency
// over 200 hovers (median, p99), and the server's memory with those targets loaded. Real server, real client.

import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { pathToFileURL } from 'url';
import { Hover } from 'vscode-languageserver-protocol/node';
import { startClient } from '../test/support/lspClient';
import { renderTable } from '../src/util/format';
import { KERNELS, REPO, median, percentile } from './common';

const FIELDS = ['pid', 'tgid', 'flags', 'prio', 'static_prio', 'normal_prio', 'policy', 'exit_code', 'real_parent', 'parent'];

/** A realistic 500-line program: 25 probes reading task_struct/mm_struct fields, guards included. */
function program(): string {
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

/**
 * The editor's first run, server side: a fresh server, no corelens.json (the default targets: the running kernel and
 * the bundled kernels), the 100-line first-run fixture opened at once; time from spawning the server to the first
 * CO-RE problem. Median of 3 (each run a new process).
 */
async function firstRun(): Promise<{ runs: number[]; median: number }> {
  const runs: number[] = [];
  const text = fs.readFileSync(path.join(REPO, 'test-fixtures', 'editor', 'first-run', 'tracer.bpf.c'), 'utf8');
  for (let i = 0; i < 3; i++) {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'corelens-first-run-'));
    const file = path.join(root, 'tracer.bpf.c');
    fs.writeFileSync(file, text);
    const t0 = performance.now();
    const client = await startClient(root);
    try {
      const uri = pathToFileURL(file).toString();
      await client.conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'c', version: 1, text } });
      await client.diagnostics(uri, (d) => d.some((x) => x.code === 'core-missing-field'), 120_000);
      runs.push(performance.now() - t0);
    } finally {
      await client.stop();
      fs.rmSync(root, { recursive: true, force: true });
    }
  }
  return { runs, median: median(runs) };
}

/** `npm run bench -- lsp`. */
export async function runLspBench(): Promise<void> {
  const first = await firstRun();
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'corelens-lsp-bench-'));
  const text = program();
  fs.writeFileSync(path.join(root, 'corelens.json'), JSON.stringify({
    targets: KERNELS.map((k) => ({ name: k, path: path.join(REPO, 'test-fixtures', 'btf', 'kernels', `${k}.btf.xz`) })),
  }));
  const t0 = performance.now();
  const client = await startClient(root);
  try {
    const open = async (name: string, body: string) => {
      const uri = pathToFileURL(path.join(root, name)).toString();
      const start = performance.now();
      await client.conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'c', version: 1, text: body } });
      await client.diagnostics(uri, (d) => d.length > 0, 120_000);
      return { uri, ms: performance.now() - start };
    };
    const cold = await open('a.bpf.c', text);
    const coldTotal = performance.now() - t0;
    const warm = await open('b.bpf.c', text.replace('probe_0', 'probe_x'));
    const lines = text.split('\n');
    const spots: { line: number; character: number }[] = [];
    lines.forEach((l, i) => {
      const m = /BPF_CORE_READ\(t, (\w+)\)/.exec(l);
      if (m) spots.push({ line: i, character: l.indexOf(m[1]!, m.index) + 1 });
    });
    const times: number[] = [];
    for (let i = 0; i < 200; i++) {
      const position = spots[(i * 7) % spots.length]!;
      const s = performance.now();
      const h = await client.conn.sendRequest<Hover | null>('textDocument/hover', { textDocument: { uri: cold.uri }, position });
      times.push(performance.now() - s);
      if (!h) throw new Error(`no hover at ${position.line}:${position.character}`);
    }
    const pid = client.proc.pid!;
    console.log(`program: ${lines.length} lines, ${spots.length} BPF_CORE_READ reads; targets: the ${KERNELS.length} real kernels`);
    console.log(renderTable(['measure', 'value'], [
      ['first run: spawn to first problem, 100 lines, default targets (median of 3)', `${first.median.toFixed(0)} ms (${first.runs.map((r) => r.toFixed(0)).join(', ')}; load ${os.loadavg()[0]!.toFixed(1)})`],
      ['first diagnostics, cold (server start + 6 targets loaded + analysis)', `${coldTotal.toFixed(0)} ms`],
      ['  of which: didOpen → diagnostics', `${cold.ms.toFixed(0)} ms`],
      ['first diagnostics, warm (targets loaded, new document)', `${warm.ms.toFixed(0)} ms`],
      ['hover latency, median of 200', `${median(times).toFixed(2)} ms`],
      ['hover latency, p99 of 200', `${percentile(times, 99).toFixed(2)} ms`],
      ['server RSS now / peak', `${Math.round(rssKb(pid, 'VmRSS') / 1024)} MB / ${Math.round(rssKb(pid, 'VmHWM') / 1024)} MB`],
    ]));
  } finally {
    await client.stop();
  }
}
