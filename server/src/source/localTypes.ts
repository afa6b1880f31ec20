// Local types: headers found and parsed in include order (cached by path, mtime, size and the context they were
// included in), and the local BTF built from them.
//
// Include order matters: a header sees the types and macros of everything included (and declared) before it, as
// clang does, so a helper header using `__u64` from an earlier vmlinux.h parses. A header's parse is therefore keyed
// by its context: the defines, the headers before it and the tokens of the includer before the directive. The big
// header every program starts with (vmlinux.h) has the same context across edits and documents: parsed once.
//
// The BTF holds the closure of the types the sites are rooted at (records behind pointers as stubs: see
// LocalBtfBuilder), so the existing CO-RE engine relocates a live site like an object relocation; ids differ from
// clang's, names and layouts of what libbpf compares do not.

import * as fs from 'fs';
import * as path from 'path';
import type { Btf } from '../btf/reader';
import { BtfWriter, NewType } from '../btf/writer';
import { Kind } from '../btf/types';
import { CParser, FuncDef, TypeEnv } from './cparse';
import { CType, Record, layout, strip } from './ctypes';
import { Token, tokenize } from './lexer';
import { readTextAndBytesSync, readTextInputSync } from '../util/files';
import { IncludeRef, Macro, PreItem, PreOptions, Preprocessor } from './preproc';
import { DocBodies, afterLastDirective, blankBodies, bodiesToShare, recordBodies, sameMacro, spliceBodies } from './docBodies';
import { GROUP_MARKERS, LAZY_MIN_BYTES, LazyDefs, Skim, isPending, markerTokens, markersGroupable, renamedTagDecls } from './lazyHeader';
import { skimCached } from './skimCache';
import type { Ahead } from './ahead';

export interface LoadNote { file: string; start: number; end: number; message: string }

/** A parsed file: its names and the macros it left defined. */
export interface ParsedFile {
  env: TypeEnv;
  funcs: FuncDef[];
  notes: LoadNote[];
  /** bpf_tracing.h could not be found but was included while __VMLINUX_H__ or __KERNEL__ was defined (the built-in
   * fallback then uses kernel pt_regs names). */
  kernelRegs?: boolean;
  /** A libbpf header could not be found: the typer falls back to its built-in understanding of libbpf's macros. */
  libbpfMissing?: boolean;
  /** Every file read for this translation unit (the incremental path re-checks them). */
  files?: string[];
  /** The document only: per header it brings in (directly or through others), the ordinal of the document's
   * `#include` directive line that first did (includeLines finds it again in an edited text). */
  includedBy?: Map<string, number>;
  /** The file's include guard (Preprocessor.lastGuard). */
  guard?: string;
}

/** One header's effect on a translation unit, replayable from the cache. */
interface CachedHeader {
  key: string;
  /** Unique per parse: what later headers' context keys name (a re-parse of this header changes theirs). */
  id: number;
  /** For a header the document includes directly: the macro state its parse started from, and the header
   * environments visible to it (sharing checks both). */
  before?: Map<string, Macro>;
  visibleAt?: TypeEnv[];
  /** Environments it made visible, nested headers first, its own last. */
  envs: TypeEnv[];
  macros: Map<string, Macro>;
  undefs: Set<string>;
  notes: LoadNote[];
  once: string[];
  /** Files (with stat keys) this parse read: any change invalidates it. */
  files: Map<string, string>;
  libbpfMissing?: boolean;
  kernelRegs?: boolean;
  /** Spellings `##` pasted while it was parsed (nested and replayed headers included); PASTE_RISK when a lazy part
   * parsed later may paste (see agrees). */
  pasted: Set<string>;
  /** The text of a lazily parsed header (its lazy environment holds it for the later parses anyway): another arch's
   * `agrees` searches it for names instead of reading the file again (a 6.18 vmlinux.h is 4 MB). */
  text?: string;
}

/** In a parse's pasted set: a lazily parsed header may paste later, with macros that contain `##` and appear in it. */
const PASTE_RISK = '\u0000lazy paste';

/** The state of one translation unit while it is read. */
export interface Tu {
  pre: Preprocessor;
  includePaths: readonly string[];
  /** Header environments in include order (the document's env imports exactly this list). */
  visible: TypeEnv[];
  /** Environments being parsed (includers of the current header). */
  stack: TypeEnv[];
  /** Context of what came before, for the header cache key. */
  ctx: string[];
  /** The same context without the defines and naming earlier headers by content rather than by parse: the key under
   * which another set of defines may reuse a parse (HeaderCache.agrees decides). */
  shareCtx: string[];
  /** The document's text before each of its includes (tokens), for HeaderCache.agrees. */
  docText: string[];
  once: Set<string>;
  files: Map<string, string>;
  /** Include directory index each file was found in (for #include_next). */
  foundIn: Map<string, number>;
  /** Header reads in this unit (bounded: an unguarded header including itself twice would double per level). */
  loads: number;
  /** Per header, the ordinal of the document's include directive that first brought it in (ParsedFile.includedBy). */
  includedBy?: Map<string, number>;
}

/** Whether re-includes of guarded headers are skipped (HeaderCache.skips); tests compare with reading them. */
export const GUARD_SKIP = { value: true };

/** Header reads one translation unit may make (real programs read a few dozen). */
export const MAX_HEADER_LOADS = 2048;

function statKey(file: string): string {
  try { const st = fs.statSync(file); return `${st.mtimeMs}:${st.size}`; } catch { return 'missing'; }
}

/** Finds and parses includes; one instance is shared by every document of an analyzer. */
export class HeaderCache {
  private readonly cache = new Map<string, CachedHeader>();
  /** Parses of headers the document includes directly, by file, stat key and context without the defines: the
   * candidates another set of defines (another arch's analyzer) may reuse (see `agrees`). */
  private readonly byContext = new Map<string, CachedHeader[]>();
  /** Per file (and stat key): which macro names its text mentions, as found so far. */
  private readonly mentions = new Map<string, Map<string, boolean>>();
  private ids = 0;
  /** Header parses served to another set of defines (tests, bench). */
  sharedHits = 0;
  /** The worker scanning big headers ahead of the parse (the language server's; ahead.ts). */
  ahead?: Ahead;
  /** Include guards by file and stat key, as found by the file's last parse. */
  private readonly guards = new Map<string, string>();
  /** Includes skipped because their guard was defined (tests, bench). */
  guardSkips = 0;

  /**
   * Whether including `file` now reads nothing: its whole text is one `#ifndef GUARD` group and GUARD is defined
   * (clang's multiple-include optimisation). A re-include of a guarded vmlinux.h from a helper header tokenized 3 MB
   * of inactive text per arch; skipping it gives what running it gives: no token, macro, pragma or declaration.
   * The file stays among those the unit read (a change to it on disk still rebuilds the environment).
   */
  skips(file: string, tu: Tu): boolean {
    const key = statKey(file);
    const g = this.guards.get(`${file}\u0000${key}`);
    if (g === undefined || !GUARD_SKIP.value || !tu.pre.macros.has(g)) return false;
    tu.files.set(file, key);
    this.guardSkips++;
    return true;
  }

  /** Resolves an include like clang: quoted relative to the includer first, then the include paths. */
  resolve(ref: IncludeRef, fromFile: string, includePaths: readonly string[], foundIn?: Map<string, number>): { file: string; dir: number } | undefined {
    let from = 0;
    if (ref.next) from = (foundIn?.get(fromFile) ?? -1) + 1;
    const cands: [string, number][] = [];
    if (!ref.angle && !ref.next) cands.push([path.dirname(fromFile), -1]);
    for (let i = from; i < includePaths.length; i++) cands.push([includePaths[i]!, i]);
    for (const [d, i] of cands) {
      const p = path.resolve(d, ref.name);
      // anything but a directory is found here: a FIFO or a device is then refused by the bounded reader, with a
      // note saying so, instead of a misleading "header not found"
      try { if (!fs.statSync(p).isDirectory()) return { file: p, dir: i }; } catch { /* next */ }
    }
    return undefined;
  }

  /** True when no file read by a cached header changed on disk since (the incremental path's precondition). */
  fresh(files?: Map<string, string>): boolean {
    const check = files ?? new Map([...this.cache.values()].flatMap((h) => [...h.files]));
    for (const [file, key] of check) if (statKey(file) !== key) return false;
    return true;
  }

  /** Parses a header in the unit's current context (or replays the cached parse of that context). */
  load(file: string, tu: Tu, depth: number): CachedHeader {
    const key = statKey(file);
    const ctxKey = `${file}\u0000${key}\u0000${tu.ctx.join('\u0001')}`;
    const hit = this.cache.get(ctxKey);
    if (hit && this.fresh(hit.files)) {
      this.replay(hit, tu);
      return hit;
    }
    // another set of defines (the other arch's analyzer) may have parsed this header in the same context already
    const shareable = depth === 0 && tu.stack.every(declaresNothing);
    const ctxOnly = shareable ? `${file}\u0000${key}\u0000${tu.shareCtx.join('\u0001')}` : '';
    if (shareable) {
      for (const c of this.byContext.get(ctxOnly) ?? []) {
        if (!this.fresh(c.files) || !this.agrees(c, tu)) continue;
        this.sharedHits++;
        this.cache.set(ctxKey, c);
        this.replay(c, tu);
        return c;
      }
    }
    const before = new Map(tu.pre.macros);
    tu.pre.undefs = new Set();
    const visibleBefore = tu.visible.length;
    const onceBefore = new Set(tu.once);
    const filesBefore = new Map(tu.files);
    let text = '';
    let bytes: Uint8Array | undefined;
    const notes: LoadNote[] = [];
    // bounded: a header that is a FIFO, a device or larger than CORELENS_MAX_HEADER_MB is a note, never a hang
    try { ({ text, bytes } = readTextAndBytesSync(file, 'header')); } catch (e) { notes.push({ file, start: 0, end: 0, message: `cannot read header ${file}: ${(e as Error).message}` }); }
    tu.files.set(file, key);
    const env = new TypeEnv();
    // a big header nothing before it declared into is parsed lazily (lazyHeader.ts): it keeps the headers before it
    // as imports (its later parses look up through them; they are header environments, never documents); its scan
    // comes from the disk cache when an earlier process scanned the same text (skimCache.ts)
    // (or from the worker that scanned it while the document was being parsed: ahead.ts)
    const sk = text.length >= LAZY_MIN_BYTES.value && tu.stack.every(declaresNothing) ? (this.ahead?.skimFor(file, text, bytes) ?? { skim: skimCached(text, bytes) }).skim : undefined;
    const visibleAt = [...tu.visible];
    env.imports = [...tu.visible, ...tu.stack];
    const ctxAt = tu.ctx.length;
    const shareAt = tu.shareCtx.length;
    const outerPasted = tu.pre.pasted;
    const pasted = new Set<string>();
    tu.pre.pasted = pasted;
    let parsed: ParsedFile;
    try {
      parsed = sk ? parseLazy(text, sk, file, tu, env, this) : parseText(text, file, tu, depth + 1, env);
    } finally {
      tu.pre.pasted = outerPasted;
      if (outerPasted) for (const x of pasted) outerPasted.add(x);
    }
    // the includer names this parse next (its id covers what the header included): the contexts after it are then
    // the same whether it was parsed now or replayed
    tu.ctx.length = ctxAt;
    tu.shareCtx.length = shareAt;
    if (parsed.guard) {
      this.guards.set(`${file}\u0000${key}`, parsed.guard);
      if (this.guards.size > 1024) this.guards.delete(this.guards.keys().next().value!);
    }
    // lookups through the includer were needed while parsing only: do not keep old documents alive
    env.imports = sk ? visibleAt : [];
    tu.visible.push(env);
    const macros = new Map<string, Macro>();
    for (const [k, v] of tu.pre.macros) if (before.get(k) !== v) macros.set(k, v);
    const undefs = new Set([...tu.pre.undefs].filter((u) => !tu.pre.macros.has(u)));
    const files = new Map<string, string>();
    for (const [f, k] of tu.files) if (!filesBefore.has(f) || f === file) files.set(f, k);
    const entry: CachedHeader = {
      key: ctxKey, id: ++this.ids, before: shareable ? before : undefined, visibleAt: shareable ? visibleAt : undefined, envs: tu.visible.slice(visibleBefore), macros, undefs, notes: [...notes, ...parsed.notes],
      once: [...tu.once].filter((f) => !onceBefore.has(f)), files, libbpfMissing: parsed.libbpfMissing, kernelRegs: parsed.kernelRegs,
      pasted, ...(sk ? { text } : {}),
    };
    this.cache.set(ctxKey, entry);
    // bounded: contexts of documents long closed go first (Map keeps insertion order)
    if (this.cache.size > 512) this.cache.delete(this.cache.keys().next().value!);
    if (shareable) {
      const l = (this.byContext.get(ctxOnly) ?? []).filter((c) => this.fresh(c.files));
      l.push(entry);
      this.byContext.set(ctxOnly, l.slice(-4));
      if (this.byContext.size > 512) this.byContext.delete(this.byContext.keys().next().value!);
    }
    return entry;
  }

  /**
   * Whether a parse made from another macro state (other defines: another arch) is exactly what this unit would
   * parse. The context without the defines is the same (the caller's key), so the parses can differ only through
   * the macros whose definitions differ between the two states, or macros whose bodies name those (transitively):
   * when none of these names appears anywhere in the text of the files the parse read, nor in the document text
   * before the directive, no conditional tests them and no expansion meets them, so both runs produce the same
   * tokens and declarations. Set-aside definitions of a lazy header are parsed later with the first state's macros:
   * the same text search covers them. Header environments visible to it that are different parses (a header
   * parsed per arch before it) add every name they declare to the names searched: lookups of other names resolve
   * to the same objects. A bpftool vmlinux.h never names __TARGET_ARCH_*: it is parsed once for all arches;
   * bpf_tracing.h does, so it is parsed per arch, and a header after it is shared when it names none of its
   * per-arch macros and declarations (`struct pt_regs`, `PT_REGS_*`, and what expands to them).
   */
  private agrees(c: CachedHeader, tu: Tu): boolean {
    const a = c.before;
    if (!a) return false;
    const b = tu.pre.macros;
    const differ = new Set<string>();
    // forEach, not for-of over entries: a macro table holds thousands (no entry pair and iterator result each)
    a.forEach((m, n) => { if (!sameMacro(m, b.get(n))) differ.add(n); });
    b.forEach((m, n) => { if (!a.has(n) && m) differ.add(n); });
    // header environments before it that are not the same parse (a header parsed per arch, like bpf_tracing.h):
    // what they declare may resolve differently, so those names must not be met either
    const va = c.visibleAt ?? [];
    if (va.length !== tu.visible.length) return false;
    for (let i = 0; i < va.length; i++) {
      if (va[i] === tu.visible[i]) continue;
      for (const e of [va[i]!, tu.visible[i]!]) {
        if ((e as TypeEnv & { lazy?: unknown }).lazy) return false;
        for (const k of e.tags.keys()) differ.add(k.slice(k.indexOf(' ') + 1));
        for (const m of [e.typedefs, e.enumConsts, e.globals, e.funcs]) for (const k of m.keys()) differ.add(k);
      }
    }
    if (!differ.size) return true;
    // a paste can form a differing name that no text spells whole (`__TARGET_ARCH_##a`): the parse recorded what its
    // pastes made; a lazy header's later parses may paste too when it uses a macro that pastes
    if (c.pasted.has(PASTE_RISK)) return false;
    for (const n of differ) if (c.pasted.has(n)) return false;
    // macros whose expansion reaches a differing one expand differently too
    for (let grew = true; grew;) {
      grew = false;
      for (const map of [a, b]) {
        map.forEach((m, n) => {
          if (differ.has(n)) return;
          const body = m.body;
          for (let k = 0; k < body.length; k++) if (differ.has(body[k]!.s)) { differ.add(n); grew = true; return; }
        });
      }
    }
    const ctx = tu.docText.join(' ');
    const texts = new Map<string, string | undefined>();
    // the text this parse read from its own file, when it kept it: the same file and stat key as `c.files` names
    if (c.text !== undefined) texts.set(c.key.slice(0, c.key.indexOf('\u0000')), c.text);
    for (const n of differ) {
      if (ctx.includes(n)) return false;
      for (const [f, stat] of c.files) if (this.mentionsName(f, stat, n, texts)) return false;
    }
    return true;
  }

  /** Whether a file's text contains `name` anywhere (comments included: a superset of its identifier uses). The
   * answers are kept, not the text (read at most once per check, into `texts`). */
  private mentionsName(file: string, stat: string, name: string, texts: Map<string, string | undefined>): boolean {
    const k = `${file}\u0000${stat}`;
    let m = this.mentions.get(k);
    if (!m) {
      m = new Map();
      this.mentions.set(k, m);
      if (this.mentions.size > 256) this.mentions.delete(this.mentions.keys().next().value!);
    }
    let v = m.get(name);
    if (v === undefined) {
      // read once per check (`texts`); unreadable now: assume it does (no sharing)
      if (!texts.has(file)) {
        let t: string | undefined;
        try { t = readTextInputSync(file, 'header'); } catch { t = undefined; }
        texts.set(file, t);
      }
      const t = texts.get(file);
      v = t === undefined || t.includes(name);
      m.set(name, v);
    }
    return v;
  }

  private replay(h: CachedHeader, tu: Tu): void {
    if (tu.pre.pasted) for (const x of h.pasted) tu.pre.pasted.add(x);
    for (const [k, v] of h.macros) tu.pre.macros.set(k, v);
    for (const u of h.undefs) tu.pre.macros.delete(u);
    for (const e of h.envs) tu.visible.push(e);
    for (const f of h.once) tu.once.add(f);
    for (const [f, k] of h.files) tu.files.set(f, k);
  }
}

/** Nested includes followed before giving up (clang's limit is 200; real BPF programs nest a handful). */
export const MAX_INCLUDE_DEPTH = 32;

/** libbpf's own headers (for the fallback when they cannot be found). */
function isLibbpfHeader(name: string): boolean {
  return /^bpf\/(bpf_helpers|bpf_helper_defs|bpf_core_read|bpf_tracing|bpf_endian|usdt\.bpf|bpf_tracing_net)\.h$/.test(name)
    || /^(bpf_helpers|bpf_core_read|bpf_tracing|bpf_endian)\.h$/.test(name);
}

/** A new translation unit over `pre` (already holding the predefined macros). */
export function newTu(pre: Preprocessor, includePaths: readonly string[], defines: string): Tu {
  return { pre, includePaths, visible: [], stack: [], ctx: [defines], shareCtx: [], docText: [], once: new Set(), files: new Map(), foundIn: new Map(), loads: 0 };
}

/** Preprocesses and parses one file's text into `env`, following includes in order. `bodies` (the document only):
 * function bodies another arch's analyzer preprocessed already are taken from it (docBodies.ts). */
export function parseText(text: string, file: string, tu: Tu, depth: number, env: TypeEnv, headers?: HeaderCache, bodies?: DocBodies): ParsedFile {
  const hc = headers ?? (tu as Tu & { headers?: HeaderCache }).headers!;
  (tu as Tu & { headers?: HeaderCache }).headers = hc;
  const notes: LoadNote[] = [];
  const funcs: FuncDef[] = [];
  const out: ParsedFile = { env, funcs, notes };
  if (depth === 0) env.imports = tu.visible;
  // the document's include lines, read once for the ordinals of all its includes (includedBy)
  let docIncludes: { start: number; end: number }[] | undefined;
  const pre = tu.pre;
  const notesBefore = pre.notes.length;
  let parsedUpTo = 0;
  let lastIncludeEnd = 0;
  const parseSeg = (seg: Token[]) => {
    if (!seg.length) return;
    const p = new CParser(seg, env);
    while (!p.done) {
      const st = p.i;
      try {
        p.topLevel((f) => { if (depth > 0) f.file = file; funcs.push(f); });
      } catch (e) {
        notes.push({ file, start: seg[p.i]?.start ?? 0, end: seg[p.i]?.end ?? 0, message: `parse error: ${(e as Error).message}` });
        p.skipStatement();
      }
      if (p.i === st) p.i++;
    }
    for (const n of p.notes) notes.push({ file, ...n });
  };
  tu.stack.push(env);
  const hooks: PreOptions = {
    onPragmaOnce: () => { tu.once.add(file); },
    hasInclude: (ref) => !!hc.resolve(ref, file, tu.includePaths, tu.foundIn),
    onInclude: (ref, _pre, before) => {
      // what precedes the directive is parsed first: the header sees it
      const seg: Token[] = [];
      for (let k = parsedUpTo; k < before.length; k++) { const it = before[k]!; if (!('include' in it)) seg.push(it); }
      parsedUpTo = before.length;
      parseSeg(seg);
      const prefix = depth === 0 ? tokenize(text, lastIncludeEnd, ref.start).map((t) => t.s).join(' ') : `${file}@${ref.start}`;
      tu.ctx.push(prefix);
      tu.shareCtx.push(prefix);
      if (depth === 0) tu.docText.push(prefix);
      lastIncludeEnd = ref.end;
      if (depth >= MAX_INCLUDE_DEPTH) {
        notes.push({ file, start: ref.start, end: ref.end, message: `includes nested more than ${MAX_INCLUDE_DEPTH} deep (a corelens limit; an include cycle without a guard?): ${ref.angle ? `<${ref.name}>` : `"${ref.name}"`} not read` });
        return;
      }
      const r = hc.resolve(ref, file, tu.includePaths, tu.foundIn);
      if (!r) {
        if (isLibbpfHeader(ref.name)) {
          out.libbpfMissing = true;
          if (/bpf_tracing/.test(ref.name)) out.kernelRegs = pre.macros.has('__VMLINUX_H__') || pre.macros.has('__KERNEL__');
        }
        notes.push({ file, start: ref.start, end: ref.end, message: `header not found: ${ref.angle ? `<${ref.name}>` : `"${ref.name}"`} (searched ${ref.angle ? '' : 'next to the file and '}${tu.includePaths.length} include path(s)); types from it are unknown` });
        return;
      }
      if (++tu.loads > MAX_HEADER_LOADS) {
        if (tu.loads === MAX_HEADER_LOADS + 1) notes.push({ file, start: ref.start, end: ref.end, message: `more than ${MAX_HEADER_LOADS} header reads in one translation unit (a corelens limit; an include cycle without a guard?): ${ref.angle ? `<${ref.name}>` : `"${ref.name}"`} and later includes not read` });
        return;
      }
      if (!tu.foundIn.has(r.file)) tu.foundIn.set(r.file, r.dir);
      const ordinal = depth === 0 ? includeOrdinal(docIncludes ??= includeLines(text), ref.start) : -1;
      if (depth === 0) { tu.includedBy ??= new Map(); if (!tu.includedBy.has(r.file)) tu.includedBy.set(r.file, ordinal); }
      if (tu.once.has(r.file)) return;
      if (hc.skips(r.file, tu)) { tu.ctx.push(`${r.file}#guarded`); tu.shareCtx.push(`${r.file}#guarded`); return; }
      const h = hc.load(r.file, tu, depth);
      if (depth === 0) for (const f of h.files.keys()) if (!tu.includedBy!.has(f)) tu.includedBy!.set(f, ordinal);
      // a header's imports were taken when its parse began: what it includes itself must become visible to the
      // rest of it (tetragon's vmlinux.h includes the generated one, then declares `union { u64 id; }` with its
      // typedefs). The document's imports are tu.visible itself, already holding them.
      if (depth > 0) for (const e of h.envs) env.absorb(e);
      if (h.libbpfMissing) out.libbpfMissing = true;
      if (h.kernelRegs !== undefined) out.kernelRegs = h.kernelRegs;
      tu.ctx.push(`${r.file}#${h.id}`);
      // by content for sharing: another arch's parse of the same file (agrees compares what it declares and defines)
      tu.shareCtx.push(`${r.file}:${h.files.get(r.file) ?? ''}`);
      // what a user must know from inside headers: missing headers and #error, named by the header
      for (const n of h.notes) {
        // a limit hit deep in the include tree still reaches the document, once
        const limit = /a corelens limit/.test(n.message);
        if (limit && notes.some((x) => x.message.endsWith(n.message))) continue;
        if (depth === 0 && n.file !== file && (limit || /header not found|^#error|^cannot read header/.test(n.message))) notes.push({ file, start: ref.start, end: ref.end, message: `in ${path.basename(n.file)}: ${n.message}` });
        else if (depth > 0) notes.push(n);
      }
    },
  };
  const items = depth === 0 && bodies ? runDocument(text, pre, hooks, bodies, notesBefore, notes) : pre.run(text, hooks);
  out.guard = pre.lastGuard;
  tu.stack.pop();
  // nested headers took theirs already (splice), so these are this file's
  for (const n of pre.notes.splice(notesBefore)) notes.push({ file, ...n });
  const seg: Token[] = [];
  for (let k = parsedUpTo; k < items.length; k++) { const it = items[k]!; if (!('include' in it)) seg.push(it); }
  parseSeg(seg);
  out.files = [...tu.files.keys()];
  if (depth === 0 && tu.includedBy) out.includedBy = tu.includedBy;
  return out;
}

/** Lines that are `#include` / `#include_next` / `#import` directives (a line's start, the directive's end). */
const INCLUDE_LINE = /^[ \t]*#[ \t]*(?:include(?:_next)?|import)\b[^\n]*/gm;

/** The include directive lines of `text`, in order (from the `#` to the line's last non-blank): an include's ordinal
 * among them survives edits inside function bodies (they move offsets, never the directives' order: a body holding
 * one re-parses the environment), so includedBy names an include by it and the analysis finds it again here. */
export function includeLines(text: string): { start: number; end: number }[] {
  const out: { start: number; end: number }[] = [];
  for (const m of text.matchAll(INCLUDE_LINE)) out.push({ start: m.index! + m[0].length - m[0].trimStart().length, end: m.index! + m[0].trimEnd().length });
  return out;
}

/** The ordinal of the include line holding offset `at` (how many end before it). */
function includeOrdinal(lines: readonly { start: number; end: number }[], at: number): number {
  let n = 0;
  while (n < lines.length && lines[n]!.end <= at) n++;
  return n;
}

/**
 * The document's run, its function bodies shared between arches (docBodies.ts): with another arch's record of this
 * text, the text up to the last directive line is run, then the rest with the bodies that record may give blanked
 * out, and their tokens spliced in; without one, one run, recorded for the others. The split needs no conditional
 * open at the last directive line: the nesting is textual, so the other arch's run closed them all there too. The
 * rest is an outermost run of its own (its expansion bound counts it alone): a run that hit a corelens limit anywhere
 * is not recorded, so a split happens only where one run stayed under every bound.
 */
function runDocument(text: string, pre: Preprocessor, hooks: PreOptions, bodies: DocBodies, notesBefore: number, notes: readonly LoadNote[]): PreItem[] {
  const from = afterLastDirective(text);
  const rec = from > 0 ? bodies.other() : undefined;
  if (rec && rec.text === text && rec.from === from && bodies.ranges.some((r) => r.start > from)) {
    const first = pre.run(text, hooks, 0, from);
    const shared = pre.openConds === 0 ? bodiesToShare(text, from, bodies.ranges, rec, pre.macros, pre.paiDepth) : new Map<number, Token[]>();
    let rest: PreItem[] | undefined;
    if (shared.size) {
      const n0 = pre.notes.length;
      rest = spliceBodies(pre.run(blankBodies(text, bodies.ranges, shared), hooks, from, text.length), bodies.ranges, shared);
      if (!rest) pre.notes.length = n0;
      else bodies.took(shared.size);
    }
    rest ??= pre.run(text, hooks, from, text.length);
    return first.concat(rest);
  }
  const items = pre.run(text, hooks);
  const limited = (m: string) => /a corelens limit|macro expansion stopped/.test(m);
  if (from > 0 && pre.openConds === 0 && !notes.some((n) => limited(n.message)) && !pre.notes.slice(notesBefore).some((n) => limited(n.message))) {
    bodies.keep(recordBodies(text, from, items, bodies.ranges, pre.macros, pre.paiDepth, pre.notes.slice(notesBefore).map((n) => n.start)));
  }
  return items;
}

/** True when an environment holds no names of its own (what a lazily parsed header may rely on). */
function declaresNothing(e: TypeEnv): boolean {
  return !e.tags.size && !e.typedefs.size && !e.enumConsts.size && !e.globals.size && !e.funcs.size;
}

/** Parses an eligible header lazily: directives and every declaration but the set-aside tag definitions now, those
 * on first use (lazyHeader.ts). Same result shape and effects on the unit as parseText. */
function parseLazy(text: string, sk: Skim, file: string, tu: Tu, env: TypeEnv, hc: HeaderCache): ParsedFile {
  const notes: LoadNote[] = [];
  const funcs: FuncDef[] = [];
  const pre = tu.pre;
  const notesBefore = pre.notes.length;
  const mt = markerTokens(text, sk, (n) => pre.macros.has(n), GROUP_MARKERS.value && markersGroupable(pre.macros, sk), renamedTagDecls(sk, pre.macros.keys()));
  tu.stack.push(env);
  let items: PreItem[];
  try {
    items = pre.run(text, {
      tokens: mt.tokens,
      onPragmaOnce: () => { tu.once.add(file); },
      hasInclude: (ref) => !!hc.resolve(ref, file, tu.includePaths, tu.foundIn),
      onInclude: () => undefined,
    });
  } finally { tu.stack.pop(); }
  const guard = pre.lastGuard;
  // the set-aside definitions are parsed later, with these macros: one that pastes and appears in the text may paste
  // then, after any sharing decision (HeaderCache.agrees refuses such a parse)
  if (pre.pasted) {
    for (const [n, m] of pre.macros) {
      if (m.body.some((t) => t.s === '##') && text.includes(n)) { pre.pasted.add(PASTE_RISK); break; }
    }
  }
  const toks = LazyDefs.split(items.filter((x): x is Token => !('include' in x)), mt.decls, mt.last);
  const lazy = new LazyDefs(text, { ...sk, decls: mt.decls }, env, pre.macros, mt.fwds);
  (env as TypeEnv & { lazy?: LazyDefs }).lazy = lazy;
  const p = new CParser(toks, env);
  // (where the in-order parse is when it parses a set-aside definition: LazyDefs.forwardDeclared)
  lazy.position = () => { const t = toks[p.i]; return t ? t.exp?.start ?? t.start : Infinity; };
  while (!p.done) {
    const st = p.i;
    try {
      p.topLevel((f) => { f.file = file; funcs.push(f); });
    } catch (e) {
      notes.push({ file, start: toks[p.i]?.start ?? 0, end: toks[p.i]?.end ?? 0, message: `parse error: ${(e as Error).message}` });
      p.skipStatement();
    }
    if (p.i === st) p.i++;
  }
  lazy.forwardDeclared();
  for (const n of p.notes) notes.push({ file, ...n });
  for (const n of pre.notes.splice(notesBefore)) notes.push({ file, ...n });
  return { env, funcs, notes, files: [...tu.files.keys()], guard };
}

/**
 * Encodes local types into BTF; ids are stable for the lifetime of one encoder.
 *
 * Records reached only through a pointer are encoded as *stubs*: kind and name, no members, size 0. Why: libbpf
 * never looks inside them. Field relocations compare the members along the access path only, and a pointer member
 * is compatible with any pointer (fields_are_compat); types_are_compat stops at a struct/union by kind; types_match
 * behind a pointer compares a struct/union's name and kind only (and keeps `behind_ptr` for everything deeper,
 * function prototypes included). Encoding the full pointer closure made the encoder parse ~1,500 set-aside
 * definitions of a vmlinux.h for a program touching a dozen; with stubs it parses the roots and what they embed.
 * Enums are always encoded in full (types_match compares an enum's values behind a pointer too). A forward-declared
 * record stays a FWD (kind matters to both checks). A record used both as a root and behind a pointer gets two
 * types (the full one and a stub); sites and plain accesses only ever name full ones.
 */
export class LocalBtfBuilder {
  private readonly w = new BtfWriter();
  private readonly ids = new Map<CType | string, number>();
  private readonly stubIds = new Map<CType | string, number>();
  private btf?: Btf;

  idOf(t: CType): number {
    return this.id(t, false);
  }

  private id(t: CType, stub: boolean): number {
    // ints, floats and void are the same in both spaces; enums are always full
    const shared = t.k === 'int' || t.k === 'float' || t.k === 'void' || t.k === 'enum';
    const map = stub && !shared ? this.stubIds : this.ids;
    const key = t.k === 'typedef' ? `typedef ${t.name}` : t.k === 'int' || t.k === 'float' ? `${t.k} ${t.name}` : t.k === 'void' ? 'void' : t;
    const have = map.get(key);
    if (have !== undefined) return have;
    if (t.k === 'void') { map.set(key, 0); return 0; }
    this.btf = undefined;
    const id = this.w.reserve();
    map.set(key, id);
    this.w.set(id, this.encode(t, stub && !shared));
    return id;
  }

  private encode(t: CType, stub: boolean): NewType {
    switch (t.k) {
      case 'int': return { kind: Kind.Int, name: t.name, size: t.size, encoding: (t.signed ? 1 : 0) | (t.char ? 2 : 0) | (t.bool ? 4 : 0), bitOffset: 0, bits: t.size * 8 } as NewType;
      case 'float': return { kind: Kind.Float, name: t.name, size: t.size } as NewType;
      case 'ptr': return { kind: Kind.Ptr, name: '', type: this.id(t.to, true) } as NewType;
      case 'array': return { kind: Kind.Array, name: '', elemType: this.id(t.of, stub), indexType: this.idOf({ k: 'int', name: 'unsigned int', size: 4, signed: false }), nelems: t.n } as NewType;
      case 'typedef': return { kind: Kind.Typedef, name: t.name, type: this.id(t.to, stub) } as NewType;
      case 'qual': return { kind: t.q === 'const' ? Kind.Const : t.q === 'volatile' ? Kind.Volatile : Kind.Restrict, name: '', type: this.id(t.of, stub) } as NewType;
      case 'func': return { kind: Kind.FuncProto, name: '', returnType: this.id(t.ret, stub), params: [...t.params.map((p) => ({ name: p.name, type: this.id(p.type, stub) })), ...(t.variadic ? [{ name: '', type: 0 }] : [])] } as NewType;
      case 'enum':
        if (!t.complete) return { kind: Kind.Fwd, name: t.name, isUnion: false } as NewType;
        return { kind: t.size > 4 ? Kind.Enum64 : Kind.Enum, name: t.name, size: t.size, signed: t.signed, values: t.values.map((v) => ({ name: v.name, value: v.value })) } as NewType;
      case 'struct': case 'union': {
        // a set-aside definition not parsed yet is complete without parsing it (lazyHeader.ts)
        if (stub && (isPending(t) || t.complete)) return { kind: t.k === 'struct' ? Kind.Struct : Kind.Union, name: t.name, size: 0, kindFlag: false, members: [] } as NewType;
        if (!t.complete) return { kind: Kind.Fwd, name: t.name, isUnion: t.k === 'union' } as NewType;
        layout(t);
        const kindFlag = t.fields.some((f) => f.bits !== undefined);
        return {
          kind: t.k === 'struct' ? Kind.Struct : Kind.Union, name: t.name, size: t.size, kindFlag,
          members: t.fields.filter((f) => !(f.name === '' && f.bits !== undefined)).map((f) => ({ name: f.name, type: this.id(f.type, false), bitOffset: f.bitOffset, bitfieldSize: f.bits ?? 0 })),
        } as NewType;
      }
      default: return { kind: Kind.Int, name: 'int', size: 4, encoding: 1, bitOffset: 0, bits: 32 } as NewType;
    }
  }

  /** The BTF of every type given an id so far. */
  build(file: string): Btf {
    if (!this.btf) {
      const bytes = this.w.encode();
      // the BTF reader loads here: a `sites` run never builds the local BTF (its ids come from the writer), and the
      // reader's modules were ~1.5 ms of its start
      this.btf = (require('../btf/reader') as typeof import('../btf/reader')).Btf.parse(bytes, file);
    }
    return this.btf;
  }
}

export { strip };
export type { Record };
