// Incremental call contexts: after random edits inside functions, the analyzer's update (which re-expands only the
// programs whose call tree changed) must give exactly the sites of a fresh analysis of the same text.

import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Analysis, createAnalyzer } from '../../src/source/analyzer';
import { SharedTrees } from '../../src/source/sharedTrees';
import { HeaderCache } from '../../src/source/localTypes';
import { SharedFunctions } from '../../src/source/sharedFunctions';
import { writeBigProgram } from '../../bench/bigProgram';
import { FIXTURES } from '../support/paths';

const PROGRAMS = path.join(FIXTURES, 'programs');

/** Sites as a fresh analysis would give them: local type ids depend on the order types were first met, nothing else. */
const shape = (a: Analysis) => a.sites.map((s) => ({ ...s, typeId: 0, guards: s.guards.map((g) => ({ ...g, typeId: 0 })) }));

/** Plain accesses (local type ids aside, as for sites), notes and function infos. */
const publicShapes = (a: Analysis) => ({ plain: a.plainAccesses.map((p) => ({ ...p, typeId: 0 })), notes: a.notes, functions: a.functions });

/** A small deterministic generator (runs compare; a failure names its seed and edit). */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => { x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0; return x / 2 ** 32; };
}

/**
 * One random edit inside a function body, of the kinds a keystroke makes: a digit changed, a blank line inserted
 * (every later function moves down), spaces inserted before a statement (later text on the line moves right), a
 * statement commented out (its sites go, the callers' trees change when it is in a helper), or one put back.
 */
function randomEdit(text: string, next: () => number): { text: string; what: string } {
  const lines = text.split('\n');
  // lines inside a function body: indented statements (the fixtures and the big program indent their bodies)
  const body = lines.flatMap((l, i) => (/^\s+\S/.test(l) && !/^\s*#/.test(l) && /;\s*$/.test(l) ? [i] : []));
  const i = body[Math.floor(next() * body.length)]!;
  const l = lines[i]!;
  const kind = Math.floor(next() * 5);
  if (kind === 0 && /(?<!\w)\d(?!\w)/.test(l)) {
    // a one-digit literal (never a digit of a name: `u32` -> `u42` would change types, not the edit this is about)
    const at = [...l.matchAll(/(?<!\w)\d(?!\w)/g)].map((m) => m.index!);
    const p = at[Math.floor(next() * at.length)]!;
    lines[i] = l.slice(0, p) + String((Number(l[p]) + 1) % 10) + l.slice(p + 1);
    return { text: lines.join('\n'), what: `digit on line ${i + 1}` };
  }
  if (kind === 1) { lines.splice(i, 0, ''); return { text: lines.join('\n'), what: `blank line before ${i + 1}` }; }
  if (kind === 2 && /\breturn\b/.test(l) === false && !l.includes('//')) {
    lines[i] = `//${l}`;
    return { text: lines.join('\n'), what: `commented out line ${i + 1}` };
  }
  const uncomment = lines.findIndex((x) => x.startsWith('//\t') || x.startsWith('//  '));
  if (kind === 3 && uncomment >= 0) { lines[uncomment] = lines[uncomment]!.slice(2); return { text: lines.join('\n'), what: `uncommented line ${uncomment + 1}` }; }
  lines[i] = l.replace(/^(\s+)/, '$1  ');
  return { text: lines.join('\n'), what: `spaces on line ${i + 1}` };
}

async function checkEdits(file: string, text: string, includePaths: string[], edits: number, seed: number): Promise<number> {
  const an = await createAnalyzer();
  const fresh = await createAnalyzer();
  an.analyze(file, text, { includePaths });
  const next = rng(seed);
  let cur = text;
  let reused = 0;
  for (let k = 0; k < edits; k++) {
    const e = randomEdit(cur, next);
    cur = e.text;
    const inc = an.update(file, cur);
    reused += inc.stats.programsReused ?? 0;
    const ref = fresh.analyze(file, cur, { includePaths });
    assert.strictEqual(inc.sites.length, ref.sites.length, `${path.basename(file)} seed ${seed}, edit ${k} (${e.what}): site count`);
    assert.deepStrictEqual(shape(inc), shape(ref), `${path.basename(file)} seed ${seed}, edit ${k} (${e.what})`);
    assert.strictEqual(inc.stats.unattributed, ref.stats.unattributed, `${path.basename(file)} seed ${seed}, edit ${k} (${e.what}): unattributed sites`);
    // the public shapes of unchanged functions are reused while their unit starts at the same line and column
    assert.deepStrictEqual(publicShapes(inc), publicShapes(ref), `${path.basename(file)} seed ${seed}, edit ${k} (${e.what}): plain accesses, notes, functions`);
    fresh.close(file);
  }
  return reused;
}

describe('incremental call contexts', function () {
  this.timeout(600_000);

  it('agree with a fresh analysis over random edits on the fixture programs, and reuse unchanged programs', async () => {
    let reused = 0;
    for (const name of ['live_inline.bpf.c', 'live_helpers.bpf.c', 'kernel_vfs.bpf.c']) {
      const file = path.join(PROGRAMS, name);
      reused += await checkEdits(file, fs.readFileSync(file, 'utf8'), [PROGRAMS], 6, name.length * 7919);
    }
    assert.ok(reused > 0, 'some program was reused from the previous analysis');
  });

  it('give each arch the same sites whether the arches share tree-sitter trees, header parses and function typings and run in slices, or parse alone at once', async () => {
    // the language server's analyzers of two arches share one parse per text and run in slices (analyzeAsync /
    // updateAsync, pausing between them); the defines still differ per arch
    const trees = new SharedTrees();
    const headers = new HeaderCache();
    const functions = new SharedFunctions();
    let pauses = 0;
    const pause = () => new Promise<void>((r) => { pauses++; setImmediate(r); });
    const arches = ['x86', 'arm64'];
    const shared = await Promise.all(arches.map((a) => createAnalyzer({ defines: [`__TARGET_ARCH_${a}`], trees, headers, functions })));
    const alone = await Promise.all(arches.map((a) => createAnalyzer({ defines: [`__TARGET_ARCH_${a}`] })));
    let archDiffer = 0;
    for (const name of ['live_macros.bpf.c', 'kernel_vfs.bpf.c', 'live_helpers.bpf.c']) {
      const file = path.join(PROGRAMS, name);
      let cur = fs.readFileSync(file, 'utf8');
      const next = rng(name.length * 104729);
      for (let k = 0; k <= 5; k++) {
        const what = k === 0 ? 'open' : (() => { const e = randomEdit(cur, next); cur = e.text; return e.what; })();
        const got: Analysis[] = [];
        for (const an of shared) got.push(await (k === 0 ? an.analyzeAsync(file, cur, { includePaths: [PROGRAMS] }, pause) : an.updateAsync(file, cur, pause)));
        const want = alone.map((an) => (k === 0 ? an.analyze(file, cur, { includePaths: [PROGRAMS] }) : an.update(file, cur)));
        got.forEach((g, i) => assert.deepStrictEqual(shape(g), shape(want[i]!), `${name} ${arches[i]} after ${what}`));
        if (JSON.stringify(shape(want[0]!)) !== JSON.stringify(shape(want[1]!))) archDiffer++;
      }
      for (const an of [...shared, ...alone]) an.close(file);
    }
    assert.ok(pauses > 0, 'the async runs paused');
    assert.ok(trees.hits > 0, 'the second arch took the first arch\'s parse');
    assert.ok(headers.sharedHits > 0, 'the second arch took the first arch\'s header parses');
    assert.ok(functions.hits > 0, 'the second arch took the first arch\'s function typings');
    assert.ok(archDiffer > 0, 'the arches give different sites somewhere (the per-arch defines are still applied)');
  });

  it('agree with a fresh analysis over random edits on the big program (150 programs, helpers in headers)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'corelens-inc-ctx-'));
    try {
      const big = writeBigProgram(dir);
      const reused = await checkEdits(big.file, big.text, [PROGRAMS], 4, 12);
      assert.ok(reused > 100, `most of the 150 programs are reused on an edit inside one (reused ${reused} over 4 edits)`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
