// BTFHub fleets on demand: list a BTFHub archive (`<distro>/<release>/<arch>/<kernel>.btf.tar.xz`), select kernels,
// fetch only those into the cache (`~/.cache/corelens/btfhub/`, the same layout), verified and resumable, and turn
// what is cached into targets — offline too.
//
// Sources. BTFHub's archive (github.com/aquasecurity/btfhub-archive) is a git repository of many gigabytes, so the
// default source is git, read with the system `git`:
//   - a *partial* clone (`--filter=blob:none --depth=1`, bare): commits and trees only, so the listing (every path
//     and its blob id) costs a few megabytes whatever the archive's size;
//   - the selected files' blobs are then fetched by id, in batches, exactly as git's own lazy fetch of a partial
//     clone does (`git fetch --filter=blob:none --stdin` with the ids): only the selected files travel. That is the
//     "sparse" part, done on blob ids rather than with a sparse checkout, which would also need a work tree;
//   - every file is verified against its blob id (SHA-1 of "blob <size>\0" + content, SHA-256 in sha256 repos) and
//     its size, both from the source's own object database;
//   - it works for https://, ssh:// and file:// mirrors alike (for a local mirror, our git asks its upload-pack to
//     allow filters and fetches by id, which a plain `git clone --mirror` does not enable by itself).
// A plain HTTP(S) tree is supported too (a web server over a checkout): it lists its files with their SHA-256 in a
// `SHA256SUMS` file at its root (what `sha256sum` writes), sizes come from the server (Content-Length, Content-Range),
// and an interrupted download resumes with a Range request. Git is the default because the real archive is a git
// repository that publishes no checksum file, while git gives the listing, the sizes and the hashes for free.
//
// Cache. A file is written to a temporary name and renamed to its place only once verified, so every file in the
// cache is complete; `fetch` re-verifies files already there (a corrupted one is fetched again). The last listing
// of each source is kept, so `targets list`, `check --btfhub` and the editor work offline from the cache, and name
// the command that fetches whatever is missing.

import { spawn } from 'child_process';
import * as crypto from 'crypto';
import { createReadStream, createWriteStream, promises as fs } from 'fs';
// http and https are loaded on the first download, not with the language server: ~5-7 ms of CPU at every start
// (issue 15), for a feature most sessions never use
import type * as http from 'http';
import * as path from 'path';
import { parseArch } from './arch';
import { TargetSpec } from './registry';
import { VersionRange, inRange, kernelVersion, normaliseArch, parseVersionRange } from './tree';

/** BTFHub's archive: the default source. */
export const DEFAULT_BTFHUB_SOURCE = 'https://github.com/aquasecurity/btfhub-archive.git';

export type SourceKind = 'git' | 'http';

export interface BtfhubSource {
  readonly url: string;
  readonly kind: SourceKind;
}

/** Which kernels of a source: every field optional (absent: all), lists allowed. */
export interface BtfhubSelect {
  readonly distro?: readonly string[];
  readonly release?: readonly string[];
  readonly arch?: readonly string[];
  readonly kernel?: VersionRange;
}

/** One kernel file of a source, with what verifies it. */
export interface BtfhubFile {
  /** `ubuntu/20.04/x86_64/5.4.0-100-generic.btf.tar.xz`, relative to the archive's root. */
  readonly path: string;
  readonly distro: string;
  readonly release: string;
  readonly arch: string;
  /** `5.4.0-100-generic` */
  readonly kernel: string;
  readonly version?: readonly number[];
  /** Known before download for some sources (git after fetch, HTTP from the server). */
  readonly size?: number;
  readonly hash: { readonly algo: 'git-sha1' | 'git-sha256' | 'sha256'; readonly hex: string };
}

export interface Listing {
  readonly source: BtfhubSource;
  readonly files: BtfhubFile[];
  /** When the listing was read from the source (ISO time). */
  readonly listedAt: string;
  /** Read from the cache because the source could not be reached (with why). */
  readonly offline?: string;
}

/** `~/.cache/corelens/btfhub` for a cache root (default: the one `check` uses). */
export function btfhubDir(cacheRoot: string): string {
  return path.join(cacheRoot, 'btfhub');
}

/** Where a selected file lives in the cache: the archive's own layout. */
export function cachedFile(cacheRoot: string, file: Pick<BtfhubFile, 'path'>): string {
  return path.join(btfhubDir(cacheRoot), ...file.path.split('/'));
}

/**
 * What kind of source a URL or path is: `.git` URLs, ssh/git/file URLs, local git directories and github.com or
 * gitlab.com URLs are git; other http(s) URLs are plain trees. `kind` overrides the guess.
 */
export function parseSource(url: string, kind?: SourceKind, relativeTo = process.cwd()): BtfhubSource {
  let u = url.trim();
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(u) && !/^[\w.-]+@[\w.-]+:/.test(u)) u = path.resolve(relativeTo, u); // a local path
  if (kind) return { url: u, kind };
  if (/^https?:\/\//i.test(u)) {
    const host = new URL(u).hostname;
    return { url: u, kind: /\.git\/?$/.test(u) || /(^|\.)(github\.com|gitlab\.com)$/i.test(host) ? 'git' : 'http' };
  }
  return { url: u, kind: 'git' };
}

/** Parses `ubuntu/20.04/x86_64` (any prefix of distro/release/arch) into a selection. */
export function parseFleetSpec(spec: string, kernel?: VersionRange): BtfhubSelect | string {
  const parts = spec.split('/').filter(Boolean);
  if (parts.length === 0 || parts.length > 3 || parts.some((p) => !SAFE_PART.test(p))) {
    return `bad BTFHub selection "${spec}": expected DISTRO[/RELEASE[/ARCH]], e.g. ubuntu/20.04/x86_64`;
  }
  const [distro, release, arch] = parts;
  return { distro: [distro!], ...(release ? { release: release.split(',') } : {}), ...(arch ? { arch: arch.split(',') } : {}), ...(kernel ? { kernel } : {}) };
}

/** Validates a corelens.json `btfhub.select` entry: `{distro, release, arch, kernel}`, strings or lists. */
export function parseSelectEntry(raw: unknown): BtfhubSelect | string {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return 'a selection must be an object {distro, release, arch, kernel}';
  const o = raw as Record<string, unknown>;
  const list = (k: string): string[] | undefined | string => {
    const v = o[k];
    if (v === undefined) return undefined;
    const arr = typeof v === 'string' ? v.split(',').map((x) => x.trim()).filter(Boolean) : v;
    if (!Array.isArray(arr) || !arr.every((x) => typeof x === 'string' && SAFE_PART.test(x))) return `"${k}" must be a name or a list of names`;
    return arr as string[];
  };
  const out: { distro?: string[]; release?: string[]; arch?: string[]; kernel?: VersionRange } = {};
  for (const k of ['distro', 'release', 'arch'] as const) {
    const v = list(k);
    if (typeof v === 'string') return v;
    if (v) out[k] = v;
  }
  for (const k of Object.keys(o)) if (!['distro', 'release', 'arch', 'kernel'].includes(k)) return `unknown key "${k}" (expected distro, release, arch, kernel)`;
  if (o.kernel !== undefined) {
    if (typeof o.kernel !== 'string') return '"kernel" must be a version range such as ">=5.4 <6.2"';
    const r = parseVersionRange(o.kernel);
    if (typeof r === 'string') return r;
    out.kernel = r;
  }
  return out;
}

/** The files a selection keeps. */
export function selectFiles(files: readonly BtfhubFile[], sel: BtfhubSelect): BtfhubFile[] {
  const distros = sel.distro?.map((d) => d.toLowerCase());
  const arches = sel.arch?.map(normaliseArch);
  return files.filter((f) => (!distros || distros.includes(f.distro.toLowerCase()))
    && (!sel.release || sel.release.includes(f.release))
    && (!arches || arches.includes(normaliseArch(f.arch)))
    && (!sel.kernel || inRange(f.version, sel.kernel)));
}

/** A selection as the `corelens targets fetch` arguments that fetch it (for "not cached: run ..." messages). */
export function fetchCommand(sel: BtfhubSelect, source?: BtfhubSource): string {
  const q = (s: string) => (/^[\w.,/:@+=-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);
  const args = ['corelens targets fetch'];
  if (source && source.url !== DEFAULT_BTFHUB_SOURCE) args.push(`--source ${q(source.url)}`);
  if (sel.distro) args.push(`--distro ${q(sel.distro.join(','))}`);
  if (sel.release) args.push(`--release ${q(sel.release.join(','))}`);
  if (sel.arch) args.push(`--arch ${q(sel.arch.join(','))}`);
  if (sel.kernel) args.push(`--kernel ${q(sel.kernel.text)}`);
  return args.join(' ');
}

/** A path component the cache accepts: no `..`, no separators, nothing a shell or a file system would trip on. */
const SAFE_PART = /^(?!\.{1,2}$)[A-Za-z0-9._+~-]{1,128}$/;

/** A listing path as a kernel file, or undefined (not `<distro>/<release>/<arch>/<kernel>.btf.tar.xz`, or unsafe). */
export function parseArchivePath(p: string, hash: BtfhubFile['hash'], size?: number): BtfhubFile | undefined {
  const parts = p.replace(/^\.\//, '').split('/');
  if (parts.length !== 4 || !parts.every((x) => SAFE_PART.test(x))) return undefined;
  const [distro, release, arch, name] = parts as [string, string, string, string];
  const m = /^(.+)\.btf\.tar\.xz$/.exec(name);
  if (!m) return undefined;
  const kernel = m[1]!;
  const version = kernelVersion(kernel);
  return { path: parts.join('/'), distro, release, arch: normaliseArch(arch), kernel, ...(version ? { version } : {}), ...(size !== undefined ? { size } : {}), hash };
}

/** The targets of cached files: named `distro/release/arch/kernel` like a BTFHub tree scan, with their facts. */
export function fileTarget(cacheRoot: string, f: BtfhubFile): TargetSpec {
  const arch = parseArch(f.arch);
  return {
    name: `${f.distro}/${f.release}/${f.arch}/${f.kernel}`, path: cachedFile(cacheRoot, f), kind: 'kernel', origin: 'btfhub',
    distro: f.distro, release: f.release, kernel: f.kernel, ...(f.version ? { version: f.version } : {}), ...(arch ? { arch } : { arch: f.arch }),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Listing

function sourceId(src: BtfhubSource): string {
  return crypto.createHash('sha256').update(`${src.kind} ${src.url}`).digest('hex').slice(0, 16);
}

function sourceDir(cacheRoot: string, src: BtfhubSource): string {
  return path.join(btfhubDir(cacheRoot), '.sources', sourceId(src));
}

/** The listing kept from the last successful listing of a source, if any. */
export async function cachedListing(cacheRoot: string, src: BtfhubSource): Promise<Listing | undefined> {
  try {
    const j = JSON.parse(await fs.readFile(path.join(sourceDir(cacheRoot, src), 'listing.json'), 'utf8')) as Listing;
    if (!Array.isArray(j.files)) return undefined;
    // Re-validated: the file is ours, but a cache is data, and paths become file names.
    const files = j.files.flatMap((f) => {
      const p = parseArchivePath(f.path, f.hash, f.size);
      return p ? [p] : [];
    });
    return { ...j, source: src, files };
  } catch {
    return undefined;
  }
}

async function saveListing(cacheRoot: string, l: Listing): Promise<void> {
  const dir = sourceDir(cacheRoot, l.source);
  await fs.mkdir(dir, { recursive: true });
  const tmp = path.join(dir, `listing.json.${process.pid}.${crypto.randomBytes(4).toString('hex')}.tmp`);
  await fs.writeFile(tmp, JSON.stringify({ source: l.source, listedAt: l.listedAt, files: l.files }));
  await fs.rename(tmp, path.join(dir, 'listing.json'));
}

export interface ListOptions {
  readonly cacheRoot: string;
  /** Use the kept listing only; never contact the source. */
  readonly offline?: boolean;
  readonly log?: (line: string) => void;
}

/** A problem with a source or a file: a message a user understands, naming the source or the file. */
export class BtfhubError extends Error {}

/**
 * Lists a source's kernel files. Contacts the source (git: a partial clone, then a shallow fetch of its HEAD; HTTP:
 * its SHA256SUMS), keeps the listing, and falls back to the kept one when the source cannot be reached.
 */
export async function listSource(src: BtfhubSource, o: ListOptions): Promise<Listing> {
  const kept = await cachedListing(o.cacheRoot, src);
  if (o.offline) {
    if (kept) return { ...kept, offline: 'offline: the listing kept from the last fetch' };
    throw new BtfhubError(`no listing of ${src.url} in the cache (${btfhubDir(o.cacheRoot)}): run \`corelens targets fetch\` once while online`);
  }
  try {
    const files = src.kind === 'git' ? await gitList(src, o) : await httpList(src);
    const l: Listing = { source: src, files, listedAt: new Date().toISOString() };
    await saveListing(o.cacheRoot, l).catch((e) => o.log?.(`cannot keep the listing of ${src.url}: ${(e as Error).message}`));
    return l;
  } catch (e) {
    if (kept) return { ...kept, offline: `${src.url} could not be reached (${(e as Error).message}); using the listing of ${kept.listedAt}` };
    throw e instanceof BtfhubError ? e : new BtfhubError(`${src.url}: ${(e as Error).message}`);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Fetching

export interface FetchProgress {
  /** Files done (fetched, or already in the cache and verified) of the total selected. */
  readonly done: number;
  readonly total: number;
  /** Bytes written so far in this run (downloads only). */
  readonly bytes: number;
  /** The file just finished or in progress. */
  readonly current?: string;
}

export interface FetchOptions {
  readonly cacheRoot: string;
  readonly onProgress?: (p: FetchProgress) => void;
  readonly log?: (line: string) => void;
  /** Files fetched at once from an HTTP tree (git fetches in batches instead). */
  readonly parallel?: number;
  /** Git: blobs per fetch request; an interrupted fetch loses at most one batch. */
  readonly batch?: number;
}

export interface FetchResult {
  /** Downloaded in this run, verified. */
  readonly fetched: BtfhubFile[];
  /** Already in the cache and verified. */
  readonly present: BtfhubFile[];
  /** Could not be fetched or did not verify: named, with why. */
  readonly failed: { file: BtfhubFile; problem: string }[];
  /** Files found corrupt in the cache (then fetched again). */
  readonly repaired: BtfhubFile[];
  readonly bytes: number;
}

/**
 * Fetches the given files of a listing into the cache: files already there are verified (and fetched again when
 * they do not verify); the others are downloaded to a temporary name, verified against the source's size and hash,
 * then renamed into place. Never throws for one file: failures are returned by name.
 */
export async function fetchFiles(listing: Listing, files: readonly BtfhubFile[], o: FetchOptions): Promise<FetchResult> {
  const present: BtfhubFile[] = [];
  const repaired: BtfhubFile[] = [];
  const todo: BtfhubFile[] = [];
  let done = 0;
  let bytes = 0;
  const total = files.length;
  const progress = (current?: string) => o.onProgress?.({ done, total, bytes, current });
  for (const f of files) {
    const dest = cachedFile(o.cacheRoot, f);
    const v = await verifyFile(dest, f);
    if (v === true) {
      present.push(f);
      done++;
      continue;
    }
    if (v !== 'missing') {
      repaired.push(f);
      o.log?.(`${f.path}: the cached copy ${v}: fetching it again`);
      await fs.rm(dest, { force: true });
    }
    todo.push(f);
  }
  progress();
  const fetched: BtfhubFile[] = [];
  const failed: { file: BtfhubFile; problem: string }[] = [];
  const onFile = (f: BtfhubFile, r: { ok: true; size: number } | { ok: false; problem: string }) => {
    done++;
    if (r.ok) fetched.push({ ...f, size: r.size });
    else failed.push({ file: f, problem: r.problem });
    progress(f.path);
  };
  const onBytes = (n: number) => {
    bytes += n;
    progress();
  };
  if (todo.length) {
    if (listing.source.kind === 'git') await gitFetch(listing.source, todo, o, onFile, onBytes);
    else await httpFetch(listing.source, todo, o, onFile, onBytes);
    // Tells running language servers (they watch this file) that the cache has new kernels.
    await fs.writeFile(path.join(btfhubDir(o.cacheRoot), FETCH_MARKER), `${new Date().toISOString()}\n`).catch(() => undefined);
  }
  return { fetched, present, failed, repaired, bytes };
}

/** Touched after every fetch that added files: what an editor watches to pick up new kernels without a restart. */
export const FETCH_MARKER = '.fetched';

/** Whether a cached file is the listed one: true, 'missing', or what is wrong with it. */
export async function verifyFile(file: string, f: BtfhubFile): Promise<true | 'missing' | string> {
  let st;
  try {
    st = await fs.stat(file);
  } catch {
    return 'missing';
  }
  if (!st.isFile()) return 'is not a regular file';
  if (f.size !== undefined && st.size !== f.size) return `has ${st.size} bytes, not ${f.size}`;
  const got = await hashFile(file, f.hash.algo, st.size);
  return got === f.hash.hex ? true : `does not match its ${hashName(f.hash.algo)} (${got.slice(0, 12)}… instead of ${f.hash.hex.slice(0, 12)}…)`;
}

function hashName(algo: BtfhubFile['hash']['algo']): string {
  return algo === 'sha256' ? 'SHA-256 in SHA256SUMS' : 'git blob id';
}

/** A file's hash: SHA-256 of its bytes, or its git blob id (the hash of "blob <size>\0" and the bytes). */
async function hashFile(file: string, algo: BtfhubFile['hash']['algo'], size: number): Promise<string> {
  const h = crypto.createHash(algo === 'git-sha1' ? 'sha1' : 'sha256');
  if (algo !== 'sha256') h.update(`blob ${size}\0`);
  await new Promise<void>((resolve, reject) => {
    createReadStream(file).on('data', (b) => h.update(b)).on('end', resolve).on('error', reject);
  });
  return h.digest('hex');
}

/** Moves a verified temporary file into its place in the cache (atomically: readers never see half a file). */
async function install(tmp: string, dest: string): Promise<void> {
  await fs.mkdir(path.dirname(dest), { recursive: true });
  await fs.rename(tmp, dest);
}

// ---------------------------------------------------------------------------------------------------------------
// git

/** Lets a local (file://, path) mirror serve a partial clone and blobs by id: its own config need not allow them. */
const UPLOAD_PACK = 'git -c uploadpack.allowFilter=true -c uploadpack.allowAnySHA1InWant=true upload-pack';

interface Run { code: number; stdout: Buffer; stderr: string }

/** Runs the system git (no shell); `input` goes to stdin; `onStderr` sees progress as it comes. */
function git(args: readonly string[], opts: { cwd?: string; input?: string; onStderr?: (s: string) => void } = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const p = spawn('git', args, {
      cwd: opts.cwd, stdio: ['pipe', 'pipe', 'pipe'],
      // Never prompt for credentials (a CI job or an editor would hang); keep messages in English for parsing.
      env: { ...process.env, GIT_TERMINAL_PROMPT: '0', GIT_ASKPASS: 'true', LC_ALL: 'C' },
    });
    const out: Buffer[] = [];
    let err = '';
    p.stdout.on('data', (b: Buffer) => out.push(b));
    p.stderr.on('data', (b: Buffer) => {
      const s = b.toString('utf8');
      err += s;
      if (err.length > 1 << 16) err = err.slice(-(1 << 15));
      opts.onStderr?.(s);
    });
    p.on('error', (e: NodeJS.ErrnoException) => reject(new BtfhubError(e.code === 'ENOENT'
      ? 'git is not installed: a git source needs the system git (apt-get install git), or use an HTTP tree source'
      : `git: ${e.message}`)));
    p.on('close', (code) => resolve({ code: code ?? 1, stdout: Buffer.concat(out), stderr: err }));
    p.stdin.on('error', () => undefined);
    p.stdin.end(opts.input ?? '');
  });
}

/** The last meaningful line git printed, for messages. */
function gitProblem(r: Run): string {
  const lines = r.stderr.split(/[\r\n]+/).map((l) => l.trim()).filter((l) => l && !/^warning: This repository uses promisor/.test(l) && !/^(remote: )?(Counting|Compressing|Receiving|Resolving|Enumerating|Total)/.test(l));
  const fatal = lines.filter((l) => /^(fatal|error):/.test(l));
  return (fatal.length ? fatal.slice(0, 2) : lines.slice(-2)).join(' / ') || `git exited with ${r.code}`;
}

function gitUrl(src: BtfhubSource): string {
  // A local path becomes a file:// URL: git ignores --filter and --depth for plain local paths.
  return src.url.startsWith('/') ? `file://${src.url}` : src.url;
}

/** The partial clone of a source (created on first use, its HEAD refreshed on every listing). */
async function gitRepo(src: BtfhubSource, o: ListOptions): Promise<string> {
  const repo = path.join(sourceDir(o.cacheRoot, src), 'repo.git');
  const url = gitUrl(src);
  let exists = false;
  try {
    exists = (await fs.stat(path.join(repo, 'HEAD'))).isFile();
  } catch {
    exists = false;
  }
  if (!exists) {
    const part = `${repo}.${process.pid}.part`;
    await fs.rm(part, { recursive: true, force: true });
    await fs.mkdir(path.dirname(repo), { recursive: true });
    o.log?.(`cloning the listing of ${src.url} (partial clone: no file contents)`);
    const r = await git(['clone', '--quiet', '--bare', '--filter=blob:none', '--depth=1', '--no-tags', '--single-branch', `--upload-pack=${UPLOAD_PACK}`, url, part]);
    if (r.code !== 0) {
      await fs.rm(part, { recursive: true, force: true });
      throw new BtfhubError(`${src.url}: git clone failed: ${gitProblem(r)}`);
    }
    await fs.rm(repo, { recursive: true, force: true });
    await fs.rename(part, repo);
    const head = await git(['rev-parse', 'HEAD'], { cwd: repo });
    await git(['update-ref', 'refs/corelens/head', head.stdout.toString().trim()], { cwd: repo });
    return repo;
  }
  const f = await git(['fetch', '--quiet', '--depth=1', '--filter=blob:none', '--no-tags', `--upload-pack=${UPLOAD_PACK}`, url, 'HEAD'], { cwd: repo });
  if (f.code !== 0) throw new BtfhubError(`git fetch failed: ${gitProblem(f)}`);
  const head = await git(['rev-parse', 'FETCH_HEAD'], { cwd: repo });
  await git(['update-ref', 'refs/corelens/head', head.stdout.toString().trim()], { cwd: repo });
  return repo;
}

async function gitList(src: BtfhubSource, o: ListOptions): Promise<BtfhubFile[]> {
  const repo = await gitRepo(src, o);
  const fmt = await git(['rev-parse', '--show-object-format'], { cwd: repo });
  const algo = fmt.stdout.toString().trim() === 'sha256' ? 'git-sha256' : 'git-sha1';
  // -z: paths exactly as stored; no -l: sizes would make git fetch every blob of the partial clone.
  const r = await git(['ls-tree', '-r', '-z', '--full-tree', 'refs/corelens/head'], { cwd: repo });
  if (r.code !== 0) throw new BtfhubError(`${src.url}: git ls-tree failed: ${gitProblem(r)}`);
  const files: BtfhubFile[] = [];
  for (const rec of r.stdout.toString('utf8').split('\0')) {
    const m = /^\d+ blob ([0-9a-f]{40,64})\t(.+)$/.exec(rec);
    if (!m) continue;
    const f = parseArchivePath(m[2]!, { algo, hex: m[1]! });
    if (f) files.push(f);
  }
  return files;
}

async function gitFetch(src: BtfhubSource, todo: readonly BtfhubFile[], o: FetchOptions,
  onFile: (f: BtfhubFile, r: { ok: true; size: number } | { ok: false; problem: string }) => void, onBytes: (n: number) => void): Promise<void> {
  let repo: string;
  try {
    repo = await gitRepo(src, { cacheRoot: o.cacheRoot, log: o.log });
  } catch (e) {
    for (const f of todo) onFile(f, { ok: false, problem: (e as Error).message });
    return;
  }
  const batch = Math.max(1, o.batch ?? 16);
  const local = await localObjects(repo);
  for (let i = 0; i < todo.length; i += batch) {
    const group = todo.slice(i, i + batch);
    const missing = group.filter((f) => !local.has(f.hash.hex));
    const packsBefore = await packs(repo);
    if (missing.length) {
      let last = 0;
      const r = await git(['-c', 'fetch.negotiationAlgorithm=noop', '-c', 'fetch.unpackLimit=1', 'fetch', '--progress', '--no-tags', '--no-write-fetch-head',
        '--recurse-submodules=no', '--filter=blob:none', `--upload-pack=${UPLOAD_PACK}`, '--stdin', gitUrl(src)], {
        cwd: repo, input: missing.map((f) => f.hash.hex).join('\n') + '\n',
        onStderr: (s) => {
          // "Receiving objects:  50% (1/2), 3.21 MiB | ..." → bytes so far, for the progress bar.
          const m = /Receiving objects:[^\r\n]*?([\d.]+) (KiB|MiB|GiB)/.exec(s.split('\r').filter(Boolean).pop() ?? '');
          if (!m) return;
          const n = Math.round(Number(m[1]) * { KiB: 1024, MiB: 1 << 20, GiB: 1 << 30 }[m[2] as 'KiB']);
          if (n > last) {
            onBytes(n - last);
            last = n;
          }
        },
      });
      if (r.code !== 0) {
        for (const f of group) onFile(f, { ok: false, problem: `git fetch from ${src.url} failed: ${gitProblem(r)}` });
        continue;
      }
      for (const f of missing) local.add(f.hash.hex);
    }
    await gitWriteBlobs(repo, group, o.cacheRoot, onFile);
    // The blobs now live in the cache as files: drop the packs that brought them, so the clone stays a listing (a
    // partial clone fetches a dropped blob again if ever asked; nothing else refers to it).
    for (const p of await packs(repo)) {
      if (packsBefore.has(p)) continue;
      for (const ext of ['.pack', '.idx', '.rev', '.promisor', '.keep']) await fs.rm(path.join(repo, 'objects', 'pack', p + ext), { force: true });
      for (const f of missing) local.delete(f.hash.hex);
    }
  }
}

/** The pack files of a repository, by base name (`pack-<id>`). */
async function packs(repo: string): Promise<Set<string>> {
  try {
    return new Set((await fs.readdir(path.join(repo, 'objects', 'pack'))).filter((n) => n.endsWith('.pack')).map((n) => n.slice(0, -5)));
  } catch {
    return new Set();
  }
}

/** Object ids already in the partial clone (fetched by an earlier, interrupted run), without fetching any. */
async function localObjects(repo: string): Promise<Set<string>> {
  const r = await git(['cat-file', '--batch-all-objects', '--batch-check=%(objectname) %(objecttype)'], { cwd: repo });
  const out = new Set<string>();
  for (const line of r.stdout.toString().split('\n')) {
    const [id, type] = line.split(' ');
    if (type === 'blob' && id) out.add(id);
  }
  return out;
}

/** Writes blobs from the clone into the cache (streamed through `git cat-file --batch`), each verified, then renamed. */
async function gitWriteBlobs(repo: string, files: readonly BtfhubFile[], cacheRoot: string,
  onFile: (f: BtfhubFile, r: { ok: true; size: number } | { ok: false; problem: string }) => void): Promise<void> {
  for (const f of files) {
    const dest = cachedFile(cacheRoot, f);
    const tmp = `${dest}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.tmp`;
    try {
      await fs.mkdir(path.dirname(dest), { recursive: true });
      const size = await new Promise<number>((resolve, reject) => {
        // A blob the batch fetch missed is fetched lazily by git here (one round trip): slower, still verified.
        const p = spawn('git', ['cat-file', 'blob', f.hash.hex], { cwd: repo, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' } });
        const w = createWriteStream(tmp);
        let n = 0;
        let err = '';
        // Both must be over, in whichever order they end: git's exit (its status) and the file's close (all written).
        const exited = new Promise<number | null>((r) => p.on('close', r));
        const written = new Promise<void>((r, j) => { w.on('close', r); w.on('error', j); });
        p.stdout.on('data', (b: Buffer) => { n += b.length; });
        p.stdout.pipe(w);
        p.stderr.on('data', (b: Buffer) => { err += b.toString(); });
        p.on('error', reject);
        Promise.all([exited, written]).then(([code]) => (code === 0 ? resolve(n) : reject(new Error(err.trim().split('\n').pop() || `git cat-file exited with ${code}`))), reject);
      });
      const check = await verifyFile(tmp, { ...f, size });
      if (check !== true) throw new Error(`${f.path}: the fetched file ${check}`);
      await install(tmp, dest);
      onFile(f, { ok: true, size });
    } catch (e) {
      await fs.rm(tmp, { force: true });
      onFile(f, { ok: false, problem: (e as Error).message });
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// HTTP(S) tree

/** GET with redirects (at most 5) and an idle timeout; resolves with the response, whatever its status. */
function get(url: string, headers: Record<string, string> = {}, redirects = 5): Promise<http.IncomingMessage> {
  return new Promise((resolve, reject) => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = (url.startsWith('https:') ? require('https') : require('http')) as typeof http;
    const req = mod.get(url, { headers: { 'user-agent': 'corelens', ...headers }, timeout: 30_000 }, (res) => {
      const loc = res.headers.location;
      if (res.statusCode && res.statusCode >= 300 && res.statusCode < 400 && loc && redirects > 0) {
        res.resume();
        resolve(get(new URL(loc, url).toString(), headers, redirects - 1));
        return;
      }
      resolve(res);
    });
    req.on('timeout', () => req.destroy(new Error('no answer for 30 s')));
    req.on('error', reject);
  });
}

function treeUrl(src: BtfhubSource, rel: string): string {
  return `${src.url.replace(/\/+$/, '')}/${rel.split('/').map(encodeURIComponent).join('/')}`;
}

async function readBody(res: http.IncomingMessage, limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let n = 0;
  for await (const c of res) {
    n += (c as Buffer).length;
    if (n > limit) throw new BtfhubError(`answer larger than ${limit} bytes`);
    chunks.push(c as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

async function httpList(src: BtfhubSource): Promise<BtfhubFile[]> {
  const url = treeUrl(src, 'SHA256SUMS');
  const res = await get(url);
  if (res.statusCode !== 200) {
    res.resume();
    throw new BtfhubError(`${url}: HTTP ${res.statusCode}; an HTTP tree lists its files in SHA256SUMS at its root (sha256sum output)`);
  }
  const text = await readBody(res, 256 << 20);
  const files: BtfhubFile[] = [];
  for (const line of text.split('\n')) {
    const m = /^([0-9a-fA-F]{64}) [ *](.+)$/.exec(line.trim());
    if (!m) continue;
    const f = parseArchivePath(m[2]!, { algo: 'sha256', hex: m[1]!.toLowerCase() });
    if (f) files.push(f);
  }
  return files;
}

/** Where an HTTP download accumulates until verified (outside the tree, so a tree scan never sees half a file). */
function partialFile(cacheRoot: string, f: BtfhubFile): string {
  return path.join(btfhubDir(cacheRoot), '.partial', ...f.path.split('/')) + '.part';
}

async function httpFetch(src: BtfhubSource, todo: readonly BtfhubFile[], o: FetchOptions,
  onFile: (f: BtfhubFile, r: { ok: true; size: number } | { ok: false; problem: string }) => void, onBytes: (n: number) => void): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < todo.length) {
      const f = todo[next++]!;
      let r = await httpDownload(src, f, o.cacheRoot, onBytes);
      // A resumed file that fails its hash may have changed on the server meanwhile: once more, from the start.
      if (!r.ok && r.resumed && r.corrupt) r = await httpDownload(src, f, o.cacheRoot, onBytes);
      onFile(f, r.ok ? { ok: true, size: r.size } : { ok: false, problem: r.problem });
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(o.parallel ?? 4, todo.length)) }, lane));
}

type Download = { ok: true; size: number } | { ok: false; problem: string; resumed: boolean; corrupt: boolean };

async function httpDownload(src: BtfhubSource, f: BtfhubFile, cacheRoot: string, onBytes: (n: number) => void): Promise<Download> {
  const url = treeUrl(src, f.path);
  const part = partialFile(cacheRoot, f);
  await fs.mkdir(path.dirname(part), { recursive: true });
  let have = 0;
  try {
    have = (await fs.stat(part)).size;
  } catch {
    have = 0;
  }
  const resumed = have > 0;
  let res: http.IncomingMessage;
  try {
    res = await get(url, have ? { range: `bytes=${have}-` } : {});
  } catch (e) {
    return { ok: false, problem: `${url}: ${(e as Error).message}`, resumed, corrupt: false };
  }
  let total: number | undefined;
  if (res.statusCode === 206 && have) {
    const m = /bytes (\d+)-\d+\/(\d+)/.exec(String(res.headers['content-range'] ?? ''));
    if (!m || Number(m[1]) !== have) {
      res.resume();
      await fs.rm(part, { force: true });
      return { ok: false, problem: `${url}: the server resumed at the wrong offset`, resumed, corrupt: true };
    }
    total = Number(m[2]);
  } else if (res.statusCode === 416 && have) {
    // Range beyond the end: what we have is the whole file (or it shrank); verify it as it is.
    res.resume();
    total = have;
  } else if (res.statusCode === 200) {
    have = 0; // the server ignored the Range: start again
    const len = Number(res.headers['content-length']);
    total = Number.isFinite(len) ? len : undefined;
  } else {
    res.resume();
    return { ok: false, problem: `${url}: HTTP ${res.statusCode}`, resumed, corrupt: false };
  }
  if (res.statusCode !== 416) {
    const w = createWriteStream(part, { flags: have ? 'a' : 'w' });
    let got = have;
    const failure = await new Promise<string | undefined>((resolve) => {
      let problem: string | undefined;
      const stop = (why: string) => {
        problem ??= why;
        res.unpipe(w);
        w.end(); // what arrived is kept for the next run to resume from
      };
      res.on('data', (b: Buffer) => {
        got += b.length;
        onBytes(b.length);
      });
      res.on('aborted', () => stop(`connection closed after ${got} of ${total ?? '?'} bytes (run the command again to resume)`));
      res.on('error', (e) => stop(`${e.message} after ${got} of ${total ?? '?'} bytes (run the command again to resume)`));
      res.pipe(w);
      w.on('close', () => resolve(problem));
      w.on('error', (e) => {
        problem ??= `cannot write ${part}: ${e.message}`;
        res.destroy();
        resolve(problem);
      });
    });
    if (failure) return { ok: false, problem: `${url}: ${failure}`, resumed, corrupt: false };
    if (total !== undefined && got !== total) {
      return { ok: false, problem: `${url}: connection closed after ${got} of ${total} bytes (run the command again to resume)`, resumed, corrupt: false };
    }
  }
  const size = (await fs.stat(part)).size;
  const check = await verifyFile(part, { ...f, ...(total !== undefined ? { size: total } : {}) });
  if (check !== true) {
    await fs.rm(part, { force: true });
    return { ok: false, problem: `${f.path}: the downloaded file ${check}; it was not kept`, resumed, corrupt: true };
  }
  await install(part, cachedFile(cacheRoot, f));
  return { ok: true, size };
}

// ---------------------------------------------------------------------------------------------------------------
// Fleets: a configuration's BTFHub selections as targets

/** `corelens.json` `btfhub`: a source and what to select from it. */
export interface FleetConfig {
  readonly source: BtfhubSource;
  readonly select: readonly BtfhubSelect[];
}

/** Parses `{"source": "...", "sourceKind": "git"|"http", "select": [...]}`; problems are messages, the rest is kept. */
export function parseFleetConfig(raw: unknown, relativeTo: string): { fleet?: FleetConfig; problems: string[] } {
  if (raw === undefined || raw === null) return { problems: [] };
  if (typeof raw !== 'object' || Array.isArray(raw)) return { problems: ['"btfhub" must be an object {"source"?, "select": [...]}'] };
  const o = raw as Record<string, unknown>;
  const problems: string[] = [];
  for (const k of Object.keys(o)) if (!['source', 'sourceKind', 'select'].includes(k)) problems.push(`"btfhub": unknown key "${k}" (expected source, sourceKind, select)`);
  if (o.source !== undefined && (typeof o.source !== 'string' || !o.source)) problems.push('"btfhub.source" must be a git URL, a path to a mirror or an http(s) tree URL');
  if (o.sourceKind !== undefined && o.sourceKind !== 'git' && o.sourceKind !== 'http') problems.push('"btfhub.sourceKind" must be "git" or "http"');
  const source = parseSource(typeof o.source === 'string' && o.source ? o.source : DEFAULT_BTFHUB_SOURCE,
    o.sourceKind === 'git' || o.sourceKind === 'http' ? o.sourceKind : undefined, relativeTo);
  const select: BtfhubSelect[] = [];
  if (!Array.isArray(o.select)) problems.push('"btfhub.select" must be a list of {distro, release, arch, kernel}');
  else {
    o.select.forEach((s, i) => {
      const r = parseSelectEntry(s);
      if (typeof r === 'string') problems.push(`"btfhub.select" #${i + 1}: ${r}`);
      else select.push(r);
    });
  }
  return { ...(select.length ? { fleet: { source, select } } : {}), problems };
}

export interface ResolvedFleet {
  /** Cached kernels of the selections, as targets. */
  readonly targets: TargetSpec[];
  /** Selected kernels not in the cache, per selection, with the command that fetches them. */
  readonly missing: { readonly select: BtfhubSelect; readonly files: BtfhubFile[]; readonly command: string }[];
  /** Things worth saying (no listing kept yet...). */
  readonly notes: string[];
}

/**
 * The targets of a fleet from the cache alone (no network: this is what the editor and an offline `check` use).
 * With a kept listing, the selection is exact and what is not cached is named; without one (never fetched), the
 * cache's own files are selected and the fetch command is named.
 */
export async function resolveFleet(fleet: FleetConfig, cacheRoot: string): Promise<ResolvedFleet> {
  const listing = await cachedListing(cacheRoot, fleet.source);
  const targets = new Map<string, TargetSpec>();
  const missing: ResolvedFleet['missing'] = [];
  const notes: string[] = [];
  let files: BtfhubFile[];
  if (listing) files = listing.files;
  else {
    files = await scanCache(cacheRoot);
    notes.push(`no listing of ${fleet.source.url} kept yet: using the kernels already in ${btfhubDir(cacheRoot)}; \`${fetchCommand(fleet.select[0] ?? {}, fleet.source)}\` fetches the selection`);
  }
  for (const sel of fleet.select) {
    const absent: BtfhubFile[] = [];
    for (const f of selectFiles(files, sel)) {
      const file = cachedFile(cacheRoot, f);
      let ok = false;
      try {
        const st = await fs.stat(file);
        ok = st.isFile() && (f.size === undefined || st.size === f.size);
      } catch {
        ok = false;
      }
      if (ok) targets.set(file, fileTarget(cacheRoot, f));
      else absent.push(f);
    }
    if (absent.length || (!listing && selectFiles(files, sel).length === 0)) missing.push({ select: sel, files: absent, command: fetchCommand(sel, fleet.source) });
  }
  return { targets: [...targets.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)), missing, notes };
}

/** The kernel files already in the cache (for a fleet never listed): paths in the archive layout, not verified. */
async function scanCache(cacheRoot: string): Promise<BtfhubFile[]> {
  const root = btfhubDir(cacheRoot);
  const out: BtfhubFile[] = [];
  const walk = async (rel: string[], depth: number) => {
    let names: string[];
    try {
      names = await fs.readdir(path.join(root, ...rel));
    } catch {
      return;
    }
    for (const n of names.sort()) {
      if (n.startsWith('.')) continue;
      if (depth < 3) await walk([...rel, n], depth + 1);
      else {
        const f = parseArchivePath([...rel, n].join('/'), { algo: 'sha256', hex: '' });
        if (f) out.push(f);
      }
    }
  };
  await walk([], 0);
  return out;
}

/** One line for missing kernels: "3 of ubuntu/20.04/x86_64 (>=5.4) are not cached: run `...`". */
export function missingMessage(m: ResolvedFleet['missing'][number]): string {
  const what = [m.select.distro?.join(','), m.select.release?.join(','), m.select.arch?.join(',')].filter(Boolean).join('/') || 'every distro';
  const range = m.select.kernel ? ` (${m.select.kernel.text})` : '';
  if (m.files.length === 0) return `no kernel of ${what}${range} is cached: run \`${m.command}\``;
  const names = m.files.slice(0, 3).map((f) => f.kernel).join(', ') + (m.files.length > 3 ? ', ...' : '');
  return `${m.files.length} kernel${m.files.length === 1 ? '' : 's'} of ${what}${range} ${m.files.length === 1 ? 'is' : 'are'} not cached (${names}): run \`${m.command}\``;
}
