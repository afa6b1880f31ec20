// The language server's target store at fleet scale: slices instead of whole kernels, exactly the same results,
// the disk cache shared with `check` (a warm start reads no archive), slices widened when a new root type is needed,
// reads capped, failures per target.

import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { LiveSite, evaluateSites } from '../../src/features/evaluate';
import { FleetTargets, documentRoots, evaluateDistinct } from '../../src/fleet';
import { createAnalyzer } from '../../src/source/analyzer';
import { TargetSpec, loadTarget } from '../../src/targets/registry';
import { FIXTURES, KERNELS, kernelPath } from '../support/paths';

const PROGRAMS = ['kernel_task', 'kernel_net', 'sel_types'];

describe('language server targets as slices (fleet scale)', function () {
  this.timeout(240_000);
  let tmp: string;
  let cache: string;
  const specs: TargetSpec[] = KERNELS.map((k) => ({ name: k, path: kernelPath(k), kind: 'kernel' }));
  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'corelens-fleet-'));
    cache = path.join(tmp, 'cache');
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('relocates every fixture program exactly as on the whole kernels (ids mapped back), each slice a few dozen KB', async () => {
    const fleet = new FleetTargets({ cacheDir: cache, concurrency: 2 });
    // A second name for one kernel (another file, same bytes): its slice is shared, its results are its own.
    const twin = path.join(tmp, 'twin-6.1-amd64.btf.xz');
    fs.copyFileSync(kernelPath('6.1-amd64'), twin);
    fleet.configure([...specs, { name: 'twin', path: twin }]);
    const analyzer = await createAnalyzer();
    const whole = await Promise.all(specs.map(async (s) => {
      const r = await loadTarget(s);
      assert.ok(r.ok);
      return { name: s.name, btf: r.value.btf };
    }));
    let compared = 0;
    for (const p of PROGRAMS) {
      const file = path.join(FIXTURES, 'programs', `${p}.bpf.c`);
      const a = analyzer.analyze(file, fs.readFileSync(file, 'utf8'), { includePaths: [path.join(FIXTURES, 'programs')] });
      const local = a.localBtf();
      await fleet.load(documentRoots(local, a.sites, a.plainAccesses));
      const ready = fleet.ready();
      assert.strictEqual(ready.length, specs.length + 1);
      assert.strictEqual(ready.find((t) => t.name === 'twin')!.btf, ready.find((t) => t.name === '6.1-amd64')!.btf, 'identical slices are one BTF');
      const onSlices = evaluateDistinct(local, a.sites as LiveSite[], ready);
      const onWhole = evaluateSites(local, a.sites as LiveSite[], whole);
      onSlices.forEach((ev, i) => {
        for (const t of [...specs, { name: 'twin' }]) {
          const x = ev.targets.get(t.name)!;
          const y = onWhole[i]!.targets.get(t.name === 'twin' ? '6.1-amd64' : t.name)!;
          const facts = (s: typeof x) => [s.result.status, s.result.value, s.result.localValue, s.result.failure, s.result.problem, s.result.suggestion,
            s.result.targetTypeId, s.result.candidates, s.result.matched, s.runs, s.offByIndex];
          assert.deepStrictEqual(facts(x), facts(y), `${p} site ${i} (${ev.site.localType} ${ev.site.access} kind ${ev.site.kind}) on ${t.name}`);
          compared++;
        }
      });
    }
    console.log(`      slices vs whole kernels: ${compared} site × target results compared, 0 differences`);
    assert.ok(compared > 1000);
    for (const t of fleet.ready()) assert.ok(t.ids && t.btf.typeCount < 5000, `${t.name}: a slice (${t.btf.typeCount} types)`);
    assert.strictEqual(new Set(fleet.ready().map((t) => t.btf)).size, specs.length, 'distinct kernels, distinct slices');
    assert.ok(fleet.peakReads <= 2, `at most 2 archives at once (${fleet.peakReads})`);
    assert.ok(fleet.archivesRead >= specs.length);
  });

  it('a warm start reads no archive; a new root type widens every slice once, then the cache has it', async () => {
    const warm = new FleetTargets({ cacheDir: cache });
    warm.configure(specs);
    await warm.load(['task_struct', 'sk_buff']);
    assert.strictEqual(warm.archivesRead, 0, 'every slice from the cache');
    assert.deepStrictEqual(warm.ready().map((t) => t.name), specs.map((s) => s.name));
    assert.deepStrictEqual(warm.infos().map((i) => i.arch), KERNELS.map((k) => (k.includes('arm64') ? 'arm64' : 'x86_64')), 'arch from the cache entry');
    assert.ok(!warm.covers(['xdp_rxq_info']));
    await warm.load(['xdp_rxq_info']);
    assert.strictEqual(warm.archivesRead, specs.length, 'each archive read once for the new type');
    assert.ok(warm.covers(['xdp_rxq_info', 'task_struct']));
    const again = new FleetTargets({ cacheDir: cache });
    again.configure(specs);
    await again.load(['xdp_rxq_info']);
    assert.strictEqual(again.archivesRead, 0);
    assert.ok(again.ready().every((t) => t.btf.findByName('xdp_rxq_info', 4) > 0), 'the widened slices hold the new type');
  });

  it('a target that fails is kept apart with its file named; the others serve', async () => {
    const bad = path.join(tmp, 'bad.btf.xz');
    fs.writeFileSync(bad, Buffer.from('\xfd7zXZ\0 truncated', 'latin1'));
    const fleet = new FleetTargets({ cacheDir: cache });
    fleet.configure([specs[0]!, { name: 'bad', path: bad }, { name: 'gone', path: path.join(tmp, 'nowhere.btf') }]);
    await fleet.load();
    assert.deepStrictEqual(fleet.ready().map((t) => t.name), [specs[0]!.name]);
    const failed = fleet.failed();
    assert.deepStrictEqual(failed.map((f) => f.target), ['bad', 'gone']);
    assert.match(failed[0]!.message, /bad\.btf\.xz/);
    assert.match(failed[1]!.message, /file not found/);
    assert.strictEqual(fleet.state('bad'), 'failed');
    assert.strictEqual(fleet.state(specs[0]!.name), 'loaded');
  });
});
