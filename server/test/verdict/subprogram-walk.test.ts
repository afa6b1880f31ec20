// What the verifier walks of a subprogram and after a loop, as the source path must say it (issue 12: no error
// `check FILE.bpf.c` reports that `check FILE.o` does not). Programs of our own in the shape the generated probes
// found (seeds 218, 244, 260, 266, 330 of 201-400): each is checked both ways against 5.10 (no task_struct::__state)
// and 6.18, and loaded by THIS machine's kernel after real libbpf relocated it against each (scripts/verifier-oracle.sh,
// btf_custom_path): the source path's errors must be the object path's and the kernel's verdicts.
//   - ool_callers (CORELENS_OOL_CALLERS): a subprogram kept out of line runs where one of its calls runs, with that
//     call's constant arguments known (the verifier's check_func_call and is_branch_taken); a global one once a
//     walked call reaches it; clang's IPSCCP folds a parameter every call passes the same literal;
//   - loop_join (CORELENS_LOOP_JOIN): code after a loop entered at least once runs where a path through its body does;
//   - poisoned_guards (CORELENS_POISONED_GUARDS): under a check whose relocation is poisoned on a target (the size of a
//     field it lacks) the verifier stops at the check; the object path's walk goes on into both branches with the
//     value unknown and reports the direct reads there too (seed 296's 18 object-only groups), and so does the source.

import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CheckFinding } from '../../src/check/run';
import { createAnalyzer } from '../../src/source/analyzer';
import { bundledKernelSpecs } from '../../src/targets/registry';
import { compileBpf } from '../support/bpfLoad';
import { checkBothWays } from '../support/checkBoth';
import { compareProgram, contextExpansion } from '../support/corpus';
import { FIXTURES, REPO_ROOT, kernelPath } from '../support/paths';
import { VerdictLine } from '../support/verifier';

const PROGRAMS = path.join(FIXTURES, 'programs');
const HEAD = `#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";
__u64 out[8];
`;

/** ool_callers: three subprograms reading __state, none walked where it fails (`reached` adds a call that is). */
const oolCallers = (reached: boolean): string => `
/* kept out of line (noinline, two calls): the verifier walks it from each call with that call's k */
static __noinline __u64 ool_state(struct task_struct *t, int k)
{
	if (k == 0)
		return BPF_CORE_READ(t, __state);
	return BPF_CORE_READ(t, pid) + k;
}

/* called only in a case no kernel takes: an int's offset is a multiple of 4 */
static __noinline __u64 ool_flags(struct task_struct *t)
{
	out[5] = BPF_CORE_READ(t, flags);
	return BPF_CORE_READ(t, __state);
}

/* global: verified on its own, once a call the verifier walks reaches it */
__noinline __u64 glob_state(__u64 task)
{
	struct task_struct *t = (void *)task;

	return BPF_CORE_READ(t, __state);
}

SEC("tp_btf/sched_switch")
int BPF_PROG(ool_calls, bool preempt, struct task_struct *prev, struct task_struct *next)
{
	out[0] = ool_state(prev, 1);
	out[1] = ool_state(next, ${reached ? 0 : 2});
	switch (bpf_core_field_offset(next->pid) & 3) {
	case 1:
		out[2] = ool_flags(next);
		out[3] = glob_state((__u64)next);
		break;
	default:
		out[2] = 0;
		break;
	}
	return 0;
}
`;

/** loop_join: the loop's first iteration returns wherever __state is missing (`reached`: wherever it exists). */
const loopJoin = (reached: boolean): string => `
SEC("tp_btf/sched_switch")
int BPF_PROG(loop_join, bool preempt, struct task_struct *prev, struct task_struct *next)
{
#pragma unroll
	for (int i = 0; i < 2; i++) {
		if (${reached ? '' : '!'}bpf_core_field_exists(next->__state))
			return 0;
		out[i] = BPF_CORE_READ(prev, pid);
	}
	out[2] = BPF_CORE_READ(next, __state);
	return 0;
}
`;

/** The error findings as both paths are compared: code, line, targets. */
const errorsOf = (found: readonly CheckFinding[]): string[] => found.filter((f) => f.severity === 'error')
  .map((f) => `${f.code} ${f.location.line} [${[...f.targets].sort().join(',')}]`).sort();

describe('subprograms, loops and poisoned checks as the verifier walks them (ool_callers, loop_join, poisoned_guards)', function () {
  this.timeout(300_000);
  let dir: string;
  const raw = new Map<string, string>();
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'corelens-subwalk-'));
  });
  after(() => { if (dir) fs.rmSync(dir, { recursive: true, force: true }); });

  /** A fixture kernel's raw BTF (btf_custom_path reads raw BTF only). */
  const rawKernel = (name: string): string => {
    let out = raw.get(name);
    if (out) return out;
    out = path.join(dir, `${name}.btf`);
    const r = spawnSync('xz', ['-dc', kernelPath(name)], { maxBuffer: 1 << 28 });
    assert.strictEqual(r.status, 0, String(r.stderr));
    fs.writeFileSync(out, r.stdout);
    raw.set(name, out);
    return out;
  };

  /** Compiles NAME, checks it both ways (5.10, 6.18) and, as root, loads it here against both: the kernel's verdict
   * per target (undefined where loading is not permitted). */
  async function run(name: string, text: string): Promise<{ S: string[]; O: string[]; loads?: Map<string, VerdictLine> }> {
    const src = path.join(dir, `${name}.bpf.c`);
    const obj = path.join(dir, `${name}.bpf.o`);
    fs.writeFileSync(src, HEAD + text);
    compileBpf(src, obj, { includes: [PROGRAMS], arch: 'x86' });
    const targets = bundledKernelSpecs(false, path.join(FIXTURES, 'btf', 'kernels')).filter((t) => /^(5\.10|6\.18)-amd64$/.test(t.name));
    const both = await checkBothWays({ targets, workers: 0, includePaths: [PROGRAMS], defines: [] }, src, obj);
    if (process.getuid?.() !== 0) return { S: errorsOf(both.S), O: errorsOf(both.O) };
    const r = spawnSync(path.join(REPO_ROOT, 'scripts', 'verifier-oracle.sh'), ['--host-only', obj,
      '--against', `5.10-amd64=${rawKernel('5.10-amd64')}`, '--against', `6.18-amd64=${rawKernel('6.18-amd64')}`], { encoding: 'utf8' });
    if (r.status === 3) return { S: errorsOf(both.S), O: errorsOf(both.O) };
    assert.strictEqual(r.status, 0, r.stderr);
    const lines = r.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as VerdictLine);
    return { S: errorsOf(both.S), O: errorsOf(both.O), loads: new Map(lines.map((l) => [l.target, l])) };
  }

  it('ool_callers: no subprogram walked where __state fails, no error on either path, loads on 5.10', async () => {
    const { S, O, loads } = await run('ool_callers', oolCallers(false));
    assert.deepStrictEqual(S, O, 'check .bpf.c vs check .o');
    assert.deepStrictEqual(S, []);
    if (loads) for (const t of ['5.10-amd64', '6.18-amd64']) assert.ok(loads.get(t)?.loads, `${t}: ${loads.get(t)?.message}`);
  });

  it('ool_callers: a call passing k == 0 walks the read: the error on 5.10 on both paths, refused there', async () => {
    const { S, O, loads } = await run('ool_callers_reached', oolCallers(true));
    assert.deepStrictEqual(S, O, 'check .bpf.c vs check .o');
    assert.deepStrictEqual(S, ['core-missing-field 13 [5.10-amd64]']);
    if (loads) {
      assert.strictEqual(loads.get('5.10-amd64')?.class, 'core', loads.get('5.10-amd64')?.message);
      assert.ok(loads.get('6.18-amd64')?.loads, loads.get('6.18-amd64')?.message);
    }
  });

  it("ool_callers: a parameter every call passes the same literal is IPSCCP's constant: live sites = clang's relocations", async () => {
    // ool_sum's `k == 1` arm is gone from clang's one copy (every call passes 2): its reads are no relocation
    const text = HEAD + `
static __noinline __u64 ool_sum(struct task_struct *t, int k)
{
	__u64 v = BPF_CORE_READ(t, pid);

	if (k == 1)
		v += BPF_CORE_READ(t, tgid) + BPF_CORE_READ(t, real_parent, flags);
	return v + k;
}

SEC("tp_btf/sched_switch")
int BPF_PROG(ipsccp, bool preempt, struct task_struct *prev, struct task_struct *next)
{
	out[0] = ool_sum(prev, 2);
	out[1] = ool_sum(next, 2);
	return 0;
}
`;
    const src = path.join(dir, 'ipsccp.bpf.c');
    const obj = path.join(dir, 'ipsccp.bpf.o');
    fs.writeFileSync(src, text);
    compileBpf(src, obj, { includes: [PROGRAMS], arch: 'x86' });
    const agree = await compareProgram(await createAnalyzer(), { name: 'ipsccp', arch: 'x86', source: src, object: obj, includePaths: [PROGRAMS], defines: [], newLibbpf: false }, contextExpansion);
    assert.deepStrictEqual([...agree.missing, ...agree.extra, ...agree.merged].map((d) => `${d.key} x${d.count} ${d.section} ${d.line}`), []);
    assert.strictEqual(agree.relocations, 1);
  });

  it('poisoned_guards: a direct read under a poisoned check is the object walk\'s error there too; refused on 5.10', async () => {
    const { S, O, loads } = await run('poisoned_guards', `
SEC("kprobe/do_nanosleep")
int BPF_KPROBE(poisoned_guards)
{
	struct task_struct *t = (void *)bpf_get_current_task();

	if (bpf_core_field_size(t->__state) > 24)
		out[0] = t->pid;
	return 0;
}
`);
    assert.deepStrictEqual(S, O, 'check .bpf.c vs check .o');
    assert.ok(S.includes('direct-read 15 [5.10-amd64]'), S.join('\n'));
    if (loads) {
      assert.strictEqual(loads.get('5.10-amd64')?.class, 'core', loads.get('5.10-amd64')?.message);
      assert.ok(loads.get('6.18-amd64')?.loads, loads.get('6.18-amd64')?.message);
    }
  });

  it('loop_join: the first iteration returns where __state is missing: no error on either path, loads on 5.10', async () => {
    const { S, O, loads } = await run('loop_join', loopJoin(false));
    assert.deepStrictEqual(S, O, 'check .bpf.c vs check .o');
    assert.deepStrictEqual(S, []);
    if (loads) for (const t of ['5.10-amd64', '6.18-amd64']) assert.ok(loads.get(t)?.loads, `${t}: ${loads.get(t)?.message}`);
  });

  it('loop_join: the loop returns where __state exists: the read after it fails on 5.10 on both paths, refused there', async () => {
    const { S, O, loads } = await run('loop_join_reached', loopJoin(true));
    assert.deepStrictEqual(S, O, 'check .bpf.c vs check .o');
    assert.deepStrictEqual(S, ['core-missing-field 18 [5.10-amd64]']);
    if (loads) {
      assert.strictEqual(loads.get('5.10-amd64')?.class, 'core', loads.get('5.10-amd64')?.message);
      assert.ok(loads.get('6.18-amd64')?.loads, loads.get('6.18-amd64')?.message);
    }
  });
});
