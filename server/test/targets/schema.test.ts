// Unknown configuration keys, derived from the schemas (one source of truth each): corelens.json's JSON schema and
// the settings package.json contributes. A key added to a schema is known with no other change; the two schemas
// agree where they describe the same thing.

import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { CODES } from '../../src/features/diagnostics';
import { readConfigFile } from '../../src/targets/config';
import { SchemaNode, closestName, keyPositions, schemas, settingsSchema, unknownKeys, unknownKeysInText } from '../../src/targets/schema';
import { REPO_ROOT } from '../support/paths';
import { scratch } from '../support/bpfLoad';

describe('configuration keys from the schemas', () => {
  it('reads both schemas from the repository (the .vsix ships the same files)', () => {
    const s = schemas();
    assert.strictEqual(s.problem, undefined);
    assert.ok(s.file?.properties?.targets && s.file.properties.includePaths);
    assert.strictEqual(s.file?.additionalProperties, false, 'corelens.json rejects unknown keys');
    assert.strictEqual(s.file?.properties?.targets?.items?.additionalProperties, false, 'and unknown keys in a target');
    const settings = s.settings!;
    assert.ok(settings.properties?.inlayHints?.properties?.offsets, 'corelens.inlayHints.offsets nests as inlayHints.offsets');
    assert.ok(settings.properties?.syntaxDiagnostics);
  });

  it('every diagnostic code can be given a severity in the settings (a code missing there would be "unknown")', () => {
    const codes = Object.keys(schemas().settings?.properties?.severity?.properties ?? {}).sort();
    assert.deepStrictEqual(codes, [...Object.values(CODES)].sort());
  });

  it('a key added to a schema is known without any other change', () => {
    const root = scratch('corelens-schema-');
    try {
      fs.mkdirSync(path.join(root, 'syntaxes'));
      const schema = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'syntaxes', 'corelens.schema.json'), 'utf8')) as SchemaNode;
      assert.strictEqual(unknownKeys({ someNewKey: ['x'] }, schema).length, 1);
      schema.properties!.someNewKey = { type: 'array' };
      fs.writeFileSync(path.join(root, 'syntaxes', 'corelens.schema.json'), JSON.stringify(schema));
      fs.copyFileSync(path.join(REPO_ROOT, 'package.json'), path.join(root, 'package.json'));
      assert.deepStrictEqual(unknownKeys({ someNewKey: ['x'] }, schemas(root).file), []);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  it('settings and corelens.json describe their shared keys the same way', () => {
    const { file, settings } = schemas();
    const shared = Object.keys(file!.properties!).filter((k) => settings!.properties![k]);
    assert.ok(shared.includes('targets') && shared.includes('includePaths'), shared.join(', '));
    for (const k of shared) {
      const a = file!.properties![k]!;
      const b = settings!.properties![k]!;
      assert.strictEqual(JSON.stringify(a.type), JSON.stringify(b.type), `${k}: type`);
      if (a.items?.properties || b.items?.properties) {
        assert.deepStrictEqual(Object.keys(a.items!.properties!).sort(), Object.keys(b.items!.properties!).sort(), `${k}: item keys`);
        assert.strictEqual(a.items!.additionalProperties, b.items!.additionalProperties, `${k}: both closed`);
      }
    }
  });

  it('every key readConfigFile reads is in the corelens.json schema (or it would be reported as unknown)', () => {
    const src = fs.readFileSync(path.join(REPO_ROOT, 'server', 'src', 'targets', 'config.ts'), 'utf8');
    // readConfigFile(dir) reads through readConfigAt(file), which holds the keys
    const body = src.slice(src.indexOf('export function readConfigAt'), src.indexOf('\n}\n', src.indexOf('export function readConfigAt')));
    const read = [...new Set([...body.matchAll(/\bo\.(\w+)/g)].map((m) => m[1]!))];
    assert.ok(read.includes('targets') && read.includes('includePaths'), read.join(', '));
    const known = Object.keys(schemas().file!.properties!);
    assert.deepStrictEqual(read.filter((k) => !known.includes(k)), [], `keys read but not in syntaxes/corelens.schema.json`);
    // and a file using all of them is clean
    const root = scratch('corelens-schema-');
    try {
      fs.writeFileSync(path.join(root, 'corelens.json'), JSON.stringify({ $schema: './x.json', targets: [], includePaths: [], defines: ['X=1'] }));
      assert.deepStrictEqual(readConfigFile(root)!.problems, []);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  it('closest names: slips, plurals, swaps; nothing for unrelated words', () => {
    const known = ['targets', 'includePaths', 'defaultTargets', 'severity'];
    assert.strictEqual(closestName('includePath', known), 'includePaths');
    assert.strictEqual(closestName('target', known), 'targets');
    assert.strictEqual(closestName('sevreity', known), 'severity');
    assert.strictEqual(closestName('include_paths', known), 'includePaths');
    assert.strictEqual(closestName('banana', known), undefined);
  });

  it('positions of keys in JSON text, nested and in arrays', () => {
    const text = '{\n  "a": 1,\n  "t": [ { "x": "{[," }, {\n    "bas": 2 } ],\n  "o": { "k": [1, 2] }\n}';
    const pos = keyPositions(text);
    assert.deepStrictEqual(pos.get('t.1.bas'), { line: 3, column: 4, endColumn: 9 });
    assert.deepStrictEqual(pos.get('t.0.x'), { line: 2, column: 11, endColumn: 14 });
    assert.deepStrictEqual(pos.get('o.k'), { line: 4, column: 9, endColumn: 12 });
    const keys = unknownKeysInText(text, JSON.parse(text), { properties: { a: {}, t: { items: { properties: { x: {} }, additionalProperties: false } } }, additionalProperties: false });
    assert.deepStrictEqual(keys.map((k) => [k.path.join('.'), k.line]), [['t.1.bas', 3], ['o', 4]]);
  });

  it('settings from package.json: flat dotted names become nested, closed objects', () => {
    const s = settingsSchema({ 'corelens.a.b': { type: 'string' }, 'corelens.c': { type: 'boolean' }, 'other.x': {} });
    assert.deepStrictEqual(unknownKeys({ a: { b: 'x', bb: 1 }, c: true, d: 1 }, s).map((k) => k.path.join('.')), ['a.bb', 'd']);
  });

  it('readConfigFile reports an unknown key with its line (the CLI prints FILE:LINE)', () => {
    const root = scratch('corelens-schema-');
    try {
      fs.writeFileSync(path.join(root, 'corelens.json'), '{\n  "targets": [],\n  "includePath": ["inc"]\n}\n');
      const c = readConfigFile(root)!;
      assert.deepStrictEqual(c.problems.map((p) => [p.line, p.message]), [[2, 'corelens.json: unknown key "includePath": it is ignored; did you mean "includePaths"?']]);
      assert.deepStrictEqual(c.includePaths, [], 'the misspelt key has no effect (hence the report)');
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
