/* A packet sniffer's chunking helpers in the shape of kubeshark's tracer (bpf/packet_sniffer.c): a map value holds
 * the packet, each `#pragma unroll` loop sends it in parts while `p->counter` bytes are left. Each loop's comment
 * says what clang 14 makes of it (-Rpass=loop-unroll; held-out-shapes.test.ts checks both the remark and that the
 * live sites equal the object's relocations): `unroll: N` fully unrolled, `unroll: xN` by a factor, `unroll: none`
 * kept rolled. */
#ifndef SNIFFER_BPF_H
#define SNIFFER_BPF_H

#define PART_LEN 64
#define MAX_PARTS 16

struct pkt {
	__u64 counter;
	__u32 len;
	__u32 num;
	__u32 last;
	__u8 buf[PART_LEN];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, int);
	__type(value, struct pkt);
} pkt_heap SEC(".maps");

long stats[8];

static __always_inline struct pkt *pkt_get(struct __sk_buff *skb)
{
	int zero = 0;
	struct pkt *p = bpf_map_lookup_elem(&pkt_heap, &zero);
	if (p)
		p->counter = skb->len;
	return p;
}

/* one part: the CO-RE read of the current task's tgid marks each copy of the loop body */
static __always_inline void part(struct __sk_buff *skb, struct pkt *p, struct task_struct *task, __u32 i)
{
	p->len = p->counter < PART_LEN ? p->counter : PART_LEN;
	p->num = i;
	p->counter -= p->len;
	p->last = p->counter == 0;
	stats[1] += BPF_CORE_READ(task, tgid);
	bpf_skb_load_bytes(skb, i * PART_LEN, p->buf, PART_LEN);
}

/* kubeshark's loop: the compare first, then a load through the map value (its own exiting block) */
static __always_inline int send_parts(struct __sk_buff *skb, struct pkt *p, struct task_struct *task)
{
	int ret = 0;
#pragma unroll
	for (__u32 i = 0; (i < MAX_PARTS) && p->counter; i++) { /* unroll: 16 */
		part(skb, p, task, i);
		if (p->len == PART_LEN && bpf_skb_load_bytes(skb, 0, p->buf, 1)) {
			ret = 6;
			goto end;
		}
	}
end:
	bpf_map_delete_elem(&pkt_heap, &ret);
	return ret;
}

/* the same conjuncts the other way round: SimplifyCFG folds the compare into the load's branch, one exit
 * whose exact count SCEV cannot compute */
static __always_inline void send_parts_counter_first(struct __sk_buff *skb, struct pkt *p, struct task_struct *task)
{
#pragma unroll
	for (__u32 i = 0; p->counter && (i < MAX_PARTS); i++) /* unroll: none */
		part(skb, p, task, i);
}

#endif
