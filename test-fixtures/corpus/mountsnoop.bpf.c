// SPDX-License-Identifier: MIT
// corpus-build: arm64
/*
 * mountsnoop.bpf.c - mount and umount calls with their arguments and result
 * (libbpf-tools' mountsnoop, written with the newer syscall macros).
 *   - ksyscall/mount and ksyscall/umount2 via BPF_KSYSCALL (five and two
 *     arguments through PT_REGS_PARMn_CORE_SYSCALL);
 *   - kretsyscall/mount via BPF_KRETPROBE: the result;
 *   - kprobe/__x64_sys_umount (arm64: __arm64_sys_umount) written by hand:
 *     the syscall wrapper's single pt_regs argument read with
 *     PT_REGS_PARM1_CORE, the inner arguments with PT_REGS_PARM1_CORE_SYSCALL
 *     and PT_REGS_PARM2_CORE_SYSCALL.
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

const volatile pid_t target_pid = 0;

struct mount_args {
	__u64 ts;
	const char *src;
	const char *dest;
	const char *fs;
	__u64 flags;
	__u32 op;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u32);
	__type(value, struct mount_args);
} args SEC(".maps");

static __always_inline int probe_entry(const char *src, const char *dest, const char *fs, __u64 flags, __u32 op)
{
	__u64 id = bpf_get_current_pid_tgid();
	__u32 tid = (__u32)id;
	struct mount_args arg = {};

	if (target_pid && target_pid != (id >> 32))
		return 0;
	arg.ts = bpf_ktime_get_ns();
	arg.src = src;
	arg.dest = dest;
	arg.fs = fs;
	arg.flags = flags;
	arg.op = op;
	bpf_map_update_elem(&args, &tid, &arg, BPF_ANY);
	return 0;
}

static __always_inline int probe_exit(void *ctx, long ret)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct mount_args *argp;
	struct file_event *e;

	argp = bpf_map_lookup_elem(&args, &tid);
	if (!argp)
		return 0;
	e = reserve_buf(sizeof(*e));
	if (!e)
		goto cleanup;
	fill_hdr(&e->hdr, EV_MOUNT);
	e->ret = ret;
	e->flags = argp->flags;
	e->mode = argp->op;
	e->size = bpf_ktime_get_ns() - argp->ts;
	bpf_probe_read_user_str(e->name, sizeof(e->name), argp->dest);
	submit_buf(ctx, e, sizeof(*e));
cleanup:
	bpf_map_delete_elem(&args, &tid);
	return 0;
}

SEC("ksyscall/mount")
int BPF_KSYSCALL(mount_entry, const char *src, const char *dest, const char *fs, __u64 flags, const char *data)
{
	return probe_entry(src, dest, fs, flags, 0);
}

SEC("kretsyscall/mount")
int BPF_KRETPROBE(mount_exit, long ret)
{
	return probe_exit(ctx, ret);
}

SEC("ksyscall/umount2")
int BPF_KSYSCALL(umount_entry, const char *dest, int flags)
{
	return probe_entry(NULL, dest, NULL, flags, 1);
}

SEC("kprobe/" SYS_PREFIX "umount")
int umount_wrapper(struct pt_regs *ctx)
{
	struct pt_regs *regs = (struct pt_regs *)PT_REGS_PARM1_CORE(ctx);
	const char *dest = (const char *)PT_REGS_PARM1_CORE_SYSCALL(regs);
	int flags = (int)PT_REGS_PARM2_CORE_SYSCALL(regs);

	return probe_entry(NULL, dest, NULL, flags, 2);
}

char LICENSE[] SEC("license") = "GPL";
