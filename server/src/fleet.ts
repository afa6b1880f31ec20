// The language server's targets at fleet scale: per target, a *slice* of its BTF covering the root types the open
// documents relocate (the design `corelens check` proved: check/slice.ts says why a slice relocates exactly like the
// whole BTF), never the whole BTF. Memory therefore grows with the slices (tens of kilobytes per target), not with
// the kernels (10 MB each); 500 BTFHub targets fit where 50 full ones did not.
//
// - Slices come from the same disk cache as `corelens check` (keyed by path, size and mtime): a warm start parses a
//   few kilobytes per target and reads no archive. A fresh install has no cache yet: the packaged extension ships a
//   seed slice beside each bundled archive (check/cache.ts, readSeed), so its first start reads none either.
// - A first read covers the roots already cached for the file, the roots the open documents use and COMMON_ROOTS
//   (what most tracing programs relocate), so the first document rarely needs a second read.
// - When an edit (or a hover on a type) needs a root no slice covers, every target is read again once, its slice
//   widened and cached: slices only grow.
// - At most one archive per core is decompressed and sliced at a time (system xz, or the WebAssembly decoder).
// - Split targets (a module over vmlinux, an app over a kernel) are kept whole: a slice needs a base BTF.
//
// Type ids in results are mapped back from slice ids to the target's own numbering (TYPE_ID_TARGET values,
// ambiguity messages), so what the editor shows does not depend on the slice.

import * as crypto from 'crypto';
import * as os from 'os';
import * as path from 'path';
import { openBtfFile } from './btf/open';
import { Btf, essentialName } from './btf/reader';
import { SliceCache, cacheableFailure, readSeed, stampOf } from './check/cache';
import { remapAmbiguity } from './check/engine';
import { rootNames, sliceBtf } from './check/slice';
import { ReloKind } from './core/kinds';
import { RelocationResult } from './core/relocate';
import { EvaluationMemo, LiveGuard, LiveSite, SiteEvaluation, SiteOnTarget, TargetRef, evaluateSites } from './features/evaluate';
import { Arch, archFromBtf, parseArch } from './targets/arch';
import { TargetInfo, targetInfo } from './targets/info';
import { TargetError, TargetSpec, loadTarget } from './targets/registry';
import { BtfError } from './btf/errors';

/**
 * Root types most tracing programs relocate: covered by every first read, so opening a typical program after start-up
 * needs no second read of any archive. About 90 KB per kernel.
 */
export const COMMON_ROOTS = [
  'task_struct', 'pt_regs', 'user_pt_regs', 'mm_struct', 'file', 'inode', 'dentry', 'path', 'qstr', 'sock', 'sock_common',
  'sk_buff', 'net_device', 'cred', 'signal_struct', 'super_block', 'vfsmount', 'mount', 'bio', 'request', 'request_queue',
  'gendisk', 'block_device', 'cgroup', 'css_set', 'kernfs_node', 'nsproxy', 'pid_namespace', 'files_struct', 'fdtable',
  'linux_binprm', 'inet_sock', 'tcp_sock', 'socket', 'msghdr', 'iov_iter', 'page', 'vm_area_struct', 'rq', 'sched_entity',
  'cfs_rq', 'bpf_map', 'bpf_prog', 'pid_type', 'task_group', 'ipv6_pinfo', 'in6_addr',
];

export type TargetState = 'loading' | 'loaded' | 'failed';

/** What the editor reads from a ready target: its name, its BTF (a slice, or the whole BTF of a split target), its facts. */
export interface ReadyTarget extends TargetRef {
  readonly info: TargetInfo;
  /** Slice id → the target's own id (index + 1); absent when `btf` is the whole BTF. */
  readonly ids?: Uint32Array;
}

interface View {
  btf: Btf;
  /** Essential root names the slice covers; undefined: the whole BTF. */
  names?: Set<string>;
  ids?: Uint32Array;
}

interface Entry {
  spec: TargetSpec;
  info: TargetInfo;
  view?: View;
  error?: TargetError;
  /** The read in progress, if any: others wanting this target wait for it. */
  busy?: Promise<void>;
  /** Names the read in progress will cover. */
  busyNames?: Set<string>;
}

export interface FleetOptions {
  /** The slice cache (shared with `corelens check`); undefined: slices in memory only. */
  readonly cacheDir?: string;
  /** Archives read at once (default: the number of cores). */
  readonly concurrency?: number;
  /** Use the seed slice shipped beside an archive (check/cache.ts) when it was cut from that archive (default true). */
  readonly seeds?: boolean;
}

/** Progress of a load: `done` of `total` targets needed work, `name` just finished. */
export type LoadProgress = (done: number, total: number, name: string) => void;

const sameSpec = (a: TargetSpec, b: TargetSpec) => a.name === b.name && a.path === b.path && a.base === b.base && a.kind === b.kind
  && a.arch === b.arch;

/** A bounded number of permits, for archive reads. */
class Permits {
  private free: number;
  private readonly waiting: (() => void)[] = [];
  private active = 0;
  /** Most runs at once so far (what the cap is tested by). */
  peak = 0;
  constructor(n: number) {
    this.free = Math.max(1, n);
  }

  async run<T>(f: () => Promise<T>): Promise<T> {
    if (this.free > 0) this.free--;
    else await new Promise<void>((r) => this.waiting.push(r));
    this.peak = Math.max(this.peak, ++this.active);
    try {
      return await f();
    } finally {
      this.active--;
      const next = this.waiting.shift();
      if (next) next();
      else this.free++;
    }
  }
}

/** The configured targets of the language server, as slices; a failed target never blocks the others. */
export class FleetTargets {
  private entries: Entry[] = [];
  private readonly cache?: SliceCache;
  private readonly permits: Permits;
  /** Parsed slices by content hash (weakly: a slice no target uses any more is collected). */
  private readonly shared = new Map<string, WeakRef<Btf>>();
  private readonly sharedIds = new Map<string, WeakRef<Uint32Array>>();
  /** Every root name some document (or hover) asked for since start: what a (re)read covers. */
  private readonly wanted = new Set<string>(COMMON_ROOTS);
  /** Archives read since start (for tests and the benchmark). */
  archivesRead = 0;
  /** Targets served by a seed slice since start (for tests and the benchmark). */
  seedsUsed = 0;
  private readonly seeds: boolean;

  /** Most archives read at once so far: never more than the cap. */
  get peakReads(): number {
    return this.permits.peak;
  }

  constructor(opts: FleetOptions = {}) {
    this.cache = opts.cacheDir ? new SliceCache(opts.cacheDir) : undefined;
    this.permits = new Permits(opts.concurrency ?? (os.availableParallelism?.() ?? os.cpus().length));
    this.seeds = opts.seeds !== false;
  }

  /** Replaces the configured targets; those with an unchanged spec keep what they loaded (and a read in progress). */
  configure(specs: readonly TargetSpec[]): void {
    const old = this.entries;
    this.entries = specs.map((s) => old.find((e) => sameSpec(e.spec, s)) ?? { spec: s, info: targetInfo(s) });
  }

  get specs(): TargetSpec[] {
    return this.entries.map((e) => e.spec);
  }

  /** Each target's state, for `corelens/status`: a target being widened stays `loaded` (its slice still serves). */
  state(name: string): TargetState {
    const e = this.entries.find((x) => x.spec.name === name);
    return e?.error ? 'failed' : e?.view ? 'loaded' : 'loading';
  }

  /** The failure of one target, if it failed. */
  errorOf(name: string): TargetError | undefined {
    return this.entries.find((x) => x.spec.name === name)?.error;
  }

  /** What is known about every configured target (arch from the BTF once read): what grouping by kernel range needs. */
  infos(): TargetInfo[] {
    return this.entries.map((e) => e.info);
  }

  /** Whether every target covers these root names already (no archive to read). */
  covers(names: Iterable<string>): boolean {
    const want = [...names].map(essentialName);
    return this.entries.every((e) => e.error || (e.view && !e.busy && covered(e.view, want)));
  }

  /**
   * Makes every target cover `names` (essential root names; more are added: COMMON_ROOTS and everything asked for
   * before): from memory, the disk cache, or by reading the archive, at most `concurrency` at a time. `onProgress`
   * hears the targets that needed a read or a cache lookup. Never throws: failures are kept per target.
   */
  async load(names: Iterable<string> = [], onProgress?: LoadProgress): Promise<void> {
    for (const n of names) this.wanted.add(essentialName(n));
    const want = [...this.wanted];
    const todo = this.entries.filter((e) => !e.error && !(e.view && !e.busy && covered(e.view, want)));
    let done = 0;
    await Promise.all(todo.map(async (e) => {
      await this.cover(e, want);
      onProgress?.(++done, todo.length, e.spec.name);
    }));
  }

  /** Targets ready to relocate on, in configuration order. */
  ready(): ReadyTarget[] {
    return this.entries.flatMap((e) => (e.view && !e.error ? [{ name: e.spec.name, btf: e.view.btf, info: e.info, ...(e.view.ids ? { ids: e.view.ids } : {}) }] : []));
  }

  /** Targets that failed to load, with why. */
  failed(): TargetError[] {
    return this.entries.flatMap((e) => (e.error ? [e.error] : []));
  }

  /** Forgets what was loaded from `file` (a target or a base), so the next load reads it again. */
  invalidateFile(file: string): boolean {
    const abs = path.resolve(file);
    let hit = false;
    for (const e of this.entries) {
      if (path.resolve(e.spec.path) === abs || (e.spec.base && path.resolve(e.spec.base) === abs)) {
        e.view = undefined;
        e.error = undefined;
        e.info = targetInfo(e.spec);
        hit = true;
      }
    }
    return hit;
  }

  /** Every file the targets read, for watching. */
  files(): string[] {
    return this.entries.flatMap((e) => [e.spec.path, ...(e.spec.base ? [e.spec.base] : [])]);
  }

  private async cover(e: Entry, want: readonly string[]): Promise<void> {
    // A read in progress that covers what we want serves us too; one that does not is waited out, then widened.
    while (e.busy) {
      const covers = e.busyNames && want.every((n) => e.busyNames!.has(n));
      await e.busy;
      if (covers || e.error) return;
    }
    if (e.view && covered(e.view, want)) return;
    e.busyNames = new Set([...want, ...(e.view?.names ?? [])]);
    e.busy = this.read(e, e.busyNames).finally(() => {
      e.busy = undefined;
      e.busyNames = undefined;
    });
    await e.busy;
  }

  private async read(e: Entry, names: Set<string>): Promise<void> {
    const spec = e.spec;
    try {
      if (spec.base || spec.kind === 'app') {
        // Split BTF needs its base: kept whole (modules and apps are few).
        const r = await this.permits.run(() => loadTarget(spec));
        this.archivesRead++;
        if (!r.ok) return this.fail(e, r.error);
        e.view = { btf: r.value.btf };
        e.info = targetInfo(spec, r.value.arch);
        return;
      }
      let stamp;
      try {
        stamp = await stampOf(spec.path);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        return this.fail(e, new TargetError(spec.name, new BtfError(code === 'ENOENT' ? 'file not found' : `cannot read: ${(err as Error).message}`, spec.path)));
      }
      const got = this.cache ? await this.cache.get(stamp) : undefined;
      // A file that failed before (same path, size and mtime) fails the same way without being read again.
      if (got && 'error' in got) return this.fail(e, new TargetError(spec.name, new BtfError(got.error, spec.path)));
      let entry = got;
      if (entry && [...names].every((n) => entry!.names.includes(n))) {
        try {
          e.view = { ...this.intern(entry.bytes, entry.ids, spec.path), names: new Set(entry.names) };
          e.info = targetInfo(spec, parseArch(entry.arch));
          return;
        } catch {
          entry = undefined; // an entry that passes its checksum but does not parse is replaced below
        }
      }
      // A fresh install: the slice shipped beside a bundled archive (cut from these very bytes) saves the archive read.
      if (!entry && this.seeds) {
        const seed = await readSeed(spec.path);
        if (seed && [...names].every((n) => seed.names.includes(n))) {
          e.view = { ...this.intern(seed.bytes, seed.ids, spec.path), names: new Set(seed.names) };
          e.info = targetInfo(spec, parseArch(seed.arch));
          this.seedsUsed++;
          if (this.cache) await this.cache.put({ stamp, names: seed.names, ids: seed.ids, bytes: seed.bytes, ...(seed.arch ? { arch: seed.arch } : {}) });
          return;
        }
      }
      await this.permits.run(async () => {
        const r = await openBtfFile(spec.path);
        this.archivesRead++;
        if (!r.ok) {
          // Kept without the file name (the error adds it back): the same message as `check` caches.
          const what = r.error.offset === undefined ? r.error.problem : `${r.error.problem} (at byte ${r.error.offset})`;
          if (this.cache && cacheableFailure(r.error)) await this.cache.putFailure(stamp, what);
          return this.fail(e, new TargetError(spec.name, r.error));
        }
        const covering = [...new Set([...(entry?.names ?? []), ...names])].sort();
        let slice: ReturnType<typeof sliceBtf>;
        let arch: Arch | undefined;
        try {
          slice = sliceBtf(r.value.btf, covering);
          arch = archFromBtf(r.value.btf)?.arch;
        } finally {
          // Only the slice stays (a fresh encoding in its own buffer) and the arch (a string): the whole archive's
          // memory goes to the next archive's xz output and record tables (btf/recycle.ts), as in check's cold path.
          r.value.btf.release();
        }
        e.view = { ...this.intern(slice.bytes, slice.ids, spec.path), names: new Set(covering) };
        e.info = targetInfo(spec, arch);
        if (this.cache) await this.cache.put({ stamp, names: covering, ...slice, ...(arch ? { arch } : {}) });
      });
    } catch (err) {
      this.fail(e, new TargetError(spec.name, err instanceof BtfError ? err : new BtfError((err as Error).message, spec.path)));
    }
  }

  /**
   * One parsed BTF per distinct slice: kernels of one series often have byte-identical slices for the types a program
   * uses (same layout, same type numbering), and then they share the parse and every relocation (see `distinct`).
   */
  private intern(bytes: Uint8Array, ids: Uint32Array, file: string): { btf: Btf; ids: Uint32Array } {
    const key = crypto.createHash('sha1').update(bytes).digest('hex');
    let btf = this.shared.get(key)?.deref();
    if (!btf) {
      btf = Btf.parse(bytes, file);
      this.shared.set(key, new WeakRef(btf));
    }
    // The id map too: targets with the same slice *and* the same numbering (one kernel under several names) then
    // share every result object, not only the relocation work.
    const idKey = `${key}:${crypto.createHash('sha1').update(new Uint8Array(ids.buffer, ids.byteOffset, ids.byteLength)).digest('hex')}`;
    let shared = this.sharedIds.get(idKey)?.deref();
    if (!shared) {
      shared = ids;
      this.sharedIds.set(idKey, new WeakRef(ids));
    }
    return { btf, ids: shared };
  }

  private fail(e: Entry, error: TargetError): void {
    e.error = error;
    e.view = undefined;
  }
}

function covered(v: View, want: readonly string[]): boolean {
  return !v.names || want.every((n) => v.names!.has(n));
}

/** The essential root names a document's relocations (sites, their guards, plain accesses) are searched by. */
export function documentRoots(local: Btf, sites: readonly { typeId: number; kind: number; guards?: readonly LiveGuard[] }[],
  plain: readonly { typeId: number }[] = []): string[] {
  // walked, not flattened, and each type id once: an 8,000-line program's sites and guards made arrays of ~100,000
  // objects on every edit, for a few hundred distinct root types
  const ids = new Set<number>();
  const guard = (g: LiveGuard): void => {
    if ('any' in g) { for (const alt of g.any) for (const h of alt) guard(h); } else if (g.kind !== ReloKind.TypeIdLocal) ids.add(g.typeId);
  };
  for (const s of sites) {
    if (s.kind !== ReloKind.TypeIdLocal) ids.add(s.typeId);
    if (s.guards) for (const g of s.guards) guard(g);
  }
  for (const p of plain) ids.add(p.typeId);
  return rootNames(local, [...ids].map((typeId) => ({ typeId, kind: ReloKind.FieldByteOffset })));
}

/**
 * Relocates sites on targets, once per distinct BTF (targets sharing an interned slice share the work), then gives
 * every target its own copy of the results with its own ids mapped back. Same results as evaluating each target.
 * With a memo (the language server's, per document), unchanged sites are not relocated again.
 */
export function evaluateDistinct(local: Btf, sites: readonly LiveSite[], targets: readonly ReadyTarget[], memo?: EvaluationMemo): SiteEvaluation[] {
  const reps = new Map<Btf, ReadyTarget>();
  for (const t of targets) if (!reps.has(t.btf)) reps.set(t.btf, t);
  const evals = evaluateSites(local, sites, [...reps.values()], memo);
  const key = targetsKey(targets);
  return evals.map((ev) => {
    // The memo hands back the same map for an unchanged site: its per-target copy is reused too, so an edit costs
    // nothing per target for the sites it did not change (and the findings' per-map summaries stay cached).
    const have = expanded.get(ev.targets);
    if (have && have.key === key) return { site: ev.site, targets: have.per };
    const per = new Map<string, SiteOnTarget>();
    // One mapped copy per (result, id map): targets sharing both share the object.
    const mapped = new Map<object, SiteOnTarget>();
    for (const t of targets) {
      const st = ev.targets.get(reps.get(t.btf)!.name)!;
      // An id map belongs to one slice (interned with it); a whole BTF has none and is its own key.
      const key: object = t.ids ?? t.btf;
      let out = mapped.get(key);
      if (!out) {
        const r = t.ids ? unsliceResult(st.result, t.ids) : st.result;
        out = r === st.result ? st : { ...st, result: r };
        mapped.set(key, out);
      }
      per.set(t.name, out);
    }
    expanded.set(ev.targets, { key, per });
    return { site: ev.site, targets: per };
  });
}

/** Per representative result map: its expansion to every target, and the target list it was made for. */
const expanded = new WeakMap<Map<string, SiteOnTarget>, { key: string; per: Map<string, SiteOnTarget> }>();
const identities = new WeakMap<object, number>();
let nextIdentity = 1;

/** A string naming the target list exactly: names, and which BTF object and id map each has (by identity). */
function targetsKey(targets: readonly ReadyTarget[]): string {
  const id = (o: object) => {
    let n = identities.get(o);
    if (n === undefined) identities.set(o, (n = nextIdentity++));
    return n;
  };
  return targets.map((t) => `${t.name}\u0001${id(t.btf)}\u0001${t.ids ? id(t.ids) : 0}`).join('\u0000');
}

/** One result with slice ids mapped back (the same object when nothing names an id). */
export function unsliceResult(r: RelocationResult, ids: Uint32Array): RelocationResult {
  const orig = (id: number) => (id > 0 && id <= ids.length ? ids[id - 1]! : id);
  const value = r.kind === ReloKind.TypeIdTarget && r.status === 'ok' && r.value !== undefined && r.value > 0n
    ? BigInt(orig(Number(r.value))) : r.value;
  const problem = r.failure === 'ambiguous' ? remapAmbiguity(r.problem, ids) : r.problem;
  const reason = r.failure === 'ambiguous' ? remapAmbiguity(r.reason, ids) : r.reason;
  const targetTypeId = orig(r.targetTypeId);
  if (value === r.value && problem === r.problem && reason === r.reason && targetTypeId === r.targetTypeId) return r;
  return { ...r, targetTypeId, ...(value !== undefined ? { value } : {}), ...(problem !== undefined ? { problem } : {}), ...(reason !== undefined ? { reason } : {}) };
}
