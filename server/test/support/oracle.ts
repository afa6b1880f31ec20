// Differential comparison of the engine with the committed libbpf oracle output: test-fixtures/expected/oracle (libbpf
// on x86-64, little-endian) and test-fixtures/expected/oracle-s390x (the same harness and libbpf on s390x under qemu,
// big-endian).

import * as fs from 'fs';
import * as path from 'path';
import { openBtfFile } from '../../src/btf/open';
import { openBpfObject } from '../../src/btf/object';
import { Btf } from '../../src/btf/reader';
import { relocateObject } from '../../src/core/object';
import { FIXTURES, KERNELS_DIR, OBJECTS_DIR, ORACLE_DIR, TARGETS_DIR } from './paths';

/** An oracle run: where its output is and the byte order of the host libbpf ran on (libbpf's LSHIFT_U64 uses it). */
export interface OracleHost {
  name: string;
  dir: string;
  littleEndian: boolean;
}

/** libbpf on x86-64: the default oracle. */
export const ORACLE_X86: OracleHost = { name: 'x86-64', dir: ORACLE_DIR, littleEndian: true };
/** libbpf on s390x (qemu user emulation): the big-endian oracle written by scripts/oracle.sh --s390x. */
export const ORACLE_S390X: OracleHost = { name: 's390x', dir: path.join(FIXTURES, 'expected', 'oracle-s390x'), littleEndian: false };

/** One line of oracle output: libbpf's answer for one relocation on one target. */
export interface OracleLine {
  target: string;
  section: string;
  insnOff: number;
  kind: number;
  typeId: number;
  access: string;
  err: number;
  poison: boolean;
  origVal: bigint;
  newVal: bigint;
  newTypeId: number;
  validate: boolean;
  origSz: number;
  newSz: number;
  failMemszAdjust: boolean;
  patchErr: number;
  insnPoisoned: boolean;
}

/** Parses a .jsonl oracle file, keeping 64-bit values exact. */
export function readOracle(file: string): OracleLine[] {
  return fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).map((line) => {
    const quoted = line.replace(/"(origVal|newVal)":(-?\d+)/g, '"$1":"$2"');
    const o = JSON.parse(quoted);
    return { ...o, origVal: BigInt(o.origVal), newVal: BigInt(o.newVal) };
  });
}

const btfCache = new Map<string, Promise<Btf>>();

/** Opens a target by the oracle's name: a small target in targets/ or a real kernel. */
export function targetBtf(name: string): Promise<Btf> {
  let p = btfCache.get(name);
  if (!p) {
    const small = path.join(TARGETS_DIR, `${name}.btf`);
    const file = fs.existsSync(small) ? small : path.join(KERNELS_DIR, `${name}.btf.xz`);
    p = openBtfFile(file).then((r) => {
      if (!r.ok) throw r.error;
      return r.value.btf;
    });
    btfCache.set(name, p);
  }
  return p;
}

export interface Comparison {
  object: string;
  compared: number;
  differences: string[];
}

/**
 * Relocates one fixture object with the engine against every target its oracle file names, in the same order,
 * and lists every field where the engine and libbpf disagree.
 */
export async function compareObject(objectFile: string, host: OracleHost = ORACLE_X86): Promise<Comparison> {
  const object = path.basename(objectFile).replace(/\.jsonl$/, '');
  const lines = readOracle(path.join(host.dir, `${object}.jsonl`));
  const obj = await openBpfObject(path.join(OBJECTS_DIR, `${object}.o`));
  if (!obj.ok) throw obj.error;
  const names = [...new Set(lines.map((l) => l.target))];
  const targets = await Promise.all(names.map(async (name) => ({ name, btf: await targetBtf(name) })));
  // libbpf computes LSHIFT with the byte order of the host it runs on (little-endian x86-64 or big-endian s390x),
  // and it is Debian 12's libbpf 1.1.2.
  const relos = relocateObject(obj.value, targets, { littleEndian: host.littleEndian, libbpf: '1.1' });
  const differences: string[] = [];
  let compared = 0;
  for (const name of names) {
    const expected = lines.filter((l) => l.target === name);
    if (expected.length !== relos.length) {
      differences.push(`${object} @ ${name}: oracle has ${expected.length} relocations, engine ${relos.length}`);
      continue;
    }
    expected.forEach((e, i) => {
      const r = relos[i]!;
      const got = r.targets.get(name)!;
      const where = `${object} @ ${name} #${i} ${r.section}+${r.insnOff} ${r.kindName} [${r.typeId}] ${r.access}`;
      compared++;
      const diff = (what: string, want: unknown, have: unknown) => differences.push(`${where}: ${what}: libbpf ${want}, engine ${have}`);
      if (e.section !== r.section || e.insnOff !== r.insnOff || e.kind !== r.kind || e.access !== r.access) {
        diff('record', `${e.section}+${e.insnOff} ${e.kind} ${e.access}`, `${r.section}+${r.insnOff} ${r.kind} ${r.access}`);
        return;
      }
      const engineErr = got.status === 'error' ? -(got.errno ?? 0) : 0;
      if (e.err !== engineErr) {
        diff('error', e.err, `${engineErr} (${got.reason ?? ''})`);
        return;
      }
      if (e.err !== 0) return;
      if (e.poison !== (got.status === 'poison')) diff('poison', e.poison, got.status);
      if (e.origVal !== BigInt.asIntN(64, got.localValue!)) diff('local value', e.origVal, got.localValue);
      if (!e.poison && e.newVal !== BigInt.asIntN(64, got.value ?? -1n)) diff('value', e.newVal, got.value);
      if (e.validate !== got.validate) diff('validate', e.validate, got.validate);
      if (e.failMemszAdjust !== got.failMemszAdjust) diff('failMemszAdjust', e.failMemszAdjust, got.failMemszAdjust);
      if (e.origSz !== got.localSize || e.newSz !== got.targetSize) diff('memory sizes', `${e.origSz}->${e.newSz}`, `${got.localSize}->${got.targetSize}`);
      const patchErr = got.patch?.errno !== undefined ? -got.patch.errno : 0;
      if (e.patchErr !== patchErr) diff('patch error', e.patchErr, `${patchErr} (${got.patch?.reason ?? ''})`);
      else if (e.patchErr === 0 && e.insnPoisoned !== !!got.patch?.poisoned) diff('instruction poisoned', e.insnPoisoned, got.patch?.poisoned);
    });
  }
  return { object, compared, differences };
}

/** Every oracle file's object name (none when the directory does not exist). */
export function oracleObjects(host: OracleHost = ORACLE_X86): string[] {
  if (!fs.existsSync(host.dir)) return [];
  return fs.readdirSync(host.dir).filter((f) => f.endsWith('.jsonl')).map((f) => f.replace(/\.jsonl$/, '')).sort();
}
