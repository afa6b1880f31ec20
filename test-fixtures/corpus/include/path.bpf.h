/* SPDX-License-Identifier: MIT */
/*
 * path.bpf.h - file names from dentries: the last component, and the path to
 * the root of its mount as a list of components (userspace joins them), walked
 * with a bounded loop over d_parent. path_walk crosses mount points through
 * struct mount, which vmlinux.h describes but the kernel keeps private: the
 * vfsmount is embedded in it, so container_of finds it.
 */
#ifndef __CORPUS_PATH_BPF_H
#define __CORPUS_PATH_BPF_H

#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include "read.bpf.h"
#include "events.h"

/* the last component of a dentry's name */
static __always_inline int dentry_name(struct dentry *dentry, char *buf, __u32 size)
{
	struct qstr d_name = BPF_CORE_READ(dentry, d_name);

	return bpf_probe_read_kernel_str(buf, size, d_name.name);
}

/* components from `dentry` up to the root of its mount, innermost first */
static __always_inline void dentry_walk(struct dentry *dentry, struct path_parts *out)
{
	struct dentry *parent;
	int i;

	out->truncated = 1;
	for (i = 0; i < MAX_PATH_DEPTH; i++) {
		bpf_probe_read_kernel_str(out->name[i], PATH_PART_LEN, BPF_CORE_READ(dentry, d_name.name));
		parent = BPF_CORE_READ(dentry, d_parent);
		if (parent == dentry) {
			out->truncated = 0;
			break;
		}
		dentry = parent;
	}
	out->depth = i;
}

static __always_inline struct mount *real_mount(struct vfsmount *mnt)
{
	return container_of(mnt, struct mount, mnt);
}

/*
 * The whole path of a struct path, crossing mount points. A subprogram of its
 * own (not inlined): the loop body is large and every caller shares one copy,
 * as tools do to stay under the verifier's instruction limits. Its relocations
 * therefore sit in .text, once, whoever calls it.
 */
static __noinline int path_walk(const struct path *path, struct path_parts *out)
{
	struct dentry *dentry = BPF_CORE_READ(path, dentry);
	struct vfsmount *vfsmnt = BPF_CORE_READ(path, mnt);
	struct mount *mnt = real_mount(vfsmnt);
	struct dentry *mnt_root, *parent;
	int i, n = 0;

	out->truncated = 1;
	for (i = 0; i < MAX_PATH_DEPTH; i++) {
		mnt_root = BPF_CORE_READ(vfsmnt, mnt_root);
		if (dentry == mnt_root) {
			struct mount *up = BPF_CORE_READ(mnt, mnt_parent);

			if (up == mnt) {
				out->truncated = 0;
				break;
			}
			/* continue above the mount point, in the parent mount */
			dentry = BPF_CORE_READ(mnt, mnt_mountpoint);
			mnt = up;
			vfsmnt = CORE_ADDR(mnt, mnt);
			continue;
		}
		parent = BPF_CORE_READ(dentry, d_parent);
		if (parent == dentry) {
			out->truncated = 0;
			break;
		}
		bpf_probe_read_kernel_str(out->name[n & (MAX_PATH_DEPTH - 1)], PATH_PART_LEN,
					  BPF_CORE_READ(dentry, d_name.name));
		n++;
		dentry = parent;
	}
	out->depth = n;
	return n;
}

#endif /* __CORPUS_PATH_BPF_H */
