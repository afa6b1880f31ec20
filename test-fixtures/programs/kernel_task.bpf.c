// SPDX-License-Identifier: MIT
/*
 * kernel_task.bpf.c - a realistic tracing program against real kernels.
 *
 * Written like libbpf-tools: no vmlinux.h, only the handful of kernel types
 * and fields this program touches, declared locally with
 * preserve_access_index. Exercises against the six kernel BTFs in
 * test-fixtures/btf/kernels/:
 *   - task_struct: pid, tgid, real_parent, comm, flags, mm, cred, files, fs;
 *   - the 5.14 rename of task_struct::state to __state, handled with two
 *     local flavors task_struct___o (old) and task_struct___x (new) and
 *     bpf_core_field_exists();
 *   - mm_struct, file/inode/dentry/qstr/path/vfsmount names;
 *   - struct pt_regs (x86) through BPF_KPROBE/PT_REGS_PARM*;
 *   - enum pid_type and enum memcg_stat_item values, type existence/size of
 *     kernel types, bitfields of struct inode-adjacent types is NOT used
 *     (kernel bitfields are covered by kernel_net.bpf.c's sk_buff).
 */
#include "fixture.h"
/* kernel-style pt_regs field names (di, si, ...) as with a vmlinux.h */
#define __VMLINUX_H__
#include <bpf/bpf_tracing.h>

struct pt_regs {
	unsigned long di, si, dx, cx, r8, r9, ax, sp, ip;
} __attribute__((preserve_access_index));

struct qstr {
	union {
		struct {
			__u32 hash;
			__u32 len;
		};
		__u64 hash_len;
	};
	const unsigned char *name;
} __attribute__((preserve_access_index));

struct super_block {
	unsigned long s_magic;
	unsigned long s_blocksize;
	char s_id[32];
} __attribute__((preserve_access_index));

struct inode {
	unsigned short i_mode;
	unsigned int i_flags;
	unsigned long i_ino;
	long long i_size;
	struct super_block *i_sb;
	unsigned int i_nlink;
} __attribute__((preserve_access_index));

struct dentry {
	struct dentry *d_parent;
	struct qstr d_name;
	struct inode *d_inode;
	unsigned char d_iname[32];
} __attribute__((preserve_access_index));

struct vfsmount {
	struct dentry *mnt_root;
	struct super_block *mnt_sb;
} __attribute__((preserve_access_index));

struct path {
	struct vfsmount *mnt;
	struct dentry *dentry;
} __attribute__((preserve_access_index));

struct file {
	struct path f_path;
	struct inode *f_inode;
	unsigned int f_flags;
	long long f_pos;
	unsigned int f_mode;
} __attribute__((preserve_access_index));

struct mm_struct {
	unsigned long start_code, end_code, start_data, end_data;
	unsigned long start_brk, brk, start_stack;
	unsigned long arg_start, arg_end, env_start, env_end;
	unsigned long total_vm;
	struct file *exe_file;
} __attribute__((preserve_access_index));

typedef struct {
	unsigned int val;
} kuid_t;

struct cred {
	kuid_t uid;
	kuid_t euid;
} __attribute__((preserve_access_index));

struct fdtable {
	unsigned int max_fds;
	struct file **fd;
} __attribute__((preserve_access_index));

struct files_struct {
	struct fdtable *fdt;
} __attribute__((preserve_access_index));

struct signal_struct {
	int nr_threads;
} __attribute__((preserve_access_index));

struct task_struct {
	unsigned int flags;
	int prio;
	int pid;
	int tgid;
	struct task_struct *real_parent;
	struct task_struct *group_leader;
	char comm[16];
	struct mm_struct *mm;
	const struct cred *real_cred;
	const struct cred *cred;
	struct files_struct *files;
	struct signal_struct *signal;
	__u64 start_time;
	int exit_code;
} __attribute__((preserve_access_index));

/* kernels >= 5.14: unsigned int __state */
struct task_struct___x {
	unsigned int __state;
} __attribute__((preserve_access_index));

/* kernels < 5.14: volatile long state */
struct task_struct___o {
	volatile long state;
} __attribute__((preserve_access_index));

enum pid_type {
	PIDTYPE_PID,
	PIDTYPE_TGID,
	PIDTYPE_PGID,
	PIDTYPE_SID,
	PIDTYPE_MAX,
};

/* not in every kernel: only checked through exists */
enum task_state_old_nonexistent {
	TASK_STATE_OLD_NONEXISTENT_X = 1,
};

static __always_inline long get_task_state(void *task)
{
	struct task_struct___x *t = task;

	if (bpf_core_field_exists(t->__state))
		return BPF_CORE_READ(t, __state);
	return BPF_CORE_READ((struct task_struct___o *)task, state);
}

SEC("kprobe/do_sys_openat2")
int BPF_KPROBE(trace_openat2, int dfd, const char *filename)
{
	struct task_struct *task = (void *)bpf_get_current_task();
	char comm[16];

	OUT(0, BPF_CORE_READ(task, pid));
	OUT(1, BPF_CORE_READ(task, tgid));
	OUT(2, BPF_CORE_READ(task, real_parent, tgid));
	OUT(3, BPF_CORE_READ(task, real_parent, real_parent, pid));
	OUT(4, BPF_CORE_READ(task, group_leader, pid));
	BPF_CORE_READ_STR_INTO(&comm, task, comm);
	OUT(5, comm[0]);
	OUT(6, BPF_CORE_READ(task, cred, euid.val));
	OUT(7, BPF_CORE_READ(task, real_cred, uid.val));
	OUT(8, get_task_state(task));
	OUT(9, (long)filename + dfd);
	OUT(10, BPF_CORE_READ(task, signal, nr_threads));
	OUT(11, BPF_CORE_READ(task, start_time));
	OUT(12, BPF_CORE_READ(task, flags) | BPF_CORE_READ(task, prio));
	return 0;
}

SEC("kprobe/vfs_read")
int BPF_KPROBE(trace_vfs_read, struct file *file)
{
	struct dentry *de = BPF_CORE_READ(file, f_path.dentry);
	char name[32];

	OUT(0, BPF_CORE_READ(file, f_inode, i_ino));
	OUT(1, BPF_CORE_READ(file, f_inode, i_mode));
	OUT(2, BPF_CORE_READ(file, f_inode, i_size));
	OUT(3, BPF_CORE_READ(file, f_inode, i_sb, s_magic));
	OUT(4, BPF_CORE_READ(file, f_path.mnt, mnt_sb, s_blocksize));
	OUT(5, BPF_CORE_READ(de, d_name.len));
	BPF_CORE_READ_STR_INTO(&name, de, d_name.name);
	OUT(6, name[0]);
	OUT(7, BPF_CORE_READ(de, d_parent, d_inode, i_nlink));
	OUT(8, BPF_CORE_READ(file, f_pos));
	OUT(9, BPF_CORE_READ(file, f_flags));
	OUT(10, bpf_core_field_size(de->d_iname));
	OUT(11, bpf_core_field_offset(de->d_name.hash_len));
	OUT(12, bpf_core_field_size(file->f_inode->i_sb->s_id));
	return 0;
}

SEC("kprobe/exit_mmap")
int BPF_KPROBE(trace_exit_mmap, struct mm_struct *mm)
{
	struct task_struct *task = (void *)bpf_get_current_task();
	unsigned int max_fds;

	OUT(0, BPF_CORE_READ(mm, arg_end) - BPF_CORE_READ(mm, arg_start));
	OUT(1, BPF_CORE_READ(mm, total_vm));
	OUT(2, BPF_CORE_READ(mm, exe_file, f_path.dentry, d_name.len));
	OUT(3, BPF_CORE_READ(task, mm, start_stack));
	OUT(4, BPF_CORE_READ(mm, brk) - BPF_CORE_READ(mm, start_brk));
	max_fds = BPF_CORE_READ(task, files, fdt, max_fds);
	OUT(5, max_fds);
	OUT(6, BPF_CORE_READ(mm, env_end) - BPF_CORE_READ(mm, env_start));
	return 0;
}

SEC("tp_btf/sched_switch")
int handle_switch(__u64 *ctx)
{
	/* direct loads through BTF pointers: LDX carries the relocation */
	struct task_struct *prev = (void *)ctx[1];
	struct task_struct *next = (void *)ctx[2];

	OUT(0, prev->pid);
	OUT(1, next->tgid);
	OUT(2, prev->mm ? prev->mm->total_vm : 0);
	OUT(3, next->real_parent->pid);
	OUT(4, prev->exit_code);
	OUT(5, get_task_state(prev));
	OUT(6, bpf_core_field_exists(struct task_struct___o, state));
	OUT(7, bpf_core_field_exists(struct task_struct___x, __state));
	OUT(8, bpf_core_type_exists(struct task_struct));
	OUT(9, bpf_core_type_size(struct task_struct));
	OUT(10, bpf_core_type_size(struct mm_struct));
	OUT(11, bpf_core_type_id_kernel(struct task_struct));
	OUT(12, bpf_core_enum_value(enum pid_type, PIDTYPE_SID));
	OUT(13, bpf_core_enum_value_exists(enum pid_type, PIDTYPE_MAX));
	OUT(14, bpf_core_type_exists(enum task_state_old_nonexistent));
	OUT(15, bpf_core_field_size(next->comm));
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
