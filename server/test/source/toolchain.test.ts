// clang's answers (include directories, predefined macros) kept on disk per clang binary: a second process takes
// them from the cache without running clang and gets the same answer; a broken or foreign cache file is ignored.

import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const MODULE = path.resolve(__dirname, '../../src/source/toolchain.js');

/** Runs loadToolchain in a fresh process (the answer is memoised per process) with the given cache home. */
function ask(cacheHome: string): { includeDirs: string[]; predefined: [string, string][]; source: string } {
  const out = execFileSync(process.execPath, ['-e', `require(${JSON.stringify(MODULE)}).loadToolchain().then((t) => process.stdout.write(JSON.stringify(t)))`], {
    env: { ...process.env, XDG_CACHE_HOME: cacheHome }, encoding: 'utf8',
  });
  return JSON.parse(out);
}

describe('toolchain answers cached per clang binary', () => {
  let dir = '';
  before(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'corelens-tc-')); });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('first process asks clang and writes the cache; the next answers from it, the same', () => {
    const first = ask(dir);
    assert.strictEqual(first.source, 'clang', 'clang is installed here (ensure-tools.sh)');
    const file = path.join(dir, 'corelens', 'toolchain.json');
    assert.ok(fs.existsSync(file));
    // same clang binary: the cache answers (proved by making the cached answer recognisably different)
    const j = JSON.parse(fs.readFileSync(file, 'utf8'));
    j.predefined.push(['__CORELENS_FROM_CACHE', '1']);
    fs.writeFileSync(file, JSON.stringify(j));
    const second = ask(dir);
    assert.deepStrictEqual(second.includeDirs, first.includeDirs);
    assert.ok(second.predefined.some(([k]) => k === '__CORELENS_FROM_CACHE'), 'answered from the cache');
    assert.deepStrictEqual(second.predefined.filter(([k]) => k !== '__CORELENS_FROM_CACHE'), first.predefined);
  });

  it('a cache written for another clang binary, or a broken file, is not used', () => {
    const file = path.join(dir, 'corelens', 'toolchain.json');
    const j = JSON.parse(fs.readFileSync(file, 'utf8'));
    j.key = j.key.replace(/\d+$/, '1');
    fs.writeFileSync(file, JSON.stringify(j));
    const a = ask(dir);
    assert.strictEqual(a.source, 'clang');
    assert.ok(!a.predefined.some(([k]) => k === '__CORELENS_FROM_CACHE'), 'asked clang again');
    fs.writeFileSync(file, '{ not json');
    const b = ask(dir);
    assert.deepStrictEqual(b, a);
    assert.doesNotThrow(() => JSON.parse(fs.readFileSync(file, 'utf8')), 'rewritten');
  });
});
