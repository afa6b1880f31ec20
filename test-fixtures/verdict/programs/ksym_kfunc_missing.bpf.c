// SPDX-License-Identifier: MIT
/*
 * ksym_kfunc_missing.bpf.c - a strong kfunc no kernel has: libbpf fails the object (`extern (func ksym) '...': not
 * found in kernel or module BTFs`, -EINVAL) before relocating, even for a program that never calls it.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

__u64 out[2];

extern __u64 corelens_no_such_kfunc(__u64 x) __ksym;

SEC("kprobe/ksym_kfunc")
int ksym_kfunc(struct pt_regs *ctx)
{
	out[0] = corelens_no_such_kfunc(1);
	return 0;
}

SEC("kprobe/ksym_kfunc_bystander")
int ksym_kfunc_bystander(struct pt_regs *ctx)
{
	out[1] = 2;
	return 0;
}
