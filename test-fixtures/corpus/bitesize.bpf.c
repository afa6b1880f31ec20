// SPDX-License-Identifier: MIT
/*
 * bitesize.bpf.c - I/O size histograms per process and direction
 * (libbpf-tools' bitesize).
 *   - tp_btf/block_rq_issue over u64 *ctx (argument order by kernel version)
 *     with direct loads rq->__data_len, rq->cmd_flags, and req_op_write(),
 *     which checks bpf_core_enum_value_exists(enum req_op, REQ_OP_WRITE)
 *     and falls back to the enum req_opf___o flavor;
 *   - raw_tp/block_rq_issue: bpf_core_enum_value(enum req_op, REQ_OP_READ)
 *     with no guard: enum req_op is 6.0+, so this program fails on 5.10.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "events.h"
#include "maps.bpf.h"
#include "task.bpf.h"

#define REQ_OP_MASK 0xff

extern int LINUX_KERNEL_VERSION __kconfig;

const volatile char targ_comm[TASK_COMM_LEN] = {};
const volatile bool filter_comm = false;

struct hist_key {
	char comm[TASK_COMM_LEN];
	__u32 write;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, struct hist_key);
	__type(value, struct hist);
} hists SEC(".maps");

static struct hist initial_hist;

static __always_inline bool comm_allowed(const char *comm)
{
	int i;

	if (!filter_comm)
		return true;
	for (i = 0; i < TASK_COMM_LEN && targ_comm[i] != '\0'; i++) {
		if (comm[i] != targ_comm[i])
			return false;
	}
	return true;
}

static __always_inline int count_rq(__u32 bytes, __u32 cmd_flags, bool write)
{
	struct hist_key hkey = {};
	struct hist *histp;

	bpf_get_current_comm(&hkey.comm, sizeof(hkey.comm));
	if (!comm_allowed(hkey.comm))
		return 0;
	hkey.write = write;
	histp = lookup_or_init(&hists, &hkey, &initial_hist);
	if (!histp)
		return 0;
	hist_add(histp->slots, bytes / 1024);
	return 0;
}

SEC("tp_btf/block_rq_issue")
int block_rq_issue(__u64 *ctx)
{
	struct request *rq;

	if (LINUX_KERNEL_VERSION < KERNEL_VERSION(5, 11, 0))
		rq = (void *)ctx[1];
	else
		rq = (void *)ctx[0];
	return count_rq(rq->__data_len, rq->cmd_flags, (rq->cmd_flags & REQ_OP_MASK) == req_op_write());
}

SEC("raw_tp/block_rq_issue")
int BPF_PROG(block_rq_issue_raw, struct request *rq)
{
	__u32 flags = BPF_CORE_READ(rq, cmd_flags);

	return count_rq(BPF_CORE_READ(rq, __data_len), flags,
			(flags & REQ_OP_MASK) != bpf_core_enum_value(enum req_op, REQ_OP_READ));
}

char LICENSE[] SEC("license") = "GPL";
