// SPDX-License-Identifier: MIT
/* A plain read under a CO-RE check: only where `task_struct::__state` exists (not 5.10) does the verifier reach it. */
#include "app_stats.bpf.h"

char LICENSE[] SEC("license") = "GPL";

SEC("kprobe/do_nanosleep")
int BPF_KPROBE(pr_guarded, struct app_stats *s)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();

	if (bpf_core_field_exists(task->__state))
		out = s->hits[1];
	return 0;
}
