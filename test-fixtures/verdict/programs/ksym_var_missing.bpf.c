// SPDX-License-Identifier: MIT
/*
 * ksym_var_missing.bpf.c - a strong TYPED __ksym variable no kernel has, next to a strong untyped one no kernel has:
 * libbpf resolves the typed externs against the kernel's BTF first and fails there (`extern (var ksym) '...': not
 * found in kernel BTF`, -EINVAL), before it checks the untyped one.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

__u64 out[2];

extern const int corelens_no_such_var __ksym;
extern const void corelens_no_such_addr __ksym;

SEC("kprobe/ksym_var")
int ksym_var(struct pt_regs *ctx)
{
	const int *v = bpf_this_cpu_ptr(&corelens_no_such_var);

	out[0] = *v + (__u64)&corelens_no_such_addr;
	return 0;
}
