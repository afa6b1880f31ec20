#!/usr/bin/env bash
# End-to-end proof in a real VS Code: code-server 4.100.3 (installed on demand, outside package.json: too heavy for
# every checkout) + Debian Chromium driven by playwright-core. Installs the packaged .vsix into a fresh profile, opens a
# fixture workspace and checks the Problems panel and a hover (screenshots in .tmp/e2e-artifacts/), then runs the
# extension-host mocha tests (client/test/exthost) against the unpacked .vsix via extensionTestsPath.
# Usage: scripts/e2e-vscode.sh [--install-only | --first-run-only] [VSIX]   (default VSIX: corelens-<version>.vsix at the
#   repo root; --first-run-only: only the first-run phase, its time and timeline: for repeated A/B measurement)
# Fails loudly (non-zero, with the reason) when anything is missing; as root it installs what it needs.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
CS_VERSION=4.100.3            # newest code-server whose engines.node is 20 (VS Code 1.100.3)
RG_CACHE_VERSION=1.15.11      # the @vscode/ripgrep version code-server 4.100.3 depends on
CACHE=${CORELENS_E2E_CACHE:-$ROOT/.tmp/e2e-cache}
ARTIFACTS=${CORELENS_E2E_ARTIFACTS:-$ROOT/.tmp/e2e-artifacts}
CS_DIR=$CACHE/code-server-$CS_VERSION
CS=$CS_DIR/node_modules/.bin/code-server
t0=$(date +%s)
say() { echo "e2e-vscode [$(( $(date +%s) - t0 ))s] $*" >&2; }
die() { echo "e2e-vscode: FAIL: $*" >&2; exit 1; }

install_only=0 first_only=0
if [ "${1:-}" = --install-only ]; then install_only=1; shift; fi
if [ "${1:-}" = --first-run-only ]; then first_only=1; shift; fi
VSIX=${1:-$ROOT/corelens-$(node -p "require('$ROOT/package.json').version").vsix}

# --- system packages: chromium (the browser), ripgrep (seeds code-server's rg download), libkrb5-dev/pkg-config
#     (code-server's kerberos module builds from source when its prebuilt binary cannot be downloaded)
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v rg >/dev/null 2>&1 || need+=(ripgrep)
if [ ! -x "$CS" ]; then
	dpkg -s libkrb5-dev >/dev/null 2>&1 || need+=(libkrb5-dev)
	command -v pkg-config >/dev/null 2>&1 || need+=(pkg-config)
fi
if [ ${#need[@]} -gt 0 ]; then
	[ "$(id -u)" = 0 ] || die "missing ${need[*]}; install as root: apt-get update && apt-get install -y ${need[*]}"
	say "apt-get install ${need[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq && apt-get install -y -qq "${need[@]}" >/dev/null || die "apt-get install ${need[*]} failed"
fi

# --- code-server, into a cache dir (never the repo's package.json); installed into a temp dir and moved into place
#     so an interrupted install is never mistaken for a good one
if [ ! -x "$CS" ]; then
	say "installing code-server@$CS_VERSION into $CS_DIR (about 45 s, 300 MB)"
	mkdir -p "$CACHE"
	tmp=$(mktemp -d "$CACHE/install-XXXX")
	# @vscode/ripgrep's postinstall downloads rg from GitHub (offline here) unless $TMPDIR/vscode-ripgrep-cache-<v>/ has it
	case "$(uname -m)" in x86_64) rgt=x86_64-unknown-linux-musl ;; aarch64) rgt=aarch64-unknown-linux-musl ;; *) die "unsupported arch $(uname -m)" ;; esac
	mkdir -p "$tmp/tmp/vscode-ripgrep-cache-$RG_CACHE_VERSION" "$tmp/rg"
	cp "$(command -v rg)" "$tmp/rg/rg"
	tar czf "$tmp/tmp/vscode-ripgrep-cache-$RG_CACHE_VERSION/ripgrep-v13.0.0-10-$rgt.tar.gz" -C "$tmp/rg" rg
	mkdir -p "$tmp/cs" && (cd "$tmp/cs" && npm init -y >/dev/null 2>&1)
	# unsafe_perm: postinstall.sh refuses to run as root without it; yes: node-pty's postinstall runs npx node-gyp
	if ! (cd "$tmp/cs" && TMPDIR="$tmp/tmp" npm_config_unsafe_perm=true npm_config_yes=true \
		npm install --no-audit --no-fund "code-server@$CS_VERSION" >"$tmp/install.log" 2>&1); then
		tail -30 "$tmp/install.log" >&2
		die "npm install code-server@$CS_VERSION failed (log above)"
	fi
	rm -rf "$CS_DIR" && mv "$tmp/cs" "$CS_DIR" && rm -rf "$tmp"
fi
"$CS" --version >/dev/null || die "code-server at $CS does not run"
say "code-server $("$CS" --version | head -1)"
[ $install_only = 1 ] && exit 0

[ -f "$VSIX" ] || die "no $VSIX: run npm run package first"
[ -f "$ROOT/client/out/test/exthost/index.js" ] || die "extension-host tests not built: run npm run package first"
mkdir -p "$ARTIFACTS"
rm -rf "$ARTIFACTS"/*.png "$ARTIFACTS"/ui-* "$ARTIFACTS"/exthost-* "$ARTIFACTS"/first-run-logs   # no stale screenshot may pass for this run's
D=$(mktemp -d /tmp/corelens-e2e-XXXX)
pids=()
# stop_cs PID: a code-server launcher and its children (its server process outlived the launcher once, left running)
stop_cs() { local kids; kids=$(pgrep -P "$1" 2>/dev/null || true); kill "$1" $kids 2>/dev/null || true; wait "$1" 2>/dev/null || true; }
cleanup() { for p in "${pids[@]}"; do stop_cs "$p"; done; rm -rf "$D"; }
trap cleanup EXIT

# --- the fixture workspace, copied (Build writes the object next to the source) with absolute kernel paths
WS=$D/ws
mkdir -p "$WS"
cp "$ROOT"/test-fixtures/vscode/*.c "$WS/"
K=$ROOT/test-fixtures/btf/kernels
cat >"$WS/corelens.json" <<JSON
{ "targets": [ { "name": "6.1-amd64", "path": "$K/6.1-amd64.btf.xz" }, { "name": "6.18-amd64", "path": "$K/6.18-amd64.btf.xz" } ] }
JSON

free_port() { node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }
# start_cs PROFILE_DIR PORT [FOLDER]: code-server on 127.0.0.1 with explicit data dirs (never ~/.config/code-server)
start_cs() {
	"$CS" --user-data-dir "$1/user" --extensions-dir "$1/ext" --config "$1/config.yaml" --bind-addr "127.0.0.1:$2" \
		--auth none --disable-telemetry --disable-update-check --disable-workspace-trust --disable-getting-started-override \
		"${3:-$WS}" >"$1/server.log" 2>&1 &
	pids+=($!)
	for _ in $(seq 1 150); do curl -sf -o /dev/null "http://127.0.0.1:$2/healthz" && return 0; sleep 0.1; done
	cat "$1/server.log" >&2; die "code-server did not answer on port $2"
}
# keep_logs PROFILE_DIR NAME: the language client's output channel and the server log, as artifacts
keep_logs() {
	find "$1/user/logs" -name 'corelens*.log' -exec cp {} "$ARTIFACTS/" \; 2>/dev/null || true
	cp "$1/server.log" "$ARTIFACTS/$2-code-server.log" 2>/dev/null || true
	for f in "$ARTIFACTS"/corelens*.log; do [ -f "$f" ] && mv "$f" "$ARTIFACTS/$2-$(basename "$f" | tr ' ' '_')"; done
}

if [ $first_only = 0 ]; then
# --- 0. the TextMate injection against VS Code's real C grammar (npm test checks it against a stub C grammar)
CGRAMMAR=$CS_DIR/node_modules/code-server/lib/vscode/extensions/cpp/syntaxes/c.tmLanguage.json
[ -f "$CGRAMMAR" ] || die "no C grammar in code-server at $CGRAMMAR"
node -e '
  const [cfg, real, inj, out] = process.argv.slice(1); const fs = require("fs"), path = require("path");
  const c = JSON.parse(fs.readFileSync(cfg, "utf8"));
  c.contributes.grammars[0].path = path.relative(path.dirname(out), real);
  c.contributes.grammars[1].path = path.relative(path.dirname(out), inj);
  fs.writeFileSync(out, JSON.stringify(c));' \
	"$ROOT/client/test/grammar/grammars.json" "$CGRAMMAR" "$ROOT/syntaxes/bpf-core.injection.tmLanguage.json" "$D/grammars.json"
"$ROOT/node_modules/.bin/vscode-tmgrammar-test" --config "$D/grammars.json" "$ROOT/client/test/grammar/*.test.c" 2>&1 \
	| grep -v '^grammar not found for "source\.\(asm\|x86\|x86_64\|arm\)"$' || die "grammar tests against the real C grammar failed"
say "injection grammar passes against code-server's C grammar"

# --- 1. UI: the installed .vsix in a fresh profile; Problems panel, hover, status bar; screenshots
P1=$D/ui; mkdir -p "$P1"
out=$("$CS" --user-data-dir "$P1/user" --extensions-dir "$P1/ext" --config "$P1/config.yaml" --install-extension "$VSIX" 2>&1) \
	|| { echo "$out" >&2; die "installing $VSIX failed"; }
echo "$out" | grep -q 'successfully installed' || { echo "$out" >&2; die "installing $VSIX failed"; }
say "installed $(basename "$VSIX") into a fresh profile"
PORT=$(free_port); start_cs "$P1" "$PORT"
ui_rc=0
node "$ROOT/client/test/e2e/drive-ui.mjs" "http://127.0.0.1:$PORT/?folder=$WS" probe.bpf.c "$ARTIFACTS" || ui_rc=$?
keep_logs "$P1" ui
stop_cs "${pids[-1]}"
[ $ui_rc = 0 ] || die "UI checks failed (screenshots and logs in $ARTIFACTS)"
fi

# --- 1b. first run: a fresh profile and a fresh corelens cache (no slices, no V8 code cache: a new install), a 100-line
#         program and no corelens.json (the default targets: the running kernel and the bundled ones); prints the time
#         from opening the editor to the first problem, and where it went (first-run-timeline.mjs)
WS0=$D/first-run
mkdir -p "$WS0" && cp "$ROOT"/test-fixtures/editor/first-run/*.c "$WS0/"
P0=$D/first; mkdir -p "$P0"
"$CS" --user-data-dir "$P0/user" --extensions-dir "$P0/ext" --config "$P0/config.yaml" --install-extension "$VSIX" >/dev/null 2>&1 \
	|| die "installing $VSIX into the first-run profile failed"
saved_cache=${CORELENS_CACHE-}
export CORELENS_CACHE=$D/first-cache   # code-server passes it on to the extension host and the server
PORT=$(free_port); start_cs "$P0" "$PORT" "$WS0"
if [ -n "$saved_cache" ]; then export CORELENS_CACHE=$saved_cache; else unset CORELENS_CACHE; fi
first_rc=0
node "$ROOT/client/test/e2e/drive-ui.mjs" "http://127.0.0.1:$PORT/?folder=$WS0" tracer.bpf.c "$ARTIFACTS" --first-run | tee "$D/first-ui.txt" || first_rc=$?
[ $first_rc = 0 ] && { node "$ROOT/client/test/e2e/first-run-timeline.mjs" "$D/first-ui.txt" "$P0/user/logs" || first_rc=$?; }
keep_logs "$P0" first-run
stop_cs "${pids[-1]}"
[ $first_only = 1 ] && cp -r "$P0/user/logs" "$ARTIFACTS/first-run-logs"
[ $first_rc = 0 ] || die "first-run check failed (screenshots and logs in $ARTIFACTS)"
if [ $first_only = 1 ]; then say "PASS (first run only; artifacts in $ARTIFACTS)"; exit 0; fi

# --- 2. extension-host mocha tests, with the unpacked .vsix as the development extension (so the packaged bundle,
#        grammar and wasm are what runs) and client/out/test/exthost/index.js as extensionTestsPath
X=$D/unpacked
python3 - "$VSIX" "$X" <<'PY'
import sys, zipfile
zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])
PY
P2=$D/exthost; mkdir -p "$P2"
PORT=$(free_port); start_cs "$P2" "$PORT"
AUTH=127.0.0.1:$PORT
PAYLOAD=$(node -e 'const [a,e,t]=process.argv.slice(1);console.log(encodeURIComponent(JSON.stringify([["extensionDevelopmentPath",`vscode-remote://${a}${e}`],["extensionTestsPath",`vscode-remote://${a}${t}`]])))' \
	"$AUTH" "$X/extension" "$ROOT/client/out/test/exthost/index.js")
ext_rc=0
node "$ROOT/client/test/e2e/open-until-exit.mjs" "http://$AUTH/?folder=$WS&payload=$PAYLOAD" 120 || ext_rc=$?
keep_logs "$P2" exthost
[ $ext_rc = 0 ] || die "extension-host tests failed (exit $ext_rc; logs in $ARTIFACTS)"
say "PASS (artifacts in $ARTIFACTS)"
