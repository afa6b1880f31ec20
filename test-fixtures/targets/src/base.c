/* base: every local type of the sel_* and failures programs, unchanged.
 * Expected: every relocation resolves to its local value (the "same layout"
 * selftest cases flavors, nesting, arrays, primitives, mods, ptr_as_arr,
 * ints, existence, bitfields, size, type_based, type_id, enumval). Also
 * compiled big-endian as base.bpfeb.btf. */
#include "target.h"

struct core_reloc_flavors { int a, b, c; };
KEEP(struct core_reloc_flavors, flavors);

struct core_reloc_nesting_substruct { int a; };
union core_reloc_nesting_subunion { int b; };
struct core_reloc_nesting {
	union { struct core_reloc_nesting_substruct a; } a;
	struct { union core_reloc_nesting_subunion b; } b;
};
KEEP(struct core_reloc_nesting, nesting);

struct core_reloc_arrays_substruct { int c, d; };
struct core_reloc_arrays {
	int a[5];
	char b[2][3][4];
	struct core_reloc_arrays_substruct c[3];
	struct core_reloc_arrays_substruct d[1][2];
	struct core_reloc_arrays_substruct f[][2];
};
KEEP(struct core_reloc_arrays *, arrays);
struct core_reloc_arrays_zla { int n; int zla[0]; int tail; };
KEEP(struct core_reloc_arrays_zla, arrays_zla);

enum core_reloc_primitives_enum { A = 0, B = 1 };
struct core_reloc_primitives {
	char a;
	int b;
	enum core_reloc_primitives_enum c;
	void *d;
	int (*f)(const char *);
};
KEEP(struct core_reloc_primitives, primitives);

typedef const int core_reloc_mods_int_t;
typedef const char *core_reloc_mods_charp_t;
typedef const int arr_t[7];
struct core_reloc_mods_substruct { int x, y; };
typedef struct { int x, y; } core_reloc_mods_substruct_t;
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
KEEP(struct core_reloc_mods, mods);

struct core_reloc_ptr_as_arr { int a; };
KEEP(struct core_reloc_ptr_as_arr, ptr_as_arr);

struct core_reloc_ints {
	__u8 u8_field; __s8 s8_field; __u16 u16_field; __s16 s16_field;
	__u32 u32_field; __s32 s32_field; __u64 u64_field; __s64 s64_field;
};
KEEP(struct core_reloc_ints, ints);

struct core_reloc_misc___a { int a1, a2; };
struct core_reloc_misc___b { int b1, b2; };
struct core_reloc_misc_extensible { int a, b, c, d; };
KEEP(struct core_reloc_misc___a, misc_a);
KEEP(struct core_reloc_misc___b, misc_b);
KEEP(struct core_reloc_misc_extensible, misc_ext);

struct core_reloc_existence {
	int a;
	struct { int b; };
	int c;
	int arr[1];
	struct { int x; } s;
};
KEEP(struct core_reloc_existence, existence);

struct core_reloc_size {
	int int_field;
	struct { int x; } struct_field;
	union { int x; } union_field;
	int arr_field[4];
	void *ptr_field;
	enum { VALUE = 123 } enum_field;
	float float_field;
};
KEEP(struct core_reloc_size, size);

struct core_reloc_bitfields {
	__u8 ub1: 1; __u8 ub2: 2; __u32 ub7: 7;
	__s8 sb4: 4; __s32 sb20: 20;
	__u32 u32; __s32 s32;
};
KEEP(struct core_reloc_bitfields, bitfields);
struct core_reloc_bitfields_straddle {
	__u32 pad: 28;
	__u64 ub: 8;
	__s64 sb: 30;
	enum { SB_NEG = -1, SB_POS = 1 } se: 4;
};
KEEP(struct core_reloc_bitfields_straddle, straddle);

/* type_based / type_id */
struct a_struct { int x; };
struct a_complex_struct {
	union { struct a_struct *restrict a; void *b; } x;
	volatile long y;
};
union a_union { int y; int z; };
typedef struct a_struct named_struct_typedef;
typedef struct { int x, y, z; } anon_struct_typedef;
typedef struct { int a, b, c; } *struct_ptr_typedef;
enum an_enum { AN_ENUM_VAL1 = 1, AN_ENUM_VAL2 = 2, AN_ENUM_VAL3 = 3 };
typedef int int_typedef;
typedef enum { TYPEDEF_ENUM_VAL1, TYPEDEF_ENUM_VAL2 } enum_typedef;
typedef void *void_ptr_typedef;
typedef int *restrict restrict_ptr_typedef;
typedef int (*func_proto_typedef)(long);
typedef char arr_typedef[20];
KEEP(struct a_struct, t1); KEEP(struct a_complex_struct, t2); KEEP(union a_union, t3);
KEEP(enum an_enum, t4); KEEP(named_struct_typedef, t5); KEEP(anon_struct_typedef, t6);
KEEP(struct_ptr_typedef, t7); KEEP(int_typedef, t8); KEEP(enum_typedef, t9);
KEEP(void_ptr_typedef, t10); KEEP(restrict_ptr_typedef, t11); KEEP(func_proto_typedef, t12);
KEEP(arr_typedef, t13);

/* enumval */
enum named_enum { NAMED_ENUM_VAL1 = 1, NAMED_ENUM_VAL2 = 2, NAMED_ENUM_VAL3 = 3 };
typedef enum { ANON_ENUM_VAL1 = 0x10, ANON_ENUM_VAL2 = 0x20, ANON_ENUM_VAL3 = 0x30 } anon_enum;
KEEP(enum named_enum, e1); KEEP(anon_enum, e2);
enum enum64 { ENUM64_VAL1 = 0x1FFFFFFFFULL, ENUM64_VAL2 = 2, ENUM64_VAL3 = 3 };
enum enum64_signed { ENUM64_SIGNED_VAL1 = 0x1FFFFFFFFLL, ENUM64_SIGNED_VAL2 = -2LL, ENUM64_SIGNED_VAL3 = 3 };
enum enum64_small { ENUM64_SMALL_VAL1 = 7, ENUM64_SMALL_VAL2 = -3, ENUM64_SMALL_BIG = 0x7fffffffffffffffLL };
KEEP(enum enum64, e3); KEEP(enum enum64_signed, e4); KEEP(enum enum64_small, e5);

/* failures.bpf.c roots, all healthy */
struct fail_fields {
	int present; int missing; int retyped; int arr[4];
	__u32 grows; __s32 sgrows; char *ptr;
};
KEEP(struct fail_fields, f1);
struct fail_missing_type { int x; };
KEEP(struct fail_missing_type, f2);
enum fail_enum { FAIL_ENUM_A = 1, FAIL_ENUM_B = 2 };
enum fail_enum64 { FAIL_ENUM64_BIG = 0x100000005ULL, FAIL_ENUM64_SMALL = 5 };
KEEP(enum fail_enum, f3); KEEP(enum fail_enum64, f4);
struct fail_bitfield { __u64 ub1: 4; __u64 ub2: 60; };
KEEP(struct fail_bitfield, f5);
struct ambig { int x, y; };
struct agree { int a, b; };
struct prune_first { int common, only_b; };
struct prune_late { int common, only_b; };
KEEP(struct ambig, f6); KEEP(struct agree, f7);
KEEP(struct prune_first, f8); KEEP(struct prune_late, f9);
struct flv____four { int x; };
struct flv___ { int x; };
struct flv___a___b { int x; };
KEEP(struct flv____four, f10); KEEP(struct flv___, f11); KEEP(struct flv___a___b, f12);
