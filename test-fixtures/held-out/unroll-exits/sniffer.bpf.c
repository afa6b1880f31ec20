// SPDX-License-Identifier: GPL-2.0
/* Programs over sniffer.bpf.h's loops, one section each (the comparison is per section), in the order of the grid
 * of loop shapes held-out-shapes.test.ts reads: which compound exits clang 14 unrolls fully under a pragma. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include "sniffer.bpf.h"

#define TASK struct task_struct *task = (void *)bpf_get_current_task()
#define PKT struct pkt *p = pkt_get(skb); if (!p) return 0

SEC("tc/kubeshark") int kubeshark(struct __sk_buff *skb) { TASK; PKT; return send_parts(skb, p, task); }
SEC("tc/kubeshark_egress") int kubeshark_egress(struct __sk_buff *skb) { TASK; PKT; return send_parts(skb, p, task) + 1; }
SEC("tc/counter_first") int counter_first(struct __sk_buff *skb) { TASK; PKT; send_parts_counter_first(skb, p, task); return 0; }

SEC("tc/helper_call") int helper_call(struct __sk_buff *skb)
{
	TASK; PKT;
#pragma unroll
	for (__u32 i = 0; (i < MAX_PARTS) && bpf_get_prandom_u32(); i++) /* unroll: 16 */
		part(skb, p, task, i);
	return 0;
}

SEC("tc/three_conjuncts") int three_conjuncts(struct __sk_buff *skb)
{
	TASK; PKT;
#pragma unroll
	for (__u32 i = 0; (i < MAX_PARTS) && p->counter && p->num != 7; i++) /* unroll: 16 */
		part(skb, p, task, i);
	return 0;
}

SEC("tc/less_equal") int less_equal(struct __sk_buff *skb)
{
	TASK; PKT;
#pragma unroll
	for (__u32 i = 0; (i <= MAX_PARTS - 1) && p->counter; i++) /* unroll: 16 */
		part(skb, p, task, i);
	return 0;
}

SEC("tc/not_equal") int not_equal(struct __sk_buff *skb)
{
	TASK; PKT;
#pragma unroll
	for (__u32 i = 0; (i != MAX_PARTS) && p->counter; i++) /* unroll: 16 */
		part(skb, p, task, i);
	return 0;
}

SEC("tc/count_down") int count_down(struct __sk_buff *skb)
{
	TASK; PKT;
#pragma unroll
	for (int i = MAX_PARTS - 1; (i >= 0) && p->counter; i--) /* unroll: 16 */
		part(skb, p, task, i);
	return 0;
}

SEC("tc/step_two") int step_two(struct __sk_buff *skb)
{
	TASK; PKT;
#pragma unroll
	for (__u32 i = 0; (i < MAX_PARTS) && p->counter; i += 2) /* unroll: 8 */
		part(skb, p, task, i);
	return 0;
}

SEC("tc/break_continue") int break_continue(struct __sk_buff *skb)
{
	TASK; PKT;
#pragma unroll
	for (__u32 i = 0; (i < MAX_PARTS) && p->counter; i++) { /* unroll: 16 */
		if (p->num == 3)
			continue;
		part(skb, p, task, i);
		if (p->len == 5)
			break;
		if (p->last == 2)
			return 1;
	}
	return 0;
}

SEC("tc/clang_full") int clang_full(struct __sk_buff *skb)
{
	TASK; PKT;
#pragma clang loop unroll(full)
	for (__u32 i = 0; (i < MAX_PARTS) && p->counter; i++) /* unroll: 16 */
		part(skb, p, task, i);
	return 0;
}

SEC("tc/gcc_unroll") int gcc_unroll(struct __sk_buff *skb)
{
	TASK; PKT;
#pragma GCC unroll 16
	for (__u32 i = 0; (i < MAX_PARTS) && p->counter; i++) /* unroll: 16 */
		part(skb, p, task, i);
	return 0;
}

SEC("tc/unroll_count") int unroll_count(struct __sk_buff *skb)
{
	TASK; PKT;
#pragma unroll 4
	for (__u32 i = 0; (i < MAX_PARTS) && p->counter; i++) /* unroll: x4 */
		part(skb, p, task, i);
	return 0;
}

SEC("tc/nested") int nested(struct __sk_buff *skb)
{
	TASK; PKT;
#pragma unroll
	for (__u32 i = 0; (i < 4) && p->counter; i++) { /* unroll: 4 */
#pragma unroll
		for (__u32 j = 0; (j < 4) && p->num; j++) /* unroll: 4 */
			part(skb, p, task, i * 4 + j);
	}
	return 0;
}

/* a local the loop never writes: unrolled when the loop has no other exit, rolled with a break */
SEC("tc/invariant_local") int invariant_local(struct __sk_buff *skb)
{
	TASK; PKT;
	__u32 mark = skb->mark;
#pragma unroll
	for (__u32 i = 0; (i < MAX_PARTS) && mark; i++) { /* unroll: 16 */
		part(skb, p, task, i);
		bpf_skb_load_bytes(skb, 0, p->buf, 1);
	}
	return 0;
}

SEC("tc/invariant_break") int invariant_break(struct __sk_buff *skb)
{
	TASK; PKT;
	__u32 mark = skb->mark;
#pragma unroll
	for (__u32 i = 0; (i < MAX_PARTS) && mark; i++) { /* unroll: none */
		part(skb, p, task, i);
		if (p->last)
			break;
	}
	return 0;
}

/* rolled: the next conjunct can be speculated (a local the loop writes, a global), or the start is unknown */
SEC("tc/written_local") int written_local(struct __sk_buff *skb)
{
	TASK; PKT;
	int left = skb->len;
#pragma unroll
	for (__u32 i = 0; (i < MAX_PARTS) && left > 0; i++) { /* unroll: none */
		part(skb, p, task, i);
		left -= PART_LEN;
	}
	return 0;
}

SEC("tc/done_flag") int done_flag(struct __sk_buff *skb)
{
	TASK; PKT;
	int done = 0;
#pragma unroll
	for (__u32 i = 0; i < MAX_PARTS && !done; i++) { /* unroll: none */
		part(skb, p, task, i);
		if (p->last)
			done = 1;
	}
	return 0;
}

SEC("tc/global_flag") int global_flag(struct __sk_buff *skb)
{
	TASK; PKT;
#pragma unroll
	for (__u32 i = 0; (i < MAX_PARTS) && stats[2]; i++) /* unroll: none */
		part(skb, p, task, i);
	return 0;
}

SEC("tc/unknown_start") int unknown_start(struct __sk_buff *skb)
{
	TASK; PKT;
#pragma unroll
	for (__u32 i = skb->mark & 3; (i < MAX_PARTS) && p->counter; i++) /* unroll: none */
		part(skb, p, task, i);
	return 0;
}

/* rolled: a load through the address of an object (a local, a global) can be speculated too */
SEC("tc/local_pointer") int local_pointer(struct __sk_buff *skb)
{
	TASK; PKT;
	struct pkt window = {};
	struct pkt *w = &window;
	w->counter = skb->len;
#pragma unroll
	for (__u32 i = 0; (i < MAX_PARTS) && w->counter; i++) { /* unroll: none */
		part(skb, p, task, i);
		w->counter >>= 1;
	}
	return window.len;
}

struct pkt shared;

SEC("tc/global_pointer") int global_pointer(struct __sk_buff *skb)
{
	TASK; PKT;
	__u64 *left = (__u64 *)&shared.counter;
#pragma unroll
	for (__u32 i = 0; (i < MAX_PARTS) && *left; i++) { /* unroll: none */
		part(skb, p, task, i);
		*left >>= 1;
	}
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
