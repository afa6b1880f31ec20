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
import { codeActionsFor } from './features/codeActions';
import { Finding, SeveritySetting, siteFindings } from './features/diagnostics';
import { LiveSite, SiteEvaluation, evaluateSites } from './features/evaluate';
import { notesToPublish } from './features/notes';
import { plainAccessFindings } from './features/plainAccess';
import { TargetContext, describeSubset, macroHover, siteHover, typeHover } from './features/hover';
import { CORE_MACRO, InlayMode, inlayHints, programLenses, siteAt, sitesOfMacro, wordAt } from './features/present';
import { Analysis, Analyzer, createAnalyzer } from './source/analyzer';
import { CONFIG_FILE, ConfigProblem, readConfigFile, readDefines, resolveTargets, settingsProblems } from './targets/config';
import { TargetSet, TargetSpec, defaultTargetSpecs } from './targets/registry';
import { targetInfo } from './targets/summary';
import { STATUS_METHOD, serverStatus } from './status';
import { readTextInputSync } from './util/files';
import { createServerConnection } from './lspTransport';

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
}

/** `initializationOptions` the server understands. */
export interface InitOptions {
  /** Settings for clients without `workspace/configuration`. */
  settings?: Settings;
  /** Send the `corelens/status` notification after every target (re)load (the VS Code extension's status bar). */
  statusNotifications?: boolean;
}

interface DocResult {
  version: number;
  analysis: Analysis;
  evals: SiteEvaluation[];
  targetNames: string[];
  findings: Finding[];
}

/** Starts the server on the transport given in process.argv (--stdio, --node-ipc, --socket=N). */
export function startServer(connection: Connection = createServerConnection()): void {
  // Last line of defence: a bug in one request must not end the session for every document and target.
  process.on('unhandledRejection', (e) => connection.console.error(`corelens: unhandled: ${e instanceof Error ? e.stack : String(e)}`));
  process.on('uncaughtException', (e) => connection.console.error(`corelens: uncaught: ${e.stack ?? e.message}`));
  const documents = new TextDocuments(TextDocument);
  const targets = new TargetSet();
  const results = new Map<string, DocResult>();
  const timers = new Map<string, NodeJS.Timeout>();
  let analyzer: Analyzer | undefined;
  let analyzerReady: Promise<Analyzer> | undefined;
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
  const analysedWith = new Map<string, number>();
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
  /** Wall-clock time of day, for logs that must line up with an editor's own (first-run timing). */
  const clock = () => new Date().toISOString().slice(11, 23);
  /** The loaded targets with what their names say (versions), so hovers and messages can summarise fleets. */
  const contextOf = (names: readonly string[]): TargetContext => {
    const specs = new Map(targets.specs.map((s) => [s.name, s]));
    return { names, infos: names.map((n) => (specs.has(n) ? targetInfo(specs.get(n)!) : { name: n })) };
  };

  /** Documents whose first diagnostics were timed (the log says where first-run time goes). */
  const timed = new Set<string>();
  connection.onInitialize((params: InitializeParams): InitializeResult => {
    // performance.now() counts from process start: node start-up and loading the bundle included.
    log(`initialize at ${clock()}, ${performance.now().toFixed(0)} ms after the process started (node ${process.version})`);
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
    initSettings = init?.settings && typeof init.settings === 'object' ? init.settings : {};
    settings = initSettings;
    // First run: start reading the targets now (corelens.json, initializationOptions, else the defaults), during the
    // initialized / workspace/configuration round trips. The configuration that follows keeps every target whose
    // spec did not change (TargetSet.configure), so this only saves time.
    const first = configuration();
    targets.configure(first.specs);
    void targets.ensureLoaded();
    // and the parser warmed at `initialized` uses the defines it will be asked for
    defines = first.defines;
    return {
      capabilities: {
        textDocumentSync: TextDocumentSyncKind.Incremental,
        hoverProvider: true,
        inlayHintProvider: true,
        codeLensProvider: { resolveProvider: false },
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
      },
      serverInfo: { name: 'corelens', version: '0.1.0' },
    };
  });

  connection.onInitialized(async () => {
    // The parser (tree-sitter's wasm) starts loading now, beside the targets, not when the first document arrives.
    void getAnalyzer().catch((e) => log(`the source analysis could not start: ${(e as Error).message}`));
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

  async function pullSettings(): Promise<void> {
    if (!caps.configuration) return;
    try {
      const s = await connection.workspace.getConfiguration('corelens');
      settings = s && typeof s === 'object' && !Array.isArray(s) ? { ...initSettings, ...(s as Settings) } : initSettings;
    } catch (e) {
      log(`could not read settings: ${(e as Error).message}`);
    }
  }

  /** Targets, include paths, defines and problems from corelens.json and the current settings (nothing is applied). */
  function configuration(): { specs: TargetSpec[]; includePaths: string[]; defines: string[]; problems: ConfigProblem[] } {
    const problems: ConfigProblem[] = [];
    let specs: TargetSpec[] = [];
    const inc = [...(settings.includePaths ?? [])];
    const defs = readDefines(settings.defines, problems).map((d) => d);
    for (const root of roots) {
      const file = readConfigFile(root);
      if (!file) continue;
      // loops, not push(...): a hostile corelens.json with 100,000+ entries would overflow the stack
      for (const t of file.targets) specs.push(t);
      for (const p of file.includePaths) inc.push(p);
      for (const d of file.defines ?? []) defs.push(d);
      for (const p of file.problems) problems.push(p);
    }
    const fromSettings = resolveTargets(settings.targets, roots[0] ?? process.cwd());
    for (const p of fromSettings.problems) problems.push({ ...p, message: `settings corelens.targets: ${p.message}` });
    const named = new Set(specs.map((s) => s.name));
    for (const t of fromSettings.targets) if (!named.has(t.name)) specs.push(t);
    if (specs.length === 0 && settings.defaultTargets !== false) specs = defaultTargetSpecs();
    return { specs, includePaths: inc, defines: defs, problems };
  }

  /** Reads settings and corelens.json, reconfigures targets, loads them (with progress) and re-checks every document. */
  async function reconfigure(): Promise<void> {
    await pullSettings();
    const cfg = configuration();
    configProblems = cfg.problems;
    includePaths = cfg.includePaths;
    const specs = cfg.specs;
    for (const p of settingsProblems(settings, roots)) {
      configProblems.push(p);
      // Not written in a settings.json we can see (initializationOptions, user settings): say it once.
      if (!p.file && !reportedFailures.has(p.message)) {
        reportedFailures.add(p.message);
        void connection.sendNotification('window/showMessage', { type: 2, message: `corelens: ${p.message}` });
      }
    }
    if (cfg.defines.join('\u0000') !== defines.join('\u0000')) {
      // the macro state of every header changes: a new analyzer (its header cache is keyed by the defines anyway)
      defines = cfg.defines;
      analyzer = undefined;
      analyzerReady = undefined;
    }
    includeVersion++;
    targets.configure(specs);
    publishConfigProblems();
    targetsLoading = loadTargets();
    await targetsLoading;
    for (const doc of documents.all()) schedule(doc, 0);
  }

  async function loadTargets(): Promise<void> {
    const specs = targets.specs;
    let progress: { report(pct: number, msg: string): void; done(): void } | undefined;
    const t0 = performance.now();
    // Loading starts before the progress round trip, which only reports it.
    const loading = targets.ensureLoaded((done, total, name) => progress?.report(Math.round((100 * done) / total), `${name} (${done}/${total})`));
    if (caps.progress && specs.length) {
      try {
        const p = await connection.window.createWorkDoneProgress();
        p.begin('corelens: loading targets', 0, `${specs.length} targets`, false);
        progress = p;
      } catch {
        progress = undefined;
      }
    }
    await loading;
    progress?.done();
    const loaded = targets.loaded();
    log(`targets loaded in ${(performance.now() - t0).toFixed(0)} ms: ${loaded.map((t) => t.spec.name).join(', ') || 'none'}`);
    for (const f of targets.failed()) {
      const key = f.message;
      if (reportedFailures.has(key)) continue;
      reportedFailures.add(key);
      // A notification, not showWarningMessage's request: clients without window/showMessageRequest must not fail.
      void connection.sendNotification('window/showMessage', { type: 2, message: `corelens: ${f.message}. The other targets keep working.` });
      configProblems.push({ file: configFileFor(f.target), message: f.message });
    }
    publishConfigProblems();
    if (caps.status) void connection.sendNotification(STATUS_METHOD, serverStatus(targets, includePaths)); // editors' status bars
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
    for (const p of configProblems) {
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
    const i = m && lines ? lines.findIndex((l) => l.includes(`"${m[1]}"`)) : -1;
    if (i >= 0) return { start: { line: i, character: 0 }, end: { line: i, character: lines![i]!.length } };
    return { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } };
  }

  async function getAnalyzer(): Promise<Analyzer> {
    if (analyzer) return analyzer;
    analyzerReady ??= createAnalyzer({ defines });
    analyzer = await analyzerReady;
    return analyzer;
  }

  function schedule(doc: TextDocument, delayMs = 80): void {
    clearTimeout(timers.get(doc.uri));
    timers.set(doc.uri, setTimeout(() => {
      timers.delete(doc.uri);
      void check(doc.uri).catch((e) => log(`checking ${doc.uri} failed: ${e instanceof Error ? e.stack : String(e)}`));
    }, delayMs));
  }

  /** Analyses a document, relocates its sites on every loaded target, and publishes the findings. */
  async function check(uri: string): Promise<DocResult | undefined> {
    const doc = documents.get(uri);
    if (!doc) return undefined;
    const tStart = performance.now();
    const a = await getAnalyzer();
    const tAnalyzer = performance.now();
    const version = doc.version;
    let analysis: Analysis;
    try {
      // A first look, or new include paths: a full analysis with them; otherwise an update from the last one.
      if (analysedWith.get(uri) !== includeVersion) {
        analysis = a.analyze(uri, doc.getText(), { includePaths });
        analysedWith.set(uri, includeVersion);
      } else {
        analysis = a.update(uri, doc.getText());
      }
    } catch (e) {
      log(`analysis of ${uri} failed: ${(e as Error).message}`);
      return undefined;
    }
    const tAnalysed = performance.now();
    await targetsLoading;
    const tTargets = performance.now();
    const loaded = targets.loaded();
    const refs = loaded.map((t) => ({ name: t.spec.name, btf: t.btf }));
    let evals: SiteEvaluation[] = [];
    let findings: Finding[] = [];
    try {
      const local = analysis.localBtf();
      evals = evaluateSites(local, analysis.sites as LiveSite[], refs);
      const ctx = contextOf(refs.map((r) => r.name));
      // Messages name up to 4 targets, else a kernel-range summary: a fleet of 300 names helps nobody.
      const describeTargets = (names: readonly string[]) => describeSubset(names, ctx, 80);
      findings = siteFindings(local, evals, ctx.names, { severities: settings.severity, describeTargets });
      findings.push(...plainAccessFindings(local, analysis.plainAccesses, refs, { severities: settings.severity, describeTargets }));
    } catch (e) {
      log(`relocating ${uri} failed: ${e instanceof Error ? e.stack : String(e)}`);
    }
    const res: DocResult = { version, analysis, evals, targetNames: refs.map((r) => r.name), findings };
    results.set(uri, res);
    if (documents.get(uri)?.version !== version) return res; // a newer edit is on its way
    const diagnostics: Diagnostic[] = findings.map((f) => ({
      range: f.range, severity: f.severity as DiagnosticSeverity, code: f.code, source: 'corelens', message: f.message,
      ...(f.unnecessary ? { tags: [DiagnosticTag.Unnecessary] } : {}),
      data: { ...f.data, targets: f.targets },
    }));
    for (const n of notesToPublish(analysis.notes, settings.syntaxDiagnostics === true)) {
      diagnostics.push({
        range: n.range, source: 'corelens', code: 'core-analysis', message: n.message,
        severity: n.severity === 'error' ? DiagnosticSeverity.Warning : DiagnosticSeverity.Information,
      });
    }
    void connection.sendDiagnostics({ uri, version, diagnostics });
    if (!timed.has(uri)) {
      timed.add(uri);
      const ms = (a: number, b: number) => `${(b - a).toFixed(0)} ms`;
      log(`first diagnostics for ${path.basename(uri)} at ${clock()}, ${performance.now().toFixed(0)} ms after start: parser ${ms(tStart, tAnalyzer)}, `
        + `analysis ${ms(tAnalyzer, tAnalysed)}, waiting for targets ${ms(tAnalysed, tTargets)}, relocation ${ms(tTargets, performance.now())}`);
    }
    if (caps.inlayRefresh) void connection.languages.inlayHint.refresh().catch(() => undefined);
    if (caps.codeLensRefresh) void connection.sendRequest('workspace/codeLens/refresh').catch(() => undefined);
    return res;
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

  documents.onDidOpen((e) => schedule(e.document, 0));
  documents.onDidChangeContent((e) => schedule(e.document));
  documents.onDidClose((e) => {
    results.delete(e.document.uri);
    analysedWith.delete(e.document.uri);
    analyzer?.close(e.document.uri);
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
      else if (targets.invalidateFile(file)) reload = true;
    }
    if (reload) await reconfigure();
  });

  connection.onHover(async (p): Promise<Hover | null> => {
    const r = await current(p.textDocument.uri);
    const doc = documents.get(p.textDocument.uri);
    if (!r || !doc) return null;
    const local = r.analysis.localBtf();
    const ev = siteAt(r.evals, p.position);
    const ctx = contextOf(r.targetNames);
    // The text is written to read well raw (hover.ts), so plain-text clients get the very same string.
    const hover = (value: string, range: Hover['range']): Hover => ({ contents: { kind: caps.markdownHover ? MarkupKind.Markdown : MarkupKind.PlainText, value }, range });
    if (ev) return hover(siteHover(local, ev, ctx), ev.site.range);
    const w = wordAt(doc.getText(), p.position);
    if (!w) return null;
    const range = { start: w.start, end: w.end };
    if (w.keyword) {
      const refs = targets.loaded().map((t) => ({ name: t.spec.name, btf: t.btf }));
      const md = typeHover(w.keyword, w.word, refs, contextOf(refs.map((x) => x.name)));
      return md ? hover(md, range) : null;
    }
    if (CORE_MACRO.test(w.word)) {
      const hops = sitesOfMacro(r.evals, doc.getText(), w.start);
      if (!hops.length) return null;
      return hover(macroHover(local, w.word, hops, ctx), range);
    }
    return null;
  });

  connection.languages.inlayHint.on(async (p): Promise<InlayHint[]> => {
    const r = await current(p.textDocument.uri);
    if (!r) return [];
    const mode = settings.inlayHints?.offsets ?? 'primary';
    return inlayHints(r.analysis.localBtf(), r.evals, r.targetNames, mode, contextOf(r.targetNames))
      .filter((h) => h.position.line >= p.range.start.line && h.position.line <= p.range.end.line)
      .map((h) => ({ position: h.position, label: h.label, tooltip: h.tooltip, paddingLeft: true }));
  });

  connection.onCodeLens(async (p): Promise<CodeLens[]> => {
    const r = await current(p.textDocument.uri);
    if (!r) return [];
    const programs = r.analysis.functions.filter((f) => f.section !== undefined);
    return programLenses(programs, r.evals, r.targetNames, contextOf(r.targetNames)).map((l) => ({
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
    const refs = targets.loaded().filter((t) => r.targetNames.includes(t.spec.name)).map((t) => ({ name: t.spec.name, btf: t.btf }));
    const fixCtx = { doc, local: r.analysis.localBtf(), findings: r.findings, targets: refs, infos: contextOf(r.targetNames).infos, versioned: caps.documentChanges };
    return codeActionsFor(fixCtx, p.context.diagnostics, p.range);
  });

  connection.onRequest(STATUS_METHOD, () => serverStatus(targets, includePaths));

  documents.listen(connection);
  connection.listen();
}
