// SPDX-License-Identifier: MIT
/*
 * kconfig.bpf.c - __kconfig externs libbpf fills from the machine that loads the object: LINUX_KERNEL_VERSION from
 * its release, CONFIG_* from its kernel config (bool, tristate, int, string), LINUX_HAS_BPF_COOKIE from a probe,
 * and a weak LINUX_ name libbpf does not know (zero everywhere). libbpf freezes the .kconfig map, so the verifier
 * reads each value as a constant and never walks the branch it rules out: every guarded arm below reads a field no
 * kernel has (a poisoned relocation), and loads or fails depending on the value alone.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

__u64 out[8];

extern int LINUX_KERNEL_VERSION __kconfig;
extern bool LINUX_HAS_BPF_COOKIE __kconfig;
extern int LINUX_CORELENS_FUTURE __kconfig __weak;
extern bool CONFIG_BPF_SYSCALL __kconfig;
extern int CONFIG_HZ __kconfig __weak;
extern enum libbpf_tristate CONFIG_CORELENS_NOT_AN_OPTION __kconfig __weak;
extern char CONFIG_DEFAULT_HOSTNAME[16] __kconfig __weak;

/* A field no kernel has: reading it is a poisoned relocation wherever the verifier walks it. */
struct task_struct___nowhere {
	int corelens_no_such_field;
} __attribute__((preserve_access_index));

static __always_inline __u64 nowhere(void)
{
	struct task_struct___nowhere *t = (void *)bpf_get_current_task();

	return BPF_CORE_READ(t, corelens_no_such_field);
}

SEC("kprobe/kcfg_version")
int kcfg_version(struct pt_regs *ctx)
{
	if (LINUX_KERNEL_VERSION < KERNEL_VERSION(4, 1, 0))
		out[0] = nowhere();
	return 0;
}

SEC("kprobe/kcfg_bool")
int kcfg_bool(struct pt_regs *ctx)
{
	if (!CONFIG_BPF_SYSCALL)
		out[1] = nowhere();
	return 0;
}

SEC("kprobe/kcfg_int")
int kcfg_int(struct pt_regs *ctx)
{
	if (CONFIG_HZ > 10000)
		out[2] = nowhere();
	return 0;
}

/* The same value, the other way round: the poisoned arm is the one the config selects. */
SEC("kprobe/kcfg_int_taken")
int kcfg_int_taken(struct pt_regs *ctx)
{
	if (CONFIG_HZ >= 1)
		out[3] = nowhere();
	return 0;
}

SEC("kprobe/kcfg_weak_absent")
int kcfg_weak_absent(struct pt_regs *ctx)
{
	if (CONFIG_CORELENS_NOT_AN_OPTION != TRI_NO)
		out[4] = nowhere();
	return 0;
}

SEC("kprobe/kcfg_string")
int kcfg_string(struct pt_regs *ctx)
{
	if (CONFIG_DEFAULT_HOSTNAME[0] == 0)
		out[5] = nowhere();
	return 0;
}

SEC("kprobe/kcfg_cookie")
int kcfg_cookie(struct pt_regs *ctx)
{
	if (!LINUX_HAS_BPF_COOKIE)
		out[6] = nowhere();
	return 0;
}

SEC("kprobe/kcfg_unknown_linux")
int kcfg_unknown_linux(struct pt_regs *ctx)
{
	if (LINUX_CORELENS_FUTURE)
		out[7] = nowhere();
	return 0;
}
