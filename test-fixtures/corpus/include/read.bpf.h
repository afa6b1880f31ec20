/* SPDX-License-Identifier: MIT */
/*
 * read.bpf.h - the project's own read macros, built the way larger code bases
 * build theirs: on clang's __builtin_preserve_access_index directly, and on
 * libbpf's internal helpers (___type, ___arrow) that BPF_CORE_READ itself uses.
 */
#ifndef __CORPUS_READ_BPF_H
#define __CORPUS_READ_BPF_H

#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

/* helpers are declared with this instead of spelling the attributes out */
#define statfunc static __always_inline

/* explicit relocation of one access, for bpf_probe_read_kernel() callers */
#define _(P) (__builtin_preserve_access_index(P))

/* a single load the compiler may not merge or tear: for BTF pointers (tp_btf, fentry) */
#define READ_ONCE(x) (*(const volatile typeof(x) *)&(x))

/* a relocated read of one lvalue into a zeroed local of its type */
#define READ_KERN(ptr)							\
	({								\
		typeof(ptr) _val;					\
		__builtin_memset((void *)&_val, 0, sizeof(_val));	\
		bpf_core_read((void *)&_val, sizeof(_val), &ptr);	\
		_val;							\
	})

/* BPF_CORE_READ that yields `dflt` when any hop of the chain fails to read */
#define CORE_READ_OR(dflt, src, a, ...)					\
	({								\
		___type((src), a, ##__VA_ARGS__) __v;			\
		if (BPF_CORE_READ_INTO(&__v, (src), a, ##__VA_ARGS__))	\
			__v = (dflt);					\
		__v;							\
	})

/* the relocated address of a field one hop away (&src->a.b), without reading it */
#define CORE_ADDR(src, a, ...)						\
	((void *)__builtin_preserve_access_index(&___arrow((src), a, ##__VA_ARGS__)))

#endif /* __CORPUS_READ_BPF_H */
