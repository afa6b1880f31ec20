// SPDX-License-Identifier: MIT
/*
 * ext_memcmp_sizeof.bpf.c - a path compared by `sizeof` of its string constant (ebpf_exporter's unix-accept-latency:
 * `__builtin_memcmp(addr->name[0].sun_path, DBUS_SOCK_ADDR_PATH, sizeof(DBUS_SOCK_ADDR_PATH)) == 0`): 28 bytes, a
 * call of memcmp clang 14 keeps, which libbpf's open refuses; `sizeof(P) - 1` the same.
 */
#include "externs.bpf.h"

char LICENSE[] SEC("license") = "GPL";

#define SOCK_PATH "/run/dbus/system_bus_socket"
#define SHORT_PATH "/run/x"

__u64 out[2];

SEC("kprobe/do_nanosleep")
int kp_memcmp_sizeof(void *ctx)
{
	char path[32];

	bpf_get_current_comm(path, 16);
	out[0] = __builtin_memcmp(path, SOCK_PATH, sizeof(SOCK_PATH)) == 0;
	return 0;
}

SEC("kprobe/do_nanosleep")
int kp_memcmp_sizeof_less(void *ctx)
{
	char path[32];

	bpf_get_current_comm(path, 16);
	out[1] = __builtin_memcmp(path, SHORT_PATH "\x41", sizeof(SHORT_PATH "\x41") - 1) == 0;
	return 0;
}
