// SPDX-License-Identifier: MIT
/*
 * ext_asm.bpf.c - a symbol only inline asm names (skywalking-rover's `asm("%0 = MONITOR_PID ll" : "=r"(pid))`, a
 * constant its Go loader rewrites): clang leaves an undefined NOTYPE symbol and a 64-bit load relocated to it, with
 * no BTF at all, so libbpf's open refuses the object ("failed to find BTF for extern"), on every kernel. A register
 * moved with ll-free asm names no symbol; a declared global named in asm is the global; an asm statement in a
 * static function nothing calls is never emitted.
 */
#include "externs.bpf.h"

char LICENSE[] SEC("license") = "GPL";

__u64 out[4];
__u64 corelens_asm_known;

static __noinline int uncalled(void)
{
	long v;

	asm volatile("%0 = CORELENS_ASM_UNCALLED ll" : "=r"(v));
	return v;
}

SEC("tp_btf/sched_process_exec")
int BPF_PROG(asm_symbol, struct task_struct *p)
{
	long pid, known, reg = 7;

	asm("%0 = CORELENS_ASM_PID ll" : "=r"(pid));
	asm volatile("%0 = corelens_asm_known ll" : "=r"(known));
	asm volatile("%[r] = 1" : [r] "+r"(reg));
	out[0] = pid == p->tgid;
	out[1] = known + reg;
	return 0;
}
