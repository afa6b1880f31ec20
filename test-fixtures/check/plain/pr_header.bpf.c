// SPDX-License-Identifier: MIT
/* The reads are in app_stats.bpf.h's inline helpers, given a BPF_KPROBE argument: refused there. */
#include "app_stats.bpf.h"

char LICENSE[] SEC("license") = "GPL";

SEC("kprobe/wake_up_new_task")
int BPF_KPROBE(pr_header, struct app_queue *q)
{
	out = queue_len(q);
	out += next_head(q);
	return 0;
}
