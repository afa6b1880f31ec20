/* SPDX-License-Identifier: MIT */
/*
 * stack.bpf.h - optional parts that each park a pointer in a scratch slot of their own on the stack while they run
 * (tracee's event buffers, an argument saved across a call), as real programs do. Every set of parts that ran leaves
 * another stack behind (2^N states at each later join for a walk that compares every slot); the kernel compares only
 * the slots some path below reads before writing them whole (liveness), and sees one state per join where the
 * scratch slots are dead.
 */
#ifndef STACK_BPF_H
#define STACK_BPF_H

#define NPARTS 24

/* Whether an optional part runs: only known when the program runs. */
static __always_inline int coin(void)
{
	return bpf_get_prandom_u32() & 1;
}

/* One part: when it runs, its slot holds `p` (a pointer spilled to the stack: volatile, so it is stored). */
#define PART(slots, k, p)			\
	do {					\
		if (coin())			\
			(slots)[k] = (p);	\
	} while (0)

#define PARTS(slots, p)											\
	do {												\
		PART(slots, 0, p); PART(slots, 1, p); PART(slots, 2, p); PART(slots, 3, p);		\
		PART(slots, 4, p); PART(slots, 5, p); PART(slots, 6, p); PART(slots, 7, p);		\
		PART(slots, 8, p); PART(slots, 9, p); PART(slots, 10, p); PART(slots, 11, p);		\
		PART(slots, 12, p); PART(slots, 13, p); PART(slots, 14, p); PART(slots, 15, p);	\
		PART(slots, 16, p); PART(slots, 17, p); PART(slots, 18, p); PART(slots, 19, p);	\
		PART(slots, 20, p); PART(slots, 21, p); PART(slots, 22, p); PART(slots, 23, p);	\
	} while (0)

#endif /* STACK_BPF_H */
