// Bad bytecode never takes the verdicts down: fixture objects with mutated instructions (random opcodes, registers,
// offsets, jumps out of range, calls into nowhere, huge shifts, stack accesses far outside the frame) are walked
// without an exception other than BtfError for a malformed ELF, and always terminate (the walk is bounded).

import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { BtfError } from '../../src/btf/errors';
import { parseBpfObject } from '../../src/btf/object';
import { relocateObject } from '../../src/core/object';
import { objectVerdicts } from '../../src/verdict/index';
import { FIXTURES } from '../support/paths';
import { Prng } from '../support/prng';
import { targetBtf } from '../support/oracle';

const OBJECTS = [
  path.join(FIXTURES, 'objects', 'kernel_sched.bpfel.o'),
  path.join(FIXTURES, 'objects', 'sel_fields.bpfel.o'),
  path.join(FIXTURES, 'verdict', 'objects', 'guards.bpf.o'),
];

describe('load verdicts on mutated bytecode', function () {
  this.timeout(120_000);
  const seed = Number(process.env.CORELENS_FUZZ_SEED ?? 13);
  const cases = Number(process.env.CORELENS_FUZZ_CASES ?? 120);

  it(`${cases} mutated objects: values or BtfError, never a crash (seed ${seed})`, async () => {
    const r = new Prng(seed);
    const rnd = () => r.next();
    const base = await targetBtf('base');
    let walked = 0;
    let rejected = 0;
    for (let c = 0; c < cases; c++) {
      const file = OBJECTS[c % OBJECTS.length]!;
      const bytes = new Uint8Array(fs.readFileSync(file));
      let obj;
      try {
        obj = parseBpfObject(bytes, file);
      } catch (e) {
        if (e instanceof BtfError) continue;
        throw e;
      }
      // Mutate instruction bytes of the program sections only: the ELF stays readable.
      const code = obj.elf.sections.filter((s) => (s.flags & 4) !== 0 && s.size > 0);
      const n = 1 + Math.floor(rnd() * 6);
      for (let k = 0; k < n; k++) {
        const sec = code[Math.floor(rnd() * code.length)]!;
        const at = sec.offset + Math.floor(rnd() * sec.size);
        bytes[at] = Math.floor(rnd() * 256);
      }
      try {
        const o = parseBpfObject(bytes, file);
        const relos = relocateObject(o, [{ name: 'base', btf: base }]);
        const v = objectVerdicts(o, relos, ['base'], { maxSteps: 5_000 });
        for (const p of v.programs) assert.ok(p.targets.has('base'));
        walked++;
      } catch (e) {
        if (!(e instanceof BtfError)) throw new Error(`case ${c} (${path.basename(file)}): ${(e as Error).stack}`);
        rejected++;
      }
    }
    console.log(`      ${walked} mutated objects walked, ${rejected} rejected as malformed`);
    assert.ok(walked > cases / 2);
  });
});
