// SPDX-License-Identifier: MIT
/*
 * live_helpers.bpf.c - programs calling helpers of live_compat.bpf.h, in the
 * style of libbpf-tools: a helper inlined into several programs, guarded in
 * one and not in another, guards through bool helpers (if / early return /
 * stored), a guard-chosen helper value, two levels of inlining, a bounded
 * loop, a __noinline subprogram, own macros on ___type/___arrow, and an
 * X-macro enum.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "live_compat.bpf.h"

__u64 out[64];
#define OUT(i, v) (out[(i)] = (__u64)(v))

char buf[16];

SEC("tp_btf/sched_switch")
int BPF_PROG(on_switch, bool preempt, struct task_struct *prev, struct task_struct *next)
{
	/* guarded through a bool helper */
	if (has_task_state())
		OUT(0, BPF_CORE_READ(prev, __state));
	OUT(1, get_task_state(next));
	OUT(2, task_tgid(prev));
	OUT(3, EV_EXIT);
	return 0;
}

SEC("tp_btf/sched_process_exit")
int BPF_PROG(on_exit, struct task_struct *p)
{
	/* early return through a negated bool helper */
	if (!has_task_state())
		return 0;
	OUT(4, BPF_CORE_READ(p, __state));
	OUT(5, parent_tgid(p));
	OUT(6, task_start_time(p));
	return 0;
}

SEC("tp_btf/block_rq_issue")
int BPF_PROG(on_issue, struct request *rq)
{
	struct gendisk *disk = get_disk(rq);

	OUT(7, BPF_CORE_READ(disk, major));
	OUT(8, BPF_CORE_READ(disk, first_minor));
	return 0;
}

SEC("kprobe/vfs_read")
int BPF_KPROBE(on_read, struct file *f)
{
	struct dentry *d = BPF_CORE_READ(f, f_path.dentry);
	bool ring = has_ringbuf();

	OUT(9, dentry_depth(d, buf));
	if (ring)
		OUT(10, MY_READ(f, f_inode, i_ino));
	OUT(11, task_tgid((struct task_struct *)bpf_get_current_task()));
	OUT(12, task_start_time((struct task_struct *)bpf_get_current_task()));
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
