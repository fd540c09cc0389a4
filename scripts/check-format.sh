#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Checks that every C file under src/ is as clang-format (with the tree's
# .clang-format) would write it.  Prints a unified diff of each file that
# differs and a count, and exits 1 if any does, 0 if none, 2 without
# clang-format.  With --fix, rewrites the files in place instead.
set -u
cd "$(dirname "$0")/.."

command -v clang-format >/dev/null || {
	echo "check-format: clang-format is not installed (apt-get install clang-format)" >&2
	exit 2
}
fix=false
[ "${1:-}" = "--fix" ] && fix=true

mapfile -t files < <(find src -name '*.[ch]' | sort)
differ=0 lines=0
for f in "${files[@]}"; do
	if $fix; then
		clang-format --style=file -i "$f"
		continue
	fi
	d=$(clang-format --style=file "$f" | diff -u --label "$f" --label "$f (formatted)" "$f" -)
	[ -z "$d" ] && continue
	printf '%s\n' "$d"
	differ=$((differ + 1))
	lines=$((lines + $(printf '%s\n' "$d" | tail -n +3 | grep -c '^[-+]')))
done
$fix && { echo "check-format: ${#files[@]} files formatted"; exit 0; }
echo "check-format: $differ of ${#files[@]} files differ from clang-format ($lines lines)"
[ "$differ" -eq 0 ]
