/* SPDX-License-Identifier: MIT */
/*
 * live_weak.bpf.h - a header with non-static definitions, in the shape of
 * libbpf's usdt.bpf.h: `__weak __hidden` functions are emitted by clang as
 * .text subprograms whether or not a program calls them (one copy of their
 * relocations each), while its static __always_inline helper is inlined
 * into each of them.
 */
#ifndef LIVE_WEAK_BPF_H
#define LIVE_WEAK_BPF_H

#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

static __always_inline int weak_tgid_of(struct task_struct *t)
{
	return BPF_CORE_READ(t, tgid);
}

/* called by no program: still in the object */
__weak __hidden int weak_parent_tgid(struct task_struct *t)
{
	return weak_tgid_of(BPF_CORE_READ(t, real_parent));
}

/* called by a program: one BPF-to-BPF call, its relocations once in .text */
__weak __hidden long weak_exit_code(struct task_struct *t)
{
	return BPF_CORE_READ(t, exit_code) + weak_tgid_of(t);
}

/* a path walk clang unrolls fully: every read once per iteration */
static __always_inline int weak_depth(struct dentry *d)
{
	int n = 0;

#pragma unroll
	for (int i = 0; i < 4; i++) {
		struct dentry *up = BPF_CORE_READ(d, d_parent);

		if (up == d)
			break;
		n += BPF_CORE_READ(d, d_name.len);
		d = up;
	}
	return n;
}

#endif
