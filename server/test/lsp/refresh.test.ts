// CORELENS_STALE_REFRESH=1 (off by default: no gain showed on the way to the first problem, README round 17): inlay-hint
// and code-lens refresh requests go out only when the editor may hold an answer of an older result. On a document's
// first publication the editor's hint and lens requests were waiting for that very check, so a refresh then is a
// redundant second round; after an edit whose new result nobody asked for, the held answers are stale and the refresh
// must come. By default every publication refreshes.
// Nothing here depends on timing: a refresh is sent right after its publication, so a later request's answer orders it.

import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { pathToFileURL } from 'url';
import { FIXTURES, kernelPath } from '../support/paths';
import { tempDir } from '../support/tmp';
import { startClient } from '../support/lspClient';

interface Round { inlay: number; lens: number; hints: unknown; lenses: unknown }

/**
 * Opens the state fixture with the editor's first hint and lens requests waiting on its check, then edits it (a new
 * line at the end: the same sites) without asking again: the refresh requests after each of the two publications.
 */
async function twoPublications(env: Record<string, string>): Promise<{ first: Round; edited: Round }> {
  const root = tempDir('corelens-refresh-');
  const text = fs.readFileSync(path.join(FIXTURES, 'lsp', 'state.bpf.c'), 'utf8');
  const file = path.join(root, 'state.bpf.c');
  fs.writeFileSync(file, text);
  fs.writeFileSync(path.join(root, 'corelens.json'), JSON.stringify({ targets: [{ name: '6.1-amd64', path: kernelPath('6.1-amd64') }] }));
  const client = await startClient(root, {}, undefined, {
    env: { CORELENS_CACHE: path.join(root, 'cache'), ...env },
    capabilities: {
      workspace: { configuration: true, inlayHint: { refreshSupport: true }, codeLens: { refreshSupport: true } },
      textDocument: { publishDiagnostics: { relatedInformation: true }, hover: { contentFormat: ['markdown'] } },
    },
  });
  const count = { inlay: 0, lens: 0 };
  client.conn.onRequest('workspace/inlayHint/refresh', () => { count.inlay++; return null; });
  client.conn.onRequest('workspace/codeLens/refresh', () => { count.lens++; return null; });
  try {
    const uri = pathToFileURL(file).toString();
    const lines = text.split('\n').length;
    const range = { start: { line: 0, character: 0 }, end: { line: lines, character: 0 } };
    await client.conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'c', version: 1, text } });
    // what VS Code does on opening an editor: ask at once, the answers wait for the document's first check
    const hints = client.conn.sendRequest('textDocument/inlayHint', { textDocument: { uri }, range });
    const lenses = client.conn.sendRequest('textDocument/codeLens', { textDocument: { uri } });
    await client.diagnostics(uri, (d) => d.length > 0, 60_000);
    const first: Round = { ...count, hints: await hints, lenses: await lenses };
    await client.conn.sendRequest('corelens/status'); // answered after any refresh of that publication went out
    first.inlay = count.inlay;
    first.lens = count.lens;
    count.inlay = count.lens = 0;
    const before = client.latest.get(uri);
    await client.conn.sendNotification('textDocument/didChange', { textDocument: { uri, version: 2 }, contentChanges: [{ text: `${text}\n` }] });
    await client.diagnostics(uri, () => client.latest.get(uri) !== before, 60_000);
    await client.conn.sendRequest('corelens/status');
    const edited: Round = {
      ...count,
      hints: await client.conn.sendRequest('textDocument/inlayHint', { textDocument: { uri }, range }),
      lenses: await client.conn.sendRequest('textDocument/codeLens', { textDocument: { uri } }),
    };
    return { first, edited };
  } finally {
    await client.stop();
  }
}

describe('inlay-hint and code-lens refreshes only for answers of an older result', function () {
  this.timeout(120_000);

  it('sends none after a first publication its requests waited for, one after an edit nobody asked about', async () => {
    const now = await twoPublications({ CORELENS_STALE_REFRESH: '1' });
    const before = await twoPublications({ CORELENS_STALE_REFRESH: '0' });
    assert.deepStrictEqual([now.first.inlay, now.first.lens], [0, 0]);
    assert.deepStrictEqual([now.edited.inlay, now.edited.lens], [1, 1]);
    assert.deepStrictEqual([before.first.inlay, before.first.lens], [1, 1]);
    assert.deepStrictEqual([before.edited.inlay, before.edited.lens], [1, 1]);
    // the answers themselves do not change, and there are some (the refresh would have had something to redo)
    assert.deepStrictEqual(now.first.hints, before.first.hints);
    assert.deepStrictEqual(now.first.lenses, before.first.lenses);
    assert.deepStrictEqual(now.edited.hints, before.edited.hints);
    assert.ok((now.first.hints as unknown[]).length > 0 && (now.first.lenses as unknown[]).length > 0);
  });
});
