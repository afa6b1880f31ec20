// Memoised relocation of a program's relocations on many targets: what lets the language server answer an edit
// that keeps every CO-RE access in the same time at 500 targets as at 5. Pure (no LSP, no I/O).
//
// Exactness. On one target, libbpf's result for a relocation depends on the target, the local types it reaches, its
// kind and access string, and the state of its root's candidate list, which earlier relocations of the SAME root
// type pruned (relocate() and CandidateCache mirror that). Relocations of different roots never touch each other's
// lists. So the results of all relocations rooted at one local type, in program order, are a function of:
//   (target identity + generation, relocate options) × (the local type graph they reach, ids included; the ordered
//   list of (kind, access) of that root's relocations).
// A "group" is that second part; its results per target are memoised whole, and replayed by index. Nothing that
// would make two different groups look equal is left out of the key (see localSignature), so a hit returns exactly
// what relocating again would.

import { BtfError } from '../btf/errors';
import { Btf } from '../btf/reader';
import { Kind } from '../btf/types';
import { CandidateCache, CoreTarget, RelocateOptions, RelocationInput, RelocationResult, relocate } from './relocate';
import { CoreError, Spec, parseSpec } from './spec';

/** A target as the memo knows it: a CoreTarget plus who it is. */
export interface MemoTarget extends CoreTarget {
  /**
   * Bumped by the owner whenever the BTF behind this name changes (a reload, a new slice). With it, results are
   * keyed by (name, generation), so they survive the BTF object being replaced by an equivalent one; without it,
   * by the BTF object itself (always safe, never shared with a replacement).
   */
  readonly generation?: number;
}

/** One evaluation's relocations, grouped by root, with the identity of each call and what resolving needs. */
export interface PreparedCalls {
  readonly calls: readonly RelocationInput[];
  /**
   * Per call, an id such that equal ids mean equal results on every one of the prepared targets: "r<root>:<kind>:
   * <access>" when no target has more than one candidate for the root (nothing can be pruned, so the result does
   * not depend on the order), else "g<group>:<position>" (the root's whole ordered program decides).
   */
  readonly callIds: readonly string[];
  /** Per call, the index of its group in `groups`. */
  readonly groupOf: readonly number[];
  readonly groups: readonly Group[];
  readonly targets: readonly MemoTarget[];
  readonly opts: RelocateOptions;
  readonly localBtf: Btf;
  /** Per target: its memo entry, and the candidate cache made while preparing (reused by resolve). */
  readonly perTarget: readonly { entry: TargetEntry; cache?: CandidateCache }[];
}

interface Group {
  readonly gid: number;
  readonly typeId: number;
  readonly calls: readonly number[];
  /** No target has more than one candidate: calls can be resolved one by one, in any order. */
  readonly orderFree: boolean;
}

interface TargetEntry {
  used: number;
  /** Whole ordered programs of roots with several candidates somewhere. */
  groups: Map<number, { used: number; results: RelocationResult[] }>;
  /** Single calls of order-free roots, by call id. */
  calls: Map<string, { used: number; result: RelocationResult }>;
  /** Candidate count per root signature id (what decides order-freedom). */
  counts: Map<number, { used: number; n: number }>;
}

/**
 * Relocation results per target, kept from one evaluation to the next. One memo per document (or per program):
 * entries not used by the current or the previous evaluation are dropped after each evaluation, so it holds about
 * two evaluations' results, and an edit that changes one access only relocates that access on each target.
 */
export class RelocationMemo {
  /**
   * `shared: false` for a memo that lives for one evaluation only: no signatures, no candidate counting, every root
   * relocated as one ordered group (exactly what relocating the list in order with one cache per target does).
   */
  constructor(private readonly opts: { shared?: boolean } = {}) {}
  private clock = 0;
  private nextId = 1;
  private readonly ids = new Map<string, { id: number; used: number }>();
  private readonly entries = new Map<string, TargetEntry>();

  private intern(key: string): number {
    let e = this.ids.get(key);
    if (!e) this.ids.set(key, (e = { id: this.nextId++, used: this.clock }));
    e.used = this.clock;
    return e.id;
  }

  /** Starts an evaluation on these targets: groups the calls by root and names each call by what it depends on. */
  prepare(localBtf: Btf, calls: readonly RelocationInput[], targets: readonly MemoTarget[], opts: RelocateOptions = {}): PreparedCalls {
    this.clock++;
    const shared = this.opts.shared !== false;
    const byRoot = new Map<number, number[]>();
    calls.forEach((c, i) => {
      const list = byRoot.get(c.typeId);
      if (list) list.push(i);
      else byRoot.set(c.typeId, [i]);
    });
    const roots = [...byRoot].map(([typeId, idx]) => ({ typeId, idx, sig: shared ? this.intern(localSignature(localBtf, typeId)) : typeId }));
    const perTarget = targets.map((t) => {
      const key = targetKey(t, opts);
      let entry = this.entries.get(key);
      if (!entry) this.entries.set(key, (entry = { used: this.clock, groups: new Map(), calls: new Map(), counts: new Map() }));
      entry.used = this.clock;
      return { entry, cache: undefined as CandidateCache | undefined };
    });
    // Candidate counts per (target, root): known from earlier evaluations, else one batch search per target.
    const multi = new Set<number>();
    if (shared) {
      targets.forEach((t, ti) => {
        const pt = perTarget[ti]!;
        const unknown = roots.filter((r) => {
          const c = pt.entry.counts.get(r.sig);
          if (c) c.used = this.clock;
          else return true;
          if (c.n > 1) multi.add(r.sig);
          return false;
        });
        if (!unknown.length) return;
        pt.cache = new CandidateCache(t, localBtf);
        pt.cache.prefetch(unknown.map((r) => r.typeId));
        for (const r of unknown) {
          let n = 0;
          try {
            n = pt.cache.get(r.typeId).length;
          } catch (e) {
            // An unsearchable root fails every relocation the same way before any list is touched: order-free.
            if (!(e instanceof CoreError) && !(e instanceof BtfError)) throw e;
          }
          pt.entry.counts.set(r.sig, { used: this.clock, n });
          if (n > 1) multi.add(r.sig);
        }
      });
    }
    const callIds: string[] = new Array(calls.length);
    const groupOf: number[] = new Array(calls.length);
    const groups = roots.map((r, gi) => {
      const orderFree = shared && !multi.has(r.sig);
      const program = r.idx.map((i) => `${calls[i]!.kind}:${calls[i]!.access}`);
      const gid = shared ? this.intern(`${r.sig}\u0001${program.join(';')}`) : r.typeId;
      r.idx.forEach((c, pos) => {
        callIds[c] = orderFree ? `r${r.sig}:${program[pos]}` : `g${gid}:${pos}`;
        groupOf[c] = gi;
      });
      return { gid, typeId: r.typeId, calls: r.idx, orderFree };
    });
    return { calls, callIds, groupOf, groups, targets, opts, localBtf, perTarget };
  }

  /**
   * Results of the `needed` calls (default: all) on every prepared target, as [target][call] (other slots empty).
   * Order-free calls are looked up or relocated one by one; other roots' programs whole and in order.
   */
  resolve(prep: PreparedCalls, needed?: Iterable<number>): RelocationResult[][] {
    const { calls, groups, groupOf, callIds, localBtf, opts } = prep;
    const want = needed ? [...new Set(needed)] : calls.map((_, i) => i);
    const wantGroups = [...new Set(want.filter((c) => !groups[groupOf[c]!]!.orderFree).map((c) => groupOf[c]!))].map((g) => groups[g]!);
    const wantFree = want.filter((c) => groups[groupOf[c]!]!.orderFree);
    const specs: (Spec | null | undefined)[] = new Array(calls.length);
    // The local spec depends on the local types alone: parsed once per call, for every target that misses.
    const specOf = (i: number): Spec | undefined => {
      if (specs[i] === undefined) {
        const c = calls[i]!;
        try {
          specs[i] = parseSpec(localBtf, c.typeId, c.access, c.kind);
        } catch (e) {
          if (!(e instanceof CoreError) && !(e instanceof BtfError)) throw e;
          specs[i] = null; // relocate() parses again and reports the error as libbpf would
        }
      }
      return specs[i] ?? undefined;
    };
    return prep.targets.map((t, ti) => {
      const pt = prep.perTarget[ti]!;
      const { entry } = pt;
      const out: RelocationResult[] = new Array(calls.length);
      let prefetched = false;
      const cache = () => {
        pt.cache ??= new CandidateCache(t, localBtf);
        if (!prefetched) {
          prefetched = true;
          pt.cache.prefetch(new Set(want.map((c) => calls[c]!.typeId)));
        }
        return pt.cache;
      };
      for (const c of wantFree) {
        const id = callIds[c]!;
        let hit = entry.calls.get(id);
        if (!hit) entry.calls.set(id, (hit = { used: this.clock, result: relocate(calls[c]!, cache(), opts, specOf(c)) }));
        hit.used = this.clock;
        out[c] = hit.result;
      }
      for (const g of wantGroups) {
        let hit = entry.groups.get(g.gid);
        // A group runs whole, in order, on lists no other call of its root has touched in this evaluation.
        if (!hit) entry.groups.set(g.gid, (hit = { used: this.clock, results: g.calls.map((c) => relocate(calls[c]!, cache(), opts, specOf(c))) }));
        hit.used = this.clock;
        for (let i = 0; i < g.calls.length; i++) out[g.calls[i]!] = hit.results[i]!;
      }
      return out;
    });
  }

  /** Ends an evaluation: drops what neither this evaluation nor the previous one used. */
  sweep(): void {
    const keep = this.clock - 1;
    for (const [k, e] of this.ids) if (e.used < keep) this.ids.delete(k);
    for (const [k, t] of this.entries) {
      if (t.used < keep) {
        this.entries.delete(k);
        continue;
      }
      for (const [id, g] of t.groups) if (g.used < keep) t.groups.delete(id);
      for (const [id, c] of t.calls) if (c.used < keep) t.calls.delete(id);
      for (const [id, c] of t.counts) if (c.used < keep) t.counts.delete(id);
    }
  }

  /**
   * A short id for the prepared target list (with options): equal ids mean the same targets, in the same order.
   * Short so that keys built on it stay cheap to hash (the list itself is tens of kilobytes at 500 targets).
   */
  targetSetKey(prep: PreparedCalls): string {
    return `t${this.intern(prep.targets.map((t) => targetKey(t, prep.opts)).join('\n'))}`;
  }
}

const objectIds = new WeakMap<object, number>();
let nextObjectId = 1;

/** A number that names one object for as long as it lives (never reused by another object). */
function objectId(o: object): number {
  let id = objectIds.get(o);
  if (id === undefined) objectIds.set(o, (id = nextObjectId++));
  return id;
}

function targetKey(t: MemoTarget, opts: RelocateOptions): string {
  const who = t.generation !== undefined ? `g${t.generation}` : `o${objectId(t.btf)}${(t.modules ?? []).map((m) => `,${objectId(m)}`).join('')}`;
  return `${t.name}\u0000${who}\u0000${opts.littleEndian ?? ''}\u0000${opts.libbpf ?? ''}`;
}

const signatures = new WeakMap<Btf, Map<number, string>>();
/** Bounds the walk; a deeper local type graph is not shared (its signature names the BTF object). */
const MAX_SIGNATURE_DEPTH = 256;

class Unshareable extends Error {}

/**
 * Everything about local type `root` that relocations rooted at it can read, as a string: the graph reachable from
 * it, with ids, names, sizes, offsets, encodings and enumerators, plus the BTF's pointer size. Behind a pointer,
 * structs and unions are named only (kind, name, size): libbpf's field walk never crosses a pointer, and its type
 * compatibility checks (fields_are_compat, types_are_compat, types_match) only compare the kind and name of a
 * composite behind one. Ids are included because messages quote them (`anonymous struct [42]`). Cached per BTF
 * object and root; a malformed or unusual graph gets a signature naming the BTF object (never shared).
 */
export function localSignature(btf: Btf, root: number): string {
  let perBtf = signatures.get(btf);
  if (!perBtf) signatures.set(btf, (perBtf = new Map()));
  let sig = perBtf.get(root);
  if (sig === undefined) {
    try {
      sig = `${btf.pointerSize}|${serialize(btf, root)}`;
    } catch (e) {
      if (!(e instanceof BtfError) && !(e instanceof Unshareable)) throw e;
      sig = `#${objectId(btf)}:${root}`;
    }
    perBtf.set(root, sig);
  }
  return sig;
}

function serialize(btf: Btf, root: number): string {
  const out: string[] = [];
  const seen = new Map<number, number>();
  // Names are length-prefixed, so no name (whatever bytes a hostile BTF holds) can imitate the structure.
  const name = (s: string) => `${s.length}'${s}`;
  const visit = (id: number, behindPtr: boolean, depth: number): void => {
    if (depth > MAX_SIGNATURE_DEPTH) throw new Unshareable();
    const key = behindPtr ? -id - 1 : id;
    const have = seen.get(key);
    if (have !== undefined) {
      out.push(`@${have}`);
      return;
    }
    seen.set(key, seen.size);
    const t = btf.type(id);
    out.push(`[${id}]`);
    switch (t.kind) {
      case Kind.Void: out.push('v'); return;
      case Kind.Int: out.push(`i${name(t.name)}${t.size}:${t.encoding}:${t.bitOffset}:${t.bits}`); return;
      case Kind.Float: out.push(`d${name(t.name)}${t.size}`); return;
      case Kind.Fwd: out.push(`f${t.isUnion ? 1 : 0}${name(t.name)}`); return;
      case Kind.Enum: case Kind.Enum64:
        out.push(`e${t.kind}:${t.size}:${t.signed ? 1 : 0}${name(t.name)}${t.values.length}{${t.values.map((v) => `${name(v.name)}${v.value}`).join(',')}}`);
        return;
      case Kind.Ptr:
        out.push('p');
        visit(t.type, true, depth + 1);
        return;
      case Kind.Array:
        out.push(`a${t.nelems}:`);
        visit(t.elemType, behindPtr, depth + 1);
        return;
      case Kind.Typedef: case Kind.Const: case Kind.Volatile: case Kind.Restrict: case Kind.TypeTag:
        out.push(`q${t.kind}${name(t.name)}`);
        visit(t.type, behindPtr, depth + 1);
        return;
      case Kind.Struct: case Kind.Union:
        if (behindPtr) {
          out.push(`S${t.kind}:${t.size}${name(t.name)}`);
          return;
        }
        out.push(`s${t.kind}:${t.size}:${t.kindFlag ? 1 : 0}${name(t.name)}${t.members.length}{`);
        for (const m of t.members) {
          out.push(`${name(m.name)}${m.bitOffset}:${m.bitfieldSize}=`);
          visit(m.type, false, depth + 1);
        }
        out.push('}');
        return;
      case Kind.FuncProto:
        out.push(`F${t.params.length}(`);
        for (const p of t.params) {
          out.push(name(p.name));
          visit(p.type, behindPtr, depth + 1);
        }
        out.push(')');
        visit(t.returnType, behindPtr, depth + 1);
        return;
      default:
        // FUNC, VAR, DATASEC, DECL_TAG as relocation roots or members: rare enough not to be worth sharing.
        throw new Unshareable();
    }
  };
  visit(root, false, 0);
  return out.join('');
}
