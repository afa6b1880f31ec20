/* SPDX-License-Identifier: MIT */
/*
 * explode.bpf.h - an event filler as tracers write it: optional parts of a record, each present or not at run time,
 * each moving the position of the next read by its own size. To a walk that prunes only equal states, every set of
 * present parts is another state at every later join (2^N of them); the kernel, and a walk that prunes a state
 * covered by one already explored, sees the position as a number it never decides anything on.
 */
#ifndef EXPLODE_BPF_H
#define EXPLODE_BPF_H

/* Whether an optional part is present: only known when the program runs. */
static __always_inline int part_present(void)
{
	return bpf_get_prandom_u32() & 1;
}

/* Moves `pos` past one optional part of `size` bytes when it is present. */
#define SKIP_PART(pos, size)		\
	do {				\
		if (part_present())	\
			(pos) += (size);	\
	} while (0)

/* Twenty-six optional parts, each of another size (2^i + 1: no two sets of them add up to the same position). */
#define SKIP_PARTS(pos)							\
	do {								\
		SKIP_PART(pos, 3); SKIP_PART(pos, 5); SKIP_PART(pos, 9);	\
		SKIP_PART(pos, 17); SKIP_PART(pos, 33); SKIP_PART(pos, 65);	\
		SKIP_PART(pos, 129); SKIP_PART(pos, 257); SKIP_PART(pos, 513);	\
		SKIP_PART(pos, 1025); SKIP_PART(pos, 2049); SKIP_PART(pos, 4097);	\
		SKIP_PART(pos, 8193); SKIP_PART(pos, 16385); SKIP_PART(pos, 32769);	\
		SKIP_PART(pos, 65537); SKIP_PART(pos, 131073); SKIP_PART(pos, 262145);	\
		SKIP_PART(pos, 524289); SKIP_PART(pos, 1048577); SKIP_PART(pos, 2097153);	\
		SKIP_PART(pos, 4194305); SKIP_PART(pos, 8388609); SKIP_PART(pos, 16777217);	\
		SKIP_PART(pos, 33554433); SKIP_PART(pos, 67108865);	\
	} while (0)

/* Reads the word at `base + pos` (kernel memory): the position is a helper's source address, nothing else. */
static __always_inline __u64 read_at(__u64 base, __u64 pos)
{
	__u64 v = 0;

	bpf_probe_read_kernel(&v, sizeof(v), (void *)(base + pos));
	return v;
}

#endif /* EXPLODE_BPF_H */
