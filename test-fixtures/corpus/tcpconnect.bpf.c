// SPDX-License-Identifier: MIT
// corpus-build: arm64
/*
 * tcpconnect.bpf.c - outgoing TCP connections with their 4-tuple and result
 * (libbpf-tools' tcpconnect).
 *   - kprobe/tcp_v4_connect and kretprobe/tcp_v4_connect via BPF_KPROBE and
 *     BPF_KRETPROBE: the socket is kept per thread between entry and return;
 *   - kprobe/tcp_v6_connect and kretprobe/tcp_v6_connect written without the
 *     macros: PT_REGS_PARM1(ctx) and PT_REGS_RC(ctx) (on arm64: regs[0] of
 *     struct user_pt_regs);
 *   - sock_tuple() from net.bpf.h (sock_common inside anonymous unions, IPv6
 *     with BPF_CORE_READ_INTO, sock_protocol() with its pre-5.6 bitfield
 *     fallback) inlined into both return probes.
 * Loads on every kernel.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "events.h"
#include "compat.bpf.h"
#include "task.bpf.h"
#include "net.bpf.h"

const volatile bool do_count = false;
const volatile __u16 filter_port = 0;

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u32);
	__type(value, struct sock *);
} sockets SEC(".maps");

static __always_inline int enter_tcp_connect(struct sock *sk)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();

	bpf_map_update_elem(&sockets, &tid, &sk, 0);
	return 0;
}

static __always_inline int exit_tcp_connect(struct pt_regs *ctx, int ret)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct sock **skpp, *sk;
	struct net_event *e;

	skpp = bpf_map_lookup_elem(&sockets, &tid);
	if (!skpp)
		return 0;
	sk = *skpp;
	if (ret)
		goto end;
	e = reserve_buf(sizeof(*e));
	if (!e)
		goto end;
	fill_hdr(&e->hdr, EV_CONNECT);
	sock_tuple(sk, e);
	if (filter_port && e->dport != filter_port) {
		discard_buf(e);
		goto end;
	}
	e->ret = ret;
	submit_buf(ctx, e, sizeof(*e));
end:
	bpf_map_delete_elem(&sockets, &tid);
	return 0;
}

SEC("kprobe/tcp_v4_connect")
int BPF_KPROBE(tcp_v4_connect, struct sock *sk)
{
	return enter_tcp_connect(sk);
}

SEC("kretprobe/tcp_v4_connect")
int BPF_KRETPROBE(tcp_v4_connect_ret, int ret)
{
	return exit_tcp_connect(ctx, ret);
}

SEC("kprobe/tcp_v6_connect")
int tcp_v6_connect(struct pt_regs *ctx)
{
	return enter_tcp_connect((struct sock *)PT_REGS_PARM1(ctx));
}

SEC("kretprobe/tcp_v6_connect")
int tcp_v6_connect_ret(struct pt_regs *ctx)
{
	return exit_tcp_connect(ctx, (int)PT_REGS_RC(ctx));
}

char LICENSE[] SEC("license") = "GPL";
