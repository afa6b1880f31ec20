// The editor decides LINUX_KERNEL_VERSION arms per target as `corelens check FILE.bpf.c` does (kver_guards): libbpf
// fills the __kconfig from the loading machine's release and the verifier reads the frozen .kconfig map as a
// constant, so an arm a comparison rules out on a target never runs there. A real server over stdio opens a program
// whose arms read `task_struct::__state` (absent on 5.10) only from 5.14, against 5.10 and 6.18: its errors must be
// check's (held equal to `check FILE.o` by held-out-shapes' kver_guards), the one unguarded read on 5.10 only.

import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { pathToFileURL } from 'url';
import { Diagnostic, DiagnosticSeverity } from 'vscode-languageserver-protocol/node';
import { runCheck } from '../../src/check/run';
import { TargetSpec } from '../../src/targets/registry';
import { FIXTURES, kernelPath } from '../support/paths';
import { tempDir } from '../support/tmp';
import { TestClient, startClient } from '../support/lspClient';

const INCLUDES = [path.join(FIXTURES, 'programs')];
const DEFINES = ['__TARGET_ARCH_x86'];
const KERNELS = ['5.10-amd64', '6.18-amd64'];
/** The releases of the machines that load on them (the bundled manifest's), stated as a user states them: a target
 * given by path is no trusted source of its release (registry.ts loadingMachineOf). */
const RELEASES: Record<string, string> = { '5.10-amd64': '5.10.0-32-amd64', '6.18-amd64': '6.18.44' };

const PROGRAM = `#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>

extern int LINUX_KERNEL_VERSION __kconfig;
long out[4];

static __always_inline long state_of(struct task_struct *t)
{
	return BPF_CORE_READ(t, __state);
}

SEC("kprobe/do_exit") int by_arm(void *ctx)
{
	struct task_struct *t = (void *)bpf_get_current_task();
	if (LINUX_KERNEL_VERSION <= KERNEL_VERSION(5, 13, 0))
		out[0] = BPF_CORE_READ(t, pid);
	else
		out[1] = BPF_CORE_READ(t, __state);
	return 0;
}

SEC("kprobe/do_exit") int by_exit(void *ctx)
{
	struct task_struct *t = (void *)bpf_get_current_task();
	if (KERNEL_VERSION(5, 14, 0) > LINUX_KERNEL_VERSION || !t)
		return 0;
	out[2] = state_of(t);
	return 0;
}

SEC("kprobe/do_exit") int kept(void *ctx)
{
	struct task_struct *t = (void *)bpf_get_current_task();
	if (LINUX_KERNEL_VERSION >= KERNEL_VERSION(5, 4, 0))
		out[3] = BPF_CORE_READ(t, __state);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
`;

describe('LINUX_KERNEL_VERSION arms in the editor equal check FILE.bpf.c (kver_guards, issue 12)', function () {
  this.timeout(300_000);
  let client: TestClient;
  let root: string;

  before(async () => {
    root = tempDir('corelens-lsp-kver-');
    fs.writeFileSync(path.join(root, 'corelens.json'), JSON.stringify({
      targets: KERNELS.map((name) => ({ name, path: kernelPath(name), kernel: RELEASES[name] })), includePaths: INCLUDES, defines: DEFINES,
    }, null, 2));
    client = await startClient(root);
  });

  after(async () => {
    await client?.stop();
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('the arms a release rules out carry no error on that target; the one read every release takes keeps its error', async () => {
    const file = path.join(root, 'kver.bpf.c');
    fs.writeFileSync(file, PROGRAM);
    const specs: TargetSpec[] = KERNELS.map((name) => ({ name, path: kernelPath(name), machine: { kernel: RELEASES[name]! } }));
    const want = (await runCheck({ file, targets: specs, workers: 0, includePaths: INCLUDES, defines: DEFINES })).findings
      .filter((f) => f.severity === 'error')
      .map((f) => `${f.code} ${f.location.line - 1} [${[...f.targets].sort().join(',')}]`).sort();
    const uri = pathToFileURL(file).toString();
    await client.conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'c', version: 1, text: PROGRAM } });
    const got = (await client.diagnostics(uri, (ds) => ds.length > 0, 120_000))
      .filter((d: Diagnostic) => d.severity === DiagnosticSeverity.Error)
      .map((d) => `${d.code} ${d.range.start.line} [${[...(d.data as { targets: string[] }).targets].sort().join(',')}]`).sort();
    assert.deepStrictEqual(got, want, 'editor errors (actual) and check FILE.bpf.c errors (expected)');
    // what the program is written for: `kept`'s read runs from 5.4, so on 5.10, where
    // __state is absent; by_arm's and by_exit's reads run from 5.14 only
    const kept = PROGRAM.split('\n').findIndex((l) => l.includes('out[3] = BPF_CORE_READ(t, __state)'));
    assert.deepStrictEqual(got, [`core-missing-field ${kept} [5.10-amd64]`]);
  });
});
