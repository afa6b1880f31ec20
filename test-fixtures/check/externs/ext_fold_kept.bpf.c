// SPDX-License-Identifier: MIT
/*
 * ext_fold_kept.bpf.c - ext_fold.bpf.c's helper with its answer used (stored, from a real pointer): clang keeps the
 * comparison, so it emits the strong extern no kernel has, and libbpf refuses the object on every kernel.
 */
#include "externs.bpf.h"

char LICENSE[] SEC("license") = "GPL";

__u64 out[8];

extern const struct net corelens_init_net __ksym;

static __always_inline long netns_id(struct net *net)
{
	if (net == &corelens_init_net)
		return 0;
	return -1;
}

SEC("kprobe/ext_fold_kept")
int BPF_KPROBE(fold_kept, struct net *net)
{
	out[0] = netns_id(net);
	return 0;
}

SEC("kprobe/ext_fold_kept_bystander")
int fold_kept_bystander(struct pt_regs *ctx)
{
	out[1] = bpf_get_current_pid_tgid();
	return 0;
}
