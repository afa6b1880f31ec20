// Small parts of `corelens check`: version ranges, kernel names, target summaries, the slice cache format, and the
// diagnostics options check relies on (target descriptions, sizes without a target spec).

import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { SliceCache, stampOf } from '../../src/check/cache';
import { summarizeTargets } from '../../src/targets/summary';
import { archFromName, inRange, kernelVersion, parseVersionRange, VersionRange } from '../../src/targets/tree';

const range = (s: string) => parseVersionRange(s) as VersionRange;

describe('check: kernel versions and ranges', () => {
  it('reads versions from BTFHub and Debian kernel names', () => {
    assert.deepStrictEqual(kernelVersion('5.4.0-100-generic'), [5, 4, 0, 100]);
    assert.deepStrictEqual(kernelVersion('4.18.0-348.el8.x86_64'), [4, 18, 0, 348]);
    assert.deepStrictEqual(kernelVersion('6.1-amd64'), [6, 1]);
    assert.strictEqual(kernelVersion('cilium-ci-2026-04-amd64'), undefined);
    assert.strictEqual(archFromName('4.18.0-348.el8.x86_64'), 'x86_64');
    assert.strictEqual(archFromName('6.1-arm64'), 'arm64');
  });

  it('ranges: comparators, partial versions as prefixes, alternatives', () => {
    assert.ok(inRange([5, 4, 0, 100], range('>=5.4 <6.2')));
    assert.ok(!inRange([6, 2, 0], range('>=5.4 <6.2')));
    assert.ok(inRange([5, 4, 0, 100], range('5.4')));
    assert.ok(inRange([5, 4, 0, 100], range('<=5.4')));
    assert.ok(!inRange([5, 4, 9], range('>5.4')));
    assert.ok(inRange([5, 5], range('>5.4')));
    assert.ok(!inRange([5, 3, 18], range('>=5.4')));
    assert.ok(inRange([4, 18, 0], range('4.18 || >=5.14')));
    assert.ok(!inRange([5, 10], range('4.18 || >=5.14')));
    assert.ok(!inRange(undefined, range('>=1')));
    assert.strictEqual(typeof parseVersionRange('>=5.4 <'), 'string');
    assert.strictEqual(typeof parseVersionRange('||'), 'string');
  });
});

describe('check: target summaries', () => {
  const fleet = [
    ...[4, 9, 10, 13].map((m, i) => ({ name: `k5.${m}-${i}`, version: [5, m, 0, i] })),
    ...[14, 15, 15, 19].map((m, i) => ({ name: `k5.${m}-n${i}`, version: [5, m, 0, i] })),
    ...[1, 2].map((m, i) => ({ name: `k6.${m}-${i}`, version: [6, m, 0, i] })),
  ];
  it('"5.14 and newer" when the set is every kernel from a version on', () => {
    const newer = fleet.filter((t) => t.version[0] === 6 || t.version[1]! >= 14).map((t) => t.name);
    assert.strictEqual(summarizeTargets(newer, fleet), '5.14 and newer, 6 kernels');
  });
  it('"and older", ranges, partial minors, unversioned names, every', () => {
    const older = fleet.filter((t) => t.version[0] === 5 && t.version[1]! < 14).map((t) => t.name);
    assert.strictEqual(summarizeTargets([...older, 'k5.14-n0'], fleet), '5.14 and older, 5 kernels');
    assert.strictEqual(summarizeTargets(['k5.10-2', 'k5.13-3', 'k5.14-n0', 'k5.15-n1', 'k5.15-n2'], fleet), '5.10 to 5.15, 5 kernels');
    assert.strictEqual(summarizeTargets(['k5.4-0', 'k5.9-1', 'k5.10-2', 'k5.15-n1', 'k6.1-0'], fleet), '5.10 and older, 5.15: 1 of 2, 6.1; 5 kernels');
    assert.strictEqual(summarizeTargets(['a', 'b'], fleet), 'a, b');
    assert.strictEqual(summarizeTargets(fleet.map((t) => t.name), fleet), 'every kernel (10)');
  });
});

describe('check: slice cache', () => {
  it('stores and finds an entry by path, size and mtime; a changed stamp misses', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'corelens-cache-unit-'));
    try {
      const f = path.join(dir, 'k.btf');
      fs.writeFileSync(f, 'x');
      const cache = new SliceCache(path.join(dir, 'c'));
      const stamp = await stampOf(f);
      assert.strictEqual(await cache.get(stamp), undefined);
      assert.strictEqual(await cache.put({ stamp, names: ['task_struct'], ids: Uint32Array.from([3, 9]), bytes: Uint8Array.from([1, 2, 3]) }), undefined);
      const e = await cache.get(stamp) as import('../../src/check/cache').CacheEntry;
      assert.deepStrictEqual([...e!.ids], [3, 9]);
      assert.deepStrictEqual([...e!.bytes], [1, 2, 3]);
      assert.deepStrictEqual(e!.names, ['task_struct']);
      assert.strictEqual(await cache.get({ ...stamp, size: 2 }), undefined);
      assert.strictEqual(await cache.get({ ...stamp, mtimeMs: stamp.mtimeMs + 1 }), undefined);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
