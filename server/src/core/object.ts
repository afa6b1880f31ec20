// Relocating a whole compiled BPF object against targets: every .BTF.ext record, in libbpf's order, per target.

import { BtfError } from '../btf/errors';
import { BpfObject } from '../btf/object';
import { LineIndex } from '../btf/ext';
import { RELO_KIND_NAMES } from './kinds';
import { PatchOutcome, patchInsn, readInsn, sectionCode } from './patch';
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

/**
 * Relocates every CO-RE record of `obj` against each target. Records are processed in .BTF.ext order with one
 * candidate cache per target, exactly as one libbpf object load does (candidate pruning depends on that order).
 */
export function relocateObject(obj: BpfObject, targets: readonly CoreTarget[], opts: RelocateOptions = {}): ObjectRelocation[] {
  const relos = obj.ext?.coreRelos ?? [];
  const caches = targets.map((t) => new CandidateCache(t, obj.btf));
  // Every root's candidates in one pass over each target, before the first relocation (libbpf's order of
  // relocations, and so its pruning, is unchanged: prefetching only fills the lists get() would have made).
  const roots = relos.filter((r) => r.kind !== ReloKind.TypeIdLocal).map((r) => r.typeId);
  for (const c of caches) c.prefetch(roots);
  const code = new Map<string, Uint8Array | undefined>();
  const lines = new LineIndex(obj.ext?.lineInfo ?? []);
  return relos.map((r) => {
    if (!code.has(r.section)) code.set(r.section, sectionCode(obj.elf, r.section));
    const text = code.get(r.section);
    const idx = Math.floor(r.insnOff / 8);
    const insn = text && r.insnOff % 8 === 0 ? readInsn(text, idx, obj.elf.littleEndian) : undefined;
    const next = text ? readInsn(text, idx + 1, obj.elf.littleEndian) : undefined;
    const line = lines.find(r.section, r.insnOff);
    let localType = `type #${r.typeId}`;
    let fieldPath = r.access;
    // The local spec is parsed once here and shared by every target (it depends on the object alone).
    let local: Spec | undefined;
    try {
      localType = describe(obj.btf, r.typeId);
      local = parseSpec(obj.btf, r.typeId, r.access, r.kind);
      fieldPath = specPath(local);
    } catch (e) {
      // A malformed record still gets relocated below, where the error is reported per target.
      if (!(e instanceof CoreError) && !(e instanceof BtfError)) throw e;
    }
    const results = new Map<string, TargetOutcome>();
    targets.forEach((t, i) => {
      const res = relocate(r, caches[i]!, opts, local);
      const patch = insn ? patchInsn(insn, next, res) : undefined;
      results.set(t.name, withOutcome(res, patch));
    });
    return {
      section: r.section, insnOff: r.insnOff, kind: r.kind, kindName: RELO_KIND_NAMES[r.kind] ?? `unknown(${r.kind})`,
      typeId: r.typeId, localType, access: r.access, path: fieldPath,
      file: line?.file, line: line?.line, column: line?.column, targets: results,
    };
  });
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
