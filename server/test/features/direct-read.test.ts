// Direct reads through a plain number in the editor (issues 13, 15): the live analysis reports `direct-read` on the
// expression exactly where the verifier rejects the load ("invalid mem access 'scalar'"), and its quick fix
// (`BPF_CORE_READ(a, b, c)`) makes the program load. Proven three ways on each case: `check FILE.bpf.c` and
// `check FILE.o` (the bytecode walk) give the same direct-read findings; as written, the running kernel's verifier
// rejects exactly the cases with a finding; with the fix applied, compiled and loaded, it accepts them.

import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { TextEdit } from 'vscode-languageserver/node';
import { CheckFinding, runCheck } from '../../src/check/run';
import { codeActionsFor } from '../../src/features/codeActions';
import { CODES, siteFindings } from '../../src/features/diagnostics';
import { evaluateSites } from '../../src/features/evaluate';
import { createAnalyzer } from '../../src/source/analyzer';
import { bundledKernelSpecs } from '../../src/targets/registry';
import { compileBpf, loadOnRunningKernel, scratch } from '../support/bpfLoad';
import { kernel } from '../support/kernels';
import { FIXTURES } from '../support/paths';

const HEAD = `#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";
__u64 out;
`;

/** libbpf's headers without bpf_core_read.h: the program reads kernel memory directly and needs none of its macros. */
const HEAD_NO_CORE_READ = HEAD.replace('#include <bpf/bpf_core_read.h>\n', '');

/**
 * Each case: a program, how many direct-read findings it has (0: none, it loads as written), the fixed read, and
 * the headers it starts with (HEAD unless given): the fix adds `#include <bpf/bpf_core_read.h>` only where the
 * program lacks it, and the fixed program must compile and load either way.
 */
/** A static subprogram kept out of line that reads its argument directly (the text_args cases). */
const READ_PID_OOL = `static __noinline int read_pid_ool(struct task_struct *t)
{
	return t->pid;
}
`;

const CASES: { name: string; body: string; findings: number; fixed?: string; head?: string }[] = [
  {
    name: 'kprobe_helper', findings: 1, fixed: 'out = BPF_CORE_READ(task, __state);',
    body: `SEC("kprobe/do_nanosleep")
int kprobe_helper(struct pt_regs *ctx)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();

	out = task->__state;
	return 0;
}`,
  },
  {
    // each hop is a load through a plain number: two findings, one fix for the whole chain
    name: 'kprobe_chain', findings: 2, fixed: 'out = BPF_CORE_READ(task, real_parent, tgid);',
    body: `SEC("kprobe/do_nanosleep")
int kprobe_chain(struct pt_regs *ctx)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();

	out = task->real_parent->tgid;
	return 0;
}`,
  },
  {
    name: 'kprobe_arg', findings: 1, fixed: 'out = BPF_CORE_READ(p, pid);',
    body: `SEC("kprobe/wake_up_new_task")
int BPF_KPROBE(kprobe_arg, struct task_struct *p)
{
	out = p->pid;
	return 0;
}`,
  },
  {
    name: 'kprobe_regs', findings: 1, fixed: 'out = BPF_CORE_READ(p, tgid);',
    body: `SEC("kprobe/wake_up_new_task")
int kprobe_regs(struct pt_regs *ctx)
{
	struct task_struct *p = (struct task_struct *)PT_REGS_PARM1(ctx);

	out = p->tgid;
	return 0;
}`,
  },
  {
    name: 'probe_read_value', findings: 1, fixed: 'out = BPF_CORE_READ(parent, tgid);',
    body: `SEC("kprobe/do_nanosleep")
int probe_read_value(struct pt_regs *ctx)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	struct task_struct *parent;

	bpf_probe_read_kernel(&parent, sizeof(parent), &task->real_parent);
	out = parent->tgid;
	return 0;
}`,
  },
  {
    // BTF-typed: bpf_get_current_task_btf() may be read directly, in a kprobe too
    name: 'kprobe_task_btf', findings: 0,
    body: `SEC("kprobe/do_nanosleep")
int kprobe_task_btf(struct pt_regs *ctx)
{
	struct task_struct *task = bpf_get_current_task_btf();

	out = task->real_parent->tgid;
	return 0;
}`,
  },
  {
    // a context slot cast to a pointer is BTF-typed in tp_btf (bitesize's `rq = (void *)ctx[0]`)
    name: 'tp_btf_ctx_slot', findings: 0,
    body: `SEC("tp_btf/sched_switch")
int tp_btf_ctx_slot(__u64 *ctx)
{
	struct task_struct *prev = (void *)ctx[1];

	out = prev->pid;
	return 0;
}`,
  },
  {
    // a field-info builtin's argument is never loaded: clang keeps only the constant (kernel_task's
    // bpf_core_field_size(file->f_inode->i_sb->s_id) in a kprobe was once reported)
    name: 'field_info_chain', findings: 0,
    body: `SEC("kprobe/do_nanosleep")
int field_info_chain(struct pt_regs *ctx)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();

	out = bpf_core_field_size(task->real_parent->comm) + bpf_core_field_offset(task->mm->start_stack)
		+ bpf_core_field_exists(task->real_parent->pid);
	return 0;
}`,
  },
  {
    // the fix writes BPF_CORE_READ, which this program never included: the include comes with it
    name: 'kprobe_no_core_read_h', findings: 1, fixed: 'out = BPF_CORE_READ(task, tgid);', head: HEAD_NO_CORE_READ,
    body: `SEC("kprobe/do_nanosleep")
int kprobe_no_core_read_h(struct pt_regs *ctx)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();

	out = task->tgid;
	return 0;
}`,
  },
  {
    name: 'tp_btf_arg', findings: 0,
    body: `SEC("tp_btf/sched_switch")
int BPF_PROG(tp_btf_arg, bool preempt, struct task_struct *prev, struct task_struct *next)
{
	out = prev->real_parent->tgid + next->pid;
	return 0;
}`,
  },
  {
    // a kprobe argument handed to an inline helper stays a plain number there (CORELENS_ARG_ORIGIN)
    name: 'kprobe_arg_helper', findings: 1,
    body: `static __always_inline int read_pid(void *base)
{
	return ((struct task_struct *)base)->pid;
}

SEC("kprobe/wake_up_new_task")
int BPF_KPROBE(kprobe_arg_helper, struct task_struct *p)
{
	out = read_pid(p);
	return 0;
}`,
  },
  {
    // the same helper given the BTF-typed task loads
    name: 'kprobe_btf_helper', findings: 0,
    body: `static __always_inline int read_pid(void *base)
{
	return ((struct task_struct *)base)->pid;
}

SEC("kprobe/wake_up_new_task")
int kprobe_btf_helper(struct pt_regs *ctx)
{
	out = read_pid(bpf_get_current_task_btf());
	return 0;
}`,
  },
  {
    // a pointer member loaded through the number, then indexed (CORELENS_LOADED_VIA)
    name: 'kprobe_index_member', findings: 1,
    body: `SEC("kprobe/do_nanosleep")
int BPF_KPROBE(kprobe_index_member, struct fdtable *fdt)
{
	out = (__u64)fdt->fd[1];
	return 0;
}`,
  },
  {
    // a bitfield's storage unit loaded through the number (CORELENS_LOADED_VIA)
    name: 'kprobe_bitfield', findings: 1,
    body: `SEC("kprobe/wake_up_new_task")
int BPF_KPROBE(kprobe_bitfield, struct task_struct *p)
{
	out = p->in_execve;
	return 0;
}`,
  },
  {
    // BPF_CORE_READ's value is a probe read's: a plain number (CORELENS_STMTEXPR_ORIGIN: its expansion's last value)
    name: 'core_read_value', findings: 1, fixed: 'out = BPF_CORE_READ(parent, tgid);',
    body: `SEC("kprobe/do_nanosleep")
int core_read_value(struct pt_regs *ctx)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	struct task_struct *parent = BPF_CORE_READ(task, real_parent);

	out = parent->tgid;
	return 0;
}`,
  },
  {
    // ... in tp_btf too: the typed argument read through BPF_CORE_READ gives a number, not a typed pointer
    name: 'tp_btf_core_read_value', findings: 1, fixed: 'out = BPF_CORE_READ(p, pid);',
    body: `SEC("tp_btf/sched_switch")
int BPF_PROG(tp_btf_core_read_value, bool preempt, struct task_struct *prev, struct task_struct *next)
{
	struct task_struct *p = BPF_CORE_READ(prev, real_parent);

	out = p->pid;
	return 0;
}`,
  },
  {
    // \`f->f_path.dentry\` is loaded through f as \`f->f_path\` would be (CORELENS_DOT_ORIGIN): both hops refused
    name: 'kprobe_dot_chain', findings: 2, fixed: 'out = BPF_CORE_READ(f, f_path.dentry, d_name.len);',
    body: `SEC("kprobe/vfs_read")
int BPF_KPROBE(kprobe_dot_chain, struct file *f)
{
	out = f->f_path.dentry->d_name.len;
	return 0;
}`,
  },
  {
    // a parent walk from a typed task through BPF_CORE_READ: the second iteration reads through the number it left
    // (CORELENS_LOOP_CARRIED; the verifier walks that iteration)
    name: 'tp_btf_walk', findings: 1, fixed: 'out += BPF_CORE_READ(t, pid);',
    body: `SEC("tp_btf/sched_process_exec")
int BPF_PROG(tp_btf_walk, struct task_struct *p, pid_t old_pid, struct linux_binprm *bprm)
{
	struct task_struct *t = p;

	for (int i = 0; i < 4; i++) {
		out += t->pid;
		t = BPF_CORE_READ(t, real_parent);
		if (!t)
			break;
	}
	return 0;
}`,
  },
  {
    // the same walk with direct reads stays typed, and a loop that runs once never meets the number
    name: 'tp_btf_walk_typed', findings: 0,
    body: `SEC("tp_btf/sched_process_exec")
int BPF_PROG(tp_btf_walk_typed, struct task_struct *p, pid_t old_pid, struct linux_binprm *bprm)
{
	struct task_struct *t = p, *u = p;

	for (int i = 0; i < 4; i++) {
		out += t->pid;
		t = t->real_parent;
		if (!t)
			break;
	}
	for (int i = 0; i < 1; i++) {
		out += u->tgid;
		u = BPF_CORE_READ(u, real_parent);
	}
	return 0;
}`,
  },
  {
    // a static subprogram kept out of line is walked with its caller's registers: given a plain number, its direct
    // read refuses the calling program (CORELENS_TEXT_ARGS)
    name: 'static_noinline_arg', findings: 1, fixed: 'return BPF_CORE_READ(t, pid);',
    body: `${READ_PID_OOL}
SEC("kprobe/do_nanosleep")
int static_noinline_arg(struct pt_regs *ctx)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();

	out = read_pid_ool(task);
	return 0;
}`,
  },
  {
    // the same subprogram given the BTF-typed task loads
    name: 'static_noinline_btf', findings: 0,
    body: `${READ_PID_OOL}
SEC("kprobe/do_nanosleep")
int static_noinline_btf(struct pt_regs *ctx)
{
	out = read_pid_ool(bpf_get_current_task_btf());
	return 0;
}`,
  },
  {
    // a BPF_CORE_READ value is a number in a packet program too (casts of numbers are not claimed there: packet
    // pointers), and a static subprogram the program calls under no guard meets the same numbers in its body
    // (CORELENS_ANY_SECTION; one called only under CO-RE guards may be walked nowhere: not claimed)
    name: 'tc_core_read_value', findings: 1, fixed: 'out = BPF_CORE_READ(parent, tgid);',
    body: `SEC("tc")
int tc_core_read_value(struct __sk_buff *skb)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	struct task_struct *parent = BPF_CORE_READ(task, real_parent);

	out = parent->tgid;
	return 0;
}`,
  },
  {
    name: 'subprog_walk', findings: 1, fixed: 'out += BPF_CORE_READ(w, pid);',
    body: `static __noinline int walk_pids(int k)
{
	struct task_struct *w = bpf_get_current_task_btf();

	for (int i = 0; i < 2; i++) {
		out += w->pid;
		w = BPF_CORE_READ(w, real_parent);
	}
	return k;
}

SEC("kprobe/do_nanosleep")
int subprog_walk(struct pt_regs *ctx)
{
	return walk_pids(1);
}`,
  },
  {
    // the same subprogram called only where a CO-RE check fails on every kernel: the verifier never walks it
    name: 'subprog_guarded', findings: 0,
    body: `static __noinline int parent_pid(int k)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	struct task_struct *parent = BPF_CORE_READ(task, real_parent);

	return parent->pid + k;
}

SEC("kprobe/do_nanosleep")
int subprog_guarded(struct pt_regs *ctx)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();

	if (!bpf_core_field_exists(task->pid))
		out = parent_pid(1);
	return 0;
}`,
  },
  {
    // none of these reads a number: BPF_CORE_READ of an array member is a stack array (lmp's `t =
    // BPF_CORE_READ(ac, .., _watermark); t[0]`), a map value a statement-expression macro returns (nettrace's
    // CONFIG()), and a static subprogram given NULL, which the verifier knows and prunes (netstacklat's
    // `sk ? sk->x : 0`): false errors the merged rules made once
    name: 'not_numbers', findings: 0,
    body: `struct cfg { int ready; __u8 status[16]; };
struct { __uint(type, BPF_MAP_TYPE_ARRAY); __uint(max_entries, 1); __type(key, int); __type(value, struct cfg); } m_config SEC(".maps");
#define CONFIG() ({ int _key = 0; void *_v = bpf_map_lookup_elem(&m_config, &_key); if (!_v) return 0; (struct cfg *)_v; })

static __noinline int sk_mark_or_zero(struct sock *sk)
{
	return sk ? sk->sk_mark : 0;
}

SEC("kprobe/do_nanosleep")
int not_numbers(struct pt_regs *ctx)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	struct cfg *c = (void *)CONFIG();
	char *comm = BPF_CORE_READ(task, comm);

	if (!c->ready)
		return 0;
	out = comm[1] + c->status[3] + sk_mark_or_zero(NULL);
	return 0;
}`,
  },
  {
    // FALL_JOIN: the read after an if/else runs where one arm falls out; the knob's arm runs only with the knob set
    // (the verifier reads its default from the frozen .rodata) and the other returns wherever `pid` exists, so no
    // kernel's verifier reaches the read (generated seed 146)
    name: 'join_knob_arm', findings: 0,
    body: `const volatile int jk_on = 0;

SEC("kprobe/do_nanosleep")
int join_knob_arm(struct pt_regs *ctx)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();

	if (jk_on) {
		out = 1;
	} else {
		if (bpf_core_field_exists(task->pid))
			return 0;
		out = 2;
	}
	out += task->tgid;
	return 0;
}`,
  },
  {
    // the same with the early exit the other way round: the other arm falls out on every kernel, the read is reached
    name: 'join_falls', findings: 1, fixed: 'out += BPF_CORE_READ(task, tgid);',
    body: `const volatile int jf_on = 0;

SEC("kprobe/do_nanosleep")
int join_falls(struct pt_regs *ctx)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();

	if (jf_on) {
		out = 1;
	} else {
		if (!bpf_core_field_exists(task->pid))
			return 0;
		out = 2;
	}
	out += task->tgid;
	return 0;
}`,
  },
  {
    // FALL_JOIN: a switch on a check's value whose case taken returns under a value guard (pid's offset is never
    // below 4) and whose default returns: no break is reached, so nothing after the switch is (generated seed 124)
    name: 'join_switch', findings: 0,
    body: `SEC("kprobe/do_nanosleep")
int join_switch(struct pt_regs *ctx)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();

	switch (bpf_core_field_size(task->pid)) {
	case 4:
		if (bpf_core_field_offset(task->pid) > 3)
			return 0;
		out = 1;
		break;
	default:
		return 1;
	}
	out += task->tgid;
	return 0;
}`,
  },
  {
    // RET_VALUES: an inline helper returns 3 wherever pid's offset is above 3 (every kernel): the verifier knows the
    // value, `v & 2` holds, and the else arm's read is never walked (generated seed 127)
    name: 'ret_value', findings: 0,
    body: `static __always_inline __u64 rv_flags(struct task_struct *t)
{
	if (bpf_core_field_offset(t->pid) > 3)
		return 3;
	return BPF_CORE_READ(t, flags);
}

SEC("kprobe/do_nanosleep")
int ret_value(struct pt_regs *ctx)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	__u64 v = rv_flags(task);

	if (v & 2)
		out = v;
	else
		out = task->tgid;
	return 0;
}`,
  },
  {
    // GLOBAL_WALK: a global function a program calls under no CO-RE guard is verified on every kernel (alone, its
    // arguments unknown): the number BPF_CORE_READ returned is read directly there as in a static subprogram
    // (generated seed 86)
    name: 'global_walk', findings: 1, fixed: 'return BPF_CORE_READ(p, pid) + k;',
    body: `__noinline int gw_parent_pid(int k)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	struct task_struct *p = BPF_CORE_READ(task, real_parent);

	return p->pid + k;
}

SEC("kprobe/do_nanosleep")
int global_walk(struct pt_regs *ctx)
{
	out = gw_parent_pid(1);
	return 0;
}`,
  },
];

const directReads = (fs_: readonly CheckFinding[]) => fs_.filter((f) => f.code === CODES.directRead)
  .map((f) => `${f.cause} line ${f.location.line} [${[...f.targets].sort().join(',')}]`).sort();

describe('direct reads through a plain number: live finding, BPF_CORE_READ fix (the verifier decides)', function () {
  this.timeout(300_000);
  let dir: string;
  const root = process.getuid?.() === 0;
  before(function () {
    if (!root) console.log('      NOT ROOT: the verifier part (rejected as written, loads fixed) is not run here');
    dir = scratch('corelens-directread-');
    fs.symlinkSync(path.join(FIXTURES, 'programs', 'vmlinux.h'), path.join(dir, 'vmlinux.h'));
  });
  after(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  for (const c of CASES) {
    it(`${c.name}: ${c.findings} direct-read finding(s), same as check FILE.o${c.fixed ? `; fixed to ${c.fixed}` : ''}`, async () => {
      const text = `${c.head ?? HEAD}\n${c.body}\n`;
      const file = path.join(dir, `${c.name}.bpf.c`);
      fs.writeFileSync(file, text);
      const analyzer = await createAnalyzer({ defines: ['__TARGET_ARCH_x86'] });
      const a = analyzer.analyze(file, text, { includePaths: [path.join(FIXTURES, 'programs')] });
      const target = { name: '6.18-amd64', btf: await kernel('6.18-amd64') };
      const local = a.localBtf();
      const findings = siteFindings(local, evaluateSites(local, a.sites, [target]), [target.name]);
      const reads = findings.filter((x) => x.code === CODES.directRead);
      assert.strictEqual(reads.length, c.findings, `direct reads in ${c.name}: ${reads.map((x) => x.message).join('\n')}`);

      // the object path (the bytecode walk of the compiled program) says the same, at the same lines, on the same targets
      const obj = compileBpf(file);
      const targets = bundledKernelSpecs(false, path.join(FIXTURES, 'btf', 'kernels')).filter((t) => /^(6\.18|6\.1)-amd64$/.test(t.name));
      const common = { targets, workers: 0, includePaths: [path.join(FIXTURES, 'programs')], defines: ['__TARGET_ARCH_x86'] };
      const src = await runCheck({ ...common, file });
      const fromObj = await runCheck({ ...common, file: obj, source: file });
      assert.deepStrictEqual(directReads(src.findings), directReads(fromObj.findings), `${c.name}: check .bpf.c vs check .o`);
      assert.strictEqual(directReads(src.findings).length > 0, c.findings > 0);

      if (root) {
        const asIs = loadOnRunningKernel(obj);
        if (c.findings) {
          assert.ok(!asIs.ok, `${c.name} as written must be rejected`);
          assert.match(asIs.log, /invalid mem access 'scalar'/);
        } else {
          assert.ok(asIs.ok, `${c.name} as written loads:\n${asIs.log.slice(-2000)}`);
        }
      }
      if (!c.fixed) return;
      const doc = TextDocument.create(`file://${file}`, 'c', 1, text);
      let fixedText = text;
      for (const f of reads) {
        const actions = codeActionsFor({ doc, local, findings, targets: [target], macroDefined: (n) => a.macroDefined(n) }, [], f.range);
        const fix = actions.find((x) => /BPF_CORE_READ\(/.test(x.title));
        assert.ok(fix, `a BPF_CORE_READ fix is offered at line ${f.range.start.line + 1}`);
        const applied = TextDocument.applyEdits(doc, fix.edit!.changes![doc.uri]! as TextEdit[]);
        assert.ok(applied.includes(c.fixed), `fixed:\n${applied}`);
        // exactly one bpf_core_read.h include after the fix: added where missing, never doubled
        assert.strictEqual(applied.split('#include <bpf/bpf_core_read.h>').length - 1, 1, `one include:\n${applied}`);
        fixedText = applied;
      }
      // the fixed program has no finding left and loads
      const again = analyzer.analyze(file, fixedText, { includePaths: [path.join(FIXTURES, 'programs')] });
      const local2 = again.localBtf();
      assert.deepStrictEqual(siteFindings(local2, evaluateSites(local2, again.sites, [target]), [target.name]).filter((x) => x.code === CODES.directRead), []);
      if (root) {
        const f2 = path.join(dir, `${c.name}-fix.bpf.c`);
        fs.writeFileSync(f2, fixedText);
        const mine = loadOnRunningKernel(compileBpf(f2));
        assert.ok(mine.ok, `${c.name} fixed must load:\n${mine.log.slice(-2000)}`);
      }
    });
  }
});
