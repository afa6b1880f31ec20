#!/usr/bin/env bash
# Run the libbpf oracle (tools/oracle/oracle.c, linked against the real
# libbpf 1.1 static library) over every fixture object and target BTF.
#
#   scripts/oracle.sh          regenerate test-fixtures/expected/oracle/*.jsonl
#   scripts/oracle.sh --check  regenerate into a temp dir and diff against the
#                              committed files (exit 1 and show the diff if stale);
#                              then the same for the s390x oracle (below), unless
#                              ORACLE_S390X=0 or its toolchain cannot be had
#   scripts/oracle.sh --s390x          regenerate test-fixtures/expected/oracle-s390x/
#   scripts/oracle.sh --s390x --check  check only the s390x oracle output
#
# s390x: the SAME harness cross-compiled for s390x (big-endian) against
# Debian's s390x libbpf.a (the host's libbpf-dev version), statically linked
# and run under qemu-s390x user emulation (.tmp/oracle-s390x), so libbpf's
# host-byte-order LSHIFT_U64 is the big-endian one. Every object, both byte
# orders; targets libbpf refuses to open on that host are left out (logged).
# Needs gcc-s390x-linux-gnu, libc6-dev-s390x-cross, qemu-user-static (apt) and
# the s390x libbpf-dev/libelf-dev/zlib1g-dev .debs, fetched with apt-get
# download and unpacked into .tmp/s390x-sysroot (no s390x package is
# installed: Debian 12's security suite has no s390x, so multiarch -dev
# packages cannot match the host's updated amd64 ones). As root everything
# missing is installed/fetched; otherwise --s390x fails naming what to run.
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
	# One place knows the toolchain and how to install it (apt-get as root, else the exact command).
	scripts/ensure-tools.sh
}

check=0 s390x=0
for arg in "$@"; do
	case "$arg" in
	--check) check=1 ;;
	--s390x) s390x=1 ;;
	*) echo "usage: scripts/oracle.sh [--s390x] [--check]" >&2; exit 2 ;;
	esac
done

S390X_SYSROOT=.tmp/s390x-sysroot
S390X_ORACLE=.tmp/oracle-s390x
S390X_DIR=test-fixtures/expected/oracle-s390x
S390X_TOOLS="gcc-s390x-linux-gnu libc6-dev-s390x-cross qemu-user-static"

s390x_qemu() { command -v qemu-s390x-static || command -v qemu-s390x; }

# the cross toolchain, qemu and the s390x libbpf/libelf/zlib static libraries;
# returns 1 (with the reason on stderr) when they are missing and cannot be had
need_s390x() {
	local host_bpf
	host_bpf=$(dpkg-query -W -f='${Version}' "libbpf-dev:$(dpkg --print-architecture)" 2>/dev/null) || host_bpf=""
	if [ -z "$host_bpf" ]; then
		echo "oracle-s390x: cannot tell the host's libbpf-dev version (dpkg-query)" >&2
		return 1
	fi
	local tools_ok=1 root_ok=1
	{ command -v s390x-linux-gnu-gcc && s390x_qemu && [ -f /usr/s390x-linux-gnu/lib/libc.a ]; } >/dev/null || tools_ok=0
	[ -f "$S390X_SYSROOT/usr/lib/s390x-linux-gnu/libbpf.a" ] &&
		[ "$(cat "$S390X_SYSROOT/libbpf-version" 2>/dev/null)" = "$host_bpf" ] || root_ok=0
	[ $tools_ok = 1 ] && [ $root_ok = 1 ] && return 0
	if [ "$(id -u)" != 0 ]; then
		echo "oracle-s390x: missing the s390x cross toolchain or libraries; run this script as root" \
			"(it runs: apt-get install --no-install-recommends $S390X_TOOLS; dpkg --add-architecture s390x;" \
			"apt-get download libbpf-dev:s390x=$host_bpf libelf-dev:s390x zlib1g-dev:s390x)" >&2
		return 1
	fi
	export DEBIAN_FRONTEND=noninteractive
	local t0=$SECONDS
	if ! dpkg --print-foreign-architectures | grep -qx s390x; then
		echo "oracle-s390x: dpkg --add-architecture s390x" >&2
		dpkg --add-architecture s390x
	fi
	echo "oracle-s390x: apt-get update" >&2
	apt-get update -qq || return 1
	if [ $tools_ok = 0 ]; then
		echo "oracle-s390x: installing $S390X_TOOLS" >&2
		# shellcheck disable=SC2086
		apt-get install -y -qq --no-install-recommends $S390X_TOOLS >/dev/null || return 1
	fi
	if [ $root_ok = 0 ]; then
		local dl part
		dl=$(mktemp -d) part="$S390X_SYSROOT.part.$$"
		echo "oracle-s390x: fetching libbpf-dev:s390x=$host_bpf, libelf-dev:s390x, zlib1g-dev:s390x" >&2
		if ! (cd "$dl" && apt-get download -qq -o APT::Sandbox::User=root \
			"libbpf-dev:s390x=$host_bpf" libelf-dev:s390x zlib1g-dev:s390x); then
			rm -rf "$dl"
			echo "oracle-s390x: apt-get download failed (is libbpf-dev:s390x $host_bpf in the archive?)" >&2
			return 1
		fi
		rm -rf "$part" && mkdir -p "$part"
		for deb in "$dl"/*.deb; do dpkg-deb -x "$deb" "$part"; done
		echo "$host_bpf" > "$part/libbpf-version"
		rm -rf "$dl" "$S390X_SYSROOT" && mv "$part" "$S390X_SYSROOT"
	fi
	echo "oracle-s390x: toolchain ready in $((SECONDS - t0)) s" >&2
}

build_s390x() {
	if [ ! -x "$S390X_ORACLE" ] || [ tools/oracle/oracle.c -nt "$S390X_ORACLE" ] ||
		[ "$S390X_SYSROOT/libbpf-version" -nt "$S390X_ORACLE" ]; then
		s390x-linux-gnu-gcc -O1 -g -static -I"$S390X_SYSROOT/usr/include" tools/oracle/oracle.c \
			-o "$S390X_ORACLE.$$" -L"$S390X_SYSROOT/usr/lib/s390x-linux-gnu" -l:libbpf.a -lelf -lz
		mv "$S390X_ORACLE.$$" "$S390X_ORACLE"
	fi
}

need
if [ $s390x = 1 ]; then
	need_s390x || exit 1
fi
mkdir -p .tmp/kernels
ORACLE=.tmp/oracle
if [ ! -x "$ORACLE" ] || [ tools/oracle/oracle.c -nt "$ORACLE" ]; then
	cc -O1 -g tools/oracle/oracle.c -o "$ORACLE.$$" -l:libbpf.a -lelf -lz
	mv "$ORACLE.$$" "$ORACLE"
fi

kernel_args=()
for xz in test-fixtures/btf/kernels/*.btf.xz; do
	name=$(basename "$xz" .btf.xz)
	raw=.tmp/kernels/$name.btf
	if [ ! -f "$raw" ] || [ "$xz" -nt "$raw" ]; then
		xz -dc "$xz" > "$raw.part.$$" && mv "$raw.part.$$" "$raw"
	fi
	kernel_args+=("$name=$raw")
done

target_args=()
for t in test-fixtures/targets/*.btf; do
	target_args+=("$(basename "$t" .btf)=$t")
done

# generate OUT_DIR [RUNNER...]: one file per object (objects listed once, up
# front, so objects another run adds meanwhile are left for the next run)
generate() {
	local out=$1
	shift
	mkdir -p "$out"
	for obj in test-fixtures/objects/*.o; do
		[ -e "$obj" ] || continue
		local name args
		name=$(basename "$obj" .o)
		args=("${target_args[@]}")
		case "$name" in kernel_*) args+=("${kernel_args[@]}") ;; esac
		[ ${#args[@]} -gt 0 ] || continue
		"$@" "$obj" "${args[@]}" > "$out/$name.jsonl"
	done
}

# Userspace CO-RE (issue 8): the app_* objects also run against every fixture
# app's BTF, pahole's (NAME) and corelens' DWARF converter's (NAME.dwarf)
# separately, and against each app merged with the 6.1-amd64 kernel by
# `corelens merge` (NAME+6.1-amd64: the file a uprobe program loads through
# btf_custom_path). Output: test-fixtures/expected/oracle-apps/. Needs
# scripts/build-apps.sh output and a built server (npx tsc -b server).
APPS_DIR=test-fixtures/expected/oracle-apps
APP_KERNEL=6.1-amd64
app_args=()
app_targets() {
	mkdir -p .tmp/apps
	[ -f server/out/src/cli/main.js ] || npx tsc -b server
	local btf name merged
	for btf in test-fixtures/apps/btf/uprobe_*.btf test-fixtures/apps/btf/plugin_*.btf; do
		case "$btf" in *.dwarf.btf) continue ;; esac
		name=$(basename "$btf" .btf)
		app_args+=("$name=$btf" "$name.dwarf=test-fixtures/apps/btf/$name.dwarf.btf")
		merged=.tmp/apps/$name+$APP_KERNEL.btf
		if [ ! -f "$merged" ] || [ "$btf" -nt "$merged" ] || [ server/out/src/tools/merge.js -nt "$merged" ]; then
			node server/bin/corelens.js merge ".tmp/kernels/$APP_KERNEL.btf" "$btf" --out "$merged.$$" >/dev/null
			mv "$merged.$$" "$merged"
		fi
		app_args+=("$name+$APP_KERNEL=$merged")
	done
}
generate_apps() {
	local out=$1
	mkdir -p "$out"
	[ ${#app_args[@]} -gt 0 ] || app_targets
	for obj in test-fixtures/objects/app_*.o; do
		[ -e "$obj" ] || continue
		"$ORACLE" "$obj" "${app_args[@]}" > "$out/$(basename "$obj" .o).jsonl"
	done
}

# s390x: drop the targets libbpf cannot open on that host but opens on this
# one (probed with the first object; any other failure is fatal)
s390x_targets() {
	local probe keep t err
	probe=$(compgen -G "test-fixtures/objects/*.o" | head -n 1) || return 0
	err=$(mktemp)
	for list in target_args kernel_args; do
		local -n arr=$list
		keep=()
		for t in "${arr[@]}"; do
			if ORACLE_DEBUG=1 "$QEMU" "$S390X_ORACLE" "$probe" "$t" >/dev/null 2>"$err"; then
				keep+=("$t")
			elif grep -q "^oracle: cannot parse target BTF" "$err" &&
				"$ORACLE" "$probe" "$t" >/dev/null 2>&1; then
				echo "oracle-s390x: libbpf (s390x) refuses target ${t%%=*}, left out:" \
					"$(grep -v '^oracle:' "$err" | tail -n 1 | sed 's/^libbpf: //')" >&2
			else
				cat "$err" >&2
				rm -f "$err"
				echo "oracle-s390x: $S390X_ORACLE $probe $t failed" >&2
				exit 1
			fi
		done
		arr=(${keep[@]+"${keep[@]}"})
		unset -n arr
	done
	rm -f "$err"
}

run_s390x() {
	build_s390x
	QEMU=$(s390x_qemu)
	s390x_targets
	local tmp
	tmp=$(mktemp -d)
	generate "$tmp" "$QEMU" "$S390X_ORACLE"
	if [ $check = 1 ]; then
		mkdir -p "$S390X_DIR"
		if ! diff -ru "$S390X_DIR" "$tmp"; then
			rm -rf "$tmp"
			echo "oracle-s390x: $S390X_DIR is stale; run scripts/oracle.sh --s390x" >&2
			return 1
		fi
		rm -rf "$tmp"
		echo "oracle-s390x: expected files up to date"
		return 0
	fi
	mkdir -p "$S390X_DIR"
	rm -f "$S390X_DIR"/*.jsonl
	mv "$tmp"/*.jsonl "$S390X_DIR"/ 2>/dev/null || true
	rm -rf "$tmp"
	echo "oracle-s390x: wrote $(cat "$S390X_DIR"/*.jsonl 2>/dev/null | wc -l) lines to $S390X_DIR/"
}

if [ $s390x = 1 ]; then
	run_s390x
	exit $?
fi

if [ $check = 1 ]; then
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
	generate "$tmp" "$ORACLE"
	if ! diff -ru test-fixtures/expected/oracle "$tmp"; then
		echo "oracle: test-fixtures/expected/oracle is stale; run scripts/oracle.sh" >&2
		exit 1
	fi
	echo "oracle: expected files up to date"
	generate_apps "$tmp/apps"
	if ! diff -ru "$APPS_DIR" "$tmp/apps"; then
		echo "oracle: $APPS_DIR is stale; run scripts/oracle.sh" >&2
		exit 1
	fi
	echo "oracle: app expected files up to date"
	if [ "${ORACLE_S390X:-1}" = 0 ]; then
		echo "oracle-s390x: skipped (ORACLE_S390X=0)"
	elif need_s390x; then
		run_s390x
	else
		echo "oracle-s390x: skipped (no s390x toolchain, see above)"
	fi
	exit 0
fi
rm -f test-fixtures/expected/oracle/*.jsonl
generate test-fixtures/expected/oracle "$ORACLE"
echo "oracle: wrote $(cat test-fixtures/expected/oracle/*.jsonl | wc -l) lines to test-fixtures/expected/oracle/"
rm -f "$APPS_DIR"/*.jsonl
generate_apps "$APPS_DIR"
echo "oracle: wrote $(cat "$APPS_DIR"/*.jsonl | wc -l) lines to $APPS_DIR/"
