// SPDX-License-Identifier: MIT
/*
 * vfsstat.bpf.c - VFS call counts and sizes with fentry/fexit (libbpf-tools'
 * vfsstat and fsslower, their fentry flavor).
 *   - fentry/vfs_read and fexit/vfs_write via BPF_PROG: direct loads through
 *     the BTF file pointer (file->f_inode->i_mode), the return value of fexit;
 *   - fentry/vfs_open via BPF_PROG: path->dentry->d_name.name directly, and
 *     the modification time through inode_mtime_sec() (guarded i_mtime_sec);
 *   - kprobe/vfs_fsync via BPF_KPROBE for kernels without BPF trampolines.
 * Loads on every kernel (fentry/fexit need a kernel with BPF trampolines).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "events.h"
#include "maps.bpf.h"
#include "compat.bpf.h"
#include "task.bpf.h"

#define S_IFMT 00170000
#define S_IFREG 0100000

enum stat_type {
	S_READ,
	S_WRITE,
	S_FSYNC,
	S_OPEN,
	S_WRITE_BYTES,
	S_MAXSTAT,
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, S_MAXSTAT);
	__type(key, __u32);
	__type(value, __u64);
} stats SEC(".maps");

static __always_inline void inc_stat(enum stat_type t, __u64 by)
{
	__u32 key = t;
	__u64 *v = bpf_map_lookup_elem(&stats, &key);

	if (v)
		*v += by;
}

SEC("fentry/vfs_read")
int BPF_PROG(fentry_vfs_read, struct file *file)
{
	if ((file->f_inode->i_mode & S_IFMT) == S_IFREG)
		inc_stat(S_READ, 1);
	return 0;
}

SEC("fexit/vfs_write")
int BPF_PROG(fexit_vfs_write, struct file *file, const char *buf, size_t count, loff_t *pos, ssize_t ret)
{
	inc_stat(S_WRITE, 1);
	if (ret > 0)
		inc_stat(S_WRITE_BYTES, ret);
	return 0;
}

SEC("fentry/vfs_open")
int BPF_PROG(fentry_vfs_open, const struct path *path, struct file *file)
{
	struct dentry *dentry = path->dentry;
	struct file_event *e;

	inc_stat(S_OPEN, 1);
	e = reserve_buf(sizeof(*e));
	if (!e)
		return 0;
	fill_hdr(&e->hdr, EV_OPEN);
	e->ino = dentry->d_inode->i_ino;
	e->mtime_sec = inode_mtime_sec(dentry->d_inode);
	bpf_probe_read_kernel_str(e->name, sizeof(e->name), dentry->d_name.name);
	submit_buf(ctx, e, sizeof(*e));
	return 0;
}

SEC("kprobe/vfs_fsync")
int BPF_KPROBE(kprobe_vfs_fsync, struct file *file, int datasync)
{
	inc_stat(S_FSYNC, 1);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
