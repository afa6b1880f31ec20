// Live analysis of a BPF C document: the public API (createAnalyzer / analyze / update) the server and CLI use.

import * as path from 'path';
import { fileURLToPath } from 'url';
import { Btf } from '../btf/reader';
import { ReloKind } from '../core/kinds';
import { FuncDef, TypeEnv } from './cparse';
import { CType, spell } from './ctypes';
import { LineMap } from './lexer';
import { HeaderCache, LocalBtfBuilder, parseText } from './localTypes';
import { loadCParser, toEdit, TsTree, CParserHandle } from './parser';
import { Preprocessor } from './preproc';
import { RawSite, analyzeFunction } from './sites';

export interface Position { line: number; character: number }
export interface Range { start: Position; end: Position }

export interface Guard {
  kind: ReloKind;
  typeId: number;
  localType: string;
  access: string;
  /** The site runs only when the check is nonzero (true) or zero (false). */
  when: boolean;
  range: Range;
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
  guards: Guard[];
}

export interface Note { range: Range; message: string; severity: 'error' | 'warning' | 'info' }

export interface FunctionInfo {
  name: string;
  section?: string;
  static: boolean;
  range: Range;
  /** Functions of this document it calls (clang inlines static ones: their sites count for this program too). */
  calls: string[];
}

export interface Analysis {
  uri: string;
  sites: Site[];
  notes: Note[];
  functions: FunctionInfo[];
  /** The local types clang would see, as BTF: `site.typeId` indexes it. */
  localBtf(): Btf;
}

export interface AnalyzeOptions { includePaths?: readonly string[] }

export interface AnalyzerOptions {
  /** Extra `-D` style macros (name or name=value); `__TARGET_ARCH_x86` is defined by default. */
  defines?: readonly string[];
  includePaths?: readonly string[];
}

export interface ContentChange { range?: Range; text: string }

export interface Analyzer {
  analyze(uri: string, text: string, opts?: AnalyzeOptions): Analysis;
  /** Re-analyses after edits (LSP content changes); without `edits`, `text` is the whole new document. */
  update(uri: string, text: string, edits?: readonly ContentChange[]): Analysis;
  close(uri: string): void;
}

interface DocState { text: string; tree?: TsTree; includePaths: readonly string[]; last?: Analysis }

function uriToPath(uri: string): string {
  return uri.startsWith('file:') ? fileURLToPath(uri) : path.resolve(uri);
}

/** Loads tree-sitter and returns an analyzer; analyses are synchronous afterwards. */
export async function createAnalyzer(opts: AnalyzerOptions = {}): Promise<Analyzer> {
  const ts = await loadCParser();
  const headers = new HeaderCache();
  const docs = new Map<string, DocState>();

  const run = (uri: string, st: DocState): Analysis => {
    const file = uriToPath(uri);
    const text = st.text;
    const lines = new LineMap(text);
    const rng = (a: number, b: number): Range => ({ start: lines.position(Math.max(0, a)), end: lines.position(Math.max(0, b)) });
    const notes: Note[] = [];
    const pre = new Preprocessor();
    for (const d of ['__TARGET_ARCH_x86', ...(opts.defines ?? [])]) {
      const [n, v] = d.split('=');
      pre.define(n!, v ?? '1');
    }
    for (const d of ['__bpf__', '__BPF__', '__BPF_TRACING__', '__clang__', '__linux__']) pre.define(d);
    pre.define('__BYTE_ORDER__', '1234');
    pre.define('__ORDER_LITTLE_ENDIAN__', '1234');
    pre.define('__ORDER_BIG_ENDIAN__', '4321');
    pre.define('NULL', '((void *)0)');
    const env = new TypeEnv();
    let parsed;
    try {
      parsed = parseText(text, file, pre, headers, [...st.includePaths, ...(opts.includePaths ?? [])], 0, env);
    } catch (e) {
      notes.push({ range: rng(0, 0), message: `${file}: analysis failed: ${(e as Error).message}`, severity: 'error' });
      parsed = { env, funcs: [] as FuncDef[], notes: [] };
    }
    for (const n of parsed.notes) notes.push({ range: rng(n.start, n.end), message: n.message, severity: /not found/.test(n.message) ? 'warning' : 'info' });
    syntaxNotes(ts, st, text, rng, notes);

    const builder = new LocalBtfBuilder();
    const sites: Site[] = [];
    const functions: FunctionInfo[] = [];
    const checkIds = new Map<RawSite, Site>();
    const toSite = (r: RawSite): Site => {
      const have = checkIds.get(r);
      if (have) return have;
      const s: Site = {
        kind: r.kind, typeId: builder.idOf(r.root), localType: spell(r.root as CType), access: r.access.join(':'),
        range: rng(r.start, r.end), line: lines.position(r.expStart ?? r.start).line, func: r.func, guards: [],
      };
      checkIds.set(r, s);
      s.guards = r.guards.map((g) => {
        const c = toSite(g.check);
        return { kind: c.kind, typeId: c.typeId, localType: c.localType, access: c.access, when: g.when, range: c.range };
      });
      return s;
    };
    for (const f of parsed.funcs) {
      if (!f.body) continue;
      const r = analyzeFunction(f, env, { kernelRegs: parsed.kernelRegs ?? false });
      for (const n of r.notes) notes.push({ range: rng(n.start, n.end), message: n.message, severity: 'info' });
      for (const s of r.sites) sites.push(toSite(s));
      functions.push({ name: f.name, section: f.section, static: f.static, range: rng(f.start, f.end), calls: [...new Set(r.calls)] });
    }
    let btf: Btf | undefined;
    return {
      uri, sites, notes, functions,
      localBtf: () => (btf ??= builder.build(file)),
    };
  };

  const self: Analyzer = {
    analyze(uri, text, aopts = {}) {
      const st: DocState = { text, includePaths: aopts.includePaths ?? docs.get(uri)?.includePaths ?? [] };
      const tree = ts.parser.parse(text);
      if (tree) st.tree = tree;
      docs.get(uri)?.tree?.delete();
      docs.set(uri, st);
      st.last = run(uri, st);
      return st.last;
    },
    update(uri, text, edits) {
      const st = docs.get(uri);
      if (!st) return self.analyze(uri, text);
      let cur = st.text;
      if (edits && edits.length && st.tree) {
        for (const e of edits) {
          if (!e.range) { cur = e.text; st.tree.delete(); st.tree = undefined; break; }
          const ed = toEdit(cur, e.range.start, e.range.end, e.text);
          st.tree.edit(ed);
          cur = ed.text;
        }
      } else cur = text;
      st.text = edits?.length ? cur : text;
      const tree = ts.parser.parse(st.text, st.tree ?? null);
      st.tree?.delete();
      st.tree = tree ?? undefined;
      st.last = run(uri, st);
      return st.last;
    },
    close(uri) {
      docs.get(uri)?.tree?.delete();
      docs.delete(uri);
    },
  };
  return self;
}

/** Tree-sitter syntax errors that matter to clang too: missing tokens (unbalanced braces, parentheses). */
function syntaxNotes(ts: CParserHandle, st: DocState, text: string, rng: (a: number, b: number) => Range, notes: Note[]): void {
  const root = st.tree?.rootNode;
  if (!root || !root.hasError) return;
  let n = 0;
  const walk = (node: import('./parser').TsNode) => {
    if (n > 20) return;
    if (node.isMissing && ['}', ')', ']'].includes(node.type)) {
      notes.push({ range: rng(node.startIndex, node.endIndex), message: `syntax: missing '${node.type}'`, severity: 'error' });
      n++;
      return;
    }
    if (!node.hasError) return;
    for (const c of node.children) walk(c);
  };
  walk(root);
  void ts;
  void text;
}
