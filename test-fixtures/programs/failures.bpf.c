// SPDX-License-Identifier: MIT
/*
 * failures.bpf.c - deliberate failures, ambiguity and candidate pruning.
 *
 * Local-side failures (fail against every target):
 *   - SIGNED on an array element           -> calc error
 *   - index into a zero-length array that is not the last member -> spec
 *     parse error (-EINVAL)
 *   - anonymous local root type            -> candidate search error (-EINVAL)
 * Target-driven failures (see targets/src/errs.c, ambig.c, dups.c):
 *   - missing field (byte_off/byte_sz -> poison, field_exists -> 0)
 *   - retyped field (int vs struct)        -> poison
 *   - out-of-bounds array index            -> poison
 *   - field grown u32 -> u64 (direct load)  -> LDX size rewritten
 *   - field grown s32 -> s64 (direct load)  -> failMemszAdjust, LDX poisoned
 *   - missing type                         -> type_exists/type_size 0
 *   - missing enumerator, unguarded        -> poison (incl. an ldimm64)
 *   - too-big bitfield                     -> error -E2BIG
 *   - two candidates that disagree         -> error -EINVAL (ambiguity)
 *   - candidates that agree                -> success
 *   - pruning: the cached candidate list shrinks after each successful
 *     relocation, so the ORDER of relocations decides between success and
 *     ambiguity (prune_first vs prune_late sections).
 * Flavor-name corner cases: four underscores and a trailing ___.
 */
#include "fixture.h"

struct fail_fields {
	int present;
	int missing;
	int retyped;
	int arr[4];
	__u32 grows;
	__s32 sgrows;
	char *ptr;
} __attribute__((preserve_access_index));

struct fail_zla {
	int n;
	int zla[0];
	int tail;
};

SEC("raw_tp/fail_fields")
int test_fail_fields(void *ctx)
{
	struct fail_fields *in = INPUT(struct fail_fields);

	OUT(0, in->present);
	OUT(1, in->missing);                      /* byte_off on LDX */
	OUT(2, bpf_core_field_size(in->missing));
	OUT(3, bpf_core_field_exists(in->missing));
	OUT(4, in->retyped);
	OUT(5, bpf_core_field_exists(in->retyped));
	OUT(6, in->arr[3]);                       /* "0:3:3" */
	OUT(7, bpf_core_field_exists(in->arr[3]));
	OUT(8, in->grows);                        /* u32 -> u64: size adjusted */
	OUT(9, in->sgrows);                       /* s32 -> s64: poisoned */
	OUT(10, in->ptr);
	return 0;
}

SEC("raw_tp/fail_local")
int test_fail_local(void *ctx)
{
	struct fail_fields *in = INPUT(struct fail_fields);
	struct fail_zla *z = INPUT(struct fail_zla);
	struct { int x; int y; } anon = {};
	struct { int v; } __attribute__((preserve_access_index)) *ap = (void *)in_buf;

	OUT(0, __builtin_preserve_field_info(in->arr[1], BPF_FIELD_SIGNED));
	OUT(1, bpf_core_field_offset(z->zla[1]));
	OUT(3, ap->v);                                 /* anonymous root */
	OUT(4, bpf_core_type_id_local(anon));          /* fine: no search */
	return 0;
}

/* ---------------------------------------------------------------- types */
struct fail_missing_type {
	int x;
};

enum fail_enum {
	FAIL_ENUM_A = 1,
	FAIL_ENUM_B = 2,
};

enum fail_enum64 {
	FAIL_ENUM64_BIG = 0x100000005ULL,  /* ldimm64 in the instruction */
	FAIL_ENUM64_SMALL = 5,
};

SEC("raw_tp/fail_types")
int test_fail_types(void *ctx)
{
	OUT(0, bpf_core_type_exists(struct fail_missing_type));
	OUT(1, bpf_core_type_size(struct fail_missing_type));
	OUT(2, bpf_core_type_id_kernel(struct fail_missing_type));
	OUT(3, bpf_core_enum_value_exists(enum fail_enum, FAIL_ENUM_B));
	OUT(4, bpf_core_enum_value(enum fail_enum, FAIL_ENUM_A));
	OUT(5, bpf_core_enum_value(enum fail_enum, FAIL_ENUM_B));   /* unguarded */
	OUT(6, bpf_core_enum_value(enum fail_enum64, FAIL_ENUM64_BIG));
	OUT(7, bpf_core_enum_value(enum fail_enum64, FAIL_ENUM64_SMALL));
	return 0;
}

/* ---------------------------------------------------------------- bitfield */
struct fail_bitfield {
	__u64 ub1: 4;
	__u64 ub2: 60;
} __attribute__((preserve_access_index));

SEC("raw_tp/fail_bitfield")
int test_fail_bitfield(void *ctx)
{
	struct fail_bitfield *in = INPUT(struct fail_bitfield);

	OUT(0, BPF_CORE_READ_BITFIELD_PROBED(in, ub1));
	OUT(1, BPF_CORE_READ_BITFIELD_PROBED(in, ub2));
	return 0;
}

/* ---------------------------------------------------------------- ambiguity */
struct ambig {
	int x;
	int y;
};

struct agree {
	int a;
	int b;
};

SEC("raw_tp/ambiguity")
int test_ambiguity(void *ctx)
{
	struct ambig *am = INPUT(struct ambig);
	struct agree *ag = INPUT(struct agree);
	int v = 0;

	bpf_core_read(&v, sizeof(v), &ag->b);         /* duplicates agree */
	OUT(0, v);
	OUT(1, bpf_core_field_size(ag->a));
	OUT(2, bpf_core_type_size(struct agree));
	OUT(3, bpf_core_type_id_kernel(struct agree)); /* ids always differ */
	bpf_core_read(&v, sizeof(v), &am->y);         /* offsets disagree */
	OUT(4, v);
	OUT(5, bpf_core_field_size(am->x));           /* sizes disagree */
	OUT(6, bpf_core_field_exists(am->x));
	return 0;
}

/* ---------------------------------------------------------------- pruning */
struct prune_first {
	int common;
	int only_b;
};

struct prune_late {
	int common;
	int only_b;
};

SEC("raw_tp/prune_first")
int test_prune_first(void *ctx)
{
	struct prune_first *p = INPUT(struct prune_first);

	/* only_b matches candidate ___b only: list pruned to [___b] ... */
	OUT(0, bpf_core_field_offset(p->only_b));
	/* ... so common is no longer ambiguous */
	OUT(1, bpf_core_field_offset(p->common));
	return 0;
}

SEC("raw_tp/prune_late")
int test_prune_late(void *ctx)
{
	struct prune_late *p = INPUT(struct prune_late);

	/* common matches ___a (offset 0) and ___b (offset 4): ambiguity */
	OUT(0, bpf_core_field_offset(p->common));
	OUT(1, bpf_core_field_offset(p->only_b));
	/* after the successful only_b relocation the list is [___b] */
	OUT(2, bpf_core_field_offset(p->common));
	return 0;
}

/* ---------------------------------------------------------------- names */
struct flv____four {	/* 4 underscores: NOT a flavor, essential name is the whole name */
	int x;
};

struct flv___ {		/* trailing ___: NOT a flavor either */
	int x;
};

struct flv___a___b {	/* essential name flv___a */
	int x;
};

SEC("raw_tp/flavor_names")
int test_flavor_names(void *ctx)
{
	OUT(0, bpf_core_type_exists(struct flv____four));
	OUT(1, bpf_core_type_exists(struct flv___));
	OUT(2, bpf_core_type_exists(struct flv___a___b));
	OUT(3, bpf_core_type_size(struct flv___a___b));
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
