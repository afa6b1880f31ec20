// Targets: named BTFs (kernels, app versions) to relocate against; parsing their specs and loading them safely.

import * as fs from 'fs';
import * as path from 'path';
import { BtfError, Result, fail, ok } from '../btf/errors';
import { openBtfFile } from '../btf/open';
import { Btf } from '../btf/reader';
import { openAppOverKernel } from './apps';

export interface TargetSpec {
  readonly name: string;
  readonly path: string;
  /** Base BTF for split BTF (module over vmlinux, app over kernel). */
  readonly base?: string;
  readonly kind?: 'kernel' | 'app';
}

export interface LoadedTarget {
  readonly spec: TargetSpec;
  readonly btf: Btf;
  /** Layers unwrapped to reach the BTF, e.g. ["xz", "raw"]; ["elf:dwarf", "merged:vmlinux"] for an app over a kernel. */
  readonly containers: readonly string[];
  /** Warnings worth showing, e.g. app types whose names the kernel also has (two CO-RE candidates). */
  readonly notes?: readonly string[];
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
 * Real kernel BTFs shipped with corelens (6.1 generic/cloud/rt/arm64, 6.18, a 2026 CI kernel). They live with the
 * test fixtures so that one copy serves the tests, the CLI's defaults and the demo. The packaged extension has no
 * test fixtures: it ships the same kernels decompressed in dist/kernels/ (client/build.mjs), because raw BTF opens
 * in milliseconds where xz costs about 80 ms of CPU per kernel, most of the first-run time in a fresh VS Code.
 */
const REPO_KERNELS_DIR = path.resolve(__dirname, '../../../../test-fixtures/btf/kernels');
const PACKAGED_KERNELS_DIR = path.resolve(__dirname, '../../../../dist/kernels');
export const BUNDLED_KERNELS_DIR = fs.existsSync(REPO_KERNELS_DIR) || !fs.existsSync(PACKAGED_KERNELS_DIR) ? REPO_KERNELS_DIR : PACKAGED_KERNELS_DIR;

/**
 * Parses `NAME=FILE[,base=FILE][,kind=app]`, or a bare FILE (named after the file). NAME ends at the first `=`;
 * FILE ends at the first comma followed by `word=` (an option), so a path may hold other commas (`/btf/a,b.btf`).
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
  for (const o of opts) {
    const k = o.slice(0, o.indexOf('='));
    const v = o.slice(o.indexOf('=') + 1);
    if (k === 'base' && v) base = v;
    else if (k === 'kind' && (v === 'kernel' || v === 'app')) kind = v;
    else return `bad target option "${o}" in "${arg}": expected base=FILE or kind=kernel|app`;
  }
  return { name, path: file, ...(base ? { base } : {}), ...(kind ? { kind } : {}) };
}

/** A target name from a file name: `6.1-amd64.btf.xz` → `6.1-amd64`, `/sys/kernel/btf/vmlinux` → `running`. */
export function defaultTargetName(file: string): string {
  if (path.resolve(file) === RUNNING_KERNEL_BTF) return 'running';
  return path.basename(file).replace(/(\.btf)?(\.tar)?(\.(xz|gz))?$/, '').replace(/\.btf$/, '');
}

/** The default target set: the running kernel (when readable) and the bundled kernels. */
export function defaultTargetSpecs(): TargetSpec[] {
  const specs: TargetSpec[] = [];
  try {
    fs.accessSync(RUNNING_KERNEL_BTF, fs.constants.R_OK);
    specs.push({ name: 'running', path: RUNNING_KERNEL_BTF, kind: 'kernel' });
  } catch {
    // No BTF for the running kernel (old kernel or container): the bundled ones still serve.
  }
  let files: string[] = [];
  try {
    files = fs.readdirSync(BUNDLED_KERNELS_DIR).filter((f) => /\.btf(\.xz|\.gz)?$/.test(f)).sort();
  } catch {
    // Bundled kernels missing (a partial install): fall back to whatever else there is.
  }
  for (const f of files) specs.push({ name: defaultTargetName(f), path: path.join(BUNDLED_KERNELS_DIR, f), kind: 'kernel' });
  return specs;
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
    return ok({ spec, btf: a.value.btf, containers: a.value.containers, notes: a.value.notes });
  }
  const r = await openBtfFile(spec.path, { base });
  if (!r.ok) return fail(new TargetError(spec.name, r.error));
  return ok({ spec, btf: r.value.btf, containers: r.value.containers });
}

/** Loads targets in parallel; failures are returned beside the successes, in the order given. */
export async function loadTargets(specs: readonly TargetSpec[]): Promise<{ loaded: LoadedTarget[]; failed: TargetError[] }> {
  const results = await Promise.all(specs.map(loadTarget));
  const loaded: LoadedTarget[] = [];
  const failed: TargetError[] = [];
  for (const r of results) (r.ok ? loaded.push(r.value) : failed.push(r.error));
  return { loaded, failed };
}

interface Entry {
  spec: TargetSpec;
  promise?: Promise<void>;
  loaded?: LoadedTarget;
  error?: TargetError;
}

const sameSpec = (a: TargetSpec, b: TargetSpec) => a.name === b.name && a.path === b.path && a.base === b.base && a.kind === b.kind;

/**
 * The configured targets of a long-running process (the language server): loaded lazily and in parallel, kept
 * across reconfiguration when unchanged, reloaded when their file changes. A failed target never blocks the others.
 */
export class TargetSet {
  private entries: Entry[] = [];
  private generation = 0;

  /** Replaces the configured targets; those with an unchanged spec keep what they loaded. */
  configure(specs: readonly TargetSpec[]): void {
    const old = this.entries;
    this.entries = specs.map((s) => old.find((e) => sameSpec(e.spec, s)) ?? { spec: s });
    this.generation++;
  }

  get specs(): TargetSpec[] {
    return this.entries.map((e) => e.spec);
  }

  /** Loads whatever is not loaded yet; `onProgress` hears each target as it finishes. */
  async ensureLoaded(onProgress?: (done: number, total: number, name: string) => void): Promise<void> {
    const pending = this.entries.filter((e) => !e.loaded && !e.error);
    let done = 0;
    await Promise.all(pending.map((e) => {
      e.promise ??= loadTarget(e.spec).then((r) => {
        if (r.ok) e.loaded = r.value;
        else e.error = r.error;
        e.promise = undefined;
        onProgress?.(++done, pending.length, e.spec.name);
      });
      return e.promise;
    }));
  }

  /** Targets loaded successfully, in configuration order. */
  loaded(): LoadedTarget[] {
    return this.entries.flatMap((e) => (e.loaded ? [e.loaded] : []));
  }

  /** Targets that failed to load, with why. */
  failed(): TargetError[] {
    return this.entries.flatMap((e) => (e.error ? [e.error] : []));
  }

  /** Forgets what was loaded from `file` (a target or a base), so the next ensureLoaded reads it again. */
  invalidateFile(file: string): boolean {
    const abs = path.resolve(file);
    let hit = false;
    for (const e of this.entries) {
      if (path.resolve(e.spec.path) === abs || (e.spec.base && path.resolve(e.spec.base) === abs)) {
        e.loaded = undefined;
        e.error = undefined;
        hit = true;
      }
    }
    return hit;
  }

  /** Every file the targets read, for watching. */
  files(): string[] {
    return this.entries.flatMap((e) => [e.spec.path, ...(e.spec.base ? [e.spec.base] : [])]);
  }
}
