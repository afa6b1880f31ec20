// SPDX-License-Identifier: MIT
/*
 * schedstat.bpf.c - CPU time per task and run queue lengths (in the style of
 * libbpf-tools' cpudist and runqlen).
 *   - tp_btf/sched_switch via BPF_PROG: prev->se.sum_exec_runtime (a direct
 *     load of a nested member), and the CFS queue length through cfs_queued(),
 *     which picks h_nr_running or h_nr_queued (Debian's 6.12 already has the new name);
 *   - kprobe/pick_next_task_fair via BPF_KPROBE: reads rq->cfs.nr_running, a
 *     field gone on 6.18, on a path reached only for CPU 0 at run time: the
 *     poisoned read is reachable, so it fails on 6.18 and the 2026 CI kernel
 *     (and on this machine's 6.18 kernel);
 *   - kprobe/put_prev_task_fair: the same read behind a `const volatile`
 *     option that defaults to false: userspace can turn it on, but as loaded
 *     the verifier sees a constant and removes the read: loads everywhere;
 *   - perf_event: a CPU sampler reading the interrupted instruction pointer
 *     with PT_REGS_IP(&ctx->regs) and the sample period from the
 *     bpf_perf_event_data context.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "events.h"
#include "maps.bpf.h"
#include "task.bpf.h"

const volatile bool targ_queue_len = false;
const volatile bool targ_per_thread = false;

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u32);
	__type(value, struct hist);
} runtime_hists SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct hist);
} queue_hist SEC(".maps");

START_MAP(last_runtime, 10240);

static struct hist zero_hist;

static __always_inline void record_queue(__u32 nr)
{
	__u32 zero = 0;
	struct hist *h = bpf_map_lookup_elem(&queue_hist, &zero);

	if (h)
		hist_add(h->slots, nr);
}

SEC("tp_btf/sched_switch")
int BPF_PROG(sched_switch, bool preempt, struct task_struct *prev, struct task_struct *next)
{
	__u32 key = targ_per_thread ? prev->pid : prev->tgid;
	__u64 runtime = prev->se.sum_exec_runtime, *last;
	struct hist *h;

	last = bpf_map_lookup_elem(&last_runtime, &key);
	if (last) {
		h = lookup_or_init(&runtime_hists, &key, &zero_hist);
		if (h)
			hist_add(h->slots, (runtime - *last) / 1000);
	}
	bpf_map_update_elem(&last_runtime, &key, &runtime, BPF_ANY);
	record_queue(cfs_queued(prev->se.cfs_rq));
	return 0;
}

SEC("kprobe/pick_next_task_fair")
int BPF_KPROBE(pick_next_task_fair, struct rq *rq)
{
	if (bpf_get_smp_processor_id() == 0)
		record_queue(BPF_CORE_READ(rq, cfs.nr_running));
	else
		record_queue(BPF_CORE_READ(rq, nr_running));
	return 0;
}

SEC("kprobe/put_prev_task_fair")
int BPF_KPROBE(put_prev_task_fair, struct rq *rq, struct task_struct *prev)
{
	if (targ_queue_len)
		record_queue(BPF_CORE_READ(rq, cfs.nr_running));
	record_queue(cfs_queued(BPF_CORE_READ(prev, se.cfs_rq)));
	return 0;
}

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u64);
	__type(value, __u64);
} samples SEC(".maps");

SEC("perf_event")
int sample_ip(struct bpf_perf_event_data *ctx)
{
	__u64 ip = PT_REGS_IP(&ctx->regs), zero = 0, *count;

	count = lookup_or_init(&samples, &ip, &zero);
	if (count)
		__sync_fetch_and_add(count, ctx->sample_period);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
