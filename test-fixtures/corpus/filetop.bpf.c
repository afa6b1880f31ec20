// SPDX-License-Identifier: MIT
/*
 * filetop.bpf.c - reads and writes per file (libbpf-tools' filetop).
 *   - kprobe/vfs_read and kprobe/vfs_write via BPF_KPROBE: the file's name
 *     from f_path.dentry (a struct qstr copied to the stack, then its member
 *     read), its inode number and mode, device from i_sb->s_dev, references
 *     through file_refs() (f_count before 6.13, f_ref after), modification
 *     time through inode_mtime_sec() (i_mtime on 6.1, i_mtime_sec on 6.12);
 *   - vfs_write additionally reads file->f_iocb_flags without a guard: that
 *     field is 6.0+, so this program fails on 5.10.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "events.h"
#include "maps.bpf.h"
#include "task.bpf.h"
#include "path.bpf.h"

#define S_IFMT 00170000
#define S_IFREG 0100000
#define S_ISREG(m) (((m) & S_IFMT) == S_IFREG)

const volatile pid_t target_pid = 0;
const volatile bool regular_file_only = true;

struct file_id {
	__u64 inode;
	__u32 dev;
	__u32 rdev;
	__u32 pid;
	__u32 tid;
};

struct file_stat {
	__u64 reads;
	__u64 read_bytes;
	__u64 writes;
	__u64 write_bytes;
	__u64 mtime_sec;
	__u32 pid;
	__u32 tid;
	__u32 refs;
	__u32 iocb_flags;
	char filename[PATH_PART_LEN];
	char comm[TASK_COMM_LEN];
	char type;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, struct file_id);
	__type(value, struct file_stat);
} entries SEC(".maps");

static __always_inline struct file_stat *probe_entry(struct file *file)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u32 pid = pid_tgid >> 32, tid = (__u32)pid_tgid;
	struct file_id key = {};
	struct file_stat *valuep, zero = {};
	struct inode *inode;
	int mode;

	if (target_pid && target_pid != pid)
		return 0;
	inode = BPF_CORE_READ(file, f_inode);
	mode = BPF_CORE_READ(inode, i_mode);
	if (regular_file_only && !S_ISREG(mode))
		return 0;
	key.dev = BPF_CORE_READ(file, f_inode, i_sb, s_dev);
	key.rdev = BPF_CORE_READ(file, f_inode, i_rdev);
	key.inode = BPF_CORE_READ(file, f_inode, i_ino);
	key.pid = pid;
	key.tid = tid;
	valuep = lookup_or_init(&entries, &key, &zero);
	if (!valuep)
		return 0;
	if (!valuep->pid) {
		valuep->pid = pid;
		valuep->tid = tid;
		bpf_get_current_comm(&valuep->comm, sizeof(valuep->comm));
		dentry_name(BPF_CORE_READ(file, f_path.dentry), valuep->filename, sizeof(valuep->filename));
		valuep->type = S_ISREG(mode) ? 'R' : 'O';
	}
	valuep->refs = file_refs(file);
	valuep->mtime_sec = inode_mtime_sec(inode);
	return valuep;
}

SEC("kprobe/vfs_read")
int BPF_KPROBE(vfs_read_entry, struct file *file, char *buf, size_t count, loff_t *pos)
{
	struct file_stat *s = probe_entry(file);

	if (s) {
		s->reads++;
		s->read_bytes += count;
	}
	return 0;
}

SEC("kprobe/vfs_write")
int BPF_KPROBE(vfs_write_entry, struct file *file, const char *buf, size_t count, loff_t *pos)
{
	struct file_stat *s = probe_entry(file);

	if (s) {
		s->writes++;
		s->write_bytes += count;
		s->iocb_flags = BPF_CORE_READ(file, f_iocb_flags);
	}
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
