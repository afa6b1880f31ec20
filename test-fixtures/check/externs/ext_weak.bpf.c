// SPDX-License-Identifier: MIT
/*
 * ext_weak.bpf.c - weak externs never fail a load for being absent (libbpf makes them zero): a weak kfunc the code
 * tests before calling, a weak typed variable no kernel has, a weak untyped symbol. A weak typed one the kernel has
 * with another type is refused all the same (libbpf 1.1's type check): process_counts is an unsigned long per CPU
 * from 6.1 on, declared here as a struct.
 */
#include "externs.bpf.h"

char LICENSE[] SEC("license") = "GPL";

__u64 out[8];

extern struct task_struct *bpf_task_acquire(struct task_struct *p) __ksym __weak;
extern void bpf_task_release(struct task_struct *p) __ksym __weak;
extern const int corelens_weak_var __ksym __weak;
extern const void corelens_weak_addr __ksym __weak;

struct corelens_not_a_long {
	int lo;
	int hi;
};

extern const struct corelens_not_a_long process_counts __ksym __weak;

SEC("tp_btf/sched_process_fork")
int BPF_PROG(weak_kfunc, struct task_struct *parent, struct task_struct *child)
{
	struct task_struct *t;

	if (!bpf_task_acquire)
		return 0;
	t = bpf_task_acquire(child);
	if (t)
		bpf_task_release(t);
	return 0;
}

SEC("kprobe/ext_weak_vars")
int weak_vars(struct pt_regs *ctx)
{
	if (&corelens_weak_var)
		out[0] = *(const int *)bpf_this_cpu_ptr(&corelens_weak_var);
	out[1] = (__u64)&corelens_weak_addr;
	out[2] = (__u64)&process_counts;
	return 0;
}
