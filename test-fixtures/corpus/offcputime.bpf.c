// SPDX-License-Identifier: MIT
/*
 * offcputime.bpf.c - time spent blocked, per kernel and user stack
 * (libbpf-tools' offcputime).
 *   - kprobe/finish_task_switch via BPF_KPROBE: the previous task's state
 *     through get_task_state(), its pid and tgid, the stack of the next one;
 *   - kprobe/finish_task_switch without the macro: PT_REGS_PARM1(ctx) cast by
 *     hand, as older tools and BCC-converted code do;
 *   - tp_btf/sched_switch: the same with direct loads and READ_ONCE(prev->__state)
 *     behind a guard and the old flavor in the else branch.
 * Loads on every kernel.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "events.h"
#include "maps.bpf.h"
#include "task.bpf.h"

#define PERF_MAX_STACK_DEPTH 127
#define TASK_INTERRUPTIBLE 1
#define TASK_UNINTERRUPTIBLE 2
#define PF_KTHREAD 0x00200000

const volatile bool kernel_threads_only = false;
const volatile bool user_threads_only = false;
const volatile __u64 min_block_ns = 1;
const volatile __s64 state_filter = -1;

struct key_t {
	__u32 pid;
	__u32 tgid;
	__s32 user_stack_id;
	__s32 kern_stack_id;
};

struct start_t {
	__u64 ts;
	struct key_t key;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u32);
	__type(value, struct start_t);
} starts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_STACK_TRACE);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, PERF_MAX_STACK_DEPTH * sizeof(__u64));
	__uint(max_entries, 1024);
} stackmap SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, struct key_t);
	__type(value, __u64);
} offcpu SEC(".maps");

static __always_inline bool allow_record(struct task_struct *t, __s64 state)
{
	if (user_threads_only && (BPF_CORE_READ(t, flags) & PF_KTHREAD))
		return false;
	if (kernel_threads_only && !(BPF_CORE_READ(t, flags) & PF_KTHREAD))
		return false;
	if (state_filter != -1 && state != state_filter)
		return false;
	return true;
}

static __always_inline int record_switch(void *ctx, struct task_struct *prev, __s64 prev_state)
{
	struct start_t s = {};
	struct start_t *sp;
	__u64 *total, zero = 0, delta;
	__u32 pid;

	if (allow_record(prev, prev_state)) {
		s.key.pid = BPF_CORE_READ(prev, pid);
		s.key.tgid = BPF_CORE_READ(prev, tgid);
		s.ts = bpf_ktime_get_ns();
		s.key.kern_stack_id = bpf_get_stackid(ctx, &stackmap, 0);
		s.key.user_stack_id = bpf_get_stackid(ctx, &stackmap, BPF_F_USER_STACK);
		bpf_map_update_elem(&starts, &s.key.pid, &s, BPF_ANY);
	}
	pid = (__u32)bpf_get_current_pid_tgid();
	sp = bpf_map_lookup_elem(&starts, &pid);
	if (!sp)
		return 0;
	delta = bpf_ktime_get_ns() - sp->ts;
	if (delta >= min_block_ns) {
		total = lookup_or_init(&offcpu, &sp->key, &zero);
		if (total)
			__sync_fetch_and_add(total, delta / 1000);
	}
	bpf_map_delete_elem(&starts, &pid);
	return 0;
}

SEC("kprobe/finish_task_switch")
int BPF_KPROBE(oncpu, struct task_struct *prev)
{
	return record_switch(ctx, prev, get_task_state(prev));
}

SEC("kprobe/finish_task_switch")
int oncpu_raw(struct pt_regs *ctx)
{
	struct task_struct *prev = (struct task_struct *)PT_REGS_PARM1(ctx);

	return record_switch(ctx, prev, get_task_state(prev));
}

SEC("tp_btf/sched_switch")
int BPF_PROG(sched_switch_btf, bool preempt, struct task_struct *prev, struct task_struct *next)
{
	__s64 state;

	if (bpf_core_field_exists(prev->__state))
		state = READ_ONCE(prev->__state);
	else
		state = BPF_CORE_READ((struct task_struct___o *)prev, state);
	return record_switch(ctx, prev, state);
}

char LICENSE[] SEC("license") = "GPL";
