// Two savings of clang's merge model (cse.ts) that must not change a value: its states' maps and sets copied by
// forEach (cseCopies) and the `tails` rule's signature of a function's last statement made only once an arm is like
// it (lazyTails). Analyses with both on equal analyses with both off, field by field (sites with their `merged`
// flags, notes, plain accesses, functions, local BTF), on every fixture and corpus program and the big program, both
// arches alone, and the big program's two arches sharing as the language server shares them.

import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { createAnalyzer } from '../../src/source/analyzer';
import { cseCopies, lazyTails } from '../../src/source/cse';
import { HeaderCache } from '../../src/source/localTypes';
import { SharedFunctions } from '../../src/source/sharedFunctions';
import { SharedTrees } from '../../src/source/sharedTrees';
import { writeBigProgram } from '../../bench/bigProgram';
import { generateVmlinuxH } from '../../bench/source.bench';
import { analysisShapes, fixtureSourcePrograms } from '../support/analysisShapes';

/** `tails` shapes (after held-out-shapes' OBI one): an arm ending `if (meta) { ..; trace(..); } return;` and the
 * function ending with the same statement (a twin); one whose argument differs (none); one whose tail reads nothing
 * relocated (no signature: the lazy walk stops at the first like arm). */
const TAILS = `#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
struct meta { u8 type; u32 pid; };
struct { __uint(type, BPF_MAP_TYPE_HASH); __uint(max_entries, 64); __type(key, u64); __type(value, u64); } m SEC(".maps");
struct { __uint(type, BPF_MAP_TYPE_ARRAY); __uint(max_entries, 1); __type(key, int); __type(value, struct meta); } metas SEC(".maps");
const volatile bool capture = false;
u64 conns[4], tps[4];
static __always_inline void trace(u8 type, u64 *conn, u64 *tp)
{
	if (type == 1) {
		struct task_struct *task = (struct task_struct *)bpf_get_current_task();
		u64 k = BPF_CORE_READ(task, group_leader, tgid);
		bpf_map_update_elem(&m, &k, tp, BPF_ANY);
	} else
		bpf_map_update_elem(&m, conn, tp, BPF_ANY);
}
static __always_inline void plain(u64 *conn, u64 *tp)
{
	bpf_map_update_elem(&m, conn, tp, BPF_ANY);
}
static __always_inline void same(struct meta *meta, u64 *conn, u64 *tp, unsigned char *buf)
{
	if (!capture) {
		if (meta) { *tp += meta->pid; trace(meta->type, conn, tp); }
		return;
	}
	bpf_probe_read_user(tp, 8, buf);
	if (meta) { *tp += meta->pid; trace(meta->type, conn, tp); }
}
static __always_inline void arg_differs(struct meta *meta, u64 *conn, u64 *tp, unsigned char *buf)
{
	if (!capture) {
		if (meta) { *tp += meta->pid; trace(meta->type, conn, tp + 1); }
		return;
	}
	bpf_probe_read_user(tp, 8, buf);
	if (meta) { *tp += meta->pid; trace(meta->type, conn, tp); }
}
static __always_inline void nothing_relocated(u64 *conn, u64 *tp, unsigned char *buf)
{
	if (!capture) {
		plain(conn, tp);
		return;
	}
	bpf_probe_read_user(tp, 8, buf);
	plain(conn, tp);
}
#define PROG(name, sec)											\\
SEC(sec) int prog_##name(struct pt_regs *ctx)								\\
{													\\
	int z = 0;											\\
	struct meta *meta = bpf_map_lookup_elem(&metas, &z);						\\
	name(meta, &conns[0], &tps[0], (void *)PT_REGS_PARM1(ctx));					\\
	return 0;											\\
}
PROG(same, "kprobe/a")
PROG(arg_differs, "kprobe/b")
SEC("kprobe/c") int prog_nothing(struct pt_regs *ctx)
{
	nothing_relocated(&conns[0], &tps[0], (void *)PT_REGS_PARM1(ctx));
	return 0;
}
char LICENSE[] SEC("license") = "GPL";
`;

describe('merge model copies and lazy tails: the same analyses', function () {
  this.timeout(600_000);

  const set = (on: boolean) => { cseCopies.on = on; lazyTails.on = on; };
  let dir = '';
  let big = '';
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'corelens-csecopies-'));
    generateVmlinuxH(dir);
    big = writeBigProgram(dir).file;
  });
  after(() => { set(true); fs.rmSync(dir, { recursive: true, force: true }); });

  it('every fixture and corpus program and the big program, both arches', async () => {
    const { files, includePaths } = fixtureSourcePrograms();
    fs.mkdirSync(path.join(dir, 'tails'));
    const tails = path.join(dir, 'tails', 'tails.bpf.c');
    fs.writeFileSync(tails, TAILS);
    const programs = [...files.map((f) => ({ f, includePaths })), { f: tails, includePaths }, { f: big, includePaths: [dir] }];
    const copies0 = cseCopies.copies;
    const skipped0 = lazyTails.skipped;
    let found = 0;
    for (const arch of ['x86', 'arm64']) {
      const off = await createAnalyzer({ defines: [`__TARGET_ARCH_${arch}`] });
      const on = await createAnalyzer({ defines: [`__TARGET_ARCH_${arch}`] });
      for (const { f, includePaths: inc } of programs) {
        const text = fs.readFileSync(f, 'utf8');
        set(false);
        const c0 = cseCopies.copies;
        const s0 = lazyTails.skipped;
        const f0 = lazyTails.found;
        const want = analysisShapes(off.analyze(f, text, { includePaths: inc }));
        assert.strictEqual(cseCopies.copies, c0, 'copies by forEach are off');
        assert.strictEqual(lazyTails.skipped, s0, 'lazy tails are off');
        const foundOff = lazyTails.found - f0;
        set(true);
        const f1 = lazyTails.found;
        const got = analysisShapes(on.analyze(f, text, { includePaths: inc }));
        for (const k of Object.keys(want)) assert.strictEqual(got[k], want[k], `${path.basename(f)} ${arch}: ${k} differ`);
        assert.strictEqual(lazyTails.found - f1, foundOff, `${path.basename(f)} ${arch}: the same tail twins`);
        found += foundOff;
        off.close(f);
        on.close(f);
      }
    }
    assert.ok(programs.length >= 46, `${programs.length} programs`);
    // both were used: maps copied, signatures not made, and twins still found where an arm is like the tail
    assert.ok(cseCopies.copies - copies0 > 10_000, `copies: ${cseCopies.copies - copies0}`);
    assert.ok(lazyTails.skipped - skipped0 > 100, `signatures not made: ${lazyTails.skipped - skipped0}`);
    assert.ok(found > 0, `tail twins found: ${found}`);
  });

  it('the big program, both arches sharing as the server does', async () => {
    const text = fs.readFileSync(big, 'utf8');
    const run = async (on: boolean) => {
      set(on);
      const trees = new SharedTrees();
      const headers = new HeaderCache();
      const functions = new SharedFunctions();
      const out: { [k: string]: string }[] = [];
      for (const arch of ['x86', 'arm64']) {
        const a = await createAnalyzer({ defines: [`__TARGET_ARCH_${arch}`], trees, headers, functions });
        out.push(analysisShapes(await a.analyzeAsync(big, text, { includePaths: [dir] }, () => Promise.resolve())));
        a.close(big);
      }
      return out;
    };
    const want = await run(false);
    const got = await run(true);
    for (const i of [0, 1]) for (const k of Object.keys(want[i]!)) assert.strictEqual(got[i]![k], want[i]![k], `arch ${i}: ${k} differ`);
  });
});
