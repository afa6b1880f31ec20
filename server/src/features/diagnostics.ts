// Findings from evaluated live sites: what fails to load where, what reads the wrong bytes, which guards are moot.
//
// Kept free of LSP types (ranges are LSP-shaped plain objects) so the CLI's `check` can print the same findings.

import { Btf, essentialName } from '../btf/reader';
import { isComposite } from '../btf/types';
import { ReloKind, isExistenceKind, reloKindName } from '../core/kinds';
import { RelocationResult } from '../core/relocate';
import { Spec, parseSpec, specPath } from '../core/spec';
import { LiveSite, Range, SiteEvaluation } from './evaluate';

export const enum Severity {
  Error = 1,
  Warning = 2,
  Information = 3,
  Hint = 4,
}

/** Stable diagnostic codes; each can be given another severity (or turned off) in the settings. */
export const CODES = {
  missingField: 'core-missing-field',
  missingType: 'core-missing-type',
  incompatible: 'core-incompatible-field',
  missingEnumValue: 'core-missing-enum-value',
  ambiguous: 'core-ambiguous',
  loadError: 'core-load-error',
  sizeDiffers: 'core-size-differs',
  directBitfield: 'core-direct-bitfield',
  guardConstant: 'core-guard-constant',
  notRelocated: 'core-not-relocated',
} as const;

export type Code = (typeof CODES)[keyof typeof CODES];

const DEFAULT_SEVERITY: Record<Code, Severity> = {
  'core-missing-field': Severity.Error,
  'core-missing-type': Severity.Error,
  'core-incompatible-field': Severity.Error,
  'core-missing-enum-value': Severity.Error,
  'core-ambiguous': Severity.Error,
  'core-load-error': Severity.Error,
  'core-size-differs': Severity.Warning,
  'core-direct-bitfield': Severity.Warning,
  'core-guard-constant': Severity.Hint,
  'core-not-relocated': Severity.Warning,
};

export type SeveritySetting = 'error' | 'warning' | 'information' | 'hint' | 'off';

export interface FindingOptions {
  /** Per-code severity overrides from the settings. */
  severities?: Partial<Record<string, SeveritySetting>>;
  /**
   * How a message names its targets; default: every name, comma-separated. `check` passes a summary
   * ("5.14 and newer, 212 kernels") because a message naming hundreds of kernels helps nobody.
   */
  describeTargets?: (targets: readonly string[], all: number) => string;
}

export interface Finding {
  range: Range;
  severity: Severity;
  code: Code;
  message: string;
  /** Targets the finding applies to. */
  targets: string[];
  /** Marks moot code (a guard whose other branch never runs). */
  unnecessary?: boolean;
  /** What code actions need: the site and, for renames, the likely new name. */
  data: { kind: number; typeId: number; access: string; localType: string; path: string; suggestion?: string };
}

const SEVERITY_NAMES: Record<Exclude<SeveritySetting, 'off'>, Severity> = {
  error: Severity.Error, warning: Severity.Warning, information: Severity.Information, hint: Severity.Hint,
};

/** `task_struct::state` from the local spec of `task_struct___o` + "0:1": the names users search for. */
export function siteLabel(btf: Btf, site: Pick<LiveSite, 'typeId' | 'access' | 'kind'>): string {
  let spec: Spec;
  try {
    spec = parseSpec(btf, site.typeId, site.access, site.kind);
  } catch {
    // a malformed record (type id 0xffffffff in a hostile .BTF.ext) still gets a label, never an exception
    let name = '';
    try { name = btf.name(site.typeId); } catch { return `invalid type #${site.typeId >>> 0} (${site.access})`; }
    return `${name || 'anonymous type'} (${site.access})`;
  }
  const p = specPath(spec);
  if (site.kind >= ReloKind.TypeIdLocal && site.kind !== ReloKind.EnumvalExists && site.kind !== ReloKind.EnumvalValue) return p;
  const root = btf.name(site.typeId);
  if (p.startsWith(`${root}.`)) return `${essentialName(root)}::${p.slice(root.length + 1)}`;
  return p.replace(root, essentialName(root));
}

function defaultList(names: readonly string[], all: number): string {
  return names.length === all && all > 1 ? `every target (${all})` : names.join(', ');
}

/** Size in bytes of the field a field spec ends at (bitfields: their storage size). */
export function fieldSize(spec: Spec): number | undefined {
  const { btf } = spec;
  const acc = spec.accessors[spec.accessors.length - 1];
  if (!acc) return undefined;
  if (acc.name === undefined) return btf.resolveSize(acc.typeId);
  const t = btf.type(acc.typeId);
  if (!isComposite(t)) return undefined;
  const m = t.members[acc.idx];
  return m && !m.bitfieldSize ? btf.resolveSize(m.type) : undefined;
}

/** Every finding for the evaluated sites of one document. */
export function siteFindings(localBtf: Btf, evals: readonly SiteEvaluation[], targetNames: readonly string[], opts: FindingOptions = {}): Finding[] {
  const out: Finding[] = [];
  const add = (f: Omit<Finding, 'severity'>) => {
    const setting = opts.severities?.[f.code];
    if (setting === 'off') return;
    out.push({ ...f, severity: setting ? SEVERITY_NAMES[setting] : DEFAULT_SEVERITY[f.code] });
  };
  const all = targetNames.length;
  const list = (names: string[], n: number) => (opts.describeTargets ?? defaultList)(names, n);
  for (const ev of evals) {
    const { site } = ev;
    const label = siteLabel(localBtf, site);
    const data = { kind: site.kind, typeId: site.typeId, access: site.access, localType: site.localType, path: label };
    // Failures on targets where the site runs, grouped by what is wrong.
    const groups = new Map<string, { res: RelocationResult; targets: string[] }>();
    for (const name of targetNames) {
      const st = ev.targets.get(name);
      if (!st || st.runs === false) continue;
      const r = st.result;
      if (r.status === 'ok') continue;
      const key = `${r.status}|${r.failure}|${r.problem}`;
      const g = groups.get(key);
      if (g) g.targets.push(name);
      else groups.set(key, { res: r, targets: [name] });
    }
    for (const { res, targets } of groups.values()) {
      const on = list(targets, all);
      if (res.status === 'error') {
        add({
          range: site.range, code: res.failure === 'ambiguous' ? CODES.ambiguous : CODES.loadError, targets, data,
          message: `\`${label}\` (${reloKindName(site.kind)}): libbpf refuses to load the program on ${on}: ${res.problem}`,
        });
        continue;
      }
      const consequence = 'the program will fail to load there (invalid func unknown#195896080)';
      const guardHint = isExistenceKind(site.kind) ? '' : site.kind === ReloKind.EnumvalValue
        ? '; guard it with bpf_core_enum_value_exists' : site.kind <= ReloKind.FieldRshiftU64 ? '; guard it with bpf_core_field_exists' : '';
      switch (res.failure) {
        case 'missing-field':
          add({
            range: site.range, code: CODES.missingField, targets, data: { ...data, suggestion: res.suggestion },
            message: `\`${label}\` does not exist on ${on}: ${consequence}`
              + (res.suggestion ? `; \`${res.suggestion}\` is the closest name` : '') + guardHint,
          });
          break;
        case 'missing-type':
          add({ range: site.range, code: CODES.missingType, targets, data, message: `${res.problem} on ${on}: ${consequence}${guardHint}` });
          break;
        case 'missing-enum-value':
          add({ range: site.range, code: CODES.missingEnumValue, targets, data, message: `\`${label}\`: ${res.problem} on ${on}: ${consequence}${guardHint}` });
          break;
        default:
          add({ range: site.range, code: CODES.incompatible, targets, data, message: `\`${label}\`: ${res.problem} on ${on}: ${consequence}` });
      }
    }
    if (site.directBitfield) {
      add({
        range: site.range, code: CODES.directBitfield, targets: [...targetNames], data,
        message: `\`${label}\` is a bitfield read directly: its load is not relocated bit by bit; use BPF_CORE_READ_BITFIELD (or _PROBED)`,
      });
    }
    if (site.kind === ReloKind.FieldByteOffset) sizeFinding(localBtf, ev, label, data, targetNames, add, list);
    if (isExistenceKind(site.kind) && all > 0) guardFinding(ev, label, data, targetNames, add, list);
  }
  return out;
}

function sizeFinding(
  localBtf: Btf, ev: SiteEvaluation, label: string, data: Finding['data'], targetNames: readonly string[],
  add: (f: Omit<Finding, 'severity'>) => void, list: (names: string[], all: number) => string,
): void {
  let local: number | undefined;
  try {
    local = fieldSize(parseSpec(localBtf, ev.site.typeId, ev.site.access, ev.site.kind));
  } catch {
    return;
  }
  if (local === undefined) return;
  const bySize = new Map<number, string[]>();
  for (const name of targetNames) {
    const st = ev.targets.get(name);
    if (!st || st.runs === false || st.result.status !== 'ok') continue;
    const size = st.result.targetSpec ? fieldSize(st.result.targetSpec) : st.targetFieldSize;
    if (size === undefined || size === local) continue;
    bySize.set(size, [...(bySize.get(size) ?? []), name]);
  }
  for (const [size, targets] of bySize) {
    add({
      range: ev.site.range, code: CODES.sizeDiffers, targets, data,
      message: `\`${label}\` is ${local} bytes here but ${size} bytes on ${list(targets, targetNames.length)}: `
        + `a read of ${local} bytes gets ${size > local ? 'only part of the field' : 'the field plus the bytes after it'} there; `
        + 'size the read with bpf_core_field_size',
    });
  }
}

function guardFinding(
  ev: SiteEvaluation, label: string, data: Finding['data'], targetNames: readonly string[],
  add: (f: Omit<Finding, 'severity'>) => void, list: (names: string[], all: number) => string,
): void {
  const values = targetNames.map((n) => ev.targets.get(n)?.result).filter((r): r is RelocationResult => !!r && r.status === 'ok');
  if (values.length !== targetNames.length || values.length === 0) return;
  const v = values[0]!.value;
  if (!values.every((r) => r.value === v)) return;
  const truth = v !== 0n;
  add({
    range: ev.site.range, code: CODES.guardConstant, targets: [...targetNames], data, unnecessary: true,
    message: `${reloKindName(ev.site.kind)} \`${label}\` is ${truth ? 'true' : 'false'} on ${list([...targetNames], targetNames.length)}: `
      + `the code it guards ${truth ? 'always runs (its fallback never does)' : 'never runs'} on the configured targets`,
  });
}
