// SPDX-License-Identifier: MIT
/*
 * exitsnoop.bpf.c - process exits with their exit code, lifetime and last
 * scheduler state (libbpf-tools' exitsnoop, tetragon's exit events).
 *   - tp/sched/sched_process_exit: everything through BPF_CORE_READ, only the
 *     last thread of a process (signal->live);
 *   - tp_btf/sched_process_exit via BPF_PROG: direct loads through the BTF
 *     pointer (p->signal->nr_threads, READ_ONCE(p->exit_code));
 *   - kprobe/do_exit via BPF_KPROBE, plus PT_REGS_IP/PT_REGS_SP of the probe,
 *     and read.bpf.h's own macros: _(&task->tgid) (an explicit
 *     __builtin_preserve_access_index) and READ_KERN(task->exit_signal);
 *   - get_task_state() (guarded __state/state), and task_saved_state() *guarded
 *     here* by has_saved_state() (runqslower calls it unguarded).
 * Loads on every kernel.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "events.h"
#include "compat.bpf.h"
#include "task.bpf.h"

const volatile bool trace_failed_only = false;
const volatile bool trace_by_process = true;

static __always_inline bool last_thread(struct task_struct *task)
{
	return BPF_CORE_READ(task, signal, live.counter) <= 1;
}

SEC("tp/sched/sched_process_exit")
int sched_process_exit(struct trace_event_raw_sched_process_template *ctx)
{
	struct task_struct *task = current_task();
	struct process_event *e;
	int exit_code;

	if (trace_by_process && !last_thread(task))
		return 0;
	exit_code = BPF_CORE_READ(task, exit_code);
	if (trace_failed_only && exit_code == 0)
		return 0;
	e = reserve_buf(sizeof(*e));
	if (!e)
		return 0;
	fill_hdr(&e->hdr, EV_EXIT);
	e->hdr.tid = ctx->pid;
	e->exit_code = exit_code >> 8;
	e->exit_signal = exit_code & 0xff;
	e->start_ns = task_start_ns(task);
	e->state = get_task_state(task);
	if (has_saved_state())
		e->state |= (__s64)task_saved_state(task) << 32;
	e->nr_threads = BPF_CORE_READ(task, signal, nr_threads);
	submit_buf(ctx, e, sizeof(*e));
	return 0;
}

SEC("tp_btf/sched_process_exit")
int BPF_PROG(sched_process_exit_btf, struct task_struct *p)
{
	struct process_event *e;

	if (p->pid != p->tgid)
		return 0;
	e = reserve_buf(sizeof(*e));
	if (!e)
		return 0;
	fill_hdr_task(&e->hdr, p, EV_EXIT);
	e->exit_code = READ_ONCE(p->exit_code) >> 8;
	e->nr_threads = p->signal->nr_threads;
	e->start_ns = p->start_boottime;
	e->state = get_task_state(p);
	submit_buf(ctx, e, sizeof(*e));
	return 0;
}

SEC("kprobe/do_exit")
int BPF_KPROBE(kprobe_do_exit, long code)
{
	struct task_struct *task = current_task();
	struct sys_event *e;
	__u32 tgid = 0;

	e = reserve_buf(sizeof(*e));
	if (!e)
		return 0;
	fill_hdr(&e->hdr, EV_EXIT);
	bpf_probe_read_kernel(&tgid, sizeof(tgid), _(&task->tgid));
	e->target = tgid;
	e->sig = READ_KERN(task->exit_signal);
	e->ret = code;
	e->ip = PT_REGS_IP(ctx);
	e->sp = PT_REGS_SP(ctx);
	e->args[0] = PT_REGS_PARM1(ctx);
	submit_buf(ctx, e, sizeof(*e));
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
