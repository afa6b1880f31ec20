// tp_btf arguments the loading kernel types as numbers (verdict/rawtp.ts, the kernel's raw_tp table): held to this
// machine's kernel twice. The probe (tools/oracle/rawtp-probe.c) asks it, for every struct-pointer argument of every
// tracepoint of its BTF, whether it is a number: errorArgs() for its release must say the same of each. The fixture
// rawtp.bpf.c (falco's signal_deliver shape and its neighbours) is loaded here and walked by `check`'s path
// (factsFromBtf on the running kernel): the same verdicts, and without the rule the direct reads load.

import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { openBtfFile } from '../../src/btf/open';
import { BpfObject, openBpfObject } from '../../src/btf/object';
import { Btf } from '../../src/btf/reader';
import { relocateObject } from '../../src/core/object';
import { KernelFacts, errorArgs, factsFromBtf, objectVerdicts, runningVersionHere } from '../../src/verdict/index';
import { kernelVersionCode } from '../../src/verdict/kconfig';
import { FIXTURES, REPO_ROOT } from '../support/paths';
import { VerdictLine } from '../support/verifier';

const RECORD = path.join(FIXTURES, 'expected', 'rawtp-probe.txt');

/** Runs the probe on this machine: its lines, or undefined when loading programs is not permitted. */
function probe(): string[] | undefined {
  const bin = path.join(REPO_ROOT, '.tmp', 'rawtp-probe');
  const src = path.join(REPO_ROOT, 'tools', 'oracle', 'rawtp-probe.c');
  if (!fs.existsSync(bin) || fs.statSync(src).mtimeMs > fs.statSync(bin).mtimeMs) {
    fs.mkdirSync(path.dirname(bin), { recursive: true });
    const cc = spawnSync('cc', ['-O1', src, '-o', bin, '-l:libbpf.a', '-lelf', '-lz'], { encoding: 'utf8' });
    assert.strictEqual(cc.status, 0, cc.stderr);
  }
  const r = spawnSync(bin, [], { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.status === 3 || r.status === 2) return undefined;
  assert.strictEqual(r.status, 0, r.stderr);
  return r.stdout.split('\n').filter(Boolean);
}

function verdictsOn(obj: BpfObject, btf: Btf, facts: KernelFacts) {
  const relos = relocateObject(obj, [{ name: 'host', btf }], { libbpf: '1.1' });
  const v = objectVerdicts(obj, relos, [{ name: 'host', facts }]);
  return new Map(v.programs.map((p) => [p.name, p.targets.get('host')!] as const));
}

describe('tp_btf arguments the kernel types as numbers (raw_tp table)', function () {
  this.timeout(300_000);

  it('by release: none before the table (6.13), the signal tracepoints\' info from 6.18.44, nothing for an unknown release', () => {
    assert.strictEqual(errorArgs(kernelVersionCode(6, 12, 117)), undefined);
    assert.deepStrictEqual(errorArgs(kernelVersionCode(6, 13, 0))?.get('cachefiles_lookup'), [2]);
    assert.strictEqual(errorArgs(kernelVersionCode(6, 18, 0))?.get('signal_deliver'), undefined);
    assert.deepStrictEqual(errorArgs(kernelVersionCode(6, 18, 44))?.get('signal_deliver'), [1]);
    assert.deepStrictEqual(errorArgs([kernelVersionCode(6, 18, 0), kernelVersionCode(6, 18, 255)])?.get('signal_deliver'), undefined, 'Ubuntu: the lowest patch level');
    assert.strictEqual(errorArgs(undefined), undefined);
  });

  it('every tracepoint argument of the running kernel: numbers exactly where errorArgs says (live probe, else the record)', async function () {
    if (!fs.existsSync('/sys/kernel/btf/vmlinux')) this.skip();
    const live = probe();
    let lines: string[];
    let version: number;
    let has: (tp: string) => boolean;
    if (live) {
      const opened = await openBtfFile('/sys/kernel/btf/vmlinux');
      if (!opened.ok) throw opened.error;
      lines = live;
      version = runningVersionHere();
      has = (tp) => opened.value.btf.findByName(`btf_trace_${tp}`) > 0;
    } else {
      // the record: its kernel's release first; only tracepoints it names can be held to it
      lines = fs.readFileSync(RECORD, 'utf8').split('\n').filter(Boolean);
      const kernel = lines.shift()!.replace(/^# kernel /, '');
      console.warn(`      NOT RUN live: loading BPF programs is not permitted here; the record of ${kernel} is compared`);
      const m = /^(\d+)\.(\d+)\.(\d+)/.exec(kernel)!;
      version = kernelVersionCode(+m[1]!, +m[2]!, +m[3]!);
      const named = new Set(lines.map((l) => l.split(' ')[0]!));
      has = (tp) => named.has(tp);
    }
    const kernelSays = new Set(lines.filter((l) => l.endsWith(' scalar')).map((l) => l.replace(/ scalar$/, '')));
    const ours = errorArgs(version) ?? new Map<string, readonly number[]>();
    for (const [tp, args] of ours) {
      if (!has(tp)) continue;
      for (const a of args) assert.ok(kernelSays.has(`${tp} ${a}`), `${tp} arg${a}: corelens says a number, the kernel a pointer`);
    }
    for (const k of kernelSays) {
      const [tp, a] = k.split(' ');
      assert.ok(ours.get(tp!)?.includes(+a!), `${k}: the kernel says a number, corelens a pointer`);
    }
    if (version >= kernelVersionCode(6, 18, 44)) assert.ok(kernelSays.has('signal_deliver 1') && kernelSays.has('signal_generate 1'));
  });

  it('rawtp.bpf.c on the running kernel: the verdicts of the kernel verifier, and of a walk without the rule they differ', async function () {
    if (!fs.existsSync('/sys/kernel/btf/vmlinux')) this.skip();
    const file = path.join(FIXTURES, 'verdict', 'objects', 'rawtp.bpf.o');
    const r = spawnSync(path.join(REPO_ROOT, 'scripts', 'verifier-oracle.sh'), ['--host-only', file], { encoding: 'utf8' });
    if (r.status === 3) {
      console.warn(`      NOT RUN: loading BPF programs is not permitted here: ${r.stderr.trim().split('\n').pop()}`);
      this.skip();
    }
    assert.strictEqual(r.status, 0, r.stderr);
    const lines = r.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as VerdictLine);
    const o = await openBpfObject(file);
    if (!o.ok) throw o.error;
    const opened = await openBtfFile('/sys/kernel/btf/vmlinux');
    if (!opened.ok) throw opened.error;
    const host = opened.value.btf;
    const facts = factsFromBtf(host, o.value, { running: true });
    const ours = verdictsOn(o.value, host, facts);
    const off = verdictsOn(o.value, host, { ...facts, tpErrArgs: undefined });
    const kernelSays = lines.map((l) => `${l.name} ${l.class}${l.class === 'scalar' ? `@${l.insn}` : ''}`);
    const say = (m: Map<string, { loads: boolean; kind?: string; insn?: number }>) =>
      lines.map((l) => { const v = m.get(l.name)!; return `${l.name} ${v.loads ? 'ok' : v.kind}${v.kind === 'scalar' ? `@${v.insn}` : ''}`; });
    assert.deepStrictEqual(say(ours), kernelSays);
    if (facts.tpErrArgs?.get('signal_deliver')) {
      assert.ok(kernelSays.includes('deliver_direct scalar@6'), kernelSays.join(', '));
      assert.notDeepStrictEqual(say(off), kernelSays, 'without the rule the direct reads of info load');
    }
  });
});
