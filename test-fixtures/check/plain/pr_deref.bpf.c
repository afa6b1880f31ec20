// SPDX-License-Identifier: MIT
/* A number BPF_CORE_READ returns, cast to a pointer and dereferenced (MagicEyes mem_watcher's
 * `t = (long long *)rss.count; *t`), element by element. */
#include "app_stats.bpf.h"

char LICENSE[] SEC("license") = "GPL";

SEC("kprobe/do_nanosleep")
int BPF_KPROBE(pr_deref)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	unsigned long start = BPF_CORE_READ(task, mm, arg_start);
	long *t = (long *)start;

	out = *t;
	out += *(t + 1);
	out += t[2];
	return 0;
}
