// SPDX-License-Identifier: MIT
// corpus-build: libbpf-1.5
/*
 * corecast.bpf.c - TCP round-trip times and task memory with bpf_core_cast,
 * as tools built against a recent libbpf write them (compiled with libbpf
 * 1.5's headers, which the system's 1.1.2 lacks).
 *   - kprobe/tcp_rcv_established via BPF_KPROBE: the plain sock pointer cast
 *     with bpf_core_cast(sk, struct tcp_sock) (the bpf_rdonly_cast kfunc plus
 *     bpf_core_type_id_kernel), then direct, relocated loads through it;
 *     guarded by bpf_ksym_exists(bpf_rdonly_cast), a weak kfunc resolved at
 *     load time (6.2+), with a BPF_CORE_READ fallback;
 *   - raw_tp/sched_process_exec via BPF_PROG: the task cast with bpf_core_cast
 *     and walked directly (task->mm->total_vm, task->real_parent->tgid);
 *   - libbpf 1.5's container_of/offsetof (offsetof force-redefined to the
 *     relocatable form).
 * Loads on every kernel that has bpf_rdonly_cast (6.2+; the fallback keeps
 * older kernels loading only where the verifier drops the dead kfunc call).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "events.h"
#include "maps.bpf.h"
#include "task.bpf.h"

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u32);
	__type(value, struct hist);
} rtts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u32);
	__type(value, __u64);
} vm_sizes SEC(".maps");

static struct hist zero_hist;

SEC("kprobe/tcp_rcv_established")
int BPF_KPROBE(tcp_rcv_established, struct sock *sk)
{
	__u32 key, srtt;
	struct hist *h;

	if (bpf_ksym_exists(bpf_rdonly_cast)) {
		struct tcp_sock *ts = bpf_core_cast(sk, struct tcp_sock);

		srtt = ts->srtt_us >> 3;
		key = ts->inet_conn.icsk_inet.sk.__sk_common.skc_dport;
	} else {
		struct tcp_sock *tp = container_of(sk, struct tcp_sock, inet_conn.icsk_inet.sk);

		srtt = BPF_CORE_READ(tp, srtt_us) >> 3;
		key = BPF_CORE_READ(sk, __sk_common.skc_dport);
	}
	h = lookup_or_init(&rtts, &key, &zero_hist);
	if (h)
		hist_add(h->slots, srtt);
	return 0;
}

SEC("raw_tp/sched_process_exec")
int BPF_PROG(sched_process_exec, struct task_struct *p, pid_t old_pid, struct linux_binprm *bprm)
{
	struct task_struct *t = bpf_core_cast(p, struct task_struct);
	__u32 ppid = t->real_parent->tgid;
	__u64 vm = t->mm ? t->mm->total_vm : 0;

	bpf_map_update_elem(&vm_sizes, &ppid, &vm, BPF_ANY);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
