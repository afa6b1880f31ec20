// The corelens language server: LSP glue only (capabilities, documents, configuration, targets, progress).
// Features live in features/; analysis in source/; relocation in core/.

import * as fs from 'fs';
import * as path from 'path';
import { fileURLToPath, pathToFileURL } from 'url';
import {
  CodeAction, CodeActionKind, CodeLens, Connection, Diagnostic, DiagnosticSeverity, DiagnosticTag, DidChangeConfigurationNotification,
  DidChangeWatchedFilesNotification, Hover, InitializeParams, InitializeResult, InlayHint, MarkupKind,
  TextDocumentSyncKind, TextDocuments, WatchKind,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { defaultCacheDir } from './check/cache';
import { planArches } from './check/arches';
import { FleetTargets, LoadProgress, documentRoots, evaluateDistinct } from './fleet';
import { ArchEvaluation, MergedEvaluations, mergeArchEvaluations, mergedFindings } from './features/arches';
import { codeActionsFor } from './features/codeActions';
import { Finding, FindingMemo, SeveritySetting } from './features/diagnostics';
import { ExternMemo, externFindings } from './features/externs';
import { EvaluationMemo, LiveSite, SiteEvaluation, evaluateSites } from './features/evaluate';
import { notesToPublish } from './features/notes';
import { plainAccessFindings } from './features/plainAccess';
import { TargetContext, describeSubset, macroHover, siteHover, typeHover } from './features/hover';
import { CORE_MACRO, InlayMode, inlayHints, programLenses, siteAt, sitesOfMacro, wordAt } from './features/present';
import { Analysis, Analyzer, PlainAccess, Site, createAnalyzer } from './source/analyzer';
import { EvaluationInputs, Interned, intern, sameInputs } from './features/recheck';
import { SharedTrees } from './source/sharedTrees';
import { hasPrograms } from './source/externs';
import { SharedFunctions } from './source/sharedFunctions';
import { HeaderCache } from './source/localTypes';
import { Arch, archDefines, archSkipNote, hostArch, parseArch, targetArchName } from './targets/arch';
import { FETCH_MARKER, FleetConfig, btfhubDir, missingMessage, parseFleetConfig, resolveFleet } from './targets/btfhub';
import { CONFIG_FILE, ConfigProblem, readConfigFile, readDefines, resolveTargets, settingsProblems } from './targets/config';
import { TargetSpec, defaultTargetSpecs, withKconfigDir } from './targets/registry';
import { loadingMachineOfInfo } from './targets/info';
import { STATUS_METHOD, serverStatus } from './status';
import { unreadableStatedKconfigs } from './verdict/kconfig';
import { externFactNames, loadingKernelVersion, tpErrArgsOf } from './verdict/index';
import { readTextInputSync } from './util/files';
import { createServerConnection } from './lspTransport';
import { BUILD_SOURCE, buildLenses, reconcile } from './build/editor';
import { SaveBuilds } from './build/onSave';
import { findClang } from './source/toolchain';
import { Ahead } from './source/ahead';
import { codeCacheState, cpuMs, mainThreadMs, markStartup, saveCodeCache, startupLine, takeEarlyStart } from './earlyStart';
import { serverJitSettled, settleServerJitFlags } from './jitFlags';

/** Settings under `corelens.*` (VS Code settings, or `settings.corelens` from other clients). */
export interface Settings {
  targets?: unknown;
  includePaths?: string[];
  /** `-D` style macros for the live analysis (`NAME` or `NAME=VALUE`); `__TARGET_ARCH_<arch>` selects the arch. */
  defines?: string[];
  severity?: Partial<Record<string, SeveritySetting>>;
  inlayHints?: { offsets?: InlayMode };
  /** Use the bundled kernels when no target is configured (default true). */
  defaultTargets?: boolean;
  /** Also publish what clang reports (syntax errors, unknown members): off, because clangd shows them already. */
  syntaxDiagnostics?: boolean;
  /** BTFHub fleets, read from the cache (`corelens targets fetch` fills it). */
  btfhub?: unknown;
  /** Build the saved .bpf.c in the background for exact load verdicts (trusted workspaces only; default true). */
  buildOnSave?: boolean;
  /** The clang that builds (`path`, default `clang` on PATH) and extra flags (shared with the VS Code Build command). */
  clang?: { path?: string; flags?: string[] };
}

/** `initializationOptions` the server understands. */
export interface InitOptions {
  /** Settings for clients without `workspace/configuration`. */
  settings?: Settings;
  /** Send the `corelens/status` notification after every target (re)load (the VS Code extension's status bar). */
  statusNotifications?: boolean;
  /**
   * The workspace is trusted: saved documents may be compiled (clang runs the user's include paths and flags). VS Code
   * passes `workspace.isTrusted` (and `corelens/workspaceTrust` when it changes); other clients opt in with `true`.
   */
  workspaceTrusted?: boolean;
}

/** Notification from the client: the workspace's trust changed (`{ trusted: boolean }`). */
const TRUST_METHOD = 'corelens/workspaceTrust';

interface DocResult {
  version: number;
  /** The analysis of the arch with the most targets: notes, functions and lenses come from it. */
  analysis: Analysis;
  /** Every arch's sites relocated on that arch's targets, put back together. */
  merged: MergedEvaluations;
  evals: readonly SiteEvaluation[];
  targetNames: readonly string[];
  findings: Finding[];
}

/** CORELENS_OPEN_NOW=0: an opened document's first check waits for the edit debounce, as before (see onDidOpen). */
const OPEN_NOW = process.env.CORELENS_OPEN_NOW !== '0';
/**
 * CORELENS_EARLY_ANALYSIS=1: the early check analyses the document while its targets load (see checkNow). Off by
 * default: the same CPU, and no gain shown at the loads it was measured at (README, round 15); kept for a quiet A/B.
 */
const EARLY_ANALYSIS = process.env.CORELENS_EARLY_ANALYSIS === '1';
/**
 * CORELENS_STALE_REFRESH=1: a publication asks the editor to refresh its inlay hints and code lenses only when the
 * editor may hold an answer of an older result (see `refreshStale`). On a document's first publication the editor's
 * hint and lens requests were waiting for that very check, and the refresh makes it ask again for nothing. Off by
 * default: no gain on the way to the first problem showed (code-server first runs, 6 alternating pairs: publish →
 * Problems panel 90 / 93 ms; the second round comes after the panel), so every publication refreshes, as before.
 */
const STALE_REFRESH = process.env.CORELENS_STALE_REFRESH === '1';

/** Up to this many targets, a hover on a type no slice covers waits while they are read; beyond, they are read in the background. */
const HOVER_WAIT_TARGETS = 16;

/** The analysis key of an arch: one analyzer (and one document state) per arch present among the targets. */
type ArchKey = Arch;

/** One line for the log (CORELENS_DEBUG=1 keeps the stack): what failed, not where in our code. */
function errorText(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  return process.env.CORELENS_DEBUG ? e.stack ?? e.message : e.message.split('\n')[0]!;
}

/** An analysis the early check made while its targets loaded, with what it was made by (checkNow uses it if current). */
interface PreAnalysis {
  analysis: Analysis;
  analyzer: Promise<Analyzer>;
  includeVersion: number;
}

/** A check run before the document is open (server.ts earlyCheck): its text, the target load it waits for. */
interface EarlyCheck {
  text: string;
  loaded: Promise<void>;
  /** Whether the editor's text of the document is known and differs (the check stops: its work would not be reused). */
  stale(): boolean;
  /** Main-thread CPU at the end of each stage (set by checkNow: the early check's log line). */
  marks?: [string, number][];
}

/** Starts the server on the transport given in process.argv (--stdio, --node-ipc, --socket=N). */
export function startServer(connection: Connection = createServerConnection()): void {
  markStartup('server');
  // Last line of defence: a bug in one request must not end the session for every document and target.
  process.on('unhandledRejection', (e) => connection.console.error(`corelens: unhandled: ${errorText(e)}`));
  process.on('uncaughtException', (e) => connection.console.error(`corelens: uncaught: ${errorText(e)}`));
  const documents = new TextDocuments(TextDocument);
  // Slices of the targets, cached on disk with `corelens check`'s (CORELENS_CACHE=DIR, or off: in memory only).
  const targetCacheRoot = () => process.env.CORELENS_CACHE && process.env.CORELENS_CACHE !== 'off' ? process.env.CORELENS_CACHE : defaultCacheDir();
  const targets = new FleetTargets({ cacheDir: process.env.CORELENS_CACHE === 'off' ? undefined : targetCacheRoot() });
  const results = new Map<string, DocResult>();
  /** Per document: relocation results kept between checks, so an edit costs the same at 500 targets as at 5. */
  const memos = new Map<string, EvaluationMemo>();
  /** libbpf's extern decisions per target (features/externs.ts); dropped when the configuration is applied again. */
  const externMemo = new ExternMemo();
  /** Per document: findings of the sites an edit left alone (see FindingMemo). */
  const findingMemos = new Map<string, { findings: FindingMemo }>();
  /** Per document and arch: its last sites and plain accesses, as analysed and as interned (features/recheck.ts). */
  const interned = new Map<string, { sites: Interned<Site>; plain: Interned<PlainAccess>; reads: Interned<Site> }>();
  /** Per document: the inputs and outputs of its last evaluation, reused whole when the inputs are the same objects. */
  const lastEval = new Map<string, { inputs: { key: string; arches: EvaluationInputs[] }; parts: ArchEvaluation[]; plainFindings: Finding[]; merged: MergedEvaluations; siteFindings: Finding[] }>();
  const timers = new Map<string, NodeJS.Timeout>();
  /** Per document: the longest stretch of its last check that a newer edit could not stop (ms): the wait before the
   * next check (see schedule). */
  const checkCost = new Map<string, number>();
  /** The check running per document (its version): a request arriving meanwhile joins it or reads the last result. */
  const running = new Map<string, { version: number; done: Promise<DocResult | undefined> }>();
  /** One analyzer per arch: each predefines that arch's __TARGET_ARCH_*, as clang builds one object per arch. */
  const analyzers = new Map<ArchKey, Promise<Analyzer>>();
  /** Each document text is parsed by tree-sitter once, whatever the number of arches (the parse ignores defines). */
  const trees = new SharedTrees();
  /** Headers parsed once for every arch whose defines they do not test (vmlinux.h: see HeaderCache.agrees). */
  const headerCache = new HeaderCache();
  /** Functions typed once for every arch when nothing they read differs between arches (source/sharedFunctions.ts). */
  const sharedFunctions = new SharedFunctions();
  /** A worker scanning a newly opened document's big headers (and with `spots` finding its spots) while the main
   * thread parses it (source/ahead.ts; booted at initialize). Opt-in, CORELENS_AHEAD=1 or spots: on the 2-core machine
   * with nothing else running it gained nothing measurable (big program, 12 fresh servers each: first diagnostics
   * median 2600 ms with it, 2552 ms without) for ~130 ms more CPU and ~28 MB; under load it took 0.1-0.5 s off the
   * main thread. */
  let ahead: Ahead | undefined;
  const aheadMode = process.env.CORELENS_AHEAD;
  const startAhead = () => { if (!ahead && (aheadMode === '1' || aheadMode === 'spots')) ahead = new Ahead({ spots: aheadMode === 'spots' }); };
  let roots: string[] = [];
  let settings: Settings = {};
  /**
   * `initializationOptions.settings`: the base under what workspace/configuration returns, because clients that
   * support that request often answer it with nothing for `corelens` (eglot, lsp-mode without registered
   * settings) while their users configure the server through initializationOptions.
   */
  let initSettings: Settings = {};
  let configProblems: ConfigProblem[] = [];
  let includePaths: string[] = [];
  /** The defines the current analyzer was created with (a change makes a new analyzer). */
  let defines: string[] = [];
  /** Bumped when include paths change, so every document is analysed afresh with them. */
  let includeVersion = 0;
  /** Per document and arch: the analyzer that last analysed it and with which include-path version (else a full analysis). */
  const analysedWith = new Map<string, { includeVersion: number; analyzer: Analyzer }>();
  /** The configuration last applied: a reconfigure that changes nothing reloads nothing (VS Code sends one right after start). */
  let appliedKey: string | undefined;
  /** Target files changed since the last load: the next reconfigure loads even with an unchanged configuration. */
  let targetsDirty = false;
  /** Reconfigures run one at a time, in order. */
  let reconfiguring: Promise<void> = Promise.resolve();
  let caps = {
    configuration: false, configRegistration: false, progress: false, watch: false, inlayRefresh: false, codeLensRefresh: false,
    markdownHover: true, documentChanges: false, status: false,
  };
  const reportedFailures = new Set<string>();
  /**
   * The target load in progress: checks wait for it, so findings never name a half-loaded target set ("missing on
   * 6.1" while 6.18 is still decompressing); a target that fails is skipped once it failed, not waited for again.
   */
  /** Resolves the first `targetsLoading`: a document opened before the first configuration waits for it too. */
  let firstLoadDone: () => void = () => undefined;
  let targetsLoading: Promise<void> = new Promise((resolve) => (firstLoadDone = resolve));
  const log = (m: string) => connection.console.log(`corelens: ${m}`);
  /** Whether saved documents may be built (InitOptions.workspaceTrusted, then corelens/workspaceTrust). */
  let trusted = false;
  const builds = new SaveBuilds({
    gate: () => {
      if (!trusted) return { ok: false, reason: 'the workspace is not trusted' };
      if (settings.buildOnSave === false) return { ok: false, reason: 'corelens.buildOnSave is false' };
      const name = settings.clang?.path || 'clang';
      const clang = findClang(name);
      if (!clang) return { ok: false, reason: `clang not found (${name}${name.includes('/') ? '' : ' on PATH'})` };
      return { ok: true, env: () => buildEnv(clang) };
    },
    version: (uri) => documents.get(uri)?.version,
    done: (uri) => {
      const doc = documents.get(uri);
      if (doc) schedule(doc, 0);
      // pushed as well, so a status bar shows the build without polling
      pushStatus();
    },
    log,
  });
  /** Build environment: the arch most targets have (or the configured one), its targets, the configured flags. */
  async function buildEnv(clang: string) {
    await reconfiguring;
    await targetsLoading;
    const groups = archGroups(targets.ready());
    const arch = [...groups].sort((a, b) => b.targets.length - a.targets.length)[0]!.arch;
    const archName = targetArchName(arch);
    return {
      clang, arch: archName,
      flags: { arch: archName, includePaths: includePaths.map((p) => path.resolve(roots[0] ?? process.cwd(), p)), defines, flags: settings.clang?.flags ?? [] },
      targets: async (names: readonly string[]) => {
        if (!targets.covers(names)) await coverNames(names);
        return archGroups(targets.ready()).find((g) => g.arch === arch)?.targets ?? [];
      },
    };
  }
  /** Wall-clock time of day, for logs that must line up with an editor's own (first-run timing). */
  const clock = () => new Date().toISOString().slice(11, 23);
  /**
   * The targets with what is known about them (name, kernel version, arch, origin, distro: targets/info.ts), so
   * hovers and messages can summarise fleets by kernel range.
   */
  const contextOf = (names: readonly string[]): TargetContext => {
    const infos = new Map(targets.infos().map((i) => [i.name, i] as const));
    return { names, infos: names.map((n) => infos.get(n) ?? { name: n }) };
  };

  /** The wait before the check that gave a document its first diagnostics (the last one scheduled before them). */
  const firstWait = new Map<string, number>();
  /** When a document not yet given diagnostics was opened (its first diagnostics' log line counts from there). */
  const openedAt = new Map<string, number>();
  /** Documents whose first diagnostics were timed (the log says where first-run time goes). */
  const timed = new Set<string>();
  connection.onInitialize((params: InitializeParams): InitializeResult => {
    // performance.now() counts from process start: node start-up and loading the bundle included.
    log(`initialize at ${clock()}, ${performance.now().toFixed(0)} ms after the process started (node ${process.version}; code cache ${codeCacheState()})`);
    if (earlyNote) log(earlyNote);
    log(`start-up steps (ms since the process started): ${startupLine()}`);
    initializeReceived();
    const c = params.capabilities;
    const init = params.initializationOptions as InitOptions | undefined;
    const formats = c.textDocument?.hover?.contentFormat;
    caps = {
      configuration: !!c.workspace?.configuration,
      // Dynamic registration only where the client says it supports it: others reject (or log) the request.
      configRegistration: !!c.workspace?.didChangeConfiguration?.dynamicRegistration,
      progress: !!c.window?.workDoneProgress,
      watch: !!c.workspace?.didChangeWatchedFiles?.dynamicRegistration,
      inlayRefresh: !!c.workspace?.inlayHint?.refreshSupport,
      codeLensRefresh: !!c.workspace?.codeLens?.refreshSupport,
      // Clients that list formats and leave out markdown (eglot without markdown-mode) get the same text as plain.
      markdownHover: !formats || formats.includes(MarkupKind.Markdown),
      // Versioned edits: the client refuses a quick fix computed for another version of the document.
      documentChanges: !!c.workspace?.workspaceEdit?.documentChanges,
      // `corelens/status` is ours: only clients that ask for it (the VS Code extension) get the notification.
      status: init?.statusNotifications === true,
    };
    roots = (params.workspaceFolders?.map((f) => f.uri) ?? (params.rootUri ? [params.rootUri] : []))
      .filter((u) => u.startsWith('file:')).map((u) => fileURLToPath(u));
    trusted = init?.workspaceTrusted === true;
    initSettings = init?.settings && typeof init.settings === 'object' ? init.settings : {};
    // the early start's settings (read by the extension) stand until workspace/configuration answers
    settings = early ? { ...(early.settings as Settings), ...initSettings } : initSettings;
    // First run: start reading the targets now (corelens.json, initializationOptions, else the defaults), during the
    // initialized / workspace/configuration round trips. The configuration that follows keeps every target whose
    // spec did not change (FleetTargets.configure), so this only saves time.
    const first = configuration();
    targets.configure(first.specs);
    void targets.load();
    // the worker that scans a new document's big headers boots now too, before the document comes
    startAhead();
    // and the parser warmed at `initialized` uses the defines it will be asked for
    defines = first.defines;
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: { includeText: false } },
        hoverProvider: true,
        inlayHintProvider: true,
        codeLensProvider: { resolveProvider: false },
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
      },
      serverInfo: { name: 'corelens', version: '0.1.0' },
    };
  });

  connection.onInitialized(async () => {
    warmParser();
    if (caps.configRegistration) void connection.client.register(DidChangeConfigurationNotification.type, { section: 'corelens' });
    if (caps.watch) {
      void connection.client.register(DidChangeWatchedFilesNotification.type, {
        watchers: [{ globPattern: `**/${CONFIG_FILE}`, kind: WatchKind.Create | WatchKind.Change | WatchKind.Delete },
          { globPattern: '**/*.{btf,xz,gz,o,h}', kind: WatchKind.Change | WatchKind.Create }],
      });
    }
    try {
      await reconfigure();
    } finally {
      firstLoadDone();
    }
  });

  /**
   * The parser (tree-sitter's wasm) starts loading beside the targets, not when the first document arrives: the
   * analyzer of the arch most default and configured targets have.
   */
  function warmParser(): void {
    const firstArch = archGroups(targets.specs.map((s) => ({ info: { arch: parseArch(s.arch) } })))[0]?.arch ?? 'x86_64';
    void analyzerFor(firstArch).catch((e) => log(`the source analysis could not start: ${(e as Error).message}`));
  }

  async function pullSettings(): Promise<void> {
    if (!caps.configuration) return;
    try {
      const s = await connection.workspace.getConfiguration('corelens');
      settings = s && typeof s === 'object' && !Array.isArray(s) ? { ...initSettings, ...(s as Settings) } : initSettings;
    } catch (e) {
      log(`could not read settings: ${(e as Error).message}`);
    }
  }

  /**
   * Targets, include paths, defines, problems and BTFHub fleets from corelens.json and the current settings (nothing
   * is applied). Fleet kernels are added by `withFleets`, which reads the cache.
   */
  function configuration(): {
    specs: TargetSpec[]; includePaths: string[]; defines: string[]; problems: ConfigProblem[]; fleets: { fleet: FleetConfig; file?: string }[];
    kconfigDirs: { dir: string; file: string }[];
  } {
    const problems: ConfigProblem[] = [];
    let specs: TargetSpec[] = [];
    const inc = [...(settings.includePaths ?? [])];
    const defs = readDefines(settings.defines, problems).map((d) => d);
    const fleets: { fleet: FleetConfig; file?: string }[] = [];
    const kconfigDirs: { dir: string; file: string }[] = [];
    for (const root of roots) {
      const file = readConfigFile(root);
      if (!file) continue;
      // loops, not push(...): a hostile corelens.json with 100,000+ entries would overflow the stack
      for (const t of file.targets) specs.push(t);
      for (const p of file.includePaths) inc.push(p);
      for (const d of file.defines ?? []) defs.push(d);
      for (const p of file.problems) problems.push(p);
      if (file.btfhub) fleets.push({ fleet: file.btfhub, file: path.join(root, CONFIG_FILE) });
      if (file.kconfigDir) kconfigDirs.push({ dir: file.kconfigDir, file: path.join(root, CONFIG_FILE) });
      unreadableKconfigs(file.targets, problems, path.join(root, CONFIG_FILE));
    }
    const fromSettings = resolveTargets(settings.targets, roots[0] ?? process.cwd());
    for (const p of fromSettings.problems) problems.push({ ...p, message: `settings corelens.targets: ${p.message}` });
    unreadableKconfigs(fromSettings.targets, problems, undefined, 'settings corelens.targets: ');
    const named = new Set(specs.map((s) => s.name));
    for (const t of fromSettings.targets) if (!named.has(t.name)) specs.push(t);
    const hubSetting = parseFleetConfig(settings.btfhub, roots[0] ?? process.cwd());
    for (const message of hubSetting.problems) problems.push({ message: `settings corelens.btfhub: ${message}` });
    if (hubSetting.fleet) fleets.push({ fleet: hubSetting.fleet });
    if (specs.length === 0 && fleets.length === 0 && settings.defaultTargets !== false) specs = defaultTargetSpecs();
    return { specs, includePaths: inc, defines: defs, problems, fleets, kconfigDirs };
  }

  /**
   * Adds the fleets' cached kernels to the targets. From the cache only: an editor opening a workspace never
   * downloads archives by itself; what is missing is a problem on corelens.json naming the fetch command.
   */
  async function withFleets(cfg: ReturnType<typeof configuration>): Promise<void> {
    if (cfg.fleets.length) watchFleetCache();
    for (const { fleet, file } of cfg.fleets) {
      const got = await resolveFleet(fleet, targetCacheRoot());
      cfg.specs.push(...got.targets.filter((t) => !cfg.specs.some((s) => s.name === t.name)));
      for (const m of got.missing) cfg.problems.push({ file, message: `btfhub: ${missingMessage(m)}` });
      for (const n of got.notes) log(`btfhub: ${n}`);
    }
    // fleet kernels too: a workspace's kconfigDir gives each target with a known release its machine's config
    for (const { dir, file } of cfg.kconfigDirs) {
      const r = withKconfigDir(cfg.specs, dir);
      if (typeof r === 'string') { cfg.problems.push({ file, message: `"kconfigDir" ${dir}: ${r}` }); continue; }
      const given: TargetSpec[] = [];
      r.specs.forEach((t, i) => {
        if (t !== cfg.specs[i]) given.push(t);
        cfg.specs[i] = t; // same targets, in place (no spread: a fleet may be huge)
      });
      unreadableKconfigs(given, cfg.problems, file, `"kconfigDir" ${dir}: `);
    }
  }

  /**
   * A stated kernel config whose contents cannot be read (bad gzip, too large) leaves that machine's CONFIG_* values
   * unknown: a problem on the file that states it, once per config file (a fleet's targets may share one).
   */
  function unreadableKconfigs(specs: readonly TargetSpec[], into: ConfigProblem[], file: string | undefined, prefix = ''): void {
    for (const u of unreadableStatedKconfigs(specs)) into.push({ ...(file ? { file } : {}), message: `${prefix}target ${u.target}: ${u.problem}` });
  }

  /** Watches the BTFHub cache for finished fetches (`corelens targets fetch` in a terminal): new kernels load by themselves. */
  let fleetWatcher: fs.FSWatcher | undefined;
  function watchFleetCache(): void {
    if (fleetWatcher) return;
    const dir = btfhubDir(targetCacheRoot());
    try {
      fs.mkdirSync(dir, { recursive: true });
      let timer: NodeJS.Timeout | undefined;
      fleetWatcher = fs.watch(dir, (_event, name) => {
        if (name !== FETCH_MARKER) return;
        clearTimeout(timer);
        timer = setTimeout(() => {
          targetsDirty = true;
          void reconfigure();
        }, 300);
      });
      fleetWatcher.on('error', () => undefined);
      fleetWatcher.unref();
    } catch (e) {
      log(`cannot watch ${dir}: ${(e as Error).message}`);
    }
  }

  /** Queues a reconfigure after the one in progress: settings, corelens.json and watched files all lead here. */
  function reconfigure(): Promise<void> {
    // Each run catches its own failure, so the queue never rejects and the next run always runs.
    reconfiguring = reconfiguring.then(applyConfiguration).catch((e) => log(`reconfigure failed: ${errorText(e)}`));
    return reconfiguring;
  }

  /**
   * Reads settings and corelens.json; when the targets, include paths or defines changed (or a target file did),
   * reconfigures the targets and loads them once (with progress); then re-checks every document. A configuration that
   * changes none of them (VS Code's empty didChangeConfiguration right after start, a severity) loads nothing.
   */
  async function applyConfiguration(): Promise<void> {
    await pullSettings();
    const cfg = configuration();
    await withFleets(cfg);
    const problems = cfg.problems;
    for (const p of settingsProblems(settings, roots)) {
      problems.push(p);
      // Not written in a settings.json we can see (initializationOptions, user settings): say it once.
      if (!p.file && !reportedFailures.has(p.message)) {
        reportedFailures.add(p.message);
        void connection.sendNotification('window/showMessage', { type: 2, message: `corelens: ${p.message}` });
      }
    }
    const key = JSON.stringify({ specs: cfg.specs, inc: cfg.includePaths, defs: cfg.defines, problems });
    if (key === appliedKey && !targetsDirty) {
      for (const doc of documents.all()) schedule(doc, 0);
      return;
    }
    appliedKey = key;
    targetsDirty = false;
    configProblems = problems;
    // a stated kernel config may say something else now (the editor reads configs again when the configuration changes)
    externMemo.clear();
    if (cfg.defines.join('\u0000') !== defines.join('\u0000')) {
      // The macro state of every header changes: new analyzers (their header caches are keyed by the defines anyway).
      defines = cfg.defines;
      analyzers.clear();
      analysedWith.clear();
    }
    if (JSON.stringify(cfg.includePaths) !== JSON.stringify(includePaths)) includeVersion++;
    includePaths = cfg.includePaths;
    targets.configure(cfg.specs);
    publishConfigProblems();
    targetsLoading = loadTargets();
    await targetsLoading;
    for (const doc of documents.all()) schedule(doc, 0);
  }

  /** The target names libbpf looks up for the externs the analyses say clang emits (none: most programs). */
  function externFactNamesOf(analyses: readonly Analysis[]): string[] {
    const ksyms = new Set<string>();
    const kcfg = new Set<string>();
    for (const a of analyses) for (const e of a.externs()) (e.section === '.kconfig' ? kcfg : ksyms).add(e.name);
    return ksyms.size || kcfg.size ? externFactNames([...ksyms], [...kcfg]) : [];
  }

  /** Runs a target load under a `$/progress` report when the client supports it (the load starts before the round trip). */
  async function withProgress(title: string, total: number, run: (p: LoadProgress) => Promise<void>): Promise<void> {
    let progress: { report(pct: number, msg: string): void; done(): void } | undefined;
    const loading = run((done, n, name) => progress?.report(Math.round((100 * done) / n), `${name} (${done}/${n})`));
    // A load with nothing left to read (the early start's targets, ready by `initialized`) finishes at once: it shows
    // no progress and does not wait for the `window/workDoneProgress/create` round trip, which the first check of a
    // document opened meanwhile would otherwise wait for too (issue 15).
    let finished = false;
    void loading.then(() => { finished = true; }, () => { finished = true; });
    await new Promise<void>((r) => setImmediate(r));
    if (caps.progress && total && !finished) {
      try {
        const p = await connection.window.createWorkDoneProgress();
        p.begin(title, 0, `${total} targets`, false);
        progress = p;
      } catch {
        progress = undefined;
      }
    }
    try {
      await loading;
    } finally {
      progress?.done();
    }
  }

  /** Loads every target (slices covering what the open documents use), reports new failures once, and the status. */
  async function loadTargets(): Promise<void> {
    const t0 = performance.now();
    await withProgress('corelens: loading targets', targets.specs.length, (p) => targets.load([], p));
    const ready = targets.ready().map((t) => t.name);
    log(`targets loaded in ${(performance.now() - t0).toFixed(0)} ms: ${ready.length > 8 ? `${ready.length} targets (${ready.slice(0, 8).join(', ')}, ...)` : ready.join(', ') || 'none'}`
      + ` (since start: ${targets.archivesRead} BTF files read, ${targets.seedsUsed} seed slices used)`);
    reportFailures();
  }

  /** Each target failure once (a message; a diagnostic on its corelens.json entry), then the status. */
  function reportFailures(): void {
    for (const f of targets.failed()) {
      const key = f.message;
      if (reportedFailures.has(key)) continue;
      reportedFailures.add(key);
      // A notification, not showWarningMessage's request: clients without window/showMessageRequest must not fail.
      void connection.sendNotification('window/showMessage', { type: 2, message: `corelens: ${f.message}. The other targets keep working.` });
    }
    publishConfigProblems();
    pushStatus();
  }

  /** The `corelens/status` notification (editors' status bars): targets, and what the last build on save found. */
  function pushStatus(): void {
    if (caps.status) void connection.sendNotification(STATUS_METHOD, { ...serverStatus(targets, includePaths), ...builds.status() });
  }

  /** Widens every target's slice to cover new root names (an edit that relocates a new type, a hover on one). */
  async function coverNames(names: readonly string[]): Promise<void> {
    await targetsLoading;
    if (targets.covers(names)) return;
    const load = withProgress('corelens: reading targets for new types', targets.specs.length, (p) => targets.load(names, p));
    targetsLoading = load.then(() => undefined, () => undefined);
    await load;
    reportFailures();
  }

  /** A config file's lines, read once per report (bounded reader: a FIFO or a device named corelens.json is not read). */
  const configLines = new Map<string, string[] | undefined>();
  function linesOf(file: string): string[] | undefined {
    if (!configLines.has(file)) {
      let lines: string[] | undefined;
      try { lines = readTextInputSync(file, 'config').split('\n'); } catch { /* no readable config file there */ }
      configLines.set(file, lines);
    }
    return configLines.get(file);
  }

  function configFileFor(target: string): string | undefined {
    for (const root of roots) {
      const file = path.join(root, CONFIG_FILE);
      if (linesOf(file)?.some((l) => l.includes(`"${target}"`))) return file;
    }
    return undefined;
  }

  /** Problems in corelens.json (bad entries, targets that failed to load) as diagnostics on that file. */
  function publishConfigProblems(): void {
    const byFile = new Map<string, Diagnostic[]>();
    for (const root of roots) byFile.set(path.join(root, CONFIG_FILE), []);
    for (const root of roots) byFile.set(path.join(root, '.vscode', 'settings.json'), []);
    const failures = targets.failed().map((f): ConfigProblem => ({ file: configFileFor(f.target), message: f.message }));
    for (const p of [...configProblems, ...failures]) {
      if (!p.file) continue;
      const list = byFile.get(p.file) ?? [];
      const range = p.line !== undefined
        ? { start: { line: p.line, character: p.column ?? 0 }, end: { line: p.line, character: p.endColumn ?? p.column ?? 0 } }
        : rangeOfText(p.file, p.message);
      list.push({ range, severity: DiagnosticSeverity.Error, source: 'corelens', code: 'core-config', message: p.message });
      byFile.set(p.file, list);
    }
    for (const [file, diags] of byFile) {
      if (fs.existsSync(file) || diags.length) void connection.sendDiagnostics({ uri: pathToFileURL(file).toString(), diagnostics: diags });
    }
    configLines.clear(); // read again next time: the file may change
  }

  function rangeOfText(file: string, message: string) {
    const lines = linesOf(file);
    const m = /target (\S+):/.exec(message);
    const key = /^"?(btfhub|kconfigDir)/.exec(message)?.[1];
    const i = !lines ? -1 : key ? lines.findIndex((l) => l.includes(`"${key}"`)) : m ? lines.findIndex((l) => l.includes(`"${m[1]}"`)) : -1;
    if (i >= 0) return { start: { line: i, character: 0 }, end: { line: i, character: lines![i]!.length } };
    return { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } };
  }

  /**
   * The analyzer of an arch (created on first use): that arch's `__TARGET_ARCH_*` predefined, then the configured
   * defines (a configured `__TARGET_ARCH_*` says the program is built for that arch only: see archGroups).
   */
  function analyzerFor(arch: ArchKey): Promise<Analyzer> {
    let a = analyzers.get(arch);
    if (!a) {
      const own = defines.some((d) => d.startsWith('__TARGET_ARCH_'));
      startAhead();
      a = createAnalyzer({ defines: [...(own ? [] : archDefines(arch)), ...defines], trees, headers: headerCache, functions: sharedFunctions, ahead });
      analyzers.set(arch, a);
    }
    return a;
  }

  /** Targets grouped by the arch whose analysis serves them (targets of unknown arch join the largest group). */
  function archGroups<T extends { info: { arch?: string } }>(ready: readonly T[]): { arch: ArchKey; targets: T[] }[] {
    const plan = planArches(ready.map((t) => parseArch(t.info.arch)), declaredArch());
    const groups = plan.groups.map((g) => ({ arch: g.arch, targets: g.indices.map((i) => ready[i]!) }));
    return groups.length ? groups : [{ arch: declaredArch() ?? hostArch() ?? 'x86_64', targets: [] }];
  }

  /** The arch a configured `-D__TARGET_ARCH_<arch>` selects: the program is built for it alone. */
  function declaredArch(): Arch | undefined {
    for (const d of defines) {
      const m = /^__TARGET_ARCH_(\w+)/.exec(d);
      if (m) return parseArch(m[1]);
    }
    return undefined;
  }

  /**
   * Analyses one document with one arch's analyzer: fully the first time (or with new include paths), else an update.
   * In slices with breaths between them: a hover sent meanwhile is answered from the last result at once.
   */
  async function analyseFor(a: Analyzer, arch: ArchKey, uri: string, text: string): Promise<Analysis> {
    settleWhenLong();
    const pause = () => {
      settleWhenLong();
      return breathe();
    };
    const key = `${arch}\u0000${uri}`;
    // an update only by the analyzer that analysed the document, with these include paths: a reconfigure during an
    // analysis (the early check's during the handshake, or a settings change) makes new analyzers, whose first
    // analysis must be a full one
    const w = analysedWith.get(key);
    if (!w || w.includeVersion !== includeVersion || w.analyzer !== a) {
      const v = includeVersion;
      const r = await a.analyzeAsync(uri, text, { includePaths }, pause);
      analysedWith.set(key, { includeVersion: v, analyzer: a });
      return r;
    }
    return a.updateAsync(uri, text, pause);
  }

  /**
   * The early check's analyses before its targets are loaded (checkNow): one per arch the configured targets name
   * (specs, manifest, the running kernel's), in the order a check takes them; none when a target's arch is known
   * only from its BTF (the groups cannot be planned yet), or when the editor's text is known to differ.
   */
  async function analyseAhead(uri: string, early: EarlyCheck, cpuMark: (stage: string) => void): Promise<Map<ArchKey, PreAnalysis> | undefined> {
    const infos = targets.infos();
    if (!infos.length || infos.some((i) => !parseArch(i.arch))) return undefined;
    const done = new Map<ArchKey, PreAnalysis>();
    try {
      for (const g of archGroups(infos.map((info) => ({ info })))) {
        if (early.stale()) return done;
        const analyzer = analyzerFor(g.arch);
        const includeVersion0 = includeVersion;
        const analysis = await analyseFor(await analyzer, g.arch, uri, early.text);
        analysis.externs();
        done.set(g.arch, { analysis, analyzer, includeVersion: includeVersion0 });
        cpuMark(`analysis ${g.arch} during the load`);
        await breathe();
      }
    } catch {
      // analysed again after the load, where a failure is reported
    }
    return done;
  }

  /**
   * Checks a document after a quiet spell. Waiting exists so a keystroke does not start work the next keystroke
   * makes useless; but a check stops at its next stage when a newer version arrives (before each arch's analysis,
   * before relocating, before merging, before publishing), so what a premature check can waste is one stage, not
   * the whole check. The spell is the longest such stage of the document's last check, between 15 and 80 ms (it
   * was the whole check's cost, which put a full 80 ms before every diagnostic of a big program). The price, said
   * plainly: during a burst of typing faster than a check, each keystroke may start a check that the next one
   * stops after one stage.
   */
  function schedule(doc: TextDocument, delayMs = Math.min(80, Math.max(15, checkCost.get(doc.uri) ?? 80))): void {
    if (!timed.has(doc.uri)) firstWait.set(doc.uri, delayMs);
    clearTimeout(timers.get(doc.uri));
    timers.set(doc.uri, setTimeout(() => {
      timers.delete(doc.uri);
      void check(doc.uri)
        .catch((e) => log(`checking ${doc.uri} failed: ${errorText(e)}`));
    }, delayMs));
  }

  /**
   * Analyses a document once per arch present among the targets, relocates each arch's sites on that arch's targets
   * (slices widened first when the document relocates a root type no slice covers), and publishes the findings.
   */
  function check(uri: string): Promise<DocResult | undefined> {
    const version = documents.get(uri)?.version;
    const have = running.get(uri);
    if (have && have.version === version) return have.done;
    const done = checkNow(uri).finally(() => { if (running.get(uri)?.done === done) running.delete(uri); });
    if (version !== undefined) running.set(uri, { version, done });
    return done;
  }

  /**
   * The start-up V8 budget (jitFlags.ts) holds through a first check that stays small (the first-run program's two
   * analyses: ~100-160 ms of main-thread CPU) and ends with the first diagnostics; an analysis past this much
   * main-thread CPU since the first one began (the 8,000-line big program, whose analysis TurboFan's earlier
   * optimisations speed up) settles to the steady budget at its next pause.
   */
  const STARTUP_ANALYSIS_MS = 250;
  let firstAnalysisAt: number | undefined;
  const settleWhenLong = () => {
    // once settled there is nothing to decide: no read of /proc at each of the analyses' pauses (every 4 ms of typing;
    // ~300 reads, ~5 ms of the big program's first diagnostics)
    if (serverJitSettled()) return;
    const main = mainThreadMs();
    const now = Number.isNaN(main) ? cpuMs() : main;
    if (firstAnalysisAt === undefined) firstAnalysisAt = now;
    else if (now - firstAnalysisAt > STARTUP_ANALYSIS_MS) settleServerJitFlags();
  };

  /** Lets queued requests (a hover) in between the phases of a long check: they are answered from the last result. */
  const breathe = () => new Promise<void>((r) => setImmediate(() => setImmediate(r)));

  /**
   * `early`: the early check of a document the extension named at spawn (earlyCheck): its text read from disk, the
   * early target load; it fills the caches a later check reuses (analysis, relocations, evaluation) and publishes nothing.
   */
  async function checkNow(uri: string, early?: EarlyCheck): Promise<DocResult | undefined> {
    if (!early && !documents.get(uri)) return undefined;
    const tStart = performance.now();
    let afterEarly = false;
    // With CORELENS_EARLY_ANALYSIS=1 the early check analyses the document for the arches the target specs name while
    // the targets load (an analysis needs the arch, the defines and the include paths, no target): the two share the wait
    // instead of following each other. An analysis is used below only if its analyzer and include paths are still
    // the current ones and its arch is one the loaded targets group into; any other arch is analysed then, as before.
    let preAnalysed: Map<ArchKey, PreAnalysis> | undefined;
    // main-thread CPU per stage of a document's first check (the log line of its first diagnostics; the early check's
    // own line has its stages from the analyses during the load on)
    const cpuMarks: [string, number][] | undefined = timed.has(uri) ? undefined : [['start', mainThreadMs()]];
    const cpuMark = (name: string) => cpuMarks?.push([name, mainThreadMs()]);
    if (early) {
      early.marks = cpuMarks;
      if (EARLY_ANALYSIS) preAnalysed = await analyseAhead(uri, early, cpuMark);
      await early.loaded;
      cpuMark('rest of the target load');
    } else {
      // A document opened during start-up waits for the configuration and its targets: never findings on no targets.
      await reconfiguring;
      await targetsLoading;
      // the early check of this document, if any: what it computed makes this check an update
      const e = earlyChecks.get(uri);
      if (e) await e;
      afterEarly = !!e || earlyDone.delete(uri);
    }
    const tTargets = performance.now();
    if (!early && cpuMarks) cpuMarks[0] = ['start', mainThreadMs()];
    const doc = early ? { version: -1, getText: () => early.text } : documents.get(uri);
    if (!doc) return undefined;
    const version = doc.version;
    const text = doc.getText();
    // the stages between the points where a newer version stops this check: the longest sets the next wait
    let mark = performance.now();
    let longest = 0;
    const superseded = (): boolean => {
      const now = performance.now();
      if (now - mark > longest) longest = now - mark;
      mark = now;
      // the early check stops once the editor's text of the document is known to differ (the work would not be reused)
      if (early) return early.stale();
      return documents.get(uri)?.version !== version;
    };
    let groups = archGroups(targets.ready());
    const analyses: Analysis[] = [];
    let tAnalyzer = 0;
    try {
      for (const g of groups) {
        if (superseded()) return results.get(uri); // a newer edit is on its way: it wins
        const pre = preAnalysed?.get(g.arch);
        if (pre && pre.analyzer === analyzers.get(g.arch) && pre.includeVersion === includeVersion) {
          analyses.push(pre.analysis);
          continue;
        }
        const t = performance.now();
        const a = await analyzerFor(g.arch);
        tAnalyzer += performance.now() - t;
        const an = await analyseFor(a, g.arch, uri, text);
        // the externs first: their types join the local BTF before anything takes it (nothing to do without externs)
        an.externs();
        analyses.push(an);
        cpuMark(`analysis ${g.arch}`);
        await breathe();
      }
    } catch (e) {
      log(`analysis of ${uri} failed: ${(e as Error).message}`);
      return undefined;
    }
    const tAnalysed = performance.now();
    if (superseded()) return results.get(uri); // a newer edit is on its way
    // sites and plain accesses equal to the last check's become those very objects: when every input of the
    // evaluation is then the same as last time, so is the evaluation (features/recheck.ts), and it is reused whole
    groups.forEach((g, i) => { if (analyses[i]) analyses[i] = internAnalysis(`${g.arch}\u0000${uri}`, analyses[i]!); });
    // what messages depend on besides the evaluation: severities and how targets are described
    const keyOf = (c: TargetContext) => JSON.stringify([settings.severity ?? null, c.infos]);
    const inputsOf = (gs: typeof groups, key: string) => ({
      key, arches: gs.map((g, i) => {
        const a = analyses[i] ?? analyses[0]!;
        return { local: a.localBtf(), sites: a.sites, plain: a.plainAccesses, reads: a.plainReads, targets: g.targets };
      }),
    });
    const last = lastEval.get(uri);
    let ctx = contextOf(groups.flatMap((g) => g.targets.map((t) => t.name)));
    let inputs = last ? inputsOf(groups, keyOf(ctx)) : undefined;
    // the names libbpf looks up for the externs (features/externs.ts): target slices must hold them too
    const externNames = externFactNamesOf(analyses);
    const reuse = !!last && !!inputs && sameInputs(last.inputs, inputs) && targets.covers(externNames);
    if (!reuse) {
      const names = new Set<string>(externNames);
      for (const a of analyses) {
        try {
          for (const n of documentRoots(a.localBtf(), a.sites, a.plainAccesses)) names.add(n);
        } catch (e) {
          log(`root types of ${uri}: ${(e as Error).message}`);
        }
      }
      if (!targets.covers(names)) {
        await coverNames([...names]);
        groups = archGroups(targets.ready());
        ctx = contextOf(groups.flatMap((g) => g.targets.map((t) => t.name)));
      }
      await breathe();
    }
    const parts: ArchEvaluation[] = reuse ? last!.parts : [];
    const findings: Finding[] = reuse ? [...last!.plainFindings] : [];
    // plain_reads: loads through a plain number with no relocation, reported as direct reads (only their guards relocate)
    const readParts: ArchEvaluation[] = [];
    // Messages name up to 4 targets, else a kernel-range summary: a fleet of 300 names helps nobody.
    const describeTargets = (subset: readonly string[]) => describeSubset(subset, ctx, 80);
    // tp_err_args: the tp_btf arguments each target's loading machine types as numbers, as `check` asks them
    const machines = new Map(groups.flatMap((g) => g.targets.map((t) => [t.name, t.info] as const)));
    const errArgs = new Map<string, ReadonlyMap<string, readonly number[]> | undefined>();
    const tpErrArgs = (name: string) => {
      if (!errArgs.has(name)) { const info = machines.get(name); errArgs.set(name, info ? tpErrArgsOf(loadingMachineOfInfo(info)) : undefined); }
      return errArgs.get(name);
    };
    // kver_guards: the LINUX_KERNEL_VERSION each target's loading machine gives, as `check` reads it
    const versions = new Map<string, number | readonly [number, number] | undefined>();
    const kernelVersion = (name: string) => {
      if (!versions.has(name)) {
        const info = machines.get(name);
        versions.set(name, info ? loadingKernelVersion(loadingMachineOfInfo(info)) : undefined);
      }
      return versions.get(name);
    };
    let failed = false;
    if (!reuse) try {
      for (const [i, g] of groups.entries()) {
        if (i > 0) {
          await breathe();
          if (superseded()) return results.get(uri); // a newer edit is on its way
        }
        const analysis = analyses[i] ?? analyses[0]!;
        const local = analysis.localBtf();
        // One memo per document and arch: an edit that keeps every CO-RE access relocates nothing again.
        const key = `${g.arch}\u0000${uri}`;
        let memo = memos.get(key);
        if (!memo) memos.set(key, (memo = new EvaluationMemo()));
        if (i === 0) cpuMark('roots');
        parts.push({ arch: g.arch, local, evals: evaluateDistinct(local, analysis.sites as LiveSite[], g.targets, memo), targets: g.targets.map((t) => t.name) });
        cpuMark(`relocation ${g.arch}`);
        findings.push(...plainAccessFindings(local, analysis.plainAccesses, g.targets, { severities: settings.severity, describeTargets }, memo));
        if (analysis.plainReads.length) readParts.push({ arch: g.arch, local, evals: evaluateSites(local, analysis.plainReads as LiveSite[], g.targets, memo), targets: g.targets.map((t) => t.name) });
        cpuMark(`plain accesses ${g.arch}`);
      }
    } catch (e) {
      failed = true;
      log(`relocating ${uri} failed: ${errorText(e)}`);
    }
    if (readParts.length) findings.push(...mergedFindings(mergeArchEvaluations(readParts), { severities: settings.severity, describeTargets, tpErrArgs, kernelVersion }));
    if (!reuse) {
      await breathe();
      if (superseded()) return results.get(uri); // a newer edit is on its way
    }
    let fm = findingMemos.get(uri);
    if (!fm) findingMemos.set(uri, (fm = { findings: new FindingMemo() }));
    const merged = reuse ? last!.merged : mergeArchEvaluations(parts);
    cpuMark('arch merge');
    if (!reuse) {
      await breathe();
      if (superseded()) return results.get(uri); // a newer edit is on its way
    }
    const memoKey = keyOf(ctx);
    if (reuse) findings.unshift(...last!.siteFindings);
    else {
      const plainFindings = [...findings];
      try {
        const siteFindings = mergedFindings(merged, { severities: settings.severity, describeTargets, memo: fm.findings, memoKey, tpErrArgs, kernelVersion });
        findings.unshift(...siteFindings);
        inputs = inputsOf(groups, memoKey);
        if (!failed && analyses.length === groups.length) lastEval.set(uri, { inputs, parts, plainFindings, merged, siteFindings });
        else lastEval.delete(uri);
      } catch (e) {
        lastEval.delete(uri);
        log(`findings of ${uri} failed: ${errorText(e)}`);
      }
    }
    // libbpf refusing the whole object for an extern on some targets (as `check` says; decided again only when the
    // externs, a target or the configuration change)
    try {
      findings.push(...externFindings(groups.map((g, i) => {
        const a = analyses[i] ?? analyses[0]!;
        return {
          // (a unit with no program refuses no extern: hasPrograms, as `check` says)
          local: () => a.localBtf(), externs: hasPrograms(a.functions) ? a.externs() : [],
          targets: g.targets.map((t) => ({ name: t.name, btf: t.btf, machine: loadingMachineOfInfo(t.info) })),
        };
      }), { severities: settings.severity, describeTargets, externMemo }));
    } catch (e) {
      log(`externs of ${uri} failed: ${errorText(e)}`);
    }
    cpuMark('findings and externs');
    const largest = [...groups].sort((a, b) => b.targets.length - a.targets.length)[0]!;
    const primary = analyses[groups.indexOf(largest)] ?? analyses[0]!;
    const res: DocResult = { version, analysis: primary, merged, evals: merged.evals, targetNames: merged.targets, findings };
    // checks of two versions can interleave at their breathing points: an older one never replaces a newer result
    if (!early && (results.get(uri)?.version ?? -Infinity) <= version) results.set(uri, res);
    if (early || superseded()) return res; // a newer edit is on its way; the early check publishes nothing
    // The saved build of this very version is exact: it adds what the live analysis missed and downgrades live errors
    // it proves dead (build/editor.ts); every difference is counted once as drift.
    const built = builds.state(uri);
    const rec = built && built.savedVersion === version ? reconcile(built, primary, findings, contextOf(built.targetNames)) : undefined;
    if (rec && builds.noteDrift(uri, rec.drift)) pushStatus();
    const diagnostics: Diagnostic[] = findings.map((f, k) => {
      const dead = rec?.downgraded.get(k);
      return {
        range: f.range, severity: (dead ? DiagnosticSeverity.Information : f.severity) as DiagnosticSeverity, code: f.code,
        source: dead ? BUILD_SOURCE : 'corelens', message: dead ? `${f.message} — but ${dead}` : f.message,
        ...(f.unnecessary ? { tags: [DiagnosticTag.Unnecessary] } : {}),
        data: { ...f.data, targets: f.targets },
      };
    });
    for (const d of rec?.added ?? []) diagnostics.push({ ...d, severity: d.severity as DiagnosticSeverity });
    // Notes of every arch's analysis, once each (most say the same on every arch).
    const seen = new Set<string>();
    for (const a of [primary, ...analyses.filter((x) => x !== primary)]) {
      for (const n of notesToPublish(a.notes, settings.syntaxDiagnostics === true)) {
        const k = `${n.range.start.line}:${n.range.start.character}:${n.message}`;
        if (seen.has(k)) continue;
        seen.add(k);
        diagnostics.push({
          range: n.range, source: 'corelens', code: 'core-analysis', message: n.message,
          severity: n.severity === 'error' ? DiagnosticSeverity.Warning : DiagnosticSeverity.Information,
        });
      }
    }
    // Built for one arch (a configured -D__TARGET_ARCH_*): the other arch's targets are left out, said once.
    const declared = declaredArch();
    if (declared) {
      const ready = targets.ready();
      const skipped = planArches(ready.map((t) => parseArch(t.info.arch)), declared).skipped.map((k) => ({ name: ready[k.index]!.name, arch: k.arch }));
      if (skipped.length) {
        diagnostics.push({
          range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, source: 'corelens', code: 'core-analysis',
          severity: DiagnosticSeverity.Information, message: archSkipNote(declared, `-D__TARGET_ARCH_${targetArchName(declared)} in the configuration`, skipped),
        });
      }
    }
    void connection.sendDiagnostics({ uri, version, diagnostics });
    cpuMark('publish');
    superseded();
    checkCost.set(uri, longest);
    if (!timed.has(uri)) {
      timed.add(uri);
      const ms = (a: number, b: number) => `${(b - a).toFixed(0)} ms`;
      log(`first diagnostics for ${path.basename(uri)} at ${clock()}, ${performance.now().toFixed(0)} ms after start: ${openedAt.has(uri) ? `${ms(openedAt.get(uri)!, performance.now())} after didOpen (check started after ${ms(openedAt.get(uri)!, tStart)}), ` : ''}debounce ${firstWait.get(uri) ?? 0} ms, waiting for targets ${ms(tStart, tTargets)}, `
        + `parser ${tAnalyzer.toFixed(0)} ms, analysis (${analyses.length} arch${analyses.length === 1 ? '' : 'es'}) ${(tAnalysed - tTargets - tAnalyzer).toFixed(0)} ms, relocation ${ms(tAnalysed, performance.now())}`
        + (afterEarly ? (reuse ? '; evaluation reused from the early check' : '; the early check\'s evaluation not reused') : '')
        + (cpuMarks && cpuMarks.length > 1 ? `; main-thread CPU ${cpuMarks.slice(1).map(([n, c], k) => `${n} ${(c - cpuMarks[k]![1]).toFixed(0)}`).join(', ')} ms` : '')
        + (ahead ? `; from the worker: ${ahead.stats.skims} header scan(s) (waited ${ahead.stats.skimWaitMs.toFixed(0)} ms, spots found meanwhile ${ahead.stats.idleTasks}), ${ahead.stats.spots} spot set(s)` : ''));
      firstWait.delete(uri);
      openedAt.delete(uri);
      // the first answer is out: the server's steady V8 budget from now on (jitFlags.ts)
      settleServerJitFlags();
      // after the publish and the editor's follow-up requests (inlay hints, lenses), whose code is then compiled too
      if (timed.size === 1) setTimeout(() => { const s = saveCodeCache(); if (s) log(`code cache ${s}`); }, 1000).unref();
    }
    if (caps.inlayRefresh && refreshStale(inlayAnswers, uri, res)) void connection.languages.inlayHint.refresh().catch(() => undefined);
    if (caps.codeLensRefresh && refreshStale(lensAnswers, uri, res)) void connection.sendRequest('workspace/codeLens/refresh').catch(() => undefined);
    return res;
  }

  /** The analysis with its sites and plain accesses interned against the last check's of the same document and arch. */
  function internAnalysis(key: string, a: Analysis): Analysis {
    const have = interned.get(key);
    const sites = intern(have?.sites, a.sites);
    const plain = intern(have?.plain, a.plainAccesses);
    const reads = intern(have?.reads, a.plainReads);
    interned.set(key, { sites, plain, reads });
    return sites.kept === a.sites && plain.kept === a.plainAccesses && reads.kept === a.plainReads ? a
      : { ...a, sites: sites.kept as Site[], plainAccesses: plain.kept as PlainAccess[], plainReads: reads.kept as Site[] };
  }

  /**
   * The results (null: none) each document's inlay hints / code lenses were answered from since the last refresh of
   * that feature: the editor keeps those answers until it asks again, which a refresh (of every document) makes it do.
   */
  const inlayAnswers = new Map<string, Set<DocResult | null>>();
  const lensAnswers = new Map<string, Set<DocResult | null>>();
  const answered = (from: Map<string, Set<DocResult | null>>, uri: string, r: DocResult | undefined, refreshes: boolean) => {
    // kept only where refreshStale runs at each publication (it forgets them): no older result is held otherwise
    if (!STALE_REFRESH || !refreshes) return;
    let set = from.get(uri);
    if (!set) from.set(uri, (set = new Set()));
    set.add(r ?? null);
  };
  /**
   * Whether the editor may hold an answer of a result other than `res`, just published: then it must ask again (and
   * every answer is forgotten: a refresh makes it ask for every document). Every check makes a new result, so another
   * object is an answer of an older version, other targets or settings, another build. A document none of whose
   * answers is another result needs no refresh: on its first publication the editor's requests waited for this check.
   */
  function refreshStale(from: Map<string, Set<DocResult | null>>, uri: string, res: DocResult): boolean {
    const set = from.get(uri);
    if (STALE_REFRESH && (!set || [...set].every((r) => r === res))) return false;
    from.clear();
    return true;
  }

  /** The current result of a document, computing it now if the debounce has not fired yet. */
  async function current(uri: string): Promise<DocResult | undefined> {
    const doc = documents.get(uri);
    const r = results.get(uri);
    if (doc && r && r.version === doc.version) return r;
    clearTimeout(timers.get(uri));
    timers.delete(uri);
    return check(uri);
  }

  // TextDocuments fires onDidChangeContent for an open as well, right after onDidOpen: its debounce (80 ms before a
  // document's first check, whose cost is not known yet) replaced the open's immediate check, an idle wait before every
  // first diagnostics. The open's own version is checked at once (CORELENS_OPEN_NOW=0: as before, for comparison).
  const openedAs = new Map<string, number>();
  documents.onDidOpen((e) => {
    if (!timed.has(e.document.uri)) openedAt.set(e.document.uri, performance.now());
    if (OPEN_NOW) openedAs.set(e.document.uri, e.document.version);
    schedule(e.document, 0);
  });
  documents.onDidChangeContent((e) => {
    if (openedAs.get(e.document.uri) === e.document.version) return;
    schedule(e.document);
  });
  documents.onDidSave((e) => builds.saved(e.document.uri));
  connection.onNotification(TRUST_METHOD, (p: { trusted?: unknown }) => {
    trusted = p?.trusted === true;
    log(`workspace ${trusted ? 'trusted: saved documents are built' : 'not trusted: no builds'}`);
  });
  documents.onDidClose((e) => {
    openedAs.delete(e.document.uri);
    builds.close(e.document.uri);
    results.delete(e.document.uri);
    inlayAnswers.delete(e.document.uri);
    lensAnswers.delete(e.document.uri);
    checkCost.delete(e.document.uri);
    for (const [arch, a] of analyzers) {
      memos.delete(`${arch}\u0000${e.document.uri}`);
      findingMemos.delete(e.document.uri);
      interned.delete(`${arch}\u0000${e.document.uri}`);
      lastEval.delete(e.document.uri);
      analysedWith.delete(`${arch}\u0000${e.document.uri}`);
      void a.then((x) => x.close(e.document.uri)).catch(() => undefined);
    }
    void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
  });

  connection.onDidChangeConfiguration(async (change) => {
    const s = (change.settings as { corelens?: Settings } | undefined)?.corelens;
    if (s && !caps.configuration) settings = s;
    await reconfigure();
  });

  connection.onDidChangeWatchedFiles(async (e) => {
    let reload = false;
    for (const ch of e.changes) {
      const file = ch.uri.startsWith('file:') ? fileURLToPath(ch.uri) : ch.uri;
      if (path.basename(file) === CONFIG_FILE) reload = true;
      else if (targets.invalidateFile(file)) reload = targetsDirty = true;
    }
    if (reload) await reconfigure();
  });

  connection.onHover(async (p): Promise<Hover | null> => {
    // While a re-analysis runs, the last analysis answers at once (an edit rarely moves what the pointer is on, and a
    // hover that waits for the typer feels broken); with no analysis yet, or none running, the current one.
    const last = results.get(p.textDocument.uri);
    const r = last && running.has(p.textDocument.uri) ? last : await current(p.textDocument.uri);
    const doc = documents.get(p.textDocument.uri);
    if (!r || !doc) return null;
    const ev = siteAt(r.evals, p.position);
    const ctx = contextOf(r.targetNames);
    // The text is written to read well raw (hover.ts), so plain-text clients get the very same string.
    const hover = (value: string, range: Hover['range']): Hover => ({ contents: { kind: caps.markdownHover ? MarkupKind.Markdown : MarkupKind.PlainText, value }, range });
    if (ev) return hover(siteHover(r.merged.localOf(ev), ev, ctx), ev.site.range);
    const w = wordAt(doc.getText(), p.position);
    if (!w) return null;
    const range = { start: w.start, end: w.end };
    if (w.keyword) {
      // A type no slice covers is read now (once per target; the cache keeps it): what "full BTF on demand" costs.
      // A few targets are read while the hover waits; a fleet is read in the background and the hover says so.
      if (!targets.covers([w.word])) {
        const widen = coverNames([w.word]);
        if (targets.specs.length > HOVER_WAIT_TARGETS) {
          void widen.catch(() => undefined);
          return hover(`${w.keyword} ${w.word}: reading it from the ${targets.specs.length} targets' BTF (once; then cached). Hover again in a moment.`, range);
        }
        await widen;
      }
      const refs = targets.ready();
      const md = typeHover(w.keyword, w.word, refs, contextOf(refs.map((x) => x.name)));
      return md ? hover(md, range) : null;
    }
    if (CORE_MACRO.test(w.word)) {
      const hops = sitesOfMacro(r.evals, doc.getText(), w.start);
      if (!hops.length) return null;
      return hover(macroHover(r.merged.localOf(hops[0]!), w.word, hops, ctx), range);
    }
    return null;
  });

  connection.languages.inlayHint.on(async (p): Promise<InlayHint[]> => {
    const r = await current(p.textDocument.uri);
    answered(inlayAnswers, p.textDocument.uri, r, caps.inlayRefresh);
    if (!r) return [];
    const mode = settings.inlayHints?.offsets ?? 'primary';
    // Per group, so a site only one arch has is labelled with that arch's targets alone.
    return r.merged.groups.flatMap((g) => inlayHints(g.local, g.evals, g.targets, mode, contextOf(g.targets)))
      .filter((h) => h.position.line >= p.range.start.line && h.position.line <= p.range.end.line)
      .sort((a, b) => a.position.line - b.position.line || a.position.character - b.position.character)
      .map((h) => ({ position: h.position, label: h.label, tooltip: h.tooltip, paddingLeft: true }));
  });

  connection.onCodeLens(async (p): Promise<CodeLens[]> => {
    const r = await current(p.textDocument.uri);
    answered(lensAnswers, p.textDocument.uri, r, caps.codeLensRefresh);
    if (!r) return [];
    const programs = r.analysis.functions.filter((f) => f.section !== undefined);
    const refused = new Set(r.findings.filter((f) => f.code === 'core-extern-refused').flatMap((f) => f.targets));
    const lenses = programLenses(programs, r.evals, r.targetNames, contextOf(r.targetNames), refused);
    // The saved build's verdicts beside the live lens; marked when the text changed since that save.
    const built = builds.state(p.textDocument.uri);
    if (built) lenses.push(...buildLenses(built, r.analysis.functions, contextOf(built.targetNames), built.savedVersion !== documents.get(p.textDocument.uri)?.version).map((l) => ({ ...l, failing: [] })));
    return lenses.map((l) => ({
      range: { start: l.range.start, end: l.range.start },
      command: { title: l.title, command: '' },
    }));
  });

  connection.onCodeAction(async (p): Promise<CodeAction[]> => {
    let r = await current(p.textDocument.uri);
    // An edit arrived while analysing: analyse that version, never fix one version with another's findings.
    if (r && r.version !== documents.get(p.textDocument.uri)?.version) r = await current(p.textDocument.uri);
    const doc = documents.get(p.textDocument.uri);
    if (!doc || !r || r.version !== doc.version) return [];
    // Fixes come from this version's findings; the client's diagnostics only say which finding is meant.
    const refs = targets.ready().filter((t) => r.targetNames.includes(t.name));
    const fixCtx = { doc, local: r.analysis.localBtf(), findings: r.findings, targets: refs, infos: contextOf(r.targetNames).infos, versioned: caps.documentChanges,
      macroDefined: (name: string) => r!.analysis.macroDefined(name) };
    return codeActionsFor(fixCtx, p.context.diagnostics, p.range);
  });

  // A status asked for while targets load answers once they are loaded: "loading" helps no command that asks.
  connection.onRequest(STATUS_METHOD, async () => {
    await reconfiguring;
    await targetsLoading;
    return { ...serverStatus(targets, includePaths), ...builds.status() };
  });

  /** Early checks in progress, by URI: a check of the same document waits for its one (checkNow). */
  const earlyChecks = new Map<string, Promise<void>>();
  /** Documents whose early check ran to its end before their `didOpen` check began (for that check's log line). */
  const earlyDone = new Set<string>();
  /** Resolved by `initialize`: before it a server may send nothing (the early check's log line waits for it). */
  let initializeReceived: () => void = () => undefined;
  const afterInitialize = new Promise<void>((r) => (initializeReceived = r));
  /**
   * Issue 15: the documents the extension had open when it spawned us are checked while the client is still in the
   * handshake (initialize, initialized, configuration), a time the server otherwise spends waiting; the `didOpen`
   * check then finds the analysis, relocations and evaluation done for this text, and publishes at once. Nothing is
   * published early (one publication, for the editor's version of the text); a document whose editor text differs
   * from the file on disk is checked afresh, as without the hint.
   */
  function earlyCheck(uri: string, loaded: Promise<void>): void {
    let text: string;
    try {
      text = readTextInputSync(fileURLToPath(uri), 'source');
    } catch (e) {
      void afterInitialize.then(() => log(`early check of ${uri} skipped: ${errorText(e)}`));
      return;
    }
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1); // the editor's text has no byte order mark
    const stale = () => {
      const d = documents.get(uri);
      return !!d && d.getText() !== text;
    };
    const t0 = performance.now();
    const said = (m: string) => void afterInitialize.then(() => log(m));
    const check: EarlyCheck = { text, loaded, stale };
    earlyChecks.set(uri, checkNow(uri, check)
      .then(() => (stale() ? undefined : earlyDone.add(uri)))
      .then(() => {
        const m = check.marks;
        said(`early check of ${path.basename(uri)} ${stale() ? 'stopped: the editor\'s text differs' : 'done'} at ${clock()}, `
          + `${performance.now().toFixed(0)} ms after the process started (${(performance.now() - t0).toFixed(0)} ms; process CPU ${cpuMs().toFixed(0)} ms)`
          + (m && m.length > 1 ? `; main-thread CPU ${m.slice(1).map(([n, c], k) => `${n} ${(c - m[k]![1]).toFixed(0)}`).join(', ')} ms` : ''));
      })
      .catch((e) => said(`early check of ${uri} failed: ${errorText(e)}`))
      .finally(() => earlyChecks.delete(uri)));
  }

  documents.listen(connection);
  // Spawned early by the VS Code extension (earlyStart.ts): the targets and the parser start now, not at initialize.
  const { early, problem: earlyProblem } = takeEarlyStart();
  let earlyNote = earlyProblem;
  if (early) {
    roots = early.roots;
    settings = early.settings as Settings;
    markStartup('early');
    const first = configuration();
    targets.configure(first.specs);
    markStartup('configured');
    const loaded = targets.load();
    markStartup('load');
    void loaded.then(() => {
      const line = `early start: targets loaded ${performance.now().toFixed(0)} ms after the process started (process CPU ${cpuMs().toFixed(0)} ms)`;
      void afterInitialize.then(() => log(line));
    }, () => undefined);
    defines = first.defines;
    // what the configuration after `initialized` compares against: the same paths keep the early check's analysis
    includePaths = first.includePaths;
    warmParser();
    markStartup('parser');
    for (const uri of early.documents ?? []) earlyCheck(uri, loaded);
    markStartup('checks');
    earlyNote = `early start: ${first.specs.length} targets and the parser loading since ${performance.now().toFixed(0)} ms after the process started`
      + (early.spawnedAt ? ` (spawned at ${new Date(early.spawnedAt).toISOString().slice(11, 23)})` : '');
  }
  connection.listen();
}
