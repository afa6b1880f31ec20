// SPDX-License-Identifier: MIT
/*
 * kernel_vfs.bpf.c - file system tracing in the style of libbpf-tools'
 * opensnoop, filetop and vfsstat, against the generated vmlinux.h.
 *   - do_sys_openat2 through BPF_KPROBE: struct open_how flags and mode,
 *     the user filename pointer;
 *   - vfs_read/vfs_write through BPF_KPROBE: file -> f_path.dentry ->
 *     d_name (qstr len/name), d_parent, f_inode -> i_ino/i_mode/i_sb;
 *   - fentry vfs_open through BPF_PROG: direct loads on path and file;
 *   - file::f_iocb_flags (6.0+) guarded, f_pos, super_block s_magic/s_id,
 *     the 5.12 rename of vfsmount users (mnt_sb) read through &path->mnt.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>

#define S_IFMT 00170000
#define S_IFREG 0100000
#define DNAME_LEN 32

struct file_stat {
	u64 inode;
	u64 reads;
	u64 read_bytes;
	u64 pos;
	u32 flags;
	u32 dev_magic;
	char name[DNAME_LEN];
	char parent[DNAME_LEN];
	char sb_id[32];
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, u64);
	__type(value, struct file_stat);
} stats SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, u32);
	__type(value, u64);
} opens SEC(".maps");

static struct file_stat zero_stat;

static __always_inline int trace_rw(struct file *file, size_t count)
{
	struct dentry *dentry = BPF_CORE_READ(file, f_path.dentry);
	struct qstr d_name = BPF_CORE_READ(dentry, d_name);
	u64 ino = BPF_CORE_READ(file, f_inode, i_ino);
	umode_t mode = BPF_CORE_READ(file, f_inode, i_mode);
	struct file_stat *st;

	if ((mode & S_IFMT) != S_IFREG || d_name.len == 0)
		return 0;
	st = bpf_map_lookup_elem(&stats, &ino);
	if (!st) {
		bpf_map_update_elem(&stats, &ino, &zero_stat, BPF_NOEXIST);
		st = bpf_map_lookup_elem(&stats, &ino);
		if (!st)
			return 0;
		st->inode = ino;
		bpf_probe_read_kernel_str(&st->name, sizeof(st->name), d_name.name);
		bpf_probe_read_kernel_str(&st->parent, sizeof(st->parent), BPF_CORE_READ(dentry, d_parent, d_name.name));
		BPF_CORE_READ_STR_INTO(&st->sb_id, file, f_inode, i_sb, s_id);
		st->dev_magic = BPF_CORE_READ(file, f_inode, i_sb, s_magic);
	}
	st->reads++;
	st->read_bytes += count;
	st->pos = BPF_CORE_READ(file, f_pos);
	if (bpf_core_field_exists(file->f_iocb_flags))
		st->flags = BPF_CORE_READ(file, f_iocb_flags);
	else
		st->flags = BPF_CORE_READ(file, f_flags);
	return 0;
}

SEC("kprobe/vfs_read")
int BPF_KPROBE(vfs_read_entry, struct file *file, char *buf, size_t count)
{
	return trace_rw(file, count);
}

SEC("kprobe/vfs_write")
int BPF_KPROBE(vfs_write_entry, struct file *file, const char *buf, size_t count)
{
	return trace_rw(file, count);
}

SEC("kprobe/do_sys_openat2")
int BPF_KPROBE(do_sys_openat2, int dfd, const char *filename, struct open_how *how)
{
	u32 tid = (u32)bpf_get_current_pid_tgid();
	u64 flags = BPF_CORE_READ(how, flags) | ((u64)BPF_CORE_READ(how, mode) << 32);

	if (dfd < 0 && !filename)
		return 0;
	bpf_map_update_elem(&opens, &tid, &flags, 0);
	return 0;
}

SEC("fentry/vfs_open")
int BPF_PROG(vfs_open, const struct path *path, struct file *file)
{
	struct dentry *dentry = path->dentry;
	struct super_block *sb = path->mnt->mnt_sb;
	u32 tid = (u32)bpf_get_current_pid_tgid();
	u64 v = file->f_flags + dentry->d_name.len + sb->s_magic + BPF_CORE_READ(dentry, d_inode, i_ino);

	bpf_map_update_elem(&opens, &tid, &v, 0);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
