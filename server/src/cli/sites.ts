// `corelens sites FILE.bpf.c [-I DIR ...] [-D NAME[=VALUE] ...] [--json]`: every live CO-RE site of a source file (one
// per relocation clang would emit: per program and inlined call), with its guards and call chain.

import * as path from 'path';
import { RELO_KIND_NAMES } from '../core/kinds';
import { Io, defaultIo } from './common';
import { renderTable, toJson } from '../util/format';
import { Guard, createAnalyzer } from '../source/analyzer';
import { InputError, readTextInputSync } from '../util/files';
import { SITES_V8_FLAGS, applyV8Flags } from '../jitFlags';

/** Runs the sites command; exit code 0 ok, 1 unreadable file, 2 bad usage. */
export async function sitesCommand(args: string[], io: Io): Promise<number> {
  // A one-shot run: most of its code runs once (the scan of a 3 MB header, a first parse of each declaration), and
  // V8's optimising compiler spent as much CPU compiling such code as it then saved (half the process' CPU was
  // Turbofan threads). A 15x larger budget before a function is optimised keeps it for the really hot loops:
  // ~10% less CPU for `sites` on a full vmlinux.h (sitescli bench). Process-wide, so only for this command (the
  // server has its own, src/jitFlags.ts); CORELENS_V8_FLAGS replaces it as it does the server's (empty: V8's defaults).
  if (io === defaultIo) applyV8Flags(SITES_V8_FLAGS); // (bin/corelens.js applied them already: same value, no change)
  const includes: string[] = [];
  const defines: string[] = [];
  let json = false;
  let file: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') {
      // the file after `--` may start with a dash
      const rest = args.slice(i + 1);
      if (rest.length > 1 || (rest.length && file)) { io.err('sites: one source file at a time'); return 2; }
      file ??= rest[0];
      break;
    }
    if (a === '--json') json = true;
    else if (a === '-I') { const v = args[++i]; if (!v) { io.err('sites: -I needs a directory'); return 2; } includes.push(v); }
    else if (a.startsWith('-I')) includes.push(a.slice(2));
    else if (a === '-D') { const v = args[++i]; if (!v) { io.err('sites: -D needs NAME or NAME=VALUE'); return 2; } defines.push(v); }
    else if (a.startsWith('-D')) defines.push(a.slice(2));
    else if (a.startsWith('-')) { io.err(`sites: unknown option ${a}`); return 2; }
    else if (file) { io.err('sites: one source file at a time'); return 2; }
    else file = a;
  }
  if (!file) { io.err('usage: corelens sites FILE.bpf.c [-I DIR ...] [-D NAME[=VALUE] ...] [--json]'); return 2; }
  let text: string;
  try {
    // synchronously, as the headers are read: the promise API loads ~10 more of Node's modules (fs/promises and what
    // it needs), ~2-3 ms of a one-shot run; same checks and messages (util/files.ts)
    text = readTextInputSync(file, 'source');
  } catch (e) {
    io.err(`corelens: ${file}: ${e instanceof InputError ? e.message : (e as Error).message}`);
    return 1;
  }
  const analyzer = await createAnalyzer({ defines });
  const a = analyzer.analyze(path.resolve(file), text, { includePaths: includes.map((d) => path.resolve(d)) });
  const sites = a.sites.map((s) => ({
    kind: RELO_KIND_NAMES[s.kind]!, localType: s.localType, access: s.access, line: s.range.start.line + 1, column: s.range.start.character + 1,
    ...(s.program ? { program: s.program, section: s.section } : { unreached: true }),
    ...(s.origin ? { file: s.origin.file, fileLine: s.origin.range.start.line + 1 } : {}),
    ...(s.chain.length ? { chain: s.chain.map((c) => c.func) } : {}),
    // clang shares this copy's relocation with an earlier one (source/cse.ts): listed, but no record of its own
    ...(s.merged ? { merged: true } : {}),
    guards: s.guards.map(guardJson),
  }));
  if (json) {
    io.out(toJson({ sites }));
  } else {
    // a copy whose relocation clang shares with an earlier one is marked `=` after its access (not a record)
    io.out(renderTable(['line:col', 'kind', 'local type', 'access', 'guards'], sites.map((s) => [
      `${s.line}:${s.column}`, s.kind, s.localType, s.merged ? `${s.access} =` : s.access,
      s.guards.map(guardLine).join(' && '),
    ])));
    for (const n of a.notes) io.err(`${file}:${n.range.start.line + 1}:${n.range.start.character + 1}: ${n.severity}: ${n.message}`);
  }
  return 0;
}

type GuardJson = { kind: string; localType: string; access: string; when: boolean; compare?: string } | { any: GuardJson[][] };

/** A guard in `sites --json`: a check as before, a disjunction as `{ any: [[...], ...] }`. */
function guardJson(g: Guard): GuardJson {
  if ('any' in g) return { any: g.any.map((alt) => alt.map(guardJson)) };
  return { kind: RELO_KIND_NAMES[g.kind]!, localType: g.localType, access: g.access, when: g.when, ...(g.cmp ? { compare: `${g.cmp.mask !== undefined ? `& ${g.cmp.mask} ` : ''}${g.cmp.op} ${g.cmp.v}` } : {}) };
}

/** A JSON guard as C-like text for the table. */
function guardLine(g: GuardJson): string {
  if ('any' in g) return `(${g.any.map((alt) => alt.map(guardLine).join(' && ')).join(' || ')})`;
  return `${g.when ? '' : '!'}${g.compare ? '(' : ''}${g.kind}(${g.localType} ${g.access})${g.compare ? ` ${g.compare})` : ''}`;
}
