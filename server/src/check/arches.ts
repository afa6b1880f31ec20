// Arches in a check: which arch each target is, which analysis serves it, and which targets a one-arch program
// leaves out. A source is analysed once per arch present (as clang builds one object per arch); an object (or a
// source built for one arch, `-D__TARGET_ARCH_x86` or `--arch`) is checked on targets of its arch only.

import { openBtfFile } from '../btf/open';
import { Arch, archFromBtf, hostArch, parseArch, sameObjectArch } from '../targets/arch';
import { TargetSpec } from '../targets/registry';
import { describeTarget } from '../targets/tree';
import { SliceCache, stampOf } from './cache';

/** Targets of one analysis arch, by index into the check's target list. */
export interface ArchGroup {
  readonly arch: Arch;
  readonly indices: number[];
}

export interface ArchPlan {
  readonly groups: ArchGroup[];
  /** Targets of another arch than the program's, with their arch. */
  readonly skipped: { index: number; arch: Arch }[];
}

/**
 * The arch of every target: the spec's (configuration, BTFHub path, bundled manifest, name), else the one its cache
 * entry remembers, else its BTF's `struct pt_regs` (read here, at most `jobs` at a time; unreadable targets stay
 * undefined and are reported by the check itself). Undefined: nothing says (an app, a purpose-built BTF).
 */
export async function resolveTargetArches(specs: readonly TargetSpec[], cacheDir: string | undefined, jobs: number): Promise<(Arch | undefined)[]> {
  const out: (Arch | undefined)[] = specs.map((s) => parseArch(s.arch) ?? undefined);
  specs.forEach((s, i) => { out[i] ??= parseArch(describeTarget(s).arch); });
  const todo = specs.map((s, i) => ({ s, i })).filter(({ s, i }) => out[i] === undefined && s.kind !== 'app' && !s.base);
  if (todo.length === 0) return out;
  const cache = cacheDir ? new SliceCache(cacheDir) : undefined;
  let next = 0;
  const lane = async () => {
    while (next < todo.length) {
      const { s, i } = todo[next++]!;
      try {
        const stamp = cache ? await stampOf(s.path) : undefined;
        const entry = cache && stamp ? await cache.get(stamp) : undefined;
        if (entry) {
          out[i] = parseArch(entry.arch);
          continue;
        }
        const r = await openBtfFile(s.path);
        if (!r.ok) continue;
        const arch = archFromBtf(r.value.btf)?.arch;
        out[i] = arch;
        // Remember it (an entry covering no names yet): the next run knows the arch without reading the archive.
        if (cache && stamp) await cache.put({ stamp, names: [], bytes: emptyBtf(), ids: new Uint32Array(0), ...(arch ? { arch } : {}) });
      } catch {
        // unreadable: the check reports it by name
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(jobs, todo.length)) }, lane));
  return out;
}

/** A valid BTF with no types (24-byte header, one empty string): the slice of nothing. */
function emptyBtf(): Uint8Array {
  const b = new Uint8Array(25);
  const v = new DataView(b.buffer);
  v.setUint16(0, 0xeb9f, true);
  v.setUint8(2, 1);
  v.setUint32(4, 24, true);
  v.setUint32(16, 0, true);
  v.setUint32(20, 1, true);
  return b;
}

/**
 * Plans the analyses: with `programArch` (an object, or a source built for one arch), one group of that arch and
 * the other-arch targets skipped; otherwise one group per arch present. Targets of unknown arch join the largest
 * group (they carry no pt_regs, so the arch cannot change their results), or the host's arch when none is known.
 */
export function planArches(arches: readonly (Arch | undefined)[], programArch?: Arch): ArchPlan {
  const skipped: { index: number; arch: Arch }[] = [];
  const groups = new Map<Arch, number[]>();
  const unknown: number[] = [];
  arches.forEach((a, i) => {
    if (!a) unknown.push(i);
    else if (programArch && !sameObjectArch(a, programArch)) skipped.push({ index: i, arch: a });
    else {
      const key = programArch ?? a;
      groups.set(key, [...(groups.get(key) ?? []), i]);
    }
  });
  if (unknown.length) {
    const largest = [...groups].sort((a, b) => b[1].length - a[1].length)[0]?.[0];
    const arch = programArch ?? largest ?? hostArch() ?? 'x86_64';
    groups.set(arch, [...(groups.get(arch) ?? []), ...unknown].sort((a, b) => a - b));
  }
  return { groups: [...groups].map(([arch, indices]) => ({ arch, indices })), skipped };
}
