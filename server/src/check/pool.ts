// Spreading targets over worker threads (or running them in-process): a pull queue, so a slow archive never holds
// up the others and at most `inFlight` targets per worker are open at once — memory stays flat however many targets.

import * as path from 'path';
import * as v8 from 'v8';
import { Worker } from 'worker_threads';
import type { EventLoopUtilization } from 'perf_hooks';
import { stopXzProcesses } from '../btf/xz';
import { TargetSpec } from '../targets/registry';
import { SliceCache } from './cache';
import { PreparedProgram, ProgramPayload, TargetReport, checkTarget, prepareProgram } from './engine';

export interface PoolOptions {
  /** Worker threads; 0 checks targets on the calling thread (same engine, same results). */
  readonly workers: number;
  readonly cacheDir?: string;
  /** Targets open at once per worker (or in-process): 2 lets one decompress while the other relocates. */
  readonly inFlight?: number;
  /**
   * The calling thread is one of the `workers` lanes, with this program prepared already (workers - 1 threads are
   * started). For a large object the per-object work and a cold JIT cost a worker about a second before its first
   * target, and every thread holds its own copy of the prepared object: the main thread, idle otherwise, has both.
   */
  readonly prepared?: PreparedProgram;
  /** Hears each worker started after the first (how many run now): what the pool tests observe. */
  readonly onGrow?: (workers: number) => void;
}

/** Targets each thread must have before another one is started (objects, with the main thread as a lane). */
const TARGETS_PER_THREAD = 4;
/**
 * From this many targets per worker on, every lane is a worker and the main thread only collects. Why: a worker's
 * heap can be sized for this workload (WORKER_HEAP_FLAGS) and the main thread's cannot (its heap is configured
 * before any of our code runs). Below it, the main thread stays a lane: a worker's fixed cost is a couple of targets.
 */
const TARGETS_PER_WORKER_ONLY = 16;
/**
 * V8 flags for the check workers' isolates (process-wide flags are read when an isolate is created, so they reach
 * workers started after this; resourceLimits only caps, it cannot raise the initial size). With the default small
 * initial old generation, each target's short-lived BTF (a few MB, kept across two scavenges while xz and the
 * relocation interleave) pushed the old generation over its limit: 20-odd full mark-compacts over 40 archives on a
 * live heap of 8-12 MB (--trace-gc). An initial heap of 96 MB leaves 0-2 (measured in README "Performance").
 */
const WORKER_HEAP_FLAGS = '--initial-heap-size=96';
/**
 * The same flag at V8's default, set again once the workers are gone. Why: V8 stamps code-cache data with a hash of
 * the flags that differ from their defaults, and the CLI writes its code cache (src/cli/codeCache.ts) when the
 * command ends: written under --initial-heap-size=96, it was rejected by the next run (which starts without it) and
 * written again, so every check with workers compiled its ~76 modules from scratch.
 */
const WORKER_HEAP_DEFAULTS = '--initial-heap-size=0';

/**
 * A worker is busy when its event loop ran at least this share of the time over its last GROW_WINDOW targets. A
 * cold run over BTFHub archives stays near 0.4 (the thread waits for xz), a warm run or a large object near 1.
 */
const GROW_UTILISATION = 0.75;
/** Targets a worker answers before its utilisation is judged (its first ones include compiling the engine). */
const GROW_AFTER = 3;
const GROW_WINDOW = 5;

interface Lane {
  readonly w: Worker;
  outstanding: number;
  reports: number;
  /** Event-loop utilisation at the start of the current window, and the report count then. */
  since?: { elu: EventLoopUtilization; reports: number };
}

/** Whether a lane's last window says it is the bottleneck (then another worker helps); starts a new window. */
function busy(l: Lane): boolean {
  // test hook: grow at the first answer, so a run deterministically shares its slots out between workers mid-run
  if (process.env.CORELENS_POOL_GROW === 'always') return true;
  if (l.reports < GROW_AFTER) return false;
  if (!l.since) {
    l.since = { elu: l.w.performance.eventLoopUtilization(), reports: l.reports };
    return false;
  }
  if (l.reports - l.since.reports < GROW_WINDOW) return false;
  const u = l.w.performance.eventLoopUtilization(l.since.elu).utilization;
  if (process.env.CORELENS_DEBUG_POOL) process.stderr.write(`pool: worker utilisation ${u.toFixed(2)} over ${l.reports - l.since.reports} targets\n`);
  l.since = { elu: l.w.performance.eventLoopUtilization(), reports: l.reports };
  return u >= GROW_UTILISATION;
}

/** Checks every target; `onReport` hears each as it finishes (in completion order). Rejects only on a worker crash. */
export async function checkTargets(payload: ProgramPayload, specs: readonly TargetSpec[], opts: PoolOptions,
  onReport: (r: TargetReport) => void): Promise<void> {
  const inFlight = Math.max(1, opts.inFlight ?? 2);
  let next = 0;
  // In-process lanes pull from the same queue as the workers.
  const inProcess = async (prog: PreparedProgram) => {
    const cache = opts.cacheDir ? new SliceCache(opts.cacheDir) : undefined;
    const lane = async () => {
      while (next < specs.length) {
        const i = next++;
        onReport(await checkTarget(prog, specs[i]!, i, { cache }));
      }
    };
    await Promise.all(Array.from({ length: inFlight }, lane));
  };
  if (opts.workers <= 0 || specs.length === 0) {
    await inProcess(opts.prepared ?? prepareProgram(payload));
    await stopXzProcesses();
    return;
  }
  // With the main thread as a lane, a thread is started only for every TARGETS_PER_THREAD targets: a worker's fixed
  // cost (parsing and preparing the object, compiling the engine cold) is about two targets' work, so fewer targets
  // per thread would make the default slower than --jobs 0 (measured on a 30,000-relocation object, 4 targets).
  const withMainLane = !!opts.prepared && specs.length < TARGETS_PER_WORKER_ONLY * Math.max(1, opts.workers);
  const n = withMainLane
    ? Math.min(opts.workers, Math.max(1, Math.floor(specs.length / TARGETS_PER_THREAD))) - 1
    : Math.min(opts.workers, Math.ceil(specs.length / inFlight));
  if (n <= 0) {
    await inProcess(opts.prepared!);
    await stopXzProcesses();
    return;
  }
  let outstanding = 0;
  let mainLane: Promise<void> | undefined;
  // Lanes that read archives mostly wait for xz (a separate process): one thread feeds several xz processes. So
  // without the main lane, a run starts ONE worker holding all `n` decompression slots and starts another only
  // while the running ones are busy (event-loop utilisation, GROW_UTILISATION): a cold run over archives stays on
  // one thread (a second worker cost its own module load, object preparation and JIT warm-up: 0.7-1.1 s of CPU
  // over 166 archives, measured), a warm run or a large object (JS-bound) grows to `n` threads within a few targets. Memory keeps its
  // bound: the slots are shared out again at each start (at most `n` decompressed archives in the run).
  const adaptive = !withMainLane;
  const lanes: Lane[] = [];
  const slotsOf = () => Math.max(1, Math.floor(n / lanes.length));
  await new Promise<void>((resolve, reject) => {
    let failed = false;
    let finishing = false;
    const feed = (l: Lane) => {
      const limit = adaptive ? slotsOf() + 1 : inFlight;
      while (next < specs.length && l.outstanding < limit) {
        const i = next++;
        outstanding++;
        l.outstanding++;
        l.w.postMessage({ index: i, spec: specs[i] });
      }
    };
    const finish = () => {
      finishing = true;
      // Each worker ends its own xz processes and exits; terminate() only if one does not within 10 s.
      void Promise.all(lanes.map(({ w: x }) => new Promise<void>((exited) => {
        const t = setTimeout(() => { void x.terminate(); }, 10_000);
        x.once('exit', () => { clearTimeout(t); exited(); });
        x.postMessage({ stop: true });
      }))).then(() => resolve());
    };
    const start = () => {
      // every lane's share of the slots once this one runs: the new worker's, and the one the others shrink to
      const share = Math.max(1, Math.floor(n / (lanes.length + 1)));
      const w = new Worker(path.join(__dirname, 'workerEntry.js'), { workerData: { payload, cacheDir: opts.cacheDir,
        ...(adaptive ? { decompressions: share } : {}), ...(codeCache ? { codeCache } : {}) } });
      if (adaptive) for (const l of lanes) l.w.postMessage({ decompressions: share });
      const lane: Lane = { w, outstanding: 0, reports: 0 };
      lanes.push(lane);
      w.on('message', (r: TargetReport) => {
        onReport(r);
        outstanding--;
        lane.outstanding--;
        lane.reports++;
        if (adaptive && lanes.length < n && next < specs.length && busy(lane)) {
          start();
          opts.onGrow?.(lanes.length);
          for (const l of lanes) l.since = undefined;
        }
        if (next < specs.length) feed(lane);
        else if (outstanding === 0 && !finishing) finish();
      });
      w.on('error', (e) => {
        if (failed) return;
        failed = true;
        for (const l of lanes) void l.w.terminate();
        reject(new Error(`check worker crashed: ${e.message}`));
      });
      feed(lane);
    };
    v8.setFlagsFromString(WORKER_HEAP_FLAGS);
    // the process's code cache (the CLI's: cli/codeCache.ts), for the threads' modules (workerEntry.ts); keyed by
    // the flags the threads' isolates are made with
    const main = (globalThis as unknown as Record<symbol, { root: string; flags: string } | undefined>)[Symbol.for('corelens.codeCache.installed')];
    const codeCache = main && { root: main.root, flags: [main.flags, WORKER_HEAP_FLAGS].filter(Boolean).join(' ') };
    for (let k = 0; k < (adaptive ? 1 : n); k++) start();
    // after the workers have their first targets: the main lane's first target is synchronous work
    if (withMainLane) mainLane = new Promise<void>((r) => setImmediate(r)).then(() => inProcess(opts.prepared!));
  });
  // every worker has exited (finish() resolved after their 'exit'): no isolate is still to be made with the flag
  v8.setFlagsFromString(WORKER_HEAP_DEFAULTS);
  await mainLane;
  await stopXzProcesses();
}
