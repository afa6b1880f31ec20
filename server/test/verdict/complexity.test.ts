// The kernel verifier gives up on a program once it has processed 1,000,000 instructions ("BPF program is too large",
// BPF_COMPLEXITY_LIMIT_INSNS): the walk counts instructions as do_check() does and refuses such a program too
// (index.ts COMPLEX), and it walks callbacks as the kernel does (verify.ts SCC: a bpf_loop callback goes back to its
// call, numbers that keep changing there are widened, and its states are compared by range once a backedge was
// found). Programs of our own, each loaded by this machine's kernel in the test; where the kernel loads, its own count
// is read from its verifier log (bpftool -d) and must be the walk's to the instruction. Counted, not timed.

import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { openBtfFile } from '../../src/btf/open';
import { openBpfObject } from '../../src/btf/object';
import { relocateObject } from '../../src/core/object';
import { factsFromBtf, objectVerdicts } from '../../src/verdict/index';
import { loadPrograms } from '../../src/verdict/program';
import { verify } from '../../src/verdict/verify';
import { compileBpf, scratch } from '../support/bpfLoad';
import { FIXTURES } from '../support/paths';

/** 10 instructions per iteration and no state to prune: N iterations are 10 * N + 9 instructions processed. */
const LOOP = `#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

SEC("kprobe/do_sys_openat2")
int big(void *ctx)
{
	__u64 h = bpf_get_prandom_u32();

	for (__u32 i = 0; i < N; i++) {
		h ^= h >> 7;
		h *= 0x9e3779b97f4a7c15ULL;
		h += i;
	}
	return h & 1;
}

char LICENSE[] SEC("license") = "GPL";
`;

/**
 * K draws, each on one side of its if only: where the paths meet, 2^K different tnums. Compared by what something
 * needed (precision: nothing here), they are one state; compared by range (a callback's states once it came back to
 * its call), they are not.
 */
const DRAWS = `#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

struct acc {
	__u64 set;
};

static __always_inline __u64 bits(void)
{
	__u64 set = 0;

#pragma unroll
	for (int i = 0; i < K; i++)
		if (bpf_get_prandom_u32() & 1)
			set |= (bpf_get_prandom_u32() | 1ULL) << i;
	return set;
}

#ifdef IN_CALLBACK
static long each(__u32 index, void *ctx)
{
	struct acc *a = ctx;

	a->set |= bits();
	return 0;
}

SEC("kprobe/do_sys_openat2")
int in_callback(void *ctx)
{
	struct acc a = {};

	bpf_loop(4, each, &a, 0);
	return a.set == 0;
}
#else
SEC("kprobe/do_sys_openat2")
int in_program(void *ctx)
{
	struct acc a = {};

	a.set |= bits();
	return a.set == 0;
}
#endif

char LICENSE[] SEC("license") = "GPL";
`;

/** A callback counting in its caller's memory: the sum differs at each return to the call until it is widened. */
const SUM = `#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

struct acc {
	__u64 sum;
};

static long each(__u32 index, void *ctx)
{
	struct acc *a = ctx;
	__u64 sum = 0;

	for (int i = 0; i < 24; i++) {
		__u32 v = bpf_get_prandom_u32();

		if (v & 1)
			sum += v & 0xff;
	}
	a->sum += sum;
	return 0;
}

SEC("kprobe/do_sys_openat2")
int summed(void *ctx)
{
	struct acc a = {};

	bpf_loop(4, each, &a, 0);
	return a.sum & 1;
}

char LICENSE[] SEC("license") = "GPL";
`;

let pins = 0;

/**
 * Loads every program of OBJ into the running kernel (bpftool prog loadall; -d: with the verifier's log, whose
 * "processed N insns" is the kernel's count). Its output goes to a file: a refused 1,000,000-instruction walk logs
 * tens of megabytes.
 */
function kernelLoad(obj: string, dir: string, withLog = false): { ok: boolean; tail: string; processed: Map<string, number> } {
  const pin = `/sys/fs/bpf/corelens-complexity-${process.pid}-${++pins}`;
  const out = path.join(dir, `load-${pins}.txt`);
  const fd = fs.openSync(out, 'w');
  try {
    const r = spawnSync('bpftool', [...(withLog ? ['-d'] : []), 'prog', 'loadall', obj, pin], { stdio: ['ignore', fd, fd] });
    const text = fs.readFileSync(out, 'utf8');
    const processed = new Map<string, number>();
    for (const m of text.matchAll(/prog '(\w+)': -- BEGIN PROG LOAD LOG --[\s\S]*?\nprocessed (\d+) insns/g)) processed.set(m[1]!, Number(m[2]));
    return { ok: r.status === 0, tail: text.slice(-4000), processed };
  } finally {
    fs.closeSync(fd);
    fs.rmSync(pin, { recursive: true, force: true });
  }
}

/** corelens' verdicts for OBJ on the running kernel, and each program's walk (its steps). */
async function corelens(obj: string) {
  const o = await openBpfObject(obj);
  assert.ok(o.ok);
  const b = await openBtfFile('/sys/kernel/btf/vmlinux');
  assert.ok(b.ok);
  const btf = b.value.btf;
  const v = objectVerdicts(o.value, relocateObject(o.value, [{ name: 'host', btf }], { libbpf: '1.1' }),
    [{ name: 'host', facts: factsFromBtf(btf, o.value, { running: true }) }]);
  const progs = loadPrograms(o.value);
  const walk = (name: string, afterCall?: boolean) => {
    const p = progs.programs.find((x) => x.name === name)!;
    return verify(p, p.insns, p.insns, progs.data, progs.littleEndian, { nrCpuIds: 2, ...(afterCall !== undefined ? { afterCall } : {}) });
  };
  return { verdict: (name: string) => v.programs.find((p) => p.name === name)!.targets.get('host')!, walk };
}

function build(dir: string, name: string, source: string, defines: string): string {
  const src = path.join(dir, `${name}.bpf.c`);
  fs.writeFileSync(src, `${defines}\n${source}`);
  return compileBpf(src, undefined, { includes: [path.join(FIXTURES, 'programs')] });
}

describe('verdicts: programs the kernel finds too complex', function () {
  this.timeout(900_000);

  it('a bounded loop counted to the instruction: 999,999 load, 1,000,001 are too large, as the kernel says', async () => {
    const dir = scratch('corelens-complexity-');
    try {
      for (const [n, steps, loads] of [[99_999, 999_999, true], [100_000, 1_000_001, false]] as const) {
        const obj = build(dir, `loop${n}`, LOOP, `#define N ${n}`);
        const kernel = kernelLoad(obj, dir);
        assert.strictEqual(kernel.ok, loads, `the kernel on ${n} iterations: ${kernel.tail}`);
        if (!loads) assert.match(kernel.tail, /BPF program is too large\. Processed 1000001 insn/);
        const ours = await corelens(obj);
        const w = ours.walk('big');
        assert.strictEqual(w.steps, steps, `${n} iterations: the walk's count`);
        const v = ours.verdict('big');
        if (loads) assert.ok(v.loads, `${n} iterations: ${v.reason}`);
        else assert.deepStrictEqual([v.loads, v.kind], [false, 'complex'], `${n} iterations: ${v.reason}`);
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the same draws: in a bpf_loop callback too large (states compared by range), in the program 9,724 instructions (AFTER_CALL)', async () => {
    const dir = scratch('corelens-complexity-');
    try {
      const cb = build(dir, 'draws_cb', DRAWS, '#define K 10\n#define IN_CALLBACK');
      const kcb = kernelLoad(cb, dir);
      assert.ok(!kcb.ok && /BPF program is too large/.test(kcb.tail), `the kernel on in_callback: ${kcb.tail}`);
      const vcb = (await corelens(cb)).verdict('in_callback');
      assert.deepStrictEqual([vcb.loads, vcb.kind], [false, 'complex'], `corelens on in_callback: ${vcb.reason}`);

      const prog = build(dir, 'draws_prog', DRAWS, '#define K 10');
      const kprog = kernelLoad(prog, dir, true);
      assert.ok(kprog.ok, `the kernel on in_program: ${kprog.tail}`);
      const ours = await corelens(prog);
      assert.ok(ours.verdict('in_program').loads);
      // the kernel's own count with a prune point after each helper call, as the kernel's (AFTER_CALL); without, more
      const counted = kprog.processed.get('in_program');
      assert.strictEqual(ours.walk('in_program', true).steps, counted, 'in_program: instructions processed');
      assert.ok(ours.walk('in_program', false).steps > counted!, 'in_program: fewer states recorded, less pruned');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a callback counting in its caller\'s memory: widened at its return, it converges after two rounds, as the kernel\'s', async () => {
    const dir = scratch('corelens-complexity-');
    try {
      const obj = build(dir, 'summed', SUM, '');
      const kernel = kernelLoad(obj, dir, true);
      assert.ok(kernel.ok, kernel.tail);
      const ours = await corelens(obj);
      assert.ok(ours.verdict('summed').loads);
      const w = ours.walk('summed');
      assert.strictEqual(w.steps, kernel.processed.get('summed'), 'instructions processed: the callback walked twice, as the kernel walks it');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
