// The CO-RE relocation engine: (local type, access string, kind, target BTF) → libbpf's decision, value and reason.
//
// This mirrors libbpf's bpf_core_calc_relo_insn (relo_core.c) rule for rule, including the order-dependent
// candidate pruning that libbpf applies across the relocations of one object load (see CandidateCache).

import { BtfError } from '../btf/errors';
import { Btf, essentialName } from '../btf/reader';
import { INT_SIGNED, Kind, isComposite, isEnum } from '../btf/types';
import { kindsCoreCompat } from './compat';
import {
  E2BIG, EINVAL, EOPNOTSUPP, ReloKind, isEnumvalBased, isExistenceKind, isFieldBased, isTypeBased, reloKindName,
} from './kinds';
import { MismatchNote, matchSpec } from './match';
import { closestMemberNames } from './names';
import { CoreError, Spec, describe, formatSpec, parseSpec } from './spec';

/** A target: one BTF to search first (vmlinux, an app, a merged file) and optional split module BTFs after it. */
export interface CoreTarget {
  readonly name: string;
  readonly btf: Btf;
  /** Searched only when `btf` has no candidate at all, in order, own types only (libbpf's module rule). */
  readonly modules?: readonly Btf[];
}

export interface Candidate {
  readonly btf: Btf;
  readonly id: number;
}

/** One relocation as clang records it in .BTF.ext. */
export interface RelocationInput {
  readonly typeId: number;
  readonly access: string;
  readonly kind: number;
}

export type RelocationStatus = 'ok' | 'poison' | 'error';

export interface RelocationResult {
  readonly kind: number;
  /** ok: `value` applies; poison: the instruction becomes `call 0xbad2310`; error: libbpf fails the whole load. */
  readonly status: RelocationStatus;
  /** The value the compiler assumed (from the local types); absent on error. */
  readonly localValue?: bigint;
  /** The value on the target; absent when poisoned or on error. */
  readonly value?: bigint;
  /** Whether libbpf checks that the instruction holds `localValue` before patching. */
  readonly validate: boolean;
  /** Memory access sizes for BYTE_OFFSET on loads/stores (0 when not applicable). */
  readonly localSize: number;
  readonly targetSize: number;
  /** The load/store size would change in a way libbpf refuses: such an LDX/ST/STX gets poisoned. */
  readonly failMemszAdjust: boolean;
  /** Type id of the matched candidate in the target's numbering; 0 when none. */
  readonly targetTypeId: number;
  readonly localSpec?: Spec;
  readonly targetSpec?: Spec;
  /** How many candidates had the right name and kind, and how many of them matched. */
  readonly candidates: number;
  readonly matched: number;
  /** libbpf's errno for an error. */
  readonly errno?: number;
  /** Why it failed or resolved to 0, in words a user can act on; undefined when it simply resolved. */
  readonly reason?: string;
  /** What is wrong on the target, without the consequence ("struct task_struct has no field state; ..."). */
  readonly problem?: string;
  /** The class of failure, for diagnostics codes; undefined when it resolved. */
  readonly failure?: FailureClass;
  /** For a missing field: the target member it was most likely renamed to (`state` → `__state`). */
  readonly suggestion?: string;
}

/** Why a relocation did not resolve, in classes users fix differently. */
export type FailureClass = 'missing-type' | 'missing-field' | 'incompatible' | 'missing-enum-value' | 'ambiguous'
  | 'bitfield' | 'invalid';

/**
 * Candidate lists per local root type for one target during one object load. libbpf caches one list per root
 * type and, after a relocation with at least one matching candidate, keeps only the candidates that matched: later
 * relocations of the same root see the pruned list. Use one cache per (object, target) and relocate in file order.
 */
export class CandidateCache {
  private readonly lists = new Map<number, Candidate[]>();
  constructor(readonly target: CoreTarget, readonly localBtf: Btf) {}

  /** The (shared, mutable) candidate list for a local root type. Throws CoreError for anonymous roots. */
  get(localId: number): Candidate[] {
    let list = this.lists.get(localId);
    if (!list) {
      list = findCandidates(this.localBtf, localId, this.target);
      this.lists.set(localId, list);
    }
    return list;
  }

  /**
   * A cache holding copies of this one's lists: relocations through it start from these lists (pruned as far as this
   * cache's relocations pruned them) without searching the target again. A differential that needs every relocation
   * to start unpruned prefetches once and forks per relocation.
   */
  fork(): CandidateCache {
    const c = new CandidateCache(this.target, this.localBtf);
    for (const [id, list] of this.lists) c.lists.set(id, list.slice());
    return c;
  }

  /**
   * Finds the candidates of many local roots at once: one pass over the target's records for all their names,
   * instead of a scan per name or a full name index (libbpf scans the whole target once per root). Lists already
   * known are kept (pruning state included). Roots that cannot be searched (anonymous, out of range) and targets
   * whose records cannot be read are left to `get`, which reports them exactly as before.
   */
  prefetch(localIds: Iterable<number>): void {
    const roots = new Map<number, { ess: string; kind: number }>();
    for (const id of localIds) {
      if (this.lists.has(id) || roots.has(id) || id <= 0 || id >= this.localBtf.typeCount) continue;
      try {
        const name = this.localBtf.name(id);
        if (name !== '') roots.set(id, { ess: essentialName(name), kind: this.localBtf.kind(id) });
      } catch (e) {
        if (!(e instanceof BtfError)) throw e;
      }
    }
    if (roots.size === 0) return;
    const names = [...new Set([...roots.values()].map((r) => r.ess))];
    const kinds = new Set<number>();
    for (const r of roots.values()) for (const k of compatKinds(r.kind)) kinds.add(k);
    try {
      const { btf, modules } = this.target;
      const chain: Btf[] = [];
      for (let b: Btf | undefined = btf; b; b = b.base) chain.unshift(b);
      const found = chain.map((b) => b.idsWithEssentialNames(names, kinds));
      let moduleFound: Map<string, number[]>[] | undefined;
      for (const [id, r] of roots) {
        // Base first, then the target's own types: the order libbpf (and findCandidates) lists them in.
        let list = chain.flatMap((b, i) => found[i]!.get(r.ess)!.filter((t) => kindsCoreCompat(b.kind(t), r.kind)).map((t) => ({ btf, id: t })));
        if (list.length === 0 && modules) {
          moduleFound ??= modules.map((m) => m.idsWithEssentialNames(names, kinds));
          list = modules.flatMap((m, i) => moduleFound![i]!.get(r.ess)!.filter((t) => kindsCoreCompat(m.kind(t), r.kind)).map((t) => ({ btf: m, id: t })));
        }
        this.lists.set(id, list);
      }
    } catch (e) {
      // A malformed target: leave every root to get(), whose error becomes each relocation's result as before.
      if (!(e instanceof BtfError)) throw e;
      for (const id of roots.keys()) this.lists.delete(id);
    }
  }
}

/** Kinds a target candidate of a local root of kind `k` may have (kindsCoreCompat's other side). */
function compatKinds(k: number): number[] {
  return k === Kind.Enum || k === Kind.Enum64 ? [Kind.Enum, Kind.Enum64] : [k];
}

/** All target types whose kind is CO-RE compatible and whose essential name equals the local root's. */
export function findCandidates(localBtf: Btf, localId: number, target: CoreTarget): Candidate[] {
  const name = localBtf.name(localId);
  if (name === '') {
    throw new CoreError(EINVAL, `${describe(localBtf, localId)} is anonymous: libbpf cannot search candidates for it`);
  }
  const ess = essentialName(name);
  const lkind = localBtf.kind(localId);
  const collect = (btf: Btf, ownOnly: boolean): Candidate[] => {
    // concat, not push(...): a hostile BTF can hold 100,000+ types of one name (spreading them overflows the stack)
    let ids: readonly number[] = btf.idsWithEssentialName(ess);
    if (!ownOnly) for (let b = btf.base; b; b = b.base) ids = b.idsWithEssentialName(ess).concat(ids);
    return ids.filter((id) => kindsCoreCompat(btf.kind(id), lkind)).map((id) => ({ btf, id }));
  };
  const main = collect(target.btf, false);
  if (main.length > 0 || !target.modules) return main;
  return target.modules.flatMap((m) => collect(m, true));
}

export interface RelocateOptions {
  /**
   * Byte order for LSHIFT_U64. libbpf uses the byte order of the host it runs on, which for a real load is the
   * target machine's: so the default is the target BTF's byte order. Set it to reproduce libbpf running elsewhere.
   */
  littleEndian?: boolean;
  /**
   * Which libbpf to reproduce where libbpf's behaviour changed. 'latest' (default): current relo_core.c. '1.1':
   * libbpf 1.1.x (Debian 12's libbpf-dev, the oracle of our differential tests), which sized loads/stores of array
   * members by the whole array instead of the element, so it poisons some direct loads that newer libbpf resizes.
   */
  libbpf?: '1.1' | 'latest';
}

interface Calc {
  value: bigint;
  size: number;
  typeId: number;
  validate: boolean;
}

const POISON = Symbol('poison');

/**
 * Relocates one record against the cache's target, pruning the cache's candidate list as libbpf would.
 * `localSpec`: the record's local spec when the caller already parsed it (it depends on the local BTF alone, so
 * callers relocating one record on many targets parse it once); it must be parseSpec(localBtf, typeId, access, kind).
 */
export function relocate(relo: RelocationInput, cache: CandidateCache, opts: RelocateOptions = {}, localSpec?: Spec): RelocationResult {
  const { localBtf, target } = cache;
  try {
    return relocateUnsafe(relo, localBtf, cache, opts, localSpec);
  } catch (e) {
    if (e instanceof CoreError) {
      const failure = /ambiguity/.test(e.message) ? 'ambiguous' : e.errno === E2BIG && /bitfield/.test(e.message) ? 'bitfield' : 'invalid';
      return errorResult(relo.kind, e.errno, e.message, failure);
    }
    if (e instanceof BtfError) {
      const inTarget = e.file === target.btf.file || target.modules?.some((m) => m.file === e.file);
      return errorResult(relo.kind, EINVAL, `malformed BTF in ${inTarget ? 'the target' : 'the object'}: ${e.message}`, 'invalid');
    }
    throw e;
  }
}

function errorResult(kind: number, errno: number, reason: string, failure: FailureClass): RelocationResult {
  return {
    kind, status: 'error', validate: false, localSize: 0, targetSize: 0, failMemszAdjust: false, targetTypeId: 0,
    candidates: 0, matched: 0, errno, reason, problem: reason, failure,
  };
}

function relocateUnsafe(relo: RelocationInput, localBtf: Btf, cache: CandidateCache, opts: RelocateOptions, parsed?: Spec): RelocationResult {
  const { kind } = relo;
  if (relo.typeId <= 0 || relo.typeId >= localBtf.typeCount) {
    throw new CoreError(EINVAL, `relocation names local type id ${relo.typeId}, which the object's BTF does not have`);
  }
  const cands = kind === ReloKind.TypeIdLocal ? [] : cache.get(relo.typeId);
  let local: Spec;
  try {
    local = parsed ?? parseSpec(localBtf, relo.typeId, relo.access, kind);
  } catch (e) {
    // libbpf reports every spec parse failure as -EINVAL.
    if (e instanceof CoreError) throw new CoreError(EINVAL, `cannot parse access "${relo.access}" on ${describe(localBtf, relo.typeId)}: ${e.message}`);
    throw e;
  }
  const candidates = cands.length;
  if (kind === ReloKind.TypeIdLocal) {
    const v = BigInt(relo.typeId);
    return { kind, localSpec: local, candidates, status: 'ok', localValue: v, value: v, validate: false, localSize: 0, targetSize: 0, failMemszAdjust: false, targetTypeId: 0, matched: 0 };
  }
  const le = opts.littleEndian ?? cache.target.btf.littleEndian;
  const legacy = opts.libbpf === '1.1';
  const note: MismatchNote = {};
  let first: { spec: Spec; res: ReturnType<typeof calcRelo> } | undefined;
  // Compacted in place like libbpf (cands[j++] = cands[i]): if a later candidate errors out, the front of the
  // shared list has already been overwritten while its length stays, and later relocations see exactly that.
  let j = 0;
  for (let i = 0; i < cands.length; i++) {
    const cand = cands[i]!;
    // Only the first candidate's story is told when nothing matches; later ones would overwrite it.
    const spec = matchSpec(local, cand.btf, cand.id, i === 0 ? note : undefined);
    if (!spec) continue;
    const res = calcRelo(kind, local, spec, le, legacy);
    if (!first) {
      first = { spec, res };
    } else if (spec.bitOffset !== first.spec.bitOffset) {
      throw new CoreError(EINVAL, ambiguity(local, first.spec, spec,
        `field offset ambiguity: ${Math.floor(first.spec.bitOffset / 8)} vs ${Math.floor(spec.bitOffset / 8)} bytes`));
    } else if (res.poison !== first.res.poison || res.value !== first.res.value) {
      throw new CoreError(EINVAL, ambiguity(local, first.spec, spec,
        `relocation decision ambiguity: ${first.res.value} vs ${res.value}`));
    }
    cands[j++] = cand;
  }
  if (j > 0) cands.length = j;

  const res = first ? first.res : calcRelo(kind, local, undefined, le, legacy);
  const why = first ? undefined : explainNoMatch(kind, local, cands.length, note, res.poison);
  // Written out, not spread from a shared base: this literal is built once per relocation per target.
  return {
    kind,
    localSpec: local,
    candidates,
    status: res.poison ? 'poison' : 'ok',
    localValue: res.localValue,
    value: res.poison ? undefined : res.value,
    validate: res.validate,
    localSize: res.localSize,
    targetSize: res.targetSize,
    failMemszAdjust: res.failMemszAdjust,
    targetTypeId: first ? first.spec.rootTypeId : 0,
    targetSpec: first?.spec,
    matched: j,
    reason: why?.reason,
    problem: why?.problem,
    failure: why?.failure,
    suggestion: why?.suggestion,
  };
}

function ambiguity(local: Spec, a: Spec, b: Spec, what: string): string {
  return `${what} between ${describe(a.btf, a.rootTypeId)} [${a.rootTypeId}] and ${describe(b.btf, b.rootTypeId)} [${b.rootTypeId}] `
    + `for ${formatSpec(local)}: libbpf refuses to load the program`;
}

/** libbpf's bpf_core_calc_relo: the local and target values for one matched candidate (or none). */
function calcRelo(kind: number, local: Spec, targ: Spec | undefined, le: boolean, legacy: boolean) {
  let localCalc: Calc | typeof POISON;
  let targCalc: Calc | typeof POISON;
  let failMemszAdjust = false;
  if (isFieldBased(kind)) {
    localCalc = calcField(kind, local, le, legacy);
    targCalc = calcField(kind, targ, le, legacy);
    if (localCalc !== POISON && targCalc !== POISON && localCalc.size !== targCalc.size) {
      const o = local.btf.type(localCalc.typeId);
      const n = targ!.btf.type(targCalc.typeId);
      const bothPtr = o.kind === Kind.Ptr && n.kind === Kind.Ptr;
      const bothUnsignedInt = o.kind === Kind.Int && n.kind === Kind.Int && o.encoding !== INT_SIGNED && n.encoding !== INT_SIGNED;
      failMemszAdjust = !bothPtr && !bothUnsignedInt;
    }
  } else if (isTypeBased(kind)) {
    localCalc = calcType(kind, local);
    targCalc = calcType(kind, targ);
  } else if (isEnumvalBased(kind)) {
    localCalc = calcEnumval(kind, local);
    targCalc = calcEnumval(kind, targ);
  } else {
    throw new CoreError(EOPNOTSUPP, `unknown relocation kind ${kind}`);
  }
  if (localCalc === POISON) throw new CoreError(EINVAL, 'local relocation value cannot be computed');
  const poison = targCalc === POISON;
  return {
    poison,
    localValue: localCalc.value,
    value: poison ? 0n : (targCalc as Calc).value,
    validate: localCalc.validate,
    localSize: localCalc.size,
    targetSize: poison ? 0 : (targCalc as Calc).size,
    failMemszAdjust: poison ? false : failMemszAdjust,
  };
}

/** Size of the innermost non-array element (arrays peeled), used for load/store size adjustment. */
function elemSize(btf: Btf, id: number): { size: number } {
  let t = btf.type(btf.skipModifiers(id));
  let elem = t.id;
  for (let guard = 0; t.kind === Kind.Array && guard < 64; guard++) {
    elem = btf.skipModifiers(t.elemType);
    t = btf.type(elem);
  }
  const size = btf.resolveSize(elem);
  if (size === undefined) throw new CoreError(EINVAL, `${describe(btf, elem)} has no size`);
  return { size };
}

function calcField(kind: number, spec: Spec | undefined, le: boolean, legacy: boolean): Calc | typeof POISON {
  if (kind === ReloKind.FieldExists) return { value: spec ? 1n : 0n, size: 0, typeId: 0, validate: true };
  if (!spec) return POISON;
  const { btf } = spec;
  const acc = spec.accessors[spec.accessors.length - 1]!;
  if (acc.name === undefined) {
    if (kind === ReloKind.FieldByteOffset) {
      const size = legacy ? btf.resolveSize(acc.typeId) : elemSize(btf, acc.typeId).size;
      if (size === undefined) throw new CoreError(EINVAL, `${describe(btf, acc.typeId)} has no size`);
      return { value: BigInt(Math.floor(spec.bitOffset / 8)), size, typeId: acc.typeId, validate: true };
    }
    if (kind === ReloKind.FieldByteSize) {
      const sz = btf.resolveSize(acc.typeId);
      if (sz === undefined) throw new CoreError(EINVAL, `${describe(btf, acc.typeId)} has no size`);
      return { value: BigInt(sz), size: 0, typeId: 0, validate: true };
    }
    throw new CoreError(EINVAL, `${reloKindName(kind)} cannot be applied to an array element access`);
  }
  const t = btf.type(acc.typeId);
  if (!isComposite(t)) throw new CoreError(EINVAL, 'member accessor on a non-composite type');
  const m = t.members[acc.idx]!;
  const fieldTypeId = btf.skipModifiers(m.type);
  const mt = btf.type(fieldTypeId);
  const bitOff = spec.bitOffset;
  let bitSz = m.bitfieldSize;
  const bitfield = bitSz > 0;
  let byteSz: number;
  let byteOff: number;
  if (bitfield) {
    byteSz = 'size' in mt ? mt.size : 0;
    if (byteSz <= 0) throw new CoreError(EINVAL, `bitfield ${m.name} has a storage type without a size`);
    byteOff = Math.floor(bitOff / 8 / byteSz) * byteSz;
    while (bitOff + bitSz - byteOff * 8 > byteSz * 8) {
      if (byteSz >= 8) {
        throw new CoreError(E2BIG, `bitfield ${m.name} (${bitSz} bits at bit ${bitOff}) cannot be read with one 64-bit load`);
      }
      byteSz *= 2;
      byteOff = Math.floor(bitOff / 8 / byteSz) * byteSz;
    }
  } else {
    const sz = btf.resolveSize(fieldTypeId);
    if (sz === undefined) throw new CoreError(EINVAL, `field ${m.name} has a type without a size`);
    byteSz = sz;
    byteOff = Math.floor(bitOff / 8);
    bitSz = byteSz * 8;
  }
  switch (kind) {
    case ReloKind.FieldByteOffset: {
      if (bitfield) return { value: BigInt(byteOff), size: 0, typeId: 0, validate: false };
      const size = legacy ? byteSz : elemSize(btf, fieldTypeId).size;
      return { value: BigInt(byteOff), size, typeId: fieldTypeId, validate: true };
    }
    case ReloKind.FieldByteSize:
      return { value: BigInt(byteSz), size: 0, typeId: 0, validate: !bitfield };
    case ReloKind.FieldSigned: {
      const signed = (isEnum(mt) && mt.signed) || (mt.kind === Kind.Int && (mt.encoding & INT_SIGNED) !== 0);
      return { value: signed ? 1n : 0n, size: 0, typeId: 0, validate: true };
    }
    case ReloKind.FieldLshiftU64: {
      const v = le ? 64 - (bitOff + bitSz - byteOff * 8) : (8 - byteSz) * 8 + (bitOff - byteOff * 8);
      return { value: BigInt.asUintN(64, BigInt(v)), size: 0, typeId: 0, validate: !bitfield };
    }
    case ReloKind.FieldRshiftU64:
      return { value: BigInt.asUintN(64, BigInt(64 - bitSz)), size: 0, typeId: 0, validate: true };
    default:
      throw new CoreError(EOPNOTSUPP, `unknown field relocation kind ${kind}`);
  }
}

function calcType(kind: number, spec: Spec | undefined): Calc {
  const validate = kind !== ReloKind.TypeIdTarget;
  if (!spec) return { value: 0n, size: 0, typeId: 0, validate };
  switch (kind) {
    case ReloKind.TypeIdTarget: return { value: BigInt(spec.rootTypeId), size: 0, typeId: 0, validate };
    case ReloKind.TypeExists: case ReloKind.TypeMatches: return { value: 1n, size: 0, typeId: 0, validate };
    case ReloKind.TypeSize: {
      const sz = spec.btf.resolveSize(spec.rootTypeId);
      if (sz === undefined) throw new CoreError(EINVAL, `${describe(spec.btf, spec.rootTypeId)} has no size`);
      return { value: BigInt(sz), size: 0, typeId: 0, validate };
    }
    default: throw new CoreError(EOPNOTSUPP, `unknown type relocation kind ${kind}`);
  }
}

function calcEnumval(kind: number, spec: Spec | undefined): Calc | typeof POISON {
  if (kind === ReloKind.EnumvalExists) return { value: spec ? 1n : 0n, size: 0, typeId: 0, validate: true };
  if (!spec) return POISON;
  const acc = spec.accessors[0]!;
  const t = spec.btf.type(acc.typeId);
  if (!isEnum(t)) throw new CoreError(EINVAL, 'enum accessor on a non-enum type');
  // ENUM values are s32 and reach the instruction sign-extended to 64 bits, as in libbpf.
  return { value: BigInt.asUintN(64, t.values[acc.idx]!.value), size: 0, typeId: 0, validate: true };
}

/**
 * Words for "nothing matched": what is missing, and the closest existing name when one looks like a rename. The
 * text names no target, so that callers can group the same finding across targets.
 */
function explainNoMatch(
  kind: number, local: Spec, nCands: number, note: MismatchNote, poison: boolean,
): { reason: string; problem: string; failure: FailureClass; suggestion?: string } {
  const rootName = typeLabel(local.btf, local.rootTypeId);
  const outcome = poison
    ? 'the instruction is poisoned: if it is reachable the verifier rejects the program with "invalid func unknown#195896080"'
    : isExistenceKind(kind) || isTypeBased(kind) ? 'the check resolves to 0' : '';
  let problem: string;
  let failure: FailureClass;
  let suggestion: string | undefined;
  if (nCands === 0) {
    problem = `${rootName} does not exist`;
    failure = 'missing-type';
  } else if (note.missingMember) {
    const { btf, typeId, name } = note.missingMember;
    const owner = btf.name(typeId) ? typeLabel(btf, typeId) : describe(btf, typeId);
    const near = closestMemberNames(btf, typeId, name);
    problem = `${owner} has no field ${name}` + (near.length ? `; ${near[0]} is the closest name` : '');
    suggestion = near[0];
    failure = 'missing-field';
  } else if (isEnumvalBased(kind)) {
    problem = note.text ?? `no candidate for ${rootName} matches`;
    failure = 'missing-enum-value';
  } else {
    problem = note.text ?? `no candidate for ${rootName} matches`;
    failure = /has no enumerator/.test(problem) ? 'missing-enum-value' : 'incompatible';
  }
  return { reason: outcome ? `${problem}: ${outcome}` : problem, problem, failure, suggestion };
}

/** "struct task_struct" for a local `struct task_struct___o`: the name users search for on the target. */
function typeLabel(btf: Btf, id: number): string {
  const t = btf.type(id);
  const name = essentialName(t.name);
  switch (t.kind) {
    case Kind.Struct: return `struct ${name}`;
    case Kind.Union: return `union ${name}`;
    case Kind.Enum: case Kind.Enum64: return `enum ${name}`;
    default: return name || describe(btf, id);
  }
}
