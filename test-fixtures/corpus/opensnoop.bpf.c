// SPDX-License-Identifier: MIT
// corpus-build: arm64
/*
 * opensnoop.bpf.c - file opens with flags, mode and result (libbpf-tools'
 * opensnoop, with the ksyscall variant newer tools use).
 *   - tp/syscalls/sys_enter_openat, sys_enter_openat2 and sys_exit_openat with
 *     the trace_event_raw_sys_enter/exit contexts; openat2's struct open_how
 *     is user memory, read with BPF_CORE_READ_USER;
 *   - ksyscall/openat via BPF_KSYSCALL: the arguments come from
 *     PT_REGS_PARMn_CORE_SYSCALL of the inner pt_regs (LINUX_HAS_SYSCALL_WRAPPER);
 *   - kprobe/do_sys_openat2 via BPF_KPROBE: the kernel's copy of open_how;
 *   - kretprobe/do_sys_openat2: the new fd from PT_REGS_RC.
 * Loads on every kernel.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "events.h"
#include "compat.bpf.h"
#include "task.bpf.h"

const volatile pid_t targ_pid = 0;
const volatile bool targ_failed = false;

struct args_t {
	const char *fname;
	__u32 flags;
	__u32 mode;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u32);
	__type(value, struct args_t);
} start SEC(".maps");

static __always_inline bool trace_allowed(__u32 pid)
{
	return !targ_pid || targ_pid == pid;
}

static __always_inline int remember(const char *fname, __u32 flags, __u32 mode)
{
	__u64 id = bpf_get_current_pid_tgid();
	__u32 tid = (__u32)id;
	struct args_t args = {};

	if (!trace_allowed(id >> 32))
		return 0;
	args.fname = fname;
	args.flags = flags;
	args.mode = mode;
	bpf_map_update_elem(&start, &tid, &args, 0);
	return 0;
}

static __always_inline int report(void *ctx, long ret)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct args_t *ap;
	struct file_event *e;

	ap = bpf_map_lookup_elem(&start, &tid);
	if (!ap)
		return 0;
	if (targ_failed && ret >= 0)
		goto cleanup;
	e = reserve_buf(sizeof(*e));
	if (!e)
		goto cleanup;
	fill_hdr(&e->hdr, EV_OPEN);
	e->flags = ap->flags;
	e->mode = ap->mode;
	e->ret = ret;
	bpf_probe_read_user_str(e->name, sizeof(e->name), ap->fname);
	submit_buf(ctx, e, sizeof(*e));
cleanup:
	bpf_map_delete_elem(&start, &tid);
	return 0;
}

SEC("tp/syscalls/sys_enter_openat")
int tracepoint__syscalls__sys_enter_openat(struct trace_event_raw_sys_enter *ctx)
{
	return remember((const char *)ctx->args[1], (__u32)ctx->args[2], (__u32)ctx->args[3]);
}

SEC("tp/syscalls/sys_enter_openat2")
int tracepoint__syscalls__sys_enter_openat2(struct trace_event_raw_sys_enter *ctx)
{
	struct open_how *how = (struct open_how *)ctx->args[2];

	return remember((const char *)ctx->args[1], BPF_CORE_READ_USER(how, flags),
			BPF_CORE_READ_USER(how, mode));
}

SEC("tp/syscalls/sys_exit_openat")
int tracepoint__syscalls__sys_exit_openat(struct trace_event_raw_sys_exit *ctx)
{
	return report(ctx, ctx->ret);
}

SEC("ksyscall/openat")
int BPF_KSYSCALL(openat_entry, int dfd, const char *filename, int flags, umode_t mode)
{
	return remember(filename, flags, mode);
}

SEC("kprobe/do_sys_openat2")
int BPF_KPROBE(do_sys_openat2, int dfd, const char *filename, struct open_how *how)
{
	return remember(filename, BPF_CORE_READ(how, flags), BPF_CORE_READ(how, mode));
}

SEC("kretprobe/do_sys_openat2")
int BPF_KRETPROBE(do_sys_openat2_ret)
{
	return report(ctx, PT_REGS_RC(ctx));
}

char LICENSE[] SEC("license") = "GPL";
