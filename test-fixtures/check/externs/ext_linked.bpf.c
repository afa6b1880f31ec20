// SPDX-License-Identifier: MIT
/*
 * ext_linked.bpf.c - functions declared and defined nowhere in this unit (systing's `pystacks_clear_pid`, defined
 * in another BPF object the build links later with the BPF linker). A call leaves an undefined FUNC symbol and a FUNC
 * extern that no DATASEC lists (no __ksym): libbpf's open refuses the object compiled alone, on every kernel, naming
 * the first such symbol. One only called in dead code, and one never called, leave nothing; a kernel function
 * declared so (bpf_task_acquire, without __ksym) is no kfunc either, only a second unsectioned symbol; memcpy, declared
 * so, is lowered inline by clang.
 */
#include "externs.bpf.h"

char LICENSE[] SEC("license") = "GPL";

__u64 out[4];

void corelens_linked_later(int pid);
int corelens_linked_dead(int pid);
int corelens_linked_uncalled(void);
struct task_struct *bpf_task_acquire(struct task_struct *p);
/* a library function clang lowers inline (a constant size): no symbol */
void *memcpy(void *dst, const void *src, unsigned long n);
void bpf_task_release(struct task_struct *p);

SEC("tp_btf/sched_process_exec")
int BPF_PROG(linked_call, struct task_struct *p)
{
	corelens_linked_later(p->tgid);
	memcpy(&out[2], &out[3], sizeof(out[3]));
	if (0)
		out[0] = corelens_linked_dead(p->pid);
	return 0;
}

SEC("tp_btf/sched_process_fork")
int BPF_PROG(kernel_func_undeclared_ksym, struct task_struct *parent, struct task_struct *child)
{
	struct task_struct *t = bpf_task_acquire(child);

	if (t) {
		out[1] = t->pid;
		bpf_task_release(t);
	}
	return 0;
}

/* an asm label naming an LLVM intrinsic (bpf-developer-tutorial's socket filters): clang calls the intrinsic, no symbol */
unsigned long long load_byte(void *skb, unsigned long long off) asm("llvm.bpf.load.byte");

SEC("socket")
int socket_load_byte(struct __sk_buff *skb)
{
	return load_byte(skb, 14) == 6;
}
