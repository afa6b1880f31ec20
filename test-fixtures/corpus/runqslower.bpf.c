// SPDX-License-Identifier: MIT
/*
 * runqslower.bpf.c - wakeups that waited longer than a threshold to run
 * (libbpf-tools' runqslower), written the way many copies in the wild are:
 * without the compatibility helpers for the task state.
 *   - raw_tp/sched_switch: reads prev->__state with BPF_CORE_READ and no guard
 *     (fails to load before 5.14: Debian 11's 5.10), and task_saved_state(),
 *     which exitsnoop guards and this program does not (fails wherever the
 *     field is missing: 5.10 and 6.1 generic/cloud/arm64; loads on 6.1-rt);
 *   - raw_tp/sched_wakeup and sched_wakeup_new: load everywhere;
 *   - tp_btf/sched_switch: the unguarded direct load prev->__state.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "events.h"
#include "maps.bpf.h"
#include "compat.bpf.h"
#include "task.bpf.h"

#define TASK_RUNNING 0

const volatile __u64 min_us = 10000;
const volatile pid_t targ_pid = 0;
const volatile pid_t targ_tgid = 0;

START_MAP(wakeups, 10240);

static __always_inline int trace_enqueue(__u32 tgid, __u32 pid)
{
	__u64 ts;

	if (!pid)
		return 0;
	if (targ_tgid && targ_tgid != tgid)
		return 0;
	if (targ_pid && targ_pid != pid)
		return 0;
	ts = bpf_ktime_get_ns();
	bpf_map_update_elem(&wakeups, &pid, &ts, 0);
	return 0;
}

static __always_inline int report(void *ctx, struct task_struct *prev, struct task_struct *next, __s64 prev_state)
{
	struct sched_event *e;
	__u32 pid = BPF_CORE_READ(next, pid);
	__u64 delta_us = take_delta_us(&wakeups, &pid);

	if (delta_us < min_us)
		return 0;
	e = reserve_buf(sizeof(*e));
	if (!e)
		return 0;
	fill_hdr(&e->hdr, EV_SCHED);
	e->prev_pid = BPF_CORE_READ(prev, pid);
	e->next_pid = pid;
	e->prev_state = prev_state;
	e->delta_us = delta_us;
	BPF_CORE_READ_STR_INTO(&e->prev_comm, prev, comm);
	BPF_CORE_READ_STR_INTO(&e->next_comm, next, comm);
	submit_buf(ctx, e, sizeof(*e));
	return 0;
}

SEC("raw_tp/sched_wakeup")
int BPF_PROG(handle_sched_wakeup, struct task_struct *p)
{
	return trace_enqueue(BPF_CORE_READ(p, tgid), BPF_CORE_READ(p, pid));
}

SEC("raw_tp/sched_wakeup_new")
int BPF_PROG(handle_sched_wakeup_new, struct task_struct *p)
{
	return trace_enqueue(BPF_CORE_READ(p, tgid), BPF_CORE_READ(p, pid));
}

SEC("raw_tp/sched_switch")
int BPF_PROG(handle_sched_switch, bool preempt, struct task_struct *prev, struct task_struct *next)
{
	__s64 state = BPF_CORE_READ(prev, __state);

	if (state == TASK_RUNNING)
		trace_enqueue(BPF_CORE_READ(prev, tgid), BPF_CORE_READ(prev, pid));
	/* the state a sleeping lock put aside: no has_saved_state() check */
	state |= (__s64)task_saved_state(prev) << 32;
	return report(ctx, prev, next, state);
}

SEC("tp_btf/sched_switch")
int BPF_PROG(sched_switch, bool preempt, struct task_struct *prev, struct task_struct *next)
{
	if (prev->__state == TASK_RUNNING)
		trace_enqueue(prev->tgid, prev->pid);
	return report(ctx, prev, next, prev->__state);
}

char LICENSE[] SEC("license") = "GPL";
