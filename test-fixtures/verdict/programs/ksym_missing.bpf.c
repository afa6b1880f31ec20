// SPDX-License-Identifier: MIT
/*
 * ksym_missing.bpf.c - a STRONG untyped __ksym no kernel has: libbpf looks it up in the loading machine's
 * /proc/kallsyms, does not find it and fails the whole object (`extern '...' (strong): not resolved`, -ESRCH) before
 * relocating anything: the program that does not use it fails too, and so does the one whose CO-RE relocation
 * libbpf would refuse (its error is never reached).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

__u64 out[4];

extern const void corelens_no_such_symbol __ksym;

struct ksym_zla {
	int n;
	int zla[0];
	int tail;
} __attribute__((preserve_access_index));

SEC("kprobe/ksym_missing_use")
int ksym_missing_use(struct pt_regs *ctx)
{
	out[0] = (__u64)&corelens_no_such_symbol;
	return 0;
}

SEC("kprobe/ksym_missing_bystander")
int ksym_missing_bystander(struct pt_regs *ctx)
{
	out[1] = bpf_get_current_pid_tgid();
	return 0;
}

/* An index into a zero-length array that is not the last member: libbpf cannot parse the access (-EINVAL). */
SEC("kprobe/ksym_missing_core_error")
int ksym_missing_core_error(struct pt_regs *ctx)
{
	struct ksym_zla *z = (void *)out;

	out[2] = bpf_core_field_offset(z->zla[1]);
	return 0;
}
