// SPDX-License-Identifier: MIT
/*
 * uprobe_data.bpf.c - userspace CO-RE: a uprobe on an app's
 * `int add_test(struct data *d)` (test-fixtures/btf/apps/btf-base*.c).
 *
 * The local `struct data` is the v1 layout { a, c, d }; v2 inserts `b`, so
 * `c` moves from offset 4 to 8. Relocated against an app's BTF merged with a
 * kernel's (`corelens merge KERNEL APP`, loaded through btf_custom_path), the
 * same object finds the app's struct data and the kernel's struct pt_regs
 * (the argument comes from pt_regs->di through BPF_KPROBE).
 */
#include "fixture.h"
/* kernel-style pt_regs field names (di, si, ...) as with a vmlinux.h */
#define __VMLINUX_H__
#include <bpf/bpf_tracing.h>

struct pt_regs {
	unsigned long di, si, dx, cx, r8, r9, ax, sp, ip;
} __attribute__((preserve_access_index));

/* the app's type, as of v1 */
struct data {
	int a;
	int c;
	int d;
} __attribute__((preserve_access_index));

SEC("uprobe/add_test")
int BPF_KPROBE(trace_add_test, struct data *d)
{
	OUT(0, BPF_CORE_READ(d, a));
	OUT(1, BPF_CORE_READ(d, c));
	OUT(2, bpf_core_field_exists(d->d));
	OUT(3, bpf_core_type_size(struct data));
	OUT(4, bpf_core_field_offset(d->c));
	return 0;
}
