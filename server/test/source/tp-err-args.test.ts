// tp_err_args and sunk_loads (a `check` comparison, issue 12's rule that `check FILE.bpf.c` reports exactly the
// errors `check FILE.o` reports): a tp_btf program reading directly through a tracepoint argument the kernel may pass
// as an error or a sentinel (signal_deliver's `struct kernel_siginfo *info`, SEND_SIG_PRIV being (void *)1) is refused
// by the kernels whose btf_ctx_access types that argument as a scalar (6.18.44 here: verdict/rawtp.ts, proven against
// this kernel by verdict/rawtp.test.ts), and loads on the others. The program is ours, in the shape of a signal
// tracer: `info != NULL`, then a switch whose arms read the sender's pid from different union members (each its own
// relocation, at the same offset) and `si_code`, one read through an inlined helper.
//   - tp_err_args (CORELENS_TP_ERR_ARGS, source/contexts.ts tpArgOf): the source path claims those direct reads on
//     the targets whose release marks the argument (FindingOptions.tpErrArgs); before, it claimed none.
//   - sunk_loads (CORELENS_SUNK_LOADS, check/run.ts sunkMoves, check/places.ts mergedSites): clang sinks the arms'
//     identical `spid = info->..._pid; break;` loads into one load in the switch's join, its offset a PHI of the arms'
//     relocated moves, and merges two arms' reads of the same member into one record. The object path's refused load
//     is each of those source reads, as the source path reports them; before, it named only the record found just
//     before the load, so the same error was source-only at the other arms.

import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CheckFinding } from '../../src/check/run';
import { bundledKernelSpecs } from '../../src/targets/registry';
import { compileBpf } from '../support/bpfLoad';
import { checkBothWays } from '../support/checkBoth';
import { FIXTURES, REPO_ROOT } from '../support/paths';

const PROGRAMS = path.join(FIXTURES, 'programs');

const SOURCE = `#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);
} events SEC(".maps");

struct sig_event { int sig; int spid; __u32 flags; };

static __always_inline int child_pid(struct kernel_siginfo *si)
{
	return si->_sifields._sigchld._pid;
}

SEC("tp_btf/signal_deliver")
int BPF_PROG(on_deliver, int sig, struct kernel_siginfo *info, struct k_sigaction *ka)
{
	struct sig_event *e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	int spid = 0;

	if (!e)
		return 0;
	if (info != NULL) {
		switch (sig) {
		case 9:
			spid = info->_sifields._kill._pid;
			break;
		case 1:
		case 2:
		case 15: {
			int code = info->si_code;
			if (code <= 0)
				spid = info->_sifields._kill._pid;
			break;
		}
		case 17:
			spid = child_pid(info);
			break;
		default:
			spid = 0;
			break;
		}
		if (sig >= 34 && sig <= 64)
			spid = info->_sifields._rt._pid;
	}
	e->sig = sig;
	e->spid = spid;
	e->flags = ka->sa.sa_flags;
	bpf_ringbuf_submit(e, 0);
	return 0;
}

SEC("tp_btf/signal_generate")
int BPF_PROG(on_generate, int sig, struct kernel_siginfo *info, struct task_struct *task, int group, int result)
{
	/* the task (argument 2) is a typed pointer on every kernel: no error */
	struct sig_event *e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);

	if (!e)
		return 0;
	e->sig = sig;
	e->spid = task->tgid;
	e->flags = 0;
	bpf_ringbuf_submit(e, 0);
	return 0;
}
`;

/** An error finding as the comparison keys it: code, line, targets. */
const keyOf = (f: CheckFinding) => `${f.code} ${f.location.line} [${[...f.targets].sort().join(',')}]`;
const errorsOf = (found: readonly CheckFinding[]) => found.filter((f) => f.severity === 'error').map(keyOf).sort();

describe('tp_btf arguments the kernel types as numbers: check FILE.bpf.c = check FILE.o', function () {
  this.timeout(300_000);
  let dir: string;
  before(() => {
    execFileSync(path.join(REPO_ROOT, 'scripts/build-fixtures.sh'), ['--vmlinux-h'], { stdio: 'inherit' });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'corelens-tperr-'));
  });
  after(() => { if (dir) fs.rmSync(dir, { recursive: true, force: true }); });

  it('tp_err_args, sunk_loads: the direct reads through signal_deliver\'s info fail on 6.18 on both paths, at the same lines', async () => {
    const src = path.join(dir, 'sigtrace.bpf.c');
    const obj = path.join(dir, 'sigtrace.bpf.o');
    fs.writeFileSync(src, SOURCE);
    compileBpf(src, obj, { includes: [PROGRAMS], arch: 'x86' });
    const targets = bundledKernelSpecs(false, path.join(FIXTURES, 'btf', 'kernels')).filter((t) => /^(5\.10|6\.18)-amd64$/.test(t.name));
    const { S, O } = await checkBothWays({ targets, workers: 0, includePaths: [PROGRAMS], defines: [] }, src, obj);
    const lines = SOURCE.split('\n');
    const lineOf = (text: string, from = 0) => lines.findIndex((l, i) => i >= from && l.includes(text)) + 1;
    const first = lineOf('spid = info->_sifields._kill._pid');
    // every read through info, each arm's own line, on 6.18 only (5.10 types info as a pointer)
    const want = [first, lineOf('int code = info->si_code'), lineOf('spid = info->_sifields._kill._pid', first), lineOf('return si->_sifields._sigchld._pid'),
      lineOf('spid = info->_sifields._rt._pid')].sort((a, b) => a - b).map((l) => `direct-read ${l} [6.18-amd64]`).sort();
    assert.deepStrictEqual(errorsOf(O), want, 'the object path (the kernel\'s verdict, placed at each source read)');
    assert.deepStrictEqual(errorsOf(S), errorsOf(O), 'the source path reports exactly the object path\'s errors');
  });
});
