// SPDX-License-Identifier: MIT
// corpus-build: arm64
/*
 * syscount.bpf.c - system call counts and latencies per syscall and process
 * (libbpf-tools' syscount, tracee's raw syscall events).
 *   - raw_tp/sys_enter and raw_tp/sys_exit via BPF_PROG: the user pt_regs
 *     and the syscall id; the first argument through
 *     PT_REGS_PARM1_CORE_SYSCALL, the user IP/SP through PT_REGS_IP_CORE and
 *     PT_REGS_SP_CORE, the id at exit from orig_ax (x86) or syscallno (arm64);
 *   - tp/raw_syscalls/sys_enter and sys_exit with trace_event_raw_sys_enter/
 *     sys_exit: ctx->id, ctx->args copied with one probe read, ctx->ret;
 *   - tp_btf/sys_enter via BPF_PROG: the pt_regs as a BTF pointer,
 *     PT_REGS_IP(regs) and PT_REGS_PARM2_SYSCALL(regs) as direct loads.
 * Loads on every kernel.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "events.h"
#include "maps.bpf.h"
#include "compat.bpf.h"
#include "task.bpf.h"

#define MAX_SYSCALLS 512

const volatile bool filter_failed = false;
const volatile bool measure_latency = true;
const volatile pid_t filter_pid = 0;

struct data_t {
	__u64 count;
	__u64 total_ns;
	__u64 errors;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, MAX_SYSCALLS);
	__type(key, __u32);
	__type(value, struct data_t);
} data SEC(".maps");

START_MAP(start, 10240);

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u64);
	__type(value, __u64);
} entry_ips SEC(".maps");

static __always_inline long exit_syscall_id(struct pt_regs *regs)
{
#if defined(__TARGET_ARCH_x86)
	return BPF_CORE_READ(regs, orig_ax);
#else
	return BPF_CORE_READ(regs, syscallno);
#endif
}

static __always_inline void account(long id, long ret, __u64 delta)
{
	__u32 key = id;
	struct data_t *d;

	if (key >= MAX_SYSCALLS)
		return;
	d = bpf_map_lookup_elem(&data, &key);
	if (!d)
		return;
	d->count++;
	d->total_ns += delta;
	if (ret < 0)
		d->errors++;
}

SEC("raw_tp/sys_enter")
int BPF_PROG(sys_enter, struct pt_regs *regs, long id)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u32 tid = (__u32)pid_tgid;
	__u64 ts = bpf_ktime_get_ns(), ip;

	if (filter_pid && filter_pid != (pid_tgid >> 32))
		return 0;
	if (measure_latency)
		bpf_map_update_elem(&start, &tid, &ts, BPF_ANY);
	/* where userspace made the call, keyed by its first argument */
	ip = PT_REGS_IP_CORE(regs) ^ PT_REGS_SP_CORE(regs);
	ts = PT_REGS_PARM1_CORE_SYSCALL(regs);
	bpf_map_update_elem(&entry_ips, &ts, &ip, BPF_ANY);
	return 0;
}

SEC("raw_tp/sys_exit")
int BPF_PROG(sys_exit, struct pt_regs *regs, long ret)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	__u64 delta = 0;

	if (filter_failed && ret >= 0)
		return 0;
	if (measure_latency) {
		__u64 *tsp = bpf_map_lookup_elem(&start, &tid);

		if (!tsp)
			return 0;
		delta = bpf_ktime_get_ns() - *tsp;
		bpf_map_delete_elem(&start, &tid);
	}
	account(exit_syscall_id(regs), ret, delta);
	return 0;
}

SEC("tp/raw_syscalls/sys_enter")
int tp_sys_enter(struct trace_event_raw_sys_enter *ctx)
{
	struct sys_event *e;

	if (ctx->id != 59 /* execve on x86-64 */)
		return 0;
	e = reserve_buf(sizeof(*e));
	if (!e)
		return 0;
	fill_hdr(&e->hdr, EV_SYSCALL);
	e->id = ctx->id;
	/*
	 * One copy, not ctx->args[i] in a loop: clang would add a variable offset to
	 * the ctx pointer, which the verifier rejects ("modified ctx ptr").
	 */
	bpf_probe_read_kernel(e->args, sizeof(e->args), ctx->args);
	submit_buf(ctx, e, sizeof(*e));
	return 0;
}

SEC("tp/raw_syscalls/sys_exit")
int tp_sys_exit(struct trace_event_raw_sys_exit *ctx)
{
	if (ctx->ret < 0)
		account(ctx->id, ctx->ret, 0);
	return 0;
}

SEC("tp_btf/sys_enter")
int BPF_PROG(sys_enter_btf, struct pt_regs *regs, long id)
{
	__u64 key = id, ip = PT_REGS_IP(regs);

	ip ^= PT_REGS_PARM2_SYSCALL(regs);
	bpf_map_update_elem(&entry_ips, &key, &ip, BPF_ANY);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
