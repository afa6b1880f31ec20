// Accesses the compiler does NOT relocate (types without preserve_access_index): their offsets are baked in, so
// wherever the target's layout differs the program silently reads the wrong bytes. We find where.

import { Btf } from '../btf/reader';
import { ReloKind } from '../core/kinds';
import { RelocationMemo } from '../core/memo';
import { CODES, Finding, FindingOptions, Severity, siteLabel } from './diagnostics';
import { EvaluationMemo, Range, TargetRef } from './evaluate';

/** A member access through a type without preserve_access_index, as the analysis reports it. */
export interface PlainAccess {
  typeName: string;
  typeId: number;
  access: string;
  range: Range;
}

const SEVERITY: Record<string, Severity> = { error: Severity.Error, warning: Severity.Warning, information: Severity.Information, hint: Severity.Hint };

/** Warnings for plain accesses whose compiled-in offset is wrong (or whose field is missing) on some targets. */
export function plainAccessFindings(
  localBtf: Btf, accesses: readonly PlainAccess[], targets: readonly TargetRef[], opts: FindingOptions = {}, memo?: EvaluationMemo,
): Finding[] {
  const setting = opts.severities?.[CODES.notRelocated];
  if (setting === 'off' || accesses.length === 0) return [];
  // One candidate cache per target, accesses in order (as before); with a memo, unchanged results are reused.
  const relocations = memo?.plain ?? new RelocationMemo({ shared: false });
  const calls = accesses.map((a) => ({ typeId: a.typeId, access: a.access, kind: ReloKind.FieldByteOffset }));
  const results = relocations.resolve(relocations.prepare(localBtf, calls, targets));
  relocations.sweep();
  const out: Finding[] = [];
  accesses.forEach((a, ai) => {
    const relo = calls[ai]!;
    const wrong = new Map<string, string[]>();
    let local: bigint | undefined;
    targets.forEach((t, i) => {
      const r = results[i]![ai]!;
      local ??= r.localValue;
      // A type absent from the target is not this warning's business (the program may not use it there).
      if (r.status === 'poison' && r.failure === 'missing-type') return;
      const key = r.status === 'ok' ? (r.value === r.localValue ? '' : `at offset ${r.value}`) : 'missing';
      if (key) wrong.set(key, [...(wrong.get(key) ?? []), t.name]);
    });
    if (wrong.size === 0 || local === undefined) return;
    const label = siteLabel(localBtf, relo);
    const where = [...wrong].map(([k, ts]) => `${k} on ${opts.describeTargets ? opts.describeTargets(ts, targets.length) : ts.join(', ')}`).join('; ');
    out.push({
      range: a.range,
      severity: setting ? SEVERITY[setting]! : Severity.Warning,
      code: CODES.notRelocated,
      targets: [...wrong.values()].flat(),
      data: { kind: relo.kind, typeId: a.typeId, access: a.access, localType: a.typeName, path: label },
      message: `\`${label}\` is read at offset ${local}, compiled in: ${a.typeName} has no preserve_access_index, so this access `
        + `is not relocated, but the field is ${where}: the program reads the wrong bytes there. `
        + `Add __attribute__((preserve_access_index)) to ${a.typeName} or read it with BPF_CORE_READ`,
    });
  });
  return out;
}
