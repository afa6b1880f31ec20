// SPDX-License-Identifier: MIT
/*
 * lines.bpf.h - a helper for dr_lines.bpf.c: its read is written on the same line number as a read of the same
 * field in dr_lines.bpf.c (line 15), which a record paired by line alone, in either file, confuses.
 */
#ifndef LINES_BPF_H
#define LINES_BPF_H

#include "direct.bpf.h"

/* reads `mm` of whatever it is given: a typed pointer in the first unrolled copy, a plain number after */
static __always_inline __u64 mm_end(struct task_struct *t)
{
	__u64 v = 0;
	v += t->mm->arg_end;
	return v;
}

#endif
