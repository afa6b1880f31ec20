/* SPDX-License-Identifier: MIT */
/*
 * task.bpf.h - what every tool wants to know about a task: ids in the root and
 * in its own pid namespace, credentials, cgroup, namespaces, terminal. Each
 * helper is inlined into every program that calls it, so one read here becomes
 * one relocation per call in the object.
 */
#ifndef __CORPUS_TASK_BPF_H
#define __CORPUS_TASK_BPF_H

#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include "read.bpf.h"
#include "core_fixes.bpf.h"
#include "events.h"

statfunc struct task_struct *current_task(void)
{
	return (struct task_struct *)bpf_get_current_task();
}

statfunc __u32 task_ppid(struct task_struct *t)
{
	return BPF_CORE_READ(t, real_parent, tgid);
}

statfunc __u32 task_uid(struct task_struct *t)
{
	return BPF_CORE_READ(t, cred, uid.val);
}

statfunc __u64 task_cgroup_id(struct task_struct *t)
{
	return BPF_CORE_READ(t, cgroups, dfl_cgrp, kn, id);
}

/* the parent cgroup's id, through the compat reader (kernfs_node::parent is __parent on 6.18) */
statfunc __u64 task_parent_cgroup_id(struct task_struct *t)
{
	struct kernfs_node *kn = BPF_CORE_READ(t, cgroups, dfl_cgrp, kn);

	kn = kn_parent(kn);
	return kn ? BPF_CORE_READ(kn, id) : 0;
}

statfunc __u32 task_pid_ns(struct task_struct *t)
{
	return BPF_CORE_READ(t, nsproxy, pid_ns_for_children, ns.inum);
}

statfunc __u32 task_mnt_ns(struct task_struct *t)
{
	return BPF_CORE_READ(t, nsproxy, mnt_ns, ns.inum);
}

/* the pid as the task's own namespace sees it: numbers[] indexed by a level read at run time */
statfunc __u32 task_vpid(struct task_struct *t)
{
	struct pid *pid = BPF_CORE_READ(t, thread_pid);
	unsigned int level = BPF_CORE_READ(pid, level);

	return BPF_CORE_READ(pid, numbers[level].nr);
}

statfunc __u32 task_tty_index(struct task_struct *t)
{
	/* daemons have no tty: a NULL hop reads as an error, hence the default */
	return CORE_READ_OR(0, t, signal, tty, index);
}

statfunc __u64 task_start_ns(struct task_struct *t)
{
	return BPF_CORE_READ(t, start_boottime);
}

/* the common record header, for the current task */
statfunc void fill_hdr(struct event_hdr *hdr, enum event_kind kind)
{
	struct task_struct *t = current_task();
	__u64 id = bpf_get_current_pid_tgid();

	hdr->kind = kind;
	hdr->pid = id >> 32;
	hdr->tid = (__u32)id;
	hdr->ppid = task_ppid(t);
	hdr->uid = (__u32)bpf_get_current_uid_gid();
	hdr->cpu = bpf_get_smp_processor_id();
	hdr->ts = bpf_ktime_get_ns();
	hdr->cgroup_id = task_cgroup_id(t);
	hdr->pid_ns = task_pid_ns(t);
	hdr->mnt_ns = task_mnt_ns(t);
	bpf_get_current_comm(&hdr->comm, sizeof(hdr->comm));
}

/* the same header for any task (not necessarily current): everything read through CO-RE */
statfunc void fill_hdr_task(struct event_hdr *hdr, struct task_struct *t, enum event_kind kind)
{
	hdr->kind = kind;
	hdr->pid = BPF_CORE_READ(t, tgid);
	hdr->tid = BPF_CORE_READ(t, pid);
	hdr->ppid = task_ppid(t);
	hdr->uid = task_uid(t);
	hdr->ts = bpf_ktime_get_ns();
	hdr->cgroup_id = task_cgroup_id(t);
	hdr->pid_ns = task_pid_ns(t);
	hdr->mnt_ns = task_mnt_ns(t);
	BPF_CORE_READ_STR_INTO(&hdr->comm, t, comm);
}

#endif /* __CORPUS_TASK_BPF_H */
