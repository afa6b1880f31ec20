// Which C documents are BPF programs: the decision behind the language client's document selector (no vscode import,
// so plain mocha can test it).
//
// Decision: we stay on languageId `c` (clangd / the C/C++ extension keep highlighting, completion and navigation) and
// only *add* corelens to documents that are BPF programs: any `*.bpf.c` / `*.bpf.h`, plus other C files whose text
// includes `vmlinux.h` or `bpf/bpf_helpers.h` (libbpf-tools style `foo.c` next to a loader, or headers shared by
// several programs). A glob cannot see includes, so the client selects every `c` file and a middleware forwards only
// those that pass `isBpfSource`; a plain C file that later gains such an include is opened on the server then.

/** The glob every `*.bpf.c` / `*.bpf.h` matches (the document selector's pattern). */
export const BPF_FILE_PATTERN = '**/*.bpf.{c,h}';

const BPF_NAME = /\.bpf\.[ch]$/;
/** `#include <vmlinux.h>`, `#include "vmlinux.h"`, `#include "../vmlinux.h"`, `#include <bpf/bpf_helpers.h>`. */
const BPF_INCLUDE = /^[ \t]*#[ \t]*include[ \t]*[<"](?:[^>"\n]*\/)?(?:vmlinux\.h|bpf_helpers\.h)[>"]/m;
/** Includes come first; only this much of a big file is scanned, so the check stays cheap on every keystroke. */
const SCAN_CHARS = 64 * 1024;

/** True when the file is a BPF program or header corelens should analyse. */
export function isBpfSource(fileName: string, text: string): boolean {
  if (BPF_NAME.test(fileName)) return true;
  return BPF_INCLUDE.test(text.length > SCAN_CHARS ? text.slice(0, SCAN_CHARS) : text);
}

/** The `__TARGET_ARCH_*` value bpf_tracing.h expects for a Node `process.arch`. */
export function targetArch(nodeArch: string): string {
  switch (nodeArch) {
    case 'x64': case 'ia32': return 'x86';
    case 'arm64': return 'arm64';
    case 'arm': return 'arm';
    case 's390x': return 's390';
    case 'ppc64': return 'powerpc';
    case 'mips': case 'mipsel': return 'mips';
    case 'riscv64': return 'riscv';
    case 'loong64': return 'loongarch';
    default: return 'x86';
  }
}

/** The object Build writes for a source: `prog.bpf.c` → `prog.bpf.o`, in the same directory. */
export function objectFor(source: string): string {
  return source.replace(/\.c$/, '') + '.o';
}

/** clang arguments of a Build: shared with the server's build on save (server/src/build/flags.ts). */
export { clangArgs } from '../../server/src/build/flags';

/**
 * JSON.parse that keeps integers beyond 2^53 exact (as decimal strings): `relocate --json` writes 64-bit values
 * without quotes. Only number tokens outside strings are touched.
 */
export function parseJsonExact(text: string): unknown {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      out += text.slice(i, j + 1);
      i = j + 1;
    } else if (c === '-' || (c >= '0' && c <= '9')) {
      const m = /^-?\d+(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 40))!;
      const tok = m[0];
      out += !m[1] && !m[2] && !Number.isSafeInteger(Number(tok)) ? `"${tok}"` : tok;
      i += tok.length;
    } else {
      out += c;
      i++;
    }
  }
  return JSON.parse(out);
}

/**
 * The type spelling at a position: `struct task_struct` when the cursor is on either word, a bare name otherwise
 * (a typedef or a struct: the CLI tries both). A `___flavor` suffix is dropped, as libbpf does when matching.
 */
export function typeAt(line: string, character: number): string | undefined {
  const re = /[A-Za-z_][A-Za-z0-9_]*/g;
  const words: { w: string; s: number; e: number }[] = [];
  for (let m = re.exec(line); m; m = re.exec(line)) words.push({ w: m[0], s: m.index, e: m.index + m[0].length });
  let i = words.findIndex((x) => character >= x.s && character <= x.e);
  if (i < 0) return undefined;
  const kw = /^(struct|union|enum)$/;
  if (kw.test(words[i]!.w)) i++;
  const word = words[i];
  if (!word) return undefined;
  const name = word.w.replace(/([A-Za-z0-9])___[A-Za-z0-9][A-Za-z0-9_]*$/, '$1');
  const prev = words[i - 1];
  return prev && kw.test(prev.w) && line.slice(prev.e, word.s).trim() === '' ? `${prev.w} ${name}` : name;
}
