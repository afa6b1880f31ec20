// SPDX-License-Identifier: MIT
/*
 * kconfig_missing.bpf.c - a STRONG __kconfig extern the loading machine's kernel config does not set: libbpf reads
 * the config (/boot/config-$(uname -r), else /proc/config.gz), leaves it unset and fails the whole object
 * (`extern 'CONFIG_...' (strong): not resolved`, -ESRCH) before relocating anything: the program that never reads
 * it fails too. Kernels nobody runs here have an unknown config: their verdict stays the CO-RE one.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

__u64 out[2];

extern bool CONFIG_CORELENS_NO_SUCH_OPTION __kconfig;
extern bool CONFIG_BPF_SYSCALL __kconfig __weak;

SEC("kprobe/kcfg_missing_use")
int kcfg_missing_use(struct pt_regs *ctx)
{
	out[0] = CONFIG_CORELENS_NO_SUCH_OPTION;
	return 0;
}

SEC("kprobe/kcfg_missing_bystander")
int kcfg_missing_bystander(struct pt_regs *ctx)
{
	out[1] = CONFIG_BPF_SYSCALL ? bpf_get_current_pid_tgid() : 0;
	return 0;
}
