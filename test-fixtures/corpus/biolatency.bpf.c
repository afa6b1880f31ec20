// SPDX-License-Identifier: MIT
/*
 * biolatency.bpf.c - block I/O latency histograms, per disk and per
 * operation (libbpf-tools' biolatency).
 *   - tp_btf/block_rq_insert and block_rq_issue over a raw u64 *ctx: the
 *     request is ctx[1] before 5.11 and ctx[0] since, chosen with libbpf's
 *     LINUX_KERNEL_VERSION kconfig extern (a load-time constant too);
 *   - tp_btf/block_rq_complete via BPF_PROG: the request as a BTF pointer;
 *   - raw_tp/block_rq_complete: the same through BPF_CORE_READ;
 *   - rq_disk() (rq_disk before 5.17, q->disk after), req_op_write() (enum
 *     req_op / req_opf___o) from core_fixes.bpf.h, inlined several times.
 * Loads on every kernel.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "events.h"
#include "maps.bpf.h"
#include "task.bpf.h"

#define MINORBITS 20
#define MKDEV(ma, mi) ((__u32)(((ma) << MINORBITS) | (mi)))
#define REQ_OP_BITS 8
#define REQ_OP_MASK ((1 << REQ_OP_BITS) - 1)

extern int LINUX_KERNEL_VERSION __kconfig;

const volatile bool targ_per_disk = false;
const volatile bool targ_per_flag = false;
const volatile bool targ_queued = false;
const volatile bool filter_dev = false;
const volatile __u32 targ_dev = 0;

struct hist_key {
	__u32 dev;
	__u32 write;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, struct request *);
	__type(value, __u64);
} start SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 256);
	__type(key, struct hist_key);
	__type(value, struct hist);
} hists SEC(".maps");

static struct hist initial_hist;

static __always_inline __u32 disk_dev(struct gendisk *disk)
{
	return disk ? MKDEV(BPF_CORE_READ(disk, major), BPF_CORE_READ(disk, first_minor)) : 0;
}

static __always_inline int trace_rq_start(struct request *rq, bool insert)
{
	__u64 ts;

	if (filter_dev && targ_dev != disk_dev(rq_disk(rq)))
		return 0;
	if (insert != targ_queued)
		return 0;
	ts = bpf_ktime_get_ns();
	bpf_map_update_elem(&start, &rq, &ts, 0);
	return 0;
}

static __always_inline int handle_complete(struct request *rq)
{
	struct hist_key hkey = {};
	struct hist *histp;
	__u64 *tsp, delta;

	tsp = bpf_map_lookup_elem(&start, &rq);
	if (!tsp)
		return 0;
	delta = (bpf_ktime_get_ns() - *tsp) / 1000;
	if (targ_per_disk)
		hkey.dev = disk_dev(rq_disk(rq));
	if (targ_per_flag)
		hkey.write = (BPF_CORE_READ(rq, cmd_flags) & REQ_OP_MASK) == req_op_write();
	histp = lookup_or_init(&hists, &hkey, &initial_hist);
	if (histp)
		hist_add(histp->slots, delta);
	bpf_map_delete_elem(&start, &rq);
	return 0;
}

SEC("tp_btf/block_rq_insert")
int block_rq_insert(__u64 *ctx)
{
	/* commit a54895fa (5.11) dropped the request_queue argument */
	if (LINUX_KERNEL_VERSION < KERNEL_VERSION(5, 11, 0))
		return trace_rq_start((void *)ctx[1], true);
	return trace_rq_start((void *)ctx[0], true);
}

SEC("tp_btf/block_rq_issue")
int block_rq_issue(__u64 *ctx)
{
	if (LINUX_KERNEL_VERSION < KERNEL_VERSION(5, 11, 0))
		return trace_rq_start((void *)ctx[1], false);
	return trace_rq_start((void *)ctx[0], false);
}

SEC("tp_btf/block_rq_complete")
int BPF_PROG(block_rq_complete, struct request *rq, int error, unsigned int nr_bytes)
{
	return handle_complete(rq);
}

SEC("raw_tp/block_rq_complete")
int BPF_PROG(block_rq_complete_raw, struct request *rq, int error, unsigned int nr_bytes)
{
	return handle_complete(rq);
}

char LICENSE[] SEC("license") = "GPL";
