// SPDX-License-Identifier: MIT
/*
 * globalfunc.bpf.c - global (non-static, __noinline) subprograms, which the kernel verifies on their own with
 * arguments typed from BTF (btf_prepare_func_args): a `struct __sk_buff *` argument of a tc program's global
 * function is its context (PTR_TO_CTX), so packet pointers read from it are packet pointers there too (pping's
 * parse_packet_identifer_tc); the same for `struct xdp_md *` in XDP and `struct pt_regs *` in a kprobe. A number
 * read from the context stays a number: a pointer made of it is still rejected.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_tracing.h>
#include "packet.bpf.h"

char LICENSE[] SEC("license") = "GPL";

__u64 seen[8];

/* the TTL of an IPv4 packet, parsed in a global function given the skb */
__noinline int ttl_of_skb(struct __sk_buff *skb)
{
	void *data_end = (void *)(long)skb->data_end;
	void *data = (void *)(long)skb->data;
	struct iphdr *ip = ipv4_header(data, data_end);

	return ip ? ip->ttl : -1;
}

/* the same for XDP's context */
__noinline int ttl_of_xdp(struct xdp_md *ctx)
{
	void *data_end = (void *)(long)ctx->data_end;
	void *data = (void *)(long)ctx->data;
	struct iphdr *ip = ipv4_header(data, data_end);

	return ip ? ip->ttl : -1;
}

/* mark is a number in a global function too */
__noinline int mark_deref(struct __sk_buff *skb)
{
	struct iphdr *ip = (struct iphdr *)(long)skb->mark;

	return ip->ttl;
}

/* a kprobe's registers, read in a global function: numbers, read through the context */
__noinline int first_arg(struct pt_regs *ctx)
{
	return (int)PT_REGS_PARM1(ctx);
}

SEC("tc")
int tc_global_ttl(struct __sk_buff *skb)
{
	seen[0] = ttl_of_skb(skb);
	return 0;
}

SEC("xdp")
int xdp_global_ttl(struct xdp_md *ctx)
{
	seen[1] = ttl_of_xdp(ctx);
	return XDP_PASS;
}

SEC("tc")
int tc_global_mark(struct __sk_buff *skb)
{
	seen[2] = mark_deref(skb);
	return 0;
}

SEC("kprobe/do_nanosleep")
int kprobe_global_arg(struct pt_regs *ctx)
{
	seen[3] = first_arg(ctx);
	return 0;
}
