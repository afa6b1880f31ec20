// Worker thread entry of `corelens check`: parses the program once, then checks the targets the main thread sends,
// one message per target, answering with that target's compact report (its BTF is garbage once answered).

import { parentPort, workerData } from 'worker_threads';
import { setDecompressionConcurrency } from '../btf/open';
import { stopXzProcesses } from '../btf/xz';
import { SliceCache } from './cache';
import { ProgramPayload, checkTarget, prepareProgram } from './engine';
import { TargetSpec } from '../targets/registry';

interface Init { payload: ProgramPayload; cacheDir?: string;
  /** Decompressions this worker may run at once (pool.ts shares the run's slots out); 1 when not said. */
  decompressions?: number }

const init = workerData as Init;
// the worker's share of the run's decompression slots (one per core in all): a run never holds more decompressed
// archives (each up to CORELENS_MAX_DECOMPRESSED_MB) than there are cores
setDecompressionConcurrency(init.decompressions ?? 1);
const prog = prepareProgram(init.payload);
const cache = init.cacheDir ? new SliceCache(init.cacheDir) : undefined;

parentPort!.on('message', (m: { index: number; spec: TargetSpec } | { stop: true } | { decompressions: number }) => {
  if ('decompressions' in m) {
    // another worker started: this one's share of the run's decompressions shrinks (running ones finish first)
    setDecompressionConcurrency(m.decompressions);
    return;
  }
  if ('stop' in m) {
    // The xz processes this thread started are waited for, so none outlives the run (and their CPU is counted).
    void stopXzProcesses().finally(() => parentPort!.close());
    return;
  }
  void checkTarget(prog, m.spec, m.index, { cache }).then((r) => parentPort!.postMessage(r));
});
