// SPDX-License-Identifier: GPL-2.0
// VS Code end-to-end fixture: test-fixtures/lsp/state.bpf.c made compilable (the kernel's __u32 etc. declared first), so CO-RE: Build
// produces an object and CO-RE: Relocate has something to show. task_struct::state was renamed __state in 5.14.
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
	long state;
	struct task_struct *real_parent;
} __attribute__((preserve_access_index));

SEC("tp_btf/sched_switch")
int BPF_PROG(on_switch, bool preempt, struct task_struct *prev, struct task_struct *next)
{
	int pid = BPF_CORE_READ(prev, pid);
	long state = BPF_CORE_READ(prev, state);
	int ppid = BPF_CORE_READ(prev, real_parent, pid);

	return pid + state + ppid;
}

char LICENSE[] SEC("license") = "GPL";
