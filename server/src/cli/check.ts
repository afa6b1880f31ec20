// `corelens check`: the CI gate. Arguments → targets (flags, trees, corelens.json, defaults) → runCheck → report.
// Exit codes: 0 clean, 1 a program that fails to load (.o) or findings at or above --fail-on, 2 usage or input errors.

import { promises as fs } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ArgCursor, Io, UsageError } from './common';
import { SeveritySetting } from '../features/diagnostics';
import { CONFIG_FILE, readConfigAt } from '../targets/config';
import { TargetSpec, defaultTargetSpecs, parseTargetArg, withKconfigDir } from '../targets/registry';
import { parseArch } from '../targets/arch';
import {
  BtfhubSelect, DEFAULT_BTFHUB_SOURCE, FleetConfig, missingMessage, parseFleetSpec, parseSource, resolveFleet,
} from '../targets/btfhub';
import { fetchFleet } from './targets';
import { SkippedFile, TargetFilter, filterTargets, normaliseArch, parseVersionRange, scanTargetTree } from '../targets/tree';
import { defaultCacheDir } from '../check/cache';
import { renderJson, renderSarif, renderText } from '../check/report';
import { CheckInputError, SeverityName, runCheck } from '../check/run';
import { unreadableStatedKconfigs } from '../verdict/kconfig';

export const CHECK_USAGE = `usage: corelens check FILE.bpf.c|FILE.o [options]
  --target NAME=FILE        a target (repeatable); FILE: raw BTF, ELF, .xz, .gz, .tar.xz; options ,base=FILE
                            ,kind=app ,arch=ARCH, and its loading machine: ,kernel=RELEASE ,distro=D ,kconfig=CONFIG
  --targets-dir DIR         every BTF file under DIR (BTFHub: <distro>/<version>/<arch>/<kernel>.btf.tar.xz); repeatable
  --config FILE             targets, includePaths and "btfhub" fleets from a corelens.json
  --btfhub D[/R[/A]]        BTFHub kernels of a distro (release, arch), e.g. ubuntu/20.04/x86_64 (repeatable; with
                            --kernel): what the cache lacks is fetched first (targets fetch), then checked
  --btfhub-source URL       the BTFHub source (default: BTFHub's archive repository; a mirror path, an http tree)
  --offline                 never fetch: BTFHub kernels from the cache only (missing ones are named)
  --kconfig-dir DIR         kernel configs of the loading machines, named as in /boot (config-<uname -r>[.gz]):
                            each target whose release is known gets its own (the load verdicts' __kconfig values)
  --arch A[,B]              keep these architectures (x86_64|amd64, arm64|aarch64, ...); one arch also says what
                            the program is built for (default: an object's pt_regs relocations or DWARF flags;
                            a source is analysed once per arch among the targets)
  --distro D[,E]            keep these distros (BTFHub trees)
  --kernel RANGE            keep kernel versions in RANGE, e.g. '>=5.4 <6.2', '5.10', '4.18 || >=5.14'
  --format text|json|sarif  report format (default text)
  --jobs N                  worker threads (default and maximum: the cores; 0: in-process)
  --cache DIR | --no-cache  target slice cache (default \$XDG_CACHE_HOME/corelens)
  --fail-on error|warning|never   exit 1 on findings of this severity or worse (default warning)
  --source FILE.bpf.c       for a .o: the source findings point into (default: the .bpf.c beside it)
  --severity CODE=LEVEL     error|warning|information|hint|off for one finding code (repeatable)
  -I DIR, -D NAME[=VALUE]   include paths and macros for the source analysis
  --stats                   wall time, cache hits, archives read, peak RSS on stderr
Without targets: corelens.json beside FILE or in the working directory, else the default targets.`;


interface Args {
  file?: string;
  targets: TargetSpec[];
  dirs: string[];
  btfhub: string[];
  hubSource?: string;
  offline: boolean;
  config?: string;
  filter: { arch?: string[]; distro?: string[]; kernel?: TargetFilter['kernel'] };
  format: 'text' | 'json' | 'sarif';
  jobs?: number;
  cache?: string | false;
  failOn: SeverityName | 'never';
  source?: string;
  severities: Record<string, SeveritySetting>;
  includes: string[];
  defines: string[];
  stats: boolean;
  /** A folder of kernel configs named as in /boot (`config-<uname -r>`, plain or .gz), matched to targets by release. */
  kconfigDir?: string;
}

function parse(argv: string[]): Args {
  const a: Args = { targets: [], dirs: [], btfhub: [], offline: false, filter: {}, format: 'text', failOn: 'warning', severities: {}, includes: [], defines: [], stats: false };
  const c = new ArgCursor(argv);
  const value = () => c.value();
  const list = () => c.list();
  while (c.next()) {
    const arg = c.arg;
    if (arg === '--') {
      // everything after `--` is the program, even if it starts with a dash
      for (const rest of c.rest()) {
        if (a.file) throw new UsageError(`one program at a time (got ${a.file} and ${rest})`);
        a.file = rest;
      }
      break;
    }
    switch (arg) {
      case '--target': case '-t': {
        const t = parseTargetArg(value());
        if (typeof t === 'string') throw new UsageError(t);
        a.targets.push(t);
        break;
      }
      case '--targets-dir': a.dirs.push(value()); break;
      case '--btfhub': a.btfhub.push(value()); break;
      case '--btfhub-source': a.hubSource = value(); break;
      case '--offline': a.offline = true; break;
      case '--kconfig-dir': a.kconfigDir = value(); break;
      case '--config': a.config = value(); break;
      case '--arch': a.filter.arch = [...(a.filter.arch ?? []), ...list()]; break;
      case '--distro': a.filter.distro = [...(a.filter.distro ?? []), ...list()]; break;
      case '--kernel': {
        const r = parseVersionRange(value());
        if (typeof r === 'string') throw new UsageError(r);
        a.filter.kernel = r;
        break;
      }
      case '--format': {
        const f = value();
        if (f !== 'text' && f !== 'json' && f !== 'sarif') throw new UsageError(`--format must be text, json or sarif, not "${f}"`);
        a.format = f;
        break;
      }
      case '--json': a.format = 'json'; break;
      case '--jobs': case '-j': {
        const n = Number(value());
        if (!Number.isInteger(n) || n < 0) throw new UsageError('--jobs needs a whole number (0: no worker threads)');
        a.jobs = n;
        break;
      }
      case '--cache': a.cache = value(); break;
      case '--no-cache': a.cache = false; break;
      case '--fail-on': {
        const v = value();
        if (!['error', 'warning', 'information', 'hint', 'never'].includes(v)) throw new UsageError('--fail-on must be error, warning, information, hint or never');
        a.failOn = v as Args['failOn'];
        break;
      }
      case '--source': a.source = value(); break;
      case '--severity': {
        const [code, level] = value().split('=');
        if (!code || !level || !['error', 'warning', 'information', 'hint', 'off'].includes(level)) {
          throw new UsageError('--severity needs CODE=error|warning|information|hint|off');
        }
        a.severities[code] = level as SeveritySetting;
        break;
      }
      case '--stats': a.stats = true; break;
      case '-I': a.includes.push(value()); break;
      case '-D': a.defines.push(value()); break;
      default:
        if (arg.startsWith('-I') && arg.length > 2) a.includes.push(arg.slice(2));
        else if (arg.startsWith('-D') && arg.length > 2) a.defines.push(arg.slice(2));
        else if (arg.startsWith('-')) throw new UsageError(`unknown option ${c.raw}`);
        else if (a.file) throw new UsageError(`one program at a time (got ${a.file} and ${arg})`);
        else a.file = arg;
    }
  }
  if (!a.file) throw new UsageError('check needs FILE.bpf.c or FILE.o');
  if (!/\.(c|o)$/i.test(a.file)) throw new UsageError(`${a.file}: expected a .bpf.c source or a .o object`);
  return a;
}

/** Reads a corelens.json-shaped file under any name: targets and include paths, relative to the file. */
async function readConfig(file: string): Promise<{ targets: TargetSpec[]; includePaths: string[]; problems: string[]; btfhub?: FleetConfig; kconfigDir?: string }> {
  const abs = path.resolve(file);
  const c = readConfigAt(abs);
  if (!c) throw new CheckInputError(`${abs}: file not found`);
  // a configuration that cannot be read or parsed at all is an input error, not a warning beside the defaults
  if (c.unreadable) {
    const name = path.basename(abs);
    throw new CheckInputError(`${abs}: ${c.unreadable.startsWith(`${name}: `) ? c.unreadable.slice(name.length + 2) : c.unreadable}`);
  }
  return { targets: c.targets, includePaths: c.includePaths, problems: c.problems.map((p) => `${p.file ?? abs}${p.line !== undefined ? `:${p.line + 1}` : ''}: ${p.message}`),
    ...(c.btfhub ? { btfhub: c.btfhub } : {}), ...(c.kconfigDir ? { kconfigDir: c.kconfigDir } : {}) };
}

const RANK: Record<SeverityName, number> = { error: 0, warning: 1, information: 2, hint: 3 };

/** Runs `corelens check`; resolves to the exit code. */
export async function checkCommand(argv: string[], io: Io): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    io.out(CHECK_USAGE);
    return 0;
  }
  let a: Args;
  try {
    a = parse(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    io.err(`corelens check: ${e.message}\n\n${CHECK_USAGE}`);
    return 2;
  }
  try {
    let specs: TargetSpec[] = [...a.targets];
    const skipped: SkippedFile[] = [];
    const includes = [...a.includes];
    const configFile = a.config ?? (a.targets.length || a.dirs.length || a.btfhub.length ? undefined : await findConfig(a.file!));
    let configFleet: FleetConfig | undefined;
    if (configFile) {
      const c = await readConfig(configFile);
      for (const p of c.problems) io.err(`corelens check: ${p}`);
      for (const t of c.targets) specs.push(t);
      for (const p of c.includePaths) includes.push(p);
      configFleet = c.btfhub;
      a.kconfigDir ??= c.kconfigDir;
    }
    // BTFHub fleets: --btfhub selections, else the config's "btfhub" (when the config is what gives the targets).
    const fleets: FleetConfig[] = [];
    if (a.btfhub.length) {
      const select: BtfhubSelect[] = [];
      for (const b of a.btfhub) {
        const r = parseFleetSpec(b, a.filter.kernel);
        if (typeof r === 'string') throw new CheckInputError(r);
        // --arch narrows what is fetched too (it filters every target anyway).
        select.push(!r.arch && a.filter.arch ? { ...r, arch: a.filter.arch } : r);
      }
      fleets.push({ source: a.hubSource ? parseSource(a.hubSource) : configFleet?.source ?? parseSource(DEFAULT_BTFHUB_SOURCE), select });
    } else if (configFleet) fleets.push(a.hubSource ? { ...configFleet, source: parseSource(a.hubSource) } : configFleet);
    const hubRoot = path.resolve(a.cache === false || a.cache === undefined ? defaultCacheDir() : a.cache);
    for (const fleet of fleets) {
      if (!a.offline) {
        const r = await fetchFleet(fleet.source, fleet.select, hubRoot, io);
        if (r) for (const x of r.result.failed) io.err(`corelens check: cannot fetch ${x.file.path}: ${x.problem}`);
      }
      const got = await resolveFleet(fleet, hubRoot);
      for (const n of got.notes) io.err(`corelens check: ${n}`);
      for (const m of got.missing) io.err(`corelens check: ${missingMessage(m)}`);
      specs.push(...got.targets);
    }
    for (const d of a.dirs) {
      try {
        if (!(await fs.stat(d)).isDirectory()) throw new CheckInputError(`--targets-dir ${d}: not a directory`);
      } catch (e) {
        if (e instanceof CheckInputError) throw e;
        throw new CheckInputError(`--targets-dir ${d}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such directory' : (e as Error).message}`);
      }
      const scan = await scanTargetTree(d);
      // loops, not push(...): a targets dir may hold 100,000+ files
      for (const t of scan.targets) specs.push(t);
      for (const s of scan.skipped) skipped.push(s);
    }
    if (!a.targets.length && !a.dirs.length && !configFile && !fleets.length) specs = defaultTargetSpecs();
    const names = new Set<string>();
    for (const s of specs) {
      if (names.has(s.name)) throw new CheckInputError(`two targets are named "${s.name}" (${s.path}); target names must be distinct`);
      names.add(s.name);
    }
    const before = specs.length;
    specs = filterTargets(specs, a.filter);
    if (specs.length === 0) {
      throw new CheckInputError(before ? `no target left after the filters (${before} before filtering)`
        : fleets.length ? 'no BTFHub kernel of the selection is in the cache (see above for the command that fetches it)' : 'no targets: pass --target, --targets-dir, --btfhub or --config');
    }
    if (a.kconfigDir) {
      const r = withKconfigDir(specs, a.kconfigDir);
      if (typeof r === 'string') throw new CheckInputError(`--kconfig-dir ${a.kconfigDir}: ${r}`);
      specs = r.specs;
      io.err(`corelens check: kernel configs from ${a.kconfigDir}: ${r.matched} of ${specs.length} targets (by release: config-<uname -r>)`);
    }
    // a stated config that cannot be read leaves its gates undecided: said once per file, the check goes on
    for (const u of unreadableStatedKconfigs(specs)) io.err(`corelens check: target ${u.target}: ${u.problem}`);
    // more threads than cores only add memory (each worker holds a target's BTF): --jobs is clamped to the cores
    const cores = Math.max(1, os.availableParallelism?.() ?? os.cpus().length);
    const workers = Math.min(a.jobs ?? cores, cores, 16);
    if (a.jobs !== undefined && a.jobs > workers) io.err(`corelens check: --jobs ${a.jobs} clamped to ${workers} (the number of cores${cores > 16 ? ', at most 16' : ''})`);
    const single = a.filter.arch && new Set(a.filter.arch.map(normaliseArch)).size === 1 ? parseArch(a.filter.arch[0]) : undefined;
    const report = await runCheck({
      file: a.file!, targets: specs, skipped, includePaths: includes, defines: a.defines, source: a.source, workers, ...(single ? { arch: single } : {}),
      cacheDir: a.cache === false ? undefined : path.resolve(a.cache ?? defaultCacheDir()), severities: a.severities,
    });
    const root = process.cwd();
    if (report.stats.checked === 0) {
      // machine-readable formats still get their document (every target skipped), so a CI step can parse it
      if (a.format === 'json') io.out(renderJson(report));
      else if (a.format === 'sarif') io.out(renderSarif(report, root, version()));
      io.err(`corelens check: none of the ${report.stats.targets} targets could be read:`);
      for (const k of report.skipped) io.err(`  ${k.file}: ${k.problem}`);
      return 2;
    }
    if (a.format === 'json') io.out(renderJson(report));
    else if (a.format === 'sarif') io.out(renderSarif(report, root, version()));
    else io.out(renderText(report, root));
    if (a.format !== 'text') {
      for (const k of report.skipped) io.err(`corelens check: skipped ${k.file}: ${k.problem}`);
      if (report.skipped.length) io.err(`corelens check: ${report.skipped.length} skipped`);
    }
    if (a.stats) {
      const s = report.stats;
      io.err(`stats: ${s.checked} targets in ${(s.wallMs / 1000).toFixed(2)} s, ${s.workers} workers, cache hits ${s.cacheHits}, `
        + `archives read ${s.archivesRead}, skipped ${s.skipped}, peak RSS ${s.peakRssMb} MB`);
    }
    if (a.failOn === 'never') return 0;
    // A program that fails to load somewhere fails the run whatever --fail-on says (only `never` silences it).
    if (report.programs?.some((p) => p.fails)) return 1;
    const limit = RANK[a.failOn];
    return report.findings.some((f) => RANK[f.severity] <= limit) ? 1 : 0;
  } catch (e) {
    if (e instanceof CheckInputError) {
      io.err(`corelens check: ${e.message}`);
      return 2;
    }
    throw e;
  }
}

/** corelens.json beside the program, else in the working directory. */
async function findConfig(file: string): Promise<string | undefined> {
  for (const dir of [path.dirname(path.resolve(file)), process.cwd()]) {
    const f = path.join(dir, CONFIG_FILE);
    try {
      // any kind of file: a FIFO or a device named corelens.json is reported (by the bounded reader), not skipped
      await fs.lstat(f);
      return f;
    } catch {
      // none here
    }
  }
  return undefined;
}

function version(): string {
  try {
    return (require('../../../../package.json') as { version: string }).version;
  } catch {
    return '0.0.0';
  }
}
