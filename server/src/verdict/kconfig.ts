// The object's __kconfig externs as libbpf 1.1 fills them on the machine that loads it (bpf_object__resolve_externs):
// LINUX_KERNEL_VERSION from the loading kernel's release, CONFIG_* from its kernel config, LINUX_HAS_* from probes.
// libbpf freezes the .kconfig map, so the verifier reads these as constants and prunes the branches they decide: a
// verdict is exact only with the values the loading machine gives. Also libbpf's refusals: an unrecognized strong
// LINUX_ extern (every machine), a strong CONFIG_ the config does not set, a value the extern's type cannot hold.

import { readFileSync, statSync } from 'fs';
import { release } from 'os';
import { gunzipSync } from 'zlib';
import { BpfObject } from '../btf/object';
import { STB_WEAK } from '../btf/elf';
import { Btf } from '../btf/reader';
import { Kind, INT_BOOL, INT_SIGNED } from '../btf/types';
import { EINVAL, EOPNOTSUPP, ERANGE, ESRCH } from '../core/kinds';
import { InputError, limitBytes, readInputSync } from '../util/files';
import type { ExternFailure } from './externs';

/** libbpf's kcfg_type: how a config value is stored into the extern. */
export type KcfgType = 'bool' | 'char' | 'int' | 'tristate' | 'char_arr' | 'unknown';

/** A __kconfig extern: a VAR of the object's `.kconfig` DATASEC. */
export interface KcfgExtern {
  readonly name: string;
  readonly type: KcfgType;
  readonly size: number;
  readonly align: number;
  readonly signed: boolean;
  readonly weak: boolean;
}

/** Where libbpf reads the kernel config, in words (for reasons). */
export const KCONFIG_WHERE = 'the loading machine\'s kernel config (/boot/config-$(uname -r), else /proc/config.gz)';

/** libbpf's find_kcfg_type over the object's BTF. */
function kcfgType(btf: Btf, id: number, depth = 0): { type: KcfgType; signed: boolean } {
  const t = btf.type(btf.skipModifiers(id));
  switch (t.kind) {
    case Kind.Int:
      if (t.encoding & INT_BOOL) return { type: t.size === 1 ? 'bool' : 'unknown', signed: false };
      if (t.size === 1) return { type: 'char', signed: !!(t.encoding & INT_SIGNED) };
      if (t.size < 1 || t.size > 8 || (t.size & (t.size - 1))) return { type: 'unknown', signed: false };
      return { type: 'int', signed: !!(t.encoding & INT_SIGNED) };
    case Kind.Enum:
      return { type: t.size === 4 && t.name === 'libbpf_tristate' ? 'tristate' : 'unknown', signed: false };
    case Kind.Enum64:
      return { type: t.name === 'libbpf_tristate' ? 'tristate' : 'unknown', signed: false };
    case Kind.Array:
      if (t.nelems === 0 || depth > 0) return { type: 'unknown', signed: false };
      return { type: kcfgType(btf, t.elemType, depth + 1).type === 'char' ? 'char_arr' : 'unknown', signed: false };
    default:
      return { type: 'unknown', signed: false };
  }
}

const collected = new WeakMap<BpfObject, readonly KcfgExtern[]>();

/**
 * The object's __kconfig externs in libbpf's order (cmp_externs: alignment descending, then size ascending, then
 * name), which decides which one its warning names first. A malformed object gives none.
 */
export function kconfigExterns(obj: BpfObject): readonly KcfgExtern[] {
  let out = collected.get(obj);
  if (out) return out;
  const list: KcfgExtern[] = [];
  try {
    const btf = obj.btf;
    const weak = new Set<string>();
    for (const sym of obj.elf.symbols()) if (sym.shndx === 0 && (sym.info >> 4) === STB_WEAK && sym.name) weak.add(sym.name);
    for (const ds of btf.idsWithEssentialName('.kconfig')) {
      const d = btf.type(ds);
      if (d.kind !== Kind.Datasec) continue;
      for (const v of d.vars) {
        const t = btf.type(v.type);
        if (t.kind !== Kind.Var) continue;
        list.push(kcfgExtern(btf, t.name, t.type, weak.has(t.name)));
      }
    }
  } catch {
    // malformed: the object's other checks say so
  }
  out = sortKcfgExterns(list);
  collected.set(obj, out);
  return out;
}

/** One __kconfig extern as libbpf sees it, from its type (`type`: the VAR's type id in `btf`). */
export function kcfgExtern(btf: Btf, name: string, type: number, weak: boolean): KcfgExtern {
  const k = kcfgType(btf, type);
  return { name, type: k.type, signed: k.signed, size: btf.resolveSize(type) ?? 0, align: btf.alignOf(type), weak };
}

/** libbpf's order of the kcfg externs (cmp_externs: alignment descending, size ascending, name); sorts in place. */
export function sortKcfgExterns<T extends KcfgExtern>(list: T[]): T[] {
  return list.sort((a, b) => (a.align !== b.align ? b.align - a.align : a.size !== b.size ? a.size - b.size : a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** The loading machine's side: its kernel version and kernel config, as libbpf reads them. */
export interface KconfigSource {
  /** LINUX_KERNEL_VERSION (KERNEL_VERSION(a, b, c)); undefined: unknown; 0: libbpf could not get it. */
  readonly version?: number;
  /** When only a range is known (an Ubuntu release names the upstream major.minor, not its patch level). */
  readonly versionRange?: readonly [number, number];
  /** CONFIG_NAME → the text after `=` (lines in file order, first wins); undefined: unknown. */
  readonly config?: ReadonlyMap<string, string>;
  /** Why libbpf cannot read the config on that machine (it then refuses any object with a CONFIG_ extern). */
  readonly configError?: string;
  /** LINUX_HAS_SYSCALL_WRAPPER / LINUX_HAS_BPF_COOKIE as libbpf probes them; undefined: unknown. */
  readonly syscallWrapper?: boolean;
  readonly bpfCookie?: boolean;
}

/** KERNEL_VERSION(a, b, c) as libbpf's header computes it (the patch level saturates at 255). */
export function kernelVersionCode(a: number, b: number, c: number): number {
  return a * 65536 + b * 256 + Math.min(c, 255);
}

/** libbpf's get_kernel_version: Ubuntu's /proc/version_signature ("Ubuntu 5.4.0-12.15-generic 5.4.8"), else uname. */
export function runningKernelVersion(signature: string | undefined, uname: string): number {
  if (signature !== undefined) {
    const m = /^\S+\s+\S+\s+(\d+)\.(\d+)\.(\d+)/.exec(signature);
    if (m) return kernelVersionCode(+m[1]!, +m[2]!, +m[3]!);
  }
  const m = /^(\d+)\.(\d+)\.(\d+)/.exec(uname);
  return m ? kernelVersionCode(+m[1]!, +m[2]!, +m[3]!) : 0;
}

/**
 * LINUX_KERNEL_VERSION of a target kernel nobody runs here, from its release (`uname -r`) as libbpf computes it on
 * that machine: the release's a.b.c (Debian's 5.10.0-32-amd64 gives 5.10.0, as libbpf there does), except on Ubuntu,
 * where libbpf reads /proc/version_signature's upstream version, whose patch level the release does not tell: a.b.0
 * to a.b.255. Undefined when the release is unknown or has no a.b.c (the value stays unknown).
 */
export function targetKernelVersion(release: string | undefined, distro: string | undefined): number | readonly [number, number] | undefined {
  const m = release ? /^(\d+)\.(\d+)\.(\d+)/.exec(release) : null;
  if (!m) return undefined;
  if (distro?.toLowerCase() === 'ubuntu') return [kernelVersionCode(+m[1]!, +m[2]!, 0), kernelVersionCode(+m[1]!, +m[2]!, 255)];
  return kernelVersionCode(+m[1]!, +m[2]!, +m[3]!);
}

/** A kernel config's text as libbpf reads it: CONFIG_ lines only; `# CONFIG_X is not set` is no value. */
export function parseKconfig(text: string): { config: Map<string, string>; error?: string } {
  const config = new Map<string, string>();
  for (const line of text.split('\n')) {
    if (!line.startsWith('CONFIG_')) continue;
    const eq = line.indexOf('=');
    if (eq < 0) return { config, error: `failed to parse '${line}': no separator` };
    if (eq === line.length - 1) return { config, error: `failed to parse '${line}': no value` };
    const name = line.slice(0, eq);
    if (!config.has(name)) config.set(name, line.slice(eq + 1));
  }
  return { config };
}

let runningVersion: number | undefined;

/** This machine's kernel version as libbpf computes it (runningKernelVersion), without reading its config. */
export function runningVersionHere(): number {
  if (runningVersion !== undefined) return runningVersion;
  let signature: string | undefined;
  try {
    signature = readFileSync('/proc/version_signature', 'latin1');
  } catch {
    // not Ubuntu: uname decides
  }
  return (runningVersion = runningKernelVersion(signature, release()));
}

let running: KconfigSource | undefined;

/** This machine's side, read once per process: what libbpf loading here would use. */
export function runningKconfig(): KconfigSource {
  if (running) return running;
  const rel = release();
  let text: string | undefined;
  for (const file of [`/boot/config-${rel}`, '/proc/config.gz']) {
    try {
      const raw = readFileSync(file);
      // gzopen reads plain files too
      text = configText(raw);
      break;
    } catch {
      // next place
    }
  }
  const parsed = text === undefined ? undefined : parseKconfig(text);
  running = {
    version: runningVersionHere(),
    config: parsed?.config,
    configError: text === undefined ? 'failed to open system Kconfig' : parsed?.error ? `error parsing system Kconfig: ${parsed.error}` : undefined,
  };
  return running;
}

/** A kernel config file's bytes as text: gzip (a /proc/config.gz copy) or plain, as libbpf's gzopen reads both. */
function configText(raw: Uint8Array): string {
  const buf = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
  return (raw[0] === 0x1f && raw[1] === 0x8b ? gunzipSync(buf, { maxOutputLength: limitBytes('decompressed') }) : buf).toString('latin1');
}

const statedConfigs = new Map<string, { stamp: string; src: Pick<KconfigSource, 'config' | 'configError'> }>();

/**
 * A kernel config a user names for a target's machine (StatedMachine.kconfig), read as libbpf on that machine reads
 * its own: a line libbpf cannot parse is its refusal there (-EINVAL), not ours. Read once per file version. Throws
 * InputError (missing, unreadable, not a regular file, too large, not gzip inside): a config nobody can read says
 * nothing about the machine, so factsFromBtf leaves its values unknown (the command line and corelens.json have
 * already named a missing or non-regular file).
 */
export function statedKconfig(file: string): Pick<KconfigSource, 'config' | 'configError'> {
  let stamp = '';
  try {
    const st = statSync(file);
    stamp = `${st.size}:${st.mtimeMs}:${st.ino}`;
  } catch {
    // readInputSync names the problem
  }
  const hit = statedConfigs.get(file);
  if (hit && stamp && hit.stamp === stamp) return hit.src;
  const raw = readInputSync(file, 'config');
  let text: string;
  try {
    text = configText(raw);
  } catch (e) {
    throw new InputError(`not a kernel config: gzip data that does not decompress (${(e as Error).message})`, file);
  }
  const parsed = parseKconfig(text);
  const src = { config: parsed.config, ...(parsed.error ? { configError: `error parsing system Kconfig: ${parsed.error}` } : {}) };
  if (stamp) statedConfigs.set(file, { stamp, src });
  return src;
}

/**
 * Why a stated kernel config's contents cannot be read (too large, gzip that does not decompress), for the CLI and the
 * server to report as the target's problem: unread, its CONFIG_* values stay unknown and every verdict gated on them
 * is left undecided, which a user must be told. A missing or non-regular file is the configuration's to name
 * (targets/registry.ts kconfigFileProblem): undefined here. A line libbpf cannot parse is not ours either: it is
 * libbpf's refusal on that machine, a verdict.
 */
export function statedKconfigProblem(file: string): string | undefined {
  try {
    if (!statSync(file).isFile()) return undefined;
  } catch {
    return undefined;
  }
  try {
    statedKconfig(file);
    return undefined;
  } catch (e) {
    return `kernel config ${file}: ${(e as Error).message}`;
  }
}

/**
 * The stated kernel configs of these targets that cannot be read (statedKconfigProblem), once per file (a fleet's
 * targets may share one), each with the first target that names it: what the CLI and the server report.
 */
export function unreadableStatedKconfigs(targets: readonly { readonly name: string; readonly machine?: { readonly kconfig?: string } }[]): { target: string; problem: string }[] {
  const seen = new Set<string>();
  const out: { target: string; problem: string }[] = [];
  for (const t of targets) {
    const k = t.machine?.kconfig;
    if (!k || seen.has(k)) continue;
    seen.add(k);
    const problem = statedKconfigProblem(k);
    if (problem) out.push({ target: t.name, problem: `${problem}; its CONFIG_* values stay unknown` });
  }
  return out;
}

/** What libbpf makes of the kcfg externs on one machine: the .kconfig bytes it stores, and whether it refuses. */
export interface KconfigResolution {
  /** Bytes per extern (object byte order); absent: unknown. */
  readonly values: Map<string, Uint8Array>;
  /** A refusal libbpf reaches before resolving the ksyms (-EINVAL, -ERANGE, -ENOTSUP). */
  readonly early?: ExternFailure;
  /** The first strong extern left unresolved (-ESRCH), checked after the ksyms' BTF lookup. */
  readonly unresolved?: ExternFailure;
  /** Externs whose value is known only within bounds (inclusive), for the verifier's walk. */
  readonly ranges: Map<string, readonly [bigint, bigint]>;
}

function fail(extern: string, errno: number, message: string, where = KCONFIG_WHERE): ExternFailure {
  return { extern, errno, message, where };
}

/** Stores an unsigned/signed number into `size` bytes (libbpf's set_kcfg_value_num). */
function numBytes(value: bigint, size: number, littleEndian: boolean): Uint8Array {
  const out = new Uint8Array(size);
  let v = BigInt.asUintN(64, value);
  for (let i = 0; i < size; i++) {
    out[littleEndian ? i : size - 1 - i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}

/** libbpf's is_kcfg_value_in_range. */
function inRange(e: KcfgExtern, v: bigint): boolean {
  if (e.size === 8) return true;
  const bits = BigInt(e.size * 8);
  return e.signed ? BigInt.asUintN(64, v + (1n << (bits - 1n))) < (1n << bits) : (v >> bits) === 0n;
}

/** libbpf's set_kcfg_value_num; a failure or the bytes. */
function setNum(e: KcfgExtern, v: bigint, le: boolean): Uint8Array | ExternFailure {
  if (e.type !== 'int' && e.type !== 'char' && e.type !== 'bool') {
    return fail(e.name, EINVAL, `extern (kcfg) '${e.name}': value '${v}' implies integer, char, or boolean type`);
  }
  if (e.type === 'bool' && v > 1n) return fail(e.name, EINVAL, `extern (kcfg) '${e.name}': value '${v}' isn't boolean compatible`);
  if (!inRange(e, v)) return fail(e.name, ERANGE, `extern (kcfg) '${e.name}': value '${v}' doesn't fit in ${e.size} bytes`);
  return numBytes(v, e.size, le);
}

/** strtoull(value, &end, 0) accepting the whole string; undefined when libbpf would refuse it. */
function parseU64(s: string): bigint | undefined {
  const m = /^\s*([+-]?)(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)$/.exec(s);
  if (!m) return undefined;
  const body = m[2]!;
  let v = body.length > 1 && body[0] === '0' && (body[1] === 'x' || body[1] === 'X') ? BigInt(body)
    : body.length > 1 && body[0] === '0' ? BigInt(`0o${body.slice(1)}`) : BigInt(body);
  if (v > 0xffffffffffffffffn) return undefined; // ERANGE
  if (m[1] === '-') v = BigInt.asUintN(64, -v);
  return v;
}

/** One config line's value stored into an extern (bpf_object__process_kconfig_line). */
function fromConfig(e: KcfgExtern, value: string, le: boolean): Uint8Array | ExternFailure {
  const c = value[0]!;
  if (c === 'y' || c === 'n' || c === 'm') {
    switch (e.type) {
      case 'bool':
        if (c === 'm') return fail(e.name, EINVAL, `extern (kcfg) '${e.name}': value '${c}' implies tristate or char type`);
        return numBytes(c === 'y' ? 1n : 0n, e.size, le);
      case 'tristate':
        return numBytes(c === 'y' ? 1n : c === 'm' ? 2n : 0n, e.size, le);
      case 'char':
        return numBytes(BigInt(c.charCodeAt(0)), e.size, le);
      default:
        return fail(e.name, EINVAL, `extern (kcfg) '${e.name}': value '${c}' implies bool, tristate, or char type`);
    }
  }
  if (c === '"') {
    if (e.type !== 'char_arr') return fail(e.name, EINVAL, `extern (kcfg) '${e.name}': value '${value}' implies char array type`);
    if (value[value.length - 1] !== '"' || value.length < 2) return fail(e.name, EINVAL, `extern (kcfg) '${e.name}': invalid string config '${value}'`);
    const bytes = Buffer.from(value.slice(1, -1), 'latin1');
    const out = new Uint8Array(e.size);
    out.set(bytes.subarray(0, Math.max(0, e.size - 1)));
    return out;
  }
  const num = parseU64(value);
  if (num === undefined) return fail(e.name, EINVAL, `extern (kcfg) '${e.name}': value '${value}' isn't a valid integer`);
  if (e.type !== 'int' && e.type !== 'char') return fail(e.name, EINVAL, `extern (kcfg) '${e.name}': value '${value}' implies integer type`);
  return setNum(e, num, le);
}

/**
 * libbpf 1.1's bpf_object__resolve_externs for the kcfg externs, in its order: the virtual LINUX_ ones first (an
 * unknown name is refused unless weak, which makes it zero), then the config file (read only when a CONFIG_ extern
 * exists; unreadable or a value the extern's type cannot hold: -EINVAL), and last the first strong extern still
 * unset (-ESRCH). What `src` does not know stays unknown: no value, no refusal.
 */
export function resolveKconfig(externs: readonly KcfgExtern[], littleEndian: boolean, src: KconfigSource): KconfigResolution {
  const values = new Map<string, Uint8Array>();
  const ranges = new Map<string, readonly [bigint, bigint]>();
  let early: ExternFailure | undefined;
  let needConfig = false;
  for (const e of externs) {
    if (e.type === 'unknown') {
      // bpf_object__collect_externs refuses it while opening the object
      early ??= fail(e.name, EOPNOTSUPP, `extern (kcfg) '${e.name}': type is unsupported`, 'the object itself (its BTF type for the extern)');
      continue;
    }
    if (e.name.startsWith('CONFIG_')) { needConfig = true; continue; }
    let v: bigint | undefined;
    if (e.name === 'LINUX_KERNEL_VERSION') {
      if (src.version === 0) { early ??= fail(e.name, EINVAL, `extern (kcfg) '${e.name}': failed to get kernel version`, 'the loading machine\'s uname'); continue; }
      v = src.version === undefined ? undefined : BigInt(src.version);
      if (v === undefined && src.versionRange && (e.type === 'int' || e.type === 'char')
        && setNum(e, BigInt(src.versionRange[1]), littleEndian) instanceof Uint8Array) {
        ranges.set(e.name, [BigInt(src.versionRange[0]), BigInt(src.versionRange[1])]);
      }
    } else if (e.name === 'LINUX_HAS_BPF_COOKIE') {
      v = src.bpfCookie === undefined ? undefined : src.bpfCookie ? 1n : 0n;
    } else if (e.name === 'LINUX_HAS_SYSCALL_WRAPPER') {
      v = src.syscallWrapper === undefined ? undefined : src.syscallWrapper ? 1n : 0n;
    } else if (!e.name.startsWith('LINUX_') || !e.weak) {
      early ??= fail(e.name, EINVAL, `extern (kcfg) '${e.name}': unrecognized virtual extern`, 'the object itself (libbpf knows only CONFIG_ and its own LINUX_ externs)');
      continue;
    } else {
      v = 0n;
    }
    if (v === undefined) continue;
    const r = setNum(e, v, littleEndian);
    if (r instanceof Uint8Array) values.set(e.name, r);
    else early ??= r;
  }
  if (early) return { values, early, ranges };
  let unresolved: ExternFailure | undefined;
  if (needConfig) {
    // libbpf's warning names no extern: the first CONFIG_ one (what made it read the config) stands for the object
    const first = externs.find((e) => e.name.startsWith('CONFIG_'))!.name;
    if (src.configError && !src.config) return { values, early: fail(first, EINVAL, src.configError), ranges };
    const cfg = src.config;
    if (cfg) {
      const bad = new Map<string, ExternFailure>();
      for (const e of externs) {
        if (!e.name.startsWith('CONFIG_')) continue;
        const raw = cfg.get(e.name);
        if (raw === undefined) {
          if (e.weak) values.set(e.name, new Uint8Array(e.size));
          continue;
        }
        const r = fromConfig(e, raw, littleEndian);
        if (r instanceof Uint8Array) values.set(e.name, r);
        else bad.set(e.name, r);
      }
      // libbpf reads the lines in file order: the first bad value for one of the externs stops it (the config map
      // keeps the file's order; walked only when there is something to order)
      if (bad.size) {
        for (const k of cfg.keys()) { const f = bad.get(k); if (f) return { values, early: f, ranges }; }
      }
      if (src.configError) return { values, early: fail(first, EINVAL, src.configError), ranges };
    }
  }
  for (const e of externs) {
    if (e.weak || values.has(e.name)) continue;
    if (e.name.startsWith('CONFIG_') && src.config && !src.config.has(e.name)) {
      unresolved = fail(e.name, ESRCH, `extern '${e.name}' (strong): not resolved`);
      break;
    }
  }
  return { values, unresolved, ranges };
}
