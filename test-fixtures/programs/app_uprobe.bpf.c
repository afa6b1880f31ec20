// SPDX-License-Identifier: MIT
/*
 * app_uprobe.bpf.c - userspace CO-RE (issue 8): a uprobe on the fixture apps'
 * `int add_test(struct data *d)` (test-fixtures/apps/src/uprobe_v*.c).
 *
 * The local struct data is declared under the preserve_access_index pragma
 * with the v1 layout { a, c, d }. Against the app versions: c is at 4 (v1),
 * 8 (v2: b inserted), 8 (v3: a widened to long long, d removed, so the
 * guarded read of d is poisoned and field_exists(d) is 0 there). pt_regs is
 * the kernel's: relocated against an app alone it has no candidate (poison);
 * against the app merged with a kernel (`kind=app,base=KERNEL`) both resolve.
 * libbpf 1.1's bpf_tracing.h has no BPF_UPROBE: BPF_KPROBE is the same thing.
 */
#include "fixture.h"
#define __VMLINUX_H__
#include <bpf/bpf_tracing.h>

struct pt_regs {
	unsigned long di, si, dx, cx, r8, r9, ax, sp, ip;
} __attribute__((preserve_access_index));

#pragma clang attribute push(__attribute__((preserve_access_index)), apply_to = record)
struct data {
	int a;
	int c;
	int d;
};
#pragma clang attribute pop

SEC("uprobe/add_test")
int BPF_KPROBE(app_add_test, struct data *d)
{
	OUT(0, BPF_CORE_READ(d, a));
	OUT(1, BPF_CORE_READ(d, c));
	if (bpf_core_field_exists(d->d))
		OUT(2, BPF_CORE_READ(d, d));
	OUT(3, bpf_core_field_offset(d->c));
	OUT(4, bpf_core_field_size(d->a));
	OUT(5, bpf_core_type_size(struct data));
	OUT(6, bpf_core_type_exists(struct data));
	return 0;
}

SEC("uretprobe/add_test")
int BPF_KRETPROBE(app_add_test_ret, int ret)
{
	OUT(7, ret);
	return 0;
}
