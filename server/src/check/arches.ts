// Arches in a check: which analysis serves each target, and which targets a one-arch program leaves out. A source
// is analysed once per arch present (as clang builds one object per arch); an object (or a source built for one
// arch, `-D__TARGET_ARCH_x86` or `--arch`) is checked on targets of its arch only.

import { Arch, hostArch, sameObjectArch } from '../targets/arch';

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
 * Plans the analyses: with `programArch` (an object, or a source built for one arch), one group of that arch and
 * the other-arch targets skipped; otherwise one group per arch present. Targets of unknown arch join the largest
 * group, or the host's arch when none is known (`check` re-runs one whose BTF then says another arch).
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
      const g = groups.get(key);
      if (g) g.push(i);
      else groups.set(key, [i]);
    }
  });
  if (unknown.length) {
    const largest = [...groups].sort((a, b) => b[1].length - a[1].length)[0]?.[0];
    const arch = programArch ?? largest ?? hostArch() ?? 'x86_64';
    groups.set(arch, [...(groups.get(arch) ?? []), ...unknown].sort((a, b) => a - b));
  }
  return { groups: [...groups].map(([arch, indices]) => ({ arch, indices })), skipped };
}
