// `corelens check` runs in a node started with its heap flags (src/cli/nodeFlags.ts): real processes, observed by a
// preload script each node loads (NODE_OPTIONS), which records its own start-up flags.

import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CHECK_NODE_FLAGS } from '../../src/cli/nodeFlags';
import { OBJECTS_DIR, kernelPath } from '../support/paths';

const BIN = path.join(__dirname, '..', '..', '..', 'bin', 'corelens.js');

interface Run { out: string; status: number | null; procs: { pid: number; ppid: number; execArgv: string[] }[] }

/** `corelens check` on a fixture object with CORELENS_NODE_FLAGS as given (undefined: unset); the nodes it ran. */
function check(dir: string, nodeFlags: string | undefined, nodeArgs: string[] = [], targets = ['--target', `k=${kernelPath('6.18-amd64')}`]): Run {
  const log = path.join(dir, `procs-${Math.random().toString(36).slice(2)}.jsonl`);
  const probe = path.join(dir, 'probe.js');
  fs.writeFileSync(probe, `require('fs').appendFileSync(${JSON.stringify(log)}, JSON.stringify({ pid: process.pid, ppid: process.ppid, execArgv: process.execArgv }) + '\\n');\n`);
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_OPTIONS: `--require=${probe}`, CORELENS_V8_FLAGS: undefined };
  if (nodeFlags === undefined) delete env.CORELENS_NODE_FLAGS;
  else env.CORELENS_NODE_FLAGS = nodeFlags;
  const r = spawnSync(process.execPath, [...nodeArgs, BIN, 'check', path.join(OBJECTS_DIR, 'kernel_task.bpfel.o'), ...targets,
    '--no-cache', '--format', 'json', '--jobs', '0'], { encoding: 'utf8', env });
  const procs = fs.existsSync(log) ? fs.readFileSync(log, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Run['procs'][number]) : [];
  return { out: r.stdout, status: r.status, procs };
}

/** The report without what changes from run to run. */
function report(out: string): unknown {
  const j = JSON.parse(out) as { stats: Record<string, unknown> };
  delete j.stats.wallMs;
  delete j.stats.peakRssMb;
  return j;
}

describe('check: node start-up flags', function () {
  this.timeout(300_000);
  let dir: string;
  before(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'corelens-nodeflags-')); });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('runs in a second node with the check flags, with the same report and exit code as without', () => {
    const flags = CHECK_NODE_FLAGS.split(' ');
    const relaunched = check(dir, undefined);
    const plain = check(dir, '');
    assert.strictEqual(plain.procs.length, 1, 'CORELENS_NODE_FLAGS empty: one node');
    assert.ok(!flags.every((f) => plain.procs[0]!.execArgv.includes(f)));
    assert.strictEqual(relaunched.procs.length, 2, 'the command runs in a node the first one starts');
    const [parent, child] = relaunched.procs;
    assert.strictEqual(child!.ppid, parent!.pid);
    for (const f of flags) assert.ok(child!.execArgv.includes(f), `${f} in ${child!.execArgv.join(' ')}`);
    assert.strictEqual(relaunched.status, plain.status);
    assert.ok(relaunched.out.length > 0);
    assert.deepStrictEqual(report(relaunched.out), report(plain.out));
  });

  it('a fleet (targets dir) runs in the first node: its targets run in workers', () => {
    const tree = path.join(dir, 'tree');
    fs.mkdirSync(tree, { recursive: true });
    fs.copyFileSync(kernelPath('6.18-amd64'), path.join(tree, '6.18-amd64.btf.xz'));
    const fleet = check(dir, undefined, [], ['--targets-dir', tree]);
    assert.strictEqual(fleet.procs.length, 1);
    assert.strictEqual(fleet.status, check(dir, '', [], ['--targets-dir', tree]).status);
  });

  it('a node already started with the flags runs the command itself; CORELENS_NODE_FLAGS replaces them', () => {
    const mine = check(dir, '--stack-size=2000');
    assert.strictEqual(mine.procs.length, 2);
    assert.ok(mine.procs[1]!.execArgv.includes('--stack-size=2000'));
    assert.ok(!mine.procs[1]!.execArgv.includes(CHECK_NODE_FLAGS.split(' ')[0]!));
    // a node given the flags directly (as the relaunched one is) runs the command itself: no second process
    const direct = check(dir, undefined, CHECK_NODE_FLAGS.split(' '));
    assert.strictEqual(direct.procs.length, 1);
    assert.strictEqual(direct.status, mine.status);
    assert.deepStrictEqual(report(direct.out), report(mine.out));
  });
});
