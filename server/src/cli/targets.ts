// `corelens targets fetch|list`: BTFHub fleets on demand (fetch only the selected kernels into the cache, verified,
// resumable) and every configured target with its arch, kernel version, origin and whether it is at hand.

import * as path from 'path';
import { promises as fs } from 'fs';
import { defaultCacheDir } from '../check/cache';
import { toJson, renderTable } from '../util/format';
import {
  BtfhubError, BtfhubSelect, BtfhubSource, DEFAULT_BTFHUB_SOURCE, FetchProgress, FetchResult, FleetConfig, Listing, SourceKind,
  cachedFile, fetchFiles, listSource, missingMessage, parseFleetSpec, parseSource, resolveFleet, selectFiles, verifyFile,
} from '../targets/btfhub';
import { CONFIG_FILE, readConfigFile } from '../targets/config';
import { TargetInfo, targetInfo, versionText } from '../targets/info';
import { TargetSpec, defaultTargetSpecs } from '../targets/registry';
import { intersectRanges, parseVersionRange } from '../targets/tree';
import { ArgCursor, Io, UsageError } from './common';

export const TARGETS_USAGE = `usage: corelens targets fetch [DISTRO[/RELEASE[/ARCH]]]... [selection] [options]
       corelens targets list [selection] [options]
       corelens targets seed ARCHIVE...

fetch: download the selected BTFHub kernels into the cache (same layout as the archive), verified against the
       source's sizes and hashes; files already cached are verified and kept; an interrupted run resumes.
       Without a selection: the "btfhub" fleet of corelens.json.
seed:  write ARCHIVE.slice beside each archive: the slice a first start needs, used only with that very archive
       (packaging runs it on the bundled kernels).
list:  every configured target (corelens.json targets and fleets, else the default targets) with its arch, kernel
       version, origin and whether it is at hand; with a selection: the source's kernels and which are cached.

selection:
  --distro D[,E]      ubuntu, centos, debian, fedora, amzn, rhel, ol, sles...
  --release R[,S]     20.04, 8, 11...
  --arch A[,B]        x86_64 (amd64), arm64 (aarch64)
  --kernel RANGE      kernel versions, e.g. '>=5.4 <6.0', '5.15', '4.18 || >=5.14'
options:
  --source URL        a git repository (default ${DEFAULT_BTFHUB_SOURCE}; a path or file:// URL for a mirror)
                      or an http(s) tree with a SHA256SUMS file at its root
  --source-kind git|http   when the URL does not say
  --config FILE       a corelens.json (default: ./corelens.json)
  --cache DIR         cache root (default \$XDG_CACHE_HOME/corelens; kernels go to DIR/btfhub/)
  --offline           list: use the listing kept by the last fetch, never contact the source
  --json              machine-readable output`;


interface Args {
  sub: 'fetch' | 'list';
  specs: string[];
  sel: { distro?: string[]; release?: string[]; arch?: string[]; kernel?: BtfhubSelect['kernel'] };
  source?: string;
  sourceKind?: SourceKind;
  config?: string;
  cache?: string;
  offline: boolean;
  json: boolean;
}

function parse(argv: string[]): Args {
  const [sub, ...rest] = argv;
  if (sub !== 'fetch' && sub !== 'list') throw new UsageError(`unknown targets subcommand "${sub ?? ''}": expected fetch or list`);
  const a: Args = { sub, specs: [], sel: {}, offline: false, json: false };
  const c = new ArgCursor(rest);
  const value = () => c.value();
  const list = () => c.list();
  while (c.next()) {
    const arg = c.arg;
    switch (arg) {
      case '--distro': a.sel.distro = [...(a.sel.distro ?? []), ...list()]; break;
      case '--release': a.sel.release = [...(a.sel.release ?? []), ...list()]; break;
      case '--arch': a.sel.arch = [...(a.sel.arch ?? []), ...list()]; break;
      case '--kernel': {
        const r = parseVersionRange(value());
        if (typeof r === 'string') throw new UsageError(r);
        a.sel.kernel = r;
        break;
      }
      case '--source': a.source = value(); break;
      case '--source-kind': {
        const k = value();
        if (k !== 'git' && k !== 'http') throw new UsageError('--source-kind must be git or http');
        a.sourceKind = k;
        break;
      }
      case '--config': a.config = value(); break;
      case '--cache': a.cache = value(); break;
      case '--offline': a.offline = true; break;
      case '--json': a.json = true; break;
      default:
        if (arg.startsWith('-')) throw new UsageError(`unknown option ${c.raw}`);
        a.specs.push(arg);
    }
  }
  return a;
}

/**
 * The selections the arguments make: each DISTRO/RELEASE/ARCH spec with the flags applied, or the flags alone. With
 * no distro, release or arch at all, the config's fleet is what is meant: its selections, narrowed by --kernel.
 */
function selections(a: Args, fleet?: FleetConfig): BtfhubSelect[] {
  const flags = a.sel;
  if (a.specs.length === 0 && !flags.distro && !flags.release && !flags.arch && fleet) {
    return fleet.select.map((s) => (flags.kernel ? { ...s, kernel: s.kernel ? intersectRanges(s.kernel, flags.kernel) : flags.kernel } : s));
  }
  const any = flags.distro || flags.release || flags.arch || flags.kernel;
  const out: BtfhubSelect[] = [];
  for (const s of a.specs) {
    const r = parseFleetSpec(s, flags.kernel);
    if (typeof r === 'string') throw new UsageError(r);
    out.push({ ...r, ...(flags.release && !r.release ? { release: flags.release } : {}), ...(flags.arch && !r.arch ? { arch: flags.arch } : {}) });
  }
  if (out.length === 0 && any) out.push({ ...flags });
  return out;
}

async function configAt(file: string | undefined): Promise<{ file: string; targets: TargetSpec[]; fleet?: FleetConfig; problems: string[] } | undefined> {
  const abs = path.resolve(file ?? CONFIG_FILE);
  try {
    await fs.stat(abs);
  } catch {
    if (file) throw new BtfhubError(`${abs}: file not found`);
    return undefined;
  }
  const c = readConfigFile(path.dirname(abs));
  if (!c) throw new BtfhubError(`${abs}: cannot read`);
  return { file: abs, targets: c.targets, ...(c.btfhub ? { fleet: c.btfhub } : {}), problems: c.problems.map((p) => `${p.file ?? abs}: ${p.message}`) };
}

const mb = (n: number) => `${(n / 1e6).toFixed(1)} MB`;

/** A progress bar on a terminal, a line per finished file elsewhere. */
function reporter(io: Io): { progress: (p: FetchProgress) => void; done: () => void } {
  let lastDone = -1;
  return {
    progress: (p) => {
      if (io.status) {
        const width = 24;
        const fill = p.total ? Math.round((width * p.done) / p.total) : width;
        io.status(`fetching [${'#'.repeat(fill)}${'-'.repeat(width - fill)}] ${p.done}/${p.total} kernels, ${mb(p.bytes)}${p.current ? `  ${p.current}` : ''}`);
      } else if (p.current && p.done !== lastDone) {
        io.err(`fetched ${p.done}/${p.total}: ${p.current}`);
      }
      lastDone = p.done;
    },
    done: () => io.status?.(undefined),
  };
}

/**
 * Lists the source, fetches what the selections keep, and says what happened. Shared with `check --btfhub`.
 * Returns undefined (after printing why) when the source cannot be listed at all.
 */
export async function fetchFleet(source: BtfhubSource, sels: readonly BtfhubSelect[], cacheRoot: string, io: Io):
  Promise<{ listing: Listing; selected: number; result: FetchResult } | undefined> {
  let listing: Listing;
  try {
    listing = await listSource(source, { cacheRoot, log: (l) => io.err(`corelens: ${l}`) });
  } catch (e) {
    io.err(`corelens: ${(e as Error).message}`);
    return undefined;
  }
  if (listing.offline) io.err(`corelens: ${listing.offline}`);
  const chosen = new Map<string, (typeof listing.files)[number]>();
  for (const s of sels) for (const f of selectFiles(listing.files, s)) chosen.set(f.path, f);
  const files = [...chosen.values()].sort((a, b) => (a.path < b.path ? -1 : 1));
  const rep = reporter(io);
  const result = await fetchFiles(listing, files, { cacheRoot, onProgress: rep.progress, log: (l) => io.err(`corelens: ${l}`) });
  rep.done();
  return { listing, selected: files.length, result };
}

/** Runs `corelens targets ...`; resolves to the exit code (0 ok, 1 a file could not be fetched, 2 usage/input). */
export async function targetsCommand(argv: string[], io: Io): Promise<number> {
  if (argv[0] === 'seed') return (await import('./seed.js')).seedCommand(argv.slice(1), io);
  if (argv.includes('--help') || argv.includes('-h') || argv.length === 0) {
    io.out(TARGETS_USAGE);
    return argv.length === 0 ? 2 : 0;
  }
  let a: Args;
  try {
    a = parse(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    io.err(`corelens targets: ${e.message}\n\n${TARGETS_USAGE}`);
    return 2;
  }
  const cacheRoot = path.resolve(a.cache ?? defaultCacheDir());
  try {
    const config = await configAt(a.config);
    for (const p of config?.problems ?? []) io.err(`corelens targets: ${p}`);
    let sels: BtfhubSelect[];
    try {
      // fetch: no distro/release/arch means the config's fleet; list: it means every configured target.
      sels = selections(a, a.sub === 'fetch' && !a.source ? config?.fleet : undefined);
    } catch (e) {
      if (!(e instanceof UsageError)) throw e;
      io.err(`corelens targets: ${e.message}`);
      return 2;
    }
    const source = a.source ? parseSource(a.source, a.sourceKind) : config?.fleet?.source ?? parseSource(DEFAULT_BTFHUB_SOURCE);
    if (a.sub === 'fetch') {
      if (sels.length === 0) sels = [...(config?.fleet?.select ?? [])];
      if (sels.length === 0) {
        io.err(`corelens targets fetch: nothing selected: pass DISTRO[/RELEASE[/ARCH]] or --distro/--release/--arch/--kernel, or add a "btfhub" fleet to ${CONFIG_FILE}`);
        return 2;
      }
      const r = await fetchFleet(source, sels, cacheRoot, io);
      if (!r) return 1;
      return printFetch(r, cacheRoot, a.json, io);
    }
    return await list(a, sels, source, config, cacheRoot, io);
  } catch (e) {
    if (e instanceof BtfhubError) {
      io.err(`corelens targets: ${e.message}`);
      return 2;
    }
    throw e;
  }
}

function printFetch(r: { listing: Listing; selected: number; result: FetchResult }, cacheRoot: string, json: boolean, io: Io): number {
  const { result } = r;
  const have = [...result.present, ...result.fetched].sort((a, b) => (a.path < b.path ? -1 : 1));
  if (json) {
    io.out(toJson({
      source: r.listing.source, listedAt: r.listing.listedAt, ...(r.listing.offline ? { offline: r.listing.offline } : {}),
      cache: path.join(cacheRoot, 'btfhub'), selected: r.selected, fetched: result.fetched.map((f) => f.path), present: result.present.map((f) => f.path),
      repaired: result.repaired.map((f) => f.path), failed: result.failed.map((x) => ({ path: x.file.path, problem: x.problem })), bytes: result.bytes,
    }, 2));
    return result.failed.length ? 1 : 0;
  }
  io.out(`${r.listing.source.url}: ${r.listing.files.length} kernels listed, ${r.selected} selected: ${result.fetched.length} fetched (${mb(result.bytes)}), `
    + `${result.present.length} already cached${result.repaired.length ? `, ${result.repaired.length} corrupt in the cache and fetched again` : ''}`
    + `${result.failed.length ? `, ${result.failed.length} failed` : ''}`);
  // What the cache now has for the selection, one line per distro/release/arch.
  const groups = new Map<string, typeof have>();
  for (const f of have) {
    const k = `${f.distro}/${f.release}/${f.arch}`;
    groups.set(k, [...(groups.get(k) ?? []), f]);
  }
  if (groups.size) {
    io.out(renderTable(['distro/release/arch', 'kernels', 'from', 'to'], [...groups].map(([k, fs]) => [k, String(fs.length), fs[0]!.kernel, fs[fs.length - 1]!.kernel])));
    io.out(`in ${path.join(cacheRoot, 'btfhub')}`);
  }
  for (const x of result.failed) io.err(`corelens targets fetch: ${x.file.path}: ${x.problem}`);
  return result.failed.length ? 1 : 0;
}

interface Row { info: TargetInfo; state: string }

async function list(a: Args, sels: BtfhubSelect[], source: BtfhubSource, config: Awaited<ReturnType<typeof configAt>>, cacheRoot: string, io: Io): Promise<number> {
  const rows: Row[] = [];
  const notes: string[] = [];
  if (sels.length) {
    // The source's kernels (from the kept listing when offline or unreachable) and which are cached.
    let listing: Listing;
    try {
      listing = await listSource(source, { cacheRoot, offline: a.offline, log: (l) => io.err(`corelens: ${l}`) });
    } catch (e) {
      io.err(`corelens targets list: ${(e as Error).message}`);
      return 2;
    }
    if (listing.offline) notes.push(listing.offline);
    const seen = new Set<string>();
    for (const s of sels) {
      for (const f of selectFiles(listing.files, s)) {
        if (seen.has(f.path)) continue;
        seen.add(f.path);
        const v = await verifyFile(cachedFile(cacheRoot, f), { ...f, hash: { ...f.hash } }).catch(() => 'unreadable');
        rows.push({ info: targetInfo({ name: `${f.distro}/${f.release}/${f.arch}/${f.kernel}`, path: cachedFile(cacheRoot, f), origin: 'btfhub', distro: f.distro, release: f.release, arch: f.arch, kernel: f.kernel, ...(f.version ? { version: f.version } : {}) }),
          state: v === true ? 'cached' : v === 'missing' ? 'not cached' : `corrupt (${v})` });
      }
    }
  } else {
    const specs: TargetSpec[] = [...(config?.targets ?? [])];
    if (config?.fleet) {
      const fleet = await resolveFleet(config.fleet, cacheRoot);
      specs.push(...fleet.targets);
      notes.push(...fleet.notes, ...fleet.missing.map(missingMessage));
    }
    if (!config) notes.push(`no ${CONFIG_FILE} here: the default targets`);
    for (const s of config ? specs : defaultTargetSpecs()) {
      let state = 'present';
      try {
        const st = await fs.stat(s.path);
        if (!st.isFile()) state = 'not a file';
      } catch {
        state = 'missing';
      }
      if (s.origin === 'btfhub' && state === 'present') state = 'cached';
      rows.push({ info: targetInfo(s), state });
    }
  }
  if (a.json) {
    io.out(toJson({ targets: rows.map((r) => ({ ...r.info, state: r.state })), notes }, 2));
    return 0;
  }
  io.out(renderTable(['target', 'arch', 'kernel', 'origin', 'state'], rows.map((r) => [
    r.info.name, r.info.arch ?? '?', versionText(r.info.version) || r.info.kernel || '?',
    r.info.origin + (r.info.distro ? ` ${r.info.distro}${r.info.release ? ` ${r.info.release}` : ''}` : ''), r.state,
  ])));
  io.out(`${rows.length} target${rows.length === 1 ? '' : 's'}${rows.some((r) => r.state === 'not cached') ? `, ${rows.filter((r) => r.state === 'not cached').length} not cached` : ''}`);
  for (const n of notes) io.out(`note: ${n}`);
  return 0;
}
