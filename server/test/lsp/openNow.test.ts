// An opened document is checked at once: vscode-languageserver's TextDocuments fires onDidChangeContent for an open
// right after onDidOpen, and that event's edit debounce (80 ms before a document's first check) used to replace the
// open's immediate check. Read from the server's log line of the first diagnostics (the wait its check was scheduled
// with), so nothing here depends on timing; CORELENS_OPEN_NOW=0 restores the old order and must show the debounce.

import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { pathToFileURL } from 'url';
import { Diagnostic } from 'vscode-languageserver-protocol/node';
import { FIXTURES, kernelPath } from '../support/paths';
import { tempDir } from '../support/tmp';
import { startClient } from '../support/lspClient';

/**
 * Opens a first copy of the state fixture, and once its diagnostics are out (the configuration applied, the targets
 * loaded: a document opened during either is checked when they are done, whatever the debounce), a second copy: the
 * second's diagnostics and its first-diagnostics log line.
 */
async function openAfterLoad(env: Record<string, string>): Promise<{ diags: Diagnostic[]; line: string }> {
  const root = tempDir('corelens-open-');
  const text = fs.readFileSync(path.join(FIXTURES, 'lsp', 'state.bpf.c'), 'utf8');
  const first = path.join(root, 'first.bpf.c');
  const file = path.join(root, 'state.bpf.c');
  fs.writeFileSync(first, text);
  fs.writeFileSync(file, text);
  fs.writeFileSync(path.join(root, 'corelens.json'), JSON.stringify({ targets: [{ name: '6.1-amd64', path: kernelPath('6.1-amd64') }] }));
  const client = await startClient(root, {}, undefined, { env: { CORELENS_CACHE: path.join(root, 'cache'), ...env } });
  try {
    const firstUri = pathToFileURL(first).toString();
    await client.conn.sendNotification('textDocument/didOpen', { textDocument: { uri: firstUri, languageId: 'c', version: 1, text } });
    await client.diagnostics(firstUri, (d) => d.length > 0, 60_000);
    const uri = pathToFileURL(file).toString();
    await client.conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'c', version: 1, text } });
    const diags = await client.diagnostics(uri, (d) => d.length > 0, 60_000);
    const mine = () => client.logs.find((l) => /first diagnostics for state\.bpf\.c/.test(l));
    for (let i = 0; i < 100 && !mine(); i++) await new Promise((r) => setTimeout(r, 20));
    return { diags, line: mine() ?? client.logs.join('\n') };
  } finally {
    await client.stop();
  }
}

describe('an opened document is checked without the edit debounce', function () {
  this.timeout(120_000);

  it('schedules the check of an open at 0 ms (80 ms with CORELENS_OPEN_NOW=0), with the same diagnostics', async () => {
    const now = await openAfterLoad({});
    const before = await openAfterLoad({ CORELENS_OPEN_NOW: '0' });
    assert.match(now.line, /debounce 0 ms/, now.line);
    assert.match(before.line, /debounce 80 ms/, before.line);
    assert.deepStrictEqual(now.diags, before.diags);
    assert.ok(now.diags.some((d) => d.code === 'core-missing-field'));
  });
});
