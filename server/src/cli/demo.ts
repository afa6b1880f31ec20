// `corelens demo` (what `npm start` runs): the bundled example relocated against the default targets.

import * as path from 'path';
import { BUNDLED_KERNELS_DIR } from '../targets/registry';
import { Io } from './common';
import { layout } from './layout';
import { relocateCmd } from './relocate';

/** `npm start`: relocate the bundled example against the default targets, then show task_struct's moves. */
export async function demo(io: Io): Promise<number> {
  const example = path.resolve(BUNDLED_KERNELS_DIR, '../../objects/kernel_task.bpfel.o');
  io.out(`corelens demo: relocating ${path.relative(process.cwd(), example)} against the default targets\n`);
  const code = await relocateCmd({ positional: [example], targets: [], json: false }, io);
  io.out('');
  await layout({ positional: ['struct task_struct'], targets: [], json: false, changed: true }, io);
  // The demo shows findings on purpose (a program that fails on some kernels); it succeeded if it could run.
  return code === 1 || code === 0 ? 0 : code;
}
