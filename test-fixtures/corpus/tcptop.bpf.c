// SPDX-License-Identifier: MIT
/*
 * tcptop.bpf.c - bytes sent and received per connection and process, plus UDP
 * sends by iterator kind (libbpf-tools' tcptop, bcc's udp tools).
 *   - kprobe/tcp_sendmsg and kprobe/tcp_cleanup_rbuf via BPF_KPROBE, the key
 *     built by sock_tuple();
 *   - kprobe/udp_sendmsg via BPF_KPROBE: msg->msg_iter's type through
 *     iov_iter_type() (iter_type since 5.14, the low bits of `type` before),
 *     the iterator's address taken with CORE_ADDR (libbpf's ___arrow);
 *   - kretprobe/udp_sendmsg with PT_REGS_RC_CORE.
 * Loads on every kernel.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "events.h"
#include "maps.bpf.h"
#include "task.bpf.h"
#include "net.bpf.h"

const volatile pid_t target_pid = -1;
const volatile int target_family = -1;

struct ip_key_t {
	union addr saddr;
	union addr daddr;
	__u32 pid;
	__u16 lport;
	__u16 dport;
	__u16 family;
	char name[TASK_COMM_LEN];
};

struct traffic_t {
	__u64 sent;
	__u64 received;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, struct ip_key_t);
	__type(value, struct traffic_t);
} ip_map SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 16);
	__type(key, __u32);
	__type(value, __u64);
} udp_iters SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u32);
	__type(value, __u64);
} udp_bytes SEC(".maps");

static __always_inline int probe_ip(bool receiving, struct sock *sk, size_t size)
{
	struct traffic_t *trafficp, zero = {};
	struct ip_key_t key = {};
	struct net_event t = {};
	__u32 pid = bpf_get_current_pid_tgid() >> 32;

	if (target_pid != -1 && target_pid != pid)
		return 0;
	sock_tuple(sk, &t);
	if (target_family != -1 && target_family != t.family)
		return 0;
	key.pid = pid;
	key.family = t.family;
	key.lport = t.sport;
	key.dport = t.dport;
	key.saddr = t.saddr;
	key.daddr = t.daddr;
	bpf_get_current_comm(&key.name, sizeof(key.name));
	trafficp = lookup_or_init(&ip_map, &key, &zero);
	if (!trafficp)
		return 0;
	if (receiving)
		trafficp->received += size;
	else
		trafficp->sent += size;
	return 0;
}

SEC("kprobe/tcp_sendmsg")
int BPF_KPROBE(tcp_sendmsg, struct sock *sk, struct msghdr *msg, size_t size)
{
	return probe_ip(false, sk, size);
}

SEC("kprobe/tcp_cleanup_rbuf")
int BPF_KPROBE(tcp_cleanup_rbuf, struct sock *sk, int copied)
{
	if (copied <= 0)
		return 0;
	return probe_ip(true, sk, copied);
}

SEC("kprobe/udp_sendmsg")
int BPF_KPROBE(udp_sendmsg, struct sock *sk, struct msghdr *msg, size_t len)
{
	struct iov_iter *iter = CORE_ADDR(msg, msg_iter);
	__u32 kind = iov_iter_type(iter) & 0xf;
	__u64 *count = bpf_map_lookup_elem(&udp_iters, &kind);

	if (count)
		__sync_fetch_and_add(count, 1);
	return 0;
}

SEC("kretprobe/udp_sendmsg")
int BPF_KRETPROBE(udp_sendmsg_ret)
{
	__u32 pid = bpf_get_current_pid_tgid() >> 32;
	long ret = PT_REGS_RC_CORE(ctx);
	__u64 zero = 0, *total;

	if (ret <= 0)
		return 0;
	total = lookup_or_init(&udp_bytes, &pid, &zero);
	if (total)
		__sync_fetch_and_add(total, ret);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
