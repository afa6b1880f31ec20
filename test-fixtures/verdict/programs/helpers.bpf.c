// SPDX-License-Identifier: MIT
/*
 * helpers.bpf.c - helpers a target kernel does not have. The verifier refuses a call of a helper id past its own
 * table (`invalid func unknown#<id>`) where its walk reaches the call, and only there: a call behind a CO-RE guard on
 * `enum bpf_func_id` is dead code on such a kernel. The bundled kernels: 5.10 has helpers 0-155, 6.1 0-209, 6.12 and
 * 6.18 0-211; bpf_get_current_task_btf is 158, bpf_loop 181, bpf_ktime_get_tai_ns 208.
 *   - unguarded calls (in the program, in a static subprogram the kernel verifies as a call, in a bpf_loop callback);
 *   - calls guarded by bpf_core_enum_value_exists(enum bpf_func_id, ...), with a fallback, through a bool helper, and
 *     falco's `exists && bpf_core_enum_value(...) == id` (clang keeps both branches: the value's poisoned relocation
 *     is dead on 5.10 too);
 *   - a call and a poisoned CO-RE read on one path: whichever comes first is the error;
 *   - bpf_probe_read_kernel (113): libbpf turns it into bpf_probe_read on a kernel without it, never refused.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

__u64 out[16];

static long add_one(__u32 i, void *ctx)
{
	*(__u64 *)ctx += i;
	return 0;
}

static __always_inline bool has_loop(void)
{
	return bpf_core_enum_value_exists(enum bpf_func_id, BPF_FUNC_loop);
}

SEC("kprobe/do_nanosleep")
int loop_unguarded(void *ctx)
{
	__u64 sum = 0;

	bpf_loop(4, add_one, &sum, 0);
	out[0] = sum;
	return 0;
}

SEC("kprobe/do_nanosleep")
int loop_guarded(void *ctx)
{
	__u64 sum = 0;

	if (bpf_core_enum_value_exists(enum bpf_func_id, BPF_FUNC_loop)) {
		bpf_loop(4, add_one, &sum, 0);
	} else {
		for (__u32 i = 0; i < 4; i++)
			sum += i;
	}
	out[1] = sum;
	return 0;
}

SEC("kprobe/do_nanosleep")
int loop_bool_helper(void *ctx)
{
	__u64 sum = 0;

	if (!has_loop())
		return 0;
	bpf_loop(4, add_one, &sum, 0);
	out[2] = sum;
	return 0;
}

static __always_inline struct task_struct *current_task(void)
{
	if (bpf_core_enum_value_exists(enum bpf_func_id, BPF_FUNC_get_current_task_btf) &&
	    bpf_core_enum_value(enum bpf_func_id, BPF_FUNC_get_current_task_btf) == BPF_FUNC_get_current_task_btf)
		return bpf_get_current_task_btf();
	return (struct task_struct *)bpf_get_current_task();
}

SEC("kprobe/do_nanosleep")
int task_btf_value_guard(void *ctx)
{
	struct task_struct *t = current_task();

	out[12] = BPF_CORE_READ(t, tgid);
	return 0;
}

SEC("tp_btf/sched_switch")
int task_btf_unguarded(u64 *ctx)
{
	struct task_struct *t = bpf_get_current_task_btf();

	out[3] = t->pid;
	return 0;
}

static __noinline __u64 tai_now(__u64 base)
{
	return bpf_ktime_get_tai_ns() - base;
}

/* The call is in a subprogram: the verifier names its instruction in the program as loaded (subprograms last). */
SEC("kprobe/do_nanosleep")
int tai_in_subprog(void *ctx)
{
	out[4] = tai_now(out[5]);
	return 0;
}

/* 6.1 has bpf_ktime_get_tai_ns (208), 5.10 does not: only 5.10 refuses this one. */
SEC("kprobe/do_nanosleep")
int tai_unguarded(void *ctx)
{
	out[6] = bpf_ktime_get_tai_ns();
	return 0;
}

struct task_struct___o {
	volatile long state;
} __attribute__((preserve_access_index));

/* On 5.10 the read of __state (5.14+) is poisoned and comes first on the path: the CO-RE error is the verdict. */
SEC("kprobe/do_nanosleep")
int core_before_helper(void *ctx)
{
	struct task_struct *t = (void *)bpf_get_current_task();
	__u64 sum = 0;

	out[7] = BPF_CORE_READ(t, __state);
	bpf_loop(2, add_one, &sum, 0);
	out[8] = sum;
	return 0;
}

/* ... and here the call comes first: the helper is the verdict on 5.10. */
SEC("kprobe/do_nanosleep")
int helper_before_core(void *ctx)
{
	struct task_struct *t = (void *)bpf_get_current_task();
	__u64 sum = 0;

	bpf_loop(2, add_one, &sum, 0);
	out[9] = sum + BPF_CORE_READ(t, __state);
	return 0;
}

/* A callback is verified only where its bpf_loop call is reached: on 5.10 the guard makes that call dead code, so the
 * callback's bpf_ktime_get_tai_ns (missing on 5.10 too) is never looked at; 6.1+ have both helpers. */
static long tai_each(__u32 i, void *ctx)
{
	*(__u64 *)ctx += bpf_ktime_get_tai_ns() & 1;
	return 0;
}

SEC("kprobe/do_nanosleep")
int tai_in_callback(void *ctx)
{
	__u64 sum = 0;

	if (bpf_core_enum_value_exists(enum bpf_func_id, BPF_FUNC_loop))
		bpf_loop(2, tai_each, &sum, 0);
	out[10] = sum;
	return 0;
}

SEC("kprobe/do_nanosleep")
int probe_read_kernel_everywhere(void *ctx)
{
	struct task_struct *t = (void *)bpf_get_current_task();
	int pid = 0;

	bpf_probe_read_kernel(&pid, sizeof(pid), &t->pid);
	out[11] = pid;
	return 0;
}
