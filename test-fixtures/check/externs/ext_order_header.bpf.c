// SPDX-License-Identifier: MIT
/*
 * ext_order_header.bpf.c - which unsectioned extern libbpf's open names first (the first in the symbol table): the
 * header's weak function (ext_order.bpf.h) comes before the document's program in clang's module, so its
 * corelens_order_alloc_internal is named, not the document's corelens_order_doc_fn.
 */
#include "ext_order.bpf.h"

char LICENSE[] SEC("license") = "GPL";

void corelens_order_doc_fn(int pid);

SEC("tp_btf/sched_process_exec")
int BPF_PROG(order_header, struct task_struct *p)
{
	corelens_order_doc_fn(p->pid);
	return corelens_order_header_init();
}
