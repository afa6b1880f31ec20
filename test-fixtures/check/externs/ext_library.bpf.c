// SPDX-License-Identifier: MIT
/*
 * ext_library.bpf.c - a component of a static link (retsnoop.bpf.c's shape): global functions another object's
 * programs call, calling a function that object defines (`int corelens_copy_stack(void *, __u64);`, defined nowhere
 * here). libbpf's open of this object alone would refuse the undefined symbol, but the object has no program to
 * refuse (two global functions in .text are subprograms to libbpf; a lone one would be a program): no finding, as
 * the object path says.
 */
#include "externs.bpf.h"

char LICENSE[] SEC("license") = "GPL";

int corelens_copy_stack(void *dst, __u64 size);

struct stack { __u64 ips[8]; long n; };

/* a plugin-style entry point (a pointer to a preserve_access_index record): among several .text functions, a
 * subprogram to libbpf all the same (retsnoop's handle_inj_kprobe) */
__hidden int corelens_record_stack(struct stack *s, struct task_struct *task)
{
	s->n = corelens_copy_stack(s->ips, sizeof(s->ips));
	return BPF_CORE_READ(task, pid);
}

__hidden long corelens_stack_depth(struct stack *s)
{
	return s->n > 8 ? 8 : s->n;
}
