#!/usr/bin/env bash
# Run the libbpf oracle (tools/oracle/oracle.c, linked against the real
# libbpf 1.1 static library) over every fixture object and target BTF.
#
#   scripts/oracle.sh          regenerate test-fixtures/expected/oracle/*.jsonl
#   scripts/oracle.sh --check  regenerate into a temp dir and diff against the
#                              committed files (exit 1 and show the diff if stale)
#
# Each object is run against every small target test-fixtures/targets/*.btf;
# the realistic kernel_*.bpf.c objects also against the real kernel BTFs
# test-fixtures/btf/kernels/*.btf.xz (decompressed into .tmp/kernels/).
# Output: one JSON line per relocation x target; targets in C-locale name
# order (small targets first, then kernels), relocations in .BTF.ext order.
# Run scripts/build-fixtures.sh first when programs or targets change.
set -euo pipefail
cd "$(dirname "$0")/.."
export LC_ALL=C

need() {
	local missing=""
	for t in cc xz; do command -v "$t" >/dev/null || missing="$missing $t"; done
	for f in /usr/include/bpf/btf.h /usr/include/gelf.h /usr/include/zlib.h; do
		[ -f "$f" ] || missing="$missing $f"
	done
	compgen -G "/usr/lib/*/libbpf.a" >/dev/null || compgen -G "/usr/lib/libbpf.a" >/dev/null ||
		missing="$missing libbpf.a"
	if [ -n "$missing" ]; then
		local cmd="apt-get install -y clang llvm libbpf-dev bpftool dwarves libelf-dev zlib1g-dev"
		if [ "$(id -u)" = 0 ]; then
			echo "oracle: installing missing tools:$missing" >&2
			apt-get update -qq && $cmd
		else
			echo "oracle: missing$missing; run as root: $cmd" >&2
			exit 1
		fi
	fi
}

need
mkdir -p .tmp/kernels
ORACLE=.tmp/oracle
if [ ! -x "$ORACLE" ] || [ tools/oracle/oracle.c -nt "$ORACLE" ]; then
	cc -O1 -g tools/oracle/oracle.c -o "$ORACLE" -l:libbpf.a -lelf -lz
fi

kernel_args=()
for xz in test-fixtures/btf/kernels/*.btf.xz; do
	name=$(basename "$xz" .btf.xz)
	raw=.tmp/kernels/$name.btf
	if [ ! -f "$raw" ] || [ "$xz" -nt "$raw" ]; then
		xz -dc "$xz" > "$raw.part" && mv "$raw.part" "$raw"
	fi
	kernel_args+=("$name=$raw")
done

target_args=()
for t in test-fixtures/targets/*.btf; do
	target_args+=("$(basename "$t" .btf)=$t")
done

generate() {
	local out=$1
	mkdir -p "$out"
	for obj in test-fixtures/objects/*.o; do
		local name args
		name=$(basename "$obj" .o)
		args=("${target_args[@]}")
		case "$name" in kernel_*) args+=("${kernel_args[@]}") ;; esac
		"$ORACLE" "$obj" "${args[@]}" > "$out/$name.jsonl"
	done
}

if [ "${1:-}" = "--check" ]; then
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
	generate "$tmp"
	if ! diff -ru test-fixtures/expected/oracle "$tmp"; then
		echo "oracle: test-fixtures/expected/oracle is stale; run scripts/oracle.sh" >&2
		exit 1
	fi
	echo "oracle: expected files up to date"
	exit 0
fi
rm -f test-fixtures/expected/oracle/*.jsonl
generate test-fixtures/expected/oracle
echo "oracle: wrote $(cat test-fixtures/expected/oracle/*.jsonl | wc -l) lines to test-fixtures/expected/oracle/"
