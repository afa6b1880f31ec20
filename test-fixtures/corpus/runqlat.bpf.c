// SPDX-License-Identifier: MIT
/*
 * runqlat.bpf.c - run queue latency histograms, per process or per pid
 * namespace (libbpf-tools' runqlat).
 *   - tp_btf/sched_wakeup, sched_wakeup_new, sched_switch via BPF_PROG: direct
 *     loads through BTF task pointers;
 *   - raw_tp/ variants of the same three for kernels without BTF-typed
 *     tracepoints: BPF_PROG over plain values, BPF_CORE_READ;
 *   - get_task_state() (guarded in core_fixes.bpf.h) inlined into two programs,
 *     maps.bpf.h's lookup_or_init/hist_add, and the pid namespace helper.
 * Loads on every kernel.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "events.h"
#include "maps.bpf.h"
#include "task.bpf.h"

#define TASK_RUNNING 0

const volatile bool targ_per_process = false;
const volatile bool targ_per_pidns = false;
const volatile __u32 targ_tgid = 0;

START_MAP(start, 10240);

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u32);
	__type(value, struct hist);
} hists SEC(".maps");

static struct hist zero_hist;

static __always_inline int trace_enqueue(__u32 tgid, __u32 pid)
{
	__u64 ts;

	if (!pid)
		return 0;
	if (targ_tgid && targ_tgid != tgid)
		return 0;
	ts = bpf_ktime_get_ns();
	bpf_map_update_elem(&start, &pid, &ts, BPF_ANY);
	return 0;
}

static __always_inline int handle_switch(struct task_struct *prev, struct task_struct *next)
{
	struct hist *histp;
	__u32 pid, hkey;
	__u64 delta;

	if (get_task_state(prev) == TASK_RUNNING)
		trace_enqueue(BPF_CORE_READ(prev, tgid), BPF_CORE_READ(prev, pid));
	pid = BPF_CORE_READ(next, pid);
	delta = take_delta_us(&start, &pid);
	if (!delta)
		return 0;
	if (targ_per_process)
		hkey = BPF_CORE_READ(next, tgid);
	else if (targ_per_pidns)
		hkey = task_pid_ns(next);
	else
		hkey = (__u32)-1;
	histp = lookup_or_init(&hists, &hkey, &zero_hist);
	if (!histp)
		return 0;
	if (targ_per_process)
		BPF_CORE_READ_STR_INTO(&histp->comm, next, comm);
	hist_add(histp->slots, delta);
	return 0;
}

SEC("tp_btf/sched_wakeup")
int BPF_PROG(sched_wakeup, struct task_struct *p)
{
	return trace_enqueue(p->tgid, p->pid);
}

SEC("tp_btf/sched_wakeup_new")
int BPF_PROG(sched_wakeup_new, struct task_struct *p)
{
	return trace_enqueue(p->tgid, p->pid);
}

SEC("tp_btf/sched_switch")
int BPF_PROG(sched_switch, bool preempt, struct task_struct *prev, struct task_struct *next)
{
	return handle_switch(prev, next);
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
	return handle_switch(prev, next);
}

char LICENSE[] SEC("license") = "GPL";
