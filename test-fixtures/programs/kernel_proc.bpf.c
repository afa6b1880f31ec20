// SPDX-License-Identifier: MIT
/*
 * kernel_proc.bpf.c - process exec/exit tracing in the style of
 * libbpf-tools' execsnoop and exitsnoop, against the generated vmlinux.h.
 *   - sched_process_exec: the trace_event_raw_sched_process_exec context
 *     (__data_loc filename), task_struct parent chain and cred;
 *   - sched_process_exit through tp_btf/BPF_PROG: direct loads of
 *     task_struct fields, signal->live, exit_code;
 *   - the 5.14 rename task_struct::state -> __state with a local flavor
 *     task_struct___o and an early-return bpf_core_field_exists guard.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>

#define TASK_COMM_LEN 16
#define MAX_FILENAME 127

/* the event userspace reads: plain layout, not relocated */
struct event {
	__u32 pid;
	__u32 ppid;
	__u32 uid;
	int exit_code;
	long state;
	__u64 start_time;
	__u64 duration;
	char comm[TASK_COMM_LEN];
	char filename[MAX_FILENAME];
};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} events SEC(".maps");

/* before 5.14 */
struct task_struct___o {
	volatile long state;
} __attribute__((preserve_access_index));

static __always_inline long task_state(struct task_struct *t)
{
	if (bpf_core_field_exists(t->__state))
		return BPF_CORE_READ(t, __state);
	return BPF_CORE_READ((struct task_struct___o *)t, state);
}

static __always_inline __u32 task_ppid(struct task_struct *t)
{
	return BPF_CORE_READ(t, real_parent, tgid);
}

SEC("tp/sched/sched_process_exec")
int handle_exec(struct trace_event_raw_sched_process_exec *ctx)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	unsigned int fname_off;
	struct event *e;

	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e)
		return 0;
	e->pid = bpf_get_current_pid_tgid() >> 32;
	e->ppid = task_ppid(task);
	e->uid = BPF_CORE_READ(task, cred, uid.val);
	e->start_time = BPF_CORE_READ(task, start_time);
	e->state = task_state(task);
	fname_off = ctx->__data_loc_filename & 0xFFFF;
	bpf_probe_read_kernel_str(&e->filename, sizeof(e->filename), (void *)ctx + fname_off);
	bpf_get_current_comm(&e->comm, sizeof(e->comm));
	bpf_ringbuf_submit(e, 0);
	return 0;
}

SEC("tp_btf/sched_process_exit")
int BPF_PROG(handle_exit, struct task_struct *p)
{
	struct event *e;

	/* only the last thread of a process */
	if (p->pid != p->tgid)
		return 0;
	if (BPF_CORE_READ(p, signal, live.counter) > 0)
		return 0;
	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e)
		return 0;
	e->pid = p->tgid;
	e->ppid = p->real_parent->tgid;
	e->exit_code = (p->exit_code >> 8) & 0xff;
	e->duration = bpf_ktime_get_ns() - p->start_time;
	e->state = task_state(p);
	bpf_probe_read_kernel_str(&e->comm, sizeof(e->comm), p->comm);
	bpf_ringbuf_submit(e, 0);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
