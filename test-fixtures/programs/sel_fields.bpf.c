// SPDX-License-Identifier: MIT
/*
 * sel_fields.bpf.c - field-based CO-RE relocations, mirroring the kernel
 * selftest groups flavors, nesting, arrays, primitives, mods, ptr_as_arr,
 * ints, misc, existence and size (tools/testing/selftests/bpf/progs/
 * test_core_reloc_*.c). The local types below are written from the shapes
 * described in shared/spec/conformance-cases.md section A; the target
 * variations live in the C files under test-fixtures/targets/src/.
 *
 * Every group is its own ELF section (= its own .BTF.ext core_relo group), so
 * oracle output can be grouped by section name.
 *
 * Relocation kinds produced here: byte_off (bpf_core_read/BPF_CORE_READ,
 * bpf_core_field_offset, direct loads through preserve_access_index types),
 * byte_sz (bpf_core_field_size), field_exists (bpf_core_field_exists),
 * signed (__builtin_preserve_field_info(..., BPF_FIELD_SIGNED)).
 */
#include "fixture.h"

#define CORE_READ(dst, src) bpf_core_read(dst, sizeof(*(dst)), src)
#define FIELD_SIGNED(s, f) __builtin_preserve_field_info((s)->f, BPF_FIELD_SIGNED)

/* ---------------------------------------------------------------- flavors */
/* Three LOCAL flavors of one type: all have essential name
 * core_reloc_flavors, so all relocate against the same target types. */
struct core_reloc_flavors {
	int a;
	int b;
	int c;
};

struct core_reloc_flavors___reversed {
	int c;
	int b;
	int a;
};

struct core_reloc_flavors___weird {
	struct {
		int b;
	};
	/* a and c overlap here, but relocation happens against the target */
	union {
		int a;
		int c;
	};
};

SEC("raw_tp/flavors")
int test_flavors(void *ctx)
{
	struct core_reloc_flavors *in_orig = INPUT(struct core_reloc_flavors);
	struct core_reloc_flavors___reversed *in_rev = (void *)in_orig;
	struct core_reloc_flavors___weird *in_weird = (void *)in_orig;
	int a = 0, b = 0, c = 0;

	CORE_READ(&a, &in_weird->a);   /* "0:1:0" through an anonymous union */
	CORE_READ(&b, &in_weird->b);   /* "0:0:0" through an anonymous struct */
	CORE_READ(&c, &in_rev->c);     /* "0:0" */
	OUT(0, a + b + c);
	OUT(1, bpf_core_field_exists(in_orig->a));
	OUT(2, bpf_core_field_offset(in_orig->c));
	return 0;
}

/* ---------------------------------------------------------------- nesting */
struct core_reloc_nesting_substruct {
	int a;
};

union core_reloc_nesting_subunion {
	int b;
};

struct core_reloc_nesting {
	union {
		struct core_reloc_nesting_substruct a;
	} a;
	struct {
		union core_reloc_nesting_subunion b;
	} b;
};

SEC("raw_tp/nesting")
int test_nesting(void *ctx)
{
	struct core_reloc_nesting *in = INPUT(struct core_reloc_nesting);
	int a = 0, b = 0;

	CORE_READ(&a, &in->a.a.a);     /* "0:0:0:0" */
	CORE_READ(&b, &in->b.b.b);     /* "0:1:0:0" */
	OUT(0, a + b);
	OUT(1, bpf_core_field_size(in->b.b));
	OUT(2, bpf_core_field_exists(in->a.a));
	return 0;
}

/* ---------------------------------------------------------------- arrays */
struct core_reloc_arrays_substruct {
	int c;
	int d;
};

struct core_reloc_arrays {
	int a[5];
	char b[2][3][4];
	struct core_reloc_arrays_substruct c[3];
	struct core_reloc_arrays_substruct d[1][2];
	struct core_reloc_arrays_substruct f[][2];   /* flexible, last member */
};

/* zero-length array that is NOT the last member: every index is out of
 * bounds for libbpf's spec parser (not flexible) */
struct core_reloc_arrays_zla {
	int n;
	int zla[0];
	int tail;
};

SEC("raw_tp/arrays")
int test_arrays(void *ctx)
{
	struct core_reloc_arrays *in = INPUT(struct core_reloc_arrays);
	int a2 = 0, c1c = 0, d00d = 0, f10c = 0;
	char b123 = 0;

	CORE_READ(&a2, &in->a[2]);             /* "0:0:2" */
	CORE_READ(&b123, &in->b[1][2][3]);     /* "0:1:1:2:3" multi-dim */
	CORE_READ(&c1c, &in->c[1].c);          /* "0:2:1:0" array of structs */
	CORE_READ(&d00d, &in->d[0][0].d);      /* "0:3:0:0:1" */
	CORE_READ(&f10c, &in->f[1][0].c);      /* "0:4:1:0:0" flexible array */
	OUT(0, a2 + b123 + c1c + d00d + f10c);
	OUT(1, bpf_core_field_size(in->a));          /* whole array */
	OUT(2, bpf_core_field_size(in->b[1]));       /* sub-array char[3][4] */
	OUT(3, bpf_core_field_size(in->c[2]));       /* element struct */
	OUT(4, bpf_core_field_exists(in->a[4]));
	OUT(5, bpf_core_field_offset(in->b[1][2]));
	OUT(6, bpf_core_field_exists(in->f[7][1].d));
	return 0;
}

SEC("raw_tp/arrays_zla")
int test_arrays_zla(void *ctx)
{
	struct core_reloc_arrays_zla *in = INPUT(struct core_reloc_arrays_zla);

	/* the zero-length array itself is fine ("0:1"), indexing it is not */
	OUT(0, bpf_core_field_offset(in->zla));
	OUT(1, bpf_core_field_offset(in->tail));
	return 0;
}

/* ---------------------------------------------------------------- primitives */
enum core_reloc_primitives_enum {
	A = 0,
	B = 1,
};

struct core_reloc_primitives {
	char a;
	int b;
	enum core_reloc_primitives_enum c;
	void *d;
	int (*f)(const char *);
};

SEC("raw_tp/primitives")
int test_primitives(void *ctx)
{
	struct core_reloc_primitives *in = INPUT(struct core_reloc_primitives);
	char a = 0;
	int b = 0;
	enum core_reloc_primitives_enum c = 0;
	void *d = 0, *f = 0;

	CORE_READ(&a, &in->a);
	CORE_READ(&b, &in->b);
	CORE_READ(&c, &in->c);
	CORE_READ(&d, &in->d);
	CORE_READ(&f, &in->f);
	OUT(0, a + b + c + (long)d + (long)f);
	OUT(1, FIELD_SIGNED(in, a));   /* plain char: no SIGNED encoding bit */
	OUT(2, FIELD_SIGNED(in, b));
	OUT(3, FIELD_SIGNED(in, c));   /* enum without kind_flag */
	OUT(5, bpf_core_field_size(in->f));
	return 0;
}

/* ---------------------------------------------------------------- mods */
typedef const int core_reloc_mods_int_t;
typedef const char *core_reloc_mods_charp_t;
typedef const int arr_t[7];

struct core_reloc_mods_substruct {
	int x;
	int y;
};

typedef struct {
	int x;
	int y;
} core_reloc_mods_substruct_t;

struct core_reloc_mods {
	int a;
	core_reloc_mods_int_t b;
	char *c;
	core_reloc_mods_charp_t d;
	int e[3];
	arr_t f;
	struct core_reloc_mods_substruct g;
	core_reloc_mods_substruct_t h;
};

typedef struct core_reloc_mods core_reloc_mods_t;
typedef const volatile core_reloc_mods_t cv_mods_t;

SEC("raw_tp/mods")
int test_mods(void *ctx)
{
	/* root is a cv-qualified typedef: libbpf skips mods/typedefs */
	cv_mods_t *in = INPUT(cv_mods_t);
	int a = 0, b = 0, e = 0, f = 0, gx = 0, hy = 0;
	char *c = 0;
	const char *d = 0;

	CORE_READ(&a, &in->a);
	CORE_READ(&b, &in->b);
	CORE_READ(&c, &in->c);
	CORE_READ(&d, &in->d);
	CORE_READ(&e, &in->e[2]);
	CORE_READ(&f, &in->f[1]);
	CORE_READ(&gx, &in->g.x);
	CORE_READ(&hy, &in->h.y);
	OUT(0, a + b + e + f + gx + hy + (long)c + (long)d);
	OUT(1, bpf_core_field_size(in->f));
	OUT(2, bpf_core_field_size(in->h));
	return 0;
}

/* ---------------------------------------------------------------- ptr_as_arr */
struct core_reloc_ptr_as_arr {
	int a;
};

SEC("raw_tp/ptr_as_arr")
int test_ptr_as_arr(void *ctx)
{
	struct core_reloc_ptr_as_arr *in = INPUT(struct core_reloc_ptr_as_arr);
	int a = 0;

	CORE_READ(&a, &in[2].a);                        /* "2:0" */
	OUT(0, a);
	OUT(1, bpf_core_field_offset(in[1].a));         /* "1:0" */
	OUT(2, bpf_core_field_exists(in[3].a));         /* "3:0" */
	OUT(3, bpf_core_field_size(in[0].a));           /* "0:0" */
	return 0;
}

/* ---------------------------------------------------------------- ints */
struct core_reloc_ints {
	__u8 u8_field;
	__s8 s8_field;
	__u16 u16_field;
	__s16 s16_field;
	__u32 u32_field;
	__s32 s32_field;
	__u64 u64_field;
	__s64 s64_field;
} __attribute__((preserve_access_index));

SEC("raw_tp/ints")
int test_ints(void *ctx)
{
	struct core_reloc_ints *in = INPUT(struct core_reloc_ints);

	/* direct loads: the LDX instructions carry the byte_off relocation,
	 * so memory-size adjustment (origSz/newSz) is visible here */
	OUT(0, in->u8_field);
	OUT(1, in->s8_field);
	OUT(2, in->u16_field);
	OUT(3, in->s16_field);
	OUT(4, in->u32_field);
	OUT(5, in->s32_field);
	OUT(6, in->u64_field);
	OUT(7, in->s64_field);
	OUT(8, FIELD_SIGNED(in, u8_field));
	OUT(9, FIELD_SIGNED(in, s8_field));
	OUT(10, FIELD_SIGNED(in, s16_field));
	OUT(11, FIELD_SIGNED(in, u32_field));
	OUT(12, FIELD_SIGNED(in, s64_field));
	OUT(13, bpf_core_field_size(in->u16_field));
	OUT(14, bpf_core_field_size(in->s64_field));
	return 0;
}

/* ---------------------------------------------------------------- misc */
struct core_reloc_misc_output {
	int a, b, c;
};

struct core_reloc_misc___a {
	int a1;
	int a2;
};

struct core_reloc_misc___b {
	int b1;
	int b2;
};

/* fixed two leading fields, target may have more */
struct core_reloc_misc_extensible {
	int a;
	int b;
};

SEC("raw_tp/misc")
int test_misc(void *ctx)
{
	struct core_reloc_misc___a *in_a = INPUT(struct core_reloc_misc___a);
	struct core_reloc_misc___b *in_b = INPUT(struct core_reloc_misc___b);
	struct core_reloc_misc_extensible *in_ext = INPUT(struct core_reloc_misc_extensible);
	int a = 0, b = 0, c = 0;

	/* two local flavors of core_reloc_misc with different members */
	CORE_READ(&a, &in_a->a1);
	CORE_READ(&b, &in_b->b1);
	/* array access through a pointer to an extensible struct */
	CORE_READ(&c, &in_ext[2].a);
	OUT(0, a + b + c);
	OUT(1, bpf_core_field_offset(in_ext[1].b));
	return 0;
}

/* ---------------------------------------------------------------- existence */
struct core_reloc_existence {
	struct {
		int x;
	} s;
	int arr[1];
	int a;
	struct {
		int b;
	};
	int c;
};

SEC("raw_tp/existence")
int test_existence(void *ctx)
{
	struct core_reloc_existence *in = INPUT(struct core_reloc_existence);
	int v = 0;

	OUT(0, bpf_core_field_exists(in->a));
	OUT(1, bpf_core_field_exists(in->b));
	OUT(2, bpf_core_field_exists(in->c));
	OUT(3, bpf_core_field_exists(in->arr));
	OUT(4, bpf_core_field_exists(in->s));
	/* guarded reads: if the field is missing the read is poisoned but dead */
	if (bpf_core_field_exists(in->a))
		CORE_READ(&v, &in->a);
	else
		v = 0xff000001;
	OUT(5, v);
	if (bpf_core_field_exists(in->b))
		CORE_READ(&v, &in->b);
	else
		v = 0xff000002;
	OUT(6, v);
	if (bpf_core_field_exists(in->arr))
		CORE_READ(&v, &in->arr[0]);
	else
		v = 0xff000004;
	OUT(7, v);
	if (bpf_core_field_exists(in->s))
		CORE_READ(&v, &in->s.x);
	else
		v = 0xff000005;
	OUT(8, v);
	return 0;
}

/* ---------------------------------------------------------------- size */
struct core_reloc_size {
	int int_field;
	struct {
		int x;
	} struct_field;
	union {
		int x;
	} union_field;
	int arr_field[4];
	void *ptr_field;
	enum { VALUE = 123 } enum_field;
	float float_field;
};

SEC("raw_tp/size")
int test_size(void *ctx)
{
	struct core_reloc_size *in = INPUT(struct core_reloc_size);

	OUT(0, bpf_core_field_size(in->int_field));
	OUT(1, bpf_core_field_size(in->struct_field));
	OUT(2, bpf_core_field_size(in->union_field));
	OUT(3, bpf_core_field_size(in->arr_field));
	OUT(4, bpf_core_field_size(in->arr_field[0]));
	OUT(5, bpf_core_field_size(in->ptr_field));
	OUT(6, bpf_core_field_size(in->enum_field));
	OUT(7, bpf_core_field_size(in->float_field));
	OUT(8, bpf_core_field_offset(in->int_field));
	OUT(9, bpf_core_field_offset(in->struct_field));
	OUT(10, bpf_core_field_offset(in->union_field));
	OUT(11, bpf_core_field_offset(in->arr_field));
	OUT(12, bpf_core_field_offset(in->arr_field[0]));
	OUT(13, bpf_core_field_offset(in->ptr_field));
	OUT(14, bpf_core_field_offset(in->enum_field));
	OUT(15, bpf_core_field_offset(in->float_field));
	OUT(16, FIELD_SIGNED(in, enum_field));
	OUT(17, FIELD_SIGNED(in, float_field));
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
