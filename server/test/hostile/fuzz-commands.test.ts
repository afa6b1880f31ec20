// Fuzzing every command and the language server (issue 17), beside the parser fuzzer (server/test/btf/fuzz.test.ts):
// real inputs (kernel and purpose-built BTF, containers, BPF objects, fixture and corpus programs) are mutated, bytes
// for binaries and tokens for sources (a stray `)` in a struct body was found that way), and every CLI command
// and a language server session run on them in child processes under a heap cap and a time limit. Each job must
// exit cleanly (0, 1 or 2, no stack trace, no "internal error") within bounded RSS.
//
// Seeded (CORELENS_FUZZ_SEED); CORELENS_FUZZ_CASES multiplies the default 32 CLI jobs and 2 server sessions.
// The figures (cases, crashes, timeouts, peak RSS) are printed. Failing inputs are kept in .tmp/fuzz-failures/.

import * as assert from 'assert';
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { pathToFileURL } from 'url';
import * as zlib from 'zlib';
import { openBtfFile } from '../../src/btf/open';
import { tokenize } from '../../src/source/lexer';
import { peakRssProbe, tempDir } from '../support/bounded';
import { FIXTURES, REPO_ROOT, kernelPath } from '../support/paths';
import { Prng } from '../support/prng';
import { RawServer } from '../support/rawLsp';

const SEED = Number(process.env.CORELENS_FUZZ_SEED ?? 20261123);
const SCALE = Number(process.env.CORELENS_FUZZ_CASES ?? 1);
const JOBS = 32 * SCALE;
const SESSIONS = 2 * SCALE;
const BATCH = 8;
const HEAP_MB = 768;
const RSS_LIMIT_MB = 1200;
const RUNNER = path.join(__dirname, '..', 'support', 'fuzzRunner.js');
const FAILURES = path.join(REPO_ROOT, '.tmp', 'fuzz-failures');

interface Job { argv: string[]; what: string; inputs: string[] }
interface Outcome { code: number | null; err: string; rssMb: number; timedOut?: boolean; signal?: string | null }

/** Byte mutations biased to where formats keep their lengths and ids (the first bytes, then anywhere). */
function mutateBytes(src: Uint8Array, rng: Prng): Uint8Array {
  let b = Buffer.from(src);
  if (rng.int(8) === 0) b = b.subarray(0, rng.int(b.length)); // truncated
  const n = 1 + rng.int(6);
  for (let i = 0; i < n && b.length; i++) {
    const p = rng.int(3) === 0 ? rng.int(Math.min(b.length, 256)) : rng.int(b.length);
    switch (rng.int(5)) {
      case 0: b[p] = b[p]! ^ (1 << rng.int(8)); break;
      case 1: b[p] = rng.int(256); break;
      default: {
        const v = [0xffffffff, 0, rng.int(0x20000), 0x7fffffff][rng.int(4)]!;
        const q = p & ~3;
        for (let k = 0; k < 4 && q + k < b.length; k++) b[q + k] = (v >>> (8 * k)) & 0xff;
      }
    }
  }
  return b;
}

const TOKENS = [')', ']', '}', '{', '(', ';', ',', '*', '->', '.', '#', '##', '"', '\'', '\\', 'struct', 'union', 'enum', 'typedef',
  '__attribute__((preserve_access_index))', 'BPF_CORE_READ(', 'bpf_core_field_exists(', '#define X(a) X(a) a', '#if 1', '#endif',
  '#include "x.h"', 'sizeof(', '[-1]', '0xffffffffffffffff', '1 << 4000000000', '...', ':', '?'];

/** Token mutations: delete, duplicate, swap, or insert a token that parsers find hard. */
function mutateSource(text: string, rng: Prng): string {
  const toks = tokenize(text).filter((t) => t.start >= 0);
  let out = text;
  const n = 1 + rng.int(3);
  for (let i = 0; i < n && toks.length; i++) {
    const t = toks[rng.int(toks.length)]!;
    if (t.end > out.length) continue;
    switch (rng.int(4)) {
      case 0: out = out.slice(0, t.start) + out.slice(t.end); break;
      case 1: out = out.slice(0, t.end) + ' ' + out.slice(t.start, t.end) + out.slice(t.end); break;
      case 2: out = out.slice(0, t.start) + ' ' + rng.pick(TOKENS) + ' ' + out.slice(t.start); break;
      default: out = out.slice(0, t.start) + rng.pick(TOKENS) + out.slice(t.end);
    }
    toks.length = 0;
    toks.push(...tokenize(out).filter((x) => x.start >= 0).slice(0, 200_000));
  }
  return out;
}

/** A minimal ustar archive holding one member (BTFHub's .btf.tar layout). */
function tar(name: string, data: Uint8Array): Buffer {
  const h = Buffer.alloc(512);
  h.write(name, 0);
  h.write('0000644\0', 100);
  h.write(data.length.toString(8).padStart(11, '0'), 124);
  h.write('0', 156);
  h.write('ustar\x0000', 257);
  let sum = 0;
  h.fill(0x20, 148, 156);
  for (const x of h) sum += x;
  h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
  return Buffer.concat([h, data, Buffer.alloc((512 - (data.length % 512)) % 512), Buffer.alloc(1024)]);
}

/** Runs a batch of jobs in one child; re-runs jobs of a batch that died or hung one by one, to name the culprit. */
async function runBatch(jobs: Job[], dir: string, timeoutMs: number): Promise<Outcome[]> {
  const file = path.join(dir, `jobs-${Math.random().toString(36).slice(2)}.json`);
  fs.writeFileSync(file, JSON.stringify(jobs.map((j) => ({ argv: j.argv }))));
  const probe = peakRssProbe();
  const child = spawn(process.execPath, [`--max-old-space-size=${HEAP_MB}`, ...probe.nodeArgs, RUNNER, file],
    { cwd: dir, env: { ...process.env, ...probe.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.on('data', (c: Buffer) => { out += c.toString(); });
  child.stderr!.on('data', (c: Buffer) => { if (err.length < 100_000) err += c.toString(); });
  let timedOut = false;
  const timer = setTimeout(() => { timedOut = true; child.kill('SIGKILL'); }, timeoutMs);
  const { code, signal } = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => child.on('close', (c, s) => r({ code: c, signal: s })));
  clearTimeout(timer);
  const peak = probe.read();
  probe.cleanup();
  fs.rmSync(file, { force: true });
  const lines = out.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { i: number; code: number; err: string; rssMb: number });
  const results: Outcome[] = jobs.map((_, i) => {
    const l = lines.find((x) => x.i === i);
    return l ? { code: l.code, err: l.err, rssMb: Math.max(l.rssMb, i === jobs.length - 1 ? peak : 0) } : { code: null, err: '', rssMb: 0 };
  });
  if (lines.length === jobs.length && code === 0 && !timedOut) return results;
  if (jobs.length === 1) return [{ code: null, err: `${err.slice(-3000)}`, rssMb: peak, timedOut, signal }];
  // attribute: the jobs without a result run alone
  for (let i = 0; i < jobs.length; i++) {
    if (results[i]!.code === null) results[i] = (await runBatch([jobs[i]!], dir, timeoutMs))[0]!;
  }
  return results;
}

describe(`fuzz: every command and the server on mutated real inputs (seed ${SEED}; CORELENS_FUZZ_CASES=${SCALE})`, function () {
  this.timeout(3_600_000 * Math.max(1, SCALE));
  let tmp: ReturnType<typeof tempDir>;
  const stats = { jobs: 0, sessions: 0, crashes: 0, timeouts: 0, peakRssMb: 0, exit: { 0: 0, 1: 0, 2: 0 } as Record<number, number> };
  const failures: string[] = [];
  let rawKernel: Uint8Array;

  before(async () => {
    tmp = tempDir('fuzz-cmd');
    const k = await openBtfFile(kernelPath('6.1-amd64'));
    assert.ok(k.ok);
    rawKernel = k.value.btf.bytes;
    fs.writeFileSync(path.join(tmp.dir, 'kernel.btf'), rawKernel);
  });
  after(() => {
    tmp.cleanup();
    // eslint-disable-next-line no-console
    console.log(`      fuzz commands: ${stats.jobs} CLI jobs, ${stats.sessions} server sessions; exits 0/1/2: ${stats.exit[0]}/${stats.exit[1]}/${stats.exit[2]}; `
      + `crashes ${stats.crashes}, timeouts ${stats.timeouts}, peak RSS ${stats.peakRssMb} MB (limit ${RSS_LIMIT_MB} MB, heap cap ${HEAP_MB} MB)`);
  });

  const keep = (job: { what: string; inputs: string[] }, why: string) => {
    fs.mkdirSync(FAILURES, { recursive: true });
    const saved = job.inputs.map((f) => {
      const to = path.join(FAILURES, `${SEED}-${path.basename(f)}`);
      try { fs.copyFileSync(f, to); } catch { /* gone */ }
      return to;
    });
    failures.push(`${job.what}: ${why} (inputs kept: ${saved.join(', ')})`);
  };

  it('CLI commands: clean exits, bounded memory', async () => {
    const rng = new Prng(SEED);
    const K = path.join(tmp.dir, 'kernel.btf');
    const targets = fs.readdirSync(path.join(FIXTURES, 'targets')).filter((f) => f.endsWith('.btf')).map((f) => path.join(FIXTURES, 'targets', f));
    const objects = fs.readdirSync(path.join(FIXTURES, 'objects')).filter((f) => f.endsWith('.o')).map((f) => path.join(FIXTURES, 'objects', f));
    const corpus = path.join(FIXTURES, 'corpus');
    const sources = [
      ...fs.readdirSync(path.join(FIXTURES, 'programs')).filter((f) => f.endsWith('.bpf.c')).map((f) => path.join(FIXTURES, 'programs', f)),
      ...fs.readdirSync(corpus).filter((f) => f.endsWith('.bpf.c')).map((f) => path.join(corpus, f)),
    ];
    const includes = ['-I', path.join(FIXTURES, 'programs'), '-I', path.join(corpus, 'include')];
    const kernelXz = fs.readFileSync(kernelPath('6.1-amd64'));
    const jobs: Job[] = [];
    for (let n = 0; n < JOBS; n++) {
      const f = (ext: string) => path.join(tmp.dir, `case${n}${ext}`);
      const kind = rng.int(10);
      if (kind < 4) {
        // a BTF input: raw (small or the kernel), gzip, tar, or the compressed kernel's own bytes
        let file: string;
        const form = rng.int(5);
        if (form === 0) fs.writeFileSync(file = f('.btf'), mutateBytes(fs.readFileSync(rng.pick(targets)), rng));
        else if (form === 1) fs.writeFileSync(file = f('.btf'), mutateBytes(rawKernel, rng));
        else if (form === 2) fs.writeFileSync(file = f('.btf.gz'), zlib.gzipSync(mutateBytes(fs.readFileSync(rng.pick(targets)), rng), { level: 1 }));
        else if (form === 3) fs.writeFileSync(file = f('.btf.tar'), mutateBytes(tar('5.4.0-1.btf', fs.readFileSync(rng.pick(targets))), rng));
        else fs.writeFileSync(file = f('.btf.xz'), mutateBytes(kernelXz, rng));
        const obj = rng.pick(objects);
        const argv = rng.pick([
          ['btf', 'info', file],
          ['layout', '-t', `x=${file}`, rng.pick(['struct task_struct', 'struct sk_buff', 'struct core_reloc_flavors', 'union bpf_attr', 'enum pid_type'])],
          ['header', file],
          ['relocate', obj, '-t', `x=${file}`, '--json'],
          ['check', obj, '--target', `x=${file}`, '--no-cache', '--jobs', '0', '--format', 'json'],
          ['minimize', obj, '--target', `x=${file}`, '--out', f('.min')],
          ['merge', rng.pick(targets), file, '--out', f('.merged.btf')],
        ]);
        jobs.push({ argv, what: argv.slice(0, 2).join(' '), inputs: [file] });
      } else if (kind < 6) {
        const file = f('.bpfel.o');
        fs.writeFileSync(file, mutateBytes(fs.readFileSync(rng.pick(objects)), rng));
        const argv = rng.pick([
          ['relocate', file, '-t', `k=${K}`, '--json'],
          ['check', file, '--target', `k=${K}`, '--no-cache', '--jobs', '0', '--format', 'json'],
          ['minimize', file, '--target', `k=${rng.pick(targets)}`, '--out', f('.min')],
          ['btf', 'info', file],
        ]);
        jobs.push({ argv, what: argv.slice(0, 2).join(' '), inputs: [file] });
      } else {
        const src = rng.pick(sources);
        const file = path.join(tmp.dir, `case${n}.bpf.c`);
        fs.writeFileSync(file, mutateSource(fs.readFileSync(src, 'utf8'), rng));
        const argv = rng.pick([
          ['sites', file, ...includes],
          ['check', file, '--target', `k=${K}`, '--no-cache', '--jobs', '0', '--format', 'json', ...includes],
        ]);
        jobs.push({ argv, what: `${argv[0]} ${path.basename(src)} (mutated)`, inputs: [file] });
      }
    }
    for (let b = 0; b < jobs.length; b += BATCH) {
      const batch = jobs.slice(b, b + BATCH);
      const results = await runBatch(batch, tmp.dir, 120_000 + 30_000 * batch.length);
      results.forEach((r, i) => {
        const job = batch[i]!;
        stats.jobs++;
        stats.peakRssMb = Math.max(stats.peakRssMb, r.rssMb);
        if (r.code === null) {
          if (r.timedOut) stats.timeouts++; else stats.crashes++;
          keep(job, r.timedOut ? 'hung (time limit)' : `died (${r.signal ?? 'non-zero exit'}): ${r.err.slice(-500)}`);
          return;
        }
        stats.exit[r.code] = (stats.exit[r.code] ?? 0) + 1;
        if (![0, 1, 2].includes(r.code) || /internal error|\n\s+at .+:\d+:\d+/.test(r.err)) {
          stats.crashes++;
          keep(job, `exit ${r.code}: ${r.err.slice(0, 500)}`);
        }
        if (r.rssMb > RSS_LIMIT_MB) keep(job, `peak RSS ${r.rssMb} MB`);
      });
      for (const j of batch) for (const f of j.inputs) fs.rmSync(f, { force: true, recursive: true });
      for (const e of fs.readdirSync(tmp.dir)) if (/^case\d+\.(min|merged)/.test(e)) fs.rmSync(path.join(tmp.dir, e), { recursive: true, force: true });
    }
    assert.deepStrictEqual(failures, []);
  });

  it('language server sessions: every request answered, clean exit, bounded memory', async () => {
    const rng = new Prng(SEED ^ 0x5eed);
    const corpus = path.join(FIXTURES, 'corpus');
    const sources = fs.readdirSync(corpus).filter((f) => f.endsWith('.bpf.c')).map((f) => path.join(corpus, f));
    const targets = fs.readdirSync(path.join(FIXTURES, 'targets')).filter((f) => f.endsWith('.btf')).map((f) => path.join(FIXTURES, 'targets', f));
    for (let n = 0; n < SESSIONS; n++) {
      const ws = path.join(tmp.dir, `ws${n}`);
      fs.mkdirSync(ws);
      for (const h of fs.readdirSync(path.join(corpus, 'include'))) fs.copyFileSync(path.join(corpus, 'include', h), path.join(ws, h));
      // the corpus's vmlinux.h when the corpus tests generated it (a 135k-line header through the whole analysis)
      const vmlinux = path.join(corpus, 'vmlinux', 'x86', 'vmlinux.h');
      if (fs.existsSync(vmlinux)) fs.copyFileSync(vmlinux, path.join(ws, 'vmlinux.h'));
      const bad = path.join(ws, 'bad.btf');
      fs.writeFileSync(bad, mutateBytes(rng.int(2) ? rawKernel : fs.readFileSync(rng.pick(targets)), rng));
      fs.writeFileSync(path.join(ws, 'corelens.json'), JSON.stringify({ targets: [{ name: 'bad', path: 'bad.btf' }, { name: 'k', path: path.join(tmp.dir, 'kernel.btf') }] }));
      const s = new RawServer(ws, {}, HEAP_MB);
      const what = `server session ${n}`;
      try {
        await s.initialize(ws);
        const uri = pathToFileURL(path.join(ws, 'prog.bpf.c')).toString();
        let text = mutateSource(fs.readFileSync(rng.pick(sources), 'utf8'), rng);
        fs.writeFileSync(path.join(ws, 'prog.bpf.c'), text); // the reproducer, should the session fail
        s.send({ method: 'textDocument/didOpen', params: { textDocument: { uri, languageId: 'c', version: 1, text } } });
        let id = 10;
        for (let v = 2; v < 8; v++) {
          text = mutateSource(text, rng);
          fs.writeFileSync(path.join(ws, 'prog.bpf.c'), text);
          s.send({ method: 'textDocument/didChange', params: { textDocument: { uri, version: v }, contentChanges: [{ text }] } });
          const lines = text.split('\n').length;
          const pos = { line: rng.int(lines), character: rng.int(40) };
          for (const [method, params] of [
            ['textDocument/hover', { textDocument: { uri }, position: pos }],
            ['textDocument/inlayHint', { textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: { line: lines, character: 0 } } }],
            ['textDocument/codeLens', { textDocument: { uri } }],
          ] as const) {
            s.send({ id: ++id, method, params });
            const r = await s.response(id);
            if (r.error) throw new Error(`${method} answered ${JSON.stringify(r.error)}`);
          }
        }
        s.send({ id: 99, method: 'shutdown' });
        await s.response(99);
        s.send({ method: 'exit' });
        const e = await s.exited();
        if (e.code !== 0) throw new Error(`exit ${e.code ?? e.signal}`);
        if (/uncaught|unhandled/.test(s.stderr)) throw new Error(`stderr: ${s.stderr.slice(-1000)}`);
        stats.peakRssMb = Math.max(stats.peakRssMb, s.peakRssMb());
        if (s.peakRssMb() > RSS_LIMIT_MB) throw new Error(`peak RSS ${s.peakRssMb()} MB`);
      } catch (e) {
        if (/no .* within/.test((e as Error).message)) stats.timeouts++; else stats.crashes++;
        const src = path.join(ws, 'prog.bpf.c');
        keep({ what, inputs: [bad, src] }, (e as Error).message);
      } finally {
        s.kill();
        stats.sessions++;
        fs.rmSync(ws, { recursive: true, force: true });
      }
    }
    assert.deepStrictEqual(failures, []);
  });
});
