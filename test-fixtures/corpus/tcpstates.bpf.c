// SPDX-License-Identifier: MIT
/*
 * tcpstates.bpf.c - TCP state changes and connection lifetimes with their
 * byte counts (libbpf-tools' tcpstates and tcplife).
 *   - tp/sock/inet_sock_set_state with trace_event_raw_inet_sock_set_state:
 *     ctx->skaddr, old/new state, the address arrays copied out of the context;
 *   - tp_btf/inet_sock_set_state via BPF_PROG: the socket as a BTF pointer,
 *     bpf_skc_to_tcp_sock() to reach tcp_sock (container_of would be rejected
 *     on a BTF pointer) and direct loads of its counters;
 *   - X-macro state names from event_kinds.h (CORPUS_TCP_*).
 * Loads on every kernel.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "events.h"
#include "maps.bpf.h"
#include "compat.bpf.h"
#include "task.bpf.h"
#include "net.bpf.h"

#define IPPROTO_TCP_NUM 6

const volatile bool filter_by_sport = false;
const volatile short target_family = 0;

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, struct sock *);
	__type(value, __u64);
} timestamps SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u16);
	__type(value, __u16);
} sports SEC(".maps");

SEC("tp/sock/inet_sock_set_state")
int handle_set_state(struct trace_event_raw_inet_sock_set_state *ctx)
{
	struct sock *sk = (struct sock *)ctx->skaddr;
	__u16 family = ctx->family;
	__u16 sport = ctx->sport;
	__u64 *tsp, delta_us, ts;
	struct net_event *e;

	if (ctx->protocol != IPPROTO_TCP_NUM)
		return 0;
	if (target_family && target_family != family)
		return 0;
	if (filter_by_sport && !bpf_map_lookup_elem(&sports, &sport))
		return 0;
	tsp = bpf_map_lookup_elem(&timestamps, &sk);
	ts = bpf_ktime_get_ns();
	delta_us = tsp ? (ts - *tsp) / 1000 : 0;
	e = reserve_buf(sizeof(*e));
	if (!e)
		return 0;
	fill_hdr(&e->hdr, EV_STATE);
	e->span_us = delta_us;
	e->oldstate = ctx->oldstate;
	e->newstate = ctx->newstate;
	e->family = family;
	e->sport = sport;
	e->dport = ctx->dport;
	if (family == AF_INET) {
		bpf_probe_read_kernel(&e->saddr.v4, sizeof(e->saddr.v4), ctx->saddr);
		bpf_probe_read_kernel(&e->daddr.v4, sizeof(e->daddr.v4), ctx->daddr);
	} else {
		bpf_probe_read_kernel(&e->saddr.v6, sizeof(e->saddr.v6), ctx->saddr_v6);
		bpf_probe_read_kernel(&e->daddr.v6, sizeof(e->daddr.v6), ctx->daddr_v6);
	}
	submit_buf(ctx, e, sizeof(*e));
	if (ctx->newstate == CORPUS_TCP_CLOSE)
		bpf_map_delete_elem(&timestamps, &sk);
	else
		bpf_map_update_elem(&timestamps, &sk, &ts, BPF_ANY);
	return 0;
}

SEC("tp_btf/inet_sock_set_state")
int BPF_PROG(inet_sock_set_state_btf, const struct sock *sk, const int oldstate, const int newstate)
{
	struct tcp_sock *tp;
	struct net_event *e;

	if (newstate != CORPUS_TCP_CLOSE || sk->sk_protocol != IPPROTO_TCP_NUM)
		return 0;
	/* a BTF pointer to struct sock cannot be walked past its end: the helper re-types it */
	tp = bpf_skc_to_tcp_sock((void *)sk);
	if (!tp)
		return 0;
	e = reserve_buf(sizeof(*e));
	if (!e)
		return 0;
	fill_hdr(&e->hdr, EV_STATE);
	e->oldstate = oldstate;
	e->newstate = newstate;
	e->family = sk->__sk_common.skc_family;
	e->sport = sk->__sk_common.skc_num;
	e->dport = bpf_ntohs(sk->__sk_common.skc_dport);
	e->rx_bytes = tp->bytes_received;
	e->tx_bytes = tp->bytes_acked;
	e->srtt_us = tp->srtt_us >> 3;
	submit_buf(ctx, e, sizeof(*e));
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
