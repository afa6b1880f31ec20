/* SPDX-License-Identifier: MIT */
/*
 * core_fixes.bpf.h - kernel compatibility for the corpus programs, in the shape
 * real tool collections keep it: local "flavor" types (`struct x___y`, libbpf
 * ignores the suffix when it looks for the kernel's type) describing layouts
 * that vmlinux.h (6.1) does not have, named guards (`has_...()`) that are CO-RE
 * constants, and readers that pick the right layout with those guards.
 *
 * The kernel facts behind each flavor, as seen in the BTF of the kernels in
 * /work/shared/btf/kernels (Debian 11's 5.10, Debian 12's 6.1 generic/cloud/rt/
 * arm64, Debian 13's 6.12, a 6.18 VM, a 2026 CI kernel): "old -> new (last
 * kernel here with the old layout -> first with the new)".
 *   task_struct::state -> __state                         5.10 -> 6.1
 *   task_struct::saved_state: only PREEMPT_RT, then all   6.1 (rt only) -> 6.12
 *   request::rq_disk removed (use rq->q->disk)            5.10 -> 6.1
 *   bio::bi_disk/bi_partno -> bi_bdev                      5.10 -> 6.1
 *   enum req_opf -> enum req_op                           5.10 -> 6.1
 *   mm_struct::rss_stat: mm_rss_stat -> percpu_counter[]  6.1 -> 6.12
 *   file::f_count -> f_ref                                6.12 -> 6.18
 *   inode::i_mtime -> i_mtime_sec/i_mtime_nsec            6.1 -> 6.12
 *   kernfs_node::parent -> __parent                       6.12 -> 6.18
 *   cfs_rq::h_nr_running -> h_nr_queued                   6.1 -> 6.12 (Debian's 6.12 has it)
 *   sk_buff::mono_delivery_time:1 -> tstamp_type:2        6.1 -> 6.12 (5.10 has neither)
 *   sock::sk_protocol: an 8-bit bitfield before 5.6 (older than every kernel here)
 *   kernel_cap_t: { __u32 cap[2]; } -> { u64 val; }        6.1 -> 6.12
 *   iov_iter::type -> iter_type                           5.10 -> 6.1
 */
#ifndef __CORPUS_CORE_FIXES_BPF_H
#define __CORPUS_CORE_FIXES_BPF_H

#include <bpf/bpf_core_read.h>

/* ---- flavors ------------------------------------------------------------ */

struct task_struct___o {
	volatile long state;
} __attribute__((preserve_access_index));

struct task_struct___rt {
	unsigned int saved_state;
} __attribute__((preserve_access_index));

struct request___x {
	struct request_queue *q;
	struct gendisk *rq_disk;
} __attribute__((preserve_access_index));

struct bio___o {
	struct gendisk *bi_disk;
	__u8 bi_partno;
} __attribute__((preserve_access_index));

enum req_opf___o {
	REQ_OP_READ___o = 0,
	REQ_OP_WRITE___o = 1,
	REQ_OP_FLUSH___o = 2,
	REQ_OP_DISCARD___o = 3,
};

struct mm_struct___new {
	struct percpu_counter rss_stat[4];
} __attribute__((preserve_access_index));

struct file_ref___x {
	atomic64_t refcnt;
};

struct file___new {
	struct file_ref___x f_ref;
} __attribute__((preserve_access_index));

struct inode___new {
	__s64 i_mtime_sec;
} __attribute__((preserve_access_index));

struct kernfs_node___new {
	struct kernfs_node *__parent;
} __attribute__((preserve_access_index));

struct cfs_rq___new {
	unsigned int h_nr_queued;
} __attribute__((preserve_access_index));

struct sk_buff___new {
	__u8 tstamp_type:2;
} __attribute__((preserve_access_index));

struct sock___old {
	unsigned int __sk_flags_offset[0];
	unsigned int sk_padding : 1,
		     sk_kern_sock : 1,
		     sk_no_check_tx : 1,
		     sk_no_check_rx : 1,
		     sk_userlocks : 4,
		     sk_protocol : 8,
		     sk_type : 16;
} __attribute__((preserve_access_index));

typedef struct {
	__u64 val;
} kernel_cap_t___new;

struct iov_iter___o {
	unsigned int type;
} __attribute__((preserve_access_index));

/* ---- guards: CO-RE constants, so `if (has_x())` is decided at load time --- */

static bool has_task_state_field(void)
{
	return bpf_core_field_exists(struct task_struct, __state);
}

static bool has_saved_state(void)
{
	return bpf_core_field_exists(struct task_struct___rt, saved_state);
}

static bool has_rq_disk(void)
{
	return bpf_core_field_exists(struct request___x, rq_disk);
}

static __always_inline bool has_bio_bdev(void)
{
	return bpf_core_field_exists(struct bio, bi_bdev);
}

static __always_inline bool has_percpu_rss_stat(void)
{
	/* the old layout's own type disappeared with it */
	return !bpf_core_type_exists(struct mm_rss_stat);
}

static __always_inline bool has_file_ref(void)
{
	return bpf_core_field_exists(struct file___new, f_ref);
}

static __always_inline bool has_kernfs_new_parent(void)
{
	return bpf_core_field_exists(struct kernfs_node___new, __parent);
}

static __always_inline bool has_cap_u64(void)
{
	return bpf_core_field_exists(kernel_cap_t___new, val);
}

static __always_inline bool has_kfree_skb_reason(void)
{
	return bpf_core_field_exists(struct trace_event_raw_kfree_skb, reason);
}

/* ---- readers ------------------------------------------------------------ */

/* the scheduler state of a task, whatever the kernel calls the field */
static __always_inline __s64 get_task_state(void *task)
{
	struct task_struct *t = task;

	if (has_task_state_field())
		return BPF_CORE_READ(t, __state);
	return BPF_CORE_READ((struct task_struct___o *)task, state);
}

/*
 * The state a sleeping lock saved (PREEMPT_RT 6.1, every kernel here from 6.12 on).
 * Unguarded on purpose: callers decide (exitsnoop guards it with has_saved_state(),
 * runqslower does not and so fails to load where the field is missing).
 */
static __always_inline __u32 task_saved_state(struct task_struct *t)
{
	return BPF_CORE_READ((struct task_struct___rt *)t, saved_state);
}

/* the disk of a request: its own field before 5.17, its queue's afterwards */
static __always_inline struct gendisk *rq_disk(struct request *rq)
{
	if (has_rq_disk())
		return BPF_CORE_READ((struct request___x *)rq, rq_disk);
	return BPF_CORE_READ(rq, q, disk);
}

static __always_inline struct gendisk *bio_disk(struct bio *bio)
{
	if (!has_bio_bdev())
		return BPF_CORE_READ((struct bio___o *)bio, bi_disk);
	return BPF_CORE_READ(bio, bi_bdev, bd_disk);
}

static __always_inline __u32 bio_partno(struct bio *bio)
{
	if (!has_bio_bdev())
		return BPF_CORE_READ((struct bio___o *)bio, bi_partno);
	if (bpf_core_field_exists(struct block_device, bd_partno))
		return BPF_CORE_READ(bio, bi_bdev, bd_partno);
	return 0;
}

/* REQ_OP_WRITE, from whichever enum the kernel has */
static __always_inline __u32 req_op_write(void)
{
	if (bpf_core_enum_value_exists(enum req_op, REQ_OP_WRITE))
		return bpf_core_enum_value(enum req_op, REQ_OP_WRITE);
	return bpf_core_enum_value(enum req_opf___o, REQ_OP_WRITE___o);
}

/* resident pages of one kind (MM_FILEPAGES, MM_ANONPAGES...) */
static __always_inline long mm_rss(struct mm_struct *mm, int member)
{
	if (has_percpu_rss_stat())
		return BPF_CORE_READ((struct mm_struct___new *)mm, rss_stat[member].count);
	return BPF_CORE_READ(mm, rss_stat.count[member].counter);
}

static __always_inline long file_refs(struct file *file)
{
	if (has_file_ref())
		return BPF_CORE_READ((struct file___new *)file, f_ref.refcnt.counter);
	return BPF_CORE_READ(file, f_count.counter);
}

static __always_inline __s64 inode_mtime_sec(struct inode *inode)
{
	if (bpf_core_field_exists(struct inode___new, i_mtime_sec))
		return BPF_CORE_READ((struct inode___new *)inode, i_mtime_sec);
	return BPF_CORE_READ(inode, i_mtime.tv_sec);
}

static __always_inline struct kernfs_node *kn_parent(struct kernfs_node *kn)
{
	if (has_kernfs_new_parent())
		return BPF_CORE_READ((struct kernfs_node___new *)kn, __parent);
	return BPF_CORE_READ(kn, parent);
}

/* runnable tasks of a CFS run queue: h_nr_running was renamed h_nr_queued */
static __always_inline __u32 cfs_queued(struct cfs_rq *cfs)
{
	if (bpf_core_field_exists(cfs->h_nr_running))
		return BPF_CORE_READ(cfs, h_nr_running);
	return BPF_CORE_READ((struct cfs_rq___new *)cfs, h_nr_queued);
}

/* a timestamp in the monotonic clock: one bit until 6.10, a two-bit type since */
static __always_inline __u32 skb_mono_ts(struct sk_buff *skb)
{
	if (bpf_core_field_exists(struct sk_buff___new, tstamp_type))
		return BPF_CORE_READ_BITFIELD_PROBED((struct sk_buff___new *)skb, tstamp_type) == 1;
	if (bpf_core_field_exists(skb->mono_delivery_time))
		return BPF_CORE_READ_BITFIELD_PROBED(skb, mono_delivery_time);
	return 0;
}

static __always_inline __u16 sock_protocol(struct sock *sk)
{
	/* a __u16 of its own since 5.6, a bitfield before */
	if (bpf_core_field_size(sk->sk_protocol) == sizeof(__u16))
		return BPF_CORE_READ(sk, sk_protocol);
	return BPF_CORE_READ_BITFIELD_PROBED((struct sock___old *)sk, sk_protocol);
}

/* a capability set as one 64-bit mask, from either kernel_cap_t layout */
static __always_inline __u64 cap_u64(kernel_cap_t *cap)
{
	__u32 lo, hi;

	if (has_cap_u64())
		return BPF_CORE_READ((kernel_cap_t___new *)cap, val);
	lo = BPF_CORE_READ(cap, cap[0]);
	hi = BPF_CORE_READ(cap, cap[1]);
	return ((__u64)hi << 32) | lo;
}

/* ITER_UBUF/ITER_IOVEC...: the iterator type, a u8 of its own since 5.14 */
static __always_inline __u32 iov_iter_type(struct iov_iter *iter)
{
	if (bpf_core_field_exists(iter->iter_type))
		return BPF_CORE_READ(iter, iter_type);
	return BPF_CORE_READ((struct iov_iter___o *)iter, type) & 0xff;
}

#endif /* __CORPUS_CORE_FIXES_BPF_H */
