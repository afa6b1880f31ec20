// Live findings for the __ksym / __kconfig externs libbpf cannot resolve on some targets: libbpf resolves externs
// before relocating anything (bpf_object__resolve_externs) and refuses the whole object where a strong one is missing
// or of another type, so no program loads there. The same decision, message and place as `corelens check FILE.bpf.c`
// (check/run.ts externFindings; proven there against `check FILE.o`, real libbpf and the kernel), shown while typing
// instead of only after a build on save.

import { Btf } from '../btf/reader';
import { localSignature } from '../core/memo';
import type { LocalExtern } from '../source/analyzer';
import { libbpfExterns } from '../source/externs';
import { FactsOptions, externRefusal, externRefusalReason } from '../verdict/index';
import { CODES, Finding, FindingOptions, severityOf } from './diagnostics';
import type { Range } from './evaluate';

/** A target as the extern check needs it: its BTF and what is known of the machine that loads there. */
export interface ExternTarget {
  readonly name: string;
  readonly btf: Btf;
  /** The loading machine (release, distro, kernel config; the running kernel): __kconfig values come from it. */
  readonly machine: FactsOptions;
}

/** One arch's analysis: the externs it says clang emits, its local BTF (their types; taken only when there are
 * externs), and that arch's targets. */
export interface ExternPart {
  readonly local: () => Btf;
  readonly externs: readonly LocalExtern[];
  readonly targets: readonly ExternTarget[];
}

/**
 * Refusals per (target BTF, externs as libbpf sees them, loading machine): an edit that keeps the externs decides
 * nothing again. The key holds each typed extern's local type graph (localSignature), since compatibility reads it.
 * Dropped by the owner when the configuration (and so a kernel config's contents) may have changed.
 */
export class ExternMemo {
  private per = new WeakMap<Btf, Map<string, string | null>>();

  get(btf: Btf, key: string, decide: () => string | undefined): string | undefined {
    let m = this.per.get(btf);
    if (!m) this.per.set(btf, (m = new Map()));
    let v = m.get(key);
    if (v === undefined) {
      // bounded: a document whose externs change on every keystroke must not grow the map without end
      if (m.size >= 256) m.clear();
      m.set(key, (v = decide() ?? null));
    }
    return v ?? undefined;
  }

  clear(): void {
    this.per = new WeakMap();
  }
}

const TOP: Range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };

/**
 * One error per distinct refusal (libbpf's own warning) over the targets it happens on, at the extern's declaration
 * in the document, else its first kept use there, else the top of the document (as `check` places it).
 */
export function externFindings(parts: readonly ExternPart[], opts: FindingOptions & { externMemo?: ExternMemo } = {}): Finding[] {
  const severity = severityOf(CODES.externRefused, opts.severities);
  if (severity === undefined) return [];
  const groups = new Map<string, { extern: string; targets: string[] }>();
  const places = new Map<string, Range>();
  let all = 0;
  for (const p of parts) {
    all += p.targets.length;
    if (!p.externs.length || !p.targets.length) continue;
    const local = p.local();
    const ex = libbpfExterns(p.externs, local);
    if (!ex.ksyms.length && !ex.kcfg.length) continue;
    for (const [n, r] of Object.entries(ex.places)) if (!places.has(n)) places.set(n, r);
    const sig = JSON.stringify([
      ex.ksyms.map((e) => [e.name, e.func, e.weak, e.untyped, e.untyped ? '' : localSignature(local, e.localType), e.unsectioned ?? -1, e.noBtf ? 1 : 0]),
      ex.kcfg,
    ]);
    for (const t of p.targets) {
      const key = `${sig}\u0000${JSON.stringify(t.machine)}`;
      const decide = () => {
        // (byte order: only whether libbpf refuses is read here, which no kconfig value's byte order changes)
        const f = externRefusal(t.btf, local, ex.ksyms, ex.kcfg, true, t.machine);
        return f && JSON.stringify([f.extern, externRefusalReason(f)]);
      };
      const got = opts.externMemo ? opts.externMemo.get(t.btf, key, decide) : decide();
      if (!got) continue;
      const [extern, reason] = JSON.parse(got) as [string, string];
      const g = groups.get(reason);
      if (g) { if (!g.targets.includes(t.name)) g.targets.push(t.name); } else groups.set(reason, { extern, targets: [t.name] });
    }
  }
  const describe = (ts: readonly string[]) => (opts.describeTargets ? opts.describeTargets(ts, all) : ts.join(', '));
  return [...groups].map(([reason, g]) => ({
    range: places.get(g.extern) ?? TOP, severity, code: CODES.externRefused,
    message: `${reason}: no program of the object loads on ${describe(g.targets)}`, targets: g.targets,
    data: { kind: -1, typeId: 0, access: '', localType: '', path: g.extern },
  }));
}
