// SPDX-License-Identifier: MIT
// corpus-build: arm64
/*
 * execsnoop.bpf.c - every exec, with its arguments, its parent and whether it
 * failed (in the style of libbpf-tools' execsnoop and tracee's exec events).
 *   - tp/syscalls/sys_enter_execve and sys_exit_execve: trace_event_raw_sys_enter
 *     and trace_event_raw_sys_exit contexts (ctx->args[i], ctx->ret), argv read
 *     from user memory with a bounded loop;
 *   - tp/sched/sched_process_exec: the __data_loc filename of
 *     trace_event_raw_sched_process_exec, the task's tty and capabilities;
 *   - header helpers (fill_hdr, task_tty_index, cap_u64) inlined into several
 *     programs; const volatile filters set by userspace before load.
 * Loads on every kernel: every version-dependent read sits behind a guard.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "events.h"
#include "maps.bpf.h"
#include "compat.bpf.h"
#include "task.bpf.h"

#define MAX_ARGS 8
#define ARG_LEN 16

const volatile bool ignore_failed = true;
const volatile __u32 targ_uid = (__u32)-1;

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u32);
	__type(value, struct process_event);
} execs SEC(".maps");

SEC("tp/syscalls/sys_enter_execve")
int tracepoint__syscalls__sys_enter_execve(struct trace_event_raw_sys_enter *ctx)
{
	const char **argv = (const char **)ctx->args[1];
	struct process_event *e;
	__u64 id = bpf_get_current_pid_tgid();
	__u32 tid = (__u32)id, uid = (__u32)bpf_get_current_uid_gid();
	const char *argp;
	int i;

	if (targ_uid != (__u32)-1 && targ_uid != uid)
		return 0;
	e = scratch_buf();
	if (!e)
		return 0;
	fill_hdr(&e->hdr, EV_EXEC);
	e->args_len = 0;
	bpf_probe_read_user_str(e->filename, sizeof(e->filename), (const char *)ctx->args[0]);
	for (i = 1; i < MAX_ARGS; i++) {
		if (bpf_probe_read_user(&argp, sizeof(argp), &argv[i]) || !argp)
			break;
		if (e->args_len > MAX_ARGS_LEN - ARG_LEN)
			break;
		bpf_probe_read_user_str(&e->args[e->args_len & (MAX_ARGS_LEN - 1)], ARG_LEN, argp);
		e->args_len += ARG_LEN;
	}
	bpf_map_update_elem(&execs, &tid, e, BPF_ANY);
	return 0;
}

SEC("tp/syscalls/sys_exit_execve")
int tracepoint__syscalls__sys_exit_execve(struct trace_event_raw_sys_exit *ctx)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct process_event *e, *out;
	long ret = ctx->ret;

	e = bpf_map_lookup_elem(&execs, &tid);
	if (!e)
		return 0;
	if (ignore_failed && ret < 0)
		goto cleanup;
	out = reserve_buf(sizeof(*out));
	if (!out)
		goto cleanup;
	__builtin_memcpy(out, e, sizeof(*out));
	out->exit_code = ret;
	bpf_get_current_comm(&out->hdr.comm, sizeof(out->hdr.comm));
	submit_buf(ctx, out, sizeof(*out));
cleanup:
	bpf_map_delete_elem(&execs, &tid);
	return 0;
}

SEC("tp/sched/sched_process_exec")
int handle_exec(struct trace_event_raw_sched_process_exec *ctx)
{
	struct task_struct *task = current_task();
	unsigned int fname_off = ctx->__data_loc_filename & 0xFFFF;
	const struct cred *cred = BPF_CORE_READ(task, cred);
	struct process_event *e;

	e = reserve_buf(sizeof(*e));
	if (!e)
		return 0;
	fill_hdr(&e->hdr, EV_EXEC);
	e->child_pid = ctx->pid;
	e->exit_code = ctx->old_pid;
	e->tty_index = task_tty_index(task);
	e->cap_effective = cap_u64(CORE_ADDR(cred, cap_effective));
	e->start_ns = task_start_ns(task);
	bpf_probe_read_kernel_str(e->filename, sizeof(e->filename), (void *)ctx + fname_off);
	submit_buf(ctx, e, sizeof(*e));
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
