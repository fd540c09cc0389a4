# SPDX-License-Identifier: MIT
# TAP output for the shell tests (meson's `protocol : 'tap'`), shared by
# pam.sh, tests/docs/ and scripts/package-test.sh.  Source it.

tap_count=0
tap_failed=0

ok() { tap_count=$((tap_count + 1)); echo "ok $tap_count - $*"; }
not_ok() { tap_count=$((tap_count + 1)); tap_failed=$((tap_failed + 1)); echo "not ok $tap_count - $*"; }
skip() { tap_count=$((tap_count + 1)); echo "ok $tap_count - $* # SKIP"; }
diag() { echo "# $*"; }

# check DESCRIPTION COMMAND...: one TAP line for whether COMMAND succeeds.
check() {
	local desc=$1
	shift
	if "$@"; then ok "$desc"; else not_ok "$desc"; fi
}

tap_finish() {
	echo "1..$tap_count"
	[ "$tap_failed" -eq 0 ]
}

bail() {
	echo "Bail out! $*"
	exit 1
}
