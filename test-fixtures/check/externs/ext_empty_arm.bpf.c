// SPDX-License-Identifier: MIT
/*
 * ext_empty_arm.bpf.c - an extern named only in the condition of an `if` whose arm does nothing (bpfcontain-rs'
 * `if (!under_init_nsproxy()) { }`, a TODO, the helper comparing the task's nsproxy with a __ksym's address): the
 * condition decides nothing, so LLVM drops the comparison and the extern with it; the helper's probe read stays. The
 * object names no such symbol and libbpf opens it on every kernel.
 */
#include "externs.bpf.h"

char LICENSE[] SEC("license") = "GPL";

extern const struct nsproxy corelens_init_nsproxy __ksym;

__u64 arm_out[2];

static __always_inline int under_init_nsproxy(void)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	return (long)&corelens_init_nsproxy == (long)BPF_CORE_READ(task, nsproxy);
}

SEC("kprobe/do_nanosleep")
int kp_empty_arm(struct pt_regs *ctx)
{
	arm_out[0] = PT_REGS_PARM1(ctx);
	if (!under_init_nsproxy()) {
		/* nothing done here yet */
	}
	arm_out[1] = bpf_get_current_pid_tgid();
	return 0;
}
