// SPDX-License-Identifier: MIT
/*
 * ext_fold.bpf.c - an extern whose only use LLVM folds away (bpftune's get_netns_cookie): a helper compares its
 * argument with a strong extern's address, which is never null. One program passes NULL (the comparison is false at
 * compile time), another ignores what the helper returns (`if (x) return 0; return 0;` decides nothing), a third
 * computes it and throws it away: clang emits the extern for none of them, so no kernel lacking it refuses the
 * object. The program that does use the helper's answer (in ext_fold_kept) keeps it.
 */
#include "externs.bpf.h"

char LICENSE[] SEC("license") = "GPL";

__u64 out[8];
__u64 fallback_net;

extern const struct net corelens_init_net __ksym;

static __always_inline long netns_id(struct net *net)
{
	if (bpf_core_field_exists(net->net_cookie))
		return BPF_CORE_READ(net, net_cookie);
	if (net == &corelens_init_net)
		return 0;
	if (net == (void *)fallback_net)
		return 0;
	return -1;
}

static __always_inline long report(struct net *net, int what)
{
	long id = netns_id(net);

	if (id < 0)
		return id;
	out[what] = id;
	return 0;
}

SEC("kprobe/ext_fold_null")
int fold_null(struct pt_regs *ctx)
{
	report(NULL, 0);
	return 0;
}

SEC("kprobe/ext_fold_ignored")
int BPF_KPROBE(fold_ignored, struct net *net)
{
	if (netns_id(net))
		return 0;
	return 0;
}

SEC("kprobe/ext_fold_discarded")
int BPF_KPROBE(fold_discarded, struct net *net)
{
	netns_id(net);
	out[1] = bpf_get_current_pid_tgid();
	return 0;
}
