// SPDX-License-Identifier: MIT
/*
 * tcpretrans.bpf.c - TCP retransmissions and tail loss probes
 * (libbpf-tools' tcpretrans and bcc's tcpretrans -l).
 *   - tp/tcp/tcp_retransmit_skb with trace_event_raw_tcp_event_sk_skb: that
 *     context struct was replaced by trace_event_raw_tcp_retransmit_skb in
 *     6.x, so this program fails to load on 6.18 and the 2026 CI kernel (and
 *     on this machine), and 5.10's version of it has no `family` yet, so it
 *     fails there too; userspace falls back to the kprobe below;
 *   - kprobe/tcp_retransmit_skb via BPF_KPROBE: sock_tuple() and
 *     tcp_counters() (container_of to tcp_sock), the congestion state bitfield
 *     icsk_ca_state via BPF_CORE_READ_BITFIELD_PROBED compared with
 *     bpf_core_enum_value(enum tcp_ca_state, TCP_CA_Loss);
 *   - kprobe/tcp_send_loss_probe via BPF_KPROBE.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "events.h"
#include "compat.bpf.h"
#include "task.bpf.h"
#include "net.bpf.h"

#define RETRANSMIT 1
#define TLP 2

static __always_inline int trace_event(void *ctx, struct sock *sk, __u32 type)
{
	struct inet_connection_sock *icsk = (struct inet_connection_sock *)sk;
	struct net_event *e;

	e = reserve_buf(sizeof(*e));
	if (!e)
		return 0;
	fill_hdr(&e->hdr, EV_RETRANS);
	sock_tuple(sk, e);
	tcp_counters(sk, e);
	e->newstate = BPF_CORE_READ(sk, __sk_common.skc_state);
	e->oldstate = BPF_CORE_READ_BITFIELD_PROBED(icsk, icsk_ca_state);
	e->reason = type;
	if (e->oldstate == bpf_core_enum_value(enum tcp_ca_state, TCP_CA_Loss))
		e->reason |= 1u << 8;
	submit_buf(ctx, e, sizeof(*e));
	return 0;
}

SEC("tp/tcp/tcp_retransmit_skb")
int tp_tcp_retransmit_skb(struct trace_event_raw_tcp_event_sk_skb *ctx)
{
	struct net_event *e;

	if (ctx->family != AF_INET)
		return 0;
	e = reserve_buf(sizeof(*e));
	if (!e)
		return 0;
	fill_hdr(&e->hdr, EV_RETRANS);
	e->family = ctx->family;
	e->sport = ctx->sport;
	e->dport = ctx->dport;
	e->newstate = ctx->state;
	bpf_probe_read_kernel(&e->saddr.v4, sizeof(e->saddr.v4), ctx->saddr);
	bpf_probe_read_kernel(&e->daddr.v4, sizeof(e->daddr.v4), ctx->daddr);
	e->reason = RETRANSMIT;
	submit_buf(ctx, e, sizeof(*e));
	return 0;
}

SEC("kprobe/tcp_retransmit_skb")
int BPF_KPROBE(tcp_retransmit_skb, struct sock *sk, struct sk_buff *skb)
{
	return trace_event(ctx, sk, RETRANSMIT);
}

SEC("kprobe/tcp_send_loss_probe")
int BPF_KPROBE(tcp_send_loss_probe, struct sock *sk)
{
	return trace_event(ctx, sk, TLP);
}

char LICENSE[] SEC("license") = "GPL";
