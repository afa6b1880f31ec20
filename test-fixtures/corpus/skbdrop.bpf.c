// SPDX-License-Identifier: MIT
/*
 * skbdrop.bpf.c - dropped packets by reason, with their headers (in the style
 * of dropwatch, pwru and inspektor-gadget's packet drop tracer).
 *   - tp/skb/kfree_skb with trace_event_raw_kfree_skb: an early return where
 *     ctx->reason does not exist (`if (!has_kfree_skb_reason())`, 5.17+), then
 *     the reason mapped to our
 *     tracked reasons by an X-macro list expanding to bpf_core_enum_value_exists
 *     / bpf_core_enum_value per enumerator of enum skb_drop_reason (also 5.17+);
 *   - tp_btf/kfree_skb via BPF_PROG: the skb as a BTF pointer, the packet type
 *     bitfield read directly (skb->pkt_type), headers through skb_tuple()
 *     (head + network_header, &ip[1] for the TCP header);
 *   - raw_tp/kfree_skb: the monotonic-timestamp bit through skb_mono_ts()
 *     (guarded moved bitfield, BPF_CORE_READ_BITFIELD_PROBED), and then once
 *     more without the guard: skb->mono_delivery_time exists only from 5.18 to
 *     6.10, so this program loads on 6.1 only (fails on 5.10, 6.12, 6.18 and
 *     this machine).
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

#define TRACKED_DROP_REASONS(X)	\
	X(NOT_SPECIFIED)		\
	X(NO_SOCKET)			\
	X(TCP_CSUM)			\
	X(NETFILTER_DROP)		\
	X(SOCKET_RCVBUFF)

enum tracked_drop {
#define X(name) TRACKED_##name,
	TRACKED_DROP_REASONS(X)
#undef X
	TRACKED_OTHER,
	TRACKED_MAX
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, TRACKED_MAX);
	__type(key, __u32);
	__type(value, __u64);
} drops SEC(".maps");

/* our slot for a kernel drop reason: the enumerators' values differ between kernels */
static __always_inline __u32 tracked_slot(__u32 reason)
{
#define X(name)									\
	if (bpf_core_enum_value_exists(enum skb_drop_reason, SKB_DROP_REASON_##name) &&	\
	    reason == bpf_core_enum_value(enum skb_drop_reason, SKB_DROP_REASON_##name))	\
		return TRACKED_##name;
	TRACKED_DROP_REASONS(X)
#undef X
	return TRACKED_OTHER;
}

static __always_inline void count_drop(__u32 slot)
{
	__u64 *count = bpf_map_lookup_elem(&drops, &slot);

	if (count)
		*count += 1;
}

SEC("tp/skb/kfree_skb")
int tp_kfree_skb(struct trace_event_raw_kfree_skb *ctx)
{
	if (!has_kfree_skb_reason()) {
		count_drop(TRACKED_OTHER);
		return 0;
	}
	count_drop(tracked_slot(ctx->reason));
	return 0;
}

SEC("tp_btf/kfree_skb")
int BPF_PROG(kfree_skb_btf, struct sk_buff *skb, void *location, enum skb_drop_reason reason)
{
	struct net_event *e;

	if (skb->pkt_type != 0 /* PACKET_HOST */)
		return 0;
	if (BPF_CORE_READ(skb, protocol) != bpf_htons(ETH_P_IP))
		return 0;
	e = reserve_buf(sizeof(*e));
	if (!e)
		return 0;
	fill_hdr(&e->hdr, EV_DROP);
	skb_tuple(skb, e);
	e->reason = reason;
	e->ret = (__u64)location;
	submit_buf(ctx, e, sizeof(*e));
	return 0;
}

SEC("raw_tp/kfree_skb")
int BPF_PROG(kfree_skb_raw, struct sk_buff *skb, void *location)
{
	struct net_event *e;

	e = reserve_buf(sizeof(*e));
	if (!e)
		return 0;
	fill_hdr(&e->hdr, EV_DROP);
	e->len = BPF_CORE_READ(skb, len);
	e->mono_ts = skb_mono_ts(skb);
	/* the same bit without skb_mono_ts()'s guards */
	e->mono_ts |= BPF_CORE_READ_BITFIELD_PROBED(skb, mono_delivery_time) << 1;
	e->ret = (__u64)location;
	submit_buf(ctx, e, sizeof(*e));
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
