// SPDX-License-Identifier: MIT
/*
 * capable.bpf.c - capability checks and credential changes (libbpf-tools'
 * capable, tetragon's process credentials).
 *   - kprobe/cap_capable via BPF_KPROBE with four arguments;
 *   - kprobe/commit_creds: the new credentials' capability sets, through
 *     cap_u64() whose kernel_cap_t reads have a typedef root
 *     (`typedef kernel_cap_t`) and a typedef flavor (kernel_cap_t___new);
 *   - bpf_core_read() with CO-RE macros nested in its arguments
 *     (bpf_core_type_size(kernel_cap_t), bpf_core_field_size(...)).
 * Loads on every kernel.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "events.h"
#include "maps.bpf.h"
#include "compat.bpf.h"
#include "task.bpf.h"

#define CAP_OPT_NOAUDIT 0x2

const volatile bool skip_noaudit = true;

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u32);
	__type(value, __u64);
} cap_counts SEC(".maps");

SEC("kprobe/cap_capable")
int BPF_KPROBE(kprobe__cap_capable, const struct cred *cred, struct user_namespace *targ_ns, int cap,
	       unsigned int cap_opt)
{
	__u64 zero = 0, *count;
	__u32 key = cap;

	if (skip_noaudit && (cap_opt & CAP_OPT_NOAUDIT))
		return 0;
	count = lookup_or_init(&cap_counts, &key, &zero);
	if (count)
		__sync_fetch_and_add(count, 1);
	/* capability checks against a user namespace other than the initial one */
	if (BPF_CORE_READ(targ_ns, level) > 0) {
		struct process_event *e = reserve_buf(sizeof(*e));

		if (!e)
			return 0;
		fill_hdr(&e->hdr, EV_CAPS);
		e->exit_code = cap;
		e->cap_effective = cap_u64(CORE_ADDR(cred, cap_effective));
		submit_buf(ctx, e, sizeof(*e));
	}
	return 0;
}

SEC("kprobe/commit_creds")
int BPF_KPROBE(kprobe__commit_creds, struct cred *new)
{
	struct task_struct *task = current_task();
	const struct cred *old = BPF_CORE_READ(task, real_cred);
	struct process_event *e;
	__u64 inheritable = 0;
	__u32 old_uid, new_uid;

	old_uid = BPF_CORE_READ(old, uid.val);
	new_uid = BPF_CORE_READ(new, uid.val);
	e = reserve_buf(sizeof(*e));
	if (!e)
		return 0;
	fill_hdr(&e->hdr, EV_CAPS);
	e->hdr.uid = new_uid;
	e->exit_code = old_uid;
	e->cap_effective = cap_u64(CORE_ADDR(new, cap_effective));
	e->cap_permitted = cap_u64(CORE_ADDR(new, cap_permitted));
	bpf_core_read(&inheritable, bpf_core_type_size(kernel_cap_t), &new->cap_inheritable);
	e->state = inheritable;
	bpf_core_read(&e->exit_signal, bpf_core_field_size(new->securebits), &new->securebits);
	submit_buf(ctx, e, sizeof(*e));
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
