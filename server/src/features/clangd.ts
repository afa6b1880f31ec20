// Configuring clangd for BPF programs, so it stops reporting BPF-only builtins as unknown
// (`use of unknown builtin '__builtin_preserve_field_info'`), finds the headers corelens finds, and sees the defines
// the build uses: `--target=bpf`, `-D__TARGET_ARCH_<arch>` (bpf_tracing.h's PT_REGS_* need it), `-I`, `-D`.
//
// Where the flags go follows what the workspace already uses, so an existing setup is extended, never replaced:
//   compile_commands.json (root or build/) → an entry per BPF source (added, or its flags completed);
//   .clangd                                → a fragment for BPF sources, between corelens marker comments;
//   compile_flags.txt                      → missing flags appended.
// With none of them: compile_flags.txt when every C file of the folder is a BPF program; a `.clangd` fragment
// scoped to BPF files when userspace C lives beside them (compile_flags.txt applies to every file, and
// `--target=bpf` would break clangd on the loader's <stdio.h>).

import { readTextInputSync } from '../util/files';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/** The `__TARGET_ARCH_*` names bpf_tracing.h knows. */
export const TARGET_ARCHES = ['x86', 'arm64', 'arm', 's390', 'powerpc', 'mips', 'riscv', 'loongarch', 'sparc', 'arc'] as const;

/** Node's architecture (or a kernel/Debian spelling) → bpf_tracing.h's `__TARGET_ARCH_` suffix. */
export function targetArch(arch: string = os.arch()): string | undefined {
  const a = arch.toLowerCase();
  const map: Record<string, string> = {
    x64: 'x86', x86_64: 'x86', amd64: 'x86', ia32: 'x86', i386: 'x86', x86: 'x86', arm64: 'arm64', aarch64: 'arm64', arm: 'arm',
    armhf: 'arm', s390x: 's390', s390: 's390', ppc64: 'powerpc', ppc64le: 'powerpc', ppc: 'powerpc', powerpc: 'powerpc',
    mips: 'mips', mipsel: 'mips', mips64: 'mips', mips64el: 'mips', riscv64: 'riscv', riscv: 'riscv', loong64: 'loongarch',
    loongarch64: 'loongarch', loongarch: 'loongarch', sparc: 'sparc', sparc64: 'sparc', arc: 'arc',
  };
  return map[a];
}

export interface ClangdOptions {
  /** The folder to configure (the workspace root). */
  root: string;
  /** `__TARGET_ARCH_` suffix (x86, arm64, ...); default: this machine's. */
  arch?: string;
  /** Include directories (absolute, or relative to root). */
  includePaths?: readonly string[];
  /** `NAME` or `NAME=VALUE`. */
  defines?: readonly string[];
  /** Force a format instead of following the workspace. */
  format?: ClangdFormat;
}

export type ClangdFormat = 'compile_flags' | 'clangd' | 'compile_commands';

/** What was (or would be) written. */
export interface ClangdPlan {
  format: ClangdFormat;
  file: string;
  /** The new content of `file`. */
  content: string;
  /** Whether `file` existed (and is extended) or is new. */
  existed: boolean;
  flags: string[];
  /** BPF sources covered (compile_commands.json entries). */
  sources: string[];
  /** One line per thing done, for the user. */
  summary: string;
}

/** An error a user can act on, naming the file. */
export class ClangdConfigError extends Error {}

const MARK_BEGIN = '# >>> corelens: BPF programs (CO-RE: Configure clangd for BPF / corelens clangd-config) >>>';
const MARK_END = '# <<< corelens <<<';
const SKIP_DIRS = new Set(['node_modules', '.git', 'build', 'out', 'dist', '.tmp', '.cache']);

/** Whether a C file is a BPF program: `*.bpf.c`, or one that includes vmlinux.h or libbpf's BPF-side headers. */
export function isBpfSource(file: string, text?: string): boolean {
  if (/\.bpf\.[ch]$/.test(file)) return true;
  if (!/\.[ch]$/.test(file)) return false;
  const head = (text ?? readHead(file)).slice(0, 65536);
  return /#\s*include\s*[<"](vmlinux\.h|bpf\/bpf_helpers\.h|bpf\/bpf_tracing\.h|bpf\/bpf_core_read\.h)[>"]/.test(head);
}

/** A directory entry that is (or links to) a regular file. */
function isRegular(e: fs.Dirent, p: string): boolean {
  if (e.isFile()) return true;
  if (!e.isSymbolicLink()) return false;
  try { return fs.statSync(p).isFile(); } catch { return false; }
}

function readHead(file: string): string {
  try {
    const fd = fs.openSync(file, 'r');
    try {
      const buf = Buffer.alloc(65536);
      const n = fs.readSync(fd, buf, 0, buf.length, 0);
      return buf.subarray(0, n).toString('utf8');
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return '';
  }
}

/** C sources under `root` (a few levels deep, skipping build and dependency folders), split into BPF and others. */
export function scanSources(root: string, depth = 4): { bpf: string[]; other: string[] } {
  const bpf: string[] = [];
  const other: string[] = [];
  const walk = (dir: string, d: number) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) {
        if (d > 0 && !SKIP_DIRS.has(e.name) && !e.name.startsWith('.')) walk(p, d - 1);
      } else if (/\.c$/.test(e.name) && isRegular(e, p)) {
        // regular files only: opening a FIFO named x.c would block the server
        (isBpfSource(p) ? bpf : other).push(p);
      }
    }
  };
  walk(root, depth);
  return { bpf, other };
}

/** `-idirafter /usr/include/<triplet>`: linux/bpf.h includes <asm/...>, which `--target=bpf` alone does not find. */
function multiarchInclude(): string[] {
  const triplet: Record<string, string> = { x64: 'x86_64-linux-gnu', arm64: 'aarch64-linux-gnu', s390x: 's390x-linux-gnu', ppc64: 'powerpc64le-linux-gnu', riscv64: 'riscv64-linux-gnu' };
  const t = triplet[os.arch()];
  const dir = t ? `/usr/include/${t}` : undefined;
  return dir && fs.existsSync(dir) ? ['-idirafter', dir] : [];
}

/**
 * The flags clangd needs for a BPF program. Include paths are relative to `relTo` when inside it (compile_flags.txt:
 * clangd resolves them against that file's folder), absolute otherwise (.clangd and compile_commands.json resolve
 * them against each compile command's directory).
 */
export function bpfFlags(o: ClangdOptions, relTo?: string): string[] {
  const arch = o.arch && o.arch !== 'auto' ? o.arch : targetArch();
  if (!arch || !(TARGET_ARCHES as readonly string[]).includes(arch)) {
    throw new ClangdConfigError(`unknown BPF target architecture "${o.arch ?? os.arch()}": use one of ${TARGET_ARCHES.join(', ')}`);
  }
  const inc = (o.includePaths ?? []).map((p) => {
    const abs = path.resolve(o.root, p);
    if (relTo === undefined) return `-I${abs}`;
    const rel = path.relative(relTo, abs);
    return `-I${!rel ? '.' : rel.startsWith('..') || path.isAbsolute(rel) ? abs : rel}`;
  });
  return ['--target=bpf', `-D__TARGET_ARCH_${arch}`, ...inc, ...(o.defines ?? []).map((d) => `-D${d}`), ...multiarchInclude()];
}

/** Which file to write: the one the workspace already uses, else by whether userspace C sits beside the programs. */
export function chooseFormat(root: string, scan: { bpf: string[]; other: string[] }): { format: ClangdFormat; file: string } {
  for (const rel of ['compile_commands.json', path.join('build', 'compile_commands.json')]) {
    if (fs.existsSync(path.join(root, rel))) return { format: 'compile_commands', file: path.join(root, rel) };
  }
  if (fs.existsSync(path.join(root, '.clangd'))) return { format: 'clangd', file: path.join(root, '.clangd') };
  if (fs.existsSync(path.join(root, 'compile_flags.txt'))) return { format: 'compile_flags', file: path.join(root, 'compile_flags.txt') };
  return scan.other.length
    ? { format: 'clangd', file: path.join(root, '.clangd') }
    : { format: 'compile_flags', file: path.join(root, 'compile_flags.txt') };
}

const FILE_OF: Record<ClangdFormat, string> = { compile_flags: 'compile_flags.txt', clangd: '.clangd', compile_commands: 'compile_commands.json' };

/** Computes what to write (nothing is written): the new content of the chosen file. */
export function planClangdConfig(o: ClangdOptions): ClangdPlan {
  const root = path.resolve(o.root);
  if (!fs.existsSync(root) || !fs.statSync(root).isDirectory()) throw new ClangdConfigError(`${root}: not a folder`);
  const scan = scanSources(root);
  const chosen = o.format
    ? { format: o.format, file: o.format === 'compile_commands' && fs.existsSync(path.join(root, 'build', 'compile_commands.json')) && !fs.existsSync(path.join(root, 'compile_commands.json'))
      ? path.join(root, 'build', 'compile_commands.json') : path.join(root, FILE_OF[o.format]) }
    : chooseFormat(root, scan);
  const existed = fs.existsSync(chosen.file);
  let old = '';
  if (existed) {
    try {
      // bounded (compile_commands.json of a big tree is several MB: the header cap), and never a FIFO or a device
      old = readTextInputSync(chosen.file, 'header');
    } catch (e) {
      throw new ClangdConfigError(`${chosen.file}: cannot read: ${(e as Error).message}`);
    }
  }
  switch (chosen.format) {
    case 'compile_flags': {
      const flags = bpfFlags(o, root);
      const lines = old.split('\n').map((l) => l.trim()).filter(Boolean);
      // One flag per line; a flag with a value (-idirafter DIR) is two lines, as clangd reads them.
      const missing = flagUnits(flags).filter((u) => !containsUnit(lines, u));
      const content = [...lines, ...missing.flat()].join('\n') + '\n';
      return { format: 'compile_flags', file: chosen.file, content, existed, flags, sources: scan.bpf,
        summary: missing.length ? `${existed ? 'added to' : 'wrote'} ${chosen.file}: ${missing.flat().join(' ')}` : `${chosen.file} already has every flag` };
    }
    case 'clangd': {
      const flags = bpfFlags(o);
      const fragment = clangdFragment(root, flags, scan.bpf);
      const start = old.indexOf(MARK_BEGIN);
      const end = old.indexOf(MARK_END);
      // The fragment is a YAML document of its own, always last (a document after it would need its own `---`).
      const rest = start >= 0 && end > start ? old.slice(0, start) + old.slice(end + MARK_END.length).replace(/^\n/, '') : old;
      const content = (rest.trim() ? `${rest.replace(/\s*$/, '')}\n` : '') + fragment;
      return { format: 'clangd', file: chosen.file, content, existed, flags, sources: scan.bpf,
        summary: `${existed ? 'updated' : 'wrote'} the corelens fragment of ${chosen.file} (BPF sources only): ${flags.join(' ')}` };
    }
    case 'compile_commands': {
      let db: { directory: string; file: string; arguments?: string[]; command?: string; output?: string }[] = [];
      if (old.trim()) {
        try {
          db = JSON.parse(old) as typeof db;
        } catch (e) {
          throw new ClangdConfigError(`${chosen.file}: not valid JSON (${(e as Error).message}); fix it or remove it, then run this again`);
        }
        if (!Array.isArray(db)) throw new ClangdConfigError(`${chosen.file}: expected a JSON array of compile commands`);
      }
      const flags = bpfFlags(o);
      const done: string[] = [];
      for (const src of scan.bpf) {
        const entry = db.find((e) => path.resolve(e.directory ?? root, e.file) === src);
        if (!entry) {
          db.push({ directory: root, file: src, arguments: ['clang', ...flags, '-g', '-O2', '-c', src, '-o', src.replace(/\.c$/, '.o')] });
          done.push(`added ${path.relative(root, src)}`);
          continue;
        }
        const args = entry.arguments ?? splitCommand(entry.command ?? '');
        const units = flagUnits(flags).filter((u) => !containsUnit(args, u) && !(u[0] === '--target=bpf' && hasBpfTarget(args)));
        if (!units.length) continue;
        entry.arguments = [args[0] ?? 'clang', ...units.flat(), ...args.slice(1)];
        delete entry.command;
        done.push(`completed ${path.relative(root, src)}`);
      }
      return { format: 'compile_commands', file: chosen.file, content: JSON.stringify(db, null, 2) + '\n', existed, flags, sources: scan.bpf,
        summary: done.length ? `${chosen.file}: ${done.join(', ')}` : scan.bpf.length ? `${chosen.file} already covers every BPF source` : `no BPF source under ${root}` };
    }
  }
}

/** Writes the plan (atomically: temp file + rename). */
export function writeClangdConfig(plan: ClangdPlan): void {
  // an unpredictable name, created exclusively: a symlink planted at the temp name is never written through
  const tmp = `${plan.file}.corelens-${process.pid}-${crypto.randomBytes(6).toString('hex')}.tmp`;
  try {
    fs.mkdirSync(path.dirname(plan.file), { recursive: true });
    fs.writeFileSync(tmp, plan.content, { flag: 'wx' });
    fs.renameSync(tmp, plan.file);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw new ClangdConfigError(`${plan.file}: cannot write: ${(e as Error).message}`);
  }
}

/** The `.clangd` fragment: BPF sources by path (`*.bpf.[ch]` and BPF programs with other names). */
function clangdFragment(root: string, flags: string[], bpf: readonly string[]): string {
  const named = bpf.filter((f) => !/\.bpf\.c$/.test(f)).map((f) => path.relative(root, f).split(path.sep).join('/'));
  const patterns = ['.*\\.bpf\\.(c|h)', ...named.map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))];
  const q = (s: string) => (/^[\w./=-]+$/.test(s) ? s : JSON.stringify(s));
  return [MARK_BEGIN, '---', 'If:', `  PathMatch: [${patterns.map((p) => JSON.stringify(p)).join(', ')}]`, 'CompileFlags:',
    `  Add: [${flags.map(q).join(', ')}]`, MARK_END, ''].join('\n');
}

/** Flags as units: `-idirafter DIR` is one unit of two words. */
function flagUnits(flags: readonly string[]): string[][] {
  const out: string[][] = [];
  for (let i = 0; i < flags.length; i++) {
    if (flags[i] === '-idirafter' || flags[i] === '-isystem') out.push([flags[i]!, flags[++i]!]);
    else out.push([flags[i]!]);
  }
  return out;
}

function containsUnit(list: readonly string[], unit: readonly string[]): boolean {
  for (let i = 0; i + unit.length <= list.length; i++) if (unit.every((u, k) => list[i + k] === u)) return true;
  return false;
}

function hasBpfTarget(args: readonly string[]): boolean {
  return args.some((a, i) => a === '--target=bpf' || a === '-target=bpf' || /^--target=bpf(el|eb)?$/.test(a) || ((a === '-target' || a === '--target') && /^bpf(el|eb)?$/.test(args[i + 1] ?? '')));
}

/** Splits a compile_commands.json `command` string (shell words: quotes and backslashes). */
export function splitCommand(cmd: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quote: string | undefined;
  let has = false;
  for (let i = 0; i < cmd.length; i++) {
    const c = cmd[i]!;
    if (quote) {
      if (c === quote) quote = undefined;
      else if (c === '\\' && quote === '"' && i + 1 < cmd.length) cur += cmd[++i];
      else cur += c;
    } else if (c === '"' || c === "'") {
      quote = c;
      has = true;
    } else if (c === '\\' && i + 1 < cmd.length) {
      cur += cmd[++i];
      has = true;
    } else if (/\s/.test(c)) {
      if (cur || has) out.push(cur);
      cur = '';
      has = false;
    } else {
      cur += c;
    }
  }
  if (cur || has) out.push(cur);
  return out;
}
