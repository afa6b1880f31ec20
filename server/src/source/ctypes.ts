// The C type model of the live path and clang's BPF-target layout rules (LP64, SysV bitfields, packed, aligned).

export type CType =
  | { k: 'void' }
  | { k: 'int'; name: string; size: number; signed: boolean; bool?: boolean; char?: boolean }
  | { k: 'float'; name: string; size: number }
  | { k: 'ptr'; to: CType }
  | { k: 'array'; of: CType; n: number }
  | Record
  | EnumT
  | { k: 'typedef'; name: string; to: CType }
  | { k: 'qual'; q: 'const' | 'volatile' | 'restrict'; of: CType }
  | { k: 'func'; ret: CType; params: { name: string; type: CType; tok?: import('./lexer').Token }[]; variadic: boolean };

export interface Field {
  name: string;
  type: CType;
  /** Bitfield width, undefined for ordinary members. */
  bits?: number;
  /** Filled by layout(). */
  bitOffset: number;
  /** `__attribute__((aligned(n)))` on the member. */
  align?: number;
  packed?: boolean;
}

export interface Record {
  k: 'struct' | 'union';
  name: string;
  fields: Field[];
  complete: boolean;
  /** preserve_access_index (explicit, inherited from an enclosing record, or from a pragma region). */
  pai: boolean;
  packed: boolean;
  align?: number;
  size: number;
  alignment: number;
  laidOut: boolean;
}

export interface EnumT {
  k: 'enum';
  name: string;
  values: { name: string; value: bigint }[];
  complete: boolean;
  size: number;
  signed: boolean;
}

export const VOID: CType = { k: 'void' };
export const INT: CType = { k: 'int', name: 'int', size: 4, signed: true };
export const LONG: CType = { k: 'int', name: 'long', size: 8, signed: true };
export const ULONG: CType = { k: 'int', name: 'unsigned long', size: 8, signed: false };
export const CHAR: CType = { k: 'int', name: 'char', size: 1, signed: true, char: true };

/** Skips typedefs and qualifiers: the type's shape. */
export function strip(t: CType): CType {
  for (let i = 0; i < 64; i++) {
    if (t.k === 'typedef') t = t.to;
    else if (t.k === 'qual') t = t.of;
    else return t;
  }
  return t;
}

/** Skips only qualifiers: clang records a relocation root as written, minus top-level cv. */
export function unqual(t: CType): CType {
  while (t.k === 'qual') t = t.of;
  return t;
}

export function sizeOf(t: CType): number {
  const s = strip(t);
  switch (s.k) {
    case 'void': return 1;
    case 'int': case 'float': return s.size;
    case 'ptr': return 8;
    case 'array': return s.n * sizeOf(s.of);
    case 'struct': case 'union': layout(s); return s.size;
    case 'enum': return s.size;
    case 'func': return 1;
    default: return 0;
  }
}

export function alignOf(t: CType): number {
  const s = strip(t);
  switch (s.k) {
    case 'int': case 'float': return Math.min(s.size, 8) || 1;
    case 'ptr': return 8;
    case 'array': return alignOf(s.of);
    case 'struct': case 'union': layout(s); return s.alignment;
    case 'enum': return s.size;
    default: return 1;
  }
}

/** Computes member offsets, size and alignment like clang does for the BPF target (SysV x86-64 rules). */
export function layout(r: Record): void {
  if (r.laidOut) return;
  r.laidOut = true;
  let bit = 0;
  let maxAlign = 1;
  let size = 0;
  for (const f of r.fields) {
    const ft = f.type;
    const fsize = sizeOf(ft);
    let falign = f.packed || r.packed ? 1 : alignOf(ft);
    if (f.align) falign = Math.max(falign, f.align);
    if (f.bits !== undefined) {
      const unitBits = fsize * 8;
      const typeAlign = alignOf(ft);
      if (f.bits === 0) {
        // zero-width: pad to the next unit of the declared type
        if (r.k === 'struct') bit = Math.ceil(bit / (typeAlign * 8)) * typeAlign * 8;
        f.bitOffset = r.k === 'struct' ? bit : 0;
        continue;
      }
      if (r.k === 'union') {
        f.bitOffset = 0;
        size = Math.max(size, Math.ceil(f.bits / 8));
      } else {
        if (!(f.packed || r.packed)) {
          // a bitfield may not straddle a naturally aligned unit of its declared type
          const unitStart = Math.floor(bit / unitBits) * unitBits;
          if (bit + f.bits > unitStart + unitBits) bit = Math.ceil(bit / (typeAlign * 8)) * typeAlign * 8;
        }
        f.bitOffset = bit;
        bit += f.bits;
      }
      // unnamed bitfields do not affect alignment
      if (f.name !== '' && !(f.packed || r.packed)) maxAlign = Math.max(maxAlign, typeAlign);
      else if (f.align) maxAlign = Math.max(maxAlign, f.align);
      continue;
    }
    maxAlign = Math.max(maxAlign, falign);
    if (r.k === 'union') {
      f.bitOffset = 0;
      size = Math.max(size, fsize);
    } else {
      bit = Math.ceil(bit / (falign * 8)) * falign * 8;
      f.bitOffset = bit;
      bit += fsize * 8;
    }
  }
  if (r.align) maxAlign = Math.max(maxAlign, r.align);
  const bytes = r.k === 'union' ? Math.max(size, 0) : Math.ceil(bit / 8);
  r.alignment = maxAlign;
  r.size = Math.ceil(bytes / maxAlign) * maxAlign;
}

/** C spelling of a type for messages and the JSON `localType` ("struct task_struct", "cv_mods_t", "int *"). */
export function spell(t: CType): string {
  switch (t.k) {
    case 'void': return 'void';
    case 'int': case 'float': return t.name;
    case 'ptr': return `${spell(t.to)} *`;
    case 'array': return `${spell(t.of)}[${t.n}]`;
    case 'struct': case 'union': case 'enum': return t.name ? `${t.k} ${t.name}` : `${t.k} {...}`;
    case 'typedef': return t.name;
    case 'qual': return `${t.q} ${spell(t.of)}`;
    case 'func': return `${spell(t.ret)} (${t.params.map((p) => spell(p.type)).join(', ')})`;
  }
}

/** Index path from record `r` to member `name`, descending through anonymous members as clang does. */
export function findMember(r: Record, name: string): { path: number[]; field: Field } | undefined {
  let i = -1;
  for (const f of r.fields) {
    // unnamed bitfields are padding: clang gives them no BTF member, so they take no index
    if (f.name === '' && f.bits !== undefined) continue;
    i++;
    if (f.name === name) return { path: [i], field: f };
    if (f.name === '') {
      const s = strip(f.type);
      if (s.k === 'struct' || s.k === 'union') {
        const sub = findMember(s, name);
        if (sub) return { path: [i, ...sub.path], field: sub.field };
      }
    }
  }
  return undefined;
}
