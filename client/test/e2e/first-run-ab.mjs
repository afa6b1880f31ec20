// Alternating A/B code-server first runs (issue 15): runs `scripts/e2e-vscode.sh --first-run-only` for two arms (a
// .vsix and environment variables each; code-server passes the environment on to the extension host and the server,
// so one .vsix with a CORELENS_* switch is an A/B too) in ABBA order, and prints each run's steps from the first-run
// timeline and, per step, both arms' medians and ranges, how many pairs B was lower in and the pairwise median
// difference, with the load average before each run: single runs on this shared machine are not comparable.
// Usage: node client/test/e2e/first-run-ab.mjs [--pairs N] --a VSIX [--a-env K=V]... --b VSIX [--b-env K=V]...
//   [--out DIR]   (each run's output in DIR, default .tmp/first-run-ab/; exit 1 if a run failed)
import { spawnSync } from 'child_process';
import fs from 'fs';
import path from 'path';
import { fileURLToPath } from 'url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const arms = { A: { vsix: '', env: {} }, B: { vsix: '', env: {} } };
let pairs = 6;
let out = path.join(root, '.tmp', 'first-run-ab');
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  const a = argv[i], v = argv[++i];
  if (v === undefined) throw new Error(`${a} needs a value`);
  if (a === '--pairs') pairs = Number(v);
  else if (a === '--out') out = path.resolve(v);
  else if (/^--[ab]$/.test(a)) arms[a[2].toUpperCase()].vsix = path.resolve(v);
  else if (/^--[ab]-env$/.test(a)) {
    const [k, ...rest] = v.split('=');
    arms[a[2].toUpperCase()].env[k] = rest.join('=');
  } else throw new Error(`unknown argument ${a}`);
}
if (!arms.A.vsix || !arms.B.vsix || !(pairs > 0)) {
  console.error('usage: first-run-ab.mjs [--pairs N] --a VSIX [--a-env K=V]... --b VSIX [--b-env K=V]... [--out DIR]');
  process.exit(2);
}
fs.mkdirSync(out, { recursive: true });

/** Each step: its name, and how to read it from one run's output (milliseconds; NaN when a mark is missing). */
const STEPS = [
  ['editor open → first problem', (r) => 1000 * num(/editor open → first problem ([\d.]+) s/, r.text)],
  ['VS Code before our activation', (r) => 1000 * num(/before activating corelens: ([\d.]+) s/, r.text)],
  ['ours (activation → problem)', (r) => 1000 * num(/activation event → problem shown ([\d.]+) s/, r.text)],
  ['activation → activate() called', (r) => r.mark('activate() called') - r.mark('corelens activation event')],
  ['activate() → server spawned', (r) => r.mark('server process spawned') - r.mark('activate() called')],
  ['server start → early check done', (r) => r.mark('server: early check of the open program done') - r.mark('server process started (node)')],
  ['server CPU to the early check', (r) => num(/early check done \d+ ms after the process started \(\d+ ms; process CPU (\d+) ms/, r.text)],
  ['publish → handed to VS Code', (r) => r.mark('client: diagnostics handed to VS Code') - r.mark('server: first diagnostics published')],
  ['publish → Problems panel', (r) => r.mark('Problems panel shows the problem') - r.mark('server: first diagnostics published')],
  ['activate() → Problems panel', (r) => r.mark('Problems panel shows the problem') - r.mark('activate() called')],
];
const num = (re, text) => Number(re.exec(text)?.[1] ?? NaN);

/** One first run of an arm: its output, the load before it, and its timeline marks (ms from the editor opening). */
function run(label, k) {
  const load = Number(fs.readFileSync('/proc/loadavg', 'utf8').split(' ')[0]);
  const r = spawnSync(path.join(root, 'scripts', 'e2e-vscode.sh'), ['--first-run-only', arms[label].vsix],
    { cwd: root, encoding: 'utf8', env: { ...process.env, ...arms[label].env }, timeout: 600_000 });
  const text = `${r.stdout}\n${r.stderr}`;
  fs.writeFileSync(path.join(out, `${String(k).padStart(2, '0')}-${label}.txt`), text);
  const mark = (name) => {
    const esc = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    return num(new RegExp(`^\\s+(-?\\d+)\\s+\\S*\\s+${esc}`, 'm'), text);
  };
  return { label, load, ok: r.status === 0, text, mark };
}

const median = (v) => {
  const s = v.filter((x) => !Number.isNaN(x)).sort((x, y) => x - y);
  if (!s.length) return NaN;
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const range = (v) => { const s = v.filter((x) => !Number.isNaN(x)); return s.length ? `${Math.min(...s)}–${Math.max(...s)}` : '-'; };

const runs = { A: [], B: [] };
console.log(`A: ${arms.A.vsix} ${JSON.stringify(arms.A.env)}\nB: ${arms.B.vsix} ${JSON.stringify(arms.B.env)}`);
console.log(['run', 'load', ...STEPS.map(([n]) => n)].join('\t'));
let k = 0;
for (let p = 0; p < pairs; p++) {
  for (const label of p % 2 ? ['B', 'A'] : ['A', 'B']) {
    const r = run(label, ++k);
    runs[label].push(r);
    console.log([`${label}${p + 1}${r.ok ? '' : ' FAILED'}`, r.load, ...STEPS.map(([, f]) => Math.round(f(r)))].join('\t'));
  }
}
const loads = [...runs.A, ...runs.B].map((r) => r.load);
console.log(`\n${pairs} alternating pairs, load ${Math.min(...loads)}–${Math.max(...loads)}; medians (ranges), ms:`);
for (const [name, f] of STEPS) {
  const a = runs.A.map(f), b = runs.B.map(f);
  const lower = a.filter((x, i) => b[i] < x).length;
  const diff = median(a.map((x, i) => b[i] - x));
  console.log(`  ${name.padEnd(34)} A ${String(Math.round(median(a))).padStart(5)} (${range(a.map(Math.round))})  B ${String(Math.round(median(b))).padStart(5)} (${range(b.map(Math.round))})  B lower in ${lower}/${pairs}, pairwise ${diff >= 0 ? '+' : ''}${Math.round(diff)}`);
}
const failed = [...runs.A, ...runs.B].filter((r) => !r.ok).length;
if (failed) console.log(`${failed} run(s) failed: outputs in ${out}`);
process.exit(failed ? 1 : 0);
