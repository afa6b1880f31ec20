// SPDX-License-Identifier: MIT
// corpus-build: arm64
/*
 * pagefault.bpf.c - page faults by process and mapping (in the style of
 * bcc's memleak helpers and perf-tools' page fault tracing).
 *   - tp/exceptions/page_fault_user (x86 only, #ifdef __TARGET_ARCH_x86) with
 *     trace_event_raw_x86_exceptions, behind an early return on
 *     bpf_core_type_exists of that struct (minimal kernels lack the event);
 *   - kprobe/handle_mm_fault via BPF_KPROBE: vma->vm_flags, vma->vm_file,
 *     vma->vm_mm and its resident pages through mm_rss(); the faulting task's
 *     mm_cid (an int from 6.4) read through a flavor *without* a guard: fails
 *     on 5.10 and every 6.1 (no such field) and on the 2026 CI kernel (there
 *     mm_cid is a struct: incompatible type), loads on 6.12 and 6.18;
 *   - kretprobe/handle_mm_fault: VM_FAULT_MAJOR from PT_REGS_RC.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "events.h"
#include "maps.bpf.h"
#include "compat.bpf.h"
#include "task.bpf.h"

#define VM_FAULT_MAJOR 0x000004
#define MM_ANONPAGES_IDX 1

/* per-mm concurrency ids, 6.4+ */
struct task_struct___mmcid {
	int mm_cid;
} __attribute__((preserve_access_index));

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u32);
	__type(value, __u64);
} majors SEC(".maps");

#ifdef __TARGET_ARCH_x86
SEC("tp/exceptions/page_fault_user")
int page_fault_user(struct trace_event_raw_x86_exceptions *ctx)
{
	struct mem_event *e;

	if (!bpf_core_type_exists(struct trace_event_raw_x86_exceptions))
		return 0;
	e = reserve_buf(sizeof(*e));
	if (!e)
		return 0;
	fill_hdr(&e->hdr, EV_FAULT);
	e->address = ctx->address;
	e->ip = ctx->ip;
	e->error_code = ctx->error_code;
	submit_buf(ctx, e, sizeof(*e));
	return 0;
}
#endif

SEC("kprobe/handle_mm_fault")
int BPF_KPROBE(handle_mm_fault, struct vm_area_struct *vma, unsigned long address, unsigned int flags)
{
	struct task_struct *task = current_task();
	struct mm_struct *mm = BPF_CORE_READ(vma, vm_mm);
	struct mem_event *e;

	e = reserve_buf(sizeof(*e));
	if (!e)
		return 0;
	fill_hdr(&e->hdr, EV_FAULT);
	e->address = address;
	e->vm_flags = BPF_CORE_READ(vma, vm_flags);
	e->major = BPF_CORE_READ(vma, vm_file) != NULL;
	e->rss_anon = mm_rss(mm, MM_ANONPAGES_IDX);
	e->order = BPF_CORE_READ((struct task_struct___mmcid *)task, mm_cid);
	submit_buf(ctx, e, sizeof(*e));
	return 0;
}

SEC("kretprobe/handle_mm_fault")
int BPF_KRETPROBE(handle_mm_fault_ret)
{
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;
	__u64 zero = 0, *count;

	if (!(PT_REGS_RC(ctx) & VM_FAULT_MAJOR))
		return 0;
	count = lookup_or_init(&majors, &tgid, &zero);
	if (count)
		__sync_fetch_and_add(count, 1);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
