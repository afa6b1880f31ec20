// Shared by the shape tests: compile a program of our own with the real clang and assert the live sites equal its
// relocations (no missing, no extra, no merged copy), so each construct's test is its program and its figures.

import * as assert from 'assert';
import { createAnalyzer } from '../../src/source/analyzer';
import { compileBpf } from './bpfLoad';
import { compareProgram, contextExpansion } from './corpus';
import { FIXTURES } from './paths';
import * as path from 'path';

const PROGRAMS = path.join(FIXTURES, 'programs');

/** Compiles SRC to OBJ (x86, the fixtures' vmlinux.h) and asserts live sites = clang's relocations; the comparison. */
export async function agreesWithClang(src: string, obj: string, name: string): Promise<Awaited<ReturnType<typeof compareProgram>>> {
  compileBpf(src, obj, { includes: [PROGRAMS], arch: 'x86' });
  const agree = await compareProgram(await createAnalyzer(), { name, arch: 'x86', source: src, object: obj, includePaths: [PROGRAMS], defines: [], newLibbpf: false }, contextExpansion);
  assert.deepStrictEqual([...agree.missing, ...agree.extra, ...agree.merged].map((d) => `${d.key} x${d.count} ${d.section} ${d.line}`), []);
  assert.strictEqual(agree.crash, undefined);
  return agree;
}
