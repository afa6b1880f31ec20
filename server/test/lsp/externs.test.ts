// The language server decides __ksym / __kconfig externs while the user types, as `corelens check FILE.bpf.c` does
// (which server/test/check/externs.test.ts holds equal to `check FILE.o`, real libbpf's refusals): a real server over
// stdio opens each program of test-fixtures/check/externs (typed per-CPU variables, untyped symbols, kfuncs, weak
// externs, __kconfig; used, unused, in dead code, folded away) against real kernels that have and lack each extern,
// and its `core-extern-refused` diagnostics equal check's findings: message, targets, place. Then an edit that adds a
// strong kfunc a kernel lacks shows the refusal, and removing its use takes it away (clang emits no extern then).

import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { pathToFileURL } from 'url';
import { CodeLens, Diagnostic } from 'vscode-languageserver-protocol/node';
import { EXTERN_REFUSED, runCheck } from '../../src/check/run';
import { TargetSpec } from '../../src/targets/registry';
import { FIXTURES, kernelPath } from '../support/paths';
import { tempDir } from '../support/tmp';
import { TestClient, startClient } from '../support/lspClient';

const DIR = path.join(FIXTURES, 'check', 'externs');
const INCLUDES = [path.join(FIXTURES, 'programs'), DIR];
const DEFINES = ['__TARGET_ARCH_x86'];
const KERNELS = ['5.10-amd64', '6.1-amd64', '6.18-amd64'];

const message = (d: Diagnostic) => (typeof d.message === 'string' ? d.message : (d.message as { value: string }).value);
/** libbpf's reason, without how the targets are described (the editor says "every target (3)" where `check` says
 * "every kernel (3)": each describes target sets its own way for every finding; the sets are compared apart). */
const reason = (m: string) => m.replace(/: no program of the object loads on .*$/, '');

describe('live extern refusals over stdio equal check FILE.bpf.c (issue 12)', function () {
  this.timeout(300_000);
  let client: TestClient;
  let root: string;

  before(async () => {
    root = tempDir('corelens-lsp-externs-');
    fs.writeFileSync(path.join(root, 'corelens.json'), JSON.stringify({
      targets: KERNELS.map((name) => ({ name, path: kernelPath(name) })), includePaths: INCLUDES, defines: DEFINES,
    }, null, 2));
    client = await startClient(root);
  });

  after(async () => {
    await client?.stop();
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('every fixture program: the same refusals, on the same targets, at the same place, for the same libbpf reason', async () => {
    const specs: TargetSpec[] = KERNELS.map((name) => ({ name, path: kernelPath(name) }));
    const files = fs.readdirSync(DIR).filter((f) => f.endsWith('.bpf.c')).sort();
    assert.ok(files.length >= 6, `${files.length} fixtures`);
    let refusals = 0;
    for (const f of files) {
      const file = path.join(root, f);
      // a copy in the workspace (quoted includes resolve through includePaths: the fixture's own folder is one)
      const text = fs.readFileSync(path.join(DIR, f), 'utf8');
      fs.writeFileSync(file, text);
      const want = (await runCheck({ file, targets: specs, workers: 0, includePaths: INCLUDES, defines: DEFINES })).findings
        .filter((x) => x.code === EXTERN_REFUSED)
        .map((x) => ({ at: `${x.location.line - 1}:${x.location.column - 1}`, targets: [...x.targets].sort(), reason: reason(x.message) }))
        .sort((a, b) => a.reason.localeCompare(b.reason));
      const uri = pathToFileURL(file).toString();
      await client.conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'c', version: 1, text } });
      const got = (await client.diagnostics(uri, () => true, 120_000)).filter((d) => d.code === EXTERN_REFUSED)
        .map((d) => ({ at: `${d.range.start.line}:${d.range.start.character}`, targets: [...(d.data as { targets: string[] }).targets].sort(), reason: reason(message(d)) }))
        .sort((a, b) => a.reason.localeCompare(b.reason));
      assert.deepStrictEqual(got, want, `${f}: live refusals (actual) and check's (expected)`);
      refusals += want.length;
      await client.conn.sendNotification('textDocument/didClose', { textDocument: { uri } });
    }
    // what the fixtures are written for (the comparison above decides; this says it compared something)
    assert.ok(refusals >= 4, `${refusals} refusals compared`);
  });

  it('typing a strong kfunc call a kernel lacks shows the refusal; deleting the call removes it', async () => {
    const file = path.join(root, 'typed.bpf.c');
    const base = `#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

extern struct task_struct *bpf_task_acquire(struct task_struct *p) __ksym;
extern void bpf_task_release(struct task_struct *p) __ksym;

SEC("tp_btf/sched_process_fork")
int acquire(unsigned long long *ctx)
{
	struct task_struct *t = (struct task_struct *)ctx[1];
	/*CALL*/
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
`;
    fs.writeFileSync(file, base);
    const uri = pathToFileURL(file).toString();
    await client.conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'c', version: 1, text: base } });
    const first = await client.diagnostics(uri, () => true, 120_000);
    assert.deepStrictEqual(first.filter((d) => d.code === EXTERN_REFUSED), [], 'declared, not used: clang emits no extern');
    const typed = base.replace('/*CALL*/', 't = bpf_task_acquire(t);\n\tif (t)\n\t\tbpf_task_release(t);');
    await client.conn.sendNotification('textDocument/didChange', { textDocument: { uri, version: 2 }, contentChanges: [{ text: typed }] });
    const after = await client.diagnostics(uri, (d) => d.some((x) => x.code === EXTERN_REFUSED), 120_000);
    const r = after.filter((d) => d.code === EXTERN_REFUSED);
    const decl = typed.split('\n').findIndex((l) => l.startsWith('extern struct task_struct *bpf_task_acquire('));
    assert.deepStrictEqual(r.map((d) => [d.range.start.line, d.range.start.character, d.severity, d.source, (d.data as { targets: string[] }).targets]),
      [[decl, 'extern struct task_struct *'.length, 1, 'corelens', ['5.10-amd64', '6.1-amd64']]], 'bpf_task_acquire came with 6.2');
    assert.match(message(r[0]!), /^libbpf fails the whole object load before any relocation: extern \(func ksym\) 'bpf_task_acquire': not found in kernel or module BTFs; .*: no program of the object loads on 5\.10-amd64, 6\.1-amd64$/);
    // the program's lens says it fails there (no relocation of its own: libbpf refuses the whole object)
    const lenses = await client.conn.sendRequest<CodeLens[]>('textDocument/codeLens', { textDocument: { uri } });
    assert.deepStrictEqual(lenses.map((l) => l.command?.title), ['CO-RE: no relocations · fails on 5.10-amd64, 6.1-amd64: libbpf refuses the object']);
    await client.conn.sendNotification('textDocument/didChange', { textDocument: { uri, version: 3 }, contentChanges: [{ text: base }] });
    const back = await client.diagnostics(uri, (d) => !d.some((x) => x.code === EXTERN_REFUSED), 120_000);
    assert.deepStrictEqual(back.filter((d) => d.code === EXTERN_REFUSED), []);
    const clean = await client.conn.sendRequest<CodeLens[]>('textDocument/codeLens', { textDocument: { uri } });
    assert.deepStrictEqual(clean.map((l) => l.command?.title), ['CO-RE: no relocations']);
  });
});
