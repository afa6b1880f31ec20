// SPDX-License-Identifier: MIT
/* A pointer a helper function returns (app_stats.bpf.h's task_queue: a number read with BPF_CORE_READ, bpftime's
 * lookupKeyWriteOrReply): read straight through, refused. */
#include "app_stats.bpf.h"

char LICENSE[] SEC("license") = "GPL";

SEC("kprobe/do_nanosleep")
int BPF_KPROBE(pr_return)
{
	struct app_queue *q = task_queue();

	out = q->head;
	return 0;
}
