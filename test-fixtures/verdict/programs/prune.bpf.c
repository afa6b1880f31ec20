// SPDX-License-Identifier: MIT
/*
 * prune.bpf.c - programs whose states explode under equality pruning (prune.bpf.h: 24 optional parts folded into a
 * checksum out of line), and what decides them: the kernel's pruning by inclusion with precision on demand. The
 * checksum is only stored: no state needs its value (loads where the CO-RE read after it is guarded, fails at the
 * poisoned read where it is not). A selector set before the parts is decided on after them, directly or as an offset
 * into a frozen table: its value is precise, the kernel keeps its values apart through every join and fails on the
 * one path that takes the unguarded read (task_struct::state: before 5.14 only).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include "prune.bpf.h"

char LICENSE[] SEC("license") = "GPL";

__u64 out[4];

/*
 * Which selector value takes the unguarded read in prune_offset: only 0, the path a depth-first walk takes last
 * (the fall-through of each coin, walked first, picks every flag).
 */
const volatile __u32 table[4] = { 1, 0, 0, 0 };

/* before 5.14 */
struct task_struct___o {
	long state;
} __attribute__((preserve_access_index));

SEC("kprobe/do_nanosleep")
int prune_guarded(void *ctx)
{
	struct task_struct *t = (struct task_struct *)bpf_get_current_task();
	__u64 sum = 0;

	MIX_PARTS(sum);
	out[0] = sum;
	if (bpf_core_field_exists(t->__state))
		out[1] = BPF_CORE_READ(t, __state);
	else
		out[1] = BPF_CORE_READ((struct task_struct___o *)t, state);
	return 0;
}

SEC("kprobe/do_nanosleep")
int prune_unguarded(void *ctx)
{
	struct task_struct *t = (struct task_struct *)bpf_get_current_task();
	__u64 sum = 0;

	MIX_PARTS(sum);
	out[0] = sum;
	out[1] = BPF_CORE_READ((struct task_struct___o *)t, state);
	return 0;
}

/* The selector decides the read directly: a branch on it after the parts (0: no flag picked, the last path). */
SEC("kprobe/do_nanosleep")
int prune_branch(void *ctx)
{
	struct task_struct *t = (struct task_struct *)bpf_get_current_task();
	__u64 sum = 0, sel = 0;

	if (coin())
		sel = pick(sel, 1);
	if (coin())
		sel = pick(sel, 4);
	MIX_PARTS(sum);
	out[0] = sum;
	if (sel == 0)
		out[1] = BPF_CORE_READ((struct task_struct___o *)t, state);
	return 0;
}

/* The selector is an offset into a frozen table whose entry decides the read. */
SEC("kprobe/do_nanosleep")
int prune_offset(void *ctx)
{
	struct task_struct *t = (struct task_struct *)bpf_get_current_task();
	__u64 sum = 0, sel = 0;

	if (coin())
		sel = pick(sel, 1);
	if (coin())
		sel = pick(sel, 2);
	MIX_PARTS(sum);
	out[0] = sum;
	if (table[sel & 3])
		out[1] = BPF_CORE_READ((struct task_struct___o *)t, state);
	return 0;
}

/* The same parts and no CO-RE read after them, the selector only stored: loads everywhere. */
SEC("kprobe/do_nanosleep")
int prune_plain(void *ctx)
{
	__u64 sum = 0, sel = 0;

	if (coin())
		sel = pick(sel, 1);
	MIX_PARTS(sum);
	out[0] = sum;
	out[2] = sel;
	return 0;
}
