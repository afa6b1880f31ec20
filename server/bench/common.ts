// Shared bench helpers: fixture kernels decompressed once into .tmp, native anchors built on demand, statistics.

import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { openBtfFile } from '../src/btf/open';

export const REPO = path.resolve(__dirname, '../../..');
export const TMP = path.join(REPO, '.tmp', 'bench');
export const KERNELS = ['6.1-amd64', '6.1-arm64', '6.1-cloud-amd64', '6.1-rt-amd64', '6.18-amd64', 'cilium-ci-2026-04-amd64'];

/** Path of a fixture kernel's raw BTF, decompressed into .tmp/bench on first use. */
export async function rawKernel(name: string): Promise<string> {
  const out = path.join(TMP, `${name}.btf`);
  if (!fs.existsSync(out)) {
    const r = await openBtfFile(path.join(REPO, 'test-fixtures', 'btf', 'kernels', `${name}.btf.xz`));
    if (!r.ok) throw r.error;
    fs.mkdirSync(TMP, { recursive: true });
    fs.writeFileSync(out, r.value.btf.bytes);
  }
  return out;
}

/** Builds a C anchor against Debian's static libbpf; undefined (with a note) when the toolchain is missing. */
export function buildNative(name: string, src: string): string | undefined {
  const out = path.join(TMP, name);
  try {
    fs.mkdirSync(TMP, { recursive: true });
    if (!fs.existsSync(out) || fs.statSync(out).mtimeMs < fs.statSync(src).mtimeMs) {
      execFileSync('cc', ['-O2', src, '-o', out, '-l:libbpf.a', '-lelf', '-lz'], { stdio: ['ignore', 'ignore', 'pipe'] });
    }
    return out;
  } catch (e) {
    console.log(`could not build ${name}: ${(e as Error).message.split('\n')[0]}; run: apt-get install -y clang libbpf-dev libelf-dev zlib1g-dev`);
    return undefined;
  }
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

export function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((s.length * p) / 100))]!;
}
