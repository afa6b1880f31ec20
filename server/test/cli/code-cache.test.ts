// The CLI's V8 code cache (src/cli/codeCache.ts): real `corelens` processes give the same output with no cache, a
// fresh one, a used one, a corrupt file and entries V8 rejects; the cache is written only when something was missing.
// The header scan's WebAssembly bytes kept in it are used by the next cold scan, with the same sites.

import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { fixtureSourcePrograms } from '../support/analysisShapes';

const BIN = path.join(__dirname, '..', '..', '..', 'bin', 'corelens.js');

const PROGRAM = `struct task { int pid; struct task *parent; } __attribute__((preserve_access_index));
#define SEC(n) __attribute__((section(n), used))
SEC("kprobe/x") int prog(struct task *t) { return t->parent->pid + __builtin_preserve_field_info(t->pid, 2); }
char LICENSE[] SEC("license") = "GPL";
`;

interface Stats { used: number; rejected: number; missing: number; skipped: number; deps: number; written: boolean; bytesUsed: number; bytesBuilt: number }

/** Runs `corelens sites` on the program with CORELENS_CACHE=`cache`; its stdout, exit code and cache stats. */
function run(dir: string, cache: string): { out: string; status: number | null; stats?: Stats } {
  const r = spawnSync(process.execPath, [BIN, 'sites', path.join(dir, 'p.bpf.c')], {
    encoding: 'utf8', env: { ...process.env, CORELENS_CACHE: cache, CORELENS_DEBUG_CODE_CACHE: '1', CORELENS_V8_FLAGS: undefined },
  });
  const m = /corelens code cache: (\{.*\})/.exec(r.stderr);
  return { out: r.stdout, status: r.status, stats: m ? JSON.parse(m[1]!) as Stats : undefined };
}

describe('the CLI code cache', function () {
  this.timeout(300_000);

  it('same output without, with a fresh, a used, a corrupt and a rejected cache; written only when needed', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'corelens-codecache-'));
    try {
      fs.writeFileSync(path.join(dir, 'p.bpf.c'), PROGRAM);
      const cache = path.join(dir, 'cache');
      const plain = run(dir, 'off');
      assert.strictEqual(plain.status, 0);
      assert.match(plain.out, /byte_off/, 'the program has sites');
      assert.strictEqual(plain.stats, undefined, 'CORELENS_CACHE=off: no cache at all');

      const first = run(dir, cache);
      assert.strictEqual(first.out, plain.out);
      assert.ok(first.stats && first.stats.missing > 10 && first.stats.used === 0 && first.stats.written, JSON.stringify(first.stats));
      const files = fs.readdirSync(path.join(cache, 'code-cache'));
      assert.strictEqual(files.length, 1, files.join(' '));
      const file = path.join(cache, 'code-cache', files[0]!);
      // files of older installs and engines (one per node, flags, install path): the newest few stay
      for (let i = 0; i < 14; i++) {
        const old = path.join(cache, 'code-cache', `cli-old${i}.bin`);
        fs.writeFileSync(old, 'x');
        fs.utimesSync(old, new Date(2020, 0, 1 + i), new Date(2020, 0, 1 + i));
      }
      fs.rmSync(file);
      run(dir, cache);
      const kept = fs.readdirSync(path.join(cache, 'code-cache')).filter((f) => f.startsWith('cli-')).sort();
      // 12 stay (three flavours per install, four installs): the new file and the 11 newest old ones
      assert.deepStrictEqual(kept, [files[0]!, ...Array.from({ length: 11 }, (_, k) => `cli-old${k + 3}.bin`)].sort(), kept.join(' '));
      for (let i = 3; i < 14; i++) fs.rmSync(path.join(cache, 'code-cache', `cli-old${i}.bin`));

      const second = run(dir, cache);
      assert.strictEqual(second.out, plain.out);
      assert.deepStrictEqual(second.stats, { ...second.stats, used: first.stats.missing, missing: 0, rejected: 0, written: false });

      /** Rewrites the cache file with `edit` applied to its index and data (the checksum made to match again). */
      const rewrite = (edit: (entries: [string, string, number][], data: Buffer) => void): void => {
        const buf = fs.readFileSync(file);
        const n = buf.readUInt32LE(4);
        const entries = (JSON.parse(buf.toString('utf8', 8, 8 + n)) as { entries: [string, string, number][] }).entries;
        const data = Buffer.from(buf.subarray(8 + n));
        edit(entries, data);
        const head = Buffer.from(JSON.stringify({ sum: crypto.createHash('sha256').update(data).digest('base64'), entries }));
        const pre = Buffer.alloc(8);
        pre.write('CLC1', 0, 'latin1');
        pre.writeUInt32LE(head.length, 4);
        fs.writeFileSync(file, Buffer.concat([pre, head, data]));
      };

      // damaged data (a disk error): V8's deserializer does not check it and aborted the process; the file's
      // checksum catches it, and the modules compile as without a cache
      const good = fs.readFileSync(file);
      const bad = Buffer.from(good);
      for (let k = bad.length - 2000; k < bad.length - 1000; k++) bad[k] = bad[k]! ^ 0x5a;
      fs.writeFileSync(file, bad);
      const damaged = run(dir, cache);
      assert.strictEqual(damaged.status, 0);
      assert.strictEqual(damaged.out, plain.out);
      assert.ok(damaged.stats && damaged.stats.used === 0 && damaged.stats.written, JSON.stringify(damaged.stats));

      // data V8 itself refuses (its header says another source length): rejected, compiled, rewritten
      rewrite((entries, data) => { let at = 0; for (const [, , len] of entries) { data[at + 8] = data[at + 8]! ^ 0xff; at += len; } });
      const rejected = run(dir, cache);
      assert.strictEqual(rejected.out, plain.out);
      assert.ok(rejected.stats && rejected.stats.rejected > 10 && rejected.stats.written, JSON.stringify(rejected.stats));
      assert.strictEqual(run(dir, cache).stats?.rejected, 0, 'the rewritten cache is accepted');

      // a file that is not a cache (truncated, garbage): no cache, same output, rewritten
      for (const junk of [fs.readFileSync(file).subarray(0, 100), Buffer.from('CLC1\xff\xff\xff\x7fgarbage', 'latin1'), Buffer.alloc(0)]) {
        fs.writeFileSync(file, junk);
        const r = run(dir, cache);
        assert.strictEqual(r.out, plain.out);
        assert.ok(r.stats && r.stats.used === 0 && r.stats.written, JSON.stringify(r.stats));
      }

      // a module whose text changed is compiled afresh (its entry is keyed by the text's hash): simulated by an
      // index entry whose hash no longer matches
      rewrite((entries) => { entries[0]![1] = 'not-the-hash'; });
      const changed = run(dir, cache);
      assert.strictEqual(changed.out, plain.out);
      assert.ok(changed.stats && changed.stats.missing === 1 && changed.stats.written, JSON.stringify(changed.stats));

      // an unwritable cache directory: the command still works
      fs.rmSync(path.join(cache, 'code-cache'), { recursive: true });
      fs.writeFileSync(path.join(cache, 'code-cache'), 'a file where the directory should be');
      const ro = run(dir, cache);
      assert.strictEqual(ro.status, 0);
      assert.strictEqual(ro.out, plain.out);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a check whose targets run in workers writes a cache the next run accepts', () => {
    // the pool starts workers with a heap flag (check/pool.ts); V8 stamps cached code with the flags that differ
    // from their defaults, so a cache written while it was still set was rejected by every next run
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'corelens-codecache-'));
    try {
      fs.writeFileSync(path.join(dir, 'p.bpf.c'), PROGRAM);
      const kernel = path.join(__dirname, '..', '..', '..', '..', 'test-fixtures', 'btf', 'kernels', '6.18-amd64.btf.xz');
      const check = () => {
        // a source's targets always run in a worker (at least one is started, whatever the cores)
        const r = spawnSync(process.execPath, [BIN, 'check', path.join(dir, 'p.bpf.c'), '--target', `k=${kernel}`, '--no-cache', '--format', 'json'], {
          encoding: 'utf8', env: { ...process.env, CORELENS_CACHE: path.join(dir, 'cache'), CORELENS_DEBUG_CODE_CACHE: '1', CORELENS_V8_FLAGS: undefined },
        });
        const m = /corelens code cache: (\{.*\})/.exec(r.stderr);
        return { status: r.status, stats: m ? JSON.parse(m[1]!) as Stats : undefined };
      };
      const first = check();
      assert.ok(first.status === 0 || first.status === 1, `exit ${first.status}`);
      assert.ok(first.stats?.written, JSON.stringify(first.stats));
      const second = check();
      assert.strictEqual(second.status, first.status);
      assert.ok(second.stats && second.stats.rejected === 0 && second.stats.used > 10 && !second.stats.written, JSON.stringify(second.stats));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a check\'s worker threads compile their modules from a cache of their own', () => {
    // check/workerEntry.ts; fails with CORELENS_WORKER_CODE_CACHE=0 (the thread then compiles every module each run)
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'corelens-codecache-'));
    try {
      fs.writeFileSync(path.join(dir, 'p.bpf.c'), PROGRAM);
      const kernel = path.join(__dirname, '..', '..', '..', '..', 'test-fixtures', 'btf', 'kernels', '6.18-amd64.btf.xz');
      const check = () => {
        // a source's targets always run in a worker (at least one is started, whatever the cores)
        const r = spawnSync(process.execPath, [BIN, 'check', path.join(dir, 'p.bpf.c'), '--target', `k=${kernel}`, '--no-cache', '--format', 'json'], {
          encoding: 'utf8', env: { ...process.env, CORELENS_CACHE: path.join(dir, 'cache'), CORELENS_DEBUG_CODE_CACHE: '1', CORELENS_V8_FLAGS: undefined },
        });
        const m = /corelens worker code cache: (\{.*\})/.exec(r.stderr);
        return { status: r.status, out: r.stdout, stats: m ? JSON.parse(m[1]!) as Stats : undefined };
      };
      const first = check();
      assert.ok(first.stats && first.stats.missing > 10 && first.stats.written, JSON.stringify(first.stats));
      const second = check();
      assert.strictEqual(second.status, first.status);
      const findings = (out: string) => out.replace(/"(wallMs|peakRssMb)": \d+/g, '');
      assert.strictEqual(findings(second.out), findings(first.out));
      assert.ok(second.stats && second.stats.used === first.stats.missing && second.stats.missing === 0 && second.stats.rejected === 0 && !second.stats.written, JSON.stringify(second.stats));
      // the threads' file is not the process's (their heap flag is part of V8's check)
      assert.strictEqual(fs.readdirSync(path.join(dir, 'cache', 'code-cache')).filter((f) => f.startsWith('cli-')).length, 2);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('caches the dependencies (web-tree-sitter) too, and a cached module\'s import() of a builtin still runs', () => {
    // fails with CORELENS_CODE_CACHE_DEPS=0: web-tree-sitter (it has an import() of fs/promises) is then compiled
    // by Node on every run, and so is the dependency below
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'corelens-codecache-'));
    try {
      fs.writeFileSync(path.join(dir, 'p.bpf.c'), PROGRAM);
      const cache = path.join(dir, 'cache');
      const plain = run(dir, 'off');
      const first = run(dir, cache);
      const second = run(dir, cache);
      assert.strictEqual(second.out, plain.out);
      assert.ok(first.stats && first.stats.deps >= 1 && first.stats.written, JSON.stringify(first.stats));
      assert.ok(second.stats && second.stats.deps === first.stats.deps && second.stats.used === first.stats.missing && second.stats.missing === 0 && !second.stats.written, JSON.stringify(second.stats));
      const file = path.join(cache, 'code-cache', fs.readdirSync(path.join(cache, 'code-cache'))[0]!);
      const buf = fs.readFileSync(file);
      const index = (JSON.parse(buf.toString('utf8', 8, 8 + buf.readUInt32LE(4))) as { entries: [string, string, number][] }).entries.map((e) => e[0]);
      assert.ok(index.some((p) => p.endsWith(path.join('node_modules', 'web-tree-sitter', 'web-tree-sitter.cjs'))), index.join(' '));

      // a dependency whose import() names a builtin, compiled from the cache, runs that import() (the main
      // context's loader); one whose import() is relative is left to Node, as before
      const root = path.join(dir, 'app', 'out');
      const dep = path.join(dir, 'app', 'node_modules', 'dep');
      fs.mkdirSync(root, { recursive: true });
      fs.mkdirSync(dep, { recursive: true });
      fs.writeFileSync(path.join(dep, 'index.js'), `module.exports = async () => (await import("fs/promises")).readFile.name + ' ' + require('./rel.js').x;\n`);
      fs.writeFileSync(path.join(dep, 'rel.js'), `exports.x = require('./bin.js').x; exports.later = () => import('./index.js');\n`);
      // an executable's `#!` line: left to Node (it would not parse inside the wrapper)
      fs.writeFileSync(path.join(dep, 'bin.js'), `#!/usr/bin/env node\nexports.x = 'rel';\n`);
      const codeCache = path.join(__dirname, '..', '..', 'src', 'cli', 'codeCache.js');
      const script = `require(${JSON.stringify(codeCache)}).installCodeCache(${JSON.stringify(root)}, '');
        require(${JSON.stringify(path.join(dep, 'index.js'))})().then((v) => console.log(v));`;
      const go = () => {
        const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', env: { ...process.env, CORELENS_CACHE: path.join(dir, 'cache2'), CORELENS_DEBUG_CODE_CACHE: '1' } });
        assert.strictEqual(r.status, 0, r.stderr);
        const m = /corelens code cache: (\{.*\})/.exec(r.stderr);
        return { out: r.stdout.trim(), stats: JSON.parse(m![1]!) as Stats };
      };
      const a = go();
      const b = go();
      assert.strictEqual(a.out, 'readFile rel');
      assert.strictEqual(b.out, 'readFile rel');
      assert.deepStrictEqual([a.stats.deps, a.stats.missing, a.stats.used], [1, 1, 0], JSON.stringify(a.stats));
      assert.deepStrictEqual([b.stats.deps, b.stats.missing, b.stats.used], [1, 0, 1], JSON.stringify(b.stats));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keeps the header scan\'s WebAssembly bytes: a cold scan with a used cache assembles none, same sites', () => {
    // a header over LAZY_MIN_BYTES: its cold scan runs the matcher and pack's functions (util/wasm.ts builtModule)
    fixtureSourcePrograms();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'corelens-codecache-'));
    try {
      fs.copyFileSync(path.join(__dirname, '..', '..', '..', '..', 'test-fixtures', 'programs', 'vmlinux.h'), path.join(dir, 'vmlinux.h'));
      fs.writeFileSync(path.join(dir, 'p.bpf.c'), `#include "vmlinux.h"\n${PROGRAM.replace(/^struct task [^\n]*\n/, 'struct task { int pid; struct task *parent; } __attribute__((preserve_access_index));\n')}
SEC("kprobe/y") int prog2(struct task_struct *t) { return t->pid + t->real_parent->tgid; }
`);
      const cache = path.join(dir, 'cache');
      const cold = (env: NodeJS.ProcessEnv = {}) => {
        fs.rmSync(path.join(cache, 'headers'), { recursive: true, force: true });
        const r = spawnSync(process.execPath, [BIN, 'sites', path.join(dir, 'p.bpf.c')], {
          encoding: 'utf8', env: { ...process.env, CORELENS_CACHE: cache, CORELENS_DEBUG_CODE_CACHE: '1', CORELENS_V8_FLAGS: undefined, ...env },
        });
        const m = /corelens code cache: (\{.*\})/.exec(r.stderr);
        assert.strictEqual(r.status, 0, r.stderr);
        return { out: r.stdout, stats: m ? JSON.parse(m[1]!) as Stats : undefined };
      };
      const plain = cold({ CORELENS_CACHE: 'off' });
      assert.match(plain.out, /struct task_struct/, 'the header\'s sites');
      const first = cold();
      assert.strictEqual(first.out, plain.out);
      assert.ok(first.stats && first.stats.bytesBuilt >= 3 && first.stats.bytesUsed === 0 && first.stats.written, JSON.stringify(first.stats));
      const second = cold();
      assert.strictEqual(second.out, plain.out);
      assert.ok(second.stats && second.stats.bytesUsed === first.stats.bytesBuilt && second.stats.bytesBuilt === 0 && !second.stats.written, JSON.stringify(second.stats));
      // the kept bytes are a module the engine accepts
      const file = path.join(cache, 'code-cache', fs.readdirSync(path.join(cache, 'code-cache'))[0]!);
      const buf = fs.readFileSync(file);
      const n = buf.readUInt32LE(4);
      let at = 8 + n;
      const kept: string[] = [];
      for (const [p, , len] of (JSON.parse(buf.toString('utf8', 8, 8 + n)) as { entries: [string, string, number][] }).entries) {
        if (p.startsWith('bytes:')) { kept.push(p); assert.ok((globalThis as unknown as { WebAssembly: { validate(b: Uint8Array): boolean } }).WebAssembly.validate(buf.subarray(at, at + len)), p); }
        at += len;
      }
      assert.strictEqual(kept.length, first.stats.bytesBuilt, kept.join(' '));
      // bytes kept under other code (an entry whose key no longer matches the modules' hashes) are assembled afresh
      const text = buf.toString('utf8', 8, 8 + n).replace(/"(bytes:[a-z]+)","[^"]*"/g, '"$1","other code"');
      const head = Buffer.from(text);
      const pre = Buffer.alloc(8);
      pre.write('CLC1', 0, 'latin1');
      pre.writeUInt32LE(head.length, 4);
      fs.writeFileSync(file, Buffer.concat([pre, head, buf.subarray(8 + n)]));
      const stale = cold();
      assert.strictEqual(stale.out, plain.out);
      assert.ok(stale.stats && stale.stats.bytesBuilt === first.stats.bytesBuilt && stale.stats.bytesUsed === 0 && stale.stats.written, JSON.stringify(stale.stats));
      // a second run (header from its cache: no matcher) that rewrites the file keeps the bytes
      assert.strictEqual(cold().stats?.bytesUsed, first.stats.bytesBuilt);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
