// Matching a local spec against one target candidate (libbpf's bpf_core_spec_match and bpf_core_match_member).

import { Btf, essentialName } from '../btf/reader';
import { Kind, isComposite, isEnum } from '../btf/types';
import { fieldsAreCompat, typesAreCompat, typesMatch } from './compat';
import { E2BIG, EINVAL, ReloKind, isEnumvalBased, isFieldBased, isTypeBased } from './kinds';
import { Accessor, CoreError, SPEC_MAX_LEN, Spec, describe, isFlexArray } from './spec';

/** Why a candidate did not match, for messages; filled at the point where matching stopped. */
export interface MismatchNote {
  text?: string;
  /** The target composite searched when a named member was missing, and the missing name. */
  missingMember?: { btf: Btf; typeId: number; name: string };
}

/**
 * Matches `local` against candidate `candId` of `tb`. Returns the target spec when it matches, undefined when it
 * does not (the candidate is skipped); throws CoreError where libbpf returns an error (the load fails).
 */
export function matchSpec(local: Spec, tb: Btf, candId: number, note?: MismatchNote): Spec | undefined {
  const targ: Spec = { btf: tb, rootTypeId: candId, kind: local.kind, raw: [], accessors: [], bitOffset: 0 };
  if (isTypeBased(local.kind)) {
    const ok = local.kind === ReloKind.TypeMatches
      ? typesMatch(local.btf, local.rootTypeId, tb, candId)
      : typesAreCompat(local.btf, local.rootTypeId, tb, candId);
    if (!ok && note) {
      note.text = local.kind === ReloKind.TypeMatches
        ? `${describe(tb, candId)} does not match the local definition member for member`
        : `${describe(tb, candId)} is not compatible with the local definition`;
    }
    return ok ? targ : undefined;
  }

  const lacc0 = local.accessors[0]!;
  if (isEnumvalBased(local.kind)) {
    const tid = tb.skipModifiers(candId);
    const t = tb.type(tid);
    if (!isEnum(t)) {
      if (note) note.text = `${describe(tb, candId)} is not an enum`;
      return undefined;
    }
    const want = essentialName(lacc0.name!);
    const idx = t.values.findIndex((v) => essentialName(v.name) === want);
    if (idx < 0) {
      if (note) note.text = `${describe(tb, tid)} has no enumerator ${want}`;
      return undefined;
    }
    targ.accessors.push({ typeId: tid, idx, name: t.values[idx]!.name });
    targ.raw.push(idx);
    return targ;
  }
  if (!isFieldBased(local.kind)) throw new CoreError(EINVAL, `unknown relocation kind ${local.kind}`);

  let tid = candId;
  for (let i = 0; i < local.accessors.length; i++) {
    const lacc = local.accessors[i]!;
    if (lacc.name !== undefined) {
      const next = matchMember(local.btf, lacc, tb, tid, targ, note);
      if (next === undefined) return undefined;
      tid = next;
      continue;
    }
    if (i > 0) {
      tid = tb.skipModifiers(tid);
      const t = tb.type(tid);
      if (t.kind !== Kind.Array) {
        if (note) note.text = `${describe(tb, tid)} is not an array there`;
        return undefined;
      }
      const flex = isFlexArray(tb, targ.accessors[i - 1]!, t.nelems);
      if (!flex && lacc.idx >= t.nelems) {
        if (note) note.text = `index ${lacc.idx} is out of bounds: the array has ${t.nelems} elements there`;
        return undefined;
      }
      tid = tb.skipModifiers(t.elemType);
    }
    if (targ.raw.length === SPEC_MAX_LEN) throw new CoreError(E2BIG, `access path deeper than ${SPEC_MAX_LEN} levels on the target`);
    targ.accessors.push({ typeId: tid, idx: lacc.idx });
    targ.raw.push(lacc.idx);
    const sz = tb.resolveSize(tid);
    if (sz === undefined) throw new CoreError(EINVAL, `${describe(tb, tid)} has no size on the target`);
    targ.bitOffset += lacc.idx * sz * 8;
  }
  return targ;
}

/**
 * Finds the local accessor's member in target composite `tid`, descending into anonymous members depth-first; the
 * first member with the same name decides (compatible or not). Returns the member's type id, or undefined.
 */
function matchMember(
  lb: Btf, lacc: Accessor, tb: Btf, tid: number, targ: Spec, note?: MismatchNote, top = true,
): number | undefined {
  tid = tb.skipModifiers(tid);
  const t = tb.type(tid);
  if (!isComposite(t)) {
    if (note && top) note.text = `${describe(tb, tid)} is not a struct or union there, so it has no member ${lacc.name}`;
    return undefined;
  }
  const lt = lb.type(lacc.typeId);
  const lm = isComposite(lt) ? lt.members[lacc.idx]! : undefined;
  if (!lm) throw new CoreError(EINVAL, 'local accessor does not point at a member');
  for (let i = 0; i < t.members.length; i++) {
    const m = t.members[i]!;
    if (targ.raw.length === SPEC_MAX_LEN) throw new CoreError(E2BIG, `member nesting deeper than ${SPEC_MAX_LEN} levels on the target`);
    targ.bitOffset += m.bitOffset;
    targ.raw.push(i);
    if (m.name === '') {
      const found = matchMember(lb, lacc, tb, m.type, targ, note, false);
      if (found !== undefined) return found;
    } else if (m.name === lm.name) {
      targ.accessors.push({ typeId: tid, idx: i, name: m.name });
      if (fieldsAreCompat(lb, lm.type, tb, m.type)) return m.type;
      // Like libbpf: drop the accessor but leave this level's offset and raw entry in place; inside an anonymous
      // member the caller's search then goes on from that state.
      targ.accessors.pop();
      if (note) {
        note.text = `${lm.name} has an incompatible type (${describe(lb, lb.skipModifiers(lm.type))} locally, `
          + `${describe(tb, tb.skipModifiers(m.type))} there)`;
      }
      return undefined;
    }
    targ.bitOffset -= m.bitOffset;
    targ.raw.pop();
  }
  if (note && top && !note.text) note.missingMember = { btf: tb, typeId: tid, name: lm.name };
  return undefined;
}
