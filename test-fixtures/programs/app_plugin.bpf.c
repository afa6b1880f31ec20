// SPDX-License-Identifier: MIT
/*
 * app_plugin.bpf.c - userspace CO-RE (issue 8): an eBPF plugin run by a
 * userspace runtime inside the host apps test-fixtures/apps/src/plugin_v*.c.
 *
 * No SEC at all: the entry point `int bpf_main(struct data *d)` lands in
 * .text, and the runtime hands it a pointer it dereferences directly (no
 * bpf_probe_read). The local struct data has the host v1 member order
 * { a, b, c } (c at 8) under the preserve_access_index pragma; the hosts'
 * packed structs put c at 8 (v1), 12 (v2: add_field inserted) and 9 (v3: b
 * removed, a one-byte flag added). The local copy is deliberately NOT packed:
 * CO-RE takes offsets from the target anyway, and clang splits a load from a
 * packed (align 1) member into several loads, each with its own relocation.
 */
#pragma clang attribute push(__attribute__((preserve_access_index)), apply_to = record)
struct data {
	int a;
	int b;
	int c;
};
#pragma clang attribute pop

/* a subprogram of its own, so that clang cannot duplicate the guarded load into both branches */
static __attribute__((noinline)) int read_b(struct data *d)
{
	return d->b;
}

int bpf_main(struct data *d)
{
	int r = d->c + (int)__builtin_preserve_field_info(d->c, 0 /* BPF_FIELD_BYTE_OFFSET */);

	if (__builtin_preserve_field_info(d->b, 2 /* BPF_FIELD_EXISTS */))
		r += read_b(d);
	return r;
}
