// SPDX-License-Identifier: MIT
/* A record without preserve_access_index read through a kprobe argument fetched with PT_REGS_PARM2_CORE (a number):
 * no relocation, and the verifier refuses the load ("invalid mem access 'scalar'"). */
#include "app_stats.bpf.h"

char LICENSE[] SEC("license") = "GPL";

SEC("kprobe/do_sys_openat2")
int BPF_KPROBE(pr_kprobe, int dfd)
{
	long base = PT_REGS_PARM2_CORE(ctx);

	out = ((struct app_stats *)base)->count;
	return 0;
}
