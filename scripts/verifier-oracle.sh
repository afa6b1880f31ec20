#!/usr/bin/env bash
# Run the verifier oracle (tools/oracle/verifier.c: real libbpf 1.1 relocates each object against a target BTF with
# btf_custom_path, then the kernel of THIS machine verifies every program) over the fixture objects and targets.
#
#   scripts/verifier-oracle.sh               regenerate test-fixtures/expected/verifier/*.jsonl
#   scripts/verifier-oracle.sh --check       regenerate into a temp dir and diff with the committed files (only on
#                                            the kernel version the record was made on: KERNEL in the record)
#   scripts/verifier-oracle.sh --out DIR [--host]
#                                            write to DIR; --host adds the running kernel's own BTF as target "host"
#   scripts/verifier-oracle.sh --raw         load instruction sequences from stdin (tools/oracle/verifier.c --raw):
#                                            the semantics probes of server/test/verdict/semantics.test.ts
#   scripts/verifier-oracle.sh --host-only OBJ   one object against the running kernel's own BTF only, to stdout:
#                                            what loading it here would do (server/test/verdict/kconfig.test.ts)
#       [--against NAME=BTF]...              ... against these BTFs instead (btf_custom_path; still loaded here)
#       [--kconfig FILE]                     ... with FILE as this machine's kernel config: libbpf reads
#                                            /boot/config-$(uname -r) first, so the oracle runs in a private mount
#                                            namespace whose /boot is a tmpfs holding FILE under that name (the
#                                            real /boot is untouched); how a stated target config is proven
#
# Needs root (or CAP_BPF + CAP_PERFMON): programs are loaded into the running kernel. The committed files record
# what Linux 6.18 (this project's machines) says; another kernel's verifier may differ, which is why the
# differential test (server/test/verdict/differential.test.ts) runs this live and compares with that, and uses the
# committed files for the same comparison where bpf() is not permitted. The "host" target is never committed (its
# BTF is the machine's own).
#
# Objects and targets, mirroring scripts/oracle.sh:
#   test-fixtures/objects/*.bpfel.o          x the small targets test-fixtures/targets/*.btf (little-endian),
#                                            and kernel_* also x the kernels
#   test-fixtures/verdict/objects/*.o        x the kernels
#   test-fixtures/corpus/objects/{x86,arm64}/*.o  x the kernels (when the corpus is present)
# Kernels: test-fixtures/btf/kernels/*.btf.xz, plus *.btf.xz in $VERIFIER_EXTRA_KERNELS (a directory) when set.
# Output: one JSON line per program x target (see tools/oracle/verifier.c), one file per object.
set -euo pipefail
cd "$(dirname "$0")/.."
export LC_ALL=C

out="" check=0 host=0 raw=0 hostonly="" kconfig="" against=()
while [ $# -gt 0 ]; do
	case "$1" in
	--check) check=1 ;;
	--host) host=1 ;;
	--out) out=$2; shift ;;
	--raw) raw=1 ;;
	--host-only) hostonly=$2; shift ;;
	--against) against+=("$2"); shift ;;
	--kconfig) kconfig=$2; shift ;;
	*) echo "usage: scripts/verifier-oracle.sh [--check] [--out DIR [--host]] [--raw] [--host-only OBJ [--against NAME=BTF]... [--kconfig FILE]]" >&2; exit 2 ;;
	esac
	shift
done

scripts/ensure-tools.sh
mkdir -p .tmp/kernels
ORACLE=.tmp/verifier
if [ ! -x "$ORACLE" ] || [ tools/oracle/verifier.c -nt "$ORACLE" ]; then
	cc -O1 -g tools/oracle/verifier.c -o "$ORACLE.$$" -l:libbpf.a -lelf -lz -Wl,--wrap=bpf_prog_load
	mv "$ORACLE.$$" "$ORACLE"
fi
if [ $raw = 1 ]; then
	exec "$ORACLE" --raw
fi
if [ -n "$hostonly" ]; then
	[ ${#against[@]} -gt 0 ] || against=("host=host")
	if [ -n "$kconfig" ]; then
		[ -f "$kconfig" ] || { echo "verifier-oracle: --kconfig $kconfig: no such file" >&2; exit 2; }
		command -v unshare >/dev/null || { echo "verifier-oracle: --kconfig needs unshare (apt-get install util-linux)" >&2; exit 3; }
		# exit 3 (not permitted) when a mount namespace cannot be made: the callers skip, as for bpf() itself
		unshare -m true 2>/dev/null || { echo "verifier-oracle: --kconfig: no mount namespace here (needs root)" >&2; exit 3; }
		exec unshare -m --propagation private sh -c 'mount -t tmpfs corelens-kconfig /boot 2>/dev/null || exit 3
			cp "$1" "/boot/config-$(uname -r)" || exit 3
			shift; exec "$@"' sh "$kconfig" "$ORACLE" "$hostonly" "${against[@]}"
	fi
	exec "$ORACLE" "$hostonly" "${against[@]}"
fi

kernel_args=()
for xz in test-fixtures/btf/kernels/*.btf.xz ${VERIFIER_EXTRA_KERNELS:+"$VERIFIER_EXTRA_KERNELS"/*.btf.xz}; do
	[ -e "$xz" ] || continue
	name=$(basename "$xz" .btf.xz)
	case " ${kernel_args[*]-} " in *" $name="*) continue ;; esac
	raw=.tmp/kernels/$name.btf
	if [ ! -f "$raw" ] || [ "$xz" -nt "$raw" ]; then
		xz -dc "$xz" > "$raw.part.$$" && mv "$raw.part.$$" "$raw"
	fi
	kernel_args+=("$name=$raw")
done
target_args=()
for t in test-fixtures/targets/*.btf; do
	case "$t" in *.bpfeb.btf) continue ;; esac
	target_args+=("$(basename "$t" .btf)=$t")
done
host_args=()
[ $host = 1 ] && host_args=("host=host")

# generate DIR: one file per object
generate() {
	local dir=$1 obj name
	mkdir -p "$dir"
	for obj in test-fixtures/objects/*.bpfel.o; do
		[ -e "$obj" ] || continue
		name=$(basename "$obj" .o)
		case "$name" in
		kernel_*) "$ORACLE" "$obj" ${host_args[@]+"${host_args[@]}"} "${target_args[@]}" "${kernel_args[@]}" > "$dir/$name.jsonl" ;;
		*) "$ORACLE" "$obj" ${host_args[@]+"${host_args[@]}"} "${target_args[@]}" > "$dir/$name.jsonl" ;;
		esac
	done
	for obj in test-fixtures/verdict/objects/*.o; do
		[ -e "$obj" ] || continue
		"$ORACLE" "$obj" ${host_args[@]+"${host_args[@]}"} "${kernel_args[@]}" > "$dir/verdict-$(basename "$obj" .bpf.o).jsonl"
	done
	for obj in test-fixtures/corpus/objects/x86/*.o; do
		[ -e "$obj" ] || continue
		"$ORACLE" "$obj" ${host_args[@]+"${host_args[@]}"} "${kernel_args[@]}" > "$dir/corpus-$(basename "$obj" .bpf.o).jsonl"
	done
	# arm64 builds: their pt_regs reads fall outside this (x86) machine's context, which the verifier reports as
	# "other" and the test leaves out; their CO-RE outcomes on every kernel are compared
	for obj in test-fixtures/corpus/objects/arm64/*.o; do
		[ -e "$obj" ] || continue
		"$ORACLE" "$obj" ${host_args[@]+"${host_args[@]}"} "${kernel_args[@]}" > "$dir/corpus-arm64-$(basename "$obj" .bpf.o).jsonl"
	done
}

if [ -n "$out" ]; then
	generate "$out"
	exit 0
fi
EXPECTED=test-fixtures/expected/verifier
# The record is one kernel's answers: checking it on another kernel would compare two verifiers, not the record.
recorded=$(cat "$EXPECTED/KERNEL" 2>/dev/null || echo none)
running=$(uname -r | cut -d. -f1,2)
if [ $check = 1 ]; then
	if [ "$recorded" != "$running" ]; then
		echo "verifier-oracle: the record is Linux $recorded's, this is $(uname -r): not checked (the live differential test compares with this kernel)"
		exit 0
	fi
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
	generate "$tmp"
	echo "$running" > "$tmp/KERNEL"
	if ! diff -ru "$EXPECTED" "$tmp"; then
		echo "verifier-oracle: $EXPECTED differs from what this kernel ($(uname -r)) says; run scripts/verifier-oracle.sh" >&2
		exit 1
	fi
	echo "verifier-oracle: expected files up to date ($(uname -r))"
	exit 0
fi
rm -f "$EXPECTED"/*.jsonl
generate "$EXPECTED"
echo "$running" > "$EXPECTED/KERNEL"
echo "verifier-oracle: wrote $(cat "$EXPECTED"/*.jsonl | wc -l) program x target verdicts to $EXPECTED/ (kernel $(uname -r))"
