// `corelens demo` (what `npm start` runs): the bundled example, a tracing program built for x86, relocated against the
// default targets, told in a 120-column terminal: the targets, the `state`/`__state` story (5.10 vs 6.x), every
// relocation per target, what fails where, and one line each on POISON, dead code and arch mismatch.

import * as path from 'path';
import { BpfObject, openBpfObject } from '../btf/object';
import { ObjectRelocation, TargetOutcome, relocateObject } from '../core/object';
import { factsFromBtf, objectVerdicts } from '../verdict/index';
import { objectArch, sameObjectArch, targetArchName } from '../targets/arch';
import { versionText } from '../targets/info';
import { BUNDLED_KERNELS_DIR, LoadedTarget, defaultTargetSpecs, loadTargets, loadingMachineOf } from '../targets/registry';
import { Io } from './common';

/** The terminal width the demo is laid out for. */
const WIDTH = 120;

/** `npm start`: see the file comment. Exit 0 when it could run (the findings are the point, not a failure). */
export async function demo(io: Io): Promise<number> {
  const example = path.resolve(BUNDLED_KERNELS_DIR, '../../objects/kernel_task.bpfel.o');
  const source = path.resolve(BUNDLED_KERNELS_DIR, '../../programs/kernel_task.bpf.c');
  const o = await openBpfObject(example);
  if (!o.ok) {
    io.err(`corelens demo: ${o.error.message}`);
    return 1;
  }
  const obj = o.value;
  const built = objectArch(obj);
  const specs = defaultTargetSpecs();
  const { loaded, failed } = await loadTargets(specs);
  for (const f of failed) io.err(`corelens demo: ${f.message}`);
  const mine = loaded.filter((t) => !built || !t.arch || sameObjectArch(t.arch, built.arch));
  const other = loaded.filter((t) => !mine.includes(t));
  if (mine.length === 0) {
    io.err('corelens demo: no target of the example\'s arch could be loaded');
    return 1;
  }
  const relos = relocateObject(obj, mine.map((t) => ({ name: t.spec.name, btf: t.btf })));
  const runs = reached(obj, relos, mine);
  const short = abbreviations(mine);

  const out = (s = '') => io.out(s);
  out(`corelens demo: ${path.basename(example)} (${relos.length} CO-RE relocations, built for ${built ? targetArchName(built.arch) : 'any arch'}) `
    + 'against the default targets');
  out();
  out('Targets: the running kernel and the bundled ones (x86_64 5.10, 6.1, 6.1-rt, 6.12, 6.18; arm64 5.10, 6.1)');
  for (const t of mine) out(`  ${short.get(t.spec.name)!.padEnd(7)} ${describe(t)}`);
  for (const t of other) out(`  ${'—'.padEnd(7)} ${describe(t)}: skipped, another arch`);
  out();
  story(relos, mine, short, runs, out);
  out();
  table(relos, mine, short, runs, out);
  out();
  findings(relos, mine, short, runs, out);
  out();
  out('What the table says:');
  out('  POISON  libbpf found no match on that kernel and made the instruction an invalid call: the load fails if it runs');
  out('  dead    a POISON behind a guard that is false there (bpf_core_field_exists...): the verifier drops it, the load works');
  if (built && other.length) {
    out(`  arch    the object reads ${targetArchName(built.arch)} registers (pt_regs); ${other.length} ${[...new Set(other.map((t) => targetArchName(t.arch!)))].join('/')} `
      + `target${other.length === 1 ? ' is' : 's are'} skipped, not failed: build one object per arch`);
  }
  out(`More: corelens check ${path.relative(process.cwd(), source)} · corelens layout 'struct task_struct' --changed`);
  return 0;
}

/** One line about a target: kernel version, distro, arch, flavor. */
function describe(t: LoadedTarget): string {
  const s = t.spec;
  const what = s.origin === 'running' ? `this machine's kernel ${s.kernel ?? ''}` : `${s.distro ? `${cap(s.distro)} ${s.release} ` : ''}${versionText(s.version) || s.name}`;
  return `${s.name} — ${what}${s.flavor && s.flavor !== 'generic' ? ` (${s.flavor})` : ''}, ${t.arch ?? 'arch unknown'}`.replace(/\s+,/, ',');
}

const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/**
 * Short column names: every target here has the object's arch, so the arch suffix goes (`6.1-rt-amd64` → `6.1-rt`);
 * `running` becomes `run`. Falls back to the full names when shortening would make two columns alike.
 */
export function abbreviations(targets: readonly LoadedTarget[]): Map<string, string> {
  const short = targets.map((t) => (t.spec.name === 'running' ? 'run' : t.spec.name.replace(/[-_.](amd64|x86_64|arm64|aarch64)$/, '')));
  const unique = new Set(short).size === short.length;
  return new Map(targets.map((t, i) => [t.spec.name, unique ? short[i]! : t.spec.name]));
}

/** Per record and target: whether the verifier reaches the instruction (true), drops it as dead (false), or unknown. */
type Runs = Map<ObjectRelocation, Map<string, boolean | undefined>>;

/**
 * Whether each poisoned instruction runs on each target, as the kernel decides it: the load verdicts walk the patched
 * instructions (verdict/), so a read behind a `bpf_core_field_exists` that is false there is dead code.
 */
function reached(obj: BpfObject, relos: readonly ObjectRelocation[], targets: readonly LoadedTarget[]): Runs {
  const out: Runs = new Map();
  const v = objectVerdicts(obj, relos, targets.map((t) => ({ name: t.spec.name, facts: factsFromBtf(t.btf, obj, loadingMachineOf(t.spec)) })));
  relos.forEach((r, i) => {
    const per = new Map<string, boolean | undefined>();
    for (const t of targets) {
      const reach = v.reach.get(t.spec.name)?.[i];
      per.set(t.spec.name, reach === 'dead' ? false : reach === 'reachable' ? true : undefined);
    }
    out.set(r, per);
  });
  return out;
}

function cell(res: TargetOutcome, runs: boolean | undefined): string {
  if (res.outcome === 'poison') return runs === false ? 'dead' : 'POISON';
  if (res.outcome === 'error') return 'ERROR';
  return String(BigInt.asIntN(64, res.value!));
}

/** The 5.14 rename, from the relocations of get_task_state(): which read runs where, at which offset. */
function story(relos: readonly ObjectRelocation[], targets: readonly LoadedTarget[], short: Map<string, string>, runs: Runs, out: (s?: string) => void): void {
  const field = (name: string) => relos.find((r) => r.kind === 0 && new RegExp(`\\.${name}$`).test(r.path) && /task_struct___/.test(r.localType));
  const exists = relos.find((r) => r.kindName === 'field_exists' && /__state$/.test(r.path));
  const oldR = field('state');
  const newR = field('__state');
  if (!oldR || !newR || !exists) return;
  out('The state/__state story: kernel 5.14 renamed task_struct::state (long) to __state (unsigned int).');
  out(`${path.basename(newR.file ?? '')}:${newR.line}-${oldR.line} reads it as bpf_core_field_exists(t->__state) ? t->__state : the old t->state`);
  const cols = targets.map((t) => short.get(t.spec.name)!);
  const w = Math.max(6, ...cols.map((c) => c.length));
  const row = (label: string, f: (t: LoadedTarget) => string) => out(`  ${label.padEnd(24)}${targets.map((t) => f(t).padStart(w)).join('  ')}`);
  row('', (t) => short.get(t.spec.name)!);
  row('field_exists(__state)', (t) => cell(exists.targets.get(t.spec.name)!, runs.get(exists)?.get(t.spec.name)));
  row('offset of __state', (t) => cell(newR.targets.get(t.spec.name)!, runs.get(newR)?.get(t.spec.name)));
  row('offset of state', (t) => cell(oldR.targets.get(t.spec.name)!, runs.get(oldR)?.get(t.spec.name)));
  const old = targets.filter((t) => oldR.targets.get(t.spec.name)!.outcome === 'ok').map((t) => short.get(t.spec.name)!);
  out(`  On ${old.join(', ') || 'no target'} the old field is read; elsewhere __state. Each kernel's other read is dead code, so it loads everywhere.`);
  out('  Without the guard, BPF_CORE_READ(t, __state) alone would fail to load on 5.10: corelens check says so before you ship.');
}

/** Every relocation, one column per target, fitted to 120 columns (the access column gives way). */
function table(relos: readonly ObjectRelocation[], targets: readonly LoadedTarget[], short: Map<string, string>, runs: Runs, out: (s?: string) => void): void {
  const header = ['line', 'kind', 'access', 'local', ...targets.map((t) => short.get(t.spec.name)!)];
  const rows = relos.map((r) => {
    const first = r.targets.values().next().value as TargetOutcome;
    return [
      r.line ? `${r.line}:${r.column}` : `${r.section}+${r.insnOff}`, r.kindName, `${r.path} (${r.access})`,
      first.localValue === undefined ? '' : String(BigInt.asIntN(64, first.localValue)),
      ...targets.map((t) => cell(r.targets.get(t.spec.name)!, runs.get(r)?.get(t.spec.name))),
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const used = widths.reduce((a, b) => a + b, 0) + 2 * (widths.length - 1);
  if (used > WIDTH) widths[2] = Math.max(12, widths[2]! - (used - WIDTH));
  const fit = (s: string, w: number) => (s.length > w ? `${s.slice(0, w - 1)}…` : s);
  const line = (cells: readonly string[]) => cells.map((c, i) => (i >= 3 ? fit(c, widths[i]!).padStart(widths[i]!) : fit(c, widths[i]!).padEnd(widths[i]!))).join('  ').trimEnd();
  out(`Every relocation of ${path.basename(relos[0]?.file ?? 'the program')} (values are offsets, sizes, ids or 0/1; local = compiled-in value):`);
  out(line(header));
  out(line(widths.map((w) => '-'.repeat(w))));
  for (const r of rows) out(line(r));
}

/** What fails to load where: reachable POISON and load errors, one line per access and outcome, wrapped at 120. */
function findings(relos: readonly ObjectRelocation[], targets: readonly LoadedTarget[], short: Map<string, string>, runs: Runs, out: (s?: string) => void): void {
  const seen = new Map<string, { where: string[]; names: Set<string>; why: string }>();
  for (const r of relos) {
    for (const t of targets) {
      const res = r.targets.get(t.spec.name)!;
      if (res.outcome === 'ok' || (res.outcome === 'poison' && runs.get(r)?.get(t.spec.name) === false)) continue;
      const key = `${r.path}\u0000${res.why ?? res.outcome}`;
      const g = seen.get(key) ?? { where: [], names: new Set<string>(), why: `${r.path}: ${res.why ?? res.outcome}` };
      const at = `${r.line ?? '?'}`;
      if (!g.where.includes(at)) g.where.push(at);
      g.names.add(short.get(t.spec.name)!);
      seen.set(key, g);
    }
  }
  if (seen.size === 0) {
    out(`Loads on all ${targets.length} targets: every POISON is dead code there.`);
    return;
  }
  out(`Fails to load (a POISON that runs, or a load error) on ${[...new Set([...seen.values()].flatMap((g) => [...g.names]))].join(', ')}:`);
  for (const g of seen.values()) wrap(`  line ${g.where.join(', ')} on ${[...g.names].join(', ')}: ${g.why}`, out);
}

function wrap(text: string, out: (s?: string) => void): void {
  let rest = text;
  let first = true;
  while (rest.length) {
    const room = WIDTH - (first ? 0 : 4);
    let cut = rest.length <= room ? rest.length : rest.lastIndexOf(' ', room);
    if (cut <= 0) cut = room;
    out(`${first ? '' : '    '}${rest.slice(0, cut)}`);
    rest = rest.slice(cut).trimStart();
    first = false;
  }
}
