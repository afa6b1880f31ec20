// Unknown keys in corelens.json and in the `corelens.*` settings, found from the schemas themselves: the JSON schema
// of corelens.json (syntaxes/corelens.schema.json) and the settings the extension contributes (package.json). One
// source of truth each, read at run time, so a key another change adds to a schema is known here with no edit.
//
// A misspelt key (`includePath`) would otherwise be ignored silently and the user would wonder why the include path
// has no effect; each unknown key is reported where it is written, with the closest known name.

import * as fs from 'fs';
import * as path from 'path';

/** The part of JSON Schema the check needs. */
export interface SchemaNode {
  type?: string | string[];
  properties?: Record<string, SchemaNode>;
  additionalProperties?: boolean | SchemaNode;
  items?: SchemaNode;
}

/** An unknown key: its path from the root, the closest known name, and where it is written (when known). */
export interface UnknownKey {
  path: (string | number)[];
  key: string;
  suggestion?: string;
  known: string[];
  /** Zero-based line and columns of the key's quoted name in the file. */
  line?: number;
  column?: number;
  endColumn?: number;
}

const ROOT = path.resolve(__dirname, '../../../..');

let cached: { file?: SchemaNode; settings?: SchemaNode; problem?: string } | undefined;

/** The two schemas, read once. A missing or broken schema disables the check and says why (never throws). */
export function schemas(root = ROOT): { file?: SchemaNode; settings?: SchemaNode; problem?: string } {
  if (cached && root === ROOT) return cached;
  const out: { file?: SchemaNode; settings?: SchemaNode; problem?: string } = {};
  try {
    out.file = JSON.parse(fs.readFileSync(path.join(root, 'syntaxes', 'corelens.schema.json'), 'utf8')) as SchemaNode;
  } catch (e) {
    out.problem = `cannot read the corelens.json schema: ${(e as Error).message}`;
  }
  try {
    const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as {
      contributes?: { configuration?: { properties?: Record<string, SchemaNode> } };
    };
    out.settings = settingsSchema(pkg.contributes?.configuration?.properties ?? {});
  } catch (e) {
    out.problem = `cannot read the settings schema (package.json): ${(e as Error).message}`;
  }
  if (root === ROOT) cached = out;
  return out;
}

/**
 * VS Code contributes settings as flat dotted names (`corelens.inlayHints.offsets`); clients receive them nested
 * (`{inlayHints: {offsets}}`). Builds the nested object schema, closed at every level the names define.
 */
export function settingsSchema(flat: Record<string, SchemaNode>): SchemaNode {
  const root: SchemaNode = { type: 'object', properties: {}, additionalProperties: false };
  for (const [name, node] of Object.entries(flat)) {
    const parts = name.split('.');
    if (parts[0] !== 'corelens') continue;
    let at = root;
    parts.slice(1).forEach((p, i, all) => {
      at.properties ??= {};
      if (i === all.length - 1) {
        at.properties[p] = node;
      } else {
        at.properties[p] ??= { type: 'object', properties: {}, additionalProperties: false };
        at = at.properties[p]!;
      }
    });
  }
  return root;
}

/** Edit distance (insertions, deletions, substitutions, adjacent swaps), for "did you mean". */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1]!.toLowerCase() === b[j - 1]!.toLowerCase() ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
}

/** The known name closest to `key`, when it is close enough to be a slip (or contains it, or is contained). */
export function closestName(key: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const k of known) {
    const dd = editDistance(key, k);
    if (dd < bestD) {
      best = k;
      bestD = dd;
    }
  }
  if (best === undefined) return undefined;
  const lk = key.toLowerCase();
  const lb = best.toLowerCase();
  return bestD <= Math.max(2, Math.floor(best.length / 3)) || lb.includes(lk) || lk.includes(lb) ? best : undefined;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Every key of `value` the schema does not allow (objects with `additionalProperties: false`), depth first. */
export function unknownKeys(value: unknown, schema: SchemaNode | undefined, at: (string | number)[] = []): UnknownKey[] {
  const out: UnknownKey[] = [];
  if (!schema) return out;
  if (Array.isArray(value) && schema.items) {
    value.forEach((v, i) => out.push(...unknownKeys(v, schema.items, [...at, i])));
    return out;
  }
  if (!isObject(value)) return out;
  const props = schema.properties ?? {};
  const known = Object.keys(props);
  for (const [k, v] of Object.entries(value)) {
    const sub = props[k];
    if (sub) {
      out.push(...unknownKeys(v, sub, [...at, k]));
    } else if (schema.additionalProperties === false) {
      out.push({ path: [...at, k], key: k, suggestion: closestName(k, known), known });
    } else if (isObject(schema.additionalProperties)) {
      out.push(...unknownKeys(v, schema.additionalProperties, [...at, k]));
    }
  }
  return out;
}

/** Where each key of a JSON text is written, by its path (`targets.0.bas`): zero-based line and columns. */
export function keyPositions(text: string): Map<string, { line: number; column: number; endColumn: number }> {
  const out = new Map<string, { line: number; column: number; endColumn: number }>();
  let i = 0;
  let line = 0;
  let lineStart = 0;
  // Each open container: an object (with the key being read) or an array (with the index of the next element).
  const stack: { obj: boolean; key?: string; index: number }[] = [];
  const pathOf = () => stack.map((s) => (s.obj ? s.key : s.index)).join('.');
  const skipString = (): string => {
    let s = '';
    i++;
    while (i < text.length && text[i] !== '"') {
      if (text[i] === '\\') {
        s += text[i + 1] ?? '';
        i += 2;
        continue;
      }
      if (text[i] === '\n') return s; // unterminated: give up on this string at the end of its line
      s += text[i++];
    }
    i++;
    return s;
  };
  let expectKey = false;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '\n') {
      line++;
      lineStart = ++i;
      continue;
    }
    if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
      continue;
    }
    if (c === '{') {
      stack.push({ obj: true, index: 0 });
      expectKey = true;
      i++;
    } else if (c === '[') {
      stack.push({ obj: false, index: 0 });
      i++;
    } else if (c === '}' || c === ']') {
      stack.pop();
      i++;
    } else if (c === ',') {
      const top = stack[stack.length - 1];
      if (top?.obj) expectKey = true;
      else if (top) top.index++;
      i++;
    } else if (c === '"') {
      const start = i - lineStart;
      const startLine = line;
      const s = skipString();
      const top = stack[stack.length - 1];
      if (expectKey && top?.obj) {
        top.key = s;
        const p = pathOf();
        if (!out.has(p)) out.set(p, { line: startLine, column: start, endColumn: i - lineStart });
        expectKey = false;
      }
    } else {
      i++;
    }
  }
  return out;
}

/** The unknown keys of a parsed JSON file, with where they are written. */
export function unknownKeysInText(text: string, json: unknown, schema: SchemaNode | undefined): UnknownKey[] {
  const keys = unknownKeys(json, schema);
  if (!keys.length) return keys;
  const pos = keyPositions(text);
  return keys.map((k) => ({ ...k, ...pos.get(k.path.join('.')) }));
}

/** "unknown key "includePath" in targets #1; did you mean "includePaths"?" */
export function describeUnknownKey(k: UnknownKey, prefix = ''): string {
  const where = k.path.slice(0, -1).map((p) => (typeof p === 'number' ? `#${p + 1}` : p)).join(' ');
  const full = prefix + k.path.filter((p) => typeof p === 'string').join('.');
  return `unknown key "${k.key}"${where ? ` in ${where}` : ''}${prefix ? ` (${full})` : ''}: it is ignored; `
    + (k.suggestion ? `did you mean "${k.suggestion}"?` : `known keys: ${k.known.join(', ')}`);
}
