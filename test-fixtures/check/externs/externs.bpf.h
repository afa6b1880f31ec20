// SPDX-License-Identifier: MIT
/*
 * externs.bpf.h - helpers the extern fixtures share: an extern declared here and used from a document's program
 * (its finding goes to the first use in the document), an inline helper whose use of an extern is kept wherever a
 * program calls it, and one no program calls (clang emits nothing for it, nor for the extern only it names).
 */
#ifndef EXTERNS_BPF_H
#define EXTERNS_BPF_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>

/* a per-CPU kernel variable: in the BTF of 6.1 on (5.10's BTF has no per-CPU variables) */
extern struct softnet_data softnet_data __ksym;
/* no kernel has it */
extern const int corelens_header_only_var __ksym;

static __always_inline __u64 softnet_processed(void)
{
	struct softnet_data *sd = bpf_this_cpu_ptr(&softnet_data);

	return sd->processed;
}

static __always_inline __u64 header_never_called(void)
{
	return *(const int *)bpf_this_cpu_ptr(&corelens_header_only_var);
}

#endif
