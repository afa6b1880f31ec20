// The language server's start-up V8 budget (src/jitFlags.ts): it settles to the steady budget after its first check,
// and the bundle's code cache written after that (client/src/serverLoader.ts) must still be taken by the next start,
// which compiles under the start-up flags. Real node processes, real V8 code caches.

import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const JIT_FLAGS = path.join(__dirname, '..', '..', 'src', 'jitFlags.js');

/** A script with enough functions that V8's cached data is more than a header. */
const SOURCE = Array.from({ length: 50 }, (_, i) => `function f${i}(x) { let s = 0; for (let j = 0; j < x; j++) s += j * ${i}; return s; }`).join('\n')
  + '\nglobalThis.__sum = [' + Array.from({ length: 50 }, (_, i) => `f${i}(10)`).join(', ') + '].reduce((a, b) => a + b, 0);\n';

/** Runs `code` in a fresh node (server flags applied first, as the launcher does) with `env` added; its stdout. */
function node(code: string, env: Record<string, string | undefined>): string {
  const full: NodeJS.ProcessEnv = { ...process.env, ...env };
  for (const [k, v] of Object.entries(env)) if (v === undefined) delete full[k];
  const r = spawnSync(process.execPath, ['-e', `const j = require(${JSON.stringify(JIT_FLAGS)}); const vm = require('vm'); const fs = require('fs');\nj.applyServerJitFlags();\n${code}`],
    { encoding: 'utf8', env: full });
  assert.strictEqual(r.status, 0, r.stderr);
  return r.stdout.trim();
}

describe('language server: start-up V8 budget', function () {
  this.timeout(60_000);
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'corelens-jitflags-'));
    fs.writeFileSync(path.join(dir, 'src.js'), SOURCE);
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** In one process: compile, run, settle, then write the cache with and without withStartupJitFlags; whether a
   * second start (flags as the launcher sets them) takes each. */
  function caches(env: Record<string, string | undefined>): { settled: string; restored: boolean; plain: boolean } {
    const settled = node(`const s = new vm.Script(fs.readFileSync(${JSON.stringify(path.join(dir, 'src.js'))}, 'utf8'), { filename: 'src.js' });
s.runInThisContext();
const changed = j.settleServerJitFlags();
fs.writeFileSync(${JSON.stringify(path.join(dir, 'restored.bin'))}, j.withStartupJitFlags(() => s.createCachedData()));
fs.writeFileSync(${JSON.stringify(path.join(dir, 'plain.bin'))}, s.createCachedData());
console.log(String(changed));`, env);
    const taken = (file: string) => node(`const s = new vm.Script(fs.readFileSync(${JSON.stringify(path.join(dir, 'src.js'))}, 'utf8'), { filename: 'src.js', cachedData: fs.readFileSync(${JSON.stringify(path.join(dir, file))}) });
console.log(s.cachedDataRejected ? 'rejected' : 'taken');`, env) === 'taken';
    return { settled, restored: taken('restored.bin'), plain: taken('plain.bin') };
  }

  it('settles once, and the code cache written after that is still taken by the next start', () => {
    const r = caches({ CORELENS_V8_FLAGS: undefined, CORELENS_STARTUP_BUDGET: undefined });
    assert.strictEqual(r.settled, 'true', 'the budget changes once');
    assert.ok(r.restored, 'a cache written under the start-up flags is taken');
    // the settle does change V8's flags (else the start-up budget would be no budget at all)
    assert.ok(!r.plain, 'a cache written under the steady flags is rejected by a start under the start-up ones');
  });

  it('switched off (CORELENS_STARTUP_BUDGET=0) or replaced (CORELENS_V8_FLAGS): one budget throughout', () => {
    for (const env of [{ CORELENS_STARTUP_BUDGET: '0', CORELENS_V8_FLAGS: undefined }, { CORELENS_STARTUP_BUDGET: undefined, CORELENS_V8_FLAGS: '--interrupt-budget=540672' }]) {
      const r = caches(env);
      assert.deepStrictEqual(r, { settled: 'false', restored: true, plain: true }, JSON.stringify(env));
    }
  });
});
