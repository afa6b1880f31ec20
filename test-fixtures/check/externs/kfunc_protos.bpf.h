// SPDX-License-Identifier: MIT
/*
 * kfunc_protos.bpf.h - the kfunc prototypes a newer bpftool appends to the vmlinux.h it generates: every kfunc of
 * the kernel, declared `__weak __ksym` so a program may test for it. A program including it and then declaring a
 * kfunc again without `__weak` still gets a weak symbol (clang merges `weak` from any declaration).
 */
#ifndef KFUNC_PROTOS_BPF_H
#define KFUNC_PROTOS_BPF_H

#ifndef BPF_NO_KFUNC_PROTOTYPES
#ifndef __weak
#define __weak __attribute__((weak))
#endif
#ifndef __ksym
#define __ksym __attribute__((section(".ksyms")))
#endif
extern int bpf_sock_destroy(struct sock_common *sock) __weak __ksym;
extern struct task_struct *bpf_task_acquire(struct task_struct *p) __weak __ksym;
extern void bpf_task_release(struct task_struct *p) __weak __ksym;
#endif

/* declared strong here, weak again by the program that includes this header */
extern struct cgroup *bpf_cgroup_from_id(u64 cgid) __ksym;

#endif
