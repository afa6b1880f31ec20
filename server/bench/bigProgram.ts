// The big-program bench input (issue 12): a generated program in the shape of the biggest real tools (tracee,
// tetragon): ~8,000 lines, 150 helpers across five guarded `*.bpf.h` headers (compat flavors, helpers calling
// helpers), 150 programs (kprobe, tp, tp_btf, fentry) over a full vmlinux.h. Generated, not committed (the header
// alone is 3 MB); deterministic, so runs compare.

import * as fs from 'fs';
import * as path from 'path';

/** One header's helpers: the parameter they take and the member paths their leaf helpers read. */
interface Domain {
  header: string;
  prefix: string;
  param: string;
  reads: string[];
  /** Headers this one includes (guards make the repeated includes no-ops, as in real trees). */
  includes: string[];
}

const DOMAINS: Domain[] = [
  {
    header: 'task.bpf.h', prefix: 'task', param: 'struct task_struct *t', includes: ['common.bpf.h', 'compat.bpf.h'],
    reads: ['pid', 'tgid', 'real_parent, tgid', 'real_parent, pid', 'group_leader, pid', 'mm, total_vm', 'mm, arg_start',
      'mm, arg_end', 'mm, start_stack', 'flags', 'prio', 'start_time', 'nsproxy, pid_ns_for_children, level',
      'nsproxy, mnt_ns, ns.inum', 'cred, uid.val', 'cred, gid.val', 'cred, euid.val', 'files, fdt, max_fds', 'exit_code',
      'signal, nr_threads', 'real_cred, uid.val'],
  },
  {
    header: 'fs.bpf.h', prefix: 'file', param: 'struct file *f', includes: ['common.bpf.h', 'task.bpf.h', 'compat.bpf.h'],
    reads: ['f_flags', 'f_mode', 'f_pos', 'f_inode, i_ino', 'f_inode, i_mode', 'f_inode, i_size', 'f_inode, i_sb, s_dev',
      'f_inode, i_sb, s_magic', 'f_path.dentry, d_name.len', 'f_path.dentry, d_parent, d_name.len',
      'f_path.dentry, d_inode, i_ino', 'f_inode, i_uid.val', 'f_path.mnt, mnt_flags'],
  },
  {
    header: 'net.bpf.h', prefix: 'sock', param: 'struct sock *sk', includes: ['common.bpf.h', 'task.bpf.h'],
    reads: ['__sk_common.skc_family', '__sk_common.skc_dport', '__sk_common.skc_num', '__sk_common.skc_daddr',
      '__sk_common.skc_rcv_saddr', 'sk_protocol', 'sk_type', 'sk_rcvbuf', 'sk_sndbuf', '__sk_common.skc_state',
      'sk_socket, type', 'sk_socket, state'],
  },
  {
    header: 'skb.bpf.h', prefix: 'skb', param: 'struct sk_buff *skb', includes: ['common.bpf.h', 'net.bpf.h'],
    reads: ['len', 'protocol', 'dev, ifindex', 'network_header', 'transport_header', 'mark', 'priority',
      'sk, __sk_common.skc_family', 'dev, mtu', 'data_len'],
  },
];

const HELPERS_PER_DOMAIN = 30;
const PROGRAMS = 150;

/** common.bpf.h: the shared event, maps and the tool's own macros. */
function commonHeader(): string {
  return `/* common.bpf.h: shared definitions of the generated big tool */
#ifndef __COMMON_BPF_H
#define __COMMON_BPF_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>

#define statfunc static __always_inline
#define MAX_ENTRIES 10240

struct event {
	u64 kind;
	u64 ts;
	u64 pid;
	u64 ppid;
	u64 uid;
	u64 a;
	u64 b;
	u64 c;
	u64 d;
	char comm[16];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(key_size, sizeof(u32));
	__uint(value_size, sizeof(u32));
} events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MAX_ENTRIES);
	__type(key, u32);
	__type(value, u64);
} seen SEC(".maps");

statfunc u64 common_seen(u32 pid)
{
	u64 *v = bpf_map_lookup_elem(&seen, &pid);
	return v ? *v : 0;
}

#endif /* __COMMON_BPF_H */
`;
}

/** compat.bpf.h: kernel-version flavors, the way tools carry renamed members (guarded and, twice, not). */
function compatHeader(): string {
  const out = [`/* compat.bpf.h: members renamed across kernel versions */
#ifndef __COMPAT_BPF_H
#define __COMPAT_BPF_H

#include "common.bpf.h"

struct task_struct___pre514 {
	volatile long state;
} __attribute__((preserve_access_index));

struct inode___pre66 {
	struct timespec64 i_ctime;
} __attribute__((preserve_access_index));

struct inode___pre611 {
	struct timespec64 __i_ctime;
} __attribute__((preserve_access_index));

struct inode___v611 {
	time64_t i_ctime_sec;
} __attribute__((preserve_access_index));

statfunc long compat_task_state(struct task_struct *t)
{
	if (bpf_core_field_exists(((struct task_struct___pre514 *)t)->state))
		return BPF_CORE_READ((struct task_struct___pre514 *)t, state);
	return BPF_CORE_READ(t, __state);
}

statfunc u64 compat_inode_ctime(struct inode *i)
{
	if (bpf_core_field_exists(((struct inode___v611 *)i)->i_ctime_sec))
		return BPF_CORE_READ((struct inode___v611 *)i, i_ctime_sec);
	if (bpf_core_field_exists(((struct inode___pre611 *)i)->__i_ctime))
		return BPF_CORE_READ((struct inode___pre611 *)i, __i_ctime.tv_sec);
	return BPF_CORE_READ((struct inode___pre66 *)i, i_ctime.tv_sec);
}

/* unguarded: missing on the newer kernels (a finding the bench expects) */
statfunc long compat_task_state_legacy(struct task_struct *t)
{
	return BPF_CORE_READ((struct task_struct___pre514 *)t, state);
}
`];
  // the rest of the compat helpers: guarded existence checks and type sizes (libbpf's other relocation kinds)
  for (let i = 0; i < HELPERS_PER_DOMAIN - 3; i++) {
    const r = DOMAINS[0]!.reads[i % DOMAINS[0]!.reads.length]!;
    const field = r.split(',').map((s) => s.trim());
    out.push(`statfunc u64 compat_${i}(struct task_struct *t)
{
	u64 v = bpf_core_type_size(struct task_struct) + ${i};
	if (bpf_core_field_exists(t->${field[0]}))
		v += BPF_CORE_READ(t, ${r});
	if (bpf_core_type_exists(struct bpf_iter_num))
		v += compat_task_state(t);
	return v;
}
`);
  }
  out.push('#endif /* __COMPAT_BPF_H */', '');
  return out.join('\n');
}

/** One domain header: 15 leaf helpers, 10 calling two leaves, 5 calling a middle one and the compat layer. */
function domainHeader(d: Domain): string {
  const guard = `__${d.header.replace(/\W/g, '_').toUpperCase()}`;
  const out = [`/* ${d.header}: ${d.prefix} helpers of the generated big tool */`, `#ifndef ${guard}`, `#define ${guard}`, ''];
  for (const inc of d.includes) out.push(`#include "${inc}"`);
  out.push('');
  const arg = d.param.split(/\W+/).pop()!;
  for (let i = 0; i < HELPERS_PER_DOMAIN; i++) {
    const name = `${d.prefix}_h${i}`;
    if (i < 15) {
      const r = d.reads[i % d.reads.length]!;
      const r2 = d.reads[(i * 5 + 3) % d.reads.length]!;
      out.push(`statfunc u64 ${name}(${d.param})`, '{', `\tu64 v = BPF_CORE_READ(${arg}, ${r});`, `\tif (!v)`,
        `\t\tv = BPF_CORE_READ(${arg}, ${r2}) + ${i};`, '\treturn v;', '}', '');
    } else if (i < 25) {
      const a = (i * 3) % 15;
      const b = (i * 7 + 1) % 15;
      out.push(`statfunc u64 ${name}(${d.param})`, '{', `\tu64 x = ${d.prefix}_h${a}(${arg});`,
        `\tu64 y = ${d.prefix}_h${b}(${arg});`, '', `\tif (x > y)`, `\t\treturn x - y;`, `\treturn y - x + ${i};`, '}', '');
    } else {
      const m = 15 + ((i * 3) % 10);
      const extra = d.prefix === 'task' ? `compat_task_state(${arg})` : d.prefix === 'file'
        ? `compat_inode_ctime(BPF_CORE_READ(${arg}, f_inode))` : `${d.prefix}_h${i % 15}(${arg})`;
      out.push(`statfunc u64 ${name}(${d.param})`, '{', `\tu64 v = ${d.prefix}_h${m}(${arg});`, '', `\tv ^= ${extra};`,
        `\treturn v + ${i};`, '}', '');
    }
  }
  out.push(`#endif /* ${guard} */`, '');
  return out.join('\n');
}

/** The program: 150 programs, ~40 lines each, over the four domains and all four section kinds. */
function programText(): string {
  const out = [
    '// SPDX-License-Identifier: GPL-2.0',
    '/* big.bpf.c: generated in the shape of the biggest real tools (corelens bench, issue 12) */',
    '#include "vmlinux.h"',
    '#include <bpf/bpf_helpers.h>',
    '#include <bpf/bpf_core_read.h>',
    '#include <bpf/bpf_tracing.h>',
    '#include "common.bpf.h"',
    '#include "compat.bpf.h"',
    ...DOMAINS.map((d) => `#include "${d.header}"`),
    '',
    'const volatile u32 target_tgid = 0;',
    '',
  ];
  for (let k = 0; k < PROGRAMS; k++) {
    const d = DOMAINS[k % DOMAINS.length]!;
    const style = Math.floor(k / DOMAINS.length) % 3;
    const name = `${d.prefix}_prog_${k}`;
    let head: string[];
    let obj: string;
    let task = '(struct task_struct *)bpf_get_current_task()';
    if (d.prefix === 'task') {
      obj = 'next';
      if (style === 0) head = ['SEC("tp_btf/sched_switch")', `int BPF_PROG(${name}, bool preempt, struct task_struct *prev, struct task_struct *next)`];
      else if (style === 1) { head = [`SEC("kprobe/wake_up_new_task")`, `int BPF_KPROBE(${name}, struct task_struct *next)`]; }
      else { head = ['SEC("fentry/wake_up_new_task")', `int BPF_PROG(${name}, struct task_struct *next)`]; }
      task = 'next';
    } else if (d.prefix === 'file') {
      obj = 'file';
      head = style === 0 ? ['SEC("fentry/vfs_read")', `int BPF_PROG(${name}, struct file *file, char *buf, size_t count, loff_t *pos)`]
        : style === 1 ? ['SEC("kprobe/vfs_write")', `int BPF_KPROBE(${name}, struct file *file)`]
          : ['SEC("fentry/vfs_open")', `int BPF_PROG(${name}, const struct path *path, struct file *file)`];
    } else if (d.prefix === 'sock') {
      obj = 'sk';
      head = style === 0 ? ['SEC("kprobe/tcp_connect")', `int BPF_KPROBE(${name}, struct sock *sk)`]
        : style === 1 ? ['SEC("fentry/tcp_v4_connect")', `int BPF_PROG(${name}, struct sock *sk)`]
          : ['SEC("tp_btf/inet_sock_set_state")', `int BPF_PROG(${name}, struct sock *sk, int oldstate, int newstate)`];
    } else {
      obj = 'skb';
      head = style === 0 ? ['SEC("tp_btf/net_dev_queue")', `int BPF_PROG(${name}, struct sk_buff *skb)`]
        : style === 1 ? ['SEC("kprobe/dev_queue_xmit")', `int BPF_KPROBE(${name}, struct sk_buff *skb)`]
          : ['SEC("tp_btf/netif_receive_skb")', `int BPF_PROG(${name}, struct sk_buff *skb)`];
    }
    const h = (j: number) => `${d.prefix}_h${(k * 7 + j * 11) % HELPERS_PER_DOMAIN}(${obj})`;
    const th = (j: number) => `task_h${(k * 5 + j * 13) % HELPERS_PER_DOMAIN}(task)`;
    const r = d.reads[k % d.reads.length]!;
    out.push(...head, '{',
      `\tstruct task_struct *task = ${task};`,
      '\tstruct event ev = {};',
      '\tu32 tgid;',
      '',
      '\ttgid = bpf_get_current_pid_tgid() >> 32;',
      '\tif (target_tgid && tgid != target_tgid)',
      '\t\treturn 0;',
      `\tev.kind = ${k};`,
      '\tev.ts = bpf_ktime_get_ns();',
      '\tev.pid = BPF_CORE_READ(task, tgid);',
      '\tev.ppid = BPF_CORE_READ(task, real_parent, tgid);',
      '\tev.uid = BPF_CORE_READ(task, cred, uid.val);',
      `\tev.a = ${h(0)};`,
      `\tev.b = ${h(1)} + ${h(2)};`,
      `\tev.c = BPF_CORE_READ(${obj}, ${r});`,
      `\tev.d = ${th(0)};`,
      '\tif (ev.d == 0)',
      `\t\tev.d = ${th(1)};`,
      k % 10 === 0 ? '\tev.d += compat_task_state_legacy(task);' : `\tev.d += compat_${k % (HELPERS_PER_DOMAIN - 3)}(task);`,
      '\tif (common_seen(tgid) > 3)',
      '\t\treturn 0;',
      '\tbpf_get_current_comm(&ev.comm, sizeof(ev.comm));',
      '',
      '\t/* per-process accounting */',
      '\t{',
      '\t\tu64 *cnt, one = 1;',
      '\t\tcnt = bpf_map_lookup_elem(&seen, &tgid);',
      '\t\tif (cnt)',
      '\t\t\t__sync_fetch_and_add(cnt, 1);',
      '\t\telse',
      '\t\t\tbpf_map_update_elem(&seen, &tgid, &one, BPF_ANY);',
      '\t}',
      '\t/* a filter written by hand, as tools do */',
      `\tif (ev.a == ${k} && ev.b == ${k + 1})`,
      '\t\treturn 0;',
      '\tif (ev.c > 1000000)',
      '\t\tev.c = 1000000;',
      '\tbpf_perf_event_output(ctx, &events, BPF_F_CURRENT_CPU, &ev, sizeof(ev));',
      '\treturn 0;',
      '}',
      '');
  }
  out.push('char LICENSE[] SEC("license") = "GPL";', '');
  return out.join('\n');
}

export interface BigProgram {
  /** The program's path (its headers beside it, vmlinux.h included). */
  file: string;
  text: string;
  /** Lines of the program plus its own headers (vmlinux.h and libbpf's headers not counted). */
  lines: number;
  helpers: number;
  programs: number;
}

/** Writes the program and its headers into `dir` (which must already hold vmlinux.h). */
export function writeBigProgram(dir: string): BigProgram {
  let lines = 0;
  const put = (name: string, text: string) => {
    fs.writeFileSync(path.join(dir, name), text);
    lines += text.split('\n').length;
  };
  put('common.bpf.h', commonHeader());
  put('compat.bpf.h', compatHeader());
  for (const d of DOMAINS) put(d.header, domainHeader(d));
  const text = programText();
  const file = path.join(dir, 'big.bpf.c');
  put('big.bpf.c', text);
  return { file, text, lines, helpers: 1 + HELPERS_PER_DOMAIN * (DOMAINS.length + 1), programs: PROGRAMS };
}
