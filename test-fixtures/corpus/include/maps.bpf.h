/* SPDX-License-Identifier: MIT */
/*
 * maps.bpf.h - map idioms every tool repeats: look up or create a value,
 * log2 histograms, per-thread start timestamps. No CO-RE here on purpose:
 * the live analysis must not invent relocations in helpers that have none.
 */
#ifndef __CORPUS_MAPS_BPF_H
#define __CORPUS_MAPS_BPF_H

#include <bpf/bpf_helpers.h>
#include <asm-generic/errno.h>

/* a hash map from thread id to a start timestamp, as most latency tools keep */
#define START_MAP(name, entries)				\
	struct {						\
		__uint(type, BPF_MAP_TYPE_HASH);		\
		__uint(max_entries, entries);			\
		__type(key, __u32);				\
		__type(value, __u64);				\
	} name SEC(".maps")

/* the value for key, inserting init first when it is missing (racing inserts are fine) */
static __always_inline void *lookup_or_init(void *map, const void *key, const void *init)
{
	void *val;
	long err;

	val = bpf_map_lookup_elem(map, key);
	if (val)
		return val;
	err = bpf_map_update_elem(map, key, init, BPF_NOEXIST);
	if (err && err != -EEXIST)
		return 0;
	return bpf_map_lookup_elem(map, key);
}

/* floor(log2(v)) without loops: the verifier of old kernels has no bounded loops */
static __always_inline __u64 log2_u32(__u32 v)
{
	__u32 shift, r;

	r = (v > 0xFFFF) << 4; v >>= r;
	shift = (v > 0xFF) << 3; v >>= shift; r |= shift;
	shift = (v > 0xF) << 2; v >>= shift; r |= shift;
	shift = (v > 0x3) << 1; v >>= shift; r |= shift;
	r |= (v >> 1);
	return r;
}

static __always_inline __u64 log2_u64(__u64 v)
{
	__u32 hi = v >> 32;

	if (hi)
		return log2_u32(hi) + 32;
	return log2_u32(v);
}

/* add one sample to a histogram slot, clamped to the last slot */
static __always_inline void hist_add(__u32 *slots, __u64 value)
{
	__u64 slot = log2_u64(value);

	if (slot >= MAX_SLOTS)
		slot = MAX_SLOTS - 1;
	__sync_fetch_and_add(&slots[slot], 1);
}

/* the elapsed time since a stored start, in microseconds, deleting the entry; 0 when there was none */
static __always_inline __u64 take_delta_us(void *map, __u32 *key)
{
	__u64 *tsp, delta;

	tsp = bpf_map_lookup_elem(map, key);
	if (!tsp)
		return 0;
	delta = bpf_ktime_get_ns() - *tsp;
	bpf_map_delete_elem(map, key);
	return delta / 1000;
}

#endif /* __CORPUS_MAPS_BPF_H */
