// Hostile files (issue 17 rows 2, 3, 11 and the tar long name): devices, FIFOs, huge and sparse files,
// decompression bombs. Every reader goes through util/files.ts: regular files only, magic first, caps per kind.
// Each CLI case runs in a child process under a heap cap; buffers live outside the V8 heap, so the peak RSS is
// asserted too (reading a 1.9 GB file whole shows up there, not as a heap abort).

import * as assert from 'assert';
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as zlib from 'zlib';
import { INPUT_LIMITS, InputError, limitBytes, readInput, readInputSync, readTextInput } from '../../src/util/files';
import { openBtfFile } from '../../src/btf/open';
import { peakRssKb } from '../../src/util/memory';
import { assertClean, runBounded, tempDir } from '../support/bounded';
import { FIXTURES, kernelPath } from '../support/paths';

const OBJ = path.join(FIXTURES, 'objects', 'kernel_task.bpfel.o');
const PROG = path.join(FIXTURES, 'programs', 'kernel_task.bpf.c');
const RSS_MB = 350; // a run that read one of these inputs whole would be far above

describe('hostile files: read only data files, and only as much as needed (issue 17)', function () {
  this.timeout(300_000);
  let tmp: ReturnType<typeof tempDir>;
  let fifo: string;
  before(() => {
    tmp = tempDir('hostile-read');
    fifo = path.join(tmp.dir, 'pipe.btf');
    execFileSync('mkfifo', [fifo]);
  });
  after(() => tmp.cleanup());

  const cli = async (args: string[], codes: number[], env: NodeJS.ProcessEnv = {}) => {
    const r = await runBounded(args, { heapMb: 256, cwd: tmp.dir, env });
    assertClean(r, codes, `corelens ${args.join(' ')}`);
    assert.ok(r.peakRssMb < RSS_MB, `corelens ${args.join(' ')}: peak RSS ${r.peakRssMb} MB`);
    return r;
  };

  describe('row 2: /dev/zero and /dev/urandom are refused at once, by name', () => {
    for (const dev of ['/dev/zero', '/dev/urandom']) {
      it(`${dev} as a target, an input, an object, a source and a config`, async () => {
        const msg = new RegExp(`${dev}: is a character device \\(like /dev/zero\\), not a regular file: not read`);
        assert.match((await cli(['btf', 'info', dev], [1])).stderr, msg);
        assert.match((await cli(['layout', '--target', `d=${dev}`, 'struct task_struct'], [1])).stderr, msg);
        assert.match((await cli(['relocate', dev], [1])).stderr, msg);
        assert.match((await cli(['check', OBJ, '--target', `d=${dev}`, '--no-cache'], [2])).stderr, msg);
        assert.match((await cli(['check', PROG, '--config', dev, '--no-cache'], [2])).stderr, msg);
        assert.match((await cli(['sites', dev], [1, 2])).stderr, new RegExp(dev));
      });
    }
  });

  describe('row 3: a FIFO is never opened (it would block forever)', () => {
    it('as a target, an input, a config and corelens.json beside the program', async () => {
      const msg = /pipe\.btf: is a named pipe \(FIFO\), not a regular file: not read/;
      assert.match((await cli(['btf', 'info', fifo], [1])).stderr, msg);
      assert.match((await cli(['header', fifo], [1])).stderr, msg);
      assert.match((await cli(['check', OBJ, '--target', `p=${fifo}`, '--no-cache'], [2])).stderr, msg);
      assert.match((await cli(['check', PROG, '--config', fifo, '--no-cache'], [2])).stderr, msg);
      const dir = path.join(tmp.dir, 'withfifo');
      fs.mkdirSync(dir);
      fs.copyFileSync(PROG, path.join(dir, 'p.bpf.c'));
      fs.copyFileSync(path.join(FIXTURES, 'programs', 'fixture.h'), path.join(dir, 'fixture.h'));
      execFileSync('mkfifo', [path.join(dir, 'corelens.json')]);
      const r = await cli(['check', path.join(dir, 'p.bpf.c'), '--no-cache'], [2]);
      assert.match(r.stderr, /corelens\.json: is a named pipe \(FIFO\)/);
    });

    it('a FIFO or a device as a header is a note, and the rest of the file is analysed', async () => {
      const dir = path.join(tmp.dir, 'inc');
      fs.mkdirSync(dir);
      execFileSync('mkfifo', [path.join(dir, 'fifo.h')]);
      fs.symlinkSync('/dev/zero', path.join(dir, 'zero.h'));
      const src = path.join(dir, 'p.bpf.c');
      fs.writeFileSync(src, '#include "fifo.h"\n#include "zero.h"\nstruct s { int a; } __attribute__((preserve_access_index));\n'
        + 'int f(struct s *p) { return p->a; }\n');
      const r = await cli(['sites', src], [0]);
      assert.match(r.stderr, /fifo\.h: is a named pipe/);
      assert.match(r.stdout, /struct s +0:0/);
    });

    it('a directory is a one-line error', async () => {
      assert.match((await cli(['btf', 'info', tmp.dir], [1])).stderr, /is a directory, not a file/);
    });
  });

  describe('row 11: the magic is checked on the first bytes, and only what is needed is read', () => {
    it('a 1.9 GB file of zeros is refused after 512 bytes', async () => {
      const big = path.join(tmp.dir, 'big.btf');
      fs.closeSync(fs.openSync(big, 'w'));
      fs.truncateSync(big, Math.floor(1.9 * 1024 ** 3)); // sparse: no disk used
      assert.match((await cli(['btf', 'info', big], [1])).stderr, /big\.btf: not BTF, ELF, xz, gzip or tar data \(starts with 00 00 00 00\)/);
    });

    it('a 1.9 GB ELF file is read section by section: its .BTF, not the rest', async () => {
      const elf = path.join(tmp.dir, 'huge.o');
      fs.copyFileSync(OBJ, elf);
      fs.truncateSync(elf, Math.floor(1.9 * 1024 ** 3)); // a real object followed by 1.9 GB of (sparse) nothing
      const r = await cli(['btf', 'info', elf], [0]);
      assert.match(r.stdout, /container: +elf:\.BTF/);
    });

    it('a file over its cap is refused with the cap and the variable that raises it', async () => {
      const f = path.join(tmp.dir, 'k.btf.xz');
      fs.copyFileSync(kernelPath('6.1-amd64'), f);
      const r = await cli(['btf', 'info', f], [1], { CORELENS_MAX_BTF_MB: '0.25' });
      assert.match(r.stderr, /k\.btf\.xz: file is \d+ [KM]B, over the 256 KB limit for BTF files \(set CORELENS_MAX_BTF_MB to raise it\)/);
      const d = await cli(['btf', 'info', f], [1], { CORELENS_MAX_DECOMPRESSED_MB: '2' });
      assert.match(d.stderr, /xz data expands to more than 2 MB, the limit for decompressed data \(set CORELENS_MAX_DECOMPRESSED_MB to raise it\)/);
    });

    it('decompression bombs: zeros stop after the first bytes; a real BTF padded to 100 MB stops at the cap', async () => {
      const zeros = path.join(tmp.dir, 'zeros.btf.xz');
      // 200 MB of zeros, 30 KB compressed; gzip likewise
      fs.writeFileSync(zeros, spawnSync('xz', ['-0', '-T1', '-c'], { input: Buffer.alloc(200 * 1024 * 1024), maxBuffer: 1 << 24 }).stdout);
      fs.writeFileSync(path.join(tmp.dir, 'zeros.btf.gz'), zlib.gzipSync(Buffer.alloc(200 * 1024 * 1024), { level: 1 }));
      for (const f of ['zeros.btf.xz', 'zeros.btf.gz']) {
        assert.match((await cli(['btf', 'info', f], [1])).stderr, /(xz|gzip) data does not hold BTF: not BTF, ELF, xz, gzip or tar data \(starts with 00 00 00 00\)/);
      }
      for (const env of [{}, { CORELENS_NO_NATIVE_XZ: '1' }]) {
        assert.match((await cli(['btf', 'info', 'zeros.btf.xz'], [1], env)).stderr, /does not hold BTF/);
      }
    });

    it('8 decompression bombs in a targets dir at once: at most one decompression per core, memory bounded', async () => {
      const dir = path.join(tmp.dir, 'bombs');
      fs.mkdirSync(dir);
      // raw BTF of a real kernel followed by 60 MB of zeros: valid xz, valid head, over a 16 MB cap
      const raw = await openBtfFile(kernelPath('6.1-amd64'));
      assert.ok(raw.ok);
      const padded = Buffer.concat([Buffer.from(raw.value.btf.bytes), Buffer.alloc(60 * 1024 * 1024)]);
      const xz = spawnSync('xz', ['-0', '-T1', '-c'], { input: padded, maxBuffer: 1 << 26 }).stdout;
      for (let i = 0; i < 8; i++) fs.writeFileSync(path.join(dir, `bomb${i}.btf.xz`), xz);
      const r = await cli(['check', PROG, '--targets-dir', dir, '--no-cache', '--format', 'json'], [2], { CORELENS_MAX_DECOMPRESSED_MB: '16' });
      const j = JSON.parse(r.stdout);
      assert.strictEqual(j.skipped.length, 8);
      for (const s of j.skipped) assert.match(s.problem, /expands to more than 16 MB/);
    });

    it('10 files of 1 GB in a targets dir cost a stat and 512 bytes each', async () => {
      const dir = path.join(tmp.dir, 'gigs');
      fs.mkdirSync(dir);
      for (let i = 0; i < 10; i++) {
        const f = path.join(dir, `k${i}.btf`);
        fs.closeSync(fs.openSync(f, 'w'));
        fs.truncateSync(f, 1024 ** 3);
      }
      fs.copyFileSync(kernelPath('6.1-amd64'), path.join(dir, 'good.btf.xz'));
      const r = await cli(['check', PROG, '--targets-dir', dir, '--no-cache', '--format', 'json'], [0, 1]);
      const j = JSON.parse(r.stdout);
      assert.strictEqual(j.stats.checked, 1);
      assert.strictEqual(j.skipped.length, 10);
    });

    it('a tar long-name record of 16 MB is refused, and no message carries it', async () => {
      // a GNU 'L' header announcing a 16 MB name, the name itself, then a member: gzip makes it 16 KB
      const name = Buffer.alloc(16 * 1024 * 1024, 0x61);
      const header = (n: string, size: number, type: string) => {
        const h = Buffer.alloc(512);
        h.write(n, 0);
        h.write(size.toString(8).padStart(11, '0'), 124);
        h.write(type, 156);
        h.write('ustar  ', 257);
        return h;
      };
      const pad = (n: number) => Buffer.alloc((512 - (n % 512)) % 512);
      const tar = Buffer.concat([header('././@LongLink', name.length, 'L'), name, pad(name.length), header('x', 0, '0'), Buffer.alloc(1024)]);
      fs.writeFileSync(path.join(tmp.dir, 'longname.btf.tar.gz'), zlib.gzipSync(tar, { level: 1 }));
      const r = await cli(['btf', 'info', 'longname.btf.tar.gz'], [1]);
      assert.match(r.stderr, /tar long-name record of 16 MB at byte 0: names longer than 4096 bytes are refused/);
      assert.ok(r.stderr.length < 1000, `stderr is ${r.stderr.length} bytes`);
    });
  });

  describe('the memory probe', () => {
    it('reports the peak of the child itself, not the high-water mark of the big process that started it', async () => {
      // Linux keeps the forking parent's high-water mark across exec in getrusage's maxRSS: with it, every child of a
      // 400 MB test runner "used" 400 MB (CI failed on that); VmHWM belongs to the child's own address space
      const ballast = Array.from({ length: 40 }, () => Buffer.alloc(10 << 20, 1));
      const r = await cli(['btf', 'info', OBJ], [0]);
      assert.ok(ballast.length === 40 && r.peakRssMb > 0 && r.peakRssMb < 200, `peak RSS ${r.peakRssMb} MB`);
      assert.ok(peakRssKb() > 400 * 1024, 'this process has its ballast');
    });
  });

  describe('util/files.ts: the primitive itself', () => {
    it('caps come from CORELENS_MAX_<KIND>_MB, with defaults for every kind', () => {
      for (const k of Object.keys(INPUT_LIMITS) as (keyof typeof INPUT_LIMITS)[]) assert.strictEqual(limitBytes(k), INPUT_LIMITS[k].mb * 1024 * 1024);
      process.env.CORELENS_MAX_CONFIG_MB = '0.5';
      try {
        assert.strictEqual(limitBytes('config'), 512 * 1024);
        process.env.CORELENS_MAX_CONFIG_MB = 'lots';
        assert.strictEqual(limitBytes('config'), INPUT_LIMITS.config.mb * 1024 * 1024, 'a value that is not a number is ignored');
      } finally {
        delete process.env.CORELENS_MAX_CONFIG_MB;
      }
    });

    it('async and sync readers refuse FIFOs, devices and directories, and check the head first', async () => {
      for (const f of [fifo, '/dev/zero', tmp.dir]) {
        await assert.rejects(readInput(f, 'btf'), (e: unknown) => e instanceof InputError && e.file === f && !e.transient);
        assert.throws(() => readInputSync(f, 'config'), (e: unknown) => e instanceof InputError && !e.transient);
      }
      await assert.rejects(readInput('/no/such/file', 'btf'), (e: unknown) => e instanceof InputError && e.transient && /file not found/.test(e.message));
      let seen = -1;
      await assert.rejects(readInput(OBJ, 'object', (head) => { seen = head.length; return 'no thanks'; }), /no thanks/);
      assert.strictEqual(seen, 512);
      const bin = path.join(tmp.dir, 'bin.c');
      fs.writeFileSync(bin, Buffer.from([0x23, 0, 1, 2]));
      await assert.rejects(readTextInput(bin, 'source'), /holds binary data, not text: not read as C source/);
    });
  });
});
