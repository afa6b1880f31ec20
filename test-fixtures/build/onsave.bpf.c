// SPDX-License-Identifier: GPL-2.0
// Build on save (server/src/build/): task_struct::state was renamed __state in 5.14. read_state reaches the poisoned
// read on newer kernels and fails there; guarded_state reads it only behind bpf_core_field_exists and loads everywhere.
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
#include <bpf/bpf_core_read.h>

struct task_struct {
	int pid;
	long state;
} __attribute__((preserve_access_index));

__u64 out[4];

SEC("kprobe/do_exit")
int read_state(void *ctx)
{
	struct task_struct *t = (struct task_struct *)bpf_get_current_task();

	out[0] = BPF_CORE_READ(t, pid);
	out[1] = BPF_CORE_READ(t, state);
	return 0;
}

SEC("kprobe/do_fork")
int guarded_state(void *ctx)
{
	struct task_struct *t = (struct task_struct *)bpf_get_current_task();

	out[2] = BPF_CORE_READ(t, pid);
	if (bpf_core_field_exists(t->state))
		out[3] = BPF_CORE_READ(t, state);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
