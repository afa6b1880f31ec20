// The walk drops recorded states that keep failing to prune (verify.ts EVICT, the kernel's miss_cnt heuristic): a long
// bounded loop pair with a data-dependent branch inside (the shape of bad-bpf's textreplace2: scan a buffer for a
// byte, note each hit in a map) is decided as the kernel decides it, with the same verdicts, reach and steps budget
// as without eviction, comparing far fewer states. Counted, not timed: the comparisons are the walk's pruning cost.

import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { openBpfObject } from '../../src/btf/object';
import { loadPrograms } from '../../src/verdict/program';
import { verify } from '../../src/verdict/verify';
import { compileBpf, loadOnRunningKernel, scratch } from '../support/bpfLoad';
import { FIXTURES } from '../support/paths';

const PROGRAM = `#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

#define N 64

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, char[N]);
} needle SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, __u32);
	__type(value, __u64);
} hits SEC(".maps");

/* every place of a 64 x 64 byte window where the needle's first byte is: one map entry each */
SEC("kprobe/do_sys_openat2")
int scan(void *ctx)
{
	char buf[N] = {};
	__u32 zero = 0, counter = 0;
	char *want = bpf_map_lookup_elem(&needle, &zero);
	__u64 base = bpf_get_current_task();

	if (!want)
		return 0;
	for (__u32 i = 0; i < N; i++) {
		bpf_probe_read_kernel(&buf, sizeof(buf), (void *)(base + i * N));
		for (__u32 j = 0; j < N; j++) {
			if (buf[j] == want[0]) {
				__u64 at = base + i * N + j;

				bpf_map_update_elem(&hits, &counter, &at, BPF_ANY);
				counter++;
			}
		}
	}
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
`;

describe('verdicts: recorded states that keep failing to prune are dropped', function () {
  this.timeout(600_000);

  it('a 64 x 64 scan loop: loads as the kernel says, the same walk outcome, far fewer state comparisons', async () => {
    const dir = scratch('corelens-evict-');
    try {
      const src = path.join(dir, 'scan.bpf.c');
      fs.writeFileSync(src, PROGRAM);
      const obj = compileBpf(src, undefined, { includes: [path.join(FIXTURES, 'programs')] });
      const kernel = loadOnRunningKernel(obj);
      const o = await openBpfObject(obj);
      assert.ok(o.ok);
      const progs = loadPrograms(o.value);
      const p = progs.programs.find((x) => x.name === 'scan')!;
      const run = (evict: boolean) => verify(p, p.insns, p.insns, progs.data, progs.littleEndian, { nrCpuIds: 2, evict });
      const kept = run(false);
      const dropped = run(true);
      // the verdict: the kernel's (it loads), by both walks
      assert.ok(kernel.ok, `the kernel refuses our own scan program: ${kernel.log.slice(0, 2000)}`);
      for (const [what, r] of [['without eviction', kept], ['with eviction', dropped]] as const) {
        assert.strictEqual(r.error, undefined, `${what}: ${JSON.stringify(r.error)}`);
        assert.ok(!r.incomplete, `${what}: decided within the budget (${r.steps} steps)`);
      }
      assert.deepStrictEqual([...dropped.visited], [...kept.visited], 'the same instructions reached');
      // the cost: states at the loop heads no longer pile up
      assert.ok(dropped.compares * 4 < kept.compares, `${dropped.compares} comparisons with eviction, ${kept.compares} without`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
