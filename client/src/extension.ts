// The corelens VS Code extension: starts the bundled language server for BPF C documents, shows target status,
// and contributes the CO-RE commands (build, relocate, layout, targets, BTF tools).
import { BUNDLE_EVALUATION_BEGAN, debugging, forkServer, isOpenBpf, pipeOutput, reap } from './serverProcess';
import type { ChildProcess } from 'child_process';
import * as vscode from 'vscode';
import {
  DidOpenTextDocumentNotification, IPCMessageReader, IPCMessageWriter, LanguageClient, LanguageClientOptions, Middleware,
  ServerOptions, State, TransportKind,
} from 'vscode-languageclient/node';
import { BPF_FILE_PATTERN, isBpfSource } from './bpfDocument';
import { StatusBar, showStatusDetails } from './status';
import { ServerStatus, initTools } from './tools';
import { registerBuild } from './commands/build';
import { registerRelocate } from './commands/relocate';
import { registerLayout } from './commands/layout';
import { registerTargets } from './commands/targets';
import { registerBtfTools } from './commands/btfTools';
import { registerClangd } from './commands/clangd';

/** Date.now() once every module of the bundle ran (the language client library included): the timeline's mark. */
const BUNDLE_EVALUATED = Date.now();

/** The launcher that compiled this bundle through its V8 code cache (client/src/extensionLoader.ts, dist/extension.js),
 * when it did: its start is where the bundle's load began, and its cache is written once the first problem is out. */
const loader = (globalThis as Record<symbol, unknown>)[Symbol.for('corelens.extensionLoader')] as { began: number; state: string; save(): void } | undefined;

/** What the server's process runs: dist/server.js runs dist/corelens.js through a V8 code cache (serverLoader.ts). */
const SERVER_SCRIPT = 'dist/server.js';
const STATUS_METHOD = 'corelens/status'; // server/src/status.ts
const TRUST_METHOD = 'corelens/workspaceTrust'; // server/src/server.ts

/** What command modules share: the running client, the latest target status, the log. */
export interface Ctx {
  readonly context: vscode.ExtensionContext;
  readonly output: vscode.LogOutputChannel;
  /** The server's current targets (asks the server; falls back to the last pushed snapshot). */
  status(): Promise<ServerStatus>;
}

let client: LanguageClient | undefined;
/** The process the current client talks to (forked by us, not by the client: see serverProcess.ts). */
let serverProc: ChildProcess | undefined;
/** URIs whose text the server has: the BPF documents (see bpfDocument.ts for why a middleware decides). */
const onServer = new Set<string>();

/**
 * How long activate() may wait for the first diagnostics of the BPF program that activated us (issue 15). VS Code's
 * extension host, starting, activates the `*` and `workspaceContains` extensions (git, GitHub, ...) and then the
 * `onStartupFinished` ones only once the activations requested during its start have finished, or after 1 s: while
 * our activate() is pending, their loading and their processes do not compete with our server for the cores on the
 * path to the first problem. Past this bound activate() returns anyway (a command run meanwhile waits for it).
 * Off unless CORELENS_ACTIVATION_HOLD=1 (the extension host's environment): at the loads it was measured at, VS Code's
 * own 1 s bound came first either way, and no gain showed (README, round 15); kept for a quiet A/B.
 */
const ACTIVATION_HOLD_MS = process.env.CORELENS_ACTIVATION_HOLD === '1' ? 1000 : 0;
/**
 * CORELENS_EARLY_RETURN=1 (off: an A/B switch, README round 17): activate() returns once the server is forked and the
 * client's start is under way, not when the client runs (after the `initialize` round trip with a server still
 * starting). VS Code starts its eager extensions (git, GitHub, emmet, ...) on the extension host's thread when the
 * activations it asked for during its start have returned, or 1 s after: returned at once, their activation (~200 ms
 * of that thread in one profile) moves from our first diagnostics' arrival (seen holding them 250-300 ms) to our
 * server's start, which it then slows as much: no net gain in code-server first runs.
 */
const EARLY_RETURN = process.env.CORELENS_EARLY_RETURN === '1';
/** Resolved when the language client hands VS Code its first diagnostics (any document, even none). */
let firstPublication: () => void = () => undefined;
const firstPublished = new Promise<void>((r) => (firstPublication = r));

/**
 * CORELENS_SPAWN_FIRST=1 (off: an A/B switch, README round 17): the server process is forked as activate()'s first
 * step when a BPF document is already open (what activated us) and handed to the language client when it starts,
 * instead of by the client's start after the output channel, the status bar, the commands and the client's own
 * construction (10-50 ms of the extension host's thread in code-server). The fork then came 37 ms sooner but the
 * server's start shared the cores with that construction: no net gain in code-server first runs.
 */
let preforked: { proc: ChildProcess; spawnedAt: number } | undefined;
const SPAWN_FIRST = process.env.CORELENS_SPAWN_FIRST === '1';

/** Activation: output channel, status bar, language client, commands. Returns the API the integration tests use. */
export async function activate(context: vscode.ExtensionContext): Promise<{ status(): Promise<ServerStatus>; onServer: ReadonlySet<string> }> {
  const activatedAt = Date.now();
  if (SPAWN_FIRST && !debugging && vscode.workspace.textDocuments.some(isOpenBpf)) {
    preforked = forkServer(context.asAbsolutePath(SERVER_SCRIPT), true);
    serverProc = preforked.proc; // reaped by deactivate() even if activation fails before the client takes it
  }
  const output = vscode.window.createOutputChannel('corelens', { log: true });
  const clock = () => new Date().toISOString().slice(11, 23);
  output.appendLine(`corelens: extension bundle evaluation began at ${new Date(loader?.began ?? BUNDLE_EVALUATION_BEGAN).toISOString().slice(11, 23)}`
    + `, ended at ${new Date(BUNDLE_EVALUATED).toISOString().slice(11, 23)}; code cache ${loader ? loader.state : 'not used'}`);
  output.appendLine(`corelens: extension activated at ${new Date(activatedAt).toISOString().slice(11, 23)}`);
  const statusBar = new StatusBar();
  context.subscriptions.push(output, statusBar);
  initTools(context, output);

  const ctx: Ctx = {
    context, output,
    async status() {
      await ensureStarted();
      if (client?.isRunning()) {
        try {
          const s = await client.sendRequest<ServerStatus>(STATUS_METHOD);
          statusBar.update(s);
          return s;
        } catch (e) {
          output.appendLine(`corelens/status failed: ${(e as Error).message}`);
        }
      }
      if (statusBar.status) return statusBar.status;
      throw new Error('the corelens language server is not running (see the corelens output)');
    },
  };

  let starting: Promise<void> | undefined;
  const start = async () => {
    const t0 = Date.now();
    onServer.clear();
    client = createClient(context, output);
    client.onNotification(STATUS_METHOD, (s: ServerStatus) => statusBar.update(s));
    // Build on save runs clang: only once the workspace is trusted (server/src/build/onSave.ts).
    context.subscriptions.push(vscode.workspace.onDidGrantWorkspaceTrust(() => {
      if (client?.isRunning()) void client.sendNotification(TRUST_METHOD, { trusted: true });
    }));
    client.onDidChangeState((e) => {
      if (e.newState === State.Stopped) statusBar.stopped('see the corelens output');
      if (e.newState === State.Starting) statusBar.starting();
    });
    await client.start();
    output.appendLine(`corelens: language server running at ${clock()}, ${Date.now() - t0} ms after it was started`);
  };

  context.subscriptions.push(
    vscode.commands.registerCommand('corelens.showLog', () => output.show(true)),
    vscode.commands.registerCommand('corelens.showStatus', () => showStatusDetails(statusBar.status, () => output.show(true))),
    vscode.commands.registerCommand('corelens.restartServer', async () => {
      await client?.stop().catch(() => undefined);
      if (serverProc) reap(serverProc);
      starting = start();
      await starting;
    }),
    { dispose: () => void client?.stop().finally(() => serverProc && reap(serverProc)) },
  );
  registerBuild(ctx);
  registerRelocate(ctx);
  registerLayout(ctx);
  registerTargets(ctx);
  registerBtfTools(ctx);
  registerClangd(ctx);

  // `onLanguage:c` activates us for every C file, BPF or not: the server (which loads every target) starts only
  // once a BPF document is open, or a command needs it, so plain C workspaces pay nothing.
  async function ensureStarted(): Promise<void> {
    if (!starting) output.appendLine(`corelens: a BPF document is open: starting the language server at ${clock()}`);
    starting ??= start().catch((e) => {
      statusBar.stopped((e as Error).message);
      output.appendLine(`corelens: the language server did not start: ${(e as Error).stack ?? e}`);
    });
    await starting;
  }
  const isBpf = isOpenBpf;
  if (vscode.workspace.textDocuments.some(isBpf)) {
    const started = ensureStarted();
    if (!EARLY_RETURN || ACTIVATION_HOLD_MS > 0) await started;
    if (ACTIVATION_HOLD_MS > 0) {
      const t0 = Date.now();
      let timer: NodeJS.Timeout | undefined;
      const held = await Promise.race([firstPublished.then(() => 'the first diagnostics'),
        new Promise<string>((r) => (timer = setTimeout(() => r('its bound'), ACTIVATION_HOLD_MS)))]);
      clearTimeout(timer);
      output.appendLine(`corelens: activation held ${Date.now() - t0} ms, until ${held}, at ${clock()}`);
    } else output.appendLine(`corelens: activate() returns at ${clock()}`);
  } else {
    statusBar.hide();
    const wait = vscode.workspace.onDidOpenTextDocument((d) => {
      if (!isBpf(d)) return;
      wait.dispose();
      void ensureStarted();
    });
    context.subscriptions.push(wait);
    // A workspace of BPF programs (a *.bpf.c or a corelens.json in it) starts the server now, not when the first
    // program is opened: the targets load while the user picks a file, so its first problems come that much sooner.
    void bpfWorkspace().then((yes) => {
      if (!yes || starting) return;
      wait.dispose();
      output.appendLine(`corelens: the workspace holds BPF programs: starting the language server early at ${clock()}`);
      void ensureStarted();
    });
  }
  return { status: () => ctx.status(), onServer };
}

/**
 * Whether an open folder holds a `*.bpf.c` or a `corelens.json` (what the `workspaceContains` activation events
 * say; `onLanguage:c` alone activates us in plain C workspaces too, where the server must not start).
 */
async function bpfWorkspace(): Promise<boolean> {
  if (!vscode.workspace.workspaceFolders?.length) return false;
  try {
    for (const glob of ['**/corelens.json', '**/*.bpf.c']) {
      if ((await vscode.workspace.findFiles(glob, '**/node_modules/**', 1)).length) return true;
    }
  } catch {
    // no file search (a virtual workspace): wait for a BPF document instead
  }
  return false;
}

/** Stops the server with the extension. */
export async function deactivate(): Promise<void> {
  await client?.stop();
  if (serverProc) reap(serverProc);
}

/**
 * The language client: bundled dist/corelens.js over node IPC, BPF documents only. We fork the process ourselves
 * (serverProcess.ts: with the early-start hint); under a debugger the client forks it itself with --inspect.
 */
function createClient(context: vscode.ExtensionContext, output: vscode.LogOutputChannel): LanguageClient {
  const module = context.asAbsolutePath(SERVER_SCRIPT);
  const serverOptions: ServerOptions = debugging ? {
    run: { module, args: ['lsp'], transport: TransportKind.ipc },
    // "Attach to Server" in .vscode/launch.json connects to this port.
    debug: { module, args: ['lsp'], transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6009'] } },
  } : async () => {
    // the process activate() forked first, once and while it lives (a restart forks a fresh one)
    const first = preforked?.proc.connected ? preforked : undefined;
    preforked = undefined;
    const { proc, spawnedAt } = first ?? forkServer(module, true);
    output.appendLine(`corelens: language server process spawned at ${new Date(spawnedAt).toISOString().slice(11, 23)}`);
    if (proc.pid === undefined) throw new Error(`could not start node on ${module}`);
    serverProc = proc;
    pipeOutput(proc, output);
    proc.on('exit', (code, signal) => {
      if (code) output.error(`Server process exited with code ${code}.`);
      else if (signal && signal !== 'SIGTERM') output.error(`Server process exited with signal ${signal}.`);
    });
    return { reader: new IPCMessageReader(proc), writer: new IPCMessageWriter(proc), detached: false };
  };
  const owned = (doc: vscode.TextDocument) => onServer.has(doc.uri.toString());
  let firstDiagnostics = true;
  const middleware: Middleware = {
    // the first-run timeline's mark between the server's publication and VS Code's Problems panel
    handleDiagnostics: (uri, diagnostics, next) => {
      next(uri, diagnostics);
      firstPublication();
      if (firstDiagnostics && diagnostics.length) {
        firstDiagnostics = false;
        output.appendLine(`corelens: first diagnostics handed to VS Code at ${new Date().toISOString().slice(11, 23)}`);
        // the extension's code cache, with the activation's and the client's functions compiled by now (a second
        // later: VS Code's follow-up requests through the client too); written only when none was taken
        setTimeout(() => {
          const was = loader?.state;
          loader?.save();
          if (loader && loader.state !== was) output.appendLine(`corelens: extension code cache ${loader.state}`);
        }, 1000).unref?.();
      }
    },
    didOpen: async (doc, next) => {
      if (!isBpfSource(doc.fileName, doc.getText())) return;
      onServer.add(doc.uri.toString());
      await next(doc);
    },
    didChange: async (e, next) => {
      if (owned(e.document)) return next(e);
      // A plain C file that just gained `#include "vmlinux.h"`: open it on the server now, with its full text.
      if (!isBpfSource(e.document.fileName, e.document.getText())) return;
      onServer.add(e.document.uri.toString());
      await client!.sendNotification(DidOpenTextDocumentNotification.type, client!.code2ProtocolConverter.asOpenTextDocumentParams(e.document));
    },
    didClose: async (doc, next) => {
      if (!onServer.delete(doc.uri.toString())) return;
      await next(doc);
    },
    didSave: async (doc, next) => (owned(doc) ? next(doc) : undefined),
    willSave: async (e, next) => (owned(e.document) ? next(e) : undefined),
    provideHover: (doc, pos, token, next) => (owned(doc) ? next(doc, pos, token) : undefined),
    provideInlayHints: (doc, range, token, next) => (owned(doc) ? next(doc, range, token) : []),
    provideCodeLenses: (doc, token, next) => (owned(doc) ? next(doc, token) : []),
    provideCodeActions: (doc, range, c, token, next) => (owned(doc) ? next(doc, range, c, token) : []),
  };
  const clientOptions: LanguageClientOptions = {
    // Stay on languageId `c` so clangd / C/C++ keep working; `*.bpf.{c,h}` always, other C files when the middleware
    // sees a BPF include (a glob cannot), hence the second, broader selector.
    documentSelector: [{ scheme: 'file', language: 'c', pattern: BPF_FILE_PATTERN }, { scheme: 'file', language: 'c' }],
    outputChannel: output,
    diagnosticCollectionName: 'corelens',
    // The status bar listens for `corelens/status`; the server sends it only to clients that ask (InitOptions).
    // workspaceTrusted: the server builds saved programs with clang only in a trusted workspace.
    initializationOptions: { statusNotifications: true, workspaceTrusted: vscode.workspace.isTrusted },
    middleware,
  };
  return new LanguageClient('corelens', 'corelens', serverOptions, clientOptions);
}
