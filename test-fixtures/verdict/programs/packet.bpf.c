// SPDX-License-Identifier: MIT
/*
 * packet.bpf.c - direct packet access in tc and XDP programs (libbpf-bootstrap's tc.bpf.c, xdp tools): the 32-bit
 * context fields data, data_end, data_meta of __sk_buff and xdp_md are packet pointers to the verifier, so
 * `ip->ttl` (a CO-RE relocated read: vmlinux.h types have preserve_access_index) loads. Any other 32-bit context
 * field is a number: a pointer made of it is rejected with `invalid mem access 'scalar'`.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include "packet.bpf.h"

char LICENSE[] SEC("license") = "GPL";

__u64 out[8];

SEC("tc")
int tc_ttl(struct __sk_buff *ctx)
{
	void *data_end = (void *)(long)ctx->data_end;
	void *data = (void *)(long)ctx->data;
	struct iphdr *ip = ipv4_header(data, data_end);

	if (ip)
		out[0] = ip->ttl + bpf_ntohs(ip->tot_len);
	return 0;
}

/* data_meta is a packet pointer too (tc may read the XDP metadata in front of the packet). */
SEC("tc")
int tc_meta(struct __sk_buff *ctx)
{
	void *data = (void *)(long)ctx->data;
	__u32 *meta = (void *)(long)ctx->data_meta;

	if ((void *)(meta + 1) <= data)
		out[1] = *meta;
	return 0;
}

SEC("xdp")
int xdp_ttl(struct xdp_md *ctx)
{
	void *data_end = (void *)(long)ctx->data_end;
	void *data = (void *)(long)ctx->data;
	struct iphdr *ip = ipv4_header(data, data_end);

	if (ip)
		out[2] = ip->ttl;
	return XDP_PASS;
}

/* mark is a number: reading through it is rejected, whatever the program type. */
SEC("tc")
int tc_mark_deref(struct __sk_buff *ctx)
{
	struct iphdr *ip = (struct iphdr *)(long)ctx->mark;

	out[3] = ip->ttl;
	return 0;
}
