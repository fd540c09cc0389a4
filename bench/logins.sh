#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Logins per second through a real PostgreSQL server, one method per role,
# measured side by side: trust, scram-sha-256, pam with pam_permit.so (the
# floor), pam with pam_ask_permit.so (the floor for a module that asks for
# the password: tests/harness) and pam_oauth2 in each mode.  Every round runs
# every method once, in an order that rotates from round to round, with a
# pam_permit run before and after each: a method's ratio to pam_permit is
# taken against its two neighbours, so drift on a shared machine cancels.
# The tables (bench/logins_report.awk) give medians over rounds, an interval
# for each ratio, and the issue's targets judged against those intervals.
# Not a test: it asserts nothing, it prints tables.  Needs root, like the
# PostgreSQL tests.
#
#   bench/logins.sh [SECONDS_PER_ROUND [ROUNDS]]     defaults: 3 11 (~23 min)
#   bench/logins.sh 1 2                              quick look (~2 min)
#   BENCH_PRELOAD=1 bench/logins.sh ...              the server preloads
#       (shared_preload_libraries = pam_oauth2_preload, pointed at the module)
#   BENCH_TLS=1 bench/logins.sh ...                  every login over TLS
#       (sslmode=require), as hostssl lines have it
#   BENCH_METHODS="jwt_cached_keys" bench/logins.sh  only these rows (and
#       pam_permit and pam_ask_permit, which the ratios need)
#   BENCH_KEEP=FILE bench/logins.sh ...              also keeps the raw figures
set -euo pipefail
SECONDS_PER_ROUND=${1:-3}
ROUNDS=${2:-11}
CLIENTS_LIST=${BENCH_CLIENTS:-"1 2"}
ISSUER_REQUESTS=${BENCH_ISSUER_REQUESTS:-200}

cd "$(dirname "$0")/.."
ROOT=$PWD
BUILD=${BUILD_DIR:-$ROOT/build/bench}
[ -d "$BUILD" ] || meson setup "$BUILD" >/dev/null
ninja -C "$BUILD" >/dev/null

. bench/serverlib.sh

svc=pam_oauth2_bench_$$
. bench/logins_setup.sh

. bench/backends_cpu.sh
PM_PID=$(head -n 1 "$PGDATA_DIR/postmaster.pid")

# run_pgbench METHOD CLIENTS: prints connections per second and the
# backends' CPU ms per connection.
run_pgbench() {
	local out rate logins t0 t1
	t0=$(backends_ticks)
	out=$(PGPASSWORD=$(cat "$WORK/pw_$1") PGSSLMODE=$BENCH_SSLMODE "$PGBENCH" -n -C \
		-T "$SECONDS_PER_ROUND" -c "$2" -j "$2" -f "$ROOT/bench/select1.sql" \
		-h 127.0.0.1 -p "$PGPORT" -U "b_$1" postgres 2>&1) || true
	sleep 0.3 # the last backends exit and are reaped
	t1=$(backends_ticks)
	rate=$(printf '%s\n' "$out" | awk '/^tps = /{print $3; exit}')
	logins=$(printf '%s\n' "$out" | awk -F': ' '/^number of transactions actually processed/{split($2, a, "/"); print a[1]; exit}')
	if [ -z "$rate" ] || printf '%s\n' "$out" | grep -q 'aborted\|error'; then
		echo "warning: pgbench $1 -c $2: $(printf '%s\n' "$out" | grep -m 3 -i 'error\|aborted')" >&2
	fi
	awk -v rate="${rate:-0}" -v n="${logins:-0}" -v t="$((t1 - t0))" -v hz="$TICKS_PER_S" \
		'BEGIN { printf "%s %.4f\n", rate, (n > 0 ? 1000 * t / hz / n : 0) }'
}

# A round: pam_permit, a method, pam_permit, the next method, ..., pam_permit.
others=()
for m in "${METHODS[@]}"; do [ "$m" = pam_permit ] || others+=("$m"); done
n=${#others[@]}
runs_per_round=$((2 * n + 1))
total=$((ROUNDS * runs_per_round * $(wc -w <<<"$CLIENTS_LIST") * SECONDS_PER_ROUND))
echo "logins: preload ${BENCH_PRELOAD:-0}, sslmode $BENCH_SSLMODE, $((n + 1)) methods x clients {$CLIENTS_LIST} x $ROUNDS rounds x ${SECONDS_PER_ROUND}s, pam_permit between every two (~$((total / 60)) min), PostgreSQL $("$PG_BINDIR/postgres" -V | awk '{print $3}'), $(nproc) cores" >&2
: >"$WORK/rates"
# round_order ROUND: the methods of one round, in the order they run.
round_order() {
	local i
	for ((i = 0; i < n; i++)); do
		echo pam_permit
		echo "${others[(i + $1 * 3) % n]}"
	done
	echo pam_permit
}
for ((r = 0; r < ROUNDS; r++)); do
	seq=0
	for m in $(round_order "$r"); do
		for c in $CLIENTS_LIST; do
			printf '%s %s %s %s %s\n' "$m" "$c" "$r" "$seq" "$(run_pgbench "$m" "$c")" >>"$WORK/rates"
			seq=$((seq + 1))
		done
	done
	echo "round $((r + 1))/$ROUNDS done" >&2
done

# The issuer alone: curl's total time per request, a new connection each
# time (as each login's backend makes), median in ms.
# issuer_latency CURL_ARGS...
issuer_latency() {
	local i
	for ((i = 0; i < ISSUER_REQUESTS; i++)); do
		curl -s -o /dev/null -w '%{time_total}\n' "$@"
	done | sort -g | awk '{v[NR] = $1} END {printf "%.3f", 1000 * v[int((NR + 1) / 2)]}'
}
UI_MS=- IN_MS=-
if [ -f "$WORK/pw_userinfo_cold" ]; then
	UI_MS=$(issuer_latency -H "Authorization: Bearer $(cat "$WORK/pw_userinfo_cold")" "$USERINFO")
fi
if [ -f "$WORK/pw_introspect_cold" ]; then
	IN_MS=$(issuer_latency -u pam-db:s3cret-for-tests --data-urlencode "token=$(cat "$WORK/pw_introspect_cold")" "$INTROSPECT")
fi

# BENCH_KEEP=FILE keeps the raw figures (bench/logins_report.awk reads
# them: method clients round seq conn/s backend-CPU-ms/login).
[ -z "${BENCH_KEEP:-}" ] || cp "$WORK/rates" "$BENCH_KEEP"

echo
echo "## Logins per second (pgbench -n -C -T $SECONDS_PER_ROUND -f select1.sql over TCP 127.0.0.1, sslmode=$BENCH_SSLMODE, $ROUNDS rounds, median$([ "${BENCH_PRELOAD:-0}" = 1 ] && echo ', server with pam_oauth2_preload'))"
echo
awk -v order="${METHODS[*]}" -v clients="$CLIENTS_LIST" -v ui="$UI_MS" -v in_="$IN_MS" \
	-f "$ROOT/bench/stats.awk" -f "$ROOT/bench/rate_lines.awk" -f "$ROOT/bench/logins_report.awk" "$WORK/rates"
echo
echo "Issuer alone (curl, new connection per request, median of $ISSUER_REQUESTS): userinfo $UI_MS ms, introspection $IN_MS ms"
