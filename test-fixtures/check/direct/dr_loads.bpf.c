// SPDX-License-Identifier: MIT
/* Loads through a plain number that are no plain `p->field` read: a pointer member indexed, a bitfield's storage
 * unit, and a field whose relocation is poisoned on older kernels (5.10 has `state`, not `__state`). */
#include "direct.bpf.h"

char LICENSE[] SEC("license") = "GPL";

/* `fdt->fd` is loaded (through the number), then indexed */
SEC("kprobe/do_nanosleep")
int kp_index_member(struct pt_regs *ctx)
{
	struct fdtable *fdt = (struct fdtable *)PT_REGS_PARM1(ctx);

	out = (__u64)fdt->fd[1];
	return 0;
}

/* the same through a helper */
SEC("kprobe/do_nanosleep")
int BPF_KPROBE(kp_index_helper, struct fdtable *fdt)
{
	out = first_file(fdt);
	return 0;
}

/* a bitfield read directly through a kprobe argument */
SEC("kprobe/wake_up_new_task")
int BPF_KPROBE(kp_bitfield, struct task_struct *p)
{
	out = p->in_execve;
	return 0;
}

/* the same through a helper taking void * */
SEC("kprobe/wake_up_new_task")
int BPF_KPROBE(kp_bitfield_helper, struct task_struct *p)
{
	out = execve_bit(p);
	return 0;
}

/* `__state` is missing on 5.10: poisoned there, a direct read through a number on every kernel */
SEC("kprobe/wake_up_new_task")
int BPF_KPROBE(kp_poisoned, struct task_struct *p)
{
	out = p->__state;
	return 0;
}

/* the same in a helper */
SEC("kprobe/wake_up_new_task")
int BPF_KPROBE(kp_poisoned_helper, struct task_struct *p)
{
	out = task_state(p);
	return 0;
}

/* typed pointers: everything loads */
SEC("tp_btf/sched_process_fork")
int BPF_PROG(tp_btf_loads, struct task_struct *parent, struct task_struct *child)
{
	out = child->in_execve + task_state(parent) + execve_bit(child);
	return 0;
}
