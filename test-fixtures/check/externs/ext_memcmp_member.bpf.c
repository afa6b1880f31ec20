// SPDX-License-Identifier: MIT
/*
 * ext_memcmp_member.bpf.c - a __builtin_memcmp sized by `sizeof` of a member reached from the helper's parameter
 * (inspektor-gadget's is_ipv6_zero: `__builtin_memcmp(&e->addr.v6, &zero6, sizeof(e->addr.v6)) == 0`): 16 bytes
 * against a global, a call clang 14 keeps, so libbpf's open refuses the object on every kernel. The same compare of a
 * 4-byte member folds into loads (size 4 compared with zero) and is no call.
 */
#include "externs.bpf.h"

char LICENSE[] SEC("license") = "GPL";

struct endpoint {
	union {
		__u8 v6[16];
		__u32 v4;
	} addr;
	__u16 port;
};

__u8 zero6[16] = {};
__u32 zero4;
__u64 out[2];

static __always_inline bool is_zero6(struct endpoint *e)
{
	return __builtin_memcmp(&e->addr.v6, &zero6, sizeof(e->addr.v6)) == 0;
}

static __always_inline bool is_zero4(struct endpoint *e)
{
	return __builtin_memcmp(&e->addr.v4, &zero4, sizeof(e->addr.v4)) == 0;
}

SEC("kprobe/do_nanosleep")
int kp_member_size(struct pt_regs *ctx)
{
	struct endpoint e = {};

	bpf_probe_read_kernel(&e, sizeof(e), (void *)PT_REGS_PARM1(ctx));
	out[0] = is_zero6(&e);
	out[1] = is_zero4(&e);
	return 0;
}
