// How many copies of an unroll-pragma loop clang 14 makes, against what the live analysis predicts.
//
// A loop under `#pragma unroll` whose full unroll would pass LLVM's 16K pragma threshold is unrolled partially
// (tracee's 330- and 500-iteration loops: 22 and 25 copies); each copy carries every relocation of the body, so the
// live analysis must predict LLVM's count (sites.ts unrollCount). Programs of our own, generated here in the shape
// of those loops (an inlined helper with N CO-RE reads per iteration, trip counts with many divisors), compiled with
// clang -Rpass=loop-unroll: the factor clang reports must equal the copies of the loop's sites, and the live sites
// must equal clang's relocations (0 missing, 0 extra; CSE merges across the copies bounded as everywhere).
// Nothing is committed: the objects are built into a temp dir (about 10 s of clang on a quiet machine).

import * as assert from 'assert';
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { createAnalyzer, Analyzer } from '../../src/source/analyzer';
import { unrollCount } from '../../src/source/sites';
import { compareProgram, contextExpansion } from '../support/corpus';
import { FIXTURES, REPO_ROOT } from '../support/paths';

const PROGRAMS = path.join(FIXTURES, 'programs');

/** A program whose loop body inlines `reads` CO-RE reads (and a helper call per read) `tc` times. */
function loopProgram(reads: number, tc: number, pragma: string): string {
  const body: string[] = [];
  for (let r = 0; r < reads; r++) {
    body.push(`\tv += BPF_CORE_READ(n, a) * ${r + 3};`);
    body.push(`\tif (v & ${1 << (r % 8)}) out[${r % 64}] = BPF_CORE_READ(n, b) + i;`);
    body.push(`\tbpf_probe_read_kernel(&v, sizeof(v), &out[${(r * 7) % 64}]);`);
  }
  return `#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
struct node___unroll { struct node___unroll *next; u64 a, b; };
__u64 out[64];
static __always_inline u64 work(struct node___unroll *n, int i)
{
	u64 v = 0;
${body.join('\n')}
	return v;
}
SEC("raw_tp/unroll")
int prog(__u64 *ctx)
{
	struct node___unroll *n = (struct node___unroll *)ctx[0];
	u64 acc = 0;
${pragma}
	for (int i = 0; i < ${tc}; i++) {
		if (!n)
			return 0;
		acc += work(n, i);
		n = BPF_CORE_READ(n, next);
	}
	out[0] = acc;
	return 0;
}
char LICENSE[] SEC("license") = "GPL";
`;
}

describe('unroll pragmas: the copies LLVM 14 makes (clang -Rpass=loop-unroll) equal the live analysis', function () {
  this.timeout(300_000);
  let dir: string;
  let analyzer: Analyzer;
  before(async () => {
    execFileSync(path.join(REPO_ROOT, 'scripts/build-fixtures.sh'), ['--vmlinux-h'], { stdio: 'inherit' });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'corelens-unroll-'));
    analyzer = await createAnalyzer();
  });
  after(() => { if (dir) fs.rmSync(dir, { recursive: true, force: true }); });

  it('unrollCount follows computeUnrollCount: full under the threshold, else the largest fitting divisor', () => {
    assert.strictEqual(unrollCount(96, 100, 0), 96); // (100 - 2) * 96 + 2 < 16384
    assert.strictEqual(unrollCount(330, 700, 0), 22); // 16382 / 698 = 23 -> 22 divides 330
    assert.strictEqual(unrollCount(500, 600, 0), 25); // 16382 / 598 = 27 -> 25
    assert.strictEqual(unrollCount(331, 700, 0), 0); // a prime trip count: only a remainder loop (not modelled)
    assert.strictEqual(unrollCount(240, 20000, 0), 0); // one copy does not fit
    assert.strictEqual(unrollCount(64, 100, 8), 8); // `#pragma unroll 8` over 64
    assert.strictEqual(unrollCount(8, 100, 16), 8); // a count above the trip count is a full unroll
  });

  // reads per iteration x trip count: full unrolls, partial unrolls of several sizes, counts near a band edge
  const shapes: [number, number, string][] = [
    // (small bodies over hundreds of copies are left out: each copy's BPF_CORE_READ temporaries get their own stack
    // slots and clang stops at the BPF 512-byte stack limit before it emits anything)
    [5, 24, '#pragma unroll'], [4, 40, '#pragma clang loop unroll(full)'], [10, 330, '#pragma unroll'], [20, 330, '#pragma unroll'], [20, 500, '#pragma unroll'],
    [40, 240, '#pragma unroll'], [90, 96, '#pragma unroll'], [3, 64, '#pragma unroll 8'],
  ];
  for (const [reads, tc, pragma] of shapes) {
    it(`${reads} reads x ${tc} iterations under "${pragma}"`, async () => {
      const name = `u${reads}_${tc}_${pragma.replace(/\W+/g, '_')}`;
      const src = path.join(dir, `${name}.bpf.c`);
      const obj = path.join(dir, `${name}.o`);
      fs.writeFileSync(src, loopProgram(reads, tc, pragma));
      const r = spawnSync('clang', ['-g', '-O2', '-target', 'bpf', '-D__TARGET_ARCH_x86', `-I${PROGRAMS}`, '-Rpass=loop-unroll', '-c', src, '-o', obj], { encoding: 'utf8' });
      assert.strictEqual(r.status, 0, r.stderr);
      const m = /unrolled loop by a factor of (\d+)|completely unrolled loop with (\d+) iterations/.exec(r.stderr);
      const clangCopies = m ? Number(m[1] ?? m[2]) : 1;
      const a = analyzer.analyze(src, fs.readFileSync(src, 'utf8'), { includePaths: [PROGRAMS] });
      const next = a.sites.filter((s) => s.section === 'raw_tp/unroll' && s.access === '0:0');
      assert.ok(next.length > 0, 'the loop\'s BPF_CORE_READ(n, next) site');
      const liveCopies = Math.max(...next.map((s) => s.copies ?? 1));
      assert.strictEqual(liveCopies, clangCopies, `clang: ${r.stderr.split('\n').filter((l) => /remark/.test(l)).join(' | ')}`);
      const agree = await compareProgram(analyzer, { name, arch: 'x86', source: src, object: obj, includePaths: [PROGRAMS], defines: [], newLibbpf: false }, contextExpansion);
      assert.deepStrictEqual([...agree.missing, ...agree.extra].map((d) => `${d.key} x${d.count}`), []);
      assert.strictEqual(agree.crash, undefined);
    });
  }
});
