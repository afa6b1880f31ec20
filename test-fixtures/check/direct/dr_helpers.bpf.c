// SPDX-License-Identifier: MIT
/* Direct reads in inline helpers: refused where the caller passes a plain number, loaded where it passes a typed
 * pointer. Compared with the object's verdict walk by server/test/check/direct-reads.test.ts. */
#include "direct.bpf.h"

char LICENSE[] SEC("license") = "GPL";

/* a kprobe argument is a plain number (read from pt_regs): refused in the helper */
SEC("kprobe/wake_up_new_task")
int BPF_KPROBE(kp_arg_helper, struct task_struct *p)
{
	out = read_pid(p);
	return 0;
}

/* through two helpers */
SEC("kprobe/wake_up_new_task")
int BPF_KPROBE(kp_arg_two_levels, struct task_struct *p)
{
	out = read_tgid_via(p);
	return 0;
}

/* bpf_get_current_task()'s result is a number */
SEC("kprobe/do_nanosleep")
int kp_current_helper(struct pt_regs *ctx)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();

	out = read_pid(task);
	return 0;
}

/* a number read from the context in a uprobe */
SEC("uprobe")
int up_regs_helper(struct pt_regs *ctx)
{
	out = read_pid((void *)PT_REGS_PARM1(ctx));
	return 0;
}

/* the BTF-typed task: the same helper loads */
SEC("kprobe/do_nanosleep")
int kp_btf_task_helper(struct pt_regs *ctx)
{
	out = read_pid(bpf_get_current_task_btf());
	return 0;
}

/* a tp_btf argument is typed: the helpers load */
SEC("tp_btf/sched_process_fork")
int BPF_PROG(tp_btf_helper, struct task_struct *parent, struct task_struct *child)
{
	out = read_tgid_via(child) + read_pid(parent);
	return 0;
}
