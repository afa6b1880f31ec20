// The walk prunes as the kernel's is_state_visited() does: a state covered by a fully explored one (inclusion of the
// numbers that one needed precisely, precision found on demand by backtracking). prune.bpf.c is the case it exists
// for: 2^24 checksums that a walk pruning only equal states (equalStates) cannot get through within a small budget,
// which the kernel decides (loads, or fails on the one path a precise selector picks); this walk decides every
// program within that budget exactly as the kernel's record says.

import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { openBpfObject } from '../../src/btf/object';
import { relocateObject } from '../../src/core/object';
import { ObjectVerdicts, VerdictOptions, factsFromBtf, objectVerdicts } from '../../src/verdict/index';
import { loadPrograms } from '../../src/verdict/program';
import { verify } from '../../src/verdict/verify';
import { kernel } from '../support/kernels';
import { FIXTURES } from '../support/paths';
import { VERIFIER_EXPECTED } from '../support/verifier';

const KERNELS = ['5.10-amd64', '6.1-amd64', '6.18-amd64'];
const PROGRAMS = ['prune_guarded', 'prune_unguarded', 'prune_branch', 'prune_offset', 'prune_plain'];

async function verdictsOf(file: string, opts: VerdictOptions): Promise<ObjectVerdicts> {
  const o = await openBpfObject(file);
  assert.ok(o.ok);
  const targets = await Promise.all(KERNELS.map(async (k) => ({ name: k, btf: await kernel(k) })));
  const relos = relocateObject(o.value, targets);
  return objectVerdicts(o.value, relos, targets.map((t) => ({ name: t.name, facts: factsFromBtf(t.btf, o.value) })), opts);
}

describe('verdicts: pruning by inclusion with on-demand precision', function () {
  this.timeout(900_000);

  it('prune: equality pruning runs out of budget, inclusion decides every program as the kernel does', async () => {
    const file = path.join(FIXTURES, 'verdict', 'objects', 'prune.bpf.o');
    const maxSteps = 100_000;
    const equal = await verdictsOf(file, { maxSteps, equalStates: true });
    const now = await verdictsOf(file, { maxSteps });
    const kernelSays = fs.readFileSync(path.join(VERIFIER_EXPECTED, 'verdict-prune.jsonl'), 'utf8').trim().split('\n')
      .map((l) => JSON.parse(l) as { target: string; name: string; loads: boolean; class: string; insn: number });
    let compared = 0;
    let failsOnOnePath = 0;
    for (const t of KERNELS) {
      for (const name of PROGRAMS) {
        const k = kernelSays.find((x) => x.target === t && x.name === name);
        assert.ok(k, `${name} on ${t}: in the kernel's record`);
        const was = equal.programs.find((p) => p.name === name)!.targets.get(t)!;
        const is = now.programs.find((p) => p.name === name)!.targets.get(t)!;
        // equality pruning has no verdict unless its first path already met the error
        if (k.loads || name === 'prune_branch' || name === 'prune_offset') assert.strictEqual(was.kind, 'unknown', `${name} on ${t}: ${was.reason}`);
        assert.strictEqual(is.loads, k.loads, `${name} on ${t}: ${is.reason}`);
        if (!k.loads) {
          assert.strictEqual(is.kind, k.class, `${name} on ${t}`);
          assert.strictEqual(is.insn, k.insn, `${name} on ${t}`);
          if (name === 'prune_branch' || name === 'prune_offset') failsOnOnePath++;
        }
        compared++;
      }
    }
    assert.strictEqual(compared, PROGRAMS.length * KERNELS.length);
    // the selector's precision is what finds these: pruned as an imprecise number, its one failing value is lost
    assert.ok(failsOnOnePath >= 2, 'the kernel fails a selected path on some kernel');
    assert.ok(kernelSays.some((k) => k.loads), 'loads are in the record');
  });

  it('stack: comparing every slot runs out of budget, comparing the slots read below decides as the kernel does', async () => {
    // stack.bpf.c: 24 optional parts each leave a pointer in a slot of their own; dead after them (or rewritten whole
    // before a read) those slots must not split states at the joins, a slot read after them must
    const file = path.join(FIXTURES, 'verdict', 'objects', 'stack.bpf.o');
    const maxSteps = 100_000;
    const names = ['stack_dead_guarded', 'stack_dead_unguarded', 'stack_rewritten', 'stack_live', 'stack_live_guarded'];
    const equal = await verdictsOf(file, { maxSteps, equalStates: true });
    const now = await verdictsOf(file, { maxSteps });
    const kernelSays = fs.readFileSync(path.join(VERIFIER_EXPECTED, 'verdict-stack.jsonl'), 'utf8').trim().split('\n')
      .map((l) => JSON.parse(l) as { target: string; name: string; loads: boolean; class: string; insn: number });
    let fails = 0;
    for (const t of KERNELS) {
      for (const name of names) {
        const k = kernelSays.find((x) => x.target === t && x.name === name);
        assert.ok(k, `${name} on ${t}: in the kernel's record`);
        const was = equal.programs.find((p) => p.name === name)!.targets.get(t)!;
        const is = now.programs.find((p) => p.name === name)!.targets.get(t)!;
        // every slot compared: no verdict unless its first path already met the error
        if (k.loads) assert.strictEqual(was.kind, 'unknown', `${name} on ${t}: every slot compared: ${was.reason}`);
        assert.strictEqual(is.loads, k.loads, `${name} on ${t}: ${is.reason}`);
        if (!k.loads) {
          assert.strictEqual(is.kind, k.class, `${name} on ${t}`);
          assert.strictEqual(is.insn, k.insn, `${name} on ${t}`);
          fails++;
        }
      }
    }
    // the live slot's failing path is the one a walk taking it for dead would prune
    assert.ok(kernelSays.some((k) => k.name === 'stack_live' && !k.loads), 'stack_live fails on some kernel');
    assert.ok(fails >= 4 && kernelSays.some((k) => k.loads), 'loads and failures are both in the record');
  });

  it('records a state only 8 instructions or more after the last one (the kernel\'s add_new_state policy)', async () => {
    // is_state_visited() adds a state only when at least 2 jumps and 8 instructions were processed since it added
    // the last (a may_goto forces one): these branchy programs have a prune point every few instructions
    let programs = 0;
    for (const f of ['stack.bpf.o', 'prune.bpf.o', 'guards.bpf.o']) {
      const o = await openBpfObject(path.join(FIXTURES, 'verdict', 'objects', f));
      assert.ok(o.ok);
      const progs = loadPrograms(o.value);
      for (const p of progs.programs) {
        const res = verify(p, p.insns, p.insns, progs.data, progs.littleEndian, { nrCpuIds: 2 });
        assert.ok(!res.incomplete, `${f} ${p.name}`);
        assert.ok(res.states * 8 <= res.steps + 8, `${f} ${p.name}: ${res.states} states in ${res.steps} steps`);
        if (res.steps > 100) assert.ok(res.states > 0, `${f} ${p.name}: states are recorded`);
        programs++;
      }
    }
    assert.ok(programs > 20);
  });

  it('every verdict fixture: the same verdicts, reach and dereferences as equality pruning', async () => {
    const dir = path.join(FIXTURES, 'verdict', 'objects');
    let programs = 0;
    for (const f of fs.readdirSync(dir).filter((x) => x !== 'explode.bpf.o' && x !== 'prune.bpf.o' && x !== 'stack.bpf.o')) {
      const old = await verdictsOf(path.join(dir, f), { equalStates: true });
      const now = await verdictsOf(path.join(dir, f), {});
      for (const t of KERNELS) {
        const a = old.programs.map((p) => ({ v: p.targets.get(t), d: p.scalarDerefs.get(t) }));
        const b = now.programs.map((p) => ({ v: p.targets.get(t), d: p.scalarDerefs.get(t) }));
        assert.deepStrictEqual(b, a, `${f} on ${t}`);
        assert.deepStrictEqual(now.reach.get(t), old.reach.get(t), `${f} on ${t}`);
        assert.deepStrictEqual(now.runs.get(t), old.runs.get(t), `${f} on ${t}`);
      }
      programs += old.programs.length;
    }
    assert.ok(programs > 30);
  });
});
