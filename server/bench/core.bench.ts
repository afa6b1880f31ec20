// CO-RE bench (issue 3): relocate a 200+-relocation object against every real kernel; beside real libbpf (oracle).
//
// The object is generated at bench time: a vmlinux.h from the 6.1 kernel (bpftool) and a program reading many
// fields of common kernel structs through BPF_CORE_READ, compiled with clang -target bpf.

import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { openBpfObject } from '../src/btf/object';
import { Btf } from '../src/btf/reader';
import { Kind, isComposite } from '../src/btf/types';
import { relocateObject } from '../src/core/object';
import { renderTable } from '../src/util/format';
import { KERNELS, REPO, TMP, buildNative, median, rawKernel } from './common';

const STRUCTS = ['task_struct', 'mm_struct', 'file', 'inode', 'dentry', 'super_block', 'sock', 'sk_buff', 'net_device', 'cred',
  'vm_area_struct', 'signal_struct', 'tcp_sock', 'socket', 'bio'];

/** Writes and compiles the bench program; returns the object path, or undefined when clang/bpftool are missing. */
async function buildObject(): Promise<string | undefined> {
  const dir = path.join(TMP, 'core');
  fs.mkdirSync(dir, { recursive: true });
  const raw = await rawKernel('6.1-amd64');
  const obj = path.join(dir, 'fleet.bpf.o');
  try {
    const header = execFileSync('bpftool', ['btf', 'dump', 'file', raw, 'format', 'c'], { maxBuffer: 64 << 20 });
    fs.writeFileSync(path.join(dir, 'vmlinux.h'), header);
    const btf = Btf.parse(fs.readFileSync(raw), raw);
    const lines = ['#include "vmlinux.h"', '#include <bpf/bpf_helpers.h>', '#include <bpf/bpf_core_read.h>', ''];
    let reads = 0;
    for (const s of STRUCTS) {
      const t = btf.type(btf.findByName(s, Kind.Struct));
      if (!isComposite(t)) continue;
      lines.push(`SEC("kprobe/read_${s}")`, `int read_${s}(struct ${s} *p)`, '{', '\tlong v = 0;');
      let here = 0;
      for (const m of t.members) {
        const mt = btf.type(btf.skipModifiers(m.type));
        if (!m.name || m.bitfieldSize || !(mt.kind === Kind.Int || mt.kind === Kind.Ptr || mt.kind === Kind.Enum)) continue;
        lines.push(`\tv += (long)BPF_CORE_READ(p, ${m.name});`);
        reads++;
        if (++here === 30) break;
      }
      lines.push('\treturn v;', '}', '');
    }
    lines.push('char LICENSE[] SEC("license") = "GPL";');
    fs.writeFileSync(path.join(dir, 'fleet.bpf.c'), lines.join('\n'));
    execFileSync('clang', ['-g', '-O2', '-target', 'bpf', '-D__TARGET_ARCH_x86', '-I', dir, '-c', path.join(dir, 'fleet.bpf.c'), '-o', obj]);
    return obj;
  } catch (e) {
    console.log(`cannot build the bench object (${(e as Error).message.split('\n')[0]}); run: apt-get install -y clang bpftool libbpf-dev`);
    return undefined;
  }
}

/** `npm run bench core`. */
export async function runCoreBench(): Promise<void> {
  const objFile = await buildObject();
  if (!objFile) return;
  const o = await openBpfObject(objFile);
  if (!o.ok) throw o.error;
  const nrelos = o.value.ext?.coreRelos.length ?? 0;
  const oracle = buildNative('oracle', path.join(REPO, 'tools', 'oracle', 'oracle.c'));
  const rows: string[][] = [];
  let totalMs = 0;
  for (const k of KERNELS) {
    const raw = await rawKernel(k);
    const t0 = performance.now();
    const btf = Btf.parse(fs.readFileSync(raw), raw);
    const openMs = performance.now() - t0;
    const target = { name: k, btf };
    const times: number[] = [];
    let failing = 0;
    for (let r = 0; r < 15; r++) {
      const t1 = performance.now();
      const relos = relocateObject(o.value, [target]);
      times.push(performance.now() - t1);
      failing = relos.filter((x) => x.targets.get(k)!.outcome !== 'ok').length;
    }
    const ms = median(times.slice(1));
    totalMs += ms;
    let oracleMs = NaN;
    if (oracle) {
      const ot: number[] = [];
      for (let r = 0; r < 5; r++) {
        const t2 = performance.now();
        execFileSync(oracle, [objFile, `${k}=${raw}`], { maxBuffer: 64 << 20 });
        ot.push(performance.now() - t2);
      }
      oracleMs = median(ot);
    }
    rows.push([k, String(failing), openMs.toFixed(1), times[0]!.toFixed(1), ms.toFixed(2), Math.round(nrelos / (ms / 1000)).toLocaleString('en'),
      Number.isNaN(oracleMs) ? 'n/a' : oracleMs.toFixed(1)]);
  }
  console.log(`relocating ${path.relative(REPO, objFile)}: ${nrelos} CO-RE relocations, against each real kernel`);
  console.log(renderTable(['kernel', 'not ok', 'open ms', 'first relocate ms', 'relocate ms (median)', 'relocations/s',
    'libbpf oracle ms (process, incl. parse)'], rows));
  console.log(`all ${KERNELS.length} kernels: ${totalMs.toFixed(1)} ms of relocation (targets already open), `
    + `${Math.round((nrelos * KERNELS.length) / (totalMs / 1000)).toLocaleString('en')} relocations/s`);
}
