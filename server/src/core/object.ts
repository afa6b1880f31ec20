// Relocating a whole compiled BPF object against targets: every .BTF.ext record, in libbpf's order, per target.

import { BtfError } from '../btf/errors';
import { BpfObject } from '../btf/object';
import { LineIndex } from '../btf/ext';
import { RELO_KIND_NAMES } from './kinds';
import { Insn, PatchOutcome, patchInsn, readInsn, sectionCode } from './patch';
import { CandidateCache, CoreTarget, RelocateOptions, RelocationResult, RelocationStatus, relocate } from './relocate';
import { ReloKind } from './kinds';
import { CoreError, Spec, describe, parseSpec, specPath } from './spec';

export interface ObjectRelocation {
  readonly section: string;
  readonly insnOff: number;
  readonly kind: number;
  readonly kindName: string;
  readonly typeId: number;
  /** "struct task_struct" as declared locally (flavor included). */
  readonly localType: string;
  readonly access: string;
  /** The access as a C-like path (`task_struct.real_parent`), or the raw access string when it cannot be parsed. */
  readonly path: string;
  /** Source position from line_info (1-based), when the object has it. */
  readonly file?: string;
  readonly line?: number;
  readonly column?: number;
  /** One outcome per target, keyed by target name. */
  readonly targets: Map<string, TargetOutcome>;
}

/** A relocation's result on one target, and what it does to the instruction it patches. */
export interface TargetOutcome extends RelocationResult {
  /** Absent when the instruction could not be read (then only the relocation value is known). */
  readonly patch?: PatchOutcome;
  /** What the user gets: the patch can turn an ok value into a poisoned load or a load error. */
  readonly outcome: RelocationStatus;
  /** Why, when the outcome is not a plain success (the relocation's reason, or the patch's). */
  readonly why?: string;
}

/** A record's description, which depends on the object alone (an ObjectRelocation without its targets). */
export type RecordInfo = Omit<ObjectRelocation, 'targets'>;

/**
 * The half of relocateObject that depends on the object alone, computed once and shared by every later call (a
 * `check` worker relocates one target at a time: redoing this per target was a third of its relocation time).
 */
export interface PreparedObject {
  readonly records: readonly RecordInfo[];
  /** The local spec of each record; undefined when it does not parse (then relocate() reports it per target). */
  readonly local: readonly (Spec | undefined)[];
  /** The instruction each record patches and the one after it (a 64-bit load spans two). */
  readonly insn: readonly (Insn | undefined)[];
  readonly next: readonly (Insn | undefined)[];
  /** Root type ids whose candidates a target needs (every record but local type ids). */
  readonly roots: readonly number[];
}

/** Describes every CO-RE record of `obj` (its type, access path, source line, instruction) once for all targets. */
export function prepareObject(obj: BpfObject): PreparedObject {
  const relos = obj.ext?.coreRelos ?? [];
  const code = new Map<string, Uint8Array | undefined>();
  const lines = new LineIndex(obj.ext?.lineInfo ?? []);
  const local: (Spec | undefined)[] = new Array(relos.length);
  const insns: (Insn | undefined)[] = new Array(relos.length);
  const nexts: (Insn | undefined)[] = new Array(relos.length);
  const records = relos.map((r, i): RecordInfo => {
    if (!code.has(r.section)) code.set(r.section, sectionCode(obj.elf, r.section));
    const text = code.get(r.section);
    const idx = Math.floor(r.insnOff / 8);
    insns[i] = text && r.insnOff % 8 === 0 ? readInsn(text, idx, obj.elf.littleEndian) : undefined;
    nexts[i] = text ? readInsn(text, idx + 1, obj.elf.littleEndian) : undefined;
    const line = lines.find(r.section, r.insnOff);
    let localType = `type #${r.typeId}`;
    let fieldPath = r.access;
    try {
      localType = describe(obj.btf, r.typeId);
      local[i] = parseSpec(obj.btf, r.typeId, r.access, r.kind);
      fieldPath = specPath(local[i]!);
    } catch (e) {
      // A malformed record still gets relocated, where the error is reported per target.
      if (!(e instanceof CoreError) && !(e instanceof BtfError)) throw e;
    }
    return {
      section: r.section, insnOff: r.insnOff, kind: r.kind, kindName: RELO_KIND_NAMES[r.kind] ?? `unknown(${r.kind})`,
      typeId: r.typeId, localType, access: r.access, path: fieldPath,
      file: line?.file, line: line?.line, column: line?.column,
    };
  });
  const roots = relos.filter((r) => r.kind !== ReloKind.TypeIdLocal).map((r) => r.typeId);
  return { records, local, insn: insns, next: nexts, roots };
}

/**
 * Relocates every CO-RE record of `obj` against each target. Records are processed in .BTF.ext order with one
 * candidate cache per target, exactly as one libbpf object load does (candidate pruning depends on that order).
 * `prepared` (prepareObject of the same object) saves redoing the per-object half on every call.
 */
export function relocateObject(obj: BpfObject, targets: readonly CoreTarget[], opts: RelocateOptions = {},
  prepared: PreparedObject = prepareObject(obj)): ObjectRelocation[] {
  const relos = obj.ext?.coreRelos ?? [];
  const caches = targets.map((t) => new CandidateCache(t, obj.btf));
  // Every root's candidates in one pass over each target, before the first relocation (libbpf's order of
  // relocations, and so its pruning, is unchanged: prefetching only fills the lists get() would have made).
  for (const c of caches) c.prefetch(prepared.roots);
  return relos.map((r, i) => {
    const info = prepared.records[i]!;
    const insn = prepared.insn[i];
    const next = prepared.next[i];
    const results = new Map<string, TargetOutcome>();
    for (let k = 0; k < targets.length; k++) {
      const res = relocate(r, caches[k]!, opts, prepared.local[i]);
      const patch = insn ? patchInsn(insn, next, res) : undefined;
      results.set(targets[k]!.name, withOutcome(res, patch));
    }
    return {
      section: info.section, insnOff: info.insnOff, kind: info.kind, kindName: info.kindName, typeId: info.typeId,
      localType: info.localType, access: info.access, path: info.path, file: info.file, line: info.line, column: info.column,
      targets: results,
    };
  });
}

/**
 * Relocates every record of `obj` on one target, in relocateObject's order and with its results, handing each to
 * `each` instead of keeping them: a caller that needs a few fields of 30,000 results keeps only those.
 */
export function relocateEach(obj: BpfObject, target: CoreTarget, prepared: PreparedObject, opts: RelocateOptions,
  each: (index: number, outcome: TargetOutcome) => void): void {
  const relos = obj.ext?.coreRelos ?? [];
  const cache = new CandidateCache(target, obj.btf);
  cache.prefetch(prepared.roots);
  for (let i = 0; i < relos.length; i++) {
    const res = relocate(relos[i]!, cache, opts, prepared.local[i]);
    const insn = prepared.insn[i];
    each(i, withOutcome(res, insn ? patchInsn(insn, prepared.next[i], res) : undefined));
  }
}

function withOutcome(res: RelocationResult, patch: PatchOutcome | undefined): TargetOutcome {
  if (!patch || res.status !== 'ok') return outcomeOf(res, patch, res.status, res.reason);
  if (patch.errno !== undefined) return outcomeOf(res, patch, 'error', `libbpf fails the load: ${patch.reason}`);
  if (patch.poisoned) {
    return outcomeOf(res, patch, 'poison',
      `the field is ${res.localSize} bytes locally but ${res.targetSize} bytes on the target and not an unsigned `
        + 'integer or pointer, so libbpf cannot resize the load/store: the instruction is poisoned (use BPF_CORE_READ or bpf_core_field_size)');
  }
  return outcomeOf(res, patch, 'ok', res.reason);
}

/**
 * The result with its outcome, written field by field: `{ ...res, patch, outcome, why }` (a spread followed by new
 * keys) takes V8 10 µs per object, and this runs once per relocation per target.
 */
function outcomeOf(res: RelocationResult, patch: PatchOutcome | undefined, outcome: RelocationStatus, why: string | undefined): TargetOutcome {
  return {
    kind: res.kind, localSpec: res.localSpec, candidates: res.candidates, status: res.status, localValue: res.localValue,
    value: res.value, validate: res.validate, localSize: res.localSize, targetSize: res.targetSize,
    failMemszAdjust: res.failMemszAdjust, targetTypeId: res.targetTypeId, targetSpec: res.targetSpec, matched: res.matched,
    errno: res.errno, reason: res.reason, problem: res.problem, failure: res.failure, suggestion: res.suggestion,
    patch, outcome, why,
  };
}

/** Compile-time guard for outcomeOf: a field added to RelocationResult must be copied there too. */
type Copied = 'kind' | 'localSpec' | 'candidates' | 'status' | 'localValue' | 'value' | 'validate' | 'localSize' | 'targetSize'
  | 'failMemszAdjust' | 'targetTypeId' | 'targetSpec' | 'matched' | 'errno' | 'reason' | 'problem' | 'failure' | 'suggestion';
const allCopied: [Exclude<keyof RelocationResult, Copied>] extends [never] ? true : false = true;
void allCopied;
