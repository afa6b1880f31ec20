// SPDX-License-Identifier: MIT
/*
 * kernel_sched.bpf.c - scheduler tracing in the style of libbpf-tools'
 * runqlat and offcputime, against the generated vmlinux.h.
 *   - sched_wakeup / sched_wakeup_new / sched_switch through tp_btf and
 *     BPF_PROG; run queue latency keyed by pid;
 *   - prev_state through task_struct::__state, or task_struct___o::state
 *     on kernels before 5.14 (guard stored in a local variable);
 *   - sched_entity and cfs_rq (se.cfs_rq->nr_running, only with
 *     CONFIG_FAIR_GROUP_SCHED: guarded), nvcsw/nivcsw counters;
 *   - a raw tracepoint through BPF_PROG2 (typed pairs of arguments).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>

#define TASK_RUNNING 0
#define MAX_SLOTS 26

struct hist {
	__u32 slots[MAX_SLOTS];
	__u64 total_ns;
	__u32 cfs_running;
	char comm[16];
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, u32);
	__type(value, u64);
} start SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, u32);
	__type(value, struct hist);
} hists SEC(".maps");

struct task_struct___o {
	volatile long state;
} __attribute__((preserve_access_index));

static struct hist zero;
const volatile pid_t targ_tgid = 0;

static __always_inline u64 log2l(u64 v)
{
	u64 r = 0;

	while (v > 1 && r < 63) {
		v >>= 1;
		r++;
	}
	return r;
}

static __always_inline int trace_enqueue(u32 tgid, u32 pid)
{
	u64 ts;

	if (!pid || (targ_tgid && targ_tgid != tgid))
		return 0;
	ts = bpf_ktime_get_ns();
	bpf_map_update_elem(&start, &pid, &ts, BPF_ANY);
	return 0;
}

static __always_inline long get_task_state(struct task_struct *t)
{
	bool has_new = bpf_core_field_exists(t->__state);

	return has_new ? BPF_CORE_READ(t, __state) : BPF_CORE_READ((struct task_struct___o *)t, state);
}

SEC("tp_btf/sched_wakeup")
int BPF_PROG(sched_wakeup, struct task_struct *p)
{
	return trace_enqueue(p->tgid, p->pid);
}

SEC("tp_btf/sched_wakeup_new")
int BPF_PROG(sched_wakeup_new, struct task_struct *p)
{
	return trace_enqueue(BPF_CORE_READ(p, tgid), BPF_CORE_READ(p, pid));
}

SEC("tp_btf/sched_switch")
int BPF_PROG(sched_switch, bool preempt, struct task_struct *prev, struct task_struct *next)
{
	struct hist *histp;
	u64 *tsp, slot, delta;
	u32 pid, hkey;

	if (get_task_state(prev) == TASK_RUNNING)
		trace_enqueue(prev->tgid, prev->pid);

	pid = next->pid;
	tsp = bpf_map_lookup_elem(&start, &pid);
	if (!tsp)
		return 0;
	delta = bpf_ktime_get_ns() - *tsp;
	hkey = BPF_CORE_READ(next, tgid);
	histp = bpf_map_lookup_elem(&hists, &hkey);
	if (!histp) {
		bpf_map_update_elem(&hists, &hkey, &zero, BPF_NOEXIST);
		histp = bpf_map_lookup_elem(&hists, &hkey);
		if (!histp)
			goto cleanup;
		bpf_probe_read_kernel_str(&histp->comm, sizeof(histp->comm), next->comm);
	}
	delta /= 1000U;
	slot = log2l(delta);
	if (slot >= MAX_SLOTS)
		slot = MAX_SLOTS - 1;
	__sync_fetch_and_add(&histp->slots[slot], 1);
	histp->total_ns += BPF_CORE_READ(next, se.sum_exec_runtime) + prev->nvcsw + prev->nivcsw;
	if (bpf_core_field_exists(next->se.cfs_rq))
		histp->cfs_running = BPF_CORE_READ(next, se.cfs_rq, nr_running);

cleanup:
	bpf_map_delete_elem(&start, &pid);
	return 0;
}

SEC("tp_btf/sched_migrate_task")
int BPF_PROG2(sched_migrate, struct task_struct *, p, int, dest_cpu)
{
	u32 pid = p->pid;

	if (dest_cpu != BPF_CORE_READ(p, wake_cpu))
		trace_enqueue(BPF_CORE_READ(p, tgid), pid);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
