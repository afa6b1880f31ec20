// SPDX-License-Identifier: MIT
/*
 * kernel_net.bpf.c - a realistic networking tracer against real kernels.
 *
 * Local, partial declarations of sk_buff, sock, sock_common, inet_sock,
 * tcp_sock, net_device and skb_shared_info (like libbpf-tools' tcp tracers):
 *   - nested anonymous unions/structs of sock_common (skc_daddr/skc_dport
 *     live inside anonymous members in the kernel);
 *   - kernel bitfields: sk_buff::pkt_type / cloned, sock::sk_protocol
 *     (a u16 in current kernels, an 8-bit bitfield before 5.6) read with
 *     BPF_CORE_READ_BITFIELD(_PROBED);
 *   - a field that does not exist in any kernel (sk_buff___fake::nonexistent)
 *     guarded by bpf_core_field_exists;
 *   - enum values (tcp states, sk_buff's skb_drop_reason enumerators, which
 *     only newer kernels have);
 *   - arrays of arrays (net_device::name) and pointer-as-array on skb frags.
 */
#include "fixture.h"

struct net_device {
	char name[16];
	int ifindex;
	unsigned int mtu;
} __attribute__((preserve_access_index));

struct sock_common {
	union {
		struct {
			__be32 skc_daddr;
			__be32 skc_rcv_saddr;
		};
	};
	union {
		struct {
			__be16 skc_dport;
			__u16 skc_num;
		};
	};
	unsigned short skc_family;
	volatile unsigned char skc_state;
	int skc_bound_dev_if;
} __attribute__((preserve_access_index));

struct sock {
	struct sock_common __sk_common;
	int sk_rcvbuf;
	int sk_sndbuf;
	__u16 sk_protocol;
	__u16 sk_type;
	unsigned int sk_mark;
} __attribute__((preserve_access_index));

/* pre-5.6 layout: sk_protocol was a bitfield */
struct sock___old {
	unsigned int __sk_flags_offset[0];
	unsigned int sk_padding: 1, sk_kern_sock: 1, sk_no_check_tx: 1,
		     sk_no_check_rx: 1, sk_userlocks: 4, sk_protocol: 8, sk_type: 16;
} __attribute__((preserve_access_index));

struct inet_sock {
	struct sock sk;
	__be16 inet_sport;
	__be32 inet_saddr;
} __attribute__((preserve_access_index));

struct tcp_sock {
	__u32 snd_cwnd;
	__u32 srtt_us;
	__u32 rcv_nxt;
	__u32 snd_una;
	__u64 bytes_acked;
} __attribute__((preserve_access_index));

struct skb_frag_struct_local {
	unsigned int bv_len;
	unsigned int bv_offset;
} __attribute__((preserve_access_index));

struct sk_buff {
	union {
		struct {
			struct sk_buff *next;
			struct sk_buff *prev;
			union {
				struct net_device *dev;
				unsigned long dev_scratch;
			};
		};
	};
	struct sock *sk;
	unsigned int len;
	unsigned int data_len;
	__u16 mac_len;
	__u16 hdr_len;
	__u8 cloned: 1;
	__u8 pkt_type: 3;
	__u16 protocol;
	__u16 transport_header;
	__u16 network_header;
	__u32 mark;
	__u32 hash;
	unsigned char *head;
	unsigned char *data;
} __attribute__((preserve_access_index));

struct sk_buff___fake {
	int nonexistent;
} __attribute__((preserve_access_index));

enum {
	TCP_ESTABLISHED = 1,
	TCP_SYN_SENT = 2,
	TCP_CLOSE = 7,
};

enum skb_drop_reason {
	SKB_DROP_REASON_NOT_SPECIFIED = 2,
	SKB_DROP_REASON_NO_SOCKET = 3,
	SKB_DROP_REASON_TCP_CSUM = 5,
};

enum sk_state_local {
	TCP_LISTEN = 10,
};

static __always_inline int sk_proto(struct sock *sk)
{
	if (bpf_core_field_exists(struct sock___old, sk_protocol) &&
	    bpf_core_field_size(struct sock___old, sk_protocol) == 4)
		return BPF_CORE_READ_BITFIELD_PROBED((struct sock___old *)sk, sk_protocol);
	return BPF_CORE_READ(sk, sk_protocol);
}

SEC("kprobe/tcp_v4_connect")
int tcp_connect(struct sock *sk)
{
	struct inet_sock *inet = (void *)sk;
	struct tcp_sock *tp = (void *)sk;

	OUT(0, BPF_CORE_READ(sk, __sk_common.skc_daddr));
	OUT(1, BPF_CORE_READ(sk, __sk_common.skc_dport));
	OUT(2, BPF_CORE_READ(sk, __sk_common.skc_rcv_saddr));
	OUT(3, BPF_CORE_READ(sk, __sk_common.skc_num));
	OUT(4, BPF_CORE_READ(sk, __sk_common.skc_family));
	OUT(5, BPF_CORE_READ(sk, __sk_common.skc_state));
	OUT(6, BPF_CORE_READ(inet, inet_sport));
	OUT(7, BPF_CORE_READ(tp, snd_cwnd));
	OUT(8, BPF_CORE_READ(tp, srtt_us) >> 3);
	OUT(9, BPF_CORE_READ(tp, bytes_acked));
	OUT(10, sk_proto(sk));
	OUT(11, BPF_CORE_READ(sk, sk_mark));
	OUT(12, bpf_core_enum_value_exists(enum sk_state_local, TCP_LISTEN));
	OUT(13, bpf_core_type_size(struct tcp_sock));
	OUT(14, BPF_CORE_READ(sk, sk_rcvbuf) + BPF_CORE_READ(sk, sk_sndbuf));
	return 0;
}

SEC("tp_btf/kfree_skb")
int kfree_skb(__u64 *ctx)
{
	struct sk_buff *skb = (void *)ctx[0];
	char ifname[16];

	/* direct loads (BTF-typed pointer) */
	OUT(0, skb->len);
	OUT(1, skb->protocol);
	OUT(2, skb->mark);
	OUT(3, skb->dev ? skb->dev->ifindex : 0);
	OUT(4, BPF_CORE_READ_BITFIELD(skb, pkt_type));
	OUT(5, BPF_CORE_READ_BITFIELD(skb, cloned));
	OUT(6, skb->data - skb->head);
	OUT(7, skb->network_header);
	BPF_CORE_READ_STR_INTO(&ifname, skb, dev, name);
	OUT(8, ifname[0]);
	OUT(9, BPF_CORE_READ(skb, sk, __sk_common.skc_bound_dev_if));
	OUT(10, bpf_core_field_exists(((struct sk_buff___fake *)skb)->nonexistent)
		? BPF_CORE_READ((struct sk_buff___fake *)skb, nonexistent) : -1);
	OUT(11, bpf_core_enum_value_exists(enum skb_drop_reason, SKB_DROP_REASON_TCP_CSUM)
		? bpf_core_enum_value(enum skb_drop_reason, SKB_DROP_REASON_TCP_CSUM) : 0);
	OUT(12, bpf_core_enum_value(enum skb_drop_reason, SKB_DROP_REASON_NO_SOCKET));
	OUT(13, bpf_core_field_size(skb->dev->name));
	OUT(14, bpf_core_field_offset(skb->dev->name[4]));
	OUT(15, BPF_CORE_READ(skb, dev, mtu));
	OUT(16, skb->hash ^ skb->data_len ^ skb->mac_len);
	OUT(17, bpf_core_type_exists(struct skb_frag_struct_local));
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
