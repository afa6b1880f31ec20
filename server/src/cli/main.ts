// The corelens command line: argument dispatch to one module per command (all thin glue over the libraries).
//
// Exit codes: 0 success, 1 findings or failure to process an input, 2 bad usage.

import { BtfError } from '../btf/errors';
import { clip } from '../util/files';
import { Io, UsageError, defaultIo, parseArgs } from './common';

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

targets: NAME=FILE[,base=BASEFILE][,kind=kernel|app][,arch=ARCH][,kernel=RELEASE][,distro=D][,kconfig=CONFIG];
FILE may be raw BTF, an ELF with .BTF, .xz, .gz or .tar.xz; kernel, distro and kconfig state the machine that loads
on the target (its uname -r and kernel config: the __kconfig values of the load verdicts).
Without --target: the running kernel (${'/sys/kernel/btf/vmlinux'}) when readable, plus the bundled kernels.`;


/** Runs the CLI; resolves to the exit code. */
export async function main(argv: string[], io: Io = defaultIo): Promise<number> {
  try {
    const [cmd, ...rest] = argv;
    switch (cmd) {
      case 'btf': {
        const [sub, ...more] = rest;
        if (sub !== 'info') throw new UsageError(`unknown btf subcommand "${sub ?? ''}"`);
        return await (require('./btfInfo') as typeof import('./btfInfo')).btfInfo(parseArgs(more), io);
      }
      // each command's modules load when it runs (a `sites` run loaded the BTF and relocation code of the others), by
      // require: a dynamic import of our CommonJS started Node's ES module loader first, ~7 ms CPU of a `check` run
      // (measured, a one-line module: 7.1-7.5 ms imported, 0.4-0.6 required), and kept main.js out of the code cache
      case 'layout': return await (require('./layout') as typeof import('./layout')).layout(parseArgs(rest), io);
      case 'relocate': return await (require('./relocate') as typeof import('./relocate')).relocateCmd(parseArgs(rest), io);
      case 'sites': return await (require('./sites') as typeof import('./sites')).sitesCommand(rest, io);
      case 'demo': return await (require('./demo') as typeof import('./demo')).demo(io);
      case 'lsp': {
        // The transport (--stdio, --node-ipc, --socket=N) is read from process.argv by vscode-languageserver.
        if (!rest.some((a) => a === '--stdio' || a === '--node-ipc' || a.startsWith('--socket') || a.startsWith('--pipe'))) {
          throw new UsageError('lsp needs a transport: --stdio or --node-ipc');
        }
        (require('../server') as typeof import('../server')).startServer();
        return await new Promise<number>(() => undefined); // runs until the client says exit
      }
      case 'minimize': return await (require('./tools') as typeof import('./tools')).minimizeCommand(rest, io);
      case 'merge': return await (require('./tools') as typeof import('./tools')).mergeCommand(rest, io);
      case 'header': return await (require('./tools') as typeof import('./tools')).headerCommand(rest, io);
      case 'check': return await (require('./check') as typeof import('./check')).checkCommand(rest, io);
      case 'targets': return await (require('./targets') as typeof import('./targets')).targetsCommand(rest, io);
      case 'clangd-config': return await (require('./clangdConfig') as typeof import('./clangdConfig')).clangdConfigCommand(rest, io);
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
    // malformed input a command did not catch itself: still a problem of that file (BtfError names it), not a bug
    if (e instanceof BtfError) {
      io.err(`corelens: ${e.message}`);
      return 1;
    }
    io.err(internalError(e, argv));
    return 1;
  }
}

/**
 * One line for a bug that escaped a command: what was running (so the file is named) and the message; the stack
 * only with CORELENS_DEBUG=1. Users see a sentence, not a trace; a bug report can still get the trace.
 */
export function internalError(e: unknown, argv: readonly string[]): string {
  const msg = e instanceof Error ? e.message : String(e);
  const what = clip(argv.join(' '), 300);
  if (process.env.CORELENS_DEBUG) return `corelens: internal error in "corelens ${what}": ${e instanceof Error ? e.stack : msg}`;
  return `corelens: internal error in "corelens ${what}": ${clip(msg.split('\n')[0]!, 500)} (CORELENS_DEBUG=1 shows the trace)`;
}

/**
 * The process entry (bin/corelens.js, the bundled dist/corelens.js): main() plus what only a real process needs.
 * Output piped into `head -1` closes stdout early: EPIPE then ends the process quietly with the exit code so far
 * (Node's default is an "Unhandled 'error' event" with a stack). A stray exception or rejection is one line too.
 */
export function runProcess(argv: string[]): void {
  const lsp = argv[0] === 'lsp';
  // the language server's tiering, before its modules load (src/jitFlags.ts says why)
  if (lsp) (require('../jitFlags') as typeof import('../jitFlags')).applyServerJitFlags();
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    if (!lsp) process.stderr.write(`corelens: cannot write the output: ${e.message}\n`);
    process.exit(1);
  });
  process.stderr.on('error', () => undefined); // nowhere left to report to
  if (!lsp) {
    const last = (e: unknown) => {
      process.stderr.write(`${internalError(e, argv)}\n`);
      process.exit(1);
    };
    process.on('uncaughtException', last);
    process.on('unhandledRejection', last);
    // Ended without tearing the heap down, as clang's driver runs cc1 with -disable-free: once the event loop is
    // empty (every write to stdout/stderr done: a pending one keeps it alive) the command has nothing left to do,
    // and Node's own exit path then disposes the isolate (heap, code space, tree-sitter's 32 MB wasm memory):
    // ~6 ms of a `sites` run's ~225 ms CPU (README "sites17"). 'exit' listeners (the code cache's write) run either
    // way. CORELENS_QUICK_EXIT=0 leaves the natural exit (tests and benches compare).
    if (process.env.CORELENS_QUICK_EXIT !== '0') process.once('beforeExit', () => process.exit());
  }
  void main(argv).then((code) => { process.exitCode = code; });
}

