// `corelens relocate`: every CO-RE relocation of a compiled object, resolved per target (table or JSON), with each
// poisoned instruction marked dead or reached and each program's load verdict (verdict/).

import * as path from 'path';
import { openBpfObject } from '../btf/object';
import { relocateObject, ObjectRelocation, TargetOutcome } from '../core/object';
import { analyseSource, siblingSource, siteMatcher } from '../check/places';
import { ObjectVerdicts, Reach, factsFromBtf, objectVerdicts } from '../verdict/index';
import { renderTable, toJson } from '../util/format';
import { Io, Parsed, UsageError, loadOrDefault } from './common';
import { ARCH_SPELLINGS, Arch, archSkipNote, objectArch, parseArch, sameObjectArch } from '../targets/arch';
import { loadingMachineOf } from '../targets/registry';

/** Where a relocation is written: the source expression when the source is at hand, else its line-info row. */
export interface RelocationPlace {
  readonly file?: string;
  readonly line?: number;
  readonly column?: number;
  readonly endLine?: number;
  readonly endColumn?: number;
  readonly from: 'source' | 'line-info';
}

/**
 * Relocates OBJ.o against the targets; exit 1 when some program fails to load on some target. The object is built for
 * one arch (`--arch`, else what its DWARF flags or pt_regs relocations say): targets of other arches are skipped with
 * one note, since their "pt_regs::di missing" would only say the object was built for another arch.
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
  const obj = o.value;
  const relos = relocateObject(obj, targets.map((t) => ({ name: t.spec.name, btf: t.btf })));
  let verdicts: ObjectVerdicts;
  try {
    verdicts = objectVerdicts(obj, relos, targets.map((t) => ({ name: t.spec.name, facts: factsFromBtf(t.btf, obj, loadingMachineOf(t.spec)) })));
  } catch (e) {
    io.err(`corelens: ${obj.file}: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  }
  const places = await placeRelocations(obj.file, relos, p.source, io);
  const names = targets.map((t) => t.spec.name);
  if (p.json) io.out(relocationsJson(relos, verdicts, places, { arch: built?.arch, skipped }));
  else io.out(renderRelocations(obj.file, relos, names, verdicts, places) + (note ? `\nnote: ${note}` : ''));
  const failing = verdicts.programs.some((prog) => [...prog.targets.values()].some((v) => !v.loads))
    || relos.some((r) => [...r.targets.values()].some((x) => x.outcome === 'error'));
  return failing ? 1 : 0;
}

/** Each relocation's place: matched to the live analysis' sites of `--source` or the .bpf.c beside the object. */
export async function placeRelocations(objFile: string, relos: readonly ObjectRelocation[], source: string | undefined, io: Io):
  Promise<RelocationPlace[]> {
  const lineInfo = (r: ObjectRelocation): RelocationPlace => ({ file: r.file, line: r.line, column: r.column, from: 'line-info' });
  const file = source ? path.resolve(source) : await siblingSource(path.resolve(objFile));
  if (!file) return relos.map(lineInfo);
  const src = await analyseSource(file);
  if ('error' in src) {
    io.err(`corelens: ${src.error}: relocations are placed at their line-info rows`);
    return relos.map(lineInfo);
  }
  const { sites, functions } = src.analysis;
  const match = siteMatcher(sites, functions);
  return relos.map((r) => {
    const m = match(r);
    if (m.length === 0) return lineInfo(r);
    const s = sites[m[0]!]!;
    return {
      file, line: s.range.start.line + 1, column: s.range.start.character + 1, endLine: s.range.end.line + 1,
      endColumn: s.range.end.character + 1, from: 'source',
    };
  });
}

/** The `relocate --json` document: the stable schema documented in the README (fields are only added). */
export function relocationsJson(relos: readonly ObjectRelocation[], verdicts?: ObjectVerdicts, places?: readonly RelocationPlace[],
  extra: { arch?: string; skipped?: readonly { name: string; arch: string }[] } = {}): string {
  return toJson({
    ...(extra.arch ? { arch: extra.arch } : {}),
    ...(extra.skipped?.length ? { skipped: extra.skipped.map((k) => ({ target: k.name, arch: k.arch, reason: 'built for another arch' })) } : {}),
    relocations: relos.map((r, i) => {
      const pl = places?.[i];
      return {
        section: r.section, insnOff: r.insnOff, kind: r.kindName, localType: r.localType, access: r.access, path: r.path,
        file: (pl ? pl.file : r.file) ?? null, line: (pl ? pl.line : r.line) ?? null, column: (pl ? pl.column : r.column) ?? null,
        ...(pl?.from === 'source' ? { endLine: pl.endLine, endColumn: pl.endColumn } : {}),
        ...(pl ? { place: pl.from } : {}),
        ...(verdicts ? { programs: verdicts.programsOf[i]!.map((k) => verdicts.programs[k]!.name) } : {}),
        targets: Object.fromEntries([...r.targets].map(([name, res]) => [name, resultJson(res, verdicts?.reach.get(name)?.[i])])),
      };
    }),
    ...(verdicts ? {
      programs: verdicts.programs.map((p) => ({
        section: p.section, name: p.name, insns: p.insnCount,
        targets: Object.fromEntries([...p.targets].map(([t, v]) => [t, v.loads ? { loads: true } : {
          loads: false, kind: v.kind, ...(v.insn !== undefined ? { insn: v.insn } : {}),
          ...(v.relocation !== undefined ? { relocation: v.relocation } : {}),
          file: v.file ?? null, line: v.line ?? null, column: v.column ?? null, reason: v.reason,
        }])),
      })),
    } : {}),
  });
}

function resultJson(res: TargetOutcome, reach: Reach | undefined): Record<string, unknown> {
  return {
    poison: res.outcome === 'poison',
    ...(res.outcome === 'poison' && reach ? { dead: reach === 'dead', ...(reach === 'unknown' ? { reach: 'unknown' } : {}) } : {}),
    ...(res.outcome === 'error' ? { error: true, errno: res.errno ?? res.patch?.errno } : {}),
    ...(res.localValue !== undefined ? { localValue: BigInt.asIntN(64, res.localValue) } : {}),
    ...(res.value !== undefined && res.outcome !== 'poison' ? { value: BigInt.asIntN(64, res.value) } : {}),
    targetTypeId: res.targetTypeId,
    ...(res.why ? { reason: res.why } : {}),
  };
}

function cell(res: TargetOutcome, reach: Reach | undefined): string {
  if (res.outcome === 'poison') return reach === 'dead' ? 'dead' : reach === 'unknown' ? 'POISON?' : 'POISON';
  if (res.outcome === 'error') return 'ERROR';
  return String(BigInt.asIntN(64, res.value!));
}

/**
 * Text report: one row per relocation (named by its field path), one column per target ("dead" where the poisoned
 * instruction is dead code), every problem with its reason, then per target the programs that fail to load.
 */
export function renderRelocations(file: string, relos: readonly ObjectRelocation[], targets: readonly string[],
  verdicts?: ObjectVerdicts, places?: readonly RelocationPlace[]): string {
  const lines: string[] = [];
  lines.push(`${path.basename(file)}: ${relos.length} CO-RE relocation${relos.length === 1 ? '' : 's'} × ${targets.length} target${targets.length === 1 ? '' : 's'}`);
  if (relos.length === 0 && !verdicts?.programs.length) return lines.join('\n');
  const where = (r: ObjectRelocation, i: number) => {
    const pl = places?.[i];
    const f = pl?.file ?? r.file;
    const l = pl?.line ?? r.line;
    const c = pl?.column ?? r.column;
    return l ? `${path.basename(f ?? '')}:${l}:${c}` : `${r.section}+${r.insnOff}`;
  };
  if (relos.length) {
    const header = ['where', 'kind', 'field (access string)', 'local', ...targets];
    const rows = relos.map((r, i) => {
      const first = r.targets.values().next().value as TargetOutcome;
      return [
        where(r, i), r.kindName, `${r.path} (${r.access})`, first.localValue === undefined ? '' : String(BigInt.asIntN(64, first.localValue)),
        ...targets.map((t) => cell(r.targets.get(t)!, verdicts?.reach.get(t)?.[i])),
      ];
    });
    lines.push(renderTable(header, rows));
  }
  // One line per relocation and finding, naming every target it applies to.
  const problems: string[] = [];
  relos.forEach((r, i) => {
    const groups = new Map<string, string[]>();
    for (const [t, res] of r.targets) {
      if (res.outcome === 'ok' && !res.why) continue;
      const reach = verdicts?.reach.get(t)?.[i];
      const tag = res.outcome === 'ok' ? 'note' : res.outcome === 'poison' && reach === 'dead' ? 'dead' : res.outcome;
      // The reason without "fails if reachable": the verdicts say whether it is reached.
      const why = res.outcome === 'poison' && res.problem && reach && reach !== 'unknown'
        ? `${res.problem}${reach === 'reachable' ? ': the verifier reaches the poisoned instruction (invalid func unknown#195896080)' : ''}`
        : res.why ?? '';
      const key = `${tag}\u0000${why}`;
      groups.set(key, [...(groups.get(key) ?? []), t]);
    }
    for (const [key, ts] of groups) {
      const [tag, why] = key.split('\u0000');
      const on = ts.length === targets.length ? 'every target' : ts.join(', ');
      const tail = tag === 'dead' ? ' (guarded: the verifier never reaches it, the program loads)' : '';
      problems.push(`${where(r, i)}: ${tag}: ${r.kindName} ${r.path} (${r.access}) on ${on}: ${why}${tail}`);
    }
  });
  if (problems.length) lines.push('', ...problems);
  lines.push('');
  if (verdicts) {
    for (const t of targets) {
      const failing = verdicts.programs.filter((p) => p.targets.get(t) && !p.targets.get(t)!.loads);
      const dead = relos.filter((_, i) => verdicts.reach.get(t)![i] === 'dead').length;
      const poisoned = relos.filter((r) => r.targets.get(t)!.outcome === 'poison').length;
      const relNote = poisoned ? `; ${poisoned} poisoned relocation${poisoned === 1 ? '' : 's'}${dead ? ` (${dead} dead)` : ''}` : '';
      lines.push(failing.length === 0
        ? `${t}: all ${verdicts.programs.length} program${verdicts.programs.length === 1 ? '' : 's'} load${relNote}`
        : `${t}: ${failing.length} of ${verdicts.programs.length} program${verdicts.programs.length === 1 ? '' : 's'} fail to load `
          + `(${failing.map((p) => `${p.name}: ${p.targets.get(t)!.kind === 'core' ? `insn ${p.targets.get(t)!.insn}` : p.targets.get(t)!.kind}`).join(', ')})${relNote}`);
    }
    return lines.join('\n');
  }
  const failing = targets.filter((t) => relos.some((r) => r.targets.get(t)!.outcome !== 'ok'));
  lines.push(failing.length === 0
    ? `every relocation resolves on all ${targets.length} targets`
    : failing.map((t) => {
      const bad = relos.filter((r) => r.targets.get(t)!.outcome !== 'ok');
      return `${t}: ${bad.length} relocation${bad.length === 1 ? '' : 's'} poisoned or failing`;
    }).join('\n'));
  return lines.join('\n');
}
