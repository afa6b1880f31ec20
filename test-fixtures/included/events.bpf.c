// SPDX-License-Identifier: MIT
/*
 * events.bpf.c - one object, its programs in included .c files: this file holds the maps and includes one probe
 * file per subsystem, as some tool collections build a single "event probe" object. The helpers in helpers.bpf.h
 * are plain `static` (no __always_inline): LLVM weighs each by cost, counting the calls from every program of the
 * unit, including those of the included files.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 20);
} events SEC(".maps");

#include "helpers.bpf.h"
#include "file/probe.bpf.c"
#include "proc/probe.bpf.c"
