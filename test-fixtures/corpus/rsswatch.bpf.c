// SPDX-License-Identifier: MIT
/*
 * rsswatch.bpf.c - resident memory per process over time (in the style of
 * pixie's and parca's memory collectors).
 *   - tp/kmem/rss_stat with trace_event_raw_rss_stat: ctx->member/size/mm_id;
 *   - tp_btf/rss_stat via BPF_PROG: the mm as a BTF pointer, mm->total_vm and
 *     mm->hiwater_rss directly, the counters through mm_rss();
 *   - kprobe/exit_mmap via BPF_KPROBE: all four counters through mm_rss()
 *     (struct mm_rss_stat before 6.2, percpu_counter[] since, chosen by
 *     has_percpu_rss_stat(), a bpf_core_type_exists guard), inlined four times.
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

#define NR_COUNTERS 4

struct rss_sample {
	__u64 counters[NR_COUNTERS];
	__u64 total_vm;
	__u64 hiwater_rss;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u32);
	__type(value, struct rss_sample);
} samples SEC(".maps");

SEC("tp/kmem/rss_stat")
int tp_rss_stat(struct trace_event_raw_rss_stat *ctx)
{
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;
	struct rss_sample zero = {}, *s;
	__u32 member = ctx->member;

	s = lookup_or_init(&samples, &tgid, &zero);
	if (!s)
		return 0;
	s->counters[member & (NR_COUNTERS - 1)] = ctx->size;
	s->hiwater_rss = ctx->mm_id;
	return 0;
}

SEC("tp_btf/rss_stat")
int BPF_PROG(rss_stat_btf, struct mm_struct *mm, int member)
{
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;
	struct rss_sample zero = {}, *s;

	s = lookup_or_init(&samples, &tgid, &zero);
	if (!s)
		return 0;
	s->total_vm = mm->total_vm;
	s->hiwater_rss = mm->hiwater_rss;
	s->counters[member & (NR_COUNTERS - 1)] = mm_rss(mm, member & (NR_COUNTERS - 1));
	return 0;
}

SEC("kprobe/exit_mmap")
int BPF_KPROBE(exit_mmap, struct mm_struct *mm)
{
	struct mem_event *e;

	e = reserve_buf(sizeof(*e));
	if (!e)
		return 0;
	fill_hdr(&e->hdr, EV_OOM);
	e->rss_file = mm_rss(mm, 0);
	e->rss_anon = mm_rss(mm, 1);
	e->pages = mm_rss(mm, 2) + mm_rss(mm, 3);
	e->vm_flags = BPF_CORE_READ(mm, total_vm);
	submit_buf(ctx, e, sizeof(*e));
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
