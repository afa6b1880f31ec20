// SPDX-License-Identifier: MIT
/*
 * live_nested.bpf.c - constructs of real projects (tetragon, tracee) the live
 * analysis must read as clang does:
 *   - a wrapper header that includes the generated vmlinux.h and then declares
 *     types with its typedefs (live_nested.bpf.h);
 *   - bpf_core_field_exists(((struct T *)0)->a.b): a field of a member
 *     reached through a null pointer cast (field_exists, access 0:0:1).
 */
#include "live_nested.bpf.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

__u64 seen[8];

static __always_inline __u64 kn_id(struct kn___live *kn)
{
	__u64 id = 0;

	if (!kn)
		return 0;
	if (bpf_core_field_exists(((struct kernfs_node___live *)0)->id.id)) {
		struct kernfs_node___live *old = (void *)kn;

		if (BPF_CORE_READ_INTO(&id, old, id.id) != 0)
			return 0;
	} else {
		bpf_probe_read_kernel(&id, sizeof(id), __builtin_preserve_access_index(&kn->id));
	}
	return id;
}

SEC("raw_tp/cgroup_mkdir")
int cgroup_mkdir(__u64 *ctx)
{
	struct kn___live *kn = (struct kn___live *)ctx[0];

	seen[0] = kn_id(BPF_CORE_READ(kn, parent));
	seen[1] = bpf_core_field_size(((struct kernfs_node___live *)0)->id.generation);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
