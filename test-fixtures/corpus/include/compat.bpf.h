/* SPDX-License-Identifier: MIT */
/*
 * compat.bpf.h - one event channel for every kernel: the BPF ring buffer where
 * the kernel has one (5.8+), else a perf buffer fed from a per-CPU scratch
 * record. Which one is a CO-RE constant (bpf_core_type_exists of the kernel's
 * struct bpf_ringbuf), so the verifier drops the path the kernel does not take.
 * Userspace shrinks whichever map it does not use to one entry.
 */
#ifndef __CORPUS_COMPAT_BPF_H
#define __CORPUS_COMPAT_BPF_H

#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

#define MAX_EVENT_SIZE 2048
#define RINGBUF_SIZE (256 * 1024)

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, MAX_EVENT_SIZE);
} event_heap SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, RINGBUF_SIZE);
} events_rb SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u32));
} events_pb SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, MAX_EVENT_SIZE);
} scratch_heap SEC(".maps");

static __always_inline bool has_ringbuf(void)
{
	return bpf_core_type_exists(struct bpf_ringbuf);
}

/* room for one record of `size` bytes (a constant), or NULL */
static __always_inline void *reserve_buf(__u64 size)
{
	__u32 zero = 0;

	if (has_ringbuf())
		return bpf_ringbuf_reserve(&events_rb, size, 0);
	return bpf_map_lookup_elem(&event_heap, &zero);
}

static __always_inline long submit_buf(void *ctx, void *buf, __u64 size)
{
	if (has_ringbuf()) {
		bpf_ringbuf_submit(buf, 0);
		return 0;
	}
	return bpf_perf_event_output(ctx, &events_pb, BPF_F_CURRENT_CPU, buf, size);
}

/* give the record back without sending it */
static __always_inline void discard_buf(void *buf)
{
	if (has_ringbuf())
		bpf_ringbuf_discard(buf, 0);
}

/* a per-CPU scratch record too big for the 512-byte stack (never sent as is) */
static __always_inline void *scratch_buf(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&scratch_heap, &zero);
}

#endif /* __CORPUS_COMPAT_BPF_H */
