#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Builds the libFuzzer targets in tests/fuzz/ (clang, ASan+UBSan) and runs
# each for SECONDS_PER_TARGET (default 60) on a copy of its seed corpus, so
# nothing the fuzzer finds is written into the repository.  A crash, a leak,
# a timeout or a failed build fails the run; a crashing input is kept under
# build/fuzz-artifacts/.  Ends with "fuzz: N passed, N failed".
#   scripts/fuzz.sh [SECONDS_PER_TARGET]
set -uo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-60}
build=build/fuzz
artifacts=build/fuzz-artifacts
targets=(token base64url jws jwk jwks userinfo introspect discovery config
	usermap cache policy verdict token_answer)

# CI may set UBSAN_OPTIONS for the other suites; here every report must
# abort so that libFuzzer sees it as a crash.
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
export ASAN_OPTIONS=detect_leaks=1

setup=(-Dfuzzing=true -Dwerror=true -Db_sanitize=address,undefined -Db_lundef=false)
echo "=== fuzz: build ($build)"
if ! { CC=clang meson setup --wipe "$build" "${setup[@]}" >/dev/null 2>&1 ||
	CC=clang meson setup "$build" "${setup[@]}" >/dev/null; } ||
	! ninja -C "$build" fuzz; then
	echo "fuzz: build failed"
	echo "fuzz: 0 passed, 1 failed"
	exit 1
fi

# Working corpora and the targets' private files live here, and go.
work=$(mktemp -d "${TMPDIR:-/tmp}/oa-fuzz.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$artifacts"

pass=0 fail=0
for t in "${targets[@]}"; do
	mkdir -p "$work/corpus/$t" "$work/tmp/$t"
	cp tests/fuzz/corpus/"$t"/* "$work/corpus/$t/" 2>/dev/null
	log="$work/$t.log"
	# -timeout: an input taking 10 s would hold a login far past timeout=;
	# -rss_limit_mb: the parsers cap what they allocate well below this.
	TMPDIR="$work/tmp/$t" "$build/tests/fuzz/fuzz_$t" "$work/corpus/$t" \
		-max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
		-detect_leaks=1 -print_final_stats=1 \
		-artifact_prefix="$artifacts/$t-" >"$log" 2>&1
	rc=$?
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
	if [ "$rc" -eq 0 ] && [ -n "$runs" ]; then
		echo "fuzz $t: ok (${runs} runs)"
		pass=$((pass + 1))
	else
		echo "fuzz $t: FAILED (exit $rc${runs:+, $runs runs}); the end of its log:"
		tail -n 40 "$log" | sed 's/^/    /'
		fail=$((fail + 1))
	fi
done

echo "fuzz: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
