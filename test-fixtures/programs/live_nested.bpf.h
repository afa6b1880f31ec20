/* SPDX-License-Identifier: MIT */
/*
 * live_nested.bpf.h - a project's own "vmlinux.h" wrapper in the shape of
 * tetragon's: it includes the generated header, then declares compat types
 * with the typedefs (u32, u64) that header declared. The live analysis must
 * see those typedefs inside the wrapper itself, not only in later headers.
 */
#ifndef LIVE_NESTED_BPF_H
#define LIVE_NESTED_BPF_H

#include "vmlinux.h"

/* kernfs_node's id before 5.5: a union, with the ino/generation pair anonymous */
union kernfs_node_id___live {
	struct {
		/* two u32 halves, as the old kernel declared them */
		u32 ino;
		u32 generation;
	};
	u64 id;
};

struct kernfs_node___live {
	union kernfs_node_id___live id;
};

/* the same node after 5.5: a plain u64 id (a small local type, so the fixture's DWARF stays small) */
struct kn___live {
	struct kn___live *parent;
	u64 id;
};

#endif
