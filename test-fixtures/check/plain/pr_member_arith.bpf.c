// SPDX-License-Identifier: MIT
/* Words copied out of a map value's byte array through casts (opentelemetry-ebpf-instrumentation's tp_from_parent:
 * `*((u64 *)(tp->trace_id + 8)) = *((u64 *)(parent->trace_id + 8))`): `parent->trace_id + 8` is an address inside
 * the map value, not a number read from it, so these loads are map-value reads the verifier accepts. */
#include "app_stats.bpf.h"

char LICENSE[] SEC("license") = "GPL";

struct trace { unsigned char trace_id[16]; unsigned char span_id[8]; __u8 flags; };
struct trace_rec { struct trace tp; __u32 pid; };

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, __u64);
	__type(value, struct trace_rec);
} traces SEC(".maps");

static __always_inline void trace_from_parent(struct trace *tp, struct trace *parent)
{
	*((__u64 *)tp->trace_id) = *((__u64 *)parent->trace_id);
	*((__u64 *)(tp->trace_id + 8)) = *((__u64 *)(parent->trace_id + 8));
	*((__u64 *)tp->span_id) = *((__u64 *)parent->span_id);
	tp->flags = parent->flags;
}

SEC("kprobe/do_nanosleep")
int BPF_KPROBE(pr_member_arith)
{
	__u64 k = bpf_get_current_pid_tgid();
	struct trace t = {};
	struct trace_rec *parent = bpf_map_lookup_elem(&traces, &k);

	if (parent)
		trace_from_parent(&t, &parent->tp);
	out = *((__u64 *)(t.trace_id + 8));
	return 0;
}
