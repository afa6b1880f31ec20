// SPDX-License-Identifier: MIT
/*
 * direct.bpf.h - helpers the direct-read fixtures share: static inline functions that read through a pointer
 * parameter, so whether the read is refused depends on what each caller passes (a plain number or a typed pointer).
 */
#ifndef DIRECT_BPF_H
#define DIRECT_BPF_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>

__u64 out;

/* a pointer handed over as void *, cast back in the helper (bpftime's redis-patch read_argc) */
static __always_inline int read_pid(void *base)
{
	return ((struct task_struct *)base)->pid;
}

/* one more level: the plain number passes through two parameters */
static __always_inline int read_tgid_via(struct task_struct *t)
{
	return t->tgid + read_pid(t);
}

/* a pointer member loaded, then indexed (redis-patch read_argv's `((client *)base)->argv[idx]`) */
static __always_inline __u64 first_file(struct fdtable *fdt)
{
	return (__u64)fdt->fd[0];
}

/* a bitfield's storage unit loaded through the parameter (redis-patch read_type's `((robj *)base)->type`) */
static __always_inline int execve_bit(void *base)
{
	return ((struct task_struct *)base)->in_execve;
}

/* a field older kernels lack: its relocation is poisoned there, the load still one through the parameter */
static __always_inline unsigned int task_state(struct task_struct *t)
{
	return t->__state;
}

#endif
