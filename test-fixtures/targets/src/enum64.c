// corelens-target: pahole
/* enum64: built by pahole from host DWARF (clang 14 cannot emit
 * BTF_KIND_ENUM64). Real ENUM64 types for the enum64val group
 * (enum64val and enum64val___diff-style values), an ENUM64 standing in for a
 * 32-bit local enum (ENUM <-> ENUM64 are compatible kinds), and a signed
 * 64-bit enum. */
#include "target.h"

enum enum64 { ENUM64_VAL1 = 0x1FFFFFFFFULL, ENUM64_VAL2 = 0x2ULL, ENUM64_VAL3 = 0x3ULL };
enum enum64_signed { ENUM64_SIGNED_VAL1 = 0x1FFFFFFFFLL, ENUM64_SIGNED_VAL2 = -2LL, ENUM64_SIGNED_VAL3 = 3 };
enum enum64_small___x { ENUM64_SMALL_VAL1 = 0x700000000LL, ENUM64_SMALL_VAL2 = -3LL, ENUM64_SMALL_BIG = 0x7fffffffffffffffLL };
/* local named_enum is a 4-byte ENUM; here it is 8 bytes */
enum named_enum { NAMED_ENUM_VAL1 = 0x100000001LL, NAMED_ENUM_VAL2 = -2LL, NAMED_ENUM_VAL3 = 3 };
enum fail_enum64 { FAIL_ENUM64_BIG = 0x100000005ULL, FAIL_ENUM64_SMALL = 5 };
enum an_enum { AN_ENUM_VAL1 = 1, AN_ENUM_VAL2 = 2, AN_ENUM_VAL3 = 0x300000000LL };
KEEP(enum enum64, e1);
KEEP(enum enum64_signed, e2);
KEEP(enum enum64_small___x, e3);
KEEP(enum named_enum, e4);
KEEP(enum fail_enum64, e5);
KEEP(enum an_enum, e6);
