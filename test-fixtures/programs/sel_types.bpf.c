// SPDX-License-Identifier: MIT
/*
 * sel_types.bpf.c - type-based and enum-value relocations, mirroring the
 * kernel selftest groups type_based, type_id, enumval and enum64val
 * (test_core_reloc_type_based.c, _type_id.c, _enumval.c, _enum64val.c).
 *
 * Kinds: local_type_id, target_type_id, type_exists, type_size,
 * enumval_exists, enumval_value and type_matches.
 *
 * type_matches: clang 14 cannot emit it (llvm.bpf.preserve.type.info flag 2
 * is rejected in the backend). The section "raw_tp/type_matches" therefore
 * uses bpf_core_type_exists() and scripts/build-fixtures.sh rewrites the kind
 * of every type_exists record IN THAT SECTION ONLY from 8 to 12
 * (tools/oracle/patch_matches.py). The instruction shape (mov rX, 1) is the
 * same one clang 15+ produces for bpf_core_type_matches().
 *
 * enum64: clang 14 has no BTF_KIND_ENUM64; a 64-bit enum becomes an 8-byte
 * ENUM whose BTF values are truncated to 32 bits while the instruction holds
 * the full 64-bit constant. The enum64 section keeps that real-world shape.
 */
#include "fixture.h"

/* ---------------------------------------------------------------- types */
struct a_struct {
	int x;
};

struct a_complex_struct {
	union {
		struct a_struct *restrict a;
		void *b;
	} x;
	volatile long y;
};

union a_union {
	int y;
	int z;
};

typedef struct a_struct named_struct_typedef;

typedef struct {
	int x, y, z;
} anon_struct_typedef;

typedef struct {
	int a, b, c;
} *struct_ptr_typedef;

enum an_enum {
	AN_ENUM_VAL1 = 1,
	AN_ENUM_VAL2 = 2,
	AN_ENUM_VAL3 = 3,
};

typedef int int_typedef;

typedef enum { TYPEDEF_ENUM_VAL1, TYPEDEF_ENUM_VAL2 } enum_typedef;

typedef void *void_ptr_typedef;
typedef int *restrict restrict_ptr_typedef;

typedef int (*func_proto_typedef)(long);

typedef char arr_typedef[20];

#define TYPE_INFO_ALL(K, i)                                              \
	do {                                                             \
		OUT((i) + 0, K(struct a_struct));                        \
		OUT((i) + 1, K(struct a_complex_struct));                \
		OUT((i) + 2, K(union a_union));                          \
		OUT((i) + 3, K(enum an_enum));                           \
		OUT((i) + 4, K(named_struct_typedef));                   \
		OUT((i) + 5, K(anon_struct_typedef));                    \
		OUT((i) + 6, K(struct_ptr_typedef));                     \
		OUT((i) + 7, K(int_typedef));                            \
		OUT((i) + 8, K(enum_typedef));                           \
		OUT((i) + 9, K(void_ptr_typedef));                       \
		OUT((i) + 10, K(restrict_ptr_typedef));                  \
		OUT((i) + 11, K(func_proto_typedef));                    \
		OUT((i) + 12, K(arr_typedef));                           \
	} while (0)

SEC("raw_tp/type_based")
int test_type_based(void *ctx)
{
	TYPE_INFO_ALL(bpf_core_type_exists, 0);
	TYPE_INFO_ALL(bpf_core_type_size, 16);
	return 0;
}

/* kinds patched from type_exists (8) to type_matches (12), see above */
SEC("raw_tp/type_matches")
int test_type_matches(void *ctx)
{
	TYPE_INFO_ALL(bpf_core_type_exists, 32);
	return 0;
}

/* ---------------------------------------------------------------- type_id */
SEC("raw_tp/type_id")
int test_type_id(void *ctx)
{
	struct { int x; } anon_s;
	union { int x; } anon_u;

	/* local ids, also of anonymous types (no candidate search) */
	OUT(0, bpf_core_type_id_local(struct a_struct));
	OUT(1, bpf_core_type_id_local(union a_union));
	OUT(2, bpf_core_type_id_local(enum an_enum));
	OUT(3, bpf_core_type_id_local(int));
	OUT(4, bpf_core_type_id_local(named_struct_typedef));
	OUT(5, bpf_core_type_id_local(func_proto_typedef));
	OUT(6, bpf_core_type_id_local(arr_typedef));
	OUT(7, bpf_core_type_id_local(anon_s));
	OUT(8, bpf_core_type_id_local(anon_u));
	OUT(9, bpf_core_type_id_local(void *));
	OUT(10, bpf_core_type_id_local(int[5]));
	/* target ids */
	OUT(16, bpf_core_type_id_kernel(struct a_struct));
	OUT(17, bpf_core_type_id_kernel(union a_union));
	OUT(18, bpf_core_type_id_kernel(enum an_enum));
	OUT(19, bpf_core_type_id_kernel(int));
	OUT(20, bpf_core_type_id_kernel(named_struct_typedef));
	OUT(21, bpf_core_type_id_kernel(func_proto_typedef));
	OUT(22, bpf_core_type_id_kernel(arr_typedef));
	return 0;
}

/* ---------------------------------------------------------------- enumval */
enum named_enum {
	NAMED_ENUM_VAL1 = 1,
	NAMED_ENUM_VAL2 = 2,
	NAMED_ENUM_VAL3 = 3,
};

typedef enum {
	ANON_ENUM_VAL1 = 0x10,
	ANON_ENUM_VAL2 = 0x20,
	ANON_ENUM_VAL3 = 0x30,
} anon_enum;

SEC("raw_tp/enumval")
int test_enumval(void *ctx)
{
	OUT(0, bpf_core_enum_value_exists(enum named_enum, NAMED_ENUM_VAL1));
	OUT(1, bpf_core_enum_value_exists(enum named_enum, NAMED_ENUM_VAL2));
	OUT(2, bpf_core_enum_value_exists(enum named_enum, NAMED_ENUM_VAL3));
	OUT(3, bpf_core_enum_value_exists(anon_enum, ANON_ENUM_VAL1));
	OUT(4, bpf_core_enum_value_exists(anon_enum, ANON_ENUM_VAL2));
	OUT(5, bpf_core_enum_value_exists(anon_enum, ANON_ENUM_VAL3));
	OUT(6, bpf_core_enum_value(enum named_enum, NAMED_ENUM_VAL1));
	OUT(7, bpf_core_enum_value(enum named_enum, NAMED_ENUM_VAL2));
	OUT(8, bpf_core_enum_value(anon_enum, ANON_ENUM_VAL1));
	OUT(9, bpf_core_enum_value(anon_enum, ANON_ENUM_VAL2));
	return 0;
}

/* ---------------------------------------------------------------- enum64val */
enum enum64 {
	ENUM64_VAL1 = 0x1FFFFFFFFULL,
	ENUM64_VAL2 = 0x2ULL,
	ENUM64_VAL3 = 0x3ULL,
};

enum enum64_signed {
	ENUM64_SIGNED_VAL1 = 0x1FFFFFFFFLL,
	ENUM64_SIGNED_VAL2 = -2LL,
	ENUM64_SIGNED_VAL3 = 0x3LL,
};

/* 8-byte enum whose values fit in 32 bits: clang 14 encodes it faithfully */
enum enum64_small {
	ENUM64_SMALL_VAL1 = 7,
	ENUM64_SMALL_VAL2 = -3,
	ENUM64_SMALL_BIG = 0x7fffffffffffffffLL, /* forces size 8 */
};

SEC("raw_tp/enum64val")
int test_enum64val(void *ctx)
{
	OUT(0, bpf_core_enum_value_exists(enum enum64, ENUM64_VAL1));
	OUT(1, bpf_core_enum_value_exists(enum enum64, ENUM64_VAL2));
	OUT(2, bpf_core_enum_value_exists(enum enum64, ENUM64_VAL3));
	OUT(3, bpf_core_enum_value_exists(enum enum64_signed, ENUM64_SIGNED_VAL1));
	OUT(4, bpf_core_enum_value_exists(enum enum64_signed, ENUM64_SIGNED_VAL2));
	OUT(5, bpf_core_enum_value_exists(enum enum64_signed, ENUM64_SIGNED_VAL3));
	OUT(6, bpf_core_enum_value(enum enum64, ENUM64_VAL1));
	OUT(7, bpf_core_enum_value(enum enum64, ENUM64_VAL2));
	OUT(8, bpf_core_enum_value(enum enum64_signed, ENUM64_SIGNED_VAL1));
	OUT(9, bpf_core_enum_value(enum enum64_signed, ENUM64_SIGNED_VAL2));
	OUT(10, bpf_core_enum_value(enum enum64_small, ENUM64_SMALL_VAL1));
	OUT(11, bpf_core_enum_value(enum enum64_small, ENUM64_SMALL_VAL2));
	OUT(12, bpf_core_enum_value_exists(enum enum64_small, ENUM64_SMALL_BIG));
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
