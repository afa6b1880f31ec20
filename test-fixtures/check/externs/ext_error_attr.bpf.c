// SPDX-License-Identifier: MIT
/*
 * ext_error_attr.bpf.c - a build-time assertion in tetragon's style (errmetrics' compile_error): a block-scope extern
 * declared `__attribute__((__error__(..)))`, called where a file id looked up by string comparison is not a constant.
 * clang folds the lookup and drops the call; had a call survived, clang would have failed the build, so an object
 * that compiled names no such extern and libbpf opens it. Before the rule the source path took the call for one of an
 * undeclared function, libbpf's refusal of the whole object on every kernel, and with it every guard unknown.
 */
#include "externs.bpf.h"

char LICENSE[] SEC("license") = "GPL";

#define concat1(a, b) a##b
#define concat(a, b) concat1(a, b)
#define build_error(ctr)								\
	do {										\
		extern __attribute__((__error__("add the file to file_id"))) void concat(build_error_, ctr)(void); \
		concat(build_error_, ctr)();						\
	} while (0)

static __always_inline __u16 file_id(const char *const name)
{
	if (!__builtin_strcmp("other.bpf.c", name))
		return 1;
	if (!__builtin_strcmp("ext_error_attr.bpf.c", name))
		return 2;
	return 0;
}

#define counted(v) ({								\
	__u16 id = file_id("ext_error_attr.bpf.c");				\
	if (!__builtin_constant_p(id) || !id)					\
		build_error(__COUNTER__);					\
	out[id] += (v);								\
})

struct task_struct___old { long state; } __attribute__((preserve_access_index));

__u64 out[4];

SEC("kprobe/do_nanosleep")
int kp_assert(struct pt_regs *ctx)
{
	struct task_struct *t = (void *)bpf_get_current_task();

	counted(1);
	/* a guard the verifier resolves per kernel: the fallback's relocation is poisoned where `__state` exists */
	if (bpf_core_field_exists(t->__state))
		counted(BPF_CORE_READ(t, __state));
	else
		counted(BPF_CORE_READ((struct task_struct___old *)t, state));
	return 0;
}
