// SPDX-License-Identifier: MIT
/*
 * stack.bpf.c - programs whose stack slots explode a walk that compares every slot at a join (stack.bpf.h: 24
 * optional parts, each parking a pointer in its own slot), and what decides them: the kernel compares only slots read
 * below a state before being written whole. Dead after the parts: loads where the CO-RE read after them is guarded,
 * fails at the poisoned read where it is not (task_struct::state: before 5.14 only). Rewritten whole before being
 * read: the write screens the read off the joins. One slot read after the parts: it decides the unguarded read, its
 * kinds (pointer or the number 0) stay apart through every join, the others are still dead.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include "stack.bpf.h"

char LICENSE[] SEC("license") = "GPL";

__u64 out[4];

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} values SEC(".maps");

/* before 5.14 */
struct task_struct___o {
	long state;
} __attribute__((preserve_access_index));

SEC("kprobe/do_nanosleep")
int stack_dead_guarded(void *ctx)
{
	struct task_struct *t = (struct task_struct *)bpf_get_current_task();
	void *volatile slots[NPARTS];

	PARTS(slots, ctx);
	if (bpf_core_field_exists(t->__state))
		out[1] = BPF_CORE_READ(t, __state);
	else
		out[1] = BPF_CORE_READ((struct task_struct___o *)t, state);
	return 0;
}

SEC("kprobe/do_nanosleep")
int stack_dead_unguarded(void *ctx)
{
	struct task_struct *t = (struct task_struct *)bpf_get_current_task();
	void *volatile slots[NPARTS];

	PARTS(slots, ctx);
	out[1] = BPF_CORE_READ((struct task_struct___o *)t, state);
	return 0;
}

/* Every slot rewritten whole with a number, then read: the reads depend on the rewrite, not on the parts. */
SEC("kprobe/do_nanosleep")
int stack_rewritten(void *ctx)
{
	struct task_struct *t = (struct task_struct *)bpf_get_current_task();
	void *volatile slots[NPARTS];
	__u64 sum = 0;
	int k;

	PARTS(slots, ctx);
#pragma unroll
	for (k = 0; k < NPARTS; k++)
		slots[k] = (void *)(long)k;
#pragma unroll
	for (k = 0; k < NPARTS; k++)
		sum += (long)slots[k];
	out[0] = sum;
	out[1] = BPF_CORE_READ((struct task_struct___o *)t, state);
	return 0;
}

/*
 * Slot 5 is read after the parts: a map value (never NULL) where its part ran, the number 0 where it did not, and
 * only 0 takes the unguarded read. A walk that took slot 5 for dead would prune the path without part 5 (walked
 * after the one with it) and say it loads.
 */
SEC("kprobe/do_nanosleep")
int stack_live(void *ctx)
{
	struct task_struct *t = (struct task_struct *)bpf_get_current_task();
	void *volatile slots[NPARTS];
	__u32 zero = 0;
	void *v;
	int k;

	v = bpf_map_lookup_elem(&values, &zero);
	if (!v)
		return 0;
#pragma unroll
	for (k = 0; k < NPARTS; k++)
		slots[k] = 0;
	PARTS(slots, v);
	if (!slots[5])
		out[1] = BPF_CORE_READ((struct task_struct___o *)t, state);
	return 0;
}

/* The same with the guard: loads everywhere. */
SEC("kprobe/do_nanosleep")
int stack_live_guarded(void *ctx)
{
	struct task_struct *t = (struct task_struct *)bpf_get_current_task();
	void *volatile slots[NPARTS];
	__u32 zero = 0;
	void *v;
	int k;

	v = bpf_map_lookup_elem(&values, &zero);
	if (!v)
		return 0;
#pragma unroll
	for (k = 0; k < NPARTS; k++)
		slots[k] = 0;
	PARTS(slots, v);
	if (!slots[5] && bpf_core_field_exists(((struct task_struct___o *)t)->state))
		out[1] = BPF_CORE_READ((struct task_struct___o *)t, state);
	return 0;
}
