// Savings in a first analysis (issue 12's big program) that must not change a value. Clang's merge model (cse.ts):
// its states' maps and sets copied by forEach (cseCopies) and the `tails` rule's signature of a function's last
// statement made only once an arm is like it (lazyTails); analyzeFunction's scan of how each name is written without
// a regular expression, array literals or a closure per token (sites.ts writeScan); analyses with all on equal
// analyses with all off, field by field (sites with their `merged` flags, notes, plain accesses, functions, local BTF), on every fixture and corpus
// program and the big program, both arches alone, and the big program's two arches sharing as the language server
// shares them. The second arch's blanked bodies (docBodies.ts blank): the regular expression's text, code unit for code unit. The
// write scan's assignment operators (sites.ts ASSIGN_OPS): what its regular expression matched, over every C
// punctuator.

import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { createAnalyzer } from '../../src/source/analyzer';
import { cseCopies, lazyTails } from '../../src/source/cse';
import { blank } from '../../src/source/docBodies';
import { ASSIGN_OPS, writeScan } from '../../src/source/sites';
import { HeaderCache } from '../../src/source/localTypes';
import { SharedFunctions } from '../../src/source/sharedFunctions';
import { SharedTrees } from '../../src/source/sharedTrees';
import { writeBigProgram } from '../../bench/bigProgram';
import { generateVmlinuxH } from '../../bench/source.bench';
import { analysisShapes, fixtureSourcePrograms } from '../support/analysisShapes';
import { compileBpf } from '../support/bpfLoad';
import { compareProgram, contextExpansion } from '../support/corpus';

/** `tails` shapes (after held-out-shapes' OBI one): an arm ending `if (meta) { ..; trace(..); } return;` and the
 * function ending with the same statement (a twin); one whose argument differs (none); one whose tail reads nothing
 * relocated (no signature: the lazy walk stops at the first like arm). Then a parameter handed on to a callee that
 * drops it, and a `suffix` pair. */
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
/* a parameter named only as an argument handed on whole to a callee that never reads it (kubeshark's ssl_uprobe):
 * dropped, its PT_REGS load dead */
static __always_inline int ignore(u64 *tp, int unused) { *tp = 1; return 0; }
static __always_inline int pass_on(u64 *tp, int ssl) { return ignore(tp, ssl); }
SEC("kprobe/d") int BPF_KPROBE(prog_pass, void *a, int ssl)
{
	return pass_on(&tps[1], ssl);
}
/* suffix (after held-out-shapes' netdata one): two returning paths whose inlined reads differ only in the first
 * relocation share the rest (one tgid record) */
static __always_inline u32 real_parent_pid(void)
{
	struct task_struct *t = (struct task_struct *)bpf_get_current_task();
	return BPF_CORE_READ(t, real_parent, tgid);
}
static __always_inline u32 parent_pid(void)
{
	struct task_struct *t = (struct task_struct *)bpf_get_current_task();
	return BPF_CORE_READ(t, parent, tgid);
}
static __always_inline u32 pick(int level)
{
	if (level == 1)
		return real_parent_pid();
	return parent_pid();
}
SEC("kprobe/e") int prog_pick(struct pt_regs *ctx)
{
	tps[2] = pick((int)PT_REGS_PARM1(ctx));
	return 0;
}
char LICENSE[] SEC("license") = "GPL";
`;

describe('merge model copies, lazy tails, the write scan: the same analyses', function () {
  this.timeout(600_000);

  const set = (on: boolean) => { cseCopies.on = on; lazyTails.on = on; writeScan.on = on; };
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
    let suffixes = 0;
    for (const arch of ['x86', 'arm64']) {
      const off = await createAnalyzer({ defines: [`__TARGET_ARCH_${arch}`] });
      const on = await createAnalyzer({ defines: [`__TARGET_ARCH_${arch}`] });
      for (const { f, includePaths: inc } of programs) {
        const text = fs.readFileSync(f, 'utf8');
        set(false);
        const c0 = cseCopies.copies;
        const s0 = lazyTails.skipped;
        const f0 = lazyTails.found;
        const x0 = lazyTails.suffixes;
        const want = analysisShapes(off.analyze(f, text, { includePaths: inc }));
        assert.strictEqual(cseCopies.copies, c0, 'copies by forEach are off');
        assert.strictEqual(lazyTails.skipped, s0, 'lazy tails are off');
        const foundOff = lazyTails.found - f0;
        const suffixesOff = lazyTails.suffixes - x0;
        set(true);
        const f1 = lazyTails.found;
        const x1 = lazyTails.suffixes;
        const got = analysisShapes(on.analyze(f, text, { includePaths: inc }));
        for (const k of Object.keys(want)) assert.strictEqual(got[k], want[k], `${path.basename(f)} ${arch}: ${k} differ`);
        assert.strictEqual(lazyTails.found - f1, foundOff, `${path.basename(f)} ${arch}: the same tail twins`);
        assert.strictEqual(lazyTails.suffixes - x1, suffixesOff, `${path.basename(f)} ${arch}: the same suffix pairs`);
        found += foundOff;
        suffixes += suffixesOff;
        off.close(f);
        on.close(f);
      }
    }
    assert.ok(programs.length >= 46, `${programs.length} programs`);
    // both were used: maps copied, signatures not made, and twins still found where an arm is like the tail
    assert.ok(cseCopies.copies - copies0 > 10_000, `copies: ${cseCopies.copies - copies0}`);
    assert.ok(lazyTails.skipped - skipped0 > 100, `signatures not made: ${lazyTails.skipped - skipped0}`);
    assert.ok(found > 0, `tail twins found: ${found}`);
    assert.ok(suffixes > 0, `suffix pairs found: ${suffixes}`);
  });

  it("the shapes' live sites are clang's relocations", async () => {
    const { includePaths } = fixtureSourcePrograms();
    const src = path.join(dir, 'shapes.bpf.c');
    const obj = path.join(dir, 'shapes.bpf.o');
    fs.writeFileSync(src, TAILS);
    compileBpf(src, obj, { includes: includePaths, arch: 'x86' });
    const agree = await compareProgram(await createAnalyzer(), { name: 'shapes', arch: 'x86', source: src, object: obj, includePaths, defines: [], newLibbpf: false }, contextExpansion);
    assert.deepStrictEqual([...agree.missing, ...agree.extra, ...agree.merged].map((d) => `${d.key} x${d.count} ${d.section} ${d.line}`), []);
    assert.strictEqual(agree.crash, undefined);
    assert.ok(agree.relocations >= 9, `${agree.relocations} relocations`);
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

describe('blanked bodies: the regular expression\'s text', () => {
  it('random texts: newlines, carriage returns, tabs, surrogate pairs, empty lines', () => {
    const pieces = ['\n', '\r\n', '\r', '\t', ' ', 'x', '{', '}', '\u00e9', '\ud83d\ude00', '\ud83d', '\u2028', '\n\n', ''];
    let seed = 12;
    const rnd = (n: number) => { seed = (Math.imul(seed, 1103515245) + 12345) >>> 0; return (seed >>> 8) % n; };
    for (let k = 0; k < 500; k++) {
      let s = '';
      for (let i = rnd(40); i > 0; i--) s += pieces[rnd(pieces.length)];
      assert.strictEqual(blank(s), s.replace(/[^\n]/g, ' '), JSON.stringify(s));
    }
    assert.strictEqual(blank(''), '');
    assert.strictEqual(blank('\n'), '\n');
  });
});

describe("the write scan's assignment operators", () => {
  it('are what /^([-+*/%&|^]|<<|>>)?=$/ matches among every C punctuator and a few words', () => {
    const re = /^([-+*/%&|^]|<<|>>)?=$/;
    const puncts = ['[', ']', '(', ')', '{', '}', '.', '->', '++', '--', '&', '*', '+', '-', '~', '!', '/', '%', '<<', '>>', '<', '>', '<=', '>=',
      '==', '!=', '^', '|', '&&', '||', '?', ':', ';', '...', '=', '*=', '/=', '%=', '+=', '-=', '<<=', '>>=', '&=', '^=', '|=', ',', '#', '##',
      '<:', ':>', '<%', '%>', '%:', '%:%:', 'a', '', '==='];
    for (const p of puncts) assert.strictEqual(ASSIGN_OPS.has(p), re.test(p), p);
    assert.strictEqual(ASSIGN_OPS.size, puncts.filter((p) => re.test(p)).length);
  });
});
