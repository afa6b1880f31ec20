// SPDX-License-Identifier: MIT
/*
 * kernel_tcp.bpf.c - TCP connect/accept tracing in the style of
 * libbpf-tools' tcpconnect and bcc's tcpaccept, against the generated
 * vmlinux.h.
 *   - tcp_v4_connect entry/return through BPF_KPROBE/BPF_KRETPROBE
 *     (pt_regs reads), the socket stashed in a map between them;
 *   - inet_csk_accept return: sock_common inside anonymous unions
 *     (skc_daddr, skc_rcv_saddr, skc_dport, skc_num, skc_family), the IPv6
 *     address array (BPF_CORE_READ_INTO), inet_sock (inet_sport);
 *   - sock::sk_protocol: a u16 since 5.6, a bitfield before (flavor
 *     sock___o read with BPF_CORE_READ_BITFIELD_PROBED, guarded);
 *   - tcp_sock srtt/rate fields and enum values of TCP states.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>

#define AF_INET 2
#define AF_INET6 10
#define IPPROTO_TCP 6

struct event {
	__u32 saddr_v4;
	__u32 daddr_v4;
	__u32 daddr_v6[4];
	__u16 lport;
	__u16 dport;
	__u16 family;
	__u16 proto;
	__u32 srtt;
	__u32 state;
	__u32 pid;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, u32);
	__type(value, struct sock *);
} sockets SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(key_size, sizeof(u32));
	__uint(value_size, sizeof(u32));
} events SEC(".maps");

/* before 5.6 sk_protocol was an 8-bit bitfield */
struct sock___o {
	unsigned int __sk_flags_offset[0];
	unsigned int sk_padding : 1, sk_kern_sock : 1, sk_no_check_tx : 1, sk_no_check_rx : 1, sk_userlocks : 4,
		sk_protocol : 8, sk_type : 16;
} __attribute__((preserve_access_index));

static __always_inline __u16 sock_protocol(struct sock *sk)
{
	if (bpf_core_field_exists(struct sock, sk_protocol) && bpf_core_field_size(sk->sk_protocol) == 2)
		return BPF_CORE_READ(sk, sk_protocol);
	return BPF_CORE_READ_BITFIELD_PROBED((struct sock___o *)sk, sk_protocol);
}

SEC("kprobe/tcp_v4_connect")
int BPF_KPROBE(tcp_v4_connect, struct sock *sk)
{
	u32 tid = (u32)bpf_get_current_pid_tgid();

	bpf_map_update_elem(&sockets, &tid, &sk, 0);
	return 0;
}

SEC("kretprobe/tcp_v4_connect")
int BPF_KRETPROBE(tcp_v4_connect_ret, int ret)
{
	u32 tid = (u32)bpf_get_current_pid_tgid();
	struct event e = {};
	struct sock **skpp;
	struct sock *sk;

	skpp = bpf_map_lookup_elem(&sockets, &tid);
	if (!skpp)
		return 0;
	if (ret)
		goto end;
	sk = *skpp;
	e.family = AF_INET;
	e.saddr_v4 = BPF_CORE_READ(sk, __sk_common.skc_rcv_saddr);
	e.daddr_v4 = BPF_CORE_READ(sk, __sk_common.skc_daddr);
	e.dport = BPF_CORE_READ(sk, __sk_common.skc_dport);
	e.lport = BPF_CORE_READ(sk, __sk_common.skc_num);
	e.pid = bpf_get_current_pid_tgid() >> 32;
	bpf_perf_event_output(ctx, &events, BPF_F_CURRENT_CPU, &e, sizeof(e));
end:
	bpf_map_delete_elem(&sockets, &tid);
	return 0;
}

SEC("kretprobe/inet_csk_accept")
int BPF_KRETPROBE(inet_csk_accept_ret, struct sock *newsk)
{
	struct inet_sock *inet = (struct inet_sock *)newsk;
	struct tcp_sock *tp = (struct tcp_sock *)newsk;
	struct event e = {};

	if (!newsk)
		return 0;
	e.proto = sock_protocol(newsk);
	if (e.proto != IPPROTO_TCP)
		return 0;
	e.family = BPF_CORE_READ(newsk, __sk_common.skc_family);
	e.lport = BPF_CORE_READ(inet, inet_sport);
	e.dport = BPF_CORE_READ(newsk, __sk_common.skc_dport);
	e.state = BPF_CORE_READ(newsk, __sk_common.skc_state) == bpf_core_enum_value(enum tcp_ca_state, TCP_CA_Open);
	if (e.family == AF_INET) {
		e.daddr_v4 = BPF_CORE_READ(newsk, __sk_common.skc_daddr);
	} else if (e.family == AF_INET6) {
		BPF_CORE_READ_INTO(&e.daddr_v6, newsk, __sk_common.skc_v6_daddr.in6_u.u6_addr32);
	}
	e.srtt = BPF_CORE_READ(tp, srtt_us) >> 3;
	e.pid = bpf_get_current_pid_tgid() >> 32;
	bpf_perf_event_output(ctx, &events, BPF_F_CURRENT_CPU, &e, sizeof(e));
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
