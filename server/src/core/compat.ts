// Type compatibility as libbpf decides it: fields_are_compat (field relocations), types_are_compat (type kinds),
// types_match (TYPE_MATCHES). Return 1/0 like libbpf; impossible depths throw CoreError (libbpf returns -EINVAL).

import { essentialName } from '../btf/reader';
import { Btf } from '../btf/reader';
import { BtfType, Kind, INT_SIGNED, isComposite, isEnum } from '../btf/types';
import { EINVAL } from './kinds';
import { CoreError } from './spec';

const MAX_DEPTH = 32;

/** libbpf's btf_kind_core_compat: same kind, or ENUM vs ENUM64. */
export function kindsCoreCompat(a: number, b: number): boolean {
  return a === b || ((a === Kind.Enum || a === Kind.Enum64) && (b === Kind.Enum || b === Kind.Enum64));
}

function intOffset(t: BtfType): number {
  return t.kind === Kind.Int ? t.bitOffset : 0;
}

/** Whether a local member type and a target member type can be relocated onto each other. */
export function fieldsAreCompat(lb: Btf, lid: number, tb: Btf, tid: number): boolean {
  for (let depth = 0; ; depth++) {
    // libbpf loops without bound here (arrays of arrays); a cycle in corrupt BTF must not hang us.
    if (depth > MAX_DEPTH * 8) throw new CoreError(EINVAL, 'array nesting too deep while checking field compatibility');
    const l = lb.type(lb.skipModifiers(lid));
    const t = tb.type(tb.skipModifiers(tid));
    if (isComposite(l) && isComposite(t)) return true;
    if (!kindsCoreCompat(l.kind, t.kind)) return false;
    switch (l.kind) {
      case Kind.Ptr: case Kind.Float: return true;
      case Kind.Fwd: case Kind.Enum: case Kind.Enum64: {
        const ln = essentialName(l.name);
        const tn = essentialName(t.name);
        return ln === '' || tn === '' || ln === tn;
      }
      case Kind.Int: return intOffset(l) === 0 && intOffset(t) === 0;
      case Kind.Array:
        lid = l.elemType;
        tid = (t as typeof l).elemType;
        continue;
      default: return false;
    }
  }
}

/** libbpf's __bpf_core_types_are_compat: the check behind TYPE_EXISTS, TYPE_SIZE and TYPE_ID_TARGET. */
export function typesAreCompat(lb: Btf, lid: number, tb: Btf, tid: number, level = MAX_DEPTH): boolean {
  if (!kindsCoreCompat(lb.kind(lid), tb.kind(tid))) return false;
  for (let depth = MAX_DEPTH; ;) {
    if (--depth < 0) throw new CoreError(EINVAL, 'type nesting deeper than 32 levels in compatibility check');
    lid = lb.skipModifiers(lid);
    tid = tb.skipModifiers(tid);
    const l = lb.type(lid);
    const t = tb.type(tid);
    if (!kindsCoreCompat(l.kind, t.kind)) return false;
    switch (l.kind) {
      case Kind.Void: case Kind.Struct: case Kind.Union: case Kind.Enum: case Kind.Fwd: case Kind.Enum64:
        return true;
      case Kind.Int: return intOffset(l) === 0 && intOffset(t) === 0;
      case Kind.Ptr:
        lid = l.type;
        tid = (t as typeof l).type;
        continue;
      case Kind.Array:
        lid = l.elemType;
        tid = (t as typeof l).elemType;
        continue;
      case Kind.FuncProto: {
        const tp = t as typeof l;
        if (l.params.length !== tp.params.length) return false;
        for (let i = 0; i < l.params.length; i++) {
          if (level <= 0) throw new CoreError(EINVAL, 'function prototype nesting too deep in compatibility check');
          const ok = typesAreCompat(lb, lb.skipModifiers(l.params[i]!.type), tb, tb.skipModifiers(tp.params[i]!.type), level - 1);
          if (!ok) return false;
        }
        lid = lb.skipModifiers(l.returnType);
        tid = tb.skipModifiers(tp.returnType);
        continue;
      }
      default:
        // libbpf warns "unexpected kind ... relocated" and answers "not compatible" (FLOAT lands here too).
        return false;
    }
  }
}

function namesMatch(ln: string, tn: string): boolean {
  if (tn === '') return ln === '';
  return essentialName(ln) === essentialName(tn);
}

/** libbpf's __bpf_core_types_match: the stricter structural check behind TYPE_MATCHES. */
export function typesMatch(lb: Btf, lid: number, tb: Btf, tid: number, behindPtr = false, level = MAX_DEPTH): boolean {
  if (level <= 0) throw new CoreError(EINVAL, 'type nesting too deep in type match');
  for (let depth = MAX_DEPTH; ;) {
    if (--depth < 0) throw new CoreError(EINVAL, 'type nesting deeper than 32 levels in type match');
    lid = lb.skipModifiers(lid);
    tid = tb.skipModifiers(tid);
    const l = lb.type(lid);
    const t = tb.type(tid);
    if (!namesMatch(l.name, t.name)) return false;
    switch (l.kind) {
      case Kind.Void: return t.kind === Kind.Void;
      case Kind.Fwd:
        if (behindPtr) {
          if (t.kind === Kind.Fwd) return l.isUnion === t.isUnion;
          return (t.kind === Kind.Struct && !l.isUnion) || (t.kind === Kind.Union && l.isUnion);
        }
        return t.kind === Kind.Fwd && l.isUnion === t.isUnion;
      case Kind.Enum: case Kind.Enum64: {
        if (!isEnum(t)) return false;
        if (l.size !== t.size || l.values.length > t.values.length) return false;
        return l.values.every((lv) => t.values.some((tv) => namesMatch(lv.name, tv.name)));
      }
      case Kind.Struct: case Kind.Union: {
        if (behindPtr) {
          if (l.kind === t.kind) return true;
          if (t.kind !== Kind.Fwd) return false;
          return (l.kind === Kind.Union) === t.isUnion;
        }
        if (l.kind !== t.kind || !isComposite(t)) return false;
        if (l.members.length > t.members.length) return false;
        for (const lm of l.members) {
          let matched = false;
          for (const tm of t.members) {
            if (!namesMatch(lm.name, tm.name)) continue;
            if (typesMatch(lb, lm.type, tb, tm.type, behindPtr, level - 1)) {
              matched = true;
              break;
            }
          }
          if (!matched) return false;
        }
        return true;
      }
      case Kind.Int:
        if (t.kind !== Kind.Int) return false;
        return l.size === t.size && (l.encoding & INT_SIGNED) === (t.encoding & INT_SIGNED);
      case Kind.Ptr:
        if (t.kind !== Kind.Ptr) return false;
        behindPtr = true;
        lid = l.type;
        tid = t.type;
        continue;
      case Kind.Array:
        if (t.kind !== Kind.Array || l.nelems !== t.nelems) return false;
        lid = l.elemType;
        tid = t.elemType;
        continue;
      case Kind.FuncProto: {
        if (t.kind !== Kind.FuncProto || l.params.length !== t.params.length) return false;
        for (let i = 0; i < l.params.length; i++) {
          if (!typesMatch(lb, l.params[i]!.type, tb, t.params[i]!.type, behindPtr, level - 1)) return false;
        }
        lid = l.returnType;
        tid = t.returnType;
        continue;
      }
      default:
        return false;
    }
  }
}
