// SPDX-License-Identifier: MIT
/*
 * kconfig_virtual.bpf.c - a STRONG __kconfig extern named LINUX_* that libbpf does not know: libbpf fills only
 * CONFIG_* from the config and its own LINUX_* values, so it refuses the object on every machine (`extern (kcfg)
 * '...': unrecognized virtual extern`, -EINVAL); the object alone decides, whatever the target.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

__u64 out[1];

extern int LINUX_CORELENS_NOT_VIRTUAL __kconfig;

SEC("kprobe/kcfg_virtual")
int kcfg_virtual(struct pt_regs *ctx)
{
	out[0] = LINUX_CORELENS_NOT_VIRTUAL;
	return 0;
}
