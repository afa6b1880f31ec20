// `node server/out/bench/projects.js [--detail] [--check] [--only NAME,...] PRESET=DIR... | --root DIR [options]`:
// the live analysis measured on a checkout of a real BPF project (issue 12's held-out measure, reproduced on
// projects we can fetch). Nothing of those projects is committed: the checkout lives wherever the user put it.
//
// Per project it generates vmlinux.h from a bundled kernel (bpftool), compiles every program with the project's own
// include dirs and clang 14 `-g -O2 -target bpf -D__TARGET_ARCH_x86` (plus the project's defines), and compares the
// live sites with clang's relocations per section (server/test/support/corpus.ts). Three figures per program:
//   - missing: relocations clang emitted that the live analysis lacks;
//   - extra:   live sites for a (kind, type, access) clang never emitted in that section: real extras;
//   - CSE:     live sites above clang's count for a triple clang did emit: a merge of clang's (MachineCSE reusing
//              an earlier identical relocation) the live model (source/cse.ts) does not know; the copies it knows
//              are already left out of the live count. Reported apart from `extra`, but a difference all the same:
//              missing + extra + CSE is the strict multiset difference.
// A program clang 14 / libbpf 1.1 cannot compile is listed as skipped with clang's first error line.
// --check also runs `corelens check` on the source and on the object (bundled kernels) and lists every error the
// source path reports that the object path does not (house rule: no error the object path does not also report).
//
// `--libbpf DIR`: a libbpf source checkout whose src/*.h stand for the project's vendored libbpf (bcc,
// libbpf-bootstrap and tracee vendor libbpf as a git submodule, which a snapshot of the repository lacks): they are
// copied to <cache>/libbpf/bpf/ and put first on the include path, as those Makefiles put $(OUTPUT). Without it the
// system's libbpf headers (1.1 here) serve. `--kernel FILE`: the BTF the vmlinux.h comes from (default the bundled
// 6.18 amd64 kernel: projects ship a recent vmlinux.h and use its newer fields).
// Options for a project given by hand (`--root DIR`): `--files GLOB` (repeatable, relative to the root, `*` and
// `**`), `-I DIR` (relative to the root), `-D X`, `--own-vmlinux` (the project ships its vmlinux.h: do not put the
// generated one on the include path), `--name NAME`.

import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { createAnalyzer, Analyzer } from '../src/source/analyzer';
import { compareProgram, contextExpansion, CorpusProgram, formatReport, ProgramAgreement, totals } from '../test/support/corpus';
import { REPO_ROOT } from '../test/support/paths';

/** How one project builds its BPF programs. */
export interface Recipe {
  name: string;
  root: string;
  /** Globs relative to root. */
  files: string[];
  /** -I dirs relative to root, in the project's order (the generated vmlinux.h dir comes last). */
  include: string[];
  defines: string[];
  /** The project has its own vmlinux.h (tracee, tetragon): no generated one. */
  ownVmlinux?: boolean;
  /** clang's multiarch dir (/usr/include/x86_64-linux-gnu) is on the project's include path (asm/ headers). */
  multiarch?: boolean;
  /** Programs (base names) to leave out, with the reason printed. */
  skip?: Record<string, string>;
  /** Extra clang flags of the project's build that change code generation (-mcpu=v3, -fno-stack-protector...). */
  cflags?: string[];
  /** Headers the project's build image provides and this machine names differently (path -> text): written to
   * <cache>/shims/<project>/ and put on the include path after the project's dirs. */
  shims?: Record<string, string>;
}

/** The projects we measure, by the layout of their repositories (flags read from their Makefiles). */
export const PRESETS: Record<string, (root: string) => Recipe> = {
  // libbpf-tools/Makefile: -I$(OUTPUT) (libbpf headers: the system's 1.1 here) -I../src/cc/libbpf/include/uapi -I$(ARCH)/
  'bcc': (root) => ({ name: 'bcc libbpf-tools', root, files: ['libbpf-tools/*.bpf.c'], include: ['libbpf-tools'], defines: [], multiarch: true }),
  // examples/c/Makefile: -I$(OUTPUT) -I../../libbpf/include/uapi -I$(dir $(VMLINUX)) + clang's system dirs
  'libbpf-bootstrap': (root) => ({ name: 'libbpf-bootstrap', root, files: ['examples/c/*.bpf.c'], include: ['examples/c'], defines: [], multiarch: true }),
  // Makefile: -D__TARGET_ARCH_x86 -D__BPF_TRACING__ -DCORE -DRELEASE -I./pkg/ebpf/c/ ; its own vmlinux.h
  'tracee': (root) => ({
    name: 'tracee', root, files: ['pkg/ebpf/c/tracee.bpf.c', 'pkg/ebpf/c/lsmsupport/*.bpf.c'], include: ['pkg/ebpf/c'],
    defines: ['__BPF_TRACING__', 'CORE', 'RELEASE'], ownVmlinux: true, multiarch: true,
  }),
  // bpf/Makefile.defs: -I bpf -I bpf/libbpf -I bpf/include -I bpf/lib -I bpf/errmetrics; its own vmlinux.h
  'tetragon': (root) => ({
    name: 'tetragon', root, files: ['bpf/process/bpf_*.c', 'bpf/cgroup/bpf_*.c'], include: ['bpf', 'bpf/libbpf', 'bpf/include', 'bpf/lib', 'bpf/errmetrics'],
    defines: [], ownVmlinux: true,
  }),
  // cmd/common/image/build-step.go (ig image build): -I/usr/include/<arch>-linux-gnu -I include -I include/gadget/<arch>;
  // programs gadgets/*/program.bpf.c
  'inspektor-gadget': (root) => ({
    name: 'inspektor-gadget', root, files: ['gadgets/*/program.bpf.c'], include: ['include', 'include/gadget/amd64'], defines: [], multiarch: true,
  }),
  // Makefile: bpf2go -cc clang -cflags "-O2 -g -Wall..." -target amd64 bpf/<dir>/<main>.c -- -I bpf; its own
  // vmlinux.h and libbpf headers (bpf/bpfcore); the other .c files are #included by these
  'obi': (root) => ({
    name: 'opentelemetry-ebpf-instrumentation', root,
    files: ['bpf/common/common.c', 'bpf/generictracer/generictracer.c', 'bpf/gotracer/gotracer.c', 'bpf/gpuevent/gpuevent.c',
      'bpf/logger/logger.c', 'bpf/netolly/flows.c', 'bpf/netolly/flows_sock.c', 'bpf/rdns/rdns_xdp.c', 'bpf/tctracer/tctracer.c',
      'bpf/tpinjector/tpinjector.c', 'bpf/watcher/watcher.c'],
    include: ['bpf'], defines: [], ownVmlinux: true,
  }),
  // src/Makefile: $(CLANG) -I$(or $(OUTPUT),.) -I$(srctree)/include/uapi $(LIBBPF_BOOTSTRAP_INCLUDE) -g -O2 -Wall
  // -target bpf -c skeleton/X.bpf.c (libbpf submodule: pass --libbpf); vmlinux.h from bpftool
  'bpftool': (root) => ({ name: 'bpftool skeletons', root, files: ['src/skeleton/*.bpf.c'], include: ['src', 'include/uapi'], defines: [], multiarch: true }),
  // build.rs (libbpf-cargo): clang -g -O2 -target bpf -D__TARGET_ARCH_x86 -I src/bpf; its own vmlinux.h and headers
  'bpftop': (root) => ({ name: 'bpftop', root, files: ['src/bpf/*.bpf.c'], include: ['src/bpf'], defines: [], ownVmlinux: true }),
  // driver/modern_bpf/CMakeLists.txt: -g -O2 -target bpf -D__release__ -D__TARGET_ARCH_x86 -D__USE_VMLINUX__
  // -I driver/modern_bpf -I <libs root>; driver/driver_config.h is generated by CMake from driver_config.h.in (the
  // shim below: its version macros with fixed numbers); vmlinux.h from bpftool
  'falco': (root) => ({
    name: 'falcosecurity/libs modern_bpf', root, files: ['driver/modern_bpf/programs/**/*.bpf.c'],
    include: ['driver/modern_bpf', '.'], defines: ['__release__', '__USE_VMLINUX__'],
    shims: {
      'driver/driver_config.h': ['#pragma once', '#define PPM_API_CURRENT_VERSION_MAJOR 8', '#define PPM_API_CURRENT_VERSION_MINOR 0',
        '#define PPM_API_CURRENT_VERSION_PATCH 0', '#define PPM_SCHEMA_CURRENT_VERSION_MAJOR 3', '#define PPM_SCHEMA_CURRENT_VERSION_MINOR 0',
        '#define PPM_SCHEMA_CURRENT_VERSION_PATCH 0', '#include "driver/ppm_api_version.h"', '#define DRIVER_VERSION "0.0.0"',
        '#define DRIVER_NAME "scap"', '#define DRIVER_DEVICE_NAME "scap"', '#define DRIVER_COMMIT "0"',
        '#ifndef KBUILD_MODNAME', '#define KBUILD_MODNAME DRIVER_NAME', '#endif', ''].join('\n'),
    },
  }),
  // examples/Makefile: clang -mcpu=v3 -g -O2 -D__TARGET_ARCH_x86 -I../include/x86 $(LIBBPF_CFLAGS) (its vendored
  // libbpf: pass --libbpf) ; its own vmlinux.h per arch
  'ebpf_exporter': (root) => ({
    name: 'ebpf_exporter', root, files: ['examples/*.bpf.c'], include: ['examples', 'include/x86'], defines: [], ownVmlinux: true,
    multiarch: true, cflags: ['-mcpu=v3'],
  }),
  // src/Makefile: clang -g -O2 -target bpf -D__TARGET_ARCH_x86 -Ix86 -I$(OUTPUT) (libbpf submodule: pass --libbpf)
  'retsnoop': (root) => ({
    name: 'retsnoop', root, files: ['src/*.bpf.c'], include: ['src/x86', 'src'], defines: [], ownVmlinux: true, multiarch: true,
  }),
  // build.go: bpf2go -target amd64 ./bpf/kprobe_pwru.c -- -I./bpf/headers (its own vmlinux.h and libbpf headers)
  'pwru': (root) => ({
    name: 'pwru', root, files: ['bpf/kprobe_pwru.c'], include: ['bpf/headers'], defines: [], ownVmlinux: true,
  }),
  // KubeArmor/**/*.go: bpf2go -cc clang ../../BPF/X.bpf.c -- -I/usr/include/ -O2 -g -fno-stack-protector; vmlinux.h
  // generated from the running kernel's BTF (BPF/Makefile)
  'kubearmor': (root) => ({
    name: 'KubeArmor', root, files: ['KubeArmor/BPF/*.bpf.c'], include: ['KubeArmor/BPF'], defines: [], multiarch: true,
    cflags: ['-fno-stack-protector'],
  }),
  // ebpftracer/Dockerfile: clang -g -O2 -target bpf -D__KERNEL_FROM=512 -D__TARGET_ARCH_x86 -c ebpf.c (its own
  // vmlinux.h; the system's libbpf headers)
  'coroot': (root) => ({
    name: 'coroot-node-agent', root, files: ['ebpftracer/ebpf/ebpf.c'], include: ['ebpftracer/ebpf'], defines: ['__KERNEL_FROM=512'],
    ownVmlinux: true, multiarch: true,
    // its Alpine build image has the kernel's uapi headers as <uapi/linux/bpf.h>; Debian has them as <linux/bpf.h>
    shims: { 'uapi/linux/bpf.h': '#include <linux/bpf.h>\n' },
  }),
};

/** `*` one path segment, `**` any number of them. */
export function glob(root: string, pattern: string): string[] {
  const parts = pattern.split('/');
  const out: string[] = [];
  const walk = (dir: string, i: number) => {
    if (i === parts.length) return;
    const part = parts[i]!;
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    if (part === '**') {
      walk(dir, i + 1);
      for (const e of entries) if (e.isDirectory()) walk(path.join(dir, e.name), i);
      return;
    }
    const re = new RegExp(`^${part.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
    for (const e of entries) {
      if (!re.test(e.name)) continue;
      const p = path.join(dir, e.name);
      if (i === parts.length - 1) {
        if (e.isFile()) out.push(p);
      } else if (e.isDirectory()) walk(p, i + 1);
    }
  };
  walk(root, 0);
  return [...new Set(out)].sort();
}

/** vmlinux.h of a kernel BTF (a bundled one by default), generated once per cache dir and kernel. */
export function vmlinuxDir(cache: string, kernel: string): string {
  const dir = path.join(cache, 'vmlinux', path.basename(kernel).replace(/\.btf(\.xz)?$/, ''));
  const out = path.join(dir, 'vmlinux.h');
  if (fs.existsSync(out)) return dir;
  fs.mkdirSync(dir, { recursive: true });
  const raw = path.join(dir, 'vmlinux.btf');
  fs.writeFileSync(raw, kernel.endsWith('.xz') ? execFileSync('xz', ['-dc', kernel], { maxBuffer: 1 << 30 }) : fs.readFileSync(kernel));
  fs.writeFileSync(out + '.part', execFileSync('bpftool', ['btf', 'dump', 'file', raw, 'format', 'c'], { maxBuffer: 1 << 30 }));
  fs.renameSync(out + '.part', out);
  fs.rmSync(raw);
  return dir;
}

export interface Built { prog: CorpusProgram; error?: string }

/** The libbpf checkout's headers as a `bpf/` include dir (copied once per cache dir). */
export function libbpfDir(cache: string, checkout: string): string {
  const dir = path.join(cache, 'libbpf', path.basename(checkout));
  const bpf = path.join(dir, 'bpf');
  if (fs.existsSync(path.join(bpf, 'bpf_helpers.h'))) return dir;
  const src = fs.existsSync(path.join(checkout, 'src', 'bpf_helpers.h')) ? path.join(checkout, 'src') : checkout;
  if (!fs.existsSync(path.join(src, 'bpf_helpers.h'))) throw new Error(`--libbpf ${checkout}: no bpf_helpers.h in it or in its src/`);
  fs.mkdirSync(bpf, { recursive: true });
  for (const f of fs.readdirSync(src)) if (f.endsWith('.h')) fs.copyFileSync(path.join(src, f), path.join(bpf, f));
  return dir;
}

const MULTIARCH = '/usr/include/x86_64-linux-gnu';

/** The recipe's shim headers, written once per cache dir. */
function shimDir(cache: string, recipe: Recipe): string {
  const dir = path.join(cache, 'shims', recipe.name.replace(/\W+/g, '_'));
  for (const [rel, text] of Object.entries(recipe.shims ?? {})) {
    const f = path.join(dir, rel);
    if (fs.existsSync(f) && fs.readFileSync(f, 'utf8') === text) continue;
    fs.mkdirSync(path.dirname(f), { recursive: true });
    fs.writeFileSync(f, text);
  }
  return dir;
}

/** Compiles one program as its project does; the object lands in the cache (rebuilt when the source is newer). */
export function build(recipe: Recipe, file: string, cache: string, vmlinux: string | undefined, libbpf: string | undefined): Built {
  const rel = path.relative(recipe.root, file);
  const tag = `${recipe.name.replace(/\W+/g, '_')}-${libbpf ? path.basename(path.dirname(libbpf)) + path.basename(libbpf) : 'system'}-${vmlinux ? path.basename(vmlinux) : 'own'}`;
  const object = path.join(cache, 'objects', tag, rel.replace(/\.c$/, '') + '.o');
  const includePaths = [...(libbpf ? [libbpf] : []), ...recipe.include.map((d) => path.resolve(recipe.root, d)),
    ...(recipe.shims ? [shimDir(cache, recipe)] : []), ...(vmlinux ? [vmlinux] : []), ...(recipe.multiarch && fs.existsSync(MULTIARCH) ? [MULTIARCH] : [])];
  const defines = ['__TARGET_ARCH_x86', ...recipe.defines];
  const prog: CorpusProgram = {
    name: rel.replace(/\.bpf\.c$|\.c$/, ''), arch: 'x86', source: file, object, includePaths, defines, newLibbpf: false,
  };
  if (fs.existsSync(object) && fs.statSync(object).mtimeMs >= fs.statSync(file).mtimeMs) return { prog };
  fs.mkdirSync(path.dirname(object), { recursive: true });
  const args = ['-g', '-O2', '-target', 'bpf', ...(recipe.cflags ?? []), ...defines.map((d) => `-D${d}`), ...includePaths.map((d) => `-I${d}`),
    '-Wno-everything', '-c', file, '-o', object];
  const r = spawnSync('clang', args, { encoding: 'utf8', cwd: path.dirname(file), maxBuffer: 1 << 28 });
  if (r.status !== 0) {
    fs.rmSync(object, { force: true });
    const first = (r.stderr ?? '').split('\n').find((l) => /error:/.test(l)) ?? (r.stderr ?? r.error?.message ?? '').split('\n')[0];
    return { prog, error: first?.replace(recipe.root + path.sep, '') ?? `clang exited with ${r.status}` };
  }
  return { prog };
}

/** Errors `corelens check` reports for the source that the object path (exact, with the source's guards) does not. */
async function sourceOnlyErrors(prog: CorpusProgram): Promise<string[]> {
  const { runCheck } = await import('../src/check/run.js');
  const { defaultTargetSpecs } = await import('../src/targets/registry.js');
  const targets = defaultTargetSpecs().filter((t) => t.name !== 'running');
  const common = { targets, includePaths: prog.includePaths, defines: prog.defines, workers: 1 };
  const src = await runCheck({ ...common, file: prog.source });
  const obj = await runCheck({ ...common, file: prog.object, source: prog.source });
  const key = (f: { code: string; site: { kind: string; localType: string; access: string } }, t: string) => `${f.code} ${f.site.kind} ${f.site.localType} ${f.site.access} @${t}`;
  const objKeys = new Set(obj.findings.filter((f) => f.severity === 'error').flatMap((f) => f.targets.map((t) => key(f, t))));
  const out = new Map<string, string[]>();
  for (const f of src.findings) {
    if (f.severity !== 'error') continue;
    const missingOn = f.targets.filter((t) => !objKeys.has(key(f, t)));
    if (!missingOn.length) continue;
    const k = `${f.code} ${f.site.kind} ${f.site.localType} ${f.site.access} (${path.basename(f.location.file)}:${f.location.line}) ${f.cause}`;
    out.set(k, [...new Set([...(out.get(k) ?? []), ...missingOn])]);
  }
  return [...out].map(([k, ts]) => `${k} on ${ts.join(',')}`);
}

/** Measures one project; prints its report and returns its results. */
async function measure(recipe: Recipe, opts: Opts): Promise<ProgramAgreement[]> {
  const vmlinux = recipe.ownVmlinux ? undefined : vmlinuxDir(opts.cache, opts.kernel);
  const libbpf = opts.libbpf ? libbpfDir(opts.cache, opts.libbpf) : undefined;
  const files = recipe.files.flatMap((g) => glob(recipe.root, g));
  const analyzers = new Map<string, Analyzer>();
  const results: ProgramAgreement[] = [];
  const skipped: string[] = [];
  const checkLines: string[] = [];
  for (const file of files) {
    const b = build(recipe, file, opts.cache, vmlinux, libbpf);
    if (opts.only.length && !opts.only.includes(b.prog.name)) continue;
    const why = recipe.skip?.[b.prog.name];
    if (why) {
      skipped.push(`${b.prog.name}: ${why}`);
      continue;
    }
    if (b.error) {
      skipped.push(`${b.prog.name}: ${b.error}`);
      continue;
    }
    const key = b.prog.defines.join(' ');
    let analyzer = analyzers.get(key);
    if (!analyzer) analyzers.set(key, (analyzer = await createAnalyzer({ defines: b.prog.defines })));
    let r: ProgramAgreement;
    try {
      r = await compareProgram(analyzer, b.prog, contextExpansion);
    } catch (e) {
      // an object without what the comparison needs (logger.c of OBI has no program with BTF): listed, not fatal
      skipped.push(`${b.prog.name}: ${(e as Error).message.replace(opts.cache + path.sep, '')}`);
      continue;
    }
    if (!r.relocations && !r.liveSites) continue;
    results.push(r);
    if (opts.check) {
      try {
        for (const l of await sourceOnlyErrors(b.prog)) checkLines.push(`  ${b.prog.name}: ${l}`);
      } catch (e) {
        checkLines.push(`  ${b.prog.name}: check failed: ${(e as Error).message}`);
      }
    }
  }
  const t = totals(results);
  const pct = (n: number) => (t.relocations ? `${((100 * n) / t.relocations).toFixed(2)}%` : '-');
  console.log(`\n## ${recipe.name}: ${files.length} programs found, ${results.length} with CO-RE relocations compared, ${skipped.length} skipped`);
  console.log(`   relocations ${t.relocations}; missing ${t.missing} (${pct(t.missing)}); extra ${t.extra} (${pct(t.extra)}); `
    + `CSE merges ${t.merged} (${pct(t.merged)}); analysis crashes ${t.crashes}`);
  console.log(formatReport(results, opts.detail).split('\n').slice(1).join('\n'));
  if (opts.detail) {
    for (const r of results) for (const d of r.merged) console.log(`  = ${r.program} ${d.section}: ${d.key} x${d.count}  ${d.file}:${d.line}  ${d.text}`);
  }
  for (const s of skipped) console.log(`  skipped ${s}`);
  if (opts.check) {
    console.log(`  check: errors on the source path the object path does not report: ${checkLines.length}`);
    for (const l of checkLines) console.log(l);
  }
  return results;
}

export interface Opts { recipes: Recipe[]; detail: boolean; check: boolean; only: string[]; cache: string; kernel: string; libbpf?: string }

/** Parses the command line into recipes; presets are `NAME=DIR`. */
export function parseArgs(argv: string[]): Opts {
  const recipes: Recipe[] = [];
  let custom: Recipe | undefined;
  let detail = false;
  let check = false;
  let only: string[] = [];
  let cache = path.join(os.tmpdir(), 'corelens-projects');
  let kernel = path.join(REPO_ROOT, 'test-fixtures/btf/kernels/6.18-amd64.btf.xz');
  let libbpf: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const next = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--detail') detail = true;
    else if (a === '--check') check = true;
    else if (a === '--only') only = next().split(',');
    else if (a === '--cache') cache = path.resolve(next());
    else if (a === '--kernel') kernel = path.resolve(next());
    else if (a === '--libbpf') libbpf = path.resolve(next());
    else if (a === '--root') recipes.push((custom = { name: path.basename(path.resolve(argv[i + 1] ?? '.')), root: path.resolve(next()), files: [], include: [], defines: [] }));
    else if (custom && a === '--files') custom.files.push(next());
    else if (custom && a === '--name') custom.name = next();
    else if (custom && a === '--own-vmlinux') custom.ownVmlinux = true;
    else if (custom && /^-(?:m|f)[\w-]/.test(a)) (custom.cflags ??= []).push(a);
    else if (custom && (a === '-I' || a.startsWith('-I'))) custom.include.push(a === '-I' ? next() : a.slice(2));
    else if (custom && (a === '-D' || a.startsWith('-D'))) custom.defines.push(a === '-D' ? next() : a.slice(2));
    else if (/^[\w-]+=/.test(a)) {
      const [name, dir] = [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)];
      const preset = PRESETS[name];
      if (!preset) throw new Error(`unknown project preset "${name}" (known: ${Object.keys(PRESETS).join(', ')})`);
      recipes.push(preset(path.resolve(dir)));
    } else throw new Error(`unknown argument "${a}"`);
  }
  if (!recipes.length) throw new Error(`usage: projects.js [--detail] [--check] [--only NAME,..] PRESET=DIR... | --root DIR --files GLOB -I DIR -D X -mcpu=v1 (presets: ${Object.keys(PRESETS).join(', ')})`);
  return { recipes, detail, check, only, cache, kernel, libbpf };
}

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  const all: [string, ProgramAgreement[]][] = [];
  for (const r of o.recipes) all.push([r.name, await measure(r, o)]);
  console.log('\n## summary (missing/extra/CSE as % of clang\'s relocations)');
  for (const [name, rs] of all) {
    const t = totals(rs);
    const pct = (n: number) => (t.relocations ? `${((100 * n) / t.relocations).toFixed(2)}%` : '-');
    console.log(`  ${name.padEnd(32)} programs ${String(rs.length).padStart(3)}  relocations ${String(t.relocations).padStart(5)}  `
      + `missing ${String(t.missing).padStart(4)} (${pct(t.missing)})  extra ${String(t.extra).padStart(4)} (${pct(t.extra)})  CSE ${String(t.merged).padStart(4)} (${pct(t.merged)})`);
  }
}

// run as a command, not when the inline-cost harness (inlinecost.ts) imports the recipes
if (require.main === module) main().catch((e) => {
  console.error((e as Error).message);
  process.exitCode = 1;
});
