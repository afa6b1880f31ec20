// VS Code end-to-end fixture: not named *.bpf.c, but includes bpf/bpf_helpers.h, so corelens analyses it.
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

struct task_struct {
	long state;
} __attribute__((preserve_access_index));

SEC("tp_btf/sched_switch")
int trace(struct task_struct *t)
{
	return __builtin_preserve_access_index(t->state) != 0;
}

char LICENSE[] SEC("license") = "GPL";
