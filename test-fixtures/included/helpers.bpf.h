/* SPDX-License-Identifier: MIT */
/*
 * helpers.bpf.h - what every event carries. Three kinds of helper, by what LLVM's inliner does with them:
 * task_tgid is tiny and inlined at each of its calls; fill_creds is large and called from five programs, so it
 * stays a BPF-to-BPF call (its relocations are in the object once); fill_ns is large but called once, so it is
 * inlined there (LLVM's last-call-to-static bonus).
 */
#ifndef __INCLUDED_HELPERS_BPF_H
#define __INCLUDED_HELPERS_BPF_H

struct event {
	__u32 kind;
	__u32 tgid;
	__u32 ppid;
	__u32 uid, gid, euid, egid, suid, sgid, fsuid, fsgid;
	__u64 cap_effective, cap_permitted, cap_inheritable;
	__u32 mnt_ns, pid_ns, net_ns, uts_ns, ipc_ns, cgroup_ns;
	__u64 start_time;
	__s64 ret;
	char comm[16];
};

static __u32 task_tgid(const struct task_struct *t)
{
	return BPF_CORE_READ(t, tgid);
}

static void fill_creds(struct event *e, const struct task_struct *t)
{
	const struct cred *c = BPF_CORE_READ(t, real_cred);

	e->uid = BPF_CORE_READ(c, uid.val);
	e->gid = BPF_CORE_READ(c, gid.val);
	e->euid = BPF_CORE_READ(c, euid.val);
	e->egid = BPF_CORE_READ(c, egid.val);
	e->suid = BPF_CORE_READ(c, suid.val);
	e->sgid = BPF_CORE_READ(c, sgid.val);
	e->fsuid = BPF_CORE_READ(c, fsuid.val);
	e->fsgid = BPF_CORE_READ(c, fsgid.val);
	if (e->euid == 0) {
		e->cap_effective = BPF_CORE_READ(c, cap_effective.cap[0]);
		e->cap_permitted = BPF_CORE_READ(c, cap_permitted.cap[0]);
		e->cap_inheritable = BPF_CORE_READ(c, cap_inheritable.cap[0]);
	}
	e->ppid = BPF_CORE_READ(t, real_parent, tgid);
	e->start_time = BPF_CORE_READ(t, start_time);
	/* task_struct::__state is 6.1 and newer: on 5.10 this poisons the subprogram every caller loads */
	e->kind |= (__u32)BPF_CORE_READ(t, __state) << 16;
	bpf_probe_read_kernel_str(e->comm, sizeof(e->comm), BPF_CORE_READ(t, group_leader, comm));
}

static void fill_ns(struct event *e, const struct task_struct *t)
{
	struct nsproxy *ns = BPF_CORE_READ(t, nsproxy);

	if (!ns)
		return;
	e->mnt_ns = BPF_CORE_READ(ns, mnt_ns, ns.inum);
	e->pid_ns = BPF_CORE_READ(ns, pid_ns_for_children, ns.inum);
	e->net_ns = BPF_CORE_READ(ns, net_ns, ns.inum);
	e->uts_ns = BPF_CORE_READ(ns, uts_ns, ns.inum);
	e->ipc_ns = BPF_CORE_READ(ns, ipc_ns, ns.inum);
	e->cgroup_ns = BPF_CORE_READ(ns, cgroup_ns, ns.inum);
	if (e->pid_ns != e->mnt_ns)
		e->start_time = BPF_CORE_READ(t, start_boottime);
	/* unguarded, 6.1 and newer: fails to load on 5.10 where inlined */
	e->ret = BPF_CORE_READ(t, __state);
}

/* reserves an event for the current task, with what every event carries */
static struct event *new_event(__u32 kind)
{
	struct task_struct *t = (struct task_struct *)bpf_get_current_task();
	struct event *e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);

	if (!e)
		return NULL;
	e->kind = kind;
	e->tgid = task_tgid(t);
	fill_creds(e, t);
	return e;
}

#endif
