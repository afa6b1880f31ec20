// SPDX-License-Identifier: MIT
// corpus-build: libbpf-1.5 arm64
/*
 * mmapsnoop.bpf.c - mmap and mprotect calls with all their arguments
 * (compiled with libbpf 1.5's headers: six-argument syscalls and kprobes).
 *   - ksyscall/mmap via BPF_KSYSCALL with six arguments: the sixth comes from
 *     PT_REGS_PARM6_CORE_SYSCALL (r9 on x86, regs[5] on arm64), the fourth
 *     from r10 on x86 (__PT_PARM4_SYSCALL_REG);
 *   - kprobe/do_mmap via BPF_KPROBE with six arguments (PT_REGS_PARM6);
 *   - kprobe on the mprotect syscall wrapper, by hand: PT_REGS_PARM1_SYSCALL
 *     (on arm64 libbpf 1.5 declares pt_regs___arm64 with preserve_access_index,
 *     so even this plain read is a relocation) and PT_REGS_PARM3_CORE_SYSCALL.
 * Loads on every kernel.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "events.h"
#include "compat.bpf.h"
#include "task.bpf.h"

#ifdef __TARGET_ARCH_arm64
#define SYS_PREFIX "__arm64_sys_"
#else
#define SYS_PREFIX "__x64_sys_"
#endif

const volatile pid_t targ_pid = 0;

static __always_inline int report(void *ctx, __u64 a0, __u64 a1, __u64 a2, __u64 a3, __u64 a4, __u64 a5)
{
	struct sys_event *e;

	if (targ_pid && targ_pid != (bpf_get_current_pid_tgid() >> 32))
		return 0;
	e = reserve_buf(sizeof(*e));
	if (!e)
		return 0;
	fill_hdr(&e->hdr, EV_SYSCALL);
	e->args[0] = a0;
	e->args[1] = a1;
	e->args[2] = a2;
	e->args[3] = a3;
	e->args[4] = a4;
	e->args[5] = a5;
	submit_buf(ctx, e, sizeof(*e));
	return 0;
}

SEC("ksyscall/mmap")
int BPF_KSYSCALL(mmap_entry, unsigned long addr, unsigned long len, unsigned long prot, unsigned long flags,
		 unsigned long fd, unsigned long off)
{
	return report(ctx, addr, len, prot, flags, fd, off);
}

SEC("kprobe/do_mmap")
int BPF_KPROBE(do_mmap, struct file *file, unsigned long addr, unsigned long len, unsigned long prot,
	       unsigned long flags, unsigned long vm_flags)
{
	__u64 ino = file ? BPF_CORE_READ(file, f_inode, i_ino) : 0;

	return report(ctx, ino, addr, len, prot, flags, vm_flags);
}

SEC("kprobe/" SYS_PREFIX "mprotect")
int mprotect_wrapper(struct pt_regs *ctx)
{
	struct pt_regs *regs = (struct pt_regs *)PT_REGS_PARM1(ctx);
	__u64 start, prot;

	start = PT_REGS_PARM1_CORE_SYSCALL(regs);
	prot = PT_REGS_PARM3_CORE_SYSCALL(regs);
	return report(ctx, start, 0, prot, PT_REGS_IP(ctx), 0, 0);
}

char LICENSE[] SEC("license") = "GPL";
