// SPDX-License-Identifier: MIT
/*
 * ext_reserved_linked.bpf.c - a function defined in another object whose name C reserves (a leading underscore):
 * clang 14 writes no BTF for it at all (not even the FUNC no DATASEC lists that ext_linked.bpf.c's functions get),
 * so libbpf's open names it without " section": "failed to find BTF for extern '__corelens_linked_fn': -2".
 */
#include "externs.bpf.h"

char LICENSE[] SEC("license") = "GPL";

void __corelens_linked_fn(int pid);

SEC("tp_btf/sched_process_exec")
int BPF_PROG(reserved_linked, struct task_struct *p)
{
	__corelens_linked_fn(p->tgid);
	return 0;
}
