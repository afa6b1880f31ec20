// Relocating a whole compiled BPF object against targets: every .BTF.ext record, in libbpf's order, per target.

import { BpfObject } from '../btf/object';
import { lineFor } from '../btf/ext';
import { RELO_KIND_NAMES } from './kinds';
import { CandidateCache, CoreTarget, RelocateOptions, RelocationResult, relocate } from './relocate';
import { describe } from './spec';

export interface ObjectRelocation {
  readonly section: string;
  readonly insnOff: number;
  readonly kind: number;
  readonly kindName: string;
  readonly typeId: number;
  /** "struct task_struct" as declared locally (flavor included). */
  readonly localType: string;
  readonly access: string;
  /** Source position from line_info (1-based), when the object has it. */
  readonly file?: string;
  readonly line?: number;
  readonly column?: number;
  /** One result per target, keyed by target name. */
  readonly targets: Map<string, RelocationResult>;
}

/**
 * Relocates every CO-RE record of `obj` against each target. Records are processed in .BTF.ext order with one
 * candidate cache per target, exactly as one libbpf object load does (candidate pruning depends on that order).
 */
export function relocateObject(obj: BpfObject, targets: readonly CoreTarget[], opts: RelocateOptions = {}): ObjectRelocation[] {
  const relos = obj.ext?.coreRelos ?? [];
  const caches = targets.map((t) => new CandidateCache(t, obj.btf));
  return relos.map((r) => {
    const line = lineFor(obj.ext!.lineInfo, r.section, r.insnOff);
    let localType: string;
    try {
      localType = describe(obj.btf, r.typeId);
    } catch {
      localType = `type #${r.typeId}`;
    }
    const results = new Map<string, RelocationResult>();
    targets.forEach((t, i) => results.set(t.name, relocate(r, caches[i]!, opts)));
    return {
      section: r.section, insnOff: r.insnOff, kind: r.kind, kindName: RELO_KIND_NAMES[r.kind] ?? `unknown(${r.kind})`,
      typeId: r.typeId, localType, access: r.access,
      file: line?.file, line: line?.line, column: line?.column, targets: results,
    };
  });
}
