#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The Keycloak suite on its own, as root from a clean clone: installs the
# Debian packages (scripts/install-deps.sh), builds the module with meson
# into build/keycloak if needed, then runs tests/keycloak/test_keycloak.sh
# (which fetches, starts and stops Keycloak, and takes the integration lock
# once Keycloak is up).
# Ends with "keycloak: N passed, N failed, N skipped"; without Java or
# Maven it reports one skip with the reason, never a silent pass.
set -u
cd "$(dirname "$0")/../.."
root=$(pwd)
build=$(realpath -m "${KEYCLOAK_BUILD_DIR:-$root/build/keycloak}")
log=${KEYCLOAK_LOG:-$build/keycloak.log}

summary() { echo "keycloak: $1 passed, $2 failed, $3 skipped${4:+ ($4)}"; }

if [ "$(id -u)" -ne 0 ]; then
	summary 0 0 1 "needs root: it writes /etc/pam.d and runs PostgreSQL as postgres"
	exit 0
fi
scripts/install-deps.sh >/dev/null || { summary 0 1 0 "scripts/install-deps.sh failed"; exit 1; }
missing=$(bash -c '. tests/keycloak/keycloak.sh; kc_missing' 2>/dev/null)
if [ -n "$missing" ]; then
	summary 0 0 1 "Keycloak cannot run here: $missing"
	exit 0
fi
if [ ! -f "$build/build.ninja" ]; then
	meson setup "$build" -Dwerror=true >/dev/null || { summary 0 1 0 "meson setup failed"; exit 1; }
fi
ninja -C "$build" >/dev/null || { summary 0 1 0 "the build failed"; exit 1; }
mkdir -p "$(dirname "$log")"

start=$(date +%s)
PAM_OAUTH2_MODULE="$build/src/pam_oauth2.so" \
	PAM_HARNESS="$build/tests/harness/pam_harness" \
	SYSLOG_SINK="$build/tests/harness/syslog_sink" \
	ISSUER_DIR="$root/tests/issuer" \
	BUILD_DIR="$build" \
	PG_OAUTH2_TOKEN="$build/src/pg_oauth2_token" \
	KC_SIZES_FILE="$build/keycloak-token-sizes.txt" \
	tests/keycloak/test_keycloak.sh 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
pass=$(grep -c '^ok .*' "$log" | head -n 1)
skip=$(grep -c '^ok .* # SKIP' "$log")
fail=$(grep -c '^not ok' "$log")
pass=$((pass - skip))
# A bail-out, an exit status with no failure, or fewer results than the
# plan (a check whose "ok" line went astray) each count as a failure.
planned=$(sed -n 's/^1\.\.\([0-9]*\)$/\1/p' "$log" | tail -n 1)
if grep -q '^Bail out!' "$log" || { [ "$status" -ne 0 ] && [ "$fail" -eq 0 ]; } ||
	[ "${planned:-0}" -ne $((pass + skip + fail)) ]; then
	fail=$((fail + 1))
fi
echo "# keycloak suite: $(($(date +%s) - start)) s"
summary "$pass" "$fail" "$skip"
[ "$fail" -eq 0 ]
