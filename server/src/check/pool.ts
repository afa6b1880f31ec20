// Spreading targets over worker threads (or running them in-process): a pull queue, so a slow archive never holds
// up the others and at most `inFlight` targets per worker are open at once — memory stays flat however many targets.

import * as path from 'path';
import { Worker } from 'worker_threads';
import { stopXzProcesses } from '../btf/xz';
import { TargetSpec } from '../targets/registry';
import { SliceCache } from './cache';
import { ProgramPayload, TargetReport, checkTarget, prepareProgram } from './engine';

export interface PoolOptions {
  /** Worker threads; 0 checks targets on the calling thread (same engine, same results). */
  readonly workers: number;
  readonly cacheDir?: string;
  /** Targets open at once per worker (or in-process): 2 lets one decompress while the other relocates. */
  readonly inFlight?: number;
}

/** Checks every target; `onReport` hears each as it finishes (in completion order). Rejects only on a worker crash. */
export async function checkTargets(payload: ProgramPayload, specs: readonly TargetSpec[], opts: PoolOptions,
  onReport: (r: TargetReport) => void): Promise<void> {
  const inFlight = Math.max(1, opts.inFlight ?? 2);
  if (opts.workers <= 0 || specs.length === 0) {
    const prog = prepareProgram(payload);
    const cache = opts.cacheDir ? new SliceCache(opts.cacheDir) : undefined;
    let next = 0;
    const lane = async () => {
      while (next < specs.length) {
        const i = next++;
        onReport(await checkTarget(prog, specs[i]!, i, { cache }));
      }
    };
    await Promise.all(Array.from({ length: inFlight }, lane));
    await stopXzProcesses();
    return;
  }
  const n = Math.min(opts.workers, Math.ceil(specs.length / inFlight));
  let next = 0;
  let done = 0;
  await new Promise<void>((resolve, reject) => {
    const workers: Worker[] = [];
    let failed = false;
    const feed = (w: Worker) => {
      if (next < specs.length) {
        const i = next++;
        w.postMessage({ index: i, spec: specs[i] });
      }
    };
    for (let k = 0; k < n; k++) {
      const w = new Worker(path.join(__dirname, 'worker.js'), { workerData: { payload, cacheDir: opts.cacheDir } });
      workers.push(w);
      w.on('message', (r: TargetReport) => {
        onReport(r);
        done++;
        if (done === specs.length) {
          // Each worker ends its own xz processes and exits; terminate() only if one does not within 10 s.
          void Promise.all(workers.map((x) => new Promise<void>((exited) => {
            const t = setTimeout(() => { void x.terminate(); }, 10_000);
            x.once('exit', () => { clearTimeout(t); exited(); });
            x.postMessage({ stop: true });
          }))).then(() => resolve());
        } else feed(w);
      });
      w.on('error', (e) => {
        if (failed) return;
        failed = true;
        for (const x of workers) void x.terminate();
        reject(new Error(`check worker crashed: ${e.message}`));
      });
      for (let j = 0; j < inFlight; j++) feed(w);
    }
  });
}
