// An independent real editor: headless Neovim's built-in LSP client drives `corelens lsp --stdio`.

import * as assert from 'assert';
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { FIXTURES, REPO_ROOT, kernelPath } from '../support/paths';
import { tempDir } from '../support/tmp';

describe('Neovim (headless, built-in LSP client) against the corelens server', function () {
  this.timeout(180_000);

  before(function () {
    // Installs neovim with apt-get as root when missing, or fails naming the command (scripts/ensure-tools.sh).
    execFileSync(path.join(REPO_ROOT, 'scripts', 'ensure-tools.sh'), ['neovim'], { stdio: 'inherit' });
  });

  it('shows the CO-RE error, hovers per-target offsets, and clears the error after an edit', () => {
    const root = tempDir('corelens-nvim-');
    const text = fs.readFileSync(path.join(FIXTURES, 'lsp', 'state.bpf.c'), 'utf8');
    const file = path.join(root, 'state.bpf.c');
    fs.writeFileSync(file, text);
    fs.writeFileSync(path.join(root, 'corelens.json'), JSON.stringify({
      targets: [{ name: '6.1-amd64', path: kernelPath('6.1-amd64') }, { name: '6.18-amd64', path: kernelPath('6.18-amd64') }],
    }));
    const lines = text.split('\n');
    const hoverLine = lines.findIndex((l) => l.includes('BPF_CORE_READ(prev, pid)'));
    const r = spawnSync('nvim', ['--headless', '--clean', '-n', '-i', 'NONE', '-c', `luafile ${path.join(REPO_ROOT, 'server', 'test', 'lsp', 'nvim-driver.lua')}`], {
      cwd: root,
      encoding: 'utf8',
      timeout: 150_000,
      env: {
        ...process.env,
        SERVER_CMD: `${process.execPath} ${path.join(REPO_ROOT, 'server', 'bin', 'corelens.js')} lsp --stdio`,
        FILE: file,
        HOVER_LINE: String(hoverLine),
        HOVER_COL: String(lines[hoverLine]!.indexOf('pid);') + 1),
        EXPECT_DIAG: '`task_struct::state` does not exist',
        EXPECT_HOVER: '2416',
      },
    });
    const output = `${r.stdout}\n${r.stderr}`;
    assert.strictEqual(r.status, 0, output);
    assert.match(r.stdout, /filetype=c/);
    assert.match(r.stdout, /DIAG \d+:\d+ sev=1 src=corelens `task_struct::state` does not exist on every target/);
    assert.match(r.stdout, /HOVER \*\*task_struct::pid\*\* · offset 2416 on 6\.1-amd64 · differs on 1 \/ .*\| 1264 \(0x4f0\) \| 4 +\| pid_t \| 6\.18-amd64 \|/);
    assert.match(r.stdout, /after edit: cleared/);
    assert.match(r.stdout, /PASS/);
  });
});
