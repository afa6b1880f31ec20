// Programs as libbpf hands them to the kernel: each SEC() function with the .text subprograms it calls appended in
// libbpf's order (bpf_object__reloc_code), and what every 64-bit immediate load and call refers to after libbpf's
// ELF relocations (a map, a global variable of .rodata/.data/.bss, a kconfig or ksym extern, a kernel function, a
// subprogram). Instruction indices are those the verifier prints, so verdicts name the instruction users see.

import { BpfObject } from '../btf/object';
import {
  ElfSection, ElfSymbol, SHF_EXECINSTR, SHT_NOBITS, SHT_PROGBITS, STB_LOCAL, STB_WEAK, STT_FUNC, STT_SECTION, STV_HIDDEN, STV_INTERNAL,
} from '../btf/elf';
import { Kind } from '../btf/types';
import { readInsn } from '../core/patch';
import { KFUNC_MEM } from './helpers';
import { Insn, PSEUDO, isCall, isLdimm64, isPseudoFunc, isSubprogCall } from './insn';


/** How the verifier types a program's context, which decides whether direct reads through pointers are allowed. */
export type CtxKind =
  /** kprobe, uprobe, tracepoint, raw_tp, perf_event: the context holds plain numbers (registers, args). */
  | 'plain'
  /** tp_btf, fentry/fexit, fmod_ret, lsm, iter, struct_ops, freplace: arguments are BTF-typed kernel pointers. */
  | 'btf'
  /** networking and cgroup programs: typed context fields (packet pointers, sockets) this analysis does not model. */
  | 'other';

/** What an instruction refers to once libbpf has applied the object's ELF relocations. */
export type InsnRef =
  | { readonly kind: 'map'; readonly name: string }
  | { readonly kind: 'data'; readonly section: string; readonly offset: number }
  | { readonly kind: 'kconfig'; readonly name: string }
  | { readonly kind: 'ksym'; readonly name: string; readonly typed: boolean; readonly func: boolean; readonly weak: boolean }
  | { readonly kind: 'kfunc'; readonly name: string; readonly returns: 'void' | 'scalar' | 'pointer'; readonly mem?: string }
  | { readonly kind: 'func'; readonly target: number }
  | { readonly kind: 'call'; readonly target: number };

/** A global variable section libbpf turns into an array map of one element. */
export interface DataSection {
  readonly name: string;
  /** .rodata (and .rodata.*, .kconfig) maps are created read-only for programs and frozen: the verifier reads them as constants. */
  readonly frozen: boolean;
  /** The initial bytes (what libbpf writes into the map before freezing it); .bss is zeros. */
  readonly bytes: Uint8Array;
}

/** A function of the loaded program: the main one at 0, then appended subprograms. */
export interface LoadedFunc {
  readonly name: string;
  readonly start: number;
  readonly end: number;
  /** Global functions are verified on their own, with arguments typed from BTF; static ones inline in their caller. */
  readonly global: boolean;
  /** For a global function: the argument registers (1-5) its BTF types as the program type's context. */
  readonly ctxArgs?: readonly number[];
}

export interface LoadedProgram {
  readonly name: string;
  readonly section: string;
  readonly ctx: CtxKind;
  /** The attach point from the section name (`sched_switch` of `tp_btf/sched_switch`), for BTF-typed contexts. */
  readonly attachTo?: string;
  /** Instructions in load order, before CO-RE patching (the second slot of a ldimm64 included). */
  readonly insns: readonly Insn[];
  /** Where each instruction comes from: ELF section and byte offset (what .BTF.ext records and line info use). */
  readonly originSection: readonly string[];
  readonly originOff: readonly number[];
  readonly refs: readonly (InsnRef | undefined)[];
  readonly funcs: readonly LoadedFunc[];
  /** A problem libbpf would refuse the object for while assembling this program (e.g. a call into nowhere). */
  readonly problem?: string;
}

export interface ObjectPrograms {
  readonly programs: readonly LoadedProgram[];
  readonly data: ReadonlyMap<string, DataSection>;
  readonly littleEndian: boolean;
}

interface RawFunc {
  readonly name: string;
  readonly secIdx: number;
  readonly section: string;
  /** Instruction index of the first instruction inside its section. */
  readonly start: number;
  readonly count: number;
  readonly global: boolean;
}

/** Section-name prefixes libbpf maps to program types, grouped by how the context is typed. */
const BTF_CTX = ['tp_btf/', 'fentry/', 'fexit/', 'fmod_ret/', 'fentry.s/', 'fexit.s/', 'fmod_ret.s/', 'iter/', 'iter.s/',
  'lsm/', 'lsm.s/', 'lsm_cgroup/', 'freplace/', 'struct_ops', 'tp_btf.s/'];
const PLAIN_CTX = ['kprobe', 'kretprobe', 'uprobe', 'uretprobe', 'ksyscall', 'kretsyscall', 'usdt', 'tracepoint/', 'tp/',
  'raw_tracepoint', 'raw_tp', 'perf_event'];

/** The context kind of a program section, as libbpf's section table decides its program type. */
export function ctxKind(section: string): CtxKind {
  const s = section.replace(/^\?/, '');
  if (BTF_CTX.some((p) => s.startsWith(p))) return 'btf';
  if (PLAIN_CTX.some((p) => s === p || s.startsWith(p))) return 'plain';
  return 'other';
}

// The UAPI offsets of the 32-bit context fields the verifier turns into packet pointers (convert_ctx_access):
// `(void *)(long)skb->data` is a pointer to it, not the number clang loaded. __sk_buff: data, data_end, data_meta;
// xdp_md: data, data_end, data_meta. The pointer fields of other contexts are 64-bit (__bpf_md_ptr).
const SKB_PACKET = new Set([76, 80, 140]);
const XDP_PACKET = new Set([0, 4, 8]);
const SKB_SECTIONS = ['tc', 'tc/', 'tcx/', 'netkit/', 'classifier', 'action', 'sk_skb', 'lwt_', 'cgroup_skb/', 'cgroup/skb', 'flow_dissector'];
const NO_FIELDS: ReadonlySet<number> = new Set();

/** Context offsets whose 4-byte load the verifier types as a packet pointer, by the section's program type. */
export function packetFields(section: string): ReadonlySet<number> {
  const s = section.replace(/^\?/, '');
  if (s === 'xdp' || s.startsWith('xdp/') || s.startsWith('xdp.frags')) return XDP_PACKET;
  if (SKB_SECTIONS.some((p) => (p.endsWith('/') || p.endsWith('_') ? s.startsWith(p) : s === p || s.startsWith(`${p}/`)))) return SKB_PACKET;
  return NO_FIELDS;
}

/** Networking and cgroup sections whose program type has no packet-pointer context fields (libbpf's SEC_DEFs). */
const NON_PACKET_SECTIONS = /^(socket|sockops|sk_msg|sk_lookup|sk_reuseport|cgroup\/|lirc_mode2|syscall|netfilter)/;

/**
 * Whether libbpf names a program type for this (networking or cgroup) section. In any other section (`xdp_sock`, a
 * loader that sets the type itself) the context's 4-byte fields may be packet pointers: the verdict walk takes a load
 * of one as unknown, never a number to report a read through.
 */
export function namedProgramType(section: string): boolean {
  const s = section.replace(/^\?/, '');
  return packetFields(s).size > 0 || NON_PACKET_SECTIONS.test(s);
}

const loaded = new WeakMap<BpfObject, ObjectPrograms>();

/** Reads every program of the object, assembled as libbpf loads it (once per object). Throws BtfError on a malformed ELF. */
export function loadPrograms(obj: BpfObject): ObjectPrograms {
  let out = loaded.get(obj);
  if (!out) {
    out = readPrograms(obj);
    loaded.set(obj, out);
  }
  return out;
}

function readPrograms(obj: BpfObject): ObjectPrograms {
  const { elf } = obj;
  const le = elf.littleEndian;
  const syms = elf.symbols();
  const text = elf.sections.find((s) => s.name === '.text' && isExec(s));
  const data = new Map<string, DataSection>();
  for (const s of elf.sections) {
    if (/^\.(rodata|data)(\.|$)/.test(s.name) && s.type === SHT_PROGBITS) {
      data.set(s.name, { name: s.name, frozen: s.name.startsWith('.rodata'), bytes: elf.data(s) });
    } else if (/^\.bss(\.|$)/.test(s.name) && s.type === SHT_NOBITS) {
      data.set(s.name, { name: s.name, frozen: false, bytes: new Uint8Array(s.size) });
    }
  }

  // Functions: FUNC symbols of executable sections, ordered by section and offset (libbpf sorts them so).
  const funcs: RawFunc[] = [];
  for (const sym of syms) {
    const sec = elf.sections[sym.shndx];
    if (!sec || !isExec(sec) || (sym.info & 0xf) !== STT_FUNC) continue;
    const vis = sym.other & 0x3;
    const bind = sym.info >> 4;
    funcs.push({
      name: sym.name, secIdx: sec.index, section: sec.name, start: Math.floor(sym.value / 8), count: Math.floor(sym.size / 8),
      global: bind !== STB_LOCAL && vis !== STV_HIDDEN && vis !== STV_INTERNAL && btfGlobal(obj, sec.name, sym.value),
    });
  }
  funcs.sort((a, b) => a.secIdx - b.secIdx || a.start - b.start);
  const subprogs = text && funcs.length > 1 ? funcs.filter((f) => f.secIdx === text.index) : [];
  const mains = funcs.filter((f) => !subprogs.includes(f));

  // Code and relocations of each executable section.
  const code = new Map<number, Insn[]>();
  const relocs = new Map<number, Map<number, ElfSymbol>>();
  for (const s of elf.sections) {
    if (!isExec(s)) continue;
    const bytes = elf.data(s);
    const insns: Insn[] = [];
    for (let i = 0; i * 8 + 8 <= bytes.length; i++) insns.push(readInsn(bytes, i, le)!);
    code.set(s.index, insns);
  }
  for (const s of elf.sections) {
    if (s.type !== 9 /* SHT_REL */ || !code.has(s.info)) continue;
    const m = new Map<number, ElfSymbol>();
    for (const r of elf.rels(s)) {
      const sym = syms[r.symbol];
      if (sym && r.offset % 8 === 0) m.set(r.offset / 8, sym);
    }
    relocs.set(s.info, m);
  }
  const findSub = (idx: number) => subprogs.find((f) => idx >= f.start && idx < f.start + f.count);

  const programs = mains.map((main) => assemble(obj, syms, main, code, relocs, findSub, text));
  return { programs, data, littleEndian: le };
}

function isExec(s: ElfSection): boolean {
  return s.type === SHT_PROGBITS && (s.flags & SHF_EXECINSTR) !== 0 && s.size > 0;
}

/**
 * The context types the kernel recognises in a global function's BTF argument for the program type of this section
 * (btf_is_prog_ctx_type: a pointer to the program type's context struct, for kprobes also `struct pt_regs` and the
 * typedef `bpf_user_pt_regs_t`): such an argument is PTR_TO_CTX (pping's `__noinline int
 * parse_packet_identifer_tc(struct __sk_buff *ctx, ..)` reads packet pointers from it). Program types not listed
 * here leave the argument unknown to the walk (no verdict claimed through it).
 */
function ctxTypeNames(section: string): readonly string[] {
  const s = section.replace(/^\?/, '');
  const pf = packetFields(s);
  if (pf === XDP_PACKET) return ['xdp_md'];
  if (pf === SKB_PACKET) return ['__sk_buff'];
  if (/^(kprobe|kretprobe|uprobe|uretprobe|ksyscall|kretsyscall|usdt)(\/|\.|$)/.test(s)) return ['pt_regs', 'bpf_user_pt_regs_t'];
  if (s === 'perf_event' || s.startsWith('perf_event/')) return ['bpf_perf_event_data'];
  return [];
}

/** Argument registers of the function at this place whose BTF type is the program type's context (ctxTypeNames). */
function btfCtxArgs(obj: BpfObject, section: string, byteOff: number, progSection: string): number[] {
  const names = ctxTypeNames(progSection);
  if (!names.length) return [];
  const fi = obj.ext?.funcInfo.find((f) => f.section === section && f.insnOff === byteOff);
  if (!fi) return [];
  const out: number[] = [];
  try {
    const { btf } = obj;
    const fn = btf.type(fi.typeId);
    if (fn.kind !== Kind.Func) return [];
    const proto = btf.type(fn.type);
    if (proto.kind !== Kind.FuncProto) return [];
    proto.params.slice(0, 5).forEach((p, i) => {
      const ptr = btf.type(btf.skipModifiers(p.type, false));
      if (ptr.kind !== Kind.Ptr) return;
      // the typedef first (bpf_user_pt_regs_t), then the struct under every modifier and typedef
      const td = btf.type(btf.skipModifiers(ptr.type, false));
      const st = btf.type(btf.skipModifiers(ptr.type));
      if ((td.kind === Kind.Typedef && names.includes(td.name)) || (st.kind === Kind.Struct && names.includes(st.name))) out.push(i + 1);
    });
  } catch {
    return [];
  }
  return out;
}

/** Whether .BTF.ext func_info gives the function at this place global linkage (the kernel reads linkage from BTF). */
function btfGlobal(obj: BpfObject, section: string, byteOff: number): boolean {
  const fi = obj.ext?.funcInfo.find((f) => f.section === section && f.insnOff === byteOff);
  if (!fi) return true;
  try {
    const t = obj.btf.type(fi.typeId);
    return t.kind === Kind.Func ? t.linkage === 1 : true;
  } catch {
    return true;
  }
}

function assemble(obj: BpfObject, syms: readonly ElfSymbol[], main: RawFunc, code: Map<number, Insn[]>,
  relocs: Map<number, Map<number, ElfSymbol>>, findSub: (idx: number) => RawFunc | undefined, text: ElfSection | undefined): LoadedProgram {
  const insns: Insn[] = [];
  const originSection: string[] = [];
  const originOff: number[] = [];
  const refs: (InsnRef | undefined)[] = [];
  const funcs: LoadedFunc[] = [];
  const placed = new Map<RawFunc, number>();
  let problem: string | undefined;

  const append = (f: RawFunc): number => {
    const at = insns.length;
    placed.set(f, at);
    const src = code.get(f.secIdx)!;
    for (let i = 0; i < f.count; i++) {
      insns.push(src[f.start + i]!);
      originSection.push(f.section);
      originOff.push((f.start + i) * 8);
      refs.push(undefined);
    }
    const global = at === 0 ? false : f.global;
    const ctxArgs = global ? btfCtxArgs(obj, f.section, f.start * 8, main.section) : [];
    funcs.push({ name: f.name, start: at, end: at + f.count, global, ...(ctxArgs.length ? { ctxArgs } : {}) });
    return at;
  };
  // libbpf's bpf_object__reloc_code: walk the function's instructions; a call into a subprogram not yet placed
  // appends it at the end and processes it at once (depth first), so the order is that of first use.
  const process = (f: RawFunc): void => {
    const at = placed.get(f)!;
    const rel = relocs.get(f.secIdx);
    for (let i = 0; i < f.count; i++) {
      const pos = at + i;
      const insn = insns[pos]!;
      const sym = rel?.get(f.start + i);
      // Externs first, as libbpf's bpf_program__record_reloc: a call to an extern is a kernel function call.
      if (sym && sym.shndx === 0 && (sym.info >> 4) !== STB_LOCAL) {
        if (isCall(insn)) refs[pos] = kfuncRef(obj, sym.name);
        else if (isLdimm64(insn)) refs[pos] = externRef(obj, sym.name, (sym.info >> 4) === STB_WEAK);
        continue;
      }
      if (isSubprogCall(insn) || (isLdimm64(insn) && sym && isTextFunc(sym, text))) {
        let target: number;
        if (sym) target = isCall(insn) ? Math.floor(sym.value / 8) + insn.imm + 1 : Math.floor((sym.value + insn.imm) / 8);
        else target = f.start + i + insn.imm + 1;
        const sub = findSub(target);
        if (!sub) {
          problem ??= `${f.name}: call into instruction ${target} of .text, where libbpf finds no subprogram`;
          continue;
        }
        if (!placed.has(sub)) {
          append(sub);
          process(sub);
        }
        const dest = placed.get(sub)! + (target - sub.start);
        refs[pos] = isCall(insn) ? { kind: 'call', target: dest } : { kind: 'func', target: dest };
        continue;
      }
      if (!sym || !isLdimm64(insn)) continue;
      const sec = obj.elf.sections[sym.shndx];
      if (!sec) continue;
      if (sec.name === '.maps') {
        refs[pos] = { kind: 'map', name: (sym.info & 0xf) === STT_SECTION ? mapAt(syms, sym.shndx, insn.imm) : sym.name };
      } else if (/^\.(rodata|data|bss|kconfig)(\.|$)/.test(sec.name)) {
        refs[pos] = { kind: 'data', section: sec.name, offset: sym.value + insn.imm };
      }
    }
  };
  append(main);
  process(main);
  return {
    name: main.name, section: main.section, ctx: ctxKind(main.section), attachTo: attachPoint(main.section),
    insns, originSection, originOff, refs, funcs, ...(problem ? { problem } : {}),
  };
}

function isTextFunc(sym: ElfSymbol, text: ElfSection | undefined): boolean {
  return !!text && sym.shndx === text.index && ((sym.info & 0xf) === STT_FUNC || (sym.info & 0xf) === STT_SECTION);
}

function mapAt(syms: readonly ElfSymbol[], shndx: number, off: number): string {
  return syms.find((s) => s.shndx === shndx && s.value === off && (s.info & 0xf) !== STT_SECTION)?.name ?? `map@${off}`;
}

/**
 * An extern in a 64-bit immediate load: a kconfig value (read from libbpf's frozen .kconfig map), or the address of a
 * kernel symbol (a typed variable or a function gives a BTF pointer, an untyped one a plain address).
 */
function externRef(obj: BpfObject, name: string, weak: boolean): InsnRef {
  const btf = obj.btf;
  try {
    for (const id of btf.idsWithEssentialName(name)) {
      const t = btf.type(id);
      if (t.kind === Kind.Func) return { kind: 'ksym', name, typed: true, func: true, weak };
      if (t.kind !== Kind.Var) continue;
      for (const ds of btf.idsWithEssentialName('.kconfig')) {
        const d = btf.type(ds);
        if (d.kind === Kind.Datasec && d.vars.some((v) => v.type === id)) return { kind: 'kconfig', name };
      }
      const target = btf.type(btf.skipModifiers(t.type));
      return { kind: 'ksym', name, typed: target.kind !== Kind.Void, func: false, weak };
    }
  } catch {
    // a malformed BTF: treat as an untyped ksym
  }
  return { kind: 'ksym', name, typed: false, func: false, weak };
}

/**
 * A call of a kernel function: what it returns by the object's BTF prototype (libbpf refuses a prototype the kernel's
 * does not match), and the kernel's memory type for those the verifier types as memory that may be NULL (KFUNC_MEM,
 * looked up by essential name as libbpf resolves `f___v2`).
 */
function kfuncRef(obj: BpfObject, name: string): InsnRef {
  const returns = kfuncReturn(obj, name);
  const mem = returns === 'pointer' ? KFUNC_MEM.get(name.replace(/___.*$/, '')) : undefined;
  return { kind: 'kfunc', name, returns, ...(mem ? { mem } : {}) };
}

/** What a kernel function declared in the object returns, from its BTF prototype. */
function kfuncReturn(obj: BpfObject, name: string): 'void' | 'scalar' | 'pointer' {
  const btf = obj.btf;
  try {
    for (const id of btf.idsWithEssentialName(name)) {
      const f = btf.type(id);
      if (f.kind !== Kind.Func) continue;
      const proto = btf.type(f.type);
      if (proto.kind !== Kind.FuncProto) continue;
      if (proto.returnType === 0) return 'void';
      return btf.type(btf.skipModifiers(proto.returnType)).kind === Kind.Ptr ? 'pointer' : 'scalar';
    }
  } catch {
    // unknown prototype
  }
  return 'scalar';
}

function attachPoint(section: string): string | undefined {
  const m = /^\??[\w.]+\/(.+)$/.exec(section);
  return m ? m[1] : undefined;
}

/** Origin key of an instruction, as .BTF.ext records name it. */
export const originKey = (section: string, byteOff: number): string => `${section}\u0000${byteOff}`;

export { PSEUDO, isPseudoFunc };
