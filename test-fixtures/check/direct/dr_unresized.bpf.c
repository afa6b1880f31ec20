// SPDX-License-Identifier: MIT
/* A direct load of a field whose size differs between kernels, a signed integer: sock::sk_gso_type is an int in
 * 6.1's vmlinux.h and a u16 on 6.18. libbpf resizes only unsigned integers and pointers, so it poisons the load on
 * 6.18 and the verifier refuses the program there; 5.10 has the int and loads. */
#include "direct.bpf.h"

char LICENSE[] SEC("license") = "GPL";

SEC("tp_btf/tcp_retransmit_skb")
int BPF_PROG(tp_unresized, const struct sock *sk, const struct sk_buff *skb)
{
	out = sk->sk_gso_type;
	return 0;
}
