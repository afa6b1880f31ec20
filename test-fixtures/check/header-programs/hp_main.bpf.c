// The programs live in hp_progs.bpf.h; this file only includes it.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

static __always_inline int hp_unused(void)
{
	return 0;
}

#include "hp_progs.bpf.h"

char LICENSE[] SEC("license") = "GPL";
