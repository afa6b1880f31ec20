/* SPDX-License-Identifier: MIT */
/*
 * live_compat.bpf.h - compatibility helpers in the shape real tool
 * collections keep in *.bpf.h headers: included after vmlinux.h (uses its
 * __u64 and task_struct), static __always_inline helpers inlined into many
 * programs (one relocation per inlined copy), bool helpers returning a CO-RE
 * check, helpers returning a value chosen by a guard, a bounded dentry walk,
 * an X-macro enum with #undef, a __noinline subprogram, and macros built on
 * libbpf's internals (___type, ___arrow).
 */
#ifndef LIVE_COMPAT_BPF_H
#define LIVE_COMPAT_BPF_H

#include <bpf/bpf_core_read.h>

/* before 5.14 */
struct task_struct___o {
	volatile long state;
} __attribute__((preserve_access_index));

/* before 5.17: request_queue had the disk */
struct request___x {
	struct request_queue___x *q;
	struct gendisk *rq_disk;
} __attribute__((preserve_access_index));

struct request_queue___x {
	struct gendisk *disk;
} __attribute__((preserve_access_index));

static __always_inline bool has_task_state(void)
{
	return bpf_core_field_exists(struct task_struct, __state);
}

static __always_inline bool has_ringbuf(void)
{
	return bpf_core_type_exists(struct bpf_ringbuf);
}

/* a value chosen by a guard: the new field, else the old flavor */
static __always_inline __u64 get_task_state(struct task_struct *t)
{
	if (bpf_core_field_exists(t->__state))
		return BPF_CORE_READ(t, __state);
	return BPF_CORE_READ((struct task_struct___o *)t, state);
}

static __always_inline struct gendisk *get_disk(void *request)
{
	struct request___x *r = request;

	if (bpf_core_field_exists(r->rq_disk))
		return BPF_CORE_READ(r, rq_disk);
	return BPF_CORE_READ(r, q, disk);
}

static __always_inline __u32 task_tgid(struct task_struct *t)
{
	return BPF_CORE_READ(t, tgid);
}

/* a helper calling a helper: two levels of inlining */
static __always_inline __u32 parent_tgid(struct task_struct *t)
{
	return task_tgid(BPF_CORE_READ(t, real_parent));
}

/* own accessors on libbpf internals */
#define READ_KERN_TYPE(src, a, ...) ___type(src, a, ##__VA_ARGS__)
#define MY_READ(src, a, ...) ({ READ_KERN_TYPE(src, a, ##__VA_ARGS__) __v; \
	bpf_core_read(&__v, sizeof(__v), &___arrow(src, a, ##__VA_ARGS__)); __v; })

#define MAX_DEPTH 8
/* bounded walk up a dentry chain, as path helpers do */
static __always_inline int dentry_depth(struct dentry *d, char *buf)
{
	int i, n = 0;

	for (i = 0; i < MAX_DEPTH; i++) {
		struct dentry *parent = BPF_CORE_READ(d, d_parent);
		const unsigned char *name = BPF_CORE_READ(d, d_name.name);

		if (parent == d)
			break;
		bpf_probe_read_kernel_str(buf, 16, name);
		d = parent;
		n++;
	}
	return n;
}

/* X-macro enum: the list macro is undefined inside the enum body */
#define LIVE_EVENTS(X) X(EV_EXEC) X(EV_EXIT) X(EV_OPEN)
enum live_event {
#define X(n) n,
	LIVE_EVENTS(X)
#undef X
	EV_MAX,
};

/* a BPF-to-BPF call: clang keeps it out of line, its relocations once in .text */
static __noinline __u64 task_start_time(struct task_struct *t)
{
	return BPF_CORE_READ(t, start_time);
}

#endif
