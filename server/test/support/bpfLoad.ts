// Compiling a BPF C file with the real clang and loading it with the real verifier of the running kernel (bpftool
// prog loadall), for tests that must prove an edit keeps a program compiling and loading.

import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/** bpf_tracing.h's __TARGET_ARCH_ for this machine. */
const ARCH = ({ x64: 'x86', arm64: 'arm64', s390x: 's390', ppc64: 'powerpc', riscv64: 'riscv' } as Record<string, string>)[os.arch()] ?? 'x86';

/** `clang -g -O2 -target bpf -D__TARGET_ARCH_<arch> [-I DIR]... -c FILE -o OUT` (this machine's arch unless given;
 * `target` bpfel/bpfeb for an explicit byte order); throws with clang's errors when it fails. */
export function compileBpf(file: string, out = file.replace(/\.c$/, '.o'),
  opts: { includes?: readonly string[]; arch?: string; target?: string } = {}): string {
  const inc = (opts.includes ?? []).map((d) => `-I${d}`);
  const r = spawnSync('clang', ['-g', '-O2', '-target', opts.target ?? 'bpf', `-D__TARGET_ARCH_${opts.arch ?? ARCH}`, ...inc, '-c', file, '-o', out], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`clang failed on ${file}:\n${r.stderr}`);
  return out;
}

/** A fixture program compiled for a test: its name (the file's, less `.bpf.c`), source and object. */
export interface CompiledFixture { name: string; source: string; object: string }

/** Every `*.bpf.c` of `dir`, in name order, compiled into `out` as `NAME.bpf.o` (compileBpf's options). */
export function compileFixtureDir(dir: string, out: string, opts: Parameters<typeof compileBpf>[2] = {}): CompiledFixture[] {
  return fs.readdirSync(dir).filter((f) => f.endsWith('.bpf.c')).sort().map((f) => {
    const name = f.slice(0, -'.bpf.c'.length);
    const source = path.join(dir, f);
    return { name, source, object: compileBpf(source, path.join(out, `${name}.bpf.o`), opts) };
  });
}

let pins = 0;

/**
 * Loads every program of OBJ into the running kernel (libbpf relocates against /sys/kernel/btf/vmlinux, the kernel
 * verifies), then unpins and unloads them. Returns whether it loaded, and bpftool's output (libbpf's and the
 * verifier's messages) when it did not. Needs root and a mounted bpffs, as the project's tests run.
 */
export function loadOnRunningKernel(obj: string): { ok: boolean; log: string } {
  if (!fs.existsSync('/sys/fs/bpf')) throw new Error('no /sys/fs/bpf: mount bpffs (mount -t bpf bpf /sys/fs/bpf) to run the load tests');
  const pin = `/sys/fs/bpf/corelens-test-${process.pid}-${++pins}`;
  try {
    const r = spawnSync('bpftool', ['prog', 'loadall', obj, pin], { encoding: 'utf8' });
    return { ok: r.status === 0, log: `${r.stdout}${r.stderr}` };
  } finally {
    fs.rmSync(pin, { recursive: true, force: true });
  }
}

/** A scratch folder that the caller removes. */
export function scratch(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}
