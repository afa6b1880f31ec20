// What the load verdicts say about the verdict fixtures, in words (the differential test proves every one of them
// against the kernel; this file states the interesting ones and the API's shape: reach per relocation, the failing
// instruction, its relocation and source line, the facts a target's BTF gives).

import * as assert from 'assert';
import * as path from 'path';
import { openBpfObject } from '../../src/btf/object';
import { relocateObject } from '../../src/core/object';
import { ObjectVerdicts, factsFromBtf, helperLimitOf, objectVerdicts } from '../../src/verdict/index';
import { kernel } from '../support/kernels';
import { FIXTURES } from '../support/paths';

const KERNELS = ['6.1-amd64', '6.1-arm64', '6.18-amd64'];

async function verdicts(name: string): Promise<ObjectVerdicts & { relos: ReturnType<typeof relocateObject> }> {
  const o = await openBpfObject(path.join(FIXTURES, 'verdict', 'objects', `${name}.bpf.o`));
  if (!o.ok) throw o.error;
  const targets = await Promise.all(KERNELS.map(async (k) => ({ name: k, btf: await kernel(k) })));
  const relos = relocateObject(o.value, targets);
  return { ...objectVerdicts(o.value, relos, targets.map((t) => ({ name: t.name, facts: factsFromBtf(t.btf, o.value) }))), relos };
}

describe('load verdicts of the verdict fixtures', function () {
  this.timeout(120_000);

  it('guards: spilled, volatile, static and global subprograms, loops, callbacks, .rodata, kconfig', async () => {
    const v = await verdicts('guards');
    const on = (prog: string, t: string) => v.programs.find((p) => p.name === prog)!.targets.get(t)!;
    for (const t of KERNELS.filter((k) => k.endsWith('amd64'))) {
      assert.deepStrictEqual(on('guard_spilled', t), { loads: true }, 'an 8-byte spill keeps the guard');
      assert.deepStrictEqual(on('guard_static_call', t), { loads: true }, 'a static subprogram\'s result is known');
      assert.deepStrictEqual(on('guard_early_return', t), { loads: true });
      assert.deepStrictEqual(on('loop_never', t), { loads: true });
      assert.deepStrictEqual(on('rodata_guard', t), { loads: true }, 'use_old_layout is false in frozen .rodata');
      assert.deepStrictEqual(on('loop_callback_guarded', t), { loads: true });
      // a volatile byte holding 1 is forgotten (STACK_MISC): the `state` branch is reached where __state exists
      const vb = on('guard_volatile_byte', t);
      assert.strictEqual(vb.kind, 'core');
      assert.match(vb.reason!, /`task_struct___o\.state` \(byte_off\): struct task_struct has no field state/);
      assert.ok(vb.line! > 0 && /guards\.bpf\.c$/.test(vb.file!));
      assert.strictEqual(on('guard_global_call', t).kind, 'core', 'a global subprogram returns an unknown number');
      assert.strictEqual(on('loop_callback', t).kind, 'core', 'the callback\'s unguarded read of `state`');
      // LINUX_KERNEL_VERSION is not in BTF: both branches are explored, and the pre-5.14 one reads `state`
      assert.strictEqual(on('kconfig_guard', t).kind, 'core');
    }
    // pt_regs has no `di` on arm64, but these programs never read it: the same verdicts hold there
    assert.deepStrictEqual(on('guard_spilled', '6.1-arm64'), { loads: true });
    // reach: the `state` reads of guard_spilled are dead on every kernel; the volatile one reached on 6.x
    const state = v.relos.map((r, i) => ({ r, i })).filter(({ r }) => r.section === 'kprobe/guard_spilled' && r.path === 'task_struct___o.state');
    assert.strictEqual(state.length, 1);
    for (const t of KERNELS) assert.strictEqual(v.reach.get(t)![state[0]!.i], 'dead');
    const vbRelo = on('guard_volatile_byte', '6.1-amd64').relocation!;
    assert.strictEqual(v.relos[vbRelo]!.path, 'task_struct___o.state');
    assert.strictEqual(v.reach.get('6.1-amd64')![vbRelo], 'reachable');
  });

  it('deref: reads through plain numbers in kprobes fail, typed pointers in tp_btf load', async () => {
    const v = await verdicts('deref');
    const on = (prog: string, t: string) => v.programs.find((p) => p.name === prog)!.targets.get(t)!;
    for (const t of ['6.1-amd64', '6.18-amd64']) {
      const d = on('deref_direct', t);
      assert.deepStrictEqual([d.loads, d.kind, d.reg], [false, 'scalar', 0], 'bpf_get_current_task() returns a number');
      assert.match(d.reason!, /R0 invalid mem access 'scalar'.*BPF_CORE_READ\(\)/);
      assert.strictEqual(on('deref_second_hop', t).kind, 'scalar');
      assert.strictEqual(on('deref_one_path', t).kind, 'scalar');
      assert.strictEqual(on('bitfield_direct', t).kind, 'scalar', 'BPF_CORE_READ_BITFIELD reads directly');
      for (const ok of ['deref_core_read', 'deref_btf', 'bitfield_probed', 'bitfield_btf']) assert.deepStrictEqual(on(ok, t), { loads: true }, ok);
    }
    // every reachable direct read is listed, not only the first error
    const p = v.programs.find((x) => x.name === 'deref_one_path')!;
    assert.strictEqual(p.scalarDerefs.get('6.1-amd64')!.length, 1);
  });

  it('packet: skb and xdp_md data/data_end/data_meta are packet pointers; a pointer made of skb->mark is a number', async () => {
    const v = await verdicts('packet');
    const on = (prog: string, t: string) => v.programs.find((p) => p.name === prog)!.targets.get(t)!;
    for (const t of ['6.1-amd64', '6.18-amd64']) {
      for (const ok of ['tc_ttl', 'tc_meta', 'xdp_ttl']) assert.deepStrictEqual(on(ok, t), { loads: true }, ok);
      const d = on('tc_mark_deref', t);
      assert.deepStrictEqual([d.loads, d.kind, d.reg], [false, 'scalar', 1]);
    }
  });

  it('helpers: a reached call of a helper past the kernel\'s table fails there; guarded or sanitized ones do not', async () => {
    const o = await openBpfObject(path.join(FIXTURES, 'verdict', 'objects', 'helpers.bpf.o'));
    if (!o.ok) throw o.error;
    const ks = ['5.10-amd64', '6.1-amd64', '6.18-amd64'];
    const targets = await Promise.all(ks.map(async (k) => ({ name: k, btf: await kernel(k) })));
    // the helper tables the kernels' BTF give (their enum bpf_func_id's __BPF_FUNC_MAX_ID)
    assert.deepStrictEqual(targets.map((t) => helperLimitOf(t.btf)), [156, 210, 212]);
    const v = objectVerdicts(o.value, relocateObject(o.value, targets), targets.map((t) => ({ name: t.name, facts: factsFromBtf(t.btf, o.value) })));
    const on = (prog: string, t: string) => v.programs.find((p) => p.name === prog)!.targets.get(t)!;
    const loop = on('loop_unguarded', '5.10-amd64');
    assert.deepStrictEqual([loop.loads, loop.kind, loop.helper], [false, 'helper', 'bpf_loop']);
    assert.match(loop.reason!, /bpf_loop \(helper 181\).*BPF_FUNC_loop.*invalid func unknown#181$/);
    assert.ok(loop.line! > 0 && /helpers\.bpf\.c$/.test(loop.file!), 'the call\'s source line');
    for (const p of ['loop_guarded', 'loop_bool_helper', 'tai_in_callback', 'probe_read_kernel_everywhere', 'task_btf_value_guard']) {
      assert.deepStrictEqual(on(p, '5.10-amd64'), { loads: true }, `${p} on 5.10`);
    }
    assert.strictEqual(on('task_btf_unguarded', '5.10-amd64').helper, 'bpf_get_current_task_btf');
    // bpf_ktime_get_tai_ns (208): 5.10 lacks it, 6.1 has it; in a subprogram the instruction is the appended copy's
    assert.deepStrictEqual([on('tai_unguarded', '5.10-amd64').kind, on('tai_unguarded', '6.1-amd64').loads], ['helper', true]);
    const sub = on('tai_in_subprog', '5.10-amd64');
    assert.ok(sub.kind === 'helper' && sub.insn! > 0);
    // first error on the path wins: the poisoned __state read before the call, the call before the read
    assert.strictEqual(on('core_before_helper', '5.10-amd64').kind, 'core');
    assert.strictEqual(on('helper_before_core', '5.10-amd64').kind, 'helper');
    for (const t of ['6.1-amd64', '6.18-amd64']) {
      for (const p of v.programs) if (p.name !== 'task_btf_unguarded') assert.deepStrictEqual(p.targets.get(t), { loads: true }, `${p.name} on ${t}`);
    }
    // a kernel whose BTF has no helper enum: no helper is refused (unknown, not a guess)
    const none = objectVerdicts(o.value, relocateObject(o.value, targets.slice(0, 1)), [{ name: '5.10-amd64', facts: { ...factsFromBtf(targets[0]!.btf, o.value), helperLimit: undefined } }]);
    assert.deepStrictEqual(none.programs.find((p) => p.name === 'loop_unguarded')!.targets.get('5.10-amd64'), { loads: true });
  });
});
