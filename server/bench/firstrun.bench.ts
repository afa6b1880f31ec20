// `npm run bench -- firstrun` (issue 15): the editor's first run as a fresh install lives it. The bundled server
// (dist/corelens.js) in an install-like folder (dist/ with the default kernels and their seed slices, grammars/), a
// fresh slice cache, the 100-line first-run program opened at once; time and CPU from spawning the server to the
// first CO-RE problem, with the server's own phases (its log). Three starts: a fresh install with seed slices (what
// the .vsix ships), the same without them (every bundled archive decompressed and sliced: how it was before), and a
// second start (the cache warm: slices and the running kernel's slice). Every install has the bundle's V8 code cache
// the .vsix ships for this engine (client/build.mjs --code-cache-only makes it for the bundle just built). The code-server e2e (server/test/e2e/vscode.test.ts) prints what a user sees.

import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { renderTable } from '../src/util/format';
import { REPO, RUNS, spawnToFirstProblem } from './common';
import { addRow, spread } from './summary';

/** CPU ms (user + system) of a process and its live children (the long-lived xz), from /proc. */
function cpuMs(pid: number): number {
  const one = (p: number) => {
    try {
      const f = fs.readFileSync(`/proc/${p}/stat`, 'utf8').split(') ')[1]!.split(' ');
      return ((Number(f[11]) + Number(f[12])) * 1000) / 100; // clock ticks at USER_HZ 100
    } catch {
      return 0;
    }
  };
  let kids: number[] = [];
  try {
    for (const t of fs.readdirSync(`/proc/${pid}/task`)) {
      kids = kids.concat(fs.readFileSync(`/proc/${pid}/task/${t}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number));
    }
  } catch { /* gone */ }
  return one(pid) + kids.reduce((s, k) => s + one(k), 0);
}

/** An install-like folder: the bundle, the tree-sitter wasm files, the default kernels seeded by the bundle itself. */
function install(dir: string, seeds: boolean): string {
  const dist = path.join(dir, 'dist');
  fs.mkdirSync(path.join(dist, 'kernels'), { recursive: true });
  for (const f of ['corelens.js', 'server.js', 'web-tree-sitter.wasm']) fs.copyFileSync(path.join(REPO, 'dist', f), path.join(dist, f));
  // the bundle's V8 code cache the .vsix ships for this engine (made for this bundle in runFirstRunBench)
  fs.cpSync(path.join(REPO, 'dist', 'code-cache'), path.join(dist, 'code-cache'), { recursive: true });
  fs.cpSync(path.join(REPO, 'grammars'), path.join(dir, 'grammars'), { recursive: true });
  const from = path.join(REPO, 'test-fixtures', 'btf', 'kernels');
  const manifest = JSON.parse(fs.readFileSync(path.join(from, 'kernels.json'), 'utf8')) as { defaults: string[] };
  for (const n of manifest.defaults) fs.copyFileSync(path.join(from, `${n}.btf.xz`), path.join(dist, 'kernels', `${n}.btf.xz`));
  fs.copyFileSync(path.join(from, 'kernels.json'), path.join(dist, 'kernels', 'kernels.json'));
  if (seeds) {
    const r = spawnSync(process.execPath, [path.join(dist, 'corelens.js'), 'targets', 'seed', ...manifest.defaults.map((n) => path.join(dist, 'kernels', `${n}.btf.xz`))], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`seeding failed: ${r.stderr}`);
  }
  // what the extension forks: the launcher that runs corelens.js through the V8 code cache (client/src/serverLoader.ts)
  return path.join(dist, 'server.js');
}

interface Start { wallMs: number; cpuMs: number; phases: string }

/** One server start on `cache`: spawn → first CO-RE problem of the first-run program. */
async function start(script: string, cache: string, text: string): Promise<Start> {
  const { wallMs, after } = await spawnToFirstProblem(text, { script, env: { CORELENS_CACHE: cache } }, async (client) => {
    const cpu = cpuMs(client.proc.pid!);
    // the server logs its phases right after publishing
    for (let i = 0; i < 50 && !client.logs.some((l) => /first diagnostics/.test(l)); i++) await new Promise((r) => setTimeout(r, 20));
    const init = /initialize at \S+, (\d+) ms after the process started.*?code cache ([^)]*)\)/.exec(client.logs.join('\n'));
    const first = /first diagnostics for \S+ at \S+, \d+ ms after start: (.*)/.exec(client.logs.join('\n'))?.[1] ?? '?';
    const reads = /\(since start: (.*)\)/.exec(client.logs.find((l) => /targets loaded/.test(l)) ?? '')?.[1] ?? '?';
    return { cpuMs: cpu, phases: `process start to initialize ${init?.[1] ?? '?'} ms (code cache ${init?.[2] ?? '?'}), ${first}; ${reads}` };
  });
  return { wallMs, ...after };
}

/** `npm run bench -- firstrun`. */
export async function runFirstRunBench(): Promise<void> {
  if (!fs.existsSync(path.join(REPO, 'dist', 'corelens.js'))) throw new Error('no dist/corelens.js: run npm run build first');
  // what `npm run package` adds to the bundle: the code cache a fresh install of this engine starts from
  const cc = spawnSync(process.execPath, [path.join(REPO, 'client', 'build.mjs'), '--code-cache-only'], { encoding: 'utf8' });
  if (cc.status !== 0) throw new Error(`making the code cache failed: ${cc.stderr}`);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'corelens-firstrun-'));
  try {
    const text = fs.readFileSync(path.join(REPO, 'test-fixtures', 'editor', 'first-run', 'tracer.bpf.c'), 'utf8');
    const seeded = install(path.join(tmp, 'seeded'), true);
    const bare = install(path.join(tmp, 'bare'), false);
    const runs: Record<'seeded' | 'bare' | 'warm', Start[]> = { seeded: [], bare: [], warm: [] };
    for (let i = 0; i < RUNS; i++) {
      // alternating, so the machine's mood is shared; each first start on a cache of its own
      const cache = path.join(tmp, `cache-${i}`);
      runs.seeded.push(await start(seeded, cache, text));
      runs.warm.push(await start(seeded, cache, text));
      runs.bare.push(await start(bare, path.join(tmp, `cache-bare-${i}`), text));
    }
    const label = { seeded: 'fresh install (seed slices)', bare: 'fresh install without seed slices', warm: 'second start (cache warm)' };
    const rows: string[][] = [];
    for (const k of ['seeded', 'bare', 'warm'] as const) {
      const w = spread(runs[k].map((r) => r.wallMs));
      const c = spread(runs[k].map((r) => r.cpuMs));
      rows.push([label[k], `${w.median.toFixed(0)} (${w.min.toFixed(0)}–${w.max.toFixed(0)})`, `${c.median.toFixed(0)} (${c.min.toFixed(0)}–${c.max.toFixed(0)})`]);
      addRow({ path: `editor first run, ${label[k]}: server spawn to first problem, 100 lines, default targets`, measure: 'wall ms', corelens: runs[k].map((r) => r.wallMs),
        ...(k === 'seeded' ? { goal: { maxValue: 2000 } } : {}) });
      addRow({ path: `editor first run, ${label[k]}: server CPU (with xz) to first problem`, measure: 'CPU ms', corelens: runs[k].map((r) => r.cpuMs) });
    }
    console.log(renderTable(['start', 'spawn → first problem, wall ms (min–max)', 'server + xz CPU ms (min–max)'], rows));
    for (const k of ['seeded', 'bare', 'warm'] as const) console.log(`${label[k]}, last run: ${runs[k][runs[k].length - 1]!.phases}`);
    console.log(`${RUNS} runs each, alternating; load ${os.loadavg().map((l) => l.toFixed(1)).join(' ')} on ${os.cpus().length} cores`);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}
