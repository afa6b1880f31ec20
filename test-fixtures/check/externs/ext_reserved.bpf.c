// SPDX-License-Identifier: MIT
/*
 * ext_reserved.bpf.c - kfuncs whose names C reserves (a leading underscore), as sched-ext's
 * `__scx_bpf_dsq_insert_vtime`. clang 14 writes no debug info for a called extern function of such a name (it
 * elides call-site declarations of reserved names), so the object has the call's undefined symbol and no BTF for
 * it: libbpf's open refuses the object on every kernel ("failed to find BTF for extern '__corelens_called_only':
 * -2"). One whose address is also taken (`if (&f)`, what bpf_ksym_exists does) gets its BTF from that reference;
 * an extern variable keeps its BTF whatever its name. ext_reserved_linked.bpf.c: a function of another object.
 */
#include "externs.bpf.h"

char LICENSE[] SEC("license") = "GPL";

int __corelens_tested(struct task_struct *p) __ksym __weak;
extern int __corelens_called_only(struct task_struct *p, __u64 flags) __ksym __weak;
extern const int __corelens_reserved_var __ksym __weak;

__u64 out[3];

static __always_inline int insert(struct task_struct *p, __u64 flags)
{
	if (bpf_core_type_exists(struct task_struct))
		return __corelens_called_only(p, flags);
	return -1;
}

SEC("tp_btf/sched_process_exec")
int BPF_PROG(reserved_kfuncs, struct task_struct *p)
{
	if (&__corelens_tested)
		out[0] = __corelens_tested(p);
	out[1] = &__corelens_reserved_var != 0;
	out[2] = insert(p, 1);
	return 0;
}
