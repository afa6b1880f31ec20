// VS Code end-to-end fixture: a compile error, for CO-RE: Build's problem matcher.
/* the kernel's fixed-width types, as a vmlinux.h would give them (no kernel headers needed) */
typedef unsigned char __u8;
typedef unsigned short __u16;
typedef unsigned int __u32;
typedef unsigned long long __u64;
typedef int __s32;
typedef long long __s64;
typedef __u16 __be16;
typedef __u32 __be32;
typedef __u32 __wsum;
typedef _Bool bool;
#include <bpf/bpf_helpers.h>

SEC("tp/syscalls/sys_enter_openat")
int broken(void *ctx)
{
	return undeclared_identifier;
}
