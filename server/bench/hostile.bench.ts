// Hostile input (issue 17): what the bounds cost and that work grows linearly. Figures only, never asserted.
//   - live analysis of valid C from 1 to 8 MB (ms per MB should stay flat: the analysis was quadratic before)
//   - macro bombs cut at their limits; layout of a 65,535-member struct; header of hostile BTF
//   - the bounded reader refusing a 1.9 GB file, reading a 1.9 GB ELF by sections; the LSP framing filter

import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { performance } from 'perf_hooks';
import { openBtfFile } from '../src/btf/open';
import { computeLayout, findTypeBySpelling } from '../src/btf/layout';
import { renderLayout } from '../src/cli/layout';
import { FramingFilter, frame } from '../src/lspTransport';
import { createAnalyzer } from '../src/source/analyzer';
import { emitCHeader } from '../src/tools/cformat';
import { hostileBtfs, wideStruct } from '../test/support/hostileBtf';
import { REPO, median } from './common';

const PROGRAMS = path.join(REPO, 'test-fixtures', 'programs');

/** Valid C of about `bytes` bytes: records, macros and programs with CO-RE reads, like a large generated file. */
function validC(bytes: number): string {
  const out = ['#include "fixture.h"', 'struct task_struct { int pid; int tgid; struct task_struct *parent; } __attribute__((preserve_access_index));'];
  let size = 0;
  for (let i = 0; size < bytes; i++) {
    const s = `struct rec${i} { int a; long b; struct task_struct *t; } __attribute__((preserve_access_index));
#define M${i}(p) BPF_CORE_READ(p, parent, pid)
SEC("kprobe/f${i}") int f${i}(struct rec${i} *r) {
	int x = BPF_CORE_READ(r, t, parent, pid);
	if (bpf_core_field_exists(r->b)) x += r->a;
	return x + M${i}(r->t);
}
`;
    out.push(s);
    size += s.length;
  }
  return out.join('\n');
}

/** Wall and CPU time (CPU time is what to compare on a shared, busy machine). */
function time<T>(fn: () => T): { ms: number; cpuMs: number; value: T } {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const value = fn();
  const c = process.cpuUsage(c0);
  return { ms: performance.now() - t0, cpuMs: (c.user + c.system) / 1000, value };
}

export async function runHostileBench(): Promise<void> {
  console.log(`load average ${os.loadavg().map((x) => x.toFixed(1)).join(' ')} on ${os.cpus().length} cores`);
  const analyzer = await createAnalyzer();
  console.log('live analysis of valid C (cold, one analyzer; median of 3):');
  for (const mb of [1, 2, 4, 7.5]) {
    const text = validC(mb * 1024 * 1024 - 65536); // under the 8 MB source cap
    const runs: number[] = [];
    const cpu: number[] = [];
    let sites = 0;
    for (let k = 0; k < 3; k++) {
      const r = time(() => analyzer.analyze(path.join(PROGRAMS, `big${mb}-${k}.bpf.c`), text, { includePaths: [PROGRAMS] }));
      runs.push(r.ms);
      cpu.push(r.cpuMs);
      sites = r.value.sites.length;
      analyzer.close(path.join(PROGRAMS, `big${mb}-${k}.bpf.c`));
    }
    const ms = median(runs);
    const c = median(cpu);
    console.log(`  ${String(mb).padStart(3)} MB: ${ms.toFixed(0).padStart(6)} ms wall, ${c.toFixed(0).padStart(6)} ms CPU  (${(c / mb).toFixed(0)} ms CPU/MB, ${sites} sites)`);
  }

  console.log('macro bombs (cut at their limits):');
  const doubling = `${['#define A0 x', ...Array.from({ length: 23 }, (_, i) => `#define A${i + 1} A${i} A${i}`)].join('\n')}\nint f(void) { return A23; }\n`;
  const nested = `#define F(x) x\nint f(void) { return ${'F('.repeat(20000)}1${')'.repeat(20000)}; }\n`;
  const uses = `${['#define A0 x', ...Array.from({ length: 20 }, (_, i) => `#define A${i + 1} A${i} A${i}`)].join('\n')}\n${Array.from({ length: 400 }, (_, i) => `int f${i}(void) { return A20; }`).join('\n')}\n`;
  for (const [label, text] of [['A23 (2^23 tokens)', doubling], ['F(F(...)) 20,000 deep', nested], ['400 uses of A20', uses]] as const) {
    const r = time(() => analyzer.analyze(path.join(PROGRAMS, 'bomb.bpf.c'), text));
    console.log(`  ${label.padEnd(24)} ${r.ms.toFixed(0).padStart(6)} ms wall, ${r.cpuMs.toFixed(0).padStart(5)} ms CPU  (${r.value.notes.filter((n) => /corelens limit/.test(n.message)).length} limit notes)`);
  }

  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'corelens-bench-hostile-'));
  try {
    const wide = path.join(tmp, 'wide.btf');
    fs.writeFileSync(wide, wideStruct());
    const w = await openBtfFile(wide);
    if (w.ok) {
      const l = time(() => {
        const layout = computeLayout(w.value.btf, findTypeBySpelling(w.value.btf, 'struct wide')!);
        return renderLayout('struct wide', [{ target: 'a', layout }, { target: 'b', layout }]);
      });
      console.log(`layout of a 65,535-member struct on 2 targets: ${l.ms.toFixed(0)} ms (text, ${l.value.length} bytes)`);
    }
    for (const [name, bytes] of Object.entries(hostileBtfs())) {
      const f = path.join(tmp, `${name}.btf`);
      fs.writeFileSync(f, bytes);
      const r = await openBtfFile(f);
      const t = time(() => { try { return `${emitCHeader(r.ok ? r.value.btf : (undefined as never)).text.length} bytes`; } catch (e) { return (e as Error).message.slice(0, 60); } });
      console.log(`  header of ${name.padEnd(14)} ${t.ms.toFixed(1).padStart(7)} ms: ${t.value}`);
    }
    const big = path.join(tmp, 'big.btf');
    fs.closeSync(fs.openSync(big, 'w'));
    fs.truncateSync(big, Math.floor(1.9 * 1024 ** 3));
    const refuse = performance.now();
    const rr = await openBtfFile(big);
    console.log(`bounded reader: a 1.9 GB file of zeros refused in ${(performance.now() - refuse).toFixed(1)} ms (${rr.ok ? 'read!' : 'magic checked first'})`);
    const elf = path.join(tmp, 'huge.o');
    fs.copyFileSync(path.join(REPO, 'test-fixtures', 'objects', 'kernel_task.bpfel.o'), elf);
    fs.truncateSync(elf, Math.floor(1.9 * 1024 ** 3));
    const rss0 = process.memoryUsage().rss;
    const e0 = performance.now();
    const er = await openBtfFile(elf);
    console.log(`bounded reader: a 1.9 GB ELF read by sections in ${(performance.now() - e0).toFixed(1)} ms, RSS +${((process.memoryUsage().rss - rss0) / 1e6).toFixed(0)} MB (${er.ok ? 'its .BTF parsed' : er.error.message})`);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }

  const doc = frame({ jsonrpc: '2.0', method: 'textDocument/didOpen', params: { textDocument: { uri: 'file:///x.bpf.c', languageId: 'c', version: 1, text: 'x'.repeat(10 << 20) } } });
  const filter = new FramingFilter({ send: () => undefined, log: () => undefined });
  filter.on('data', () => undefined);
  const f0 = performance.now();
  for (let i = 0; i < 4; i++) {
    filter.write(frame({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { capabilities: {} } }));
    for (let at = 0; at < doc.length; at += 65536) filter.write(doc.subarray(at, at + 65536));
  }
  await new Promise((r) => setImmediate(r));
  console.log(`LSP framing filter: 4 × 10 MB didOpen in 64 KB chunks: ${(performance.now() - f0).toFixed(0)} ms (${((40 * 1000) / (performance.now() - f0)).toFixed(0)} MB/s)`);
}
