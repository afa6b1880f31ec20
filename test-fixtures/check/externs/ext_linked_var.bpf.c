// SPDX-License-Identifier: MIT
/*
 * ext_linked_var.bpf.c - variables declared `extern` in no section and defined nowhere in this unit (sched-ext's
 * `extern struct sys_stat sys_stat;`, retsnoop's `extern bool use_lbr`: defined in another object the build links).
 * A read leaves an undefined symbol and a BTF VAR of extern linkage that no DATASEC lists: libbpf's open refuses the
 * object compiled alone, on every kernel, naming the first such symbol in the symbol table (here the variable read
 * before the linked function is called). One declared `extern` and defined later in the unit is a plain global; one
 * never read leaves nothing.
 */
#include "externs.bpf.h"

char LICENSE[] SEC("license") = "GPL";

struct corelens_stats {
	__u64 runs;
	__u64 last_pid;
};

extern struct corelens_stats corelens_linked_stats;
extern const volatile int corelens_linked_knob;
extern int corelens_linked_unread;
extern __u64 corelens_defined_here;
void corelens_linked_fn(int pid);

__u64 corelens_defined_here = 3;
__u64 out[2];

SEC("tp_btf/sched_process_exec")
int BPF_PROG(linked_vars, struct task_struct *p)
{
	out[0] = corelens_linked_stats.runs + corelens_linked_knob + corelens_defined_here;
	corelens_linked_fn(p->tgid);
	return 0;
}
