// SPDX-License-Identifier: MIT
/*
 * cgtrace.bpf.c - container context for every process: cgroup ids up the
 * hierarchy, namespaces, hostname, first child (in the style of
 * inspektor-gadget's and tetragon's process metadata).
 *   - tp_btf/cgroup_mkdir via BPF_PROG: cgrp->kn->id and cgrp->level as
 *     direct loads, the parent through kn_parent() (kernfs_node::parent
 *     renamed __parent between 6.12 and 6.18, guarded);
 *   - raw_tp/cgroup_attach_task via BPF_PROG: the task's uts nodename with
 *     BPF_CORE_READ_STR_INTO over four hops, net/cgroup namespace inums,
 *     task_parent_cgroup_id();
 *   - tp/cgroup/cgroup_rmdir with trace_event_raw_cgroup (__data_loc path);
 *   - kprobe/wake_up_new_task: the parent's first child through
 *     container_of(list_head, struct task_struct, sibling) with this file's
 *     own offsetof: defined the <stddef.h> way (__builtin_offsetof) before
 *     bpf_helpers.h, whose `#ifndef offsetof` (libbpf 1.1) keeps it, so that
 *     offset is *not* relocated (libbpf 1.5 force-redefines offsetof);
 *     the memory controller's css id through css_set::subsys[id], an index
 *     known only at load time (bpf_core_enum_value): one element is read, so
 *     the array's length (13, 14 or 12 controllers: 5.10, 6.1, 6.18) warns
 *     nothing.
 * Loads on every kernel.
 */
#include "vmlinux.h"
#define offsetof(TYPE, MEMBER) __builtin_offsetof(TYPE, MEMBER)
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "events.h"
#include "compat.bpf.h"
#include "task.bpf.h"

#define NODENAME_LEN 65

struct cg_info {
	__u64 id;
	__u64 parent_id;
	__u32 level;
	__u32 net_ns;
	__u32 cgroup_ns;
	__u32 first_child;
	__u32 memcg_id;
	char nodename[NODENAME_LEN];
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u32);
	__type(value, struct cg_info);
} tasks SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u64);
	__type(value, __u64);
} cgroups SEC(".maps");

SEC("tp_btf/cgroup_mkdir")
int BPF_PROG(cgroup_mkdir, struct cgroup *cgrp, const char *path)
{
	struct kernfs_node *parent = kn_parent(cgrp->kn);
	__u64 id = cgrp->kn->id;
	__u64 parent_id = parent ? BPF_CORE_READ(parent, id) : 0;

	if (cgrp->level > 16)
		return 0;
	bpf_map_update_elem(&cgroups, &id, &parent_id, BPF_ANY);
	return 0;
}

SEC("raw_tp/cgroup_attach_task")
int BPF_PROG(cgroup_attach_task, struct cgroup *dst, const char *path, struct task_struct *task, bool threadgroup)
{
	__u32 pid = BPF_CORE_READ(task, tgid);
	struct cg_info info = {};

	info.id = BPF_CORE_READ(dst, kn, id);
	info.level = BPF_CORE_READ(dst, level);
	info.parent_id = task_parent_cgroup_id(task);
	info.net_ns = BPF_CORE_READ(task, nsproxy, net_ns, ns.inum);
	info.cgroup_ns = BPF_CORE_READ(task, nsproxy, cgroup_ns, ns.inum);
	BPF_CORE_READ_STR_INTO(&info.nodename, task, nsproxy, uts_ns, name.nodename);
	bpf_map_update_elem(&tasks, &pid, &info, BPF_ANY);
	return 0;
}

SEC("tp/cgroup/cgroup_rmdir")
int tp_cgroup_rmdir(struct trace_event_raw_cgroup *ctx)
{
	__u64 id = ctx->id;
	struct file_event *e;

	bpf_map_delete_elem(&cgroups, &id);
	e = reserve_buf(sizeof(*e));
	if (!e)
		return 0;
	fill_hdr(&e->hdr, EV_UNLINK);
	e->ino = id;
	e->mode = ctx->level;
	e->dev = ctx->root;
	bpf_probe_read_kernel_str(e->name, sizeof(e->name), (void *)ctx + (ctx->__data_loc_path & 0xFFFF));
	submit_buf(ctx, e, sizeof(*e));
	return 0;
}

static __always_inline __u32 task_memcg_id(struct task_struct *task)
{
	int id = bpf_core_enum_value(enum cgroup_subsys_id, memory_cgrp_id);
	struct cgroup_subsys_state *css = BPF_CORE_READ(task, cgroups, subsys[id]);

	return BPF_CORE_READ(css, id);
}

SEC("kprobe/wake_up_new_task")
int BPF_KPROBE(wake_up_new_task, struct task_struct *p)
{
	struct task_struct *parent = BPF_CORE_READ(p, real_parent);
	struct list_head *first = BPF_CORE_READ(parent, children.next);
	struct task_struct *child = container_of(first, struct task_struct, sibling);
	__u32 pid = BPF_CORE_READ(p, tgid);
	struct cg_info info = {};

	info.id = task_cgroup_id(p);
	info.first_child = BPF_CORE_READ(child, pid);
	info.memcg_id = task_memcg_id(p);
	bpf_map_update_elem(&tasks, &pid, &info, BPF_ANY);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
