// Shared bench helpers: fixture kernels decompressed once into .tmp, native anchors built on demand, statistics,
// and the measuring protocol every bench follows (cold first iteration apart, GC counted, peak RSS per process).

import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { pathToFileURL } from 'url';
import { openBtfFile } from '../src/btf/open';
import type { TestClient } from '../test/support/lspClient';

export const REPO = path.resolve(__dirname, '../../..');
export const TMP = path.join(REPO, '.tmp', 'bench');
export const KERNELS = ['6.1-amd64', '6.1-arm64', '6.1-cloud-amd64', '6.1-rt-amd64', '6.18-amd64', 'cilium-ci-2026-04-amd64'];

/** Path of a fixture kernel's raw BTF, decompressed into .tmp/bench on first use. */
export async function rawKernel(name: string): Promise<string> {
  const out = path.join(TMP, `${name}.btf`);
  if (!fs.existsSync(out)) {
    const r = await openBtfFile(path.join(REPO, 'test-fixtures', 'btf', 'kernels', `${name}.btf.xz`));
    if (!r.ok) throw r.error;
    fs.mkdirSync(TMP, { recursive: true });
    fs.writeFileSync(out, r.value.btf.bytes);
  }
  return out;
}

/**
 * `<kernel>.btf.tar.xz` of each named fixture kernel (BTFHub's container, made with the system tar and xz), kept in
 * .tmp/bench/`dir` and made once; written under a temporary name and renamed, so an interrupted run leaves none half
 * made.
 */
export async function kernelArchives(names: readonly string[], dir: string): Promise<Map<string, string>> {
  const where = path.join(TMP, dir);
  fs.mkdirSync(where, { recursive: true });
  const out = new Map<string, string>();
  for (const k of names) {
    const file = path.join(where, `${k}.btf.tar.xz`);
    if (!fs.existsSync(file)) {
      const raw = await rawKernel(k);
      const stage = fs.mkdtempSync(path.join(os.tmpdir(), 'corelens-tar-'));
      try {
        fs.copyFileSync(raw, path.join(stage, `${k}.btf`));
        execFileSync('tar', ['-cJf', `${file}.part`, '-C', stage, `${k}.btf`]);
        fs.renameSync(`${file}.part`, file);
      } finally {
        fs.rmSync(stage, { recursive: true, force: true });
      }
    }
    out.set(k, file);
  }
  return out;
}

/** Builds a C anchor against Debian's static libbpf; undefined (with a note) when the toolchain is missing. */
export function buildNative(name: string, src: string): string | undefined {
  const out = path.join(TMP, name);
  try {
    fs.mkdirSync(TMP, { recursive: true });
    if (!fs.existsSync(out) || fs.statSync(out).mtimeMs < fs.statSync(src).mtimeMs) {
      execFileSync('cc', ['-O2', src, '-o', out, '-l:libbpf.a', '-lelf', '-lz'], { stdio: ['ignore', 'ignore', 'pipe'] });
    }
    return out;
  } catch (e) {
    console.log(`could not build ${name}: ${(e as Error).message.split('\n')[0]}; run: apt-get install -y clang libbpf-dev libelf-dev zlib1g-dev`);
    return undefined;
  }
}

/** Wall and CPU time of some work; CPU is the whole process (every thread: GC helpers and compilers included). */
export interface Cost {
  wallMs: number;
  cpuMs: number;
}

/** One measuring run in a fresh process: the first iteration (cold) apart, the rest averaged with GC counted. */
export interface RunFigures {
  cold: Cost;
  /** Mean per warm iteration: the total of iterations 2..n plus a final full GC, divided by n-1. */
  warm: Cost;
  /** VmHWM of the measuring process (the anchor reads its own, so no parent's pages are counted). */
  peakRssKb: number;
}

function cpuNowMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** Peak resident memory of this process image (VmHWM: per address space, unlike ru_maxrss, which exec inherits). */
export function peakRssKb(): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync('/proc/self/status', 'utf8'));
  return m ? Number(m[1]) : NaN;
}

/**
 * Runs `work` n times (n >= 2) and measures it the honest way: garbage collection is never forced outside the timed
 * part; the warm figure is the total of iterations 2..n plus one full GC at the end (so the garbage they left is
 * paid for), divided by n-1. Needs node --expose-gc for that last GC (without it, leftover garbage goes uncounted).
 */
export function measureIterations(n: number, work: (i: number) => void): RunFigures {
  const gc = (globalThis as { gc?: () => void }).gc;
  let w0 = performance.now();
  let c0 = cpuNowMs();
  work(0);
  const cold = { wallMs: performance.now() - w0, cpuMs: cpuNowMs() - c0 };
  w0 = performance.now();
  c0 = cpuNowMs();
  for (let i = 1; i < n; i++) work(i);
  gc?.();
  const warm = { wallMs: (performance.now() - w0) / (n - 1), cpuMs: (cpuNowMs() - c0) / (n - 1) };
  return { cold, warm, peakRssKb: peakRssKb() };
}

/** Runs a command and parses the one JSON value it prints. */
export function runJson<T>(cmd: string, args: readonly string[], env?: NodeJS.ProcessEnv): T {
  return JSON.parse(execFileSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 << 20, env: env ?? process.env })) as T;
}

/** Runs this Node with --expose-gc on a compiled bench module in child mode and parses its JSON answer. */
export function runNodeJson<T>(script: string, args: readonly string[]): T {
  return runJson<T>(process.execPath, ['--expose-gc', script, ...args]);
}

/** `runs` alternating pairs (ours, then the anchor's), so both sides see the same moments of a busy machine. */
export function alternate<A, B>(runs: number, ours: (i: number) => A, anchor: ((i: number) => B) | undefined): { ours: A[]; anchor: B[] } {
  const out = { ours: [] as A[], anchor: [] as B[] };
  for (let i = 0; i < runs; i++) {
    out.ours.push(ours(i));
    if (anchor) out.anchor.push(anchor(i));
  }
  return out;
}

/** How many alternating runs each figure gets (BENCH_RUNS overrides; never fewer than 5). */
export const RUNS = Math.max(5, Number(process.env.BENCH_RUNS ?? 5) || 5);

export function sum(xs: readonly number[]): number {
  return xs.reduce((a, b) => a + b, 0);
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

export function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((s.length * p) / 100))]!;
}

/** What `spawnToFirstProblem` measured, plus whatever `after` read from the server before it stopped. */
export interface FirstProblem<T> {
  wallMs: number;
  after: T;
}

/**
 * The editor's first run, server side, as the lsp and firstrun benches both time it: a fresh workspace holding
 * `text` as tracer.bpf.c, a server spawned on it, the file opened at once; wall ms from spawning the server to the
 * first CO-RE problem (core-missing-field). `after` reads the live server (CPU, logs) once the clock has stopped. The
 * LSP client is required here, not imported, so the benches' measuring child processes never load it (their peak RSS
 * is a figure).
 */
export async function spawnToFirstProblem<T>(text: string, opts: { script?: string; env?: Record<string, string> },
  after: (client: TestClient) => Promise<T> | T): Promise<FirstProblem<T>> {
  const { startClient } = require('../test/support/lspClient') as typeof import('../test/support/lspClient');
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'corelens-first-run-'));
  const file = path.join(root, 'tracer.bpf.c');
  fs.writeFileSync(file, text);
  const t0 = performance.now();
  let client: TestClient | undefined;
  try {
    client = await startClient(root, {}, opts.script, { env: opts.env });
    const uri = pathToFileURL(file).toString();
    await client.conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'c', version: 1, text } });
    await client.diagnostics(uri, (d) => d.some((x) => x.code === 'core-missing-field'), 120_000);
    const wallMs = performance.now() - t0;
    return { wallMs, after: await after(client) };
  } finally {
    await client?.stop();
    fs.rmSync(root, { recursive: true, force: true });
  }
}
