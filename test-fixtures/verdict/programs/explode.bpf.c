// SPDX-License-Identifier: MIT
/*
 * explode.bpf.c - programs whose states explode when every number is kept apart (explode.bpf.h: 26 optional
 * parts, 2^25 branches), then a CO-RE read guarded or not. The kernel loads the guarded ones and fails the unguarded one at its
 * poisoned read where the field is missing (task_struct::state: before 5.14 only), after the parts on every path.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include "explode.bpf.h"

char LICENSE[] SEC("license") = "GPL";

__u64 out[4];

/* before 5.14 */
struct task_struct___o {
	long state;
} __attribute__((preserve_access_index));

SEC("kprobe/do_nanosleep")
int explode_guarded(void *ctx)
{
	struct task_struct *t = (struct task_struct *)bpf_get_current_task();
	__u64 pos = 0;

	SKIP_PARTS(pos);
	out[0] = read_at((__u64)t, pos);
	if (bpf_core_field_exists(t->__state))
		out[1] = BPF_CORE_READ(t, __state);
	else
		out[1] = BPF_CORE_READ((struct task_struct___o *)t, state);
	return 0;
}

SEC("kprobe/do_nanosleep")
int explode_unguarded(void *ctx)
{
	struct task_struct *t = (struct task_struct *)bpf_get_current_task();
	__u64 pos = 0;

	SKIP_PARTS(pos);
	out[2] = read_at((__u64)t, pos);
	out[3] = BPF_CORE_READ((struct task_struct___o *)t, state);
	return 0;
}

/* The same parts, no CO-RE read after them: loads everywhere. */
SEC("kprobe/do_nanosleep")
int explode_plain(void *ctx)
{
	__u64 pos = 0;

	SKIP_PARTS(pos);
	out[0] = read_at(bpf_get_current_task(), pos);
	return 0;
}

/*
 * A number that does decide something after the parts: whether the unguarded read runs. The two paths into the
 * parts differ only in it, so it must keep them apart through every join (one program per polarity: whichever path
 * a walk takes first, the read is on the other one in one of them).
 */
SEC("kprobe/do_nanosleep")
int explode_flag_set(void *ctx)
{
	struct task_struct *t = (struct task_struct *)bpf_get_current_task();
	__u64 pos = 0, sel = 0;

	if (part_present()) {
		sel = 2;
		out[3] = 1; /* a store: keeps the branch a branch (no select) */
	}
	SKIP_PARTS(pos);
	out[0] = read_at((__u64)t, pos);
	if ((sel + 1) & 2)
		out[1] = BPF_CORE_READ((struct task_struct___o *)t, state);
	return 0;
}

SEC("kprobe/do_nanosleep")
int explode_flag_clear(void *ctx)
{
	struct task_struct *t = (struct task_struct *)bpf_get_current_task();
	__u64 pos = 0, sel = 0, moved;

	if (part_present()) {
		sel = 2;
		out[3] = 1; /* a store: keeps the branch a branch (no select) */
	}
	/* a copy the compiler cannot fold away: the decision follows the number through a register move */
	asm volatile("%0 = %1" : "=r"(moved) : "r"(sel));
	SKIP_PARTS(pos);
	out[0] = read_at((__u64)t, pos);
	if (!((moved + 1) & 2))
		out[1] = BPF_CORE_READ((struct task_struct___o *)t, state);
	return 0;
}
