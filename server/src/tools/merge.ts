// Merge a kernel's BTF with userspace apps' BTF into one base BTF: the file a uprobe program loads through
// btf_custom_path so that libbpf finds both the app's types (struct data) and the kernel's (struct pt_regs).
//
// libbpf takes btf_custom_path as the only target BTF, so the result is flat (not split): kernel types keep their
// ids (a split kernel is flattened: its base first, so ids are unchanged), each app's types follow, renumbered.
// Base types that the app repeats (int, char, long...) are folded into the kernel's identical ones; named
// struct/union/enum/typedef collisions with the kernel are kept and reported, because libbpf would see two
// CO-RE candidates for that name and may call a relocation ambiguous.

import { Btf } from '../btf/reader';
import { BtfType, Kind } from '../btf/types';
import { BtfWriter, NewType, remapType } from '../btf/writer';

export interface MergeOptions {
  littleEndian?: boolean;
}

export interface MergedApp {
  readonly file: string;
  /** App id → merged id. */
  readonly idMap: ReadonlyMap<number, number>;
  /** App types folded into an identical existing type instead of being added. */
  readonly folded: number;
}

export interface Merged {
  readonly bytes: Uint8Array;
  readonly types: number;
  readonly kernelTypes: number;
  readonly apps: readonly MergedApp[];
  /** Human-readable notes: names the app shares with the kernel (or another app), ambiguous for CO-RE. */
  readonly warnings: readonly string[];
}

/** Merges `kernel` (flattened if split) and each app (a base BTF, or split over this kernel) into one BTF. */
export function mergeBtf(kernel: Btf, apps: readonly Btf[], opts: MergeOptions = {}): Merged {
  const w = new BtfWriter({ littleEndian: opts.littleEndian ?? kernel.littleEndian });
  const chain: Btf[] = [];
  for (let b: Btf | undefined = kernel; b; b = b.base) chain.unshift(b);
  for (const b of chain) for (let id = b.startId; id < b.typeCount; id++) w.add(b.type(id) as NewType);
  const kernelTypes = w.count;

  // Leaf types that may be folded: INT/FLOAT by full identity. Kernel candidates come from its name index.
  const leafKey = (t: BtfType) => (t.kind === Kind.Int ? `i:${t.name}:${t.size}:${t.encoding}:${t.bitOffset}:${t.bits}`
    : t.kind === Kind.Float ? `f:${t.name}:${t.size}` : undefined);
  const leaves = new Map<string, number>();
  const findLeaf = (t: BtfType): number | undefined => {
    const key = leafKey(t)!;
    let id = leaves.get(key);
    if (id === undefined) {
      const first = kernel.findByName(t.name, t.kind);
      for (const cand of [first, ...kernel.idsWithEssentialName(t.name)]) {
        if (cand && kernel.kind(cand) === t.kind && leafKey(kernel.type(cand)) === key) {
          id = cand;
          break;
        }
      }
      if (id !== undefined) leaves.set(key, id);
    }
    return id;
  };

  const named = new Map<string, string>();
  const warnings: string[] = [];
  const merged: MergedApp[] = [];
  for (const app of apps) {
    if (app.base && app.base.typeCount !== kernel.typeCount) {
      throw new Error(`${app.file} is split BTF over a base other than the kernel given; merge needs standalone app BTF`);
    }
    const idMap = new Map<number, number>();
    let next = w.nextId;
    let folded = 0;
    for (let id = app.startId; id < app.typeCount; id++) {
      const t = app.type(id);
      const leaf = leafKey(t) !== undefined ? findLeaf(t) : undefined;
      if (leaf !== undefined) {
        idMap.set(id, leaf);
        folded++;
      } else {
        idMap.set(id, next++);
      }
    }
    const map = (id: number) => (id === 0 ? 0 : id < app.startId ? id : idMap.get(id)!);
    for (let id = app.startId; id < app.typeCount; id++) {
      const t = app.type(id);
      if (idMap.get(id)! < w.nextId) continue;
      w.add(remapType(t, map));
      const key = leafKey(t);
      if (key !== undefined && !leaves.has(key)) leaves.set(key, idMap.get(id)!);
      const tag = collisionTag(t);
      if (tag) {
        const inKernel = kernel.findByName(t.name, t.kind) !== 0;
        const prev = named.get(tag);
        if (inKernel) warnings.push(`${app.file}: ${tag} also exists in the kernel BTF: CO-RE relocations on it see two candidates`);
        else if (prev) warnings.push(`${app.file}: ${tag} also comes from ${prev}: CO-RE relocations on it see two candidates`);
        named.set(tag, app.file);
      }
    }
    merged.push({ file: app.file, idMap, folded });
  }
  return { bytes: w.encode(), types: w.count, kernelTypes, apps: merged, warnings };
}

function collisionTag(t: BtfType): string | undefined {
  if (!t.name) return undefined;
  switch (t.kind) {
    case Kind.Struct: return `struct ${t.name}`;
    case Kind.Union: return `union ${t.name}`;
    case Kind.Enum: case Kind.Enum64: return `enum ${t.name}`;
    case Kind.Typedef: return `typedef ${t.name}`;
    default: return undefined;
  }
}
