/* dups: several target candidates per local type.
 *  - nesting___dup_compat_types (+__2, __3): three layouts that all put a.a.a
 *    at 4 and b.b.b at 16 -> candidates agree, success;
 *  - agree___1/agree___2 identical -> field relocs agree, TYPE_SIZE agrees,
 *    TYPE_ID_TARGET disagrees (different ids) -> ambiguity error;
 *  - ambig___1/ambig___2: x at 0 vs 4 -> "field offset ambiguity";
 *  - size___err_ambiguous1/2: int_field int vs char at the same offset ->
 *    "relocation decision ambiguity";
 *  - prune_first/prune_late ___a (only common@0) and ___b (common@4, only_b@8):
 *    the result depends on relocation order because libbpf prunes the cached
 *    candidate list after each successful relocation;
 *  - flavor-name corner cases: flv____four, flv___, flv___a (+___c).
 */
#include "target.h"

struct core_reloc_nesting___dup_compat_types {
	char __some_more_padding;
	union { struct { int a; } a; } a;
	int pad[2];
	struct { union { int b; } b; } b;
};
struct core_reloc_nesting___dup_compat_types__2 {
	int __some_more_padding;
	union { struct { int a; } a; } a;
	long pad;
	struct { union { int b; } b; } b;
};
struct core_reloc_nesting___dup_compat_types__3 {
	char __some_more_padding[4];
	struct { union { int a; } a; } a;
	char pad[8];
	union { struct { int b; } b; } b;
};
KEEP(struct core_reloc_nesting___dup_compat_types, n1);
KEEP(struct core_reloc_nesting___dup_compat_types__2, n2);
KEEP(struct core_reloc_nesting___dup_compat_types__3, n3);

/* flavors: one plain and one flavored target that agree on a, b, c */
struct core_reloc_flavors { int a, b, c; };
struct core_reloc_flavors___same { int a, b, c; long extra; };
KEEP(struct core_reloc_flavors, fl1);
KEEP(struct core_reloc_flavors___same, fl2);

struct agree___1 { int a, b; };
struct agree___2 { int a, b; };
KEEP(struct agree___1, a1); KEEP(struct agree___2, a2);

struct ambig___1 { int x, y; };
struct ambig___2 { int pad, x, y; };
KEEP(struct ambig___1, b1); KEEP(struct ambig___2, b2);

struct core_reloc_size___err_ambiguous1 {
	int int_field;
	struct { int x; } struct_field;
	union { int x; } union_field;
	int arr_field[4];
	void *ptr_field;
	enum { VALUE___1 = 123 } enum_field;
	float float_field;
};
struct core_reloc_size___err_ambiguous2 {
	char int_field;
	struct { int x; } struct_field;
	union { int x; } union_field;
	int arr_field[4];
	void *ptr_field;
	enum { VALUE___2 = 123 } enum_field;
	float float_field;
};
KEEP(struct core_reloc_size___err_ambiguous1, s1);
KEEP(struct core_reloc_size___err_ambiguous2, s2);

struct prune_first___a { int common; };
struct prune_first___b { int pad; int common; int only_b; };
struct prune_late___a { int common; };
struct prune_late___b { int pad; int common; int only_b; };
KEEP(struct prune_first___a, p1); KEEP(struct prune_first___b, p2);
KEEP(struct prune_late___a, p3); KEEP(struct prune_late___b, p4);

struct flv____four { int x; };
struct flv { int x; long y; };
struct flv___ { long x; };
struct flv___a { int x; };
struct flv___a___c { int x; char pad[12]; };
KEEP(struct flv____four, f1); KEEP(struct flv, f2); KEEP(struct flv___, f3);
KEEP(struct flv___a, f4); KEEP(struct flv___a___c, f5);

/* enumval: same enum under two flavors that agree / disagree */
enum named_enum___one { NAMED_ENUM_VAL1 = 1, NAMED_ENUM_VAL2 = 2 };
enum named_enum___two { NAMED_ENUM_VAL1___x = 1, NAMED_ENUM_VAL2___x = 20 };
KEEP(enum named_enum___one, e1); KEEP(enum named_enum___two, e2);
