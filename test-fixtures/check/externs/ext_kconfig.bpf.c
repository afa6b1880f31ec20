// SPDX-License-Identifier: MIT
/*
 * ext_kconfig.bpf.c - __kconfig externs: LINUX_KERNEL_VERSION (libbpf's own), a weak CONFIG_ (zero when unset) and
 * a strong CONFIG_ no kernel config sets, read by one program: libbpf refuses the object where it reads the config
 * (the running kernel; other targets' configs are unknown). An unrecognized strong LINUX_ extern named only after a
 * return is never emitted, so it refuses nothing (emitted, it would fail every kernel).
 */
#include "externs.bpf.h"

char LICENSE[] SEC("license") = "GPL";

__u64 out[8];

extern int LINUX_KERNEL_VERSION __kconfig;
extern bool CONFIG_BPF_SYSCALL __kconfig __weak;
extern bool CONFIG_CORELENS_NO_SUCH_OPTION __kconfig;
extern int LINUX_CORELENS_UNKNOWN __kconfig;

SEC("kprobe/ext_kconfig_version")
int kconfig_version(struct pt_regs *ctx)
{
	out[0] = LINUX_KERNEL_VERSION > KERNEL_VERSION(6, 1, 0) ? CONFIG_BPF_SYSCALL : 0;
	return 0;
	out[1] = LINUX_CORELENS_UNKNOWN;
}

SEC("kprobe/ext_kconfig_option")
int kconfig_option(struct pt_regs *ctx)
{
	out[2] = CONFIG_CORELENS_NO_SUCH_OPTION;
	return 0;
}
