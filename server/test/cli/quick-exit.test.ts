// The CLI ends through process.exit once its event loop is empty (src/cli/main.ts runProcess: no heap teardown, as
// clang's -disable-free): real processes, observed by a preload script that records the call; the output a slow
// reader drains late is whole, and exit codes are the command's.

import * as assert from 'assert';
import { spawn, spawnSync } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { kernelPath } from '../support/paths';

const BIN = path.join(__dirname, '..', '..', '..', 'bin', 'corelens.js');

interface Run { status: number | null; out: Buffer; exitCalled: boolean }

/** Runs the CLI with `quick` on or off, reading its stdout only after `delayMs` (a reader that is slow to start). */
function run(dir: string, args: string[], quick: boolean, delayMs = 0): Promise<Run> {
  const log = path.join(dir, `exit-${Math.random().toString(36).slice(2)}.log`);
  const probe = path.join(dir, 'probe.js');
  // the probe records a call of process.exit (the quick exit's, or any other) before it happens
  fs.writeFileSync(probe, `const real = process.exit; process.exit = function () { require('fs').appendFileSync(${JSON.stringify(log)}, 'exit\\n'); return real.apply(process, arguments); };\n`);
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_OPTIONS: `--require=${probe}`, CORELENS_CACHE: path.join(dir, 'cache'), CORELENS_QUICK_EXIT: quick ? '1' : '0' };
  return new Promise((resolve, reject) => {
    const c = spawn(process.execPath, [BIN, ...args], { env, stdio: ['ignore', 'pipe', 'ignore'] });
    const parts: Buffer[] = [];
    c.stdout.pause();
    setTimeout(() => { c.stdout.on('data', (b: Buffer) => parts.push(b)); c.stdout.resume(); }, delayMs);
    c.on('error', reject);
    c.on('close', (status) => resolve({ status, out: Buffer.concat(parts), exitCalled: fs.existsSync(log) }));
  });
}

const sha = (b: Buffer) => crypto.createHash('sha256').update(b).digest('hex');

describe('CLI: quick exit (no heap teardown)', function () {
  this.timeout(300_000);
  let dir: string;
  before(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'corelens-quickexit-')); });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('ends through process.exit when on, naturally when off, with the same output', async () => {
    const args = ['btf', 'info', kernelPath('6.1-amd64'), '--json'];
    const on = await run(dir, args, true);
    const off = await run(dir, args, false);
    assert.strictEqual(on.exitCalled, true, 'quick exit on: process.exit was called');
    assert.strictEqual(off.exitCalled, false, 'quick exit off: the process ended by itself');
    assert.strictEqual(on.status, 0);
    assert.strictEqual(off.status, 0);
    assert.ok(on.out.length > 0);
    assert.strictEqual(sha(on.out), sha(off.out));
  });

  it('a reader that starts late still gets every byte of a large output (a pending write keeps the loop alive)', async () => {
    // a full kernel header is several MB: far more than a pipe holds, so the process waits on the reader
    const args = ['header', kernelPath('6.1-amd64')];
    const file = path.join(dir, 'vmlinux.h');
    const r = spawnSync(process.execPath, [BIN, ...args, '--out', file], { env: { ...process.env, CORELENS_CACHE: path.join(dir, 'cache') } });
    assert.strictEqual(r.status, 0, String(r.stderr));
    const want = fs.readFileSync(file);
    assert.ok(want.length > 1 << 20, `${want.length} bytes`);
    const late = await run(dir, args, true, 700);
    assert.strictEqual(late.status, 0);
    assert.strictEqual(late.exitCalled, true);
    assert.strictEqual(late.out.length, want.length);
    assert.strictEqual(sha(late.out), sha(want));
  });

  it('keeps the command\'s exit code (1: an unreadable file, 2: bad usage)', async () => {
    for (const quick of [true, false]) {
      assert.strictEqual((await run(dir, ['sites', path.join(dir, 'missing.bpf.c')], quick)).status, 1);
      assert.strictEqual((await run(dir, ['sites'], quick)).status, 2);
      assert.strictEqual((await run(dir, ['no-such-command'], quick)).status, 2);
    }
  });
});
