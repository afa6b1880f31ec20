/* SPDX-License-Identifier: MIT */
/*
 * net.bpf.h - sockets and packets: the 4-tuple of a socket (IPv4 and IPv6 live
 * in anonymous unions of sock_common), TCP counters through container_of, and
 * the IP/TCP headers of an skb found from head + offsets, with &ip[1] for the
 * header that follows.
 */
#ifndef __CORPUS_NET_BPF_H
#define __CORPUS_NET_BPF_H

#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>
#include "core_fixes.bpf.h"
#include "events.h"

#define AF_INET 2
#define AF_INET6 10
#define ETH_P_IP 0x0800

static __always_inline void sock_tuple(struct sock *sk, struct net_event *e)
{
	e->family = BPF_CORE_READ(sk, __sk_common.skc_family);
	e->sport = BPF_CORE_READ(sk, __sk_common.skc_num);
	e->dport = bpf_ntohs(BPF_CORE_READ(sk, __sk_common.skc_dport));
	if (e->family == AF_INET) {
		e->saddr.v4 = BPF_CORE_READ(sk, __sk_common.skc_rcv_saddr);
		e->daddr.v4 = BPF_CORE_READ(sk, __sk_common.skc_daddr);
	} else if (e->family == AF_INET6) {
		BPF_CORE_READ_INTO(&e->saddr.v6, sk, __sk_common.skc_v6_rcv_saddr.in6_u.u6_addr8);
		BPF_CORE_READ_INTO(&e->daddr.v6, sk, __sk_common.skc_v6_daddr.in6_u.u6_addr8);
	}
	e->protocol = sock_protocol(sk);
}

/* the tcp_sock around a sock: libbpf's container_of, whose offsetof is relocated */
static __always_inline struct tcp_sock *tcp_sk(const struct sock *sk)
{
	return container_of(sk, struct tcp_sock, inet_conn.icsk_inet.sk);
}

static __always_inline void tcp_counters(struct sock *sk, struct net_event *e)
{
	struct tcp_sock *tp = tcp_sk(sk);

	e->srtt_us = BPF_CORE_READ(tp, srtt_us) >> 3;
	e->snd_cwnd = BPF_CORE_READ(tp, snd_cwnd);
	e->rx_bytes = BPF_CORE_READ(tp, bytes_received);
	e->tx_bytes = BPF_CORE_READ(tp, bytes_acked);
}

/* the network header of an skb: head + network_header (an offset since 3.x) */
static __always_inline struct iphdr *skb_ip_header(struct sk_buff *skb)
{
	unsigned char *head = BPF_CORE_READ(skb, head);
	__u16 off = BPF_CORE_READ(skb, network_header);

	return (struct iphdr *)(head + off);
}

/* the header after a 20-byte IPv4 header without options */
static __always_inline struct tcphdr *ip_next_tcp(struct iphdr *ip)
{
	return (struct tcphdr *)&ip[1];
}

static __always_inline void skb_tuple(struct sk_buff *skb, struct net_event *e)
{
	struct iphdr *ip = skb_ip_header(skb);
	struct tcphdr *th;

	e->len = BPF_CORE_READ(skb, len);
	e->ifindex = BPF_CORE_READ(skb, dev, ifindex);
	e->family = AF_INET;
	e->protocol = BPF_CORE_READ(ip, protocol);
	e->saddr.v4 = BPF_CORE_READ(ip, saddr);
	e->daddr.v4 = BPF_CORE_READ(ip, daddr);
	if (e->protocol != IPPROTO_TCP)
		return;
	th = ip_next_tcp(ip);
	e->sport = bpf_ntohs(BPF_CORE_READ(th, source));
	e->dport = bpf_ntohs(BPF_CORE_READ(th, dest));
}

#endif /* __CORPUS_NET_BPF_H */
