// BTF tools bench (issue 6): writer encode, C header, minimise and merge times on the real kernels, beside bpftool.

import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { emitCHeader } from '../src/tools/cformat';
import { mergeBtf } from '../src/tools/merge';
import { minimizeBtf } from '../src/tools/minimize';
import { openBpfObject } from '../src/btf/object';
import { Btf } from '../src/btf/reader';
import { writerFromBtf } from '../src/btf/writer';
import { renderTable } from '../src/util/format';
import { KERNELS, REPO, TMP, median, rawKernel } from './common';

const RUNS = 5;

function time<T>(fn: () => T): { ms: number; value: T } {
  const times: number[] = [];
  let value!: T;
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    value = fn();
    times.push(performance.now() - t0);
  }
  return { ms: median(times), value };
}

/** Median wall time of a command, or undefined when it fails (e.g. bpftool missing). */
function timeCmd(cmd: string, args: string[]): number | undefined {
  const times: number[] = [];
  try {
    for (let i = 0; i < RUNS; i++) {
      const t0 = performance.now();
      execFileSync(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 1 << 30 });
      times.push(performance.now() - t0);
    }
  } catch {
    return undefined;
  }
  return median(times);
}

const fmt = (ms: number | undefined) => (ms === undefined ? 'n/a' : `${ms.toFixed(0)} ms`);

/** `npm run bench tools`. */
export async function runToolsBench(): Promise<void> {
  const objects = ['kernel_task.bpfel.o', 'kernel_net.bpfel.o'].map((f) => path.join(REPO, 'test-fixtures', 'objects', f));
  const opened = await Promise.all(objects.map(async (f) => {
    const o = await openBpfObject(f);
    if (!o.ok) throw o.error;
    return o.value;
  }));
  const app = path.join(REPO, 'test-fixtures', 'btf', 'apps', 'btf-base-new.btf');
  const appBtf = Btf.parse(fs.readFileSync(app), app);
  const rows: string[][] = [];
  const minRows: string[][] = [];
  fs.mkdirSync(TMP, { recursive: true });
  for (const k of KERNELS) {
    const raw = await rawKernel(k);
    const bytes = fs.readFileSync(raw);
    const btf = Btf.parse(bytes, raw);
    const enc = time(() => writerFromBtf(btf).encode());
    const encBe = time(() => writerFromBtf(btf, { littleEndian: false }).encode());
    // A fresh parse per run: the header walks every type, so a warm cache would flatter it.
    const hdr = time(() => emitCHeader(Btf.parse(bytes, raw)).text.length);
    const bpftoolHdr = timeCmd('bpftool', ['btf', 'dump', 'file', raw, 'format', 'c']);
    const merged = time(() => mergeBtf(btf, [appBtf]).bytes.length);
    rows.push([k, String(btf.typeCount - 1), fmt(enc.ms), fmt(encBe.ms), fmt(hdr.ms), `${(hdr.value / 1e6).toFixed(2)} MB`,
      fmt(bpftoolHdr), fmt(merged.ms)]);
    for (let i = 0; i < objects.length; i++) {
      // Fresh parse per run so candidate searches pay for the name index, as a one-shot CLI run does.
      const m = time(() => minimizeBtf(Btf.parse(bytes, raw), [opened[i]!]));
      const out = path.join(TMP, `min-${k}-${path.basename(objects[i]!)}.btf`);
      const bt = timeCmd('bpftool', ['gen', 'min_core_btf', raw, out, objects[i]!]);
      const theirs = bt === undefined ? 'n/a' : String(fs.statSync(out).size);
      minRows.push([k, path.basename(objects[i]!), String(m.value.types), String(m.value.bytes.length), theirs, fmt(m.ms), fmt(bt)]);
    }
  }
  console.log(`medians of ${RUNS} runs\n`);
  console.log(renderTable(['kernel', 'types', 'encode LE', 'encode BE', 'header', 'header size', 'bpftool format c', 'merge + app'], rows));
  console.log('');
  console.log(renderTable(['kernel', 'object', 'types kept', 'bytes', 'bpftool bytes', 'minimize', 'bpftool min_core_btf'], minRows));
}
