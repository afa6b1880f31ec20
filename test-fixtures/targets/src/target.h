/* Common prelude for corelens target type sets.
 *
 * A target source only defines types. KEEP(type, n) declares a global of
 * that type so clang emits it (and everything it references) into .BTF;
 * scripts/build-fixtures.sh then extracts the raw .BTF section.
 */
#ifndef CORELENS_TARGET_H
#define CORELENS_TARGET_H
typedef unsigned char __u8;
typedef signed char __s8;
typedef unsigned short __u16;
typedef short __s16;
typedef unsigned int __u32;
typedef int __s32;
typedef unsigned long long __u64;
typedef long long __s64;
typedef _Bool bool;
#define KEEP(type, n) type keep_##n
#endif
