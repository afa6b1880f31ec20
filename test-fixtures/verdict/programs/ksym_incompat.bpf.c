// SPDX-License-Identifier: MIT
/*
 * ksym_incompat.bpf.c - typed __ksym externs whose type is not the kernel's: libbpf 1.1 finds them in the kernel's
 * BTF, checks the object's type against the kernel's (bpf_core_types_are_compat) and refuses the whole object
 * (-EINVAL) even for a WEAK extern. `process_counts` is a per-CPU unsigned long in the kernel (6.1 on); declared here
 * as a struct. Kernels without it (5.10's BTF has no per-CPU variables) leave the weak extern at zero: it loads.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

__u64 out[2];

struct corelens_not_a_long {
	int lo;
	int hi;
};

extern const struct corelens_not_a_long process_counts __ksym __weak;

SEC("kprobe/ksym_incompat_use")
int ksym_incompat_use(struct pt_regs *ctx)
{
	out[0] = (__u64)&process_counts;
	return 0;
}

SEC("kprobe/ksym_incompat_bystander")
int ksym_incompat_bystander(struct pt_regs *ctx)
{
	out[1] = bpf_get_current_pid_tgid();
	return 0;
}
