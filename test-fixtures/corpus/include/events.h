/* SPDX-License-Identifier: MIT */
/*
 * events.h - the records the corpus programs send to userspace. As in every
 * tool collection, this header is shared with the userspace side and includes
 * nothing: it uses __u32, __u64 & co, which the BPF side gets from vmlinux.h
 * included earlier (and userspace from <linux/types.h>). On its own it does
 * not compile; it only makes sense in include order.
 */
#ifndef __CORPUS_EVENTS_H
#define __CORPUS_EVENTS_H

#include "event_kinds.h"

#define TASK_COMM_LEN 16
#define FILENAME_LEN 256
#define PATH_PART_LEN 64
#define MAX_PATH_DEPTH 16
#define DISK_NAME_LEN 32
#define MAX_SLOTS 27
#define MAX_ARGS_LEN 128

/* the header every record starts with */
struct event_hdr {
	__u32 kind;			/* enum event_kind */
	__u32 pid;
	__u32 tid;
	__u32 ppid;
	__u32 uid;
	__u32 cpu;
	__u64 ts;
	__u64 cgroup_id;
	__u32 pid_ns;
	__u32 mnt_ns;
	char comm[TASK_COMM_LEN];
};

struct process_event {
	struct event_hdr hdr;
	__s64 state;
	__s32 exit_code;
	__u32 exit_signal;
	__u32 child_pid;
	__u32 nr_threads;
	__u64 start_ns;
	__u64 cap_effective;
	__u64 cap_permitted;
	__u32 tty_index;
	__u32 args_len;
	char filename[FILENAME_LEN];
	char args[MAX_ARGS_LEN];
};

struct sched_event {
	struct event_hdr hdr;
	__u32 prev_pid;
	__u32 next_pid;
	__s64 prev_state;
	__u64 delta_us;
	__u64 runtime_ns;
	__u32 nr_running;
	__u32 saved_state;
	char prev_comm[TASK_COMM_LEN];
	char next_comm[TASK_COMM_LEN];
};

struct block_event {
	struct event_hdr hdr;
	__u64 sector;
	__u64 delta_us;
	__u32 len;
	__u32 dev;
	__u32 op;
	__u32 rwflag;
	__u32 partno;
	__u32 error;
	char disk[DISK_NAME_LEN];
};

union addr {
	__u32 v4;
	__u8 v6[16];
};

struct net_event {
	struct event_hdr hdr;
	union addr saddr;
	union addr daddr;
	__u16 sport;
	__u16 dport;
	__u16 family;
	__u16 protocol;
	__u16 oldstate;
	__u16 newstate;
	__u32 reason;
	__u32 srtt_us;
	__u32 snd_cwnd;
	__u32 ifindex;
	__u32 len;
	__u32 mono_ts;
	__u64 rx_bytes;
	__u64 tx_bytes;
	__u64 span_us;
	__u64 ret;
};

struct path_parts {
	__u32 depth;
	__u32 truncated;
	char name[MAX_PATH_DEPTH][PATH_PART_LEN];
};

struct file_event {
	struct event_hdr hdr;
	__u64 ino;
	__u64 size;
	__u64 mtime_sec;
	__u32 mode;
	__u32 flags;
	__u32 dev;
	__u32 refs;
	__s64 ret;
	char name[FILENAME_LEN];
	struct path_parts path;
};

struct mem_event {
	struct event_hdr hdr;
	__u32 victim_pid;
	__u32 order;
	__u64 pages;
	__u64 rss_file;
	__u64 rss_anon;
	__u64 address;
	__u64 ip;
	__u64 vm_flags;
	__u32 error_code;
	__u32 major;
	char victim_comm[TASK_COMM_LEN];
};

struct sys_event {
	struct event_hdr hdr;
	__s64 id;
	__s64 ret;
	__u64 args[6];
	__u64 ip;
	__u64 sp;
	__s32 sig;
	__u32 target;
};

struct hist {
	__u32 slots[MAX_SLOTS];
	char comm[TASK_COMM_LEN];
};

#endif /* __CORPUS_EVENTS_H */
