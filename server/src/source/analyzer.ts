// Live analysis of a BPF C document: the public API (createAnalyzer / analyze / update) the server and CLI use.
//
// Architecture (why two parsers). CO-RE relocations are a property of the *preprocessed* program: BPF_CORE_READ,
// bpf_core_field_exists & co are macros, preserve_access_index comes from pragmas and attributes in headers, and
// clang's access strings depend on types tree-sitter cannot see. Tree-sitter parses unexpanded text, so it cannot
// type or expand; a preprocessor cannot tell cheaply what changed. Each does what it is good at:
//   - web-tree-sitter (incremental, old tree reused on every edit) gives the document structure: the top-level
//     function definitions (plus the `SEC("...")` statement before each), which are the unit of re-analysis; the
//     syntax errors clang would reject (grammars/queries/structure.scm); and, per function, the CO-RE *spots*
//     (grammars/queries/core.scm): libbpf CO-RE macros, raw builtins, member accesses, program macros, calls of
//     user macros that expand to any of those. A function without spots is not typed at all; every site the
//     typer finds is attributed to the spot it comes from (`stats.unattributed` counts the others: 0 on every
//     fixture, held by the clang agreement test).
//   - the macro-aware preprocessor + parser (preproc.ts, cparse.ts, sites.ts) expands and types each spotted
//     function and computes exactly what clang emits: (local type, access string, kind), guards, read sizes.
// Incremental: the text outside function definitions (with #directive lines inside them) is the type
// environment's key. While it, the headers on disk and the macro state stay the same, only functions whose text
// changed are re-preprocessed, re-parsed and re-typed, into the existing type environment; the others reuse their
// cached result (keyed by function text + environment version, rebased to the function's new offset). Any change to
// declarations, macros, includes or pragmas starts a new environment version and re-analyses everything.

import * as path from 'path';
import { fileURLToPath } from 'url';
import { Btf } from '../btf/reader';
import { ReloKind } from '../core/kinds';
import { CParser, FuncDef, TypeEnv } from './cparse';
import type { GuardCmp } from './sites';
import { spell } from './ctypes';
import { LineMap, Tk } from './lexer';
import * as fs from 'fs';
import { HeaderCache, LocalBtfBuilder, ParsedFile, includeLines, newTu, parseText } from './localTypes';
import { effectiveDefines, loadToolchain } from './toolchain';
import { loadCParser, toEdit, TsNode, TsTree, CParserHandle } from './parser';
import { Macro, Preprocessor } from './preproc';
import { FuncResult, INIT_STORES, RawPlain, analyzeFunction } from './sites';
import { ContextCache, ExpansionShare, contextSites, isPluginDef } from './contexts';
import { limitBytes, overLimitMessage, readTextInputSync } from '../util/files';
import { RawSpot, RawSyntax, SharedTrees } from './sharedTrees';
import { SharedFunctions } from './sharedFunctions';
import { rawSpots, resolveWord } from './spots';
import type { Ahead } from './ahead';
import { Unit, findUnits } from './units';
import { SourceExtern, emittedExterns } from './externs';
export { Unit, findUnits, unitsOf } from './units';
import type { DocBodies } from './docBodies';

/** CORELENS_HEADER_EXTERNAL=0: a header's non-static `__attribute__((always_inline))` definition (no `inline` keyword)
 * is not emitted on its own (headerRoots in analyze). */
const HEADER_EXTERNAL = process.env.CORELENS_HEADER_EXTERNAL !== '0';

export interface Position { line: number; character: number }
export interface Range { start: Position; end: Position }

/** One conjunct of the condition a site runs under: a single check, or a disjunction of conjunctions of them. */
export type Guard = CheckGuard | AnyGuard;

/** Holds when every guard of at least one alternative holds (`!a || !b`, the final `else` of `if (a && b) ...`). */
export interface AnyGuard {
  any: Guard[][];
}

/** A single CO-RE check that must resolve nonzero (or zero). */
export interface CheckGuard {
  kind: ReloKind;
  typeId: number;
  localType: string;
  access: string;
  /** The site runs only when the check is nonzero (true) or zero (false); with `cmp`, when `value op v` is. */
  when: boolean;
  /** The check's value compared with a constant (`bpf_core_field_size(x) == 2`). */
  cmp?: GuardCmp;
  /** In this document (for a check inside a header: where the call chain enters the header). */
  range: Range;
  /** A check written in another file: where. */
  origin?: Origin;
}

/** Where something written in another file (a header) is. */
export interface Origin { file: string; range: Range; line: number }

/** One inlined call on the way from a program to a site. */
export interface CallStep {
  /** The function called. */
  func: string;
  /** The caller. */
  caller: string;
  /** The call expression, in the caller's file (`file`; undefined: this document). */
  range: Range;
  file?: string;
}

export interface Site {
  kind: ReloKind;
  /** Root type id in `localBtf()`. */
  typeId: number;
  localType: string;
  access: string;
  /** The accessor as written (field name / macro argument), 0-based LSP positions. */
  range: Range;
  /** Line clang attributes the relocation to (the macro invocation for macro-generated sites), 0-based. */
  line: number;
  /** Function the site is written in. */
  func: string;
  /** Every check the site runs under, along the whole call chain (the program's own first). */
  guards: Guard[];
  /** The program this relocation belongs to: a function with SEC(), a global (non-inlined) function, or a
   * `__noinline` helper (a subprogram in .text). Undefined for a function no program reaches (`unreached`). */
  program?: string;
  /** ELF section clang puts the relocation in (the program's SEC, ".text" for subprograms). */
  section?: string;
  /** Inlined calls from the program's function to `func` (empty when the site is in the program's own body): clang
   * emits one relocation per inlined copy, so each path is its own site. */
  chain: CallStep[];
  /** The site is written in another file (a header): where; `range` is then where the chain enters that file from
   * this document (the outermost call into it). */
  origin?: Origin;
  /** In a function of this document that no program calls: clang emits nothing for it; shown with its own guards. */
  unreached?: boolean;
  /** In a .text function the object holds but no program calls (a `__weak __hidden` header helper nobody uses):
   * clang emits its relocations, libbpf never loads it, so the site never runs on any target. */
  idle?: boolean;
  /** A direct member read of a bitfield on a preserve_access_index type (not through BPF_CORE_READ_BITFIELD*). */
  directBitfield?: boolean;
  /** For a direct bitfield read: the pointer is a BTF-typed program argument (BPF_PROG in tp_btf/fentry/lsm/iter),
   * so BPF_CORE_READ_BITFIELD may read it directly; otherwise only BPF_CORE_READ_BITFIELD_PROBED loads. */
  btfPointer?: boolean;
  /** Bytes the program reads at this field with a fixed width: a direct load, or a BPF_CORE_READ hop. */
  readSize?: number;
  /** readSize is a direct load's (LDX): where the field's size differs, libbpf resizes the load of an unsigned
   * integer or a pointer and poisons any other (relo_core.c's fail_memsz_adjust); a probe read keeps its width. */
  directLoad?: boolean;
  /** A direct load through a pointer that is a plain number to the verifier (bpf_get_current_task(), a probe-read
   * value, a BPF_KPROBE argument): it rejects the program ("invalid mem access 'scalar'"). */
  plainPointer?: boolean;
  /** tp_err_args: a direct load through this tp_btf argument of the program's tracepoint (0-based, the kernel's argN):
   * a plain number on the kernels whose btf_ctx_access marks it as possibly an error (verdict/rawtp.ts), per target. */
  tpArg?: { tp: string; arg: number };
  /** plain_reads: no relocation at all but a load with none (`app_rec::count` of a record without
   * preserve_access_index, `*(long long *)`) through a plain number: in `Analysis.plainReads` only, never among the
   * sites (typeId 0, no kind of its own), reported as a direct read (`plainPointer` is set). */
  plainRead?: string;
  /** A direct multi-byte load through a packed record: the BPF backend splits it into byte loads and clang records
   * this relocation twice (the LDX offset of the first byte, the address of the others). */
  unalignedLoad?: boolean;
  /** Runs only when this `const volatile` knob (a .rodata global the loader may set) is set to other than its
   * default: the object as compiled does not run it, so its failures are warnings naming the knob, not errors. */
  knob?: string;
  /** Runs only where these comparisons of the `__kconfig` LINUX_KERNEL_VERSION hold (sites.ts KverCond): the check
   * engine drops the site on a target whose release decides one false, as the verifier prunes that arm there. */
  kver?: { op: '==' | '!=' | '<' | '<=' | '>' | '>='; v: number; when: boolean }[];
  /** clang emits this relocation this many times in this context: the site sits in a fully unrolled loop
   * (`#pragma unroll` over a constant trip count), one copy per iteration. Absent means once. */
  copies?: number;
  /** clang shares this copy's relocation with an earlier one of the same program (its CSE of repeated loads,
   * source/cse.ts): it still relocates and keeps its diagnostics, but it is no record of its own. Every count of
   * relocations skips it. */
  merged?: boolean;
  /** Of `copies`, how many share the record of another copy (an unrolled loop's copies reusing the previous copy's
   * offset, source/cse.ts `alt`): counts of relocations take `copies - mergedCopies`. */
  mergedCopies?: number;
}

/** A member access through a type without preserve_access_index: its offset is baked in by clang, never relocated. */
export interface PlainAccess {
  /** The record as written, e.g. "struct foo" (or its typedef name). */
  typeName: string;
  /** Id of that type in `localBtf()`. */
  typeId: number;
  /** Access string relative to the record, as for a relocation ("0:2", anonymous members expanded). */
  access: string;
  range: Range;
}

export interface Note { range: Range; message: string; severity: 'error' | 'warning' | 'info' }

export interface FunctionInfo {
  name: string;
  /** ELF section: `SEC("...")`, or ".text" for a plugin-style entry point. */
  section?: string;
  static: boolean;
  /** A non-static function without SEC taking a pointer to a preserve_access_index record: a program run by a
   * userspace runtime (bpftime-style plugins); clang places it in ".text". */
  plugin?: boolean;
  range: Range;
  /** Functions (of this document or its headers) it calls; clang inlines static ones: their sites count for this
   * program too, once per call (see `Site.chain`). */
  calls: string[];
  /** How many times each of `calls` is called: every inlined call repeats the callee's sites. */
  callCounts: { [name: string]: number };
}

/** How the last analysis was obtained (for tests and the bench). */
export interface AnalysisStats {
  /** A new type environment was built (document declarations, macros or headers changed, or first analysis). */
  full: boolean;
  functions: number;
  /** Functions typed in this run. */
  analysed: number;
  /** Functions whose cached result was reused. */
  reused: number;
  /** Functions tree-sitter's CO-RE queries found no spot in: not typed. */
  skipped: number;
  /** Sites not inside any query spot (kept: clang emits them; 0 on every fixture). */
  unattributed: number;
  /** Programs whose call contexts were expanded in this run / reused from the previous one (nothing they read changed). */
  programsExpanded?: number;
  programsReused?: number;
}

export interface Analysis {
  uri: string;
  sites: Site[];
  /** plain_reads: loads with no relocation through a pointer that is a plain number to the verifier, per call
   * context as sites are (guards, program, section): what `direct-read` also reports. Not relocations. */
  plainReads: Site[];
  notes: Note[];
  functions: FunctionInfo[];
  plainAccesses: PlainAccess[];
  stats: AnalysisStats;
  /** The local types clang would see, as BTF: `site.typeId` indexes it. */
  localBtf(): Btf;
  /** Whether a macro is defined at the end of the document (its headers included): fixes add the include they need. */
  macroDefined(name: string): boolean;
  /**
   * The __ksym / __kconfig externs clang emits for the document (source/externs.ts), each with its type's id in
   * `localBtf()` (call this before taking localBtf()'s bytes: it may add types). Computed on first call.
   */
  externs(): readonly LocalExtern[];
}

/** An extern clang emits, with its declared type in the analysis' local BTF and its places as ranges. */
export type LocalExtern = SourceExtern & { readonly typeId: number; readonly declRange?: Range; readonly useRange?: Range };

export interface AnalyzeOptions { includePaths?: readonly string[] }

export interface AnalyzerOptions {
  /**
   * `-D` style macros (`NAME` or `NAME=VALUE`), applied after clang's predefined macros for -target bpf. When one
   * names `__TARGET_ARCH_<arch>`, exactly that arch is defined; with none, `__TARGET_ARCH_x86` (the default).
   */
  defines?: readonly string[];
  includePaths?: readonly string[];
  /** Leave out the system include directories clang uses (tests of the no-libbpf fallback). */
  noSystemIncludes?: boolean;
  /** Trees shared with the analyzers of other arches (the language server's): each text is parsed once. */
  trees?: SharedTrees;
  /** Header parses shared with the analyzers of other arches: a header whose text names none of the macros the
   * defines differ in (a bpftool vmlinux.h, libbpf's bpf_helpers.h) is parsed once for all of them. */
  headers?: HeaderCache;
  /** Function typings shared with the analyzers of other arches: a function that reads nothing differing between
   * them is typed once for all (sharedFunctions.ts). */
  functions?: SharedFunctions;
  /** A worker that scans a document's big headers and finds its raw spots while this thread parses (ahead.ts). */
  ahead?: Ahead;
}

export interface ContentChange { range?: Range; text: string }

export interface Analyzer {
  analyze(uri: string, text: string, opts?: AnalyzeOptions): Analysis;
  /** Re-analyses after edits (LSP content changes); without `edits`, `text` is the whole new document. */
  update(uri: string, text: string, edits?: readonly ContentChange[]): Analysis;
  /**
   * The same analyses, awaiting `pause()` between slices of a few milliseconds so the caller's event loop can serve
   * requests meanwhile (the language server's hovers). Async runs of one analyzer are queued, never interleaved;
   * do not call the synchronous ones while an async one is running.
   */
  analyzeAsync(uri: string, text: string, opts: AnalyzeOptions | undefined, pause: () => Promise<void>): Promise<Analysis>;
  updateAsync(uri: string, text: string, pause: () => Promise<void>): Promise<Analysis>;
  close(uri: string): void;
}

/**
 * Every function of the document was typed twice in a first analysis: once as its caller's summary (a program's
 * BPF_PROG wrapper calls its `____name` body, which holds nearly all the program's code) and again as its own unit.
 * The second typing reads the same definition, environment and callee results, so it is the same result, except
 * where the first was shaped by a cut (a recursion or the depth bound left a callee's summary unknown, there or in a
 * result it used): only those are typed again. CORELENS_TYPE_ONCE=0 types every unit again, as before; tests compare.
 */
export const typeOnce = { on: process.env.CORELENS_TYPE_ONCE !== '0', kept: 0, cut: 0 };
/** Results a cut summary shaped (see typeOnce); shared between analyzers with the results themselves. */
const cutResults = new WeakSet<FuncResult>();

/** Longest stretch of function typing between two pauses of an async analysis (ms). */
const SLICE_MS = 4;
/** A monotonic clock in ms for the time slices: process.hrtime, not the global `performance`, whose first use loads
 * Node's perf_hooks (~10 modules, ~2 ms of a one-shot CLI run). */
function now(): number { const t = process.hrtime(); return t[0] * 1e3 + t[1] / 1e6; }


/** One function's cached analysis; offsets are absolute as of `base` (the unit start when computed). */
interface FnEntry {
  base: number;
  def: FuncDef;
  res: FuncResult;
  skipped: boolean;
  unattributed: number;
}

/** The type environment of one version of the document's declarations. */
interface EnvState {
  version: number;
  key: string;
  env: TypeEnv;
  pre: Preprocessor;
  kernelRegs: boolean;
  /** Offset after which no directive appears: functions after it see the final macro state. */
  lastDirective: number;
  /** Per header, the ordinal of the document's include line that brings it in (ParsedFile.includedBy). */
  includedBy?: Map<string, number>;
  /** The incremental path is sound for this environment (every function matched a unit, no missing header...). */
  fastOk: boolean;
  /** Notes outside functions, anchored to the unit they follow (offsets shift with edits before them). */
  notes: { after: number; delta: number; end: number; message: string; severity: Note['severity'] }[];
  builder: LocalBtfBuilder;
  /** Unit text -> the definitions it holds (a libbpf program macro makes two: the wrapper and the body). */
  cache: Map<string, FnEntry[]>;
  /** Function-like/object-like macros that may expand to a CO-RE spot. */
  coreMacro: Map<string, boolean>;
  /** Analyses of header functions (and summaries of any function), per definition. */
  results: Map<FuncDef, FuncResult>;
  /** Files read for this environment, with their stat keys. */
  files: Map<string, string>;
  /** Each program's call-context expansion of the last run, reused while nothing it read changed. */
  contexts: ContextCache;
  /** The public shapes of each cached function entry, valid while its unit starts at the same line and column. */
  shapes: WeakMap<FnEntry, EntryShapes>;
}

/**
 * What one function contributes to an analysis's public lists, as of a unit starting at (line, character). Ranges are
 * line/column positions only, so they are the same whenever the unit's text (a cached entry's is fixed) starts at the
 * same position: typing before a function moves its offsets, not its lines. Kept only for an entry whose offsets all
 * lie inside its unit (a position outside would depend on text the unit does not hold).
 */
interface EntryShapes { line: number; character: number; plain: PlainAccess[]; notes: Note[]; info: FunctionInfo }

interface DocState {
  text: string; tree?: TsTree; includePaths: readonly string[]; last?: Analysis; envs?: EnvState;
  /** The worker was asked for the spots of this text, which this analyzer parsed afresh (ahead.ts). */
  ahead?: boolean;
}

function uriToPath(uri: string): string {
  return uri.startsWith('file:') ? fileURLToPath(uri) : path.resolve(uri);
}

/** Loads tree-sitter and returns an analyzer; analyses are synchronous afterwards. */
export async function createAnalyzer(opts: AnalyzerOptions = {}): Promise<Analyzer> {
  // clang's answers and the parser load side by side: a first open waits for the slower of them only
  const [ts, tc] = await Promise.all([loadCParser(), loadToolchain()]);
  const headers = opts.headers ?? new HeaderCache();
  if (opts.ahead) headers.ahead = opts.ahead;
  const docs = new Map<string, DocState>();
  let versions = 0;
  const defines = effectiveDefines(opts.defines);
  const definesKey = defines.map(([n, v]) => `${n}=${v}`).join(' ');
  const fileLines = new Map<string, { key: string; map: LineMap }>();
  /** This analyzer, as the owner of what it shares (docBodies records). */
  const owner = {};

  const newPre = (): Preprocessor => {
    const pre = new Preprocessor();
    // clang's own predefined macros for -target bpf (no __linux__, no __x86_64__: the target is bpf), then -D
    for (const [n, v] of tc.predefined) pre.define(n, v);
    for (const [n, v] of defines) pre.define(n, v);
    return pre;
  };

  /** Stat keys of headers seen during the current run: one stat per header per analysis, not one per site (an
   * 8,000-line program's thousands of header sites made stat calls a tenth of an edit's time). */
  let statted = new Map<string, string>();
  /** Line map of a header (sites and calls inside it carry header offsets). */
  const linesOf = (file: string): LineMap => {
    let key = statted.get(file);
    if (key === undefined) {
      key = '';
      try { const st = fs.statSync(file); key = `${st.mtimeMs}:${st.size}`; } catch { /* gone */ }
      statted.set(file, key);
    }
    const have = fileLines.get(file);
    if (have && have.key === key) return have.map;
    let text = '';
    try { text = readTextInputSync(file, 'header'); } catch { /* empty: bounded, like every header read */ }
    const map = new LineMap(text);
    fileLines.set(file, { key, map });
    return map;
  };

  /**
   * One analysis as steps: it yields between its phases and every few milliseconds of function typing, so the
   * language server can answer a hover in between (updateAsync); the synchronous API runs the same steps without
   * stopping, so both give the same result by construction.
   */
  function* steps(uri: string, st: DocState): Generator<void, Analysis, void> {
    statted = new Map();
    let slice = now();
    const due = () => now() - slice > SLICE_MS;
    const file = uriToPath(uri);
    if (st.text.length > limitBytes('source')) return tooLarge(uri, st.text);
    const text = st.text;
    const lines = new LineMap(text);
    const rng = (a: number, b: number): Range => ({ start: lines.position(Math.max(0, a)), end: lines.position(Math.max(0, b)) });
    const notes: Note[] = [];
    const units = findUnits(ts, st.tree, text);
    const key = envKey(text, units);
    yield;
    slice = now();
    const stats: AnalysisStats = { full: false, functions: 0, analysed: 0, reused: 0, skipped: 0, unattributed: 0 };
    const includePaths = [...st.includePaths, ...(opts.includePaths ?? []), ...(opts.noSystemIncludes ? [] : tc.includeDirs)];

    // ---- the type environment: reuse it, or build a new version
    let es = st.envs;
    const fast = !!es && es.fastOk && es.key === key && headers.fresh(es.files)
      && units.every((u) => u.env || es!.cache.has(u.text) || u.start > es!.lastDirective);
    let funcsByUnit: Map<Unit, FuncDef[]>;
    if (!fast) {
      stats.full = true;
      const pre = newPre();
      const env = new TypeEnv();
      let parsed: ParsedFile;
      const envNotes: { start: number; end: number; message: string; severity: Note['severity'] }[] = [];
      const tu = newTu(pre, includePaths, definesKey);
      // the document's function bodies, for sharing their preprocessing with the other arches' analyzers
      const bodies: DocBodies | undefined = opts.functions && {
        ranges: bodyRanges(units),
        other: () => opts.functions!.bodyRecord(file, owner),
        keep: (r) => opts.functions!.keepBodies(file, owner, r),
        took: (n) => { opts.functions!.bodyHits += n; },
      };
      // while a header scan the worker runs is not over, this thread finds the spots itself instead of waiting idle
      // (the worker then skips them)
      const ahead = opts.ahead;
      if (ahead && st.ahead) {
        ahead.whileWaiting(() => {
          st.ahead = false;
          ahead.spotsDone(uri);
          const m = opts.trees?.spotsFor(uri, text);
          if (m) for (const u of units) { const k = `${u.node.startIndex}:${u.node.endIndex}`; if (!m.has(k)) m.set(k, rawSpots(ts, u.node, text, 0, true)); }
        });
      }
      try {
        parsed = parseText(text, file, tu, 0, env, headers, bodies);
      } catch (e) {
        envNotes.push({ start: 0, end: 0, message: `${file}: analysis failed: ${(e as Error).message}`, severity: 'error' });
        parsed = { env, funcs: [], notes: [] };
      } finally {
        ahead?.whileWaiting(undefined);
      }
      // the document functions another arch's analyzer parsed to the very same definition are that definition here
      // too, so typings and program expansions naming them can be shared (sharedFunctions.ts adoptDefs)
      if (opts.functions) parsed.funcs = opts.functions.adoptDefs(file, owner, parsed.funcs, env);
      for (const n of parsed.notes) envNotes.push({ start: n.start, end: n.end, message: n.message, severity: /not found/.test(n.message) ? 'warning' : 'info' });
      funcsByUnit = new Map();
      let matched = true;
      // units are sorted and disjoint: a binary search keeps this linear-logarithmic (a linear scan per function
      // made a 4 MB document quadratic)
      const plain = units.filter((x) => !x.env);
      const assigned = new Set<FuncDef>();
      for (const f of parsed.funcs) {
        if (!f.body) continue;
        const u = unitAt(plain, f.end - 1);
        if (!u) { matched = false; continue; }
        const l = funcsByUnit.get(u) ?? [];
        l.push(f);
        funcsByUnit.set(u, l);
        assigned.add(f);
      }
      es = {
        // kernelRegs feeds the built-in fallback for program macros the libbpf headers found do not define (BPF_UPROBE
        // is libbpf >= 1.2; Debian 12 ships 1.1): kernel pt_regs names when vmlinux.h (or __KERNEL__) is in effect
        version: ++versions, key, env, pre, kernelRegs: parsed.kernelRegs ?? (pre.macros.has('__VMLINUX_H__') || pre.macros.has('__KERNEL__')), lastDirective: lastDirective(text),
        ...(parsed.includedBy ? { includedBy: parsed.includedBy } : {}),
        fastOk: matched && pre.openConds === 0 && !parsed.notes.some((n) => /header not found/.test(n.message)),
        notes: envNotes.map((n) => anchorNote(n, plain)),
        builder: new LocalBtfBuilder(), cache: new Map(), coreMacro: new Map(), results: new Map(), files: new Map(tu.files), contexts: new ContextCache(), shapes: new WeakMap(),
      };
      st.envs = es;
      // functions the structure query did not find (macro-generated definitions): typed on every run, unattributed
      // (a function holding directives is one of them: tree-sitter still delimits it, so its CO-RE spots are known)
      const envUnits = units.filter((x) => x.env);
      for (const f of parsed.funcs) {
        if (!f.body || assigned.has(f)) continue;
        const node = envUnits.find((x) => x.start <= f.end - 1 && f.end - 1 < x.end)?.node;
        const fake: Unit = { start: f.start, end: f.end, text: '', node: node ?? (undefined as unknown as TsNode), env: true };
        funcsByUnit.set(fake, [f]);
      }
    } else {
      funcsByUnit = new Map();
    }
    const E = es!;
    if (stats.full) { yield; slice = now(); }
    const plainUnits = units.filter((u) => !u.env);
    for (const n of E.notes) {
      const base = n.after < 0 ? 0 : plainUnits[n.after]?.end ?? 0;
      notes.push({ range: rng(base + n.delta, base + n.delta + n.end), message: n.message, severity: n.severity });
    }
    const syntax = () => syntaxErrors(st);
    for (const e of opts.trees ? opts.trees.syntaxFor(uri, text, syntax) : syntax()) {
      notes.push({ range: rng(e.start, e.end), message: `syntax: missing '${e.type}'`, severity: 'error' });
    }

    // ---- functions: cached, or (re)parsed and typed
    const ordered = [...new Set([...units.filter((u) => !u.env), ...funcsByUnit.keys()])].sort((a, b) => a.start - b.start);
    // first every changed unit is re-parsed (its new definitions must be visible to the callers re-typed below)
    const changed = new Set<string>();
    if (fast) {
      for (const u of ordered) {
        if (u.text && E.cache.has(u.text)) continue;
        const toks = E.pre.run(text, { onInclude: () => undefined }, u.start, u.end).filter((t): t is import('./lexer').Token => !('include' in t));
        const p = new CParser(toks, E.env);
        const defs: FuncDef[] = [];
        while (!p.done) {
          const at = p.i;
          try { p.topLevel((f) => defs.push(f)); } catch { p.skipStatement(); }
          if (p.i === at) p.i++;
        }
        funcsByUnit.set(u, defs);
        for (const f of defs) changed.add(f.name);
      }
      // names whose old definition is gone count as changed too
      const now = new Set(ordered.flatMap((u) => (u.text && E.cache.get(u.text)?.map((e) => e.def.name)) || []));
      for (const [, l] of E.cache) for (const e of l) if (!now.has(e.def.name)) changed.add(e.def.name);
      for (const [d] of E.results) if (changed.has(d.name)) E.results.delete(d);
    }
    const entries: { unit: Unit; e: FnEntry }[] = [];
    const live = new Set<FuncDef>();
    const summaryStack = new Set<FuncDef>();
    /** Results typed (or taken) in this run: a function's own unit keeps one as its typing unless it is cut. */
    const typedNow = new Set<FuncResult>();
    /** Summaries cut so far in this run (a recursion, the depth bound), or cut results used. */
    let cuts = 0;
    const resultOf = (f: FuncDef): FuncResult | undefined => {
      const have = E.results.get(f);
      if (have) {
        if (cutResults.has(have)) cuts++;
        return have;
      }
      if (summaryStack.has(f) || summaryStack.size > 24) { cuts++; return undefined; }
      summaryStack.add(f);
      const cuts0 = cuts;
      try {
        const shared = opts.functions?.take(file, f, E.env, E.kernelRegs, resultOf);
        if (shared) {
          if (cutResults.has(shared)) cuts++;
          E.results.set(f, shared);
          typedNow.add(shared);
          return shared;
        }
        const r = analyzeFunction(f, E.env, { kernelRegs: E.kernelRegs, summaryOf: resultOf });
        if (cuts !== cuts0) cutResults.add(r);
        typedNow.add(r);
        E.results.set(f, r);
        opts.functions?.put(file, f, E.env, E.kernelRegs, r, resultOf);
        return r;
      } finally { summaryStack.delete(f); }
    };
    const keepTyping = (r: FuncResult): boolean => typedNow.has(r) && !cutResults.has(r);
    const newCache = new Map<string, FnEntry[]>();
    const sharedSpots = opts.trees?.spotsFor(uri, text);
    /** The worker's spots of this text, once it answers (never over a key already filled). */
    const aheadSpots = () => {
      const got = st.ahead && sharedSpots ? opts.ahead?.spotsFor(uri, text) : undefined;
      if (!got) return;
      st.ahead = false;
      for (const [k, v] of got) if (!sharedSpots!.has(k)) sharedSpots!.set(k, v);
    };
    aheadSpots();
    for (const u of ordered) {
      if (due()) { yield; slice = now(); aheadSpots(); }
      const hit = u.text ? E.cache.get(u.text) : undefined;
      if (hit && !(stats.full && funcsByUnit.has(u)) && !funcsByUnit.has(u)) {
        const list: FnEntry[] = [];
        for (const h of hit) {
          // a cached function whose callee changed is re-typed (summaries, parameter use, inlined guards)
          let stale = false;
          if (changed.size) for (const n of h.res.deps) if (changed.has(n)) { stale = true; break; }
          // re-typed from the cached definition, whose offsets are those of when it was parsed (`h.base`): rebased
          // like a reused result, never taken as if parsed at the unit's new start
          const e = stale ? analyzeUnit(ts, E, u, h.def, resultOf, h.base, sharedSpots, st.text, keepTyping) : h;
          if (stale) stats.analysed++; else stats.reused++;
          if (!stale) E.results.set(h.def, h.res);
          list.push(e);
          entries.push({ unit: u, e });
          live.add(e.def);
        }
        if (u.text) newCache.set(u.text, list);
        continue;
      }
      const list: FnEntry[] = [];
      for (const f of funcsByUnit.get(u) ?? []) {
        if (!f.body) continue;
        const e = analyzeUnit(ts, E, u, f, resultOf, u.start, sharedSpots, st.text, keepTyping);
        list.push(e);
        entries.push({ unit: u, e });
        live.add(f);
        if (e.skipped) stats.skipped++; else stats.analysed++;
      }
      if (u.text) newCache.set(u.text, list);
    }
    // names of functions that disappeared must not resolve any more (calls, prototypes stay as declared)
    if (fast) for (const [n, f] of [...E.env.funcs]) if (f.body && !live.has(f)) E.env.funcs.delete(n);
    E.cache = newCache;

    yield;
    slice = now();
    // ---- public shapes
    const builder = E.builder;
    const plainAccesses: PlainAccess[] = [];
    const functions: FunctionInfo[] = [];
    const deltaOf = new Map<FuncDef, number>();
    for (const { unit, e } of entries) deltaOf.set(e.def, unit.env ? 0 : unit.start - e.base);
    for (const { unit, e } of entries) {
      stats.unattributed += e.unattributed;
      const at = unit.env ? undefined : lines.position(unit.start);
      const have = at && E.shapes.get(e);
      if (have && have.line === at.line && have.character === at.character) {
        for (const p of have.plain) plainAccesses.push(p);
        for (const n of have.notes) notes.push(n);
        functions.push(have.info);
        continue;
      }
      const d = deltaOf.get(e.def)!;
      const plain = e.res.plain.map((p) => toPlain(p, d, builder, rng));
      const fnNotes: Note[] = e.res.notes.map((n) => ({ range: rng(n.start + d, n.end + d), message: n.message, severity: 'info' }));
      const f = e.def;
      const section = f.section ?? (isPluginDef(f) ? '.text' : undefined);
      const callCounts: { [name: string]: number } = {};
      for (const c of e.res.calls) if (!c.copyOf) callCounts[c.name] = (callCounts[c.name] ?? 0) + 1;
      const info: FunctionInfo = { name: f.name, section, static: f.static, range: rng(f.start + d, f.end + d), calls: Object.keys(callCounts), callCounts };
      (info as FunctionInfo & { cost?: number }).cost = e.res.cost;
      if (section && !f.section) info.plugin = true;
      for (const p of plain) plainAccesses.push(p);
      for (const n of fnNotes) notes.push(n);
      functions.push(info);
      if (at) {
        const inside = (a: number) => a + d >= unit.start && a + d <= unit.end;
        if (inside(f.start) && inside(f.end) && e.res.plain.every((p) => inside(p.start) && inside(p.end)) && e.res.notes.every((n) => inside(n.start) && inside(n.end))) {
          E.shapes.set(e, { line: at.line, character: at.character, plain, notes: fnNotes, info });
        } else E.shapes.delete(e);
      }
    }
    // a non-static definition in a header that is no C99 inline definition (usdt.bpf.h's `__weak __hidden int
    // bpf_usdt_arg(...)`; skbtracer's helpers under `#define INLINE __attribute__((__always_inline__))`: the attribute
    // without the keyword is an external definition) is emitted by clang whether or not a program calls it: a .text
    // subprogram of its own, like the document's (CORELENS_HEADER_EXTERNAL=0: only those with neither)
    const headerRoots: FuncDef[] = [];
    for (const h of E.env.imports) for (const f of h.funcs.values()) if (f.body && f.file && !f.static && !(HEADER_EXTERNAL ? f.inlineDef : f.inline)) headerRoots.push(f);
    yield;
    // the other arches' analyzers' expansions of this very text, taken per program where they come out the same here
    const share: ExpansionShare | undefined = opts.functions && {
      text, from: opts.functions.expansionsOf(file, owner), keep: (x) => opts.functions!.keepExpansions(file, owner, x),
    };
    const inlining = { outlined: new Set<FuncDef>(), reached: new Set<FuncDef>() };
    const plainReads: Site[] = [];
    // a program defined in a header is entered from the document at the include line that brings the header in
    // (the include lines read once per analysis, and only if a header program asks)
    const includedBy = E.includedBy;
    let includes: { start: number; end: number }[] | undefined;
    const includeEntry = includedBy && ((f: string): Range | undefined => {
      const k = includedBy.get(f);
      const r = k === undefined ? undefined : (includes ??= includeLines(text))[k];
      return r && rng(r.start, r.end);
    });
    const sites = contextSites(entries.map((x) => x.e), resultOf, deltaOf, { file, lines, rng, builder, linesOf, inlining, ...(includeEntry ? { includeEntry } : {}) }, headerRoots, E.contexts, share, plainReads);
    stats.functions = entries.length;
    stats.programsExpanded = E.contexts.expanded;
    stats.programsReused = E.contexts.reused;
    let externs: readonly LocalExtern[] | undefined;
    return {
      uri, sites, plainReads, notes, functions, plainAccesses, stats,
      localBtf: () => builder.build(file),
      macroDefined: (name) => E.pre.macros.has(name),
      externs: () => externs ??= externsOf(() => emittedExterns(E.env, [
        ...entries.map(({ e }) => ({ def: e.def, delta: deltaOf.get(e.def) ?? 0, inDocument: !e.def.file })),
        ...E.env.imports.flatMap((h) => [...h.funcs.values()].filter((f) => f.body).map((def) => ({ def, delta: 0, inDocument: false }))),
      ], { clangMajor: clangMajor(E.pre.macros), inlining }).map((x) => ({
        ...x, typeId: builder.idOf(x.type),
        ...(x.decl ? { declRange: rng(x.decl.start, x.decl.end) } : {}), ...(x.use ? { useRange: rng(x.use.start, x.use.end) } : {}),
      }))),
    };
  }

  /** Types one function if tree-sitter's CO-RE query finds a spot in it; attributes each site to its spot. `text`:
   * the document's text as parsed (u.node's offsets are in it). */
  const analyzeUnit = (h: CParserHandle, E: EnvState, u: Unit, f: FuncDef, resultOf: (f: FuncDef) => FuncResult | undefined, base: number, shared: Map<string, RawSpot[]> | undefined, text: string, keep: (r: FuncResult) => boolean = () => false): FnEntry => {
    // `f`'s offsets are those of the text it was parsed from (`base`); tree-sitter's spots are in today's text
    const shift = u.start - base;
    const spots = u.node ? coreSpots(h, E, u.node, text, shared) : undefined;
    // broken functions are always typed: the typer's notes say what cannot be known; a function calling a helper
    // with a body is typed too (its calls carry the helper's sites into this program)
    const callsHelper = spots && spots.length === 0 && (f.body ?? []).some((t, i, a) => a[i + 1]?.s === '(' && !!E.env.func(t.s)?.body);
    // so is one initialising a local with a brace list (`T v = { .a = x }`: a record with preserve_access_index
    // stores each member through a relocated address, sites.ts initPlan), which core.scm has no spot for
    const initList = INIT_STORES && spots && spots.length === 0 && (f.body ?? []).some((t, i, a) => t.s === '=' && a[i + 1]?.s === '{');
    if (spots && spots.length === 0 && !u.node.hasError && !callsHelper && !initList) {
      const res: FuncResult = { sites: [], plain: [], notes: [], calls: [], deps: new Set() };
      E.results.set(f, res);
      return { base, def: f, res, skipped: true, unattributed: 0 };
    }
    // a typing this run already made (as a caller's summary) and no cut summary shaped is this function's own
    // typing: typed again, it comes out the same (TYPE_ONCE)
    const have = E.results.get(f);
    if (typeOnce.on && have && keep(have)) typeOnce.kept++;
    else {
      if (have && cutResults.has(have)) typeOnce.cut++;
      E.results.delete(f);
    }
    const res = resultOf(f) ?? analyzeFunction(f, E.env, { kernelRegs: E.kernelRegs });
    let unattributed = spots ? 0 : res.sites.length;
    if (spots) {
      for (const s of res.sites) {
        // the site's range (the accessor as written; a whole macro invocation when the accessor came through a
        // macro argument) must meet a spot, or the invocation clang attributes the instruction to must lie in one
        const meets = (a: number, b: number) => spots.some((p) => p.start <= b && a <= p.end);
        if (!meets(s.start + shift, s.end + shift) && !(s.expStart !== undefined && meets(s.expStart + shift, s.expStart + shift))) unattributed++;
      }
    }
    return { base, def: f, res, skipped: false, unattributed };
  };

  /** Spots of core.scm inside a function, keeping calls/names only when they are macros that may expand to CO-RE.
   * The raw captures come from `spots` (another arch's query of the same text) when it has them. */
  const coreSpots = (h: CParserHandle, E: EnvState, node: TsNode, text: string, spots?: Map<string, RawSpot[]>): { start: number; end: number }[] => {
    const key = spots ? `${node.startIndex}:${node.endIndex}` : '';
    let raw = spots?.get(key);
    if (!raw) {
      raw = rawSpots(h, node, text, 0, true);
      spots?.set(key, raw);
    }
    const out: { start: number; end: number }[] = [];
    for (let k = 0; k < raw.length; k++) {
      let c: RawSpot | undefined = raw[k]!;
      if (c.text !== undefined && !macroMayCore(E, c.text, 0)) continue;
      // a word the scan left for the tree: looked up only now that its name is a macro that may be CO-RE
      if (c.name === 'core.word' && !(c = resolveWord(node, c))) continue;
      out.push({ start: c.start, end: c.end });
    }
    return out;
  };

  function* analyzeSteps(uri: string, text: string, aopts: AnalyzeOptions): Generator<void, Analysis, void> {
    const st: DocState = { text, includePaths: aopts.includePaths ?? docs.get(uri)?.includePaths ?? [] };
    if (opts.ahead && text.length <= limitBytes('source') && !opts.trees?.has(uri, text)) {
      // a text nobody parsed yet: the worker scans its big headers and finds its spots while this thread parses it
      // (the spots only beside a shared-tree map to put them in)
      opts.ahead.request(uri, uriToPath(uri), text, [...st.includePaths, ...(opts.includePaths ?? []), ...(opts.noSystemIncludes ? [] : tc.includeDirs)], !!opts.trees);
      st.ahead = !!opts.trees;
    }
    const tree = text.length > limitBytes('source') ? undefined : parseShared(uri, text);
    if (tree) st.tree = tree;
    docs.get(uri)?.tree?.delete();
    docs.set(uri, st);
    yield;
    st.last = yield* steps(uri, st);
    return st.last;
  }
  function* updateSteps(uri: string, text: string, edits?: readonly ContentChange[]): Generator<void, Analysis, void> {
    const st = docs.get(uri);
    if (!st) return yield* analyzeSteps(uri, text, {});
    // the worker's spots are of a fresh parse: never for a tree an edit made (even of the same text again)
    st.ahead = false;
    opts.ahead?.forget(uri);
    let cur = st.text;
    if (edits && edits.length && st.tree) {
      for (const e of edits) {
        if (!e.range) { cur = e.text; st.tree.delete(); st.tree = undefined; break; }
        const ed = toEdit(cur, e.range.start, e.range.end, e.text);
        st.tree.edit(ed);
        cur = ed.text;
      }
    } else if (st.tree && text !== cur && !opts.trees?.has(uri, text)) {
      // whole new text (what most clients send): one edit spanning the changed middle keeps the old tree useful (not
      // needed when another arch's analyzer parsed this text already: parseShared takes a copy of its tree)
      st.tree.edit(diffEdit(cur, text));
      cur = text;
    } else cur = text;
    st.text = cur;
    const tree = st.text.length > limitBytes('source') ? undefined : parseShared(uri, st.text, st.tree);
    st.tree?.delete();
    st.tree = tree ?? undefined;
    yield;
    st.last = yield* steps(uri, st);
    return st.last;
  }
  /** Runs steps to the end without stopping (the synchronous API). */
  const drain = (g: Generator<void, Analysis, void>): Analysis => {
    for (;;) { const r = g.next(); if (r.done) return r.value; }
  };
  /** Async runs of this analyzer, one at a time (each reads and writes the documents' state between its pauses). */
  let queue: Promise<unknown> = Promise.resolve();
  let inFlight = 0;
  const stepAsync = (make: () => Generator<void, Analysis, void>, pause: () => Promise<void>): Promise<Analysis> => {
    inFlight++;
    const job = queue.then(async () => {
      const g = make();
      for (;;) { const r = g.next(); if (r.done) return r.value; await pause(); }
    }).finally(() => { inFlight--; });
    queue = job.catch(() => undefined);
    return job;
  };
  const closeNow = (uri: string) => {
    docs.get(uri)?.tree?.delete();
    docs.delete(uri);
    opts.trees?.close(uri);
    opts.functions?.close(uriToPath(uri));
    opts.ahead?.forget(uri);
  };

  const self: Analyzer = {
    analyze: (uri, text, aopts = {}) => drain(analyzeSteps(uri, text, aopts)),
    update: (uri, text, edits) => drain(updateSteps(uri, text, edits)),
    analyzeAsync: (uri, text, aopts, pause) => stepAsync(() => analyzeSteps(uri, text, aopts ?? {}), pause),
    updateAsync: (uri, text, pause) => stepAsync(() => updateSteps(uri, text, undefined), pause),
    close(uri) {
      // an async run may be using the document's tree between its pauses: closed after it
      if (inFlight > 0) queue = queue.then(() => closeNow(uri));
      else closeNow(uri);
    },
  };
  /** The tree of `text`: another arch's analyzer may have parsed this very text already (a copy of its tree). */
  function parseShared(uri: string, text: string, old?: TsTree): TsTree | undefined {
    const have = opts.trees?.take(uri, text);
    if (have) return have;
    const tree = ts.parser.parse(text, old ?? null) ?? undefined;
    if (tree) opts.trees?.put(uri, text, tree);
    return tree;
  }
  return self;
}

/** The clang version the predefined macros name (`__clang_major__`: the toolchain's clang, or the fallback's 14). */
function clangMajor(macros: ReadonlyMap<string, Macro>): number | undefined {
  const v = macros.get('__clang_major__')?.body[0]?.s;
  const n = v === undefined ? NaN : Number.parseInt(v, 10);
  return Number.isFinite(n) ? n : undefined;
}

/** The externs, or none when their walk fails on a document it cannot read (the analysis' notes say why): a check
 * or an editor must go on, not stop on a malformed program. */
function externsOf(walk: () => LocalExtern[]): LocalExtern[] {
  try {
    return walk();
  } catch {
    return [];
  }
}

/** A document over the source cap is not analysed (memory grows with its size): one note says why and how to raise it. */
function tooLarge(uri: string, text: string): Analysis {
  const lines = new LineMap(text);
  const end = lines.position(Math.min(text.length, 1));
  return {
    uri, sites: [], plainReads: [], functions: [], plainAccesses: [],
    notes: [{ range: { start: { line: 0, character: 0 }, end }, severity: 'warning', message: `not analysed: the ${overLimitMessage('source', text.length, 'document')}` }],
    stats: { full: true, functions: 0, analysed: 0, reused: 0, skipped: 0, unattributed: 0 },
    localBtf: () => new LocalBtfBuilder().build(uriToPath(uri)),
    macroDefined: () => false,
    externs: () => [],
  };
}

/** The interiors (between the braces) of the units' function bodies, sorted: what docBodies may share. A unit holding
 * directives is left out (its text changes the macro state). */
function bodyRanges(units: Unit[]): { start: number; end: number }[] {
  const out: { start: number; end: number }[] = [];
  for (const u of units) {
    if (u.env) continue;
    const b = u.node.childForFieldName('body');
    if (b && b.type === 'compound_statement' && b.endIndex - b.startIndex >= 2) out.push({ start: b.startIndex + 1, end: b.endIndex - 1 });
  }
  return out;
}


/** The environment's identity: the text outside (non-directive) function definitions, with a marker per unit.
 * Blank lines and indentation do not change declarations (a line break still ends a directive), so adding an empty
 * line between two functions keeps the environment. */
function envKey(text: string, units: Unit[]): string {
  const parts: string[] = [];
  let at = 0;
  const norm = (t: string) => t.replace(/[ \t]*\n\s*/g, '\n').replace(/[ \t]+/g, ' ');
  for (const u of units) {
    if (u.env) continue;
    parts.push(norm(text.slice(at, u.start)));
    at = u.end;
  }
  parts.push(norm(text.slice(at)));
  return parts.join('\u0000');
}

function lastDirective(text: string): number {
  let last = -1;
  for (const m of text.matchAll(/^[ \t]*#/gm)) last = m.index ?? last;
  return last;
}

/** The unit containing offset `at`, by binary search over sorted, disjoint units. */
function unitAt(units: Unit[], at: number): Unit | undefined {
  let lo = 0;
  let hi = units.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const u = units[mid]!;
    if (at < u.start) hi = mid - 1;
    else if (at >= u.end) lo = mid + 1;
    else return u;
  }
  return undefined;
}

/** Anchors an offset to the (non-directive) unit it follows, so the note moves with edits inside earlier functions.
 * `units` are the sorted, disjoint non-directive units (binary search: notes × units was quadratic). */
function anchorNote(n: { start: number; end: number; message: string; severity: Note['severity'] }, units: Unit[]) {
  let lo = 0;
  let hi = units.length - 1;
  let after = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (units[mid]!.end <= n.start) { after = mid; lo = mid + 1; } else hi = mid - 1;
  }
  const base = after < 0 ? 0 : units[after]!.end;
  return { after, delta: n.start - base, end: Math.max(0, n.end - n.start), message: n.message, severity: n.severity };
}

/** Is this macro (transitively) able to expand to a member access or a CO-RE macro/builtin? */
function macroMayCore(E: EnvState, name: string, depth: number): boolean {
  const have = E.coreMacro.get(name);
  if (have !== undefined) return have;
  const m = E.pre.macros.get(name);
  if (!m || depth > 16) return false;
  E.coreMacro.set(name, false);
  // a macro calling one of its parameters (an X-macro list, `LIST(X)`) becomes whatever its argument is: the
  // argument may be a macro #undef'd since (a function-local `#define X`), so assume it may be CO-RE
  const params = m.params;
  const callsParam = !!params && m.body.some((t, i) => t.t === Tk.Ident && params.includes(t.s) && m.body[i + 1]?.s === '(');
  const yes = callsParam || m.body.some((t) => t.s === '->' || t.s === '.'
    || (t.t === Tk.Ident && (/^(BPF_CORE_|bpf_core_|__builtin_(preserve|btf))/.test(t.s) || (t.s !== name && macroMayCore(E, t.s, depth + 1)))));
  E.coreMacro.set(name, yes);
  return yes;
}


function toPlain(p: RawPlain, d: number, builder: LocalBtfBuilder, rng: (a: number, b: number) => Range): PlainAccess {
  return { typeName: spell(p.root), typeId: builder.idOf(p.root), access: p.access.join(':'), range: rng(p.start + d, p.end + d) };
}

/** One tree-sitter edit covering what differs between two texts (common prefix and suffix kept). */
function diffEdit(a: string, b: string): object {
  let s = 0;
  const n = Math.min(a.length, b.length);
  while (s < n && a.charCodeAt(s) === b.charCodeAt(s)) s++;
  let e = 0;
  while (e < n - s && a.charCodeAt(a.length - 1 - e) === b.charCodeAt(b.length - 1 - e)) e++;
  const la = new LineMap(a);
  const start = la.position(s);
  const end = la.position(a.length - e);
  return toEdit(a, start, end, b.slice(s, b.length - e));
}

/** Tree-sitter syntax errors that matter to clang too: missing tokens (unbalanced braces, parentheses). */
function syntaxErrors(st: DocState): RawSyntax[] {
  const out: RawSyntax[] = [];
  const root = st.tree?.rootNode;
  if (!root || !root.hasError) return out;
  const walk = (node: TsNode) => {
    if (out.length > 20) return;
    if (node.isMissing && ['}', ')', ']'].includes(node.type)) {
      out.push({ start: node.startIndex, end: node.endIndex, type: node.type });
      return;
    }
    if (!node.hasError) return;
    for (const c of node.children) walk(c);
  };
  walk(root);
  return out;
}
