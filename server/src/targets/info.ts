// What is known about a target, in one place: name, arch, kernel version, origin, distro. Editors group findings by
// it ("on 5.4–5.15 generic (212 kernels)"), `targets list` prints it, and `check` summarises target sets with it.

import { Arch, parseArch } from './arch';
import { StatedMachine, TargetOrigin, TargetSpec, isRunningKernelBtf, loadingMachineOf } from './registry';
import { TargetInfo as SummaryInfo } from './summary';
import { describeTarget } from './tree';

/** Everything known about a target; a superset of what summaries (targets/summary.ts) read, so it serves them too. */
export interface TargetInfo extends SummaryInfo {
  readonly name: string;
  readonly file: string;
  readonly kind: 'kernel' | 'app';
  /** Normalised arch; undefined when nothing says (no pt_regs in the BTF, no hint in the name or the configuration). */
  readonly arch?: Arch;
  /** Kernel release (`5.4.0-100-generic`) or the file's stem. */
  readonly kernel?: string;
  /** Numeric version ([5, 4, 0, 100]); undefined when the name carries none. */
  readonly version?: readonly number[];
  readonly origin: TargetOrigin;
  readonly distro?: string;
  readonly release?: string;
  readonly flavor?: string;
  /** What the user states about the loading machine (release, distro, kernel config), for the load verdicts. */
  readonly machine?: StatedMachine;
}

/**
 * Describes a target from its spec (configuration, tree, manifest and name) and, when it has been read, the arch its
 * BTF says. The result is plain data: safe to keep for every target of a fleet, to post to workers and to clients.
 */
export function targetInfo(spec: TargetSpec, btfArch?: Arch): TargetInfo {
  const d = describeTarget(spec);
  const arch = parseArch(spec.arch) ?? btfArch ?? parseArch(d.arch);
  const origin: TargetOrigin = spec.origin ?? (isRunningKernelBtf(spec.path) ? 'running' : 'config');
  return {
    name: spec.name, file: spec.path, kind: spec.kind ?? 'kernel', origin,
    ...(arch ? { arch } : {}), ...(d.kernel ? { kernel: d.kernel } : {}), ...(d.version ? { version: d.version } : {}),
    ...(d.distro ? { distro: d.distro } : {}), ...(d.release ? { release: d.release } : {}), ...(spec.flavor ? { flavor: spec.flavor } : {}),
    ...(spec.machine ? { machine: spec.machine } : {}),
  };
}

/** `5.4.0-100` style text of a version. */
export function versionText(v: readonly number[] | undefined): string {
  if (!v) return '';
  return v.length === 4 ? `${v.slice(0, 3).join('.')}-${v[3]}` : v.join('.');
}

/** The machine that loads on a described target (loadingMachineOf of its spec, from what its info kept). */
export function loadingMachineOfInfo(info: TargetInfo): ReturnType<typeof loadingMachineOf> {
  return loadingMachineOf({ path: info.file, origin: info.origin, kernel: info.kernel, distro: info.distro, machine: info.machine });
}
