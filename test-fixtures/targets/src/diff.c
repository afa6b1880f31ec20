/* diff: layouts that differ from the local types but must still relocate
 * successfully (selftest cases flavors (target reordered), nesting___anon_embed,
 * arrays___diff_arr_dim, primitives___diff_enum_def, mods___typedefs,
 * ptr_as_arr___diff_sz, ints___reverse_sign, bitfields___bit_sz_change,
 * size___diff_sz, type_based___diff, enumval___diff). Target type names carry
 * ___flavor suffixes in several places: flavors are stripped on BOTH sides.
 * failures.bpf.c roots: fail_fields loses `missing`, retypes `retyped` to a
 * struct, shrinks arr to [2], grows grows/sgrows to 64 bits; fail_enum loses
 * FAIL_ENUM_B; fail_missing_type is absent; fail_bitfield is too big.
 * Also compiled big-endian as diff.bpfeb.btf. */
#include "target.h"

struct core_reloc_flavors___target { int c, pad, b, a; };
KEEP(struct core_reloc_flavors___target, flavors);

/* anonymous types replace named ones; still named members a and b */
struct core_reloc_nesting___anon_embed {
	int __just_for_padding;
	union { struct { int a; } a; } a;
	struct { union { int b; } b; } b;
};
KEEP(struct core_reloc_nesting___anon_embed, nesting);

struct core_reloc_arrays_substruct { int c, d; };
struct core_reloc_arrays___diff_arr_dim {
	int a[7];
	char b[3][4][5];
	struct core_reloc_arrays_substruct c[4];
	struct core_reloc_arrays_substruct d[2][3];
	struct core_reloc_arrays_substruct f[1][3];
};
KEEP(struct core_reloc_arrays___diff_arr_dim, arrays);
struct core_reloc_arrays_zla { int n; long pad; int zla[0]; int tail; };
KEEP(struct core_reloc_arrays_zla, arrays_zla);

struct core_reloc_primitives___diff_enum_def {
	int (*f)(const char *);
	enum { X = 100, Y = 200 } c;
	void *d;
	int b;
	char a;
};
KEEP(struct core_reloc_primitives___diff_enum_def, primitives);

typedef int int1_t;
typedef int1_t int2_t;
typedef int2_t int3_t;
typedef int arr1_t[5];
typedef arr1_t arr2_t;
typedef const char *const volatile fancy_char_ptr_t;
typedef struct { int x, y; } core_reloc_mods_substruct_tt;
struct core_reloc_mods___typedefs {
	core_reloc_mods_substruct_tt h;
	core_reloc_mods_substruct_tt g;
	arr2_t f;
	arr2_t e;
	fancy_char_ptr_t d;
	fancy_char_ptr_t c;
	int3_t b;
	int3_t a;
};
KEEP(struct core_reloc_mods___typedefs, mods);

struct core_reloc_ptr_as_arr___diff_sz { int :32; char __some_more_padding; int a; };
KEEP(struct core_reloc_ptr_as_arr___diff_sz, ptr_as_arr);

struct core_reloc_ints___reverse_sign {
	__s8 u8_field; __u8 s8_field; __s16 u16_field; __u16 s16_field;
	__s32 u32_field; __u32 s32_field; __s64 u64_field; __u64 s64_field;
};
KEEP(struct core_reloc_ints___reverse_sign, ints);

struct core_reloc_misc___a { int a1, a2; };
struct core_reloc_misc___b { int b1, b2; };
struct core_reloc_misc_extensible { int a, b, c, d, e, f; };
KEEP(struct core_reloc_misc___a, misc_a);
KEEP(struct core_reloc_misc___b, misc_b);
KEEP(struct core_reloc_misc_extensible, misc_ext);

/* existence___wrong_field_defs: every field has an incompatible type */
struct core_reloc_existence___wrong_field_defs {
	void *a;
	int b[1];
	struct { int x; } c;
	int arr;
	int s;
};
KEEP(struct core_reloc_existence___wrong_field_defs, existence);

struct core_reloc_size___diff_sz {
	__u64 int_field;
	struct { int x, y, z; } struct_field;
	union { int x; char bla[123]; } union_field;
	char arr_field[10];
	void *ptr_field;
	enum { OTHER_VALUE = 0xFFFFFFFFFFFFFFFFULL } enum_field;
	double float_field;
};
KEEP(struct core_reloc_size___diff_sz, size);

struct core_reloc_bitfields___bit_sz_change {
	__u16 ub1: 3;
	__u32 ub2: 20;
	__u8 ub7: 1;
	__s8 sb4: 1;
	__s32 sb20: 30;
	__u16 u32;
	__s64 s32 __attribute__((aligned(8)));
};
KEEP(struct core_reloc_bitfields___bit_sz_change, bitfields);
struct core_reloc_bitfields_straddle {
	__u8 pad;
	__u64 ub: 8;
	__s32 sb: 30;
	enum { SB_NEG = -1, SB_POS = 1 } se: 2;
};
KEEP(struct core_reloc_bitfields_straddle, straddle);

/* type_based___diff */
struct a_struct___diff { int x; int a; };
struct a_struct___forward;
struct a_complex_struct___diff {
	union { struct a_struct___forward *a; void *b; } x;
	volatile long y;
};
union a_union___diff { int z; int y; };
typedef struct a_struct___diff named_struct_typedef___diff;
typedef struct { int z, x, y; } anon_struct_typedef___diff;
typedef struct { int c; int b; int a; } *struct_ptr_typedef___diff;
enum an_enum___diff { AN_ENUM_VAL2___diff = 0, AN_ENUM_VAL1___diff = 42, AN_ENUM_VAL3___diff = 1 };
typedef unsigned int int_typedef___diff;
typedef enum { TYPEDEF_ENUM_VAL2___diff, TYPEDEF_ENUM_VAL1___diff = 50 } enum_typedef___diff;
typedef const void *void_ptr_typedef___diff;
typedef int_typedef___diff (*func_proto_typedef___diff)(long);
typedef char arr_typedef___diff[3];
KEEP(struct a_struct___diff, t1); KEEP(struct a_complex_struct___diff, t2);
KEEP(union a_union___diff, t3); KEEP(enum an_enum___diff, t4);
KEEP(named_struct_typedef___diff, t5); KEEP(anon_struct_typedef___diff, t6);
KEEP(struct_ptr_typedef___diff, t7); KEEP(int_typedef___diff, t8);
KEEP(enum_typedef___diff, t9); KEEP(void_ptr_typedef___diff, t10);
KEEP(func_proto_typedef___diff, t12); KEEP(arr_typedef___diff, t13);

/* enumval___diff: enumerator names carry flavors too */
enum named_enum___diff {
	NAMED_ENUM_VAL1___diff = 101,
	NAMED_ENUM_VAL2___diff = 202,
	NAMED_ENUM_VAL3___diff = 303,
};
typedef enum {
	ANON_ENUM_VAL1___diff = 0x11,
	ANON_ENUM_VAL2___diff = 0x22,
	ANON_ENUM_VAL3___diff = 0x33,
} anon_enum___diff;
KEEP(enum named_enum___diff, e1); KEEP(anon_enum___diff, e2);
enum enum64___diff { ENUM64_VAL1___diff = 0x101FFFFFFFFULL, ENUM64_VAL2___diff = 0x202FFFFFFFFULL, ENUM64_VAL3___diff };
enum enum64_signed___diff { ENUM64_SIGNED_VAL1___diff = -101, ENUM64_SIGNED_VAL2___diff = -202, ENUM64_SIGNED_VAL3___diff = -303 };
enum enum64_small___diff { ENUM64_SMALL_VAL1___diff = -7, ENUM64_SMALL_VAL2___diff = 3 };
KEEP(enum enum64___diff, e3); KEEP(enum enum64_signed___diff, e4); KEEP(enum enum64_small___diff, e5);

/* failures.bpf.c roots, broken */
struct fail_fields___broken {
	int present;
	struct { int x; } retyped;
	int arr[2];
	__u64 grows;
	__s64 sgrows;
	void *ptr;
};
KEEP(struct fail_fields___broken, f1);
enum fail_enum { FAIL_ENUM_A = 11 };
enum fail_enum64 { FAIL_ENUM64_SMALL = 6 };
KEEP(enum fail_enum, f3); KEEP(enum fail_enum64, f4);
struct fail_bitfield___err_too_big { __u64 ub1: 4; __u64 ub2: 61; } __attribute__((packed));
KEEP(struct fail_bitfield___err_too_big, f5);
struct ambig { int y, x; };
struct agree { long pad; int b, a; };
KEEP(struct ambig, f6); KEEP(struct agree, f7);
