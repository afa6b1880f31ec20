// A function typed as its caller's summary is not typed again as its own unit (analyzer.ts typeOnce) unless a cut
// summary (a recursion, the depth bound) shaped it: analyses with the rule on equal analyses with it off, field by
// field (sites, notes, plain accesses, functions, local BTF), on every fixture and corpus program and the big program
// (open, then an edit), both arches, and on a recursion whose first typing is cut.

import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Analysis, createAnalyzer, typeOnce } from '../../src/source/analyzer';
import { assertSameAnalyses, withEveryProgram } from '../support/analysisShapes';

/** Both analyses equal part by part. */
function same(label: string, got: Analysis, want: Analysis): void {
  assertSameAnalyses(label, got, want, "when a summary's typing is kept");
}

describe('a function typed once (as a summary, then kept for its unit)', function () {
  this.timeout(600_000);
  const set = (on: boolean) => { typeOnce.on = on; };
  afterEach(() => set(true));

  it('every fixture and corpus program and the big program (open, then an edit), both arches', async () => {
    await withEveryProgram('corelens-type-once-', async (programs) => {
      for (const arch of ['x86', 'arm64']) {
        const off = await createAnalyzer({ defines: [`__TARGET_ARCH_${arch}`] });
        const on = await createAnalyzer({ defines: [`__TARGET_ARCH_${arch}`] });
        for (const { file: f, includePaths: inc, big } of programs) {
          const text = fs.readFileSync(f, 'utf8');
          set(false);
          const k0 = typeOnce.kept;
          const want = off.analyze(f, text, { includePaths: inc });
          assert.strictEqual(typeOnce.kept, k0, 'the rule is off');
          set(true);
          same(`${path.basename(f)} ${arch}`, on.analyze(f, text, { includePaths: inc }), want);
          if (big) {
            // the big program's 150 program bodies are typed as their wrappers' summaries first
            assert.ok(typeOnce.kept - k0 >= 150, `kept typings: ${typeOnce.kept - k0}`);
            const edited = text.replace('\tev.kind = 0;', '\tev.kind = 7;');
            assert.notStrictEqual(edited, text);
            set(false);
            const w2 = off.update(f, edited);
            set(true);
            same(`big program after an edit, ${arch}`, on.update(f, edited), w2);
          }
          off.close(f);
          on.close(f);
        }
      }
    });
  });

  it('types again a function whose first typing met a cut summary (mutual recursion)', async () => {
    // prog's typing asks for walk's summary, walk's for step's, and step's for walk's: walk is on the stack, so
    // step's first typing goes without it; step's own unit must be typed again (with walk's summary known by then)
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'corelens-type-once-cut-'));
    try {
      const file = path.join(dir, 'rec.bpf.c');
      const text = [
        'struct task { int pid; int tgid; struct task *parent; } __attribute__((preserve_access_index));',
        'static int step(struct task *t, int n);',
        'static int walk(struct task *t, int n) { if (!t || n <= 0) return 0; return __builtin_preserve_access_index(t->pid) + step(t, n - 1); }',
        'static int step(struct task *t, int n) { if (__builtin_preserve_access_index(t->tgid)) return walk(__builtin_preserve_access_index(t->parent), n); return 1; }',
        '__attribute__((section("kprobe/f"))) int prog(struct task *t) { return walk(t, 4); }',
        'char LICENSE[] __attribute__((section("license"))) = "GPL";',
        '',
      ].join('\n');
      fs.writeFileSync(file, text);
      const off = await createAnalyzer({ defines: ['__TARGET_ARCH_x86'] });
      const on = await createAnalyzer({ defines: ['__TARGET_ARCH_x86'] });
      set(false);
      const want = off.analyze(file, text);
      set(true);
      const c0 = typeOnce.cut;
      same('mutual recursion', on.analyze(file, text), want);
      assert.ok(typeOnce.cut > c0, 'a result shaped by a cut summary was typed again');
      assert.ok(want.sites.length >= 3, `${want.sites.length} sites`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
