// The minimize / merge / header commands: outputs, clear errors naming the file, exit codes, no partial files.

import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { main } from '../../src/cli/main';
import { Btf } from '../../src/btf/reader';
import { FIXTURES, OBJECTS_DIR, TARGETS_DIR } from '../support/paths';

async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, { out: (s) => (out += s + '\n'), err: (s) => (err += s + '\n') });
  return { code, out, err };
}

const OBJ = path.join(OBJECTS_DIR, 'kernel_task.bpfel.o');
const OLD = path.join(TARGETS_DIR, 'kernel_old.btf');
const APP = path.join(FIXTURES, 'btf', 'apps', 'btf-base-new.btf');

describe('CLI: minimize, merge, header', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'corelens-tools-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('minimize writes one file per target and reports kept types and relocations', async () => {
    const r = await run(['minimize', OBJ, '--target', `old=${OLD}`, '--out', dir]);
    assert.strictEqual(r.code, 0, r.err);
    const btf = Btf.parse(fs.readFileSync(path.join(dir, 'old.btf')), 'old');
    assert.ok(btf.findByName('task_struct'));
    assert.match(r.out, /old\s+\S+old\.btf\s+\d+ \/ \d+/);
  });

  it('minimize: an unreadable target is named, exit 1, no file for it; the others are still written', async () => {
    const r = await run(['minimize', OBJ, '--target', `bad=${path.join(dir, 'nope.btf')}`, '--target', `old=${OLD}`, '--out', dir]);
    assert.strictEqual(r.code, 1);
    assert.match(r.err, /cannot read target bad \(.*nope\.btf\)/);
    assert.deepStrictEqual(fs.readdirSync(dir).sort(), ['old.btf']);
  });

  it('minimize: a target that is not BTF is named with the reason', async () => {
    const junk = path.join(dir, 'junk.btf');
    fs.writeFileSync(junk, 'not btf at all, just text');
    const out = path.join(dir, 'out');
    const r = await run(['minimize', OBJ, '--target', `junk=${junk}`, '--out', out]);
    assert.strictEqual(r.code, 1);
    assert.match(r.err, /junk\.btf/);
    assert.deepStrictEqual(fs.readdirSync(out), []);
  });

  it('minimize: an output directory that cannot be created is an error', async () => {
    const file = path.join(dir, 'a-file');
    fs.writeFileSync(file, '');
    const r = await run(['minimize', OBJ, '--target', `old=${OLD}`, '--out', path.join(file, 'sub')]);
    assert.strictEqual(r.code, 1);
    assert.match(r.err, /cannot create output directory/);
  });

  it('minimize: usage errors exit 2', async () => {
    assert.strictEqual((await run(['minimize', OBJ, '--out', dir])).code, 2);
    assert.strictEqual((await run(['minimize', '--target', `old=${OLD}`, '--out', dir])).code, 2);
    assert.strictEqual((await run(['minimize', OBJ, '--target', `old=${OLD}`])).code, 2);
    assert.strictEqual((await run(['minimize', OBJ, '--bogus'])).code, 2);
  });

  it('merge writes kernel + app; an unwritable destination leaves nothing behind', async () => {
    const out = path.join(dir, 'merged.btf');
    const r = await run(['merge', OLD, APP, '--out', out]);
    assert.strictEqual(r.code, 0, r.err);
    const btf = Btf.parse(fs.readFileSync(out), out);
    assert.ok(btf.findByName('task_struct') && btf.findByName('data'));
    const missing = path.join(dir, 'no-such-dir', 'merged.btf');
    const bad = await run(['merge', OLD, APP, '--out', missing]);
    assert.strictEqual(bad.code, 1);
    assert.match(bad.err, /cannot write .*no-such-dir\/merged\.btf: directory .* does not exist/);
    assert.deepStrictEqual(fs.readdirSync(dir).sort(), ['merged.btf']);
  });

  it('merge: an unreadable app is named, exit 1, and the destination is untouched', async () => {
    const out = path.join(dir, 'merged.btf');
    fs.writeFileSync(out, 'previous');
    const r = await run(['merge', OLD, path.join(dir, 'missing-app.btf'), '--out', out]);
    assert.strictEqual(r.code, 1);
    assert.match(r.err, /missing-app\.btf/);
    assert.strictEqual(fs.readFileSync(out, 'utf8'), 'previous');
  });

  it('header prints a C header to stdout, or writes --out atomically; unreadable input exits 1', async () => {
    const r = await run(['header', OLD]);
    assert.strictEqual(r.code, 0, r.err);
    assert.match(r.out, /^#ifndef __VMLINUX_H__/);
    assert.match(r.out, /struct task_struct \{/);
    const out = path.join(dir, 'vmlinux.h');
    assert.strictEqual((await run(['header', OLD, '--out', out])).code, 0);
    assert.strictEqual(fs.readFileSync(out, 'utf8'), r.out);
    const bad = await run(['header', path.join(dir, 'nope.btf')]);
    assert.strictEqual(bad.code, 1);
    assert.match(bad.err, /cannot read .*nope\.btf/);
    assert.strictEqual(bad.out, '');
  });
});
