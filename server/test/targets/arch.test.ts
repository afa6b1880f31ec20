// Arch is part of a target: from the BTF's struct pt_regs (real kernels; every other arch's register layout compiled
// by clang from definitions of our own), names, the configuration; an object's arch from its relocations or its
// DWARF flags; other-arch targets skipped with one note; the default target set per arch.

import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { openBpfObject } from '../../src/btf/object';
import { openBtfFile } from '../../src/btf/open';
import { main } from '../../src/cli/main';
import { archFromBtf, archFromName, archSkipNote, objectArch, parseArch } from '../../src/targets/arch';
import { resolveTargets } from '../../src/targets/config';
import { bundledKernelSpecs, defaultTargetSpecs, parseTargetArg } from '../../src/targets/registry';
import { kernel } from '../support/kernels';
import { FIXTURES, KERNELS, kernelPath } from '../support/paths';

async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, { out: (s) => (out += s + '\n'), err: (s) => (err += s + '\n') });
  return { code, out, err };
}

/** Each arch's `struct pt_regs` as its kernel lays it out (our own abridged definitions, same member names). */
const PT_REGS: Record<string, { src: string; target?: string }> = {
  i386: { src: 'struct pt_regs { unsigned long bx, cx, dx, si, di, bp, ax; unsigned short ds, __dsh, es, __esh, fs, __fsh, gs, __gsh; unsigned long orig_ax, ip; unsigned short cs, __csh; unsigned long flags, sp; unsigned short ss, __ssh; };' },
  s390x: { src: 'typedef struct { unsigned long mask, addr; } psw_t; typedef struct { unsigned long args[1]; psw_t psw; unsigned long gprs[16]; } user_pt_regs; struct pt_regs { union { user_pt_regs user_regs; struct { unsigned long args[1]; psw_t psw; unsigned long gprs[16]; }; }; unsigned long orig_gpr2; unsigned int int_code, int_parm; };', target: 'bpfeb' },
  riscv64: { src: 'struct pt_regs { unsigned long epc, ra, sp, gp, tp, t0, t1, t2, s0, s1, a0, a1, a2, a3, a4, a5, a6, a7, s2, s3, s4, s5, s6, s7, s8, s9, s10, s11, t3, t4, t5, t6, status, badaddr, cause, orig_a0; };' },
  ppc64le: { src: 'struct user_pt_regs { unsigned long gpr[32], nip, msr, orig_gpr3, ctr, link, xer, ccr, softe, trap, dar, dsisr, result; }; struct pt_regs { union { struct user_pt_regs user_regs; struct { unsigned long gpr[32], nip, msr, orig_gpr3, ctr, link, xer, ccr, softe, trap, dar, dsisr, result; }; }; };' },
  ppc64: { src: 'struct pt_regs { unsigned long gpr[32], nip, msr, orig_gpr3, ctr, link, xer, ccr, softe, trap, dar, dsisr, result; };', target: 'bpfeb' },
  loongarch64: { src: 'struct pt_regs { unsigned long regs[32]; unsigned long orig_a0, csr_era, csr_badvaddr, csr_crmd, csr_prmd, csr_euen, csr_ecfg, csr_estat; };' },
  mips64: { src: 'struct pt_regs { unsigned long regs[32]; unsigned long cp0_status, hi, lo, cp0_badvaddr, cp0_cause, cp0_epc; };' },
  arm: { src: 'struct pt_regs { unsigned long uregs[18]; };' },
  sparc64: { src: 'struct pt_regs { unsigned long u_regs[16]; unsigned long tstate, tpc, tnpc; unsigned int y, magic; };' },
};

describe('targets know their arch', function () {
  this.timeout(120_000);
  let tmp: string;
  before(() => { tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'corelens-arch-')); });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('every real kernel: x86_64 by `di`/`r15`, arm64 by `regs[31]`/`user_regs`', async () => {
    for (const k of KERNELS) {
      const a = archFromBtf(await kernel(k));
      assert.strictEqual(a?.arch, k.includes('arm64') ? 'arm64' : 'x86_64', k);
      assert.match(a!.evidence, /struct pt_regs has/);
    }
  });

  it('other arches, from their pt_regs compiled by clang (s390x and big-endian ppc64 as bpfeb)', async () => {
    for (const [arch, { src, target }] of Object.entries(PT_REGS)) {
      const c = path.join(tmp, `${arch}.c`);
      const o = path.join(tmp, `${arch}.o`);
      fs.writeFileSync(c, `${src}\nstruct pt_regs *keep;\n`);
      execFileSync('clang', ['-g', '-O2', '-target', target ?? 'bpfel', '-c', c, '-o', o]);
      const r = await openBtfFile(o);
      assert.ok(r.ok);
      assert.strictEqual(archFromBtf(r.value.btf)?.arch, arch, arch);
    }
    // No pt_regs (a purpose-built target, an app): nothing to say.
    const r = await openBtfFile(path.join(FIXTURES, 'targets', 'base.btf'));
    assert.ok(r.ok);
    assert.strictEqual(archFromBtf(r.value.btf), undefined);
  });

  it('names and spellings: BTFHub folders, Debian and Red Hat suffixes, libbpf names', () => {
    assert.strictEqual(archFromName('5.4.0-1-aws-arm64'), 'arm64');
    assert.strictEqual(archFromName('4.18.0-348.el8.aarch64'), 'arm64');
    assert.strictEqual(archFromName('6.1-amd64.btf.xz'), 'x86_64');
    assert.strictEqual(archFromName('5.15.0-1-generic'), undefined);
    for (const [s, a] of [['amd64', 'x86_64'], ['x86', 'x86_64'], ['aarch64', 'arm64'], ['s390', 's390x'], ['ppc64el', 'ppc64le'], ['riscv', 'riscv64']]) {
      assert.strictEqual(parseArch(s), a, s);
    }
    assert.strictEqual(parseArch('vax'), undefined);
  });

  it('an explicit arch in corelens.json and --target; a wrong one is reported', () => {
    const r = resolveTargets([{ name: 'a', path: 'a.btf', arch: 'aarch64' }, { name: 'b', path: 'b.btf', arch: 'vax' }], '/ws', '/ws/corelens.json');
    assert.deepStrictEqual(r.targets, [{ name: 'a', path: '/ws/a.btf', arch: 'arm64' }]);
    assert.match(r.problems[0]!.message, /target #2 \("b"\): unknown "arch" "vax"; one of x86_64 \(amd64\), arm64/);
    assert.deepStrictEqual(parseTargetArg('k=v.btf,arch=amd64'), { name: 'k', path: 'v.btf', arch: 'x86_64' });
    assert.match(parseTargetArg('k=v.btf,arch=vax') as string, /unknown arch/);
  });

  it('the default set per arch: running, then x86_64 5.10, 6.1, 6.1-rt, 6.12, 6.18 and arm64 5.10, 6.1, with their facts', () => {
    const specs = defaultTargetSpecs();
    const bundled = specs.filter((s) => s.origin === 'bundled');
    assert.deepStrictEqual(bundled.map((s) => `${s.name}:${s.arch}`),
      ['5.10-amd64:x86_64', '6.1-amd64:x86_64', '6.1-rt-amd64:x86_64', '6.12-amd64:x86_64', '6.18-amd64:x86_64', '5.10-arm64:arm64', '6.1-arm64:arm64']);
    const running = specs.filter((s) => s.origin === 'running');
    assert.strictEqual(running.length, fs.existsSync('/sys/kernel/btf/vmlinux') ? 1 : 0);
    if (running[0]) assert.strictEqual(running[0].arch, process.arch === 'x64' ? 'x86_64' : running[0].arch);
    const k510 = bundled[0]!;
    assert.deepStrictEqual([k510.distro, k510.release, k510.kernel, k510.version], ['debian', '11', '5.10.0-32-amd64', [5, 10, 223]]);
    // The fixture-only kernels stay out of the defaults (and out of the .vsix).
    assert.deepStrictEqual(bundledKernelSpecs(false).slice(7).map((s) => s.name), ['6.1-cloud-amd64', 'cilium-ci-2026-04-amd64']);
  });

  it('an object\'s arch: from its pt_regs relocations, or -D__TARGET_ARCH in its DWARF flags; none without either', async () => {
    const fixture = async (n: string) => {
      const o = await openBpfObject(path.join(FIXTURES, 'objects', n));
      assert.ok(o.ok);
      return objectArch(o.value);
    };
    assert.deepStrictEqual(await fixture('kernel_task.bpfel.o'), { arch: 'x86_64', evidence: 'its CO-RE relocations read di, si from struct pt_regs' });
    assert.strictEqual((await fixture('kernel_tcp.bpfeb.o'))?.arch, 'x86_64');
    assert.strictEqual(await fixture('kernel_net.bpfel.o'), undefined);
    const arm = await compileArm64(tmp, []);
    assert.deepStrictEqual(objectArch(arm), { arch: 'arm64', evidence: 'its CO-RE relocations read regs from struct user_pt_regs' });
    const flagged = await compileArm64(tmp, ['-grecord-command-line']);
    assert.deepStrictEqual(objectArch(flagged), { arch: 'arm64', evidence: '-D__TARGET_ARCH_arm64 in its DWARF producer flags' });
    assert.strictEqual(archSkipNote('x86_64', 'why', [{ name: 'a', arch: 'arm64' }, { name: 'b', arch: 'arm64' }, { name: 'c', arch: 's390x' }]),
      'built for x86 (why): 2 arm64 targets skipped (a, b), 1 s390 target skipped (c); build one object per arch (-D__TARGET_ARCH_arm64 / -D__TARGET_ARCH_s390)');
  });

  it('relocate: other-arch targets are skipped with one note, never reported as missing fields', async () => {
    const x86 = await run('relocate', path.join(FIXTURES, 'objects', 'kernel_task.bpfel.o'), '-t', `a=${kernelPath('6.1-amd64')}`, '-t', `b=${kernelPath('6.1-arm64')}`, '-t', `c=${kernelPath('5.10-arm64')}`);
    assert.match(x86.out, /note: kernel_task\.bpfel\.o: built for x86 \(its CO-RE relocations read di, si from struct pt_regs\): 2 arm64 targets skipped \(b, c\); build one object per arch \(-D__TARGET_ARCH_arm64\)/);
    assert.doesNotMatch(x86.out, /pt_regs.*POISON|user_pt_regs/);
    assert.match(x86.out, /78 CO-RE relocations × 1 target/);
    const json = JSON.parse((await run('relocate', '--json', path.join(FIXTURES, 'objects', 'kernel_task.bpfel.o'), '-t', `a=${kernelPath('6.1-amd64')}`, '-t', `b=${kernelPath('6.1-arm64')}`)).out);
    assert.strictEqual(json.arch, 'x86_64');
    assert.deepStrictEqual(json.skipped, [{ target: 'b', arch: 'arm64', reason: 'built for another arch' }]);
    assert.deepStrictEqual(Object.keys(json.relocations[0].targets), ['a']);
    // Declared: --arch wins over the inference; an arch nobody knows is a usage error.
    const declared = await run('relocate', path.join(FIXTURES, 'objects', 'kernel_task.bpfel.o'), '--arch', 'aarch64', '-t', `a=${kernelPath('6.1-amd64')}`, '-t', `b=${kernelPath('6.1-arm64')}`);
    assert.match(declared.out, /built for arm64 \(--arch\): 1 x86 target skipped \(a\)/);
    assert.strictEqual((await run('relocate', path.join(FIXTURES, 'objects', 'kernel_task.bpfel.o'), '--arch', 'vax')).code, 2);
    // An arm64 object against the defaults: the arm64 kernels relocate it, the x86 ones are named in the note.
    const armObj = path.join(tmp, 'arm64.o');
    await compileArm64(tmp, []);
    const arm = await run('relocate', armObj);
    assert.match(arm.out, /2 CO-RE relocations × 2 targets/);
    assert.match(arm.out, /built for arm64 \(its CO-RE relocations read regs from struct user_pt_regs\): \d x86 targets skipped \((running, )?5\.10-amd64, /);
  });

  it('btf info prints the arch and its evidence', async () => {
    const r = await run('btf', 'info', kernelPath('5.10-arm64'), path.join(FIXTURES, 'targets', 'base.btf'));
    assert.match(r.out, /arch: +arm64 \(struct pt_regs has `regs\[31\]` and `user_regs`\)/);
    assert.match(r.out, /arch: +unknown \(no struct pt_regs in the BTF\)/);
    const j = JSON.parse((await run('btf', 'info', '--json', kernelPath('6.12-amd64'))).out);
    assert.strictEqual(j.files[0].arch, 'x86_64');
  });
});

/** An arm64 kprobe (BPF_KPROBE reads regs[0], regs[1] through user_pt_regs), compiled by clang to `tmp/arm64.o`. */
async function compileArm64(tmp: string, flags: string[]) {
  const src = path.join(tmp, 'arm64.bpf.c');
  fs.writeFileSync(src, `typedef unsigned int __u32; typedef unsigned long long __u64; typedef int __s32; typedef long long __s64;
typedef unsigned short __u16; typedef unsigned char __u8; typedef unsigned short __be16; typedef unsigned int __be32; typedef unsigned int __wsum;
#define __VMLINUX_H__ 1
struct user_pt_regs { __u64 regs[31]; __u64 sp, pc, pstate; } __attribute__((preserve_access_index));
struct pt_regs { union { struct user_pt_regs user_regs; struct { __u64 regs[31]; __u64 sp, pc, pstate; }; }; __u64 orig_x0; } __attribute__((preserve_access_index));
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
SEC("kprobe/x") int BPF_KPROBE(x, long a, long b) { return a + b; }
char LICENSE[] SEC("license") = "GPL";
`);
  const out = path.join(tmp, 'arm64.o');
  execFileSync('clang', ['-g', '-O2', '-target', 'bpf', '-D__TARGET_ARCH_arm64', ...flags, '-c', src, '-o', out]);
  const o = await openBpfObject(out);
  assert.ok(o.ok);
  return o.value;
}
