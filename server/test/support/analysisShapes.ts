// What equality tests of two analyses compare (lazy vs full header parse, shared vs own header cache, skipped vs read
// re-includes, rules switched on and off), and the programs they compare them on.

import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Analysis } from '../../src/source/analyzer';
import { writeBigProgram } from '../../bench/bigProgram';
import { generateVmlinuxH } from '../../bench/source.bench';
import { FIXTURES, REPO_ROOT } from './paths';

/** Everything an analysis shows a user or the CO-RE engine, as one comparable string per part. */
export function analysisShapes(a: Analysis): { [k: string]: string } {
  return {
    sites: JSON.stringify(a.sites), notes: JSON.stringify(a.notes), plain: JSON.stringify(a.plainAccesses),
    functions: JSON.stringify(a.functions), btf: Buffer.from(a.localBtf().bytes).toString('hex'),
  };
}

/** Every fixture and corpus program (after generating the fixtures' vmlinux.h), with the include paths they need. */
export function fixtureSourcePrograms(): { files: string[]; includePaths: string[] } {
  execFileSync(path.join(REPO_ROOT, 'scripts/build-fixtures.sh'), ['--vmlinux-h'], { stdio: 'inherit' });
  const programs = path.join(FIXTURES, 'programs');
  const corpus = path.join(FIXTURES, 'corpus');
  const files = [
    ...fs.readdirSync(programs).filter((f) => f.endsWith('.bpf.c')).map((f) => path.join(programs, f)),
    ...fs.readdirSync(corpus).filter((f) => f.endsWith('.bpf.c')).map((f) => path.join(corpus, f)),
  ];
  return { files, includePaths: [path.join(corpus, 'include'), programs] };
}

/** Both analyses equal part by part (what analysisShapes compares); `why` names the switch in the message. */
export function assertSameAnalyses(label: string, got: Analysis, want: Analysis, why: string): void {
  const g = analysisShapes(got);
  const w = analysisShapes(want);
  for (const k of Object.keys(w)) assert.strictEqual(g[k], w[k], `${label}: ${k} differ ${why}`);
}

/** A program the equality tests analyse, with the include paths it needs; `big` marks the generated big program. */
export interface TestProgram {
  readonly file: string;
  readonly includePaths: string[];
  readonly big: boolean;
}

/**
 * Runs `fn` over the set every "switch on equals switch off" test of the analysis compares on: each fixture and
 * corpus program and the big program (generated with its vmlinux.h into a temporary folder, removed afterwards).
 */
export async function withEveryProgram(prefix: string, fn: (programs: TestProgram[], dir: string) => Promise<void>): Promise<void> {
  const { files, includePaths } = fixtureSourcePrograms();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  try {
    generateVmlinuxH(dir);
    const big = writeBigProgram(dir);
    const programs: TestProgram[] = [
      ...files.map((file) => ({ file, includePaths, big: false })),
      { file: big.file, includePaths: [dir], big: true },
    ];
    // the fixtures and the corpus are 46 programs: fewer means a folder was not found, not that the rule holds
    assert.ok(programs.length >= 46, `${programs.length} programs`);
    await fn(programs, dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
