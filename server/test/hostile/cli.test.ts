// Hostile inputs against every CLI command (issue 17 rows 4, 6, 7, 8, 9, 10, 13, 14 and the minor items): one line
// naming the file, never a stack; output only inside --out; EPIPE is quiet; caches and target dirs stay sane.
// Every command runs in a child process under a heap cap and a hang timeout.

import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { renderLayout } from '../../src/cli/layout';
import { internalError } from '../../src/cli/main';
import { TypeLayout } from '../../src/btf/layout';
import { resolveInside, safeFileName, uniqueFileNames } from '../../src/util/paths';
import { assertClean, runBounded, tempDir } from '../support/bounded';
import { hostileBtfs, wideStruct, withCoreReloTypeId } from '../support/hostileBtf';
import { FIXTURES, kernelPath } from '../support/paths';

const OBJ = path.join(FIXTURES, 'objects', 'kernel_task.bpfel.o');
const PROG = path.join(FIXTURES, 'programs', 'kernel_task.bpf.c');
const K = kernelPath('6.1-amd64');

describe('hostile inputs against every CLI command (issue 17)', function () {
  this.timeout(300_000);
  let tmp: ReturnType<typeof tempDir>;
  before(() => { tmp = tempDir('hostile-cli'); });
  after(() => tmp.cleanup());

  const cli = async (args: string[], codes: number[], opts: Parameters<typeof runBounded>[1] = {}) => {
    const r = await runBounded(args, { heapMb: 384, cwd: tmp.dir, ...opts });
    assertClean(r, codes, `corelens ${args.join(' ')}`);
    assert.ok(r.peakRssMb < 600, `corelens ${args.join(' ')}: peak RSS ${r.peakRssMb} MB`);
    return r;
  };
  /** Error lines: each names the file (or the target) it is about. */
  const oneLineEach = (stderr: string, file: string) => {
    for (const line of stderr.trim().split('\n').filter(Boolean)) {
      if (/^corelens: (warning|note):/.test(line)) continue;
      assert.ok(line.includes(file), `"${line}" does not name ${file}`);
    }
  };

  describe('row 6: BTF with cycles, deep chains, dangling ids, bad string offsets, a 4 GB struct', () => {
    for (const [name, bytes] of Object.entries(hostileBtfs())) {
      it(`${name}: header, btf info, layout, merge, minimize and check end cleanly`, async () => {
        const f = path.join(tmp.dir, `${name}.btf`);
        fs.writeFileSync(f, bytes);
        const h = await cli(['header', f], [0, 1]);
        oneLineEach(h.stderr, f);
        await cli(['btf', 'info', f], [0, 1]);
        const l = await cli(['layout', '--target', `x=${f}`, name === 'huge-struct' ? 'struct huge' : 'struct s'], [0, 1]);
        oneLineEach(l.stderr, f);
        await cli(['merge', K, f, '--out', path.join(tmp.dir, `${name}.merged.btf`)], [0, 1]);
        await cli(['minimize', OBJ, '--target', `x=${f}`, '--out', path.join(tmp.dir, `${name}.min`)], [0, 1]);
        await cli(['check', PROG, '--target', `x=${f}`, '--no-cache', '--format', 'json'], [0, 1, 2]);
      });
    }

    it('the header of a 10,000-deep typedef chain is refused with a reason, not a stack overflow', async () => {
      const f = path.join(tmp.dir, 'deep.btf');
      fs.writeFileSync(f, hostileBtfs()['deep-chain']!);
      const r = await cli(['header', f], [1]);
      assert.match(r.stderr, /deep\.btf: types nest more than \d+ levels deep at type #\d+/);
    });

    it('the header of a struct of size 0xffffffff is small (one padding array, not 500 million lines)', async () => {
      const f = path.join(tmp.dir, 'huge.btf');
      fs.writeFileSync(f, hostileBtfs()['huge-struct']!);
      const r = await cli(['header', f], [0]);
      assert.ok(r.stdout.length < 10_000, `${r.stdout.length} bytes`);
      assert.match(r.stdout, /unsigned char __corelens_pad_4\[\d+\];/);
    });

    it('layout: the text view says why a target has no layout, as --json does', async () => {
      const f = path.join(tmp.dir, 'cycle.btf');
      fs.writeFileSync(f, hostileBtfs()['typedef-cycle']!);
      const r = await cli(['layout', '--target', `x=${f}`, 'struct s'], [1]);
      assert.match(r.stdout, /struct s: not found on any target: x: .*type reference loop/);
      assert.doesNotMatch(r.stdout, /missing on every target/);
    });
  });

  it('row 7: check OBJ.o with a .BTF.ext record naming type id 0xffffffff reports a load error, no stack', async () => {
    const obj = path.join(tmp.dir, 'bad7.bpfel.o');
    fs.writeFileSync(obj, withCoreReloTypeId(fs.readFileSync(OBJ), 0xffffffff));
    const r = await cli(['check', obj, '--target', `k=${K}`, '--no-cache', '--format', 'json'], [1]);
    const j = JSON.parse(r.stdout);
    assert.ok(j.findings.some((f: { code: string; cause: string }) => f.code === 'core-load-error' && /invalid type #4294967295/.test(f.cause)));
    await cli(['relocate', obj, '--target', `k=${K}`, '--json'], [0, 1]);
  });

  it('row 8: output piped into a reader that goes away (| head -1) ends quietly', async () => {
    const close = { onSpawn: (c: import('child_process').ChildProcess) => c.stdout!.destroy() };
    for (const args of [['check', PROG, '--target', `k=${K}`, '--no-cache'], ['btf', 'info', ...Array(300).fill(OBJ)], ['header', K], ['sites', PROG]]) {
      const r = await runBounded(args, { heapMb: 384, cwd: tmp.dir, ...close });
      assert.ok(!r.timedOut && r.signal === null, `${args[0]}: ${r.signal ?? 'timeout'}`);
      assert.strictEqual(r.stderr, '', `${args[0]} printed on stderr: ${r.stderr.slice(0, 500)}`);
    }
  });

  it('row 9: a corrupted cache entry is a miss, and the good archive replaces it', async () => {
    const cache = path.join(tmp.dir, 'cache9');
    const run = async () => JSON.parse((await cli(['check', PROG, '--target', `k=${K}`, '--cache', cache, '--format', 'json'], [0, 1])).stdout);
    assert.strictEqual((await run()).stats.cacheHits, 0);
    const entries = listFiles(cache).filter((f) => f.endsWith('.slice'));
    assert.strictEqual(entries.length, 1);
    const b = fs.readFileSync(entries[0]!);
    for (let i = b.length - 64; i < b.length; i++) b[i] = b[i]! ^ 0xff; // damage the BTF at the end
    fs.writeFileSync(entries[0]!, b);
    const second = await run();
    assert.notStrictEqual(second.targets[0].status, 'skipped', 'the good archive is not reported unreadable');
    assert.strictEqual(second.stats.cacheHits, 0);
    assert.strictEqual(second.stats.archivesRead, 1);
    const third = await run();
    assert.strictEqual(third.stats.cacheHits, 1, 'the entry was replaced');
  });

  it('row 10: symlink cycles in a targets dir are harmless; each real file is one target', async () => {
    const dir = path.join(tmp.dir, 'tree10');
    fs.mkdirSync(path.join(dir, 'sub'), { recursive: true });
    fs.copyFileSync(K, path.join(dir, 'a.btf.xz'));
    fs.symlinkSync('.', path.join(dir, 'loop'));
    fs.symlinkSync('..', path.join(dir, 'sub', 'up'));
    fs.symlinkSync('../a.btf.xz', path.join(dir, 'sub', 'b.btf.xz'));
    fs.symlinkSync('self', path.join(dir, 'self')); // ELOOP
    execFileSync('mkfifo', [path.join(dir, 'sub', 'pipe.btf')]);
    const r = await cli(['check', PROG, '--targets-dir', dir, '--no-cache', '--format', 'json'], [0, 1]);
    const j = JSON.parse(r.stdout);
    assert.deepStrictEqual(j.targets.map((t: { name: string }) => t.name), ['a']);
    assert.ok(j.skipped.some((s: { file: string; problem: string }) => s.file.endsWith('self') && /symbolic links/.test(s.problem)));
    assert.ok(j.skipped.some((s: { file: string; problem: string }) => s.file.endsWith('pipe.btf') && /named pipe/.test(s.problem)));
  });

  it('row 11: failures are cached like successes (same key): a warm run reads no file', async () => {
    const dir = path.join(tmp.dir, 'garbage');
    fs.mkdirSync(dir);
    for (let i = 0; i < 50; i++) fs.writeFileSync(path.join(dir, `g${i}.btf.xz`), Buffer.concat([Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0]), Buffer.alloc(600, i)]));
    fs.copyFileSync(K, path.join(dir, 'good.btf.xz'));
    const cache = path.join(tmp.dir, 'cache11');
    const run = async () => JSON.parse((await cli(['check', PROG, '--targets-dir', dir, '--cache', cache, '--format', 'json'], [0, 1])).stdout);
    const first = await run();
    assert.strictEqual(first.skipped.length, 50);
    const second = await run();
    assert.strictEqual(second.stats.archivesRead, 0);
    assert.deepStrictEqual(second.skipped, first.skipped);
  });

  it('row 13: --jobs 200 is clamped to the cores, and says so', async () => {
    const r = await cli(['check', PROG, '--target', `k=${K}`, '--no-cache', '--jobs', '200', '--format', 'json'], [0, 1]);
    const cores = os.availableParallelism?.() ?? os.cpus().length;
    assert.ok(JSON.parse(r.stdout).stats.workers <= cores);
    assert.match(r.stderr, /--jobs 200 clamped to \d+ \(the number of cores/);
  });

  describe('row 14: layout of a struct with 65,535 members', () => {
    it('renders with a number of member lookups linear in the members (was one linear search per row)', () => {
      const n = 5000;
      let reads = 0;
      const members = Array.from({ length: n }, (_, i) => ({ name: `m${i}`, type: 'int', offset: 4 * i, size: 4, depth: 0 }));
      const counted = new Proxy(members, { get(t, p, r) { if (typeof p === 'string' && /^\d+$/.test(p)) reads++; return Reflect.get(t, p, r); } });
      const layout = { name: 'struct wide', size: 4 * n, align: 4, holes: 0, padding: 0, members: counted } as unknown as TypeLayout;
      const text = renderLayout('struct wide', [{ target: 'a', layout }, { target: 'b', layout }], false);
      assert.strictEqual(text.split('\n').length, n + 6);
      assert.ok(reads < 20 * n, `${reads} element reads for ${n} members`);
    });

    it('the CLI shows all 65,535 members', async () => {
      const f = path.join(tmp.dir, 'wide.btf');
      fs.writeFileSync(f, wideStruct());
      const r = await cli(['layout', '--target', `a=${f}`, '--target', `b=${f}`, 'struct wide', '--json'], [0]);
      assert.strictEqual(JSON.parse(r.stdout).targets.a.members.length, 65535);
    });
  });

  describe('row 4: target names are never path components', () => {
    it('minimize writes inside --out whatever the target names are', async () => {
      const out = path.join(tmp.dir, 'out4', 'deep');
      const escape = `escape-${path.basename(tmp.dir)}`; // unique: what an old build wrote outside --out stays there
      const r = await cli(['minimize', OBJ, '--target', `../../../${escape}=${K}`, '--target', `/etc/passwd=${K}`, '--target', `ubuntu/20.04/x86_64/5.4=${K}`,
        '--target', `ubuntu_20.04_x86_64_5.4=${K}`, '--out', out, '--json'], [0]);
      const written = JSON.parse(r.stdout).minimized.map((m: { file: string }) => path.relative(out, m.file));
      assert.deepStrictEqual(written, [`${escape}.btf`, 'etc_passwd.btf', 'ubuntu_20.04_x86_64_5.4.btf', 'ubuntu_20.04_x86_64_5.4-2.btf']);
      assert.deepStrictEqual(fs.readdirSync(path.join(tmp.dir, 'out4')), ['deep']);
      assert.ok(!fs.existsSync(path.resolve(out, `../../../${escape}.btf`)), 'nothing written outside --out');
    });

    it('names become one safe file name; anything else is refused', () => {
      assert.strictEqual(safeFileName('../../../x'), 'x');
      assert.strictEqual(safeFileName('..'), 'target');
      assert.strictEqual(safeFileName('a\0b/c\\d'), 'a_b_c_d');
      assert.strictEqual(safeFileName('x'.repeat(1000)).length, 200);
      assert.deepStrictEqual(uniqueFileNames(['a/b', 'a_b', 'A_B'], '.btf'), ['a_b.btf', 'a_b-2.btf', 'A_B-3.btf']);
      assert.strictEqual(resolveInside('/o', '../x'), undefined);
      assert.strictEqual(resolveInside('/o', 'a/b'), undefined);
      assert.strictEqual(resolveInside('/o', '..'), undefined);
      assert.strictEqual(resolveInside('/o', 'x.btf'), '/o/x.btf');
    });
  });

  describe('minor items', () => {
    it('minimize fails, writing nothing, when every relocation is a load error', async () => {
      const obj = path.join(tmp.dir, 'allbad.bpfel.o');
      fs.writeFileSync(obj, withCoreReloTypeId(fs.readFileSync(OBJ), 0xffffffff, true));
      const out = path.join(tmp.dir, 'min-allbad');
      const r = await cli(['minimize', obj, '--target', `k=${K}`, '--out', out], [1]);
      assert.match(r.stderr, /target k: every one of the \d+ relocations fails to load .* nothing written/);
      assert.deepStrictEqual(fs.existsSync(out) ? fs.readdirSync(out) : [], []);
    });

    it('a path holding a comma can be a target; `--` ends options', async () => {
      const comma = path.join(tmp.dir, 'a,b.btf.xz');
      fs.copyFileSync(K, comma);
      await cli(['layout', '--target', `k=${comma}`, 'struct task_struct'], [0]);
      await cli(['layout', '--target', comma, 'struct task_struct'], [0]);
      await cli(['check', PROG, '--target', `k=${comma},kind=kernel`, '--no-cache'], [0, 1]);
      const dash = path.join(tmp.dir, '-dash.btf.xz');
      fs.copyFileSync(K, dash);
      const r = await cli(['btf', 'info', '--', '-dash.btf.xz'], [0]);
      assert.match(r.stdout, /-dash\.btf\.xz/);
      await cli(['header', '--', '-dash.btf.xz', '--out', 'x.h'], [2]); // after --, --out is a second TARGET: usage
    });

    it('check --format json (and sarif) print a document even when no target is readable', async () => {
      for (const format of ['json', 'sarif']) {
        const r = await cli(['check', PROG, '--target', `z=/dev/null`, '--no-cache', '--format', format], [2]);
        const j = JSON.parse(r.stdout);
        if (format === 'json') {
          assert.strictEqual(j.stats.checked, 0);
          assert.strictEqual(j.skipped.length, 1);
        } else assert.strictEqual(j.version, '2.1.0');
      }
    });

    it('a corelens.json holding a list is an error, not silence', async () => {
      const cfg = path.join(tmp.dir, 'list.json');
      fs.writeFileSync(cfg, JSON.stringify([{ name: 'k', path: K }]));
      const r = await cli(['check', PROG, '--config', cfg, '--no-cache'], [2]);
      assert.match(r.stderr, /list\.json: list\.json must hold an object \{"targets": \[\.\.\.\], "includePaths": \[\.\.\.\]\}, not a list/);
    });

    it('internal errors are one line naming the command and its files; CORELENS_DEBUG=1 keeps the trace', () => {
      const e = new TypeError('boom\nsecond line');
      const line = internalError(e, ['header', '/x/y.btf']);
      assert.strictEqual(line.split('\n').length, 1);
      assert.match(line, /internal error in "corelens header \/x\/y\.btf": boom \(CORELENS_DEBUG=1 shows the trace\)/);
      process.env.CORELENS_DEBUG = '1';
      try {
        assert.match(internalError(e, ['header']), /TypeError: boom\n[\s\S]*\n\s+at /);
      } finally {
        delete process.env.CORELENS_DEBUG;
      }
    });
  });
});

function listFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...listFiles(p));
    else out.push(p);
  }
  return out;
}
