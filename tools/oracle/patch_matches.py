#!/usr/bin/env python3
"""Rewrite TYPE_EXISTS (8) CO-RE relocations into TYPE_MATCHES (12).

clang 14 cannot emit bpf_core_type_matches() (the backend rejects flag 2 of
llvm.bpf.preserve.type.info). The fixtures therefore write
bpf_core_type_exists() in ELF sections whose name ends in "type_matches"
(sel_types: "raw_tp/type_matches", kernel_guards: "kprobe/type_matches"); this
script changes the kind of the .BTF.ext core_relo records of THOSE sections
only, in place. Both instruction forms are the same "rX = 1" (validated against 1), so
the result is what clang 15+ would have produced.

Usage: patch_matches.py OBJ.o [OBJ.o ...]   (ELF64, either byte order)
"""
import struct
import sys

SECTION_SUFFIX = b"type_matches"  # raw_tp/type_matches (sel_types), kprobe/type_matches (kernel_guards)
TYPE_EXISTS, TYPE_MATCHES = 8, 12


def patch(path):
    data = bytearray(open(path, "rb").read())
    if data[:4] != b"\x7fELF" or data[4] != 2:
        sys.exit(f"{path}: not an ELF64 file")
    e = "<" if data[5] == 1 else ">"
    shoff, = struct.unpack_from(e + "Q", data, 0x28)
    shentsize, shnum, shstrndx = struct.unpack_from(e + "HHH", data, 0x3A)
    secs = []
    for i in range(shnum):
        name, _typ = struct.unpack_from(e + "II", data, shoff + i * shentsize)
        off, size = struct.unpack_from(e + "QQ", data, shoff + i * shentsize + 0x18)
        secs.append((name, off, size))
    stroff = secs[shstrndx][1]

    def secname(n):
        return bytes(data[stroff + n:data.index(0, stroff + n)])

    by_name = {secname(n): (o, s) for n, o, s in secs}
    if b".BTF" not in by_name or b".BTF.ext" not in by_name:
        return 0
    boff, _ = by_name[b".BTF"]
    hdr_len, = struct.unpack_from(e + "I", data, boff + 4)
    str_off, = struct.unpack_from(e + "I", data, boff + 16)
    strings = boff + hdr_len + str_off

    def btf_str(o):
        return bytes(data[strings + o:data.index(0, strings + o)])

    xoff, _ = by_name[b".BTF.ext"]
    xhdr_len, = struct.unpack_from(e + "I", data, xoff + 4)
    if xhdr_len < 32:
        return 0
    roff, rlen = struct.unpack_from(e + "II", data, xoff + 24)
    p = xoff + xhdr_len + roff
    end = p + rlen
    rec_size, = struct.unpack_from(e + "I", data, p)
    p += 4
    changed = 0
    while p < end:
        sec_off, num = struct.unpack_from(e + "II", data, p)
        p += 8
        hit = btf_str(sec_off).endswith(SECTION_SUFFIX)
        for _ in range(num):
            kind, = struct.unpack_from(e + "I", data, p + 12)
            if hit and kind == TYPE_EXISTS:
                struct.pack_into(e + "I", data, p + 12, TYPE_MATCHES)
                changed += 1
            p += rec_size
    if changed:
        open(path, "wb").write(data)
    return changed


if __name__ == "__main__":
    for f in sys.argv[1:]:
        patch(f)
