// The build's clang command line and the bounded compile (real clang): flags shared with the VS Code Build command,
// failures as values naming the file, nothing left in the temp folder.

import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { compileObject } from '../../src/build/compile';
import { clangArgs } from '../../src/build/flags';
import { FIXTURES } from '../support/paths';

describe('build: clang flags and the bounded compile', function () {
  this.timeout(60_000);
  const leftovers = () => fs.readdirSync(os.tmpdir()).filter((f) => f.startsWith('corelens-build-')).length;

  it('defines and include paths from the configuration; a configured __TARGET_ARCH_* replaces the arch default', () => {
    assert.deepStrictEqual(clangArgs('/w/p.bpf.c', '/t/p.o', { arch: 'x86', includePaths: ['/inc'], defines: ['DEBUG', 'N=2'], flags: ['-Wall'] }),
      ['-g', '-O2', '-target', 'bpf', '-D__TARGET_ARCH_x86', '-DDEBUG', '-DN=2', '-I/inc', '-Wall', '-c', '/w/p.bpf.c', '-o', '/t/p.o']);
    assert.deepStrictEqual(clangArgs('/w/p.bpf.c', '/t/p.o', { arch: 'x86', includePaths: [], defines: ['__TARGET_ARCH_arm64'] }).slice(4, 5), ['-D__TARGET_ARCH_arm64']);
  });

  it('compiles the fixture into an object read back, and removes its temp folder', async () => {
    const before = leftovers();
    const r = await compileObject('clang', path.join(FIXTURES, 'build', 'onsave.bpf.c'), { arch: 'x86', includePaths: [] });
    assert.ok(r.ok, r.ok ? '' : r.message);
    assert.deepStrictEqual([...r.object.subarray(0, 4)], [0x7f, 0x45, 0x4c, 0x46]);
    assert.strictEqual(leftovers(), before);
  });

  it('a source clang rejects, a missing clang and a cancelled build are values naming the file', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'corelens-compile-test-'));
    try {
      const bad = path.join(dir, 'bad.bpf.c');
      fs.writeFileSync(bad, 'int f(void) { return undeclared; }\n');
      const r = await compileObject('clang', bad, { arch: 'x86', includePaths: [] });
      assert.ok(!r.ok);
      assert.match(r.message, /bad\.bpf\.c: build failed: .*error: use of undeclared identifier 'undeclared'/);
      const none = await compileObject(path.join(dir, 'no-clang'), bad, { arch: 'x86', includePaths: [] });
      assert.ok(!none.ok);
      assert.match(none.message, /bad\.bpf\.c: build failed: clang not found/);
      const ctl = new AbortController();
      ctl.abort();
      const cancelled = await compileObject('clang', bad, { arch: 'x86', includePaths: [] }, ctl.signal);
      assert.ok(!cancelled.ok && cancelled.cancelled);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
