// SPDX-License-Identifier: MIT
/*
 * ext_memcmp_plain.bpf.c - `memcmp` called undeclared: clang's builtin declaration gets a BTF FUNC, in no DATASEC,
 * so libbpf's open refuses the object for it ("failed to find BTF for extern 'memcmp' section") on every kernel.
 */
#include "externs.bpf.h"

#pragma clang diagnostic ignored "-Wimplicit-function-declaration"

char LICENSE[] SEC("license") = "GPL";

__u64 out[2];

SEC("kprobe/do_nanosleep")
int kp_memcmp_plain(void *ctx)
{
	char a[16], b[16];

	bpf_get_current_comm(a, sizeof(a));
	bpf_get_current_comm(b, sizeof(b));
	out[0] = memcmp(a, b, 6) < 0;
	return 0;
}
