#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The benchmark scripts run from a clean clone and print their tables: a
# short run of each (bench/cpu.sh, bench/micro.sh, bench/logins.sh on a
# subset of rows, bench/paired_logins.sh, bench/inside.sh), checking the
# shape of what they print, never a figure's size (that is the benchmarks'
# job, not a test's).  As root, after a build in BUILD_DIR (default
# build/release).  TAP output, ending with "bench: N passed, N failed"
# (scripts/test.sh adds it to its totals).
set -uo pipefail
cd "$(dirname "$0")/.."
. tests/lib/tap.sh
export BUILD_DIR=${BUILD_DIR:-build/release}
out=$(mktemp -d /tmp/pam_oauth2_bench.XXXXXX)
trap 'rm -rf "$out"' EXIT

# rows FILE MODE...: every MODE has a table row whose figures are numbers.
rows() {
	local file=$1 m missing=""
	shift
	for m in "$@"; do
		grep -qE "^\| $m \| [0-9]" "$file" || missing+=" $m"
	done
	[ -z "$missing" ] || { diag "no row for:$missing"; sed 's/^/#   /' "$file" | tail -n 30; return 1; }
}

# The names of the module's modes (the URLs in it do not matter here).
USERINFO='' ISSUER='' INTROSPECT='' WORK=''
. bench/modes.sh
modes=(pam_permit pam_ask_permit "${MODULE_MODES[@]}")

bench/cpu.sh 5 >"$out/cpu" 2>"$out/cpu.err"
rc=$?
check "bench/cpu.sh 5 exits 0" test "$rc" -eq 0
check "bench/cpu.sh prints a row per mode" rows "$out/cpu" "${modes[@]}"
check "bench/cpu.sh prints OpenSSL's floor (fork_verify), plain and preloaded" rows "$out/cpu" plain preloaded
check "bench/cpu.sh prints the module's own share of jwt_cached_keys, plain and preloaded" \
	eval 'sed -n "/^## The module.s own share/,\$p" "$out/cpu" | grep -cE "^\| (plain|preloaded) \| [-+][0-9]" | grep -qx 2'

bench/micro.sh 0.05 >"$out/micro" 2>&1
check "bench/micro.sh prints a row per algorithm" rows "$out/micro" RS256 PS256 ES256 EdDSA
check "bench/micro.sh prints OpenSSL's own import + verify and verify per algorithm" \
	eval 'test "$(grep -cE "^\| (RS256|PS256|ES256|EdDSA), OpenSSL alone: (import \+ verify|verify) \| [0-9]" "$out/micro")" -eq 8'
check "bench/micro.sh judges its targets against floors of the same run" \
	eval 'sed -n "/^## Targets/,\$p" "$out/micro" | grep -cE "\| (held|not held|no target) \|\$" | grep -qx 11'
check "bench/micro.sh times jansson alone on the 1 KB and 16 KB payloads and bounds the ratio by it" \
	eval 'test "$(grep -cE "^\| jansson alone: the (1|16) KB token.s payload \| [0-9]" "$out/micro")" -eq 2 &&
		grep -qE "^\| RS256 16 KB token, least with jansson.s parse \| [0-9].*\| (within|out of) reach \|\$" "$out/micro"'

BENCH_METHODS="userinfo_cold jwt_cached_keys" bench/logins.sh 1 1 >"$out/logins" 2>"$out/logins.err"
rc=$?
check "bench/logins.sh 1 1 exits 0" test "$rc" -eq 0
check "bench/logins.sh prints the floors and the rows asked for" \
	rows "$out/logins" pam_permit pam_ask_permit userinfo_cold jwt_cached_keys
check "bench/logins.sh judges the targets of the rows asked for (jwt_cached_keys at 1 client)" \
	eval 'sed -n "/^## Targets/,\$p" "$out/logins" | grep -cE "^\| [^|]+ \| (userinfo_cold|jwt_cached_keys) \| [12] \| .*\| (held|not held|within noise) \|\$" | grep -qx 3'
check "bench/logins.sh: no pgbench run failed" test -z "$(grep -i 'warning' "$out/logins.err")"

BENCH_TLS=1 BENCH_CLIENTS=1 BENCH_METHODS=jwt_cached_keys bench/logins.sh 1 1 >"$out/tls" 2>"$out/tls.err"
rc=$?
check "BENCH_TLS=1 bench/logins.sh 1 1 exits 0" test "$rc" -eq 0
check "BENCH_TLS=1: every pgbench run logged in over TLS" \
	eval 'grep -q "sslmode=require" "$out/tls" && test -z "$(grep -i warning "$out/tls.err")"'
check "BENCH_TLS=1: the floors and the row asked for" rows "$out/tls" pam_permit pam_ask_permit jwt_cached_keys

bench/paired_logins.sh 2 3 >"$out/paired" 2>"$out/paired.err"
rc=$?
check "bench/paired_logins.sh 2 3 exits 0" test "$rc" -eq 0
check "bench/paired_logins.sh prints pam_ask_permit against itself and each row of issue 17" \
	eval 'test "$(grep -cE "^\| (pam_ask_permit \(itself\)|userinfo_cached|introspect_cached|jwt_cached_keys|jwt_cached_verdict) \| [12] \| 6 \| [0-9.]+ \| [0-9.]+ \| [0-9.]+ \| [0-9.]+\.\.[0-9.]+ \|" "$out/paired")" -eq 10'
check "bench/paired_logins.sh judges issue 17's seven lines against pam_ask_permit" \
	eval 'test "$(grep -cE "\| >= 0\.(95|90) \| (held|not held|within noise) \|\$" "$out/paired")" -eq 7'

# HEAD as the baseline: builds it as a run against issue 17's commit does;
# with the preload, under which the line is judged.
BENCH_PRELOAD=1 BENCH_BASELINE=HEAD bench/inside.sh 5 3 >"$out/inside" 2>"$out/inside.err"
rc=$?
check "BENCH_PRELOAD=1 BENCH_BASELINE=HEAD bench/inside.sh 5 3 exits 0" test "$rc" -eq 0
check "bench/inside.sh prints a row per mode and the baseline's" \
	rows "$out/inside" pam_ask_permit "${MODULE_MODES[@]}" jwt_cached_keys_baseline
# every_place FILE ROWS: ROWS rows, each with a positive time in the server,
# the harness and the cold harness (the table's 2nd, 5th and 8th columns).
every_place() {
	awk -F'|' -v want="$2" '$2 ~ /^ [a-z_]+ $/ && $3 ~ /^ [0-9.]+ $/ {
		n++; if ($3 + 0 > 0 && $6 + 0 > 0 && $9 + 0 > 0) ok++ }
		END { exit !(n == want && ok == want) }' "$1"
}
check "bench/inside.sh measured every mode in the server, the harness and the cold harness" \
	every_place "$out/inside" $((2 + ${#MODULE_MODES[@]}))
check "bench/inside.sh judges the module's own share over its 3 rounds, alone and against the baseline's" \
	eval 'grep -q "over 3 rounds" "$out/inside" &&
		grep -qE "^\| the module.s own share of jwt_cached_keys in a backend, µs \| -?[0-9.]+ \(-?[0-9.]+\.\.-?[0-9.]+\) \| <= 57\.5 \| (held|not held|within noise) \|\$" "$out/inside" &&
		grep -qE "^\| the same share over the module at HEAD.s \(([1-3] rounds\) \| -?[0-9.]+ \(-?[0-9.]+\.\.-?[0-9.]+\) \| <= 0\.500 \| (held|not held|within noise)|0 rounds\) \| none: .* \| <= 0\.500 \| not measured) \|\$" "$out/inside"'

# PostgreSQL 18 (tests/pg18): only where the header tarball is.
ROOT=$PWD
. tests/pg18/setup.sh
if [ -r "$HEADERS" ]; then
	bench/pg18_logins.sh 1 1 >"$out/pg18" 2>"$out/pg18.err"
	rc=$?
	check "bench/pg18_logins.sh 1 1 exits 0" test "$rc" -eq 0
	check "bench/pg18_logins.sh prints trust, scram-sha-256 and both validator rows" \
		rows "$out/pg18" trust scram-sha-256 oauth_cached_keys oauth_cached_verdict
else
	skip "bench/pg18_logins.sh: no PostgreSQL 18 headers at $HEADERS"
fi

tap_finish
echo "bench: $((tap_count - tap_failed)) passed, $tap_failed failed"
[ "$tap_failed" -eq 0 ]
