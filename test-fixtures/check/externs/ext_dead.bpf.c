// SPDX-License-Identifier: MIT
/*
 * ext_dead.bpf.c - externs no kernel has, named only where clang keeps no code: unused, under `if (0)`, after a
 * return, in a static function nothing calls, inside sizeof, behind `0 &&`. clang emits none of them, so libbpf
 * never looks them up; the one live strong kfunc (bpf_task_acquire, 6.2 on) alone decides: the object fails on the
 * kernels without it, for that kfunc (which sorts after corelens_*: a wrongly emitted one would be named first).
 */
#include "externs.bpf.h"

char LICENSE[] SEC("license") = "GPL";

__u64 out[8];

extern const int corelens_unused __ksym;
extern const int corelens_if0 __ksym;
extern const void corelens_after_return __ksym;
extern const int corelens_uncalled __ksym;
extern const int corelens_sizeof __ksym;
extern const int corelens_and0 __ksym;
extern int corelens_dead_kfunc(int x) __ksym;
extern bool CONFIG_CORELENS_DEAD_OPTION __kconfig;
extern struct task_struct *bpf_task_acquire(struct task_struct *p) __ksym;
extern void bpf_task_release(struct task_struct *p) __ksym;

static __noinline int uncalled(void)
{
	return *(const int *)bpf_this_cpu_ptr(&corelens_uncalled) + corelens_dead_kfunc(1);
}

SEC("tp_btf/sched_process_fork")
int BPF_PROG(dead_one, struct task_struct *parent, struct task_struct *child)
{
	struct task_struct *t;

	if (0)
		out[0] = *(const int *)bpf_this_cpu_ptr(&corelens_if0);
	out[1] = sizeof(corelens_sizeof);
	if (0 && *(const int *)bpf_this_cpu_ptr(&corelens_and0))
		out[2] = 1;
	t = bpf_task_acquire(child);
	if (t)
		bpf_task_release(t);
	return 0;
	out[3] = (__u64)&corelens_after_return + CONFIG_CORELENS_DEAD_OPTION;
}

SEC("kprobe/ext_dead_bystander")
int dead_bystander(struct pt_regs *ctx)
{
	out[4] = bpf_get_current_pid_tgid();
	return 0;
}
