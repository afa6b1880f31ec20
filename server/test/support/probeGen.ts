// Random BPF programs built from C and libbpf constructs, for the differential probes (bench/probes.ts, and the
// agreeing seeds in test/source/probes.test.ts): helpers in a header and in the file (always_inline, inline,
// noinline, global), call contexts with constant arguments, guards through field checks and a knob, bounded loops
// (a parent walk among them), switches, early exits, ternaries, and every CO-RE read form (a direct access,
// BPF_CORE_READ, BPF_CORE_READ_INTO, bpf_core_read, field size/offset/exists) over real 6.1 kernel records. A seed
// gives the same program on every machine (Prng). Generated code is not real code: shapes no program has (a block
// with no effect, a switch on a value an outer switch decided) are avoided, since LLVM deletes them whole.

import { Prng } from './prng';

/** A member reachable from a record: its path within the record (dots for embedded records) and what it holds. */
interface Field { path: string; to?: string; char?: boolean }

/** Kernel records of the 6.1 vmlinux.h the fixtures include, with members verified there (scalars, pointers). */
const RECORDS: Record<string, Field[]> = {
  task_struct: [
    { path: 'pid' }, { path: 'tgid' }, { path: 'flags' }, { path: 'prio' }, { path: '__state' }, { path: 'exit_code' },
    { path: 'start_time' }, { path: 'se.vruntime' }, { path: 'se.sum_exec_runtime' }, { path: 'thread_info.flags' },
    { path: 'real_parent', to: 'task_struct' }, { path: 'group_leader', to: 'task_struct' }, { path: 'mm', to: 'mm_struct' },
    { path: 'cred', to: 'cred' }, { path: 'signal', to: 'signal_struct' }, { path: 'comm', char: true },
  ],
  mm_struct: [{ path: 'arg_start' }, { path: 'arg_end' }, { path: 'total_vm' }, { path: 'exe_file', to: 'file' }],
  cred: [{ path: 'uid.val' }, { path: 'euid.val' }, { path: 'gid.val' }],
  signal_struct: [{ path: 'nr_threads' }, { path: 'oom_score_adj' }],
  file: [{ path: 'f_flags' }, { path: 'f_mode' }, { path: 'f_inode', to: 'inode' }, { path: 'f_path.dentry', to: 'dentry' }],
  inode: [{ path: 'i_ino' }, { path: 'i_mode' }, { path: 'i_size' }],
  dentry: [{ path: 'd_name.len' }, { path: 'd_parent', to: 'dentry' }, { path: 'd_inode', to: 'inode' }],
  sk_buff: [{ path: 'len' }, { path: 'mark' }, { path: 'data_len' }, { path: 'protocol' }, { path: 'dev', to: 'net_device' }, { path: 'sk', to: 'sock' }],
  net_device: [{ path: 'ifindex' }, { path: 'mtu' }, { path: 'name', char: true }],
  sock: [{ path: '__sk_common.skc_family' }, { path: '__sk_common.skc_dport' }, { path: '__sk_common.skc_rcv_saddr' }, { path: 'sk_rcvbuf' }],
};

/** The statement kinds `Gen.block` draws from (index = the draw), named for `--without`. */
export const STATEMENTS = ['read', 'read', 'read', 'pointer', 'if', 'exit', 'loop', 'switch', 'call', 'ternary'];

/** `--events`: the members of the program's event record (a per-CPU array map's value, as real tools keep one) a
 * sink may write, of several widths and types: clang's TBAA tells a store to one from a load of another type. */
const EVENT_FIELDS = ['ts', 'pid', 'uid', 'adj', 'vm', 'cnt[1]', 'cnt[3]'];
const EVENT_DECLS = `struct event { __u64 ts; __u32 pid; __u32 uid; __s16 adj; unsigned long vm; __u64 cnt[4]; };
struct { __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY); __uint(max_entries, 1); __type(key, __u32); __type(value, struct event); } heap SEC(".maps");
`;

/** A pointer in scope: its C name and record. */
interface Ptr { name: string; rec: string }

/** One generated program's text pieces. */
export class Gen {
  private n = 0;
  readonly helpers: string[] = [];
  readonly header: string[] = [];
  private helperSigs: { name: string; rec: string; inHeader: boolean }[] = [];
  /** While a header helper's body is made: it may call header helpers only (the file's come after the include). */
  private inHeader = false;
  /** `wide`: also bitfields, enumerator values, type checks, a variable array index and container_of (bench/probes.ts
   * `--wide`). Off, the draws are exactly the default profile's, so the agreeing seeds of probes.test.ts stay. */
  constructor(private r: Prng, private without: ReadonlySet<string> = new Set(), private wide = false, private events = false) {}
  /** While a program body is made under `events`: `e`, its event record, is in scope. */
  private inEvent = false;

  /** A statement keeping `v` alive: `out[K] op v` (the default profile's draws exactly), or under `events`, in a
   * program body, half the time a member of the event record instead (real tools' stores through a pointer). */
  private sink(v: string, op = '+='): string {
    const k = this.r.int(16);
    if (!this.events || !this.inEvent || this.r.next() < 0.5) return `out[${k}] ${op} ${v};`;
    return `e->${EVENT_FIELDS[k % EVENT_FIELDS.length]} ${op} ${v};`;
  }

  private fresh(p: string): string {
    return `${p}${++this.n}`;
  }

  /** A chain of member segments from `rec`, each segment inside one record, ending at a scalar (or a pointer when
   * `ptr`): [segments, final record when a pointer]. */
  private chain(rec: string, ptr = false): { segs: string[]; to?: string; char?: boolean } {
    const segs: string[] = [];
    let cur = rec;
    for (let depth = 0; depth < 4; depth++) {
      const fields = RECORDS[cur]!;
      const wantPtr = depth < 2 && this.r.next() < 0.45;
      const pool = fields.filter((f) => (wantPtr || (ptr && depth > 0 && this.r.next() < 0.3) ? f.to : !f.to));
      const f = this.r.pick(pool.length ? pool : fields.filter((x) => !x.to));
      segs.push(f.path);
      if (!f.to) return { segs, char: f.char };
      if (ptr && (depth > 0 || this.r.next() < 0.5) && this.r.next() < 0.5) return { segs, to: f.to };
      cur = f.to;
    }
    const last = RECORDS[cur]!.filter((x) => !x.to);
    segs.push(this.r.pick(last).path);
    return { segs };
  }

  /** A scalar read from `p`: one of libbpf's read forms or a direct access, as an expression (statements needed
   * before it go to `pre`). */
  read(p: Ptr, pre: string[]): string {
    if (this.wide && this.r.next() < 0.3) {
      const task = p.rec === 'task_struct';
      switch (this.r.int(5)) {
        case 0: if (task) return this.r.next() < 0.5 ? `BPF_CORE_READ_BITFIELD_PROBED(${p.name}, in_iowait)` : `BPF_CORE_READ_BITFIELD(${p.name}, ${this.r.pick(['in_execve', 'sched_reset_on_fork'])})`;
          break;
        case 1: return this.r.next() < 0.5 ? 'bpf_core_enum_value(enum pid_type, PIDTYPE_TGID)' : 'bpf_core_enum_value_exists(enum pid_type, PIDTYPE_SID)';
        case 2: return this.r.next() < 0.5 ? `bpf_core_type_size(struct ${p.rec})` : 'bpf_core_type_exists(struct bpf_ringbuf)';
        case 3: if (task) return this.r.next() < 0.5 ? `${p.name}->comm[out[${this.r.int(16)}] & 15]` : `BPF_CORE_READ(${p.name}, group_leader, comm[out[${this.r.int(16)}] & 15])`;
          break;
        default: if (task) return `container_of(&${p.name}->se, struct task_struct, se)->${this.r.pick(['pid', 'tgid', 'prio'])}`;
      }
    }
    const c = this.chain(p.rec);
    const idx = c.char ? `[${this.r.int(4)}]` : '';
    const form = this.r.int(6);
    const direct = `${p.name}->${c.segs.join('->')}${idx}`;
    switch (form) {
      case 0: return direct;
      case 1:
      case 2: return `BPF_CORE_READ(${p.name}, ${c.segs.join(', ')}${idx})`;
      case 3: {
        if (idx) return direct;
        const v = this.fresh('tmp');
        // one line: a minimizer deleting lines deletes the read with its local, never leaves a constant 0 behind
        pre.push(`__u64 ${v} = 0; BPF_CORE_READ_INTO(&${v}, ${p.name}, ${c.segs.join(', ')});`);
        return v;
      }
      case 4: {
        if (c.segs.length !== 1 || idx) return direct;
        const v = this.fresh('tmp');
        pre.push(`__u64 ${v} = 0; bpf_core_read(&${v}, sizeof(${p.name}->${c.segs[0]}), &${p.name}->${c.segs[0]});`);
        return v;
      }
      default: {
        const one = this.r.pick(RECORDS[p.rec]!);
        return this.r.next() < 0.5 ? `bpf_core_field_size(${p.name}->${one.path})` : `bpf_core_field_offset(${p.name}->${one.path})`;
      }
    }
  }

  /** A pointer local read from `p` (a pointer member somewhere down its chain), or undefined when none. */
  ptrFrom(p: Ptr, pre: string[]): Ptr | undefined {
    const c = this.chain(p.rec, true);
    if (!c.to) return undefined;
    const name = this.fresh('p');
    const form = this.r.int(3);
    const expr = form === 0 ? `${p.name}->${c.segs.join('->')}` : `BPF_CORE_READ(${p.name}, ${c.segs.join(', ')})`;
    pre.push(`struct ${c.to} *${name} = ${expr};`);
    return { name, rec: c.to };
  }

  /** A condition: a comparison of a read, a field check, a knob, a local's bit. */
  cond(ptrs: Ptr[], locals: string[], pre: string[], consts: string[]): string {
    const p = this.r.pick(ptrs);
    const k = this.r.int(6);
    if (k === 0) return `${this.r.next() < 0.3 ? '!' : ''}bpf_core_field_exists(${p.name}->${this.r.pick(RECORDS[p.rec]!).path})`;
    if (k === 1) return 'knob';
    if (k === 2 && locals.length) return `${this.r.pick(locals)} & ${1 << this.r.int(3)}`;
    if (k <= 3 && consts.length) return `${this.r.pick(consts)} == ${this.r.int(3)}`;
    return `${this.read(p, pre)} > ${this.r.int(100)}`;
  }

  /** A block of statements in scope `ptrs`/`locals`; `depth` bounds nesting; `consts` are parameters a caller may
   * give as constants. Each new local is written to `out` (most of the time) so it stays alive. */
  block(ptrs: Ptr[], locals: string[], depth: number, consts: string[], inLoop = false): string[] {
    const out: string[] = [];
    const count = 1 + this.r.int(depth > 1 ? 3 : 2);
    const scopeLocals = [...locals];
    const scopePtrs = [...ptrs];
    for (let i = 0; i < count; i++) {
      const pre: string[] = [];
      const drawn = this.r.int(10);
      // a construct left out (`--without`) becomes a plain read: the rest of the stream stays as it was
      const k = this.without.has(STATEMENTS[drawn]!) ? 0 : drawn;
      if (k <= 2 || depth <= 0) {
        const v = this.fresh('v');
        const e = this.read(this.r.pick(scopePtrs), pre);
        out.push(...pre, `__u64 ${v} = ${e};`);
        if (this.r.next() < 0.85) out.push(this.sink(v));
        scopeLocals.push(v);
      } else if (k === 3) {
        const np = this.ptrFrom(this.r.pick(scopePtrs), pre);
        if (np) { out.push(...pre); scopePtrs.push(np); }
      } else if (k === 4) {
        const c = this.cond(scopePtrs, scopeLocals, pre, consts);
        out.push(...pre, `if (${c}) {`, ...this.indent(this.block(scopePtrs, scopeLocals, depth - 1, consts, inLoop)), '}');
        if (this.r.next() < 0.5) out.push('else {', ...this.indent(this.block(scopePtrs, scopeLocals, depth - 1, consts, inLoop)), '}');
      } else if (k === 5) {
        const c = this.cond(scopePtrs, scopeLocals, pre, consts);
        out.push(...pre, `if (${c})`, inLoop && this.r.next() < 0.5 ? '\tbreak;' : `\treturn ${1 + this.r.int(3)};`);
      } else if (k === 6 && !inLoop) {
        const task = scopePtrs.find((p) => p.rec === 'task_struct');
        const n = 2 + this.r.int(3);
        // --wide: loops as written today too, without pragma (LLVM unrolls what fits its threshold), and counted
        // while / do-while loops
        const form = this.wide ? this.r.int(4) : 0;
        const head = form === 0 ? ['#pragma unroll', `for (int i = 0; i < ${n}; i++) {`] : form === 1 ? [`for (int i = 0; i < ${n}; i++) {`]
          : form === 2 ? ['{', 'int i = 0;', `while (i < ${n}) {`] : ['{', 'int i = 0;', 'do {'];
        const tail = form === 2 ? ['\ti++;', '}', '}'] : form === 3 ? ['\ti++;', `} while (i < ${n});`, '}'] : ['}'];
        if (task && this.r.next() < 0.5) {
          const w = this.fresh('w');
          out.push(`struct task_struct *${w} = ${task.name};`, ...head,
            ...this.indent(this.block([{ name: w, rec: 'task_struct' }, ...scopePtrs], scopeLocals, depth - 1, consts, true)),
            `\t${w} = BPF_CORE_READ(${w}, real_parent);`, `\tif (!${w})`, '\t\tbreak;', ...tail);
        } else {
          out.push(...head, ...this.indent(this.block(scopePtrs, scopeLocals, depth - 1, consts, true)), ...tail);
        }
      } else if (k === 7) {
        // on a value read here: a switch on a local an enclosing switch already decided is folded by LLVM, a shape
        // of generated code, not of real programs
        const on = this.read(this.r.pick(scopePtrs), pre);
        out.push(...pre, `switch (${on} & 3) {`);
        for (let c = 0; c < 2 + this.r.int(2); c++) {
          out.push(`case ${c}: {`, ...this.indent(this.block(scopePtrs, scopeLocals, depth - 1, consts, inLoop)), this.r.next() < 0.8 ? '\tbreak;' : '\t/* falls through */', '}');
        }
        out.push('default: {', ...this.indent(this.block(scopePtrs, scopeLocals, 0, consts, inLoop)), '\tbreak;', '}', '}');
      } else if (k === 8) {
        const fitting = this.helperSigs.filter((h) => (h.inHeader || !this.inHeader) && scopePtrs.some((p) => p.rec === h.rec));
        if (fitting.length) {
          const h = this.r.pick(fitting);
          const arg = this.r.pick(scopePtrs.filter((p) => p.rec === h.rec));
          const kArg = this.r.next() < 0.6 ? String(this.r.int(3)) : scopeLocals.length ? this.r.pick(scopeLocals) : '1';
          const v = this.fresh('v');
          out.push(`__u64 ${v} = ${h.name}(${arg.name}, ${kArg});`);
          if (this.r.next() < 0.9) out.push(this.sink(v));
          scopeLocals.push(v);
        }
      } else {
        const c = this.cond(scopePtrs, scopeLocals, pre, consts);
        const v = this.fresh('v');
        const a = this.read(this.r.pick(scopePtrs), pre);
        const b = this.read(this.r.pick(scopePtrs), pre);
        out.push(...pre, `__u64 ${v} = ${c} ? ${a} : ${b};`, this.sink(v, '='));
        scopeLocals.push(v);
      }
    }
    // every block ends with an effect, as real code does: an arm or a loop body that stores nothing is deleted
    // whole by LLVM, a shape no real program has
    const pre: string[] = [];
    const e = this.read(this.r.pick(scopePtrs), pre);
    out.push(...pre, this.sink(e));
    return out;
  }

  private indent(lines: string[]): string[] {
    return lines.map((l) => (l.startsWith('#') ? l : `\t${l}`));
  }

  /** Helpers over one record each: always_inline in the header or the file, noinline, or global. */
  makeHelpers(): void {
    const recs = ['task_struct', 'task_struct', 'file', 'sk_buff', 'dentry'];
    for (let i = 0; i < 2 + this.r.int(4); i++) {
      const rec = this.r.pick(recs);
      const name = this.fresh('helper');
      const kind = this.r.pick(['static __always_inline', 'static __always_inline', 'static inline', 'static __noinline', '__noinline']);
      const inHeader = kind.includes('inline') && this.r.next() < 0.5;
      this.inHeader = inHeader;
      const body = this.block([{ name: 'x', rec }], [], 2, ['k']);
      this.inHeader = false;
      const pre: string[] = [];
      const ret = this.read({ name: 'x', rec }, pre);
      const text = [`${kind} __u64 ${name}(struct ${rec} *x, int k)`, '{', ...this.indent(body), ...this.indent(pre), `\treturn ${ret} + k;`, '}', ''];
      (inHeader ? this.header : this.helpers).push(...text);
      this.helperSigs.push({ name, rec, inHeader });
    }
  }

  /** The programs: tp_btf (task pointers), kprobe (the current task, a file argument), fentry (a file). */
  programs(): string[] {
    const out: string[] = [];
    // --events: the event record looked up first (no draw: the program's stream is the default one's until a sink)
    const ev = this.events ? ['\t__u32 zero = 0;', '\tstruct event *e = bpf_map_lookup_elem(&heap, &zero);', '\tif (!e)', '\t\treturn 0;'] : [];
    this.inEvent = this.events;
    for (let i = 0; i < 2 + this.r.int(3); i++) {
      const kind = this.r.int(4);
      const name = this.fresh('prog');
      if (kind === 0) {
        out.push(`SEC("tp_btf/sched_switch")`, `int BPF_PROG(${name}, bool preempt, struct task_struct *prev, struct task_struct *next)`, '{', ...ev,
          ...this.indent(this.block([{ name: 'prev', rec: 'task_struct' }, { name: 'next', rec: 'task_struct' }], [], 3, [])), '\treturn 0;', '}', '');
      } else if (kind === 1) {
        out.push(`SEC("kprobe/vfs_read")`, `int BPF_KPROBE(${name}, struct file *f)`, '{',
          '\tstruct task_struct *t = (void *)bpf_get_current_task();', ...ev,
          ...this.indent(this.block([{ name: 't', rec: 'task_struct' }, { name: 'f', rec: 'file' }], [], 3, [])), '\treturn 0;', '}', '');
      } else if (kind === 2) {
        out.push(`SEC("fentry/vfs_write")`, `int BPF_PROG(${name}, struct file *f)`, '{', ...ev,
          ...this.indent(this.block([{ name: 'f', rec: 'file' }], [], 3, [])), '\treturn 0;', '}', '');
      } else {
        out.push(`SEC("tp_btf/kfree_skb")`, `int BPF_PROG(${name}, struct sk_buff *skb)`, '{',
          '\tstruct task_struct *t = bpf_get_current_task_btf();', ...ev,
          ...this.indent(this.block([{ name: 'skb', rec: 'sk_buff' }, { name: 't', rec: 'task_struct' }], [], 3, [])), '\treturn 0;', '}', '');
      }
    }
    this.inEvent = false;
    return out;
  }
}

const INCLUDES = `#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
`;

/** One seed's program: the header (helpers) and the program file. */
export function generate(seed: number, without: ReadonlySet<string> = new Set(), wide = false, events = false): { header: string; program: string } {
  const g = new Gen(new Prng(seed), without, wide, events);
  g.makeHelpers();
  const progs = g.programs();
  const header = `/* probe ${seed}: helpers */\n#pragma once\nextern const volatile int knob;\n__u64 out[16];\n\n${g.header.join('\n')}\n`;
  const program = `/* probe ${seed} */\n${INCLUDES}#include "probe.bpf.h"\n\nconst volatile int knob = 0;\n\n${events ? EVENT_DECLS + '\n' : ''}${g.helpers.join('\n')}\n${progs.join('\n')}\nchar LICENSE[] SEC("license") = "GPL";\n`;
  return { header, program };
}

