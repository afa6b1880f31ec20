// Layout comparison of two BTFs by type name: the proof that the DWARF converter says what pahole says.

import { Btf } from '../../src/btf/reader';
import { Kind, kindName } from '../../src/btf/types';

/** A description of `id` fit for equality: names, sizes, offsets, bit sizes, kinds; named aggregates by name only. */
export function describe(btf: Btf, id: number, top = false, depth = 0): string {
  if (depth > 40) return '...';
  const t = btf.type(id);
  const sub = (x: number) => describe(btf, x, false, depth + 1);
  switch (t.kind) {
    case Kind.Void: return 'void';
    case Kind.Int: return `int ${t.name} ${t.size} enc${t.encoding} off${t.bitOffset} bits${t.bits}`;
    case Kind.Float: return `float ${t.name} ${t.size}`;
    case Kind.Ptr: return `*${sub(t.type)}`;
    case Kind.Array: {
      // pahole flattens int a[2][3] into [6]int, clang and corelens nest arrays: the bytes are the same.
      let n = t.nelems;
      let e = t.elemType;
      for (let x = btf.type(e); x.kind === Kind.Array; x = btf.type(e)) {
        n *= x.nelems;
        e = x.elemType;
      }
      return `[${n}]${sub(e)}`;
    }
    case Kind.Struct: case Kind.Union: {
      if (t.name && !top) return `${kindName(t.kind)} ${t.name}`;
      const ms = t.members.map((m) => `${m.name}@${m.bitOffset}${m.bitfieldSize ? `:${m.bitfieldSize}` : ''} ${sub(m.type)}`);
      return `${kindName(t.kind)} ${t.name} size${t.size} {${ms.join('; ')}}`;
    }
    case Kind.Enum: case Kind.Enum64: {
      if (t.name && !top) return `enum ${t.name}`;
      return `${kindName(t.kind)} ${t.name} size${t.size} ${t.signed ? 'signed' : 'unsigned'} {${t.values.map((v) => `${v.name}=${v.value}`).join(', ')}}`;
    }
    case Kind.Fwd: return `fwd ${t.isUnion ? 'union' : 'struct'} ${t.name}`;
    case Kind.Typedef: return top || depth < 1 ? `typedef ${t.name} = ${sub(t.type)}` : `typedef ${t.name}`;
    case Kind.Const: case Kind.Volatile: case Kind.Restrict: case Kind.TypeTag: return `${kindName(t.kind)} ${sub(t.type)}`;
    case Kind.FuncProto: return `fn(${t.params.map((p) => (p.type ? sub(p.type) : '...')).join(', ')}) -> ${sub(t.returnType)}`;
    default: return `${kindName(t.kind)} ${t.name}`;
  }
}

/** Named types worth comparing: structs, unions, enums, typedefs, ints and floats, keyed `kind name`. */
export function namedTypes(btf: Btf): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (let id = btf.startId; id < btf.typeCount; id++) {
    const k = btf.kind(id);
    const name = btf.name(id);
    if (!name) continue;
    if (![Kind.Struct, Kind.Union, Kind.Enum, Kind.Enum64, Kind.Typedef, Kind.Int, Kind.Float, Kind.Fwd].includes(k)) continue;
    const key = `${kindName(k === Kind.Enum64 ? Kind.Enum : k)} ${name}`;
    const list = out.get(key) ?? [];
    list.push(describe(btf, id, true));
    out.set(key, list);
  }
  for (const l of out.values()) l.sort();
  return out;
}

export interface LayoutDiff {
  compared: number;
  differences: string[];
}

/** Compares every named type of `want` (pahole) with `got` (corelens), in both directions. */
export function compareLayouts(want: Btf, got: Btf): LayoutDiff {
  const a = namedTypes(want);
  const b = namedTypes(got);
  const differences: string[] = [];
  let compared = 0;
  for (const [key, wl] of a) {
    const gl = b.get(key);
    if (!gl) {
      differences.push(`${key}: missing (pahole: ${wl[0]})`);
      continue;
    }
    compared += wl.length;
    if (wl.join('\n') !== gl.join('\n')) differences.push(`${key}:\n  pahole:   ${wl.join('\n            ')}\n  corelens: ${gl.join('\n            ')}`);
  }
  for (const key of b.keys()) if (!a.has(key)) differences.push(`${key}: only in corelens (${b.get(key)![0]})`);
  return { compared, differences };
}
