// `corelens clangd-config`: configure clangd for the BPF programs of a folder (features/clangd.ts does the work).

import * as path from 'path';
import { ClangdConfigError, ClangdFormat, planClangdConfig, writeClangdConfig } from '../features/clangd';
import { CONFIG_FILE, readConfigFile } from '../targets/config';
import { Io } from './common';

export const CLANGD_USAGE = `usage: corelens clangd-config [DIR] [--arch ARCH] [-I DIR]... [-D NAME[=VALUE]]... [--format compile_flags|clangd|compile_commands] [--dry-run]

Writes what clangd needs to read BPF programs like clang -target bpf does (no more "use of unknown builtin
'__builtin_preserve_field_info'"): --target=bpf, -D__TARGET_ARCH_<arch>, the include paths and defines of
corelens.json (plus -I/-D given here). It extends the file the folder already uses (compile_commands.json,
.clangd or compile_flags.txt); with none, it writes compile_flags.txt, or a .clangd fragment for BPF files only
when userspace C sits beside them. DIR defaults to the current folder. --dry-run prints the content instead.
ARCH: x86 (default on x86_64), arm64, arm, s390, powerpc, mips, riscv, loongarch.`;

/** Runs `corelens clangd-config`; resolves to the exit code. */
export async function clangdConfigCommand(argv: string[], io: Io): Promise<number> {
  let dir: string | undefined;
  let arch: string | undefined;
  let format: ClangdFormat | undefined;
  let dryRun = false;
  const includes: string[] = [];
  const defines: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new UsageProblem(`${a} needs a value`);
      return v;
    };
    try {
      if (a === '-h' || a === '--help') {
        io.out(CLANGD_USAGE);
        return 0;
      } else if (a === '--arch') arch = value();
      else if (a === '--format') {
        const f = value();
        if (f !== 'compile_flags' && f !== 'clangd' && f !== 'compile_commands') throw new UsageProblem(`--format ${f}: expected compile_flags, clangd or compile_commands`);
        format = f;
      } else if (a === '--dry-run') dryRun = true;
      else if (a === '-I') includes.push(path.resolve(value()));
      else if (a.startsWith('-I')) includes.push(path.resolve(a.slice(2)));
      else if (a === '-D') defines.push(value());
      else if (a.startsWith('-D')) defines.push(a.slice(2));
      else if (a.startsWith('-')) throw new UsageProblem(`unknown option ${a}`);
      else if (dir === undefined) dir = a;
      else throw new UsageProblem(`one folder only (got ${dir} and ${a})`);
    } catch (e) {
      if (!(e instanceof UsageProblem)) throw e;
      io.err(`corelens clangd-config: ${e.message}\n\n${CLANGD_USAGE}`);
      return 2;
    }
  }
  const root = path.resolve(dir ?? '.');
  try {
    // corelens.json's include paths and defines come first: clangd should see what the live analysis sees.
    const cfg = readConfigFile(root);
    for (const p of cfg?.problems ?? []) io.err(`corelens clangd-config: ${p.file ?? path.join(root, CONFIG_FILE)}${p.line !== undefined ? `:${p.line + 1}` : ''}: ${p.message}`);
    const cfgDefines = cfg?.defines ?? [];
    const plan = planClangdConfig({
      root, arch, format,
      includePaths: [...(cfg?.includePaths ?? []), ...includes],
      defines: [...cfgDefines, ...defines],
    });
    if (dryRun) {
      io.out(`# ${plan.file}`);
      io.out(plan.content.replace(/\n$/, ''));
      return 0;
    }
    writeClangdConfig(plan);
    io.out(`corelens: ${plan.summary}`);
    if (!plan.sources.length) io.err(`corelens clangd-config: note: no BPF source found under ${root} (*.bpf.c, or C including vmlinux.h / bpf/bpf_helpers.h)`);
    return 0;
  } catch (e) {
    if (e instanceof ClangdConfigError) {
      io.err(`corelens clangd-config: ${e.message}`);
      return 1;
    }
    throw e;
  }
}

class UsageProblem extends Error {}
