// SPDX-License-Identifier: MIT
/*
 * killsnoop.bpf.c - signals sent and delivered (libbpf-tools' killsnoop and
 * sigsnoop).
 *   - ksyscall/kill and ksyscall/tgkill via BPF_KSYSCALL, kretsyscall/kill via
 *     BPF_KRETPROBE: the sender's arguments kept per thread until the result;
 *   - tp/signal/signal_generate with trace_event_raw_signal_generate: sig,
 *     errno, code, the target's pid and comm, result;
 *   - tp/signal/signal_deliver with trace_event_raw_signal_deliver;
 *   - X-macro: the signals we name are listed once and expanded into a switch.
 * Loads on every kernel.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "events.h"
#include "compat.bpf.h"
#include "task.bpf.h"

#define NAMED_SIGNALS(X) \
	X(SIGHUP, 1)	\
	X(SIGINT, 2)	\
	X(SIGKILL, 9)	\
	X(SIGSEGV, 11)	\
	X(SIGTERM, 15)

enum named_signal {
#define X(name, num) NAMED_##name,
	NAMED_SIGNALS(X)
#undef X
	NAMED_OTHER,
};

const volatile bool failed_only = false;
const volatile int target_signal = 0;

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u32);
	__type(value, struct sys_event);
} values SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, NAMED_OTHER + 1);
	__type(key, __u32);
	__type(value, __u64);
} by_signal SEC(".maps");

static __always_inline __u32 signal_slot(int sig)
{
	switch (sig) {
#define X(name, num) case num: return NAMED_##name;
	NAMED_SIGNALS(X)
#undef X
	default:
		return NAMED_OTHER;
	}
}

static __always_inline int probe_entry(pid_t tpid, int sig)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct sys_event v = {};

	if (target_signal && sig != target_signal)
		return 0;
	v.target = tpid;
	v.sig = sig;
	v.hdr.ts = bpf_ktime_get_ns();
	bpf_get_current_comm(&v.hdr.comm, sizeof(v.hdr.comm));
	bpf_map_update_elem(&values, &tid, &v, BPF_ANY);
	return 0;
}

SEC("ksyscall/kill")
int BPF_KSYSCALL(kill_entry, pid_t tpid, int sig)
{
	return probe_entry(tpid, sig);
}

SEC("ksyscall/tgkill")
int BPF_KSYSCALL(tgkill_entry, pid_t tgid, pid_t tid, int sig)
{
	return probe_entry(tid, sig);
}

SEC("kretsyscall/kill")
int BPF_KRETPROBE(kill_exit, int ret)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct sys_event *vp, *e;

	vp = bpf_map_lookup_elem(&values, &tid);
	if (!vp)
		return 0;
	if (failed_only && ret >= 0)
		goto cleanup;
	e = reserve_buf(sizeof(*e));
	if (!e)
		goto cleanup;
	__builtin_memcpy(e, vp, sizeof(*e));
	fill_hdr(&e->hdr, EV_SIGNAL);
	e->ret = ret;
	submit_buf(ctx, e, sizeof(*e));
cleanup:
	bpf_map_delete_elem(&values, &tid);
	return 0;
}

SEC("tp/signal/signal_generate")
int sig_generate(struct trace_event_raw_signal_generate *ctx)
{
	struct sys_event *e;
	__u32 slot = signal_slot(ctx->sig);
	__u64 *count = bpf_map_lookup_elem(&by_signal, &slot);

	if (count)
		*count += 1;
	if (failed_only && ctx->errno == 0)
		return 0;
	e = reserve_buf(sizeof(*e));
	if (!e)
		return 0;
	fill_hdr(&e->hdr, EV_SIGNAL);
	e->sig = ctx->sig;
	e->target = ctx->pid;
	e->ret = ctx->result;
	e->id = ctx->code;
	bpf_probe_read_kernel_str(e->hdr.comm, sizeof(e->hdr.comm), ctx->comm);
	submit_buf(ctx, e, sizeof(*e));
	return 0;
}

SEC("tp/signal/signal_deliver")
int sig_deliver(struct trace_event_raw_signal_deliver *ctx)
{
	__u32 slot = signal_slot(ctx->sig);
	__u64 *count = bpf_map_lookup_elem(&by_signal, &slot);

	if (count && ctx->sa_handler)
		*count += 1 + (ctx->sa_flags & 0);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
