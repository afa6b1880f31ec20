// One random keystroke in a tree-sitter document, re-parsed incrementally as the language server does: what the
// incremental tests (units, CO-RE spots) replay from a seed.

import { CParserHandle, TsTree, toEdit } from '../../src/source/parser';
import { Prng } from './prng';

/**
 * Types one of `alphabet` at a random place of `text` (the empty string: deletes a character; otherwise it replaces
 * one 30% of the time), edits `tree` and parses again from it; the old tree is deleted. `at` names the place.
 */
export function randomKeystroke(h: CParserHandle, tree: TsTree, text: string, rnd: Prng, alphabet: readonly string[]): { tree: TsTree; text: string; at: string } {
  const lines = text.split('\n');
  const line = rnd.int(lines.length);
  const character = rnd.int(lines[line]!.length + 1);
  const ins = rnd.pick(alphabet);
  const del = ins === '' || rnd.next() < 0.3 ? 1 : 0;
  const end = { line, character: Math.min(lines[line]!.length, character + del) };
  const ed = toEdit(text, { line, character }, end, ins);
  tree.edit(ed);
  const next = h.parser.parse(ed.text, tree)!;
  tree.delete();
  return { tree: next, text: ed.text, at: `${line}:${character}` };
}
