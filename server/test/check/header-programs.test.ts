// Programs defined in a header the .bpf.c only includes (test-fixtures/check/header-programs): no call in the
// document reaches their sites, so the document shows them at the `#include` line that brings the header in (the
// header's own place stays in the site's origin). Before, such a site kept the header's line and column as if they
// were the document's (`hp_main.bpf.c:13:27` in a 13-line file), and a call from the header program into another
// header was taken for the document's entry, in the header's coordinates. `check FILE.bpf.c` and `check FILE.o` must
// point at the same place; an edit inside a function above the include moves it with the line.

import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CheckFinding, runCheck } from '../../src/check/run';
import { createAnalyzer } from '../../src/source/analyzer';
import { bundledKernelSpecs, TargetSpec } from '../../src/targets/registry';
import { CompiledFixture, compileFixtureDir } from '../support/bpfLoad';
import { FIXTURES } from '../support/paths';
import { execFileSync } from 'child_process';

const DIR = path.join(FIXTURES, 'check', 'header-programs');
const INCLUDES = [path.join(FIXTURES, 'programs'), DIR];
const MAIN = path.join(DIR, 'hp_main.bpf.c');

const place = (f: CheckFinding) => `${f.code} ${f.site.path} ${path.basename(f.location.file)}:${f.location.line}:${f.location.column}`;

describe('check: programs defined in an included header are shown at the include line', function () {
  this.timeout(900_000);
  let tmp: string;
  let programs: CompiledFixture[];
  let targets: TargetSpec[];
  const text = fs.readFileSync(MAIN, 'utf8');
  const includeLine = text.split('\n').findIndex((l) => l.includes('"hp_progs.bpf.h"'));

  before(() => {
    execFileSync(path.join(FIXTURES, '..', 'scripts', 'build-fixtures.sh'), ['--vmlinux-h'], { stdio: 'inherit' });
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'corelens-header-programs-'));
    programs = compileFixtureDir(DIR, tmp, { includes: INCLUDES, arch: 'x86', target: 'bpf' });
    targets = bundledKernelSpecs(false, path.join(FIXTURES, 'btf', 'kernels')).filter((t) => /^6\.18-amd64$/.test(t.name));
  });

  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('live sites: the include line of the document, the header place in origin, whatever the call depth', async () => {
    const a = (await createAnalyzer()).analyze(`file://${MAIN}`, text, { includePaths: INCLUDES });
    const mine = a.sites.filter((s) => s.program === 'hp_switch' || s.program === 'hp_wakeup');
    assert.deepStrictEqual(mine.map((s) => `${s.program} ${s.access}`).sort(), ['hp_switch 0:0', 'hp_wakeup 0:0']);
    for (const s of mine) {
      assert.strictEqual(s.range.start.line, includeLine, `${s.program}: range ${JSON.stringify(s.range)}`);
      assert.ok(s.origin && /hp_(progs|compat)\.bpf\.h$/.test(s.origin.file), `${s.program}: origin ${JSON.stringify(s.origin)}`);
    }
    // hp_wakeup's read is in hp_compat.bpf.h, reached through a call written in hp_progs.bpf.h: still the document's include line
    assert.ok(mine.find((s) => s.program === 'hp_wakeup')!.origin!.file.endsWith('hp_compat.bpf.h'));
  });

  it('an edit in a function above the include moves the sites with the line (remembered expansions included)', async () => {
    const an = await createAnalyzer();
    const uri = `file://${MAIN}`;
    an.analyze(uri, text, { includePaths: INCLUDES });
    const at = text.indexOf('return 0;');
    const edited = `${text.slice(0, at)}\n\t${text.slice(at)}`;
    const b = an.update(uri, edited, [{ range: { start: posOf(text, at), end: posOf(text, at) }, text: '\n\t' }]);
    const mine = b.sites.filter((s) => s.program === 'hp_switch' || s.program === 'hp_wakeup');
    assert.strictEqual(mine.length, 2);
    for (const s of mine) assert.strictEqual(s.range.start.line, includeLine + 1, `${s.program}: ${JSON.stringify(s.range)}`);
  });

  it('check FILE.bpf.c and check FILE.o: the same findings at the same place, the include line', async () => {
    const [p] = programs;
    assert.ok(p && p.name === 'hp_main');
    const common = { targets, workers: 0, includePaths: INCLUDES, defines: ['__TARGET_ARCH_x86'] };
    const src = await runCheck({ ...common, file: p.source });
    const obj = await runCheck({ ...common, file: p.object, source: p.source });
    const a = src.findings.map(place).sort();
    const b = obj.findings.map(place).sort();
    assert.deepStrictEqual(a, b);
    assert.ok(a.length >= 2, a.join('\n'));
    for (const f of src.findings) assert.strictEqual(f.location.line, includeLine + 1, place(f));
  });
});

/** The LSP position of offset `at` of `text`. */
function posOf(text: string, at: number): { line: number; character: number } {
  const before = text.slice(0, at).split('\n');
  return { line: before.length - 1, character: before[before.length - 1]!.length };
}
