// SPDX-License-Identifier: MIT
/*
 * ksym_present.bpf.c - __ksym externs that do not stop libbpf (bpf_object__resolve_externs, before any CO-RE
 * relocation), so every program reaches the verifier:
 *   - a WEAK untyped ksym no kernel has: libbpf writes 0, and the verifier drops the branch it guards;
 *   - a strong untyped ksym every kernel has as a function (a text symbol, always in /proc/kallsyms);
 *   - a strong kfunc pair, resolved against the BTF of the machine that loads (never the target's).
 * Not here: a typed per-CPU variable (`extern const int bpf_prog_active __ksym`): libbpf resolves it from BTF, but the
 * verifier then wants its address from kallsyms, which lists data only with CONFIG_KALLSYMS_ALL (off on this project's
 * machines: "ldimm64 failed to find the address for kernel symbol", not a CO-RE outcome).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

__u64 out[4];

extern const void corelens_no_such_weak __ksym __weak;
extern const void vfs_read __ksym;
extern void bpf_rcu_read_lock(void) __ksym;
extern void bpf_rcu_read_unlock(void) __ksym;

/* The weak one is 0 once loaded: the read through it is dead code (a read through a plain number otherwise). */
SEC("kprobe/ksym_weak")
int ksym_weak(struct pt_regs *ctx)
{
	if (&corelens_no_such_weak)
		out[0] = *(volatile __u64 *)&corelens_no_such_weak;
	return 0;
}

/* A function's address from kallsyms: a non-zero number. */
SEC("kprobe/ksym_text")
int ksym_text(struct pt_regs *ctx)
{
	out[1] = (__u64)&vfs_read;
	return 0;
}

/* Kernel functions called from the program. */
SEC("kprobe/ksym_kfunc_pair")
int ksym_kfunc_pair(struct pt_regs *ctx)
{
	bpf_rcu_read_lock();
	out[2] = bpf_get_current_pid_tgid();
	bpf_rcu_read_unlock();
	return 0;
}
