/* kernel_old: a miniature pre-5.14 / pre-5.6 kernel for the kernel_*.bpf.c
 * programs: task_struct has `long state` (no __state), sock has the old
 * sk_protocol bitfield, sk_buff lacks `hash`, mm_struct lacks exe_file,
 * there is no enum skb_drop_reason, and pt_regs is the x86 one. Member order
 * and sizes differ from the real kernels on purpose. */
#include "target.h"

struct pt_regs { unsigned long r15, r14, r13, r12, bp, bx, r11, r10, r9, r8, ax, cx, dx, si, di, orig_ax, ip, cs, flags, sp, ss; };
KEEP(struct pt_regs, regs);

struct qstr { union { struct { __u32 hash; __u32 len; }; __u64 hash_len; }; const unsigned char *name; };
struct super_block { int s_dev; unsigned long s_blocksize; unsigned long s_magic; char s_id[32]; };
struct inode { unsigned short i_mode; unsigned int i_flags; struct super_block *i_sb; unsigned long i_ino; unsigned int i_nlink; long long i_size; };
struct dentry { unsigned int d_flags; struct dentry *d_parent; struct qstr d_name; struct inode *d_inode; unsigned char d_iname[40]; };
struct vfsmount { struct dentry *mnt_root; struct super_block *mnt_sb; int mnt_flags; };
struct path { struct vfsmount *mnt; struct dentry *dentry; };
struct file { union { void *fu_llist; } f_u; struct path f_path; struct inode *f_inode; unsigned int f_flags; unsigned int f_mode; long long f_pos; };
struct mm_struct { unsigned long mmap_base, total_vm, start_code, end_code, start_data, end_data, start_brk, brk, start_stack, arg_start, arg_end, env_start, env_end; };
typedef struct { unsigned int val; } kuid_t;
struct cred { int usage; kuid_t uid; kuid_t gid; kuid_t suid; kuid_t sgid; kuid_t euid; };
struct fdtable { unsigned int max_fds; struct file **fd; };
struct files_struct { int count; struct fdtable *fdt; };
struct signal_struct { int sigcnt; int live; int nr_threads; };
struct task_struct {
	volatile long state;
	void *stack;
	unsigned int flags;
	int prio;
	struct mm_struct *mm;
	int exit_code;
	int pid;
	int tgid;
	struct task_struct *real_parent;
	struct task_struct *group_leader;
	__u64 start_time;
	const struct cred *real_cred;
	const struct cred *cred;
	char comm[16];
	struct files_struct *files;
	struct signal_struct *signal;
};
KEEP(struct task_struct, task);
KEEP(struct file, file);
enum pid_type { PIDTYPE_PID, PIDTYPE_TGID, PIDTYPE_PGID, PIDTYPE_SID, PIDTYPE_MAX };
KEEP(enum pid_type, pidtype);

struct net_device { char name[16]; unsigned long state; int ifindex; unsigned int flags; unsigned int mtu; };
struct sock_common {
	union { __u64 skc_addrpair; struct { __u32 skc_daddr; __u32 skc_rcv_saddr; }; };
	union { unsigned int skc_hash; __u16 skc_u16hashes[2]; };
	union { __u32 skc_portpair; struct { __u16 skc_dport; __u16 skc_num; }; };
	unsigned short skc_family;
	volatile unsigned char skc_state;
	int skc_bound_dev_if;
};
struct sock {
	struct sock_common __sk_common;
	int sk_rcvbuf;
	unsigned int __sk_flags_offset[0];
	unsigned int sk_padding: 1, sk_kern_sock: 1, sk_no_check_tx: 1,
		     sk_no_check_rx: 1, sk_userlocks: 4, sk_protocol: 8, sk_type: 16;
	int sk_sndbuf;
	unsigned int sk_mark;
};
struct inet_sock { struct sock sk; void *pinet6; __u32 inet_saddr; __u16 inet_sport; };
struct tcp_sock { struct inet_sock inet; __u32 rcv_nxt; __u32 snd_una; __u32 srtt_us; __u32 snd_cwnd; __u64 bytes_acked; };
struct sk_buff {
	union { struct { struct sk_buff *next; struct sk_buff *prev; union { struct net_device *dev; unsigned long dev_scratch; }; }; };
	struct sock *sk;
	unsigned int len, data_len;
	__u16 mac_len, hdr_len;
	__u8 __pkt_type_offset[0];
	__u8 pkt_type: 3;
	__u8 cloned: 1;
	__u16 transport_header, network_header;
	__u16 protocol;
	__u32 mark;
	unsigned char *head, *data;
};
KEEP(struct tcp_sock, tcp);
KEEP(struct sk_buff, skb);
enum { TCP_ESTABLISHED = 1, TCP_SYN_SENT, TCP_SYN_RECV, TCP_FIN_WAIT1, TCP_FIN_WAIT2, TCP_TIME_WAIT, TCP_CLOSE, TCP_CLOSE_WAIT, TCP_LAST_ACK, TCP_LISTEN, TCP_CLOSING };
KEEP(int, tcp_states_user) = TCP_LISTEN;
