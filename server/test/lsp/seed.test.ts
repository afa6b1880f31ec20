// Seed slices (check/cache.ts): what the packaged extension ships beside each bundled kernel so a fresh install's
// first start decompresses no archive. A seed must give exactly the slice a read of its archive gives, be used only
// with the archive it was cut from, and never be trusted when damaged.

import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { LiveSite } from '../../src/features/evaluate';
import { FleetTargets, documentRoots, evaluateDistinct } from '../../src/fleet';
import { seedFileOf } from '../../src/check/cache';
import { main } from '../../src/cli/main';
import { createAnalyzer } from '../../src/source/analyzer';
import { TargetSpec } from '../../src/targets/registry';
import { FIXTURES, kernelPath } from '../support/paths';

const SEEDED = ['5.10-arm64', '6.1-amd64'];

/** Runs the CLI in-process, collecting its output. */
async function cli(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, { out: (s: string) => { out += `${s}\n`; }, err: (s: string) => { err += `${s}\n`; } });
  return { code, out, err };
}

describe('seed slices: a fresh install reads no bundled archive', function () {
  this.timeout(120_000);
  let tmp: string;
  let specs: TargetSpec[];
  before(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'corelens-seed-'));
    specs = SEEDED.map((k) => {
      const file = path.join(tmp, `${k}.btf.xz`);
      fs.copyFileSync(kernelPath(k), file);
      return { name: k, path: file, kind: 'kernel' as const };
    });
    const r = await cli(['targets', 'seed', ...specs.map((s) => s.path)]);
    assert.strictEqual(r.code, 0, r.err);
    assert.match(r.out, /6\.1-amd64\.btf\.xz\.slice: \d+ types, \d+ KB/);
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('serves the first load from the seeds, with the very slices and results of reading the archives', async () => {
    const seeded = new FleetTargets({ cacheDir: path.join(tmp, 'cache-a') });
    seeded.configure(specs);
    await seeded.load();
    assert.strictEqual(seeded.archivesRead, 0, 'no archive read');
    assert.strictEqual(seeded.seedsUsed, specs.length);
    const read = new FleetTargets({ cacheDir: path.join(tmp, 'cache-b'), seeds: false });
    read.configure(specs);
    await read.load();
    assert.strictEqual(read.archivesRead, specs.length);
    // byte-identical slices, the same id maps, the same arch
    for (const [i, t] of seeded.ready().entries()) {
      const u = read.ready()[i]!;
      assert.deepStrictEqual(Buffer.from(t.btf.bytes), Buffer.from(u.btf.bytes), `${t.name}: slice bytes`);
      assert.deepStrictEqual([...t.ids!], [...u.ids!], `${t.name}: id map`);
      assert.strictEqual(t.info.arch, u.info.arch);
    }
    assert.deepStrictEqual(seeded.infos().map((i) => i.arch), ['arm64', 'x86_64']);
    // and a program relocates the same on both (its roots are within the seed's)
    const analyzer = await createAnalyzer();
    const file = path.join(FIXTURES, 'editor', 'first-run', 'tracer.bpf.c');
    const a = analyzer.analyze(file, fs.readFileSync(file, 'utf8'), { includePaths: [] });
    assert.ok(seeded.covers(documentRoots(a.localBtf(), a.sites, a.plainAccesses)), 'the first-run program needs nothing beyond the seed');
    const facts = (evs: ReturnType<typeof evaluateDistinct>) => evs.flatMap((ev) => [...ev.targets].map(([n, s]) => [n, s.result.status, s.result.value, s.result.targetTypeId, s.result.problem]));
    const x = facts(evaluateDistinct(a.localBtf(), a.sites as LiveSite[], seeded.ready()));
    assert.ok(x.length >= 10, `${x.length} site × target results`);
    assert.deepStrictEqual(x, facts(evaluateDistinct(a.localBtf(), a.sites as LiveSite[], read.ready())));
    // the seed went into the cache: the next start is an ordinary warm start
    const warm = new FleetTargets({ cacheDir: path.join(tmp, 'cache-a'), seeds: false });
    warm.configure(specs);
    await warm.load();
    assert.strictEqual(warm.archivesRead, 0);
  });

  it('reads the archive when the seed does not cover the names, was cut from other bytes, or is damaged', async () => {
    // names beyond the seed: the archive is read (and the slice covers them)
    const wider = new FleetTargets({ cacheDir: path.join(tmp, 'cache-c') });
    wider.configure(specs.slice(1));
    await wider.load(['xdp_rxq_info']);
    assert.strictEqual(wider.seedsUsed, 0);
    assert.strictEqual(wider.archivesRead, 1);
    assert.ok(wider.covers(['xdp_rxq_info', 'task_struct']));
    // another archive under the seeded name: its hash differs, the seed is not used
    const other = path.join(tmp, 'swapped.btf.xz');
    fs.copyFileSync(kernelPath('6.12-amd64'), other);
    fs.copyFileSync(seedFileOf(specs[1]!.path), seedFileOf(other));
    const swapped = new FleetTargets({ cacheDir: path.join(tmp, 'cache-d') });
    swapped.configure([{ name: 'swapped', path: other }]);
    await swapped.load();
    assert.strictEqual(swapped.seedsUsed, 0);
    assert.strictEqual(swapped.archivesRead, 1);
    // a flipped byte in the seed: its checksum fails, the archive is read
    const bytes = fs.readFileSync(seedFileOf(specs[0]!.path));
    bytes[bytes.length - 100] ^= 0xff;
    fs.writeFileSync(seedFileOf(specs[0]!.path), bytes);
    const damaged = new FleetTargets({ cacheDir: path.join(tmp, 'cache-e') });
    damaged.configure(specs.slice(0, 1));
    await damaged.load();
    assert.strictEqual(damaged.seedsUsed, 0);
    assert.strictEqual(damaged.archivesRead, 1);
    assert.deepStrictEqual(damaged.failed(), []);
  });

  it('refuses to seed what is not BTF, naming the file', async () => {
    const bad = path.join(tmp, 'bad.btf.xz');
    fs.writeFileSync(bad, 'not xz at all');
    const r = await cli(['targets', 'seed', bad]);
    assert.strictEqual(r.code, 1);
    assert.match(r.err, /bad\.btf\.xz/);
    assert.ok(!fs.existsSync(seedFileOf(bad)));
    assert.strictEqual((await cli(['targets', 'seed'])).code, 2);
  });
});
