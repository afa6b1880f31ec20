// Benchmark anchor: the same work as corelens' BTF bench, done by libbpf (btf__parse + btf__find_by_name_kind +
// member offsets of 20 task_struct fields), timed over many runs. Built and run by server/bench/btf.bench.ts.
#include <bpf/btf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

static const char *FIELDS[] = {"pid", "tgid", "real_parent", "parent", "comm", "flags", "prio", "static_prio",
	"normal_prio", "policy", "mm", "active_mm", "cred", "real_cred", "files", "fs", "nsproxy", "signal",
	"exit_code", "__state"};

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* Offset in bits of a named member, searching anonymous members like C name lookup does; -1 if absent. */
static long member_offset(const struct btf *btf, __u32 id, const char *name, int depth)
{
	const struct btf_type *t = btf__type_by_id(btf, id);
	while (t && (btf_is_mod(t) || btf_is_typedef(t)))
		t = btf__type_by_id(btf, t->type);
	if (!t || !btf_is_composite(t) || depth > 16)
		return -1;
	const struct btf_member *m = btf_members(t);
	for (int i = 0; i < btf_vlen(t); i++, m++) {
		const char *n = btf__name_by_offset(btf, m->name_off);
		__u32 off = btf_member_bit_offset(t, i);
		if (n && *n) {
			if (strcmp(n, name) == 0)
				return off;
		} else {
			long inner = member_offset(btf, m->type, name, depth + 1);
			if (inner >= 0)
				return off + inner;
		}
	}
	return -1;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: %s RAW.btf RUNS\n", argv[0]);
		return 2;
	}
	int runs = atoi(argv[2]);
	double *t = calloc(runs, sizeof(*t));
	long sum = 0;
	for (int r = 0; r < runs; r++) {
		double t0 = now_ms();
		struct btf *btf = btf__parse(argv[1], NULL);
		if (!btf) {
			fprintf(stderr, "cannot parse %s\n", argv[1]);
			return 1;
		}
		int id = btf__find_by_name_kind(btf, "task_struct", BTF_KIND_STRUCT);
		for (unsigned i = 0; i < sizeof(FIELDS) / sizeof(*FIELDS); i++)
			sum += member_offset(btf, id, FIELDS[i], 0);
		t[r] = now_ms() - t0;
		btf__free(btf);
	}
	qsort(t, runs, sizeof(*t), cmp);
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	printf("{\"medianMs\":%.3f,\"minMs\":%.3f,\"maxRssKb\":%ld,\"checksum\":%ld}\n", t[runs / 2], t[0], ru.ru_maxrss, sum / runs);
	return 0;
}
