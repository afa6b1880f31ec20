// SPDX-License-Identifier: MIT
/*
 * live_macros.bpf.c - libbpf's own macros as real programs use them:
 * PT_REGS_PARMn / PT_REGS_RC / PT_REGS_SP / PT_REGS_IP and their _CORE forms,
 * BPF_KSYSCALL, BPF_KRETPROBE, container_of, offsetof, bpf_core_type_size of
 * typeof(*p), &p[1], a variable array index in a BPF_CORE_READ, member
 * chains as bpf_core_read() sources, and bpf_core_enum_value.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>

__u64 out[64];
#define OUT(i, v) (out[(i)] = (__u64)(v))

#ifndef container_of
#define container_of(ptr, type, member) \
	((type *)((void *)(ptr) - offsetof(type, member)))
#endif

SEC("kprobe/do_unlinkat")
int on_unlink(struct pt_regs *ctx)
{
	int dfd = PT_REGS_PARM1(ctx);
	struct filename *name = (struct filename *)PT_REGS_PARM2_CORE(ctx);

	OUT(0, dfd);
	OUT(1, BPF_CORE_READ(name, name));
	OUT(2, PT_REGS_SP(ctx));
	OUT(3, PT_REGS_IP_CORE(ctx));
	return 0;
}

SEC("kretprobe/do_unlinkat")
int BPF_KRETPROBE(on_unlink_ret, long ret)
{
	OUT(4, ret);
	return 0;
}

SEC("ksyscall/openat")
int BPF_KSYSCALL(on_openat, int dfd, const char *pathname, int flags)
{
	OUT(5, dfd + flags);
	OUT(6, (__u64)pathname);
	return 0;
}

SEC("kprobe/tcp_sendmsg")
int BPF_KPROBE(on_sendmsg, struct sock *sk)
{
	struct inet_sock *inet = container_of(sk, struct inet_sock, sk);
	struct tcp_sock *tp = (struct tcp_sock *)sk;
	int i = bpf_get_prandom_u32() & 3;

	OUT(7, BPF_CORE_READ(inet, inet_sport));
	OUT(8, bpf_core_type_size(typeof(*tp)));
	OUT(9, (__u64)&tp[1]);
	OUT(10, BPF_CORE_READ(sk, sk_cgrp_data.cgroup));
	OUT(11, bpf_core_field_size(sk->__sk_common.skc_v6_daddr.in6_u.u6_addr32[2]));
	OUT(15, BPF_CORE_READ(sk, __sk_common.skc_v6_daddr.in6_u.u6_addr32[i & 1]));
	return 0;
}

SEC("kprobe/vfs_fsync")
int BPF_KPROBE(on_fsync, struct file *file)
{
	__u64 ino = 0;
	struct qstr dn = {};

	struct inode *in = BPF_CORE_READ(file, f_inode);

	bpf_core_read(&ino, sizeof(ino), &in->i_ino);
	bpf_core_read(&dn, sizeof(dn), &file->f_path.dentry->d_name);
	OUT(12, ino);
	OUT(13, dn.len);
	OUT(14, bpf_core_enum_value(enum bpf_map_type, BPF_MAP_TYPE_RINGBUF));
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
