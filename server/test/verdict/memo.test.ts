// The walks an object's prepared verdicts keep across calls (check asks one target per call): asking targets one by
// one with one prepared object must give exactly what a fresh preparation gives for each, including for targets
// whose patches agree but whose ksym answers differ (a walk is reused only where each recorded answer agrees).

import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { openBpfObject } from '../../src/btf/object';
import { relocateObject } from '../../src/core/object';
import { KernelFacts, ObjectVerdicts, factsFromBtf, objectVerdicts, prepareVerdicts } from '../../src/verdict/index';
import { kernel } from '../support/kernels';
import { FIXTURES, KERNELS, OBJECTS_DIR } from '../support/paths';
import { tempDir } from '../support/tmp';

/**
 * A program whose verdict turns on a weak __ksym's existence (libbpf writes 0 for a missing one): present, it
 * returns early; absent, it reads through a plain number. No fixture asks about a ksym, so this one is built here.
 */
const KSYM_PROGRAM = `#define SEC(n) __attribute__((section(n), used))
extern const void bpf_prog_active __attribute__((section(".ksyms"), weak));
SEC("kprobe/do_nanosleep") int prog(void *ctx)
{
	if (&bpf_prog_active)
		return 0;
	return *(volatile int *)(unsigned long)0x1234;
}
char LICENSE[] SEC("license") = "GPL";
`;

/** One target's part of a verdict result, in plain data. */
function partOf(v: ObjectVerdicts, t: string): unknown {
  return {
    programs: v.programs.map((p) => ({ verdict: p.targets.get(t), derefs: p.scalarDerefs.get(t) })),
    reach: v.reach.get(t), runs: v.runs.get(t),
  };
}

describe('verdicts: walks kept with the prepared object', function () {
  this.timeout(600_000);

  it('one target per call with a shared preparation = a fresh preparation per target', async () => {
    const dir = tempDir('corelens-memo-');
    fs.writeFileSync(path.join(dir, 'ksym.bpf.c'), KSYM_PROGRAM);
    execFileSync('clang', ['-g', '-O2', '-target', 'bpfel', '-c', path.join(dir, 'ksym.bpf.c'), '-o', path.join(dir, 'ksym.bpf.o')]);
    const objects = [
      path.join(dir, 'ksym.bpf.o'),
      ...fs.readdirSync(path.join(FIXTURES, 'verdict', 'objects')).map((f) => path.join(FIXTURES, 'verdict', 'objects', f)),
      ...fs.readdirSync(OBJECTS_DIR).filter((f) => f.endsWith('.bpfel.o')).map((f) => path.join(OBJECTS_DIR, f)),
    ];
    const targets = await Promise.all(KERNELS.map(async (k) => ({ name: k, btf: await kernel(k) })));
    let compared = 0;
    let reused = 0;
    const ksymVerdicts = new Set<string>();
    for (const file of objects) {
      const o = await openBpfObject(file);
      if (!o.ok) continue;
      const obj = o.value;
      const relos = relocateObject(obj, targets);
      const prepared = prepareVerdicts(obj, relos);
      // every kernel twice (the second time the walks are there), then with every ksym present and absent
      const asks: { name: string; facts: KernelFacts }[] = [];
      for (let round = 0; round < 2; round++) for (const t of targets) asks.push({ name: t.name, facts: factsFromBtf(t.btf, obj) });
      for (const t of targets) {
        const real = factsFromBtf(t.btf, obj);
        asks.push({ name: t.name, facts: { ...real, hasKsym: () => false } }, { name: t.name, facts: { ...real, hasKsym: () => true } });
      }
      for (const ask of asks) {
        const before = prepared.memo.reduce((n, m) => n + [...m.values()].reduce((a, c) => a + c.length, 0), 0);
        const shared = objectVerdicts(obj, relos, [ask], {}, prepared);
        const after = prepared.memo.reduce((n, m) => n + [...m.values()].reduce((a, c) => a + c.length, 0), 0);
        if (after === before && prepared.memo.length > 0) reused++;
        const fresh = objectVerdicts(obj, relos, [ask]);
        assert.deepStrictEqual(partOf(shared, ask.name), partOf(fresh, ask.name), `${path.basename(file)} on ${ask.name}`);
        if (file.endsWith('ksym.bpf.o')) ksymVerdicts.add(JSON.stringify(shared.programs[0]?.targets.get(ask.name)?.loads));
        compared++;
      }
    }
    console.log(`      ${compared} object x target verdicts compared, 0 differences (${reused} served by earlier walks)`);
    assert.ok(reused > 0, 'no walk was ever reused: the test would not see a wrong reuse');
    assert.deepStrictEqual([...ksymVerdicts].sort(), ['false', 'true'], 'the ksym program loads on some asks and not on others');
  });
});
