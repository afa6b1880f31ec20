// SPDX-License-Identifier: MIT
/*
 * oomkill.bpf.c - OOM kills: victim, trigger and pages (libbpf-tools'
 * oomkill, bcc's oomkill).
 *   - kprobe/oom_kill_process via BPF_KPROBE: oc->chosen (the victim task),
 *     oc->totalpages, oc->order, and the victim's resident memory through
 *     mm_rss(), which picks the mm_rss_stat or percpu_counter layout (6.2);
 *   - tp/oom/mark_victim with trace_event_raw_mark_victim: ctx->pid, and
 *     ctx->total_vm/anon_rss only where the fields exist (6.0+, guarded);
 *   - tp/oom/oom_score_adj_update: ctx->comm copied out of the context.
 * Loads on every kernel.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "events.h"
#include "compat.bpf.h"
#include "task.bpf.h"

#define MM_FILEPAGES_IDX 0
#define MM_ANONPAGES_IDX 1

SEC("kprobe/oom_kill_process")
int BPF_KPROBE(oom_kill_process, struct oom_control *oc, const char *message)
{
	struct task_struct *victim = BPF_CORE_READ(oc, chosen);
	struct mm_struct *mm = BPF_CORE_READ(victim, mm);
	struct mem_event *e;

	e = reserve_buf(sizeof(*e));
	if (!e)
		return 0;
	fill_hdr(&e->hdr, EV_OOM);
	e->victim_pid = BPF_CORE_READ(victim, tgid);
	e->pages = BPF_CORE_READ(oc, totalpages);
	e->order = BPF_CORE_READ(oc, order);
	BPF_CORE_READ_STR_INTO(&e->victim_comm, victim, comm);
	if (mm) {
		e->rss_file = mm_rss(mm, MM_FILEPAGES_IDX);
		e->rss_anon = mm_rss(mm, MM_ANONPAGES_IDX);
	}
	submit_buf(ctx, e, sizeof(*e));
	return 0;
}

SEC("tp/oom/mark_victim")
int tp_mark_victim(struct trace_event_raw_mark_victim *ctx)
{
	struct mem_event *e;

	e = reserve_buf(sizeof(*e));
	if (!e)
		return 0;
	fill_hdr(&e->hdr, EV_OOM);
	e->victim_pid = ctx->pid;
	if (bpf_core_field_exists(ctx->total_vm)) {
		e->pages = ctx->total_vm;
		e->rss_anon = ctx->anon_rss;
	}
	submit_buf(ctx, e, sizeof(*e));
	return 0;
}

SEC("tp/oom/oom_score_adj_update")
int tp_oom_score_adj_update(struct trace_event_raw_oom_score_adj_update *ctx)
{
	struct mem_event *e;

	e = reserve_buf(sizeof(*e));
	if (!e)
		return 0;
	fill_hdr(&e->hdr, EV_OOM);
	e->victim_pid = ctx->pid;
	e->order = ctx->oom_score_adj;
	bpf_probe_read_kernel_str(e->victim_comm, sizeof(e->victim_comm), ctx->comm);
	submit_buf(ctx, e, sizeof(*e));
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
