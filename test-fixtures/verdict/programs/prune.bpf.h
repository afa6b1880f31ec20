/* SPDX-License-Identifier: MIT */
/*
 * prune.bpf.h - a checksum over optional parts of a record, as event fillers write it: each part is present or not at
 * run time and, when present, folds into the checksum out of line (a BPF-to-BPF call). Every set of present parts is
 * another checksum (2^N states at each later join for a walk that prunes only equal states); the checksum is only
 * stored, so the kernel, which prunes a state covered by one already explored and needs a number's value only where
 * something is decided on it (precision), sees one state per join.
 */
#ifndef PRUNE_BPF_H
#define PRUNE_BPF_H

/* Whether an optional part is present: only known when the program runs. */
static __always_inline int coin(void)
{
	return bpf_get_prandom_u32() & 1;
}

/* One step of the checksum: out of line, so the value crosses frames (r1 in, r0 out). */
static __noinline __u64 mix(__u64 v, __u64 k)
{
	return v * 3 + k;
}

/* Adds a flag to a selector: out of line too, so its precision must be followed through the callee. */
static __noinline __u64 pick(__u64 sel, __u64 bit)
{
	return sel | bit;
}

#define MIX(v, k)				\
	do {					\
		if (coin())			\
			(v) = mix((v), (k));	\
	} while (0)

/* Twenty-four optional parts. */
#define MIX_PARTS(v)							\
	do {								\
		MIX(v, 1); MIX(v, 2); MIX(v, 3); MIX(v, 4); MIX(v, 5);	\
		MIX(v, 6); MIX(v, 7); MIX(v, 8); MIX(v, 9); MIX(v, 10);	\
		MIX(v, 11); MIX(v, 12); MIX(v, 13); MIX(v, 14); MIX(v, 15);	\
		MIX(v, 16); MIX(v, 17); MIX(v, 18); MIX(v, 19); MIX(v, 20);	\
		MIX(v, 21); MIX(v, 22); MIX(v, 23); MIX(v, 24);		\
	} while (0)

#endif /* PRUNE_BPF_H */
