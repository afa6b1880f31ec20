#!/usr/bin/env bash
# Build the realistic CO-RE corpus (test-fixtures/corpus, see its README): every
# program NAME.bpf.c becomes objects/x86/NAME.bpf.o, and the ones marked
# `// corpus-build: arm64` also objects/arm64/NAME.bpf.o.
#
#   scripts/build-corpus.sh            rebuild test-fixtures/corpus/objects
#   scripts/build-corpus.sh --check    rebuild into a temp dir and compare byte
#                                      for byte with the committed objects
#   scripts/build-corpus.sh --prepare  only generate the vmlinux.h headers and
#                                      fetch the newer libbpf headers (what the
#                                      live analysis needs to read the corpus)
#   scripts/build-corpus.sh --print-flags NAME [x86|arm64]
#                                      the clang flags of one program, one per
#                                      line (tests use them for the live side)
#
# Like real tool collections (libbpf-tools, libbpf-bootstrap):
#   - vmlinux.h per architecture, generated here and never committed (.gitignore):
#     vmlinux/x86/vmlinux.h from btf/kernels/6.1-amd64, vmlinux/arm64/vmlinux.h
#     from btf/kernels/6.1-arm64 (`bpftool btf dump ... format c`);
#   - clang -g -O2 -target bpf -D__TARGET_ARCH_<arch>, then `llvm-strip -g`
#     (DWARF removed; .BTF and .BTF.ext, which carry the line info, stay);
#   - programs marked `// corpus-build: libbpf-1.5` are compiled against the
#     headers of a newer libbpf than the system's 1.1.2 (`-I` before the
#     system's), as tools that vendor libbpf are: Debian trixie's libbpf-dev,
#     pinned by version and sha256 below, downloaded once into .tmp/corpus/
#     (outside git; libbpf's headers are never committed).
# Deterministic: run from the repo root with relative paths, -fdebug-prefix-map,
# -fno-ident; clang 14 and llvm 14 (Debian 12).
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=lib.sh
. scripts/lib.sh
export LC_ALL=C SOURCE_DATE_EPOCH=0

CORPUS=test-fixtures/corpus
CACHE=.tmp/corpus
LIBBPF_NEW_VERSION=1.5.0-3
LIBBPF_NEW_DEB=libbpf-dev_${LIBBPF_NEW_VERSION}_amd64.deb
LIBBPF_NEW_URL=http://deb.debian.org/debian/pool/main/libb/libbpf/$LIBBPF_NEW_DEB
LIBBPF_NEW_SHA256=87d241407b5bef18e367dbd13e8d0302b865a489ee0cf3d88eae55332ec5b9a1
LIBBPF_NEW_INC=$CACHE/libbpf-$LIBBPF_NEW_VERSION/usr/include

# arch -> kernel BTF its vmlinux.h comes from
vmlinux_btf() {
	case $1 in
	x86) echo test-fixtures/btf/kernels/6.1-amd64.btf.xz ;;
	arm64) echo test-fixtures/btf/kernels/6.1-arm64.btf.xz ;;
	esac
}

# bpftool needs a seekable file, hence the temporary raw BTF. Rewritten only when
# the content changes, so mtimes (and the analyzer's header cache) stay stable.
gen_vmlinux_h() {
	local arch=$1 tmp out=$CORPUS/vmlinux/$1/vmlinux.h
	tmp=$(mktemp -d)
	mkdir -p "$(dirname "$out")"
	xz -dc "$(vmlinux_btf "$arch")" > "$tmp/vmlinux.btf"
	bpftool btf dump file "$tmp/vmlinux.btf" format c > "$tmp/vmlinux.h"
	if ! cmp -s "$tmp/vmlinux.h" "$out"; then mv "$tmp/vmlinux.h" "$out"; fi
	rm -rf "$tmp"
}

# The newer libbpf headers: downloaded once, checked against the pinned sha256,
# unpacked with dpkg-deb. python3 downloads (already a required tool; no curl).
fetch_libbpf_new() {
	[ -f "$LIBBPF_NEW_INC/bpf/bpf_helpers.h" ] && return 0
	mkdir -p "$CACHE"
	local deb=$CACHE/$LIBBPF_NEW_DEB
	if [ ! -f "$deb" ] || ! echo "$LIBBPF_NEW_SHA256  $deb" | sha256sum -c --quiet - 2>/dev/null; then
		rm -f "$deb"
		if ! python3 - "$LIBBPF_NEW_URL" "$deb.part" <<-'EOF'
			import sys, urllib.request
			with urllib.request.urlopen(sys.argv[1], timeout=120) as r, open(sys.argv[2], 'wb') as f:
			    f.write(r.read())
		EOF
		then
			echo "build-corpus: cannot download $LIBBPF_NEW_URL (needed for the programs marked 'corpus-build: libbpf-1.5'); check that deb.debian.org is reachable" >&2
			rm -f "$deb.part"
			exit 1
		fi
		if ! echo "$LIBBPF_NEW_SHA256  $deb.part" | sha256sum -c --quiet - 2>/dev/null; then
			echo "build-corpus: $LIBBPF_NEW_URL does not have the pinned sha256 $LIBBPF_NEW_SHA256; refusing to use it" >&2
			rm -f "$deb.part"
			exit 1
		fi
		mv "$deb.part" "$deb"
	fi
	rm -rf "$CACHE/libbpf-$LIBBPF_NEW_VERSION"
	dpkg-deb -x "$deb" "$CACHE/libbpf-$LIBBPF_NEW_VERSION"
}

prepare() {
	for t in bpftool xz python3 dpkg-deb sha256sum; do
		command -v "$t" >/dev/null || { echo "build-corpus: $t missing; run scripts/ensure-tools.sh" >&2; exit 1; }
	done
	gen_vmlinux_h x86
	gen_vmlinux_h arm64
	fetch_libbpf_new
}

# marker SRC WORD: the program asks for a build variant with `// corpus-build: WORD`
marker() {
	grep -Eq "^// corpus-build:.*\\b$2\\b" "$1"
}

# flags SRC ARCH: clang flags of one program (one per line)
flags() {
	local src=$1 arch=$2
	printf '%s\n' -g -O2 -target bpf "-D__TARGET_ARCH_$arch"
	if marker "$src" libbpf-1.5; then printf '%s\n' -I "$LIBBPF_NEW_INC"; fi
	printf '%s\n' -I "$CORPUS/include" -I "$CORPUS/vmlinux/$arch" "-fdebug-prefix-map=$PWD=." -fno-ident
}

build_into() {
	local out=$1 tmp src name arch
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' RETURN
	mkdir -p "$out/x86" "$out/arm64"
	for src in "$CORPUS"/*.bpf.c; do
		name=$(basename "$src" .bpf.c)
		for arch in x86 arm64; do
			if [ $arch = arm64 ] && ! marker "$src" arm64; then continue; fi
			mapfile -t f < <(flags "$src" $arch)
			clang "${f[@]}" -c "$src" -o "$tmp/$name.o"
			llvm-strip -g "$tmp/$name.o" -o "$out/$arch/$name.bpf.o"
		done
	done
}

case "${1:-}" in
--prepare)
	prepare
	exit 0
	;;
--print-flags)
	src=$CORPUS/${2:?usage: --print-flags NAME [x86|arm64]}.bpf.c
	[ -f "$src" ] || { echo "build-corpus: no program $src" >&2; exit 2; }
	flags "$src" "${3:-x86}"
	exit 0
	;;
esac
scripts/ensure-tools.sh
prepare
if [ "${1:-}" = "--check" ]; then
	chk=$(mktemp -d)
	trap 'rm -rf "$chk"' EXIT
	build_into "$chk"
	status=0
	for arch in x86 arm64; do
		compare_dir build-corpus "$chk/$arch" "$CORPUS/objects/$arch" || status=1
	done
	[ $status = 0 ] && echo "build-corpus: up to date"
	exit $status
fi
rm -f "$CORPUS"/objects/*/*.o
build_into "$CORPUS/objects"
echo "build-corpus: built $(ls "$CORPUS"/objects/x86 | wc -l) x86 and $(ls "$CORPUS"/objects/arm64 | wc -l) arm64 objects ($(du -cb "$CORPUS"/objects/*/*.o | tail -1 | cut -f1) bytes)"
