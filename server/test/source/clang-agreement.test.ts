// Live sites from source alone against what clang 14 wrote into each fixture object's .BTF.ext.
//
// Per program (ELF section), as multisets of (kind, local type, access string): the live count of a triple counts
// the sites of the section's function plus, once per call, those of the document functions it calls (clang inlines
// static functions at every call). Where clang's count follows from the source it must be equal:
//   - a triple the program contains once (after inlining) must be exactly one record;
//   - a triple absent from the source must be absent from the object and vice versa;
//   - clang never emits more records of a triple than the source has occurrences.
// The one case clang's count does not follow from source alone is common-subexpression elimination: for a triple
// that occurs n > 1 times in one program, each CO-RE access becomes a load of the same relocation global
// (BPFAbstractMemberAccess names it by type and access string), and GVN/EarlyCSE merge those loads when one
// dominates the other with no intervening store or call that may clobber it: the same field read twice in a
// basic block, a field read before and inside an `if`, a static helper inlined twice into one function
// (task_state() in kernel_proc's handle_exit and the task's `tgid` read in both), or a guard check
// (`bpf_core_field_exists`) evaluated in two inlined helpers. Whether the merge happens depends on the optimiser's
// dominance and alias analysis, so for n > 1 the test asserts 1 <= clang <= n and reports how many triples were
// exactly n and how many were merged. The live count leaves out the copies source/cse.ts finds clang merging
// (Site.merged, MachineCSE's rules measured with clang 14), so "exactly n" is the rule and "merged" what the model
// does not know yet: at most UNMERGED_MAX (19 before the model).
// A direct multi-byte load through a packed record counts twice: the backend splits the unaligned load into byte
// loads and relocates both the first byte's LDX offset and the address the others are loaded from (app_plugin).
// Lines: where clang records a line_info at the relocated instruction itself (not a function's first instruction,
// which carries the function's line), a live site with the same triple must sit on that line.

import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { openBpfObject } from '../../src/btf/object';
import { cTypeName } from '../../src/btf/cnames';
import { RELO_KIND_NAMES } from '../../src/core/kinds';
import { Analysis, Analyzer, createAnalyzer } from '../../src/source/analyzer';
import { FIXTURES, OBJECTS_DIR } from '../support/paths';

const PROGRAMS = path.join(FIXTURES, 'programs');
const REPO = path.resolve(FIXTURES, '..');

interface Live { count: number; lines: Set<number> }

/** Triples per section with their multiplicity: one live site per relocation clang emits (per call context). */
function sectionSites(a: Analysis): Map<string, Map<string, Live>> {
  const out = new Map<string, Map<string, Live>>();
  for (const s of a.sites) {
    if (!s.section || s.merged) continue;
    const m = out.get(s.section) ?? new Map<string, Live>();
    const k = `${RELO_KIND_NAMES[s.kind]} ${s.localType} ${s.access}`;
    const l = m.get(k) ?? { count: 0, lines: new Set<number>() };
    l.count += (s.unalignedLoad ? 2 : 1) * (s.copies ?? 1);
    l.lines.add(s.line + 1);
    m.set(k, l);
    out.set(s.section, m);
  }
  return out;
}

/** Repeated triples whose live count stays above clang's (merges source/cse.ts does not model). */
const UNMERGED_MAX = 13;

describe('live sites agree with clang (.BTF.ext core_relos of every fixture object)', function () {
  this.timeout(240_000);
  const totals = { programs: 0, relocations: 0, sections: 0, lines: 0, differences: 0, sourceSites: 0, triples: 0, single: 0, exactMulti: 0, merged: 0 };
  const programs = fs.readdirSync(PROGRAMS).filter((f) => f.endsWith('.bpf.c')).sort();
  let analyzer: Analyzer;
  before(async () => {
    // the kernel_* programs include vmlinux.h, generated (not committed) by the same script function the build uses
    execFileSync(path.join(REPO, 'scripts/build-fixtures.sh'), ['--vmlinux-h'], { stdio: 'inherit' });
    analyzer = await createAnalyzer();
  });
  for (const prog of programs) {
    const name = prog.replace(/\.bpf\.c$/, '');
    it(`${name}: same multiset of (type, access, kind) per section, same lines`, async () => {
      const src = path.join(PROGRAMS, prog);
      const a = analyzer.analyze(src, fs.readFileSync(src, 'utf8'), { includePaths: [PROGRAMS] });
      const r = await openBpfObject(path.join(OBJECTS_DIR, `${name}.bpfel.o`));
      assert.ok(r.ok, r.ok ? '' : r.error.message);
      const obj = r.value;
      const mine = sectionSites(a);
      const theirs = new Map<string, Map<string, number>>();
      const diffs: string[] = [];
      for (const c of obj.ext?.coreRelos ?? []) {
        // clang 14 cannot emit TYPE_MATCHES: the fixture build patches kind 8 -> 12 in this one section
        const kind = c.section === 'raw_tp/type_matches' && c.kind === 12 ? 8 : c.kind;
        const key = `${RELO_KIND_NAMES[kind]} ${cTypeName(obj.btf, c.typeId)} ${c.access}`;
        const t = theirs.get(c.section) ?? new Map<string, number>();
        t.set(key, (t.get(key) ?? 0) + 1);
        theirs.set(c.section, t);
        totals.relocations++;
        // the first instruction of a function carries the function's own line, whatever it computes
        const entry = obj.ext!.funcInfo.some((f) => f.section === c.section && f.insnOff === c.insnOff);
        const li = entry ? undefined : obj.ext!.lineInfo.find((l) => l.section === c.section && l.insnOff === c.insnOff);
        const live = mine.get(c.section)?.get(key);
        if (!live) continue;
        if (li) {
          totals.lines++;
          if (!live.lines.has(li.line)) diffs.push(`${c.section}: ${key}: clang line ${li.line}, live lines ${[...live.lines].join(',')}`);
        }
      }
      for (const [sec, keys] of theirs) {
        const m = mine.get(sec) ?? new Map<string, Live>();
        for (const [k, n] of keys) {
          const live = m.get(k)?.count ?? 0;
          totals.triples++;
          if (live === 0) diffs.push(`${sec}: missing live site ${k} (clang: ${n})`);
          else if (live === 1 && n !== 1) diffs.push(`${sec}: ${k} occurs once in the source, clang emitted ${n}`);
          else if (n > live) diffs.push(`${sec}: ${k}: clang emitted ${n}, the source has ${live}`);
          else if (live === 1) totals.single++;
          else if (n === live) totals.exactMulti++;
          else totals.merged++;
        }
        for (const k of m.keys()) if (!keys.has(k)) diffs.push(`${sec}: live site clang did not emit: ${k}`);
      }
      for (const [sec, m] of mine) if (!theirs.has(sec) && m.size) diffs.push(`${sec}: live sites in a section without relocations: ${[...m.keys()].join('; ')}`);
      // every site comes from a spot tree-sitter's CO-RE queries found (grammars/queries/core.scm)
      if (a.stats.unattributed) diffs.push(`${a.stats.unattributed} live site(s) outside every core.scm spot`);
      totals.programs++;
      totals.sections += theirs.size;
      totals.sourceSites += a.sites.length;
      totals.differences += diffs.length;
      assert.deepStrictEqual(diffs, []);
    });
  }
  it('repeated triples: the merge model leaves at most UNMERGED_MAX above clang\'s count', () => {
    assert.ok(totals.programs > 0);
    assert.ok(totals.merged <= UNMERGED_MAX, `${totals.merged} repeated triples above clang's count (> ${UNMERGED_MAX})`);
  });
  after(() => {
    console.log(`      clang agreement: ${totals.programs} programs, ${totals.sections} sections, ${totals.relocations} relocations compared `
      + `(${totals.lines} with a line_info at the instruction), ${totals.sourceSites} live sites, ${totals.differences} differences; `
      + `${totals.triples} (section, triple) pairs: ${totals.single} single and exact, ${totals.exactMulti} repeated and exact, `
      + `${totals.merged} repeated and merged by clang's CSE`);
  });
});
