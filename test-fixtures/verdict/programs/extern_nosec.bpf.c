// SPDX-License-Identifier: MIT
/*
 * extern_nosec.bpf.c - a plain `extern` variable, defined by another object of a static link (retsnoop's
 * mass_attach.bpf.c reads `extern bool use_lbr`, defined in the object bpftool gen object links it with): clang
 * describes it with a BTF VAR that no DATASEC lists, and libbpf refuses to open this object on its own ("failed to
 * find BTF for extern 'shared_flag' [N] section: -2"), so no program loads on any kernel.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

extern int shared_flag;

__u64 out[8];

SEC("tc")
int tc_shared_flag(struct __sk_buff *ctx)
{
	if (shared_flag)
		out[0] = ctx->len;
	return 0;
}
