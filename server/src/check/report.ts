// Rendering a check: the text matrix for people, JSON (stable schema, see README "corelens check") for scripts,
// SARIF 2.1.0 for code-scanning tools that put findings on the lines.

import * as path from 'path';
import { CODES } from '../features/diagnostics';
import { toJson } from '../util/format';
import { CheckReport, DIRECT_READ, EXTERN_REFUSED, GUARDED, ProgramRow, SeverityName, UNRESIZABLE_LOAD } from './run';

/** SARIF rule of a program that fails to load on some target (reported before the relocation findings). */
export const PROGRAM_FAILS = 'program-fails-to-load';

/** Version of the JSON document; bumped only on incompatible changes (fields are only ever added). */
export const CHECK_SCHEMA = 'corelens-check/1';

/** Help text of every rule, for SARIF's rules and the README. */
export const RULES: Record<string, { name: string; short: string; help: string }> = {
  [CODES.missingField]: { name: 'MissingField', short: 'A relocated field does not exist on some targets.',
    help: 'The field is not in the target kernel\'s type: libbpf poisons the instruction and the verifier rejects the program where it runs. Guard it with bpf_core_field_exists(), or read a renamed field through a ___flavor type.' },
  [CODES.missingType]: { name: 'MissingType', short: 'A relocated type does not exist on some targets.',
    help: 'No type of that name and kind exists on the target: every relocation rooted at it is poisoned. Guard it with bpf_core_type_exists().' },
  [CODES.incompatible]: { name: 'IncompatibleField', short: 'A relocated field or type is incompatible on some targets.',
    help: 'A candidate exists but its kind or layout does not match what the program was compiled against (e.g. a field turned from an integer into a struct); libbpf poisons the instruction.' },
  [CODES.missingEnumValue]: { name: 'MissingEnumValue', short: 'A relocated enumerator does not exist on some targets.',
    help: 'Guard the use with bpf_core_enum_value_exists().' },
  [CODES.ambiguous]: { name: 'Ambiguous', short: 'Several target types match with different results.',
    help: 'libbpf refuses to load a program whose relocation matches several candidates that disagree. Rename the local type (a ___flavor suffix) or declare more fields so only one matches.' },
  [CODES.loadError]: { name: 'LoadError', short: 'libbpf fails the load on some targets.',
    help: 'The relocation cannot be applied at all (a malformed access, an unsupported kind, a value that does not fit the instruction); the whole program fails to load.' },
  [CODES.sizeDiffers]: { name: 'SizeDiffers', short: 'A field read with a fixed width has another size on some targets.',
    help: 'The program reads N bytes but the field has another size on the target: it reads part of the field or bytes after it. Size the read with bpf_core_field_size() or BPF_CORE_READ.' },
  [CODES.directBitfield]: { name: 'DirectBitfield', short: 'A bitfield is read directly.',
    help: 'A direct load of a bitfield is not relocated bit by bit; use BPF_CORE_READ_BITFIELD (or BPF_CORE_READ_BITFIELD_PROBED).' },
  [CODES.guardConstant]: { name: 'GuardConstant', short: 'An existence check has the same value on every target.',
    help: 'The check is true (or false) on every configured target: the code it guards always (or never) runs there.' },
  [CODES.notRelocated]: { name: 'NotRelocated', short: 'An access through a type without preserve_access_index reads a moved field.',
    help: 'The offset is compiled in (the type is not relocatable), but the field sits elsewhere on the target: the program reads the wrong bytes there. Add __attribute__((preserve_access_index)) or read it with BPF_CORE_READ.' },
  [PROGRAM_FAILS]: { name: 'ProgramFailsToLoad', short: 'A program fails to load on some targets.',
    help: 'The kernel verifier rejects the program there: it reaches an instruction libbpf poisoned because a CO-RE relocation failed (invalid func unknown#195896080), or reads kernel memory through a plain number, or libbpf refuses the whole object. The findings below say which relocation or read.' },
  [DIRECT_READ]: { name: 'DirectRead', short: 'Kernel memory is read directly through a plain number.',
    help: 'In kprobe, uprobe and tracepoint programs kernel pointers are plain numbers to the verifier (bpf_get_current_task(), pt_regs values, results of BPF_CORE_READ): a direct `p->field` is rejected with "invalid mem access \'scalar\'". Read it with BPF_CORE_READ() (bpf_probe_read_kernel), or attach as tp_btf/fentry where arguments are typed pointers.' },
  [GUARDED]: { name: 'Guarded', short: 'A poisoned relocation sits in code the verifier never reaches.',
    help: 'The relocation does not resolve on those targets, but a guard (bpf_core_field_exists() and friends) makes its instruction dead code there: the program loads.' },
  [EXTERN_REFUSED]: { name: 'ExternRefused', short: 'libbpf refuses the whole object for an extern on some targets.',
    help: 'libbpf resolves the object\'s __ksym and __kconfig externs before anything else: a strong one the loading kernel lacks (a kernel variable or kfunc not in its BTF, a symbol not in /proc/kallsyms, a CONFIG_ its config does not set), or a typed one whose type differs from the kernel\'s, fails every program of the object. Mark it __weak and test it (bpf_ksym_exists(), or its value for a __kconfig) where the code can do without it.' },
  [UNRESIZABLE_LOAD]: { name: 'UnresizableLoad', short: 'A load or store cannot be resized for some targets.',
    help: 'The field has another size on the target and is not an unsigned integer or pointer, so libbpf cannot adjust the instruction\'s width and poisons it. Use BPF_CORE_READ or bpf_core_field_size().' },
};

/** One SARIF result per failing program, at the instruction the verifier rejects (first failing target's place). */
function programResults(r: CheckReport, root: string): object[] {
  return (r.programs ?? []).filter((p) => p.fails).map((p) => {
    const first = Object.values(p.targets).find((v) => !v.loads)!;
    const failing = Object.entries(p.targets).filter(([, v]) => !v.loads).map(([t]) => t);
    return {
      ruleId: PROGRAM_FAILS, level: 'error',
      message: { text: `${p.section} ${p.name} fails to load on ${p.fails}: ${first.reason ?? first.kind}` },
      locations: [{
        physicalLocation: {
          artifactLocation: { uri: artifactUri(first.file ? path.resolve(path.dirname(r.program.file), first.file) : r.program.file, root), uriBaseId: 'SRCROOT' },
          ...(first.line ? { region: { startLine: first.line, startColumn: first.column || 1 } } : {}),
        },
      }],
      partialFingerprints: { corelensCause: `${PROGRAM_FAILS}:${p.section}:${p.name}` },
      properties: { section: p.section, program: p.name, targets: failing, summary: p.fails },
    };
  });
}

/** The JSON document (schema CHECK_SCHEMA, documented in the README). */
export function renderJson(r: CheckReport): string {
  return toJson({ schema: CHECK_SCHEMA, ...r }, 2);
}

const LEVEL: Record<SeverityName, 'error' | 'warning' | 'note'> = { error: 'error', warning: 'warning', information: 'note', hint: 'note' };

/** A file path as a SARIF uri: relative to `root` with forward slashes when inside it, else a file:// uri. */
function artifactUri(file: string, root: string): string {
  const rel = path.relative(root, file);
  if (rel && !rel.startsWith('..') && !path.isAbsolute(rel)) return rel.split(path.sep).map(encodeURIComponent).join('/');
  return `file://${file.split(path.sep).map(encodeURIComponent).join('/')}`;
}

/** SARIF 2.1.0: one run, a rule per code used, a result per finding with its place and targets. */
export function renderSarif(r: CheckReport, root: string, version: string): string {
  const used = [...new Set([...(r.programs?.some((p) => p.fails) ? [PROGRAM_FAILS] : []), ...r.findings.map((f) => f.code)])].sort();
  const ruleIndex = new Map(used.map((c, i) => [c, i]));
  const sarif = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [{
      tool: {
        driver: {
          name: 'corelens', version, informationUri: 'https://github.com/corelens/corelens',
          rules: used.map((c) => {
            const rule = RULES[c] ?? { name: c, short: c, help: c };
            return {
              id: c, name: rule.name, shortDescription: { text: rule.short }, fullDescription: { text: rule.help },
              help: { text: rule.help },
              defaultConfiguration: { level: c === PROGRAM_FAILS ? 'error' : LEVEL[r.findings.find((f) => f.code === c)!.severity] },
            };
          }),
        },
      },
      originalUriBaseIds: { SRCROOT: { uri: `file://${root.split(path.sep).map(encodeURIComponent).join('/')}/` } },
      results: [...programResults(r, root), ...r.findings.map((f) => ({
        ruleId: f.code, ruleIndex: ruleIndex.get(f.code), level: LEVEL[f.severity],
        message: { text: f.message },
        locations: [{
          physicalLocation: {
            artifactLocation: { uri: artifactUri(f.location.file, root), uriBaseId: 'SRCROOT' },
            ...(f.location.line > 0 ? {
              region: { startLine: f.location.line, startColumn: f.location.column, endLine: f.location.endLine, endColumn: Math.max(f.location.endColumn, f.location.column) },
            } : {}),
          },
        }],
        partialFingerprints: { corelensCause: `${f.code}:${f.site.localType}:${f.site.access}:${f.site.kind}` },
        properties: { cause: f.cause, summary: f.summary, targets: f.targets },
      }))],
      invocations: [{
        executionSuccessful: true,
        toolExecutionNotifications: [
          ...r.skipped.map((s) => ({ level: 'warning', message: { text: `skipped ${s.file}: ${s.problem}` } })),
          ...r.notes.map((n) => ({ level: 'note', message: { text: n } })),
        ],
      }],
    }],
  };
  return JSON.stringify(sarif, null, 2);
}

/**
 * Targets on which libbpf refuses the whole object (every program fails with kind libbpf and one reason), by that
 * reason (with where it points, when it does).
 */
function objectWideFailures(programs: readonly ProgramRow[], rel: (f: string) => string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const targets = new Set(programs.flatMap((p) => Object.keys(p.targets)));
  for (const t of targets) {
    const vs = programs.map((p) => p.targets[t]);
    const first = vs[0];
    if (!first || first.loads || first.kind !== 'libbpf' || !vs.every((v) => v && !v.loads && v.kind === 'libbpf' && v.reason === first.reason)) continue;
    const key = `${first.line ? `(${rel(first.file ?? '')}:${first.line}) ` : ''}${first.reason ?? 'libbpf refuses the object'}`;
    out.set(key, [...(out.get(key) ?? []), t]);
  }
  return out;
}

/** The text report: the matrix (one row per cause and target set), each row's places, then targets and skips. */
export function renderText(r: CheckReport, root: string): string {
  const rel = (f: string) => {
    const x = path.relative(root, f);
    return x && !x.startsWith('..') ? x : f;
  };
  const s = r.stats;
  const out: string[] = [];
  out.push(`corelens check ${rel(r.program.file)}: ${r.program.relocations} relocation${r.program.relocations === 1 ? '' : 's'} × ${s.checked} target${s.checked === 1 ? '' : 's'}`
    + `${s.skipped ? ` (${s.skipped} skipped)` : ''}; ${s.workers ? `${s.workers} worker${s.workers === 1 ? '' : 's'}` : 'in-process'}, `
    + `cache ${s.cacheHits}/${s.checked} hits, ${(s.wallMs / 1000).toFixed(1)} s`);
  if (r.program.kind === 'object') {
    out.push(`guards read from the bytecode (the verifier's walk)${r.program.source ? `; findings placed in ${rel(r.program.source)}` : '; no source beside the object: findings at line-info rows'}`);
  }
  out.push('');
  if (r.programs) {
    // Failing programs first: the question users ask is "will it load there".
    const failing = r.programs.filter((p) => p.fails);
    out.push(failing.length
      ? `${failing.length} of ${r.programs.length} program${r.programs.length === 1 ? '' : 's'} fail${failing.length === 1 ? 's' : ''} to load on some target:`
      : `all ${r.programs.length} program${r.programs.length === 1 ? '' : 's'} load on all ${s.checked} target${s.checked === 1 ? '' : 's'}`);
    // libbpf refusing the whole object (an unresolved __ksym, a relocation error) fails every program alike on that
    // target: said once for the object, not once per program
    const wholeObject = objectWideFailures(r.programs, rel);
    for (const [why, ts] of wholeObject) out.push(`  the object does not load on ${ts.length <= 3 ? ts.join(', ') : `${ts.length} targets`}: ${why}`);
    const refused = new Set([...wholeObject.values()].flat());
    for (const p of failing) {
      if (Object.entries(p.targets).every(([t, v]) => v.loads || refused.has(t))) continue;
      out.push(`  FAIL ${p.section} ${p.name}: fails on ${p.fails}`);
      // one line per distinct reason, naming its targets
      const byReason = new Map<string, string[]>();
      for (const [t, v] of Object.entries(p.targets)) {
        if (v.loads || refused.has(t)) continue;
        const where = v.line ? ` (${rel(v.file ?? '')}:${v.line})` : '';
        const key = `${v.insn !== undefined ? `insn ${v.insn}` : v.kind}${where}: ${v.reason ?? ''}`;
        byReason.set(key, [...(byReason.get(key) ?? []), t]);
      }
      for (const [why, ts] of byReason) out.push(`       ${ts.length <= 3 ? ts.join(', ') : `${ts.length} targets`}: ${why}`);
    }
    out.push('');
  }
  if (r.causes.length === 0) out.push(`no findings on ${s.checked} target${s.checked === 1 ? '' : 's'}`);
  for (const g of r.causes) {
    out.push(`${g.severity.padEnd(7)} ${g.cause}: ${g.summary}  [${g.code}]`);
    for (const i of g.findings) {
      const f = r.findings[i]!;
      const where = f.location.line ? `${rel(f.location.file)}:${f.location.line}:${f.location.column}` : rel(f.location.file);
      out.push(`        ${where}: ${f.message}`);
    }
  }
  const failing = r.targets.filter((t) => t.status === 'fail').length;
  out.push('', `${failing} of ${s.checked} target${s.checked === 1 ? '' : 's'} fail (errors or warnings), ${s.checked - failing} pass`);
  if (r.skipped.length) {
    out.push(`${r.skipped.length} skipped (not readable as BTF):`);
    for (const k of r.skipped) out.push(`  ${rel(k.file)}: ${k.problem}`);
  }
  for (const n of r.notes) out.push(`note: ${n}`);
  return out.join('\n');
}
