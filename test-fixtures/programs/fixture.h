/* Common prelude for corelens CO-RE fixture programs.
 *
 * Only libbpf-dev headers are used; no vmlinux.h. Every program declares the
 * few local types it relocates, exactly like libbpf-tools and the kernel
 * selftests do. OUT(i, v) stores a value into a global array so that the
 * compiler keeps every relocated expression alive.
 */
#ifndef CORELENS_FIXTURE_H
#define CORELENS_FIXTURE_H

typedef unsigned char __u8;
typedef signed char __s8;
typedef unsigned short __u16;
typedef short __s16;
typedef unsigned int __u32;
typedef int __s32;
typedef unsigned long long __u64;
typedef long long __s64;
typedef __u16 __be16;
typedef __u32 __be32;
typedef __u32 __wsum;
typedef _Bool bool;
#define true 1
#define false 0

#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

/* sink for relocated values */
__u64 out[64];
#define OUT(i, v) (out[(i)] = (__u64)(v))

/* fake input buffer: programs read "kernel" data from here */
char in_buf[512];
#define INPUT(type) ((type *)in_buf)

#endif
