// `corelens relocate`: every CO-RE relocation of a compiled object, resolved per target (table or JSON).

import * as path from 'path';
import { openBpfObject } from '../btf/object';
import { relocateObject, ObjectRelocation, TargetOutcome } from '../core/object';
import { renderTable, toJson } from '../util/format';
import { ARCH_SPELLINGS, Arch, archSkipNote, objectArch, parseArch, sameObjectArch } from '../targets/arch';
import { Io, Parsed, UsageError, loadOrDefault } from './common';

/**
 * Relocates OBJ.o against the targets; exit 1 when some relocation is poisoned or fails. The object is built for one
 * arch (`--arch`, else what its DWARF flags or pt_regs relocations say): targets of other arches are skipped with one
 * note, since their "pt_regs::di missing" would only say the object was built for another arch.
 */
export async function relocateCmd(p: Parsed, io: Io): Promise<number> {
  if (p.positional.length !== 1) throw new UsageError('relocate needs exactly one OBJ.o');
  const declared = p.arch === undefined ? undefined : parseArch(p.arch);
  if (p.arch !== undefined && !declared) throw new UsageError(`--arch ${p.arch}: unknown arch; one of ${ARCH_SPELLINGS}`);
  const o = await openBpfObject(p.positional[0]!);
  if (!o.ok) {
    io.err(`corelens: ${o.error.message}`);
    return 1;
  }
  const built = declared ? { arch: declared, evidence: '--arch' } : objectArch(o.value);
  const other = (a: string | undefined) => !!built && !!parseArch(a) && !sameObjectArch(parseArch(a)!, built.arch);
  const skipped: { name: string; arch: Arch }[] = [];
  const loaded = await loadOrDefault(p, io, (s) => {
    if (!other(s.arch)) return true;
    skipped.push({ name: s.name, arch: parseArch(s.arch)! });
    return false;
  });
  if (!loaded) return 1;
  const targets = loaded.filter((t) => {
    if (!other(t.arch)) return true;
    skipped.push({ name: t.spec.name, arch: t.arch! });
    return false;
  });
  const note = built && skipped.length ? `${path.basename(o.value.file)}: ${archSkipNote(built.arch, built.evidence, skipped)}` : undefined;
  if (targets.length === 0) {
    io.err(`corelens: no target of the object's arch: ${note ?? 'no targets'}`);
    return 1;
  }
  const relos = relocateObject(o.value, targets.map((t) => ({ name: t.spec.name, btf: t.btf })));
  if (p.json) io.out(relocationsJson(relos, { arch: built?.arch, skipped }));
  else io.out(renderRelocations(o.value.file, relos, targets.map((t) => t.spec.name)) + (note ? `\nnote: ${note}` : ''));
  const failing = relos.some((r) => [...r.targets.values()].some((x) => x.outcome !== 'ok'));
  return failing ? 1 : 0;
}

/** The `relocate --json` document: the stable schema documented in the README (`arch` and `skipped` added later). */
export function relocationsJson(relos: readonly ObjectRelocation[], extra: { arch?: string; skipped?: readonly { name: string; arch: string }[] } = {}): string {
  return toJson({
    ...(extra.arch ? { arch: extra.arch } : {}),
    ...(extra.skipped?.length ? { skipped: extra.skipped.map((k) => ({ target: k.name, arch: k.arch, reason: 'built for another arch' })) } : {}),
    relocations: relos.map((r) => ({
      section: r.section, insnOff: r.insnOff, kind: r.kindName, localType: r.localType, access: r.access,
      file: r.file ?? null, line: r.line ?? null, column: r.column ?? null,
      targets: Object.fromEntries([...r.targets].map(([name, res]) => [name, resultJson(res)])),
    })),
  });
}

function resultJson(res: TargetOutcome): Record<string, unknown> {
  return {
    poison: res.outcome === 'poison',
    ...(res.outcome === 'error' ? { error: true, errno: res.errno ?? res.patch?.errno } : {}),
    ...(res.localValue !== undefined ? { localValue: BigInt.asIntN(64, res.localValue) } : {}),
    ...(res.value !== undefined && res.outcome !== 'poison' ? { value: BigInt.asIntN(64, res.value) } : {}),
    targetTypeId: res.targetTypeId,
    ...(res.why ? { reason: res.why } : {}),
  };
}

function describeAccess(r: ObjectRelocation): string {
  return `${r.path} (${r.access})`;
}

function cell(res: TargetOutcome): string {
  if (res.outcome === 'poison') return 'POISON';
  if (res.outcome === 'error') return 'ERROR';
  return String(BigInt.asIntN(64, res.value!));
}

/** Text report: one row per relocation, one column per target, then every failure with its reason. */
export function renderRelocations(file: string, relos: readonly ObjectRelocation[], targets: readonly string[]): string {
  const lines: string[] = [];
  lines.push(`${path.basename(file)}: ${relos.length} CO-RE relocation${relos.length === 1 ? '' : 's'} × ${targets.length} target${targets.length === 1 ? '' : 's'}`);
  if (relos.length === 0) return lines.join('\n');
  const header = ['where', 'kind', 'access (access string)', 'local', ...targets];
  const rows = relos.map((r) => {
    const first = r.targets.values().next().value as TargetOutcome;
    return [
      r.line ? `${path.basename(r.file ?? '')}:${r.line}:${r.column}` : `${r.section}+${r.insnOff}`,
      r.kindName, describeAccess(r), first.localValue === undefined ? '' : String(BigInt.asIntN(64, first.localValue)),
      ...targets.map((t) => cell(r.targets.get(t)!)),
    ];
  });
  lines.push(renderTable(header, rows));
  // One line per relocation and finding, naming every target it applies to.
  const problems: string[] = [];
  for (const r of relos) {
    const groups = new Map<string, string[]>();
    for (const [t, res] of r.targets) {
      if (res.outcome === 'ok' && !res.why) continue;
      const key = `${res.outcome === 'ok' ? 'note' : res.outcome}\u0000${res.why ?? ''}`;
      groups.set(key, [...(groups.get(key) ?? []), t]);
    }
    for (const [key, ts] of groups) {
      const [tag, why] = key.split('\u0000');
      const where = r.line ? `${r.file}:${r.line}:${r.column}` : `${r.section}+${r.insnOff}`;
      const on = ts.length === targets.length ? 'every target' : ts.join(', ');
      problems.push(`${where}: ${tag}: ${r.kindName} ${describeAccess(r)} on ${on}: ${why}`);
    }
  }
  if (problems.length) lines.push('', ...problems);
  const failing = targets.filter((t) => relos.some((r) => r.targets.get(t)!.outcome !== 'ok'));
  lines.push('', failing.length === 0
    ? `every relocation resolves on all ${targets.length} targets`
    : failing.map((t) => {
      const bad = relos.filter((r) => r.targets.get(t)!.outcome !== 'ok');
      return `${t}: ${bad.length} relocation${bad.length === 1 ? '' : 's'} poisoned or failing`;
    }).join('\n') + '\n(poisoned instructions only matter where reachable: a guard such as bpf_core_field_exists can make them dead code)');
  return lines.join('\n');
}

