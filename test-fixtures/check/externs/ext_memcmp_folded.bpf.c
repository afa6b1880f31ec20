// SPDX-License-Identifier: MIT
/*
 * ext_memcmp_folded.bpf.c - every memcmp here is folded by clang 14 (sizes 1, 2 and 4 compared with zero, one pointer
 * against itself, a result nobody reads, a call in dead code): no `memcmp` symbol, the object opens and loads.
 */
#include "externs.bpf.h"

char LICENSE[] SEC("license") = "GPL";

__u64 out[4];

SEC("kprobe/do_nanosleep")
int kp_memcmp_folded(void *ctx)
{
	char a[16], b[16];

	bpf_get_current_comm(a, sizeof(a));
	bpf_get_current_comm(b, sizeof(b));
	out[0] = __builtin_memcmp(a, b, 1) + (__builtin_memcmp(a, b, 2) == 0) + !__builtin_memcmp(a + 1, b, 4);
	out[1] = __builtin_memcmp(a, a, 12);
	__builtin_memcmp(a, b, 6);
	if (0)
		out[2] = __builtin_memcmp(a, b, 8);
	return 0;
}
