// The bitfield quick fix chooses the macro the verifier accepts (issue 13): BPF_CORE_READ_BITFIELD_PROBED where the
// pointer is a plain number (kprobe arguments, bpf_get_current_task(), anything outside a BTF-typed program's own
// arguments), BPF_CORE_READ_BITFIELD only for a BTF-typed argument (BPF_PROG in tp_btf). Proven with the running
// kernel's verifier: each fix is applied, compiled with clang and loaded; and the other macro is loaded too, to show
// the choice matters (the direct one is rejected in a kprobe) or is the cheaper one that loads (tp_btf).

import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { TextEdit } from 'vscode-languageserver/node';
import { codeActionsFor } from '../../src/features/codeActions';
import { CODES, siteFindings } from '../../src/features/diagnostics';
import { evaluateSites } from '../../src/features/evaluate';
import { createAnalyzer } from '../../src/source/analyzer';
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

/** Programs with one direct bitfield read each, and the macro the fix must insert. */
const CASES: { name: string; body: string; macro: string; other: 'rejected' | 'loads' | 'does not compile' }[] = [
  {
    name: 'kprobe_helper', macro: 'BPF_CORE_READ_BITFIELD_PROBED', other: 'rejected',
    body: `SEC("kprobe/do_nanosleep")
int kprobe_helper(struct pt_regs *ctx)
{
	struct task_struct *t = (struct task_struct *)bpf_get_current_task();

	out = t->in_execve;
	return 0;
}`,
  },
  {
    // libbpf 1.1's BPF_CORE_READ_BITFIELD does not even compile on a BPF_KPROBE argument
    name: 'kprobe_arg', macro: 'BPF_CORE_READ_BITFIELD_PROBED', other: 'does not compile',
    body: `SEC("kprobe/wake_up_new_task")
int BPF_KPROBE(kprobe_arg, struct task_struct *p)
{
	out = p->in_execve;
	return 0;
}`,
  },
  {
    name: 'tp_btf_helper', macro: 'BPF_CORE_READ_BITFIELD_PROBED', other: 'rejected',
    body: `SEC("tp_btf/sched_switch")
int BPF_PROG(tp_btf_helper, bool preempt, struct task_struct *prev, struct task_struct *next)
{
	struct task_struct *t = (struct task_struct *)bpf_get_current_task();

	out = t->in_execve;
	return 0;
}`,
  },
  {
    name: 'tp_btf_arg', macro: 'BPF_CORE_READ_BITFIELD', other: 'loads',
    body: `SEC("tp_btf/sched_switch")
int BPF_PROG(tp_btf_arg, bool preempt, struct task_struct *prev, struct task_struct *next)
{
	out = prev->in_execve;
	return 0;
}`,
  },
];

describe('bitfield quick fix: _PROBED unless the pointer is BTF-typed (the running kernel\'s verifier decides)', function () {
  this.timeout(300_000);
  let dir: string;
  before(function () {
    if (process.getuid?.() !== 0) {
      console.log('      NOT RUN: loading BPF programs needs root (bpf()); the fix choices are not proven here');
      this.skip();
    }
    dir = scratch('corelens-bitfield-');
    // compiled as a user would, beside the vmlinux.h of the fixtures (6.1-amd64; CO-RE relocates to this kernel)
    fs.symlinkSync(path.join(FIXTURES, 'programs', 'vmlinux.h'), path.join(dir, 'vmlinux.h'));
  });
  after(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  for (const c of CASES) {
    it(`${c.name}: the fix inserts ${c.macro}; compiled, it loads; the other macro is ${c.other}`, async () => {
      const text = `${HEAD}\n${c.body}\n`;
      const file = path.join(dir, `${c.name}.bpf.c`);
      const analyzer = await createAnalyzer({ defines: ['__TARGET_ARCH_x86'] });
      const a = analyzer.analyze(file, text, { includePaths: [path.join(FIXTURES, 'programs')] });
      const target = { name: '6.18-amd64', btf: await kernel('6.18-amd64') };
      const local = a.localBtf();
      const findings = siteFindings(local, evaluateSites(local, a.sites, [target]), [target.name]);
      const f = findings.find((x) => x.code === CODES.directBitfield);
      assert.ok(f, `a direct bitfield finding in ${c.name}: ${findings.map((x) => x.code).join(', ')}`);
      const doc = TextDocument.create(`file://${file}`, 'c', 1, text);
      const actions = codeActionsFor({ doc, local, findings, targets: [target] }, [], f.range);
      const fix = actions.find((x) => /BITFIELD/.test(x.title));
      assert.ok(fix, 'a bitfield fix is offered');
      const fixed = TextDocument.applyEdits(doc, fix.edit!.changes![doc.uri]! as TextEdit[]);
      const other = c.macro === 'BPF_CORE_READ_BITFIELD' ? 'BPF_CORE_READ_BITFIELD_PROBED' : 'BPF_CORE_READ_BITFIELD';
      assert.match(fixed, new RegExp(`out = ${c.macro}\\((t|p|prev), in_execve\\);`));

      // as written: a direct read of a bitfield (through a plain number it is rejected; in tp_btf it loads)
      const load = (name: string, src: string) => {
        const f2 = path.join(dir, name);
        fs.writeFileSync(f2, src);
        return loadOnRunningKernel(compileBpf(f2, f2.replace(/\.c$/, '.o')));
      };
      const mine = load(`${c.name}-fix.bpf.c`, fixed);
      assert.ok(mine.ok, `${c.name} with ${c.macro} must load:\n${mine.log.slice(-2000)}`);
      if (c.other === 'does not compile') {
        assert.throws(() => load(`${c.name}-other.bpf.c`, fixed.replace(`${c.macro}(`, `${other}(`)), /clang failed/);
        return;
      }
      const theirs = load(`${c.name}-other.bpf.c`, fixed.replace(`${c.macro}(`, `${other}(`));
      if (c.other === 'rejected') {
        assert.ok(!theirs.ok, `${c.name} with ${other} must be rejected`);
        assert.match(theirs.log, /invalid mem access 'scalar'/);
      } else {
        assert.ok(theirs.ok, `${c.name} with ${other} loads too:\n${theirs.log.slice(-2000)}`);
      }
    });
  }
});
