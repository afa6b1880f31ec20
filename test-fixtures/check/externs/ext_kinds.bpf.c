// SPDX-License-Identifier: MIT
/*
 * ext_kinds.bpf.c - one kept extern of each kind, across several programs: a typed per-CPU variable declared in a
 * header (softnet_data, 6.1 on) used through an inline helper, a typed one declared here (runqueues, 6.1 on), an
 * untyped one (an address from /proc/kallsyms: known only on the running kernel), a kfunc used only in a global
 * function no program calls (clang emits it all the same: a .text function of its own), and a typed one used under
 * a CO-RE check (still emitted: the check is no constant to clang). libbpf names the first missing one by name.
 */
#include "externs.bpf.h"

char LICENSE[] SEC("license") = "GPL";

__u64 out[8];

extern struct rq runqueues __ksym;
extern const void bpf_prog_active __ksym;
extern struct cgroup *bpf_cgroup_acquire(struct cgroup *cgrp) __ksym;
extern void bpf_cgroup_release(struct cgroup *cgrp) __ksym;
extern const struct bpf_prog_aux corelens_guarded_only __ksym;

__noinline int global_not_called(struct cgroup *cg)
{
	struct cgroup *c = bpf_cgroup_acquire(cg);

	if (c)
		bpf_cgroup_release(c);
	return 0;
}

SEC("kprobe/ext_kinds_net")
int kinds_net(struct pt_regs *ctx)
{
	out[0] = softnet_processed();
	return 0;
}

SEC("kprobe/ext_kinds_sched")
int kinds_sched(struct pt_regs *ctx)
{
	struct rq *rq = bpf_this_cpu_ptr(&runqueues);

	out[1] = BPF_CORE_READ(rq, nr_running) + (__u64)&bpf_prog_active;
	if (bpf_core_type_exists(struct corelens_no_such_type))
		out[2] = (__u64)&corelens_guarded_only;
	return 0;
}
