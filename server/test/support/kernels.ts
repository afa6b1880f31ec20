// Loads the fixture kernels once per test run (xz decompression is the slow part).

import { openBtfFile } from '../../src/btf/open';
import { Btf } from '../../src/btf/reader';
import { kernelPath } from './paths';

const cache = new Map<string, Promise<Btf>>();

/** The parsed BTF of a fixture kernel, e.g. "6.1-amd64". */
export function kernel(name: string): Promise<Btf> {
  let p = cache.get(name);
  if (!p) {
    p = openBtfFile(kernelPath(name)).then((r) => {
      if (!r.ok) throw r.error;
      return r.value.btf;
    });
    cache.set(name, p);
  }
  return p;
}
