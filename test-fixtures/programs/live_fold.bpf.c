// SPDX-License-Identifier: MIT
/*
 * live_fold.bpf.c - constructs the realistic corpus showed the live analysis
 * must treat as clang does: an X-macro list expanded inside a function and
 * #undef'd right after, a SEC() name built from adjacent string literals and
 * a macro, (&p->member)->field on x86's PT_REGS_IP(&ctx->regs) (one access
 * chain, no load between), and a field read folded away by `& 0`.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>

#define PREFIX "__x64_sys_"
#define KINDS(X) X(BPF_MAP_TYPE_HASH) X(BPF_MAP_TYPE_ARRAY) X(BPF_MAP_TYPE_RINGBUF)

__u64 seen[8];

static __always_inline int kind_slot(int kind)
{
#define X(name)								\
	if (bpf_core_enum_value_exists(enum bpf_map_type, name) &&	\
	    kind == bpf_core_enum_value(enum bpf_map_type, name))	\
		return name;
	KINDS(X)
#undef X
	return 0;
}

SEC("kprobe/" PREFIX "close")
int close_entry(struct pt_regs *ctx)
{
	struct pt_regs *regs = (struct pt_regs *)PT_REGS_PARM1_CORE(ctx);

	seen[0] = PT_REGS_PARM1_CORE_SYSCALL(regs);
	return 0;
}

SEC("tp/sock/inet_sock_set_state")
int set_state(struct trace_event_raw_inet_sock_set_state *ctx)
{
	seen[1] = kind_slot(ctx->newstate);
	seen[2] = 1 + (ctx->oldstate & 0);
	seen[3] = ctx->sport * 0;
	return 0;
}

SEC("perf_event")
int on_sample(struct bpf_perf_event_data *ctx)
{
	seen[4] = PT_REGS_IP(&ctx->regs);
	seen[5] = (&ctx->regs)->sp + ctx->sample_period;
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
