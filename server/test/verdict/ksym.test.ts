// How the load verdicts decide __ksym externs per target: a strong one the kernel lacks fails the whole object before
// any CO-RE relocation (libbpf's bpf_object__resolve_externs), where libbpf looks each kind up (kernel BTF for typed
// variables and kfuncs, kallsyms for untyped ones), and the running kernel's /proc/kallsyms. The differential test
// holds the same fixtures to the real libbpf + verifier; this one states the per-target facts a BTF gives.

import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { openBtfFile } from '../../src/btf/open';
import { BpfObject, openBpfObject } from '../../src/btf/object';
import { Btf } from '../../src/btf/reader';
import { relocateObject } from '../../src/core/object';
import { inKallsyms } from '../../src/verdict/externs';
import { factsFromBtf, ksymExterns, objectVerdicts } from '../../src/verdict/index';
import { kernel } from '../support/kernels';
import { FIXTURES } from '../support/paths';

async function object(name: string): Promise<BpfObject> {
  const o = await openBpfObject(path.join(FIXTURES, 'verdict', 'objects', `${name}.bpf.o`));
  if (!o.ok) throw o.error;
  return o.value;
}

function verdictsOn(obj: BpfObject, name: string, btf: Btf, running = false) {
  const relos = relocateObject(obj, [{ name, btf }]);
  const v = objectVerdicts(obj, relos, [{ name, facts: factsFromBtf(btf, obj, { running }) }]);
  return { relos, programs: v.programs.map((p) => ({ name: p.name, ...p.targets.get(name)! })) };
}

/** The first text symbol of this machine's /proc/kallsyms, or why there is none to read. */
function kallsymsText(): string | { skip: string } {
  let text: string;
  try {
    text = fs.readFileSync('/proc/kallsyms', 'utf8');
  } catch (e) {
    return { skip: `/proc/kallsyms is not readable here (${(e as Error).message})` };
  }
  const m = /^[0-9a-f]+ [tT] ([A-Za-z_]\w*)$/m.exec(text);
  return m ? m[1]! : { skip: '/proc/kallsyms lists no text symbol here' };
}

describe('__ksym externs in the load verdicts', function () {
  this.timeout(120_000);

  it('collects the externs libbpf collects, sorted by name as libbpf sorts them', async () => {
    assert.deepStrictEqual(ksymExterns(await object('ksym_present')).map(({ localType, ...e }) => ({ ...e, typed: localType > 0 })), [
      { name: 'bpf_rcu_read_lock', untyped: false, func: true, weak: false, typed: true },
      { name: 'bpf_rcu_read_unlock', untyped: false, func: true, weak: false, typed: true },
      { name: 'corelens_no_such_weak', untyped: true, func: false, weak: true, typed: false },
      { name: 'vfs_read', untyped: true, func: false, weak: false, typed: false },
    ]);
    assert.deepStrictEqual(ksymExterns(await object('ksym_var_missing')).map((e) => [e.name, e.untyped]),
      [['corelens_no_such_addr', true], ['corelens_no_such_var', false]]);
    assert.deepStrictEqual(ksymExterns(await object('guards')), [], '__kconfig externs are not ksyms');
  });

  it('a target\'s BTF: a FUNC answers an untyped ksym, anything else is unknown; kfuncs and typed variables from BTF', async () => {
    const obj = await object('ksym_present');
    const k510 = await kernel('5.10-amd64');
    const k612 = await kernel('6.12-amd64');
    const f510 = factsFromBtf(k510, obj);
    const f612 = factsFromBtf(k612, obj);
    assert.strictEqual(f510.hasKsym!('vfs_read'), true, 'a text symbol is always in kallsyms');
    assert.strictEqual(f510.hasKsym!('corelens_no_such_weak'), undefined, 'kallsyms may hold data symbols the BTF does not name');
    assert.strictEqual(f510.hasKsym!('bpf_rcu_read_lock'), false, '5.10 has no such kfunc');
    assert.strictEqual(f612.hasKsym!('bpf_rcu_read_lock'), true);
    // libbpf on a 5.10 kernel would stop at the first missing strong kfunc, before relocating
    const on510 = verdictsOn(obj, '5.10', k510).programs;
    for (const p of on510) {
      assert.deepStrictEqual([p.loads, p.kind, p.errno, p.extern], [false, 'libbpf', 22, 'bpf_rcu_read_lock'], p.name);
      assert.match(p.reason!, /extern \(func ksym\) 'bpf_rcu_read_lock': not found in kernel or module BTFs/);
    }
    const on612 = verdictsOn(obj, '6.12', k612).programs;
    assert.deepStrictEqual(on612.find((p) => p.name === 'ksym_text')!.loads, true);
    assert.deepStrictEqual(on612.find((p) => p.name === 'ksym_kfunc_pair')!.loads, true);
    // the weak one unknown: it may exist as data, and the read through its address is then a plain number
    assert.strictEqual(on612.find((p) => p.name === 'ksym_weak')!.kind, 'scalar');
  });

  it('a missing strong typed variable fails before a missing untyped one (libbpf resolves BTF ids first)', async () => {
    const obj = await object('ksym_var_missing');
    const k = await kernel('6.1-amd64');
    const [p] = verdictsOn(obj, '6.1', k).programs;
    assert.deepStrictEqual([p!.loads, p!.kind, p!.errno, p!.extern], [false, 'libbpf', 22, 'corelens_no_such_var']);
    assert.match(p!.reason!, /extern \(var ksym\) 'corelens_no_such_var': not found in kernel BTF/);
  });

  it('an untyped strong ksym on a target: unknown, so the CO-RE relocation error decides; on the running kernel kallsyms does', async function () {
    const obj = await object('ksym_missing');
    const k = await kernel('6.1-amd64');
    const on61 = verdictsOn(obj, '6.1', k);
    const err = on61.relos.findIndex((r) => r.targets.get('6.1')?.outcome === 'error');
    assert.ok(err >= 0, 'the fixture has a relocation libbpf refuses');
    for (const p of on61.programs) assert.deepStrictEqual([p.kind, p.relocation, p.extern], ['libbpf', err, undefined], p.name);

    const sym = kallsymsText();
    if (typeof sym !== 'string') this.skip();
    const vmlinux = '/sys/kernel/btf/vmlinux';
    if (!fs.existsSync(vmlinux)) this.skip();
    const opened = await openBtfFile(vmlinux);
    if (!opened.ok) throw opened.error;
    const host = opened.value.btf;
    const running = verdictsOn(obj, 'running', host, true).programs;
    // the extern wins over the relocation error: libbpf resolves externs first
    for (const p of running) {
      assert.deepStrictEqual([p.loads, p.kind, p.errno, p.extern, p.relocation], [false, 'libbpf', 3, 'corelens_no_such_symbol', undefined], p.name);
      assert.match(p.reason!, /extern 'corelens_no_such_symbol' \(strong\): not resolved; .*\/proc\/kallsyms/);
    }
    // the same BTF not known as the running kernel's: kallsyms is not read
    assert.ok(verdictsOn(obj, 'host', host, false).programs.every((p) => p.extern === undefined));
  });

  it('reads this machine\'s /proc/kallsyms for the running kernel', function () {
    const sym = kallsymsText();
    if (typeof sym !== 'string') {
      console.warn(`      skipped: ${sym.skip}`);
      this.skip();
    }
    assert.strictEqual(inKallsyms(sym), true, `${sym} is a text symbol of /proc/kallsyms`);
    assert.strictEqual(inKallsyms('corelens_no_such_symbol'), false);
  });

  it('a typed ksym or kfunc whose type is not the kernel\'s: refused where the kernel has it, weak or not', async () => {
    const k510 = await kernel('5.10-amd64');
    const k61 = await kernel('6.1-amd64');
    const k612 = await kernel('6.12-amd64');
    const inc = await object('ksym_incompat');
    assert.ok([...verdictsOn(inc, '5.10', k510).programs].every((p) => p.loads), '5.10 has no per-CPU variables in BTF: the weak extern is zero');
    for (const p of verdictsOn(inc, '6.1', k61).programs) {
      assert.deepStrictEqual([p.loads, p.kind, p.errno, p.extern], [false, 'libbpf', 22, 'process_counts'], p.name);
      assert.match(p.reason!, /extern \(var ksym\) 'process_counts': incompatible types/);
    }
    const kf = await object('ksym_kfunc_incompat');
    for (const p of verdictsOn(kf, '6.1', k61).programs) assert.match(p.reason!, /'bpf_task_from_pid': not found in kernel or module BTFs/, p.name);
    for (const p of verdictsOn(kf, '6.12', k612).programs) {
      assert.deepStrictEqual([p.loads, p.kind, p.errno, p.extern], [false, 'libbpf', 22, 'bpf_task_from_pid'], p.name);
      assert.match(p.reason!, /func_proto incompatible with kernel/);
    }
    // the compatible prototype of ksym_present's kfuncs is accepted
    assert.strictEqual(factsFromBtf(k612, await object('ksym_present')).ksymCompatible!('bpf_rcu_read_lock'), true);
  });
});
