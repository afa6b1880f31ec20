#!/usr/bin/env bash
# Build the CO-RE fixtures: BPF objects (both byte orders) from
# test-fixtures/programs/*.bpf.c, raw target BTFs from
# test-fixtures/targets/src/*.c, and the load-verdict fixtures
# test-fixtures/verdict/programs/*.bpf.c (x86, little-endian only: the
# verifier oracle loads them into this machine's kernel).
#
#   scripts/build-fixtures.sh          rebuild into test-fixtures/
#   scripts/build-fixtures.sh --check  rebuild into a temp dir and compare
#                                      byte for byte with the committed files
#   scripts/build-fixtures.sh --vmlinux-h  only (re)generate the header below
#
# test-fixtures/programs/vmlinux.h is generated here, never committed (3 MB,
# .gitignore): `bpftool btf dump ... format c` of the committed 6.1-amd64
# kernel BTF, exactly what real tools include. It is rewritten only when its
# content changes, so its mtime (and the analyzer's header cache) stay stable.
#
# Deterministic: always run from the repo root with relative paths, and
# -fdebug-prefix-map strips the absolute build directory from DWARF.
# Targets whose source contains the line "// corelens-target: pahole" are
# compiled for the host and encoded by pahole (needed for BTF_KIND_ENUM64,
# which clang 14 cannot emit); all others are compiled with clang -target bpf
# and their .BTF section is extracted as the raw target BTF.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=lib.sh
. scripts/lib.sh
export LC_ALL=C SOURCE_DATE_EPOCH=0

# targets that are also built big-endian as NAME.bpfeb.btf
BE_TARGETS="base diff"

need() {
	# One place knows the toolchain and how to install it (apt-get as root, else the exact command).
	scripts/ensure-tools.sh
}

VMLINUX_BTF=test-fixtures/btf/kernels/6.1-amd64.btf.xz
VMLINUX_H=test-fixtures/programs/vmlinux.h

# bpftool needs a seekable file, hence the temporary raw BTF.
gen_vmlinux_h() {
	local tmp
	tmp=$(mktemp -d)
	xz -dc "$VMLINUX_BTF" > "$tmp/vmlinux.btf"
	bpftool btf dump file "$tmp/vmlinux.btf" format c > "$tmp/vmlinux.h"
	if ! cmp -s "$tmp/vmlinux.h" "$VMLINUX_H"; then mv "$tmp/vmlinux.h" "$VMLINUX_H"; fi
	rm -rf "$tmp"
}

CFLAGS_COMMON=(-g -O2 -D__TARGET_ARCH_x86 -I test-fixtures/programs
	"-fdebug-prefix-map=$PWD=." -fno-ident)

build_into() {
	local out=$1 tmp
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' RETURN
	mkdir -p "$out/objects" "$out/targets"
	for src in test-fixtures/programs/*.bpf.c; do
		local name
		name=$(basename "$src" .bpf.c)
		for arch in bpfel bpfeb; do
			clang "${CFLAGS_COMMON[@]}" -target "$arch" -c "$src" \
				-o "$out/objects/$name.$arch.o"
			python3 tools/oracle/patch_matches.py "$out/objects/$name.$arch.o"
		done
	done
	# load-verdict fixtures (issue 13): x86 only, the verifier oracle loads them on this machine
	mkdir -p "$out/verdict/objects"
	for src in test-fixtures/verdict/programs/*.bpf.c; do
		[ -e "$src" ] || continue
		local name
		name=$(basename "$src" .bpf.c)
		clang "${CFLAGS_COMMON[@]}" -target bpfel -c "$src" -o "$out/verdict/objects/$name.bpf.o"
		python3 tools/oracle/patch_matches.py "$out/verdict/objects/$name.bpf.o"
		# DWARF is not needed (line info lives in .BTF.ext): keep the committed objects small
		llvm-strip -g "$out/verdict/objects/$name.bpf.o"
	done
	for src in test-fixtures/targets/src/*.c; do
		local name
		name=$(basename "$src" .c)
		if grep -q '^// corelens-target: pahole' "$src"; then
			clang -g -O0 "-fdebug-prefix-map=$PWD=." -fno-ident -c "$src" -o "$tmp/$name.o"
			pahole -J --btf_encode_detached="$out/targets/$name.btf" "$tmp/$name.o"
			continue
		fi
		local arches=bpfel
		case " $BE_TARGETS " in *" $name "*) arches="bpfel bpfeb" ;; esac
		for arch in $arches; do
			local suffix=""
			[ "$arch" = bpfeb ] && suffix=".bpfeb"
			clang -g -O2 -target "$arch" "-fdebug-prefix-map=$PWD=." -fno-ident \
				-c "$src" -o "$tmp/$name$suffix.o"
			llvm-objcopy --dump-section ".BTF=$out/targets/$name$suffix.btf" \
				"$tmp/$name$suffix.o"
		done
	done
}

if [ "${1:-}" = "--vmlinux-h" ]; then
	for t in bpftool xz; do
		command -v "$t" >/dev/null || { echo "build-fixtures: $t missing; run as root: apt-get install -y bpftool xz-utils" >&2; exit 1; }
	done
	gen_vmlinux_h
	exit 0
fi
need
gen_vmlinux_h
if [ "${1:-}" = "--check" ]; then
	chk=$(mktemp -d)
	trap 'rm -rf "$chk"' EXIT
	build_into "$chk"
	status=0
	for d in objects targets; do
		compare_dir build-fixtures "$chk/$d" "test-fixtures/$d" || status=1
	done
	compare_dir build-fixtures "$chk/verdict/objects" test-fixtures/verdict/objects || status=1
	# the userspace apps (issue 8) and the realistic corpus have their own scripts
	scripts/build-apps.sh --check || status=1
	scripts/build-corpus.sh --check || status=1
	[ $status = 0 ] && echo "build-fixtures: up to date"
	exit $status
fi
rm -f test-fixtures/objects/*.o test-fixtures/targets/*.btf test-fixtures/verdict/objects/*.o
build_into test-fixtures
echo "build-fixtures: built $(ls test-fixtures/objects test-fixtures/verdict/objects | grep -c '\.o$') objects, $(ls test-fixtures/targets/*.btf | wc -l) targets"
scripts/build-apps.sh
scripts/build-corpus.sh
