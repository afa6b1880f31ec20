// SPDX-License-Identifier: GPL-2.0
// The classic CO-RE break: task_struct::state was renamed __state in 5.14, so reading it fails on every newer kernel.
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
