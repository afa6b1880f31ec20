// Architectures of targets and programs: one spelling per arch, what libbpf's `__TARGET_ARCH_*` calls it, and how
// to tell a kernel's arch from its BTF when nothing else says (the register layout of `struct pt_regs`).
//
// Why it matters: a CO-RE object is compiled for one arch (`PT_REGS_PARM1(ctx)` is `ctx->di` on x86 and
// `ctx->regs[0]` on arm64), so relocating an x86 object on an arm64 kernel reports "pt_regs::di missing" where the
// real answer is "build one object per arch". Every target therefore carries an arch.

import { BpfObject } from '../btf/object';
import { Btf } from '../btf/reader';
import { Kind, isComposite } from '../btf/types';

/** Normalised arch names (BTFHub's folder names where BTFHub has them). */
export type Arch = 'x86_64' | 'i386' | 'arm64' | 'arm' | 's390x' | 'ppc64le' | 'ppc64' | 'riscv64' | 'loongarch64' | 'mips64' | 'sparc64';

const ALIASES: Record<string, Arch> = {
  x86_64: 'x86_64', amd64: 'x86_64', x64: 'x86_64', x86: 'x86_64',
  i386: 'i386', i686: 'i386', ia32: 'i386',
  arm64: 'arm64', aarch64: 'arm64',
  arm: 'arm', armhf: 'arm', armel: 'arm', armv7: 'arm',
  s390x: 's390x', s390: 's390x',
  ppc64le: 'ppc64le', ppc64el: 'ppc64le', powerpc64le: 'ppc64le', ppc64: 'ppc64', powerpc64: 'ppc64', powerpc: 'ppc64le',
  riscv64: 'riscv64', riscv: 'riscv64',
  loongarch64: 'loongarch64', loong64: 'loongarch64', loongarch: 'loongarch64',
  mips64: 'mips64', mips64el: 'mips64', mips: 'mips64', mipsel: 'mips64',
  sparc64: 'sparc64', sparc: 'sparc64',
};

/** libbpf's `__TARGET_ARCH_<name>` (bpf_tracing.h) for each arch. */
const TARGET_ARCH: Record<Arch, string> = {
  x86_64: 'x86', i386: 'x86', arm64: 'arm64', arm: 'arm', s390x: 's390', ppc64le: 'powerpc', ppc64: 'powerpc',
  riscv64: 'riscv', loongarch64: 'loongarch', mips64: 'mips', sparc64: 'sparc',
};

/** The normalised arch for a spelling (`amd64`, `aarch64`, `__TARGET_ARCH_x86`'s `x86`...), or undefined. */
export function parseArch(name: string | undefined): Arch | undefined {
  if (!name) return undefined;
  return ALIASES[name.trim().toLowerCase()];
}

/** Every spelling parseArch accepts, for messages. */
export const ARCH_SPELLINGS = 'x86_64 (amd64), arm64 (aarch64), s390x, ppc64le, riscv64, arm, i386, loongarch64, mips64, sparc64';

/** The `-D` defines clang gets for an object of this arch (`__TARGET_ARCH_x86`); bpf_tracing.h derives the rest. */
export function archDefines(arch: Arch): string[] {
  return [`__TARGET_ARCH_${TARGET_ARCH[arch]}`];
}

/** libbpf's short name (`x86`, `arm64`, `s390`...): what users write after `__TARGET_ARCH_` and read in messages. */
export function targetArchName(arch: Arch): string {
  return TARGET_ARCH[arch];
}

/** Arches that share one `__TARGET_ARCH` (x86_64 and i386 are both `x86`): one object serves both register sets. */
export function sameObjectArch(a: Arch, b: Arch): boolean {
  return TARGET_ARCH[a] === TARGET_ARCH[b];
}

/** The arch a name mentions (`6.1-amd64`, `4.18.0-348.el8.x86_64`, `5.4.0-1-aws-arm64`), if any. */
export function archFromName(name: string): Arch | undefined {
  const m = /(?:^|[-_./+])(amd64|x86_64|arm64|aarch64|s390x|ppc64le|ppc64el|riscv64|loongarch64|mips64el|i386|i686|armhf)(?=$|[-_./+])/i.exec(name);
  return m ? parseArch(m[1]) : undefined;
}

/** The arch of the machine corelens runs on (the running kernel's), from Node's `process.arch`. */
export function hostArch(): Arch | undefined {
  const map: Record<string, Arch> = {
    x64: 'x86_64', ia32: 'i386', arm64: 'arm64', arm: 'arm', s390x: 's390x', ppc64: 'ppc64le', riscv64: 'riscv64', loong64: 'loongarch64', mips64el: 'mips64',
  };
  const a = map[process.arch];
  // Node reports big-endian ppc64 as ppc64 too; the byte order tells them apart.
  if (a === 'ppc64le' && require('os').endianness() === 'BE') return 'ppc64';
  return a;
}

/**
 * A kernel's arch from its BTF: the members of `struct pt_regs` (searched through anonymous members and
 * `user_regs`), which each arch defines its own way. Undefined when the BTF has no pt_regs (an app, a purpose-built
 * target) or one this table does not know. The reason names the evidence, for `btf info` and messages.
 */
export function archFromBtf(btf: Btf): { arch: Arch; evidence: string } | undefined {
  try {
    return archOfPtRegs(btf);
  } catch {
    return undefined; // a malformed BTF says nothing about its arch; its readers report what is wrong with it
  }
}

function archOfPtRegs(btf: Btf): { arch: Arch; evidence: string } | undefined {
  let id: number;
  try {
    id = btf.findByName('pt_regs', Kind.Struct);
  } catch {
    return undefined;
  }
  if (!id) return undefined;
  const members = new Map<string, number>();
  try {
    collectMembers(btf, id, members, 0);
  } catch {
    return undefined;
  }
  const has = (n: string) => members.has(n);
  const arrayLen = (n: string): number | undefined => {
    const t = members.get(n);
    if (t === undefined) return undefined;
    const r = btf.type(btf.skipModifiers(t));
    return r.kind === Kind.Array ? r.nelems : undefined;
  };
  const say = (arch: Arch, what: string) => ({ arch, evidence: `struct pt_regs has ${what}` });
  if (has('r15') && has('di')) return say('x86_64', '`di` and `r15`');
  if (has('di') && has('bx') && has('orig_ax')) return say('i386', '`di` and `bx` but no `r15`');
  if (has('psw') && has('gprs')) return say('s390x', '`psw` and `gprs`');
  if (has('epc') && has('a0')) return say('riscv64', '`epc` and `a0`');
  if (has('gpr') && has('nip')) return say(btf.littleEndian ? 'ppc64le' : 'ppc64', `\`gpr\` and \`nip\` (${btf.littleEndian ? 'little' : 'big'}-endian)`);
  if (has('csr_era') || (arrayLen('regs') === 32 && has('orig_a0'))) return say('loongarch64', '`regs[32]` and `csr_era`');
  if (has('cp0_epc')) return say('mips64', '`cp0_epc`');
  if (has('u_regs') && (has('tpc') || has('tstate'))) return say('sparc64', '`u_regs` and `tpc`');
  if (arrayLen('regs') === 31 && (has('pstate') || has('orig_x0') || has('user_regs'))) return say('arm64', '`regs[31]` and `user_regs`');
  if (has('uregs')) return say('arm', '`uregs`');
  return undefined;
}

/** Member names of a struct, descending into anonymous members and `user_regs` (arm64, powerpc keep registers there). */
function collectMembers(btf: Btf, id: number, out: Map<string, number>, depth: number): void {
  if (depth > 4) return;
  const t = btf.type(btf.skipModifiers(id));
  if (!isComposite(t)) return;
  for (const m of t.members) {
    if (m.name) out.set(m.name, m.type);
    if (!m.name || m.name === 'user_regs') collectMembers(btf, m.type, out, depth + 1);
  }
}

/** Register names that say one arch when a program reads them from `struct pt_regs` (ambiguous ones like `sp` left out). */
const REG_ARCH: Record<string, Arch> = {
  ...Object.fromEntries(['di', 'si', 'dx', 'cx', 'ax', 'bx', 'bp', 'ip', 'orig_ax', 'r8', 'r9', 'r10', 'r11', 'r12', 'r13', 'r14', 'r15',
    'rdi', 'rsi', 'rdx', 'rcx', 'rax', 'rbx', 'rbp', 'rip', 'rsp', 'orig_rax', 'eflags'].map((r) => [r, 'x86_64' as Arch])),
  ...Object.fromEntries(['pstate', 'orig_x0', 'syscallno', 'user_regs'].map((r) => [r, 'arm64' as Arch])),
  ...Object.fromEntries(['psw', 'gprs', 'orig_gpr2'].map((r) => [r, 's390x' as Arch])),
  ...Object.fromEntries(['epc', 'a0', 'a1', 'a2', 'a3', 'a4', 'a5', 'a6', 'a7', 'ra'].map((r) => [r, 'riscv64' as Arch])),
  ...Object.fromEntries(['gpr', 'nip', 'orig_gpr3', 'link'].map((r) => [r, 'ppc64le' as Arch])),
  ...Object.fromEntries(['csr_era', 'orig_a0'].map((r) => [r, 'loongarch64' as Arch])),
  cp0_epc: 'mips64', uregs: 'arm', u_regs: 'sparc64', tpc: 'sparc64',
};

/** What an object's code says about the arch it was built for. */
export interface ObjectArch {
  readonly arch: Arch;
  /** `-D__TARGET_ARCH_x86 in the DWARF producer flags`, `pt_regs relocations read di, si`. */
  readonly evidence: string;
}

/** The sections an object's DWARF producer string (clang's command line with -grecord-command-line) can sit in. */
const PRODUCER_SECTIONS = ['.debug_str', '.debug_info', '.debug_line_str'];

/**
 * The arch a compiled BPF object was built for, from the two things that record it: `-D__TARGET_ARCH_<arch>` in
 * its DWARF producer flags (clang -grecord-command-line), else the registers its CO-RE relocations read from
 * `struct pt_regs` (PT_REGS_PARM1 is `di` on x86, `regs[0]` on arm64). Undefined when neither says: such an object
 * reads no registers through CO-RE, and every target is checked.
 */
export function objectArch(obj: BpfObject): ObjectArch | undefined {
  for (const name of PRODUCER_SECTIONS) {
    const sec = obj.elf.section(name);
    if (!sec) continue;
    let text: string;
    try {
      text = Buffer.from(obj.elf.data(sec)).toString('latin1');
    } catch {
      continue;
    }
    const m = /-D\s*__TARGET_ARCH_([A-Za-z0-9_]+)/.exec(text);
    const arch = m ? parseArch(m[1]) : undefined;
    if (arch) return { arch, evidence: `-D__TARGET_ARCH_${m![1]} in its DWARF producer flags` };
  }
  const votes = new Map<Arch, Set<string>>();
  const roots = new Set<string>();
  for (const r of obj.ext?.coreRelos ?? []) {
    const reg = ptRegsField(obj.btf, r.typeId, r.access);
    if (!reg) continue;
    let arch: Arch | undefined = REG_ARCH[reg.name];
    // `regs` is arm64's regs[31], loongarch's and mips's regs[32]
    if (!arch && reg.name === 'regs') arch = reg.arrayLen === 31 ? 'arm64' : reg.arrayLen === 32 ? 'loongarch64' : undefined;
    if (!arch) continue;
    roots.add(reg.root);
    votes.set(arch, (votes.get(arch) ?? new Set()).add(reg.name));
  }
  if (votes.size === 0) return undefined;
  // A mixed object (some x86, some arm64 registers) is unusual; the arch with the most distinct registers wins.
  const [arch, regs] = [...votes].sort((a, b) => b[1].size - a[1].size)[0]!;
  const list = [...regs].sort();
  return { arch, evidence: `its CO-RE relocations read ${list.slice(0, 4).join(', ')}${list.length > 4 ? ', ...' : ''} from struct ${[...roots].sort().join(', struct ')}` };
}

/** The first member an access string reaches in a `pt_regs`/`user_pt_regs` root (through anonymous members), if that is the root. */
function ptRegsField(btf: Btf, typeId: number, access: string): { root: string; name: string; arrayLen?: number } | undefined {
  try {
    let id = btf.skipModifiers(typeId);
    const root = btf.type(id);
    if (!isComposite(root) || !/^(user_)?pt_regs(___\w*)?$/.test(root.name)) return undefined;
    const idx = access.split(':').slice(1).map(Number);
    for (const i of idx) {
      const t = btf.type(id);
      if (!isComposite(t)) return undefined;
      const m = t.members[i];
      if (!m) return undefined;
      if (m.name) {
        const mt = btf.type(btf.skipModifiers(m.type));
        return { root: root.name.replace(/___\w*$/, ''), name: m.name, ...(mt.kind === Kind.Array ? { arrayLen: mt.nelems } : {}) };
      }
      id = btf.skipModifiers(m.type);
    }
  } catch {
    return undefined;
  }
  return undefined;
}

/**
 * The one note for targets left out because a program is built for another arch:
 * "built for x86 (its CO-RE relocations read di, si from struct pt_regs): 2 arm64 targets skipped (5.10-arm64,
 * 6.1-arm64); build one object per arch". Never a missing-field finding: the fix is a build per arch, not a guard.
 */
export function archSkipNote(arch: Arch, evidence: string | undefined, skipped: readonly { name: string; arch: Arch }[]): string {
  const byArch = new Map<string, string[]>();
  for (const s of skipped) byArch.set(targetArchName(s.arch), [...(byArch.get(targetArchName(s.arch)) ?? []), s.name]);
  const parts = [...byArch].map(([a, names]) => `${names.length} ${a} target${names.length === 1 ? '' : 's'} skipped (${names.slice(0, 4).join(', ')}${names.length > 4 ? ', ...' : ''})`);
  const others = [...byArch.keys()].map((a) => `-D__TARGET_ARCH_${a}`).join(' / ');
  return `built for ${targetArchName(arch)}${evidence ? ` (${evidence})` : ''}: ${parts.join(', ')}; build one object per arch (${others})`;
}
