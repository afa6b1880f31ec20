// Emacs as real LSP clients, headless (batch Emacs over stdio): eglot 1.9 and lsp-mode 8.0 as Debian packages them.
// Diagnostics in flymake, hover through eldoc, the guard quick fix picked and applied by the client; and corelens
// running beside the real clangd in lsp-mode: clang's complaints come once (from clangd), the hovers stack.

import * as assert from 'assert';
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { FIXTURES, REPO_ROOT, kernelPath } from '../support/paths';
import { scratch } from '../support/bpfLoad';

const CORELENS = path.join(REPO_ROOT, 'server', 'bin', 'corelens.js');
const DRIVERS = path.join(REPO_ROOT, 'server', 'test', 'lsp');
const WANT = '`task_struct::state` does not exist';
const GUARD = 'Guard with bpf_core_field_exists(struct task_struct, state)';

/** A workspace with the compilable fixture program and two real kernels; returns the file and where `pid` is. */
function workspace(): { root: string; file: string; hoverLine: number; hoverCol: number } {
  const root = scratch('corelens-emacs-');
  const text = fs.readFileSync(path.join(FIXTURES, 'vscode', 'probe.bpf.c'), 'utf8');
  const file = path.join(root, 'probe.bpf.c');
  fs.writeFileSync(file, text);
  fs.writeFileSync(path.join(root, 'corelens.json'), JSON.stringify({
    targets: [{ name: '6.1-amd64', path: kernelPath('6.1-amd64') }, { name: '6.18-amd64', path: kernelPath('6.18-amd64') }],
  }));
  const lines = text.split('\n');
  const i = lines.findIndex((l) => l.includes('BPF_CORE_READ(prev, pid)'));
  return { root, file, hoverLine: i + 1, hoverCol: lines[i]!.indexOf('pid);') + 1 };
}

/** Runs a driver in batch Emacs; returns its output lines (the drivers print one fact per line). */
function emacs(driver: string, env: Record<string, string>): { out: string; lines: string[] } {
  const r = spawnSync('emacs', ['--batch', '-Q', '-l', path.join(DRIVERS, driver)], {
    encoding: 'utf8', timeout: 200_000, env: { ...process.env, CORELENS, ...env },
  });
  const out = `${r.stdout}`;
  assert.strictEqual(r.status, 0, `${driver} failed (${r.signal ?? r.status}):\n${out}\n--- stderr ---\n${r.stderr.slice(-4000)}`);
  assert.match(out, /^PASS /m);
  return { out, lines: out.split('\n') };
}

/** The eldoc text a driver printed between HOVER and END-HOVER. */
function hoverOf(lines: string[]): string[] {
  return lines.slice(lines.indexOf('HOVER') + 1, lines.indexOf('END-HOVER'));
}

describe('Emacs (batch, real clients): eglot 1.9 and lsp-mode 8.0', function () {
  this.timeout(300_000);
  const roots: string[] = [];

  before(() => {
    // As root, installs what is missing with apt-get; otherwise fails naming the command (scripts/ensure-tools.sh).
    execFileSync(path.join(REPO_ROOT, 'scripts', 'ensure-tools.sh'), ['emacs-nox', 'elpa-eglot', 'elpa-lsp-mode', 'clangd'], { stdio: 'inherit' });
  });
  after(() => {
    for (const r of roots) fs.rmSync(r, { recursive: true, force: true });
  });

  it('eglot: the error in flymake, the hover through eldoc, the guard fix picked in eglot\'s menu and applied', () => {
    const ws = workspace();
    roots.push(ws.root);
    const { lines } = emacs('emacs-eglot.el', {
      FILE: ws.file, HOVER_LINE: String(ws.hoverLine), HOVER_COL: String(ws.hoverCol), EXPECT_DIAG: WANT, FIX_TITLE: GUARD,
    });
    assert.ok(lines.some((l) => /^DIAG line 29 type=eglot-error corelens \[core-missing-field\]: `task_struct::state` does not exist on every target \(2\)/.test(l)), lines.join('\n'));
    // eldoc shows the hover text as the server wrote it: summary line, aligned table, compiled layout
    const hover = hoverOf(lines);
    assert.strictEqual(hover[0], '**task_struct::pid** · offset 2416 on 6.1-amd64 · differs on 1');
    assert.ok(hover.includes('| 2416 (0x970) | 4    | pid_t | 6.1-amd64  |'), hover.join('\n'));
    assert.ok(hover.includes('| 1264 (0x4f0) | 4    | pid_t | 6.18-amd64 |'), hover.join('\n'));
    assert.ok(lines.some((l) => l.startsWith('ACTIONS (') && l.includes(GUARD)));
    assert.ok(lines.includes('CLEARED'));
    const text = lines.filter((l) => l.startsWith('TEXT ')).map((l) => l.slice(5)).join('\n');
    assert.match(text, /\tlong state = 0;\n\tif \(bpf_core_field_exists\(struct task_struct, state\)\)\n\t\tstate = BPF_CORE_READ\(prev, state\);\n/);
  });

  it('lsp-mode: the error in flymake, the hover through eldoc, the guard fix applied by lsp-mode', () => {
    const ws = workspace();
    roots.push(ws.root);
    const { lines } = emacs('emacs-lsp-mode.el', {
      MODE: 'alone', FILE: ws.file, HOVER_LINE: String(ws.hoverLine), HOVER_COL: String(ws.hoverCol), EXPECT_DIAG: WANT, FIX_TITLE: GUARD,
    });
    assert.ok(lines.includes('SERVERS corelens'));
    assert.ok(lines.some((l) => /^DIAG line 29 `task_struct::state` does not exist on every target \(2\)/.test(l)), lines.join('\n'));
    const hover = hoverOf(lines);
    // lsp-mode renders the Markdown (bold markers gone); the rows are still the aligned table
    assert.strictEqual(hover[0], 'task_struct::pid · offset 2416 on 6.1-amd64 · differs on 1');
    assert.ok(hover.some((l) => /2416 \(0x970\).*6\.1-amd64/.test(l)), hover.join('\n'));
    assert.ok(lines.includes(`APPLIED ${GUARD}`) && lines.includes('CLEARED'));
  });

  describe('lsp-mode with corelens beside the real clangd (configured by corelens clangd-config)', () => {
    const run = (syntaxDiagnostics: boolean) => {
      const ws = workspace();
      roots.push(ws.root);
      const cfg = spawnSync(process.execPath, [CORELENS, 'clangd-config', ws.root], { encoding: 'utf8' });
      assert.strictEqual(cfg.status, 0, cfg.stderr);
      return emacs('emacs-lsp-mode.el', {
        MODE: 'clangd', FILE: ws.file, HOVER_LINE: String(ws.hoverLine), HOVER_COL: String(ws.hoverCol), EXPECT_DIAG: WANT,
        AFTER: 'long state =', BROKEN: '\tint oops = BPF_CORE_READ(prev, nosuchfield);', SYNTAX_DIAGNOSTICS: syntaxDiagnostics ? '1' : '0',
      }).lines;
    };

    it('both attach; clangd has nothing to say about the configured BPF program; corelens has its CO-RE error', () => {
      const lines = run(false);
      assert.ok(lines.includes('SERVERS clangd corelens'), lines.join('\n'));
      const diags = lines.filter((l) => l.startsWith('DIAG '));
      assert.ok(diags.some((l) => /^DIAG corelens line 29 `task_struct::state` does not exist/.test(l)), diags.join('\n'));
      // The hovers stack in one eldoc message. lsp-mode 8 merges them in reverse order of arrival
      // (lsp--create-async-callback pushes each answer), so which comes first is a race between the two servers;
      // what corelens controls is its own length: when its short table comes first, clangd's hover follows within
      // 12 lines.
      const hover = hoverOf(lines);
      const ours = hover.indexOf('task_struct::pid · offset 2416 on 6.1-amd64 · differs on 1');
      const clangdAt = hover.findIndex((l) => /field pid/.test(l));
      assert.ok(ours >= 0 && clangdAt >= 0, `both hovers are shown:\n${hover.join('\n')}`);
      if (ours === 0) assert.ok(clangdAt <= 12, `clangd's hover follows within 12 lines:\n${hover.join('\n')}`);
      // An unknown member typed in: clangd reports it; corelens does not repeat it.
      const syntax = lines.filter((l) => l.startsWith('SYNTAX '));
      assert.ok(syntax.some((l) => /^SYNTAX clangd line 29 No member named 'nosuchfield' in 'struct task_struct'/.test(l)), syntax.join('\n'));
      assert.deepStrictEqual(syntax.filter((l) => l.startsWith('SYNTAX corelens')), []);
      // Everything else, once both servers analysed the edited text: clangd nothing, corelens its CO-RE error.
      const rest = lines.filter((l) => l.startsWith('FINAL '));
      assert.deepStrictEqual(rest.filter((l) => l.startsWith('FINAL clangd')), [], 'no "unknown builtin" or missing-arch noise from clangd');
      assert.ok(rest.some((l) => /^FINAL corelens line 30 `task_struct::state` does not exist/.test(l)), rest.join('\n'));
    });

    it('control: with corelens.syntaxDiagnostics on, corelens reports the same line too', () => {
      const syntax = run(true).filter((l) => l.startsWith('SYNTAX '));
      assert.ok(syntax.some((l) => /^SYNTAX corelens line 29 struct task_struct has no member 'nosuchfield'/.test(l)), syntax.join('\n'));
    });
  });
});
