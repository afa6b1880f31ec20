// Access specs: the parsed form of a relocation's access string, local or matched on a target (libbpf's bpf_core_spec).

import { Btf } from '../btf/reader';
import { Kind, isComposite, isEnum, kindName } from '../btf/types';
import { E2BIG, EINVAL, ReloKind, isEnumvalBased, isFieldBased, isTypeBased, reloKindName } from './kinds';

/** libbpf's BPF_CORE_SPEC_MAX_LEN: deeper access paths are refused with E2BIG. */
export const SPEC_MAX_LEN = 64;

/** One high-level step: accessor #0 and array indices have no name; struct/union members (and enumerators) do. */
export interface Accessor {
  typeId: number;
  idx: number;
  name?: string;
}

export interface Spec {
  readonly btf: Btf;
  readonly rootTypeId: number;
  readonly kind: ReloKind;
  /** Every component of the access string, anonymous members included. */
  readonly raw: number[];
  /** Accessor #0, then one per named member or array index (anonymous members are skipped). */
  readonly accessors: Accessor[];
  /** Bit offset of the field from the start of root object #0. */
  bitOffset: number;
}

/** A relocation that cannot be processed at all: libbpf fails the whole object load with `-errno`. */
export class CoreError extends Error {
  constructor(readonly errno: number, message: string) {
    super(message);
  }
}

/** Parses `access` for a relocation of `kind` rooted at local type `typeId` (libbpf's bpf_core_parse_spec). */
export function parseSpec(btf: Btf, typeId: number, access: string, kind: ReloKind): Spec {
  const spec: Spec = { btf, rootTypeId: typeId, kind, raw: [], accessors: [], bitOffset: 0 };
  if (access === '' || access.startsWith(':')) throw new CoreError(EINVAL, `access string "${access}" is malformed`);
  if (isTypeBased(kind)) {
    if (access !== '0') throw new CoreError(EINVAL, `type-based ${reloKindName(kind)} needs access string "0", got "${access}"`);
    return spec;
  }
  for (const part of access.split(':')) {
    if (!/^\d+$/.test(part)) throw new CoreError(EINVAL, `access string "${access}" has a non-numeric component`);
    if (spec.raw.length === SPEC_MAX_LEN) throw new CoreError(E2BIG, `access string "${access}" is deeper than ${SPEC_MAX_LEN} levels`);
    spec.raw.push(Number(part));
  }
  let id = btf.skipModifiers(typeId);
  let t = btf.type(id);
  const first = spec.raw[0]!;
  spec.accessors.push({ typeId: id, idx: first });

  if (isEnumvalBased(kind)) {
    if (!isEnum(t) || spec.raw.length > 1 || first >= t.values.length) {
      throw new CoreError(EINVAL, `enum value relocation on ${describe(btf, typeId)} with access "${access}" is invalid`);
    }
    spec.accessors[0]!.name = t.values[first]!.name;
    return spec;
  }
  if (!isFieldBased(kind)) throw new CoreError(EINVAL, `unknown relocation kind ${kind}`);

  const rootSize = btf.resolveSize(id);
  if (rootSize === undefined) throw new CoreError(EINVAL, `${describe(btf, typeId)} has no size`);
  spec.bitOffset = first * rootSize * 8;
  for (let i = 1; i < spec.raw.length; i++) {
    id = btf.skipModifiers(id);
    t = btf.type(id);
    const idx = spec.raw[i]!;
    if (isComposite(t)) {
      const m = t.members[idx];
      if (!m) throw new CoreError(EINVAL, `${describe(btf, id)} has no member #${idx} (it has ${t.members.length})`);
      spec.bitOffset += m.bitOffset;
      if (m.name !== '') spec.accessors.push({ typeId: id, idx, name: m.name });
      id = m.type;
    } else if (t.kind === Kind.Array) {
      const elem = btf.skipModifiers(t.elemType);
      const flex = isFlexArray(btf, spec.accessors[spec.accessors.length - 1]!, t.nelems);
      if (!flex && idx >= t.nelems) {
        throw new CoreError(EINVAL, `index ${idx} is out of bounds of a ${t.nelems}-element array in ${describe(btf, typeId)}`);
      }
      id = elem;
      spec.accessors.push({ typeId: id, idx });
      const sz = btf.resolveSize(id);
      if (sz === undefined) throw new CoreError(EINVAL, `array element ${describe(btf, id)} has no size`);
      spec.bitOffset += idx * sz * 8;
    } else {
      throw new CoreError(EINVAL,
        `access "${access}" on ${describe(btf, typeId)} steps into ${kindName(t.kind)} [${id}] at component ${i}: only structs, unions and arrays can be stepped into`);
    }
  }
  return spec;
}

/**
 * libbpf's is_flex_arr: a zero-length array is flexible only when reached as the last member of its struct
 * (the previous high-level accessor names that member).
 */
export function isFlexArray(btf: Btf, prev: Accessor, nelems: number): boolean {
  if (prev.name === undefined || nelems > 0) return false;
  const t = btf.type(prev.typeId);
  return isComposite(t) && prev.idx === t.members.length - 1;
}

/** "struct task_struct" / "typedef u32" / "[42] <anon> struct": a type as users read it. */
export function describe(btf: Btf, id: number): string {
  const t = btf.type(id);
  if (id === 0) return 'void';
  const kw = kindName(t.kind);
  return t.name ? `${kw} ${t.name}` : `anonymous ${kw} [${id}]`;
}

/**
 * The spec in libbpf's debug-log form, e.g. `[11] struct task_struct.real_parent (0:95 @ offset 1280)`, so users can
 * match it against load logs.
 */
export function formatSpec(spec: Spec): string {
  const { btf } = spec;
  const root = btf.type(spec.rootTypeId);
  let s = `[${spec.rootTypeId}] ${kindName(root.kind)} ${root.name || '<anon>'}`;
  if (isTypeBased(spec.kind)) return s;
  if (isEnumvalBased(spec.kind)) {
    const acc = spec.accessors[0];
    if (!acc) return s;
    const e = btf.type(acc.typeId);
    const v = isEnum(e) ? e.values[acc.idx] : undefined;
    return `${s}::${acc.name ?? '?'} = ${v ? (e.kind === Kind.Enum ? BigInt.asIntN(32, v.value) : v.value) : '?'}`;
  }
  spec.accessors.forEach((a, i) => {
    if (a.name !== undefined) s += `.${a.name}`;
    else if (i > 0 || a.idx > 0) s += `[${a.idx}]`;
  });
  s += ` (${spec.raw.join(':')} @ offset ${Math.floor(spec.bitOffset / 8)}`;
  if (spec.bitOffset % 8) s += `.${spec.bitOffset % 8}`;
  return s + ')';
}

/** The C-like path a spec names, e.g. `task_struct.real_parent`, `core_reloc_arrays.c[1].c`, `enum pid_type::PIDTYPE_PID`. */
export function specPath(spec: Spec): string {
  const { btf } = spec;
  const root = btf.type(spec.rootTypeId);
  const name = root.name || '<anon>';
  if (isTypeBased(spec.kind)) return `${kindName(root.kind)} ${name}`;
  if (isEnumvalBased(spec.kind)) return `${kindName(btf.type(btf.skipModifiers(spec.rootTypeId)).kind)} ${name}::${spec.accessors[0]?.name ?? '?'}`;
  let s = name;
  spec.accessors.forEach((a, i) => {
    if (a.name !== undefined) s += `.${a.name}`;
    else if (i > 0 || a.idx > 0) s += `[${a.idx}]`;
  });
  return s;
}
