// Target trees: a BTFHub-archive checkout (`<distro>/<version>/<arch>/<kernel>.btf.tar.xz`) or any folder of BTF
// files, turned into named targets, with the filters CI jobs need (arch, distro, kernel version range).
//
// Scanning only lists and stats files: archives are opened later, one at a time, by whoever checks them, so a bad
// archive is found (and reported by name) there, not here.

import { promises as fs } from 'fs';
import * as path from 'path';
import { describeFsError, notRegular } from '../util/files';
import { archFromName, parseArch } from './arch';
import { TargetSpec } from './registry';

/** A target found in a tree (or described from its name), with what its place in the tree says about it. */
export interface TreeTarget extends TargetSpec {
  /** `ubuntu`, `centos`... (BTFHub layout only). */
  readonly distro?: string;
  /** The distro release (`20.04`, `8`...), BTFHub layout only. */
  readonly release?: string;
  /** Normalised architecture (`x86_64`, `arm64`...), from the tree or guessed from the file name. */
  readonly arch?: string;
  /** The file name without its container extensions: `5.4.0-100-generic`. */
  readonly kernel: string;
  /** Numeric kernel version from `kernel` ([5, 4, 0, 100]), when it carries one. */
  readonly version?: readonly number[];
}

/** A file the scan could not use, by name. */
export interface SkippedFile {
  readonly file: string;
  readonly problem: string;
}

export interface TargetFilter {
  /** Keep targets of these architectures (aliases: amd64 = x86_64, aarch64 = arm64). */
  readonly arch?: readonly string[];
  /** Keep targets of these distros (BTFHub layout), case-insensitive. */
  readonly distro?: readonly string[];
  /** Keep targets whose kernel version is in this range (see parseVersionRange). */
  readonly kernel?: VersionRange;
}

/** Files that are never BTF: a tree's docs and checksums are not worth a "skipped" line each. */
const NOT_BTF = /(^\.|\.(md|txt|json|sha\d*|sig|asc|html|csv|sh|py|c|h)$|^(README|LICENSE|COPYING|Makefile)$)/i;
/** Container extensions stripped to get a kernel name. */
const CONTAINER_EXT = /(\.btf)?(\.tar)?(\.(xz|gz|tgz|zst))?$/;

/** `amd64` → `x86_64`: one spelling per architecture, so filters match BTFHub's and Debian's names alike. */
export function normaliseArch(a: string): string {
  return parseArch(a) ?? a.toLowerCase();
}

export { archFromName };

/**
 * The kernel version a name carries: `5.4.0-100-generic` → [5, 4, 0, 100], `4.18.0-348.el8.x86_64` → [4, 18, 0, 348],
 * `6.1-amd64` → [6, 1]. The number after the first dash (a distro's ABI/build number) counts as a fourth component
 * so that builds of one upstream version sort in release order.
 */
export function kernelVersion(name: string): number[] | undefined {
  const m = /(?:^|[^\d.])(\d+)\.(\d+)(?:\.(\d+))?(?:-(\d+))?/.exec(name);
  if (!m) return undefined;
  const v = [Number(m[1]), Number(m[2])];
  if (m[3] !== undefined) v.push(Number(m[3]));
  if (m[4] !== undefined) {
    if (m[3] === undefined) v.push(0);
    v.push(Number(m[4]));
  }
  return v;
}

/** Orders versions component by component; a missing component counts as 0. */
export function compareVersions(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

type Op = '>=' | '>' | '<=' | '<' | '=';
interface Comparator { op: Op; version: number[] }
/** Alternatives (`||`) of conjunctions (space-separated comparators). */
export interface VersionRange { readonly text: string; readonly any: readonly (readonly Comparator[])[] }

/**
 * Parses a kernel version range. Syntax (npm-semver-like, on kernel versions):
 *   `>=5.4 <6.2`    space-separated comparators must all hold (>=, >, <=, <, =);
 *   `5.4` or `=5.4` a partial version matches every version it prefixes (5.4.0-100 is in `5.4`);
 *   `<=5.4`         includes all of 5.4.x; `>5.4` excludes all of 5.4.x; `>=5.4` and `<5.4` compare with 5.4.0;
 *   `5.4 || >=6.1`  alternatives;
 *   `5.4.0-100`     a distro build: the number after the dash is a fourth component (as in kernelVersion).
 * Returns an error message (a string) for a malformed range.
 */
export function parseVersionRange(text: string): VersionRange | string {
  const any: Comparator[][] = [];
  for (const alt of text.split('||')) {
    const parts = alt.trim().split(/\s+/).filter(Boolean);
    if (parts.length === 0) return `bad kernel range "${text}": an alternative is empty`;
    const conj: Comparator[] = [];
    for (const p of parts) {
      const m = /^(>=|<=|>|<|=)?v?(\d+(?:\.\d+){0,2}(?:-\d+)?)(?:\.[x*])?$/.exec(p);
      if (!m) return `bad kernel range "${text}": "${p}" is not a comparator like >=5.4 or <6.2`;
      const parts = m[2]!.split('-');
      const v = parts[0]!.split('.').map(Number);
      if (parts[1] !== undefined) v.push(...Array(Math.max(0, 3 - v.length)).fill(0), Number(parts[1]));
      conj.push({ op: (m[1] ?? '=') as Op, version: v });
    }
    any.push(conj);
  }
  return { text, any };
}

/** Both ranges at once: every alternative of one combined with every alternative of the other. */
export function intersectRanges(a: VersionRange, b: VersionRange): VersionRange {
  const wrap = (r: VersionRange) => (r.any.length > 1 ? `(${r.text})` : r.text);
  return { text: `${wrap(a)} ${wrap(b)}`, any: a.any.flatMap((x) => b.any.map((y) => [...x, ...y])) };
}

/** Whether `v` satisfies one comparator; partial versions on the right act as prefixes (see parseVersionRange). */
function satisfies(v: readonly number[], c: Comparator): boolean {
  const prefix = v.slice(0, c.version.length);
  const cmp = compareVersions(prefix, c.version);
  switch (c.op) {
    case '=': return cmp === 0;
    case '>=': return compareVersions(v, c.version) >= 0;
    case '<': return compareVersions(v, c.version) < 0;
    case '<=': return cmp <= 0;
    case '>': return cmp > 0;
  }
}

/** Whether a version is in the range; a target without a version is never in a range. */
export function inRange(v: readonly number[] | undefined, r: VersionRange): boolean {
  if (!v) return false;
  return r.any.some((conj) => conj.every((c) => satisfies(v, c)));
}

/** Describes a target named NAME=FILE (or by file) with what its name says: kernel, version, arch. */
export function describeTarget(spec: TargetSpec): TreeTarget {
  const t = spec as Partial<TreeTarget>;
  const kernel = t.kernel ?? path.basename(spec.path).replace(CONTAINER_EXT, '');
  return {
    ...spec, kernel,
    // A tree target's name holds the distro release too: only its kernel part may carry the version.
    version: t.version ?? (t.kernel !== undefined ? kernelVersion(t.kernel) : kernelVersion(spec.name) ?? kernelVersion(kernel)),
    arch: t.arch !== undefined ? normaliseArch(t.arch) : archFromName(spec.name) ?? archFromName(kernel),
  };
}

/** Keeps the targets the filter lets through. */
export function filterTargets<T extends TargetSpec>(targets: readonly T[], f: TargetFilter): T[] {
  const arches = f.arch?.map(normaliseArch);
  const distros = f.distro?.map((d) => d.toLowerCase());
  return targets.filter((t) => {
    const d = describeTarget(t);
    if (arches && (!d.arch || !arches.includes(d.arch))) return false;
    if (distros && (!d.distro || !distros.includes(d.distro.toLowerCase()))) return false;
    if (f.kernel && !inRange(d.version, f.kernel)) return false;
    return true;
  });
}

/**
 * Lists the BTF files under `dir` as targets. Files at `<distro>/<release>/<arch>/<kernel>.*` (BTFHub's layout)
 * are named `distro/release/arch/kernel` and carry those facts; files elsewhere are named by their path relative to
 * `dir`, without container extensions. Symlinks are followed once: a real directory is entered and a real file
 * listed only the first time it is reached (in sorted order), so link cycles and links to the same archive cost
 * nothing (one real file once became 307,649 targets through a cycle). Docs and dotfiles are ignored; unreadable
 * entries and what is not a regular file (FIFOs, devices) are returned as skipped. Targets come sorted by name so
 * runs are reproducible.
 */
export async function scanTargetTree(dir: string): Promise<{ targets: TreeTarget[]; skipped: SkippedFile[] }> {
  const root = path.resolve(dir);
  const targets: TreeTarget[] = [];
  const skipped: SkippedFile[] = [];
  const seenDirs = new Set<string>();
  const seenFiles = new Set<string>();
  const real = async (p: string) => fs.realpath(p).catch(() => p);
  seenDirs.add(await real(root));
  const walk = async (rel: string, depth: number): Promise<void> => {
    const abs = path.join(root, rel);
    let names: string[];
    try {
      names = await fs.readdir(abs);
    } catch (e) {
      skipped.push({ file: abs, problem: `cannot list: ${(e as Error).message}` });
      return;
    }
    for (const n of names.sort()) {
      if (NOT_BTF.test(n)) continue;
      const childRel = rel ? path.join(rel, n) : n;
      const child = path.join(root, childRel);
      let st;
      try {
        st = await fs.stat(child);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        skipped.push({ file: child, problem: code === 'ENOENT' ? 'cannot read: dangling symlink' : describeFsError(e) });
        continue;
      }
      if (st.isDirectory()) {
        const r = await real(child);
        if (seenDirs.has(r)) continue;
        seenDirs.add(r);
        if (depth < 8) await walk(childRel, depth + 1);
        continue;
      }
      const bad = notRegular(st);
      if (bad) {
        skipped.push({ file: child, problem: bad });
        continue;
      }
      const r = await real(child);
      if (seenFiles.has(r)) continue;
      seenFiles.add(r);
      targets.push(treeTarget(child, childRel));
    }
  };
  await walk('', 0);
  targets.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { targets, skipped };
}

function treeTarget(file: string, rel: string): TreeTarget {
  const parts = rel.split(path.sep);
  const kernel = parts[parts.length - 1]!.replace(CONTAINER_EXT, '') || parts[parts.length - 1]!;
  const version = kernelVersion(kernel);
  if (parts.length === 4) {
    const [distro, release, arch] = parts as [string, string, string];
    return { name: `${distro}/${release}/${arch}/${kernel}`, path: file, kind: 'kernel', origin: 'tree', distro, release, arch: normaliseArch(arch), kernel, version };
  }
  const name = [...parts.slice(0, -1), kernel].join('/');
  return { name, path: file, kind: 'kernel', origin: 'tree', kernel, version, arch: archFromName(kernel) ?? (parts.length > 1 ? archDir(parts) : undefined) };
}

/** An architecture named by one of the folders a file sits in (`x86_64/5.4.0.btf`). */
function archDir(parts: string[]): string | undefined {
  for (const p of parts.slice(0, -1).reverse()) {
    const a = parseArch(p);
    if (a) return a;
  }
  return undefined;
}
