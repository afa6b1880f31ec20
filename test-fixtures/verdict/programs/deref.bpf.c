// SPDX-License-Identifier: MIT
/*
 * deref.bpf.c - the classic load failure that is not about CO-RE: reading kernel memory directly through a
 * pointer the verifier sees as a plain number. In kprobe, uprobe and tracepoint programs every kernel pointer is a
 * number (bpf_get_current_task() returns one, pt_regs holds them): `task->field` is rejected with
 * `R1 invalid mem access 'scalar'` and must be BPF_CORE_READ(). BTF-typed programs (tp_btf, fentry, iter, lsm) get
 * typed pointers and may read directly. The same for bitfields: BPF_CORE_READ_BITFIELD reads directly (tp_btf only),
 * BPF_CORE_READ_BITFIELD_PROBED through bpf_probe_read_kernel (anywhere).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

__u64 out[8];

SEC("kprobe/deref_direct")
int deref_direct(struct pt_regs *ctx)
{
	struct task_struct *t = (struct task_struct *)bpf_get_current_task();

	out[0] = t->pid;
	return 0;
}

SEC("kprobe/deref_core_read")
int deref_core_read(struct pt_regs *ctx)
{
	struct task_struct *t = (struct task_struct *)bpf_get_current_task();

	out[0] = BPF_CORE_READ(t, pid);
	return 0;
}

/* The pointer came through BPF_CORE_READ (a number on the stack): the second hop is direct, so rejected. */
SEC("kprobe/deref_second_hop")
int BPF_KPROBE(deref_second_hop, struct file *file)
{
	struct inode *inode = BPF_CORE_READ(file, f_inode);

	out[0] = inode->i_ino;
	return 0;
}

/* Only reached when a flag is set: still rejected (the verifier walks both branches). */
SEC("kprobe/deref_one_path")
int deref_one_path(struct pt_regs *ctx)
{
	struct task_struct *t = (struct task_struct *)bpf_get_current_task();

	if (bpf_get_prandom_u32() & 4)
		out[0] = t->tgid;
	out[1] = BPF_CORE_READ(t, pid);
	return 0;
}

SEC("tp_btf/sched_switch")
int BPF_PROG(deref_btf, bool preempt, struct task_struct *prev, struct task_struct *next)
{
	out[0] = prev->pid;
	out[1] = next->tgid;
	return 0;
}

SEC("kprobe/bitfield_direct")
int bitfield_direct(struct pt_regs *ctx)
{
	struct task_struct *t = (struct task_struct *)bpf_get_current_task();

	out[0] = BPF_CORE_READ_BITFIELD(t, in_execve);
	return 0;
}

SEC("kprobe/bitfield_probed")
int bitfield_probed(struct pt_regs *ctx)
{
	struct task_struct *t = (struct task_struct *)bpf_get_current_task();

	out[0] = BPF_CORE_READ_BITFIELD_PROBED(t, in_execve);
	return 0;
}

SEC("tp_btf/sched_switch")
int BPF_PROG(bitfield_btf, bool preempt, struct task_struct *prev, struct task_struct *next)
{
	out[0] = BPF_CORE_READ_BITFIELD(prev, in_execve);
	return 0;
}
