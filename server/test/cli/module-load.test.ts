// How the CLI loads a command's modules (src/cli/main.ts): by require, so a run never starts Node's ES module loader
// (an import() of our CommonJS did: ~7 ms CPU of every `check`, `targets`, `header`... run).

import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const BIN = path.join(__dirname, '..', '..', '..', 'bin', 'corelens.js');
const FIXTURES = path.join(__dirname, '..', '..', '..', '..', 'test-fixtures');

describe('the CLI\'s module loading', function () {
  this.timeout(120_000);

  it('a check run loads its command without the ES module loader (its CommonJS translator never loads)', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'corelens-modload-'));
    try {
      // preloaded into the process (and a relaunched one: NODE_OPTIONS is inherited), reports Node's module list
      const probe = path.join(dir, 'probe.js');
      fs.writeFileSync(probe, `process.on('exit', () => require('fs').writeSync(2, 'LOADED ' + JSON.stringify(process.moduleLoadList) + '\\n'));\n`);
      const r = spawnSync(process.execPath, [BIN, 'check', path.join(FIXTURES, 'objects', 'kernel_task.bpfel.o'),
        '--target', `k=${path.join(FIXTURES, 'btf', 'kernels', '6.18-amd64.btf.xz')}`, '--no-cache', '--format', 'json'], {
        encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: `-r ${probe}`, CORELENS_CACHE: path.join(dir, 'cache') },
      });
      assert.ok(r.status === 0 || r.status === 1, r.stderr);
      assert.match(r.stdout, /"schema": "corelens-check\/1"/);
      const lists = [...r.stderr.matchAll(/^LOADED (.*)$/gm)].map((m) => JSON.parse(m[1]!) as string[]);
      assert.ok(lists.length >= 1, r.stderr);
      for (const l of lists) assert.ok(!l.includes('NativeModule internal/modules/esm/translators'), 'the ES module loader translated a module');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
