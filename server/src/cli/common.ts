// What every CLI command shares: output streams, usage errors, the common argument parser, target loading.

import type { LoadedTarget, TargetSpec } from '../targets/registry';

// the registry (and the BTF readers, xz and ELF code it loads) only when a command takes targets: every command
// loads this module, and `corelens sites` never reads a target (~15 modules less to load per run)
const registry = (): typeof import('../targets/registry') => require('../targets/registry') as typeof import('../targets/registry');

export interface Io {
  out: (s: string) => void;
  err: (s: string) => void;
  /** A progress line redrawn in place (stderr on a terminal); absent: no progress bar, lines only. */
  status?: (s: string | undefined) => void;
}

export const defaultIo: Io = {
  out: (s) => process.stdout.write(s + '\n'),
  err: (s) => process.stderr.write(s + '\n'),
  ...(process.stderr.isTTY ? {
    status: (s: string | undefined) => {
      const width = Math.max(20, (process.stderr.columns || 80) - 1);
      process.stderr.write(s === undefined ? '\r\x1b[K' : `\r\x1b[K${s.length > width ? s.slice(0, width - 1) + '…' : s}`);
    },
  } : {}),
};

/** Thrown for bad usage: main() reports it with the usage text and exit code 2. */
export class UsageError extends Error {}

/**
 * Walks one command's arguments so every command reads `--opt=value` and `--opt value` alike and reports a missing
 * value the same way.
 */
export class ArgCursor {
  private i = -1;
  private inline: string | undefined;
  /** The current argument, without an inline `=value` of a long option. */
  arg = '';
  /** The current argument as written, for "unknown option" messages. */
  raw = '';
  constructor(private readonly argv: readonly string[]) {}

  /** Moves to the next argument; false after the last. */
  next(): boolean {
    if (++this.i >= this.argv.length) return false;
    this.raw = this.argv[this.i]!;
    const eq = this.raw.indexOf('=');
    const inline = this.raw.startsWith('--') && eq > 0;
    this.arg = inline ? this.raw.slice(0, eq) : this.raw;
    this.inline = inline ? this.raw.slice(eq + 1) : undefined;
    return true;
  }

  /** The current option's value: its inline `=value`, else the next argument; empty or absent is a usage error. */
  value(): string {
    const v = this.inline ?? this.argv[++this.i];
    this.inline = undefined;
    if (v === undefined || v === '') throw new UsageError(`${this.arg} needs a value`);
    return v;
  }

  /** The current option's value read as a comma-separated list (blank items dropped). */
  list(): string[] {
    return this.value().split(',').map((s) => s.trim()).filter(Boolean);
  }

  /** The arguments after the current one, consumed (what follows `--`). */
  rest(): string[] {
    const r = this.argv.slice(this.i + 1);
    this.i = this.argv.length;
    return r;
  }
}

export interface Parsed {
  positional: string[];
  targets: TargetSpec[];
  json: boolean;
  /** layout: only members whose offset, size or presence differ across targets. */
  changed?: boolean;
  base?: string;
  /** relocate: the source to place relocations in (default: the .bpf.c beside the object). */
  source?: string;
  /** relocate: the arch the object is built for (default: inferred from the object). */
  arch?: string;
}

export function parseArgs(args: string[]): Parsed {
  const p: Parsed = { positional: [], targets: [], json: false };
  const c = new ArgCursor(args);
  while (c.next()) {
    const a = c.arg;
    if (a === '--') {
      // everything after `--` is a file (or a type name), even if it starts with a dash
      p.positional.push(...c.rest());
      break;
    }
    if (a === '--json') p.json = true;
    else if (a === '--changed') p.changed = true;
    else if (a === '--target' || a === '-t') {
      const t = registry().parseTargetArg(c.value());
      if (typeof t === 'string') throw new UsageError(t);
      p.targets.push(t);
    } else if (a === '--base') p.base = c.value();
    else if (a === '--source') p.source = c.value();
    else if (a === '--arch') p.arch = c.value();
    else if (a.startsWith('-') && a !== '-') throw new UsageError(`unknown option ${c.raw}`);
    else p.positional.push(a);
  }
  return p;
}

/**
 * The targets named on the command line, else the default targets; failures are reported, undefined when none load.
 * `keep` drops targets before they are read (an object's other-arch targets whose arch the spec already says).
 */
export async function loadOrDefault(p: Parsed, io: Io, keep: (s: TargetSpec) => boolean = () => true): Promise<LoadedTarget[] | undefined> {
  const { BUNDLED_KERNELS_DIR, defaultTargetSpecs, loadTargets } = registry();
  const all = p.targets.length ? p.targets : defaultTargetSpecs();
  if (all.length === 0) {
    io.err(`corelens: no targets: pass --target NAME=FILE (no ${'/sys/kernel/btf/vmlinux'} and no bundled kernels in ${BUNDLED_KERNELS_DIR})`);
    return undefined;
  }
  const specs = all.filter(keep);
  const { loaded, failed } = await loadTargets(specs);
  for (const f of failed) io.err(`corelens: ${f.message}`);
  if (loaded.length === 0) return undefined;
  return loaded;
}

