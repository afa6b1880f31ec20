// The corelens language server: LSP glue only (capabilities, documents, configuration, targets, progress).
// Features live in features/; analysis in source/; relocation in core/.

import * as fs from 'fs';
import * as path from 'path';
import { fileURLToPath, pathToFileURL } from 'url';
import {
  CodeAction, CodeActionKind, CodeLens, Connection, Diagnostic, DiagnosticSeverity, DiagnosticTag, DidChangeConfigurationNotification,
  DidChangeWatchedFilesNotification, Hover, InitializeParams, InitializeResult, InlayHint, MarkupKind, ProposedFeatures,
  TextDocumentSyncKind, TextDocuments, WatchKind, createConnection,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { codeActionsFor } from './features/codeActions';
import { Finding, SeveritySetting, siteFindings } from './features/diagnostics';
import { LiveSite, SiteEvaluation, evaluateSites } from './features/evaluate';
import { plainAccessFindings } from './features/plainAccess';
import { CORE_MACRO, InlayMode, hoverMarkdown, inlayHints, programLenses, siteAt, sitesOfMacro, typeHoverMarkdown, wordAt } from './features/present';
import { Analysis, Analyzer, createAnalyzer } from './source/analyzer';
import { CONFIG_FILE, ConfigProblem, readConfigFile, readDefines, resolveTargets } from './targets/config';
import { TargetSet, TargetSpec, defaultTargetSpecs } from './targets/registry';
import { STATUS_METHOD, serverStatus } from './status';

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
}

interface DocResult {
  version: number;
  analysis: Analysis;
  evals: SiteEvaluation[];
  targetNames: string[];
  findings: Finding[];
}

/** Starts the server on the transport given in process.argv (--stdio, --node-ipc, --socket=N). */
export function startServer(connection: Connection = createConnection(ProposedFeatures.all)): void {
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
  let configProblems: ConfigProblem[] = [];
  let includePaths: string[] = [];
  /** The defines the current analyzer was created with (a change makes a new analyzer). */
  let defines: string[] = [];
  /** Bumped when include paths change, so every document is analysed afresh with them. */
  let includeVersion = 0;
  const analysedWith = new Map<string, number>();
  let caps = { configuration: false, progress: false, watch: false, inlayRefresh: false, codeLensRefresh: false };
  const reportedFailures = new Set<string>();
  /**
   * The target load in progress: checks wait for it, so findings never name a half-loaded target set ("missing on
   * 6.1" while 6.18 is still decompressing); a target that fails is skipped once it failed, not waited for again.
   */
  let targetsLoading: Promise<void> = Promise.resolve();
  const log = (m: string) => connection.console.log(`corelens: ${m}`);

  connection.onInitialize((params: InitializeParams): InitializeResult => {
    const c = params.capabilities;
    caps = {
      configuration: !!c.workspace?.configuration,
      progress: !!c.window?.workDoneProgress,
      watch: !!c.workspace?.didChangeWatchedFiles?.dynamicRegistration,
      inlayRefresh: !!c.workspace?.inlayHint?.refreshSupport,
      codeLensRefresh: !!c.workspace?.codeLens?.refreshSupport,
    };
    roots = (params.workspaceFolders?.map((f) => f.uri) ?? (params.rootUri ? [params.rootUri] : []))
      .filter((u) => u.startsWith('file:')).map((u) => fileURLToPath(u));
    settings = (params.initializationOptions as { settings?: Settings } | undefined)?.settings ?? {};
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
    if (caps.configuration) void connection.client.register(DidChangeConfigurationNotification.type, { section: 'corelens' });
    if (caps.watch) {
      void connection.client.register(DidChangeWatchedFilesNotification.type, {
        watchers: [{ globPattern: `**/${CONFIG_FILE}`, kind: WatchKind.Create | WatchKind.Change | WatchKind.Delete },
          { globPattern: '**/*.{btf,xz,gz,o,h}', kind: WatchKind.Change | WatchKind.Create }],
      });
    }
    await reconfigure();
  });

  async function pullSettings(): Promise<void> {
    if (!caps.configuration) return;
    try {
      const s = await connection.workspace.getConfiguration('corelens');
      if (s && typeof s === 'object') settings = s as Settings;
    } catch (e) {
      log(`could not read settings: ${(e as Error).message}`);
    }
  }

  /** Reads settings and corelens.json, reconfigures targets, loads them (with progress) and re-checks every document. */
  async function reconfigure(): Promise<void> {
    await pullSettings();
    configProblems = [];
    let specs: TargetSpec[] = [];
    includePaths = [...(settings.includePaths ?? [])];
    const defs = readDefines(settings.defines, configProblems).map((d) => d);
    for (const root of roots) {
      const file = readConfigFile(root);
      if (!file) continue;
      specs.push(...file.targets);
      includePaths.push(...file.includePaths);
      defs.push(...(file.defines ?? []));
      configProblems.push(...file.problems);
    }
    const fromSettings = resolveTargets(settings.targets, roots[0] ?? process.cwd());
    configProblems.push(...fromSettings.problems.map((p) => ({ ...p, message: `settings corelens.targets: ${p.message}` })));
    specs.push(...fromSettings.targets.filter((t) => !specs.some((s) => s.name === t.name)));
    if (specs.length === 0 && settings.defaultTargets !== false) specs = defaultTargetSpecs();
    if (defs.join('\u0000') !== defines.join('\u0000')) {
      // the macro state of every header changes: a new analyzer (its header cache is keyed by the defines anyway)
      defines = defs;
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
    if (caps.progress && specs.length) {
      try {
        const p = await connection.window.createWorkDoneProgress();
        p.begin('corelens: loading targets', 0, `${specs.length} targets`, false);
        progress = p;
      } catch {
        progress = undefined;
      }
    }
    await targets.ensureLoaded((done, total, name) => progress?.report(Math.round((100 * done) / total), `${name} (${done}/${total})`));
    progress?.done();
    const loaded = targets.loaded();
    log(`targets loaded: ${loaded.map((t) => t.spec.name).join(', ') || 'none'}`);
    for (const f of targets.failed()) {
      const key = f.message;
      if (reportedFailures.has(key)) continue;
      reportedFailures.add(key);
      // A notification, not showWarningMessage's request: clients without window/showMessageRequest must not fail.
      void connection.sendNotification('window/showMessage', { type: 2, message: `corelens: ${f.message}. The other targets keep working.` });
      configProblems.push({ file: configFileFor(f.target), message: f.message });
    }
    publishConfigProblems();
    void connection.sendNotification(STATUS_METHOD, serverStatus(targets, includePaths)); // editors' status bars
  }

  function configFileFor(target: string): string | undefined {
    for (const root of roots) {
      const file = path.join(root, CONFIG_FILE);
      try {
        if (fs.readFileSync(file, 'utf8').includes(`"${target}"`)) return file;
      } catch {
        // no config file there
      }
    }
    return undefined;
  }

  /** Problems in corelens.json (bad entries, targets that failed to load) as diagnostics on that file. */
  function publishConfigProblems(): void {
    const byFile = new Map<string, Diagnostic[]>();
    for (const root of roots) byFile.set(path.join(root, CONFIG_FILE), []);
    for (const p of configProblems) {
      if (!p.file) continue;
      const list = byFile.get(p.file) ?? [];
      list.push({ range: rangeOfText(p.file, p.message), severity: DiagnosticSeverity.Error, source: 'corelens', code: 'core-config', message: p.message });
      byFile.set(p.file, list);
    }
    for (const [file, diags] of byFile) {
      if (fs.existsSync(file) || diags.length) void connection.sendDiagnostics({ uri: pathToFileURL(file).toString(), diagnostics: diags });
    }
  }

  function rangeOfText(file: string, message: string) {
    try {
      const lines = fs.readFileSync(file, 'utf8').split('\n');
      const m = /target (\S+):/.exec(message);
      const i = m ? lines.findIndex((l) => l.includes(`"${m[1]}"`)) : -1;
      if (i >= 0) return { start: { line: i, character: 0 }, end: { line: i, character: lines[i]!.length } };
    } catch {
      // fall through to the first line
    }
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
    const a = await getAnalyzer();
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
    await targetsLoading;
    const loaded = targets.loaded();
    const refs = loaded.map((t) => ({ name: t.spec.name, btf: t.btf }));
    let evals: SiteEvaluation[] = [];
    let findings: Finding[] = [];
    try {
      const local = analysis.localBtf();
      evals = evaluateSites(local, analysis.sites as LiveSite[], refs);
      findings = siteFindings(local, evals, refs.map((r) => r.name), { severities: settings.severity });
      findings.push(...plainAccessFindings(local, analysis.plainAccesses, refs, { severities: settings.severity }));
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
    for (const n of analysis.notes) {
      diagnostics.push({
        range: n.range, source: 'corelens', code: 'core-analysis', message: n.message,
        severity: n.severity === 'error' ? DiagnosticSeverity.Warning : DiagnosticSeverity.Information,
      });
    }
    void connection.sendDiagnostics({ uri, version, diagnostics });
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
    if (ev) return { contents: { kind: MarkupKind.Markdown, value: hoverMarkdown(local, ev, r.targetNames) }, range: ev.site.range };
    const w = wordAt(doc.getText(), p.position);
    if (!w) return null;
    const range = { start: w.start, end: w.end };
    if (w.keyword) {
      const refs = targets.loaded().map((t) => ({ name: t.spec.name, btf: t.btf }));
      const md = typeHoverMarkdown(w.keyword, w.word, refs);
      return md ? { contents: { kind: MarkupKind.Markdown, value: md }, range } : null;
    }
    if (CORE_MACRO.test(w.word)) {
      const hops = sitesOfMacro(r.evals, doc.getText(), w.start);
      if (!hops.length) return null;
      const value = hops.map((h) => hoverMarkdown(local, h, r.targetNames)).join('\n\n---\n\n');
      return { contents: { kind: MarkupKind.Markdown, value: `\`${w.word}\`: ${hops.length} relocation${hops.length === 1 ? '' : 's'}\n\n${value}` }, range };
    }
    return null;
  });

  connection.languages.inlayHint.on(async (p): Promise<InlayHint[]> => {
    const r = await current(p.textDocument.uri);
    if (!r) return [];
    const mode = settings.inlayHints?.offsets ?? 'primary';
    return inlayHints(r.analysis.localBtf(), r.evals, r.targetNames, mode)
      .filter((h) => h.position.line >= p.range.start.line && h.position.line <= p.range.end.line)
      .map((h) => ({ position: h.position, label: h.label, tooltip: h.tooltip, paddingLeft: true }));
  });

  connection.onCodeLens(async (p): Promise<CodeLens[]> => {
    const r = await current(p.textDocument.uri);
    if (!r) return [];
    const programs = r.analysis.functions.filter((f) => f.section !== undefined);
    return programLenses(programs, r.evals, r.targetNames).map((l) => ({
      range: { start: l.range.start, end: l.range.start },
      command: { title: l.title, command: '' },
    }));
  });

  connection.onCodeAction(async (p): Promise<CodeAction[]> => {
    const doc = documents.get(p.textDocument.uri);
    const r = await current(p.textDocument.uri);
    if (!doc || !r) return [];
    const local = r.analysis.localBtf();
    const refs = targets.loaded().map((t) => ({ name: t.spec.name, btf: t.btf }));
    return codeActionsFor(doc, local, p.context.diagnostics, r.findings, refs);
  });

  connection.onRequest(STATUS_METHOD, () => serverStatus(targets, includePaths));

  documents.listen(connection);
  connection.listen();
}
