// web-tree-sitter with the committed C grammar: one-time init, incremental re-parse, structure queries.

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
}
export interface TsTree { rootNode: TsNode; edit(e: object): void; copy(): TsTree; delete(): void }
interface TsParser { parse(text: string, old?: TsTree | null): TsTree | null }
type TsLanguage = object;
interface TsQuery { captures(n: TsNode): { name: string; node: TsNode }[] }

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
  structure: TsQuery;
}

let loading: Promise<CParserHandle> | undefined;

/** Loads the wasm runtime and grammar once per process. */
export function loadCParser(): Promise<CParserHandle> {
  loading ??= (async () => {
    await TS.Parser.init();
    const dir = grammarsDir();
    const language = await TS.Language.load(path.join(dir, 'tree-sitter-c.wasm'));
    const parser = new TS.Parser();
    parser.setLanguage(language);
    const structure = new TS.Query(language, fs.readFileSync(path.join(dir, 'queries', 'structure.scm'), 'utf8'));
    return { parser, language, structure };
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
