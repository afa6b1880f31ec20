// SPDX-License-Identifier: MIT
/*
 * ext_shadow.bpf.c - a local named as an extern (falco's creat.bpf.c: `uint16_t creat_flags` under
 * ppm_events_public.h's `extern const struct ppm_name_value creat_flags[]`, a table only userspace defines): the local
 * shadows the extern, which nothing references, so the object names no such symbol and libbpf opens it.
 */
#include "externs.bpf.h"

char LICENSE[] SEC("license") = "GPL";

struct corelens_name_value { const char *name; __u32 value; };
extern const struct corelens_name_value corelens_flag_names[];

__u64 shadow_out[2];

static __always_inline __u16 flags_of(long ret, __u16 corelens_flag_names)
{
	/* a parameter of the extern's name shadows it too */
	return ret > 0 ? corelens_flag_names | 1 : corelens_flag_names;
}

SEC("kprobe/do_nanosleep")
int kp_shadow(struct pt_regs *ctx)
{
	long ret = PT_REGS_PARM1(ctx);
	__u16 corelens_flag_names = 0;

	if (ret > 4)
		corelens_flag_names |= 2;
	shadow_out[0] = corelens_flag_names;
	shadow_out[1] = flags_of(ret, corelens_flag_names);
	return 0;
}
