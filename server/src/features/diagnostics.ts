// Findings from evaluated live sites: what fails to load where, what reads the wrong bytes, which guards are moot.
//
// Kept free of LSP types (ranges are LSP-shaped plain objects) so the CLI's `check` can print the same findings.

import { Btf, essentialName } from '../btf/reader';
import { isComposite } from '../btf/types';
import { ReloKind, isExistenceKind, reloKindName } from '../core/kinds';
import { RelocationResult } from '../core/relocate';
import { Spec, parseSpec, specPath } from '../core/spec';
import { LiveSite, Range, SiteEvaluation, SiteOnTarget, kverRulesOut } from './evaluate';

export const enum Severity {
  Error = 1,
  Warning = 2,
  Information = 3,
  Hint = 4,
}

/** CORELENS_POISONED_DIRECT_READ=0: a direct read through a plain number is not reported where its relocation is poisoned. */
const POISONED_DIRECT_READ = process.env.CORELENS_POISONED_DIRECT_READ !== '0';

/** A direct load the verifier meets on a target (where it runs): its record relocated, or poisoned (the instruction
 * stays a load through the same pointer); one test for the plain-number and the tp_btf-argument findings. */
function loadReached(t: SiteOnTarget): boolean {
  return t.result.status === 'ok' || (POISONED_DIRECT_READ && t.result.status === 'poison');
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
  /** A direct load libbpf cannot resize to the field's size on a target, so it poisons it (the object path's code). */
  unresizableLoad: 'core-unresizable-load',
  directBitfield: 'core-direct-bitfield',
  guardConstant: 'core-guard-constant',
  notRelocated: 'core-not-relocated',
  /** A load through a plain number (the same code `check FILE.o` gives the verifier's `invalid mem access 'scalar'`). */
  directRead: 'direct-read',
  /** libbpf refuses the whole object on some targets for an extern (__ksym, __kconfig): the code `check` gives. */
  externRefused: 'core-extern-refused',
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
  'core-unresizable-load': Severity.Error,
  'core-direct-bitfield': Severity.Warning,
  'core-guard-constant': Severity.Hint,
  'core-not-relocated': Severity.Warning,
  'direct-read': Severity.Error,
  'core-extern-refused': Severity.Error,
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
  /** Findings of unchanged evaluations are taken from here (the language server keeps one per document). */
  memo?: FindingMemo;
  /** Identifies `severities` and `describeTargets`: memoised findings are reused only under the same key. */
  memoKey?: unknown;
  /** The tp_btf arguments a target's kernel types as numbers, by tracepoint (verdict tpErrArgsOf of its loading
   * machine): a direct load through one is refused there (LiveSite.tpArg). Absent: none is claimed. */
  tpErrArgs?: (target: string) => ReadonlyMap<string, readonly number[]> | undefined;
  /** The LINUX_KERNEL_VERSION a target's loading machine gives the program (a range where the patch level is unknown),
   * or undefined: a site under comparisons of it (LiveSite.kver) does not run where one is decided false, as `check`
   * decides (kver_guards). Absent: every arm is taken to run. */
  kernelVersion?: (target: string) => number | readonly [number, number] | undefined;
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
  data: { kind: number; typeId: number; access: string; localType: string; path: string; suggestion?: string;
    /** A direct bitfield read: the macro that loads there (BPF_CORE_READ_BITFIELD only through a BTF-typed pointer). */
    bitfieldMacro?: string };
}

const SEVERITY_NAMES: Record<Exclude<SeveritySetting, 'off'>, Severity> = {
  error: Severity.Error, warning: Severity.Warning, information: Severity.Information, hint: Severity.Hint,
};

/** A code's severity under the settings' overrides; undefined: turned off. */
export function severityOf(code: Code, severities: FindingOptions['severities']): Severity | undefined {
  const setting = severities?.[code];
  if (setting === 'off') return undefined;
  return setting ? SEVERITY_NAMES[setting] : DEFAULT_SEVERITY[code];
}

/** Labels per BTF (immutable once built) and (kind, type, access): a big program's thousands of sites name a few
 * hundred distinct specs, and parsing each spec again was a tenth of its first diagnostics' relocation stage. */
const labels = new WeakMap<Btf, Map<string, string>>();

/** `task_struct::state` from the local spec of `task_struct___o` + "0:1": the names users search for. */
export function siteLabel(btf: Btf, site: Pick<LiveSite, 'typeId' | 'access' | 'kind'>): string {
  let memo = labels.get(btf);
  if (!memo) labels.set(btf, (memo = new Map()));
  const key = `${site.kind}:${site.typeId}:${site.access}`;
  let label = memo.get(key);
  if (label === undefined) memo.set(key, (label = labelOf(btf, site)));
  return label;
}

function labelOf(btf: Btf, site: Pick<LiveSite, 'typeId' | 'access' | 'kind'>): string {
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

/**
 * Findings per evaluation, kept while its site, its per-target map, the local BTF, the target list and the options
 * (`FindingOptions.memoKey`) are the same: a site whose per-target map an edit left alone keeps its findings.
 * Keyed by the site object: equal sites in many programs (one BPF_CORE_READ(task, tgid) per program) share one
 * per-target map, so a memo keyed by the map held only the last of them and recomputed the others on every edit.
 */
export class FindingMemo {
  readonly bySite = new WeakMap<object, { map: Map<string, SiteOnTarget>; local: Btf; names: string; key: unknown; out: Finding[] }>();
  private lastKey: unknown;

  /** The previous call's key when equal, so the per-site comparison is a pointer comparison: a key describing 500
   * targets is a fresh 50 KB string on every check, and comparing it in full per site cost more than the findings. */
  keyOf(key: unknown): unknown {
    if (key === this.lastKey) return this.lastKey;
    this.lastKey = key;
    return key;
  }
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
  const namesKey = internNames(targetNames.join('\u0000'));
  const memo = opts.memo;
  const memoKey = memo ? memo.keyOf(opts.memoKey) : opts.memoKey;
  for (const ev of evals) {
    const { site } = ev;
    const from = out.length;
    if (memo) {
      const hit = memo.bySite.get(site);
      if (hit && hit.map === ev.targets && hit.local === localBtf && hit.names === namesKey && hit.key === memoKey) {
        for (const f of hit.out) out.push(f);
        continue;
      }
    }
    findingsOf(kverRuns(ev, site), site);
    if (memo) memo.bySite.set(site, { map: ev.targets, local: localBtf, names: namesKey, key: memoKey, out: out.slice(from) });
  }
  return out;

  /** kver_guards: the evaluation with the site not running on the targets whose LINUX_KERNEL_VERSION rules its arm
   * out (libbpf fills the __kconfig from the loading machine's release, and the verifier reads the frozen .kconfig
   * map as a constant: that arm is never walked there), as the check engine decides for `check FILE.bpf.c`. */
  function kverRuns(ev: SiteEvaluation, site: LiveSite): SiteEvaluation {
    if (!site.kver || !opts.kernelVersion) return ev;
    let map: Map<string, SiteOnTarget> | undefined;
    for (const [name, t] of ev.targets) {
      if (t.runs === false) continue;
      if (!kverRulesOut(site.kver, opts.kernelVersion(name))) continue;
      (map ??= new Map(ev.targets)).set(name, { ...t, runs: false, pastPoison: undefined });
    }
    return map ? { ...ev, targets: map } : ev;
  }

  function findingsOf(ev: SiteEvaluation, site: LiveSite): void {
    const from = out.length;
    findingsOfSite(ev, site);
    // code a `const volatile` knob's default keeps from running: the object as compiled loads (check FILE.o reads the
    // default from its .rodata), so what would fail is the knob's risk, a warning, unless a setting says otherwise
    if (site.knob) {
      for (let i = from; i < out.length; i++) {
        const f = out[i]!;
        if (f.severity !== Severity.Error || opts.severities?.[f.code]) continue;
        out[i] = { ...f, severity: Severity.Warning, message: `${f.message} — only if \`${site.knob}\` is set: with its default value this code does not run` };
      }
    }
  }

  function findingsOfSite(ev: SiteEvaluation, site: LiveSite): void {
    // a plain read names its own load (no type of the local BTF stands for it)
    const label = site.plainRead !== undefined ? site.plainRead : siteLabel(localBtf, site);
    const data = { kind: site.kind, typeId: site.typeId, access: site.access, localType: site.localType, path: label };
    const across = acrossTargets(ev.targets, targetNames, namesKey);
    for (const { res, targets: groupTargets } of across.failures.values()) {
      const targets = [...groupTargets];
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
      // the verifier rejects a direct read through a plain number: only a BTF-typed pointer may use the direct macro
      const macro = site.btfPointer ? 'BPF_CORE_READ_BITFIELD' : 'BPF_CORE_READ_BITFIELD_PROBED';
      add({
        range: site.range, code: CODES.directBitfield, targets: [...targetNames], data: { ...data, bitfieldMacro: macro },
        message: `\`${label}\` is a bitfield read directly: its load is not relocated bit by bit; use ${macro}`
          + (site.btfPointer ? ' (the pointer is a BTF-typed argument)' : ' (the pointer is not BTF-typed here: the direct BPF_CORE_READ_BITFIELD would be rejected by the verifier)'),
      });
    }
    if (site.plainPointer) {
      // The verifier walks the instruction where the site runs. Where the relocation is poisoned the load is still
      // one through a plain number (the object path's walk says so too: bpftime's `((client *)base)->argc` against a
      // kernel without `client`), reported beside the poison; where libbpf refuses the record nothing is loaded.
      const targets = targetNames.filter((n) => {
        const t = ev.targets.get(n);
        // (past a poisoned guard too: the object path's walk goes on into both branches, finding the load there)
        return (t?.runs === true || !!t?.pastPoison) && loadReached(t);
      });
      if (targets.length) {
        add({
          range: site.range, code: CODES.directRead, targets, data,
          message: `\`${label}\` is read directly through a pointer that is a plain number to the verifier (a helper's result, a `
            + `probe-read value or a kprobe argument): it rejects the program with "invalid mem access 'scalar'" on ${list(targets, all)}. `
            + (site.plainRead !== undefined
              // no relocation here: BPF_CORE_READ would add one for a record the kernel may not have
              ? 'Read it with bpf_probe_read_kernel() (bpf_probe_read_user() for user memory), or attach as tp_btf/fentry where arguments are typed pointers'
              : 'Read it with BPF_CORE_READ() (bpf_probe_read_kernel), or attach as tp_btf/fentry where arguments are typed pointers'),
        });
      }
    }
    if (site.tpArg && !site.plainPointer && opts.tpErrArgs) {
      // tp_err_args: the kernel's btf_ctx_access types this tracepoint argument as a scalar where its raw_tp table
      // says it may encode an error or a sentinel (SEND_SIG_PRIV is (void *)1): the load through it is refused there
      // as through any plain number, on the targets whose release marks it, where the load runs
      const { tp, arg } = site.tpArg;
      const targets = targetNames.filter((n) => {
        const t = ev.targets.get(n);
        return t?.runs === true && loadReached(t) && !!opts.tpErrArgs!(n)?.get(tp)?.includes(arg);
      });
      if (targets.length) {
        add({
          range: site.range, code: CODES.directRead, targets, data,
          message: `\`${label}\` is read directly through argument ${arg} of tracepoint ${tp}, which the kernel may pass as an `
            + `error or sentinel value and so types as a plain number: it rejects the program with "invalid mem access 'scalar'" on ${list(targets, all)}. `
            + 'Read it with BPF_CORE_READ() (bpf_probe_read_kernel)',
        });
      }
    }
    // Only a read whose width is fixed in the program (a probe read of sizeof(field), a direct load) can get the
    // wrong bytes; an offset used for an address (container_of, &p->f, a variable index into an array) cannot, and
    // libbpf itself checks nothing there (the object path agrees: issue 12's agreement test).
    // A direct load is no fixed width to libbpf: it resizes the load of an unsigned integer or a pointer to the
    // target's field and poisons any other (relo_core.c fail_memsz_adjust), so the finding is that error, where it runs.
    if (site.kind === ReloKind.FieldByteOffset && site.readSize !== undefined) {
      if (site.directLoad) unresizableFinding(localBtf, ev, label, data, targetNames, add, list);
      else sizeFinding(localBtf, ev, across, label, data, targetNames, add, list);
    }
    if (isExistenceKind(site.kind) && all > 0) guardFinding(ev, across, label, data, targetNames, add, list);
  }
}

let lastNames = '';
/** The previous call's string when equal, so the per-site comparisons below are pointer comparisons. */
function internNames(key: string): string {
  if (key === lastNames) return lastNames;
  lastNames = key;
  return key;
}

/** What a site's per-target map says, summed over the targets (in `targetNames` order): the O(targets) part. */
interface AcrossTargets {
  readonly namesKey: string;
  /** Failures on targets where the site runs, grouped by what is wrong. */
  readonly failures: Map<string, { res: RelocationResult; targets: string[] }>;
  /** Targets where the site runs and resolves, by the size of the field it ends at (when known). */
  readonly sizes: Map<number, string[]>;
  /** Every target resolved (status ok), and whether all values are equal (the first one's value). */
  readonly allOk: boolean;
  readonly allEqual: boolean;
  readonly value?: bigint;
}

/**
 * Per map object: an evaluation memo hands back the same map for an unchanged site, so re-checking an edit does
 * not walk hundreds of targets per site again.
 */
const acrossMemo = new WeakMap<Map<string, SiteOnTarget>, AcrossTargets>();

function acrossTargets(per: Map<string, SiteOnTarget>, targetNames: readonly string[], namesKey: string): AcrossTargets {
  const have = acrossMemo.get(per);
  if (have && have.namesKey === namesKey) return have;
  const failures = new Map<string, { res: RelocationResult; targets: string[] }>();
  const sizes = new Map<number, string[]>();
  let allOk = targetNames.length > 0;
  let allEqual = true;
  let value: bigint | undefined;
  targetNames.forEach((name, i) => {
    const st = per.get(name);
    const r = st?.result;
    if (!r || r.status !== 'ok') allOk = false;
    else if (i === 0) value = r.value;
    else if (r.value !== value) allEqual = false;
    if (!st || !r || st.runs === false) return;
    if (r.status === 'ok') {
      const size = targetFieldSize(st);
      if (size !== undefined) {
        const list = sizes.get(size);
        if (list) list.push(name);
        else sizes.set(size, [name]);
      }
      return;
    }
    const key = `${r.status}|${r.failure}|${r.problem}`;
    const g = failures.get(key);
    if (g) g.targets.push(name);
    else failures.set(key, { res: r, targets: [name] });
  });
  const a = { namesKey, failures, sizes, allOk, allEqual: allOk && allEqual, value: allOk ? value : undefined };
  acrossMemo.set(per, a);
  return a;
}

function sizeFinding(
  localBtf: Btf, ev: SiteEvaluation, across: AcrossTargets, label: string, data: Finding['data'], targetNames: readonly string[],
  add: (f: Omit<Finding, 'severity'>) => void, list: (names: string[], all: number) => string,
): void {
  const local = localFieldSize(localBtf, ev.site);
  if (local === undefined) return;
  const read = ev.site.readSize ?? local;
  for (const [size, sized] of across.sizes) {
    // only where the size moved from the program's own (a CO-RE difference) and the read does not fit it there
    if (size === local || size === read) continue;
    const targets = [...sized];
    add({
      range: ev.site.range, code: CODES.sizeDiffers, targets, data,
      message: `\`${label}\` is ${bytes(local)} here but ${bytes(size)} on ${list(targets, targetNames.length)}: `
        + `a read of ${bytes(read)} gets ${size > read ? 'only part of the field' : 'the field plus the bytes after it'} there; `
        + 'size the read with bpf_core_field_size',
    });
  }
}

/** The relocated field's size in the program's own types; undefined where it has none (or the spec does not parse). */
function localFieldSize(localBtf: Btf, site: Pick<LiveSite, 'typeId' | 'access' | 'kind'>): number | undefined {
  try {
    return fieldSize(parseSpec(localBtf, site.typeId, site.access, site.kind));
  } catch {
    return undefined;
  }
}

/** The field's size on a target, from its relocation's spec, or as a compact result (`check`'s workers) carries it. */
function targetFieldSize(st: SiteOnTarget): number | undefined {
  return st.result.targetSpec ? fieldSize(st.result.targetSpec) : st.targetFieldSize;
}

/** Direct loads poisoned for their size: grouped by the target's field size, on the targets where the load runs. */
function unresizableFinding(
  localBtf: Btf, ev: SiteEvaluation, label: string, data: Finding['data'], targetNames: readonly string[],
  add: (f: Omit<Finding, 'severity'>) => void, list: (names: string[], all: number) => string,
): void {
  const bySize = new Map<number | undefined, string[]>();
  for (const name of targetNames) {
    const st = ev.targets.get(name);
    const r = st?.result;
    if (!st || !r || r.status !== 'ok' || !r.failMemszAdjust || st.runs === false) continue;
    const size = targetFieldSize(st);
    bySize.set(size, [...(bySize.get(size) ?? []), name]);
  }
  if (!bySize.size) return;
  const local = localFieldSize(localBtf, ev.site);
  for (const [size, targets] of bySize) {
    const sizes = local !== undefined && size !== undefined ? ` is ${bytes(local)} here but ${bytes(size)}` : ' has another size';
    add({
      range: ev.site.range, code: CODES.unresizableLoad, targets, data,
      message: `\`${label}\`${sizes} on ${list(targets, targetNames.length)}: libbpf resizes a direct load only from an unsigned `
        + 'integer to an unsigned integer or from a pointer to a pointer, so it poisons this one and the program will fail to '
        + 'load there; read it with BPF_CORE_READ() (a probe read of a fixed width) or size it with bpf_core_field_size()',
    });
  }
}

/** "1 byte", "4 bytes". */
function bytes(n: number): string {
  return `${n} byte${n === 1 ? '' : 's'}`;
}

function guardFinding(
  ev: SiteEvaluation, across: AcrossTargets, label: string, data: Finding['data'], targetNames: readonly string[],
  add: (f: Omit<Finding, 'severity'>) => void, list: (names: string[], all: number) => string,
): void {
  if (!across.allOk || !across.allEqual) return;
  const truth = across.value !== 0n;
  add({
    range: ev.site.range, code: CODES.guardConstant, targets: [...targetNames], data, unnecessary: true,
    message: `${reloKindName(ev.site.kind)} \`${label}\` is ${truth ? 'true' : 'false'} on ${list([...targetNames], targetNames.length)}: `
      + `the code it guards ${truth ? 'always runs (its fallback never does)' : 'never runs'} on the configured targets`,
  });
}
