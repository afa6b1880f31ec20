// SPDX-License-Identifier: MIT
/*
 * biosnoop.bpf.c - one record per block I/O: disk, sector, size, latency and
 * the process that queued it (libbpf-tools' biosnoop, with its tracepoint
 * fallbacks).
 *   - kprobe/blk_account_io_start via BPF_KPROBE: who queued the request,
 *     the disk name through rq_disk();
 *   - kprobe/submit_bio: the bio's disk and partition (bio_disk(),
 *     bio_partno(): bi_disk/bi_partno before 5.12, bi_bdev after) and
 *     bio->bi_iter.bi_sector;
 *   - tp/block/block_rq_issue with the trace_event_raw_block_rq context
 *     (dev, sector, nr_sector, rwbs[]);
 *   - tp/block/block_rq_complete with trace_event_raw_block_rq_completion,
 *     unguarded: that struct appeared in 5.11 (5.10 names it
 *     trace_event_raw_block_rq_complete), so this program fails on 5.10.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "events.h"
#include "maps.bpf.h"
#include "compat.bpf.h"
#include "task.bpf.h"

#define MINORBITS 20
#define MKDEV(ma, mi) ((__u32)(((ma) << MINORBITS) | (mi)))

const volatile bool targ_queued = false;

struct stage {
	__u64 insert;
	__u64 issue;
	__u32 pid;
	__u32 dev;
	char comm[TASK_COMM_LEN];
	char disk[DISK_NAME_LEN];
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u64);
	__type(value, struct stage);
} stages SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 10240);
	__type(key, __u64);
	__type(value, __u32);
} bio_parts SEC(".maps");

SEC("kprobe/blk_account_io_start")
int BPF_KPROBE(blk_account_io_start, struct request *rq)
{
	struct stage s = {};
	struct gendisk *disk = rq_disk(rq);
	__u64 key = (__u64)rq;

	s.pid = bpf_get_current_pid_tgid() >> 32;
	s.insert = bpf_ktime_get_ns();
	bpf_get_current_comm(&s.comm, sizeof(s.comm));
	if (disk) {
		s.dev = MKDEV(BPF_CORE_READ(disk, major), BPF_CORE_READ(disk, first_minor));
		BPF_CORE_READ_STR_INTO(&s.disk, disk, disk_name);
	}
	bpf_map_update_elem(&stages, &key, &s, BPF_ANY);
	return 0;
}

SEC("kprobe/submit_bio")
int BPF_KPROBE(submit_bio, struct bio *bio)
{
	struct gendisk *disk = bio_disk(bio);
	__u64 sector = BPF_CORE_READ(bio, bi_iter.bi_sector);
	__u32 part = bio_partno(bio);

	if (!disk)
		return 0;
	part |= BPF_CORE_READ(disk, first_minor) << 8;
	bpf_map_update_elem(&bio_parts, &sector, &part, BPF_ANY);
	return 0;
}

SEC("tp/block/block_rq_issue")
int tp_block_rq_issue(struct trace_event_raw_block_rq *ctx)
{
	__u64 key = ((__u64)ctx->dev << 32) | (__u32)ctx->sector;
	struct stage s = {}, *sp;

	sp = bpf_map_lookup_elem(&stages, &key);
	if (!sp) {
		s.dev = ctx->dev;
		s.issue = bpf_ktime_get_ns();
		s.pid = bpf_get_current_pid_tgid() >> 32;
		bpf_get_current_comm(&s.comm, sizeof(s.comm));
		bpf_map_update_elem(&stages, &key, &s, BPF_ANY);
		return 0;
	}
	sp->issue = bpf_ktime_get_ns();
	/* 'W' in rwbs marks a write */
	if (ctx->rwbs[0] == 'W' || ctx->rwbs[1] == 'W')
		sp->dev |= 1u << 31;
	return 0;
}

SEC("tp/block/block_rq_complete")
int tp_block_rq_complete(struct trace_event_raw_block_rq_completion *ctx)
{
	__u64 key = ((__u64)ctx->dev << 32) | (__u32)ctx->sector;
	struct block_event *e;
	struct stage *sp;

	sp = bpf_map_lookup_elem(&stages, &key);
	if (!sp)
		return 0;
	e = reserve_buf(sizeof(*e));
	if (!e)
		goto cleanup;
	fill_hdr(&e->hdr, EV_BLOCK);
	e->hdr.pid = sp->pid;
	e->sector = ctx->sector;
	e->len = ctx->nr_sector << 9;
	e->dev = ctx->dev;
	e->error = ctx->error;
	e->delta_us = (bpf_ktime_get_ns() - (targ_queued ? sp->insert : sp->issue)) / 1000;
	__builtin_memcpy(e->disk, sp->disk, sizeof(e->disk));
	submit_buf(ctx, e, sizeof(*e));
cleanup:
	bpf_map_delete_elem(&stages, &key);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
