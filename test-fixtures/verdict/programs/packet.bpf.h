/* SPDX-License-Identifier: MIT */
/*
 * packet.bpf.h - header parsing as networking tools write it: each step checks the next header against data_end
 * before the caller reads it. The pointers start as `(void *)(long)ctx->data`: a 32-bit context load that the
 * verifier rewrites into a packet pointer, so reads through them are direct packet access, not plain numbers.
 */
#ifndef PACKET_BPF_H
#define PACKET_BPF_H

#define ETH_P_IP 0x0800

/* The IPv4 header after the Ethernet header, or NULL when the packet is shorter or not IPv4. */
static __always_inline struct iphdr *ipv4_header(void *data, void *data_end)
{
	struct ethhdr *eth = data;
	struct iphdr *ip;

	if ((void *)(eth + 1) > data_end)
		return NULL;
	if (eth->h_proto != bpf_htons(ETH_P_IP))
		return NULL;
	ip = (struct iphdr *)(eth + 1);
	if ((void *)(ip + 1) > data_end)
		return NULL;
	return ip;
}

#endif /* PACKET_BPF_H */
