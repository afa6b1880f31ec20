// The tokenizer's block-comment end (lexer.ts commentEnd, a regular-expression search) equals the character loop it
// replaced: on random texts of `*`, `/` and other characters at every start and bound, and from every comment opener
// of libbpf's comment-heavy headers.

import * as assert from 'assert';
import * as fs from 'fs';
import { commentEnd, tokenize } from '../../src/source/lexer';

/** The loop commentEnd was (the reference). */
function loopEnd(s: string, from: number, to: number): number {
  for (let i = from; i < to; i++) if (s.charCodeAt(i) === 42 && s.charCodeAt(i + 1) === 47) return i + 2;
  return to;
}

describe('lexer: block-comment end', () => {
  it('equals the character loop at every start and bound of random texts', () => {
    let seed = 7;
    const rnd = (k: number) => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed % k; };
    const alphabet = ['*', '/', 'a', '\n', '*', '/', '\u00e9'];
    let checked = 0;
    for (let n = 0; n < 400; n++) {
      const len = rnd(40);
      let s = '';
      for (let i = 0; i < len; i++) s += alphabet[rnd(alphabet.length)];
      for (let from = 0; from <= len; from++) {
        for (let to = from; to <= len; to++) {
          assert.strictEqual(commentEnd(s, from, to), loopEnd(s, from, to), `${JSON.stringify(s)} from ${from} to ${to}`);
          checked++;
        }
      }
    }
    assert.ok(checked > 50_000, `${checked} cases`);
  });

  it('equals it from every comment opener of libbpf\'s headers (their doc comments are most of their text), to the end and to a bound inside', () => {
    const dir = '/usr/include/bpf';
    const files = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.h')) : [];
    assert.ok(files.includes('bpf_helper_defs.h'), 'libbpf headers installed');
    let openers = 0;
    for (const f of files) {
      const text = fs.readFileSync(`${dir}/${f}`, 'utf8');
      for (let i = text.indexOf('/*'); i >= 0; i = text.indexOf('/*', i + 1)) {
        openers++;
        for (const to of [text.length, Math.min(text.length, i + 2 + ((i * 31) % 400))]) assert.strictEqual(commentEnd(text, i + 2, to), loopEnd(text, i + 2, to), `${f}:${i} to ${to}`);
      }
      assert.ok(tokenize(text).length > 0, f);
    }
    assert.ok(openers > 200, `${openers} comment openers`);
  });
});
