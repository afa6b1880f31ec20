// SPDX-License-Identifier: MIT
/*
 * filelife.bpf.c - short-lived files: created, then deleted, with their age
 * and full path (libbpf-tools' filelife, tracee's path building).
 *   - kprobe/vfs_create and kprobe/vfs_unlink via BPF_KPROBE over untyped
 *     arguments: the dentry is the third argument where the VFS takes an
 *     idmap/user namespace first (5.12+), the second before; which one is
 *     decided by vfs_has_idmap_arg(), a guard helper returning an || of three
 *     bpf_core_field_exists on a renamedata flavor;
 *   - kprobe/vfs_rename via BPF_KPROBE: struct renamedata's old_dentry;
 *   - kprobe/security_file_open via BPF_KPROBE: the whole path through
 *     path_walk(), a __noinline subprogram (bounded loop over d_parent,
 *     crossing mounts with container_of(vfsmount -> mount));
 *   - dentry_walk(): the same loop inlined, for the unlink record.
 * Loads on every kernel.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "events.h"
#include "maps.bpf.h"
#include "compat.bpf.h"
#include "task.bpf.h"
#include "path.bpf.h"

const volatile pid_t targ_tgid = 0;

struct mnt_idmap;

/* the first argument of vfs_* functions: none, a user namespace (5.12), an idmap (6.3) */
struct renamedata___x {
	struct user_namespace *old_mnt_userns;
	struct mnt_idmap *old_mnt_idmap;
	struct mnt_idmap *mnt_idmap;
} __attribute__((preserve_access_index));

static __always_inline bool vfs_has_idmap_arg(void)
{
	return bpf_core_field_exists(struct renamedata___x, old_mnt_userns) ||
	       bpf_core_field_exists(struct renamedata___x, old_mnt_idmap) ||
	       bpf_core_field_exists(struct renamedata___x, mnt_idmap);
}

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 8192);
	__type(key, struct dentry *);
	__type(value, __u64);
} start SEC(".maps");

static __always_inline int probe_create(struct dentry *dentry)
{
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;
	__u64 ts;

	if (targ_tgid && targ_tgid != tgid)
		return 0;
	ts = bpf_ktime_get_ns();
	bpf_map_update_elem(&start, &dentry, &ts, 0);
	return 0;
}

SEC("kprobe/vfs_create")
int BPF_KPROBE(vfs_create, void *arg0, void *arg1, void *arg2)
{
	if (vfs_has_idmap_arg())
		return probe_create(arg2);
	return probe_create(arg1);
}

SEC("kprobe/vfs_unlink")
int BPF_KPROBE(vfs_unlink, void *arg0, void *arg1, void *arg2)
{
	struct dentry *dentry = vfs_has_idmap_arg() ? arg2 : arg1;
	struct file_event *e;
	__u64 *tsp, delta_ns;

	tsp = bpf_map_lookup_elem(&start, &dentry);
	if (!tsp)
		return 0;
	delta_ns = bpf_ktime_get_ns() - *tsp;
	bpf_map_delete_elem(&start, &dentry);
	e = reserve_buf(sizeof(*e));
	if (!e)
		return 0;
	fill_hdr(&e->hdr, EV_UNLINK);
	e->ret = delta_ns;
	e->ino = BPF_CORE_READ(dentry, d_inode, i_ino);
	dentry_name(dentry, e->name, sizeof(e->name));
	dentry_walk(dentry, &e->path);
	submit_buf(ctx, e, sizeof(*e));
	return 0;
}

SEC("kprobe/vfs_rename")
int BPF_KPROBE(vfs_rename, struct renamedata *rd)
{
	struct dentry *old = BPF_CORE_READ(rd, old_dentry);
	__u64 *tsp = bpf_map_lookup_elem(&start, &old);

	/* a renamed file is not short-lived any more */
	if (tsp)
		bpf_map_delete_elem(&start, &old);
	return 0;
}

SEC("kprobe/security_file_open")
int BPF_KPROBE(security_file_open, struct file *file)
{
	struct file_event *e;

	e = reserve_buf(sizeof(*e));
	if (!e)
		return 0;
	fill_hdr(&e->hdr, EV_OPEN);
	e->flags = BPF_CORE_READ(file, f_flags);
	e->mode = BPF_CORE_READ(file, f_mode);
	path_walk(CORE_ADDR(file, f_path), &e->path);
	submit_buf(ctx, e, sizeof(*e));
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
