// SPDX-License-Identifier: MIT
/*
 * dynptr.bpf.c - kfuncs that return memory (issue 13): bpf_dynptr_slice() and bpf_dynptr_slice_rdwr() give a
 * pointer to `buffer__szk` bytes of the packet (or of the buffer) that may be NULL; the kernel types it PTR_TO_MEM
 * (read-only for bpf_dynptr_slice) | PTR_MAYBE_NULL. Read after a NULL check, the slice loads in tc and XDP
 * programs (libbpf-rs's netfilter_blocklist does the same in a netfilter program); `iphdr` reads through it are CO-RE
 * relocated (vmlinux.h types have preserve_access_index). Without the NULL check the kernel rejects the program
 * ("invalid mem access 'rdonly_mem_or_null'"), as it does a ring buffer reservation used unchecked; so does corelens.
 * Past the slice's size it rejects it too ("invalid access to memory"): bounds are not modelled (class "other").
 * bpf_dynptr_slice_rdwr() is not here: this kernel refuses it in tc and XDP programs ("... is not allowed").
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

extern int bpf_dynptr_from_skb(struct __sk_buff *s, __u64 flags, struct bpf_dynptr *ptr__uninit) __ksym;
extern int bpf_dynptr_from_xdp(struct xdp_md *x, __u64 flags, struct bpf_dynptr *ptr__uninit) __ksym;
extern void *bpf_dynptr_slice(const struct bpf_dynptr *p, __u32 offset, void *buffer__opt, __u32 buffer__szk) __ksym;
extern void *bpf_dynptr_slice_rdwr(const struct bpf_dynptr *p, __u32 offset, void *buffer__opt, __u32 buffer__szk) __ksym;

__u64 out[8];

SEC("tc")
int tc_slice(struct __sk_buff *ctx)
{
	struct bpf_dynptr ptr;
	struct iphdr buf = {}, *ip;

	if (bpf_dynptr_from_skb(ctx, 0, &ptr))
		return 0;
	ip = bpf_dynptr_slice(&ptr, 14, &buf, sizeof(buf));
	if (!ip)
		return 0;
	if (ip->version != 4)
		return 0;
	out[0] = ip->daddr;
	return 0;
}

SEC("xdp")
int xdp_slice(struct xdp_md *ctx)
{
	struct bpf_dynptr ptr;
	struct ethhdr buf, *eth;

	if (bpf_dynptr_from_xdp(ctx, 0, &ptr))
		return XDP_PASS;
	eth = bpf_dynptr_slice(&ptr, 0, &buf, sizeof(buf));
	if (!eth)
		return XDP_PASS;
	out[1] = eth->h_proto;
	return XDP_PASS;
}

/* A ring buffer reservation written before its NULL check: rejected ("R0 invalid mem access 'ringbuf_mem_or_null'"). */
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);
} events SEC(".maps");

SEC("tc")
int tc_ringbuf_nocheck(struct __sk_buff *ctx)
{
	__u32 *e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);

	*e = ctx->len;
	bpf_ringbuf_submit(e, 0);
	return 0;
}

SEC("tc")
int tc_ringbuf(struct __sk_buff *ctx)
{
	__u32 *e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);

	if (!e)
		return 0;
	*e = ctx->len;
	bpf_ringbuf_submit(e, 0);
	return 0;
}

/* The NULL check on a copy kept on the stack: every copy learns it (mark_ptr_or_null_regs), so it loads. */
SEC("tc")
int tc_slice_spilled(struct __sk_buff *ctx)
{
	struct bpf_dynptr ptr;
	struct iphdr buf = {};
	struct iphdr *volatile keep;
	struct iphdr *ip;

	if (bpf_dynptr_from_skb(ctx, 0, &ptr))
		return 0;
	keep = bpf_dynptr_slice(&ptr, 14, &buf, sizeof(buf));
	ip = keep;
	if (!ip)
		return 0;
	ip = keep;
	out[2] = ip->saddr;
	return 0;
}

/* No NULL check: the kernel rejects the read ("R0 invalid mem access 'rdonly_mem_or_null'"). */
SEC("tc")
int tc_slice_nocheck(struct __sk_buff *ctx)
{
	struct bpf_dynptr ptr;
	struct iphdr buf = {}, *ip;

	if (bpf_dynptr_from_skb(ctx, 0, &ptr))
		return 0;
	ip = bpf_dynptr_slice(&ptr, 14, &buf, sizeof(buf));
	out[0] = ip->daddr;
	return 0;
}

/* Checked, but only on one path: the read on the other is rejected. */
SEC("xdp")
int xdp_slice_one_path(struct xdp_md *ctx)
{
	struct bpf_dynptr ptr;
	struct ethhdr buf, *eth;

	if (bpf_dynptr_from_xdp(ctx, 0, &ptr))
		return XDP_PASS;
	eth = bpf_dynptr_slice(&ptr, 0, &buf, sizeof(buf));
	if (bpf_get_prandom_u32() & 1) {
		if (!eth)
			return XDP_PASS;
		out[1] = eth->h_proto;
	} else {
		out[2] = eth->h_dest[0];
	}
	return XDP_PASS;
}

/* Past the slice's 4 bytes: the kernel rejects the read ("invalid access to memory, mem_size=4 off=16 size=4"). */
SEC("tc")
int tc_slice_oob(struct __sk_buff *ctx)
{
	struct bpf_dynptr ptr;
	__u32 buf;
	struct iphdr *ip;

	if (bpf_dynptr_from_skb(ctx, 0, &ptr))
		return 0;
	ip = bpf_dynptr_slice(&ptr, 14, &buf, sizeof(buf));
	if (!ip)
		return 0;
	out[0] = ip->daddr;
	return 0;
}
