// The TextMate injection (syntaxes/bpf-core.injection.tmLanguage.json) against its grammar tests, with
// vscode-tmgrammar-test from npm; scripts/e2e-vscode.sh repeats them against VS Code's real C grammar.

import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as path from 'path';
import { REPO_ROOT } from '../support/paths';

describe('editor extension: TextMate injection grammar', function () {
  this.timeout(60_000);

  it('scopes SEC("..."), CO-RE macros and builtins, helpers and ___flavor suffixes, never in comments or strings', () => {
    const r = spawnSync(process.execPath, [path.join(REPO_ROOT, 'node_modules', 'vscode-tmgrammar-test', 'dist', 'unit.js'),
      '--config', 'client/test/grammar/grammars.json', 'client/test/grammar/*.test.c'], { cwd: REPO_ROOT, encoding: 'utf8' });
    assert.strictEqual(r.status, 0, `vscode-tmgrammar-test failed:\n${r.stdout}\n${r.stderr}`);
    assert.match(r.stdout, /bpf\.test\.c run successfuly/);
  });
});
