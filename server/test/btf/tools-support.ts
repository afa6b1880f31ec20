// Shared by the BTF tools tests: real tools (libbpf oracle, bpftool, clang) located or built once, raw kernel files.

import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { BtfWriter, NewType } from '../../src/btf/writer';
import { Btf } from '../../src/btf/reader';
import { kernel } from '../support/kernels';
import { REPO_ROOT } from '../support/paths';

export const TOOLS_TMP = path.join(REPO_ROOT, '.tmp', 'tools-test');

/** True when `cmd` runs. */
export function have(cmd: string, args: string[] = ['--version']): boolean {
  const r = spawnSync(cmd, args, { stdio: 'ignore' });
  return r.error === undefined;
}

let oraclePath: string | undefined | null = null;

/**
 * The libbpf oracle harness (tools/oracle/oracle.c), built like scripts/oracle.sh builds it; undefined only when the
 * C toolchain or libbpf's static library is missing (CI installs them, so there it always runs).
 */
export function oracle(): string | undefined {
  if (oraclePath !== null) return oraclePath;
  const src = path.join(REPO_ROOT, 'tools', 'oracle', 'oracle.c');
  const out = path.join(REPO_ROOT, '.tmp', 'oracle');
  const libbpf = ['/usr/lib/x86_64-linux-gnu/libbpf.a', '/usr/lib/aarch64-linux-gnu/libbpf.a', '/usr/lib/libbpf.a'].some((f) => fs.existsSync(f));
  if (!have('cc') || !libbpf || !fs.existsSync('/usr/include/bpf/btf.h')) {
    oraclePath = undefined;
    return undefined;
  }
  if (!fs.existsSync(out) || fs.statSync(out).mtimeMs < fs.statSync(src).mtimeMs) {
    fs.mkdirSync(path.dirname(out), { recursive: true });
    execFileSync('cc', ['-O1', '-g', src, '-o', out, '-l:libbpf.a', '-lelf', '-lz'], { cwd: REPO_ROOT, stdio: 'pipe' });
  }
  oraclePath = out;
  return out;
}

/** The reason printed when a real-tool test is skipped. */
export const MISSING_TOOLS = 'needs clang, bpftool and libbpf-dev: apt-get install -y clang llvm libbpf-dev bpftool dwarves libelf-dev zlib1g-dev';

/** One oracle line, kept as parsed JSON (values compared as strings keep 64-bit precision). */
export type OracleRecord = Record<string, string | number | boolean>;

/** Runs the oracle for `object` against `NAME=FILE` targets; one record per relocation × target. */
export function runOracle(object: string, targets: readonly string[]): OracleRecord[] {
  const out = execFileSync(oracle()!, [object, ...targets], { encoding: 'utf8', maxBuffer: 1 << 28 });
  return out.split('\n').filter(Boolean).map((l) => JSON.parse(l.replace(/"(origVal|newVal)":(-?\d+)/g, '"$1":"$2"')));
}

/** Raw (decompressed) file of a fixture kernel, for tools that cannot read .xz. */
export async function rawKernelFile(name: string): Promise<string> {
  const out = path.join(TOOLS_TMP, 'kernels', `${name}.btf`);
  if (!fs.existsSync(out)) {
    const btf = await kernel(name);
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.writeFileSync(`${out}.part`, btf.bytes);
    fs.renameSync(`${out}.part`, out);
  }
  return out;
}

/** A small BTF built by hand; `build` adds types to the writer. */
export function smallBtf(build: (w: BtfWriter) => void, littleEndian = true): Btf {
  const w = new BtfWriter({ littleEndian });
  build(w);
  return Btf.parse(w.encode(), '<small>');
}

/** Shorthands for building small BTFs. */
export const T = {
  int: (name: string, size: number, signed = true): NewType =>
    ({ kind: 1, name, size, encoding: signed ? 1 : 0, bitOffset: 0, bits: size * 8 }) as NewType,
  ptr: (type: number): NewType => ({ kind: 2, name: '', type }) as NewType,
  array: (elemType: number, indexType: number, nelems: number): NewType =>
    ({ kind: 3, name: '', elemType, indexType, nelems }) as NewType,
  struct: (name: string, size: number, members: [string, number, number, number?][], union = false): NewType => ({
    kind: union ? 5 : 4, name, size, kindFlag: members.some((m) => (m[3] ?? 0) > 0),
    members: members.map(([n, type, bitOffset, bitfieldSize]) => ({ name: n, type, bitOffset, bitfieldSize: bitfieldSize ?? 0 })),
  }) as NewType,
  enumT: (name: string, size: number, values: [string, bigint][], signed = false, is64 = false): NewType =>
    ({ kind: is64 ? 19 : 6, name, size, signed, values: values.map(([n, value]) => ({ name: n, value })) }) as NewType,
  typedef: (name: string, type: number): NewType => ({ kind: 8, name, type }) as NewType,
  cnst: (type: number): NewType => ({ kind: 10, name: '', type }) as NewType,
  volatile: (type: number): NewType => ({ kind: 9, name: '', type }) as NewType,
  fwd: (name: string, isUnion = false): NewType => ({ kind: 7, name, isUnion }) as NewType,
  proto: (returnType: number, params: number[]): NewType =>
    ({ kind: 13, name: '', returnType, params: params.map((type) => ({ name: '', type })) }) as NewType,
  func: (name: string, type: number): NewType => ({ kind: 12, name, type, linkage: 1 }) as NewType,
  float: (name: string, size: number): NewType => ({ kind: 16, name, size }) as NewType,
  declTag: (name: string, type: number, componentIdx: number): NewType => ({ kind: 17, name, type, componentIdx }) as NewType,
};
