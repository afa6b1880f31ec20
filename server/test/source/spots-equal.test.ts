// The raw CO-RE spots (spots.ts: the query without its identifier patterns plus a text scan) equal those of the full
// core.scm query they replaced: the same list in the same order as the query with one `(identifier)` capture
// classified by the regexes (the implementation before), and the same multiset as core.scm compiled as written (its
// `#match?` predicates applied by web-tree-sitter). On every C file under test-fixtures, with random cuts (ERROR
// nodes), on the big bench program re-parsed incrementally after random edits, and on texts made to trip the scan.

import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { findUnits } from '../../src/source/analyzer';
import { CParserHandle, compileQuery, coreQuery, loadCParser, TsNode, TsQuery, TsTree } from '../../src/source/parser';
import { randomKeystroke } from '../support/typing';
import { RawSpot } from '../../src/source/sharedTrees';
import { DEEP_NESTING, SCAN_ERROR_TREES, deferNames, rawSpots, resolveWord, spotStats } from '../../src/source/spots';
import { spawnSync } from 'child_process';
import { fixtureSourcePrograms } from '../support/analysisShapes';
import { writeBigProgram } from '../../bench/bigProgram';
import { FIXTURES, REPO_ROOT } from '../support/paths';
import { Prng } from '../support/prng';

const CORE_SCM = fs.readFileSync(path.join(REPO_ROOT, 'grammars', 'queries', 'core.scm'), 'utf8');

/** The spots as the full query gave them (analyzer.ts's rawSpots before spots.ts, kept here as the reference):
 * `query` is core.scm with `(identifier) @core.ident` in place of its identifier patterns, or core.scm as written. */
function referenceSpots(h: CParserHandle, query: TsQuery, node: TsNode): RawSpot[] {
  const out: RawSpot[] = [];
  for (const c of query.captures(node)) {
    if (c.name === 'core.ident') {
      const text = c.node.text;
      for (const [name, re] of h.coreIdents) {
        if (!re.test(text)) continue;
        if (name === 'core.name') out.push({ name, text, start: c.node.startIndex, end: c.node.endIndex });
        else {
          const p = c.node.parent;
          const n = p?.type === 'call_expression' ? p : c.node;
          out.push({ name, start: n.startIndex, end: n.endIndex });
        }
      }
      continue;
    }
    if (c.name === 'core.call' || c.name === 'core.name') {
      const call = c.name === 'core.call' ? c.node.parent ?? c.node : c.node;
      out.push({ name: c.name, text: c.node.text, start: call.startIndex, end: call.endIndex });
      continue;
    }
    if (c.name === 'core.prog') {
      const decl = c.node.parent ?? c.node;
      out.push({ name: c.name, start: decl.startIndex, end: decl.endIndex });
      continue;
    }
    if (c.name.startsWith('core.')) {
      const n = c.node.type === 'identifier' && c.node.parent?.type === 'call_expression' ? c.node.parent : c.node;
      out.push({ name: c.name, start: n.startIndex, end: n.endIndex });
    }
  }
  return out;
}

const key = (s: RawSpot) => `${s.start}:${s.end}:${s.name}:${s.text ?? ''}`;

describe('raw CO-RE spots: query + text scan = the full core.scm query', function () {
  this.timeout(600_000);
  let h: CParserHandle;
  let withIdent: TsQuery;
  let asWritten: TsQuery;
  before(async () => {
    h = await loadCParser();
    withIdent = compileQuery(h, `${coreQuery(CORE_SCM).source}\n(identifier) @core.ident\n`);
    asWritten = compileQuery(h, CORE_SCM);
  });

  /** Words deferred by the scans compare made (deferNames). */
  const deferred = { n: 0 };

  /** Compares every unit of `tree`; returns the spots compared. */
  const compare = (tree: TsTree, text: string, what: string): number => {
    let n = 0;
    for (const u of findUnits(h, tree, text)) {
      const got = rawSpots(h, u.node, text, 0);
      assert.deepStrictEqual(got, referenceSpots(h, withIdent, u.node), `${what}: function at ${u.node.startIndex}`);
      assert.deepStrictEqual(got.map(key).sort(), referenceSpots(h, asWritten, u.node).map(key).sort(), `${what}: function at ${u.node.startIndex} (core.scm as written)`);
      // the scan reads the text from any base that covers the function
      const b = u.node.startIndex;
      assert.deepStrictEqual(rawSpots(h, u.node, text.slice(b, u.node.endIndex), b), got, `${what}: function at ${b} from its own text`);
      // deferred words (spots.ts deferNames), each looked up in the tree: the very spots of the scan that looks every
      // word up at once (the analyzer's filter reads them as a set)
      for (const [t, base] of [[text, 0], [text.slice(b, u.node.endIndex), b]] as const) {
        const lazy = rawSpots(h, u.node, t, base, true);
        const words = lazy.filter((s) => s.name === 'core.word');
        deferred.n += words.length;
        const resolved = lazy.flatMap((s) => (s.name === 'core.word' ? [resolveWord(u.node, s)].filter((x): x is RawSpot => !!x) : [s]));
        assert.deepStrictEqual(resolved.map(key).sort(), got.map(key).sort(), `${what}: function at ${b}, deferred words resolved`);
        for (const w of words) assert.strictEqual(t.slice(w.start - base, w.end - base), w.text, `${what}: a deferred word's text`);
      }
      n += got.length;
    }
    return n;
  };

  it('every C file under test-fixtures, whole and with random cuts (syntax errors)', () => {
    const files: string[] = [];
    const walk = (d: string) => {
      for (const e of fs.readdirSync(d, { withFileTypes: true })) {
        const p = path.join(d, e.name);
        if (e.isDirectory()) walk(p);
        else if (/\.[ch]$/.test(e.name) && fs.statSync(p).size < 1 << 20) files.push(p);
      }
    };
    walk(FIXTURES);
    const rnd = new Prng(21);
    const before = { ...spotStats };
    const by = new Map<string, number>();
    let spots = 0;
    for (const f of files) {
      const text = fs.readFileSync(f, 'utf8');
      const t = h.parser.parse(text)!;
      spots += compare(t, text, f);
      for (const u of findUnits(h, t, text)) for (const s of rawSpots(h, u.node, text, 0)) by.set(s.name, (by.get(s.name) ?? 0) + 1);
      t.delete();
      for (let k = 0; k < 3; k++) {
        const at = rnd.int(text.length);
        const broken = text.slice(0, at) + text.slice(at + 1 + rnd.int(40));
        const b = h.parser.parse(broken)!;
        compare(b, broken, `${f} with a cut at ${at}`);
        b.delete();
      }
    }
    assert.ok(files.length >= 80, `${files.length} files`);
    // both paths ran: the scan (error-free functions) and the query (functions the cuts broke)
    assert.ok(spotStats.scanned - before.scanned > 1000 && spotStats.queried - before.queried > 100, JSON.stringify([before, spotStats]));
    assert.ok(spots > 3000, `${spots} spots compared`);
    // every kind of spot took part
    for (const k of ['core.read', 'core.bitfield', 'core.field', 'core.type', 'core.enum', 'core.builtin', 'core.member', 'core.prog', 'core.call', 'core.name', 'core.index']) {
      assert.ok((by.get(k) ?? 0) > 0, `no ${k} spot among the fixtures: ${JSON.stringify([...by])}`);
    }
  });

  it('the big program and its headers, re-parsed incrementally after random edits', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'corelens-spots-'));
    try {
      const big = writeBigProgram(dir);
      let spots = 0;
      for (const f of fs.readdirSync(dir).filter((x) => x.endsWith('.h'))) {
        const text = fs.readFileSync(path.join(dir, f), 'utf8');
        const t = h.parser.parse(text)!;
        spots += compare(t, text, f);
        t.delete();
      }
      let text = big.text;
      let tree = h.parser.parse(text)!;
      const d0 = deferred.n;
      spots += compare(tree, text, 'big program');
      assert.ok(spots > 8000, `${spots} spots`);
      // nearly every word of the program is left for its name to be asked about (two scans per function compared)
      assert.ok(deferred.n - d0 > 2 * 10_000, `${deferred.n - d0} deferred words`);
      // switched off, nothing is deferred
      deferNames.on = false;
      try {
        const u = findUnits(h, tree, text)[0]!;
        assert.deepStrictEqual(rawSpots(h, u.node, text, 0, true), rawSpots(h, u.node, text, 0));
      } finally { deferNames.on = true; }
      const rnd = new Prng(9);
      for (let i = 0; i < 25; i++) {
        const k = randomKeystroke(h, tree, text, rnd, ['x', 'X', '1', ' ', '\n', '{', '}', ';', '(', '->', '[', 'BPF_CORE_READ(', '"', '/*', '']);
        ({ tree, text } = k);
        compare(tree, text, `edit ${i} at ${k.at}`);
      }
      tree.delete();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a function nested past DEEP_NESTING is one spot, the whole function; one just under it is scanned as usual', () => {
    const nest = (n: number) => `#define F(x) x\nint f(struct task_struct *t) { return ${'F('.repeat(n)}t->pid${')'.repeat(n)}; }\n`;
    for (const [n, deep] of [[DEEP_NESTING + 10, true], [DEEP_NESTING - 10, false]] as const) {
      const text = nest(n);
      const t = h.parser.parse(text)!;
      try {
        const spots = findUnits(h, t, text).flatMap((u) => rawSpots(h, u.node, text, 0));
        if (deep) {
          assert.deepStrictEqual(spots.map((s) => s.name), ['core.deep']);
          assert.strictEqual(text.slice(spots[0]!.start, spots[0]!.end).startsWith('int f('), true);
        } else {
          // the member access and every F( call, as the query finds them
          assert.ok(spots.some((s) => s.name === 'core.member'), 'the member access');
          assert.strictEqual(spots.filter((s) => s.name === 'core.call').length, n);
        }
      } finally { t.delete(); }
    }
  });

  it('texts made to trip the scan: glued tokens, $ and unicode identifiers, comments, strings, directives', () => {
    const text = [
      'int f(struct task_struct *t, int *a) {',
      '  int x = 1uFOO + 0x1FBAR + 1e5_X + a$FOO + FOO$A + éFOO + FOOé + FOO\\u00e9 + \\u00e9FOO + _ + X_;',
      '  /* BPF_CORE_READ(t, pid) FOO */ const char *s = "BPF_CORE_READ(t, pid) FOO"; char c = \'A\';',
      '  x += BPF_CORE_READ(t, pid) + BPF_CORE_READ (t, tgid) + BPF_CORE_READ /* c */ (t, prio) + (BPF_CORE_READ)(t, pid);',
      '  x += bpf_core_field_exists(t->pid) + bpf_core_type_size(struct task_struct) + bpf_core_enum_value(enum e, E1);',
      '  x += __builtin_preserve_access_index(t->pid) + BPF_CORE_READ_BITFIELD(t, flags) + NULL + TRUE + MAX(1, 2);',
      '#define INNER t->pid',
      '#if defined(CONFIG_X) && CONFIG_Y',
      '  x += INNER + a[IDX] + t[0].pid + (*t).tgid + FOO->bar[BAZ]->q;',
      '#endif',
      '  x += FOO\\',
      'BAR + F\\',
      'OO;',
      '  x += offsetof(struct iphdr, frag_off) + offsetof /* c */ (struct FOO, a) + offsetof\\',
      '(T, b) + __builtin_offsetof(struct iphdr, ttl) + (offsetof)(T, c) + my_offsetof(T, d);',
      '  goto LABEL; LABEL: return x + sizeof(struct FOO) + (ENUM_T)x;',
      '}',
      'int BPF_KPROBE(prog, struct FOO *f) { return f->X + Y(f); }',
      'int g(void) { return BPF_CORE_READ_INTO(&x, t, pid) + bpf_core_read(&x, 4, &t->pid) + bpf_core_type_id_kernel(struct FOO); }',
      'int broken(void) { return BPF_CORE_READ(t, FOO + X->y[Z',
      '',
    ].join('\n');
    const t = h.parser.parse(text)!;
    try {
      const n = compare(t, text, 'tricky text');
      assert.ok(n > 30, `${n} spots`);
      // the scan found the identifiers, and left the words in comments, strings and glued tokens out
      const all = findUnits(h, t, text).flatMap((u) => rawSpots(h, u.node, text, 0));
      const names = all.filter((s) => s.name === 'core.name').map((s) => s.text);
      // offsetof( opens an offsetof_expression, whatever stands between the keyword and its parenthesis
      assert.ok(all.filter((s) => s.name === 'core.offsetof').length >= 3, 'offsetof spots');
      // (`1uFOO` lexes as `1uF` and `OO`, `0x1FBAR` as `0x1FBA` and `R`: the identifier is the word's tail)
      for (const w of ['OO', 'R', 'FOO', 'BAR', 'IDX', 'BAZ', 'CONFIG_Y', 'INNER', 'X_', '_']) assert.ok(names.includes(w), `${w} in ${names}`);
    } finally {
      t.delete();
    }
  });

  // a libbpf program's `SEC("...")` line before its function (no `;` after it) is an ERROR node in tree-sitter's tree:
  // such functions are scanned like error-free ones (the query only for a MISSING token), and a run over them never
  // compiles core.scm's query (parser.ts compiles it on first use)
  const SEC_PROGRAM = [
    '#include "vmlinux.h"',
    '#include <bpf/bpf_helpers.h>',
    '#include <bpf/bpf_core_read.h>',
    '#include <bpf/bpf_tracing.h>',
    'struct task_struct___o { volatile long state; } __attribute__((preserve_access_index));',
    'static __always_inline long st(struct task_struct *t)',
    '{',
    '\tif (bpf_core_field_exists(t->__state)) return BPF_CORE_READ(t, __state);',
    '\treturn BPF_CORE_READ((struct task_struct___o *)t, state);',
    '}',
    'SEC("tp_btf/sched_switch")',
    'int BPF_PROG(on_switch, bool preempt, struct task_struct *prev, struct task_struct *next)',
    '{',
    '\treturn st(prev) + prev->pid + BPF_CORE_READ(next, real_parent, tgid) + bpf_core_type_size(struct task_struct);',
    '}',
    'SEC("kprobe/vfs_read")',
    'int BPF_KPROBE(on_read, struct file *file)',
    '{',
    '\treturn BPF_CORE_READ(file, f_path.dentry, d_name.len) + file->f_inode->i_ino;',
    '}',
    'char LICENSE[] SEC("license") = "GPL";',
    '',
  ].join('\n');

  it('functions whose tree has ERROR nodes but no MISSING token are scanned, with the query\'s spots; a MISSING token still goes to the query (CORELENS_SCAN_ERROR_TREES=0: every error to the query)', () => {
    const missing = SEC_PROGRAM.replace('+ file->f_inode->i_ino;', '+ ;');
    // as the environment sets it (the default: on), then off
    const initial = SCAN_ERROR_TREES.value;
    for (const on of [true, false]) {
      if (!on) SCAN_ERROR_TREES.value = false;
      try {
        for (const [text, withMissing] of [[SEC_PROGRAM, false], [missing, true]] as const) {
          const t = h.parser.parse(text)!;
          try {
            const withErrors = findUnits(h, t, text).filter((u) => u.node.hasError);
            assert.ok(withErrors.length >= 1, `${withErrors.length} functions with an error`);
            compare(t, text, `SEC program${withMissing ? ' with a MISSING token' : ''}, scan of error trees ${on ? 'on' : 'off'}`);
            // the test's own walk for MISSING tokens: every node
            const missingIn = (n: TsNode): boolean => n.isMissing || n.children.some(missingIn);
            let scanned = 0;
            for (const u of withErrors) {
              const q0 = spotStats.queried;
              rawSpots(h, u.node, text, 0);
              const queried = spotStats.queried > q0;
              assert.strictEqual(queried, !on || missingIn(u.node), `function at ${u.node.startIndex}: ${queried ? 'queried' : 'scanned'}`);
              if (!queried) scanned++;
            }
            if (on) assert.ok(scanned >= 1, 'a function with an ERROR node scanned');
            if (withMissing) assert.ok(withErrors.some((u) => missingIn(u.node)), 'a function with a MISSING token');
          } finally { t.delete(); }
        }
      } finally { SCAN_ERROR_TREES.value = initial; }
    }
  });

  it('a `sites` analysis of a program with SEC lines compiles no core.scm query (a fresh process; CORELENS_SCAN_ERROR_TREES=0 compiles it)', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'corelens-spots-'));
    try {
      const file = path.join(dir, 'prog.bpf.c');
      fs.writeFileSync(file, SEC_PROGRAM);
      fixtureSourcePrograms();
      fs.copyFileSync(path.join(FIXTURES, 'programs', 'vmlinux.h'), path.join(dir, 'vmlinux.h'));
      const out = path.join(__dirname, '..', '..');
      const script = `const { createAnalyzer } = require(${JSON.stringify(path.join(out, 'src/source/analyzer.js'))});
        const { parserStats } = require(${JSON.stringify(path.join(out, 'src/source/parser.js'))});
        createAnalyzer().then((an) => { const a = an.analyze(${JSON.stringify(file)}, require('fs').readFileSync(${JSON.stringify(file)}, 'utf8'));
          process.stdout.write(JSON.stringify({ sites: a.sites.length, compiled: parserStats.coreCompiled })); });`;
      const run = (scan: boolean) => {
        // (on: as this process' environment says, the default)
        const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', env: { ...process.env, CORELENS_CACHE: 'off', ...(scan ? {} : { CORELENS_SCAN_ERROR_TREES: '0' }) } });
        assert.strictEqual(r.status, 0, r.stderr);
        return JSON.parse(r.stdout) as { sites: number; compiled: number };
      };
      const on = run(true);
      const off = run(false);
      assert.ok(on.sites >= 8, `${on.sites} sites`);
      assert.strictEqual(on.sites, off.sites, 'the same sites either way');
      assert.strictEqual(on.compiled, 0, 'no query compiled');
      assert.strictEqual(off.compiled, 1, 'the query compiled for the functions with an error');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
