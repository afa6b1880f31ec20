// SPDX-License-Identifier: MIT
/* Refused loads whose relocation record clang pairs with another read of the field: the error goes on the load's line. */
#include "lines.bpf.h"

char LICENSE[] SEC("license") = "GPL";

/* the helper's read of `mm` (lines.bpf.h:15) and this document's (line 15) */
SEC("tp_btf/sched_switch")
int BPF_PROG(tp_header_line, bool preempt, struct task_struct *prev, struct task_struct *next)
{
	struct task_struct *w = prev;
#pragma unroll
	for (int i = 0; i < 3; i++) {
		out += mm_end(w);
		__u64 t = 0; BPF_CORE_READ_INTO(&t, prev, mm, exe_file, f_mode);
		out += t;
		w = BPF_CORE_READ(w, real_parent);
		if (!w)
			break;
	}
	return 0;
}

/* the second unrolled copy of `p->prio` (line 31), a record that a read of `t->prio` (line 33) could take */
SEC("kprobe/wake_up_new_task")
int BPF_KPROBE(kp_copy_line, struct task_struct *p)
{
	struct task_struct *t = (void *)bpf_get_current_task();
#pragma unroll
	for (int i = 0; i < 2; i++) {
		if (p->prio & 1)
			out += 1;
		out += BPF_CORE_READ(t, prio);
		p = BPF_CORE_READ(p, real_parent);
	}
	return 0;
}
