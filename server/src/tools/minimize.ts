// Minimise a target BTF for given BPF objects: the smallest BTF that resolves every CO-RE relocation of the objects
// exactly as the full BTF does (what `bpftool gen min_core_btf` / BTFGen produce for btf_custom_path).
//
// The marking rules follow bpftool's btfgen (read from libbpf/bpftool src/gen.c): field relocations keep each type
// and member on the matched target access path (member types without following pointers); type relocations keep the
// root with everything reachable, pointers included, but composites without members; TYPE_MATCHES keeps whole
// composites except behind pointers; enum relocations keep the whole enum. One deliberate difference: bpftool
// records only the first matching candidate, so a relocation that libbpf finds ambiguous (or a TYPE_ID_TARGET with
// two candidates, an error on the full BTF) would resolve on the minimised file; here every candidate that matches
// is kept, so errors stay errors too.

import { Btf } from '../btf/reader';
import { BpfObject } from '../btf/object';
import { Kind, isComposite } from '../btf/types';
import { pruneBtf } from '../btf/writer';
import { CandidateCache, Candidate, relocate } from '../core/relocate';
import { ReloKind, isEnumvalBased, isFieldBased } from '../core/kinds';
import { matchSpec } from '../core/match';
import { Spec, parseSpec } from '../core/spec';

export interface MinimizeOptions {
  /** Output byte order; default: the target's. */
  littleEndian?: boolean;
}

export interface MinimizeStats {
  relocations: number;
  /** Relocations by outcome on the full target (identical on the minimised one). */
  ok: number;
  poison: number;
  error: number;
}

export interface Minimized {
  readonly bytes: Uint8Array;
  /** Full-target id → minimised id (only kept types). */
  readonly idMap: ReadonlyMap<number, number>;
  readonly types: number;
  readonly members: number;
  readonly stats: MinimizeStats;
}

/** Names libbpf reads to infer the pointer size (see reader.ts): kept when the target is not 64-bit. */
const LONG_NAMES = ['long', 'long int', 'unsigned long', 'long unsigned int'];

/** Marks of one target: types, members per composite, and composites kept whole. */
class Marks {
  readonly types = new Set<number>();
  /** Types already walked with pointers followed (a superset walk of the plain one). */
  private readonly followed = new Set<number>();
  private readonly plain = new Set<number>();
  readonly members = new Map<number, Set<number>>();
  readonly whole = new Set<number>();
  private readonly matchWalked = new Set<string>();

  constructor(private readonly btf: Btf) {}

  /** bpftool's btfgen_mark_type: the type and what it needs, pointees only when `follow`. */
  type(id: number, follow: boolean): void {
    for (let depth = 0; id !== 0 && depth < 1024; depth++) {
      if (follow ? this.followed.has(id) : this.plain.has(id) || this.followed.has(id)) return;
      (follow ? this.followed : this.plain).add(id);
      this.types.add(id);
      const t = this.btf.type(id);
      switch (t.kind) {
        case Kind.Ptr:
          if (!follow) return;
          id = t.type;
          continue;
        case Kind.Const: case Kind.Volatile: case Kind.Restrict: case Kind.Typedef: case Kind.TypeTag:
          id = t.type;
          continue;
        case Kind.Array:
          this.type(t.indexType, follow);
          id = t.elemType;
          continue;
        case Kind.FuncProto:
          for (const p of t.params) this.type(p.type, follow);
          id = t.returnType;
          continue;
        default:
          return;
      }
    }
  }

  member(id: number, idx: number): void {
    let s = this.members.get(id);
    if (!s) this.members.set(id, (s = new Set()));
    s.add(idx);
  }

  /** bpftool's btfgen_mark_type_match: composites whole (members and their types) unless reached through a pointer. */
  typeMatch(id: number, behindPtr: boolean, depth = 0): void {
    if (id === 0 || depth > 256) return;
    const key = `${id}:${behindPtr ? 1 : 0}`;
    if (this.matchWalked.has(key)) return;
    this.matchWalked.add(key);
    this.types.add(id);
    const t = this.btf.type(id);
    switch (t.kind) {
      case Kind.Struct: case Kind.Union:
        if (behindPtr) return;
        this.whole.add(id);
        for (const m of t.members) this.typeMatch(m.type, false, depth + 1);
        return;
      case Kind.Const: case Kind.Volatile: case Kind.Restrict: case Kind.Typedef: case Kind.TypeTag:
        this.typeMatch(t.type, behindPtr, depth + 1);
        return;
      case Kind.Ptr: this.typeMatch(t.type, true, depth + 1); return;
      case Kind.Array:
        this.typeMatch(t.elemType, false, depth + 1);
        this.typeMatch(t.indexType, false, depth + 1);
        return;
      case Kind.FuncProto:
        this.typeMatch(t.returnType, false, depth + 1);
        for (const p of t.params) this.typeMatch(p.type, false, depth + 1);
        return;
      default: return;
    }
  }

  /** Records what one matched target spec touches (bpftool's btfgen_record_reloc). */
  spec(spec: Spec): void {
    const { kind } = spec;
    if (isFieldBased(kind)) this.fieldPath(spec);
    else if (kind === ReloKind.TypeMatches) this.typeMatch(spec.rootTypeId, false);
    else if (isEnumvalBased(kind)) this.type(spec.rootTypeId, false);
    else if (kind !== ReloKind.TypeIdLocal) this.type(spec.rootTypeId, true);
  }

  private fieldPath(spec: Spec): void {
    const { btf } = this;
    let id = spec.rootTypeId;
    this.type(id, false);
    for (let i = 1; i < spec.raw.length; i++) {
      id = btf.skipModifiers(id);
      const t = btf.type(id);
      if (isComposite(t)) {
        const idx = spec.raw[i]!;
        this.member(id, idx);
        id = t.members[idx]!.type;
        this.type(id, false);
      } else if (t.kind === Kind.Array) {
        id = t.elemType;
      } else {
        return;
      }
    }
  }
}

/** Minimises `target` (a base BTF) for all CO-RE relocations of `objects`. Throws on a split target. */
export function minimizeBtf(target: Btf, objects: readonly BpfObject[], opts: MinimizeOptions = {}): Minimized {
  if (target.base) throw new Error(`${target.file}: split BTF targets cannot be minimised on their own yet; pass the base`);
  const marks = new Marks(target);
  const stats: MinimizeStats = { relocations: 0, ok: 0, poison: 0, error: 0 };
  for (const obj of objects) {
    // One cache per object, relocated in .BTF.ext order: the same candidate pruning as one libbpf load.
    const cache = new CandidateCache({ name: target.file, btf: target }, obj.btf);
    for (const relo of obj.ext?.coreRelos ?? []) {
      stats.relocations++;
      let before: Candidate[] = [];
      if (relo.kind !== ReloKind.TypeIdLocal) {
        try {
          before = cache.get(relo.typeId).slice();
        } catch {
          before = [];
        }
      }
      const res = relocate(relo, cache, { libbpf: '1.1' });
      stats[res.status]++;
      // An error result carries no spec (ambiguity is found only after matching), so parse it here.
      let local = res.localSpec;
      if (!local) {
        try {
          local = parseSpec(obj.btf, relo.typeId, relo.access, relo.kind);
        } catch {
          continue;
        }
      }
      for (const c of before) {
        let spec: Spec | undefined;
        try {
          spec = matchSpec(local, c.btf, c.id);
        } catch {
          spec = undefined;
        }
        if (spec) marks.spec(spec);
      }
    }
  }
  if (target.pointerSize !== 8) {
    for (const n of LONG_NAMES) {
      const id = target.findByName(n, Kind.Int);
      if (id) {
        marks.types.add(id);
        break;
      }
    }
  }
  const { writer, idMap } = pruneBtf(target, { types: marks.types, members: marks.members, allMembers: marks.whole },
    { littleEndian: opts.littleEndian ?? target.littleEndian });
  let members = 0;
  for (const id of marks.types) {
    const t = target.type(id);
    if (isComposite(t)) members += marks.whole.has(id) ? t.members.length : marks.members.get(id)?.size ?? 0;
  }
  return { bytes: writer.encode(), idMap, types: writer.count, members, stats };
}
