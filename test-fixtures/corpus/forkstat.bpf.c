// SPDX-License-Identifier: MIT
/*
 * forkstat.bpf.c - process creation: who forked whom, in which pid namespace,
 * and the pid the child sees (in the style of forkstat and tetragon's clone
 * events).
 *   - tp_btf/sched_process_fork via BPF_PROG: direct loads through both task
 *     pointers, child->real_parent->tgid chained;
 *   - raw_tp/sched_process_fork via BPF_PROG: the same tasks as plain values,
 *     read with BPF_CORE_READ; task_vpid() indexes pid->numbers[] with a level
 *     read at run time (BPF_CORE_READ with a variable array index);
 *   - kprobe/wake_up_new_task without BPF_KPROBE: PT_REGS_PARM1_CORE(ctx);
 *   - kretprobe/kernel_clone via BPF_KRETPROBE and a raw PT_REGS_RC(ctx);
 *   - bpf_core_type_size(typeof(*p)) and bpf_core_field_size/offset.
 * Loads on every kernel.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "events.h"
#include "maps.bpf.h"
#include "compat.bpf.h"
#include "task.bpf.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u64);
} sizes SEC(".maps");

START_MAP(clone_start, 10240);

SEC("tp_btf/sched_process_fork")
int BPF_PROG(fork_btf, struct task_struct *parent, struct task_struct *child)
{
	struct process_event *e;

	e = reserve_buf(sizeof(*e));
	if (!e)
		return 0;
	fill_hdr(&e->hdr, EV_FORK);
	e->hdr.pid = parent->tgid;
	e->child_pid = child->pid;
	e->hdr.ppid = child->real_parent->tgid;
	e->start_ns = child->start_time;
	e->nr_threads = child->signal->nr_threads;
	submit_buf(ctx, e, sizeof(*e));
	return 0;
}

SEC("raw_tp/sched_process_fork")
int BPF_PROG(fork_raw, struct task_struct *parent, struct task_struct *child)
{
	struct process_event *e;

	e = reserve_buf(sizeof(*e));
	if (!e)
		return 0;
	fill_hdr_task(&e->hdr, child, EV_FORK);
	e->child_pid = task_vpid(child);
	e->hdr.ppid = BPF_CORE_READ(parent, tgid);
	e->start_ns = task_start_ns(child);
	e->state = get_task_state(child);
	submit_buf(ctx, e, sizeof(*e));
	return 0;
}

SEC("kprobe/wake_up_new_task")
int wake_up_new_task(struct pt_regs *ctx)
{
	struct task_struct *p = (struct task_struct *)PT_REGS_PARM1_CORE(ctx);
	__u32 key = 0;
	__u64 size = bpf_core_type_size(typeof(*p));

	/* how big the kernel's task_struct is, and where its pid lives */
	bpf_map_update_elem(&sizes, &key, &size, BPF_ANY);
	key = 1;
	size = bpf_core_field_offset(p->pid);
	bpf_map_update_elem(&sizes, &key, &size, BPF_ANY);
	key = 2;
	size = bpf_core_field_size(p->comm);
	bpf_map_update_elem(&sizes, &key, &size, BPF_ANY);
	key = 3;
	size = BPF_CORE_READ(p, nr_cpus_allowed);
	bpf_map_update_elem(&sizes, &key, &size, BPF_ANY);
	return 0;
}

SEC("kprobe/kernel_clone")
int BPF_KPROBE(kernel_clone_entry)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	__u64 ts = bpf_ktime_get_ns();

	bpf_map_update_elem(&clone_start, &tid, &ts, BPF_ANY);
	return 0;
}

SEC("kretprobe/kernel_clone")
int BPF_KRETPROBE(kernel_clone_exit, long ret)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct sys_event *e;
	__u64 delta = take_delta_us(&clone_start, &tid);

	if (ret <= 0)
		return 0;
	e = reserve_buf(sizeof(*e));
	if (!e)
		return 0;
	fill_hdr(&e->hdr, EV_FORK);
	e->ret = PT_REGS_RC(ctx);
	e->args[0] = delta;
	submit_buf(ctx, e, sizeof(*e));
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
