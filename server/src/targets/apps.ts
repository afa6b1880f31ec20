// App targets over a kernel base: the merged view (kernel types, then the app's) that a uprobe program needs,
// built in memory exactly as `corelens merge` writes it for libbpf's btf_custom_path.

import * as path from 'path';
import { BtfError, Result, asBtfError, fail, ok } from '../btf/errors';
import { mergeBtf } from '../tools/merge';
import { openBtfFile } from '../btf/open';
import { Btf } from '../btf/reader';
import { referencedIds } from '../btf/writer';

export interface AppView {
  readonly btf: Btf;
  readonly containers: string[];
  /** Names the app shares with the kernel: CO-RE sees two candidates for them. */
  readonly notes: string[];
}

/**
 * Opens `appPath` (detached BTF, ELF with .BTF, or DWARF-only ELF) as seen over `kernel`. A standalone app BTF is
 * merged into one flat BTF (libbpf takes one target file, so a real load uses the merged file too); an app that
 * is split BTF over this kernel already is that view, and is used as it is.
 */
export async function openAppOverKernel(appPath: string, basePath: string, kernel: Btf): Promise<Result<AppView, BtfError>> {
  const alone = await openBtfFile(appPath);
  if (alone.ok && isSelfContained(alone.value.btf)) {
    try {
      const m = mergeBtf(kernel, [alone.value.btf]);
      const btf = Btf.parse(m.bytes, `${appPath} merged over ${basePath}`);
      return ok({ btf, containers: [...alone.value.containers, `merged:${path.basename(basePath)}`], notes: [...m.warnings] });
    } catch (e) {
      return fail(asBtfError(e, appPath));
    }
  }
  const split = await openBtfFile(appPath, { base: kernel });
  if (split.ok) return ok({ btf: split.value.btf, containers: [...split.value.containers, 'split'], notes: [] });
  return fail(alone.ok ? split.error : alone.error);
}

/** True when every name and type reference of `btf` resolves inside it: a standalone BTF, not split BTF. */
export function isSelfContained(btf: Btf): boolean {
  try {
    for (let id = btf.startId; id < btf.typeCount; id++) {
      const t = btf.type(id);
      if (referencedIds(t).some((r) => r >= btf.typeCount)) return false;
    }
    return true;
  } catch {
    return false;
  }
}
