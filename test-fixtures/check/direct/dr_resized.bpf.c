// SPDX-License-Identifier: MIT
/* A direct load of a field whose size differs between kernels, an unsigned integer: libbpf resizes the load to the
 * target's field (sock::sk_tsflags, u16 in 6.1's vmlinux.h, u32 on 6.18), so it reads the whole field everywhere and
 * loads: no finding, where a probe read of sizeof(field) would read a part of it. */
#include "direct.bpf.h"

char LICENSE[] SEC("license") = "GPL";

SEC("tp_btf/tcp_retransmit_skb")
int BPF_PROG(tp_resized, const struct sock *sk, const struct sk_buff *skb)
{
	out = sk->sk_tsflags;
	return 0;
}
