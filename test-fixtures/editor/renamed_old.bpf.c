// SPDX-License-Identifier: GPL-2.0
// Editor fixture: a program written against a 5.14+ kernel: it reads task_struct::__state, which kernels before 5.14
// call state (volatile long). The ___old flavor quick fix must make it load on both; the tests compile and load it.
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
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>

struct task_struct {
	int pid;
	unsigned int __state;
	struct task_struct *real_parent;
} __attribute__((preserve_access_index));

SEC("tp_btf/sched_switch")
int BPF_PROG(on_switch, bool preempt, struct task_struct *prev, struct task_struct *next)
{
	int pid = BPF_CORE_READ(prev, pid);
	long state = BPF_CORE_READ(prev, __state);
	int ppid = BPF_CORE_READ(prev, real_parent, pid);

	return pid + state + ppid;
}

char LICENSE[] SEC("license") = "GPL";
