// SPDX-License-Identifier: MIT
/*
 * kfunc_undeclared.bpf.c - a kfunc called without a declaration (libbpf-rs's netfilter_blocklist built with a
 * vmlinux.h that declares no kfuncs): clang 14 takes it as an implicit `int f()` (a warning) and writes no BTF for
 * it, and libbpf refuses to open the object ("failed to find BTF for extern 'bpf_dynptr_from_skb': -2"), so no
 * program loads on any kernel, the one that never calls it included. Not the walk's `int` result read as a pointer.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

#pragma clang diagnostic ignored "-Wimplicit-function-declaration"
#pragma clang diagnostic ignored "-Wint-to-pointer-cast"

char LICENSE[] SEC("license") = "GPL";

__u64 out[8];

SEC("tc")
int tc_undeclared(struct __sk_buff *ctx)
{
	struct bpf_dynptr ptr;
	struct iphdr buf = {}, *ip;

	if (bpf_dynptr_from_skb(ctx, 0, &ptr))
		return 0;
	ip = (struct iphdr *)bpf_dynptr_slice(&ptr, 14, &buf, sizeof(buf));
	if (!ip)
		return 0;
	out[0] = ip->daddr;
	return 0;
}

SEC("tc")
int tc_plain(struct __sk_buff *ctx)
{
	out[1] = ctx->len;
	return 0;
}
