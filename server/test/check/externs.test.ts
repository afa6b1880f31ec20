// `corelens check FILE.bpf.c` sees what libbpf refuses before relocating, as `corelens check FILE.o` does (issue 12):
// a strong __ksym or __kconfig extern the loading kernel lacks, or a typed one of another type, fails the whole
// object there. The fixtures (test-fixtures/check/externs: many programs per object, a shared .bpf.h) hold each kind
// of extern (typed per-CPU variable, untyped symbol, kfunc, weak, __kconfig, a function defined in no file of the unit,
// a symbol only inline asm names, a build-time assertion's `__error__` function) used, unused, only in dead code or only
// where LLVM folds the use away, against kernels that have and lack each one. They are compiled here with clang as
// the fixtures are (scripts/build-fixtures.sh), and:
//   - the externs the live analysis says clang emits equal the object's, as libbpf collects them (ksymExterns,
//     kconfigExterns: names, order, kind, weak, typed or not, kconfig type);
//   - both checks give the same findings on the same targets (hints aside, as live-object-agreement.test.ts), and the
//     extern refusal the same message at the same place (the extern's declaration in the source);
//   - where the source check reports a refusal, the object's verdicts fail every program with that extern.

import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { openBpfObject } from '../../src/btf/object';
import { CheckFinding, EXTERN_REFUSED, runCheck } from '../../src/check/run';
import { createAnalyzer } from '../../src/source/analyzer';
import { libbpfExterns } from '../../src/source/externs';
import { bundledKernelSpecs, defaultTargetSpecs, TargetSpec } from '../../src/targets/registry';
import { kconfigExterns, ksymExterns } from '../../src/verdict/index';
import { Kind } from '../../src/btf/types';
import { CompiledFixture, compileFixtureDir } from '../support/bpfLoad';
import { FIXTURES } from '../support/paths';

const DIR = path.join(FIXTURES, 'check', 'externs');
const INCLUDES = [path.join(FIXTURES, 'programs'), DIR];
const ARCH = 'x86';
const DEFINES = [`__TARGET_ARCH_${ARCH}`];

function key(f: CheckFinding): string {
  return `${f.severity} ${f.code} ${f.cause} ${path.basename(f.location.file)}:${f.location.line} [${[...f.targets].sort().join(',')}]`;
}

describe('check FILE.bpf.c refuses externs as libbpf does, equal to check FILE.o (issue 12)', function () {
  this.timeout(900_000);
  let tmp: string;
  let programs: CompiledFixture[];
  let targets: TargetSpec[];

  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'corelens-externs-'));
    programs = compileFixtureDir(DIR, tmp, { includes: INCLUDES, arch: ARCH, target: 'bpfel' });
    const defaults = defaultTargetSpecs();
    const names = new Set(defaults.map((t) => t.name));
    targets = [...defaults, ...bundledKernelSpecs(false, path.join(FIXTURES, 'btf', 'kernels')).filter((t) => !names.has(t.name))];
  });

  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('the externs the live analysis says clang emits are the object\'s, as libbpf collects them', async () => {
    assert.ok(programs.length >= 6, `${programs.length} fixtures`);
    const analyzer = await createAnalyzer({ defines: DEFINES });
    let externs = 0;
    for (const p of programs) {
      const a = analyzer.analyze(p.source, fs.readFileSync(p.source, 'utf8'), { includePaths: INCLUDES });
      const emitted = a.externs();
      const mine = libbpfExterns(emitted, a.localBtf());
      const o = await openBpfObject(p.object);
      if (!o.ok) throw o.error;
      const ksyms = ksymExterns(o.value).map(({ localType, ...e }) => ({ ...e, typed: localType !== 0 }));
      // (`unsectioned`: the source path's estimate of the symbol order; the object path reads the object itself)
      assert.deepStrictEqual(mine.ksyms.filter((e) => !e.noBtf).map(({ localType, unsectioned, ...e }) => ({ ...e, typed: localType !== 0 })), ksyms, `${p.name}: ksym externs`);
      // the symbols only inline asm names: the object's undefined symbols no BTF VAR or FUNC describes
      const described = new Set<string>();
      for (let id = 1; id < o.value.btf.typeCount; id++) { const t = o.value.btf.type(id); if (t.kind === Kind.Var || t.kind === Kind.Func) described.add(t.name); }
      const bare = o.value.elf.symbols().filter((y) => y.shndx === 0 && y.name && (y.info >> 4) !== 0 && !described.has(y.name)).map((y) => y.name).sort();
      assert.deepStrictEqual(mine.ksyms.filter((e) => e.noBtf).map((e) => e.name).sort(), bare, `${p.name}: symbols with no BTF`);
      assert.deepStrictEqual(mine.kcfg, kconfigExterns(o.value), `${p.name}: kconfig externs`);
      externs += ksyms.length + mine.kcfg.length;
      // every extern the document declares and clang emits is placed on its declaration
      for (const e of emitted) if (e.decl) assert.ok(mine.places[e.name], `${p.name}: ${e.name} placed`);
    }
    assert.ok(externs >= 15, `${externs} externs emitted over the fixtures`);
  });

  it('same findings on the same targets; the refusal with the same message and place, and every program fails there', async () => {
    const refusals = new Map<string, Set<string>>();
    for (const p of programs) {
      const common = { targets, workers: 0, includePaths: INCLUDES, defines: DEFINES };
      const src = await runCheck({ ...common, file: p.source });
      const obj = await runCheck({ ...common, file: p.object, source: p.source });
      const compare = (f: CheckFinding) => f.severity !== 'hint';
      assert.deepStrictEqual([...new Set(src.findings.filter(compare).map(key))].sort(), [...new Set(obj.findings.filter(compare).map(key))].sort(),
        `${p.name}: findings of check .bpf.c (actual) and check .o (expected)`);
      const refused = (r: typeof src) => r.findings.filter((f) => f.code === EXTERN_REFUSED)
        .map((f) => ({ message: f.message, targets: [...f.targets].sort(), at: `${f.location.file}:${f.location.line}:${f.location.column}` }));
      assert.deepStrictEqual(refused(src), refused(obj), `${p.name}: extern refusals`);
      for (const f of src.findings.filter((x) => x.code === EXTERN_REFUSED)) {
        const name = f.site.path;
        refusals.set(`${p.name}:${name}`, new Set(f.targets));
        for (const t of f.targets) {
          for (const row of obj.programs ?? []) {
            const v = row.targets[t];
            assert.ok(v && !v.loads && v.kind === 'libbpf' && v.extern === name, `${p.name}: ${row.name} on ${t} fails for ${name}: ${JSON.stringify(v)}`);
          }
        }
      }
    }
    // the fixtures do exercise refusals of each kind (what they are written for; the comparisons above decide)
    const on = (k: string) => [...(refusals.get(k) ?? [])].sort().join(',');
    assert.ok(on('ext_dead:bpf_task_acquire').includes('5.10-amd64'), `ext_dead: the live kfunc, named first: ${[...refusals.keys()]}`);
    assert.ok(on('ext_kinds:bpf_cgroup_acquire').includes('6.1-amd64'), 'ext_kinds: the kfunc of a global function nothing calls');
    assert.ok(on('ext_weak:process_counts').includes('6.18-amd64'), 'ext_weak: a weak typed extern of another type');
    assert.ok(on('ext_fold_kept:corelens_init_net').includes('6.18-amd64'), 'ext_fold_kept: the compared address kept');
    assert.ok(![...refusals.keys()].some((k) => k.startsWith('ext_fold:')), 'ext_fold: no extern emitted, nothing refused');
    // libbpf's open refuses the object for the first function no DATASEC lists, on every kernel alike (a kernel
    // function declared without __ksym, bpf_task_acquire, is one too: never looked up)
    assert.ok(on('ext_linked:corelens_linked_later').includes('6.18-amd64') && on('ext_linked:corelens_linked_later').includes('5.10-amd64'),
      'ext_linked: a function defined in another object (CORELENS_UNDEFINED_FUNCS), refused at open everywhere');
    assert.ok(!refusals.has('ext_linked:bpf_task_acquire'), 'ext_linked: the open refusal names the first unsectioned symbol only');
    // a symbol only inline asm loads has no BTF at all: refused at open everywhere (CORELENS_ASM_SYMBOLS)
    assert.ok(on('ext_asm:CORELENS_ASM_PID').includes('6.18-amd64') && on('ext_asm:CORELENS_ASM_PID').includes('5.10-amd64'),
      'ext_asm: a symbol only inline asm names (CORELENS_ASM_SYMBOLS), refused at open everywhere');
    // an extern variable in no section, defined in another object, is refused at open too (CORELENS_LINKED_VARS),
    // named before the linked function the program calls after reading it
    assert.ok(on('ext_linked_var:corelens_linked_stats').includes('6.18-amd64') && on('ext_linked_var:corelens_linked_stats').includes('5.10-amd64'),
      `ext_linked_var: an extern variable defined in another object, refused at open everywhere: ${[...refusals.keys()]}`);
    // kfuncs declared as prototypes without `extern` are ksyms (CORELENS_KSYM_PROTOS), looked up per kernel: the
    // strong bpf_task_acquire refused where the kernel lacks it only, never at open
    assert.ok(on('ext_proto:bpf_task_acquire').includes('5.10-amd64') && !on('ext_proto:bpf_task_acquire').includes('6.18-amd64'),
      `ext_proto: a kfunc prototype without extern, looked up per kernel: ${on('ext_proto:bpf_task_acquire')}`);
    // a kfunc with a reserved name that is only called has no BTF with clang 14: refused at open everywhere
    // (CORELENS_RESERVED_KFUNCS); the one whose address is taken too is not named
    assert.ok(on('ext_reserved:__corelens_called_only').includes('6.18-amd64') && on('ext_reserved:__corelens_called_only').includes('5.10-amd64'),
      'ext_reserved: a called-only kfunc of a reserved name (CORELENS_RESERVED_KFUNCS), refused at open everywhere');
    assert.ok(on('ext_reserved_linked:__corelens_linked_fn').includes('6.18-amd64'), 'ext_reserved_linked: a function of another object with a reserved name');
    // the first unsectioned symbol in clang's module order (CORELENS_SYMBOL_ORDER): a header's weak function before
    // the document's program, a static function inlined where it is called (not after everything)
    assert.ok(on('ext_order_header:corelens_order_alloc_internal').includes('6.18-amd64'), `ext_order_header: the header's call named first: ${[...refusals.keys()]}`);
    // a kfunc called with no declaration: an implicit `int f()` with no BTF, refused at open everywhere
    // (CORELENS_IMPLICIT_FUNCS)
    assert.ok(on('ext_implicit:bpf_dynptr_from_skb').includes('6.18-amd64') && on('ext_implicit:bpf_dynptr_from_skb').includes('5.10-amd64'),
      `ext_implicit: an undeclared call refused at open everywhere: ${[...refusals.keys()]}`);
    assert.ok(on('ext_order_static:corelens_order_flag').includes('6.18-amd64'), `ext_order_static: the inlined static's call named first: ${[...refusals.keys()]}`);
    // a build-time assertion's `__error__` extern: a call clang would have failed the build for, so none (CORELENS_ERROR_ATTR)
    assert.ok(![...refusals.keys()].some((k) => k.startsWith('ext_error_attr:')), `ext_error_attr: nothing refused: ${[...refusals.keys()]}`);
    // a component of a static link (two global functions, no program): libbpf would refuse it alone, but no program
    // of it is refused (CORELENS_LIBRARY_UNITS)
    assert.ok(![...refusals.keys()].some((k) => k.startsWith('ext_library:')), `ext_library: nothing refused: ${[...refusals.keys()]}`);
    // a local and a parameter named as an extern shadow it: no reference (CORELENS_LOCAL_SHADOW)
    assert.ok(![...refusals.keys()].some((k) => k.startsWith('ext_shadow:')), `ext_shadow: nothing refused: ${[...refusals.keys()]}`);
    // an extern named only in the condition of an `if` whose arm does nothing: no reference (CORELENS_EMPTY_ARM)
    assert.ok(![...refusals.keys()].some((k) => k.startsWith('ext_empty_arm:')), `ext_empty_arm: nothing refused: ${[...refusals.keys()]}`);
    // a memcmp sized by `sizeof(e->addr.v6)` of the helper's parameter: 16 bytes, a call (CORELENS_MEMCMP_OPERAND_SIZE)
    assert.ok(on('ext_memcmp_member:memcmp').includes('6.18-amd64') && on('ext_memcmp_member:memcmp').includes('5.10-amd64'),
      `ext_memcmp_member: a memcmp sized by a member, refused at open everywhere: ${[...refusals.keys()]}`);
  });
});
