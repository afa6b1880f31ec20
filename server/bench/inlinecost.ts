// `node server/out/bench/inlinecost.js [--detail] [--only NAME,...] [--libbpf DIR] PRESET=DIR...`: the live
// analysis's inlining decisions (source/contexts.ts `inlines`) compared with clang's own, call site by call site.
// clang prints every decision of LLVM's inliner with -Rpass=inline / -Rpass-missed=inline ("'g' not inlined into 'f'
// because too costly to inline (cost=235, threshold=225)"); each program of a project is compiled as projects.ts
// compiles it (same recipes, include dirs and flags) with those remarks on, and analysed by the live model with its
// decision trace on. Per project: how many call sites clang decided by cost (always_inline / noinline / global
// callees left out), how many of those the model decides the same way, and each disagreement with both costs.
// Our costs are printed in LLVM's units (x 225 / INLINE_COST); LLVM's cost of a static callee with one call has the
// last-call bonus (15000) subtracted, undone here so the pair compares bodies.

import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { createAnalyzer, Analyzer } from '../src/source/analyzer';
import { INLINE_COST, InlineDecision, inlineTrace } from '../src/source/contexts';
import { build, glob, libbpfDir, parseArgs, vmlinuxDir } from './projects';

/** One decision clang printed. */
interface Remark { callee: string; caller: string; line: number; site: string; inlined: boolean; cost?: number; threshold?: number; why: string }

const REMARK = /^(.*?):(\d+):(\d+): remark: '([^']+)' (inlined into|not inlined into) '([^']+)'(.*)$/;

/** clang's inlining remarks for one program, compiled with the flags projects.ts uses. */
function remarks(args: string[], cwd: string): Remark[] {
  const r = spawnSync('clang', [...args, '-Rpass=inline', '-Rpass-missed=inline', '-o', '/dev/null'], { encoding: 'utf8', cwd, maxBuffer: 1 << 28 });
  const out: Remark[] = [];
  for (const l of (r.stderr ?? '').split('\n')) {
    const m = REMARK.exec(l);
    if (!m) continue;
    const rest = m[7]!;
    const c = /cost=(-?\d+), threshold=(-?\d+)/.exec(rest);
    out.push({
      callee: m[4]!, caller: m[6]!, line: Number(m[2]), site: `${m[1]}:${m[2]}:${m[3]}`, inlined: m[5] === 'inlined into',
      ...(c ? { cost: Number(c[1]), threshold: Number(c[2]) } : {}), why: rest.replace(/ at callsite.*$/, '').trim(),
    });
  }
  return out;
}

/** LLVM cost units per unit of ours. */
const SCALE = 225 / INLINE_COST;

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const detail = argv.includes('--detail');
  const o = parseArgs(argv.filter((a) => a !== '--detail'));
  const summary: string[] = [];
  for (const recipe of o.recipes) {
    const vmlinux = recipe.ownVmlinux ? undefined : vmlinuxDir(o.cache, o.kernel);
    const libbpf = o.libbpf ? libbpfDir(o.cache, o.libbpf, recipe.libbpfTag) : undefined;
    const analyzers = new Map<string, Analyzer>();
    let byCost = 0;
    let agree = 0;
    let other = 0;
    const lines: string[] = [];
    const pairs: string[] = [];
    for (const file of recipe.files.flatMap((g) => glob(recipe.root, g))) {
      const b = build(recipe, file, o.cache, vmlinux, libbpf);
      if (o.only.length && !o.only.includes(b.prog.name)) continue;
      if (b.error || recipe.skip?.[b.prog.name]) continue;
      const args = ['-g', '-O2', '-target', 'bpf', ...(recipe.cflags ?? []), ...b.prog.defines.map((d) => `-D${d}`),
        ...b.prog.includePaths.map((d) => `-I${d}`), '-Wno-everything', '-c', file];
      // a call kept out of line is decided again once its caller is inlined into another function (a BPF_KPROBE
      // wrapper's body into the program): that later decision replaces the earlier one, the same call site when its
      // location is the same, else (two calls SimplifyCFG sank into one, located elsewhere) every earlier one
      const theirs: Remark[] = [];
      const into = new Map<string, Set<string>>(); // function -> the functions it was inlined into, transitively
      const inlinedInto = (a: string, b: string): boolean => !!into.get(a)?.has(b);
      for (const r of remarks(args, path.dirname(file))) {
        const earlier = theirs.filter((e) => e.callee === r.callee && !e.inlined && inlinedInto(e.caller, r.caller));
        const same = earlier.filter((e) => e.line === r.line);
        for (const e of same.length ? same.slice(0, 1) : earlier) theirs.splice(theirs.indexOf(e), 1);
        theirs.push(r);
        if (r.inlined) {
          const up = into.get(r.caller) ?? new Set<string>();
          const s = into.get(r.callee) ?? new Set<string>();
          s.add(r.caller);
          for (const u of up) s.add(u);
          into.set(r.callee, s);
          for (const [, t] of into) if (t.has(r.callee)) { t.add(r.caller); for (const u of up) t.add(u); }
        }
      }
      const key = b.prog.defines.join(' ');
      let analyzer = analyzers.get(key);
      if (!analyzer) analyzers.set(key, (analyzer = await createAnalyzer({ defines: b.prog.defines })));
      // our decisions per callee, each with the line of its call (decisions are per call site: cold ones differ)
      const mine = new Map<string, (InlineDecision & { line?: number })[]>();
      const text = fs.readFileSync(file, 'utf8');
      const lineAt = (d: InlineDecision): number | undefined => {
        if (!d.call || !d.caller) return undefined;
        const t = d.caller.file ? fs.readFileSync(d.caller.file, 'utf8') : text;
        let n = 1;
        for (let i = 0; i < d.call.start && i < t.length; i++) if (t.charCodeAt(i) === 10) n++;
        return n;
      };
      inlineTrace.on = (d) => {
        const list = mine.get(d.callee.name) ?? [];
        if (!list.some((e) => e.call === d.call)) list.push({ ...d, line: lineAt(d) });
        mine.set(d.callee.name, list);
      };
      try {
        analyzer.analyze(file, text, { includePaths: b.prog.includePaths });
      } catch (e) {
        lines.push(`  ${b.prog.name}: analysis crashed: ${(e as Error).message}`);
      } finally {
        inlineTrace.on = undefined;
      }
      for (const r of theirs) {
        if (r.cost === undefined || r.threshold === undefined) { other++; continue; }
        const ds = mine.get(r.callee) ?? [];
        const d = ds.find((e) => e.line === r.line && e.caller?.name === r.caller) ?? ds.find((e) => e.line === r.line) ?? ds[0];
        byCost++;
        const ours = d ? d.inlined : undefined;
        // LLVM reports a single-call static callee's cost with the last-call bonus already subtracted
        const raw = r.cost < -5000 ? r.cost + 15000 : r.cost;
        const oc = d ? Math.round(d.cost * SCALE) : undefined;
        if (d) pairs.push(`${raw}\t${oc}`);
        if (ours === r.inlined) { agree++; if (!detail) continue; }
        lines.push(`  ${ours === r.inlined ? '=' : '≠'} ${b.prog.name}: '${r.callee}' into '${r.caller}' (line ${r.line}): clang ${r.inlined ? 'inlined' : 'not inlined'} `
          + `cost ${raw}${raw !== r.cost ? ' (+last-call bonus)' : ''} threshold ${r.threshold}; ours ${ours === undefined ? 'no decision' : ours ? 'inlined' : 'not inlined'}`
          + (d ? ` cost ${oc} threshold ${Math.round(d.threshold * SCALE)} (${d.calls} call${d.calls === 1 ? '' : 's'})` : ''));
      }
    }
    console.log(`\n## ${recipe.name}: ${byCost} call sites decided by cost, ${agree} decided alike (${other} by attribute)`);
    for (const l of lines) console.log(l);
    if (detail) { console.log('  cost pairs (LLVM, ours scaled):'); for (const p of pairs) console.log(`    ${p}`); }
    summary.push(`  ${recipe.name.padEnd(32)} decided by cost ${String(byCost).padStart(5)}  alike ${String(agree).padStart(5)}  differ ${String(byCost - agree).padStart(4)}`);
  }
  console.log('\n## summary');
  for (const s of summary) console.log(s);
}

main().catch((e) => {
  console.error((e as Error).message);
  process.exitCode = 1;
});
