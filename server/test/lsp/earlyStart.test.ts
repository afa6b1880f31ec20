// The early start (earlyStart.ts): the VS Code extension forks the server before `initialize` and hands it the
// workspace folders and settings in CORELENS_EARLY_START; the server starts its targets then. The hint may only save
// time: the targets it started are the ones `initialize` keeps (read once), the diagnostics are those of a server
// started without it, and a malformed hint is ignored with a reason.

import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { pathToFileURL } from 'url';
import { EARLY_START_ENV, takeEarlyStart } from '../../src/earlyStart';
import { TestClient, startClient } from '../support/lspClient';
import { FIXTURES, kernelPath } from '../support/paths';

describe('early start: targets before initialize, for the VS Code extension', function () {
  this.timeout(120_000);

  it('reads the hint once and removes it from the environment (clang and CLI children never see it)', () => {
    const env: NodeJS.ProcessEnv = { [EARLY_START_ENV]: JSON.stringify({ roots: ['/w'], settings: { defaultTargets: false }, spawnedAt: 5 }) };
    assert.deepStrictEqual(takeEarlyStart(env), { early: { roots: ['/w'], settings: { defaultTargets: false }, spawnedAt: 5 } });
    assert.strictEqual(env[EARLY_START_ENV], undefined);
    assert.deepStrictEqual(takeEarlyStart(env), {});
    for (const bad of ['{', '[]', '{"roots":"/w"}', '{"roots":[1]}', 'null']) {
      const e: NodeJS.ProcessEnv = { [EARLY_START_ENV]: bad };
      const r = takeEarlyStart(e);
      assert.strictEqual(r.early, undefined, bad);
      assert.match(r.problem ?? '', /CORELENS_EARLY_START ignored/, bad);
      assert.strictEqual(e[EARLY_START_ENV], undefined);
    }
    // settings that are not an object count as none
    assert.deepStrictEqual(takeEarlyStart({ [EARLY_START_ENV]: '{"roots":[],"settings":[1]}' }).early, { roots: [], settings: {} });
  });

  /**
   * A workspace with one target in corelens.json and the probe program; the diagnostics and the server's log.
   * `onDisk`: what the file holds on disk when it differs from the text the editor opens (an early check then reads
   * text the editor does not have).
   */
  async function run(hint: ((ws: string, uri: string) => string) | undefined, onDisk?: (text: string) => string,
    program: (text: string) => string = (t) => t, settings: (ws: string) => Record<string, unknown> = () => ({}),
    env: Record<string, string> = {}): Promise<{ diags: unknown[]; logs: string[] }> {
    const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'corelens-early-'));
    fs.mkdirSync(path.join(ws, 'inc'));
    fs.writeFileSync(path.join(ws, 'inc', 'ahead.h'), '#define AHEAD_FIELD state\n');
    const text = program(fs.readFileSync(path.join(FIXTURES, 'vscode', 'probe.bpf.c'), 'utf8'));
    const file = path.join(ws, 'probe.bpf.c');
    fs.writeFileSync(file, onDisk ? onDisk(text) : text);
    fs.writeFileSync(path.join(ws, 'corelens.json'), JSON.stringify({ targets: [{ name: '6.1-amd64', path: kernelPath('6.1-amd64') }] }));
    let client: TestClient | undefined;
    try {
      const uri = pathToFileURL(file).toString();
      const h = hint?.(ws, uri);
      client = await startClient(ws, settings(ws), undefined, { env: { ...env, CORELENS_CACHE: path.join(ws, 'cache'), ...(h !== undefined ? { [EARLY_START_ENV]: h } : {}) } });
      await client.conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'c', version: 1, text } });
      const diags = await client.diagnostics(uri, (d) => d.some((x) => x.code === 'core-missing-field'), 60_000);
      for (let i = 0; i < 50 && !(client.logs.some((l) => /targets loaded/.test(l)) && client.logs.some((l) => /first diagnostics/.test(l))); i++) {
        await new Promise((r) => setTimeout(r, 20));
      }
      for (let i = 0; i < 50 && h?.includes('documents') && !client.logs.some((l) => /early check of/.test(l)); i++) await new Promise((r) => setTimeout(r, 20));
      return { diags, logs: [...client.logs] };
    } finally {
      await client?.stop();
      fs.rmSync(ws, { recursive: true, force: true });
    }
  }

  it('starts the workspace\'s targets before initialize, reads each once, and publishes what a server without the hint does', async () => {
    const plain = await run(undefined);
    const early = await run((ws) => JSON.stringify({ roots: [ws], settings: {} }));
    assert.ok(early.logs.some((l) => /early start: 1 targets and the parser loading since \d+ ms after the process started/.test(l)), early.logs.join('\n'));
    assert.ok(!plain.logs.some((l) => /early start/.test(l)), plain.logs.join('\n'));
    // the load started early is the one initialize kept: one archive read, as without the hint
    for (const r of [plain, early]) {
      assert.ok(r.logs.some((l) => /targets loaded in \d+ ms: 6\.1-amd64 \(since start: 1 BTF files read/.test(l)), r.logs.join('\n'));
    }
    assert.deepStrictEqual(early.diags, plain.diags);
  });

  it('checks the open documents it names during the handshake: the didOpen check reuses that work and publishes the same', async () => {
    const plain = await run(undefined);
    const early = await run((ws, uri) => JSON.stringify({ roots: [ws], settings: {}, documents: [uri] }));
    // the early check ran to its end on the file's text, and the didOpen check found its analysis (an update, no
    // full analysis) and its evaluation (nothing relocated again)
    assert.ok(early.logs.some((l) => /early check of probe\.bpf\.c done at /.test(l)), early.logs.join('\n'));
    assert.ok(early.logs.some((l) => /first diagnostics for probe\.bpf\.c .*evaluation reused from the early check/.test(l)), early.logs.join('\n'));
    assert.ok(!plain.logs.some((l) => /early check|reused from the early check/.test(l)), plain.logs.join('\n'));
    assert.deepStrictEqual(early.diags, plain.diags);
  });

  it('analyses the named document while the targets load (CORELENS_EARLY_ANALYSIS=1): the didOpen check reuses it, the same diagnostics', async () => {
    const plain = await run(undefined);
    const hint = (ws: string, uri: string) => JSON.stringify({ roots: [ws], settings: {}, documents: [uri] });
    const ahead = await run(hint, undefined, undefined, undefined, { CORELENS_EARLY_ANALYSIS: '1' });
    const after = await run(hint);
    // the early check's stages: its x86_64 analysis during the target load, or (off, the default) after it
    const line = (r: { logs: string[] }) => r.logs.find((l) => /early check of probe\.bpf\.c done at /.test(l)) ?? r.logs.join('\n');
    assert.match(line(ahead), /main-thread CPU analysis x86_64 during the load \d+, rest of the target load \d+, .*relocation x86_64/);
    assert.match(line(after), /main-thread CPU rest of the target load \d+, analysis x86_64 \d+, .*relocation x86_64/);
    assert.doesNotMatch(line(after), /during the load/);
    for (const r of [ahead, after]) {
      assert.ok(r.logs.some((l) => /first diagnostics for probe\.bpf\.c .*evaluation reused from the early check/.test(l)), r.logs.join('\n'));
      assert.deepStrictEqual(r.diags, plain.diags);
    }
  });

  it('an early check of a file whose editor text differs stops, one that cannot be read is skipped; the diagnostics are those of the editor\'s text', async () => {
    // on disk: the probe without its CO-RE error; in the editor (didOpen): the probe as it is
    const plain = await run(undefined);
    const early = await run((ws, uri) => JSON.stringify({ roots: [ws], settings: {}, documents: [uri, 'untitled:x', 7, pathToFileURL(path.join(ws, 'gone.bpf.c')).toString()] }),
      (text) => text.replace('BPF_CORE_READ(prev, state)', 'BPF_CORE_READ(prev, pid)'));
    assert.ok(early.logs.some((l) => /early check of probe\.bpf\.c (stopped: the editor's text differs|done)/.test(l)), early.logs.join('\n'));
    assert.ok(!early.logs.some((l) => /reused from the early check/.test(l)), early.logs.join('\n'));
    // a named file that cannot be read is skipped with the reason
    assert.ok(early.logs.some((l) => /early check of file:.*gone\.bpf\.c skipped: file not found/.test(l)), early.logs.join('\n'));
    assert.deepStrictEqual(early.diags, plain.diags);
  });

  it('an early check made with the hint\'s defines never stands for the configuration\'s', async () => {
    // the CO-RE error exists only without AHEAD_STALE: the hint defines it, the configuration (workspace/configuration,
    // initialize) does not, so the early check's analysis with the hint's defines must not reach the diagnostics
    const program = (t: string) => t.replace('\tlong state = BPF_CORE_READ(prev, state);', '#ifndef AHEAD_STALE\n\tlong state = BPF_CORE_READ(prev, state);\n#else\n\tlong state = 0;\n#endif');
    assert.notStrictEqual(program('\tlong state = BPF_CORE_READ(prev, state);'), '\tlong state = BPF_CORE_READ(prev, state);');
    const plain = await run(undefined, undefined, program);
    const early = await run((ws, uri) => JSON.stringify({ roots: [ws], settings: { defines: ['AHEAD_STALE'] }, documents: [uri] }), undefined, program);
    assert.ok(early.logs.some((l) => /early check of probe\.bpf\.c done/.test(l)), early.logs.join('\n'));
    assert.deepStrictEqual(early.diags, plain.diags);
  });

  it('analyzers replaced during the early check (other defines): the new one\'s first analysis still has the include paths', async () => {
    // the accessed field comes from a header found only through the configured include path; the hint and the
    // configuration name the same include path but other defines, so the configuration replaces the analyzers while the
    // early check's analysis (with the hint's defines) may still run: what it leaves must not make the new analyzer's
    // first analysis an update, which would run without the include paths
    const program = (t: string) => `#include "ahead.h"\n${t.replace('\tlong state = BPF_CORE_READ(prev, state);', '\tlong state = BPF_CORE_READ(prev, AHEAD_FIELD);')}`;
    const settings = (ws: string) => ({ includePaths: [path.join(ws, 'inc')] });
    const plain = await run(undefined, undefined, program, settings);
    assert.ok(plain.diags.some((d) => (d as { code?: string }).code === 'core-missing-field'), JSON.stringify(plain.diags));
    for (let i = 0; i < 3; i++) {
      const early = await run((ws, uri) => JSON.stringify({ roots: [ws], settings: { ...settings(ws), defines: ['AHEAD_OTHER'] }, documents: [uri] }), undefined, program, settings);
      assert.deepStrictEqual(early.diags, plain.diags);
    }
  });

  it('ignores a malformed hint with a reason, and starts at initialize as usual', async () => {
    const r = await run(() => '{"roots": "not a list"}');
    assert.ok(r.logs.some((l) => /CORELENS_EARLY_START ignored: no "roots" list of paths/.test(l)), r.logs.join('\n'));
    assert.ok(!r.logs.some((l) => /early start:/.test(l)), r.logs.join('\n'));
  });
});
