// The corelens command line: thin glue from arguments to the BTF and CO-RE libraries, text or JSON out.
//
// Exit codes: 0 success, 1 findings or failure to process an input, 2 bad usage.

import * as path from 'path';
import { openBtfFile } from './btf/open';
import { openBpfObject } from './btf/object';
import { computeLayout, findTypeBySpelling, TypeLayout } from './btf/layout';
import { KIND_NAMES } from './btf/types';
import { Btf } from './btf/reader';
import { relocateObject, ObjectRelocation } from './core/object';
import { TargetOutcome } from './core/object';
import { BUNDLED_KERNELS_DIR, LoadedTarget, TargetSpec, defaultTargetSpecs, loadTargets, parseTargetArg } from './targets/registry';
import { renderTable, toJson } from './util/format';

export interface Io {
  out: (s: string) => void;
  err: (s: string) => void;
}

const defaultIo: Io = { out: (s) => process.stdout.write(s + '\n'), err: (s) => process.stderr.write(s + '\n') };

const USAGE = `usage: corelens <command> [options]

commands:
  btf info FILE... [--base FILE] [--json]      byte order, counts per kind, strings, base of BTF files
  layout [--target NAME=FILE]... TYPE [--changed] [--json]
                                               a type's layout on every target, side by side
                                               (--changed: only members that differ)
  sites FILE.bpf.c [-I DIR]... [--json]         every CO-RE relocation clang would emit, from source, with its guards
  relocate OBJ.o [--target NAME=FILE]... [--json]
                                               every CO-RE relocation of a compiled object, resolved per target
  lsp --stdio | --node-ipc                     the language server
  demo                                         the quick-start job on the bundled example and default targets
  minimize OBJ.o... --target NAME=FILE... --out DIR
                                               per target, the smallest BTF relocating OBJ exactly like FILE (btf_custom_path)
  merge KERNEL APP... --out FILE               kernel and app BTF in one file, for uprobe programs (btf_custom_path)
  header TARGET [--base FILE] [--out FILE]     C header of every type (vmlinux.h), with the preserve_access_index pragma
  check FILE.bpf.c|FILE.o [--target NAME=FILE]... [--targets-dir DIR] [--format text|json|sarif]
                                               CI gate: findings over many targets, grouped by cause (check --help)

targets: NAME=FILE[,base=BASEFILE][,kind=kernel|app]; FILE may be raw BTF, an ELF with .BTF, .xz, .gz or .tar.xz.
Without --target: the running kernel (${'/sys/kernel/btf/vmlinux'}) when readable, plus the bundled kernels.`;

class UsageError extends Error {}

interface Parsed {
  positional: string[];
  targets: TargetSpec[];
  json: boolean;
  /** layout: only members whose offset, size or presence differ across targets. */
  changed?: boolean;
  base?: string;
}

function parseArgs(args: string[]): Parsed {
  const p: Parsed = { positional: [], targets: [], json: false };
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const value = () => {
      const v = args[++i];
      if (v === undefined) throw new UsageError(`${a} needs a value`);
      return v;
    };
    if (a === '--json') p.json = true;
    else if (a === '--changed') p.changed = true;
    else if (a === '--target' || a === '-t') {
      const t = parseTargetArg(value());
      if (typeof t === 'string') throw new UsageError(t);
      p.targets.push(t);
    } else if (a.startsWith('--target=')) {
      const t = parseTargetArg(a.slice('--target='.length));
      if (typeof t === 'string') throw new UsageError(t);
      p.targets.push(t);
    } else if (a === '--base') p.base = value();
    else if (a.startsWith('-') && a !== '-') throw new UsageError(`unknown option ${a}`);
    else p.positional.push(a);
  }
  return p;
}

/** Runs the CLI; resolves to the exit code. */
export async function main(argv: string[], io: Io = defaultIo): Promise<number> {
  try {
    const [cmd, ...rest] = argv;
    switch (cmd) {
      case 'btf': {
        const [sub, ...more] = rest;
        if (sub !== 'info') throw new UsageError(`unknown btf subcommand "${sub ?? ''}"`);
        return await btfInfo(parseArgs(more), io);
      }
      case 'layout': return await layout(parseArgs(rest), io);
      case 'relocate': return await relocateCmd(parseArgs(rest), io);
      case 'sites': return await (require('./source/cliSites') as typeof import('./source/cliSites')).sitesCommand(rest, io);
      case 'demo': return await demo(io);
      case 'lsp': {
        // The transport (--stdio, --node-ipc, --socket=N) is read from process.argv by vscode-languageserver.
        if (!rest.some((a) => a === '--stdio' || a === '--node-ipc' || a.startsWith('--socket') || a.startsWith('--pipe'))) {
          throw new UsageError('lsp needs a transport: --stdio or --node-ipc');
        }
        (await import('./server.js')).startServer();
        return await new Promise<number>(() => undefined); // runs until the client says exit
      }
      case 'minimize': return await (await import('./btf/cliTools.js')).minimizeCommand(rest, io);
      case 'merge': return await (await import('./btf/cliTools.js')).mergeCommand(rest, io);
      case 'header': return await (await import('./btf/cliTools.js')).headerCommand(rest, io);
      case 'check': return await (await import('./check/cli.js')).checkCommand(rest, io);
      case undefined: case '-h': case '--help': case 'help':
        io.out(USAGE);
        return cmd === undefined ? 2 : 0;
      default: throw new UsageError(`unknown command "${cmd}"`);
    }
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`corelens: ${e.message}\n\n${USAGE}`);
      return 2;
    }
    io.err(`corelens: internal error: ${e instanceof Error ? e.stack : String(e)}`);
    return 1;
  }
}

async function btfInfo(p: Parsed, io: Io): Promise<number> {
  if (p.positional.length === 0) throw new UsageError('btf info needs at least one FILE');
  let base: Btf | undefined;
  if (p.base) {
    const b = await openBtfFile(p.base);
    if (!b.ok) {
      io.err(`corelens: ${b.error.message}`);
      return 1;
    }
    base = b.value.btf;
  }
  let status = 0;
  const infos: unknown[] = [];
  for (const file of p.positional) {
    const r = await openBtfFile(file, { base });
    if (!r.ok) {
      io.err(`corelens: ${r.error.message}`);
      status = 1;
      continue;
    }
    const { btf, containers } = r.value;
    const counts: Record<string, number> = {};
    for (let id = btf.startId; id < btf.typeCount; id++) {
      const k = KIND_NAMES[btf.kind(id)] ?? `kind${btf.kind(id)}`;
      counts[k] = (counts[k] ?? 0) + 1;
    }
    const info = {
      file, containers, byteOrder: btf.littleEndian ? 'little-endian' : 'big-endian', headerLength: btf.header.hdrLen,
      types: btf.ownTypeCount, firstTypeId: btf.startId, stringBytes: btf.header.strLen, pointerSize: btf.pointerSize,
      kinds: counts, ...(base ? { base: p.base, baseTypes: base.typeCount - 1 } : {}),
    };
    infos.push(info);
    if (!p.json) {
      io.out(`${file}`);
      io.out(`  container:    ${containers.join(' → ')}`);
      io.out(`  byte order:   ${info.byteOrder} (header ${info.headerLength} bytes)`);
      io.out(`  types:        ${info.types} (ids ${btf.startId}..${btf.typeCount - 1})${base ? `, split over ${p.base} (${base.typeCount - 1} types)` : ''}`);
      io.out(`  strings:      ${info.stringBytes} bytes`);
      io.out(`  pointer size: ${info.pointerSize}`);
      io.out(`  kinds:        ${Object.entries(counts).sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ${n}`).join(', ')}`);
    }
  }
  if (p.json) io.out(toJson({ files: infos }));
  return status;
}

async function loadOrDefault(p: Parsed, io: Io): Promise<LoadedTarget[] | undefined> {
  const specs = p.targets.length ? p.targets : defaultTargetSpecs();
  if (specs.length === 0) {
    io.err(`corelens: no targets: pass --target NAME=FILE (no ${'/sys/kernel/btf/vmlinux'} and no bundled kernels in ${BUNDLED_KERNELS_DIR})`);
    return undefined;
  }
  const { loaded, failed } = await loadTargets(specs);
  for (const f of failed) io.err(`corelens: ${f.message}`);
  if (loaded.length === 0) return undefined;
  return loaded;
}

interface LayoutColumn {
  target: string;
  layout?: TypeLayout;
  error?: string;
}

async function layout(p: Parsed, io: Io): Promise<number> {
  if (p.positional.length !== 1) throw new UsageError('layout needs exactly one TYPE, e.g. "struct task_struct"');
  const spelling = p.positional[0]!;
  const targets = await loadOrDefault(p, io);
  if (!targets) return 1;
  const cols: LayoutColumn[] = targets.map((t) => {
    try {
      const id = findTypeBySpelling(t.btf, spelling);
      if (!id) return { target: t.spec.name, error: 'missing' };
      return { target: t.spec.name, layout: computeLayout(t.btf, id) };
    } catch (e) {
      return { target: t.spec.name, error: e instanceof Error ? e.message : String(e) };
    }
  });
  if (p.json) {
    io.out(toJson({
      type: spelling,
      targets: Object.fromEntries(cols.map((c) => [c.target, c.layout ?? { missing: true, error: c.error }])),
    }));
  } else {
    io.out(renderLayout(spelling, cols, p.changed));
  }
  return cols.some((c) => c.layout) ? (targets.length < (p.targets.length || targets.length) ? 1 : 0) : 1;
}

/** Side-by-side layout: one row per member (union over targets), one column pair (offset, size) per target. */
export function renderLayout(spelling: string, cols: LayoutColumn[], changedOnly = false): string {
  const present = cols.filter((c) => c.layout);
  if (present.length === 0) return `${spelling}: missing on every target (${cols.map((c) => c.target).join(', ')})`;
  // Row order: the first target's members, then members only other targets have, in their order.
  const order: string[] = [];
  const seen = new Set<string>();
  const typeOf = new Map<string, string>();
  const depthOf = new Map<string, number>();
  for (const c of present) {
    for (const m of c.layout!.members) {
      const key = m.name || `<anon@${m.offset}>`;
      if (!seen.has(key)) {
        seen.add(key);
        order.push(key);
        typeOf.set(key, m.type);
        depthOf.set(key, m.depth);
      }
    }
  }
  const ref = present[0]!;
  const refOffsets = new Map(ref.layout!.members.map((m) => [m.name || `<anon@${m.offset}>`, m.offset]));
  const header = ['member', 'type', ...cols.map((c) => c.target)];
  const rows: string[][] = [];
  let hidden = 0;
  for (const key of order) {
    if (changedOnly) {
      const seenAt = present.map((c) => c.layout!.members.find((x) => (x.name || `<anon@${x.offset}>`) === key));
      const same = seenAt.every((m) => m && m.offset === seenAt[0]!.offset && m.size === seenAt[0]!.size && m.bitOffset === seenAt[0]!.bitOffset);
      if (same) {
        hidden++;
        continue;
      }
    }
    const cells = cols.map((c) => {
      if (!c.layout) return '';
      const m = c.layout.members.find((x) => (x.name || `<anon@${x.offset}>`) === key);
      if (!m) return '— missing';
      const moved = refOffsets.has(key) && refOffsets.get(key) !== m.offset ? '*' : ' ';
      const pos = m.bitSize !== undefined ? `${m.offset}:${m.bitOffset! - m.offset * 8}` : `${m.offset}`;
      const size = m.bitSize !== undefined ? `${m.bitSize}b` : `${m.size}`;
      const hole = m.holeBefore ? ` (+${m.holeBefore} hole)` : '';
      return `${pos.padStart(6)} ${size.padStart(4)}${moved}${hole}`;
    });
    rows.push([`${'  '.repeat(depthOf.get(key)!)}${key}`, typeOf.get(key)!, ...cells]);
  }
  rows.push(['', '', ...cols.map(() => '')]);
  rows.push(['size', '', ...cols.map((c) => (c.layout ? `${c.layout.size} (align ${c.layout.align})` : c.error ?? ''))]);
  rows.push(['holes / padding', '', ...cols.map((c) => (c.layout ? `${c.layout.holes} / ${c.layout.padding} bytes` : ''))]);
  const title = `${ref.layout!.name} — offset and size in bytes (bitfields: byte:bit and width); * moved vs ${ref.target}`
    + (changedOnly ? `; ${hidden} members identical on every target not shown` : '');
  return `${title}\n${renderTable(header, rows)}`;
}

async function relocateCmd(p: Parsed, io: Io): Promise<number> {
  if (p.positional.length !== 1) throw new UsageError('relocate needs exactly one OBJ.o');
  const o = await openBpfObject(p.positional[0]!);
  if (!o.ok) {
    io.err(`corelens: ${o.error.message}`);
    return 1;
  }
  const targets = await loadOrDefault(p, io);
  if (!targets) return 1;
  const relos = relocateObject(o.value, targets.map((t) => ({ name: t.spec.name, btf: t.btf })));
  if (p.json) io.out(relocationsJson(relos));
  else io.out(renderRelocations(o.value.file, relos, targets.map((t) => t.spec.name)));
  const failing = relos.some((r) => [...r.targets.values()].some((x) => x.outcome !== 'ok'));
  return failing ? 1 : 0;
}

/** The `relocate --json` document: the stable schema documented in the README. */
export function relocationsJson(relos: readonly ObjectRelocation[]): string {
  return toJson({
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

/** `npm start`: relocate the bundled example against the default targets, then show task_struct's moves. */
async function demo(io: Io): Promise<number> {
  const example = path.resolve(BUNDLED_KERNELS_DIR, '../../objects/kernel_task.bpfel.o');
  io.out(`corelens demo: relocating ${path.relative(process.cwd(), example)} against the default targets\n`);
  const code = await relocateCmd({ positional: [example], targets: [], json: false }, io);
  io.out('');
  await layout({ positional: ['struct task_struct'], targets: [], json: false, changed: true }, io);
  // The demo shows findings on purpose (a program that fails on some kernels); it succeeded if it could run.
  return code === 1 || code === 0 ? 0 : code;
}
