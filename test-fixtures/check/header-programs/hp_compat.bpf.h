/* Compat helper kept in a header of its own (the way tool collections share them): reads a field that no
 * kernel has, so every program reaching it fails to load. */
#ifndef HP_COMPAT_BPF_H
#define HP_COMPAT_BPF_H

struct task_struct___hp { long hp_gone_field; } __attribute__((preserve_access_index));

static __always_inline long hp_gone(void)
{
	struct task_struct___hp *t = (void *)bpf_get_current_task();
	return BPF_CORE_READ(t, hp_gone_field);
}

#endif
