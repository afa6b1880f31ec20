// SPDX-License-Identifier: MIT
/*
 * rawtp-probe: which tp_btf arguments the RUNNING kernel types as a number (btf_ctx_access: "marking pointer argN as
 * scalar as it may encode error") or as a pointer that may be NULL, by loading, for every struct-pointer argument of
 * every btf_trace_* typedef of its BTF, a program that reads through it. Prints "TRACEPOINT ARG scalar|nullable" for
 * each argument that is not a plain trusted pointer (ARG counts from 0 after the typedef's `void *__data`), sorted as
 * the BTF has them. server/test/verdict/rawtp.test.ts compares the scalar lines with verdict/rawtp.ts. Needs root.
 *
 *   cc -O1 tools/oracle/rawtp-probe.c -o .tmp/rawtp-probe -l:libbpf.a -lelf -lz
 */
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <linux/bpf.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static char log_buf[1 << 16];

static const struct btf_type *skip(const struct btf *btf, const struct btf_type *t)
{
	while (btf_is_mod(t) || btf_is_typedef(t))
		t = btf__type_by_id(btf, t->type);
	return t;
}

int main(void)
{
	struct btf *btf = btf__load_vmlinux_btf();
	int id, n;

	if (!btf) {
		fprintf(stderr, "rawtp-probe: no vmlinux BTF\n");
		return 2;
	}
	n = btf__type_cnt(btf);
	for (id = 1; id < n; id++) {
		const struct btf_type *t = btf__type_by_id(btf, id), *p, *fp;
		const struct btf_param *par;
		const char *name;
		int a;

		if (!btf_is_typedef(t))
			continue;
		name = btf__name_by_offset(btf, t->name_off);
		if (strncmp(name, "btf_trace_", 10) != 0)
			continue;
		p = btf__type_by_id(btf, t->type);
		if (!btf_is_ptr(p))
			continue;
		fp = btf__type_by_id(btf, p->type);
		if (!btf_is_func_proto(fp))
			continue;
		par = btf_params(fp);
		for (a = 1; a < btf_vlen(fp); a++) {
			const struct btf_type *at = skip(btf, btf__type_by_id(btf, par[a].type));
			int arg = a - 1, fd;
			const char *res;

			if (!btf_is_ptr(at) || !btf_is_composite(skip(btf, btf__type_by_id(btf, at->type))))
				continue;
			/* r2 = ctx[arg]; r0 = *(u8 *)r2; return 0 */
			struct bpf_insn insns[] = {
				{ .code = BPF_LDX | BPF_MEM | BPF_DW, .dst_reg = 2, .src_reg = 1, .off = 8 * arg },
				{ .code = BPF_LDX | BPF_MEM | BPF_B, .dst_reg = 0, .src_reg = 2, .off = 0 },
				{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = 0, .imm = 0 },
				{ .code = BPF_JMP | BPF_EXIT },
			};
			LIBBPF_OPTS(bpf_prog_load_opts, o, .expected_attach_type = BPF_TRACE_RAW_TP, .attach_btf_id = id,
				    .log_buf = log_buf, .log_size = sizeof(log_buf), .log_level = 1);
			log_buf[0] = 0;
			fd = bpf_prog_load(BPF_PROG_TYPE_TRACING, "rawtp_probe", "GPL", insns, 4, &o);
			if (fd >= 0) {
				close(fd);
				continue;
			}
			if (errno == EPERM) {
				fprintf(stderr, "rawtp-probe: bpf() not permitted\n");
				return 3;
			}
			/* the kernel logs the marking when it types the argument, before the read through it */
			if (strstr(log_buf, "may encode error"))
				res = "scalar";
			else if (strstr(log_buf, "_or_null_"))
				res = "nullable";
			else
				continue; /* a trusted pointer whose first byte is not readable as a u8 (a pointer member) */
			printf("%s %d %s\n", name + 10, arg, res);
		}
	}
	return 0;
}
