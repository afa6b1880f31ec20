// SPDX-License-Identifier: MIT
/*
 * live_guards.bpf.c - guards that are boolean combinations of CO-RE checks,
 * shaped after inspektor-gadget's gadget_get_ctime_nanosec_from_inode: the
 * inode's ctime moved from i_ctime (< 6.6) to __i_ctime (6.6 - 6.10) to
 * i_ctime_sec/i_ctime_nsec (6.11 and newer). Each read below is dead exactly
 * where its condition is false; the object path (load verdicts) and the live
 * path must report the same failures on every kernel:
 *   - if (A && B) ... else if (C) ... else ...  (the final else: (!A || !B) && !C)
 *   - early return on A && B, and on !(A && B)
 *   - a ternary on A && B
 *   - A || B guarding a read that fails where the disjunction still holds
 *   - !A || !B guarding a read that fails where it holds (an error kept)
 *   - bool helpers returning A && B, and an int helper with several returns
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

struct inode___new {
	time64_t i_ctime_sec;
	u32 i_ctime_nsec;
} __attribute__((preserve_access_index));

struct inode___mid {
	struct timespec64 __i_ctime;
} __attribute__((preserve_access_index));

struct task_struct___old {
	long state;
} __attribute__((preserve_access_index));

struct task_struct___new {
	unsigned int __state;
} __attribute__((preserve_access_index));

__u64 out[16];

#define HAS_NEW_SEC bpf_core_field_exists(struct inode___new, i_ctime_sec)
#define HAS_NEW_NSEC bpf_core_field_exists(struct inode___new, i_ctime_nsec)
#define HAS_MID bpf_core_field_exists(struct inode___mid, __i_ctime)

/* if (A && B) ... else if (C) ... else ...: the last branch runs on < 6.6 only */
static __always_inline __u64 ctime_chain(struct inode *ino)
{
	if (HAS_NEW_SEC && HAS_NEW_NSEC)
		return BPF_CORE_READ((struct inode___new *)ino, i_ctime_nsec);
	else if (HAS_MID)
		return BPF_CORE_READ((struct inode___mid *)ino, __i_ctime.tv_nsec);
	else
		return BPF_CORE_READ(ino, i_ctime.tv_nsec);
}

/* early return on the conjunction: what follows runs where it is false */
static __always_inline __u64 ctime_early(struct inode *ino)
{
	if (bpf_core_field_exists(struct inode___new, i_ctime_sec) && bpf_core_field_exists(struct inode___new, i_ctime_nsec))
		return 1;
	return BPF_CORE_READ(ino, i_ctime.tv_sec);
}

/* early return on its negation: what follows runs where both hold */
static __always_inline __u64 ctime_early_not(struct inode *ino)
{
	if (!(HAS_NEW_SEC && HAS_NEW_NSEC))
		return 0;
	return BPF_CORE_READ((struct inode___new *)ino, i_ctime_sec);
}

static __always_inline bool has_new_ctime(void)
{
	return HAS_NEW_SEC && HAS_NEW_NSEC;
}

/* 2: new layout, 1: 6.6 layout, 0: the old one */

static __always_inline int ctime_kind(void)
{
	if (HAS_NEW_SEC)
		return 2;
	if (HAS_MID)
		return 1;
	return 0;
}

SEC("raw_tp/guards_inode")
int guards_inode(__u64 *ctx)
{
	struct inode *ino = (struct inode *)ctx[0];

	out[0] = ctime_chain(ino);
	out[1] = ctime_early(ino);
	out[2] = ctime_early_not(ino);
	/* a ternary on the conjunction */
	out[3] = (HAS_NEW_SEC && HAS_NEW_NSEC) ? 0 : BPF_CORE_READ(ino, i_ctime.tv_nsec);
	/* a bool helper, negated */
	if (!has_new_ctime())
		out[4] = BPF_CORE_READ(ino, i_ctime.tv_sec);
	/* an int helper whose zero result comes from one return only */
	if (ctime_kind() == 0)
		out[5] = BPF_CORE_READ(ino, i_ctime.tv_nsec);
	/* !A || !B guarding a read of what only the new layout has: fails on < 6.11 (reported by both paths) */
	if (!HAS_NEW_SEC || !HAS_NEW_NSEC)
		out[6] = BPF_CORE_READ((struct inode___new *)ino, i_ctime_nsec);
	return 0;
}

SEC("raw_tp/guards_task")
int guards_task(__u64 *ctx)
{
	struct task_struct *t = (struct task_struct *)ctx[0];

	/* A || B holds everywhere: reading the old field under it fails on 5.14 and newer (reported) */
	if (bpf_core_field_exists(struct task_struct___old, state) || bpf_core_field_exists(struct task_struct___new, __state))
		out[8] = BPF_CORE_READ((struct task_struct___old *)t, state);
	else
		out[9] = BPF_CORE_READ((struct task_struct___new *)t, __state); /* dead everywhere */
	/* nested: the inner else runs where the old field is missing and the new one too (nowhere) */
	if (!bpf_core_field_exists(struct task_struct___old, state)) {
		if (bpf_core_field_exists(struct task_struct___new, __state))
			out[10] = BPF_CORE_READ((struct task_struct___new *)t, __state);
		else
			out[11] = BPF_CORE_READ((struct task_struct___old *)t, state);
	}
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
