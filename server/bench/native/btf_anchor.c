// Benchmark anchor: the same work as corelens' BTF bench, done by libbpf (btf__parse + btf__find_by_name_kind +
// member offsets of 20 task_struct fields + btf__free), cold first iteration apart, then the mean of the others.
// Built and run by server/bench/btf.bench.ts.
// clock_ms and vm_hwm_kb repeat tools/oracle/oracle.c's on purpose (the same measuring protocol, keep them equal):
// the two files share nothing else (the oracle opens .BTF from an ELF section and walks no members), and a shared
// header would put a cross-directory include and a header dependency into the four places that rebuild oracle.c
// when it is newer than its binary (scripts/oracle.sh twice, test/btf/tools-support.ts, bench buildNative), where a
// header-only edit would silently leave stale binaries. Twenty stable lines are cheaper than that.
#include <bpf/btf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *FIELDS[] = {"pid", "tgid", "real_parent", "parent", "comm", "flags", "prio", "static_prio",
	"normal_prio", "policy", "mm", "active_mm", "cred", "real_cred", "files", "fs", "nsproxy", "signal",
	"exit_code", "__state"};

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

/* One iteration: parse, find, 20 offsets, free (freeing is timed: it is the C side of a garbage collection). */
static long one(const char *file)
{
	long sum = 0;
	struct btf *btf = btf__parse(file, NULL);
	if (!btf) {
		fprintf(stderr, "cannot parse %s\n", file);
		exit(1);
	}
	int id = btf__find_by_name_kind(btf, "task_struct", BTF_KIND_STRUCT);
	for (unsigned i = 0; i < sizeof(FIELDS) / sizeof(*FIELDS); i++)
		sum += member_offset(btf, id, FIELDS[i], 0);
	btf__free(btf);
	return sum;
}

int main(int argc, char **argv)
{
	if (argc < 3 || atoi(argv[2]) < 1) {
		fprintf(stderr, "usage: %s RAW.btf ITERATIONS\n", argv[0]);
		return 2;
	}
	int n = atoi(argv[2]);
	/* the same protocol as the Node side (server/bench/common.ts measureIterations): first iteration apart */
	double w0 = clock_ms(CLOCK_MONOTONIC), c0 = clock_ms(CLOCK_PROCESS_CPUTIME_ID);
	long checksum = one(argv[1]);
	double w1 = clock_ms(CLOCK_MONOTONIC), c1 = clock_ms(CLOCK_PROCESS_CPUTIME_ID);
	for (int r = 1; r < n; r++)
		if (one(argv[1]) != checksum)
			return 1;
	double w2 = clock_ms(CLOCK_MONOTONIC), c2 = clock_ms(CLOCK_PROCESS_CPUTIME_ID);
	int warm = n > 1 ? n - 1 : 1;
	printf("{\"cold\":{\"wallMs\":%.4f,\"cpuMs\":%.4f},\"warm\":{\"wallMs\":%.4f,\"cpuMs\":%.4f},"
	       "\"peakRssKb\":%ld,\"checksum\":%ld}\n",
	       w1 - w0, c1 - c0, (w2 - w1) / warm, (c2 - c1) / warm, vm_hwm_kb(), checksum);
	return 0;
}
