// SPDX-License-Identifier: MIT
/*
 * ext_redecl.bpf.c - a kfunc declared twice, weak in one declaration only: the symbol is weak, so a kernel without
 * it still loads the object (libbpf makes a weak kfunc zero). bpf_sock_destroy (6.5 on) is declared weak by the
 * vmlinux.h-style header and strong here, as tools written before bpftool emitted kfunc prototypes do;
 * bpf_cgroup_from_id (6.3 on) is strong in the header and weak here. bpf_task_acquire stays weak from the header alone.
 */
#include "externs.bpf.h"
#include "kfunc_protos.bpf.h"

char LICENSE[] SEC("license") = "GPL";

__u64 out[4];

extern int bpf_sock_destroy(struct sock_common *sock) __ksym;
extern struct cgroup *bpf_cgroup_from_id(u64 cgid) __ksym __weak;
extern void bpf_cgroup_release(struct cgroup *cgrp) __ksym __weak;

SEC("iter/tcp")
int destroy_tcp(struct bpf_iter__tcp *ctx)
{
	struct sock_common *sk = ctx->sk_common;

	if (!sk)
		return 0;
	/* the read makes clang write sock_common in full: a kfunc parameter's struct reached first through a pointer
	 * member (bpf_iter__tcp's) and never in full is a FWD in the object's BTF, which libbpf finds incompatible with
	 * the kernel's prototype (not modelled by the live analysis: README, "Noticed and left") */
	out[2] = BPF_CORE_READ(sk, skc_family);
	out[0] = bpf_sock_destroy(sk);
	return 0;
}

SEC("tp_btf/cgroup_mkdir")
int BPF_PROG(cg_mkdir, struct cgroup *cgrp, const char *path)
{
	struct cgroup *c;

	if (!bpf_cgroup_from_id)
		return 0;
	c = bpf_cgroup_from_id(cgrp->kn->id);
	if (c) {
		out[1] = c->level;
		bpf_cgroup_release(c);
	}
	return 0;
}
