// `corelens targets seed ARCHIVE...`: writes the seed slice beside each archive (ARCHIVE.slice, check/cache.ts), so a
// fresh install's language server relocates on the bundled kernels without decompressing them. Packaging runs it on
// dist/kernels (client/build.mjs --production).

import { readSeed, writeSeed } from '../check/cache';
import { sliceBtf } from '../check/slice';
import { openBtfFile } from '../btf/open';
import { essentialName } from '../btf/reader';
import { COMMON_ROOTS } from '../fleet';
import { archFromBtf } from '../targets/arch';
import { readInput } from '../util/files';
import { Io } from './common';

/** Cuts each archive's COMMON_ROOTS slice (what the server's first read covers) and writes it beside the archive. */
export async function seedCommand(files: string[], io: Io): Promise<number> {
  if (!files.length || files.some((f) => f.startsWith('-'))) {
    io.err('usage: corelens targets seed ARCHIVE...   (writes ARCHIVE.slice beside each: the slice a first start needs)');
    return 2;
  }
  const names = [...new Set(COMMON_ROOTS.map(essentialName))].sort();
  let failed = 0;
  for (const file of files) {
    const r = await openBtfFile(file);
    if (!r.ok) {
      io.err(`corelens targets seed: ${r.error.message}`);
      failed++;
      continue;
    }
    let slice: ReturnType<typeof sliceBtf>;
    let arch: ReturnType<typeof archFromBtf>;
    try {
      slice = sliceBtf(r.value.btf, names);
      arch = archFromBtf(r.value.btf);
    } finally {
      // The archive ends here (the slice is its own encoding): its memory serves the next archive (btf/recycle.ts).
      r.value.btf.release();
    }
    const err = await writeSeed(file, await readInput(file, 'btf'), { names, ...slice, ...(arch ? { arch: arch.arch } : {}) });
    // read back exactly as the server will: a seed that does not verify is worse than none
    if (err || !(await readSeed(file))) {
      io.err(`corelens targets seed: ${file}: cannot write its seed${err ? `: ${err}` : ''}`);
      failed++;
      continue;
    }
    io.out(`${file}.slice: ${slice.ids.length} types, ${(slice.bytes.length / 1024).toFixed(0)} KB`);
  }
  return failed ? 1 : 0;
}
