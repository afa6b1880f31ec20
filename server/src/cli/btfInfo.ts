// `corelens btf info`: what a BTF file holds (containers, arch, byte order, counts per kind, base of split BTF).

import { asBtfError } from '../btf/errors';
import { openBtfFile } from '../btf/open';
import { Btf } from '../btf/reader';
import { KIND_NAMES } from '../btf/types';
import { archFromBtf, archFromName } from '../targets/arch';
import { toJson } from '../util/format';
import { Io, Parsed, UsageError } from './common';

/** Prints one summary per file; exit 1 when a file cannot be read. */
export async function btfInfo(p: Parsed, io: Io): Promise<number> {
  if (p.positional.length === 0) throw new UsageError('btf info needs at least one FILE');
  let base: Btf | undefined;
  if (p.base) {
    const b = await openBtfFile(p.base);
    if (!b.ok) {
      io.err(`corelens: ${b.error.message}`);
      return 1;
    }
    base = b.value.btf;
  }
  let status = 0;
  const infos: unknown[] = [];
  for (const file of p.positional) {
    const r = await openBtfFile(file, { base });
    if (!r.ok) {
      io.err(`corelens: ${r.error.message}`);
      status = 1;
      continue;
    }
    const { btf, containers } = r.value;
    const counts: Record<string, number> = {};
    let pointerSize: number;
    try {
      for (let id = btf.startId; id < btf.typeCount; id++) {
        const k = KIND_NAMES[btf.kind(id)] ?? `kind${btf.kind(id)}`;
        counts[k] = (counts[k] ?? 0) + 1;
      }
      // reads type names (to find `long`): a bad string offset shows up here, as one line naming the file
      pointerSize = btf.pointerSize;
    } catch (e) {
      io.err(`corelens: ${asBtfError(e, file).message}`);
      status = 1;
      continue;
    }
    // The BTF's own evidence first; a name (`6.1-arm64.btf.xz`) only when the BTF has no pt_regs to go by.
    const fromBtf = archFromBtf(btf);
    const fromName = fromBtf ? undefined : archFromName(file.split('/').pop() ?? file);
    const arch = fromBtf?.arch ?? fromName ?? null;
    const archEvidence = fromBtf ? fromBtf.evidence : fromName ? 'from the file name (no struct pt_regs in the BTF)' : 'no struct pt_regs in the BTF';
    const info = {
      file, containers, arch, archEvidence, byteOrder: btf.littleEndian ? 'little-endian' : 'big-endian', headerLength: btf.header.hdrLen,
      types: btf.ownTypeCount, firstTypeId: btf.startId, stringBytes: btf.header.strLen, pointerSize,
      kinds: counts, ...(base ? { base: p.base, baseTypes: base.typeCount - 1 } : {}),
    };
    infos.push(info);
    if (!p.json) {
      io.out(`${file}`);
      io.out(`  container:    ${containers.join(' → ')}`);
      io.out(`  arch:         ${arch ?? 'unknown'} (${archEvidence})`);
      io.out(`  byte order:   ${info.byteOrder} (header ${info.headerLength} bytes)`);
      io.out(`  types:        ${info.types} (ids ${btf.startId}..${btf.typeCount - 1})${base ? `, split over ${p.base} (${base.typeCount - 1} types)` : ''}`);
      io.out(`  strings:      ${info.stringBytes} bytes`);
      io.out(`  pointer size: ${info.pointerSize}`);
      io.out(`  kinds:        ${Object.entries(counts).sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ${n}`).join(', ')}`);
    }
  }
  if (p.json) io.out(toJson({ files: infos }));
  return status;
}

