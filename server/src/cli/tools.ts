// CLI commands for the BTF tools: `minimize`, `merge` and `header` (the jobs scripted around bpftool and pahole).
//
// Output files are written to a temporary name beside the destination and renamed into place, so a failure never
// leaves a partial file where a loader (btf_custom_path) would pick it up.

import * as crypto from 'crypto';
import { promises as fs } from 'fs';
import * as path from 'path';
import { resolveInside, uniqueFileNames } from '../util/paths';
import type { Io } from './common';
import { parseTargetArg, loadTarget, TargetSpec } from '../targets/registry';
import { renderTable, toJson } from '../util/format';
import { emitCHeader } from '../tools/cformat';
import { mergeBtf } from '../tools/merge';
import { minimizeBtf } from '../tools/minimize';
import { BpfObject, openBpfObject } from '../btf/object';
import { openBtfFile } from '../btf/open';
import { BtfError } from '../btf/errors';
import { Btf } from '../btf/reader';

interface ToolArgs {
  positional: string[];
  targets: TargetSpec[];
  out?: string;
  base?: string;
  json: boolean;
  endian?: 'le' | 'be';
}

/** Thrown for bad usage: reported with exit code 2. */
class ToolUsageError extends Error {}

function parse(args: string[], allowed: ReadonlySet<string>): ToolArgs {
  const p: ToolArgs = { positional: [], targets: [], json: false };
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') {
      for (const x of args.slice(i + 1)) p.positional.push(x); // files after `--` may start with a dash
      break;
    }
    const eq = a.startsWith('--') ? a.indexOf('=') : -1;
    const flag = eq > 0 ? a.slice(0, eq) : a;
    const value = () => {
      if (eq > 0) return a.slice(eq + 1);
      const v = args[++i];
      if (v === undefined) throw new ToolUsageError(`${a} needs a value`);
      return v;
    };
    if (flag.startsWith('-') && flag !== '-' && !allowed.has(flag)) throw new ToolUsageError(`unknown option ${flag}`);
    if (flag === '--json') p.json = true;
    else if (flag === '--target' || flag === '-t') {
      const t = parseTargetArg(value());
      if (typeof t === 'string') throw new ToolUsageError(t);
      p.targets.push(t);
    } else if (flag === '--out' || flag === '-o') p.out = value();
    else if (flag === '--base') p.base = value();
    else if (flag === '--endian') {
      const v = value();
      if (v !== 'le' && v !== 'be') throw new ToolUsageError('--endian takes le or be');
      p.endian = v;
    } else p.positional.push(a);
  }
  return p;
}

/**
 * Writes `bytes` to `file` atomically (temp name + rename); returns an error message naming the file, or undefined.
 * The temporary file is created exclusively under an unpredictable name (a planted symlink is never followed), and
 * rename replaces a symlink at `file` rather than writing through it.
 */
export async function writeFileAtomic(file: string, bytes: Uint8Array | string): Promise<string | undefined> {
  const tmp = path.join(path.dirname(file), `.${path.basename(file).slice(0, 100)}.${process.pid}.${crypto.randomBytes(6).toString('hex')}.tmp`);
  try {
    await fs.writeFile(tmp, bytes, { flag: 'wx' });
    await fs.rename(tmp, file);
    return undefined;
  } catch (e) {
    await fs.rm(tmp, { force: true }).catch(() => undefined);
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? `directory ${path.dirname(file)} does not exist`
      : code === 'EACCES' || code === 'EPERM' ? 'permission denied'
        : code === 'ENOSPC' ? 'no space left on device' : (e as Error).message;
    return `cannot write ${file}: ${why}`;
  }
}

/** Runs a tool body, mapping usage errors to exit code 2 with the usage line. */
async function guard(usage: string, io: Io, body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (e) {
    if (e instanceof ToolUsageError) {
      io.err(`corelens: ${e.message}\nusage: ${usage}`);
      return 2;
    }
    throw e;
  }
}

const MINIMIZE_USAGE = 'corelens minimize OBJ.o... --target NAME=FILE... --out DIR [--endian le|be] [--json]';

/** `corelens minimize`: per target, the smallest BTF that relocates the objects exactly like the full one. */
export async function minimizeCommand(args: string[], io: Io): Promise<number> {
  return guard(MINIMIZE_USAGE, io, async () => {
    const p = parse(args, new Set(['--target', '-t', '--out', '-o', '--json', '--endian']));
    if (p.positional.length === 0) throw new ToolUsageError('minimize needs at least one OBJ.o');
    if (p.targets.length === 0) throw new ToolUsageError('minimize needs at least one --target NAME=FILE');
    if (!p.out) throw new ToolUsageError('minimize needs --out DIR');
    const objects: BpfObject[] = [];
    for (const file of p.positional) {
      const o = await openBpfObject(file);
      if (!o.ok) {
        io.err(`corelens: ${o.error.message}`);
        return 1;
      }
      if (!o.value.ext?.coreRelos.length) io.err(`corelens: note: ${file} has no CO-RE relocations`);
      objects.push(o.value);
    }
    try {
      await fs.mkdir(p.out, { recursive: true });
    } catch (e) {
      io.err(`corelens: cannot create output directory ${p.out}: ${(e as Error).message}`);
      return 1;
    }
    let status = 0;
    const rows: string[][] = [];
    const results: unknown[] = [];
    // target names are never path components: `../../../x` or `a/b` become one file name inside --out
    const fileNames = uniqueFileNames(p.targets.map((t) => t.name), '.btf');
    for (const [ti, spec] of p.targets.entries()) {
      const t = await loadTarget(spec);
      if (!t.ok) {
        io.err(`corelens: cannot read target ${spec.name} (${spec.path}): ${t.error.problem.message}`);
        status = 1;
        continue;
      }
      const full = t.value.btf;
      let m;
      try {
        m = minimizeBtf(full, objects, p.endian ? { littleEndian: p.endian === 'le' } : {});
      } catch (e) {
        io.err(`corelens: cannot minimise target ${spec.name} (${spec.path}): ${e instanceof BtfError ? e.problem : (e as Error).message}`);
        status = 1;
        continue;
      }
      const s = m.stats;
      if (s.relocations > 0 && s.error === s.relocations) {
        // libbpf refuses the load on this target whatever BTF it is given: a file would only hide that
        io.err(`corelens: target ${spec.name}: every one of the ${s.relocations} relocations fails to load (libbpf load errors); nothing written`);
        status = 1;
        continue;
      }
      if (s.error > 0) io.err(`corelens: warning: target ${spec.name}: ${s.error} of ${s.relocations} relocations fail to load there (libbpf would refuse the program)`);
      const file = resolveInside(p.out, fileNames[ti]!);
      if (!file) {
        io.err(`corelens: target ${spec.name}: output name ${fileNames[ti]} is not inside ${p.out}: refusing to write`);
        status = 1;
        continue;
      }
      const err = await writeFileAtomic(file, m.bytes);
      if (err) {
        io.err(`corelens: target ${spec.name}: ${err}`);
        status = 1;
        continue;
      }
      rows.push([spec.name, file, `${m.types} / ${full.ownTypeCount}`, String(m.members), `${m.bytes.length} / ${full.bytes.length}`,
        `${s.ok} ok, ${s.poison} poison, ${s.error} error`]);
      results.push({ target: spec.name, source: spec.path, file, types: m.types, sourceTypes: full.ownTypeCount, members: m.members,
        bytes: m.bytes.length, sourceBytes: full.bytes.length, relocations: s });
    }
    if (p.json) io.out(toJson({ minimized: results }));
    else if (rows.length) io.out(renderTable(['target', 'written', 'types kept', 'members', 'bytes (min / full)', 'relocations'], rows));
    return status;
  });
}

const MERGE_USAGE = 'corelens merge KERNEL APP... --out FILE [--endian le|be] [--json]';

/** `corelens merge`: a kernel's BTF and apps' BTF in one file, for uprobe programs loaded with btf_custom_path. */
export async function mergeCommand(args: string[], io: Io): Promise<number> {
  return guard(MERGE_USAGE, io, async () => {
    const p = parse(args, new Set(['--out', '-o', '--json', '--endian']));
    if (p.positional.length < 2) throw new ToolUsageError('merge needs a KERNEL and at least one APP BTF');
    if (!p.out) throw new ToolUsageError('merge needs --out FILE');
    const opened: Btf[] = [];
    for (const file of p.positional) {
      const r = await openBtfFile(file);
      if (!r.ok) {
        io.err(`corelens: cannot read ${r.error.message}`);
        return 1;
      }
      opened.push(r.value.btf);
    }
    const [kernel, ...apps] = opened as [Btf, ...Btf[]];
    let m;
    try {
      m = mergeBtf(kernel, apps, p.endian ? { littleEndian: p.endian === 'le' } : {});
    } catch (e) {
      io.err(`corelens: cannot merge: ${e instanceof BtfError ? e.message : `${p.positional.join(', ')}: ${(e as Error).message}`}`);
      return 1;
    }
    const err = await writeFileAtomic(p.out, m.bytes);
    if (err) {
      io.err(`corelens: ${err}`);
      return 1;
    }
    for (const w of m.warnings) io.err(`corelens: warning: ${w}`);
    if (p.json) {
      io.out(toJson({ out: p.out, bytes: m.bytes.length, types: m.types, kernelTypes: m.kernelTypes, warnings: m.warnings,
        apps: m.apps.map((a) => ({ file: a.file, types: a.idMap.size, folded: a.folded })) }));
    } else {
      io.out(`${p.out}: ${m.types} types, ${m.bytes.length} bytes (kernel ${m.kernelTypes} types`
        + `${m.apps.map((a) => `, ${path.basename(a.file)} ${a.idMap.size - a.folded} new + ${a.folded} shared`).join('')})`);
    }
    return 0;
  });
}

const HEADER_USAGE = 'corelens header TARGET [--base FILE] [--out FILE] > vmlinux.h';

/** `corelens header`: a compilable C header (vmlinux.h) of every type of a BTF, like `bpftool btf dump ... format c`. */
export async function headerCommand(args: string[], io: Io): Promise<number> {
  return guard(HEADER_USAGE, io, async () => {
    const p = parse(args, new Set(['--base', '--out', '-o']));
    if (p.positional.length !== 1) throw new ToolUsageError('header needs exactly one TARGET');
    let base: Btf | undefined;
    if (p.base) {
      const b = await openBtfFile(p.base);
      if (!b.ok) {
        io.err(`corelens: cannot read ${b.error.message}`);
        return 1;
      }
      base = b.value.btf;
    }
    const r = await openBtfFile(p.positional[0]!, { base });
    if (!r.ok) {
      io.err(`corelens: cannot read ${r.error.message}`);
      return 1;
    }
    let h;
    try {
      h = emitCHeader(r.value.btf);
    } catch (e) {
      // malformed BTF found while emitting (a loop, a dangling id): one line naming the file, never a stack
      io.err(`corelens: ${e instanceof BtfError ? e.message : `${p.positional[0]}: cannot emit a header: ${(e as Error).message}`}`);
      return 1;
    }
    if (h.unreproducible.length) {
      io.err(`corelens: warning: ${h.unreproducible.length} struct/union layout(s) cannot be expressed in C; marked in the header`);
    }
    if (p.out) {
      const err = await writeFileAtomic(p.out, h.text);
      if (err) {
        io.err(`corelens: ${err}`);
        return 1;
      }
      return 0;
    }
    io.out(h.text.replace(/\n$/, ''));
    return 0;
  });
}
