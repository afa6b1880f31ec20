// Runs corelens (a CLI command or the language server) in a child process under a heap limit and a hang timeout, so
// a hostile input that loops or explodes fails one test instead of taking the test runner down with it.

import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { REPO_ROOT } from './paths';

/** The CLI under test; CORELENS_TEST_BIN points the hostile tests at another build (to see them fail on an old one). */
export const CORELENS_BIN = process.env.CORELENS_TEST_BIN ?? path.join(REPO_ROOT, 'server', 'bin', 'corelens.js');
/** Preloaded into the child: writes its own peak RSS (kB) where the parent reads it, on every normal exit. */
const PRELOAD_SOURCE = `const fs = require('fs');
process.on('exit', () => { try { fs.writeFileSync(process.env.CORELENS_PEAK_RSS_FILE, String(peak())); } catch {} });
// VmHWM, not getrusage's maxRSS: exec keeps the forking parent's high-water mark (the test runner's hundreds of MB)
function peak() { try { return Number(/VmHWM:\\s*(\\d+)/.exec(fs.readFileSync('/proc/self/status', 'utf8'))[1]); } catch { return process.resourceUsage().maxRSS; } }
`;

export interface BoundedResult {
  /** Exit code, or null when killed by a signal (V8 abort: SIGABRT; our hang timeout: SIGKILL). */
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** True when the hang timeout fired (the process did not finish in time). */
  timedOut: boolean;
  /** Peak resident set size of the node process in MB (0 when it died before reporting). */
  peakRssMb: number;
}

export interface BoundedOptions {
  /** V8 old-space cap in MB (a runaway allocation aborts instead of eating the machine). Default 512. */
  heapMb?: number;
  /** Hang detector, not a performance goal: generous, for a busy machine. Default 120 s. */
  timeoutMs?: number;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Written to stdin, then stdin is closed (unless keepStdinOpen). */
  input?: string | Buffer;
  keepStdinOpen?: boolean;
  /** Called with the child once spawned (to drive a server interactively). */
  onSpawn?: (child: import('child_process').ChildProcess) => void;
}

/** Node arguments and environment that make a child report its peak RSS; read() after it exited (0 if it died). */
export function peakRssProbe(): { nodeArgs: string[]; env: NodeJS.ProcessEnv; read(): number; cleanup(): void } {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'corelens-rss-'));
  const rssFile = path.join(tmp, 'rss');
  const preload = path.join(tmp, 'preload.js');
  fs.writeFileSync(preload, PRELOAD_SOURCE);
  return {
    nodeArgs: ['--require', preload],
    env: { CORELENS_PEAK_RSS_FILE: rssFile },
    read: () => { try { return Math.round(Number(fs.readFileSync(rssFile, 'utf8')) / 1024); } catch { return 0; } },
    cleanup: () => fs.rmSync(tmp, { recursive: true, force: true }),
  };
}

/** Runs `corelens ...args` in a bounded child process. */
export function runBounded(args: string[], opts: BoundedOptions = {}): Promise<BoundedResult> {
  const probe = peakRssProbe();
  const heap = opts.heapMb ?? 512;
  const child = spawn(process.execPath, [`--max-old-space-size=${heap}`, ...probe.nodeArgs, CORELENS_BIN, ...args], {
    cwd: opts.cwd ?? REPO_ROOT,
    env: { ...process.env, ...opts.env, ...probe.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (c: Buffer) => { if (stdout.length < 64 << 20) stdout += c.toString(); });
  child.stderr!.on('data', (c: Buffer) => { if (stderr.length < 4 << 20) stderr += c.toString(); });
  child.stdin!.on('error', () => undefined);
  if (opts.input !== undefined) child.stdin!.write(opts.input);
  if (!opts.keepStdinOpen) child.stdin!.end();
  opts.onSpawn?.(child);
  let timedOut = false;
  const timer = setTimeout(() => { timedOut = true; child.kill('SIGKILL'); }, opts.timeoutMs ?? 120_000);
  return new Promise((resolve) => {
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const peakRssMb = probe.read();
      probe.cleanup();
      resolve({ code, signal, stdout, stderr, timedOut, peakRssMb });
    });
  });
}

/** A one-line description of how a bounded run ended, for assertion messages. */
export function describeRun(r: BoundedResult): string {
  const how = r.timedOut ? 'hung (killed by the test timeout)' : r.signal ? `killed by ${r.signal}` : `exit ${r.code}`;
  return `${how}, peak RSS ${r.peakRssMb} MB; stderr: ${r.stderr.slice(0, 2000)}`;
}

/** A clean end: the process exited by itself (no signal, no timeout) with one of `codes`, and printed no stack trace. */
export function assertClean(r: BoundedResult, codes: number[], what: string): void {
  const problems: string[] = [];
  if (r.timedOut || r.signal !== null || r.code === null || !codes.includes(r.code)) problems.push(`expected exit ${codes.join(' or ')}`);
  if (/\n\s+at .+[:(]\d+:\d+\)?/.test(r.stderr) || /internal error|FATAL ERROR|Unhandled/.test(r.stderr)) problems.push('a stack trace or internal error on stderr');
  if (problems.length) throw new Error(`${what}: ${problems.join('; ')}; got ${describeRun(r)}`);
}

/** A temporary directory removed by the returned cleanup function. */
export function tempDir(prefix: string): { dir: string; cleanup: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `corelens-${prefix}-`));
  return { dir, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}
