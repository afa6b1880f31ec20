// BTFHub fleets without internet: a BTFHub-layout git repository and an HTTP tree on 127.0.0.1, built from the
// bundled real kernels; fetch, filter, resume an interrupted download, detect corrupt files, list, and check.

import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { main } from '../../src/cli/main';
import { parseFleetSpec, parseSelectEntry, parseSource, selectFiles, parseArchivePath, BtfhubFile } from '../../src/targets/btfhub';
import { ARCHIVE, TreeServer, blobId, buildArchive, serveTree } from '../support/btfhub';

interface Run { code: number; out: string; err: string }

async function run(...argv: string[]): Promise<Run> {
  let out = '';
  let err = '';
  const code = await main(argv, { out: (s) => (out += s + '\n'), err: (s) => (err += s + '\n') });
  return { code, out, err };
}

/** Blob ids the git client asked the source for (GIT_TRACE_PACKET, inherited by the git corelens runs). */
function wantedBlobs(trace: string, repo: string): Set<string> {
  const wants = new Set([...fs.readFileSync(trace, 'utf8').matchAll(/fetch> want ([0-9a-f]{40})/g)].map((m) => m[1]!));
  return new Set([...wants].filter((id) => execFileSync('git', ['cat-file', '-t', id], { cwd: repo }).toString().trim() === 'blob'));
}

/** Runs with packet tracing into a fresh file; returns the run and the blob ids it fetched. */
async function traced(repo: string, trace: string, ...argv: string[]): Promise<Run & { blobs: Set<string> }> {
  fs.rmSync(trace, { force: true });
  process.env.GIT_TRACE_PACKET = trace;
  try {
    const r = await run(...argv);
    return { ...r, blobs: fs.existsSync(trace) ? wantedBlobs(trace, repo) : new Set() };
  } finally {
    delete process.env.GIT_TRACE_PACKET;
  }
}

const STATE_PROG = `#include "fixture.h"
struct task_struct { unsigned int __state; int pid; } __attribute__((preserve_access_index));
SEC("kprobe/x") int probe(void *ctx) { struct task_struct *t = (void *)bpf_get_current_task(); return BPF_CORE_READ(t, __state); }
char LICENSE[] SEC("license") = "GPL";
`;

describe('BTFHub fleets (a git repository and an HTTP tree on 127.0.0.1, from the bundled kernels)', function () {
  this.timeout(240_000);
  let tmp: string;
  let tree: string;
  let server: TreeServer;
  const file = (rel: string) => path.join(tree, `${rel}.btf.tar.xz`);
  const cached = (cache: string, rel: string) => path.join(cache, 'btfhub', `${rel}.btf.tar.xz`);

  before(async () => {
    // git, tar and xz: installed with apt-get as root when missing, or the command to run is named.
    execFileSync(path.join(__dirname, '../../../../scripts/ensure-tools.sh'), { stdio: 'inherit' });
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'corelens-btfhub-'));
    tree = buildArchive(tmp);
    server = await serveTree(tree);
  });

  after(async () => {
    await server?.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('selections: DISTRO/RELEASE/ARCH, lists, kernel ranges, arch aliases; unsafe listing paths are refused', () => {
    const files = Object.keys(ARCHIVE).map((rel) => parseArchivePath(`${rel}.btf.tar.xz`, { algo: 'sha256', hex: '' })!);
    const names = (sel: Parameters<typeof selectFiles>[1]) => selectFiles(files, sel).map((f) => f.kernel);
    assert.deepStrictEqual(names(parseFleetSpec('debian/12/amd64') as never), ['6.1.0-50-amd64', '6.1.0-50-rt-amd64']);
    assert.deepStrictEqual(names(parseSelectEntry({ distro: 'debian', arch: ['aarch64'], kernel: '>=6' }) as never), ['6.1.0-50-arm64']);
    assert.deepStrictEqual(names(parseSelectEntry({ release: '11,13' }) as never).sort(), ['5.10.0-32-amd64', '5.10.0-32-arm64', '6.12.0-1-amd64']);
    assert.match(parseSelectEntry({ distro: '../etc' }) as string, /must be a name/);
    assert.match(parseSelectEntry({ distros: 'x' }) as string, /unknown key "distros"/);
    assert.match(parseFleetSpec('a/b/c/d') as string, /expected DISTRO\[\/RELEASE\[\/ARCH\]\]/);
    for (const bad of ['../x/y/z.btf.tar.xz', 'a/b/c/../z.btf.tar.xz', 'a/b/c.btf.tar.xz', 'a/b/c/d/e.btf.tar.xz', 'a/b/c/x.tar.gz']) {
      assert.strictEqual(parseArchivePath(bad, { algo: 'sha256', hex: '' }), undefined, bad);
    }
    assert.strictEqual(parseSource('https://github.com/aquasecurity/btfhub-archive').kind, 'git');
    assert.strictEqual(parseSource('https://mirror.example/btfhub/').kind, 'http');
    assert.strictEqual(parseSource('./mirror', undefined, '/ws').url, '/ws/mirror');
  });

  it('git: a partial clone lists every kernel without fetching one; fetch brings exactly the selected blobs, verified', async () => {
    const cache = path.join(tmp, 'git-cache');
    const trace = path.join(tmp, 'trace-1');
    const list = await traced(tree, trace, 'targets', 'list', '--source', tree, '--cache', cache, '--distro', 'debian');
    assert.strictEqual(list.code, 0, list.err);
    assert.strictEqual(list.blobs.size, 0, 'listing fetches no file');
    for (const rel of Object.keys(ARCHIVE)) assert.match(list.out, new RegExp(`${rel.replace(/[./]/g, '\\$&')} .* not cached`));

    const r = await traced(tree, trace, 'targets', 'fetch', '--source', tree, '--cache', cache, 'debian/12/x86_64', '--kernel', '>=6.1');
    assert.strictEqual(r.code, 0, r.err);
    const selected = ['debian/12/x86_64/6.1.0-50-amd64', 'debian/12/x86_64/6.1.0-50-rt-amd64'];
    assert.deepStrictEqual([...r.blobs].sort(), selected.map((rel) => blobId(file(rel))).sort(), 'only the selected blobs travel');
    assert.match(r.out, /6 kernels listed, 2 selected: 2 fetched/);
    assert.match(r.out, /debian\/12\/x86_64 +2 +6\.1\.0-50-amd64 +6\.1\.0-50-rt-amd64/);
    for (const rel of selected) assert.ok(fs.readFileSync(cached(cache, rel)).equals(fs.readFileSync(file(rel))), rel);
    for (const rel of Object.keys(ARCHIVE).filter((x) => !selected.includes(x))) assert.ok(!fs.existsSync(cached(cache, rel)), rel);
    // The clone stays a listing: the blobs' packs are dropped once their files are in the cache.
    const repo = fs.readdirSync(path.join(cache, 'btfhub', '.sources')).map((d) => path.join(cache, 'btfhub', '.sources', d, 'repo.git'))[0]!;
    const blobs = execFileSync('git', ['cat-file', '--batch-all-objects', '--batch-check=%(objecttype)'], { cwd: repo, stdio: ['ignore', 'pipe', 'ignore'] }).toString();
    assert.strictEqual(blobs.split('\n').filter((t) => t === 'blob').length, 0);

    const again = await traced(tree, trace, 'targets', 'fetch', '--source', tree, '--cache', cache, 'debian/12/x86_64', '--kernel', '>=6.1');
    assert.strictEqual(again.code, 0, again.err);
    assert.match(again.out, /0 fetched .* 2 already cached/);
    assert.strictEqual(again.blobs.size, 0);
  });

  it('git: an interrupted fetch resumes with what is missing; a corrupt cached file is found and fetched again', async () => {
    const cache = path.join(tmp, 'git-resume');
    const trace = path.join(tmp, 'trace-2');
    const first = await run('targets', 'fetch', '--source', tree, '--cache', cache, 'debian');
    assert.strictEqual(first.code, 0, first.err);
    // An interrupted run: two files never made it (a temporary left behind too, as a kill would leave it).
    const lost = ['debian/11/arm64/5.10.0-32-arm64', 'debian/13/x86_64/6.12.0-1-amd64'];
    for (const rel of lost) fs.rmSync(cached(cache, rel));
    fs.writeFileSync(`${cached(cache, lost[0]!)}.123.abcd.tmp`, 'half');
    const resumed = await traced(tree, trace, 'targets', 'fetch', '--source', tree, '--cache', cache, 'debian');
    assert.strictEqual(resumed.code, 0, resumed.err);
    assert.deepStrictEqual([...resumed.blobs].sort(), lost.map((rel) => blobId(file(rel))).sort(), 'only the missing files travel');
    assert.match(resumed.out, /2 fetched .* 4 already cached/);
    // Corruption in the cache (a flipped byte, same size): found by its blob id, fetched again.
    const victim = cached(cache, 'debian/12/x86_64/6.1.0-50-amd64');
    const good = fs.readFileSync(victim);
    const bad = Buffer.from(good);
    bad[1000]! ^= 1;
    fs.writeFileSync(victim, bad);
    const repaired = await run('targets', 'fetch', '--source', tree, '--cache', cache, 'debian/12');
    assert.strictEqual(repaired.code, 0, repaired.err);
    assert.match(repaired.out, /1 corrupt in the cache and fetched again/);
    assert.match(repaired.err, /6\.1\.0-50-amd64\.btf\.tar\.xz: the cached copy does not match its git blob id/);
    assert.ok(fs.readFileSync(victim).equals(good));
  });

  it('HTTP tree: SHA256SUMS, a cut connection resumed with a Range request, a corrupt file refused', async () => {
    const cache = path.join(tmp, 'http-cache');
    const big = 'debian/12/arm64/6.1.0-50-arm64';
    const rel = `${big}.btf.tar.xz`;
    const size = fs.statSync(file(big)).size;
    server.cutOnce(rel, 300_000);
    const cut = await run('targets', 'fetch', '--source', server.url, '--cache', cache, 'debian/12/arm64');
    assert.strictEqual(cut.code, 1);
    // The server cut after 300000 bytes; what reached the client before the reset is what it kept.
    const m = new RegExp(`connection closed after (\\d+) of ${size} bytes \\(run the command again to resume\\)`).exec(cut.err);
    assert.ok(m, cut.err);
    const got = Number(m![1]);
    assert.ok(got > 0 && got <= 300_000, String(got));
    assert.ok(!fs.existsSync(cached(cache, big)), 'nothing half-written in the cache');

    const resumed = await run('targets', 'fetch', '--source', server.url, '--cache', cache, 'debian/12/arm64');
    assert.strictEqual(resumed.code, 0, resumed.err);
    assert.deepStrictEqual(server.requests.filter((q) => q.path === rel).map((q) => q.range ?? 'whole'), ['whole', `bytes=${got}-`]);
    assert.strictEqual(server.sent.get(rel), 300_000 + size - got, 'the second request sends only the rest');
    assert.ok(fs.readFileSync(cached(cache, big)).equals(fs.readFileSync(file(big))));

    const bad = 'debian/11/x86_64/5.10.0-32-amd64';
    server.corrupt(`${bad}.btf.tar.xz`);
    try {
      const r = await run('targets', 'fetch', '--source', server.url, '--cache', cache, 'debian/11/x86_64');
      assert.strictEqual(r.code, 1);
      assert.match(r.err, /5\.10\.0-32-amd64\.btf\.tar\.xz: the downloaded file does not match its SHA-256 in SHA256SUMS .*it was not kept/);
      assert.ok(!fs.existsSync(cached(cache, bad)));
    } finally {
      server.corrupt(undefined);
    }
    const fixed = await run('targets', 'fetch', '--source', server.url, '--cache', cache, 'debian/11/x86_64', '--json');
    assert.strictEqual(fixed.code, 0, fixed.err);
    assert.deepStrictEqual(JSON.parse(fixed.out).fetched, [`${bad}.btf.tar.xz`]);
  });

  it('check --btfhub fetches what is missing, then checks; offline it works from the cache and names the fetch command', async () => {
    const cache = path.join(tmp, 'check-cache');
    const prog = path.join(tmp, 'prog', 'state.bpf.c');
    fs.mkdirSync(path.dirname(prog), { recursive: true });
    fs.copyFileSync(path.join(__dirname, '../../../../test-fixtures/programs/fixture.h'), path.join(path.dirname(prog), 'fixture.h'));
    fs.writeFileSync(prog, STATE_PROG);
    const base = ['check', prog, '--btfhub', 'debian', '--btfhub-source', tree, '--cache', cache, '--format', 'json'];
    const r = await run(...base, '--kernel', '>=5.10 <6.12');
    assert.strictEqual(r.code, 1, r.err);
    const j = JSON.parse(r.out);
    assert.deepStrictEqual(j.targets.map((t: { name: string }) => t.name).sort(),
      ['debian/11/arm64/5.10.0-32-arm64', 'debian/11/x86_64/5.10.0-32-amd64', 'debian/12/arm64/6.1.0-50-arm64',
        'debian/12/x86_64/6.1.0-50-amd64', 'debian/12/x86_64/6.1.0-50-rt-amd64']);
    const state = j.findings.find((f: { cause: string }) => f.cause === '`task_struct::__state` missing');
    assert.deepStrictEqual(state.targets.sort(), ['debian/11/arm64/5.10.0-32-arm64', 'debian/11/x86_64/5.10.0-32-amd64']);
    assert.ok(!fs.existsSync(cached(cache, 'debian/13/x86_64/6.12.0-1-amd64')), 'outside the range: not fetched');

    // Offline, the source gone: the cached kernels are checked, the missing one is named with its fetch command.
    const gone = `${tree}.gone`;
    fs.renameSync(tree, gone);
    try {
      const off = await run(...base, '--offline');
      assert.strictEqual(off.code, 1, off.err);
      assert.strictEqual(JSON.parse(off.out).stats.checked, 5);
      assert.match(off.err, /1 kernel of debian is not cached \(6\.12\.0-1-amd64\): run `corelens targets fetch --source \S+ --distro debian`/);
      const online = await run(...base);
      assert.match(online.err, /could not be reached .* using the listing of/);
      assert.strictEqual(JSON.parse(online.out).stats.checked, 5);
    } finally {
      fs.renameSync(gone, tree);
    }
  });

  it('corelens.json fleets: targets list shows arch, kernel, origin and cached state, and names what to fetch', async () => {
    const cache = path.join(tmp, 'list-cache');
    const ws = path.join(tmp, 'ws');
    fs.mkdirSync(ws, { recursive: true });
    fs.writeFileSync(path.join(ws, 'corelens.json'), JSON.stringify({
      targets: [{ name: 'mine', path: path.join(__dirname, '../../../../test-fixtures/btf/kernels/6.1-arm64.btf.xz') }],
      btfhub: { source: tree, select: [{ distro: 'debian', release: ['11', '13'], arch: 'x86_64' }] },
    }));
    const cfg = ['--config', path.join(ws, 'corelens.json'), '--cache', cache];
    const f = await run('targets', 'fetch', ...cfg, '--kernel', '<6');
    assert.strictEqual(f.code, 0, f.err);
    assert.match(f.out, /1 selected: 1 fetched/);
    const l = await run('targets', 'list', ...cfg);
    assert.strictEqual(l.code, 0, l.err);
    assert.match(l.out, /mine +arm64 +6\.1 +config +present/);
    assert.match(l.out, /debian\/11\/x86_64\/5\.10\.0-32-amd64 +x86_64 +5\.10\.0-32 +btfhub debian 11 +cached/);
    assert.match(l.out, /note: 1 kernel of debian\/11,13\/x86_64 is not cached \(6\.12\.0-1-amd64\): run `corelens targets fetch --source \S+ --distro debian --release 11,13 --arch x86_64`/);
    const j = JSON.parse((await run('targets', 'list', ...cfg, '--json')).out);
    const hub = j.targets.find((t: { origin: string }) => t.origin === 'btfhub');
    assert.deepStrictEqual([hub.arch, hub.distro, hub.release, hub.version], ['x86_64', 'debian', '11', [5, 10, 0, 32]]);
  });

  it('bad usage and unreachable sources: one line naming the problem', async () => {
    assert.strictEqual((await run('targets', 'frobnicate')).code, 2);
    const none = await run('targets', 'fetch', '--cache', path.join(tmp, 'none'), '--config', path.join(tmp, 'nope.json'));
    assert.strictEqual(none.code, 2);
    assert.match(none.err, /nope\.json: file not found/);
    const empty = await run('targets', 'fetch', '--cache', path.join(tmp, 'none'), '--config', path.join(tmp, 'ws', 'missing', 'corelens.json'));
    assert.strictEqual(empty.code, 2);
    const unreachable = await run('targets', 'fetch', '--source', path.join(tmp, 'no-such-repo'), '--cache', path.join(tmp, 'none'), 'debian');
    assert.strictEqual(unreachable.code, 1);
    assert.match(unreachable.err, /no-such-repo: git clone failed: .*(does not appear to be a git repository|not a git repository|does not exist)/i);
    const badRange = await run('targets', 'fetch', '--kernel', '>=five', 'debian');
    assert.strictEqual(badRange.code, 2);
  });
});

export type { BtfhubFile };
