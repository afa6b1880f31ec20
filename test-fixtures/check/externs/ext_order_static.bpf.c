// SPDX-License-Identifier: MIT
/*
 * ext_order_static.bpf.c - which unsectioned extern libbpf's open names first (the first in the symbol table): a
 * static function called once (sched-ext's lat_cri.bpf.c `calc_virtual_deadline_delta`) is inlined where it is
 * called, so the function of another object it calls comes before the variable of another object the program reads
 * after it; a static function's own code comes where clang's module creates it, never after everything.
 */
#include "externs.bpf.h"

char LICENSE[] SEC("license") = "GPL";

extern __u64 corelens_order_clock;
int corelens_order_flag(__u64 flag);

__u64 out[2];

static __u64 order_factor(__u64 flag)
{
	if (corelens_order_flag(flag))
		return 2;
	return 1;
}

SEC("tp_btf/sched_process_exec")
int BPF_PROG(order_static, struct task_struct *p)
{
	__u64 w = order_factor(p->pid);

	out[0] = w;
	out[1] = corelens_order_clock;
	return 0;
}
