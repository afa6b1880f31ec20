// SPDX-License-Identifier: MIT
/*
 * live_inline.bpf.c - clang's decisions about inlined copies that real tool
 * collections depend on (bcc libbpf-tools: tcptracer, bitesize, memleak; libbpf's
 * usdt.bpf.h):
 *   - a `switch` on a parameter of an inlined helper, with the constant passed
 *     through two inlined levels: each copy keeps only the arm of its constant
 *     (cases sharing an arm, fallthrough, default);
 *   - `if (c) return f(x[0], 1); else return f(x[1], 2);` for a static f
 *     clang's inliner weighs: SimplifyCFG sinks the two calls into one (the
 *     loads sink along; one PHI, for the constant) before inlining, so f is
 *     inlined once; `f(a, 1)` / `f(b, 2)` with a and b computed before the
 *     branch would need two PHIs: two calls, and f stays a .text subprogram;
 *   - a two-line static wrapper around a large static helper with many
 *     callers: the helper stays out of line, so the wrapper is cheap and is
 *     inlined into each caller (its own read once per program);
 *   - `__weak __hidden` definitions in a header: .text, called or not;
 *   - `#pragma unroll` loops over a constant trip count (in a header helper
 *     and in the program, `clang loop unroll(full)`, a decreasing counter):
 *     one relocation per iteration, inlined calls in the body included;
 *   - `_Generic` choosing a helper by the static type of ctx (inspektor-gadget's
 *     gadget_get_user_stack) and choosing a value: only the chosen one counts;
 *   - a section written as tetragon does, `__attribute__((section((MAIN)), used))`
 *     with MAIN a string macro, and `section(("..."))`.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "live_weak.bpf.h"

#define FAM_V4 2
#define FAM_V6 10

extern int LINUX_KERNEL_VERSION __kconfig;
const volatile int verbose = 0;
__u64 out[64];

static __always_inline bool fill(struct sock *sk, int family)
{
	switch (family) {
	case FAM_V4:
		out[0] = BPF_CORE_READ(sk, __sk_common.skc_rcv_saddr);
		if (!out[0])
			return false;
		out[1] = BPF_CORE_READ(sk, __sk_common.skc_daddr);
		break;
	case FAM_V6:
	case 28:
		BPF_CORE_READ_INTO(&out[2], sk, __sk_common.skc_v6_rcv_saddr.in6_u.u6_addr32[0]);
		/* fallthrough */
	case 1:
		out[3] = BPF_CORE_READ(sk, __sk_common.skc_num);
		break;
	default:
		out[4] = BPF_CORE_READ(sk, __sk_common.skc_state);
		return false;
	}
	return true;
}

static __always_inline int connect_exit(struct sock *sk, __u16 family)
{
	if (!fill(sk, family))
		return 1;
	return 0;
}

SEC("kprobe/tcp_v4_connect")
int BPF_KPROBE(v4_connect, struct sock *sk)
{
	return connect_exit(sk, FAM_V4);
}

SEC("kprobe/tcp_v6_connect")
int BPF_KPROBE(v6_connect, struct sock *sk)
{
	return connect_exit(sk, FAM_V6);
}

SEC("kprobe/unix_stream_connect")
int BPF_KPROBE(unix_connect, struct sock *sk)
{
	return connect_exit(sk, 1);
}

SEC("kprobe/raw_connect")
int BPF_KPROBE(raw_connect, struct sock *sk)
{
	return connect_exit(sk, 7);
}

/* large enough that clang keeps it out of line when it has two call sites */
static int account(struct request *rq, int slot)
{
	__u64 sum = 0;

	if (verbose) {
		out[10] = BPF_CORE_READ(rq, __data_len);
		out[11] = BPF_CORE_READ(rq, __sector);
		out[12] = BPF_CORE_READ(rq, cmd_flags);
		out[13] = BPF_CORE_READ(rq, q, queue_depth);
		out[14] = BPF_CORE_READ(rq, part, bd_dev);
		out[15] = BPF_CORE_READ(rq, tag);
		for (int i = 0; i < 8; i++)
			sum += BPF_CORE_READ(rq, ioprio) * i + out[i];
	}
	out[16 + (slot & 3)] = sum;
	return 0;
}

static int account2(struct request *rq, int slot)
{
	__u64 sum = 0;

	if (verbose) {
		out[20] = BPF_CORE_READ(rq, __data_len);
		out[21] = BPF_CORE_READ(rq, __sector);
		out[22] = BPF_CORE_READ(rq, cmd_flags);
		out[23] = BPF_CORE_READ(rq, q, queue_depth);
		out[24] = BPF_CORE_READ(rq, part, bd_dev);
		out[25] = BPF_CORE_READ(rq, tag);
		for (int i = 0; i < 8; i++)
			sum += BPF_CORE_READ(rq, ioprio) * i + out[i];
	}
	out[26 + (slot & 7)] = sum;
	return 0;
}

SEC("tp_btf/block_rq_issue")
int BPF_PROG(rq_issue)
{
	if (LINUX_KERNEL_VERSION >= KERNEL_VERSION(5, 10, 137))
		return account((void *)ctx[0], 1);
	else
		return account((void *)ctx[1], 2);
}

SEC("tp_btf/block_rq_complete")
int BPF_PROG(rq_complete, struct request *rq, int error)
{
	struct request *old = (void *)ctx[1];

	if (LINUX_KERNEL_VERSION >= KERNEL_VERSION(5, 10, 137))
		account2(rq, 1);
	else
		account2(old, 2);
	return 0;
}

/* called from many programs, too large to inline into each */
static int record(void *ctx, __u64 v)
{
	__u64 sum = v;

	if (verbose) {
		struct task_struct *t = (void *)bpf_get_current_task();

		out[40] = BPF_CORE_READ(t, pid);
		out[41] = BPF_CORE_READ(t, tgid);
		out[42] = BPF_CORE_READ(t, real_parent, tgid);
		out[43] = BPF_CORE_READ(t, mm, total_vm);
		out[44] = BPF_CORE_READ(t, flags);
		for (int i = 0; i < 8; i++)
			sum += BPF_CORE_READ(t, nvcsw) * i + out[i];
	}
	out[45] = sum;
	return 0;
}

static int record_rc(struct pt_regs *ctx)
{
	return record(ctx, PT_REGS_RC(ctx));
}

SEC("uretprobe/malloc")
int malloc_exit(struct pt_regs *ctx)
{
	return record_rc(ctx);
}

SEC("uretprobe/calloc")
int calloc_exit(struct pt_regs *ctx)
{
	return record_rc(ctx);
}

SEC("uretprobe/realloc")
int realloc_exit(struct pt_regs *ctx)
{
	return record_rc(ctx);
}

SEC("uretprobe/mmap")
int mmap_exit(struct pt_regs *ctx)
{
	return record(ctx, PT_REGS_PARM1(ctx));
}

SEC("tp_btf/sched_process_exit")
int BPF_PROG(proc_exit, struct task_struct *t)
{
	out[50] = weak_exit_code(t);
	return 0;
}

SEC("kprobe/vfs_unlink")
int BPF_KPROBE(unlink_entry, struct inode *dir, struct dentry *d)
{
	out[51] = weak_depth(d);
#pragma clang loop unroll(full)
	for (int i = 3; i > 0; i -= 1)
		out[52 + i] = BPF_CORE_READ(d, d_inode, i_ino) + weak_tgid_of((void *)bpf_get_current_task());
	/* not unrolled: no pragma, a trip count clang cannot see */
	for (int i = 0; i < out[60] && i < 16; i++)
		out[61] += BPF_CORE_READ(d, d_flags);
	return 0;
}

static __always_inline long regs_sp(struct pt_regs *regs)
{
	return BPF_CORE_READ(regs, sp);
}

static __always_inline long event_period(struct bpf_perf_event_data *e)
{
	return BPF_CORE_READ(e, sample_period);
}

#define ctx_value(x) _Generic((x), struct bpf_perf_event_data *: event_period, struct pt_regs *: regs_sp)((x))

SEC("kprobe/do_nanosleep")
int nanosleep_entry(struct pt_regs *ctx)
{
	const struct task_struct *t = (void *)bpf_get_current_task();

	out[62] = ctx_value(ctx);
	out[63] = _Generic(t, const struct task_struct *: BPF_CORE_READ(t, pid), default: BPF_CORE_READ(t, tgid));
	return 0;
}

SEC("perf_event")
int on_sample(struct bpf_perf_event_data *ctx)
{
	out[62] = ctx_value(ctx);
	return 0;
}

#define MAIN "kprobe/security_bprm_check"

__attribute__((section((MAIN)), used)) int
bprm_check(struct pt_regs *ctx)
{
	struct linux_binprm *bprm = (void *)PT_REGS_PARM1_CORE(ctx);

	out[0] = BPF_CORE_READ(bprm, argc);
	return 0;
}

__attribute__((section(("raw_tracepoint/cgroup_release")), used)) int
cgroup_release(struct bpf_raw_tracepoint_args *ctx)
{
	struct cgroup *cgrp = (struct cgroup *)ctx->args[0];

	out[1] = BPF_CORE_READ(cgrp, level);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
