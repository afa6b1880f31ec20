// Where the first problem's time goes in code-server (issue 15): lines up the browser driver's marks (drive-ui.mjs),
// code-server's own logs (extension host launched / started / our activation event) and corelens' client and server
// logs (bundle loaded, server spawned, initialize, targets, analysis, publish) on one clock, and prints each step with
// its share. Every source writes the time of day of this machine (UTC here), so they line up to the millisecond.
// Usage: node first-run-timeline.mjs <drive-ui output file> <code-server logs dir>   (prints; exit 1 if marks are missing,
// or if the server did not start its targets before initialize, or did not check the open program during the handshake:
// the early-start hint, serverProcess.ts)
import fs from 'fs';
import path from 'path';

const [,, uiFile, logsDir] = process.argv;
/** Milliseconds since midnight of a `HH:MM:SS.mmm` time of day. */
const ms = (hms) => {
  const [h, m, s] = hms.split(':');
  return ((Number(h) * 60 + Number(m)) * 60) * 1000 + Math.round(Number(s) * 1000);
};
const files = [];
const walk = (d) => {
  for (const e of fs.readdirSync(d, { withFileTypes: true })) {
    const p = path.join(d, e.name);
    if (e.isDirectory()) walk(p); else if (e.name.endsWith('.log')) files.push(p);
  }
};
walk(logsDir);
const read = (re) => files.filter((f) => re.test(path.basename(f))).map((f) => fs.readFileSync(f, 'utf8')).join('\n');
const ui = fs.readFileSync(uiFile, 'utf8');
const agent = read(/^remoteagent\.log$/);
const exthost = read(/^remoteexthost\.log$/);
const corelens = read(/^corelens\.log$/);

/** The first capture of `re` in `text` as ms since midnight (group 1 is a time of day). */
const at = (text, re) => {
  const m = re.exec(text);
  return m ? ms(m[1]) : undefined;
};
const T = '(\\d\\d:\\d\\d:\\d\\d\\.\\d{3})';
const marks = [
  ['workbench page requested', at(ui, new RegExp(`\\[ui [\\d.]+s ${T}\\] opening the workbench`))],
  ['extension host launched (code-server)', at(agent, new RegExp(`${T} \\[info\\] .*Launched Extension Host Process`))],
  ['workbench ready (explorer shown)', at(ui, new RegExp(`\\[ui [\\d.]+s ${T}\\] workbench ready`))],
  // the DOM's own times when drive-ui recorded them (a MutationObserver), else when its polling wait returned
  ['editor open (the file shown)', at(ui, new RegExp(`editor in the DOM at ${T}`)) ?? at(ui, new RegExp(`\\[ui [\\d.]+s ${T}\\] editor open`))],
  ['extension host started', at(exthost, new RegExp(`${T} \\[info\\] Extension host with pid \\d+ started`))],
  ['corelens activation event', at(exthost, new RegExp(`${T} \\[info\\] ExtensionService#_doActivateExtension corelens\\.corelens`))],
  ['extension bundle evaluation began', at(corelens, new RegExp(`extension bundle evaluation began at ${T}`))],
  ['extension bundle evaluation ended', at(corelens, new RegExp(`extension bundle evaluation began at \\S+, ended at ${T}`))],
  ['activate() called', at(corelens, new RegExp(`extension activated at ${T}`))],
  ['client starting the server', at(corelens, new RegExp(`starting the language server[^\\n]* at ${T}`))],
  ['server process spawned', at(corelens, new RegExp(`language server process spawned at ${T}`))],
  ['server: initialize received', at(corelens, new RegExp(`initialize at ${T}`))],
  ['client: server running', at(corelens, new RegExp(`language server running at ${T}`))],
  // activate() returning lets VS Code activate its eager extensions (git, GitHub); CORELENS_ACTIVATION_HOLD=1 holds
  // it until our first diagnostics or 1 s (extension.ts)
  ['activate() returned', at(corelens, new RegExp(`(?:activation held \\d+ ms, until [^\\n]*? at|activate\\(\\) returns at) ${T}`))],
  ['VS Code: eager extensions (git, ...) activating', at(exthost, new RegExp(`${T} \\[info\\] ExtensionService#_doActivateExtension \\S+, startup: true`))],
  ['server: early check of the open program done', at(corelens, new RegExp(`early check of \\S+ done at ${T}`))],
  ['server: first diagnostics published', at(corelens, new RegExp(`first diagnostics for \\S+ at ${T}`))],
  ['client: diagnostics handed to VS Code', at(corelens, new RegExp(`first diagnostics handed to VS Code at ${T}`))],
  ['error squiggle in the editor', at(ui, new RegExp(`error squiggle in the editor's DOM at ${T}`))],
  ['Problems panel shows the problem', at(ui, new RegExp(`problem row in the DOM at ${T}`)) ?? at(ui, new RegExp(`\\[ui [\\d.]+s ${T}\\] first problem`))],
];
// the server's own clock counts from its process start: place that start, and the early start, on the shared clock
const initAt = at(corelens, new RegExp(`initialize at ${T}`));
const initMs = /initialize at \S+, (\d+) ms after the process started/.exec(corelens)?.[1];
if (initAt !== undefined && initMs !== undefined) {
  const started = initAt - Number(initMs);
  marks.push(['server process started (node)', started]);
  const early = /early start: \d+ targets and the parser loading since (\d+) ms after the process started/.exec(corelens)?.[1];
  if (early !== undefined) marks.push(['server: early start (targets, parser) began', started + Number(early)]);
}
const missing = marks.filter(([n, t]) => t === undefined && !/requested|bundle evaluat|squiggle|returned|eager/.test(n)).map(([n]) => n);
const known = marks.filter(([, t]) => t !== undefined).sort((a, b) => a[1] - b[1]);
const open = marks.find(([n]) => n.startsWith('editor open'))[1];
const ready = marks.find(([n]) => n.startsWith('workbench ready'))[1];
const done = marks.find(([n]) => n.startsWith('Problems panel'))[1];
const lines = ['first-run timeline (ms from the editor opening; step = since the previous mark):'];
let prev;
for (const [name, t] of known) {
  lines.push(`  ${String(t - open).padStart(6)}  ${(prev === undefined ? '' : `+${t - prev}`).padStart(6)}  ${name}`);
  prev = t;
}
const server = /first diagnostics for \S+ at \S+, (.*)/.exec(corelens)?.[1];
if (server) lines.push(`  server: ${server}`);
const init = /initialize at \S+, (\d+) ms after the process started/.exec(corelens)?.[1];
if (init) lines.push(`  server: process start to initialize ${init} ms`);
// wall and CPU side by side (the server's own clock): where wall exceeds CPU the process waited for a core
const steps = /start-up steps \(ms since the process started\): (.*)/.exec(corelens)?.[1];
if (steps) lines.push(`  server start-up, ms since its process started (its CPU ms by then): ${steps}`);
const targetsAt = /early start: targets loaded (.*)/.exec(corelens)?.[1];
if (targetsAt) lines.push(`  server: early targets loaded ${targetsAt}`);
const earlyAt = /early check of \S+ done at \S+, (.*)/.exec(corelens)?.[1];
if (earlyAt) lines.push(`  server: early check done ${earlyAt}`);
const activation = marks.find(([n]) => n === 'corelens activation event')[1];
if (done !== undefined && activation !== undefined && open !== undefined) {
  // VS Code's part (its extension host starting, then activating us) and ours (from our activation event on)
  lines.push(`  VS Code before activating corelens: ${((activation - open) / 1000).toFixed(2)} s after the editor opened; corelens: activation event → problem shown ${((done - activation) / 1000).toFixed(2)} s`);
}
if (done !== undefined && ready !== undefined) lines.push(`  workbench ready → first problem ${((done - ready) / 1000).toFixed(2)} s; editor open → first problem ${((done - open) / 1000).toFixed(2)} s`);
console.log(lines.join('\n'));
if (!/early start: \d+ targets and the parser loading/.test(corelens)) missing.push("the server's early start (earlyStart.ts)");
if (missing.length) {
  console.error(`first-run timeline: no mark for ${missing.join(', ')}`);
  process.exit(1);
}
