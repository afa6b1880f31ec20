// Local types: headers found and parsed once (cached by path, mtime and size), and the local BTF built from them.
//
// The BTF holds exactly the closure of the types the sites are rooted at, so the existing CO-RE engine relocates a
// live site like an object relocation; ids differ from clang's, names and layouts do not.

import * as fs from 'fs';
import * as path from 'path';
import { Btf } from '../btf/reader';
import { BtfWriter, NewType } from '../btf/writer';
import { Kind } from '../btf/types';
import { CParser, FuncDef, TypeEnv } from './cparse';
import { CType, Record, layout, strip } from './ctypes';
import { Token } from './lexer';
import { IncludeRef, PreItem, Preprocessor } from './preproc';

export interface LoadNote { file: string; start: number; end: number; message: string }

/** A parsed file: its names and the macros it left defined. */
export interface ParsedFile {
  env: TypeEnv;
  funcs: FuncDef[];
  notes: LoadNote[];
  /** bpf_tracing.h was included while __VMLINUX_H__ or __KERNEL__ was defined (kernel pt_regs names). */
  kernelRegs?: boolean;
  tracingIncluded?: boolean;
}

interface CachedHeader { key: string; env: TypeEnv; macros: Map<string, import('./preproc').Macro>; notes: LoadNote[]; kernelRegs?: boolean; tracing?: boolean }

/** Finds and parses includes; one instance is shared by every document of an analyzer. */
export class HeaderCache {
  private readonly cache = new Map<string, CachedHeader>();

  /** Resolves an include like clang: quoted relative to the includer first, then the include paths. */
  resolve(ref: IncludeRef, fromFile: string, includePaths: readonly string[]): string | undefined {
    const dirs = ref.angle ? includePaths : [path.dirname(fromFile), ...includePaths];
    for (const d of dirs) {
      const p = path.resolve(d, ref.name);
      try { if (fs.statSync(p).isFile()) return p; } catch { /* next */ }
    }
    return undefined;
  }

  /** True when no cached header changed on disk since it was parsed (the incremental path's precondition). */
  fresh(): boolean {
    for (const [file, h] of this.cache) {
      let key = 'undefined:undefined';
      try { const st = fs.statSync(file); key = `${st.mtimeMs}:${st.size}`; } catch { /* missing now */ }
      if (key !== h.key) return false;
    }
    return true;
  }

  /** Parses a header (or returns the cached parse) and applies its macros to `pre`. */
  load(file: string, pre: Preprocessor, includePaths: readonly string[], depth: number): CachedHeader {
    let st: fs.Stats | undefined;
    try { st = fs.statSync(file); } catch { /* reported below */ }
    const key = `${st?.mtimeMs}:${st?.size}`;
    const hit = this.cache.get(file);
    if (hit && hit.key === key) {
      for (const [k, v] of hit.macros) pre.macros.set(k, v);
      return hit;
    }
    const before = new Map(pre.macros);
    let text = '';
    const notes: LoadNote[] = [];
    try { text = fs.readFileSync(file, 'utf8'); } catch (e) { notes.push({ file, start: 0, end: 0, message: `${file}: ${(e as Error).message}` }); }
    const parsed = parseText(text, file, pre, this, includePaths, depth + 1, new TypeEnv());
    const macros = new Map<string, import('./preproc').Macro>();
    for (const [k, v] of pre.macros) if (before.get(k) !== v) macros.set(k, v);
    const entry: CachedHeader = { key, env: parsed.env, macros, notes: [...notes, ...parsed.notes], kernelRegs: parsed.kernelRegs, tracing: parsed.tracingIncluded };
    this.cache.set(file, entry);
    return entry;
  }
}

/** Nested includes followed before giving up (clang's limit is 200; real BPF programs nest a handful). */
export const MAX_INCLUDE_DEPTH = 32;

/** libbpf's own headers: understood by the analyzer, never parsed. */
function isLibbpfHeader(name: string): boolean {
  return /^bpf\/(bpf_helpers|bpf_helper_defs|bpf_core_read|bpf_tracing|bpf_endian|usdt\.bpf|bpf_tracing_net)\.h$/.test(name)
    || /^(bpf_helpers|bpf_core_read|bpf_tracing|bpf_endian)\.h$/.test(name);
}

/** Preprocesses and parses one file's text into `env`, following includes. */
export function parseText(text: string, file: string, pre: Preprocessor, headers: HeaderCache, includePaths: readonly string[],
  depth: number, env: TypeEnv): ParsedFile {
  const notes: LoadNote[] = [];
  const funcs: FuncDef[] = [];
  const out: ParsedFile = { env, funcs, notes };
  const notesBefore = pre.notes.length;
  const items: PreItem[] = pre.run(text, {
    onInclude: (ref) => {
      if (isLibbpfHeader(ref.name)) {
        if (/bpf_tracing/.test(ref.name)) { out.tracingIncluded = true; out.kernelRegs = pre.macros.has('__VMLINUX_H__') || pre.macros.has('__KERNEL__'); }
        return;
      }
      if (depth >= MAX_INCLUDE_DEPTH) {
        notes.push({ file, start: ref.start, end: ref.end, message: `includes nested more than ${MAX_INCLUDE_DEPTH} deep (a corelens limit; an include cycle without a guard?): ${ref.angle ? `<${ref.name}>` : `"${ref.name}"`} not read` });
        return;
      }
      const p = headers.resolve(ref, file, includePaths);
      if (!p) {
        (ref as IncludeRef & { missing?: boolean }).missing = true;
        notes.push({ file, start: ref.start, end: ref.end, message: `header not found: ${ref.angle ? `<${ref.name}>` : `"${ref.name}"`} (searched ${ref.angle ? '' : 'next to the file and '}${includePaths.length} include path(s)); types from it are unknown` });
        return;
      }
      const h = headers.load(p, pre, includePaths, depth);
      (ref as IncludeRef & { header?: CachedHeader }).header = h;
      if (h.tracing) { out.tracingIncluded = true; out.kernelRegs = h.kernelRegs; }
      for (const n of h.notes) {
        // a limit hit deep in the include tree still reaches the document, once
        const limit = /a corelens limit/.test(n.message);
        if (limit && notes.some((x) => x.message.endsWith(n.message))) continue;
        if (depth === 0 && n.file !== file) notes.push({ file, start: ref.start, end: ref.end, message: `in ${path.basename(n.file)}: ${n.message}` });
        else if (depth > 0 && limit) notes.push(n);
      }
    },
  });
  for (const n of pre.notes.slice(notesBefore)) notes.push({ file, ...n });
  // parse segment by segment: an include's names become visible where it appears
  let seg: Token[] = [];
  const flush = () => {
    if (!seg.length) return;
    const p = new CParser(seg, env);
    while (!p.done) {
      const st = p.i;
      try { p.topLevel((f) => funcs.push(f)); } catch (e) { notes.push({ file, start: seg[p.i]?.start ?? 0, end: seg[p.i]?.end ?? 0, message: `parse error: ${(e as Error).message}` }); p.skipStatement(); }
      if (p.i === st) p.i++;
    }
    for (const n of p.notes) notes.push({ file, ...n });
    seg = [];
  };
  for (const it of items) {
    if ('include' in it) {
      flush();
      const h = (it.include as IncludeRef & { header?: CachedHeader }).header;
      if (h) env.absorb(h.env);
    } else seg.push(it);
  }
  flush();
  return out;
}

/** Encodes local types into BTF; ids are stable for the lifetime of one encoder. */
export class LocalBtfBuilder {
  private readonly w = new BtfWriter();
  private readonly ids = new Map<CType | string, number>();
  private btf?: Btf;

  idOf(t: CType): number {
    const key = t.k === 'typedef' ? `typedef ${t.name}` : t.k === 'int' || t.k === 'float' ? `${t.k} ${t.name}` : t.k === 'void' ? 'void' : t;
    const have = this.ids.get(key);
    if (have !== undefined) return have;
    if (t.k === 'void') { this.ids.set(key, 0); return 0; }
    this.btf = undefined;
    const id = this.w.reserve();
    this.ids.set(key, id);
    this.w.set(id, this.encode(t));
    return id;
  }

  private encode(t: CType): NewType {
    switch (t.k) {
      case 'int': return { kind: Kind.Int, name: t.name, size: t.size, encoding: (t.signed ? 1 : 0) | (t.char ? 2 : 0) | (t.bool ? 4 : 0), bitOffset: 0, bits: t.size * 8 } as NewType;
      case 'float': return { kind: Kind.Float, name: t.name, size: t.size } as NewType;
      case 'ptr': return { kind: Kind.Ptr, name: '', type: this.idOf(t.to) } as NewType;
      case 'array': return { kind: Kind.Array, name: '', elemType: this.idOf(t.of), indexType: this.idOf({ k: 'int', name: 'unsigned int', size: 4, signed: false }), nelems: t.n } as NewType;
      case 'typedef': return { kind: Kind.Typedef, name: t.name, type: this.idOf(t.to) } as NewType;
      case 'qual': return { kind: t.q === 'const' ? Kind.Const : t.q === 'volatile' ? Kind.Volatile : Kind.Restrict, name: '', type: this.idOf(t.of) } as NewType;
      case 'func': return { kind: Kind.FuncProto, name: '', returnType: this.idOf(t.ret), params: [...t.params.map((p) => ({ name: p.name, type: this.idOf(p.type) })), ...(t.variadic ? [{ name: '', type: 0 }] : [])] } as NewType;
      case 'enum':
        if (!t.complete) return { kind: Kind.Fwd, name: t.name, isUnion: false } as NewType;
        return { kind: t.size > 4 ? Kind.Enum64 : Kind.Enum, name: t.name, size: t.size, signed: t.signed, values: t.values.map((v) => ({ name: v.name, value: v.value })) } as NewType;
      case 'struct': case 'union': {
        if (!t.complete) return { kind: Kind.Fwd, name: t.name, isUnion: t.k === 'union' } as NewType;
        layout(t);
        const kindFlag = t.fields.some((f) => f.bits !== undefined);
        return {
          kind: t.k === 'struct' ? Kind.Struct : Kind.Union, name: t.name, size: t.size, kindFlag,
          members: t.fields.filter((f) => !(f.name === '' && f.bits !== undefined)).map((f) => ({ name: f.name, type: this.idOf(f.type), bitOffset: f.bitOffset, bitfieldSize: f.bits ?? 0 })),
        } as NewType;
      }
      default: return { kind: Kind.Int, name: 'int', size: 4, encoding: 1, bitOffset: 0, bits: 32 } as NewType;
    }
  }

  /** The BTF of every type given an id so far. */
  build(file: string): Btf {
    if (!this.btf) {
      const bytes = this.w.encode();
      this.btf = Btf.parse(bytes, file);
    }
    return this.btf;
  }
}

export { strip };
export type { Record };
