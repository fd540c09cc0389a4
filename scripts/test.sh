#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The whole test suite, from a fresh Debian 12 machine, as root:
#   1. installs what is missing (scripts/install-deps.sh) and checks that
#      src/ is as clang-format writes it (scripts/check-format.sh);
#   2. builds with warnings as errors and runs every test (unit, PAM through
#      real libpam, PostgreSQL end to end) against the local test issuer;
#   3. builds again with AddressSanitizer and UndefinedBehaviorSanitizer and
#      runs the unit and PAM-level tests under them (the PostgreSQL server
#      is not instrumented, so the module cannot be loaded into it there);
#   4. fuzzes every parser (scripts/fuzz.sh), then builds, installs and
#      logs in with the Debian package (scripts/package-test.sh);
#   5. runs each benchmark script briefly (scripts/bench-smoke.sh);
#   6. builds the PostgreSQL 18 validator and runs it through a PostgreSQL 18
#      server (tests/pg18/run.sh);
#   7. runs the Keycloak suite (tests/keycloak/run.sh);
#   8. ends with one line: "tests: N passed, N failed, N skipped".
set -uo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh || { echo "tests: 0 passed, 1 failed"; exit 1; }

total_pass=0 total_fail=0 total_skip=0
status=0

# run_suite NAME BUILD_DIR [meson setup options] -- [meson test options]
run_suite() {
	local name=$1 dir=$2
	shift 2
	local setup=() tests=()
	while [ $# -gt 0 ] && [ "$1" != -- ]; do setup+=("$1"); shift; done
	[ $# -gt 0 ] && shift
	tests=("$@")

	echo "=== $name: build ($dir)"
	if ! { meson setup --wipe "$dir" "${setup[@]}" >/dev/null 2>&1 ||
		meson setup "$dir" "${setup[@]}" >/dev/null; } ||
		! ninja -C "$dir"; then
		echo "=== $name: build failed"
		total_fail=$((total_fail + 1))
		status=1
		return
	fi
	echo "=== $name: tests"
	meson test -C "$dir" --print-errorlogs "${tests[@]}" || status=1

	# Count every TAP case (cmocka cases and integration checks alike).
	local log="$dir/meson-logs/testlog.txt" pass fail skip
	skip=$(grep -cE '^ok [0-9]+ .*# (SKIP|skip)' "$log")
	pass=$(($(grep -cE '^ok [0-9]+' "$log") - skip))
	fail=$(grep -cE '^not ok [0-9]+' "$log")
	echo "$name: $pass passed, $fail failed, $skip skipped"
	total_pass=$((total_pass + pass))
	total_fail=$((total_fail + fail))
	total_skip=$((total_skip + skip))
}

# The layout (scripts/check-format.sh): every C file under src/ as
# clang-format writes it with .clang-format; one test, run once.
mkdir -p build
if scripts/check-format.sh >build/format.log 2>&1; then
	format_pass=1 format_fail=0
else
	format_pass=0 format_fail=1
	status=1
	cat build/format.log
fi
echo "format: $format_pass passed, $format_fail failed"
total_pass=$((total_pass + format_pass))
total_fail=$((total_fail + format_fail))

run_suite "release" build/release -Dwerror=true --
run_suite "sanitizers" build/asan -Dwerror=true -Db_sanitize=address,undefined \
	-Db_lundef=false -Dbuildtype=debug -- --no-suite postgres

# Fuzzing (scripts/fuzz.sh): every parser of untrusted bytes for 20 s under
# ASan+UBSan; each target counts as one test, a crash, leak or hang fails it.
mkdir -p build
scripts/fuzz.sh 20 2>&1 | tee build/fuzz.log || status=1
fuzz_counts=$(sed -n 's/^fuzz: \([0-9]*\) passed, \([0-9]*\) failed$/\1 \2/p' build/fuzz.log)
read -r fuzz_pass fuzz_fail <<<"${fuzz_counts:-0 1}"
total_pass=$((total_pass + fuzz_pass))
total_fail=$((total_fail + fuzz_fail))

# The Debian package (scripts/package-test.sh): built with dpkg-buildpackage,
# installed with apt, and a PostgreSQL login through the installed module;
# each of its TAP checks counts as one test.
scripts/package-test.sh 2>&1 | tee build/package.log || status=1
package_counts=$(sed -n 's/^package: \([0-9]*\) passed, \([0-9]*\) failed$/\1 \2/p' build/package.log)
read -r package_pass package_fail <<<"${package_counts:-0 1}"
total_pass=$((total_pass + package_pass))
total_fail=$((total_fail + package_fail))

# The benchmark scripts (scripts/bench-smoke.sh): each runs briefly against
# the release build and prints its tables; the shape is checked, no figure.
scripts/bench-smoke.sh 2>&1 | tee build/bench.log || status=1
bench_counts=$(sed -n 's/^bench: \([0-9]*\) passed, \([0-9]*\) failed$/\1 \2/p' build/bench.log)
read -r bench_pass bench_fail <<<"${bench_counts:-0 1}"
total_pass=$((total_pass + bench_pass))
total_fail=$((total_fail + bench_fail))

# PostgreSQL 18 (tests/pg18/run.sh): pg_oauth2_validator built against the
# PostgreSQL 18 headers and logging in through a real PostgreSQL 18 server;
# skipped, with the reason, where the header tarball is missing.
tests/pg18/run.sh 2>&1 | tee build/pg18.log || status=1
pg18_counts=$(sed -n 's/^pg18: \([0-9]*\) passed, \([0-9]*\) failed, \([0-9]*\) skipped$/\1 \2 \3/p' build/pg18.log)
read -r pg18_pass pg18_fail pg18_skip <<<"${pg18_counts:-0 1 0}"
total_pass=$((total_pass + pg18_pass))
total_fail=$((total_fail + pg18_fail))
total_skip=$((total_skip + pg18_skip))

# The Keycloak suite (tests/keycloak/run.sh): a real Keycloak in front of a
# real PostgreSQL, on the release build; where Java or Maven is missing it
# reports one skip with the reason.
KEYCLOAK_BUILD_DIR=build/release tests/keycloak/run.sh 2>&1 | tee build/keycloak-suite.log || status=1
keycloak_counts=$(sed -n 's/^keycloak: \([0-9]*\) passed, \([0-9]*\) failed, \([0-9]*\) skipped.*$/\1 \2 \3/p' \
	build/keycloak-suite.log)
read -r keycloak_pass keycloak_fail keycloak_skip <<<"${keycloak_counts:-0 1 0}"
total_pass=$((total_pass + keycloak_pass))
total_fail=$((total_fail + keycloak_fail))
total_skip=$((total_skip + keycloak_skip))

# A meson failure that produced no TAP line (a crash, a bail-out) still fails.
if [ "$status" -ne 0 ] && [ "$total_fail" -eq 0 ]; then
	total_fail=1
fi
echo "tests: $total_pass passed, $total_fail failed, $total_skip skipped"
exit "$status"
