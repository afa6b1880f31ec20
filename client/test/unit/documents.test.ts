// Unit tests of the extension's pure logic: which documents are BPF, clang arguments, exact JSON, type under cursor.
import * as assert from 'assert';
import { clangArgs, isBpfSource, objectFor, parseJsonExact, targetArch, typeAt } from '../../src/bpfDocument';

describe('extension: document selection and helpers', () => {
  it('selects *.bpf.c / *.bpf.h by name whatever they contain', () => {
    assert.ok(isBpfSource('/w/prog.bpf.c', 'int x;'));
    assert.ok(isBpfSource('/w/maps.bpf.h', ''));
    assert.ok(!isBpfSource('/w/prog.bpf.cpp', ''));
  });

  it('selects other C files only when they include vmlinux.h or bpf/bpf_helpers.h', () => {
    assert.ok(isBpfSource('/w/tracer.c', '// x\n#include "vmlinux.h"\n'));
    assert.ok(isBpfSource('/w/tracer.c', '#include "../../vmlinux.h"\n'));
    assert.ok(isBpfSource('/w/tracer.c', '#  include <bpf/bpf_helpers.h>\n'));
    assert.ok(!isBpfSource('/w/main.c', '#include <stdio.h>\nint main(void) { return 0; }\n'));
    assert.ok(!isBpfSource('/w/loader.c', '#include <bpf/libbpf.h>\n'), 'a libbpf loader is userspace, not a BPF program');
    assert.ok(!isBpfSource('/w/doc.c', '/* see vmlinux.h */\n'), 'a mention is not an include');
  });

  it('builds clang arguments with debug info, -O2, the bpf target, the arch define and include paths', () => {
    assert.deepStrictEqual(clangArgs('/w/p.bpf.c', objectFor('/w/p.bpf.c'), { arch: targetArch('x64'), includePaths: ['/inc'], flags: ['-Wall'] }),
      ['-g', '-O2', '-target', 'bpf', '-D__TARGET_ARCH_x86', '-I/inc', '-Wall', '-c', '/w/p.bpf.c', '-o', '/w/p.bpf.o']);
    assert.strictEqual(targetArch('arm64'), 'arm64');
    assert.strictEqual(targetArch('s390x'), 's390');
  });

  it('parses relocate --json keeping 64-bit integers exact, and leaves strings alone', () => {
    const v = parseJsonExact('{"a":-9223372036854775808,"b":18446744073709551615,"c":42,"d":"x: 12345678901234567890,","e":1.5e3}') as Record<string, unknown>;
    assert.deepStrictEqual(v, { a: '-9223372036854775808', b: '18446744073709551615', c: 42, d: 'x: 12345678901234567890,', e: 1500 });
  });

  it('finds the type under the cursor, with its keyword and without a ___flavor suffix', () => {
    const line = 'static int f(struct task_struct___o *t, pid_t p)';
    assert.strictEqual(typeAt(line, line.indexOf('task_struct') + 2), 'struct task_struct');
    assert.strictEqual(typeAt(line, line.indexOf('struct') + 1), 'struct task_struct');
    assert.strictEqual(typeAt(line, line.indexOf('pid_t') + 1), 'pid_t');
    assert.strictEqual(typeAt('   ', 1), undefined);
  });
});
