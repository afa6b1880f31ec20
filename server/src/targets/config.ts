// Target configuration: `corelens.targets` settings and the workspace's `corelens.json`, shared by server and CLI.

import * as fs from 'fs';
import * as path from 'path';
import { InputError, clip, readTextInputSync } from '../util/files';
import { ARCH_SPELLINGS, parseArch } from './arch';
import { FleetConfig, parseFleetConfig } from './btfhub';
import { TargetSpec, defaultTargetName, kconfigFileProblem } from './registry';
import { describeUnknownKey, keyPositions, schemas, unknownKeys, unknownKeysInText } from './schema';

/** The name of the workspace configuration file, for clients without a settings UI and for the CLI. */
export const CONFIG_FILE = 'corelens.json';

export interface ConfigProblem {
  readonly file?: string;
  readonly message: string;
  /** Zero-based position of what the problem is about in the file, when known (an unknown key). */
  readonly line?: number;
  readonly column?: number;
  readonly endColumn?: number;
}

export interface ResolvedConfig {
  /** Set when the file could not be used at all (unreadable, not JSON, not an object): why, without the file name. */
  readonly unreadable?: string;
  readonly targets: TargetSpec[];
  readonly includePaths: string[];
  /** `-D` style macros for the live analysis (`NAME` or `NAME=VALUE`), from the `defines` key. */
  readonly defines?: string[];
  readonly problems: ConfigProblem[];
  /** BTFHub fleets (`"btfhub": {"source", "select": [...]}`): kernels fetched on demand into the cache. */
  readonly btfhub?: FleetConfig;
  /** `"kconfigDir"`: the loading machines' kernel configs by release (registry.ts withKconfigDir), absolute. */
  readonly kconfigDir?: string;
}

/**
 * Validates raw target entries (`{name, path, base?, kind?, arch?, kernel?, distro?, kconfig?}`), resolving relative
 * paths against `relativeTo`. Bad entries are reported and skipped; good ones are kept.
 */
export function resolveTargets(raw: unknown, relativeTo: string, file?: string): { targets: TargetSpec[]; problems: ConfigProblem[] } {
  const targets: TargetSpec[] = [];
  const problems: ConfigProblem[] = [];
  if (raw === undefined || raw === null) return { targets, problems };
  if (!Array.isArray(raw)) return { targets, problems: [{ file, message: '"targets" must be a list of {name, path, base?, kind?, arch?}' }] };
  const names = new Set<string>();
  raw.forEach((t, i) => {
    const where = `target #${i + 1}`;
    if (typeof t !== 'object' || t === null) {
      problems.push({ file, message: `${where} must be an object {name, path, base?, kind?, arch?}` });
      return;
    }
    const o = t as Record<string, unknown>;
    if (typeof o.path !== 'string' || o.path === '') {
      problems.push({ file, message: `${where} has no "path"` });
      return;
    }
    const name = typeof o.name === 'string' && o.name ? o.name : defaultTargetName(o.path);
    if (names.has(name)) {
      problems.push({ file, message: `${where}: the name "${name}" is used twice; targets need distinct names` });
      return;
    }
    if (o.kind !== undefined && o.kind !== 'kernel' && o.kind !== 'app') {
      problems.push({ file, message: `${where} ("${name}"): "kind" must be "kernel" or "app"` });
      return;
    }
    const arch = o.arch === undefined ? undefined : typeof o.arch === 'string' ? parseArch(o.arch) : undefined;
    if (o.arch !== undefined && !arch) {
      problems.push({ file, message: `${where} ("${name}"): unknown "arch" ${JSON.stringify(o.arch)}; one of ${ARCH_SPELLINGS}` });
      return;
    }
    const machine: { kernel?: string; distro?: string; kconfig?: string } = {};
    for (const k of ['kernel', 'distro', 'kconfig'] as const) {
      const v = o[k];
      if (v === undefined) continue;
      if (typeof v !== 'string' || !v) {
        problems.push({ file, message: `${where} ("${name}"): "${k}" must be a non-empty string` });
        return;
      }
      machine[k] = k === 'kconfig' ? path.resolve(relativeTo, v) : v;
    }
    if (machine.kconfig) {
      const bad = kconfigFileProblem(machine.kconfig);
      if (bad) problems.push({ file, message: `${where} ("${name}"): ${bad}; its CONFIG_* values stay unknown` });
    }
    names.add(name);
    targets.push({
      name,
      path: path.resolve(relativeTo, o.path),
      ...(typeof o.base === 'string' && o.base ? { base: path.resolve(relativeTo, o.base) } : {}),
      ...(o.kind ? { kind: o.kind as 'kernel' | 'app' } : {}),
      ...(arch ? { arch } : {}),
      ...(Object.keys(machine).length ? { machine } : {}),
    });
  });
  return { targets, problems };
}

/** Reads `<dir>/corelens.json` if present: targets and include paths relative to it. */
export function readConfigFile(dir: string): ResolvedConfig | undefined {
  return readConfigAt(path.join(dir, CONFIG_FILE));
}

/**
 * Reads a corelens.json-shaped file under any name; undefined when there is none. A file that exists but cannot
 * be read (a FIFO, a device, too large, binary) is a problem, not silence: the bounded reader says why.
 */
export function readConfigAt(file: string): ResolvedConfig | undefined {
  const dir = path.dirname(file);
  const name = path.basename(file);
  let text: string;
  try {
    text = readTextInputSync(file, 'config');
  } catch (e) {
    if (!fs.existsSync(file) && !isDanglingLink(file)) return undefined;
    return unusable(file, `${name}: ${e instanceof InputError ? e.message : (e as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return unusable(file, `${name} is not valid JSON: ${clip((e as Error).message)}`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    return unusable(file, `${name} must hold an object {"targets": [...], "includePaths": [...]}${Array.isArray(json) ? ', not a list' : ''}`);
  }
  const o = json as Record<string, unknown>;
  const { targets, problems } = resolveTargets(o.targets, dir, file);
  // Keys the schema does not know are ignored, and said so where they are written (with the closest known name).
  for (const k of unknownKeysInText(text, json, schemas().file)) {
    problems.push({ file, message: `${CONFIG_FILE}: ${describeUnknownKey(k)}`, line: k.line, column: k.column, endColumn: k.endColumn });
  }
  const includePaths: string[] = [];
  if (o.includePaths !== undefined) {
    if (!Array.isArray(o.includePaths) || !o.includePaths.every((p) => typeof p === 'string')) {
      problems.push({ file, message: '"includePaths" must be a list of folder paths' });
    } else {
      for (const p of o.includePaths as string[]) includePaths.push(path.resolve(dir, p));
    }
  }
  const defines = readDefines(o.defines, problems, file);
  const fleet = parseFleetConfig(o.btfhub, dir);
  problems.push(...fleet.problems.map((message) => ({ file, message })));
  let kconfigDir: string | undefined;
  if (o.kconfigDir !== undefined) {
    if (typeof o.kconfigDir !== 'string' || !o.kconfigDir) problems.push({ file, message: '"kconfigDir" must be a folder path' });
    else kconfigDir = path.resolve(dir, o.kconfigDir);
  }
  return { targets, includePaths, defines, problems, ...(fleet.fleet ? { btfhub: fleet.fleet } : {}), ...(kconfigDir ? { kconfigDir } : {}) };
}

/** Validates a `defines` list (corelens.json or the `corelens.defines` setting): strings `NAME` or `NAME=VALUE`. */
export function readDefines(raw: unknown, problems: ConfigProblem[], file?: string): string[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) { problems.push({ file, message: '"defines" must be a list of strings like "NAME" or "NAME=VALUE"' }); return []; }
  const out: string[] = [];
  for (const d of raw) {
    if (typeof d === 'string' && /^[A-Za-z_][A-Za-z0-9_]*(=.*)?$/s.test(d.trim())) out.push(d.trim());
    else problems.push({ file, message: `"defines": ${JSON.stringify(d)} is not NAME or NAME=VALUE; skipped` });
  }
  return out;
}

/**
 * Unknown keys in the `corelens.*` settings a client sent (VS Code settings, or `initializationOptions.settings`),
 * checked against the settings the extension contributes (package.json). Each is placed on its line in a
 * workspace's `.vscode/settings.json` when written there, else reported without a file (a message).
 */
export function settingsProblems(settings: unknown, roots: readonly string[]): ConfigProblem[] {
  const keys = unknownKeys(settings, schemas().settings);
  if (!keys.length) return [];
  const files = roots.map((r) => path.join(r, '.vscode', 'settings.json')).flatMap((f) => {
    try {
      return [{ file: f, pos: keyPositions(readTextInputSync(f, 'config')) }]; // bounded: a FIFO here must not block
    } catch {
      return [];
    }
  });
  return keys.map((k) => {
    // VS Code writes settings flat: `"corelens.inlayHint.offsets"` is where the unknown `inlayHint` is written.
    const flat = `corelens.${k.path.join('.')}`;
    const written = (f: (typeof files)[number]) => [...f.pos.keys()].find((key) => key === flat || key.startsWith(`${flat}.`));
    const hit = files.find((f) => written(f) !== undefined);
    const at = hit ? hit.pos.get(written(hit)!) : undefined;
    return { file: hit?.file, message: `settings: ${describeUnknownKey(k, 'corelens.')}`, line: at?.line, column: at?.column, endColumn: at?.endColumn };
  });
}

function unusable(file: string, message: string): ResolvedConfig {
  return { targets: [], includePaths: [], problems: [{ file, message }], unreadable: message };
}

function isDanglingLink(file: string): boolean {
  try {
    return fs.lstatSync(file).isSymbolicLink();
  } catch {
    return false;
  }
}
