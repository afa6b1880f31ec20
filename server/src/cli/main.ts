// The corelens command line: argument dispatch to one module per command (all thin glue over the libraries).
//
// Exit codes: 0 success, 1 findings or failure to process an input, 2 bad usage.

import { btfInfo } from './btfInfo';
import { Io, UsageError, defaultIo, parseArgs } from './common';
import { demo } from './demo';
import { layout } from './layout';
import { relocateCmd } from './relocate';

export type { Io } from './common';

const USAGE = `usage: corelens <command> [options]

commands:
  btf info FILE... [--base FILE] [--json]      byte order, counts per kind, strings, base of BTF files
  layout [--target NAME=FILE]... TYPE [--changed] [--json]
                                               a type's layout on every target, side by side
                                               (--changed: only members that differ)
  sites FILE.bpf.c [-I DIR]... [--json]         every CO-RE relocation clang would emit, from source, with its guards
  relocate OBJ.o [--target NAME=FILE]... [--arch A] [--json]
                                               every CO-RE relocation of a compiled object, resolved per target
                                               (targets of another arch than the object's are skipped)
  lsp --stdio | --node-ipc                     the language server
  demo                                         the quick-start job on the bundled example and default targets
  minimize OBJ.o... --target NAME=FILE... --out DIR
                                               per target, the smallest BTF relocating OBJ exactly like FILE (btf_custom_path)
  merge KERNEL APP... --out FILE               kernel and app BTF in one file, for uprobe programs (btf_custom_path)
  header TARGET [--base FILE] [--out FILE]     C header of every type (vmlinux.h), with the preserve_access_index pragma
  check FILE.bpf.c|FILE.o [--target NAME=FILE]... [--targets-dir DIR] [--btfhub DISTRO/RELEASE/ARCH] [--format ...]
                                               CI gate: findings over many targets, grouped by cause (check --help)
  targets fetch [DISTRO[/RELEASE[/ARCH]]] [--kernel RANGE] [--source URL]
                                               download BTFHub kernels into the cache, verified, resumable
  targets list [--json]                        every configured target: arch, kernel version, origin, cached
  clangd-config [DIR] [--arch ARCH] [-I DIR]... [-D X]... [--dry-run]
                                               configure clangd for the BPF programs of DIR (clangd-config --help)

targets: NAME=FILE[,base=BASEFILE][,kind=kernel|app][,arch=ARCH]; FILE may be raw BTF, an ELF with .BTF, .xz, .gz or .tar.xz.
Without --target: the running kernel (${'/sys/kernel/btf/vmlinux'}) when readable, plus the bundled kernels.`;


/** Runs the CLI; resolves to the exit code. */
export async function main(argv: string[], io: Io = defaultIo): Promise<number> {
  try {
    const [cmd, ...rest] = argv;
    switch (cmd) {
      case 'btf': {
        const [sub, ...more] = rest;
        if (sub !== 'info') throw new UsageError(`unknown btf subcommand "${sub ?? ''}"`);
        return await btfInfo(parseArgs(more), io);
      }
      case 'layout': return await layout(parseArgs(rest), io);
      case 'relocate': return await relocateCmd(parseArgs(rest), io);
      case 'sites': return await (require('./sites') as typeof import('./sites')).sitesCommand(rest, io);
      case 'demo': return await demo(io);
      case 'lsp': {
        // The transport (--stdio, --node-ipc, --socket=N) is read from process.argv by vscode-languageserver.
        if (!rest.some((a) => a === '--stdio' || a === '--node-ipc' || a.startsWith('--socket') || a.startsWith('--pipe'))) {
          throw new UsageError('lsp needs a transport: --stdio or --node-ipc');
        }
        (await import('../server.js')).startServer();
        return await new Promise<number>(() => undefined); // runs until the client says exit
      }
      case 'minimize': return await (await import('./tools.js')).minimizeCommand(rest, io);
      case 'merge': return await (await import('./tools.js')).mergeCommand(rest, io);
      case 'header': return await (await import('./tools.js')).headerCommand(rest, io);
      case 'check': return await (await import('./check.js')).checkCommand(rest, io);
      case 'targets': return await (await import('./targets.js')).targetsCommand(rest, io);
      case 'clangd-config': return await (await import('./clangdConfig.js')).clangdConfigCommand(rest, io);
      case undefined: case '-h': case '--help': case 'help':
        io.out(USAGE);
        return cmd === undefined ? 2 : 0;
      default: throw new UsageError(`unknown command "${cmd}"`);
    }
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`corelens: ${e.message}\n\n${USAGE}`);
      return 2;
    }
    io.err(`corelens: internal error: ${e instanceof Error ? e.stack : String(e)}`);
    return 1;
  }
}

