// SPDX-License-Identifier: MIT
/*
 * rawtp.bpf.c - tp_btf arguments the loading kernel hands over as a number. A BTF raw tracepoint's struct pointer is
 * a trusted kernel pointer that may be read directly, except where the kernel's raw_tp table says it may encode an
 * error or a sentinel: the signal tracepoints' `info` may be SEND_SIG_PRIV ((void *)1), so 6.18.44 types it as a
 * scalar and a direct read of it is `invalid mem access 'scalar'`, behind a NULL check too (falco's signal_deliver).
 * Reading it with bpf_probe_read_kernel (BPF_CORE_READ) loads; the other arguments stay pointers.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

__u64 out[8];

/* falco's shape: the NULL check does not make a number a pointer */
SEC("tp_btf/signal_deliver")
int BPF_PROG(deliver_direct, int sig, struct kernel_siginfo *info, struct k_sigaction *ka)
{
	if (info != NULL && sig == 9)
		out[0] = info->_sifields._kill._pid;
	return 0;
}

SEC("tp_btf/signal_deliver")
int BPF_PROG(deliver_core_read, int sig, struct kernel_siginfo *info, struct k_sigaction *ka)
{
	if (info != NULL)
		out[0] = BPF_CORE_READ(info, _sifields._kill._pid);
	return 0;
}

/* the third argument is not in the table: a pointer, read directly */
SEC("tp_btf/signal_deliver")
int BPF_PROG(deliver_action, int sig, struct kernel_siginfo *info, struct k_sigaction *ka)
{
	out[1] = ka->sa.sa_flags;
	return 0;
}

/* signal_generate(sig, info, task, group, result): info is marked, task is not */
SEC("tp_btf/signal_generate")
int BPF_PROG(generate_direct, int sig, struct kernel_siginfo *info, struct task_struct *task)
{
	out[2] = task->pid;
	out[3] = info->si_code;
	return 0;
}

SEC("tp_btf/signal_generate")
int BPF_PROG(generate_task, int sig, struct kernel_siginfo *info, struct task_struct *task)
{
	out[2] = task->pid;
	return 0;
}

/* the number is read only where task_struct has no __state (before 5.14): dead code on newer kernels */
SEC("tp_btf/signal_generate")
int BPF_PROG(generate_guarded, int sig, struct kernel_siginfo *info, struct task_struct *task)
{
	if (!bpf_core_field_exists(task->__state))
		out[3] = info->si_code;
	return 0;
}
