// Constructs of real projects (issue 12's held-out measure) the live analysis once missed, each in a program of our
// own compiled by the real clang here: the live sites must equal clang's relocations per section (0 missing, 0
// extra; CSE merges bounded as everywhere). The programs are built into a temp dir (a second of clang each), so a
// construct costs no committed object or oracle output; each fails on the commit before its fix.

import * as assert from 'assert';
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { createAnalyzer, Analyzer } from '../../src/source/analyzer';
import { compareProgram, contextExpansion } from '../support/corpus';
import { FIXTURES, REPO_ROOT } from '../support/paths';

const PROGRAMS = path.join(FIXTURES, 'programs');
const HEAD = `#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#define _(P) (__builtin_preserve_access_index(P))
#define FUNC_INLINE static inline __attribute__((always_inline))
`;

/**
 * name -> program text (after HEAD); the project each comes from in the comment. `exact`: no CSE merges either (live
 * sites above clang's count would otherwise be classed as merges, and the construct is about that count). `header`:
 * the text of `<name>.bpf.h` beside the program (helpers analysed from a header, as real projects keep them).
 */
const CONSTRUCTS: [string, string, { exact?: boolean; header?: string }?][] = [
  // clang's merge of repeated relocations (source/cse.ts): each rule with its twin, counted exactly
  ['cse_merge', `
long total;
FUNC_INLINE int has_loginuid(struct task_struct *t) { return bpf_core_field_exists(t->loginuid); }
FUNC_INLINE int start_of(struct task_struct *t) { return BPF_CORE_READ(t, start_time) & 0xff; }
/* direct loads: merged in one expression with only arithmetic between; not across a helper call, asm or a store to a global */
SEC("tp_btf/a") int direct_merge(struct task_struct *t) { return t->pid + t->pid * 3; }
SEC("tp_btf/b") int direct_call(struct task_struct *t) { int a = t->pid; bpf_get_current_pid_tgid(); int b = t->pid; return a + b; }
SEC("tp_btf/c") int direct_asm(struct task_struct *t) { int a = t->pid; asm volatile("" ::: "memory"); int b = t->pid; return a + b; }
SEC("tp_btf/d") int direct_store(struct task_struct *t) { int a = t->pid; total = a; int b = t->pid; return a + b; }
/* checks: one relocation across helper calls and inlined helpers, from an if's arm too; not from an arm to after it */
SEC("tp_btf/e") int check_calls(struct task_struct *t) { int a = has_loginuid(t); bpf_get_current_pid_tgid(); return a + has_loginuid(t); }
SEC("tp_btf/f") int check_arm(struct task_struct *t, int c) { int a = has_loginuid(t); if (c) a += has_loginuid(t) * 3; return a; }
SEC("tp_btf/g") int check_after_arm(struct task_struct *t, int c) { int a = 0; if (c) a = has_loginuid(t); return a + has_loginuid(t); }
SEC("tp_btf/h") int check_early_return(struct task_struct *t, int c) { int a = has_loginuid(t); if (c) return a; bpf_get_current_pid_tgid(); return a + has_loginuid(t); }
SEC("tp_btf/j") int check_both_arms(struct task_struct *t, int c) { int a; if (c) { a = has_loginuid(t); bpf_get_current_pid_tgid(); } else { bpf_get_current_pid_tgid(); a = has_loginuid(t) + 1; } return a; }
/* BPF_CORE_READ: one relocation per pointer value across its probe reads and inlined helpers */
SEC("tp_btf/k") int read_same_base(struct task_struct *t) { int a = BPF_CORE_READ(t, start_time); return a + start_of(t); }
SEC("tp_btf/l") int read_rmw(struct task_struct *t) { t->pid += 1; t->pid += 2; return 0; }
struct { __uint(type, BPF_MAP_TYPE_HASH); __uint(max_entries, 8); __type(key, __u32); __type(value, __u32); } seen SEC(".maps");
/* a direct load kept in a local for a later statement: two loads (LLVM sinks the kept one next to its use) */
SEC("tp_btf/m") int direct_escaped(struct task_struct *t) { __u32 tgid = t->tgid; if (t->pid != t->tgid) return 0; bpf_map_delete_elem(&seen, &tgid); return 0; }
SEC("tp_btf/n") int direct_local(struct task_struct *t) { __u32 tgid = t->tgid; if (t->pid != t->tgid) return 0; return tgid; }
/* a variable is one value per write: the same pointer read twice merges (after a new value the model does not
   merge, clang does in a program this small: not asserted here) */
SEC("tp_btf/o") int read_same_local(struct task_struct *t) { struct task_struct *p = (void *)bpf_get_current_task(); int a = BPF_CORE_READ(p, pid); bpf_get_current_pid_tgid(); return a + BPF_CORE_READ(p, pid); }
/* both arms of an if/else reading one field (falco's READ_TASK_FIELD_INTO shape): SimplifyCFG hoists the arms'
   identical leading instructions only, so each of these keeps one record per arm (measured with clang 14; the
   cases clang does merge are in README, "clang's merge of repeated relocations", not modelled yet): a call or
   arithmetic first in one arm, another field, direct loads (each load folds the relocation into itself), a
   chained condition (the else block has two predecessors), no else */
SEC("tp_btf/p") int hoist_call_first(struct task_struct *t, int c) { int x; if (c) { bpf_get_current_pid_tgid(); x = t->pid; } else BPF_CORE_READ_INTO(&x, t, pid); return x; }
SEC("tp_btf/q") int hoist_arith_first(struct task_struct *t, int c, int d) { int x; if (c) x = (d * 7) + t->pid; else BPF_CORE_READ_INTO(&x, t, pid); return x; }
SEC("tp_btf/r") int hoist_other_field(struct task_struct *t, int c) { int x; if (c) x = t->tgid; else BPF_CORE_READ_INTO(&x, t, pid); return x; }
SEC("tp_btf/s") int hoist_direct_loads(struct task_struct *t, int c) { int x; if (c) x = t->pid + 1; else x = t->pid * 3; return x; }
SEC("tp_btf/u") int hoist_chained_cond(struct task_struct *t) { int x; if (bpf_core_enum_value_exists(enum bpf_func_id, BPF_FUNC_get_current_task_btf) && bpf_core_enum_value(enum bpf_func_id, BPF_FUNC_get_current_task_btf) == BPF_FUNC_get_current_task_btf) x = t->pid; else BPF_CORE_READ_INTO(&x, t, pid); return x; }
SEC("tp_btf/v") int hoist_no_else(struct task_struct *t, int c) { int x = 0; if (c) x = t->pid; BPF_CORE_READ_INTO(&x, t, pid); return x; }
/* adjacent addresses of one relocation through other pointers (cse.ts, \`adj\`): MachineCSE shares the offset, the
   register allocator keeps it in r6-r9 across the probe read when it fits beside the pointers still used after it */
long out[16];
/* adjacent reads of one field through two pointers (bcc's cpudist prev/next): one offset, kept in r6-r9 across the call */
SEC("tp_btf/w") int adj_two(struct task_struct *p, struct task_struct *n) { out[0] = BPF_CORE_READ(p, tgid); out[1] = BPF_CORE_READ(n, tgid); return 0; }
/* a hop of a hop (tracee's get_leader_task twice) */
SEC("tp_btf/x") int adj_chain(struct task_struct *p) { struct task_struct *l = BPF_CORE_READ(p, group_leader); out[0] = (long)BPF_CORE_READ(l, group_leader); return 0; }
/* a pointer re-read through itself (the path walks' mnt_p = mnt_p->mnt_parent, then mnt_p->mnt_parent) */
SEC("tp_btf/y") int adj_rewritten(struct mount *m) { struct mount *pp; bpf_core_read(&m, sizeof(m), &m->mnt_parent); bpf_core_read(&pp, sizeof(pp), &m->mnt_parent); out[0] = (long)pp; return 0; }
/* four pointers live after the first read: the offset does not fit beside them and is rematerialised per read
   (tgid, 4 records); once only three are left it is kept (pid, 1 record) */
SEC("tp_btf/z") int adj_pressure(struct task_struct *a, struct task_struct *b, struct task_struct *c, struct task_struct *d) { out[0] = BPF_CORE_READ(a, tgid); out[1] = BPF_CORE_READ(b, tgid); out[2] = BPF_CORE_READ(c, tgid); out[3] = BPF_CORE_READ(d, tgid); out[4] = BPF_CORE_READ(a, pid) + BPF_CORE_READ(b, pid) + BPF_CORE_READ(c, pid) + BPF_CORE_READ(d, pid); return 0; }
/* gap: the same relocation with one other relocation's read between (tracee's get_leader_task(get_parent_task(
   get_leader_task(t)))): one group_leader record while few pointers cross the read between; three parameters
   crossing it: two records; two reads between: not shared (real_parent twice through one pointer is) */
FUNC_INLINE struct task_struct *gap_leader(struct task_struct *t) { return BPF_CORE_READ(t, group_leader); }
FUNC_INLINE struct task_struct *gap_parent(struct task_struct *t) { return BPF_CORE_READ(t, real_parent); }
SEC("kprobe/gap_chain") int gap_chain(void *ctx)
{
	struct task_struct *task = (void *)bpf_get_current_task();
	struct task_struct *leader = gap_leader(task);
	struct task_struct *pp = gap_leader(gap_parent(leader));
	out[0] = BPF_CORE_READ(pp, pid);
	out[1] = BPF_CORE_READ(leader, start_time);
	out[2] = BPF_CORE_READ(task, tgid);
	return 0;
}
SEC("tp_btf/gap_three") int gap_three(struct task_struct *a, struct task_struct *b, struct task_struct *c)
{
	out[0] = (long)BPF_CORE_READ(a, group_leader);
	out[1] = (long)BPF_CORE_READ(b, real_parent);
	out[2] = (long)BPF_CORE_READ(c, group_leader);
	out[3] = BPF_CORE_READ(a, pid) + BPF_CORE_READ(b, tgid) + BPF_CORE_READ(c, prio);
	return 0;
}
/* two interleaved pairs (cpudist's prev tgid, pid, next tgid, pid; tracee's switch_task_namespaces): both offsets
   kept while they fit beside the crossing pointers, one record each */
SEC("kprobe/gap_pairs") int gap_pairs(struct pt_regs *ctx)
{
	struct task_struct *task = (void *)bpf_get_current_task();
	struct nsproxy *nn = (void *)PT_REGS_PARM1(ctx);
	struct nsproxy *on = BPF_CORE_READ(task, nsproxy);
	__u32 a = BPF_CORE_READ(on, uts_ns, ns.inum);
	__u32 b = BPF_CORE_READ(nn, uts_ns, ns.inum);
	out[3] = a != b;
	return 0;
}
SEC("kprobe/gap_two") int gap_two(void *ctx)
{
	struct task_struct *task = (void *)bpf_get_current_task();
	struct task_struct *p = BPF_CORE_READ(task, real_parent, group_leader);
	out[4] = BPF_CORE_READ(task, real_parent, pid);
	return BPF_CORE_READ(p, tgid);
}
/* straight: a loop LLVM unrolls fully with only arithmetic in it (inspektor-gadget's FNV hash of task->mm) leaves no
   branch: task->mm before and after it is one record */
FUNC_INLINE void straight_mix(__u32 *h, __u64 v) { for (int i = 0; i < 8; i++) { *h ^= (v >> (i * 8)) & 0xff; *h *= 16777619; } }
SEC("kprobe/straight") int straight_hash(void *ctx)
{
	struct task_struct *task = (void *)bpf_get_current_task();
	__u32 h = 2166136261;
	straight_mix(&h, (__u64)BPF_CORE_READ(task, mm));
	straight_mix(&h, (__u64)BPF_CORE_READ(task, mm, start_code));
	return h;
}
/* a full unroll's last \`vfsmnt = &mnt_p->mnt;\` is dead when only the next iteration reads vfsmnt (tracee's and
   inspektor-gadget's path walks): 3 records of 4; read after the loop: all 4 */
SEC("kprobe/dead_last") int dead_last(struct pt_regs *ctx)
{
	struct dentry *dentry = (void *)ctx->di;
	struct mount *mnt_p = (void *)ctx->si;
	struct vfsmount *vfsmnt = (void *)ctx->dx;
#pragma unroll
	for (int i = 0; i < 4; i++) {
		struct dentry *mnt_root = BPF_CORE_READ(vfsmnt, mnt_root);
		if (dentry == mnt_root) {
			bpf_core_read(&mnt_p, sizeof(mnt_p), &mnt_p->mnt_parent);
			vfsmnt = &mnt_p->mnt;
			continue;
		}
		dentry = BPF_CORE_READ(dentry, d_parent);
	}
	return 0;
}
SEC("kprobe/live_last") int live_last(struct pt_regs *ctx)
{
	struct dentry *dentry = (void *)ctx->di;
	struct mount *mnt_p = (void *)ctx->si;
	struct vfsmount *vfsmnt = (void *)ctx->dx;
#pragma unroll
	for (int i = 0; i < 4; i++) {
		struct dentry *mnt_root = BPF_CORE_READ(vfsmnt, mnt_root);
		if (dentry == mnt_root) {
			bpf_core_read(&mnt_p, sizeof(mnt_p), &mnt_p->mnt_parent);
			vfsmnt = &mnt_p->mnt;
			continue;
		}
		dentry = BPF_CORE_READ(dentry, d_parent);
	}
	return (long)vfsmnt;
}
/* early: an inlined helper's bare early return (KubeArmor's get_task_pid_ns_id then get_task_mnt_ns_id) is folded
   into the return's phi, so the code after the call joins from the helper's first block and reuses its nsproxy
   address: one nsproxy record; an early return that stores first is a block of its own: two */
FUNC_INLINE __u32 early_pidns(struct task_struct *t) { __u32 inum = 0; struct pid_namespace *ns = BPF_CORE_READ(t, nsproxy, pid_ns_for_children); if (!ns) return 0; bpf_core_read(&inum, sizeof(inum), &ns->ns.inum); return inum; }
FUNC_INLINE __u32 early_pidns_store(struct task_struct *t) { __u32 inum = 0; struct pid_namespace *ns = BPF_CORE_READ(t, nsproxy, pid_ns_for_children); if (!ns) { out[5] = 1; return 0; } bpf_core_read(&inum, sizeof(inum), &ns->ns.inum); return inum; }
FUNC_INLINE __u32 early_mntns(struct task_struct *t) { __u32 inum = 0; struct mnt_namespace *ns = BPF_CORE_READ(t, nsproxy, mnt_ns); if (!ns) return 0; bpf_core_read(&inum, sizeof(inum), &ns->ns.inum); return inum; }
SEC("kprobe/early_ret") int early_ret(void *ctx) { struct task_struct *t = (void *)bpf_get_current_task(); out[0] = early_pidns(t); out[1] = early_mntns(t); return 0; }
SEC("kprobe/early_store") int early_store(void *ctx) { struct task_struct *t = (void *)bpf_get_current_task(); out[0] = early_pidns_store(t); out[1] = early_mntns(t); return 0; }
/* guard: a loop over an unknown count is rotated behind a guard that branches from the block before it to the code
   after it: task->mm before and after is one record; a constant count LLVM keeps rolled has no guard: two */
SEC("kprobe/guard_rolled") int guard_rolled(struct pt_regs *ctx)
{
	struct task_struct *task = (void *)bpf_get_current_task();
	__u32 h = 2166136261;
	int n = PT_REGS_PARM1(ctx) & 7;
	__u64 v = (__u64)BPF_CORE_READ(task, mm);
	for (int i = 0; i < n; i++) { h ^= (v >> (i * 8)) & 0xff; h *= 16777619; }
	return h + BPF_CORE_READ(task, mm, start_code);
}
SEC("kprobe/guard_const") int guard_const(struct pt_regs *ctx)
{
	struct task_struct *task = (void *)bpf_get_current_task();
	__u64 v = (__u64)BPF_CORE_READ(task, mm);
	for (int i = 0; i < 100; i++) out[i & 15] += bpf_get_prandom_u32() ^ v;
	return BPF_CORE_READ(task, mm, start_code);
}
struct { __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY); __uint(max_entries, 1); __type(key, int); __type(value, char[4096]); } bufs SEC(".maps");
/* an unrolled path walk (inspektor-gadget's and tracee's get_path_str): the two mnt_parent reads of each iteration
   share one record, one per iteration */
SEC("kprobe/walk") int adj_unrolled(struct pt_regs *ctx)
{
	struct path f_path;
	bpf_probe_read_kernel(&f_path, sizeof(f_path), (void *)ctx->di);
	struct dentry *dentry = f_path.dentry;
	struct vfsmount *vfsmnt = f_path.mnt;
	struct mount *mnt_parent_p;
	struct mount *mnt_p = (void *)ctx->si;
	bpf_core_read(&mnt_parent_p, sizeof(mnt_parent_p), &mnt_p->mnt_parent);
	int zero = 0;
	char *buf = bpf_map_lookup_elem(&bufs, &zero);
	if (!buf) return 0;
	unsigned off = 2048;
#pragma unroll
	for (int i = 0; i < 8; i++) {
		struct dentry *mnt_root = BPF_CORE_READ(vfsmnt, mnt_root);
		struct dentry *d_parent = BPF_CORE_READ(dentry, d_parent);
		if (dentry == mnt_root || dentry == d_parent) {
			if (dentry != mnt_root) break;
			if (mnt_p != mnt_parent_p) {
				bpf_core_read(&dentry, sizeof(dentry), &mnt_p->mnt_mountpoint);
				bpf_core_read(&mnt_p, sizeof(mnt_p), &mnt_p->mnt_parent);
				bpf_core_read(&mnt_parent_p, sizeof(mnt_parent_p), &mnt_p->mnt_parent);
				vfsmnt = (void *)mnt_p;
				continue;
			}
			break;
		}
		struct qstr d_name;
		bpf_core_read(&d_name, sizeof(d_name), &dentry->d_name);
		unsigned len = d_name.len;
		off = (off - len - 1) & 2047;
		bpf_probe_read_kernel_str(buf + off, len & 255, d_name.name);
		dentry = d_parent;
	}
	return off;
}
/* a short circuit's right side dominates what it decides alone (tetragon's \`if (d == root || IS_ROOT(d)) return 1;\`
   then d->d_parent): || with the then arm exiting, ||'s else arm, &&'s then arm merge; not after a join, not where
   && exits, not when the right side is itself a short circuit (each 2 records, measured with clang 14) */
FUNC_INLINE bool is_root(struct dentry *d) { struct dentry *p; bpf_probe_read_kernel(&p, sizeof(p), _(&d->d_parent)); return d == p; }
SEC("tp_btf/sa") int sc_or_exit(struct dentry *d) { if (d == (void *)out[1] || is_root(d)) return 1; struct dentry *p; bpf_probe_read_kernel(&p, sizeof(p), _(&d->d_parent)); out[0] = (long)p; return 0; }
SEC("tp_btf/sb") int sc_or_else(struct dentry *d) { struct dentry *p = 0; if (d == (void *)out[1] || is_root(d)) out[2] = 1; else bpf_probe_read_kernel(&p, sizeof(p), _(&d->d_parent)); out[0] = (long)p; return 0; }
SEC("tp_btf/sc") int sc_or_join(struct dentry *d) { struct dentry *p; if (d == (void *)out[1] || is_root(d)) out[2] = 1; bpf_probe_read_kernel(&p, sizeof(p), _(&d->d_parent)); out[0] = (long)p; return 0; }
SEC("tp_btf/sd") int sc_and_then(struct dentry *d) { struct dentry *p = 0; if (d != (void *)out[1] && !is_root(d)) bpf_probe_read_kernel(&p, sizeof(p), _(&d->d_parent)); out[0] = (long)p; return 0; }
SEC("tp_btf/se") int sc_and_exit(struct dentry *d) { struct dentry *p; if (d != (void *)out[1] && !is_root(d)) return 1; bpf_probe_read_kernel(&p, sizeof(p), _(&d->d_parent)); out[0] = (long)p; return 0; }
SEC("tp_btf/sf") int sc_or_nested(struct dentry *d) { if (d == (void *)out[1] || (out[3] && is_root(d))) return 1; struct dentry *p; bpf_probe_read_kernel(&p, sizeof(p), _(&d->d_parent)); out[0] = (long)p; return 0; }
/* an unrolled walk (KubeArmor's prepend_path): mnt->mnt_parent read before and inside \`if (mnt != m)\`, the same
   pointer value in one iteration: one record per iteration (4, not 8) */
SEC("tp_btf/ua") int unrolled_same(struct dentry *dentry, struct mount *mnt)
{
#pragma unroll
	for (int i = 0; i < 4; i++) {
		struct dentry *parent = BPF_CORE_READ(dentry, d_parent);
		if (dentry == (void *)out[2]) {
			struct mount *m = BPF_CORE_READ(mnt, mnt_parent);
			if (mnt != m) { dentry = BPF_CORE_READ(mnt, mnt_mountpoint); mnt = BPF_CORE_READ(mnt, mnt_parent); continue; }
			break;
		}
		if (dentry == parent) break;
		out[i & 7] = (long)BPF_CORE_READ(dentry, d_name.name);
		dentry = parent;
	}
	out[0] = (long)mnt;
	return 0;
}
`, { exact: true }],
  // GVN (source/cse.ts): a check deciding an if is one value with an earlier identical one that decides an if and
  // dominates it, when nothing that may write a global lies between (not a block rule: the checks here are blocks
  // apart); its twins keep two records: a helper call between, a store through a pointer, a check used as a value
  ['cse_gvn', `
long total;
struct { __uint(type, BPF_MAP_TYPE_ARRAY); __uint(max_entries, 1); __type(key, int); __type(value, long); } vals SEC(".maps");
SEC("tp_btf/a") int gvn_returns(struct task_struct *t, long a, long b) { long r = 0; if (bpf_core_field_exists(t->pid)) r = t->pid; if (a == 3) return r; if (b == 4) return 7; if (bpf_core_field_exists(t->pid)) r += t->tgid; return r; }
SEC("tp_btf/b") int gvn_call(struct task_struct *t, long a, long b) { long r = 0; if (bpf_core_field_exists(t->pid)) r = t->pid; if (a == 3) return r; if (b == 4) return 7; bpf_get_prandom_u32(); if (bpf_core_field_exists(t->pid)) r += t->tgid; return r; }
SEC("tp_btf/c") int gvn_if_else(struct task_struct *t, long a) { long r = 0; if (bpf_core_field_exists(t->pid)) r = t->pid; if (a == 3) r += 5; else r += t->mm->flags; if (bpf_core_field_exists(t->pid)) r += t->tgid; return r; }
SEC("tp_btf/d") int gvn_global_store(struct task_struct *t, long a, long b) { long r = 0; if (bpf_core_field_exists(t->pid)) r = t->pid; if (a == 3) return r; total = a; if (b == 4) return 7; if (bpf_core_field_exists(t->pid)) r += t->tgid; return r; }
SEC("tp_btf/e") int gvn_ptr_store(struct task_struct *t, long a, long b) { int k = 0; long *p = bpf_map_lookup_elem(&vals, &k); if (!p) return 0; long r = 0; if (bpf_core_field_exists(t->pid)) r = t->pid; if (a == 3) return r; *p = a; if (b == 4) return 7; if (bpf_core_field_exists(t->pid)) r += t->tgid; return r; }
SEC("tp_btf/f") int gvn_value(struct task_struct *t, long a, long b) { int v1 = bpf_core_field_exists(t->pid); if (a == 3) return v1; if (b == 4) return 7; return bpf_core_field_exists(t->pid) + a; }
SEC("tp_btf/g") int gvn_enum(struct task_struct *t, long a, long b) { long r = 0; if (bpf_core_enum_value_exists(enum bpf_func_id, BPF_FUNC_get_current_task_btf) && bpf_core_enum_value(enum bpf_func_id, BPF_FUNC_get_current_task_btf) == BPF_FUNC_get_current_task_btf) r = t->pid; if (a == 3) return r; if (b == 4) return 7; if (bpf_core_enum_value_exists(enum bpf_func_id, BPF_FUNC_get_current_task_btf) && bpf_core_enum_value(enum bpf_func_id, BPF_FUNC_get_current_task_btf) == BPF_FUNC_get_current_task_btf) r += t->tgid; return r; }
SEC("tp_btf/h") int gvn_loop(struct task_struct *t, long a, long b) { long r = 0; if (bpf_core_field_exists(t->pid)) r = t->pid; if (a == 3) return r; for (int i = 0; i < (int)b && i < 100; i++) r += i ^ (int)a; if (bpf_core_field_exists(t->pid)) r += t->tgid; return r; }
SEC("tp_btf/i") int gvn_type(struct task_struct *t, long a, long b) { long r = 0; if (bpf_core_type_exists(struct mm_struct)) r = t->pid; if (a == 3) r += t->mm->flags; if (b == 4) r += 7; if (bpf_core_type_exists(struct mm_struct)) r += t->tgid; return r; }
SEC("tp_btf/j") int gvn_negated(struct task_struct *t, long a, long b) { if (!bpf_core_field_exists(t->pid)) return 0; if (a == 3) return 1; if (b == 4) return 7; if (bpf_core_field_exists(t->pid)) return t->tgid; return 9; }
SEC("tp_btf/k") int gvn_value_between(struct task_struct *t, long a, long b) { long r = 0; if (bpf_core_field_exists(t->pid)) r = t->pid; if (a == 3) return bpf_core_field_exists(t->pid); if (b == 4) return 7; if (bpf_core_field_exists(t->pid)) r += t->tgid; return r; }
SEC("tp_btf/l") int gvn_and_right(struct task_struct *t, long a, long b) { long r = 0; if (bpf_core_field_exists(t->pid) && bpf_core_field_exists(t->tgid)) r = t->pid; if (a == 3) return r; if (b == 4) return 7; if (bpf_core_field_exists(t->tgid)) r += t->tgid; if (bpf_core_field_exists(t->pid)) r += t->tgid; return r; }
SEC("tp_btf/m") int gvn_nested_arms(struct task_struct *t, long a, long b) { long r = 0; if (bpf_core_field_exists(t->pid)) r = t->pid; if (a == 3) { if (bpf_core_field_exists(t->pid)) r += 1; } else if (b == 2) { if (bpf_core_field_exists(t->pid)) r += 2; } if (bpf_core_field_exists(t->pid)) r += t->tgid; return r; }
`, { exact: true }],
  // falco's `(unsigned long)extract__syscall_argument(regs, 0)`: the cast types its operand apart (the verifier's
  // origin rule), and that unevaluated pass recorded the call as an inlined copy of its own: every site of the
  // callee counted twice (1,770 of falco's CSE column); also sizeof and typeof of a call, which clang never runs
  // a field-info builtin's argument (tetragon's bpf_core_field_exists(nsproxy->uts_ns->ns), kernel_task's
  // bpf_core_field_size(file->f_inode->i_sb->s_id)): only the last access is relocated; the hops reaching it are
  // dead loads with no record (clang 14, -O2 and -O0). \`exact\`: a hop counted would otherwise pass as a CSE merge
  ['field_info_hops', `
long out[8];
SEC("tp_btf/a") int exists_hop(struct nsproxy *nsproxy) { if (bpf_core_field_exists(nsproxy->uts_ns->ns)) out[0] = 1; return 0; }
SEC("tp_btf/b") int size_hops(struct file *file) { out[1] = bpf_core_field_size(file->f_inode->i_sb->s_id); return 0; }
SEC("tp_btf/c") int offset_hops(struct file *file) { out[2] = bpf_core_field_offset(file->f_inode->i_sb->s_id); return 0; }
/* the hop read for real beside the check: one record of it (the read's) */
SEC("tp_btf/d") int hop_and_read(struct task_struct *t) { if (bpf_core_field_exists(t->mm->mmap_base)) out[3] = (long)BPF_CORE_READ(t, mm); return 0; }
`, { exact: true }],
  // a tag vmlinux.h forward-declares inside its preserve_access_index region and never defines (\`struct msg;\`),
  // defined by the program: clang's definition inherits the attribute from that declaration, so its accesses are
  // relocated (found while modelling cse5: clang relocated \`msg->a\`, the live analysis did not); a tag of the
  // program's own is not
  ['forward_decl_pai', `
struct msg { int a; int b; };
struct own_event { int a; int b; };
long out[4];
SEC("tp_btf/a") int defined_after_fwd(struct msg *m) { out[0] = m->b; return 0; }
SEC("tp_btf/b") int own_tag(struct own_event *e) { out[1] = e->b; return 0; }
SEC("tp_btf/c") int both(struct msg *m, struct own_event *e) { out[2] = m->a + e->a; return 0; }
`, { exact: true }],
  // an if on a compile-time constant (tetragon's \`if (CONFIG(ITER_NUM)) bpf_for(..) else unrolled\`, CONFIG() defined
  // to 0 for its pre-5.11 objects): the dead arm has no record; a constant from sizeof or an enum folds the same way
  ['constant_if', `
#define CFG(n) 0
enum { USE_TGID = 1 };
long out[8];
SEC("tp_btf/a") int if_zero(struct task_struct *t) { if (CFG(X)) out[0] = BPF_CORE_READ(t, pid); else out[1] = BPF_CORE_READ(t, tgid); return 0; }
SEC("tp_btf/b") int if_zero_loop(struct task_struct *t) { if (CFG(X)) { for (int i = 0; i < 100 && out[i & 3]; i++) out[0] += BPF_CORE_READ(t, pid); } return BPF_CORE_READ(t, tgid) & 1; }
SEC("tp_btf/c") int if_enum(struct task_struct *t) { if (USE_TGID) out[2] = BPF_CORE_READ(t, tgid); else out[2] = BPF_CORE_READ(t, pid); return 0; }
SEC("tp_btf/d") int if_sizeof(struct task_struct *t) { if (sizeof(long) == 4) out[3] = BPF_CORE_READ(t, pid); return BPF_CORE_READ(t, tgid) & 1; }
`, { exact: true }],
  ['cast_of_call', `
FUNC_INLINE unsigned long rd(struct task_struct *t) { return BPF_CORE_READ(t, real_parent, pid); }
long out;
SEC("tp_btf/a") int cast_decl(struct task_struct *t) { unsigned long v = (unsigned long)rd(t); out = v; return 0; }
SEC("tp_btf/b") int cast_store(struct task_struct *t) { out = (long)rd(t); return 0; }
SEC("tp_btf/c") int sizeof_call(struct task_struct *t) { out = sizeof(rd(t)) + rd(t); return 0; }
SEC("tp_btf/d") int typeof_call(struct task_struct *t) { typeof(rd(t)) v = rd(t); out = v; return 0; }
`, { exact: true }],
  // tetragon's with_errmetrics (lib/errmetrics.h): a statement expression declaring `__auto_type _err = helper(...)`
  // around `_(&cgrp->kn)`; the GNU `__auto_type` declaration was not parsed, so the read inside it was lost
  ['auto_type', `
struct { __uint(type, BPF_MAP_TYPE_HASH); __uint(max_entries, 8); __type(key, __u32); __type(value, __u32); } errs SEC(".maps");
FUNC_INLINE __u16 fileid(const char *const fname)
{
	if (!__builtin_strcmp("auto_type.bpf.c", fname))
		return 3;
	return 0;
}
FUNC_INLINE void note(__u16 e, __u16 f, __u16 l) { __u32 k = e + f + l, one = 1; bpf_map_update_elem(&errs, &k, &one, 0); }
#define concat1(a, b) a##b
#define concat(a, b) concat1(a, b)
#define compile_error(f, ctr) do { extern __attribute__((__error__("add " #f))) void concat(compile_time_error, ctr)(void); concat(compile_time_error, ctr)(); } while (0)
#define with_errs(helper, ...) ({ \\
	__u16 id = fileid(__FILE_NAME__); \\
	if (!__builtin_constant_p(id) || !id) \\
		compile_error(__FILE_NAME__, __COUNTER__); \\
	__auto_type _err = helper(__VA_ARGS__); \\
	if (_err < 0) \\
		note(-_err, id, __LINE__); \\
	_err; \\
})
FUNC_INLINE struct kernfs_node *cgroup_kn(const struct cgroup *cgrp)
{
	struct kernfs_node *kn = NULL;
	if (cgrp)
		with_errs(bpf_probe_read_kernel, &kn, sizeof(cgrp->kn), _(&cgrp->kn));
	return kn;
}
SEC("raw_tp/auto_type")
int prog(__u64 *ctx)
{
	struct kernfs_node *kn = cgroup_kn((void *)ctx[0]);
	__auto_type task = bpf_get_current_task_btf();
	__auto_type pid = BPF_CORE_READ(task, pid);
	if (kn)
		pid += BPF_CORE_READ(kn, flags);
	return pid;
}
`],
  // inspektor-gadget's sockets-map.h and snapshot_* gadgets: `__builtin_memcpy(dst, p->arr, N)` from a char array
  // member of a preserve_access_index struct (a BTF-typed task in an iterator, a map value): clang relocates the
  // member's address (the array decays to a pointer to its first element); the live side lost it inside the builtin
  ['memcpy_array_member', `
struct sockval { __u64 pid_tgid; char task[16]; char ptask[16]; __u32 ptid; __u32 w[2]; char tag[8]; char tag2[8]; __u64 z; char al[8]; } __attribute__((preserve_access_index));
struct out { char comm[16]; char pcomm[16]; char tcomm[16]; __u32 pid; __u32 tid; __u32 w0; __u64 big; };
struct { __uint(type, BPF_MAP_TYPE_HASH); __uint(max_entries, 8); __type(key, __u32); __type(value, struct sockval); } vals SEC(".maps");
struct { __uint(type, BPF_MAP_TYPE_HASH); __uint(max_entries, 8); __type(key, __u32); __type(value, struct out); } outs SEC(".maps");
FUNC_INLINE void fill(const struct sockval *v, struct out *o)
{
	if (!v)
		return;
	__builtin_memcpy(o->comm, v->task, sizeof(o->comm));
	o->pid = v->pid_tgid >> 32;
	__builtin_memcpy(o->pcomm, v->ptask,
			 sizeof(o->pcomm));
	if (bpf_core_field_exists(v->ptid))
		o->tid = v->ptid;
	/* one 4-byte access: one relocation; 8 bytes from a 4-aligned member (offsets 52, 60): two accesses, two */
	__builtin_memcpy(&o->w0, v->w, 4);
	__u64 x, y;
	__builtin_memcpy(&x, v->tag, 8);
	__builtin_memcpy(&y, v->tag2, sizeof(y));
	__u64 q;
	/* 8 bytes from an 8-aligned byte array (offset 80): one access, one relocation */
	__builtin_memcpy(&q, v->al, 8);
	o->big = (x ^ y) + q;
}
SEC("iter/task")
int iter_tasks(struct bpf_iter__task *ctx)
{
	struct task_struct *task = ctx->task;
	struct out o = {};
	__u32 k = 0;
	if (!task)
		return 0;
	o.pid = task->tgid;
	__builtin_memcpy(o.tcomm, task->comm, 16);
	fill(bpf_map_lookup_elem(&vals, &k), &o);
	bpf_map_update_elem(&outs, &k, &o, 0);
	return 0;
}
`, { exact: true }],
  // ebpf_exporter's kfree_skb/xdp examples: bpf_ntohs() of a relocated field is `__builtin_constant_p(x) ?
  // ___bpf_swab16(x) : __builtin_bswap16(x)`; clang keeps one arm (x, read through a relocated offset, is no
  // constant) and never evaluates the test's argument: one relocation, where 4 sites were counted
  ['constant_p_swab', `
#include <bpf/bpf_endian.h>
struct hdrs { __be16 proto; __be16 port; __be32 addr; } __attribute__((preserve_access_index));
struct { __uint(type, BPF_MAP_TYPE_HASH); __uint(max_entries, 8); __type(key, __u32); __type(value, __u64); } seen SEC(".maps");
SEC("tp_btf/kfree_skb")
int on_drop(__u64 *ctx)
{
	struct sk_buff *skb = (struct sk_buff *)ctx[0];
	struct hdrs h;
	__u64 one = 1;
	__u32 k;
	bpf_probe_read_kernel(&h, sizeof(h), skb->data);
	k = bpf_ntohs(h.proto) + bpf_ntohs(skb->protocol);
	k ^= bpf_ntohl(h.addr) ^ bpf_htons(8080);
	bpf_map_update_elem(&seen, &k, &one, 0);
	return 0;
}
`, { exact: true }],
  // KubeArmor's shared.h: a plain 'static inline' is only LLVM's inlinehint (a higher cost threshold), not
  // always_inline: its large path walker, called from several programs, stays a BPF-to-BPF call whose relocations
  // are emitted once in .text; a small 'static inline' helper with as many callers is still inlined into each
  ['inline_hint', `
#include <bpf/bpf_tracing.h>
struct { __uint(type, BPF_MAP_TYPE_HASH); __uint(max_entries, 8); __type(key, __u64); __type(value, __u64); } names SEC(".maps");
static inline __u64 walk(struct dentry *d)
{
	__u64 h = 0;
#pragma unroll
	for (int i = 0; i < 16; i++) {
		struct dentry *p = BPF_CORE_READ(d, d_parent);
		h = h * 31 + BPF_CORE_READ(d, d_name.hash_len) + BPF_CORE_READ(d, d_inode, i_ino);
		if (p == d)
			break;
		d = p;
	}
	bpf_map_update_elem(&names, &h, &h, 0);
	return h;
}
static inline __u32 mode_of(struct file *f)
{
	return BPF_CORE_READ(f, f_mode);
}
SEC("kprobe/vfs_read")
int BPF_KPROBE(on_read, struct file *f)
{
	return walk(BPF_CORE_READ(f, f_path.dentry)) + mode_of(f);
}
SEC("kprobe/vfs_write")
int BPF_KPROBE(on_write, struct file *f)
{
	return walk(BPF_CORE_READ(f, f_path.dentry)) + mode_of(f);
}
SEC("kprobe/vfs_open")
int BPF_KPROBE(on_open, const struct path *path, struct file *f)
{
	return walk(BPF_CORE_READ(path, dentry)) + mode_of(f);
}
`],
  // LLVM's inline cost against its threshold (ebpf_exporter's pci.bpf.c: a helper of three BPF_CORE_READs and a map
  // update, cost 235 > 225, stays a BPF-to-BPF call): two helpers with three callers each, LLVM cost 205 (inlined)
  // and 335 (kept in .text; one of 255 is inlined by the model, whose bodies of probe reads run ~15% under LLVM's), and a cold call site (bcc's tcprtt): a helper of cost 75 inlined where it is called
  // plainly, kept out of line under __builtin_expect(.., 0) where the threshold is 45. Costs from clang 14's
  // -Rpass=inline remarks; the live model's decisions must give clang's relocations per section
  ['inline_threshold', `
#include <bpf/bpf_tracing.h>
struct fkey { __u32 ino; __u32 dev; __u16 mode; __u8 kind; };
struct { __uint(type, BPF_MAP_TYPE_HASH); __uint(max_entries, 64); __type(key, struct fkey); __type(value, __u64); } opens SEC(".maps");
/* LLVM cost above its threshold of 225 (335): kept out of line, its relocations once in .text */
static int count_file(struct file *f)
{
	__u32 ino = BPF_CORE_READ(f, f_inode, i_ino);
	__u32 dev = BPF_CORE_READ(f, f_inode, i_sb, s_dev);
	__u16 mode = BPF_CORE_READ(f, f_mode);
	struct fkey k = { .ino = ino, .dev = dev ^ ino, .mode = mode, .kind = mode >> 12 };
	__u64 one = 1, *n = bpf_map_lookup_elem(&opens, &k);
	if (n) { __sync_fetch_and_add(n, 1); return 0; }
	bpf_map_update_elem(&opens, &k, &one, BPF_NOEXIST);
	return 0;
}
/* just below (205): inlined into each caller */
static int count_inode(struct file *f)
{
	__u32 ino = BPF_CORE_READ(f, f_inode, i_ino);
	__u16 mode = BPF_CORE_READ(f, f_mode);
	struct fkey k = { .ino = ino, .dev = ino << 3, .mode = mode, .kind = mode >> 12 };
	__u64 one = 1, *n = bpf_map_lookup_elem(&opens, &k);
	if (n) { __sync_fetch_and_add(n, 1); return 0; }
	bpf_map_update_elem(&opens, &k, &one, BPF_NOEXIST);
	return 0;
}
SEC("kprobe/vfs_read") int BPF_KPROBE(on_read, struct file *f) { return count_file(f) + count_inode(f); }
SEC("kprobe/vfs_write") int BPF_KPROBE(on_write, struct file *f) { return count_file(f) + count_inode(f); }
SEC("kprobe/vfs_fsync") int BPF_KPROBE(on_fsync, struct file *f) { return count_file(f) + count_inode(f); }
/* a cold call site (LLVM's ColdCallSiteThreshold, 45, under 2% of the caller's entry frequency): out of line there
   (its relocation once in .text), inlined where the call is not cold */
static int note_mode(struct file *f)
{
	__u16 mode = BPF_CORE_READ(f, f_mode);
	struct fkey k = { .mode = mode };
	__u64 one = 1;
	bpf_map_update_elem(&opens, &k, &one, BPF_ANY);
	return mode;
}
SEC("kprobe/vfs_llseek") int BPF_KPROBE(on_seek, struct file *f, long off, int whence)
{
	if (__builtin_expect(whence == 7, 0))
		return note_mode(f);
	return 0;
}
SEC("kprobe/vfs_fallocate") int BPF_KPROBE(on_fallocate, struct file *f) { return note_mode(f); }
`, { exact: true }],
  // LLVM's inliner works bottom-up: a callee is weighed with its own callees already inlined or kept out of line, a
  // kept one costing its call only (nettrace's fake__* bodies around default_handle_entry -> the 11-caller
  // handle_entry: LLVM cost 90-380, where weighing the raw body with handle_entry's in it gave 824-1140 and kept them
  // out of line). Here note_file (two callers) holds file_flags (one call, inlined), whose record_file (cost 335,
  // three calls) stays a call: note_file costs 95 and is inlined into both programs, its relocations once per copy
  ['nested_cost', `
#include <bpf/bpf_tracing.h>
#include "nested_cost.bpf.h"
SEC("kprobe/vfs_read") int BPF_KPROBE(on_read, struct file *f, int w) { return note_file(f, w) + record_file(f); }
SEC("kprobe/vfs_write") int BPF_KPROBE(on_write, struct file *f, int w) { return note_file(f, w) + record_file(f); }
`, { exact: true, header: `
struct fkey { __u32 ino; __u32 dev; __u16 mode; __u8 kind; };
struct { __uint(type, BPF_MAP_TYPE_HASH); __uint(max_entries, 64); __type(key, struct fkey); __type(value, __u64); } opens SEC(".maps");
/* LLVM cost above 225, three calls: a BPF-to-BPF call */
static int record_file(struct file *f)
{
	__u32 ino = BPF_CORE_READ(f, f_inode, i_ino);
	__u32 dev = BPF_CORE_READ(f, f_inode, i_sb, s_dev);
	__u16 mode = BPF_CORE_READ(f, f_mode);
	struct fkey k = { .ino = ino, .dev = dev ^ ino, .mode = mode, .kind = mode >> 12 };
	__u64 one = 1, *n = bpf_map_lookup_elem(&opens, &k);
	if (n) { __sync_fetch_and_add(n, 1); return 0; }
	bpf_map_update_elem(&opens, &k, &one, BPF_NOEXIST);
	return 0;
}
/* one call: inlined into note_file, record_file's call staying a call */
static int file_flags(struct file *f)
{
	return BPF_CORE_READ(f, f_flags) + record_file(f);
}
/* two callers: weighed with file_flags inlined, record_file as the call it stays */
static int note_file(struct file *f, int w)
{
	if (w > 3)
		return file_flags(f);
	return BPF_CORE_READ(f, f_mode);
}
` }],
  // LLVM inlines at Cost < Threshold: a cost equal to the threshold keeps the call (teleport's report_ip4_block:
  // "too costly to inline (cost=325, threshold=325)"). The model's estimate of count_twice lands on 225 exactly
  // (LLVM's is 230): at the tie it must keep the call, its relocations once in .text
  ['inline_tie', `
#include <bpf/bpf_tracing.h>
struct fkey { __u32 ino; __u32 dev; __u16 mode; __u8 kind; };
struct { __uint(type, BPF_MAP_TYPE_HASH); __uint(max_entries, 64); __type(key, struct fkey); __type(value, __u64); } opens SEC(".maps");
static int count_twice(struct file *f)
{
	__u32 ino = BPF_CORE_READ(f, f_inode, i_ino);
	__u16 mode = BPF_CORE_READ(f, f_mode);
	struct fkey k = { .ino = ino, .dev = ino << 3, .mode = mode, .kind = mode >> 12 };
	__u64 one = 1, *n = bpf_map_lookup_elem(&opens, &k);
	if (n) { __sync_fetch_and_add(n, 1); return 0; }
	bpf_map_update_elem(&opens, &k, &one, BPF_NOEXIST);
	bpf_map_update_elem(&opens, &k, &one, BPF_ANY);
	return 0;
}
SEC("kprobe/vfs_read") int BPF_KPROBE(on_read, struct file *f) { return count_twice(f); }
SEC("kprobe/vfs_write") int BPF_KPROBE(on_write, struct file *f) { return count_twice(f); }
SEC("kprobe/vfs_fsync") int BPF_KPROBE(on_fsync, struct file *f) { return count_twice(f); }
`, { exact: true }],
  // DeadArgumentElimination runs before the inliner: a static function's unread parameters are gone from its calls,
  // so inlining it saves no setup for them (teleport's report_ip4_block(void *ctx, ..) never reads ctx: LLVM's cost
  // 325 = 375 less 4 arguments and the call, not 5). Four dead parameters here: clang 245, not inlined; the model
  // 233 with the rule, 213 without (inlined, three copies of the relocations; CORELENS_DEAD_ARGS=0)
  ['dead_args', `
#include <bpf/bpf_tracing.h>
struct fkey { __u32 ino; __u32 dev; __u16 mode; __u8 kind; };
struct { __uint(type, BPF_MAP_TYPE_HASH); __uint(max_entries, 64); __type(key, struct fkey); __type(value, __u64); } opens SEC(".maps");
static int count_twice(void *ctx, struct file *f, long why, int tag, __u64 cookie)
{
	__u32 ino = BPF_CORE_READ(f, f_inode, i_ino);
	__u16 mode = BPF_CORE_READ(f, f_mode);
	struct fkey k = { .ino = ino, .dev = ino << 3, .mode = mode, .kind = mode >> 12 };
	__u64 one = bpf_get_prandom_u32() & 1, *n = bpf_map_lookup_elem(&opens, &k);
	if (n) { __sync_fetch_and_add(n, 1); return 0; }
	bpf_map_update_elem(&opens, &k, &one, BPF_NOEXIST);
	bpf_map_update_elem(&opens, &k, &one, BPF_ANY);
	return 0;
}
SEC("kprobe/vfs_read") int BPF_KPROBE(on_read, struct file *f) { return count_twice(ctx, f, 1, 2, 3); }
SEC("kprobe/vfs_write") int BPF_KPROBE(on_write, struct file *f) { return count_twice(ctx, f, 4, 5, 6); }
SEC("kprobe/vfs_fsync") int BPF_KPROBE(on_fsync, struct file *f) { return count_twice(ctx, f, 7, 8, 9); }
`, { exact: true }],
  // cse.ts `diamond` (below's cgroupfs flush_rstat): `bool has_get = bpf_ksym_exists(..); barrier_var(has_get);` has
  // the asm take the comparison's value in a register; BPF has no setcc, so the select is a branch over one move and
  // the address of &cgrp->self after it is in a block the first one is no immediate predecessor of: two records (a,
  // c, d; CORELENS_CSE_DIAMOND=0 merges them). The twins keep one: the symbol tested directly (e), a comparison kept
  // in a local the if branches on (f), barrier_var on a plain value (g). Not modelled: `if (!ksym_a || !ksym_b)`,
  // where SimplifyCFG's or of the two comparisons makes selects too (two records in clang, one in the model)
  ['cse_diamond', `
#include <bpf/bpf_tracing.h>
#ifndef bpf_ksym_exists
#define bpf_ksym_exists(sym) ({ _Static_assert(!__builtin_constant_p(!!sym), #sym " should be marked as __weak"); !!sym; })
#endif
#ifndef barrier_var
#define barrier_var(var) asm volatile("" : "+r"(var))
#endif
extern void css_rstat_flush(struct cgroup_subsys_state *css) __ksym __weak;
extern struct mem_cgroup *bpf_get_mem_cgroup(struct cgroup_subsys_state *css) __ksym __weak;
extern void bpf_put_mem_cgroup(struct mem_cgroup *memcg) __ksym __weak;
int flag1, flag2;
/* a: bools kept as values (selects) between the two &cgrp->self */
SEC("tp_btf/cgroup_mkdir") int BPF_PROG(a, struct cgroup *cgrp, const char *path)
{
	if (!bpf_ksym_exists(css_rstat_flush)) return 0;
	css_rstat_flush(&cgrp->self);
	bool has_get = bpf_ksym_exists(bpf_get_mem_cgroup);
	bool has_put = bpf_ksym_exists(bpf_put_mem_cgroup);
	barrier_var(has_get);
	barrier_var(has_put);
	if (!has_get || !has_put) return 0;
	struct mem_cgroup *m = bpf_get_mem_cgroup(&cgrp->self);
	if (m) bpf_put_mem_cgroup(m);
	return 0;
}
/* c: one bool kept, one test */
SEC("tp_btf/cgroup_release") int BPF_PROG(c, struct cgroup *cgrp, const char *path)
{
	if (!bpf_ksym_exists(css_rstat_flush)) return 0;
	css_rstat_flush(&cgrp->self);
	bool has_get = bpf_ksym_exists(bpf_get_mem_cgroup);
	barrier_var(has_get);
	if (!has_get) return 0;
	struct mem_cgroup *m = bpf_get_mem_cgroup(&cgrp->self);
	if (m) bpf_put_mem_cgroup(m);
	return 0;
}
/* d: a bool from plain globals kept as a value */
SEC("tp_btf/cgroup_rename") int BPF_PROG(d, struct cgroup *cgrp, const char *path)
{
	if (!bpf_ksym_exists(css_rstat_flush)) return 0;
	css_rstat_flush(&cgrp->self);
	bool x = flag1 > 3;
	barrier_var(x);
	if (!x) return 0;
	struct mem_cgroup *m = bpf_get_mem_cgroup(&cgrp->self);
	if (m) bpf_put_mem_cgroup(m);
	return 0;
}
/* e: the symbol tested directly: a branch, no value kept: one record */
SEC("tp_btf/cgroup_transfer_tasks") int BPF_PROG(e, struct cgroup *cgrp, const char *path)
{
	if (!bpf_ksym_exists(css_rstat_flush)) return 0;
	css_rstat_flush(&cgrp->self);
	if (!bpf_ksym_exists(bpf_get_mem_cgroup)) return 0;
	struct mem_cgroup *m = bpf_get_mem_cgroup(&cgrp->self);
	if (m) bpf_put_mem_cgroup(m);
	return 0;
}
/* f: a comparison kept in a local no asm takes: the if branches on it, one record */
SEC("tp_btf/cgroup_freeze") int BPF_PROG(f, struct cgroup *cgrp, const char *path)
{
	if (!bpf_ksym_exists(css_rstat_flush)) return 0;
	css_rstat_flush(&cgrp->self);
	bool x = flag1 > 3;
	if (!x) return 0;
	struct mem_cgroup *m = bpf_get_mem_cgroup(&cgrp->self);
	if (m) bpf_put_mem_cgroup(m);
	return 0;
}
/* g: barrier_var on a plain value (no comparison): one record */
SEC("tp_btf/cgroup_unfreeze") int BPF_PROG(g, struct cgroup *cgrp, const char *path)
{
	if (!bpf_ksym_exists(css_rstat_flush)) return 0;
	css_rstat_flush(&cgrp->self);
	int x = flag1;
	barrier_var(x);
	if (!x) return 0;
	struct mem_cgroup *m = bpf_get_mem_cgroup(&cgrp->self);
	if (m) bpf_put_mem_cgroup(m);
	return 0;
}
`, { exact: true }],
  // bpftool's profiler (accum->counter += diff.counter): a compound assignment or ++/-- on a relocated field is a
  // load and a store at one relocated address; the BPF backend folds the relocation into both accesses, so clang
  // emits two relocations where one site was counted (a bitfield too). A plain store and an atomic add stay single
  ['read_modify_write', `
struct val { __u64 a; __u32 b; __u16 c; __u8 d; __u64 e; __u64 f; int g : 4; int h : 4; } __attribute__((preserve_access_index));
struct { __uint(type, BPF_MAP_TYPE_HASH); __uint(max_entries, 8); __type(key, __u32); __type(value, struct val); } vals SEC(".maps");
SEC("tp/sched/sched_switch")
int rmw(void *ctx)
{
	__u32 k = 0;
	struct val *v = bpf_map_lookup_elem(&vals, &k);
	struct val loc = {};
	if (!v)
		return 0;
	v->a += 5;
	v->b++;
	--v->c;
	v->d |= 3;
	v->e = 7;
	__sync_fetch_and_add(&v->f, 1);
	v->g += 1;
	loc.a = v->e;
	loc.b += 2;
	bpf_map_update_elem(&vals, &k, &loc, 0);
	return 0;
}
`, { exact: true }],
  // falco's modern_bpf: a program declared first (`int t1_sched_p_exec(unsigned long long *ctx);`, for a tail-call
  // table) and defined by `SEC(...) int BPF_PROG(...)`: clang merges the section of the second declaration; and its
  // task_file iterator: a static function called once is inlined only while its cost stays within LLVM's
  // LastCallToStaticBonus (15000); a huge one (768 reads in a row) stays a BPF-to-BPF call, its relocations in
  // .text
  ['proto_then_prog_huge_single_call', `
#include <bpf/bpf_tracing.h>
int on_switch(unsigned long long *ctx);
struct { __uint(type, BPF_MAP_TYPE_HASH); __uint(max_entries, 8); __type(key, __u32); __type(value, __u64); } sums SEC(".maps");
struct wide { __u64 v[800]; } __attribute__((preserve_access_index));
static int huge(struct wide *w)
{
	__u64 s = 0;
	__u32 k = 0;
${Array.from({ length: 768 }, (_, i) => `	s += BPF_CORE_READ(w, v[${i}]); /* distinct access strings: no shared relocation */`).join('\n')}
	bpf_map_update_elem(&sums, &k, &s, 0);
	return 0;
}
static int small(struct task_struct *t)
{
	return BPF_CORE_READ(t, prio);
}
SEC("tp_btf/sched_switch")
int BPF_PROG(on_switch, bool preempt, struct task_struct *prev, struct task_struct *next)
{
	return huge((struct wide *)next->stack) + small(prev);
}
`],
  // falco's extract__network_args: `for (i = 0; i < num; i++) dst[i] = extract__syscall_argument(regs, i)`, num a
  // constant at each (inlined) call, the callee a switch on its index: LLVM unrolls the loop once num is known and
  // keeps one arm per copy, so only the arms below num are relocated (124 of falco's extras)
  // a loop passing its induction variable to an inlined reader that calls helpers (falco's extract__network_args over
  // extract__syscall_argument): LLVM fully unrolls it only when the plain unrolled size fits (2 trips here); from 3
  // trips on it stays rolled and clang emits the reader's common part once (cse.ts rule `rolled`; fails with it off)
  ['cse_rolled', `
#include <bpf/bpf_tracing.h>
struct { __uint(type, BPF_MAP_TYPE_ARRAY); __uint(max_entries, 1); __type(key, __u32); __type(value, __u64); } sink SEC(".maps");
FUNC_INLINE void put(unsigned long v) { __u32 z = 0; __u64 w = v; bpf_map_update_elem(&sink, &z, &w, 0); }
FUNC_INLINE int is_compat(void)
{
	struct task_struct *me = (struct task_struct *)bpf_get_current_task();
	return BPF_CORE_READ(me, thread_info.status) & 2;
}
FUNC_INLINE unsigned long nth_arg(struct pt_regs *r, int n)
{
	if (is_compat()) {
		switch (n) {
		case 0: return BPF_CORE_READ(r, bx);
		case 1: return BPF_CORE_READ(r, cx);
		case 2: return BPF_CORE_READ(r, dx);
		case 3: return BPF_CORE_READ(r, si);
		case 4: return BPF_CORE_READ(r, di);
		default: return 0;
		}
	}
	switch (n) {
	case 0: return BPF_CORE_READ(r, di);
	case 1: return BPF_CORE_READ(r, si);
	case 2: return BPF_CORE_READ(r, dx);
	case 3: return BPF_CORE_READ(r, r10);
	case 4: return BPF_CORE_READ(r, r8);
	default: return 0;
	}
}
FUNC_INLINE void first_args(unsigned long *dst, int cnt, struct pt_regs *r)
{
	for (int i = 0; i < cnt; i++)
		dst[i] = nth_arg(r, i);
}
/* 2 trips: the unrolled size fits LLVM's 150, one copy of everything per trip */
SEC("tp_btf/pair")
int BPF_PROG(pair, struct pt_regs *r, long ret)
{
	unsigned long a[5] = {};
	first_args(a, 2, r);
	put(a[0] ^ a[1]);
	return 0;
}
/* 3 and 4 trips: too big to unroll and the helper calls stop LLVM's simulation: the loop stays rolled, its one body
 * reads thread_info.status once and keeps the arms 0..n-1 */
SEC("tp_btf/triple")
int BPF_PROG(triple, struct pt_regs *r, long ret)
{
	unsigned long a[5] = {};
	first_args(a, 3, r);
	put(a[0] ^ a[1] ^ a[2]);
	return 0;
}
SEC("tp_btf/quad")
int BPF_PROG(quad, struct pt_regs *r, long ret)
{
	unsigned long a[5] = {};
	first_args(a, 4, r);
	put(a[0] ^ a[3]);
	return 0;
}
/* a literal bound in the caller itself */
SEC("tp_btf/own")
int BPF_PROG(own, struct pt_regs *r, long ret)
{
	unsigned long s = 0;
	for (int i = 1; i < 4; i++)
		s += nth_arg(r, i);
	put(s);
	return 0;
}
/* the loop in a switch arm a caller's constant member selects (falco's dynamic snaplen): the default arm's copy, after
 * the arm before it ends in a break */
struct opts { int kind; };
FUNC_INLINE unsigned long pick(struct pt_regs *r, const struct opts *o)
{
	unsigned long a[5] = {};
	switch (o->kind) {
	case 1:
		first_args(a, 5, r);
		break;
	default:
		first_args(a, 3, r);
		break;
	}
	return a[0] ^ a[2];
}
SEC("tp_btf/snap_default")
int BPF_PROG(snap_default, struct pt_regs *r, long ret)
{
	struct opts o = { .kind = 0 };
	put(pick(r, &o));
	return 0;
}
SEC("tp_btf/snap_first")
int BPF_PROG(snap_first, struct pt_regs *r, long ret)
{
	struct opts o = { .kind = 1 };
	put(pick(r, &o));
	return 0;
}
`, { exact: true }],
  // code after a return that a label makes reachable again (tetragon's generic_path: `case INIT: return
  // path_init(..); case WORK: return path_work(..);`) is replayed for the merge rules (cse.ts, LABELS; fails with
  // CORELENS_CSE_LABELS=0), each label a block of its own with nothing before it reused (the fall-through twin)
  ['cse_labels', `
struct { __uint(type, BPF_MAP_TYPE_ARRAY); __uint(max_entries, 1); __type(key, __u32); __type(value, __u64); } state SEC(".maps");
FUNC_INLINE long first_stage(struct task_struct *t) { return (long)BPF_CORE_READ(t, pid); }
FUNC_INLINE long second_stage(struct task_struct *t)
{
	struct task_struct *p1, *p2;
	bpf_probe_read_kernel(&p1, sizeof(p1), _(&t->real_parent));
	if (!p1)
		return 0;
	bpf_probe_read_kernel(&p2, sizeof(p2), _(&t->real_parent));
	return p1 == p2;
}
/* the second case runs after the first one's return: its two reads of one address share one record */
SEC("kprobe/staged")
int staged(struct pt_regs *ctx)
{
	__u32 z = 0;
	__u64 *st = bpf_map_lookup_elem(&state, &z);
	struct task_struct *t = (struct task_struct *)bpf_get_current_task();
	if (!st)
		return 0;
	switch (*st) {
	case 0:
		return first_stage(t);
	case 1:
		return second_stage(t);
	}
	return 0;
}
/* a goto target after a return: the same */
SEC("kprobe/jumped")
int jumped(struct pt_regs *ctx)
{
	struct task_struct *t = (struct task_struct *)bpf_get_current_task();
	if (ctx->di)
		goto slow;
	return 0;
slow:
	return second_stage(t);
}
/* twin: a case the one before falls into is also entered from the switch: the first read does not dominate it, two
 * records */
SEC("kprobe/fallen")
int fallen(struct pt_regs *ctx)
{
	struct task_struct *t = (struct task_struct *)bpf_get_current_task();
	struct task_struct *p1 = 0, *p2 = 0;
	switch (ctx->di & 3) {
	case 0:
		bpf_probe_read_kernel(&p1, sizeof(p1), _(&t->real_parent));
		/* fall through */
	case 1:
		bpf_probe_read_kernel(&p2, sizeof(p2), _(&t->real_parent));
		break;
	default:
		return 1;
	}
	return p1 == p2;
}
`, { exact: true }],
  // identical arms (cse.ts rule `twins`, SimplifyCFG making one block of them; fails with CORELENS_CSE_TWINS=0)
  ['cse_twins', `
#include <bpf/bpf_tracing.h>
struct { __uint(type, BPF_MAP_TYPE_ARRAY); __uint(max_entries, 1); __type(key, __u32); __type(value, __u64); } sink SEC(".maps");
FUNC_INLINE void put(unsigned long v) { __u32 z = 0; __u64 w = v; bpf_map_update_elem(&sink, &z, &w, 0); }
FUNC_INLINE int odd(void) { struct task_struct *t = (void *)bpf_get_current_task(); return BPF_CORE_READ(t, thread_info.status) & 2; }
FUNC_INLINE unsigned long argn(struct pt_regs *r, int n)
{
	unsigned long v;
	if (odd()) {
		switch (n) { case 0: v = BPF_CORE_READ(r, bx); break; case 2: v = BPF_CORE_READ(r, dx); break; default: v = 0; }
		return v;
	}
	switch (n) { case 0: v = BPF_CORE_READ(r, di); break; case 2: v = BPF_CORE_READ(r, dx); break; default: v = 0; }
	return v;
}
/* the compat and native switches both read dx for argument 2: identical arms, one record (falco's
 * extract__syscall_argument); argument 0 reads bx and di: two */
SEC("tp_btf/a2") int BPF_PROG(a2, struct pt_regs *r) { put(argn(r, 2)); return 0; }
SEC("tp_btf/a0") int BPF_PROG(a0, struct pt_regs *r) { put(argn(r, 0)); return 0; }
/* identical if/else arms: one record; an arm reading one more field (before or after): two each */
SEC("tp_btf/ifelse") int BPF_PROG(ifelse, struct pt_regs *r)
{
	unsigned long v;
	if (odd()) v = BPF_CORE_READ(r, dx); else v = BPF_CORE_READ(r, dx);
	put(v);
	return 0;
}
SEC("tp_btf/ifelse2") int BPF_PROG(ifelse2, struct pt_regs *r)
{
	unsigned long v;
	if (odd()) v = BPF_CORE_READ(r, dx); else v = BPF_CORE_READ(r, dx) + BPF_CORE_READ(r, si);
	put(v);
	return 0;
}
SEC("tp_btf/ifelse3") int BPF_PROG(ifelse3, struct pt_regs *r)
{
	unsigned long v;
	if (odd()) v = BPF_CORE_READ(r, dx); else v = BPF_CORE_READ(r, si) + BPF_CORE_READ(r, dx);
	put(v);
	return 0;
}
/* twin: a probed bitfield read decides its shift by the SIGNED check, both arms shifting by the one RSHIFT
 * relocation (arithmetic shift in one, logical in the other): two records */
SEC("tp_btf/bits") int BPF_PROG(bits, struct pt_regs *r)
{
	struct iphdr *ip = (void *)r->si;
	put(BPF_CORE_READ_BITFIELD_PROBED(ip, ihl));
	return 0;
}
`, { exact: true }],
  ['loop_induction_args', `
#include <bpf/bpf_tracing.h>
#include "loop_induction_args.bpf.h"
struct { __uint(type, BPF_MAP_TYPE_ARRAY); __uint(max_entries, 1); __type(key, __u32); __type(value, __u64); } outv SEC(".maps");
FUNC_INLINE void keep(unsigned long v) { __u32 z = 0; __u64 w = v; bpf_map_update_elem(&outv, &z, &w, 0); }
SEC("tp_btf/two")
int BPF_PROG(two, struct pt_regs *regs, long ret)
{
	unsigned long a[6] = {};
	sys_args(a, 2, regs);
	keep(a[0] + a[1]);
	return 0;
}
SEC("tp_btf/three")
int BPF_PROG(three, struct pt_regs *regs, long ret)
{
	unsigned long a[6] = {};
	sys_args(a, 3, regs);
	keep(a[0] + a[1] + a[2]);
	return 0;
}
SEC("tp_btf/five")
int BPF_PROG(five, struct pt_regs *regs, long ret)
{
	unsigned long a[6] = {};
	sys_args(a, 5, regs);
	keep(a[0] + a[1] + a[2] + a[3] + a[4]);
	return 0;
}
SEC("tp_btf/direct")
int BPF_PROG(direct, struct pt_regs *regs, long ret)
{
	keep(sys_arg(regs, 4));
	return 0;
}
SEC("tp_btf/varying")
int BPF_PROG(varying, struct pt_regs *regs, long ret)
{
	unsigned long a[6] = {};
	sys_args(a, ret & 3, regs);
	keep(a[0]);
	return 0;
}
SEC("tp_btf/literal")
int BPF_PROG(literal, struct pt_regs *regs, long ret)
{
	unsigned long s = 0;
	for (int i = 0; i <= 1; i++)
		s += sys_arg(regs, i);
	keep(s);
	return 0;
}
// an outer loop around the inlined counted loop: not innermost, LLVM keeps it rolled and every arm stays
SEC("tp_btf/outer")
int BPF_PROG(outer, struct pt_regs *regs, long ret)
{
	unsigned long a[6] = {};
	for (int j = 1; j < 3; j++)
		sys_args(a, j, regs);
	keep(a[0] + a[1]);
	return 0;
}
SEC("tp_btf/pragma")
int BPF_PROG(pragma, struct pt_regs *regs, long ret)
{
	unsigned long s = 0;
#pragma unroll
	for (int i = 1; i < 4; i++)
		s += sys_arg(regs, i);
	keep(s);
	return 0;
}
`, { header: `
FUNC_INLINE int compat_mode(void)
{
	struct task_struct *t = (struct task_struct *)bpf_get_current_task();
	return BPF_CORE_READ(t, thread_info.status) & 2;
}
FUNC_INLINE unsigned long sys_arg(struct pt_regs *regs, int n)
{
	if (compat_mode()) {
		switch (n) {
		case 0: return BPF_CORE_READ(regs, bx);
		case 1: return BPF_CORE_READ(regs, cx);
		case 2: return BPF_CORE_READ(regs, dx);
		case 3: return BPF_CORE_READ(regs, si);
		case 4: return BPF_CORE_READ(regs, di);
		case 5: return BPF_CORE_READ(regs, bp);
		default: return 0;
		}
	}
	switch (n) {
	case 0: return PT_REGS_PARM1_CORE_SYSCALL(regs);
	case 1: return PT_REGS_PARM2_CORE_SYSCALL(regs);
	case 2: return PT_REGS_PARM3_CORE_SYSCALL(regs);
	case 3: return PT_REGS_PARM4_CORE_SYSCALL(regs);
	case 4: return PT_REGS_PARM5_CORE_SYSCALL(regs);
	default: return 0;
	}
}
FUNC_INLINE void sys_args(unsigned long *out, int cnt, struct pt_regs *regs)
{
	for (int k = 0; k < cnt; k++)
		out[k] = sys_arg(regs, k);
}
` }],
  // OBI's fill_ip6hdr (netolly/flows.c), kept out of line: `id->src_ip = ip->saddr` copies an in6_addr member of a
  // pointer parameter; clang's memcpy expansion relocates the address twice (first access direct, the others through
  // a register); a base the body derived with a constant offset folds every offset (one); a 4-byte struct: one access
  ['struct_copy_member', `
#include "struct_copy_member.bpf.h"
struct { __uint(type, BPF_MAP_TYPE_HASH); __uint(max_entries, 8); __type(key, struct flowkey); __type(value, __u32); } flows SEC(".maps");
SEC("tc")
int through_param(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data, *end = (void *)(long)skb->data_end;
	struct flowkey k = {};
	if (fill_v6(data + 14, end, &k))
		return 0;
	fill_owner((void *)bpf_get_current_task_btf()->cred, &k);
	__u32 one = 1;
	bpf_map_update_elem(&flows, &k, &one, 0);
	return 0;
}
SEC("tc")
int derived_base(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data, *end = (void *)(long)skb->data_end;
	struct ipv6hdr *ip = data + 14;
	if ((void *)(ip + 1) > end)
		return 0;
	struct flowkey k = {};
	k.src = ip->saddr;
	__u32 one = 1;
	bpf_map_update_elem(&flows, &k, &one, 0);
	return 0;
}
`, { header: `
struct flowkey { struct in6_addr src; struct in6_addr dst; kuid_t owner; __u8 proto; };
static __attribute__((noinline)) int fill_v6(struct ipv6hdr *ip, void *end, struct flowkey *k)
{
	if ((void *)ip + sizeof(*ip) > end)
		return 1;
	k->src = ip->saddr;
	k->dst = ip->daddr;
	k->proto = ip->nexthdr;
	return 0;
}
static __attribute__((noinline)) void fill_owner(const struct cred *c, struct flowkey *k)
{
	k->owner = c->uid;
}
` }],
  // falco's apply_dynamic_snaplen(regs, &snaplen, &args): `args` a local struct of constants (designated initializer
  // or a member assignment), the helper switching on `input_args->evt_type`; after inlining, SROA and constant
  // propagation fold the switch to one arm (and `if (a->only_ports)` away); a pointer null unless an arm set it
  // stays null in the other arms' copies (`sa != NULL` folds). Written in a branch, from a helper's result or with the
  // address escaping, the member is unknown and every arm stays.
  ['const_member_switch', `
#include <bpf/bpf_tracing.h>
#include "const_member_switch.bpf.h"
SEC("tp_btf/sys_enter")
int BPF_PROG(designated, struct pt_regs *regs, long id)
{
	struct evt_args a = { .only_ports = 0, .evt_type = EVT_READ };
	unsigned short len = 64;
	apply_args(&len, &a);
	keep(len);
	return 0;
}
SEC("tp_btf/sys_enter")
int BPF_PROG(assigned, struct pt_regs *regs, long id)
{
	struct evt_args a = {};
	a.evt_type = EVT_SEND;
	unsigned short len = 64;
	apply_args(&len, &a);
	keep(len);
	return 0;
}
SEC("tp_btf/sys_enter")
int BPF_PROG(default_arm, struct pt_regs *regs, long id)
{
	struct evt_args a = { .evt_type = 9 };
	unsigned short len = 64;
	if (id > 3) {
		struct evt_args b = { .evt_type = EVT_RECV };
		apply_args(&len, &b);
	}
	apply_args(&len, &a);
	keep(len);
	return 0;
}
SEC("tp_btf/sys_enter")
int BPF_PROG(ports_only, struct pt_regs *regs, long id)
{
	struct evt_args a = { .only_ports = 1, .evt_type = EVT_READ };
	unsigned short len = 64;
	apply_args(&len, &a);
	keep(len);
	return 0;
}
SEC("tp_btf/sys_enter")
int BPF_PROG(unknown, struct pt_regs *regs, long id)
{
	struct evt_args a = { .only_ports = 0 };
	if (id > 3)
		a.evt_type = id;
	else
		a.evt_type = id >> 1;
	unsigned short len = 64;
	apply_args(&len, &a);
	keep(len);
	return 0;
}
SEC("tp_btf/sys_enter")
int BPF_PROG(escaped, struct pt_regs *regs, long id)
{
	struct evt_args a = { .only_ports = 0, .evt_type = EVT_READ };
	bpf_probe_read_kernel(&a, sizeof(a), regs);
	unsigned short len = 64;
	apply_args(&len, &a);
	keep(len);
	return 0;
}
SEC("tp_btf/sys_enter")
int BPF_PROG(from_helper, struct pt_regs *regs, long id)
{
	struct evt_args a = {};
	a.evt_type = bpf_get_prandom_u32();
	unsigned short len = 64;
	apply_args(&len, &a);
	keep(len);
	return 0;
}
`, { exact: true, header: `
enum { EVT_READ = 1, EVT_SEND = 2, EVT_RECV = 3 };
struct evt_args { int only_ports; int evt_type; };
static __attribute__((noinline)) int keep(long v) { return v != 0; }
FUNC_INLINE void apply_args(unsigned short *len, const struct evt_args *in)
{
	struct task_struct *t = bpf_get_current_task_btf();
	struct sockaddr *sa = NULL;
	if (in->only_ports)
		return;
	switch (in->evt_type) {
	case EVT_READ:
		*len += BPF_CORE_READ(t, pid);
		break;
	case EVT_SEND:
	case EVT_RECV:
		*len += BPF_CORE_READ(t, tgid);
		if (*len > 100)
			sa = (struct sockaddr *)(unsigned long)bpf_get_prandom_u32();
		break;
	default:
		*len += BPF_CORE_READ(t, real_parent, pid);
	}
	if (in->evt_type == EVT_RECV)
		*len += BPF_CORE_READ(t, prio);
	if (*len > 5 && sa != NULL) {
		unsigned short port = 0;
		bpf_probe_read_user(&port, 2, sa);
		*len += port + BPF_CORE_READ(t, on_cpu);
	}
}
` }],
  // a call given the induction variable plus a constant (inspektor-gadget's traceloop: get_arg(args, i + 1)) over a
  // variable declared before the loop (\`for (i = 0; ...)\`), with a \`do { } while (0)\` statement macro in the body:
  // each fully unrolled copy keeps the one arm its constant selects (with a pragma, or without one where LLVM
  // unrolls); where LLVM keeps the loop rolled (read5: a helper call in the body) every arm is emitted once
  ['induction_offset', `long out[16];
FUNC_INLINE u64 get(struct task_struct *t, int i)
{
  switch (i) {
  case 1: return t->pid;
  case 2: return t->tgid;
  case 3: return t->prio;
  case 4: return t->static_prio;
  case 5: return t->normal_prio;
  default: return 0;
  }
}
FUNC_INLINE u64 getr(struct task_struct *t, int i)
{
  switch (i) {
  case 1: return BPF_CORE_READ(t, pid);
  case 2: return BPF_CORE_READ(t, tgid);
  case 3: return BPF_CORE_READ(t, prio);
  case 4: return BPF_CORE_READ(t, static_prio);
  case 5: return BPF_CORE_READ(t, normal_prio);
  default: return 0;
  }
}
SEC("tp_btf/a") int direct3(struct task_struct *t) { int i; for (i = 0; i < 3; i++) out[i] = get(t, i + 1); return 0; }
SEC("tp_btf/b") int direct3m(struct task_struct *t) { int i; for (i = 2; i < 5; i++) out[i] = get(t, i - 1); return 0; }
SEC("tp_btf/c") int read2(struct task_struct *t) { int i; for (i = 0; i < 2; i++) out[i] = getr(t, 1 + i); return 0; }
SEC("tp_btf/d") int read5(struct task_struct *t) { int i; for (i = 0; i < 5; i++) out[i] = getr(t, i + 1); return 0; }
SEC("tp_btf/e") int read3p(struct task_struct *t) { int i;
#pragma unroll
 for (i = 0; i < 3; i++) out[i] = getr(t, i + 2); return 0; }
SEC("tp_btf/f") int direct5(struct task_struct *t) { int i; for (i = 0; i < 5; i++) out[i] = get(t, i + 1); return 0; }
#define NOTHING(x) do { } while (0)
SEC("tp_btf/g") int read4dw(struct task_struct *t) { int i;
#pragma unroll
 for (i = 0; i < 4; i++) { if (out[i]) { NOTHING(i); continue; } out[i] = getr(t, i + 1); } return 0; }
`, { exact: true }],
  // a pointer the caller tested non-null (\`if (o)\`, \`if (!o) return\`, \`o != NULL\`), written once before the test,
  // passed to an inlined helper whose \`if (op == 2 && oi) ... else ...\` then folds once \`op\` is a constant too
  // (inspektor-gadget's top_cuda_memory update_stats: LLVM knows the dominating test's value, so the else arm's
  // mount-namespace reads are dead); an unchecked, rewritten or NULL pointer or another op keeps the arm
  ['nonnull_arg', `struct info { u64 a, b; u32 ns; };
struct { __uint(type, BPF_MAP_TYPE_HASH); __uint(max_entries, 8); __type(key, u32); __type(value, struct info); } m SEC(".maps");
struct { __uint(type, BPF_MAP_TYPE_HASH); __uint(max_entries, 8); __type(key, u32); __type(value, struct info); } st SEC(".maps");
FUNC_INLINE u32 cur_ns(void) { struct task_struct *t = (void *)bpf_get_current_task(); return BPF_CORE_READ(t, nsproxy, mnt_ns, ns.inum); }
FUNC_INLINE void update(u32 k, int op, struct info *oi)
{
  struct info *s = bpf_map_lookup_elem(&st, &k);
  if (!s) return;
  if (op == 2 && oi) s->ns = oi->ns; else s->ns = cur_ns();
  s->a += op;
}
/* oi checked non-null by the caller: the else arm is dead in these copies */
SEC("kprobe/a") int nn_if(void *ctx) { u32 k = 0; struct info *o = bpf_map_lookup_elem(&m, &k); if (o) { if (o->a) update(k, 2, o); update(k, 2, o); } return 0; }
SEC("kprobe/b") int nn_early(void *ctx) { u32 k = 0; struct info *o = bpf_map_lookup_elem(&m, &k); if (!o) return 0; update(k, 2, o); return 0; }
/* another op or an unchecked pointer: the else arm stays */
SEC("kprobe/c") int nn_other_op(void *ctx) { u32 k = 0; struct info *o = bpf_map_lookup_elem(&m, &k); if (!o) return 0; update(k, 1, o); return 0; }
SEC("kprobe/d") int nn_unchecked(void *ctx) { u32 k = 0; struct info *o = bpf_map_lookup_elem(&m, &k); update(k, 2, o); return 0; }
SEC("kprobe/e") int nn_null(void *ctx) { u32 k = 0; update(k, 2, NULL); return 0; }
/* rewritten after the check: unknown again */
SEC("kprobe/f") int nn_rewritten(void *ctx) { u32 k = 0; struct info *o = bpf_map_lookup_elem(&m, &k); if (!o) return 0; o = bpf_map_lookup_elem(&st, &k); update(k, 2, o); return 0; }
/* declared first, assigned once, tested with != NULL and through a second inlined level */
FUNC_INLINE void destroy(u32 k) { struct info *o; o = bpf_map_lookup_elem(&m, &k); if (o != NULL) { if (o->b > 0) update(k, 2, o); bpf_map_delete_elem(&m, &k); } }
SEC("kprobe/g") int nn_assigned(void *ctx) { destroy(3); return 0; }
/* a parameter tested by the caller's caller, passed on */
FUNC_INLINE void pass(u32 k, struct info *p) { update(k, 2, p); }
SEC("kprobe/h") int nn_param(void *ctx) { u32 k = 0; struct info *o = bpf_map_lookup_elem(&m, &k); if (!o) return 0; pass(k, o); return 0; }
/* || : the then side of (op != 2 || !oi) is the else side above */
FUNC_INLINE void update2(u32 k, int op, struct info *oi) { struct info *s = bpf_map_lookup_elem(&st, &k); if (!s) return; if (op != 2 || !oi) s->ns = cur_ns(); else s->ns = oi->ns; }
SEC("kprobe/i") int nn_or(void *ctx) { u32 k = 0; struct info *o = bpf_map_lookup_elem(&m, &k); if (o) update2(k, 2, o); return 0; }
SEC("kprobe/j") int nn_or_other(void *ctx) { u32 k = 0; struct info *o = bpf_map_lookup_elem(&m, &k); if (o) update2(k, 3, o); return 0; }
`, { exact: true }],
  // a function named as a value, a bpf_loop callback (falco's sendmmsg/recvmmsg handle_exit, always_inline): clang
  // emits it out of line in .text once, as a subprogram of its own, always_inline or not (and still inlines its
  // direct calls)
  ['callback_ref', `struct ld { struct task_struct *t; long sum; };
static __always_inline long step(u32 i, void *ctx) { struct ld *d = ctx; d->sum += BPF_CORE_READ(d->t, pid) + i; return 0; }
static long step2(u32 i, void *ctx) { struct ld *d = ctx; d->sum += BPF_CORE_READ(d->t, tgid); return 0; }
static __always_inline long step3(u32 i, void *ctx) { struct ld *d = ctx; d->sum += BPF_CORE_READ(d->t, prio); return 0; }
/* an always_inline callback: one out-of-line copy however many programs pass it */
SEC("kprobe/a") int loop_a(void *c) { struct ld d = { (void *)bpf_get_current_task(), 0 }; bpf_loop(4, step, &d, 0); return d.sum; }
SEC("kprobe/b") int loop_b(void *c) { struct ld d = { (void *)bpf_get_current_task(), 0 }; bpf_loop(8, step, &d, 0); bpf_loop(8, step2, &d, 0); return d.sum; }
/* called directly too: inlined there, and out of line for the loop */
SEC("kprobe/c") int loop_c(void *c) { struct ld d = { (void *)bpf_get_current_task(), 0 }; step3(0, &d); bpf_loop(2, &step3, &d, 0); return d.sum; }
`, { exact: true }],
  // the address of a variable, of a member of one, or of a member through a tested pointer is not null to LLVM
  // (inspektor-gadget's trace_tcp: fill_event(event, &tuple, &ei->proc, ..) after \`if (!ei) return;\`, whose
  // \`if (proc) .. else gadget_process_populate(..)\` drops the populate arm's reads)
  ['nonnull_addr', `struct proc { u32 pid; u32 ns; };
struct ent { u64 fd; struct proc proc; };
struct ev { struct proc proc; u64 x; };
struct { __uint(type, BPF_MAP_TYPE_HASH); __uint(max_entries, 8); __type(key, u32); __type(value, struct ent); } ents SEC(".maps");
struct { __uint(type, BPF_MAP_TYPE_HASH); __uint(max_entries, 8); __type(key, u32); __type(value, struct ev); } evs SEC(".maps");
struct proc gp;
FUNC_INLINE void populate(struct proc *p) { struct task_struct *t = (void *)bpf_get_current_task(); p->ns = BPF_CORE_READ(t, nsproxy, mnt_ns, ns.inum); }
FUNC_INLINE void fill(struct ev *e, struct proc *proc) { if (proc) e->proc = *proc; else populate(&e->proc); }
/* &ei->proc through a tested pointer, &local, &global: never null, the else arm is dead */
SEC("kprobe/a") int addr_member(void *c) { u32 k = 0; struct ent *ei = bpf_map_lookup_elem(&ents, &k); if (!ei) return 0; struct ev *e = bpf_map_lookup_elem(&evs, &k); if (!e) return 0; fill(e, &ei->proc); return 0; }
SEC("kprobe/b") int addr_local(void *c) { u32 k = 0; struct proc lp = {}; lp.pid = k; struct ev *e = bpf_map_lookup_elem(&evs, &k); if (!e) return 0; fill(e, &lp); return 0; }
SEC("kprobe/c") int addr_global(void *c) { u32 k = 0; struct ev *e = bpf_map_lookup_elem(&evs, &k); if (!e) return 0; fill(e, &gp); return 0; }
/* NULL keeps the arm (a member at a nonzero offset through an untested pointer is not null to LLVM either, an inbounds
   GEP: the model leaves that one unknown, an extra, never a missing; not asserted here) */
SEC("kprobe/d") int addr_null(void *c) { u32 k = 0; struct ev *e = bpf_map_lookup_elem(&evs, &k); if (!e) return 0; fill(e, NULL); return 0; }
`, { exact: true }],
  // copies into one local aggregate (source/cse.ts \`frame\`; tracee's and kubeshark's \`indexer\`): the stack slot plus
  // the relocation is one value, the members' offsets folded into each access's displacement: the two 16-byte copies
  // into src/dst in6_u are one in6_addr record, not four (the stores of the IPv4 arm are left: not modelled)
  ['cse_frame', `typedef struct { u64 ts; u16 ip_csum; struct in6_addr src; struct in6_addr dst; } indexer_t;
typedef union { struct iphdr iphdr; struct ipv6hdr ipv6hdr; } iphdrs_t;
typedef struct { iphdrs_t iphdrs; } nethdrs_t;
struct { __uint(type, BPF_MAP_TYPE_HASH); __uint(max_entries, 8); __type(key, indexer_t); __type(value, u64); } idx SEC(".maps");
struct { __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY); __uint(max_entries, 1); __type(key, u32); __type(value, nethdrs_t); } hdrs SEC(".maps");
SEC("cgroup_skb/ingress") int ing(struct __sk_buff *skb) {
  u32 z = 0; nethdrs_t *n = bpf_map_lookup_elem(&hdrs, &z); if (!n) return 1;
  indexer_t indexer = {0};
  bpf_skb_load_bytes_relative(skb, 0, n, sizeof(*n), 1);
  switch (n->iphdrs.iphdr.version) {
  case 4:
    indexer.ip_csum = n->iphdrs.iphdr.check;
    indexer.ts = n->iphdrs.iphdr.saddr;
    break;
  case 6:
    __builtin_memcpy(&indexer.src.in6_u, &n->iphdrs.ipv6hdr.saddr.in6_u, 4 * sizeof(u32));
    __builtin_memcpy(&indexer.dst.in6_u, &n->iphdrs.ipv6hdr.daddr.in6_u, 4 * sizeof(u32));
    break;
  default: return 1;
  }
  u64 v = 1;
  bpf_map_update_elem(&idx, &indexer, &v, 0);
  return 1;
}
`, { exact: true }],
  // a comparison the dominating path already decided (source/cse.ts \`implied\`; ecapture's capture_packets and its
  // skb_revalidate_data): JumpThreading folds the inlined helper's `*head + offset > *tail` when the caller returned
  // on `data + 34 > data_end` and passes `&data, &data_end, 34`: its pull and reloads are never emitted (one pair of
  // data / data_end records for the two calls, the v6 one); another offset, or data rewritten between, keeps both
  ['cse_implied', `#include <bpf/bpf_endian.h>
#include "cse_implied.bpf.h"
long out[4];
FUNC_INLINE int capture(struct __sk_buff *skb, const __u32 first) {
  __u8 *data = (void *)(long)skb->data;
  __u8 *data_end = (void *)(long)skb->data_end;
  if (data + first > data_end)
    return 0;
  struct ethhdr *eth = (void *)data;
  if (eth->h_proto == bpf_htons(0x86DD)) {
    __u32 off = sizeof(struct ethhdr) + sizeof(struct ipv6hdr);
    if (!revalidate(skb, &data, &data_end, off)) return 0;
    out[0] = data[20];
  } else if (eth->h_proto == bpf_htons(0x0800)) {
    __u32 off = sizeof(struct ethhdr) + sizeof(struct iphdr);
    if (!revalidate(skb, &data, &data_end, off)) return 0;
    out[1] = data[23];
  }
  return 1;
}
/* the v4 arm's revalidate tests what the first check decided: its reloads are dead (2 records there, not 4) */
SEC("classifier") int folded(struct __sk_buff *skb) { return capture(skb, sizeof(struct ethhdr) + sizeof(struct iphdr)); }
/* another offset first: nothing decided, both revalidates reload (4 records) */
SEC("classifier") int other_offset(struct __sk_buff *skb) { return capture(skb, sizeof(struct ethhdr)); }
/* data rewritten between (a pull and a reload): a new value, nothing decided */
SEC("classifier") int rewritten(struct __sk_buff *skb) {
  __u8 *data = (void *)(long)skb->data;
  __u8 *data_end = (void *)(long)skb->data_end;
  if (data + 34 > data_end)
    return 0;
  bpf_skb_pull_data(skb, 0);
  data = (void *)(long)skb->data;
  if (!revalidate(skb, &data, &data_end, 34)) return 0;
  return data[20];
}
/* the helper called twice with one offset: after the first, data is a new value (the helper may have written it) */
SEC("classifier") int twice(struct __sk_buff *skb) {
  __u8 *data = (void *)(long)skb->data;
  __u8 *data_end = (void *)(long)skb->data_end;
  if (!revalidate(skb, &data, &data_end, 34)) return 0;
  if (!revalidate(skb, &data, &data_end, 34)) return 0;
  return data[20];
}
`, { exact: true, header: `static __always_inline bool revalidate(struct __sk_buff *skb, __u8 **head, __u8 **tail, const __u32 offset) {
  if (*head + offset > *tail) {
    if (bpf_skb_pull_data(skb, offset) < 0)
      return false;
    *head = (__u8 *)(long)skb->data;
    *tail = (__u8 *)(long)skb->data_end;
    if (*head + offset > *tail)
      return false;
  }
  return true;
}
` }],
  // SimplifyCFG sinking two arms' identical tails (source/cse.ts \`sunk\`; tetragon's get_namespaces): both arms end in
  // the same probe read whose source offset differs, so the identical load of the local copy's member is one record
  // in the join; other destinations, or two different copies, keep two
  ['cse_sunk', `struct out { u32 a, b, c; };
struct uts_namespace___old { unsigned int proc_inum; } __attribute__((preserve_access_index));
struct mnt_namespace___old { long pad; unsigned int proc_inum; } __attribute__((preserve_access_index));
struct { __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY); __uint(max_entries, 1); __type(key, u32); __type(value, struct out); } m SEC(".maps");
/* both arms end in the same probe read of one local copy's member plus an arm's own offset: SimplifyCFG sinks the
   call, the add and the identical load of the copy's member into the join (one record), the offsets stay per arm */
SEC("kprobe/a") int sunk(void *c) {
  u32 k = 0; struct out *o = bpf_map_lookup_elem(&m, &k); if (!o) return 0;
  struct task_struct *t = (void *)bpf_get_current_task();
  struct nsproxy *p; struct nsproxy nsp;
  bpf_probe_read(&p, sizeof(p), _(&t->nsproxy));
  bpf_probe_read(&nsp, sizeof(nsp), _(p));
  if (bpf_core_field_exists(p->uts_ns->ns)) {
    bpf_probe_read(&o->a, 4, _(&nsp.uts_ns->ns.inum));
  } else {
    struct uts_namespace___old *ns = (void *)_(nsp.uts_ns);
    bpf_probe_read(&o->a, 4, _(&ns->proc_inum));
  }
  if (bpf_core_field_exists(p->mnt_ns->ns)) {
    bpf_probe_read(&o->b, 4, _(&nsp.mnt_ns->ns.inum));
  } else {
    struct mnt_namespace___old *ns = (void *)_(nsp.mnt_ns);
    bpf_probe_read(&o->b, 4, _(&ns->proc_inum));
  }
  return 0;
}

/* the same member of two different copies: no identical load to sink, two records */
SEC("kprobe/b") int sunk_two_copies(void *c) {
  u32 k = 0; struct out *o = bpf_map_lookup_elem(&m, &k); if (!o) return 0;
  struct task_struct *t = (void *)bpf_get_current_task();
  struct nsproxy *p; struct nsproxy nsp, nsp2;
  bpf_probe_read(&p, sizeof(p), _(&t->nsproxy));
  bpf_probe_read(&nsp, sizeof(nsp), _(p));
  bpf_probe_read(&nsp2, sizeof(nsp2), _(p));
  if (bpf_core_field_exists(p->uts_ns->ns)) {
    bpf_probe_read(&o->a, 4, _(&nsp.uts_ns->ns.inum));
  } else {
    struct uts_namespace___old *ns = (void *)_(nsp2.uts_ns);
    bpf_probe_read(&o->a, 4, _(&ns->proc_inum));
  }
  return 0;
}
/* one arm stores something more after its read: the tails differ */
SEC("kprobe/d") int sunk_extra_store(void *c) {
  u32 k = 0; struct out *o = bpf_map_lookup_elem(&m, &k); if (!o) return 0;
  struct task_struct *t = (void *)bpf_get_current_task();
  struct nsproxy *p; struct nsproxy nsp;
  bpf_probe_read(&p, sizeof(p), _(&t->nsproxy));
  bpf_probe_read(&nsp, sizeof(nsp), _(p));
  if (bpf_core_field_exists(p->uts_ns->ns)) {
    bpf_probe_read(&o->a, 4, _(&nsp.uts_ns->ns.inum));
  } else {
    struct uts_namespace___old *ns = (void *)_(nsp.uts_ns);
    bpf_probe_read(&o->a, 4, _(&ns->proc_inum));
    o->c = 7;
  }
  return 0;
}
/* different destinations: still one call sunk with a phi of both operands */
SEC("kprobe/e") int sunk_other_dest(void *c) {
  u32 k = 0; struct out *o = bpf_map_lookup_elem(&m, &k); if (!o) return 0;
  struct task_struct *t = (void *)bpf_get_current_task();
  struct nsproxy *p; struct nsproxy nsp;
  bpf_probe_read(&p, sizeof(p), _(&t->nsproxy));
  bpf_probe_read(&nsp, sizeof(nsp), _(p));
  if (bpf_core_field_exists(p->uts_ns->ns)) {
    bpf_probe_read(&o->a, 4, _(&nsp.uts_ns->ns.inum));
  } else {
    struct uts_namespace___old *ns = (void *)_(nsp.uts_ns);
    bpf_probe_read(&o->b, 4, _(&ns->proc_inum));
  }
  return 0;
}
`, { exact: true }],
  // SimplifyCFG hoisting both arms' identical first instruction (source/cse.ts \`hoist\`; retsnoop's print_exit):
  // `if (failed) fmt = sane ? A : B; else fmt = sane ? C : D;` computes the enum check once, before the branch; a
  // helper call, a store or arithmetic first in an arm, another check in the other, or no else arm keep a record per use
  ['cse_hoist', `#define SANE (bpf_core_enum_value_exists(enum bpf_func_id, BPF_FUNC_get_current_task_btf))
long res;
/* the check is each arm's first instruction: hoisted into the if's block, one record */
SEC("kprobe/a") int hoisted(void *ctx) {
  const char *fmt;
  if (res >= -4095) fmt = SANE ? "a" : "b";
  else fmt = SANE ? "c" : "d";
  bpf_trace_printk(fmt, 2, res);
  return 0;
}
/* the same with if statements and calls in the arms: one record */
SEC("kprobe/b") int hoisted_ifs(void *ctx) {
  if (res >= -4095) { if (SANE) bpf_printk("a"); else bpf_printk("b"); }
  else { if (SANE) bpf_printk("c"); else bpf_printk("d"); }
  return 0;
}
/* a helper call first in the then arm: the first instructions differ, two records */
SEC("kprobe/c") int call_first(void *ctx) {
  const char *fmt;
  if (res >= -4095) { bpf_printk("x"); fmt = SANE ? "a" : "b"; }
  else fmt = SANE ? "c" : "d";
  bpf_trace_printk(fmt, 2, res);
  return 0;
}
/* another check first in the else arm: the first instructions differ, one record of each check */
SEC("kprobe/d") int other_check(void *ctx) {
  const char *fmt;
  if (res >= -4095) fmt = SANE ? "a" : "b";
  else fmt = bpf_core_enum_value_exists(enum bpf_func_id, BPF_FUNC_loop) ? "c" : "d";
  bpf_trace_printk(fmt, 2, res);
  return 0;
}
/* a store or arithmetic first in each arm: the first instructions differ, two records each */
long x, y;
SEC("kprobe/f") int stores_first(void *ctx) {
  if (res >= -4095) { x = 1; if (SANE) bpf_printk("a"); else bpf_printk("b"); }
  else { y = 2; if (SANE) bpf_printk("c"); else bpf_printk("d"); }
  return 0;
}
SEC("kprobe/g") int arith_first(void *ctx) {
  const char *fmt; long v;
  if (res >= -4095) { v = res * 3; fmt = SANE ? "a" : "b"; }
  else { v = res + 7; fmt = SANE ? "c" : "d"; }
  bpf_trace_printk(fmt, 2, v);
  return 0;
}
/* the condition is an inlined helper's several returns (retsnoop's IS_ERR_VALUE32): jump threading gives the arms
   several predecessors, nothing is hoisted, two records */
FUNC_INLINE bool is_err32(u64 x) {
  if (x < 0xfffff001) return false;
  asm volatile("" : "+r"(x));
  if (x > 0xffffffff) return false;
  return true;
}
SEC("kprobe/h") int threaded(void *ctx) {
  const char *fmt;
  bool failed = is_err32((u32)res);
  if (failed) fmt = SANE ? "a" : "b";
  else fmt = SANE ? "c" : "d";
  bpf_trace_printk(fmt, 2, res);
  return 0;
}
/* no else arm: nothing to hoist, the check in the arm and the one after it are two records */
SEC("kprobe/e") int no_else(void *ctx) {
  const char *fmt = "z";
  if (res >= -4095) fmt = SANE ? "a" : "b";
  bpf_trace_printk(fmt, 2, res);
  if (SANE) bpf_trace_printk(fmt, 2, res);
  return 0;
}
`, { exact: true }],
  // the block after an if whose other ways exit has one immediate predecessor (source/cse.ts `succ`; ptcpdump's
  // handle_fork): MachineCSE reuses the offset of the address read there, through another pointer, as within a block
  ['cse_succ', `struct { __uint(type, BPF_MAP_TYPE_HASH); __uint(max_entries, 8); __type(key, __u32); __type(value, __u8); } pids SEC(".maps");
volatile const __u32 rules;
long out[4];
FUNC_INLINE int have_rules(void) { return rules != 0; }
FUNC_INLINE int pfilter(struct task_struct *task) {
  if (!have_rules()) return 0;
  __u32 pid = BPF_CORE_READ(task, tgid);
  if (bpf_map_lookup_elem(&pids, &pid)) return 0;
  return -1;
}
/* child's tgid, then the parent's after the inlined helper's early return: one record; the child's again, after the
   lookup's branch too (the block holding the offset no immediate predecessor): a second */
SEC("tp_btf/a") int fork_filter(struct task_struct *parent, struct task_struct *child) {
  __u8 z = 0;
  __u32 child_pid = BPF_CORE_READ(child, tgid);
  if (pfilter(parent) == 0) { bpf_map_update_elem(&pids, &child_pid, &z, BPF_NOEXIST); return 0; }
  if (pfilter(child) == 0) return 0;
  return 0;
}
/* the program's own early return between: one record */
SEC("tp_btf/b") int early_own(struct task_struct *p, struct task_struct *n) {
  out[0] = BPF_CORE_READ(p, tgid);
  if (rules) return 0;
  out[1] = BPF_CORE_READ(n, tgid);
  return 0;
}
/* two branches between: two records */
SEC("tp_btf/d") int two_branches(struct task_struct *p, struct task_struct *n) {
  out[0] = BPF_CORE_READ(p, tgid);
  if (rules) return 0;
  if (bpf_get_current_pid_tgid() == 7) return 1;
  out[1] = BPF_CORE_READ(n, tgid);
  return 0;
}
`, { exact: true }],
  // an if on an inlined helper's `return L || R;` (source/cse.ts `thread`; ptcpdump's and elastic's
  // is_kernel_thread): JumpThreading branches from R's block straight to the if's arms, so the code R alone decides
  // has R's block as its immediate predecessor and reuses its offset, through another pointer; negated, `!(L || R)`
  // is `&&`'s then arm; the arm two paths reach keeps its own record
  ['cse_thread', `#define PF_KTHREAD 0x00200000
FUNC_INLINE bool is_kthread(struct task_struct *task) {
  return (BPF_CORE_READ(task, flags) & PF_KTHREAD) || (BPF_CORE_READ(task, real_parent, tgid) == 2);
}
FUNC_INLINE bool is_user(struct task_struct *task) {
  return !(BPF_CORE_READ(task, flags) & PF_KTHREAD) && (BPF_CORE_READ(task, real_parent, tgid) != 2);
}
long out[4];
/* ptcpdump's handle_exit: one tgid record */
SEC("kprobe/a") int threaded(void *ctx) {
  struct task_struct *task = (void *)bpf_get_current_task();
  if (is_kthread(task)) return 0;
  out[0] = BPF_CORE_READ(task, tgid);
  return 0;
}
/* the && form, its then arm: one record */
SEC("kprobe/b") int threaded_and(void *ctx) {
  struct task_struct *task = (void *)bpf_get_current_task();
  if (is_user(task)) out[0] = BPF_CORE_READ(task, tgid);
  return 0;
}
/* negated: one record */
SEC("kprobe/c") int negated(void *ctx) {
  struct task_struct *task = (void *)bpf_get_current_task();
  if (!is_kthread(task)) out[0] = BPF_CORE_READ(task, tgid);
  return 0;
}
/* the && form's else arm, reached when L or R fails: two records */
SEC("kprobe/e") int and_else(void *ctx) {
  struct task_struct *task = (void *)bpf_get_current_task();
  if (is_user(task)) out[1] = 1; else out[0] = BPF_CORE_READ(task, tgid);
  return 0;
}
`, { exact: true }],
  // an array member passed as is to a helper or memcmp is its decayed address in the argument register (sites.ts
  // ARRAY_ARG; ebpf_exporter's unix-accept-latency): an address, merged like `&p->f`; a byte loaded through it folds
  // the relocation into the load (falco's `*(char *)sockaddr_un->sun_path`), a record of its own
  ['cse_array', `#define A "/run/dbus/system_bus_socket"
#define B "/run/systemd/journal/stdout"
long out[4];
char buf[64];
volatile const int flag;
/* memcmp twice on one address: one record */
SEC("fentry/a") int memcmp_chain(struct unix_address *addr) {
  if (__builtin_memcmp(addr->name[0].sun_path, A, sizeof(A)) == 0) return 1;
  if (__builtin_memcmp(addr->name[0].sun_path, B, sizeof(B)) == 0) return 2;
  return 0;
}
/* a probe read of an array member, twice through one pointer, a helper call between: one record */
SEC("tp_btf/b") int comm_twice(struct task_struct *t) {
  bpf_probe_read_kernel_str(buf, 16, t->comm);
  out[0] = bpf_get_current_pid_tgid();
  bpf_probe_read_kernel_str(buf + 16, 16, t->comm);
  return 0;
}
/* after an arm with a call (the join's predecessors include the block before): one record */
SEC("tp_btf/c") int comm_after_arm(struct task_struct *t) {
  bpf_probe_read_kernel_str(buf, 16, t->comm);
  if (flag) bpf_get_current_pid_tgid();
  bpf_probe_read_kernel_str(buf + 16, 16, t->comm);
  return 0;
}
/* two branches between: two records */
SEC("tp_btf/d") int comm_two_branches(struct task_struct *t) {
  bpf_probe_read_kernel_str(buf, 16, t->comm);
  if (flag) return 1;
  if (bpf_get_current_pid_tgid() == 7) return 2;
  bpf_probe_read_kernel_str(buf + 16, 16, t->comm);
  return 0;
}
/* two pointers, adjacent (adj): one record */
SEC("tp_btf/e") int comm_two(struct task_struct *t, struct task_struct *u) {
  bpf_probe_read_kernel_str(buf, 16, t->comm);
  bpf_probe_read_kernel_str(buf + 16, 16, u->comm);
  return 0;
}
/* a byte loaded through the array, before or after it is passed on: two records each */
SEC("tp_btf/f") int comm_load_then_arg(struct task_struct *t) {
  out[0] = *(char *)t->comm;
  bpf_probe_read_kernel_str(buf, 16, t->comm);
  return 0;
}
SEC("tp_btf/g") int comm_arg_then_load(struct task_struct *t) {
  bpf_probe_read_kernel_str(buf, 16, t->comm);
  out[0] = *(char *)t->comm;
  return 0;
}
`, { exact: true }],
  // a fully unrolled loop's `if (i == E) break;` (sites.ts TripCap, capByExit; Hades' save_pid_tree_to_buf): once
  // inlining makes E a constant (a literal, a caller's constant argument, clamped) the copies after E are unreachable:
  // E + 1 copies of what precedes the break, E of what follows it; an unknown E keeps every copy
  ['unroll_exit', `
#include "unroll_exit.bpf.h"
/* limit 8: 8 copies of what precedes the break, 7 of what follows it */
SEC("tp_btf/a") int eight(struct task_struct *t) { out[0] = walk(t, 8); return 0; }
/* limit 12 (and 20, clamped to 12): every copy */
SEC("tp_btf/b") int twelve(struct task_struct *t) { out[0] = walk(t, 12); return 0; }
SEC("tp_btf/c") int clamped(struct task_struct *t) { out[0] = walk(t, 20); return 0; }
/* limit unknown: every copy */
SEC("tp_btf/d") int unknown(struct task_struct *t) { out[0] = walk(t, out[2]); return 0; }
/* a literal bound */
SEC("tp_btf/e") int literal(struct task_struct *t) {
#pragma unroll
  for (int i = 0; i < 10; i++) {
    out[1] += BPF_CORE_READ(t, pid);
    t = BPF_CORE_READ(t, group_leader);
    if (i == 3) break;
    out[2] += BPF_CORE_READ(t, flags);
  }
  return 0;
}
`, { exact: true, header: `long out[4];
/* Hades' save_pid_tree_to_buf: a 12-copy walk the caller's limit ends early, the limit clamped first */
static __always_inline int walk(struct task_struct *task, int limit) {
  int n = 0;
  if (limit >= 12) limit = 12;
#pragma unroll
  for (int i = 0; i < 12; i++) {
    int pid = BPF_CORE_READ(task, tgid);
    if (pid == 0) break;
    n += pid;
    if (bpf_probe_read_kernel(&task, sizeof(task), &task->real_parent)) break;
    if (i == limit - 1) break;
    out[1] += BPF_CORE_READ(task, flags);
  }
  return n;
}
` }],
  // an if on the induction variable's comparisons with constants in a fully unrolled loop (sites.ts TripCap `live`):
  // clang folds it in each copy; two equalities `||`-ed with something else, or three, stay in every copy but the
  // first when the something else is a local still holding its constant there
  ['unroll_fold', `
long out[8];
/* an if on the induction variable's comparisons with constants runs its arm in the copies whose i takes it */
SEC("tp_btf/a") int folds(struct task_struct *t) {
#pragma unroll
  for (int i = 0; i < 8; i++) {
    t = BPF_CORE_READ(t, real_parent);
    if (i == 2) out[0] += BPF_CORE_READ(t, tgid);
    if (i < 3) out[1] += BPF_CORE_READ(t, pid);
    if (i == 1 || i == 5) out[2] += BPF_CORE_READ(t, flags);
    if (i > 4 && out[7]) out[3] += BPF_CORE_READ(t, prio);
    if ((i & 1) == 0) out[4] += BPF_CORE_READ(t, static_prio); else out[4] += BPF_CORE_READ(t, normal_prio);
  }
  return 0;
}
/* kept in every copy: two equalities \`||\`-ed and combined with another condition (BPFAdjustOpt's passthrough), three
   equalities */
SEC("tp_btf/b") int kept(struct task_struct *t) {
#pragma unroll
  for (int i = 0; i < 8; i++) {
    t = (void *)bpf_get_current_task();
    if ((i == 1 || i == 2) && out[7] == 0) out[0] += BPF_CORE_READ(t, tgid);
    if (i == 1 || i == 2 || i == 5) out[1] += BPF_CORE_READ(t, pid);
  }
  return 0;
}
/* an else arm whose if also tests something else: every copy */
SEC("tp_btf/c") int kept_else(struct task_struct *t) {
#pragma unroll
  for (int i = 0; i < 8; i++) {
    t = BPF_CORE_READ(t, real_parent);
    if (i == 3 && out[6]) out[2] += BPF_CORE_READ(t, prio); else out[2] += BPF_CORE_READ(t, flags);
  }
  return 0;
}
/* Hades' \`((i == 1) || (i == 2)) && (flag == 0)\`: every copy but the first, where the local still holds its
   constant; a flag read from memory, or one written before the if, keeps the first copy too */
SEC("tp_btf/d") int first_copy(struct task_struct *t) {
  int flag = 0;
#pragma unroll
  for (int i = 0; i < 8; i++) {
    t = (void *)bpf_get_current_task();
    if ((i == 1 || i == 2) && flag == 0) { out[0] += BPF_CORE_READ(t, tgid); flag = out[5]; }
  }
  out[1] = flag;
  return 0;
}
SEC("tp_btf/e") int first_copy_memory(struct task_struct *t) {
#pragma unroll
  for (int i = 0; i < 8; i++) {
    t = (void *)bpf_get_current_task();
    if ((i == 1 || i == 2) && out[6] == 0) { out[0] += BPF_CORE_READ(t, pid); out[6] = out[5]; }
  }
  return 0;
}
SEC("tp_btf/f") int first_copy_written(struct task_struct *t) {
  int flag = 0;
#pragma unroll
  for (int i = 0; i < 8; i++) {
    t = (void *)bpf_get_current_task();
    flag += out[4];
    if ((i == 1 || i == 2) && flag == 0) { out[0] += BPF_CORE_READ(t, flags); flag = out[5]; }
  }
  out[1] = flag;
  return 0;
}
`, { exact: true }],
  // a constant parameter on the left of && / || decides the right side per inlined copy (bcc's biolatency:
  // trace_rq_start(rq, false) drops \`issue && targ_queued && BPF_CORE_READ(rq, q, elevator)\`'s reads)
  ['sc_param', `const volatile int want_q = 1;
long out[4];
/* a constant parameter on the left of && / || decides whether the right side runs in each inlined copy */
static __always_inline int start(struct request *rq, int issue)
{
  if (issue && want_q && BPF_CORE_READ(rq, q, elevator)) return 0;
  if (!issue || BPF_CORE_READ(rq, cmd_flags) == 3) out[0]++;
  return 1;
}
static int on_insert(u64 *ctx) { return start((void *)ctx[0], 0); }
static int on_issue(u64 *ctx) { return start((void *)ctx[0], 1); }
SEC("raw_tp/a") int ins(u64 *ctx) { return on_insert(ctx); }
SEC("raw_tp/b") int iss(u64 *ctx) { return on_issue(ctx); }
/* an unknown left side keeps the right side */
SEC("raw_tp/c") int unk(u64 *ctx) { return start((void *)ctx[0], ctx[1]); }
`, { exact: true }],
];

describe("constructs of real projects: live sites equal clang's relocations (programs of our own, real clang)", function () {
  this.timeout(120_000);
  let dir: string;
  let analyzer: Analyzer;
  before(async () => {
    execFileSync(path.join(REPO_ROOT, 'scripts/build-fixtures.sh'), ['--vmlinux-h'], { stdio: 'inherit' });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'corelens-constructs-'));
    analyzer = await createAnalyzer();
  });
  after(() => { if (dir) fs.rmSync(dir, { recursive: true, force: true }); });

  for (const [name, text, opts] of CONSTRUCTS) {
    it(name, async () => {
      const src = path.join(dir, `${name}.bpf.c`);
      const obj = path.join(dir, `${name}.o`);
      if (opts?.header) fs.writeFileSync(path.join(dir, `${name}.bpf.h`), opts.header);
      fs.writeFileSync(src, HEAD + text + 'char LICENSE[] SEC("license") = "GPL";\n');
      const r = spawnSync('clang', ['-g', '-O2', '-target', 'bpf', '-D__TARGET_ARCH_x86', `-I${PROGRAMS}`, '-c', src, '-o', obj], { encoding: 'utf8' });
      assert.strictEqual(r.status, 0, r.stderr);
      const agree = await compareProgram(analyzer, { name, arch: 'x86', source: src, object: obj, includePaths: [PROGRAMS], defines: [], newLibbpf: false }, contextExpansion);
      assert.ok(agree.relocations > 0, 'clang emitted relocations');
      assert.deepStrictEqual([...agree.missing, ...agree.extra].map((d) => `${d.key} x${d.count} ${d.line}`), []);
      assert.strictEqual(agree.crash, undefined);
      if (opts?.exact) assert.deepStrictEqual(agree.merged.map((d) => `${d.key} x${d.count} ${d.line}`), [], 'live sites above clang\'s count');
    });
  }
});
