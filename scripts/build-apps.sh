#!/usr/bin/env bash
# Build the userspace CO-RE fixture apps (issue 8): test-fixtures/apps/src/*.c
# become ELF binaries with DWARF only (gcc -g -O0, what users have), and two
# BTFs per app: pahole's (the reference) and corelens' in-process DWARF
# converter's (what `--target NAME=BINARY,kind=app` uses).
#
#   scripts/build-apps.sh          rebuild into test-fixtures/apps/{bin,btf}
#   scripts/build-apps.sh --check  rebuild into a temp dir and compare byte for
#                                  byte with the committed files
#
# Outputs (bin/ is committed: the binaries are a few KB each):
#   bin/NAME              gcc -g -O0 (DWARF 5), every src/NAME.c
#   bin/shapes.dwarf4     gcc -g -gdwarf-4 -O0 (DW_AT_bit_offset bitfields)
#   bin/libshapes.so      gcc -g -O0 -shared -fPIC
#   bin/shapes.bpfeb.o    clang -g -O0 -target bpfeb -c (big-endian DWARF; the
#                         converter is run on it directly, its .BTF ignored)
#   bin/uprobe_v2.btfelf  bin/uprobe_v2 plus a .BTF section (pahole -J)
#   btf/NAME.btf          pahole --btf_gen_floats --btf_encode_detached
#   btf/NAME.dwarf.btf    corelens' converter (server/out, built if missing)
# pahole gets --btf_gen_floats because corelens emits BTF_KIND_FLOAT (without
# it pahole 1.24 writes float/double as unsigned INTs).
#
# Deterministic: run from the repo root with relative paths and
# -fdebug-prefix-map; gcc 12.2 and pahole 1.24 (Debian 12).
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=lib.sh
. scripts/lib.sh
export LC_ALL=C SOURCE_DATE_EPOCH=0

need() {
	# One place knows the toolchain and how to install it (apt-get as root, else the exact command).
	scripts/ensure-tools.sh
	[ -f server/out/src/btf/dwarf.js ] || npx tsc -b server
}

GCC_FLAGS=(-g -O0 "-fdebug-prefix-map=$PWD=." -fno-ident)

build_into() {
	local out=$1
	mkdir -p "$out/bin" "$out/btf"
	for src in test-fixtures/apps/src/*.c; do
		local name
		name=$(basename "$src" .c)
		gcc "${GCC_FLAGS[@]}" "$src" -o "$out/bin/$name"
	done
	gcc "${GCC_FLAGS[@]}" -gdwarf-4 test-fixtures/apps/src/shapes.c -o "$out/bin/shapes.dwarf4"
	gcc "${GCC_FLAGS[@]}" -shared -fPIC test-fixtures/apps/src/shapes.c -o "$out/bin/libshapes.so"
	clang -g -O0 -target bpfeb "-fdebug-prefix-map=$PWD=." -fno-ident -c test-fixtures/apps/src/shapes.c \
		-o "$out/bin/shapes.bpfeb.o"
	cp "$out/bin/uprobe_v2" "$out/bin/uprobe_v2.btfelf"
	pahole --btf_gen_floats -J "$out/bin/uprobe_v2.btfelf" 2>/dev/null
	for bin in "$out"/bin/*; do
		local name
		name=$(basename "$bin")
		case "$name" in *.btfelf) continue ;; esac
		# pahole 1.24 warns about DW_TAG_atomic_type (shapes' _Atomic member), which it encodes as void
		pahole --btf_gen_floats --btf_encode_detached="$out/btf/$name.btf" "$bin" 2>/dev/null
	done
	node -e '
		const fs = require("fs");
		const { ElfFile } = require("./server/out/src/btf/elf");
		const { dwarfToBtf } = require("./server/out/src/btf/dwarf");
		const [out, ...bins] = process.argv.slice(1);
		for (const bin of bins) {
			const name = require("path").basename(bin);
			if (name.endsWith(".btfelf")) continue;
			fs.writeFileSync(`${out}/${name}.dwarf.btf`, dwarfToBtf(new ElfFile(fs.readFileSync(bin), bin)).bytes);
		}' "$out/btf" "$out"/bin/*
}

need
if [ "${1:-}" = "--check" ]; then
	chk=$(mktemp -d)
	trap 'rm -rf "$chk"' EXIT
	build_into "$chk"
	status=0
	for d in bin btf; do
		compare_dir build-apps "$chk/$d" "test-fixtures/apps/$d" || status=1
	done
	[ $status = 0 ] && echo "build-apps: up to date"
	exit $status
fi
# build aside, then swap in: tests running meanwhile never see the directories half built
stage=$(mktemp -d test-fixtures/apps/.build.XXXXXX)
trap 'rm -rf "$stage"' EXIT
build_into "$stage"
rm -rf test-fixtures/apps/bin test-fixtures/apps/btf
mv "$stage/bin" "$stage/btf" test-fixtures/apps/
echo "build-apps: built $(ls test-fixtures/apps/bin | wc -l) binaries, $(ls test-fixtures/apps/btf | wc -l) BTFs"
