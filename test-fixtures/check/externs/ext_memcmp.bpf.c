// SPDX-License-Identifier: MIT
/*
 * ext_memcmp.bpf.c - a __builtin_memcmp clang 14 keeps as a call (netobserv's md_already_exists: 8 bytes of a map
 * value against a local, the result compared with zero): an undefined `memcmp` with no BTF, so libbpf's open refuses
 * the object on every kernel, the programs whose own memcmp folds included. Size 8, a string constant on one side
 * (sched-ext lavd's `!__builtin_memcmp(p->comm, "ksoftirqd/", 10)`) or an ordering of the result change nothing.
 */
#include "externs.bpf.h"

char LICENSE[] SEC("license") = "GPL";

#define MD_LEN 8
#define MD_SLOTS 4

struct md_val {
	__u8 md[MD_SLOTS][MD_LEN];
	__u32 idx;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, __u32);
	__type(value, struct md_val);
} md_map SEC(".maps");

__u64 out[4];

static inline int md_exists(__u8 slots[MD_SLOTS][MD_LEN], __u8 *md)
{
	for (__u8 i = 0; i < MD_SLOTS; i++) {
		if (__builtin_memcmp(slots[i], md, MD_LEN) == 0)
			return i;
	}
	return -1;
}

SEC("kprobe/do_nanosleep")
int kp_md_exists(void *ctx)
{
	__u32 k = bpf_get_current_pid_tgid();
	__u8 md[MD_LEN];
	struct md_val *v;

	bpf_get_current_comm(md, sizeof(md));
	v = bpf_map_lookup_elem(&md_map, &k);
	if (v)
		out[0] = md_exists(v->md, md);
	return 0;
}

SEC("kprobe/do_nanosleep")
int kp_comm_prefix(void *ctx)
{
	char comm[16];

	bpf_get_current_comm(comm, sizeof(comm));
	out[1] = !__builtin_memcmp(comm, "ksoftirqd/", 10);
	return 0;
}

/* these fold: sizes 1, 2 and 4 compared with zero, one pointer against itself, a result nobody reads */
SEC("kprobe/do_nanosleep")
int kp_memcmp_folds(void *ctx)
{
	char a[16], b[16];

	bpf_get_current_comm(a, sizeof(a));
	bpf_get_current_comm(b, sizeof(b));
	out[2] = __builtin_memcmp(a, b, 1) + (__builtin_memcmp(a, b, 2) == 0) + (__builtin_memcmp(a + 1, b, 4) != 0);
	out[3] = __builtin_memcmp(a, a, 12);
	__builtin_memcmp(a, b, 6);
	return 0;
}
