// Worker thread entry of `corelens check`: parses the program once, then checks the targets the main thread sends,
// one message per target, answering with that target's compact report (its BTF is garbage once answered).

import { parentPort, workerData } from 'worker_threads';
import { setDecompressionConcurrency } from '../btf/open';
import { stopXzProcesses } from '../btf/xz';
import { SliceCache } from './cache';
import { ProgramPayload, checkTarget, prepareProgram } from './engine';
import { TargetSpec } from '../targets/registry';

interface Init { payload: ProgramPayload; cacheDir?: string }

const init = workerData as Init;
// one decompression at a time per worker, and at most one worker per core: a run never holds more decompressed
// archives (each up to CORELENS_MAX_DECOMPRESSED_MB) than there are cores
setDecompressionConcurrency(1);
const prog = prepareProgram(init.payload);
const cache = init.cacheDir ? new SliceCache(init.cacheDir) : undefined;

parentPort!.on('message', (m: { index: number; spec: TargetSpec } | { stop: true }) => {
  if ('stop' in m) {
    // The xz processes this thread started are waited for, so none outlives the run (and their CPU is counted).
    void stopXzProcesses().finally(() => parentPort!.close());
    return;
  }
  void checkTarget(prog, m.spec, m.index, { cache }).then((r) => parentPort!.postMessage(r));
});
