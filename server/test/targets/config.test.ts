// Target configuration: corelens.json and settings entries, resolved relative to their file, bad ones reported.

import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { readConfigFile, resolveTargets } from '../../src/targets/config';
import { defaultTargetName, parseTargetArg } from '../../src/targets/registry';

describe('target configuration', () => {
  it('resolves paths against the config file and names targets after their files', () => {
    const r = resolveTargets([{ path: 'btf/6.1-amd64.btf.xz' }, { name: 'mod', path: 'm.btf', base: 'vmlinux', kind: 'kernel' }], '/ws');
    assert.deepStrictEqual(r.problems, []);
    assert.deepStrictEqual(r.targets, [
      { name: '6.1-amd64', path: '/ws/btf/6.1-amd64.btf.xz' },
      { name: 'mod', path: '/ws/m.btf', base: '/ws/vmlinux', kind: 'kernel' },
    ]);
  });

  it('reports bad entries and keeps the good ones', () => {
    const r = resolveTargets([{ name: 'a', path: 'x' }, { name: 'a', path: 'y' }, { path: '' }, 'str', { path: 'z', kind: 'vm' }, { path: 'ok.btf' }], '/ws', '/ws/corelens.json');
    assert.deepStrictEqual(r.targets.map((t) => t.name), ['a', 'ok']);
    assert.deepStrictEqual(r.problems.map((p) => p.message), [
      'target #2: the name "a" is used twice; targets need distinct names',
      'target #3 has no "path"',
      'target #4 must be an object {name, path, base?, kind?, arch?}',
      'target #5 ("z"): "kind" must be "kernel" or "app"',
    ]);
    assert.ok(r.problems.every((p) => p.file === '/ws/corelens.json'));
    assert.strictEqual(resolveTargets({ not: 'a list' }, '/ws').problems.length, 1);
  });

  it('reads corelens.json with include paths, and says what is wrong with a broken one', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'corelens-cfg-'));
    try {
      assert.strictEqual(readConfigFile(dir), undefined);
      fs.writeFileSync(path.join(dir, 'corelens.json'), '{"targets":[{"path":"k.btf"}],"includePaths":["inc"]}');
      const ok = readConfigFile(dir)!;
      assert.deepStrictEqual(ok.targets, [{ name: 'k', path: path.join(dir, 'k.btf') }]);
      assert.deepStrictEqual(ok.includePaths, [path.join(dir, 'inc')]);
      fs.writeFileSync(path.join(dir, 'corelens.json'), '{"targets": [');
      assert.match(readConfigFile(dir)!.problems[0]!.message, /corelens\.json is not valid JSON/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('parses --target arguments', () => {
    assert.deepStrictEqual(parseTargetArg('k=/b/v.btf'), { name: 'k', path: '/b/v.btf' });
    assert.deepStrictEqual(parseTargetArg('/b/5.4.0-1.btf.tar.xz'), { name: '5.4.0-1', path: '/b/5.4.0-1.btf.tar.xz' });
    assert.deepStrictEqual(parseTargetArg('m=mod.btf,base=vmlinux,kind=kernel'), { name: 'm', path: 'mod.btf', base: 'vmlinux', kind: 'kernel' });
    assert.match(parseTargetArg('m=mod.btf,color=red') as string, /bad target option "color=red"/);
    assert.strictEqual(defaultTargetName('/sys/kernel/btf/vmlinux'), 'running');
  });
});
