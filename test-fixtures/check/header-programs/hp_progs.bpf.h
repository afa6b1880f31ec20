/* Programs defined in a header (a collection's per-feature header; the .bpf.c only includes it): their sites
 * have no call in the document, so the document shows them at the include line. */
#ifndef HP_PROGS_BPF_H
#define HP_PROGS_BPF_H
#include "hp_compat.bpf.h"

struct task_struct___hq { int hq_missing; } __attribute__((preserve_access_index));

SEC("tp_btf/sched_switch")
int hp_switch(unsigned long long *ctx)
{
	struct task_struct___hq *t = (void *)bpf_get_current_task();
	return BPF_CORE_READ(t, hq_missing);
}

SEC("tp_btf/sched_wakeup")
int hp_wakeup(unsigned long long *ctx)
{
	return hp_gone() != 0;
}
#endif
