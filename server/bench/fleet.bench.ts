// The language server at fleet scale (issue 14): 100 and 500 BTFHub-style targets (`.btf.tar.xz`, the nine real
// kernels under distinct names) and a 300-line program. First diagnostics with a cold and a warm slice cache, peak
// RSS, an edit on known types and an edit that relocates a new root type, each to new diagnostics.
//
//   npm run bench -- fleet                    both sizes
//   FLEET_BENCH_TARGETS=100 npm run bench -- fleet
//   FLEET_BENCH_SERVER=/path/to/corelens.js   another build (e.g. the one before slices) for a before/after figure
// Goals: 500 targets under 1 GB RSS, warm first diagnostics under 3 s, an edit on known types under 100 ms.

import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { pathToFileURL } from 'url';
import { Diagnostic } from 'vscode-languageserver-protocol/node';
import { renderTable } from '../src/util/format';
import { TestClient, startClient } from '../test/support/lspClient';
import { kernelArchives, median } from './common';

const KERNELS = ['5.10-amd64', '5.10-arm64', '6.1-amd64', '6.1-arm64', '6.1-cloud-amd64', '6.1-rt-amd64', '6.12-amd64', '6.18-amd64', 'cilium-ci-2026-04-amd64'];
const SERVER = process.env.FLEET_BENCH_SERVER;

/** A 300-line program over task_struct, mm_struct, file, dentry and sk_buff, with guards: what a tracing tool reads. */
function program(): string {
  const out = [
    '// SPDX-License-Identifier: GPL-2.0',
    '#include <bpf/bpf_helpers.h>',
    '#include <bpf/bpf_core_read.h>',
    '#include <bpf/bpf_tracing.h>',
    'struct mm_struct { unsigned long total_vm; unsigned long stack_vm; } __attribute__((preserve_access_index));',
    'struct qstr { unsigned int len; const unsigned char *name; } __attribute__((preserve_access_index));',
    'struct dentry { struct dentry *d_parent; struct qstr d_name; } __attribute__((preserve_access_index));',
    'struct path { struct dentry *dentry; } __attribute__((preserve_access_index));',
    'struct file { struct path f_path; unsigned int f_flags; } __attribute__((preserve_access_index));',
    'struct sk_buff { unsigned int len; unsigned short protocol; } __attribute__((preserve_access_index));',
    'struct task_struct { int pid; int tgid; int prio; unsigned int flags; struct task_struct *real_parent;',
    '\tstruct mm_struct *mm; long state; } __attribute__((preserve_access_index));',
    'struct task_struct___x { unsigned int __state; } __attribute__((preserve_access_index));',
    '/* NEW_TYPE */',
    '',
  ];
  for (let p = 0; out.length < 292; p++) {
    out.push(`SEC("kprobe/probe_${p}")`, `int probe_${p}(struct pt_regs *ctx)`, '{',
      '\tstruct task_struct *t = (void *)bpf_get_current_task();', '\tstruct file *f = (void *)ctx;', '\tlong v = 0;',
      '\tv += BPF_CORE_READ(t, pid) + BPF_CORE_READ(t, tgid) + BPF_CORE_READ(t, real_parent, tgid);',
      '\tv += BPF_CORE_READ(t, mm, total_vm) + BPF_CORE_READ(f, f_path.dentry, d_name.len);',
      '\tif (bpf_core_field_exists(((struct task_struct___x *)t)->__state))',
      '\t\tv += BPF_CORE_READ((struct task_struct___x *)t, __state);',
      '\telse', '\t\tv += BPF_CORE_READ(t, state);',
      `\tv += ${p}; /* EDIT_${p} */`,
      '\treturn v;', '}', '');
  }
  out.push('SEC("tc") int classify(struct sk_buff *skb) { return BPF_CORE_READ(skb, len) + BPF_CORE_READ(skb, protocol); }');
  out.push('char LICENSE[] SEC("license") = "GPL";');
  return out.join('\n');
}

function rssMb(pid: number, key: 'VmHWM' | 'VmRSS'): number {
  const m = new RegExp(`${key}:\\s+(\\d+) kB`).exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Math.round(Number(m[1]) / 1024) : NaN;
}

interface Session { client: TestClient; uri: string; firstMs: number; version: number }

/** Starts a server on the workspace and opens the program; resolves at its first diagnostics over every target. */
async function session(root: string, cache: string, text: string): Promise<Session> {
  const t0 = performance.now();
  const client = await startClient(root, {}, SERVER, { env: { CORELENS_CACHE: cache } });
  const uri = pathToFileURL(path.join(root, 'prog.bpf.c')).toString();
  await client.conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'c', version: 1, text } });
  // The server publishes once its targets are loaded and the program relocated on all of them.
  await client.diagnostics(uri, () => true, 900_000);
  return { client, uri, firstMs: performance.now() - t0, version: 1 };
}

/** Replaces the document and times until diagnostics for that version arrive. */
async function edit(s: Session, text: string): Promise<number> {
  const version = ++s.version;
  const start = performance.now();
  const got = new Promise<Diagnostic[]>((resolve) => {
    const check = () => {
      const p = s.client.latest.get(s.uri);
      if (p && p.version === version) resolve(p.diagnostics);
      else setTimeout(check, 2);
    };
    check();
  });
  await s.client.conn.sendNotification('textDocument/didChange', { textDocument: { uri: s.uri, version }, contentChanges: [{ text }] });
  await got;
  return performance.now() - start;
}

async function runSize(n: number, arch: Map<string, string>): Promise<string[][]> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'corelens-fleet-bench-'));
  try {
    // A BTFHub-style tree of n archives (symlinks), named like distinct kernel builds.
    const tree = path.join(root, 'btfhub-archive');
    const targets: { name: string; path: string }[] = [];
    for (let i = 0; i < n; i++) {
      const k = KERNELS[i % KERNELS.length]!;
      const ver = /^(\d+\.\d+)/.exec(k)?.[1] ?? '6.6';
      const rel = path.join(i % 2 ? 'ubuntu' : 'debian', String(20 + (i % 5)), k.includes('arm64') ? 'arm64' : 'x86_64');
      fs.mkdirSync(path.join(tree, rel), { recursive: true });
      const file = path.join(tree, rel, `${ver}.0-${i}-${k.replace(/^[\d.]+-/, '')}.btf.tar.xz`);
      fs.symlinkSync(arch.get(k)!, file);
      targets.push({ name: `${rel}/${path.basename(file, '.btf.tar.xz')}`.split(path.sep).join('/'), path: file });
    }
    fs.writeFileSync(path.join(root, 'corelens.json'), JSON.stringify({ targets }));
    const cache = path.join(root, 'cache');
    const text = program();
    const cold = await session(root, cache, text);
    const coldRss = rssMb(cold.client.proc.pid!, 'VmHWM');
    await cold.client.stop();
    const warm = await session(root, cache, text);
    const pid = warm.client.proc.pid!;
    // Edits on known types: one constant changed per edit, in a different function each time.
    const known: number[] = [];
    let current = text;
    for (let i = 0; i < 9; i++) {
      current = current.replace(`v += ${i}; /* EDIT_${i} */`, `v += ${i + 100}; /* EDIT_${i} */`);
      known.push(await edit(warm, current));
    }
    // An edit that relocates a root type no slice covers yet: every archive is read once more (then cached).
    const withNew = current.replace('/* NEW_TYPE */', 'struct xdp_rxq_info { unsigned int queue_index; } __attribute__((preserve_access_index));')
      .replace(/v \+= \d+; \/\* EDIT_0 \*\//, 'v += BPF_CORE_READ((struct xdp_rxq_info *)ctx, queue_index);');
    const newType = await edit(warm, withNew);
    const warmRss = rssMb(pid, 'VmHWM');
    await warm.client.stop();
    return [
      [`${n} targets: first diagnostics, cold cache`, `${(cold.firstMs / 1000).toFixed(1)} s`, `peak RSS ${coldRss} MB`],
      [`${n} targets: first diagnostics, warm cache`, `${(warm.firstMs / 1000).toFixed(2)} s`, 'goal < 3 s at 500'],
      [`${n} targets: edit on known types → diagnostics`, `${median(known).toFixed(0)} ms median (${Math.min(...known).toFixed(0)}–${Math.max(...known).toFixed(0)})`, 'goal < 100 ms at 500'],
      [`${n} targets: edit with a new root type → diagnostics`, `${(newType / 1000).toFixed(1)} s`, 'every archive read once'],
      [`${n} targets: peak RSS of the warm session`, `${warmRss} MB`, 'goal < 1 GB at 500'],
    ];
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

/** `npm run bench -- fleet`. */
export async function runFleetBench(): Promise<void> {
  const arch = await kernelArchives(KERNELS, 'fleet-archives');
  const sizes = process.env.FLEET_BENCH_TARGETS ? [Number(process.env.FLEET_BENCH_TARGETS)] : [100, 500];
  console.log(`language server: ${SERVER ?? 'this build'}; a 300-line program over task_struct, mm_struct, file, dentry, sk_buff; `
    + `BTFHub-style .btf.tar.xz targets (the ${KERNELS.length} real kernels under distinct names), ${os.availableParallelism?.() ?? os.cpus().length} cores`);
  const rows: string[][] = [];
  for (const n of sizes) rows.push(...await runSize(n, arch));
  console.log(renderTable(['measure', 'value', 'note'], rows));
}
