// SPDX-License-Identifier: MIT
/*
 * tcpaccept.bpf.c - accepted TCP connections (bcc's tcpaccept, ported).
 *   - kretprobe/inet_csk_accept: the new socket from PT_REGS_RC(ctx) in a
 *     BPF_KRETPROBE-less program, its protocol through sock_protocol()
 *     (bpf_core_field_size guard, BPF_CORE_READ_BITFIELD_PROBED on the
 *     pre-5.6 layout), listen backlog through container_of to
 *     inet_connection_sock, sk_type at sk + offsetof(struct sock, sk_type);
 *   - fexit/inet_csk_accept via BPF_PROG: direct loads through the returned
 *     BTF pointer (sk->__sk_common.skc_num), written for the two-argument
 *     signature of 6.10+.
 * Loads on every kernel.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "events.h"
#include "compat.bpf.h"
#include "task.bpf.h"
#include "net.bpf.h"

#define IPPROTO_TCP_NUM 6

SEC("kretprobe/inet_csk_accept")
int inet_csk_accept_ret(struct pt_regs *ctx)
{
	struct sock *sk = (struct sock *)PT_REGS_RC(ctx);
	struct inet_connection_sock *icsk;
	struct net_event *e;

	if (!sk)
		return 0;
	if (sock_protocol(sk) != IPPROTO_TCP_NUM)
		return 0;
	e = reserve_buf(sizeof(*e));
	if (!e)
		return 0;
	fill_hdr(&e->hdr, EV_ACCEPT);
	sock_tuple(sk, e);
	icsk = container_of(sk, struct inet_connection_sock, icsk_inet.sk);
	e->len = BPF_CORE_READ(icsk, icsk_accept_queue.rskq_defer_accept);
	/* libbpf's offsetof is a relocated address computation on a preserve_access_index type */
	bpf_probe_read_kernel(&e->reason, sizeof(__u16), (void *)sk + offsetof(struct sock, sk_type));
	submit_buf(ctx, e, sizeof(*e));
	return 0;
}

SEC("fexit/inet_csk_accept")
int BPF_PROG(inet_csk_accept_exit, struct sock *sk, void *arg, struct sock *newsk)
{
	struct net_event *e;

	if (!newsk)
		return 0;
	e = reserve_buf(sizeof(*e));
	if (!e)
		return 0;
	fill_hdr(&e->hdr, EV_ACCEPT);
	e->family = newsk->__sk_common.skc_family;
	e->sport = newsk->__sk_common.skc_num;
	e->dport = bpf_ntohs(newsk->__sk_common.skc_dport);
	e->saddr.v4 = newsk->__sk_common.skc_rcv_saddr;
	e->daddr.v4 = newsk->__sk_common.skc_daddr;
	e->protocol = newsk->sk_protocol;
	submit_buf(ctx, e, sizeof(*e));
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
