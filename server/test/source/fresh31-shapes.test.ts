// Constructs found on fresh31b's unmeasured projects (issue 12's held-out measure: dynatrace-oss/eBPF-Discovery,
// projectcalico/calico's felix/bpf-gpl), each a program of our own in the structure of those tools, compiled here
// with the real clang. Each fails with its switch off:
//   - cast_dropped (CORELENS_CAST_DROPPED): a BPF_UPROBE body hands its `int num` on as `(size_t)num` to a helper
//     that never reads it: the conversion dies with its unused value (InstCombine/DCE), and so does the PT_REGS
//     load feeding it; no relocation of pt_regs::dx (eBPF-Discovery's SSL_read probe: 1 extra).
//   - const_short (CORELENS_CONST_SHORT): `FLAG_FROM_HOST && bpf_core_enum_value_exists(..)` with the flag macro a
//     constant 0: clang's front end never emits the right operand of a decided `&&` / `||`, so no relocation
//     (calico's `CALI_F_FROM_HEP && bpf_core_enum_value_exists(enum bpf_func_id, BPF_FUNC_redirect_peer)` in
//     to-workload objects: 36 extra).
//   - strict_rel (CORELENS_STRICT_REL, a `check` comparison): a logging helper called with `(ctx, fmt, 0, NULL)`
//     copies `args[i]` only under `if (n > 0)`: with n the constant 0 the branch folds away, so the read through the
//     NULL argument never runs; the source path reported it as a direct read through a plain number (an error the
//     object's load verdicts do not have; eBPF-Discovery's DISCOVERY_LOG: 11 false errors).

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
import { agreesWithClang } from '../support/agreesWithClang';

const PROGRAMS = path.join(FIXTURES, 'programs');
const HEAD = `#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
`;

/** Compiles DIR/NAME.bpf.c (HEAD + text) and asserts the live sites equal clang's relocations; the comparison. */
async function agrees(dir: string, name: string, text: string): Promise<Awaited<ReturnType<typeof agreesWithClang>>> {
  const src = path.join(dir, `${name}.bpf.c`);
  fs.writeFileSync(src, HEAD + text);
  return agreesWithClang(src, path.join(dir, `${name}.bpf.o`), name);
}

/** The error findings of a `check`, keyed by code, line and targets. */
const errorsOf = (found: readonly CheckFinding[]) => found.filter((f) => f.severity === 'error')
  .map((f) => `${f.code} ${f.location.line} [${[...f.targets].sort().join(',')}]`).sort();

describe("fresh31 shapes: live sites = clang's relocations, check FILE.bpf.c errors = check FILE.o errors", function () {
  this.timeout(300_000);
  let dir: string;
  before(() => {
    execFileSync(path.join(REPO_ROOT, 'scripts/build-fixtures.sh'), ['--vmlinux-h'], { stdio: 'inherit' });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'corelens-fresh31-'));
  });
  after(() => { if (dir) fs.rmSync(dir, { recursive: true, force: true }); });

  it('cast_dropped: an argument handed on through a cast to a helper that drops it has no PT_REGS relocation', async () => {
    const agree = await agrees(dir, 'cast_dropped', `char LICENSE[] SEC("license") = "GPL";
struct read_args { void *ssl; void *buf; __u64 *done; };
struct { __uint(type, BPF_MAP_TYPE_HASH); __uint(max_entries, 64); __type(key, __u64); __type(value, struct read_args); } reads SEC(".maps");
/* the _ex entry: its byte count is never kept (the return probe reads the result) */
static __always_inline int read_ex_entry(struct pt_regs *ctx, void *ssl, void *buf, size_t num, __u64 *done)
{
	if (!ssl || !buf)
		return 0;
	struct read_args a = { .ssl = ssl, .buf = buf, .done = done };
	__u64 id = bpf_get_current_pid_tgid();
	bpf_map_update_elem(&reads, &id, &a, BPF_ANY);
	return 0;
}
/* the plain entry converts its int count for the _ex one */
static __always_inline int read_entry(struct pt_regs *ctx, void *ssl, void *buf, int num)
{
	return read_ex_entry(ctx, ssl, buf, (size_t)num, NULL);
}
SEC("uprobe/SSL_read") int BPF_KPROBE(ssl_read, void *ssl, void *buf, int num) { return read_entry(ctx, ssl, buf, num); }
SEC("uprobe/SSL_read_ex") int BPF_KPROBE(ssl_read_ex, void *ssl, void *buf, size_t num, __u64 *done)
{
	return read_ex_entry(ctx, ssl, buf, num, done);
}
SEC("uprobe/SSL_write") int BPF_KPROBE(ssl_write, void *ssl, void *buf, int num)
{
	/* read here: the conversion is used, its load stays */
	return read_ex_entry(ctx, ssl, buf, (size_t)num, (__u64 *)(long)(unsigned int)num);
}
`);
    // clang's count (none of them SSL_read's dx): a floor that keeps the programs from folding away
    assert.strictEqual(agree.relocations, 8);
  });

  it('const_short: the right operand of a constant-decided && has no relocation', async () => {
    const agree = await agrees(dir, 'const_short', `char LICENSE[] SEC("license") = "GPL";
/* one source compiled per endpoint kind, as a tc dataplane does: the kind's flags are constants */
#define COMPILE_FLAGS 2
#define F_HOST_EP ((COMPILE_FLAGS) & (1 | 128))
#define F_INGRESS ((COMPILE_FLAGS) & 2)
#define F_FROM_HOST (F_HOST_EP && F_INGRESS)
#define F_TO_WORKLOAD (!F_HOST_EP && F_INGRESS)
static __always_inline int forward(struct __sk_buff *skb, int rc)
{
	if (rc == 7) {
		rc = bpf_redirect(skb->ifindex, 0);
	} else if (F_FROM_HOST && bpf_core_enum_value_exists(enum bpf_func_id, BPF_FUNC_redirect_peer)) {
		rc = bpf_redirect_peer(skb->ifindex, 0);
	} else if (F_TO_WORKLOAD || bpf_core_enum_value_exists(enum bpf_func_id, BPF_FUNC_redirect_neigh)) {
		rc = bpf_redirect_neigh(skb->ifindex, NULL, 0, 0);
	} else if (F_TO_WORKLOAD && bpf_core_enum_value_exists(enum bpf_func_id, BPF_FUNC_loop)) {
		rc = 2;
	}
	return rc;
}
SEC("tc") int to_workload(struct __sk_buff *skb)
{
	if (bpf_core_field_exists(skb->gso_size) && skb->gso_size)
		return 2;
	return forward(skb, skb->mark);
}
`);
    // gso_size's check and read, mark, the arms' ifindex: no enum value check (redirect_peer's arm folds away, the
    // redirect_neigh arm's `||` is decided true, the loop's arm follows it)
    assert.strictEqual(agree.relocations, 5);
  });

  it('strict_rel: a log helper given (0, NULL) reads no argument: no direct-read error the object does not have', async () => {
    const src = path.join(dir, 'strict_rel.bpf.c');
    const obj = path.join(dir, 'strict_rel.bpf.o');
    fs.writeFileSync(src, `${HEAD}char LICENSE[] SEC("license") = "GPL";
struct log_event { __u64 ts; __u64 args[4]; __u32 level; };
struct { __uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY); __uint(key_size, sizeof(int)); __uint(value_size, sizeof(int)); } logs SEC(".maps");
static __always_inline int log_event(struct pt_regs *ctx, __u32 level, size_t count, const __u64 *args)
{
	struct log_event e = { .level = level };
	e.ts = bpf_ktime_get_ns();
	if (count > 0) {
		for (size_t i = 0; i < count && i < 4; ++i)
			e.args[i] = args[i];
	}
	return bpf_perf_event_output(ctx, &logs, BPF_F_CURRENT_CPU, &e, sizeof(e));
}
/* a logging macro: a stack array of the arguments, or none */
#define LOG(ctx, level, ...) { int n = sizeof((__u64[]){0, ##__VA_ARGS__}) / sizeof(__u64) - 1; \\
	if (n > 0) { const __u64 a[] = { __VA_ARGS__ }; log_event(ctx, level, n, a); } else { log_event(ctx, level, 0, NULL); } }
SEC("kprobe/do_sys_openat2") int BPF_KPROBE(on_open, int dfd)
{
	struct task_struct *t = (void *)bpf_get_current_task();
	LOG(ctx, 1, BPF_CORE_READ(t, tgid), dfd);
	LOG(ctx, 2);
	return 0;
}
SEC("kprobe/do_exit") int plain(void *ctx)
{
	struct task_struct *t = (void *)bpf_get_current_task();
	__u64 pid = t->pid;
	LOG(ctx, 3, pid);
	return 0;
}
`);
    compileBpf(src, obj, { includes: [PROGRAMS], arch: 'x86' });
    const targets = bundledKernelSpecs(false, path.join(FIXTURES, 'btf', 'kernels')).filter((t) => /^(5\.10|6\.18)-amd64$/.test(t.name));
    const { S, O } = await checkBothWays({ targets, workers: 0, includePaths: [PROGRAMS], defines: [] }, src, obj);
    assert.deepStrictEqual(errorsOf(S), errorsOf(O));
    // the one real error: t->pid through bpf_get_current_task()'s number
    assert.deepStrictEqual(errorsOf(S).map((k) => k.split(' ')[0]), ['direct-read']);
  });
});
