// SPDX-License-Identifier: MIT
/*
 * ext_proto.bpf.c - kfuncs declared as plain prototypes, without `extern` (sched-ext's common.bpf.h writes
 * `bool scx_bpf_test_and_clear_cpu_idle(s32 cpu) __ksym;`): a function prototype is extern anyway, and clang lists
 * it in .ksyms as it lists `extern ... __ksym`. libbpf then looks it up in the kernel (bpf_task_acquire: 6.1 on,
 * refused on 5.10 where it is strong), instead of refusing the object at open as a function no DATASEC lists.
 */
#include "externs.bpf.h"

char LICENSE[] SEC("license") = "GPL";

struct task_struct *bpf_task_acquire(struct task_struct *p) __ksym;
void bpf_task_release(struct task_struct *p) __ksym;
/* weak, no kernel has it, its address tested first (what bpf_ksym_exists does): never called where it is missing */
int corelens_proto_maybe(struct task_struct *p) __ksym __weak;

__u64 out[2];

SEC("tp_btf/sched_process_exec")
int BPF_PROG(proto_kfuncs, struct task_struct *p)
{
	struct task_struct *t = bpf_task_acquire(p);

	if (!t)
		return 0;
	out[0] = t->tgid;
	if (&corelens_proto_maybe)
		out[1] = corelens_proto_maybe(t);
	bpf_task_release(t);
	return 0;
}
