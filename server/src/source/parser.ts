// web-tree-sitter with the committed C grammar: one-time init, incremental re-parse, the structure and CO-RE queries.

import * as fs from 'fs';
import * as path from 'path';
// eslint-disable-next-line @typescript-eslint/no-require-imports
// The package's typings need DOM/WebAssembly libs this project does not compile with: use the minimal shapes below.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const TS = require('web-tree-sitter') as any;

export interface TsPoint { row: number; column: number }
export interface TsNode {
  type: string; startIndex: number; endIndex: number; startPosition: TsPoint; endPosition: TsPoint;
  hasError: boolean; isMissing: boolean; text: string; childCount: number; children: TsNode[];
  parent: TsNode | null; previousSibling: TsNode | null; id: number; childForFieldName(name: string): TsNode | null;
  descendantForIndex(start: number, end?: number): TsNode; namedDescendantForIndex(start: number, end?: number): TsNode;
}
/** A walk over a tree that reads types and ids without making node objects (see analyzer.ts findUnits). */
export interface TsCursor {
  nodeType: string; nodeId: number; currentNode: TsNode;
  gotoFirstChild(): boolean; gotoNextSibling(): boolean; gotoParent(): boolean; delete(): void;
}
export interface TsTree { rootNode: TsNode; edit(e: object): void; copy(): TsTree; delete(): void; walk(): TsCursor }
interface TsParser { parse(text: string, old?: TsTree | null): TsTree | null }
type TsLanguage = object;
export interface TsQuery { captures(n: TsNode, opts?: { startIndex?: number; endIndex?: number }): { name: string; node: TsNode }[] }

/** Repo root: out/src/source -> ../../../.. ; src/source -> ../../.. (ts-node). */
function grammarsDir(): string {
  for (const up of ['../../../..', '../../..', '../..']) {
    const d = path.resolve(__dirname, up, 'grammars');
    if (fs.existsSync(path.join(d, 'tree-sitter-c.wasm'))) return d;
  }
  return path.resolve(__dirname, '../../../../grammars');
}

export interface CParserHandle {
  parser: TsParser;
  language: TsLanguage;
  /** grammars/queries/structure.scm: functions, SEC statements, syntax errors. */
  structure: TsQuery;
  /** grammars/queries/core.scm: the spots inside a function where clang may emit CO-RE relocations. Its patterns
   * that are an identifier filtered by a `#match?` are left out and answered by `coreIdents` (see coreQuery).
   * Compiled on first use (see loadCParser). */
  readonly core: TsQuery;
  /** core.scm's identifier patterns: each identifier whose text a regex matches is a capture of that name. */
  coreIdents: [string, RegExp][];
  /** The source `core` was compiled from (spots.ts answers the patterns it knows without running the query). */
  coreSource: string;
}

/**
 * core.scm without its `((identifier) @name (#match? @name "re"))` patterns, and those patterns as regexes:
 * web-tree-sitter applies `#match?` in JavaScript after building a node object for every identifier each such pattern
 * matches, which made the query a sixth of a first analysis. spots.ts finds those identifiers by scanning the text
 * instead (the same captures: each identifier, for each name whose regex its text matches).
 */
export function coreQuery(src: string): { source: string; idents: [string, RegExp][] } {
  const re = /\(\(identifier\) @([\w.]+)\s*\(#match\? @\1 "([^"\\]*)"\)\)/g;
  const idents: [string, RegExp][] = [];
  for (const m of src.matchAll(re)) idents.push([m[1]!, new RegExp(m[2]!)]);
  return { source: src.replace(re, ''), idents };
}

/** Compiles a query for the C grammar (the spot test compiles the full core.scm it compares with). */
export function compileQuery(h: CParserHandle, source: string): TsQuery {
  return new TS.Query(h.language, source) as TsQuery;
}

let loading: Promise<CParserHandle> | undefined;

/** How many times core.scm's query was compiled (on first use: tests check a run that needs none makes none). */
export const parserStats = { coreCompiled: 0 };

/** Loads the wasm runtime and grammar once per process. */
export function loadCParser(): Promise<CParserHandle> {
  loading ??= (async () => {
    await TS.Parser.init();
    const dir = grammarsDir();
    // the bytes, not the path: given a path, web-tree-sitter reads it through `import("fs/promises")`, which starts
    // Node's ES module loader (~20 modules) in a CLI process that has no other use for it
    const language = await TS.Language.load(fs.readFileSync(path.join(dir, 'tree-sitter-c.wasm')));
    const parser = new TS.Parser();
    parser.setLanguage(language);
    const read = (name: string) => fs.readFileSync(path.join(dir, 'queries', name), 'utf8');
    const core = coreQuery(read('core.scm'));
    // structure.scm compiled on first use: the analysis walks units with a cursor and never asks for it, and a
    // query's compile is ~10-15 ms of a cold CLI run (wasm code running for the first time)
    let structure: TsQuery | undefined;
    // core.scm's too: spots.ts answers its patterns by a scan of the text and asks the query only for a function
    // whose tree has a MISSING token or when core.scm is not the one the scan knows, so a run over code without
    // those never needs it (its compile was ~6 ms of every `corelens sites` run)
    let coreQ: TsQuery | undefined;
    return {
      parser, language, coreIdents: core.idents, coreSource: core.source,
      get core(): TsQuery { if (!coreQ) { coreQ = new TS.Query(language, core.source) as TsQuery; parserStats.coreCompiled++; } return coreQ; },
      get structure(): TsQuery { return structure ??= new TS.Query(language, read('structure.scm')) as TsQuery; },
    };
  })();
  return loading;
}

/** A tree-sitter edit from an LSP-style change applied to `old` text. */
export function toEdit(old: string, start: { line: number; character: number }, end: { line: number; character: number }, newText: string) {
  const off = (p: { line: number; character: number }) => {
    let o = 0;
    for (let l = 0; l < p.line; l++) { const n = old.indexOf('\n', o); if (n < 0) return old.length; o = n + 1; }
    return Math.min(o + p.character, old.length);
  };
  const startIndex = off(start);
  const oldEndIndex = off(end);
  const newEndIndex = startIndex + newText.length;
  const lines = newText.split('\n');
  const newEndPosition = lines.length === 1
    ? { row: start.line, column: start.character + newText.length }
    : { row: start.line + lines.length - 1, column: lines[lines.length - 1]!.length };
  return {
    startIndex, oldEndIndex, newEndIndex,
    startPosition: { row: start.line, column: start.character },
    oldEndPosition: { row: end.line, column: end.character },
    newEndPosition,
    text: old.slice(0, startIndex) + newText + old.slice(oldEndIndex),
  };
}
