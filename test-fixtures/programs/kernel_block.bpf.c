// SPDX-License-Identifier: MIT
/*
 * kernel_block.bpf.c - block I/O latency in the style of libbpf-tools'
 * biolatency and biosnoop, against the generated vmlinux.h.
 *   - block_rq_issue / block_rq_complete through tp_btf and BPF_PROG:
 *     struct request (__data_len, cmd_flags, __sector, bio chain),
 *     struct bio (bi_iter.bi_sector/bi_size, bi_opf);
 *   - the disk of a request: request::rq_disk before 5.17, else
 *     request->q->disk (flavors request___x / request_queue___x, guarded);
 *   - the disk of a bio: bio::bi_disk before 5.12, else bi_bdev->bd_disk;
 *   - gendisk major/first_minor and disk_name, enum req_op values.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>

#define MINORBITS 20
#define MKDEV(ma, mi) (((ma) << MINORBITS) | (mi))
#define REQ_OP_BITS 8
#define REQ_OP_MASK ((1 << REQ_OP_BITS) - 1)

struct stage {
	u64 issue;
	u64 sector;
	u32 len;
	u32 dev;
	u32 op;
	char disk[32];
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, struct request *);
	__type(value, struct stage);
} start SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 4);
	__type(key, u32);
	__type(value, u64);
} counts SEC(".maps");

/* request::rq_disk was removed in 5.17 */
struct request___x {
	struct request_queue *q;
	struct gendisk *rq_disk;
} __attribute__((preserve_access_index));

struct request_queue___x {
	struct gendisk *disk;
} __attribute__((preserve_access_index));

/* bio::bi_disk was replaced by bi_bdev in 5.12 */
struct bio___o {
	struct gendisk *bi_disk;
} __attribute__((preserve_access_index));

static __always_inline struct gendisk *get_disk(void *request)
{
	struct request___x *r = request;
	struct request_queue___x *q;

	if (bpf_core_field_exists(r->rq_disk))
		return BPF_CORE_READ(r, rq_disk);
	q = (struct request_queue___x *)BPF_CORE_READ(r, q);
	return BPF_CORE_READ(q, disk);
}

static __always_inline struct gendisk *bio_disk(struct bio *bio)
{
	if (!bpf_core_field_exists(bio->bi_bdev))
		return BPF_CORE_READ((struct bio___o *)bio, bi_disk);
	return BPF_CORE_READ(bio, bi_bdev, bd_disk);
}

SEC("tp_btf/block_rq_issue")
int BPF_PROG(block_rq_issue, struct request *rq)
{
	struct stage stage = {};
	struct gendisk *disk = get_disk(rq);

	stage.issue = bpf_ktime_get_ns();
	stage.len = rq->__data_len;
	stage.sector = BPF_CORE_READ(rq, __sector);
	stage.op = rq->cmd_flags & REQ_OP_MASK;
	if (disk) {
		stage.dev = MKDEV(BPF_CORE_READ(disk, major), BPF_CORE_READ(disk, first_minor));
		BPF_CORE_READ_STR_INTO(&stage.disk, disk, disk_name);
	}
	bpf_map_update_elem(&start, &rq, &stage, 0);
	return 0;
}

SEC("tp_btf/block_rq_complete")
int BPF_PROG(block_rq_complete, struct request *rq, int error, unsigned int nr_bytes)
{
	struct stage *stagep;
	struct bio *bio;
	u32 key;
	u64 *cnt;

	stagep = bpf_map_lookup_elem(&start, &rq);
	if (!stagep)
		return 0;
	key = stagep->op == bpf_core_enum_value(enum req_op, REQ_OP_WRITE) ? 1 : 0;
	if (error)
		key = 2;
	bio = rq->bio;
	if (bio && bio_disk(bio) && BPF_CORE_READ(bio, bi_iter.bi_size) > nr_bytes)
		key = 3;
	cnt = bpf_map_lookup_elem(&counts, &key);
	if (cnt)
		__sync_fetch_and_add(cnt, bpf_ktime_get_ns() - stagep->issue + BPF_CORE_READ(rq, bio, bi_iter.bi_sector));
	bpf_map_delete_elem(&start, &rq);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
