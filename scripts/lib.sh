# Shared shell helpers of the fixture scripts (source it; it defines functions only).

# compare_dir LABEL FRESH COMMITTED: reports files that are missing, extra or different between a fresh rebuild and
# the committed copy; returns 1 when anything is stale. Subdirectories are ignored (only files are fixtures).
compare_dir() {
	local label=$1 fresh=$2 committed=$3 status=0 want have f
	want=$(cd "$fresh" && ls -p | grep -v / | sort)
	have=$(cd "$committed" 2>/dev/null && ls -p | grep -v / | sort)
	if [ "$want" != "$have" ]; then
		echo "$label: file list of $committed differs:" >&2
		diff <(echo "$have") <(echo "$want") >&2 || true
		status=1
	fi
	for f in $want; do
		if ! cmp -s "$fresh/$f" "$committed/$f"; then
			echo "$label: stale $committed/$f" >&2
			status=1
		fi
	done
	return $status
}
