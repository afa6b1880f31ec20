// Boolean guards (issue 12): on test-fixtures/programs/live_guards.bpf.c, `check FILE.bpf.c` reports exactly the
// failures `check FILE.o` reports, on every fixture kernel. The object path decides reach from the bytecode with the
// load verdicts (the verifier's walk of the patched program); the live path from its guard formulas. The fixture's
// guards are and/or/not combinations of field checks whose truth differs across 5.10, 6.1, 6.12 and 6.18
// (the inode ctime moved twice), so a guard the live path cannot express shows up as a failure on one side only.

import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { CheckFinding, runCheck } from '../../src/check/run';
import { bundledKernelSpecs } from '../../src/targets/registry';
import { createAnalyzer } from '../../src/source/analyzer';
import { FIXTURES } from '../support/paths';

const PROGRAMS = path.join(FIXTURES, 'programs');
const SRC = path.join(PROGRAMS, 'live_guards.bpf.c');
const OBJ = path.join(FIXTURES, 'objects', 'live_guards.bpfel.o');

function key(f: CheckFinding): string {
  return `${f.severity} ${f.code} ${path.basename(f.location.file)}:${f.location.line} [${[...f.targets].sort().join(',')}]`;
}

describe('boolean guards: live path = object path with load verdicts (live_guards.bpf.c)', function () {
  this.timeout(300_000);

  it('same failures on every fixture kernel, and the failures expected', async () => {
    const targets = bundledKernelSpecs(false, path.join(FIXTURES, 'btf', 'kernels')).filter((t) => /^(5\.10|6\.1|6\.12|6\.18)-amd64$/.test(t.name));
    assert.strictEqual(targets.length, 4, targets.map((t) => t.name).join(','));
    const common = { targets, workers: 0, includePaths: [PROGRAMS], defines: [] };
    const src = await runCheck({ ...common, file: SRC });
    const obj = await runCheck({ ...common, file: OBJ, source: SRC });
    const pick = (r: typeof src) => new Set(r.findings.filter((f) => f.severity !== 'hint').map(key));
    const S = pick(src);
    const O = pick(obj);
    assert.deepStrictEqual([...S].sort(), [...O].sort(), 'findings of check .bpf.c vs check .o');
    // What must be there: the two reads whose guard holds where the field is missing (so the test cannot pass by
    // switching every guarded read off).
    const lineOf = (re: RegExp) => fs.readFileSync(SRC, 'utf8').split('\n').findIndex((l) => re.test(l)) + 1;
    const errorsAt = (line: number) => [...S].filter((k) => k.startsWith('error') && k.includes(`:${line} `));
    assert.strictEqual(errorsAt(lineOf(/out\[6\] =/)).length, 1, [...S].join('\n'));
    assert.strictEqual(errorsAt(lineOf(/out\[8\] =/)).length, 1, [...S].join('\n'));
    assert.strictEqual([...S].filter((k) => k.startsWith('error')).length, 2, [...S].join('\n'));
  });

  it('the reads after the conjunction hold a disjunction guard (the shape the object path proves above)', async () => {
    const a = (await createAnalyzer()).analyze(SRC, fs.readFileSync(SRC, 'utf8'), { includePaths: [PROGRAMS] });
    const under = a.sites.filter((s) => s.kind === 0 && s.guards.some((g) => 'any' in g)).map((s) => s.range.start.line + 1);
    // ctime_chain's else, ctime_early, the ternary, !has_new_ctime(), out[6], out[8] (and the nested else's state read, dead anyway: no)
    assert.ok(under.length >= 6, `sites under a disjunction at lines ${under.join(',')}`);
  });
});
