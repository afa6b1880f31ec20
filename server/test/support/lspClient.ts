// A real LSP client for tests: spawns `corelens lsp --stdio` and talks JSON-RPC to it over the pipes.

import { ChildProcess, spawn } from 'child_process';
import * as path from 'path';
import { pathToFileURL } from 'url';
import {
  Diagnostic, InitializeResult, ProtocolConnection, PublishDiagnosticsParams, StreamMessageReader, StreamMessageWriter,
  createProtocolConnection,
} from 'vscode-languageserver-protocol/node';
import { REPO_ROOT } from './paths';

export interface TestClient {
  conn: ProtocolConnection;
  proc: ChildProcess;
  init: InitializeResult;
  messages: { type: number; message: string }[];
  stderr: string[];
  /** Resolves with the next diagnostics for `uri` that satisfy `pred` (or rejects after `ms`). */
  diagnostics(uri: string, pred?: (d: Diagnostic[]) => boolean, ms?: number): Promise<Diagnostic[]>;
  latest: Map<string, PublishDiagnosticsParams>;
  /** The server's window/logMessage lines, in order. */
  logs: string[];
  /** Methods the server registered dynamically (client/registerCapability), in order. */
  registrations: string[];
  /** Notifications received by method (beyond diagnostics), in order. */
  notifications: { method: string; params: unknown }[];
  stop(): Promise<void>;
}

/** What a test client says about itself beyond the defaults. */
export interface ClientOptions {
  /** Replaces the default client capabilities (an editor with fewer features). */
  capabilities?: Record<string, unknown>;
  /** Merged into initializationOptions (beside `settings`). */
  initializationOptions?: Record<string, unknown>;
  /** Added to the server's environment (e.g. CORELENS_CACHE). */
  env?: Record<string, string>;
}

/**
 * Starts the server with a workspace folder and initialization options; answers workspace/configuration.
 * `script`: which corelens entry to run (default the compiled CLI; the e2e tests pass the .vsix's bundle).
 */
export async function startClient(root: string, settings: Record<string, unknown> = {},
  script = path.join(REPO_ROOT, 'server', 'bin', 'corelens.js'), opts: ClientOptions = {}): Promise<TestClient> {
  const proc = spawn(process.execPath, [script, 'lsp', '--stdio'], {
    cwd: root, stdio: ['pipe', 'pipe', 'pipe'], ...(opts.env ? { env: { ...process.env, ...opts.env } } : {}),
  });
  const logs: string[] = [];
  const stderr: string[] = [];
  proc.stderr!.on('data', (b) => stderr.push(String(b)));
  const conn = createProtocolConnection(new StreamMessageReader(proc.stdout!), new StreamMessageWriter(proc.stdin!));
  const latest = new Map<string, PublishDiagnosticsParams>();
  const waiters: { uri: string; pred: (d: Diagnostic[]) => boolean; resolve: (d: Diagnostic[]) => void }[] = [];
  const messages: { type: number; message: string }[] = [];
  conn.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => {
    latest.set(p.uri, p);
    for (const w of [...waiters]) {
      if (w.uri === p.uri && w.pred(p.diagnostics)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(p.diagnostics);
      }
    }
  });
  conn.onNotification('window/showMessage', (m: { type: number; message: string }) => {
    messages.push(m);
  });
  conn.onRequest('window/showMessageRequest', (m: { type: number; message: string }) => {
    messages.push(m);
    return null;
  });
  conn.onNotification('window/logMessage', (m: { message: string }) => { logs.push(m.message); });
  conn.onRequest('workspace/configuration', (p: { items: unknown[] }) => p.items.map(() => settings));
  const registrations: string[] = [];
  const notifications: { method: string; params: unknown }[] = [];
  conn.onRequest('client/registerCapability', (p: { registrations: { method: string }[] }) => {
    registrations.push(...p.registrations.map((r) => r.method));
    return null;
  });
  conn.onNotification('corelens/status', (params: unknown) => { notifications.push({ method: 'corelens/status', params }); });
  conn.onRequest('window/workDoneProgress/create', () => null);
  conn.onNotification('$/progress', () => undefined);
  conn.onRequest('workspace/inlayHint/refresh', () => null);
  conn.onRequest('workspace/codeLens/refresh', () => null);
  conn.listen();
  const init = await conn.sendRequest<InitializeResult>('initialize', {
    processId: process.pid,
    rootUri: pathToFileURL(root).toString(),
    workspaceFolders: [{ uri: pathToFileURL(root).toString(), name: 'ws' }],
    capabilities: opts.capabilities ?? {
      workspace: { configuration: true, didChangeWatchedFiles: { dynamicRegistration: true }, inlayHint: { refreshSupport: true } },
      window: { workDoneProgress: true },
      textDocument: { publishDiagnostics: { relatedInformation: true }, hover: { contentFormat: ['markdown'] } },
    },
    initializationOptions: { settings, ...opts.initializationOptions },
  });
  await conn.sendNotification('initialized', {});
  return {
    conn, proc, init, messages, stderr, latest, logs, registrations, notifications,
    diagnostics(uri, pred = () => true, ms = 30_000) {
      const have = latest.get(uri);
      if (have && pred(have.diagnostics)) return Promise.resolve(have.diagnostics);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no matching diagnostics for ${uri} within ${ms} ms; stderr: ${stderr.join('')}`)), ms);
        waiters.push({ uri, pred, resolve: (d) => { clearTimeout(timer); resolve(d); } });
      });
    },
    async stop() {
      try {
        await conn.sendRequest('shutdown');
        await conn.sendNotification('exit');
      } catch {
        // the server may already be gone
      }
      await new Promise<void>((r) => {
        const t = setTimeout(() => { proc.kill(); r(); }, 3000);
        proc.once('exit', () => { clearTimeout(t); r(); });
      });
      conn.dispose();
    },
  };
}
