// Build on save over stdio with the real server and the real clang: the code lenses carry the verdicts `corelens
// check OBJ.o --format json` gives for the same object; untrusted workspaces and machines without clang do not build;
// only the newest save's build is shown; drift between the live analysis and the build is published and counted.

import * as assert from 'assert';
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { pathToFileURL } from 'url';
import { CodeLens, Diagnostic } from 'vscode-languageserver-protocol/node';
import { clangArgs } from '../../src/build/flags';
import { findClang } from '../../src/source/toolchain';
import { STATUS_METHOD, ServerStatus } from '../../src/status';
import { FIXTURES, REPO_ROOT, kernelPath } from '../support/paths';
import { TestClient, startClient } from '../support/lspClient';

const FIXTURE = path.join(FIXTURES, 'build', 'onsave.bpf.c');
const TARGETS = ['5.10-amd64', '6.18-amd64'];

/** A workspace of its own: corelens.json with two real kernels and a copy of the fixture as prog.bpf.c. */
function workspace(): { root: string; file: string; uri: string } {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'corelens-onsave-ws-'));
  fs.writeFileSync(path.join(root, 'corelens.json'), JSON.stringify({ targets: TARGETS.map((name) => ({ name, path: kernelPath(name) })) }));
  const file = path.join(root, 'prog.bpf.c');
  fs.copyFileSync(FIXTURE, file);
  return { root, file, uri: pathToFileURL(file).toString() };
}

/** Polls until the server's log has a line matching `re` (no fixed sleeps: a busy machine only makes it slower). */
async function logLine(c: TestClient, re: RegExp, ms = 90_000): Promise<string> {
  const end = Date.now() + ms;
  for (;;) {
    const hit = c.logs.find((l) => re.test(l));
    if (hit) return hit;
    if (Date.now() > end) throw new Error(`no log line ${re} within ${ms} ms; logs:\n${c.logs.join('\n')}\nstderr: ${c.stderr.join('')}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The build lenses (`build: ...`) of a document, by line. */
async function buildLenses(c: TestClient, uri: string): Promise<{ line: number; title: string }[]> {
  const lenses = await c.conn.sendRequest<CodeLens[]>('textDocument/codeLens', { textDocument: { uri } });
  return lenses.filter((l) => /^build/.test(l.command?.title ?? '')).map((l) => ({ line: l.range.start.line, title: l.command!.title }));
}

async function open(c: TestClient, uri: string, text: string, version = 1): Promise<void> {
  await c.conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'c', version, text } });
}

async function save(c: TestClient, uri: string): Promise<void> {
  await c.conn.sendNotification('textDocument/didSave', { textDocument: { uri } });
}

describe('build on save over stdio (real clang)', function () {
  this.timeout(180_000);
  const made: string[] = [];
  const clients: TestClient[] = [];
  // status notifications on, as the VS Code extension asks: a finished build is pushed, not only answered
  const start = async (trusted: boolean | undefined, env?: Record<string, string>) => {
    const ws = workspace();
    made.push(ws.root);
    const c = await startClient(ws.root, { defaultTargets: false }, undefined, {
      initializationOptions: { statusNotifications: true, ...(trusted === undefined ? {} : { workspaceTrusted: trusted }) }, ...(env ? { env } : {}),
    });
    clients.push(c);
    return { ...ws, c };
  };
  after(async () => {
    for (const c of clients) await c.stop();
    for (const d of made) fs.rmSync(d, { recursive: true, force: true });
  });

  it('clang is installed (scripts/ensure-tools.sh): these tests need it', () => {
    assert.ok(findClang(), 'clang is not on PATH: run scripts/ensure-tools.sh');
  });

  it('trusted: the lenses carry the verdicts of `corelens check OBJ.o --format json` on the same object', async () => {
    const { c, file, uri } = await start(true);
    const text = fs.readFileSync(file, 'utf8');
    await open(c, uri, text);
    await c.diagnostics(uri);
    await save(c, uri);
    await logLine(c, /built .*prog\.bpf\.c \(saved version 1\)/);
    const lenses = await buildLenses(c, uri);
    // The same object, built by the test with the same flags, checked by the CLI (its own process and engine).
    const out = path.join(path.dirname(file), 'check.o');
    execFileSync('clang', clangArgs(file, out, { arch: 'x86', includePaths: [] }), { cwd: path.dirname(file) });
    // Exit code 1: a program fails to load somewhere (read_state on 6.18), which is the point of the fixture.
    const run = spawnSync(process.execPath, [path.join(REPO_ROOT, 'server', 'bin', 'corelens.js'), 'check', out, '--format', 'json',
      ...TARGETS.flatMap((n) => ['--target', `${n}=${kernelPath(n)}`])], { encoding: 'utf8', maxBuffer: 1 << 26 });
    assert.strictEqual(run.status, 1, run.stderr);
    const json = JSON.parse(run.stdout) as { programs: { name: string; targets: Record<string, { loads: boolean; line?: number }> }[] };
    fs.rmSync(out);
    assert.strictEqual(json.programs.length, 2);
    const lines = text.split('\n');
    for (const p of json.programs) {
      // On the program's first line (its SEC line), where the live lens is too.
      const line = lines.findIndex((l) => new RegExp(`^int ${p.name}\\(`).test(l)) - 1;
      assert.match(lines[line]!, /^SEC\(/);
      const lens = lenses.find((l) => l.line === line);
      assert.ok(lens, `no build lens on ${p.name}'s line ${line + 1}: ${JSON.stringify(lenses)}`);
      const failing = TARGETS.filter((t) => !p.targets[t]!.loads);
      if (!failing.length) assert.strictEqual(lens.title, 'build: loads on both targets');
      else {
        const first = p.targets[failing[0]!]!;
        assert.strictEqual(lens.title, `build: loads on ${TARGETS.length - failing.length}/${TARGETS.length} · fails on ${failing.join(', ')}: ${p.name} line ${first.line}`);
      }
    }
    // read_state fails on 6.18 only (state became __state in 5.14): the check agrees, so the lens is not vacuous.
    assert.deepStrictEqual(json.programs.map((p) => [p.name, TARGETS.map((t) => p.targets[t]!.loads)]),
      [['read_state', [true, false]], ['guarded_state', [true, true]]]);
    const s = await c.conn.sendRequest<ServerStatus>(STATUS_METHOD);
    assert.deepStrictEqual(s.buildOnSave, { enabled: true });
    assert.strictEqual(s.lastBuild?.ok, true);
    assert.strictEqual(s.lastBuild?.failing, 1);
    assert.deepStrictEqual(s.buildDrift, { missing: 0, extra: 0 });
    // the same result was pushed: the last status notification carries the build, as the request does
    const pushed = c.notifications.filter((n) => n.method === STATUS_METHOD).map((n) => n.params as ServerStatus);
    assert.ok(pushed.length, 'no corelens/status notification');
    assert.deepStrictEqual(pushed[pushed.length - 1]!.lastBuild, s.lastBuild);
    // An edit after the save: the lens says it is from the last save.
    await c.conn.sendNotification('textDocument/didChange', { textDocument: { uri, version: 2 }, contentChanges: [{ text: `${text}\n` }] });
    const stale = await buildLenses(c, uri);
    assert.ok(stale.length === 2 && stale.every((l) => l.title.startsWith('build (last save): ')), JSON.stringify(stale));
  });

  it('a save while a build runs: only the newest save\'s result is shown', async () => {
    const { c, file, uri } = await start(true);
    const text = fs.readFileSync(file, 'utf8');
    await open(c, uri, text);
    await save(c, uri);
    await logLine(c, /building .*\(saved version 1\)/);
    // The second save guards read_state's read: then both programs load everywhere.
    const guarded = text.replace('\tout[1] = BPF_CORE_READ(t, state);', '\tif (bpf_core_field_exists(t->state)) out[1] = BPF_CORE_READ(t, state);');
    assert.notStrictEqual(guarded, text);
    fs.writeFileSync(file, guarded);
    await c.conn.sendNotification('textDocument/didChange', { textDocument: { uri, version: 2 }, contentChanges: [{ text: guarded }] });
    await save(c, uri);
    await logLine(c, /built .*\(saved version 2\)/);
    const lenses = await buildLenses(c, uri);
    assert.deepStrictEqual(lenses.map((l) => l.title), ['build: loads on both targets', 'build: loads on both targets']);
    const v2 = c.logs.findIndex((l) => /built .*\(saved version 2\)/.test(l));
    assert.ok(!c.logs.slice(v2).some((l) => /built .*\(saved version 1\)/.test(l)), 'an older build was shown after the newer one');
  });

  it('untrusted workspace (or a client that does not say): no build, said once in the log', async () => {
    for (const trusted of [false, undefined]) {
      const { c, file, uri } = await start(trusted);
      await open(c, uri, fs.readFileSync(file, 'utf8'));
      await c.diagnostics(uri);
      await save(c, uri);
      await save(c, uri);
      await logLine(c, /build on save: not building \(the workspace is not trusted\)/);
      const s = await c.conn.sendRequest<ServerStatus>(STATUS_METHOD);
      assert.deepStrictEqual(s.buildOnSave, { enabled: false, reason: 'the workspace is not trusted' });
      assert.strictEqual(s.lastBuild, undefined);
      assert.deepStrictEqual(await buildLenses(c, uri), []);
      assert.strictEqual(c.logs.filter((l) => /not building/.test(l)).length, 1);
      assert.ok(!c.logs.some((l) => /building /.test(l) && !/not building/.test(l)));
    }
  });

  it('no clang on PATH: no build and one log line', async () => {
    // PATH with node only (a folder holding a link to it): the server runs, clang is not found.
    const bin = fs.mkdtempSync(path.join(os.tmpdir(), 'corelens-noclang-'));
    made.push(bin);
    fs.symlinkSync(process.execPath, path.join(bin, 'node'));
    const { c, file, uri } = await start(true, { PATH: bin });
    await open(c, uri, fs.readFileSync(file, 'utf8'));
    await c.diagnostics(uri);
    await save(c, uri);
    await save(c, uri);
    await logLine(c, /build on save: not building \(clang not found \(clang on PATH\)\)/);
    const s = await c.conn.sendRequest<ServerStatus>(STATUS_METHOD);
    assert.strictEqual(s.buildOnSave?.enabled, false);
    assert.strictEqual(s.lastBuild, undefined);
    assert.strictEqual(c.logs.filter((l) => /not building/.test(l)).length, 1);
    assert.deepStrictEqual(await buildLenses(c, uri), []);
  });

  it('drift: the build adds what the live text does not report and downgrades what it proves dead, each counted once', async () => {
    // No fixture where the live analysis and the build disagree on the same text is known (the live guards agree with
    // the bytecode verdicts on every fixture), so the document's text differs from the saved file the server builds:
    // the editor's text guards read_state and leaves guarded_state unguarded; the file on disk does the opposite.
    const { c, file, uri } = await start(true);
    const disk = fs.readFileSync(file, 'utf8');
    const live = disk.replace('\tout[1] = BPF_CORE_READ(t, state);', '\tif (bpf_core_field_exists(t->state)) out[1] = BPF_CORE_READ(t, state);')
      .replace('\tif (bpf_core_field_exists(t->state))\n', '\t/* unguarded */\n');
    assert.strictEqual(live.split('\n').length, disk.split('\n').length);
    await open(c, uri, live);
    const before = await c.diagnostics(uri, (d) => d.some((x) => x.severity === 1));
    const liveError = before.find((d) => d.severity === 1 && /state/.test(String(d.message)))!;
    assert.ok(liveError, JSON.stringify(before));
    await save(c, uri);
    await logLine(c, /built .*\(saved version 1\)/);
    const after = await c.diagnostics(uri, (d) => d.some((x) => x.source === 'corelens (build)'));
    const added = after.filter((d: Diagnostic) => d.source === 'corelens (build)' && d.severity === 1);
    const readLine = disk.split('\n').findIndex((l) => l === '\tout[1] = BPF_CORE_READ(t, state);');
    assert.deepStrictEqual(added.map((d) => d.range.start.line), [readLine]);
    assert.match(String(added[0]!.message), /6\.18-amd64/);
    const downgraded = after.find((d) => d.range.start.line === liveError.range.start.line && d.code === liveError.code)!;
    assert.strictEqual(downgraded.severity, 3);
    assert.match(String(downgraded.message), /dead code/);
    const s = await c.conn.sendRequest<ServerStatus>(STATUS_METHOD);
    assert.deepStrictEqual(s.buildDrift, { missing: 1, extra: 1 });
    // The same version saved and built again finds the same differences: not counted again.
    c.latest.delete(uri);
    await save(c, uri);
    await c.diagnostics(uri, (d) => d.some((x) => x.source === 'corelens (build)'));
    assert.strictEqual(c.logs.filter((l) => /^corelens: built /.test(l)).length, 2);
    assert.deepStrictEqual((await c.conn.sendRequest<ServerStatus>(STATUS_METHOD)).buildDrift, { missing: 1, extra: 1 });
    assert.strictEqual(c.logs.filter((l) => /build drift/.test(l)).length, 2);
  });

  it('a reached call of a helper a target kernel lacks: an error on the call\'s line naming those targets, not drift', async () => {
    // bpf_loop (helper 181) came with 5.17: 5.10's verifier refuses the call (its helper table ends at 155)
    const { c, file, uri } = await start(true);
    const text = fs.readFileSync(file, 'utf8').replace('char LICENSE[]', `static long step(__u32 i, void *ctx)
{
\t*(__u64 *)ctx += i;
\treturn 0;
}

SEC("kprobe/do_nanosleep")
int loops(void *ctx)
{
\t__u64 sum = 0;

\tbpf_loop(4, step, &sum, 0);
\tout[0] = sum;
\treturn 0;
}

char LICENSE[]`);
    fs.writeFileSync(file, text);
    await open(c, uri, text);
    await save(c, uri);
    await logLine(c, /built .*\(saved version 1\)/);
    const after = await c.diagnostics(uri, (d) => d.some((x) => x.code === 'core-build-helper'));
    const call = text.split('\n').findIndex((l) => l.includes('bpf_loop(4, step'));
    const h = after.filter((d: Diagnostic) => d.code === 'core-build-helper');
    assert.deepStrictEqual(h.map((d) => [d.range.start.line, d.severity, d.source]), [[call, 1, 'corelens (build)']]);
    assert.match(String(h[0]!.message), /^bpf_loop does not exist on 5\.10-amd64: .*\(invalid func unknown#181\).*BPF_FUNC_loop/);
    assert.doesNotMatch(String(h[0]!.message), /6\.18/);
    const lenses = await buildLenses(c, uri);
    assert.ok(lenses.some((l) => new RegExp(`fails on 5\\.10-amd64: loops line ${call + 1}$`).test(l.title)), JSON.stringify(lenses));
    assert.deepStrictEqual((await c.conn.sendRequest<ServerStatus>(STATUS_METHOD)).buildDrift, { missing: 0, extra: 0 });
  });

  it('a strong kfunc a target kernel lacks: libbpf refuses the object there, one error at the extern\'s declaration (the live one: the build agrees, adds none), not drift', async () => {
    // bpf_task_acquire came with 6.2: libbpf resolves externs before relocating and refuses the whole object on 5.10
    const { c, file, uri } = await start(true);
    const text = fs.readFileSync(file, 'utf8').replace('char LICENSE[]', `extern struct task_struct *bpf_task_acquire(struct task_struct *p) __ksym;
extern void bpf_task_release(struct task_struct *p) __ksym;

SEC("tp_btf/sched_process_fork")
int acquire(unsigned long long *ctx)
{
\tstruct task_struct *t = bpf_task_acquire((struct task_struct *)ctx[1]);

\tif (t)
\t\tbpf_task_release(t);
\treturn 0;
}

char LICENSE[]`);
    fs.writeFileSync(file, text);
    await open(c, uri, text);
    await save(c, uri);
    await logLine(c, /built .*\(saved version 1\)/);
    const after = await c.diagnostics(uri, (d) => d.some((x) => x.code === 'core-extern-refused'));
    const decl = text.split('\n').findIndex((l) => l.startsWith('extern struct task_struct *bpf_task_acquire('));
    const r = after.filter((d: Diagnostic) => d.code === 'core-extern-refused');
    assert.deepStrictEqual(r.map((d) => [d.range.start.line, d.range.start.character, d.severity, d.source]),
      [[decl, 'extern struct task_struct *'.length, 1, 'corelens']]);
    assert.match(String(r[0]!.message), /^libbpf fails the whole object load before any relocation: extern \(func ksym\) 'bpf_task_acquire': not found in kernel or module BTFs; .*: no program of the object loads on 5\.10-amd64$/);
    const lenses = await buildLenses(c, uri);
    // every program fails on 5.10 (the first failing target), the one with its own poisoned read on 6.18 too
    assert.ok(lenses.length >= 3 && lenses.every((l) => /fails on (5\.10-amd64|every target \(2\)): libbpf refuses the object$/.test(l.title)), JSON.stringify(lenses));
    assert.deepStrictEqual((await c.conn.sendRequest<ServerStatus>(STATUS_METHOD)).buildDrift, { missing: 0, extra: 0 });
  });
});
