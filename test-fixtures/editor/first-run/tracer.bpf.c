// SPDX-License-Identifier: GPL-2.0
// First-run fixture: a 100-line tracing program opened in a fresh VS Code with the default targets (no
// corelens.json); the code-server e2e prints the time from the editor opening to the first problem.
/* the kernel's fixed-width types, as a vmlinux.h would give them (no kernel headers needed) */
typedef unsigned char __u8;
typedef unsigned short __u16;
typedef unsigned int __u32;
typedef unsigned long long __u64;
typedef int __s32;
typedef long long __s64;
typedef __u16 __be16;
typedef __u32 __be32;
typedef __u32 __wsum;
typedef _Bool bool;
enum { BPF_MAP_TYPE_HASH = 1 };
enum { BPF_ANY = 0 };
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>

struct mm_struct {
	unsigned long total_vm;
	unsigned long stack_vm;
} __attribute__((preserve_access_index));

struct task_struct {
	int pid;
	int tgid;
	int prio;
	unsigned int flags;
	long state;
	struct task_struct *real_parent;
	struct mm_struct *mm;
} __attribute__((preserve_access_index));

struct task_struct___x {
	unsigned int __state;
} __attribute__((preserve_access_index));

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u32);
	__type(value, __u64);
} start SEC(".maps");

static __always_inline long task_state(struct task_struct *t)
{
	struct task_struct___x *x = (void *)t;

	if (bpf_core_field_exists(x->__state))
		return BPF_CORE_READ(x, __state);
	return BPF_CORE_READ(t, state);
}

SEC("tp_btf/sched_wakeup")
int BPF_PROG(on_wakeup, struct task_struct *p)
{
	__u32 pid = BPF_CORE_READ(p, pid);
	__u64 ts = bpf_ktime_get_ns();

	bpf_map_update_elem(&start, &pid, &ts, BPF_ANY);
	return 0;
}

SEC("tp_btf/sched_switch")
int BPF_PROG(on_switch, bool preempt, struct task_struct *prev, struct task_struct *next)
{
	__u32 pid = BPF_CORE_READ(next, pid);
	__u64 *tsp = bpf_map_lookup_elem(&start, &pid);
	long prev_state = task_state(prev);
	long raw_state = BPF_CORE_READ(prev, state);

	if (!tsp)
		return 0;
	bpf_printk("switch %d after %llu ns (%ld %ld)", pid, bpf_ktime_get_ns() - *tsp, prev_state, raw_state);
	bpf_map_delete_elem(&start, &pid);
	return 0;
}

SEC("tp_btf/sched_process_exec")
int BPF_PROG(on_exec, struct task_struct *p)
{
	int ppid = BPF_CORE_READ(p, real_parent, tgid);
	unsigned long vm = BPF_CORE_READ(p, mm, total_vm);
	int prio = BPF_CORE_READ(p, prio);

	bpf_printk("exec %d parent %d vm %lu prio %d", BPF_CORE_READ(p, tgid), ppid, vm, prio);
	return 0;
}

SEC("tp_btf/sched_process_exit")
int BPF_PROG(on_exit, struct task_struct *p)
{
	unsigned int flags = BPF_CORE_READ(p, flags);
	unsigned long stack = BPF_CORE_READ(p, mm, stack_vm);

	bpf_printk("exit %d flags %x stack %lu", BPF_CORE_READ(p, pid), flags, stack);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
