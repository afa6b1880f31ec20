// The BTF type model: kind numbers as the format defines them and the decoded shape of each kind.

/** BTF kinds, numbered as in the kernel's uapi `btf.h`. */
export const enum Kind {
  Void = 0,
  Int = 1,
  Ptr = 2,
  Array = 3,
  Struct = 4,
  Union = 5,
  Enum = 6,
  Fwd = 7,
  Typedef = 8,
  Volatile = 9,
  Const = 10,
  Restrict = 11,
  Func = 12,
  FuncProto = 13,
  Var = 14,
  Datasec = 15,
  Float = 16,
  DeclTag = 17,
  TypeTag = 18,
  Enum64 = 19,
}

/** Highest kind number this reader knows how to decode. */
export const MAX_KNOWN_KIND = Kind.Enum64;

/** Lower-case names as bpftool prints them, indexed by kind number. */
export const KIND_NAMES: readonly string[] = [
  'void', 'int', 'ptr', 'array', 'struct', 'union', 'enum', 'fwd', 'typedef', 'volatile', 'const', 'restrict',
  'func', 'func_proto', 'var', 'datasec', 'float', 'decl_tag', 'type_tag', 'enum64',
];

/** Name of a kind for messages; unknown kinds are shown by number. */
export function kindName(kind: number): string {
  return KIND_NAMES[kind] ?? `kind#${kind}`;
}

/** INT encoding bits (the INT tail's bits 24..27). */
export const INT_SIGNED = 1;
export const INT_CHAR = 2;
export const INT_BOOL = 4;

export interface Member {
  /** Empty for an anonymous member. */
  readonly name: string;
  readonly type: number;
  /** Offset from the start of the containing struct/union, in bits. */
  readonly bitOffset: number;
  /** Bitfield width in bits; 0 when the member is not a bitfield (or is encoded without kind_flag). */
  readonly bitfieldSize: number;
}

export interface Enumerator {
  readonly name: string;
  /** The value as the producer wrote it: ENUM values are s32 (sign-extended), ENUM64 values are hi<<32|lo. */
  readonly value: bigint;
}

export interface Param {
  readonly name: string;
  /** 0 for the trailing `...` of a variadic prototype. */
  readonly type: number;
}

export interface DatasecVar {
  readonly type: number;
  readonly offset: number;
  readonly size: number;
}

interface Common {
  readonly id: number;
  /** Empty for anonymous types. */
  readonly name: string;
}

export interface VoidType extends Common { readonly kind: Kind.Void }
export interface IntType extends Common {
  readonly kind: Kind.Int;
  readonly size: number;
  /** INT_SIGNED | INT_CHAR | INT_BOOL bits. */
  readonly encoding: number;
  /** Bit offset stored in the INT tail (legacy bitfield encoding); 0 in modern BTF. */
  readonly bitOffset: number;
  readonly bits: number;
}
export interface PtrType extends Common { readonly kind: Kind.Ptr; readonly type: number }
export interface ArrayType extends Common {
  readonly kind: Kind.Array;
  readonly elemType: number;
  readonly indexType: number;
  readonly nelems: number;
}
export interface CompositeType extends Common {
  readonly kind: Kind.Struct | Kind.Union;
  readonly size: number;
  readonly kindFlag: boolean;
  readonly members: readonly Member[];
}
export interface EnumType extends Common {
  readonly kind: Kind.Enum | Kind.Enum64;
  readonly size: number;
  /** kind_flag: the enum is signed. */
  readonly signed: boolean;
  readonly values: readonly Enumerator[];
}
export interface FwdType extends Common { readonly kind: Kind.Fwd; readonly isUnion: boolean }
export interface RefType extends Common {
  readonly kind: Kind.Typedef | Kind.Volatile | Kind.Const | Kind.Restrict | Kind.TypeTag;
  readonly type: number;
}
export interface FuncType extends Common { readonly kind: Kind.Func; readonly type: number; readonly linkage: number }
export interface FuncProtoType extends Common {
  readonly kind: Kind.FuncProto;
  readonly returnType: number;
  readonly params: readonly Param[];
}
export interface VarType extends Common { readonly kind: Kind.Var; readonly type: number; readonly linkage: number }
export interface DatasecType extends Common {
  readonly kind: Kind.Datasec;
  readonly size: number;
  readonly vars: readonly DatasecVar[];
}
export interface FloatType extends Common { readonly kind: Kind.Float; readonly size: number }
export interface DeclTagType extends Common {
  readonly kind: Kind.DeclTag;
  readonly type: number;
  /** -1 when the tag applies to the type itself, else the member/parameter index. */
  readonly componentIdx: number;
}
/** A kind unknown to this reader but described by the file's kind-layout section: skipped, not decoded. */
export interface UnknownType extends Common { readonly kind: number & { readonly __unknown?: true } }

export type BtfType =
  | VoidType | IntType | PtrType | ArrayType | CompositeType | EnumType | FwdType | RefType | FuncType
  | FuncProtoType | VarType | DatasecType | FloatType | DeclTagType;

/** True for STRUCT and UNION. */
export function isComposite(t: BtfType): t is CompositeType {
  return t.kind === Kind.Struct || t.kind === Kind.Union;
}

/** True for ENUM and ENUM64. */
export function isEnum(t: BtfType): t is EnumType {
  return t.kind === Kind.Enum || t.kind === Kind.Enum64;
}

/** Kinds CO-RE looks through: const/volatile/restrict, type tags, and (with `typedefs`) typedefs. */
export function isModifierKind(kind: number): boolean {
  return kind === Kind.Volatile || kind === Kind.Const || kind === Kind.Restrict || kind === Kind.TypeTag;
}
