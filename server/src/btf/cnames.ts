// C spellings of BTF types for humans: `struct task_struct *`, `char[16]`, `int (*)(void *)`.

import { Btf } from './reader';
import { Kind } from './types';

const MAX_DEPTH = 32;

/** The C type name of `id`, as a declaration without a declarator (`unsigned int`, `struct file *[4]`). */
export function cTypeName(btf: Btf, id: number): string {
  return declare(btf, id, '', 0).trim();
}

/** A C declaration of `name` with type `id` (`char comm[16]`, `void (*fn)(int)`). */
export function cDeclaration(btf: Btf, id: number, name: string): string {
  return declare(btf, id, name, 0).trim();
}

function declare(btf: Btf, id: number, inner: string, depth: number): string {
  if (depth > MAX_DEPTH) return `/* type chain too deep */ ${inner}`;
  const t = btf.type(id);
  // `char[16]` but `char comm[16]`, `int (*)(void)`: no space only before a bare array suffix.
  const sp = inner ? (inner.startsWith('[') ? inner : ` ${inner}`) : '';
  switch (t.kind) {
    case Kind.Void: return `void${sp}`;
    case Kind.Int: case Kind.Float: case Kind.Typedef: return `${t.name}${sp}`;
    case Kind.Struct: return `struct ${t.name || '{...}'}${sp}`;
    case Kind.Union: return `union ${t.name || '{...}'}${sp}`;
    case Kind.Enum: case Kind.Enum64: return `enum ${t.name || '{...}'}${sp}`;
    case Kind.Fwd: return `${t.isUnion ? 'union' : 'struct'} ${t.name}${sp}`;
    case Kind.Ptr: {
      const pointee = btf.type(t.type);
      const needsParens = pointee.kind === Kind.Array || pointee.kind === Kind.FuncProto;
      return declare(btf, t.type, needsParens ? `(*${inner})` : `*${inner}`, depth + 1);
    }
    case Kind.Const: case Kind.Volatile: case Kind.Restrict: {
      const q = t.kind === Kind.Const ? 'const' : t.kind === Kind.Volatile ? 'volatile' : 'restrict';
      const target = btf.type(t.type);
      // Qualifiers of pointers go after the star; others read naturally in front.
      if (target.kind === Kind.Ptr) return declare(btf, t.type, `${q}${sp}`, depth + 1);
      return `${q} ${declare(btf, t.type, inner, depth + 1)}`;
    }
    case Kind.TypeTag: return declare(btf, t.type, inner, depth + 1);
    case Kind.Array: return declare(btf, t.elemType, `${inner}[${t.nelems}]`, depth + 1);
    case Kind.FuncProto: {
      const params = t.params.length === 0 ? 'void'
        : t.params.map((p) => (p.type === 0 ? '...' : declare(btf, p.type, p.name, depth + 1).trim())).join(', ');
      return declare(btf, t.returnType, `${inner}(${params})`, depth + 1);
    }
    case Kind.Func: return declare(btf, t.type, t.name, depth + 1);
    case Kind.Var: return declare(btf, t.type, t.name, depth + 1);
    default: return `/* ${t.kind} */${sp}`;
  }
}
