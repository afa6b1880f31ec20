// SPDX-License-Identifier: MIT
/*
 * app_stats.bpf.h - what a tracing tool shares between its programs: the layout of an application's own records
 * (no preserve_access_index: the program bakes their offsets in, no relocation) and inline helpers that read them.
 * Whether a read is refused depends on what the caller hands over: a kprobe argument or a number read with
 * BPF_CORE_READ is a plain number to the verifier, a map value is a pointer it knows.
 */
#ifndef APP_STATS_BPF_H
#define APP_STATS_BPF_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>

struct app_queue {
	long head;
	long tail;
	struct app_queue *next;
};

struct app_stats {
	long pad;
	long count;
	int hits[4];
};

__u64 out;

/* the queue's length, read straight through the pointer the caller gives */
static __always_inline long queue_len(struct app_queue *q)
{
	return q->tail - q->head;
}

/* one hop further: the next queue's head */
static __always_inline long next_head(struct app_queue *q)
{
	return q->next->head;
}

/* the queue the tool keeps for the current task: an address it stored in the mm's arg_start, read back as a number */
static __always_inline struct app_queue *task_queue(void)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();

	return (struct app_queue *)BPF_CORE_READ(task, mm, arg_start);
}

#endif
