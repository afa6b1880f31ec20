// Words the spot scan defers (spots.ts deferNames: looked up in the tree only when the arch's macro table keeps their
// name) give the analyses of looking every word up at once: on every fixture and corpus program and the big program
// (open, then an edit), both arches, sharing spots between the arches as the language server does, field by field
// (sites, notes, plain accesses, functions, local BTF) and in the analysis' counts (functions skipped, unattributed
// sites).

import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Analysis, createAnalyzer } from '../../src/source/analyzer';
import { SharedTrees } from '../../src/source/sharedTrees';
import { deferNames } from '../../src/source/spots';
import { assertSameAnalyses, withEveryProgram } from '../support/analysisShapes';

/** Both analyses equal part by part, counts included. */
function same(label: string, got: Analysis, want: Analysis): void {
  assertSameAnalyses(label, got, want, 'when words are deferred');
  for (const k of ['skipped', 'unattributed', 'analysed'] as const) assert.strictEqual(got.stats[k], want.stats[k], `${label}: stats.${k}`);
}

describe('deferred name spots (a word looked up only when its name may be CO-RE)', function () {
  this.timeout(900_000);
  afterEach(() => { deferNames.on = true; });

  it('every fixture and corpus program and the big program (open, then an edit), both arches, spots shared', async () => {
    await withEveryProgram('corelens-defer-names-', async (programs) => {
      // per side, one tree store for both arches (the second arch takes the first one's spots, deferred words and all)
      const make = async (trees: SharedTrees) => Promise.all(['x86', 'arm64'].map((arch) => createAnalyzer({ defines: [`__TARGET_ARCH_${arch}`], trees })));
      const off = await make(new SharedTrees());
      const on = await make(new SharedTrees());
      for (const { file: f, includePaths: inc, big } of programs) {
        const text = fs.readFileSync(f, 'utf8');
        for (let a = 0; a < 2; a++) {
          deferNames.on = false;
          const want = off[a]!.analyze(f, text, { includePaths: inc });
          deferNames.on = true;
          const got = on[a]!.analyze(f, text, { includePaths: inc });
          same(`${path.basename(f)} arch ${a}`, got, want);
          if (big) {
            const edited = text.replace('\tev.kind = 0;', '\tev.kind = 7;').replace('return 0;\n}', 'return 0 + 0;\n}');
            assert.notStrictEqual(edited, text);
            deferNames.on = false;
            const w2 = off[a]!.update(f, edited);
            deferNames.on = true;
            same(`big program after an edit, arch ${a}`, on[a]!.update(f, edited), w2);
          }
        }
        for (const x of [...off, ...on]) x.close(f);
      }
    });
  });

  it('a macro used as a name is found through its deferred word; a function of plain names has no spot', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'corelens-defer-names-small-'));
    try {
      const file = path.join(dir, 'names.bpf.c');
      const text = [
        'struct task { int pid; int tgid; } __attribute__((preserve_access_index));',
        '#define CUR_PID t->pid',
        '#define PLAIN_ONE 1',
        'static __attribute__((noinline)) int plain(int a) { int b = a + PLAIN_ONE; return b * a; }',
        'static __attribute__((noinline)) int via_name(struct task *t) { int pid = CUR_PID; return pid; }',
        '__attribute__((section("kprobe/f"))) int prog(struct task *t) { return via_name(t) + plain(2); }',
        'char LICENSE[] __attribute__((section("license"))) = "GPL";',
        '',
      ].join('\n');
      fs.writeFileSync(file, text);
      const results: Analysis[] = [];
      for (const on of [false, true]) {
        deferNames.on = on;
        const a = await createAnalyzer({ trees: new SharedTrees() });
        results.push(a.analyze(file, text));
      }
      const [want, got] = results as [Analysis, Analysis];
      same('small program', got, want);
      // plain() is skipped (no spot), via_name()'s read through CUR_PID is typed and attributed to the macro's name
      assert.strictEqual(got.stats.skipped, 1);
      assert.strictEqual(got.stats.unattributed, 0);
      const site = got.sites.find((x) => x.func === 'via_name');
      assert.ok(site, JSON.stringify(got.sites));
      assert.strictEqual(site.access, '0:0');
      assert.strictEqual(text.split('\n')[site.range.start.line]!.slice(site.range.start.character, site.range.end.character), 'CUR_PID');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
