// SPDX-License-Identifier: MIT
/*
 * ksym_kfunc_incompat.bpf.c - a kfunc declared with the wrong prototype: the kernel's bpf_task_from_pid takes one
 * argument (6.2 on), this object says two. libbpf 1.1 finds the FUNC in the kernel's BTF, compares the prototypes
 * (bpf_core_types_are_compat: the argument counts differ) and refuses the whole object (`func_proto ... incompatible
 * with kernel`, -EINVAL); where the kernel has no such kfunc, the strong extern is "not found" (-EINVAL too).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

__u64 out[2];

extern struct task_struct *bpf_task_from_pid(s32 pid, int extra) __ksym;
extern void bpf_task_release(struct task_struct *p) __ksym;

SEC("tp_btf/task_newtask")
int BPF_PROG(ksym_kfunc_incompat_use, struct task_struct *task, u64 clone_flags)
{
	struct task_struct *t = bpf_task_from_pid(1, 0);

	if (t) {
		out[0] = 1;
		bpf_task_release(t);
	}
	return 0;
}

SEC("kprobe/ksym_kfunc_incompat_bystander")
int ksym_kfunc_incompat_bystander(struct pt_regs *ctx)
{
	out[1] = bpf_get_current_pid_tgid();
	return 0;
}
