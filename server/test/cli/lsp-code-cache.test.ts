// `corelens lsp` through the CLI's V8 code cache (bin/corelens.js, src/cli/codeCache.ts; perf31): a server writes the
// cache once its first diagnostics are out (every function a first analysis compiles is in it), the next server
// compiles its modules from it, and both publish the same diagnostics. CORELENS_LSP_CODE_CACHE=0 (the server compiled
// from source, as before) fails the test.

import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { pathToFileURL } from 'url';
import { startClient } from '../support/lspClient';
import { FIXTURES, kernelPath } from '../support/paths';

describe('the language server through the CLI code cache', function () {
  this.timeout(120_000);

  /** One server on the probe program with the cache in `cache`: its diagnostics and its log once it wrote or used the cache. */
  async function serve(ws: string, cache: string): Promise<{ diags: unknown[]; logs: string[] }> {
    const file = path.join(ws, 'probe.bpf.c');
    const uri = pathToFileURL(file).toString();
    const client = await startClient(ws, {}, undefined, { env: { CORELENS_CACHE: cache } });
    try {
      await client.conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'c', version: 1, text: fs.readFileSync(file, 'utf8') } });
      const diags = await client.diagnostics(uri, (d) => d.some((x) => x.code === 'core-missing-field'), 60_000);
      // the write comes a second after the first diagnostics
      for (let i = 0; i < 150 && !client.logs.some((l) => /: code cache created$/.test(l)) && !client.logs.some((l) => /code cache used/.test(l)); i++) {
        await new Promise((r) => setTimeout(r, 20));
      }
      return { diags, logs: [...client.logs] };
    } finally {
      await client.stop();
    }
  }

  it('is written after the first diagnostics and used by the next server, with the same diagnostics', async () => {
    const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'corelens-lspcache-'));
    try {
      fs.copyFileSync(path.join(FIXTURES, 'vscode', 'probe.bpf.c'), path.join(ws, 'probe.bpf.c'));
      fs.writeFileSync(path.join(ws, 'corelens.json'), JSON.stringify({ targets: [{ name: '6.1-amd64', path: kernelPath('6.1-amd64') }] }));
      const cache = path.join(ws, 'cache');
      const first = await serve(ws, cache);
      assert.ok(first.logs.some((l) => /code cache none/.test(l)), `a fresh cache: ${first.logs.filter((l) => /code cache/.test(l)).join(' | ')}`);
      assert.ok(first.logs.some((l) => /: code cache created$/.test(l)), 'written after the first diagnostics');
      const files = fs.readdirSync(path.join(cache, 'code-cache')).filter((f) => f.startsWith('cli-'));
      assert.strictEqual(files.length, 1, files.join(' '));
      const size = fs.statSync(path.join(cache, 'code-cache', files[0]!)).size;
      assert.ok(size > 500_000, `the functions of a first analysis are in it (${size} bytes)`);
      const second = await serve(ws, cache);
      assert.ok(second.logs.some((l) => /code cache used/.test(l)), second.logs.filter((l) => /code cache/.test(l)).join(' | '));
      assert.deepStrictEqual(second.diags, first.diags);
    } finally {
      fs.rmSync(ws, { recursive: true, force: true });
    }
  });
});
