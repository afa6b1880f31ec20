// CO-RE relocation kinds as numbered in enum bpf_core_relo_kind, their libbpf names, and their classes.

export const enum ReloKind {
  FieldByteOffset = 0,
  FieldByteSize = 1,
  FieldExists = 2,
  FieldSigned = 3,
  FieldLshiftU64 = 4,
  FieldRshiftU64 = 5,
  TypeIdLocal = 6,
  TypeIdTarget = 7,
  TypeExists = 8,
  TypeSize = 9,
  EnumvalExists = 10,
  EnumvalValue = 11,
  TypeMatches = 12,
}

/** Names as libbpf's debug log and corelens' JSON spell them, indexed by kind. */
export const RELO_KIND_NAMES: readonly string[] = [
  'byte_off', 'byte_sz', 'field_exists', 'signed', 'lshift_u64', 'rshift_u64', 'local_type_id', 'target_type_id',
  'type_exists', 'type_size', 'enumval_exists', 'enumval_value', 'type_matches',
];

/** Name of a kind; unknown numbers are shown as such. */
export function reloKindName(kind: number): string {
  return RELO_KIND_NAMES[kind] ?? `unknown(${kind})`;
}

/** Parses a kind from its libbpf name; undefined when unknown. */
export function reloKindFromName(name: string): ReloKind | undefined {
  const i = RELO_KIND_NAMES.indexOf(name);
  return i < 0 ? undefined : (i as ReloKind);
}

export function isFieldBased(kind: number): boolean {
  return kind >= ReloKind.FieldByteOffset && kind <= ReloKind.FieldRshiftU64;
}

export function isTypeBased(kind: number): boolean {
  return kind === ReloKind.TypeIdLocal || kind === ReloKind.TypeIdTarget || kind === ReloKind.TypeExists
    || kind === ReloKind.TypeSize || kind === ReloKind.TypeMatches;
}

export function isEnumvalBased(kind: number): boolean {
  return kind === ReloKind.EnumvalExists || kind === ReloKind.EnumvalValue;
}

/** Kinds that resolve to 0 instead of poisoning when nothing matches (libbpf's existence semantics). */
export function isExistenceKind(kind: number): boolean {
  return kind === ReloKind.FieldExists || kind === ReloKind.TypeExists || kind === ReloKind.TypeMatches
    || kind === ReloKind.EnumvalExists;
}

/** Errno values libbpf returns, kept so results can be compared with libbpf's one for one (Linux's numbers). */
export const EINVAL = 22;
export const E2BIG = 7;
/** Also libbpf's ENOTSUP (the same number on Linux). */
export const EOPNOTSUPP = 95;
export const ERANGE = 34;
export const ESRCH = 3;

/** The immediate libbpf writes into a poisoned instruction: `call 0xbad2310` ("bad relo"). */
export const POISON_IMM = 0xbad2310;
