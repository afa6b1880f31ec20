// SPDX-License-Identifier: MIT
/*
 * corelens verifier oracle: what the REAL kernel verifier of this machine says about every program of a BPF object
 * once real libbpf (Debian libbpf-dev 1.1.2, static libbpf.a) has relocated it against a target BTF.
 *
 * Build:  cc -O1 -g tools/oracle/verifier.c -o .tmp/verifier -l:libbpf.a -lelf -lz -Wl,--wrap=bpf_prog_load
 * Usage:  verifier OBJ.o NAME=TARGET.btf|NAME=host [...]      (root, or CAP_BPF + CAP_PERFMON)
 *         verifier --raw < PROBES    one instruction sequence per line: "NAME PROG_TYPE HEX" (8 bytes per instruction,
 *                                    little-endian); prints {"name","loads","errno","class","insn","message"} per line
 *
 * Per target, the object is opened with bpf_object_open_opts.btf_custom_path = TARGET (raw BTF; "host" = no custom
 * path: libbpf uses the running kernel's /sys/kernel/btf/vmlinux) and loaded ONCE with every program autoloaded,
 * exactly as a skeleton loads it: one CO-RE pass over all .BTF.ext records in file order (candidate pruning across
 * programs included), subprograms appended per program, maps created, .rodata frozen.
 *
 * Why one load and not one per program: autoloading a single program makes libbpf skip the CO-RE records of the
 * others, which changes candidate pruning and hides object-wide relocation errors. Instead, libbpf's calls of
 * bpf_prog_load() are intercepted (-Wl,--wrap=bpf_prog_load; only calls whose instructions are one of the object's
 * programs, never libbpf's feature probes): each program goes to the kernel as libbpf prepared it, its verdict and
 * verifier log are recorded, and a failed one is answered with a dummy fd so libbpf goes on to the next program.
 * So every program gets its own verdict from one real object load.
 *
 * Output: one JSON object per line, per target x program (object's program order):
 *   {"target","section","name","type","insns","loads","errno","class","insn","message","kconfig","ksyms","cpus"}
 * class: "ok" (loaded), "core" (the verifier reached a poisoned CO-RE instruction: `invalid func
 * unknown#195896080`), "scalar" (a load/store through a register the verifier sees as a scalar: `invalid mem access
 * 'scalar'`), "null" (a load/store through memory that may be NULL: `invalid mem access '[rdonly_|ringbuf_]mem_or_null'`),
 * "helper" (the verifier reached a call of a helper the TARGET kernel does not have: see helper_limit),
 * "complex" (the verifier gave up: `BPF program is too large. Processed 1000001 insn`, more instructions processed
 * than BPF_COMPLEXITY_LIMIT_INSNS), "other" (any other verifier error), "libbpf" (libbpf failed the object load before this program
 * reached the kernel: CO-RE relocation error, ...; then "message" is libbpf's last warning).
 * insn: the instruction index the verifier names (in the program as loaded: subprograms appended), or -1.
 * kconfig: the values libbpf gave the object's __kconfig externs on this machine, {"NAME":"hex bytes in memory
 * order"}: libbpf computes them from the running kernel (LINUX_HAS_SYSCALL_WRAPPER by probing, CONFIG_* from its
 * config), whatever the target, so a differential test must feed the same values to the analysis.
 * ksyms: for each __ksym extern (variable or kernel function), whether this machine's kernel has it ({"NAME":true}):
 * libbpf resolves them against the running kernel's BTF (typed) or /proc/kallsyms (untyped), never the target.
 * cpus: this machine's nr_cpu_ids (bpf_get_smp_processor_id() is bounded by it).
 * kconfigRaw, kernelVersion (only for objects with __kconfig externs): the text after `CONFIG_X=` in this machine's
 * kernel config for each CONFIG_ extern (null: not set), read here the way libbpf reads it, and libbpf's own
 * get_kernel_version(): what an analysis needs to compute the kconfig values and libbpf's refusals itself.
 * Exit code 3 when this process may not load BPF programs at all (not root, locked down): nothing is printed.
 * The verifier log of failures goes to stderr when VERIFIER_LOG=1.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <dirent.h>
#include <sys/stat.h>
#include <linux/bpf.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <sys/utsname.h>
#include <zlib.h>

/* libbpf's own (internal, linked from libbpf.a): LINUX_KERNEL_VERSION as libbpf computes it on this machine. */
__u32 get_kernel_version(void);

#define MAX_PROGS 1024

struct verdict {
	const struct bpf_program *prog;
	bool attempted;
	bool not_loaded; /* VERIFIER_AS_LOADER: autoload turned off as the project's loader would (see as_loader) */
	bool loads;
	int err;
	char *log;
};

/*
 * The target kernel's __BPF_FUNC_MAX_ID (its enum bpf_func_id, read from the target BTF; 0: no rewrite, as for the
 * running kernel). THIS machine's kernel knows every helper of an older one, so a program calling a helper the target
 * lacks would load here while the target's verifier refuses it ("invalid func unknown#<id>" where its walk reaches
 * the call). To get that verdict from this kernel, each such call is rewritten to an id no kernel knows
 * (UNKNOWN_HELPER_BASE + id) before the load -- what libbpf's poisoning does for failed relocations -- and
 * classify() maps the message back. probe_read_{user,kernel}[_str] are rewritten as libbpf 1.1 itself does on a kernel
 * without them (bpf_object__sanitize_prog: probe_read / probe_read_str).
 */
static int helper_limit;
#define UNKNOWN_HELPER_BASE 0x40000000
#define POISON_HELPER 0xbad2310

static int helper_limit_of(const char *btf_path)
{
	struct btf *btf = btf__parse(btf_path, NULL);
	const struct btf_type *t;
	const struct btf_enum *e;
	int id, i, limit = 0;

	if (!btf)
		return 0;
	id = btf__find_by_name_kind(btf, "bpf_func_id", BTF_KIND_ENUM);
	if (id > 0) {
		t = btf__type_by_id(btf, id);
		e = btf_enum(t);
		for (i = 0; i < btf_vlen(t); i++, e++)
			if (strcmp(btf__name_by_offset(btf, e->name_off), "__BPF_FUNC_MAX_ID") == 0)
				limit = e->val;
	}
	btf__free(btf);
	return limit;
}

/* A copy of insns with the helper calls the target lacks rewritten (see helper_limit); NULL when none is. */
static struct bpf_insn *as_on_target(const struct bpf_insn *insns, size_t insn_cnt)
{
	struct bpf_insn *out = NULL;
	size_t i;

	if (helper_limit <= 0)
		return NULL;
	for (i = 0; i < insn_cnt; i++) {
		const struct bpf_insn *in = &insns[i];
		int id = in->imm;

		if (in->code != (BPF_JMP | BPF_CALL) || in->src_reg != 0 || id < helper_limit || id == POISON_HELPER)
			continue;
		if (!out) {
			out = malloc(insn_cnt * sizeof(*out));
			if (!out)
				return NULL;
			memcpy(out, insns, insn_cnt * sizeof(*out));
		}
		out[i].imm = id == BPF_FUNC_probe_read_user || id == BPF_FUNC_probe_read_kernel ? BPF_FUNC_probe_read
			: id == BPF_FUNC_probe_read_user_str || id == BPF_FUNC_probe_read_kernel_str ? BPF_FUNC_probe_read_str
			: UNKNOWN_HELPER_BASE + id;
	}
	return out;
}

static struct bpf_object *cur_obj;
static struct verdict verdicts[MAX_PROGS];
static int nverdicts;
static char last_warn[4096];
static int devnull = -1;
static int cpus;

static int print_fn(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	char line[4096];

	if (level != LIBBPF_WARN)
		return 0;
	vsnprintf(line, sizeof(line), fmt, ap);
	/* Keep the first line of an object-level failure: it names the cause, later ones only say "failed". */
	if (!strstr(line, "failed to load object") && !strstr(line, "failed to perform CO-RE") && !strstr(line, "-- BEGIN PROG LOAD LOG"))
		if (!last_warn[0] || strstr(line, "relo #"))
			snprintf(last_warn, sizeof(last_warn), "%s", line);
	if (getenv("VERIFIER_DEBUG"))
		fputs(line, stderr);
	return 0;
}

int __real_bpf_prog_load(enum bpf_prog_type prog_type, const char *prog_name, const char *license,
			 const struct bpf_insn *insns, size_t insn_cnt, const struct bpf_prog_load_opts *opts);

static struct verdict *verdict_of(const struct bpf_insn *insns)
{
	int i;

	for (i = 0; i < nverdicts; i++)
		if (bpf_program__insns(verdicts[i].prog) == insns)
			return &verdicts[i];
	return NULL;
}

/* libbpf's program loads come here; feature probes (instructions of no program) pass straight through. */
int __wrap_bpf_prog_load(enum bpf_prog_type prog_type, const char *prog_name, const char *license,
			 const struct bpf_insn *insns, size_t insn_cnt, const struct bpf_prog_load_opts *opts)
{
	struct verdict *v = cur_obj ? verdict_of(insns) : NULL;
	struct bpf_prog_load_opts o;
	size_t size;
	int fd, err;

	struct bpf_insn *rewritten;

	if (!v)
		return __real_bpf_prog_load(prog_type, prog_name, license, insns, insn_cnt, opts);
	v->attempted = true;
	rewritten = as_on_target(insns, insn_cnt);
	if (rewritten)
		insns = rewritten;
	fd = __real_bpf_prog_load(prog_type, prog_name, license, insns, insn_cnt, opts);
	if (fd >= 0) {
		v->loads = true;
		free(rewritten);
		return fd;
	}
	err = errno;
	/* Ask again for the log (libbpf itself retries the same way); the outcome does not depend on the level. */
	for (size = 16u << 20; size <= (1u << 30); size *= 2) {
		free(v->log);
		v->log = calloc(1, size);
		if (!v->log)
			break;
		o = *opts;
		o.log_level = 1;
		o.log_buf = v->log;
		o.log_size = size;
		fd = __real_bpf_prog_load(prog_type, prog_name, license, insns, insn_cnt, &o);
		if (fd >= 0) {
			/* Loads with a log but not without one: report it, it is not a verdict we can explain. */
			close(fd);
			snprintf(v->log, size, "load failed (errno %d) without a log but succeeded with one\n", err);
			break;
		}
		if (errno != ENOSPC)
			break;
	}
	v->err = err;
	free(rewritten);
	/* A dummy fd makes libbpf carry on with the next program (it only binds .rodata to it, and warns). */
	return dup(devnull);
}

static void json_str(const char *s)
{
	putchar('"');
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c == '\n')
			fputs("\\n", stdout);
		else if (c == '\t')
			fputs("\\t", stdout);
		else if (c < 0x20)
			printf("\\u%04x", c);
		else
			putchar(c);
	}
	putchar('"');
}

/* The failing instruction and the error line of a verifier log: log level 1 keeps only the path that failed, so the
 * error is the first line after the last instruction that is neither a register state nor a statistic. */
static void classify(const char *log, const char **cls, int *insn, char *msg, size_t msgsz)
{
	const char *p = log, *eol;
	char line[1024];
	bool after_insn = false;

	msg[0] = '\0';
	*insn = -1;
	*cls = "other";
	while (p && *p) {
		int n, idx;
		char c;
		eol = strchr(p, '\n');
		n = eol ? (int)(eol - p) : (int)strlen(p);
		if (n >= (int)sizeof(line))
			n = sizeof(line) - 1;
		memcpy(line, p, n);
		line[n] = '\0';
		p = eol ? eol + 1 : NULL;
		if (sscanf(line, "%d: %c", &idx, &c) == 2) {
			if (c == '(') {
				*insn = idx;
				after_insn = true;
				msg[0] = '\0';
			}
			continue;
		}
		if (!after_insn || !line[0] || line[0] == ';' || strncmp(line, "processed ", 10) == 0
		    || strncmp(line, "verification time", 17) == 0 || strncmp(line, "stack depth", 11) == 0)
			continue;
		if (!msg[0])
			snprintf(msg, msgsz, "%s", line);
	}
	if (!msg[0] && log && *log)
		snprintf(msg, msgsz, "%.*s", (int)strcspn(log, "\n"), log);
	if (strstr(msg, "invalid func unknown#195896080")) {
		*cls = "core";
	} else if (strstr(msg, "invalid func unknown#")) {
		long id = strtol(strstr(msg, "invalid func unknown#") + 21, NULL, 10);

		/* a helper the target lacks (as_on_target): the target kernel's own message names the real id */
		if (id >= UNKNOWN_HELPER_BASE) {
			*cls = "helper";
			snprintf(msg, msgsz, "invalid func unknown#%ld", id - UNKNOWN_HELPER_BASE);
		}
	}
	else if (strstr(msg, "invalid mem access 'scalar'"))
		*cls = "scalar";
	else if (strstr(msg, "mem_or_null'") && strstr(msg, "invalid mem access '"))
		*cls = "null"; /* PTR_TO_MEM | PTR_MAYBE_NULL (dynptr slice, ring buffer record) used before its NULL check */
	else if (strstr(msg, "BPF program is too large"))
		*cls = "complex";
}

/* The values libbpf resolved for the object's __kconfig externs, as a JSON object of hex byte strings. */
static void print_kconfig(struct bpf_object *obj)
{
	const struct btf *btf = bpf_object__btf(obj);
	struct bpf_map *map = bpf_object__find_map_by_name(obj, ".kconfig");
	const unsigned char *data;
	size_t size = 0;
	int id, i, first = 1;

	printf("{");
	if (!btf || !map || !(data = bpf_map__initial_value(map, &size))) {
		printf("}");
		return;
	}
	id = btf__find_by_name_kind(btf, ".kconfig", BTF_KIND_DATASEC);
	if (id > 0) {
		const struct btf_type *ds = btf__type_by_id(btf, id);
		const struct btf_var_secinfo *vs = btf_var_secinfos(ds);
		for (i = 0; i < btf_vlen(ds); i++, vs++) {
			const struct btf_type *v = btf__type_by_id(btf, vs->type);
			unsigned int b;
			if (vs->offset + vs->size > size)
				continue;
			printf("%s\"%s\":\"", first ? "" : ",", btf__name_by_offset(btf, v->name_off));
			for (b = 0; b < vs->size; b++)
				printf("%02x", data[vs->offset + b]);
			printf("\"");
			first = 0;
		}
	}
	printf("}");
}

/* The value of CONFIG_NAME in this machine's kernel config (libbpf's places: /boot/config-$(uname -r), else
 * /proc/config.gz), copied into `out`; 0 when not set or no config can be read. */
static int host_config(const char *name, char *out, size_t outsz)
{
	char path[512], line[4096];
	struct utsname uts;
	size_t n = strlen(name);
	gzFile f;
	int found = 0;

	uname(&uts);
	snprintf(path, sizeof(path), "/boot/config-%s", uts.release);
	f = gzopen(path, "r");
	if (!f)
		f = gzopen("/proc/config.gz", "r");
	if (!f)
		return 0;
	while (!found && gzgets(f, line, sizeof(line))) {
		if (strncmp(line, name, n) || line[n] != '=')
			continue;
		line[strcspn(line, "\n")] = 0;
		snprintf(out, outsz, "%s", line + n + 1);
		found = 1;
	}
	gzclose(f);
	return found;
}

/* ,"kconfigRaw":{...},"kernelVersion":N for an object with __kconfig externs; nothing otherwise. */
static void print_kconfig_source(struct bpf_object *obj)
{
	const struct btf *btf = bpf_object__btf(obj);
	int id, i, first = 1;

	if (!btf || (id = btf__find_by_name_kind(btf, ".kconfig", BTF_KIND_DATASEC)) <= 0)
		return;
	printf(",\"kconfigRaw\":{");
	{
		const struct btf_type *ds = btf__type_by_id(btf, id);
		const struct btf_var_secinfo *vs = btf_var_secinfos(ds);
		for (i = 0; i < btf_vlen(ds); i++, vs++) {
			const char *name = btf__name_by_offset(btf, btf__type_by_id(btf, vs->type)->name_off);
			char value[4096];
			if (strncmp(name, "CONFIG_", 7))
				continue;
			printf("%s\"%s\":", first ? "" : ",", name);
			if (host_config(name, value, sizeof(value)))
				json_str(value);
			else
				printf("null");
			first = 0;
		}
	}
	printf("},\"kernelVersion\":%u", get_kernel_version());
}

/* Whether the running kernel has a symbol: its BTF for functions and typed variables, else /proc/kallsyms. */
static int host_has_symbol(const char *name)
{
	static struct btf *vmlinux;
	char line[512];
	FILE *f;
	int found = 0;

	if (!vmlinux)
		vmlinux = btf__load_vmlinux_btf();
	if (vmlinux && (btf__find_by_name_kind(vmlinux, name, BTF_KIND_FUNC) > 0 ||
			btf__find_by_name_kind(vmlinux, name, BTF_KIND_VAR) > 0))
		return 1;
	f = fopen("/proc/kallsyms", "r");
	if (!f)
		return 0;
	while (!found && fgets(line, sizeof(line), f)) {
		char sym[256];
		if (sscanf(line, "%*s %*s %255s", sym) == 1 && strcmp(sym, name) == 0)
			found = 1;
	}
	fclose(f);
	return found;
}

/* {"NAME":true|false} for the object's __ksym externs: BTF FUNCs and VARs with extern linkage outside .kconfig, as
 * the ELF has them (libbpf rewrites extern types in the BTF it keeps). */
static void print_ksyms(const char *obj_path)
{
	struct btf *btf = btf__parse_elf(obj_path, NULL);
	int id, n, first = 1, kconfig;

	printf("{");
	if (!btf) {
		printf("}");
		return;
	}
	kconfig = btf__find_by_name_kind(btf, ".kconfig", BTF_KIND_DATASEC);
	n = btf__type_cnt(btf);
	for (id = 1; id < n; id++) {
		const struct btf_type *t = btf__type_by_id(btf, id);
		const char *name = btf__name_by_offset(btf, t->name_off);
		int ext = 0;
		if (btf_is_func(t) && btf_vlen(t) == BTF_FUNC_EXTERN) /* FUNC linkage lives in vlen */
			ext = 1;
		if (btf_is_var(t) && btf_var(t)->linkage == BTF_VAR_GLOBAL_EXTERN) {
			ext = 1;
			if (kconfig > 0) {
				const struct btf_type *ds = btf__type_by_id(btf, kconfig);
				const struct btf_var_secinfo *vs = btf_var_secinfos(ds);
				int i;
				for (i = 0; i < btf_vlen(ds); i++, vs++)
					if (vs->type == (unsigned)id)
						ext = 0;
			}
		}
		if (!ext || !name || !*name)
			continue;
		printf("%s\"%s\":%s", first ? "" : ",", name, host_has_symbol(name) ? "true" : "false");
		first = 0;
	}
	printf("}");
	btf__free(btf);
}

/* One past the largest map type the running kernel knows (its BTF's __MAX_BPF_MAP_TYPE); a large number when unknown.
 * `vmlinux`: the running kernel's BTF as_loader already holds (not parsed a second time). */
static int max_map_type(const struct btf *vmlinux)
{
	static int max = -1;
	int id;

	if (max >= 0)
		return max;
	max = 1 << 30;
	if (!vmlinux)
		return max;
	id = btf__find_by_name_kind(vmlinux, "bpf_map_type", BTF_KIND_ENUM);
	if (id > 0) {
		const struct btf_type *t = btf__type_by_id(vmlinux, id);
		const struct btf_enum *e = btf_enum(t);
		int k;

		for (k = 0; k < btf_vlen(t); k++)
			if (strcmp(btf__name_by_offset(vmlinux, e[k].name_off), "__MAX_BPF_MAP_TYPE") == 0)
				max = e[k].val;
	}
	return max;
}

/*
 * VERIFIER_AS_LOADER=1 (server/bench/projectVerdicts.ts, real projects): do what a real project's user-space loader
 * does between open and load, which the object alone cannot say, so that libbpf does not refuse the whole object for a
 * reason that has nothing to do with CO-RE. Never used for the fixtures (their records must not depend on it):
 *   - a map left at max_entries 0 (the loader sizes it from the CPU count or an option) gets 1, local-storage maps
 *     excepted (they must stay at 0); a stack-trace map
 *     without value_size gets 127 frames (the kernel's default perf_event_max_stack), as bcc's tools set it;
 *     the inner ring buffer of a map of ring buffers left at 0 gets one page (falco's loader creates it at its size),
 *     an inner perf event array left at 0 the CPU count;
 *   - a perf event array gets key and value sizes 4 (newer libbpfs and cilium/ebpf set them), a ring
 *     buffer declared with a value type gets sizes 0 (they drop them);
 *   - no program of an object with a map type the running kernel does not know is loaded (bpftime's GPU maps:
 *     its programs run in a userspace runtime), nor a program whose attach target the loader names at run time
 *     (`SEC("fentry")` without a target: bpfsnoop);
 *   - no program of an object with a map of maps lacking its inner map's definition is loaded (the project's
 *     loader creates the inner map; the object cannot say its shape, which the verifier checks lookups against);
 *   - an fentry/fexit/fmod_ret/lsm/tp_btf program whose attach target the RUNNING kernel lacks is not loaded
 *     (libbpf resolves attach targets against the running kernel, never the target BTF; tools check
 *     fentry_can_attach() and turn such programs off): returns true for such a program, with its name in `why`;
 *   - a program in a section libbpf 1.1 does not know (uprobe.multi, tcx, netkit...: newer libbpfs know them) is not
 *     loaded: libbpf 1.1 leaves its type unset and then refuses the whole object ("missing BPF prog type"), so no
 *     program of the object would get a verdict. Its own outcome is the loader's, not CO-RE's;
 *   - an object with a map attribute given as an enum value (a newer libbpf's __ulong(), scx's arena map_extra),
 *     which libbpf 1.1 refuses at open, is not loaded (run_target: one "loader:" line for the whole object).
 */
static bool as_loader(struct bpf_object *obj, struct bpf_program *prog, char *why, size_t size)
{
	static struct btf *vmlinux;
	static const struct { const char *sec, *prefix; int kind; } attach[] = {
		{ "fentry/", "", BTF_KIND_FUNC }, { "fexit/", "", BTF_KIND_FUNC }, { "fmod_ret/", "", BTF_KIND_FUNC },
		{ "fentry.s/", "", BTF_KIND_FUNC }, { "fexit.s/", "", BTF_KIND_FUNC }, { "fmod_ret.s/", "", BTF_KIND_FUNC },
		{ "lsm/", "bpf_lsm_", BTF_KIND_FUNC }, { "lsm.s/", "bpf_lsm_", BTF_KIND_FUNC },
		{ "tp_btf/", "btf_trace_", BTF_KIND_TYPEDEF },
	};
	const char *sec = bpf_program__section_name(prog);
	char name[512];
	size_t i;
	struct bpf_map *map;

	if (bpf_program__type(prog) == BPF_PROG_TYPE_UNSPEC) {
		snprintf(why, size, "loader: libbpf 1.1 does not know section %s (program not loaded)", sec);
		return true;
	}
	if (!vmlinux)
		vmlinux = btf__load_vmlinux_btf();
	bpf_object__for_each_map(map, obj) {
		enum bpf_map_type t = bpf_map__type(map);

		if ((t == BPF_MAP_TYPE_HASH_OF_MAPS || t == BPF_MAP_TYPE_ARRAY_OF_MAPS) && !bpf_map__inner_map(map)) {
			snprintf(why, size, "loader: map %s is a map of maps without an inner map definition (the project's "
				 "loader supplies it; program not loaded)", bpf_map__name(map));
			return true;
		}
		if ((int)t >= max_map_type(vmlinux)) {
			snprintf(why, size, "loader: map %s has type %d, which the running kernel does not know (a userspace "
				 "runtime's map; program not loaded)", bpf_map__name(map), (int)t);
			return true;
		}
	}
	if (!vmlinux)
		return false;
	for (i = 0; i < sizeof(attach) / sizeof(attach[0]); i++) {
		size_t n = strlen(attach[i].sec);
		/* `SEC("fentry")`: the loader names the target at run time (bpf_program__set_attach_target) */
		if (strncmp(sec, attach[i].sec, n - 1) == 0 && (sec[n - 1] == '\0' || (sec[n - 1] == '/' && !sec[n]))) {
			snprintf(why, size, "loader: attach target set by the project's loader at run time (section %s; "
				 "program not loaded)", sec);
			return true;
		}
		if (strncmp(sec, attach[i].sec, n) != 0 || !sec[n])
			continue;
		snprintf(name, sizeof(name), "%s%s", attach[i].prefix, sec + n);
		if (btf__find_by_name_kind(vmlinux, name, attach[i].kind) < 0) {
			snprintf(why, size, "loader: attach target %s is not in the running kernel (program not loaded)", name);
			return true;
		}
		return false;
	}
	return false;
}

/* Whether the running kernel creates maps of this type (tracee's loader asks before it loads, see as_loader). */
static bool map_type_supported(enum bpf_map_type type)
{
	LIBBPF_OPTS(bpf_map_create_opts, o, .map_flags = BPF_F_MMAPABLE);
	int fd = bpf_map_create(type, NULL, 0, 0, 1, &o);

	if (fd < 0)
		return false;
	close(fd);
	return true;
}

/* Local-storage maps (socket, inode, task, cgroup) are sized by the objects they hang on: the kernel refuses any
 * max_entries but 0 (EINVAL), so a loader never sizes them. Numbers, as libbpf 1.1's headers may lack the names. */
static bool local_storage(enum bpf_map_type type)
{
	return type == 24 /* SK_STORAGE */ || type == 28 /* INODE_STORAGE */ || type == 29 /* TASK_STORAGE */
	       || type == 32 /* CGRP_STORAGE */;
}

static void size_maps_as_loader(struct bpf_object *obj)
{
	struct bpf_map *map;

	bpf_object__for_each_map(map, obj) {
		if (bpf_map__type(map) == 33 /* BPF_MAP_TYPE_ARENA */ && !map_type_supported(bpf_map__type(map)))
			bpf_map__set_autocreate(map, false);
		/* the kernel wants a perf event array's key and value sizes at 4; libbpf 1.1 leaves them at 0 or at a
		 * declared type's size (`__type(value, struct event)`), newer libbpfs and cilium/ebpf (retina's loader,
		 * cilium/ebpf's examples) set them to 4 */
		if (bpf_map__type(map) == BPF_MAP_TYPE_PERF_EVENT_ARRAY && bpf_map__key_size(map) != 4)
			bpf_map__set_key_size(map, 4);
		if (bpf_map__type(map) == BPF_MAP_TYPE_PERF_EVENT_ARRAY && bpf_map__value_size(map) != 4)
			bpf_map__set_value_size(map, 4);
		/* a ring buffer declared with `__type(value, struct event)`: the kernel wants key and value sizes 0;
		 * cilium/ebpf and newer libbpfs drop them, libbpf 1.1 passes the type's size (EINVAL). With the sizes at
		 * 0 the BTF value type no longer fits and libbpf 1.1 creates the map again without BTF, as it does. */
		if ((bpf_map__type(map) == BPF_MAP_TYPE_RINGBUF || bpf_map__type(map) == 31 /* USER_RINGBUF */)
		    && (bpf_map__key_size(map) || bpf_map__value_size(map))) {
			bpf_map__set_key_size(map, 0);
			bpf_map__set_value_size(map, 0);
		}
		if (bpf_map__type(map) == BPF_MAP_TYPE_STACK_TRACE && bpf_map__value_size(map) == 0)
			bpf_map__set_value_size(map, 127 * sizeof(__u64));
		if (bpf_map__max_entries(map) == 0 && bpf_map__type(map) != BPF_MAP_TYPE_RINGBUF
		    && bpf_map__type(map) != BPF_MAP_TYPE_PERF_EVENT_ARRAY && !local_storage(bpf_map__type(map)))
			bpf_map__set_max_entries(map, 1);
		/* a map of perf event arrays (inspektor-gadget's traceloop): libbpf sizes an outer perf event array
		 * left at 0 by the CPU count, never an inner one (EINVAL at 0 entries); the loader creates it sized
		 * (libbpf 1.1's setters crash on an inner map: it has no object) */
		if (bpf_map__inner_map(map) && bpf_map__type(bpf_map__inner_map(map)) == BPF_MAP_TYPE_PERF_EVENT_ARRAY
		    && bpf_map__max_entries(bpf_map__inner_map(map)) == 0 && libbpf_num_possible_cpus() > 0) {
			int fd = bpf_map_create(BPF_MAP_TYPE_PERF_EVENT_ARRAY, NULL, 4, 4, libbpf_num_possible_cpus(), NULL);

			if (fd >= 0)
				bpf_map__set_inner_map_fd(map, fd);
		}
		/* a map of ring buffers (falco's ringbuf_maps): the loader creates the inner ring buffer at its buffer
		 * size; libbpf would otherwise create the inner map at 0 entries, which the kernel refuses */
		if (bpf_map__inner_map(map) && bpf_map__type(bpf_map__inner_map(map)) == BPF_MAP_TYPE_RINGBUF
		    && bpf_map__max_entries(bpf_map__inner_map(map)) == 0) {
			int fd = bpf_map_create(BPF_MAP_TYPE_RINGBUF, NULL, 0, 0, sysconf(_SC_PAGESIZE), NULL);

			if (fd >= 0)
				bpf_map__set_inner_map_fd(map, fd);
		}
	}
}

/* Where libbpf pins the maps an object marks LIBBPF_PIN_BY_NAME: a directory of this process under /sys/fs/bpf,
 * emptied after each target and removed at exit. libbpf's default, /sys/fs/bpf itself, kept every such map pinned after
 * the run (real programs' maps left in the host's bpffs), and a later object with a map of the same name and another
 * definition would then fail to load ("couldn't reuse pinned map"): a refusal of this oracle's, not of the object. */
static char pin_dir[64];

/* Unpins what the last load pinned. */
static void clear_pins(void)
{
	DIR *d;
	struct dirent *e;
	char path[sizeof(pin_dir) + 256];

	if (!pin_dir[0] || !(d = opendir(pin_dir)))
		return;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", pin_dir, e->d_name);
		unlink(path);
	}
	closedir(d);
}

/* The pin directory, gone at exit (error exits included). */
static void drop_pin_dir(void)
{
	clear_pins();
	rmdir(pin_dir);
}

static void run_target(const char *obj_path, const char *tname, const char *tpath)
{
	bool loader = getenv("VERIFIER_AS_LOADER") != NULL;
	static char why[MAX_PROGS][640];
	LIBBPF_OPTS(bpf_object_open_opts, opts);
	struct bpf_program *prog;
	struct bpf_object *obj;
	int err, i;

	if (tpath)
		opts.btf_custom_path = tpath;
	if (pin_dir[0])
		opts.pin_root_path = pin_dir;
	helper_limit = tpath ? helper_limit_of(tpath) : 0;
	last_warn[0] = '\0';
	obj = bpf_object__open_file(obj_path, &opts);
	if (!obj) {
		/* libbpf refuses the object at open (an extern with no BTF: a kfunc called without a declaration): no
		 * program reaches the kernel. One line for the whole object, with an empty section and name; the
		 * comparison holds every program of the object to it. */
		int e = errno;

		if (!last_warn[0]) {
			fprintf(stderr, "verifier: %s: cannot open with target %s: %s\n", obj_path, tname, strerror(e));
			exit(1);
		}
		last_warn[strcspn(last_warn, "\n")] = '\0';
		/* VERIFIER_AS_LOADER: a map attribute given as an enum value is a newer libbpf's __ulong() (map_extra of an
		 * arena map: scx's sdt_alloc), which libbpf 1.1 cannot parse ("expected PTR, got enum"); the project's
		 * own libbpf opens it. The refusal is this oracle's libbpf, not the object's: no program is loaded. */
		if (loader && strstr(last_warn, "expected PTR, got enum")) {
			char msg[sizeof(last_warn) + 128];

			snprintf(msg, sizeof(msg), "loader: a newer libbpf's map attribute libbpf 1.1 cannot parse (%s; object not loaded)", last_warn);
			printf("{\"target\":");
			json_str(tname);
			printf(",\"section\":\"\",\"name\":\"\",\"type\":0,\"insns\":0,\"loads\":false,\"errno\":%d,\"class\":\"other\",\"insn\":-1,\"message\":", e);
			json_str(msg);
			printf(",\"kconfig\":{},\"ksyms\":{},\"cpus\":%d}\n", cpus);
			return;
		}
		printf("{\"target\":");
		json_str(tname);
		printf(",\"section\":\"\",\"name\":\"\",\"type\":0,\"insns\":0,\"loads\":false,\"errno\":%d,\"class\":\"libbpf\",\"insn\":-1,\"message\":", e);
		json_str(last_warn);
		printf(",\"kconfig\":{},\"ksyms\":{},\"cpus\":%d}\n", cpus);
		return;
	}
	nverdicts = 0;
	bpf_object__for_each_program(prog, obj) {
		if (nverdicts == MAX_PROGS) {
			fprintf(stderr, "verifier: %s: more than %d programs\n", obj_path, MAX_PROGS);
			exit(1);
		}
		/* Every program, SEC("?...") ones too: a verdict for each. */
		why[nverdicts][0] = '\0';
		if (loader && as_loader(obj, prog, why[nverdicts], sizeof(why[nverdicts]))) {
			bpf_program__set_autoload(prog, false);
			verdicts[nverdicts++] = (struct verdict){ .prog = prog, .not_loaded = true };
			continue;
		}
		bpf_program__set_autoload(prog, true);
		verdicts[nverdicts++] = (struct verdict){ .prog = prog };
	}
	if (loader)
		size_maps_as_loader(obj);
	last_warn[0] = '\0';
	cur_obj = obj;
	err = bpf_object__load(obj);
	cur_obj = NULL;
	for (i = 0; i < nverdicts; i++) {
		struct verdict *v = &verdicts[i];
		const char *cls = "ok";
		char msg[4096] = "";
		int insn = -1, e = 0;

		if (v->not_loaded) {
			cls = "other";
			snprintf(msg, sizeof(msg), "%s", why[i]);
		} else if (!v->attempted) {
			cls = "libbpf";
			e = err ? -err : 0;
			snprintf(msg, sizeof(msg), "%s", last_warn[0] ? last_warn : "libbpf did not load the program");
			msg[strcspn(msg, "\n")] = '\0';
		} else if (!v->loads) {
			e = v->err;
			classify(v->log, &cls, &insn, msg, sizeof(msg));
			if (getenv("VERIFIER_LOG"))
				fprintf(stderr, "==== %s %s %s\n%s\n", obj_path, tname, bpf_program__name(v->prog), v->log ? v->log : "");
		}
		printf("{\"target\":");
		json_str(tname);
		printf(",\"section\":");
		json_str(bpf_program__section_name(v->prog));
		printf(",\"name\":");
		json_str(bpf_program__name(v->prog));
		printf(",\"type\":%d,\"insns\":%zu,\"loads\":%s,\"errno\":%d,\"class\":\"%s\",\"insn\":%d,\"message\":",
		       bpf_program__type(v->prog), v->attempted ? bpf_program__insn_cnt(v->prog) : 0,
		       v->loads ? "true" : "false", e, cls, insn);
		json_str(msg);
		printf(",\"kconfig\":");
		print_kconfig(obj);
		printf(",\"ksyms\":");
		print_ksyms(obj_path);
		print_kconfig_source(obj);
		printf(",\"cpus\":%d}\n", cpus);
		free(v->log);
	}
	bpf_object__close(obj);
	clear_pins();
}

/* nr_cpu_ids: the highest possible CPU + 1. */
static int possible_cpus(void)
{
	FILE *f = fopen("/sys/devices/system/cpu/possible", "r");
	char buf[256];
	int n = 0;
	char *last;

	if (!f)
		return 0;
	if (fgets(buf, sizeof(buf), f)) {
		last = strrchr(buf, ',');
		last = last ? last + 1 : buf;
		if (strchr(last, '-'))
			last = strchr(last, '-') + 1;
		n = atoi(last) + 1;
	}
	fclose(f);
	return n;
}

/* Whether bpf() lets this process load a program at all (a two-instruction socket filter). */
static int bpf_permitted(void)
{
	struct bpf_insn prog[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = 0, .imm = 0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	int fd = __real_bpf_prog_load(BPF_PROG_TYPE_SOCKET_FILTER, "probe", "GPL", prog, 2, NULL);

	if (fd < 0) {
		fprintf(stderr, "verifier: bpf() does not let this process load programs: %s\n", strerror(errno));
		return 0;
	}
	close(fd);
	return 1;
}

/* --raw: load hand-written instruction sequences (the semantics probes of server/test/verdict/semantics.test.ts). */
static int run_raw(void)
{
	static char line[1 << 20];
	char *log = calloc(1, 16u << 20);

	while (fgets(line, sizeof(line), stdin)) {
		char name[256], hex[sizeof(line)];
		int type, fd, n, i, insn = -1;
		const char *cls = "ok";
		char msg[4096] = "";
		struct bpf_insn *prog;

		if (sscanf(line, "%255s %d %s", name, &type, hex) != 3)
			continue;
		n = strlen(hex) / 16;
		prog = calloc(n ? n : 1, sizeof(*prog));
		for (i = 0; i < n * 8; i++) {
			unsigned int b;
			sscanf(hex + 2 * i, "%2x", &b);
			((unsigned char *)prog)[i] = b;
		}
		LIBBPF_OPTS(bpf_prog_load_opts, o, .log_buf = log, .log_size = 16u << 20, .log_level = 1);
		log[0] = '\0';
		fd = __real_bpf_prog_load(type, "probe", "GPL", prog, n, &o);
		if (fd >= 0)
			close(fd);
		else
			classify(log, &cls, &insn, msg, sizeof(msg));
		printf("{\"name\":");
		json_str(name);
		printf(",\"loads\":%s,\"errno\":%d,\"class\":\"%s\",\"insn\":%d,\"message\":", fd >= 0 ? "true" : "false",
		       fd >= 0 ? 0 : errno, cls, insn);
		json_str(msg);
		printf("}\n");
		free(prog);
	}
	free(log);
	return 0;
}

int main(int argc, char **argv)
{
	int i;

	if (argc == 2 && strcmp(argv[1], "--raw") == 0) {
		if (!bpf_permitted())
			return 3;
		return run_raw();
	}
	if (argc < 3) {
		fprintf(stderr, "usage: verifier OBJ.o NAME=TARGET.btf|NAME=host ... | verifier --raw < PROBES\n");
		return 2;
	}
	if (!bpf_permitted())
		return 3;
	cpus = possible_cpus();
	devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
	libbpf_set_strict_mode(LIBBPF_STRICT_ALL);
	libbpf_set_print(print_fn);
	snprintf(pin_dir, sizeof(pin_dir), "/sys/fs/bpf/corelens-oracle-%d", (int)getpid());
	if (mkdir(pin_dir, 0700) != 0)
		pin_dir[0] = '\0'; /* no bpffs there: libbpf's default, as before */
	else
		atexit(drop_pin_dir);
	for (i = 2; i < argc; i++) {
		char *eq = strchr(argv[i], '=');
		if (!eq) {
			fprintf(stderr, "verifier: target \"%s\" is not NAME=FILE\n", argv[i]);
			return 2;
		}
		*eq = '\0';
		run_target(argv[1], argv[i], strcmp(eq + 1, "host") ? eq + 1 : NULL);
		fflush(stdout);
	}
	return 0;
}
