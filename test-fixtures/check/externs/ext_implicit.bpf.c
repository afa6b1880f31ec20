// SPDX-License-Identifier: MIT
/*
 * ext_implicit.bpf.c - a kfunc called with no declaration at all (libbpf-rs's netfilter_blocklist and stream.bpf.c,
 * built with a vmlinux.h that declares no kfuncs): clang 14 takes an implicit `int f()` (a warning) and writes an
 * undefined symbol with no BTF, so libbpf's open refuses the object on every kernel, the program that never calls it
 * included. A library function called undeclared (memset) is clang's builtin, lowered inline: no symbol; a function
 * pointer called through a local is no symbol either.
 */
#include "externs.bpf.h"

#pragma clang diagnostic ignored "-Wimplicit-function-declaration"
#pragma clang diagnostic ignored "-Wint-to-pointer-cast"

char LICENSE[] SEC("license") = "GPL";

__u64 out[8];

static long corelens_add(long a, long b)
{
	return a + b;
}

SEC("tc")
int tc_implicit(struct __sk_buff *ctx)
{
	struct bpf_dynptr ptr;
	long (*fn)(long, long) = corelens_add;

	if (bpf_dynptr_from_skb(ctx, 0, &ptr))
		return 0;
	memset(&out[2], 0, 2 * sizeof(out[2]));
	out[0] = fn(ctx->len, 1);
	return 0;
}

SEC("tc")
int tc_plain(struct __sk_buff *ctx)
{
	out[1] = ctx->len;
	return 0;
}
