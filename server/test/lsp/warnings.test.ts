// Warnings that need facts from the source: an access the compiler does not relocate, a bitfield read directly.

import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { pathToFileURL } from 'url';
import { CodeAction, Diagnostic, TextEdit } from 'vscode-languageserver-protocol/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { TestClient, startClient } from '../support/lspClient';
import { kernelPath } from '../support/paths';
import { tempDir } from '../support/tmp';

const text = (d: Diagnostic) => (typeof d.message === 'string' ? d.message : d.message.value);

const PROGRAM = `#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>

/* Forgot preserve_access_index: offsets are compiled in. pid sits where 6.1's generic config has it. */
struct task_struct {
	char pad[2416];
	int pid;
};

struct sk_buff {
	unsigned char __pkt_type_offset[0];
	unsigned char pkt_type: 3;
} __attribute__((preserve_access_index));

SEC("tp_btf/sched_switch")
int BPF_PROG(on_switch, bool preempt, struct task_struct *prev, struct task_struct *next)
{
	return prev->pid;
}

SEC("tp_btf/kfree_skb")
int BPF_PROG(on_free, struct sk_buff *skb)
{
	int t = skb->pkt_type;
	return t;
}

char LICENSE[] SEC("license") = "GPL";
`;

describe('language server warnings from source facts', function () {
  this.timeout(90_000);
  let client: TestClient;
  let uri: string;
  before(async () => {
    const root = tempDir('corelens-warn-');
    fs.writeFileSync(path.join(root, 'corelens.json'), JSON.stringify({
      targets: [{ name: '6.1-amd64', path: kernelPath('6.1-amd64') }, { name: '6.18-amd64', path: kernelPath('6.18-amd64') }],
    }));
    fs.writeFileSync(path.join(root, 'w.bpf.c'), PROGRAM);
    client = await startClient(root);
    uri = pathToFileURL(path.join(root, 'w.bpf.c')).toString();
    await client.conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'c', version: 1, text: PROGRAM } });
  });
  after(async () => client?.stop());

  it('warns that a struct without preserve_access_index is read at a baked-in offset that is wrong on 6.18', async () => {
    const diags = await client.diagnostics(uri, (d) => d.some((x) => x.code === 'core-not-relocated'));
    const d = diags.find((x) => x.code === 'core-not-relocated')!;
    assert.strictEqual(d.severity, 2);
    assert.match(text(d), /`task_struct::pid` is read at offset 2416, compiled in: struct task_struct has no preserve_access_index/);
    assert.match(text(d), /the field is at offset 1264 on 6\.18-amd64/);
    assert.ok(!/6\.1-amd64/.test(text(d)), 'correct on 6.1: not listed');
  });

  it('warns about a bitfield read directly and offers BPF_CORE_READ_BITFIELD', async () => {
    const diags = await client.diagnostics(uri, (d) => d.some((x) => x.code === 'core-direct-bitfield'));
    const d = diags.find((x) => x.code === 'core-direct-bitfield')!;
    assert.match(text(d), /`sk_buff::pkt_type` is a bitfield read directly/);
    const actions = await client.conn.sendRequest<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri }, range: d.range, context: { diagnostics: [d] },
    });
    const fix = actions.find((a) => /BPF_CORE_READ_BITFIELD/.test(a.title));
    assert.ok(fix, JSON.stringify(actions.map((a) => a.title)));
    const next = TextDocument.applyEdits(TextDocument.create(uri, 'c', 1, PROGRAM), fix.edit!.changes![uri]! as TextEdit[]);
    assert.match(next, /int t = BPF_CORE_READ_BITFIELD\(skb, pkt_type\);/);
    await client.conn.sendNotification('textDocument/didChange', { textDocument: { uri, version: 2 }, contentChanges: [{ text: next }] });
    await client.diagnostics(uri, (ds) => !ds.some((x) => x.code === 'core-direct-bitfield'));
  });
});
