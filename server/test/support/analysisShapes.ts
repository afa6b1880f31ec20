// What equality tests of two analyses compare (lazy vs full header parse, shared vs own header cache, skipped vs read
// re-includes), and the programs they compare them on.

import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { Analysis } from '../../src/source/analyzer';
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
