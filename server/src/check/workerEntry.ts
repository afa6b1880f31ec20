// Worker thread entry of `corelens check` (pool.ts starts this file): the CLI's code cache for the thread's own
// modules first (when the process that starts it has one), then the worker (worker.ts).
//
// Why: a worker is an isolate of its own, and Node compiled its ~40 modules (the BTF reader, relocation, verdicts)
// from their text each time a run started one, then each function it ran, lazily: ~35-40 ms of CPU a worker before
// its first target (measured: a thread requiring the engine's modules and exiting, 70 ms against 33 for an empty
// one). cli/codeCache.ts serves them as it serves the process's. The worker's heap flag (pool.ts
// WORKER_HEAP_FLAGS) is part of the key: V8 rejects code cached under other flags, so the threads keep a file of
// their own beside the process's. CORELENS_WORKER_CODE_CACHE=0: the thread compiles as before.

import { workerData } from 'worker_threads';
import type { InstalledCodeCache } from '../cli/codeCache';

const cc = (workerData as { codeCache?: InstalledCodeCache } | undefined)?.codeCache;
if (cc && process.env.CORELENS_WORKER_CODE_CACHE !== '0') {
  (require('../cli/codeCache') as typeof import('../cli/codeCache')).installCodeCache(cc.root, cc.flags);
}
require('./worker');
