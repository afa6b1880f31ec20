// Targets: named BTFs (kernels, app versions) to relocate against; parsing their specs and loading them safely.

import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { BtfError, Result, fail, ok } from '../btf/errors';
import { describeFsError, notRegular } from '../util/files';
import { openBtfFile } from '../btf/open';
import { Btf } from '../btf/reader';
import { openAppOverKernel } from './apps';
import { ARCH_SPELLINGS, Arch, archFromBtf, archFromName, hostArch, parseArch } from './arch';

/** Where a target comes from: shown by `targets list`, and what editors group targets by. */
export type TargetOrigin = 'running' | 'bundled' | 'btfhub' | 'tree' | 'config';

export interface TargetSpec {
  readonly name: string;
  readonly path: string;
  /** Base BTF for split BTF (module over vmlinux, app over kernel). */
  readonly base?: string;
  readonly kind?: 'kernel' | 'app';
  /**
   * The arch when something other than the BTF says it: an explicit `arch` in the configuration, a BTFHub path, the
   * bundled kernels' manifest (normalised: x86_64, arm64...). Otherwise the name, then the BTF itself decide.
   */
  readonly arch?: string;
  readonly origin?: TargetOrigin;
  /** Distro and its release (`ubuntu`, `20.04`), for BTFHub and the bundled kernels. */
  readonly distro?: string;
  readonly release?: string;
  /** The kernel release (`5.4.0-100-generic`), or the file name without container extensions. */
  readonly kernel?: string;
  /** Numeric kernel version ([5, 4, 0, 100]), when known. */
  readonly version?: readonly number[];
  /** Config flavor (`generic`, `rt`, `cloud`...), when known. */
  readonly flavor?: string;
  /** What the user states about the machines that load on this target (the configuration, `--target ...,kconfig=`). */
  readonly machine?: StatedMachine;
}

/**
 * What a user states about the machine that loads a program on a target, for the load verdicts: libbpf fills
 * `__kconfig` externs from that machine (its `uname -r` and kernel config), which no BTF holds. A statement is
 * trusted where a file name is not: the user wrote it for this purpose.
 */
export interface StatedMachine {
  /** Its kernel release (`uname -r`): LINUX_KERNEL_VERSION as libbpf computes it there. */
  readonly kernel?: string;
  /** Its distro (`ubuntu` makes the patch level a range: libbpf reads /proc/version_signature there). */
  readonly distro?: string;
  /** Its kernel config (a `/boot/config-*` file, plain or gzipped, or a `/proc/config.gz` copy), absolute. */
  readonly kconfig?: string;
}

export interface LoadedTarget {
  readonly spec: TargetSpec;
  readonly btf: Btf;
  /** Layers unwrapped to reach the BTF, e.g. ["xz", "raw"]; ["elf:dwarf", "merged:vmlinux"] for an app over a kernel. */
  readonly containers: readonly string[];
  /** Warnings worth showing, e.g. app types whose names the kernel also has (two CO-RE candidates). */
  readonly notes?: readonly string[];
  /** The arch, once the BTF is read: the spec's, else what its `struct pt_regs` says (undefined: no pt_regs). */
  readonly arch?: Arch;
}

/** A target that could not be loaded: which one, and why. */
export class TargetError extends Error {
  constructor(readonly target: string, readonly problem: BtfError) {
    super(`target ${target}: ${problem.message}`);
  }
}

/** The running kernel's BTF, used as a default target when readable. */
export const RUNNING_KERNEL_BTF = '/sys/kernel/btf/vmlinux';

/**
 * Real kernel BTFs shipped with corelens (Debian 11's 5.10 amd64/arm64, Debian 12's 6.1 generic/cloud/rt/arm64,
 * Debian 13's 6.12, 6.18, a 2026 CI kernel). They live with the test fixtures so that one copy serves the tests, the
 * CLI's defaults and the demo; `kernels.json` beside them holds their facts and which of them are defaults. The
 * packaged extension has no test fixtures: it ships the default ones (and kernels.json) in dist/kernels/
 * (client/build.mjs), still xz-compressed so the .vsix stays under 10 MB: only the first start decompresses them,
 * later ones read their slices from the cache (fleet.ts).
 */
const REPO_KERNELS_DIR = path.resolve(__dirname, '../../../../test-fixtures/btf/kernels');
const PACKAGED_KERNELS_DIR = path.resolve(__dirname, '../../../../dist/kernels');
export const BUNDLED_KERNELS_DIR = fs.existsSync(REPO_KERNELS_DIR) || !fs.existsSync(PACKAGED_KERNELS_DIR) ? REPO_KERNELS_DIR : PACKAGED_KERNELS_DIR;

/**
 * Parses `NAME=FILE[,base=FILE][,kind=app][,arch=ARCH][,kernel=RELEASE][,distro=DISTRO][,kconfig=FILE]`, or a bare
 * FILE (named after the file). NAME ends at the first `=`; FILE ends at the first comma followed by `word=` (an
 * option), so a path may hold other commas. kernel, distro and kconfig describe the loading machine (StatedMachine).
 */
export function parseTargetArg(arg: string): TargetSpec | string {
  const optAt = arg.search(/,[A-Za-z_]+=/);
  const head = optAt < 0 ? arg : arg.slice(0, optAt);
  const opts = optAt < 0 ? [] : arg.slice(optAt + 1).split(/,(?=[A-Za-z_]+=)/);
  const eq = head.indexOf('=');
  const file = eq >= 0 ? head.slice(eq + 1) : head;
  const name = eq >= 0 ? head.slice(0, eq) : defaultTargetName(file);
  if (!name || !file) return `bad target "${arg}": expected NAME=FILE`;
  let base: string | undefined;
  let kind: 'kernel' | 'app' | undefined;
  let arch: Arch | undefined;
  const machine: { kernel?: string; distro?: string; kconfig?: string } = {};
  for (const o of opts) {
    const k = o.slice(0, o.indexOf('='));
    const v = o.slice(o.indexOf('=') + 1);
    if (k === 'base' && v) base = v;
    else if (k === 'kind' && (v === 'kernel' || v === 'app')) kind = v;
    else if (k === 'arch' && parseArch(v)) arch = parseArch(v);
    else if (k === 'arch') return `bad target option "${o}" in "${arg}": unknown arch; one of ${ARCH_SPELLINGS}`;
    else if ((k === 'kernel' || k === 'distro') && v) machine[k] = v;
    else if (k === 'kconfig' && v) {
      machine.kconfig = path.resolve(v);
      const bad = kconfigFileProblem(machine.kconfig);
      if (bad) return `bad target option "${o}" in "${arg}": ${bad}`;
    }
    else return `bad target option "${o}" in "${arg}": expected base=FILE, kind=kernel|app, arch=ARCH, kernel=RELEASE, distro=DISTRO or kconfig=FILE`;
  }
  return {
    name, path: file, ...(base ? { base } : {}), ...(kind ? { kind } : {}), ...(arch ? { arch } : {}),
    ...(Object.keys(machine).length ? { machine } : {}),
  };
}

/** Why a stated kernel config file cannot be read (a stat: its contents are the verdicts' to read), or undefined. */
export function kconfigFileProblem(file: string): string | undefined {
  try {
    const bad = notRegular(fs.statSync(file));
    return bad ? `kernel config ${file} ${bad}` : undefined;
  } catch (e) {
    return `kernel config ${file}: ${describeFsError(e)}`;
  }
}

/**
 * Gives each target whose loading machine's release is known (stated, or from a trusted source) the kernel config
 * `dir/config-<release>` (or `.gz`), as /boot names them, unless one is stated already. A fleet's configs collected
 * from its machines then decide the __kconfig gates per kernel. The running kernel keeps its own. A string: the folder
 * cannot be listed.
 */
export function withKconfigDir(specs: readonly TargetSpec[], dir: string): { specs: TargetSpec[]; matched: number } | string {
  let names: Set<string>;
  try {
    names = new Set(fs.readdirSync(dir));
  } catch (e) {
    return describeFsError(e);
  }
  let matched = 0;
  const out = specs.map((s) => {
    const m = loadingMachineOf(s);
    if (m.running || m.kconfig || !m.release) return s;
    const name = [`config-${m.release}`, `config-${m.release}.gz`].find((n) => names.has(n));
    if (!name) return s;
    matched++;
    return { ...s, machine: { ...s.machine, kconfig: path.resolve(dir, name) } };
  });
  return { specs: out, matched };
}

/** Whether a target's file is the running kernel's own BTF (what libbpf loading here sees: its kallsyms too). */
export function isRunningKernelBtf(file: string): boolean {
  return path.resolve(file) === RUNNING_KERNEL_BTF;
}

/**
 * What a load verdict needs to know of the machine that would load on a target (verdict/ factsFromBtf's options):
 * whether it is this machine, and the kernel release, distro and kernel config where the user states them or a
 * trusted source names them (the bundled kernels' manifest, a BTFHub path) — never a user's file name, which may say
 * anything. The running kernel is this machine: its own files decide, whatever a statement says.
 */
export function loadingMachineOf(t: {
  readonly path: string; readonly origin?: TargetOrigin; readonly kernel?: string; readonly distro?: string; readonly machine?: StatedMachine;
}): { running: boolean; release?: string; distro?: string; kconfig?: string } {
  const running = t.origin === 'running' || isRunningKernelBtf(t.path);
  if (running) return { running };
  const trusted = t.origin === 'bundled' || t.origin === 'btfhub' || t.origin === 'tree';
  const release = t.machine?.kernel ?? (trusted ? t.kernel : undefined);
  const distro = t.machine?.distro ?? (trusted ? t.distro : undefined);
  return { running, ...(release ? { release } : {}), ...(distro ? { distro } : {}), ...(t.machine?.kconfig ? { kconfig: t.machine.kconfig } : {}) };
}

/** A target name from a file name: `6.1-amd64.btf.xz` → `6.1-amd64`, `/sys/kernel/btf/vmlinux` → `running`. */
export function defaultTargetName(file: string): string {
  if (isRunningKernelBtf(file)) return 'running';
  return path.basename(file).replace(/(\.btf)?(\.tar)?(\.(xz|gz))?$/, '').replace(/\.btf$/, '');
}

interface KernelFacts { release?: string; version?: string; arch?: string; distro?: string; distroRelease?: string; flavor?: string }
interface KernelManifest { defaults?: string[]; kernels?: Record<string, KernelFacts> }

function readManifest(dir: string): KernelManifest | undefined {
  try {
    return JSON.parse(fs.readFileSync(path.join(dir, 'kernels.json'), 'utf8')) as KernelManifest;
  } catch {
    return undefined;
  }
}

/**
 * Every bundled kernel (defaults first when `onlyDefaults` is false), with its manifest facts. Without a readable
 * manifest (a partial install), every BTF file in the folder counts, named by its file and described by its name.
 */
export function bundledKernelSpecs(onlyDefaults = true, dir = BUNDLED_KERNELS_DIR): TargetSpec[] {
  let files: string[] = [];
  try {
    files = fs.readdirSync(dir).filter((f) => /\.btf(\.xz|\.gz)?$/.test(f)).sort();
  } catch {
    // Bundled kernels missing (a partial install): fall back to whatever else there is.
  }
  const manifest = readManifest(dir);
  const byName = new Map(files.map((f) => [defaultTargetName(f), f] as const));
  const names = manifest?.defaults
    ? [...manifest.defaults, ...(onlyDefaults ? [] : [...byName.keys()].filter((n) => !manifest.defaults!.includes(n)))]
    : [...byName.keys()];
  const specs: TargetSpec[] = [];
  for (const name of names) {
    const file = byName.get(name);
    if (!file) continue; // a manifest entry left out of this install (the .vsix ships the defaults only)
    const f = manifest?.kernels?.[name] ?? {};
    const arch = parseArch(f.arch);
    const version = f.version ? f.version.split('.').map(Number) : undefined;
    specs.push({
      name, path: path.join(dir, file), kind: 'kernel', origin: 'bundled',
      ...(arch ? { arch } : {}), ...(f.distro ? { distro: f.distro } : {}), ...(f.distroRelease ? { release: f.distroRelease } : {}),
      ...(f.release ? { kernel: f.release } : {}), ...(version && version.every(Number.isFinite) ? { version } : {}),
      ...(f.flavor ? { flavor: f.flavor } : {}),
    });
  }
  return specs;
}

/** The running kernel's target, when its BTF is readable (not in old kernels, not in most containers). */
export function runningKernelSpec(): TargetSpec | undefined {
  try {
    fs.accessSync(RUNNING_KERNEL_BTF, fs.constants.R_OK);
  } catch {
    return undefined;
  }
  const release = os.release();
  const m = /^(\d+)\.(\d+)(?:\.(\d+))?/.exec(release);
  const arch = hostArch();
  return {
    name: 'running', path: RUNNING_KERNEL_BTF, kind: 'kernel', origin: 'running', kernel: release,
    ...(arch ? { arch } : {}), ...(m ? { version: [Number(m[1]), Number(m[2]), ...(m[3] ? [Number(m[3])] : [])] } : {}),
  };
}

/**
 * The default target set: the running kernel (when readable) and the bundled default kernels — per arch, x86_64
 * 5.10, 6.1, 6.1-rt, 6.12, 6.18 and arm64 5.10, 6.1, so the classic mistakes (`task_struct::__state` before 5.14,
 * an x86-only register read) show up without configuration.
 */
export function defaultTargetSpecs(): TargetSpec[] {
  const running = runningKernelSpec();
  return [...(running ? [running] : []), ...bundledKernelSpecs(true)];
}

/** Loads one target (and its base, for split BTF). Never throws. */
export async function loadTarget(spec: TargetSpec): Promise<Result<LoadedTarget, TargetError>> {
  let base: Btf | undefined;
  if (spec.base) {
    const b = await openBtfFile(spec.base);
    if (!b.ok) return fail(new TargetError(spec.name, b.error));
    base = b.value.btf;
  }
  if (spec.kind === 'app' && base && spec.base) {
    const a = await openAppOverKernel(spec.path, spec.base, base);
    if (!a.ok) return fail(new TargetError(spec.name, a.error));
    return ok({ spec, btf: a.value.btf, containers: a.value.containers, notes: a.value.notes, ...archOf(spec, a.value.btf) });
  }
  const r = await openBtfFile(spec.path, { base });
  if (!r.ok) return fail(new TargetError(spec.name, r.error));
  return ok({ spec, btf: r.value.btf, containers: r.value.containers, ...archOf(spec, r.value.btf) });
}

/** A loaded target's arch: what the spec says (configuration, BTFHub path, manifest), else its BTF's pt_regs. */
function archOf(spec: TargetSpec, btf: Btf): { arch?: Arch } {
  const arch = parseArch(spec.arch) ?? archFromBtf(btf)?.arch ?? archFromName(spec.name);
  return arch ? { arch } : {};
}

/** Loads targets in parallel; failures are returned beside the successes, in the order given. */
export async function loadTargets(specs: readonly TargetSpec[]): Promise<{ loaded: LoadedTarget[]; failed: TargetError[] }> {
  const results = await Promise.all(specs.map(loadTarget));
  const loaded: LoadedTarget[] = [];
  const failed: TargetError[] = [];
  for (const r of results) (r.ok ? loaded.push(r.value) : failed.push(r.error));
  return { loaded, failed };
}
