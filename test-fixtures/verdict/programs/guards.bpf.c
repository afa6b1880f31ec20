// SPDX-License-Identifier: MIT
/*
 * guards.bpf.c - how guards decide which poisoned CO-RE reads the kernel verifier reaches, one program per
 * construct, against real kernels (5.10 has task_struct::state, 5.14+ __state; 6.2+ keeps mm rss counters in
 * percpu_counter rss_stat[]; bpf_iter_num is 6.4+; skb_drop_reason is 5.17+).
 *   - a guard kept in a variable the compiler spills to the stack (8 bytes: kept; a volatile byte: lost when 1);
 *   - a guard returned by a static subprogram (inlined by the verifier) and by a global one (verified apart);
 *   - `||`, `&&` and `!` chains of guards, an early return, the ternary;
 *   - a bounded loop whose poisoned read happens only in its last iteration, and one whose read never happens;
 *   - a poisoned read on one path of a branch on unknown data;
 *   - enum value guards (ALU immediate) and a 64-bit immediate (ldimm64) relocation behind and without a guard;
 *   - a bpf_loop() callback (unguarded and guarded), a const volatile .rodata guard, a __kconfig guard
 *     (LINUX_KERNEL_VERSION, set by libbpf from the loading machine);
 *   - type existence and type_matches guards (clang 14 cannot emit type_matches: the section ending in
 *     "type_matches" is rewritten by tools/oracle/patch_matches.py, as for sel_types).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

__u64 out[16];

/* before 5.14 */
struct task_struct___o {
	volatile long state;
} __attribute__((preserve_access_index));

/* 6.2+ */
struct mm_struct___new {
	struct percpu_counter rss_stat[4];
} __attribute__((preserve_access_index));

/* 6.4+ */
struct bpf_iter_num___x {
	__u64 __opaque[1];
} __attribute__((preserve_access_index));

static __always_inline struct task_struct *current_task(void)
{
	return (struct task_struct *)bpf_get_current_task();
}

/* The guard is needed after two helper calls: clang keeps it in a callee-saved register or spills all 8 bytes. */
SEC("kprobe/guard_spilled")
int guard_spilled(struct pt_regs *ctx)
{
	struct task_struct *t = current_task();
	long has_new = bpf_core_field_exists(t->__state);
	long state;

	out[0] = bpf_get_current_pid_tgid();
	out[1] = bpf_ktime_get_ns();
	if (has_new)
		state = BPF_CORE_READ(t, __state);
	else
		state = BPF_CORE_READ((struct task_struct___o *)t, state);
	out[2] = state;
	return 0;
}

/* A volatile byte at an unaligned stack slot: the verifier keeps a 0 (STACK_ZERO) but forgets a 1 (STACK_MISC),
 * so where __state exists both branches are explored and the `state` read is reached: fails on 5.14+. */
SEC("kprobe/guard_volatile_byte")
int guard_volatile_byte(struct pt_regs *ctx)
{
	struct task_struct *t = current_task();
	volatile bool has_new = bpf_core_field_exists(t->__state);

	if (has_new)
		out[0] = BPF_CORE_READ(t, __state);
	else
		out[0] = BPF_CORE_READ((struct task_struct___o *)t, state);
	return 0;
}

static __noinline int has_new_state(void)
{
	return bpf_core_field_exists(struct task_struct, __state);
}

/* A static subprogram's return value is known to the verifier, which walks it inline. */
SEC("kprobe/guard_static_call")
int guard_static_call(struct pt_regs *ctx)
{
	struct task_struct *t = current_task();

	if (has_new_state())
		out[0] = BPF_CORE_READ(t, __state);
	else
		out[0] = BPF_CORE_READ((struct task_struct___o *)t, state);
	return 0;
}

__noinline int global_has_new_state(void)
{
	return bpf_core_field_exists(struct task_struct, __state);
}

/* A global subprogram is verified on its own: its result is an unknown number, both branches are reached. */
SEC("kprobe/guard_global_call")
int guard_global_call(struct pt_regs *ctx)
{
	struct task_struct *t = current_task();

	if (global_has_new_state())
		out[0] = BPF_CORE_READ(t, __state);
	else
		out[0] = BPF_CORE_READ((struct task_struct___o *)t, state);
	return 0;
}

SEC("kprobe/guard_or")
int guard_or(struct pt_regs *ctx)
{
	struct task_struct *t = current_task();

	/* true everywhere: one of the two exists */
	if (bpf_core_field_exists(t->__state) || bpf_core_field_exists(((struct task_struct___o *)t)->state))
		out[0] = 1;
	/* the read is guarded by its own field on the left of && */
	if (bpf_core_field_exists(t->__state) && bpf_core_type_exists(struct bpf_iter_num___x))
		out[1] = BPF_CORE_READ(t, __state);
	/* ... and unguarded on the right of ||: reached wherever __state is missing */
	if (bpf_core_type_exists(struct bpf_iter_num___x) || !bpf_core_field_exists(((struct task_struct___o *)t)->state))
		out[2] = 2;
	else
		out[2] = BPF_CORE_READ(t, __state);
	return 0;
}

SEC("kprobe/guard_early_return")
int guard_early_return(struct pt_regs *ctx)
{
	struct task_struct *t = current_task();

	if (!bpf_core_field_exists(t->__state))
		return 0;
	out[0] = BPF_CORE_READ(t, __state);
	return 0;
}

SEC("kprobe/guard_ternary")
int guard_ternary(struct pt_regs *ctx)
{
	struct task_struct *t = current_task();
	struct mm_struct *mm = BPF_CORE_READ(t, mm);

	out[0] = bpf_core_type_exists(struct bpf_iter_num___x)
		? BPF_CORE_READ((struct mm_struct___new *)mm, rss_stat[0].count)
		: BPF_CORE_READ(mm, rss_stat.count[0].counter);
	return 0;
}

/* The read in the last iteration is reached only where the field is missing from the guard's point of view:
 * the loop counter is a known constant in every iteration. */
SEC("kprobe/loop_last_iteration")
int loop_last_iteration(struct pt_regs *ctx)
{
	struct task_struct *t = current_task();
	int i;

#pragma clang loop unroll(disable)
	for (i = 0; i < 4; i++) {
		if (i == 3)
			out[i] = BPF_CORE_READ(t, __state);
		else
			out[i] = BPF_CORE_READ(t, pid);
	}
	return 0;
}

SEC("kprobe/loop_never")
int loop_never(struct pt_regs *ctx)
{
	struct task_struct *t = current_task();
	int i;

#pragma clang loop unroll(disable)
	for (i = 0; i < 4; i++) {
		if (i == 7)
			out[0] = BPF_CORE_READ(t, __state);
		out[1] += BPF_CORE_READ(t, pid);
	}
	return 0;
}

/* Reached on one path of a branch the verifier cannot decide: fails where __state is missing. */
SEC("kprobe/one_path")
int one_path(struct pt_regs *ctx)
{
	struct task_struct *t = current_task();

	if (bpf_get_prandom_u32() & 1)
		out[0] = BPF_CORE_READ(t, __state);
	out[1] = BPF_CORE_READ(t, pid);
	return 0;
}

SEC("kprobe/enum_guard")
int enum_guard(struct pt_regs *ctx)
{
	if (bpf_core_enum_value_exists(enum skb_drop_reason, SKB_DROP_REASON_NOT_SPECIFIED))
		out[0] = bpf_core_enum_value(enum skb_drop_reason, SKB_DROP_REASON_NOT_SPECIFIED);
	out[1] = bpf_core_enum_value(enum bpf_func_id, BPF_FUNC_loop);
	return 0;
}

/* A 64-bit immediate: clang loads type ids with ldimm64; a missing enumerator of a 64-bit enum poisons both slots. */
enum big_flags___x {
	BIG_FLAG___x = 0x100000000ULL,
};

SEC("kprobe/ldimm64_guarded")
int ldimm64_guarded(struct pt_regs *ctx)
{
	if (bpf_core_enum_value_exists(enum big_flags___x, BIG_FLAG___x))
		out[0] = bpf_core_enum_value(enum big_flags___x, BIG_FLAG___x);
	out[1] = bpf_core_type_id_kernel(struct task_struct);
	return 0;
}

SEC("kprobe/ldimm64_unguarded")
int ldimm64_unguarded(struct pt_regs *ctx)
{
	out[0] = bpf_core_enum_value(enum big_flags___x, BIG_FLAG___x);
	return 0;
}

/* bpf_core_type_exists here becomes bpf_core_type_matches (see patch_matches.py): does the local mm_struct___new
 * (percpu_counter rss_stat[4]) match the kernel's? Only on 6.2+. */
SEC("kprobe/type_matches")
int guard_type_matches(struct pt_regs *ctx)
{
	struct task_struct *t = current_task();
	struct mm_struct *mm = BPF_CORE_READ(t, mm);

	if (bpf_core_type_exists(struct mm_struct___new))
		out[0] = BPF_CORE_READ((struct mm_struct___new *)mm, rss_stat[1].count);
	else
		out[0] = BPF_CORE_READ(mm, rss_stat.count[1].counter);
	return 0;
}

/* A bpf_loop() callback is verified as a function of its own, called from the helper: an unguarded poisoned read in
 * it fails the program (bpf_loop exists from 5.17: on 5.10 the helper itself is refused, not a CO-RE matter). */
static long read_old_state(__u32 i, void *ctx)
{
	struct task_struct *t = *(struct task_struct **)ctx;

	out[i & 7] = BPF_CORE_READ((struct task_struct___o *)t, state);
	return 0;
}

static long read_guarded_state(__u32 i, void *ctx)
{
	struct task_struct *t = *(struct task_struct **)ctx;

	if (bpf_core_field_exists(((struct task_struct___o *)t)->state))
		out[i & 7] = BPF_CORE_READ((struct task_struct___o *)t, state);
	return 0;
}

/* bpf_loop's context must live on the stack: the callback gets a pointer into the caller's frame. */
SEC("kprobe/loop_callback")
int loop_callback(struct pt_regs *ctx)
{
	struct task_struct *t = current_task();

	bpf_loop(4, read_old_state, &t, 0);
	return 0;
}

SEC("kprobe/loop_callback_guarded")
int loop_callback_guarded(struct pt_regs *ctx)
{
	struct task_struct *t = current_task();

	bpf_loop(4, read_guarded_state, &t, 0);
	return 0;
}

/* A const volatile global is frozen in .rodata: the verifier reads its value (false unless userspace sets it). */
const volatile bool use_old_layout = false;

SEC("kprobe/rodata_guard")
int rodata_guard(struct pt_regs *ctx)
{
	struct task_struct *t = current_task();

	if (use_old_layout)
		out[0] = BPF_CORE_READ((struct task_struct___o *)t, state);
	else
		out[0] = BPF_CORE_READ(t, pid);
	return 0;
}

/* A __kconfig extern is set by libbpf from the machine that loads the program: the verifier knows its value. */
extern int LINUX_KERNEL_VERSION __kconfig;

SEC("kprobe/kconfig_guard")
int kconfig_guard(struct pt_regs *ctx)
{
	struct task_struct *t = current_task();

	if (LINUX_KERNEL_VERSION < KERNEL_VERSION(5, 14, 0))
		out[0] = BPF_CORE_READ((struct task_struct___o *)t, state);
	else
		out[0] = BPF_CORE_READ(t, __state);
	return 0;
}

/* Value guards: a relocated value compared with a constant is known per target, so the verifier folds the branch.
 * The size of mm_struct tells the rss_stat layout apart on the fixture kernels (<= 1192 bytes before 6.2, >= 1344
 * after; a heuristic, as tools write them), and int-sized task_struct::pid is 4 bytes everywhere. */
SEC("kprobe/value_guard_size")
int value_guard_size(struct pt_regs *ctx)
{
	struct task_struct *t = current_task();
	struct mm_struct *mm = BPF_CORE_READ(t, mm);

	if (bpf_core_type_size(struct mm_struct) > 1200)
		out[0] = BPF_CORE_READ((struct mm_struct___new *)mm, rss_stat[1].count);
	else
		out[0] = BPF_CORE_READ(mm, rss_stat.count[1].counter);
	if (bpf_core_field_size(t->pid) == sizeof(int))
		out[1] = BPF_CORE_READ(t, pid);
	else
		out[1] = BPF_CORE_READ((struct task_struct___o *)t, state);
	return 0;
}

/* The constant on the left, a negated test and an early return. */
SEC("kprobe/value_guard_order")
int value_guard_order(struct pt_regs *ctx)
{
	struct mm_struct *mm = BPF_CORE_READ(current_task(), mm);

	if (!(1200 < bpf_core_type_size(struct mm_struct)))
		return BPF_CORE_READ(mm, rss_stat.count[2].counter) & 1;
	out[2] = BPF_CORE_READ((struct mm_struct___new *)mm, rss_stat[2].count);
	return 0;
}

/* A wrong value guard: mm_struct is over 1000 bytes everywhere, so the old layout's read runs (and fails) on 6.2+. */
SEC("kprobe/value_guard_wrong")
int value_guard_wrong(struct pt_regs *ctx)
{
	struct mm_struct *mm = BPF_CORE_READ(current_task(), mm);

	if (bpf_core_type_size(struct mm_struct) >= 1000)
		out[3] = BPF_CORE_READ(mm, rss_stat.count[3].counter);
	return 0;
}

/* Enum value and type size compared with constants (BPF_FUNC_probe_read_kernel is 113 on every kernel). */
SEC("kprobe/value_guard_enum")
int value_guard_enum(struct pt_regs *ctx)
{
	struct task_struct *t = current_task();

	if (bpf_core_enum_value(enum bpf_func_id, BPF_FUNC_probe_read_kernel) != 113)
		out[4] = BPF_CORE_READ((struct task_struct___o *)t, state);
	if (bpf_core_type_size(struct task_struct___o) == 0)
		out[5] = BPF_CORE_READ((struct task_struct___o *)t, state);
	return 0;
}
