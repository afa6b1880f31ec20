// The tree-sitter tree of each document's latest text, shared by the analyzers of several arches: tree-sitter parses
// unexpanded text, so the tree does not depend on the defines (__TARGET_ARCH_*), and parsing an 8,000-line program
// once per arch on every keystroke was a sixth of an edit's time.

import { TsTree } from './parser';

/** A CO-RE query capture inside one function, before the arch's macro table filters calls and names. */
export interface RawSpot {
  name: string;
  /** The captured identifier (calls and names: the macro table decides whether they are spots). */
  text?: string;
  start: number;
  end: number;
}

/** A syntax error clang rejects too (a missing closing token), by offsets. */
export interface RawSyntax { start: number; end: number; type: string }

/** Latest parse per document; whoever parses a text first lends copies (ts_tree_copy: shared, reference-counted). */
export class SharedTrees {
  private readonly docs = new Map<string, { text: string; tree: TsTree; spots: Map<string, RawSpot[]>; syntax?: RawSyntax[] }>();
  /** Parses served from another analyzer's work (tests, bench). */
  hits = 0;

  /** A copy (the caller owns and deletes it) of the tree of exactly `text`, if another analyzer parsed it. */
  take(uri: string, text: string): TsTree | undefined {
    const d = this.docs.get(uri);
    if (!d || d.text !== text) return undefined;
    this.hits++;
    return d.tree.copy();
  }

  /** Whether `take` would lend a tree of exactly `text`. */
  has(uri: string, text: string): boolean {
    return this.docs.get(uri)?.text === text;
  }

  /** Records the caller's fresh parse of `text` (a copy is kept; the caller keeps its own tree). */
  put(uri: string, text: string, tree: TsTree): void {
    this.docs.get(uri)?.tree.delete();
    this.docs.set(uri, { text, tree: tree.copy(), spots: new Map() });
  }

  /** The CO-RE query's captures per function of exactly `text` (by the function node's span), filled by whichever
   * analyzer queries a function first: the query reads unexpanded text, so they do not depend on the defines (the
   * query over every identifier of every function was a sixth of a first analysis, per arch). */
  spotsFor(uri: string, text: string): Map<string, RawSpot[]> | undefined {
    const d = this.docs.get(uri);
    return d && d.text === text ? d.spots : undefined;
  }

  /** The syntax errors of exactly `text`, found by `find` once for every arch (a walk of the error paths). */
  syntaxFor(uri: string, text: string, find: () => RawSyntax[]): RawSyntax[] {
    const d = this.docs.get(uri);
    if (!d || d.text !== text) return find();
    return (d.syntax ??= find());
  }

  close(uri: string): void {
    this.docs.get(uri)?.tree.delete();
    this.docs.delete(uri);
  }
}
