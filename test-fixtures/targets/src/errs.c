/* errs: one failing variant per selftest group (the ___err_* cases):
 * flavors__err_wrong_name (two underscores: not a flavor, no candidate),
 * nesting___err_missing_field, arrays___err_too_small, primitives___err_non_int,
 * mods with a struct where an int was, ptr_as_arr as a union-less int array,
 * ints___bool, existence___minimal, bitfields___bitfield_vs_int,
 * size___diff_offs, type_based___incompat, enumval___err_missing,
 * enum64val___val3_missing. Not every case is an error: where the selftest
 * group has interesting non-error variants they are used instead. */
#include "target.h"

struct core_reloc_flavors__err_wrong_name { int a, b, c; };
KEEP(struct core_reloc_flavors__err_wrong_name, flavors);

struct core_reloc_nesting___err_missing_field {
	union { struct { int a; } a; } a;
	struct { union { int x; } b; } b;
};
KEEP(struct core_reloc_nesting___err_missing_field, nesting);

struct core_reloc_arrays_substruct { int c, d; };
struct core_reloc_arrays___err_too_small {
	int a[2];
	char b[2][3][4];
	struct core_reloc_arrays_substruct c[3];
	struct core_reloc_arrays_substruct d[1][2];
	struct core_reloc_arrays_substruct f[][2];
};
KEEP(struct core_reloc_arrays___err_too_small *, arrays);

struct core_reloc_primitives___err_non_int {
	char a;
	int *b;
	enum { X, Y } c;
	void *d;
	int (*f)(const char *);
};
KEEP(struct core_reloc_primitives___err_non_int, primitives);

struct core_reloc_mods___err_wrong {
	int a;
	struct { int v; } b;
	char *c;
	long d;
	int e[3];
	int f[7];
	union { int x, y; } g;
	struct { int y, x; } h;
};
KEEP(struct core_reloc_mods___err_wrong, mods);

struct core_reloc_ptr_as_arr { char a; };
KEEP(struct core_reloc_ptr_as_arr, ptr_as_arr);

struct core_reloc_ints___bool {
	bool u8_field; __s8 s8_field; __u16 u16_field; __s16 s16_field;
	__u32 u32_field; __s32 s32_field; __u64 u64_field; __s64 s64_field;
};
KEEP(struct core_reloc_ints___bool, ints);

struct core_reloc_existence___minimal { int a; };
KEEP(struct core_reloc_existence___minimal, existence);

struct core_reloc_size___diff_offs {
	float float_field;
	enum { YET_OTHER_VALUE = 123 } enum_field;
	void *ptr_field;
	int arr_field[4];
	union { int x; } union_field;
	struct { int x; } struct_field;
	int int_field;
};
KEEP(struct core_reloc_size___diff_offs, size);

struct core_reloc_bitfields___bitfield_vs_int {
	__u64 ub1;
	__u8 ub2;
	__s64 ub7;
	__s64 sb4;
	__u64 sb20;
	__s32 u32: 20;
	__u64 s32: 60;
};
KEEP(struct core_reloc_bitfields___bitfield_vs_int, bitfields);
struct core_reloc_bitfields_straddle___just_big_enough {
	__u64 pad: 4;
	__u64 ub: 60;
	__u32 sb: 30;
	__u8 se;
} __attribute__((packed));
KEEP(struct core_reloc_bitfields_straddle___just_big_enough, straddle);

/* type_based___incompat: kinds changed everywhere but the enum */
union a_struct { int x; };
struct a_union { int y; int z; };
struct a_complex_struct { int x; int y; };
typedef union a_struct named_struct_typedef;
typedef int anon_struct_typedef;
typedef int **struct_ptr_typedef;
enum an_enum { AN_ENUM_VAL1 = 1, AN_ENUM_VAL2 = 2, AN_ENUM_VAL3 = 3 };
typedef struct { int x; } int_typedef;
typedef int (*enum_typedef)(int);
typedef char *void_ptr_typedef;
typedef void (*func_proto_typedef)(long);
typedef int arr_typedef[20][2];
KEEP(union a_struct, t1); KEEP(struct a_complex_struct, t2); KEEP(struct a_union, t3);
KEEP(enum an_enum, t4); KEEP(named_struct_typedef, t5); KEEP(anon_struct_typedef, t6);
KEEP(struct_ptr_typedef, t7); KEEP(int_typedef, t8); KEEP(enum_typedef, t9);
KEEP(void_ptr_typedef, t10); KEEP(func_proto_typedef, t12); KEEP(arr_typedef, t13);

/* enumval___err_missing: VAL2 gone (the program reads it unguarded) */
enum named_enum___err_missing { NAMED_ENUM_VAL1___err_missing = 1, NAMED_ENUM_VAL3___err_missing = 3 };
typedef enum { ANON_ENUM_VAL1___err_missing = 0x111, ANON_ENUM_VAL3___err_missing = 0x222 } anon_enum___err_missing;
KEEP(enum named_enum___err_missing, e1); KEEP(anon_enum___err_missing, e2);
/* enum64val___val3_missing */
enum enum64 { ENUM64_VAL1 = 0x111FFFFFFFFULL, ENUM64_VAL2 = 0x222 };
enum enum64_signed { ENUM64_SIGNED_VAL1 = 0x111FFFFFFFFLL, ENUM64_SIGNED_VAL2 = -222 };
KEEP(enum enum64, e3); KEEP(enum enum64_signed, e4);
