// SPDX-License-Identifier: MIT
/* The same records read where the verifier knows the pointer, or where nothing is loaded: every program loads. */
#include "app_stats.bpf.h"

char LICENSE[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct app_queue);
} queues SEC(".maps");

/* a map value: the helpers read through a pointer the verifier knows */
SEC("kprobe/wake_up_new_task")
int BPF_KPROBE(pr_map_value)
{
	__u32 k = 0;
	struct app_queue *q = bpf_map_lookup_elem(&queues, &k);

	if (q)
		out = queue_len(q);
	return 0;
}

/* a read whose value nobody uses: clang drops the load */
SEC("kprobe/do_sys_openat2")
int BPF_KPROBE(pr_dead, int dfd)
{
	long base = PT_REGS_PARM2_CORE(ctx);
	long n = ((struct app_stats *)base)->count;

	return 0;
}

/* the stack */
SEC("kprobe/do_nanosleep")
int BPF_KPROBE(pr_stack)
{
	long buf[2] = { 1, 2 };
	long *t = buf;

	out = *t + t[1];
	return 0;
}

/* an array a probe read filled: its elements are read from the stack */
SEC("kprobe/do_unlinkat")
int BPF_KPROBE(pr_probed_array, int dfd, struct filename *name)
{
	char buf[16];

	bpf_probe_read_kernel_str(&buf, sizeof(buf), BPF_CORE_READ(name, name));
	out = buf[1] + buf[2];
	return 0;
}

/* a BTF-typed argument cast to the tool's record: the verifier checks the offset against task_struct and allows it */
SEC("tp_btf/sched_process_fork")
int BPF_PROG(pr_typed, struct task_struct *parent, struct task_struct *child)
{
	out = ((struct app_stats *)parent)->count;
	return 0;
}

/* a packet pointer made from `ctx->data` through a copy of ctx: a tc program's numbers cast to pointers are no claim */
SEC("tc")
int pr_packet(struct __sk_buff *skb)
{
	struct __sk_buff *s = skb;
	void *data = (void *)(long)s->data;
	void *end = (void *)(long)s->data_end;
	struct ethhdr *eth = data;

	if ((void *)(eth + 1) > end)
		return 0;
	out = eth->h_proto;
	return 0;
}
