// Live sites from source alone against what clang 14 wrote into each fixture object's .BTF.ext.
//
// Per program (ELF section): the set of (local type, access string, kind) must be equal both ways, counting the
// sites of the static functions it calls (clang inlines them). Where clang records a line_info at the relocated
// instruction itself (not a function's first instruction, which carries the function's line), a site with the same triple must sit on that line. Multiplicity is reported, not asserted:
// how many records one source access becomes depends on clang's CSE and register allocation (see the report).

import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { openBpfObject } from '../../src/btf/object';
import { cTypeName } from '../../src/btf/cnames';
import { RELO_KIND_NAMES } from '../../src/core/kinds';
import { Analysis, createAnalyzer } from '../../src/source/analyzer';
import { FIXTURES, OBJECTS_DIR } from '../support/paths';

const PROGRAMS = path.join(FIXTURES, 'programs');

/** Triples per section: the function carrying SEC() plus everything it calls in the document. */
function sectionSites(a: Analysis): Map<string, Map<string, Set<number>>> {
  const byName = new Map(a.functions.map((f) => [f.name, f]));
  const out = new Map<string, Map<string, Set<number>>>();
  for (const f of a.functions) {
    if (!f.section) continue;
    const m = new Map<string, Set<number>>();
    const seen = new Set<string>();
    const visit = (name: string) => {
      if (seen.has(name)) return;
      seen.add(name);
      for (const s of a.sites) {
        if (s.func !== name) continue;
        const k = `${RELO_KIND_NAMES[s.kind]} ${s.localType} ${s.access}`;
        if (!m.has(k)) m.set(k, new Set());
        m.get(k)!.add(s.line + 1);
      }
      for (const c of byName.get(name)?.calls ?? []) visit(c);
    };
    visit(f.name);
    out.set(f.section, m);
  }
  return out;
}

describe('live sites agree with clang (.BTF.ext core_relos of every fixture object)', function () {
  this.timeout(120_000);
  const totals = { programs: 0, relocations: 0, sections: 0, lines: 0, differences: 0, sourceSites: 0 };
  const programs = fs.readdirSync(PROGRAMS).filter((f) => f.endsWith('.bpf.c')).sort();
  for (const prog of programs) {
    const name = prog.replace(/\.bpf\.c$/, '');
    it(`${name}: same (type, access, kind) per section, same lines`, async () => {
      const analyzer = await createAnalyzer();
      const src = path.join(PROGRAMS, prog);
      const a = analyzer.analyze(src, fs.readFileSync(src, 'utf8'), { includePaths: [PROGRAMS] });
      const r = await openBpfObject(path.join(OBJECTS_DIR, `${name}.bpfel.o`));
      assert.ok(r.ok, r.ok ? '' : r.error.message);
      const obj = r.value;
      const mine = sectionSites(a);
      const theirs = new Map<string, Set<string>>();
      const diffs: string[] = [];
      for (const c of obj.ext?.coreRelos ?? []) {
        // clang 14 cannot emit TYPE_MATCHES: the fixture build patches kind 8 -> 12 in this one section
        const kind = c.section === 'raw_tp/type_matches' && c.kind === 12 ? 8 : c.kind;
        const key = `${RELO_KIND_NAMES[kind]} ${cTypeName(obj.btf, c.typeId)} ${c.access}`;
        if (!theirs.has(c.section)) theirs.set(c.section, new Set());
        theirs.get(c.section)!.add(key);
        totals.relocations++;
        // the first instruction of a function carries the function's own line, whatever it computes
        const entry = obj.ext!.funcInfo.some((f) => f.section === c.section && f.insnOff === c.insnOff);
        const li = entry ? undefined : obj.ext!.lineInfo.find((l) => l.section === c.section && l.insnOff === c.insnOff);
        const lines = mine.get(c.section)?.get(key);
        if (!lines) continue;
        if (li) {
          totals.lines++;
          if (!lines.has(li.line)) diffs.push(`${c.section}: ${key}: clang line ${li.line}, live lines ${[...lines].join(',')}`);
        }
      }
      for (const [sec, keys] of theirs) {
        const m = mine.get(sec) ?? new Map();
        for (const k of keys) if (!m.has(k)) diffs.push(`${sec}: missing live site ${k}`);
        for (const k of m.keys()) if (!keys.has(k)) diffs.push(`${sec}: live site clang did not emit: ${k}`);
      }
      for (const [sec, m] of mine) if (!theirs.has(sec) && m.size) diffs.push(`${sec}: live sites in a section without relocations: ${[...m.keys()].join('; ')}`);
      totals.programs++;
      totals.sections += theirs.size;
      totals.sourceSites += a.sites.length;
      totals.differences += diffs.length;
      assert.deepStrictEqual(diffs, []);
    });
  }
  after(() => {
    console.log(`      clang agreement: ${totals.programs} programs, ${totals.sections} sections, ${totals.relocations} relocations compared `
      + `(${totals.lines} with a line_info at the instruction), ${totals.sourceSites} live sites, ${totals.differences} differences`);
  });
});
