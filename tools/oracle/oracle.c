// SPDX-License-Identifier: MIT
/*
 * corelens libbpf oracle.
 *
 * Asks the REAL libbpf (Debian libbpf-dev 1.1.2, static libbpf.a) how every
 * CO-RE relocation of a BPF object resolves against one or more target BTFs,
 * without a kernel and without bpf_object__open (which refuses non-native
 * objects and hides per-relocation results).
 *
 * Build:  cc -O1 -g tools/oracle/oracle.c -o .tmp/oracle -l:libbpf.a -lelf -lz
 * Usage:  oracle OBJ.o NAME=TARGET.btf [NAME=TARGET.btf ...]
 *         oracle --bench RUNS OBJ.o NAME=TARGET.btf [...]   (the in-process anchor of `npm run bench`)
 *
 * For each target independently this emulates bpf_object__relocate_core():
 *   - .BTF.ext core_relo groups are walked in file order, records in order;
 *   - candidates are searched once per local root type id (per target) with
 *     libbpf's own bpf_core_add_cands() and cached; the SAME list object is
 *     handed to every relocation with that root, because
 *     bpf_core_calc_relo_insn() prunes it in place;
 *   - TYPE_ID_LOCAL gets no candidate list; a missing/anonymous local root
 *     fails with -EINVAL, as bpf_core_find_cands() does;
 *   - bpf_core_patch_insn() is then applied to a COPY of the instruction(s).
 * Unlike libbpf, which aborts the whole load at the first error, we record the
 * error and go on with the next relocation (the candidate cache keeps whatever
 * state libbpf left in it).
 *
 * Output: one JSON object per line per relocation x target, target-major, in
 * relocation order. origVal/newVal are libbpf's __u64 values printed as SIGNED
 * 64-bit decimals (bit-for-bit reinterpretation), so that JSON number parsers
 * that go through float64 still see small negative values such as enum -2
 * exactly; values with |v| > 2^53 need a BigInt-aware parser.
 *
 * Byte order: bpfeb objects are supported: .BTF is handed to libbpf (which
 * byte-swaps non-native BTF on its own), .BTF.ext and instructions are swapped
 * here. NOTE: libbpf computes LSHIFT_U64 with the HOST byte order, so on an
 * x86-64 host the LSHIFT of a bpfeb object is the little-endian formula.
 *
 * libbpf's debug output goes to stderr only when ORACLE_DEBUG=1.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <byteswap.h>
#include <time.h>
#include <linux/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

/* ---- libbpf 1.1 internal declarations (src/relo_core.h, libbpf.c) ----
 * Only layouts and prototypes; they must match libbpf v1.1.x exactly. */
#define CORE_SPEC_MAX 64

struct bpf_core_cand {
	const struct btf *btf;
	__u32 id;
};

struct bpf_core_cand_list {
	struct bpf_core_cand *cands;
	int len;
};

struct bpf_core_accessor {
	__u32 type_id;    /* composite, or array element type */
	__u32 idx;        /* member or array index */
	const char *name; /* NULL for array accessors */
};

struct bpf_core_spec {
	const struct btf *btf;
	struct bpf_core_accessor spec[CORE_SPEC_MAX];
	__u32 root_type_id;
	enum bpf_core_relo_kind relo_kind;
	int len;
	int raw_spec[CORE_SPEC_MAX];
	int raw_len;
	__u32 bit_offset;
};

struct bpf_core_relo_res {
	__u64 orig_val;
	__u64 new_val;
	bool poison;
	bool validate;
	bool fail_memsz_adjust;
	__u32 orig_sz;
	__u32 orig_type_id;
	__u32 new_sz;
	__u32 new_type_id;
};

extern size_t bpf_core_essential_name_len(const char *name);
extern int bpf_core_add_cands(struct bpf_core_cand *local_cand, size_t local_essent_len,
			      const struct btf *targ_btf, const char *targ_btf_name,
			      int targ_start_id, struct bpf_core_cand_list *cands);
extern void bpf_core_free_cands(struct bpf_core_cand_list *cands);
extern int bpf_core_calc_relo_insn(const char *prog_name, const struct bpf_core_relo *relo,
				   int relo_idx, const struct btf *local_btf,
				   struct bpf_core_cand_list *cands,
				   struct bpf_core_spec *specs_scratch,
				   struct bpf_core_relo_res *targ_res);
extern int bpf_core_patch_insn(const char *prog_name, struct bpf_insn *insn, int insn_idx,
			       const struct bpf_core_relo *relo, int relo_idx,
			       const struct bpf_core_relo_res *res);

/* ---- object model ---- */
struct relo_rec {
	const char *sec_name;     /* ELF section, from .BTF strings */
	int idx_in_sec;           /* record index inside its group (libbpf's relo_idx) */
	struct bpf_core_relo relo;
	struct bpf_insn insn[2];  /* native-order copy; insn[1] zero if absent */
	int insn_err;             /* section/insn not found */
};

static bool swapped; /* object is of the other byte order */

static __u32 rd32(const void *p)
{
	__u32 v;
	memcpy(&v, p, 4);
	return swapped ? bswap_32(v) : v;
}

static void die(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "oracle: ");
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(2);
}

static int print_fn(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	static int dbg = -1;
	if (dbg < 0) {
		const char *e = getenv("ORACLE_DEBUG");
		dbg = e && strcmp(e, "1") == 0;
	}
	if (!dbg)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

static Elf_Data *find_section(Elf *elf, const char *name)
{
	size_t shstrndx;
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;

	if (elf_getshdrstrndx(elf, &shstrndx))
		die("elf_getshdrstrndx: %s", elf_errmsg(-1));
	while ((scn = elf_nextscn(elf, scn))) {
		if (!gelf_getshdr(scn, &sh))
			continue;
		const char *n = elf_strptr(elf, shstrndx, sh.sh_name);
		if (n && strcmp(n, name) == 0 && sh.sh_type != SHT_NOBITS)
			return elf_getdata(scn, NULL);
	}
	return NULL;
}

/* copy one instruction, converting from the object's byte order */
static void load_insn(struct bpf_insn *dst, const unsigned char *src)
{
	memcpy(dst, src, sizeof(*dst));
	if (!swapped)
		return;
	/* byte 1 holds both registers: dst_reg is the high nibble in a
	 * big-endian object, the low nibble in a little-endian one (the host's
	 * struct bpf_insn bitfields follow the host's order, so set them by name) */
	__u8 regs = src[1];
	bool obj_le = __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__; /* swapped: the other order */
	dst->dst_reg = obj_le ? regs & 0xf : regs >> 4;
	dst->src_reg = obj_le ? regs >> 4 : regs & 0xf;
	dst->off = (__s16)bswap_16((__u16)dst->off);
	dst->imm = (__s32)bswap_32((__u32)dst->imm);
}

static struct relo_rec *read_relos(Elf *elf, const struct btf *btf, int *cnt)
{
	Elf_Data *ext = find_section(elf, ".BTF.ext");
	struct relo_rec *recs = NULL;
	int n = 0;

	*cnt = 0;
	if (!ext || ext->d_size < 8)
		return NULL;
	const unsigned char *d = ext->d_buf;
	__u16 magic;
	memcpy(&magic, d, 2);
	if (magic != 0xEB9F && magic != bswap_16(0xEB9F))
		die(".BTF.ext: bad magic 0x%x", magic);
	if ((magic == 0xEB9F) == swapped)
		die(".BTF.ext byte order differs from the ELF header's");
	__u32 hdr_len = rd32(d + 4);
	if (hdr_len < 32 || hdr_len > ext->d_size)
		return NULL; /* no core_relo block */
	__u32 off = rd32(d + 24), len = rd32(d + 28);
	if (len == 0)
		return NULL;
	if ((size_t)hdr_len + off + len > ext->d_size || len < 4)
		die(".BTF.ext: core_relo block out of range");
	const unsigned char *p = d + hdr_len + off, *end = p + len;
	__u32 rec_size = rd32(p);
	p += 4;
	if (rec_size < 16 || rec_size % 4)
		die(".BTF.ext: bad core_relo rec_size %u", rec_size);

	while (p < end) {
		if (end - p < 8)
			die(".BTF.ext: truncated group header");
		__u32 sec_off = rd32(p), num = rd32(p + 4);
		p += 8;
		if ((size_t)(end - p) < (size_t)num * rec_size)
			die(".BTF.ext: truncated group");
		const char *sec = btf__name_by_offset(btf, sec_off);
		if (!sec)
			die(".BTF.ext: bad section name offset %u", sec_off);
		Elf_Data *code = find_section(elf, sec);
		recs = realloc(recs, sizeof(*recs) * (n + num));
		for (__u32 i = 0; i < num; i++, p += rec_size) {
			struct relo_rec *r = &recs[n++];
			memset(r, 0, sizeof(*r));
			r->sec_name = sec;
			r->idx_in_sec = i;
			r->relo.insn_off = rd32(p);
			r->relo.type_id = rd32(p + 4);
			r->relo.access_str_off = rd32(p + 8);
			r->relo.kind = rd32(p + 12);
			size_t io = r->relo.insn_off;
			if (!code || io % 8 || io + 8 > code->d_size) {
				r->insn_err = -EINVAL;
				continue;
			}
			load_insn(&r->insn[0], (const unsigned char *)code->d_buf + io);
			if (io + 16 <= code->d_size)
				load_insn(&r->insn[1], (const unsigned char *)code->d_buf + io + 8);
		}
	}
	*cnt = n;
	return recs;
}

/* per-target candidate cache, indexed by local type id */
struct cand_cache {
	struct bpf_core_cand_list **lists;
	int *errs;
	__u32 n;
};

static struct bpf_core_cand_list *get_cands(struct cand_cache *cc, const struct btf *local,
					    __u32 id, const struct btf *targ, int *err)
{
	*err = 0;
	if (id >= cc->n) {
		*err = -EINVAL;
		return NULL;
	}
	if (cc->lists[id] || cc->errs[id]) {
		*err = cc->errs[id];
		return cc->lists[id];
	}
	/* like bpf_core_find_cands(): named local root required */
	const struct btf_type *t = btf__type_by_id(local, id);
	const char *name = t ? btf__name_by_offset(local, t->name_off) : NULL;
	if (!t || !name || !name[0]) {
		/* libbpf does not cache a failed search; the result is the same
		 * every time, so caching the error is equivalent */
		cc->errs[id] = -EINVAL;
		*err = -EINVAL;
		return NULL;
	}
	struct bpf_core_cand local_cand = { .btf = local, .id = id };
	struct bpf_core_cand_list *l = calloc(1, sizeof(*l));
	int e = bpf_core_add_cands(&local_cand, bpf_core_essential_name_len(name), targ,
				   "vmlinux", 1, l);
	if (e) {
		bpf_core_free_cands(l);
		cc->errs[id] = e;
		*err = e;
		return NULL;
	}
	cc->lists[id] = l;
	return l;
}

static void json_str(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		unsigned char c = *s;
		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20)
			printf("\\u%04x", c);
		else
			putchar(c);
	}
	putchar('"');
}

/* Totals of one target's relocations, for the bench mode's proof that both sides did the same work. */
struct tally {
	long relos, errors, poisoned;
	long long values;
};

static void run_target(const char *tname, const char *tpath, const struct btf *local,
		       struct relo_rec *recs, int n, struct tally *bench)
{
	struct btf *targ = btf__parse(tpath, NULL);
	if (!targ)
		die("cannot parse target BTF %s: %d", tpath, -errno);

	struct cand_cache cc = { .n = btf__type_cnt(local) };
	cc.lists = calloc(cc.n, sizeof(*cc.lists));
	cc.errs = calloc(cc.n, sizeof(*cc.errs));
	struct bpf_core_spec *scratch = calloc(3, sizeof(*scratch));

	for (int i = 0; i < n; i++) {
		struct relo_rec *r = &recs[i];
		struct bpf_core_relo_res res;
		struct bpf_core_cand_list *cands = NULL;
		struct bpf_insn insn[2];
		int err = 0, perr = 0;
		bool poisoned = false;

		memset(&res, 0, sizeof(res));
		memset(scratch, 0, 3 * sizeof(*scratch));
		if (r->insn_err)
			err = r->insn_err;
		/* bpf_core_resolve_relo(): the local root must exist */
		if (!err && r->relo.type_id >= btf__type_cnt(local))
			err = -EINVAL;
		if (!err && r->relo.kind != BPF_CORE_TYPE_ID_LOCAL)
			cands = get_cands(&cc, local, r->relo.type_id, targ, &err);
		if (!err)
			err = bpf_core_calc_relo_insn(r->sec_name, &r->relo, r->idx_in_sec, local,
						      cands, scratch, &res);
		if (err) {
			memset(&res, 0, sizeof(res));
		} else {
			memcpy(insn, r->insn, sizeof(insn));
			perr = bpf_core_patch_insn(r->sec_name, insn, r->relo.insn_off / 8,
						   &r->relo, r->idx_in_sec, &res);
			poisoned = insn[0].code == (BPF_JMP | BPF_CALL) && insn[0].imm == 0xbad2310;
		}
		if (bench) {
			/* timing mode: the same work as below, nothing printed */
			bench->relos++;
			bench->errors += err != 0;
			bench->poisoned += !err && res.poison;
			bench->values += !err && !res.poison ? (long long)res.new_val : 0;
			continue;
		}
		const char *acc = btf__name_by_offset(local, r->relo.access_str_off);

		printf("{\"target\":");
		json_str(tname);
		printf(",\"section\":");
		json_str(r->sec_name);
		printf(",\"insnOff\":%u,\"kind\":%u,\"typeId\":%u,\"access\":", r->relo.insn_off,
		       (unsigned)r->relo.kind, r->relo.type_id);
		json_str(acc ? acc : "");
		printf(",\"err\":%d,\"poison\":%s,\"origVal\":%lld,\"newVal\":%lld,\"newTypeId\":%u,"
		       "\"validate\":%s,\"origSz\":%u,\"newSz\":%u,\"failMemszAdjust\":%s,"
		       "\"patchErr\":%d,\"insnPoisoned\":%s}\n",
		       err, res.poison ? "true" : "false", (long long)(int64_t)res.orig_val,
		       (long long)(int64_t)res.new_val, res.new_type_id,
		       res.validate ? "true" : "false", res.orig_sz, res.new_sz,
		       res.fail_memsz_adjust ? "true" : "false", perr,
		       poisoned ? "true" : "false");
	}

	for (__u32 i = 0; i < cc.n; i++)
		bpf_core_free_cands(cc.lists[i]);
	free(cc.lists);
	free(cc.errs);
	free(scratch);
	btf__free(targ);
}

/* clock_ms and vm_hwm_kb are server/bench/native/btf_anchor.c's too (copied, not shared: see there why). */
static double clock_ms(clockid_t c)
{
	struct timespec ts;
	clock_gettime(c, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* Peak RSS of this process image: VmHWM is per address space, so unlike getrusage's ru_maxrss it does not
 * inherit the peak of the (Node) parent that forked us before exec. */
static long vm_hwm_kb(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	long kb = -1;
	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "VmHWM: %ld kB", &kb) == 1)
			break;
	if (f)
		fclose(f);
	return kb;
}

int main(int argc, char **argv)
{
	int bench_runs = 0;
	if (argc > 2 && strcmp(argv[1], "--bench") == 0) {
		bench_runs = atoi(argv[2]);
		argv += 2;
		argc -= 2;
	}
	if (argc < 3 || (bench_runs <= 0 && strcmp(argv[0], "--bench") == 0)) {
		fprintf(stderr, "usage: %s [--bench RUNS] OBJ.o NAME=TARGET.btf [NAME=TARGET.btf ...]\n", argv[0]);
		return 2;
	}
	libbpf_set_print(print_fn);
	if (elf_version(EV_CURRENT) == EV_NONE)
		die("libelf init failed");

	int fd = open(argv[1], O_RDONLY);
	if (fd < 0)
		die("open %s: %s", argv[1], strerror(errno));
	Elf *elf = elf_begin(fd, ELF_C_READ, NULL);
	if (!elf)
		die("elf_begin %s: %s", argv[1], elf_errmsg(-1));
	GElf_Ehdr eh;
	if (!gelf_getehdr(elf, &eh))
		die("%s: not an ELF file", argv[1]);
	bool host_le = __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__;
	swapped = (eh.e_ident[EI_DATA] == ELFDATA2LSB) != host_le;

	/* the object's own BTF; libbpf swaps a non-native .BTF on parse */
	Elf_Data *btf_data = find_section(elf, ".BTF");
	if (!btf_data)
		die("%s: no .BTF section", argv[1]);
	struct btf *local = btf__new(btf_data->d_buf, btf_data->d_size);
	if (!local)
		die("%s: libbpf cannot parse .BTF: %d", argv[1], -errno);

	int n;
	struct relo_rec *recs = read_relos(elf, local, &n);

	/* stdout is a file/pipe; a big buffer keeps this fast */
	static char obuf[1 << 16];
	setvbuf(stdout, obuf, _IOFBF, sizeof(obuf));

	for (int a = 2; a < argc; a++) {
		char *eq = strchr(argv[a], '=');
		if (!eq || eq == argv[a])
			die("bad target argument '%s' (want NAME=PATH)", argv[a]);
		*eq = '\0';
		if (!bench_runs)
			run_target(argv[a], eq + 1, local, recs, n, NULL);
	}
	if (bench_runs) {
		/* Bench: every run parses each target and relocates the object on it, as one bpf_object__load per
		 * target does (candidate search included), freeing everything inside the timed part. */
		struct tally t = { 0 };
		printf("{\"runs\":[");
		for (int r = 0; r < bench_runs; r++) {
			double w0 = clock_ms(CLOCK_MONOTONIC), c0 = clock_ms(CLOCK_PROCESS_CPUTIME_ID);
			memset(&t, 0, sizeof(t));
			for (int a = 2; a < argc; a++)
				run_target(argv[a], argv[a] + strlen(argv[a]) + 1, local, recs, n, &t);
			double w1 = clock_ms(CLOCK_MONOTONIC), c1 = clock_ms(CLOCK_PROCESS_CPUTIME_ID);
			printf("%s{\"wallMs\":%.4f,\"cpuMs\":%.4f}", r ? "," : "", w1 - w0, c1 - c0);
		}
		printf("],\"relos\":%ld,\"errors\":%ld,\"poisoned\":%ld,\"values\":%lld,\"peakRssKb\":%ld}\n",
		       t.relos, t.errors, t.poisoned, t.values, vm_hwm_kb());
	}
	fflush(stdout);

	free(recs);
	btf__free(local);
	elf_end(elf);
	close(fd);
	return 0;
}
