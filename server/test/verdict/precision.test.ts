// Numbers the walk never looks at again (verify.ts needOf) count as equal in its states: a position that only feeds
// a helper's source address, a value only stored to a map... The change must be work only: the same verdicts,
// reached instructions and errors as the walk that keys every number by its value (exactNumbers), on every fixture.
// explode.bpf.c is the case it exists for: 2^25 sets of optional parts the exact walk cannot get through within its
// budget, which the kernel loads (its own imprecise scalars) and this walk decides as the kernel does.

import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { openBpfObject } from '../../src/btf/object';
import { relocateObject } from '../../src/core/object';
import { ObjectVerdicts, VerdictOptions, factsFromBtf, objectVerdicts } from '../../src/verdict/index';
import { kernel } from '../support/kernels';
import { FIXTURES, OBJECTS_DIR } from '../support/paths';
import { VERIFIER_EXPECTED } from '../support/verifier';

const KERNELS = ['5.10-amd64', '6.1-amd64', '6.18-amd64'];
const PROGRAMS = ['explode_guarded', 'explode_unguarded', 'explode_plain', 'explode_flag_set', 'explode_flag_clear'];
const CORPUS_X86 = path.join(FIXTURES, 'corpus', 'objects', 'x86');

async function verdictsOf(file: string, opts: VerdictOptions): Promise<ObjectVerdicts | undefined> {
  const o = await openBpfObject(file);
  if (!o.ok) return undefined;
  const targets = await Promise.all(KERNELS.map(async (k) => ({ name: k, btf: await kernel(k) })));
  const relos = relocateObject(o.value, targets);
  return objectVerdicts(o.value, relos, targets.map((t) => ({ name: t.name, facts: factsFromBtf(t.btf, o.value) })), opts);
}

/** Everything a verdict says, per target, in plain data. */
function plain(v: ObjectVerdicts): unknown {
  return KERNELS.map((t) => ({
    programs: v.programs.map((p) => ({ verdict: p.targets.get(t), derefs: p.scalarDerefs.get(t) })),
    reach: v.reach.get(t), runs: v.runs.get(t),
  }));
}

describe('verdicts: numbers never looked at again', function () {
  this.timeout(900_000);

  it('explode: the exact walk runs out of budget, this one decides as the kernel does', async () => {
    const file = path.join(FIXTURES, 'verdict', 'objects', 'explode.bpf.o');
    const maxSteps = 100_000;
    const old = (await verdictsOf(file, { maxSteps, exactNumbers: true }))!;
    const now = (await verdictsOf(file, { maxSteps }))!;
    const kernelSays = fs.readFileSync(path.join(VERIFIER_EXPECTED, 'verdict-explode.jsonl'), 'utf8').trim().split('\n')
      .map((l) => JSON.parse(l) as { target: string; name: string; loads: boolean; class: string; insn: number });
    let compared = 0;
    for (const t of KERNELS) {
      for (const name of PROGRAMS) {
        const k = kernelSays.find((x) => x.target === t && x.name === name)!;
        const was = old.programs.find((p) => p.name === name)!.targets.get(t)!;
        const is = now.programs.find((p) => p.name === name)!.targets.get(t)!;
        // the exact walk has no verdict unless its first path already met the error
        if (k.loads) assert.strictEqual(was.kind, 'unknown', `${name} on ${t}: ${was.reason}`);
        assert.strictEqual(is.loads, k.loads, `${name} on ${t}: ${is.reason}`);
        if (!k.loads) {
          assert.strictEqual(is.kind, k.class);
          assert.strictEqual(is.insn, k.insn);
        }
        compared++;
      }
    }
    assert.strictEqual(compared, PROGRAMS.length * KERNELS.length);
    assert.ok(kernelSays.some((k) => k.loads) && kernelSays.some((k) => !k.loads), 'both outcomes are in the record');
  });

  it('every fixture object: the same verdicts, reach and dereferences as the exact walk', async () => {
    const objects = [
      ...fs.readdirSync(path.join(FIXTURES, 'verdict', 'objects')).filter((f) => f !== 'explode.bpf.o' && f !== 'prune.bpf.o' && f !== 'stack.bpf.o')
        .map((f) => path.join(FIXTURES, 'verdict', 'objects', f)),
      ...fs.readdirSync(OBJECTS_DIR).filter((f) => f.endsWith('.bpfel.o')).map((f) => path.join(OBJECTS_DIR, f)),
      // the corpus of real tools, where present (see corpus.test.ts)
      ...(fs.existsSync(CORPUS_X86) ? fs.readdirSync(CORPUS_X86).filter((f) => f.endsWith('.o')).map((f) => path.join(CORPUS_X86, f)) : []),
    ];
    let programs = 0;
    for (const file of objects) {
      const old = await verdictsOf(file, { exactNumbers: true });
      if (!old) continue;
      const now = (await verdictsOf(file, {}))!;
      assert.deepStrictEqual(plain(now), plain(old), path.basename(file));
      programs += old.programs.length;
    }
    console.log(`      ${objects.length} objects, ${programs} programs x ${KERNELS.length} targets: identical`);
    assert.ok(programs > 50);
  });
});
