#!/usr/bin/env bash
# Makes sure the system tools corelens' tests and scripts use are installed (Debian).
# As root it installs what is missing with apt-get; otherwise it fails naming the exact command to run.
#   scripts/ensure-tools.sh            the CO-RE toolchain: clang, llvm, gcc, libbpf-dev, bpftool, pahole, libelf, zlib, xz;
#                                      git (BTFHub sources are git repositories)
#   scripts/ensure-tools.sh neovim     also an extra package set (e.g. editors for end-to-end tests: neovim, clangd,
#                                      emacs-nox elpa-eglot elpa-lsp-mode)
set -euo pipefail

pkgs=(clang llvm gcc libbpf-dev bpftool dwarves libelf-dev zlib1g-dev xz-utils python3 git)
cmds=(clang llvm-objcopy gcc cc bpftool pahole xz python3 git)
debs=()
for extra in "$@"; do
	pkgs+=("$extra")
	case "$extra" in
	neovim) cmds+=(nvim) ;;
	emacs-nox) cmds+=(emacs) ;;
	elpa-*) debs+=("$extra") ;; # Emacs packages: no command of their own, ask dpkg
	*) cmds+=("$extra") ;;
	esac
done

missing=()
for c in "${cmds[@]}"; do command -v "$c" >/dev/null 2>&1 || missing+=("$c"); done
for d in "${debs[@]}"; do dpkg -s "$d" >/dev/null 2>&1 || missing+=("$d"); done
[ -f /usr/include/bpf/bpf_helpers.h ] || missing+=(libbpf-dev)
[ -f /usr/include/libelf.h ] || [ -f /usr/include/elfutils/libelf.h ] || missing+=(libelf-dev)
[ -f /usr/include/zlib.h ] || missing+=(zlib1g-dev)
compgen -G "/usr/lib/*/libbpf.a" >/dev/null || missing+=(libbpf.a)
[ ${#missing[@]} -eq 0 ] && exit 0

cmd="apt-get install -y ${pkgs[*]}"
if [ "$(id -u)" != 0 ]; then
	echo "corelens: missing tools: ${missing[*]}. Install them as root: apt-get update && $cmd" >&2
	exit 1
fi
echo "corelens: installing missing tools: ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq ${pkgs[*]} >/dev/null
