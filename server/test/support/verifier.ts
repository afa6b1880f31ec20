// The verdict differential: corelens' load verdicts against what the kernel verifier says after real libbpf relocated
// the object (tools/oracle/verifier.c via scripts/verifier-oracle.sh), program by program and target by target.

import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { openBtfFile } from '../../src/btf/open';
import { openBpfObject } from '../../src/btf/object';
import { Btf } from '../../src/btf/reader';
import { relocateObject } from '../../src/core/object';
import { KernelFacts, VerdictTarget, errorArgs, factsFromBtf, helperLimitOf, kconfigExterns, objectVerdicts, resolveKconfig, runningVersionHere } from '../../src/verdict/index';
import { FIXTURES, KERNELS_DIR, REPO_ROOT, TARGETS_DIR } from './paths';

export const VERIFIER_EXPECTED = path.join(FIXTURES, 'expected', 'verifier');

/** One line of verifier-oracle output: one program on one target. */
export interface VerdictLine {
  target: string;
  section: string;
  name: string;
  type: number;
  insns: number;
  loads: boolean;
  errno: number;
  class: 'ok' | 'core' | 'scalar' | 'null' | 'helper' | 'other' | 'libbpf';
  insn: number;
  message: string;
  kconfig: Record<string, string>;
  ksyms: Record<string, boolean>;
  cpus: number;
  /** Objects with __kconfig externs: this machine's config text per CONFIG_ extern (null: not set), libbpf's version. */
  kconfigRaw?: Record<string, string | null>;
  kernelVersion?: number;
}

export function readVerdicts(file: string): VerdictLine[] {
  return fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as VerdictLine);
}

/** The object a verdict file is about (the naming scripts/verifier-oracle.sh uses). */
export function objectOfVerdictFile(file: string): string {
  const base = path.basename(file, '.jsonl');
  if (base.startsWith('verdict-')) return path.join(FIXTURES, 'verdict', 'objects', `${base.slice(8)}.bpf.o`);
  if (base.startsWith('corpus-arm64-')) return path.join(FIXTURES, 'corpus', 'objects', 'arm64', `${base.slice(13)}.bpf.o`);
  if (base.startsWith('corpus-')) return path.join(FIXTURES, 'corpus', 'objects', 'x86', `${base.slice(7)}.bpf.o`);
  return path.join(FIXTURES, 'objects', `${base}.o`);
}

/** Kernel BTF files by name: the fixture kernels, plus $VERIFIER_EXTRA_KERNELS (a directory of NAME.btf.xz). */
export function kernelFiles(): Map<string, string> {
  const out = new Map<string, string>();
  for (const dir of [KERNELS_DIR, process.env.VERIFIER_EXTRA_KERNELS].filter((d): d is string => !!d)) {
    if (!fs.existsSync(dir)) continue;
    for (const f of fs.readdirSync(dir).sort()) {
      const m = /^(.+)\.btf\.xz$/.exec(f);
      if (m && !out.has(m[1]!)) out.set(m[1]!, path.join(dir, f));
    }
  }
  return out;
}

const btfs = new Map<string, Promise<Btf | undefined>>();
/** A target's BTF by the oracle's name, or undefined when this checkout does not have it. */
export function verdictTarget(name: string): Promise<Btf | undefined> {
  let p = btfs.get(name);
  if (!p) {
    const file = name === 'host' ? '/sys/kernel/btf/vmlinux'
      : kernelFiles().get(name) ?? path.join(TARGETS_DIR, `${name}.btf`);
    p = fs.existsSync(file)
      ? openBtfFile(file).then((r) => {
        if (!r.ok) throw r.error;
        return r.value.btf;
      })
      : Promise.resolve(undefined);
    btfs.set(name, p);
  }
  return p;
}

/** Why a (program, target) pair is not compared; undefined: compared. */
export function exclusion(l: VerdictLine, ctx: string): string | undefined {
  // VERIFIER_AS_LOADER (projectVerdicts): programs a real loader would not load here (tools/oracle/verifier.c).
  if (l.class === 'other' && l.message.startsWith('loader: libbpf 1.1 does not know section')) return 'section libbpf 1.1 does not know (not loaded)';
  if (l.class === 'other' && l.message.startsWith("loader: a newer libbpf's map attribute")) return 'map attribute only a newer libbpf parses (not loaded)';
  if (l.class === 'other' && l.message.startsWith('loader: map ') && l.message.includes('map of maps')) return 'map of maps whose inner map the project\'s loader supplies (not loaded)';
  if (l.class === 'other' && l.message.startsWith('loader: map ')) return 'map type the running kernel does not know (not loaded)';
  if (l.class === 'other' && l.message.startsWith('loader: attach target set')) return 'attach target named by the project\'s loader at run time (not loaded)';
  if (l.class === 'other' && l.message.startsWith('loader: ')) return 'attach target missing on the running kernel (not loaded)';
  if (l.class === 'other') return 'other verifier error (not a CO-RE or scalar-dereference outcome)';
  if (ctx === 'btf' && l.target !== 'host' && l.class === 'scalar') {
    return 'BTF-typed program checked against the running kernel\'s types at the target\'s offsets';
  }
  return undefined;
}

export interface Comparison {
  compared: number;
  byClass: Record<string, number>;
  excluded: Map<string, number>;
  missingTargets: Set<string>;
  differences: string[];
}

export function newComparison(): Comparison {
  return { compared: 0, byClass: {}, excluded: new Map(), missingTargets: new Set(), differences: [] };
}

/** Compares corelens' verdicts for one object with the oracle's lines for it; adds to `c`. */
export async function compareVerdicts(objectFile: string, lines: readonly VerdictLine[], c: Comparison): Promise<void> {
  const o = await openBpfObject(objectFile);
  if (!o.ok) throw o.error;
  const names = [...new Set(lines.map((l) => l.target))];
  const targets: { name: string; btf: Btf }[] = [];
  for (const n of names) {
    const btf = await verdictTarget(n);
    if (btf) targets.push({ name: n, btf });
    else c.missingTargets.add(n);
  }
  // libbpf 1.1 (the oracle's) sizes array-member loads by the whole array: reproduce it.
  const relos = relocateObject(o.value, targets, { libbpf: '1.1' });
  const obj = path.basename(objectFile);
  // libbpf checks a typed ksym's type against the running kernel's BTF, whatever the target: corelens' own check
  // (factsFromBtf's ksymCompatible) against the same BTF
  const host = await verdictTarget('host');
  const compatible = host ? factsFromBtf(host, o.value).ksymCompatible : undefined;
  const tpErrArgs = errorArgs(runningVersionHere());
  const vts: VerdictTarget[] = targets.map((t) => {
    const l = lines.find((x) => x.target === t.name)!;
    const oracleKconfig = new Map(Object.entries(l.kconfig ?? {}).map(([k, hex]) => [k, Uint8Array.from(Buffer.from(hex, 'hex'))]));
    // the target's helper table: corelens reads it from the target BTF as the oracle does (with libbpf's own parser)
    const helperLimit = helperLimitOf(t.btf);
    let facts: KernelFacts = {
      kconfig: oracleKconfig, hasKsym: (n) => l.ksyms?.[n], nrCpuIds: l.cpus || undefined,
      ...(helperLimit !== undefined ? { helperLimit } : {}),
      ...(compatible ? { ksymCompatible: compatible } : {}),
      // every target is loaded by this machine's kernel: its raw_tp table types the tp_btf arguments
      ...(tpErrArgs ? { tpErrArgs } : {}),
    };
    if (l.kconfigRaw) {
      // corelens computes the kconfig values and libbpf's refusals itself from what this machine's config says (the
      // probes' answers taken from libbpf's own values); where libbpf filled the map, the bytes must be libbpf's
      const bit = (n: string) => (oracleKconfig.has(n) ? oracleKconfig.get(n)!.some((b) => b !== 0) : undefined);
      const r = resolveKconfig(kconfigExterns(o.value), o.value.elf.littleEndian, {
        version: l.kernelVersion,
        config: new Map(Object.entries(l.kconfigRaw).filter((e): e is [string, string] => e[1] !== null)),
        syscallWrapper: bit('LINUX_HAS_SYSCALL_WRAPPER'), bpfCookie: bit('LINUX_HAS_BPF_COOKIE'),
      });
      if (l.class !== 'libbpf') {
        for (const [k, v] of oracleKconfig) {
          const ours = r.values.get(k);
          if (!ours || Buffer.compare(Buffer.from(ours), Buffer.from(v)) !== 0) {
            c.differences.push(`${obj} on ${t.name}: __kconfig ${k}: libbpf stores ${Buffer.from(v).toString('hex')}, corelens ${ours ? Buffer.from(ours).toString('hex') : 'nothing'}`);
          }
        }
      }
      facts = { ...facts, kconfig: r.values, kconfigFailure: { early: r.early, unresolved: r.unresolved } };
    }
    return { name: t.name, facts };
  });
  const v = objectVerdicts(o.value, relos, vts);
  const have = new Set(targets.map((t) => t.name));
  // libbpf refused to open the object (the oracle's line with no program name): it stands for every program
  const expanded = lines.flatMap((l) => (l.name === '' && !l.section ? v.programs.map((p) => ({ ...l, section: p.section, name: p.name })) : [l]));
  for (const l of expanded) {
    if (!have.has(l.target)) continue;
    // libbpf names a `SEC("?..")` program (autoload off) by its section without the `?` (bpf_program__section_name)
    const p = v.programs.find((x) => x.name === l.name && x.section.replace(/^\?/, '') === l.section.replace(/^\?/, ''));
    if (!p) {
      c.differences.push(`${obj} ${l.section} ${l.name}: corelens does not see this program`);
      continue;
    }
    const why = exclusion(l, p.ctx);
    if (why) {
      c.excluded.set(why, (c.excluded.get(why) ?? 0) + 1);
      continue;
    }
    c.compared++;
    c.byClass[l.class] = (c.byClass[l.class] ?? 0) + 1;
    const tv = p.targets.get(l.target)!;
    const ours = tv.loads ? 'ok' : tv.kind!;
    const sameInsn = (l.class !== 'core' && l.class !== 'scalar' && l.class !== 'null' && l.class !== 'helper') || tv.insn === l.insn;
    // libbpf refusing the object: the same errno, and for an extern the same extern named
    const sameLibbpf = l.class !== 'libbpf' || ours !== 'libbpf'
      || (tv.errno === l.errno && (!tv.extern || l.message.includes(`'${tv.extern}'`)));
    if (ours !== l.class || !sameInsn || !sameLibbpf) {
      c.differences.push(`${obj} ${l.name} on ${l.target}: verifier ${l.class}${l.insn >= 0 ? ` at insn ${l.insn}` : ''}${l.class === 'libbpf' ? ` errno ${l.errno}` : ''} (${l.message}), `
        + `corelens ${ours}${tv.insn !== undefined ? ` at insn ${tv.insn}` : ''}${ours === 'libbpf' ? ` errno ${tv.errno}` : ''}${tv.reason ? ` (${tv.reason})` : ''}`);
    } else if (l.insns > 0 && l.insns !== p.insnCount) {
      c.differences.push(`${obj} ${l.name}: libbpf loads ${l.insns} instructions, corelens assembles ${p.insnCount}`);
    }
  }
}

/** Runs the oracle live into a temporary directory; 'denied' when this machine does not let us load programs. */
export function runOracleLive(): { dir: string } | { denied: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'corelens-verifier-'));
  const r = spawnSync(path.join(REPO_ROOT, 'scripts', 'verifier-oracle.sh'), ['--out', dir, '--host'], { encoding: 'utf8' });
  if (r.status === 3) {
    fs.rmSync(dir, { recursive: true, force: true });
    return { denied: (r.stderr || '').trim().split('\n').pop() ?? 'bpf() not permitted' };
  }
  if (r.status !== 0) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw new Error(`scripts/verifier-oracle.sh failed (${r.status}): ${r.stderr}`);
  }
  return { dir };
}

export function summary(c: Comparison): string {
  const excluded = [...c.excluded].map(([why, n]) => `${n} ${why}`).join('; ');
  return `${c.compared} program × target verdicts compared (${Object.entries(c.byClass).map(([k, n]) => `${n} ${k}`).join(', ')}), `
    + `${c.differences.length} differences; excluded: ${excluded || 'none'}`
    + (c.missingTargets.size ? `; targets not in this checkout: ${[...c.missingTargets].join(', ')}` : '');
}
