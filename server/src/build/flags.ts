// clang's command line for a BPF object: one place for the VS Code Build command (client/) and the server's build on
// save, so both compile the same object from the same configuration. Pure: no process, no vscode.

/** Options of a BPF compile: the `__TARGET_ARCH_<arch>` value, include directories, `-D` defines, extra flags. */
export interface ClangFlagOptions {
  /** libbpf's short arch name (`x86`, `arm64`...), the value of `__TARGET_ARCH_`. */
  readonly arch: string;
  readonly includePaths: readonly string[];
  /** `NAME` or `NAME=VALUE`; a `__TARGET_ARCH_*` here replaces the one `arch` gives (the program is built for that arch). */
  readonly defines?: readonly string[];
  /** Extra clang arguments, last so they can override (`corelens.clang.flags`, a task's `clangArgs`). */
  readonly flags?: readonly string[];
}

/** clang arguments of a build: debug info and -O2 (CO-RE needs both), the arch define, include paths, defines, extra flags. */
export function clangArgs(source: string, out: string, opts: ClangFlagOptions): string[] {
  const defines = opts.defines ?? [];
  const ownArch = defines.some((d) => d.startsWith('__TARGET_ARCH_'));
  return ['-g', '-O2', '-target', 'bpf', ...(ownArch ? [] : [`-D__TARGET_ARCH_${opts.arch}`]), ...defines.map((d) => `-D${d}`),
    ...opts.includePaths.map((p) => `-I${p}`), ...(opts.flags ?? []), '-c', source, '-o', out];
}
