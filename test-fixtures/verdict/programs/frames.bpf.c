// SPDX-License-Identifier: MIT
/*
 * frames.bpf.c - a value the caller keeps in a callee-saved register (r6-r9) across a call of a static __noinline
 * subprogram, different on two paths that meet before the call, then decides whether a CO-RE read runs. While the
 * callee runs, the verifier's states at the callee's instructions include the caller's frame: two states that differ
 * only in the waiting caller's register are different states, and each path reaches what its value lets it reach.
 * The read is of a field no kernel has (a `___fake` flavor), so its relocation is poisoned on every target: the
 * kernel refuses each program where a path that reaches the read exists.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

char LICENSE[] SEC("license") = "GPL";

struct task_struct___fake {
	int no_such_field;
} __attribute__((preserve_access_index));

__u64 out[8];

static __noinline int scale(__u64 x)
{
	return (int)(x >> 3) + 1;
}

static __noinline int inner(__u64 x)
{
	return (int)(x & 0xff);
}

/* two frames deep: the caller waits in outer(), outer() waits in inner() */
static __noinline int outer(__u64 x)
{
	int a = inner(x);

	out[6] = bpf_ktime_get_ns() + a;
	return a + 2;
}

static __always_inline int fake_read(void)
{
	struct task_struct___fake *t = (void *)bpf_get_current_task();

	return BPF_CORE_READ(t, no_such_field);
}

/* the path where flag may be 7 comes second: its state at scale() differs from the first only in the caller's r7 */
SEC("kprobe/frames_waiting_reg")
int waiting_reg(struct pt_regs *ctx)
{
	__u64 pid = bpf_get_current_pid_tgid();
	int flag;

	if (pid > 100) {
		flag = 5;
		out[7] = 1;
	} else {
		flag = bpf_get_prandom_u32();
	}
	int r = scale(pid);

	out[0] = bpf_ktime_get_ns();
	out[1] = bpf_ktime_get_ns() + r;
	out[2] = bpf_get_prandom_u32();
	out[3] = bpf_ktime_get_ns();
	if (flag == 7)
		r += fake_read();
	return r;
}

SEC("kprobe/frames_waiting_two_deep")
int waiting_two_deep(struct pt_regs *ctx)
{
	__u64 pid = bpf_get_current_pid_tgid();
	int flag;

	if (pid > 100) {
		flag = 5;
		out[7] = 1;
	} else {
		flag = bpf_get_prandom_u32();
	}
	int r = outer(pid);

	out[0] = bpf_ktime_get_ns();
	out[1] = bpf_ktime_get_ns() + r;
	out[2] = bpf_get_prandom_u32();
	out[3] = bpf_ktime_get_ns();
	if (flag == 7)
		r += fake_read();
	return r;
}
